"""Tensor.__getitem__ / __setitem__ and index_put: basic indices give views, advanced (tensor) indices copies.
Beside them, what is built from those two: the *_scatter ops (index_put through a view's index), diag /
diag_embed / diagflat / trace, argwhere, and the index factories tril_indices / triu_indices / unravel_index.

An index is split in two steps, as torch applies it: first every integer, slice and None as a view (so
integers never count as advanced indices), then the tensor indices on that view. Only the second step
follows NumPy's placement rule for the advanced dims: in place when adjacent, first when a slice (or a None)
separates them — which is torch's rule once the integers are gone.
"""
import builtins

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._registry import RAW, op
from ._surface import public
from .views import view_op

_FULL = slice(None)
_INDEX_DTYPES = (_dtype.int64, _dtype.int32, _dtype.uint8, _dtype.bool)


def _as_index_tuple(index):
    """torch treats a short non-tuple sequence holding sequences, slices, tensors, None or ... as a tuple."""
    if isinstance(index, tuple):
        return index
    if isinstance(index, (list, str)) and len(index) < 32 and builtins.any(
            isinstance(item, (Tensor, list, tuple, str, slice, np.ndarray)) or item is None or item is Ellipsis
            for item in index):
        return tuple(index)
    return (index,)


def _sequence_index(item):
    """A list (or ndarray) index as torch converts it: a bool mask if all bools, else int64 (floats truncated)."""
    if isinstance(item, str):
        raise TypeError(f"new(): invalid data type 'str'")
    try:
        array = np.asarray(item)
    except ValueError as error:
        raise TypeError(f"could not convert the index {item!r} to a tensor: {error}") from None
    if array.dtype == np.bool_:
        return array
    if array.size and array.dtype.kind not in "iuf":
        raise TypeError(f"new(): invalid data type '{array.dtype.name}'")
    return array.astype(np.int64)


def _tensor_index(item):
    """A tensor index as NumPy understands it: an int (0-d integer tensors select, as in torch) or an array."""
    if item.dtype not in _INDEX_DTYPES:
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if item.dtype is _dtype.uint8:
        return np.asarray(item._data, dtype=np.bool_), True
    if item.ndim == 0 and item.dtype is not _dtype.bool:
        return int(item._data), False
    return np.array(item._data), False


def _convert_item(item):
    """(NumPy index item, whether it came from a byte tensor)."""
    if isinstance(item, Tensor):
        return _tensor_index(item)
    if isinstance(item, slice):   # a step <= 0 is refused in _check_bounds, in torch's order of checks
        return slice(*(None if v is None else int(v) for v in (item.start, item.stop, item.step))), False
    if item is None or item is Ellipsis:
        return item, False
    if isinstance(item, (bool, np.bool_)):
        return np.asarray(bool(item)), False   # a 0-d mask: a new dim of size 1 (or 0), indexed
    if isinstance(item, (int, np.integer)):
        return int(item), False
    if isinstance(item, (list, tuple, str, np.ndarray)):
        return _sequence_index(item), False
    raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                     f"valid indices (got {type(item).__name__})")


def _index_width(item):
    """How many of the tensor's dims an index item consumes."""
    if isinstance(item, np.ndarray):
        return item.ndim if item.dtype == np.bool_ else 1
    if item is None or item is Ellipsis:
        return 0
    return 1


def _check_bounds(index, shape):
    """IndexError with torch's wording for out-of-range integers (NumPy's says 'axis')."""
    if builtins.sum(1 for item in index if item is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    total = builtins.sum(_index_width(item) for item in index)
    if total > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    dim = 0
    for item in index:
        if item is Ellipsis:
            dim += len(shape) - total
            continue
        if isinstance(item, slice) and item.step is not None and item.step <= 0:
            raise ValueError("step must be greater than zero")
        if isinstance(item, int) and not -shape[dim] <= item < shape[dim]:
            raise IndexError(f"index {item} is out of bounds for dimension {dim} with size {shape[dim]}")
        # torch wants a mask's shape to equal the dims it covers (NumPy lets a size-0 mask index a size-1 dim)
        if isinstance(item, np.ndarray) and item.dtype == np.bool_ and item.shape != tuple(shape[dim:dim + item.ndim]):
            raise IndexError(f"The shape of the mask {list(item.shape)} at index {dim} does not match the shape of "
                             f"the indexed tensor {list(shape)} at index {dim}")
        dim += _index_width(item)


def _expand_ellipses(items, shape):
    """torch accepts several Ellipses: each one skips (ndim - dims indexed) dims, and skipping past the last dim
    is harmless unless something is indexed there. Written out as full slices, trailing full slices dropped."""
    if builtins.sum(1 for item in items if item is Ellipsis) <= 1:
        return items
    skipped = builtins.max(len(shape) - builtins.sum(_index_width(item) for item in items), 0)
    expanded = []
    for item in items:
        expanded += [_FULL] * skipped if item is Ellipsis else [item]
    # torch does not even look at a trailing full slice (it is a no-op), so past the last dim it is no error
    while expanded and isinstance(expanded[-1], slice) and expanded[-1] == _FULL:
        expanded.pop()
    return expanded


class _Index:
    """An index split into its view part (ints, slices, None) and its advanced part (arrays), if any."""

    def __init__(self, items, shape, from_bytes):
        _check_bounds(items, shape)
        self.advanced = builtins.any(isinstance(item, np.ndarray) for item in items)
        self.from_bytes = from_bytes   # a byte-tensor mask: torch's masked_fill_ shortcut refuses it
        basic, advanced = [], []
        for item in items:
            if isinstance(item, np.ndarray):
                basic.extend([_FULL] * _index_width(item))
                advanced.append(item)
            elif item is None or isinstance(item, slice):
                basic.append(item)
                advanced.append(_FULL)   # the dim exists after the view step; the slice is already applied
            elif item is Ellipsis:
                basic.append(item)
                advanced.append(item)
            else:
                basic.append(item)
        self.basic = tuple(basic)
        self.advanced_index = tuple(advanced)
        self.trivial_view = builtins.all(item is Ellipsis or item == _FULL for item in basic)

    @classmethod
    def of(cls, index, shape):
        """The split of a Python index (Tensor.__getitem__ / __setitem__)."""
        if isinstance(index, slice) and index.step is not None and index.step <= 0:
            # a lone slice is checked before the dims are counted (x[::0] on a 0-d tensor); in a tuple, after
            raise ValueError("slice step cannot be zero" if index.step == 0 else "step must be greater than zero")
        items, from_bytes = [], False
        for item in _as_index_tuple(index):
            converted, from_byte_tensor = _convert_item(item)
            items.append(converted)
            from_bytes = from_bytes or from_byte_tensor
        return cls(_expand_ellipses(items, shape), shape, from_bytes)

    def mask(self):
        """The one bool mask (ndim >= 1) when it is the only advanced index: torch's masked_fill_ shortcut."""
        arrays = [item for item in self.advanced_index if isinstance(item, np.ndarray)]
        if len(arrays) == 1 and arrays[0].dtype == np.bool_ and arrays[0].ndim >= 1:
            return arrays[0]
        return None


@view_op("getitem", "index")
def _getitem_view(a, index=()):
    # a trailing Ellipsis makes NumPy return a 0-d view rather than a scalar copy for all-integer indices
    return a[index if Ellipsis in index else index + (Ellipsis,)]


def _numpy_index_error(error):
    return IndexError(str(error).replace("axis", "dimension").replace("arrays", "tensors"))


def _empty_result_shape(a, index):
    """torch checks index values only while it reads elements, so an empty result never fails (x[:, [5]] on a
    (0, 3) tensor is (0, 1)). That result's shape, with the integer indices wrapped into range; else None."""
    if a.size:
        return None
    widths = [_index_width(item) for item in index]
    dim, wrapped = 0, []
    for item, width in zip(index, widths):
        if item is Ellipsis:
            dim += a.ndim - builtins.sum(widths)
        elif isinstance(item, np.ndarray) and item.dtype != np.bool_ and dim < a.ndim and a.shape[dim] > 0:
            item = item % a.shape[dim]
        wrapped.append(item)
        dim += width
    try:
        result = a[tuple(wrapped)]
    except IndexError:
        return None
    return result.shape if result.size == 0 else None


@op("index", promotion=RAW, saves=("a.shape", "index"))
def _index(a, index=()):
    try:
        result = a[index]
    except IndexError as error:
        empty = _empty_result_shape(a, index)
        if empty is None:
            raise _numpy_index_error(error) from None
        result = np.empty(empty, a.dtype)
    # NumPy gives empty results all-zero strides; torch's are contiguous (and stride 0 would read as overlap)
    return np.empty(result.shape, a.dtype) if result.size == 0 else result


@op("index_backward", promotion=RAW, saves=("index",))
def _index_backward(g, input_shape=(), index=()):
    grad = np.zeros(input_shape, dtype=g.dtype)
    if g.size:   # an empty result read nothing (its indices may be out of range, as torch allows)
        np.add.at(grad, index, g)  # repeated indices accumulate
    return grad


@_index.vjp
def _(g, a_shape, index):
    return _index_backward(g, input_shape=tuple(a_shape), index=index)


@_index_backward.vjp
def _(gg, index):
    return _index(gg, index=index)


def getitem(input, index):
    split = _Index.of(index, input.shape)
    if not split.advanced:
        return _getitem_view(input, index=split.basic)
    target = input if split.trivial_view else _getitem_view(input, index=split.basic)
    return _index(target, index=split.advanced_index)


# ---------------------------------------------------------------- writing: index_put

@op("index_put", promotion=RAW, saves=("index", "accumulate", "values.shape"))
def _index_put(a, values, index=(), accumulate=False):
    result = a.copy()
    values = values.astype(a.dtype, copy=False) if isinstance(values, np.ndarray) else values
    try:
        if accumulate:
            np.add.at(result, index, values)
        else:
            result[index] = values
    except IndexError as error:
        if _empty_result_shape(a, index) is None:   # writing to no element checks no index, as torch
            raise _numpy_index_error(error) from None
    except ValueError:
        indexed = a[index].shape
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(np.shape(values))} cannot be broadcast "
                           f"to indexing result of shape {list(indexed)}") from None
    return result


@_index_put.vjp
def _(g, index, accumulate, values_shape):
    grad_values = _index(g, index=index)
    if not accumulate:
        g = _index_put(g, 0.0, index=index)   # overwritten positions do not reach the input
    return g, grad_values.sum_to_size(values_shape) if grad_values.shape != values_shape else grad_values


def _strip_leading_ones(value, ndim):
    """torch drops a value's leading size-1 dims beyond the target's rank before broadcasting it."""
    extra = 0
    while value.ndim - extra > ndim and value.shape[extra] == 1:
        extra += 1
    return value.reshape(value.shape[extra:]) if extra else value


def _put_values(input, split, values, accumulate, name):
    """values as index_put_ takes them: torch's masked_fill_ shortcut casts a one-element value, else the
    dtypes must match."""
    if not isinstance(values, Tensor):
        return values
    if not accumulate and values.numel() == 1 and split.mask() is not None:
        if split.from_bytes:
            raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype unsigned char")
        return values.reshape(()).to(input.dtype)
    if values.dtype is not input.dtype:
        raise RuntimeError(f"{name}: Index put requires the source and destination dtypes match, got "
                           f"{_dtype.scalar_type_name(input.dtype)} for the destination and "
                           f"{_dtype.scalar_type_name(values.dtype)} for the source.")
    return values


def setitem(input, index, value):
    from .inplace import apply_inplace
    if not isinstance(value, (Tensor, int, float, bool, np.number, np.bool_)):
        raise TypeError(f"can't assign a {type(value).__name__} to a {input.dtype} tensor")
    split = _Index.of(index, input.shape)
    target = input if split.trivial_view else _getitem_view(input, index=split.basic)
    if isinstance(value, Tensor):
        value = _strip_leading_ones(value, target.ndim)
    if not split.advanced:
        if isinstance(value, Tensor):
            target.copy_(value)
        else:
            from .inplace import check_inplace_allowed
            check_inplace_allowed(target, "copy_")   # torch copies a number in (fill_ would accept an overlap)
            target.fill_(value)
        return
    value = _put_values(input, split, value, False, "index_put_")
    apply_inplace(target, lambda a, v: _index_put(a, v, index=split.advanced_index), "index_put_", value)


def _index_put_arguments(input, indices, values, name):
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"{name}(): argument 'indices' must be tuple of Tensors, not {type(indices).__name__}")
    for position, item in enumerate(indices):
        if not isinstance(item, Tensor):
            raise TypeError(f"{name}(): expected Tensor as element {position} in argument 0, but got "
                            f"{type(item).__name__}")
    if not isinstance(values, Tensor):
        raise TypeError(f"{name}(): argument 'values' (position 2) must be Tensor, not {type(values).__name__}")
    # In index_put every index is advanced: a 0-d integer tensor broadcasts like the others
    items, from_bytes = [], False
    for item in indices:
        if item.dtype not in _INDEX_DTYPES:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        from_bytes = from_bytes or item.dtype is _dtype.uint8
        items.append(np.asarray(item._data, dtype=np.bool_ if item.dtype is _dtype.uint8 else None))
    if builtins.sum(_index_width(item) for item in items) > input.ndim:
        raise IndexError(f"too many indices for tensor of dimension {input.ndim} (got {len(items)})")
    return _Index(items, input.shape, from_bytes)


@public(function=False, method=True)
def index_put_(input, indices, values, accumulate=False):
    from .inplace import apply_inplace
    split = _index_put_arguments(input, indices, values, "index_put_")
    values = _put_values(input, split, values, accumulate, "index_put_")
    return apply_inplace(input, lambda a, v: _index_put(a, v, index=split.advanced_index, accumulate=accumulate),
                         "index_put_", values)


@public(method=True)
def index_put(input, indices, values, accumulate=False):
    split = _index_put_arguments(input, indices, values, "index_put")
    values = _put_values(input, split, values, accumulate, "index_put")
    return _index_put(input, values, index=split.advanced_index, accumulate=accumulate)


# ---------------------------------------------------------------- nonzero

@op("nonzero", promotion=RAW, nondifferentiable="int64 indices")
def _nonzero(a):
    return np.argwhere(a).astype(np.int64)


@public(method=True)
def nonzero(input, *, as_tuple=False):
    if as_tuple and input.ndim == 0:
        return (_nonzero(input.reshape(1)).reshape(-1),)   # torch treats a 0-d input as 1-d here
    indices = _nonzero(input)
    if not as_tuple:
        return indices
    return tuple(indices[:, d] for d in range(input.ndim))


@op("nonzero_static", promotion=RAW, nondifferentiable="int64 indices")
def _nonzero_static(a, size=0, fill_value=-1):
    found = np.argwhere(a)[:size]
    indices = np.full((size, a.ndim), fill_value, np.int64)
    indices[:len(found)] = found
    return indices


@public(method=True)
def nonzero_static(input, *, size, fill_value=-1):
    """torch.nonzero_static: nonzero's (count, ndim) indices, cut to `size` rows or padded with rows of fill_value."""
    for name, value in (("size", size), ("fill_value", fill_value)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"nonzero_static(): argument '{name}' must be int, not {type(value).__name__}")
    if size < 0:
        raise RuntimeError("nonzero_static: 'size' must be an non-negative integer")
    return _nonzero_static(input, size=int(size), fill_value=int(fill_value))


@public(method=True)
def argwhere(input):
    """nonzero(input) under numpy's name: the (count, ndim) int64 indices."""
    return _nonzero(input)


# ---------------------------------------------------------------- *_scatter: a copy of input with a view overwritten
# Each is index_put with the view's NumPy index (slices, an integer, or the diagonal's two index arrays), so the
# gradient is index_put's: the overwritten positions of g go to src, the rest to input.

def _check_src(input, src, target_shape):
    if not isinstance(src, Tensor):
        raise TypeError(f"argument 'src' (position 2) must be Tensor, not {type(src).__name__}")
    if tuple(src.shape) != tuple(target_shape):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(target_shape)}")
    return src.to(input.dtype)   # torch copies src in, casting it


@public(method=True)
def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    from .views import slice_bounds
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    if input.ndim == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    dim = _wrap_dim(dim, input.ndim, "slice_scatter")
    start, end = slice_bounds(input.shape[dim], start, end)
    index = (_FULL,) * dim + (slice(start, end, step),)
    shape = list(input.shape)
    shape[dim] = len(range(start, end, step))
    return _index_put(input, _check_src(input, src, shape), index=index)


@public(method=True)
def select_scatter(input, src, dim, index):
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = _wrap_dim(dim, input.ndim, "select_scatter")
    size = input.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at dimension "
                         f"{dim}")
    shape = input.shape[:dim] + input.shape[dim + 1:]
    return _index_put(input, _check_src(input, src, shape), index=(_FULL,) * dim + (int(index) % size,))


@public(method=True)
def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    from .views import diagonal, movedim
    target = diagonal(input, offset, dim1, dim2)   # checks the dims as torch does
    src = _check_src(input, src, target.shape)
    dim1, dim2 = _wrap_dim(dim1, input.ndim, "diagonal"), _wrap_dim(dim2, input.ndim, "diagonal")
    length = target.shape[-1]
    index = [_FULL] * input.ndim
    index[dim1] = np.arange(length) + max(-offset, 0)
    index[dim2] = np.arange(length) + max(offset, 0)
    # NumPy puts the diagonal where the two index arrays stand when they are adjacent, else first; src has it last
    position = min(dim1, dim2) if abs(dim1 - dim2) == 1 else 0
    return _index_put(input, movedim(src, -1, position), index=tuple(index))


@public(method=True)
def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """A copy of input with the window (size, stride, storage_offset) of its storage overwritten by src. torch
    copies the input's whole storage and keeps its geometry (strides and offset: the window is placed in the
    storage the input is a view of); an input with overlapping elements (expanded) is cloned contiguous instead.
    Both are index_put on the storage seen flat, so the gradient is index_put's."""
    from .strided import _element_indices, as_strided
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    positions = _element_indices(tuple(input.shape), input.stride(), input.storage_offset())
    mirrored = np.unique(positions).size == positions.size
    # no offset: the output's own, as as_strided's (a contiguous clone's is 0)
    offset = (input.storage_offset() if mirrored else 0) if storage_offset is None else int(storage_offset)
    storage_numel = input.untyped_storage().buffer.size if mirrored else input.numel()
    needed = offset + 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(n > 0 for n in size) else 0
    if needed > storage_numel:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and "
                           f"itemsize {input.element_size()} requiring a storage size of {needed * input.element_size()} "
                           f"are out of bounds for storage of size {storage_numel * input.element_size()}")
    src = _check_src(input, src, size)
    window = (_element_indices(size, stride, offset),)
    if not mirrored:
        written = _index_put(input.contiguous().reshape(-1), src, index=window)
        return written.reshape(input.shape)
    # the storage outside the input's elements is never read through the result: zeros stand in for it
    storage = _index_put(input.new_zeros(storage_numel), input, index=(positions,))
    written = _index_put(storage, src, index=window)
    return as_strided(written, input.shape, input.stride(), input.storage_offset())


# ---------------------------------------------------------------- diag / diag_embed / diagflat / trace

@public(method=True)
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Zeros of the input's shape with its last dim replaced by two, the input written on their diagonal."""
    ndim = input.ndim + 1
    first, second = _wrap_dim(dim1, ndim, "diag_embed"), _wrap_dim(dim2, ndim, "diag_embed")
    if first == second:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    extent = input.shape[-1] + abs(offset)
    shape = list(input.shape[:-1])
    for dim in sorted((first, second)):
        shape.insert(dim, extent)
    return diagonal_scatter(input.new_zeros(shape), input, offset, first, second)


@public(method=True)
def diag(input, diagonal=0, *, out=None):
    """A 1-d input on the diagonal of a square matrix; a 2-d input's diagonal, copied."""
    from .inplace import write_out_checked
    from .views import diagonal as diagonal_view
    if isinstance(diagonal, bool) or not isinstance(diagonal, (int, np.integer)):
        raise TypeError(f"diag(): argument 'diagonal' (position 2) must be int, not {type(diagonal).__name__}")
    if input.ndim == 1:
        result = diag_embed(input, int(diagonal), 0, 1)
    elif input.ndim != 2:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")
    else:
        result = diagonal_view(input, int(diagonal)).clone()
    return result if out is None else write_out_checked(out, result, None)


@public(method=True)
def diagflat(input, offset=0):
    from .views import ravel
    return diag(ravel(input), offset)


@public(method=True)
def trace(input):
    """The diagonal's sum: integers sum to int64, as torch's trace."""
    from .views import diagonal
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    if input.dtype is _dtype.bool:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    return diagonal(input).sum()


# ---------------------------------------------------------------- tril_indices / triu_indices / unravel_index

def _triangle_indices(name, numpy_indices, row, col, offset, dtype):
    for argument, value in (("row", row), ("col", col), ("offset", offset)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name}(): argument '{argument}' must be int, not {type(value).__name__}")
    dtype = _dtype.int64 if dtype is None else dtype
    if dtype not in (_dtype.int32, _dtype.int64):
        raise NotImplementedError(f"\"{name}\" not implemented for '{_dtype.scalar_type_name(dtype)}'")
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    rows, cols = numpy_indices(row, offset, col)   # both row-major, as torch's
    return Tensor._from_fresh(np.stack([rows, cols]).astype(dtype.numpy_type).reshape(2, -1))


@public()
def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None, pin_memory=False, requires_grad=False):
    return _triangle_indices("tril_indices", np.tril_indices, row, col, offset, dtype)


@public()
def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None, pin_memory=False, requires_grad=False):
    return _triangle_indices("triu_indices", np.triu_indices, row, col, offset, dtype)


@public()
def unravel_index(indices, shape):
    """The coordinates of flat indices in `shape`, one int64 tensor per dim; indices wrap (floor division and
    modulo, as torch's), out-of-range ones included."""
    if not isinstance(indices, Tensor):   # torch reads indices.is_complex() first: AttributeError
        raise AttributeError(f"'{type(indices).__name__}' object has no attribute 'is_complex'")
    if indices.dtype.is_floating_point or indices.dtype is _dtype.bool or indices.dtype.is_complex:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (shape,) if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool) else shape
    if not isinstance(shape, (list, tuple)):
        raise TypeError(f"expected 'shape' to be int or sequence of ints, but got {type(shape)}")
    for extent in shape:
        if isinstance(extent, bool) or not isinstance(extent, (int, np.integer)):
            raise TypeError(f"expected 'shape' sequence to only contain ints, but got {type(extent)}")
    shape = tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    flat = indices._data.astype(np.int64)
    coefficients = np.cumprod((1,) + shape[:0:-1])[::-1] if shape else ()
    return tuple(Tensor._from_fresh((flat // coefficient) % extent) for coefficient, extent in zip(coefficients, shape))
