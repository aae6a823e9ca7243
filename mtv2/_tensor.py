"""Tensor: a strided window (shape, stride, offset) onto a shared Storage, plus autograd metadata.

The window is held as a NumPy view into the storage's flat buffer, so kernels read it directly and
writes through any view reach the storage. Methods and operators delegate to the ops in mtv2.ops.
"""
import numpy as np

from . import _dtype
from ._device import device as _device_type
from ._size import Size
from ._storage import UntypedStorage, VersionCounter, storage_of_fresh_array
from .autograd import grad_mode

_CPU = _device_type("cpu")


class Tensor:
    __slots__ = ("_data", "_storage", "_version_counter", "_base", "dtype", "_requires_grad", "grad",
                 "grad_fn", "_output_nr", "_grad_accumulator", "_leaf_hooks", "_retains_grad", "_inference", "__weakref__",
                 "__dict__")

    # ------------------------------------------------------------ construction (internal)

    @classmethod
    def _from_fresh(cls, array, dtype=None):
        """A tensor owning a freshly allocated dense array (its storage is created on first use)."""
        tensor = cls.__new__(cls)
        tensor._data = array
        tensor._storage = None
        tensor._version_counter = VersionCounter()
        tensor._base = None
        tensor.dtype = dtype or _dtype.from_numpy_dtype(array.dtype)
        tensor._requires_grad = False
        tensor.grad = None
        tensor.grad_fn = None
        tensor._output_nr = 0
        tensor._grad_accumulator = None
        tensor._leaf_hooks = None
        tensor._retains_grad = False
        tensor._inference = grad_mode.state.inference
        return tensor

    @classmethod
    def _make_view(cls, array, base):
        """A tensor viewing `base`'s storage through `array`: same storage, same version counter."""
        tensor = cls._from_fresh(array, base.dtype)
        tensor._storage = base.untyped_storage()
        tensor._version_counter = base._version_counter
        tensor._base = base._base if base._base is not None else base
        return tensor

    def _alias_without_history(self):
        """Same data and version counter, no autograd history (used for saved outputs and .data)."""
        alias = Tensor._from_fresh(self._data, self.dtype)
        alias._storage = self.untyped_storage()
        alias._version_counter = self._version_counter
        return alias

    def __init__(self, *args, **kwargs):
        raise TypeError("use mtv2.tensor(...) or a factory function to create tensors")

    # ------------------------------------------------------------ layout

    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim, "size")]

    def stride(self, dim=None):
        itemsize = self._data.itemsize
        strides = tuple(s // itemsize for s in self._data.strides)
        if dim is None:
            return strides
        return strides[_wrap_dim(dim, self._data.ndim, "stride")]

    def untyped_storage(self):
        if self._storage is None:
            self._storage = storage_of_fresh_array(self._data)
        return self._storage

    def storage_offset(self):
        storage = self.untyped_storage()
        return (self.data_ptr() - storage.data_ptr()) // self._data.itemsize

    def data_ptr(self):
        if self._data.size == 0:
            return self.untyped_storage().data_ptr() if self._storage is not None else 0
        return self._data.__array_interface__["data"][0]

    def is_contiguous(self, memory_format=None):
        return self._data.flags.c_contiguous

    def contiguous(self, memory_format=None):
        return self if self._data.flags.c_contiguous else _conversion.contiguous_copy(self)

    def dim(self):
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self._data.ndim

    def numel(self):
        return self._data.size

    nelement = numel

    def element_size(self):
        return self.dtype.itemsize

    @property
    def itemsize(self):
        return self.dtype.itemsize

    @property
    def nbytes(self):
        return self._data.size * self.dtype.itemsize

    @property
    def device(self):
        return _CPU

    is_cuda = False
    is_sparse = False
    is_quantized = False
    is_meta = False
    is_mps = False
    layout = "torch.strided"

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def is_complex(self):
        return False

    def is_inference(self):
        return self._inference  # created inside inference_mode

    def type(self, dtype=None):
        if dtype is None:
            return _LEGACY_TYPE_NAMES[self.dtype.name]
        if isinstance(dtype, str):
            dtype = _dtype_from_type_name(dtype)
        return self.to(dtype)

    # ------------------------------------------------------------ autograd metadata

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if value and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        if not value and self.grad_fn is not None:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use a "
                               "computed variable in a subgraph that doesn't require differentiation use "
                               "var_no_grad = var.detach().")
        self._requires_grad = bool(value)

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def _version(self):
        return self._version_counter.value

    @property
    def data(self):
        alias = self._alias_without_history()
        alias._version_counter = VersionCounter()  # torch: .data does not share the version counter
        return alias

    @data.setter
    def data(self, value):
        # Swaps the window and storage in place: the Python object (e.g. a Parameter) stays the same.
        self._data = value._data
        self._storage = value.untyped_storage()
        self.dtype = value.dtype
        self._version_counter = VersionCounter()

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    def retain_grad(self):
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        import weakref
        retained = self.grad_fn.retained = self.grad_fn.retained or {}
        retained[self._output_nr] = weakref.ref(self)
        self._retains_grad = True

    @property
    def retains_grad(self):
        return self._retains_grad

    def register_hook(self, hook):
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn.add_tensor_pre_hook(self._output_nr, hook)
        hooks = self._leaf_hooks = self._leaf_hooks or []
        hooks.append(hook)
        from .autograd.graph import _RemovableHandle
        return _RemovableHandle(hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        alias = self._alias_without_history()
        return alias

    def detach_(self):
        if self._base is not None and self._base.requires_grad and grad_mode.state.enabled:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self.requires_grad = False
        return self

    # ------------------------------------------------------------ conversion to Python / NumPy

    def numpy(self, *, force=False):
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        array = self._data if not self.requires_grad else self._data.copy()
        return array if dtype is None else array.astype(dtype)

    def tolist(self):
        if self.dtype is _dtype.bfloat16 or self.dtype is _dtype.float16:
            return self._data.astype(np.float32).tolist()
        return self._data.tolist()

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        value = self._data.reshape(-1)[0]
        if self.dtype.is_floating_point:
            return float(value)
        if self.dtype is _dtype.bool:
            return bool(value)
        return int(value)

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(-1)[0])

    def __float__(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return float(self.item())

    def __int__(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(self.item())

    def __index__(self):
        if self.dtype.is_floating_point or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __hash__(self):
        return id(self)

    def __contains__(self, element):
        return bool((self == element).any())

    def __repr__(self):
        from ._format import tensor_repr
        return tensor_repr(self)

    def __reduce_ex__(self, protocol):
        return (_rebuild_tensor, (np.array(self._data), self.requires_grad))

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.")
        copy = Tensor._from_fresh(np.array(self._data), self.dtype)
        copy.requires_grad = self.requires_grad
        if self.grad is not None:
            copy.grad = self.grad.__deepcopy__(memo)
        memo[id(self)] = copy
        return copy

    # ------------------------------------------------------------ ops as methods (each delegates to mtv2.ops)

    def add(self, other, *, alpha=1):
        return _elementwise.add(self, other, alpha=alpha)

    def add_(self, other, *, alpha=1):
        return _inplace.apply_inplace(self, _elementwise.add, "add_", other, alpha=alpha)

    def sub(self, other, *, alpha=1):
        return _elementwise.sub(self, other, alpha=alpha)

    def sub_(self, other, *, alpha=1):
        return _inplace.apply_inplace(self, _elementwise.sub, "sub_", other, alpha=alpha)

    subtract, subtract_ = sub, sub_

    def mul(self, other):
        return _elementwise.mul(self, other)

    def mul_(self, other):
        return _inplace.apply_inplace(self, _elementwise.mul, "mul_", other)

    multiply, multiply_ = mul, mul_

    def div(self, other, *, rounding_mode=None):
        return _elementwise.div(self, other, rounding_mode=rounding_mode)

    def div_(self, other, *, rounding_mode=None):
        return _inplace.apply_inplace(self, _elementwise.div, "div_", other, rounding_mode=rounding_mode)

    divide, divide_ = div, div_

    def true_divide(self, other):
        return _elementwise.div(self, other)

    def floor_divide(self, other):
        return _elementwise.floor_divide(self, other)

    def floor_divide_(self, other):
        return _inplace.apply_inplace(self, _elementwise.floor_divide, "floor_divide_", other)

    def remainder(self, other):
        return _elementwise.remainder(self, other)

    def remainder_(self, other):
        return _inplace.apply_inplace(self, _elementwise.remainder, "remainder_", other)

    def fmod(self, other):
        return _elementwise.fmod(self, other)

    def fmod_(self, other):
        return _inplace.apply_inplace(self, _elementwise.fmod, "fmod_", other)

    def pow(self, exponent):
        return _elementwise.pow(self, exponent)

    def pow_(self, exponent):
        return _inplace.apply_inplace(self, _elementwise.pow, "pow_", exponent)

    def maximum(self, other):
        return _elementwise.maximum(self, other)

    def minimum(self, other):
        return _elementwise.minimum(self, other)

    def where(self, condition, other):
        return _elementwise.where(condition, self, other)

    def neg(self):
        return _elementwise.neg(self)

    def neg_(self):
        return _inplace.apply_inplace(self, _elementwise.neg, "neg_")

    negative, negative_ = neg, neg_

    def abs(self):
        return _elementwise.abs(self)

    def abs_(self):
        return _inplace.apply_inplace(self, _elementwise.abs, "abs_")

    def sign(self):
        return _elementwise.sign(self)

    def exp(self):
        return _elementwise.exp(self)

    def exp_(self):
        return _inplace.apply_inplace(self, _elementwise.exp, "exp_")

    def log(self):
        return _elementwise.log(self)

    def log_(self):
        return _inplace.apply_inplace(self, _elementwise.log, "log_")

    def sqrt(self):
        return _elementwise.sqrt(self)

    def sqrt_(self):
        return _inplace.apply_inplace(self, _elementwise.sqrt, "sqrt_")

    def sin(self):
        return _elementwise.sin(self)

    def sin_(self):
        return _inplace.apply_inplace(self, _elementwise.sin, "sin_")

    def cos(self):
        return _elementwise.cos(self)

    def cos_(self):
        return _inplace.apply_inplace(self, _elementwise.cos, "cos_")

    def tanh(self):
        return _elementwise.tanh(self)

    def tanh_(self):
        return _inplace.apply_inplace(self, _elementwise.tanh, "tanh_")

    def sigmoid(self):
        return _elementwise.sigmoid(self)

    def sigmoid_(self):
        return _inplace.apply_inplace(self, _elementwise.sigmoid, "sigmoid_")

    def relu(self):
        return _elementwise.relu(self)

    def relu_(self):
        return _inplace.apply_inplace(self, _elementwise.relu, "relu_")

    def eq(self, other):
        return _elementwise.eq(self, other)

    def ne(self, other):
        return _elementwise.ne(self, other)

    def lt(self, other):
        return _elementwise.lt(self, other)

    def le(self, other):
        return _elementwise.le(self, other)

    def gt(self, other):
        return _elementwise.gt(self, other)

    def ge(self, other):
        return _elementwise.ge(self, other)

    def eq_(self, other):
        return _inplace.apply_inplace(self, _elementwise.eq, "eq_", other)

    def ne_(self, other):
        return _inplace.apply_inplace(self, _elementwise.ne, "ne_", other)

    def lt_(self, other):
        return _inplace.apply_inplace(self, _elementwise.lt, "lt_", other)

    def le_(self, other):
        return _inplace.apply_inplace(self, _elementwise.le, "le_", other)

    def gt_(self, other):
        return _inplace.apply_inplace(self, _elementwise.gt, "gt_", other)

    def ge_(self, other):
        return _inplace.apply_inplace(self, _elementwise.ge, "ge_", other)

    def logical_not(self):
        return _elementwise.logical_not(self)

    def logical_and(self, other):
        return _elementwise.logical_and(self, other)

    def logical_or(self, other):
        return _elementwise.logical_or(self, other)

    def logical_xor(self, other):
        return _elementwise.logical_xor(self, other)

    def bitwise_and(self, other):
        return _elementwise.bitwise_and(self, other)

    def bitwise_or(self, other):
        return _elementwise.bitwise_or(self, other)

    def bitwise_xor(self, other):
        return _elementwise.bitwise_xor(self, other)

    def bitwise_not(self):
        return _elementwise.bitwise_not(self)

    # reductions
    def sum(self, dim=None, keepdim=False, *, dtype=None):
        return _reduction.sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        return _reduction.mean(self, dim, keepdim, dtype=dtype)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return _reduction.var(self, dim, correction=correction, keepdim=keepdim, unbiased=unbiased)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return _reduction.std(self, dim, correction=correction, keepdim=keepdim, unbiased=unbiased)

    def max(self, dim=None, keepdim=False):
        return _reduction.max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return _reduction.min(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return _reduction.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return _reduction.argmin(self, dim, keepdim)

    def all(self, dim=None, keepdim=False):
        return _reduction.all(self, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        return _reduction.any(self, dim, keepdim)

    def sum_to_size(self, *size):
        return _reduction.sum_to_size(self, *size)

    def matmul(self, other):
        return _linalg.matmul(self, other)

    # shape and views
    def view(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
            raise RuntimeError("view(dtype) is not supported by mtv2")
        return _shape.view(self, *shape)

    def view_as(self, other):
        return _shape.view(self, other.shape)

    def reshape(self, *shape):
        return _shape.reshape(self, *shape)

    def reshape_as(self, other):
        return _shape.reshape(self, other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        return _shape.flatten(self, start_dim, end_dim)

    def unflatten(self, dim, sizes):
        return _shape.unflatten(self, dim, sizes)

    def transpose(self, dim0, dim1):
        return _shape.transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def t(self):
        return _shape.t(self)

    @property
    def T(self):
        return _shape.permute(self, tuple(reversed(range(self.ndim))))

    @property
    def mT(self):
        return _shape.transpose(self, -2, -1)

    def permute(self, *dims):
        return _shape.permute(self, *dims)

    def movedim(self, source, destination):
        return _shape.movedim(self, source, destination)

    def expand(self, *sizes):
        return _shape.expand(self, *sizes)

    def expand_as(self, other):
        return _shape.expand_as(self, other)

    def squeeze(self, dim=None):
        return _shape.squeeze(self, dim)

    def unsqueeze(self, dim):
        return _shape.unsqueeze(self, dim)

    def narrow(self, dim, start, length):
        return _shape.narrow(self, dim, start, length)

    def select(self, dim, index):
        return _shape.select(self, dim, index)

    def unfold(self, dimension, size, step):
        return _shape.unfold(self, dimension, size, step)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        return _shape.diagonal(self, offset, dim1, dim2)

    def as_strided(self, size, stride, storage_offset=None):
        return _shape.as_strided(self, size, stride, storage_offset)

    def split(self, split_size, dim=0):
        return _shape.split(self, split_size, dim)

    def chunk(self, chunks, dim=0):
        return _shape.chunk(self, chunks, dim)

    def unbind(self, dim=0):
        return _shape.unbind(self, dim)

    def nonzero(self, *, as_tuple=False):
        return _indexing.nonzero(self, as_tuple=as_tuple)

    def index_put_(self, indices, values, accumulate=False):
        return _indexing.index_put_(self, indices, values, accumulate)

    def __getitem__(self, index):
        return _indexing.getitem(self, index)

    def __setitem__(self, index, value):
        _indexing.setitem(self, index, value)

    # conversions and copies
    def to(self, *args, **kwargs):
        return _conversion.to(self, *args, **kwargs)

    def cpu(self):
        return self

    def float(self):
        return self.to(_dtype.float32)

    def double(self):
        return self.to(_dtype.float64)

    def half(self):
        return self.to(_dtype.float16)

    def bfloat16(self):
        return self.to(_dtype.bfloat16)

    def long(self):
        return self.to(_dtype.int64)

    def int(self):
        return self.to(_dtype.int32)

    def short(self):
        return self.to(_dtype.int16)

    def char(self):
        return self.to(_dtype.int8)

    def byte(self):
        return self.to(_dtype.uint8)

    def bool(self):
        return self.to(_dtype.bool)

    def type_as(self, other):
        return self.to(other.dtype)

    def clone(self, *, memory_format=None):
        return _conversion.clone(self)

    def copy_(self, src, non_blocking=False):
        return _conversion.copy_(self, src)

    def fill_(self, value):
        return _conversion.fill_(self, value)

    def zero_(self):
        return _conversion.zero_(self)

    # new_* factories: same dtype as self unless given
    def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
        return _creation.tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        return _creation.zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        return _creation.ones(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return _creation.empty(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
        return _creation.full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad)

    # ------------------------------------------------------------ Python operators

    __add__ = add
    __iadd__ = add_
    __sub__ = sub
    __isub__ = sub_
    __mul__ = mul
    __imul__ = mul_
    __truediv__ = div
    __itruediv__ = div_
    __floordiv__ = floor_divide
    __ifloordiv__ = floor_divide_
    __mod__ = remainder
    __imod__ = remainder_
    __pow__ = pow
    __ipow__ = pow_
    __matmul__ = matmul
    __neg__ = neg
    __abs__ = abs
    __lt__ = lt
    __le__ = le
    __gt__ = gt
    __ge__ = ge

    def __radd__(self, other):
        return _elementwise.add(other, self)

    def __rsub__(self, other):
        return _elementwise.sub(other, self)

    def __rmul__(self, other):
        return _elementwise.mul(other, self)

    def __rtruediv__(self, other):
        return _elementwise.div(other, self)

    def __rfloordiv__(self, other):
        return _elementwise.floor_divide(other, self)

    def __rmod__(self, other):
        return _elementwise.remainder(other, self)

    def __rpow__(self, other):
        return _elementwise.pow(other, self)

    def __rmatmul__(self, other):
        return _linalg.matmul(other, self)

    def __pos__(self):
        if self.dtype is _dtype.bool:
            raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
        return self

    def __invert__(self):
        return _elementwise.bitwise_not(self)

    def __and__(self, other):
        return _elementwise.bitwise_and(self, other)

    def __rand__(self, other):
        return _elementwise.bitwise_and(other, self)

    def __iand__(self, other):
        return _inplace.apply_inplace(self, _elementwise.bitwise_and, "bitwise_and_", other)

    def __or__(self, other):
        return _elementwise.bitwise_or(self, other)

    def __ror__(self, other):
        return _elementwise.bitwise_or(other, self)

    def __ior__(self, other):
        return _inplace.apply_inplace(self, _elementwise.bitwise_or, "bitwise_or_", other)

    def __xor__(self, other):
        return _elementwise.bitwise_xor(self, other)

    def __rxor__(self, other):
        return _elementwise.bitwise_xor(other, self)

    def __ixor__(self, other):
        return _inplace.apply_inplace(self, _elementwise.bitwise_xor, "bitwise_xor_", other)

    def __eq__(self, other):
        if other is None or not isinstance(other, (Tensor, int, float, bool, np.number, np.bool_)):
            return False
        return _elementwise.eq(self, other)

    def __ne__(self, other):
        if other is None or not isinstance(other, (Tensor, int, float, bool, np.number, np.bool_)):
            return True
        return _elementwise.ne(self, other)


def _rebuild_tensor(array, requires_grad):
    tensor = Tensor._from_fresh(array)
    tensor.requires_grad = requires_grad
    return tensor


def _wrap_dim(dim, ndim, op_name):
    """Torch's dim wrapping: negative dims count from the end; 0-d tensors accept -1 and 0."""
    bound = max(ndim, 1)
    if not -bound <= dim < bound:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-bound}, {bound - 1}], but got "
                         f"{dim})")
    return dim % bound


_LEGACY_TYPE_NAMES = {
    "bool": "torch.BoolTensor", "uint8": "torch.ByteTensor", "int8": "torch.CharTensor",
    "int16": "torch.ShortTensor", "int32": "torch.IntTensor", "int64": "torch.LongTensor",
    "float16": "torch.HalfTensor", "bfloat16": "torch.BFloat16Tensor", "float32": "torch.FloatTensor",
    "float64": "torch.DoubleTensor",
}


def _dtype_from_type_name(name):
    for dtype_name, legacy in _LEGACY_TYPE_NAMES.items():
        if legacy == name:
            return getattr(_dtype, dtype_name)
    raise ValueError(f"invalid type: '{name}'")


# Tensor's methods call into the ops; the ops need Tensor, so they are imported after it is defined.
from . import creation as _creation  # noqa: E402
from .ops import conversion as _conversion  # noqa: E402
from .ops import elementwise as _elementwise  # noqa: E402
from .ops import indexing as _indexing  # noqa: E402
from .ops import inplace as _inplace  # noqa: E402
from .ops import linalg as _linalg  # noqa: E402
from .ops import reduction as _reduction  # noqa: E402
from .ops import shape as _shape  # noqa: E402
