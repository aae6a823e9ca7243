"""Scans, sorting and searching: cumsum, cumprod (dim, dtype=, in-place), sort, argsort (dim, descending, stable),
topk (k, dim, largest, sorted), isin (both of torch's algorithms: one by one below about 10 * numel**0.145 test
elements, sorting above; assume_unique, invert, a number on either side, promotion on each path). Sorting inputs are distinct values unless a "ties" variant pins torch's order of
equal elements (its CPU sort is stable, descending too); cumprod's zero inputs pin its gradient at zeros."""
from conformance.frameworks import DTYPES
from conformance.inputs import Arg, Sample, T
from conformance.spec import HALF_PRECISION_BACKWARD, ErrorCase, OpSpec

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
            # no Bool result kernel: dtype=bool is refused (0-d and empty inputs never reach the kernel)
            ErrorCase("bool_dtype", lambda fw, a: getattr(fw, name)(a, 0, dtype=fw.bool), Sample("1d", (T(3),)),
                      NotImplementedError),
            # the in-place form runs in self's dtype (int8 wraps in int8): another dtype= is refused
            ErrorCase("inplace_other_dtype", lambda fw, a: getattr(a, name + "_")(0, dtype=fw.float64),
                      Sample("floats", (T(3),)), RuntimeError))


def scan(name, samples):
    return [OpSpec(name, lambda fw, a, **kw: getattr(fw, name)(a, **kw), samples, DTYPES,
                   inplace=lambda fw, a, **kw: getattr(a, name + "_")(**kw), inplace_name=f"Tensor.{name}_",
                   inplace_samples=IN_PLACE, errors=scan_errors(name)),
            OpSpec(f"Tensor.{name}", lambda fw, a, **kw: getattr(a, name)(**kw), samples[:2], DTYPES),
            OpSpec(name, lambda fw, a, **kw: getattr(fw, name)(a, dtype=fw.float64, **kw), samples[:2], DTYPES,
                   variant="dtype_float64"),
            OpSpec(name, lambda fw, a, **kw: getattr(fw, name)(a, dtype=fw.bool, **kw),
                   tuple(s for s in samples if s.name in ("0d", "size0")), DTYPES, variant="dtype_bool_no_kernel_call")]


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
# Many equal values: stable=True keeps tied elements in input order; stable=False orders them as torch's std::sort
# does (input order in rows of at most 16, an insertion sort; its partitions' order beyond). Finite differences are
# one-sided at a tie, so these compare with torch only.
SORT_TIES = (Sample("ties_ascending", (T(3, 6),)),
             Sample("ties_descending", (T(3, 6),), {"descending": True}),
             Sample("ties_stable_descending_dim0", (T(6, 3),), {"dim": 0, "descending": True, "stable": True}),
             Sample("ties_rows_of_40", (T(2, 40),)),
             Sample("ties_rows_of_40_descending", (T(2, 40),), {"descending": True}),
             Sample("ties_dim0_of_33", (T(33, 2),), {"dim": 0}),
             Sample("ties_rows_of_40_stable", (T(2, 40),), {"stable": True}),
             Sample("ties_transposed_rows_of_24", (T(24, 3, layout="transposed"),)))
SORT_ERRORS = (ErrorCase("dim_out_of_range", lambda fw, a: fw.sort(a, 2), Sample("2d", (T(3, 4),)), IndexError),)


def signature_errors(name):
    """torch's two signatures: once `stable` is given, dim and descending are keywords only."""
    call = lambda method, *args, **kwargs: lambda fw, a: getattr(fw, name)(a, *args, **kwargs) if method == "function" \
        else getattr(a, name)(*args, **kwargs)
    return tuple(ErrorCase(f"{label}_{method}", call(method, *args, **kwargs), Sample("2d", (T(3, 4),)), TypeError)
                 for method in ("function", "method")
                 for label, args, kwargs in (("positional_dim_with_stable", (0,), {"stable": True}),
                                             ("positional_descending_with_stable", (0, True), {"stable": False}),
                                             ("stable_not_bool", (), {"stable": 1}),
                                             ("dim_given_twice", (0,), {"dim": 1}),
                                             ("bool_dim", (True,), {"descending": False})))


def sort_specs(name, grad=True):
    function = lambda fw, a, **kw: getattr(fw, name)(a, **kw)
    return [OpSpec(name, function, SORT_SAMPLES, DTYPES, domain="distinct", grad=grad,
                   errors=(SORT_ERRORS if name == "sort" else ()) + signature_errors(name)),
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
TOPK_TIES = (Sample("k5_of_40", (T(3, 40), Arg(value=5))),
             Sample("smallest_k17_of_40", (T(2, 40), Arg(value=17)), {"largest": False}),
             Sample("dim0_k3", (T(12, 3), Arg(value=3)), {"dim": 0}),
             Sample("k3_of_256_heap", (T(2, 256), Arg(value=3))),
             Sample("k_whole_row", (T(2, 20), Arg(value=20))),
             Sample("transposed_dim0_k4", (T(30, 3, layout="transposed"), Arg(value=4)), {"dim": 0}))
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
    # ties (small integers): which equal elements come out, and in which order, is torch's selection's (its
    # nth_element + sort, or its heap partial_sort when k * 64 <= n); sorted=False keeps the selection's order.
    # The gradient lands where the indices say (backward rows); finite differences cannot judge it at a tie, where
    # any perturbation changes the selection (no gradcheck)
    OpSpec("topk", lambda fw, a, k, **kw: fw.topk(a, k, **kw), TOPK_TIES, DTYPES, variant="ties", domain="small_int",
           gradcheck=False, gradgrad=False),
    OpSpec("topk", lambda fw, a, k, **kw: fw.topk(a, k, sorted=False, **kw), TOPK_TIES, DTYPES,
           variant="ties_unsorted", domain="small_int", gradcheck=False, gradgrad=False),
]

# ---- isin -------------------------------------------------------------------------------------
# Values are small integers (in every dtype), so elements are often in the test set. 12 elements compare one by one
# against fewer than 14 test elements and go through torch's sorting algorithm from 14 on.
ISIN_SAMPLES = (Sample("few_test_elements", (T(3, 4), T(5))),
                Sample("many_test_elements", (T(3, 4), T(4, 5))),
                Sample("invert_few", (T(3, 4), T(5)), {"invert": True}),
                Sample("invert_many", (T(3, 4), T(4, 5)), {"invert": True}),
                Sample("assume_unique_few", (T(3, 4, domain="distinct"), T(5, domain="distinct")),
                       {"assume_unique": True}),
                Sample("assume_unique_many", (T(3, 4, domain="distinct"), T(20, domain="distinct")),
                       {"assume_unique": True}),
                Sample("assume_unique_many_invert", (T(3, 4, domain="distinct"), T(20, domain="distinct")),
                       {"assume_unique": True, "invert": True}),
                # repeated values although assume_unique=True: torch's sorting algorithm answers what it answers
                # (a repeated element can be marked present), not membership; mtv2 runs the same algorithm
                Sample("assume_unique_repeated_many", (T(3, 4), T(20)), {"assume_unique": True}),
                Sample("0d_elements", (T(), T(5))),
                Sample("0d_elements_many", (T(), T(12))),
                Sample("0d_test_elements", (T(3, 4), T())),
                Sample("size0_elements", (T(0, 3), T(4))),
                Sample("size0_test_elements", (T(3, 4), T(0))),
                Sample("size0_test_elements_invert", (T(3, 4), T(0)), {"invert": True}),
                Sample("nonfinite_many", (T(3, 4, domain="nonfinite"), T(20, domain="nonfinite"))),
                Sample("nonfinite_invert_few", (T(3, 4, domain="nonfinite"), T(4, domain="nonfinite")),
                       {"invert": True}),
                Sample("transposed_strided", (T(3, 4, layout="transposed"), T(3, 4, layout="strided"))),
                Sample("expanded_offset", (T(3, 4, layout="expanded"), T(2, 3, layout="offset"))),
                Sample("number_test_element", (T(3, 4), Arg(scalar=True))),
                Sample("number_test_element_invert", (T(3, 4), Arg(scalar=True)), {"invert": True}),
                Sample("number_elements", (Arg(scalar=True), T(5))),
                Sample("number_elements_many", (Arg(scalar=True), T(4, 5))))
# Mixed dtypes: one by one compares in torch's result_type (a 0-d tensor or a number only promotes across
# categories); the sorting path concatenates raveled inputs, so there a 0-d tensor or a number promotes like any tensor.
ISIN_PROMOTION = tuple(
    sample for other in ("uint8", "int8", "int64", "float16", "bfloat16", "float64")
    for sample in (Sample(f"with_{other}_few", (T(3, 4), T(5, dtype=other))),
                   Sample(f"with_{other}_many", (T(3, 4), T(20, dtype=other))),
                   Sample(f"with_0d_{other}_few", (T(), T(5, dtype=other))),
                   Sample(f"with_0d_{other}_many", (T(), T(12, dtype=other))),
                   Sample(f"0d_{other}_with_few", (T(dtype=other), T(5))),
                   Sample(f"0d_{other}_with_many", (T(dtype=other), T(12)))))
ISIN_NUMBERS = (Sample("int_test_element", (T(3, 4), Arg(value=2))),
                Sample("wrapping_int_test_element", (T(3, 4), Arg(value=258))),   # 258 is 2 in uint8 and int8
                Sample("float_test_element", (T(3, 4), Arg(value=2.0))),
                Sample("fractional_test_element", (T(3, 4), Arg(value=1.5))),
                Sample("int_element_many", (Arg(value=2), T(20))),
                Sample("float_element_few", (Arg(value=2.0), T(5))),
                Sample("float_element_many", (Arg(value=0.1), T(20))))
ISIN_ERRORS = (
    ErrorCase("two_numbers", lambda fw: fw.isin(2, 3), Sample("none", ()), TypeError),
    ErrorCase("list_test_elements", lambda fw, a: fw.isin(a, [1.0, 2.0]), Sample("vector", (T(3),)), TypeError),
    ErrorCase("bool_number", lambda fw, a: fw.isin(a, True), Sample("vector", (T(3),)), RuntimeError),
    ErrorCase("number_and_bool_tensor", lambda fw, a: fw.isin(1, a), Sample("bool", (T(3, dtype="bool"),)),
              RuntimeError),
    ErrorCase("bool_with_float", lambda fw, a, b: fw.isin(a, b), Sample("bool_float", (T(3, dtype="bool"), T(2))),
              RuntimeError),
    ErrorCase("assume_unique_not_bool", lambda fw, a, b: fw.isin(a, b, assume_unique=1),
              Sample("vectors", (T(3), T(2))), TypeError),
    ErrorCase("out_not_bool", lambda fw, a, b: fw.isin(a, b, out=fw.empty(3, dtype=fw.int64)),
              Sample("vectors", (T(3), T(2))), RuntimeError),
    ErrorCase("positional_invert", lambda fw, a, b: fw.isin(a, b, False), Sample("vectors", (T(3), T(2))),
              TypeError))


def _isin(fw, elements, test_elements, **kw):
    return fw.isin(elements, test_elements, **kw)


SPECS += [OpSpec("isin", _isin, ISIN_SAMPLES, DTYPES, domain="small_int", grad=False, errors=ISIN_ERRORS),
          OpSpec("isin", _isin, ISIN_PROMOTION, DTYPES, variant="promotion", domain="small_int", grad=False),
          OpSpec("isin", _isin, ISIN_NUMBERS, DTYPES, variant="numbers", domain="small_int", grad=False),
          OpSpec("isin", lambda fw, a, b: fw.isin(a, b, out=fw.empty(a.shape, dtype=fw.bool)), ISIN_SAMPLES[:2], DTYPES,
                 variant="out", domain="small_int", grad=False)]

# ---- diff / trapezoid / trapz / cumulative_trapezoid (composites of slices, in torch's arithmetic) -------------
DIFF_SAMPLES = (Sample("default", (T(3, 5),)),
                Sample("n2_dim0", (T(5, 3),), {"n": 2, "dim": 0}),
                Sample("n_beyond_size", (T(2, 3),), {"n": 4}),
                Sample("n0", (T(3, 4),), {"n": 0}),
                Sample("prepend_append", (T(3, 4), T(3, 2), T(3, 1)), {"dim": 1}),
                Sample("1d", (T(6),)),
                Sample("size0", (T(0, 3),), {"dim": 0}),
                Sample("transposed", (T(3, 4, layout="transposed"),)))
DIFF_ERRORS = (ErrorCase("0d", lambda fw, a: fw.diff(a), Sample("0d", (T(),)), RuntimeError),
               ErrorCase("negative_n", lambda fw, a: fw.diff(a, n=-1), Sample("1d", (T(3),)), RuntimeError),
               ErrorCase("prepend_of_other_rank", lambda fw, a, b: fw.diff(a, prepend=b),
                         Sample("1d_prepend", (T(3, 2), T(3))), RuntimeError),
               ErrorCase("prepend_of_other_shape", lambda fw, a, b: fw.diff(a, prepend=b, dim=1),
                         Sample("2d_prepend", (T(3, 2), T(2, 2))), RuntimeError))


def diff_call(fw, a, *operands, **kw):
    if len(operands) == 2:
        return fw.diff(a, prepend=operands[0], append=operands[1], **kw)
    return fw.diff(a, **kw)


TRAPEZOID_SAMPLES = (Sample("dx_default", (T(3, 5),)),
                     Sample("dx_2_5_dim0", (T(5, 3),), {"dx": 2.5, "dim": 0}),
                     Sample("x_1d", (T(3, 5), T(5)), {}),
                     Sample("x_broadcast_dim0", (T(4, 3), T(4, 1)), {"dim": 0}),
                     Sample("x_full", (T(2, 4), T(2, 4)), {}),
                     Sample("one_sample", (T(3, 1),)),
                     Sample("size0_dim", (T(3, 0),)),
                     Sample("transposed", (T(3, 4, layout="transposed"),)))
TRAPEZOID_ERRORS = (ErrorCase("x_and_dx", lambda fw, y, x: fw.trapezoid(y, x, dx=1.0), Sample("1d", (T(3), T(3))),
                              TypeError),
                    ErrorCase("x_of_other_length", lambda fw, y, x: fw.trapezoid(y, x), Sample("1d", (T(3), T(4))),
                              RuntimeError),
                    ErrorCase("bool_y", lambda fw, y: fw.trapezoid(y > 0), Sample("1d", (T(3),)), RuntimeError))

SPECS += [
    OpSpec("diff", diff_call, DIFF_SAMPLES, DTYPES, errors=DIFF_ERRORS),
    OpSpec("Tensor.diff", lambda fw, a, **kw: a.diff(**kw), DIFF_SAMPLES[:2], ("float32", "int64")),
    *(OpSpec(name, (lambda name: lambda fw, y, *x, **kw: getattr(fw, name)(y, *x, **kw))(name), TRAPEZOID_SAMPLES,
             ("float32", "float64", "float16", "bfloat16", "int64", "int32"),
             errors=TRAPEZOID_ERRORS if name == "trapezoid" else ())
      for name in ("trapezoid", "trapz")),
    OpSpec("cumulative_trapezoid", lambda fw, y, *x, **kw: fw.cumulative_trapezoid(y, *x, **kw),
           tuple(s for s in TRAPEZOID_SAMPLES if s.name != "size0_dim"),
           ("float32", "float64", "float16", "bfloat16", "int64", "int32")),
]

# ---- logcumsumexp (torch's double accumulation for float32), searchsorted / bucketize -------------------------
LOGCUMSUMEXP_ERRORS = (ErrorCase("integer", lambda fw, a: fw.logcumsumexp(a.long(), 0), Sample("1d", (T(3),)),
                                 NotImplementedError),)
SEARCH_SAMPLES = (Sample("1d_boundaries", (T(6, domain="distinct"), T(3, 4)), {}),
                  Sample("right", (T(6, domain="distinct"), T(3, 4)), {"right": True}),
                  Sample("side_right_int32", (T(6, domain="distinct"), T(5)), {"side": "right", "out_int32": True}),
                  Sample("nd_boundaries", (T(3, 5, domain="distinct"), T(3, 4)), {}),
                  Sample("values_0d", (T(4, domain="distinct"), T()), {}))


def searchsorted_call(fw, boundaries, values, **kw):
    return fw.searchsorted(fw.sort(boundaries).values, values, **kw)


def searchsorted_sorter(fw, boundaries, values):
    return fw.searchsorted(boundaries, values, sorter=fw.argsort(boundaries))


def bucketize_call(fw, boundaries, values, **kw):
    kw.pop("side", None)
    return fw.bucketize(values, fw.sort(boundaries).values, **kw)


SEARCH_ERRORS = (ErrorCase("side_and_right_opposite", lambda fw, b, v: fw.searchsorted(b, v, right=True, side="left"),
                           Sample("1d", (T(3), T(2))), RuntimeError),
                 ErrorCase("leading_dims_differ", lambda fw, b, v: fw.searchsorted(b, v),
                           Sample("2d", (T(2, 3), T(3, 2))), RuntimeError),
                 ErrorCase("sorter_of_other_size", lambda fw, b, v: fw.searchsorted(b, v, sorter=fw.tensor([0, 1])),
                           Sample("1d", (T(3), T(2))), RuntimeError))
SPECS += [
    # half backward: torch's logcumsumexp_backward rounds each of its ops' results to the half type; finite
    # differences side with mtv2 in most of the rows beyond the default half tolerance
    OpSpec("logcumsumexp", lambda fw, a, **kw: fw.logcumsumexp(a, **kw), SCAN_SAMPLES,
           ("float32", "float64", "float16", "bfloat16"), errors=LOGCUMSUMEXP_ERRORS,
           tolerances=(HALF_PRECISION_BACKWARD,)),
    OpSpec("logcumsumexp", lambda fw, a, **kw: fw.logcumsumexp(a, **kw), SCAN_SAMPLES[:2], ("float32", "float64"),
           variant="nonfinite", domain="nonfinite", gradcheck=False, gradgrad=False),
    OpSpec("searchsorted", searchsorted_call, SEARCH_SAMPLES, ("float32", "float64", "int64", "int32", "float16"),
           grad=False, errors=SEARCH_ERRORS),
    OpSpec("searchsorted", searchsorted_sorter, SEARCH_SAMPLES[:1], ("float32", "int64"), variant="sorter",
           grad=False),
    OpSpec("bucketize", bucketize_call, SEARCH_SAMPLES[:3] + SEARCH_SAMPLES[4:], ("float32", "float64", "int64"),
           grad=False),
]

# ---- unique / unique_consecutive (sorted whatever `sorted` says, each NaN its own value; torch's derivative is
# not implemented: forward rows only) ---------------------------------------------------------------------------
UNIQUE_SAMPLES = (Sample("flat", (T(3, 6),)),
                  Sample("inverse_counts", (T(3, 6),), {"return_inverse": True, "return_counts": True}),
                  Sample("counts_only", (T(8),), {"return_counts": True}),
                  Sample("dim0", (T(6, 2),), {"dim": 0, "return_inverse": True, "return_counts": True}),
                  Sample("dim1", (T(2, 6),), {"dim": 1}),
                  Sample("0d", (T(),), {"return_inverse": True}),
                  Sample("size0", (T(0, 3),), {"return_inverse": True, "return_counts": True}),
                  Sample("transposed", (T(3, 4, layout="transposed"),), {"return_inverse": True}))
SPECS += [
    OpSpec("unique", lambda fw, a, **kw: fw.unique(a, **kw), UNIQUE_SAMPLES, DTYPES, domain="small_int", grad=False),
    OpSpec("unique", lambda fw, a, **kw: fw.unique(a, sorted=False, **kw), UNIQUE_SAMPLES[:2], ("float32", "int64"),
           variant="sorted_false", domain="small_int", grad=False),
    # several NaNs: which NaN gets which inverse index is torch's sort's order among them, not pinned here
    OpSpec("unique", lambda fw, a, **kw: fw.unique(a, **kw), UNIQUE_SAMPLES[:1] + UNIQUE_SAMPLES[2:3],
           ("float32", "float64"), variant="nonfinite", domain="nonfinite", grad=False),
    OpSpec("Tensor.unique", lambda fw, a, **kw: a.unique(**kw), UNIQUE_SAMPLES[:2], ("float32",), domain="small_int",
           grad=False),
    OpSpec("unique_consecutive", lambda fw, a, **kw: fw.unique_consecutive(a, **kw), UNIQUE_SAMPLES, DTYPES,
           domain="small_int", grad=False),
    OpSpec("Tensor.unique_consecutive", lambda fw, a, **kw: a.unique_consecutive(**kw), UNIQUE_SAMPLES[:2],
           ("float32",), domain="small_int", grad=False),
]

# ---- gradient (torch's central and one-sided differences, number or coordinate spacing) ------------------------
GRADIENT_SAMPLES = (Sample("default", (T(4, 5),)),
                    Sample("spacing_2_edge2", (T(4, 5),), {"spacing": 2.0, "edge_order": 2}),
                    Sample("dim1", (T(3, 4),), {"dim": 1}),
                    Sample("dims_and_spacings", (T(3, 4, 5),), {"dim": [0, 2], "spacing": [0.5, 2.0]}),
                    Sample("1d_edge2", (T(6),), {"edge_order": 2}),
                    Sample("transposed", (T(4, 3, layout="transposed"),)))
GRADIENT_ERRORS = (ErrorCase("edge_order_3", lambda fw, a: fw.gradient(a, edge_order=3), Sample("2d", (T(4, 4),)),
                             RuntimeError),
                   ErrorCase("too_short_for_edge2", lambda fw, a: fw.gradient(a, edge_order=2),
                             Sample("2d", (T(2, 4),)), RuntimeError),
                   ErrorCase("spacing_list_of_other_length", lambda fw, a: fw.gradient(a, spacing=[1.0]),
                             Sample("2d", (T(3, 4),)), RuntimeError))


def gradient_coordinates(fw, a, row_steps, column_steps, **kw):
    """Unevenly spaced coordinates for both dims: running sums of steps in [0.5, 1.4]."""
    return fw.gradient(a, spacing=[(row_steps.abs() + 0.5).cumsum(0), (column_steps.abs() + 0.5).cumsum(0)], **kw)


STEPS = (Arg((4,), domain="unit", requires_grad=False), Arg((5,), domain="unit", requires_grad=False))
SPECS += [
    OpSpec("gradient", lambda fw, a, **kw: fw.gradient(a, **kw), GRADIENT_SAMPLES,
           ("float32", "float64", "float16", "bfloat16", "int64"), errors=GRADIENT_ERRORS,
           tolerances=(HALF_PRECISION_BACKWARD,)),
    OpSpec("gradient", gradient_coordinates, (Sample("edge1", (T(4, 5), *STEPS)),
                                               Sample("edge2", (T(4, 5), *STEPS), {"edge_order": 2})),
           ("float32", "float64"), variant="coordinates"),
]
