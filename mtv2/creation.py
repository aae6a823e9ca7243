"""Creation: tensor/as_tensor/from_numpy, filled and ranged factories, *_like, and random factories."""
import builtins
import math

import numpy as np

from . import _dtype
from ._device import CPU, is_meta_target
from ._meta import MetaArray, empty_tensor, preserved_strides
from ._tensor import Tensor
from .ops._surface import public


def _finish(array, dtype, requires_grad=False, device=None):
    if is_meta_target(device):   # torch.tensor(data, device="meta"): the data's shape and dtype, not its values
        return empty_tensor(array.shape, dtype or _dtype.from_numpy_dtype(array.dtype), requires_grad=requires_grad)
    if dtype is not None and array.dtype != dtype.numpy_type:
        array = _dtype.cast(array, dtype.numpy_type)
    result = Tensor._from_fresh(array, dtype)
    if requires_grad:
        result.requires_grad_(True)
    return result


def _size_of_call(name, sizes, size):
    """torch's size argument in each of its forms: zeros(2, 3), zeros((2, 3)), zeros([2, 3]), zeros(size=(2, 3))."""
    if sizes and size is not None:
        raise TypeError(f"{name}() got multiple values for argument 'size'")
    if not sizes and size is None:
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    return _size_arguments(sizes if size is None else (size,))


def _filled_out(name, out, shape, dtype, fill):
    """out= of a filled factory: out's own dtype unless dtype= names another, no autograd through it. mtv2 cannot
    resize a tensor's storage (torch resizes out to the size), so out must already have the size."""
    from .autograd import grad_mode
    if dtype is not None and dtype != out.dtype:
        raise RuntimeError(f"dtype {_dtype.scalar_type_name(dtype)} does not match dtype of out parameter "
                           f"({_dtype.scalar_type_name(out.dtype)})")
    if out.requires_grad and grad_mode.is_grad_enabled():
        raise RuntimeError(f"aten::{name}(): functions with out=... arguments don't support automatic differentiation, "
                           f"but one of the arguments requires grad.")
    if tuple(out.shape) != shape:
        raise RuntimeError(f"{name}(): out= of shape {list(out.shape)} cannot be resized to {list(shape)} in mtv2")
    return out if fill is None else out.fill_(fill)


def _size_arguments(size):
    """zeros(2, 3), zeros((2, 3)) and zeros([2, 3]) all mean shape (2, 3)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    for extent in size:
        if not isinstance(extent, (int, np.integer)) or isinstance(extent, bool):
            if isinstance(extent, Tensor) and extent.ndim == 0 and not extent.dtype.is_floating_point:
                continue
            raise TypeError(f"expected a sequence of integers for the size, but got {type(extent).__name__}")
        if extent < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {extent}: {list(size)}")
    return tuple(int(extent) for extent in size)


def _leaf_kinds(data):
    """The kinds of leaf in nested lists and tuples: Python types, the NumPy dtype of a NumPy scalar or array, the
    dtype of a tensor, and _EMPTY for an empty sequence. Walked per distinct type, so a long list of numbers costs
    one set(map(type, ...)) rather than a Python step per number."""
    kinds, pending = set(), [data if isinstance(data, (list, tuple)) else [data]]
    while pending:
        sequence = pending.pop()
        if not sequence:
            kinds.add(_EMPTY)
        for kind in set(map(type, sequence)):
            if issubclass(kind, (list, tuple)):
                pending.extend(item for item in sequence if type(item) is kind)
            elif issubclass(kind, (Tensor, np.ndarray)):
                kinds.update(item.dtype for item in sequence if type(item) is kind)
            elif issubclass(kind, np.generic):   # before float: np.float64 is a Python float too
                kinds.add(np.dtype(kind))
            else:
                kinds.add(kind)
    return kinds


_EMPTY = object()   # stands for an empty sequence among the leaf kinds


def _inferred_dtype(kinds):
    """torch's infer_scalar_type for nested data: torch.promote_types over every leaf's own dtype (no special
    rule for scalars here): a Python bool is bool, an int int64, a float the default dtype; a NumPy scalar or
    array and a tensor keep theirs; an empty sequence counts as the default dtype. [np.int32(1)] is int32,
    [np.int32(1), 1] int64, [np.float16(1), 1.0] float32, [np.float16(1), 1] float16."""
    result = None
    for kind in kinds:
        if isinstance(kind, _dtype.dtype):
            dtype = kind
        elif isinstance(kind, np.dtype):
            dtype = _dtype.from_numpy_dtype(kind)
        elif kind is _EMPTY or issubclass(kind, float):
            dtype = _dtype.get_default_dtype()
        elif issubclass(kind, bool):
            dtype = _dtype.bool
        elif issubclass(kind, int):
            dtype = _dtype.int64
        elif issubclass(kind, (str, bytes)):
            raise TypeError(f"new(): invalid data type '{kind.__name__}'")
        else:
            raise RuntimeError(f"Could not infer dtype of {kind.__name__}")
        result = dtype if result is None else _dtype.promote_types(result, dtype)
    return result


def _check_nested_numpy(data, kinds, dtype):
    """Two quirks of torch reading NumPy values out of Python sequences: it takes the shape from the first
    element at each level, and a 0-d array there has no len(); and it stores a NumPy bool (alone or in a bool
    array) into an integer dtype through Python's index protocol, which refuses it."""
    probe = data
    while isinstance(probe, (list, tuple)) and probe:
        probe = probe[0]
        if isinstance(probe, np.ndarray) and probe.ndim == 0:
            raise TypeError("len() of unsized object")
    if np.dtype(np.bool_) in kinds and not (dtype.is_floating_point or dtype is _dtype.bool):
        raise TypeError("'numpy.bool' object cannot be interpreted as an integer")


# ---------------------------------------------------------------- from data

@public()
def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """torch.tensor: always copies; Python floats become the default dtype, ints int64, bools bool."""
    if isinstance(data, Tensor):
        array = np.array(data._data)
        dtype = dtype or data.dtype
    elif isinstance(data, np.ndarray):
        array = np.array(data)
        dtype = dtype or _dtype.from_numpy_dtype(array.dtype)
    else:
        kinds = _leaf_kinds(data)
        if dtype is None:   # torch infers before it reads the shape: [[1, 2], [None]] cannot infer, not ragged
            dtype = _inferred_dtype(kinds)
        array = _array_from_nested(data)
        if isinstance(dtype, _dtype.dtype):
            _check_numbers_fit(data, dtype)
            _check_nested_numpy(data, kinds, dtype)
    return _finish(np.asarray(array), dtype, requires_grad, device)


def _array_from_nested(data):
    if isinstance(data, (list, tuple)) and any(isinstance(item, Tensor) for item in _flatten(data)):
        data = _replace_tensors(data)
    try:
        array = np.array(data)
    except ValueError:
        empty = _empty_nested(data)
        if empty is None:
            raise ValueError(f"expected sequence of equal lengths at every dim (ragged nested sequence)") from None
        return empty
    if array.dtype == object:
        raise TypeError(f"Could not infer dtype of {type(_flatten(data)[0]).__name__}" if _flatten(data)
                        else "Could not infer dtype")
    return array  # an empty list gives float64 here: tensor() infers the default dtype from any float array


def _check_numbers_fit(data, dtype):
    """torch refuses a Python number that an integer dtype cannot hold: a float out of range (or nan/inf), an int
    out of range, except that negative ints wrap into unsigned types as two's complement (-1 is 255 in uint8)."""
    if dtype.is_floating_point or dtype is _dtype.bool:
        return
    info = np.iinfo(dtype.numpy_type)
    for value in _flatten(data):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if isinstance(value, float):
            overflows = not math.isfinite(value) or not info.min <= value <= info.max
        else:
            overflows = value > info.max or value < (-int(info.max) if info.min == 0 else info.min)
        if overflows:
            raise RuntimeError(f"value cannot be converted to type {np.dtype(dtype.numpy_type).name} without overflow")


def _empty_nested(data):
    """torch takes the shape from the first element at each level and, when that shape holds no element, reads
    nothing else: [[], [1, 2]] is an empty (2, 0) tensor of the default dtype (float64 here, like np.array([]): a
    float array infers the default dtype, whatever it is; ml_dtypes' bfloat16 would not read as a float)."""
    shape, probe = [], data
    while isinstance(probe, (list, tuple)):
        shape.append(len(probe))
        if not probe:
            break
        probe = probe[0]
    if 0 not in shape:
        return None
    return np.empty(shape, np.float64)


def _flatten(data):
    if isinstance(data, (list, tuple)):
        return [leaf for item in data for leaf in _flatten(item)]
    return [data]


def _replace_tensors(data):
    if isinstance(data, Tensor):
        return data.item() if data.ndim == 0 else _replace_tensors(data.tolist())
    if isinstance(data, (list, tuple)):
        return [_replace_tensors(item) for item in data]
    return data


@public()
def as_tensor(data, dtype=None, device=None):
    """Shares memory with a tensor or ndarray when no conversion is needed."""
    if isinstance(data, Tensor):
        return _on_device(data if dtype is None or dtype is data.dtype else data.to(dtype), device)
    if isinstance(data, np.ndarray):
        shared = from_numpy(data)
        return _on_device(shared if dtype is None or dtype is shared.dtype else shared.to(dtype), device)
    return tensor(data, dtype=dtype, device=device)


def _on_device(result, device):
    """as_tensor/asarray's result moved to `device` when it names another one (None: the default device)."""
    if is_meta_target(device):
        return result if result.is_meta else result.to("meta")
    if device is not None and result.is_meta:
        return result.to(device)   # raises: a meta tensor has no data to put on the CPU
    return result


@public()
def from_numpy(array):
    """A tensor sharing memory with `array` (writes go both ways)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    if any(s < 0 for s in array.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors with negative "
                         "strides are not currently supported. (You can probably work around this by making a copy "
                         "of your array  with array.copy().) ")
    return Tensor._from_fresh(array, _dtype.from_numpy_dtype(array.dtype))


# ---------------------------------------------------------------- filled

def _default(dtype):
    return dtype or _dtype.get_default_dtype()


# Each factory decides meta before it allocates or draws: a meta tensor gets no data and consumes no random numbers.

@public()
def zeros(*sizes, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    shape = _size_of_call("zeros", sizes, size)
    if out is not None:
        return _filled_out("zeros", out, shape, dtype, 0)
    dtype = _default(dtype)
    if is_meta_target(device):
        return empty_tensor(shape, dtype, requires_grad=requires_grad)
    return _finish(np.zeros(shape, dtype.numpy_type), dtype, requires_grad, device)


@public()
def ones(*sizes, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    shape = _size_of_call("ones", sizes, size)
    if out is not None:
        return _filled_out("ones", out, shape, dtype, 1)
    dtype = _default(dtype)
    if is_meta_target(device):
        return empty_tensor(shape, dtype, requires_grad=requires_grad)
    return _finish(np.ones(shape, dtype.numpy_type), dtype, requires_grad, device)


@public()
def empty(*sizes, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          memory_format=None):
    shape = _size_of_call("empty", sizes, size)
    if out is not None:
        return _filled_out("empty", out, shape, dtype, None)
    dtype = _default(dtype)
    if is_meta_target(device):
        return empty_tensor(shape, dtype, requires_grad=requires_grad)
    return _finish(np.empty(shape, dtype.numpy_type), dtype, requires_grad, device)


@public()
def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """A tensor with exactly these strides (uninitialised in torch; zeros here)."""
    dtype, shape = _default(dtype), _size_arguments((size,))
    stride = tuple(int(s) for s in stride)
    if len(stride) != len(shape):
        raise RuntimeError(f"dimensionality of sizes ({len(shape)}) must match dimensionality of strides "
                           f"({len(stride)})")
    if is_meta_target(device):
        return empty_tensor(shape, dtype, stride, requires_grad=requires_grad)
    span = 0 if 0 in shape else 1 + builtins.sum((n - 1) * s for n, s in zip(shape, stride))
    itemsize = np.dtype(dtype.numpy_type).itemsize
    array = np.lib.stride_tricks.as_strided(np.zeros(span, dtype.numpy_type), shape, [s * itemsize for s in stride])
    result = _finish(array, dtype, requires_grad, device)
    if array.size == 0:
        result._data = array   # _from_fresh gives an empty array contiguous strides; these are the ones asked for
    return result


@public(function=False, method=True)
def new_empty_strided(self, size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                      pin_memory=False):
    """Tensor.new_empty_strided: empty_strided in self's dtype and device unless told."""
    return empty_strided(size, stride, dtype=dtype or self.dtype, device=device or self.device,
                         requires_grad=requires_grad)


@public()
def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None, requires_grad=False,
                   pin_memory=False):
    """torch.empty_permuted: a dense tensor of `size` whose dims lie in memory in the order physical_layout gives
    (the last one innermost)."""
    shape = _size_arguments((size,))
    order = tuple(int(d) for d in physical_layout)
    if len(order) != len(shape):
        raise RuntimeError(f"Number of dimensions in size does not match the length of the physical_layout; i.e. "
                           f"len(size) = {len(shape)} is not equal to len(physical_layout) = {len(order)}")
    seen = set()
    for index, dim in enumerate(order):
        if not 0 <= dim < len(shape):
            raise RuntimeError(f"Dimension out of range (expected to be between 0 and {len(shape) - 1}, but got "
                               f"{dim} at index {index}).  NB: negative dims not currently supported; file an issue "
                               f"if you want it.")
        if dim in seen:
            raise RuntimeError("Duplicate dim not allowed")
        seen.add(dim)
    stride, step = [0] * len(shape), 1
    for dim in reversed(order):   # not a view: a tensor of its own with these strides, as torch's
        stride[dim] = step
        step *= builtins.max(shape[dim], 1)
    return empty_strided(shape, stride, dtype=dtype, device=device, requires_grad=requires_grad)


@public()
def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        dtype = _dtype.scalar_dtype(fill_value)
    shape = _size_arguments((size,))
    if is_meta_target(device):
        return empty_tensor(shape, dtype, requires_grad=requires_grad)
    fill_value = _checked_fill(fill_value, dtype)
    return _finish(np.full(shape, fill_value, dtype.numpy_type), dtype, requires_grad, device)


# the C type names torch's checked_convert names in its overflow error
_C_TYPE_NAMES = {_dtype.uint8: "uint8_t", _dtype.int8: "int8_t", _dtype.int16: "int16_t", _dtype.int32: "int",
                 _dtype.int64: "int64_t", _dtype.float32: "float"}


def _checked_fill(value, dtype):
    """A Python number as torch's Scalar conversion takes it into dtype: an int beyond 64 bits is refused by the
    argument parser; a float that the integer dtype (or float32) cannot hold, NaN included for integers, raises
    (half types and float64 take anything); a negative int wraps into an unsigned type (-2 is 254 in uint8)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        return value
    if isinstance(value, int) and not -2 ** 63 <= value < 2 ** 64:
        raise OverflowError("int too big to convert")
    kind = np.dtype(dtype.numpy_type).kind
    if kind in "iu" and isinstance(value, (int, np.integer)):
        return _dtype.checked_integer(int(value), dtype.numpy_type)
    if kind in "iu":
        info = np.iinfo(dtype.numpy_type)
        overflows = not math.isfinite(value) or not info.min <= value <= info.max   # 255.5 and -0.5 miss uint8
    else:
        overflows = dtype is _dtype.float32 and math.isfinite(value) and abs(float(value)) > 3.4028234663852886e38
    if overflows:
        raise RuntimeError(f"value cannot be converted to type {_C_TYPE_NAMES[dtype]} without overflow")
    return value


@public()
def scalar_tensor(s, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """torch.scalar_tensor: a 0-d tensor holding s, in the default float dtype unless told (an int or a bool too)."""
    if isinstance(s, Tensor):
        s = s.item()
    if not isinstance(s, (int, float, bool, np.number, np.bool_)):
        raise TypeError(f"scalar_tensor(): argument 's' (position 1) must be Number, not {type(s).__name__}")
    return full((), s, dtype=_default(dtype), device=device, requires_grad=requires_grad)


@public()
def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if n < 0 or (m is not None and m < 0):
        raise RuntimeError(f"n must be greater or equal to 0, got {n if n < 0 else m}")
    dtype = _default(dtype)
    if is_meta_target(device):
        return empty_tensor((n, n if m is None else m), dtype, requires_grad=requires_grad)
    return _finish(np.eye(n, n if m is None else m, dtype=dtype.numpy_type), dtype, requires_grad, device)


def _scalar_value(value):
    return value.item() if isinstance(value, Tensor) else value


@public()
def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """torch's arange_out: the values start + i*step; an integer dtype truncates start and step first, and int64
    also counts in integers (arange(0., -8.000001, -4., dtype=int64) has 2 elements, not 3)."""
    if end is None:
        start, end = 0, start
    start, end, step = _scalar_value(start), _scalar_value(end), _scalar_value(step)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (end - start) * step < 0 and end != start:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        any_float = builtins.any(isinstance(v, (float, np.floating)) for v in (start, end, step))
        dtype = out.dtype if out is not None else _dtype.get_default_dtype() if any_float else _dtype.int64
    count = builtins.max(0, math.ceil((end - start) / step))
    if not dtype.is_floating_point:
        start, step = int(start), int(step)   # truncated toward zero, as C++ converts to the accumulate type
        if dtype is _dtype.int64:   # torch counts int64 in integers, from the truncated end too
            if step == 0:
                raise ValueError("step must be nonzero")
            span = int(end) - start + step - (1 if step > 0 else -1)
            count = builtins.max(0, abs(span) // abs(step) * (1 if (span >= 0) == (step > 0) else -1))
    if is_meta_target(device):
        return empty_tensor((count,), dtype, requires_grad=requires_grad)
    if dtype.is_floating_point:
        values = start + np.arange(count, dtype=np.float64) * step
    else:
        values = np.arange(count, dtype=np.int64) * step + start
    return _finish(values, dtype, requires_grad, device)


def _steps_argument(function, start, end, steps):
    """torch's parser takes `int steps`: a Python or NumPy integer, or a 0-dim integer tensor; a float, a bool or
    anything else matches none of the signatures."""
    if isinstance(steps, Tensor):
        if steps.ndim == 0 and not steps.dtype.is_floating_point and steps.dtype is not _dtype.bool:
            return int(steps.item())
    elif isinstance(steps, (int, np.integer)) and not isinstance(steps, (bool, np.bool_)):
        return int(steps)
    got = ", ".join(type(value).__name__ for value in (start, end, steps))
    raise TypeError(f"{function}() received an invalid combination of arguments - got ({got}), but expected "
                    f"(Number start, Number end, int steps, ...)")


@public()
def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    steps = _steps_argument("linspace", start, end, steps)
    start, end = _scalar_value(start), _scalar_value(end)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dtype = _default(dtype)
    if is_meta_target(device):
        return empty_tensor((steps,), dtype, requires_grad=requires_grad)
    if np.dtype(dtype.numpy_type).kind in "iu":
        # torch converts start and end to the integer dtype first (4.3 -> 4, -3 -> 253 in uint8), then steps in float64
        _check_numbers_fit([start, end], dtype)
        start, end = (float(np.array(value).astype(dtype.numpy_type)) for value in (start, end))
    if steps == 1:
        values = np.array([start], dtype=np.float64)
    elif dtype is _dtype.float32:
        # torch's float32 kernel: start, end and step in float32, each value one fused multiply-add (the float64
        # product of a float32 step and an index is exact), the first half forward from start, the rest back from end
        first, last = np.float32(start), np.float32(end)
        step = np.float64(np.float32(last - first) / np.float32(steps - 1))
        index = np.arange(steps, dtype=np.float64)
        values = np.where(index < steps // 2, np.float64(first) + step * index,
                          np.float64(last) - step * (steps - 1 - index)).astype(np.float32)
    else:
        # torch fills the first half forward from start and the second half backward from end
        step = (end - start) / builtins.max(steps - 1, 1)
        index = np.arange(steps, dtype=np.float64)
        values = np.where(index < steps // 2, start + index * step, end - (steps - 1 - index) * step)
    if not dtype.is_floating_point:
        values = np.trunc(values)
    return _finish(values, dtype, requires_grad, device)


@public()
def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """torch's logspace_out: base ** e for linspace's exponents e, computed as torch's CPU kernel does: start and end
    converted to the dtype first, the first half of the exponents forward from start and the second backward from
    end, std::pow in double (an integer dtype raises the base rounded to float32, and truncates)."""
    steps = _steps_argument("logspace", start, end, steps)
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, Tensor) and value.ndim != 0:
            raise RuntimeError(f"logspace only supports 0-dimensional start and end tensors, but got {name} with "
                               f"{value.ndim} dimension(s).")
    start, end = _scalar_value(start), _scalar_value(end)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dtype = _default(dtype)
    if is_meta_target(device):
        return empty_tensor((steps,), dtype, requires_grad=requires_grad)
    integral = np.dtype(dtype.numpy_type).kind in "iub"
    with np.errstate(all="ignore"):
        if steps == 1:
            values = np.power(np.float64(base), np.array([start], dtype=np.float64))   # start not rounded first
        else:
            if integral:
                _check_numbers_fit([start, end], dtype)
                base = float(np.float32(base))
            start, end = (np.array(value).astype(dtype.numpy_type)[()] for value in (start, end))
            # end - start in the dtype's own arithmetic (float32, half rounded; C++ int), then double
            span = int(end) - int(start) if integral else float(end - start)
            start, end = float(start), float(end)
            step = span / (steps - 1)
            index = np.arange(steps, dtype=np.float64)
            exponents = np.where(index < steps // 2, start + step * index, end - step * (steps - 1 - index))
            values = np.power(np.float64(base), exponents)
        if dtype in (_dtype.float16, _dtype.bfloat16):
            values = values.astype(np.float32)   # the double result reaches half through float, as c10::Half does
    return _random_result(_finish(values, dtype, requires_grad=False, device=device), out, requires_grad)


# ---------------------------------------------------------------- random

def _check_floating(dtype, kernel):
    if not dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_dtype.scalar_type_name(dtype)}\'')


@public()
def rand(*sizes, size=None, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """torch.rand: empty(size).uniform_(0, 1) (torch's draws, see ops/random_fill.py)."""
    dtype = _default(dtype)
    _check_floating(dtype, "check_uniform_bounds")
    if is_meta_target(device):
        return empty_tensor(_size_of_call("rand", sizes, size), dtype, requires_grad=requires_grad)
    result = empty(_size_of_call("rand", sizes, size), dtype=dtype, device=device).uniform_(0, 1, generator=generator)
    return _random_result(result, out, requires_grad)


@public()
def randn(*sizes, size=None, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """torch.randn: empty(size).normal_(0, 1)."""
    dtype = _default(dtype)
    _check_floating(dtype, "normal_kernel_cpu")
    if is_meta_target(device):
        return empty_tensor(_size_of_call("randn", sizes, size), dtype, requires_grad=requires_grad)
    result = empty(_size_of_call("randn", sizes, size), dtype=dtype, device=device).normal_(0, 1, generator=generator)
    return _random_result(result, out, requires_grad)


@public()
def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False):
    """torch.randint: empty(size, dtype=int64).random_(low, high)."""
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dtype = dtype or _dtype.int64
    if is_meta_target(device):
        return empty_tensor(_size_arguments((size,)), dtype, requires_grad=requires_grad)
    result = empty(_size_arguments((size,)), dtype=dtype, device=device).random_(int(low), int(high),
                                                                                 generator=generator)
    return _random_result(result, out, requires_grad)


@public()
def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """torch.randperm: torch's Fisher-Yates on 32-bit draws (ops/_draws.py)."""
    from ._random import generator_or_default
    from .ops import _draws
    dtype = dtype or _dtype.int64
    _size_arguments((n,))
    if is_meta_target(device):
        return empty_tensor((n,), dtype, requires_grad=requires_grad)
    result = _finish(_draws.randperm(generator_or_default(generator), int(n)), dtype, False, device)
    return _random_result(result, out, requires_grad)


@public()
def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           pin_memory=False, requires_grad=False):
    """torch.normal, all four overloads. With a tensor mean or std: a contiguous tensor of the broadcast shape
    filled with normal_(0, 1), then mul_(std) and add_(mean), as torch's normal_out_impl does (differentiable, with
    torch's zero gradients for mean and std)."""
    from .autograd import grad_mode
    from .ops.random_fill import _number, normal_with_tensors
    from .ops.views import _broadcast_pair
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        like = mean if isinstance(mean, Tensor) else std
        if isinstance(std, Tensor):
            if std.numel() and not bool((std.detach().min() >= 0).item()):   # NaN fails it too, as in torch
                raise RuntimeError("normal expects all elements of std >= 0.0")
        elif not std >= 0.0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_number(std)}")
        shapes = [tuple(x.shape) for x in (mean, std) if isinstance(x, Tensor)]
        shape = _broadcast_pair(*shapes) if len(shapes) == 2 else shapes[0]
        tracked = grad_mode.is_grad_enabled() and any(isinstance(x, Tensor) and x.requires_grad for x in (mean, std))
        if out is not None and tracked:
            raise RuntimeError("normal(): functions with out=... arguments don't support automatic differentiation, "
                               "but one of the arguments requires grad.")
        with grad_mode.no_grad():
            result = empty(shape, dtype=like.dtype).normal_(0, 1, generator=generator)
            result.mul_(std.detach() if isinstance(std, Tensor) else std)
            result.add_(mean.detach() if isinstance(mean, Tensor) else mean)
        if tracked:
            result = normal_with_tensors(mean, std, sample=result._data)
        return _random_result(result, out, False)
    dtype = _default(dtype)
    if is_meta_target(device):
        return empty_tensor(_size_arguments((size,)), dtype, requires_grad=requires_grad)
    result = empty(_size_arguments((size,)), dtype=dtype, device=device).normal_(mean, std, generator=generator)
    return _random_result(result, out, requires_grad)


def _random_result(result, out, requires_grad):
    if out is not None:
        return out.copy_(result)
    return result.requires_grad_(requires_grad) if requires_grad else result


# ---------------------------------------------------------------- *_like

def _like_dtype(input, dtype):
    return dtype or input.dtype


def _filled_like(input, fill_value, dtype, requires_grad, device):
    # order "K" keeps a dense input's strides, as torch's preserve_format does
    dtype = dtype or input.dtype
    data = input._data
    # *_like follows its input's device, not the default one
    if is_meta_target(device) if device is not None else type(data) is MetaArray:
        return empty_tensor(data.shape, dtype, preserved_strides(data.shape, input.stride()), requires_grad)
    if type(data) is MetaArray:
        # a meta tensor's layout on the CPU (Module.to_empty; transformers' empty_like(meta, device="cpu")):
        # uninitialised in torch, filled here
        result = empty_strided(data.shape, preserved_strides(data.shape, input.stride()), dtype=dtype, device=CPU)
        return result.fill_(fill_value).requires_grad_(requires_grad)
    if isinstance(fill_value, int) and np.dtype(dtype.numpy_type).kind in "iu":
        fill_value = _dtype.checked_integer(fill_value, dtype.numpy_type)   # -2 wraps to 254 in uint8
    array = np.full_like(data, fill_value, dtype=dtype.numpy_type, order="K" if _dense(input) else "C")
    return _finish(array, dtype, requires_grad, CPU)


@public()
def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _filled_like(input, 0, dtype, requires_grad, device)


@public()
def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _filled_like(input, 1, dtype, requires_grad, device)


@public()
def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _filled_like(input, 0, dtype, requires_grad, device)


@public()
def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _filled_like(input, fill_value, dtype, requires_grad, device)


def _dense(input):
    """torch's is_non_overlapping_and_dense: the elements fill a block of memory exactly, in some order of the
    dims. empty_like and the other *_like keep such a tensor's strides (preserve_format), and give any other a
    contiguous layout."""
    shape, strides = tuple(input.shape), tuple(input.stride())
    expected = 1
    for axis in sorted(range(len(shape)), key=lambda axis: strides[axis]):
        if shape[axis] == 1:
            continue
        if strides[axis] != expected:
            return False
        expected *= shape[axis]
    return True


@public()
def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
              generator=None):
    result = empty_like(input, dtype=_like_dtype(input, dtype), device=device).uniform_(0, 1, generator=generator)
    return result.requires_grad_(requires_grad) if requires_grad else result


@public()
def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
               generator=None):
    result = empty_like(input, dtype=_like_dtype(input, dtype), device=device).normal_(0, 1, generator=generator)
    return result.requires_grad_(requires_grad) if requires_grad else result


@public()
def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None, requires_grad=False,
                 memory_format=None, generator=None):
    if high is None:
        low, high = 0, low
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    result = empty_like(input, dtype=_like_dtype(input, dtype), device=device)
    result = result.random_(int(low), int(high), generator=generator)
    return result.requires_grad_(requires_grad) if requires_grad else result


@public()   # (hf) safetensors' torch loader reads checkpoints through it
def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """torch.asarray: shares memory with a tensor, ndarray or UntypedStorage when it can (a storage's bytes are
    read as `dtype`, as safetensors' loader does); otherwise a new tensor. copy=True always copies."""
    from ._storage import UntypedStorage
    if isinstance(obj, UntypedStorage):
        kind = dtype or _dtype.get_default_dtype()
        result = Tensor._from_fresh(obj.buffer.view(np.uint8).view(kind.numpy_type), kind)
    elif copy is False or copy is None:
        result = as_tensor(obj, dtype=dtype)
    else:
        result = tensor(obj, dtype=dtype)
    if copy and result is obj:
        result = result.clone()
    result = _on_device(result, device)
    return result.requires_grad_(requires_grad) if requires_grad else result

