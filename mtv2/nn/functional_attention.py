"""torch.nn.functional.scaled_dot_product_attention, written from matmul and softmax (a composite, no rule).

softmax(query @ key^T * scale + bias) @ value, where bias is 0 / -inf from a bool mask (True = attend) or the
float mask itself, plus -inf above the diagonal when is_causal. torch's CPU kernels give 0 (and a zero gradient)
for a row whose every position is masked, where the textbook formula would give NaN; so does this one.
"""
import math

from .. import _dtype
from ..creation import ones, zeros
from ..ops._surface import public
from ..ops.activation import softmax
from ..ops.elementwise import where
from ..ops.linalg import matmul
from .functional_dropout import dropout_mask

_NAME = "scaled_dot_product_attention"


def _check_inputs(query, key, value, attn_mask, dropout_p, is_causal):
    if query.dtype is not key.dtype or query.dtype is not value.dtype:
        raise RuntimeError(f"{_NAME}: Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{_dtype.c_type_name(query.dtype)} key.dtype: {_dtype.c_type_name(key.dtype)} and "
                           f"value.dtype: {_dtype.c_type_name(value.dtype)} instead.")
    if min(query.dim(), key.dim(), value.dim()) < 2:
        raise RuntimeError(f"{_NAME}: Expected query, key, and value to all be  at least 2 dimensional, but got "
                           f"query.dim: {query.dim()} key.dim: {key.dim()} and value.dim: {value.dim()} instead.")
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"{_NAME}: query, key and value of shapes {list(query.shape)}, {list(key.shape)} and "
                           f"{list(value.shape)} do not fit: the key's last size must be the query's "
                           f"({query.shape[-1]})"
                           f" and key and value must have the same length ({key.shape[-2]} vs {value.shape[-2]})")
    if not query.dtype.is_floating_point and query.numel() and key.numel():  # torch checks only non-empty inputs
        raise RuntimeError(f"{_NAME}: expected scalar type Float but found {_dtype.scalar_type_name(query.dtype)}")
    if attn_mask is not None and attn_mask.dtype is not _dtype.bool and attn_mask.dtype is not query.dtype:
        raise RuntimeError(f"{_NAME}: Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                           f"attn_mask.dtype: {_dtype.c_type_name(attn_mask.dtype)} and  query.dtype: "
                           f"{_dtype.c_type_name(query.dtype)} instead.")
    if is_causal and attn_mask is not None:
        raise RuntimeError(f"_{_NAME}: Explicit attn_mask should not be set when is_causal=True")
    if not 0.0 <= dropout_p <= 1.0:
        raise RuntimeError(f"{_NAME}: dropout probability has to be between 0 and 1, but got {dropout_p}")


def _grouped(key, value, query_heads):
    """enable_gqa: each key/value head serves a group of consecutive query heads."""
    key_heads = key.shape[-3]
    if query_heads % key_heads != 0:
        raise RuntimeError(f"{_NAME}: Number of heads in key and value must divide the number of heads in query")
    repeats = query_heads // key_heads
    return key.repeat_interleave(repeats, -3), value.repeat_interleave(repeats, -3)


@public(function=False, functional=True)
def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    _check_inputs(query, key, value, attn_mask, dropout_p, is_causal)
    if enable_gqa and query.dim() >= 3 and key.dim() >= 3 and key.shape[-3] != query.shape[-3]:
        key, value = _grouped(key, value, query.shape[-3])
    scale_factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    result_dtype = query.dtype
    if not result_dtype.is_floating_point:  # empty integer inputs: torch returns zeros without computing
        shape = tuple(query.shape[:-1]) + (value.shape[-1],)
        return zeros(shape, dtype=result_dtype)
    if result_dtype.itemsize == 2:
        # torch's CPU kernels compute half-precision attention in float32 and round the output once
        query, key, value = query.float(), key.float(), value.float()
        attn_mask = attn_mask.float() if attn_mask is not None and attn_mask.dtype is not _dtype.bool else attn_mask
    scores = matmul(query, key.transpose(-2, -1)) * scale_factor
    target, source = query.shape[-2], key.shape[-2]
    allowed = None  # bool: where attention may look
    if is_causal:
        allowed = ones((target, source), dtype=_dtype.bool).tril()
    elif attn_mask is not None and attn_mask.dtype is _dtype.bool:
        allowed = attn_mask
    if allowed is not None:
        scores = scores.masked_fill(allowed.logical_not(), -math.inf)
    elif attn_mask is not None:
        scores = scores + attn_mask
    # A row with nothing to attend to: softmax of all -inf is NaN; torch's kernels give 0 and no gradient.
    empty_rows = (scores.detach() == -math.inf).all(-1, keepdim=True)
    weights = softmax(where(empty_rows, zeros((), dtype=scores.dtype), scores), -1)
    weights = where(empty_rows, zeros((), dtype=weights.dtype), weights)
    if dropout_p > 0.0:
        weights = weights * 0.0 if dropout_p == 1.0 else weights * dropout_mask(weights.detach(), dropout_p)
    return matmul(weights, value).to(result_dtype)
