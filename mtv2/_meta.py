"""Meta tensors (torch's device="meta"): a shape, a dtype and strides, and no data.

A meta tensor's `_data` is a MetaArray rather than an ndarray. It answers what Tensor reads for its metadata
(shape, strides, itemsize, flags, ...) from `layout`: an ndarray with the tensor's dtype, shape and strides
over a zero-byte buffer. NumPy computes views of a layout without reading it, so view ops run their ordinary
kernels on layouts; nothing may read a layout's elements (they are not there). Anything that asks a MetaArray
for data (np.asarray, a ufunc, .astype, ...) gets torch's NotImplementedError instead, so a path that forgot to
check for meta fails loudly rather than reading memory that does not exist.

The op dispatcher looks for meta operands only while a MetaArray is alive (`live.count`), so the CPU path pays
one integer test (mtv2/ops/_registry.py).
"""
import numpy as np

# torch's message when data is read out of a meta tensor (copy_ into a CPU tensor, .to("cpu"), tolist, ...)
NO_DATA = "Cannot copy out of meta tensor; no data!"


class _LiveCount:
    __slots__ = ("count",)

    def __init__(self):
        self.count = 0


live = _LiveCount()   # MetaArrays alive in this process


class _Flags:
    """The ndarray flags Tensor reads. Not writeable: nothing may be written into a meta tensor's (absent) data."""

    __slots__ = ("c_contiguous", "f_contiguous")
    writeable = False

    def __init__(self, flags):
        self.c_contiguous = flags.c_contiguous
        self.f_contiguous = flags.f_contiguous


class MetaArray:
    """The `_data` of a meta tensor: metadata from `layout`; any request for data raises NotImplementedError."""

    __slots__ = ("layout",)

    def __init__(self, layout):
        self.layout = layout
        live.count += 1

    def __del__(self, live=live):   # bound at definition: module globals may be gone at interpreter exit
        live.count -= 1

    @property
    def shape(self):
        return self.layout.shape

    @property
    def strides(self):
        return self.layout.strides

    @property
    def ndim(self):
        return self.layout.ndim

    @property
    def size(self):
        return self.layout.size

    @property
    def itemsize(self):
        return self.layout.itemsize

    @property
    def nbytes(self):
        return self.layout.nbytes

    @property
    def dtype(self):
        return self.layout.dtype

    @property
    def flags(self):
        return _Flags(self.layout.flags)

    @property
    def address(self):
        """The layout's address: meaningful only as a difference from the address of its storage's layout."""
        return self.layout.__array_interface__["data"][0]

    def __array__(self, dtype=None, copy=None):
        raise NotImplementedError(NO_DATA)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        raise NotImplementedError(NO_DATA)

    def __array_function__(self, function, types, args, kwargs):
        # The NumPy functions mtv2 calls on a tensor's array that need no values, answered from the layout:
        if function is np.reshape and kwargs.get("copy") is False and args[0] is self:
            return MetaArray(np.reshape(self.layout, *args[1:], **kwargs))   # can Tensor.reshape make a view?
        if function is np.may_share_memory or function is np.shares_memory:
            return False   # autograd's gradient ownership: a meta array has no memory to share
        if function is np.empty_like and args[0] is self and len(args) == 1 and set(kwargs) <= {"order"}:
            return array_like(self) if kwargs.get("order", "K") == "K" else MetaArray(
                layout(self.shape, contiguous_strides(self.shape), self.dtype))   # a gradient laid out like its leaf
        if function is np.copyto and args[0] is self:
            return None    # writing into a meta array: nothing to write (reading from one still raises)
        raise NotImplementedError(NO_DATA)

    def __getattr__(self, name):
        # ndarray methods (astype, copy, reshape, ...) would need the data; dunder probes stay AttributeErrors
        if name.startswith("__"):
            raise AttributeError(name)
        raise NotImplementedError(NO_DATA)

    def __repr__(self):
        return f"MetaArray(shape={self.shape}, strides={self.strides}, dtype={self.dtype})"


def is_meta(array):
    return type(array) is MetaArray


# ---------------------------------------------------------------- layouts

def contiguous_strides(shape):
    """Row-major strides in elements (a size-0 or size-1 dim counts as 1, as torch computes them)."""
    strides, step = [], 1
    for extent in reversed(shape):
        strides.append(step)
        step *= max(extent, 1)
    return tuple(reversed(strides))


def preserved_strides(shape, strides):
    """torch's preserve_format for a fresh tensor like one of (shape, strides): the same strides when those lay
    the elements out densely without overlap, else contiguous ones."""
    expected = 1
    for stride, extent in sorted((s, e) for e, s in zip(shape, strides) if e != 1):
        if stride != expected:
            return contiguous_strides(shape)
        expected *= extent
    return tuple(strides)


def layout(shape, strides, numpy_type):
    """An ndarray of that shape, strides (in elements) and type over a zero-byte buffer: never to be read."""
    numpy_type = np.dtype(numpy_type)
    return np.lib.stride_tricks.as_strided(np.empty(0, numpy_type), tuple(shape),
                                           tuple(s * numpy_type.itemsize for s in strides), writeable=False)


def array_like(array):
    """A MetaArray with the layout (shape, strides, type) of `array`, an ndarray or a MetaArray."""
    itemsize = array.itemsize
    return MetaArray(layout(array.shape, [s // itemsize for s in array.strides], array.dtype))


def stand_in(array, fill=0):
    """A real array laid out like the MetaArray `array`, every element `fill`: what a kernel that reads its
    operands computes a meta result from (one allocation of the span the strides cover)."""
    itemsize = array.itemsize
    if array.size == 0:
        return np.full(array.shape, fill, array.dtype)
    span = 1 + sum((extent - 1) * (stride // itemsize) for extent, stride in zip(array.shape, array.strides))
    return np.lib.stride_tricks.as_strided(np.full(span, fill, array.dtype), array.shape, array.strides)


def storage_layout(array):
    """The MetaArray of the storage a fresh meta array owns: one dim spanning every element it addresses."""
    layout_array = array.layout
    itemsize = layout_array.itemsize
    span = 0 if layout_array.size == 0 else 1 + sum(
        (extent - 1) * (stride // itemsize) for extent, stride in zip(layout_array.shape, layout_array.strides))
    return MetaArray(np.lib.stride_tricks.as_strided(layout_array, (span,), (itemsize,), writeable=False))


def empty_tensor(shape, dtype, strides=None, requires_grad=False):
    """A meta tensor of that shape and dtype, contiguous unless strides (in elements) are given."""
    from ._tensor import Tensor
    array = MetaArray(layout(shape, contiguous_strides(shape) if strides is None else strides, dtype.numpy_type))
    tensor = Tensor._from_fresh(array, dtype)
    if requires_grad:
        tensor.requires_grad_(True)
    return tensor
