"""Pooling over 1, 2 or 3 spatial dims: nn.functional.max_pool1d/2d/3d (with their indices), avg_pool1d/2d/3d,
lp_pool1d/2d/3d and max_unpool1d/2d/3d (adaptive and fractional pooling: nn_pool_adaptive.py).

One window machinery serves every rank: the windows of a (padded) input are an as_strided view, reduced in one
NumPy call. max pooling keeps torch's choice inside a window (the first maximum, or the last NaN: its loop takes
`val > max || isnan(val)`), never a padded position; its gradient scatters the cotangent to the chosen positions
(scatter_add, in the input's dtype as torch's `grad_input[index] += grad` is), and max_unpool's gathers from them.
avg pooling is an op whose derivative is its adjoint (avg_pool_backward, a strided add per window offset) and vice
versa. The 1-d functions are torch's own composites: after torch's 1-d argument checks, the 2-d op on a unit height.
lp_pool is torch's composite of avg_pool (or of max_pool for an infinite norm)."""
import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import _dtype
from ._registry import RAW, op
from ._surface import public
from .nn_layers import check_tensor

_HALF = (_dtype.float16, _dtype.bfloat16)
_AXES = {2: ("H", "W"), 3: ("T", "H", "W")}        # torch's names of the dims in its messages
_COUNT = {2: "two ints", 3: "three ints"}


def _ints(value, name, function, dims, allow_empty=False):
    """torch's pooling arguments: an int or a tuple of 1 or `dims` ints (stride: also omitted)."""
    if isinstance(value, (tuple, list)):
        if len(value) not in (1, dims) and not (allow_empty and not value):
            omitted = "be omitted, " if allow_empty else ""
            raise RuntimeError(f"{function}: {name} must either {omitted}be a single int, or a tuple of {_COUNT[dims]}")
        return tuple(int(v) for v in value) * (dims if len(value) == 1 else 1)
    return (int(value),) * dims


def _one_int(value, name, function):
    """torch's 1-d argument check (check1d): an int or a tuple of exactly one int."""
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise RuntimeError(f"{function}() argument '{name}' should contain one int (got {len(value)})")
        return int(value[0])
    return int(value)


def _one_d(function, input, **arguments):
    """torch's checks of a 1-d pool (checkDimRange, check1d) before it runs the 2-d one on a unit height: the
    arguments as ints, stride omitted meaning the kernel size."""
    check_tensor(input, function, "input", 1)
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor for argument #1 "
                           f"'self' (while checking arguments for {function})")
    stride = arguments.get("stride", 1)
    if stride is None or isinstance(stride, (tuple, list)) and not stride:
        arguments["stride"] = arguments["kernel_size"]
    return {name: _one_int(value, name, function) for name, value in arguments.items()}


def _batched(name, input, dims):
    """input with its batch dim (an unbatched one gets a batch of 1), after torch's rank and emptiness checks."""
    check_tensor(input, name, "input", 1)
    if input.ndim not in (dims + 1, dims + 2) or any(size == 0 for size in input.shape[-dims - 1:]):
        if input.ndim == dims + 2 and input.shape[1] == 0:
            if dims == 2:
                raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, "
                                   f"but got:{list(input.shape)}")
            raise RuntimeError(f"{name}(): Expected input's non-batch dimensions to have positive length, but input "
                               f"has a shape of {list(input.shape)} and non-batch dimension 0 has length zero!")
        raise RuntimeError(f"non-empty {dims + 1}D or {dims + 2}D (batch mode) tensor expected for input")
    return input if input.ndim == dims + 2 else input.unsqueeze(0)


def _output_length(size, kernel, padding, stride, dilation, ceil_mode):
    """torch's pooling_output_shape: with ceil_mode the last window must still start inside the (left-padded)
    input."""
    span = dilation * (kernel - 1) + 1
    length = (size + 2 * padding - span + ((stride - 1) if ceil_mode else 0)) // stride + 1
    if ceil_mode and (length - 1) * stride >= size + padding:
        length -= 1
    return length


def _geometry(name, x, kernel_size, stride, padding, dilation, ceil_mode, dims, kernel_fits=False):
    """(kernel, stride, padding, dilation, output size) after torch's checks, a tuple of `dims` each. kernel_fits:
    avg_pool3d's extra check that the input is at least the kernel in every dim, whatever the padding."""
    kernel = _ints(kernel_size, "kernel_size", name, dims)
    stride = kernel if stride is None or (isinstance(stride, (tuple, list)) and not stride) else \
        _ints(stride, "stride", name, dims, allow_empty=True)
    padding = _ints(padding, "padding", name, dims)
    dilation = _ints(dilation, "dilation", name, dims)
    axes = _AXES[dims]
    if any(s == 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(k <= 0 for k in kernel):
        raise RuntimeError("kernel size should be greater than zero, but got " +
                           " ".join(f"k{axis}: {k}" for axis, k in zip(axes, kernel)))
    if any(d <= 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero, but got " +
                           " ".join(f"dilation{axis}: {d}" for axis, d in zip(axes, dilation)))
    if any(p < 0 for p in padding):
        raise RuntimeError(f"pad must be non-negative, but got pad: {min(padding)}")
    for k, p, d in zip(kernel, padding, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
    if kernel_fits and any(size < k for size, k in zip(x.shape[2:], kernel)):
        raise RuntimeError("input image (" + " ".join(f"{axis}: {size}" for axis, size in zip(axes, x.shape[2:])) +
                           ") smaller than kernel size (" + " ".join(f"k{axis}: {k}" for axis, k in zip(axes, kernel))
                           + ")")
    output = tuple(_output_length(size, k, p, s, d, ceil_mode)
                   for size, k, p, s, d in zip(x.shape[2:], kernel, padding, stride, dilation))
    if any(length < 1 for length in output):
        channels = x.shape[1]
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, (channels, *x.shape[2:])))}). Calculated output "
                           f"size: ({'x'.join(map(str, (channels, *output)))}). Output size is too small")
    return kernel, stride, padding, dilation, output


def _windows(array, kernel, stride, padding, dilation, output, fill, flat=True):
    """(N, C, *output, prod(kernel)) windows of `array` padded by `padding` with `fill`, and more on the right where
    ceil_mode's last window passes the padding; flat=False: the (N, C, *output, *kernel) view itself, uncopied."""
    extra = [max(0, (o - 1) * s + d * (k - 1) + 1 - (size + 2 * p))
             for o, s, d, k, size, p in zip(output, stride, dilation, kernel, array.shape[2:], padding)]
    padded = np.pad(array, ((0, 0), (0, 0), *((p, p + e) for p, e in zip(padding, extra))), constant_values=fill)
    spatial = padded.strides[2:]
    windows = as_strided(padded, (*padded.shape[:2], *output, *kernel),
                         (*padded.strides[:2], *(st * s for st, s in zip(spatial, stride)),
                          *(st * d for st, d in zip(spatial, dilation))), writeable=False)
    return windows.reshape(*padded.shape[:2], *output, math.prod(kernel)) if flat else windows


# ================================================================ max_pool

def _window_positions(shape, kernel, stride, padding, dilation, output):
    """(*output, *kernel) flat input positions of each window element, -1 where it lies in the padding; int32
    while the volume allows (they are as many as the windows' elements, and only the chosen ones become int64
    indices)."""
    index_type = np.int32 if math.prod(shape) < 2 ** 31 else np.int64
    dims = len(shape)
    flat = np.zeros((1,) * (2 * dims), index_type)
    outside = np.zeros((1,) * (2 * dims), bool)
    for axis in range(dims):
        along = (np.arange(output[axis], dtype=index_type) * stride[axis] - padding[axis])[:, None] + \
            np.arange(kernel[axis], dtype=index_type) * dilation[axis]
        # output position at axis `axis`, window offset at axis `dims + axis`
        layout = [1] * (2 * dims)
        layout[axis], layout[dims + axis] = output[axis], kernel[axis]
        flat = flat + (along * index_type(math.prod(shape[axis + 1:]))).reshape(layout)
        outside = outside | ((along < 0) | (along >= shape[axis])).reshape(layout)
    flat[outside] = -1
    return flat


def _max_of_windows(windows, positions):
    """(max, flat index) per window as torch's loop picks them, vectorised over the windows: the window's elements in
    turn, taken where greater than the running maximum or NaN (so the first maximum, the last NaN), positions in the
    padding (-1) never; a window of nothing above the lowest value keeps its first position inside the input.
    windows: (N, C, *output, *kernel); positions: (*output, *kernel)."""
    dims = positions.ndim // 2
    kernel = positions.shape[dims:]
    floating = windows.dtype.kind not in "iu"
    best = np.full(windows.shape[:-dims], -np.inf if floating else np.iinfo(windows.dtype).min, windows.dtype)
    by_window = positions.reshape(*positions.shape[:dims], -1)
    first_inside = np.take_along_axis(by_window, np.argmax(by_window >= 0, axis=-1)[..., None], -1)[..., 0]
    indices = np.broadcast_to(first_inside, best.shape).astype(np.int64)
    for offset in itertools.product(*(range(k) for k in kernel)):
        candidate = windows[(..., *offset)]
        position = positions[(..., *offset)]
        taken = candidate > best
        if floating:
            taken |= np.isnan(candidate)
        taken &= position >= 0
        np.copyto(best, candidate, where=taken)
        np.copyto(indices, position, where=taken)
    return best, indices


@op("max_pool_with_indices", promotion=RAW, saves=("input.shape", "indices"), extra_outputs=("indices",),
    formula_backward=True)
def _max_pool_with_indices(input, kernel=(), stride=(), padding=(), dilation=(), output=()):
    windows = _windows(input, kernel, stride, padding, dilation, output,
                       np.iinfo(input.dtype).min if input.dtype.kind in "iu" else -np.inf, flat=False)
    positions = _window_positions(input.shape[2:], kernel, stride, padding, dilation, output)
    values, indices = _max_of_windows(windows, positions)
    return values.astype(input.dtype, copy=False), indices.astype(np.int64, copy=False)


@_max_pool_with_indices.vjp
def _(g, input_shape, indices):
    return _max_pool_backward(g, indices, input_shape=tuple(input_shape))


@op("max_pool_backward", promotion=RAW, saves=("indices",))
def _max_pool_backward(g, indices, input_shape=()):
    """g added into zeros at the chosen positions (flat in each (N, C) volume), output by output in g's own dtype
    (torch's `grad_input[index] += grad` in the half type, rounded at each add where windows overlap)."""
    planes, volume = input_shape[0] * input_shape[1], math.prod(input_shape[2:])
    grad = np.zeros(planes * volume, g.dtype)
    if grad.size:      # (an empty batch has no planes to reshape the indices into)
        starts = np.arange(planes)[:, None] * volume
        np.add.at(grad, (starts + indices.reshape(planes, -1)).reshape(-1), g.reshape(-1))
    return grad.reshape(input_shape)


@_max_pool_backward.vjp
def _(gg, indices):
    return _gather_at(gg, indices), None


def _gather_at(values, indices):
    """values (N, C, *spatial) at the flat spatial positions `indices` (N, C, *anything): max pooling's double
    backward and max_unpool's derivative (torch's max_pool_double_backward)."""
    return values.flatten(2).gather(2, indices.flatten(2)).view(indices.shape)


def _max_pool(name, dims, input, kernel_size, stride, padding, dilation, ceil_mode):
    x = _batched(name, input, dims)
    kernel, stride, padding, dilation, output = _geometry(name, x, kernel_size, stride, padding, dilation,
                                                          ceil_mode, dims)
    if x.dtype is _dtype.bool:
        raise NotImplementedError(f"\"{name}\" not implemented for 'Bool'")
    values, indices = _max_pool_with_indices(x, kernel=kernel, stride=stride, padding=padding, dilation=dilation,
                                             output=output)
    if input.ndim == dims + 1:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return values, indices


@public(function=False, functional=True)
def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode)


@public(function=False, functional=True)
def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return _max_pool("max_pool3d", 3, input, kernel_size, stride, padding, dilation, ceil_mode)


@public("max_pool1d_with_indices", functional=True)
def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    """torch's: the 2-d op on a unit height (so its errors are the 2-d ones after the 1-d argument checks)."""
    sizes = _one_d("max_pool1d", input, kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation)
    values, indices = max_pool2d_with_indices(input.unsqueeze(-2), (1, sizes["kernel_size"]), (1, sizes["stride"]),
                                              (0, sizes["padding"]), (1, sizes["dilation"]), ceil_mode)
    return values.squeeze(-2), indices.squeeze(-2)


def _check_max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode):
    """torch.max_pool1d's own checks (check_max_pool1d), stricter than the path with indices: the padding at most
    half the kernel, dilation aside."""
    check_tensor(input, "max_pool1d", "input", 1)
    if not (input.ndim == 2 and 0 not in input.shape or input.ndim == 3 and 0 not in input.shape[1:]):
        raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{list(input.shape)}")
    arguments = {}
    for name, value, what in (("kernel_size", kernel_size, "an int, list of ints or tuple of ints"),
                              ("stride", stride, "None, an int, list of ints, or tuple of ints"),
                              ("padding", padding, "an int, list of ints or tuple of ints"),
                              ("dilation", dilation, "an int, list of ints or tuple of ints")):
        values = list(value) if isinstance(value, (tuple, list)) else ([] if value is None else [value])
        if len(values) != 1 and not (name == "stride" and not values):
            raise RuntimeError(f"max_pool1d() {name} must be {what} of size 1 but got size {len(values)}")
        arguments[name] = int(values[0]) if values else None
    kernel, stride, padding, dilation = (arguments["kernel_size"], arguments["stride"] or arguments["kernel_size"],
                                         arguments["padding"], arguments["dilation"])
    for name, value in (("kernel_size", kernel), ("stride", stride)):
        if value <= 0:
            raise RuntimeError(f"max_pool1d() {name} must be greater than zero, but got {value}")
    if padding < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {padding}")
    if padding > kernel // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got padding={padding} "
                           f"and kernel_size={kernel}")
    if dilation <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {dilation}")
    length = _output_length(input.shape[-1], kernel, padding, stride, dilation, ceil_mode)
    if length <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {length}")
    if input.dtype.category != _dtype.FLOATING:
        raise NotImplementedError(f"\"max_pool1d_impl\" not implemented for '{_dtype.scalar_type_name(input.dtype)}'")


@public("max_pool1d")
def max_pool1d_values(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """torch.max_pool1d: nn.functional's without return_indices."""
    _check_max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode)
    return max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)[0]


@public(function=False, functional=True)
def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    if return_indices:
        return max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return max_pool1d_values(input, kernel_size, stride, padding, dilation, ceil_mode)


@public(function=False, functional=True)
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    values, indices = max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return (values, indices) if return_indices else values


@public(function=False, functional=True)
def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    values, indices = max_pool3d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return (values, indices) if return_indices else values


@public("max_pool2d")
def max_pool2d_values(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """torch.max_pool2d: nn.functional's without return_indices."""
    return max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)[0]


@public("max_pool3d")
def max_pool3d_values(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """torch.max_pool3d: nn.functional's without return_indices."""
    return max_pool3d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)[0]


# ================================================================ avg_pool

def _divisors(shape, kernel, stride, padding, output, count_include_pad, divisor_override):
    """(*output) divisor of each window, as torch's avg_pool kernels count it."""
    if divisor_override is not None:
        return np.full(output, divisor_override)
    counts = []
    for size, k, s, p, o in zip(shape, kernel, stride, padding, output):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, size + p)
        counts.append((end - start) if count_include_pad else
                      (np.minimum(end, size) - np.maximum(start, 0)))
    return math.prod(count.reshape([-1 if axis == i else 1 for axis in range(len(counts))])
                     for i, count in enumerate(counts))


@op("avg_pool", saves=("input.shape", "kernel", "stride", "padding", "output", "divisors"), formula_backward=True)
def _avg_pool(input, kernel=(), stride=(), padding=(), output=(), divisors=None):
    """The window sums (accumulated in float32 for half types, as torch's acc type) over the divisors."""
    windows = _windows(input, kernel, stride, padding, (1,) * len(kernel), output, 0)
    sums = windows.sum(-1)
    if input.dtype.kind != "f":   # torch's integer division of the integer sums: truncation towards 0
        return np.sign(sums) * np.sign(divisors) * (np.abs(sums) // np.abs(divisors))
    return sums / divisors.astype(input.dtype)


@_avg_pool.vjp
def _(g, input_shape, kernel, stride, padding, output, divisors):
    half = g.dtype.numpy_type if g.dtype in _HALF else None
    return _avg_pool_backward(g, input_shape=tuple(input_shape), kernel=kernel, stride=stride, padding=padding,
                              output=output, divisors=divisors, half=half)


@op("avg_pool_backward", saves=("kernel", "stride", "padding", "output", "divisors"), formula_backward=True)
def _avg_pool_backward(g, input_shape=(), kernel=(), stride=(), padding=(), output=(), divisors=None, half=None):
    """avg_pool's adjoint: each window's share g / divisor added back to every position of the window. For a
    half type as torch's kernel: the share rounded to it, the adds in it, in the order of the output positions
    (offsets last to first: for one input position a later offset is an earlier window)."""
    shares = g / divisors.astype(g.dtype)
    if half is not None:
        shares = shares.astype(half)
    spatial = input_shape[2:]
    padded = np.zeros((*input_shape[:2], *(max(size + 2 * p, (o - 1) * s + k) for size, p, o, s, k
                                           in zip(spatial, padding, output, stride, kernel))), shares.dtype)
    for offset in itertools.product(*(reversed(range(k)) for k in kernel)):
        padded[(..., *(slice(at, at + (o - 1) * s + 1, s) for at, o, s in zip(offset, output, stride)))] += shares
    return padded[(..., *(slice(p, p + size) for p, size in zip(padding, spatial)))]


@_avg_pool_backward.vjp
def _(gg, kernel, stride, padding, output, divisors):
    return _avg_pool(gg, kernel=kernel, stride=stride, padding=padding, output=output, divisors=divisors)


def _avg_pool_nd(name, dims, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    x = _batched(name, input, dims)
    kernel, stride, padding, _, output = _geometry(name, x, kernel_size, stride, padding, 1, ceil_mode, dims,
                                                   kernel_fits=dims == 3)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    # torch's avg_pool3d kernel exists for float32, float64 and the integer types only
    if x.dtype is _dtype.bool or dims == 3 and x.dtype in _HALF:
        kernel_name = "avg_pool3d_out_frame" if dims == 3 else name
        raise NotImplementedError(f"\"{kernel_name}\" not implemented for '{_dtype.scalar_type_name(x.dtype)}'")
    divisors = _divisors(x.shape[2:], kernel, stride, padding, output, count_include_pad, divisor_override)
    result = _avg_pool(x, kernel=kernel, stride=stride, padding=padding, output=output, divisors=divisors)
    return result if input.ndim == dims + 2 else result.squeeze(0)


@public("avg_pool1d", functional=True)
def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """torch's: the 2-d op on a unit height (so its errors are the 2-d ones after the 1-d argument checks)."""
    sizes = _one_d("avg_pool1d", input, kernel_size=kernel_size, stride=stride, padding=padding)
    return avg_pool2d(input.unsqueeze(-2), (1, sizes["kernel_size"]), (1, sizes["stride"]), (0, sizes["padding"]),
                      ceil_mode, count_include_pad).squeeze(-2)


@public(function=False, functional=True)
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return _avg_pool_nd("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                        divisor_override)


@public(function=False, functional=True)
def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return _avg_pool_nd("avg_pool3d", 3, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                        divisor_override)


# ================================================================ lp_pool: torch's composites of avg_pool / max_pool

def _lp_pool(average, maximum, window_size, input, norm_type, kernel_size, stride, ceil_mode):
    """torch's formula: (sum over the window of x ** p) ** (1 / p), the sum as the window's mean times its size,
    negative means (an odd p) clamped to 0 through sign * relu(abs); an infinite p is a max pool of |x|."""
    if isinstance(norm_type, (int, float)):
        if norm_type == math.inf:
            return maximum(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -math.inf:
            return -maximum(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    out = average(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(window_size).pow(1.0 / norm_type)


@public(function=False, functional=True)
def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(avg_pool1d, max_pool1d, kernel_size, input, norm_type, kernel_size, stride, ceil_mode)


@public(function=False, functional=True)
def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(avg_pool2d, max_pool2d, math.prod(_expanded(kernel_size, 2)), input, norm_type, kernel_size,
                    stride, ceil_mode)


@public(function=False, functional=True)
def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(avg_pool3d, max_pool3d, math.prod(_expanded(kernel_size, 3)), input, norm_type, kernel_size,
                    stride, ceil_mode)


# ================================================================ max_unpool

def _expanded(value, dims):
    """torch's Python-side _single/_pair/_triple: an int repeated, a sequence kept as it is."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * dims


@op("max_unpool", promotion=RAW, saves=("indices",), formula_backward=True)
def _max_unpool(input, indices, output=()):
    """Zeros with each input value written at its flat position in its (N, C) volume; where two values share a
    position the later one stays, as torch's loop writes them in order."""
    planes, volume = input.shape[0] * input.shape[1], math.prod(output)
    if planes == 0:
        return np.zeros((*input.shape[:2], *output), input.dtype)
    positions = indices.reshape(planes, -1)
    invalid = (positions < 0) | (positions >= volume)
    if invalid.any():
        raise RuntimeError(f"Found an invalid max index: {positions[invalid][0]} (output volumes are of size "
                           f"{'x'.join(map(str, output))}")
    result = np.zeros((planes, volume), input.dtype)
    np.put_along_axis(result, positions, input.reshape(planes, -1), axis=1)
    return result.reshape(*input.shape[:2], *output)


@_max_unpool.vjp
def _(g, indices):
    return _gather_at(g, indices), None     # derivatives.yaml: max_pool_double_backward(grad, indices)


def _unpool_output_size(input, kernel, stride, padding, output_size):
    """torch.nn.functional's: the size max pooling came from by default, a given one checked to be within a stride
    of it (a ValueError, raised in Python)."""
    default = [(input.shape[-len(kernel) + d] - 1) * stride[d] + kernel[d] - 2 * padding[d] for d in range(len(kernel))]
    if output_size is None:
        sizes = default
    else:
        sizes = list(output_size)
        if len(sizes) == len(kernel) + 2:
            sizes = sizes[2:]
        if len(sizes) != len(kernel):
            raise ValueError(f"output_size should be a sequence containing {len(kernel)} or {len(kernel) + 2} "
                             f"elements, but it has a length of '{len(sizes)}'")
        for d in range(len(kernel)):
            low, high = default[d] - stride[d], default[d] + stride[d]
            if not low < sizes[d] < high:
                raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {low} and {high})')
    for d, size in enumerate(sizes):
        if size < 0:
            raise ValueError(f"max_unpooling: output_size must contain non-negative spatial dimensions, but got "
                             f"output_size[{d}]={size}")
    return [int(size) for size in sizes]


def _max_unpool_nd(dims, input, indices, output_size, stride=None):
    """torch's max_unpooling2d/3d kernel checks (the 3-d one also takes the stride), then the op on a batch."""
    check_tensor(input, f"max_unpool{dims}d", "input", 1)
    check_tensor(indices, f"max_unpool{dims}d", "indices", 2)
    if indices.dtype is not _dtype.int64:
        raise RuntimeError(f"elements in indices should be type int64 but got: "
                           f"{_dtype.scalar_type_name(indices.dtype)}")
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"Input to max_unpooling{dims}d should be a {dims + 1}d or {dims + 2}d Tensor, but got a "
                           f"tensor with {input.ndim} dimensions.")
    if input.shape != indices.shape:
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor ({list(input.shape)}) "
                           f"but got indices tensor with shape: {list(indices.shape)}")
    if 0 in input.shape[1:]:
        raise RuntimeError(f"max_unpooling{dims}d_forward_out_cpu(): Expected input to have non-zero size for "
                           f"non-batch dimensions, but got {list(input.shape)} with dimension "
                           f"{input.shape[1:].index(0) + 1} being empty.")
    if stride is not None and any(step <= 0 for step in stride):
        raise RuntimeError(f"strides should be greater than zero, but got stride: {list(stride)}")
    if input.dtype.category != _dtype.FLOATING:
        raise NotImplementedError(f"\"max_unpool{dims}d\" not implemented for '{_dtype.scalar_type_name(input.dtype)}'")
    batched = input.ndim == dims + 2
    result = _max_unpool(input if batched else input.unsqueeze(0), indices if batched else indices.unsqueeze(0),
                         output=tuple(output_size))
    return result if batched else result.squeeze(0)


@public(function=False, functional=True)
def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """torch's: the 2-d unpooling on a unit width."""
    kernel = _expanded(kernel_size, 1)
    sizes = _unpool_output_size(input, kernel, kernel if stride is None else _expanded(stride, 1),
                                _expanded(padding, 1), output_size)
    return _max_unpool_nd(2, input.unsqueeze(-1), indices.unsqueeze(-1), sizes + [1]).squeeze(-1)


@public(function=False, functional=True)
def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    kernel = _expanded(kernel_size, 2)
    sizes = _unpool_output_size(input, kernel, kernel if stride is None else _expanded(stride, 2),
                                _expanded(padding, 2), output_size)
    return _max_unpool_nd(2, input, indices, sizes)


@public(function=False, functional=True)
def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    kernel = _expanded(kernel_size, 3)
    stride = kernel if stride is None else _expanded(stride, 3)
    sizes = _unpool_output_size(input, kernel, stride, _expanded(padding, 3), output_size)
    return _max_unpool_nd(3, input, indices, sizes, stride)
