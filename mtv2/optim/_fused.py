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
from ..autograd import grad_mode
from ..ops import _parallel

__all__ = ["add_scaled", "add_scaled_", "addcmul_", "addcmul", "lerp_scalar_", "scale_"]

_DEKKER_SPLIT = 134217729.0   # 2**27 + 1: splits a float64 into two 26-bit halves


def _fma(a, b, c):
    """a * b + c rounded once, elementwise, in the dtype of the arrays (float32 or float64)."""
    dtype = np.result_type(a, b, c)
    if dtype == np.float32 or dtype == np.float16:
        # a float32 product is exact in float64; the sum then rounds to float64 and to float32, which
        # differs from a single rounding only at exact float32 ties of the float64 result (vanishingly rare).
        return _fma_through_float64(a, b, c, dtype)
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


_CHUNK = 1 << 15   # elements per float64 block: the block stays in the CPU cache between its three passes


def _fma_through_float64(a, b, c, dtype):
    """a * b + c for float32/float16: the product is exact in float64, the sum rounds in float64, then to dtype.
    Computed in cache-sized blocks through one float64 buffer; the same operations element by element as
    ((a * b) in float64 + c).astype(dtype), so the same values, without full-size float64 temporaries."""
    shape = np.broadcast_shapes(np.shape(a), np.shape(b), np.shape(c))
    result = np.empty(shape, dtype)
    flat = result.reshape(-1)
    # operands as flat arrays over the result's elements (0-d ones stay scalars, broadcast per block)
    a, b, c = (x if np.ndim(x) == 0 else np.broadcast_to(x, shape).reshape(-1) for x in (a, b, c))
    buffer = np.empty(min(_CHUNK, flat.size), np.float64)
    for start in range(0, flat.size, _CHUNK):
        block = slice(start, start + _CHUNK)
        target = flat[block]
        _fma_into(target, *(x if np.ndim(x) == 0 else x[block] for x in (a, b, c)), buffer[:len(target)])
    return result


def _fma_into(target, a, b, c, exact):
    """target = a * b + c rounded once, for a float32/float16 target: the product is exact in float64 (in `exact`,
    a float64 buffer of target's size), the sum rounds in float64, then to target's dtype."""
    np.multiply(a, b, out=exact, dtype=np.float64)
    np.add(exact, c, out=exact)
    np.copyto(target, exact, casting="same_kind")
    return target


def _array(tensor):
    return tensor.detach().numpy()


def _write(tensor, result):
    """tensor.copy_(result array): written straight into its storage when nothing records autograd (the
    optimizers step under no_grad), else through copy_ so that a differentiable step records it."""
    if grad_mode.state.enabled or tensor._inference or result.dtype != tensor._data.dtype:
        tensor.copy_(creation.tensor(result, dtype=tensor.dtype))
    else:
        np.copyto(tensor._data, result, casting="unsafe")
        tensor._version_counter.value += 1
    return tensor


def add_scaled(tensor, other, alpha):
    """tensor.add(other, alpha=alpha) with torch's single rounding; a new tensor."""
    scalar = np.asarray(alpha, dtype=_array(tensor).dtype)
    return creation.tensor(_fma(_array(other), scalar, _array(tensor)), dtype=tensor.dtype)


def add_scaled_(tensor, other, alpha):
    """tensor.add_(other, alpha=alpha) with torch's single rounding."""
    scalar = np.asarray(alpha, dtype=_array(tensor).dtype)
    return _write(tensor, _fma(_array(other), scalar, _array(tensor)))


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
    return _write(tensor, result)


def addcmul(tensor, tensor1, tensor2, value=1):
    """tensor.addcmul(tensor1, tensor2, value=value) with torch's fused rounding; a new tensor."""
    start = _array(tensor)
    return creation.tensor(_addcmul_array(start, tensor1, tensor2, value), dtype=tensor.dtype)


def _addcmul_array(start, tensor1, tensor2, value):
    scalar = np.asarray(value, dtype=start.dtype)
    scaled = (scalar * _array(tensor1)).astype(start.dtype, copy=False)
    return _fma(scaled, _array(tensor2), start)


def addcmul_(tensor, tensor1, tensor2, value=1):
    """tensor.addcmul_(tensor1, tensor2, value=value) with torch's fused rounding."""
    return _write(tensor, _addcmul_array(_array(tensor), tensor1, tensor2, value))


def scale_(tensor, factor):
    """tensor.mul_(factor) for a Python float: in place in the tensor's own buffer when nothing records autograd
    (np.multiply with the float kept "weak" is exactly the float32/float64 mul kernel), else through mul_."""
    data = tensor._data
    if (grad_mode.state.enabled or tensor._inference or type(factor) is not float
            or data.dtype not in (np.float32, np.float64)):
        return tensor.mul_(factor)
    np.multiply(data, factor, out=data)
    tensor._version_counter.value += 1
    return tensor


# ---------------------------------------------------------------- Adam's whole update, block by block

def adam_update_fits(param, grad, *states):
    """Whether adam_update_ applies: float32 tensors of one shape, contiguous, under no autograd recording."""
    if grad_mode.state.enabled:
        return False
    tensors = (param, grad) + states
    return all(t._data.dtype == np.float32 and t._data.shape == param._data.shape and t._data.flags.c_contiguous
               and not t._inference for t in tensors)


def adam_update_(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, *, lr, beta1, beta2, eps, weight_decay,
                 decoupled, bias_correction2_sqrt, step_size):
    """One step of torch's _single_tensor_adam on float32 tensors (grad already negated under maximize), in place.
    Each block runs exactly the operations of the op-by-op path (Adam._update): the same NumPy calls in the same
    order, so the same bits, but one pass over memory instead of one per operation and no full-size temporaries;
    the blocks are shared among mtv2's threads (_parallel.over_blocks)."""
    decay = 1 - lr * weight_decay
    weight_decay32 = np.float32(weight_decay)
    lerp_weight = np.float32(1 - beta1)
    lerp_small = abs(float(lerp_weight)) < 0.5
    lerp_factor = lerp_weight if lerp_small else lerp_weight - np.float32(1)
    square_weight = np.float32(1 - beta2)

    def update(p_b, g_b, m_b, v_b, v_max_b=None):
        exact = np.empty(len(p_b), np.float64)   # _fma_into's float64 buffer
        if weight_decay != 0:
            if decoupled:
                np.multiply(p_b, decay, out=p_b)
            else:                                                    # grad = grad.add(param, alpha=weight_decay)
                g_b = _fma_into(np.empty_like(g_b), p_b, weight_decay32, g_b, exact)
        work = np.subtract(g_b, m_b)                                 # exp_avg.lerp_(grad, 1 - beta1)
        _fma_into(m_b, lerp_factor, work, m_b if lerp_small else g_b, exact)
        np.multiply(v_b, beta2, out=v_b)                             # exp_avg_sq.mul_(beta2)
        np.multiply(square_weight, g_b, out=work)                    #   .addcmul_(grad, grad, 1 - beta2)
        _fma_into(v_b, work, g_b, v_b, exact)
        if v_max_b is not None:
            np.maximum(v_max_b, v_b, out=v_max_b)
        denom = np.sqrt(v_max_b if v_max_b is not None else v_b)    # (v.sqrt() / bias_correction2_sqrt).add_(eps)
        np.true_divide(denom, bias_correction2_sqrt, out=denom)
        np.add(denom, eps, out=denom)
        np.multiply(-step_size, m_b, out=work)                       # param.addcdiv_(exp_avg, denom, -step_size)
        np.true_divide(work, denom, out=work)
        np.add(p_b, work, out=p_b)

    states = (exp_avg, exp_avg_sq) + ((max_exp_avg_sq,) if max_exp_avg_sq is not None else ())
    _parallel.over_blocks(update, param._data, grad._data, *(t._data for t in states))
    for t in (param,) + states:
        t._version_counter.value += 1
