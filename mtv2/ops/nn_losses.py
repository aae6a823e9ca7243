"""Loss primitives: nll_loss (one fused kernel over class-index targets, with its backward as an op of its own so
double backward works), and the pointwise losses that torch computes in one kernel each (mse, smooth_l1,
binary_cross_entropy, xlogy for kl_div), rounding half-precision intermediates where torch's kernels do. The
reductions, label smoothing, probability targets and weighting are composites in mtv2/nn/functional_losses.py.

Every rule is written with mtv2 ops: nll_loss is linear in its input, so the derivative of its backward with
respect to the incoming gradient is nll_loss itself.
"""
import numpy as np

from .. import _dtype
from ._registry import RAW, op
from .elementwise import log, sign, where
from .pointwise_math import clamp_min, log1p

REDUCTIONS = ("none", "mean", "sum")


def _refuse_non_floating(array, kernel_name):
    """torch dispatches these kernels for floating types only; integers and bool raise naming the kernel."""
    if array.dtype.kind not in "fV" and array.dtype.name != "bfloat16":
        raise NotImplementedError(f'"{kernel_name}" not implemented for '
                                  f'\'{_dtype.scalar_type_name(array.dtype.name)}\'')


def _compute_type(array):
    """Half types (float16, bfloat16) compute in float32, as torch's CPU kernels do."""
    return np.dtype(np.float32) if array.dtype.itemsize <= 2 else array.dtype


# ================================================================ nll_loss
# Operands in the canonical layout: input (N, C, K), target (N, K) int64, weight (C,) or None. The public
# nll_loss (nn/functional_losses.py) views any accepted shape as this one and the result back.

def _picked_weights(target, weight, ignore_index, classes, compute_type):
    """(class of every target with ignored ones at 0, weight of every target with ignored ones at 0, valid)."""
    valid = target != ignore_index
    out_of_range = valid & ((target < 0) | (target >= classes))
    if out_of_range.any():
        raise IndexError(f"Target {int(target[out_of_range].flat[0])} is out of bounds.")
    classes_picked = np.where(valid, target, 0)
    if weight is None:
        weights = valid.astype(compute_type)
    else:
        weights = np.where(valid, weight.astype(compute_type)[classes_picked], 0).astype(compute_type)
    return classes_picked, weights, valid


# RAW: target stays int64, and the kernel rounds half results once
@op("nll_loss", promotion=RAW, saves=("input.shape", "target", "weight", "reduction", "ignore_index"))
def _nll_loss(input, target, weight, reduction="mean", ignore_index=-100):
    _refuse_non_floating(input, "nll_loss_out_frame")
    compute_type = _compute_type(input)
    values = input.astype(compute_type, copy=False)
    classes_picked, weights, valid = _picked_weights(target, weight, ignore_index, input.shape[1], compute_type)
    picked = np.take_along_axis(values, classes_picked[:, None, :], axis=1)[:, 0, :]
    with np.errstate(invalid="ignore"):
        losses = np.where(valid, -picked * weights, 0).astype(compute_type)  # ignored targets are skipped: 0
    if reduction == "none":
        return losses.astype(input.dtype)
    if compute_type != input.dtype:
        return _half_reduction(losses, weights, valid, weight is not None, reduction, input.dtype)
    total = losses.sum(dtype=compute_type)
    if reduction == "sum":
        return np.asarray(total).astype(input.dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        # torch divides by the summed weight of the targets not ignored: 0/0 = nan when all are ignored
        return np.asarray(total / weights.sum(dtype=compute_type)).astype(input.dtype)


def _half_reduction(losses, weights, valid, weighted, reduction, half_type):
    """torch's CPU nll_loss reduction for float16/bfloat16, reproduced exactly: it accumulates in the half type
    (every product and addition rounded), in a cascade of partial sums flushed every 16 elements, ignored targets
    skipped; the unweighted divisor is the count of kept targets."""
    to_half = half_type.type
    terms = losses.astype(half_type)              # -(x * w) rounded, as torch's product is
    term_weights = weights.astype(half_type)
    levels, count = 8, losses.size
    power = max(4, int(np.ceil(np.log2(count))) // levels if count > 1 else 0)
    mask = (1 << power) - 1
    loss_sums, weight_sums = [to_half(0)] * levels, [to_half(0)] * levels
    flat_terms, flat_weights = terms.reshape(-1), term_weights.reshape(-1)
    for index in np.flatnonzero(valid.reshape(-1)):
        loss_sums[0] = to_half(loss_sums[0] + flat_terms[index])
        weight_sums[0] = to_half(weight_sums[0] + flat_weights[index])
        for level in range(levels - 1):
            if index & (mask << (level * power)):
                break
            loss_sums[level + 1] = to_half(loss_sums[level + 1] + loss_sums[level])
            weight_sums[level + 1] = to_half(weight_sums[level + 1] + weight_sums[level])
            loss_sums[level], weight_sums[level] = to_half(0), to_half(0)
    total, total_weight = to_half(0), to_half(0)
    for level in range(levels):
        total, total_weight = to_half(total + loss_sums[level]), to_half(total_weight + weight_sums[level])
    if reduction == "sum":
        return np.asarray(total, half_type)
    if not weighted:
        total_weight = to_half(int(valid.sum()))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(to_half(total / total_weight), half_type)


@_nll_loss.vjp
def _(g, input_shape, target, weight, reduction, ignore_index):
    return (_nll_loss_backward(g, target, weight, input_shape=input_shape, reduction=reduction,
                               ignore_index=ignore_index), None, None)


@op("nll_loss_backward", promotion=RAW, saves=("target", "weight", "reduction", "ignore_index"))
def _nll_loss_backward(g, target, weight, input_shape=None, reduction="mean", ignore_index=-100):
    compute_type = _compute_type(g)
    classes_picked, weights, valid = _picked_weights(target, weight, ignore_index, input_shape[1], compute_type)
    if reduction == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            weights = np.where(valid, weights / weights.sum(dtype=compute_type), 0)
    scale = g.astype(compute_type) if reduction == "none" else g.astype(compute_type).reshape(())
    grad = np.zeros(input_shape, compute_type)
    np.put_along_axis(grad, classes_picked[:, None, :], (-weights * scale)[:, None, :], axis=1)
    return grad.astype(g.dtype, copy=False)


@_nll_loss_backward.vjp
def _(g, target, weight, reduction, ignore_index):
    # the backward is linear in the incoming gradient with the transposed map: nll_loss itself
    return _nll_loss(g, target, weight, reduction=reduction, ignore_index=ignore_index), None, None


# ================================================================ pointwise losses (reduction="none")
# torch's CPU kernels for mse, smooth_l1 (float16) and binary_cross_entropy do Half/BFloat16 arithmetic: every
# intermediate is rounded to the half type. The kernels are RAW so they see the half type and round the same
# way; the public functions promote the operands to one dtype first.

def _rounding(dtype):
    """A function rounding float32 values to `dtype` and back, as one half-type operation does (identity for
    float32/float64)."""
    if dtype.itemsize > 2:
        return lambda values: values
    return lambda values: np.asarray(values, np.float32).astype(dtype).astype(np.float32)


@op("mse_loss", promotion=RAW, saves=("input", "target"))
def _mse_loss(input, target):
    _refuse_non_floating(input, "mse_cpu")
    rounded = _rounding(input.dtype)
    difference = rounded(input.astype(_compute_type(input)) - target.astype(_compute_type(input)))
    return rounded(difference * difference).astype(input.dtype)


@_mse_loss.vjp
def _(g, input, target):
    grad = 2 * (input - target) * g
    return grad, -grad


@op("smooth_l1_loss", promotion=RAW, saves=("input", "target", "beta"))
def _smooth_l1_loss(input, target, beta=1.0):
    _refuse_non_floating(input, "smooth_l1_cpu")
    compute_type = _compute_type(input)
    # torch computes bfloat16 in float32 (rounding once) but float16 in Half arithmetic, beta rounded too
    rounded = _rounding(input.dtype) if input.dtype == np.float16 else (lambda values: values)
    beta = rounded(np.asarray(beta, compute_type))
    distance = rounded(np.abs(input.astype(compute_type) - target.astype(compute_type)))
    inside = rounded(rounded(rounded(0.5 * distance) * distance) / beta)
    outside = rounded(distance - rounded(0.5 * beta))
    return np.where(distance < beta, inside, outside).astype(input.dtype)


@_smooth_l1_loss.vjp
def _(g, input, target, beta):
    difference = input - target
    # torch: x/beta inside (-beta, beta), sign(x) outside; both give +-1 at |x| == beta
    grad = where(difference.abs() < beta, difference / beta, sign(difference)) * g
    return grad, -grad


_BCE_EPSILON = 1e-12  # torch's floor on x(1-x) in the binary_cross_entropy backward


@op("binary_cross_entropy", promotion=RAW, saves=("input", "target"))
def _binary_cross_entropy(input, target):
    _refuse_non_floating(input, "binary_cross_entropy")
    compute_type = _compute_type(input)
    x, y = input.astype(compute_type), target.astype(compute_type)
    if not np.all((x >= 0) & (x <= 1)):  # NaN fails too, as in torch
        raise RuntimeError("all elements of input should be between 0 and 1")
    if not np.all((y >= 0) & (y <= 1)):
        raise RuntimeError("all elements of target should be between 0 and 1")
    rounded = _rounding(input.dtype)
    with np.errstate(divide="ignore"):
        # torch clamps each log at -100 so that x = 0 or 1 gives a finite loss
        log_complement = np.maximum(rounded(np.log1p(-x)), -100)
        log_input = np.maximum(rounded(np.log(x)), -100)
    loss = rounded(rounded(rounded(y - 1) * log_complement) - rounded(y * log_input))
    return loss.astype(input.dtype)


@_binary_cross_entropy.vjp
def _(g, input, target):
    grad_input = g * (input - target) / clamp_min((1 - input) * input, _BCE_EPSILON)
    grad_target = g * (log1p(-input) - log(input))
    return grad_input, grad_target


@op("xlogy_self", promotion=RAW, saves=("a",))  # RAW: the kernel must know a half input to round like torch
def _xlogy_self(a):
    """a * log(a), 0 where a == 0 (torch's xlogy(a, a), the entropy term of kl_div); nan stays nan."""
    compute_type = _compute_type(a)
    values = a.astype(compute_type)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(np.where(values == 0, 1, values))
        if compute_type != a.dtype:
            # torch's xlogy on float16/bfloat16 does half arithmetic: the log is rounded before the product
            logs = logs.astype(a.dtype).astype(compute_type)
        return np.where(values == 0, 0, values * logs).astype(a.dtype)


@_xlogy_self.vjp
def _(g, a):
    # torch's xlogy rules: d/dx xlogy(x, y) = log(y) where x != 0, d/dy = x / y; here x = y = a
    return g * (where(a == 0, 0.0, log(a)) + a / a)
