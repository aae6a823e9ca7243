"""Tensor: a strided window (shape, stride, offset) onto a shared Storage, plus autograd metadata.

The window is held as a NumPy view into the storage's flat buffer, so kernels read it directly and
writes through any view reach the storage. Methods and operators delegate to the ops in mtv2.ops.
"""
import numpy as np

from . import _dtype, _layout
from ._device import CPU as _CPU, META as _META
from ._meta import NO_DATA, MetaArray
from ._size import Size
from ._storage import UntypedStorage, VersionCounter, storage_of_fresh_array
from . import ops as _ops   # the package: its families are imported by mtv2/__init__.py, after Tensor
from .autograd import grad_mode


def _creation():
    """mtv2.creation, which builds Tensors: imported when a Tensor method first needs a factory (new_zeros, ...),
    so that this module imports no module that imports it."""
    from . import creation
    return creation


class Tensor:
    __slots__ = ("_data", "_storage", "_version_counter", "_base", "dtype", "_requires_grad", "_grad",
                 "grad_fn", "__weakref__", "__dict__")
    # Rarely set, so not set for every new tensor: these class-level defaults hold until a tensor sets its own
    _output_nr = 0              # which output of grad_fn this tensor is
    _grad_accumulator = None    # weak reference to a leaf's AccumulateGrad
    _leaf_hooks = None          # a leaf's register_hook hooks
    _retains_grad = False
    _inference = False          # created in inference mode

    # ------------------------------------------------------------ construction (internal)

    @classmethod
    def _from_fresh(cls, array, dtype=None, version_counter=None):
        """A tensor owning a freshly allocated dense array (its storage is created on first use). Views and aliases
        pass the version counter they share."""
        tensor = object.__new__(cls)  # not cls.__new__: a subclass (Parameter) builds itself with this
        tensor._data = _with_contiguous_strides(array) if array.size == 0 and array.ndim and \
            type(array) is not MetaArray else array
        tensor._storage = None
        tensor._version_counter = version_counter or VersionCounter()
        tensor._base = None
        tensor.dtype = dtype or _dtype.from_numpy_dtype(array.dtype)
        tensor._requires_grad = False
        tensor._grad = None
        tensor.grad_fn = None
        if grad_mode.inference_contexts and grad_mode.state.inference:  # the thread's state, read only when needed
            tensor._inference = True
        return tensor

    @classmethod
    def _make_view(cls, array, base):
        """A tensor viewing `base`'s storage through `array`: same storage, same version counter."""
        tensor = cls._from_fresh(array, base.dtype, base._version_counter)
        tensor._data = array   # a view keeps the strides the view op gave it, even when empty
        tensor._storage = base._shared_storage()
        tensor._base = base._base if base._base is not None else base
        return tensor

    def _shared_storage(self):
        """What a view or alias of this tensor keeps as its storage: the storage itself, or, while none was asked for,
        a cell [array] that this tensor and its views share, holding the array the storage will be made from, and
        the storage once untyped_storage made it (on first use; one object for all of them, as serialization keys
        storages by identity). An empty or meta array's storage is made at once."""
        storage = self._storage
        if storage is None:
            data = self._data
            if data.size == 0 or type(data) is MetaArray:
                return self.untyped_storage()
            storage = self._storage = [data]
        return storage

    def _alias_without_history(self):
        """Same data and version counter, no autograd history (used for saved outputs and .data)."""
        alias = Tensor._from_fresh(self._data, self.dtype, self._version_counter)
        alias._storage = self._shared_storage()
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
        storage = self._storage
        if storage is None:
            storage = self._storage = storage_of_fresh_array(self._data)
        elif type(storage) is list:   # a cell shared with views and aliases (see _shared_storage)
            if isinstance(storage[0], np.ndarray):
                storage[0] = storage_of_fresh_array(storage[0])
            storage = self._storage = storage[0]
        return storage

    def storage_offset(self):
        storage = self.untyped_storage()
        if type(self._data) is MetaArray:
            return (self._data.address - storage.buffer.address) // self._data.itemsize
        return (self.data_ptr() - storage.data_ptr()) // self._data.itemsize

    def data_ptr(self):
        if type(self._data) is MetaArray:
            return self.storage_offset() * self._data.itemsize   # torch: a meta storage starts at address 0
        if self._data.size == 0:
            return self.untyped_storage().data_ptr() if self._storage is not None else 0
        return self._data.__array_interface__["data"][0]

    def is_contiguous(self, memory_format=None):
        return self._data.flags.c_contiguous

    def contiguous(self, memory_format=None):
        return self if self._data.flags.c_contiguous else _ops.conversion.contiguous_copy(self)

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
        return _META if type(self._data) is MetaArray else _CPU

    @property
    def is_meta(self):
        return type(self._data) is MetaArray

    is_cuda = False
    is_sparse = False
    is_quantized = False
    is_mps = False
    layout = _layout.strided   # safetensors compares tensor.layout with torch.strided

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def is_complex(self):
        return False

    def is_inference(self):
        return self._inference  # created inside inference_mode

    def type(self, dtype=None):
        if dtype is None:
            name = _LEGACY_TYPE_NAMES[self.dtype.name]
            return name.replace("torch.", "torch.meta.") if type(self._data) is MetaArray else name
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
    def grad(self):
        return self._grad

    @grad.setter
    def grad(self, value):
        # torch's checks on assignment (autograd keeps them too: a gradient always matches its tensor)
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value.dtype is not self.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{_dtype.c_type_name(value.dtype)}' to a tensor "
                    f"with grad_dtype '{_dtype.scalar_type_name(self.dtype)}'. The gradient must match the "
                    f"tensor's grad_dtype (defaults to the tensor's dtype). You can set the tensor's grad_dtype "
                    f"attribute with a specific dtype, or None to allow any dtype. Set grad_dtype with caution. "
                    f"Diverging the dtypes of a tensor and its gradient may break downstream systems that assume "
                    f"they match.")
            if value.shape != self.shape:
                raise RuntimeError(f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of "
                                   f"size '{list(self.shape)}'. Please ensure that the gradient and the tensor are "
                                   f"the same size")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

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
        if type(self._data) is MetaArray:
            raise TypeError(_META_TO_NUMPY)
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        if type(self._data) is MetaArray:
            raise TypeError(_META_TO_NUMPY)
        array = self._data if not self.requires_grad else self._data.copy()
        return array if dtype is None else array.astype(dtype)

    def tolist(self):
        if type(self._data) is MetaArray:
            raise NotImplementedError(NO_DATA)
        if self.dtype is _dtype.bfloat16 or self.dtype is _dtype.float16:
            return self._data.astype(np.float32).tolist()
        return self._data.tolist()

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        if type(self._data) is MetaArray:
            raise RuntimeError("Tensor.item() cannot be called on meta tensors")
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
        return bool(self.item())

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
        if type(self._data) is MetaArray:
            return (_rebuild_meta_tensor, (tuple(self.shape), self.stride(), self.dtype, self.requires_grad))
        return (_rebuild_tensor, (np.array(self._data), self.requires_grad))

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.")
        data = self._data
        copy = Tensor._from_fresh(MetaArray(data.layout) if type(data) is MetaArray else np.array(data), self.dtype)
        copy.requires_grad = self.requires_grad
        if self.grad is not None:
            copy.grad = self.grad.__deepcopy__(memo)
        memo[id(self)] = copy
        return copy

    # ------------------------------------------------------------ indexing, transposes, and the operators torch writes
    # by hand. Every other op method, in-place method and operator is assembled from the ops' @public declarations
    # (mtv2/ops/_surface.py, run by mtv2/__init__.py).

    @property
    def T(self):
        return _ops.views.permute(self, tuple(reversed(range(self.ndim))))

    @property
    def mT(self):
        return _ops.views.matrix_transpose(self, "mT", conjugate=False)

    @property
    def mH(self):
        return _ops.views.matrix_transpose(self, "mH", conjugate=True)

    @property
    def H(self):
        return _ops.views.conjugate_transpose(self)

    def __getitem__(self, index):
        return _ops.indexing.getitem(self, index)

    def __setitem__(self, index, value):
        _ops.indexing.setitem(self, index, value)

    def __pos__(self):
        if self.dtype is _dtype.bool:
            raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
        return self

    # == and != answer a non-number (None, a string) with False/True, as torch does, instead of raising
    def __eq__(self, other):
        if other is None or not isinstance(other, (Tensor, int, float, bool, np.number, np.bool_)):
            return False
        return _ops.elementwise.eq(self, other)

    def __ne__(self, other):
        if other is None or not isinstance(other, (Tensor, int, float, bool, np.number, np.bool_)):
            return True
        return _ops.elementwise.ne(self, other)

    # the commonest operators, straight to their kernels (the public add/mul/div check alpha, rounding_mode and out=,
    # which these calls cannot get wrong)

    def __add__(self, other, *, alpha=1):
        if type(alpha) is int and alpha == 1:
            return _ops.elementwise._add(self, other)   # the kernel's default alpha
        return self.add(other, alpha=alpha)

    def __mul__(self, other):
        return _ops.elementwise._mul(self, other)

    def __truediv__(self, other, *, rounding_mode=None):
        if rounding_mode is None:
            return _ops.elementwise._true_divide(self, other)
        return self.div(other, rounding_mode=rounding_mode)

    def __rtruediv__(self, other):
        """other / self. torch's is Python (Tensor.__rdiv__): self.reciprocal() * other, two roundings, not one
        division (1.7 / x in float16 is 1.7 * (1 / x)); a TypeError becomes NotImplemented."""
        try:
            return self.reciprocal() * other
        except TypeError:
            return NotImplemented

    __rdiv__ = __rtruediv__

    # new_* factories: same dtype and device as self unless given
    def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
        return _creation().tensor(data, dtype=dtype or self.dtype, device=device or self.device,
                                requires_grad=requires_grad)

    def new_zeros(self, *sizes, size=None, dtype=None, device=None, requires_grad=False):
        return _creation().zeros(*sizes, size=size, dtype=dtype or self.dtype, device=device or self.device,
                               requires_grad=requires_grad)

    def new_ones(self, *sizes, size=None, dtype=None, device=None, requires_grad=False):
        return _creation().ones(*sizes, size=size, dtype=dtype or self.dtype, device=device or self.device,
                              requires_grad=requires_grad)

    def new_empty(self, *sizes, size=None, dtype=None, device=None, requires_grad=False):
        return _creation().empty(*sizes, size=size, dtype=dtype or self.dtype, device=device or self.device,
                               requires_grad=requires_grad)

    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
        return _creation().full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device,
                              requires_grad=requires_grad)


def _with_contiguous_strides(empty):
    """NumPy 2 gives fresh empty arrays all-zero strides; torch gives them contiguous ones (a size-0 dim counting
    as 1), and stride 0 would read as an overlapping (expanded) tensor. Nothing is read, so restriding is safe."""
    strides, step = [], empty.itemsize
    for size in reversed(empty.shape):
        strides.append(step)
        step *= max(size, 1)
    return np.lib.stride_tricks.as_strided(empty, empty.shape, tuple(reversed(strides)), writeable=True)


def _rebuild_tensor(array, requires_grad):
    tensor = Tensor._from_fresh(array)
    tensor.requires_grad = requires_grad
    return tensor


def _rebuild_meta_tensor(shape, strides, dtype, requires_grad):
    from ._meta import empty_tensor
    return empty_tensor(shape, dtype, strides, requires_grad)


_META_TO_NUMPY = ("can't convert meta device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host "
                  "memory first.")


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
