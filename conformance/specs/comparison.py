"""Comparisons: eq ne lt le gt ge as functions and as operators (bool results, no gradient), and the
elementwise extrema maximum and minimum.
Inputs come from {-2..2} so equal elements are common and every branch is exercised."""
import operator

from conformance.frameworks import DTYPES
from conformance.inputs import Sample, T, binary_samples, scalar_lhs_samples
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
