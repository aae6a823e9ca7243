"""What a conformance case is: declarative rows that generic checks consume.

    OpSpec("add", lambda fw, a, b, **kw: fw.add(a, b, **kw), binary_samples(), ALL_DTYPES)

is run on torch and on mtv2 for every (sample, dtype) pair; see conformance/README.md.
"""
from dataclasses import dataclass, field
from typing import Callable

from conformance.frameworks import FLOATING
from conformance.inputs import Sample


@dataclass(frozen=True)
class Tolerance:
    """A widened tolerance, with the reason it is needed. dtypes/checks None: all of them."""
    atol: float
    rtol: float
    reason: str
    dtypes: tuple | None = None
    checks: tuple | None = None

    def applies(self, dtype, check):
        return (self.dtypes is None or dtype in self.dtypes) and \
               (self.checks is None or check in self.checks)


# torch's backward kernels for float16/bfloat16 round some intermediates (a product before a broadcast sum,
# an exp before a multiply) to the half type; mtv2's rules compute in float32 and round once. The two differ by
# a few half-precision ulps, more where a broadcast sums many rounded products; the finite differences side
# with either in turn (see each row's detail). Widened for backward rows of half dtypes only.
HALF_PRECISION_BACKWARD = Tolerance(atol=2e-2, rtol=0.1, reason="half-precision backward: torch rounds "
                                    "intermediates to the half type, mtv2 rounds once", dtypes=("float16", "bfloat16"),
                                    checks=("backward",))


@dataclass(frozen=True)
class XFail:
    """A known divergence: matching rows show xfail, and xpass (a failure) once they pass."""
    reason: str
    checks: tuple | None = None
    dtypes: tuple | None = None
    variants: tuple | None = None   # sample names (or "specvariant-sample")

    def matches(self, check, dtype, variant):
        sample = variant.rsplit("-", 1)[-1]
        return (self.checks is None or check in self.checks) and \
               (self.dtypes is None or dtype in self.dtypes) and \
               (self.variants is None or variant in self.variants or sample in self.variants)


@dataclass(frozen=True)
class ErrorCase:
    """A bad input: torch raises `raises`; mtv2 must raise the same class, naming the op."""
    label: str
    fn: Callable
    sample: Sample
    raises: type
    dtypes: tuple = ("float32",)


@dataclass(frozen=True)
class OpSpec:
    name: str                    # torch's public name: "add", "Tensor.view", "Tensor.__add__"
    fn: Callable                 # fn(fw, *inputs, **sample.kwargs), the same code for both
    samples: tuple               # Sample descriptions (conformance.inputs generators)
    dtypes: tuple                # case dtypes; where torch refuses one, mtv2 must refuse it too
    variant: str = ""            # tells apart two specs of one name ("alpha2", "floor")
    domain: str | tuple = "real" # per position or one for all (see inputs.draw)
    grad: bool = True            # differentiable: backward rows on floating dtypes
    gradcheck: bool = True       # finite differences make sense (no steps/discontinuities)
    gradgrad: bool = True
    inplace: Callable | None = None      # the `op_` form: inplace(fw, *inputs, **kwargs)
    inplace_name: str | None = None      # its public name, e.g. "Tensor.add_"
    inplace_samples: tuple | None = None # samples for the in-place form (default: all)
    alias: bool = False          # compare storage sharing with the inputs (view ops, to, ...)
    tolerances: tuple = (HALF_PRECISION_BACKWARD,)  # Tolerance overrides, each with its reason
    xfails: tuple = ()           # XFail declarations, each with its reason
    errors: tuple = ()           # ErrorCase rows for bad inputs
    kind: str = "op"             # the matrix's kind column: op, or module (see conformance/module_spec.py)
    roundtrip: Callable | None = None  # module cases: build(fw) for the state_dict round-trip check

    @property
    def domains(self):
        return self.domain if isinstance(self.domain, tuple) else (self.domain,)

    def gradient_dtype(self):
        """The one dtype whose case also carries gradcheck and gradgrad (they run in float64)."""
        floating = [d for d in self.dtypes if d in FLOATING]
        return "float64" if "float64" in floating else (floating[-1] if floating else None)
