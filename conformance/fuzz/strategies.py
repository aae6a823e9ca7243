"""hypothesis strategies for the fuzz properties: shapes (0-size dims, broadcastable pairs and triples), dtypes,
layouts, values (special for forward, well-conditioned for gradients) and Python scalars.

A drawn tensor is a TensorInput: numpy storage values plus the shape, dtype and layout to view them with; both
frameworks build it with the same calls (conformance.inputs.make_tensor / apply_layout), so a counterexample
printed by hypothesis is a complete reproduction."""
import math
from dataclasses import dataclass

import hypothesis.strategies as st
import ml_dtypes
import numpy as np
from hypothesis.extra.numpy import mutually_broadcastable_shapes

from conformance.frameworks import DTYPES, FLOATING, INTEGRAL, make_tensor
from conformance.inputs import LAYOUTS, NUMPY_DTYPES, apply_layout, layout_source, storage_shape

MAX_SIDE = 4
# Forward values: every IEEE corner a kernel can get wrong, plus ordinary numbers.
SPECIAL_FLOATS = (math.nan, math.inf, -math.inf, -0.0, 0.0, 1.0, -1.0, 0.5, -2.5, 3.0,
                  1e30, -1e30, 1e-30, -1e-30, 65504.0, 3.0e38, 1e-40, 1e300, 5e-324, 88.8, -104.0)


@dataclass(frozen=True)
class TensorInput:
    shape: tuple
    dtype: str
    layout: str
    storage: tuple          # flat storage values (hashable, printable); viewed through `layout`
    requires_grad: bool = False

    def array(self):
        return _as_array(self.storage, self.dtype).reshape(storage_shape(self.shape, self.layout))

    def build(self, fw, grad=False):
        """(the tensor as the op sees it, its leaf storage tensor)."""
        leaf = make_tensor(fw, self.array(), self.dtype, requires_grad=grad and self.requires_grad)
        return apply_layout(fw, leaf, self.shape, self.layout), leaf

    def __repr__(self):
        storage = storage_shape(self.shape, self.layout)
        return (f"tensor({list(self.storage)}, dtype={self.dtype}).reshape({storage})"
                f"{layout_source(self.layout, self.shape)}"
                + (".requires_grad_()" if self.requires_grad else ""))


def _as_array(values, dtype):
    with np.errstate(over="ignore", invalid="ignore"):
        array = np.array(values, dtype=np.float64 if dtype in FLOATING else np.int64 if dtype != "bool" else bool)
        if dtype == "bfloat16":
            return array.astype(ml_dtypes.bfloat16).astype(np.float32)
        return array.astype(NUMPY_DTYPES[dtype])


def build(fw, value, grad=False):
    """fw tensors for TensorInputs (nested in lists/tuples), Python values as they are."""
    if isinstance(value, TensorInput):
        return value.build(fw, grad)[0]
    if isinstance(value, list):
        return [build(fw, v, grad) for v in value]
    if isinstance(value, tuple):
        return tuple(build(fw, v, grad) for v in value)
    return value


# ---- shapes -------------------------------------------------------------------------------
def shapes(min_dims=0, max_dims=4, min_side=0, max_side=MAX_SIDE):
    return st.lists(st.integers(min_side, max_side), min_size=min_dims, max_size=max_dims).map(tuple)


def broadcastable(count, min_dims=0, max_dims=4, min_side=0, max_side=MAX_SIDE):
    return mutually_broadcastable_shapes(num_shapes=count, min_dims=min_dims, max_dims=max_dims,
                                         min_side=min_side, max_side=max_side).map(lambda s: s.input_shapes)


def layouts_for(shape):
    possible = ["contiguous", "offset"]
    if len(shape) >= 1:
        possible += ["strided", "expanded"]
    if len(shape) >= 2:
        possible.append("transposed")
    return [layout for layout in LAYOUTS if layout in possible]


# ---- values -------------------------------------------------------------------------------
def values(dtype, kind="special"):
    """One element of `dtype`. kind: special (IEEE corners, extremes), normal (well-conditioned: gradients),
    positive (log/sqrt domains of gradients), small (small integers, exact in every dtype)."""
    if dtype == "bool":
        return st.booleans()
    if dtype in INTEGRAL:
        info = np.iinfo(NUMPY_DTYPES[dtype])
        small = st.integers(max(int(info.min), -6), 6)
        return small if kind != "special" else st.one_of(small, st.sampled_from((int(info.min), int(info.max))))
    if kind == "normal":
        return st.floats(-2.0, 2.0, width=32)
    if kind == "positive":
        return st.floats(0.25, 3.0, width=32)
    if kind == "small":
        return st.integers(-6, 6).map(float)
    return st.one_of(st.sampled_from(SPECIAL_FLOATS), st.floats(-10.0, 10.0, width=32))


@st.composite
def tensors(draw, shape=None, dtype=None, kind="special", layout=True, requires_grad=False, dtypes=DTYPES):
    shape = draw(shapes()) if shape is None else tuple(shape)
    dtype = draw(st.sampled_from(dtypes)) if dtype is None else dtype
    chosen = draw(st.sampled_from(layouts_for(shape))) if layout else "contiguous"
    size = int(np.prod(storage_shape(shape, chosen), dtype=np.int64))
    storage = draw(st.lists(values(dtype, kind), min_size=size, max_size=size))
    return TensorInput(shape, dtype, chosen, tuple(storage), requires_grad and dtype in FLOATING)


def python_scalars(kind="small"):
    """A Python bool, int or float (they promote only across categories)."""
    floats = st.floats(-4.0, 4.0, width=32) if kind != "special" else st.sampled_from(SPECIAL_FLOATS)
    return st.one_of(st.booleans(), st.integers(-5, 5), floats)


def operands(shape, kind="small", dtypes=DTYPES, scalars=True):
    """A tensor of `shape`, or (for promotion) a 0-d tensor or a Python scalar in its place."""
    options = [tensors(shape=shape, kind=kind, dtypes=dtypes), tensors(shape=(), kind=kind, dtypes=dtypes)]
    if scalars:
        options.append(python_scalars(kind))
    return st.one_of(*options)
