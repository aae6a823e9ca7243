"""gather / scatter / scatter_add, index_select / index_add, take_along_dim, masked_select, one_hot.

The primitives come in pairs that are each other's derivative: gather <-> scatter-add into zeros,
index_select <-> index-add into zeros; so double backward needs no extra rule. Index tensors travel as
NumPy int64 arrays in the ops' keyword params (they are not differentiable operands). As in torch, a 0-d
self, index or source counts as a 1-d tensor of size 1.
"""
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._registry import RAW, op
from ._surface import public
from .indexing import _index
from .inplace import write_out_checked

_HALF_TYPES = (np.float16, _dtype.bfloat16.numpy_type)


def _as_1d(array):
    return array.reshape(1) if array.ndim == 0 else array


def _positions(index, dim):
    """Coordinates addressing, for each element of `index`, the element index[i][j]... names along `dim`."""
    coords = [np.arange(n).reshape([-1 if k == d else 1 for k in range(index.ndim)])
              for d, n in enumerate(index.shape)]
    coords[dim] = index
    return tuple(coords)


def _leading(src, shape):
    """The corner of src that index's shape covers: torch reads only src[:index.size(0), :index.size(1), ...]."""
    return src[tuple(slice(0, n) for n in shape)]


# ---------------------------------------------------------------- checks shared by the family

def _size(shape, dim):
    return shape[dim] if shape else 1


def _index_array(name, index, dtypes=(_dtype.int64, _dtype.int32), expected="int32/int64", empty_any_dtype=False):
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not {type(index).__name__}")
    # gather/scatter check the index dtype only when the index has elements: an empty uint8/float index passes
    if index.dtype not in dtypes and not (empty_any_dtype and index._data.size == 0):
        raise RuntimeError(f"{name}(): Expected dtype {expected} for index")
    return np.array(index._data, dtype=np.int64)


def _check_in_range(name, index, size, dim):
    """Out-of-range indices are a RuntimeError here (an IndexError only in Tensor.__getitem__), as in torch."""
    bad = index[(index < 0) | (index >= size)]
    if bad.size:
        raise RuntimeError(f"{name}(): index {int(bad.flat[0])} is out of bounds for dimension {dim} with size "
                           f"{size}")


def _check_same_dtype(name, input, other, what):
    if other.dtype is not input.dtype:
        if name.startswith("scatter"):
            raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype (got "
                               f"{_dtype.scalar_type_name(input.dtype)} and {_dtype.scalar_type_name(other.dtype)})")
        raise RuntimeError(f"{name}(): self ({_dtype.scalar_type_name(input.dtype)}) and {what} "
                           f"({_dtype.scalar_type_name(other.dtype)}) must have the same scalar type")


def _gather_scatter_index(name, input, dim, index, src=None):
    """torch's checks for gather/scatter: same rank, index no larger than self (except along dim) nor src."""
    dim = _wrap_dim(dim, input.ndim, name)
    array = _index_array(name, index, empty_any_dtype=True)
    rank = max(input.ndim, 1)
    if array.size == 0:
        # torch checks nothing more for an empty index (any rank): gather gives an index-shaped empty result,
        # scatter returns self unchanged
        keep = name == "gather" or max(array.ndim, 1) == rank
        return dim, array if keep else array.reshape((0,) * rank)
    if max(array.ndim, 1) != rank:
        raise RuntimeError(f"{name}(): Index tensor must have the same number of dimensions as input tensor")
    if src is not None and max(src.ndim, 1) != rank:
        raise RuntimeError(f"{name}(): Index tensor must have the same number of dimensions as src tensor")
    index_shape, input_shape = _as_1d(array).shape, input.shape or (1,)
    for d in range(rank):
        if d != dim and index_shape[d] > input_shape[d] or (src is not None and index_shape[d] > _size(src.shape, d)):
            extra = "" if src is None else f" and to be no larger size than src {list(src.shape)}"
            raise RuntimeError(f"{name}(): Size does not match at dimension {d}: expected index "
                               f"{list(array.shape)} to be no larger than self {list(input.shape)} apart from "
                               f"dimension {dim}{extra}")
    _check_in_range(name, array, input_shape[dim], dim)
    return dim, array


# ---------------------------------------------------------------- gather and its derivative (scatter-add into zeros)

@op("gather", promotion=RAW, saves=("a.shape", "dim", "index"))
def _gather(a, dim=0, index=None):
    if index.size == 0:
        return np.zeros(index.shape, dtype=a.dtype)
    return _as_1d(a)[_positions(_as_1d(index), dim)].reshape(index.shape)


@op("gather_backward", promotion=RAW, saves=("dim", "index"))
def _gather_backward(g, input_shape=(), dim=0, index=None):
    grad = np.zeros(input_shape or (1,), dtype=g.dtype)
    if index.size == 0:
        return grad.reshape(input_shape)
    np.add.at(grad, _positions(_as_1d(index), dim), _as_1d(g))   # repeated indices accumulate
    return grad.reshape(input_shape)


@_gather.vjp
def _(g, a_shape, dim, index):
    return _gather_backward(g, input_shape=tuple(a_shape), dim=dim, index=index)


@_gather_backward.vjp
def _(gg, dim, index):
    return _gather(gg, dim=dim, index=index)


# the C type names torch's gather prints for a mismatched out= dtype
_C_TYPE_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
                 "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
                 "uint8": "unsigned char", "bool": "bool"}


@public(method=True)
def gather(input, dim, index, *, sparse_grad=False, out=None):
    dim, array = _gather_scatter_index("gather", input, dim, index)
    result = _gather(input, dim=dim, index=array)
    if out is None:
        return result
    names = [_C_TYPE_NAMES.get(str(t.dtype).removeprefix("torch."), str(t.dtype)) for t in (input, out)]
    return write_out_checked(out, result, (input, index),
                             f"Expected out tensor to have dtype {names[0]}, but got {names[1]} instead")


# ---------------------------------------------------------------- scatter (src tensor or value), scatter_add

@op("scatter", promotion=RAW, saves=("dim", "index"))
def _scatter(a, src, dim=0, index=None):
    result = np.array(_as_1d(a))
    shape = _as_1d(index).shape
    result[_positions(_as_1d(index), dim)] = _leading(_as_1d(src), shape)   # a repeated index: the last write wins
    return result.reshape(a.shape)


@_scatter.vjp
def _(g, dim, index):
    # torch's rule: self gets g with the overwritten positions zeroed, src gets gather(g)
    return _scatter_value(g, value=0, dim=dim, index=index), _gather(g, dim=dim, index=index)


def _src_larger_than_index(kernel, name, node):
    """The same kernel for a src (requiring grad) larger than index: torch's rule gives src an index-shaped
    gradient, which its engine rejects, so backward fails naming the op."""
    larger = op(name, promotion=RAW, saves=("src.shape", "index"))(kernel)

    @larger.vjp
    def _(g, src_shape, index):
        raise RuntimeError(f"Function {node} returned an invalid gradient at index 1 - got "
                           f"{list(_as_1d(index).shape)} but expected shape compatible with {list(src_shape)}")
    return larger


_scatter_src_larger = _src_larger_than_index(_scatter.kernel, "scatter_src_larger_than_index", "ScatterBackward0")


def _scatter_op(src, index, exact, larger):
    """`exact`, unless src requires grad and is larger than index (then torch's backward fails)."""
    if src.requires_grad and tuple(src.shape or (1,)) != _as_1d(index).shape:
        return larger
    return exact


@op("scatter_value", promotion=RAW, saves=("dim", "index"))
def _scatter_value(a, value=0, dim=0, index=None):
    result = np.array(_as_1d(a))
    result[_positions(_as_1d(index), dim)] = value   # NumPy casts like torch: 7.5 into an int64 tensor is 7
    return result.reshape(a.shape)


@_scatter_value.vjp
def _(g, dim, index):
    return _scatter_value(g, value=0, dim=dim, index=index)


@op("scatter_add", promotion=RAW, saves=("dim", "index"))
def _scatter_add(a, src, dim=0, index=None):
    compute_type = np.float32 if a.dtype in _HALF_TYPES else a.dtype   # half types add in float32, round once
    result = np.array(_as_1d(a), dtype=compute_type)
    shape = _as_1d(index).shape
    np.add.at(result, _positions(_as_1d(index), dim), _leading(_as_1d(src), shape).astype(compute_type, copy=False))
    return result.astype(a.dtype, copy=False).reshape(a.shape)


@_scatter_add.vjp
def _(g, dim, index):
    return g, _gather(g, dim=dim, index=index)


_scatter_add_src_larger = _src_larger_than_index(_scatter_add.kernel, "scatter_add_src_larger_than_index",
                                                 "ScatterAddBackward0")


_REDUCE_UFUNCS = {"add": np.add, "multiply": np.multiply}


@op("scatter_reduce_two", promotion=RAW)
def _scatter_reduce_two(a, src, dim=0, index=None, reduce="add"):
    compute_type = np.float32 if a.dtype in _HALF_TYPES else a.dtype   # half types reduce in float32, round once
    result = np.array(_as_1d(a), dtype=compute_type)
    shape = _as_1d(index).shape
    _REDUCE_UFUNCS[reduce].at(result, _positions(_as_1d(index), dim),
                              _leading(_as_1d(src), shape).astype(compute_type, copy=False))
    return result.astype(a.dtype, copy=False).reshape(a.shape)


@op("scatter_value_reduce", promotion=RAW)
def _scatter_value_reduce(a, value=0, dim=0, index=None, reduce="add"):
    compute_type = np.float32 if a.dtype in _HALF_TYPES else a.dtype   # half types reduce in float32, round once
    result = np.array(_as_1d(a), dtype=compute_type)
    value = np.asarray(value).astype(a.dtype).astype(compute_type)   # cast to self's dtype first, as torch does
    _REDUCE_UFUNCS[reduce].at(result, _positions(_as_1d(index), dim), value)
    return result.astype(a.dtype, copy=False).reshape(a.shape)


# torch has no derivative for scatter with reduce= (backward raises naming aten::scatter)
_scatter_reduce_two.no_derivative("aten::scatter")
_scatter_value_reduce.no_derivative("aten::scatter")


def _scatter_arguments(name, input, dim, index, src, value):
    if (src is None) == (value is None):
        raise TypeError(f"{name}() expects exactly one of src (a Tensor) or value (a number)")
    if isinstance(src, Tensor):
        _check_same_dtype(name, input, src, "src")
        return _gather_scatter_index(name, input, dim, index, src), src
    value = src if src is not None else value
    if not isinstance(value, (int, float, bool, np.number, np.bool_)):
        raise TypeError(f"{name}(): argument 'src' must be Tensor or a number, not {type(value).__name__}")
    return _gather_scatter_index(name, input, dim, index), value


def _scatter_function(input, dim, index, src, value, reduce):
    if reduce is not None and reduce not in _REDUCE_UFUNCS:
        raise RuntimeError("reduce argument must be either add or multiply.")
    (dim, array), src = _scatter_arguments("scatter", input, dim, index, src, value)
    if reduce is not None:
        if isinstance(src, Tensor):
            warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated and will be removed in "
                          "a future PyTorch release. Use torch.scatter_reduce instead for more reduction options.",
                          UserWarning, stacklevel=3)
            return lambda a, s: _scatter_reduce_two(a, s, dim=dim, index=array, reduce=reduce), (src,)
        return lambda a: _scatter_value_reduce(a, value=src, dim=dim, index=array, reduce=reduce), ()
    if isinstance(src, Tensor):
        kernel = _scatter_op(src, array, _scatter, _scatter_src_larger)
        return lambda a, s: kernel(a, s, dim=dim, index=array), (src,)
    return lambda a: _scatter_value(a, value=src, dim=dim, index=array), ()


@public(method=True)
def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    function, operands = _scatter_function(input, dim, index, src, value, reduce)
    return function(input, *operands)


@public(function=False, method=True)
def scatter_(input, dim, index, src=None, *, value=None, reduce=None):
    from .inplace import apply_inplace
    function, operands = _scatter_function(input, dim, index, src, value, reduce)
    return apply_inplace(input, function, "scatter_", *operands)


def _scatter_add_arguments(name, input, dim, index, src):
    if not isinstance(src, Tensor):
        raise TypeError(f"{name}(): argument 'src' (position 3) must be Tensor, not {type(src).__name__}")
    _check_same_dtype("scatter", input, src, "src")
    return _gather_scatter_index(name, input, dim, index, src)


@public(method=True)
def scatter_add(input, dim, index, src):
    dim, array = _scatter_add_arguments("scatter_add", input, dim, index, src)
    return _scatter_op(src, array, _scatter_add, _scatter_add_src_larger)(input, src, dim=dim, index=array)


@public(function=False, method=True)
def scatter_add_(input, dim, index, src):
    from .inplace import apply_inplace
    dim, array = _scatter_add_arguments("scatter_add_", input, dim, index, src)
    kernel = _scatter_op(src, array, _scatter_add, _scatter_add_src_larger)
    return apply_inplace(input, lambda a, s: kernel(a, s, dim=dim, index=array), "scatter_add_", src)


# ---------------------------------------------------------------- index_select and its derivative (index-add into zeros)

@op("index_select", promotion=RAW, saves=("a.shape", "dim", "index"))
def _index_select(a, dim=0, index=None):
    result = np.take(_as_1d(a), index.reshape(-1), axis=dim)
    return result.reshape(()) if a.ndim == 0 else result


def _add_along(target, dim, index, values):
    """target[..., index[i], ...] += values[..., i, ...] along dim, repeated indices accumulating (in place)."""
    np.add.at(np.moveaxis(target, dim, 0), index.reshape(-1), np.moveaxis(_as_1d(values), dim, 0))


@op("index_select_backward", promotion=RAW, saves=("dim", "index"))
def _index_select_backward(g, input_shape=(), dim=0, index=None):
    grad = np.zeros(input_shape or (1,), dtype=g.dtype)
    _add_along(grad, dim, index, g)
    return grad.reshape(input_shape)


@_index_select.vjp
def _(g, a_shape, dim, index):
    return _index_select_backward(g, input_shape=tuple(a_shape), dim=dim, index=index)


@_index_select_backward.vjp
def _(gg, dim, index):
    return _index_select(gg, dim=dim, index=index)


def _vector_index(name, input, dim, index, expected, check_range=True):
    dim = _wrap_dim(dim, input.ndim, name)
    if isinstance(index, Tensor) and index.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector, but got dim: {index.ndim} with type: "
                         f"{_dtype.scalar_type_name(index.dtype)} and size: {list(index.shape)}")
    array = _index_array(name, index, expected=expected)
    if check_range:
        _check_in_range(name, array, _size(input.shape, dim), dim)
    return dim, array


@public(method=True)
def index_select(input, dim, index, *, out=None):
    dim, array = _vector_index("index_select", input, dim, index, "int32 or int64")
    if input.ndim == 0 and array.size != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {array.size} value(s)")
    result = _index_select(input, dim=dim, index=array)
    if out is None:
        return result
    return write_out_checked(out, result, (input, index), "index_select(): self and result must have the same "
                                                          "scalar type")


@op("index_add", promotion=RAW, saves=("dim", "index", "alpha"))
def _index_add(a, source, dim=0, index=None, alpha=1):
    compute_type = np.float32 if a.dtype in _HALF_TYPES else a.dtype   # half types add in float32, round once
    result = np.array(_as_1d(a), dtype=compute_type)
    if a.dtype.kind in "iub":
        alpha = int(alpha)   # torch truncates alpha for integer tensors (alpha=2.5 adds twice the source)
        if a.dtype.kind in "iu":
            alpha = _dtype.checked_integer(alpha, a.dtype)   # alpha=-1 wraps to 255 in uint8
    values = _as_1d(source).astype(compute_type, copy=False)
    _add_along(result, dim, index, values if alpha == 1 else values * alpha)
    return result.astype(a.dtype, copy=False).reshape(a.shape)


@_index_add.vjp
def _(g, dim, index, alpha):
    grad_source = _index_select(g, dim=dim, index=index)
    return g, grad_source if alpha == 1 else grad_source * alpha


def _index_add_arguments(name, input, dim, index, source, check_range=True):
    if not isinstance(source, Tensor):
        raise TypeError(f"{name}(): argument 'source' (position 3) must be Tensor, not {type(source).__name__}")
    dim, array = _vector_index(name, input, dim, index, "int32 or int64", check_range)
    _check_same_dtype("index_add_" if name == "index_add" else name, input, source, "source")
    # torch compares the shapes without dim, or whole when either is 0-d
    if source.ndim == 0 or input.ndim == 0:
        mismatch = tuple(source.shape) != tuple(input.shape)
    else:
        mismatch = source.shape[:dim] + source.shape[dim + 1:] != input.shape[:dim] + input.shape[dim + 1:]
    if mismatch:
        raise RuntimeError(f"{name}(): source tensor shape must match self tensor shape, excluding the specified "
                           f"dimension. Got self.shape = {list(input.shape)} source.shape = {list(source.shape)}")
    if _size(source.shape, dim) != array.size:
        raise RuntimeError(f"{name}(): Number of indices ({array.size}) should be equal to source.size(dim): "
                           f"({_size(source.shape, dim)}), for dim: {dim}")
    return dim, array


@public(method=True)
def index_add(input, dim, index, source, *, alpha=1):
    dim, array = _index_add_arguments("index_add", input, dim, index, source)
    return _index_add(input, source, dim=dim, index=array, alpha=alpha)


@public(function=False, method=True)
def index_add_(input, dim, index, source, *, alpha=1):
    from .inplace import apply_inplace
    dim, array = _index_add_arguments("index_add_", input, dim, index, source)
    return apply_inplace(input, lambda a, s: _index_add(a, s, dim=dim, index=array, alpha=alpha), "index_add_",
                         source)


# ---------------------------------------------------------------- composites: take_along_dim, masked_select

def _broadcast_shape(name, first, second):
    try:
        return tuple(np.broadcast_shapes(tuple(first), tuple(second)))
    except ValueError:
        raise RuntimeError(f"{name}(): shapes {list(first)} and {list(second)} cannot be broadcast together: the "
                           f"size of tensor a must match the size of tensor b at each non-singleton dimension") from None


@public(method=True)
def take_along_dim(input, indices, dim=None):
    """gather after broadcasting input and indices against each other in every dim but `dim`."""
    if not isinstance(indices, Tensor) or indices.dtype is not _dtype.int64:
        got = _dtype.scalar_type_name(indices.dtype) if isinstance(indices, Tensor) else type(indices).__name__
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got {got}")
    if dim is None:
        # the flattened form is a plain gather: negative indices are out of range here
        return gather(input.reshape(-1), 0, indices.reshape(-1))
    if input.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    dim = _wrap_dim(dim, input.ndim, "take_along_dim")
    if input.ndim != indices.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.ndim} dimensions for input, and {indices.ndim} dimensions for indices")
    others = _broadcast_shape("take_along_dim", [1 if d == dim else n for d, n in enumerate(input.shape)],
                              [1 if d == dim else n for d, n in enumerate(indices.shape)])
    input_shape = others[:dim] + (input.shape[dim],) + others[dim + 1:]
    index_shape = others[:dim] + (indices.shape[dim],) + others[dim + 1:]
    array = np.broadcast_to(np.asarray(indices._data, dtype=np.int64), index_shape)
    size = input.shape[dim]
    if size:
        array = array % size   # torch's take_along_dim(dim=...) takes every index modulo the size (-5 of 4 is 3)
    else:
        _check_in_range("take_along_dim", array, size, dim)
    expanded = input if tuple(input.shape) == input_shape else input.expand(input_shape)
    return _gather(expanded, dim=dim, index=array)


@public(method=True)
def masked_select(input, mask, *, out=None):
    if not isinstance(mask, Tensor) or mask.dtype is not _dtype.bool:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = _broadcast_shape("masked_select", input.shape, mask.shape)
    expanded = input if tuple(input.shape) == shape else input.expand(shape)
    result = _index(expanded, index=(np.broadcast_to(mask._data, shape),))
    if out is None:
        return result
    return write_out_checked(out, result, (input, mask), "masked_select(): self and result must have the same "
                                                         "scalar type")


# ---------------------------------------------------------------- index_fill / index_copy along one dim

def _along(array, dim):
    """array (a 0-d one as 1-d) with `dim` moved first: a view to read or write whole slices by index."""
    return np.moveaxis(_as_1d(array), dim, 0)


def _long_index(name, input, dim, index, message):
    """index_fill/index_copy/take/put: an int64 vector or scalar (torch refuses int32 here), and dim wrapped."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index.dtype is not _dtype.int64:
        raise message(index)
    return np.array(index._data, dtype=np.int64)


def _index_out_of_range(name, index, size, dim, negative=False):
    """IndexError for an index outside the dim (index_fill also takes negative ones, counted from the end)."""
    bad = index[(index < (-size if negative else 0)) | (index >= size)]
    if bad.size:
        raise IndexError(f"{name}index {int(bad.flat[0])} is out of bounds for dimension {dim} with size {size}")


@op("index_fill", promotion=RAW, saves=("dim", "index", "value_requires_grad"))
def _index_fill(a, value, dim=0, index=None, value_requires_grad=False):
    """value_requires_grad: whether the rule is asked for a value tensor's gradient (torch computes it, and may
    fail on it, only then)."""
    result = np.array(a)
    # NumPy casts like torch, and counts a negative index from the end as index_fill does
    _along(result, dim)[index.reshape(-1)] = np.asarray(value).astype(a.dtype)
    return result


@_index_fill.vjp
def _(g, dim, index, value_requires_grad):
    # torch's rule: self gets g with the filled slices zeroed; a value tensor the sum of g over the filled slices,
    # each slice counted once however often the index repeats it
    grad_value = None
    if value_requires_grad:
        if (index < 0).any():
            # torch index_selects those slices with the indices as given: a negative one is out of range there,
            # refused by index_select's dim-1 fast path (RuntimeError) or by its general path (IndexError)
            if dim == 1 and g.ndim > 1:
                raise RuntimeError(f"INDICES element is out of DATA bounds, id={int(index[index < 0][0])} "
                                   f"axis_dim={g.shape[1]}")
            raise IndexError("index out of range in self")
        grad_value = _index_select(g, dim=dim, index=np.unique(index)).sum()
    return _index_fill(g, 0, dim=dim, index=index), grad_value


@public(method=True, inplace=True)
def index_fill(input, dim, index, value):
    dim = _wrap_dim(dim, input.ndim, "index_fill")
    array = _long_index("index_fill", input, dim, index,
                        lambda i: IndexError("index_fill_(): Expected dtype int64 for index."))
    if array.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
    elif not isinstance(value, (bool, int, float, np.number, np.bool_)):
        raise TypeError(f"index_fill(): argument 'value' must be Number or Tensor, not {type(value).__name__}")
    _index_out_of_range("", array, _size(input.shape, dim), dim, negative=True)
    return _index_fill(input, value, dim=dim, index=array,
                       value_requires_grad=isinstance(value, Tensor) and value.requires_grad)


@op("index_copy", promotion=RAW, saves=("dim", "index", "source.shape"))
def _index_copy(a, source, dim=0, index=None):
    result = np.array(a)
    _along(result, dim)[index.reshape(-1)] = _along(source, dim)   # a repeated index: the last write wins
    return result


@_index_copy.vjp
def _(g, dim, index, source_shape):
    # a 0-d self takes a one-element source: its gradient comes back in source's shape
    grad_source = _index_select(g, dim=dim, index=index).reshape(tuple(source_shape))
    return _index_fill(g, 0, dim=dim, index=index), grad_source


@public(method=True, inplace=True)
def index_copy(input, dim, index, source):
    dim = _wrap_dim(dim, input.ndim, "index_copy")
    array = _long_index("index_copy", input, dim, index, lambda i: RuntimeError(
        f"index_copy_(): Expected a long tensor for index, but got {_dtype.scalar_type_name(i.dtype)}"))
    if array.ndim > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {array.ndim})")
    if not isinstance(source, Tensor):
        raise TypeError(f"index_copy(): argument 'source' (position 4) must be Tensor, not {type(source).__name__}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) "
                           f"{_dtype.scalar_type_name(input.dtype)} and (source) "
                           f"{_dtype.scalar_type_name(source.dtype)}")
    if max(source.ndim, 1) != max(input.ndim, 1):
        raise IndexError(f"index_copy_(): When source and destination are not scalars, their dimensionality must "
                         f"match. Source dimensionality ({source.ndim}), destination dimensionality ({input.ndim})")
    if _size(source.shape, dim) != array.size:
        raise IndexError(f"index_copy_(): Number of indices ({array.size}) should be equal to source.size(dim) "
                         f"({_size(source.shape, dim)})")
    others = [(input.shape or (1,))[d] for d in range(max(input.ndim, 1)) if d != dim]
    if others != [(source.shape or (1,))[d] for d in range(max(source.ndim, 1)) if d != dim]:
        raise RuntimeError(f"index_copy_(): Source/destination tensor must have same slice shapes. Destination slice "
                           f"shape: {others} at dimension {dim} and source slice shape: "
                           f"{[(source.shape or (1,))[d] for d in range(max(source.ndim, 1)) if d != dim]} at "
                           f"dimension 0.")
    _index_out_of_range("index_copy_(): ", array, _size(input.shape, dim), dim)
    return _index_copy(input, source, dim=dim, index=array)


# ---------------------------------------------------------------- take / put: self read as if flattened

def _long_flat_index(name, input, index):
    return _long_index(name, input, 0, index, lambda i: RuntimeError(
        f"{name}(): Expected a long tensor for index, but got {_dtype.scalar_type_name(i.dtype)}"))


def _in_flat_range(name, input, array):
    """The indices into self flattened, checked after the dtypes as torch does, negative ones counted from the end."""
    numel = input.numel()
    if numel == 0 and array.size:
        raise IndexError("take(): tried to take from an empty tensor" if name == "take" else
                         "put_(): Tried to put elements into an empty tensor")
    bad = array[(array < -numel) | (array >= numel)]
    if bad.size:
        raise IndexError(f"out of range: tried to access index {int(bad.flat[0])} on a tensor of {numel} elements.")
    return array.reshape(-1) % max(numel, 1)   # negative indices count from the end


@public(method=True)
def take(input, index, *, out=None):
    array = _long_flat_index("take", input, index)
    if out is not None and out.dtype is not input.dtype:
        raise RuntimeError(f"take(): self and out expected to have the same dtype, but got self.dtype = "
                           f"{_dtype.scalar_type_name(input.dtype)} and out.dtype = {_dtype.scalar_type_name(out.dtype)}")
    array = _in_flat_range("take", input, array)
    result = _index_select(input.reshape(-1), dim=0, index=array).reshape(index.shape)
    return result if out is None else write_out_checked(out, result, (input, index))


@op("put_accumulate", promotion=RAW, saves=("index",))
def _put_accumulate(a, source, index=None):
    """self (flattened) += source at index, repeats accumulating one by one in self's dtype (torch's put kernel
    rounds each addition to a half type; NumPy's half add.at does the same)."""
    result = np.array(a)
    np.add.at(result, index, source)
    return result


@_put_accumulate.vjp
def _(g, index):
    return g, _index_select(g, dim=0, index=index)


@public(method=True, inplace=True)
def put(input, index, source, accumulate=False):
    """index_copy (or an accumulating add) into self flattened: the derivatives are torch's."""
    array = _long_flat_index("put_", input, index)
    if not isinstance(source, Tensor):
        raise TypeError(f"put(): argument 'source' (position 3) must be Tensor, not {type(source).__name__}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got self.dtype = "
                           f"{_dtype.scalar_type_name(input.dtype)} and source.dtype = "
                           f"{_dtype.scalar_type_name(source.dtype)}")
    if source.numel() != array.size:
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source.numel()}, index.numel() = {array.size}")
    array = _in_flat_range("put_", input, array)
    flat, values = input.reshape(-1), source.reshape(-1)
    if accumulate:
        return _put_accumulate(flat, values, index=array).reshape(input.shape)
    return _index_copy(flat, values, dim=0, index=array).reshape(input.shape)


# ---------------------------------------------------------------- scatter_reduce (sum, prod, mean, amax, amin)

# NumPy's maximum/minimum propagate NaN, as torch's amax/amin do; torch also takes "max" and "min" for them (its
# backward then refuses the name)
_SCATTER_REDUCTIONS = {"sum": np.add, "prod": np.multiply, "mean": np.add, "amax": np.maximum, "amin": np.minimum,
                       "max": np.maximum, "min": np.minimum}


def _reduction_identity(reduce, dtype):
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    largest = reduce in ("amax", "max")
    if dtype.kind == "f" or dtype == _dtype.bfloat16.numpy_type:
        return -np.inf if largest else np.inf
    if dtype.kind == "b":
        return not largest
    info = np.iinfo(dtype)
    return info.min if largest else info.max


def _scatter_counts(shape, positions, include_self, dtype):
    """How many values each position of self reduced (in `dtype`: floats count exactly far beyond any index size, and
    a float result needs no int64 array of self's size)."""
    count = np.full(shape, 1 if include_self else 0, dtype=dtype)
    np.add.at(count, positions, 1)
    return np.maximum(count, 1, out=count)   # positions nothing reaches keep self's value (torch divides by 1 there)


@op("scatter_reduce", promotion=RAW, saves=("a", "src", "result", "dim", "index", "reduce", "include_self",
                                           "round_each_step"))
def _scatter_reduce(a, src, dim=0, index=None, reduce="sum", include_self=True, round_each_step=False):
    # torch's scatter_reduce kernel reduces half types in float32 and rounds each result once; its index_reduce
    # (round_each_step) reduces slice by slice in the tensor's own dtype, rounding after every step
    compute_type = np.float32 if a.dtype in _HALF_TYPES and not round_each_step else a.dtype
    result = np.array(_as_1d(a), dtype=compute_type)
    positions = _positions(_as_1d(index), dim)
    values = _leading(_as_1d(src), _as_1d(index).shape).astype(compute_type, copy=False)
    if not include_self:
        result[positions] = _reduction_identity(reduce, result.dtype)
    _SCATTER_REDUCTIONS[reduce].at(result, positions, values)
    result = result.astype(a.dtype, copy=False)
    if reduce == "mean":
        # then divides the sums (in self's dtype) by the counts, as a separate op
        if result.dtype.kind in "iu":
            count = _scatter_counts(result.shape, positions, include_self, np.int64)
            result = np.floor_divide(result, count).astype(result.dtype)   # torch's "floor" rounding for integers
        else:
            count = _scatter_counts(result.shape, positions, include_self, compute_type)
            result = (result.astype(compute_type, copy=False) / count).astype(result.dtype, copy=False)
    return result.reshape(a.shape)


@_scatter_reduce.vjp
def _(g, a, src, result, dim, index, reduce, include_self, round_each_step):
    """torch's scatter_reduce_backward, written with ops so that it differentiates again."""
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(f"Expected 'reduce' to be one of 'sum', 'prod', 'mean', 'amax', 'amin' but got {reduce}.")

    def gather_(t):
        return _gather(t, dim=dim, index=index)

    def scatter_add_(t, s):
        return _scatter_add(t, s, dim=dim, index=index)

    if reduce == "sum":
        grad_self, grad_src = g, gather_(g)
    elif reduce == "prod":
        # the products without each factor, computed without dividing by a zero factor
        masked_self = a.masked_fill(a == 0, 1)
        masked_self_result = _scatter_reduce(masked_self, src, dim=dim, index=index, reduce="prod",
                                             include_self=include_self, round_each_step=round_each_step)
        grad_self = g * masked_self_result / masked_self
        src_zero = src == 0
        src_num_zeros = gather_(scatter_add_(a.new_zeros(a.shape), src_zero.to(a.dtype)))
        src_single_zero = src_zero.logical_and(src_num_zeros == 1)
        masked_src_result = _scatter_reduce(a, src.masked_fill(src_single_zero, 1), dim=dim, index=index,
                                            reduce="prod", include_self=include_self, round_each_step=round_each_step)
        grad_src = gather_(g * masked_src_result).where(src_single_zero,
                                                        gather_(g * result) / src.masked_fill(src_zero, 1))
    elif reduce == "mean":
        count = (g.new_ones(g.shape) if include_self else g.new_zeros(g.shape))
        count = scatter_add_(count, src.new_ones(src.shape).to(g.dtype))
        count = count.masked_fill(count == 0, 1)
        grad_self, grad_src = g / count, gather_(g) / gather_(count)
    else:
        # amax / amin: the gradient is shared evenly among the elements equal to the result
        value = gather_(result)
        self_is_result, src_is_result = a == result, src == value
        shares = scatter_add_(self_is_result.to(g.dtype), src_is_result.to(g.dtype))
        distributed = g / shares
        grad_self = self_is_result * distributed
        grad_src = src_is_result * gather_(distributed)
    if not include_self:
        grad_self = _scatter_value(grad_self, value=0, dim=dim, index=index)
    return grad_self, grad_src


def _scatter_reduce_arguments(name, input, dim, index, src, reduce):
    if not isinstance(reduce, str):
        raise TypeError(f"{name}(): argument 'reduce' (position 4) must be str, not {type(reduce).__name__}")
    if reduce not in _SCATTER_REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if not isinstance(src, Tensor):
        raise TypeError(f"{name}(): argument 'src' (position 3) must be Tensor, not {type(src).__name__}")
    if src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    dim, array = _gather_scatter_index(name, input, dim, index, src)
    if reduce == "mean" and input.dtype is _dtype.bool:
        # torch's kernel has no bool mean; with nothing to scatter, its division of the sums is what refuses
        kernel = "div_floor_cpu" if array.size == 0 else "scatter_gather_tensor_cpu_reduce_mean"
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')
    return dim, array


_scatter_reduce_src_larger = _src_larger_than_index(_scatter_reduce.kernel, "scatter_reduce_src_larger_than_index",
                                                    "ScatterReduceBackward0")


@public(method=True, inplace=True)
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    dim, array = _scatter_reduce_arguments("scatter_reduce", input, dim, index, src, reduce)
    kernel = _scatter_op(src, array, _scatter_reduce, _scatter_reduce_src_larger)
    result = kernel(input, src, dim=dim, index=array, reduce=reduce, include_self=include_self)
    return result if out is None else write_out_checked(out, result, None)


# ---------------------------------------------------------------- index_reduce: scatter_reduce along one dim

_INDEX_REDUCTIONS = ("prod", "mean", "amax", "amin")


def _index_reduce_arguments(input, dim, index, source, reduce, include_self):
    """torch's checks, in its order; its messages name index_reduce_ (the function runs the in-place kernel)."""
    from .views import _warn_once
    _warn_once("index_reduce() is in beta and the API may change at any time.")
    if not isinstance(reduce, str):
        raise TypeError(f"index_reduce(): argument 'reduce' (position 5) must be str, not {type(reduce).__name__}")
    if reduce not in _INDEX_REDUCTIONS:
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    dim, array = _index_add_arguments("index_reduce_", input, dim, index, source, check_range=False)
    if array.size and (array.min() < 0 or array.max() >= _size(input.shape, dim)):
        raise IndexError("index out of range in self")   # negative indices too
    if input.dtype is _dtype.bool and not include_self:
        raise NotImplementedError('"index_reduce_func_exclude_input_init" not implemented for \'Bool\'')
    if input.dtype is _dtype.bool and input.ndim == 0:
        # torch's 0-d path reduces with kernels that have no bool version
        raise NotImplementedError('"index_func_" not implemented for \'Bool\'')
    if input.dtype is _dtype.bool and reduce == "mean":
        raise NotImplementedError('"div_floor_cpu" not implemented for \'Bool\'')
    return dim, array


def _index_reduce(input, source, dim, array, reduce, include_self):
    """index_reduce as scatter_reduce with the index repeated across source's other dims: the same values and
    torch's index_reduce_backward, which is scatter_reduce_backward with index_select for gather."""
    if source.ndim == 0:
        positions = array.reshape(())
    else:
        shape = [1] * source.ndim
        shape[dim] = -1
        positions = np.ascontiguousarray(np.broadcast_to(array.reshape(shape), tuple(source.shape)))
    return _scatter_reduce(input, source, dim=dim, index=positions, reduce=reduce, include_self=include_self,
                           round_each_step=True)


@public(method=True)
def index_reduce(input, dim, index, source, reduce, *, include_self=True, out=None):
    dim, array = _index_reduce_arguments(input, dim, index, source, reduce, include_self)
    result = _index_reduce(input, source, dim, array, reduce, include_self)
    return result if out is None else write_out_checked(out, result, None)


@public(function=False, method=True)
def index_reduce_(input, dim, index, source, reduce, *, include_self=True):
    from .inplace import apply_inplace
    dim, array = _index_reduce_arguments(input, dim, index, source, reduce, include_self)
    return apply_inplace(input, lambda a, s: _index_reduce(a, s, dim, array, reduce, include_self), "index_reduce_",
                         source)


# ---------------------------------------------------------------- masked_scatter

@op("masked_scatter", promotion=RAW, saves=("mask", "source.shape"))
def _masked_scatter(a, source, mask=None):
    result = np.array(a, order="C")   # C order: its flattened view is row-major
    count = int(np.count_nonzero(mask))
    # mask's True positions, in row-major order, take source's first ones (flattened: a 0-d self too)
    result.reshape(-1)[mask.reshape(-1)] = source.reshape(-1)[:count]
    return result


@_masked_scatter.vjp
def _(g, mask, source_shape):
    # torch's rule: self gets g where the mask is False; source's first elements get g where it is True, the rest 0
    selected = _index(g.reshape(-1), index=(mask.reshape(-1),))   # flattened: a 0-d g too
    grad_source = _index_add(g.new_zeros((int(np.prod(source_shape)),)), selected, dim=0,
                             index=np.arange(selected.numel()))
    return g.masked_fill(Tensor._from_fresh(mask, _dtype.bool), 0), grad_source.reshape(tuple(source_shape))


def _masked_scatter_arguments(input, mask, source):
    if not isinstance(mask, Tensor) or not isinstance(source, Tensor):
        raise TypeError("masked_scatter(): argument 'mask' and 'source' must be Tensor")
    if mask.dtype is not _dtype.bool:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{_dtype.scalar_type_name(mask.dtype)}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got"
                           f"{_dtype.scalar_type_name(input.dtype)} and {_dtype.scalar_type_name(source.dtype)}")


@public(method=True)
def masked_scatter(input, mask, source):
    _masked_scatter_arguments(input, mask, source)
    shape = _broadcast_shape("masked_scatter", input.shape, mask.shape)
    expanded = input if tuple(input.shape) == shape else input.expand(shape)
    mask_array = np.broadcast_to(np.asarray(mask._data, dtype=bool), shape)
    if np.count_nonzero(mask_array) > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return _masked_scatter(expanded, source, mask=np.ascontiguousarray(mask_array))


@public(function=False, method=True)
def masked_scatter_(input, mask, source):
    from .inplace import apply_inplace
    _masked_scatter_arguments(input, mask, source)
    if len(mask.shape) > len(input.shape) or np.broadcast_shapes(tuple(mask.shape), tuple(input.shape)) != \
            tuple(input.shape):
        raise RuntimeError(f"expand(CPUBoolType{{{list(mask.shape)}}}, size={list(input.shape)}): the number of sizes "
                           f"provided ({input.ndim}) must be greater or equal to the number of dimensions in the "
                           f"tensor ({mask.ndim})")
    return apply_inplace(input, masked_scatter, "masked_scatter_", mask, source)


# ---------------------------------------------------------------- one_hot (nn.functional)

@op("one_hot", promotion=RAW, nondifferentiable="an int64 result")
def _one_hot(a, num_classes=0):
    return (a[..., None] == np.arange(num_classes)).astype(np.int64)


@public(function=False, functional=True)
def one_hot(tensor, num_classes=-1):
    if not isinstance(tensor, Tensor) or tensor.dtype is not _dtype.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    values = tensor._data
    if num_classes == -1:
        if values.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(values.max()) + 1
    if values.size and values.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if values.size and values.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return _one_hot(tensor, num_classes=int(num_classes))
