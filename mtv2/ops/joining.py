"""Joining, repeating and rearranging: cat/stack, repeat/tile/repeat_interleave, flip/roll, masked_fill,
tril/triu, nn.functional.pad, atleast_nd, column_stack/dstack, block_diag, kron, cartesian_prod, combinations
and rot90. (split, chunk, unbind, tensor_split and meshgrid are views: they live in views.py.)

cat is the one variadic op (`*tensors`, see _registry); stack, hstack, vstack, tile, the copying pad
modes (reflect, replicate, circular) and everything after them are composites of cat, narrow, expand, flip,
mul, pad and indexing, which carry their gradients.
"""
import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._registry import RAW, op
from ._surface import public
from .views import _shape_argument, narrow, reshape


def _shape_text(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _check_tensor_sequence(tensors, name):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    for position, tensor in enumerate(tensors):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"{name}(): expected Tensor as element {position} in argument 0, but got "
                            f"{type(tensor).__name__}")


def _check_int(value, name, argument):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name}(): argument '{argument}' must be int, not {type(value).__name__}")
    return int(value)


# ---------------------------------------------------------------- cat / stack


def _is_legacy_empty(shape):
    # torch still accepts the old "empty tensor" of shape (0,) anywhere in cat and skips it (its dtype promotes)
    return tuple(shape) == (0,)


@op("cat", saves=("tensors.shape", "dim"))
def _cat(*tensors, dim=0):
    kept = [t for t in tensors if not _is_legacy_empty(t.shape)]
    if not kept:
        return np.empty((0,), dtype=tensors[0].dtype)
    return np.concatenate(kept, axis=dim)


@_cat.vjp
def _(g, tensors_shape, dim):
    grads, start = [], 0
    for shape in tensors_shape:
        if _is_legacy_empty(shape):
            grads.append(g.new_zeros((0,)))
            continue
        grads.append(narrow(g, dim, start, shape[dim]))
        start += shape[dim]
    return tuple(grads)


@public("cat", "concat", "concatenate")
def cat(tensors, dim=0, *, out=None):
    """torch.cat: dtypes promote across the inputs; 1-d empty tensors (shape (0,)) are skipped."""
    result = _cat_checked(tensors, dim)
    if out is None:
        return result
    from .inplace import write_out_checked
    return write_out_checked(out, result, tensors)   # torch's cat casts into out's dtype


def _cat_checked(tensors, dim):
    _check_tensor_sequence(tensors, "cat")
    dim = _check_int(dim, "cat", "dim")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for position, tensor in enumerate(tensors):
        if tensor.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {position}) cannot be concatenated")
    kept = [(i, t) for i, t in enumerate(tensors) if not _is_legacy_empty(t.shape)]
    if not kept:
        return _cat(*tensors, dim=0)
    reference = kept[0][1]
    dim = _wrap_dim(dim, reference.ndim, "cat")
    for position, tensor in kept[1:]:
        if tensor.ndim != reference.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {reference.ndim} and {tensor.ndim}")
        for d, (expected, got) in enumerate(zip(reference.shape, tensor.shape)):
            if d != dim and expected != got:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {dim}. Expected size {expected} "
                                   f"but got size {got} for tensor number {position} in the list.")
    return _cat(*tensors, dim=dim)


@public()
def stack(tensors, dim=0):
    _check_tensor_sequence(tensors, "stack")
    dim = _check_int(dim, "stack", "dim")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for position, tensor in enumerate(tensors[1:], start=1):
        if tensor.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {_shape_text(tensors[0].shape)} "
                               f"at entry 0 and {_shape_text(tensor.shape)} at entry {position}")
    dim = _wrap_dim(dim, tensors[0].ndim + 1, "stack")
    return cat([t.unsqueeze(dim) for t in tensors], dim)


def _at_least(tensor, ndim):
    if tensor.ndim >= ndim:
        return tensor
    return reshape(tensor, (1,) * (ndim - tensor.ndim) + tuple(tensor.shape) if tensor.ndim else (1,) * ndim)


@public()
def hstack(tensors):
    _check_tensor_sequence(tensors, "hstack")
    if not tensors:
        raise RuntimeError("hstack expects a non-empty TensorList")
    tensors = [_at_least(t, 1) for t in tensors]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


@public("vstack", "row_stack")
def vstack(tensors):
    _check_tensor_sequence(tensors, "vstack")
    if not tensors:
        raise RuntimeError("vstack expects a non-empty TensorList")
    # atleast_2d puts a 1-d tensor in one row: (n,) -> (1, n)
    return cat([_at_least(t, 2) for t in tensors], 0)


# ---------------------------------------------------------------- repeat / tile / repeat_interleave

@op("repeat", promotion=RAW, saves=("a.shape", "repeats"))
def _repeat(a, repeats=()):
    return np.tile(a, repeats)


@_repeat.vjp
def _(g, a_shape, repeats):
    # the result, seen as (r0, s0, r1, s1, ...), holds r_i copies along each dim: sum the copies back
    padded = (1,) * (len(repeats) - len(a_shape)) + tuple(a_shape)
    interleaved = tuple(extent for pair in zip(repeats, padded) for extent in pair)
    copies = tuple(range(0, len(interleaved), 2))
    summed = g.reshape(interleaved).sum(dim=copies) if copies else g
    return summed.reshape(a_shape)


def repeat(input, *repeats):
    if not repeats:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    repeats = _shape_argument(repeats, "repeat", "repeats")
    if len(repeats) < input.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    padded = (1,) * (len(repeats) - input.ndim) + tuple(input.shape)
    shape = [r * s for r, s in zip(repeats, padded)]
    if any(r < 0 for r in repeats):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {_shape_text(shape)}")
    return _repeat(input, repeats=repeats)


@public("repeat", function=False, method=True)
def repeat_method(input, *sizes, repeats=None):
    """Tensor.repeat(*sizes) or Tensor.repeat(repeats=...): torch has no torch.repeat."""
    return repeat(input, *(sizes if repeats is None else (repeats,)))


@public()
def tile(input, dims):
    dims = _shape_argument((dims,) if isinstance(dims, (int, np.integer)) else dims, "tile", "dims")
    # fewer dims than the tensor has: torch pads them with leading ones (numpy's tile does the same)
    return repeat(input, (1,) * (input.ndim - len(dims)) + tuple(dims))


@public("tile", function=False, method=True)
def tile_method(input, *sizes, dims=None):
    # the method also takes the dims unpacked (x.tile(2, 3)); torch.tile wants a sequence
    return tile(input, dims if dims is not None else sizes[0] if len(sizes) == 1 else sizes)


@op("repeat_interleave", promotion=RAW, saves=("a.shape", "repeats", "dim"))
def _repeat_interleave(a, repeats=1, dim=0):
    return np.repeat(a, repeats, axis=dim)


@_repeat_interleave.vjp
def _(g, a_shape, repeats, dim):
    if isinstance(repeats, int):
        # the r copies of each element are adjacent: view them as a new dim and sum it
        grouped = tuple(a_shape[:dim]) + (a_shape[dim], repeats) + tuple(a_shape[dim + 1:])
        return g.reshape(grouped).sum(dim + 1)
    if len(a_shape) and a_shape[dim] == 0:
        return g.new_zeros(a_shape)
    counts = [int(r) for r in np.broadcast_to(repeats, (a_shape[dim],))]
    return cat([piece.sum(dim, keepdim=True) for piece in g.split(counts, dim)], dim)


def _repeat_counts(repeats):
    """The repeats tensor as a NumPy int64 array, with torch's checks (its shape is checked by the caller)."""
    if repeats.dtype not in (_dtype.int32, _dtype.int64):
        raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for "
                                  f"'{_dtype.scalar_type_name(repeats.dtype)}'")
    counts = repeats._data.astype(np.int64)
    if (counts < 0).any():
        raise RuntimeError("repeats can not be negative")
    return counts


@public()
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    if repeats is None:  # torch.repeat_interleave(repeats): the indices, each repeated its own count
        if not isinstance(input, Tensor) or input.ndim != 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        counts = _repeat_counts(input)
        return Tensor._from_fresh(np.repeat(np.arange(len(counts), dtype=input.dtype.numpy_type), counts))
    if dim is None:
        input, dim = reshape(input, -1), 0
    elif input.ndim == 0:
        # torch refuses every dim for a 0-d input (it checks the dim after making the input 1-d, then 0-d again)
        raise IndexError(f"repeat_interleave: Dimension out of range: dim {dim} given for a 0-d input (only "
                         f"dim=None is accepted)")
    dim = _wrap_dim(_check_int(dim, "repeat_interleave", "dim"), input.ndim, "repeat_interleave")
    extent = input.shape[dim]
    if isinstance(repeats, Tensor):
        if repeats.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        if repeats.ndim == 1 and len(repeats) not in (1, extent):
            raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                               f"{len(repeats)} and input.size({dim}) = {extent}")
        counts = _repeat_counts(repeats)
        repeats = int(counts.reshape(-1)[0]) if counts.size == 1 else counts
    elif isinstance(repeats, bool) or not isinstance(repeats, (int, np.integer)):
        raise TypeError(f"repeat_interleave(): argument 'repeats' must be Tensor or int, not {type(repeats).__name__}")
    elif repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    else:
        repeats = int(repeats)
    total = extent * repeats if isinstance(repeats, int) else int(repeats.sum())
    if output_size is not None and output_size != total:
        raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {total} but got {output_size}")
    return _repeat_interleave(input, repeats=repeats, dim=dim)


@public("repeat_interleave", function=False, method=True)
def repeat_interleave_method(input, repeats, dim=None, *, output_size=None):
    # the method's repeats is required: torch.repeat_interleave(repeats) alone is a function-only form
    return repeat_interleave(input, repeats, dim, output_size=output_size)


# ---------------------------------------------------------------- flip / roll

@op("flip", promotion=RAW, saves=("dims",))
def _flip(a, dims=()):
    return np.flip(a, dims) if dims else a.copy()


@_flip.vjp
def _(g, dims):
    return _flip(g, dims=dims)


def _dims_argument(dims, name):
    dims = tuple(dims) if isinstance(dims, (list, tuple)) else dims
    if not isinstance(dims, tuple) or any(isinstance(d, bool) or not isinstance(d, (int, np.integer)) for d in dims):
        raise TypeError(f"{name}(): argument 'dims' must be tuple of ints, not {type(dims).__name__}")
    return tuple(int(d) for d in dims)


@public()
def flip(input, dims):
    dims = tuple(_wrap_dim(d, input.ndim, "flip") for d in _dims_argument(dims, "flip"))
    for d in dims:
        if dims.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return _flip(input, dims=dims if input.ndim else ())


@public("flip", function=False, method=True)
def flip_method(input, *sizes, dims=None):
    # the method also takes the dims unpacked (x.flip(0, 1)); torch.flip wants a sequence
    if dims is None:
        dims = sizes[0] if len(sizes) == 1 and isinstance(sizes[0], (list, tuple)) else sizes
    return flip(input, dims)


@public(method=True)
def fliplr(input):
    if input.ndim < 2:
        raise RuntimeError("fliplr: Input must be >= 2-d.")
    return flip(input, (1,))


@public(method=True)
def flipud(input):
    if input.ndim < 1:
        raise RuntimeError("flipud: Input must be >= 1-d.")
    return flip(input, (0,))


@op("roll", promotion=RAW, saves=("shifts", "dims"))
def _roll(a, shifts=(), dims=None):
    return np.roll(a, shifts, axis=dims)  # dims None: the flattened tensor is rolled, as torch does


@_roll.vjp
def _(g, shifts, dims):
    return _roll(g, shifts=tuple(-s for s in shifts), dims=dims)


@public(method=True)
def roll(input, shifts, dims=None):
    shifts = (shifts,) if isinstance(shifts, (int, np.integer)) and not isinstance(shifts, bool) else shifts
    if not isinstance(shifts, (list, tuple)) or any(
            isinstance(s, bool) or not isinstance(s, (int, np.integer)) for s in shifts):
        raise TypeError(f"roll(): argument 'shifts' must be tuple of ints, not {type(shifts).__name__}")
    shifts = tuple(int(s) for s in shifts)
    if len(shifts) == 0:
        raise RuntimeError("`shifts` required")
    if dims in (None, (), []) and len(shifts) == 1:
        return _roll(input, shifts=shifts, dims=None)
    dims = () if dims is None else (dims,) if isinstance(dims, (int, np.integer)) else _dims_argument(dims, "roll")
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    if input.numel() == 0:
        return input.clone()   # torch returns an empty input before it looks at the dims
    if input.ndim == 0:
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    dims = tuple(_wrap_dim(d, input.ndim, "roll") for d in dims)
    return _roll(input, shifts=shifts, dims=dims)


# ---------------------------------------------------------------- masked_fill

_C_TYPE_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
                 "float16": "c10::Half", "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double"}


def checked_fill_value(value, dtype, name):
    """A Python number for a `dtype` tensor, refused where torch's checked scalar conversion overflows."""
    if dtype is _dtype.bool or dtype is _dtype.float64 or isinstance(value, (bool, np.bool_)):
        return value
    if dtype.is_floating_point:
        # infinities and NaN convert to any floating type; finite values must fit
        overflows = bool(np.isfinite(value)) and abs(float(value)) > float(_dtype.finfo(dtype).max)
    else:
        info = _dtype.iinfo(dtype)
        lowest = info.min
        if info.min == 0 and isinstance(value, (int, np.integer)):
            lowest = -info.max  # torch lets negative integers wrap into unsigned types, as two's complement would
        # NaN fails both comparisons: it fits no integer type
        overflows = not lowest <= value <= info.max
    if overflows:
        raise RuntimeError(f"{name}: value cannot be converted to type {_C_TYPE_NAMES[dtype.name]} without overflow")
    return value


@op("masked_fill", promotion=RAW, saves=("mask",))
def _masked_fill(a, mask, value):
    return np.where(mask, np.asarray(value).astype(a.dtype), a)


@_masked_fill.vjp
def _(g, mask):
    return g.masked_fill(mask, 0), None, g.masked_fill(mask.logical_not(), 0).sum()


@public(method=True)
def masked_fill(input, mask, value):
    if not isinstance(mask, Tensor):
        raise TypeError(f"masked_fill(): argument 'mask' must be Tensor, not {type(mask).__name__}")
    if mask.dtype is not _dtype.bool:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{_dtype.c_type_name(mask.dtype)}")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
        checked_fill_value(value.item(), input.dtype, "masked_fill")  # torch converts the value tensor's item
    elif isinstance(value, (bool, int, float, np.number, np.bool_)):
        value = checked_fill_value(value, input.dtype, "masked_fill")
    else:
        raise TypeError(f"masked_fill() received an invalid combination of arguments - got (Tensor, "
                        f"{type(value).__name__}), but expected one of: (Tensor mask, Tensor value) or "
                        f"(Tensor mask, Number value)")
    return _masked_fill(input, mask, value)


@public(function=False, method=True)
def masked_fill_(self, mask, value):
    from .inplace import apply_inplace
    # torch allows (with a deprecation warning) masked_fill_ on expanded tensors
    return apply_inplace(self, masked_fill, "masked_fill_", mask, value, allow_overlap=True)


# ---------------------------------------------------------------- tril / triu

def _triangle_op(name, numpy_triangle):
    """The op `name`: keep one triangle of the last two dims (np.tril or np.triu), zero the rest."""
    @op(name, promotion=RAW, saves=("diagonal",))
    def kernel(a, diagonal=0):
        return numpy_triangle(a, diagonal)

    @kernel.vjp
    def _(g, diagonal):
        return kernel(g, diagonal=diagonal)  # a projection: its gradient keeps the same triangle of g
    return kernel


_tril = _triangle_op("tril", np.tril)
_triu = _triangle_op("triu", np.triu)


def _triangle(input, diagonal, name, kernel):
    diagonal = _check_int(diagonal, name, "diagonal")
    if input.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    return kernel(input, diagonal=diagonal)


@public(method=True, inplace=True)
def tril(input, diagonal=0):
    return _triangle(input, diagonal, "tril", _tril)


@public(method=True, inplace=True)
def triu(input, diagonal=0):
    return _triangle(input, diagonal, "triu", _triu)


# ---------------------------------------------------------------- nn.functional.pad

@op("constant_pad_nd", promotion=RAW, saves=("pad",))
def _constant_pad(a, pad=(), value=0):
    # pad holds (before, after) pairs from the last dim backwards; negative entries crop
    crop, widths = [slice(None)] * a.ndim, [(0, 0)] * a.ndim
    for pair in range(len(pad) // 2):
        dim = a.ndim - 1 - pair
        before, after = pad[2 * pair], pad[2 * pair + 1]
        crop[dim] = slice(max(-before, 0), a.shape[dim] - max(-after, 0))
        widths[dim] = (max(before, 0), max(after, 0))
    if a.ndim == 0:
        return a.copy()
    return np.pad(a[tuple(crop)], widths, constant_values=np.asarray(value).astype(a.dtype))


@_constant_pad.vjp
def _(g, pad):
    return _constant_pad(g, pad=tuple(-p for p in pad), value=0)  # pads crop back, crops pad with zeros


@public(function=False, functional=True)
def pad(input, pad, mode="constant", value=None):
    """torch.nn.functional.pad: constant, reflect, replicate and circular modes; negative pads crop."""
    if not isinstance(pad, (list, tuple)) or any(isinstance(p, bool) or not isinstance(p, (int, np.integer))
                                                 for p in pad):
        found = next((type(p).__name__ for p in pad), None) if isinstance(pad, (list, tuple)) else None
        raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but found element of type "
                        f"{found or type(pad).__name__}")
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if mode != "constant" and value not in (None, 0):
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if mode != "constant":
        return _pad_by_copies(input, pad, mode)
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.ndim}")
    for pair in range(len(pad) // 2):
        dim = input.ndim - 1 - pair
        before, after, size = pad[2 * pair], pad[2 * pair + 1], input.shape[dim]
        if size + min(before, 0) < 0 or size + min(before, 0) + min(after, 0) < 0 or size + before + after < 0:
            raise RuntimeError(f"pad: the input size {size}, plus negative padding {before} and {after} resulted in a "
                               f"negative output size, which is invalid. Check dimension {dim} of your input.")
    value = checked_fill_value(0 if value is None else value, input.dtype, "pad")
    return _constant_pad(input, pad=pad, value=value)


@public()
def constant_pad_nd(input, pad, value=0):
    """torch.constant_pad_nd: F.pad's constant mode with aten's own checks (pad pairs from the last dim backwards,
    negative entries crop; always a new tensor)."""
    if not isinstance(pad, (list, tuple)):
        raise TypeError(f"constant_pad_nd(): argument 'pad' (position 2) must be tuple of ints, not "
                        f"{type(pad).__name__}")
    for position, entry in enumerate(pad):
        if isinstance(entry, bool) or not isinstance(entry, (int, np.integer)):
            raise TypeError(f"constant_pad_nd(): argument 'pad' (position 2) must be tuple of ints, but found element "
                            f"of type {type(entry).__name__} at pos {position}")
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError(f"Length of pad must be even but instead it equals {len(pad)}")
    if len(pad) // 2 > input.ndim:
        # sic: torch's message has no spaces around the numbers
        raise RuntimeError(f"Length of pad should be no more than twice the number of dimensions of the input. Pad "
                           f"length is {len(pad)}while the input has {input.ndim}dimensions.")
    for pair in range(len(pad) // 2):
        dim = input.ndim - 1 - pair
        before, after, size = pad[2 * pair], pad[2 * pair + 1], input.shape[dim]
        if size + min(before, 0) < 0 or size + min(before, 0) + min(after, 0) < 0:
            raise RuntimeError("narrow(): length must be non-negative.")   # aten crops with narrow first
        if size + before + after < 0:
            raise RuntimeError(f"The input size {size}, plus negative padding {before} and {after} resulted in a "
                               f"negative output size, which is invalid. Check dimension {dim} of your input.")
    return _constant_pad(input, pad=pad, value=checked_fill_value(value, input.dtype, "constant_pad_nd"))


def _pad_by_copies(input, pad, mode):
    """reflect / replicate / circular: the padding copies input elements, so cat of views of the input does it
    (and its gradient, which sums each copy back)."""
    pairs = len(pad) // 2
    # torch pads the last 1, 2 or 3 dims of a (batch,) channel, spatial... tensor
    if input.ndim not in (pairs + 1, pairs + 2):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.\n"
                                  "Supported combinations for non-constant padding:\n"
                                  "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
                                  "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
                                  "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    if mode != "circular":
        if input.dtype is _dtype.bool:
            kernel = "reflection" if mode == "reflect" else "replication"
            raise NotImplementedError(f"\"{kernel}_pad{pairs}d\" not implemented for 'Bool'")
        if any(size == 0 for size in input.shape[input.ndim - pairs - 1:]):
            raise RuntimeError(f"pad ({mode}): expected a tensor with possibly 0 batch size and other non-zero "
                               f"dimensions for input, but got: {_shape_text(input.shape)}")
    result = input
    for pair in range(pairs):
        dim = input.ndim - 1 - pair
        before, after, size = pad[2 * pair], pad[2 * pair + 1], input.shape[dim]
        if mode == "reflect" and (before >= size or after >= size):
            raise RuntimeError(f"pad (reflect): Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({before}, {after}) at dimension {dim} of input "
                               f"{_shape_text(input.shape)}")
        if mode == "circular" and (before > size or after > size):
            raise RuntimeError("pad (circular): Padding value causes wrapping around more than once.")
        result = _pad_dim_by_copies(result, dim, before, after, mode)
    return result if result is not input else _cat(input, dim=0)  # no pads: still a copy, as torch's


def _pad_dim_by_copies(x, dim, before, after, mode):
    size = x.shape[dim]
    if mode == "circular":
        # crop first, then wrap the cropped core around (torch copies the pads out of the written core)
        start = max(-before, 0)
        core = narrow(x, dim, start, size - start - max(-after, 0))
        pieces = [narrow(core, dim, core.shape[dim] - before, before)] if before > 0 else []
        pieces += [core] + ([narrow(core, dim, 0, after)] if after > 0 else [])
        return cat(pieces, dim)
    # reflect and replicate pad from the uncropped input, then crop
    pieces = [x]
    if before > 0:
        pieces.insert(0, _edge_copies(x, dim, 0, before, mode))
    if after > 0:
        pieces.append(_edge_copies(x, dim, size - 1, after, mode))
    padded = cat(pieces, dim)
    start = max(-before, 0)
    return narrow(padded, dim, start, padded.shape[dim] - start - max(-after, 0))


def _edge_copies(x, dim, edge, count, mode):
    """`count` elements to put beyond `edge` (0 or the last index) of dim: mirrored, or the edge repeated."""
    if mode == "replicate":
        shape = list(x.shape)
        shape[dim] = count
        return narrow(x, dim, edge, 1).expand(shape)
    start = 1 if edge == 0 else edge - count  # reflect excludes the edge element itself
    return flip(narrow(x, dim, start, count), (dim,))


# ---------------------------------------------------------------- atleast_nd / column_stack / dstack

def _one_or_tuple(tensors, name, make):
    """torch's atleast_*d: one tensor gives one result, several (or a sequence) a tuple."""
    if len(tensors) == 1:
        tensors = tensors[0]
    if isinstance(tensors, Tensor):
        return make(tensors)
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}(): argument 'tensors' must be tuple of Tensors, not {type(tensors).__name__}")
    return tuple(make(t) for t in tensors)


def _atleast_1d(t):
    return reshape(t, (1,)) if t.ndim == 0 else t


def _atleast_2d(t):
    return reshape(t, (1, 1)) if t.ndim == 0 else t.unsqueeze(0) if t.ndim == 1 else t


def _atleast_3d(t):
    # (n,) -> (1, n, 1) and (m, n) -> (m, n, 1): numpy's convention, which torch follows
    if t.ndim == 0:
        return reshape(t, (1, 1, 1))
    if t.ndim == 1:
        return t.unsqueeze(0).unsqueeze(-1)
    return t.unsqueeze(-1) if t.ndim == 2 else t


@public()
def atleast_1d(*tensors):
    return _one_or_tuple(tensors, "atleast_1d", _atleast_1d)


@public()
def atleast_2d(*tensors):
    return _one_or_tuple(tensors, "atleast_2d", _atleast_2d)


@public()
def atleast_3d(*tensors):
    return _one_or_tuple(tensors, "atleast_3d", _atleast_3d)


@public()
def column_stack(tensors, *, out=None):
    """0-d and 1-d tensors become columns (numel, 1), then hstack."""
    _check_tensor_sequence(tensors, "column_stack")
    if not tensors:
        raise RuntimeError("column_stack expects a non-empty TensorList")
    return _written(hstack([reshape(t, (t.numel(), 1)) if t.ndim <= 1 else t for t in tensors]), out, tensors)


@public()
def dstack(tensors, *, out=None):
    _check_tensor_sequence(tensors, "dstack")
    if not tensors:
        raise RuntimeError("dstack expects a non-empty TensorList")
    return _written(cat([_atleast_3d(t) for t in tensors], 2), out, tensors)


def _written(result, out, inputs):
    """`out=` of the ops torch writes through cat's out (its overlap checks, the cast into out's dtype)."""
    if out is None:
        return result
    from .inplace import write_out_checked
    return write_out_checked(out, result, inputs)


# ---------------------------------------------------------------- block_diag / kron / cartesian_prod / combinations

@public()
def block_diag(*tensors):
    """The blocks on the diagonal of a zero matrix, in their promoted dtype: each padded to the full width with
    zeros (constant_pad_nd), the rows then stacked by cat, so the gradient is cat's and pad's."""
    for position, tensor in enumerate(tensors):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"block_diag(): argument 'tensors' (position 1) must be tuple of Tensors, but found "
                            f"element of type {type(tensor).__name__} at pos {position}")
        if tensor.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {position} "
                               f"has {tensor.ndim} dimensions")
    if not tensors:
        return Tensor._from_fresh(np.empty((1, 0), _dtype.get_default_dtype().numpy_type))   # torch's shape
    dtype = _dtype.promote_types(tensors[0].dtype, tensors[0].dtype)
    for tensor in tensors[1:]:
        dtype = _dtype.promote_types(dtype, tensor.dtype)
    blocks = [reshape(t, (1, t.numel()) if t.ndim == 1 else (1, 1)) if t.ndim < 2 else t for t in tensors]
    width = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for block in blocks:
        rows.append(_constant_pad(block.to(dtype), pad=(left, width - left - block.shape[1]), value=0))
        left += block.shape[1]
    return _cat(*rows, dim=0)


@public(method=True)
def kron(input, other, *, out=None):
    """Every product input[i] * other[j] at index i * other.shape + j: the two tensors interleaved with size-1 dims,
    multiplied (broadcasting does the outer product, mul the promotion) and the dim pairs merged."""
    for position, (argument, value) in enumerate((("input", input), ("other", other)), start=1):
        if not isinstance(value, Tensor):
            raise TypeError(f"kron(): argument '{argument}' (position {position}) must be Tensor, not "
                            f"{type(value).__name__}")
    ndim = max(input.ndim, other.ndim)
    a_shape = (1,) * (ndim - input.ndim) + tuple(input.shape)
    b_shape = (1,) * (ndim - other.ndim) + tuple(other.shape)
    a = reshape(input, tuple(extent for size in a_shape for extent in (size, 1)))
    b = reshape(other, tuple(extent for size in b_shape for extent in (1, size)))
    return _written(reshape(a * b, tuple(x * y for x, y in zip(a_shape, b_shape))), out, None)


def _check_vector(tensor):
    if tensor.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {_shape_text(tensor.shape)}")


@public()
def cartesian_prod(*tensors):
    """Rows of every combination of one element of each 1-d tensor; one tensor comes back as itself."""
    for tensor in tensors:
        _check_vector(tensor)
    if len(tensors) == 1:
        return tensors[0]
    from .views import meshgrid
    return stack([grid.flatten() for grid in meshgrid(*tensors, indexing="ij")], 1)


@public()
def combinations(input, r=2, with_replacement=False):
    """The r-element combinations of a 1-d tensor's elements, in itertools' order, as rows (an index, so the
    gradient is index's); r=0 gives an empty 1-d tensor, as torch's."""
    import itertools
    _check_vector(input)
    r = _check_int(r, "combinations", "r")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return Tensor._from_fresh(np.empty((0,), input.dtype.numpy_type))
    choose = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = np.array(list(choose(range(input.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return input[Tensor._from_fresh(rows)]


# ---------------------------------------------------------------- rot90

@public(method=True)
def rot90(input, k=1, dims=(0, 1)):
    """k quarter turns from dims[0] towards dims[1]: a flip and a transpose (k even: two flips; k = 0: a copy)."""
    dims = _dims_argument(dims, "rot90")
    k = _check_int(k, "rot90", "k")
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    first, second = (_wrap_dim(d, input.ndim, "rot90") for d in dims)   # an out-of-range dim is torch's first error
    if first == second:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
    k %= 4
    if k == 1:
        return flip(input, (second,)).transpose(first, second)
    if k == 2:
        return flip(input, (first, second))
    if k == 3:
        return flip(input, (first,)).transpose(first, second)
    from .conversion import contiguous_format
    return input.clone(memory_format=contiguous_format)
