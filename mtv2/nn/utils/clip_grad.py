"""Gradient clipping (torch.nn.utils.clip_grad): by the total norm over all gradients, or by value.

torch computes one norm per gradient, grouped by dtype, then the norm of those norms; the grouping fixes the
order of that last reduction, so it is kept here (see _by_dtype).
"""
import functools
import types
import warnings

from ... import creation
from ..._tensor import Tensor
from ...autograd import no_grad
from ...ops.joining import stack
from ...ops.reduction import vector_norm

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm"]


def _under_no_grad(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with no_grad():
            return function(*args, **kwargs)
    return wrapper


def _by_dtype(tensors):
    """The tensors grouped by dtype, as torch's _group_tensors_by_device_and_dtype on one device. Its groups come
    in a hash map's order: for two dtypes (float32 and float64 parameters) the reverse of their first appearance,
    measured on torch 2.13 and followed here; with three or more that order follows the hash buckets, and the
    total norm may differ from torch's in the last ulp."""
    groups = {}
    for t in tensors:
        groups.setdefault(t.dtype, []).append(t)
    return list(groups.values())[::-1]


@_under_no_grad
def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The norm of the tensors' norms: the norm of all their elements taken as one vector."""
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    norm_type = float(norm_type)
    if len(tensors) == 0:
        return creation.tensor(0.0)
    norms = [vector_norm(t, norm_type) for group in _by_dtype(tensors) for t in group]
    total_norm = vector_norm(stack(norms), norm_type)
    if error_if_nonfinite and (total_norm.isnan() | total_norm.isinf()).item():
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it "
                           "cannot be clipped. To disable this error and scale the gradients by the non-finite norm "
                           "anyway, set `error_if_nonfinite=False`")
    return total_norm


@_under_no_grad
def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the gradients by min(1, max_norm / (total_norm + 1e-6)), in place."""
    parameters = [parameters] if isinstance(parameters, Tensor) else parameters
    grads = [p.grad for p in parameters if p.grad is not None]
    max_norm = float(max_norm)
    if len(grads) == 0:
        return
    # a 0-d tensor: each gradient multiplies by it in its own dtype
    clip_coef_clamped = (max_norm / (total_norm + 1e-6)).clamp(max=1.0)
    for group in _by_dtype(grads):
        for g in group:
            g.mul_(clip_coef_clamped)


@_under_no_grad
def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Clip the gradients' total norm to max_norm, in place; returns the total norm before clipping."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)
        if is_generator and len(parameters) == 0:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=3)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated alias of clip_grad_norm_."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


@_under_no_grad
def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient element to [-clip_value, clip_value], in place."""
    parameters = [parameters] if isinstance(parameters, Tensor) else parameters
    clip_value = float(clip_value)
    for grad in (p.grad for p in parameters if p.grad is not None):
        grad.clamp_(min=-clip_value, max=clip_value)
