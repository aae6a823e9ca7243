"""torch.nn.functional for the layers: linear and normalize, composites of mtv2 ops (autograd comes from the
ops they are made of). embedding, layer_norm and batch_norm live with the ops (mtv2/ops/nn_layers.py)."""
from .. import _dtype
from ..autograd import grad_mode
from ..ops._surface import public
from ..ops.linalg import addmm, matmul, mm
from ..ops.nn_layers import check_tensor


# ================================================================ linear

@public(function=False, functional=True)
def linear(input, weight, bias=None):
    """torch.nn.functional.linear: input @ weight.T + bias, through addmm on the input flattened to 2-D."""
    check_tensor(input, "linear", "input", 1)
    check_tensor(weight, "linear", "weight", 2)
    if bias is not None:
        check_tensor(bias, "linear", "bias", 3)
    if weight.ndim != 2 or input.ndim == 0:
        # torch falls back to matmul (a vector weight gives a dot product per row)
        output = matmul(input, weight.t())
        return output if bias is None else output + bias
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_dtype.c_type_name(input.dtype)} != "
                           f"{_dtype.c_type_name(weight.dtype)}")
    rows = input.reshape(-1, input.shape[-1]) if input.ndim != 2 else input
    # torch multiplies the batch dims flattened (its error names the flattened shapes: 6x5 and 4x3)
    output = mm(rows, weight.t()) if bias is None else addmm(bias, rows, weight.t())
    return output.reshape(*input.shape[:-1], weight.shape[0]) if input.ndim != 2 else output


# ================================================================ normalize

@public(function=False, functional=True)
def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """torch.nn.functional.normalize: input divided by its p-norm along dim (at least eps)."""
    # torch calls input.norm: a non-tensor raises AttributeError
    denominator = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    result = input / denominator
    if out is not None:
        with grad_mode.no_grad():
            out.copy_(result)
        return out
    return result
