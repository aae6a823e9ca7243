"""Elementwise ops: arithmetic, unary math, comparisons, logical and bitwise ops."""
import math

import numpy as np

from .. import _dtype
from ._registry import COMPARE, RAW, SAME, TO_FLOAT, op, promoted_dtype
from ._surface import public
from .._tensor import Tensor

# ================================================================ arithmetic


@op("add", saves=("alpha",))
def _add(a, b, alpha=1):
    if alpha == 1:
        return np.add(a, b)
    return np.add(a, np.multiply(b, _integer_alpha(alpha, b)))


def _integer_alpha(alpha, b):
    """An int alpha converts to an integer b's type as torch does (-3 wraps to 253 in uint8)."""
    if isinstance(alpha, int) and isinstance(b, np.ndarray) and b.dtype.kind in "iu":
        return _dtype.checked_integer(alpha, b.dtype)
    return alpha


@_add.vjp
def _(g, alpha):
    return g, (g if alpha == 1 else g * alpha)


@op("sub", saves=("alpha",))
def _sub(a, b, alpha=1):
    return np.subtract(a, b) if alpha == 1 else np.subtract(a, np.multiply(b, _integer_alpha(alpha, b)))


@_sub.vjp
def _(g, alpha):
    return g, -g if alpha == 1 else g * -alpha


@op("mul", opmath_scalars=True, saves=("a", "b"))
def _mul(a, b):
    return np.multiply(a, b)


@_mul.vjp
def _(g, a, b):
    return g * b, g * a


@op("div", promotion=TO_FLOAT, opmath_scalars=True, saves=("a", "b"))
def _true_divide(a, b):
    return np.true_divide(a, b)


@_true_divide.vjp
def _(g, a, b):
    return g / b, -g * a / (b * b)


def _kind(array):
    """NumPy kind of an operand; Python scalars reach kernels unconverted only when computing in float."""
    return array.dtype.kind if hasattr(array, "dtype") else "f"


def _refuse_bool(a, kernel_name):
    if _kind(a) == "b":
        raise NotImplementedError(f'"{kernel_name}" not implemented for \'Bool\'')


def _check_integer_zero_division(a, b, name):
    if _kind(a) in "iub" and np.any(np.asarray(b) == 0):
        raise RuntimeError(f"ZeroDivisionError: integer division by zero in {name}")


def _floor_quotient(a, b, op_name, half=None):
    """NumPy's floor_divide is torch's div_floor_floating (fmod, (a - mod) / b, the sign fix, floor, the > 0.5 fix) in
    float32/float64. For a half type torch runs that formula in the half type itself, each step rounded to it
    (`half`: the NumPy half type; a, b arrive as their float32 values): NumPy's float32 result then differs in
    ~1% (float16) to ~7% (bfloat16) of random quotients."""
    _refuse_bool(a, "div_floor_cpu")
    _check_integer_zero_division(a, b, op_name)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if half is None:
            return np.floor_divide(a, b)  # float division by zero: +-inf, and nan for 0/0, as torch
        def rounded(x):
            return np.asarray(x).astype(half).astype(np.float32)
        a, b = rounded(a), rounded(b)   # a Python number arrives unrounded (opmath_scalars)
        mod = np.fmod(a, b)   # exact: no rounding
        quotient = rounded(rounded(a - mod) / b)
        quotient = np.where((mod != 0) & ((b < 0) != (mod < 0)), rounded(quotient - 1), quotient)
        floored = np.floor(quotient)
        floored = np.where(rounded(quotient - floored) > 0.5, rounded(floored + 1), floored)
        floored = np.where(quotient != 0, floored, np.copysign(0, a / b))
        return np.where(b == 0, a / b, floored)


@op("div_floor", opmath_scalars=True)
def _div_floor(a, b, half=None):
    return _floor_quotient(a, b, "div(rounding_mode='floor')", half)


@op("floor_divide", opmath_scalars=True)
def _floor_divide(a, b, half=None):
    return _floor_quotient(a, b, "floor_divide", half)


_floor_divide.no_derivative()  # torch.floor_divide has no derivative (div with rounding_mode does)


@op("div_trunc", opmath_scalars=True)
def _trunc_divide(a, b, half=None):
    """trunc(a / b); for a half type (`half`) torch rounds the quotient to it before truncating (-27.99 -> -28)."""
    _refuse_bool(a, "div_trunc_cpu")
    _check_integer_zero_division(a, b, "div(rounding_mode='trunc')")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if _kind(a) in "iu":
            quotient = np.floor_divide(a, b)
            # floor and trunc differ where the exact quotient is negative and not whole
            return quotient + ((np.remainder(a, b) != 0) & ((a < 0) != (b < 0)))
        if half is not None:
            a, b = (np.asarray(x).astype(half).astype(np.float32) for x in (a, b))
        quotient = np.true_divide(a, b)
        return np.trunc(quotient if half is None else quotient.astype(half).astype(quotient.dtype))


def _half_of(input, other):
    """(dividend, the NumPy half type the rounded divisions compute in step by step or None) for div's rounding modes
    and floor_divide. None (the float formulas) is also taken for half types when the divisor has one value for every
    position: torch's CPU-scalar path computes in float32 with the divisor's value unrounded (a 0-dim dividend
    included) and the dividend cast to the half type first, which a Python number here is."""
    dtype = promoted_dtype((input, other))
    if dtype not in (_dtype.float16, _dtype.bfloat16):
        return input, None
    if not _same_at_every_position(other):
        return input, dtype.numpy_type
    if not isinstance(input, Tensor):
        input = float(np.asarray(input).astype(np.float32).astype(dtype.numpy_type))
    return input, None


def _same_at_every_position(operand):
    """torch's TensorIterator is_scalar: a number, or a tensor whose every dim of size > 1 has stride 0 (0-dim, one
    element, expanded), whatever the dividend's shape: its value is read once, unrounded, for the whole loop."""
    return not isinstance(operand, Tensor) or all(size == 1 or step == 0
                                                  for size, step in zip(operand.shape, operand.stride()))


def _rounded_quotient_derivative(g):
    return g.new_zeros(g.shape), g.new_zeros(g.shape)  # piecewise constant: zero gradients, not None


_div_floor.vjp(_rounded_quotient_derivative)
_trunc_divide.vjp(_rounded_quotient_derivative)


@op("remainder", saves=("a", "b"))
def _remainder(a, b):
    _refuse_bool(a, "remainder_cpu")
    _check_integer_zero_division(a, b, "remainder")
    with np.errstate(divide="ignore", invalid="ignore"):
        if not np.issubdtype(np.result_type(a, b), np.floating):
            return np.remainder(a, b)  # sign follows the divisor, as Python's % and torch.remainder
        # torch: m = fmod(a, b), plus b when m is nonzero and its sign differs from b's. Unlike np.remainder this
        # keeps fmod's -0.0 (remainder(-0.0, inf) is -0.0); x % 0.0 is nan either way.
        modulus = np.fmod(a, b)
        return np.where((modulus != 0) & ((b < 0) != (modulus < 0)), modulus + b, modulus)


@_remainder.vjp
def _(g, a, b):
    return g, -g * div(a, b, rounding_mode="floor")


@op("remainder_scalar_dividend")
def _remainder_scalar_dividend(a, b):
    return _remainder.kernel(a, b)


_remainder_scalar_dividend.no_derivative()  # torch has no derivative for remainder(Scalar, Tensor)


@op("fmod", saves=("a", "b"))
def _fmod(a, b):
    _refuse_bool(a, "fmod_cpu")
    _check_integer_zero_division(a, b, "fmod")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.fmod(a, b)  # sign follows the dividend, as C's fmod; fmod(x, 0.0) is nan


@_fmod.vjp
def _(g, a, b):
    return g, -g * div(a, b, rounding_mode="trunc")


@op("pow", saves=("a", "b", "result"))
def _pow(a, b):
    if _kind(a) == "b":
        return np.logical_or(a, np.logical_not(b))  # bool ** bool stays bool in torch
    if _kind(a) in "iu":
        return _integer_power(a, b)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.power(a, b)


def _integer_power(base, exponent):
    """torch's integer pow: wraps on overflow; a negative exponent (from a tensor) gives 1 for base 1,
    +-1 for base -1 and 0 otherwise, as integer division would. A negative Python int is refused earlier."""
    negative = np.asarray(exponent) < 0
    if not negative.any():
        return np.power(base, exponent)
    result = np.power(base, np.where(negative, 0, exponent).astype(base.dtype, copy=False))
    odd = np.remainder(exponent, 2) != 0
    minus_one = np.where(odd, -1, 1).astype(base.dtype) if base.dtype.kind == "i" else 1
    at_negative = np.where(base == 1, 1, np.where(base == -1, minus_one, 0))
    return np.where(negative, at_negative, result).astype(result.dtype, copy=False)


@_pow.vjp
def _(g, a, b, out):
    grad_a = None
    if isinstance(a, Tensor):
        if not isinstance(b, Tensor):
            grad_a = g * (b * a ** (b - 1)) if b != 0 else g.new_zeros(g.shape)
        else:
            # torch: zero where the exponent is 0, even at base 0 where b * a**(b-1) is nan
            grad_a = where(b == 0, 0.0, g * (b * a ** (b - 1)))
    grad_b = None
    # d/db a**b = a**b log a; torch defines it as 0 where a == 0 and b >= 0. The mask sits inside the product
    # with g, as in torch, so that double backward gives the same zeros and NaNs there.
    if isinstance(b, Tensor) and isinstance(a, Tensor):
        grad_b = g * where((a == 0) & (b >= 0), 0.0, out * log(a))
    elif isinstance(b, Tensor) and a == 0:
        grad_b = g * where(b >= 0, 0.0, out * -math.inf)
    elif isinstance(b, Tensor):
        grad_b = g * (out * (math.log(a) if a > 0 else math.nan))
    return grad_a, grad_b


@op("maximum", saves=("a", "b"))
def _maximum(a, b):
    return np.maximum(a, b)


@_maximum.vjp
def _(g, a, b):
    # torch: ties split the gradient in half; where a or b is NaN, neither comparison holds and both get all of it
    shared = where(a == b, g / 2, g)
    return where(a < b, 0.0, shared), where(a > b, 0.0, shared)


@op("minimum", saves=("a", "b"))
def _minimum(a, b):
    return np.minimum(a, b)


@_minimum.vjp
def _(g, a, b):
    shared = where(a == b, g / 2, g)
    return where(a > b, 0.0, shared), where(a < b, 0.0, shared)


@op("where", promotion=RAW, saves=("condition",))
def _where(condition, a, b, dtype=None):
    a = a.astype(dtype.numpy_type, copy=False) if isinstance(a, np.ndarray) else np.asarray(a, dtype.numpy_type)
    b = b.astype(dtype.numpy_type, copy=False) if isinstance(b, np.ndarray) else np.asarray(b, dtype.numpy_type)
    return np.where(condition, a, b)


@_where.vjp
def _(g, condition):
    zero = g.new_zeros(())
    return None, where(condition, g, zero), where(condition, zero, g)


# ================================================================ log-domain arithmetic

@op("logaddexp", saves=("a", "b"), formula_backward=True)
def _logaddexp(a, b):
    """log(exp(a) + exp(b)) by torch's formula, max + log1p(exp(-|a - b|)), which never overflows; inf + inf stays
    inf (the formula would give nan there). Half types arrive as float32 and are rounded once, as torch's kernel."""
    if _kind(a) != "f":
        raise NotImplementedError(f'"logaddexp_cpu" not implemented for \'{_dtype.scalar_type_name(str(a.dtype))}\'')
    with np.errstate(invalid="ignore", over="ignore"):
        larger = np.maximum(a, b)
        result = larger + np.log1p(np.exp(-np.abs(np.subtract(a, b))))
        return np.where(np.isinf(a) & (a == b), a, result)


@_logaddexp.vjp
def _(g, a, b):
    # torch's formulas: d/da = 1 / (1 + exp(b - a)); inf - inf gives nan, as in torch
    return g / (1 + exp(b - a)), g / (1 + exp(a - b))


@op("xlogy", promotion=TO_FLOAT, saves=("a", "b"), formula_backward=True)
def _xlogy(a, b, half=None):
    """a * log(b), 0 where a == 0 unless b is nan (torch's xlogy). For a half type (`half`: its NumPy type) torch
    rounds the log to it before the product (measured: without that 26% of random results differ)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(b)
        if half is not None:
            logs = np.asarray(logs).astype(half).astype(np.float32)
        return np.where(np.isnan(b), np.nan, np.where(a == 0, 0, np.multiply(a, logs)))


@_xlogy.vjp
def _(g, a, b):
    # torch's formulas: d/da = xlogy(g, b), 0 where a == 0 and b <= 0 (log b is -inf or nan there); d/db = g * a / b
    grad_a = where((a == 0) & (b <= 0), 0.0, xlogy(g, b)) if isinstance(a, Tensor) else None
    grad_b = g * a / b if isinstance(b, Tensor) else None
    return grad_a, grad_b


# ================================================================ unary math

@op("neg")
def _neg(a):
    if a.dtype == np.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")
    return np.negative(a)


@_neg.vjp
def _(g):
    return -g


@op("abs", saves=("a",))
def _abs(a):
    _refuse_bool(a, "abs_cpu")
    return np.abs(a)


@_abs.vjp
def _(g, a):
    return g * sign(a)


@op("sign")
def _sign(a):
    if a.dtype == np.bool_:
        return a.copy()
    return (a > 0).astype(a.dtype) - (a < 0).astype(a.dtype)  # torch's formula: sign(nan) is 0, sign(-0.0) is +0.0


@_sign.vjp
def _(g):
    return g * 0


@op("exp", promotion=TO_FLOAT, saves=("result",))
def _exp(a):
    return np.exp(a)


@_exp.vjp
def _(g, out):
    return g * out


@op("log", promotion=TO_FLOAT, saves=("a",))
def _log(a):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(a)


@_log.vjp
def _(g, a):
    return g / a


@op("sqrt", promotion=TO_FLOAT, saves=("result",))
def _sqrt(a):
    with np.errstate(invalid="ignore"):
        return np.sqrt(a)


@_sqrt.vjp
def _(g, out):
    return g / (2 * out)


@op("sin", promotion=TO_FLOAT, saves=("a",))
def _sin(a):
    return np.sin(a)


@_sin.vjp
def _(g, a):
    return g * cos(a)


@op("cos", promotion=TO_FLOAT, saves=("a",))
def _cos(a):
    return np.cos(a)


@_cos.vjp
def _(g, a):
    return -g * sin(a)


@op("tanh", promotion=TO_FLOAT, saves=("result",))
def _tanh(a):
    return np.tanh(a)


@_tanh.vjp
def _(g, out):
    return g * (1 - out * out)


@op("sigmoid", promotion=TO_FLOAT, saves=("result",))
def _sigmoid(a):
    # torch's formula, 1 / (1 + exp(-x)), in the computation dtype (float32 for the half types): where exp(-x)
    # overflows the quotient is 0, as torch's. (exp(x) / (1 + exp(x)) for x < 0 rounds differently: one half ulp off
    # torch on some inputs near 0.) NumPy's overflow warning is silenced only when an input can overflow: entering
    # np.errstate costs more than the op on a small tensor.
    if a.size and not a.min() >= -_LOG_MAX[a.dtype]:   # NaN anywhere: min is NaN, take the safe branch
        with np.errstate(over="ignore"):
            return 1 / (1 + np.exp(-a))
    return 1 / (1 + np.exp(-a))


_LOG_MAX = {np.dtype(t): float(np.log(np.finfo(t).max)) for t in (np.float16, np.float32, np.float64)}


@_sigmoid.vjp
def _(g, out):
    return g * out * (1 - out)


@op("relu", saves=("result",))
def _relu(a):
    if a.dtype == np.bool_:
        raise RuntimeError('"clamp_min_cpu" not implemented for \'Bool\'')
    return np.maximum(a, a.dtype.type(0))


@_relu.vjp
def _(g, out):
    return g * (out > 0)


# ================================================================ comparisons, logical, bitwise

def _comparison(name, ufunc):
    @op(name, promotion=COMPARE)
    def kernel(a, b):
        return ufunc(a, b)
    return kernel


_eq = _comparison("eq", np.equal)
_ne = _comparison("ne", np.not_equal)
_lt = _comparison("lt", np.less)
_le = _comparison("le", np.less_equal)
_gt = _comparison("gt", np.greater)
_ge = _comparison("ge", np.greater_equal)


@op("logical_not", promotion=RAW, nondifferentiable="a bool result")
def _logical_not(a):
    return np.logical_not(a)


@op("logical_and", promotion=RAW, nondifferentiable="a bool result")
def _logical_and(a, b):
    return np.logical_and(a, b)


@op("logical_or", promotion=RAW, nondifferentiable="a bool result")
def _logical_or(a, b):
    return np.logical_or(a, b)


@op("logical_xor", promotion=RAW, nondifferentiable="a bool result")
def _logical_xor(a, b):
    return np.logical_xor(a, b)


def _bitwise(name, ufunc):
    @op(name, nondifferentiable="integer or bool results (floats are refused)")
    def kernel(a, b):
        if _kind(a) == "f":
            raise NotImplementedError(f'"{name}_cpu" not implemented for \'{_float_title(a)}\'')
        return ufunc(a, b)
    return kernel


_bitwise_and = _bitwise("bitwise_and", np.bitwise_and)
_bitwise_or = _bitwise("bitwise_or", np.bitwise_or)
_bitwise_xor = _bitwise("bitwise_xor", np.bitwise_xor)


@op("bitwise_not", nondifferentiable="integer or bool results (floats are refused)")
def _bitwise_not(a):
    if a.dtype.kind == "f":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return np.logical_not(a) if a.dtype == np.bool_ else np.invert(a)


# ================================================================ public functions (torch signatures)

def _check_alpha(input, other, alpha, name):
    if isinstance(alpha, str) or not isinstance(alpha, (int, float, np.number)):
        raise TypeError(f"{name}(): argument 'alpha' must be Number, not {type(alpha).__name__}")
    if isinstance(alpha, float) and not promoted_dtype((input, other)).is_floating_point:
        raise RuntimeError(f"For integral input tensors, argument alpha must not be a floating point number. "
                           f"({name})")


@public(method=True, inplace=True)
def add(input, other, *, alpha=1, out=None):
    _check_alpha(input, other, alpha, "add")
    return _with_out(_add(input, other, alpha=alpha), out)


@public("sub", "subtract", method=True, inplace=True)
def sub(input, other, *, alpha=1, out=None):
    if _is_bool(input) and _is_bool(other):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
                           "or `logical_xor()` operator instead.")
    # torch refuses any bool operand (a bool tensor or a Python bool), whatever the promoted dtype
    if _is_bool(input) or _is_bool(other):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                           "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    _check_alpha(input, other, alpha, "sub")
    return _with_out(_sub(input, other, alpha=alpha), out)


@public()
def rsub(input, other, *, alpha=1):
    _require_tensor_input("rsub", input)
    return sub(other, input, alpha=alpha)


@public("mul", "multiply", method=True, inplace=True)
def mul(input, other, *, out=None):
    return _with_out(_mul(input, other), out)


@public("div", "divide", method=True, inplace=True)
def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is None:
        result = _true_divide(input, other)
    elif rounding_mode == "floor":
        dividend, half = _half_of(input, other)
        result = _div_floor(dividend, other, half=half)
    elif rounding_mode == "trunc":
        dividend, half = _half_of(input, other)
        result = _trunc_divide(dividend, other, half=half)
    else:
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"'{rounding_mode}'")
    return _with_out(result, out)


@public(method=True, inplace=True)
def floor_divide(input, other, *, out=None):
    dividend, half = _half_of(input, other)
    return _with_out(_floor_divide(dividend, other, half=half), out)


@public(method=True)
def true_divide(input, other, *, out=None):
    return div(input, other, out=out)


@public(method=True, inplace=True)
def remainder(input, other, *, out=None):
    _refuse_two_numbers("remainder", input, other)
    if not isinstance(input, Tensor):
        return _with_out(_remainder_scalar_dividend(input, other), out)
    return _with_out(_remainder(input, other), out)


@public(method=True, inplace=True)
def fmod(input, other, *, out=None):
    _require_tensor_input("fmod", input)
    return _with_out(_fmod(input, other), out)


@public(method=True, inplace=True)
def pow(input, exponent, *, out=None):
    _refuse_two_numbers("pow", input, exponent)
    if isinstance(exponent, Tensor) and promoted_dtype((input, exponent)) is _dtype.bool:
        raise NotImplementedError("\"pow\" not implemented for 'Bool'")  # a Python scalar exponent is fine
    if isinstance(exponent, (int, np.integer)) and not isinstance(exponent, bool) and exponent < 0 \
            and not promoted_dtype((input, exponent)).is_floating_point:
        # only a Python int exponent is refused; an integer tensor of negative exponents gives 0, 1 or -1
        raise RuntimeError("pow: Integers to negative integer powers are not allowed.")
    half_limits = {_dtype.float16: ("Half", 65504.0), _dtype.bfloat16: ("BFloat16", 3.3895313892515355e38)}
    if isinstance(input, Tensor) and input.dtype in half_limits and isinstance(exponent, (int, float)) \
            and not isinstance(exponent, bool) and math.isfinite(exponent):
        # torch converts a Python exponent to the half type and refuses one that overflows it
        type_name, limit = half_limits[input.dtype]
        if not -limit <= exponent <= limit:
            raise RuntimeError(f"value cannot be converted to type c10::{type_name} without overflow")
    return _with_out(_pow(input, exponent), out)


@public(method=True)
def maximum(input, other, *, out=None):
    _require_tensors("maximum", input, other)
    return _with_out(_maximum(input, other), out)


@public(method=True)
def minimum(input, other, *, out=None):
    _require_tensors("minimum", input, other)
    return _with_out(_minimum(input, other), out)


@public(method=True)
def logaddexp(input, other, *, out=None):
    _require_tensors("logaddexp", input, other)   # torch has no Scalar overload
    return _with_out(_logaddexp(input, other), out)


@public(method=True, inplace=True)
def xlogy(input, other, *, out=None):
    _refuse_two_numbers("xlogy", input, other)
    dtype = promoted_dtype((input, other))
    half = dtype.numpy_type if dtype in (_dtype.float16, _dtype.bfloat16) else None
    return _with_out(_xlogy(input, other, half=half), out)


def _require_tensors(name, input, other):
    """torch's binary functions without a Scalar overload refuse Python numbers with a TypeError."""
    for position, (argument, value) in enumerate((("input", input), ("other", other)), start=1):
        if not isinstance(value, Tensor):
            raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be Tensor, not "
                            f"{type(value).__name__}")


def _require_tensor_input(name, input):
    """torch's (Tensor input, Number other) overloads take a Python number only as `other`."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, ...), but expected (Tensor input, Tensor other) or "
                        f"(Tensor input, Number other)")


def _refuse_two_numbers(name, input, other):
    """torch's (Tensor, Tensor) and (Number self, Tensor other) overloads: two Python numbers match neither."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({type(input).__name__}, "
                        f"{type(other).__name__}), but expected (Tensor input, Tensor other) or "
                        f"(Number self, Tensor other)")


@public()
def where(condition, input=None, other=None):
    """torch.where: elementwise choice; the one-argument form is nonzero(as_tuple=True)."""
    if input is None and other is None:
        from .indexing import nonzero
        # a 0-d condition counts as one element, as torch's nonzero(as_tuple=True) does
        return nonzero(condition.reshape(1) if condition.ndim == 0 else condition, as_tuple=True)
    if not isinstance(condition, Tensor):
        raise TypeError(f"where(): argument 'condition' (position 1) must be Tensor, not "
                        f"{type(condition).__name__}")
    # torch still takes a uint8 condition (with a deprecation warning); any other dtype is refused
    if condition.dtype not in (_dtype.bool, _dtype.uint8):
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{_dtype.scalar_type_name(condition.dtype)}")
    if condition.dtype is _dtype.uint8:
        condition = condition.to(_dtype.bool)
    return _where(condition, input, other, dtype=promoted_dtype((input, other)))


@public("where", function=False, method=True)
def where_method(input, condition, other):
    """Tensor.where(condition, other): self is torch.where's `input`."""
    return where(condition, input, other)


@public("neg", "negative", method=True, inplace=True)
def neg(input, *, out=None):
    return _with_out(_neg(input), out)



@public(method=True, inplace=True)
def abs(input, *, out=None):
    return _with_out(_abs(input), out)


@public(method=True, inplace=True)
def sign(input, *, out=None):
    return _with_out(_sign(input), out)


@public(method=True, inplace=True)
def exp(input, *, out=None):
    return _with_out(_exp(input), out)


@public(method=True, inplace=True)
def log(input, *, out=None):
    return _with_out(_log(input), out)


@public(method=True, inplace=True)
def sqrt(input, *, out=None):
    return _with_out(_sqrt(input), out)


@public(method=True, inplace=True)
def sin(input, *, out=None):
    return _with_out(_sin(input), out)


@public(method=True, inplace=True)
def cos(input, *, out=None):
    return _with_out(_cos(input), out)


@public(method=True, inplace=True, functional=True)
def tanh(input, *, out=None):
    return _with_out(_tanh(input), out)


@public(method=True, inplace=True, functional=True)
def sigmoid(input, *, out=None):
    return _with_out(_sigmoid(input), out)


@public(method=True, inplace=True)
def relu(input):
    return _relu(input)


@public(method=True, inplace=True)
def eq(input, other, *, out=None):
    _require_tensor_input("eq", input)
    return _with_out(_eq(input, other), out)


@public(method=True, inplace=True)
def ne(input, other, *, out=None):
    _require_tensor_input("ne", input)
    return _with_out(_ne(input, other), out)


@public(method=True, inplace=True)
def lt(input, other, *, out=None):
    _require_tensor_input("lt", input)
    return _with_out(_lt(input, other), out)


@public(method=True, inplace=True)
def le(input, other, *, out=None):
    _require_tensor_input("le", input)
    return _with_out(_le(input, other), out)


@public(method=True, inplace=True)
def gt(input, other, *, out=None):
    _require_tensor_input("gt", input)
    return _with_out(_gt(input, other), out)


@public(method=True, inplace=True)
def ge(input, other, *, out=None):
    _require_tensor_input("ge", input)
    return _with_out(_ge(input, other), out)


@public(method=True)
def logical_not(input, *, out=None):
    return _with_out(_logical_not(input), out)


@public(method=True)
def logical_and(input, other, *, out=None):
    _require_tensors("logical_and", input, other)   # torch has no Scalar overload for logical ops
    return _with_out(_logical_and(input, other), out)


@public(method=True)
def logical_or(input, other, *, out=None):
    _require_tensors("logical_or", input, other)   # torch has no Scalar overload for logical ops
    return _with_out(_logical_or(input, other), out)


@public(method=True)
def logical_xor(input, other, *, out=None):
    _require_tensors("logical_xor", input, other)   # torch has no Scalar overload for logical ops
    return _with_out(_logical_xor(input, other), out)


@public(method=True, inplace=True)
def bitwise_and(input, other, *, out=None):
    _refuse_two_numbers("bitwise_and", input, other)
    return _with_out(_bitwise_and(input, other), out)


@public(method=True, inplace=True)
def bitwise_or(input, other, *, out=None):
    _refuse_two_numbers("bitwise_or", input, other)
    return _with_out(_bitwise_or(input, other), out)


@public(method=True, inplace=True)
def bitwise_xor(input, other, *, out=None):
    _refuse_two_numbers("bitwise_xor", input, other)
    return _with_out(_bitwise_xor(input, other), out)


@public(method=True)
def bitwise_not(input, *, out=None):
    return _with_out(_bitwise_not(input), out)


def _float_title(a):
    name = str(getattr(a, "dtype", "float64"))
    return _dtype.scalar_type_name(name) if name in ("float16", "float32", "float64") else "Float"


def _is_bool(x):
    return isinstance(x, Tensor) and x.dtype is _dtype.bool or isinstance(x, bool)


def _with_out(result, out):
    """The `out=` keyword: write the result into `out` (resized like torch when its shape differs)."""
    if out is None:
        return result
    from .inplace import write_result_into
    return write_result_into(out, result, "out=")
