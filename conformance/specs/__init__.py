"""The case tables, one module per family; each module exposes SPECS (a list of OpSpec).

Listed explicitly, so a reader can follow where every case comes from.
"""
from conformance.specs import (activation, arithmetic, comparison, conversion, einsum, elementwise, gather_scatter,
                               indexing, joining, linalg, linalg_lu, linalg_qr, linalg_solve, linalg_svd, masked,
                               nn_attention, nn_containers, nn_conv, nn_ctc, nn_embedding, nn_fold, nn_grid, nn_init,
                               nn_layers, nn_losses, nn_pool, nn_pool_adaptive, nn_recurrent, nn_resample, operators,
                               pointwise_math, reduction, sampling, scan_sort, special, statistics, view_copies, views)

FAMILIES = (arithmetic, operators, comparison, elementwise, pointwise_math, special, reduction, scan_sort, statistics,
            linalg, linalg_solve, linalg_qr, linalg_lu, einsum, linalg_svd, conversion, views, view_copies, joining,
            indexing, gather_scatter, activation, nn_layers, nn_embedding, nn_conv, nn_pool, nn_pool_adaptive,
            nn_resample, nn_fold, nn_grid, nn_containers, nn_losses, nn_ctc, nn_init, nn_attention, nn_recurrent,
            sampling, masked)


def all_specs():
    return [spec for family in FAMILIES for spec in family.SPECS]
