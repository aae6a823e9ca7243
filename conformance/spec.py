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
# with either in turn (see each row's detail). Widened for backward rows of half dtypes only, and only for the
# ops below: measured by running every half backward row at the default tolerances (2026-11-23), these were the
# ones beyond them (worst err_ratio ~2-20 for most; a few hundred where torch's value is near zero). Every other
# op is held to torch.testing's half tolerances.
HALF_PRECISION_BACKWARD = Tolerance(atol=2e-2, rtol=0.1, reason="half-precision backward: torch rounds "
                                    "intermediates to the half type, mtv2 rounds once", dtypes=("float16", "bfloat16"),
                                    checks=("backward",))
HALF_BACKWARD_WIDENED = frozenset((
    "var", "Tensor.var", "std", "Tensor.std", "var_mean", "std_mean", "prod", "Tensor.prod", "cumsum", "cumprod",
    "Tensor.cumprod", "logsumexp",
    "div", "Tensor.div", "Tensor.__truediv__", "pow", "Tensor.__pow__", "addcdiv", "lerp",
    "rsqrt", "sin", "cos", "tan", "asin", "atan", "atan2", "arctan2", "sinh", "cosh", "asinh", "acosh", "erf", "erfc",
    "erfinv", "expm1", "log1p", "sigmoid", "softmax", "Tensor.repeat", "tile",
    "nn.functional.sigmoid", "nn.functional.softmax", "nn.functional.softmin", "nn.functional.pad",
    "nn.functional.conv1d", "nn.functional.normalize", "nn.functional.cross_entropy", "nn.functional.mse_loss",
    "nn.functional.binary_cross_entropy", "nn.functional.binary_cross_entropy_with_logits", "nn.functional.kl_div",
))


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
    tolerances: tuple | None = None  # Tolerance overrides, each with its reason (None: see __post_init__)
    xfails: tuple = ()           # XFail declarations, each with its reason
    errors: tuple = ()           # ErrorCase rows for bad inputs
    kind: str = "op"             # the matrix's kind column: op, or module (see conformance/module_spec.py)
    roundtrip: Callable | None = None  # module cases: build(fw) for the state_dict round-trip check

    def __post_init__(self):
        if self.tolerances is None:   # the default: strict, except the measured half-backward list above
            object.__setattr__(self, "tolerances",
                               (HALF_PRECISION_BACKWARD,) if self.name in HALF_BACKWARD_WIDENED else ())

    @property
    def domains(self):
        return self.domain if isinstance(self.domain, tuple) else (self.domain,)

    def gradient_dtype(self):
        """The one dtype whose case also carries gradcheck and gradgrad (they run in float64)."""
        floating = [d for d in self.dtypes if d in FLOATING]
        return "float64" if "float64" in floating else (floating[-1] if floating else None)
