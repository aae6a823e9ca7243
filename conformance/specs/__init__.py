"""The case tables, one module per family; each module exposes SPECS (a list of OpSpec).

Listed explicitly, so a reader can follow where every case comes from.
"""
from conformance.specs import (arithmetic, comparison, conversion, elementwise, indexing, linalg,
                               operators, reduction, views)

FAMILIES = (arithmetic, operators, comparison, elementwise, reduction, linalg, conversion, views,
            indexing)


def all_specs():
    return [spec for family in FAMILIES for spec in family.SPECS]
