"""The singular value decomposition and what is built on it: linalg.svd, torch.svd, linalg.svdvals,
linalg.matrix_norm (and torch.norm's matrix orders); the symmetric eigendecomposition: linalg.eigh, linalg.eigvalsh.

A = U diag(S) Vh (reduced: k = min(m, n) singular values). The three factors are three ops of A, each with its
share of torch's svd_backward (FunctionsManual.cpp): that backward is linear in (gU, gS, gVh), so the sum of the
three rules is torch's whole formula, and each rule, written with these same ops, is differentiable again (double
backward of svdvals, and so of the nuclear norm). The signs of U's and Vh's columns (and of eigh's eigenvectors) are
LAPACK's choice: torch's (MKL) and SciPy's (OpenBLAS) differ on some matrices, as torch's docs allow ("not unique"),
so their conformance rows compare what is gauge-invariant (|U|, U Vh, reconstruction, the gradients of such losses;
conformance/opinfo/op_cases.py GAUGE_FREE), never signs normalised after the fact.
"""
import collections

import numpy as np
import scipy.linalg

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._registry import RAW, op
from ._surface import public
from .elementwise import _with_out
from .reduction import check_norm_dtype, vector_norm


def _result_type(name, *fields):
    result = collections.namedtuple(name, fields)
    result.__module__ = "mtv2.return_types"
    return result


_SvdResult = _result_type("linalg_svd", "U", "S", "Vh")
_SvdLegacyResult = _result_type("svd", "U", "S", "V")
_EighResult = _result_type("linalg_eigh", "eigenvalues", "eigenvectors")


def _refuse_non_finite(a):
    """torch's gesdd check: LAPACK would return garbage (SciPy refuses with a ValueError) for inf and NaN."""
    finite = np.isfinite(a.reshape(-1, a.shape[-2] * a.shape[-1])).all(axis=-1)
    if not finite.all():
        where = f"(Batch element {np.flatnonzero(~finite)[0]}): " if a.ndim > 2 else ""
        from .linalg import LinAlgError
        raise LinAlgError(f"linalg.svd: {where}The algorithm failed to converge because the input matrix contained "
                          f"non-finite values.")


def _reduced_svd(a, part):
    """One factor of the reduced SVD of each matrix of `a` (0 = U, 1 = S, 2 = Vh); empty matrices have empty factors."""
    m, n = a.shape[-2:]
    k = min(m, n)
    if a.size == 0:
        shape = (a.shape[:-2] + (m, k), a.shape[:-2] + (k,), a.shape[:-2] + (k, n))[part]
        return np.zeros(shape, a.dtype)
    _refuse_non_finite(a)
    # scipy's gesdd in the input's precision, matrix by matrix (NumPy's svd computes float32 in float64)
    batch = a.shape[:-2]
    matrices = a.reshape(-1, m, n)
    if part == 1:
        return np.stack([scipy.linalg.svd(x, compute_uv=False, check_finite=False) for x in matrices]).reshape(
            batch + (k,))
    factors = [scipy.linalg.svd(x, full_matrices=False, check_finite=False)[0 if part == 0 else 2] for x in matrices]
    return np.stack(factors).reshape(batch + factors[0].shape)


@op("linalg_svd", promotion=RAW, saves=("a",))   # torch names the node of svdvals LinalgSvdBackward0 too
def _svdvals(a):
    return _reduced_svd(a, 1)


def _completed(u):
    """The square orthogonal matrices whose first k columns are u's (m x k): the rest an orthonormal basis of the
    complement (the last columns of a complete QR of u; torch's come from gesdd's jobz='A', another basis of it)."""
    m, k = u.shape[-2:]
    result = np.zeros(u.shape[:-1] + (m,), u.dtype)
    result[..., :k] = u
    if k == 0:
        result[...] = np.eye(m, dtype=u.dtype)
    elif k < m:
        for index in np.ndindex(u.shape[:-2]):
            result[index][:, k:] = scipy.linalg.qr(u[index], check_finite=False)[0][:, k:]
    return result


@op("linalg_svd_u", promotion=RAW, saves=("a", "result", "full_matrices"))
def _svd_u(a, full_matrices=False):
    """U, reduced (m x k) or, full_matrices, completed to m x m (the extra columns get no gradient, as in torch)."""
    u = _reduced_svd(a, 0)
    return _completed(u) if full_matrices else u


@op("linalg_svd_vh", promotion=RAW, saves=("a", "result", "full_matrices"))
def _svd_vh(a, full_matrices=False):
    vh = _reduced_svd(a, 2)
    return np.swapaxes(_completed(np.swapaxes(vh, -1, -2)), -1, -2) if full_matrices else vh


@_svdvals.vjp
def _(g, a):
    """gS alone: gA = U diag(gS) Vh."""
    return _svd_u(a) @ (g.unsqueeze(-1) * _svd_vh(a))


def _skew_over_gaps(S):
    """E with E[i, j] = S_j^2 - S_i^2 and 1 on the diagonal (where the skew-symmetric numerators are 0)."""
    squares = S * S
    return squares.unsqueeze(-2) - squares.unsqueeze(-1) + _identity_like(S)


def _identity_like(S):
    from ..creation import eye
    return eye(S.shape[-1], dtype=S.dtype)


@_svd_u.vjp
def _(g, a, out, full_matrices):
    """gU alone: U [skew(U^T gU) S / E] Vh, plus (I - U U^T) gU S^-1 Vh for a tall A (m > k). Of a full U only the
    first k columns reach A (torch's derivatives.yaml narrows gU and U to them)."""
    S, Vh = _svdvals(a), _svd_vh(a)
    U = out[..., :S.shape[-1]] if full_matrices else out
    g = g[..., :S.shape[-1]] if full_matrices else g
    UtgU = U.mT @ g
    inner = (UtgU - UtgU.mT) * S.unsqueeze(-2) / _skew_over_gaps(S)
    if a.shape[-2] > S.shape[-1]:
        gU_over_S = g / S.unsqueeze(-2)
        return (U @ inner + gU_over_S - U @ (U.mT @ gU_over_S)) @ Vh
    return U @ inner @ Vh


@_svd_vh.vjp
def _(g, a, out, full_matrices):
    """gVh alone: U [S skew(Vh gVh^T) / E] Vh, plus U S^-1 gVh (I - V Vh) for a wide A (n > k); of a full Vh only
    the first k rows reach A."""
    U, S = _svd_u(a), _svdvals(a)
    Vh = out[..., :S.shape[-1], :] if full_matrices else out
    g = g[..., :S.shape[-1], :] if full_matrices else g
    VhgV = Vh @ g.mT
    inner = S.unsqueeze(-1) * (VhgV - VhgV.mT) / _skew_over_gaps(S)
    if a.shape[-1] > S.shape[-1]:
        gVh_over_S = g / S.unsqueeze(-1)
        return U @ (inner @ Vh + gVh_over_S - (gVh_over_S @ Vh.mT) @ Vh)
    return U @ inner @ Vh


def _check_matrix(name, A, low_precision=True):
    if not isinstance(A, Tensor):
        raise TypeError(f"{name}(): argument 'A' (position 1) must be Tensor, not {type(A).__name__}")
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if not A.dtype.is_floating_point:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{_dtype.scalar_type_name(A.dtype)}")
    if not low_precision and A.dtype in (_dtype.float16, _dtype.bfloat16):
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got {_dtype.scalar_type_name(A.dtype)}")


def svdvals(A, *, driver=None, out=None):
    """torch.linalg.svdvals: the singular values of each matrix, in descending order."""
    _check_svd(A, driver)
    return _with_out(_svdvals(A), out)


def _check_svd(A, driver):
    _check_matrix("linalg.svd", A)
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with "
                           "cuSOLVER backend.")
    if A.numel() and A.dtype not in (_dtype.float32, _dtype.float64):   # an empty matrix has nothing to refuse
        raise NotImplementedError(f"\"linalg_svd_cpu\" not implemented for '{_dtype.scalar_type_name(A.dtype)}'")


def svd(A, full_matrices=True, *, driver=None, out=None):
    """torch.linalg.svd: (U, S, Vh) with A = U diag(S) Vh; full_matrices completes U and Vh to square orthogonal
    matrices. The columns' signs are LAPACK's choice (torch's docs: the decomposition is not unique)."""
    _check_svd(A, driver)
    U, S, Vh = _svd_u(A, full_matrices=full_matrices), _svdvals(A), _svd_vh(A, full_matrices=full_matrices)
    if out is not None:
        U, S, Vh = (_with_out(result, destination) for result, destination in zip((U, S, Vh), out))
    return _SvdResult(U, S, Vh)


@public("svd", method=True)
def svd_legacy(input, some=True, compute_uv=True, *, out=None):
    """torch.svd: (U, S, V) with input = U diag(S) V^T (V, not Vh); some=False gives square U and V; compute_uv=False
    gives zero-filled square U and V (no history) beside the singular values."""
    if not isinstance(input, Tensor):
        raise TypeError(f"svd(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if compute_uv:
        U, S, Vh = svd(input, full_matrices=not some)
        V = Vh.mT
    else:
        from ..creation import zeros
        S = svdvals(input)
        m, n = input.shape[-2:]
        U = zeros(*input.shape[:-2], m, m, dtype=input.dtype)
        V = zeros(*input.shape[:-2], n, n, dtype=input.dtype)
    if out is not None:
        U, S, V = (_with_out(result, destination) for result, destination in zip((U, S, V), out))
    return _SvdLegacyResult(U, S, V)


def _matrix_dims(A, dim):
    dims = list(dim) if isinstance(dim, (list, tuple)) else [dim]
    if len(dims) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(str(d) for d in dims)}")
    dims = [_wrap_dim(d, A.ndim, "linalg.matrix_norm") for d in dims]
    if dims[0] == dims[1]:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dims[0]}, {dims[1]})")
    return dims


def _over_matrix_dims(A, dims, keepdim, reduce):
    """`reduce` of the matrices spanned by dims (moved last, in that order), as torch's backshift permutation does."""
    order = [d for d in range(A.ndim) if d not in dims] + dims
    result = reduce(A.permute(order))
    if keepdim:
        result = result.unsqueeze(-1).unsqueeze(-1).permute([order.index(d) for d in range(A.ndim)])
    return result


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """torch.linalg.matrix_norm: 'fro', 'nuc' (sum of singular values), 2 / -2 (largest / smallest singular
    value), 1 / -1 (max / min column sum of |A|), inf / -inf (max / min row sum)."""
    if isinstance(ord, str):
        if ord not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
        spectral = ord == "nuc"
    else:
        if abs(ord) not in (1, 2, float("inf")):
            raise RuntimeError(f"linalg.matrix_norm: Order {ord:g} not supported.")
        spectral = abs(ord) == 2
    _check_matrix("linalg.matrix_norm", A, low_precision=not spectral)
    dims = _matrix_dims(A, dim)
    check_norm_dtype("linalg.matrix_norm", A.dtype, dtype)
    if ord == "fro":
        result = vector_norm(A, 2, dims, keepdim, dtype=dtype)
    elif spectral:
        extremum = (lambda S: S.sum(-1)) if ord == "nuc" else (lambda S: _extremum(S, ord, -1, False))
        result = _over_matrix_dims(A if dtype is None else A.to(dtype), dims, keepdim,
                                   lambda matrices: extremum(svdvals(matrices)))
    else:
        # the column sums of |A| (ord 1), or the row sums (inf): the 1-norm along one dim, the extremum along the other
        summed, extreme = dims if abs(ord) == 1 else dims[::-1]
        if not keepdim and summed < extreme:
            extreme -= 1
        result = _extremum(vector_norm(A, 1, summed, keepdim, dtype=dtype), ord, extreme, keepdim)
    return _with_out(result, out)


def _extremum(values, ord, dim, keepdim):
    """amax for a positive order, amin for a negative one. The largest of no norms is 0 in torch (a result that
    records no history); the smallest of none is refused (amin's IndexError)."""
    if ord > 0 and values.shape[dim] == 0:
        return values.sum(dim, keepdim).detach()
    return values.amax(dim, keepdim) if ord > 0 else values.amin(dim, keepdim)


# ---------------------------------------------------------------- the symmetric eigendecomposition: eigvalsh
# A = V diag(L) V^T from one triangle (syevd through scipy, matrix by matrix in the input's precision). The values and
# the vectors are two ops of A, each with its share of torch's linalg_eig_backward (hermitian case); the vectors (whose
# signs are LAPACK's choice) are only used inside the sign-invariant rules.

def _symmetric_eigen(a, upper, part):
    """The eigenvalues (part 0) or eigenvectors (1) of each matrix: LAPACK's syevd, as torch's CPU kernel, so a
    failure reports torch's error code (LinAlgError naming the first failing batch element)."""
    n = a.shape[-1]
    if a.size == 0:
        return np.zeros(a.shape[:-1] if part == 0 else a.shape, a.dtype)
    syevd = scipy.linalg.lapack.get_lapack_funcs("syevd", dtype=a.dtype)
    results = []
    for index, matrix in enumerate(a.reshape(-1, n, n)):
        values, vectors, info = syevd(matrix, compute_v=part, lower=not upper)
        if info > 0:
            from .linalg import LinAlgError
            where = f"(Batch element {index}): " if a.ndim > 2 else ""
            raise LinAlgError(f"linalg.eigh: {where}The algorithm failed to converge because the input matrix is "
                              f"ill-conditioned or has too many repeated eigenvalues (error code: {info}).")
        results.append(vectors if part else values)
    return np.stack(results).reshape(a.shape if part else a.shape[:-1])


@op("linalg_eigh", promotion=RAW, saves=("a", "upper"))
def _eigvalsh(a, upper=False):
    return _symmetric_eigen(a, upper, 0)


@op("linalg_eigh_vectors", promotion=RAW, saves=("a", "result", "upper"))
def _eigh_vectors(a, upper=False):
    return _symmetric_eigen(a, upper, 1)


@_eigvalsh.vjp
def _(g, a, upper):
    """gL alone: V diag(gL) V^T."""
    V = _eigh_vectors(a, upper=upper)
    return (V * g.unsqueeze(-2)) @ V.mT


@_eigh_vectors.vjp
def _(g, a, V, upper):
    """gV alone: V [skew(V^T gV) / E] V^T, E[i, j] = L_j - L_i (1 on the diagonal, where the numerator is 0)."""
    L = _eigvalsh(a, upper=upper)
    VtgV = V.mT @ g
    gaps = L.unsqueeze(-2) - L.unsqueeze(-1) + _identity_like(L)
    return V @ ((0.5 * (VtgV - VtgV.mT)) / gaps) @ V.mT


def eigvalsh(A, UPLO="L", *, out=None):
    """torch.linalg.eigvalsh: the eigenvalues (ascending) of each symmetric matrix, read from its lower (UPLO='L')
    or upper triangle."""
    _check_eigh("linalg_eigvalsh", "linalg.eigvalsh: ", A, UPLO)
    return _with_out(_eigvalsh(A, upper=UPLO in ("U", "u")), out)


def eigh(A, UPLO="L", *, out=None):
    """torch.linalg.eigh: (eigenvalues ascending, eigenvectors as columns) of each symmetric matrix, read from one
    triangle. The eigenvectors' signs are LAPACK's choice (torch's docs: not unique)."""
    _check_eigh("linalg_eigh", "linalg.eigh: ", A, UPLO)
    upper = UPLO in ("U", "u")
    L, V = _eigvalsh(A, upper=upper), _eigh_vectors(A, upper=upper)
    if out is not None:
        L, V = _with_out(L, out[0]), _with_out(V, out[1])
    return _EighResult(L, V)


def _check_eigh(function, uplo_prefix, A, UPLO):
    if not isinstance(A, Tensor):
        raise TypeError(f"{function}(): argument 'A' (position 1) must be Tensor, not {type(A).__name__}")
    if UPLO not in ("L", "U", "l", "u"):
        raise RuntimeError(f"{uplo_prefix}Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    if A.ndim < 2:
        raise RuntimeError("linalg.eigh: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.eigh: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    if A.numel() and A.dtype not in (_dtype.float32, _dtype.float64):   # an empty matrix has nothing to refuse
        raise NotImplementedError(f"\"linalg_eigh_cpu\" not implemented for '{_dtype.scalar_type_name(A.dtype)}'")
