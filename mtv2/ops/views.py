"""View ops: results share storage and version counter with their input and never copy.

A view's derivative is, unless it says otherwise, "scatter the gradient into zeros shaped like the
input through the same view" (view_backward), which is linear, so its own derivative is the view again.
The views that reach every input element exactly once (view, permute) say otherwise: their gradient is the
inverse view of the incoming one, no copy (torch's ViewBackward and PermuteBackward do the same).
"""
import numpy as np

from .. import _dtype
from .._meta import MetaArray
from .._size import Size
from .._tensor import Tensor, _wrap_dim
from ._registry import RAW, op
from ._surface import public

# ---------------------------------------------------------------- the shared derivative of views


@op("view_backward", promotion=RAW, saves=("view_kernel", "params"))
def _view_backward(g, input_shape=(), view_kernel=None, params=None):
    grad = np.zeros(input_shape, dtype=g.dtype)
    view_kernel(grad, **params)[...] = g
    return grad


@_view_backward.vjp
def _(gg, view_kernel, params):
    view = _VIEW_OPS_BY_KERNEL[view_kernel]   # linear: its derivative is the view itself
    try:
        return view(gg, **params)
    except RuntimeError:
        # gg may arrive expanded (found by conformance/fuzz: clone of an expanded tensor, then view) where `view`
        # cannot apply; a contiguous copy takes the same view (torch reshapes here)
        return view(gg.contiguous(), **params)


_VIEW_OPS_BY_KERNEL = {}


def view_op(name, *param_names, saves=None):
    """Register a non-overlapping view op; its derivative is the scatter-into-zeros rule above, unless the op
    declares what it `saves` for a rule of its own (registered with .vjp after it)."""
    def register(kernel):
        view = op(name, promotion=RAW, view=True, saves=("a.shape",) + param_names if saves is None else saves)(kernel)
        _VIEW_OPS_BY_KERNEL[kernel] = view
        if saves is not None:
            return view

        def scatter_into_zeros(g, a_shape, *param_values):
            params = dict(zip(param_names, param_values))
            return _view_backward(g, input_shape=tuple(a_shape), view_kernel=kernel, params=params)
        view.vjp(scatter_into_zeros)
        return view
    return register


def _shape_text(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


# ---------------------------------------------------------------- view / reshape

def infer_size(shape, numel, name="view"):
    shape = list(shape)
    unknown = [i for i, s in enumerate(shape) if s == -1]
    if len(unknown) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if any(s < -1 for s in shape):
        raise RuntimeError(f"invalid shape dimension {min(shape)}")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if unknown:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{_shape_text(shape)}' is invalid for input of size {numel}")
        shape[unknown[0]] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{_shape_text(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


@view_op("view", "shape", saves=("a.shape",))
def _view(a, shape=()):
    try:
        return np.reshape(a, shape, copy=False)
    except ValueError:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.") from None


@_view.vjp
def _(g, a_shape):
    return reshape(g, *a_shape)   # a view of g where its layout allows (g may arrive expanded: then a copy)


def _shape_argument(shape, name="view", argument="shape"):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    for extent in shape:
        if isinstance(extent, bool) or not isinstance(extent, (int, np.integer)) and not (
                isinstance(extent, Tensor) and extent.ndim == 0):
            raise TypeError(f"{name}(): argument '{argument}' must be tuple of ints, not {type(extent).__name__}")
    return tuple(int(s) for s in shape)


def view(input, *shape):
    return _view(input, shape=infer_size(_shape_argument(shape), input.numel()))


@public("view", function=False, method=True)
def view_method(input, *shape, dtype=None):
    """Tensor.view(*shape) or Tensor.view(dtype): torch has no torch.view, and only the method reads a dtype."""
    if dtype is None and len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
        (dtype,), shape = shape, ()
    if dtype is not None:
        if shape:
            raise TypeError("view() takes either a shape or a dtype, not both")
        return _view_as_dtype(input, dtype)
    return view(input, *shape)


def _view_as_dtype(input, dtype):
    """view(dtype): the same bytes read as `dtype` (safetensors' torch loader uses it), sharing storage. The
    last dimension scales by the itemsize ratio and must have stride 1 when the sizes differ, as in torch;
    a bit reinterpretation has no derivative, so the result carries no autograd history."""
    if dtype is input.dtype:
        return view(input, input.shape)
    meta = type(input._data) is MetaArray
    try:
        array = (input._data.layout if meta else input._data).view(dtype.numpy_type)
    except ValueError:
        raise RuntimeError(f"self.stride(-1) must be 1 to view {input.dtype} as {dtype} (different element sizes), "
                           f"but got shape {list(input.shape)} with strides {list(input.stride())}") from None
    result = Tensor._make_view(MetaArray(array) if meta else array, input)
    result.dtype = dtype
    return result


@public(function=False, method=True)
def view_as(input, other):
    return view(input, other.shape)


@public(method=True)
def reshape(input, *shape):
    """A view when the layout allows one, otherwise a copy (torch's rule)."""
    shape = infer_size(_shape_argument(shape, "reshape"), input.numel())
    try:
        np.reshape(input._data, shape, copy=False)
    except ValueError:
        return _reshape_copy(input, shape=shape)
    return _view(input, shape=shape)


@public(function=False, method=True)
def reshape_as(input, other):
    return reshape(input, other.shape)


@op("reshape_copy", promotion=RAW, saves=("a.shape",))
def _reshape_copy(a, shape=()):
    # one copy: ascontiguousarray copies `a` (reshape_copy runs only when no view of it has the shape), and should
    # it ever not, the registry copies a result that shares memory with an operand
    return np.ascontiguousarray(a).reshape(shape)


@_reshape_copy.vjp
def _(g, a_shape):
    return g.reshape(a_shape)


@public(method=True)
def flatten(input, start_dim=0, end_dim=-1):
    if input.ndim == 0:
        return reshape(input, 1)
    start = _wrap_dim(start_dim, input.ndim, "flatten")
    end = _wrap_dim(end_dim, input.ndim, "flatten")
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = input.shape
    return reshape(input, shape[:start] + (-1 if input.numel() else _product(shape[start:end + 1]),) + shape[end + 1:])


@public(method=True)
def unflatten(input, dim, sizes):
    dim = _wrap_dim(dim, input.ndim, "unflatten")
    sizes = list(sizes)
    if len(sizes) == 0:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if -1 not in sizes and _product(sizes) != input.shape[dim]:
        raise RuntimeError(f"unflatten: Provided sizes {sizes} don't multiply up to the size of dim {dim} "
                           f"({input.shape[dim]}) in the input tensor")
    sizes = list(infer_size(sizes, input.shape[dim], "unflatten"))
    return view(input, tuple(input.shape[:dim]) + tuple(sizes) + tuple(input.shape[dim + 1:]))


def _product(values):
    result = 1
    for v in values:
        result *= v
    return result


# ---------------------------------------------------------------- axis moves

@view_op("permute", "dims", saves=("dims",))
def _permute(a, dims=()):
    return np.transpose(a, dims)


@_permute.vjp
def _(g, dims):
    return _permute(g, dims=tuple(np.argsort(dims).tolist()))


@public(method=True)
def permute(input, *dims):
    dims = _shape_argument(dims)
    if len(dims) != input.ndim:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the length "
                           f"of the desired ordering of dimensions i.e. input.dim() = {input.ndim} is not equal to "
                           f"len(dims) = {len(dims)}")
    wrapped = []
    for d in dims:   # torch wraps and checks one dim at a time: (0, 0, 9) is a duplicate before it is out of range
        wrapped.append(_wrap_dim(d, input.ndim, "permute"))
        if wrapped[-1] in wrapped[:-1]:
            raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _permute(input, dims=tuple(wrapped))


@public("transpose", "swapaxes", "swapdims", method=True)
def transpose(input, dim0, dim1):
    dims = list(range(input.ndim))
    d0, d1 = _wrap_dim(dim0, input.ndim, "transpose"), _wrap_dim(dim1, input.ndim, "transpose")
    if input.ndim == 0:
        return _permute(input, dims=())
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return _permute(input, dims=tuple(dims))


@public(method=True)
def t(input):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return transpose(input, 0, 1) if input.ndim == 2 else _permute(input, dims=tuple(range(input.ndim)))


@public("movedim", "moveaxis", method=True)
def movedim(input, source, destination):
    source = [source] if isinstance(source, int) else list(source)
    destination = [destination] if isinstance(destination, int) else list(destination)
    if len(source) != len(destination):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({source} dims) should contain the "
                           f"same number of dims as destination ({destination} dims)")
    source = [_wrap_dim(d, input.ndim, "movedim") for d in source]
    destination = [_wrap_dim(d, input.ndim, "movedim") for d in destination]
    for name, dims in (("source", source), ("destination", destination)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({dims})")
    if input.ndim == 0:
        return _permute(input, dims=())   # a 0-d tensor takes dim 0 / -1 and is returned as a view of itself
    order = [d for d in range(input.ndim) if d not in source]
    for dst, src in sorted(zip(destination, source)):
        order.insert(dst, src)
    return _permute(input, dims=tuple(order))


# ---------------------------------------------------------------- expand / squeeze / unsqueeze

@op("expand", promotion=RAW, view=True)
def _expand(a, shape=()):
    leading = len(shape) - a.ndim
    strides = [0] * leading + [0 if extent != size else stride
                               for extent, size, stride in zip(shape[leading:], a.shape, a.strides)]
    return np.lib.stride_tricks.as_strided(a, shape, strides, writeable=True)


@_expand.vjp
def _(g):
    return g  # the engine sums the gradient back to the input's shape


@public(function=False, method=True)
def expand(input, *sizes):
    sizes = _shape_argument(sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError(f"expand({input.type()}{{{list(input.shape)}}}, size={list(sizes)}): the number of sizes "
                           f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in the "
                           f"tensor ({input.ndim})")
    leading = len(sizes) - input.ndim
    shape = list(sizes)
    for i, size in enumerate(input.shape):
        target = sizes[leading + i]
        if target == -1:
            shape[leading + i] = size
        elif size != 1 and target != size:
            raise RuntimeError(f"The expanded size of the tensor ({target}) must match the existing size ({size}) at "
                               f"non-singleton dimension {leading + i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                               f"{list(input.shape)}")
    if -1 in shape[:leading]:
        raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing "
                           f"dimension {shape.index(-1)}")
    if any(s < 0 for s in shape):   # torch computes the numel of the sizes as given and refuses it
        raise RuntimeError(f"numel: integer multiplication overflow (expand to {list(sizes)})")
    return _expand(input, shape=tuple(shape))


@public(function=False, method=True)
def expand_as(input, other):
    return expand(input, other.shape)


# broadcast_to / broadcast_tensors are expand under numpy's names: views, whose gradient the engine sums back.

@public()
def broadcast_to(input, size):
    """torch.broadcast_to: expand to `size` (a sequence of ints; -1 keeps a size). Always a new view."""
    if not isinstance(input, Tensor):
        raise TypeError(f"broadcast_to(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if not isinstance(size, (tuple, list)):  # a lone int is taken only by the method's unpacked form
        raise TypeError(f"broadcast_to(): argument 'size' must be tuple of ints, not {type(size).__name__}")
    return expand(input, _shape_argument((size,), "broadcast_to", "size"))


@public("broadcast_to", function=False, method=True)
def broadcast_to_method(input, *sizes, size=None):
    # like expand, the method also takes the sizes unpacked (x.broadcast_to(3, 4)); torch.broadcast_to does not
    if size is None:
        size = sizes[0] if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes
    return broadcast_to(input, size)


@public()
def broadcast_shapes(*shapes):
    """The shape every one of `shapes` (ints, sequences of ints, or None) broadcasts to (torch._refs' algorithm)."""
    shapes = [(shape,) if isinstance(shape, int) else shape for shape in shapes if shape is not None]
    for shape in shapes:
        if not isinstance(shape, (tuple, list)):
            raise RuntimeError(f"Input shapes should be of type ints, a tuple of ints, or a list of ints, got {shape}")
    common = [1] * max((len(shape) for shape in shapes), default=0)
    for position, shape in enumerate(shapes):
        for dim in range(-1, -1 - len(shape), -1):
            if shape[dim] == common[dim]:
                continue
            if common[dim] == 1:
                if shape[dim] < 0:
                    raise ValueError("Attempting to broadcast a dimension with negative length!")
                common[dim] = shape[dim]
            elif shape[dim] != 1:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {shape[dim]} at {dim}! Mismatching "
                                   f"argument at index {position} had {shape}; but expected shape should be "
                                   f"broadcastable to {common}")
    return Size(common)


@public()
def broadcast_tensors(*tensors):
    """Each tensor expanded to their common shape; one already of that shape comes back as itself (torch's
    expand_outplace), the others as views."""
    shape = ()
    for position, tensor in enumerate(tensors):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"expected Tensor as element {position} in argument 0, but got {type(tensor).__name__}")
        shape = _broadcast_pair(shape, tuple(tensor.shape))
    return tuple(tensor if tuple(tensor.shape) == shape else _expand(tensor, shape=shape) for tensor in tensors)


def _broadcast_pair(a, b):
    """torch's infer_size: the broadcast of two shapes, or its RuntimeError naming the mismatching dimension (the
    innermost one: torch walks the dimensions from the last)."""
    ndim = max(len(a), len(b))
    result = []
    for dim in range(ndim - 1, -1, -1):
        size_a = a[dim - ndim + len(a)] if dim - ndim + len(a) >= 0 else 1
        size_b = b[dim - ndim + len(b)] if dim - ndim + len(b) >= 0 else 1
        if size_a != size_b and size_a != 1 and size_b != 1:
            raise RuntimeError(f"The size of tensor a ({size_a}) must match the size of tensor b ({size_b}) at "
                               f"non-singleton dimension {dim}")
        result.append(size_b if size_a == 1 else size_a)
    return tuple(result[::-1])


@public(method=True)
def squeeze(input, dim=None):
    if dim is None:
        dims = tuple(i for i, s in enumerate(input.shape) if s == 1)
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        dims = tuple(d for d in (_wrap_dim(d, input.ndim, "squeeze") for d in dims) if input.ndim and input.shape[d] == 1)
    return _view(input, shape=tuple(s for i, s in enumerate(input.shape) if i not in dims))


@public(method=True)
def unsqueeze(input, dim):
    dim = _wrap_dim(dim, input.ndim + 1, "unsqueeze")
    shape = list(input.shape)
    shape.insert(dim, 1)
    return _view(input, shape=tuple(shape))


# ---------------------------------------------------------------- slices of one dim

@view_op("narrow", "dim", "start", "length")
def _narrow(a, dim=0, start=0, length=0):
    index = [slice(None)] * a.ndim
    index[dim] = slice(start, start + length)
    return a[tuple(index)]


@public(method=True)
def narrow(input, dim, start, length):
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    dim = _wrap_dim(dim, input.ndim, "narrow")
    size = input.shape[dim]
    if isinstance(start, Tensor):
        if start.ndim != 0 or start.dtype.is_floating_point or start.dtype.name == "bool":
            raise RuntimeError("start must be an 0-dim integral Tensor.")
        start = start.item()
    elif isinstance(start, bool):
        raise TypeError("narrow(): argument 'start' must be int or an 0-dim integral Tensor, not bool")
    start = int(start)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:   # only negative starts wrap: start == size is allowed, and then only length 0 fits
        start += size
    if length < 0 or start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return _narrow(input, dim=dim, start=start, length=int(length))


@view_op("select", "dim", "index")
def _select(a, dim=0, index=0):
    return a[(slice(None),) * dim + (index, Ellipsis)]  # Ellipsis: a 0-d view, not a scalar copy


@public(method=True)
def select(input, dim, index):
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = _wrap_dim(dim, input.ndim, "select")
    size = input.shape[dim]
    index = int(index)
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at dimension "
                         f"{dim}")
    return _select(input, dim=dim, index=index % size)


def _split_dim(tensor, dim, name):
    if tensor.ndim == 0:
        raise RuntimeError(f"{name} expects at least a 1-dimensional tensor")
    return _wrap_dim(dim, tensor.ndim, name)


@public()
def split(tensor, split_size_or_sections, dim=0):
    """Views of consecutive pieces along dim: of split_size each (the last may be shorter), or of the listed sizes."""
    if isinstance(split_size_or_sections, Tensor) and split_size_or_sections.ndim == 0:
        split_size_or_sections = split_size_or_sections.item()
    if isinstance(split_size_or_sections, (int, np.integer)) and not isinstance(split_size_or_sections, bool):
        return _split_evenly(tensor, int(split_size_or_sections), dim)
    if isinstance(split_size_or_sections, (list, tuple)):
        return split_with_sizes(tensor, split_size_or_sections, dim)
    raise TypeError(f"split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of ints, not "
                    f"{type(split_size_or_sections).__name__}")


@public("split", function=False, method=True)
def split_method(input, split_size, dim=0):
    """Tensor.split: torch.split under the method's own parameter name (torch's Tensor.split is Python too)."""
    return split(input, split_size, dim)


def _split_evenly(tensor, split_size, dim):
    dim = _split_dim(tensor, dim, "split")
    size = tensor.shape[dim]
    if split_size < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={split_size}")
    if split_size == 0 and size:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
    # an empty dim still gives one (empty) piece
    count = max(-(-size // split_size), 1) if split_size else 1
    return tuple(_narrow(tensor, dim=dim, start=i * split_size, length=min(split_size, size - i * split_size))
                 for i in range(count))


@public(method=True)
def split_with_sizes(input, split_sizes, dim=0):
    for position, length in enumerate(split_sizes):
        if isinstance(length, bool) or not isinstance(length, (int, np.integer)):
            raise TypeError(f"split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of ints, but found "
                            f"element of type {type(length).__name__} at pos {position}")
    dim = _split_dim(input, dim, "split_with_sizes")
    size = input.shape[dim]
    sizes = [int(length) for length in split_sizes]
    if any(length < 0 for length in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                           f"split_sizes={sizes}")
    if sum(sizes) != size:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at "
                           f"dimension {dim}), but got split_sizes={sizes}")
    pieces, start = [], 0
    for length in sizes:
        pieces.append(_narrow(input, dim=dim, start=start, length=length))
        start += length
    return tuple(pieces)


@public(method=True)
def chunk(input, chunks, dim=0):
    """split by ceil(size / chunks): fewer than `chunks` pieces when they do not divide evenly."""
    if isinstance(chunks, bool) or not isinstance(chunks, (int, np.integer)):
        raise TypeError(f"chunk(): argument 'chunks' (position 1) must be int, not {type(chunks).__name__}")
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    dim = _wrap_dim(dim, input.ndim, "chunk")
    size = input.shape[dim]
    if size == 0:
        return split_with_sizes(input, [0] * chunks, dim)  # torch gives `chunks` empty pieces here
    return _split_evenly(input, -(-size // chunks), dim)


@public(method=True)
def unbind(input, dim=0):
    if input.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    dim = _wrap_dim(dim, input.ndim, "unbind")
    return tuple(_select(input, dim=dim, index=i) for i in range(input.shape[dim]))


# ---------------------------------------------------------------- strided views

@view_op("diagonal", "offset", "dim1", "dim2")
def _diagonal(a, offset=0, dim1=0, dim2=1):
    # np.diagonal's view is read-only; build the same window with as_strided so writes go through
    rows, cols = a.shape[dim1], a.shape[dim2]
    length = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
    start = a
    if length:
        start = a[(slice(None),) * dim1 + (slice(max(-offset, 0), None),)]
        start = start[(slice(None),) * dim2 + (slice(max(offset, 0), None),)]
    kept = [i for i in range(a.ndim) if i not in (dim1, dim2)]
    shape = [a.shape[i] for i in kept] + [length]
    strides = [start.strides[i] for i in kept] + [start.strides[dim1] + start.strides[dim2]]
    return np.lib.stride_tricks.as_strided(start, shape, strides, writeable=True)


@public(method=True)
def diagonal(input, offset=0, dim1=0, dim2=1):
    d1, d2 = _wrap_dim(dim1, input.ndim, "diagonal"), _wrap_dim(dim2, input.ndim, "diagonal")
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return _diagonal(input, offset=offset, dim1=d1, dim2=d2)


@op("unfold", promotion=RAW, view=True, saves=("a.shape", "dimension", "size", "step"))
def _unfold(a, dimension=0, size=1, step=1):
    if a.ndim == 0:
        return np.lib.stride_tricks.as_strided(a, (size,), (0,), writeable=True)
    count = (a.shape[dimension] - size) // step + 1
    shape = a.shape[:dimension] + (count,) + a.shape[dimension + 1:] + (size,)
    strides = a.strides[:dimension] + (a.strides[dimension] * step,) + a.strides[dimension + 1:] + (a.strides[dimension],)
    return np.lib.stride_tricks.as_strided(a, shape, strides, writeable=True)


@op("unfold_backward", promotion=RAW, saves=("dimension", "size", "step"))
def _unfold_backward(g, input_shape=(), dimension=0, size=1, step=1):
    grad = np.zeros(input_shape, dtype=g.dtype)
    if len(input_shape) == 0:
        grad[...] = g.sum()
        return grad
    moved = np.moveaxis(grad, dimension, -1)
    windows = np.moveaxis(g, dimension, -2)  # (..., count, size)
    for window in range(windows.shape[-2]):  # windows overlap: accumulate one at a time
        moved[..., window * step: window * step + size] += windows[..., window, :]
    return grad


@_unfold.vjp
def _(g, a_shape, dimension, size, step):
    return _unfold_backward(g, input_shape=tuple(a_shape), dimension=dimension, size=size, step=step)


@_unfold_backward.vjp
def _(gg, dimension, size, step):
    return _unfold(gg, dimension=dimension, size=size, step=step)


@public(function=False, method=True)
def unfold(input, dimension, size, step):
    dimension = _wrap_dim(dimension, input.ndim, "unfold")
    extent = input.shape[dimension] if input.ndim else 1
    if size > extent:
        raise RuntimeError(f"maximum size for tensor at dimension {dimension} is {extent} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return _unfold(input, dimension=dimension, size=size, step=step)



# ---------------------------------------------------------------- tensor_split / hsplit / vsplit / dsplit

def slice_bounds(size, start, end):
    """torch's at::slice bounds: negative ends count from the back, then both clamp into [0, size], end >= start."""
    start = 0 if start is None else int(start)
    end = size if end is None else int(end)
    start = start + size if start < 0 else start
    end = end + size if end < 0 else end
    start = min(max(start, 0), size)
    return start, min(max(end, start), size)


def _split_keyword(indices_or_sections, keywords, name):
    """torch's overloads name the second argument sections=, indices= or tensor_indices_or_sections=."""
    given = [value for value in keywords if value is not None]
    if len(given) + (indices_or_sections is not None) != 1:
        raise TypeError(f"{name}() received an invalid combination of arguments: expected one of sections, indices "
                        f"or tensor_indices_or_sections")
    return given[0] if given else indices_or_sections


@public(method=True)
def tensor_split(input, indices_or_sections=None, dim=0, *, sections=None, indices=None,
                 tensor_indices_or_sections=None):
    """Views: `sections` pieces as even as they come (the first size % sections one longer), or the pieces
    between the listed indices (clamped as slices are: a piece may be empty)."""
    indices_or_sections = _split_keyword(indices_or_sections, (sections, indices, tensor_indices_or_sections),
                                         "tensor_split")
    if input.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    if isinstance(indices_or_sections, Tensor):
        if indices_or_sections.dtype is not _dtype.int64:
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
                               f"{_dtype.scalar_type_name(indices_or_sections.dtype)}")
        if indices_or_sections.ndim > 1:
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                               f"one-dimensional tensor, but got a tensor with {indices_or_sections.ndim} dims")
        indices_or_sections = indices_or_sections.tolist()
    dim = _wrap_dim(dim, input.ndim, "tensor_split")
    size = input.shape[dim]
    if isinstance(indices_or_sections, (int, np.integer)) and not isinstance(indices_or_sections, bool):
        sections = int(indices_or_sections)
        if sections <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
        shortest, longer = divmod(size, sections)
        lengths = [shortest + (i < longer) for i in range(sections)]
        starts = np.cumsum([0] + lengths[:-1]).tolist()
        return tuple(_narrow(input, dim=dim, start=start, length=length) for start, length in zip(starts, lengths))
    if not isinstance(indices_or_sections, (list, tuple)) or any(
            isinstance(i, bool) or not isinstance(i, (int, np.integer)) for i in indices_or_sections):
        raise TypeError(f"tensor_split(): argument 'indices' must be tuple of ints, not "
                        f"{type(indices_or_sections).__name__}")
    pieces, start = [], 0
    for end in list(indices_or_sections) + [size]:
        first, last = slice_bounds(size, start, end)
        pieces.append(_narrow(input, dim=dim, start=first, length=last - first))
        start = end
    return tuple(pieces)


def _split_along(input, indices_or_sections, dim, name, min_ndim):
    if input.ndim < min_ndim:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_ndim} dimension, but got a tensor with "
                           f"{input.ndim} dimensions!")
    if isinstance(indices_or_sections, (int, np.integer)) and not isinstance(indices_or_sections, bool):
        size = input.shape[dim]
        if indices_or_sections == 0 or size % indices_or_sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the dimension "
                               f"{size} is not divisible by the split_size {indices_or_sections}!")
    return tensor_split(input, indices_or_sections, dim)


@public(method=True)
def hsplit(input, indices_or_sections=None, *, sections=None, indices=None):
    """tensor_split along dim 1 (dim 0 of a 1-d tensor); an int must divide the dim evenly."""
    indices_or_sections = _split_keyword(indices_or_sections, (sections, indices), "hsplit")
    return _split_along(input, indices_or_sections, 1 if input.ndim > 1 else 0, "hsplit", 1)


@public(method=True)
def vsplit(input, indices_or_sections=None, *, sections=None, indices=None):
    indices_or_sections = _split_keyword(indices_or_sections, (sections, indices), "vsplit")
    return _split_along(input, indices_or_sections, 0, "vsplit", 2)


@public(method=True)
def dsplit(input, indices_or_sections=None, *, sections=None, indices=None):
    indices_or_sections = _split_keyword(indices_or_sections, (sections, indices), "dsplit")
    return _split_along(input, indices_or_sections, 2, "dsplit", 3)


@public(method=True)
def unsafe_split(input, split_size, dim=0):
    """split whose pieces skip the view bookkeeping in torch; they share the input's storage all the same."""
    return split(input, split_size, dim)


@public(method=True)
def unsafe_chunk(input, chunks, dim=0):
    return chunk(input, chunks, dim)


@public(method=True)
def ravel(input):
    """contiguous().view(-1): a view of a contiguous input, else a copy (reshape could view more layouts)."""
    return view(input.contiguous(), -1)


# ---------------------------------------------------------------- meshgrid

@public()
def meshgrid(*tensors, indexing=None):
    """Each 0-d or 1-d input expanded over the grid: views. 'xy' swaps the first two grid dims (and inputs)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        import warnings
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for tensor in tensors[1:]:
        if tensor.dtype is not tensors[0].dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    if indexing not in ("xy", "ij"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    for tensor in tensors:
        if tensor.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {tensor}")
    swap = indexing == "xy" and len(tensors) >= 2
    ordered = [tensors[1], tensors[0], *tensors[2:]] if swap else list(tensors)
    grid = tuple(t.numel() for t in ordered)
    grids = []
    for position, tensor in enumerate(ordered):
        shape = [1] * len(ordered)
        shape[position] = -1
        grids.append(_expand(view(tensor, *shape), shape=grid))
    if swap:   # the grid's first two dims stay swapped: 'xy' is (len(y), len(x), ...)
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


@public(method=True)
def unsafe_split_with_sizes(input, split_sizes, dim=0):
    return split_with_sizes(input, split_sizes, dim)


@public(method=True)
def adjoint(input):
    """The conjugate transpose of the last two dims: for mtv2's real dtypes, a transposed view."""
    if input.ndim == 0:
        import warnings
        warnings.warn("adjoint() is deprecated on 0-D tensors. Consider using x.conj().", UserWarning, stacklevel=2)
        return input   # conj() of a real tensor: the tensor itself
    if input.ndim < 2:
        raise RuntimeError(f"tensor.adjoint() is only supported on matrices or batches of matrices. Got "
                           f"{input.ndim}-D tensor.")
    return transpose(input, -2, -1)


# ---------------------------------------------------------------- conjugate transposes and conjugation (real dtypes)
# mtv2 has no complex dtypes: the conjugate of a real tensor is the tensor itself, so mH and H are mT and T's views,
# and conj, conj_physical, resolve_conj and resolve_neg hand back their input (torch does the same for real tensors:
# no copy, no view, the same object).

_WARNED = set()


def _warn_once(message):
    """torch's TORCH_WARN_ONCE: the first time in the process only, whatever the warnings filters say."""
    import warnings
    if message not in _WARNED:
        _WARNED.add(message)
        warnings.warn(message, UserWarning, stacklevel=4)


def matrix_transpose(input, name, conjugate):
    """Tensor.mT / Tensor.mH: the last two dims swapped (a view); a 0-d tensor is itself, with torch's warning."""
    if input.ndim == 0:
        hint = "Consider using x.conj()." if conjugate else "This function is the identity in these cases."
        _warn_once(f"Tensor.{name} is deprecated on 0-D tensors. {hint}")
        return input
    if input.ndim < 2:
        raise RuntimeError(f"tensor.{name} is only supported on matrices or batches of matrices. Got "
                           f"{input.ndim}-D tensor.")
    return transpose(input, -2, -1)


def conjugate_transpose(input):
    """Tensor.H: the conjugate transpose of a matrix (2-D only; mH for batches)."""
    if input.ndim == 0:
        _warn_once("Tensor.H is deprecated on 0-D tensors. Consider using x.conj().")
        return input
    if input.ndim != 2:
        batches = " For batches of matrices, consider using tensor.mH" if input.ndim > 2 else ""
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {input.ndim}-D tensor."
                           f"{batches}")
    return transpose(input, 0, 1)


def _check_is_tensor(input, name):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")


@public(method=True)
def conj(input):
    _check_is_tensor(input, "conj")
    return input


@public(method=True, inplace=True)
def conj_physical(input, *, out=None):
    _check_is_tensor(input, "conj_physical")
    return input if out is None else out.copy_(input)


@public(method=True)
def resolve_conj(input):
    _check_is_tensor(input, "resolve_conj")
    return input


@public(method=True)
def resolve_neg(input):
    _check_is_tensor(input, "resolve_neg")
    return input


@public(method=True)
def is_conj(input):
    """False: only complex tensors carry torch's lazy conjugate bit."""
    _check_is_tensor(input, "is_conj")
    return False


@public(method=True)
def is_neg(input):
    """False: torch's lazy negative bit comes only from conj() of a complex view."""
    _check_is_tensor(input, "is_neg")
    return False
