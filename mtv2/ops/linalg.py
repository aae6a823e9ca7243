"""Matrix products: matmul, mm, bmm, mv, dot, vdot, outer/ger, and the fused beta * input + alpha * product
ops addmm, baddbmm, addmv.

Two primitives carry the derivatives: `matmul` and `addmm` (also registered as baddbmm and addmv, which differ
only in their checks). The torch-level functions check shapes and dtypes the way torch's kernels do (each op
has its own message) and then call one of the two.
"""
import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ._registry import op

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


@op("matmul")
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


_addmm = op("addmm")(_scaled_product_plus_input)
_baddbmm = op("baddbmm")(_scaled_product_plus_input)
_addmv = op("addmv")(_scaled_product_plus_input)
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


def dot(input, tensor, *, out=None):
    _check_tensors("dot", input=input, tensor=tensor)
    _check_vectors("dot", input, tensor)
    return _with_out(_matmul(input, tensor), out)


def vdot(input, other, *, out=None):
    """dot with the first argument conjugated: mtv2 has real dtypes only, so it is dot."""
    _check_tensors("vdot", input=input, other=other)
    _check_vectors("vdot", input, other)
    return _with_out(_matmul(input, other), out)


def outer(input, vec2, *, out=None):
    """A broadcast product, as torch writes it: it promotes mixed dtypes and accepts bool."""
    _check_tensors("outer", input=input, vec2=vec2)
    for argument, tensor in (("self", input), ("vec2", vec2)):
        if tensor.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {argument}, but got {tensor.ndim}-D")
    return _with_out(input.unsqueeze(1) * vec2, out)


ger = outer


# ---------------------------------------------------------------- addmm, baddbmm, addmv

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


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    _check_tensors("baddbmm", input=input, batch1=batch1, batch2=batch2)
    _check_batches(batch1, batch2)
    if not input.dtype is batch1.dtype is batch2.dtype:
        raise RuntimeError(f"Input dtypes must be the same, got: input {_dtype.c_type_name(input.dtype)}, batch1: "
                           f"{_dtype.c_type_name(batch1.dtype)}, batch2: {_dtype.c_type_name(batch2.dtype)}")
    return _fused_matrix_product(_baddbmm, "baddbmm", input, batch1, batch2, inner=batch1.shape[2],
                                 shape=(batch1.shape[0], batch1.shape[1], batch2.shape[2]), beta=beta, alpha=alpha,
                                 out=out)


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
