"""nn layers: Linear, Embedding, LayerNorm, the activation modules, Conv1d, BatchNorm1d (kind=module, train and
eval, constructor variants) and their functionals nn.functional.linear, embedding, layer_norm, conv1d, batch_norm,
normalize (kind=op), with bad-input error cases."""
from conformance.frameworks import FLOATING
from conformance.inputs import Arg, Sample, T
from conformance.module_spec import ModuleSpec
from conformance.spec import HALF_PRECISION_BACKWARD, ErrorCase, OpSpec, Tolerance, XFail

ALL_FLOATING = FLOATING                        # float16, bfloat16, float32, float64
INTEGERS = ("int32", "int64")


def F(fw):
    return fw.nn.functional


# ================================================================ linear

LINEAR_SAMPLES = (
    Sample("batch", (T(2, 4),)),
    Sample("3d", (T(2, 3, 4),)),
    Sample("vector", (T(4),)),
    Sample("size0_batch", (T(0, 4),)),
    Sample("transposed_input", (T(4, 4, layout="transposed"),)),
    Sample("strided_input", (T(3, 4, layout="strided"),)),
)
LINEAR_ERRORS = (
    ErrorCase("wrong_in_features", lambda fw, x: fw.nn.Linear(4, 3)(x), Sample("2x5", (T(2, 5),)), RuntimeError),
    ErrorCase("wrong_in_features_3d", lambda fw, x: fw.nn.Linear(4, 3)(x), Sample("2x3x5", (T(2, 3, 5),)),
              RuntimeError),
    ErrorCase("list_input", lambda fw: fw.nn.Linear(4, 3)([1.0, 2.0, 3.0, 4.0]), Sample("list", ()), TypeError),
)

FUNCTIONAL_LINEAR_SAMPLES = (
    Sample("batch", (T(2, 4), T(3, 4), T(3))),
    Sample("3d", (T(2, 3, 4), T(5, 4), T(5))),
    Sample("vector", (T(4), T(3, 4), T(3))),
    Sample("transposed_weight", (T(2, 4), T(4, 4, layout="transposed"), T(4))),
    Sample("expanded_input", (T(3, 4, layout="expanded"), T(2, 4), T(2))),
    Sample("bias_broadcast", (T(2, 4), T(3, 4), T(1))),
    Sample("size0_batch", (T(0, 4), T(3, 4), T(3))),
)
LINEAR_FUNCTIONAL_ERRORS = (
    ErrorCase("shapes_cannot_be_multiplied", lambda fw, x, w: F(fw).linear(x, w),
              Sample("2x5_and_3x4", (T(2, 5), T(3, 4))), RuntimeError),
    ErrorCase("bias_wrong_size", lambda fw, x, w, b: F(fw).linear(x, w, b),
              Sample("bias2", (T(2, 4), T(3, 4), T(2))), RuntimeError),
    ErrorCase("dtype_mismatch", lambda fw, x, w: F(fw).linear(x, w.double()),
              Sample("float_double", (T(2, 4), T(3, 4))), RuntimeError),
)

LINEAR_SPECS = [
    *ModuleSpec("nn.Linear", lambda fw: fw.nn.Linear(4, 3), LINEAR_SAMPLES, ALL_FLOATING, errors=LINEAR_ERRORS),
    *ModuleSpec("nn.Linear", lambda fw: fw.nn.Linear(4, 3, bias=False), LINEAR_SAMPLES[:3], ALL_FLOATING,
                variant="no_bias"),
    *ModuleSpec("nn.Linear", lambda fw: fw.nn.Linear(4, 1), LINEAR_SAMPLES[:2], ("float32", "float64"),
                variant="out1"),
    OpSpec("nn.functional.linear", lambda fw, x, w, b: F(fw).linear(x, w, b), FUNCTIONAL_LINEAR_SAMPLES,
           ALL_FLOATING + INTEGERS, errors=LINEAR_FUNCTIONAL_ERRORS),
    OpSpec("nn.functional.linear", lambda fw, x, w: F(fw).linear(x, w), tuple(
        Sample(s.name, s.args[:2]) for s in FUNCTIONAL_LINEAR_SAMPLES[:5]), ALL_FLOATING, variant="no_bias"),
    OpSpec("nn.functional.linear", lambda fw, x, w, b: F(fw).linear(x, w, bias=b),
           FUNCTIONAL_LINEAR_SAMPLES[:1], ("float32", "float64"), variant="bias_keyword"),
]

# ================================================================ embedding

# Functional cases: fixed index values (the same in both frameworks), made a tensor inside the case; the table is drawn.
IDS_2D = [[1, 0, 4], [3, 3, 2]]
IDS_1D = [4, 0, 2, 0]


# Module ids: integer tensors drawn in 0..3 (the "exponent" domain of integer dtypes), all valid rows of 5.
def _ids(*shape, dtype="int64"):
    return T(*shape, dtype=dtype, domain="exponent")


def _with_padding(module, ids):
    """The module run on ids whose first entry is its padding_idx, so the padding row is always read."""
    ids = ids.clone()
    ids.view(-1)[0] = module.padding_idx
    return module(ids)


FREQUENCY_GRADCHECK = XFail("scale_grad_by_freq: torch divides each row's gradient by its index's frequency in the "
                            "batch, by design not the derivative (finite differences see the unscaled one)",
                            checks=("gradcheck",))
# torch's padding_idx gives the padding row a zero gradient although the forward reads it, and scale_grad_by_freq
# scales the gradient: finite differences see the true derivative, so gradcheck cannot agree with torch's (deliberate)
# gradient there.
PADDING_GRADCHECK = XFail("padding_idx: torch defines the padding row's gradient as zero although the forward "
                          "reads the row; finite differences see the read (mtv2 follows torch)", checks=("gradcheck",))


EMBEDDING_SAMPLES = (Sample("ids_2d", (_ids(2, 3),)), Sample("ids_1d", (_ids(6),)), Sample("ids_0d", (_ids(),)))
EMBEDDING_ERRORS = (
    ErrorCase("index_out_of_range", lambda fw: fw.nn.Embedding(5, 2)(fw.tensor([5])), Sample("id5", ()), IndexError),
    ErrorCase("negative_index", lambda fw: fw.nn.Embedding(5, 2)(fw.tensor([-1])), Sample("id_minus1", ()),
              IndexError),
    ErrorCase("float_indices", lambda fw: fw.nn.Embedding(5, 2)(fw.tensor([1.0])), Sample("float_ids", ()),
              RuntimeError),
    ErrorCase("int16_indices", lambda fw: fw.nn.Embedding(5, 2)(fw.tensor([1], dtype=fw.int16)),
              Sample("int16_ids", ()), RuntimeError),
    ErrorCase("list_indices", lambda fw: fw.nn.Embedding(5, 2)([1, 2]), Sample("list_ids", ()), TypeError),
    ErrorCase("padding_idx_too_large", lambda fw: fw.nn.Embedding(5, 2, padding_idx=5), Sample("pad5", ()),
              AssertionError),
    ErrorCase("padding_idx_too_negative", lambda fw: fw.nn.Embedding(5, 2, padding_idx=-6), Sample("pad_minus6", ()),
              AssertionError),
    ErrorCase("from_pretrained_1d", lambda fw: fw.nn.Embedding.from_pretrained(fw.ones(5)), Sample("1d", ()),
              AssertionError),
)


def _renormed(fw, weight, ids, **kwargs):
    """The lookup and the table after it: max_norm rewrites the rows it reads, in place."""
    output = F(fw).embedding(fw.tensor(ids, dtype=fw.int64), weight, **kwargs)
    return output, weight.detach().clone()


def _pretrained(fw, weight, ids, **kwargs):
    module = fw.nn.Embedding.from_pretrained(weight, **kwargs)
    return module(fw.tensor(ids)), module.weight.requires_grad, module.padding_idx


EMBEDDING_SPECS = [
    *ModuleSpec("nn.Embedding", lambda fw: fw.nn.Embedding(5, 3), EMBEDDING_SAMPLES, ALL_FLOATING,
                errors=EMBEDDING_ERRORS),
    *ModuleSpec("nn.Embedding", lambda fw: fw.nn.Embedding(5, 3, padding_idx=0), EMBEDDING_SAMPLES[:2], ALL_FLOATING,
                variant="padding_idx0", call=_with_padding,
                xfails=(PADDING_GRADCHECK,)),
    *ModuleSpec("nn.Embedding", lambda fw: fw.nn.Embedding(5, 3, padding_idx=-2), EMBEDDING_SAMPLES[:1],
                ("float32", "float64"), variant="padding_idx_negative",
                call=_with_padding, xfails=(PADDING_GRADCHECK,)),
    *ModuleSpec("nn.Embedding", lambda fw: fw.nn.Embedding(5, 3), (Sample("ids_2d", (_ids(2, 3, dtype="int32"),)),),
                ("float32", "float64"), variant="int32_ids"),
    *ModuleSpec("nn.Embedding", lambda fw: fw.nn.Embedding(5, 3, scale_grad_by_freq=True), EMBEDDING_SAMPLES[:2],
                ALL_FLOATING, variant="scale_grad_by_freq", xfails=(FREQUENCY_GRADCHECK,)),
    *ModuleSpec("nn.Embedding", lambda fw: fw.nn.Embedding(5, 3, padding_idx=1, scale_grad_by_freq=True),
                EMBEDDING_SAMPLES[:1], ("float32", "float64"), variant="padding_scale_grad_by_freq",
                call=_with_padding, xfails=(PADDING_GRADCHECK,)),
    # max_norm renormalizes the table's rows in place before the lookup: finite differences of such a function
    # perturb a table the forward rewrites, so only forward and backward against torch are compared
    *ModuleSpec("nn.Embedding", lambda fw: fw.nn.Embedding(5, 3, max_norm=1.0), EMBEDDING_SAMPLES[:2], ALL_FLOATING,
                variant="max_norm", gradcheck=False, gradgrad=False),
    *ModuleSpec("nn.Embedding", lambda fw: fw.nn.Embedding(5, 3, max_norm=0.5, norm_type=1.0), EMBEDDING_SAMPLES[:1],
                ("float32", "float64"), variant="max_norm_l1", gradcheck=False, gradgrad=False),
    OpSpec("nn.functional.embedding", lambda fw, w, ids, **kw: _renormed(fw, w, ids, **kw),
           (Sample("max_norm", (T(5, 3), Arg(value=IDS_2D)), {"max_norm": 1.0}),
            Sample("max_norm_inf", (T(5, 3), Arg(value=IDS_1D)), {"max_norm": 0.7, "norm_type": float("inf")})),
           ALL_FLOATING, variant="max_norm", gradcheck=False, gradgrad=False),
    OpSpec("nn.functional.embedding", lambda fw, w, ids, **kw: F(fw).embedding(fw.tensor(ids, dtype=fw.int64), w, **kw),
           (Sample("ids_2d", (T(5, 3), Arg(value=IDS_2D))),
            Sample("ids_1d", (T(5, 3), Arg(value=IDS_1D))),
            Sample("padding_idx", (T(5, 3), Arg(value=IDS_2D)), {"padding_idx": 3}),
            Sample("padding_idx_negative", (T(5, 3), Arg(value=IDS_1D)), {"padding_idx": -1}),
            Sample("transposed_weight", (T(4, 4, layout="transposed"), Arg(value=[3, 0, 2]))),
            Sample("empty_ids", (T(5, 3), Arg(value=[[]]))),
            Sample("scale_grad_by_freq", (T(5, 3), Arg(value=IDS_2D)), {"scale_grad_by_freq": True}),
            Sample("padding_scale_grad_by_freq", (T(5, 3), Arg(value=IDS_2D)),
                   {"scale_grad_by_freq": True, "padding_idx": 3})),
           ALL_FLOATING, xfails=(XFail(PADDING_GRADCHECK.reason, checks=("gradcheck",),
                                       variants=("padding_idx", "padding_idx_negative",
                                                 "padding_scale_grad_by_freq")),
                                 XFail(FREQUENCY_GRADCHECK.reason, checks=("gradcheck",),
                                       variants=("scale_grad_by_freq",))),
           errors=(ErrorCase("weight_1d", lambda fw, w: F(fw).embedding(fw.tensor([1]), w), Sample("1d", (T(5),)),
                             RuntimeError),
                   ErrorCase("padding_idx_out_of_range", lambda fw, w: F(fw).embedding(fw.tensor([1]), w,
                                                                                        padding_idx=7),
                             Sample("pad7", (T(5, 2),)), AssertionError),
                   ErrorCase("index_out_of_range", lambda fw, w: F(fw).embedding(fw.tensor([[0, 9]]), w),
                             Sample("id9", (T(5, 2),)), IndexError))),
    # from_pretrained: frozen by default, the padding row kept as given (not zeroed), negative padding_idx wrapped
    OpSpec("nn.Embedding.from_pretrained", lambda fw, w, ids, **kw: _pretrained(fw, w, ids, **kw),
           (Sample("frozen", (T(5, 3), Arg(value=IDS_2D))),
            Sample("trainable_padding", (T(5, 3), Arg(value=IDS_2D)), {"freeze": False, "padding_idx": 1}),
            Sample("frozen_padding_negative", (T(5, 3), Arg(value=IDS_1D)), {"padding_idx": -5})),
           ("float32", "float64"), xfails=(XFail(PADDING_GRADCHECK.reason, checks=("gradcheck",),
                                                 variants=("trainable_padding",)),)),
]

# ================================================================ layer_norm

LAYER_NORM_SAMPLES = (
    Sample("batch", (T(3, 4),)),
    Sample("3d", (T(2, 3, 4),)),
    Sample("vector", (T(4),)),
    Sample("transposed", (T(4, 4, layout="transposed"),)),
    Sample("size0_batch", (T(0, 4),)),
)


LAYER_NORM_ERRORS = (
    ErrorCase("wrong_trailing_shape", lambda fw, x: fw.nn.LayerNorm(4)(x), Sample("2x5", (T(2, 5),)), RuntimeError),
    ErrorCase("integer_input", lambda fw, x: fw.nn.LayerNorm(4, elementwise_affine=False)(x),
              Sample("int", (T(2, 4, dtype="int64"),)), NotImplementedError),
)


LAYER_NORM_FUNCTIONAL_SAMPLES = (
    Sample("affine", (T(3, 4), T(4), T(4)), {"normalized_shape": (4,)}),
    Sample("affine_2d_shape", (T(2, 3, 4), T(3, 4), T(3, 4)), {"normalized_shape": (3, 4)}),
    Sample("eps_1e-12", (T(2, 3, 4), T(4), T(4)), {"normalized_shape": [4], "eps": 1e-12}),
    Sample("expanded_input", (T(3, 4, layout="expanded"), T(4), T(4)), {"normalized_shape": (4,)}),
    Sample("strided_input", (T(3, 4, layout="strided"), T(4), T(4)), {"normalized_shape": (4,)}),
    Sample("offset_input", (T(2, 3, layout="offset"), T(3), T(3)), {"normalized_shape": (3,)}),
)
# bfloat16 input gradients of layer_norm subtract two near-equal row means; torch rounds them to bfloat16 on the way
LAYER_NORM_BFLOAT16_BACKWARD = Tolerance(0.05, 0.1, "bfloat16 layer_norm input gradient is a difference of near-equal "
                                         "row means, which torch rounds to bfloat16 (finite differences side with "
                                         "mtv2)", dtypes=("bfloat16",), checks=("backward",))
LAYER_NORM_TOLERANCES = (LAYER_NORM_BFLOAT16_BACKWARD, HALF_PRECISION_BACKWARD)

LAYER_NORM_SPECS = [
    *ModuleSpec("nn.LayerNorm", lambda fw: fw.nn.LayerNorm(4), LAYER_NORM_SAMPLES, ALL_FLOATING,
                errors=LAYER_NORM_ERRORS, tolerances=LAYER_NORM_TOLERANCES),
    *ModuleSpec("nn.LayerNorm", lambda fw: fw.nn.LayerNorm((3, 4)), LAYER_NORM_SAMPLES[1:2], ALL_FLOATING,
                variant="shape_3x4", tolerances=LAYER_NORM_TOLERANCES),
    *ModuleSpec("nn.LayerNorm", lambda fw: fw.nn.LayerNorm(4, eps=1e-12), LAYER_NORM_SAMPLES[:2], ALL_FLOATING,
                variant="eps1e-12", tolerances=LAYER_NORM_TOLERANCES),
    *ModuleSpec("nn.LayerNorm", lambda fw: fw.nn.LayerNorm(4, elementwise_affine=False), LAYER_NORM_SAMPLES[:2],
                ALL_FLOATING, variant="no_affine", tolerances=LAYER_NORM_TOLERANCES),
    *ModuleSpec("nn.LayerNorm", lambda fw: fw.nn.LayerNorm(4, bias=False), LAYER_NORM_SAMPLES[:2], ALL_FLOATING,
                variant="no_bias", tolerances=LAYER_NORM_TOLERANCES),
    OpSpec("nn.functional.layer_norm",
           lambda fw, x, w, b, normalized_shape, eps=1e-5: F(fw).layer_norm(x, normalized_shape, w, b, eps),
           LAYER_NORM_FUNCTIONAL_SAMPLES, ALL_FLOATING, tolerances=LAYER_NORM_TOLERANCES,
           errors=(ErrorCase("weight_wrong_shape", lambda fw, x, w: F(fw).layer_norm(x, (4,), w),
                             Sample("w3", (T(2, 4), T(3))), RuntimeError),
                   ErrorCase("normalized_shape_int", lambda fw, x: F(fw).layer_norm(x, 4),
                             Sample("int_shape", (T(2, 4),)), TypeError),
                   ErrorCase("input_shape", lambda fw, x: F(fw).layer_norm(x, (4,)),
                             Sample("2x5", (T(2, 5),)), RuntimeError),
                   ErrorCase("half_weight_float_input", lambda fw, x, w: F(fw).layer_norm(x, (4,), w.half()),
                             Sample("mixed", (T(2, 4), T(4))), RuntimeError))),
    OpSpec("nn.functional.layer_norm", lambda fw, x, normalized_shape: F(fw).layer_norm(x, normalized_shape),
           (Sample("no_affine", (T(3, 4),), {"normalized_shape": (4,)}),
            Sample("no_affine_all_dims", (T(2, 3),), {"normalized_shape": (2, 3)})), ALL_FLOATING,
           variant="no_affine", tolerances=LAYER_NORM_TOLERANCES),
    # rows of one element normalize to exactly 0 in mtv2; torch's float32 mean leaves a rounding residue (~1e-7)
    # that 1/sqrt(eps) ~ 316 amplifies into the weight's gradient (finite differences side with mtv2)
    OpSpec("nn.functional.layer_norm", lambda fw, x, w, b: F(fw).layer_norm(x, (1,), w, b),
           (Sample("single_element_rows", (T(3, 1), T(1), T(1))),), ALL_FLOATING, variant="single_element_rows",
           tolerances=(HALF_PRECISION_BACKWARD, Tolerance(1e-4, 1.3e-6, "torch's mean of a one-element row leaves a "
                                                          "float32 rounding residue that 1/sqrt(eps) amplifies; mtv2 "
                                                          "gives exactly 0 (finite differences agree with mtv2)",
                                                          dtypes=("float32",), checks=("backward",)))),
    OpSpec("nn.functional.layer_norm", lambda fw, x, b: F(fw).layer_norm(x, (4,), bias=b),
           (Sample("bias_only", (T(3, 4), T(4))),), ("float32", "float64"), variant="bias_only"),
    # torch accepts float32 parameters with a half input: computed in float32, the result in the half type
    OpSpec("nn.functional.layer_norm", lambda fw, x, w, b: F(fw).layer_norm(x, (4,), w, b),
           (Sample("float32_parameters", (T(3, 4), T(4, dtype="float32"), T(4, dtype="float32"))),),
           ("float16", "bfloat16"), variant="mixed_dtype",
           xfails=(XFail("half input with float32 parameters: torch's mixed-dtype backward rounds the parameter "
                         "gradients to float16 in its own order; mtv2's bias gradient differs by one float16 ulp, "
                         "judged at float32's tolerance (finite differences side with either)", checks=("backward",),
                         dtypes=("float16",)),
                   XFail("half input with float32 parameters: torch's mixed-dtype double backward rounds its terms to "
                         "bfloat16 in its own order; one element differs by 4 bfloat16 ulps", checks=("gradgrad",),
                         dtypes=("bfloat16",)))),
]

# ================================================================ activation modules

ACTIVATION_SAMPLES = (Sample("batch", (T(3, 4),)), Sample("3d", (T(2, 3, 4),)), Sample("0d", (T(),)))

ACTIVATION_MODULES = (
    ("nn.ReLU", "", lambda fw: fw.nn.ReLU()),
    ("nn.GELU", "", lambda fw: fw.nn.GELU()),
    ("nn.GELU", "tanh", lambda fw: fw.nn.GELU(approximate="tanh")),
    ("nn.SiLU", "", lambda fw: fw.nn.SiLU()),
    ("nn.Sigmoid", "", lambda fw: fw.nn.Sigmoid()),
    ("nn.Tanh", "", lambda fw: fw.nn.Tanh()),
    ("nn.Softmax", "dim1", lambda fw: fw.nn.Softmax(dim=1)),
    ("nn.Softmax", "dim_minus1", lambda fw: fw.nn.Softmax(-1)),
    ("nn.Softmax", "implicit_dim", lambda fw: fw.nn.Softmax()),      # torch's legacy choice: dim 1 of 2-d, 0 of 3-d
    ("nn.LogSoftmax", "dim1", lambda fw: fw.nn.LogSoftmax(dim=1)),
    ("nn.LogSoftmax", "dim_minus1", lambda fw: fw.nn.LogSoftmax(-1)),
    ("nn.LeakyReLU", "", lambda fw: fw.nn.LeakyReLU()),
    ("nn.LeakyReLU", "slope0.2", lambda fw: fw.nn.LeakyReLU(0.2)),
    ("nn.ELU", "", lambda fw: fw.nn.ELU()),
    ("nn.ELU", "alpha0.5", lambda fw: fw.nn.ELU(alpha=0.5)),
    ("nn.Softplus", "", lambda fw: fw.nn.Softplus()),
    ("nn.Softplus", "beta2_threshold1", lambda fw: fw.nn.Softplus(beta=2, threshold=1)),
    ("nn.Hardtanh", "", lambda fw: fw.nn.Hardtanh()),
    ("nn.Hardtanh", "bounds", lambda fw: fw.nn.Hardtanh(-0.5, 2.0)),
    ("nn.Mish", "", lambda fw: fw.nn.Mish()),
)
# in-place modules write into their input: run on a fresh non-leaf copy so the input's gradient still flows
INPLACE_ACTIVATION_MODULES = (
    ("nn.ReLU", lambda fw: fw.nn.ReLU(inplace=True)),
    ("nn.SiLU", lambda fw: fw.nn.SiLU(inplace=True)),
    ("nn.LeakyReLU", lambda fw: fw.nn.LeakyReLU(0.1, inplace=True)),
    ("nn.ELU", lambda fw: fw.nn.ELU(inplace=True)),
    ("nn.Hardtanh", lambda fw: fw.nn.Hardtanh(inplace=True)),
    ("nn.Mish", lambda fw: fw.nn.Mish(inplace=True)),
)


ACTIVATION_ERRORS = {
    "nn.GELU": (ErrorCase("bad_approximate", lambda fw, x: fw.nn.GELU(approximate="exact")(x), Sample("2d", (T(2, 3),)),
                          RuntimeError),),
    "nn.Hardtanh": (ErrorCase("max_not_above_min", lambda fw: fw.nn.Hardtanh(1.0, 0.0), Sample("bounds", ()),
                              AssertionError),),
    "nn.Softmax": (ErrorCase("dim_out_of_range", lambda fw, x: fw.nn.Softmax(dim=3)(x), Sample("2d", (T(3, 4),)),
                             IndexError),),
    "nn.LogSoftmax": (ErrorCase("dim_out_of_range", lambda fw, x: fw.nn.LogSoftmax(dim=-3)(x),
                                Sample("2d", (T(3, 4),)), IndexError),),
}


def _activation_errors(name, variant, build):
    """The first spec of each activation carries its error cases (ids have no spec variant)."""
    if variant and name not in ("nn.Softmax", "nn.LogSoftmax"):
        return ()
    if name in ("nn.Softmax", "nn.LogSoftmax") and variant != "dim1":
        return ()
    errors = ACTIVATION_ERRORS.get(name, ())
    if name in ("nn.GELU", "nn.SiLU", "nn.Mish", "nn.Softplus", "nn.ELU"):
        errors += (ErrorCase("integer_input", lambda fw, x: build(fw)(x), Sample("int", (T(2, 3, dtype="int64"),)),
                             NotImplementedError),)
    return errors


def _softmax_samples(name):
    # Softmax(dim=1) needs two dims; a 0-d input is an error case
    return ACTIVATION_SAMPLES[:2] if "Softmax" in name else ACTIVATION_SAMPLES


def _inplace_call(module, x):
    return module(x * 1)


def _inplace_identity(fw, x, build):
    """An in-place activation returns the very tensor it was given (and its history is the activation's)."""
    given = x * 1
    returned = build(fw)(given)
    return returned is given, returned


ACTIVATION_SPECS = [
    spec for name, variant, build in ACTIVATION_MODULES
    for spec in ModuleSpec(name, build, _softmax_samples(name), ALL_FLOATING, variant=variant,
                           errors=_activation_errors(name, variant, build))
] + [
    spec for name, build in INPLACE_ACTIVATION_MODULES
    for spec in ModuleSpec(name, build, ACTIVATION_SAMPLES[:2], ALL_FLOATING, variant="inplace", call=_inplace_call)
] + [
    OpSpec(name, lambda fw, x, build=build: _inplace_identity(fw, x, build), (Sample("returns_input", (T(3, 4),)),),
           ("float32", "float64"), variant="inplace_returns_input", kind="module")
    for name, build in INPLACE_ACTIVATION_MODULES
]

# ================================================================ conv1d

CONV_SAMPLES = (Sample("batch", (T(2, 4, 9),)), Sample("unbatched", (T(4, 9),)),
                Sample("transposed", (T(2, 4, 9, layout="transposed"),)))
CONV_MODULES = (
    ("", lambda fw: fw.nn.Conv1d(4, 6, 3)),
    ("stride2_padding1", lambda fw: fw.nn.Conv1d(4, 6, 3, stride=2, padding=1)),
    ("dilation2", lambda fw: fw.nn.Conv1d(4, 2, 3, dilation=2)),
    ("groups2_no_bias", lambda fw: fw.nn.Conv1d(4, 6, 3, groups=2, bias=False)),
    ("depthwise", lambda fw: fw.nn.Conv1d(4, 4, 5, groups=4, padding=2)),
    ("padding_same_even_kernel", lambda fw: fw.nn.Conv1d(4, 3, 4, padding="same")),
    ("padding_same_dilated", lambda fw: fw.nn.Conv1d(4, 3, 3, padding="same", dilation=3)),
    ("padding_valid", lambda fw: fw.nn.Conv1d(4, 3, 2, padding="valid")),
    ("kernel1", lambda fw: fw.nn.Conv1d(4, 5, 1)),
    ("padding_mode_reflect", lambda fw: fw.nn.Conv1d(4, 3, 3, padding=2, padding_mode="reflect")),
    ("padding_mode_replicate_same", lambda fw: fw.nn.Conv1d(4, 3, 4, padding="same", padding_mode="replicate")),
    ("padding_mode_circular_stride2", lambda fw: fw.nn.Conv1d(4, 3, 3, stride=2, padding=1, padding_mode="circular")),
)
CONV_ERRORS = (
    ErrorCase("wrong_channels", lambda fw, x: fw.nn.Conv1d(4, 6, 3)(x), Sample("5_channels", (T(2, 5, 9),)),
              RuntimeError),
    ErrorCase("input_too_short", lambda fw, x: fw.nn.Conv1d(4, 6, 3)(x), Sample("length2", (T(2, 4, 2),)),
              RuntimeError),
    ErrorCase("4d_input", lambda fw, x: fw.nn.Conv1d(4, 6, 3)(x), Sample("4d", (T(1, 2, 4, 9),)), RuntimeError),
    ErrorCase("in_channels_not_divisible", lambda fw: fw.nn.Conv1d(4, 6, 3, groups=3), Sample("groups3", ()),
              ValueError),
    ErrorCase("same_with_stride", lambda fw: fw.nn.Conv1d(4, 6, 3, stride=2, padding="same"),
              Sample("stride2", ()), ValueError),
    ErrorCase("bad_padding_string", lambda fw: fw.nn.Conv1d(4, 6, 3, padding="full"), Sample("full", ()),
              ValueError),
    ErrorCase("bad_padding_mode", lambda fw: fw.nn.Conv1d(4, 6, 3, padding_mode="mirror"), Sample("mirror", ()),
              ValueError),
    ErrorCase("reflect_padding_too_large", lambda fw, x: fw.nn.Conv1d(4, 6, 3, padding=4, padding_mode="reflect")(x),
              Sample("length4", (T(2, 4, 4),)), RuntimeError),
)
FUNCTIONAL_CONV_SAMPLES = (
    Sample("basic", (T(2, 4, 8), T(3, 4, 3), T(3))),
    Sample("stride_padding", (T(2, 4, 8), T(3, 4, 3), T(3)), {"stride": 2, "padding": 2}),
    Sample("tuple_arguments", (T(2, 4, 8), T(3, 4, 3), T(3)), {"stride": (2,), "padding": (1,), "dilation": (2,)}),
    Sample("groups", (T(1, 4, 7), T(6, 2, 2), T(6)), {"groups": 2}),
    Sample("same", (T(2, 4, 8), T(3, 4, 4), T(3)), {"padding": "same"}),
    Sample("unbatched", (T(4, 8), T(3, 4, 3), T(3))),
    Sample("strided_weight", (T(2, 4, 8), T(3, 4, 3, layout="strided"), T(3))),
)
CONV_SPECS = [
    spec for variant, build in CONV_MODULES
    for spec in ModuleSpec("nn.Conv1d", build, CONV_SAMPLES, ALL_FLOATING, variant=variant,
                           errors=CONV_ERRORS if not variant else ())
] + [
    OpSpec("nn.functional.conv1d", lambda fw, x, w, b, **kw: F(fw).conv1d(x, w, b, **kw), FUNCTIONAL_CONV_SAMPLES,
           ALL_FLOATING,
           errors=(ErrorCase("bias_wrong_size", lambda fw, x, w, b: F(fw).conv1d(x, w, b),
                             Sample("bias2", (T(2, 4, 8), T(3, 4, 3), T(2))), RuntimeError),
                   ErrorCase("dtype_mismatch", lambda fw, x, w: F(fw).conv1d(x, w.double()),
                             Sample("float_double", (T(2, 4, 8), T(3, 4, 3))), RuntimeError),
                   ErrorCase("zero_stride", lambda fw, x, w: F(fw).conv1d(x, w, stride=0),
                             Sample("stride0", (T(2, 4, 8), T(3, 4, 3))), RuntimeError),
                   ErrorCase("negative_padding", lambda fw, x, w: F(fw).conv1d(x, w, padding=-1),
                             Sample("padding_minus1", (T(2, 4, 8), T(3, 4, 3))), RuntimeError),
                   ErrorCase("weight_not_divisible_by_groups", lambda fw, x, w: F(fw).conv1d(x, w, groups=2),
                             Sample("w3_groups2", (T(2, 4, 8), T(3, 2, 3))), RuntimeError))),
    OpSpec("nn.functional.conv1d", lambda fw, x, w: F(fw).conv1d(x, w), (Sample("no_bias", (T(2, 4, 8), T(3, 4, 3))),),
           ALL_FLOATING, variant="no_bias"),
]

# ================================================================ batch_norm


def _with_running_stats(fw, module):
    """Running statistics away from their initial 0 and 1, so eval mode reads real values."""
    features = module.num_features
    if module.track_running_stats:
        with fw.no_grad():
            module.running_mean.copy_(fw.linspace(-0.5, 0.5, features))
            module.running_var.copy_(fw.linspace(0.5, 2.0, features))
    return module


BATCH_NORM_SAMPLES = (Sample("2d", (T(4, 3),)), Sample("3d", (T(2, 3, 5),)),
                      Sample("transposed_2d", (T(4, 3, layout="transposed"),)))
BATCH_NORM_MODULES = (
    ("", lambda fw: _with_running_stats(fw, fw.nn.BatchNorm1d(3))),
    ("momentum_none", lambda fw: _with_running_stats(fw, fw.nn.BatchNorm1d(3, momentum=None))),
    ("momentum0.3_eps1e-3", lambda fw: _with_running_stats(fw, fw.nn.BatchNorm1d(3, eps=1e-3, momentum=0.3))),
    ("no_affine", lambda fw: _with_running_stats(fw, fw.nn.BatchNorm1d(3, affine=False))),
    ("no_bias", lambda fw: _with_running_stats(fw, fw.nn.BatchNorm1d(3, bias=False))),
    ("no_running_stats", lambda fw: fw.nn.BatchNorm1d(3, track_running_stats=False)),
)
BATCH_NORM_ERRORS = (
    ErrorCase("4d_input", lambda fw, x: fw.nn.BatchNorm1d(3)(x), Sample("4d", (T(2, 3, 2, 2),)), ValueError),
    ErrorCase("one_value_per_channel", lambda fw, x: fw.nn.BatchNorm1d(3)(x), Sample("1x3", (T(1, 3),)), ValueError),
    ErrorCase("wrong_channels", lambda fw, x: fw.nn.BatchNorm1d(3)(x), Sample("4_channels", (T(2, 4),)),
              RuntimeError),
)


def _twice(module, x):
    """Two training steps: the running statistics (and num_batches_tracked) move twice."""
    module(x * 0.5)
    return module(x)


def _batch_norm_functional(fw, x, mean, var, w, b, **kw):
    return F(fw).batch_norm(x, mean, var, w, b, **kw), mean, var


NO_GRAD = dict(requires_grad=False)
# torch's half batch_norm keeps the batch statistics it normalizes with in the half type, rounded in kernel-dependent
# ways (contiguous or strided input, float16 or bfloat16); one ulp of the mean, times the inverse std, moves outputs by
# a few half ulps. mtv2 rounds the mean and inverse std (torch's contiguous float16 kernel exactly).
BATCH_NORM_HALF = (Tolerance(4e-3, 1e-2, "torch rounds the batch statistics to float16 in kernel-dependent ways; "
                             "one ulp of the mean times the inverse std", dtypes=("float16",), checks=("forward",)),
                   Tolerance(3e-2, 3e-2, "torch rounds the batch statistics to bfloat16 in kernel-dependent ways; "
                             "one ulp of the mean times the inverse std", dtypes=("bfloat16",), checks=("forward",)),
                   HALF_PRECISION_BACKWARD)
BATCH_NORM_SPECS = [
    spec for variant, build in BATCH_NORM_MODULES
    for spec in ModuleSpec("nn.BatchNorm1d", build, BATCH_NORM_SAMPLES, ALL_FLOATING, variant=variant,
                           errors=BATCH_NORM_ERRORS if not variant else (), tolerances=BATCH_NORM_HALF)
] + [
    *ModuleSpec("nn.BatchNorm1d", lambda fw: _with_running_stats(fw, fw.nn.BatchNorm1d(3, momentum=None)),
                BATCH_NORM_SAMPLES[:2], ("float32", "float64"), variant="two_steps_momentum_none", call=_twice,
                modes=("train",)),
    *ModuleSpec("nn.BatchNorm1d", lambda fw: _with_running_stats(fw, fw.nn.BatchNorm1d(3)), BATCH_NORM_SAMPLES[:2],
                ("float32", "float64"), variant="two_steps", call=_twice, modes=("train",)),
    OpSpec("nn.functional.batch_norm", _batch_norm_functional,
           (Sample("eval", (T(4, 3), T(3, **NO_GRAD), T(3, domain="positive", **NO_GRAD), T(3), T(3))),
            Sample("train", (T(4, 3), T(3, **NO_GRAD), T(3, domain="positive", **NO_GRAD), T(3), T(3)),
                   {"training": True, "momentum": 0.2}),
            Sample("train_3d", (T(2, 3, 4), T(3, **NO_GRAD), T(3, domain="positive", **NO_GRAD), T(3), T(3)),
                   {"training": True, "eps": 1e-3})),
           ALL_FLOATING, tolerances=BATCH_NORM_HALF,
           errors=(ErrorCase("running_mean_wrong_size", lambda fw, x, m, v: F(fw).batch_norm(x, m, v),
                             Sample("mean2", (T(4, 3), T(2), T(2))), RuntimeError),
                   ErrorCase("one_value_per_channel", lambda fw, x: F(fw).batch_norm(x, None, None, training=True),
                             Sample("1x3", (T(1, 3),)), ValueError),
                   ErrorCase("1d_input", lambda fw, x: F(fw).batch_norm(x, None, None, training=True),
                             Sample("vector", (T(3),)), IndexError))),
    OpSpec("nn.functional.batch_norm", lambda fw, x: F(fw).batch_norm(x, None, None, training=True),
           (Sample("no_stats", (T(4, 3),)), Sample("no_stats_3d", (T(2, 3, 4),))), ALL_FLOATING, variant="no_stats",
           tolerances=BATCH_NORM_HALF),
]

# ================================================================ normalize

NORMALIZE_SAMPLES = (
    Sample("default", (T(3, 4),)),
    Sample("dim_minus1", (T(2, 3, 4),), {"dim": -1}),
    Sample("p1", (T(3, 4),), {"p": 1}),
    Sample("p3_dim0", (T(3, 4),), {"p": 3.0, "dim": 0}),
    Sample("vector_dim0", (T(5),), {"dim": 0}),
    Sample("eps_large", (T(3, 4),), {"eps": 10.0}),
    Sample("transposed", (T(3, 4, layout="transposed"),)),
    Sample("size0", (T(0, 4),)),
)
NORMALIZE_SPECS = [
    OpSpec("nn.functional.normalize", lambda fw, x, **kw: F(fw).normalize(x, **kw), NORMALIZE_SAMPLES, ALL_FLOATING,
           errors=(ErrorCase("dim_out_of_range", lambda fw, x: F(fw).normalize(x, dim=2), Sample("2d", (T(3, 4),)),
                             IndexError),
                   ErrorCase("list_input", lambda fw: F(fw).normalize([1.0, 2.0]), Sample("list", ()),
                             AttributeError))),
]

# ================================================================ group_norm, rms_norm, instance_norm, local_response

GROUP_NORM_SAMPLES = (Sample("3d", (T(2, 6, 5),)), Sample("4d", (T(2, 6, 2, 3),)),
                      Sample("transposed", (T(2, 6, 4, layout="transposed"),)), Sample("size0_batch", (T(0, 6, 3),)))
GROUP_NORM_MODULES = (
    ("", lambda fw: fw.nn.GroupNorm(3, 6)),
    ("one_group", lambda fw: fw.nn.GroupNorm(1, 6, eps=1e-3)),
    ("instance_like", lambda fw: fw.nn.GroupNorm(6, 6)),
    ("no_affine", lambda fw: fw.nn.GroupNorm(2, 6, affine=False)),
    ("no_bias", lambda fw: fw.nn.GroupNorm(2, 6, bias=False)),
)
GROUP_NORM_ERRORS = (
    ErrorCase("channels_not_divisible", lambda fw, x: F(fw).group_norm(x, 4), Sample("6_channels", (T(2, 6, 3),)),
              RuntimeError),
    ErrorCase("1d_input", lambda fw, x: F(fw).group_norm(x, 1), Sample("vector", (T(3),)), RuntimeError),
    ErrorCase("one_value_per_group", lambda fw, x: F(fw).group_norm(x, 2), Sample("1x2x1", (T(1, 2, 1),)),
              ValueError),
    ErrorCase("weight_wrong_size", lambda fw, x, w: F(fw).group_norm(x, 2, w), Sample("w5", (T(2, 6, 3), T(5))),
              RuntimeError),
    ErrorCase("integer_input", lambda fw, x: F(fw).group_norm(x, 2), Sample("int", (T(2, 6, 3, dtype="int64"),)),
              NotImplementedError),
    ErrorCase("half_weight_float_input", lambda fw, x, w: F(fw).group_norm(x, 2, w.half()),
              Sample("mixed", (T(2, 6, 3), T(6))), RuntimeError),
    ErrorCase("module_channels_not_divisible", lambda fw: fw.nn.GroupNorm(4, 6), Sample("4_groups", ()), ValueError),
)
RMS_NORM_SAMPLES = (Sample("batch", (T(3, 4),)), Sample("3d", (T(2, 3, 4),)), Sample("vector", (T(4),)),
                    Sample("transposed", (T(4, 4, layout="transposed"),)), Sample("size0_batch", (T(0, 4),)))
RMS_NORM_ERRORS = (
    ErrorCase("wrong_trailing_shape", lambda fw, x: fw.nn.RMSNorm(4)(x), Sample("2x5", (T(2, 5),)), RuntimeError),
    ErrorCase("normalized_shape_int", lambda fw, x: F(fw).rms_norm(x, 4), Sample("int_shape", (T(2, 4),)),
              TypeError),
    ErrorCase("weight_wrong_shape", lambda fw, x, w: F(fw).rms_norm(x, (4,), w), Sample("w3", (T(2, 4), T(3))),
              RuntimeError),
    ErrorCase("empty_shape", lambda fw, x: F(fw).rms_norm(x, []), Sample("2x4", (T(2, 4),)), RuntimeError),
    ErrorCase("integer_input", lambda fw, x: F(fw).rms_norm(x, (4,)), Sample("int", (T(2, 4, dtype="int64"),)),
              NotImplementedError),
)
INSTANCE_NORM_MODULES = (
    ("nn.InstanceNorm1d", "", lambda fw: fw.nn.InstanceNorm1d(3), (Sample("3d", (T(2, 3, 5),)),
                                                                  Sample("unbatched", (T(3, 5),)))),
    ("nn.InstanceNorm1d", "affine_running_stats",
     lambda fw: _with_running_stats(fw, fw.nn.InstanceNorm1d(3, affine=True, track_running_stats=True)),
     (Sample("3d", (T(2, 3, 5),)), Sample("transposed", (T(3, 3, 4, layout="transposed"),)))),
    ("nn.InstanceNorm1d", "momentum_none",
     lambda fw: _with_running_stats(fw, fw.nn.InstanceNorm1d(3, momentum=None, track_running_stats=True)),
     (Sample("3d", (T(2, 3, 5),)),)),
    ("nn.InstanceNorm2d", "", lambda fw: fw.nn.InstanceNorm2d(3, eps=1e-3), (Sample("4d", (T(2, 3, 2, 3),)),
                                                                           Sample("unbatched", (T(3, 2, 3),)))),
    ("nn.InstanceNorm2d", "affine_running_stats",
     lambda fw: _with_running_stats(fw, fw.nn.InstanceNorm2d(3, affine=True, track_running_stats=True)),
     (Sample("4d", (T(2, 3, 2, 3),)),)),
    ("nn.InstanceNorm3d", "affine", lambda fw: fw.nn.InstanceNorm3d(3, affine=True, bias=False),
     (Sample("5d", (T(2, 3, 2, 2, 2),)), Sample("unbatched", (T(3, 2, 2, 2),)))),
)
INSTANCE_NORM_ERRORS = (
    ErrorCase("4d_input", lambda fw, x: fw.nn.InstanceNorm1d(3)(x), Sample("4d", (T(2, 3, 2, 2),)), ValueError),
    ErrorCase("affine_wrong_channels", lambda fw, x: fw.nn.InstanceNorm2d(4, affine=True)(x),
              Sample("3_channels", (T(2, 3, 2, 2),)), ValueError),
    ErrorCase("one_spatial_element", lambda fw, x: fw.nn.InstanceNorm1d(3)(x), Sample("2x3x1", (T(2, 3, 1),)),
              ValueError),
    ErrorCase("eval_without_running_stats", lambda fw, x: F(fw).instance_norm(x, use_input_stats=False),
              Sample("2x3x4", (T(2, 3, 4),)), RuntimeError),
    ErrorCase("running_mean_wrong_size", lambda fw, x, m, v: F(fw).instance_norm(x, m, v),
              Sample("mean2", (T(2, 3, 4), T(2), T(2))), RuntimeError),
)


def _instance_norm_functional(fw, x, mean, var, w, b, **kw):
    return F(fw).instance_norm(x, mean, var, w, b, **kw), mean, var


# torch's 4-D local_response_norm runs avg_pool3d, which has no half CPU kernel (an error case below)
LRN_SAMPLES = (Sample("3d", (T(2, 5, 4),)), Sample("4d", (T(2, 5, 3, 2),), only_dtypes=("float32", "float64")),
               Sample("transposed_3d", (T(4, 5, 4, layout="transposed"),)), Sample("size0", (T(0, 5, 4),)))
LRN_MODULES = (("", lambda fw: fw.nn.LocalResponseNorm(3)),
               ("size2_options", lambda fw: fw.nn.LocalResponseNorm(2, alpha=0.5, beta=0.5, k=2.0)),
               ("size_larger_than_channels", lambda fw: fw.nn.LocalResponseNorm(7, alpha=0.1)))

NORM_SPECS = [
    *(spec for variant, build in GROUP_NORM_MODULES
      for spec in ModuleSpec("nn.GroupNorm", build, GROUP_NORM_SAMPLES, ALL_FLOATING, variant=variant)),
    OpSpec("nn.functional.group_norm", lambda fw, x, w, b, **kw: F(fw).group_norm(x, 2, w, b, **kw),
           (Sample("affine", (T(3, 4, 5), T(4), T(4))),
            Sample("eps", (T(2, 4, 2, 2), T(4), T(4)), {"eps": 1e-2}),
            Sample("strided_input", (T(2, 4, 3, layout="strided"), T(4), T(4))),
            Sample("expanded_input", (T(2, 4, 3, layout="expanded"), T(4), T(4)))),
           ALL_FLOATING, tolerances=(HALF_PRECISION_BACKWARD,), errors=GROUP_NORM_ERRORS),
    OpSpec("nn.functional.group_norm", lambda fw, x: F(fw).group_norm(x, 3),
           (Sample("no_affine", (T(2, 6, 4),)),), ALL_FLOATING, variant="no_affine",
           tolerances=(HALF_PRECISION_BACKWARD,)),
    # torch accepts float32 parameters with a half input: computed in float32, the result in the half type
    OpSpec("nn.functional.group_norm", lambda fw, x, w, b: F(fw).group_norm(x, 2, w, b),
           (Sample("float32_parameters", (T(2, 4, 3), T(4, dtype="float32"), T(4, dtype="float32"))),),
           ("float16", "bfloat16"), variant="mixed_dtype", tolerances=(HALF_PRECISION_BACKWARD,),
           xfails=(XFail("half input with float32 parameters: torch's mixed-dtype double backward rounds its terms to "
                         "bfloat16 in its own order; one element differs by one bfloat16 ulp", checks=("gradgrad",),
                         dtypes=("bfloat16",)),)),
    *ModuleSpec("nn.RMSNorm", lambda fw: fw.nn.RMSNorm(4), RMS_NORM_SAMPLES, ALL_FLOATING, errors=RMS_NORM_ERRORS),
    *ModuleSpec("nn.RMSNorm", lambda fw: fw.nn.RMSNorm((3, 4), eps=1e-3), RMS_NORM_SAMPLES[1:2], ALL_FLOATING,
                variant="shape_3x4_eps"),
    *ModuleSpec("nn.RMSNorm", lambda fw: fw.nn.RMSNorm(4, elementwise_affine=False), RMS_NORM_SAMPLES[:2],
                ALL_FLOATING, variant="no_affine"),
    OpSpec("nn.functional.rms_norm", lambda fw, x, w, shape, **kw: F(fw).rms_norm(x, shape, w, **kw),
           (Sample("affine", (T(3, 4), T(4), Arg(value=(4,)))),
            Sample("affine_2d_shape", (T(2, 3, 4), T(3, 4), Arg(value=[3, 4])), {"eps": 1e-6}),
            Sample("expanded_input", (T(3, 4, layout="expanded"), T(4), Arg(value=(4,)))),
            Sample("offset_input", (T(2, 3, layout="offset"), T(3), Arg(value=(3,))))),
           ALL_FLOATING, tolerances=(HALF_PRECISION_BACKWARD,)),
    OpSpec("nn.functional.rms_norm", lambda fw, x, w: F(fw).rms_norm(x, (4,), w),
           (Sample("float32_weight", (T(3, 4), T(4, dtype="float32"))),), ("float16", "bfloat16"),
           variant="mixed_dtype", tolerances=(HALF_PRECISION_BACKWARD,)),
    *(spec for name, variant, build, samples in INSTANCE_NORM_MODULES
      for spec in ModuleSpec(name, build, samples, ALL_FLOATING, variant=variant, tolerances=BATCH_NORM_HALF,
                             errors=INSTANCE_NORM_ERRORS if (name, variant) == ("nn.InstanceNorm1d", "") else ())),
    *ModuleSpec("nn.InstanceNorm1d", lambda fw: _with_running_stats(fw, fw.nn.InstanceNorm1d(
        3, momentum=0.3, track_running_stats=True)), (Sample("3d", (T(2, 3, 5),)),), ("float32", "float64"),
        variant="two_steps", call=_twice, modes=("train",)),
    OpSpec("nn.functional.instance_norm", _instance_norm_functional,
           (Sample("train", (T(2, 3, 4), T(3, **NO_GRAD), T(3, domain="positive", **NO_GRAD), T(3), T(3)),
                   {"momentum": 0.2}),
            Sample("eval", (T(2, 3, 4), T(3, **NO_GRAD), T(3, domain="positive", **NO_GRAD), T(3), T(3)),
                   {"use_input_stats": False}),
            Sample("train_4d_eps", (T(2, 3, 2, 2), T(3, **NO_GRAD), T(3, domain="positive", **NO_GRAD), T(3), T(3)),
                   {"eps": 1e-3})),
           ALL_FLOATING, tolerances=BATCH_NORM_HALF),
    OpSpec("nn.functional.instance_norm", lambda fw, x: F(fw).instance_norm(x),
           (Sample("no_stats", (T(2, 3, 4),)), Sample("strided", (T(2, 3, 4, layout="strided"),))), ALL_FLOATING,
           variant="no_stats", tolerances=BATCH_NORM_HALF),
    *(spec for variant, build in LRN_MODULES
      for spec in ModuleSpec("nn.LocalResponseNorm", build, LRN_SAMPLES, ALL_FLOATING, variant=variant)),
    OpSpec("nn.functional.local_response_norm", lambda fw, x, **kw: F(fw).local_response_norm(x, 2, **kw),
           (Sample("3d", (T(2, 4, 3),)), Sample("5d", (T(1, 4, 2, 2, 2),), {"k": 2.0}, only_dtypes=("float32",
                                                                                                  "float64"))),
           ALL_FLOATING + INTEGERS,
           errors=(ErrorCase("2d_input", lambda fw, x: F(fw).local_response_norm(x, 2), Sample("2d", (T(3, 4),)),
                             ValueError),
                   ErrorCase("half_4d", lambda fw, x: F(fw).local_response_norm(x.half(), 2),
                             Sample("4d", (T(1, 4, 2, 2),)), NotImplementedError))),
]

# ================================================================ BatchNorm2d, BatchNorm3d

BATCH_NORM_ND_SPECS = [
    *ModuleSpec("nn.BatchNorm2d", lambda fw: _with_running_stats(fw, fw.nn.BatchNorm2d(3)),
                (Sample("4d", (T(2, 3, 2, 3),)), Sample("transposed", (T(2, 3, 3, 3, layout="transposed"),))),
                ALL_FLOATING, tolerances=BATCH_NORM_HALF,
                errors=(ErrorCase("3d_input", lambda fw, x: fw.nn.BatchNorm2d(3)(x), Sample("3d", (T(2, 3, 4),)),
                                  ValueError),
                        ErrorCase("one_value_per_channel", lambda fw, x: fw.nn.BatchNorm2d(3)(x),
                                  Sample("1x3x1x1", (T(1, 3, 1, 1),)), ValueError))),
    *ModuleSpec("nn.BatchNorm2d", lambda fw: fw.nn.BatchNorm2d(3, momentum=None, affine=False),
                (Sample("4d", (T(2, 3, 2, 3),)),), ALL_FLOATING, variant="momentum_none_no_affine",
                tolerances=BATCH_NORM_HALF),
    *ModuleSpec("nn.BatchNorm3d", lambda fw: _with_running_stats(fw, fw.nn.BatchNorm3d(3, eps=1e-3)),
                (Sample("5d", (T(2, 3, 2, 2, 2),)),), ALL_FLOATING, tolerances=BATCH_NORM_HALF,
                errors=(ErrorCase("4d_input", lambda fw, x: fw.nn.BatchNorm3d(3)(x), Sample("4d", (T(2, 3, 2, 2),)),
                                  ValueError),)),
    *ModuleSpec("nn.BatchNorm3d", lambda fw: fw.nn.BatchNorm3d(3, track_running_stats=False),
                (Sample("5d", (T(2, 3, 2, 1, 2),)),), ALL_FLOATING, variant="no_running_stats",
                tolerances=BATCH_NORM_HALF),
]

# ================================================================ distances, bilinear

DISTANCE_PAIRS = (Sample("2d", (T(3, 5), T(3, 5))), Sample("broadcast", (T(2, 3, 5), T(3, 1))),
                  Sample("transposed", (T(4, 4, layout="transposed"), T(4, 4))),
                  Sample("vectors", (T(5), T(5))))
DISTANCE_SPECS = [
    OpSpec("nn.functional.cosine_similarity", lambda fw, a, b, **kw: F(fw).cosine_similarity(a, b, **kw),
           (*DISTANCE_PAIRS[:3], Sample("dim_minus1", (T(2, 3, 4), T(2, 3, 4)), {"dim": -1}),
            Sample("vectors_dim0", (T(5), T(5)), {"dim": 0}),
            Sample("eps_large", (T(3, 4), T(3, 4)), {"eps": 10.0})),
           ALL_FLOATING, tolerances=(HALF_PRECISION_BACKWARD,),
           xfails=(XFail("eps larger than the norms: torch clamps them to eps in place under no_grad, so its gradient "
                         "(and mtv2's, which follows it) is that of the unclamped x / |x|, not the derivative finite "
                         "differences see", checks=("gradcheck",), variants=("eps_large",)),),
           errors=(ErrorCase("shapes_mismatch", lambda fw, a, b: F(fw).cosine_similarity(a, b),
                             Sample("2x3_4x3", (T(2, 3), T(4, 3))), RuntimeError),
                   ErrorCase("integer_inputs", lambda fw, a, b: F(fw).cosine_similarity(a, b),
                             Sample("int", (T(2, 3, dtype="int64"), T(2, 3, dtype="int64"))), RuntimeError),
                   ErrorCase("dim_out_of_range", lambda fw, a, b: F(fw).cosine_similarity(a, b, dim=2),
                             Sample("2d", (T(2, 3), T(2, 3))), IndexError))),
    # a zero row: torch clamps the norm to eps in place under no_grad, so the gradient is that of x / |x| anyway
    OpSpec("nn.functional.cosine_similarity", lambda fw, a, b: F(fw).cosine_similarity(a * fw.tensor(
        [[0.0], [1.0]], dtype=a.dtype), b), (Sample("zero_row", (T(2, 3), T(2, 3))),), ("float32", "float64"),
        variant="zero_row", gradcheck=False, gradgrad=False),
    OpSpec("torch.cosine_similarity", lambda fw, a, b: fw.cosine_similarity(a, b, 0),
           (Sample("dim0", (T(3, 4), T(3, 4))),), ("float32", "float64")),
    OpSpec("nn.functional.pairwise_distance", lambda fw, a, b, **kw: F(fw).pairwise_distance(a, b, **kw),
           (*DISTANCE_PAIRS, Sample("p1_keepdim", (T(3, 5), T(3, 5)), {"p": 1.0, "keepdim": True}),
            Sample("p3_eps", (T(3, 5), T(3, 5)), {"p": 3.0, "eps": 1e-3}),
            Sample("p_inf", (T(3, 5), T(3, 5)), {"p": float("inf")})),
           ALL_FLOATING, tolerances=(HALF_PRECISION_BACKWARD,),
           errors=(ErrorCase("shapes_mismatch", lambda fw, a, b: F(fw).pairwise_distance(a, b),
                             Sample("2x3_4x3", (T(2, 3), T(4, 3))), RuntimeError),)),
    OpSpec("nn.functional.pairwise_distance", lambda fw, a, b: F(fw).pairwise_distance(a, b),
           (Sample("int", (T(2, 3, dtype="int64"), T(2, 3, dtype="int64"))),), ("int64",), variant="integer",
           grad=False),
    OpSpec("nn.functional.pdist", lambda fw, x, **kw: F(fw).pdist(x, **kw),
           (Sample("p2", (T(4, 3),)), Sample("p1", (T(4, 3),), {"p": 1.0}), Sample("p3", (T(4, 3),), {"p": 3.0}),
            Sample("p_inf", (T(4, 3),), {"p": float("inf")}), Sample("transposed", (T(4, 4, layout="transposed"),)),
            Sample("one_row", (T(1, 3),))),
           ("float32", "float64"),
           errors=(ErrorCase("1d_input", lambda fw, x: F(fw).pdist(x), Sample("vector", (T(3),)), RuntimeError),
                   ErrorCase("negative_p", lambda fw, x: F(fw).pdist(x, -1.0), Sample("p_minus1", (T(3, 2),)),
                             RuntimeError),
                   ErrorCase("integer_input", lambda fw, x: F(fw).pdist(x), Sample("int", (T(3, 2, dtype="int64"),)),
                             RuntimeError),
                   ErrorCase("half_input", lambda fw, x: F(fw).pdist(x.half()), Sample("half", (T(3, 2),)),
                             NotImplementedError))),
    # p = 0 counts the differing coordinates: torch's gradient is zero, finite differences see steps at zero only
    OpSpec("nn.functional.pdist", lambda fw, x: F(fw).pdist(x, 0.0), (Sample("p0", (T(4, 3),)),),
           ("float32", "float64"), variant="p0"),
    *ModuleSpec("nn.CosineSimilarity", lambda fw: fw.nn.CosineSimilarity(), DISTANCE_PAIRS[:3], ALL_FLOATING),
    *ModuleSpec("nn.CosineSimilarity", lambda fw: fw.nn.CosineSimilarity(dim=0, eps=1e-3), DISTANCE_PAIRS[3:],
                ALL_FLOATING, variant="dim0"),
    *ModuleSpec("nn.PairwiseDistance", lambda fw: fw.nn.PairwiseDistance(), DISTANCE_PAIRS, ALL_FLOATING),
    *ModuleSpec("nn.PairwiseDistance", lambda fw: fw.nn.PairwiseDistance(p=1.0, eps=0.0, keepdim=True),
                DISTANCE_PAIRS[:2], ALL_FLOATING, variant="p1_keepdim"),
]

BILINEAR_SAMPLES = (Sample("batch", (T(2, 3), T(2, 4))), Sample("3d", (T(2, 2, 3), T(2, 2, 4))),
                    Sample("vectors", (T(3), T(4))),
                    Sample("transposed", (T(3, 3, layout="transposed"), T(3, 4))))
BILINEAR_SPECS = [
    *ModuleSpec("nn.Bilinear", lambda fw: fw.nn.Bilinear(3, 4, 5), BILINEAR_SAMPLES, ALL_FLOATING,
                errors=(ErrorCase("batch_mismatch", lambda fw, a, b: fw.nn.Bilinear(3, 4, 5)(a, b),
                                  Sample("2_and_3", (T(2, 3), T(3, 4))), RuntimeError),
                        ErrorCase("in2_mismatch", lambda fw, a, b: fw.nn.Bilinear(3, 4, 5)(a, b),
                                  Sample("in2_5", (T(2, 3), T(2, 5))), RuntimeError),
                        ErrorCase("rank_mismatch", lambda fw, a, b: fw.nn.Bilinear(3, 4, 5)(a, b),
                                  Sample("2d_3d", (T(2, 3), T(2, 2, 4))), RuntimeError),
                        ErrorCase("in1_features_zero", lambda fw: fw.nn.Bilinear(0, 4, 5), Sample("zero", ()),
                                  ValueError))),
    *ModuleSpec("nn.Bilinear", lambda fw: fw.nn.Bilinear(3, 4, 2, bias=False), BILINEAR_SAMPLES[:2], ALL_FLOATING,
                variant="no_bias"),
    OpSpec("nn.functional.bilinear", lambda fw, a, b, w, bias: F(fw).bilinear(a, b, w, bias),
           (Sample("batch", (T(3, 2), T(3, 4), T(5, 2, 4), T(5))),
            Sample("strided_weight", (T(2, 3), T(2, 3), T(2, 3, 3, layout="strided"), T(2)))),
           ALL_FLOATING + INTEGERS, tolerances=(HALF_PRECISION_BACKWARD,),
           errors=(ErrorCase("bias_wrong_size", lambda fw, a, b, w, bias: F(fw).bilinear(a, b, w, bias),
                             Sample("bias4", (T(2, 3), T(2, 4), T(5, 3, 4), T(4))), RuntimeError),
                   ErrorCase("dtype_mismatch", lambda fw, a, b, w: F(fw).bilinear(a, b.double(), w),
                             Sample("float_double", (T(2, 3), T(2, 4), T(5, 3, 4))), RuntimeError))),
]

# ================================================================ shuffles, flatten, padding

SHUFFLE_SPECS = [
    OpSpec("nn.functional.pixel_shuffle", lambda fw, x, r: F(fw).pixel_shuffle(x, r),
           (Sample("r2", (T(2, 8, 2, 3), Arg(value=2))), Sample("r3_batch_dims", (T(2, 1, 9, 2, 2), Arg(value=3))),
            Sample("unbatched", (T(4, 2, 2), Arg(value=2))), Sample("r1", (T(1, 3, 2, 2), Arg(value=1))),
            Sample("transposed", (T(1, 4, 4, 4, layout="transposed"), Arg(value=2)))),
           ALL_FLOATING + INTEGERS,
           errors=(ErrorCase("2d_input", lambda fw, x: F(fw).pixel_shuffle(x, 2), Sample("2d", (T(4, 4),)),
                             RuntimeError),
                   ErrorCase("channels_not_divisible", lambda fw, x: F(fw).pixel_shuffle(x, 2),
                             Sample("3_channels", (T(1, 3, 2, 2),)), RuntimeError),
                   ErrorCase("zero_factor", lambda fw, x: F(fw).pixel_shuffle(x, 0), Sample("r0", (T(1, 4, 2, 2),)),
                             RuntimeError))),
    OpSpec("nn.functional.pixel_unshuffle", lambda fw, x, r: F(fw).pixel_unshuffle(x, r),
           (Sample("r2", (T(2, 2, 4, 6), Arg(value=2))), Sample("r3_batch_dims", (T(2, 1, 1, 3, 6), Arg(value=3))),
            Sample("unbatched", (T(1, 4, 2), Arg(value=2))), Sample("strided", (T(1, 4, 4, layout="strided"),
                                                                               Arg(value=2)))),
           ALL_FLOATING + INTEGERS,
           errors=(ErrorCase("height_not_divisible", lambda fw, x: F(fw).pixel_unshuffle(x, 2),
                             Sample("h3", (T(1, 4, 3, 2),)), RuntimeError),
                   ErrorCase("width_not_divisible", lambda fw, x: F(fw).pixel_unshuffle(x, 2),
                             Sample("w3", (T(1, 4, 2, 3),)), RuntimeError),
                   ErrorCase("zero_factor", lambda fw, x: F(fw).pixel_unshuffle(x, 0),
                             Sample("r0", (T(1, 4, 2, 2),)), RuntimeError))),
    *ModuleSpec("nn.PixelShuffle", lambda fw: fw.nn.PixelShuffle(2), (Sample("4d", (T(2, 8, 2, 3),)),), ALL_FLOATING),
    *ModuleSpec("nn.PixelUnshuffle", lambda fw: fw.nn.PixelUnshuffle(2), (Sample("4d", (T(2, 2, 4, 6),)),),
                ALL_FLOATING),
    OpSpec("nn.functional.channel_shuffle", lambda fw, x, g: F(fw).channel_shuffle(x, g),
           (Sample("g2", (T(2, 6, 3), Arg(value=2))), Sample("g3_4d", (T(1, 6, 2, 2), Arg(value=3))),
            Sample("g1", (T(2, 4, 3), Arg(value=1))), Sample("transposed", (T(3, 3, 4, layout="transposed"),
                                                                             Arg(value=3)))),
           ALL_FLOATING + INTEGERS,
           errors=(ErrorCase("2d_input", lambda fw, x: F(fw).channel_shuffle(x, 2), Sample("2d", (T(1, 4),)),
                             RuntimeError),
                   ErrorCase("not_divisible", lambda fw, x: F(fw).channel_shuffle(x, 3), Sample("4_channels",
                                                                                             (T(1, 4, 2),)),
                             RuntimeError),
                   ErrorCase("zero_groups", lambda fw, x: F(fw).channel_shuffle(x, 0), Sample("g0", (T(1, 4, 2),)),
                             RuntimeError))),
    OpSpec("nn.functional.native_channel_shuffle", lambda fw, x: F(fw).native_channel_shuffle(x, 3),
           (Sample("g3", (T(2, 6, 3),)), Sample("g3_transposed", (T(3, 3, 4, layout="transposed"),))),
           ALL_FLOATING + INTEGERS, gradcheck=False, gradgrad=False),   # torch has no derivative: backward raises
    *ModuleSpec("nn.ChannelShuffle", lambda fw: fw.nn.ChannelShuffle(2), (Sample("3d", (T(2, 6, 3),)),),
                ALL_FLOATING),
]

FLATTEN_SPECS = [
    *ModuleSpec("nn.Flatten", lambda fw: fw.nn.Flatten(), (Sample("3d", (T(2, 3, 4),)),
                                                            Sample("transposed", (T(3, 4, layout="transposed"),))),
                ALL_FLOATING),
    *ModuleSpec("nn.Flatten", lambda fw: fw.nn.Flatten(0, 1), (Sample("3d", (T(2, 3, 4),)),), ("float32",),
                variant="dims_0_1"),
    *ModuleSpec("nn.Unflatten", lambda fw: fw.nn.Unflatten(1, (2, 3)), (Sample("2d", (T(4, 6),)),
                                                                         Sample("3d", (T(2, 6, 2),))), ALL_FLOATING,
                errors=(ErrorCase("list_of_floats", lambda fw: fw.nn.Unflatten(1, [2.0, 3]), Sample("float", ()),
                                  TypeError),
                        ErrorCase("int_size", lambda fw: fw.nn.Unflatten(1, 6), Sample("int", ()), TypeError),
                        ErrorCase("wrong_product", lambda fw, x: fw.nn.Unflatten(1, (4, 2))(x),
                                  Sample("6", (T(2, 6),)), RuntimeError))),
    *ModuleSpec("nn.Unflatten", lambda fw: fw.nn.Unflatten(-1, [2, -1]), (Sample("2d", (T(4, 6),)),), ("float32",),
                variant="inferred"),
]

PADDING_MODULES = (
    ("nn.ConstantPad1d", lambda fw: fw.nn.ConstantPad1d((1, 2), 3.5), (T(2, 3, 4), T(3, 4))),
    ("nn.ConstantPad2d", lambda fw: fw.nn.ConstantPad2d(1, -1.0), (T(1, 2, 3, 3), T(2, 3, 3))),
    ("nn.ConstantPad3d", lambda fw: fw.nn.ConstantPad3d((1, 0, 0, 1, 2, 0), 0.5), (T(1, 2, 2, 2, 2), T(2, 2, 2, 2))),
    ("nn.ZeroPad1d", lambda fw: fw.nn.ZeroPad1d(2), (T(2, 3, 4), T(3, 4))),
    ("nn.ZeroPad2d", lambda fw: fw.nn.ZeroPad2d((1, 1, 2, -1)), (T(1, 2, 3, 3), T(2, 3, 3))),
    ("nn.ZeroPad3d", lambda fw: fw.nn.ZeroPad3d(1), (T(1, 2, 2, 2, 2), T(2, 2, 2, 2))),
    ("nn.ReflectionPad1d", lambda fw: fw.nn.ReflectionPad1d((2, 1)), (T(2, 3, 4), T(3, 4))),
    ("nn.ReflectionPad2d", lambda fw: fw.nn.ReflectionPad2d(1), (T(1, 2, 3, 3), T(2, 3, 3))),
    ("nn.ReflectionPad3d", lambda fw: fw.nn.ReflectionPad3d((1, 0, 1, 1, 0, 1)), (T(1, 2, 2, 3, 2), T(2, 2, 3, 2))),
    ("nn.ReplicationPad1d", lambda fw: fw.nn.ReplicationPad1d((2, 3)), (T(2, 3, 4), T(3, 4))),
    ("nn.ReplicationPad2d", lambda fw: fw.nn.ReplicationPad2d(2), (T(1, 2, 3, 3), T(2, 3, 3))),
    ("nn.ReplicationPad3d", lambda fw: fw.nn.ReplicationPad3d(1), (T(1, 2, 2, 2, 2), T(2, 2, 2, 2))),
    ("nn.CircularPad1d", lambda fw: fw.nn.CircularPad1d((1, 3)), (T(2, 3, 4), T(3, 4))),
    ("nn.CircularPad2d", lambda fw: fw.nn.CircularPad2d(1), (T(1, 2, 3, 3), T(2, 3, 3))),
    ("nn.CircularPad3d", lambda fw: fw.nn.CircularPad3d((1, 1, 0, 1, 1, 0)), (T(1, 2, 2, 2, 2), T(2, 2, 2, 2))),
)
PADDING_ERRORS = {
    "nn.CircularPad2d": (ErrorCase("2d_input", lambda fw, x: fw.nn.CircularPad2d(1)(x), Sample("2d", (T(3, 3),)),
                                   ValueError),),
    "nn.ReflectionPad1d": (ErrorCase("padding_too_large", lambda fw, x: fw.nn.ReflectionPad1d(4)(x),
                                     Sample("length4", (T(2, 3, 4),)), RuntimeError),),
    "nn.ReplicationPad2d": (ErrorCase("5d_input", lambda fw, x: fw.nn.ReplicationPad2d(1)(x),
                                      Sample("5d", (T(1, 1, 2, 2, 2),)), NotImplementedError),),
    "nn.ConstantPad1d": (ErrorCase("padding_wrong_length", lambda fw, x: fw.nn.ConstantPad1d((1, 2, 3), 0.0)(x),
                                   Sample("three_numbers", (T(2, 3, 4),)), RuntimeError),),
}
PADDING_SPECS = [
    spec for name, build, (batched, unbatched) in PADDING_MODULES
    for spec in ModuleSpec(name, build, (Sample("batched", (batched,)), Sample("unbatched", (unbatched,))),
                           ALL_FLOATING, modes=("train",), errors=PADDING_ERRORS.get(name, ()))
]

# ================================================================ reprs (extra_repr as torch's)

REPRS = (
    *((name, variant or "default", build) for name, variant, build in ACTIVATION_MODULES),
    *((name, "inplace", build) for name, build in INPLACE_ACTIVATION_MODULES),
    ("nn.Linear", "default", lambda fw: fw.nn.Linear(4, 3)),
    ("nn.Linear", "no_bias", lambda fw: fw.nn.Linear(4, 3, bias=False)),
    ("nn.Embedding", "default", lambda fw: fw.nn.Embedding(5, 3)),
    ("nn.Embedding", "padding_idx_negative", lambda fw: fw.nn.Embedding(5, 3, padding_idx=-1)),
    ("nn.Embedding", "all_options", lambda fw: fw.nn.Embedding(5, 3, max_norm=1.0, norm_type=1.0,
                                                               scale_grad_by_freq=True)),
    ("nn.LayerNorm", "default", lambda fw: fw.nn.LayerNorm(4)),
    ("nn.LayerNorm", "variants", lambda fw: fw.nn.LayerNorm((3, 4), eps=1e-12, elementwise_affine=False)),
    ("nn.LayerNorm", "no_bias", lambda fw: fw.nn.LayerNorm([4], bias=False)),
    *(("nn.Conv1d", variant or "default", build) for variant, build in CONV_MODULES),
    *(("nn.BatchNorm1d", variant or "default", build) for variant, build in BATCH_NORM_MODULES),
    *(("nn.GroupNorm", variant or "default", build) for variant, build in GROUP_NORM_MODULES),
    *((name, variant or "default", build) for name, variant, build, _ in INSTANCE_NORM_MODULES),
    *(("nn.LocalResponseNorm", variant or "default", build) for variant, build in LRN_MODULES),
    *((name, "default", build) for name, build, _ in PADDING_MODULES),
    ("nn.RMSNorm", "default", lambda fw: fw.nn.RMSNorm(4)),
    ("nn.RMSNorm", "variants", lambda fw: fw.nn.RMSNorm([3, 4], eps=1e-3, elementwise_affine=False)),
    ("nn.BatchNorm2d", "default", lambda fw: fw.nn.BatchNorm2d(3)),
    ("nn.BatchNorm3d", "variants", lambda fw: fw.nn.BatchNorm3d(3, momentum=None, affine=False)),
    ("nn.Bilinear", "default", lambda fw: fw.nn.Bilinear(3, 4, 5)),
    ("nn.Bilinear", "no_bias", lambda fw: fw.nn.Bilinear(3, 4, 5, bias=False)),
    ("nn.CosineSimilarity", "default", lambda fw: fw.nn.CosineSimilarity(dim=0)),
    ("nn.PairwiseDistance", "default", lambda fw: fw.nn.PairwiseDistance(p=1.0)),
    ("nn.PixelShuffle", "default", lambda fw: fw.nn.PixelShuffle(3)),
    ("nn.PixelUnshuffle", "default", lambda fw: fw.nn.PixelUnshuffle(2)),
    ("nn.ChannelShuffle", "default", lambda fw: fw.nn.ChannelShuffle(2)),
    ("nn.Flatten", "default", lambda fw: fw.nn.Flatten(0, 2)),
    ("nn.Unflatten", "default", lambda fw: fw.nn.Unflatten(1, [2, 3])),
)
REPR_SPECS = [OpSpec(f"{name}.__repr__", lambda fw, build=build: repr(build(fw)), (Sample("repr", ()),),
                     ("float32",), variant=variant, grad=False) for name, variant, build in REPRS]

# ================================================================ default initialisation

# Random draws differ between the frameworks (mtv2's streams are its own), so these cases compare facts about the
# initial values: exact ones where torch's are deterministic, bounds and moments of large draws where random.
def _uniform_facts(tensor, bound):
    """Inside [-bound, bound], and the draw's std is that of U(-bound, bound) (within 5%, for thousands of values)."""
    tensor = tensor.detach()
    std = float(tensor.double().std())
    return (tuple(tensor.shape), str(tensor.dtype).split(".")[-1], bool((tensor.abs() <= bound).all()),
            abs(std / (bound / 3 ** 0.5) - 1) < 0.05)


def _linear_init(fw, dtype=None):
    module = fw.nn.Linear(100, 2000, dtype=dtype and getattr(fw, dtype))
    return _uniform_facts(module.weight, 1 / 10), _uniform_facts(module.bias, 1 / 10), module.weight.requires_grad


def _conv_init(fw):
    module = fw.nn.Conv1d(40, 2000, 5, groups=2)   # fan_in 20 * 5: bound 1/10
    return _uniform_facts(module.weight, 1 / 10), _uniform_facts(module.bias, 1 / 10)


def _embedding_init(fw, padding_idx=None):
    module = fw.nn.Embedding(1000, 16, padding_idx=padding_idx)
    weight = module.weight.detach().double()
    rows = weight if padding_idx is None else fw.cat([weight[:padding_idx % 1000], weight[padding_idx % 1000 + 1:]])
    padding_row_zero = None if padding_idx is None else bool((weight[padding_idx] == 0).all())
    return (abs(float(rows.mean())) < 0.03, abs(float(rows.std()) - 1) < 0.03, padding_row_zero,
            module.weight.requires_grad)


def _bilinear_init(fw):
    module = fw.nn.Bilinear(100, 20, 300)   # weight and bias from U(+-1/sqrt(in1_features)): bound 1/10
    return _uniform_facts(module.weight, 1 / 10), _uniform_facts(module.bias, 1 / 10)


def _state(fw, build):
    """The module's state_dict (deterministic initial values: ones, zeros, running statistics)."""
    return dict(build(fw).state_dict())


INIT_SPECS = [
    OpSpec("nn.Linear.reset_parameters", lambda fw: _linear_init(fw), (Sample("bounds", ()),), ("float32",),
           grad=False),
    OpSpec("nn.Linear.reset_parameters", lambda fw: _linear_init(fw, "float64"), (Sample("bounds", ()),),
           ("float32",), variant="dtype_float64", grad=False),
    OpSpec("nn.Conv1d.reset_parameters", lambda fw: _conv_init(fw), (Sample("bounds", ()),), ("float32",), grad=False),
    OpSpec("nn.Embedding.reset_parameters", lambda fw: _embedding_init(fw), (Sample("moments", ()),), ("float32",),
           grad=False),
    OpSpec("nn.Embedding.reset_parameters", lambda fw: _embedding_init(fw, 7), (Sample("moments", ()),),
           ("float32",), variant="padding_idx", grad=False),
    OpSpec("nn.Embedding.reset_parameters", lambda fw: _embedding_init(fw, -1), (Sample("moments", ()),),
           ("float32",), variant="padding_idx_negative", grad=False),
    OpSpec("nn.LayerNorm.reset_parameters", lambda fw: _state(fw, lambda fw: fw.nn.LayerNorm((2, 3))),
           (Sample("state", ()),), ("float32",), grad=False),
    OpSpec("nn.LayerNorm.reset_parameters",
           lambda fw: _state(fw, lambda fw: fw.nn.LayerNorm(3, bias=False, dtype=fw.float64)),
           (Sample("state", ()),), ("float32",), variant="no_bias_float64", grad=False),
    OpSpec("nn.BatchNorm1d.reset_parameters", lambda fw: _state(fw, lambda fw: fw.nn.BatchNorm1d(3)),
           (Sample("state", ()),), ("float32",), grad=False),
    OpSpec("nn.BatchNorm1d.reset_parameters",
           lambda fw: _state(fw, lambda fw: fw.nn.BatchNorm1d(3, affine=False, dtype=fw.float64)),
           (Sample("state", ()),), ("float32",), variant="no_affine_float64", grad=False),
    OpSpec("nn.BatchNorm1d.reset_parameters",
           lambda fw: _state(fw, lambda fw: fw.nn.BatchNorm1d(3, track_running_stats=False)),
           (Sample("state", ()),), ("float32",), variant="no_running_stats", grad=False),
    OpSpec("nn.GroupNorm.reset_parameters", lambda fw: _state(fw, lambda fw: fw.nn.GroupNorm(2, 4, bias=False)),
           (Sample("state", ()),), ("float32",), grad=False),
    OpSpec("nn.RMSNorm.reset_parameters", lambda fw: _state(fw, lambda fw: fw.nn.RMSNorm((2, 3), dtype=fw.float64)),
           (Sample("state", ()),), ("float32",), grad=False),
    OpSpec("nn.InstanceNorm2d.reset_parameters", lambda fw: _state(fw, lambda fw: fw.nn.InstanceNorm2d(
        3, affine=True, track_running_stats=True)), (Sample("state", ()),), ("float32",), grad=False),
    OpSpec("nn.Bilinear.reset_parameters", lambda fw: _bilinear_init(fw), (Sample("bounds", ()),), ("float32",),
           grad=False),
]

# ================================================================ lazy modules

def _lazy(fw, x, name, *args, **kwargs):
    """A lazy layer built after the same seed in both frameworks, initialised by its first forward: its output, the
    class it became and its state (the weights it drew)."""
    fw.manual_seed(0)
    module = getattr(fw.nn, name)(*args, **kwargs).to(x.dtype)
    output = module(x)
    return output, type(module).__name__, tuple(value.detach() for value in module.state_dict().values())


LAZY_SAMPLES = (
    Sample("LazyLinear", (T(2, 5),), {"name": "LazyLinear", "args": (3,)}),
    Sample("LazyLinear_no_bias", (T(4, 2, 5),), {"name": "LazyLinear", "args": (3,), "bias": False}),
    Sample("LazyConv1d", (T(2, 3, 8),), {"name": "LazyConv1d", "args": (4, 3)}),
    Sample("LazyConv2d_unbatched", (T(3, 6, 6),), {"name": "LazyConv2d", "args": (4, 3), "groups": 1}),
    Sample("LazyConvTranspose2d", (T(2, 2, 5, 5),), {"name": "LazyConvTranspose2d", "args": (4, 3), "stride": 2}),
    Sample("LazyBatchNorm1d", (T(4, 3, 5),), {"name": "LazyBatchNorm1d", "args": ()}),
    Sample("LazyBatchNorm2d", (T(2, 3, 4, 4),), {"name": "LazyBatchNorm2d", "args": ()}),
    Sample("LazyInstanceNorm1d_affine", (T(2, 3, 5),),
           {"name": "LazyInstanceNorm1d", "args": (), "affine": True, "track_running_stats": True}),
    Sample("LazyInstanceNorm3d", (T(2, 3, 2, 2, 2),), {"name": "LazyInstanceNorm3d", "args": ()}),
)
LAZY_SPECS = [
    OpSpec("nn.modules.lazy.LazyModuleMixin", lambda fw, x, name, args, **kwargs: _lazy(fw, x, name, *args, **kwargs),
           LAZY_SAMPLES, ("float32", "float64"),
           errors=(ErrorCase("conv_input_rank", lambda fw, x: fw.nn.LazyConv2d(4, 3)(x), Sample("2d", (T(2, 3),)),
                             RuntimeError),)),
]

SPECS = [*LINEAR_SPECS, *EMBEDDING_SPECS, *LAYER_NORM_SPECS, *ACTIVATION_SPECS, *CONV_SPECS, *BATCH_NORM_SPECS,
         *NORMALIZE_SPECS, *NORM_SPECS, *BATCH_NORM_ND_SPECS, *DISTANCE_SPECS, *BILINEAR_SPECS, *SHUFFLE_SPECS,
         *FLATTEN_SPECS, *PADDING_SPECS, *REPR_SPECS, *INIT_SPECS, *LAZY_SPECS]
