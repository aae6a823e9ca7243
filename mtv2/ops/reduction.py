"""Reductions: sum, mean, nansum, nanmean, var, std, prod, max, min, amax, amin, argmax, argmin, logsumexp,
norm (linalg.vector_norm), dist, cdist, renorm, all, any, and sum_to_size (undoes broadcasting)."""
import builtins
import collections
import math

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ..autograd import grad_mode
from ._registry import RAW, compute_numpy_type, op
from ._surface import public


def return_type(name):
    """A (values, indices) named tuple like torch.return_types.<name>: `.values`, `.indices`, unpacking."""
    result_type = collections.namedtuple(name, ["values", "indices"])
    result_type.__module__ = "mtv2.return_types"
    return result_type


_MaxResult, _MinResult = return_type("max"), return_type("min")


def reduced_dims(dim, ndim, name):
    """A sorted tuple of the non-negative dims a reduction runs over (None or [] means all)."""
    if dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0):
        return tuple(range(ndim))
    if isinstance(dim, (str, bool)) or not isinstance(dim, (int, list, tuple)):
        raise TypeError(f"{name}(): argument 'dim' must be int or tuple of ints, not {type(dim).__name__}")
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    wrapped = tuple(sorted(_wrap_dim(d, ndim, name) for d in dims))
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError(f"{name}: dim {wrapped} appears multiple times in the list of dims")
    return wrapped if ndim else ()


def _count(shape, dims):
    count = 1
    for d in dims:
        count *= shape[d]
    return count


def _kept(g, input_shape, dims, keepdim):
    """A reduced result reshaped to keepdim form (size 1 in the reduced dims), ready to broadcast."""
    if keepdim or len(input_shape) == 0:
        return g
    return g.reshape([1 if i in dims else extent for i, extent in enumerate(input_shape)])


def _expand_back(g, input_shape, dims, keepdim):
    """The gradient of a reduction, broadcast back over the reduced dims."""
    return _kept(g, input_shape, dims, keepdim).expand(input_shape)


def _reduction_dtype(a, dtype):
    """torch's sum/prod/cumsum result dtype: bool and integers accumulate in int64 unless dtype= says."""
    if dtype is not None:
        return dtype
    return _dtype.int64 if a.dtype.kind in "biu" else _dtype.from_numpy_dtype(a.dtype)


def check_autograd_dtype(input, dtype):
    """torch refuses an integer dtype= on an input that requires grad (the result could not carry a gradient)."""
    if dtype is not None and not dtype.is_floating_point and grad_mode.state.enabled and input.requires_grad:
        raise RuntimeError(f"Autograd not support dtype: {_dtype.scalar_type_name(dtype)}")


# ---------------------------------------------------------------- sum / mean / nansum / nanmean

def _accumulate(numpy_reduction, a, dims, keepdim, dtype):
    """sum/nansum/prod's kernel: reduce in the result dtype (dtype=, else int64 for bool and integers)."""
    if numpy_reduction is np.sum and a.dtype == np.bool_ and dtype is None and dims != ():
        # counting a mask (tie counts in max/amax gradients): no int64 copy of the mask's size
        return np.asarray(np.count_nonzero(a, axis=dims, keepdims=keepdim), dtype=np.int64)
    dtype = _reduction_dtype(a, dtype)
    # torch casts the input to dtype first (sum([1.5, 2.5], dtype=int32) is 3); half types accumulate in float32
    values = a.astype(compute_numpy_type(dtype), copy=False)
    return numpy_reduction(values, axis=dims, keepdims=keepdim).astype(dtype.numpy_type, copy=False)


@op("sum", promotion=RAW, saves=("a.shape", "dims", "keepdim"))
def _sum(a, dims=(), keepdim=False, dtype=None):
    return _accumulate(np.sum, a, dims, keepdim, dtype)


@_sum.vjp
def _(g, a_shape, dims, keepdim):
    return _expand_back(g, a_shape, dims, keepdim)


@public(method=True)
def sum(input, dim=None, keepdim=False, *, dtype=None):
    check_autograd_dtype(input, dtype)
    return _sum(input, dims=reduced_dims(dim, input.ndim, "sum"), keepdim=keepdim, dtype=dtype)


@op("mean", promotion=RAW, saves=("a.shape", "dims", "keepdim"))
def _mean(a, dims=(), keepdim=False, dtype=None):
    result_dtype = dtype or _dtype.from_numpy_dtype(a.dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.mean(a, axis=dims, dtype=compute_numpy_type(result_dtype), keepdims=keepdim)
    return np.asarray(mean).astype(result_dtype.numpy_type, copy=False)


@_mean.vjp
def _(g, a_shape, dims, keepdim):
    return _expand_back(g, a_shape, dims, keepdim) / _count(a_shape, dims)  # expand first: empty input, empty grad


def _check_mean_dtype(input, dtype, name):
    if dtype is not None and not dtype.is_floating_point:
        raise RuntimeError(f"{name}(): could not infer output dtype. Optional dtype must be either a floating point "
                           f"or complex dtype. Got: {_dtype.scalar_type_name(dtype)}")
    if dtype is None and not input.dtype.is_floating_point:
        raise RuntimeError(f"{name}(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {_dtype.scalar_type_name(input.dtype)}")


@public(method=True)
def mean(input, dim=None, keepdim=False, *, dtype=None):
    _check_mean_dtype(input, dtype, "mean")
    return _mean(input, dims=reduced_dims(dim, input.ndim, "mean"), keepdim=keepdim, dtype=dtype)


@op("nansum", promotion=RAW, saves=("a", "dims", "keepdim"))
def _nansum(a, dims=(), keepdim=False, dtype=None):
    return _accumulate(np.nansum, a, dims, keepdim, dtype)


@_nansum.vjp
def _(g, a, dims, keepdim):
    # torch multiplies by the not-NaN mask (not a select): nanmean of all-NaN slices gets NaN gradients
    return _expand_back(g, a.shape, dims, keepdim) * (a == a)


@public(method=True)
def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """sum with NaN counted as zero."""
    check_autograd_dtype(input, dtype)
    return _nansum(input, dims=reduced_dims(dim, input.ndim, "nansum"), keepdim=keepdim, dtype=dtype)


@public(method=True)
def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """torch's own definition: nansum divided by the count of non-NaN elements."""
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{_dtype.scalar_type_name(input.dtype)}")
    return nansum(input, dim, keepdim, dtype=dtype) / sum(input == input, dim, keepdim)


# ---------------------------------------------------------------- var / std

def _variance(a, dims, correction, keepdim):
    # torch accumulates var/std in double (Welford) for every floating dtype, then rounds once
    values = a.astype(np.float64)
    count = _count(a.shape, dims)
    with np.errstate(invalid="ignore", divide="ignore"):
        centered = values - np.mean(values, axis=dims, keepdims=True) if values.size else values
        squares = np.sum(centered * centered, axis=dims, keepdims=keepdim)
        # torch divides by max(0, N - correction): inf (or nan for 0/0) when correction >= N
        return squares / builtins.max(count - correction, 0)


@op("var", promotion=RAW, saves=("a", "dims", "correction", "keepdim", "full"))
def _var(a, dims=(), correction=1, keepdim=False, full=False):
    return _variance(a, dims, correction, keepdim).astype(a.dtype)


@op("std", promotion=RAW, saves=("a", "result", "dims", "correction", "keepdim", "full"))
def _std(a, dims=(), correction=1, keepdim=False, full=False):
    return np.sqrt(_variance(a, dims, correction, keepdim)).astype(a.dtype)


def _var_backward(g, a, dims, correction, keepdim, full):
    """torch's var_backward, including its two answers when correction >= N."""
    dof = _count(a.shape, dims) - correction
    centered = a - mean(a, dims, keepdim=True)
    if full and dof <= 0:
        # dim=None (or a 0-d input): 2 / 0 is infinite, and infinity * 0 is NaN where an element equals the mean
        return g * where(centered == 0, math.nan, math.inf)
    # with a dim, torch uses 2 / (N - correction) as is: infinite at 0, negative past it
    scale = 2.0 / dof if dof != 0 else math.inf
    return scale * _kept(g, a.shape, dims, keepdim) * centered


@_var.vjp
def _(g, a, dims, correction, keepdim, full):
    return _var_backward(g, a, dims, correction, keepdim, full)


@_std.vjp
def _(g, a, out, dims, correction, keepdim, full):
    # torch zeroes the gradient where the std is 0 (a constant slice) instead of dividing by it
    g = where(out == 0, 0.0, g / (2 * out))
    return _var_backward(g, a, dims, correction, keepdim, full)


def _var_arguments(input, dim, unbiased, correction, name):
    """(dims, correction, full) from torch's overloads: var(x, unbiased), var(x, dim, unbiased, keepdim) and
    var(x, dim, *, correction, keepdim)."""
    if isinstance(dim, bool):  # var(x, True): the positional `unbiased` overload over every element
        if unbiased is not None:
            raise TypeError(f"{name}() received an invalid combination of arguments: unbiased given twice")
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got both unbiased and correction")
    if isinstance(correction, bool) or not isinstance(correction, (int, float, type(None))):
        raise TypeError(f"{name}(): argument 'correction' must be Number, not {type(correction).__name__}")
    if correction is None:
        correction = 0 if unbiased is False else 1
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"{name}(): std and var only support floating point and complex dtypes, "
                           f"got {_dtype.scalar_type_name(input.dtype)}")
    if isinstance(dim, (list, tuple)):   # torch's var/std wrap and check one dim at a time: (0, 0, 9) is a duplicate
        seen = []
        for d in dim:
            seen.append(_wrap_dim(d, input.ndim, name))
            if seen[-1] in seen[:-1]:
                raise RuntimeError(f"dim {seen[-1]} appears multiple times in the list of dims")
    return reduced_dims(dim, input.ndim, name), correction, dim is None or input.ndim == 0


@public(method=True)
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    dims, correction, full = _var_arguments(input, dim, unbiased, correction, "var")
    return _var(input, dims=dims, correction=correction, keepdim=keepdim, full=full)


@public(method=True)
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    dims, correction, full = _var_arguments(input, dim, unbiased, correction, "std")
    return _std(input, dims=dims, correction=correction, keepdim=keepdim, full=full)


@public()
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    variance = var(input, dim, unbiased, keepdim, correction=correction)
    return variance, mean(input, None if isinstance(dim, bool) else dim, keepdim)


@public()
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    deviation = std(input, dim, unbiased, keepdim, correction=correction)
    return deviation, mean(input, None if isinstance(dim, bool) else dim, keepdim)


# ---------------------------------------------------------------- prod

@op("prod", promotion=RAW, saves=("a", "result", "dims", "keepdim"))
def _prod(a, dims=(), keepdim=False, dtype=None):
    return _accumulate(np.prod, a, dims, keepdim, dtype)


@_prod.vjp
def _(g, a, out, dims, keepdim):
    if a.ndim == 0:
        return g
    g, out = _kept(g, a.shape, dims, keepdim), _kept(out, a.shape, dims, keepdim)
    if not bool((a == 0).any()):
        return g * (out / a)  # torch's formula while no element is zero
    if len(dims) == 1:
        return g * product_of_others(a, dims[0])
    return g * product_of_others(a.reshape(-1), 0).reshape(a.shape)


def product_of_others(a, dim):
    """For each element, the product of the other elements of its slice along dim: prod's gradient where the
    slice holds zeros (one zero: only it gets a gradient; two: none does). Differentiable, for double backward."""
    extent = a.shape[dim]
    moved = a.movedim(dim, -1)
    rows = moved.unsqueeze(-2).expand(*moved.shape[:-1], extent, extent)  # rows[..., k, j] = a[..., j]
    diagonal = tensor(np.eye(extent, dtype=bool))
    return prod(where(diagonal, 1.0, rows), -1).movedim(-1, dim)


@public(method=True)
def prod(input, dim=None, keepdim=False, *, dtype=None):
    if dim is not None and (isinstance(dim, bool) or not isinstance(dim, int)):
        raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__}")
    check_autograd_dtype(input, dtype)
    if dim is None:
        return _prod(input, dims=tuple(range(input.ndim)), keepdim=False, dtype=dtype)
    wrapped = _wrap_dim(dim, input.ndim, "prod")   # validated on 0-d tensors too: only -1 and 0 are in range
    dims = (wrapped,) if input.ndim else ()
    return _prod(input, dims=dims, keepdim=keepdim, dtype=dtype)


# ---------------------------------------------------------------- max / min / amax / amin

def _check_nonempty(input, name, dims=None, error=RuntimeError):
    """torch refuses to reduce an empty dim with an operation that has no identity."""
    if dims is None:
        if input.numel() == 0:
            raise error(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                        "reduction dim with the 'dim' argument.")
        return
    for d in dims:
        if input.ndim and input.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


@op("max_all", promotion=RAW, saves=("a", "result"))
def _max_all(a):
    return np.max(a)


@op("min_all", promotion=RAW, saves=("a", "result"))
def _min_all(a):
    return np.min(a)


def _evenly_distribute(g, a, out):
    # torch's full max()/min() share the gradient evenly among tied extrema; a NaN result among the input's NaNs
    hits = a.isnan() if bool(out.isnan()) else a == out
    return where(hits, g / hits.sum(), g.new_zeros(()))


_max_all.vjp(_evenly_distribute)
_min_all.vjp(_evenly_distribute)


def _select_along(a, dim, keepdim, arg_function):
    if a.ndim == 0:
        return a.copy(), np.zeros((), np.int64)
    indices = arg_function(a, axis=dim, keepdims=True)  # the first of tied extrema, as torch picks
    values = np.take_along_axis(a, indices, axis=dim)
    if not keepdim:
        values, indices = values.squeeze(dim), indices.squeeze(dim)
    return values, indices.astype(np.int64)


@op("max_dim", promotion=RAW, extra_outputs=("indices",), saves=("a", "dim", "keepdim"))
def _max_dim(a, dim=0, keepdim=False):
    return _select_along(a, dim, keepdim, np.argmax)


@op("min_dim", promotion=RAW, extra_outputs=("indices",), saves=("a", "dim", "keepdim"))
def _min_dim(a, dim=0, keepdim=False):
    return _select_along(a, dim, keepdim, np.argmin)


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


def _extremum(input, dim, keepdim, name, elementwise, full_op, dim_op, result_type):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({type(input).__name__}, ...), "
                        f"but expected (Tensor input) or (Tensor input, Tensor other) or (Tensor input, int dim)")
    if isinstance(dim, Tensor):  # max(input, other) is the elementwise maximum
        return elementwise(input, dim)
    if dim is None:
        _check_nonempty(input, name)
        return full_op(input)
    dim = _wrap_dim(dim, input.ndim, name)
    _check_nonempty(input, name, (dim,))
    values, indices = dim_op(input, dim=dim, keepdim=keepdim)
    return result_type(values, indices)


@public(method=True)
def max(input, dim=None, keepdim=False, *, out=None):
    """torch.max: the full maximum, (values, indices) along `dim`, or the elementwise maximum with a tensor."""
    return _extremum(input, dim, keepdim, "max", maximum, _max_all, _max_dim, _MaxResult)


@public(method=True)
def min(input, dim=None, keepdim=False, *, out=None):
    return _extremum(input, dim, keepdim, "min", minimum, _min_all, _min_dim, _MinResult)


@op("amax", promotion=RAW, saves=("a", "result", "dims", "keepdim"))
def _amax(a, dims=(), keepdim=False):
    return np.amax(a, axis=dims, keepdims=keepdim)


@op("amin", promotion=RAW, saves=("a", "result", "dims", "keepdim"))
def _amin(a, dims=(), keepdim=False):
    return np.amin(a, axis=dims, keepdims=keepdim)


def _share_among_ties(g, a, out, dims, keepdim):
    # amax/amin (unlike max(dim)) split the gradient evenly among the tied extrema of a slice; as torch's
    # scale_grad_by_count, (grad / count) * mask: a slice whose extremum is NaN (no element equals it) is NaN throughout
    hits = a == _kept(out, a.shape, dims, keepdim)
    return _kept(g, a.shape, dims, keepdim) / hits.sum(dims, keepdim=True) * hits


_amax.vjp(_share_among_ties)
_amin.vjp(_share_among_ties)


def _amax_amin(input, dim, keepdim, name, kernel):
    if isinstance(dim, (list, tuple)) and len(dim) > 1:   # torch checks every dim's size before duplicates
        _check_nonempty(input, name, [_wrap_dim(d, input.ndim, name) for d in dim])
    dims = reduced_dims(dim, input.ndim, name)
    _check_nonempty(input, name, None if dim is None or dim == () or dim == [] else dims)
    return kernel(input, dims=dims, keepdim=keepdim)


def _extremum_out(result, input, out):
    if out is None:
        return result
    from .inplace import write_out_checked
    # torch's amax/amin check no overlap, only the dtype
    return write_out_checked(out, result, None, f"Expected the dtype for input and out to match, but got "
                                                f"{_dtype.scalar_type_name(input.dtype)} for input's dtype and "
                                                f"{_dtype.scalar_type_name(out.dtype)} for out's dtype.")


@public(method=True)
def amax(input, dim=(), keepdim=False, *, out=None):
    return _extremum_out(_amax_amin(input, dim, keepdim, "amax", _amax), input, out)


@public(method=True)
def amin(input, dim=(), keepdim=False, *, out=None):
    return _extremum_out(_amax_amin(input, dim, keepdim, "amin", _amin), input, out)


def _arg_extremum(a, dim, keepdim, arg_function):
    if dim is None:
        index = arg_function(a)
        return np.asarray(index, np.int64).reshape((1,) * a.ndim if keepdim else ())
    if a.ndim == 0:
        return np.zeros((), np.int64)
    return arg_function(a, axis=dim, keepdims=keepdim).astype(np.int64)


@op("argmax", promotion=RAW, nondifferentiable="int64 indices")
def _argmax(a, dim=None, keepdim=False):
    return _arg_extremum(a, dim, keepdim, np.argmax)


@op("argmin", promotion=RAW, nondifferentiable="int64 indices")
def _argmin(a, dim=None, keepdim=False):
    return _arg_extremum(a, dim, keepdim, np.argmin)


def _arg_function(input, dim, keepdim, name, kernel):
    if dim is not None and (isinstance(dim, bool) or not isinstance(dim, (int, np.integer))):
        # torch's argument parser runs before the dtype check
        raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")
    if input.dtype is _dtype.bool:
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        _check_nonempty(input, name, error=IndexError)
    else:
        dim = _wrap_dim(dim, input.ndim, name)
        _check_nonempty(input, name, (dim,))
    return kernel(input, dim=dim, keepdim=keepdim)


@public(method=True)
def argmax(input, dim=None, keepdim=False):
    return _arg_function(input, dim, keepdim, "argmax", _argmax)


@public(method=True)
def argmin(input, dim=None, keepdim=False):
    return _arg_function(input, dim, keepdim, "argmin", _argmin)


# ---------------------------------------------------------------- logsumexp

@op("logsumexp", promotion=RAW, saves=("a", "result", "dims", "keepdim"))
def _logsumexp(a, dims=(), keepdim=False):
    result_type = a.dtype if a.dtype.kind == "f" or a.dtype.name == "bfloat16" else \
        _dtype.get_default_dtype().numpy_type  # integers and bool give the default float dtype
    compute_type = compute_numpy_type(_dtype.from_numpy_dtype(np.dtype(result_type)))

    def rounded(x):  # torch's half kernels round every intermediate to the half type
        return np.asarray(x).astype(result_type).astype(compute_type, copy=False)
    a = a.astype(compute_type)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if a.size == 0:
            return np.log(np.sum(np.exp(a), axis=dims, keepdims=keepdim)).astype(result_type)
        # subtract the slice's max before exp; an infinite max is replaced by 0 (as torch does) so that an
        # all -inf slice gives -inf and a +inf element gives +inf rather than NaN
        maxes = np.amax(a, axis=dims, keepdims=True)
        maxes = np.where(np.isinf(maxes), 0, maxes)
        total = rounded(np.sum(rounded(np.exp(rounded(a - maxes))), axis=dims, keepdims=keepdim))
        result = rounded(np.log(total)) + (maxes if keepdim else np.squeeze(maxes, axis=dims))
    return result.astype(result_type)


@_logsumexp.vjp
def _(g, a, out, dims, keepdim):
    return _kept(g, a.shape, dims, keepdim) * exp(a - _kept(out, a.shape, dims, keepdim))


@public(method=True)
def logsumexp(input, dim, keepdim=False):
    if isinstance(dim, (list, tuple)) and len(dim) == 0 and not keepdim and input.ndim and input.numel():
        # torch reduces over every dim, subtracts the kept max, and its result cannot take that shape back
        raise RuntimeError(f"output with shape [] doesn't match the broadcast shape {[1] * input.ndim}")
    return _logsumexp(input, dims=reduced_dims(dim, input.ndim, "logsumexp"), keepdim=keepdim)


# ---------------------------------------------------------------- norm (linalg.vector_norm)

@op("linalg_vector_norm", promotion=RAW, saves=("a", "result", "ord", "dims", "keepdim"))
def _vector_norm(a, ord=2.0, dims=(), keepdim=False, dtype=None, single_as_abs=True):
    result_dtype = dtype or _dtype.from_numpy_dtype(a.dtype)
    magnitudes = np.abs(a.astype(compute_numpy_type(result_dtype)))
    reduce = dict(axis=dims, keepdims=keepdim)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        if ord == 0:
            result = np.sum(magnitudes != 0, **reduce)
        elif _count(a.shape, dims) == 1 and single_as_abs:
            # one element per output: torch returns |a| as is, where squaring would underflow (|6e-37| in float32);
            # not for a 0-d tensor with an explicit dim, which torch sends through the squares (and underflows)
            result = np.sum(magnitudes, **reduce)
        elif ord == math.inf:
            result = np.amax(magnitudes, **reduce)
        elif ord == -math.inf:
            result = np.amin(magnitudes, **reduce)
        elif ord == 1:
            result = np.sum(magnitudes, **reduce)
        elif ord == 2:
            result = np.sqrt(np.sum(magnitudes * magnitudes, **reduce))
        else:
            result = np.sum(magnitudes ** ord, **reduce) ** (1.0 / ord)
    return np.asarray(result).astype(result_dtype.numpy_type)


@_vector_norm.vjp
def _(g, a, out, ord, dims, keepdim):
    """torch's norm_backward, case by case (p = 0 has no gradient: torch returns None)."""
    g, norm = _kept(g, a.shape, dims, keepdim), _kept(out, a.shape, dims, keepdim)
    if ord == 0:
        return None
    if ord == 1:
        return a.sign() * g
    if ord == 2:
        return g * where(norm == 0, 0.0, a / norm)  # 0 at a zero vector, as torch
    if math.isinf(ord):
        magnitudes = a.abs()
        hits = logical_or(magnitudes == norm, magnitudes != magnitudes)
        return a.sign() * where(hits, g / hits.sum(dims, keepdim=True), 0.0)
    if ord < 1:
        scaled = a.sign() * where(a == 0, 0.0, a.abs() ** (ord - 1))
        return scaled * g * norm ** (1 - ord)
    scaled = a.sign() * a.abs() ** (ord - 1) if ord < 2 else a * a.abs() ** (ord - 2)
    return scaled * where(norm == 0, 0.0, g / norm ** (ord - 1))


def check_norm_dtype(name, input_dtype, dtype):
    """torch's check_linalg_norm_dtype: a dtype= the input's dtype converts to without narrowing."""
    if dtype is not None and _dtype.promote_types(input_dtype, dtype) is not dtype:
        raise RuntimeError(f"{name}: the dtype of the input ({_dtype.scalar_type_name(input_dtype)}) should be "
                           f"convertible without narrowing to the specified dtype ({_dtype.scalar_type_name(dtype)})")


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """torch.linalg.vector_norm."""
    if not isinstance(ord, (int, float, np.number)) and not (isinstance(ord, Tensor) and ord.ndim == 0):
        # torch's argument parser, before any check of the input: ord is a Scalar (a number or a 0-d tensor)
        raise TypeError(f"linalg_vector_norm(): argument 'ord' (position 2) must be Number, not {type(ord).__name__}")
    ord = ord.item() if isinstance(ord, Tensor) else ord
    if not x.dtype.is_floating_point:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                           f"Got {_dtype.scalar_type_name(x.dtype)}")
    check_norm_dtype("linalg.vector_norm", x.dtype, dtype)
    dims = reduced_dims(dim, x.ndim, "linalg.vector_norm")
    if ord < 0 or math.isinf(ord):
        label = f"{ord:g}" if isinstance(ord, float) else ord
        if dim is None and x.numel() == 0:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {label} norm on an empty tensor because "
                               "the operation does not have an identity")
        for d in dims:
            if x.shape[d] == 0:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {label} norm on the dimension {d} "
                                   "because this dimension is empty and the operation does not have an identity")
    explicit_dim = dim is not None and not (isinstance(dim, (list, tuple)) and len(dim) == 0)
    return _vector_norm(x, ord=ord, dims=dims, keepdim=keepdim, dtype=dtype,
                        single_as_abs=not (x.ndim == 0 and explicit_dim))


@public()
def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """torch.norm: every vector p-norm ('fro' over at most two dims is the 2-norm), as torch routes it."""
    from .linalg import _with_out
    if isinstance(p, str):
        if p == "fro" and (dim is None or isinstance(dim, int) or len(dim) <= 2):
            return _with_out(vector_norm(input, 2, dim, keepdim, dtype=dtype), out)
        from .linalg_svd import matrix_norm   # the nuclear norm and the refused orders, as torch routes them
        return matrix_norm(input, p, list(range(input.ndim)) if dim is None else dim, keepdim, dtype=dtype, out=out)
    return _with_out(vector_norm(input, 2 if p is None else p, dim, keepdim, dtype=dtype), out)


@public("norm", function=False, method=True)
def norm_method(input, p="fro", dim=None, keepdim=False, dtype=None):
    """Tensor.norm: dtype is its fifth positional parameter, where torch.norm has out."""
    return norm(input, p, dim, keepdim, dtype=dtype)


# ---------------------------------------------------------------- dist / cdist / renorm (composites of norms)

@public(method=True)
def dist(input, other, p=2):
    """The p-norm of input - other (torch's at::norm of the difference, and its norm_backward)."""
    difference = input - other
    if not difference.dtype.is_floating_point:
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                           f"{_dtype.scalar_type_name(difference.dtype)} instead.")
    return vector_norm(difference, p)


_CDIST_MODES = {"use_mm_for_euclid_dist_if_necessary": 0, "use_mm_for_euclid_dist": 1,
                "donot_use_mm_for_euclid_dist": 2}


@public()
def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """Distances between the rows of x1 and x2 (batch dims broadcast). For p=2 torch takes the matmul form
    (|a|^2 - 2 a.b + |b|^2, clamped at 0) when asked, or by default when either side has more than 25 rows, and
    the direct one otherwise; both are written as torch writes them, so their roundings are torch's."""
    if compute_mode not in _CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    mode = _CDIST_MODES[compute_mode]
    for name, x in (("X1", x1), ("X2", x2)):
        if x.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {x.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    for name, x in (("X1", x1), ("X2", x2)):
        if not x.dtype.is_floating_point:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: "
                               f"{_dtype.scalar_type_name(x.dtype)}")
    if x1.dtype is not x2.dtype:
        raise RuntimeError(f"cdist only supports floating-point dtypes, X2 got: {_dtype.scalar_type_name(x2.dtype)}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    rows1, rows2 = x1.shape[-2], x2.shape[-2]
    batch = tuple(broadcast_shapes(x1.shape[:-2], x2.shape[:-2]))
    x1 = x1.expand(*batch, *x1.shape[-2:])
    x2 = x2.expand(*batch, *x2.shape[-2:])
    if x1.numel() and x2.numel() and p == 2 and (mode == 1 or (mode == 0 and (rows1 > 25 or rows2 > 25))):
        # torch's _euclidean_dist
        x1_norm = x1.pow(2).sum(-1, True)
        x2_norm = x2.pow(2).sum(-1, True)
        x1_ = cat([x1.mul(-2), x1_norm, ones_like(x1_norm)], -1)
        x2_ = cat([x2, ones_like(x2_norm), x2_norm], -1)
        return x1_.matmul(x2_.mT).clamp_min(0).sqrt()
    difference = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    if x1.shape[-1] == 0:
        return zeros((*batch, rows1, rows2), dtype=x1.dtype)
    distances = vector_norm(difference, p, -1)
    if p == 0:
        # torch's _cdist_backward gives p = 0 a zero gradient where vector_norm's has none: a term that is zero
        # (even at inf and NaN differences) and whose gradient is zero ties the inputs in
        distances = distances + where(zeros_like(difference, dtype=_dtype.bool), difference, 0.0).sum(-1)
    return distances


@public(method=True, inplace=True)
def renorm(input, p, dim, maxnorm):
    """Each slice along dim rescaled to p-norm maxnorm where it exceeds it (factor maxnorm / (norm + 1e-7), as
    torch's renorm_scale_factor); the gradient through the norm is torch's renorm_backward."""
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {float(maxnorm):g}")
    if input.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} dimensions")
    dim = _wrap_dim(dim, input.ndim, "renorm")
    others = [d for d in range(input.ndim) if d != dim]
    # torch's norm, factor and product are float32 for half inputs, rounded once (its backward too)
    half = input.dtype in (_dtype.float16, _dtype.bfloat16)
    values = input.float() if half else input
    norm = vector_norm(values, p, others, True)
    factor = where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)
    result = values * factor
    return result.to(input.dtype) if half else result


# ---------------------------------------------------------------- all / any (not differentiable)

def _logical_reduction(a, function, dims, keepdim):
    result = function(a, axis=dims, keepdims=keepdim)
    return result.astype(np.uint8) if a.dtype == np.uint8 else result  # torch keeps uint8 for uint8 input


@op("all", promotion=RAW, nondifferentiable="a bool result")
def _all(a, dims=(), keepdim=False):
    return _logical_reduction(a, np.all, dims, keepdim)


@op("any", promotion=RAW, nondifferentiable="a bool result")
def _any(a, dims=(), keepdim=False):
    return _logical_reduction(a, np.any, dims, keepdim)


def _reduces_nothing(dim):
    """all/any with dim=() reduce over no dim in torch (not over every dim, as sum does): x != 0, elementwise."""
    return isinstance(dim, (list, tuple)) and len(dim) == 0


@public(method=True)
def all(input, dim=None, keepdim=False):
    if _reduces_nothing(dim):
        return _all(input.unsqueeze(-1), dims=(input.ndim,), keepdim=False)
    return _all(input, dims=reduced_dims(dim, input.ndim, "all"), keepdim=keepdim)


@public(method=True)
def any(input, dim=None, keepdim=False):
    if _reduces_nothing(dim):
        return _any(input.unsqueeze(-1), dims=(input.ndim,), keepdim=False)
    return _any(input, dims=reduced_dims(dim, input.ndim, "any"), keepdim=keepdim)


# ---------------------------------------------------------------- sum_to_size

@op("sum_to_size", promotion=RAW, saves=("a.shape",))
def _sum_to_size(a, shape=()):
    leading = a.ndim - len(shape)
    dims = tuple(range(leading)) + tuple(leading + i for i, extent in enumerate(shape)
                                         if extent == 1 and a.shape[leading + i] != 1)
    if a.dtype.kind in "biu":   # bool and integers sum into int64, as sum does
        return np.sum(a, axis=dims, keepdims=True, dtype=np.int64).reshape(shape)
    accumulate = compute_numpy_type(_dtype.from_numpy_dtype(a.dtype))  # half types (bfloat16 too) sum in float32
    result = np.sum(a, axis=dims, keepdims=True, dtype=accumulate) if dims else a
    return result.reshape(shape).astype(a.dtype, copy=False)


@_sum_to_size.vjp
def _(g, a_shape):
    return g.expand(a_shape)


@public(function=False, method=True)
def sum_to_size(input, *size):
    shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)
    if not _expandable(shape, input.shape):
        raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size {{{list(input.shape)}}}.")
    if tuple(input.shape) == shape and shape:   # torch's sum_to sums a 0-d target even when nothing reduces
        return input
    return _sum_to_size(input, shape=shape)


def _expandable(shape, target):
    if len(shape) > len(target):
        return False
    return builtins.all(s == t or s == 1 for s, t in zip(reversed(shape), reversed(target)))


from .elementwise import exp, logical_or, maximum, minimum, where  # noqa: E402
from ..creation import arange, ones_like, tensor, zeros, zeros_like  # noqa: E402
from .joining import cat  # noqa: E402
from .views import broadcast_shapes  # noqa: E402
