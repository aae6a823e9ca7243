"""torch's dtypes, their NumPy storage types, finfo/iinfo and torch's type-promotion rules."""
import builtins

import ml_dtypes
import numpy as np

# Categories order promotion: a 0-d tensor or a Python scalar only wins when its category is higher.
BOOL, INTEGER, FLOATING = 0, 1, 2


class dtype:
    """A torch dtype: a name, the NumPy type that stores it, and its promotion category."""

    __slots__ = ("name", "numpy_type", "category", "itemsize", "is_signed")

    def __init__(self, name, numpy_type, category):
        self.name = name
        self.numpy_type = np.dtype(numpy_type)
        self.category = category
        self.itemsize = self.numpy_type.itemsize
        self.is_signed = name not in ("bool", "uint8")

    @property
    def is_floating_point(self):
        return self.category == FLOATING

    @property
    def is_complex(self):
        return False

    def to_real(self):
        return self

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))


bool = dtype("bool", np.bool_, BOOL)
uint8 = dtype("uint8", np.uint8, INTEGER)
int8 = dtype("int8", np.int8, INTEGER)
int16 = dtype("int16", np.int16, INTEGER)
int32 = dtype("int32", np.int32, INTEGER)
int64 = dtype("int64", np.int64, INTEGER)
float16 = dtype("float16", np.float16, FLOATING)
bfloat16 = dtype("bfloat16", ml_dtypes.bfloat16, FLOATING)
float32 = dtype("float32", np.float32, FLOATING)
float64 = dtype("float64", np.float64, FLOATING)

ALL_DTYPES = (bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64)
_BY_NAME = {d.name: d for d in ALL_DTYPES}
_BY_NUMPY = {d.numpy_type: d for d in ALL_DTYPES}


def _dtype_by_name(name):
    return _BY_NAME[name]


# torch's two spellings of a dtype in its messages: the ScalarType name ("expected scalar type Float") and the
# C++ type name ("float != double", "'long int'"); short_int/long give the shorter C names some kernels print.
_SCALAR_TYPE_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
                      "int64": "Long", "float16": "Half", "bfloat16": "BFloat16", "float32": "Float",
                      "float64": "Double"}
_C_TYPE_NAMES = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short int",
                 "int32": "int", "int64": "long int", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
                 "float32": "float", "float64": "double"}


def scalar_type_name(d):
    """'Float' for float32: torch's ScalarType name of a dtype (or of a dtype's name)."""
    return _SCALAR_TYPE_NAMES[d if isinstance(d, str) else d.name]


def c_type_name(d, short=False):
    """'float' for float32, 'long int' for int64 ('long' with short=True): the C++ type torch's messages print."""
    name = _C_TYPE_NAMES[d if isinstance(d, str) else d.name]
    return name.replace(" int", "") if short and name in ("short int", "long int") else name


def from_numpy_dtype(numpy_type):
    """The mtv2 dtype storing `numpy_type`; TypeError for types torch has no dtype for."""
    numpy_type = np.dtype(numpy_type)
    found = _BY_NUMPY.get(numpy_type)
    if found is None:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{numpy_type}. The only supported types are: "
            "float64, float32, float16, int64, int32, int16, int8, uint8, and bool.")
    return found


# ---------------------------------------------------------------- promotion

def promote_types(type1, type2):
    """torch.promote_types: the smallest dtype both can be cast to without leaving their category."""
    if type1 is type2:
        return type1
    if type1.category != type2.category:
        return type1 if type1.category > type2.category else type2
    if type1.category == FLOATING:
        pair = {type1.name, type2.name}
        if pair == {"float16", "bfloat16"}:
            return float32  # neither half type holds the other
        return type1 if type1.itemsize > type2.itemsize else type2
    if type1.category == INTEGER:
        if type1 is uint8 or type2 is uint8:
            other = type2 if type1 is uint8 else type1
            # uint8 with a signed type needs a signed type one size up (uint8 + int8 -> int16)
            return int16 if other is int8 else other
        return type1 if type1.itemsize > type2.itemsize else type2
    return type1


_default_dtype = float32

# Caches of promotion results (the op registry's plans per operand signature), which depend on the default dtype: it
# is a Python float's dtype and an integer division's result. set_default_dtype empties them.
_default_dependent_caches = []


def default_dependent_cache():
    """A new dict that set_default_dtype empties."""
    cache = {}
    _default_dependent_caches.append(cache)
    return cache


def get_default_dtype():
    return _default_dtype


def set_default_dtype(d):
    global _default_dtype
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default_dtype = d
    for cache in _default_dependent_caches:
        cache.clear()


_HALF_NUMPY_TYPES = (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16))
_FLOAT32 = np.dtype(np.float32)


def cast(array, numpy_type, **astype_arguments):
    """array.astype(numpy_type) as torch's CPU casts convert: into float16/bfloat16 from anything wider (float64,
    an integer) C++ goes through float (double -> float -> Half), which can round twice where NumPy's direct cast
    rounds once (measured: 62 in 1M float64 values differ in float16, 55 large int64 in bfloat16)."""
    numpy_type = np.dtype(numpy_type)
    if numpy_type in _HALF_NUMPY_TYPES and array.dtype != _FLOAT32 and array.dtype not in _HALF_NUMPY_TYPES \
            and array.dtype.kind in "fiu":
        with np.errstate(over="ignore"):   # past the half type's range: inf, silently, as in torch
            return array.astype(np.float32).astype(numpy_type, **astype_arguments)
    return array.astype(numpy_type, **astype_arguments)


def checked_integer(value, numpy_type):
    """torch's checked conversion of a Python int into an integer type: a value out of range raises, except that a
    negative one wraps into an unsigned type as two's complement (alpha=-3 multiplies a uint8 tensor by 253)."""
    info = np.iinfo(numpy_type)
    if value > info.max or value < (-int(info.max) if info.min == 0 else info.min):
        raise RuntimeError(f"value cannot be converted to type {np.dtype(numpy_type).name}_t without overflow")
    return np.array(value).astype(numpy_type)[()]


def scalar_dtype(value):
    """The dtype a Python scalar stands for when it takes part in promotion (a 'wrapped number')."""
    if isinstance(value, builtins.bool) or isinstance(value, np.bool_):
        return bool
    if isinstance(value, (int, np.integer)):
        return int64
    if isinstance(value, (float, np.floating)):
        return _default_dtype
    raise TypeError(f"unsupported scalar type {type(value).__name__}")


def _combine_categories(higher, lower):
    """The priority class `higher` wins unless `lower` is of a higher category (torch's rule)."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.category == FLOATING:
        return higher
    if higher is bool or lower.category == FLOATING:
        return promote_types(higher, lower)
    return higher


def result_type_of(dimensioned, zero_dim, scalars):
    """torch's result_type from three priority classes: tensors with dims, 0-d tensors, Python scalars."""
    def fold(types):
        out = None
        for t in types:
            out = t if out is None else promote_types(out, t)
        return out
    return _combine_categories(fold(dimensioned), _combine_categories(fold(zero_dim), fold(scalars)))


def can_cast(from_, to):
    """torch.can_cast: casting is allowed unless it lowers the category (float -> int, int -> bool)."""
    return from_.category <= to.category


# ---------------------------------------------------------------- finfo / iinfo

class finfo:
    """torch.finfo: machine limits of a floating dtype."""

    def __init__(self, type=None):
        type = type or _default_dtype
        if not type.is_floating_point:
            raise TypeError(f"torch.finfo() requires a floating point input type. Use torch.iinfo to "
                            f"handle '{type}'")
        # bfloat16 and the float8 types are ml_dtypes types, which numpy's finfo does not know
        native = type.numpy_type in (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
        info = np.finfo(type.numpy_type) if native else ml_dtypes.finfo(type.numpy_type)
        self.dtype = type.name
        self.bits = type.itemsize * 8
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = float(info.smallest_normal)
        self.smallest_normal = self.tiny
        self.resolution = 10.0 ** -int(info.precision)  # torch reports an exact power of ten

    def __repr__(self):
        return (f"finfo(resolution={self.resolution}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.tiny:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """torch.iinfo: limits of an integer dtype."""

    def __init__(self, type):
        if type.is_floating_point or type is bool:
            raise TypeError(f"torch.iinfo() requires an integer input type. Use torch.finfo to handle '{type}'")
        info = np.iinfo(type.numpy_type)
        self.dtype = type.name
        self.bits = info.bits
        self.max = int(info.max)
        self.min = int(info.min)

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"
