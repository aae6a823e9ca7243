"""Special functions (torch.special and the torch functions of the same kind): gamma family, error-function
relatives, Bessel functions, logit/expit; scipy.special computes them, each op's derivative beside it.

scipy's ufuncs have float32 loops (they widen per element in C, no float64 buffer); half types arrive here as
float32 and are rounded once, as torch's CPU kernels compute them in float."""
import math

import numpy as np
import scipy.special

from .. import _dtype
from ._registry import TO_FLOAT, op
from ._surface import public
from .._tensor import Tensor
from .elementwise import _refuse_two_numbers, _with_out, exp, log, sign, where
from .pointwise_math import log1p

_HALF_TYPES = (_dtype.float16, _dtype.bfloat16)
_SQRT_2PI = math.sqrt(2 * math.pi)


def _tensor_argument(name, input, argument="input", position=1):
    """torch's unary functions take a Tensor only: a Python number is a TypeError naming the op."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be Tensor, not "
                        f"{type(input).__name__}")


def _refuse_half(kernel_name, *operands):
    """torch has no half kernel for these: NotImplementedError naming the kernel and the dtype."""
    from ._registry import promoted_dtype
    dtype = promoted_dtype(operands)
    if dtype in _HALF_TYPES:
        raise NotImplementedError(f'"{kernel_name}" not implemented for \'{_dtype.scalar_type_name(dtype)}\'')


# ================================================================ gamma family

def _half_type(*operands):
    """The NumPy type of a half result (float16/bfloat16), for kernels that round an intermediate to it as torch's
    do; None otherwise."""
    from ._registry import promoted_dtype
    dtype = promoted_dtype(operands)
    return dtype.numpy_type if dtype in _HALF_TYPES else None


def _rounded_to(half, values):
    """values rounded to the half type `half` (and back to float32, the compute type); unchanged for None."""
    return values if half is None else np.asarray(values).astype(half).astype(np.float32)


def _log_abs_gamma(a):
    with np.errstate(divide="ignore"):
        # log|gamma|: torch's lgamma(-inf) is +inf (scipy's gammaln gives -inf there)
        return np.where(np.isneginf(a), np.inf, scipy.special.gammaln(a)).astype(np.result_type(a), copy=False)


@op("lgamma", promotion=TO_FLOAT, saves=("a",), formula_backward=True)
def _lgamma(a):
    return _log_abs_gamma(a)


@_lgamma.vjp
def _(g, a):
    return g * digamma(a)


@op("digamma", promotion=TO_FLOAT, saves=("a",), formula_backward=True)
def _digamma(a):
    # scipy agrees with torch at the poles: -inf at 0, +inf at -0, nan at the negative integers (its float32 loop
    # computes each element in double and rounds once; torch's float digamma is within a few ulps of that)
    return scipy.special.psi(a)


@_digamma.vjp
def _(g, a):
    return g * polygamma(1, a)


def _trigamma(x):
    """torch's trigamma (ATen/native/Math.h), step for step in the input's precision: its float32 version reflects
    with sin(pi x) in float32, so near the poles it differs from an exact trigamma by far more than an ulp (at a
    negative integer it is large and finite, not inf)."""
    real = x.dtype.type
    pi = real(np.pi)
    reflected = x < 0.5
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        sin_pi_x = np.sin(pi * x)
        result = np.where(reflected, -(pi * pi) / (sin_pi_x * sin_pi_x), real(0))
        x = np.where(reflected, 1 - x, x)
        for _ in range(6):
            result += 1 / (x * x)
            x = x + 1
        inverse_square = 1 / (x * x)
        result += (1 + 1 / (2 * x) + inverse_square * (real(1 / 6) - inverse_square * (real(1 / 30) - inverse_square
                                                                                        * real(1 / 42)))) / x
    return np.where(reflected, -result, result)


def _hurwitz_zeta(s, q):
    """scipy's zeta (cephes, as torch's), with torch's nan where scipy answers 0: at q = +inf (unless s == 1), and
    at s = +inf with q > 1 (torch's Euler-Maclaurin step multiplies inf by 0 there)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        values = scipy.special.zeta(s, q)
    return np.where((np.isposinf(q) & (s != 1)) | (np.isposinf(s) & (q > 1)), np.asarray(np.nan, values.dtype),
                    values)


# cephes' Euler-Maclaurin coefficients, as torch's zeta (ATen/native/Math.h) holds them
_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
           -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15, 1.8152105401943546773e17,
           -7.1661652561756670113e18)


def _float32_zeta(s, q):
    """torch's zeta for a half type, which accumulates in float32 (its acc_type): cephes' sum step for step, each
    element stopping where torch's loop would. Where the terms cancel (polygamma at negative half-integers) the
    float32 sum is rounding noise, and torch's half results are that noise, not the exact value scipy gives."""
    f32 = np.float32
    s, q = np.broadcast_arrays(np.asarray(s, f32), np.asarray(q, f32))
    machine_epsilon = f32(1.11022302462515654042e-16)
    with np.errstate(all="ignore"):
        result = np.power(q, -s)
        a, b = q.copy(), np.zeros_like(q)
        done = (s <= 1) | ((q <= 0) & (q == np.floor(q))) | np.isnan(s) | np.isnan(q)
        i = 0
        while True:
            looping = ~done & ((i < 9) | (a <= 9))
            if not looping.any():
                break
            i += 1
            a = np.where(looping, a + 1, a)
            b = np.where(looping, np.power(a, -s), b)
            result = np.where(looping, result + b, result)
            done |= looping & (-machine_epsilon * result < b) & (b < machine_epsilon * result)
        w = a
        result = np.where(done, result, result + b * w / (s - 1) - f32(0.5) * b)
        a, k = np.ones_like(q), np.zeros_like(q)
        for coefficient in _ZETA_A:
            a = a * (s + k)
            b = b / w
            term = a * b / f32(coefficient)
            result = np.where(done, result, result + term)
            done |= np.abs(term / result) < machine_epsilon
            k = k + 1
            a = a * (s + k)
            b = b / w
            k = k + 1
        result = np.where(s == 1, np.inf, np.where(s < 1, np.nan, result))
        return np.where((q <= 0) & (q == np.floor(q)) & (s > 1), np.inf, result)


@op("polygamma", promotion=TO_FLOAT, saves=("a", "n"), formula_backward=True)
def _polygamma(a, n=0, half=None):
    """torch's polygamma kernel: digamma for n = 0, its trigamma for n = 1, else (-1)^(n+1) n! zeta(n + 1, x) with
    zeta accumulated in double (float for a half type, whose zeta torch rounds to it before the product)."""
    if n <= 1:
        values = scipy.special.psi(a) if n == 0 else _trigamma(a)
        with np.errstate(over="ignore"):   # rounded here: beyond the half type's range is inf
            return _rounded_to(half, values)
    factor = np.asarray((1 if n % 2 else -1) * math.exp(math.lgamma(n + 1)), dtype=a.dtype)
    order = np.asarray(n + 1, dtype=a.dtype)
    zetas = _hurwitz_zeta(order, a) if half is None else _float32_zeta(order, a)
    with np.errstate(over="ignore", invalid="ignore"):   # rounded here: beyond the half type's range is inf
        return _rounded_to(half, factor * _rounded_to(half, zetas))


@_polygamma.vjp
def _(g, a, n):
    return g * polygamma(n + 1, a)


@public(method=True, inplace=True)
def lgamma(input, *, out=None):
    _tensor_argument("lgamma", input)
    return _with_out(_lgamma(input), out)


@public(method=True, inplace=True)
def digamma(input, *, out=None):
    _tensor_argument("digamma", input)
    return _with_out(_digamma(input), out)


def _check_integer(name, argument, value, position):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be int, not "
                        f"{type(value).__name__}")


@public()
def polygamma(n, input, *, out=None):
    _check_integer("polygamma", "n", n, 1)
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    _tensor_argument("polygamma", input, position=2)
    return _with_out(_polygamma(input, n=int(n), half=_half_type(input)), out)


@public("polygamma", function=False, method=True, inplace=True)
def polygamma_method(input, n):
    """Tensor.polygamma(n): the order comes after self (torch.polygamma takes it first)."""
    return polygamma(n, input)


@op("mvlgamma", promotion=TO_FLOAT, saves=("a", "p"), formula_backward=True)
def _mvlgamma(a, p=1, half=None):
    """torch's composite in one kernel: lgamma of x + (1-p)/2, ..., x - 1/2, x (a new last dim) summed, plus
    p(p-1)/4 log(pi). For a half type (`half`) each of torch's separate steps rounds to it."""
    offsets = np.arange(-p * 0.5 + 0.5, 0.5, 0.5).astype(a.dtype)   # p multiples of 1/2: exact in every type
    with np.errstate(over="ignore", invalid="ignore"):
        arguments = _rounded_to(half, a[..., None] + offsets)
        total = _rounded_to(half, _rounded_to(half, _log_abs_gamma(arguments)).sum(-1))
        return _rounded_to(half, total + p * (p - 1) * math.log(math.pi) / 4)


@_mvlgamma.vjp
def _(g, a, p):
    # torch's mvlgamma_backward: grad * digamma(arange(-p/2 + 1/2, 1/2, 1/2) + x.unsqueeze(-1)).sum(-1)
    from ..creation import arange
    return g * digamma(arange(-p * 0.5 + 0.5, 0.5, 0.5, dtype=a.dtype) + a.unsqueeze(-1)).sum(-1)


@public(method=True, inplace=True)
def mvlgamma(input, p, *, out=None):
    """log of the multivariate gamma function (no domain check: torch answers inf/nan below (p-1)/2)."""
    _tensor_argument("mvlgamma", input)
    _check_integer("mvlgamma", "p", p, 2)
    if input.dtype is _dtype.bool:
        raise RuntimeError("The input tensor may not be a boolean tensor.")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    return _with_out(_mvlgamma(input, p=int(p), half=_half_type(input)), out)


def multigammaln(input, p, *, out=None):
    """torch.special.multigammaln: mvlgamma."""
    return mvlgamma(input, p, out=out)


def gammaln(input, *, out=None):
    """torch.special.gammaln: lgamma."""
    _tensor_argument("special_gammaln", input)
    return _with_out(_lgamma(input), out)


def psi(input, *, out=None):
    """torch.special.psi (and special.digamma): digamma."""
    _tensor_argument("special_psi", input)
    return _with_out(_digamma(input), out)


# ================================================================ error-function relatives and the normal law

@op("erfcx", promotion=TO_FLOAT, saves=("a", "result"), formula_backward=True)
def _erfcx(a):
    return scipy.special.erfcx(a)


@_erfcx.vjp
def _(g, a, out):
    return (2.0 * a * out - 2.0 / math.sqrt(math.pi)) * g


@public()
def erfcx(input, *, out=None):
    """torch.special.erfcx: exp(x^2) erfc(x)."""
    _tensor_argument("special_erfcx", input)
    _refuse_half("erfcx_cpu", input)
    return _with_out(_erfcx(input), out)


def ndtr(input, *, out=None):
    """torch.special.ndtr: the standard normal CDF, composed as torch does, (1 + erf(x / sqrt 2)) / 2 (each step
    rounded to a half type, as torch's); its gradient comes from erf's."""
    from .pointwise_math import erf
    _tensor_argument("special_ndtr", input)
    return _with_out((1 + erf(input * math.sqrt(0.5))) * 0.5, out)


@op("ndtri", promotion=TO_FLOAT, saves=("result",), formula_backward=True)
def _ndtri(a):
    return scipy.special.ndtri(a)


@_ndtri.vjp
def _(g, out):
    return g * _SQRT_2PI * exp(out * out / 2)


def ndtri(input, *, out=None):
    """torch.special.ndtri: the inverse of the standard normal CDF."""
    _tensor_argument("special_ndtri", input)
    _refuse_half("ndtri_cpu", input)
    return _with_out(_ndtri(input), out)


@op("log_ndtr", promotion=TO_FLOAT, saves=("a", "result"), formula_backward=True)
def _log_ndtr(a):
    return scipy.special.log_ndtr(a)


@_log_ndtr.vjp
def _(g, a, out):
    return g / _SQRT_2PI * exp(-(out + a * a / 2))


def log_ndtr(input, *, out=None):
    """torch.special.log_ndtr: log of the standard normal CDF, accurate far in the lower tail."""
    _tensor_argument("special_log_ndtr", input)
    _refuse_half("log_ndtr_cpu", input)
    return _with_out(_log_ndtr(input), out)


# ================================================================ modified Bessel functions of order 0 and 1

@op("i0", promotion=TO_FLOAT, saves=("a",), formula_backward=True)
def _i0(a):
    return scipy.special.i0(a)


@_i0.vjp
def _(g, a):
    return g * i1(a)


@op("i0e", promotion=TO_FLOAT, saves=("a", "result"), formula_backward=True)
def _i0e(a):
    return scipy.special.i0e(a)


@_i0e.vjp
def _(g, a, out):
    return g * (i1e(a) - sign(a) * out)


def _refuse_half_backward(kernel_name, a):
    # torch's i1_backward/i1e_backward dispatch over float and double only
    if a.dtype in _HALF_TYPES:
        raise NotImplementedError(f'"{kernel_name}" not implemented for \'{_dtype.scalar_type_name(a.dtype)}\'')


def _safe_and_tiny(a):
    """torch's i1/i1e backward: |x| <= eps gets the limit 0.5, computed at x = eps so that where's other branch
    stays finite."""
    tiny = ~(a.abs() > float(np.finfo(a.dtype.numpy_type).eps))   # nan counts as tiny: 0.5 there, as torch
    return where(tiny, float(np.finfo(a.dtype.numpy_type).eps), a), tiny


# formula_backward: the rule sees the half type, so that it can refuse it as torch's backward kernel does
@op("i1", promotion=TO_FLOAT, saves=("a", "result"), formula_backward=True)
def _i1(a):
    return scipy.special.i1(a)


@_i1.vjp
def _(g, a, out):
    _refuse_half_backward("i1_backward", a)
    safe, tiny = _safe_and_tiny(a)
    return g * where(tiny, 0.5, i0(safe) - out / safe)


@op("i1e", promotion=TO_FLOAT, saves=("a", "result"), formula_backward=True)
def _i1e(a):
    return scipy.special.i1e(a)


@_i1e.vjp
def _(g, a, out):
    _refuse_half_backward("i1e_backward", a)
    safe, tiny = _safe_and_tiny(a)
    return g * where(tiny, 0.5, i0e(safe) - out * (sign(safe) + 1 / safe))


@public(method=True, inplace=True)
def i0(input, *, out=None):
    _tensor_argument("i0", input)
    return _with_out(_i0(input), out)


def i0e(input, *, out=None):
    """torch.special.i0e: exp(-|x|) i0(x)."""
    _tensor_argument("special_i0e", input)
    return _with_out(_i0e(input), out)


def i1(input, *, out=None):
    """torch.special.i1."""
    _tensor_argument("special_i1", input)
    return _with_out(_i1(input), out)


def i1e(input, *, out=None):
    """torch.special.i1e: exp(-|x|) i1(x)."""
    _tensor_argument("special_i1e", input)
    return _with_out(_i1e(input), out)


# ================================================================ sinc, entr, logit, xlog1py, zeta

@op("sinc", promotion=TO_FLOAT, saves=("a",), formula_backward=True)
def _sinc(a):
    # torch: 1 at 0, else sin(pi x) / (pi x) with pi x rounded to the compute type (float32 for float32)
    with np.errstate(invalid="ignore", divide="ignore"):
        product = a * np.asarray(np.pi, dtype=np.result_type(a))
        return np.where(a == 0, np.asarray(1, dtype=product.dtype), np.sin(product) / product)


@_sinc.vjp
def _(g, a):
    from .elementwise import cos, sin
    # torch's sinc_backward: (pi x cos(pi x) - sin(pi x)) / (pi x^2), 0 where pi x^2 is 0
    pi_a = a * math.pi
    pi_a_squared = a * a * math.pi
    return where(pi_a_squared == 0.0, 0.0, g * (pi_a * cos(pi_a) - sin(pi_a)) / pi_a_squared)


@public(method=True, inplace=True)
def sinc(input, *, out=None):
    _tensor_argument("sinc", input)
    return _with_out(_sinc(input), out)


@op("entr", promotion=TO_FLOAT, saves=("a",), formula_backward=True)
def _entr(a):
    return scipy.special.entr(a)   # -x log x; 0 at 0, -inf below, nan kept, as torch


@_entr.vjp
def _(g, a):
    return g * (-(1 + log(a)))


def entr(input, *, out=None):
    """torch.special.entr: -x log(x) elementwise."""
    _tensor_argument("special_entr", input)
    return _with_out(_entr(input), out)


@op("logit", promotion=TO_FLOAT, saves=("a", "eps"))
def _logit(a, eps=None, half=None):
    """log(x / (1 - x)). For a half type (`half`) torch's kernel rounds 1 - x and the ratio to it (its vectorized
    half arithmetic), and its eps too."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if eps is not None:
            # torch clamps to [eps, 1 - eps] (bounds in the compute type); nan stays nan
            low = _rounded_to(half, np.asarray(eps, dtype=np.result_type(a)))
            high = _rounded_to(half, np.asarray(1, dtype=low.dtype) - low)
            a = np.where(a < low, low, np.where(a > high, high, a))
        return np.log(_rounded_to(half, a / _rounded_to(half, 1 - a)))


@_logit.vjp
def _(g, a, eps):
    # torch's logit_backward kernel: nan outside [0, 1] without eps, 0 outside [eps, 1 - eps] with it
    if eps is None:
        return where((a < 0) | (a > 1), math.nan, g / (a * (1 - a)))
    return where((a < eps) | (a > 1 - eps), 0.0, g / (a * (1 - a)))


@public(method=True, inplace=True)
def logit(input, eps=None, *, out=None):
    _tensor_argument("logit", input)
    return _with_out(_logit(input, eps=None if eps is None or eps < 0 else float(eps), half=_half_type(input)), out)


@op("xlog1py", promotion=TO_FLOAT, saves=("a", "b"), formula_backward=True)
def _xlog1py(a, b, half=None):
    """a * log1p(b), 0 where a == 0 unless b is nan (torch's xlog1py). For a half type (`half`) torch rounds the
    log1p to it before the product, as its xlogy does (measured: otherwise about 30% of float16 results differ)."""
    if not isinstance(b, np.ndarray):   # a Python number: NumPy's log1p(True) would be a float16
        b = np.asarray(b, dtype=a.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = _rounded_to(half, np.log1p(b))
        return np.where(np.isnan(b), np.nan, np.where(a == 0, 0, np.multiply(a, logs)))


@_xlog1py.vjp
def _(g, a, b):
    # torch's formulas: d/da = xlog1py(g, b), 0 where a == 0 and b <= -1; d/db = g * a / (b + 1)
    grad_a = where((a == 0) & (b <= -1), 0.0, xlog1py(g, b)) if isinstance(a, Tensor) else None
    grad_b = g * a / (b + 1) if isinstance(b, Tensor) else None
    return grad_a, grad_b


def xlog1py(input, other, *, out=None):
    """torch.special.xlog1py: input * log1p(other), 0 where input is 0."""
    _refuse_two_numbers("special_xlog1py", input, other)
    return _with_out(_xlog1py(input, other, half=_half_type(input, other)), out)


@op("zeta", promotion=TO_FLOAT, saves=("a", "q"))
def _zeta(a, q):
    # the Hurwitz zeta function: scipy agrees with torch (inf at a == 1, nan for a < 1)
    return _hurwitz_zeta(a, q).astype(np.result_type(a, q), copy=False)


@_zeta.vjp
def _(g, a, q):
    # torch: not_implemented("zeta") for the order; d/dq = -a zeta(a + 1, q)
    if isinstance(a, Tensor) and a.requires_grad:
        raise RuntimeError("the derivative for 'zeta' is not implemented.")
    return None, (g * -a * zeta(a + 1, q) if isinstance(q, Tensor) else None)


def zeta(input, other, *, out=None):
    """torch.special.zeta: the Hurwitz zeta function zeta(input, other)."""
    _refuse_two_numbers("special_zeta", input, other)
    _refuse_half("zeta_cpu", input, other)
    return _with_out(_zeta(input, other), out)


# ================================================================ Bessel and Airy functions without a derivative
# torch defines no derivative for these (their results do not require grad), has no half kernel ("<name>_cpu" not
# implemented), and computes integer and bool inputs in the default float type; scipy computes cephes' algorithms,
# which torch's Math.h ports.

def _airy_ai(x):
    with np.errstate(all="ignore"):
        # torch: nan at +-inf (scipy gives 0 at +inf)
        return np.where(np.isinf(x), np.asarray(np.nan, x.dtype), scipy.special.airy(x)[0])


def _spherical_bessel_j0(x):
    """torch's kernel: 0 at +-inf, its Taylor polynomial for |x| < 0.5, sin(x) / x elsewhere (scipy's spherical_jn
    has no float32 loop)."""
    with np.errstate(all="ignore"):
        x2 = x * x
        series = 1 + x2 * (-1 / 6 + x2 * (1 / 120 + x2 * (-1 / 5040 + x2 * (1 / 362880 + x2 * (
            -1 / 39916800 + x2 * (1 / 6227020800))))))
        values = np.where(np.abs(x) < 0.5, series, np.sin(x) / x)
        values[np.isinf(x)] = 0
        return values


# the largest float32 whose exp is finite (88.72283...)
_FLOAT32_EXP_LIMIT = np.nextafter(np.log(np.finfo(np.float32).max).astype(np.float32), np.float32(0))
with np.errstate(over="ignore"):
    while np.isfinite(np.exp(np.nextafter(_FLOAT32_EXP_LIMIT, np.float32(np.inf)))):
        _FLOAT32_EXP_LIMIT = np.nextafter(_FLOAT32_EXP_LIMIT, np.float32(np.inf))


def _exponential_growth(function):
    """i0/i1 for torch's float32 kernel: cephes' exp(|x|) * series / sqrt(|x|) in float, inf once exp(|x|)
    overflows float32 (|x| > 88.72), where the exact value (scipy's, in double) is still below float32's max."""
    def kernel(x):
        values = np.asarray(function(x))   # (a 0-d input gives a NumPy scalar)
        if x.dtype == np.float32:
            overflows = ((x > _FLOAT32_EXP_LIMIT) | (x < -_FLOAT32_EXP_LIMIT)) & np.isfinite(x)
            values[overflows] = np.copysign(np.float32(np.inf), values[overflows])
        return values
    return kernel


_BESSEL = {   # torch.special name: (scipy function, the name of torch's argument)
    "airy_ai": (_airy_ai, "x"),
    "bessel_j0": (scipy.special.j0, "input"), "bessel_j1": (scipy.special.j1, "input"),
    "bessel_y0": (scipy.special.y0, "input"), "bessel_y1": (scipy.special.y1, "input"),
    "modified_bessel_i0": (_exponential_growth(scipy.special.i0), "input"),
    "modified_bessel_i1": (_exponential_growth(scipy.special.i1), "input"),
    "modified_bessel_k0": (scipy.special.k0, "input"), "modified_bessel_k1": (scipy.special.k1, "input"),
    "scaled_modified_bessel_k0": (scipy.special.k0e, "x"), "scaled_modified_bessel_k1": (scipy.special.k1e, "x"),
    "spherical_bessel_j0": (_spherical_bessel_j0, "x"),
}
NO_DERIVATIVE = "torch defines no derivative: its result does not require grad"


def _bessel_op(name, function, argument):
    """The op `name` (a kernel calling `function`) and its torch.special function, which takes one Tensor named
    `argument`."""
    kernel = op(name, promotion=TO_FLOAT, nondifferentiable=NO_DERIVATIVE)(
        lambda a: function(a).astype(a.dtype, copy=False))

    def special_function(input, *, out=None):
        _tensor_argument(f"special_{name}", input, argument)
        _refuse_half(f"{name}_cpu", input)
        return _with_out(kernel(input), out)
    special_function.__name__ = special_function.__qualname__ = name
    special_function.__doc__ = f"torch.special.{name}."
    return special_function


airy_ai, bessel_j0, bessel_j1, bessel_y0, bessel_y1, modified_bessel_i0, modified_bessel_i1, modified_bessel_k0, \
    modified_bessel_k1, scaled_modified_bessel_k0, scaled_modified_bessel_k1, spherical_bessel_j0 = \
    (_bessel_op(name, function, argument) for name, (function, argument) in _BESSEL.items())


# ================================================================ orthogonal polynomials P_n(x)
# torch's kernels (ATen/native/Math.h), step for step in the compute type: special values first (a negative order,
# the interval's ends), then, for the Chebyshev kinds inside the interval and past a small order, the trigonometric
# form, else the three-term recurrence, stopped early once it gives nan. No derivative, no half kernel, as the
# Bessel functions above. The order is converted as C++'s static_cast<int64_t> of the compute type: truncated, and
# a nan, an infinity or a value beyond int64 is INT64_MIN on x86 (a negative order: the polynomial is 0). It is kept
# in the compute type here (a truncated float is an integer, exact in it; int64 arrays would double float32's
# memory), and the kernels work on whole arrays under masks, without int64 index arrays, for the same reason.

def _order(n):
    with np.errstate(invalid="ignore"):
        inside = np.isfinite(n) & (np.abs(n) < 2.0 ** 63)
        return np.where(inside, np.trunc(n), -1).astype(n.dtype, copy=False)


def _even(n):
    return np.fmod(n, 2) == 0


def _fused(a, b, c):
    """a * b + c rounded once, in b's float type: torch's kernels are compiled with fused multiply-adds (GCC
    contracts `a * b - c`), and a recurrence's results differ in the last bits at almost every step without them.
    Error-free transformations in the type itself (no float64 buffer for float32): Veltkamp's split and Dekker's
    exact product, Knuth's exact sum, the two errors summed rounded to odd, then added once (Boldo and Melquiond).
    Large finite operands, where the split would overflow, are scaled down by a power of two first (exact);
    infinite and nan operands take the plain result, which is the fused one there."""
    real = b.dtype.type
    bound, scale = (real(2.0 ** 100), real(2.0 ** -60)) if real is np.float32 else (real(2.0 ** 900), real(2.0 ** -500))
    a, c = np.broadcast_to(a, b.shape), np.broadcast_to(c, b.shape)
    with np.errstate(all="ignore"):
        fused = _fused_in_range(a, b, c)
        large = np.abs(fused) >= bound    # (nan: False) masks built in place, one temporary at a time
        for operand in (a, b, c):
            large |= ~(np.abs(operand) < bound)
        if large.any():
            # an infinite c with finite factors is the result: the fused product does not overflow
            np.copyto(fused, a * b + c, where=large)
            large &= np.isfinite(a)
            large &= np.isfinite(b)
            np.copyto(fused, c, where=large & np.isinf(c))
            large &= np.isfinite(c)
            if large.any():
                # scale the larger factor and c: the product and c keep their bits, the sum its rounding
                a_larger = np.abs(a) >= np.abs(b)
                scaled = _fused_in_range(np.where(a_larger, a * scale, a), np.where(a_larger, b, b * scale),
                                         c * scale) / scale
                np.copyto(fused, scaled, where=large)
    return fused


def _fused_in_range(a, b, c):
    real = b.dtype.type
    splitter, bits = (real(4097), np.uint32) if real is np.float32 else (real(134217729), np.uint64)

    def split(v):
        scaled = v * splitter
        high = scaled - (scaled - v)
        return high, v - high

    def two_sum(x, y):
        total = x + y
        y_part = total - x
        return total, (x - (total - y_part)) + (y - y_part)

    product = a * b
    a_high, a_low = split(a)
    b_high, b_low = split(b)
    product_error = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low
    total, sum_error = two_sum(c, product)
    errors, rounding = two_sum(sum_error, product_error)
    inexact_even = (rounding != 0) & ((errors.view(bits) & bits(1)) == 0)
    errors[inexact_even] = np.nextafter(errors[inexact_even], np.copysign(real(np.inf), rounding[inexact_even]))
    return total + errors


def _recurrence(step, coefficient, p, q, last, eligible, stops_at_nan=True):
    """torch's loop, where `eligible`: for k = 1, 2, ... while k <= last (and q is not nan, where the loop checks
    that), r = step(k, coefficient, p, q), then p, q = q, r; each element's last r. Where the loop never runs torch
    returns r uninitialised (the Chebyshev U, V, W kinds at a nan x: whatever memory held) or its start value; nan
    here."""
    r = np.full_like(q, np.nan)
    p, q = p.copy(), q.copy()
    running = eligible & (last >= 1)
    if stops_at_nan:
        running &= ~np.isnan(q)
    k = 1
    while running.any():
        value = step(k, coefficient, p, q)
        np.copyto(r, value, where=running)
        np.copyto(p, q, where=running)
        np.copyto(q, value, where=running)
        k += 1
        running &= last >= k
        if stops_at_nan:
            running &= ~np.isnan(q)
    return r


def _select(real, n, cases, otherwise):
    """torch's if-chain: each element takes the value of its first true condition; `otherwise(rest)` (a mask of the
    elements no condition takes) elsewhere. Conditions and values are functions, called in turn, so that one mask
    at a time is alive (a bool array costs float32 a quarter of its memory)."""
    result = np.empty(n.shape, real)
    taken = np.zeros(n.shape, bool)
    for condition, value in cases:
        chosen = condition()
        chosen &= ~taken
        if chosen.any():
            np.copyto(result, np.asarray(value() if callable(value) else value, real), where=chosen)
        taken |= chosen
        del chosen
    if not taken.all():
        np.copyto(result, otherwise(~taken), where=~taken)
    return result


def _flat(x, n):
    """x and the order (in x's type) broadcast and flattened (the kernels work on 1-d arrays), and the shape."""
    x, n = np.broadcast_arrays(x, _order(n))
    return np.ascontiguousarray(x).ravel(), np.ascontiguousarray(n).ravel(), x.shape


# The Chebyshev kinds: (start q = y + y + offset, or y for T; trigonometric form above this order unshifted,
# shifted). The shifted polynomials are those of y = 2x - 1, their ends tested at x == 1 and x == 0.
_CHEBYSHEV = {"t": (None, 6, 6), "u": (0.0, 8, 6), "v": (-1.0, 8, 6), "w": (1.0, 8, 4)}


def _chebyshev(kind, x, n, shifted):
    real = x.dtype.type
    x, n, shape = _flat(x, n)
    one = real(1)
    with np.errstate(all="ignore"):
        y = (x + x - one) if shifted else x
        offset, threshold, shifted_threshold = _CHEBYSHEV[kind]
        n_plus_1, twice_n_plus_1 = n + one, n + n + one
        # the values at y == 1 and (by the order's parity) at y == -1
        at_upper = {"t": one, "u": n_plus_1, "v": one, "w": twice_n_plus_1}[kind]
        at_lower = {"t": (one, -one), "u": (n_plus_1, -n_plus_1), "v": (twice_n_plus_1, -twice_n_plus_1),
                    "w": (one, -one)}[kind]
        first = y if offset is None else y + y + real(offset)

        def trigonometric():
            angle = np.arccos(y)
            half_angle = angle / real(2)
            if kind == "t":
                return np.cos(n * angle)
            if kind == "u":
                sine = np.sin(angle)
                return np.where(sine != 0, np.sin(n_plus_1 * angle) / sine,
                                n_plus_1 * np.cos(n_plus_1 * angle) / y)
            if kind == "v":
                return np.where(np.sin(half_angle) != one,
                                np.cos((n + real(0.5)) * angle)
                                / np.cos(half_angle), np.where(_even(n), twice_n_plus_1, -twice_n_plus_1))
            # where the half angle's cosine rounds to 1: torch's unshifted W gives 2n + 1 for x > 0, the shifted one
            # does not look at x
            fallback = np.where(_even(n), one, -one)
            if not shifted:
                fallback = np.where(x > 0, twice_n_plus_1, fallback)
            return np.where(np.cos(half_angle) != one,
                            np.sin((n + real(0.5)) * angle)
                            / np.sin(half_angle), fallback)

        result = _select(real, n, [
            (lambda: n < 0, real(0)),
            (lambda: x == one, at_upper),
            (lambda: (x == 0) if shifted else (x == -one), lambda: np.where(_even(n), *at_lower)),
            (lambda: (n > (shifted_threshold if shifted else threshold)) & (np.abs(y) < one), trigonometric),
            (lambda: n == 0, one), (lambda: n == 1, first)],
                         lambda rest: _recurrence(lambda k, twice_y, p, q: _fused(twice_y, q, -p), y + y,
                                                  np.ones_like(y), first, n - one, rest))
    return result.reshape(shape)


# torch's Hermite kernels give nan past this order (its recurrence would overflow anyway)
_HERMITE_LIMIT = {np.float32: 128, np.float64: 512}


def _hermite(x, n, physicists):
    real = x.dtype.type
    x, n, shape = _flat(x, n)
    first = x + x if physicists else x
    with np.errstate(all="ignore"):
        if physicists:   # r = 2x q - k p for k = 2, 4, ..., 2n - 2
            step = lambda k, twice_x, p, q: _fused(twice_x, q, -(real(2 * k) * p))   # noqa: E731
        else:            # r = x q - k p for k = 1, ..., n - 1
            step = lambda k, x, p, q: _fused(x, q, -(real(k) * p))                   # noqa: E731
        result = _select(real, n, [(lambda: n < 0, real(0)), (lambda: n == 0, real(1)), (lambda: n == 1, first),
                                   (lambda: n > _HERMITE_LIMIT[real], real(np.nan))],
                         lambda rest: _recurrence(step, first if physicists else x, np.ones_like(x), first,
                                                  n - real(1), rest, stops_at_nan=False))
    return result.reshape(shape)


def _laguerre(x, n):
    real = x.dtype.type
    x, n, shape = _flat(x, n)
    one = real(1)
    with np.errstate(all="ignore"):
        one_minus_x = one - x
        # r = ((2k + (1 - x)) q - k p) / (k + 1)
        step = lambda k, one_minus_x, p, q: _fused(real(k + k) + one_minus_x, q, -(real(k) * p)) / real(k + 1)  # noqa
        result = _select(real, n, [(lambda: n < 0, real(0)), (lambda: np.abs(x) == 0, one), (lambda: n == 0, one),
                                   (lambda: n == 1, one_minus_x)],
                         lambda rest: _recurrence(step, one_minus_x, np.ones_like(x), one_minus_x, n - one, rest))
    return result.reshape(shape)


def _legendre(x, n):
    real = x.dtype.type
    x, n, shape = _flat(x, n)
    one = real(1)
    with np.errstate(all="ignore"):
        # r = ((2k + 1) x q - k p) / (k + 1)
        step = lambda k, x, p, q: _fused(real(k + k + 1) * x, q, -(real(k) * p)) / real(k + 1)  # noqa: E731
        result = _select(real, n, [(lambda: n < 0, real(0)),
                                   (lambda: np.abs(x) == one, lambda: np.where((x > 0) | _even(n), one, -one)),
                                   (lambda: n == 0, one), (lambda: n == 1, x)],
                         lambda rest: _recurrence(step, x, np.ones_like(x), x, n - one, rest))
    return result.reshape(shape)


_POLYNOMIALS = {
    **{f"chebyshev_polynomial_{kind}": (lambda x, n, _kind=kind: _chebyshev(_kind, x, n, False)) for kind in "tuvw"},
    **{f"shifted_chebyshev_polynomial_{kind}": (lambda x, n, _kind=kind: _chebyshev(_kind, x, n, True))
       for kind in "tuvw"},
    "hermite_polynomial_h": lambda x, n: _hermite(x, n, True),
    "hermite_polynomial_he": lambda x, n: _hermite(x, n, False),
    "laguerre_polynomial_l": _laguerre,
    "legendre_polynomial_p": _legendre,
}


def _arrays_of_one_type(x, n):
    """A Python number operand (the registry passes it as is) as an array of the other operand's compute type."""
    real = (x if isinstance(x, np.ndarray) else n).dtype
    return np.asarray(x, real), np.asarray(n, real)


def _polynomial_op(name, function):
    """The op `name` and its torch.special function (x, n): tensors or one of them a Python number, promoted
    together (integers to the default float type)."""
    kernel = op(name, promotion=TO_FLOAT, nondifferentiable=NO_DERIVATIVE)(
        lambda x, n: function(*_arrays_of_one_type(x, n)))

    def special_function(x, n, *, out=None):
        if not isinstance(x, Tensor) and not isinstance(n, Tensor):
            raise TypeError(f"special_{name}() received an invalid combination of arguments - got "
                            f"({type(x).__name__}, {type(n).__name__}), but expected one of: (Tensor x, Tensor n), "
                            f"(Number x, Tensor n), (Tensor x, Number n)")
        _refuse_half(f"{name}_cpu", x, n)
        return _with_out(kernel(x, n), out)
    special_function.__name__ = special_function.__qualname__ = name
    special_function.__doc__ = f"torch.special.{name}(x, n)."
    return special_function


chebyshev_polynomial_t, chebyshev_polynomial_u, chebyshev_polynomial_v, chebyshev_polynomial_w, \
    shifted_chebyshev_polynomial_t, shifted_chebyshev_polynomial_u, shifted_chebyshev_polynomial_v, \
    shifted_chebyshev_polynomial_w, hermite_polynomial_h, hermite_polynomial_he, laguerre_polynomial_l, \
    legendre_polynomial_p = (_polynomial_op(name, function) for name, function in _POLYNOMIALS.items())


# ================================================================ the regularized incomplete gamma functions
def _refuse_non_floating(kernel_name, input, other):
    from ._registry import promoted_dtype
    dtype = promoted_dtype((input, other))
    if not dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel_name}" not implemented for \'{_dtype.scalar_type_name(dtype)}\'')


def _incomplete_gamma(function, lower, a, x):
    """scipy's cephes igam/igamc (torch's calc_igamma/calc_igammac port them; half types in float, rounded once),
    with torch's boundary values tested first, in its order: a nan order still gives P = 0 at x = 0 and P = 1 at
    x = inf (scipy: nan)."""
    real = np.result_type(a, x)
    with np.errstate(invalid="ignore"):
        values = function(a, x)
    nan, zero, one = np.asarray(np.nan, real), np.asarray(0 if lower else 1, real), np.asarray(1 if lower else 0, real)
    return np.select([(x < 0) | (a < 0), a == 0, x == 0, np.isinf(a), np.isinf(x)],
                     [nan, np.where(x > 0, one, nan), zero, np.where(np.isinf(x), nan, zero), one],
                     values).astype(real, copy=False)


@op("igamma", saves=("a", "x"), formula_backward=True)
def _igamma(a, x):
    return _incomplete_gamma(scipy.special.gammainc, True, a, x)


@op("igammac", saves=("a", "x"), formula_backward=True)
def _igammac(a, x):
    return _incomplete_gamma(scipy.special.gammaincc, False, a, x)


def _incomplete_gamma_rule(name, sign):
    def rule(g, a, x):
        # torch: not_implemented for the input (a); d/dx = exp((a - 1) log x - x - lgamma(a)), negated for igammac
        if a.requires_grad:
            raise NotImplementedError(f"the derivative for '{name}: input' is not implemented.")
        return None, sign * g * exp((a - 1) * log(x) - x - lgamma(a))
    return rule


_igamma.vjp(_incomplete_gamma_rule("igamma", 1))
_igammac.vjp(_incomplete_gamma_rule("igammac", -1))


@public(method=True, inplace=True)
def igamma(input, other, *, out=None):
    """The lower regularized incomplete gamma function P(input, other)."""
    _tensor_argument("igamma", input)
    _tensor_argument("igamma", other, "other", 2)
    _refuse_non_floating("igamma_cpu", input, other)
    return _with_out(_igamma(input, other), out)


@public(method=True, inplace=True)
def igammac(input, other, *, out=None):
    """The upper regularized incomplete gamma function Q(input, other)."""
    _tensor_argument("igammac", input)
    _tensor_argument("igammac", other, "other", 2)
    _refuse_non_floating("igammac_cpu", input, other)
    return _with_out(_igammac(input, other), out)


def gammainc(input, other, *, out=None):
    """torch.special.gammainc: igamma."""
    _tensor_argument("special_gammainc", input)
    _tensor_argument("special_gammainc", other, "other", 2)
    _refuse_non_floating("igamma_cpu", input, other)
    return _with_out(_igamma(input, other), out)


def gammaincc(input, other, *, out=None):
    """torch.special.gammaincc: igammac."""
    _tensor_argument("special_gammaincc", input)
    _tensor_argument("special_gammaincc", other, "other", 2)
    _refuse_non_floating("igammac_cpu", input, other)
    return _with_out(_igammac(input, other), out)
