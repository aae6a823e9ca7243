"""The singular values and the norms built on them (mtv2/ops/linalg_svd.py): linalg.svdvals, linalg.matrix_norm for
every order ('fro', 'nuc', +-2, +-1, +-inf; dim pairs in either order, keepdim, dtype=, empty matrices and batches),
and torch.norm / Tensor.norm with p='nuc'. Random matrices have distinct singular values, where the SVD's derivative
is defined (an expanded matrix repeats rows: rank-deficient, forward only). torch refuses half and integer types for
the SVD ('fro', +-1 and +-inf take half)."""
import math

from conformance.frameworks import DTYPES
from conformance.inputs import Arg, Sample, T
from conformance.spec import ErrorCase, OpSpec, Tolerance

MATRICES = (Sample("wide", (T(3, 4),)),
            Sample("tall", (T(4, 3),)),
            Sample("square", (T(4, 4),)),
            Sample("batched", (T(2, 3, 4),)),
            Sample("transposed", (T(4, 3, layout="transposed"),)),
            Sample("strided", (T(3, 4, layout="strided"),)),
            Sample("offset", (T(2, 3, layout="offset"),)),
            Sample("one_by_one", (T(1, 1),)),
            Sample("empty_rows", (T(0, 3),)),
            Sample("empty_batch", (T(0, 3, 3),)))
RANK_DEFICIENT = (Sample("expanded", (T(3, 4, layout="expanded"),)),)

ORDERS = (("fro", "fro"), ("nuc", "nuc"), ("2", 2), ("minus2", -2), ("1", 1), ("minus1", -1), ("inf", math.inf),
          ("minus_inf", -math.inf))
ORDER_SAMPLES = tuple(sample for label, ord in ORDERS for sample in (
    Sample(f"{label}_wide", (T(3, 4),), {"ord": ord}),
    Sample(f"{label}_tall_transposed", (T(4, 3, layout="transposed"),), {"ord": ord}),
    Sample(f"{label}_dims_swapped_keepdim", (T(2, 3, 4),), {"ord": ord, "dim": (-1, 0), "keepdim": True}),
    Sample(f"{label}_dims_0_2", (T(2, 3, 4),), {"ord": ord, "dim": (0, 2)})))
# the smallest column (row) sum exists when the matrix has columns (rows), however many elements they hold
SMALLEST_DEFINED = ((-1, "0x4"), (-1, "2x0x3"), (-math.inf, "4x0"))
# the largest norm of an empty matrix is 0 (no history); the smallest is refused (amin's IndexError, error rows
# below) unless only the batch is empty
EMPTY_SAMPLES = tuple(Sample(f"{label}_{shape_label}", (T(*shape),), {"ord": ord})
                      for label, ord in ORDERS
                      for shape_label, shape in (("0x4", (0, 4)), ("4x0", (4, 0)), ("batch_2x0x3", (2, 0, 3)),
                                                 ("batch_0x3x3", (0, 3, 3)))
                      if isinstance(ord, str) or ord > 0 or shape_label == "batch_0x3x3"
                      or (ord, shape_label.removeprefix("batch_")) in SMALLEST_DEFINED)


def _matrix_norm(fw, a, **kw):
    return fw.linalg.matrix_norm(a, **kw)


MATRIX_NORM_ERRORS = (
    ErrorCase("order_3", lambda fw, a: fw.linalg.matrix_norm(a, 3), Sample("3x4", (T(3, 4),)), RuntimeError),
    ErrorCase("order_string", lambda fw, a: fw.linalg.matrix_norm(a, "foo"), Sample("3x4", (T(3, 4),)), RuntimeError),
    ErrorCase("vector", lambda fw, a: fw.linalg.matrix_norm(a, "nuc"), Sample("4", (T(4),)), RuntimeError),
    ErrorCase("same_dims", lambda fw, a: fw.linalg.matrix_norm(a, "nuc", dim=(0, -2)), Sample("3x4", (T(3, 4),)), RuntimeError),
    ErrorCase("three_dims", lambda fw, a: fw.linalg.matrix_norm(a, "fro", dim=(0, 1, 2)),
             Sample("2x3x4", (T(2, 3, 4),)), RuntimeError),
    ErrorCase("dim_out_of_range", lambda fw, a: fw.linalg.matrix_norm(a, "nuc", dim=(0, 3)),
             Sample("3x4", (T(3, 4),)), IndexError),
    ErrorCase("integer_input", lambda fw, a: fw.linalg.matrix_norm(a, 1), Sample("ints", (T(3, 4),)),
             RuntimeError, ("int64",)),
    ErrorCase("half_nuclear", lambda fw, a: fw.linalg.matrix_norm(a, "nuc"), Sample("3x4", (T(3, 4),)),
             RuntimeError, ("float16", "bfloat16")),
    ErrorCase("narrowing_dtype", lambda fw, a: fw.linalg.matrix_norm(a, "nuc", dtype=fw.float32),
             Sample("3x4", (T(3, 4),)), RuntimeError, ("float64",)),
    *(ErrorCase(f"smallest_of_empty_{label}_{shape_label}", lambda fw, a, ord=ord: fw.linalg.matrix_norm(a, ord),
                Sample(shape_label, (T(*shape),)), IndexError)
      for label, ord in ORDERS if not isinstance(ord, str) and ord < 0
      for shape_label, shape in (("0x4", (0, 4)), ("4x0", (4, 0)), ("2x0x3", (2, 0, 3)))
      if (ord, shape_label) not in SMALLEST_DEFINED))
SVDVALS_ERRORS = (
    ErrorCase("vector", lambda fw, a: fw.linalg.svdvals(a), Sample("4", (T(4),)), RuntimeError),
    ErrorCase("driver_on_cpu", lambda fw, a: fw.linalg.svdvals(a, driver="gesvd"), Sample("3x4", (T(3, 4),)),
             RuntimeError),
    ErrorCase("list_input", lambda fw: fw.linalg.svdvals([[1.0, 2.0]]), Sample("none", ()), TypeError,
             ("float32",)))
NORM_NUC_ERRORS = (
    ErrorCase("nuclear_of_3d_without_dim", lambda fw, a: fw.norm(a, "nuc"), Sample("2x3x4", (T(2, 3, 4),)), RuntimeError),
    ErrorCase("nuclear_of_vector", lambda fw, a: fw.norm(a, "nuc"), Sample("4", (T(4),)), RuntimeError))

SPECS = [
    OpSpec("linalg.svdvals", lambda fw, a, **kw: fw.linalg.svdvals(a, **kw), MATRICES, DTYPES,
           errors=SVDVALS_ERRORS),
    OpSpec("linalg.svdvals", lambda fw, a, **kw: fw.linalg.svdvals(a, **kw), RANK_DEFICIENT, DTYPES,
           variant="rank_deficient", grad=False),
    OpSpec("linalg.matrix_norm", _matrix_norm, ORDER_SAMPLES, DTYPES, errors=MATRIX_NORM_ERRORS),
    OpSpec("linalg.matrix_norm", _matrix_norm, EMPTY_SAMPLES, ("float32", "float64"), variant="empty"),
    OpSpec("linalg.matrix_norm", lambda fw, a, **kw: fw.linalg.matrix_norm(a, dtype=fw.float64, **kw),
           ORDER_SAMPLES[:8], DTYPES, variant="dtype_float64"),
    OpSpec("norm", lambda fw, a, **kw: fw.norm(a, "nuc", **kw),
           (Sample("wide", (T(3, 4),)), Sample("dims_keepdim", (T(2, 3, 4),), {"dim": (0, 2), "keepdim": True}),
            Sample("transposed", (T(4, 3, layout="transposed"),))), DTYPES, variant="nuc", errors=NORM_NUC_ERRORS),
    OpSpec("Tensor.norm", lambda fw, a, **kw: a.norm("nuc", **kw), (Sample("wide", (T(3, 4),)),), DTYPES,
           variant="nuc"),
]


# eigvalsh: the symmetric part of a random matrix (distinct eigenvalues, where the vectors' rule is defined); the
# "one_triangle" variant leaves garbage in the triangle not read (torch's gradient is its formula, symmetric)
EIGVALSH = (Sample("3x3", (T(3, 3),)), Sample("upper", (T(3, 3),), {"UPLO": "U"}), Sample("batched", (T(2, 4, 4),)),
            Sample("transposed", (T(3, 3, layout="transposed"),)), Sample("1x1", (T(1, 1),)), Sample("0x0", (T(0, 0),)),
            Sample("empty_batch", (T(0, 3, 3),)))
SPECS += [
    OpSpec("linalg.eigvalsh", lambda fw, a, **kw: fw.linalg.eigvalsh(a + a.mT, **kw), EIGVALSH, DTYPES,
           errors=(ErrorCase("uplo_x", lambda fw, a: fw.linalg.eigvalsh(a, UPLO="X"), Sample("3x3", (T(3, 3),)),
                             RuntimeError),
                   ErrorCase("not_square", lambda fw, a: fw.linalg.eigvalsh(a), Sample("3x4", (T(3, 4),)),
                             RuntimeError),
                   ErrorCase("vector", lambda fw, a: fw.linalg.eigvalsh(a), Sample("3", (T(3),)), RuntimeError))),
    OpSpec("linalg.eigvalsh", lambda fw, a, **kw: fw.linalg.eigvalsh(a, **kw), EIGVALSH[:2], ("float32", "float64"),
           variant="one_triangle", gradcheck=False, gradgrad=False),
]


# linalg.svd, torch.svd and linalg.eigh: the signs of singular vectors and eigenvectors are LAPACK's choice (torch's MKL
# and SciPy's OpenBLAS differ on some matrices; torch's docs: not unique), so the rows compare what is gauge-invariant,
# and compare it with torch: |U|, |Vh|, U Vh, the reconstruction U diag(S) Vh, the orthonormality of full factors
# (U^T U, Vh Vh^T), |V| and V diag(L) V^T; their gradients (random cotangents) are gauge-invariant too, except the
# orthonormality checks': torch's gradient drops the columns past k of a full U (derivatives.yaml narrows it), so the
# gradient of U^T U depends on which basis of the complement LAPACK chose; those are compared detached.
def _svd_facts(U, S, Vh):
    k = S.shape[-1]
    U_k, Vh_k = U[..., :k], Vh[..., :k, :]
    U, Vh = U.detach(), Vh.detach()
    return S, U_k.abs(), Vh_k.abs(), U_k @ Vh_k, (U_k * S.unsqueeze(-2)) @ Vh_k, U.mT @ U, Vh @ Vh.mT


def _linalg_svd(fw, a, **kw):
    return _svd_facts(*fw.linalg.svd(a, **kw))


def _svd_legacy(fw, a, *args, **kw):
    U, S, V = fw.svd(a, *args, **kw)
    return _svd_facts(U, S, V.mT) if kw.get("compute_uv", True) else (U, S, V)


def _eigh(fw, a, **kw):
    L, V = fw.linalg.eigh(a, **kw)
    return L, V.abs(), (V * L.unsqueeze(-2)) @ V.mT, V.mT @ V


def _non_finite(fw, a):
    return a * fw.tensor([float("nan")] + [1.0] * (a.shape[-1] - 1), dtype=a.dtype)


# the SVD's backward divides by the gaps s_j^2 - s_i^2: float32 rounding in two LAPACKs (MKL, OpenBLAS) grows by
# that conditioning (wide_full_false: gradients of ~18 differ by 5.7e-5; float64 finite differences put mtv2 at 4e-6
# relative and torch at 7e-6)
SVD_FLOAT32_BACKWARD = Tolerance(1e-5, 1e-5, "float32 rounding amplified by 1 / (s_j^2 - s_i^2) in the SVD's backward; "
                                 "mtv2 and torch both within 1e-5 relative of float64 finite differences",
                                 ("float32",), ("backward",))
FULL = tuple(Sample(f"{s.name}_full_false", s.args, {"full_matrices": False}) for s in MATRICES)
SVD_ERRORS = (
    ErrorCase("vector", lambda fw, a: fw.linalg.svd(a), Sample("4", (T(4),)), RuntimeError),
    ErrorCase("driver_on_cpu", lambda fw, a: fw.linalg.svd(a, driver="gesvd"), Sample("3x4", (T(3, 4),)),
              RuntimeError),
    ErrorCase("list_input", lambda fw: fw.linalg.svd([[1.0, 2.0]]), Sample("none", ()), TypeError),
    ErrorCase("non_finite", lambda fw, a: fw.linalg.svd(_non_finite(fw, a)), Sample("3x4", (T(3, 4),)),
              RuntimeError, ("float32", "float64")),
    ErrorCase("batch_non_finite", lambda fw, a: fw.linalg.svd(fw.stack([a, _non_finite(fw, a)])),
              Sample("3x4", (T(3, 4),)), RuntimeError, ("float32", "float64")))
EIGH_ERRORS = (
    ErrorCase("uplo_x", lambda fw, a: fw.linalg.eigh(a, UPLO="X"), Sample("3x3", (T(3, 3),)), RuntimeError),
    ErrorCase("not_square", lambda fw, a: fw.linalg.eigh(a), Sample("3x4", (T(3, 4),)), RuntimeError),
    ErrorCase("vector", lambda fw, a: fw.linalg.eigh(a), Sample("3", (T(3),)), RuntimeError),
    ErrorCase("list_input", lambda fw: fw.linalg.eigh([[1.0]]), Sample("none", ()), TypeError),
    ErrorCase("non_finite", lambda fw, a: fw.linalg.eigh(_non_finite(fw, a + a.mT)), Sample("3x3", (T(3, 3),)),
              RuntimeError, ("float32", "float64")),
    ErrorCase("batch_non_finite", lambda fw, a: fw.linalg.eigh(fw.stack([a + a.mT, _non_finite(fw, a + a.mT)])),
              Sample("3x3", (T(3, 3),)), RuntimeError, ("float32", "float64")))
SPECS += [
    OpSpec("linalg.svd", _linalg_svd, MATRICES + FULL, DTYPES, errors=SVD_ERRORS, tolerances=(SVD_FLOAT32_BACKWARD,)),
    OpSpec("linalg.svd", lambda fw, a: fw.linalg.svd(a, out=tuple(fw.empty_like(x) for x in fw.linalg.svd(a)))[1],
           MATRICES[:2], ("float32", "float64"), variant="out", grad=False),
    OpSpec("svd", _svd_legacy, (Sample("wide", (T(3, 4),)), Sample("tall_some_false", (T(4, 3), Arg(value=False))),
                                Sample("batched", (T(2, 4, 3),)), Sample("empty_rows", (T(0, 3),)),
                                Sample("empty_rows_some_false", (T(0, 3),), {"some": False})),
           DTYPES,
           errors=(ErrorCase("integer_input", lambda fw, a: fw.svd(a), Sample("ints", (T(3, 4),)), RuntimeError,
                             ("int64",)),)),
    OpSpec("svd", _svd_legacy, (Sample("wide", (T(3, 4),), {"compute_uv": False}),
                                Sample("tall_some_false", (T(4, 3), Arg(value=False)), {"compute_uv": False}),
                                Sample("batch_of_empty", (T(2, 0, 3),), {"compute_uv": False})),
           ("float32", "float64"), variant="compute_uv_false"),
    OpSpec("Tensor.svd", lambda fw, a, **kw: _svd_facts(*(lambda U, S, V: (U, S, V.mT))(*a.svd(**kw))),
           (Sample("tall", (T(4, 3),)), Sample("wide_some_false", (T(3, 4),), {"some": False})),
           ("float32", "float64")),
    OpSpec("linalg.eigh", lambda fw, a, **kw: _eigh(fw, a + a.mT, **kw), EIGVALSH, DTYPES, errors=EIGH_ERRORS),
    OpSpec("linalg.eigh", _eigh, EIGVALSH[:2], ("float32", "float64"), variant="one_triangle", gradcheck=False,
           gradgrad=False),
]
