"""torch.linalg: the linear-algebra namespace (the kernels live in ops/linalg.py, ops/linalg_svd.py and
ops/reduction.py)."""
from .ops.linalg import LinAlgError, cholesky, cholesky_ex, matmul, solve_triangular
from .ops.linalg_svd import matrix_norm, svdvals
from .ops.reduction import vector_norm

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "matmul", "matrix_norm", "solve_triangular", "svdvals",
           "vector_norm"]
