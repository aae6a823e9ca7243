"""torch's legacy typed-tensor names (torch.LongTensor, torch.FloatTensor, ...).

Third-party code uses them in annotations (`input_ids: torch.LongTensor | None`, evaluated when the function is
defined), in isinstance checks and, rarely, as constructors. As in torch, isinstance is true for a CPU tensor of
that dtype, `torch.LongTensor([1, 2])` copies data, and `torch.LongTensor(2, 3)` makes an uninitialized tensor.
"""
from . import _dtype


class _TensorTypeMeta(type):
    def __instancecheck__(cls, instance):
        from ._tensor import Tensor
        return isinstance(instance, Tensor) and instance.dtype is cls.dtype

    def __call__(cls, *args, **kwargs):
        from .creation import empty, tensor
        if kwargs:
            raise TypeError(f"{cls.__name__}() got unexpected keyword arguments {sorted(kwargs)}")
        if not args:
            return empty(0, dtype=cls.dtype)
        if all(isinstance(size, int) and not isinstance(size, bool) for size in args):
            return empty(args, dtype=cls.dtype)
        if len(args) == 1:
            return tensor(args[0], dtype=cls.dtype)
        raise TypeError(f"{cls.__name__}(): expected sizes or one sequence of data, got {args!r}")

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"


def _tensor_type(name, dtype):
    return _TensorTypeMeta(name, (), {"dtype": dtype, "__module__": "torch"})


FloatTensor = _tensor_type("FloatTensor", _dtype.float32)
DoubleTensor = _tensor_type("DoubleTensor", _dtype.float64)
HalfTensor = _tensor_type("HalfTensor", _dtype.float16)
BFloat16Tensor = _tensor_type("BFloat16Tensor", _dtype.bfloat16)
ByteTensor = _tensor_type("ByteTensor", _dtype.uint8)
CharTensor = _tensor_type("CharTensor", _dtype.int8)
ShortTensor = _tensor_type("ShortTensor", _dtype.int16)
IntTensor = _tensor_type("IntTensor", _dtype.int32)
LongTensor = _tensor_type("LongTensor", _dtype.int64)
BoolTensor = _tensor_type("BoolTensor", _dtype.bool)
