"""Determinants, inverses and linear solves (torch.linalg.det, slogdet, inv, inv_ex, solve, solve_ex and torch.logdet)
and what torch builds from them and from the products: matrix_power, multi_dot, cross, vecdot, diagonal, vander, norm,
cond, matrix_rank, pinv (torch.pinverse), tensorinv, tensorsolve; and linalg.lstsq.

Five primitives carry the derivatives, each with its rule from torch's derivatives.yaml written with mtv2 ops (so
double backward works): det, slogdet (logabsdet; the sign is not differentiable), inv_ex, solve_ex and lstsq. LAPACK's
getrf/getrs through scipy, matrix by matrix in the input's precision: the routines torch's CPU kernels call, so a
singular matrix reports the same `info` (the first zero pivot, 1-based). Everything else is a composite of ops.
"""
import collections

import numpy as np
import scipy.linalg

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._registry import RAW, op
from ._surface import public
from .elementwise import _with_out
from .linalg import LinAlgError, _check_tensors, _dims_text, matmul, mm
from .linalg_svd import _svd_u, _svd_vh, _svdvals, matrix_norm, svdvals
from .reduction import vector_norm


def _result_type(name, *fields):
    result = collections.namedtuple(name, fields)
    result.__module__ = "mtv2.return_types"
    return result


_SlogdetResult = _result_type("linalg_slogdet", "sign", "logabsdet")
_InvExResult = _result_type("linalg_inv_ex", "inverse", "info")
_SolveExResult = _result_type("linalg_solve_ex", "result", "info")


# ---------------------------------------------------------------- checks

def _check_square(name, A):
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")


def _check_floating(name, A, low_precision=True):
    if not A.dtype.is_floating_point:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{_dtype.scalar_type_name(A.dtype)}")
    if not low_precision and A.dtype in (_dtype.float16, _dtype.bfloat16):
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got {_dtype.scalar_type_name(A.dtype)}")


def _refuse_half_lu(A):
    """torch's det factors with lu_cpu, which has no half kernels; an empty matrix has nothing to factor."""
    if A.numel() and A.dtype not in (_dtype.float32, _dtype.float64):
        raise NotImplementedError(f"\"lu_cpu\" not implemented for '{_dtype.scalar_type_name(A.dtype)}'")


def _raise_singular(name, info, message):
    failed = np.flatnonzero(info._data.ravel())
    if failed.size:
        where = f"(Batch element {failed[0]}): " if info.ndim else ""
        raise LinAlgError(f"{name}: {where}" + message.format(info._data.ravel()[failed[0]]))


# ---------------------------------------------------------------- primitives: det, slogdet, inv_ex, solve_ex

def _gesv(a, b):
    """(X, info) solving A X = B per matrix with getrf + getrs (LAPACK's gesv, as torch's linalg_solve_ex): each of
    A's matrices is factored once, info has A's batch shape (as torch's: B's batch dims do not reach it), the solves
    run over the broadcast batch. A singular matrix gives info > 0 and getrs' inf/NaN, like torch's."""
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    info = np.zeros(a.shape[:-2], np.int32)
    result = np.empty(batch + b.shape[-2:], a.dtype)
    if a.size == 0:
        return result, info
    getrf, getrs = scipy.linalg.lapack.get_lapack_funcs(("getrf", "getrs"), dtype=a.dtype)
    factors = {}
    for index in np.ndindex(a.shape[:-2]):
        lu, pivots, info[index] = getrf(a[index])
        factors[index] = lu, pivots
    # which of A's matrices (and B's) each broadcast batch element reads
    a_index = np.broadcast_to(np.arange(int(np.prod(a.shape[:-2], dtype=np.int64))).reshape(a.shape[:-2]), batch)
    b = np.broadcast_to(b, result.shape)
    for index in np.ndindex(batch):
        lu, pivots = factors[np.unravel_index(a_index[index], a.shape[:-2])]
        result[index] = getrs(lu, pivots, b[index])[0] if b.shape[-1] else b[index]
    return result, info


@op("linalg_inv_ex", promotion=RAW, extra_outputs=("info",), saves=("result",))
def _inv_ex(a):
    """torch computes the inverse as solve(A, I)."""
    identity = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
    return _gesv(a, identity)


@_inv_ex.vjp
def _(g, inverse):
    """-A^-T g A^-T"""
    return -(inverse.mT @ g @ inverse.mT)


@op("linalg_solve_ex", promotion=RAW, extra_outputs=("info",), saves=("a", "result"))
def _solve_ex(a, b):
    """X with A X = B for matrices B (the vector case is a column, made so by the caller); batches broadcast."""
    return _gesv(a, b)


@_solve_ex.vjp
def _(g, a, result):
    """torch's linalg_solve_backward: gB = A^-T g, gA = -gB X^T."""
    grad_b = _solve_ex(a.mT, g)[0]
    return -(grad_b @ result.mT), grad_b


def _lu_determinants(a):
    """(sign, log|det|) per matrix from getrf, as torch's det reads them off the LU factors."""
    sign = np.ones(a.shape[:-2], a.dtype)
    logabsdet = np.zeros(a.shape[:-2], a.dtype)
    if a.size == 0:
        return sign, logabsdet
    getrf = scipy.linalg.lapack.get_lapack_funcs("getrf", dtype=a.dtype)
    for index in np.ndindex(a.shape[:-2]):
        lu, pivots = getrf(a[index])[:2]
        diagonal = np.diagonal(lu)
        swaps = np.count_nonzero(pivots != np.arange(len(pivots)))
        sign[index] = (-1) ** swaps * np.prod(np.sign(diagonal))
        logabsdet[index] = np.sum(np.log(np.abs(diagonal)))
    return sign, logabsdet


@op("linalg_det", promotion=RAW, saves=("a", "result"))
def _det(a):
    if a.size == 0:
        return np.ones(a.shape[:-2], a.dtype)   # the empty product
    # the product of the LU factor's diagonal with the pivots' sign, torch's formula (not exp of the log)
    determinant = np.empty(a.shape[:-2], a.dtype)
    getrf = scipy.linalg.lapack.get_lapack_funcs("getrf", dtype=a.dtype)
    for index in np.ndindex(a.shape[:-2]):
        lu, pivots = getrf(a[index])[:2]
        swaps = np.count_nonzero(pivots != np.arange(len(pivots)))
        determinant[index] = np.prod(np.diagonal(lu)) * (-1 if swaps % 2 else 1)
    return determinant


@_det.vjp
def _(g, a, determinant):
    """g det A^-T (torch's nonsingular case)."""
    return (g * determinant).unsqueeze(-1).unsqueeze(-1) * _inv_ex(a)[0].mT


@op("linalg_slogdet", promotion=RAW, saves=("a",))
def _slogdet(a):
    return _lu_determinants(a)[1]


@_slogdet.vjp
def _(g, a):
    """g A^-T"""
    return g.unsqueeze(-1).unsqueeze(-1) * _inv_ex(a)[0].mT


@op("linalg_slogdet_sign", promotion=RAW, saves=("a",))
def _slogdet_sign(a):
    """The sign of the determinant: torch's slogdet marks it differentiable, and its gradient (real inputs) is 0."""
    return _lu_determinants(a)[0]


@_slogdet_sign.vjp
def _(g, a):
    from ..creation import zeros_like
    return zeros_like(a)


# ---------------------------------------------------------------- det, slogdet, logdet

@public("det", method=True)
def det(A, *, out=None):
    """torch.linalg.det (also torch.det): the determinant of each matrix."""
    _check_tensors("linalg_det", A=A)
    _check_square("linalg.det", A)
    _check_floating("linalg.det", A)
    _refuse_half_lu(A)
    return _with_out(_det(A), out)


def slogdet(A, *, out=None):
    """torch.linalg.slogdet: (sign, log|det|) of each matrix; a singular one has sign 0 and -inf."""
    _check_tensors("linalg_slogdet", A=A)
    _check_square("linalg.slogdet", A)
    _check_floating("linalg.slogdet", A, low_precision=False)
    sign, logabsdet = _slogdet_sign(A), _slogdet(A)
    if out is not None:
        sign, logabsdet = _with_out(sign, out[0]), _with_out(logabsdet, out[1])
    return _SlogdetResult(sign, logabsdet)


@public("slogdet", method=True)
def slogdet_legacy(input, *, out=None):
    """torch.slogdet: torch.linalg.slogdet under the name the error messages give."""
    return slogdet(input, out=out)


@public(method=True)
def logdet(input):
    """torch.logdet: log(det), NaN where the determinant is negative (torch's composite of slogdet)."""
    _check_tensors("logdet", input=input)
    _check_square("logdet", input)
    _check_floating("logdet", input, low_precision=False)
    return _slogdet(input).masked_fill(_slogdet_sign(input) == -1, float("nan"))


# ---------------------------------------------------------------- inv, inv_ex, solve, solve_ex

def inv_ex(A, *, check_errors=False, out=None):
    """torch.linalg.inv_ex: (inverse, info), info the first zero pivot of A's LU factorization (0 when invertible)."""
    _check_tensors("linalg_inv_ex", A=A)
    _check_square("linalg.inv", A)
    _check_floating("linalg.inv", A, low_precision=False)
    inverse, info = _inv_ex(A)
    if check_errors:
        _raise_singular("linalg.inv", info, "The diagonal element {} is zero, the inversion could not be completed "
                                            "because the input matrix is singular.")
    if out is not None:
        inverse, info = _with_out(inverse, out[0]), _with_out(info, out[1])
    return _InvExResult(inverse, info)


def inv(A, *, out=None):
    """torch.linalg.inv: LinAlgError for a singular matrix."""
    return _with_out(inv_ex(A, check_errors=True)[0], out)


@public("inverse", method=True)
def inverse(input, *, out=None):
    """torch.inverse: torch.linalg.inv."""
    return inv(input, out=out)


def _solve(name, A, B, left, check_errors):
    _check_tensors("linalg_solve_ex", A=A, B=B)
    _check_square("linalg.solve", A)
    # linalg.solve refuses half types itself; solve_ex leaves them to lu_cpu (NotImplementedError)
    _check_floating("linalg.solve", A, low_precision=name.endswith("_ex"))
    if A.dtype is not B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{_dtype.scalar_type_name(A.dtype)} and B of type {_dtype.scalar_type_name(B.dtype)} "
                           f"instead")
    # torch's linalg_solve_is_vector_rhs: B is a vector (batch) when it is 1-D or has A's shape minus its last dim
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    matrix_b = B.unsqueeze(-1) if vector else B
    inner = matrix_b.shape[-2] if left else matrix_b.shape[-1]
    if inner != A.shape[-1]:
        equation = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation {equation} "
                           f"({_dims_text(A.shape[-2:])} and {_dims_text(matrix_b.shape[-2:])})")
    _check_batches_broadcast(A.shape[:-2], matrix_b.shape[:-2])
    _refuse_half_lu(A)
    if left:
        result, info = _solve_ex(A, matrix_b)
    else:   # X A = B is A^T X^T = B^T
        result, info = _solve_ex(A.mT, matrix_b.mT)
        result = result.mT
    if check_errors:
        _raise_singular(name, info, "The solver failed because the input matrix is singular.")
    return (result.squeeze(-1) if vector else result), info


def _check_batches_broadcast(first, second):
    """torch broadcasts the batch dims with expand's check (message and dim numbering are its)."""
    ndim = max(len(first), len(second))
    first, second = (1,) * (ndim - len(first)) + tuple(first), (1,) * (ndim - len(second)) + tuple(second)
    for dim, (a, b) in reversed(list(enumerate(zip(first, second)))):
        if a != b and 1 not in (a, b):
            raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton "
                               f"dimension {dim}")


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """torch.linalg.solve_ex: (X, info)."""
    result, info = _solve("torch.linalg.solve_ex", A, B, left, check_errors)
    if out is not None:
        result, info = _with_out(result, out[0]), _with_out(info, out[1])
    return _SolveExResult(result, info)


def solve(A, B, *, left=True, out=None):
    """torch.linalg.solve: X with A X = B (left) or X A = B; LinAlgError for a singular A."""
    return _with_out(_solve("torch.linalg.solve", A, B, left, True)[0], out)


# ---------------------------------------------------------------- matrix_power, multi_dot

@public(method=True)
def matrix_power(A, n, *, out=None):
    """torch.linalg.matrix_power (also torch.matrix_power): A^n by torch's binary exponentiation (the same
    products in the same order); a negative n inverts first, n = 0 gives the identity (zero gradient)."""
    _check_tensors("linalg_matrix_power", A=A)
    _check_square("linalg.matrix_power", A)
    if n == 0:
        from ..creation import eye
        return _with_out(A.clone().copy_(eye(A.shape[-1], dtype=A.dtype)), out)
    if n < 0:
        A, n = inv(A), -n
    if n == 1:
        return _with_out(A.clone(), out)
    if n == 2:
        return _with_out(matmul(A, A), out)
    if n == 3:
        return _with_out(matmul(matmul(A, A), A), out)
    power, result = None, None
    while n > 0:
        bit, n = n % 2, n // 2
        power = A if power is None else matmul(power, power)
        if bit:
            result = power if result is None else matmul(result, power)
    return _with_out(result, out)


def multi_dot(tensors, *, out=None):
    """torch.linalg.multi_dot: the chain of products in the order of fewest multiplications (torch's choice)."""
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    first_ndim, last_ndim = tensors[0].ndim, tensors[-1].ndim
    if first_ndim not in (1, 2):
        raise RuntimeError(f"multi_dot(): the first tensor must be 1D or 2D but got {first_ndim}D")
    if last_ndim not in (1, 2):
        raise RuntimeError(f"multi_dot(): the last tensor must be 1D or 2D but got {last_ndim}D")
    for index, tensor in enumerate(tensors[1:-1], start=1):
        if tensor.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {index} must be 2D but got {tensor.ndim}D")
    for index, tensor in enumerate(tensors):
        if tensor.dtype is not tensors[0].dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                               f"{_dtype.c_type_name(tensors[0].dtype)} and tensor {index} "
                               f"{_dtype.c_type_name(tensor.dtype)}")
    matrices = list(tensors)
    if first_ndim == 1:
        matrices[0] = matrices[0].unsqueeze(0)
    if last_ndim == 1:
        matrices[-1] = matrices[-1].unsqueeze(-1)
    for index in range(len(matrices) - 1):
        if matrices[index].shape[1] != matrices[index + 1].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {index} and {index + 1} with shapes "
                               f"{list(tensors[index].shape)} and {list(tensors[index + 1].shape)} cannot be "
                               f"multiplied")
    result = _chain_product(matrices)
    if first_ndim == 1 and last_ndim == 1:
        result = result.reshape(())
    elif first_ndim == 1:
        result = result.squeeze(0)
    elif last_ndim == 1:
        result = result.squeeze(-1)
    return _with_out(result, out)


def _chain_product(matrices):
    if len(matrices) == 2:
        return mm(*matrices)
    if len(matrices) == 3:
        a, b, c = matrices
        rows, inner1, inner2, columns = a.shape[0], b.shape[0], c.shape[0], c.shape[1]
        # torch compares the two costs and multiplies left first on a tie
        if rows * inner2 * (inner1 + columns) > inner1 * columns * (rows + inner2):
            return mm(a, mm(b, c))
        return mm(mm(a, b), c)
    # the matrix chain order (dynamic programming, torch's matrix_chain_order), then the products it chose
    sizes = [matrices[0].shape[0]] + [m.shape[1] for m in matrices]
    count = len(matrices)
    cost = [[0] * count for _ in range(count)]
    split = [[0] * count for _ in range(count)]
    for length in range(1, count):
        for i in range(count - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                candidate = cost[i][k] + cost[k + 1][j] + sizes[i] * sizes[k + 1] * sizes[j + 1]
                if cost[i][j] is None or candidate < cost[i][j]:
                    cost[i][j], split[i][j] = candidate, k

    def product(i, j):
        if i == j:
            return matrices[i]
        return mm(product(i, split[i][j]), product(split[i][j] + 1, j))
    return product(0, count - 1)


# ---------------------------------------------------------------- cross, vecdot, diagonal, vander

def cross(input, other, *, dim=-1, out=None):
    """torch.linalg.cross: the cross product of 3-vectors along dim; batch dims broadcast."""
    _check_tensors("linalg_cross", input=input, other=other)
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    dim = _wrap_dim(dim, input.ndim, "linalg.cross")
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim if dim < 0 else dim} must have length 3. Got "
                           f"{input.shape[dim]} and {other.shape[dim]}")
    if input.dtype is not other.dtype:
        raise RuntimeError(f"expected scalar type {_dtype.scalar_type_name(input.dtype)} but found "
                           f"{_dtype.scalar_type_name(other.dtype)}")
    if input.dtype is _dtype.bool:
        raise NotImplementedError("\"cross\" not implemented for 'Bool'")
    a = [input.select(dim, i) for i in range(3)]
    b = [other.select(dim, i) for i in range(3)]
    from .joining import stack
    result = stack([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]], dim)
    return _with_out(result, out)


@public("cross", method=True)
def cross_legacy(input, other, dim=None, *, out=None):
    """torch.cross: linalg.cross along dim, by default (deprecated) the first dim of size 3."""
    if dim is None:
        import warnings
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=2)
        dim = next((d for d, size in enumerate(input.shape) if size == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return cross(input, other, dim=dim, out=out)


def vecdot(x, y, *, dim=-1, out=None):
    """torch.linalg.vecdot: sum(x * y, dim) (x conjugated: real here)."""
    _check_tensors("linalg_vecdot", x=x, y=y)
    if not x.dtype.is_floating_point:
        raise RuntimeError(f"linalg.vecdot: Expected a floating point or complex tensor as input. Got "
                           f"{_dtype.scalar_type_name(x.dtype)}")
    if x.dtype is not y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
                           f"{_dtype.scalar_type_name(x.dtype)} and y of type {_dtype.scalar_type_name(y.dtype)} "
                           f"instead")
    return _with_out((x * y).sum(dim), out)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """torch.linalg.diagonal: torch.diagonal with the last two dims as default."""
    return A.diagonal(offset, dim1, dim2)


def vander(x, *, N=None):
    """torch.linalg.vander: columns x^0 .. x^(N-1), built as torch does: ones, then the cumulative product."""
    _check_tensors("linalg_vander", x=x)
    if x.dtype in (_dtype.bool, _dtype.float16, _dtype.bfloat16):   # float and double only among floating types
        raise RuntimeError(f"linalg.vander supports floating point, complex, and integer tensors, but got "
                           f"{_dtype.scalar_type_name(x.dtype)}")
    x = x.unsqueeze(-1) if x.ndim == 0 else x
    n = x.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    powers = x.unsqueeze(-1).expand(*x.shape, n - 1).cumprod(-1)
    from ..creation import ones
    from .joining import cat
    return cat([ones(*x.shape, 1, dtype=x.dtype), powers], -1)


# ---------------------------------------------------------------- norm, cond, matrix_rank, pinv

def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """torch.linalg.norm: a vector norm, or a matrix norm when ord is given with two dims (or a 2-D input)."""
    _check_tensors("linalg_norm", input=A)
    if dim is not None:
        dims = list(dim) if isinstance(dim, (list, tuple)) else [dim]
        if len(dims) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {dims}")
    elif ord is not None and A.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                           f"{A.ndim}D.")
    if isinstance(ord, str) or (ord is not None and (len(dims) == 2 if dim is not None else A.ndim == 2)):
        return _with_out(matrix_norm(A, ord, (0, 1) if dim is None else dim, keepdim, dtype=dtype), out)
    return _with_out(vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype), out)


def cond(A, p=None, *, out=None):
    """torch.linalg.cond: the 2-norm condition number from the singular values, the others as
    ||A|| ||A^-1|| (inf where A is singular); 0 for empty matrices."""
    _check_tensors("linalg_cond", input=A)
    if A.ndim < 2:
        raise RuntimeError("linalg.cond: The input tensor must have at least 2 dimensions.")
    ord = 2 if p is None else p
    if ord not in (2, -2, 1, -1, float("inf"), -float("inf"), "fro", "nuc"):
        raise RuntimeError(f"linalg.cond got an invalid norm type: {ord}")
    if A.numel() == 0:
        from ..creation import zeros
        return _with_out(zeros(tuple(A.shape[:-2]), dtype=A.dtype), out)
    if ord in (2, -2):
        values = svdvals(A)
        largest, smallest = values.narrow(-1, 0, 1), values.narrow(-1, values.shape[-1] - 1, 1)
        result = smallest / largest if ord == -2 else largest / smallest
        return _with_out(result.squeeze(-1), out)
    label = ord if isinstance(ord, str) else (f"{float(ord):f}" if isinstance(ord, float) and abs(ord) != float("inf")
                                              else str(int(ord) if abs(ord) == 1 else ord))
    _check_square(f"linalg.cond(ord={label})", A)
    if ord == "nuc":
        # torch's nuclear branch: a plain inverse (matrix_norm's SVD would refuse the infinities of a singular one)
        return _with_out(matrix_norm(A, ord) * matrix_norm(inv(A), ord), out)
    inverse, info = inv_ex(A)
    # in place, as torch: inv_ex's node saved this inverse, so backward through it raises (the version check)
    inverse.masked_fill_((info > 0).unsqueeze(-1).unsqueeze(-1), float("inf"))
    result = matrix_norm(A, ord) * matrix_norm(inverse, ord)
    from .. import nan_to_num
    return _with_out(nan_to_num(result, float("inf"), float("inf"), -float("inf")), out)   # 0 * inf is inf, as NumPy


def _tolerances(A, atol, rtol):
    """torch's get_atol_rtol: rtol defaults to eps * max(m, n), or to 0 when a positive atol is given."""
    epsilon = _dtype.finfo(A.dtype).eps
    default_rtol = epsilon * max(A.shape[-1], A.shape[-2])
    as_tensor = lambda value: value if isinstance(value, Tensor) else _float64_scalar(value)
    if rtol is None:
        rtol = default_rtol if atol is None else _where_positive(as_tensor(atol), 0.0, default_rtol)
    return as_tensor(0.0 if atol is None else atol), as_tensor(rtol)


def _float64_scalar(value):
    from ..creation import tensor
    return tensor(float(value), dtype=_dtype.float64)


def _where_positive(atol, zero, default):
    from .. import where
    return where(atol > 0, _float64_scalar(zero), _float64_scalar(default))


def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """torch.linalg.matrix_rank: the number of singular values above max(atol, rtol * largest)."""
    _check_tensors("linalg_matrix_rank", input=A)
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions.")
    if tol is not None:
        atol, rtol = tol, 0.0   # the legacy tol= is an absolute tolerance
    atol, rtol = _tolerances(A, atol, rtol)
    # hermitian: torch takes |eigvalsh(A)| of A's lower triangle, which are the singular values of that symmetric matrix
    values = svdvals(_lower_symmetric(A) if hermitian else A).detach()
    if values.shape[-1] == 0:
        from ..creation import zeros
        return _with_out(zeros(tuple(A.shape[:-2]), dtype=_dtype.int64), out)
    from .. import maximum
    tolerance = maximum(atol.unsqueeze(-1), rtol.unsqueeze(-1) * values.amax(-1, keepdim=True))
    return _with_out((values > tolerance).sum(-1), out)


def pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """torch.linalg.pinv: V diag(1/S) U^T over the singular values above max(atol, rtol * largest)."""
    _check_tensors("linalg_pinv", input=A)
    if A.ndim < 2 or A.dtype not in (_dtype.float32, _dtype.float64):
        type_name = _dtype.scalar_type_name(A.dtype)
        raise RuntimeError(f"linalg.pinv({type_name}{{{list(A.shape)}}}): expected a tensor with 2 or more "
                           f"dimensions of float, double, cfloat or cdouble types")
    if rcond is not None:
        rtol = rcond
    atol, rtol = _tolerances(A, atol, rtol)
    return _with_out(_pinv(A, atol, rtol, hermitian=hermitian), out)


@op("linalg_pinv", promotion=RAW, saves=("a", "result"))
def _pinv(a, atol, rtol, hermitian=False):
    """V diag(1/S) U^T, 1/S only where S > max(atol, rtol * S_max) (0 elsewhere), as torch's linalg_pinv;
    hermitian: U diag(1/w) U^T from the eigendecomposition of A's lower triangle (torch's eigh path), |w| > tolerance."""
    batch, (m, n) = a.shape[:-2], a.shape[-2:]
    result = np.zeros(batch + (n, m), a.dtype)
    if a.size == 0:
        return result
    atol, rtol = np.broadcast_to(atol, batch), np.broadcast_to(rtol, batch)
    for index in np.ndindex(batch):
        if hermitian:
            S, U = scipy.linalg.eigh(a[index], lower=True, check_finite=False, driver="evd")
            magnitudes, Vh = np.abs(S), U.T
        else:
            U, S, Vh = scipy.linalg.svd(a[index], full_matrices=False, check_finite=False)
            magnitudes = S
        tolerance = max(atol[index], rtol[index] * magnitudes.max()) if S.size else 0
        kept = magnitudes > tolerance
        inverse_values = np.where(kept, 1 / np.where(kept, S, 1), 0).astype(a.dtype)
        result[index] = (Vh.T * inverse_values) @ U.T
    return result


@_pinv.vjp
def _(g, a, pinv_a):
    """torch's pinv_backward (FunctionsManual.cpp), with the products ordered for the smaller dimension."""
    m, n = a.shape[-2:]
    pinv_t, g_t = pinv_a.mT, g.mT
    if m <= n:
        K = g_t @ pinv_a
        K_pinv_t = K @ pinv_t
        return -(pinv_a @ K).mT + K_pinv_t - (a @ pinv_a) @ K_pinv_t + (pinv_t @ pinv_a) @ (g_t - K @ a), None, None
    K = pinv_a @ g_t
    pinv_t_K = pinv_t @ K
    return -(K @ pinv_a).mT + (g_t - a @ K) @ pinv_a @ pinv_t + pinv_t_K - pinv_t_K @ pinv_a @ a, None, None


def _lower_symmetric(A):
    return A.tril() + A.tril(-1).mT


@public(method=True)
def pinverse(input, rcond=1e-15):
    """torch.pinverse: linalg.pinv with rcond as the relative tolerance."""
    return pinv(input, rtol=rcond)


# ---------------------------------------------------------------- tensorinv, tensorsolve

def tensorinv(A, ind=2, *, out=None):
    """torch.linalg.tensorinv: the inverse of A seen as a matrix of its first `ind` dims by the rest."""
    _check_tensors("linalg_tensorinv", input=A)
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows = int(np.prod(A.shape[:ind], dtype=np.int64))
    columns = int(np.prod(A.shape[ind:], dtype=np.int64))
    if rows != columns:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {columns} != {rows}")
    inverse, info = inv_ex(A.reshape(rows, rows))
    _raise_singular("inv", info, "The diagonal element {} is zero, the inversion could not be completed because the "
                                 "input matrix is singular.")
    return _with_out(inverse.reshape(*A.shape[ind:], *A.shape[:ind]), out)


def tensorsolve(A, B, dims=None, *, out=None):
    """torch.linalg.tensorsolve: X with tensordot(A, X, X.ndim) = B, A's `dims` moved to the end first."""
    _check_tensors("linalg_tensorsolve", A=A, B=B)
    if dims is not None:
        dims = [_wrap_dim(d, A.ndim, "linalg.tensorsolve") for d in dims]
        A = A.permute([d for d in range(A.ndim) if d not in dims] + dims)
    result_shape = A.shape[B.ndim:]
    result_size = int(np.prod(result_shape, dtype=np.int64))
    other_size = int(np.prod(A.shape[:B.ndim], dtype=np.int64))
    if result_size != other_size:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {result_size} != {other_size}")
    return _with_out(solve(A.reshape(other_size, result_size), B.flatten()).reshape(result_shape), out)


# ---------------------------------------------------------------- lstsq
# LAPACK's least-squares drivers through SciPy, matrix by matrix in the input's precision: gelsy (torch's CPU default,
# QR with column pivoting), gelsd and gelss (SVD: also the singular values), gels (QR, full rank assumed: no rank).
# The solution's derivative is torch's linalg_lstsq_backward, that of pinv(A) B; the residuals are a composite of the
# solution, whose gradient is torch's.
_LstsqResult = _result_type("linalg_lstsq", "solution", "residuals", "rank", "singular_values")
LSTSQ_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


@op("linalg_lstsq", promotion=RAW, extra_outputs=("rank", "singular_values"), saves=("a", "b"))
def _lstsq(a, b, rcond=0.0, driver="gelsy"):
    """(LAPACK's right-hand-side buffer, transposed: batch x k x max(m, n), whose first n columns are the solutions
    X^T minimising |A X - B| per column; rank; singular values). torch's solution is a view of that column-major
    buffer, so the caller takes X as buffer.mT[..., :n, :] and has torch's strides. rank is empty for gels, the
    singular values are empty but for gelsd and gelss; batches broadcast."""
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    (m, n), k = a.shape[-2:], b.shape[-1]
    buffer = np.zeros(batch + (k, max(m, n)), a.dtype)
    rank = np.zeros(batch if driver != "gels" else (0,), np.int64)
    values = np.zeros(batch + (min(m, n),) if driver in ("gelsd", "gelss") else (0,), a.dtype)
    if m == 0 or n == 0 or k == 0 or buffer.size == 0:
        return buffer, rank, values
    a, b = np.broadcast_to(a, batch + (m, n)), np.broadcast_to(b, batch + (m, k))
    for index in np.ndindex(batch):
        if driver == "gels":
            gels = scipy.linalg.lapack.get_lapack_funcs("gels", dtype=a.dtype)
            padded = np.zeros((max(m, n), k), a.dtype)
            padded[:m] = b[index]
            buffer[index][:, :n] = gels(a[index], padded)[1][:n].T
            continue
        x, _, rank[index], s = scipy.linalg.lstsq(a[index], b[index], cond=rcond, lapack_driver=driver,
                                                  check_finite=False)
        buffer[index][:, :n] = x.T
        if driver != "gelsy":
            values[index] = s
    return buffer, rank, values


@_lstsq.vjp
def _(g, a, b):
    """torch's linalg_lstsq_backward: the derivative of X = pinv(A) B (pinv_backward for A, pinv(A)^T gX for B).
    Only the solution's part of the buffer is ever read (the rest is not exposed), so gX is that part of g."""
    grad_x = g.mT[..., :a.shape[-1], :]
    pinv_a = pinv(a)
    return _pinv.rule(grad_x @ b.mT, a, pinv_a)[0], pinv_a.mT @ grad_x


def lstsq(A, B, rcond=None, *, driver=None):
    """torch.linalg.lstsq: (solution, residuals, rank, singular_values). residuals, |A X - B|^2 per column, only
    where m > n, the driver is not gelsy and every matrix has full rank; otherwise, like what a driver does not
    compute, an empty tensor."""
    _check_tensors("linalg_lstsq", self=A, b=B)
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.lstsq: input must have at least 2 dimensions.")
    if B.ndim < 1:
        raise RuntimeError("torch.linalg.lstsq: other must have at least 1 dimension.")
    if A.dtype != B.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's "
                           f"dtype {_dtype.scalar_type_name(A.dtype)} and other's dtype "
                           f"{_dtype.scalar_type_name(B.dtype)}")
    vector_case = B.ndim == A.ndim - 1
    if A.shape[-2] != B.shape[-1 if vector_case else -2]:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size({-1 if vector_case else -2})")
    if A.dtype not in (_dtype.float32, _dtype.float64):
        if rcond is None:   # torch fails first on the default rcond, eps of the dtype
            raise RuntimeError("This function doesn't handle types other than float and double")
        raise NotImplementedError(f"\"linalg_lstsq_cpu\" not implemented for '{_dtype.scalar_type_name(A.dtype)}'")
    driver = "gelsy" if driver is None else driver
    if driver not in LSTSQ_DRIVERS:
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    m, n = A.shape[-2:]
    if rcond is None:
        rcond = _dtype.finfo(A.dtype).eps * max(m, n)
    matrix_B = B.unsqueeze(-1) if vector_case else B
    buffer, rank, values = _lstsq(A, matrix_B, rcond=float(rcond), driver=driver)
    solution = buffer.mT[..., :n, :]
    # an empty residual is still an output of the op (torch's records history: it requires grad with the inputs)
    residuals = solution.reshape(-1)[:0].clone()
    if m > n and driver != "gelsy" and (driver == "gels" or bool((rank._data == n).all())):
        residuals = ((A @ solution - matrix_B) ** 2).sum(-2)
    return _LstsqResult(solution.squeeze(-1) if vector_case else solution, residuals, rank, values)
