"""Scans, sorting and searching: cumsum, cumprod, logcumsumexp, diff, gradient, trapezoid/trapz/cumulative_trapezoid,
sort, argsort, topk, searchsorted, bucketize, unique, unique_consecutive, isin.

sort and topk are an index kernel (not differentiable) followed by `values_at_indices`, whose gradient scatters
back to the chosen positions: torch's gradient for both.
"""
import builtins
import functools
import math

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._registry import RAW, compute_numpy_type, op, promoted_dtype
from ._surface import public
from .inplace import apply_inplace
from ._stl_order import sort_order, topk_order
from .reduction import _reduction_dtype, check_autograd_dtype, return_type

_BFLOAT16 = _dtype.bfloat16.numpy_type

_SortResult, _TopkResult = return_type("sort"), return_type("topk")


# ---------------------------------------------------------------- cumsum / cumprod

@op("cumsum", promotion=RAW, saves=("dim", "reverse"))
def _cumsum(a, dim=0, reverse=False, dtype=None):
    """Inclusive running sum along dim; `reverse` runs from the end (the gradient of the forward scan)."""
    dtype = _reduction_dtype(a, dtype)
    values = a.astype(compute_numpy_type(dtype), copy=False)
    if values.ndim == 0:
        return values.astype(dtype.numpy_type)
    if reverse:
        return np.flip(np.cumsum(np.flip(values, dim), axis=dim), dim).astype(dtype.numpy_type)
    return np.cumsum(values, axis=dim).astype(dtype.numpy_type, copy=False)


@_cumsum.vjp
def _(g, dim, reverse):
    return _cumsum(g, dim=dim, reverse=not reverse)


@public(method=True)
def cumsum(input, dim, *, dtype=None):
    check_autograd_dtype(input, dtype)
    _check_scan_result_dtype(input, dtype, "cumsum")
    return _cumsum(input, dim=_wrap_dim(dim, input.ndim, "cumsum"), dtype=dtype)


@op("cumprod", promotion=RAW, saves=("a", "result", "dim"))
def _cumprod(a, dim=0, dtype=None):
    dtype = _reduction_dtype(a, dtype)
    values = a.astype(compute_numpy_type(dtype), copy=False)
    if values.ndim == 0:
        return values.astype(dtype.numpy_type)
    return np.cumprod(values, axis=dim).astype(dtype.numpy_type, copy=False)


@_cumprod.vjp
def _(g, a, out, dim):
    if a.ndim == 0 or a.shape[dim] <= 1:
        return g
    if not bool((a == 0).any()):
        return _cumsum(g * out, dim=dim, reverse=True) / a  # torch's formula while no element is zero
    return _cumprod_backward_with_zeros(g, a, dim)


def _cumprod_backward_with_zeros(g, a, dim):
    """d/da_k of sum_i g_i prod_{j<=i} a_j = sum_{i>=k} g_i prod_{j<=i, j!=k} a_j, with no division (torch's
    masked algorithm for zeros). Built from cumprod itself, so it is differentiable again."""
    extent = a.shape[dim]
    moved, g_moved = a.movedim(dim, -1), g.movedim(dim, -1)
    rows = moved.unsqueeze(-2).expand(*moved.shape[:-1], extent, extent)  # rows[..., k, j] = a[..., j]
    others = _cumprod(where(tensor(np.eye(extent, dtype=bool)), 1.0, rows), dim=rows.ndim - 1)
    later = tensor(np.triu(np.ones((extent, extent), dtype=bool)))       # [k, i]: i >= k
    return where(later, others * g_moved.unsqueeze(-2), 0.0).sum(-1).movedim(-1, dim)


@public(method=True)
def cumprod(input, dim, *, dtype=None):
    check_autograd_dtype(input, dtype)
    _check_scan_result_dtype(input, dtype, "cumprod")
    return _cumprod(input, dim=_wrap_dim(dim, input.ndim, "cumprod"), dtype=dtype)


@op("logcumsumexp", promotion=RAW, saves=("a", "result", "dim"))
def _logcumsumexp(a, dim=0):
    """log(cumsum(exp(a))) without overflow: a running logaddexp carried in torch's CPU accumulation type (double
    for float32 and float64, float for the half types), each running value rounded to the input's dtype."""
    values = a.astype(np.float32 if a.dtype.itemsize == 2 else np.float64, copy=False)
    if values.ndim == 0:
        return values.astype(a.dtype)
    with np.errstate(invalid="ignore"):
        return np.logaddexp.accumulate(values, axis=dim).astype(a.dtype, copy=False)


@_logcumsumexp.vjp
def _(g, a, out, dim):
    """torch's logcumsumexp_backward: sum_{i>=k} g_i exp(a_k - out_i), with the positive and negative parts of g
    summed apart in log space (a reversed logcumsumexp), so nothing overflows."""
    if a.ndim == 0:
        return g
    lowest = float(_dtype.finfo(g.dtype).min)
    log_magnitude = g.abs().log()
    log_positive = where(g > 0, log_magnitude, lowest)
    log_negative = where(g < 0, log_magnitude, lowest)

    def reversed_scan(x):
        return _logcumsumexp(x.flip(dim), dim=dim).flip(dim)

    return (reversed_scan(log_positive - out) + a).exp() - (reversed_scan(log_negative - out) + a).exp()


@public(method=True)
def logcumsumexp(input, dim, *, out=None):
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for "
                                  f"'{_dtype.scalar_type_name(input.dtype)}'")
    return _with_out(_logcumsumexp(input, dim=_wrap_dim(dim, input.ndim, "logcumsumexp")), out)


def _check_scan_result_dtype(input, dtype, name):
    """torch's cumsum/cumprod kernels have no Bool result (a bool input scans in int64; dtype=bool is refused), but
    0-d and empty inputs never reach the kernel."""
    if dtype is _dtype.bool and input.ndim and input.numel():
        raise NotImplementedError(f"\"{name}_out_cpu\" not implemented for 'Bool'")


def _scan_inplace(input, dim, dtype, name, function):
    """cumsum_/cumprod_: torch runs the scan in self's dtype (int8 wraps in int8)."""
    if dtype is not None and dtype is not input.dtype:
        raise RuntimeError(f"{name}_: Bad in-place call: input tensor dtype {_dtype.scalar_type_name(input.dtype)} and "
                           f"output tensor dtype {_dtype.scalar_type_name(dtype)} should match")
    _check_scan_result_dtype(input, input.dtype, name)
    return apply_inplace(input, function, f"{name}_", dim, dtype=input.dtype)


# Tensor.cumsum_/cumprod_ rather than inplace=True on cumsum/cumprod: the in-place scan runs in self's dtype
@public(function=False, method=True)
def cumsum_(input, dim, *, dtype=None):
    return _scan_inplace(input, dim, dtype, "cumsum", cumsum)


@public(function=False, method=True)
def cumprod_(input, dim, *, dtype=None):
    return _scan_inplace(input, dim, dtype, "cumprod", cumprod)


# ---------------------------------------------------------------- diff / trapezoid (composites of slices)

def _check_diff_operand(input, other, dim):
    if other is None:
        return
    if other.ndim != input.ndim:
        raise RuntimeError("diff expects prepend or append to be the same dimension as input")
    for axis in range(input.ndim):
        if axis != dim and other.shape[axis] != input.shape[axis]:
            raise RuntimeError(f"diff expects the shape of tensor to prepend or append to match that of input except "
                               f"along the differencing dimension; input.size({axis}) = {input.shape[axis]}, but got "
                               f"tensor.size({axis}) = {other.shape[axis]}")


@public(method=True)
def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The n-th forward difference along dim (xor for bool), after prepend/append; torch's diff_helper: n = 0
    copies the input (prepend and append ignored), and n stops at the dim's size."""
    if input.ndim < 1:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    dim = _wrap_dim(dim, input.ndim, "diff")
    _check_diff_operand(input, prepend, dim)
    _check_diff_operand(input, append, dim)
    if n == 0:
        return input.clone()
    values = cat([t for t in (prepend, input, append) if t is not None], dim) \
        if prepend is not None or append is not None else input
    length = values.shape[dim] - 1
    for _ in range(builtins.min(n, values.shape[dim])):
        later, earlier = values.narrow(dim, 1, length), values.narrow(dim, 0, length)
        values = logical_xor(later, earlier) if values.dtype is _dtype.bool else later - earlier
        length -= 1
    return values


def _edge_gradient(input, direction, spacing, edge_order):
    """torch's gradient_helper_float (a number spacing) and gradient_helper (coordinates) along one dim."""
    def part(start, stop=None):
        extent = input.shape[direction]
        start, stop = start % extent if start < 0 else start, extent if stop is None else stop % extent if stop < 0 \
            else stop
        return input.narrow(direction, start, stop - start)
    if not isinstance(spacing, Tensor):
        center = (part(2) - part(0, -2)) / spacing
        if edge_order == 1:
            prepend = (part(1, 2) - part(0, 1)) / spacing
            append = (part(-1) - part(-2, -1)) / spacing
        else:
            prepend = (-1.5 * part(0, 1) + 2 * part(1, 2) - 0.5 * part(2, 3)) / spacing
            append = (0.5 * part(-3, -2) - 2 * part(-2, -1) + 1.5 * part(-1)) / spacing
        return cat([prepend, center / 2, append], direction)
    if spacing.ndim != 1:
        raise RuntimeError(f"torch.gradient expected each element of spacing to have one dimension, but got an element "
                           f"with {spacing.ndim} dimensions!")
    shape = [1] * input.ndim
    shape[direction] = -1
    steps = spacing.diff(1, 0)
    dx1, dx2 = steps[:-1], steps[1:]
    a = (-dx2 / (dx1 * (dx1 + dx2))).reshape(shape)
    b = ((dx2 - dx1) / (dx1 * dx2)).reshape(shape)
    c = (dx1 / (dx2 * (dx1 + dx2))).reshape(shape)
    center = a * part(0, -2) + b * part(1, -1) + c * part(2)
    if edge_order == 1:
        prepend = (part(1, 2) - part(0, 1)) / steps[0]
        append = (part(-1) - part(-2, -1)) / steps[-1]
    else:
        a = -(2.0 * steps[0] + steps[1]) / (steps[0] * (steps[0] + steps[1]))
        b = (steps[0] + steps[1]) / (steps[0] * steps[1])
        c = (-steps[0]) / (steps[1] * (steps[0] + steps[1]))
        prepend = a * part(0, 1) + b * part(1, 2) + c * part(2, 3)
        a = steps[-1] / (steps[-2] * (steps[-1] + steps[-2]))
        b = -(steps[-1] + steps[-2]) / (steps[-1] * steps[-2])
        c = (2 * steps[-1] + steps[-2]) / (steps[-1] * (steps[-1] + steps[-2]))
        append = a * part(-3, -2) + b * part(-2, -1) + c * part(-1)
    return cat([prepend, center, append], direction)


@public()
def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """Second-order central differences inside, first- or second-order one-sided ones at the edges, per dim
    (spacing: a number, one per dim, or each dim's coordinates); torch's formulas, so its roundings."""
    dims = list(range(input.ndim)) if dim is None else ([dim] if isinstance(dim, int) else list(dim))
    spacing = 1 if spacing is None else spacing
    if isinstance(spacing, (list, tuple)):
        if len(spacing) != len(dims):
            if dim is None:
                raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or a list of length "
                                   f"{input.ndim} but got a list of length {len(spacing)}")
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar, or it's spacing and dim "
                               f"arguments to have the same length, but got a spacing argument of length "
                               f"{len(spacing)} and a dim argument of length {len(dims)}.")
        spacings = list(spacing)
    else:
        spacings = [spacing] * len(dims)
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    directions = [_wrap_dim(d, input.ndim, "gradient") for d in dims]
    if len(set(directions)) != len(directions):
        raise RuntimeError(f"dim {directions[-1]} appears multiple times in the list of dims")
    for direction in (directions if dim is not None else range(input.ndim)):
        if input.shape[direction] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    return tuple(_edge_gradient(input, direction, step, edge_order)
                 for direction, step in zip(directions, spacings))


def _sample_spacing(name, y, x, dim):
    """x viewed to broadcast against y's slices (torch's trapezoid/cumulative_trapezoid), and its differences."""
    if x.ndim == 1:
        if x.shape[0] != y.shape[dim]:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        shape = [1] * y.ndim
        shape[dim] = x.shape[0]
        x = x.view(shape)
    elif x.ndim < y.ndim:
        x = x.view([1] * (y.ndim - x.ndim) + list(x.shape))
    extent = x.shape[dim]
    return x.narrow(dim, 1, builtins.max(extent - 1, 0)) - x.narrow(dim, 0, builtins.max(extent - 1, 0))


def _trapezoid_arguments(name, y, x, dx):
    if x is not None and dx is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got (Tensor, Tensor, dx=...), but "
                        f"expected one of: (Tensor y, Tensor x, *, int dim = -1) or (Tensor y, *, Number dx = 1, "
                        f"int dim = -1)")
    if y.dtype is _dtype.bool or (x is not None and x.dtype is _dtype.bool):
        raise RuntimeError(f"{name}: received a bool input for `{'y' if y.dtype is _dtype.bool else 'x'}`, but bool "
                           f"is not supported")
    if isinstance(dx, bool):
        raise RuntimeError(f"{name}: Currently, we only support dx as a real number.")


@public("trapezoid")
def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The trapezoid rule along dim, in torch's arithmetic (sum minus half the ends, times dx; or the sum of
    (left + right) * dx over 2); zero samples integrate to zeros, as NumPy's."""
    dim = _wrap_dim(dim, y.ndim, "trapezoid")
    if y.shape[dim] == 0:
        return zeros([e for axis, e in enumerate(y.shape) if axis != dim], dtype=y.dtype)
    _trapezoid_arguments("trapezoid", y, x, dx)
    if x is None:
        dx = 1 if dx is None else dx
        return (y.sum(dim) - (y.select(dim, 0) + y.select(dim, -1)) * 0.5) * float(dx)
    extent = y.shape[dim]
    spacing = _sample_spacing("trapezoid", y, x, dim)
    return ((y.narrow(dim, 0, extent - 1) + y.narrow(dim, 1, extent - 1)) * spacing).sum(dim) / 2.0


@public()
def trapz(y, x=None, *, dx=None, dim=-1):
    return trapezoid(y, x, dx=dx, dim=dim)


@public()
def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    dim = _wrap_dim(dim, y.ndim, "cumulative_trapezoid")
    _trapezoid_arguments("cumulative_trapezoid", y, x, dx)
    extent = builtins.max(y.shape[dim] - 1, 0)
    pairs = y.narrow(dim, 0, extent) + y.narrow(dim, 1, extent)
    if x is None:
        return ((1 if dx is None else float(dx)) / 2.0 * pairs).cumsum(dim)
    return (pairs * _sample_spacing("cumulative_trapezoid", y, x, dim)).cumsum(dim) / 2.0


# ---------------------------------------------------------------- values at indices (sort/topk's gradient)

@op("values_at_indices", promotion=RAW, saves=("indices", "dim", "a.shape"))
def _values_at_indices(a, indices, dim=0):
    if a.ndim == 0:
        return a.copy()
    return np.take_along_axis(a, indices, axis=dim)


@_values_at_indices.vjp
def _(g, indices, dim, a_shape):
    return _scatter_to_indices(g, indices, dim=dim, shape=a_shape), None


@op("scatter_to_indices", promotion=RAW, saves=("indices", "dim"))
def _scatter_to_indices(g, indices, dim=0, shape=()):
    """Zeros of `shape` with g written at the (distinct) indices along dim."""
    if g.ndim == 0:
        return g.copy()
    result = np.zeros(shape, g.dtype)
    np.put_along_axis(result, indices, g, axis=dim)
    return result


@_scatter_to_indices.vjp
def _(g, indices, dim):
    return _values_at_indices(g, indices, dim=dim), None


# ---------------------------------------------------------------- sort / argsort / topk

@op("argsort", promotion=RAW, nondifferentiable="int64 indices")
def _argsort(a, dim=0, descending=False, stable=False):
    """torch's CPU sort order. stable=True, and the radix sort torch uses for a 1-D ascending integer sort of 32768
    elements or more, keep tied elements in input order (NumPy's stable sort); otherwise torch runs std::sort, whose
    order among ties ops/_stl_order.py reproduces, in the rows that hold ties. A dim of stride 0 (an expanded input)
    is not sorted at all: its indices are 0, 1, 2, ... as torch returns them."""
    if a.ndim == 0:
        return np.zeros((), np.int64)
    indices = _stable_order(a, dim, descending)
    radix = a.ndim == 1 and a.size >= 32768 and a.dtype.kind in "iu" and not descending
    if stable or radix or a.strides[dim] == 0:
        return indices
    return _redo_tied_rows(a, dim, indices, a.shape[dim], sort_order, (descending,))


def _stable_order(a, dim, descending, count=None):
    """Stable order (tied elements in input order, descending too); NaN is the largest. `count`: only the first
    `count` positions along dim (topk)."""
    if a.dtype.kind not in "biuf":
        a = a.astype(np.float32)  # bfloat16: NumPy's sort does not know its NaN is the largest value
    if not descending:
        order = np.argsort(a, axis=dim, kind="stable")
    else:
        # Sorting the reversed slice ascending and reading it backwards gives descending order with ties still in
        # input order (negating would not work for unsigned or bool values)
        order = a.shape[dim] - 1 - np.flip(np.argsort(np.flip(a, dim), axis=dim, kind="stable"), dim)
    if count is not None:
        order = np.take(order, np.arange(count), axis=dim)
    return order.astype(np.int64)


def _redo_tied_rows(a, dim, indices, count, order_of_row, arguments, every_row=False):
    """`indices` (the first `count` positions of each row along dim) with the rows that hold ties (equal values, or
    several NaNs; every row when every_row) redone by order_of_row(the row's values as Python numbers, *arguments):
    without ties every correct order agrees, and NumPy's vectorised one stands."""
    extent = a.shape[dim]
    if count == 0 or extent < 2:
        return indices
    rows = np.moveaxis(a, dim, -1).reshape(-1, extent)
    chosen = np.moveaxis(indices, dim, -1).reshape(-1, count).copy()
    if every_row:
        tied = np.ones(len(rows), bool)
    else:
        comparable = rows.astype(np.float32) if a.dtype == _BFLOAT16 else rows
        # a full order (sort) already sorts each row; a partial one (topk's first k) does not: sort again
        ordered = (np.take_along_axis(comparable, chosen, axis=1) if count == extent
                   else np.sort(comparable, axis=1))
        tied = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
        if ordered.dtype.kind == "f":
            tied |= np.isnan(ordered).sum(axis=1) > 1
    for row in np.flatnonzero(tied):
        values = rows[row].tolist() if a.dtype.kind in "iub" else rows[row].astype(np.float64).tolist()
        constant = all(value == values[0] for value in values) or all(value != value for value in values)
        # a row of equal values comes out in an order that depends on its length alone (a meta tensor's stand-in
        # is such rows): worked out once per length
        chosen[row] = (_constant_row_order(order_of_row, arguments, extent) if constant
                       else order_of_row(values, *arguments))
    shape = np.moveaxis(indices, dim, -1).shape
    return np.moveaxis(chosen.reshape(shape), -1, dim)


@functools.lru_cache(maxsize=64)
def _constant_row_order(order_of_row, arguments, extent):
    return order_of_row([0] * extent, *arguments)


_UNSET = object()


def _sort_arguments(name, positional, dim, descending, stable):
    """torch's two signatures: (input, dim=-1, descending=False), positionally or not, or (input, *, stable,
    dim=-1, descending=False): once `stable` is given, dim and descending can only be keywords."""
    named = {"dim": dim, "descending": descending}
    given_twice = [key for key, _ in zip(named, positional) if named[key] is not _UNSET]
    if len(positional) > 2 or given_twice or (positional and stable is not _UNSET) or \
            (stable not in (_UNSET, None) and not isinstance(stable, bool)):
        raise TypeError(f"{name}() received an invalid combination of arguments - got {len(positional)} positional "
                        f"argument(s) after input{', stable' if stable is not _UNSET else ''}"
                        f"{', ' + ', '.join(given_twice) + ' twice' if given_twice else ''}, but expected one of: "
                        f"(Tensor input, int dim, bool descending) or (Tensor input, *, bool stable, int dim, "
                        f"bool descending)")
    named.update(zip(named, positional))
    if isinstance(named["dim"], bool):
        raise TypeError(f"{name}(): argument 'dim' must be int, not bool")
    return (-1 if named["dim"] is _UNSET else named["dim"],
            False if named["descending"] is _UNSET else named["descending"],
            stable is not _UNSET and bool(stable))


@public(method=True)
def argsort(input, *positional, dim=_UNSET, descending=_UNSET, stable=_UNSET):
    dim, descending, stable = _sort_arguments("argsort", positional, dim, descending, stable)
    return _argsort(input, dim=_wrap_dim(dim, input.ndim, "argsort"), descending=descending, stable=stable)


@public(method=True)
def sort(input, *positional, dim=_UNSET, descending=_UNSET, stable=_UNSET):
    dim, descending, stable = _sort_arguments("sort", positional, dim, descending, stable)
    dim = _wrap_dim(dim, input.ndim, "sort")
    indices = _argsort(input, dim=dim, descending=descending, stable=stable)
    return _SortResult(_values_at_indices(input, indices, dim=dim), indices)


@public(method=True)
def topk(input, k, dim=-1, largest=True, sorted=True):
    """The k largest (or smallest) along dim; their order and which of equal values are chosen are torch's."""
    if input.dtype is _dtype.bool:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    dim = _wrap_dim(dim, input.ndim, "topk")
    extent = input.shape[dim] if input.ndim else 1
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"topk(): argument 'k' must be int, not {type(k).__name__}")
    if not 0 <= k <= extent:
        raise RuntimeError(f"topk(): selected index k out of range (k={k}, size {extent} along dim {dim})")
    indices = _topk_indices(input, k=k, dim=dim, largest=largest, sorted=sorted)
    return _TopkResult(_values_at_indices(input, indices, dim=dim), indices)


@op("topk_indices", promotion=RAW, nondifferentiable="int64 indices")
def _topk_indices(a, k=0, dim=0, largest=True, sorted=True):
    """The indices torch's CPU topk returns: NumPy's sort where a row holds no ties; in a row with ties, and in
    every row when sorted=False leaves the order to the selection, torch's selection (ops/_stl_order.py)."""
    if a.ndim == 0:
        return np.zeros((), np.int64)
    return _redo_tied_rows(a, dim, _stable_order(a, dim, largest, k), k, topk_order, (k, largest, sorted),
                           every_row=not sorted)


# ---------------------------------------------------------------- searchsorted / bucketize (indices: not differentiable)

@op("searchsorted", promotion=RAW, nondifferentiable="integer indices")
def _searchsorted(boundaries, values, numpy_type=None, right=False, out_int32=False):
    """Insertion points of values in each innermost row of boundaries (one row for all when it is 1-D), in the
    values' common dtype with the boundaries, as torch's binary search finds them."""
    boundaries = np.asarray(boundaries).astype(numpy_type, copy=False)
    values = np.asarray(values).astype(numpy_type, copy=False)
    if boundaries.dtype == _BFLOAT16:
        boundaries, values = boundaries.astype(np.float32), values.astype(np.float32)
    side = "right" if right else "left"
    if boundaries.ndim == 1:
        result = np.searchsorted(boundaries, values, side=side)
    else:
        rows = boundaries.reshape(-1, boundaries.shape[-1])
        value_rows = values.reshape(rows.shape[0], -1)
        result = np.stack([np.searchsorted(row, value_row, side=side)
                           for row, value_row in zip(rows, value_rows)]).reshape(values.shape)
    return np.asarray(result).astype(np.int32 if out_int32 else np.int64)


def _search(name, boundaries, values, out_int32, right, side, sorter, out):
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"{name}(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError(f"{name}(): side and right can't be set to opposites, got side of left while right was "
                               f"True")
        right = side == "right"
    value_shape = tuple(values.shape) if isinstance(values, Tensor) else ()
    if boundaries.ndim != 1 and (boundaries.ndim != len(value_shape) or
                                 tuple(boundaries.shape[:-1]) != value_shape[:-1]):
        raise RuntimeError(f"{name}(): boundaries tensor should be 1 dimension or the first N-1 dimensions of "
                           f"boundaries tensor and input value tensor must match, but we got boundaries tensor "
                           f"{list(boundaries.shape)} and input value tensor {list(value_shape)}")
    if sorter is not None:
        if sorter.dtype is not _dtype.int64:
            raise RuntimeError(f"{name}(): sorter must be a tensor of long dtype but got dtype "
                               f"{_dtype.scalar_type_name(sorter.dtype)}")
        if tuple(sorter.shape) != tuple(boundaries.shape):
            raise RuntimeError(f"{name}(): boundary and sorter must have the same size, but got boundary tensor "
                               f"{list(boundaries.shape)}and got sorter tensor {list(sorter.shape)}")
        if sorter.numel() and (bool((sorter < 0).any()) or bool((sorter >= boundaries.shape[-1]).any())):
            raise RuntimeError(f"{name}(): sorter index out of range")
        boundaries = boundaries.detach().gather(-1, sorter)
    dtype = promoted_dtype((boundaries, values)) if isinstance(values, Tensor) else \
        promoted_dtype((boundaries, tensor(values)))
    result = _searchsorted(boundaries, values, numpy_type=compute_numpy_type(dtype), right=bool(right),
                           out_int32=bool(out_int32))
    return _with_out(result, out)


@public()
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None, out=None):
    return _search("torch.searchsorted", sorted_sequence, input, out_int32, right, side, sorter, out)


@public()
def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return _search("torch.searchsorted", boundaries, input, out_int32, right, None, None, out)


# ---------------------------------------------------------------- unique / unique_consecutive

def _unique_parts(a, dim, consecutive):
    """(values, inverse, counts) as NumPy arrays: torch's sorted unique (each NaN its own value) or its runs of equal
    consecutive elements; with dim, of the slices along dim (sorted lexicographically)."""
    original = a.dtype
    if a.dtype == _BFLOAT16:
        a = a.astype(np.float32)
    if dim is None:
        rows = a.reshape(-1, 1)
    else:
        rows = np.moveaxis(a, dim, 0).reshape(a.shape[dim], -1)
    if rows.shape[0] == 0:
        starts, order = np.zeros(0, np.int64), np.zeros(0, np.int64)
        inverse = np.zeros(0, np.int64)
    else:
        if consecutive:
            order = np.arange(rows.shape[0])
        else:
            order = np.lexsort(rows.T[::-1]) if rows.shape[1] else np.arange(rows.shape[0])   # NaN sorts last
        ordered = rows[order]
        new_run = np.ones(rows.shape[0], bool)
        new_run[1:] = (ordered[1:] != ordered[:-1]).any(axis=1) if rows.shape[1] else False
        starts = np.flatnonzero(new_run)
        inverse = np.empty(rows.shape[0], np.int64)
        inverse[order] = np.cumsum(new_run) - 1
    counts = np.diff(np.append(starts, rows.shape[0])).astype(np.int64)
    chosen = rows[order[starts]] if rows.shape[0] else rows[:0]
    if dim is None:
        values = chosen.reshape(-1)
        inverse = inverse.reshape(a.shape)
    else:
        rest = a.shape[:dim] + a.shape[dim + 1:]
        values = np.moveaxis(chosen.reshape((len(starts),) + rest), 0, dim)
    return values.astype(original), inverse, counts


def _unique_op(name):
    @op(name, promotion=RAW)
    def values(a, dim=None, consecutive=False):
        return _unique_parts(a, dim, consecutive)[0]

    @values.vjp
    def _(g):
        raise NotImplementedError(f"the derivative for '{name}' is not implemented.")
    return values


_unique2, _unique_dim, _unique_consecutive = (_unique_op(name) for name in ("_unique2", "unique_dim",
                                                                            "unique_consecutive"))


@op("unique_inverse", promotion=RAW, nondifferentiable="int64 indices")
def _unique_inverse(a, dim=None, consecutive=False):
    return _unique_parts(a, dim, consecutive)[1]


@op("unique_counts", promotion=RAW, nondifferentiable="int64 counts")
def _unique_counts(a, dim=None, consecutive=False):
    return _unique_parts(a, dim, consecutive)[2]


def _unique(input, return_inverse, return_counts, dim, consecutive):
    if dim is not None:
        dim = _wrap_dim(dim, input.ndim, "unique")
    kernel = _unique_consecutive if consecutive else (_unique2 if dim is None else _unique_dim)
    result = (kernel(input, dim=dim, consecutive=consecutive),)
    if return_inverse:
        result += (_unique_inverse(input, dim=dim, consecutive=consecutive),)
    if return_counts:
        result += (_unique_counts(input, dim=dim, consecutive=consecutive),)
    return result[0] if len(result) == 1 else result


@public(method=True)
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values (or slices along dim), sorted: torch's CPU kernel sorts whatever `sorted` says."""
    return _unique(input, return_inverse, return_counts, dim, False)


@public(method=True)
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    return _unique(input, return_inverse, return_counts, dim, True)


# ---------------------------------------------------------------- isin (bool result: nothing to differentiate)

_NUMBER_TYPES = (int, float, np.integer, np.floating, np.bool_)


@op("isin", promotion=RAW, nondifferentiable="a bool result")
def _isin(elements, test_elements, numpy_type=None, sorting=False, assume_unique=False, invert=False):
    """torch's two CPU algorithms. Both answer set membership by `==` (NaN is in nothing) when the inputs are
    unique; with assume_unique=True and repeated values the sorting one gives what torch's gives (not membership)."""
    elements = np.asarray(elements).astype(numpy_type, copy=False)
    test_elements = np.asarray(test_elements).astype(numpy_type, copy=False)
    if not (sorting and assume_unique):
        return np.isin(elements, test_elements, invert=invert)
    # torch's isin_sorting: a stable sort of elements then test elements; an element equal to its successor in
    # that order is in the test set (stable: among equal values the elements come first)
    everything = np.concatenate([elements.ravel(), test_elements.ravel()])
    order = np.argsort(everything, kind="stable")
    ordered = everything[order]
    marks = np.empty(ordered.size, bool)
    marks[:-1] = (ordered[1:] != ordered[:-1]) if invert else (ordered[1:] == ordered[:-1])
    marks[-1:] = invert
    in_input_order = np.empty_like(marks)
    in_input_order[order] = marks
    return in_input_order[:elements.size].reshape(elements.shape)


def _refuse_bool_isin(value):
    dtype = value.dtype if isinstance(value, Tensor) else (_dtype.bool if type(value) is bool else None)
    if dtype is _dtype.bool:
        raise RuntimeError("Unsupported input type encountered for isin(): Bool")


@public()
def isin(elements, test_elements, *, assume_unique=False, invert=False, out=None):
    """Whether each of `elements` equals one of `test_elements` (either may be a Python number, not both)."""
    is_tensor = isinstance(elements, Tensor), isinstance(test_elements, Tensor)
    is_number = isinstance(elements, _NUMBER_TYPES), isinstance(test_elements, _NUMBER_TYPES)
    if not ((is_tensor[0] or is_number[0]) and (is_tensor[1] or is_number[1]) and any(is_tensor)) or \
            type(assume_unique) is not bool or type(invert) is not bool:
        raise TypeError(f"isin() received an invalid combination of arguments - got ({type(elements).__name__}, "
                        f"{type(test_elements).__name__}), but expected one of: (Tensor elements, Tensor "
                        f"test_elements), (Number element, Tensor test_elements), (Tensor elements, Number "
                        f"test_element), each with keyword-only bool assume_unique and bool invert")
    _refuse_bool_isin(elements)
    _refuse_bool_isin(test_elements)
    if out is not None and out.dtype is not _dtype.bool:
        raise RuntimeError(f"isin: Expected out tensor to have dtype bool, but got {_dtype.c_type_name(out.dtype)} "
                           f"instead")
    if not is_tensor[1]:
        return _with_out(ne(elements, test_elements) if invert else eq(elements, test_elements), out)  # as torch
    if isinstance(elements, np.bool_):
        elements = int(elements)
    if isinstance(elements, Tensor) and elements.numel() == 0:
        sorting = False
    else:
        # torch's choice of algorithm (numpy's heuristic): compare one by one while the test set is small
        count = elements.numel() if isinstance(elements, Tensor) else 1
        sorting = test_elements.numel() >= int(10.0 * math.pow(count, 0.145))
    if sorting:
        # the sorting path concatenates raveled inputs, so a 0-d tensor or a number promotes like any tensor
        own = elements.dtype if isinstance(elements, Tensor) else (_dtype.float64 if isinstance(
            elements, (float, np.floating)) else _dtype.int64)
        dtype = _dtype.promote_types(own, test_elements.dtype)
    else:
        dtype = promoted_dtype((elements, test_elements))
    result = _isin(elements, test_elements, numpy_type=compute_numpy_type(dtype), sorting=sorting,
                   assume_unique=assume_unique, invert=invert)
    return _with_out(result, out)


from .elementwise import _with_out, eq, ne  # noqa: E402
from .elementwise import logical_xor, where  # noqa: E402
from .joining import cat  # noqa: E402
from ..creation import tensor, zeros  # noqa: E402
