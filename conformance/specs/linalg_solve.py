"""Determinants, inverses and solves (mtv2/ops/linalg_solve.py): linalg.det (torch.det), linalg.slogdet
(torch.slogdet), torch.logdet, linalg.inv / inv_ex (torch.inverse), linalg.solve / solve_ex (left=, vector and
broadcast right-hand sides), and the functions built on them and on the products: matrix_power, multi_dot, cross
(linalg.cross and torch.cross), vecdot, linalg.diagonal, vander, linalg.norm, cond, matrix_rank, pinv
(torch.pinverse), tensorinv, tensorsolve.

Matrices are made well conditioned inside the case, A + n I, in float64 then cast to the case dtype (so both
frameworks factor the same matrix, and integer and half cases reach the factorization to be refused). Singular
matrices (a zero row) give LinAlgError (a RuntimeError) or a nonzero info."""
import math

from conformance.frameworks import DTYPES
from conformance.inputs import Arg, Sample, T
from conformance.spec import HALF_PRECISION_BACKWARD, ErrorCase, OpSpec, XFail

FLOAT = ("float32", "float64")
# the double backward of the half-type composites (matmul chains, norms): each gradient is a sum of products that
# torch rounds to the half type one by one; mtv2 sums them otherwise (1-5 half ulps on a few elements)
def _half_gradgrad(dtype, *samples):
    return XFail("half-precision double backward: torch rounds each product of the gradient's sum to the half type, "
                 "mtv2 in another order; 1-5 half ulps apart", checks=("gradgrad",), dtypes=(dtype,), variants=samples)


def _conditioned(fw, a):
    n = a.shape[-1]
    return (a.double() + n * fw.eye(n, dtype=fw.float64)).to(a.dtype)


def _singular(fw, a):
    """a with its last row zero: exactly singular in every LAPACK (the row's multipliers are 0, so it stays 0 and
    the last pivot is exactly 0; a repeated row cancels to 0 or to a rounding error depending on the blocking)."""
    return fw.cat([a[..., :-1, :], a[..., -1:, :] * 0], -2)


SQUARE = (Sample("3x3", (T(3, 3),)),
          Sample("1x1", (T(1, 1),)),
          Sample("batched", (T(2, 4, 4),)),
          Sample("two_batch_dims", (T(2, 1, 3, 3),)),
          Sample("transposed", (T(3, 3, layout="transposed"),)),
          Sample("strided", (T(3, 3, layout="strided"),)),
          Sample("expanded_batch", (T(2, 3, 3, layout="expanded"),)),
          Sample("0x0", (T(0, 0),)),
          Sample("empty_batch", (T(0, 3, 3),)),
          Sample("batch_of_0x0", (T(2, 0, 0),)))
NONEMPTY = SQUARE[:7]


def _square_errors(call, half_raises=RuntimeError):
    return (ErrorCase("not_square", lambda fw, a: call(fw, a), Sample("2x3", (T(2, 3),)), RuntimeError),
            ErrorCase("vector", lambda fw, a: call(fw, a), Sample("3", (T(3),)), RuntimeError),
            ErrorCase("integer", lambda fw, a: call(fw, a), Sample("3x3", (T(3, 3),)), RuntimeError, ("int64",)),
            ErrorCase("half", lambda fw, a: call(fw, a), Sample("3x3", (T(3, 3),)), half_raises,
                      ("float16", "bfloat16")),
            ErrorCase("list_input", lambda fw: call(fw, [[1.0]]), Sample("none", ()), TypeError))


def _singular_error(call):
    return (ErrorCase("singular", lambda fw, a: call(fw, _singular(fw, a)), Sample("3x3", (T(3, 3),)), RuntimeError,
                      FLOAT),
            ErrorCase("batch_singular", lambda fw, a: call(fw, fw.stack([_conditioned(fw, a), _singular(fw, a)])),
                      Sample("3x3", (T(3, 3),)), RuntimeError, FLOAT))


def _ex_info(call):
    """On a singular matrix torch promises only info (the result holds getrs' inf and NaN)."""
    def run(fw, a):
        return call(fw, fw.stack([_conditioned(fw, a), _singular(fw, a)]))[1]
    return run


SPECS = [
    OpSpec("linalg.det", lambda fw, a: fw.linalg.det(_conditioned(fw, a)), SQUARE, DTYPES,
           errors=_square_errors(lambda fw, x: fw.linalg.det(x), NotImplementedError)),
    OpSpec("linalg.det", lambda fw, a: fw.linalg.det(a), NONEMPTY[:4], FLOAT, variant="random"),
    OpSpec("det", lambda fw, a: fw.det(_conditioned(fw, a)), SQUARE[:3], FLOAT),
    OpSpec("Tensor.det", lambda fw, a: _conditioned(fw, a).det(), SQUARE[:1], FLOAT),
    OpSpec("linalg.det", lambda fw, a: fw.linalg.det(_singular(fw, a)), SQUARE[:1], FLOAT, variant="singular",
           grad=False),
    OpSpec("linalg.slogdet", lambda fw, a: fw.linalg.slogdet(_conditioned(fw, a)), SQUARE, DTYPES,
           errors=_square_errors(lambda fw, x: fw.linalg.slogdet(x))),
    OpSpec("linalg.slogdet", lambda fw, a: fw.linalg.slogdet(a), NONEMPTY[:4], FLOAT, variant="random"),
    OpSpec("linalg.slogdet", lambda fw, a: fw.linalg.slogdet(_singular(fw, a)), SQUARE[:1], FLOAT,
           variant="singular", grad=False),
    OpSpec("slogdet", lambda fw, a: fw.slogdet(_conditioned(fw, a)), SQUARE[:3], FLOAT),
    OpSpec("logdet", lambda fw, a: fw.logdet(_conditioned(fw, a)), SQUARE, DTYPES,
           errors=_square_errors(lambda fw, x: fw.logdet(x))),
    # a negative determinant: NaN (torch's where on the sign), a singular one: -inf
    OpSpec("logdet", lambda fw, a: fw.logdet(-_conditioned(fw, a)), (Sample("3x3", (T(3, 3),)),), FLOAT,
           variant="negative_determinant", grad=False),
    OpSpec("logdet", lambda fw, a: fw.logdet(_singular(fw, a)), (Sample("3x3", (T(3, 3),)),), FLOAT,
           variant="singular", grad=False),
    OpSpec("linalg.inv", lambda fw, a: fw.linalg.inv(_conditioned(fw, a)), SQUARE, DTYPES,
           errors=_square_errors(lambda fw, x: fw.linalg.inv(x)) + _singular_error(lambda fw, x: fw.linalg.inv(x))),
    OpSpec("inverse", lambda fw, a: fw.inverse(_conditioned(fw, a)), SQUARE[:3], FLOAT),
    OpSpec("linalg.inv_ex", lambda fw, a: fw.linalg.inv_ex(_conditioned(fw, a)), SQUARE, FLOAT,
           errors=_singular_error(lambda fw, x: fw.linalg.inv_ex(x, check_errors=True))),
    OpSpec("linalg.inv_ex", _ex_info(lambda fw, x: fw.linalg.inv_ex(x)), SQUARE[:1], FLOAT, variant="singular_info",
           grad=False),
]

# ---------------------------------------------------------------- solve, solve_ex
SOLVE = (Sample("matrix_rhs", (T(3, 3), T(3, 2))),
         Sample("vector_rhs", (T(3, 3), T(3))),
         Sample("batched_vector_rhs", (T(2, 3, 3), T(2, 3))),
         Sample("broadcast_batches", (T(2, 1, 3, 3), T(4, 3, 2))),
         Sample("batched_A_matrix_rhs", (T(2, 3, 3), T(3, 4))),
         Sample("transposed_A", (T(3, 3, layout="transposed"), T(3, 2, layout="strided"))),
         Sample("right", (T(3, 3), T(2, 3)), {"left": False}),
         Sample("right_batched", (T(2, 3, 3), T(2, 4, 3)), {"left": False}),
         Sample("empty_rhs", (T(3, 3), T(3, 0))),
         Sample("0x0", (T(0, 0), T(0, 2))),
         Sample("empty_batch", (T(0, 3, 3), T(0, 3, 2))))


def _solve_errors(call, half_raises=RuntimeError):
    return (ErrorCase("incompatible", lambda fw, a, b: call(fw, _conditioned(fw, a), b),
                      Sample("3x3_and_4", (T(3, 3), T(4))), RuntimeError),
            ErrorCase("incompatible_right", lambda fw, a, b: call(fw, _conditioned(fw, a), b, left=False),
                      Sample("3x3_and_3x2", (T(3, 3), T(3, 2))), RuntimeError),
            ErrorCase("vector_right", lambda fw, a, b: call(fw, _conditioned(fw, a), b, left=False),
                      Sample("3x3_and_3", (T(3, 3), T(3))), RuntimeError),
            ErrorCase("batch_mismatch", lambda fw, a, b: call(fw, _conditioned(fw, a), b),
                      Sample("2x3x3_and_3x3x3", (T(2, 3, 3), T(3, 3, 3))), RuntimeError),
            ErrorCase("mixed_dtypes", lambda fw, a, b: call(fw, _conditioned(fw, a), b),
                      Sample("float32_and_float64", (T(3, 3), T(3, dtype="float64"))), RuntimeError),
            ErrorCase("not_square", lambda fw, a, b: call(fw, a, b), Sample("2x3", (T(2, 3), T(2))), RuntimeError),
            ErrorCase("integer", lambda fw, a, b: call(fw, a, b), Sample("3x3", (T(3, 3), T(3))), RuntimeError,
                      ("int64",)),
            ErrorCase("half", lambda fw, a, b: call(fw, _conditioned(fw, a), b), Sample("3x3", (T(3, 3), T(3))),
                      half_raises, ("float16", "bfloat16")),
            ErrorCase("singular", lambda fw, a, b: call(fw, _singular(fw, a), b), Sample("3x3", (T(3, 3), T(3))),
                      RuntimeError, FLOAT),
            ErrorCase("batch_singular", lambda fw, a, b: call(fw, fw.stack([_conditioned(fw, a), _singular(fw, a)]), b),
                      Sample("3x3", (T(3, 3), T(3, 1))), RuntimeError, FLOAT))


SPECS += [
    OpSpec("linalg.solve", lambda fw, a, b, **kw: fw.linalg.solve(_conditioned(fw, a), b, **kw), SOLVE, FLOAT,
           errors=_solve_errors(lambda fw, a, b, **kw: fw.linalg.solve(a, b, **kw))),
    OpSpec("linalg.solve_ex", lambda fw, a, b, **kw: fw.linalg.solve_ex(_conditioned(fw, a), b, **kw), SOLVE[:7],
           FLOAT, errors=_solve_errors(lambda fw, a, b, **kw: fw.linalg.solve_ex(a, b, check_errors=True, **kw),
                                       NotImplementedError)),
    OpSpec("linalg.solve_ex", lambda fw, a, b: fw.linalg.solve_ex(fw.stack([_conditioned(fw, a), _singular(fw, a)]),
                                                                   b)[1],
           (Sample("3x3", (T(3, 3), T(3))),), FLOAT, variant="singular_info", grad=False),
]

# ---------------------------------------------------------------- matrix_power, multi_dot
POWERS = tuple(Sample(f"n_{label}", (T(3, 3), Arg(value=n))) for label, n in
               (("0", 0), ("1", 1), ("2", 2), ("3", 3), ("5", 5), ("6", 6), ("minus1", -1), ("minus3", -3)))
SPECS += [
    OpSpec("linalg.matrix_power", lambda fw, a, n: fw.linalg.matrix_power(_conditioned(fw, a) / a.shape[-1], n),
           POWERS + (Sample("batched_4", (T(2, 3, 3), Arg(value=4))),
                     Sample("transposed_7", (T(3, 3, layout="transposed"), Arg(value=7))),
                     Sample("empty_batch_2", (T(0, 2, 2), Arg(value=2))),
                     Sample("batched_minus2", (T(2, 3, 3), Arg(value=-2)))), FLOAT,
           errors=(ErrorCase("not_square", lambda fw, a: fw.linalg.matrix_power(a, 2), Sample("2x3", (T(2, 3),)),
                             RuntimeError),
                   ErrorCase("vector", lambda fw, a: fw.linalg.matrix_power(a, 2), Sample("3", (T(3),)),
                             RuntimeError),
                   ErrorCase("integer_negative", lambda fw, a: fw.linalg.matrix_power(a, -1),
                             Sample("3x3", (T(3, 3),)), RuntimeError, ("int64",)),
                   ErrorCase("singular_negative", lambda fw, a: fw.linalg.matrix_power(_singular(fw, a), -1),
                             Sample("3x3", (T(3, 3),)), RuntimeError))),
    OpSpec("linalg.matrix_power", lambda fw, a, n: fw.linalg.matrix_power(a, n), POWERS[:6], ("int64", "float16"),
           variant="nonnegative", xfails=(_half_gradgrad("float16", "n_2", "n_3", "n_5", "n_6"),)),
    OpSpec("matrix_power", lambda fw, a: fw.matrix_power(a, 3), SQUARE[:3], FLOAT),
    OpSpec("Tensor.matrix_power", lambda fw, a: a.matrix_power(2), SQUARE[:1], FLOAT),
]

CHAINS = (Sample("two", (T(2, 3), T(3, 4))),
          Sample("three_left_first", (T(4, 2), T(2, 5), T(5, 3))),
          Sample("three_right_first", (T(2, 5), T(5, 4), T(4, 1))),
          Sample("four", (T(3, 4), T(4, 2), T(2, 5), T(5, 2))),
          Sample("five", (T(5, 2), T(2, 6), T(6, 3), T(3, 4), T(4, 2))),
          Sample("vector_first", (T(3), T(3, 4), T(4, 2))),
          Sample("vector_last", (T(2, 3), T(3, 4), T(4))),
          Sample("vectors_both_ends", (T(3), T(3, 4), T(4))),
          Sample("two_vectors", (T(3), T(3))),
          Sample("non_contiguous", (T(3, 2, layout="transposed"), T(2, 4, layout="strided"), T(4, 3))),
          Sample("empty_inner", (T(2, 0), T(0, 3), T(3, 2))))
SPECS += [
    OpSpec("linalg.multi_dot", lambda fw, *tensors: fw.linalg.multi_dot(list(tensors)), CHAINS,
           ("int64", "float16", "bfloat16", "float32", "float64"),
           errors=(ErrorCase("one_tensor", lambda fw, a: fw.linalg.multi_dot([a]), Sample("2x3", (T(2, 3),)),
                             RuntimeError),
                   ErrorCase("first_3d", lambda fw, a, b: fw.linalg.multi_dot([a, b]),
                             Sample("2x2x3_and_3x2", (T(2, 2, 3), T(3, 2))), RuntimeError),
                   ErrorCase("last_3d", lambda fw, a, b: fw.linalg.multi_dot([a, b]),
                             Sample("2x3_and_3x2x2", (T(2, 3), T(3, 2, 2))), RuntimeError),
                   ErrorCase("middle_1d", lambda fw, a, b, c: fw.linalg.multi_dot([a, b, c]),
                             Sample("middle_vector", (T(2, 3), T(3), T(3, 2))), RuntimeError),
                   ErrorCase("shapes", lambda fw, a, b: fw.linalg.multi_dot([a, b]),
                             Sample("3x2_and_3x2", (T(3, 2), T(3, 2))), RuntimeError),
                   ErrorCase("mixed_dtypes", lambda fw, a, b: fw.linalg.multi_dot([a, b]),
                             Sample("float32_and_float64", (T(2, 3), T(3, 2, dtype="float64"))), RuntimeError))),
]

# ---------------------------------------------------------------- cross, vecdot, diagonal, vander
CROSS = (Sample("vectors", (T(3), T(3))),
         Sample("batched", (T(4, 3), T(4, 3))),
         Sample("broadcast", (T(2, 1, 3), T(1, 4, 3))),
         Sample("dim_0", (T(3, 4), T(3, 4)), {"dim": 0}),
         Sample("non_contiguous", (T(4, 3, layout="transposed"), T(4, 3, layout="strided"))))
SPECS += [
    # torch's backward is linalg_cross(other, grad) in the half type, each product rounded; mtv2's in float32
    OpSpec("linalg.cross", lambda fw, a, b, **kw: fw.linalg.cross(a, b, **kw), CROSS, DTYPES[1:],
           tolerances=(HALF_PRECISION_BACKWARD,),
           errors=(ErrorCase("length_4", lambda fw, a, b: fw.linalg.cross(a, b), Sample("4", (T(4), T(4))),
                             RuntimeError),
                   ErrorCase("ndim_mismatch", lambda fw, a, b: fw.linalg.cross(a, b),
                             Sample("2x3_and_3", (T(2, 3), T(3))), RuntimeError),
                   ErrorCase("mixed_dtypes", lambda fw, a, b: fw.linalg.cross(a, b),
                             Sample("float32_and_float64", (T(3), T(3, dtype="float64"))), RuntimeError),
                   ErrorCase("bool", lambda fw, a, b: fw.linalg.cross(a, b), Sample("3", (T(3), T(3))),
                             NotImplementedError, ("bool",)))),
    OpSpec("cross", lambda fw, a, b, **kw: fw.cross(a, b, **kw),
           (Sample("dim_1", (T(4, 3), T(4, 3)), {"dim": 1}),
            Sample("first_size_3_dim", (T(3, 3, 2), T(3, 3, 2)))), FLOAT,
           errors=(ErrorCase("no_size_3", lambda fw, a, b: fw.cross(a, b), Sample("4x2", (T(4, 2), T(4, 2))),
                             RuntimeError),)),
    OpSpec("linalg.vecdot", lambda fw, a, b, **kw: fw.linalg.vecdot(a, b, **kw),
           (Sample("vectors", (T(5), T(5))), Sample("broadcast", (T(2, 1, 4), T(3, 4))),
            Sample("dim_0", (T(3, 4), T(3, 4)), {"dim": 0}),
            Sample("non_contiguous", (T(3, 4, layout="transposed"), T(3, 4, layout="strided")))),
           ("float16", "bfloat16", "float32", "float64"),
           errors=(ErrorCase("mixed_dtypes", lambda fw, a, b: fw.linalg.vecdot(a, b),
                             Sample("float32_and_float64", (T(3), T(3, dtype="float64"))), RuntimeError),
                   ErrorCase("integer", lambda fw, a, b: fw.linalg.vecdot(a, b), Sample("3", (T(3), T(3))),
                             RuntimeError, ("int64",)))),
    OpSpec("linalg.diagonal", lambda fw, a, **kw: fw.linalg.diagonal(a, **kw),
           (Sample("matrix", (T(3, 4),)), Sample("batched_offset", (T(2, 3, 4),), {"offset": 1}),
            Sample("dims_0_2", (T(3, 2, 3),), {"dim1": 0, "dim2": 2, "offset": -1})), DTYPES, alias=True),
    OpSpec("linalg.vander", lambda fw, x, **kw: fw.linalg.vander(x, **kw),
           (Sample("vector", (T(4),)), Sample("N_2", (T(3),), {"N": 2}), Sample("batched_N_5", (T(2, 3),), {"N": 5}),
            Sample("zero_dim", (T(),), {"N": 3})), DTYPES[1:],
           errors=(ErrorCase("N_1", lambda fw, x: fw.linalg.vander(x, N=1), Sample("3", (T(3),)), RuntimeError),
                   ErrorCase("bool", lambda fw, x: fw.linalg.vander(x), Sample("3", (T(3),)), RuntimeError,
                             ("bool",)))),
]

# ---------------------------------------------------------------- norm, cond, matrix_rank, pinv
NORMS = (Sample("vector_default", (T(5),)),
         Sample("matrix_default", (T(3, 4),)),
         Sample("3d_default", (T(2, 3, 4),)),
         Sample("vector_ord_3", (T(5),), {"ord": 3}),
         Sample("vector_ord_inf", (T(5),), {"ord": math.inf}),
         Sample("matrix_ord_1", (T(3, 4),), {"ord": 1}),
         Sample("matrix_ord_minus_inf", (T(3, 4),), {"ord": -math.inf}),
         Sample("matrix_fro", (T(3, 4),), {"ord": "fro"}),
         Sample("matrix_nuc", (T(3, 4),), {"ord": "nuc"}),
         Sample("matrix_ord_2", (T(3, 4),), {"ord": 2}),
         Sample("dim_1_ord_1", (T(2, 3, 4),), {"ord": 1, "dim": 1}),
         Sample("dims_ord_inf_keepdim", (T(2, 3, 4),), {"ord": math.inf, "dim": (0, 2), "keepdim": True}),
         Sample("dims_default", (T(2, 3, 4),), {"dim": (1, 2)}),
         Sample("transposed", (T(4, 3, layout="transposed"),), {"ord": -1}))
SPECS += [
    OpSpec("linalg.norm", lambda fw, a, **kw: fw.linalg.norm(a, **kw), NORMS, FLOAT,
           errors=(ErrorCase("ord_3d", lambda fw, a: fw.linalg.norm(a, 2), Sample("2x3x4", (T(2, 3, 4),)),
                             RuntimeError),
                   ErrorCase("three_dims", lambda fw, a: fw.linalg.norm(a, dim=(0, 1, 2)),
                             Sample("2x3x4", (T(2, 3, 4),)), RuntimeError),
                   ErrorCase("fro_of_vector", lambda fw, a: fw.linalg.norm(a, "fro"), Sample("4", (T(4),)),
                             RuntimeError))),
    OpSpec("linalg.norm", lambda fw, a, **kw: fw.linalg.norm(a, **kw), NORMS[:8], ("float16", "bfloat16"),
           variant="half", xfails=(_half_gradgrad("bfloat16", "3d_default", "matrix_default"),)),
    OpSpec("linalg.cond", lambda fw, a, **kw: fw.linalg.cond(_conditioned(fw, a), **kw),
           (Sample("default", (T(3, 3),)), Sample("p_minus2", (T(3, 3),), {"p": -2}),
            Sample("nuc", (T(3, 3),), {"p": "nuc"})), FLOAT),
    # the orders through inv_ex: torch fills the saved inverse in place, so its backward raises (so does mtv2's)
    OpSpec("linalg.cond", lambda fw, a, **kw: fw.linalg.cond(_conditioned(fw, a), **kw),
           (Sample("p_1", (T(3, 3),), {"p": 1}), Sample("p_minus_inf_batched", (T(2, 3, 3),), {"p": -math.inf}),
            Sample("fro", (T(3, 3),), {"p": "fro"}), Sample("empty", (T(0, 0),), {"p": 1})), FLOAT,
           variant="through_inverse", gradcheck=False, gradgrad=False,
           errors=(ErrorCase("vector", lambda fw, a: fw.linalg.cond(a), Sample("3", (T(3),)), RuntimeError),
                   ErrorCase("p_3", lambda fw, a: fw.linalg.cond(a, 3), Sample("3x3", (T(3, 3),)), RuntimeError),
                   ErrorCase("p_1_not_square", lambda fw, a: fw.linalg.cond(a, 1), Sample("3x4", (T(3, 4),)),
                             RuntimeError))),
    OpSpec("linalg.cond", lambda fw, a, **kw: fw.linalg.cond(a, **kw),
           (Sample("wide", (T(3, 4),)), Sample("tall_minus2", (T(4, 3),), {"p": -2})), FLOAT, variant="svd"),
    # a singular matrix: inf for the orders computed through the inverse
    OpSpec("linalg.cond", lambda fw, a, **kw: fw.linalg.cond(_singular(fw, a), **kw),
           (Sample("p_1", (T(3, 3),), {"p": 1}), Sample("p_inf", (T(3, 3),), {"p": math.inf})), FLOAT,
           variant="singular", grad=False),
]


def _rank_deficient(fw, a):
    """a 4x4 matrix of rank 2, with singular values far from the tolerance."""
    return a[..., :, :2] @ a[..., :2, :]


SPECS += [
    OpSpec("linalg.matrix_rank", lambda fw, a, **kw: fw.linalg.matrix_rank(_rank_deficient(fw, a), **kw),
           (Sample("rank_2", (T(4, 4),)), Sample("batched", (T(2, 4, 4),)),
            Sample("atol_large", (T(4, 4),), {"atol": 1e3}), Sample("rtol_one", (T(4, 4),), {"rtol": 1.0}),
            Sample("hermitian", (T(4, 4),), {"hermitian": True}), Sample("empty", (T(0, 3, 3),))), FLOAT,
           grad=False, errors=(ErrorCase("vector", lambda fw, a: fw.linalg.matrix_rank(a), Sample("3", (T(3),)),
                                         RuntimeError),)),
    OpSpec("linalg.matrix_rank", lambda fw, a: fw.linalg.matrix_rank(a), (Sample("full", (T(3, 5),)),), FLOAT,
           variant="full_rank", grad=False),
    OpSpec("linalg.pinv", lambda fw, a, **kw: fw.linalg.pinv(a, **kw),
           (Sample("wide", (T(3, 4),)), Sample("tall", (T(4, 3),)), Sample("batched", (T(2, 3, 4),)),
            Sample("transposed", (T(4, 3, layout="transposed"),)), Sample("rtol", (T(3, 4),), {"rtol": 1e-3}),
            Sample("empty", (T(0, 3),))), FLOAT,
           xfails=(XFail("float32: torch's gesdd (MKL) and scipy's (OpenBLAS) singular vectors differ in the last bits; "
                         "pinv_backward's products make it 1.7x the float32 tolerance (finite differences are 9e-7 "
                         "from both)", checks=("backward",), dtypes=("float32",), variants=("rtol",)),),
           errors=(ErrorCase("vector", lambda fw, a: fw.linalg.pinv(a), Sample("3", (T(3),)), RuntimeError),
                   ErrorCase("integer", lambda fw, a: fw.linalg.pinv(a), Sample("3x3", (T(3, 3),)), RuntimeError,
                             ("int64",)),
                   ErrorCase("half", lambda fw, a: fw.linalg.pinv(a), Sample("3x3", (T(3, 3),)), RuntimeError,
                             ("float16",)))),
    OpSpec("linalg.pinv", lambda fw, a: fw.linalg.pinv(_conditioned(fw, a + a.mT), hermitian=True),
           (Sample("3x3", (T(3, 3),)), Sample("batched", (T(2, 3, 3),))), FLOAT, variant="hermitian"),
    OpSpec("linalg.pinv", lambda fw, a: fw.linalg.pinv(_rank_deficient(fw, a)), (Sample("rank_2", (T(4, 4),)),),
           FLOAT, variant="rank_deficient", gradcheck=False, gradgrad=False),
    OpSpec("pinverse", lambda fw, a, *args: fw.pinverse(a, *args),
           (Sample("wide", (T(3, 4),)), Sample("rcond", (T(4, 3), Arg(value=1e-2)))), FLOAT),
]

# ---------------------------------------------------------------- tensorinv, tensorsolve
SPECS += [
    OpSpec("linalg.tensorinv", lambda fw, a, **kw: fw.linalg.tensorinv(
               _conditioned(fw, a.reshape(12, 12)).reshape(a.shape), **kw),
           (Sample("ind_2", (T(4, 3, 6, 2),)), Sample("ind_1", (T(12, 3, 4),), {"ind": 1})), FLOAT,
           errors=(ErrorCase("ind_0", lambda fw, a: fw.linalg.tensorinv(a, ind=0), Sample("2x2", (T(2, 2),)),
                             RuntimeError),
                   ErrorCase("not_square", lambda fw, a: fw.linalg.tensorinv(a), Sample("2x3x4", (T(2, 3, 4),)),
                             RuntimeError),
                   ErrorCase("singular", lambda fw, a: fw.linalg.tensorinv(_singular(fw, a).reshape(2, 2, 2, 2)),
                             Sample("4x4", (T(4, 4),)), RuntimeError))),
    OpSpec("linalg.tensorsolve", lambda fw, a, b, **kw: fw.linalg.tensorsolve(
               _conditioned(fw, a.reshape(6, 6)).reshape(a.shape), b, **kw),
           (Sample("2x3_rhs", (T(2, 3, 6), T(2, 3))), Sample("dims", (T(6, 2, 3), T(2, 3)), {"dims": (0,)})), FLOAT,
           errors=(ErrorCase("shapes", lambda fw, a, b: fw.linalg.tensorsolve(a, b),
                             Sample("2x3x6_and_4", (T(2, 3, 6), T(4))), RuntimeError),)),
]


# lstsq: every driver on tall (residuals where m > n, the rank full and the driver not gelsy), wide and square A,
# batches that broadcast, a vector B, rcond=; rank-deficient A (gelsy, gelsd, gelss agree on the minimum-norm
# solution; gels assumes full rank) forward only: the derivative, pinv(A)'s, jumps with the rank there
def _lstsq(fw, a, b, **kw):
    """A + max(m, n) I (rectangular): well conditioned, so float32 rounding stays within the tolerance (the
    backward is pinv(A)'s; OpInfo's unconditioned samples need a wider float32 one, opinfo/known.py)."""
    m, n = a.shape[-2:]
    return tuple(fw.linalg.lstsq(a + max(m, n) * fw.eye(m, n, dtype=a.dtype), b, **kw))


def _lstsq_rank_deficient(fw, a, b, **kw):
    """a's last column a copy of its first: rank n - 1."""
    return tuple(fw.linalg.lstsq(fw.cat([a[..., :-1], a[..., :1]], -1), b, **kw))


LSTSQ = tuple(Sample(f"{label}_{driver}", args, {"driver": driver})
              for driver in ("gelsy", "gels", "gelsd", "gelss")
              for label, args in (("tall", (T(5, 3), T(5, 2))), ("wide", (T(3, 5), T(3, 2))),
                                  ("square", (T(4, 4), T(4, 1))), ("batched", (T(2, 5, 3), T(2, 5, 2))),
                                  ("vector_b", (T(5, 3), T(5))))) + (
    Sample("default_driver", (T(5, 3), T(5, 2))),
    Sample("broadcast_b", (T(2, 4, 3), T(1, 4, 2)), {"driver": "gelsd"}),
    Sample("transposed_a", (T(5, 3, layout="transposed"), T(5, 2)), {"driver": "gelss"}),
    Sample("rcond", (T(5, 3), T(5, 2)), {"rcond": 1e-3, "driver": "gelsd"}))
LSTSQ_RANK_DEFICIENT = tuple(Sample(f"tall_{driver}", (T(5, 3), T(5, 2)), {"driver": driver})
                             for driver in ("gelsy", "gelsd", "gelss"))
LSTSQ_ERRORS = (
    ErrorCase("driver_x", lambda fw, a, b: fw.linalg.lstsq(a, b, driver="x"), Sample("5x3", (T(5, 3), T(5, 2))),
              RuntimeError),
    ErrorCase("rows_mismatch", lambda fw, a, b: fw.linalg.lstsq(a, b), Sample("5x3_4x2", (T(5, 3), T(4, 2))),
              RuntimeError),
    ErrorCase("dtype_mismatch", lambda fw, a, b: fw.linalg.lstsq(a, b.double()), Sample("5x3", (T(5, 3), T(5, 2))),
              RuntimeError),
    ErrorCase("vector_a", lambda fw, a, b: fw.linalg.lstsq(a, b), Sample("3", (T(3), T(3))), RuntimeError))
SPECS += [
    OpSpec("linalg.lstsq", _lstsq, LSTSQ, DTYPES, errors=LSTSQ_ERRORS),
    OpSpec("linalg.lstsq", _lstsq_rank_deficient, LSTSQ_RANK_DEFICIENT, ("float32", "float64"),
           variant="rank_deficient", grad=False),
]
