"""Arithmetic functions: add/sub/mul/div (alpha, rounding_mode), pow, remainder, floor_divide,
with their Tensor methods and in-place `op_` forms, and torch's type promotion across dtypes."""
from conformance.frameworks import DTYPES
from conformance.inputs import Arg, Sample, T, binary_samples, inplace_safe, promotion_samples
from conformance.spec import XFail, ErrorCase, OpSpec

BINARY = binary_samples()
IN_PLACE = inplace_safe(BINARY)
METHOD_SAMPLES = tuple(s for s in BINARY if s.name in ("same_shape", "broadcast_rhs", "scalar_rhs"))


def functional(name, **kwargs):
    return lambda fw, a, b: getattr(fw, name)(a, b, **kwargs)


def method(name, **kwargs):
    return lambda fw, a, b: getattr(a, name)(b, **kwargs)


def family(name, domain="real", kwargs=None, variant="", errors=(), **options):
    """The function, the method and the in-place method of one binary op."""
    kwargs = kwargs or {}
    return [OpSpec(name, functional(name, **kwargs), BINARY, DTYPES, variant=variant, domain=domain,
                   inplace=method(name + "_", **kwargs), inplace_name=f"Tensor.{name}_",
                   inplace_samples=IN_PLACE, errors=errors, **options),
            OpSpec(f"Tensor.{name}", method(name, **kwargs), METHOD_SAMPLES, DTYPES, variant=variant,
                   domain=domain, **options)]


NON_BROADCASTABLE = Sample("shapes_3_and_4", (T(3), T(4)))
ADD_ERRORS = (
    ErrorCase("non_broadcastable", lambda fw, a, b: fw.add(a, b), NON_BROADCASTABLE, RuntimeError),
    ErrorCase("other_is_str", lambda fw, a: fw.add(a, "x"), Sample("str", (T(3),)), TypeError),
    ErrorCase("alpha_is_str", lambda fw, a, b: fw.add(a, b, alpha="x"),
              Sample("str", (T(3), T(3))), TypeError),
    ErrorCase("inplace_on_leaf_requiring_grad", lambda fw, a, b: a.add_(b),
              Sample("leaf", (T(3, requires_grad=True), T(3))), RuntimeError),
)
DIV_ERRORS = (
    ErrorCase("bad_rounding_mode", lambda fw, a, b: fw.div(a, b, rounding_mode="x"),
              Sample("pair", (T(3), T(3))), RuntimeError),
    ErrorCase("integer_by_zero_floor", lambda fw, a, b: fw.div(a, b, rounding_mode="floor"),
              Sample("zero_divisor", (T(3), T(3, domain="zero"))), RuntimeError, ("int64",)),
)

SPECS = [
    *family("add", errors=ADD_ERRORS),
    *family("add", variant="alpha2", kwargs={"alpha": 2}),
    *family("sub", errors=(ErrorCase("non_broadcastable", functional("sub"), NON_BROADCASTABLE,
                                     RuntimeError),)),
    *family("sub", variant="alpha2", kwargs={"alpha": 2}),
    *family("mul", errors=(ErrorCase("non_broadcastable", functional("mul"), NON_BROADCASTABLE,
                                     RuntimeError),)),
    *family("div", domain=("real", "nonzero"), errors=DIV_ERRORS),
    *family("div", domain=("real", "nonzero"), variant="trunc", kwargs={"rounding_mode": "trunc"},
            gradcheck=False),
    *family("div", domain=("real", "nonzero"), variant="floor", kwargs={"rounding_mode": "floor"},
            gradcheck=False),
    # Discontinuous where a/b crosses an integer: the analytic gradient is compared with torch's,
    # but finite differences are not meaningful judges.
    *family("remainder", domain=("real", "nonzero"), gradcheck=False),
    *family("floor_divide", domain=("real", "nonzero"), gradcheck=False, gradgrad=False),
    *family("pow", domain=("base", "exponent"),
            errors=(ErrorCase("integer_to_negative_power", lambda fw, a: a ** -1,
                              Sample("int", (T(3),)), RuntimeError, ("int64",)),)),
]
# Promotion: the rhs has a fixed dtype, the lhs runs over every dtype (torch's promotion table,
# 0-d tensors and Python scalars promoting only across categories).
_HALF_SUM_REASON = ("gradient of a wider 0-d operand when the result is a half type: torch sums it in the half "
                    "type in its own order, mtv2 in float32 rounded once; a few half ulps apart, cast up to a "
                    "tight float32/float64 row")
_DIV_GRADGRAD = XFail("second derivative with a 0-d or half operand of another width: torch rounds the "
                      "first-order gradient to the half type inside the double-backward graph, mtv2 keeps it in "
                      "the result dtype", checks=("gradgrad",),
                      variants=("with_0d_bfloat16", "with_0d_float16", "with_bfloat16", "with_float16"))
_PROMOTION_XFAILS = {
    "div": (_DIV_GRADGRAD,
            XFail(_HALF_SUM_REASON, checks=("backward",), dtypes=("bfloat16",), variants=("with_0d_float32",)),
            XFail(_HALF_SUM_REASON, checks=("backward",), dtypes=("float16",), variants=("with_0d_float64",))),
}
SPECS += [OpSpec(name, functional(name), promotion_samples(), DTYPES, variant="promotion",
                 domain=("real", "nonzero"), xfails=_PROMOTION_XFAILS.get(name, ()))
          for name in ("add", "mul", "div")]
# pow with a Python exponent: each exponent its own sample.
SPECS.append(OpSpec("pow", lambda fw, a, exponent: fw.pow(a, exponent),
                    tuple(Sample(f"exponent_{label}", (T(3, 4), Arg(value=exponent)))
                          for label, exponent in (("2", 2), ("3", 3), ("half", 0.5), ("minus1", -1.0),
                                                  ("0", 0))),
                    DTYPES, variant="scalar_exponent", domain="base",
                    inplace=lambda fw, a, exponent: a.pow_(exponent), inplace_name="Tensor.pow_"))

# fmod: the remainder of the truncated quotient (sign of the dividend); discontinuous like remainder.
SPECS += family("fmod", domain=("real", "nonzero"), gradcheck=False,
                errors=(ErrorCase("integer_by_zero", functional("fmod"),
                                  Sample("zero_divisor", (T(3), T(3, domain="zero"))), RuntimeError, ("int64",)),))

# Division by zero: integers raise (RuntimeError "ZeroDivisionError"), floats give +-inf and nan as torch;
# bool is refused by floor_divide/remainder/fmod. Exact multiples pin the sign rules of the remainder.
BY_ZERO = (Sample("zero_divisor", (T(3, 4), T(3, 4, domain="zero"))),
           Sample("zero_by_zero", (T(3, 4, domain="zero"), T(3, 4, domain="zero"))),
           Sample("zero_scalar", (T(3, 4), Arg(value=0))))
SIGNS = (Sample("small_values", (T(3, 4), T(3, 4))), Sample("broadcast", (T(2, 3, 4), T(4))))
for _name in ("div", "floor_divide", "remainder", "fmod"):
    SPECS += [OpSpec(_name, functional(_name), BY_ZERO, DTYPES, variant="by_zero", gradcheck=False,
                     gradgrad=False, inplace=method(_name + "_"), inplace_name=f"Tensor.{_name}_"),
              OpSpec(_name, functional(_name), SIGNS, DTYPES, variant="signs", domain=("small_int", "nonzero"),
                     gradcheck=False, gradgrad=_name != "floor_divide")]  # torch: no floor_divide derivative

# pow: integer exponents of both signs (torch gives 0, 1 or -1 for a negative integer tensor exponent, and
# refuses only a negative Python int), 0 ** 0 == 1, and the gradient at base 0 (zero where the exponent is 0).
SPECS += [
    OpSpec("pow", functional("pow"), (Sample("signs", (T(3, 4), T(3, 4))), Sample("broadcast", (T(3, 1), T(4)))),
           DTYPES, variant="small_int", domain="small_int", gradcheck=False),
    # a Python number as the base: torch.pow(Scalar, Tensor)
    OpSpec("pow", lambda fw, a, base: fw.pow(base, a),
           tuple(Sample(f"base_{label}", (T(3, 4), Arg(value=base)))
                 for label, base in (("2", 2), ("2.5", 2.5), ("minus1", -1))),
           DTYPES, variant="scalar_base", domain="exponent"),
    OpSpec("pow", lambda fw, a, base: fw.pow(base, a),
           tuple(Sample(f"base_{label}", (T(3, 4), Arg(value=base))) for label, base in (("0", 0.0), ("2", 2))),
           DTYPES, variant="scalar_base_small_int", domain="small_int", gradcheck=False),
    OpSpec("pow", functional("pow"), (Sample("negative_python_int", (T(3), Arg(value=-2))),), DTYPES,
           variant="negative_int_exponent", domain="nonzero"),
]
