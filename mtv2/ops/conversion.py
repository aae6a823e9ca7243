"""Copies and conversions: to(dtype), clone, contiguous, copy_, fill_, zero_."""
import numpy as np

from .. import _dtype
from .. import _meta
from .._device import check_available, is_meta_target
from .._tensor import Tensor
from ._registry import RAW, op
from ._surface import public


@op("to_copy", promotion=RAW)
def _to_copy(a, dtype=None, order="K"):
    return _dtype.cast(a, dtype.numpy_type, order=order, copy=True)


@_to_copy.vjp
def _(g):
    return g  # the engine casts the gradient back to the input's dtype


class memory_format:
    """torch.memory_format: the layout a copy is made in."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"torch.{self.name}"


# mtv2's results are C- or F-ordered (see _registry._owned): channels_last layouts are not offered
preserve_format = memory_format("preserve_format")
contiguous_format = memory_format("contiguous_format")


@op("clone", promotion=RAW)
def _clone(a, order="K"):
    if order == "K" and any(stride == 0 and extent > 1 for stride, extent in zip(a.strides, a.shape)):
        order = "C"   # an expanded (overlapping) input clones contiguous in torch; NumPy's "K" would reorder it
    return np.array(a, copy=True, order=order)  # "K" keeps a dense input's memory order, as preserve_format


@_clone.vjp
def _(g):
    return g


@public(method=True)
def clone(input, *, memory_format=None):
    if memory_format is None or memory_format is preserve_format:
        return _clone(input)
    if memory_format is contiguous_format:
        return _clone(input, order="C")
    raise TypeError(f"clone(): argument 'memory_format' must be torch.memory_format, not "
                    f"{type(memory_format).__name__}")


@op("contiguous", promotion=RAW)
def _contiguous(a):
    return np.ascontiguousarray(a) if a.ndim else a.copy()


@_contiguous.vjp
def _(g):
    return g


def contiguous_copy(input):
    return _contiguous(input)


def _parse_to_arguments(args, kwargs):
    """Tensor.to accepts (dtype), (device), (device, dtype), (tensor), and keywords dtype/device/copy/memory_format."""
    dtype, device = kwargs.pop("dtype", None), kwargs.pop("device", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    layout = kwargs.pop("memory_format", None)
    if layout is not None and not isinstance(layout, memory_format):
        raise TypeError(f"to() received an invalid combination of arguments - got (memory_format="
                        f"{type(layout).__name__}, ), but expected a torch.memory_format")
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    for arg in args:
        if isinstance(arg, _dtype.dtype):
            dtype = arg
        elif isinstance(arg, Tensor):
            dtype = arg.dtype
        elif isinstance(arg, bool):
            pass  # non_blocking / copy positional flags
        elif arg is not None:
            device = arg
    return dtype, device, copy, layout


@public(function=False, method=True)
def to(input, *args, **kwargs):
    """Tensor.to: self when nothing changes (whatever memory_format says, as torch's to_will_alias), else a copy laid
    out as the input (preserve_format) or contiguous (contiguous_format)."""
    dtype, device, copy, layout = _parse_to_arguments(args, dict(kwargs))
    check_available(device)
    if dtype is not None and not isinstance(dtype, _dtype.dtype):
        raise TypeError(f"to() received an invalid combination of arguments - got dtype={dtype!r}")
    if device is not None and is_meta_target(device) != input.is_meta:
        if input.is_meta:
            raise NotImplementedError(_meta.NO_DATA)
        # to("meta") keeps the layout (torch's preserve_format) and drops the data
        strides = _meta.preserved_strides(tuple(input.shape), input.stride())
        return _meta.empty_tensor(tuple(input.shape), dtype or input.dtype, strides)
    if (dtype is None or dtype is input.dtype) and not copy:
        return input
    return _to_copy(input, dtype=dtype or input.dtype, order="C" if layout is contiguous_format else "K")


def convert(input, dtype, memory_format, method):
    """Tensor.float() and its kin: to(dtype), laying a converted copy out in memory_format."""
    if memory_format is None or memory_format is preserve_format:
        return to(input, dtype)
    if not isinstance(memory_format, type(preserve_format)):
        raise TypeError(f"{method}(): argument 'memory_format' must be torch.memory_format, not "
                        f"{type(memory_format).__name__}")
    if memory_format is not contiguous_format:
        raise NotImplementedError(f"{method}(): memory_format={memory_format!r} is not supported by mtv2")
    if dtype is input.dtype or input.is_meta:
        return to(input, dtype)   # torch returns self when no conversion is needed, whatever the format
    return _to_copy(input, dtype=dtype, order="C")


def _conversion_method(name, dtype):
    """Tensor.<name>(*, memory_format=None): convert to `dtype` (a method only: torch.float is a dtype)."""
    def method(input, *, memory_format=None):
        return convert(input, dtype, memory_format, name)
    method.__name__ = method.__qualname__ = name
    public(name, function=False, method=True)(method)


for _name, _target in (("float", _dtype.float32), ("double", _dtype.float64), ("half", _dtype.float16),
                       ("bfloat16", _dtype.bfloat16), ("long", _dtype.int64), ("int", _dtype.int32),
                       ("short", _dtype.int16), ("char", _dtype.int8), ("byte", _dtype.uint8), ("bool", _dtype.bool)):
    _conversion_method(_name, _target)


@public(function=False, method=True)
def type_as(input, other):
    return to(input, other.dtype)


@public(function=False, method=True)
def cpu(input):
    if input.is_meta:
        raise NotImplementedError(_meta.NO_DATA)
    return input


@op("copy_from", promotion=RAW, fills=True)
def _copy_from(a, src, dtype=None):
    return _dtype.cast(np.broadcast_to(src, a.shape), dtype.numpy_type)


@_copy_from.vjp
def _(g):
    return g.new_zeros(g.shape), g  # the old value is overwritten: torch gives it a zero gradient


@public(function=False, method=True)
def copy_(self, src, non_blocking=False):
    from .inplace import apply_inplace
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not {type(src).__name__}")
    _check_broadcastable_to(src.shape, self.shape, "copy_")
    return apply_inplace(self, lambda a, s: _copy_from(a, s, dtype=self.dtype), "copy_", src)


@op("fill", promotion=RAW, fills=True)
def _fill(a, value, dtype=None):
    return np.full(a.shape, value, dtype=dtype.numpy_type)


@_fill.vjp
def _(g):
    return g.new_zeros(g.shape), g.sum()


@public(function=False, method=True)
def fill_(self, value):
    from .inplace import apply_inplace
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} dimensions.")
    # every element gets the same value, so torch allows fill_ on expanded (overlapping) tensors
    return apply_inplace(self, lambda a, v: _fill(a, v, dtype=self.dtype), "fill_", value, allow_overlap=True)


@public(function=False, method=True)
def zero_(self):
    return fill_(self, 0)


def _check_broadcastable_to(shape, target, name):
    if len(shape) > len(target):
        raise RuntimeError(f"{name}: the source of shape {list(shape)} has more dims than the target {list(target)}")
    leading = len(target) - len(shape)
    for dim, (size, wanted) in enumerate(zip(shape, target[leading:])):
        if size != wanted and size != 1:
            raise RuntimeError(f"The expanded size of the tensor ({wanted}) must match the existing size ({size}) at "
                               f"non-singleton dimension {leading + dim}.  Target sizes: {list(target)}.  Tensor "
                               f"sizes: {list(shape)}")
