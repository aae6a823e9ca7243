"""Snapshots of torch samples (conformance/opinfo/portable.py): the function and module markers."""
import pytest
import torch

import mtv2
from conformance.opinfo.portable import Untranslatable, materialize, require_markers, snapshot


def test_a_torch_function_argument_becomes_the_same_function_of_mtv2():
    portable = snapshot(torch, ((torch.nn.functional.gelu, torch.nn.functional.relu), {}))
    (functions, _), _ = materialize(mtv2, portable, grad=False)
    assert functions == (mtv2.nn.functional.gelu, mtv2.nn.functional.relu)
    (functions, _), _ = materialize(torch, portable, grad=False)
    assert functions == (torch.nn.functional.gelu, torch.nn.functional.relu)


def test_a_transformer_layer_argument_is_rebuilt_from_its_constructor_arguments_in_each_framework():
    layer = torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.25, activation="gelu",
                                             layer_norm_eps=1e-3, batch_first=True, norm_first=True, bias=False)
    portable = snapshot(torch, ((layer,), {}))
    require_markers(portable, mtv2)
    ((rebuilt,), _), _ = materialize(mtv2, portable, grad=False)
    assert type(rebuilt) is mtv2.nn.TransformerEncoderLayer
    assert (rebuilt.self_attn.embed_dim, rebuilt.self_attn.num_heads, rebuilt.linear1.out_features) == (8, 2, 16)
    assert (rebuilt.dropout.p, rebuilt.norm1.eps, rebuilt.self_attn.batch_first, rebuilt.norm_first) == \
        (0.25, 1e-3, True, True)
    assert rebuilt.linear1.bias is None and rebuilt.activation is mtv2.nn.functional.gelu
    assert sorted(rebuilt.state_dict()) == sorted(layer.state_dict())


def test_the_snapshot_leaves_torchs_random_stream_alone():
    layer = torch.nn.TransformerEncoderLayer(4, 2, dim_feedforward=8)
    torch.manual_seed(3)
    expected = torch.rand(3)
    torch.manual_seed(3)
    snapshot(torch, ((layer,), {}))
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("argument", [torch.nn.Linear(2, 2), lambda x: x])
def test_other_modules_and_functions_stay_untranslatable(argument):
    with pytest.raises(Untranslatable):
        snapshot(torch, ((argument,), {}))
