"""Scans and sorting: cumsum, cumprod (dim, dtype=, in-place), sort, argsort (dim, descending, stable), topk
(k, dim, largest, sorted). Sorting inputs are distinct values unless a "ties" variant pins torch's order of
equal elements (its CPU sort is stable, descending too); cumprod's zero inputs pin its gradient at zeros."""
from conformance.frameworks import DTYPES
from conformance.inputs import Arg, Sample, T
from conformance.spec import ErrorCase, OpSpec

SCAN_SAMPLES = (Sample("dim0", (T(3, 4),), {"dim": 0}),
                Sample("dim1", (T(3, 4),), {"dim": 1}),
                Sample("dim_negative", (T(2, 3, 4),), {"dim": -1}),
                Sample("0d", (T(),), {"dim": 0}),
                Sample("size0", (T(0, 3),), {"dim": 1}),
                Sample("size1_dim", (T(3, 1),), {"dim": 1}),
                Sample("transposed", (T(3, 4, layout="transposed"),), {"dim": 1}),
                Sample("strided", (T(3, 4, layout="strided"),), {"dim": 1}),
                Sample("expanded", (T(3, 4, layout="expanded"),), {"dim": 0}),
                Sample("storage_offset", (T(2, 3, layout="offset"),), {"dim": 1}))
IN_PLACE = tuple(s for s in SCAN_SAMPLES if s.name != "expanded")
CUMPROD_ZEROS = (Sample("one_zero_per_row_dim1", (T(3, 4, domain="one_zero"),), {"dim": 1}),
                 Sample("zeros_in_some_columns_dim0", (T(3, 4, domain="one_zero"),), {"dim": 0}),
                 Sample("two_zeros_per_row_dim1", (T(3, 5, domain="two_zeros"),), {"dim": 1}))


def scan_errors(name):
    return (ErrorCase("dim_out_of_range", lambda fw, a: getattr(fw, name)(a, 2), Sample("2d", (T(3, 4),)),
                      IndexError),
            ErrorCase("no_dim", lambda fw, a: getattr(fw, name)(a), Sample("2d", (T(3, 4),)), TypeError),
            ErrorCase("integer_dtype_with_grad", lambda fw, a: getattr(fw, name)(a, 0, dtype=fw.int64),
                      Sample("leaf_requiring_grad", (T(3, requires_grad=True),)), RuntimeError),
            # the in-place form runs in self's dtype (int8 wraps in int8): another dtype= is refused
            ErrorCase("inplace_other_dtype", lambda fw, a: getattr(a, name + "_")(0, dtype=fw.float64),
                      Sample("floats", (T(3),)), RuntimeError))


def scan(name, samples):
    return [OpSpec(name, lambda fw, a, **kw: getattr(fw, name)(a, **kw), samples, DTYPES,
                   inplace=lambda fw, a, **kw: getattr(a, name + "_")(**kw), inplace_name=f"Tensor.{name}_",
                   inplace_samples=IN_PLACE, errors=scan_errors(name)),
            OpSpec(f"Tensor.{name}", lambda fw, a, **kw: getattr(a, name)(**kw), samples[:2], DTYPES),
            OpSpec(name, lambda fw, a, **kw: getattr(fw, name)(a, dtype=fw.float64, **kw), samples[:2], DTYPES,
                   variant="dtype_float64")]


SPECS = [*scan("cumsum", SCAN_SAMPLES), *scan("cumprod", SCAN_SAMPLES + CUMPROD_ZEROS)]

# ---- sort / argsort ---------------------------------------------------------------------------
SORT_SAMPLES = (Sample("default", (T(3, 4),)),
                Sample("dim0", (T(3, 4),), {"dim": 0}),
                Sample("descending", (T(3, 4),), {"descending": True}),
                Sample("dim0_descending", (T(4, 3),), {"dim": 0, "descending": True}),
                Sample("stable", (T(3, 4),), {"stable": True}),
                Sample("3d_dim1", (T(2, 3, 4),), {"dim": 1}),
                Sample("0d", (T(),)),
                Sample("size0", (T(0, 3),)),
                Sample("transposed", (T(3, 4, layout="transposed"),)),
                Sample("expanded_dim0", (T(3, 4, layout="expanded"),), {"dim": 0}),
                Sample("storage_offset", (T(2, 3, layout="offset"),)))
# Many equal values: tied elements keep their input order (ascending and descending); finite differences are
# one-sided at a tie, so these compare with torch only.
SORT_TIES = (Sample("ties_ascending", (T(3, 6),)),
             Sample("ties_descending", (T(3, 6),), {"descending": True}),
             Sample("ties_stable_descending_dim0", (T(6, 3),), {"dim": 0, "descending": True, "stable": True}))
SORT_ERRORS = (ErrorCase("dim_out_of_range", lambda fw, a: fw.sort(a, 2), Sample("2d", (T(3, 4),)), IndexError),)


def sort_specs(name, grad=True):
    function = lambda fw, a, **kw: getattr(fw, name)(a, **kw)
    return [OpSpec(name, function, SORT_SAMPLES, DTYPES, domain="distinct", grad=grad,
                   errors=SORT_ERRORS if name == "sort" else ()),
            OpSpec(f"Tensor.{name}", lambda fw, a, **kw: getattr(a, name)(**kw), SORT_SAMPLES[:3], DTYPES,
                   domain="distinct", grad=grad),
            OpSpec(name, function, SORT_TIES, DTYPES, variant="ties", domain="small_int", grad=grad,
                   gradcheck=False),
            # NaN sorts as the largest value, after +inf
            OpSpec(name, function, SORT_SAMPLES[:3], DTYPES, variant="nonfinite", domain="nonfinite", grad=grad,
                   gradcheck=False)]


def sort_positional(fw, a):
    values, indices = fw.sort(a, 0, True)
    result = fw.sort(a)
    return values, indices, result.values, result.indices


SPECS += [*sort_specs("sort"), *sort_specs("argsort", grad=False),
          OpSpec("sort", sort_positional, SORT_SAMPLES[:1], DTYPES, variant="positional_and_fields",
                 domain="distinct")]

# ---- topk -------------------------------------------------------------------------------------
TOPK_SAMPLES = (Sample("k2", (T(3, 5), Arg(value=2))),
                Sample("k3_dim0", (T(4, 3), Arg(value=3)), {"dim": 0}),
                Sample("smallest", (T(3, 5), Arg(value=2)), {"largest": False}),
                Sample("k0", (T(3, 5), Arg(value=0))),
                Sample("k_whole_dim", (T(3, 5), Arg(value=5))),
                Sample("0d", (T(), Arg(value=1))),
                Sample("size0_rows", (T(0, 3), Arg(value=2))),
                Sample("transposed", (T(3, 4, layout="transposed"), Arg(value=2))),
                Sample("storage_offset", (T(2, 3, layout="offset"), Arg(value=1)), {"dim": 0}))
TOPK_ERRORS = (ErrorCase("k_above_size", lambda fw, a: fw.topk(a, 6), Sample("5", (T(5),)), RuntimeError),
               ErrorCase("k_negative", lambda fw, a: fw.topk(a, -1), Sample("5", (T(5),)), RuntimeError),
               ErrorCase("dim_out_of_range", lambda fw, a: fw.topk(a, 1, 2), Sample("2d", (T(3, 4),)), IndexError))


def topk_unsorted(fw, a, k, **kw):
    """sorted=False leaves the order to the implementation: compare the selected values in sorted order."""
    return fw.sort(fw.topk(a, k, sorted=False, **kw).values, kw.get("dim", -1)).values


SPECS += [
    OpSpec("topk", lambda fw, a, k, **kw: fw.topk(a, k, **kw), TOPK_SAMPLES, DTYPES, domain="distinct",
           errors=TOPK_ERRORS),
    OpSpec("Tensor.topk", lambda fw, a, k, **kw: a.topk(k, **kw), TOPK_SAMPLES[:3], DTYPES, domain="distinct"),
    OpSpec("topk", topk_unsorted, TOPK_SAMPLES[:3], DTYPES, variant="unsorted", domain="distinct"),
]
