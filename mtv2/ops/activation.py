"""Activations: softmax and log_softmax (fused kernels with their own rules), gelu, and the pointwise
activations of torch.nn.functional, with their in-place forms.

The pointwise ones are primitives with rules rather than composites: a composite computes a half input in
half precision step by step, while torch computes the whole activation in float32 and rounds once (as the
registry does for one kernel). Their rules are written with mtv2 ops, so double backward works.
"""
import functools
import math
import warnings

import numpy as np
from scipy import special

from .. import _dtype
from .._random import generator_or_default
from .._tensor import Tensor, _wrap_dim
from . import _draws, _parallel, reduction
from ._erf32 import erf_into
from ._registry import RAW, op
from ._surface import public
from .elementwise import exp, neg, relu, sigmoid, tanh, where
from .joining import cat
from .inplace import apply_inplace


def _refuse_non_floating(a, kernel_name):
    """torch's activation kernels are dispatched for floating types only: integers and bool raise."""
    if a.dtype.kind != "f":
        raise NotImplementedError(f'"{kernel_name}" not implemented for \'{_dtype.scalar_type_name(a.dtype.name)}\'')


def _check_tensor(input, name):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")


# ================================================================ softmax, log_softmax

def _along(kernel, a, dim):
    """Run a kernel reducing along `dim`; a 0-d input is a one-element row."""
    if a.ndim == 0:
        return kernel(a.reshape(1), 0).reshape(())
    return kernel(a, dim)


def _shifted(a, dim, out=None):
    # Subtract the row max before exp so it never overflows. A row of -inf (or one holding +inf) becomes NaN,
    # which is what torch gives.
    with np.errstate(invalid="ignore"):
        return np.subtract(a, np.max(a, axis=dim, keepdims=True), out=out)


# One kernel each, used whole (along any dim: `out` None, a fresh buffer laid out as `a - max` is) and by
# _parallel.over_rows on groups of rows of the last dim (written into `out`; NumPy's error state is per thread, hence
# set inside). In-place ufuncs: the same operations in the same order as the written-out formulas, so the same
# values, with fewer full-size temporaries.

def _softmax_rows(a, dim, out=None):
    exponentials = _shifted(a, dim, out)
    np.exp(exponentials, out=exponentials)
    exponentials /= np.sum(exponentials, axis=dim, keepdims=True)
    return exponentials


def _log_softmax_rows(a, dim, out=None):
    shifted = _shifted(a, dim, out)
    with np.errstate(divide="ignore"):
        shifted -= np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))
        return shifted


def _last_dim_into(kernel):
    """kernel(a, dim, out) as over_rows calls it: out first, rows of the last dim."""
    return lambda out, a: kernel(a, -1, out)


def _rows_in_parallel(kernel_into, whole, a, dim, *others):
    """kernel_into over row groups on the threads when dim is the last one and the layout allows; else whole()."""
    if a.ndim and dim == a.ndim - 1:
        out = np.empty(a.shape, a.dtype)
        if _parallel.over_rows(kernel_into, out, a, *others):
            return out
    return whole()


def _softmax_kernel_name(a, dim, prefix):
    # torch names the kernel it would have run: the last-dim kernel for the last dim (and 0-d inputs)
    return f"{prefix}_lastdim_kernel_impl" if dim == max(a.ndim - 1, 0) else f"{prefix}_kernel_impl"


@op("softmax", saves=("result", "dim"))
def _softmax(a, dim):
    if a.size == 0:
        return a.copy()  # torch returns an empty input before dispatching on its dtype (even an integer one)
    _refuse_non_floating(a, _softmax_kernel_name(a, dim, "softmax"))
    return _rows_in_parallel(_last_dim_into(_softmax_rows), lambda: _along(_softmax_rows, a, dim), a, dim)


@_softmax.vjp
def _(g, out, dim):
    return out * (g - reduction.sum(g * out, dim, keepdim=True))


def _log_softmax_rows_half_lastdim(a, dim, half_type):
    # torch's last-dim kernel for float16/bfloat16 keeps the row's sum of exponentials and its log in the half
    # type (rounded twice), then computes x - max - log_sum in float32 and rounds: matched here exactly
    def rounded(values):
        return values.astype(half_type).astype(np.float32)
    shifted = _shifted(a, dim)
    with np.errstate(divide="ignore"):
        log_sum = rounded(np.log(rounded(np.sum(np.exp(shifted), axis=dim, keepdims=True))))
    return shifted - log_sum


@op("log_softmax", promotion=RAW, saves=("result", "dim"))  # RAW: the kernel must know a half input to round like torch
def _log_softmax(a, dim):
    if a.size == 0:
        return a.copy()
    if not _dtype.from_numpy_dtype(a.dtype).is_floating_point:
        _refuse_non_floating(a, _softmax_kernel_name(a, dim, "log_softmax"))
    if a.dtype.itemsize > 2:
        return _rows_in_parallel(_last_dim_into(_log_softmax_rows), lambda: _along(_log_softmax_rows, a, dim), a,
                                 dim)
    computed = a.astype(np.float32)  # half types compute in float32, as torch's kernels do
    if dim == max(a.ndim - 1, 0):
        return _along(functools.partial(_log_softmax_rows_half_lastdim, half_type=a.dtype), computed,
                      dim).astype(a.dtype)
    return _along(_log_softmax_rows, computed, dim).astype(a.dtype)


@_log_softmax.vjp
def _(g, out, dim):
    return _log_softmax_backward(g, out, dim=dim)


@op("log_softmax_backward", saves=("g", "log_probabilities", "dim"))
def _log_softmax_backward(g, log_probabilities, dim):
    """g - exp(log_probabilities) * sum(g, dim): one kernel, two full-size passes and one buffer (cross_entropy
    over a large vocabulary spends its backward here), the same operations in the same order as the formula.
    (The operand is not called `out`: in a rule that name means the op's own result.)"""
    def whole():
        return _along(lambda rows, axis: _log_softmax_backward_rows(g.reshape(rows.shape), rows, axis),
                      log_probabilities, dim)
    if g.dtype != log_probabilities.dtype:
        return whole()
    return _rows_in_parallel(lambda out, rows, g_rows: _log_softmax_backward_rows(g_rows, rows, -1, out),
                             whole, log_probabilities, dim, g)


def _log_softmax_backward_rows(g, log_probabilities, dim, out=None):
    scaled = np.exp(log_probabilities, out=out)
    scaled *= np.sum(g, axis=dim, keepdims=True)
    return np.subtract(g, scaled, out=scaled)


@_log_softmax_backward.vjp
def _(h, g, log_probabilities, dim):
    # the derivatives the written-out formula g - exp(out) * sum(g) would record, in its order of operations
    minus_h = neg(h)
    exponentials = exp(log_probabilities)
    grad_log_probabilities = (minus_h * reduction.sum(g, dim, keepdim=True)) * exponentials
    grad_g = h + reduction.sum(minus_h * exponentials, dim, keepdim=True)
    return grad_g, grad_log_probabilities


def _softmax_call(kernel, input, dim, dtype, name):
    _check_tensor(input, name)
    if isinstance(dim, bool) or not isinstance(dim, int):
        raise TypeError(f"{name}(): argument 'dim' (position 2) must be int, not {type(dim).__name__}")
    dim = _wrap_dim(dim, input.ndim, name)
    if dtype is not None:
        input = input.to(dtype)  # torch casts the input first; the result (and the computation) is in dtype
    return kernel(input, dim=dim)


@public(method=True)
def softmax(input, dim, dtype=None):
    """torch.softmax(input, dim, dtype=None)."""
    return _softmax_call(_softmax, input, dim, dtype, "softmax")


@public(method=True)
def log_softmax(input, dim, dtype=None):
    """torch.log_softmax(input, dim, dtype=None)."""
    return _softmax_call(_log_softmax, input, dim, dtype, "log_softmax")


def _implicit_dim(name, ndim):
    # nn.functional's legacy default: dim 0 for 0-, 1- and 3-d inputs, else dim 1, with torch's warning
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X "
                  "as an argument.", stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


@public("softmax", function=False, functional=True)
def functional_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """torch.nn.functional.softmax: calls input.softmax, so a non-tensor raises AttributeError as in torch."""
    dim = _implicit_dim("softmax", input.dim()) if dim is None else dim
    return input.softmax(dim, dtype=dtype)


@public("log_softmax", function=False, functional=True)
def functional_log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """torch.nn.functional.log_softmax."""
    dim = _implicit_dim("log_softmax", input.dim()) if dim is None else dim
    return input.log_softmax(dim, dtype=dtype)


@public(function=False, functional=True)
def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """torch.nn.functional.softmin: softmax of the negated input (a composite)."""
    dim = _implicit_dim("softmin", input.dim()) if dim is None else dim
    return (-input).softmax(dim, dtype=dtype)


# ================================================================ gelu

_SQRT1_2 = 1 / math.sqrt(2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_TANH_BETA = math.sqrt(2 / math.pi)
_TANH_KAPPA = 0.044715


def _check_approximate(approximate):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("gelu: approximate argument must be either none or tanh.")


@op("gelu", extra_outputs=("one_plus_erf",), saves=("a", "one_plus_erf", "approximate"))
def _gelu(a, approximate="none"):
    _refuse_non_floating(a, "GeluKernelImpl")
    if approximate == "tanh":
        inner = _TANH_BETA * (a + _TANH_KAPPA * (a * a * a))
        return 0.5 * a * (1 + np.tanh(inner))
    # (gelu(a), 1 + erf(a / sqrt 2)): the second output spares the backward its erf, the costliest part of both
    result, one_plus_erf = np.empty(a.shape, a.dtype), np.empty(a.shape, a.dtype)
    _parallel.over_blocks(_gelu_into, result, one_plus_erf, a)
    return result, one_plus_erf


def _erf_of_scaled_into(target, a, scratch=None):
    """target = erf(a / sqrt 2): float32 through mtv2's float32 erf (_erf32: within 4.5e-7, a quarter of scipy's
    time), which may overwrite `scratch`; float64 through scipy's."""
    if a.dtype == np.float32:
        erf_into(target, np.multiply(a, _SQRT1_2, out=scratch))
    else:
        np.multiply(a, _SQRT1_2, out=target)
        special.erf(target, out=target)


def _gelu_into(out, one_plus_erf, a):
    """0.5 * a * (1 + erf(a / sqrt 2)) written into out, and its 1 + erf(a / sqrt 2) into one_plus_erf."""
    _erf_of_scaled_into(one_plus_erf, a, scratch=out)   # out: scratch until the end
    one_plus_erf += 1
    np.multiply(a, 0.5, out=out)
    out *= one_plus_erf            # (a * 0.5) * (1 + erf)


@_gelu.vjp
def _(g, a, forward_erf, approximate):
    one_plus_erf = forward_erf._data if forward_erf is not None and forward_erf._data.dtype == g._data.dtype else None
    return _gelu_backward(g, a, approximate=approximate, one_plus_erf=one_plus_erf)


@op("gelu_backward", saves=("grad", "a", "approximate"))
def _gelu_backward(grad, a, approximate="none", one_plus_erf=None):
    """grad * gelu'(a): an op of its own (as in torch) so that its own rule gives the second derivative.
    one_plus_erf: the forward's 1 + erf(a / sqrt 2), when it kept it (the same values this would compute)."""
    if approximate == "tanh":
        tanh_inner = np.tanh(_TANH_BETA * (a + _TANH_KAPPA * (a * a * a)))
        inner_derivative = _TANH_BETA * (1 + 3 * _TANH_KAPPA * (a * a))
        return grad * (0.5 * (1 + tanh_inner) + 0.5 * a * (1 - tanh_inner * tanh_inner) * inner_derivative)
    result = np.empty(np.broadcast_shapes(np.shape(grad), a.shape), np.result_type(grad, a))
    kept = (one_plus_erf,) if one_plus_erf is not None and one_plus_erf.shape == result.shape else ()
    _parallel.over_blocks(_gelu_backward_into, result, grad, a, *kept)
    return result


def _gelu_backward_into(out, grad, a, one_plus_erf=None):
    """grad * (cdf + a * pdf), cdf = 0.5 * (1 + erf(a / sqrt 2)), pdf = exp(-a * a / 2) / sqrt(2 pi), into out."""
    if one_plus_erf is None:
        _erf_of_scaled_into(out, a)
        out += 1
    else:
        np.copyto(out, one_plus_erf)
    out *= 0.5
    pdf = np.multiply(a, -0.5)
    pdf *= a
    np.exp(pdf, out=pdf)
    pdf *= _INV_SQRT_2PI
    pdf *= a
    out += pdf
    np.multiply(grad, out, out=out)


@_gelu_backward.vjp
def _(g, grad, a, approximate):
    if approximate == "tanh":
        tanh_inner = tanh(_TANH_BETA * (a + _TANH_KAPPA * (a * a * a)))
        inner_derivative = _TANH_BETA * (1 + 3 * _TANH_KAPPA * (a * a))
        inner_second = (6 * _TANH_BETA * _TANH_KAPPA) * a
        second = (1 - tanh_inner * tanh_inner) * (
            inner_derivative + 0.5 * a * (inner_second - 2 * tanh_inner * inner_derivative * inner_derivative))
    else:
        # d/da (cdf + a pdf) = pdf (2 - a^2)
        second = exp(a * a * -0.5) * _INV_SQRT_2PI * (2 - a * a)
    return _gelu_backward(g, a, approximate=approximate), g * grad * second


@public(function=False, functional=True)
def gelu(input, approximate="none"):
    """torch.nn.functional.gelu: exact (erf) or the tanh approximation."""
    _check_tensor(input, "gelu")
    _check_approximate(approximate)
    result = _gelu(input, approximate=approximate)
    return result[0] if type(result) is tuple else result


# ================================================================ pointwise activations

@op("silu", saves=("a",))
def _silu(a):
    _refuse_non_floating(a, "silu_cpu")
    with np.errstate(over="ignore"):
        return a / (1 + np.exp(-a))


@_silu.vjp
def _(g, a):
    s = sigmoid(a)
    return g * s * (1 + a * (1 - s))


@op("leaky_relu", saves=("a", "negative_slope"))
def _leaky_relu(a, negative_slope=0.01):
    _refuse_non_floating(a, "leaky_relu_cpu")
    return np.where(a > 0, a, a * negative_slope)


@_leaky_relu.vjp
def _(g, a, negative_slope):
    return where(a > 0, g, g * negative_slope)  # at 0 torch takes the negative side


@op("elu", saves=("a", "alpha", "scale", "input_scale"))
def _elu(a, alpha=1.0, scale=1.0, input_scale=1.0):
    """torch's elu kernel, which selu and celu are too: x * scale above 0, expm1(x * input_scale) * alpha * scale
    at or below it (the coefficients multiplied in the computing type first, as torch's kernel does)."""
    _refuse_non_floating(a, "elu_cpu")
    number = a.dtype.type
    negative_coefficient = number(alpha) * number(scale)
    with np.errstate(over="ignore"):
        negative = np.expm1(np.minimum(a, 0) * number(input_scale)) * negative_coefficient
        return np.where(a > 0, a * number(scale), negative)


@_elu.vjp
def _(g, a, alpha, scale, input_scale):
    # at 0 torch takes the exponential side, input_scale * alpha * scale * g, and its double backward is 0 there
    # (elu_double_backward keeps x < 0 only): a constant branch at 0 gives both
    negative_slope = input_scale * (alpha * scale)
    return where(a > 0, g * scale, where(a < 0, g * negative_slope * exp(a * input_scale), g * negative_slope))


@op("softplus", saves=("a", "beta", "threshold"))
def _softplus(a, beta=1.0, threshold=20.0):
    _refuse_non_floating(a, "softplus_cpu")
    scaled = a * beta
    with np.errstate(over="ignore"):
        # torch returns the input itself where beta * x > threshold (softplus is linear there)
        return np.where(scaled > threshold, a, np.log1p(np.exp(scaled)) / beta)


@_softplus.vjp
def _(g, a, beta, threshold):
    scaled = a * beta
    return where(scaled > threshold, g, g * sigmoid(scaled))


@op("hardtanh", saves=("a", "min_val", "max_val"))
def _hardtanh(a, min_val=-1.0, max_val=1.0):
    if a.dtype == np.bool_:
        raise RuntimeError("Bool inputs not supported for hardtanh")
    if a.dtype.kind in "iu":
        min_val, max_val = int(min_val), int(max_val)  # torch truncates the limits to the integer type first
        if a.dtype.kind == "u" and (min_val < 0 or max_val < 0):
            raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits")
    return np.clip(a, min_val, max_val)


@_hardtanh.vjp
def _(g, a, min_val, max_val):
    return g * ((a > min_val) & (a < max_val))  # zero at the limits themselves, as torch


@op("mish", saves=("a",))
def _mish(a):
    _refuse_non_floating(a, "mish_cpu")
    with np.errstate(over="ignore"):
        return a * np.tanh(np.log1p(np.exp(a)))


@_mish.vjp
def _(g, a):
    tanh_softplus = tanh(_softplus(a))
    return g * (tanh_softplus + a * sigmoid(a) * (1 - tanh_softplus * tanh_softplus))


@op("log_sigmoid", saves=("a",))
def _log_sigmoid(a):
    _refuse_non_floating(a, "log_sigmoid_cpu")
    return np.minimum(a, 0) - np.log1p(np.exp(-np.abs(a)))  # never exponentiates a large positive number


@_log_sigmoid.vjp
def _(g, a):
    return g * sigmoid(neg(a))


@op("hardswish", saves=("a",))
def _hardswish(a):
    _refuse_non_floating(a, "hardswish_cpu")
    return a * np.minimum(np.maximum(a + 3, 0), 6) / 6   # torch's order: (x * clamp(x + 3, 0, 6)) / 6


@_hardswish.vjp
def _(g, a):
    # torch's hardswish_backward: 0 up to -3, g * (x / 3 + 0.5) strictly inside, g from 3 on; written so, its own
    # derivative is torch's double backward too (g / 3 strictly inside, 0 at the kinks)
    return where(a <= -3, 0.0, where(a < 3, g * (a / 3 + 0.5), g))


_ONE_SIXTH_FLOAT = float(np.float32(1) / np.float32(6))


@op("hardsigmoid", saves=("a",))
def _hardsigmoid(a):
    _refuse_non_floating(a, "hardsigmoid_cpu")
    return np.minimum(np.maximum(a + 3, 0), 6) / 6


@_hardsigmoid.vjp
def _(g, a):
    # torch multiplies by its one sixth, a float literal (1.0f / 6.0f) whatever the dtype; 0 at the kinks
    return where((a > -3) & (a < 3), g * _ONE_SIXTH_FLOAT, 0.0)


@op("hardshrink", saves=("a", "lambd"))
def _hardshrink(a, lambd=0.5):
    _refuse_non_floating(a, "hardshrink_cpu")
    return np.where((a >= -lambd) & (a <= lambd), 0, a).astype(a.dtype, copy=False)


@_hardshrink.vjp
def _(g, a, lambd):
    return where((a >= -lambd) & (a <= lambd), 0.0, g)


@op("softshrink", saves=("a", "lambd"))
def _softshrink(a, lambd=0.5):
    _refuse_non_floating(a, "softshrink_check")
    lambd = a.dtype.type(lambd)
    # NaN stays NaN (torch's kernel tests isnan first; both comparisons are False for it)
    shrunk = np.where(a > lambd, a - lambd, np.where(a < -lambd, a + lambd, 0)).astype(a.dtype, copy=False)
    return np.where(np.isnan(a), a, shrunk)


@_softshrink.vjp
def _(g, a, lambd):
    return where((a >= -lambd) & (a <= lambd), 0.0, g)


@op("threshold", saves=("a", "threshold"))
def _threshold(a, threshold=0.0, value=0.0):
    if a.dtype == np.bool_:
        raise NotImplementedError("\"threshold_cpu\" not implemented for 'Bool'")
    if a.dtype.kind in "iu":   # torch converts both numbers to the integer type, checked
        threshold, value = _integer_number(threshold, a.dtype), _integer_number(value, a.dtype)
    return np.where(a <= threshold, a.dtype.type(value), a)


def _integer_number(number, numpy_type):
    """torch's checked conversion of a Python number into an integer type: a float out of the type's range raises (a
    negative one too, for uint8) and is truncated otherwise; an int as _dtype.checked_integer (negatives wrap)."""
    if isinstance(number, (float, np.floating)):
        info = np.iinfo(numpy_type)
        if not info.min <= number <= info.max:
            raise RuntimeError(f"value cannot be converted to type {np.dtype(numpy_type).name}_t without overflow")
        return int(number)
    return _dtype.checked_integer(int(number), numpy_type)


@_threshold.vjp
def _(g, a, threshold):
    return where(a <= threshold, 0.0, g)   # torch's threshold_backward: no gradient where the value replaced x


@op("glu", saves=("a", "dim"), formula_backward=True)
def _glu(a, dim):
    _refuse_non_floating(a, "glu_cpu")
    first, second = np.split(a, 2, axis=dim)
    with np.errstate(over="ignore"):
        return first * (1 / (1 + np.exp(-second)))   # torch's kernel: a * (1 / (1 + exp(-b)))


@_glu.vjp
def _(g, a, dim):
    # torch's glu_backward: the gate sigmoid(b) stored in the input's dtype (rounded to a half type), then
    # gate * g for the first half and (1 - gate) * gate * a * g computed in float32 for the second (hence
    # formula_backward: g arrives in the half type itself)
    first, second = a.chunk(2, dim)
    gate = sigmoid(second)
    opmath = _dtype.float32 if g.dtype in (_dtype.float16, _dtype.bfloat16) else g.dtype
    wide_gate = gate.to(opmath)
    grad_second = ((1 - wide_gate) * wide_gate * first.to(opmath) * g.to(opmath)).to(g.dtype)
    return cat([gate * g, grad_second], dim)


@op("softsign", promotion=RAW, saves=("a",), formula_backward=True)
def _softsign(a):
    """torch's composite x / (|x| + 1), one op per step as torch runs it: for a half type |x| + 1 is rounded to it
    before the division (NumPy's half arithmetic rounds each operation, as torch's half ops do)."""
    denominator = np.abs(a) + a.dtype.type(1)
    if a.dtype.itemsize == 2:
        return (a.astype(np.float32) / denominator.astype(np.float32)).astype(a.dtype)
    return a / denominator


@_softsign.vjp
def _(g, a):
    # torch differentiates its composite with derivatives.yaml's formulas, each a separate op rounding to a half
    # type (hence formula_backward): div's g / d and -g * ((x / d) / d), the latter through abs as * sgn(x)
    denominator = a.abs() + 1
    return g / denominator + (-g * ((a / denominator) / denominator)) * a.sgn()


# ---------------------------------------------------------------- public functions (torch signatures)

def _maybe_inplace(function, input, inplace, name, **params):
    _check_tensor(input, name)
    if inplace:
        return apply_inplace(input, function, name + "_", **params)
    return function(input, **params)


@public("relu", function=False, functional=True)
def functional_relu(input, inplace=False):
    return _maybe_inplace(relu, input, inplace, "relu")


@public(functional=True)
def relu_(input):
    return apply_inplace(input, relu, "relu_")


@public(function=False, functional=True)
def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


@public(function=False, functional=True)
def silu(input, inplace=False):
    return _maybe_inplace(_silu, input, inplace, "silu")


@public(function=False, functional=True)
def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _maybe_inplace(_leaky_relu, input, inplace, "leaky_relu", negative_slope=negative_slope)


@public(function=False, functional=True)
def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, inplace=True)


@public(function=False, functional=True)
def elu(input, alpha=1.0, inplace=False):
    return _maybe_inplace(_elu, input, inplace, "elu", alpha=alpha)


@public(function=False, functional=True)
def elu_(input, alpha=1.0):
    return elu(input, alpha, inplace=True)


@public(function=False, functional=True)
def softplus(input, beta=1.0, threshold=20.0):
    _check_tensor(input, "softplus")
    return _softplus(input, beta=beta, threshold=threshold)


@public(function=False, functional=True)
def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    if min_val > max_val:
        raise ValueError("hardtanh: min_val cannot be greater than max_val")
    return _maybe_inplace(_hardtanh, input, inplace, "hardtanh", min_val=min_val, max_val=max_val)


@public(function=False, functional=True)
def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, inplace=True)


@public(function=False, functional=True)
def mish(input, inplace=False):
    return _maybe_inplace(_mish, input, inplace, "mish")


@public(function=False, functional=True)
def logsigmoid(input):
    _check_tensor(input, "logsigmoid")
    return _log_sigmoid(input)


@public(function=False, functional=True)
def hardswish(input, inplace=False):
    return _maybe_inplace(_hardswish, input, inplace, "hardswish")


@public(function=False, functional=True)
def hardsigmoid(input, inplace=False):
    return _maybe_inplace(_hardsigmoid, input, inplace, "hardsigmoid")


# torch.selu / torch.celu take no inplace flag (they have selu_ / celu_); nn.functional's do
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


@public("selu")
def torch_selu(input):
    _check_tensor(input, "selu")
    return _elu(input, alpha=_SELU_ALPHA, scale=_SELU_SCALE)


@public("selu_", functional=True)
def selu_(input):
    return apply_inplace(input, torch_selu, "selu_")


@public(function=False, functional=True)
def selu(input, inplace=False):
    return selu_(input) if inplace else torch_selu(input)


@public("celu")
def torch_celu(input, alpha=1.0):
    _check_tensor(input, "celu")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _elu(input, alpha=alpha, input_scale=1.0 / alpha)


@public("celu_", functional=True)
def celu_(input, alpha=1.0):
    return apply_inplace(input, torch_celu, "celu_", alpha=alpha)


@public(function=False, functional=True)
def celu(input, alpha=1.0, inplace=False):
    return celu_(input, alpha) if inplace else torch_celu(input, alpha)


@public(function=False, functional=True)
def softsign(input):
    """torch's composite: input / (|input| + 1); an integer input divides into floats (uint8's |x| + 1 wraps, as in
    torch), and bool is refused by abs."""
    if not isinstance(input, Tensor):   # torch's Python composite reaches for input.abs()
        raise AttributeError(f"softsign(): '{type(input).__name__}' object has no attribute 'abs'")
    if not input.dtype.is_floating_point:
        return input / (input.abs() + 1)
    return _softsign(input)


@public(function=False, functional=True)
def tanhshrink(input):
    """torch's composite: input - tanh(input)."""
    return input - input.tanh()


@public(method=True, functional=True)
def hardshrink(input, lambd=0.5):
    _check_tensor(input, "hardshrink")
    return _hardshrink(input, lambd=lambd)


@public(function=False, functional=True)
def softshrink(input, lambd=0.5):
    _check_tensor(input, "softshrink")
    if input.dtype.is_floating_point:
        limit = float(_dtype.finfo(input.dtype).max)   # torch's check: lambd in [0, the dtype's max]
        if not 0 <= lambd <= limit:
            raise RuntimeError(f"lambda must be in range [0, {limit:g}] for input dtype "
                               f"{_dtype.scalar_type_name(input.dtype)}, but found {lambd:g}")
    return _softshrink(input, lambd=lambd)


@public("threshold")
def torch_threshold(input, threshold, value):
    _check_tensor(input, "threshold")
    return _threshold(input, threshold=threshold, value=value)


@public("threshold_", functional=True)
def threshold_(input, threshold, value):
    # torch's threshold kernel skips the overlap check: an expanded self is written through
    return apply_inplace(input, torch_threshold, "threshold_", threshold=threshold, value=value, allow_overlap=True)


@public(function=False, functional=True)
def threshold(input, threshold, value, inplace=False):
    return threshold_(input, threshold, value) if inplace else torch_threshold(input, threshold, value)


@public(function=False, functional=True)
def glu(input, dim=-1):
    _check_tensor(input, "glu")
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    dim = _wrap_dim(dim, input.ndim, "glu")
    if input.shape[dim] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim} is size {input.shape[dim]}")
    return _glu(input, dim=dim)


@public(method=True, functional=True)
def prelu(input, weight):
    """torch.prelu: x above 0, weight * x below, one weight per channel (dim 1) or one for all (a composite: its
    derivatives are torch's _prelu_kernel_backward)."""
    _check_tensor(input, "prelu")
    if not isinstance(weight, Tensor):
        raise TypeError(f"prelu(): argument 'weight' (position 2) must be Tensor, not {type(weight).__name__}")
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}")
    if weight.numel() != 1:
        channels = input.shape[1] if input.ndim > 1 else 1
        if channels != weight.numel():
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{weight.numel()} and channel size = {channels}.")
        if input.ndim > 1:
            weight = weight.reshape((weight.numel(),) + (1,) * (input.ndim - 2))
    elif weight.ndim > input.ndim:
        weight = weight.reshape(())   # a 0-d input keeps its shape
    if weight.dtype is not input.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {_dtype.scalar_type_name(input.dtype)} and "
                           f"{_dtype.scalar_type_name(weight.dtype)}")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"prelu_cpu" not implemented for \'{_dtype.scalar_type_name(input.dtype)}\'')
    return where(input > 0, input, weight * input)


def _rrelu_noise(input, lower, upper, generator):
    """torch's training-mode slopes, drawn as its serial kernel draws them: one float64 uniform in [lower, upper) per
    element <= 0, in the input's logical order (the others 1), each rounded to the computing type (float32 for
    float32 and the half types)."""
    compute = np.float64 if input.dtype is _dtype.float64 else np.float32
    values = input._data.astype(compute).reshape(-1)
    negative = values <= 0
    low, high = float(compute(lower)), float(compute(upper))
    draws = _draws.uniform_double(generator_or_default(generator), int(negative.sum()))
    noise = np.ones(values.shape, compute)
    noise[negative] = (draws * (high - low) + low).astype(compute)
    return Tensor._from_fresh(noise.reshape(input.shape))


@public("rrelu")
def torch_rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    """torch.rrelu: leaky_relu with slope (lower + upper) / 2 in eval; in training a random slope per element <= 0
    (its gradient: that slope)."""
    _check_tensor(input, "rrelu")
    if lower > upper:   # checked first, in eval mode too (torch's rrelu_with_noise checks its bounds before all)
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if not training:
        if not input.dtype.is_floating_point:
            raise NotImplementedError(
                f'"leaky_relu_cpu" not implemented for \'{_dtype.scalar_type_name(input.dtype)}\'')
        return _leaky_relu(input, negative_slope=(lower + upper) / 2)
    if not input.dtype.is_floating_point or input.dtype is _dtype.float16:
        raise NotImplementedError(
            f'"rrelu_with_noise_out_cpu" not implemented for \'{_dtype.scalar_type_name(input.dtype)}\'')
    noise = _rrelu_noise(input, lower, upper, generator)
    if input.dtype is _dtype.bfloat16:
        return (input.float() * noise).to(input.dtype)   # torch multiplies by the float slope, rounds once
    return input * noise.to(input.dtype)


@public("rrelu_", functional=True)
def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return apply_inplace(input, torch_rrelu, "rrelu_", lower=lower, upper=upper, training=training,
                         generator=generator)


@public(function=False, functional=True)
def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    if inplace:
        return rrelu_(input, lower, upper, training)
    return torch_rrelu(input, lower, upper, training)
