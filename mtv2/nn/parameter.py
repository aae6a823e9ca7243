"""Parameter (a Tensor a Module registers as learnable) and Buffer (a Tensor a Module registers as state)."""
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
