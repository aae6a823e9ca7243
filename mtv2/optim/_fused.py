"""The updates whose rounding torch's CPU kernels fuse, done the same way here, so that optimizer
trajectories match torch's bit for bit wherever NumPy allows.

torch's `add(other, alpha=a)` kernel computes fmadd(other, a, self), `addcmul(t1, t2, value=v)` computes
fmadd(v * t1, t2, self) and `lerp(end, weight)` computes fmadd(weight, end - self, self) (or
fmadd(weight - 1, end - self, end) for weight >= 0.5): one rounding where the written-out formula rounds
twice. Measured on torch 2.13 CPU (AVX2) for every length, vector lanes and tails alike; addcdiv is not
fused. An optimizer applies these updates at every step to every element, so one rounding more shows up
as last-ulp drift within a few steps. (torch's float sqrt is not correctly rounded either -- about one
result in six is an ulp off NumPy's, likely MKL's vector math -- so Adam, RMSprop and Adagrad still drift
by an ulp now and then; that part cannot be reproduced with NumPy.)
(mtv2's general add/addcmul/lerp kernels round twice; this module is where the optimizers get torch's order.)
"""
import numpy as np

from .. import creation

__all__ = ["add_scaled", "add_scaled_", "addcmul_", "addcmul", "lerp_scalar_"]

_DEKKER_SPLIT = 134217729.0   # 2**27 + 1: splits a float64 into two 26-bit halves


def _fma(a, b, c):
    """a * b + c rounded once, elementwise, in the dtype of the arrays (float32 or float64)."""
    dtype = np.result_type(a, b, c)
    if dtype == np.float32 or dtype == np.float16:
        # a float32 product is exact in float64; the sum then rounds to float64 and to float32, which
        # differs from a single rounding only at exact float32 ties of the float64 result (vanishingly rare)
        exact = np.asarray(a, np.float64) * np.asarray(b, np.float64) + np.asarray(c, np.float64)
        return exact.astype(dtype)
    a, b, c = (np.asarray(x, np.float64) for x in (a, b, c))
    with np.errstate(over="ignore", invalid="ignore"):
        product = a * b
        # Dekker's TwoProduct: the rounding error of a * b, exactly
        a_big = a * _DEKKER_SPLIT
        a_high = a_big - (a_big - a)
        a_low = a - a_high
        b_big = b * _DEKKER_SPLIT
        b_high = b_big - (b_big - b)
        b_low = b - b_high
        product_error = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low
        # Knuth's TwoSum: the rounding error of product + c, exactly
        total = product + c
        virtual = total - product
        sum_error = (product - (total - virtual)) + (c - virtual)
        fused = total + (sum_error + product_error)
    # where the error terms are not finite (overflow, inf or nan inputs) the plain result is the answer
    return np.where(np.isfinite(fused), fused, product + c)


def _array(tensor):
    return tensor.detach().numpy()


def add_scaled(tensor, other, alpha):
    """tensor.add(other, alpha=alpha) with torch's single rounding; a new tensor."""
    scalar = np.asarray(alpha, dtype=_array(tensor).dtype)
    return creation.tensor(_fma(_array(other), scalar, _array(tensor)), dtype=tensor.dtype)


def add_scaled_(tensor, other, alpha):
    """tensor.add_(other, alpha=alpha) with torch's single rounding."""
    scalar = np.asarray(alpha, dtype=_array(tensor).dtype)
    tensor.copy_(creation.tensor(_fma(_array(other), scalar, _array(tensor)), dtype=tensor.dtype))
    return tensor


def lerp_scalar_(tensor, end, weight):
    """tensor.lerp_(end, weight) for a Python weight, with torch's fused formula."""
    start = _array(tensor)
    end = np.broadcast_to(_array(end), start.shape)
    w = np.asarray(weight, dtype=start.dtype)          # torch computes with the weight in the tensor's type
    difference = end - start
    if abs(float(w)) < 0.5:
        result = _fma(w, difference, start)
    else:
        result = _fma(w - np.asarray(1, dtype=start.dtype), difference, end)
    tensor.copy_(creation.tensor(result, dtype=tensor.dtype))
    return tensor


def addcmul(tensor, tensor1, tensor2, value=1):
    """tensor.addcmul(tensor1, tensor2, value=value) with torch's fused rounding; a new tensor."""
    start = _array(tensor)
    scalar = np.asarray(value, dtype=start.dtype)
    scaled = (scalar * _array(tensor1)).astype(start.dtype)
    return creation.tensor(_fma(scaled, _array(tensor2), start), dtype=tensor.dtype)


def addcmul_(tensor, tensor1, tensor2, value=1):
    """tensor.addcmul_(tensor1, tensor2, value=value) with torch's fused rounding."""
    tensor.copy_(addcmul(tensor, tensor1, tensor2, value))
    return tensor
