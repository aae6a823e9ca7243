"""Structural properties: reductions over random dims (keepdim, 0-size dims, bad dims), indexing with random
valid and invalid indices, views followed by in-place writes, shape ops with random (and wrong) arguments, and
random op chains of 3 to 6 ops compared forward and backward."""
import hypothesis.strategies as st
from hypothesis import assume

from conformance.frameworks import DTYPES, FLOATING
from conformance.fuzz.harness import Property, check_backward, check_forward
from conformance.fuzz.strategies import shapes, tensors

GRAD_DTYPES = ("float32", "float64")


# ---- reductions -------------------------------------------------------------------------------
REDUCTIONS = ("sum", "mean", "prod", "amax", "amin", "max", "min", "argmax", "argmin", "all", "any", "std",
              "var", "logsumexp", "nansum", "nanmean", "norm", "cumsum", "cumprod", "softmax", "log_softmax")
NEEDS_ONE_DIM = ("cumsum", "cumprod", "softmax", "log_softmax")
NO_KEEPDIM = NEEDS_ONE_DIM


@st.composite
def dims_for(draw, ndim, one=False):
    """A dim (possibly negative, possibly out of range) or, unless `one`, a tuple of dims or None."""
    single = st.integers(-ndim - 1, max(ndim, 1))
    if one:
        return draw(single)
    return draw(st.one_of(st.none(), single, st.lists(single, max_size=3).map(tuple)))


@st.composite
def reduction_examples(draw, kind="special", dtypes=DTYPES):
    name = draw(st.sampled_from(REDUCTIONS))
    x = draw(tensors(shape=draw(shapes(max_dims=3)), kind=kind, dtypes=dtypes, requires_grad=kind != "special"))
    ndim = len(x.shape)
    kwargs = {}
    dim = draw(dims_for(ndim, one=name in NEEDS_ONE_DIM or name in ("max", "min")))
    if dim is not None or name in NEEDS_ONE_DIM:
        kwargs["dim"] = dim
    if "dim" in kwargs and name not in NO_KEEPDIM and draw(st.booleans()):
        kwargs["keepdim"] = draw(st.booleans())
    return name, x, kwargs


def _reduce(name):
    def call(fw, x, **kwargs):
        if name in ("max", "min") and "dim" not in kwargs:
            return getattr(fw, name)(x)
        return getattr(fw, name)(x, **kwargs)
    return call


def reductions(example):
    name, x, kwargs = example
    check_forward(name, _reduce(name), (x,), kwargs)


def reduction_gradients(example):
    name, x, kwargs = example
    # torch's std/var backward with dim=() (an empty dim list) is broken: the forward reduces every dim, the
    # backward none ([1., 3.] gives -inf, inf; finite differences side with mtv2). Pinned by the XFail case
    # std/empty_dim_list in specs/reduction.py; left out here.
    assume(not (name in ("std", "var") and kwargs.get("dim") == ()))
    check_backward(name, _reduce(name), (x,), kwargs)


# ---- indexing -----------------------------------------------------------------------------------
@st.composite
def index_items(draw, ndim, size):
    bound = size + 2
    return draw(st.one_of(
        st.integers(-bound, bound),
        st.builds(slice, st.none() | st.integers(-bound, bound), st.none() | st.integers(-bound, bound),
                  st.none() | st.integers(-1, 3)),
        st.just(None), st.just(Ellipsis), st.booleans(),
        st.lists(st.integers(-bound, bound), max_size=3),
        tensors(shape=draw(shapes(max_dims=1, max_side=3)), dtype="int64", layout=False),
        tensors(shape=(size,), dtype="bool", layout=False)))


@st.composite
def indexing_examples(draw):
    x = draw(tensors(shape=draw(shapes(max_dims=3)), kind="small"))
    count = draw(st.integers(1, 3))
    items = tuple(draw(index_items(len(x.shape), x.shape[i] if i < len(x.shape) else 2)) for i in range(count))
    index = items[0] if count == 1 and draw(st.booleans()) else items
    write = draw(st.sampled_from((None, 0, 7)))
    return x, index, write


def _index(fw, x, index, write=None):
    if write is None:
        return x[index]
    x = x.clone()
    x[index] = write
    return x


def indexing(example):
    x, index, write = example
    check_forward("getitem" if write is None else "setitem", lambda fw, x, i: _index(fw, x, i, write), (x, index))


# ---- views, then in-place writes ----------------------------------------------------------------
VIEWS = ("transpose", "slice", "select", "narrow", "diagonal", "unsqueeze", "flatten_view", "t", "expand")
WRITES = ("add_", "mul_", "fill_", "zero_", "neg_", "clamp_", "copy_", "setitem", "sub_")


@st.composite
def view_write_examples(draw):
    x = draw(tensors(shape=draw(shapes(min_dims=1, max_dims=3, min_side=1)), kind="small",
                     dtypes=("int64", "float32", "float64", "float16", "int32")))
    steps = draw(st.lists(st.tuples(st.sampled_from(VIEWS), st.integers(-3, 3), st.integers(0, 3)),
                          min_size=1, max_size=3))
    return x, tuple(steps), draw(st.sampled_from(WRITES))


def _view(view, a, b):
    def apply(x):
        ndim = max(x.dim(), 1)
        if view == "transpose":
            return x.transpose(a % ndim, b % ndim) if x.dim() else x
        if view == "slice":
            return x[..., b % 2::1 + b % 2] if x.dim() else x
        if view == "select":
            return x.select(a, b)
        if view == "narrow":
            return x.narrow(a, b % 2, 1)
        if view == "diagonal":
            return x.diagonal(offset=a % 2) if x.dim() >= 2 else x
        if view == "unsqueeze":
            return x.unsqueeze(a % (x.dim() + 1))
        if view == "flatten_view":
            return x.view(-1)
        if view == "t":
            return x.t() if x.dim() <= 2 else x
        return x.unsqueeze(0).expand(2, *x.shape)
    return apply


def _view_then_write(fw, x, steps, write):
    base = x.clone()
    view = base
    for name, a, b in steps:
        view = _view(name, a, b)(view)
    result = {"add_": lambda v: v.add_(2), "sub_": lambda v: v.sub_(1), "mul_": lambda v: v.mul_(3),
              "fill_": lambda v: v.fill_(5), "zero_": lambda v: v.zero_(), "neg_": lambda v: v.neg_(),
              "clamp_": lambda v: v.clamp_(-1, 1), "copy_": lambda v: v.copy_(fw.ones_like(v) * 4),
              "setitem": lambda v: v.__setitem__(..., 9)}[write](view)
    return base, view, result


def view_then_inplace(example):
    x, steps, write = example
    check_forward(f"views {list(steps)} then {write} of", lambda fw, x: _view_then_write(fw, x, steps, write), (x,))


# ---- shape ops with random arguments ----------------------------------------------------------
@st.composite
def shape_examples(draw):
    x = draw(tensors(shape=draw(shapes(max_dims=4, max_side=3)), kind="small"))
    ndim = len(x.shape)
    dim = st.integers(-ndim - 1, ndim)
    name = draw(st.sampled_from(("reshape", "view", "permute", "squeeze", "unsqueeze", "flatten", "movedim",
                                 "transpose", "split", "chunk", "cat", "stack", "flip", "roll", "repeat")))
    if name in ("reshape", "view"):
        args = (draw(st.lists(st.integers(-1, 4), max_size=4).map(tuple)),)
    elif name == "permute":
        args = (draw(st.lists(dim, min_size=ndim, max_size=ndim).map(tuple)),)
    elif name in ("squeeze", "unsqueeze"):
        args = (draw(dim),)
    elif name in ("flatten", "movedim", "transpose"):
        args = (draw(dim), draw(dim))
    elif name in ("split", "chunk"):
        args = (draw(st.integers(1, 3)), draw(dim))
    elif name in ("cat", "stack"):
        others = draw(st.lists(tensors(shape=draw(st.sampled_from((x.shape, x.shape[1:], (0,)))), kind="small"),
                               min_size=1, max_size=2))
        return name, ([x] + others,), {"dim": draw(dim)}
    elif name in ("flip",):
        args = (draw(st.lists(dim, max_size=2).map(tuple)),)
    elif name == "roll":
        args = (draw(st.integers(-3, 3)), draw(dim))
    else:
        args = tuple(draw(st.lists(st.integers(0, 2), min_size=ndim, max_size=ndim + 1)))
        name = "Tensor.repeat"
    return name, (x,) + args, {}


def _shape_op(name):
    if name.startswith("Tensor."):
        return lambda fw, x, *args, **kwargs: getattr(x, name[7:])(*args, **kwargs)
    if name == "view":
        return lambda fw, x, shape: x.view(shape)
    return lambda fw, *args, **kwargs: getattr(fw, name)(*args, **kwargs)


def shape_ops(example):
    name, args, kwargs = example
    check_forward(name, _shape_op(name), args, kwargs)


# ---- random op chains -------------------------------------------------------------------------
CHAIN_POOL = {
    "tanh": lambda fw, x, k: x.tanh(), "sigmoid": lambda fw, x, k: x.sigmoid(), "sin": lambda fw, x, k: x.sin(),
    "square": lambda fw, x, k: x * x, "scale": lambda fw, x, k: x * (k - 1.5), "add_self": lambda fw, x, k: x + x.flip(-1) if x.dim() else x + 1,
    "sum_dim": lambda fw, x, k: x.sum(k % x.dim(), keepdim=k % 2 == 0) if x.dim() else x,
    "mean_dim": lambda fw, x, k: x.mean(-1, keepdim=True) if x.dim() else x,
    "transpose": lambda fw, x, k: x.transpose(0, -1) if x.dim() >= 2 else x,
    "flatten": lambda fw, x, k: x.reshape(-1), "unsqueeze": lambda fw, x, k: x.unsqueeze(0),
    "softmax": lambda fw, x, k: fw.softmax(x, -1) if x.dim() else x, "relu": lambda fw, x, k: fw.relu(x),
    "matmul_t": lambda fw, x, k: x @ x.transpose(-1, -2) if x.dim() >= 2 else x * x,
    "cumsum": lambda fw, x, k: x.cumsum(-1) if x.dim() else x, "exp_clamped": lambda fw, x, k: x.clamp(-3, 3).exp(),
    "slice": lambda fw, x, k: x[..., ::2] if x.dim() else x, "cat_self": lambda fw, x, k: fw.cat([x, x * 2], -1) if x.dim() else x,
    "where_pos": lambda fw, x, k: fw.where(x > 0, x, x * 0.1), "abs": lambda fw, x, k: x.abs(),
    "expand": lambda fw, x, k: x.unsqueeze(0).expand(2, *x.shape), "pow2": lambda fw, x, k: x.pow(2),
    "amax": lambda fw, x, k: x.amax(-1) if x.dim() else x, "logsumexp": lambda fw, x, k: x.logsumexp(-1) if x.dim() else x,
}


@st.composite
def chain_examples(draw):
    dtype = draw(st.sampled_from(GRAD_DTYPES))
    x = draw(tensors(shape=draw(shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)), dtype=dtype,
                     kind="normal", requires_grad=True))
    steps = draw(st.lists(st.tuples(st.sampled_from(sorted(CHAIN_POOL)), st.integers(0, 3)), min_size=3, max_size=6))
    return x, tuple(steps)


def _chain(steps):
    def run(fw, x):
        for name, k in steps:
            x = CHAIN_POOL[name](fw, x, k)
        return x
    return run


# float32 chains compound one rounding per op (and reductions sum in different orders): 1e-5 relative,
# still far below any real bug's error.
CHAIN_TOLERANCE = {"float32": (1e-5, 1e-5), "float64": (1e-7, 1e-7)}


def op_chain_forward(example):
    x, steps = example
    check_forward(" -> ".join(f"{n}({k})" for n, k in steps), _chain(steps), (x,))


def op_chain_backward(example):
    x, steps = example
    check_backward(" -> ".join(f"{n}({k})" for n, k in steps), _chain(steps), (x,),
                   tolerance=CHAIN_TOLERANCE[x.dtype])


STRUCTURE_PROPERTIES = [
    Property("fuzz.reductions", "forward", reduction_examples(), reductions, 500),
    Property("fuzz.reduction_gradients", "backward", reduction_examples("normal", GRAD_DTYPES),
             reduction_gradients, 400),
    Property("fuzz.indexing", "forward", indexing_examples(), indexing, 500),
    Property("fuzz.view_then_inplace", "forward", view_write_examples(), view_then_inplace, 400),
    Property("fuzz.shape_ops", "forward", shape_examples(), shape_ops, 500),
    Property("fuzz.op_chain_forward", "forward", chain_examples(), op_chain_forward, 300),
    Property("fuzz.op_chain_backward", "backward", chain_examples(), op_chain_backward, 300,
             tolerance_note="float32 1e-5/1e-5: one rounding per op of a 3-6 op chain; float64 default"),
]


# ---- conversions and creation -----------------------------------------------------------------
@st.composite
def conversion_examples(draw):
    if draw(st.booleans()):
        x = draw(tensors(shape=draw(shapes(max_dims=2)), kind="small"))
        return "to", (x,), {"dtype": draw(st.sampled_from(DTYPES))}
    # fw.tensor on nested Python numbers: dtype inference (bool < int < float) and ragged lists (ValueError)
    leaf = st.one_of(st.booleans(), st.integers(-5, 5), st.floats(-4, 4, width=32))
    row = st.lists(leaf, max_size=3)
    data = draw(st.one_of(leaf, row, st.lists(row, max_size=3)))
    return "tensor", (data,), ({"dtype": draw(st.sampled_from(DTYPES))} if draw(st.booleans()) else {})


def _convert(name):
    if name == "to":
        return lambda fw, x, dtype: x.to(getattr(fw, dtype))
    return lambda fw, data, dtype=None: fw.tensor(data, dtype=None if dtype is None else getattr(fw, dtype))


def conversions(example):
    name, args, kwargs = example
    check_forward(name, _convert(name), args, kwargs)


STRUCTURE_PROPERTIES.append(Property("fuzz.conversions", "forward", conversion_examples(), conversions, 400))
