"""The *_copy ops: each view op's result as a fresh contiguous tensor that shares nothing with its input (torch
has them for the functionalization of views). Each is its view followed by a contiguous clone, so the gradient is
the view's and clone's."""
from .. import _dtype
from .conversion import contiguous_format
from .indexing import getitem
from ._surface import public
from . import views
from .strided import as_strided


def _copied(result, out=None):
    """A contiguous copy of a view (or of each of a tuple of views), written into `out` when given."""
    from .inplace import write_out_checked
    if isinstance(result, tuple):
        copies = tuple(piece.clone(memory_format=contiguous_format) for piece in result)
        if out is None:
            return copies
        for target, piece in zip(out, copies):
            write_out_checked(target, piece, None)
        return None
    copy = result.clone(memory_format=contiguous_format)
    return copy if out is None else write_out_checked(out, copy, None)


@public()
def alias_copy(input, *, out=None):
    return _copied(input, out)


@public()
def detach_copy(input, *, out=None):
    return _copied(input.detach(), out)


@public()
def as_strided_copy(input, size, stride, storage_offset=None, *, out=None):
    return _copied(as_strided(input, size, stride, storage_offset), out)


@public()
def diagonal_copy(input, offset=0, dim1=0, dim2=1, *, out=None):
    return _copied(views.diagonal(input, offset, dim1, dim2), out)


@public()
def expand_copy(input, size, *, implicit=False, out=None):
    return _copied(views.expand(input, size), out)


@public(method=True)
def narrow_copy(input, dim, start, length, *, out=None):
    if input.ndim and dim >= input.ndim:   # torch's narrow_copy checks a too large dim before wrapping it
        raise RuntimeError("Expected dim < static_cast<int64_t>(self_sizes.size()) to be true, but got false.")
    return _copied(views.narrow(input, dim, start, length), out)


@public()
def permute_copy(input, dims, *, out=None):
    return _copied(views.permute(input, dims), out)


@public()
def select_copy(input, dim, index, *, out=None):
    return _copied(views.select(input, dim, index), out)


@public()
def slice_copy(input, dim=0, start=None, end=None, step=1, *, out=None):
    from .._tensor import _wrap_dim
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    if input.ndim == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    dim = _wrap_dim(dim, input.ndim, "slice_copy")
    start, end = views.slice_bounds(input.shape[dim], start, end)
    return _copied(getitem(input, (slice(None),) * dim + (slice(start, end, step),)), out)


@public()
def split_copy(input, split_size, dim=0, *, out=None):
    return _copied(views.split(input, split_size, dim), out)


@public()
def split_with_sizes_copy(input, split_sizes, dim=0, *, out=None):
    return _copied(views.split_with_sizes(input, split_sizes, dim), out)


@public()
def squeeze_copy(input, dim=None, *, out=None):
    return _copied(views.squeeze(input, dim), out)


@public()
def t_copy(input, *, out=None):
    return _copied(views.t(input), out)


@public()
def transpose_copy(input, dim0, dim1, *, out=None):
    return _copied(views.transpose(input, dim0, dim1), out)


@public()
def unbind_copy(input, dim=0, *, out=None):
    return _copied(views.unbind(input, dim), out)


@public()
def unfold_copy(input, dimension, size, step, *, out=None):
    return _copied(views.unfold(input, dimension, size, step), out)


@public()
def unsqueeze_copy(input, dim, *, out=None):
    return _copied(views.unsqueeze(input, dim), out)


@public()
def view_copy(input, size, *, out=None):
    """view_copy(input, size) or view_copy(input, dtype): the viewed bytes, copied. A size is taken as reshape
    takes it: torch's view_copy accepts layouts a view cannot express (a transposed input)."""
    if isinstance(size, _dtype.dtype):
        return _copied(views.view_method(input, size), out)
    return _copied(views.reshape(input, size), out)
