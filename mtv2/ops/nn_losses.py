"""Loss primitives: nll_loss (one fused kernel over class-index targets, with its backward as an op of its own so
double backward works), and the pointwise losses that torch computes in one kernel each (mse, smooth_l1,
binary_cross_entropy, xlogy for kl_div), rounding half-precision intermediates where torch's kernels do. The
reductions, label smoothing, probability targets and weighting are composites in mtv2/nn/functional_losses.py.

Every rule is written with mtv2 ops: nll_loss is linear in its input, so the derivative of its backward with
respect to the incoming gradient is nll_loss itself.
"""
import math
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd import is_grad_enabled, no_grad
from ..creation import full_like, ones_like, zeros_like
from ._registry import RAW, op, promoted_dtype
from ._surface import public
from .activation import logsigmoid
from .elementwise import log, minimum, sign, where
from .pointwise_math import clamp_min, log1p
from .nn_layers import pairwise_distance
from .views import broadcast_tensors

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


# ================================================================ margin, embedding and likelihood losses
# torch.nn.functional's huber, soft margin, ranking, embedding, multi-class margin, Poisson/Gaussian NLL and triplet
# losses. Most are composites in torch too (ATen's Loss.cpp or Python), written here with the same operations in the
# same order, so float32 rounding agrees and autograd (double backward included) comes from the parts. huber_loss is
# an ATen kernel rounding every step in half types: it is an op with its rule. multi_margin_loss and
# multilabel_margin_loss are float/double kernels whose per-sample sums are composed here (torch has no double
# backward for them; mtv2's is the composite's).

def _reduction_enum(size_average, reduce, reduction):
    """torch's _Reduction.get_enum (and legacy_get_enum for the deprecated size_average/reduce pair, with its
    warning), returning the checked reduction string."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "mean" if size_average and reduce else "sum" if reduce else "none"
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' "
                      "instead.", stacklevel=3)
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
                      stacklevel=3)
        return "mean"
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _apply_reduction(losses, reduction):
    """ATen's apply_loss_reduction."""
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


def _refuse_weight_gradient(function, weight):
    """torch's autograd has no formula for a class weight: requires_grad on it fails at the call."""
    if weight is not None and weight.requires_grad and is_grad_enabled():
        raise RuntimeError(f"The function '{function}' is not differentiable with respect to argument 'weight'. "
                           "This input cannot have requires_grad True.")


def _size_warning(input, target):
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"Using a target size (torch.Size({list(target.shape)})) that is different to the input size "
                      f"(torch.Size({list(input.shape)})). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", stacklevel=3)


# ---------------------------------------------------------------- huber_loss

@op("huber_loss", promotion=RAW, saves=("input", "target", "delta"))
def _huber_loss(input, target, delta=1.0):
    _refuse_non_floating(input, "huber_cpu")
    compute_type = _compute_type(input)
    # measured against torch 2.13: its kernel rounds every step (delta included) in BFloat16, but computes Half in
    # float32 and rounds once
    rounded = _rounding(input.dtype) if input.dtype.name == "bfloat16" else (lambda values: values)
    delta = rounded(np.asarray(delta, compute_type))
    distance = rounded(np.abs(input.astype(compute_type) - target.astype(compute_type)))
    inside = rounded(rounded(0.5 * distance) * distance)
    outside = rounded(delta * rounded(distance - rounded(0.5 * delta)))
    return np.where(distance < delta, inside, outside).astype(input.dtype)


@_huber_loss.vjp
def _(g, input, target, delta):
    # torch's huber_loss_backward: x inside (-delta, delta), +-delta outside (and at the ends)
    grad = (input - target).clamp(-delta, delta) * g
    return grad, -grad


def _huber_losses(input, target, delta):
    """The unreduced losses, stored in the input's dtype as torch's kernel (out= like the input) does."""
    dtype = promoted_dtype((input, target))
    if not input.dtype.is_floating_point and dtype.is_floating_point:
        raise RuntimeError(f"result type {_dtype.scalar_type_name(dtype)} can't be cast to the desired output type "
                           f"{_dtype.scalar_type_name(input.dtype)}")
    return _huber_loss(input.to(dtype), target.to(dtype), delta=delta).to(input.dtype)


@public(function=False, functional=True)
def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """torch.nn.functional.huber_loss: quadratic below delta, delta-scaled linear above (broadcasts with a warning);
    weight multiplies the unreduced losses."""
    _size_warning(input, target)
    input, target = broadcast_tensors(input, target)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    losses = _huber_losses(input, target, delta)
    if weight is None:
        return _apply_reduction(losses, _reduction_enum(None, None, reduction))
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    weighted = losses * weight
    if reduction not in REDUCTIONS:
        raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")
    return _apply_reduction(weighted, reduction)


# ---------------------------------------------------------------- soft margin, ranking, hinge, cosine embedding

@public(function=False, functional=True)
def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """torch.nn.functional.soft_margin_loss: log1p(exp(-input * target)) in the input's dtype (torch's out= kernel:
    the product is computed in the promoted dtype and stored in the input's, each step rounded in half types)."""
    reduction = _reduction_enum(size_average, reduce, reduction)
    if target.requires_grad and is_grad_enabled():   # torch's derivatives.yaml has no formula for it
        raise RuntimeError("The function 'soft_margin_loss' is not differentiable with respect to argument 'target'. "
                           "This input cannot have requires_grad True.")
    shape = _broadcast_shape(input, target)
    if shape != tuple(input.shape):
        raise RuntimeError(f"output with shape {list(input.shape)} doesn't match the broadcast shape {list(shape)}")
    if not input.dtype.is_floating_point:   # exp_ writes a float into the integer result
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{_dtype.scalar_type_name(input.dtype)}")
    losses = ((-input) * target).to(input.dtype).exp().log1p()
    return _apply_reduction(losses, reduction)


def _broadcast_shape(*tensors):
    try:
        return tuple(np.broadcast_shapes(*(tuple(t.shape) for t in tensors)))
    except ValueError:
        shapes = ", ".join(str(list(t.shape)) for t in tensors)
        raise RuntimeError(f"shapes {shapes} cannot be broadcast together") from None


@public(function=False, functional=True)
def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """torch.nn.functional.margin_ranking_loss: max(0, -target * (input1 - input2) + margin)."""
    reduction = _reduction_enum(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: torch.Size({list(input1.shape)}), input2: torch.Size({list(input2.shape)}), "
                           f"target: torch.Size({list(target.shape)}) ")
    # margin reaches ATen as a double: an integer margin still makes integer inputs' losses float
    return _apply_reduction((-target * (input1 - input2) + float(margin)).clamp_min(0), reduction)


@public(function=False, functional=True)
def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """torch.nn.functional.hinge_embedding_loss: input where target is 1, max(0, margin - input) where it is -1
    (both where it is neither, as torch's where pair gives)."""
    reduction = _reduction_enum(size_average, reduce, reduction)
    zeros = zeros_like(input)
    # ATen's `margin - self` fills a tensor of self's dtype with margin first (truncated for integers)
    margin_clamp = (full_like(input, margin) - input).clamp_min(0)
    losses = where(target != 1, margin_clamp, zeros) + where(target != -1, input, zeros)
    return _apply_reduction(losses, reduction)


_COSINE_EPSILON = 1e-12   # ATen's EPSILON, added to each squared magnitude


@public(function=False, functional=True)
def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """torch.nn.functional.cosine_embedding_loss: 1 - cos where target is 1, max(0, cos - margin) where it is -1;
    the cosine along dim 1 (dim 0 for one pair) as ATen computes it, the magnitudes' product under one sqrt."""
    reduction = _reduction_enum(size_average, reduce, reduction)
    target_dim = target.dim()
    if target_dim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if target_dim == 1 and not (input1.dim() == 2 and input2.dim() == 2):
        raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    if target_dim == 0 and not (input1.dim() == 1 and input2.dim() == 1):
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    products = (input1 * input2).sum(target_dim)
    squared_magnitude1 = (input1 * input1).sum(target_dim) + _COSINE_EPSILON
    squared_magnitude2 = (input2 * input2).sum(target_dim) + _COSINE_EPSILON
    cosine = products / (squared_magnitude1 * squared_magnitude2).sqrt()
    zeros = zeros_like(cosine)
    positive = full_like(cosine, 1) - cosine
    negative = (cosine - margin).clamp_min(0)
    losses = where(target == 1, positive, zeros) + where(target == -1, negative, zeros)
    return _apply_reduction(losses, reduction)


@public(function=False, functional=True)
def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """torch.nn.functional.multilabel_soft_margin_loss: the binary logistic loss of every class, averaged over the
    classes (the last dim); the reduction is checked after the loss is computed, as torch's Python does."""
    if size_average is not None or reduce is not None:
        reduction = _reduction_enum(size_average, reduce, "mean")
    losses = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        losses = losses * weight
    class_dim = input.dim() - 1
    losses = losses.sum(class_dim) / input.shape[class_dim]
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not valid")
    return _apply_reduction(losses, reduction)


# ---------------------------------------------------------------- multi-class margin losses (class-index targets)

def _margin_input_check(input):
    if not ((input.dim() == 2 and input.shape[1] != 0) or (input.dim() == 1 and input.shape[0] != 0)
            or input.dim() == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(input.shape)}")


def _check_long(tensor):
    if tensor.dtype.name != "int64":
        raise RuntimeError(f"expected scalar type Long but found {_dtype.scalar_type_name(tensor.dtype)}")


@public(function=False, functional=True)
def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """torch.nn.functional.multi_margin_loss: per sample, the sum over the other classes d of
    max(0, margin - x[y] + x[d]) ** p (times weight[y]), divided by the number of classes."""
    reduction = _reduction_enum(size_average, reduce, reduction)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    _margin_input_check(input)
    frames = 1 if input.dim() <= 1 else input.shape[0]
    classes = 1 if input.dim() == 0 else input.shape[-1]
    if target.dim() > 1 or target.numel() != frames:
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
                           f"samples (batch size). Expected target size [{frames}], but got {list(target.shape)}. "
                           f"Input has shape {list(input.shape)}.")
    if weight is not None and weight.numel() != classes:
        raise RuntimeError(f"inconsistent weight size, expected {classes} but got {list(weight.shape)}")
    _check_long(target)
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {_dtype.scalar_type_name(input.dtype)} but found "
                           f"{_dtype.scalar_type_name(weight.dtype)}")
    _refuse_weight_gradient("multi_margin_loss", weight)
    if not input.dtype.is_floating_point or input.dtype.itemsize <= 2:   # torch's kernel: float and double only
        raise NotImplementedError(f'"multi_margin_loss_cpu_kernel" not implemented for '
                                  f"'{_dtype.scalar_type_name(input.dtype)}'")
    labels = target.numpy().reshape(frames)
    if ((labels < 0) | (labels >= classes)).any():
        raise RuntimeError("target out of range")
    rows = input.reshape(frames, classes)
    index = target.reshape(frames, 1)
    terms = ((margin - rows.gather(1, index)) + rows).clamp_min(0)    # z > 0 counts, as the kernel's test
    if p == 2:
        terms = terms * terms
    if weight is not None:
        terms = terms * weight.gather(0, target.reshape(frames)).reshape(frames, 1)
    own_class = Tensor._from_fresh(np.arange(classes)[None, :] == labels[:, None])
    losses = terms.masked_fill(own_class, 0).sum(1) / classes
    if reduction == "none":
        return losses if target.dim() > 0 else losses.reshape(())
    return _apply_reduction(losses, reduction)


@public(function=False, functional=True)
def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """torch.nn.functional.multilabel_margin_loss: each sample's target lists class indices up to the first -1; the
    loss sums max(0, 1 - x[j] + x[i]) over listed j and unlisted i, divided by the number of classes."""
    reduction = _reduction_enum(size_average, reduce, reduction)
    _margin_input_check(input)
    frames = 1 if input.dim() <= 1 else input.shape[0]
    classes = 1 if input.dim() == 0 else input.shape[-1]
    if input.dim() <= 1:
        if target.dim() > 1 or target.numel() != classes:
            raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                               f"{list(input.shape)}")
    elif target.dim() != 2 or tuple(target.shape) != (frames, classes):
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}")
    _check_long(target)
    if not input.dtype.is_floating_point or input.dtype.itemsize <= 2:
        raise NotImplementedError(f'"multilabel_margin_loss_forward_out_frame" not implemented for '
                                  f"'{_dtype.scalar_type_name(input.dtype)}'")
    labels = target.numpy().reshape(frames, classes)
    if ((labels < -1) | (labels >= classes)).any():
        raise RuntimeError("argument #2 'target' is out of range")
    listed = np.cumprod(labels >= 0, axis=1).astype(bool)           # the entries before the first -1
    is_target = np.zeros((frames, classes), bool)
    is_target[np.nonzero(listed)[0], labels[listed]] = True
    rows = input.reshape(frames, classes)
    picked = rows.gather(1, Tensor._from_fresh(np.where(listed, labels, 0)))        # x[j] for every listed j
    terms = ((1 - picked).unsqueeze(2) + rows.unsqueeze(1)).clamp_min(0)            # (frames, j, i)
    counted = listed[:, :, None] & ~is_target[:, None, :]
    losses = terms.masked_fill(Tensor._from_fresh(~counted), 0).sum((1, 2)) / classes
    if reduction == "none":
        return losses if input.dim() == 2 else losses.reshape(())
    return _apply_reduction(losses, reduction)


# ---------------------------------------------------------------- likelihood losses

@public(function=False, functional=True)
def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """torch.nn.functional.poisson_nll_loss: exp(input) - target * input (log_input) or input - target *
    log(input + eps); full adds Stirling's term where target > 1."""
    if size_average is not None or reduce is not None:
        reduction = _reduction_enum(size_average, reduce, "mean")
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if log_input:
        losses = input.exp() - target * input
    else:
        losses = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        # ATen adds in place: the sum is stored in the loss's dtype
        losses = (losses + stirling.masked_fill(target <= 1, 0)).to(losses.dtype)
    return _apply_reduction(losses, reduction)


@public(function=False, functional=True)
def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """torch.nn.functional.gaussian_nll_loss: 0.5 * (log(var) + (input - target)**2 / var), var clamped at eps
    without a gradient through the clamp; var may be one dim short or have one broadcast dim."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * ones_like(input)
    elif not isinstance(var, Tensor):
        # torch's Python tries torch.any(var < 0) on the number: a TypeError from any()
        raise TypeError(f"gaussian_nll_loss: any() received an invalid combination of arguments - got "
                        f"({type(var < 0).__name__}), but expected one of:\n * (Tensor input, *, Tensor out = None)")
    elif (var < 0).any():
        raise ValueError("var has negative entry/entries")
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)     # homoscedastic: one variance per sample
        elif not (input.dim() == var.dim()
                  and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in REDUCTIONS:
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    losses = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        losses = losses + 0.5 * math.log(2 * math.pi)
    return _apply_reduction(losses, reduction)


# ---------------------------------------------------------------- triplet losses (ATen's, with its pairwise_distance)

def _check_triplet_dims(anchor, positive, negative):
    if not (anchor.dim() == positive.dim() == negative.dim()):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {anchor.dim()}D, positive {positive.dim()}D, and "
                           f"negative {negative.dim()}D inputs")


@public(function=False, functional=True)
def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """torch.nn.functional.triplet_margin_loss: max(0, margin + d(a, p) - d(a, n)) with the pairwise p-norm
    distance; swap takes min(d(a, n), d(p, n))."""
    reduction = _reduction_enum(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _check_triplet_dims(anchor, positive, negative)
    positive_distance = pairwise_distance(anchor, positive, p, eps)
    negative_distance = pairwise_distance(anchor, negative, p, eps)
    if swap:
        negative_distance = minimum(negative_distance, pairwise_distance(positive, negative, p, eps))
    return _apply_reduction((margin + positive_distance - negative_distance).clamp_min(0), reduction)


@public(function=False, functional=True)
def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    """torch.nn.functional.triplet_margin_with_distance_loss: triplet_margin_loss with any distance function
    (pairwise_distance by default)."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _check_triplet_dims(anchor, positive, negative)
    distance = distance_function if distance_function is not None else pairwise_distance
    positive_distance = distance(anchor, positive)
    negative_distance = distance(anchor, negative)
    if swap:
        negative_distance = minimum(negative_distance, distance(positive, negative))
    return _apply_reduction((margin + positive_distance - negative_distance).clamp_min(0), reduction)
