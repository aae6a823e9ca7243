"""Convolutions (nn.functional.conv1d/2d/3d, conv_transpose1d/2d/3d): three ops, each the others' derivative.

- `convolution`: im2col (one copy of the padded input's windows, taken as an as_strided view) and one matmul per
  group;
- `conv_transpose`: the adjoint of convolution in its input (its input gradient), a matmul into columns scattered
  back by col2im, one strided add per kernel offset;
- `convolution_backward_weight`: the adjoint in the weight, the windows times the cotangent, batch element by batch
  element.

Half types follow torch's CPU kernels for them (slow_conv2d/3d, slow_conv_transpose2d/3d, slow_conv_dilated: oneDNN
takes only float32 here): every matmul accumulates in float32 and is rounded once to the half type, but col2im adds
the half columns into a half result offset by offset, and the weight gradient is rounded after each batch element
(gemm with beta=1). Matching that takes each kernel knowing the half type (`half`: its NumPy type), as torch's do."""
import math
import warnings

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import _dtype
from ._registry import op
from ._surface import public
from .nn_layers import check_tensor

_HALF = (_dtype.float16, _dtype.bfloat16)


# ================================================================ the kernels' shared parts (NumPy)

def _columns(x, kernel, stride, padding, dilation, groups, output_size):
    """im2col: the windows of x padded by `padding` ((left, right) per dim) as (N, G, C/G * K, P), kernel offsets
    inside channels, output positions last; a copy (the only one the forward makes)."""
    if any(left or right for left, right in padding):
        x = np.pad(x, ((0, 0), (0, 0), *padding))
    batch, channels = x.shape[:2]
    spatial_strides = x.strides[2:]
    windows = as_strided(x, (batch, channels, *kernel, *output_size),
                         (*x.strides[:2], *(s * d for s, d in zip(spatial_strides, dilation)),
                          *(s * step for s, step in zip(spatial_strides, stride))), writeable=False)
    return windows.reshape(batch, groups, channels // groups * math.prod(kernel), math.prod(output_size))


def _output_size(sizes, kernel, stride, padding, dilation):
    return tuple((size + left + right - d * (k - 1) - 1) // step + 1
                 for size, k, step, (left, right), d in zip(sizes, kernel, stride, padding, dilation))


def _with_bias(output, bias):
    if bias is not None:
        output = output + bias.reshape(-1, *(1,) * (output.ndim - 2))
    return output


# ================================================================ the three ops

@op("convolution", saves=("input", "weight", "bias", "stride", "padding", "dilation", "groups"),
    formula_backward=True)
def _convolution(input, weight, bias, stride=(), padding=(), dilation=(), groups=1, output_size=None, half=None):
    """A batched convolution with explicit geometry: stride, dilation, padding as (left, right) per spatial dim;
    output_size, when given, keeps only that many leading positions (conv_transpose's input gradient, whose output
    padding may leave a partial window). Half types: the float32 matmul plus the bias, rounded once (by the caller
    of the kernel), as torch's gemm with beta=1 on an output filled with the bias."""
    kernel = weight.shape[2:]
    if output_size is None:
        output_size = _output_size(input.shape[2:], kernel, stride, padding, dilation)
    columns = _columns(input, kernel, stride, padding, dilation, groups, output_size)
    out_channels = weight.shape[0]
    kernels = weight.reshape(groups, out_channels // groups, columns.shape[2])
    output = np.matmul(kernels, columns)                                             # (N, G, C_out/G, P)
    return _with_bias(output.reshape(input.shape[0], out_channels, *output_size), bias)


@_convolution.vjp
def _(g, input, weight, bias, stride, padding, dilation, groups):
    half = _half_type(g)
    grad_input = _conv_transpose(g, weight, None, stride=stride, padding=padding, dilation=dilation, groups=groups,
                                 output_size=tuple(input.shape[2:]), half=half)
    grad_weight = _convolution_backward_weight(input, g, kernel=tuple(weight.shape[2:]), stride=stride,
                                               padding=padding, dilation=dilation, groups=groups, half=half)
    grad_bias = None if bias is None else _bias_gradient(g, dilated=any(d > 1 for d in dilation))
    return grad_input, grad_weight, grad_bias


def _bias_gradient(g, dilated):
    """g summed over all but the channels. torch's dilated kernel (slow_conv_dilated) sums it per batch element and
    adds those sums into a half gradient one by one (each rounded), the others sum once."""
    if not dilated or g.dtype not in _HALF:
        return g.sum([0, *range(2, g.ndim)])
    per_sample = g.sum(list(range(2, g.ndim)))
    total = per_sample[0]
    for sample in per_sample[1:]:
        total = total + sample
    return total


@op("conv_transpose", saves=("input", "weight", "bias", "stride", "padding", "dilation", "groups"),
    formula_backward=True)
def _conv_transpose(input, weight, bias, stride=(), padding=(), dilation=(), groups=1, output_size=(), half=None):
    """The adjoint of `convolution` in its input, for an input of spatial size output_size: the columns
    W^T @ input (rounded to the half type, as torch's gemm writes them), then col2im: each kernel offset's column
    added into the (padded) output at its strided positions, in torch's order, in the half type when there is one;
    the bias added last (one more rounding, torch's output.add_(bias))."""
    batch, in_channels = input.shape[:2]
    group_out_channels, kernel, positions = weight.shape[1], weight.shape[2:], input.shape[2:]
    kernels = weight.reshape(groups, in_channels // groups, group_out_channels * math.prod(kernel))
    columns = np.matmul(kernels.transpose(0, 2, 1),                                  # (G, C_out/G * K, C_in/G)
                        input.reshape(batch, groups, in_channels // groups, math.prod(positions)))
    columns = columns.reshape(batch, group_out_channels * groups, *kernel, *positions)
    if half is not None:
        columns = columns.astype(half)
    padded = tuple(left + size + right for size, (left, right) in zip(output_size, padding))
    output = np.zeros((batch, columns.shape[1], *padded), columns.dtype)
    for offset in np.ndindex(*kernel):
        target = tuple(slice(k * d, k * d + (p - 1) * step + 1, step)
                       for k, d, p, step in zip(offset, dilation, positions, stride))
        output[(slice(None), slice(None), *target)] += columns[(slice(None), slice(None), *offset)]
    output = output[(slice(None), slice(None), *(slice(left, left + size)
                                                 for size, (left, _) in zip(output_size, padding)))]
    if half is not None and bias is not None:
        output = output.astype(np.float32)
    return _with_bias(output, bias)


@_conv_transpose.vjp
def _(g, input, weight, bias, stride, padding, dilation, groups):
    half = _half_type(g)
    grad_input = _convolution(g, weight, None, stride=stride, padding=padding, dilation=dilation, groups=groups,
                              output_size=tuple(input.shape[2:]), half=half)
    # the weight's adjoint is convolution's, with the roles of input and cotangent exchanged
    grad_weight = _convolution_backward_weight(g, input, kernel=tuple(weight.shape[2:]), stride=stride,
                                               padding=padding, dilation=dilation, groups=groups, half=half)
    grad_bias = None if bias is None else g.sum([0, *range(2, g.ndim)])
    return grad_input, grad_weight, grad_bias


@op("convolution_backward_weight", saves=("input", "grad_output", "kernel", "stride", "padding", "dilation",
                                          "groups"), formula_backward=True)
def _convolution_backward_weight(input, grad_output, kernel=(), stride=(), padding=(), dilation=(), groups=1,
                                 half=None):
    """The adjoint of `convolution` in its weight: for each batch element the cotangent times the input's windows,
    summed over the batch; for a half type rounded after each element, as torch's per-sample gemm into a half
    gradient."""
    batch, out_channels = grad_output.shape[:2]
    columns = _columns(input, kernel, stride, padding, dilation, groups, grad_output.shape[2:])
    cotangent = grad_output.reshape(batch, groups, out_channels // groups, columns.shape[3])
    per_sample = np.matmul(cotangent, columns.transpose(0, 1, 3, 2))        # (N, G, C_out/G, C_in/G * K)
    if half is None:
        total = per_sample.sum(0)
    else:
        total = np.zeros(per_sample.shape[1:], half)
        for sample in per_sample:
            total = (total.astype(np.float32) + sample).astype(half)
    return total.reshape(out_channels, columns.shape[2] // math.prod(kernel), *kernel)


@_convolution_backward_weight.vjp
def _(g, input, grad_output, kernel, stride, padding, dilation, groups):
    half = _half_type(g)
    grad_input = _conv_transpose(grad_output, g, None, stride=stride, padding=padding, dilation=dilation,
                                 groups=groups, output_size=tuple(input.shape[2:]), half=half)
    grad_grad_output = _convolution(input, g, None, stride=stride, padding=padding, dilation=dilation, groups=groups,
                                    output_size=tuple(grad_output.shape[2:]), half=half)
    return grad_input, grad_grad_output


def _half_type(tensor):
    return tensor.dtype.numpy_type if tensor.dtype in _HALF else None


# ================================================================ argument checks (torch's messages)

def _ntuple(value, n):
    """torch's IntArrayRef[n] argument: an int or a list of one repeated n times, a list of another length kept as it
    is (_check_lengths refuses it)."""
    if isinstance(value, (tuple, list)):
        return tuple(int(v) for v in value) * (n if len(value) == 1 else 1)
    return (int(value),) * n


def _check_lengths(weight, arguments):
    """torch takes the number of spatial dims from the weight: each argument must have that many values."""
    spatial = weight.ndim - 2
    for name, value in arguments:
        if len(value) not in (1, spatial):
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {spatial} values to match "
                               f"the convolution dimensions, but got {name}={list(value)}")


def _dtype_title(tensor):
    return f"torch.{_dtype.scalar_type_name(tensor.dtype)}Tensor"


def _check_common(name, input, weight, bias, stride, padding, dilation, output_padding, groups, n):
    """The checks shared by convolution and its transpose, in torch's order (padding None: a padding string)."""
    check_tensor(input, name, "input", 1)
    check_tensor(weight, name, "weight", 2)
    if bias is not None:
        check_tensor(bias, name, "bias", 3)
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {name}, but got input of "
                           f"size: {list(input.shape)}")
    if weight.ndim < 3:
        raise RuntimeError("weight should have at least three dimensions")
    _check_lengths(weight, [("stride", stride)] + ([("padding", padding)] if padding is not None else []) +
                   [("dilation", dilation), ("output_padding", output_padding)])
    if weight.ndim != n + 2:
        raise RuntimeError(f"Expected {weight.ndim}-dimensional input for {weight.ndim}-dimensional weight "
                           f"{list(weight.shape)}, but got {input.ndim}-dimensional input of size "
                           f"{list(input.shape)} instead")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"Input type ({_dtype_title(input)}) and weight type ({_dtype_title(weight)}) should be "
                           f"the same or input should be a MKLDNN tensor and weight is a dense tensor")
    if bias is not None and bias.dtype is not input.dtype:
        raise RuntimeError(f"Input type ({_dtype_title(input)}) and bias type ({_dtype_title(bias)}) should be the "
                           f"same")
    if input.dtype is _dtype.bool:   # named after the torch kernel that refuses it
        kernel = ("slow_conv_transpose3d_out_cpu" if n == 3 else "slow_conv_transpose2d_out_cpu") \
            if name.startswith("conv_transpose") else "compute_columns3d" if n == 3 else "slow_conv2d_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _check_groups(weight, groups):
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [{list(weight.shape)}] instead")   # torch's doubled brackets


def _padding_pairs(padding, spans, stride, n):
    """(left, right) per spatial dim; 'same' puts the odd element on the right, as torch."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * n
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        if any((span - 1) % 2 for span in spans):
            warnings.warn("Using padding='same' with even kernel lengths and odd dilation may require a zero-padded "
                          "copy of the input be created", UserWarning, stacklevel=4)
        return tuple(((span - 1) // 2, span - 1 - (span - 1) // 2) for span in spans)
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    return tuple((p, p) for p in padding)


# ================================================================ the public functions

def _conv(name, input, weight, bias, stride, padding, dilation, groups, n):
    stride, dilation = _ntuple(stride, n), _ntuple(dilation, n)
    if not isinstance(padding, str):
        padding = _ntuple(padding, n)
    _check_common(name, input, weight, bias, stride, None if isinstance(padding, str) else padding, dilation,
                  (0,) * n, groups, n)
    batched = input.ndim == n + 2
    x = input if batched else input.unsqueeze(0)
    out_channels, group_in_channels, *kernel = weight.shape
    if x.shape[1] != group_in_channels * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
                           f"{list(x.shape)} to have {group_in_channels * groups} channels, but got {x.shape[1]} "
                           f"channels instead")
    _check_groups(weight, groups)
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != out_channels):
        raise RuntimeError(f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with "
                           f"{out_channels} elements, but got bias of size {list(bias.shape)} instead")
    spans = [d * (k - 1) + 1 for d, k in zip(dilation, kernel)]
    pads = _padding_pairs(padding, spans, stride, n)
    padded = [size + left + right for size, (left, right) in zip(x.shape[2:], pads)]
    if any(size < span for size, span in zip(padded, spans)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel "
                           f"size: ({' x '.join(map(str, spans))}). Kernel size can't be greater than actual input "
                           f"size")
    output = _convolution(x, weight, bias, stride=stride, padding=pads, dilation=dilation, groups=groups,
                          half=_half_type(x))
    return output if batched else output.squeeze(0)


@public(functional=True)
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv("conv1d", input, weight, bias, stride, padding, dilation, groups, 1)


@public(functional=True)
def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv("conv2d", input, weight, bias, stride, padding, dilation, groups, 2)


@public(functional=True)
def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv("conv3d", input, weight, bias, stride, padding, dilation, groups, 3)


def _transpose(name, input, weight, bias, stride, padding, output_padding, groups, dilation, n):
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    stride, padding, dilation, output_padding = (_ntuple(value, n) for value in (stride, padding, dilation,
                                                                                 output_padding))
    _check_common(name, input, weight, bias, stride, padding, dilation, output_padding, groups, n)
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(o >= s and o >= d for o, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError("output padding must be smaller than either stride or dilation, but got "
                           f"output_padding={list(output_padding)}, stride={list(stride)}, "
                           f"dilation={list(dilation)}")
    batched = input.ndim == n + 2
    x = input if batched else input.unsqueeze(0)
    in_channels, group_out_channels, *kernel = weight.shape
    if x.shape[1] != in_channels:
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected input{list(x.shape)} "
                           f"to have {in_channels} channels, but got {x.shape[1]} channels instead")
    _check_groups(weight, groups)
    out_channels = group_out_channels * groups
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != out_channels):
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected bias to be "
                           f"1-dimensional with {out_channels} elements, but got bias of size {list(bias.shape)} "
                           f"instead")
    out_sizes = tuple((size - 1) * s - 2 * p + d * (k - 1) + o + 1
                      for size, s, p, d, k, o in zip(x.shape[2:], stride, padding, dilation, kernel, output_padding))
    if any(size <= 0 for size in out_sizes):
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, x.shape[2:]))}). Calculated output "
                           f"size per channel: ({' x '.join(map(str, out_sizes))}). Output size is too small")
    output = _conv_transpose(x, weight, bias, stride=stride, padding=tuple((p, p) for p in padding),
                             dilation=dilation, groups=groups, output_size=out_sizes, half=_half_type(x))
    return output if batched else output.squeeze(0)


@public(functional=True)
def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    return _transpose("conv_transpose1d", input, weight, bias, stride, padding, output_padding, groups, dilation, 1)


@public(functional=True)
def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    return _transpose("conv_transpose2d", input, weight, bias, stride, padding, output_padding, groups, dilation, 2)


@public(functional=True)
def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    return _transpose("conv_transpose3d", input, weight, bias, stride, padding, output_padding, groups, dilation, 3)
