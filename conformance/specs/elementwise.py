"""Elementwise ops of ops/elementwise.py: the unary math (exp, log, sqrt, sin, cos, tanh, sigmoid, relu, neg, abs)
and the log-domain arithmetic (logaddexp, xlogy)."""
from conformance.frameworks import DTYPES
from conformance.inputs import Arg, T, binary_samples, inplace_safe, unary_samples
from conformance.inputs import Sample
from conformance.spec import ErrorCase, OpSpec

SAMPLES = unary_samples()

# (name, domain): the domain keeps inputs where the function and its derivative are defined,
# and away from kinks (relu and abs at 0) so finite differences are meaningful.
UNARY = (("exp", "real"), ("log", "positive"), ("sqrt", "positive"), ("sin", "real"),
         ("cos", "real"), ("tanh", "real"), ("sigmoid", "real"), ("relu", "nonzero"),
         ("neg", "real"), ("abs", "nonzero"))


def unary_specs(name, domain):
    function = lambda fw, a, _name=name: getattr(fw, _name)(a)
    method = lambda fw, a, _name=name: getattr(a, _name)()
    inplace = lambda fw, a, _name=name: getattr(a, _name + "_")()
    return [OpSpec(name, function, SAMPLES, DTYPES, domain=domain,
                   inplace=inplace, inplace_name=f"Tensor.{name}_",
                   # A Python list is not a tensor: torch raises TypeError naming the op.
                   errors=(ErrorCase("list_argument", lambda fw, _name=name: getattr(fw, _name)([1.0, 2.0]),
                                     Sample("list", ()), TypeError),)),
            OpSpec(f"Tensor.{name}", method, SAMPLES[:3], ("float32",), domain=domain)]


SPECS = [spec for name, domain in UNARY for spec in unary_specs(name, domain)]


# ---- logaddexp, xlogy: two tensors (logaddexp has no Scalar overload; xlogy takes a number on either side)
LOG_DOMAIN_SAMPLES = binary_samples(scalar=False) + (Sample("mixed_dtype", (T(3, 4), T(3, 4, dtype="int64"))),)
METHOD = {"gradcheck": False, "gradgrad": False}  # methods run in float32; the function's float64 case judges
SPECS += [
    OpSpec("logaddexp", lambda fw, a, b: fw.logaddexp(a, b), LOG_DOMAIN_SAMPLES, DTYPES,
           errors=(ErrorCase("python_number", lambda fw, a: fw.logaddexp(a, 1.0), Sample("float", (T(3),)), TypeError),
                   ErrorCase("integer_tensors", lambda fw, a, b: fw.logaddexp(a, b),
                             Sample("int64", (T(3, dtype="int64"), T(3, dtype="int64"))), NotImplementedError))),
    OpSpec("Tensor.logaddexp", lambda fw, a, b: a.logaddexp(b), LOG_DOMAIN_SAMPLES[:2], ("float32",), **METHOD),
    # x has zeros (xlogy is 0 there, and its derivative in x is still log y); y stays positive for the log
    OpSpec("xlogy", lambda fw, a, b: fw.xlogy(a, b),
           LOG_DOMAIN_SAMPLES + (Sample("scalar_rhs", (T(3, 4), Arg(scalar=True))),
                                 Sample("scalar_lhs", (Arg(scalar=True), T(3, 4)))),
           DTYPES, domain=("two_zeros", "positive"),
           inplace=lambda fw, a, b: a.xlogy_(b), inplace_name="Tensor.xlogy_",
           inplace_samples=inplace_safe(LOG_DOMAIN_SAMPLES),
           errors=(ErrorCase("two_numbers", lambda fw: fw.xlogy(2.0, 3.0), Sample("none", ()), TypeError),)),
    OpSpec("Tensor.xlogy", lambda fw, a, b: a.xlogy(b), LOG_DOMAIN_SAMPLES[:2], ("float32",),
           domain=("two_zeros", "positive"), **METHOD),
]
