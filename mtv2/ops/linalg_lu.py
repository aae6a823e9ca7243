"""The LU decomposition with partial pivoting: torch.linalg.lu_factor, lu_factor_ex, lu, lu_solve and torch.lu,
torch.lu_unpack, torch.lu_solve; and the symmetric indefinite one, L D L^T: linalg.ldl_factor, ldl_factor_ex, ldl_solve
(at the end).

LAPACK's getrf and getrs through SciPy, matrix by matrix in the input's precision: the routines torch's CPU kernels
call, so the packed factors, the pivots (int32, 1-based: row i was swapped with row pivots[i]) and `info` (the first
zero pivot, 1-based) are torch's. Two primitives carry the derivatives: lu_factor_ex (torch's lu_factor_ex_backward,
linalg_lu_backward for the square, wide and tall cases) and lu_solve (linalg_lu_solve_LU for LU, a solve with the
adjoint for B). linalg.lu and lu_unpack are composites: L and U are the triangles of the packed factor, so their
gradients reach it through tril/triu, as torch's lu_unpack_backward does.
"""
import collections
import warnings

import numpy as np
import scipy.linalg

from .. import _dtype
from .._tensor import Tensor
from ._registry import RAW, op
from ._surface import public
from .elementwise import _with_out
from .linalg import LinAlgError, _check_bool, _dims_text, _solve_triangular


def _result_type(name, *fields):
    result = collections.namedtuple(name, fields)
    result.__module__ = "mtv2.return_types"
    return result


_LuFactorResult = _result_type("linalg_lu_factor", "LU", "pivots")
_LuFactorExResult = _result_type("linalg_lu_factor_ex", "LU", "pivots", "info")
_LuResult = _result_type("linalg_lu", "P", "L", "U")
_LuUnpackResult = _result_type("lu_unpack", "P", "L", "U")
_LuWithInfoResult = _result_type("_lu_with_info", "LU", "pivots", "info")


# ---------------------------------------------------------------- primitives: lu_factor_ex, lu_solve

@op("linalg_lu_factor_ex", promotion=RAW, extra_outputs=("pivots", "info"), saves=("result", "pivots"))
def _lu_factor_ex(a):
    """(LU, pivots, info): getrf on each matrix (m x n, any shape)."""
    k = min(a.shape[-2:])
    factors = np.array(a, copy=True)
    pivots = np.broadcast_to(np.arange(1, k + 1, dtype=np.int32), a.shape[:-2] + (k,)).copy()
    info = np.zeros(a.shape[:-2], np.int32)
    if a.size == 0:
        return factors, pivots, info
    getrf = scipy.linalg.lapack.get_lapack_funcs("getrf", dtype=a.dtype)
    for index in np.ndindex(a.shape[:-2]):
        factors[index], zero_based, info[index] = getrf(a[index])
        pivots[index] = zero_based + 1
    return factors, pivots, info


@_lu_factor_ex.vjp
def _(g, LU, pivots):
    """torch's lu_factor_ex_backward: the packed gradient's strict lower part is L's, its upper part U's."""
    k = min(LU.shape[-2:])
    P, L, U = lu_unpack(LU, pivots)
    return _lu_backward(g[..., :, :k].tril(-1), g[..., :k, :].triu(), P, L, U)


def _lu_backward(L_grad, U_grad, P, L, U):
    """torch's linalg_lu_backward (pivot=True) for A = P L U, L m x k unit lower, U k x n upper."""
    m, n = L.shape[-2], U.shape[-1]
    k = min(m, n)
    if m == n:
        grad = (L.mT @ L_grad).tril(-1) + (U_grad @ U.mT).triu()
        grad = _solve_triangular(U.mT, grad, upper=False, left=False)
        return P @ _solve_triangular(L.mT, grad, upper=True, left=True, unitriangular=True)
    from .joining import cat
    if m < n:   # wide: A = P L [U1 | U2]
        U1 = U[..., :k]
        grad = _solve_triangular(U1.mT, (L.mT @ L_grad - U_grad.triu() @ U.mT).tril(-1), upper=False, left=False)
        grad = cat([grad + U_grad[..., :k].triu(), U_grad[..., k:]], -1)
        return P @ _solve_triangular(L.mT, grad, upper=True, left=True, unitriangular=True)
    L1 = L[..., :k, :]   # tall: A = P [L1; L2] U
    grad = _solve_triangular(L1.mT, (U_grad @ U.mT - L.mT @ L_grad.tril(-1)).triu(), upper=True, left=True,
                             unitriangular=True)
    grad = cat([grad + L_grad[..., :k, :].tril(-1), L_grad[..., k:, :]], -2)
    return P @ _solve_triangular(U.mT, grad, upper=False, left=False)


@op("lu_pivots_to_permutation", promotion=RAW)
def _permutation(pivots, m=0, dtype=np.float32):
    """P (m x m, in `dtype`) with A = P L U from getrf's 1-based row swaps: swap i with pivots[i] - 1, in order."""
    result = np.zeros(pivots.shape[:-1] + (m, m), dtype)
    for index in np.ndindex(pivots.shape[:-1]):
        order = np.arange(m)
        for row, swapped in enumerate(pivots[index] - 1):
            order[[row, swapped]] = order[[swapped, row]]
        result[index][order, np.arange(m)] = 1
    return result


_permutation.no_derivative("lu_unpack")   # a function of the integer pivots only: nothing requires its gradient


def _solve_factored(factor, pivots, b, routine, **options):
    """X from a factorisation (LAPACK's getrs on LU, sytrs on LD) per broadcast batch element: the factor's batch
    broadcasts against B's; an empty batch or matrix gives B back. `pivots` are LAPACK's own (1-based for sytrs,
    0-based as SciPy's getrs takes them)."""
    batch = np.broadcast_shapes(factor.shape[:-2], b.shape[:-2])
    result = np.empty(batch + b.shape[-2:], factor.dtype)
    if result.size == 0 or factor.shape[-1] == 0:
        result[...] = b
        return result
    solve = scipy.linalg.lapack.get_lapack_funcs(routine, dtype=factor.dtype)
    factor = np.broadcast_to(factor, batch + factor.shape[-2:])
    pivots = np.broadcast_to(pivots, batch + pivots.shape[-1:])
    b = np.broadcast_to(b, result.shape)
    for index in np.ndindex(batch):
        result[index] = solve(factor[index], pivots[index], b[index], **options)[0]
    return result


def _getrs(lu, pivots, b, trans):
    """X with op(A) X = B per broadcast batch element; LU's batch broadcasts against B's."""
    return _solve_factored(lu, pivots - 1, b, "getrs", trans=trans)


@op("linalg_lu_solve", promotion=RAW, saves=("LU", "pivots", "result", "left", "adjoint"))
def _lu_solve(LU, pivots, B, left=True, adjoint=False):
    """X with A X = B (left) or X A = B, A^T for adjoint (real: the adjoint is the transpose)."""
    if left:
        return _getrs(LU, pivots, B, int(adjoint))
    return np.swapaxes(_getrs(LU, pivots, np.swapaxes(B, -1, -2), int(not adjoint)), -1, -2)


@_lu_solve.vjp
def _(g, LU, pivots, X, left, adjoint):
    """torch's linalg_lu_solve_LU for LU (no gradient for the integer pivots); gB solves with the other adjoint."""
    grad_B = _lu_solve(LU, pivots, g, left=left, adjoint=not adjoint)
    P, L, U = lu_unpack(LU, pivots)
    if left != adjoint:
        gR = _solve_triangular(U.mT, -((g @ X.mT) if left else (g.mT @ X)), upper=False)
        gL = _solve_triangular(L.mT, gR @ U.mT, upper=True, left=True, unitriangular=True).tril(-1)
        grad_LU = gL + gR.triu()
    else:
        gR = -(P.mT @ (X if left else X.mT) @ (g.mT if left else g) @ P)
        gR = _solve_triangular(L.mT, gR, upper=True, left=False, unitriangular=True)
        grad_LU = gR.tril(-1) + _solve_triangular(U.mT, L.mT @ gR, upper=False, left=False).triu()
    return grad_LU, None, grad_B


# ---------------------------------------------------------------- lu_factor, lu_factor_ex, lu, lu_unpack

def _factor(name, A, pivot, check_errors):
    if not isinstance(A, Tensor):
        raise TypeError(f"{name.replace('.', '_')}(): argument 'A' (position 1) must be Tensor, not "
                        f"{type(A).__name__}")
    if A.ndim < 2:
        raise RuntimeError(f"torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: {list(A.shape)} "
                           f"instead")
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    if A.numel() and A.dtype not in (_dtype.float32, _dtype.float64):   # an empty matrix has nothing to factor
        raise NotImplementedError(f"\"lu_cpu\" not implemented for '{_dtype.scalar_type_name(A.dtype)}'")
    LU, pivots, info = _lu_factor_ex(A)
    if check_errors:
        failed = np.flatnonzero(info._data.ravel())
        if failed.size:
            where = f"(Batch element {failed[0]}): " if info.ndim else ""
            order = info._data.ravel()[failed[0]]
            # torch raises a plain RuntimeError here, not LinAlgError
            raise RuntimeError(f"torch.linalg.lu_factor: {where}U[{order},{order}] is zero and using it on lu_solve "
                               f"would result in a division by zero. If you still want to perform the factorization, "
                               f"consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")
    return LU, pivots, info


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    """torch.linalg.lu_factor_ex: (LU, pivots, info), info > 0 where a pivot is exactly zero."""
    _check_bool("linalg_lu_factor_ex", pivot=pivot, check_errors=check_errors)
    LU, pivots, info = _factor("linalg.lu_factor_ex", A, pivot, False)
    if check_errors and info._data.any():
        failed = np.flatnonzero(info._data.ravel())[0]
        where = f"(Batch element {failed}): " if info.ndim else ""
        raise LinAlgError(f"linalg.lu_factor_ex: {where}The factorization could not be completed because the input is "
                          f"not invertible.")
    if out is not None:
        LU, pivots, info = (_with_out(r, o) for r, o in zip((LU, pivots, info), out))
    return _LuFactorExResult(LU, pivots, info)


def lu_factor(A, *, pivot=True, out=None):
    """torch.linalg.lu_factor: (LU, pivots) packed as LAPACK's getrf; a zero pivot is refused (lu_factor_ex keeps
    it)."""
    _check_bool("linalg_lu_factor", pivot=pivot)
    LU, pivots, _ = _factor("linalg.lu_factor", A, pivot, True)
    if out is not None:
        LU, pivots = _with_out(LU, out[0]), _with_out(pivots, out[1])
    return _LuFactorResult(LU, pivots)


@public("lu_unpack")
def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """torch.lu_unpack: (P, L, U) from lu_factor's packed form; what is not unpacked is an empty tensor."""
    from ..creation import empty, eye
    m, n = LU_data.shape[-2:]
    k = min(m, n)
    none = empty(0, dtype=LU_data.dtype)
    if unpack_data:
        L = LU_data[..., :, :k].tril(-1) + eye(m, k, dtype=LU_data.dtype)
        U = LU_data[..., :k, :].triu()
    else:
        L = U = LU_data.reshape(-1)[:0].clone()   # empty, but an output of the op: it records history, as torch's
    P = _permutation(LU_pivots, m=m, dtype=LU_data.dtype.numpy_type) if unpack_pivots else none
    if out is not None:
        P, L, U = (_with_out(r, o) for r, o in zip((P, L, U), out))
    return _LuUnpackResult(P, L, U)


def lu(A, *, pivot=True, out=None):
    """torch.linalg.lu: (P, L, U) with A = P L U, L unit lower triangular, U upper triangular."""
    _check_bool("linalg_lu", pivot=pivot)
    LU, pivots, _ = _factor("linalg.lu", A, pivot, False)
    P, L, U = lu_unpack(LU, pivots)
    if out is not None:
        P, L, U = (_with_out(r, o) for r, o in zip((P, L, U), out))
    return _LuResult(P, L, U)


@public("lu", method=True)
def lu_legacy(A, pivot=True, get_infos=False):
    """torch.lu (deprecated in torch for linalg.lu_factor / lu_factor_ex): (LU, pivots[, infos]); a singular matrix
    is not refused."""
    warnings.warn("torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and will be "
                  "removed in a future PyTorch release.", UserWarning, stacklevel=2)
    LU, pivots, info = _factor("torch.lu", A, pivot, False)
    if get_infos:
        return _LuWithInfoResult(LU, pivots, info)
    return LU, pivots


# ---------------------------------------------------------------- lu_solve

def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """torch.linalg.lu_solve: X with A X = B (left) or X A = B, A (or A^T when adjoint) given by lu_factor."""
    _check_bool("linalg_lu_solve", left=left, adjoint=adjoint)
    name = "linalg.lu_solve"
    if LU.ndim < 2 or B.ndim < 2:
        raise RuntimeError(f"torch.{name}: The input tensor {'LU' if LU.ndim < 2 else 'B'} must have at least 2 "
                           f"dimensions.")
    if LU.shape[-1] != LU.shape[-2]:
        raise RuntimeError(f"torch.{name}: A must be batches of square matrices, but they are {LU.shape[-2]} by "
                           f"{LU.shape[-1]} matrices")
    if LU.dtype != B.dtype:
        raise RuntimeError(f"{name}: Expected LU and B to have the same dtype, but found LU of type "
                           f"{_dtype.scalar_type_name(LU.dtype)} and B of type {_dtype.scalar_type_name(B.dtype)} "
                           f"instead")
    if pivots.dtype != _dtype.int32:
        raise RuntimeError(f"{name}: pivots should be a Tensor of scalar type torch.int32")
    inner = B.shape[-2] if left else B.shape[-1]
    if inner != LU.shape[-1]:
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation {'AX = B' if left else 'XA = B'} "
                           f"({_dims_text(LU.shape[-2:])} and {_dims_text(B.shape[-2:])})")
    if LU.numel() and B.numel() and LU.dtype not in (_dtype.float32, _dtype.float64):
        raise NotImplementedError(f"\"lu_solve_cpu\" not implemented for '{_dtype.scalar_type_name(LU.dtype)}'")
    return _with_out(_lu_solve(LU, pivots, B, left=left, adjoint=adjoint), out)


@public("lu_solve", method=True)
def lu_solve_legacy(input, LU_data, LU_pivots, *, out=None):
    """torch.lu_solve (deprecated in torch for linalg.lu_solve): X with A X = b."""
    warnings.warn("torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will be removed in a future "
                  "PyTorch release.\nNote that torch.linalg.lu_solve has its arguments reversed.\n"
                  "X = torch.lu_solve(B, LU, pivots)\nshould be replaced with\n"
                  "X = torch.linalg.lu_solve(LU, pivots, B)",
                  UserWarning, stacklevel=2)
    return lu_solve(LU_data, LU_pivots, input, out=out)


# ---------------------------------------------------------------- ldl_factor, ldl_factor_ex, ldl_solve
# A = L D L^T with Bunch-Kaufman pivoting, LAPACK's sytrf / sytrs through SciPy (torch's CPU kernels): LD is sytrf's
# lower triangle (torch zeroes the other), pivots LAPACK's 1-based ipiv (negative for a 2 x 2 block of D). torch
# implements no derivative for either; nor does mtv2.
_LdlFactorResult = _result_type("linalg_ldl_factor", "LD", "pivots")
_LdlFactorExResult = _result_type("linalg_ldl_factor_ex", "LD", "pivots", "info")


@op("linalg_ldl_factor_ex", promotion=RAW, extra_outputs=("pivots", "info"))
def _ldl_factor_ex(a):
    factors = np.zeros(a.shape, a.dtype)
    pivots = np.zeros(a.shape[:-1], np.int32)
    info = np.zeros(a.shape[:-2], np.int32)
    if a.size == 0:
        return factors, pivots, info
    sytrf = scipy.linalg.lapack.get_lapack_funcs("sytrf", dtype=a.dtype)
    for index in np.ndindex(a.shape[:-2]):
        packed, pivots[index], info[index] = sytrf(a[index], lower=1)
        factors[index] = np.tril(packed)
    return factors, pivots, info


_ldl_factor_ex.no_derivative("aten::linalg_ldl_factor_ex")


@op("linalg_ldl_solve", promotion=RAW)
def _ldl_solve(LD, pivots, B):
    return _solve_factored(LD, pivots, B, "sytrs", lower=1)


_ldl_solve.no_derivative("aten::linalg_ldl_solve")


def _ldl(name, A, hermitian):
    if not isinstance(A, Tensor):
        raise TypeError(f"{name.replace('.', '_')}(): argument 'A' (position 1) must be Tensor, not "
                        f"{type(A).__name__}")
    _check_bool(name.replace(".", "_"), hermitian=hermitian)
    if A.ndim < 2:
        raise RuntimeError(f"torch.{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"torch.{name}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    if not A.dtype.is_floating_point:
        raise RuntimeError(f"torch.{name}: Expected a floating point or complex tensor as input. Got "
                           f"{_dtype.scalar_type_name(A.dtype)}")
    if A.dtype not in (_dtype.float32, _dtype.float64):
        raise NotImplementedError(f"\"ldl_factor_kernel_cpu\" not implemented for "
                                  f"'{_dtype.scalar_type_name(A.dtype)}'")
    return _ldl_factor_ex(A)   # hermitian is symmetric for real matrices


def ldl_factor_ex(A, *, hermitian=False, check_errors=False, out=None):
    """torch.linalg.ldl_factor_ex: (LD, pivots, info), info > 0 where D has an exactly zero block (singular A)."""
    LD, pivots, info = _ldl("linalg.ldl_factor_ex", A, hermitian)
    if check_errors and info._data.any():
        raise LinAlgError(f"torch.linalg.ldl_factor_ex: The factorization could not be completed because the input "
                          f"is singular (D[{info._data.max()}, {info._data.max()}] is zero).")
    if out is not None:
        LD, pivots, info = (_with_out(r, o) for r, o in zip((LD, pivots, info), out))
    return _LdlFactorExResult(LD, pivots, info)


def ldl_factor(A, *, hermitian=False, out=None):
    """torch.linalg.ldl_factor: (LD, pivots); a singular A is refused (torch: a RuntimeError, its internal assert)."""
    LD, pivots, info = _ldl("linalg.ldl_factor", A, hermitian)
    if info._data.any():
        raise RuntimeError(f"torch.linalg.ldl_factor: Unknown error code: {info._data.max()}.")
    if out is not None:
        LD, pivots = _with_out(LD, out[0]), _with_out(pivots, out[1])
    return _LdlFactorResult(LD, pivots)


def ldl_solve(LD, pivots, B, *, hermitian=False, out=None):
    """torch.linalg.ldl_solve: X with A X = B, A given by ldl_factor."""
    name = "torch.linalg.ldl_solve"
    _check_bool("linalg_ldl_solve", hermitian=hermitian)
    if LD.ndim < 2 or B.ndim < 2:
        raise RuntimeError(f"{name}: Expected {'LD' if LD.ndim < 2 else 'B'} to have at least 2 dimensions, but it "
                           f"has {min(LD.ndim, B.ndim)} dimensions instead")
    if LD.shape[-1] != LD.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {LD.shape[-2]} by "
                           f"{LD.shape[-1]} matrices")
    if LD.shape[-1] != B.shape[-2]:
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation AX = B "
                           f"({_dims_text(LD.shape[-2:])} and {_dims_text(B.shape[-2:])})")
    if pivots.dtype != _dtype.int32:
        raise RuntimeError(f"{name}: Expected pivots to be integers. Got {_dtype.scalar_type_name(pivots.dtype)}")
    if LD.dtype != B.dtype:
        raise RuntimeError(f"{name}: Expected LD and B to have the same dtype, but got LD with dtype "
                           f"{_dtype.scalar_type_name(LD.dtype)} and B with dtype {_dtype.scalar_type_name(B.dtype)}")
    if LD.dtype not in (_dtype.float32, _dtype.float64):
        raise NotImplementedError(f"\"ldl_solve_cpu\" not implemented for '{_dtype.scalar_type_name(LD.dtype)}'")
    return _with_out(_ldl_solve(LD, pivots, B), out)
