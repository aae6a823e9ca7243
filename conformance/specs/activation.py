"""Activations: softmax, log_softmax, softmin (dim, dtype=, -inf, empty), gelu (exact and tanh), silu, mish,
logsigmoid, softplus, elu, selu, celu, leaky_relu, rrelu, prelu, hardtanh, relu6, relu, hardswish, hardsigmoid,
hardshrink, softshrink, threshold, glu, softsign, tanhshrink, sigmoid and tanh of torch.nn.functional, with
their in-place forms. Integer and bool dtypes are cases too: torch refuses most of these activations for them,
and mtv2 must refuse them the same way (relu, relu6 and hardtanh accept integers)."""
from conformance.frameworks import DTYPES
from conformance.inputs import Sample, T, inplace_safe, unary_samples
from conformance.module_spec import ModuleSpec
from conformance.spec import HALF_PRECISION_BACKWARD, ErrorCase, OpSpec, Tolerance

# ---------------------------------------------------------------- softmax family

SOFTMAX_SAMPLES = (
    Sample("dim1", (T(3, 4),), {"dim": 1}),
    Sample("dim0", (T(3, 4),), {"dim": 0}),
    Sample("dim_negative", (T(2, 3, 4),), {"dim": -1}),
    Sample("dim1_of_3d", (T(2, 3, 4),), {"dim": 1}),
    Sample("vector", (T(5),), {"dim": 0}),
    Sample("0d", (T(),), {"dim": 0}),
    Sample("0d_dim_minus1", (T(),), {"dim": -1}),
    Sample("size1_dim", (T(3, 1),), {"dim": 1}),
    Sample("size0_rows", (T(0, 3),), {"dim": 1}),
    Sample("size0_along_dim", (T(3, 0),), {"dim": 1}),
    Sample("transposed", (T(3, 4, layout="transposed"),), {"dim": 1}),
    Sample("strided", (T(3, 4, layout="strided"),), {"dim": 1}),
    Sample("expanded", (T(3, 4, layout="expanded"),), {"dim": 0}),
    Sample("storage_offset", (T(2, 3, layout="offset"),), {"dim": 1}),
)
METHOD_SAMPLES = SOFTMAX_SAMPLES[:3]
# dtype= narrower than the input: the op runs in the narrow dtype, so the gradients reaching the wider input carry
# its rounding (torch and mtv2 round intermediates differently); judged at the narrow dtype's tolerance.
NARROW_FLOAT32 = Tolerance(1e-5, 1.3e-6, "dtype=float32 on a float64 input: gradients carry float32 rounding, "
                           "compared at float32's tolerance", dtypes=("float64",), checks=("backward", "gradgrad"))
NARROW_FLOAT16 = Tolerance(1e-3, 1e-2, "dtype=float16 on a wider input: gradients carry float16 rounding (torch's "
                           "half backward kernels round the row sum to float16, mtv2 keeps float32), compared at "
                           "half precision", dtypes=("float32", "float64"), checks=("backward", "gradgrad"))
IMPLICIT_DIM_SAMPLES = (Sample("2d", (T(3, 4),)), Sample("3d", (T(2, 3, 4),)), Sample("vector", (T(5),)))


def _masked(fw, a):
    """-inf where an attention mask hides a position: row 0 partly, row 2 entirely (torch gives NaN there)."""
    mask = fw.tensor([[True, False, True, True], [True, True, True, True], [False, False, False, False]])
    return fw.where(mask, a, float("-inf"))


def _partly_masked(fw, a):
    mask = fw.tensor([[True, False, True, True], [True, True, False, True], [False, True, True, True]])
    return fw.where(mask, a, float("-inf"))


def softmax_errors(name, call, list_error):
    return (
        ErrorCase("dim_out_of_range", lambda fw, a: call(fw, a, 2), Sample("2d", (T(3, 4),)), IndexError),
        ErrorCase("dim_is_str", lambda fw, a: call(fw, a, "x"), Sample("2d", (T(3, 4),)), TypeError),
        ErrorCase("list_input", lambda fw: call(fw, [1.0, 2.0], 0), Sample("list", ()), list_error),
        ErrorCase("integer_dtype", lambda fw, a: call(fw, a, 1, dtype=fw.int64), Sample("2d", (T(3, 4),)),
                  NotImplementedError),
        ErrorCase("integer_input", lambda fw, a: call(fw, a, 1), Sample("2d", (T(3, 4),)), NotImplementedError,
                  ("int64", "bool")),
    )


def softmax_family(name):
    """torch.<name>, Tensor.<name>, nn.functional.<name>, with dtype=, large logits and -inf entries."""
    torch_level = lambda fw, a, *args, **kw: getattr(fw, name)(a, *args, **kw)
    functional = lambda fw, a, *args, **kw: getattr(fw.nn.functional, name)(a, *args, **kw)
    specs = [
        OpSpec(name, torch_level, SOFTMAX_SAMPLES, DTYPES, errors=softmax_errors(name, torch_level, TypeError)
               + (ErrorCase("dim_missing", lambda fw, a: torch_level(fw, a), Sample("2d", (T(3, 4),)),
                            TypeError),)),
        OpSpec(f"Tensor.{name}", lambda fw, a, dim: getattr(a, name)(dim), METHOD_SAMPLES, DTYPES),
        OpSpec(f"Tensor.{name}", lambda fw, a, dim: getattr(a, name)(dim, dtype=fw.float64), METHOD_SAMPLES[:1],
               DTYPES, variant="dtype_float64"),
        OpSpec(f"nn.functional.{name}", functional, SOFTMAX_SAMPLES, DTYPES,
               # nn.functional calls input.softmax(...): a list has no such attribute
               errors=softmax_errors(name, functional, AttributeError)),
        # dtype=: the input is cast first, the result (and the computation) is in that dtype; integers accepted
        OpSpec(name, lambda fw, a, dim: torch_level(fw, a, dim, dtype=fw.float64), SOFTMAX_SAMPLES[:6], DTYPES,
               variant="dtype_float64"),
        OpSpec(name, lambda fw, a, dim: torch_level(fw, a, dim, dtype=fw.float32), SOFTMAX_SAMPLES[:2], DTYPES,
               variant="dtype_float32", tolerances=(HALF_PRECISION_BACKWARD, NARROW_FLOAT32)),
        OpSpec(f"nn.functional.{name}", lambda fw, a, dim: functional(fw, a, dim, dtype=fw.float16),
               SOFTMAX_SAMPLES[:2], DTYPES, variant="dtype_float16",
               tolerances=(HALF_PRECISION_BACKWARD, NARROW_FLOAT16)),
        # logits in the hundreds: exp overflows unless the row max is subtracted first
        OpSpec(name, lambda fw, a, dim: torch_level(fw, a * 300.0, dim), SOFTMAX_SAMPLES[:3],
               ("float32", "float64"), variant="large_logits"),
        # attention-mask style -inf entries (gradients flow through the visible ones); log_softmax is -inf at the
        # hidden positions, where finite differences are NaN (-inf minus -inf): no judge there
        OpSpec(name, lambda fw, a: torch_level(fw, _partly_masked(fw, a), 1), (Sample("3x4", (T(3, 4),)),),
               ("float16", "bfloat16", "float32", "float64"), variant="minus_inf", gradcheck=name == "softmax"),
        # a row that is -inf everywhere: NaN, as torch gives
        OpSpec(name, lambda fw, a: torch_level(fw, _masked(fw, a), 1), (Sample("3x4", (T(3, 4),)),),
               ("float16", "bfloat16", "float32", "float64"), variant="all_minus_inf_row", grad=False),
        # nn.functional's legacy implicit dim (with its deprecation warning)
        OpSpec(f"nn.functional.{name}", lambda fw, a: functional(fw, a), IMPLICIT_DIM_SAMPLES,
               ("float32", "float64", "int64"), variant="implicit_dim"),
    ]
    return specs


SOFTMIN = OpSpec("nn.functional.softmin", lambda fw, a, dim: fw.nn.functional.softmin(a, dim),
                 SOFTMAX_SAMPLES[:6] + SOFTMAX_SAMPLES[8:10], DTYPES)
SOFTMIN_DTYPE = OpSpec("nn.functional.softmin", lambda fw, a, dim: fw.nn.functional.softmin(a, dim, dtype=fw.float64),
                       SOFTMAX_SAMPLES[:2], DTYPES, variant="dtype_float64")

# ---------------------------------------------------------------- pointwise activations

UNARY = unary_samples()
IN_PLACE = inplace_safe(UNARY)
# Values -2..2 put inputs exactly on the kinks (0 for relu/leaky_relu/elu, +-1 for hardtanh): the gradient there
# is torch's choice, pinned by the backward row (finite differences are no judge at a kink).
KINKS = (Sample("kinks", (T(3, 5, domain="small_int"),)),)


def F(name, **kwargs):
    return lambda fw, a: getattr(fw.nn.functional, name)(a, **kwargs)


def F_inplace(name, **kwargs):
    return lambda fw, a: getattr(fw.nn.functional, name)(a, inplace=True, **kwargs)


def list_input(name):
    return ErrorCase("list_input", lambda fw: getattr(fw.nn.functional, name)([1.0, 2.0]), Sample("list", ()),
                     TypeError)


def inplace_on_leaf(function):
    return ErrorCase("inplace_on_leaf_requiring_grad", function, Sample("leaf", (T(3, requires_grad=True),)),
                     RuntimeError)


def pointwise(name, kwargs=None, variant="", domain="real", inplace=None, inplace_name=None, errors=(),
              kinks=False):
    """The activation over every layout and dtype; its in-place form; its kinks pinned when it has some."""
    kwargs = kwargs or {}
    specs = [OpSpec(f"nn.functional.{name}", F(name, **kwargs), UNARY, DTYPES, variant=variant, domain=domain,
                    inplace=inplace, inplace_name=inplace_name, inplace_samples=IN_PLACE, errors=errors)]
    if kinks:
        specs.append(OpSpec(f"nn.functional.{name}", F(name, **kwargs), KINKS, ("float32", "float64"),
                            variant=f"{variant}_kinks" if variant else "kinks", gradcheck=False))
    return specs


GELU_ERRORS = (ErrorCase("bad_approximate", lambda fw, a: fw.nn.functional.gelu(a, approximate="x"),
                         Sample("vector", (T(3),)), RuntimeError),
               list_input("gelu"))
HARDTANH_ERRORS = (
    ErrorCase("min_greater_than_max", lambda fw, a: fw.nn.functional.hardtanh(a, 2.0, 1.0),
              Sample("vector", (T(3),)), ValueError),
    ErrorCase("unsigned_negative_limits", lambda fw, a: fw.nn.functional.hardtanh(a), Sample("vector", (T(3),)),
              RuntimeError, ("uint8", "bool")),
    inplace_on_leaf(lambda fw, a: fw.nn.functional.hardtanh_(a)),
)

# Values -4..4 in steps of 1/2 put inputs exactly on the kinks at +-3 (hardswish, hardsigmoid) and +-1/2 (hardshrink,
# softshrink, threshold 0.5): torch's side of each kink is pinned by the backward row.
HALF_STEP_KINKS = (Sample("kinks", (T(3, 6, domain="halves"),)),)


def kinked(name, kwargs=None, variant="kinks"):
    return OpSpec(f"nn.functional.{name}", F(name, **(kwargs or {})), HALF_STEP_KINKS, ("float32", "float64"),
                  variant=variant, gradcheck=False)


def scaled(name, factor, **kwargs):
    """Inputs scaled so that every piece of a piecewise activation is reached (hardswish's flat parts past +-3)."""
    return OpSpec(f"nn.functional.{name}", lambda fw, a: getattr(fw.nn.functional, name)(a * factor, **kwargs),
                  UNARY[:3] + UNARY[5:6], DTYPES, variant="scaled", domain="nonzero")


SOFTSHRINK_ERRORS = (
    ErrorCase("negative_lambda", lambda fw, a: fw.nn.functional.softshrink(a, -0.5), Sample("vector", (T(3),)),
              RuntimeError, ("float32", "bfloat16")),
    ErrorCase("lambda_above_dtype_max", lambda fw, a: fw.nn.functional.softshrink(a, 70000.0),
              Sample("vector", (T(3),)), RuntimeError, ("float16",)),
    list_input("softshrink"),
)
THRESHOLD_ERRORS = (
    ErrorCase("bool_input", lambda fw, a: fw.nn.functional.threshold(a, 0.5, 1.0), Sample("vector", (T(3),)),
              NotImplementedError, ("bool",)),
    ErrorCase("value_missing", lambda fw, a: fw.threshold(a, 0.5), Sample("vector", (T(3),)), TypeError),
    inplace_on_leaf(lambda fw, a: fw.threshold_(a, 0.5, 1.0)),
)

# (input, dim=): glu halves `dim`, which must be even
GLU_SAMPLES = (
    Sample("last_dim", (T(3, 4),)),
    Sample("dim0", (T(4, 3),), {"dim": 0}),
    Sample("dim1_of_3d", (T(2, 6, 3),), {"dim": 1}),
    Sample("vector", (T(6),)),
    Sample("size0_rows", (T(0, 4),)),
    Sample("size1_dims", (T(1, 2, 1),), {"dim": -2}),
    Sample("transposed", (T(4, 4, layout="transposed"),), {"dim": 0}),
    Sample("strided", (T(3, 4, layout="strided"),)),
    Sample("storage_offset", (T(2, 4, layout="offset"),), {"dim": -1}),
)
GLU_ERRORS = (
    ErrorCase("odd_dim", lambda fw, a: fw.nn.functional.glu(a), Sample("3x5", (T(3, 5),)), RuntimeError),
    ErrorCase("0d", lambda fw, a: fw.nn.functional.glu(a), Sample("0d", (T(),)), RuntimeError),
    ErrorCase("dim_out_of_range", lambda fw, a: fw.nn.functional.glu(a, 2), Sample("3x4", (T(3, 4),)), IndexError),
    ErrorCase("integer_input", lambda fw, a: fw.nn.functional.glu(a), Sample("3x4", (T(3, 4),)), NotImplementedError,
              ("int64",)),
)

SELU_ERRORS = (list_input("selu"), inplace_on_leaf(lambda fw, a: fw.selu_(a)))
CELU_ERRORS = (
    ErrorCase("alpha_zero", lambda fw, a: fw.nn.functional.celu(a, alpha=0.0), Sample("vector", (T(3),)),
              RuntimeError),
    inplace_on_leaf(lambda fw, a: fw.celu_(a)),
)

# (input, weight): one weight per channel (dim 1) or one for all
PRELU_SAMPLES = (
    Sample("per_channel", (T(2, 3, 4), T(3))),
    Sample("one_weight", (T(3, 4), T(1))),
    Sample("per_channel_2d", (T(4, 3), T(3))),
    Sample("vector_one_weight", (T(5), T(1))),
    Sample("0d_weight", (T(3, 4), T())),
    Sample("0d_input", (T(), T(1))),
    Sample("size0_batch", (T(0, 3), T(3))),
    Sample("transposed", (T(3, 4, layout="transposed"), T(4, layout="strided"))),
    Sample("channels_last_like", (T(2, 3, 2, 2, layout="transposed"), T(3))),
)
PRELU_ERRORS = (
    ErrorCase("2d_weight", lambda fw, a, w: fw.nn.functional.prelu(a, w.reshape(1, 3)),
              Sample("3d", (T(2, 3, 4), T(3))), RuntimeError),
    ErrorCase("channel_mismatch", lambda fw, a, w: fw.nn.functional.prelu(a, w), Sample("3d", (T(2, 3, 4), T(4))),
              RuntimeError),
    ErrorCase("weight_dtype_differs", lambda fw, a, w: fw.nn.functional.prelu(a, w.double()),
              Sample("3d", (T(2, 3, 4), T(3))), RuntimeError),
    ErrorCase("weight_list", lambda fw, a: fw.nn.functional.prelu(a, [0.25]), Sample("3d", (T(2, 3, 4),)), TypeError),
)

# rrelu in training draws a slope per element from the default generator: both frameworks seeded alike
RRELU_SAMPLES = UNARY[:3] + UNARY[4:7] + UNARY[8:]


def rrelu_training(fw, a, **kwargs):
    fw.manual_seed(7)
    return fw.nn.functional.rrelu(a, training=True, **kwargs)


def rrelu_training_in_place(fw, a, **kwargs):
    fw.manual_seed(7)
    return fw.rrelu_(a, training=True, **kwargs)


RRELU_ERRORS = (
    ErrorCase("lower_above_upper", lambda fw, a: fw.nn.functional.rrelu(a, 0.5, 0.1, training=True),
              Sample("vector", (T(3),)), RuntimeError),
    ErrorCase("float16_training", lambda fw, a: fw.nn.functional.rrelu(a, training=True), Sample("vector", (T(3),)),
              NotImplementedError, ("float16",)),
)

SPECS = [
    *softmax_family("softmax"),
    *softmax_family("log_softmax"),
    SOFTMIN, SOFTMIN_DTYPE,
    *pointwise("gelu", errors=GELU_ERRORS),
    *pointwise("gelu", {"approximate": "tanh"}, variant="tanh"),
    *pointwise("gelu", {"approximate": "none"}, variant="none"),
    *pointwise("silu", inplace=F_inplace("silu"), inplace_name="nn.functional.silu_", errors=(list_input("silu"),)),
    *pointwise("mish", inplace=F_inplace("mish"), inplace_name="nn.functional.mish_"),
    *pointwise("logsigmoid"),
    *pointwise("softplus"),
    # beta * x > threshold returns x itself: threshold 1 sends part of the inputs down that branch
    *pointwise("softplus", {"beta": 2.0, "threshold": 1.0}, variant="beta2_threshold1"),
    *pointwise("elu", domain="nonzero", inplace=lambda fw, a: fw.nn.functional.elu_(a),
               inplace_name="nn.functional.elu_", kinks=True),
    *pointwise("elu", {"alpha": 0.5}, variant="alpha0.5", domain="nonzero",
               inplace=F_inplace("elu", alpha=0.5), inplace_name="nn.functional.elu_"),
    *pointwise("leaky_relu", domain="nonzero", inplace=lambda fw, a: fw.nn.functional.leaky_relu_(a),
               inplace_name="nn.functional.leaky_relu_", kinks=True,
               errors=(inplace_on_leaf(lambda fw, a: fw.nn.functional.leaky_relu_(a)), list_input("leaky_relu"))),
    *pointwise("leaky_relu", {"negative_slope": 0.2}, variant="slope0.2", domain="nonzero",
               inplace=F_inplace("leaky_relu", negative_slope=0.2), inplace_name="nn.functional.leaky_relu_"),
    *pointwise("hardtanh", domain="nonzero", inplace=lambda fw, a: fw.nn.functional.hardtanh_(a),
               inplace_name="nn.functional.hardtanh_", kinks=True, errors=HARDTANH_ERRORS),
    *pointwise("hardtanh", {"min_val": -0.5, "max_val": 0.75}, variant="limits", domain="nonzero",
               inplace=F_inplace("hardtanh", min_val=-0.5, max_val=0.75), inplace_name="nn.functional.hardtanh_"),
    *pointwise("relu6", domain="nonzero", inplace=F_inplace("relu6"), inplace_name="nn.functional.relu6_",
               kinks=True),
    # inputs scaled past 6 so the upper limit is reached
    OpSpec("nn.functional.relu6", lambda fw, a: fw.nn.functional.relu6(a * 4), UNARY[:3], DTYPES,
           variant="scaled", domain="nonzero"),
    *pointwise("relu", domain="nonzero", inplace=lambda fw, a: fw.nn.functional.relu_(a),
               inplace_name="nn.functional.relu_", kinks=True,
               errors=(inplace_on_leaf(lambda fw, a: fw.nn.functional.relu(a, inplace=True)),)),
    OpSpec("nn.functional.relu", F("relu"), UNARY[:3], DTYPES, variant="inplace_kwarg", domain="nonzero",
           inplace=F_inplace("relu"), inplace_name="nn.functional.relu_"),
    OpSpec("relu_", lambda fw, a: fw.relu_(a.clone()), UNARY[:3], DTYPES, domain="nonzero"),
    *pointwise("sigmoid"),
    *pointwise("tanh"),
    # the piecewise activations added with hardswish; each pinned at its kinks and reached in every piece
    *pointwise("hardswish", inplace=F_inplace("hardswish"), inplace_name="nn.functional.hardswish_",
               errors=(list_input("hardswish"),)),
    kinked("hardswish"), scaled("hardswish", 4),
    *pointwise("hardsigmoid", inplace=F_inplace("hardsigmoid"), inplace_name="nn.functional.hardsigmoid_"),
    kinked("hardsigmoid"), scaled("hardsigmoid", 4),
    *pointwise("hardshrink"), kinked("hardshrink"),
    *pointwise("hardshrink", {"lambd": 1.25}, variant="lambd1.25"),
    OpSpec("Tensor.hardshrink", lambda fw, a: a.hardshrink(0.25), UNARY[:3], DTYPES),
    *pointwise("softshrink", errors=SOFTSHRINK_ERRORS), kinked("softshrink"),
    *pointwise("softshrink", {"lambd": 1.25}, variant="lambd1.25"),
    OpSpec("nn.functional.softshrink", F("softshrink", lambd=0.0), UNARY[:3], ("float32", "float64"),
           variant="lambd0", domain="nonzero"),
    *[OpSpec(f"nn.functional.{name}", F(name), UNARY[1:3], ("float16", "bfloat16", "float32", "float64"),
             variant="nonfinite", domain="nonfinite", grad=False)
      for name in ("hardswish", "hardsigmoid", "hardshrink", "softshrink", "softsign", "tanhshrink", "selu", "celu",
                   "rrelu")],
    OpSpec("nn.functional.glu", lambda fw, a: fw.nn.functional.glu(a), GLU_SAMPLES[:1],
           ("float16", "bfloat16", "float32", "float64"), variant="nonfinite", domain="nonfinite", grad=False),
    # threshold keeps x above it and puts value at or below it; integer inputs take both numbers as integers
    *pointwise("threshold", {"threshold": 0.5, "value": -2.0},
               inplace=F_inplace("threshold", threshold=0.5, value=-2.0), inplace_name="nn.functional.threshold_",
               errors=THRESHOLD_ERRORS),
    kinked("threshold", {"threshold": 0.5, "value": -2.0}),
    OpSpec("threshold", lambda fw, a: fw.threshold(a, 1, 7), UNARY[:3], DTYPES, variant="integer_numbers"),
    OpSpec("threshold_", lambda fw, a: fw.threshold_(a.clone(), -0.25, 0.5), UNARY[:3], DTYPES),
    OpSpec("nn.functional.glu", lambda fw, a, **kw: fw.nn.functional.glu(a, **kw), GLU_SAMPLES, DTYPES,
           errors=GLU_ERRORS),
    # torch's softsign is a Python composite: a list fails at input.abs()
    *pointwise("softsign", errors=(ErrorCase("list_input", lambda fw: fw.nn.functional.softsign([1.0, 2.0]),
                                             Sample("list", ()), AttributeError),)),
    *pointwise("tanhshrink"),
    *pointwise("selu", domain="nonzero", inplace=F_inplace("selu"), inplace_name="nn.functional.selu_", kinks=True,
               errors=SELU_ERRORS),
    OpSpec("selu", lambda fw, a: fw.selu(a), UNARY[:3], DTYPES, domain="nonzero",
           inplace=lambda fw, a: fw.selu_(a), inplace_name="selu_", inplace_samples=IN_PLACE[:3]),
    *pointwise("celu", domain="nonzero", inplace=F_inplace("celu"), inplace_name="nn.functional.celu_", kinks=True,
               errors=CELU_ERRORS),
    *pointwise("celu", {"alpha": 0.5}, variant="alpha0.5", domain="nonzero",
               inplace=F_inplace("celu", alpha=0.5), inplace_name="nn.functional.celu_"),
    OpSpec("celu", lambda fw, a: fw.celu(a, 2.0), UNARY[:3], DTYPES, variant="alpha2", domain="nonzero",
           inplace=lambda fw, a: fw.celu_(a, 2.0), inplace_name="celu_", inplace_samples=IN_PLACE[:3]),
    OpSpec("nn.functional.prelu", lambda fw, a, w: fw.nn.functional.prelu(a, w), PRELU_SAMPLES, DTYPES,
           domain="nonzero", errors=PRELU_ERRORS),
    OpSpec("Tensor.prelu", lambda fw, a, w: a.prelu(w), PRELU_SAMPLES[:2], DTYPES, domain="nonzero"),
    # eval: leaky_relu with slope (lower + upper) / 2
    *pointwise("rrelu", domain="nonzero", inplace=F_inplace("rrelu"), inplace_name="nn.functional.rrelu_"),
    *pointwise("rrelu", {"lower": 0.25, "upper": 0.5}, variant="bounds", domain="nonzero"),
    OpSpec("nn.functional.rrelu", rrelu_training, RRELU_SAMPLES, DTYPES, variant="training", domain="nonzero",
           inplace=rrelu_training_in_place, inplace_name="rrelu_", errors=RRELU_ERRORS),
    OpSpec("nn.functional.rrelu", lambda fw, a: rrelu_training(fw, a, lower=0.05, upper=0.75), UNARY[1:3], DTYPES,
           variant="training_bounds", domain="nonzero"),
]

# numpy's axis= for dim= (mtv2/_numpy_aliases.py): torch.softmax and Tensor.softmax are native bindings and take it;
# nn.functional.softmax / log_softmax / softmin are Python functions in torch and refuse it with a TypeError
AXIS_SAMPLES = (Sample("axis0", (T(3, 4),), {"axis": 0}), Sample("axis_last", (T(2, 3, 4),), {"axis": -1}),
                Sample("axis_transposed", (T(3, 4, layout="transposed"),), {"axis": 1}))
for _name in ("softmax", "log_softmax"):
    SPECS += [
        OpSpec(_name, lambda fw, a, _name=_name, **kw: getattr(fw, _name)(a, **kw), AXIS_SAMPLES,
               ("float16", "bfloat16", "float32", "float64"), variant="numpy_names"),
        OpSpec(f"Tensor.{_name}", lambda fw, a, _name=_name, **kw: getattr(a, _name)(**kw), AXIS_SAMPLES,
               ("float16", "bfloat16", "float32", "float64"), variant="numpy_names",
               tolerances=(HALF_PRECISION_BACKWARD,),   # the same kernels as torch.softmax's rows (widened there)
               errors=(ErrorCase("dim_beside_axis", lambda fw, a, _name=_name: getattr(a, _name)(dim=0, axis=0),
                                 Sample("3x4", (T(3, 4),)), TypeError),)),
    ]
SPECS += [OpSpec(f"nn.functional.{_name}", F(_name), (), ("float32",), variant="numpy_names",
                 errors=(ErrorCase("axis_refused", lambda fw, a, _name=_name: getattr(fw.nn.functional, _name)(a, axis=0),
                                   Sample("3x4", (T(3, 4),)), TypeError),))
          for _name in ("softmax", "log_softmax", "softmin")]
# nn.functional.gelu is a binding of the native op: it takes x= for input= (nn.functional.relu, Python, does not)
SPECS += [OpSpec("nn.functional.gelu", lambda fw, a: fw.nn.functional.gelu(x=a), UNARY[:3],
                 ("float16", "bfloat16", "float32", "float64"), variant="numpy_names"),
          OpSpec("nn.functional.relu", F("relu"), (), ("float32",), variant="numpy_names",
                 errors=(ErrorCase("x_refused", lambda fw, a: fw.nn.functional.relu(x=a), Sample("3x4", (T(3, 4),)),
                                   TypeError),))]

# ---------------------------------------------------------------- the modules over these functionals
# (the older activation modules' rows live in nn_layers.py; these four came later, with mtv2/nn/modules/activation.py)

MODULE_SAMPLES = (Sample("batch", (T(3, 4),)), Sample("3d", (T(2, 3, 4),)), Sample("transposed",
                                                                                    (T(3, 4, layout="transposed"),)))
IMAGE_SAMPLES = (Sample("batch", (T(2, 3, 4, 5),)), Sample("unbatched", (T(3, 4, 5),)),
                 Sample("transposed", (T(2, 3, 5, 4, layout="transposed"),)))
FLOATS = ("float16", "bfloat16", "float32", "float64")
SPECS += [
    # relu6 is hardtanh(0, 6): inputs away from its two kinks
    *ModuleSpec("nn.ReLU6", lambda fw: fw.nn.ReLU6(), MODULE_SAMPLES, FLOATS, domain="nonzero"),
    *ModuleSpec("nn.ReLU6", lambda fw: fw.nn.ReLU6(inplace=True), MODULE_SAMPLES[:2], FLOATS, variant="inplace",
                domain="nonzero", call=lambda module, x: module(x * 1)),
    *ModuleSpec("nn.LogSigmoid", lambda fw: fw.nn.LogSigmoid(), MODULE_SAMPLES + (Sample("0d", (T(),)),), FLOATS,
                errors=(ErrorCase("integer_input", lambda fw, x: fw.nn.LogSigmoid()(x),
                                  Sample("int", (T(2, 3, dtype="int64"),)), NotImplementedError),)),
    *ModuleSpec("nn.Softmin", lambda fw: fw.nn.Softmin(dim=1), MODULE_SAMPLES, FLOATS, variant="dim1",
                errors=(ErrorCase("dim_out_of_range", lambda fw, x: fw.nn.Softmin(dim=2)(x), Sample("2d", (T(3, 4),)),
                                  IndexError),)),
    *ModuleSpec("nn.Softmin", lambda fw: fw.nn.Softmin(-1), MODULE_SAMPLES, FLOATS, variant="dim_minus1"),
    # torch's legacy implicit dim (with its warning): 1 of a 2-d input, 0 of a 3-d one
    *ModuleSpec("nn.Softmin", lambda fw: fw.nn.Softmin(), MODULE_SAMPLES, FLOATS, variant="implicit_dim"),
    *ModuleSpec("nn.Softmax2d", lambda fw: fw.nn.Softmax2d(), IMAGE_SAMPLES, FLOATS,
                errors=(ErrorCase("2d_input", lambda fw, x: fw.nn.Softmax2d()(x), Sample("2d", (T(3, 4),)),
                                  ValueError),
                        ErrorCase("5d_input", lambda fw, x: fw.nn.Softmax2d()(x), Sample("5d", (T(1, 2, 3, 2, 2),)),
                                  ValueError))),
]
