"""Python operators on tensors: binary, reflected (a Python number on the left), in-place
(`+=` is Tensor.__iadd__), unary -, abs(), ~. Operators share their kernels with the functions, so
they take a smaller sample set; the functions' specs carry the full one."""
import operator

from conformance.frameworks import DTYPES
from conformance.inputs import Sample, T, binary_samples, inplace_safe, scalar_lhs_samples, unary_samples
from conformance.spec import ErrorCase, OpSpec

SAMPLES = tuple(s for s in binary_samples()
                if s.name in ("same_shape", "broadcast_rhs", "0d_rhs", "scalar_rhs", "transposed_lhs"))
IN_PLACE = inplace_safe(SAMPLES)

# (dunder, Python operator, in-place dunder, domain of (lhs, rhs))
BINARY = (("add", operator.add, "real"), ("sub", operator.sub, "real"),
          ("mul", operator.mul, "real"), ("truediv", operator.truediv, ("real", "nonzero")),
          ("floordiv", operator.floordiv, ("real", "nonzero")),
          ("mod", operator.mod, ("real", "nonzero")), ("pow", operator.pow, ("base", "exponent")),
          ("and", operator.and_, "real"), ("or", operator.or_, "real"),
          ("xor", operator.xor, "real"))
NOT_DIFFERENTIABLE = ("floordiv", "and", "or", "xor")
BITWISE_DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float32")  # float32: refused


def binary_specs(dunder, apply, domain):
    dtypes = BITWISE_DTYPES if dunder in ("and", "or", "xor") else DTYPES
    grad = dunder not in NOT_DIFFERENTIABLE
    # mod is discontinuous where a/b crosses an integer: no finite-difference judge for it.
    smooth = grad and dunder != "mod"
    rhs_domain = domain[1] if isinstance(domain, tuple) else domain
    lhs_domain = domain[0] if isinstance(domain, tuple) else domain
    return [
        OpSpec(f"Tensor.__{dunder}__", lambda fw, a, b: apply(a, b), SAMPLES, dtypes, domain=domain,
               grad=grad, gradcheck=smooth,
               inplace=lambda fw, a, b: getattr(a, f"__i{dunder}__")(b),
               inplace_name=f"Tensor.__i{dunder}__", inplace_samples=IN_PLACE),
        # `2 + t` calls t.__radd__(2): the sample is (tensor, number) and the number goes left.
        OpSpec(f"Tensor.__r{dunder}__", lambda fw, a, number: apply(number, a), scalar_lhs_samples(),
               dtypes, domain=(rhs_domain, lhs_domain if dunder != "pow" else "real"),
               grad=grad, gradcheck=smooth),
    ]


UNARY_SAMPLES = tuple(s for s in unary_samples() if s.name in ("0d", "matrix", "size0", "strided"))
SPECS = [spec for dunder, apply, domain in BINARY for spec in binary_specs(dunder, apply, domain)]
SPECS += [
    OpSpec("Tensor.__neg__", lambda fw, a: -a, UNARY_SAMPLES, DTYPES),
    OpSpec("Tensor.__abs__", lambda fw, a: abs(a), UNARY_SAMPLES, DTYPES, domain="nonzero"),
    OpSpec("Tensor.__invert__", lambda fw, a: ~a, UNARY_SAMPLES, BITWISE_DTYPES, grad=False),
    OpSpec("Tensor.__pos__", lambda fw, a: +a, UNARY_SAMPLES, DTYPES),
]
# torch's Tensor.__rdiv__ is __rtruediv__, Python code: self.reciprocal() * other (in float16 1.7 / x rounds twice, not
# once as div(1.7, x) does); called unbound with a number for self, the number has no reciprocal
SPECS.append(OpSpec("Tensor.__rdiv__", lambda fw, a, number: a.__rdiv__(number), scalar_lhs_samples(), DTYPES,
                    domain=("nonzero", "real"),
                    errors=(ErrorCase("number_self", lambda fw, a: fw.Tensor.__rdiv__(2, a), Sample("3", (T(3),)),
                                      AttributeError),
                            ErrorCase("string_other", lambda fw, a: 2 + a.__rdiv__("x"), Sample("3", (T(3),)),
                                      TypeError))))
