"""torch.nn.functional.scaled_dot_product_attention and multi_head_attention_forward, written from matmul, softmax
and linear (composites, no rule of their own).

scaled_dot_product_attention: softmax(query @ key^T * scale + bias) @ value, where bias is 0 / -inf from a bool
mask (True = attend) or the float mask itself, plus -inf above the diagonal when is_causal. torch's CPU kernels
give 0 (and a zero gradient) for a row whose every position is masked, where the textbook formula would give NaN;
so does this one.

multi_head_attention_forward: torch's Python function step by step (torch/nn/functional.py), because its two
branches are observably different: need_weights=True computes softmax(q k^T / sqrt(d) + mask) itself (NaN for a
fully masked row), need_weights=False goes through scaled_dot_product_attention (0 for that row).
"""
import math
import warnings

from .. import _dtype
from ..creation import ones, zeros, zeros_like
from ..ops._surface import public
from ..ops.activation import softmax
from ..ops.elementwise import where
from ..ops.joining import cat, pad
from ..ops.linalg import baddbmm, bmm, matmul
from .functional_dropout import dropout, dropout_mask
from .functional_layers import linear

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


# ================================================================ multi_head_attention_forward

def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """Whether the input is batched (3-D query) or not (2-D); torch raises AssertionError for the rest."""
    if query.dim() == 3:
        if key.dim() != 3 or value.dim() != 3:
            raise AssertionError("For batched (3-D) `query`, expected `key` and `value` to be 3-D"
                                 f" but found {key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise AssertionError("For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D"
                                 f" but found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError("For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D"
                                 f" but found {attn_mask.dim()}-D tensor instead")
        return True
    if query.dim() == 2:
        if key.dim() != 2 or value.dim() != 2:
            raise AssertionError("For unbatched (2-D) `query`, expected `key` and `value` to be 2-D"
                                 f" but found {key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise AssertionError("For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D"
                                 f" but found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError("For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D"
                                     f" but found {attn_mask.dim()}-D tensor instead")
            if attn_mask.dim() == 3:
                expected_shape = (num_heads, query.shape[0], key.shape[0])
                if tuple(attn_mask.shape) != expected_shape:
                    raise AssertionError(f"Expected `attn_mask` shape to be {expected_shape} but got "
                                         f"{attn_mask.shape}")
        return False
    raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {query.dim()}-D query "
                         "tensor")


def canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """torch's F._canonical_mask: a bool mask (True = masked) becomes 0 / -inf in target_type; a float mask is kept.
    Masks of two different dtypes are accepted with torch's deprecation warning."""
    if mask is None:
        return None
    if mask.dtype is not _dtype.bool and not mask.dtype.is_floating_point:
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype is not other_type:
        warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. Use same type for both "
                      "instead.", stacklevel=2)   # as torch: the warning points at the function checking the masks
    if not mask.dtype.is_floating_point:
        mask = zeros_like(mask, dtype=target_type).masked_fill_(mask, -math.inf)
    return mask


def none_or_dtype(input):
    return None if input is None else input.dtype


def _in_projection_packed(q, k, v, w, b):
    """q, k, v through the packed (3E, E) weight; self-attention projects once and splits (torch's order)."""
    embed = q.shape[-1]
    if k is v:
        if q is k:
            proj = linear(q, w, b).unflatten(-1, (3, embed)).unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous()
            return proj[0], proj[1], proj[2]
        w_q, w_kv = w.split([embed, embed * 2])
        b_q, b_kv = (None, None) if b is None else b.split([embed, embed * 2])
        kv = linear(k, w_kv, b_kv).unflatten(-1, (2, embed)).unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous()
        return linear(q, w_q, b_q), kv[0], kv[1]
    w_q, w_k, w_v = w.chunk(3)
    b_q, b_k, b_v = (None, None, None) if b is None else b.chunk(3)
    return linear(q, w_q, b_q), linear(k, w_k, b_k), linear(v, w_v, b_v)


def _in_projection(q, k, v, w_q, w_k, w_v, b_q, b_k, b_v):
    """q, k, v through separate weights (kdim / vdim differ from embed_dim), with torch's shape assertions."""
    eq, ek, ev = q.shape[-1], k.shape[-1], v.shape[-1]
    for what, tensor, shape in (("query weights", w_q, (eq, eq)), ("key weights", w_k, (eq, ek)),
                                ("value weights", w_v, (eq, ev)), ("query bias", b_q, (eq,)),
                                ("key bias", b_k, (eq,)), ("value bias", b_v, (eq,))):
        if tensor is not None and tuple(tensor.shape) != shape:
            raise AssertionError(f"expecting {what} shape of {shape}, but got {tensor.shape}")
    return linear(q, w_q, b_q), linear(k, w_k, b_k), linear(v, w_v, b_v)


def _static(static, name, batch_heads, head_dim):
    if static.size(0) != batch_heads:
        raise AssertionError(f"expecting {name}.size(0) of {batch_heads}, but got {static.size(0)}")
    if static.size(2) != head_dim:
        raise AssertionError(f"expecting {name}.size(2) of {head_dim}, but got {static.size(2)}")
    return static


@public(function=False, functional=True)
def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:   # run as a batch of one, squeezed again at the end
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = canonical_mask(key_padding_mask, "key_padding_mask", none_or_dtype(attn_mask), "attn_mask",
                                      query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module method "
                           "`generate_square_subsequent_mask` to create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None   # the hint alone drives scaled_dot_product_attention
    else:
        attn_mask = canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)
        if key_padding_mask is not None:
            is_causal = False   # the merged mask is no longer causal
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match value's "
                                 f"{value.shape[:2]}")
    elif tuple(key.shape) != tuple(value.shape):
        raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")

    if not use_separate_proj_weight:
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)
    else:
        for name, weight in (("q", q_proj_weight), ("k", k_proj_weight), ("v", v_proj_weight)):
            if weight is None:
                raise AssertionError(f"use_separate_proj_weight is True but {name}_proj_weight is None")
        biases = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
        q, k, v = _in_projection(query, key, value, q_proj_weight, k_proj_weight, v_proj_weight, *biases)

    if attn_mask is not None:   # made 3-D: (1 or bsz * num_heads, tgt_len, src_len)
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(tgt_len, src_len)}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(bsz * num_heads, tgt_len, src_len)}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")

    if bias_k is not None and bias_v is not None:   # one more key and value, learned, at the end of the sequence
        if static_k is not None:
            raise AssertionError("bias cannot be added to static key.")
        if static_v is not None:
            raise AssertionError("bias cannot be added to static value.")
        k = cat([k, bias_k.repeat(1, bsz, 1)])
        v = cat([v, bias_v.repeat(1, bsz, 1)])
        attn_mask = None if attn_mask is None else pad(attn_mask, (0, 1))
        key_padding_mask = None if key_padding_mask is None else pad(key_padding_mask, (0, 1))
    elif bias_k is not None:
        raise AssertionError("multi_head_attention_forward: bias_k is set but bias_v is None")   # torch: no name
    elif bias_v is not None:
        raise AssertionError("multi_head_attention_forward: bias_v is set but bias_k is None")

    # heads folded into the batch: (bsz * num_heads, length, head_dim)
    q = q.view(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    if static_k is None:
        k = k.view(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    else:
        k = _static(static_k, "static_k", bsz * num_heads, head_dim)
    if static_v is None:
        v = v.view(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    else:
        v = _static(static_v, "static_v", bsz * num_heads, head_dim)

    if add_zero_attn:   # one more key and value of zeros
        k = cat([k, zeros((bsz * num_heads, 1, head_dim), dtype=k.dtype)], dim=1)
        v = cat([v, zeros((bsz * num_heads, 1, head_dim), dtype=v.dtype)], dim=1)
        attn_mask = None if attn_mask is None else pad(attn_mask, (0, 1))
        key_padding_mask = None if key_padding_mask is None else pad(key_padding_mask, (0, 1))
    src_len = k.size(1)

    if key_padding_mask is not None:   # merged into the attention mask, one row per (batch, head)
        if key_padding_mask.shape[0] != bsz:
            raise AssertionError(f"Expected key_padded_mask.shape[0] to be {bsz}, but got {key_padding_mask.shape[0]}")
        if key_padding_mask.shape[1] != src_len:
            raise AssertionError(f"Expected key_padded_mask.shape[1] to be {src_len}, but got "
                                 f"{key_padding_mask.shape[1]}")
        key_padding_mask = (key_padding_mask.view(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1)
                            .reshape(bsz * num_heads, 1, src_len))
        attn_mask = key_padding_mask if attn_mask is None else attn_mask + key_padding_mask
    if not training:
        dropout_p = 0.0

    if need_weights:
        q_scaled = q * math.sqrt(1.0 / float(head_dim))
        if is_causal and attn_mask is None:
            raise AssertionError("FIXME: is_causal not implemented for need_weights")
        if attn_mask is not None:
            weights = baddbmm(attn_mask, q_scaled, k.transpose(-2, -1))
        else:
            weights = bmm(q_scaled, k.transpose(-2, -1))
        weights = softmax(weights, dim=-1)
        if dropout_p > 0.0:
            weights = dropout(weights, p=dropout_p)
        output = bmm(weights, v).transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        output = linear(output, out_proj_weight, out_proj_bias)
        output = output.view(tgt_len, bsz, output.size(1))
        weights = weights.view(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(dim=1)
        if not is_batched:
            output, weights = output.squeeze(1), weights.squeeze(0)
        return output, weights

    if attn_mask is not None:   # (1, L, S) -> (1, 1, L, S); (bsz * num_heads, L, S) -> (bsz, num_heads, L, S)
        if attn_mask.size(0) == 1 and attn_mask.dim() == 3:
            attn_mask = attn_mask.unsqueeze(0)
        else:
            attn_mask = attn_mask.view(bsz, num_heads, -1, src_len)
    q = q.view(bsz, num_heads, tgt_len, head_dim)
    k = k.view(bsz, num_heads, src_len, head_dim)
    v = v.view(bsz, num_heads, src_len, head_dim)
    output = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    output = output.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    output = linear(output, out_proj_weight, out_proj_bias)
    output = output.view(tgt_len, bsz, output.size(1))
    if not is_batched:
        output = output.squeeze(1)
    return output, None
