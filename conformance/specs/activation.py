"""Activations: softmax, log_softmax, softmin (dim, dtype=, -inf, empty), gelu (exact and tanh), silu, mish,
logsigmoid, softplus, elu, leaky_relu, hardtanh, relu6, relu, sigmoid and tanh of torch.nn.functional, with
their in-place forms. Integer and bool dtypes are cases too: torch refuses most of these activations for them,
and mtv2 must refuse them the same way (relu, relu6 and hardtanh accept integers)."""
from conformance.frameworks import DTYPES
from conformance.inputs import Sample, T, inplace_safe, unary_samples
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
