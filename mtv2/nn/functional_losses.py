"""torch.nn.functional's losses: cross_entropy and nll_loss (class indices, with ignore_index, weight, label
smoothing; cross_entropy also takes class probabilities), mse_loss, l1_loss, smooth_l1_loss,
binary_cross_entropy, binary_cross_entropy_with_logits and kl_div, with torch's argument checks and messages.

The primitives (nll_loss, the pointwise losses) are in mtv2/ops/nn_losses.py; what is here is the composition torch
itself does around them (log_softmax + nll_loss, the label-smoothing term, reductions, weights).
"""
import dataclasses
import math
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd import is_grad_enabled
from ..ops import nn_losses as _loss
from ..ops._registry import promoted_dtype
from ..ops._surface import public
from ..ops.activation import log_softmax, logsigmoid
from ..ops.elementwise import abs as _abs
from ..ops.reduction import mean as _mean
from ..ops.reduction import sum as _sum


# ---------------------------------------------------------------- reduction arguments (torch.nn._reduction)

def _check_reduction(reduction):
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
                      stacklevel=3)
        return "mean"
    if reduction not in _loss.REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def legacy_get_string(size_average, reduce, emit_warning=True):
    """The reduction named by the deprecated size_average/reduce pair (None means True), with torch's warning."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = "mean" if size_average and reduce else "sum" if reduce else "none"
    if emit_warning:
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' "
                      "instead.", stacklevel=3)
    return reduction


def _reduction_of(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    return _check_reduction(reduction)


def _reduce(losses, reduction):
    if reduction == "mean":
        return _mean(losses)
    if reduction == "sum":
        return _sum(losses)
    return losses


def _refuse_gradient(function, argument, tensor):
    """torch's kernels take no gradient for class weights: asking for one fails at the call."""
    if tensor is not None and tensor.requires_grad and is_grad_enabled():
        raise RuntimeError(f"The function '{function}' is not differentiable with respect to argument "
                           f"'{argument}'. This input cannot have requires_grad True.")


# ---------------------------------------------------------------- nll_loss

def _check_weight(weight, classes, prefix=""):
    if weight is not None and (weight.dim() != 1 or weight.numel() != classes):
        raise RuntimeError(f"{prefix}weight tensor should be defined either for all {classes} classes or no classes "
                           f"but got weight tensor of shape: {list(weight.shape)}")


def _nll_loss_nd(input, target, weight, reduction, ignore_index):
    """torch's nll_loss_nd: input (C,), (N, C) or (N, C, d1, ...); target (), (N,) or (N, d1, ...)."""
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    if input.dim() != 1 and (target.dim() == 0 or input.shape[0] != target.shape[0]):
        target_batch = target.shape[0] if target.dim() else 1
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                         f"({target_batch}).")
    if target.dtype.name not in ("int64", "uint8"):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_dtype.scalar_type_name(target.dtype)}")
    if input.dim() <= 2 and target.dim() > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input.dim() == 1 and target.dim() == 1 and target.shape[0] != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}")
    if input.dim() >= 3 and tuple(target.shape[1:]) != tuple(input.shape[2:]):
        if input.dim() == 4:
            raise RuntimeError(f"size mismatch (got input: {list(input.shape)} , target: {list(target.shape)}")
        raise RuntimeError(f"Expected target size {[input.shape[0], *input.shape[2:]]}, got {list(target.shape)}")
    classes = input.shape[0] if input.dim() == 1 else input.shape[1]
    _check_weight(weight, classes)
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {_dtype.scalar_type_name(input.dtype)} but found "
                           f"{_dtype.scalar_type_name(weight.dtype)}")
    _refuse_gradient("nll_loss_forward", "weight", weight)
    batch = 1 if input.dim() == 1 else input.shape[0]
    positions = int(np.prod(input.shape[2:], dtype=np.int64)) if input.dim() > 2 else 1
    canonical = input.reshape(batch, classes, positions)   # (N, C, K): the kernel's one layout
    labels = target.long().reshape(batch, positions)
    result = _loss._nll_loss(canonical, labels, weight, reduction=reduction, ignore_index=ignore_index)
    if reduction != "none":
        return result
    return result.reshape(()) if input.dim() == 1 else result.reshape(target.shape)  # (C,) input: a 0-d loss


@public(function=False, functional=True)
def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """torch.nn.functional.nll_loss: the negative log-likelihood of class-index targets."""
    reduction = _reduction_of(size_average, reduce, reduction)
    return _nll_loss_nd(input, target, weight, reduction, ignore_index)


# ---------------------------------------------------------------- cross_entropy

def _class_weight_view(weight, ndim, class_dim):
    shape = [1] * ndim
    shape[class_dim] = weight.shape[0]
    return weight.view(shape)


def _check_label_smoothing(label_smoothing):
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")


def _cross_entropy_label_smoothing(input, target, weight, reduction, ignore_index, label_smoothing, class_dim):
    # torch's formula: (1 - s) * nll + s / C * (the loss against the uniform distribution), where the uniform
    # term skips ignored targets and, weighted, is normalised by the same summed target weights as nll
    classes = input.shape[class_dim]
    log_probabilities = log_softmax(input, class_dim)
    nll = _nll_loss_nd(log_probabilities, target, weight, reduction, ignore_index)
    ignored = target == ignore_index
    if weight is not None:
        smooth = -_sum(log_probabilities * _class_weight_view(weight, input.dim(), class_dim), class_dim)
    else:
        smooth = -_sum(log_probabilities, class_dim)
    smooth = smooth.masked_fill(ignored, 0.0)
    if reduction == "mean":
        if weight is not None:
            kept = target.masked_select(~ignored).flatten()
            smooth = _sum(smooth) / _sum(weight.gather(0, kept))
        else:
            smooth = _sum(smooth) / _sum(~ignored)
    elif reduction == "sum":
        smooth = _sum(smooth)
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / classes)


def _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing, class_dim):
    classes = input.shape[class_dim]
    _check_weight(weight, classes, prefix="cross_entropy: ")
    log_probabilities = log_softmax(input, class_dim)
    if label_smoothing > 0.0:
        _check_label_smoothing(label_smoothing)
        target = target * (1 - label_smoothing) + label_smoothing / classes
    terms = log_probabilities * target
    if weight is not None:
        terms = terms * _class_weight_view(weight, input.dim(), class_dim)
    if reduction == "none":
        return -_sum(terms, class_dim)
    total = -_sum(terms)
    if reduction == "sum":
        return total
    if input.numel() == 0:
        return total.masked_fill(Tensor._from_fresh(np.array(True)), math.nan)  # torch: nan, zero gradient
    return total / (input.numel() // classes)


@public(function=False, functional=True)
def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """torch.nn.functional.cross_entropy: log_softmax over the class dim, then nll_loss (class indices) or the
    cross entropy with class probabilities (a target of the input's shape)."""
    reduction = _reduction_of(size_average, reduce, reduction)
    class_dim = 0 if input.dim() == 1 else 1
    if tuple(input.shape) == tuple(target.shape):   # torch: same shape means class probabilities
        if not target.dtype.is_floating_point:
            raise RuntimeError("Expected floating point type for target with class probabilities, got "
                               f"{_dtype.scalar_type_name(target.dtype)}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        return _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing, class_dim)
    if label_smoothing > 0.0:
        _check_label_smoothing(label_smoothing)
        return _cross_entropy_label_smoothing(input, target, weight, reduction, ignore_index, label_smoothing,
                                              class_dim)
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    return _nll_loss_nd(log_softmax(input, class_dim), target, weight, reduction, ignore_index)


# ---------------------------------------------------------------- regression losses

def _warn_size_mismatch(input, target):
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"Using a target size (torch.Size({list(target.shape)})) that is different to the input "
                      f"size (torch.Size({list(input.shape)})). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", stacklevel=3)


def _broadcast(input, target):
    try:
        shape = np.broadcast_shapes(tuple(input.shape), tuple(target.shape))
    except ValueError:
        for position in range(1, max(input.dim(), target.dim()) + 1):
            a = input.shape[-position] if position <= input.dim() else 1
            b = target.shape[-position] if position <= target.dim() else 1
            if a != b and a != 1 and b != 1:
                dim = max(input.dim(), target.dim()) - position
                raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) at "
                                   f"non-singleton dimension {dim}") from None
        raise
    return input.expand(*shape), target.expand(*shape)


def _promoted(input, target):
    """Both operands in their promoted dtype (the RAW loss kernels take one dtype, as torch's iterators do)."""
    dtype = promoted_dtype((input, target))
    return input.to(dtype), target.to(dtype)


def _weighted(errors, weight, input, reduction):
    """torch's python-level weighted mse/l1: sum(w * e) / sum(w) for the mean."""
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    weighted = errors * weight
    if reduction == "none":
        return weighted
    if reduction == "sum":
        return _sum(weighted)
    return _sum(weighted) / _sum(weight)


@public(function=False, functional=True)
def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """torch.nn.functional.mse_loss (broadcasts a target of another shape, with torch's warning)."""
    _warn_size_mismatch(input, target)
    reduction = _reduction_of(size_average, reduce, reduction)
    input, target = _broadcast(input, target)
    if weight is not None:
        return _weighted((input - target) ** 2, weight, input, reduction)
    return _reduce(_loss._mse_loss(*_promoted(input, target)), reduction)


@public(function=False, functional=True)
def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """torch.nn.functional.l1_loss: |input - target| (a composite in torch too)."""
    _warn_size_mismatch(input, target)
    reduction = _reduction_of(size_average, reduce, reduction)
    input, target = _broadcast(input, target)
    if weight is not None:
        return _weighted(_abs(input - target), weight, input, reduction)
    return _reduce(_abs(input - target), reduction)


@public(function=False, functional=True)
def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """torch.nn.functional.smooth_l1_loss: quadratic below beta, linear above; beta=0 is l1_loss."""
    _warn_size_mismatch(input, target)
    reduction = _reduction_of(size_average, reduce, reduction)
    input, target = _broadcast(input, target)
    if beta == 0.0:
        return _reduce(_abs(input - target), reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return _reduce(_loss._smooth_l1_loss(*_promoted(input, target), beta=beta), reduction)


# ---------------------------------------------------------------- binary cross entropy, kl_div

@public(function=False, functional=True)
def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """torch.nn.functional.binary_cross_entropy: input probabilities in [0, 1], each log clamped at -100."""
    reduction = _reduction_of(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size (torch.Size({list(target.shape)})) that is different to the input "
                         f"size (torch.Size({list(input.shape)})) is deprecated. Please ensure they have the same "
                         "size.")
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {_dtype.scalar_type_name(target.dtype)} but expected "
                           f"{_dtype.scalar_type_name(input.dtype)}")
    _refuse_gradient("binary_cross_entropy", "weight", weight)
    losses = _loss._binary_cross_entropy(input, target)
    if weight is not None:
        try:
            weight = weight.expand(*np.broadcast_shapes(tuple(target.shape), tuple(weight.shape)))
        except ValueError:
            raise RuntimeError(f"binary_cross_entropy: weight of shape {list(weight.shape)} cannot be broadcast to "
                               f"the target's shape {list(target.shape)}") from None
        losses = losses * weight   # torch multiplies the finished losses in place (one more rounding)
    return _reduce(losses, reduction)


@public(function=False, functional=True)
def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """torch.nn.functional.binary_cross_entropy_with_logits: (1 - y) x - (1 + (p - 1) y) log_sigmoid(x), the form
    torch computes (stable for large |x|), times weight."""
    reduction = _reduction_of(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size (torch.Size({list(target.shape)})) must be the same as input size "
                         f"(torch.Size({list(input.shape)}))")
    _refuse_gradient("binary_cross_entropy_with_logits", "weight", weight)
    _refuse_gradient("binary_cross_entropy_with_logits", "pos_weight", pos_weight)
    if pos_weight is not None:
        log_weight = (pos_weight - 1) * target + 1
        losses = (1 - target) * input - log_weight * logsigmoid(input)
    else:
        losses = (1 - target) * input - logsigmoid(input)
    if weight is not None:
        losses = losses * weight
    return _reduce(losses, reduction)


@public(function=False, functional=True)
def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """torch.nn.functional.kl_div: target * (log target - input) with input as log-probabilities; 'batchmean'
    divides the sum by the batch size."""
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    batchmean = reduction == "batchmean"
    reduction = _check_reduction("sum" if batchmean else reduction)
    if not input.dtype.is_floating_point or not target.dtype.is_floating_point:
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        losses = target.exp() * (target - input)
    else:
        losses = _loss._xlogy_self(target) - target * input
    reduced = _reduce(losses, reduction)
    if batchmean and input.dim() != 0:
        reduced = reduced / input.shape[0]
    return reduced


# ---------------------------------------------------------------- linear_cross_entropy

@dataclasses.dataclass(frozen=True)
class LinearCrossEntropyOptions:
    """torch.nn.LinearCrossEntropyOptions: how torch chunks linear_cross_entropy over the batch to save memory. mtv2
    accepts them (with torch's checks of the call) and computes the same loss on its reference path: chunking changes
    how much of the (batch, classes) logits torch holds at a time, not the value (beyond rounding)."""
    allow_retain_graph: bool = False
    batch_chunk_size: int | None = None
    acc_policy: str = "auto"
    acc_dtype: object = None
    chunking_method: str = "auto"


@public(function=False, functional=True)
def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, reduction="mean",
                         ignore_index=None, label_smoothing=0.0, options=None):
    """torch.nn.functional.linear_cross_entropy: cross_entropy(linear(input, linear_weight, linear_bias), target), with
    linear_weight (C, *out_features, in_features) giving K-dimensional logits (N, C, *out_features)."""
    from .functional_layers import linear
    if input.dim() < 1 or input.dim() > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.dim()}")
    if linear_weight.dim() < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got {linear_weight.dim()}")
    batches = tuple(input.shape[:-1])
    in_features = input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError(f"expected equal input and linear_weight last dimensions (in_features), got "
                           f"{input.shape[-1]} and {linear_weight.shape[-1]}, respectively")
    classes = linear_weight.shape[0]
    out_features = tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (classes, *out_features):
        raise RuntimeError(f"expected linear_bias shape {(classes, *out_features)}, got "
                           f"{tuple(linear_bias.shape)}")
    if out_features and not batches:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} requires "
                           f"batched input, (N, {in_features}), got unbatched input with shape "
                           f"{tuple(input.shape)}")
    logits_shape = (*batches, classes, *out_features)
    # cross_entropy tells class probabilities by a target of the logits' shape
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    ignore_index = -100 if ignore_index is None else ignore_index
    if options is not None and (out_features or reduction not in ("mean", "sum", "none") or label_smoothing != 0.0
                                or target.dtype is not _dtype.int64):
        warnings.warn(f"linear_cross_entropy: ``options`` ignored; chunked path needs reduction in "
                      f"{{'mean','sum','none'}}, label_smoothing == 0, target.dtype == int64, out_features == (). "
                      f"Got reduction={reduction!r}, label_smoothing={label_smoothing}, target.dtype={target.dtype}, "
                      f"out_features={out_features}, tracing=False, linear_bias.shape="
                      f"{tuple(linear_bias.shape) if linear_bias is not None else None}.", stacklevel=2)
    if out_features:
        rows = math.prod(out_features) * classes
        linear_weight = linear_weight.reshape(rows, in_features)
        if linear_bias is not None:
            linear_bias = linear_bias.reshape(rows)
    logits = linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction, ignore_index=ignore_index,
                         label_smoothing=label_smoothing)
