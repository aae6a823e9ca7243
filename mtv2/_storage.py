"""Storage: the one flat NumPy buffer that a tensor and all of its views address."""
import numpy as np

from ._meta import is_meta, storage_layout


class VersionCounter:
    """Shared by a tensor and its views; in-place writes bump it so autograd can spot stale saved tensors."""

    __slots__ = ("value",)

    def __init__(self):
        self.value = 0


class UntypedStorage:
    """torch.UntypedStorage: a flat buffer; `data_ptr` identifies it for aliasing checks."""

    __slots__ = ("buffer",)

    def __init__(self, buffer):
        self.buffer = buffer  # 1-D ndarray whose first element is the storage's first element

    def data_ptr(self):
        if is_meta(self.buffer):
            return 0   # torch: a meta storage has no memory, its address is 0
        return self.buffer.__array_interface__["data"][0]

    @property
    def device(self):
        from ._device import CPU, META
        return META if is_meta(self.buffer) else CPU

    def nbytes(self):
        return self.buffer.nbytes

    def size(self):
        return self.buffer.nbytes

    def element_size(self):
        return 1

    def __len__(self):
        return self.buffer.nbytes

    @classmethod
    def from_file(cls, filename, shared=False, nbytes=0):
        """A storage backed by a memory-mapped file (safetensors' torch loader reads checkpoints through it).
        Not shared: copy-on-write, so writes never reach the file, as torch's shared=False."""
        mode = "r+" if shared else "c"
        return cls(np.memmap(filename, dtype=np.uint8, mode=mode, shape=(nbytes,) if nbytes else None))

    def untyped(self):
        return self

    def __getitem__(self, key):
        """storage[a:b]: the bytes a..b as a storage sharing memory (the buffer seen as bytes)."""
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("UntypedStorage indices must be contiguous slices of bytes")
        return UntypedStorage(self.buffer.view(np.uint8)[key])

    def __repr__(self):
        return f"UntypedStorage(nbytes={self.buffer.nbytes}, data_ptr={self.data_ptr():#x})"


def storage_of_fresh_array(array):
    """A flat buffer starting at the array's first element and covering all of its elements."""
    if is_meta(array):
        return UntypedStorage(storage_layout(array))
    if array.size == 0:
        return UntypedStorage(np.empty(0, array.dtype))
    itemsize = array.itemsize
    span = 1 + sum((extent - 1) * (stride // itemsize) for extent, stride in zip(array.shape, array.strides))
    return UntypedStorage(np.lib.stride_tricks.as_strided(array, (span,), (itemsize,)))
