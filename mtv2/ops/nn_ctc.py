"""ctc_loss: the connectionist temporal classification loss (torch.ctc_loss, nn.functional.ctc_loss), as torch's CPU
kernel computes it (aten/src/ATen/native/LossCTC.cpp).

The forward is the alpha recursion in log space over the extended labels (blank, l1, blank, l2, ..., blank), in the
input's dtype; its rule is torch's ctc_loss_backward (the beta recursion and eq. 16 of Graves et al.), not autograd
through the recursion. Both recursions loop over time only, vectorised over the batch and the extended labels. torch
has no double backward: the backward op declares none. The reductions (mean divides each loss by its target length,
clamped at 1, then averages) are mtv2 ops on the per-sample losses, as torch's ctc_loss composes them."""
import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ._registry import RAW, op
from ._surface import public
from .elementwise import where
from .nn_losses import _reduction_enum


def _extended_labels(targets, offsets, target_lengths, blank, width):
    """(batch, 2 * max_target_length + 1) label of each extended position: blank at even s, the target at odd s
    (blank past a sample's own length)."""
    batch = len(target_lengths)
    labels = np.full((batch, width), blank, dtype=np.int64)
    for b in range(batch):
        labels[b, 1:2 * target_lengths[b]:2] = targets[offsets[b]:offsets[b] + target_lengths[b]]
    return labels


# torch's kernel calls std::exp and std::log on each float: glibc's expf and logf, correctly rounded. NumPy's float32
# exp and log (SIMD, within a few ulps) moved log_alpha by up to 3e-5 over 50 steps and the gradient past float32's
# tolerance; computed in double and rounded once they are correctly rounded too, and log_alpha is bit-identical. Only
# the recursions' (batch, extended labels) slices go through double, never an array of the input's size.
def _exp(x):
    return np.exp(x.astype(np.float64)).astype(x.dtype)


def _log(x):
    return np.log(x.astype(np.float64)).astype(x.dtype)


def _log_add3(first, second, third):
    """log(exp(a) + exp(b) + exp(c)) as torch's kernel: shifted by the largest (0 when all are -inf), summed left to
    right."""
    largest = np.maximum(np.maximum(first, second), third)
    largest[largest == -np.inf] = 0
    with np.errstate(invalid="ignore", divide="ignore"):
        return _log(_exp(first - largest) + _exp(second - largest) + _exp(third - largest)) + largest


def _shifted(values, by, fill):
    """values moved `by` positions along the last axis (right for by > 0), `fill` where nothing comes in."""
    out = np.full_like(values, fill)
    if by > 0:
        out[..., by:] = values[..., :-by]
    else:
        out[..., :by] = values[..., -by:]
    return out


def _layout(log_probs, labels, target_lengths):
    """The per-position log-probabilities lp[t, b, s] = log_probs[t, b, labels[b, s]], which extended positions each
    sample has, and where the skip transition (s - 2 -> s) is allowed (not between two equal labels)."""
    picked = np.take_along_axis(log_probs, np.broadcast_to(labels[None], (log_probs.shape[0],) + labels.shape), 2)
    positions = np.arange(labels.shape[1])
    valid = positions[None, :] <= 2 * np.asarray(target_lengths)[:, None]
    skip = np.zeros(labels.shape, dtype=bool)
    skip[:, 2:] = labels[:, 2:] != labels[:, :-2]
    return picked, valid, skip


@op("ctc_loss", promotion=RAW, extra_outputs=("log_alpha",),
    saves=("log_probs", "targets", "result", "log_alpha", "input_lengths", "target_lengths", "offsets", "blank",
           "zero_infinity"))
def _ctc_loss(log_probs, targets, input_lengths=(), target_lengths=(), offsets=(), blank=0, zero_infinity=False):
    """(per-sample negative log-likelihoods, log_alpha of shape (T, batch, 2 * max_target_length + 1))."""
    steps, batch, _ = log_probs.shape
    width = 2 * max(target_lengths, default=0) + 1
    labels = _extended_labels(targets, offsets, target_lengths, blank, width)
    picked, valid, skip = _layout(log_probs, labels, target_lengths)
    dtype = log_probs.dtype
    log_alpha = np.full((steps, batch, width), -np.inf, dtype=dtype)
    lengths = np.asarray(input_lengths)
    if steps:
        log_alpha[0, :, 0] = picked[0, :, 0]
        log_alpha[0, :, 1:2] = np.where(np.asarray(target_lengths)[:, None] > 0, picked[0, :, 1:2], -np.inf)
    neg_inf = dtype.type(-np.inf)
    for t in range(1, steps):
        previous = log_alpha[t - 1]
        from_two = np.where(skip, _shifted(previous, 2, neg_inf), neg_inf)
        current = _log_add3(previous, _shifted(previous, 1, neg_inf), from_two) + picked[t]
        running = (t < lengths)[:, None] & valid
        log_alpha[t] = np.where(running, current, neg_inf)
    losses = np.empty(batch, dtype=dtype)
    for b in range(batch):
        last = lengths[b] - 1
        if target_lengths[b] == 0:
            losses[b] = -log_alpha[last, b, 0]
        else:
            end = 2 * target_lengths[b]
            pair = log_alpha[last, b, end - 1:end + 1]
            largest = pair.max()
            largest = 0 if largest == -np.inf else largest
            with np.errstate(divide="ignore"):
                losses[b] = -(_log(_exp(pair[1:] - largest) + _exp(pair[:1] - largest))[0] + largest)
    return losses, log_alpha


@_ctc_loss.vjp
def _(g, log_probs, targets, losses, log_alpha, input_lengths, target_lengths, offsets, blank, zero_infinity):
    return _ctc_loss_backward(g, log_probs, targets, losses, log_alpha, input_lengths=input_lengths,
                              target_lengths=target_lengths, offsets=offsets, blank=blank,
                              zero_infinity=zero_infinity), None


@op("ctc_loss_backward", promotion=RAW)
def _ctc_loss_backward(g, log_probs, targets, losses, log_alpha, input_lengths=(), target_lengths=(), offsets=(),
                       blank=0, zero_infinity=False):
    """torch's ctc_loss_backward_cpu: log_beta by the mirrored recursion, then for each (t, c) the log-sum of
    alpha * beta over the extended positions labelled c, and grad = (exp(lp) - exp(that + nll - lp)) * g."""
    steps, batch, classes = log_probs.shape
    width = log_alpha.shape[2]
    labels = _extended_labels(targets, offsets, target_lengths, blank, width)
    picked, valid, skip = _layout(log_probs, labels, target_lengths)
    dtype = log_probs.dtype
    neg_inf = dtype.type(-np.inf)
    lengths = np.asarray(input_lengths)
    ends = 2 * np.asarray(target_lengths)
    rows = np.arange(batch)
    log_beta = np.full((steps, batch, width), -np.inf, dtype=dtype)
    # each sample starts at its own last step: the blank after the last label, and the last label
    started = lengths > 0
    last = np.maximum(lengths - 1, 0)
    log_beta[last[started], rows[started], ends[started]] = picked[last[started], rows[started], ends[started]]
    has_label = started & (ends > 0)
    log_beta[last[has_label], rows[has_label], ends[has_label] - 1] = \
        picked[last[has_label], rows[has_label], ends[has_label] - 1]
    skip_back = _shifted(skip, -2, False)   # s + 2 -> s allowed where labels[s + 2] != labels[s]
    for t in range(steps - 2, -1, -1):
        following = log_beta[t + 1]
        from_two = np.where(skip_back, _shifted(following, -2, neg_inf), neg_inf)
        current = _log_add3(following, _shifted(following, -1, neg_inf), from_two) + picked[t]
        running = (t < lengths - 1)[:, None] & valid
        log_beta[t] = np.where(running, current, log_beta[t])
    # log-sum over s of alpha + beta into the class each s is labelled with, one s at a time from the last, as
    # torch's kernel log-adds them (a one-shot logsumexp would round differently over a long blank column)
    log_alpha_beta = log_alpha + log_beta
    collected = np.full((steps, batch, classes), -np.inf, dtype=dtype)
    times, samples = np.arange(steps)[:, None], rows[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        for s in range(width - 1, -1, -1):
            where_to = (times, samples, labels[None, :, s])
            current, value = collected[where_to], log_alpha_beta[:, :, s]
            largest = np.maximum(current, value)
            summed = _log(_exp(current - largest) + _exp(value - largest)) + largest
            collected[where_to] = np.where(current == -np.inf, value, summed)
    nll = losses[None, :, None]
    with np.errstate(invalid="ignore", over="ignore"):
        grad = (np.exp(log_probs) - np.exp(collected + nll - log_probs)) * g[None, :, None]
    grad[np.arange(steps)[:, None] >= lengths[None, :]] = 0   # past each sample's input length
    if zero_infinity:
        grad[:, losses == np.inf] = 0
    return grad.astype(dtype, copy=False)


_ctc_loss_backward.no_derivative("_ctc_loss_backward")   # torch has no double backward for ctc_loss


def _lengths(value, name):
    """torch's int[] or integral Tensor lengths as a tuple of ints."""
    if isinstance(value, Tensor):
        if value.dtype.is_floating_point or value.dtype.is_complex or value.dtype is _dtype.bool:
            raise RuntimeError(f"{name} must be integral")
        return tuple(int(v) for v in value._data.reshape(-1))
    if isinstance(value, int):
        return (value,)
    return tuple(int(v) for v in value)


def _checked(condition, message):
    if not condition:
        raise RuntimeError(f"{message} (while checking arguments for ctc_loss_allocate_outputs)")


@public(function=False, functional=True)
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """torch.nn.functional.ctc_loss: the negative log-likelihood of each target sequence under the per-step label
    distributions log_probs (T, N, C) or unbatched (T, C), summed over every alignment."""
    reduction = _reduction_enum(None, None, reduction)
    if isinstance(input_lengths, Tensor) != isinstance(target_lengths, Tensor) or isinstance(input_lengths, int):
        raise TypeError("ctc_loss() received an invalid combination of arguments - input_lengths and target_lengths "
                        "must both be Tensors or both be tuples of ints")
    input_lengths, target_lengths = _lengths(input_lengths, "input_lengths"), _lengths(target_lengths,
                                                                                         "target_lengths")
    batched = log_probs.dim() == 3
    if not batched:
        log_probs = log_probs.unsqueeze(1)
    _checked(log_probs.dim() == 3, f"Expected 3-dimensional tensor, but got {log_probs.dim()}-dimensional tensor for "
                                   f"argument #1 'log_probs'")
    if log_probs.dtype not in (_dtype.float32, _dtype.float64):
        raise NotImplementedError(f"\"ctc_loss_cpu\" not implemented for '{_dtype.scalar_type_name(log_probs.dtype)}'")
    steps, batch, classes = log_probs.shape
    if not 0 <= blank < classes:
        raise RuntimeError("blank must be in label range")
    if len(input_lengths) != batch:
        raise RuntimeError("input_lengths must be of size batch_size")
    if len(target_lengths) != batch:
        raise RuntimeError("target_lengths must be of size batch_size")
    _checked(targets.dim() in (1, 2), f"Expected 1 to 2 dimensions, but got {targets.dim()}-dimensional tensor for "
                                      f"argument #2 'targets'")
    labels = targets._data.astype(np.int64)   # torch converts the targets to int64
    for length in target_lengths:
        _checked(length >= 0, f"Expected target_lengths to have value at least 0, but got value {length}")
    if targets.dim() == 1:
        offsets = tuple(int(o) for o in np.cumsum((0,) + target_lengths[:-1]))
        _checked(targets.shape[0] == sum(target_lengths), f"Expected tensor to have size {sum(target_lengths)} at "
                 f"dimension 0, but got size {targets.shape[0]} for argument #2 'targets'")
        flat = labels
    else:
        _checked(targets.shape[0] == batch, f"Expected tensor to have size {batch} at dimension 0, but got size "
                                            f"{targets.shape[0]} for argument #2 'targets'")
        longest = max(target_lengths, default=0)
        _checked(targets.shape[1] >= longest, f"Expected tensor to have size at least {longest} at dimension 1, but "
                                              f"got size {targets.shape[1]} for argument #2 'targets'")
        offsets = tuple(b * targets.shape[1] for b in range(batch))
        flat = labels.reshape(-1)
    for length in input_lengths:
        _checked(length >= 0, f"Expected input_lengths to have value at least 0, but got value {length}")
        _checked(length <= steps, f"Expected input_lengths to have value at most {steps}, but got value {length}")
    losses, _ = _ctc_loss(log_probs, Tensor._from_fresh(np.ascontiguousarray(flat)), input_lengths=input_lengths,
                          target_lengths=target_lengths, offsets=offsets, blank=blank, zero_infinity=zero_infinity)
    if zero_infinity:
        losses = where(losses == float("inf"), losses.new_zeros(()), losses)
    if reduction == "mean":
        divisors = Tensor._from_fresh(np.maximum(np.array(target_lengths, dtype=losses.dtype.numpy_type), 1))
        return (losses / divisors).mean()
    if reduction == "sum":
        return losses.sum()
    return losses if batched else losses.squeeze(0)
