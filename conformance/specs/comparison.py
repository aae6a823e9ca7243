"""Comparisons: eq ne lt le gt ge as functions and as operators (bool results, no gradient), and the
elementwise extrema maximum and minimum.
Inputs come from {-2..2} so equal elements are common and every branch is exercised. Then isclose, allclose
and equal."""
import math
import operator

from conformance.frameworks import DTYPES, INTEGRAL
from conformance.inputs import Arg, Sample, T, binary_samples, promotion_samples, scalar_lhs_samples
from conformance.spec import ErrorCase, OpSpec

SAMPLES = binary_samples()
OPERATOR_SAMPLES = tuple(s for s in SAMPLES if s.name in ("same_shape", "broadcast_rhs", "scalar_rhs"))
COMPARISONS = (("eq", operator.eq), ("ne", operator.ne), ("lt", operator.lt),
               ("le", operator.le), ("gt", operator.gt), ("ge", operator.ge))

SPECS = []
for _name, _apply in COMPARISONS:
    SPECS += [
        OpSpec(_name, lambda fw, a, b, _name=_name: getattr(fw, _name)(a, b), SAMPLES, DTYPES,
               domain="small_int", grad=False,
               inplace=lambda fw, a, b, _name=_name: getattr(a, _name + "_")(b),
               inplace_name=f"Tensor.{_name}_",
               inplace_samples=tuple(s for s in SAMPLES if s.name in ("same_shape", "scalar_rhs")),
               # found by conformance/fuzz: a Python number is taken only as `other` (no (Number, Tensor) overload)
               errors=(ErrorCase("number_as_input", lambda fw, a, _name=_name: getattr(fw, _name)(2, a),
                                 Sample("float", (T(3),)), TypeError),)),
        OpSpec(f"Tensor.__{_name}__", lambda fw, a, b, _apply=_apply: _apply(a, b), OPERATOR_SAMPLES,
               DTYPES, domain="small_int", grad=False),
        # A number on the left: Python reflects `2 < t` into `t > 2`.
        OpSpec(f"Tensor.__{_name}__", lambda fw, a, number, _apply=_apply: _apply(number, a),
               scalar_lhs_samples(), DTYPES, variant="reflected", domain="small_int", grad=False),
    ]

# maximum / minimum: elementwise, differentiable, tensors only (a Python number is a TypeError in torch).
# Ties split the gradient in half; NaN propagates, and where either operand is NaN both get the gradient.
EXTREMA_SAMPLES = binary_samples(scalar=False)
for _name in ("maximum", "minimum"):
    _function = lambda fw, a, b, _name=_name: getattr(fw, _name)(a, b)
    SPECS += [
        OpSpec(_name, _function, EXTREMA_SAMPLES, DTYPES,
               errors=(ErrorCase("python_number", lambda fw, a, _name=_name: getattr(fw, _name)(a, 1.0),
                                 Sample("float", (T(3),)), TypeError),
                       ErrorCase("non_broadcastable", _function, Sample("3_and_4", (T(3), T(4))), RuntimeError))),
        OpSpec(_name, _function, EXTREMA_SAMPLES[:4], DTYPES, variant="ties", domain="small_int", gradcheck=False),
        OpSpec(_name, _function, EXTREMA_SAMPLES[:4], DTYPES, variant="nan", domain="nonfinite", gradcheck=False),
        OpSpec(f"Tensor.{_name}", lambda fw, a, b, _name=_name: getattr(a, _name)(b), EXTREMA_SAMPLES[:2],
               ("float32", "int64"), gradcheck=False, gradgrad=False),
    ]

# logical_and / logical_or / logical_xor: any dtypes, a bool result; torch has no overload taking a Python number
# on either side (found by conformance/fuzz: mtv2 took one).
for _name in ("logical_and", "logical_or", "logical_xor"):
    SPECS.append(OpSpec(_name, lambda fw, a, b, _name=_name: getattr(fw, _name)(a, b), binary_samples(scalar=False),
                        DTYPES, domain="small_int", grad=False,
                        errors=(ErrorCase("number_as_other", lambda fw, a, _name=_name: getattr(fw, _name)(a, 1),
                                          Sample("float", (T(3),)), TypeError),
                                ErrorCase("number_as_input", lambda fw, a, _name=_name: getattr(fw, _name)(1, a),
                                          Sample("float", (T(3),)), TypeError))))

# isclose / allclose / equal: bool results (allclose and equal a Python bool), no gradient. isclose and allclose refuse
# mixed dtypes (RuntimeError: no promotion) and measure integer and bool errors in the default float dtype; equal
# promotes like eq and is False for different shapes (even broadcastable ones).
CLOSE_SAMPLES = binary_samples(scalar=False)
# |a - b| <= atol + rtol * |b| on multiples of 1/2 (domain "halves"): the bound is met exactly at many elements
# (e.g. a - b = 1.5 with b = 2 under rtol=0.25, atol=1), representable in every dtype, bfloat16 included
TOLERANCE_SAMPLES = tuple(Sample(s.name, s.args, {"rtol": 0.25, "atol": 1.0}) for s in CLOSE_SAMPLES[:6]) + (
    Sample("rtol_only", (T(3, 4), T(3, 4)), {"rtol": 0.5, "atol": 0.0}),
    Sample("atol_only", (T(3, 4), T(3, 4)), {"rtol": 0.0, "atol": 1.5}),
    Sample("zero_tolerances", (T(3, 4), T(3, 4)), {"rtol": 0.0, "atol": 0.0}),
    Sample("positional_tolerances", (T(3, 4), T(3, 4), Arg(value=0.5), Arg(value=0.5))))
NONFINITE_SAMPLES = (Sample("same_shape", (T(4, 5), T(4, 5))), Sample("broadcast_rhs", (T(3, 6), T(6))),
                     Sample("equal_nan", (T(4, 5), T(4, 5)), {"equal_nan": True}),
                     Sample("equal_nan_zero_tolerances", (T(4, 5), T(4, 5)),
                            {"equal_nan": True, "rtol": 0.0, "atol": 0.0}),
                     Sample("equal_nan_large_atol", (T(4, 5), T(4, 5)), {"equal_nan": True, "atol": 1e30}))
MIXED_DTYPES = Sample("float32_and_float64", (T(3), T(3, dtype="float64")))


def close_errors(name):
    call = lambda fw, a, b, **kw: getattr(fw, name)(a, b, **kw)
    pair = Sample("3_and_3", (T(3), T(3)))
    return (ErrorCase("mixed_dtypes", call, MIXED_DTYPES, RuntimeError),
            ErrorCase("mixed_integer_dtypes", call, Sample("int64_and_int32", (T(3), T(3, dtype="int32"))),
                      RuntimeError, ("int64",)),
            ErrorCase("non_broadcastable", call, Sample("3_and_4", (T(3), T(4))), RuntimeError),
            ErrorCase("negative_rtol", lambda fw, a, b: call(fw, a, b, rtol=-1.0), pair, RuntimeError),
            ErrorCase("negative_atol", lambda fw, a, b: call(fw, a, b, atol=-1e-8), pair, RuntimeError),
            ErrorCase("nan_rtol", lambda fw, a, b: call(fw, a, b, rtol=math.nan), pair, RuntimeError),
            ErrorCase("rtol_none", lambda fw, a, b: call(fw, a, b, rtol=None), pair, TypeError),
            ErrorCase("atol_str", lambda fw, a, b: call(fw, a, b, atol="0.1"), pair, TypeError),
            ErrorCase("equal_nan_int", lambda fw, a, b: call(fw, a, b, equal_nan=1), pair, TypeError),
            ErrorCase("number_as_other", lambda fw, a: getattr(fw, name)(a, 1.0), Sample("3", (T(3),)), TypeError),
            ErrorCase("number_as_input", lambda fw, a: getattr(fw, name)(1.0, a), Sample("3", (T(3),)), TypeError))


EXTREME_SAMPLES = (Sample("atol_255", (T(1),), {"atol": 255.0, "rtol": 0.0}),
                   Sample("atol_254_5", (T(1),), {"atol": 254.5, "rtol": 0.0}),
                   Sample("defaults", (T(1),)))


def half_shared(fw, a, b):
    """b where it is positive, a elsewhere: the same nan/inf at many positions of both operands."""
    return fw.where(b > 0, b, a)


def extremes(fw, a, close, **kw):
    """a's dtype's extreme values against each other: torch measures integer errors in the default float dtype, so
    nothing wraps around (int8 -128 and 127 are 255 apart) and int64's extremes round like float32's."""
    info = fw.iinfo(a.dtype)
    low, high = fw.full((2,), info.min, dtype=a.dtype), fw.full((2,), info.max, dtype=a.dtype)
    return close(fw.cat([low, high, high - 1]), fw.cat([high, low, high]), **kw)


MIXED_SAMPLES = tuple(s for s in promotion_samples() if "0d" not in s.name and "scalar" not in s.name)


def equal_to_converted(fw, a, b):
    """a against itself converted to b's dtype: equal promotes (int64 [1] equals float32 [1.0])."""
    return fw.equal(a, a.to(b.dtype))


for _name in ("isclose", "allclose"):
    _call = lambda fw, a, b, *args, _name=_name, **kw: getattr(fw, _name)(a, b, *args, **kw)
    SPECS += [
        # default tolerances on few distinct values: mostly the equality path (many ties)
        OpSpec(_name, _call, CLOSE_SAMPLES, DTYPES, domain="small_int", grad=False, errors=close_errors(_name)),
        OpSpec(_name, _call, TOLERANCE_SAMPLES, DTYPES, variant="tolerances", domain="halves", grad=False),
        # nan, inf and -inf: equal infinities are close, inf - inf is NaN (not close), NaNs only with equal_nan
        OpSpec(_name, lambda fw, a, b, _call=_call, **kw: _call(fw, a, half_shared(fw, a, b), **kw),
               NONFINITE_SAMPLES, DTYPES, variant="nonfinite", domain="nonfinite", grad=False),
        OpSpec(_name, lambda fw, a, _name=_name, **kw: extremes(fw, a, getattr(fw, _name), **kw), EXTREME_SAMPLES,
               INTEGRAL, variant="extremes", grad=False),
        OpSpec(f"Tensor.{_name}", lambda fw, a, b, _name=_name, **kw: getattr(a, _name)(b, **kw),
               TOLERANCE_SAMPLES[:2] + (Sample("keywords", (T(3, 4), T(3, 4)), {"rtol": 0.0, "atol": 1.0,
                                                                                  "equal_nan": True}),),
               DTYPES, domain="halves", grad=False,
               errors=(ErrorCase("mixed_dtypes", lambda fw, a, b, _name=_name: getattr(a, _name)(b), MIXED_DTYPES,
                                 RuntimeError),)),
    ]
# allclose is True only when every element is close: a tensor against a copy of itself nudged within tolerance
SPECS.append(OpSpec("allclose", lambda fw, a: fw.allclose(a, a * (1 + 1e-6) if a.is_floating_point() else a.clone()),
                    (Sample("matrix", (T(3, 4),)), Sample("0d", (T(),)), Sample("size0", (T(0, 3),)),
                     Sample("transposed", (T(3, 4, layout="transposed"),))), DTYPES, variant="nudged", grad=False))
SPECS += [
    OpSpec("equal", lambda fw, a, b: fw.equal(a, b), CLOSE_SAMPLES, DTYPES, domain="small_int", grad=False,
           errors=(ErrorCase("number_as_other", lambda fw, a: fw.equal(a, 1.0), Sample("3", (T(3),)), TypeError),
                   ErrorCase("none_as_other", lambda fw, a: fw.equal(a, None), Sample("3", (T(3),)), TypeError))),
    # against a copy (True), a flattened copy (False: shapes differ) and a copy with every element changed
    OpSpec("equal", lambda fw, a: [fw.equal(a, a.clone()), fw.equal(a, a.reshape(-1)),
                                   fw.equal(a, fw.logical_not(a).to(a.dtype))],
           (Sample("matrix", (T(3, 4),)), Sample("0d", (T(),)), Sample("size0", (T(0, 3),)),
            Sample("expanded", (T(3, 4, layout="expanded"),)), Sample("storage_offset", (T(2, 3, layout="offset"),))),
           DTYPES, variant="copies", domain="small_int", grad=False),
    OpSpec("equal", equal_to_converted, MIXED_SAMPLES, DTYPES, variant="mixed_dtypes", domain="small_int", grad=False),
    OpSpec("equal", lambda fw, a, b: fw.equal(a, b), NONFINITE_SAMPLES[:1], ("float32", "float64"),
           variant="nonfinite", domain="nonfinite", grad=False),
    OpSpec("Tensor.equal", lambda fw, a, b: a.equal(b), CLOSE_SAMPLES[:2], DTYPES, domain="small_int", grad=False),
]
