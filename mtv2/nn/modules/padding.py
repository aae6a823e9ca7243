"""The padding modules: F.pad with a fixed mode and padding. An int pads every side; a sequence is taken as given
(2 numbers per padded dim, last dim first). Circular padding checks the input rank itself, as torch's modules do."""
from ...ops.joining import pad
from .module import Module


def _ntuple(padding, n):
    """torch's _pair/_quadruple/_ntuple(6): an iterable as a tuple, anything else repeated n times."""
    return tuple(padding) if hasattr(padding, "__iter__") else (padding,) * n


class _PadNd(Module):
    mode = None
    sides = 0   # numbers in `padding`: two per padded dim

    def __init__(self, padding):
        super().__init__()
        self.padding = _ntuple(padding, self.sides)

    def forward(self, input):
        return pad(input, self.padding, self.mode)

    def extra_repr(self):
        return f"{self.padding}"


class _CircularPadNd(_PadNd):
    mode = "circular"

    def forward(self, input):
        dims = self.sides // 2
        if input.dim() not in (dims + 1, dims + 2):
            raise ValueError(f"{type(self).__name__}: expected {dims + 1}D or {dims + 2}D input (got {input.dim()}D "
                             f"input)")
        return pad(input, self.padding, "circular")


class CircularPad1d(_CircularPadNd):
    sides = 2


class CircularPad2d(_CircularPadNd):
    sides = 4


class CircularPad3d(_CircularPadNd):
    sides = 6


class _ReflectionPadNd(_PadNd):
    mode = "reflect"


class ReflectionPad1d(_ReflectionPadNd):
    sides = 2


class ReflectionPad2d(_ReflectionPadNd):
    sides = 4


class ReflectionPad3d(_ReflectionPadNd):
    sides = 6


class _ReplicationPadNd(_PadNd):
    mode = "replicate"


class ReplicationPad1d(_ReplicationPadNd):
    sides = 2


class ReplicationPad2d(_ReplicationPadNd):
    sides = 4


class ReplicationPad3d(_ReplicationPadNd):
    sides = 6


class _ConstantPadNd(_PadNd):
    mode = "constant"

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    sides = 2


class ConstantPad2d(_ConstantPadNd):
    sides = 4


class ConstantPad3d(_ConstantPadNd):
    sides = 6


class ZeroPad1d(ConstantPad1d):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad3d(ConstantPad3d):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"
