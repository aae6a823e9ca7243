"""Matrix products."""
import numpy as np

from ._registry import op


@op("matmul")
def _matmul(a, b):
    if a.dtype == np.bool_ and a.shape[-1] != 0:  # torch only refuses when there is something to multiply
        raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool'")
    return np.matmul(a, b)


@_matmul.vjp
def _(g, a, b):
    if a.ndim == 1 and b.ndim == 1:
        return g * b, g * a
    # Treat vectors as matrices (a row for a, a column for b), then drop the added dim again.
    a_matrix = a.unsqueeze(0) if a.ndim == 1 else a
    b_matrix = b.unsqueeze(-1) if b.ndim == 1 else b
    g_matrix = g.unsqueeze(-2) if a.ndim == 1 else g
    g_matrix = g_matrix.unsqueeze(-1) if b.ndim == 1 else g_matrix
    grad_a = g_matrix @ b_matrix.transpose(-1, -2)
    grad_b = a_matrix.transpose(-1, -2) @ g_matrix
    if a.ndim == 1:
        grad_a = grad_a.squeeze(-2)
    if b.ndim == 1:
        grad_b = grad_b.squeeze(-1)
    return grad_a, grad_b  # batch dims that were broadcast are summed away by the engine


def matmul(input, other, *, out=None):
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
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {input.dtype.name} != "
                           f"{other.dtype.name}".replace("float32", "float").replace("float64", "double"))
    from .elementwise import _with_out
    return _with_out(_matmul(input, other), out)
