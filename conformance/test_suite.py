"""pytest entry point of the kind=suite rows (conformance/suite.py): each third-party suite of suite.SUITES runs
under real torch and under mtv2 (two pytest subprocesses side by side); one row per test id of the suite."""
import json
import os

import pytest

from conformance import suite
from conformance.run import FAILING, ROW_PROPERTY


@pytest.mark.parametrize("label", [f"suite/{label}" for label in suite.SUITES])
def test_suite(label, tmp_path, record_property):
    chosen = suite.SUITES[label.split("/", 1)[1]]
    if not os.path.isdir(chosen.source):
        pytest.fail(f"{chosen.source} is missing: the suite's tests are not beside the repository", pytrace=False)
    rows = suite.run_suite(chosen, str(tmp_path))
    record_property(ROW_PROPERTY, json.dumps(rows))
    failing = [row for row in rows if row["status"] in FAILING]
    if failing:
        pytest.fail(f"{len(failing)} of {len(rows)} tests pass under torch but not under mtv2:\n" +
                    "\n".join(f"{row['name']}: {row['detail']}" for row in failing), pytrace=False)
