"""The case tables, one module per family; each module exposes SPECS (a list of OpSpec).

Listed explicitly, so a reader can follow where every case comes from.
"""
from conformance.specs import (activation, arithmetic, comparison, conversion, einsum, elementwise, gather_scatter,
                               indexing, joining, linalg, linalg_solve, linalg_svd, nn_attention, nn_containers,
                               nn_conv, nn_init, nn_layers, nn_losses, nn_pool, operators, pointwise_math, reduction,
                               sampling, scan_sort, special, statistics, view_copies, views)

FAMILIES = (arithmetic, operators, comparison, elementwise, pointwise_math, special, reduction, scan_sort, statistics,
            linalg, linalg_solve, einsum, linalg_svd, conversion, views, view_copies, joining, indexing, gather_scatter,
            activation, nn_layers, nn_conv, nn_pool, nn_containers, nn_losses, nn_init, nn_attention, sampling)

from conformance.specs import linalg_qr  # noqa: E402
FAMILIES += (linalg_qr,)
from conformance.specs import linalg_lu  # noqa: E402
FAMILIES += (linalg_lu,)
from conformance.specs import nn_embedding  # noqa: E402
FAMILIES += (nn_embedding,)
from conformance.specs import nn_ctc  # noqa: E402
FAMILIES += (nn_ctc,)

from conformance.specs import nn_resample  # noqa: E402
FAMILIES += (nn_resample,)
from conformance.specs import nn_fold  # noqa: E402
FAMILIES += (nn_fold,)
from conformance.specs import nn_grid  # noqa: E402
FAMILIES += (nn_grid,)
from conformance.specs import nn_pool_adaptive  # noqa: E402
FAMILIES += (nn_pool_adaptive,)
from conformance.specs import nn_recurrent  # noqa: E402
FAMILIES += (nn_recurrent,)


def all_specs():
    return [spec for family in FAMILIES for spec in family.SPECS]
