"""The hf rows' bookkeeping (conformance/hf_cases.py), without running a model: which checks each case plans, how a
model's `blocked_by` turns its rows into xfail only while the failure shows what it names, and how an exception
of the mtv2 subprocess reads in a row."""
import dataclasses

import numpy as np
import pytest

from conformance import hf_cases
from conformance.checks import CheckResult
from conformance.run import make_row

BLOCKER = ("mtv2.nn has no Conv2d (ViT's patch embedding)", "torch.nn.Conv2d is not implemented in mtv2")


@pytest.fixture
def vit_blocked(monkeypatch):
    """ViT as it was declared before mtv2 had nn.Conv2d (no model is blocked today)."""
    model = hf_cases.MODELS["ViTForImageClassification"]
    monkeypatch.setitem(hf_cases.MODELS, "ViTForImageClassification", dataclasses.replace(model, blocked_by=BLOCKER))


def _case(name):
    case_id = f"hf/{name}/{hf_cases.MODEL_VARIANT}/{hf_cases.DTYPE}"
    return next(case for case in hf_cases.all_hf_cases() if case.case_id == case_id)


def _row(case, status, detail):
    return make_row(case, "forward", CheckResult(status, detail))


def test_every_model_has_one_case_and_decoders_generate():
    ids = hf_cases.case_ids()
    assert len(ids) == len(set(ids))
    for name, model in hf_cases.MODELS.items():
        case = _case(name)
        assert case.checks == hf_cases.CHECKS + (("generate",) if model.generates else ())
    assert {name for name, model in hf_cases.MODELS.items() if model.generates} == {
        "GPT2LMHeadModel", "LlamaForCausalLM", "T5ForConditionalGeneration"}


def test_bert_cases_keep_their_checks():
    for case in hf_cases.all_hf_cases():
        if case.name in hf_cases.CLASSES:
            expected = hf_cases.SAVE_LOAD_CHECKS if case.variant == hf_cases.SAVE_LOAD else hf_cases.CHECKS
            assert case.checks == expected


def test_inputs_are_deterministic_and_decoder_prompts_left_padded():
    for name, model in hf_cases.MODELS.items():
        case_id = _case(name).case_id
        first, second = hf_cases.inputs_for(case_id), hf_cases.inputs_for(case_id)
        assert first.keys() == second.keys()
        assert all(np.array_equal(first[key], second[key]) for key in first)
        if model.generates:
            prompt, mask = first["prompt"], first["prompt_mask"]
            assert prompt.shape == mask.shape == (2, hf_cases.PROMPT_LENGTH)
            length, padding = hf_cases.PROMPT_LENGTH, hf_cases.PROMPT_PADDING
            assert mask.sum(axis=1).tolist() == [length, length - padding]
            assert ((prompt == model.config["pad_token_id"]) == (mask == 0)).all()   # pads exactly where masked
            assert mask[1, -1] == 1          # left-padded: the new tokens follow a real one


def test_a_blocker_makes_its_failure_xfail(vit_blocked):
    case = _case("ViTForImageClassification")
    reason, shown = BLOCKER
    detail = f"mtv2 under the shim raised NotImplementedError: {shown}"
    row = hf_cases.declare_blocker(case, _row(case, "error", detail))
    assert row["status"] == "xfail" and reason in row["detail"]


def test_a_blocker_does_not_cover_another_failure(vit_blocked):
    case = _case("ViTForImageClassification")
    row = hf_cases.declare_blocker(case, _row(case, "fail", "logits: 3/9 elements differ"))
    assert row["status"] == "fail" and row["detail"].startswith("declared blocker (")


def test_a_blocked_model_that_passes_is_xpass(vit_blocked):
    case = _case("ViTForImageClassification")
    row = hf_cases.declare_blocker(case, _row(case, "pass", "5 arrays"))
    assert row["status"] == "xpass" and "remove ViTForImageClassification's blocked_by" in row["detail"]


def test_unblocked_rows_are_untouched():
    case = _case("GPT2LMHeadModel")
    assert hf_cases.declare_blocker(case, _row(case, "fail", "x"))["status"] == "fail"


def test_a_subprocess_exception_reads_as_its_line_and_innermost_frame(tmp_path):
    case_id = _case("ViTForImageClassification").case_id
    (tmp_path / (hf_cases.slug(case_id) + ".error")).write_text(
        "NotImplementedError: torch.nn.Conv2d is not implemented\n"
        "Traceback (most recent call last):\n"
        '  File "outer.py", line 1, in <module>\n    build()\n    ^^^^^^^\n'
        '  File "stand_ins.py", line 680, in __init__\n    raise NotImplementedError(name)\n'
        "NotImplementedError: torch.nn.Conv2d is not implemented\n")
    assert hf_cases._read_mtv2(str(tmp_path), case_id) == (
        "mtv2 under the shim raised NotImplementedError: torch.nn.Conv2d is not implemented | at "
        'File "stand_ins.py", line 680, in __init__ raise NotImplementedError(name)')
