"""as_strided: an arbitrary window onto the storage, and the scatter/gather pair that is its derivative."""
import numpy as np

from .._tensor import Tensor
from ._registry import RAW, op
from ._surface import public


def _element_indices(shape, stride, offset):
    """Storage index of every element of a (shape, stride, offset) window, in the window's order."""
    index = np.full(shape, offset, dtype=np.int64)
    for dim, (extent, step) in enumerate(zip(shape, stride)):
        along = np.arange(extent, dtype=np.int64) * step
        index += along.reshape((-1,) + (1,) * (len(shape) - dim - 1))
    return index


@op("as_strided", promotion=RAW, view=True,
    saves=("a.shape", "size", "stride", "storage_offset", "buffer", "a_geometry"))
def _as_strided(a, size=(), stride=(), storage_offset=0, buffer=None, a_geometry=None):
    itemsize = buffer.itemsize
    start = buffer[storage_offset:] if storage_offset < buffer.size else buffer[buffer.size:]
    return np.lib.stride_tricks.as_strided(start, size, [s * itemsize for s in stride], writeable=True)


@op("strided_scatter_gather", promotion=RAW, saves=("scatter_geometry", "gather_geometry", "storage_numel"))
def _strided_scatter_gather(g, scatter_geometry=None, gather_geometry=None, storage_numel=0):
    """Add g into a zero storage through one window, then read another window out of it."""
    storage = np.zeros(storage_numel, dtype=g.dtype)
    np.add.at(storage, _element_indices(*scatter_geometry), g)
    return storage[_element_indices(*gather_geometry)]


@_strided_scatter_gather.vjp
def _(gg, scatter_geometry, gather_geometry, storage_numel):
    return _strided_scatter_gather(gg, scatter_geometry=gather_geometry, gather_geometry=scatter_geometry,
                                   storage_numel=storage_numel)


@_as_strided.vjp
def _(g, a_shape, size, stride, storage_offset, buffer, a_geometry):
    # The input's own window is where its gradient is read from (torch's as_strided_backward, by brute force)
    return _strided_scatter_gather(g, scatter_geometry=(tuple(size), tuple(stride), storage_offset),
                                   gather_geometry=a_geometry, storage_numel=buffer.size)


@public(method=True)
def as_strided(input, size, stride, storage_offset=None):
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError("as_strided: Negative strides are not supported at the moment, got strides: "
                           f"{list(stride)}")
    storage = input.untyped_storage().buffer
    offset = input.storage_offset() if storage_offset is None else int(storage_offset)
    needed = offset + 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(n > 0 for n in size) else 0
    if needed > storage.size:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and "
                           f"itemsize {input.element_size()} requiring a storage size of {needed * input.element_size()} "
                           f"are out of bounds for storage of size {storage.nbytes}")
    geometry = (tuple(input.shape), input.stride(), input.storage_offset())
    return _as_strided(input, size=size, stride=stride, storage_offset=offset, buffer=storage, a_geometry=geometry)
