"""Adaptive and fractional pooling over 1, 2 or 3 spatial dims: nn.functional.adaptive_avg_pool1d/2d/3d,
adaptive_max_pool1d/2d/3d (with their indices), fractional_max_pool2d/3d (with their indices).

Adaptive windows are torch's bins, [floor(i * size / count), ceil((i + 1) * size / count)) along each dim: they
differ in size, so each output position is one NumPy reduction over its slice. Averages are the bin's sum divided by
each of its extents in turn, as torch's kernels (half types: the 2-d kernel sums in float32 and rounds once, the 3-d
one adds and divides in the half type); the gradient is the adjoint (averaging matrices along each dim). Fractional windows have the kernel's size and start at torch's pseudo-random
intervals (generate_intervals, in the input's dtype), one sample per (batch, channel) and dim: drawn with torch.rand
as torch.nn.functional does when `_random_samples` is not given. The max pools keep torch's choice in a window (first
maximum, last NaN) and share max_pool's gradient: the cotangent scattered to the chosen positions. The 1-d functions
are torch's: the 2-d op on a unit height."""
import itertools
import math

import numpy as np

from .. import _dtype
from ..creation import rand
from ._registry import RAW, op
from ._surface import public
from .nn_layers import check_tensor
from .nn_pool import _HALF, _max_pool_backward, _max_pool_with_indices, _one_d


def _adaptive_output(name, kernel_name, input, output_size, dims):
    """The output sizes after torch's checks (None keeps the input's size)."""
    if isinstance(output_size, (tuple, list)) and input.ndim <= len(output_size):
        # torch.nn.functional's Python check (_list_with_default), before the kernel's
        raise ValueError(f"Input dimension should be at least {len(output_size) + 1}")
    if input.ndim not in (dims + 1, dims + 2):
        colon = ":" if "max" in name else ""
        raise RuntimeError(f"{name}(): Expected {dims + 1}D or {dims + 2}D tensor, but got{colon} {list(input.shape)}")
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != dims:
            raise RuntimeError(f"{name}: output_size must be {dims}")
        sizes = tuple(input.shape[-dims + i] if size is None else int(size) for i, size in enumerate(output_size))
    else:
        sizes = (int(output_size),) * dims
    if any(size < 0 for size in sizes):
        if "max" in name:
            raise RuntimeError(f"Trying to create tensor with negative dimension {min(sizes)}: "
                               f"{[*input.shape[:-dims], *sizes]}")
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to 0 but received "
                           f"{{{', '.join(map(str, sizes))}}}")
    if dims == 3 and 0 in input.shape[-4:]:
        raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch dimensions, but input has "
                           f"sizes {list(input.shape)} with dimension {input.ndim - 4 + input.shape[-4:].index(0)} "
                           f"being empty")
    if input.dtype.category != _dtype.FLOATING:
        raise NotImplementedError(f"\"{kernel_name}\" not implemented for '{_dtype.scalar_type_name(input.dtype)}'")
    return sizes


def _bins(size, count):
    """torch's adaptive windows: [floor(i * size / count), ceil((i + 1) * size / count))."""
    return [(i * size // count, -(-(i + 1) * size // count)) for i in range(count)]


def _bin_positions(spatial, output):
    """Each output position's (index, window slices, window extents)."""
    for position in itertools.product(*(enumerate(_bins(size, count)) for size, count in zip(spatial, output))):
        yield (tuple(i for i, _ in position), tuple(slice(start, end) for _, (start, end) in position),
               tuple(end - start for _, (start, end) in position))


def _averaging_matrix(size, count, dtype):
    """(count, size): row i averages bin i."""
    matrix = np.zeros((count, size), dtype)
    for i, (start, end) in enumerate(_bins(size, count)):
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix


# ================================================================ adaptive_avg_pool

@op("adaptive_avg_pool", saves=("input.shape", "output"), formula_backward=True)
def _adaptive_avg_pool(input, output=(), half_sum=None):
    """Each bin's sum divided by each of its extents in turn, as torch's kernels: one NumPy reduction per output
    position, the bins differing in size. Half types: the 2-d kernel sums in float32 and rounds once; the 3-d one
    (half_sum: the half type) adds in the half type, element by element in the window's order, and rounds each
    division too."""
    dims = len(output)
    result = np.empty((*input.shape[:-dims], *output), input.dtype)
    for index, window, extents in _bin_positions(input.shape[-dims:], output):
        if half_sum is None:
            total = input[(..., *window)].sum(tuple(range(-dims, 0)))
        else:   # a running sum rounded at every add: accumulate's last element
            elements = input[(..., *window)].astype(half_sum).reshape(*input.shape[:-dims], math.prod(extents))
            total = np.add.accumulate(elements, axis=-1)[..., -1]
        for extent in extents:
            total = total / extent if half_sum is None else (total.astype(np.float32) / extent).astype(half_sum)
        result[(..., *index)] = total
    return result


@_adaptive_avg_pool.vjp
def _(g, input_shape, output):
    half = g.dtype.numpy_type if g.dtype in _HALF else None
    return _adaptive_avg_pool_backward(g, input_shape=tuple(input_shape), dims=len(output), half=half)


@op("adaptive_avg_pool_backward", saves=("g.shape", "dims"), formula_backward=True)
def _adaptive_avg_pool_backward(g, input_shape=(), dims=2, half=None):
    """The adjoint: the transposed averaging matrices applied dim by dim (the last one a right product). For a half
    type as torch's kernel: g divided by each extent, each division rounded to it, added into each bin output by
    output, each add rounded where the bins overlap."""
    if half is None:
        grad = g
        for axis in range(-dims, -1):
            matrix = _averaging_matrix(input_shape[axis], g.shape[axis], g.dtype)
            grad = np.moveaxis(matrix.T @ np.moveaxis(grad, axis, -2), -2, axis)
        return grad @ _averaging_matrix(input_shape[-1], g.shape[-1], g.dtype)
    grad = np.zeros(input_shape, half)
    for index, window, extents in _bin_positions(input_shape[-dims:], g.shape[-dims:]):
        share = g[(..., *index)]
        for extent in extents:
            share = (share.astype(np.float32) / extent).astype(half)
        grad[(..., *window)] += share[(..., *(None,) * dims)]
    return grad


@_adaptive_avg_pool_backward.vjp
def _(gg, g_shape, dims):
    half_sum = gg.dtype.numpy_type if dims == 3 and gg.dtype in _HALF else None
    return _adaptive_avg_pool(gg, output=tuple(g_shape[-dims:]), half_sum=half_sum)


def _adaptive_avg_pool_nd(name, kernel_name, dims, input, output_size):
    check_tensor(input, name, "input", 1)
    output = _adaptive_output(name, kernel_name, input, output_size, dims)
    if dims == 3 and output == (1, 1, 1):
        # torch's shortcut: a mean (for half types: summed in float32, not in the half type as its 3-d kernel does).
        # Its 2-d one is a mean too; the 2-d kernel below sums in float32 as well, within float rounding of it.
        return input.mean((-3, -2, -1), keepdim=True)
    half_sum = input.dtype.numpy_type if dims == 3 and input.dtype in _HALF else None
    return _adaptive_avg_pool(input, output=output, half_sum=half_sum)


@public("adaptive_avg_pool1d", functional=True)
def adaptive_avg_pool1d(input, output_size):
    """torch's: the 2-d op on a unit height."""
    size = _one_d("adaptive_avg_pool1d", input, output_size=output_size)["output_size"]
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, size)).squeeze(-2)


@public(function=False, functional=True)
def adaptive_avg_pool2d(input, output_size):
    return _adaptive_avg_pool_nd("adaptive_avg_pool2d", "adaptive_avg_pool2d", 2, input, output_size)


@public(function=False, functional=True)
def adaptive_avg_pool3d(input, output_size):
    return _adaptive_avg_pool_nd("adaptive_avg_pool3d", "adaptive_avg_pool3d_cpu", 3, input, output_size)


# ================================================================ adaptive_max_pool

def _running_max(input, starts, extents):
    """torch's window loop, vectorised over the output: each window offset in turn (C order), taken where it is
    greater than the running maximum or NaN; a window of -inf keeps its first position. starts[axis]: the windows'
    first input positions along that dim, shaped to broadcast over (N, C, *output); extents[axis]: their lengths (an
    int when they are all alike). One offset at a time keeps every array the output's size (a gather of all windows at
    once would index through int64 arrays of the windows' size)."""
    planes, spatial = input.shape[:2], input.shape[2:]
    index_type = np.int32 if math.prod(spatial) < 2 ** 31 else np.int64
    starts = [start.astype(index_type) for start in starts]
    volume_strides = [index_type(math.prod(spatial[axis + 1:])) for axis in range(len(spatial))]
    shape = np.broadcast_shapes(planes + (1,) * len(spatial), *(start.shape for start in starts))
    per_plane = any(start.shape[:2] != (1, 1) for start in starts)
    if per_plane:       # (fractional pooling) every plane's windows lie elsewhere: index the planes too
        leading = (np.arange(planes[0]).reshape(-1, *(1,) * (len(spatial) + 1)),
                   np.arange(planes[1]).reshape(-1, *(1,) * len(spatial)))
    else:               # (adaptive pooling) the same windows in every plane: slices, and output-shaped indices
        leading = (slice(None), slice(None))
    values = np.full(shape, -np.inf, input.dtype)
    indices = np.broadcast_to(sum(start * stride for start, stride in zip(starts, volume_strides)), shape).copy()
    longest = [int(np.max(extent, initial=0)) for extent in extents]
    for offset in itertools.product(*(range(length) for length in longest)):
        inside = [step < extent for step, extent in zip(offset, extents)]
        # a shorter window's offsets past its end read its last element and are never taken
        coordinates = [start + np.minimum(step, np.maximum(extent - 1, 0)) for start, step, extent
                       in zip(starts, offset, extents)]
        candidate = input[(*leading, *(coordinate if per_plane else coordinate[0, 0] for coordinate in coordinates))]
        taken = (candidate > values) | np.isnan(candidate)
        for flags in inside:
            taken &= flags
        np.copyto(values, candidate, where=taken)
        np.copyto(indices, sum(coordinate * stride for coordinate, stride in zip(coordinates, volume_strides)),
                  where=taken)
    return values, indices.astype(np.int64)


def _along(values, axis, dims, leading=2):
    """values (one per output position along `axis`) shaped to broadcast over (N, C, *output)."""
    return np.asarray(values).reshape([-1 if d == leading + axis else 1 for d in range(leading + dims)])


@op("adaptive_max_pool", promotion=RAW, saves=("input.shape", "indices"), extra_outputs=("indices",),
    formula_backward=True)
def _adaptive_max_pool(input, output=()):
    """torch's bins along each dim: their starts and lengths, the running maximum over their offsets."""
    dims = len(output)
    bins = [np.array(_bins(size, count), dtype=np.int64).reshape(count, 2) for size, count in zip(input.shape[2:],
                                                                                                   output)]
    return _running_max(input, [_along(b[:, 0], axis, dims) for axis, b in enumerate(bins)],
                        [_along(b[:, 1] - b[:, 0], axis, dims) for axis, b in enumerate(bins)])


_adaptive_max_pool.vjp(_max_pool_with_indices.rule)   # the same scatter of g to the chosen positions


def _adaptive_max_pool_nd(name, kernel_name, dims, input, output_size):
    check_tensor(input, name, "input", 1)
    output = _adaptive_output(name, kernel_name, input, output_size, dims)
    batched = input.ndim == dims + 2
    values, indices = _adaptive_max_pool(input if batched else input.unsqueeze(0), output=output)
    return (values, indices) if batched else (values.squeeze(0), indices.squeeze(0))


@public("adaptive_max_pool1d", functional="adaptive_max_pool1d_with_indices")
def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    """torch.adaptive_max_pool1d (values and indices): the 2-d op on a unit height."""
    size = _one_d("adaptive_max_pool1d", input, output_size=output_size)["output_size"]
    values, indices = adaptive_max_pool2d_with_indices(input.unsqueeze(-2), (1, size))
    return values.squeeze(-2), indices.squeeze(-2)


@public(function=False, functional=True)
def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    return _adaptive_max_pool_nd("adaptive_max_pool2d", "adaptive_max_pool2d", 2, input, output_size)


@public(function=False, functional=True)
def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    return _adaptive_max_pool_nd("adaptive_max_pool3d", "adaptive_max_pool3d_cpu", 3, input, output_size)


@public(function=False, functional=True)
def adaptive_max_pool1d(input, output_size, return_indices=False):
    values, indices = adaptive_max_pool1d_with_indices(input, output_size)
    return (values, indices) if return_indices else values


@public(function=False, functional=True)
def adaptive_max_pool2d(input, output_size, return_indices=False):
    values, indices = adaptive_max_pool2d_with_indices(input, output_size)
    return (values, indices) if return_indices else values


@public(function=False, functional=True)
def adaptive_max_pool3d(input, output_size, return_indices=False):
    values, indices = adaptive_max_pool3d_with_indices(input, output_size)
    return (values, indices) if return_indices else values


# ================================================================ fractional_max_pool

def _intervals(samples, input_size, output_size, pool_size):
    """torch's generate_intervals for every plane at once: (*samples.shape, output_size) window starts, computed in
    the samples' dtype (a half type rounding after each operation, as c10::Half arithmetic does), truncated."""
    starts = np.empty((*samples.shape, output_size), np.int64)
    if output_size > 1:
        kind = samples.dtype.type
        alpha = kind(input_size - pool_size) / kind(output_size - 1)
        steps = np.arange(output_size - 1).astype(samples.dtype)
        starts[..., :-1] = ((steps + samples[..., None]) * alpha).astype(np.int64) - \
            (samples * alpha).astype(np.int64)[..., None]
    if output_size > 0:
        starts[..., -1] = input_size - pool_size
    return starts


@op("fractional_max_pool", promotion=RAW, saves=("input.shape", "indices"), extra_outputs=("indices",),
    formula_backward=True)
def _fractional_max_pool(input, samples, kernel=(), output=()):
    """Windows of the kernel's size at each plane's own intervals: the running maximum over their offsets. torch's
    kernels read a plane's samples as (W, H) in 2-d and (T, H, W) in 3-d."""
    planes, spatial, dims = input.shape[:2], input.shape[2:], len(kernel)
    sample_of_axis = (1, 0) if dims == 2 else (0, 1, 2)
    starts = [_intervals(samples[:planes[0], :, sample_of_axis[axis]], spatial[axis], output[axis], kernel[axis])
              .reshape(*planes, *(output[axis] if d == axis else 1 for d in range(dims))) for axis in range(dims)]
    return _running_max(input, starts, kernel)


@_fractional_max_pool.vjp
def _(g, input_shape, indices):
    return _max_pool_backward(g, indices, input_shape=tuple(input_shape)), None


def _fractional_max_pool_nd(dims, input, kernel_size, output_size, output_ratio, _random_samples):
    name = f"fractional_max_pool{dims}d"
    check_tensor(input, name, "input", 1)
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    if output_size is None:
        if dims == 2 and len(output_ratio) > 2:     # torch's own check (a float ratio: TypeError from len)
            raise ValueError(f"{name} requires output_ratio to either be a single Int or tuple of Ints.")
        ratio = output_ratio if isinstance(output_ratio, (tuple, list)) else (output_ratio,) * dims
        output_size = [int(input.size(-dims + d) * ratio[d]) for d in range(dims)]
    if _random_samples is None:
        batch = 1 if input.dim() == dims + 1 else input.size(0)
        _random_samples = rand(batch, input.size(-dims - 1), dims, dtype=input.dtype)
    where = "fractional_max_pool2d()" if dims == 2 else "fractional_max_pool3d_out()"
    kernel, output = (tuple(value) if isinstance(value, (tuple, list)) else (value,) * dims
                      for value in (kernel_size, output_size))
    if len(kernel) != dims or len(output) != dims:
        raise RuntimeError(f"{name}: {'kernel_size' if len(kernel) != dims else 'output_size'} must either be a "
                           f"single Int or tuple of Ints")
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"{where}: Expected {dims + 1}D or {dims + 2}D tensor, but got: {list(input.shape)}")
    if 0 in input.shape[-dims - 1:]:
        raise RuntimeError(f"{where}: Expected input to have non-zero size for non-batch dimensions, but got"
                           f"{list(input.shape)} with dimension {input.shape.index(0)} being empty.")
    for axis, (size, k, o) in enumerate(zip(input.shape[-dims:], kernel, output)):
        if o + k - 1 > size:
            what = ("time", "height", "width")[axis + 3 - dims]
            raise RuntimeError(f"{where}: pool {what} {k} too large relative to input {what} {size}")
    x = input if input.ndim == dims + 2 else input.unsqueeze(0)
    samples = _random_samples
    if samples.dtype is not input.dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    if samples.ndim != 3:
        raise RuntimeError(f"Expect _random_samples to have 3 dimensions, got {samples.ndim}")
    if samples.shape[0] < x.shape[0]:
        raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
    if samples.shape[1] != x.shape[1]:
        raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
    if samples.shape[2] != dims:
        raise RuntimeError(f"Expect _random_samples.size(2) equals to {dims}; got {samples.shape[2]}.")
    values, indices = _fractional_max_pool(x, samples, kernel=tuple(map(int, kernel)), output=tuple(map(int, output)))
    return (values, indices) if input.ndim == dims + 2 else (values.squeeze(0), indices.squeeze(0))


@public(function=False, functional=True)
def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                                       _random_samples=None):
    return _fractional_max_pool_nd(2, input, kernel_size, output_size, output_ratio, _random_samples)


@public(function=False, functional=True)
def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                                       _random_samples=None):
    return _fractional_max_pool_nd(3, input, kernel_size, output_size, output_ratio, _random_samples)


@public(function=False, functional=True)
def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    values, indices = _fractional_max_pool_nd(2, input, kernel_size, output_size, output_ratio, _random_samples)
    return (values, indices) if return_indices else values


@public(function=False, functional=True)
def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    values, indices = _fractional_max_pool_nd(3, input, kernel_size, output_size, output_ratio, _random_samples)
    return (values, indices) if return_indices else values
