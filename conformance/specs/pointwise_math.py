"""Pointwise math: rsqrt, reciprocal, exp/log variants, erf family, trigonometric and hyperbolic functions,
rounding, sign/sgn, square, frac, clamp (clip, clamp_min, clamp_max), lerp, addcmul, addcdiv, atan2,
isnan/isinf/isposinf/isneginf/isfinite, nan_to_num and where; functions, methods and in-place forms.

Values at the kinks and ties (clamp at its bounds, rounding at halves and integers, maximum ties) come from
the "halves" and "small_int" domains: those variants pin torch's gradient choice through the backward row
and skip gradcheck, whose finite differences are meaningless there.
"""
from conformance.frameworks import DTYPES
from conformance.inputs import Arg, Sample, T, unary_samples
from conformance.spec import ErrorCase, OpSpec, XFail

UNARY = unary_samples()
FEW = tuple(s for s in UNARY if s.name in ("0d", "matrix", "transposed"))
LIST_ARGUMENT = Sample("list", ())
METHOD = {"gradcheck": False, "gradgrad": False}  # methods run in float32; the function's float64 case judges


def _unary(name, domain, samples=UNARY, variant="", inplace=True, **options):
    """The function (with its in-place form) on every sample and dtype, and the method on a few."""
    function = lambda fw, a, _name=name: getattr(fw, _name)(a)
    method = lambda fw, a, _name=name: getattr(a, _name)()
    specs = [OpSpec(name, function, samples, DTYPES, variant=variant, domain=domain,
                    inplace=(lambda fw, a, _name=name: getattr(a, _name + "_")()) if inplace else None,
                    inplace_name=f"Tensor.{name}_" if inplace else None,
                    # A Python list is not a tensor: torch raises TypeError naming the op.
                    errors=() if variant else
                    (ErrorCase("list_argument", lambda fw, _name=name: getattr(fw, _name)([1.0, 2.0]),
                               LIST_ARGUMENT, TypeError),),
                    **options)]
    if not variant:
        specs.append(OpSpec(f"Tensor.{name}", method, UNARY[:3], ("float32", "int64"), domain=domain,
                            **{**options, **METHOD}))
    return specs


# (name, domain): inputs where the function and its derivative are finite.
FLOAT_RESULT = (("rsqrt", "positive"), ("reciprocal", "nonzero"), ("exp2", "real"), ("expm1", "real"),
                ("log1p", "positive"), ("log2", "positive"), ("log10", "positive"), ("erf", "real"),
                ("erfc", "real"), ("erfinv", "unit"), ("tan", "unit"), ("asin", "unit"), ("acos", "unit"),
                ("atan", "real"), ("sinh", "real"), ("cosh", "real"), ("asinh", "real"), ("acosh", "above_one"),
                ("atanh", "unit"))

SPECS = [spec for name, domain in FLOAT_RESULT for spec in _unary(name, domain)]

# Outside the domain torch gives nan and +-inf (erfinv(+-1), atanh(+-1), rsqrt(0), log2(0), acosh(0.5)).
SPECS += [OpSpec(name, lambda fw, a, _name=name: getattr(fw, _name)(a), (Sample("halves", (T(3, 4),)),),
                 ("float32", "float64"), variant="out_of_domain", domain="halves", grad=False)
          for name in ("rsqrt", "reciprocal", "log1p", "log2", "log10", "erfinv", "asin", "acos", "acosh", "atanh")]

# Rounding: integers pass through unchanged (same dtype), bool is refused; the gradient is zero.
for _name in ("floor", "ceil", "trunc", "round", "frac", "sign", "sgn", "square"):
    SPECS += _unary(_name, "real")
    # halves and whole numbers: round half to even, floor/ceil/trunc at integers, sign at 0
    SPECS += _unary(_name, "halves", samples=FEW, variant="ties", gradcheck=False)
# found by conformance/fuzz: torch's sign is (0 < x) - (x < 0), so sign(nan) is 0 (NumPy's is nan)
for _name in ("sign", "sgn"):
    SPECS += _unary(_name, "nonfinite", samples=FEW, variant="nonfinite", gradcheck=False)

ROUND_DECIMALS = tuple(Sample(f"decimals_{label}", (T(3, 4),), {"decimals": decimals})
                       for label, decimals in (("2", 2), ("minus1", -1), ("0", 0)))
SPECS += [
    OpSpec("round", lambda fw, a, **kw: fw.round(a, **kw), ROUND_DECIMALS, DTYPES, variant="decimals",
           domain="real", gradcheck=False,
           inplace=lambda fw, a, **kw: a.round_(**kw), inplace_name="Tensor.round_"),
    OpSpec("Tensor.round", lambda fw, a, **kw: a.round(**kw), ROUND_DECIMALS, ("float32",), variant="decimals",
           **METHOD),
]

# ---- clamp, clip, clamp_min, clamp_max
SCALAR_BOUNDS = (Sample("min_and_max", (T(3, 4),), {"min": -0.5, "max": 1.0}),
                 Sample("min_only", (T(3, 4),), {"min": -0.5}),
                 Sample("max_only", (T(3, 4),), {"max": 0.5}),
                 Sample("min_above_max", (T(3, 4),), {"min": 1.0, "max": -1.0}),  # torch answers max
                 Sample("integer_bounds", (T(3, 4),), {"min": -1, "max": 2}),  # int stays int, bool -> int64
                 Sample("0d", (T(),), {"min": -0.5, "max": 0.5}),
                 Sample("size0", (T(0, 3),), {"min": -0.5, "max": 0.5}),
                 Sample("transposed", (T(3, 4, layout="transposed"),), {"min": -0.5, "max": 0.5}),
                 Sample("expanded", (T(3, 4, layout="expanded"),), {"min": -0.5, "max": 0.5}))
TENSOR_BOUNDS = (Sample("same_shape", (T(3, 4), T(3, 4), T(3, 4))),
                 Sample("broadcast", (T(2, 3, 4), T(4), T(3, 1))),
                 Sample("0d_bounds", (T(3, 4), T(), T())),
                 Sample("strided", (T(3, 4, layout="strided"), T(3, 4, layout="transposed"), T(3, 4))))
TENSOR_ONE_BOUND = (Sample("min_tensor", (T(3, 4), T(3, 4)), {"bound": "min"}),
                    Sample("max_tensor", (T(3, 4), T(4)), {"bound": "max"}),
                    # a 0-d tensor beside a number binds to torch's Number overload (not when it requires grad)
                    Sample("0d_min_tensor_max_scalar", (T(3, 4), T(requires_grad=False), Arg(value=0.5)),
                           {"bound": "both"}))


def _clamp_one_bound(fw, a, bound_tensor, other=None, bound="min", name="clamp"):
    if bound == "both":
        return getattr(fw, name)(a, bound_tensor, other)
    return getattr(fw, name)(a, **{bound: bound_tensor})


CLAMP_ERRORS = (
    ErrorCase("no_bounds", lambda fw, a: fw.clamp(a), Sample("matrix", (T(3, 4),)), RuntimeError),
    ErrorCase("bool_scalar_bounds", lambda fw, a: fw.clamp(a, False, True), Sample("bool", (T(3, dtype="bool"),)),
              NotImplementedError),
    ErrorCase("non_broadcastable_bound", lambda fw, a, b: fw.clamp(a, min=b), Sample("3_and_4", (T(3), T(4))),
              RuntimeError),
    ErrorCase("tensor_and_number_bounds", lambda fw, a, b: fw.clamp(a, b, 0.5),
              Sample("matrix_min", (T(3, 4), T(3, 4))), TypeError),
    ErrorCase("inplace_float_bound_on_int", lambda fw, a: a.clamp_(min=0.5),
              Sample("int", (T(3, dtype="int64"),)), RuntimeError),
)
SPECS += [
    # away from the bounds: gradcheck judges the derivative
    OpSpec("clamp", lambda fw, a, **kw: fw.clamp(a, **kw), SCALAR_BOUNDS, DTYPES, variant="scalar", domain="real",
           inplace=lambda fw, a, **kw: a.clamp_(**kw), inplace_name="Tensor.clamp_", errors=CLAMP_ERRORS),
    # inputs exactly at the bounds: torch passes the gradient through there (x >= min and x <= max)
    OpSpec("clamp", lambda fw, a, **kw: fw.clamp(a, **kw), SCALAR_BOUNDS[:5], DTYPES, variant="scalar_at_bounds",
           domain="halves", gradcheck=False,
           inplace=lambda fw, a, **kw: a.clamp_(**kw), inplace_name="Tensor.clamp_"),
    OpSpec("clamp", lambda fw, a, low, high: fw.clamp(a, low, high), TENSOR_BOUNDS, DTYPES, variant="tensor",
           domain="real", inplace=lambda fw, a, low, high: a.clamp_(low, high), inplace_name="Tensor.clamp_",
           inplace_samples=tuple(s for s in TENSOR_BOUNDS if s.name != "broadcast")),
    # ties between the input and a bound, and min > max elementwise: which of the three gets the gradient
    OpSpec("clamp", lambda fw, a, low, high: fw.clamp(a, low, high), TENSOR_BOUNDS[:2], DTYPES,
           variant="tensor_ties", domain="small_int", gradcheck=False),
    OpSpec("clamp", _clamp_one_bound, TENSOR_ONE_BOUND, DTYPES, variant="one_tensor_bound", domain="real"),
    OpSpec("clamp", _clamp_one_bound, TENSOR_ONE_BOUND, DTYPES, variant="one_tensor_bound_ties",
           domain="small_int", gradcheck=False),
    OpSpec("Tensor.clamp", lambda fw, a, **kw: a.clamp(**kw), SCALAR_BOUNDS[:4], ("float32", "int64"),
           variant="scalar", **METHOD),
    OpSpec("Tensor.clamp", lambda fw, a, low, high: a.clamp(low, high), TENSOR_BOUNDS[:2], ("float32",),
           variant="tensor", **METHOD),
    OpSpec("clip", lambda fw, a, **kw: fw.clip(a, **kw), SCALAR_BOUNDS[:4], ("int64", "float32", "float64"),
           inplace=lambda fw, a, **kw: a.clip_(**kw), inplace_name="Tensor.clip_"),
    OpSpec("Tensor.clip", lambda fw, a, low, high: a.clip(low, high), TENSOR_BOUNDS[:2], ("float32",),
           **METHOD),
]
CLAMP_ONE_SIDE = (Sample("scalar", (T(3, 4), Arg(value=0.5))),
                  Sample("int_scalar", (T(3, 4), Arg(value=1))),
                  Sample("tensor", (T(3, 4), T(3, 4))),
                  Sample("broadcast_tensor", (T(3, 4), T(4))),
                  Sample("0d", (T(), Arg(value=0.5))))
for _name in ("clamp_min", "clamp_max"):
    SPECS += [
        OpSpec(_name, lambda fw, a, bound, _name=_name: getattr(fw, _name)(a, bound), CLAMP_ONE_SIDE, DTYPES,
               domain="real", inplace=lambda fw, a, bound, _name=_name: getattr(a, _name + "_")(bound),
               inplace_name=f"Tensor.{_name}_",
               errors=(ErrorCase("bool_scalar_bound", lambda fw, a, _name=_name: getattr(fw, _name)(a, True),
                                 Sample("bool", (T(3, dtype="bool"),)), NotImplementedError),)),
        OpSpec(_name, lambda fw, a, bound, _name=_name: getattr(fw, _name)(a, bound), CLAMP_ONE_SIDE[2:4],
               DTYPES, variant="ties", domain="small_int", gradcheck=False),
        OpSpec(f"Tensor.{_name}", lambda fw, a, bound, _name=_name: getattr(a, _name)(bound), CLAMP_ONE_SIDE[:3],
               ("float32",), **METHOD),
    ]

# ---- lerp, addcmul, addcdiv
LERP = (Sample("scalar_weight_small", (T(3, 4), T(3, 4), Arg(value=0.3))),
        Sample("scalar_weight_large", (T(3, 4), T(3, 4), Arg(value=0.8))),
        Sample("scalar_weight_outside", (T(3, 4), T(3, 4), Arg(value=-1.5))),
        Sample("tensor_weight", (T(3, 4), T(3, 4), T(3, 4))),
        Sample("broadcast", (T(3, 4), T(4), T(3, 1))),
        Sample("0d", (T(), T(), T())),
        Sample("0d_float64_weight", (T(3, 4), T(3, 4), T(dtype="float64"))),  # a 0-d weight may differ
        Sample("size0", (T(0, 4), T(0, 4), Arg(value=0.5))),
        Sample("transposed", (T(3, 4, layout="transposed"), T(3, 4, layout="strided"), T(3, 4))))
LERP_ERRORS = (
    ErrorCase("end_dtype_differs", lambda fw, a, b: fw.lerp(a, b, 0.5),
              Sample("float32_and_float64", (T(3), T(3, dtype="float64"))), RuntimeError),
    ErrorCase("weight_dtype_differs", lambda fw, a, b, w: fw.lerp(a, b, w),
              Sample("float64_weight", (T(3), T(3), T(3, dtype="float64"))), RuntimeError),
    ErrorCase("non_broadcastable", lambda fw, a, b: fw.lerp(a, b, 0.5), Sample("3_and_4", (T(3), T(4))),
              RuntimeError),
)
SPECS += [
    OpSpec("lerp", lambda fw, a, b, w: fw.lerp(a, b, w), LERP, DTYPES, domain=("real", "real", "unit"),
           inplace=lambda fw, a, b, w: a.lerp_(b, w), inplace_name="Tensor.lerp_",
           inplace_samples=tuple(s for s in LERP if s.name != "broadcast"), errors=LERP_ERRORS,
           xfails=(XFail("gradient of a 0-d float64 weight when the result is float16: torch rounds each "
                         "g * (end - input) to float16 before summing, mtv2 computes in float32 and rounds once "
                         "(finite differences side with mtv2)", checks=("backward",), dtypes=("float16",),
                         variants=("0d_float64_weight",)),)),
    OpSpec("Tensor.lerp", lambda fw, a, b, w: a.lerp(b, w), LERP[:4], ("float32",), domain=("real", "real", "unit"),
           **METHOD),
]
ADDC = (Sample("same_shape", (T(3, 4), T(3, 4), T(3, 4))),
        Sample("value_half", (T(3, 4), T(3, 4), T(3, 4)), {"value": 0.5}),  # integers: value becomes 0
        Sample("value_minus2", (T(3, 4), T(3, 4), T(3, 4)), {"value": -2}),
        Sample("broadcast", (T(3, 1), T(1, 4), T(4))),
        Sample("0d", (T(), T(), T())),
        Sample("size0", (T(0, 4), T(0, 4), T(4))),
        Sample("strided", (T(3, 4, layout="transposed"), T(3, 4, layout="strided"), T(3, 4, layout="expanded"))),
        Sample("wider_tensor1", (T(3, 4), T(3, 4, dtype="float64"), T(3, 4))))
# addcdiv refuses integer tensor1 and tensor2 whatever input's dtype
ADDCDIV_INTEGER_TENSORS = (ErrorCase("integer_tensors", lambda fw, a, b, c: fw.addcdiv(a, b, c),
                                     Sample("int64", (T(3), T(3, dtype="int64"),
                                                      T(3, dtype="int64", domain="nonzero"))), RuntimeError),)
ADDC_IN_PLACE = tuple(s for s in ADDC if s.name not in ("broadcast", "size0", "wider_tensor1"))
for _name, _domain in (("addcmul", "real"), ("addcdiv", ("real", "real", "nonzero"))):
    SPECS += [
        OpSpec(_name, lambda fw, a, b, c, _name=_name, **kw: getattr(fw, _name)(a, b, c, **kw), ADDC, DTYPES,
               domain=_domain, inplace=lambda fw, a, b, c, _name=_name, **kw: getattr(a, _name + "_")(b, c, **kw),
               inplace_name=f"Tensor.{_name}_", inplace_samples=ADDC_IN_PLACE,
               xfails=() if _name == "addcmul" else
               (XFail("float64 tensor1 with half tensor2: torch's tensor1 gradient computes value / tensor2 in "
                      "tensor2's half dtype before multiplying by the float64 gradient, mtv2 in float64 "
                      "(finite differences side with mtv2)", checks=("backward",), dtypes=("float16", "bfloat16"),
                      variants=("wider_tensor1",)),),
               errors=(ErrorCase("non_broadcastable", lambda fw, a, b, c, _name=_name: getattr(fw, _name)(a, b, c),
                                 Sample("3_and_4", (T(3), T(4), T(3))), RuntimeError),)
               + (ADDCDIV_INTEGER_TENSORS if _name == "addcdiv" else ())),
        OpSpec(f"Tensor.{_name}", lambda fw, a, b, c, _name=_name, **kw: getattr(a, _name)(b, c, **kw), ADDC[:3],
               ("float32",), domain=_domain, **METHOD),
    ]


# ---- atan2
ATAN2_SAMPLES = (Sample("same_shape", (T(3, 4), T(3, 4))),
                 Sample("broadcast", (T(2, 3, 4), T(4))),
                 Sample("0d", (T(), T())),
                 Sample("0d_rhs", (T(3, 4), T())),
                 Sample("size0", (T(0, 4), T(4))),
                 Sample("transposed", (T(3, 4, layout="transposed"), T(3, 4, layout="strided"))),
                 Sample("mixed_dtype", (T(3, 4), T(3, 4, dtype="int64"))))
for _name in ("atan2", "arctan2"):
    SPECS += [
        OpSpec(_name, lambda fw, a, b, _name=_name: getattr(fw, _name)(a, b), ATAN2_SAMPLES, DTYPES,
               domain="nonzero", inplace=lambda fw, a, b, _name=_name: getattr(a, _name + "_")(b),
               inplace_name=f"Tensor.{_name}_",
               inplace_samples=tuple(s for s in ATAN2_SAMPLES if s.name not in ("broadcast", "size0")),
               errors=(ErrorCase("python_number", lambda fw, a, _name=_name: getattr(fw, _name)(a, 1.0),
                                 Sample("float", (T(3),)), TypeError),)),
        OpSpec(f"Tensor.{_name}", lambda fw, a, b, _name=_name: getattr(a, _name)(b), ATAN2_SAMPLES[:2],
               ("float32",), domain="nonzero", **METHOD),
    ]

# ---- isnan, isinf, isposinf, isneginf, isfinite, nan_to_num: inputs hold nan, inf and -inf
NONFINITE = tuple(s for s in UNARY if s.name != "expanded")
for _name in ("isnan", "isinf", "isposinf", "isneginf", "isfinite"):
    SPECS += [OpSpec(_name, lambda fw, a, _name=_name: getattr(fw, _name)(a), NONFINITE, DTYPES,
                     domain="nonfinite", grad=False),
              OpSpec(f"Tensor.{_name}", lambda fw, a, _name=_name: getattr(a, _name)(), NONFINITE[:3],
                     ("float32", "int64"), domain="nonfinite", grad=False, **METHOD)]
NAN_TO_NUM = NONFINITE + (Sample("replacements", (T(3, 4),), {"nan": 1.5, "posinf": 100.0, "neginf": -100.0}),
                          Sample("posinf_beyond_range", (T(3, 4),), {"posinf": 1e10}),  # float16: inf
                          Sample("nan_only", (T(3, 4),), {"nan": -2.0}))
SPECS += [
    OpSpec("nan_to_num", lambda fw, a, **kw: fw.nan_to_num(a, **kw), NAN_TO_NUM, DTYPES, domain="nonfinite",
           gradcheck=False, inplace=lambda fw, a, **kw: a.nan_to_num_(**kw), inplace_name="Tensor.nan_to_num_",
           inplace_samples=tuple(s for s in NAN_TO_NUM if s.name != "size0")),
    # finite inputs: the gradient is the identity there, and gradcheck can judge it
    OpSpec("nan_to_num", lambda fw, a: fw.nan_to_num(a), FEW, DTYPES, variant="finite", domain="real"),
    OpSpec("Tensor.nan_to_num", lambda fw, a, **kw: a.nan_to_num(**kw), NAN_TO_NUM[:2] + NAN_TO_NUM[-3:-1],
           ("float32",), domain="nonfinite", **METHOD),
]

# ---- where: tensors and Python numbers on either side, the one-argument form, the condition's dtype
WHERE = (Sample("same_shape", (T(3, 4, dtype="bool"), T(3, 4), T(3, 4))),
         Sample("broadcast", (T(3, 1, dtype="bool"), T(4), T(2, 3, 4))),
         Sample("0d", (T(dtype="bool"), T(), T())),
         Sample("size0", (T(0, 4, dtype="bool"), T(0, 4), T(4))),
         Sample("scalar_other", (T(3, 4, dtype="bool"), T(3, 4), Arg(scalar=True))),
         Sample("scalar_input", (T(3, 4, dtype="bool"), Arg(scalar=True), T(3, 4))),
         Sample("wider_other", (T(3, 4, dtype="bool"), T(3, 4), T(3, 4, dtype="float64"))),
         Sample("0d_wider_other", (T(3, 4, dtype="bool"), T(3, 4), T(dtype="float64"))),
         Sample("uint8_condition", (T(3, 4, dtype="uint8", domain="small_int"), T(3, 4), T(3, 4))),
         Sample("strided", (T(3, 4, dtype="bool", layout="transposed"), T(3, 4, layout="strided"),
                            T(3, 4, layout="expanded"))))
# two Python numbers: float with int gives the default float dtype, int with int gives int64
WHERE_SCALARS = tuple(Sample(f"scalars_{label}", (T(3, 4, dtype="bool"), Arg(value=x), Arg(value=y)),
                             only_dtypes=("bool",))
                      for label, x, y in (("float_int", 1.5, 0), ("int_int", 1, 0), ("bool_bool", True, False),
                                          ("int_float", 2, -0.5)))
WHERE_ERRORS = (
    ErrorCase("int_condition", lambda fw, c, a, b: fw.where(c, a, b),
              Sample("int64", (T(3, dtype="int64"), T(3), T(3))), RuntimeError),
    ErrorCase("non_broadcastable", lambda fw, c, a, b: fw.where(c, a, b),
              Sample("3_and_4", (T(3, dtype="bool"), T(3), T(4))), RuntimeError),
)
SPECS += [
    OpSpec("where", lambda fw, c, a, b: fw.where(c, a, b), WHERE + WHERE_SCALARS, DTYPES, errors=WHERE_ERRORS),
    OpSpec("Tensor.where", lambda fw, c, a, b: a.where(c, b), WHERE[:2] + WHERE[4:5], ("float32", "int64"),
           **METHOD),
    # one argument: the indices of the nonzero elements, as nonzero(as_tuple=True)
    OpSpec("where", lambda fw, c: fw.where(c), tuple(s for s in UNARY if s.name != "expanded"), DTYPES,
           variant="condition_only", domain="small_int", grad=False),
]


# ---- angle, deg2rad, rad2deg, signbit, frexp, positive, real, isreal (real dtypes only)
SPECS += _unary("angle", "real", inplace=False)
SPECS += _unary("angle", "nonfinite", samples=FEW, variant="nonfinite", inplace=False, gradcheck=False)  # nan kept
for _name in ("deg2rad", "rad2deg"):
    SPECS += _unary(_name, "real")
    SPECS += _unary(_name, "nonfinite", samples=FEW, variant="nonfinite", gradcheck=False)  # signed zeros, inf
# the nonfinite variant without bfloat16: torch's float -> bfloat16 conversion writes a nan with its sign bit set
# (0xFFFF) on its vectorized path and clear (0x7FC0) on its scalar path, so which nans "are negative" depends on how
# the input was made, not on signbit
SPECS += _unary("signbit", "real", inplace=False, grad=False)
SPECS += [OpSpec("signbit", lambda fw, a: fw.signbit(a), UNARY, tuple(d for d in DTYPES if d != "bfloat16"),
                 variant="nonfinite", domain="nonfinite", grad=False)]
SPECS += _unary("positive", "real", inplace=False)
SPECS += _unary("isreal", "real", inplace=False, grad=False)
SPECS += [OpSpec("real", lambda fw, a: fw.real(a), FEW, DTYPES, domain="real", alias=True)]
SPECS += [OpSpec("positive", lambda fw, a: fw.positive(a), FEW, DTYPES, variant="alias", domain="real", grad=False,
                 alias=True)]
# frexp: the float dtypes (torch refuses the others); a nonfinite variant for (inf, 0), (nan, 0) and -0.0
SPECS += _unary("frexp", "real", inplace=False)
SPECS += _unary("frexp", "nonfinite", samples=FEW, variant="nonfinite", inplace=False, gradcheck=False)
SPECS += [OpSpec("frexp", lambda fw, a: fw.frexp(a, out=(fw.empty(a.shape, dtype=a.dtype),
                                              fw.empty(a.shape, dtype=fw.int32))),
                 FEW, ("float16", "float32"), variant="out", grad=False,
                 errors=(ErrorCase("int64_exponent_out",
                                   lambda fw, a: fw.frexp(a, out=(fw.empty(3), fw.empty(3, dtype=fw.int64))),
                                   Sample("float32", (T(3),)), RuntimeError),))]

# ---- two tensors: copysign (a number too), fmax, fmin, hypot, logaddexp2, nextafter, ldexp, heaviside
TWO_TENSORS = ATAN2_SAMPLES


def _binary(name, samples, domain="real", inplace=True, errors=(), variant="", dtypes=DTYPES, method_dtype="float32",
            **options):
    """The function (and its in-place form) on every dtype, the method in float32."""
    specs = [OpSpec(name, lambda fw, a, b, _name=name: getattr(fw, _name)(a, b), samples, dtypes, variant=variant,
                    domain=domain, inplace=(lambda fw, a, b, _name=name: getattr(a, _name + "_")(b)) if inplace else None,
                    inplace_name=f"Tensor.{name}_" if inplace else None,
                    inplace_samples=tuple(s for s in samples if s.name not in ("broadcast", "size0")),
                    errors=errors, **options)]
    if not variant:
        specs.append(OpSpec(f"Tensor.{name}", lambda fw, a, b, _name=name: getattr(a, _name)(b), samples[:2],
                            (method_dtype,), domain=domain, **{**options, **METHOD}))
    return specs


def _python_number_refused(name):
    return (ErrorCase("python_number", lambda fw, a, _name=name: getattr(fw, _name)(a, 1.0), Sample("float", (T(3),)),
                      TypeError),
            ErrorCase("python_number_first", lambda fw, a, _name=name: getattr(fw, _name)(1.0, a),
                      Sample("float", (T(3),)), TypeError))


WITH_NUMBER = TWO_TENSORS + (Sample("scalar_rhs", (T(3, 4), Arg(scalar=True))),
                             Sample("negative_zero_rhs", (T(3, 4), Arg(value=-0.0))),
                             Sample("int_rhs", (T(3, 4), Arg(value=-2))))
SPECS += _binary("copysign", WITH_NUMBER, domain=("nonzero", "real"),
                 errors=(ErrorCase("python_number_first", lambda fw, a: fw.copysign(1.0, a), Sample("float", (T(3),)),
                                   TypeError),))
# zeros in self: the derivative is 0 there (torch masks result / self); not bfloat16: the sign of a bfloat16 nan
# in torch depends on the conversion path that made it (see signbit)
SPECS += _binary("copysign", TWO_TENSORS[:2], domain=("two_zeros", "nonfinite"), variant="zeros_and_nonfinite",
                 dtypes=tuple(d for d in DTYPES if d != "bfloat16"), gradcheck=False)
for _name in ("fmax", "fmin"):
    SPECS += _binary(_name, TWO_TENSORS, inplace=False, errors=_python_number_refused(_name))
    # nan on either side (the number wins), ties (self takes the gradient)
    SPECS += _binary(_name, TWO_TENSORS[:2], domain="nonfinite", variant="nonfinite", inplace=False, gradcheck=False)
    SPECS += _binary(_name, TWO_TENSORS[:2], domain="small_int", variant="ties", inplace=False, gradcheck=False)
SPECS += _binary("hypot", TWO_TENSORS, errors=_python_number_refused("hypot"))
SPECS += _binary("hypot", TWO_TENSORS[:2], domain="nonfinite", variant="nonfinite", grad=False)
SPECS += _binary("logaddexp2", TWO_TENSORS, inplace=False, errors=_python_number_refused("logaddexp2"))
SPECS += _binary("logaddexp2", TWO_TENSORS[:2], domain="nonfinite", variant="nonfinite", inplace=False, grad=False)
SPECS += _binary("nextafter", TWO_TENSORS, errors=_python_number_refused("nextafter"))
# equal values (the gradient is 0 there) and non-finite ones
SPECS += _binary("nextafter", TWO_TENSORS[:2], domain="small_int", variant="ties", gradcheck=False)
SPECS += _binary("nextafter", TWO_TENSORS[:2], domain="nonfinite", variant="nonfinite", grad=False)
LDEXP_TORCH_ZERO_GRADIENT = XFail(
    "gradient of input where the exponent is a negative integer: torch's formula grad * pow(2, other) is an integer "
    "pow there, which gives 0; mtv2 gives grad * 2.0**other (finite differences side with mtv2)",
    checks=("backward", "gradgrad"), variants=("mixed_dtype",))
SPECS += _binary("ldexp", TWO_TENSORS, domain=("real", "small_int"), errors=_python_number_refused("ldexp"),
                 xfails=(LDEXP_TORCH_ZERO_GRADIENT,))
SPECS += _binary("ldexp", (Sample("float_exponent", (T(3, 4), T(3, 4))),), domain=("real", "exponent"),
                 variant="float_exponent")
HEAVISIDE = tuple(s for s in TWO_TENSORS if s.name != "mixed_dtype")
# no derivative: backward raises in both (the backward rows); nothing for finite differences to judge
SPECS += _binary("heaviside", HEAVISIDE, domain=("small_int", "real"), gradcheck=False, gradgrad=False,
                 errors=_python_number_refused("heaviside")
                 + (ErrorCase("different_dtypes", lambda fw, a, b: fw.heaviside(a, b),
                              Sample("float32_float64", (T(3), T(3, dtype="float64"))), RuntimeError),))
SPECS += _binary("heaviside", HEAVISIDE[:2], domain=("nonfinite", "real"), variant="nonfinite", grad=False)

# Signed zeros on both sides (a * 0 keeps a's sign): which zero the ties answer (fmax(0.0, -0.0) is 0.0 but -0.0 in
# bfloat16), copysign by -0.0, nextafter(0.0, -0.0), heaviside at -0.0
SPECS += [OpSpec(_name, lambda fw, a, b, _name=_name: getattr(fw, _name)(a * 0, b * 0), TWO_TENSORS[:2],
                 ("float16", "bfloat16", "float32", "float64"), variant="signed_zeros", domain="nonzero", grad=False)
          for _name in ("copysign", "fmax", "fmin", "nextafter", "heaviside", "hypot", "logaddexp2", "ldexp")]

# ---- float_power: float64 whatever the dtypes, a number on either side; in place only into float64
FLOAT_POWER = (TWO_TENSORS + (Sample("scalar_exponent", (T(3, 4), Arg(value=2.5))),
                              Sample("int_exponent", (T(3, 4), Arg(value=3))),
                              Sample("scalar_base", (Arg(value=1.5), T(3, 4)))))
SPECS += [
    OpSpec("float_power", lambda fw, a, b: fw.float_power(a, b), FLOAT_POWER, DTYPES, domain=("base", "exponent"),
           inplace=lambda fw, a, b: a.float_power_(b), inplace_name="Tensor.float_power_",
           inplace_samples=tuple(s for s in FLOAT_POWER if s.name not in ("broadcast", "size0", "scalar_base")),
           errors=(ErrorCase("two_numbers", lambda fw: fw.float_power(2.0, 3.0), Sample("none", ()), TypeError),
                   ErrorCase("float32_out", lambda fw, a: fw.float_power(a, 2.0, out=fw.empty(3)),
                             Sample("float32", (T(3),)), RuntimeError))),
    OpSpec("Tensor.float_power", lambda fw, a, b: a.float_power(b), FLOAT_POWER[:2], ("float32",),
           domain=("base", "exponent"), **METHOD),
]

# ---- gcd, lcm (integers); bitwise shifts (integers; torch's answers for shifts past the width or negative)
# Integer kernels: float16 and bfloat16 rows and a float64 error case show the refusal (no float32 and float64 rows
# together, which would make conformance/upcast.py measure a float computation that torch refuses).
INTEGER_OPS_DTYPES = tuple(d for d in DTYPES if d not in ("float32", "float64"))


def _float64_refused(name):
    return ErrorCase("float64", lambda fw, a, b, _name=name: getattr(fw, _name)(a, b),
                     Sample("float64", (T(3, dtype="float64"), T(3, dtype="float64"))), NotImplementedError)


for _name in ("gcd", "lcm"):
    SPECS += _binary(_name, TWO_TENSORS, errors=_python_number_refused(_name) + (_float64_refused(_name),),
                     dtypes=INTEGER_OPS_DTYPES, method_dtype="int64", grad=False)
    SPECS += _binary(_name, TWO_TENSORS[:2], domain="small_int", variant="zeros", dtypes=INTEGER_OPS_DTYPES, grad=False)
SHIFTS = (TWO_TENSORS[:-1] + (Sample("mixed_dtype", (T(3, 4), T(3, 4, dtype="int64"))),)
          + tuple(Sample(f"by_{label}", (T(3, 4), Arg(value=amount)))
                  for label, amount in (("3", 3), ("7", 7), ("8", 8), ("63", 63), ("70", 70), ("minus1", -1),
                                        ("257", 257), ("true", True)))
          + (Sample("scalar_lhs", (Arg(value=3), T(3, 4, domain="small_int"))),))
for _name, _operator in (("bitwise_left_shift", "lshift"), ("bitwise_right_shift", "rshift")):
    SPECS += [
        OpSpec(_name, lambda fw, a, b, _name=_name: getattr(fw, _name)(a, b), SHIFTS, INTEGER_OPS_DTYPES,
               inplace=lambda fw, a, b, _name=_name: getattr(a, _name + "_")(b), inplace_name=f"Tensor.{_name}_",
               inplace_samples=tuple(s for s in SHIFTS if s.name not in ("broadcast", "size0", "scalar_lhs")),
               grad=False, errors=(ErrorCase("two_numbers", lambda fw, _name=_name: getattr(fw, _name)(1, 2),
                                             Sample("none", ()), TypeError), _float64_refused(_name))),
        # a 0-d int64 tensor of 257 converts to the other's type wrapping around, as a Python int does
        OpSpec(_name, lambda fw, a, _name=_name: getattr(fw, _name)(a, fw.tensor(257)), (Sample("matrix", (T(3, 4),)),),
               INTEGER_OPS_DTYPES, variant="0d_int64_257", grad=False),
        OpSpec(f"Tensor.__{_operator}__", lambda fw, a, b, _operator=_operator: getattr(a, f"__{_operator}__")(b),
               SHIFTS[:1] + SHIFTS[-4:-1], ("uint8", "int8", "int64", "float32", "bool"), grad=False),
        OpSpec(f"Tensor.__r{_operator}__", lambda fw, a, b, _operator=_operator: getattr(a, f"__r{_operator}__")(b),
               (Sample("number", (T(3, 4, domain="small_int"), Arg(value=100))),), ("uint8", "int8", "int64"),
               grad=False),
        OpSpec(f"Tensor.__i{_operator}__", lambda fw, a, b, _operator=_operator: getattr(a.clone(), f"__i{_operator}__")(b),
               SHIFTS[:1] + SHIFTS[-4:-2], ("uint8", "int16", "int64"), grad=False),
    ]
