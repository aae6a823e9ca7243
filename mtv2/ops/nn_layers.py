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
        # torch reads each row's norm (in the weight's dtype) as a double, forms the scale in double, rounds it to the
        # weight's dtype and multiplies the row by it there
        norms = reduction.vector_norm(selected, norm_type, 1, keepdim=True)._data.astype(np.float64)
        scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(selected._data.dtype)
        weight[rows] = selected * Tensor._from_fresh(scale, weight.dtype)


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


# ================================================================ group_norm, rms_norm, instance_norm, local_response

def _compute_dtype(input):
    """torch's CPU normalization kernels accumulate half types in float32 and round the result once."""
    return _dtype.float32 if input.dtype in (_dtype.float16, _dtype.bfloat16) else input.dtype


def _check_parameter_dtype(input, parameters):
    """torch's mixed-dtype rule for the CPU norm kernels: a half input takes float32 parameters, nothing else mixes."""
    for parameter in parameters:
        if parameter is None or parameter.dtype is input.dtype:
            continue
        if input.dtype in (_dtype.float16, _dtype.bfloat16) and parameter.dtype is _dtype.float32:
            continue
        if input.dtype is _dtype.float32:
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
        raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")


def _verify_batch_size(size):
    if math.prod(size) // size[1] == 1:   # torch.nn.functional._verify_batch_size
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {list(size)}")


@public(function=False, functional=True)
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """torch.nn.functional.group_norm: each sample's channels split into num_groups groups, each normalized over its
    channels and spatial positions (biased variance), then scaled and shifted per channel."""
    check_tensor(input, "group_norm", "input", 1)
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.dim()}")
    batch, channels = input.shape[0], input.shape[1]
    _verify_batch_size([batch * channels // num_groups, num_groups] + list(input.shape[2:]))
    if channels % num_groups != 0:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={num_groups}")
    for name, parameter in (("weight", weight), ("bias", bias)):
        if parameter is not None and (parameter.ndim != 1 or parameter.numel() != channels):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, "
                               f"but got {name} of shape {list(parameter.shape)} and input of shape "
                               f"{list(input.shape)}")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"GroupNormKernelImpl\" not implemented for "
                                  f"'{_dtype.scalar_type_name(input.dtype)}'")
    _check_parameter_dtype(input, (weight, bias))
    return _group_norm(input, num_groups, weight, bias, eps)[0]


def _group_norm(input, num_groups, weight, bias, eps):
    """(output, mean, inverse_std): group_norm's computation after its checks, with its (batch, num_groups)
    statistics."""
    batch, channels = input.shape[0], input.shape[1]
    compute = _compute_dtype(input)
    grouped = input.to(compute).reshape(batch, num_groups, math.prod(input.shape[1:]) // num_groups)
    mean = reduction.mean(grouped, 2, keepdim=True)
    centered = grouped - mean
    inverse_std = rsqrt(reduction.mean(centered * centered, 2, keepdim=True) + eps)
    statistics = mean.squeeze(2), inverse_std.squeeze(2)
    # torch's kernel applies one scale and shift per (sample, channel):
    # x * (rstd * gamma) + (beta - rstd * gamma * mean)
    per_channel = (batch, channels) + (1,) * (input.ndim - 2)
    scale = inverse_std.expand(batch, num_groups, channels // num_groups).reshape(per_channel)
    mean = mean.expand(batch, num_groups, channels // num_groups).reshape(per_channel)
    if weight is not None:
        scale = scale * weight.to(compute).reshape((channels,) + (1,) * (input.ndim - 2))
    shift = -scale * mean
    if bias is not None:
        shift = shift + bias.to(compute).reshape((channels,) + (1,) * (input.ndim - 2))
    return (input.to(compute) * scale + shift).to(input.dtype), *statistics


@public(function=False, functional=True)
def rms_norm(input, normalized_shape, weight=None, eps=None):
    """torch.nn.functional.rms_norm: input / sqrt(mean(input^2) + eps) over the trailing dims, times weight.

    As torch's CPU kernel: half types computed in float32 (eps defaults to float32's epsilon for them, the compute
    type's epsilon in general), weight applied before the one rounding to the input's dtype."""
    check_tensor(input, "rms_norm", "input", 1)
    if isinstance(normalized_shape, int) or not all(isinstance(s, int) for s in normalized_shape):
        raise TypeError(f"rms_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not "
                        f"{type(normalized_shape).__name__}")
    normalized_shape = list(normalized_shape)
    if not normalized_shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                           "element, but got normalized_shape = []")
    if weight is not None and list(weight.shape) != normalized_shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got weight of shape "
                           f"{list(weight.shape)} and normalized_shape = {normalized_shape}")
    if input.ndim < len(normalized_shape) or list(input.shape[input.ndim - len(normalized_shape):]) != \
            normalized_shape:
        raise RuntimeError(f"Given normalized_shape={normalized_shape}, expected input with shape "
                           f"[*{', '.join(str(s) for s in normalized_shape)}], but got input of size"
                           f"{list(input.shape)}")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"rms_norm\" not implemented for '{_dtype.scalar_type_name(input.dtype)}'")
    compute = _compute_dtype(input)
    if eps is None:
        eps = _dtype.finfo(compute).eps
    upcast = input.to(compute)
    dims = _normalized_dims(input.ndim, len(normalized_shape))
    output = upcast * rsqrt(reduction.mean(upcast * upcast, dims, keepdim=True) + eps)
    if weight is not None:
        output = output * weight.to(compute)
    return output.to(input.dtype)


def _verify_spatial_size(size):
    if math.prod(size[2:]) == 1:   # torch.nn.functional._verify_spatial_size
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"torch.Size({list(size)})")


@public(function=False, functional=True)
def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """torch.nn.functional.instance_norm: batch_norm of the (1, N*C, *) reshaped input, as torch computes it (half
    types included); the running statistics move by their per-sample updates averaged over the batch."""
    check_tensor(input, "instance_norm", "input", 1)
    if use_input_stats:
        _verify_spatial_size(input.shape)
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false")
    batch, channels = input.shape[0], input.shape[1]

    def repeated(tensor):
        return None if tensor is None else tensor.repeat(batch)

    running_mean_, running_var_ = repeated(running_mean), repeated(running_var)
    output = batch_norm(input.contiguous().reshape((1, batch * channels) + tuple(input.shape[2:])), running_mean_,
                        running_var_, repeated(weight), repeated(bias), use_input_stats, momentum, eps)
    with grad_mode.no_grad():
        if running_mean is not None:
            running_mean.copy_(reduction.mean(running_mean_.reshape(batch, channels), 0))
        if running_var is not None:
            running_var.copy_(reduction.mean(running_var_.reshape(batch, channels), 0))
    return output.reshape(input.shape)


@public(function=False, functional=True)
def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """torch.nn.functional.local_response_norm: input / (k + alpha * mean of squares over `size` neighbouring
    channels, zero-padded)^beta. torch averages with avg_pool over the channel axis; here the window's shifted slices
    are summed in the same order and divided by size."""
    from .joining import pad
    if input.dim() < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got {input.dim()} "
                         f"dimensions)")
    if input.numel() == 0:
        return input
    # torch's 3-D path runs avg_pool2d (floating types and int64 on CPU), the 4-D and higher one avg_pool3d (float32,
    # float64 and int64)
    if input.dtype is not _dtype.int64 and (not input.dtype.is_floating_point or (
            input.dim() > 3 and input.dtype in (_dtype.float16, _dtype.bfloat16))):
        kernel = "avg_pool2d" if input.dim() == 3 else "avg_pool3d_out_frame"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_dtype.scalar_type_name(input.dtype)}'")
    squares = input.mul(input)
    channels = input.shape[1]
    padded = pad(squares.movedim(1, -1), (size // 2, (size - 1) // 2)).movedim(-1, 1)
    window_sum = padded.narrow(1, 0, channels)
    for offset in range(1, size):
        window_sum = window_sum + padded.narrow(1, offset, channels)
    # avg_pool of an integer tensor divides with truncation, as torch's integer kernel
    average = window_sum / size if input.dtype.is_floating_point else window_sum.div(size, rounding_mode="trunc")
    div = average.mul(alpha).add(k).pow(beta)
    return input / div


# ================================================================ native_layer_norm, native_batch_norm, native_group_norm

def _statistics_dtype(input, parameters):
    """The dtype of the statistics torch's native norms return beside the output: the input's, or float32 for a half
    input with float32 parameters (the mixed-type kernel)."""
    mixed = input.dtype in (_dtype.float16, _dtype.bfloat16) and any(
        parameter is not None and parameter.dtype is _dtype.float32 for parameter in parameters)
    return _dtype.float32 if mixed else input.dtype


def _statistics(input, parameters, *statistics):
    """native_layer_norm's and native_batch_norm's statistics: not differentiable (as torch's)."""
    dtype = _statistics_dtype(input, parameters)
    return tuple(statistic.detach().to(dtype) for statistic in statistics)


@public()
def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """torch.native_layer_norm: (layer_norm's output, mean, 1 / sqrt(biased variance + eps)); the statistics keep the
    normalized dims with size 1."""
    output = layer_norm(input, normalized_shape, weight, bias, eps)
    with grad_mode.no_grad():
        compute = input.to(_compute_dtype(input))
        dims = _normalized_dims(input.ndim, len(normalized_shape))
        mean = reduction.mean(compute, dims, keepdim=True)
        centered = compute - mean
        inverse_std = rsqrt(reduction.mean(centered * centered, dims, keepdim=True) + eps)
    return (output, *_statistics(input, (weight, bias), mean, inverse_std))


@public()
def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """torch.native_batch_norm: (batch_norm's output, the batch mean, 1 / sqrt(biased batch variance + eps)) per
    channel when training (the running statistics move as in batch_norm), empty statistics otherwise."""
    check_tensor(input, "native_batch_norm", "input", 1)
    output = batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
    if not training:
        empty = input.new_empty((0,))
        return output, empty, empty.clone()
    with grad_mode.no_grad():
        compute = input.to(_compute_dtype(input))
        dims = (0,) + tuple(range(2, input.ndim))
        mean = reduction.mean(compute, dims)
        centered = compute - mean.reshape((1, input.shape[1]) + (1,) * (input.ndim - 2))
        inverse_std = rsqrt(reduction.mean(centered * centered, dims) + eps)
    return (output, *_statistics(input, (weight, bias), mean, inverse_std))


@public()
def native_group_norm(input, weight, bias, N, C, HxW, group, eps):
    """torch.native_group_norm: (group_norm's output, mean, 1 / sqrt(biased variance + eps)), the statistics of
    shape (N, group)."""
    check_tensor(input, "native_group_norm", "input", 1)
    if input.numel() != N * C * HxW:
        raise RuntimeError(f"Expected input to have {N * C * HxW} elements, but got input of size "
                           f"{list(input.shape)}")
    if C % group != 0:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={group}")
    for name, parameter in (("weight", weight), ("bias", bias)):
        if parameter is not None and (parameter.ndim != 1 or parameter.numel() != C):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, "
                               f"but got {name} of shape {list(parameter.shape)} and input of shape "
                               f"{list(input.shape)}")
    _check_parameter_dtype(input, (weight, bias))
    output, mean, inverse_std = _group_norm(input, group, weight, bias, eps)
    # torch differentiates these statistics (their true derivatives join the input's gradient when both have one;
    # torch drops a lone one, which an mtv2 node cannot tell apart: there both count)
    dtype = _statistics_dtype(input, (weight, bias))
    return output, mean.to(dtype), inverse_std.to(dtype)


# ================================================================ distances

@public(functional=True)
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """torch.cosine_similarity: each input divided by its 2-norm along dim (at least eps), then the products summed.

    As torch: the norms are clamped in place under no_grad, so the gradient flows as if no clamp were there."""
    check_tensor(x1, "cosine_similarity", "x1", 1)
    check_tensor(x2, "cosine_similarity", "x2", 2)
    from ._registry import promoted_dtype
    common = promoted_dtype((x1, x2))
    if not common.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{_dtype.scalar_type_name(common)}")
    x1 = x1 if x1.dtype.is_floating_point else x1.to(common)
    x2 = x2 if x2.dtype.is_floating_point else x2.to(common)
    from .views import _broadcast_pair
    shape = _broadcast_pair(tuple(x1.shape), tuple(x2.shape))
    x1, x2 = x1.expand(shape), x2.expand(shape)
    x1_norm = reduction.vector_norm(x1, 2, dim, keepdim=True).clone()
    x2_norm = reduction.vector_norm(x2, 2, dim, keepdim=True).clone()
    with grad_mode.no_grad():
        x1_norm.clamp_min_(eps)
        x2_norm.clamp_min_(eps)
    return reduction.sum((x1 / x1_norm) * (x2 / x2_norm), dim)


@public(functional=True)
def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """torch.pairwise_distance: the p-norm of x1 - x2 + eps along the last dim of the broadcast shape."""
    check_tensor(x1, "pairwise_distance", "x1", 1)
    check_tensor(x2, "pairwise_distance", "x2", 2)
    innermost = max(x1.ndim, x2.ndim) - 1
    return reduction.norm(x1 - x2 + eps, p, innermost, keepdim)


@public(functional=True)
def pdist(input, p=2):
    """torch.pdist: the p-norm distances between every pair of rows i < j, in row-major order of the pairs."""
    check_tensor(input, "pdist", "input", 1)
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if not input.dtype.is_floating_point:
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    if input.dtype in (_dtype.float16, _dtype.bfloat16):
        raise NotImplementedError(f"\"pdist\" not implemented for '{_dtype.scalar_type_name(input.dtype)}'")
    rows, columns = np.triu_indices(input.shape[0], 1)
    first = input[Tensor._from_fresh(rows.astype(np.int64))]
    second = input[Tensor._from_fresh(columns.astype(np.int64))]
    difference = first - second
    distances = reduction.vector_norm(difference, p, 1)
    if p == 0:
        # the 0-"norm" counts nonzeros; torch's backward gives it a zero gradient rather than none
        distances = distances + reduction.sum(difference.abs().clamp_max(0.0), 1)
    return distances


# ================================================================ pixel_shuffle, channel_shuffle

def _copied(tensor):
    """torch's shuffles always return a fresh contiguous tensor, never a view of the input."""
    from .conversion import contiguous_copy
    return contiguous_copy(tensor)


@public(functional=True)
def pixel_shuffle(input, upscale_factor):
    """torch.pixel_shuffle: (*, C r^2, H, W) -> (*, C, H r, W r)."""
    check_tensor(input, "pixel_shuffle", "input", 1)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    if upscale_factor <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {upscale_factor}")
    *batch, channels, height, width = input.shape
    r = upscale_factor
    if channels % (r * r) != 0:
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={channels} is not divisible by {r * r}")
    n = len(batch)
    split = input.reshape(*batch, channels // (r * r), r, r, height, width)
    order = tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2)
    return _copied(split.permute(order)).reshape(*batch, channels // (r * r), height * r, width * r)


@public(functional=True)
def pixel_unshuffle(input, downscale_factor):
    """torch.pixel_unshuffle: (*, C, H r, W r) -> (*, C r^2, H, W), the inverse of pixel_shuffle."""
    check_tensor(input, "pixel_unshuffle", "input", 1)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    if downscale_factor <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {downscale_factor}")
    *batch, channels, height, width = input.shape
    r = downscale_factor
    if height % r != 0:
        raise RuntimeError(f"pixel_unshuffle expects height to be divisible by downscale_factor, but "
                           f"input.size(-2)={height} is not divisible by {r}")
    if width % r != 0:
        raise RuntimeError(f"pixel_unshuffle expects width to be divisible by downscale_factor, but "
                           f"input.size(-1)={width} is not divisible by {r}")
    n = len(batch)
    split = input.reshape(*batch, channels, height // r, r, width // r, r)
    order = tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3)
    return _copied(split.permute(order)).reshape(*batch, channels * r * r, height // r, width // r)


def _check_channel_shuffle(input, groups):
    if input.ndim <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes "
                           f"{list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    batch, channels = input.shape[0], input.shape[1]
    if channels % groups != 0:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {channels} channels and {groups} "
                           f"groups.")


@public(functional=True)
def channel_shuffle(input, groups):
    """torch.channel_shuffle: channels (g, C/g) regrouped as (C/g, g)."""
    check_tensor(input, "channel_shuffle", "input", 1)
    _check_channel_shuffle(input, groups)
    split = input.reshape(input.shape[0], groups, input.shape[1] // groups, *input.shape[2:])
    return _copied(split.transpose(1, 2)).reshape(input.shape)


@op("native_channel_shuffle", promotion=RAW)
def _native_channel_shuffle(a, groups=1):
    split = a.reshape(a.shape[0], groups, a.shape[1] // groups, *a.shape[2:])
    return np.array(split.swapaxes(1, 2), order="C").reshape(a.shape)   # always a fresh copy, as torch's


_native_channel_shuffle.no_derivative("aten::native_channel_shuffle")   # torch has none (channel_shuffle has)


@public(functional=True)
def native_channel_shuffle(input, groups):
    """torch.native_channel_shuffle: channel_shuffle's kernel, without the dispatch torch puts before it."""
    check_tensor(input, "native_channel_shuffle", "input", 1)
    _check_channel_shuffle(input, groups)
    return _native_channel_shuffle(input, groups=groups)


# ================================================================ bilinear

@public(functional=True)
def bilinear(input1, input2, weight, bias=None):
    """torch.bilinear: y_k = x1^T A_k x2 + b_k over the last dims, with torch's shape checks."""
    check_tensor(input1, "bilinear", "input1", 1)
    check_tensor(input2, "bilinear", "input2", 2)
    check_tensor(weight, "bilinear", "weight", 3)
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and {input2.ndim}")
    for dim in range(input1.ndim - 1):
        if input1.shape[dim] != input2.shape[dim]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {dim}: got "
                               f"{input1.shape[dim]} and {input2.shape[dim]}")
    if weight.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be 3-dimensional, got {weight.ndim}")
    if input1.shape[-1] != weight.shape[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but "
                           f"expected {weight.shape[1]}")
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but "
                           f"expected {weight.shape[2]}")
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != weight.shape[0]):
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                           f"{bias.shape[-1] if bias.ndim else 1} but expected {weight.shape[0]}")
    if not input1.dtype is input2.dtype is weight.dtype:
        names = _dtype.c_type_name
        raise RuntimeError(f"All tensors must have the same dtype, got input1: {names(input1.dtype)}, input2: "
                           f"{names(input2.dtype)}, weight: {names(weight.dtype)}")
    from .linalg import matmul
    rows1 = input1.reshape(-1, input1.shape[-1])
    rows2 = input2.reshape(-1, input2.shape[-1])
    # torch's _trilinear: two batched products, (rows, in1) @ (out, in1, in2) -> (out, rows, in2), then each row's
    # (out, in2) @ (in2, 1): half types accumulate in float32 and round after each product, as torch's bmm
    left = matmul(rows1, weight).transpose(0, 1)
    output = matmul(left, rows2.unsqueeze(-1)).squeeze(-1)
    if bias is not None:
        output = output + bias
    return output.reshape(*input1.shape[:-1], weight.shape[0])
