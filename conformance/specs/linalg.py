"""Matrix products: matmul, mm, bmm, mv, dot, vdot, outer/ger, addmm, baddbmm, addmv (beta, alpha, a broadcast
input, beta=0 ignoring NaN in input, the in-place forms); einsum has its own file (specs/einsum.py). torch refuses
bool (except where nothing is multiplied) and mixed dtypes in the products; outer promotes instead. Then the
factorizations: linalg.cholesky, linalg.cholesky_ex (info on matrices that are not positive-definite), the
deprecated torch.cholesky and linalg.solve_triangular (left/right, unitriangular, broadcast batches)."""
import numpy as np

from conformance.frameworks import DTYPES, FLOATING
from conformance.inputs import Arg, Sample, T
from conformance.spec import HALF_PRECISION_BACKWARD, ErrorCase, OpSpec


def _mixed(*shapes):
    """float32 and float64 operands: the products refuse them (RuntimeError), as torch's kernels do."""
    return Sample("float32_and_float64", tuple(T(*shape, dtype=dtype) for shape, dtype in
                                               zip(shapes, ("float32", "float64", "float32"))))


# ---------------------------------------------------------------- matmul
SAMPLES = (Sample("vector_vector", (T(3), T(3))),
           Sample("matrix_vector", (T(2, 3), T(3))),
           Sample("vector_matrix", (T(3), T(3, 4))),
           Sample("matrix_matrix", (T(2, 3), T(3, 4))),
           Sample("batched_matrix", (T(2, 2, 3), T(3, 4))),
           Sample("broadcast_batches", (T(2, 1, 2, 3), T(3, 3, 2))),
           Sample("transposed_lhs", (T(2, 3, layout="transposed"), T(3, 4))),
           Sample("strided_rhs", (T(2, 3), T(3, 4, layout="strided"))),
           Sample("empty_inner", (T(2, 0), T(0, 3))),
           Sample("empty_rows", (T(0, 3), T(3, 4))),
           Sample("vector_batched", (T(3), T(2, 3, 4))),
           Sample("batched_vector", (T(2, 2, 3), T(3))),
           Sample("expanded_batches", (T(2, 2, 3, layout="expanded"), T(2, 3, 4, layout="offset"))))
ERRORS = (ErrorCase("inner_mismatch", lambda fw, a, b: fw.matmul(a, b),
                    Sample("2x3_and_4x2", (T(2, 3), T(4, 2))), RuntimeError),
          ErrorCase("zero_dim", lambda fw, a, b: fw.matmul(a, b),
                    Sample("0d_and_matrix", (T(), T(3, 4))), RuntimeError),
          ErrorCase("mixed_dtypes", lambda fw, a, b: fw.matmul(a, b), _mixed((2, 3), (3, 4)), RuntimeError),
          ErrorCase("mixed_dtypes_vectors", lambda fw, a, b: fw.matmul(a, b), _mixed((3,), (3,)), RuntimeError))

# ---------------------------------------------------------------- mm, bmm, mv, dot, vdot, outer
MM_SAMPLES = (Sample("matrices", (T(2, 3), T(3, 4))),
              Sample("transposed_lhs", (T(2, 3, layout="transposed"), T(3, 4))),
              Sample("strided_rhs", (T(2, 3), T(3, 4, layout="strided"))),
              Sample("expanded_offset", (T(3, 3, layout="expanded"), T(3, 2, layout="offset"))),
              Sample("column_times_row", (T(3, 1), T(1, 4))),
              Sample("empty_inner", (T(2, 0), T(0, 3))),
              Sample("empty_rows", (T(0, 3), T(3, 4))))
MM_ERRORS = (ErrorCase("not_a_matrix", lambda fw, a, b: fw.mm(a, b), Sample("vector_and_matrix", (T(3), T(3, 4))),
                       RuntimeError),
             ErrorCase("inner_mismatch", lambda fw, a, b: fw.mm(a, b), Sample("2x3_and_4x4", (T(2, 3), T(4, 4))),
                       RuntimeError),
             ErrorCase("mixed_dtypes", lambda fw, a, b: fw.mm(a, b), _mixed((2, 3), (3, 4)), RuntimeError),
             ErrorCase("input_is_list", lambda fw, b: fw.mm([[1.0]], b), Sample("list", (T(1, 1),)), TypeError))

BMM_SAMPLES = (Sample("batches", (T(2, 2, 3), T(2, 3, 4))),
               Sample("transposed_lhs", (T(2, 2, 3, layout="transposed"), T(2, 3, 4))),
               Sample("strided_rhs", (T(2, 3, 2), T(2, 2, 3, layout="strided"))),
               Sample("expanded_offset", (T(3, 2, 3, layout="expanded"), T(3, 3, 2, layout="offset"))),
               Sample("empty_batch", (T(0, 2, 3), T(0, 3, 4))),
               Sample("empty_inner", (T(2, 2, 0), T(2, 0, 3))))
BMM_ERRORS = (ErrorCase("not_3d", lambda fw, a, b: fw.bmm(a, b), Sample("matrices", (T(2, 3), T(3, 4))), RuntimeError),
              ErrorCase("batch_mismatch", lambda fw, a, b: fw.bmm(a, b),
                        Sample("2_and_3_batches", (T(2, 2, 3), T(3, 3, 4))), RuntimeError),
              ErrorCase("inner_mismatch", lambda fw, a, b: fw.bmm(a, b),
                        Sample("3_and_4", (T(2, 2, 3), T(2, 4, 4))), RuntimeError),
              ErrorCase("mixed_dtypes", lambda fw, a, b: fw.bmm(a, b), _mixed((2, 2, 3), (2, 3, 4)), RuntimeError))

MV_SAMPLES = (Sample("matrix_vector", (T(2, 3), T(3))),
              Sample("transposed_matrix", (T(3, 4, layout="transposed"), T(4))),
              Sample("strided_vector", (T(2, 3), T(3, layout="strided"))),
              Sample("offset_vector", (T(4, 3, layout="expanded"), T(3, layout="offset"))),
              Sample("empty_inner", (T(2, 0), T(0))),
              Sample("empty_rows", (T(0, 3), T(3))))
MV_ERRORS = (ErrorCase("vector_not_1d", lambda fw, a, b: fw.mv(a, b), Sample("2d_vector", (T(2, 3), T(3, 1))),
                       RuntimeError),
             ErrorCase("size_mismatch", lambda fw, a, b: fw.mv(a, b), Sample("3_and_4", (T(2, 3), T(4))),
                       RuntimeError),
             ErrorCase("mixed_dtypes", lambda fw, a, b: fw.mv(a, b), _mixed((2, 3), (3,)), RuntimeError))

VECTOR_SAMPLES = (Sample("vectors", (T(5), T(5))),
                  Sample("strided_offset", (T(4, layout="strided"), T(4, layout="offset"))),
                  Sample("expanded", (T(3, layout="expanded"), T(3))),
                  Sample("empty", (T(0), T(0))))
DOT_ERRORS = (ErrorCase("not_1d", lambda fw, a, b: fw.dot(a, b), Sample("matrices", (T(3, 1), T(3, 1))), RuntimeError),
              ErrorCase("zero_dim", lambda fw, a, b: fw.dot(a, b), Sample("0d", (T(), T())), RuntimeError),
              ErrorCase("size_mismatch", lambda fw, a, b: fw.dot(a, b), Sample("3_and_4", (T(3), T(4))), RuntimeError),
              # dot refuses mixed dtypes, integer ones included (no promotion)
              ErrorCase("mixed_dtypes", lambda fw, a, b: fw.dot(a, b), _mixed((3,), (3,)), RuntimeError),
              ErrorCase("float_and_int64", lambda fw, a, b: fw.dot(a, b),
                        Sample("float32_and_int64", (T(3), T(3, dtype="int64"))), RuntimeError))

OUTER_SAMPLES = (Sample("vectors", (T(3), T(4))),
                 Sample("strided_offset", (T(3, layout="strided"), T(2, layout="offset"))),
                 Sample("empty", (T(0), T(3))),
                 # outer is a broadcast product: unlike dot it promotes mixed dtypes
                 Sample("with_float64", (T(3), T(2, dtype="float64"))),
                 Sample("with_int64", (T(3), T(2, dtype="int64"))))
OUTER_ERRORS = (ErrorCase("not_1d", lambda fw, a, b: fw.outer(a, b), Sample("matrix", (T(3, 1), T(2))), RuntimeError),
                ErrorCase("zero_dim", lambda fw, a, b: fw.outer(a, b), Sample("0d", (T(), T(2))), RuntimeError))

# ---------------------------------------------------------------- addmm, baddbmm, addmv
SCALED = {"beta": 0.5, "alpha": 2}  # integer dtypes: torch converts the scalars to integers (0.5 becomes 0)
ADDMM_SAMPLES = (Sample("full_input", (T(2, 4), T(2, 3), T(3, 4))),
                 Sample("full_input_scaled", (T(2, 4), T(2, 3), T(3, 4)), SCALED),
                 Sample("row_input", (T(4), T(2, 3), T(3, 4))),
                 Sample("column_input_scaled", (T(2, 1), T(2, 3), T(3, 4)), {"beta": -1, "alpha": 3}),
                 Sample("0d_input", (T(), T(2, 3), T(3, 4))),
                 Sample("transposed_strided", (T(2, 4, layout="offset"), T(2, 3, layout="transposed"),
                                               T(3, 4, layout="strided"))),
                 Sample("empty_inner", (T(2, 3), T(2, 0), T(0, 3))),
                 Sample("empty_rows", (T(0, 4), T(0, 3), T(3, 4))))
ADDMM_INPLACE = tuple(s for s in ADDMM_SAMPLES if s.name.startswith(("full", "transposed", "empty")))
ADDMM_ERRORS = (ErrorCase("inner_mismatch", lambda fw, c, a, b: fw.addmm(c, a, b),
                          Sample("2x3_and_4x4", (T(2, 4), T(2, 3), T(4, 4))), RuntimeError),
                ErrorCase("input_does_not_broadcast", lambda fw, c, a, b: fw.addmm(c, a, b),
                          Sample("input_3", (T(3), T(2, 3), T(3, 4))), RuntimeError),
                ErrorCase("input_has_more_dims", lambda fw, c, a, b: fw.addmm(c, a, b),
                          Sample("input_1x2x4", (T(1, 2, 4), T(2, 3), T(3, 4))), RuntimeError),
                ErrorCase("not_a_matrix", lambda fw, c, a, b: fw.addmm(c, a, b),
                          Sample("vector_mat1", (T(2, 4), T(3), T(3, 4))), RuntimeError),
                ErrorCase("mixed_dtypes", lambda fw, c, a, b: fw.addmm(c, a, b),
                          Sample("float64_input", (T(2, 4, dtype="float64"), T(2, 3), T(3, 4))), RuntimeError),
                ErrorCase("inplace_broadcast_self", lambda fw, c, a, b: c.addmm_(a, b),
                          Sample("row_self", (T(4), T(2, 3), T(3, 4))), RuntimeError))

BADDBMM_SAMPLES = (Sample("full_input", (T(2, 2, 4), T(2, 2, 3), T(2, 3, 4))),
                   Sample("full_input_scaled", (T(2, 2, 4), T(2, 2, 3), T(2, 3, 4)), SCALED),
                   Sample("row_input", (T(4), T(2, 2, 3), T(2, 3, 4))),
                   Sample("batch_broadcast_input_scaled", (T(2, 1, 4), T(2, 2, 3), T(2, 3, 4)),
                          {"beta": 2, "alpha": -1}),
                   Sample("0d_input", (T(), T(2, 2, 3), T(2, 3, 4))),
                   Sample("transposed_strided", (T(2, 2, 4, layout="offset"), T(2, 2, 3, layout="transposed"),
                                                 T(2, 3, 4, layout="strided"))),
                   Sample("empty_inner", (T(2, 2, 3), T(2, 2, 0), T(2, 0, 3))),
                   Sample("empty_batch", (T(0, 2, 3), T(0, 2, 2), T(0, 2, 3))))
BADDBMM_INPLACE = tuple(s for s in BADDBMM_SAMPLES if s.name.startswith(("full", "transposed", "empty")))
BADDBMM_ERRORS = (ErrorCase("batch_mismatch", lambda fw, c, a, b: fw.baddbmm(c, a, b),
                            Sample("2_and_3_batches", (T(2, 2, 4), T(2, 2, 3), T(3, 3, 4))), RuntimeError),
                  ErrorCase("input_does_not_broadcast", lambda fw, c, a, b: fw.baddbmm(c, a, b),
                            Sample("input_3", (T(3), T(2, 2, 3), T(2, 3, 4))), RuntimeError),
                  ErrorCase("mixed_dtypes", lambda fw, c, a, b: fw.baddbmm(c, a, b),
                            Sample("float64_input", (T(2, 2, 4, dtype="float64"), T(2, 2, 3), T(2, 3, 4))),
                            RuntimeError),
                  ErrorCase("inplace_broadcast_self", lambda fw, c, a, b: c.baddbmm_(a, b),
                            Sample("batch_broadcast_self", (T(2, 1, 4), T(2, 2, 3), T(2, 3, 4))), RuntimeError))

ADDMV_SAMPLES = (Sample("full_input", (T(2), T(2, 3), T(3))),
                 Sample("full_input_scaled", (T(2), T(2, 3), T(3)), SCALED),
                 Sample("size_1_input", (T(1), T(2, 3), T(3)), {"beta": 3, "alpha": -2}),
                 Sample("0d_input", (T(), T(2, 3), T(3))),
                 Sample("transposed_strided", (T(3, layout="offset"), T(3, 4, layout="transposed"),
                                               T(4, layout="strided"))),
                 Sample("empty_inner", (T(2), T(2, 0), T(0))))
ADDMV_INPLACE = tuple(s for s in ADDMV_SAMPLES if s.name.startswith(("full", "transposed", "empty")))
ADDMV_ERRORS = (ErrorCase("size_mismatch", lambda fw, c, a, b: fw.addmv(c, a, b),
                          Sample("input_3", (T(3), T(2, 3), T(3))), RuntimeError),
                ErrorCase("mixed_dtypes", lambda fw, c, a, b: fw.addmv(c, a, b),
                          Sample("float64_input", (T(2, dtype="float64"), T(2, 3), T(3))), RuntimeError))


def _nan_input(name):
    """beta=0: torch never reads input, so its NaN does not reach the result (input's gradient is zeros)."""
    return lambda fw, c, a, b, **kw: getattr(fw, name)(c + float("nan"), a, b, **{**kw, "beta": 0})


def fused(name, samples, inplace_samples, errors, argument_names):
    """The function with its in-place method, the method, keyword arguments named as torch's, beta=0."""
    first, second = argument_names
    method = f"Tensor.{name}"
    return [
        OpSpec(name, lambda fw, c, a, b, **kw: getattr(fw, name)(c, a, b, **kw), samples, DTYPES,
               inplace=lambda fw, c, a, b, **kw: getattr(c, name + "_")(a, b, **kw), inplace_name=method + "_",
               inplace_samples=inplace_samples, errors=errors),
        OpSpec(method, lambda fw, c, a, b, **kw: getattr(c, name)(a, b, **kw), samples[:3], DTYPES),
        OpSpec(name, lambda fw, c, a, b: getattr(fw, name)(input=c, **{first: a, second: b}, beta=2, alpha=0.5),
               samples[:1], ("float32", "float64"), variant="keywords"),
        OpSpec(name, _nan_input(name), samples[:2], FLOATING, variant="beta0_nan_input"),
    ]


SPECS = [
    OpSpec("matmul", lambda fw, a, b: fw.matmul(a, b), SAMPLES, DTYPES, errors=ERRORS),
    OpSpec("Tensor.matmul", lambda fw, a, b: a.matmul(b), SAMPLES[2:4], DTYPES),
    OpSpec("Tensor.__matmul__", lambda fw, a, b: a @ b, SAMPLES[:5], DTYPES),
    # one tensor as both operands (a Gram matrix): its gradient is the sum of the two uses' gradients
    OpSpec("matmul", lambda fw, a: fw.matmul(a, a.mT), (Sample("matrix", (T(3, 4),)), Sample("batched", (T(2, 3, 4),)),
                                                       Sample("transposed", (T(3, 4, layout="transposed"),))),
           DTYPES, variant="same_tensor_twice"),
    OpSpec("Tensor.__matmul__", lambda fw, a: a @ a, (Sample("square", (T(3, 3),)),
                                                      Sample("square_transposed", (T(3, 3, layout="transposed"),))),
           DTYPES, variant="same_tensor_twice"),

    OpSpec("mm", lambda fw, a, b: fw.mm(a, b), MM_SAMPLES, DTYPES, errors=MM_ERRORS),
    OpSpec("Tensor.mm", lambda fw, a, b: a.mm(b), MM_SAMPLES[:2], DTYPES),
    OpSpec("bmm", lambda fw, a, b: fw.bmm(a, b), BMM_SAMPLES, DTYPES, errors=BMM_ERRORS),
    OpSpec("Tensor.bmm", lambda fw, a, b: a.bmm(b), BMM_SAMPLES[:2], DTYPES),
    OpSpec("mv", lambda fw, a, b: fw.mv(a, b), MV_SAMPLES, DTYPES, errors=MV_ERRORS),
    OpSpec("Tensor.mv", lambda fw, a, b: a.mv(b), MV_SAMPLES[:2], DTYPES),
    OpSpec("dot", lambda fw, a, b: fw.dot(a, b), VECTOR_SAMPLES, DTYPES, errors=DOT_ERRORS),
    OpSpec("Tensor.dot", lambda fw, a, b: a.dot(b), VECTOR_SAMPLES[:2], DTYPES),
    OpSpec("vdot", lambda fw, a, b: fw.vdot(a, b), VECTOR_SAMPLES, DTYPES),
    OpSpec("Tensor.vdot", lambda fw, a, b: a.vdot(b), VECTOR_SAMPLES[:1], DTYPES),
    OpSpec("outer", lambda fw, a, b: fw.outer(a, b), OUTER_SAMPLES, DTYPES, errors=OUTER_ERRORS),
    OpSpec("Tensor.outer", lambda fw, a, b: a.outer(b), OUTER_SAMPLES[:2], DTYPES),
    OpSpec("ger", lambda fw, a, b: fw.ger(a, b), OUTER_SAMPLES[:2], DTYPES),
    OpSpec("Tensor.ger", lambda fw, a, b: a.ger(b), OUTER_SAMPLES[:1], DTYPES),

    *fused("addmm", ADDMM_SAMPLES, ADDMM_INPLACE, ADDMM_ERRORS, ("mat1", "mat2")),
    *fused("baddbmm", BADDBMM_SAMPLES, BADDBMM_INPLACE, BADDBMM_ERRORS, ("batch1", "batch2")),
    *fused("addmv", ADDMV_SAMPLES, ADDMV_INPLACE, ADDMV_ERRORS, ("mat", "vec")),
]

# ---------------------------------------------------------------- cholesky, cholesky_ex, solve_triangular
# Inputs are made positive-definite inside the case, A A^T + n I, in float64 then cast to the case dtype (so both
# frameworks factor the same matrix, and integer, bool and half cases reach the factorization to be refused).
# torch reads only one triangle: the "one_triangle" variant puts garbage in the other; its gradient is torch's
# formula (symmetric), not the derivative of the function, so it is compared with torch, not finite differences.
def _spd(fw, a):
    n = a.shape[-1]
    wide = a.double()
    return (wide @ wide.mT + n * fw.eye(n, dtype=fw.float64)).to(a.dtype)


def _not_positive_definite(fw, a, order):
    """A A^T + n I with the (order, order) entry set to -1: its leading minor of that order is not
    positive-definite (the first `order - 1` are)."""
    mask = np.ones(a.shape[-2:])
    mask[order - 1, order - 1] = 0
    spd = _spd(fw, a.double())
    return (spd * fw.tensor(mask) - fw.tensor(1 - mask)).to(a.dtype)


CHOLESKY_SAMPLES = (Sample("3x3", (T(3, 3),)),
                    Sample("1x1", (T(1, 1),)),
                    Sample("upper", (T(3, 3),), {"upper": True}),
                    Sample("batched", (T(2, 4, 4),)),
                    Sample("batched_upper", (T(2, 3, 3),), {"upper": True}),
                    Sample("two_batch_dims", (T(2, 1, 3, 3),)),
                    Sample("transposed", (T(3, 3, layout="transposed"),)),
                    Sample("expanded_batch", (T(2, 3, 3, layout="expanded"),)),
                    Sample("0x0", (T(0, 0),)),
                    Sample("empty_batch", (T(0, 3, 3),)),
                    Sample("batch_of_0x0", (T(2, 0, 0),)))
NOT_POSITIVE_DEFINITE = (Sample("order_1", (T(3, 3), Arg(value=1))),
                         Sample("order_3", (T(3, 3), Arg(value=3))),
                         Sample("order_2_upper", (T(3, 3), Arg(value=2)), {"upper": True}),
                         Sample("batched_order_2", (T(2, 4, 4), Arg(value=2))))


def _cholesky_errors(call):
    return (ErrorCase("not_positive_definite", lambda fw, a: call(fw, _not_positive_definite(fw, a, 2)),
                      Sample("3x3", (T(3, 3),)), RuntimeError, dtypes=("float32", "float64")),
            ErrorCase("batch_not_positive_definite",
                      lambda fw, a: call(fw, fw.stack([_spd(fw, a), _not_positive_definite(fw, a, 3)])),
                      Sample("3x3", (T(3, 3),)), RuntimeError),
            ErrorCase("not_square", lambda fw, a: call(fw, a), Sample("2x3", (T(2, 3),)), RuntimeError),
            ErrorCase("vector", lambda fw, a: call(fw, a), Sample("3", (T(3),)), RuntimeError),
            ErrorCase("list_input", lambda fw: call(fw, [[1.0]]), Sample("none", ()), TypeError))


def _garbage_in_unread_triangle(fw, a, upper=False):
    """Garbage in the triangle torch does not read: the strict upper one, or the strict lower one for upper=True."""
    return _spd(fw, a) + (a.tril(-1) if upper else a.triu(1)) * 5


def _cholesky_ex_info_and_valid_factors(fw, a, order, **kw):
    """On a failed factorization torch only promises info; the factors of the batch elements that succeeded are
    compared too."""
    L, info = fw.linalg.cholesky_ex(_not_positive_definite(fw, a, order), **kw)
    return info, L[info == 0] if info.ndim else info


SPECS += [
    OpSpec("linalg.cholesky", lambda fw, a, **kw: fw.linalg.cholesky(_spd(fw, a), **kw), CHOLESKY_SAMPLES, DTYPES,
           errors=_cholesky_errors(lambda fw, x: fw.linalg.cholesky(x)) + (
               ErrorCase("upper_not_bool", lambda fw, a: fw.linalg.cholesky(_spd(fw, a), upper=1),
                         Sample("3x3", (T(3, 3),)), TypeError),)),
    OpSpec("linalg.cholesky", lambda fw, a, **kw: fw.linalg.cholesky(
               _garbage_in_unread_triangle(fw, a, kw.get("upper", False)), **kw),
           CHOLESKY_SAMPLES[:3], ("float32", "float64"), variant="one_triangle", gradcheck=False, gradgrad=False),
    OpSpec("linalg.cholesky", lambda fw, a, **kw: fw.linalg.cholesky(_spd(fw, a).mT, **kw), CHOLESKY_SAMPLES[:4],
           ("float32", "float64"), variant="transposed_input"),
    OpSpec("linalg.cholesky_ex", lambda fw, a, **kw: fw.linalg.cholesky_ex(_spd(fw, a), **kw), CHOLESKY_SAMPLES,
           DTYPES, errors=_cholesky_errors(lambda fw, x: fw.linalg.cholesky_ex(x, check_errors=True)) + (
               ErrorCase("check_errors_not_bool", lambda fw, a: fw.linalg.cholesky_ex(_spd(fw, a), check_errors=1),
                         Sample("3x3", (T(3, 3),)), TypeError),)),
    OpSpec("linalg.cholesky_ex", _cholesky_ex_info_and_valid_factors, NOT_POSITIVE_DEFINITE, ("float32", "float64"),
           variant="not_positive_definite", grad=False),
    OpSpec("cholesky", lambda fw, a, *args: fw.cholesky(_spd(fw, a), *args),
           (Sample("3x3", (T(3, 3),)), Sample("upper_positional", (T(3, 3), Arg(value=True))),
            Sample("batched", (T(2, 3, 3),)), Sample("0x0", (T(0, 0),))), DTYPES,
           errors=_cholesky_errors(lambda fw, x: fw.cholesky(x))),
]


# solve_triangular: A's triangle plus n I is well conditioned; the other triangle is never read (its gradient is zero)
def _solve(fw, a, b, transpose_a=False, **kw):
    shifted = a + a.shape[-1] * fw.eye(a.shape[-1], dtype=a.dtype)
    return fw.linalg.solve_triangular(shifted.mT if transpose_a else shifted, b, **kw)


SOLVE_SAMPLES = (Sample("lower_left", (T(3, 3), T(3, 2)), {"upper": False}),
                 Sample("upper_left", (T(3, 3), T(3, 2)), {"upper": True}),
                 Sample("lower_right", (T(3, 3), T(2, 3)), {"upper": False, "left": False}),
                 Sample("upper_right", (T(3, 3), T(2, 3)), {"upper": True, "left": False}),
                 Sample("unitriangular_lower", (T(3, 3), T(3, 2)), {"upper": False, "unitriangular": True}),
                 Sample("unitriangular_upper_right", (T(3, 3), T(2, 3)),
                        {"upper": True, "left": False, "unitriangular": True}),
                 Sample("batched", (T(2, 3, 3), T(2, 3, 2)), {"upper": False}),
                 Sample("broadcast_A", (T(3, 3), T(2, 3, 2)), {"upper": True}),
                 Sample("broadcast_both", (T(2, 1, 3, 3), T(4, 3, 1)), {"upper": False}),
                 Sample("B_transposed", (T(3, 3), T(3, 3, layout="transposed")), {"upper": False}),
                 Sample("B_strided", (T(3, 3), T(3, 4, layout="strided")), {"upper": True}),
                 Sample("B_expanded", (T(3, 3), T(3, 4, layout="expanded")), {"upper": False}),
                 Sample("B_offset", (T(3, 3), T(3, 2, layout="offset")), {"upper": True, "left": True}),
                 Sample("0x0", (T(0, 0), T(0, 2)), {"upper": False}),
                 Sample("B_no_columns", (T(3, 3), T(3, 0)), {"upper": False}),
                 Sample("empty_batch", (T(0, 3, 3), T(0, 3, 2)), {"upper": True}),
                 Sample("B_float64", (T(3, 3), T(3, 2, dtype="float64")), {"upper": False},
                        only_dtypes=("float32", "float64")),   # X takes A's dtype, whatever B's
                 Sample("B_int64", (T(3, 3), T(3, 2, dtype="int64")), {"upper": False},
                        only_dtypes=("float32", "float64")))
SOLVE_ERRORS = (
    ErrorCase("A_vector", lambda fw, a, b: fw.linalg.solve_triangular(a, b, upper=False),
              Sample("3_and_3x2", (T(3), T(3, 2))), RuntimeError),
    ErrorCase("B_vector", lambda fw, a, b: fw.linalg.solve_triangular(a, b, upper=False),
              Sample("3x3_and_3", (T(3, 3), T(3))), RuntimeError),
    ErrorCase("A_not_square", lambda fw, a, b: fw.linalg.solve_triangular(a, b, upper=False),
              Sample("3x4_and_3x2", (T(3, 4), T(3, 2))), RuntimeError),
    ErrorCase("incompatible_left", lambda fw, a, b: fw.linalg.solve_triangular(a, b, upper=False),
              Sample("3x3_and_4x2", (T(3, 3), T(4, 2))), RuntimeError),
    ErrorCase("incompatible_right", lambda fw, a, b: fw.linalg.solve_triangular(a, b, upper=False, left=False),
              Sample("3x3_and_2x4", (T(3, 3), T(2, 4))), RuntimeError),
    ErrorCase("batch_mismatch", lambda fw, a, b: fw.linalg.solve_triangular(a, b, upper=False),
              Sample("2_and_3_batches", (T(2, 3, 3), T(3, 3, 2))), RuntimeError),
    ErrorCase("integer_A", lambda fw, a, b: fw.linalg.solve_triangular(a, b, upper=False),
              Sample("int64", (T(3, 3, dtype="int64"), T(3, 2))), NotImplementedError),
    ErrorCase("float16", lambda fw, a, b: fw.linalg.solve_triangular(a, b, upper=False),
              Sample("float16", (T(3, 3, dtype="float16"), T(3, 2, dtype="float16"))), NotImplementedError),
    ErrorCase("upper_missing", lambda fw, a, b: fw.linalg.solve_triangular(a, b),
              Sample("3x3_and_3x2", (T(3, 3), T(3, 2))), TypeError),
    ErrorCase("upper_not_bool", lambda fw, a, b: fw.linalg.solve_triangular(a, b, upper=1),
              Sample("3x3_and_3x2", (T(3, 3), T(3, 2))), TypeError),
    ErrorCase("B_list", lambda fw, a: fw.linalg.solve_triangular(a, [[1.0]], upper=True),
              Sample("3x3", (T(3, 3),)), TypeError))

SPECS += [
    OpSpec("linalg.solve_triangular", _solve, SOLVE_SAMPLES, DTYPES, errors=SOLVE_ERRORS),
    OpSpec("linalg.solve_triangular", lambda fw, a, b, **kw: _solve(fw, a, b, transpose_a=True, **kw),
           SOLVE_SAMPLES[:4], ("float32", "float64"), variant="A_transposed"),
    # a zero on the diagonal: no error, inf and NaN as trsm computes them (no gradients: they are NaN)
    OpSpec("linalg.solve_triangular", lambda fw, a, b, **kw: fw.linalg.solve_triangular(a.tril(-1), b, **kw),
           (Sample("singular_lower", (T(3, 3), T(3, 2)), {"upper": False}),), ("float32", "float64"),
           variant="singular", grad=False),
]

# ---------------------------------------------------------------- addr, addbmm, inner, tensordot
SPECS += [
    OpSpec("addr", lambda fw, c, a, b, **kw: fw.addr(c, a, b, **kw),
           (Sample("vectors", (T(2, 3), T(2), T(3))),
            Sample("beta_alpha", (T(2, 3), T(2), T(3)), {"beta": 0.5, "alpha": -2.0}),
            Sample("broadcast_input", (T(3), T(2), T(3))),
            Sample("beta_0", (T(2, 3), T(2), T(3)), {"beta": 0}),
            Sample("non_contiguous", (T(2, 3, layout="transposed"), T(2, layout="strided"), T(3)))),
           # torch's backward is grad.mv(vec2) * alpha and grad.t().mv(vec1) * alpha in the half type
           FLOATING, tolerances=(HALF_PRECISION_BACKWARD,),
           inplace=lambda fw, c, a, b, **kw: c.addr_(a, b, **kw), inplace_name="Tensor.addr_",
           inplace_samples=(Sample("vectors", (T(2, 3), T(2), T(3))),),
           errors=(ErrorCase("matrix_vec1", lambda fw, c, a, b: fw.addr(c, a, b),
                             Sample("2x3", (T(2, 3), T(2, 2), T(3))), RuntimeError),
                   ErrorCase("float_beta_integer", lambda fw, c, a, b: fw.addr(c, a, b, beta=0.5),
                             Sample("2x3", (T(2, 3), T(2), T(3))), RuntimeError, ("int64",)),
                   ErrorCase("bool_beta_float", lambda fw, c, a, b: fw.addr(c, a, b, beta=True),
                             Sample("2x3", (T(2, 3), T(2), T(3))), RuntimeError))),
    OpSpec("addr", lambda fw, c, a, b: fw.addr(c, a, b, beta=2, alpha=3), (Sample("vectors", (T(2, 3), T(2), T(3))),),
           ("bool", "uint8", "int64"), variant="integer_scalars"),
    OpSpec("addbmm", lambda fw, c, a, b, **kw: fw.addbmm(c, a, b, **kw),
           (Sample("batches", (T(2, 4), T(3, 2, 5), T(3, 5, 4))),
            Sample("beta_alpha", (T(2, 4), T(3, 2, 5), T(3, 5, 4)), {"beta": 0.5, "alpha": 2.0}),
            Sample("broadcast_input", (T(4), T(2, 2, 3), T(2, 3, 4))),
            Sample("empty_batch", (T(2, 4), T(0, 2, 3), T(0, 3, 4))),
            Sample("non_contiguous", (T(2, 4, layout="transposed"), T(2, 2, 3, layout="strided"), T(2, 3, 4)))),
           ("float32", "float64"),
           errors=(ErrorCase("batch_mismatch", lambda fw, c, a, b: fw.addbmm(c, a, b),
                             Sample("2_and_3", (T(2, 4), T(2, 2, 5), T(3, 5, 4))), RuntimeError),
                   ErrorCase("inner_mismatch", lambda fw, c, a, b: fw.addbmm(c, a, b),
                             Sample("5_and_3", (T(2, 4), T(2, 2, 5), T(2, 3, 4))), RuntimeError),
                   ErrorCase("not_3d", lambda fw, c, a, b: fw.addbmm(c, a, b),
                             Sample("2d", (T(2, 4), T(2, 5), T(5, 4))), IndexError))),
    OpSpec("inner", lambda fw, a, b: fw.inner(a, b),
           (Sample("vectors", (T(4), T(4))), Sample("matrices", (T(2, 4), T(3, 4))),
            Sample("scalar", (T(), T(2, 3))), Sample("batched", (T(2, 3, 4), T(4)))), FLOATING + ("int64",),
           errors=(ErrorCase("last_dim", lambda fw, a, b: fw.inner(a, b), Sample("2x3_and_2x4", (T(2, 3), T(2, 4))),
                             RuntimeError),)),
    OpSpec("tensordot", lambda fw, a, b, **kw: fw.tensordot(a, b, **kw),
           (Sample("dims_2", (T(2, 3, 4), T(3, 4, 5))), Sample("dims_0", (T(2, 3), T(4)), {"dims": 0}),
            Sample("dims_lists", (T(2, 3, 4), T(4, 2, 5)), {"dims": ([0, 2], [1, 0])}),
            Sample("size_1_broadcast", (T(1, 2, 3), T(3, 2, 4)), {"dims": ([0, 1], [2, 1])}),
            Sample("non_contiguous", (T(3, 4, layout="transposed"), T(4, 2, layout="strided")), {"dims": 1})),
           FLOATING + ("int64",),
           errors=(ErrorCase("mismatch", lambda fw, a, b: fw.tensordot(a, b, dims=1),
                             Sample("2x3_and_4x2", (T(2, 3), T(4, 2))), RuntimeError),
                   ErrorCase("negative", lambda fw, a, b: fw.tensordot(a, b, dims=-1),
                             Sample("2x3_and_3x2", (T(2, 3), T(3, 2))), RuntimeError),
                   ErrorCase("lengths", lambda fw, a, b: fw.tensordot(a, b, dims=([1], [0, 1])),
                             Sample("2x3_and_3x2", (T(2, 3), T(3, 2))), RuntimeError),
                   ErrorCase("mixed_dtypes", lambda fw, a, b: fw.tensordot(a, b, dims=1),
                             _mixed((2, 3), (3, 2)), RuntimeError))),
]

# ---------------------------------------------------------------- cholesky_solve, cholesky_inverse, triangular_solve
# the factor is the Cholesky factor of A A^T + n I (its gradient is torch's formula for a full factor matrix)
SPECS += [
    OpSpec("cholesky_solve", lambda fw, b, a, **kw: fw.cholesky_solve(
               b, fw.linalg.cholesky(_spd(fw, a), upper=kw.get("upper", False)), **kw),
           (Sample("matrix_rhs", (T(3, 2), T(3, 3))), Sample("upper", (T(3, 2), T(3, 3)), {"upper": True}),
            Sample("batched_broadcast", (T(2, 3, 2), T(3, 3))), Sample("empty_rhs", (T(3, 0), T(3, 3)))),
           ("float32", "float64"),
           errors=(ErrorCase("sizes", lambda fw, b, a: fw.cholesky_solve(b, a), Sample("3x2_and_4x4", (T(3, 2), T(4, 4))),
                             RuntimeError),
                   ErrorCase("mixed_dtypes", lambda fw, b, a: fw.cholesky_solve(b, a), _mixed((3, 2), (3, 3)),
                             RuntimeError),
                   ErrorCase("half", lambda fw, b, a: fw.cholesky_solve(b, a), Sample("3x2", (T(3, 2), T(3, 3))),
                             NotImplementedError, ("float16",)))),
    OpSpec("cholesky_inverse", lambda fw, a, *args: fw.cholesky_inverse(fw.linalg.cholesky(_spd(fw, a), upper=bool(args)),
                                                                         *args),
           (Sample("3x3", (T(3, 3),)), Sample("upper", (T(3, 3), Arg(value=True))), Sample("batched", (T(2, 3, 3),))),
           ("float32", "float64"),
           errors=(ErrorCase("not_square", lambda fw, a: fw.cholesky_inverse(a), Sample("3x4", (T(3, 4),)),
                             RuntimeError),
                   ErrorCase("half", lambda fw, a: fw.cholesky_inverse(a), Sample("3x3", (T(3, 3),)),
                             NotImplementedError, ("float16",)))),
    OpSpec("triangular_solve", lambda fw, b, a, **kw: fw.triangular_solve(
               b, a + a.shape[-1] * fw.eye(a.shape[-1], dtype=a.dtype), **kw),
           (Sample("upper", (T(3, 2), T(3, 3))), Sample("lower", (T(3, 2), T(3, 3)), {"upper": False}),
            Sample("transpose", (T(3, 2), T(3, 3)), {"transpose": True}),
            Sample("unitriangular_batched", (T(2, 3, 2), T(3, 3)), {"unitriangular": True})),
           ("float32", "float64"),
           errors=(ErrorCase("sizes", lambda fw, b, a: fw.triangular_solve(b, a), Sample("3x2_and_4x4", (T(3, 2), T(4, 4))),
                             RuntimeError),)),
]
