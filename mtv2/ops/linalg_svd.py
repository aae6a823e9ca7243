"""The singular value decomposition and the norms built on it: linalg.svdvals, linalg.matrix_norm (and torch.norm's
matrix orders).

A = U diag(S) Vh (reduced: k = min(m, n) singular values). The three factors are three ops of A, each with its
share of torch's svd_backward (FunctionsManual.cpp): that backward is linear in (gU, gS, gVh), so the sum of the
three rules is torch's whole formula, and each rule, written with these same ops, is differentiable again (double
backward of svdvals, and so of the nuclear norm). The factors are only public through what is gauge-invariant
(singular values, norms): the signs of U's and Vh's columns are LAPACK's choice and differ between torch (MKL) and
NumPy (OpenBLAS) on tall matrices, so mtv2 does not expose linalg.svd yet.
"""
import numpy as np
import scipy.linalg

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._registry import RAW, op
from .elementwise import _with_out
from .reduction import check_norm_dtype, vector_norm


def _reduced_svd(a, part):
    """One factor of the reduced SVD of each matrix of `a` (0 = U, 1 = S, 2 = Vh); empty matrices have empty factors."""
    m, n = a.shape[-2:]
    k = min(m, n)
    if a.size == 0:
        shape = (a.shape[:-2] + (m, k), a.shape[:-2] + (k,), a.shape[:-2] + (k, n))[part]
        return np.zeros(shape, a.dtype)
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


@op("linalg_svd_u", promotion=RAW, saves=("a", "result"))
def _svd_u(a):
    return _reduced_svd(a, 0)


@op("linalg_svd_vh", promotion=RAW, saves=("a", "result"))
def _svd_vh(a):
    return _reduced_svd(a, 2)


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
def _(g, a, out):
    """gU alone: U [skew(U^T gU) S / E] Vh, plus (I - U U^T) gU S^-1 Vh for a tall A (m > k)."""
    U, S, Vh = out, _svdvals(a), _svd_vh(a)
    UtgU = U.mT @ g
    inner = (UtgU - UtgU.mT) * S.unsqueeze(-2) / _skew_over_gaps(S)
    if a.shape[-2] > S.shape[-1]:
        gU_over_S = g / S.unsqueeze(-2)
        return (U @ inner + gU_over_S - U @ (U.mT @ gU_over_S)) @ Vh
    return U @ inner @ Vh


@_svd_vh.vjp
def _(g, a, out):
    """gVh alone: U [S skew(Vh gVh^T) / E] Vh, plus U S^-1 gVh (I - V Vh) for a wide A (n > k)."""
    U, S, Vh = _svd_u(a), _svdvals(a), out
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
    _check_matrix("linalg.svd", A)
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with "
                           "cuSOLVER backend.")
    if A.numel() and A.dtype not in (_dtype.float32, _dtype.float64):   # an empty matrix has nothing to refuse
        raise NotImplementedError(f"\"linalg_svd_cpu\" not implemented for '{_dtype.scalar_type_name(A.dtype)}'")
    return _with_out(_svdvals(A), out)


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
    n = a.shape[-1]
    if a.size == 0:
        return np.zeros(a.shape[:-1] if part == 0 else a.shape, a.dtype)
    matrices = a.reshape(-1, n, n)
    if part == 0:
        values = [scipy.linalg.eigh(m, lower=not upper, eigvals_only=True, check_finite=False, driver="evd")
                  for m in matrices]
        return np.stack(values).reshape(a.shape[:-1])
    vectors = [scipy.linalg.eigh(m, lower=not upper, check_finite=False, driver="evd")[1] for m in matrices]
    return np.stack(vectors).reshape(a.shape)


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
    if not isinstance(A, Tensor):
        raise TypeError(f"linalg_eigvalsh(): argument 'A' (position 1) must be Tensor, not {type(A).__name__}")
    if UPLO not in ("L", "U", "l", "u"):
        raise RuntimeError(f"linalg.eigvalsh: Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    if A.ndim < 2:
        raise RuntimeError("linalg.eigh: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.eigh: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    if A.numel() and A.dtype not in (_dtype.float32, _dtype.float64):   # an empty matrix has nothing to refuse
        raise NotImplementedError(f"\"linalg_eigh_cpu\" not implemented for '{_dtype.scalar_type_name(A.dtype)}'")
    return _with_out(_eigvalsh(A, upper=UPLO in ("U", "u")), out)
