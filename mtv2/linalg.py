"""torch.linalg: the linear-algebra namespace (the kernels live in ops/linalg.py and ops/reduction.py)."""
from .ops.linalg import LinAlgError, cholesky, cholesky_ex, matmul, solve_triangular
from .ops.reduction import vector_norm

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "matmul", "solve_triangular", "vector_norm"]
