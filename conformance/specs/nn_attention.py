"""Dropout (nn.functional.dropout, dropout1d/2d/3d, nn.Dropout, Dropout1d/2d/3d),
nn.functional.scaled_dot_product_attention, nn.functional.multi_head_attention_forward, nn.MultiheadAttention and
the Transformer layers (section at the end of the file).

Where dropout is deterministic (p = 0, p = 1, eval mode, attention with dropout_p = 0) rows compare values and
gradients with torch. Where it draws a mask, torch's mask cannot be reproduced (mtv2's streams are its own), so
the row's function returns facts that hold for any correct dropout, computed the same way in both frameworks:
every output element is either 0 or the input times 1 / (1 - p), the kept fraction lies within 5 standard
errors of 1 - p, and the gradient is the same 0 / (1 / (1 - p)) mask; channel-wise dropout keeps or drops whole
channels.
"""
import functools
import math
import warnings

from conformance.inputs import Sample, T
from conformance.module_spec import ModuleSpec
from conformance.spec import HALF_PRECISION_BACKWARD, ErrorCase, OpSpec, Tolerance

FLOATS = ("float16", "bfloat16", "float32", "float64")
KEPT_FRACTION_STANDARD_ERRORS = 5


def _close(fw, actual, expected, dtype):
    """Equal up to two roundings in dtype (torch scales the mask in the input's dtype, then multiplies)."""
    slack = 4 * fw.finfo(dtype).eps * expected.abs() + 1e-30
    return bool(((actual - expected).abs() <= slack).all())


def _mask_facts(fw, output, kept, scaled_input, p, units=None):
    """units: how many independent draws the mask holds (default: one per element)."""
    count = units or output.numel()
    fraction = float(kept.double().mean())
    return {"shape": tuple(output.shape), "dtype": str(output.dtype),
            "zero_or_scaled": _close(fw, output.detach().double(), scaled_input * kept, output.dtype),
            "kept_fraction_as_predicted":
                abs(fraction - (1 - p)) <= KEPT_FRACTION_STANDARD_ERRORS * math.sqrt(p * (1 - p) / count)}


def _dropout_facts(fw, x, p, inplace=False, module=False, kind="", channel_dims=0):
    """Run training-mode dropout{kind} on a copy of x that requires grad; facts about its mask and gradient.
    channel_dims > 0: channel-wise dropout, one draw per index of the first channel_dims dims."""
    leaf = x.detach().clone().requires_grad_()
    source = leaf * 1 if inplace else leaf  # an in-place op needs a non-leaf
    if module:
        layer = getattr(fw.nn, f"Dropout{kind}")(p, inplace=inplace)
        output = layer(source)
    else:
        output = getattr(fw.nn.functional, f"dropout{kind.lower()}")(source, p, training=True, inplace=inplace)
    kept = output.detach() != 0   # x is drawn nonzero, so a zero output is a dropped element
    scale = 1.0 / (1.0 - p)
    units = None
    if channel_dims:
        units = math.prod(x.shape[:channel_dims])
    facts = _mask_facts(fw, output, kept, x.detach().double() * scale, p, units)
    if channel_dims:
        per_channel = kept.reshape(units, -1)
        facts["whole_channels"] = bool((per_channel.all(-1) | per_channel.logical_not().all(-1)).all())
    output.backward(fw.ones_like(output))
    facts["gradient_is_the_mask"] = _close(fw, leaf.grad.double(), kept.double() * scale, x.dtype)
    facts["returns_self"] = output is source
    return facts


MASK_SAMPLES = (Sample("p0.3", (T(120, 200),), {"p": 0.3}),
                Sample("p0.7_transposed", (T(120, 200, layout="transposed"),), {"p": 0.7}),
                Sample("p0.5_inplace", (T(100, 100),), {"p": 0.5, "inplace": True}))
IDENTITY_SAMPLES = (Sample("p0", (T(3, 4),), {"p": 0.0}),
                    Sample("eval", (T(3, 4),), {"p": 0.5, "training": False}),
                    Sample("eval_inplace", (T(2, 5),), {"p": 0.5, "training": False, "inplace": True}),
                    Sample("p0_0d", (T(),), {"p": 0.0}),
                    Sample("empty_train", (T(0, 3),), {"p": 0.5}),   # torch returns an empty input as it is
                    Sample("eval_transposed", (T(3, 4, layout="transposed"),), {"p": 0.2, "training": False}))


def _probability_error(label, p):
    return ErrorCase(label, lambda fw, x: fw.nn.functional.dropout(x, p), Sample("matrix", (T(3, 4),)), ValueError)


def _dropout(fw, x, **kwargs):
    return fw.nn.functional.dropout(x, **kwargs)


DROPOUT_SPECS = [
    # p = 0 and eval mode hand back the input itself (alias), on every dtype
    OpSpec("nn.functional.dropout", _dropout, IDENTITY_SAMPLES, FLOATS + ("int64",), variant="identity", alias=True,
           errors=(_probability_error("p_negative", -0.1), _probability_error("p_above_one", 1.5))),
    # p = 1: every element dropped; integers are refused in training mode as torch does
    OpSpec("nn.functional.dropout", _dropout, (Sample("p1", (T(3, 4),), {"p": 1.0}),
                                               Sample("p1_strided", (T(3, 4, layout="strided"),), {"p": 1.0})),
           FLOATS + ("int64",), variant="p1",
           errors=(ErrorCase("p0.5_train_integer", lambda fw, x: _dropout(fw, x, p=0.5), Sample("matrix", (T(3, 4),)),
                             RuntimeError, ("int64",)),)),
    OpSpec("nn.functional.dropout", lambda fw, x, **kw: _dropout_facts(fw, x, **kw), MASK_SAMPLES, FLOATS,
           variant="train_mask", domain="nonzero", grad=False),
    *ModuleSpec("nn.Dropout", lambda fw: fw.nn.Dropout(0.0), (Sample("batch", (T(2, 3, 4),)),), FLOATS,
                variant="p0",
                errors=(ErrorCase("p_above_one", lambda fw, x: fw.nn.Dropout(1.5), Sample("any", (T(2),)),
                                  ValueError),
                        ErrorCase("p_negative", lambda fw, x: fw.nn.Dropout(-0.5), Sample("any", (T(2),)),
                                  ValueError))),
    *ModuleSpec("nn.Dropout", lambda fw: fw.nn.Dropout(0.5), (Sample("batch", (T(2, 3, 4),)),), FLOATS,
                variant="p0.5", modes=("eval",)),
    *ModuleSpec("nn.Dropout", lambda fw: fw.nn.Dropout(1.0), (Sample("batch", (T(2, 3, 4),)),), FLOATS,
                variant="p1", modes=("train",)),
    OpSpec("nn.Dropout", lambda fw, x, **kw: _dropout_facts(fw, x, module=True, **kw), MASK_SAMPLES, FLOATS,
           variant="train_mask", domain="nonzero", grad=False, kind="module"),
    OpSpec("nn.Dropout.__repr__", lambda fw, x: (repr(fw.nn.Dropout()), repr(fw.nn.Dropout(0.25, inplace=True))),
           (Sample("repr", (T(1),)),), ("float32",), grad=False),
]


# ---------------------------------------------------------------- channel-wise: dropout1d, dropout2d, dropout3d

FEATURE_KINDS = (  # (suffix, batched shape of the mask samples, unbatched shape or None); 2,000 channels each
    ("1d", (50, 40, 6), (2000, 5)),
    ("2d", (50, 40, 3, 2), None),
    ("3d", (40, 50, 2, 2, 2), (2000, 2, 2, 2)),
)


def _feature_specs(kind, batched_shape, unbatched_shape):
    name = f"nn.functional.dropout{kind}"
    call = lambda fw, x, **kw: getattr(fw.nn.functional, f"dropout{kind}")(x, **kw)
    small = batched_shape[:1] + (3,) + (2,) * (len(batched_shape) - 2)
    mask_samples = [Sample("p0.3", (T(*batched_shape),), {"p": 0.3, "channel_dims": 2}),
                    Sample("p0.6_inplace", (T(*batched_shape),), {"p": 0.6, "inplace": True, "channel_dims": 2})]
    if unbatched_shape:
        mask_samples.append(Sample("unbatched_p0.4", (T(*unbatched_shape),), {"p": 0.4, "channel_dims": 1}))
    errors = (ErrorCase("p_above_one", lambda fw, x: call(fw, x, p=1.5), Sample("x", (T(*small),)), ValueError),)
    if kind in ("1d", "2d"):  # a 1-D input: dropout1d refuses it; dropout2d warns, then feature dropout refuses it
        errors += (ErrorCase("1d_input", lambda fw, x: call(fw, x, p=0.5), Sample("x", (T(5),)), RuntimeError),)
    return [
        OpSpec(name, call, (Sample("p0", (T(*small),), {"p": 0.0}),
                            Sample("eval", (T(*small),), {"p": 0.5, "training": False}),
                            Sample("p0_unbatched", (T(*small[1:]),), {"p": 0.0})),
               FLOATS + ("int64",), variant="identity", alias=True, errors=errors),
        OpSpec(name, call, (Sample("p1", (T(*small),), {"p": 1.0}),), FLOATS + ("int64",), variant="p1"),
        OpSpec(name, lambda fw, x, **kw: _dropout_facts(fw, x, kind=kind, **kw), tuple(mask_samples), FLOATS,
               variant="train_mask", domain="nonzero", grad=False),
        *ModuleSpec(f"nn.Dropout{kind}", lambda fw: getattr(fw.nn, f"Dropout{kind}")(0.0),
                    (Sample("batch", (T(*small),)),), FLOATS, variant="p0"),
        *ModuleSpec(f"nn.Dropout{kind}", lambda fw: getattr(fw.nn, f"Dropout{kind}")(0.5),
                    (Sample("batch", (T(*small),)),), FLOATS, variant="p0.5", modes=("eval",)),
        OpSpec(f"nn.Dropout{kind}", lambda fw, x, **kw: _dropout_facts(fw, x, module=True, kind=kind, **kw),
               tuple(mask_samples[:1]), FLOATS, variant="train_mask", domain="nonzero", grad=False, kind="module"),
    ]


FEATURE_DROPOUT_SPECS = [spec for kind, batched, unbatched in FEATURE_KINDS
                         for spec in _feature_specs(kind, batched, unbatched)]


# ---------------------------------------------------------------- alpha_dropout, feature_alpha_dropout

SELU_ALPHA = 1.7580993408473766


def _alpha_facts(fw, x, p, inplace=False, feature=False, module=False):
    """Alpha dropout: kept elements become a * x + alpha * a * p, dropped ones the constant alpha * a * (p - 1),
    with a = 1 / sqrt((alpha^2 p + 1)(1 - p)); the gradient is a where kept, 0 where dropped."""
    leaf = x.detach().clone().requires_grad_()
    source = leaf * 1 if inplace else leaf
    if module:
        output = (fw.nn.FeatureAlphaDropout if feature else fw.nn.AlphaDropout)(p)(source)
    else:
        function = fw.nn.functional.feature_alpha_dropout if feature else fw.nn.functional.alpha_dropout
        output = function(source, p, training=True, inplace=inplace)
    a = 1.0 / math.sqrt((SELU_ALPHA ** 2 * p + 1) * (1 - p))
    dropped_value = SELU_ALPHA * a * (p - 1)
    values = output.detach().double()
    eps = fw.finfo(x.dtype).eps
    kept = (values - dropped_value).abs() > 4 * eps * abs(dropped_value)
    expected = x.detach().double() * a + SELU_ALPHA * a * p
    units = math.prod(x.shape[:2]) if feature else None
    count = units or output.numel()
    fraction = float(kept.double().mean())
    facts = {"shape": tuple(output.shape), "dtype": str(output.dtype),
             "kept_are_affine": _close(fw, values * kept, expected * kept, x.dtype),
             "kept_fraction_as_predicted":
                 abs(fraction - (1 - p)) <= KEPT_FRACTION_STANDARD_ERRORS * math.sqrt(p * (1 - p) / count)}
    if feature:
        per_channel = kept.reshape(units, -1)
        facts["whole_channels"] = bool((per_channel.all(-1) | per_channel.logical_not().all(-1)).all())
    output.backward(fw.ones_like(output))
    facts["gradient_is_a_where_kept"] = _close(fw, leaf.grad.double(), kept.double() * a, x.dtype)
    facts["returns_self"] = output is source
    return facts


def _alpha(fw, x, feature=False, **kwargs):
    return (fw.nn.functional.feature_alpha_dropout if feature else fw.nn.functional.alpha_dropout)(x, **kwargs)


ALPHA_IDENTITY_SAMPLES = (Sample("default_not_training", (T(3, 4),), {"p": 0.5}),   # torch's default: training=False
                          Sample("p0", (T(3, 4),), {"p": 0.0, "training": True}),
                          Sample("feature_default", (T(2, 3, 4),), {"p": 0.5, "feature": True}),
                          Sample("feature_p0", (T(2, 3, 4),), {"p": 0.0, "training": True, "feature": True}))
ALPHA_MASK_SAMPLES = (Sample("p0.3", (T(120, 200),), {"p": 0.3}),
                      Sample("p0.6_inplace", (T(120, 200, layout="transposed"),), {"p": 0.6, "inplace": True}),
                      Sample("feature_p0.4", (T(50, 40, 6),), {"p": 0.4, "feature": True}))

ALPHA_DROPOUT_SPECS = [
    OpSpec("nn.functional.alpha_dropout", _alpha, ALPHA_IDENTITY_SAMPLES, FLOATS + ("int64",), variant="identity",
           alias=True,
           errors=(ErrorCase("p_above_one", lambda fw, x: fw.nn.functional.alpha_dropout(x, 1.5),
                             Sample("x", (T(3, 4),)), ValueError),
                   ErrorCase("feature_vector", lambda fw, x: fw.nn.functional.feature_alpha_dropout(x, 0.5, True),
                             Sample("x", (T(4),)), RuntimeError))),
    OpSpec("nn.functional.alpha_dropout", _alpha, (Sample("p1", (T(3, 4),), {"p": 1.0, "training": True}),
                                                   Sample("feature_p1", (T(2, 3, 4),),
                                                          {"p": 1.0, "training": True, "feature": True})),
           FLOATS + ("int64",), variant="p1"),
    OpSpec("nn.functional.alpha_dropout", _alpha_facts, ALPHA_MASK_SAMPLES, FLOATS, variant="train_mask", grad=False),
    *ModuleSpec("nn.AlphaDropout", lambda fw: fw.nn.AlphaDropout(0.5), (Sample("batch", (T(2, 3, 4),)),), FLOATS,
                variant="p0.5", modes=("eval",)),
    *ModuleSpec("nn.FeatureAlphaDropout", lambda fw: fw.nn.FeatureAlphaDropout(0.5), (Sample("batch", (T(2, 3, 4),)),),
                FLOATS, variant="p0.5", modes=("eval",)),
    OpSpec("nn.AlphaDropout", lambda fw, x, **kw: _alpha_facts(fw, x, module=True, **kw), ALPHA_MASK_SAMPLES[:1],
           FLOATS, variant="train_mask", grad=False, kind="module"),
    OpSpec("nn.FeatureAlphaDropout", lambda fw, x, **kw: _alpha_facts(fw, x, module=True, **kw),
           ALPHA_MASK_SAMPLES[2:], FLOATS, variant="train_mask", grad=False, kind="module"),
]


# ---------------------------------------------------------------- scaled_dot_product_attention

def _attention(fw, query, key, value, *, bool_mask=None, float_mask_rows=None, **kwargs):
    """sdpa; bool_mask: nested lists of bools (True = attend); float_mask_rows: rows of an additive mask where
    a None entry becomes -inf (a fully masked row)."""
    if bool_mask is not None:
        kwargs["attn_mask"] = fw.tensor(bool_mask)
    if float_mask_rows is not None:
        rows = [[-math.inf if entry is None else entry for entry in row] for row in float_mask_rows]
        kwargs["attn_mask"] = fw.tensor(rows, dtype=query.dtype)
    return fw.nn.functional.scaled_dot_product_attention(query, key, value, **kwargs)


def _qkv(batch, target, source, embed, value_embed=None, query_layout="contiguous"):
    return (T(*batch, target, embed, layout=query_layout), T(*batch, source, embed),
            T(*batch, source, value_embed or embed))


ROW_MASK = [[True, True, False, True, False],
            [False, False, False, False, False],   # nothing to attend to: torch gives 0 and a zero gradient
            [True, False, False, False, False],
            [True, True, True, True, True]]
FLOAT_ROWS = [[0.0, -1.0, 0.5, None, 2.0],
              [None, None, None, None, None],     # all -inf
              [0.25, 0.0, 0.0, -0.5, None],
              [1.0, 1.0, -2.0, 0.0, 0.0]]

ATTENTION_SAMPLES = (
    Sample("4d", _qkv((2, 3), 4, 5, 8, 6)),
    Sample("3d", _qkv((3,), 4, 5, 8)),
    Sample("2d", _qkv((), 4, 5, 8, 3)),
    Sample("scale", _qkv((2, 2), 3, 5, 4), {"scale": 0.3}),
    Sample("causal_square", _qkv((2, 2), 4, 4, 8), {"is_causal": True}),
    Sample("causal_wide", _qkv((2,), 3, 5, 4), {"is_causal": True}),
    Sample("bool_mask", _qkv((2, 3), 4, 5, 8, 6), {"bool_mask": ROW_MASK}),
    Sample("bool_mask_broadcast", _qkv((2, 3), 4, 5, 8, 6) + (T(2, 1, 4, 5, dtype="bool", requires_grad=False),)),
    Sample("float_mask", _qkv((2, 3), 4, 5, 8, 6), {"float_mask_rows": FLOAT_ROWS}, only_dtypes=FLOATS),
    Sample("float_mask_broadcast", _qkv((2, 3), 4, 5, 8, 6) + (T(2, 1, 4, 5),)),   # the mask gets a gradient too
    Sample("float_mask_2d", _qkv((2, 3), 4, 5, 8, 6) + (T(4, 5),)),
    Sample("transposed_query", _qkv((2,), 4, 4, 4, query_layout="transposed")),
    Sample("gqa", (T(2, 4, 3, 8), T(2, 2, 5, 8), T(2, 2, 5, 6)), {"enable_gqa": True}),
    Sample("empty_target", _qkv((2, 3), 0, 5, 8)),
)


def _attention_with_mask_operand(fw, query, key, value, attn_mask=None, **kwargs):
    return _attention(fw, query, key, value, attn_mask=attn_mask, **kwargs)


def _attention_error(label, call, sample):
    return ErrorCase(label, call, sample, RuntimeError)


def _sdpa(fw, *tensors, **kwargs):
    return fw.nn.functional.scaled_dot_product_attention(*tensors, **kwargs)


ATTENTION_ERRORS = (
    _attention_error("mask_and_causal", lambda fw, q, k, v, m: _sdpa(fw, q, k, v, attn_mask=m, is_causal=True),
                     Sample("qkvm", _qkv((2,), 4, 5, 8) + (T(4, 5, dtype="bool"),))),
    _attention_error("mixed_dtypes", lambda fw, q, k, v: _sdpa(fw, q, k, v.double()),
                     Sample("qkv", _qkv((2,), 4, 5, 8))),
    _attention_error("embed_mismatch", lambda fw, q, k, v: _sdpa(fw, q, k, v),
                     Sample("qkv", (T(2, 4, 8), T(2, 5, 7), T(2, 5, 8)))),
    _attention_error("vector_query", lambda fw, q, k, v: _sdpa(fw, q, k, v), Sample("qkv", (T(8), T(5, 8), T(5, 8)))),
    _attention_error("integer_mask", lambda fw, q, k, v, m: _sdpa(fw, q, k, v, attn_mask=m),
                     Sample("qkvm", _qkv((2,), 4, 5, 8) + (T(4, 5, dtype="int64"),))),
    _attention_error("double_mask_float_query", lambda fw, q, k, v, m: _sdpa(fw, q, k, v, attn_mask=m),
                     Sample("qkvm", _qkv((2,), 4, 5, 8) + (T(4, 5, dtype="float64"),))),
    _attention_error("heads_not_dividing", lambda fw, q, k, v: _sdpa(fw, q, k, v, enable_gqa=True),
                     Sample("qkv", (T(1, 3, 4, 8), T(1, 2, 5, 8), T(1, 2, 5, 8)))),
    _attention_error("dropout_p_above_one", lambda fw, q, k, v: _sdpa(fw, q, k, v, dropout_p=1.5),
                     Sample("qkv", _qkv((2,), 4, 5, 8))),
)


def _attention_dropout_facts(fw, query, key, **kwargs):
    """With value = identity the output IS the (dropped) attention matrix: each entry is 0 or the undropped
    weight times 1 / (1 - p), and the kept fraction is about 1 - p."""
    p = kwargs["dropout_p"]
    source = key.shape[-2]
    identity = fw.eye(source, dtype=query.dtype).expand(*key.shape[:-2], source, source)
    weights = _sdpa(fw, query, key, identity)
    dropped = _sdpa(fw, query, key, identity, dropout_p=p)
    kept = dropped != 0
    facts = _mask_facts(fw, dropped, kept, weights.double() / (1 - p), p)
    facts["all_dropped_is_zero"] = bool((_sdpa(fw, query, key, identity, dropout_p=1.0) == 0).all())
    return facts


# torch's CPU attention kernel for half inputs works in blocks (online softmax) with some intermediates rounded
# to the half type; mtv2 computes half attention in float32 and rounds the output once (the closest of the simple
# schemes tried). Outputs that are small through cancellation then differ by up to ~1e-4 (float16) / ~1e-3
# (bfloat16) absolute, a few ulps of the inputs' scale: forward of half dtypes only.
HALF_ATTENTION = (Tolerance(1e-3, 1e-3, "half attention: torch's blocked CPU kernel rounds intermediates to half, "
                            "mtv2 computes in float32 and rounds once", dtypes=("float16",), checks=("forward",)),
                  Tolerance(4e-3, 1.6e-2, "half attention: torch's blocked CPU kernel rounds intermediates to "
                            "bfloat16, mtv2 computes in float32 and rounds once", dtypes=("bfloat16",),
                            checks=("forward",)))

ATTENTION_SPECS = [
    OpSpec("nn.functional.scaled_dot_product_attention", _attention_with_mask_operand, ATTENTION_SAMPLES,
           FLOATS + ("int64",), errors=ATTENTION_ERRORS, tolerances=(HALF_PRECISION_BACKWARD,) + HALF_ATTENTION),
    OpSpec("nn.functional.scaled_dot_product_attention",
           lambda fw, q, k, **kw: _attention_dropout_facts(fw, q, k, **kw),
           (Sample("p0.2", (T(2, 2, 40, 8), T(2, 2, 50, 8)), {"dropout_p": 0.2}),
            Sample("p0.6", (T(1, 40, 8), T(1, 60, 8)), {"dropout_p": 0.6})),
           FLOATS, variant="dropout", grad=False),
]



# ---------------------------------------------------------------- multi_head_attention_forward

# E = 4 features in 2 heads; target length 3, source length 5, batch 2 (sequence first: (length, batch, E)).
# Masks are written out (not drawn) so that no query loses every key by chance: a nested list of bools is a bool
# mask (True = masked), of numbers a float mask added to the scores (None = -inf). Rows where every key is masked
# have their own samples.
KPM = [[False, False, True, False, True], [True, False, False, False, False]]
KPM_FLOAT = [[0.0, -1.5, None, 0.5, 0.0], [None, 0.25, 0.0, 0.0, -0.5]]
ATTN = [[False, True, False, False, True], [True, False, False, True, False], [False, False, False, False, True]]
# (batch * heads, L, S): one -inf per row (2j runs through every residue mod 5 once)
ATTN_FLOAT_3D = [[[0.5 * ((h + i + j) % 3) - 0.5 if (h + i + 2 * j) % 5 else None for j in range(5)]
                  for i in range(3)] for h in range(4)]
ATTN_HEAD_2 = [[False, False, True, True, False], [True, False, True, False, False], [False, True, False, False, False]]
CAUSAL = [[j > i for j in range(3)] for i in range(3)]
ALL_MASKED = [[False, True, False], [True, True, True]]   # batch 1 sees nothing (self-attention, length 3)


def _as_mask(like, rows):
    """A mask tensor made from `like` (either framework): bool rows -> bool mask, numbers -> like's dtype."""
    flat = rows
    while isinstance(flat, list):
        flat = flat[0]
    if isinstance(flat, bool):
        return like.new_tensor(_replace(rows, lambda b: 1.0 if b else 0.0)) != 0
    return like.new_tensor(_replace(rows, lambda v: -math.inf if v is None else v))


def _replace(rows, convert):
    return [_replace(r, convert) for r in rows] if isinstance(rows, list) else convert(rows)


def _mha(fw, *tensors, self_attention=False, kv_same=False, separate=False, bias=True, bias_kv=False,
         static=False, kpm=None, attn=None, heads=2, add_zero_attn=False, dropout_p=0.0, seed=None, **kwargs):
    """F.multi_head_attention_forward with its tensors in order: query[, key, value], in_proj_weight (or q/k/v
    weights)[, in_proj_bias], out_proj_weight[, out_proj_bias][, bias_k, bias_v][, static_k, static_v]."""
    tensors = list(tensors)
    query = tensors.pop(0)
    if self_attention:
        key = value = query
    elif kv_same:
        key = value = tensors.pop(0)
    else:
        key, value = tensors.pop(0), tensors.pop(0)
    if separate:
        kwargs.update(use_separate_proj_weight=True, q_proj_weight=tensors.pop(0), k_proj_weight=tensors.pop(0),
                      v_proj_weight=tensors.pop(0))
        in_proj_weight = None
    else:
        in_proj_weight = tensors.pop(0)
    in_proj_bias = tensors.pop(0) if bias else None
    out_proj_weight = tensors.pop(0)
    out_proj_bias = tensors.pop(0) if bias else None
    bias_k, bias_v = (tensors.pop(0), tensors.pop(0)) if bias_kv else (None, None)
    if static:
        kwargs.update(static_k=tensors.pop(0), static_v=tensors.pop(0))
    if kpm is not None:
        kwargs["key_padding_mask"] = _as_mask(query, kpm)
    if attn is not None:
        kwargs["attn_mask"] = _as_mask(query, attn)
    if seed is not None:   # train-mode dropout: both frameworks draw torch's CPU stream from the same seed
        fw.manual_seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # the mismatched-mask deprecation warning has its own row
        return fw.nn.functional.multi_head_attention_forward(
            query, key, value, query.shape[-1], heads, in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn,
            dropout_p, out_proj_weight, out_proj_bias, **kwargs)


def _packed(*data, bias=True, e=4):
    """data tensors, then in_proj_weight (3E, E)[, in_proj_bias], out_proj.weight (E, E)[, out_proj.bias], of
    the scale of torch's initialisation (N(0, 1) weights saturate the softmax: half-precision rows then compare
    rounding noise)."""
    weight = functools.partial(T, domain="unit")
    biases = ((weight(3 * e),), (weight(e),)) if bias else ((), ())
    weights = (weight(3 * e, e),) + biases[0] + (weight(e, e),) + biases[1]
    return tuple(data) + weights


SELF = (T(3, 2, 4),)
BIAS_KV = (T(1, 1, 4, domain="unit"), T(1, 1, 4, domain="unit"))
SEPARATE_WEIGHTS = tuple(T(*shape, domain="unit") for shape in ((4, 4), (4, 3), (4, 6), (12,), (4, 4), (4,)))
CROSS = (T(3, 2, 4), T(5, 2, 4), T(5, 2, 4))
MHA_SAMPLES = (
    Sample("self_weights", _packed(*SELF), {"self_attention": True}),
    Sample("self_no_weights", _packed(*SELF), {"self_attention": True, "need_weights": False}),
    Sample("cross", _packed(*CROSS)),
    Sample("cross_no_weights", _packed(*CROSS), {"need_weights": False}),
    Sample("key_is_value", _packed(T(3, 2, 4), T(5, 2, 4)), {"kv_same": True}),
    Sample("kpm_bool", _packed(*CROSS), {"kpm": KPM}),
    Sample("kpm_bool_no_weights", _packed(*CROSS), {"kpm": KPM, "need_weights": False}),
    Sample("kpm_float", _packed(*CROSS), {"kpm": KPM_FLOAT}),
    Sample("attn_2d_bool", _packed(*CROSS), {"attn": ATTN}),
    Sample("attn_2d_bool_no_weights", _packed(*CROSS), {"attn": ATTN, "need_weights": False}),
    Sample("attn_3d_float", _packed(*CROSS), {"attn": ATTN_FLOAT_3D}),
    Sample("attn_3d_float_no_weights", _packed(*CROSS), {"attn": ATTN_FLOAT_3D, "need_weights": False}),
    Sample("both_masks_bool", _packed(*CROSS), {"kpm": KPM, "attn": ATTN}),
    Sample("both_masks_float_no_weights", _packed(*CROSS), {"kpm": KPM_FLOAT, "attn": ATTN_FLOAT_3D,
                                                             "need_weights": False}),
    Sample("mixed_mask_dtypes", _packed(*CROSS), {"kpm": KPM, "attn": ATTN_FLOAT_3D}),
    Sample("per_head_weights", _packed(*CROSS), {"kpm": KPM, "average_attn_weights": False}),
    Sample("unbatched", _packed(T(3, 4), T(5, 4), T(5, 4)),
           {"kpm": KPM[0], "attn": [ATTN, ATTN_HEAD_2]}),   # 3-D: (heads, L, S)
    Sample("unbatched_self_no_weights", _packed(T(3, 4)), {"self_attention": True, "need_weights": False}),
    Sample("add_zero_attn", _packed(*CROSS), {"add_zero_attn": True, "kpm": KPM, "attn": ATTN}),
    Sample("bias_kv", _packed(*CROSS) + BIAS_KV, {"bias_kv": True, "kpm": KPM, "attn": ATTN}),
    Sample("bias_kv_zero_attn_no_weights", _packed(*CROSS) + BIAS_KV,
           {"bias_kv": True, "add_zero_attn": True, "kpm": KPM, "need_weights": False}),
    Sample("separate_kdim_vdim", (T(3, 2, 4), T(5, 2, 3), T(5, 2, 6)) + SEPARATE_WEIGHTS,
           {"separate": True, "kpm": KPM}),
    Sample("no_bias", _packed(*CROSS, bias=False), {"bias": False, "attn": ATTN}),
    Sample("static_kv", _packed(*CROSS) + (T(4, 5, 2), T(4, 5, 2)), {"static": True}),
    Sample("causal_hint", _packed(*SELF), {"self_attention": True, "attn": CAUSAL, "is_causal": True,
                                           "need_weights": False}),
    Sample("causal_hint_with_weights", _packed(*SELF), {"self_attention": True, "attn": CAUSAL, "is_causal": True}),
    Sample("causal_hint_kpm", _packed(*SELF), {"self_attention": True, "attn": CAUSAL, "is_causal": True,
                                               "kpm": [[False, False, True], [False, True, False]],
                                               "need_weights": False}),
    # every key masked for batch 1: through scaled_dot_product_attention the row is 0 (a zero gradient)
    Sample("all_masked_no_weights", _packed(*SELF), {"self_attention": True, "kpm": ALL_MASKED,
                                                      "need_weights": False}),
    Sample("eval_ignores_dropout", _packed(*CROSS), {"dropout_p": 0.5, "training": False, "kpm": KPM}),
    Sample("heads_4", _packed(T(3, 2, 8), T(5, 2, 8), T(5, 2, 8), e=8), {"heads": 4, "attn": ATTN}),
    Sample("transposed_query", _packed(T(3, 2, 4, layout="transposed"), T(5, 2, 4), T(5, 2, 4)), {"kpm": KPM}),
)


def _mha_error(label, sample, raises, **kwargs):
    return ErrorCase(label, lambda fw, *t: _mha(fw, *t, **kwargs), sample, raises)


MHA_ERRORS = (
    _mha_error("4d_query", Sample("x", _packed(T(3, 2, 1, 4), T(5, 2, 1, 4), T(5, 2, 1, 4))), AssertionError),
    _mha_error("2d_key_for_3d_query", Sample("x", _packed(T(3, 2, 4), T(5, 4), T(5, 4))), AssertionError),
    _mha_error("kpm_1d_batched", Sample("x", _packed(*CROSS)), AssertionError, kpm=KPM[0]),
    _mha_error("kpm_wrong_length", Sample("x", _packed(*CROSS)), AssertionError, kpm=[row[:4] for row in KPM]),
    ErrorCase("integer_mask", lambda fw, q, k, v, *w: fw.nn.functional.multi_head_attention_forward(
                  q, k, v, 4, 2, *w[:2], None, None, False, 0.0, *w[2:], attn_mask=fw.zeros(3, 5, dtype=fw.int64)),
              Sample("x", _packed(*CROSS)), AssertionError),
    _mha_error("attn_2d_wrong_shape", Sample("x", _packed(*CROSS)), RuntimeError, attn=[row[:4] for row in ATTN]),
    _mha_error("attn_3d_wrong_shape", Sample("x", _packed(*CROSS)), RuntimeError, attn=ATTN_FLOAT_3D[:2]),
    _mha_error("unbatched_attn_3d_wrong_shape", Sample("x", _packed(T(3, 4), T(5, 4), T(5, 4))), AssertionError,
               attn=ATTN_FLOAT_3D),
    _mha_error("causal_without_mask", Sample("x", _packed(*SELF)), RuntimeError, self_attention=True,
               is_causal=True),
    _mha_error("embed_dim_not_divisible", Sample("x", _packed(T(3, 2, 6), T(5, 2, 6), T(5, 2, 6), e=6)),
               AssertionError, heads=4),
    _mha_error("key_value_shapes_differ", Sample("x", _packed(T(3, 2, 4), T(5, 2, 4), T(4, 2, 4))), AssertionError),
    ErrorCase("bias_k_without_bias_v",
              lambda fw, q, k, v, w, b, ow, ob, bk: fw.nn.functional.multi_head_attention_forward(
                  q, k, v, 4, 2, w, b, bk, None, False, 0.0, ow, ob),
              Sample("x", _packed(*CROSS) + (T(1, 1, 4),)), AssertionError),
    ErrorCase("embed_dim_to_check",
              lambda fw, q, k, v, w, b, ow, ob: fw.nn.functional.multi_head_attention_forward(
                  q, k, v, 8, 2, w, b, None, None, False, 0.0, ow, ob),
              Sample("x", _packed(*CROSS)), AssertionError),
)

# Forward of half dtypes: the need_weights=False branch goes through scaled_dot_product_attention (see
# HALF_ATTENTION); the other branch rounds q * scale, the scores and the softmax to half in both frameworks.
# need_weights=False goes through scaled_dot_product_attention, whose half-precision results differ from torch's
# blocked kernel (HALF_ATTENTION); the out projection then sums four such values with weights of order one, so
# the difference grows by about as much. Finite differences side with mtv2 in most of these rows (it rounds once).
MHA_HALF_SDPA = (Tolerance(8e-3, 1e-2, "half attention through scaled_dot_product_attention (torch's blocked CPU "
                           "kernel rounds intermediates to half, mtv2 rounds once), then the out projection",
                           dtypes=("float16",), checks=("forward",)),
                 Tolerance(3e-2, 3e-2, "bfloat16 attention through scaled_dot_product_attention (torch's blocked "
                           "CPU kernel rounds intermediates to bfloat16, mtv2 rounds once), then the out projection",
                           dtypes=("bfloat16",), checks=("forward",)),
                 Tolerance(1.5e-1, 1e-1, "bfloat16 backward of scaled_dot_product_attention: torch's kernel rounds "
                           "its intermediates to bfloat16, mtv2 differentiates in float32 and rounds once",
                           dtypes=("bfloat16",), checks=("backward",)),
                 HALF_PRECISION_BACKWARD)
# half dtypes with need_weights=True: q * scale, the scores, the softmax and both bmm round to half in both
# frameworks, after sums taken in different orders by the gemm kernels; an ulp of difference in an intermediate
# reaches the output through the out projection, which adds four such values up
MHA_HALF_WEIGHTS = (Tolerance(1e-3, 1e-3, "float16 need_weights path: every step rounds to float16, after sums "
                              "taken in another order than torch's gemm, then the out projection",
                              dtypes=("float16",), checks=("forward",)),
                    Tolerance(3e-2, 1.6e-2, "bfloat16 need_weights path: every step rounds to bfloat16, after sums "
                              "taken in another order than torch's gemm, then the out projection",
                              dtypes=("bfloat16",), checks=("forward",)))
# float32 gradients of the projection weights sum (length x batch) products in another order than torch's gemm
MHA_FLOAT32_BACKWARD = Tolerance(1e-5, 4e-6, "float32 gradients of the projection weights: sums of products taken "
                                 "in another order than torch's gemm (finite differences side with neither)",
                                 dtypes=("float32",), checks=("backward",))
MHA_SPECS = [
    OpSpec("nn.functional.multi_head_attention_forward", _mha,
           tuple(s for s in MHA_SAMPLES if s.kwargs.get("need_weights", True)), FLOATS, errors=MHA_ERRORS,
           tolerances=(HALF_PRECISION_BACKWARD, MHA_FLOAT32_BACKWARD) + MHA_HALF_WEIGHTS),
    OpSpec("nn.functional.multi_head_attention_forward", _mha,
           tuple(s for s in MHA_SAMPLES if not s.kwargs.get("need_weights", True)), FLOATS, variant="sdpa",
           tolerances=MHA_HALF_SDPA + (MHA_FLOAT32_BACKWARD,)),
    # every key masked with need_weights=True: softmax of -inf only is NaN in torch, and so here
    OpSpec("nn.functional.multi_head_attention_forward", _mha,
           (Sample("all_masked_weights", _packed(*SELF), {"self_attention": True, "kpm": ALL_MASKED}),),
           FLOATS, variant="nan_rows", grad=False),
    # train-mode dropout: the same seed gives torch's mask in both frameworks (weights of shape (N*H, L, S)
    # through F.dropout, or scaled_dot_product_attention's own draw)
    OpSpec("nn.functional.multi_head_attention_forward", _mha,
           (Sample("weights", _packed(*CROSS), {"dropout_p": 0.3, "seed": 5, "kpm": KPM}),
            Sample("no_weights", _packed(*CROSS), {"dropout_p": 0.3, "seed": 5, "kpm": KPM, "need_weights": False}),
            Sample("self_per_head", _packed(*SELF), {"self_attention": True, "dropout_p": 0.6, "seed": 9,
                                                     "average_attn_weights": False})),
           ("float32", "float64"), variant="train_dropout", tolerances=(MHA_FLOAT32_BACKWARD,)),
]


# ---------------------------------------------------------------- nn.MultiheadAttention

def _attend(module, *inputs, kpm=None, attn=None, **kwargs):
    """module(query, key, value): one input is self-attention (the same tensor three times, torch's packed path),
    two are query and key-is-value, three are query, key, value."""
    query = inputs[0]
    key = inputs[1] if len(inputs) > 1 else query
    value = inputs[2] if len(inputs) > 2 else key
    if kpm is not None:
        kwargs["key_padding_mask"] = _as_mask(query, kpm)
    if attn is not None:
        kwargs["attn_mask"] = _as_mask(query, attn)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return module(query, key, value, **kwargs)


def _mha_module(name, build, samples, variant, dtypes=FLOATS, modes=("train", "eval")):
    return ModuleSpec(name, build, samples, dtypes, variant=variant, call=_attend, modes=modes,
                      parameter_domain="unit",
                      tolerances=MHA_HALF_SDPA + (MHA_FLOAT32_BACKWARD,) + MHA_HALF_WEIGHTS)


SELF_BATCH_FIRST = (T(2, 3, 4),)
MHA_MODULE_SPECS = [
    *_mha_module("nn.MultiheadAttention", lambda fw: fw.nn.MultiheadAttention(4, 2),
                 (Sample("self", SELF), Sample("self_masks", SELF, {"kpm": [[False, False, True], [False, True, False]],
                                                                    "attn": CAUSAL}),
                  Sample("self_no_weights", SELF, {"need_weights": False, "kpm": ALL_MASKED}),
                  Sample("unbatched", (T(3, 4),), {"attn": CAUSAL, "average_attn_weights": False})), "self"),
    *_mha_module("nn.MultiheadAttention", lambda fw: fw.nn.MultiheadAttention(4, 2),
                 (Sample("cross", CROSS, {"kpm": KPM, "attn": ATTN}),
                  Sample("cross_float_masks", CROSS, {"kpm": KPM_FLOAT, "attn": ATTN_FLOAT_3D,
                                                      "need_weights": False}),
                  Sample("causal_hint", (T(3, 2, 4), T(3, 2, 4), T(3, 2, 4)), {"attn": CAUSAL, "is_causal": True,
                                                                             "need_weights": False})), "cross"),
    *_mha_module("nn.MultiheadAttention", lambda fw: fw.nn.MultiheadAttention(4, 2, batch_first=True),
                 (Sample("self", SELF_BATCH_FIRST, {"kpm": [[False, True, False], [False, True, False]]}),
                  Sample("self_per_head", SELF_BATCH_FIRST, {"average_attn_weights": False, "attn": CAUSAL})),
                 "batch_first"),
    *_mha_module("nn.MultiheadAttention", lambda fw: fw.nn.MultiheadAttention(4, 2, kdim=3, vdim=6),
                 (Sample("cross", (T(3, 2, 4), T(5, 2, 3), T(5, 2, 6)), {"kpm": KPM}),
                  Sample("cross_no_weights", (T(3, 2, 4), T(5, 2, 3), T(5, 2, 6)), {"attn": ATTN,
                                                                                  "need_weights": False})),
                 "kdim_vdim"),
    *_mha_module("nn.MultiheadAttention",
                 lambda fw: fw.nn.MultiheadAttention(4, 2, add_bias_kv=True, add_zero_attn=True),
                 (Sample("cross", CROSS, {"kpm": KPM, "attn": ATTN}),
                  Sample("cross_no_weights", CROSS, {"kpm": KPM, "need_weights": False})), "bias_kv_zero_attn"),
    *_mha_module("nn.MultiheadAttention", lambda fw: fw.nn.MultiheadAttention(4, 1, bias=False, batch_first=True),
                 (Sample("self", SELF_BATCH_FIRST),), "no_bias_one_head"),
]


def _seeded(build, call, seed=0, train=False, no_grad=True):
    """fn: the module from torch's seeded initialisation (both frameworks draw the same weights), run in eval
    mode under no_grad (torch's fast-path conditions) or in train mode with dropout on the seeded stream."""
    def run(fw, *inputs, **kwargs):
        fw.manual_seed(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = build(fw)
        module.to(inputs[0].dtype)   # drawn in float32 as torch does, then the case dtype
        module.train(train)
        fw.manual_seed(seed + 1)
        if no_grad:
            with fw.no_grad():
                return call(module, *inputs, **kwargs)
        return call(module, *inputs, **kwargs)
    return run


# torch's fast path (_native_multi_head_attention): eval, no grad wanted, batched self-attention, batch_first,
# an even number of heads, no bias_k/bias_v/add_zero_attn, no float mask. A query with every key masked is NaN
# there whatever need_weights is; outside it (odd heads, a float mask) need_weights=False gives 0.
FAST_MHA_SAMPLES = (
    Sample("kpm_weights", SELF_BATCH_FIRST, {"kpm": ALL_MASKED}),
    Sample("kpm_no_weights", SELF_BATCH_FIRST, {"kpm": ALL_MASKED, "need_weights": False}),
    Sample("attn_3d_per_head", SELF_BATCH_FIRST, {"attn": [CAUSAL, [[True] * 3] + CAUSAL[1:]] * 2,
                                                  "average_attn_weights": False}),
    Sample("both_masks", SELF_BATCH_FIRST, {"attn": CAUSAL, "kpm": [[False, False, True], [False, True, False]]}),
    Sample("float_mask_slow_path", SELF_BATCH_FIRST, {"kpm": [[0.0, 0.0, 0.0], [None, None, None]],
                                                      "need_weights": False}),
    Sample("cross_slow_path", (T(2, 3, 4), T(2, 5, 4)), {"kpm": [[True] * 5, [False] * 5], "need_weights": False}),
)
FAST_PATH_SPECS = [
    OpSpec("nn.MultiheadAttention", _seeded(lambda fw: fw.nn.MultiheadAttention(4, 2, batch_first=True), _attend),
           FAST_MHA_SAMPLES, FLOATS, variant="fast_path", grad=False, kind="module",
           tolerances=MHA_HALF_SDPA + MHA_HALF_WEIGHTS),
    OpSpec("nn.MultiheadAttention", _seeded(lambda fw: fw.nn.MultiheadAttention(6, 3, batch_first=True), _attend),
           (Sample("kpm_no_weights", (T(2, 3, 6),), {"kpm": ALL_MASKED, "need_weights": False}),),
           ("float32", "float64"), variant="odd_heads_slow_path", grad=False, kind="module"),
    # train mode: dropout on the attention weights from the seeded stream, gradients through the same mask
    OpSpec("nn.MultiheadAttention", _seeded(lambda fw: fw.nn.MultiheadAttention(4, 2, dropout=0.4), _attend,
                                            train=True, no_grad=False),
           (Sample("self", SELF, {"kpm": [[False, False, True], [True, False, False]]}),
            Sample("cross_no_weights", CROSS, {"kpm": KPM, "need_weights": False})),
           ("float32", "float64"), variant="train_dropout", kind="module", tolerances=(MHA_FLOAT32_BACKWARD,)),
]


# ---------------------------------------------------------------- the Transformer layers

def _layer_call(module, *inputs, masks=None, **kwargs):
    """module(*inputs, **kwargs) with each of masks {keyword: rows} made a tensor (bool or float, see _as_mask)."""
    for keyword, rows in (masks or {}).items():
        kwargs[keyword] = _as_mask(inputs[0], rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return module(*inputs, **kwargs)


def _quiet(build):
    """build with its construction warnings silenced (TransformerEncoder's nested-tensor notice has its own row)."""
    def quiet_build(fw):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return build(fw)
    return quiet_build


def _layer_specs(name, build, samples, variant, modes=("train", "eval"), dtypes=FLOATS):
    return ModuleSpec(name, _quiet(build), samples, dtypes, variant=variant, call=_layer_call, modes=modes,
                      parameter_domain="unit",
                      tolerances=MHA_HALF_SDPA + (MHA_FLOAT32_BACKWARD, LAYER_HALF) + MHA_HALF_WEIGHTS)


# Half dtypes through two layer norms and a feed-forward block on top of attention: each rounds to half; the
# layer norm divides by a standard deviation computed from rounded values
LAYER_HALF = Tolerance(2e-2, 2e-2, "half precision through attention, layer norms and the feed-forward block, "
                       "each rounding to half at other points than torch's fused kernels",
                       dtypes=("float16",), checks=("forward",))
SRC = (T(3, 2, 4),)
SRC_MASKS = {"src_key_padding_mask": [[False, False, True], [False, True, False]], "src_mask": CAUSAL}
TGT_MEMORY = (T(3, 2, 4), T(5, 2, 4))
DECODER_MASKS = {"tgt_mask": CAUSAL, "memory_key_padding_mask": KPM, "tgt_key_padding_mask": [[False, False, True],
                                                                                             [False, True, False]]}

def _batch_first_encoder(fw):
    return fw.nn.TransformerEncoder(fw.nn.TransformerEncoderLayer(4, 2, 8, 0.0, batch_first=True), 2)


BATCH_FIRST_PADDING = (Sample("padding", (T(2, 3, 4),), {"masks": {"src_key_padding_mask": [[False, False, True],
                                                                                           [False, True, True]]}}),)
LAYER_SPECS = [
    *_layer_specs("nn.TransformerEncoderLayer", lambda fw: fw.nn.TransformerEncoderLayer(4, 2, 8, 0.0),
                  (Sample("plain", SRC), Sample("masks", SRC, {"masks": SRC_MASKS}),
                   Sample("float_mask_causal_hint", SRC, {"masks": {"src_mask": [[0.0, None, None], [0.5, 0.0, None],
                                                                                  [-1.0, 0.25, 0.0]]},
                                                          "is_causal": True}),
                   Sample("unbatched", (T(3, 4),), {"masks": {"src_key_padding_mask": [False, True, False]}})),
                  "relu"),
    *_layer_specs("nn.TransformerEncoderLayer",
                  lambda fw: fw.nn.TransformerEncoderLayer(4, 2, 8, 0.0, "gelu", batch_first=True, norm_first=True),
                  (Sample("masks", (T(2, 3, 4),), {"masks": SRC_MASKS}),), "gelu_batch_first_norm_first"),
    *_layer_specs("nn.TransformerEncoderLayer",
                  lambda fw: fw.nn.TransformerEncoderLayer(4, 2, 8, 0.0, fw.tanh, layer_norm_eps=1e-2, bias=False),
                  (Sample("masks", SRC, {"masks": SRC_MASKS}),), "callable_no_bias_eps"),
    *_layer_specs("nn.TransformerDecoderLayer", lambda fw: fw.nn.TransformerDecoderLayer(4, 2, 8, 0.0),
                  (Sample("plain", TGT_MEMORY), Sample("masks", TGT_MEMORY, {"masks": DECODER_MASKS}),
                   Sample("memory_mask", TGT_MEMORY, {"masks": {"memory_mask": ATTN}, "tgt_is_causal": False}),
                   Sample("unbatched", (T(3, 4), T(5, 4)), {"masks": {"tgt_mask": CAUSAL}})), "relu"),
    *_layer_specs("nn.TransformerDecoderLayer",
                  lambda fw: fw.nn.TransformerDecoderLayer(4, 2, 8, 0.0, "gelu", 1e-3, True, True, False),
                  (Sample("masks", (T(2, 3, 4), T(2, 5, 4)), {"masks": DECODER_MASKS}),),
                  "gelu_batch_first_norm_first_no_bias"),
    *_layer_specs("nn.TransformerEncoder",
                  lambda fw: fw.nn.TransformerEncoder(fw.nn.TransformerEncoderLayer(4, 2, 8, 0.0), 2,
                                                      norm=fw.nn.LayerNorm(4)),
                  (Sample("masks", SRC, {"masks": {"src_key_padding_mask": SRC_MASKS["src_key_padding_mask"],
                                                   "mask": CAUSAL}}),
                   Sample("causal_detected", SRC, {"masks": {"mask": [[0.0, None, None], [0.0, 0.0, None],
                                                                      [0.0, 0.0, 0.0]]}})), "norm"),
    *_layer_specs("nn.TransformerEncoder", _batch_first_encoder, BATCH_FIRST_PADDING, "batch_first", modes=("train",)),
    # eval: finite differences run without grad, where torch (and so mtv2) takes the nested-tensor path and
    # returns 0 at padded positions; the analytic gradient comes from the path with grad: no gradcheck here
    *ModuleSpec("nn.TransformerEncoder", _quiet(_batch_first_encoder), BATCH_FIRST_PADDING, FLOATS,
                variant="batch_first",
                call=_layer_call, modes=("eval",), parameter_domain="unit", gradcheck=False,
                tolerances=MHA_HALF_SDPA + (MHA_FLOAT32_BACKWARD, LAYER_HALF) + MHA_HALF_WEIGHTS),
    *_layer_specs("nn.TransformerDecoder",
                  lambda fw: fw.nn.TransformerDecoder(fw.nn.TransformerDecoderLayer(4, 2, 8, 0.0), 2,
                                                      norm=fw.nn.LayerNorm(4)),
                  (Sample("masks", TGT_MEMORY, {"masks": DECODER_MASKS}),), "norm"),
    *_layer_specs("nn.Transformer", lambda fw: fw.nn.Transformer(4, 2, 1, 1, 8, 0.0),
                  (Sample("masks", (T(5, 2, 4), T(3, 2, 4)),
                          {"masks": {"src_key_padding_mask": KPM, "tgt_mask": CAUSAL,
                                     "memory_key_padding_mask": KPM}}),
                   Sample("unbatched", (T(5, 4), T(3, 4)), {"masks": {"tgt_mask": CAUSAL}})), "default"),
    *_layer_specs("nn.Transformer",
                  lambda fw: fw.nn.Transformer(4, 2, 1, 2, 8, 0.0, "gelu", batch_first=True, norm_first=True),
                  (Sample("masks", (T(2, 5, 4), T(2, 3, 4)),
                          {"masks": {"src_key_padding_mask": KPM, "tgt_mask": CAUSAL}, "tgt_is_causal": True}),),
                  "gelu_batch_first_norm_first"),
]


def _encoder(fw, **kwargs):
    layer = fw.nn.TransformerEncoderLayer(4, 2, 8, 0.1, batch_first=True)
    return fw.nn.TransformerEncoder(layer, 2, norm=fw.nn.LayerNorm(4), **kwargs)


LEFT_PADDED = [[False, False, True], [False, True, True]]
# torch's fast paths of the layers (eval, no grad wanted): _transformer_encoder_layer_fwd gives NaN for a
# sequence whose every position is padded; TransformerEncoder with a left-aligned src_key_padding_mask runs
# nested tensors and returns 0 at the padded positions (a fully padded sequence is all 0), with mask_check=False
# it takes the first (count of unpadded) positions of each sequence whatever the mask says.
LAYER_FAST_PATH_SPECS = [
    OpSpec("nn.TransformerEncoderLayer",
           _seeded(lambda fw: fw.nn.TransformerEncoderLayer(4, 2, 8, 0.1, batch_first=True), _layer_call),
           (Sample("padding", (T(2, 3, 4),), {"masks": {"src_key_padding_mask": ALL_MASKED}}),
            # the fast path reads a float mask as bool: 1.0 and 0.5 mask their positions as -inf does
            Sample("float_mask", (T(2, 3, 4),), {"masks": {"src_mask": [[0.0, None, 1.0], [None, None, None],
                                                                         [0.5, 0.0, 0.0]]}}),
            Sample("float_padding", (T(2, 3, 4),), {"masks": {"src_key_padding_mask": [[0.0, -0.5, 0.0],
                                                                                      [0.0, 0.0, 2.0]]}}),
            Sample("causal_hint_ignored", (T(2, 3, 4),), {"is_causal": True})),
           FLOATS, variant="fast_path", grad=False, kind="module", tolerances=(LAYER_HALF,) + MHA_HALF_WEIGHTS),
    OpSpec("nn.TransformerEncoderLayer",
           _seeded(lambda fw: fw.nn.TransformerEncoderLayer(4, 2, 8, 0.1, "gelu", batch_first=True,
                                                             norm_first=True), _layer_call),
           (Sample("padding", (T(2, 3, 4),), {"masks": {"src_key_padding_mask": ALL_MASKED, "src_mask": CAUSAL}}),),
           ("float32", "float64"), variant="fast_path_gelu_norm_first", grad=False, kind="module"),
    OpSpec("nn.TransformerEncoder", _seeded(_encoder, _layer_call),
           (Sample("left_aligned", (T(2, 3, 4),), {"masks": {"src_key_padding_mask": LEFT_PADDED}}),
            Sample("fully_padded", (T(2, 3, 4),), {"masks": {"src_key_padding_mask": ALL_MASKED}}),
            Sample("float_padding", (T(2, 3, 4),), {"masks": {"src_key_padding_mask": [[0.0, 0.0, None],
                                                                                      [0.0, None, None]]}}),
            Sample("not_left_aligned", (T(2, 3, 4),), {"masks": {"src_key_padding_mask": [[False, True, False],
                                                                                         [False, True, True]]}}),
            Sample("with_mask", (T(2, 3, 4),), {"masks": {"src_key_padding_mask": LEFT_PADDED, "mask": CAUSAL}})),
           FLOATS, variant="nested_path", grad=False, kind="module", tolerances=(LAYER_HALF,) + MHA_HALF_WEIGHTS),
    OpSpec("nn.TransformerEncoder", _seeded(lambda fw: _encoder(fw, mask_check=False), _layer_call),
           (Sample("not_left_aligned", (T(2, 3, 4),), {"masks": {"src_key_padding_mask": [[False, True, False],
                                                                                         [True, False, True]]}}),),
           ("float32", "float64"), variant="nested_path_no_mask_check", grad=False, kind="module"),
    OpSpec("nn.TransformerEncoder", _seeded(lambda fw: _encoder(fw, enable_nested_tensor=False), _layer_call),
           (Sample("left_aligned", (T(2, 3, 4),), {"masks": {"src_key_padding_mask": LEFT_PADDED}}),),
           ("float32", "float64"), variant="nested_disabled", grad=False, kind="module"),
    OpSpec("nn.Transformer",
           _seeded(lambda fw: fw.nn.Transformer(4, 2, 2, 2, 8, batch_first=True), _layer_call),
           (Sample("padding", (T(2, 5, 4), T(2, 3, 4)), {"masks": {"src_key_padding_mask": [[False] * 4 + [True],
                                                                                           [False] * 2 + [True] * 3],
                                                                   "tgt_mask": CAUSAL}}),),
           ("float32", "float64"), variant="fast_path", grad=False, kind="module"),
]

# train mode with dropout 0.2 everywhere: the seeded stream gives torch's masks, drawn in torch's order
SEEDED_TRAIN_SPECS = [
    OpSpec("nn.TransformerEncoderLayer",
           _seeded(lambda fw: fw.nn.TransformerEncoderLayer(4, 2, 8, 0.2), _layer_call, train=True, no_grad=False),
           (Sample("masks", SRC, {"masks": SRC_MASKS}),), ("float32", "float64"), variant="train_dropout",
           kind="module", tolerances=(MHA_FLOAT32_BACKWARD,)),
    OpSpec("nn.TransformerDecoderLayer",
           _seeded(lambda fw: fw.nn.TransformerDecoderLayer(4, 2, 8, 0.2, norm_first=True), _layer_call, train=True,
                   no_grad=False),
           (Sample("masks", TGT_MEMORY, {"masks": DECODER_MASKS}),), ("float32", "float64"), variant="train_dropout",
           kind="module", tolerances=(MHA_FLOAT32_BACKWARD,)),
    OpSpec("nn.Transformer",
           _seeded(lambda fw: fw.nn.Transformer(4, 2, 1, 1, 8, 0.2), _layer_call, train=True, no_grad=False),
           (Sample("masks", (T(5, 2, 4), T(3, 2, 4)), {"masks": {"tgt_mask": CAUSAL}}),), ("float32", "float64"),
           variant="train_dropout", kind="module", tolerances=(MHA_FLOAT32_BACKWARD,)),
]


# ---------------------------------------------------------------- construction, masks, warnings, errors

def _initialised(build):
    """fn: the module built from a seeded generator: its parameters in order (torch's registration and draw order),
    the class of out_proj, and the module's constants."""
    def run(fw, unused):
        fw.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = build(fw)
        facts = {name: parameter.detach() for name, parameter in module.named_parameters()}
        facts["state_dict_keys"] = list(module.state_dict())
        for name, child in module.named_modules():
            if name.endswith("out_proj"):
                facts[f"{name}.class"] = (type(child).__name__, isinstance(child, fw.nn.Linear))
        for attribute in ("_qkv_same_embed_dim", "head_dim", "batch_first", "activation_relu_or_gelu",
                          "use_nested_tensor", "d_model", "nhead", "num_layers"):
            if hasattr(module, attribute):
                facts[attribute] = getattr(module, attribute)
        return facts
    return run


def _init_spec(name, variant, build):
    return OpSpec(f"{name}.reset_parameters", _initialised(build), (Sample("default", (T(1),)),), ("float32",),
                  variant=variant, grad=False)


INIT_SPECS = [
    _init_spec("nn.MultiheadAttention", "default", lambda fw: fw.nn.MultiheadAttention(8, 2)),
    _init_spec("nn.MultiheadAttention", "kdim_vdim_bias_kv",
               lambda fw: fw.nn.MultiheadAttention(8, 4, kdim=3, vdim=5, add_bias_kv=True)),
    _init_spec("nn.MultiheadAttention", "no_bias_float64",
               lambda fw: fw.nn.MultiheadAttention(6, 3, bias=False, dtype=fw.float64)),
    _init_spec("nn.TransformerEncoderLayer", "default", lambda fw: fw.nn.TransformerEncoderLayer(8, 2, 16)),
    _init_spec("nn.TransformerDecoderLayer", "no_bias", lambda fw: fw.nn.TransformerDecoderLayer(8, 2, 16, bias=False)),
    _init_spec("nn.TransformerEncoder", "deep_copies",
               lambda fw: fw.nn.TransformerEncoder(fw.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 3)),
    _init_spec("nn.Transformer", "xavier_every_matrix", lambda fw: fw.nn.Transformer(8, 2, 2, 1, 16)),
]


def _causal_mask(fw, unused, size, dtype=None, private=False):
    dtype = None if dtype is None else getattr(fw, dtype)
    if private:
        return fw.nn.modules.transformer._generate_square_subsequent_mask(size, dtype=dtype)
    return fw.nn.Transformer.generate_square_subsequent_mask(size, dtype=dtype)


MASK_SPECS = [
    OpSpec("nn.Transformer.generate_square_subsequent_mask", _causal_mask,
           tuple(Sample(f"size{size}_{dtype or 'default'}{'_private' if private else ''}", (T(1),),
                        {"size": size, "dtype": dtype, "private": private})
                 for size in (0, 1, 4) for dtype in (None, "float64", "bfloat16") for private in (False, True)),
           ("float32",), grad=False),
]


def _warnings_of(call):
    """fn: the warnings (category, message) call(fw, x) emits, every one recorded, and its result."""
    def run(fw, x):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = call(fw, x)
        return [(w.category.__name__, str(w.message)) for w in caught], result
    return run


def _mismatched_masks_module(fw, x):
    module = _seeded(lambda fw: fw.nn.MultiheadAttention(4, 2), _attend)
    return module(fw, x, kpm=[[False, False, True], [False, True, False]], attn=[[0.0, 0.5, 0.0]] * 3)


WARNING_SPECS = [
    OpSpec("nn.MultiheadAttention", _warnings_of(_mismatched_masks_module), (Sample("self", (T(3, 2, 4),)),),
           ("float32",), variant="warn_mismatched_masks", grad=False, kind="module"),
    OpSpec("nn.functional.multi_head_attention_forward",
           _warnings_of(lambda fw, x: fw.nn.functional.multi_head_attention_forward(
               x, x, x, 4, 2, fw.ones(12, 4) / 4, None, None, None, False, 0.0, fw.ones(4, 4) / 4, None,
               key_padding_mask=fw.tensor([[False, False, True], [False, True, False]]),
               attn_mask=fw.zeros(3, 3))),
           (Sample("self", (T(3, 2, 4),)),), ("float32",), variant="warn_mismatched_masks", grad=False),
    OpSpec("nn.TransformerEncoder",
           _warnings_of(lambda fw, x: fw.nn.TransformerEncoder(fw.nn.TransformerEncoderLayer(4, 2, 8, norm_first=True),
                                                               1).use_nested_tensor),
           (Sample("norm_first", (T(1),)),), ("float32",), variant="warn_no_nested_tensor", grad=False,
           kind="module"),
    OpSpec("nn.TransformerEncoder",
           _warnings_of(lambda fw, x: fw.nn.TransformerEncoder(fw.nn.TransformerEncoderLayer(6, 3, 8), 1,
                                                               enable_nested_tensor=False).use_nested_tensor),
           (Sample("odd_heads_disabled", (T(1),)),), ("float32",), variant="warn_no_nested_tensor_disabled",
           grad=False, kind="module"),
]


MODULE_ERROR_SPECS = [
    OpSpec("nn.MultiheadAttention", _seeded(lambda fw: fw.nn.MultiheadAttention(4, 2), _attend), (Sample("x", SELF),),
           ("float32",), variant="errors", grad=False, kind="module", errors=(
               ErrorCase("embed_dim_zero", lambda fw, x: fw.nn.MultiheadAttention(0, 2), Sample("x", SELF),
                         ValueError),
               ErrorCase("heads_not_dividing", lambda fw, x: fw.nn.MultiheadAttention(5, 2), Sample("x", SELF),
                         AssertionError),
               ErrorCase("4d_query", lambda fw, x: fw.nn.MultiheadAttention(4, 2)(x, x, x),
                         Sample("x", (T(3, 2, 1, 4),)), AssertionError),
               ErrorCase("integer_key_padding_mask",
                         lambda fw, x: fw.nn.MultiheadAttention(4, 2)(x, x, x, key_padding_mask=fw.zeros(
                             2, 3, dtype=fw.int64)), Sample("x", SELF), AssertionError),
               ErrorCase("key_padding_mask_wrong_batch",
                         lambda fw, x: fw.nn.MultiheadAttention(4, 2)(x, x, x, key_padding_mask=fw.zeros(
                             3, 3, dtype=fw.bool)), Sample("x", SELF), AssertionError))),
    OpSpec("nn.TransformerEncoderLayer", _seeded(lambda fw: fw.nn.TransformerEncoderLayer(4, 2, 8, 0.0), _layer_call),
           (Sample("x", SELF),), ("float32",), variant="errors", grad=False, kind="module", errors=(
               ErrorCase("activation_tanh_string", lambda fw, x: fw.nn.TransformerEncoderLayer(4, 2, 8, 0.0, "tanh"),
                         Sample("x", SELF), RuntimeError),
               ErrorCase("causal_hint_without_mask",
                         lambda fw, x: fw.nn.TransformerEncoderLayer(4, 2, 8, 0.0)(x, is_causal=True),
                         Sample("x", SELF), RuntimeError),
               ErrorCase("wrong_features", lambda fw, x: fw.nn.TransformerEncoderLayer(4, 2, 8, 0.0)(x),
                         Sample("x", (T(3, 2, 5),)), AssertionError))),
    OpSpec("nn.Transformer", _seeded(lambda fw: fw.nn.Transformer(4, 2, 1, 1, 8, 0.0), _layer_call),
           (Sample("x", (T(5, 2, 4), T(3, 2, 4))),), ("float32",), variant="errors", grad=False, kind="module", errors=(
               ErrorCase("batch_differs", lambda fw, x, y: fw.nn.Transformer(4, 2, 1, 1, 8, 0.0)(x, y),
                         Sample("x", (T(3, 2, 4), T(3, 3, 4))), RuntimeError),
               ErrorCase("batch_first_batch_differs",
                         lambda fw, x, y: fw.nn.Transformer(4, 2, 1, 1, 8, 0.0, batch_first=True)(x, y),
                         Sample("x", (T(2, 3, 4), T(3, 3, 4))), RuntimeError),
               ErrorCase("d_model_differs", lambda fw, x, y: fw.nn.Transformer(4, 2, 1, 1, 8, 0.0)(x, y),
                         Sample("x", (T(3, 2, 4), T(3, 2, 6))), RuntimeError))),
]

SPECS = (DROPOUT_SPECS + FEATURE_DROPOUT_SPECS + ALPHA_DROPOUT_SPECS + ATTENTION_SPECS + MHA_SPECS + MHA_MODULE_SPECS
         + FAST_PATH_SPECS + LAYER_SPECS + LAYER_FAST_PATH_SPECS + SEEDED_TRAIN_SPECS + INIT_SPECS + MASK_SPECS
         + WARNING_SPECS + MODULE_ERROR_SPECS)
