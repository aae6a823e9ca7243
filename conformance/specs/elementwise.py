"""Unary elementwise math: exp, log, sqrt, sin, cos, tanh, sigmoid, relu, neg, abs."""
from conformance.frameworks import DTYPES
from conformance.inputs import unary_samples
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
