"""pytest entry point of the property-based cases (conformance/fuzz): one test per property, one row each
(kind=fuzz), travelling to the controller as test_ops.py's rows do. The test id is the row's case id, so the
root conftest can write an error row for a test that crashes without rows."""
import json

import pytest

from conformance.fuzz import PROPERTIES
from conformance.fuzz.harness import run_property
from conformance.run import FAILING, ROW_PROPERTY


@pytest.mark.parametrize("fuzz_property", PROPERTIES, ids=[p.case_id for p in PROPERTIES])
def test_fuzz_property(fuzz_property, record_property):
    row = run_property(fuzz_property)
    record_property(ROW_PROPERTY, json.dumps([row]))
    if row["status"] in FAILING:
        pytest.fail(f"{row['case_id']} {row['check']} {row['status']}: {row['detail']}", pytrace=False)
