"""embedding_bag: sums, means or maxima of bags of embedding rows (torch.nn.functional.embedding_bag), with torch's
checks, its padding_idx and per_sample_weights, and its CPU kernel's gradient (quirks included).

The op takes the rows' indices and, for each, the bag it belongs to (worked out from offsets by the public function),
so the kernel is a segment reduction. Its rule is written with mtv2 ops (index_add, scatter_add, indexing), so the
gradient is itself differentiable, although torch declares no double backward for it. embedding (a single row per
index) lives in nn_layers.py."""
import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd import grad_mode
from ._registry import RAW, op
from ._surface import public
from .nn_layers import _renorm_rows

_MODES = {"sum": 0, "mean": 1, "max": 2}
_HALF = (np.float16, _dtype.bfloat16.numpy_type)


def _bag_sizes(indices, bags, num_bags, padding_idx):
    """How many rows each bag holds, the padding rows not counted (the mean's divisor)."""
    kept = bags[(indices != padding_idx) & (bags >= 0)]
    return np.bincount(kept, minlength=num_bags)[:num_bags]


@op("embedding_bag", promotion=RAW, extra_outputs=("max_indices",), formula_backward=True,
    saves=("weight", "indices", "bags", "per_sample_weights", "mode", "num_bags", "padding_idx", "scale_grad_by_freq",
           "max_indices"))
def _embedding_bag(weight, indices, bags, per_sample_weights, mode=0, num_bags=0, padding_idx=-1,
                   scale_grad_by_freq=False):
    """(output, max_indices): each bag's reduction of weight[indices]; max_indices (max mode only, else empty) holds
    the row each output element came from, -1 for an empty bag."""
    compute = np.float32 if weight.dtype in _HALF else weight.dtype   # half types accumulate in float32
    kept = (indices != padding_idx) & (bags >= 0)
    rows = weight[indices[kept]].astype(compute, copy=False)
    bag_of_row = bags[kept]
    output = np.zeros((num_bags, weight.shape[1]), dtype=compute)
    if mode == _MODES["max"]:
        output.fill(-np.inf)
        np.maximum.at(output, bag_of_row, rows)
        # the first row reaching the maximum, as torch's kernel (it replaces only on a strictly greater value)
        positions = np.where(rows == output[bag_of_row], np.arange(len(rows))[:, None], len(rows))
        first = np.full(output.shape, len(rows), dtype=np.int64)
        np.minimum.at(first, bag_of_row, positions)
        max_indices = np.append(indices[kept], -1)[first]
        output[max_indices < 0] = 0   # an empty bag is zeros
        return output.astype(weight.dtype, copy=False), max_indices
    if per_sample_weights is not None:
        rows = rows * per_sample_weights[kept].astype(compute, copy=False)[:, None]
    np.add.at(output, bag_of_row, rows)
    output = output.astype(weight.dtype, copy=False)
    if mode == _MODES["mean"]:
        # torch divides the rounded sums by the bag sizes, in the weight's dtype; an empty bag stays zero
        sizes = _bag_sizes(indices, bags, num_bags, padding_idx)
        nonempty = sizes > 0
        output[nonempty] = (output[nonempty].astype(compute) / sizes[nonempty, None]).astype(weight.dtype)
    return output, np.zeros(0, dtype=np.int64)


def _frequency_scale(indices):
    """torch's scale_grad_by_freq in embedding_bag's CPU backward: the k-th distinct index (in sorted order) is divided
    by the count of the k-th element of the SORTED indices, not by its own count (it reads counts[sorted[k]] where
    it means counts[sorted[first of group k]]). Matched as is: for [1, 1, 2] the row 2 gets 1/2, not 1."""
    ordered = np.sort(indices)
    distinct, group_of = np.unique(indices, return_inverse=True)
    counts = np.bincount(indices, minlength=int(indices.max(initial=0)) + 1)
    return 1.0 / counts[ordered[:len(distinct)]][group_of]


# formula_backward: the rule runs in a half type itself (its backward kernel rounds at every addition, as torch's)
@_embedding_bag.vjp
def _(g, weight, indices, bags, per_sample_weights, mode, num_bags, padding_idx, scale_grad_by_freq, max_indices):
    grad_weight = _embedding_bag_dense_backward(g, indices, bags, per_sample_weights, max_indices,
                                                num_weights=weight.shape[0], mode=mode, num_bags=num_bags,
                                                padding_idx=padding_idx, scale_grad_by_freq=scale_grad_by_freq)
    grad_per_sample = None
    if per_sample_weights is not None:
        # torch's _embedding_bag_per_sample_weights_backward: each row's dot product with its bag's gradient, zero
        # for a padding row
        index, bag = indices._data, bags._data
        kept = Tensor._from_fresh(((index != padding_idx) & (bag >= 0)).astype(g.dtype.numpy_type))
        per_row = g[Tensor._from_fresh(np.maximum(bag, 0))]
        # (a half type's dot products accumulate in float32 and round once, as torch's dot_with_fp32_arith)
        compute = _dtype.float32 if g.dtype in (_dtype.float16, _dtype.bfloat16) else g.dtype
        products = per_row.to(compute) * weight[indices].to(compute)
        grad_per_sample = (products.sum(1) * kept.to(compute)).to(g.dtype)
    return grad_weight, None, None, grad_per_sample


@op("embedding_bag_dense_backward", promotion=RAW)
def _embedding_bag_dense_backward(g, indices, bags, per_sample_weights, max_indices, num_weights=0, mode=0,
                                  num_bags=0, padding_idx=-1, scale_grad_by_freq=False):
    """torch's _embedding_bag_dense_backward on CPU: each row's cotangent, times its scale (per-sample weight,
    1/frequency, 1/bag size, computed in double and rounded to the gradient's dtype), added into the table one row at
    a time in the gradient's dtype (torch's axpy and index_add_ round half types at every addition)."""
    table = np.zeros((num_weights, g.shape[1]), dtype=g.dtype)
    if mode == _MODES["max"]:
        # all of each output element's gradient to the row it came from; nothing from an empty bag
        found = max_indices >= 0
        columns = np.broadcast_to(np.arange(g.shape[1]), g.shape)
        np.add.at(table, (max_indices[found], columns[found]), g[found])
        return table
    kept = (indices != padding_idx) & (bags >= 0)
    scale = np.ones(len(indices))
    if per_sample_weights is not None:
        scale = scale * per_sample_weights.astype(np.float64)
    if scale_grad_by_freq:
        scale = scale * _frequency_scale(indices)
    if mode == _MODES["mean"]:
        scale = scale / np.maximum(_bag_sizes(indices, bags, num_bags, padding_idx), 1)[np.maximum(bags, 0)]
    terms = g[bags] * scale.astype(g.dtype)[:, None]
    # torch adds the rows in the order of its (unstable) sort of the indices: visible in a half type's roundings
    order = _introsort_order(indices) if g.dtype in _HALF else np.arange(len(indices))
    order = order[kept[order]]
    np.add.at(table, indices[order], terms[order])
    return table


def _introsort_order(keys):
    """The permutation libstdc++'s std::sort (introsort: median-of-three quicksort down to 16 elements, then one
    insertion sort) puts `keys` in: torch's unstable CPU sort, which orders equal keys its own way."""
    keys = keys.tolist()
    order = list(range(len(keys)))

    def less(i, j):
        return keys[order[i]] < keys[order[j]]

    def swap(i, j):
        order[i], order[j] = order[j], order[i]

    def heap_sort(first, last):
        # libstdc++ heap-sorts past the depth limit (which median-of-three rarely reaches); a stable sort stands in
        # for it here, so equal keys may be ordered differently from torch's there
        order[first:last] = sorted(order[first:last], key=lambda position: keys[position])

    def introsort_loop(first, last, depth_limit):
        while last - first > 16:
            if depth_limit == 0:
                heap_sort(first, last)
                return
            depth_limit -= 1
            middle = first + (last - first) // 2
            a, b, c = first + 1, middle, last - 1
            if less(a, b):
                swap(first, b if less(b, c) else c if less(a, c) else a)
            else:
                swap(first, a if less(a, c) else c if less(b, c) else b)
            left, right = first + 1, last
            while True:
                while less(left, first):
                    left += 1
                right -= 1
                while less(first, right):
                    right -= 1
                if not left < right:
                    break
                swap(left, right)
                left += 1
            introsort_loop(left, last, depth_limit)
            last = left

    def linear_insert(i, first):
        value = order[i]
        while i > first and keys[value] < keys[order[i - 1]]:
            order[i] = order[i - 1]
            i -= 1
        order[i] = value

    n = len(keys)
    if n > 1:
        introsort_loop(0, n, 2 * (n.bit_length() - 1))
        for i in range(1, n):
            linear_insert(i, 0)
    return np.array(order, dtype=np.int64)


_embedding_bag_dense_backward.no_derivative("_embedding_bag_dense_backward")   # torch has no double backward


def _offsets_to_bags(offsets, length, include_last_offset):
    """The bag of each of `length` rows, from torch's offsets (-1: after the last offset with include_last_offset,
    in no bag), and the number of bags."""
    if include_last_offset and offsets.size < 1:
        raise RuntimeError("include_last_offset: number of offset should be at least 1")
    num_bags = offsets.size - 1 if include_last_offset else offsets.size
    if offsets.size and offsets[0] != 0:
        raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                           f"position 0. However, got {offsets[0]}")
    if offsets.size and offsets[-1] > length:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {length} but got offsets[-1] of "
                           f"{offsets[-1]}")
    if np.any(np.diff(offsets) < 0):
        raise RuntimeError("Expected i < index_size to be true, but got false.  (Could this error message be "
                           "improved?  If so, please report an enhancement request to PyTorch.)")
    bags = np.searchsorted(offsets, np.arange(length), side="right") - 1
    if include_last_offset:
        # torch documents the last offset as the input's length; rows after a smaller one belong to no bag (torch's
        # CPU kernels disagree among themselves there: the sum stops at it, max and the mean's divisor do not)
        bags[bags >= num_bags] = -1
    return bags.astype(np.int64), num_bags


def _check_index_dtype(tensor, name):
    if tensor.dtype not in (_dtype.int64, _dtype.int32):
        raise RuntimeError(f"Expected tensor for argument #1 '{name}' to have one of the following scalar types: "
                           f"Long, Int; but got torch.{_dtype.scalar_type_name(tensor.dtype)}Tensor instead (while "
                           f"checking arguments for embedding_bag)")


@public(function=False, functional=True)
def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """torch.nn.functional.embedding_bag: the sum, mean or max of each bag of rows of `weight` picked by `input`.

    sparse=True asks for a sparse gradient of weight, which mtv2 cannot represent: the forward is computed as
    torch's, and a weight that requires grad under grad mode raises NotImplementedError."""
    if weight.dtype is _dtype.int64 and input.is_floating_point():
        # torch's backward compatibility: the old argument order embedding_bag(weight, input)
        weight, input = input, weight
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(f"embedding_bag: If per_sample_weights ({_size(per_sample_weights)}) is not None, then it "
                         f"must have the same shape as the input ({_size(input)})")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError(f"if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {_type_text(offsets)}")
        from ..creation import arange
        offsets = arange(0, input.numel(), input.size(1), dtype=input.dtype)
        include_last_offset = False
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    if mode not in _MODES:
        raise ValueError("embedding_bag: mode has to be one of sum, mean or max")   # torch's, naming the op
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if mode == "max" and sparse:
        raise ValueError("max mode does not support sparse weights")
    if max_norm is not None:
        _renorm_rows(weight, input, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  f"GitHub.")
    # torch.embedding_bag's own checks
    _check_index_dtype(input, "indices")
    _check_index_dtype(offsets, "offsets")
    if not weight.dtype.is_floating_point or weight.dtype.is_complex:
        raise RuntimeError(f"Expected tensor for argument #1 'weight' to have one of the following scalar types: "
                           f"Half, BFloat16, Float, Double; but got torch.{_dtype.scalar_type_name(weight.dtype)}"
                           f"Tensor instead (while checking arguments for embedding_bag)")
    if per_sample_weights is not None and per_sample_weights.dtype is not weight.dtype:
        raise RuntimeError(f"Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 "
                           f"'per_sample_weights'; but type torch.{_dtype.scalar_type_name(weight.dtype)}Tensor does "
                           f"not equal torch.{_dtype.scalar_type_name(per_sample_weights.dtype)}Tensor (while "
                           f"checking arguments for embedding_bag)")
    num_weights = weight.shape[0]
    if padding_idx is not None:
        if not -num_weights <= padding_idx < num_weights:
            raise RuntimeError(f"padding_idx must be within the number of embeddings, -{num_weights} through "
                               f"{num_weights - 1}, but got {padding_idx}")
        padding_idx = padding_idx % num_weights
    indices = input._data.astype(np.int64).reshape(-1)
    bags, num_bags = _offsets_to_bags(offsets._data.astype(np.int64).reshape(-1), indices.size, include_last_offset)
    outside = np.flatnonzero((bags >= 0) & ((indices < 0) | (indices >= num_weights)))
    if outside.size:
        position = outside[0]
        if mode == "max" or padding_idx is not None or weight.dtype is _dtype.float64:
            raise RuntimeError(f"embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be "
                               f"{indices[position]}")
        # torch's fbgemm kernels (float32 and half types, sum and mean without padding_idx) report the position; which
        # position (or an internal check instead) depends on how its threads split the bags: the first one here
        raise RuntimeError(f"embedding_bag: Index {position} of input takes value {indices[position]} which is not in "
                           f"the valid range [0, {num_weights})")
    if sparse and weight.requires_grad and grad_mode.is_grad_enabled():
        raise NotImplementedError("embedding_bag: sparse=True (a sparse gradient of weight) is not supported by mtv2")
    output, _ = _embedding_bag(weight, Tensor._from_fresh(indices), Tensor._from_fresh(bags), per_sample_weights,
                               mode=_MODES[mode], num_bags=num_bags,
                               padding_idx=-1 if padding_idx is None else padding_idx,
                               scale_grad_by_freq=scale_grad_by_freq)
    return output


def _size(tensor):
    return f"torch.Size({list(tensor.shape)})"


def _type_text(value):
    return "<class 'torch.Tensor'>" if isinstance(value, Tensor) else str(type(value))
