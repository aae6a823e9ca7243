"""Basic indexing: __getitem__ with ints, slices with steps, None and Ellipsis (views of the
base), and __setitem__ with the same indices (writes through to the base)."""
from conformance.frameworks import DTYPES
from conformance.inputs import Arg, Sample, T
from conformance.spec import XFail, ErrorCase, OpSpec

E = Ellipsis
INDICES = (("int", (3, 4), 1), ("negative_int", (3, 4), -1), ("two_ints", (3, 4), (2, 1)),
           ("slice", (5, 4), slice(1, 4)), ("slice_step", (7, 4), slice(None, None, 2)),
           ("slice_step_offset", (7, 4), (slice(1, 6, 3), slice(None, None, 2))),
           ("none", (3, 4), (None, 1)), ("ellipsis", (2, 3, 4), (E, 1)),
           ("ellipsis_none", (2, 3, 4), (0, E, None)), ("slice_past_end", (3, 4), slice(2, 10)),
           ("empty_slice", (3, 4), slice(2, 2)), ("0d_ellipsis", (), E), ("0d_none", (), (None,)))


def getitem_samples():
    samples = [Sample(name, (T(*shape), Arg(value=index))) for name, shape, index in INDICES]
    samples.append(Sample("transposed_int", (T(3, 4, layout="transposed"), Arg(value=(slice(None), 1)))))
    return tuple(samples)


def setitem_samples():
    """(tensor, index, value): a Python number, or a tensor broadcast into the indexed region."""
    return (Sample("int_row_number", (T(3, 4), Arg(value=1), Arg(scalar=True))),
            Sample("slice_step_tensor", (T(6, 4), Arg(value=slice(None, None, 2)), T(3, 4))),
            Sample("column_broadcast", (T(3, 4), Arg(value=(slice(None), 1)), T(1))),
            Sample("ellipsis_row_vector", (T(2, 3, 4), Arg(value=(E, 0)), T(2, 3))),
            Sample("none_everything", (T(3, 4), Arg(value=(None, slice(None))), T(4))),
            Sample("into_transposed", (T(3, 4, layout="transposed"), Arg(value=0), T(4))))


def setitem(fw, a, index, value):
    out = a.clone()
    out[index] = value
    return out


def setitem_in_place(fw, a, index, value):
    a[index] = value
    return a


def getitem_error(index):
    return lambda fw, a: a[index]


SPECS = [
    OpSpec("Tensor.__getitem__", lambda fw, a, index: a[index], getitem_samples(), DTYPES, alias=True,
           errors=(ErrorCase("index_out_of_range", getitem_error(5), Sample("3x4", (T(3, 4),)),
                             IndexError),
                   ErrorCase("too_many_indices", getitem_error((0, 0, 0)), Sample("3x4", (T(3, 4),)),
                             IndexError))),
    OpSpec("Tensor.__setitem__", setitem, setitem_samples(), DTYPES,
           inplace=setitem_in_place, inplace_name="Tensor.__setitem__",
           xfails=(XFail("double backward through CopySlices (a write into a view of a non-leaf, broadcast "
                         "value) differs from torch: mtv2's second derivative w.r.t. the cotangent is wrong in "
                         "the written region; first-order gradients match", checks=("gradgrad",)),),
           errors=(ErrorCase("value_shape_mismatch", lambda fw, a, v: setitem(fw, a, 0, v),
                             Sample("row_of_3", (T(3, 4), T(3))), RuntimeError),)),
]
