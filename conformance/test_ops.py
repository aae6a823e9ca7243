"""pytest entry point: one test per (spec, dtype) group of cases; the rows of all its cases
travel on the test's report to the controller (see the root conftest.py)."""
import json

import pytest

from conformance.cases import all_cases, group_cases
from conformance.run import FAILING, ROW_PROPERTY, run_case


def pytest_generate_tests(metafunc):
    if "group" in metafunc.fixturenames:
        groups = group_cases(all_cases(metafunc.config.getoption("extra_specs")))
        metafunc.parametrize("group", list(groups.values()), ids=list(groups))


def test_cases(group, record_property, pytestconfig):
    rows = []
    for case in group:
        rows += run_case(case, pytestconfig.getoption("case_timeout"))
    record_property(ROW_PROPERTY, json.dumps(rows))
    # Outcome = matrix: fail/error/xpass rows fail the test; xfail and skip rows do not.
    failing = [row for row in rows if row["status"] in FAILING]
    if failing:
        pytest.fail("\n".join(f"{row['case_id']} {row['check']} {row['status']}: {row['detail']}"
                              for row in failing),
                    pytrace=False)
