"""pytest entry point of the no_upcast check (conformance/upcast.py): float32 stays float32 inside mtv2's kernels.
One test per (case, direction), one row each (check no_upcast), travelling to the controller as test_fuzz.py's
rows do. The test id is the row's case id, so the root conftest can write an error row for a test that crashes
without rows."""
import json

import pytest

from conformance.run import FAILING, ROW_PROPERTY
from conformance.upcast import all_cases, check_row, registry_coverage

PAIRS = all_cases()


@pytest.mark.parametrize("case, direction", PAIRS, ids=[case.case_id(direction) for case, direction in PAIRS])
def test_no_upcast(case, direction, record_property):
    row = check_row(case, direction)
    record_property(ROW_PROPERTY, json.dumps([row]))
    if row["status"] in FAILING:
        pytest.fail(f"{row['case_id']} {row['check']} {row['status']}: {row['detail']}", pytrace=False)


def test_every_registry_op_is_measured_or_out_of_scope():
    """A kernel added to mtv2's op registry needs a case in conformance/upcast.py (or a reason to have none)."""
    missing, stale = registry_coverage([case for case, _ in PAIRS])
    assert not missing, f"registry ops no no_upcast case runs: {missing}"
    assert not stale, f"upcast.py's OUT_OF_SCOPE/RUN_BY name ops or cases that do not exist: {stale}"
