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
from ._polynomials import chebyshev, hermite, laguerre, legendre
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
# torch's kernels, step for step (ops/_polynomials.py); no derivative and no half kernel, as the Bessel functions above

_POLYNOMIALS = {
    **{f"chebyshev_polynomial_{kind}": (lambda x, n, _kind=kind: chebyshev(_kind, x, n, False)) for kind in "tuvw"},
    **{f"shifted_chebyshev_polynomial_{kind}": (lambda x, n, _kind=kind: chebyshev(_kind, x, n, True))
       for kind in "tuvw"},
    "hermite_polynomial_h": lambda x, n: hermite(x, n, True),
    "hermite_polynomial_he": lambda x, n: hermite(x, n, False),
    "laguerre_polynomial_l": laguerre,
    "legendre_polynomial_p": legendre,
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
