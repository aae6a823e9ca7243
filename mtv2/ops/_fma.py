"""Fused multiply-add (a * b + c rounded once), which NumPy lacks, for kernels that must reproduce torch's compiled
code where the compiler fused a multiply and an add.

float32: the product of two floats is exact in float64 and the sum is rounded once to float64, so rounding that to
float32 is right except when the float64 sum falls exactly halfway between two floats while the exact sum did not
(a double rounding, about one case in 2**29): those few elements are redone with the sum's rounding error known.
(A plain float32 +, -, * or sqrt computed in float64 and rounded to float32 is always right: 53 >= 2 * 24 + 2.)
float64: Dekker's exact product and Knuth's exact sum, then the Boldo-Melquiond sum rounded to odd.
"""
import numpy as np

_DROPPED_BITS = np.uint64((1 << 29) - 1)       # the 29 mantissa bits of a double that a float32 drops
_MIDPOINT = np.uint64(1 << 28)                 # ... read 100...0 exactly when the double is a float32 midpoint


def _two_sum(a, b):
    """s, e with s = fl(a + b) and a + b == s + e exactly."""
    s = a + b
    b_part = s - a
    return s, (a - (s - b_part)) + (b - b_part)


class Fma32:
    """float32 a * b + c rounded once, over 1-D arrays of float32 values (float32, or float64 carrying them), with
    the scratch arrays made once for a block size: a kernel of many fused steps, run block after block, allocates
    nothing per step."""

    def __init__(self, size):
        self._bits = np.empty(size, np.uint64)
        self._midpoints = np.empty(size, np.bool_)
        self._single = np.empty(size, np.float32)

    def __call__(self, a, b, c, out, check=True, single=None):
        """out = a * b + c rounded once to float32, held in float64 (a, b, c: arrays or scalars whose products are
        exact in float64, none of them `out`); with `single` (a float32 array, which may be `a`) the result goes
        there instead, `out` keeping the unrounded sum.
        check=False skips the search for double roundings: only where the float64 sum is known to be exact (or
        every possible input has been tried)."""
        np.multiply(a, b, out=out)
        np.add(out, c, out=out)
        if check:
            size = out.shape[0]
            bits, midpoints = self._bits[:size], self._midpoints[:size]
            np.bitwise_and(out.view(np.uint64), _DROPPED_BITS, out=bits)
            np.equal(bits, _MIDPOINT, out=midpoints)
            if np.count_nonzero(midpoints):   # (faster than any() on a bool array)
                _off_midpoints(a, b, c, out, midpoints)
        return self.round(out, out if single is None else single)

    def round(self, wide, out):
        """out = the float64 values of `wide` rounded to float32 (out may be wide itself, or a float32 array)."""
        if out.dtype == np.float32:
            np.copyto(out, wide, casting="unsafe")
            return out
        single = self._single[:wide.shape[0]]
        np.copyto(single, wide, casting="unsafe")
        np.copyto(out, single)
        return out


def _off_midpoints(a, b, c, total, midpoints):
    """Moves the float64 sums sitting on a float32 midpoint off it, towards the exact sum, so that the rounding to
    float32 goes the way a single rounding goes."""
    def picked(x):
        return x[midpoints] if np.ndim(x) else x
    rounded, error = _two_sum(np.multiply(picked(a), picked(b), dtype=np.float64), picked(c))
    total[midpoints] = np.where(error == 0, rounded, np.nextafter(rounded, np.copysign(np.inf, error)))


def fma32_wide(a, b, c):
    """float32 a * b + c rounded once, for float32 values carried in float64 (arrays or scalars, broadcast): a
    float64 array holding the float32 values."""
    a, b, c = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(b, np.float64), np.asarray(c, np.float64))
    out = np.empty(a.size, np.float64)
    flat = [np.ascontiguousarray(x).reshape(-1) for x in (a, b, c)]
    return Fma32(a.size)(*flat, out=out).reshape(a.shape)


def fma32(a, b, c):
    """float32 a * b + c rounded once (float32 arrays or scalars; the result is a float32 array)."""
    return fma32_wide(a, b, c).astype(np.float32)


def _split(a):
    scaled = a * 134217729.0   # 2**27 + 1: Veltkamp's split into two 26-bit halves
    high = scaled - (scaled - a)
    return high, a - high


def _two_product(a, b):
    """p, e with p = fl(a * b) and a * b == p + e exactly (no fused multiply-add needed)."""
    product = a * b
    a_high, a_low = _split(a)
    b_high, b_low = _split(b)
    return product, ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low


def _sum_rounded_to_odd(a, b):
    total, error = _two_sum(a, b)
    inexact_even = (error != 0) & ((total.view(np.uint64) & np.uint64(1)) == 0)
    if inexact_even.any():
        total[inexact_even] = np.nextafter(total[inexact_even], np.copysign(np.inf, error[inexact_even]))
    return total


def fma64(a, b, c):
    """float64 a * b + c rounded once (Boldo and Melquiond: round(s + round_to_odd(t + e)))."""
    a, b, c = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(b, np.float64), np.asarray(c, np.float64))
    product, product_error = _two_product(a, b)
    total, sum_error = _two_sum(c, product)
    return total + _sum_rounded_to_odd(sum_error, product_error)
