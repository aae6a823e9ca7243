"""pytest entry point of the optimizer and scheduler cases: one test per (optimizer, dtype) group, one per
scheduler and one for the error cases; their rows travel to the controller as test_ops.py's do."""
import json

import pytest

from conformance.optim_cases import grouped_optim_cases
from conformance.optim_checks import run_optim_case
from conformance.run import FAILING, ROW_PROPERTY


def pytest_generate_tests(metafunc):
    if "optim_group" in metafunc.fixturenames:
        groups = grouped_optim_cases()
        metafunc.parametrize("optim_group", list(groups.values()), ids=list(groups))


def test_optim_cases(optim_group, record_property, pytestconfig):
    rows = []
    for case in optim_group:
        rows += run_optim_case(case, pytestconfig.getoption("case_timeout"))
    record_property(ROW_PROPERTY, json.dumps(rows))
    failing = [row for row in rows if row["status"] in FAILING]
    if failing:
        pytest.fail("\n".join(f"{row['case_id']} {row['check']} {row['status']}: {row['detail']}"
                              for row in failing), pytrace=False)
