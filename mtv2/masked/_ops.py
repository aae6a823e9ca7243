"""torch.masked's reductions and normalisations on strided tensors (torch/masked/_ops.py semantics).

Each function canonicalises the mask to a bool tensor of the input's shape (broadcasting a smaller one), replaces the
masked-out elements by the identity of the reduction (sum 0, prod 1, amax -inf or the dtype's min, ...) and runs the
ordinary mtv2 op: gradients and double backward come from those differentiable ops (torch.where passes no gradient to
the masked-out elements, as torch's does). mtv2 has no sparse layouts and no MaskedTensor, so only torch's strided
paths exist here. Like torch, dtype= is (mostly) a cast of the result, not a computation dtype, and the defaults
follow torch's function by function (argmax's result takes the input's dtype; integer sums go to int64).
"""
import builtins
import math

from .._dtype import bool as _bool, float32, iinfo, int8, int16, int32, int64, uint8
from ..creation import ones, tensor
from ..ops.activation import log_softmax as _log_softmax, softmax as _softmax, softmin as _softmin
from ..ops.elementwise import div, logaddexp as _logaddexp, maximum, sqrt, sub, where
from ..ops.pointwise_math import isnan
from ..ops.reduction import (amax as _amax, amin as _amin, argmax as _argmax, argmin as _argmin,
                             logsumexp as _logsumexp, sum as _sum, vector_norm)
from ..ops.scan_sort import cumprod as _cumprod, cumsum as _cumsum
from ..ops.statistics import nanmedian
from ..ops.views import broadcast_to

__all__ = ["amax", "amin", "argmax", "argmin", "cumprod", "cumsum", "log_softmax", "logaddexp", "logsumexp", "mean",
           "median", "norm", "normalize", "prod", "softmax", "softmin", "std", "sum", "var"]

# the integer dtypes torch.masked.sum/prod widen to int64 by default (as torch.sum does)
_SMALL_INTEGERS = (uint8, _bool, int8, int16, int32)


def _is_signed_or_uint8(dtype):
    return dtype is uint8 or (not dtype.is_floating_point and dtype is not _bool)


def _reduction_identity(op_name, input, *args):
    """The value that leaves `op_name` unchanged, as a 0-dim tensor of input's dtype; None when there is none (mean,
    var, std: handled by counting). Raises NotImplementedError for the dtypes torch has no identity for (bool amax)."""
    dtype = input.dtype
    floating = dtype.is_floating_point
    if op_name in ("sum", "cumsum"):
        return tensor(0, dtype=dtype)
    if op_name in ("prod", "cumprod"):
        return tensor(1, dtype=dtype)
    if op_name in ("amax", "argmax", "logaddexp", "logsumexp"):
        if floating:
            return tensor(-math.inf, dtype=dtype)
        if _is_signed_or_uint8(dtype):
            return tensor(iinfo(dtype).min, dtype=dtype)
    elif op_name in ("amin", "argmin"):
        if floating:
            return tensor(math.inf, dtype=dtype)
        if _is_signed_or_uint8(dtype):
            return tensor(iinfo(dtype).max, dtype=dtype)
    elif op_name in ("mean", "var", "std"):
        return None
    elif op_name == "norm":
        ord = args[0] if args else 2
        if ord == -math.inf:
            # torch asserts this (an AssertionError): min |x| has no integer identity
            if not floating:
                raise AssertionError(f"input must be floating point, got {dtype}")
            return tensor(math.inf, dtype=dtype)
        return tensor(0, dtype=dtype)
    elif op_name == "median":
        # nanmedian skips NaN, so NaN is median's identity (integer inputs are computed in float32)
        return tensor(math.nan, dtype=dtype if floating else float32)
    raise NotImplementedError(f"identity of {op_name} on {dtype} input")


def _canonical_dim(dim, ndim):
    """dim as a sorted tuple of non-negative dims (None or () meaning all); torch's errors for repeats and range."""
    if dim == ():
        dim = None
    if dim is None:
        return tuple(range(ndim))
    ndim = builtins.max(ndim, 1)  # a 0-dim tensor takes dim 0 and -1, as torch's reductions do
    dims = []
    for d in ((dim,) if isinstance(dim, int) else dim):
        if d in dims:
            raise RuntimeError(f"dim={d} appears multiple times in the list of dims")
        if d >= ndim or d < -ndim:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {d})")
        dims.append(d % ndim)
    return tuple(sorted(dims))


def _input_mask(input, *args, **kwargs):
    """The mask as a bool tensor of input's shape: a smaller mask is broadcast (never one of more dims: IndexError, as
    torch), any dtype is converted with .to(bool)."""
    mask = kwargs.get("mask")
    if mask is None:
        raise ValueError("_input_mask requires explicit mask")
    if mask.shape != input.shape:
        if mask.ndim > input.ndim:
            raise IndexError(
                "_input_mask expected broadcastable mask (got mask dimensionality higher than of the input)")
        mask = broadcast_to(mask.clone(), input.shape)
    return mask.to(dtype=_bool)


_REDUCTIONS = {"sum", "prod", "amax", "amin", "argmax", "argmin", "mean", "median", "norm", "var", "std", "logsumexp"}
_NORMALIZATIONS = {"softmax", "log_softmax", "softmin", "normalize", "cumsum", "cumprod"}


def _output_mask(op, input, *args, **kwargs):
    """Where the result of the masked function `op`, called with these arguments, is defined: for a reduction, the
    slices with at least one masked-in element (torch's any over the reduced dims); for a normalisation, the input
    mask itself. torch's OpInfo gradient wrappers zero the rest of the output with it."""
    if not callable(op):
        raise ValueError(f"_output_mask expected masked operation (got {type(op).__name__} object)")
    if op.__name__ in _REDUCTIONS:
        if op.__name__ == "norm" and args:
            args = args[1:]   # norm's first positional argument is ord; dim comes after it
        dim = args[0] if args else kwargs.get("dim")
        outmask = _input_mask(input, *args, **kwargs)
        keepdim = builtins.bool(kwargs.get("keepdim", False))
        for d in reversed(_canonical_dim(dim, input.ndim)):
            outmask = outmask.any(dim=d, keepdim=keepdim)
        return outmask
    if op.__name__ in _NORMALIZATIONS:
        return _input_mask(input, *args, **kwargs)
    raise ValueError(f"_output_mask expected masked operation (got callable {op.__module__}.{op.__name__})")


def _combine_input_and_mask(op_name, input, mask, *args):
    """input with its masked-out elements replaced by op_name's identity (input itself when there is no mask)."""
    if mask is None:
        return input
    canonical = _input_mask(input, mask=mask)
    return where(canonical, input, _reduction_identity(op_name, input, *args))


def _default_widened(input, dtype):
    if dtype is not None:
        return dtype
    return int64 if input.dtype in _SMALL_INTEGERS else input.dtype


def sum(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    dtype = _default_widened(input, dtype)
    dim_ = _canonical_dim(dim, input.ndim)
    masked = _combine_input_and_mask("sum", input, mask)
    return _sum(masked, dim_, builtins.bool(keepdim), dtype=dtype)


def prod(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    dtype = _default_widened(input, dtype)
    dim_ = _canonical_dim(dim, input.ndim)
    result = _combine_input_and_mask("prod", input, mask).to(dtype=dtype)
    # torch.prod takes one dim: the dims one at a time, the last first so that the earlier indices stay valid
    for d in reversed(dim_):
        result = result.prod(dim=d, keepdim=builtins.bool(keepdim))
    return result


def cumsum(input, dim, *, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    masked = _combine_input_and_mask("sum", input, mask)
    return _cumsum(masked, dim_, dtype=dtype).to(dtype=dtype)


def cumprod(input, dim, *, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    masked = _combine_input_and_mask("prod", input, mask)
    return _cumprod(masked, dim_, dtype=dtype).to(dtype=dtype)


def amax(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    masked = _combine_input_and_mask("amax", input, mask)
    return _amax(masked, _canonical_dim(dim, masked.ndim), builtins.bool(keepdim)).to(dtype=dtype)


def amin(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    masked = _combine_input_and_mask("amin", input, mask)
    return _amin(masked, _canonical_dim(dim, masked.ndim), builtins.bool(keepdim)).to(dtype=dtype)


def argmax(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    # torch casts the indices to dtype, which defaults to the input's (float indices for a float input)
    dtype = input.dtype if dtype is None else dtype
    masked = _combine_input_and_mask("argmax", input, mask)
    return _argmax(masked, dim, builtins.bool(keepdim)).to(dtype=dtype)


def argmin(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    masked = _combine_input_and_mask("argmin", input, mask)
    return _argmin(masked, dim, builtins.bool(keepdim)).to(dtype=dtype)


def mean(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    source = "Optional"
    if dtype is None:
        dtype = input.dtype
        source = "Input"
    if not (dtype.is_floating_point or getattr(dtype, "is_complex", False)):
        raise ValueError(f"mean(): Could not infer output dtype. {source} dtype must be either "
                         f"a floating point or complex dtype. Got: {dtype}")
    # the sum over the masked-in elements divided by their count: 0 / 0 = nan where a row is fully masked out
    if mask is None:
        count = sum(ones(input.shape, dtype=int64), dim, keepdim=keepdim)
        total = sum(input, dim, keepdim=keepdim, dtype=dtype)
    else:
        inmask = _input_mask(input, mask=mask)
        count = inmask.sum(dim=dim, keepdim=builtins.bool(keepdim))
        total = sum(input, dim, keepdim=keepdim, dtype=dtype, mask=inmask)
    return total / count


def median(input, dim=-1, *, keepdim=False, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    is_float = input.dtype.is_floating_point
    if not is_float:
        input = input.to(dtype=float32)
    masked = _combine_input_and_mask("median", input, mask)
    output = nanmedian(masked, dim_, keepdim).values
    if is_float:
        return output
    if not isnan(output).any():
        return output.to(dtype=dtype)
    raise ValueError("masked median expects no fully masked out rows if dtype is not floating point")


def logsumexp(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)
    masked = _combine_input_and_mask("logsumexp", input, mask)
    return _logsumexp(masked, dim_, keepdim=keepdim).to(dtype=dtype)


def logaddexp(input, other, *, dtype=None, input_mask=None, other_mask=None):
    dtype = input.dtype if dtype is None else dtype
    masked_input = _combine_input_and_mask("logaddexp", input, input_mask)
    masked_other = _combine_input_and_mask("logaddexp", other, other_mask)
    return _logaddexp(masked_input, masked_other).to(dtype=dtype)


def norm(input, ord=2.0, dim=None, *, keepdim=False, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    masked = _combine_input_and_mask("norm", input, mask, ord)
    return vector_norm(masked, ord, _canonical_dim(dim, input.ndim), builtins.bool(keepdim), dtype=dtype)


def _std_var(input, dim, unbiased, *, correction_opt, keepdim, dtype, mask, take_sqrt):
    if unbiased is not None and correction_opt is not None:
        raise AssertionError("Only one of unbiased and correction may be given")
    correction = 1.0
    if unbiased is not None:
        correction = 1.0 if unbiased else 0.0
    if correction_opt is not None:
        correction = builtins.float(correction_opt)
    if dtype is None:
        dtype = input.dtype
        if not dtype.is_floating_point:
            dtype = float32
    compute_dtype = dtype if dtype.is_floating_point else float32
    # two passes, as torch's: the masked mean (keepdim, to broadcast back), then the masked sum of squared deviations
    if mask is None:
        count = sum(ones(input.shape, dtype=int64), dim, keepdim=True)
        sample_total = sum(input, dim, keepdim=True, dtype=dtype)
    else:
        inmask = _input_mask(input, mask=mask)
        count = inmask.sum(dim=dim, keepdim=True)
        sample_total = sum(input, dim, keepdim=True, dtype=dtype, mask=inmask)
    x = sub(input, div(sample_total, count))
    total = sum(x * x, dim, keepdim=keepdim, dtype=compute_dtype, mask=None if mask is None else inmask)
    if not keepdim:
        count = count.reshape(total.shape)
    if correction != 0:
        # fewer elements than the correction give a zero divisor (inf or nan), never a negative one
        count = sub(count.to(compute_dtype), correction)
        count = maximum(count, count.new_zeros([]))
    output = div(total, count).to(dtype=dtype)
    return sqrt(output) if take_sqrt else output


def var(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    return _std_var(input, dim, unbiased, correction_opt=correction, keepdim=keepdim, dtype=dtype, mask=mask,
                    take_sqrt=False)


def std(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    return _std_var(input, dim, unbiased, correction_opt=correction, keepdim=keepdim, dtype=dtype, mask=mask,
                    take_sqrt=True)


def softmax(input, dim, *, dtype=None, mask=None):
    # masked-out elements become amax's identity (-inf): exp gives them 0 and a fully masked row 0 / 0 = nan
    dtype = input.dtype if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    masked = _combine_input_and_mask("amax", input, mask)
    return _softmax(masked, dim_, dtype=dtype)


def log_softmax(input, dim, *, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    masked = _combine_input_and_mask("amax", input, mask)
    return _log_softmax(masked, dim_, dtype=dtype)


def softmin(input, dim, *, dtype=None, mask=None):
    # softmin negates: masked-out elements take +inf (amin's identity) so that they too weigh 0
    dtype = input.dtype if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    masked = _combine_input_and_mask("amin", input, mask)
    return _softmin(masked, dim_, dtype=dtype)


def normalize(input, ord, dim, *, eps=1e-12, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    masked = _combine_input_and_mask("sum", input, mask)
    nrm = norm(input, ord, dim, keepdim=True, dtype=dtype, mask=mask)
    return div(masked, maximum(nrm, nrm.new_full([], eps)))
