"""Tensor.__getitem__ / __setitem__: basic indices give views, advanced (tensor) indices give copies."""
import builtins

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ._registry import RAW, op
from .shape import view_op


def _normalize_index(index, shape):
    """Index as a tuple NumPy understands, with torch's checks; and whether it is basic (a view)."""
    if not isinstance(index, tuple):
        index = (index,)
    normalized, basic = [], True
    for item in index:
        if isinstance(item, Tensor):
            if item.dtype.is_floating_point:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if item.ndim == 0 and item.dtype is not _dtype.bool:
                normalized.append(int(item.item()))
                continue
            normalized.append(item._data)
            basic = False
        elif isinstance(item, slice):
            if item.step is not None and int(item.step) <= 0:
                raise ValueError("step must be greater than zero")
            normalized.append(slice(*(None if v is None else int(v) for v in (item.start, item.stop, item.step))))
        elif item is None or item is Ellipsis:
            normalized.append(item)
        elif isinstance(item, (bool, np.bool_)):
            normalized.append(bool(item))
            basic = False
        elif isinstance(item, (int, np.integer)):
            normalized.append(int(item))
        elif isinstance(item, (list, np.ndarray)):
            normalized.append(np.asarray(item))
            basic = False
        else:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                             f"valid indices (got {type(item).__name__})")
    _check_bounds(normalized, shape)
    return tuple(normalized), basic


def _index_width(item):
    """How many of the tensor's dims an index item consumes."""
    if isinstance(item, np.ndarray) and item.dtype == np.bool_:
        return item.ndim
    if item is None or item is Ellipsis or isinstance(item, bool):
        return 0
    return 1


def _check_bounds(index, shape):
    """IndexError with torch's wording for out-of-range integers (NumPy's says 'axis')."""
    total = builtins.sum(_index_width(item) for item in index)
    if total > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    dim = 0
    for item in index:
        if item is Ellipsis:
            dim += len(shape) - total
            continue
        if isinstance(item, int) and not isinstance(item, bool) and not -shape[dim] <= item < shape[dim]:
            raise IndexError(f"index {item} is out of bounds for dimension {dim} with size {shape[dim]}")
        dim += _index_width(item)


@view_op("getitem", "index")
def _getitem_view(a, index=()):
    # a trailing Ellipsis makes NumPy return a 0-d view rather than a scalar copy for all-integer indices
    return a[index if Ellipsis in index else index + (Ellipsis,)]


@op("index", promotion=RAW)
def _index(a, index=()):
    try:
        return a[index]
    except IndexError as error:
        raise IndexError(str(error).replace("axis", "dimension")) from None


@op("index_backward", promotion=RAW)
def _index_backward(g, input_shape=(), index=()):
    grad = np.zeros(input_shape, dtype=g.dtype)
    np.add.at(grad, index, g)  # repeated indices accumulate
    return grad


@_index.vjp
def _(g, a_shape, index):
    return _index_backward(g, input_shape=tuple(a_shape), index=index)


@_index_backward.vjp
def _(gg, index):
    return _index(gg, index=index)


def getitem(input, index):
    normalized, basic = _normalize_index(index, input.shape)
    if basic:
        return _getitem_view(input, index=normalized)
    return _index(input, index=normalized)


@op("index_put", promotion=RAW)
def _index_put(a, values, index=(), accumulate=False):
    result = a.copy()
    values = values.astype(a.dtype, copy=False) if isinstance(values, np.ndarray) else values
    if accumulate:
        np.add.at(result, index, values)
    else:
        result[index] = values
    return result


@_index_put.vjp
def _(g, index, accumulate, values_shape):
    grad_values = _index(g, index=index)
    if not accumulate:
        g = _index_put(g, 0.0, index=index)
    return g, grad_values.sum_to_size(values_shape) if grad_values.shape != values_shape else grad_values


def setitem(input, index, value):
    from .inplace import apply_inplace
    normalized, basic = _normalize_index(index, input.shape)
    if basic:
        target = _getitem_view(input, index=normalized)
        if isinstance(value, Tensor):
            target.copy_(value)
        else:
            target.fill_(value)
        return
    if isinstance(value, Tensor):
        value = value.to(input.dtype)
    apply_inplace(input, lambda a, v: _index_put(a, v, index=normalized), "index_put_", value)


def index_put_(input, indices, values, accumulate=False):
    from .inplace import apply_inplace
    normalized, _ = _normalize_index(tuple(indices), input.shape)
    return apply_inplace(input, lambda a, v: _index_put(a, v, index=normalized, accumulate=accumulate),
                         "index_put_", values)


@op("nonzero", promotion=RAW)
def _nonzero(a):
    return np.argwhere(a).astype(np.int64)


def nonzero(input, *, as_tuple=False):
    indices = _nonzero(input)
    if not as_tuple:
        return indices
    if input.ndim == 0:
        return (indices.reshape(-1),)
    return tuple(indices[:, d] for d in range(input.ndim))
