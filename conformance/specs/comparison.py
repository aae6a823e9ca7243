"""Comparisons: eq ne lt le gt ge as functions and as operators (bool results, no gradient).
Inputs come from {-2..2} so equal elements are common and every branch is exercised."""
import operator

from conformance.frameworks import DTYPES
from conformance.inputs import binary_samples, scalar_lhs_samples
from conformance.spec import OpSpec

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
               inplace_samples=tuple(s for s in SAMPLES if s.name in ("same_shape", "scalar_rhs"))),
        OpSpec(f"Tensor.__{_name}__", lambda fw, a, b, _apply=_apply: _apply(a, b), OPERATOR_SAMPLES,
               DTYPES, domain="small_int", grad=False),
        # A number on the left: Python reflects `2 < t` into `t > 2`.
        OpSpec(f"Tensor.__{_name}__", lambda fw, a, number, _apply=_apply: _apply(number, a),
               scalar_lhs_samples(), DTYPES, variant="reflected", domain="small_int", grad=False),
    ]
