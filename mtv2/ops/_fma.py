"""Fused multiply-add (a * b + c rounded once), which NumPy lacks, for kernels that must reproduce torch's compiled
code where the compiler fused a multiply and an add.

float32: the product of two floats is exact in float64 and the sum is rounded once to float64, so rounding that to
float32 is right except when the float64 sum falls exactly halfway between two floats while the exact sum did not
(a double rounding, about one case in 2**29): those few elements are redone with the sum's rounding error known.
(A plain float32 +, -, * or sqrt computed in float64 and rounded to float32 is always right: 53 >= 2 * 24 + 2.)
float64: Dekker's exact product and Knuth's exact sum, then the Boldo-Melquiond sum rounded to odd.
"""
import numpy as np

_LOW_BITS_SHIFT = np.uint64(35)                # shifted left by this, the 29 mantissa bits a float32 drops lead
_HALFWAY = np.uint64(1 << 63)                  # ... and read 100...0 exactly when the double is a float32 midpoint


def _two_sum(a, b):
    """s, e with s = fl(a + b) and a + b == s + e exactly."""
    s = a + b
    b_part = s - a
    return s, (a - (s - b_part)) + (b - b_part)


def fma32_wide(a, b, c):
    """float32 a * b + c rounded once, for float32 values carried in float64 (arrays or scalars): the result is a
    float64 array holding the float32 value. Kernels chaining several fused steps stay in float64 this way."""
    total = np.multiply(a, b)
    total += c
    halfway = (total.view(np.uint64) << _LOW_BITS_SHIFT) == _HALFWAY
    if np.count_nonzero(halfway):   # (faster than any() on a bool array)
        exact_product = np.broadcast_to(np.multiply(a, b), total.shape)[halfway]
        addend = np.broadcast_to(np.asarray(c, np.float64), total.shape)[halfway]
        rounded, error = _two_sum(exact_product, addend)
        # off the midpoint towards the exact sum, so the rounding to float32 goes the way a single rounding goes
        total[halfway] = np.where(error == 0, rounded, np.nextafter(rounded, np.copysign(np.inf, error)))
    return total.astype(np.float32).astype(np.float64)


def fma32(a, b, c):
    """float32 a * b + c rounded once (float32 arrays or scalars; the result is a float32 array)."""
    wide = [np.asarray(x, np.float64) if np.ndim(x) else np.float64(x) for x in (a, b, c)]
    return fma32_wide(*wide).astype(np.float32)


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
