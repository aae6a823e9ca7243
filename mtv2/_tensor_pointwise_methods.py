"""Tensor's pointwise-math methods (ops/elementwise.py, ops/pointwise_math.py): clamp, rounding, special
functions, predicates... Split from _tensor_methods.py to keep each file readable; TensorMethods inherits this."""
# The op modules import Tensor: methods reach them through the package at call time.
from . import ops as _ops


class TensorPointwiseMethods:
    __slots__ = ()

    # ---- pointwise math (ops/elementwise.py, ops/pointwise_math.py)

