"""pytest entry point of the seeded-stream cases (kind=rng, conformance/rng_cases.py): one test per public name,
its rows travelling to the controller as test_ops.py's do."""
import json

import pytest

from conformance.frameworks import candidate
from conformance.rng_cases import CHECKS, grouped_cases, run_rng_case
from conformance.run import FAILING, ROW_PROPERTY, error_rows


def pytest_generate_tests(metafunc):
    if "rng_group" in metafunc.fixturenames:
        groups = grouped_cases()
        metafunc.parametrize("rng_group", list(groups.values()), ids=[f"rng/{name}" for name in groups])


def test_rng_cases(rng_group, record_property):
    rows = []
    try:
        framework = candidate()
    except ImportError as error:
        framework = None
        for case in rng_group:
            rows += error_rows(case, f"mtv2 did not import: {error}", CHECKS)
    if framework is not None:
        for case in rng_group:
            rows += run_rng_case(case, framework)
    record_property(ROW_PROPERTY, json.dumps(rows))
    failing = [row for row in rows if row["status"] in FAILING]
    if failing:
        pytest.fail("\n".join(f"{row['case_id']} {row['check']} {row['status']}: {row['detail']}"
                              for row in failing[:40]), pytrace=False)
