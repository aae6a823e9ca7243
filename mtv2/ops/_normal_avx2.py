"""torch's float32 normal kernel on AVX2 CPUs (normal_fill_16_AVX2), operation by operation in float32.

torch fills the tensor with uniforms, then turns each block of 16 into normals by Box-Muller on the pairs
(j, j + 8), with the Cephes-style log and sincos polynomials of ATen's avx_mathfun.h (log256_ps, sincos256_ps).
The compiler fused their multiply-adds: those are rounded once here too (`Fma32`, on float32 values carried in
float64 through each chain of fused steps), and the other steps are the same float32 operations in the same order,
so every value is torch's bit for bit (checked against torch 2.13's wheel on millions of values; plain NumPy float32
math agrees on only ~86%). Where a product is exact (a power of two, a constant of a few bits times a small
integer) fusing changes nothing and the plain operations are used.

The log only ever sees u1 = 1 - u and the sincos 2 pi u, with u = k / 2**24 for one of 2**24 integers k: both were
run on every k, with and without the search for double roundings in their fused steps, and gave the same values
(tests/core/test_rng.py keeps that check), so these two skip it. The affine step (std and mean are the caller's)
keeps it. Every step writes into arrays made once per block size (`_Scratch`): no allocation per step.
"""
import numpy as np

from ._fma import Fma32

_F = np.float32
_ONE, _HALF, _MINUS_TWO = _F(1), _F(0.5), _F(-2)
_TWO_PI = _F(2 * np.pi)
_UNIFORM_SCALE = _F(2.0 ** -24)
_FLOAT_MASK = np.uint32((1 << 24) - 1)
_EIGHT_WORDS = np.dtype("V32")   # half a block of 16 (float32 or uint32) as one item

_SQRT_HALF = _F(0.707106781186547524)
_LOG_POLYNOMIAL = tuple(np.float64(_F(c)) for c in (
    7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1, 1.4249322787E-1, -1.6668057665E-1,
    2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1))
_LOG_Q1, _LOG_Q2 = _F(-2.12194440e-4), _F(0.693359375)
_EXPONENT_BITS = np.int32(0x7F800000)
_HALF_BITS = _HALF.view(np.int32)

_FOUR_OVER_PI = _F(1.27323954473516)
_MINUS_DP1, _MINUS_DP2, _MINUS_DP3 = _F(-0.78515625), _F(-2.4187564849853515625e-4), _F(-3.77489497744594108e-8)
_SIN_POLYNOMIAL = tuple(np.float64(c) for c in (_F(-1.9515295891E-4), _F(8.3321608736E-3), _F(-1.6666654611E-1)))
_COS_POLYNOMIAL = tuple(np.float64(c) for c in (_F(2.443315711809948E-005), _F(-1.388731625493765E-003),
                                                _F(4.166664568298827E-002)))


class _Scratch:
    """Named 1-D arrays for one block size, made at the first block and reused by the next ones."""

    def __init__(self, size):
        self.size = size
        self.fma = Fma32(size)
        self._arrays = {}

    def __call__(self, name, dtype, size):
        array = self._arrays.get(name)
        if array is None:
            array = self._arrays[name] = np.empty(self.size, dtype)
        return array[:size]


def _polynomial(coefficients, x, scratch, name, check):
    """Horner's rule with each step fused, as compiled: ((c0 x + c1) x + c2) ... on float64-carried x; the result
    is a float32 scratch array (each step's exact product and sum in another, float64, one)."""
    y = scratch(name, _F, x.shape[0])
    wide = scratch(name + "_wide", np.float64, x.shape[0])
    scratch.fma(coefficients[0], x, coefficients[1], out=wide, check=check, single=y)
    for coefficient in coefficients[2:]:
        scratch.fma(y, x, coefficient, out=wide, check=check, single=y)
    return y


def log256(x, scratch, check=False):
    """log256_ps for float32 x in (0, 1] (u1 = 1 - u never leaves it, so the NaN and denormal cut-offs never act).
    Returns a scratch array."""
    size = x.shape[0]
    bits = x.view(np.int32)
    mantissa_bits = scratch("log_mantissa", np.int32, size)
    np.bitwise_and(bits, ~_EXPONENT_BITS, out=mantissa_bits)
    np.bitwise_or(mantissa_bits, _HALF_BITS, out=mantissa_bits)
    mantissa = mantissa_bits.view(_F)                                     # in [0.5, 1)
    # below = mantissa < sqrt(1/2), as a mask of all ones (positive floats order as their bits do)
    below = scratch("log_below", np.int32, size)
    np.subtract(mantissa_bits, _SQRT_HALF.view(np.int32), out=below)
    np.right_shift(below, 31, out=below)
    # the exponent is (bits >> 23) - 0x7f + 1, less 1 if below (small integers: the same in int32 and float32)
    exponent_bits = scratch("log_exponent_bits", np.int32, size)
    np.right_shift(bits, 23, out=exponent_bits)
    np.add(exponent_bits, below, out=exponent_bits)
    exponent = scratch("log_exponent", _F, size)
    np.subtract(exponent_bits, 0x7F - 1, out=exponent)
    # x = (mantissa - 1) + (mantissa if below else +0): 2 mantissa - 1 or mantissa - 1
    x = scratch("log_x", _F, size)
    np.subtract(mantissa, _ONE, out=x)
    np.bitwise_and(mantissa_bits, below, out=below)
    np.add(x, below.view(_F), out=x)
    z = scratch("log_z", _F, size)
    np.multiply(x, x, out=z)
    x_wide = scratch("log_x_wide", np.float64, size)
    np.copyto(x_wide, x)
    y = _polynomial(_LOG_POLYNOMIAL, x_wide, scratch, "log_polynomial", check)
    wide = scratch("log_polynomial_wide", np.float64, size)
    np.multiply(y, x_wide, out=wide)                          # the float32 product, rounded just below
    scratch.fma.round(wide, y)
    z_wide = scratch("log_z_wide", np.float64, size)
    np.copyto(z_wide, z)
    addend = scratch("log_addend", _F, size)
    np.multiply(exponent, _LOG_Q1, out=addend)
    addend_wide = scratch("log_addend_wide", np.float64, size)
    np.copyto(addend_wide, addend)
    scratch.fma(y, z_wide, addend_wide, out=wide, check=check, single=y)
    np.multiply(z, _HALF, out=z)
    np.subtract(y, z, out=y)
    np.add(x, y, out=x)
    np.multiply(exponent, _LOG_Q2, out=exponent)
    np.add(x, exponent, out=x)
    return x


def sincos256(x, scratch, check=False):
    """sincos256_ps for float32 x in [0, 2 pi): (sin, cos), scratch arrays."""
    size = x.shape[0]
    octant = scratch("trig_octant", np.int32, size)
    scaled = scratch("trig_scaled", _F, size)
    np.multiply(x, _FOUR_OVER_PI, out=scaled)
    np.copyto(octant, scaled, casting="unsafe")         # truncation, as _mm256_cvttps_epi32
    np.add(octant, 1, out=octant)
    np.bitwise_and(octant, ~1, out=octant)
    y = scratch("trig_y", _F, size)
    np.copyto(y, octant, casting="unsafe")
    # sign flips and the swap of the two polynomials, as bit masks (xor with the sign bit negates a float)
    sin_sign = scratch("trig_sin_sign", np.int32, size)
    np.bitwise_and(octant, 4, out=sin_sign)
    np.left_shift(sin_sign, 29, out=sin_sign)
    cos_sign = scratch("trig_cos_sign", np.int32, size)
    np.subtract(octant, 2, out=cos_sign)
    np.invert(cos_sign, out=cos_sign)
    np.bitwise_and(cos_sign, 4, out=cos_sign)
    np.left_shift(cos_sign, 29, out=cos_sign)
    swapped = scratch("trig_swapped", np.int32, size)   # all ones in octants 1, 2 (mod 4): sin and cos swap
    np.bitwise_and(octant, 2, out=swapped)
    np.right_shift(swapped, 1, out=swapped)
    np.negative(swapped, out=swapped)
    # the extended-precision reduction x - y pi/4 in three parts; y DP1 and y DP2 are exact products
    reduced = scratch("trig_reduced", _F, size)
    np.multiply(y, _MINUS_DP1, out=reduced)
    np.add(x, reduced, out=reduced)
    np.multiply(y, _MINUS_DP2, out=scaled)
    np.add(reduced, scaled, out=reduced)
    y_wide = scratch("trig_y_wide", np.float64, size)
    np.copyto(y_wide, y)
    reduced_wide = scratch("trig_reduced_wide", np.float64, size)
    np.copyto(reduced_wide, reduced)
    x_wide = scratch("trig_x_wide", np.float64, size)
    scratch.fma(y_wide, np.float64(_MINUS_DP3), reduced_wide, out=x_wide, check=check)
    z = scratch("trig_z", _F, size)
    np.copyto(reduced, x_wide, casting="unsafe")
    np.multiply(reduced, reduced, out=z)
    z_wide = scratch("trig_z_wide", np.float64, size)
    np.copyto(z_wide, z)
    minus_half_z = scratch("trig_minus_half_z", np.float64, size)
    np.multiply(z, -_HALF, out=scaled)
    np.copyto(minus_half_z, scaled)

    wide = scratch("trig_wide", np.float64, size)
    cos = _polynomial(_COS_POLYNOMIAL, z_wide, scratch, "trig_cos", check)
    np.multiply(cos, z_wide, out=wide)
    scratch.fma.round(wide, cos)
    scratch.fma(cos, z_wide, minus_half_z, out=wide, check=check, single=cos)
    np.add(cos, _ONE, out=cos)

    sin = _polynomial(_SIN_POLYNOMIAL, z_wide, scratch, "trig_sin", check)
    np.multiply(sin, z_wide, out=wide)
    scratch.fma.round(wide, sin)
    scratch.fma(sin, x_wide, x_wide, out=wide, check=check, single=sin)

    sin_bits, cos_bits = sin.view(np.int32), cos.view(np.int32)
    difference = scratch("trig_difference", np.int32, size)
    np.bitwise_xor(sin_bits, cos_bits, out=difference)
    np.bitwise_and(difference, swapped, out=difference)
    np.bitwise_xor(sin_bits, difference, out=sin_bits)
    np.bitwise_xor(sin_bits, sin_sign, out=sin_bits)
    np.bitwise_xor(cos_bits, difference, out=cos_bits)
    np.bitwise_xor(cos_bits, cos_sign, out=cos_bits)
    return sin, cos


class BoxMuller:
    """normal_fill_16_AVX2 over blocks of 16 raw 32-bit draws, for one mean and std; holds its scratch arrays, so
    one instance serves one thread."""

    def __init__(self, mean, std, rows):
        self.mean, self.std = _F(mean), _F(std)
        self.scratch = _Scratch(rows * 8)

    def __call__(self, words, out):
        """words: uint32 (rows, 16), the draws; out: float32 (rows, 16), the normals (it may be words' memory)."""
        rows = words.shape[0]
        size = rows * 8
        scratch = self.scratch
        # each row's two halves of 8 words moved as one 32-byte item: a copy NumPy makes in one strided loop
        first, second = scratch("first", np.uint32, size), scratch("second", np.uint32, size)
        first.view(_EIGHT_WORDS)[...] = words.view(_EIGHT_WORDS)[:, 0]
        second.view(_EIGHT_WORDS)[...] = words.view(_EIGHT_WORDS)[:, 1]
        # u = (w & 0xffffff) / 2**24; u1 = 1 - u = (2**24 - (w & 0xffffff)) / 2**24, exact
        np.bitwise_and(first, _FLOAT_MASK, out=first)
        np.subtract(np.uint32(1 << 24), first, out=first)
        u1 = scratch("u1", _F, size)
        np.copyto(u1, first, casting="unsafe")
        np.multiply(u1, _UNIFORM_SCALE, out=u1)
        np.bitwise_and(second, _FLOAT_MASK, out=second)
        theta = scratch("theta", _F, size)
        np.copyto(theta, second, casting="unsafe")
        np.multiply(theta, _UNIFORM_SCALE, out=theta)
        np.multiply(theta, _TWO_PI, out=theta)

        radius = log256(u1, scratch)
        np.multiply(radius, _MINUS_TWO, out=radius)
        np.sqrt(radius, out=radius)
        sin, cos = sincos256(theta, scratch)
        for half, trig in ((0, cos), (1, sin)):
            np.multiply(radius, trig, out=trig)
            self._affine(trig)
            out.view(_EIGHT_WORDS)[:, half] = trig.view(_EIGHT_WORDS)

    def _affine(self, normals):
        """normals * std + mean, fused, in place."""
        mean, std = self.mean, self.std
        if std == _ONE and mean == 0:
            np.add(normals, mean, out=normals)       # fma(n, 1, 0): n, with -0 turned to +0 as the fused add does
        elif mean == 0:
            np.multiply(normals, std, out=normals)   # fma(n, std, 0) rounds the product once, then adds +0
            np.add(normals, mean, out=normals)
        else:
            size = normals.shape[0]
            wide = self.scratch("affine", np.float64, size)
            np.copyto(wide, normals)
            self.scratch.fma(wide, np.float64(std), np.float64(mean), out=self.scratch("affine_sum", np.float64, size),
                             single=normals)
