"""The QR decomposition: torch.linalg.qr (mode 'reduced', 'complete', 'r') and torch.qr (some=).

A = Q R with LAPACK's geqrf + orgqr through SciPy, matrix by matrix in the input's precision: the routines torch's CPU
kernel calls, and their Householder signs agreed with torch's on every OpInfo sample (R's diagonal may be negative,
as in torch). Q and R are two ops of A, each with its share of torch's linalg_qr_backward (FunctionsManual.cpp):
that backward is linear in (gQ, gR) through M = gR R^T - Q^T gQ, so the two rules sum to torch's formula, and each,
written with mtv2 ops, is differentiable again.
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
from .linalg import _solve_triangular

_QrResult = collections.namedtuple("linalg_qr", ["Q", "R"])
_QrResult.__module__ = "mtv2.return_types"
_QrLegacyResult = collections.namedtuple("qr", ["Q", "R"])
_QrLegacyResult.__module__ = "mtv2.return_types"

MODES = ("reduced", "complete", "r")


def _factor(a, mode, part):
    """Q (part 0) or R (part 1) of each matrix of `a`. Q of mode 'r' is an empty vector (torch computes none)."""
    m, n = a.shape[-2:]
    rows = m if mode == "complete" else min(m, n)   # Q's columns, R's rows
    if part == 0 and mode == "r":
        return np.zeros((0,), a.dtype)
    result = np.zeros(a.shape[:-2] + ((m, rows) if part == 0 else (rows, n)), a.dtype)
    if a.size == 0:
        if part == 0 and result.size:
            result[...] = np.eye(m, dtype=a.dtype)   # the complete Q of an m x 0 matrix is the identity
        return result
    for index in np.ndindex(a.shape[:-2]):
        if part == 1:
            result[index] = scipy.linalg.qr(a[index], mode="r", check_finite=False)[0][:rows]
        else:
            result[index] = scipy.linalg.qr(a[index], mode="full" if mode == "complete" else "economic",
                                            check_finite=False)[0]
    return result


@op("linalg_qr_q", promotion=RAW, saves=("a", "result", "mode"))
def _qr_q(a, mode="reduced"):
    return _factor(a, mode, 0)


@op("linalg_qr_r", promotion=RAW, saves=("a", "result", "mode"))
def _qr_r(a, mode="reduced"):
    return _factor(a, mode, 1)


def _check_differentiable(mode, m, n):
    if mode == "r":
        raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use "
                           "linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
    if mode == "complete" and m > n:
        raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")


def _qr_backward(M, Q, R, gQ, gR):
    """torch's linalg_qr_backward from M = gR R^T - Q^T gQ, with gQ or gR None for the other rule's share.
    Tall or square: (Q syminvadj(triu(M)) + gQ) R^-T, syminvadj(X) = X + X^T with the diagonal halved.
    Wide (m < n): [Q tril(X - X^T) R1^-T, 0] + Q gR for X = -M and R1 = R's leading m x m block."""
    m, n = Q.shape[-2], R.shape[-1]
    if m >= n:
        upper = M.triu()
        symmetric = upper + upper.mT
        grad = Q @ (symmetric - 0.5 * symmetric.diagonal(0, -2, -1).diag_embed())
        if gQ is not None:
            grad = grad + gQ
        return _solve_triangular(R.mT, grad, upper=False, left=False)
    grad = _solve_triangular(R[..., :m].mT, Q @ (M.mT - M).tril(), upper=False, left=False)
    from .joining import cat
    grad = cat([grad, grad.new_zeros(*grad.shape[:-1], n - m)], -1)
    return grad + Q @ gR if gR is not None else grad


@_qr_q.vjp
def _(g, a, Q, mode):
    _check_differentiable(mode, a.shape[-2], a.shape[-1])
    return _qr_backward(-(Q.mT @ g), Q, _qr_r(a, mode=mode), g, None)


@_qr_r.vjp
def _(g, a, R, mode):
    _check_differentiable(mode, a.shape[-2], a.shape[-1])
    return _qr_backward(g @ R.mT, _qr_q(a, mode=mode), R, None, g)


def _qr(name, A, mode):
    if not isinstance(A, Tensor):
        raise TypeError(f"{name}(): argument 'A' (position 1) must be Tensor, not {type(A).__name__}")
    if A.ndim < 2:
        raise RuntimeError("linalg.qr: The input tensor A must have at least 2 dimensions.")
    if not A.dtype.is_floating_point:
        raise RuntimeError(f"linalg.qr: Expected a floating point or complex tensor as input. Got "
                           f"{_dtype.scalar_type_name(A.dtype)}")
    if mode not in MODES:
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           f"or 'complete'")
    if A.dtype not in (_dtype.float32, _dtype.float64):
        raise NotImplementedError(f"\"geqrf_cpu\" not implemented for '{_dtype.scalar_type_name(A.dtype)}'")
    return _qr_q(A, mode=mode), _qr_r(A, mode=mode)


def qr(A, mode="reduced", *, out=None):
    """torch.linalg.qr: (Q, R), Q with orthonormal columns, R upper triangular; mode 'complete' makes Q square,
    mode 'r' computes R only (Q is an empty tensor)."""
    Q, R = _qr("linalg_qr", A, mode)
    if out is not None:
        Q, R = _with_out(Q, out[0]), _with_out(R, out[1])
    return _QrResult(Q, R)


@public("qr", method=True)
def qr_legacy(input, some=True, *, out=None):
    """torch.qr (deprecated in torch for torch.linalg.qr): some=True is mode 'reduced', some=False 'complete'."""
    warnings.warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future PyTorch "
                  "release.\nThe boolean parameter 'some' has been replaced with a string parameter 'mode'.\n"
                  "Q, R = torch.qr(A, some)\nshould be replaced with\n"
                  "Q, R = torch.linalg.qr(A, 'reduced' if some else 'complete')",
                  UserWarning, stacklevel=2)
    Q, R = _qr("qr", input, "reduced" if some else "complete")
    if out is not None:
        Q, R = _with_out(Q, out[0]), _with_out(R, out[1])
    return _QrLegacyResult(Q, R)
