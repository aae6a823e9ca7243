"""torch's float32 normal kernel on AVX2 CPUs (normal_fill_16_AVX2), operation by operation in float32.

torch fills the tensor with uniforms, then turns each block of 16 into normals by Box-Muller on the pairs
(j, j + 8), with the Cephes-style log and sincos polynomials of ATen's avx_mathfun.h (log256_ps, sincos256_ps).
The compiler fused their multiply-adds: those are rounded once here too (`fma32_wide`, on float32 values carried in
float64 through each chain of fused steps), and the other steps are the same float32 operations in the same order,
so every value is torch's bit for bit (checked against torch 2.13's wheel on millions of values; plain NumPy float32
math agrees on only ~86%). Where a product is exact (a power of two, a constant of a few bits times a small
integer) fusing changes nothing and the plain operations are used.
"""
import numpy as np

from ._fma import fma32_wide

_F = np.float32
_ONE, _HALF, _MINUS_TWO = _F(1), _F(0.5), _F(-2)
_TWO_PI = _F(2 * np.pi)

_SQRT_HALF = _F(0.707106781186547524)
_LOG_POLYNOMIAL = tuple(_F(c) for c in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1,
                                        1.4249322787E-1, -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1,
                                        3.3333331174E-1))
_LOG_Q1, _LOG_Q2 = _F(-2.12194440e-4), _F(0.693359375)

_FOUR_OVER_PI = _F(1.27323954473516)
_MINUS_DP1, _MINUS_DP2, _MINUS_DP3 = _F(-0.78515625), _F(-2.4187564849853515625e-4), _F(-3.77489497744594108e-8)
_SIN_POLYNOMIAL = (_F(-1.9515295891E-4), _F(8.3321608736E-3), _F(-1.6666654611E-1))
_COS_POLYNOMIAL = (_F(2.443315711809948E-005), _F(-1.388731625493765E-003), _F(4.166664568298827E-002))


def _polynomial(coefficients, x):
    """Horner's rule with each step fused, as compiled: ((c0 x + c1) x + c2) ... on float64-carried x; the result
    is carried in float64 too."""
    y = fma32_wide(np.float64(coefficients[0]), x, np.float64(coefficients[1]))
    for coefficient in coefficients[2:]:
        y = fma32_wide(y, x, np.float64(coefficient))
    return y


def _wide(x):
    return x.astype(np.float64)


def log256(x):
    """log256_ps for x in (0, 1] (u1 = 1 - u never leaves it, so the NaN and denormal cut-offs never act)."""
    bits = x.view(np.int32)
    exponent = ((bits >> 23) - 0x7F).astype(_F) + _ONE
    mantissa = ((bits & ~0x7F800000) | _HALF.view(np.int32)).view(_F)    # in [0.5, 1)
    below = mantissa < _SQRT_HALF
    # if mantissa < sqrt(1/2): exponent -= 1, x = 2 mantissa - 1; else x = mantissa - 1
    x = (mantissa - _ONE) + np.where(below, mantissa, _F(0))
    exponent = exponent - below.astype(_F)
    z = x * x
    x_wide = _wide(x)
    y = _polynomial(_LOG_POLYNOMIAL, x_wide) * x_wide        # the product rounded to float32 just below
    y = fma32_wide(y.astype(_F), _wide(z), _wide(exponent * _LOG_Q1)).astype(_F)
    y = y - z * _HALF
    return (x + y) + exponent * _LOG_Q2


def sincos256(x):
    """sincos256_ps for x in [0, 2 pi): (sin, cos)."""
    octant = (x * _FOUR_OVER_PI).astype(np.int32)      # truncation, as _mm256_cvttps_epi32
    octant = (octant + 1) & ~1
    y = octant.astype(_F)
    sin_negative = (octant & 4) != 0
    cos_negative = (~(octant - 2) & 4) != 0
    sine_polynomial_first = (octant & 2) == 0
    # the extended-precision reduction x - y pi/4 in three parts; y DP1 and y DP2 are exact products
    x = (x + y * _MINUS_DP1) + y * _MINUS_DP2
    x_wide = fma32_wide(_wide(y), np.float64(_MINUS_DP3), _wide(x))
    x = x_wide.astype(_F)
    z = x * x
    z_wide = _wide(z)
    cosine = _polynomial(_COS_POLYNOMIAL, z_wide) * z_wide
    cosine = fma32_wide(cosine.astype(_F), z_wide, _wide(-(z * _HALF))).astype(_F) + _ONE
    sine = _polynomial(_SIN_POLYNOMIAL, z_wide) * z_wide
    sine = fma32_wide(sine.astype(_F), x_wide, x_wide).astype(_F)
    sin = np.where(sine_polynomial_first, sine, cosine)
    cos = np.where(sine_polynomial_first, cosine, sine)
    return np.where(sin_negative, -sin, sin), np.where(cos_negative, -cos, cos)


def box_muller_blocks(uniforms, mean, std):
    """normal_fill_16_AVX2 over blocks: uniforms is float32 (blocks, 16); returns the normals, same shape."""
    radius = np.sqrt(_MINUS_TWO * log256(_ONE - uniforms[:, :8]))
    sin, cos = sincos256(_TWO_PI * uniforms[:, 8:])
    mean, std = _F(mean), _F(std)
    out = np.empty_like(uniforms)
    for half, trig in ((slice(0, 8), cos), (slice(8, 16), sin)):
        scaled = radius * trig
        if std == _ONE and mean == 0:
            out[:, half] = scaled + mean       # fma(n, 1, 0): n, with -0 turned to +0 as the fused add does
        elif mean == 0:
            out[:, half] = scaled * std + mean  # fma(n, std, 0) rounds the product once, then adds +0
        else:
            out[:, half] = fma32_wide(_wide(scaled), np.float64(std), np.float64(mean))
    return out
