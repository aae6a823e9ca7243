"""2-d pooling (nn.functional.max_pool2d with its indices, avg_pool2d, adaptive_avg_pool2d, adaptive_max_pool2d).

The windows of a (padded) input are an as_strided view, reduced in one NumPy call. max pooling keeps torch's choice
inside a window (the first maximum, or the last NaN: its loop takes `val > max || isnan(val)`), never a padded
position; its gradient scatters the cotangent to the chosen positions (scatter_add, in the input's dtype as torch's
`grad_input[index] += grad` is). avg_pool2d is an op whose derivative is its adjoint (avg_pool2d_backward, a strided
add per window offset) and vice versa. adaptive_avg_pool2d is separable: two matmuls by averaging matrices, computed
in float32 for half types and rounded once (torch sums in float and divides)."""
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import _dtype
from ._registry import RAW, op
from ._surface import public
from .nn_layers import check_tensor

_HALF = (_dtype.float16, _dtype.bfloat16)


def _pair(value, name, function, allow_empty=False):
    """torch's pooling arguments: an int or a tuple of one or two ints (stride: also omitted)."""
    if isinstance(value, (tuple, list)):
        if len(value) not in (1, 2) and not (allow_empty and not value):
            omitted = "be omitted, " if allow_empty else ""
            raise RuntimeError(f"{function}: {name} must either {omitted}be a single int, or a tuple of two ints")
        return tuple(int(v) for v in value) * (2 if len(value) == 1 else 1)
    return (int(value),) * 2


def _batched(name, input):
    check_tensor(input, name, "input", 1)
    if input.ndim not in (3, 4) or any(size == 0 for size in input.shape[-3:]):
        if input.ndim == 4 and input.shape[1] == 0:
            raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
                               f"got:{list(input.shape)}")
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    return input if input.ndim == 4 else input.unsqueeze(0)


def _output_length(size, kernel, padding, stride, dilation, ceil_mode):
    """torch's pooling_output_shape: with ceil_mode the last window must still start inside the (left-padded)
    input."""
    span = dilation * (kernel - 1) + 1
    length = (size + 2 * padding - span + ((stride - 1) if ceil_mode else 0)) // stride + 1
    if ceil_mode and (length - 1) * stride >= size + padding:
        length -= 1
    return length


def _geometry(name, x, kernel_size, stride, padding, dilation, ceil_mode):
    """(kernel, stride, padding, dilation, output size) after torch's checks, all pairs."""
    kernel = _pair(kernel_size, "kernel_size", name)
    stride = kernel if stride is None or (isinstance(stride, (tuple, list)) and not stride) else \
        _pair(stride, "stride", name, allow_empty=True)
    padding = _pair(padding, "padding", name)
    dilation = _pair(dilation, "dilation", name)
    if any(s == 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {kernel[0]} kW: {kernel[1]}")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {dilation[0]} dilationW: "
                           f"{dilation[1]}")
    for k, p, d in zip(kernel, padding, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
    output = tuple(_output_length(size, k, p, s, d, ceil_mode)
                   for size, k, p, s, d in zip(x.shape[2:], kernel, padding, stride, dilation))
    if any(length < 1 for length in output):
        channels, height, width = x.shape[1:]
        raise RuntimeError(f"Given input size: ({channels}x{height}x{width}). Calculated output size: "
                           f"({channels}x{output[0]}x{output[1]}). Output size is too small")
    return kernel, stride, padding, dilation, output


def _windows(array, kernel, stride, padding, dilation, output, fill):
    """(N, C, OH, OW, KH * KW) windows of `array` padded by `padding` with `fill`, and more on the right where
    ceil_mode's last window passes the padding."""
    extra = [max(0, (o - 1) * s + d * (k - 1) + 1 - (size + 2 * p))
             for o, s, d, k, size, p in zip(output, stride, dilation, kernel, array.shape[2:], padding)]
    padded = np.pad(array, ((0, 0), (0, 0), (padding[0], padding[0] + extra[0]), (padding[1], padding[1] + extra[1])),
                    constant_values=fill)
    n, c = padded.shape[:2]
    sn, sc, sh, sw = padded.strides
    windows = as_strided(padded, (n, c, *output, *kernel),
                         (sn, sc, sh * stride[0], sw * stride[1], sh * dilation[0], sw * dilation[1]), writeable=False)
    return windows.reshape(n, c, *output, kernel[0] * kernel[1])


# ================================================================ max_pool2d

def _window_positions(shape, kernel, stride, padding, dilation, output):
    """(OH, OW, K) flat input positions of each window element, -1 where it lies in the padding; int32 while the
    plane allows (they are as many as the windows' elements, and only the chosen ones become int64 indices)."""
    index_type = np.int32 if shape[0] * shape[1] < 2 ** 31 else np.int64
    rows = (np.arange(output[0], dtype=index_type) * stride[0] - padding[0])[:, None] + \
        np.arange(kernel[0], dtype=index_type) * dilation[0]
    cols = (np.arange(output[1], dtype=index_type) * stride[1] - padding[1])[:, None] + \
        np.arange(kernel[1], dtype=index_type) * dilation[1]
    flat = rows[:, None, :, None] * index_type(shape[1]) + cols[None, :, None, :]
    outside = ((rows < 0) | (rows >= shape[0]))[:, None, :, None] | ((cols < 0) | (cols >= shape[1]))[None, :, None, :]
    flat[outside] = -1
    return flat.reshape(output[0], output[1], kernel[0] * kernel[1])


def _max_of_windows(windows, positions):
    """(max, flat index) per window as torch's loop picks them: the first maximum among the positions inside the
    input, the last NaN where there is one. Masks the size of the windows are made only for the rare windows that
    need them (a NaN; every inside value at the lowest value, which ties with the padding)."""
    inside = positions >= 0
    lowest = np.array(np.iinfo(windows.dtype).min if windows.dtype.kind in "iu" else -np.inf, windows.dtype)
    masked = np.where(inside, windows, lowest)
    chosen = np.argmax(masked, axis=-1)          # the first maximum; the first NaN
    best = np.take_along_axis(masked, chosen[..., None], -1)[..., 0]
    all_positions = np.broadcast_to(positions, masked.shape)
    if windows.dtype.kind not in "iu":
        nan = np.isnan(best)
        if nan.any():
            chosen[nan] = masked.shape[-1] - 1 - np.argmax(np.isnan(masked[nan])[:, ::-1], axis=-1)
    padded = ~np.take_along_axis(np.broadcast_to(inside, masked.shape), chosen[..., None], -1)[..., 0]
    if padded.any():
        chosen[padded] = np.argmax((masked[padded] == best[padded][:, None]) & (all_positions[padded] >= 0), axis=-1)
    indices = np.take_along_axis(all_positions, chosen[..., None], -1)[..., 0]
    return best, indices


@op("max_pool2d_with_indices", promotion=RAW, saves=("input.shape", "indices"), extra_outputs=("indices",),
    formula_backward=True)
def _max_pool2d_with_indices(input, kernel=(), stride=(), padding=(), dilation=(), output=()):
    if input.dtype == np.bool_:
        raise NotImplementedError("\"max_pool2d\" not implemented for 'Bool'")
    windows = _windows(input, kernel, stride, padding, dilation, output,
                       np.iinfo(input.dtype).min if input.dtype.kind in "iu" else -np.inf)
    positions = _window_positions(input.shape[2:], kernel, stride, padding, dilation, output)
    values, indices = _max_of_windows(windows, positions)
    return values.astype(input.dtype, copy=False), indices.astype(np.int64, copy=False)


@_max_pool2d_with_indices.vjp
def _(g, input_shape, indices):
    return _max_pool2d_backward(g, indices, input_shape=tuple(input_shape))


@op("max_pool2d_backward", promotion=RAW, saves=("indices",))
def _max_pool2d_backward(g, indices, input_shape=()):
    """g added into zeros at the chosen positions, output by output in g's own dtype (torch's `grad_input[index] +=
    grad` in the half type, rounded at each add where windows overlap)."""
    n, c, height, width = input_shape
    grad = np.zeros(n * c * height * width, g.dtype)
    planes = np.arange(n * c)[:, None] * (height * width)
    np.add.at(grad, (planes + indices.reshape(n * c, -1)).reshape(-1), g.reshape(-1))
    return grad.reshape(input_shape)


@_max_pool2d_backward.vjp
def _(gg, indices):
    return gg.flatten(2).gather(2, indices.flatten(2)).view(indices.shape), None


@public(function=False, functional=True)
def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    x = _batched("max_pool2d", input)
    kernel, stride, padding, dilation, output = _geometry("max_pool2d", x, kernel_size, stride, padding, dilation,
                                                          ceil_mode)
    values, indices = _max_pool2d_with_indices(x, kernel=kernel, stride=stride, padding=padding, dilation=dilation,
                                               output=output)
    if input.ndim == 3:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return values, indices


@public(function=False, functional=True)
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    values, indices = max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return (values, indices) if return_indices else values


@public("max_pool2d")
def max_pool2d_values(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """torch.max_pool2d: nn.functional's without return_indices."""
    return max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)[0]


# ================================================================ avg_pool2d

def _divisors(shape, kernel, stride, padding, output, count_include_pad, divisor_override):
    """(OH, OW) divisor of each window, as torch's avg_pool2d kernel counts it."""
    if divisor_override is not None:
        return np.full(output, divisor_override)
    counts = []
    for size, k, s, p, o in zip(shape, kernel, stride, padding, output):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, size + p)
        counts.append((end - start) if count_include_pad else
                      (np.minimum(end, size) - np.maximum(start, 0)))
    return counts[0][:, None] * counts[1][None, :]


@op("avg_pool2d", saves=("input.shape", "kernel", "stride", "padding", "output", "divisors"), formula_backward=True)
def _avg_pool2d(input, kernel=(), stride=(), padding=(), output=(), divisors=None):
    """The window sums (accumulated in float32 for half types, as torch's acc type) over the divisors."""
    windows = _windows(input, kernel, stride, padding, (1, 1), output, 0)
    sums = windows.sum(-1)
    if input.dtype.kind != "f":   # torch's integer division of the integer sums: truncation towards 0
        return np.sign(sums) * np.sign(divisors) * (np.abs(sums) // np.abs(divisors))
    return sums / divisors.astype(input.dtype)


@_avg_pool2d.vjp
def _(g, input_shape, kernel, stride, padding, output, divisors):
    half = g.dtype.numpy_type if g.dtype in _HALF else None
    return _avg_pool2d_backward(g, input_shape=tuple(input_shape), kernel=kernel, stride=stride, padding=padding,
                                output=output, divisors=divisors, half=half)


@op("avg_pool2d_backward", saves=("kernel", "stride", "padding", "output", "divisors"), formula_backward=True)
def _avg_pool2d_backward(g, input_shape=(), kernel=(), stride=(), padding=(), output=(), divisors=None, half=None):
    """avg_pool2d's adjoint: each window's share g / divisor added back to every position of the window. For a
    half type as torch's kernel: the share rounded to it, the adds in it, in the order of the output positions
    (offsets last to first: for one input position a later offset is an earlier window)."""
    shares = g / divisors.astype(g.dtype)
    if half is not None:
        shares = shares.astype(half)
    n, c, height, width = input_shape
    padded = np.zeros((n, c, max(height + 2 * padding[0], (output[0] - 1) * stride[0] + kernel[0]),
                       max(width + 2 * padding[1], (output[1] - 1) * stride[1] + kernel[1])), shares.dtype)
    for row in reversed(range(kernel[0])):
        for col in reversed(range(kernel[1])):
            padded[:, :, row:row + (output[0] - 1) * stride[0] + 1:stride[0],
                   col:col + (output[1] - 1) * stride[1] + 1:stride[1]] += shares
    return padded[:, :, padding[0]:padding[0] + height, padding[1]:padding[1] + width]


@_avg_pool2d_backward.vjp
def _(gg, kernel, stride, padding, output, divisors):
    return _avg_pool2d(gg, kernel=kernel, stride=stride, padding=padding, output=output, divisors=divisors)


@public(function=False, functional=True)
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    x = _batched("avg_pool2d", input)
    kernel, stride, padding, _, output = _geometry("avg_pool2d", x, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    if x.dtype is _dtype.bool:
        raise NotImplementedError("\"avg_pool2d\" not implemented for 'Bool'")
    divisors = _divisors(x.shape[2:], kernel, stride, padding, output, count_include_pad, divisor_override)
    result = _avg_pool2d(x, kernel=kernel, stride=stride, padding=padding, output=output, divisors=divisors)
    return result if input.ndim == 4 else result.squeeze(0)


# ================================================================ adaptive pooling

def _adaptive_output(name, input, output_size):
    if isinstance(output_size, (tuple, list)) and input.ndim <= len(output_size):
        # torch.nn.functional's Python check (_list_with_default), before the kernel's
        raise ValueError(f"Input dimension should be at least {len(output_size) + 1}")
    if input.ndim not in (3, 4):
        raise RuntimeError(f"{name}(): Expected 3D or 4D tensor, but got{':' if 'max' in name else ''} "
                           f"{list(input.shape)}")
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != 2:
            raise RuntimeError(f"{name}: output_size must be 2")
        sizes = tuple(input.shape[-2 + i] if size is None else int(size) for i, size in enumerate(output_size))
    else:
        sizes = (int(output_size),) * 2
    if any(size < 0 for size in sizes):
        if "max" in name:
            raise RuntimeError(f"Trying to create tensor with negative dimension {min(sizes)}: "
                               f"{[*input.shape[:-2], *sizes]}")
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to 0 but received "
                           f"{{{sizes[0]}, {sizes[1]}}}")
    if input.dtype.category != _dtype.FLOATING:
        raise NotImplementedError(f"\"{name}\" not implemented for '{_dtype.scalar_type_name(input.dtype)}'")
    return sizes


def _bins(size, count):
    """torch's adaptive windows: [floor(i * size / count), ceil((i + 1) * size / count))."""
    return [(i * size // count, -(-(i + 1) * size // count)) for i in range(count)]


def _averaging_matrix(size, count, dtype):
    """(count, size): row i averages bin i."""
    matrix = np.zeros((count, size), dtype)
    for i, (start, end) in enumerate(_bins(size, count)):
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix


@op("adaptive_avg_pool2d", saves=("input.shape",), formula_backward=True)
def _adaptive_avg_pool2d(input, output=()):
    """Each bin's sum divided by its height, then by its width, as torch's kernel (in float32 for half types,
    rounded once): one NumPy reduction per output position, the bins differing in size."""
    result = np.empty((*input.shape[:-2], *output), input.dtype)
    for i, (top, bottom) in enumerate(_bins(input.shape[-2], output[0])):
        for j, (left, right) in enumerate(_bins(input.shape[-1], output[1])):
            result[..., i, j] = input[..., top:bottom, left:right].sum((-2, -1)) / (bottom - top) / (right - left)
    return result


@_adaptive_avg_pool2d.vjp
def _(g, input_shape):
    half = g.dtype.numpy_type if g.dtype in _HALF else None
    return _adaptive_avg_pool2d_backward(g, input_shape=tuple(input_shape), half=half)


@op("adaptive_avg_pool2d_backward", saves=("g.shape",), formula_backward=True)
def _adaptive_avg_pool2d_backward(g, input_shape=(), half=None):
    """The adjoint (the transposed averaging matrices). For a half type as torch's kernel: g / height / width,
    each division rounded to it, added into each bin output by output, each add rounded where the bins overlap."""
    height, width = input_shape[-2:]
    if half is None:
        return _averaging_matrix(height, g.shape[-2], g.dtype).T @ g @ _averaging_matrix(width, g.shape[-1], g.dtype)
    grad = np.zeros(input_shape, half)
    for i, (top, bottom) in enumerate(_bins(height, g.shape[-2])):
        for j, (left, right) in enumerate(_bins(width, g.shape[-1])):
            share = ((g[..., i, j] / (bottom - top)).astype(half).astype(np.float32) / (right - left)).astype(half)
            grad[..., top:bottom, left:right] += share[..., None, None]
    return grad


@_adaptive_avg_pool2d_backward.vjp
def _(gg, g_shape):
    return _adaptive_avg_pool2d(gg, output=tuple(g_shape[-2:]))


@public(function=False, functional=True)
def adaptive_avg_pool2d(input, output_size):
    check_tensor(input, "adaptive_avg_pool2d", "input", 1)
    rows, cols = _adaptive_output("adaptive_avg_pool2d", input, output_size)
    return _adaptive_avg_pool2d(input, output=(rows, cols))


@public(function=False, functional=True)
def adaptive_max_pool2d(input, output_size, return_indices=False):
    check_tensor(input, "adaptive_max_pool2d", "input", 1)
    rows, cols = _adaptive_output("adaptive_max_pool2d", input, output_size)
    x = input if input.ndim == 4 else input.unsqueeze(0)
    values, indices = _adaptive_max_pool2d(x, output=(rows, cols))
    if input.ndim == 3:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return (values, indices) if return_indices else values


@op("adaptive_max_pool2d", promotion=RAW, saves=("input.shape", "indices"), extra_outputs=("indices",),
    formula_backward=True)
def _adaptive_max_pool2d(input, output=()):
    """One NumPy reduction per output position (the windows differ in size): torch's first maximum / last NaN."""
    n, c, height, width = input.shape
    values = np.empty((n, c, *output), input.dtype)
    indices = np.empty((n, c, *output), np.int64)
    for i, (top, bottom) in enumerate(_bins(height, output[0])):
        for j, (left, right) in enumerate(_bins(width, output[1])):
            window = input[:, :, top:bottom, left:right].reshape(n, c, -1)
            positions = ((np.arange(top, bottom)[:, None] * width) + np.arange(left, right)).reshape(-1)
            best, chosen = _max_of_windows(window, positions)
            values[:, :, i, j], indices[:, :, i, j] = best, chosen
    return values, indices


_adaptive_max_pool2d.vjp(_max_pool2d_with_indices.rule)   # the same scatter of g to the chosen positions
