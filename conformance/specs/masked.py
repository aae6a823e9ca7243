"""torch.masked (mtv2/masked/_ops.py): the masked reductions and normalisations on strided tensors.

Masks come three ways: fixed patterns (broadcast from fewer dims, integer 0/1 masks that torch converts to bool) so
that no reduced slice is fully masked out in the rows whose gradients finite differences judge, random bool masks,
and patterns with a fully masked-out row (NaN for mean/var/std/median/softmax, the identity for sum/prod/amax/...),
whose gradients are compared with torch's only (finite differences of a NaN output say nothing).
"""
from conformance.frameworks import DTYPES, FLOATING, INTEGRAL
from conformance.inputs import Arg, Sample, T
from conformance.spec import HALF_BACKWARD_WIDENED, HALF_PRECISION_BACKWARD, ErrorCase, OpSpec

NUMBERS = INTEGRAL + FLOATING   # no bool: torch's amax/amin/cumsum/var identities and kernels refuse or differ
# fixed (3, 4) masks: each row and each column keeps at least one element
MASK = [[True, False, True, True], [False, True, True, False], [True, True, False, True]]
INT_MASK = [[1, 0, 1, 1], [0, 1, 1, 1], [1, 1, 0, 1]]
COMPLEMENT = [[not x for x in row] for row in MASK]
ROW_MASK = [True, False, True, True]          # (4,): broadcast over the rows
COLUMN_MASK = [[True], [False], [True]]      # (3, 1): broadcast over the columns
# the middle row fully masked out, and every element masked out
EMPTY_ROW = [[True, False, True, True], [False, False, False, False], [True, True, False, True]]
ALL_OUT = [[False] * 4] * 3


def masked(name, mask_key="mask"):
    """fw.masked.<name>(input, mask=...): a list mask becomes a tensor in each framework, a dtype name a dtype."""
    def call(fw, a, m=None, **kw):
        if isinstance(kw.get("dtype"), str):
            kw["dtype"] = getattr(fw, kw["dtype"])
        mask = fw.tensor(m) if isinstance(m, (list, bool)) else m
        return getattr(fw.masked, name)(a, **kw, **({} if m is None else {mask_key: mask}))
    return call


def fixed(value):
    return Arg(value=value)


def reduction_samples(dim_tuple=True):
    samples = (Sample("full", (T(3, 4), fixed(MASK))),
               Sample("dim1", (T(3, 4), fixed(MASK)), {"dim": 1}),
               Sample("dim0_keepdim", (T(3, 4), fixed(MASK)), {"dim": 0, "keepdim": True}),
               Sample("row_mask_dim1", (T(3, 4), fixed(ROW_MASK)), {"dim": 1}),
               Sample("column_mask_dim0", (T(3, 4), fixed(COLUMN_MASK)), {"dim": 0}),
               Sample("int_mask_dim1", (T(3, 4), fixed(INT_MASK)), {"dim": -1}),
               Sample("broadcast_3d", (T(2, 3, 4), fixed(MASK)), {"dim": 2, "keepdim": True}),
               Sample("transposed", (T(3, 4, layout="transposed"), fixed(MASK)), {"dim": 1}),
               Sample("no_mask_dim1", (T(3, 4),), {"dim": 1}))
    if dim_tuple:
        samples += (Sample("dims_3d", (T(2, 3, 4), fixed(MASK)), {"dim": (0, 2)}),
                    Sample("empty_dims", (T(3, 4), fixed(MASK)), {"dim": ()}))
    return samples


def fully_masked_samples(dim_tuple=True):
    samples = (Sample("empty_row_dim1", (T(3, 4, requires_grad=True), fixed(EMPTY_ROW)), {"dim": 1}),
               Sample("random_mask_dim1", (T(3, 4), T(3, 4, dtype="bool")), {"dim": 1}),
               Sample("random_mask_3d", (T(2, 3, 4), T(3, 4, dtype="bool")), {"dim": 0, "keepdim": True}))
    if dim_tuple:
        samples += (Sample("all_out", (T(3, 4), fixed(ALL_OUT))),)
    return samples


def one_dim(samples):
    """The fully-masked samples for the one-dim functions (softmax, cumsum, ...), which take no keepdim."""
    return tuple(Sample(s.name, s.args, {k: v for k, v in s.kwargs.items() if k != "keepdim"}) for s in samples)


def half_tolerance(name):
    """The masked op runs the unmasked kernel whose half-precision backward rows are widened (conformance/spec.py
    HALF_BACKWARD_WIDENED: torch rounds its intermediates to the half type, mtv2 once); so are its rows here."""
    kernel = {"normalize": "nn.functional.normalize", "softmin": "nn.functional.softmin"}.get(name, name)
    return (HALF_PRECISION_BACKWARD,) if kernel in HALF_BACKWARD_WIDENED else ()


def specs(name, dtypes, samples, fully_masked, domain="real", grad=True, errors=(), gradcheck=True):
    """The finite-difference-judged rows, and the fully-masked-out ones compared with torch only."""
    return [OpSpec(f"masked.{name}", masked(name), samples, dtypes, domain=domain, grad=grad, errors=errors,
                   gradcheck=gradcheck, gradgrad=gradcheck, tolerances=half_tolerance(name)),
            OpSpec(f"masked.{name}", masked(name), fully_masked, dtypes, variant="fully_masked", domain=domain,
                   grad=grad, gradcheck=False, gradgrad=False, tolerances=half_tolerance(name))]


DTYPE_SAMPLES = (Sample("dtype_float64", (T(3, 4), fixed(MASK)), {"dim": 1, "dtype": "float64"}, only_dtypes=FLOATING),)
MASK_ERRORS = (
    # a mask of more dims than the input is refused before broadcasting (IndexError), one that does not broadcast
    # fails in broadcast_to (RuntimeError)
    ErrorCase("mask_more_dims", lambda fw, a: fw.masked.sum(a, mask=fw.tensor([[True, False, True]])),
              Sample("vector", (T(3),)), IndexError),
    ErrorCase("mask_not_broadcastable", lambda fw, a, m: fw.masked.sum(a, mask=m),
              Sample("3x4", (T(3, 4), T(3, dtype="bool"))), RuntimeError),
    ErrorCase("repeated_dim", lambda fw, a, m: fw.masked.sum(a, (1, 1), mask=m),
              Sample("3x4", (T(3, 4), T(3, 4, dtype="bool"))), RuntimeError),
    ErrorCase("dim_out_of_range", lambda fw, a, m: fw.masked.sum(a, 2, mask=m),
              Sample("3x4", (T(3, 4), T(3, 4, dtype="bool"))), IndexError),
)
BOOL_EXTREMUM = lambda name: ErrorCase(  # noqa: E731 - bool has no amax/amin identity in torch.masked
    "bool_input", lambda fw, a, m: getattr(fw.masked, name)(a, mask=m),
    Sample("3x4", (T(3, 4), T(3, 4, dtype="bool"))), NotImplementedError, ("bool",))

SPECS = []
# ---- sum, prod: every dtype (integer inputs sum into int64 by default) --------------------------------------
for _name in ("sum", "prod"):
    SPECS += specs(_name, DTYPES, reduction_samples() + DTYPE_SAMPLES, fully_masked_samples(),
                   errors=MASK_ERRORS if _name == "sum" else ())
# ---- amax, amin, argmax, argmin: distinct values (no ties), masked-out elements at -inf/+inf or the dtype's bound
for _name in ("amax", "amin"):
    SPECS += specs(_name, NUMBERS, reduction_samples() + DTYPE_SAMPLES, fully_masked_samples(), domain="distinct",
                   errors=(BOOL_EXTREMUM(_name),))
for _name in ("argmax", "argmin"):
    # one dim or None (torch.argmax's), the indices cast to the input's dtype unless dtype= names another
    SPECS += specs(_name, NUMBERS, reduction_samples(dim_tuple=False) + (
        Sample("dtype_int64", (T(3, 4), fixed(MASK)), {"dim": 1, "dtype": "int64"}),),
        fully_masked_samples(dim_tuple=False), domain="distinct", grad=False, errors=(BOOL_EXTREMUM(_name),))
# ---- mean: floating only (0 / 0 = nan over a fully masked-out slice) -------------------------------------------
SPECS += specs("mean", FLOATING, reduction_samples() + DTYPE_SAMPLES, fully_masked_samples(), errors=(
    ErrorCase("integer_input", masked("mean"), Sample("ints", (T(3, 4), fixed(MASK))), ValueError, ("int64",)),
    ErrorCase("integer_dtype", masked("mean"), Sample("int_dtype", (T(3, 4), fixed(MASK)), {"dtype": "int64"}),
              ValueError)))
# ---- median: one dim; integer inputs computed in float32, refused when a slice is fully masked out --------------
MEDIAN_SAMPLES = (Sample("default_dim", (T(3, 4), fixed(MASK))),
                  Sample("dim0_keepdim", (T(3, 4), fixed(MASK)), {"dim": 0, "keepdim": True}),
                  Sample("row_mask", (T(3, 5), fixed([True, False, True, True, True])), {"dim": 1}),
                  Sample("broadcast_3d", (T(2, 3, 4), fixed(COLUMN_MASK)), {"dim": 1}),
                  Sample("int_mask", (T(3, 4), fixed(INT_MASK)), {"dim": -1}))
SPECS += specs("median", NUMBERS, MEDIAN_SAMPLES, fully_masked_samples(dim_tuple=False)[:1], domain="distinct",
               errors=(ErrorCase("integer_fully_masked", masked("median"),
                                 Sample("ints", (T(3, 4), fixed(EMPTY_ROW)), {"dim": 1}), ValueError, ("int64",)),))
# ---- norm: ord first; masked-out elements are 0 (+inf for ord=-inf) --------------------------------------------
NORM_SAMPLES = tuple(Sample(f"{s.name}_ord{o}", s.args, {"ord": o, **s.kwargs})
                     for o in (2.0, 1.0, float("inf"), float("-inf"), 3)
                     for s in reduction_samples()[:4])
SPECS += specs("norm", FLOATING, NORM_SAMPLES + reduction_samples()[4:] + DTYPE_SAMPLES,
               tuple(Sample(f"{s.name}_ord{o}", s.args, {"ord": o, **s.kwargs})
                     for o in (2.0, float("-inf")) for s in fully_masked_samples()[:2]),
               domain="nonzero", errors=(
                   ErrorCase("ord_minus_inf_integer", masked("norm"),
                             Sample("ints", (T(3, 4), fixed(MASK)), {"ord": float("-inf")}), AssertionError,
                             ("int64",)),))
# ---- var, std: two passes over the masked elements; unbiased / correction; integer inputs in float32 ----------
VAR_SAMPLES = reduction_samples() + DTYPE_SAMPLES + (
    Sample("unbiased_false", (T(3, 4), fixed(MASK)), {"dim": 1, "unbiased": False}),
    Sample("correction2_keepdim", (T(3, 5), fixed([True, False, True, True, True])),
           {"dim": 1, "correction": 2, "keepdim": True}),
    Sample("correction0_full", (T(3, 4), fixed(MASK)), {"correction": 0}))
for _name in ("var", "std"):
    SPECS += specs(_name, NUMBERS, VAR_SAMPLES, fully_masked_samples(), errors=(
        ErrorCase("unbiased_and_correction", masked(_name),
                  Sample("both", (T(3, 4), fixed(MASK)), {"unbiased": True, "correction": 1}), AssertionError),))
# ---- logsumexp: -inf (the dtype's min for integers) for the masked-out elements ---------------------------------
SPECS += specs("logsumexp", NUMBERS, reduction_samples() + DTYPE_SAMPLES, fully_masked_samples())
# ---- softmax, log_softmax, softmin: one dim, a fully masked-out slice is nan -----------------------------------
SOFTMAX_SAMPLES = (Sample("dim1", (T(3, 4), fixed(MASK)), {"dim": 1}),
                   Sample("dim0", (T(3, 4), fixed(MASK)), {"dim": 0}),
                   Sample("row_mask", (T(3, 4), fixed(ROW_MASK)), {"dim": -1}),
                   Sample("broadcast_3d", (T(2, 3, 4), fixed(INT_MASK)), {"dim": 2}),
                   Sample("no_mask", (T(3, 4),), {"dim": 1}),
                   Sample("dtype_float64", (T(3, 4), fixed(MASK)), {"dim": 1, "dtype": "float64"}))
# log_softmax is -inf at every masked-out element, where finite differences give -inf - -inf = nan: its gradients
# are compared with torch's only
for _name in ("softmax", "log_softmax", "softmin"):
    SPECS += specs(_name, FLOATING, SOFTMAX_SAMPLES, one_dim(fully_masked_samples(dim_tuple=False)),
                   gradcheck=_name != "log_softmax")
# ---- normalize: the masked input over its masked norm (at least eps) -------------------------------------------
NORMALIZE_SAMPLES = tuple(Sample(f"{s.name}_ord{o}", s.args, {"ord": o, **s.kwargs})
                          for o in (2.0, 1.0, 3) for s in SOFTMAX_SAMPLES[:4]) + (
    Sample("eps", (T(3, 4), fixed(MASK)), {"ord": 2.0, "dim": 1, "eps": 0.5}),)
SPECS += specs("normalize", FLOATING, NORMALIZE_SAMPLES,
               tuple(Sample(s.name, s.args, {"ord": 2.0, **s.kwargs}) for s in one_dim(fully_masked_samples(False))),
               domain="nonzero")
# ---- cumsum, cumprod: the masked-out elements add 0 / multiply by 1; dtype defaults to the input's -------------
SCAN_SAMPLES = SOFTMAX_SAMPLES[:5] + (Sample("0d", (T(), fixed(True)), {"dim": 0}),
                                      Sample("0d_masked_out", (T(), fixed(False)), {"dim": -1}),
                                      Sample("dtype_float64", (T(3, 4), fixed(MASK)), {"dim": 1, "dtype": "float64"},
                                             only_dtypes=FLOATING))
for _name in ("cumsum", "cumprod"):
    SPECS += specs(_name, NUMBERS, SCAN_SAMPLES, one_dim(fully_masked_samples(dim_tuple=False)))


# ---- logaddexp: two inputs, each with its mask --------------------------------------------------------------
def logaddexp(fw, a, b, am=None, bm=None, **kw):
    if isinstance(kw.get("dtype"), str):
        kw["dtype"] = getattr(fw, kw["dtype"])
    tensor = lambda m: fw.tensor(m) if isinstance(m, list) else m  # noqa: E731
    return fw.masked.logaddexp(a, b, input_mask=tensor(am), other_mask=tensor(bm), **kw)


SPECS += [
    OpSpec("masked.logaddexp", logaddexp, (
        # every element masked in on one side at least (both out is -inf, and finite differences nan there)
        Sample("both_masks", (T(3, 4), T(3, 4), fixed(MASK), fixed(COMPLEMENT))),
        Sample("input_mask_only", (T(3, 4), T(3, 4), fixed(ROW_MASK))),
        Sample("other_mask_only", (T(3, 4), T(3, 4), fixed(None), fixed(COLUMN_MASK))),
        Sample("no_masks", (T(3, 4), T(3, 4))),
        Sample("int_masks", (T(3, 4), T(3, 4), fixed(INT_MASK), fixed([[1, 1, 1, 1], [1, 0, 0, 1], [0, 0, 1, 0]]))),
        Sample("dtype_float64", (T(3, 4), T(3, 4), fixed(MASK), fixed(COMPLEMENT)), {"dtype": "float64"})), FLOATING),
    # both sides masked out: logaddexp(-inf, -inf) = -inf, a nan gradient in torch as in mtv2
    OpSpec("masked.logaddexp", logaddexp, (
        Sample("both_out", (T(3, 4), T(3, 4), fixed(EMPTY_ROW), fixed(MASK))),
        Sample("random_masks", (T(3, 4), T(3, 4), T(3, 4, dtype="bool"), T(3, 4, dtype="bool")))),
        FLOATING, variant="fully_masked", gradcheck=False, gradgrad=False),
]
