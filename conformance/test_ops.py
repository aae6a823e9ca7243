"""pytest entry point: one test per case; its rows travel on the report to the controller."""
import json

import pytest

from conformance.cases import all_cases
from conformance.run import FAILING, ROW_PROPERTY, run_case


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        cases = all_cases(metafunc.config.getoption("extra_specs"))
        metafunc.parametrize("case", cases, ids=[case.case_id for case in cases])


def test_case(case, record_property, pytestconfig):
    rows = run_case(case, pytestconfig.getoption("case_timeout"))
    record_property(ROW_PROPERTY, json.dumps(rows))
    # Outcome = matrix: fail/error/xpass rows fail the test; xfail and skip rows do not.
    failing = [row for row in rows if row["status"] in FAILING]
    if failing:
        pytest.fail("\n".join(f"{row['check']} {row['status']}: {row['detail']}" for row in failing),
                    pytrace=False)
