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
    result = np.array(_as_1d(a))
    shape = _as_1d(index).shape
    np.add.at(result, _positions(_as_1d(index), dim), _leading(_as_1d(src), shape))
    return result.reshape(a.shape)


@_scatter_add.vjp
def _(g, dim, index):
    return g, _gather(g, dim=dim, index=index)


_scatter_add_src_larger = _src_larger_than_index(_scatter_add.kernel, "scatter_add_src_larger_than_index",
                                                 "ScatterAddBackward0")


_REDUCE_UFUNCS = {"add": np.add, "multiply": np.multiply}


@op("scatter_reduce_two", promotion=RAW)
def _scatter_reduce_two(a, src, dim=0, index=None, reduce="add"):
    result = np.array(_as_1d(a))
    shape = _as_1d(index).shape
    _REDUCE_UFUNCS[reduce].at(result, _positions(_as_1d(index), dim), _leading(_as_1d(src), shape))
    return result.reshape(a.shape)


@op("scatter_value_reduce", promotion=RAW)
def _scatter_value_reduce(a, value=0, dim=0, index=None, reduce="add"):
    result = np.array(_as_1d(a))
    value = np.asarray(value).astype(result.dtype)   # cast to self's dtype first, as torch does
    _REDUCE_UFUNCS[reduce].at(result, _positions(_as_1d(index), dim), value)
    return result.reshape(a.shape)


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


def _vector_index(name, input, dim, index, expected):
    dim = _wrap_dim(dim, input.ndim, name)
    if isinstance(index, Tensor) and index.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector, but got dim: {index.ndim} with type: "
                         f"{_dtype.scalar_type_name(index.dtype)} and size: {list(index.shape)}")
    array = _index_array(name, index, expected=expected)
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


def _index_add_arguments(name, input, dim, index, source):
    if not isinstance(source, Tensor):
        raise TypeError(f"{name}(): argument 'source' (position 3) must be Tensor, not {type(source).__name__}")
    dim, array = _vector_index(name, input, dim, index, "int32 or int64")
    _check_same_dtype("index_add_", input, source, "source")
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
