"""The LU decomposition (mtv2/ops/linalg_lu.py): linalg.lu_factor, lu_factor_ex (info of singular matrices), linalg.lu,
torch.lu_unpack (what is unpacked), linalg.lu_solve (left=, adjoint=, batch broadcasting), torch.lu (get_infos) and
torch.lu_solve / Tensor.lu_solve, on square, wide, tall, batched, non-contiguous and empty matrices; torch refuses
half and integer types and pivot=False on the CPU (error rows). The packed factors and pivots are compared as they
are: getrf's partial pivoting is deterministic. linalg.ldl_factor, ldl_factor_ex and ldl_solve at the end."""
import numpy as np

from conformance.frameworks import DTYPES
from conformance.inputs import Arg, Sample, T
from conformance.spec import ErrorCase, OpSpec

MATRICES = (Sample("square", (T(4, 4),)),
            Sample("wide", (T(3, 5),)),
            Sample("tall", (T(5, 3),)),
            Sample("batched", (T(2, 3, 3),)),
            Sample("batched_tall", (T(2, 1, 4, 2),)),
            Sample("transposed", (T(4, 4, layout="transposed"),)),
            Sample("strided", (T(3, 4, layout="strided"),)),
            Sample("offset", (T(2, 3, layout="offset"),)),
            Sample("1x1", (T(1, 1),)))
EMPTY = (Sample("0x3", (T(0, 3),)), Sample("3x0", (T(3, 0),)), Sample("0x0", (T(0, 0),)),
         Sample("empty_batch", (T(0, 3, 3),)))


def _singular(fw, a, column):
    """a with column `column` zero: elimination keeps it exactly zero (no rounding can make it a pivot), so getrf's
    info is column + 1 in both LAPACKs. (A copied column is singular only up to rounding: MKL and OpenBLAS disagree.)"""
    mask = np.ones(a.shape[-2:])
    mask[:, column] = 0
    return a * fw.tensor(mask, dtype=a.dtype)


def _singular_second(fw, a, column):
    """A batch whose second matrix is singular; on a failed factorization torch only promises info (the factors past
    the zero pivot are LAPACK's), so the rows compare info and the first matrix's factors."""
    LU, pivots, info = fw.linalg.lu_factor_ex(fw.stack([a[0], _singular(fw, a[1], column)]))
    return info, LU[0], pivots[0]


def _solve(fw, a, b, **kw):
    """A + n I: random matrices are well conditioned then (the float32 gradients of a near-singular A differ in
    rounding by more than the tolerance)."""
    return fw.linalg.lu_solve(*fw.linalg.lu_factor(a + a.shape[-1] * fw.eye(a.shape[-1], dtype=a.dtype)), b, **kw)


FACTOR_ERRORS = (
    ErrorCase("singular", lambda fw, a: fw.linalg.lu_factor(_singular(fw, a, 2)), Sample("3x3", (T(3, 3),)),
              RuntimeError, ("float32", "float64")),
    ErrorCase("batch_singular", lambda fw, a: fw.linalg.lu_factor(fw.stack([a, _singular(fw, a, 1)])),
              Sample("3x3", (T(3, 3),)), RuntimeError, ("float32", "float64")),
    ErrorCase("pivot_false", lambda fw, a: fw.linalg.lu_factor(a, pivot=False), Sample("3x3", (T(3, 3),)),
              RuntimeError),
    ErrorCase("vector", lambda fw, a: fw.linalg.lu_factor(a), Sample("3", (T(3),)), RuntimeError),
    ErrorCase("list_input", lambda fw: fw.linalg.lu_factor([[1.0]]), Sample("none", ()), TypeError))
SOLVE_ERRORS = (
    ErrorCase("incompatible", lambda fw, a, b: _solve(fw, a, b), Sample("3x3_4x2", (T(3, 3), T(4, 2))), RuntimeError),
    ErrorCase("incompatible_right", lambda fw, a, b: _solve(fw, a, b, left=False),
              Sample("3x3_3x2", (T(3, 3), T(3, 2))), RuntimeError),
    ErrorCase("dtype_mismatch", lambda fw, a, b: _solve(fw, a, b.double()), Sample("3x3_3x2", (T(3, 3), T(3, 2))),
              RuntimeError),
    ErrorCase("not_square", lambda fw, a, b: _solve(fw, a, b), Sample("3x4_3x2", (T(3, 4), T(3, 2))), RuntimeError))

SPECS = [
    OpSpec("linalg.lu_factor", lambda fw, a, **kw: fw.linalg.lu_factor(a, **kw), MATRICES, DTYPES,
           errors=FACTOR_ERRORS),
    OpSpec("linalg.lu_factor", lambda fw, a: fw.linalg.lu_factor(a), EMPTY, ("float32", "float64", "float16"),
           variant="empty", grad=False),
    OpSpec("linalg.lu_factor_ex", lambda fw, a, **kw: fw.linalg.lu_factor_ex(a, **kw), MATRICES, DTYPES,
           errors=(ErrorCase("check_errors_singular", lambda fw, a: fw.linalg.lu_factor_ex(
               _singular(fw, a, 1), check_errors=True), Sample("3x3", (T(3, 3),)), RuntimeError,
               ("float32", "float64")),)),
    OpSpec("linalg.lu_factor_ex", lambda fw, a, column: fw.linalg.lu_factor_ex(_singular(fw, a, column)).info,
           (Sample("column_0", (T(3, 3), Arg(value=0))), Sample("column_2", (T(3, 3), Arg(value=2))),
            Sample("batched_column_1", (T(2, 4, 4), Arg(value=1)))), ("float32", "float64"), variant="singular",
           grad=False),
    OpSpec("linalg.lu_factor_ex", _singular_second, (Sample("column_1", (T(2, 4, 4), Arg(value=1))),),
           ("float32", "float64"), variant="second_singular", grad=False),
    OpSpec("linalg.lu", lambda fw, a, **kw: fw.linalg.lu(a, **kw), MATRICES + EMPTY, ("float32", "float64"),
           errors=(ErrorCase("pivot_false", lambda fw, a: fw.linalg.lu(a, pivot=False), Sample("3x3", (T(3, 3),)),
                             RuntimeError),
                   ErrorCase("half", lambda fw, a: fw.linalg.lu(a), Sample("3x3", (T(3, 3),)), NotImplementedError,
                             ("float16", "bfloat16")))),
    OpSpec("lu_unpack", lambda fw, a, *args: fw.lu_unpack(*fw.linalg.lu_factor(a), *args),
           MATRICES[:4] + (Sample("data_only", (T(3, 4), Arg(value=True), Arg(value=False))),),
           ("float32", "float64")),
    # torch's own backward of the empty L and U fails (lu_unpack_backward calls triu on them): forward only
    OpSpec("lu_unpack", lambda fw, a, *args: fw.lu_unpack(*fw.linalg.lu_factor(a), *args),
           (Sample("pivots_only", (T(4, 3), Arg(value=False), Arg(value=True))),), ("float32", "float64"),
           variant="pivots_only", grad=False),
    OpSpec("linalg.lu_solve", _solve,
           (Sample("3x3_3x2", (T(3, 3), T(3, 2))),
            Sample("adjoint", (T(3, 3), T(3, 2)), {"adjoint": True}),
            Sample("right", (T(3, 3), T(2, 3)), {"left": False}),
            Sample("right_adjoint", (T(3, 3), T(2, 3)), {"left": False, "adjoint": True}),
            Sample("batched", (T(2, 3, 3), T(2, 3, 1))),
            Sample("broadcast_b", (T(2, 3, 3), T(3, 2))),
            Sample("broadcast_lu", (T(3, 3), T(2, 3, 2))),
            Sample("transposed_b", (T(3, 3), T(3, 2, layout="transposed"))),
            Sample("empty_b", (T(3, 3), T(3, 0))),
            Sample("0x0", (T(0, 0), T(0, 2)))), ("float32", "float64"), errors=SOLVE_ERRORS),
    OpSpec("lu", lambda fw, a, **kw: fw.lu(a, **kw),
           (Sample("square", (T(3, 3),)), Sample("get_infos", (T(2, 3, 3),), {"get_infos": True}),
            Sample("wide", (T(3, 4),))), ("float32", "float64")),
    OpSpec("lu", lambda fw, a: fw.lu(_singular(fw, a, 2), get_infos=True).info, (Sample("3x3", (T(3, 3),)),),
           ("float32", "float64"), variant="singular", grad=False),
    OpSpec("Tensor.lu", lambda fw, a: a.lu(), (Sample("square", (T(3, 3),)),), ("float32", "float64")),
    OpSpec("lu_solve", lambda fw, b, a: fw.lu_solve(b, *fw.linalg.lu_factor(a)),
           (Sample("3x2_3x3", (T(3, 2), T(3, 3))), Sample("batched", (T(2, 3, 1), T(2, 3, 3)))),
           ("float32", "float64")),
    OpSpec("Tensor.lu_solve", lambda fw, b, a: b.lu_solve(*fw.linalg.lu_factor(a)),
           (Sample("3x2_3x3", (T(3, 2), T(3, 3))),), ("float32", "float64")),
]


# ldl_factor / ldl_factor_ex / ldl_solve: symmetric indefinite matrices a + a^T (Bunch-Kaufman takes 1 x 1 and 2 x 2
# pivots on them); no derivative in torch, so forward rows and the backward's error
def _symmetric(fw, a):
    return a + a.mT


SYMMETRIC = (Sample("4x4", (T(4, 4),)), Sample("batched", (T(2, 3, 3),)), Sample("1x1", (T(1, 1),)),
             Sample("transposed", (T(5, 5, layout="transposed"),)),
             Sample("hermitian", (T(3, 3),), {"hermitian": True}))
LDL_ERRORS = (
    ErrorCase("not_square", lambda fw, a: fw.linalg.ldl_factor(a), Sample("3x4", (T(3, 4),)), RuntimeError),
    ErrorCase("singular", lambda fw, a: fw.linalg.ldl_factor(a * 0), Sample("3x3", (T(3, 3),)), RuntimeError),
    ErrorCase("backward", lambda fw, a: fw.linalg.ldl_factor(_symmetric(fw, a.detach().requires_grad_()))[0].sum()
              .backward(), Sample("3x3", (T(3, 3),)), RuntimeError),
    ErrorCase("half", lambda fw, a: fw.linalg.ldl_factor(a), Sample("3x3", (T(3, 3),)), NotImplementedError,
              ("float16",)))
SPECS += [
    OpSpec("linalg.ldl_factor", lambda fw, a, **kw: tuple(fw.linalg.ldl_factor(_symmetric(fw, a), **kw)),
           SYMMETRIC + (Sample("0x0", (T(0, 0),)),), ("float32", "float64"), grad=False, errors=LDL_ERRORS),
    OpSpec("linalg.ldl_factor_ex", lambda fw, a, **kw: tuple(fw.linalg.ldl_factor_ex(_symmetric(fw, a), **kw)),
           SYMMETRIC, ("float32", "float64"), grad=False),
    OpSpec("linalg.ldl_factor_ex", lambda fw, a: fw.linalg.ldl_factor_ex(a * 0).info,
           (Sample("zero_3x3", (T(3, 3),)), Sample("zero_batch", (T(2, 2, 2),))), ("float32", "float64"),
           variant="singular", grad=False),
    OpSpec("linalg.ldl_solve", lambda fw, a, b: fw.linalg.ldl_solve(*fw.linalg.ldl_factor(_symmetric(fw, a)), b),
           (Sample("4x4_4x2", (T(4, 4), T(4, 2))), Sample("batched", (T(2, 3, 3), T(2, 3, 1))),
            Sample("broadcast_b", (T(2, 3, 3), T(3, 2)))), ("float32", "float64"), grad=False,
           errors=(ErrorCase("incompatible", lambda fw, a, b: fw.linalg.ldl_solve(*fw.linalg.ldl_factor(a + a.mT), b),
                             Sample("3x3_4x2", (T(3, 3), T(4, 2))), RuntimeError),
                   ErrorCase("backward", lambda fw, a, b: fw.linalg.ldl_solve(
                       *fw.linalg.ldl_factor(a + a.mT), b.detach().requires_grad_()).sum().backward(),
                             Sample("3x3_3x2", (T(3, 3), T(3, 2))), RuntimeError))),
]
