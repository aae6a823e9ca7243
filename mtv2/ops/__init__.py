"""Every op once: its NumPy kernel with its derivative beside it, grouped by family."""


def import_families():
    """Import every op family once, registering its ops and declaring its public surface. mtv2/__init__.py calls this
    after Tensor exists (the families use it); the family names stay in this package, out of mtv2's namespace."""
    from . import (activation, conversion, einsum, elementwise, gather_scatter, indexing, inplace,  # noqa: F401
                   joining, linalg, linalg_lu, linalg_qr, linalg_solve, linalg_svd, nn_conv, nn_ctc, nn_embedding,
                   nn_fold, nn_grid, nn_layers, nn_losses, nn_pool, nn_pool_adaptive, nn_resample, pointwise_math,
                   random_fill, reduction, sampling, scan_sort, special, statistics, strided, view_copies, views)
