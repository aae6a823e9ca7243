"""The first-divergence tracer: a clean run finds none, a perturbed op is localised to the first module using it."""
import pytest

from bert_cases import trace
from mtv2.ops._registry import OPS

SMALL = ["--hidden", "32", "--heads", "2", "--layers", "2", "--batch", "2", "--seq", "8"]


def run(capsys, *extra):
    result = trace.main(SMALL + list(extra))
    printed = capsys.readouterr().out.strip().splitlines()
    return result, printed


@pytest.mark.parametrize("mode", [[], ["--train"], ["--attn", "sdpa"], ["--train", "--attn", "sdpa"]],
                         ids=["eval", "train", "sdpa", "train-sdpa"])
def test_clean_run_has_no_divergence(capsys, mode):
    result, printed = run(capsys, *mode)
    assert printed[-1] == "first divergence: none"
    assert result["first"] is None
    # every module of the model has a row, with a gradient where the output needs one
    assert "bert.encoder.layer.1.output.LayerNorm" in result["rows"]
    assert result["rows"]["bert.encoder.layer.0.intermediate"]["backward"] is not None
    assert max(row["forward"][1] for row in result["rows"].values()) <= trace.DIVERGENCE_RATIO
    assert max(error_ratio for _, error_ratio in result["parameters"].values()) <= 1.0
    # every parameter has a row, and none diverges
    assert "bert.encoder.layer.0.attention.self.query.weight" in result["parameters"]
    assert result["first_parameter"] is None and "first diverging parameter gradient: none" in printed


def test_perturbed_gelu_names_the_intermediate_of_layer_0(capsys):
    original = OPS["gelu"].kernel
    result, printed = run(capsys, "--perturb", "gelu")
    assert OPS["gelu"].kernel is original            # restored after the run
    assert result["first"] == ("bert.encoder.layer.0.intermediate.intermediate_act_fn", "forward")
    assert printed[-1] == "first divergence: bert.encoder.layer.0.intermediate.intermediate_act_fn (forward)"
    # modules before it are still clean: the error starts there
    assert result["rows"]["bert.encoder.layer.0.intermediate.dense"]["forward"][1] <= trace.DIVERGENCE_RATIO


@pytest.mark.parametrize("attn", ["eager", "sdpa"])
def test_perturbed_softmax_names_an_attention_module(capsys, attn):
    result, printed = run(capsys, "--perturb", "softmax", "--attn", attn)
    path, direction = result["first"]
    assert path.startswith("bert.encoder.layer.0.attention.self") and direction == "forward"
    assert printed[-1] == f"first divergence: {path} (forward)"


def test_perturbed_backward_kernel_is_a_backward_divergence(capsys):
    # gelu's derivative kernel: forward is untouched; the first gradient to go wrong is the one arriving at the
    # output of the module feeding the last GELU used in forward (the MLM head's transform)
    result, printed = run(capsys, "--perturb", "gelu_backward")
    assert result["first"] == ("cls.predictions.transform.dense", "backward")
    assert all(row["forward"][1] <= trace.DIVERGENCE_RATIO for row in result["rows"].values())


def test_perturbed_parameter_gradient_kernel_names_the_parameter(capsys):
    # embedding's backward kernel makes only the embedding tables' gradients: every module output and every
    # gradient arriving at one is right, and the first wrong number is a parameter gradient
    result, printed = run(capsys, "--perturb", "embedding_dense_backward")
    embeddings = {f"bert.embeddings.{name}_embeddings.weight" for name in ("word", "position", "token_type")}
    path, direction = result["first"]
    assert direction == "parameter gradient" and path in embeddings
    assert result["first_parameter"] == path
    assert printed[-1] == f"first divergence: {path} (parameter gradient)"
    assert f"first diverging parameter gradient: {path}" in printed
    assert all(row["forward"][1] <= trace.DIVERGENCE_RATIO for row in result["rows"].values())
    assert all(row["backward"] is None or row["backward"][1] <= trace.DIVERGENCE_RATIO
               for row in result["rows"].values())
    diverging = {name for name, (_, ratio) in result["parameters"].items() if ratio > trace.DIVERGENCE_RATIO}
    assert diverging == embeddings


def test_perturbed_backward_kernel_names_the_parameter_it_spoils_first(capsys):
    # gelu's derivative spoils the gradient at the MLM transform's dense output, then that layer's parameters
    result, _ = run(capsys, "--perturb", "gelu_backward")
    assert result["first_parameter"] in ("cls.predictions.transform.dense.bias",
                                         "cls.predictions.transform.dense.weight")


def test_unknown_op_is_refused():
    with pytest.raises(SystemExit, match="no mtv2 op named"):
        trace.main(SMALL + ["--perturb", "no_such_op"])
