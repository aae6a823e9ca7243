"""Pointwise math beyond the basics: clamp, lerp, addcmul/addcdiv, rounding, exp/log variants, the erf
family, trigonometric and hyperbolic functions, atan2, float classification and nan_to_num."""
import collections
import math

import numpy as np
import scipy.special

from .. import _dtype
from ._registry import COMPARE, TO_FLOAT, op, promoted_dtype
from ._surface import public
from .._tensor import Tensor
from .elementwise import _require_tensor_input, _require_tensors, _with_out, exp, mul, pow, sign, where


def _refuse(input, kernel_name, refused):
    """torch has no kernel for these dtypes: NotImplementedError naming the kernel and the dtype."""
    if isinstance(input, Tensor) and input.dtype.category in refused:
        raise NotImplementedError(f'"{kernel_name}" not implemented for \'{_dtype.scalar_type_name(input.dtype)}\'')


# ================================================================ exponentials and logarithms

@op("rsqrt", promotion=TO_FLOAT, saves=("result",))
def _rsqrt(a):
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1 / np.sqrt(a)


@_rsqrt.vjp
def _(g, out):
    return -0.5 * g * (out * out * out)


@op("reciprocal", promotion=TO_FLOAT, saves=("result",))
def _reciprocal(a):
    with np.errstate(divide="ignore"):
        return 1 / a


@_reciprocal.vjp
def _(g, out):
    return -g * (out * out)


@op("exp2", promotion=TO_FLOAT, saves=("result",))
def _exp2(a):
    with np.errstate(over="ignore"):
        return np.exp2(a)  # inf on overflow, as torch


@_exp2.vjp
def _(g, out):
    return g * out * math.log(2)


@op("expm1", promotion=TO_FLOAT, saves=("result",))
def _expm1(a):
    with np.errstate(over="ignore"):
        return np.expm1(a)  # inf on overflow, as torch


@_expm1.vjp
def _(g, out):
    return g * (out + 1)


@op("log1p", promotion=TO_FLOAT, saves=("a",))
def _log1p(a):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log1p(a)


@_log1p.vjp
def _(g, a):
    return g / (a + 1)


def _logarithm(name, numpy_log, base):
    """The op `name`: the logarithm in `base` (NumPy's own function for it, not log(a) / log(base))."""
    @op(name, promotion=TO_FLOAT, saves=("a",))
    def kernel(a):
        with np.errstate(divide="ignore", invalid="ignore"):
            return numpy_log(a)

    @kernel.vjp
    def _(g, a):
        return g / (a * math.log(base))
    return kernel


_log2 = _logarithm("log2", np.log2, 2)
_log10 = _logarithm("log10", np.log10, 10)


# ================================================================ the error function

@op("erf", promotion=TO_FLOAT, saves=("a",))
def _erf(a):
    return scipy.special.erf(a)


@_erf.vjp
def _(g, a):
    return 2 / math.sqrt(math.pi) * exp(-(a * a)) * g


@op("erfc", promotion=TO_FLOAT, saves=("a",))
def _erfc(a):
    return scipy.special.erfc(a)


@_erfc.vjp
def _(g, a):
    return -2 / math.sqrt(math.pi) * exp(-(a * a)) * g


@op("erfinv", promotion=TO_FLOAT, saves=("result",))
def _erfinv(a):
    result = scipy.special.erfinv(a)  # +-inf at +-1, nan outside [-1, 1], as torch
    return np.where(a == 0, a, result)  # erfinv(-0.0) is -0.0 in torch


@_erfinv.vjp
def _(g, out):
    return 0.5 * math.sqrt(math.pi) * exp(out * out) * g


# ================================================================ trigonometric and hyperbolic

@op("tan", promotion=TO_FLOAT, saves=("result",))
def _tan(a):
    return np.tan(a)


@_tan.vjp
def _(g, out):
    return g * (1 + out * out)


@op("asin", promotion=TO_FLOAT, saves=("a",))
def _asin(a):
    with np.errstate(invalid="ignore"):
        return np.arcsin(a)


@_asin.vjp
def _(g, a):
    return g * rsqrt(1 - a * a)


@op("acos", promotion=TO_FLOAT, saves=("a",))
def _acos(a):
    with np.errstate(invalid="ignore"):
        return np.arccos(a)


@_acos.vjp
def _(g, a):
    return -g * rsqrt(1 - a * a)


@op("atan", promotion=TO_FLOAT, saves=("a",))
def _atan(a):
    return np.arctan(a)


@_atan.vjp
def _(g, a):
    return g / (a * a + 1)


@op("atan2", promotion=TO_FLOAT, saves=("a", "b"))
def _atan2(a, b):
    return np.arctan2(a, b)


@_atan2.vjp
def _(g, a, b):
    reciprocal_norm = reciprocal(a * a + b * b)
    return g * b * reciprocal_norm, g * -a * reciprocal_norm


@op("sinh", promotion=TO_FLOAT, saves=("a",))
def _sinh(a):
    with np.errstate(over="ignore"):
        return np.sinh(a)  # inf on overflow, as torch


@_sinh.vjp
def _(g, a):
    return g * cosh(a)


@op("cosh", promotion=TO_FLOAT, saves=("a",))
def _cosh(a):
    with np.errstate(over="ignore"):
        return np.cosh(a)  # inf on overflow, as torch


@_cosh.vjp
def _(g, a):
    return g * sinh(a)


@op("asinh", promotion=TO_FLOAT, saves=("a",))
def _asinh(a):
    return np.arcsinh(a)


@_asinh.vjp
def _(g, a):
    return g * rsqrt(a * a + 1)


@op("acosh", promotion=TO_FLOAT, saves=("a",))
def _acosh(a):
    with np.errstate(invalid="ignore"):
        return np.arccosh(a)


@_acosh.vjp
def _(g, a):
    return g * rsqrt(a * a - 1)


@op("atanh", promotion=TO_FLOAT, saves=("a",))
def _atanh(a):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.arctanh(a)


@_atanh.vjp
def _(g, a):
    return g / (1 - a * a)


# ================================================================ rounding (integers pass through unchanged)

def _rounding(name, ufunc):
    @op(name)
    def kernel(a):
        return a.copy() if a.dtype.kind in "iu" else ufunc(a)

    @kernel.vjp
    def _(g):
        return g.new_zeros(g.shape)  # piecewise constant: a zero gradient, not None
    return kernel


_floor = _rounding("floor", np.floor)
_ceil = _rounding("ceil", np.ceil)
_trunc = _rounding("trunc", np.trunc)


@op("round")
def _round(a, decimals=0):
    if a.dtype.kind in "iu":
        return a.copy()
    if decimals == 0:
        return np.rint(a)  # half to even, as torch's nearbyint
    # torch scales by 10**|decimals| in the compute type, rounds half to even, and scales back
    scale = a.dtype.type(10.0 ** abs(decimals))
    return np.rint(a * scale) / scale if decimals > 0 else np.rint(a / scale) * scale


@_round.vjp
def _(g):
    return g.new_zeros(g.shape)


@op("frac")
def _frac(a):
    return a - np.trunc(a)


@_frac.vjp
def _(g):
    return g


# ================================================================ clamp, lerp, addcmul, addcdiv

@op("clamp", saves=("a", "low", "high"))
def _clamp(a, low, high):
    result = a
    if low is not None:
        result = np.maximum(result, low)  # NaN in the input or a bound propagates, as torch
    if high is not None:
        result = np.minimum(result, high)  # applied last: min > max gives max, as torch
    return result


@_clamp.vjp
def _(g, a, low, high):
    # torch passes the gradient to the input at the bounds themselves (x == min or x == max)
    inside = None
    if low is not None:
        inside = a >= low
    if high is not None:
        inside = (a <= high) if inside is None else inside & (a <= high)
    grad_a = where(inside, g, 0.0)
    grad_low = grad_high = None
    if isinstance(low, Tensor):
        # a bound gets the gradient where it is the answer; where min > max the answer is max
        takes_low = a < low if high is None else (a < low) & (low < high)
        grad_low = where(takes_low, g, 0.0)
    if isinstance(high, Tensor):
        takes_high = a > high if low is None else (a > high) | (high < low)
        grad_high = where(takes_high, g, 0.0)
    return grad_a, grad_low, grad_high


def _lerp_formula(start, end, weight):
    # torch's two-sided formula: exact at weight 0 and at weight 1
    small = np.abs(weight) < 0.5
    return np.where(small, start + weight * (end - start), end - (end - start) * (1 - weight))


@op("lerp_scalar_weight", saves=("weight",))
def _lerp_scalar_weight(start, end, weight=0.5):
    # a Python weight is a kernel parameter: torch uses it in the compute type, never rounded to a half type
    return _lerp_formula(start, end, start.dtype.type(weight))


@_lerp_scalar_weight.vjp
def _(g, weight):
    return g * (1 - weight), g * weight


@op("lerp", saves=("start", "end", "weight"))
def _lerp(start, end, weight):
    return _lerp_formula(start, end, weight)


@_lerp.vjp
def _(g, start, end, weight):
    return g * (1 - weight), g * weight, g * (end - start)


@op("addcmul", saves=("tensor1", "tensor2", "value"))
def _addcmul(input, tensor1, tensor2, value=1):
    if input.dtype.kind in "iu":
        # torch converts value to the integer type first: 0.5 -> 0, and -2 wraps in uint8
        value = np.asarray(value).astype(input.dtype)
    return input + value * tensor1 * tensor2


@_addcmul.vjp
def _(g, tensor1, tensor2, value):
    return g, g * (tensor2 * value), g * (tensor1 * value)


@op("addcdiv", saves=("tensor1", "tensor2", "value"))
def _addcdiv(input, tensor1, tensor2, value=1):
    return input + value * tensor1 / tensor2


@_addcdiv.vjp
def _(g, tensor1, tensor2, value):
    return g, g * (value / tensor2), -g * (value * tensor1) / (tensor2 * tensor2)


# ================================================================ float classification, nan_to_num

def _classifier(name, function):
    @op(name, promotion=COMPARE)
    def kernel(a):
        if a.dtype.kind in "biu":
            return np.zeros(a.shape, bool) if name != "isfinite" else np.ones(a.shape, bool)
        return function(a)
    return kernel


_isnan = _classifier("isnan", np.isnan)
_isinf = _classifier("isinf", np.isinf)
_isposinf = _classifier("isposinf", np.isposinf)
_isneginf = _classifier("isneginf", np.isneginf)
_isfinite = _classifier("isfinite", np.isfinite)


@op("nan_to_num", saves=("a",))
def _nan_to_num(a, nan=0.0, posinf=None, neginf=None):
    if a.dtype.kind in "biu":
        return a.copy()
    return np.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)


@_nan_to_num.vjp
def _(g, a):
    return g * isfinite(a)


# ================================================================ public functions (torch signatures)

@public(method=True, inplace=True)
def rsqrt(input, *, out=None):
    return _with_out(_rsqrt(input), out)


@public(method=True, inplace=True)
def reciprocal(input, *, out=None):
    return _with_out(_reciprocal(input), out)


@public(method=True, inplace=True)
def exp2(input, *, out=None):
    return _with_out(_exp2(input), out)


@public(method=True, inplace=True)
def expm1(input, *, out=None):
    return _with_out(_expm1(input), out)


@public(method=True, inplace=True)
def log1p(input, *, out=None):
    return _with_out(_log1p(input), out)


@public(method=True, inplace=True)
def log2(input, *, out=None):
    return _with_out(_log2(input), out)


@public(method=True, inplace=True)
def log10(input, *, out=None):
    return _with_out(_log10(input), out)


@public(method=True, inplace=True)
def erf(input, *, out=None):
    return _with_out(_erf(input), out)


@public(method=True, inplace=True)
def erfc(input, *, out=None):
    return _with_out(_erfc(input), out)


@public(method=True, inplace=True)
def erfinv(input, *, out=None):
    return _with_out(_erfinv(input), out)


@public(method=True, inplace=True)
def tan(input, *, out=None):
    return _with_out(_tan(input), out)


@public(method=True, inplace=True)
def asin(input, *, out=None):
    return _with_out(_asin(input), out)


@public(method=True, inplace=True)
def acos(input, *, out=None):
    return _with_out(_acos(input), out)


@public(method=True, inplace=True)
def atan(input, *, out=None):
    return _with_out(_atan(input), out)


@public("atan2", "arctan2", method=True, inplace=True)
def atan2(input, other, *, out=None):
    _require_tensors("atan2", input, other)
    return _with_out(_atan2(input, other), out)


@public(method=True, inplace=True)
def sinh(input, *, out=None):
    return _with_out(_sinh(input), out)


@public(method=True, inplace=True)
def cosh(input, *, out=None):
    return _with_out(_cosh(input), out)


@public(method=True, inplace=True)
def asinh(input, *, out=None):
    return _with_out(_asinh(input), out)


@public(method=True, inplace=True)
def acosh(input, *, out=None):
    return _with_out(_acosh(input), out)


@public(method=True, inplace=True)
def atanh(input, *, out=None):
    return _with_out(_atanh(input), out)



@public(method=True, inplace=True)
def square(input, *, out=None):
    _require_tensor("square", input)
    return pow(input, 2, out=out)  # torch.square is pow(input, 2): bool becomes int64 there too


@public(method=True, inplace=True)
def sgn(input, *, out=None):
    _require_tensor("sgn", input)
    return sign(input, out=out)  # for real dtypes sgn is sign


@public(method=True, inplace=True)
def floor(input, *, out=None):
    _refuse(input, "floor_vml_cpu", (_dtype.BOOL,))
    return _with_out(_floor(input), out)


@public(method=True, inplace=True)
def ceil(input, *, out=None):
    _refuse(input, "ceil_vml_cpu", (_dtype.BOOL,))
    return _with_out(_ceil(input), out)


@public(method=True, inplace=True)
def trunc(input, *, out=None):
    _refuse(input, "trunc_vml_cpu", (_dtype.BOOL,))
    return _with_out(_trunc(input), out)


@public(method=True, inplace=True)
def round(input, *, decimals=None, out=None):
    if decimals is None:
        _refuse(input, "round_vml_cpu", (_dtype.BOOL,))
        decimals = 0
    else:
        # round.decimals has no integer kernel, even for decimals=0
        _refuse(input, "round_vml_cpu" if decimals == 0 else "round_cpu", (_dtype.BOOL, _dtype.INTEGER))
    return _with_out(_round(input, decimals=decimals), out)


@public(method=True, inplace=True)
def frac(input, *, out=None):
    _refuse(input, "frac_cpu", (_dtype.BOOL, _dtype.INTEGER))
    return _with_out(_frac(input), out)


@public("clamp", "clip", method=True, inplace=True)
def clamp(input, min=None, max=None, *, out=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if _is_number(min) and isinstance(max, Tensor) or isinstance(min, Tensor) and _is_number(max):
        # torch has a Tensor-bounds and a Number-bounds overload; a 0-d tensor that does not require grad
        # may stand for a Number
        bound = min if isinstance(min, Tensor) else max
        if bound.ndim or bound.requires_grad:
            raise TypeError(f"clamp() received an invalid combination of arguments - got (Tensor, "
                            f"{type(min).__name__}, {type(max).__name__})")
        min, max = (x.item() if isinstance(x, Tensor) else x for x in (min, max))
    one_tensor_bound = (min is None or max is None) and isinstance(max if min is None else min, Tensor)
    if promoted_dtype((input, min, max)) is _dtype.bool and not one_tensor_bound:
        # torch clamps a bool tensor by one bool tensor only (its clamp_min/clamp_max kernels)
        kernel = "clamp_cpu" if isinstance(min, Tensor) else "clamp_scalar_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")
    return _with_out(_clamp(input, min, max), out)



@public(method=True, inplace=True)
def clamp_min(input, min, *, out=None):
    if not isinstance(min, Tensor) and promoted_dtype((input, min)) is _dtype.bool:
        raise NotImplementedError("\"clamp_min_scalar_cpu\" not implemented for 'Bool'")
    return _with_out(_clamp(input, min, None), out)


@public(method=True, inplace=True)
def clamp_max(input, max, *, out=None):
    if not isinstance(max, Tensor) and promoted_dtype((input, max)) is _dtype.bool:
        raise NotImplementedError("\"clamp_max_scalar_cpu\" not implemented for 'Bool'")
    return _with_out(_clamp(input, None, max), out)


@public(method=True, inplace=True)
def lerp(input, end, weight, *, out=None):
    # no type promotion between input and end, nor with a weight tensor that has dimensions
    for name, other in (("end", end), ("weight", weight)):
        if isinstance(other, Tensor) and other.dtype is not input.dtype and (name == "end" or other.ndim):
            raise RuntimeError(f"lerp: expected dtype {_dtype.c_type_name(input.dtype)} for `{name}` but got dtype "
                               f"{_dtype.c_type_name(other.dtype)}")
    if not isinstance(weight, Tensor):
        _refuse(input, "lerp_kernel_scalar", (_dtype.BOOL, _dtype.INTEGER))
        return _with_out(_lerp_scalar_weight(input, end, weight=weight), out)
    # a 0-d weight of a floating dtype does promote integer and bool inputs (torch gives float64 for a
    # float64 weight)
    if not promoted_dtype((input, end, weight)).is_floating_point:
        raise NotImplementedError(f'"lerp_kernel_tensor" not implemented for '
                                  f'\'{_dtype.scalar_type_name(input.dtype)}\'')
    return _with_out(_lerp(input, end, weight), out)


@public(method=True, inplace=True)
def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    if promoted_dtype((input, tensor1, tensor2)) is _dtype.bool:
        raise NotImplementedError("\"addcmul_cpu_out\" not implemented for 'Bool'")
    return _with_out(_addcmul(input, tensor1, tensor2, value=value), out)


@public(method=True, inplace=True)
def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    # refused when both divisor and dividend are integral (bool included), whatever input's dtype
    if all(not isinstance(t, Tensor) or not t.dtype.is_floating_point for t in (tensor1, tensor2)):
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future release addcdiv "
                           "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can "
                           "be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
                           "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
                           "addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), "
                           "for all dtypes.")
    return _with_out(_addcdiv(input, tensor1, tensor2, value=value), out)


@public(method=True)
def isnan(input):
    return _isnan(input)


@public(method=True)
def isinf(input):
    return _isinf(input)


@public(method=True)
def isposinf(input, *, out=None):
    return _with_out(_isposinf(input), out)


@public(method=True)
def isneginf(input, *, out=None):
    return _with_out(_isneginf(input), out)


@public(method=True)
def isfinite(input):
    return _isfinite(input)


@public(method=True, inplace=True)
def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    if input.dtype.is_floating_point:
        # the defaults are the largest finite values of input's dtype (float16's, not float32's)
        info = _dtype.finfo(input.dtype)
        posinf = info.max if posinf is None else posinf
        neginf = info.min if neginf is None else neginf
    return _with_out(_nan_to_num(input, nan=nan, posinf=posinf, neginf=neginf), out)


def _is_number(value):
    return isinstance(value, (int, float, np.number)) and not isinstance(value, Tensor)


def _require_tensor(name, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")


# ================================================================ closeness and equality: isclose, allclose, equal
# Composites of the ops above (bool results, nothing to differentiate), written the way torch's
# isclose is (aten/src/ATen/native/TensorCompare.cpp), so every rounding happens where torch's does.

def _float_argument(name, parameter, value):
    """torch's `float` parameter: a Python or NumPy number, or a one-element tensor; None, strings... refused."""
    if isinstance(value, Tensor) and value.numel() == 1:
        return value.item()
    if not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}(): argument '{parameter}' must be float, not {type(value).__name__}")
    return float(value)


def _isclose(name, input, other, rtol, atol, equal_nan):
    _require_tensors(name, input, other)
    rtol, atol = _float_argument(name, "rtol", rtol), _float_argument(name, "atol", atol)
    if type(equal_nan) is not bool:  # torch's `bool` parameter takes a Python bool only (not 1, not numpy.bool_)
        raise TypeError(f"{name}(): argument 'equal_nan' must be bool, not {type(equal_nan).__name__}")
    if input.dtype is not other.dtype:  # no promotion: isclose(float32, float64) is refused
        raise RuntimeError(f"{_dtype.scalar_type_name(input.dtype)} did not match "
                           f"{_dtype.scalar_type_name(other.dtype)}")
    for parameter, value in (("rtol", rtol), ("atol", atol)):
        if not value >= 0:   # NaN too
            raise RuntimeError(f"{parameter} must be greater than or equal to zero, but got {value:g}")
    close = input == other
    floating = input.dtype.is_floating_point
    if equal_nan and floating:
        close = close | (isnan(input) & isnan(other))
    if rtol == 0 and atol == 0:
        return close   # an equality check: the error test below could only add false positives
    if not floating:
        # integer and bool errors are measured in the default float dtype: no wrap-around (int8 -128 vs 127 is 255
        # apart), and large int64 values round like torch's (2**25 and 2**25 + 1 are close under float32)
        default = _dtype.get_default_dtype()
        input, other = input.to(default), other.to(default)
    with np.errstate(invalid="ignore"):   # inf - inf and inf * 0 are NaN (not close), silently as in torch
        allowed = (other * rtol).abs() + atol   # in other's dtype: a half type rounds the allowance, as in torch
        actual = (input - other).abs()
    return close | (isfinite(actual) & (actual <= allowed))   # inf - inf is NaN, inf - 1e30 is inf: not close


@public(method=True)
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other|, elementwise; equal infinities are close, NaNs only with equal_nan."""
    return _isclose("isclose", input, other, rtol, atol, equal_nan)


@public(method=True)
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """isclose everywhere, as a Python bool."""
    return bool(_isclose("allclose", input, other, rtol, atol, equal_nan).all())


@public(method=True)
def equal(input, other):
    """Same shape and equal elements (dtypes promote like eq: int64 [1] equals float32 [1.0]); NaN is never equal."""
    _require_tensors("equal", input, other)
    return input.shape == other.shape and bool((input == other).all())


# ================================================================ angles, signs and floating-point bits
# Each op with its public function beside it. Real inputs only: mtv2 has no complex dtypes.

def _refuse_promoted(kernel_name, operands, refused):
    """torch dispatches these kernels on the promoted dtype: refuse the categories it has no kernel for."""
    dtype = promoted_dtype(operands)
    if dtype.category in refused:
        raise NotImplementedError(f'"{kernel_name}" not implemented for \'{_dtype.scalar_type_name(dtype)}\'')
    return dtype


@op("angle", promotion=TO_FLOAT)
def _angle(a):
    # torch's real angle: pi for negatives, 0 otherwise (-0.0 too), nan kept; pi in the compute type, so a half
    # result rounds it once (3.1406)
    pi, zero = a.dtype.type(math.pi), a.dtype.type(0)
    return np.where(np.isnan(a), a, np.where(a < 0, pi, zero))


@_angle.vjp
def _(g):
    return g.new_zeros(g.shape)  # torch's angle_backward of a real input: zeros (not None)


@public(method=True)
def angle(input, *, out=None):
    _require_tensor("angle", input)
    return _with_out(_angle(input), out)


# torch's constants (M_PI_180, M_180_PI), multiplied like a wrapped scalar: in the compute type, unrounded for
# half types (mul's opmath scalars); integer inputs give the default float dtype, as mul by a float does
_RADIANS_PER_DEGREE = 0.017453292519943295769236907684886127134428718885417
_DEGREES_PER_RADIAN = 57.295779513082320876798154814105170332405472466564


@public(method=True, inplace=True)
def deg2rad(input, *, out=None):
    """input * pi / 180: a composite of mul, whose derivative (g * pi / 180) is torch's deg2rad_backward."""
    _require_tensor("deg2rad", input)
    return mul(input, _RADIANS_PER_DEGREE, out=out)


@public(method=True, inplace=True)
def rad2deg(input, *, out=None):
    _require_tensor("rad2deg", input)
    return mul(input, _DEGREES_PER_RADIAN, out=out)


@op("copysign", promotion=TO_FLOAT, saves=("a", "result"))
def _copysign(a, b):
    return np.copysign(a, b)


@_copysign.vjp
def _(g, a, out):
    # torch's copysign_tensor_self_backward: g * result / self, 0 where self is 0; a tensor `other` gets zeros
    # (not None); for a Python number the engine drops it
    with np.errstate(invalid="ignore"):   # 0 / 0 where self is 0, masked
        ratio = where(a == 0, 0.0, out / a)
    return g * ratio, g.new_zeros(g.shape)


@public(method=True, inplace=True)
def copysign(input, other, *, out=None):
    _require_tensor_input("copysign", input)   # (Tensor, Tensor) and (Tensor, Number) overloads only
    return _with_out(_copysign(input, other), out)


@op("signbit", promotion=COMPARE)
def _signbit(a):
    return np.signbit(a) if a.dtype.kind == "f" else a < 0   # -0.0 has the bit; integers and bool: a < 0


@public(method=True)
def signbit(input, *, out=None):
    _require_tensor("signbit", input)
    return _with_out(_signbit(input), out)


@op("frexp", extra_outputs=("exponent",), saves=("exponent",))
def _frexp(a):
    mantissa, exponent = np.frexp(a)   # (inf, 0) and (nan, 0) for non-finite inputs, as torch
    return mantissa, exponent.astype(np.int32, copy=False)


@_frexp.vjp
def _(g, exponent):
    # torch's formula, g / 2**exponent, as ldexp(g, -exponent): in g's dtype, where torch's exponent.exp2() would
    # be a float32 buffer for any g (and inf past 2**127 for a float64 input, whose gradient torch makes 0)
    return _ldexp(g, -exponent)


_FrexpResult = collections.namedtuple("frexp", ["mantissa", "exponent"])
_FrexpResult.__module__ = "mtv2.return_types"


@public(method=True)
def frexp(input, *, out=None):
    """(mantissa, exponent) with input = mantissa * 2**exponent, |mantissa| in [0.5, 1); the exponent is int32."""
    _require_tensor("frexp", input)
    if not input.dtype.is_floating_point:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    if out is not None:
        mantissa_out, exponent_out = out
        if mantissa_out.dtype is not input.dtype:
            raise RuntimeError(f"torch.frexp() expects mantissa to have dtype {_dtype.c_type_name(input.dtype)} but "
                               f"got {_dtype.c_type_name(mantissa_out.dtype)}")
        if exponent_out.dtype is not _dtype.int32:
            raise RuntimeError(f"torch.frexp() expects exponent to have int dtype but got "
                               f"{_dtype.c_type_name(exponent_out.dtype)}")
    mantissa, exponent = _frexp(input)
    if out is None:
        return _FrexpResult(mantissa, exponent)
    return _FrexpResult(_with_out(mantissa, out[0]), _with_out(exponent, out[1]))


@op("nextafter", saves=("a", "b"))
def _nextafter(a, b, half=None):
    """The next representable value after a towards b, in the result's own type: for a half type (`half`, its NumPy
    type) the step is the half type's, not float32's."""
    if half is not None:
        a, b = a.astype(half), np.asarray(b).astype(half)
        with np.errstate(over="ignore"):   # past the largest finite value: inf, as torch
            # C's nextafter answers b where a == b (nextafter(0.0, -0.0) is -0.0); NumPy's float16 loop answers a
            return np.where(a == b, b, np.nextafter(a, b))
    return np.nextafter(a, b)


@_nextafter.vjp
def _(g, a, b):
    return where(a != b, g, 0.0), g.new_zeros(g.shape)   # torch's formulas: the identity, 0 where a == b


@public(method=True, inplace=True)
def nextafter(input, other, *, out=None):
    _require_tensors("nextafter", input, other)
    dtype = _refuse_promoted("nextafter_cpu", (input, other), (_dtype.BOOL, _dtype.INTEGER))
    half = dtype.numpy_type if dtype in (_dtype.float16, _dtype.bfloat16) else None
    return _with_out(_nextafter(input, other, half=half), out)


@op("ldexp", promotion=TO_FLOAT, saves=("b", "result"), formula_backward=True)
def _ldexp(a, b, half=None):
    """a * 2**b in the promoted floating dtype; for a half type (`half`: its NumPy type) torch rounds 2**b to it
    first, so 2**17 is inf in float16 whatever a is."""
    with np.errstate(over="ignore", invalid="ignore"):
        powers = np.power(a.dtype.type(2), b)   # torch computes pow(2, other)
        if half is not None:
            powers = powers.astype(half).astype(np.float32)
        return np.multiply(a, powers)


@_ldexp.vjp
def _(g, b, out):
    # torch's formulas: d/da = g * 2**b, d/db = g * result * ln 2 (torch's 2**b is an integer pow for an integer
    # b, which gives 0 for b < 0; 2.0**b here is the derivative, which finite differences confirm)
    return g * pow(2.0, b), g * out * math.log(2)


@public(method=True, inplace=True)
def ldexp(input, other, *, out=None):
    _require_tensors("ldexp", input, other)
    dtype = promoted_dtype((input, other))
    half = dtype.numpy_type if dtype in (_dtype.float16, _dtype.bfloat16) else None
    return _with_out(_ldexp(input, other, half=half), out)


@public(method=True)
def positive(input):
    _require_tensor("positive", input)
    if input.dtype is _dtype.bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input   # torch returns self itself


@public()
def real(input):
    """The real part: for mtv2's real dtypes, input itself (torch returns self)."""
    _require_tensor("real", input)
    return input


@public(method=True)
def isreal(input):
    """True everywhere: mtv2 has no complex dtypes."""
    _require_tensor("isreal", input)
    from ..creation import ones_like
    return ones_like(input, dtype=_dtype.bool)


# ================================================================ binary: fmax, fmin, hypot, logaddexp2, heaviside,
# float_power

@op("fmax", saves=("a", "b"))
def _fmax(a, b, ties_to_other=False):
    """A nan loses to a number (maximum propagates it). Between equal values (0.0 and -0.0) torch answers self, where
    NumPy's fmax answers -0.0; and other in bfloat16 (`ties_to_other`: measured, scalar and vector paths alike)."""
    if a.dtype.kind != "f":
        return np.maximum(a, b)
    return np.where((a > b if ties_to_other else a >= b) | np.isnan(b), a, b)


@_fmax.vjp
def _(g, a, b):
    # torch's formulas: ties and a nan other go to self (no halving, unlike maximum)
    to_self = (a >= b) | isnan(b)
    return where(to_self, g, 0.0), where(to_self, 0.0, g)


@public(method=True)
def fmax(input, other, *, out=None):
    _require_tensors("fmax", input, other)
    return _with_out(_fmax(input, other, ties_to_other=promoted_dtype((input, other)) is _dtype.bfloat16), out)


@op("fmin", saves=("a", "b"))
def _fmin(a, b, ties_to_other=False):
    if a.dtype.kind != "f":
        return np.minimum(a, b)
    return np.where((a < b if ties_to_other else a <= b) | np.isnan(b), a, b)   # ties as fmax's


@_fmin.vjp
def _(g, a, b):
    to_self = (a <= b) | isnan(b)
    return where(to_self, g, 0.0), where(to_self, 0.0, g)


@public(method=True)
def fmin(input, other, *, out=None):
    _require_tensors("fmin", input, other)
    return _with_out(_fmin(input, other, ties_to_other=promoted_dtype((input, other)) is _dtype.bfloat16), out)


@op("hypot", saves=("a", "b", "result"), formula_backward=True)
def _hypot(a, b):
    with np.errstate(over="ignore"):
        return np.hypot(a, b)


@_hypot.vjp
def _(g, a, b, out):
    return g * a / out, g * b / out


@public(method=True, inplace=True)
def hypot(input, other, *, out=None):
    _require_tensors("hypot", input, other)
    _refuse_promoted("hypot_cpu", (input, other), (_dtype.BOOL, _dtype.INTEGER))
    return _with_out(_hypot(input, other), out)


@op("logaddexp2", saves=("a", "b"), formula_backward=True)
def _logaddexp2(a, b):
    """log2(2**a + 2**b) by torch's formula, max + log1p(2**-|a - b|) / ln 2; inf + inf stays inf."""
    with np.errstate(invalid="ignore", over="ignore"):
        larger = np.maximum(a, b)
        result = larger + np.log1p(np.exp2(-np.abs(np.subtract(a, b)))) * a.dtype.type(1 / math.log(2))
        return np.where(np.isinf(a) & (a == b), a, result)


@_logaddexp2.vjp
def _(g, a, b):
    return g / (1 + pow(2, b - a)), g / (1 + pow(2, a - b))   # torch's formulas


@public(method=True)
def logaddexp2(input, other, *, out=None):
    _require_tensors("logaddexp2", input, other)
    _refuse_promoted("logaddexp2_cpu", (input, other), (_dtype.BOOL, _dtype.INTEGER))
    return _with_out(_logaddexp2(input, other), out)


@op("heaviside")
def _heaviside(a, values):
    return np.where(a == 0, values, a > 0)   # nan is not > 0: 0


_heaviside.no_derivative("aten::heaviside")   # torch's backward raises, naming it so


@public(method=True, inplace=True)
def heaviside(input, values, *, out=None):
    for position, (argument, value) in enumerate((("input", input), ("values", values)), start=1):
        if not isinstance(value, Tensor):
            raise TypeError(f"heaviside(): argument '{argument}' (position {position}) must be Tensor, not "
                            f"{type(value).__name__}")
    if input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return _with_out(_heaviside(input, values), out)


def _float_power_operand(x):
    return x.to(_dtype.float64) if isinstance(x, Tensor) else float(x)


@public(method=True)
def float_power(input, exponent, *, out=None):
    """pow in float64 whatever the operands' dtypes (torch's composite: both converted first, so the derivative is
    pow's in float64)."""
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError(f"float_power() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(exponent).__name__}), but expected one of: (Tensor input, "
                        f"Tensor exponent), (Number self, Tensor exponent), (Tensor input, Number exponent)")
    if out is not None and out.dtype is not _dtype.float64:
        raise RuntimeError(f"the output given to float_power has dtype {_dtype.scalar_type_name(out.dtype)} but the "
                           f"operation's result requires dtype Double")
    return pow(_float_power_operand(input), _float_power_operand(exponent), out=out)


@public("float_power_", function=False, method=True)
def float_power_(input, exponent):
    """In place: only a float64 self can hold the float64 result (torch refuses to round it back)."""
    if input.dtype is not _dtype.float64:
        raise RuntimeError(f"the base given to float_power_ has dtype {_dtype.scalar_type_name(input.dtype)} but the "
                           f"operation's result requires dtype Double")
    from .inplace import apply_inplace
    return apply_inplace(input, float_power, "float_power_", exponent)


# ================================================================ integers: gcd, lcm, bit shifts

@op("gcd", nondifferentiable="integer results (floats are refused)")
def _gcd(a, b):
    return np.gcd(a, b)   # non-negative, gcd(0, 0) = 0


@op("lcm", nondifferentiable="integer results (floats are refused)")
def _lcm(a, b):
    return np.lcm(a, b)   # |a / gcd * b|, wrapping on overflow; 0 where either is 0


@public(method=True, inplace=True)
def gcd(input, other, *, out=None):
    _require_tensors("gcd", input, other)
    _refuse_promoted("gcd_cpu", (input, other), (_dtype.BOOL, _dtype.FLOATING))
    return _with_out(_gcd(input, other), out)


@public(method=True, inplace=True)
def lcm(input, other, *, out=None):
    _require_tensors("lcm", input, other)
    _refuse_promoted("lcm_cpu", (input, other), (_dtype.BOOL, _dtype.FLOATING))
    return _with_out(_lcm(input, other), out)


def _shift_amounts(a, b):
    """(whether each shift is within the type's width, the shift with the others replaced by 0)."""
    inside = (b >= 0) & (b < a.dtype.itemsize * 8)
    return inside, np.where(inside, b, 0).astype(a.dtype, copy=False)


@op("bitwise_left_shift", nondifferentiable="integer results (floats and bool are refused)")
def _left_shift(a, b):
    # torch: a negative shift or one of the type's width or more gives 0 (C's << would be undefined there)
    inside, shift = _shift_amounts(a, b)
    return np.where(inside, np.left_shift(a, shift), a.dtype.type(0))


@op("bitwise_right_shift", nondifferentiable="integer results (floats and bool are refused)")
def _right_shift(a, b):
    # torch: a negative shift or one of the type's width or more fills with the sign bit (-1 or 0)
    inside, shift = _shift_amounts(a, b)
    sign_fill = np.right_shift(a, a.dtype.type(a.dtype.itemsize * 8 - 1)) if a.dtype.kind == "i" else 0
    return np.where(inside, np.right_shift(a, shift), sign_fill).astype(a.dtype, copy=False)


def _shift(name, kernel, kernel_name, input, other, out):
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({type(input).__name__}, "
                        f"{type(other).__name__}), but expected (Tensor input, Tensor other) or (Number self, "
                        f"Tensor other)")
    # torch wraps a Python integer into a 0-d int64 tensor and converts it to the tensor's type, wrapping around
    # (uint8 << 257 shifts by 1), where add would refuse the overflow
    input, other = (_wrapped_number(x) for x in (input, other))
    _refuse_promoted(kernel_name, (input, other), (_dtype.BOOL, _dtype.FLOATING))
    return _with_out(kernel(input, other), out)


def _wrapped_number(x):
    """A Python int as the 0-d int64 tensor torch wraps it in (it promotes as a 0-d tensor: not across integers)."""
    if isinstance(x, int) and not isinstance(x, bool):
        from ..creation import tensor
        return tensor(x)
    return x


@public("bitwise_left_shift", method=("bitwise_left_shift", "__lshift__"),
        inplace=("bitwise_left_shift_", "__ilshift__"))
def bitwise_left_shift(input, other, *, out=None):
    return _shift("bitwise_left_shift", _left_shift, "lshift_cpu", input, other, out)


@public("bitwise_right_shift", method=("bitwise_right_shift", "__rshift__"),
        inplace=("bitwise_right_shift_", "__irshift__"))
def bitwise_right_shift(input, other, *, out=None):
    return _shift("bitwise_right_shift", _right_shift, "rshift_cpu", input, other, out)


@public("__rlshift__", function=False, method=True)
def _reflected_left_shift(input, other):
    return bitwise_left_shift(other, input)


@public("__rrshift__", function=False, method=True)
def _reflected_right_shift(input, other):
    return bitwise_right_shift(other, input)
