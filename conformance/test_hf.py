"""pytest entry point of the hf cases (kind=hf, conformance/hf_cases.py): transformers' own models (BERT's
classes, RoBERTa, GPT-2, Llama, T5, ViT) on mtv2 through the torch shim (in a subprocess) against the same code on
real torch (here). The comparison runs once per session (one shim subprocess for all cases); each case's test
reports its rows as test_ops.py's do."""
import json

import pytest

from conformance import hf_cases
from conformance.run import FAILING, ROW_PROPERTY


@pytest.fixture(scope="session")
def hf_rows(tmp_path_factory):
    return hf_cases.run_all(tmp_path_factory.mktemp("hf"))


@pytest.mark.parametrize("case_id", hf_cases.case_ids())
def test_hf_case(case_id, hf_rows, record_property):
    rows = hf_rows[case_id]
    record_property(ROW_PROPERTY, json.dumps(rows))
    failing = [row for row in rows if row["status"] in FAILING]
    if failing:
        pytest.fail("\n".join(f"{row['case_id']} {row['check']} {row['status']}: {row['detail']}"
                              for row in failing), pytrace=False)
