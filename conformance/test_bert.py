"""pytest entry point of the BERT cases (kind=bert, bert_cases/cases.py): one test per case; its rows travel to
the controller as test_ops.py's do."""
import json

import pytest

from bert_cases.cases import all_bert_cases, run_bert_case
from conformance.run import FAILING, ROW_PROPERTY


def pytest_generate_tests(metafunc):
    if "bert_case" in metafunc.fixturenames:
        cases = all_bert_cases()
        metafunc.parametrize("bert_case", cases, ids=[case.case_id for case in cases])


def test_bert_case(bert_case, record_property, pytestconfig):
    rows = run_bert_case(bert_case, max(pytestconfig.getoption("case_timeout"), 120.0))
    record_property(ROW_PROPERTY, json.dumps(rows))
    failing = [row for row in rows if row["status"] in FAILING]
    if failing:
        pytest.fail("\n".join(f"{row['case_id']} {row['check']} {row['status']}: {row['detail']}"
                              for row in failing), pytrace=False)
