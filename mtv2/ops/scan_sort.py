"""Scans and sorting: cumsum, cumprod, sort, argsort, topk.

sort and topk are an index kernel (not differentiable) followed by `values_at_indices`, whose gradient scatters
back to the chosen positions: torch's gradient for both.
"""
import numpy as np

from .. import _dtype
from .._tensor import _wrap_dim
from ._registry import RAW, compute_numpy_type, op
from .inplace import apply_inplace
from .reduction import _reduction_dtype, check_autograd_dtype, return_type

_SortResult, _TopkResult = return_type("sort"), return_type("topk")


# ---------------------------------------------------------------- cumsum / cumprod

@op("cumsum", promotion=RAW)
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


def cumsum(input, dim, *, dtype=None):
    check_autograd_dtype(input, dtype)
    return _cumsum(input, dim=_wrap_dim(dim, input.ndim, "cumsum"), dtype=dtype)


@op("cumprod", promotion=RAW)
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


def cumprod(input, dim, *, dtype=None):
    check_autograd_dtype(input, dtype)
    return _cumprod(input, dim=_wrap_dim(dim, input.ndim, "cumprod"), dtype=dtype)


def _scan_inplace(input, dim, dtype, name, function):
    """cumsum_/cumprod_: torch runs the scan in self's dtype (int8 wraps in int8) and has no Bool kernel."""
    if dtype is not None and dtype is not input.dtype:
        raise RuntimeError(f"{name}_: Bad in-place call: input tensor dtype {_dtype.scalar_type_name(input.dtype)} and "
                           f"output tensor dtype {_dtype.scalar_type_name(dtype)} should match")
    if input.dtype is _dtype.bool and input.ndim and input.numel():  # 0-d and empty never reach the kernel
        raise NotImplementedError(f"\"{name}_out_cpu\" not implemented for 'Bool'")
    return apply_inplace(input, function, f"{name}_", dim, dtype=input.dtype)


def cumsum_(input, dim, *, dtype=None):
    return _scan_inplace(input, dim, dtype, "cumsum", cumsum)


def cumprod_(input, dim, *, dtype=None):
    return _scan_inplace(input, dim, dtype, "cumprod", cumprod)


# ---------------------------------------------------------------- values at indices (sort/topk's gradient)

@op("values_at_indices", promotion=RAW)
def _values_at_indices(a, indices, dim=0):
    if a.ndim == 0:
        return a.copy()
    return np.take_along_axis(a, indices, axis=dim)


@_values_at_indices.vjp
def _(g, indices, dim, a_shape):
    return _scatter_to_indices(g, indices, dim=dim, shape=a_shape), None


@op("scatter_to_indices", promotion=RAW)
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

@op("argsort", promotion=RAW)
def _argsort(a, dim=0, descending=False, count=None):
    """Stable order (torch's CPU sort keeps tied elements in input order, descending too); NaN is the largest.
    `count`: only the first `count` positions along dim (topk)."""
    if a.ndim == 0:
        return np.zeros((), np.int64)
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


def argsort(input, dim=-1, descending=False, *, stable=False):
    return _argsort(input, dim=_wrap_dim(dim, input.ndim, "argsort"), descending=descending)


def sort(input, dim=-1, descending=False, *, stable=False):
    dim = _wrap_dim(dim, input.ndim, "sort")
    indices = _argsort(input, dim=dim, descending=descending)
    return _SortResult(_values_at_indices(input, indices, dim=dim), indices)


def topk(input, k, dim=-1, largest=True, sorted=True):
    """The k largest (or smallest) along dim, in sorted order (also a valid answer for sorted=False)."""
    if input.dtype is _dtype.bool:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    dim = _wrap_dim(dim, input.ndim, "topk")
    extent = input.shape[dim] if input.ndim else 1
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"topk(): argument 'k' must be int, not {type(k).__name__}")
    if not 0 <= k <= extent:
        raise RuntimeError(f"topk(): selected index k out of range (k={k}, size {extent} along dim {dim})")
    indices = _argsort(input, dim=dim, descending=largest, count=k)
    return _TopkResult(_values_at_indices(input, indices, dim=dim), indices)


from .elementwise import where  # noqa: E402
from ..creation import tensor  # noqa: E402
