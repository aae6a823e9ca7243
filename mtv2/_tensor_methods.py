"""Tensor's op methods and Python operators: each delegates to the op of the same name in mtv2.ops.

Kept apart from _tensor.py (layout, autograd metadata, conversions) so both stay readable; Tensor inherits
this class, which inherits the pointwise-math methods (_tensor_pointwise_methods.py), and nothing else.
Sections follow the op families of mtv2/ops.
"""
import numpy as np

from . import _dtype
# The op modules import Tensor, which inherits this class: methods reach them through the package at
# call time (mtv2/_tensor.py imports every op module once Tensor exists).
from . import ops as _ops
from ._tensor_pointwise_methods import TensorPointwiseMethods


class TensorMethods(TensorPointwiseMethods):
    __slots__ = ()

    # shape and views
    @property
    def T(self):
        return _ops.views.permute(self, tuple(reversed(range(self.ndim))))

    @property
    def mT(self):
        return _ops.views.transpose(self, -2, -1)

    def __getitem__(self, index):
        return _ops.indexing.getitem(self, index)

    def __setitem__(self, index, value):
        _ops.indexing.setitem(self, index, value)

    # ------------------------------------------------------------ Python operators (the others: ops/_surface.py's tables;
    # __add__, __mul__ and __truediv__: _tensor.py)

    def __pos__(self):
        if self.dtype is _dtype.bool:
            raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
        return self

    def __eq__(self, other):
        if other is None or not isinstance(other, (TensorMethods, int, float, bool, np.number, np.bool_)):
            return False
        return _ops.elementwise.eq(self, other)

    def __ne__(self, other):
        if other is None or not isinstance(other, (TensorMethods, int, float, bool, np.number, np.bool_)):
            return True
        return _ops.elementwise.ne(self, other)

