"""Matrix products: matmul, mm, bmm, mv, dot, vdot, outer/ger, and the fused beta * input + alpha * product
ops addmm, baddbmm, addmv; and the factorizations torch.linalg needs: cholesky, cholesky_ex, solve_triangular.

Two primitives carry the derivatives: `matmul` and `addmm` (also registered as baddbmm and addmv, which differ
only in their checks). The torch-level functions check shapes and dtypes the way torch's kernels do (each op
has its own message) and then call one of the two.
"""
import collections
import warnings

import numpy as np
import scipy.linalg

from .. import _dtype
from .._tensor import Tensor
from ._registry import RAW, op
from ._surface import public

# ---------------------------------------------------------------- checks shared by the products

def _check_tensors(name, **arguments):
    for position, (argument, value) in enumerate(arguments.items(), start=1):
        if not isinstance(value, Tensor):
            raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be Tensor, not "
                            f"{type(value).__name__}")


def _refuse_bool(kernel, *tensors, inner, result_numel):
    """torch's CPU products have no bool kernel, but skip it (and so do not refuse) when nothing is multiplied."""
    if tensors[0].dtype is _dtype.bool and inner != 0 and result_numel != 0:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _check_batches_broadcast(name, first_label, first, second_label, second):
    """The matrices' batch dimensions (all but the last two) must broadcast, as torch's linalg checks word it."""
    try:
        np.broadcast_shapes(first.shape[:-2], second.shape[:-2])
    except ValueError:
        raise RuntimeError(f"{name}: the batch dimensions of {first_label} {list(first.shape[:-2])} and "
                           f"{second_label} {list(second.shape[:-2])} cannot be broadcast together") from None


def _dims_text(shape):
    return "x".join(str(size) for size in shape)


def _check_input_expands(input, shape):
    """The `input` of addmm/baddbmm/addmv must broadcast to the product's shape without enlarging it."""
    if input.ndim > len(shape):
        raise RuntimeError(f"expand({list(input.shape)}, size={list(shape)}): the number of sizes provided "
                           f"({len(shape)}) must be greater or equal to the number of dimensions in the tensor "
                           f"({input.ndim})")
    for position in range(1, input.ndim + 1):
        size, target = input.shape[-position], shape[-position]
        if size != 1 and size != target:
            raise RuntimeError(f"The expanded size of the tensor ({target}) must match the existing size ({size}) at "
                               f"non-singleton dimension {len(shape) - position}.  Target sizes: {list(shape)}.  "
                               f"Tensor sizes: {list(input.shape)}")


def _scale_factors(dtype, beta, alpha):
    if dtype.category != _dtype.FLOATING:
        # integer kernels convert the scalars to the tensor's type: 0.5 becomes 0, -1 becomes 255 for uint8
        return tuple(np.asarray(int(scalar)).astype(dtype.numpy_type)[()] for scalar in (beta, alpha))
    return beta, alpha


# ---------------------------------------------------------------- primitives

def _blas_ready(a):
    """a, or a contiguous copy when its matrices are neither row- nor column-major: NumPy hands only such layouts
    to BLAS and multiplies anything else with a plain loop, tens of times slower (a gradient arriving as a
    permuted view would)."""
    if a.ndim < 2 or a.size == 0:
        return a
    item = a.itemsize
    row_stride, column_stride = a.strides[-2], a.strides[-1]
    rows, columns = a.shape[-2], a.shape[-1]
    if (column_stride == item or columns == 1) and row_stride >= columns * item and row_stride % item == 0:
        return a
    if (row_stride == item or rows == 1) and column_stride >= rows * item and column_stride % item == 0:
        return a
    return np.ascontiguousarray(a)


@op("matmul", saves=("a", "b"))
def _matmul(a, b):
    return np.matmul(_blas_ready(a), _blas_ready(b))


def _matmul_grads(g, a, b):
    """Gradients of a @ b, for vectors as well as (batched) matrices."""
    if a.ndim == 1 and b.ndim == 1:
        return g * b, g * a
    # Treat vectors as matrices (a row for a, a column for b), then drop the added dim again.
    a_matrix = a.unsqueeze(0) if a.ndim == 1 else a
    b_matrix = b.unsqueeze(-1) if b.ndim == 1 else b
    g_matrix = g.unsqueeze(-2) if a.ndim == 1 else g
    g_matrix = g_matrix.unsqueeze(-1) if b.ndim == 1 else g_matrix
    grad_a = g_matrix @ b_matrix.transpose(-1, -2)
    if b_matrix.ndim == 2 and _is_transposed(b_matrix._data):
        # b is a transposed view (linear's weight.t()): its gradient is computed transposed too, so that the
        # gradient reaching the weight is laid out like it (torch's mm_mat2_backward does the same)
        grad_b = (g_matrix.transpose(-1, -2) @ a_matrix).transpose(-1, -2)
    else:
        grad_b = a_matrix.transpose(-1, -2) @ g_matrix
    if a.ndim == 1:
        grad_a = grad_a.squeeze(-2)
    if b.ndim == 1:
        grad_b = grad_b.squeeze(-1)
    return grad_a, grad_b  # batch dims that were broadcast are summed away by the engine


def _is_transposed(array):
    return array.strides[0] == array.itemsize and array.strides[1] >= array.shape[0] * array.itemsize > 0 \
        and not array.flags.c_contiguous


@_matmul.vjp
def _(g, a, b):
    return _matmul_grads(g, a, b)


def _scaled_product_plus_input(input, a, b, beta=1, alpha=1):
    product = np.matmul(_blas_ready(a), _blas_ready(b))
    if alpha != 1:
        product = product * alpha
    if beta == 0:
        # torch does not read input when beta is 0: NaN and inf in it do not reach the result
        return product
    if beta == 1 and product.shape == np.broadcast_shapes(product.shape, np.shape(input)):
        return np.add(product, input, out=product)   # the product is a fresh array: add into it
    return product + (input if beta == 1 else input * beta)


def _scaled_product_plus_input_grads(g, a, b, beta, alpha):
    grad_a, grad_b = _matmul_grads(g, a, b)
    if alpha != 1:
        grad_a, grad_b = grad_a * alpha, grad_b * alpha
    return g * beta, grad_a, grad_b  # input's gradient is zeros (not None) when beta is 0, as in torch


_SCALED_PRODUCT_SAVES = ("a", "b", "beta", "alpha")
_addmm = op("addmm", saves=_SCALED_PRODUCT_SAVES)(_scaled_product_plus_input)
_baddbmm = op("baddbmm", saves=_SCALED_PRODUCT_SAVES)(_scaled_product_plus_input)
_addmv = op("addmv", saves=_SCALED_PRODUCT_SAVES)(_scaled_product_plus_input)
for _fused in (_addmm, _baddbmm, _addmv):
    _fused.vjp(_scaled_product_plus_input_grads)


def _with_out(result, out):
    from .elementwise import _with_out as write_out
    return write_out(result, out)


# ---------------------------------------------------------------- matmul

def _matmul_kernel_name(input, other):
    """The torch kernel matmul dispatches to for these shapes (it names the kernel when refusing bool)."""
    if input.ndim == 1 and other.ndim == 1:
        return "dot"
    if other.ndim == 1:
        return "addmv_impl_cpu"
    if other.ndim == 2:
        return "addmm_impl_cpu_"
    return "bmm"


@public(method=True)
def matmul(input, other, *, out=None):
    _check_tensors("matmul", input=input, other=other)
    if input.ndim == 0 or other.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {input.ndim}D and "
                           f"{other.ndim}D")
    inner_a = input.shape[-1]
    inner_b = other.shape[-2] if other.ndim > 1 else other.shape[0]
    if inner_a != inner_b:
        if input.ndim == 1 and other.ndim == 1:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{inner_a}] and src [{inner_b}] to have "
                               f"the same number of elements, but got {inner_a} and {inner_b} elements respectively")
        a_rows = input.shape[-2] if input.ndim > 1 else 1
        b_cols = other.shape[-1] if other.ndim > 1 else 1
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a_rows}x{inner_a} and {inner_b}x{b_cols})")
    if input.dtype is not other.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_dtype.c_type_name(input.dtype)} != {_dtype.c_type_name(other.dtype)}")
    if input.dtype is _dtype.bool:
        if input.ndim == 1 and other.ndim == 1:
            raise NotImplementedError("\"dot\" not implemented for 'Bool'")  # dot refuses bool even when empty
        batch = np.broadcast_shapes(input.shape[:-2], other.shape[:-2])
        rows = input.shape[-2] if input.ndim > 1 else 1
        columns = other.shape[-1] if other.ndim > 1 else 1
        _refuse_bool(_matmul_kernel_name(input, other), input, inner=inner_a,
                     result_numel=int(np.prod(batch, dtype=np.int64)) * rows * columns)
    return _with_out(_matmul(input, other), out)


# ---------------------------------------------------------------- mm, bmm, mv, dot, vdot, outer

@public(method=True)
def mm(input, mat2, *, out=None):
    _check_tensors("mm", input=input, mat2=mat2)
    if input.ndim != 2:
        raise RuntimeError(f"mm: self must be a matrix, got {input.ndim}-D tensor")
    if mat2.ndim != 2:
        raise RuntimeError(f"mm: mat2 must be a matrix, got {mat2.ndim}-D tensor")
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_dims_text(input.shape)} and "
                           f"{_dims_text(mat2.shape)})")
    if input.dtype is not mat2.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_dtype.c_type_name(input.dtype)} != {_dtype.c_type_name(mat2.dtype)}")
    _refuse_bool("addmm_impl_cpu_", input, inner=input.shape[1], result_numel=input.shape[0] * mat2.shape[1])
    return _with_out(_matmul(input, mat2), out)


def _check_batches(batch1, batch2):
    for argument, tensor in (("batch1", batch1), ("batch2", batch2)):
        if tensor.ndim != 3:
            raise RuntimeError(f"{argument} must be a 3D tensor, got {tensor.ndim}-D tensor")
    expected = [batch1.shape[0], batch1.shape[2]]
    if list(batch2.shape[:2]) != expected:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: {expected} but got: "
                           f"{list(batch2.shape[:2])}.")


@public(method=True)
def bmm(input, mat2, *, out=None):
    _check_tensors("bmm", input=input, mat2=mat2)
    _check_batches(input, mat2)
    if input.dtype is not mat2.dtype:
        raise RuntimeError(f"bmm: expected scalar type {_dtype.scalar_type_name(input.dtype)} but found "
                           f"{_dtype.scalar_type_name(mat2.dtype)}")
    _refuse_bool("bmm", input, inner=input.shape[2], result_numel=input.shape[0] * input.shape[1] * mat2.shape[2])
    return _with_out(_matmul(input, mat2), out)


def _check_matrix_vector(input_shape, input_dtype, mat, vec):
    if mat.ndim != 2 or vec.ndim != 1 or len(input_shape) > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {len(input_shape)}, {mat.ndim}, {vec.ndim}")
    if mat.shape[1] != vec.shape[0] or (len(input_shape) == 1 and input_shape[0] not in (1, mat.shape[0])):
        raise RuntimeError(f"size mismatch, got input ({_dims_text(input_shape)}), mat ({_dims_text(mat.shape)}), "
                           f"vec ({_dims_text(vec.shape)})")
    if not input_dtype is mat.dtype is vec.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                           f"{_dtype.scalar_type_name(input_dtype)}, {_dtype.scalar_type_name(mat.dtype)}, and "
                           f"{_dtype.scalar_type_name(vec.dtype)}")


@public(method=True)
def mv(input, vec, *, out=None):
    _check_tensors("mv", input=input, vec=vec)
    # torch's mv is addmv into a fresh result of the promoted dtype: its checks and messages are addmv's
    _check_matrix_vector(input.shape[:1], _dtype.promote_types(input.dtype, vec.dtype), input, vec)
    _refuse_bool("addmv_impl_cpu", input, inner=input.shape[1], result_numel=input.shape[0])
    return _with_out(_matmul(input, vec), out)


def _check_vectors(name, input, tensor):
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"{name}: 1D tensors expected, but got {input.ndim}D and {tensor.ndim}D tensors")
    if input.shape[0] != tensor.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src [{tensor.shape[0]}] "
                           f"to have the same number of elements, but got {input.shape[0]} and {tensor.shape[0]} "
                           f"elements respectively")
    if input.dtype is not tensor.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{_dtype.scalar_type_name(input.dtype)} and {_dtype.scalar_type_name(tensor.dtype)}")
    if input.dtype is _dtype.bool:
        raise NotImplementedError("\"dot\" not implemented for 'Bool'")  # even for empty vectors


@public(method=True)
def dot(input, tensor, *, out=None):
    _check_tensors("dot", input=input, tensor=tensor)
    _check_vectors("dot", input, tensor)
    return _with_out(_matmul(input, tensor), out)


@public(method=True)
def vdot(input, other, *, out=None):
    """dot with the first argument conjugated: mtv2 has real dtypes only, so it is dot."""
    _check_tensors("vdot", input=input, other=other)
    _check_vectors("vdot", input, other)
    return _with_out(_matmul(input, other), out)


@public("outer", "ger", method=True)
def outer(input, vec2, *, out=None):
    """A broadcast product, as torch writes it: it promotes mixed dtypes and accepts bool."""
    _check_tensors("outer", input=input, vec2=vec2)
    for argument, tensor in (("self", input), ("vec2", vec2)):
        if tensor.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {argument}, but got {tensor.ndim}-D")
    return _with_out(input.unsqueeze(1) * vec2, out)


# ---------------------------------------------------------------- addmm, baddbmm, addmv

@public(method=True, inplace=True)
def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    _check_tensors("addmm", input=input, mat1=mat1, mat2=mat2)
    for argument, tensor in (("mat1", mat1), ("mat2", mat2)):
        if tensor.ndim != 2:
            raise RuntimeError(f"{argument} must be a matrix, got {tensor.ndim}-D tensor")
    if mat1.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_dims_text(mat1.shape)} and "
                           f"{_dims_text(mat2.shape)})")
    for first, second in ((input, mat2), (mat1, mat2)):
        if first.dtype is not second.dtype:
            raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                               f"{_dtype.scalar_type_name(first.dtype)} and {_dtype.scalar_type_name(second.dtype)}")
    return _fused_matrix_product(_addmm, "addmm_impl_cpu_", input, mat1, mat2, inner=mat1.shape[1],
                                 shape=(mat1.shape[0], mat2.shape[1]), beta=beta, alpha=alpha, out=out)


@public(method=True, inplace=True)
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    _check_tensors("baddbmm", input=input, batch1=batch1, batch2=batch2)
    _check_batches(batch1, batch2)
    if not input.dtype is batch1.dtype is batch2.dtype:
        raise RuntimeError(f"Input dtypes must be the same, got: input {_dtype.c_type_name(input.dtype)}, batch1: "
                           f"{_dtype.c_type_name(batch1.dtype)}, batch2: {_dtype.c_type_name(batch2.dtype)}")
    return _fused_matrix_product(_baddbmm, "baddbmm", input, batch1, batch2, inner=batch1.shape[2],
                                 shape=(batch1.shape[0], batch1.shape[1], batch2.shape[2]), beta=beta, alpha=alpha,
                                 out=out)


@public(method=True, inplace=True)
def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    _check_tensors("addmv", input=input, mat=mat, vec=vec)
    _check_matrix_vector(input.shape, input.dtype, mat, vec)
    # unlike addmm, addmv with nothing to multiply accepts bool: the result is input * beta
    _refuse_bool("addmv_impl_cpu", input, inner=mat.shape[1], result_numel=mat.shape[0])
    beta, alpha = _scale_factors(input.dtype, beta, alpha)
    return _with_out(_addmv(input, mat, vec, beta=beta, alpha=alpha), out)


def _fused_matrix_product(fused_op, kernel_name, input, first, second, *, inner, shape, beta, alpha, out):
    """addmm and baddbmm past their own shape and dtype checks: input must expand to the product's `shape`,
    bool is refused, and beta and alpha are converted to input's type."""
    _check_input_expands(input, shape)
    numel = int(np.prod(shape, dtype=np.int64))
    _refuse_bool(kernel_name, input, inner=inner, result_numel=numel)
    if input.dtype is _dtype.bool and numel != 0:
        # with nothing to multiply addmm and baddbmm fall back to input * beta with an integer beta: an int64 result
        raise RuntimeError("result type Long can't be cast to the desired output type Bool")
    beta, alpha = _scale_factors(input.dtype, beta, alpha)
    return _with_out(fused_op(input, first, second, beta=beta, alpha=alpha), out)


# ---------------------------------------------------------------- factorizations: cholesky, solve_triangular
# LAPACK's potrf and BLAS's trsm through scipy, matrix by matrix: the routines torch's CPU kernels call, so a
# failed factorization reports the same `info` (measured on 1200 random matrices). The partial factor it leaves is
# LAPACK's and not torch's (MKL factors in blocks): torch promises nothing about it.

class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError (torch._C._LinAlgError): a RuntimeError raised when a factorization fails."""


_CholeskyExResult = collections.namedtuple("linalg_cholesky_ex", ["L", "info"])
_CholeskyExResult.__module__ = "mtv2.return_types"


def _cholesky_kernel(a, upper=False, input_dtype=None):
    """(factor, info): potrf on each matrix's lower (upper) triangle, the other triangle zero. info is LAPACK's: 0,
    or the order of the leading minor that is not positive-definite (the factor is then partial).
    `input_dtype` is for the rule only: an empty half matrix factors, and its backward refuses the half type."""
    factor = np.triu(a) if upper else np.tril(a)   # torch copies the triangle first and factors it in place
    info = np.zeros(a.shape[:-2], np.int32)
    if factor.size == 0:
        return factor, info
    potrf = scipy.linalg.lapack.get_lapack_funcs("potrf", dtype=a.dtype)
    matrices = factor.reshape(-1, *a.shape[-2:])
    for index, matrix in enumerate(matrices):
        matrices[index], info.flat[index] = potrf(matrix, lower=not upper, clean=True)
    return factor, info


def _cholesky_backward(g, factor, upper, input_dtype):
    """torch's cholesky_backward (Iain Murray, arXiv 1602.07527), with mtv2 ops: differentiable again."""
    _refuse_dtype("triangular_solve_cpu", input_dtype)   # the rule sees half gradients as float32
    if upper:
        factor, g = factor.mT, g.mT
    grad = (factor.mT @ g).tril()
    grad = 0.5 * (grad + grad.tril(-1).mT)   # 0.5 * (grad + grad^T - diag(grad)): the symmetric part
    grad = _solve_triangular(factor.mT, grad, upper=True, left=True)
    return _solve_triangular(factor, grad, upper=False, left=False)


_CHOLESKY_RECORD = dict(promotion=RAW, extra_outputs=("info",), saves=("result", "upper", "input_dtype"))
_cholesky_ex = op("linalg_cholesky_ex", **_CHOLESKY_RECORD)(_cholesky_kernel)
_cholesky_deprecated = op("cholesky", **_CHOLESKY_RECORD)(_cholesky_kernel)   # torch.cholesky: its own node name
for _factorization in (_cholesky_ex, _cholesky_deprecated):
    _factorization.vjp(lambda g, out, upper, input_dtype: _cholesky_backward(g, out, upper, input_dtype))


@op("linalg_solve_triangular", promotion=RAW, saves=("a", "result", "upper", "left", "unitriangular"))
def _solve_triangular(a, b, upper=False, left=True, unitriangular=False):
    """X with A X = B (left) or X A = B, reading only A's upper (lower) triangle: trsm, no singularity check (a
    zero on the diagonal gives inf and NaN, as in torch). B is taken in A's dtype; batch dims broadcast."""
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, batch + a.shape[-2:])
    b = np.broadcast_to(b.astype(a.dtype, copy=False), batch + b.shape[-2:])
    result = np.empty(b.shape, a.dtype)
    if result.size == 0:
        return result
    trsm = scipy.linalg.blas.get_blas_funcs("trsm", dtype=a.dtype)
    for index in np.ndindex(batch):
        result[index] = trsm(1.0, a[index], b[index], side=0 if left else 1, lower=not upper, diag=int(unitriangular))
    return result


@_solve_triangular.vjp
def _(g, a, out, upper, left, unitriangular):
    """torch's linalg_solve_triangular_backward: gB solves with A^T; gA = -gB X^T (left) or -X^T gB, on A's
    triangle (its diagonal excluded when unitriangular)."""
    grad_b = _solve_triangular(a.mT, g, upper=not upper, left=left, unitriangular=unitriangular)
    grad_a = -(grad_b @ out.mT) if left else -(out.mT @ grad_b)
    grad_a = grad_a.triu(int(unitriangular)) if upper else grad_a.tril(-int(unitriangular))
    return grad_a, grad_b


def _check_bool(function, **flags):
    for name, value in flags.items():
        if type(value) is not bool:
            raise TypeError(f"{function}(): argument '{name}' must be bool, not {type(value).__name__}")


def _check_square_batches(name, **matrices):
    for argument, matrix in matrices.items():
        if matrix.ndim < 2:
            raise RuntimeError(f"{name}: The input tensor {argument} must have at least 2 dimensions.")
    first = next(iter(matrices.values()))
    if first.shape[-1] != first.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {first.shape[-2]} by "
                           f"{first.shape[-1]} matrices")


def _refuse_dtype(kernel, dtype):
    """torch's CPU factorizations have float32 and float64 kernels only."""
    if dtype not in (_dtype.float32, _dtype.float64):
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_dtype.scalar_type_name(dtype)}'")


def _factor(name, A, upper, check_errors, factorization):
    _check_square_batches(name, A=A)
    if name.startswith("linalg.") and not A.dtype.is_floating_point:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{_dtype.scalar_type_name(A.dtype)}")
    if A.numel():   # an empty matrix of any dtype has nothing to refuse (torch.linalg's refused other dtypes above)
        _refuse_dtype("cholesky_cpu", A.dtype)
    factor, info = factorization(A, upper=upper, input_dtype=A.dtype)
    if check_errors:
        _raise_for_info(name, info)
    return factor, info


def _raise_for_info(name, info):
    """torch's _linalg_check_errors for a positive-definiteness failure: names the first failing batch element."""
    failed = np.flatnonzero(info._data.ravel())
    if failed.size:
        where = f"(Batch element {failed[0]}): " if info.ndim else ""
        raise LinAlgError(f"{name}: {where}The factorization could not be completed because the input is not "
                          f"positive-definite (the leading minor of order {info._data.ravel()[failed[0]]} is not "
                          f"positive-definite).")


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """torch.linalg.cholesky_ex: (L, info), info 0 where A is positive-definite (L undefined elsewhere)."""
    _check_tensors("linalg_cholesky_ex", input=A)
    _check_bool("linalg_cholesky_ex", upper=upper, check_errors=check_errors)
    factor, info = _factor("linalg.cholesky_ex", A, upper, check_errors, _cholesky_ex)
    if out is not None:
        factor, info = _with_out(factor, out[0]), _with_out(info, out[1])
    return _CholeskyExResult(factor, info)


def cholesky(A, *, upper=False, out=None):
    """torch.linalg.cholesky: L with A = L L^T (upper: U with A = U^T U); LinAlgError where A is not
    positive-definite."""
    _check_tensors("linalg_cholesky", input=A)
    _check_bool("linalg_cholesky", upper=upper)
    return _with_out(_factor("linalg.cholesky", A, upper, True, _cholesky_ex)[0], out)


@public("cholesky")   # torch.cholesky; torch.linalg.cholesky is `cholesky` above (mtv2/linalg.py)
def cholesky_deprecated(input, upper=False, *, out=None):
    """torch.cholesky (deprecated in torch for torch.linalg.cholesky, with the same warning)."""
    _check_tensors("cholesky", input=input)
    _check_bool("cholesky", upper=upper)
    warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future "
                  "PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\nL = torch.linalg.cholesky(A)\n"
                  "and\nU = torch.cholesky(A, upper=True)\nshould be replaced with\nU = torch.linalg.cholesky(A).mH\n"
                  "This transform will produce equivalent results for all valid (symmetric positive definite) inputs.",
                  UserWarning, stacklevel=2)
    return _with_out(_factor("cholesky", input, upper, True, _cholesky_deprecated)[0], out)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """torch.linalg.solve_triangular: X with A X = B (left) or X A = B, A triangular."""
    _check_tensors("linalg_solve_triangular", A=A, B=B)
    _check_bool("linalg_solve_triangular", upper=upper, left=left, unitriangular=unitriangular)
    name = "linalg.solve_triangular"
    _check_square_batches(name, A=A, B=B)
    inner = B.shape[-2] if left else B.shape[-1]
    if inner != A.shape[-1]:
        equation = "AX = B" if left else "XA = B"
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation {equation} "
                           f"({_dims_text(A.shape[-2:])} and {_dims_text(B.shape[-2:])})")
    _check_batches_broadcast(name, "A", A, "B", B)
    _refuse_dtype("triangular_solve_cpu", A.dtype)
    return _with_out(_solve_triangular(A, B, upper=upper, left=left, unitriangular=unitriangular), out)


# ---------------------------------------------------------------- addr, addbmm, inner, tensordot (composites)

@public(method=True, inplace=True)
def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * outer(vec1, vec2), promoted like torch's TensorIterator kernel; beta = 0 ignores input
    (NaN in it does not reach the result)."""
    _check_tensors("addr", input=input, vec1=vec1, vec2=vec2)
    for argument, vector in (("vec1", vec1), ("vec2", vec2)):
        if vector.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {argument}, but got {vector.ndim}-D")
    result_dtype = _dtype.promote_types(_dtype.promote_types(input.dtype, vec1.dtype), vec2.dtype)
    if result_dtype is not _dtype.bool:
        for name, scalar in (("beta", beta), ("alpha", alpha)):
            if isinstance(scalar, bool):
                raise RuntimeError(f"Boolean {name} only supported for Boolean results.")
            if result_dtype.category != _dtype.FLOATING and isinstance(scalar, float):
                raise RuntimeError(f"For integral input tensors, argument {name} must not be a floating point number.")
    _check_input_expands(input, (vec1.shape[0], vec2.shape[0]))
    shape = (vec1.shape[0], vec2.shape[0])
    if result_dtype is _dtype.bool:
        # (beta and input) or (alpha and vec1 and vec2), torch's bool kernel
        product = outer(vec1, vec2) if alpha else outer(vec1, vec2) & False
        return _with_out(((input | product) if beta else product).expand(*shape), out)
    if result_dtype in (_dtype.float16, _dtype.bfloat16):
        # torch's kernel takes beta and alpha as half values and rounds after each operation (as the ops below do)
        from ..creation import tensor
        beta, alpha = (tensor(float(scalar), dtype=result_dtype).item() for scalar in (beta, alpha))
    product = outer(vec1 * alpha if alpha != 1 else vec1, vec2)   # (alpha * v1) * v2, torch's order
    if beta == 0:
        # input is not read (its NaN stays out) but gets a zero gradient, as torch's grad * beta
        from .. import where
        result = where(product.new_zeros((), dtype=_dtype.bool), input, product)
    else:
        result = (input * beta if beta != 1 else input) + product
    return _with_out(result.to(result_dtype) if result.dtype is not result_dtype else result, out)


@public(method=True, inplace=True)
def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * sum_i batch1[i] @ batch2[i], accumulated as torch's CPU kernel: one addmm per batch
    element, beta applied by the first."""
    _check_tensors("addbmm", input=input, batch1=batch1, batch2=batch2)
    # torch reads the result's sizes (batch1's dim 1, batch2's dim 2) before its rank checks
    for tensor, dim in ((batch1, 1), (batch2, 2)):
        if tensor.ndim <= dim:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-max(tensor.ndim, 1)}, "
                             f"{max(tensor.ndim, 1) - 1}], but got {dim})")
    for argument, tensor in (("batch1", batch1), ("batch2", batch2)):
        if tensor.ndim != 3:
            raise RuntimeError(f"{argument} must be a 3D tensor")
    if batch1.shape[0] != batch2.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {batch1.shape[0]} and "
                           f"{batch2.shape[0]}")
    if batch1.shape[2] != batch2.shape[1]:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({batch1.shape[1]}x{batch1.shape[2]} and "
                           f"{batch2.shape[1]}x{batch2.shape[2]})")
    shape = (batch1.shape[1], batch2.shape[2])
    _check_input_expands(input, shape)
    result = input.expand(*shape)
    if batch1.shape[0] == 0:
        # nothing to add: input * beta (zeroed, not read, when beta is 0); the batches still get (zero) gradients
        from .. import where
        nothing = mm(batch1.sum(0), batch2.sum(0))
        return _with_out((result * beta if beta != 0 else where(nothing.new_zeros((), dtype=_dtype.bool), result,
                                                                 nothing * 0)) + nothing, out)
    for index in range(batch1.shape[0]):
        result = addmm(result, batch1[index], batch2[index], beta=beta if index == 0 else 1, alpha=alpha)
    return _with_out(result, out)


@public(method=True)
def tensordot(a, b, dims=2, out=None):
    """Contract a's dims with b's: as torch, a permuted and reshaped to a matrix times b's, by mm."""
    _check_tensors("tensordot", a=a, b=b)
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        given_a, given_b = list(range(-dims, 0)), list(range(dims))   # torch's Python wrapper counts a's from the end
    else:
        given_a, given_b = (d.tolist() if isinstance(d, Tensor) else d for d in dims)
        given_a = [given_a] if isinstance(given_a, int) else list(given_a)
        given_b = [given_b] if isinstance(given_b, int) else list(given_b)
    if len(given_a) != len(given_b):
        raise RuntimeError("both dimension lists should have same length")
    if a.dtype is not b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    from .._tensor import _wrap_dim
    dims_a = [_wrap_dim(d, a.ndim, "tensordot") for d in given_a]
    dims_b = [_wrap_dim(d, b.ndim, "tensordot") for d in given_b]
    for dim_a, dim_b, shown_a, shown_b in zip(dims_a, dims_b, given_a, given_b):
        # a size-1 dim contracts against any size: ATen sums the other side's dim first (keeping it)
        if b.shape[dim_b] == 1:
            a = a.sum(dim_a, keepdim=True, dtype=a.dtype)
        elif a.shape[dim_a] == 1:
            b = b.sum(dim_b, keepdim=True, dtype=b.dtype)
        elif a.shape[dim_a] != b.shape[dim_b]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[dim_a]} in dim "
                               f"{shown_a} and second has size {b.shape[dim_b]} in dim {shown_b}")
    kept_a = [d for d in range(a.ndim) if d not in dims_a]
    kept_b = [d for d in range(b.ndim) if d not in dims_b]
    contracted = int(np.prod([a.shape[d] for d in dims_a], dtype=np.int64))
    rows = int(np.prod([a.shape[d] for d in kept_a], dtype=np.int64))
    columns = int(np.prod([b.shape[d] for d in kept_b], dtype=np.int64))
    product = mm(a.permute(kept_a + dims_a).reshape(rows, contracted),
                 b.permute(dims_b + kept_b).reshape(contracted, columns))
    return _with_out(product.reshape(*[a.shape[d] for d in kept_a], *[b.shape[d] for d in kept_b]), out)


@public(method=True)
def inner(input, other, *, out=None):
    """The sum over the last dims of input and other (a product when either is 0-d), as torch: tensordot."""
    _check_tensors("inner", input=input, other=other)
    if input.ndim == 0 or other.ndim == 0:
        return _with_out(input * other, out)
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    return _with_out(tensordot(input, other, ([-1], [-1])), out)


# ---------------------------------------------------------------- cholesky_solve, cholesky_inverse, triangular_solve

def _potrs_broadcast(factor, b, upper):
    batch = np.broadcast_shapes(factor.shape[:-2], b.shape[:-2])
    factor = np.broadcast_to(factor, batch + factor.shape[-2:])
    b = np.broadcast_to(b, batch + b.shape[-2:])
    result = np.empty(b.shape, factor.dtype)
    if result.size == 0:
        return result
    potrs = scipy.linalg.lapack.get_lapack_funcs("potrs", dtype=factor.dtype)
    for index in np.ndindex(batch):
        result[index] = potrs(factor[index], b[index], lower=not upper)[0]
    return result


@op("cholesky_solve", promotion=RAW, saves=("factor", "result", "upper"))
def _cholesky_solve(b, factor, upper=False):
    """X with (L L^T) X = B from the Cholesky factor (potrs, reading one triangle); batches broadcast."""
    return _potrs_broadcast(factor, b, upper)


@_cholesky_solve.vjp
def _(g, factor, result, upper):
    """torch's cholesky_solve_backward: the factor's gradient is that of (L L^T)^-1 B with L a full matrix (torch's
    formula, not restricted to the triangle potrs reads)."""
    grad_b = _cholesky_solve(g, factor, upper=upper)
    common = grad_b @ result.mT
    common = common + common.mT
    return grad_b, -(factor @ common) if upper else -(common @ factor)


@op("cholesky_inverse", promotion=RAW, saves=("factor", "result", "upper"))
def _cholesky_inverse(factor, upper=False):
    """(L L^T)^-1 from the factor: potrs on the identity (torch's CPU kernel solves too)."""
    identity = np.broadcast_to(np.eye(factor.shape[-1], dtype=factor.dtype), factor.shape)
    return _potrs_broadcast(factor, identity, upper)


@_cholesky_inverse.vjp
def _(g, factor, inverse, upper):
    """torch's cholesky_inverse_backward: -(inverse (g + g^T) inverse) L (L^T ... for upper)."""
    common = inverse @ ((g + g.mT) @ inverse)
    return -(factor @ common) if upper else -(common @ factor)


def _cholesky_shapes(name, b, factor):
    _check_tensors(name, input=b, input2=factor)
    if b.ndim < 2 or factor.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {b.ndim} dimensions instead"
                           if b.ndim < 2 else f"u should have at least 2 dimensions, but has {factor.ndim} "
                                              f"dimensions instead")
    if b.dtype is not factor.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{_dtype.scalar_type_name(b.dtype)} and A of type {_dtype.scalar_type_name(factor.dtype)} "
                           f"instead.")
    if factor.shape[-1] != factor.shape[-2] or factor.shape[-1] != b.shape[-2]:
        raise RuntimeError(f"Incompatible matrix sizes for {name}: each A matrix is {factor.shape[-2]} by "
                           f"{factor.shape[-1]} but each b matrix is {b.shape[-2]} by {b.shape[-1]}")
    _check_batches_broadcast(name, "b", b, "A", factor)


@public(method=True)
def cholesky_solve(input, input2, upper=False, *, out=None):
    """torch.cholesky_solve: X with A X = B, given A's Cholesky factor input2."""
    _cholesky_shapes("cholesky_solve", input, input2)
    _refuse_dtype("cholesky_solve_cpu", input.dtype)
    return _with_out(_cholesky_solve(input, input2, upper=upper), out)


@public(method=True)
def cholesky_inverse(input, upper=False, *, out=None):
    """torch.cholesky_inverse: (L L^T)^-1 (U^T U for upper) from the factor."""
    _check_tensors("cholesky_inverse", input=input)
    _check_square_batches("cholesky_inverse", A=input)
    _refuse_dtype("cholesky_inverse_out_cpu", input.dtype)
    return _with_out(_cholesky_inverse(input, upper=upper), out)


_TriangularSolveResult = collections.namedtuple("triangular_solve", ["solution", "cloned_coefficient"])
_TriangularSolveResult.__module__ = "mtv2.return_types"


@public(method=True)
def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    """torch.triangular_solve (deprecated for linalg.solve_triangular): (X with op(A) X = b, A's copy)."""
    _cholesky_shapes("triangular_solve", input, A)
    _refuse_dtype("triangular_solve_cpu", A.dtype)
    solution = _solve_triangular(A.mT if transpose else A, input, upper=upper != transpose, left=True,
                                 unitriangular=unitriangular)
    cloned = A.expand(*np.broadcast_shapes(input.shape[:-2], A.shape[:-2]), *A.shape[-2:]).clone()   # batch-broadcast
    if out is not None:
        solution, cloned = _with_out(solution, out[0]), _with_out(cloned, out[1])
    return _TriangularSolveResult(solution, cloned)
