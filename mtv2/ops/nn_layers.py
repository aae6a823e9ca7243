"""The layer primitives of torch.nn.functional that torch's own top level has too: embedding, layer_norm and
batch_norm (the public functions with their checks, nn.functional re-exports them).

embedding and layer_norm are ops with their own rules (embedding's gradient drops the padding row and may be scaled
by frequency; layer_norm is fused for speed and computes half types in float32), written with mtv2 ops so double
backward works. batch_norm is a composite of mtv2 ops: autograd comes from the ops it is made of. They live here,
not in mtv2.nn, so that they exist after `import mtv2` like every other op."""
import math

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd import grad_mode
from . import reduction
from ._registry import RAW, op
from ._surface import public
from .elementwise import where
from .pointwise_math import rsqrt


def check_tensor(value, function, argument, position):
    """torch's parser refusing a non-tensor argument, named as torch names it."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{function}(): argument '{argument}' (position {position}) must be Tensor, "
                        f"not {type(value).__name__}")


# ================================================================ embedding

def _check_padding_idx(padding_idx, num_embeddings):
    """torch's (assert-based) check and wrap of a negative padding_idx; None stays None."""
    if padding_idx is None:
        return None
    if padding_idx > 0:
        assert padding_idx < num_embeddings, "Padding_idx must be within num_embeddings"
    elif padding_idx < 0:
        assert padding_idx >= -num_embeddings, "Padding_idx must be within num_embeddings"
        padding_idx = num_embeddings + padding_idx
    return padding_idx


@op("embedding", promotion=RAW, saves=("weight.shape", "indices", "padding_idx", "scale_grad_by_freq"))
def _embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False):
    return weight[indices]


@_embedding.vjp
def _(g, weight_shape, indices, padding_idx, scale_grad_by_freq):
    return _embedding_dense_backward(g, indices, num_weights=weight_shape[0], padding_idx=padding_idx,
                                     scale_grad_by_freq=scale_grad_by_freq), None


@op("embedding_dense_backward", promotion=RAW, saves=("indices", "padding_idx"))
def _embedding_dense_backward(g, indices, num_weights=0, padding_idx=-1, scale_grad_by_freq=False):
    """The rows' cotangents summed into the table; none for the padding row; scale_grad_by_freq divides each by how
    often its index occurs in the batch."""
    flat = indices.reshape(-1)
    rows = g.reshape(-1, g.shape[-1])
    if padding_idx >= 0:
        rows = rows * (flat != padding_idx)[:, None]
    if scale_grad_by_freq:
        rows = rows / np.bincount(flat, minlength=num_weights)[flat][:, None].astype(rows.dtype)
    table = np.zeros((num_weights, g.shape[-1]), dtype=g.dtype)
    np.add.at(table, flat, rows)
    return table


@_embedding_dense_backward.vjp
def _(g, indices, padding_idx):
    # torch's double backward: the lookup of g, zero at padding positions, and NOT divided by the frequencies even
    # under scale_grad_by_freq (embedding_dense_double_backward), matched as is
    rows = g[indices]
    if padding_idx >= 0:
        rows = rows * (indices != padding_idx).unsqueeze(-1).to(rows.dtype)
    return rows, None


def _renorm_rows(weight, indices, max_norm, norm_type):
    """torch.embedding_renorm_: rows the batch reads whose norm exceeds max_norm are scaled down, in place."""
    rows = Tensor._from_fresh(np.unique(indices._data))
    with grad_mode.no_grad():
        selected = weight[rows]
        norms = reduction.vector_norm(selected, norm_type, 1, keepdim=True)
        scale = where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
        weight[rows] = selected * scale


@public(function=False, functional=True)
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """torch.nn.functional.embedding: rows of `weight` picked by `input`; the padding row gets no gradient."""
    check_tensor(input, "embedding", "indices", 2)
    check_tensor(weight, "embedding", "weight", 1)
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    padding_idx = _check_padding_idx(padding_idx, weight.shape[0])
    if input.dtype not in (_dtype.int64, _dtype.int32):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got torch.{_dtype.scalar_type_name(input.dtype)}Tensor instead (while "
                           f"checking arguments for embedding)")
    if sparse:
        raise NotImplementedError("embedding: sparse=True (a sparse gradient) is not supported by mtv2")
    indices = input._data
    if indices.size and not input.is_meta and (indices.min() < 0 or indices.max() >= weight.shape[0]):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm_rows(weight, input, max_norm, norm_type)
    return _embedding(weight, input.long(), padding_idx=-1 if padding_idx is None else padding_idx,
                      scale_grad_by_freq=scale_grad_by_freq)


# ================================================================ layer_norm

def _normalized_dims(ndim, normalized_ndim):
    return tuple(range(ndim - normalized_ndim, ndim))


# RAW: a half input computes in float32 and keeps its dtype (weight may be float)
@op("layer_norm", promotion=RAW, saves=("input", "weight", "normalized_ndim", "eps"))
def _layer_norm(input, weight, bias, normalized_ndim=1, eps=1e-5):
    compute = np.float64 if input.dtype == np.float64 else np.float32
    x = input.astype(compute, copy=False)
    dims = _normalized_dims(x.ndim, normalized_ndim)
    centered = x - x.mean(axis=dims, keepdims=True)
    variance = np.mean(centered * centered, axis=dims, keepdims=True)   # biased, as torch
    # in place in the fresh `centered` buffer: the same operations and values as out = centered / std ...
    out = centered
    out /= np.sqrt(variance + eps)
    if weight is not None:
        out *= weight.astype(compute, copy=False)
    if bias is not None:
        out += bias.astype(compute, copy=False)
    return out.astype(input.dtype, copy=False)


@_layer_norm.vjp
def _(g, input, weight, normalized_ndim, eps):
    # Recomputes the statistics with mtv2 ops (rather than saving NumPy ones) so the rule is differentiable.
    dims = _normalized_dims(input.ndim, normalized_ndim)
    centered = input - reduction.mean(input, dims, keepdim=True)
    inverse_std = rsqrt(reduction.mean(centered * centered, dims, keepdim=True) + eps)
    normalized = centered * inverse_std
    scaled = g if weight is None else g * weight
    grad_input = inverse_std * (scaled - reduction.mean(scaled, dims, keepdim=True)
                                - normalized * reduction.mean(scaled * normalized, dims, keepdim=True))
    # weight and bias broadcast over the batch dims: the engine sums these back to their shapes
    return grad_input, (g * normalized if weight is not None else None), g


@public(function=False, functional=True)
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """torch.nn.functional.layer_norm over the last len(normalized_shape) dims."""
    check_tensor(input, "layer_norm", "input", 1)
    if isinstance(normalized_shape, int) or not all(isinstance(s, int) for s in normalized_shape):
        raise TypeError(f"layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not "
                        f"{type(normalized_shape).__name__}")
    normalized_shape = list(normalized_shape)
    if not normalized_shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                           "element, but got normalized_shape = []")
    for name, parameter in (("weight", weight), ("bias", bias)):
        if parameter is not None and list(parameter.shape) != normalized_shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(parameter.shape)} and normalized_shape = {normalized_shape}")
    if list(input.shape[input.ndim - len(normalized_shape):]) != normalized_shape or \
            input.ndim < len(normalized_shape):
        raise RuntimeError(f"Given normalized_shape={normalized_shape}, expected input with shape "
                           f"[*, {', '.join(str(s) for s in normalized_shape)}], but got input of size"
                           f"{list(input.shape)}")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"LayerNormKernelImpl\" not implemented for "
                                  f"'{_dtype.scalar_type_name(input.dtype)}'")
    for parameter in (weight, bias):
        if parameter is not None and parameter.dtype is not input.dtype and not (
                input.dtype in (_dtype.float16, _dtype.bfloat16) and parameter.dtype is _dtype.float32):
            # torch accepts float32 parameters with a half input (computed in float32, result in the half type)
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
    return _layer_norm(input, weight, bias, normalized_ndim=len(normalized_shape), eps=eps)


# ================================================================ batch_norm

def _update_running(running, statistic, factor):
    with grad_mode.no_grad():
        running.mul_(1 - factor).add_(statistic.to(running.dtype) * factor)


@public(function=False, functional=True)
def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """torch.nn.functional.batch_norm: normalizes per channel (dim 1) over the batch and any trailing dims.

    Training normalizes with the batch's biased variance and moves the running variance towards the unbiased one.
    """
    check_tensor(input, "batch_norm", "input", 1)
    if training and math.prod(input.shape[:1] + input.shape[2:]) == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.shape}")
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    if input.numel() == 0:
        # torch returns a copy (scaled by weight[0], shifted by bias[0]) and leaves the running statistics alone
        output = input.clone()
        if weight is not None:
            output = output * weight[0]
        if bias is not None:
            output = output + bias[0]
        return output
    if training:
        input.size(1)   # a 1-D input raises IndexError here, as in torch
    if input.ndim < 2:
        raise ValueError(f"Expected 2D or higher input to batch_norm, got {input.ndim}D input")
    channels = input.shape[1]
    for name, tensor in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                         ("bias", bias)):
        if tensor is not None and tensor.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {tensor.numel()}")
    dims = (0,) + tuple(range(2, input.ndim))
    shape = (1, channels) + (1,) * (input.ndim - 2)
    # Half inputs compute in float32 (torch's CPU kernels accumulate in float) and round once at the end.
    half = input.dtype in (_dtype.float16, _dtype.bfloat16)
    compute = input.float() if half else input
    if training or running_mean is None:
        mean = reduction.mean(compute, dims)
        centered = compute - mean.reshape(shape)
        variance = reduction.mean(centered * centered, dims)
        if training and running_mean is not None:
            count = compute.numel() // channels
            _update_running(running_mean, mean.detach(), momentum)
            _update_running(running_var, variance.detach() * (count / max(count - 1, 1)), momentum)
        inverse_std = rsqrt(variance + eps)
        if half:
            # torch keeps the batch mean and inverse std it normalizes with in the input's dtype
            mean, inverse_std = mean.to(input.dtype).float(), inverse_std.to(input.dtype).float()
        output = (compute - mean.reshape(shape)) * inverse_std.reshape(shape)
        if weight is not None:
            output = output * weight.to(compute.dtype).reshape(shape)
        if bias is not None:
            output = output + bias.to(compute.dtype).reshape(shape)
        return output.to(input.dtype)
    # With running statistics torch applies one scale and shift per channel: x * alpha + beta
    mean, variance = running_mean.to(compute.dtype), running_var.to(compute.dtype)
    alpha = rsqrt(variance + eps)
    if weight is not None:
        alpha = alpha * weight.to(compute.dtype)
    beta = -mean * alpha
    if bias is not None:
        beta = beta + bias.to(compute.dtype)
    output = compute * alpha.reshape(shape) + beta.reshape(shape)
    return output.to(input.dtype)
