"""torch.linalg: the linear-algebra namespace (the kernels live in ops/linalg.py, ops/linalg_solve.py, ops/linalg_lu.py,
ops/linalg_svd.py, ops/linalg_qr.py and ops/reduction.py)."""
from .ops.linalg import LinAlgError, cholesky, cholesky_ex, matmul, solve_triangular
from .ops.linalg_solve import (cond, cross, det, diagonal, inv, inv_ex, lstsq, matrix_power, matrix_rank, multi_dot,
                               norm, pinv, slogdet, solve, solve_ex, tensorinv, tensorsolve, vander, vecdot)
from .ops.linalg_lu import ldl_factor, ldl_factor_ex, ldl_solve, lu, lu_factor, lu_factor_ex, lu_solve
from .ops.linalg_qr import householder_product, qr
from .ops.linalg_svd import eigh, eigvalsh, matrix_norm, svd, svdvals
from .ops.reduction import vector_norm

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eigh", "eigvalsh",
           "householder_product", "inv", "inv_ex", "ldl_factor", "ldl_factor_ex", "ldl_solve", "lstsq", "lu",
           "lu_factor", "lu_factor_ex", "lu_solve", "matmul", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot",
           "norm", "pinv", "qr", "slogdet", "solve", "solve_ex", "solve_triangular", "svd", "svdvals", "tensorinv",
           "tensorsolve", "vander", "vecdot", "vector_norm"]
