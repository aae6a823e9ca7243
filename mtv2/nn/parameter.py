"""Parameter (a Tensor a Module registers as learnable) and Buffer (a Tensor a Module registers as state); the
uninitialized parameter and buffer of lazy modules (nn/modules/lazy.py)."""
from .._tensor import Tensor
from ..creation import empty


class Parameter(Tensor):
    """A leaf Tensor that shares `data`'s storage and version counter, with requires_grad=True by default."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = empty(0)
        parameter = cls._from_fresh(data._data, data.dtype)
        parameter._storage = data.untyped_storage()
        parameter._version_counter = data._version_counter
        parameter.requires_grad = requires_grad   # raises for integer data, as torch does
        return parameter

    def __init__(self, data=None, requires_grad=True):
        pass  # everything happens in __new__ (Tensor.__init__ refuses direct construction)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        copy = Parameter(self.data.clone(), self.requires_grad)
        if self.grad is not None:
            copy.grad = self.grad.clone()
        memo[id(self)] = copy
        return copy

    def __reduce_ex__(self, protocol):
        return (Parameter, (self.data.clone(), self.requires_grad))


def Buffer(data=None, *, persistent=True):
    """torch.nn.Buffer: a detached tensor that a Module registers as a buffer when assigned as an attribute.

    torch makes Buffer a Tensor subclass whose isinstance check is a metaclass trick; here it is a factory that
    marks the tensor, and Module.__setattr__ reads the mark. `isinstance(x, nn.Buffer)` is therefore unsupported.
    """
    if data is None:
        data = empty(0)
    tensor = data.detach().requires_grad_(data.requires_grad)
    tensor.persistent = persistent
    tensor._is_buffer = True
    return tensor


def is_buffer_marked(value):
    return isinstance(value, Tensor) and value.__dict__.get("_is_buffer", False)


class UninitializedTensorMixin:
    """A parameter or buffer whose shape is not known yet (a lazy module's, before its first forward): it holds no
    values, remembers its dtype, and materialize() gives it a shape and turns it into cls_to_become in place."""
    cls_to_become = None

    def materialize(self, shape, device=None, dtype=None):
        """Give the tensor `shape` (uninitialised values, as torch.empty) and make it a cls_to_become, the same object."""
        if dtype is None:
            dtype = self.dtype
        self.data = empty(shape, dtype=dtype)
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually "
                           "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
                           "initialized one. Call `forward` to initialize the parameters before accessing their "
                           "attributes.")

    def numel(self):
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. Call `forward` to "
                           "initialize the parameters before accessing their attributes.")

    def to(self, *args, **kwargs):
        """A module's .to(dtype) before its first forward: the same kind of placeholder in the new dtype."""
        dtype = kwargs.get("dtype", next((a for a in args if isinstance(a, type(self.dtype))), self.dtype))
        return type(self)(requires_grad=self.requires_grad, dtype=dtype)

    def __repr__(self):
        return f"<{type(self).__name__}>"

    def __reduce_ex__(self, protocol):
        return (type(self), (self.requires_grad,))


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """torch.nn.parameter.UninitializedParameter: a lazy module's parameter before its first forward."""
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        parameter = Parameter.__new__(cls, empty(0, dtype=dtype), requires_grad)
        return parameter

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.requires_grad, dtype=self.dtype)
        return memo[id(self)]


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """torch.nn.parameter.UninitializedBuffer: a lazy module's buffer (running statistics) before its first
    forward."""
    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None):
        buffer = cls._from_fresh(empty(0, dtype=dtype)._data)
        buffer.requires_grad = requires_grad
        return buffer

    def __init__(self, requires_grad=False, device=None, dtype=None):
        pass

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.requires_grad, dtype=self.dtype)
        return memo[id(self)]


def is_lazy(value):
    """torch.nn.parameter.is_lazy: an uninitialized parameter or buffer."""
    return isinstance(value, UninitializedTensorMixin)
