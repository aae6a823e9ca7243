"""Order statistics and counting: median, quantile/nanquantile, kthvalue, mode, cummax/cummin, cov/corrcoef,
bincount, histc, msort, count_nonzero, aminmax, each op's derivative beside it.

The selections (median, kthvalue, mode, cummax/cummin) are an index kernel (not differentiable) followed by a
gather of the input at those indices, whose gradient scatters back to the chosen positions: torch's gradient for
each (value_selecting_reduction_backward, cummaxmin_backward). quantile is a composite of sort, gather and lerp,
as torch writes it.
"""
import collections
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._registry import RAW, op
from ._surface import public
from ._stl_order import _comparator, sort_order
from .reduction import _check_nonempty, reduced_dims, return_type
from .scan_sort import _stable_order, _values_at_indices

_BFLOAT16 = _dtype.bfloat16.numpy_type

_MedianResult, _NanmedianResult = return_type("median"), return_type("nanmedian")
_KthvalueResult, _ModeResult = return_type("kthvalue"), return_type("mode")
_CummaxResult, _CumminResult = return_type("cummax"), return_type("cummin")
_AminmaxResult = collections.namedtuple("aminmax", ["min", "max"])
_AminmaxResult.__module__ = "mtv2.return_types"


def _comparable(a):
    """Values NumPy compares correctly (bfloat16 as float32: exact)."""
    return a.astype(np.float32) if a.dtype == _BFLOAT16 else a


def _nan_count(a, dim):
    a = _comparable(a)
    if a.dtype.kind != "f":
        return np.zeros(a.shape[:dim] + (1,) + a.shape[dim + 1:], np.int64)
    return np.isnan(a).sum(axis=dim, keepdims=True)


def _rows(a, dim):
    """The slices along dim as the rows of a 2-D array."""
    return np.moveaxis(a, dim, -1).reshape(-1, a.shape[dim])


def _from_rows(rows, shape, dim):
    """Inverse of _rows for a result of `shape` with size rows.shape[1] along dim."""
    moved = list(shape[:dim]) + list(shape[dim + 1:]) + [rows.shape[1]]
    return np.moveaxis(rows.reshape(moved), -1, dim)


def _selected(input, indices, dim, keepdim, result_type):
    """(values, indices) of a selection along dim; indices arrive with dim kept."""
    values = _values_at_indices(input, indices, dim=dim)
    if not keepdim and input.ndim:
        values, indices = values.squeeze(dim), indices.squeeze(dim)
    return result_type(values, indices)


def _legacy_type(dtype):
    return f"torch.{_dtype.scalar_type_name(dtype)}Tensor"


def _check_selection_out(name, input, values, indices):
    """torch's checks of out=(values, indices), which differ per op in order and wording."""
    if name in ("median", "nanmedian"):   # checked by median's shared kernel: indices first
        if indices.dtype is not _dtype.int64:
            raise RuntimeError(f"Expected tensor for argument #1 'indices' to have scalar type Long; but got "
                               f"{_legacy_type(indices.dtype)} instead (while checking arguments for median)")
        if values.dtype is not input.dtype:
            raise RuntimeError(f"Expected tensor for 'values' to have the same type as tensor for argument #2 'self'; "
                               f"but type {_legacy_type(values.dtype)} does not equal {_legacy_type(input.dtype)} "
                               f"(while checking arguments for median)")
    elif name == "mode":
        for tensor, expected, what in ((values, input.dtype, "values"), (indices, _dtype.int64, "indices")):
            if tensor.dtype is not expected:
                raise RuntimeError(f"expected scalar type '{_dtype.scalar_type_name(expected)}' but got "
                                   f"'{_dtype.scalar_type_name(tensor.dtype)}' for {what} output")
    else:
        if values.dtype is not input.dtype:
            raise RuntimeError("output values must be of same type as input")
        if indices.dtype is not _dtype.int64:
            raise RuntimeError("output indices must be of scalar type Long")


def _selection_out(name, result, out, input, result_type, check_overlap=False):
    """torch's out=(values, indices) of a selection along a dim, written in place. mtv2 tensors do not resize, so
    an out of another shape is refused where torch would resize it."""
    if out is None:
        return result
    values, indices = out
    if check_overlap and type(values._data) is np.ndarray and type(input._data) is np.ndarray \
            and np.may_share_memory(values._data, input._data):
        raise RuntimeError("unsupported operation: some elements of the input tensor and the written-to tensor refer "
                           "to a single memory location. Please clone() the tensor before performing the operation.")
    _check_selection_out(name, input, values, indices)
    from .inplace import write_result_into
    write_result_into(values, result[0], "out=")
    write_result_into(indices, result[1], "out=")
    return result_type(values, indices)


def _refuse_bool(kernel_name, input):
    if input.dtype is _dtype.bool:
        raise NotImplementedError(f'"{kernel_name}" not implemented for \'Bool\'')


def _check_dim_type(name, dim):
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")


# ---------------------------------------------------------------- median / nanmedian

@op("median_all", promotion=RAW, saves=("a", "result"), formula_backward=True)
def _median_all(a, ignore_nan=False):
    """The lower of the two middle values (of the non-NaN ones for nanmedian); NaN when a NaN is present (median)
    or when there is nothing to choose from."""
    values = _comparable(a).ravel()
    nan_count = int(np.isnan(values).sum()) if values.dtype.kind == "f" else 0
    if values.size == 0 or (nan_count and not ignore_nan) or nan_count == values.size:
        return np.array(np.nan, a.dtype)
    position = (values.size - nan_count - 1) // 2
    return np.partition(values, position)[position].astype(a.dtype)   # NaN partitions last


@_median_all.vjp
def _(g, a, out):
    # torch's evenly_distribute_backward: the gradient shared among the elements equal to the median (NaNs, for NaN)
    hits = isnan(a) if bool(isnan(out)) else a == out
    return where(hits, g / hits.sum(), 0.0)


@op("median_indices", promotion=RAW, nondifferentiable="int64 indices")
def _median_indices(a, dim=0, ignore_nan=False):
    """The median's index along dim (kept, size 1). torch's nth_element breaks ties by index, so the median is the
    ((n - 1) // 2)-th of a stable sort (NaN last; nanmedian counts the non-NaN ones only); median answers the first
    NaN of a row that holds one."""
    if a.ndim == 0:
        return np.zeros((), np.int64)
    order = _stable_order(a, dim, False)
    extent, nans = a.shape[dim], _nan_count(a, dim)
    if ignore_nan:
        position = np.maximum(extent - nans - 1, 0) // 2   # C++ truncates -1 // 2 to 0: all NaN gives the first
    else:
        position = np.where(nans > 0, extent - nans, (extent - 1) // 2)   # the first NaN in input order
    return np.take_along_axis(order, position, axis=dim)


def _median(input, dim, keepdim, out, name, ignore_nan, result_type):
    if dim is None:
        _refuse_bool("median_cpu", input)
        if out is not None:   # torch's median(input) has no out= overload
            raise TypeError(f"{name}() received an invalid combination of arguments - got (Tensor, out=tuple), but "
                            f"expected (Tensor input) or (Tensor input, int dim, bool keepdim, *, tuple of Tensors "
                            f"out)")
        return _median_all(input, ignore_nan=ignore_nan)
    _check_dim_type(name, dim)
    dim = _wrap_dim(dim, input.ndim, name)
    _check_nonempty(input, name, (dim,))
    _refuse_bool("median_out", input)
    result = _selected(input, _median_indices(input, dim=dim, ignore_nan=ignore_nan), dim, keepdim, result_type)
    return _selection_out(name, result, out, input, result_type)


@public(method=True)
def median(input, dim=None, keepdim=False, *, out=None):
    return _median(input, dim, keepdim, out, "median", False, _MedianResult)


@public(method=True)
def nanmedian(input, dim=None, keepdim=False, *, out=None):
    return _median(input, dim, keepdim, out, "nanmedian", True, _NanmedianResult)


# ---------------------------------------------------------------- kthvalue

def _quick_select(values, k):
    """torch's quick_select_template (SortingUtils.h) on one row: the indices after selecting the k-th smallest
    (NaN the largest); which of tied elements lands at k is this algorithm's."""
    arr, indices = list(values), list(range(len(values)))

    def greater_or_nan(x, y):
        return (x != x and y == y) or x > y

    def swap(i, j):
        arr[i], arr[j] = arr[j], arr[i]
        indices[i], indices[j] = indices[j], indices[i]

    low, high = 0, len(arr) - 1
    while True:
        if high <= low:
            return indices
        if high == low + 1:
            if greater_or_nan(arr[low], arr[high]):
                swap(low, high)
            return indices
        swap(low + (high - low) // 2, low + 1)   # median of three for the pivot
        if greater_or_nan(arr[low + 1], arr[high]):
            swap(low + 1, high)
        if greater_or_nan(arr[low], arr[high]):
            swap(low, high)
        if greater_or_nan(arr[low + 1], arr[low]):
            swap(low + 1, low)
        i, j, pivot = low + 1, high, arr[low]
        while True:
            i += 1
            while greater_or_nan(pivot, arr[i]):
                i += 1
            j -= 1
            while greater_or_nan(arr[j], pivot):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(low, j)
        if j <= k:
            low = i
        if j >= k:
            high = j - 1


@op("kthvalue_indices", promotion=RAW, nondifferentiable="int64 indices")
def _kthvalue_indices(a, k=1, dim=0):
    """The index of the k-th smallest along dim (kept, size 1): a stable sort where a row holds no ties (every
    selection agrees there), torch's quickselect in the rows that do."""
    if a.ndim == 0:
        return np.zeros((), np.int64)
    chosen = np.take(_stable_order(a, dim, False), [k - 1], axis=dim)
    rows, chosen_rows = _rows(_comparable(a), dim), _rows(chosen, dim).copy()
    ordered = np.sort(rows, axis=1)
    tied = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
    if rows.dtype.kind == "f":
        tied |= np.isnan(rows).sum(axis=1) > 1
    for row in np.flatnonzero(tied):
        values = rows[row].tolist() if rows.dtype.kind in "iub" else rows[row].astype(np.float64).tolist()
        chosen_rows[row, 0] = _quick_select(values, k - 1)[k - 1]
    return _from_rows(chosen_rows, a.shape, dim)


@public(method=True)
def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"kthvalue(): argument 'k' must be int, not {type(k).__name__}")
    _check_dim_type("kthvalue", dim)
    dim = _wrap_dim(dim, input.ndim, "kthvalue")
    _check_nonempty(input, "kthvalue", (dim,))
    extent = input.shape[dim] if input.ndim else 1
    if not 1 <= k <= extent:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
    if input.ndim:   # torch answers a 0-d input without running its kernel
        _refuse_bool("kthvalue_cpu", input)
    result = _selected(input, _kthvalue_indices(input, k=int(k), dim=dim), dim, keepdim, _KthvalueResult)
    return _selection_out("kthvalue", result, out, input, _KthvalueResult, check_overlap=True)


# ---------------------------------------------------------------- mode

def _mode_index(values):
    """torch's mode on one row: std::sort of (value, index) by value, then the first value of the largest count
    wins, with the index of the last of its run in that order."""
    order = sort_order(values, False)
    best_count, best_index, count = 0, 0, 0
    for position, index in enumerate(order):
        count += 1
        if position == len(order) - 1 or values[order[position + 1]] != values[index]:
            if count > best_count:
                best_count, best_index = count, index
            count = 0
    return best_index


@op("mode_indices", promotion=RAW, nondifferentiable="int64 indices")
def _mode_indices(a, dim=0):
    """The mode's index along dim (kept, size 1): in a row without ties, the smallest value's."""
    if a.ndim == 0:
        return np.zeros((), np.int64)
    if a.shape[dim] == 0:
        return np.zeros(a.shape[:dim] + (1,) + a.shape[dim + 1:], np.int64)
    chosen = np.take(_stable_order(a, dim, False), [0], axis=dim)
    rows, chosen_rows = _rows(_comparable(a), dim), _rows(chosen, dim).copy()
    ordered = np.sort(rows, axis=1)
    tied = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
    for row in np.flatnonzero(tied):
        values = rows[row].tolist() if rows.dtype.kind in "iub" else rows[row].astype(np.float64).tolist()
        chosen_rows[row, 0] = _mode_index(values)
    return _from_rows(chosen_rows, a.shape, dim)


@public(method=True)
def mode(input, dim=-1, keepdim=False, *, out=None):
    _check_dim_type("mode", dim)
    dim = _wrap_dim(dim, input.ndim, "mode")
    _check_nonempty(input, "mode", (dim,))
    return _selection_out("mode", _selected(input, _mode_indices(input, dim=dim), dim, keepdim, _ModeResult), out,
                          input, _ModeResult)


# ---------------------------------------------------------------- cummax / cummin

@op("cummaxmin_indices", promotion=RAW, nondifferentiable="int64 indices")
def _cummaxmin_indices(a, dim=0, largest=True):
    """The running extremum's index along dim, as torch's cummax_cummin_helper picks it: an element at least as
    large (small) as the running one replaces it, so ties give the latest index; a NaN replaces anything and only a
    NaN replaces a NaN, so after a NaN the index is the latest NaN's."""
    if a.ndim == 0:
        return np.zeros((), np.int64)
    values = _comparable(a)
    if values.dtype == np.float16:
        values = values.astype(np.float32)
    running = (np.maximum if largest else np.minimum).accumulate(values, axis=dim)   # NaN propagates
    replaced = values == running
    if values.dtype.kind == "f":
        replaced |= np.isnan(values)
    positions = np.arange(a.shape[dim], dtype=np.int64).reshape([-1] + [1] * (a.ndim - dim - 1))
    return np.maximum.accumulate(np.where(replaced, positions, 0), axis=dim).astype(np.int64)


def _cummaxmin(input, dim, out, name, largest, result_type):
    _check_dim_type(name, dim)
    dim = _wrap_dim(dim, input.ndim, name)
    indices = _cummaxmin_indices(input, dim=dim, largest=largest)
    # gather's gradient adds up at repeated indices: torch's cummaxmin_backward (a scatter_add)
    values = input.clone() if input.ndim == 0 else gather(input, dim, indices)
    result = result_type(values, indices)
    if out is not None:
        values_out, indices_out = out
        if values_out.dtype is not input.dtype or indices_out.dtype is not _dtype.int64:
            raise RuntimeError(f"{name}(): expected values of dtype {_dtype.c_type_name(input.dtype)} and indices "
                               f"of dtype long")
    return _selection_out(name, result, out, input, result_type) if out is not None else result


@public(method=True)
def cummax(input, dim, *, out=None):
    return _cummaxmin(input, dim, out, "cummax", True, _CummaxResult)


@public(method=True)
def cummin(input, dim, *, out=None):
    return _cummaxmin(input, dim, out, "cummin", False, _CumminResult)


# ---------------------------------------------------------------- quantile / nanquantile

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim, interpolation, out, ignore_nan):
    """torch's quantile_compute, step for step (its rounding is the result): sort, ranks q * (n - 1) in the
    input's dtype, gather the neighbours and lerp them. The gradient flows through sort, gather and lerp."""
    name = "nanquantile" if ignore_nan else "quantile"
    wrapped = not isinstance(q, Tensor)
    if wrapped:
        if not 0 <= q <= 1:
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q}")
    if input.numel() == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if not wrapped and q.ndim > 1:
        raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
    if input.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if wrapped:
        q = tensor(q, dtype=input.dtype)   # a Python q is rounded to the input's dtype first, as torch's
    elif q.dtype is not input.dtype:
        raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest. Got "
                           f"{interpolation}")
    if dim is not None:
        _check_dim_type(name, dim)
    wrapped_dim = _wrap_dim(0 if dim is None else dim, input.ndim, name)
    if dim is not None and input.ndim:
        out_shape = list(input.shape)
        if keepdim:
            out_shape[wrapped_dim] = 1
        else:
            del out_shape[wrapped_dim]
    else:
        out_shape = [1] * input.ndim if keepdim else []
    if not bool(((q >= 0) & (q <= 1)).all()):
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    if dim is None:
        ordered = sort(input.flatten()).values
    elif input.ndim == 0 or wrapped_dim == input.ndim - 1:
        ordered = sort(input).values
    else:
        ordered = sort(input.unsqueeze(-1).transpose(wrapped_dim, -1)).values
    ordered = ordered.reshape(out_shape + [ordered.shape[-1] if ordered.ndim else 1])
    q_column = q.reshape(-1)
    if ignore_nan:
        # ranks from the non-NaN count; a row of NaNs gets rank 0, so its quantile is NaN
        ranks = q_column * (ordered.isnan().logical_not().sum(-1, True) - 1)
        ranks = ranks.masked_fill(ranks < 0, 0)
    else:
        # a row holding a NaN gets the last rank: its quantile is the NaN sorted last
        last_index = ordered.shape[-1] - 1
        ranks = where(ordered.isnan().any(-1, True), float(last_index), q_column * last_index)
    if interpolation == "lower":
        ranks = ranks.floor()
    elif interpolation == "higher":
        ranks = ranks.ceil()
    elif interpolation == "nearest":
        ranks = ranks.round()   # half to even, as torch's round_
    below = ranks.long()
    result = gather(ordered, -1, below)
    if interpolation in ("linear", "midpoint"):
        weights = full_like(ranks, 0.5) if interpolation == "midpoint" else ranks - below
        result = result.lerp(gather(ordered, -1, ranks.ceil().long()), weights)
    result = result.squeeze(-1) if q.ndim == 0 else result.unsqueeze(0).transpose(0, -1).squeeze(-1)
    return _with_out(result, out)


@public(method=True)
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    return _quantile(input, q, dim, keepdim, interpolation, out, False)


@public(method=True)
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    return _quantile(input, q, dim, keepdim, interpolation, out, True)


# ---------------------------------------------------------------- cov / corrcoef (composites, as torch's)

def _check_observation_weights(kind, weights, count):
    """cov's fweights / aweights: one weight per observation, none negative (after the kind's own dtype check)."""
    if weights.numel() != count:
        raise RuntimeError(f"cov(): expected {kind} to have the same numel as there are observations in the input "
                           f"but got {weights.numel()} != {count}")
    if count and not bool(weights.min() >= 0):
        raise RuntimeError(f"cov(): {kind} cannot be negative")


@public(method=True)
def cov(input, *, correction=1, fweights=None, aweights=None):
    """torch's cov step for step: rows are variables, columns observations; the weights' product normalises."""
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with {input.ndim} "
                           f"dimensions")
    if input.dtype is _dtype.bool:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    observations = input.reshape(1, -1) if input.ndim < 2 else input
    count = observations.shape[1]
    weights = None
    if fweights is not None:
        weights = fweights
        if weights.ndim > 1:
            raise RuntimeError(f"cov(): expected fweights to have one or fewer dimensions but got fweights with "
                               f"{weights.ndim} dimensions")
        if weights.dtype.is_floating_point or weights.dtype is _dtype.bool:
            raise RuntimeError(f"cov(): expected fweights to have integral dtype but got fweights with "
                               f"{_dtype.scalar_type_name(weights.dtype)} dtype")
        _check_observation_weights("fweights", weights, count)
    if aweights is not None:
        if aweights.ndim > 1:
            raise RuntimeError(f"cov(): expected aweights to have one or fewer dimensions but got aweights with "
                               f"{aweights.ndim} dimensions")
        if not aweights.dtype.is_floating_point:
            raise RuntimeError(f"cov(): expected aweights to have floating point dtype but got aweights with "
                               f"{_dtype.scalar_type_name(aweights.dtype)} dtype")
        _check_observation_weights("aweights", aweights, count)
        weights = aweights if weights is None else weights * aweights
    total = weights.sum() if weights is not None else tensor(count, dtype=_dtype.int64)
    if weights is not None and not bool(total != 0):
        raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    average = (observations * weights if weights is not None else observations).sum(1) / total
    if weights is not None and correction != 0 and aweights is not None:
        norm_factor = total - correction * (weights * aweights).sum() / total
    else:
        norm_factor = total - correction
    if bool(norm_factor <= 0):
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                      "observations.")
        norm_factor = zeros_like(norm_factor)
    centered = observations - average.unsqueeze(1)
    products = centered.mm((centered * weights if weights is not None else centered).t())
    return (products / norm_factor).squeeze()


@public(method=True)
def corrcoef(input):
    """cov normalised by the standard deviations, clipped to [-1, 1] (torch's guard against 1.0000001)."""
    if input.ndim > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    covariance = cov(input)
    if covariance.ndim == 0:
        return covariance / covariance   # NaN for 0, inf or NaN, else 1
    deviations = covariance.diagonal().sqrt()
    covariance = covariance / deviations.view(-1, 1)
    covariance = covariance / deviations.view(1, -1)
    return covariance.clip(-1, 1)


# ---------------------------------------------------------------- bincount / histc

@op("bincount", promotion=RAW, nondifferentiable="int64 counts")
def _bincount(a, minlength=0):
    return np.bincount(a.astype(np.int64, copy=False), minlength=minlength).astype(np.int64)


@op("bincount_weighted", promotion=RAW)
def _bincount_weighted(a, weights, minlength=0):
    """Weights summed per value: float32 weights give float32 sums, any other dtype float64 (torch's two kernels)."""
    result_type = np.float32 if weights.dtype == np.float32 else np.float64
    return np.bincount(a.astype(np.int64, copy=False), weights.astype(np.float64),
                       minlength=minlength).astype(result_type)


_bincount_weighted.no_derivative("aten::bincount")


@public(method=True)
def bincount(input, weights=None, minlength=0):
    if input.dtype.is_floating_point or input.dtype is _dtype.bool:
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{_dtype.scalar_type_name(input.dtype)}'")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if input.ndim != 1 or (input.numel() and bool((input < 0).any())):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and (weights.ndim != 1 or weights.shape[0] != input.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    if weights is None:
        return _bincount(input, minlength=int(minlength))
    return _bincount_weighted(input, weights, minlength=int(minlength))


@op("histc", promotion=RAW, nondifferentiable="torch's histc result carries no history (it has no derivative)")
def _histc(a, bins=100, low=0.0, high=0.0):
    """Counts of the values in [low, high] in `bins` equal bins (the last closed); outside values and NaN are left
    out. The bin of a value is torch's: (x - low) * bins / (high - low) truncated, then corrected against the
    linspace edges (its local search)."""
    work = np.float64 if a.dtype == np.float64 else np.float32
    values = a.ravel().astype(work, copy=False)
    low, high = work(low), work(high)
    edges = np.linspace(low, high, bins + 1).astype(work)
    inside = (values >= low) & (values <= high)
    values = values[inside]
    positions = ((values - low) * work(bins) / (high - low)).astype(np.int64)
    positions = np.clip(positions, 0, bins - 1)
    # the local search: a value below its bin's left edge moves down, one at or above the next edge moves up
    positions = np.where((values < edges[positions]) & (positions > 0), positions - 1, positions)
    positions = np.where((values >= edges[np.minimum(positions + 1, bins)]) & (positions < bins - 1), positions + 1,
                         positions)
    return np.bincount(positions, minlength=bins).astype(a.dtype)


@public(method=True)
def histc(input, bins=100, min=0, max=0, *, out=None):
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{_dtype.scalar_type_name(input.dtype)}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    low, high = float(min), float(max)
    if low > high:
        raise RuntimeError("torch.histc: max must be larger than min")
    if low == high and input.numel():
        low, high = float(input.detach().min()), float(input.detach().max())
    if low == high:
        low, high = low - 1, high + 1
    if not (np.isfinite(low) and np.isfinite(high)):
        raise RuntimeError(f"torch.histc: range of [{low}, {high}] is not finite")
    return _with_out(_histc(input, bins=int(bins), low=low, high=high), out)


# ---------------------------------------------------------------- histogram / histogramdd
# torch's CPU histogramdd kernel (HistogramKernel.cpp): a point lands in each dim's bin by linear interpolation
# corrected by a local search among the neighbouring edges (int bins) or by binary search (tensor bins), both in the
# input's dtype; points outside [first edge, last edge] are left out, the last bin is closed; counts add in order.

_HistogramResult = collections.namedtuple("histogram", ["hist", "bin_edges"])
_HistogramResult.__module__ = "mtv2.return_types"
_HistogramddResult = collections.namedtuple("histogramdd", ["hist", "bin_edges"])
_HistogramddResult.__module__ = "mtv2.return_types"


def _bin_positions(values, edges, local_search):
    """Each value's bin among `edges` (values inside [edges[0], edges[-1]] only)."""
    count = len(edges)
    if local_search:
        left, right = edges[0], edges[-1]
        with np.errstate(invalid="ignore"):
            guess = ((values - left) * values.dtype.type(count - 1) / (right - left))
        guess = np.where(np.isnan(guess), 0, guess).astype(np.int64)
        low, high = np.maximum(guess - 1, 0), np.minimum(guess + 2, count)
        above = np.zeros(values.shape, np.int64)   # upper_bound in [low, high): the edges there at or below the value
        for offset in range(3):
            edge = np.minimum(low + offset, count - 1)
            above += (low + offset < high) & (edges[edge] <= values)
        positions = low + above - 1
    else:
        positions = np.searchsorted(edges, values, side="right") - 1
    positions[positions == count - 1] -= 1   # the last bin includes its right edge
    return positions


@op("histogramdd", promotion=RAW)
def _histogramdd(points, *weights, edges=(), local_search=True, density=False):
    hist = np.zeros(tuple(len(e) - 1 for e in edges), points.dtype)
    inside = np.ones(points.shape[0], bool)
    for dim, dim_edges in enumerate(edges):
        values = points[:, dim]
        # NaN passes torch's range test, then indexes out of its histogram: measured, it is counted nowhere
        inside &= ~((values < dim_edges[0]) | (dim_edges[-1] < values) | np.isnan(values))
    positions = tuple(_bin_positions(points[inside, dim], e, local_search) for dim, e in enumerate(edges))
    np.add.at(hist, positions, weights[0].reshape(-1)[inside] if weights else points.dtype.type(1))
    if density:
        hist = hist / points.dtype.type(hist.sum())   # torch divides by the sum as a scalar, then by each bin width
        for dim, dim_edges in enumerate(edges):
            shape = [1] * len(edges)
            shape[dim] = -1
            hist = hist / np.diff(dim_edges).reshape(shape)
    return hist


_histogramdd.no_derivative("histogramdd")


@op("histogram_bin_edges", promotion=RAW)
def _histogram_bin_edges(points, edges=None):
    return np.array(edges)


_histogram_bin_edges.no_derivative("histogramdd")


def _histogram_edges(name, points, bins, range, dim):
    """One dim's bin edges: a 1-D tensor of bins as given, or torch's linspace over range (else the data's)."""
    from ..creation import linspace
    if isinstance(bins, Tensor):
        if bins.ndim != 1:
            raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but got {bins.ndim} "
                               f"dimensions in the bins tensor for dimension {dim}")
        if bins.dtype is not points.dtype:
            raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should have the same dtype, but got "
                               f"input with dtype {_dtype.scalar_type_name(points.dtype).lower()} and bins for "
                               f"dimension {dim} with dtype {_dtype.scalar_type_name(bins.dtype).lower()}")
        if bins.numel() < 2:
            raise RuntimeError(f"{name}(): bins must be > 0, but got {bins.numel() - 1} for dimension {dim}")
        return np.array(bins._data)
    if bins <= 0:
        raise RuntimeError(f"{name}(): bins must be > 0, but got {bins} for dimension {dim}")
    if range is not None:
        left, right = float(range[2 * dim]), float(range[2 * dim + 1])
    elif points.shape[0]:
        column = points._data[:, dim]
        left, right = float(column.min()), float(column.max())
    else:
        left, right = 0.0, 1.0   # numpy.histogram's default for empty input
    if not (np.isfinite(left) and np.isfinite(right)):
        raise RuntimeError(f"torch.histogramdd: dimension {dim}'s range [{_number_text(left)}, "
                           f"{_number_text(right)}] is not finite")
    if left > right:
        raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {_number_text(left)} max "
                           f"{_number_text(right)} for dimension {dim}")
    if left == right:
        left, right = left - 0.5, right + 0.5
    return np.array(linspace(left, right, int(bins) + 1, dtype=points.dtype)._data)


def _number_text(value):
    return str(int(value)) if float(value).is_integer() else str(value)


def _histogramdd_parts(name, points, bins, range, weight, density):
    """(hist, [edges]) of points (M, N): the checks torch makes, in its order."""
    if not points.dtype.is_floating_point or points.dtype in (_dtype.float16, _dtype.bfloat16):
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{_dtype.scalar_type_name(points.dtype)}'")
    dims = points.shape[-1]
    if range is not None and len(range) != 2 * dims:
        raise RuntimeError(f"torch.histogramdd: for a {dims}-dimensional histogram range should have {2 * dims} "
                           f"elements, but got {len(range)}")
    if weight is not None:
        if tuple(weight.shape) != tuple(points.shape[:-1]):
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided it should have the same shape as the "
                               f"input tensor excluding its innermost dimension, but got input with shape "
                               f"{list(points.shape)} and weight with shape {list(weight.shape)}")
        if weight.dtype is not points.dtype:
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided, input tensor and weight tensor "
                               f"should have the same dtype, but got input({_dtype.scalar_type_name(points.dtype)}), "
                               f"and weight({_dtype.scalar_type_name(weight.dtype)})")
    flat = points.reshape(-1, dims).contiguous()
    edges = tuple(_histogram_edges(name, flat, b, range, dim) for dim, b in enumerate(bins))
    operands = (flat,) if weight is None else (flat, weight)
    hist = _histogramdd(*operands, edges=edges, local_search=not isinstance(bins[0], Tensor), density=bool(density))
    return hist, tuple(_histogram_bin_edges(flat, edges=e) for e in edges)


@public(method=True)
def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):
    """torch.histogram: (hist, bin_edges) of input's values; bins an int (equal bins over range, else the data's
    min and max) or a 1-D tensor of edges."""
    if not isinstance(input, Tensor):
        raise TypeError(f"histogram(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    hist, edges = _histogramdd_parts("torch.histogram", input.reshape(-1, 1), (bins,), range,
                                     None if weight is None else weight.reshape(-1), density)
    result = _HistogramResult(hist, edges[0])
    if out is not None:
        return _HistogramResult(*(_with_out(r, o) for r, o in zip(result, out)))
    return result


@public()
def histogramdd(input, bins=10, *, range=None, weight=None, density=False):
    """torch.histogramdd: the N-dimensional histogram of input's innermost vectors (points); bins an int, a list of
    ints or a list of 1-D edge tensors."""
    if input.ndim < 2:
        raise RuntimeError("torch.histogramdd: input tensor should have at least 2 dimensions")
    dims = input.shape[-1]
    if isinstance(bins, (int, np.integer)):
        bins = [int(bins)] * dims
    bins = list(bins)
    if len(bins) != dims:
        raise RuntimeError("histogramdd: The size of bins must be equal to the innermost dimension of the input.")
    hist, edges = _histogramdd_parts("torch.histogramdd", input, bins, range, weight, density)
    return _HistogramddResult(hist, edges)


# ---------------------------------------------------------------- msort / count_nonzero / aminmax

@public(method=True)
def msort(input, *, out=None):
    return _with_out(sort(input, dim=0).values, out)


@op("count_nonzero", promotion=RAW, nondifferentiable="int64 counts")
def _count_nonzero(a, dims=()):
    return np.count_nonzero(a, axis=dims).astype(np.int64) if a.ndim else np.asarray(int(a != 0), np.int64)


@public(method=True)
def count_nonzero(input, dim=None):
    return _count_nonzero(input, dims=reduced_dims(dim, input.ndim, "count_nonzero"))


@public(method=True)
def aminmax(input, *, dim=None, keepdim=False, out=None):
    """(amin, amax) together; the gradient of each is shared among tied extrema, as amin's and amax's."""
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                               "identity.")
        if keepdim:
            ones = [1] * input.ndim
            result = _AminmaxResult(amin(input).reshape(ones), amax(input).reshape(ones))
        else:
            result = _AminmaxResult(amin(input), amax(input))
    else:
        _check_dim_type("aminmax", dim)
        dim = _wrap_dim(dim, input.ndim, "aminmax")
        if input.ndim and input.shape[dim] == 0:
            raise IndexError(f"aminmax(): Expected reduction dim {dim} to have non-zero size.")
        result = _AminmaxResult(amin(input, dim, keepdim), amax(input, dim, keepdim))
    if out is None:
        return result
    for tensor in out:   # torch's structured out=: each of (min, max) of the input's dtype
        if tensor.dtype is not input.dtype:
            raise RuntimeError(f"Expected out tensor to have dtype {_dtype.c_type_name(input.dtype)}, but got "
                               f"{_dtype.c_type_name(tensor.dtype)} instead")
    return _AminmaxResult(_with_out(result.min, out[0]), _with_out(result.max, out[1]))


from .elementwise import _with_out, where  # noqa: E402
from .gather_scatter import gather  # noqa: E402
from ..creation import full_like, tensor, zeros_like  # noqa: E402
from .pointwise_math import isnan  # noqa: E402
from .reduction import amax, amin  # noqa: E402
from .scan_sort import sort  # noqa: E402
