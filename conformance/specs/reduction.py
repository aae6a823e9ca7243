"""Reductions: sum, mean, max, min over everything, over a dim (keepdim), and max/min of two
tensors. max/min inputs are distinct values so the arg-max (and its gradient) is unique."""
from conformance.frameworks import DTYPES, FLOATING
from conformance.inputs import Sample, T, binary_samples
from conformance.spec import ErrorCase, OpSpec

FULL = (Sample("full", (T(3, 4),)),
        Sample("full_0d", (T(),)),
        Sample("full_size0", (T(0, 3),)),
        Sample("full_strided", (T(3, 4, layout="strided"),)),
        Sample("full_transposed", (T(3, 4, layout="transposed"),)))
BY_DIM = (Sample("dim0", (T(3, 4),), {"dim": 0}),
          Sample("dim1_keepdim", (T(3, 4),), {"dim": 1, "keepdim": True}),
          Sample("dim_negative", (T(2, 3, 4),), {"dim": -1}),
          Sample("dim_0d", (T(),), {"dim": 0}),
          Sample("dim1_size0_rows", (T(0, 3),), {"dim": 1}),
          Sample("dim0_transposed", (T(3, 4, layout="transposed"),), {"dim": 0}),
          Sample("dim1_storage_offset", (T(2, 3, layout="offset"),), {"dim": 1}))
DIM_TUPLES = (Sample("dims_0_2", (T(2, 3, 4),), {"dim": (0, 2)}),
              Sample("dims_keepdim", (T(2, 3, 4),), {"dim": (1, 2), "keepdim": True}),
              Sample("dim1_expanded", (T(3, 4, layout="expanded"),), {"dim": 1}))
SUM_SAMPLES = FULL + BY_DIM + DIM_TUPLES + (Sample("full_expanded", (T(3, 4, layout="expanded"),)),)

DIM_OUT_OF_RANGE = Sample("dim_3_of_2d", (T(3, 4),), {"dim": 3})
SUM_ERRORS = (ErrorCase("dim_out_of_range", lambda fw, a, **kw: fw.sum(a, **kw), DIM_OUT_OF_RANGE,
                        IndexError),
              ErrorCase("dim_is_str", lambda fw, a: fw.sum(a, dim="x"), Sample("str", (T(3),)),
                        TypeError))
MEAN_ERRORS = (ErrorCase("integer_input", lambda fw, a: fw.mean(a), Sample("ints", (T(3, 4),)),
                         RuntimeError, ("int64", "int32", "bool")),
               ErrorCase("dim_out_of_range", lambda fw, a, **kw: fw.mean(a, **kw), DIM_OUT_OF_RANGE,
                         IndexError))


def reduction(name, samples, domain="real", errors=()):
    return [OpSpec(name, lambda fw, a, **kw: getattr(fw, name)(a, **kw), samples, DTYPES,
                   domain=domain, errors=errors),
            OpSpec(f"Tensor.{name}", lambda fw, a, **kw: getattr(a, name)(**kw),
                   samples[:1] + samples[len(FULL):len(FULL) + 2], DTYPES, domain=domain)]


EXTREMA_ERRORS = (ErrorCase("full_of_empty", lambda fw, a: fw.max(a), Sample("empty", (T(0),)),
                            RuntimeError),
                  ErrorCase("dim_out_of_range", lambda fw, a, **kw: fw.max(a, **kw),
                            DIM_OUT_OF_RANGE, IndexError))
PAIRS = tuple(s for s in binary_samples(scalar=False)
              if s.name in ("same_shape", "broadcast_rhs", "0d_rhs", "transposed_lhs"))

SPECS = [
    *reduction("sum", SUM_SAMPLES, errors=SUM_ERRORS),
    OpSpec("sum", lambda fw, a: fw.sum(a, dtype=fw.float64), FULL[:1], DTYPES, variant="dtype_float64"),
    *reduction("mean", SUM_SAMPLES, errors=MEAN_ERRORS),
    *reduction("max", FULL + BY_DIM, domain="distinct", errors=EXTREMA_ERRORS),
    *reduction("min", FULL + BY_DIM, domain="distinct"),
    OpSpec("max", lambda fw, a, b: fw.max(a, b), PAIRS, DTYPES, variant="binary", domain="distinct"),
    OpSpec("min", lambda fw, a, b: fw.min(a, b), PAIRS, DTYPES, variant="binary", domain="distinct"),
]
