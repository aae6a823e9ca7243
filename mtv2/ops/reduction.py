"""Reductions: sum, mean, max, min (full and along dims), all, any, and sum_to_size (undoes broadcasting)."""
import builtins
import collections

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._registry import RAW, compute_numpy_type, op

values_indices = collections.namedtuple("return_types", ["values", "indices"])


def reduced_dims(dim, ndim, name):
    """A sorted tuple of the non-negative dims a reduction runs over (None or [] means all)."""
    if dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0):
        return tuple(range(ndim))
    if isinstance(dim, str) or not isinstance(dim, (int, list, tuple)):
        raise TypeError(f"{name}(): argument 'dim' must be int or tuple of ints, not {type(dim).__name__}")
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    wrapped = tuple(sorted(_wrap_dim(d, ndim, name) for d in dims))
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError(f"{name}: dim {wrapped} appears multiple times in the list of dims")
    return wrapped if ndim else ()


def _expand_back(g, input_shape, dims, keepdim):
    """The gradient of a reduction, broadcast back over the reduced dims."""
    if not keepdim:
        kept_shape = [1 if i in dims else extent for i, extent in enumerate(input_shape)]
        g = g.reshape(kept_shape)
    return g.expand(input_shape)


# ---------------------------------------------------------------- sum / mean

@op("sum", promotion=RAW)
def _sum(a, dims=(), keepdim=False, dtype=None):
    if dtype is None:
        # torch sums bool and integers in int64, half types accumulate in float32
        dtype = _dtype.int64 if a.dtype.kind in "biu" else _dtype.from_numpy_dtype(a.dtype)
    return np.sum(a, axis=dims, dtype=compute_numpy_type(dtype), keepdims=keepdim).astype(dtype.numpy_type,
                                                                                           copy=False)


@_sum.vjp
def _(g, a_shape, dims, keepdim):
    return _expand_back(g, a_shape, dims, keepdim)


def sum(input, dim=None, keepdim=False, *, dtype=None):
    return _sum(input, dims=reduced_dims(dim, input.ndim, "sum"), keepdim=keepdim, dtype=dtype)


@op("mean", promotion=RAW)
def _mean(a, dims=(), keepdim=False, dtype=None):
    result_dtype = dtype or _dtype.from_numpy_dtype(a.dtype)
    if not result_dtype.is_floating_point:
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {_dtype_title(result_dtype)}")
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.mean(a, axis=dims, dtype=compute_numpy_type(result_dtype), keepdims=keepdim)
    return np.asarray(mean).astype(result_dtype.numpy_type, copy=False)


@_mean.vjp
def _(g, a_shape, dims, keepdim):
    count = 1
    for d in dims:
        count *= a_shape[d]
    return _expand_back(g, a_shape, dims, keepdim) / count  # expand first: an empty input gets an empty grad


def mean(input, dim=None, keepdim=False, *, dtype=None):
    return _mean(input, dims=reduced_dims(dim, input.ndim, "mean"), keepdim=keepdim, dtype=dtype)


def var(input, dim=None, *, correction=None, keepdim=False, unbiased=None):
    """Composite of mean and sum: its gradient comes from theirs."""
    if isinstance(correction, bool):  # var(x, dim, True) is the old positional `unbiased`
        unbiased, correction = correction, None
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    dims = reduced_dims(dim, input.ndim, "var")
    count = 1
    for d in dims:
        count *= input.shape[d]
    centered = input - mean(input, dims, keepdim=True)
    return sum(centered * centered, dims, keepdim=keepdim) / builtins.max(count - correction, 0)


def std(input, dim=None, *, correction=None, keepdim=False, unbiased=None):
    return var(input, dim, correction=correction, keepdim=keepdim, unbiased=unbiased).sqrt()


def var_mean(input, dim=None, *, correction=None, keepdim=False, unbiased=None):
    return (var(input, dim, correction=correction, keepdim=keepdim, unbiased=unbiased),
            mean(input, dim, keepdim=keepdim))


# ---------------------------------------------------------------- max / min

def _check_nonempty(a, name, dim=None):
    if dim is None and a.size == 0:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                           "reduction dim with the 'dim' argument.")
    if dim is not None and a.ndim and a.shape[dim] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")


@op("max_all", promotion=RAW)
def _max_all(a):
    _check_nonempty(a, "max")
    return np.max(a)


@op("min_all", promotion=RAW)
def _min_all(a):
    _check_nonempty(a, "min")
    return np.min(a)


def _evenly_distribute(g, a, out):
    # torch's full max()/min() share the gradient evenly among tied extrema
    hits = a == out
    return where(hits, g / hits.sum(), g.new_zeros(()))


_max_all.vjp(_evenly_distribute)
_min_all.vjp(_evenly_distribute)


def _select_along(a, dim, keepdim, arg_function, name):
    _check_nonempty(a, name, dim)
    if a.ndim == 0:
        return a.copy(), np.zeros((), np.int64)
    indices = arg_function(a, axis=dim, keepdims=True)
    values = np.take_along_axis(a, indices, axis=dim)
    if not keepdim:
        values, indices = values.squeeze(dim), indices.squeeze(dim)
    return values, indices.astype(np.int64)


@op("max_dim", promotion=RAW)
def _max_dim(a, dim=0, keepdim=False):
    return _select_along(a, dim, keepdim, np.argmax, "max")


@op("min_dim", promotion=RAW)
def _min_dim(a, dim=0, keepdim=False):
    return _select_along(a, dim, keepdim, np.argmin, "min")


def _route_to_selected(g, a, dim, keepdim, arg_function):
    """Gradient of max/min along dim: all of it to the selected element (recomputed, same tie-break)."""
    if a.ndim == 0:
        return g
    indices = arg_function(a, dim, True)
    positions = arange(a.shape[dim]).reshape([-1] + [1] * (a.ndim - 1 - dim))
    if not keepdim:
        g = g.unsqueeze(dim)
    return where(positions == indices, g, g.new_zeros(()))


@_max_dim.vjp
def _(g, a, dim, keepdim):
    return _route_to_selected(g, a, dim, keepdim, argmax)


@_min_dim.vjp
def _(g, a, dim, keepdim):
    return _route_to_selected(g, a, dim, keepdim, argmin)


def _arg_extremum(a, dim, keepdim, arg_function, name):
    _check_nonempty(a, name, dim)
    if dim is None:
        index = arg_function(a)
        return np.asarray(index, np.int64).reshape((1,) * a.ndim if keepdim else ())
    return arg_function(a, axis=dim, keepdims=keepdim).astype(np.int64)


@op("argmax", promotion=RAW)
def _argmax(a, dim=None, keepdim=False):
    return _arg_extremum(a, dim, keepdim, np.argmax, "argmax")


@op("argmin", promotion=RAW)
def _argmin(a, dim=None, keepdim=False):
    return _arg_extremum(a, dim, keepdim, np.argmin, "argmin")


def argmax(input, dim=None, keepdim=False):
    return _argmax(input, dim=None if dim is None else _wrap_dim(dim, input.ndim, "argmax"), keepdim=keepdim)


def argmin(input, dim=None, keepdim=False):
    return _argmin(input, dim=None if dim is None else _wrap_dim(dim, input.ndim, "argmin"), keepdim=keepdim)


def _extremum(input, dim, keepdim, name, elementwise, full_op, dim_op):
    if isinstance(dim, Tensor):  # max(input, other) is the elementwise maximum
        return elementwise(input, dim)
    if dim is None:
        return full_op(input)
    values, indices = dim_op(input, dim=_wrap_dim(dim, input.ndim, name), keepdim=keepdim)
    return values_indices(values, indices)


def max(input, dim=None, keepdim=False, *, out=None):
    """torch.max: the full maximum, (values, indices) along `dim`, or the elementwise maximum with a tensor."""
    return _extremum(input, dim, keepdim, "max", maximum, _max_all, _max_dim)


def min(input, dim=None, keepdim=False, *, out=None):
    return _extremum(input, dim, keepdim, "min", minimum, _min_all, _min_dim)


# ---------------------------------------------------------------- all / any (not differentiable)

@op("all", promotion=RAW)
def _all(a, dims=(), keepdim=False):
    return np.all(a, axis=dims, keepdims=keepdim)


@op("any", promotion=RAW)
def _any(a, dims=(), keepdim=False):
    return np.any(a, axis=dims, keepdims=keepdim)


def all(input, dim=None, keepdim=False):
    return _all(input, dims=reduced_dims(dim, input.ndim, "all"), keepdim=keepdim)


def any(input, dim=None, keepdim=False):
    return _any(input, dims=reduced_dims(dim, input.ndim, "any"), keepdim=keepdim)


# ---------------------------------------------------------------- sum_to_size

@op("sum_to_size", promotion=RAW)
def _sum_to_size(a, shape=()):
    leading = a.ndim - len(shape)
    dims = tuple(range(leading)) + tuple(leading + i for i, extent in enumerate(shape)
                                         if extent == 1 and a.shape[leading + i] != 1)
    accumulate = np.float32 if a.dtype.kind == "f" and a.dtype.itemsize == 2 else a.dtype  # half sums in float32
    result = np.sum(a, axis=dims, keepdims=True, dtype=accumulate) if dims else a
    return result.reshape(shape).astype(a.dtype, copy=False)


@_sum_to_size.vjp
def _(g, a_shape):
    return g.expand(a_shape)


def sum_to_size(input, *size):
    shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)
    if not _expandable(shape, input.shape):
        raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size {{{list(input.shape)}}}.")
    if tuple(input.shape) == shape:
        return input
    return _sum_to_size(input, shape=shape)


def _expandable(shape, target):
    if len(shape) > len(target):
        return False
    return builtins.all(s == t or s == 1 for s, t in zip(reversed(shape), reversed(target)))


def _dtype_title(dtype):
    from .inplace import _type_title
    return _type_title(dtype)


from .elementwise import maximum, minimum, where  # noqa: E402
from ..creation import arange  # noqa: E402
