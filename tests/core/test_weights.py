"""Weights in and out (mtv2.nn.utils): a torch state dict goes through a safetensors file into an mtv2 module and
comes back into torch bit for bit, in every dtype a model is kept in; files interoperate with safetensors.torch."""
import numpy as np
import pytest

import mtv2
from mtv2.nn.utils import (load_safetensors, load_torch_state_dict, save_safetensors, to_mtv2_state_dict,
                           to_numpy_state_dict)

torch = pytest.importorskip("torch")
safetensors_torch = pytest.importorskip("safetensors.torch")


def model(fw):
    """Linear, LayerNorm and BatchNorm1d: parameters, float buffers and the int64 num_batches_tracked."""
    return fw.nn.Sequential(fw.nn.Linear(3, 4), fw.nn.LayerNorm(4), fw.nn.BatchNorm1d(4))


def trained_torch_model(dtype):
    torch.manual_seed(0)
    reference = model(torch)
    reference(torch.randn(5, 3))  # BatchNorm's running statistics and counter move away from their defaults
    with torch.no_grad():
        for parameter in reference.parameters():
            parameter.add_(torch.randn_like(parameter))
    return reference.to(dtype)


def assert_same_state(mine, theirs):
    assert list(mine) == list(theirs)
    for name in theirs:
        assert mine[name].dtype == theirs[name].dtype, name
        assert mine[name].shape == theirs[name].shape, name
        assert torch.equal(mine[name], theirs[name]), name


@pytest.mark.parametrize("dtype_name", ["float32", "float64", "float16", "bfloat16"])
def test_torch_state_dict_round_trips_through_safetensors_into_mtv2_and_back(tmp_path, dtype_name):
    reference = trained_torch_model(getattr(torch, dtype_name))
    save_safetensors(reference.state_dict(), tmp_path / "torch.safetensors")

    layer = model(mtv2).to(getattr(mtv2, dtype_name))
    layer.load_state_dict(load_safetensors(tmp_path / "torch.safetensors"))
    save_safetensors(layer.state_dict(), tmp_path / "mtv2.safetensors")

    restored = model(torch).to(getattr(torch, dtype_name))
    restored.load_state_dict(safetensors_torch.load_file(str(tmp_path / "mtv2.safetensors")))
    assert_same_state(restored.state_dict(), reference.state_dict())


def test_mtv2_module_computes_what_the_torch_module_computes_after_loading():
    reference = trained_torch_model(torch.float64).eval()
    layer = model(mtv2).to(mtv2.float64).eval()
    load_torch_state_dict(layer, reference.state_dict())
    inputs = np.random.default_rng(0).standard_normal((6, 3))
    expected = reference(torch.tensor(inputs)).detach().numpy()
    np.testing.assert_allclose(layer(mtv2.tensor(inputs)).detach().numpy(), expected, rtol=1e-12, atol=1e-12)


def test_converted_values_are_copies_with_the_same_dtypes():
    state = {"weight": torch.arange(6.0).reshape(2, 3).t(), "count": torch.tensor(7), "mask": torch.tensor([True]),
             "half": torch.tensor([1.5, -2.0], dtype=torch.bfloat16), "array": np.arange(3, dtype=np.int16)}
    converted = to_mtv2_state_dict(state)
    assert [converted[name].dtype for name in state] == [mtv2.float32, mtv2.int64, mtv2.bool, mtv2.bfloat16,
                                                         mtv2.int16]
    assert converted["weight"].tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
    assert converted["half"].float().tolist() == [1.5, -2.0]
    state["weight"].add_(1)  # later writes to the source do not reach the converted state
    assert converted["weight"].tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]


def test_a_file_written_by_safetensors_torch_loads_and_one_written_by_mtv2_reads_in_torch(tmp_path):
    tensors = {"w": torch.randn(2, 3, dtype=torch.float64), "b": torch.tensor([1, 2], dtype=torch.int32),
               "h": torch.randn(4).to(torch.bfloat16)}
    safetensors_torch.save_file(tensors, str(tmp_path / "a.safetensors"))
    loaded = load_safetensors(tmp_path / "a.safetensors")
    save_safetensors(loaded, tmp_path / "b.safetensors", metadata={"format": "pt"})
    assert_same_state(dict(sorted(safetensors_torch.load_file(str(tmp_path / "b.safetensors")).items())),
                      dict(sorted(tensors.items())))


def test_loading_reports_missing_and_unexpected_keys_like_load_state_dict():
    state = trained_torch_model(torch.float32).state_dict()
    state["extra"] = torch.zeros(1)
    del state["0.bias"]
    with pytest.raises(RuntimeError, match="Missing key"):
        load_torch_state_dict(model(mtv2), state)
    result = load_torch_state_dict(model(mtv2), state, strict=False)
    assert list(result.missing_keys) == ["0.bias"] and list(result.unexpected_keys) == ["extra"]


def test_values_that_are_not_tensors_or_arrays_are_refused():
    with pytest.raises(TypeError, match="state dict values"):
        to_numpy_state_dict({"weight": object()})
