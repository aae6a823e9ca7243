"""torch.nn.utils.rnn on mtv2: PackedSequence and the functions that pack and pad variable-length sequences.

torch writes these in Python over two aten kernels, _pack_padded_sequence and _pad_packed_sequence
(aten/src/ATen/native/PackedSequence.cpp), and one for pad_sequence; here the kernels are composites of mtv2 views,
cat and full, in the same block order, so gradients flow to the padded input or the packed data.
"""
from collections.abc import Iterable
from typing import NamedTuple

from ... import _dtype, creation
from ..._dtype import int64
from ..._tensor import Tensor
from ...ops.joining import cat, stack

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "unpad_sequence", "pack_sequence", "unpack_sequence"]


class PackedSequence_(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


def _bind(optional, fn):
    return None if optional is None else fn(optional)


class PackedSequence(PackedSequence_):
    """The time steps of a batch of sequences, longest first, concatenated: data holds batch_sizes[t] rows at step
    t; sorted_indices is the permutation that sorted the batch by length (None if it came sorted)."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        return super().__new__(cls, *_packed_sequence_init_args(data, batch_sizes, sorted_indices, unsorted_indices))

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        # the index tensors follow the data's device only (they stay int64)
        return type(self)(data, self.batch_sizes, _bind(self.sorted_indices, lambda t: t.to(data.device)),
                          _bind(self.unsorted_indices, lambda t: t.to(data.device)))

    def cpu(self, *args, **kwargs):
        return self.to(*args, **{**kwargs, "device": "cpu"})

    def pin_memory(self):
        return self   # mtv2's memory is host memory already

    def double(self):
        return self.to(dtype=_dtype.float64)

    def float(self):
        return self.to(dtype=_dtype.float32)

    def half(self):
        return self.to(dtype=_dtype.float16)

    def long(self):
        return self.to(dtype=_dtype.int64)

    def int(self):
        return self.to(dtype=_dtype.int32)

    def short(self):
        return self.to(dtype=_dtype.int16)

    def char(self):
        return self.to(dtype=_dtype.int8)

    def byte(self):
        return self.to(dtype=_dtype.uint8)

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return self.data.is_pinned()


def _packed_sequence_init_args(data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
    if unsorted_indices is None:
        unsorted_indices = invert_permutation(sorted_indices)
    if batch_sizes is not None:
        if batch_sizes.device.type != "cpu":
            raise ValueError("batch_sizes should always be on CPU. Instances of PackedSequence should never be "
                             "created manually. They should be instantiated by functions like pack_sequence and "
                             "pack_padded_sequences in nn.utils.rnn. "
                             "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
        return data, batch_sizes, sorted_indices, unsorted_indices
    if not (isinstance(data, (list, tuple)) and len(data) == 2):
        raise AssertionError("Expected data to be a list or tuple of length 2")
    return data[0], data[1], sorted_indices, unsorted_indices


def invert_permutation(permutation):
    if permutation is None:
        return None
    output = creation.empty_like(permutation)
    output.scatter_(0, permutation, creation.arange(0, permutation.numel(), device=permutation.device))
    return output


# ---------------------------------------------------------------- the two aten kernels

def _check_lengths(lengths):
    if lengths.dim() != 1 or lengths.dtype is not int64:
        raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got {lengths.dim()}D cpu "
                           f"{_dtype.scalar_type_name(lengths.dtype)} tensor")


def _pack_padded(input, lengths_tensor, batch_first):
    """aten's _pack_padded_sequence: (data, batch_sizes). Blocks of time steps are cut where the number of live
    sequences changes, longest-first, each block's rows made contiguous and flattened to (steps * batch, ...)."""
    if batch_first:
        input = input.transpose(0, 1)
    _check_lengths(lengths_tensor)
    batch_size = input.size(1)
    lengths = lengths_tensor.tolist()
    if input.numel() <= 0:
        raise RuntimeError("Cannot pack empty tensors.")
    if len(lengths) != batch_size:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {len(lengths)} "
                           f"(batch_size={batch_size})")
    if lengths[batch_size - 1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that "
                           "is <= 0")
    if any(lengths[i + 1] > lengths[i] for i in range(batch_size - 1)):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You "
                           "can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep "
                           "this requirement if you do not need ONNX exportability.")
    steps, batch_sizes, previous = [], [], 0
    for i in range(batch_size):   # shortest first: a block starts wherever the length grows
        length = lengths[batch_size - 1 - i]
        if length > previous:
            live = batch_size - i
            steps.append(input[previous:length, :live].contiguous().view(-1, *input.shape[2:]))
            batch_sizes += [live] * (length - previous)
            previous = length
    return cat(steps), creation.tensor(batch_sizes, dtype=int64)


def _pad_packed(data, batch_sizes_tensor, batch_first, padding_value, total_length):
    """aten's _pad_packed_sequence: (padded, lengths); the padded tensor is a transposed view when batch_first."""
    _check_lengths(batch_sizes_tensor)
    batch_sizes = batch_sizes_tensor.tolist()
    max_batch_size, max_real_length = batch_sizes[0], len(batch_sizes)
    rest = tuple(data.shape[1:])

    def padding(steps, batch):
        return creation.full((steps, batch, *rest), padding_value, dtype=data.dtype)

    blocks, lengths = [], [0] * max_batch_size
    offset, previous_batch, previous_i, slot = 0, max_batch_size, 0, max_batch_size - 1
    for i in range(max_real_length + 1):
        batch = batch_sizes[i] if i != max_real_length else 0
        if batch != previous_batch:
            count = previous_batch * (i - previous_i)
            block = data[offset:offset + count].view(i - previous_i, previous_batch, *rest)
            if previous_batch < max_batch_size:
                block = cat([block, padding(i - previous_i, max_batch_size - previous_batch)], 1)
            blocks.append(block)
            offset += count
            previous_i = i
        for _ in range(previous_batch - batch):   # sequences ending here, filled from the last slot back
            lengths[slot] = i
            slot -= 1
        previous_batch = batch
    if total_length > max_real_length:
        blocks.append(padding(total_length - max_real_length, max_batch_size))
    output = cat(blocks, 0) if len(blocks) > 1 else blocks[0]
    return (output.transpose(0, 1) if batch_first else output), creation.tensor(lengths, dtype=int64)


# ---------------------------------------------------------------- public functions (torch's Python, line for line)

def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    if not isinstance(lengths, Tensor):
        lengths = creation.as_tensor(lengths, dtype=int64, device="cpu")
    else:
        lengths = lengths.to(dtype=int64)
    if enforce_sorted:
        sorted_indices = None
    else:
        lengths, sorted_indices = lengths.sort(descending=True)
        sorted_indices = sorted_indices.to(input.device)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    data, batch_sizes = _pack_padded(input, lengths, batch_first)
    return PackedSequence(data, batch_sizes, sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    max_seq_length = sequence.batch_sizes.size(0)
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, but "
                             f"got total_length={total_length} and max sequence length being {max_seq_length}")
        max_seq_length = total_length
    padded_output, lengths = _pad_packed(sequence.data, sequence.batch_sizes, batch_first, padding_value,
                                         max_seq_length)
    unsorted_indices = sequence.unsorted_indices
    if unsorted_indices is not None:
        return padded_output.index_select(0 if batch_first else 1, unsorted_indices), lengths[unsorted_indices]
    return padded_output, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    if not isinstance(sequences, Iterable):
        raise RuntimeError(f"pad_sequence: Expected iterable for input sequences, but got arg of type: "
                           f"{type(sequences)}")
    sequences = tuple(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    max_len = max(sequence.size(0) for sequence in sequences)
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    first = sequences[0]
    padded = []
    for sequence in sequences:
        # aten copies each sequence into a tensor of the first one's dtype filled with padding_value
        sequence = sequence.to(first.dtype)
        fill = creation.full((max_len - sequence.size(0), *first.shape[1:]), padding_value, dtype=first.dtype)
        padded.append(cat([fill, sequence] if padding_side == "left" else [sequence, fill], 0))
    return stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    # torch transposes the caller's tensor in place (transpose_) when not batch_first; mtv2 transposes a view, so
    # the argument keeps its shape
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    index = creation.arange(padded_sequences.shape[1], device=lengths.device)
    return [sequence[index < length] for sequence, length in zip(padded_sequences, lengths, strict=True)]


def pack_sequence(sequences, enforce_sorted=True):
    lengths = creation.as_tensor([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    padded_sequences, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded_sequences, lengths, batch_first=True)
