"""The QR decomposition: torch.linalg.qr (mode 'reduced', 'complete', 'r') and torch.qr (some=); the Householder form:
torch.geqrf, linalg.householder_product (torch.orgqr) and torch.ormqr (at the end).

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


# ---------------------------------------------------------------- geqrf, householder_product (orgqr), ormqr
# geqrf is LAPACK's (the Householder vectors below R's diagonal, and their scales tau), with no derivative, as in torch.
# householder_product and ormqr multiply the reflectors H_i = I - tau_i v_i v_i^T (v_i: 1 at i, A's column i below)
# with mtv2 ops, so their derivatives (torch's householder_product_backward, ormqr_backward) come from the products.
_GeqrfResult = collections.namedtuple("geqrf", ["a", "tau"])
_GeqrfResult.__module__ = "mtv2.return_types"


@op("geqrf", promotion=RAW, extra_outputs=("tau",))
def _geqrf(a):
    k = min(a.shape[-2:])
    factors = np.array(a, copy=True)
    tau = np.zeros(a.shape[:-2] + (k,), a.dtype)
    if a.size == 0:
        return factors, tau
    geqrf = scipy.linalg.lapack.get_lapack_funcs("geqrf", dtype=a.dtype)
    for index in np.ndindex(a.shape[:-2]):
        factors[index], tau[index] = geqrf(a[index])[:2]
    return factors, tau


_geqrf.no_derivative("geqrf")


@public("geqrf", method=True)
def geqrf(input, *, out=None):
    """torch.geqrf: (a, tau) as LAPACK's geqrf leaves them: R on and above the diagonal, the reflectors below."""
    if not isinstance(input, Tensor):
        raise TypeError(f"geqrf(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.ndim < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    if input.dtype not in (_dtype.float32, _dtype.float64):
        raise NotImplementedError(f"\"geqrf_cpu\" not implemented for '{_dtype.scalar_type_name(input.dtype)}'")
    a, tau = _geqrf(input)
    if out is not None:
        a, tau = _with_out(a, out[0]), _with_out(tau, out[1])
    return _GeqrfResult(a, tau)


def _reflectors(input, count):
    """The Householder vectors as columns: 1 on the diagonal, input's entries below, 0 above."""
    from ..creation import eye
    m = input.shape[-2]
    return input[..., :, :count].tril(-1) + eye(m, count, dtype=input.dtype)


def _apply_reflectors(vectors, tau, other, order, from_left):
    """other multiplied by the reflectors in `order` (indices): H_i C = C - tau_i v_i (v_i^T C), or C H_i."""
    for i in order:
        v = vectors[..., :, i:i + 1]
        scale = tau[..., i:i + 1].unsqueeze(-1)
        other = other - scale * (v @ (v.mT @ other)) if from_left else other - scale * ((other @ v) @ v.mT)
    return other


def _check_kernel(kernel, *tensors):
    for tensor in tensors:
        if tensor.dtype not in (_dtype.float32, _dtype.float64):
            raise NotImplementedError(f"\"{kernel}\" not implemented for '{_dtype.scalar_type_name(tensor.dtype)}'")


def householder_product(A, tau, *, out=None):
    """torch.linalg.householder_product: the first n columns of H_1 ... H_k (LAPACK's orgqr)."""
    name = "torch.linalg.householder_product"
    if A.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if A.shape[-2] < A.shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-2] must be greater than or equal to input.shape[-1]")
    if A.shape[-1] < tau.shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-1] must be greater than or equal to tau.shape[-1]")
    if A.ndim - tau.ndim != 1:
        raise RuntimeError(f"{name}: Expected tau to have one dimension less than input, but got tau.ndim equal to "
                           f"{tau.ndim} and input.ndim is equal to {A.ndim}")
    if tuple(tau.shape[:-1]) != tuple(A.shape[:-2]):
        raise RuntimeError(f"{name}: Expected batch dimensions of tau to be equal to input.shape[:-2], but got "
                           f"{list(tau.shape[:-1])}")
    if tau.dtype != A.dtype:
        raise RuntimeError(f"{name}: tau dtype {_dtype.scalar_type_name(tau.dtype)} does not match input dtype "
                           f"{_dtype.scalar_type_name(A.dtype)}")
    _check_kernel("orgqr_cpu", A)
    from ..creation import eye
    m, n, k = A.shape[-2], A.shape[-1], tau.shape[-1]
    identity = eye(m, n, dtype=A.dtype).expand(*A.shape)
    if k == 0:   # no reflector: still a function of A, as torch's result (it requires grad with A; its gradient is 0)
        identity = identity + 0 * A
    return _with_out(_apply_reflectors(_reflectors(A, k), tau, identity, reversed(range(k)), True), out)


@public("orgqr", method=True)
def orgqr(input, tau):
    """torch.orgqr: linalg.householder_product."""
    return householder_product(input, tau)


@public("ormqr", method=True)
def ormqr(input, tau, other, left=True, transpose=False, *, out=None):
    """torch.ormqr: other multiplied by Q = H_1 ... H_k (from geqrf's input and tau): Q C, Q^T C (left), C Q, C Q^T."""
    name = "torch.ormqr"
    if input.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if other.ndim < 2:
        raise RuntimeError(f"{name}: other must have at least 2 dimensions.")
    side = -2 if left else -1
    if other.shape[side] != input.shape[-2]:
        raise RuntimeError(f"{name}: other.shape[{side}] must be equal to input.shape[-2]")
    if tau.shape[-1] != min(other.shape[side], input.shape[-1]):
        raise RuntimeError(f"{name}: tau.shape[-1] must be equal to min(other.shape[{side}], input.shape[-1])")
    if input.ndim - tau.ndim != 1:
        raise RuntimeError(f"{name}: Expected tau to have one dimension less than input, but got tau.ndim equal to "
                           f"{tau.ndim} and input.ndim is equal to {input.ndim}")
    if input.ndim != other.ndim:
        raise RuntimeError(f"{name}: Expected other to have the same number of dimensions as input, but got "
                           f"other.ndim equal to {other.ndim} and input.ndim is equal to {input.ndim}")
    if tuple(tau.shape[:-1]) != tuple(input.shape[:-2]) or tuple(other.shape[:-2]) != tuple(input.shape[:-2]):
        raise RuntimeError(f"{name}: Expected batch dimensions of tau and other to be equal to input.shape[:-2]")
    for argument, tensor in (("tau", tau), ("other", other)):
        if tensor.dtype != input.dtype:
            raise RuntimeError(f"{name}: Expected input and {argument} to have the same dtype, but got {argument} "
                               f"dtype {_dtype.scalar_type_name(tensor.dtype)} and input dtype "
                               f"{_dtype.scalar_type_name(input.dtype)}")
    _check_kernel("ormqr_cpu", input)
    k = tau.shape[-1]
    # Q C applies H_k first; Q^T C = H_k ... H_1 C applies H_1 first; C Q applies H_1 first; C Q^T H_k first
    forward = transpose if left else not transpose
    order = range(k) if forward else reversed(range(k))
    return _with_out(_apply_reflectors(_reflectors(input, k), tau, other, order, left), out)
