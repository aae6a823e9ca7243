"""pytest entry point of the rows built from torch's own sample databases: kind=opinfo (OpInfo, op_db; one test per
(OpInfo, dtype) plus one per OpInfo for its error inputs) and kind=moduleinfo (ModuleInfo, module_db; one test
per (module, dtype) plus one for its error inputs). Rows travel to the controller as test_ops.py's do.

`-k` takes a test id (`opinfo/add/float32`) or a full case id (`opinfo/add/method/3/float32`): a case id selects
the test that writes its row (see _CaseIdKeywords)."""
import json
import re

import pytest

from conformance.opinfo import module_cases, op_cases
from conformance.run import FAILING, ROW_PROPERTY

CASE_ID = re.compile(r"(?:opinfo|moduleinfo)/[^\s()]+")


class _CaseIdKeywords:
    """pytest's -k matches substrings of test ids; a case id (the test id plus a variant and a sample index) is
    not one. This plugin, registered while collecting, gives each test the case ids of the -k expression that
    belong to it as extra keywords, before pytest deselects."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, config, items):
        wanted = {}
        for case_id in CASE_ID.findall(config.getoption("keyword") or ""):
            try:
                group = (op_cases if case_id.startswith("opinfo/") else module_cases).group_of(case_id)
            except KeyError:
                continue
            wanted.setdefault(group, []).append(case_id)
        if not wanted:
            return
        for item in items:
            callspec = getattr(item, "callspec", None)
            group = callspec.id if callspec else None
            if group in wanted:
                item.extra_keyword_matches.update(wanted[group])


def pytest_generate_tests(metafunc):
    if "opinfo_group" in metafunc.fixturenames:
        groups = {**op_cases.group_ids(), **module_cases.group_ids()}
        metafunc.parametrize("opinfo_group", list(groups.values()), ids=list(groups))
        if not metafunc.config.pluginmanager.has_plugin("conformance-case-id-keywords"):
            metafunc.config.pluginmanager.register(_CaseIdKeywords(), "conformance-case-id-keywords")


def test_opinfo(opinfo_group, record_property, pytestconfig):
    kind, name, dtype = opinfo_group
    runner = op_cases if kind == "opinfo" else module_cases
    rows = runner.run_group(name, dtype, pytestconfig.getoption("case_timeout"))
    record_property(ROW_PROPERTY, json.dumps(rows))
    failing = [row for row in rows if row["status"] in FAILING]
    if failing:
        pytest.fail("\n".join(f"{row['case_id']} {row['check']} {row['status']}: {row['detail']}"
                              for row in failing[:50]) + (f"\n... {len(failing) - 50} more" if len(failing) > 50
                                                          else ""), pytrace=False)
