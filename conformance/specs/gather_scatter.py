"""gather, scatter, scatter_add, scatter_reduce (and in place), index_select, index_add, index_fill, index_copy (and
in place), take, put (and in place), take_along_dim, masked_select, masked_scatter (and in place), nonzero,
nn.functional.one_hot.

Index tensors are fixed Python values in the samples (`Arg(value=...)`), made into int64 tensors (or the
sample's `index_dtype`) by the case function on both frameworks, so every index is in range by construction.
"""
from conformance.frameworks import DTYPES
from conformance.inputs import Arg, Sample, T
from conformance.spec import ErrorCase, OpSpec

A = Arg   # Arg(value=...) reads as the fixed index / dim it is


def index(fw, values, index_dtype="int64"):
    return fw.tensor(values, dtype=getattr(fw, index_dtype))


# ---- gather --------------------------------------------------------------------------------------
GATHER_SAMPLES = (
    Sample("dim1_repeated", (T(3, 4), A(value=1), A(value=((0, 0, 3), (1, 3, 3), (2, 1, 0))))),
    Sample("dim0_smaller_index", (T(3, 4), A(value=0), A(value=((2, 0, 1),)))),
    Sample("negative_dim_3d", (T(2, 3, 4), A(value=-1), A(value=(((3, 0), (1, 1), (2, 2)), ((0, 3), (3, 3), (1, 0)))))),
    Sample("transposed", (T(3, 4, layout="transposed"), A(value=1), A(value=((3, 0), (1, 2), (0, 0))))),
    Sample("strided", (T(3, 4, layout="strided"), A(value=0), A(value=((2, 1, 0, 2),)))),
    Sample("expanded", (T(3, 4, layout="expanded"), A(value=0), A(value=((2, 0, 1, 1), (0, 0, 0, 0))))),
    Sample("int32_index", (T(3, 4), A(value=1), A(value=((1,), (0,), (3,)))), {"index_dtype": "int32"}),
    Sample("empty_index", (T(3, 4), A(value=1), A(value=((), (), ())))),
    Sample("0d", (T(), A(value=0), A(value=0))),
    Sample("0d_vector_index", (T(), A(value=0), A(value=(0, 0)))),
)


def gather(fw, a, dim, values, index_dtype="int64"):
    return fw.gather(a, dim, index(fw, values, index_dtype))


def gather_error(dim, values, index_dtype="int64"):
    return lambda fw, a: fw.gather(a, dim, index(fw, values, index_dtype))


THREE_BY_FOUR = Sample("3x4", (T(3, 4),))
GATHER_ERRORS = (
    ErrorCase("float_index", lambda fw, a: fw.gather(a, 1, fw.tensor([[0.0]])), THREE_BY_FOUR, RuntimeError),
    ErrorCase("int16_index", gather_error(1, ((0,),), "int16"), THREE_BY_FOUR, RuntimeError),
    ErrorCase("index_out_of_range", gather_error(1, ((0, 4),)), THREE_BY_FOUR, RuntimeError),
    ErrorCase("negative_index", gather_error(1, ((0, -1),)), THREE_BY_FOUR, RuntimeError),
    ErrorCase("dim_out_of_range", gather_error(2, ((0,),)), THREE_BY_FOUR, IndexError),
    ErrorCase("rank_mismatch", gather_error(1, (0, 1)), THREE_BY_FOUR, RuntimeError),
    ErrorCase("index_larger_than_self", gather_error(1, ((0,),) * 4), THREE_BY_FOUR, RuntimeError),
)


# ---- scatter / scatter_add -----------------------------------------------------------------------
# (self, dim, index, src); src may be larger than index: only its leading corner is read
SCATTER_SAMPLES = (
    Sample("dim1", (T(3, 4), A(value=1), A(value=((0, 2), (3, 1), (1, 0))), T(3, 2))),
    Sample("dim0_partial", (T(3, 4), A(value=0), A(value=((2, 0, 1, 0),)), T(1, 4))),
    Sample("negative_dim_3d", (T(2, 3, 4), A(value=-1), A(value=(((3, 0), (1, 2), (2, 0)), ((0, 3), (2, 1), (1, 0)))),
                               T(2, 3, 2))),
    Sample("transposed", (T(3, 4, layout="transposed"), A(value=1), A(value=((3, 0), (1, 2), (0, 2))),
                          T(3, 2, layout="transposed"))),
    Sample("offset", (T(3, 4, layout="offset"), A(value=0), A(value=((2, 1, 0, 2),)), T(1, 4, layout="offset"))),
    Sample("int32_index", (T(3, 4), A(value=1), A(value=((1,), (0,), (3,))), T(3, 1)), {"index_dtype": "int32"}),
    Sample("empty_index", (T(3, 4), A(value=1), A(value=((), (), ())), T(3, 0))),
    Sample("0d", (T(), A(value=0), A(value=0), T())),
)
# the same positions twice: scatter_add sums them (scatter would leave the order to the backend)
SCATTER_ADD_SAMPLES = SCATTER_SAMPLES + (
    Sample("repeated_index", (T(3, 4), A(value=1), A(value=((0, 0, 0), (3, 1, 3), (2, 2, 2))), T(3, 3))),
    Sample("src_larger_no_grad", (T(3, 4), A(value=0), A(value=((2, 0, 1, 0),)), T(2, 5, requires_grad=False))),
)


def scatter(fw, a, dim, values, src, index_dtype="int64"):
    return fw.scatter(a, dim, index(fw, values, index_dtype), src)


def scatter_in_place(fw, a, dim, values, src, index_dtype="int64"):
    return a.scatter_(dim, index(fw, values, index_dtype), src)


def scatter_add(fw, a, dim, values, src, index_dtype="int64"):
    return fw.scatter_add(a, dim, index(fw, values, index_dtype), src)


def scatter_add_in_place(fw, a, dim, values, src, index_dtype="int64"):
    return a.scatter_add_(dim, index(fw, values, index_dtype), src)


# (self, dim, index, value): a Python number, cast to self's dtype; repeated positions get the same value
SCATTER_VALUE_SAMPLES = (
    Sample("dim1_repeated", (T(3, 4), A(value=1), A(value=((0, 0), (3, 1), (1, 1))), Arg(scalar=True))),
    Sample("dim0", (T(3, 4, layout="transposed"), A(value=0), A(value=((2, 0, 1, 0),)), Arg(scalar=True))),
    Sample("float_into_integers", (T(3, 4), A(value=1), A(value=((2,), (0,), (1,))), A(value=2.75)),
           only_dtypes=("uint8", "int8", "int16", "int32", "int64")),
    Sample("0d", (T(), A(value=0), A(value=0), Arg(scalar=True))),
)


def scatter_value(fw, a, dim, values, value):
    return fw.scatter(a, dim, index(fw, values), value=value)


def scatter_error(fw_call, *args):
    return lambda fw, a, src: fw_call(fw, a, *args, src)


SELF_AND_SRC = Sample("3x4_and_3x2", (T(3, 4), T(3, 2)))
SCATTER_ERRORS = (
    ErrorCase("src_dtype_differs", lambda fw, a, src: fw.scatter(a, 1, index(fw, ((0, 1),)), src.double()),
              SELF_AND_SRC, RuntimeError),
    ErrorCase("index_out_of_range", lambda fw, a, src: fw.scatter(a, 1, index(fw, ((0, 9),)), src),
              SELF_AND_SRC, RuntimeError),
    ErrorCase("index_larger_than_src", lambda fw, a, src: fw.scatter(a, 1, index(fw, ((0, 1, 2),)), src),
              SELF_AND_SRC, RuntimeError),
    ErrorCase("float_index", lambda fw, a, src: fw.scatter(a, 1, fw.tensor([[0.0]]), src), SELF_AND_SRC,
              RuntimeError),
    ErrorCase("dim_out_of_range", lambda fw, a, src: fw.scatter(a, -3, index(fw, ((0,),)), src), SELF_AND_SRC,
              IndexError),
    # torch's scatter backward gives src the index-shaped gather(g): a larger src fails in backward
    ErrorCase("src_larger_than_index_backward",
              lambda fw, a, src: fw.scatter(a, 1, index(fw, ((0,),)), src).sum().backward(),
              Sample("src_requires_grad", (T(3, 4), T(3, 2, requires_grad=True))), RuntimeError),
)
SCATTER_ADD_ERRORS = (
    ErrorCase("src_dtype_differs", lambda fw, a, src: fw.scatter_add(a, 1, index(fw, ((0, 1),)), src.double()),
              SELF_AND_SRC, RuntimeError),
    ErrorCase("src_number", lambda fw, a, src: fw.scatter_add(a, 1, index(fw, ((0, 1),)), 2.0), SELF_AND_SRC,
              TypeError),
    ErrorCase("index_out_of_range", lambda fw, a, src: fw.scatter_add(a, 0, index(fw, ((3, 0),)), src),
              SELF_AND_SRC, RuntimeError),
    ErrorCase("rank_mismatch", lambda fw, a, src: fw.scatter_add(a, 0, index(fw, (0, 1)), src), SELF_AND_SRC,
              RuntimeError),
)


# ---- index_select / index_add --------------------------------------------------------------------
INDEX_SELECT_SAMPLES = (
    Sample("dim1_repeated", (T(3, 4), A(value=1), A(value=(0, 3, 3, 1)))),
    Sample("dim0", (T(3, 4), A(value=0), A(value=(2, 0)))),
    Sample("negative_dim_3d", (T(2, 3, 4), A(value=-2), A(value=(1, 1, 0, 2)))),
    Sample("transposed", (T(3, 4, layout="transposed"), A(value=0), A(value=(2, 1, 2)))),
    Sample("expanded", (T(3, 4, layout="expanded"), A(value=1), A(value=(0, 2)))),
    Sample("0d_index", (T(3, 4), A(value=1), A(value=2))),
    Sample("empty_index", (T(3, 4), A(value=1), A(value=()))),
    Sample("int32_index", (T(3, 4), A(value=0), A(value=(1, 2))), {"index_dtype": "int32"}),
    Sample("0d", (T(), A(value=0), A(value=(0,)))),
)


def index_select(fw, a, dim, values, index_dtype="int64"):
    return fw.index_select(a, dim, index(fw, values, index_dtype))


INDEX_SELECT_ERRORS = (
    ErrorCase("index_out_of_range", lambda fw, a: fw.index_select(a, 1, index(fw, (0, 4))), THREE_BY_FOUR,
              RuntimeError),
    ErrorCase("negative_index", lambda fw, a: fw.index_select(a, 1, index(fw, (-1,))), THREE_BY_FOUR,
              RuntimeError),
    ErrorCase("2d_index", lambda fw, a: fw.index_select(a, 1, index(fw, ((0,),))), THREE_BY_FOUR, IndexError),
    ErrorCase("float_index", lambda fw, a: fw.index_select(a, 1, fw.tensor([1.0])), THREE_BY_FOUR, RuntimeError),
    ErrorCase("dim_out_of_range", lambda fw, a: fw.index_select(a, 2, index(fw, (0,))), THREE_BY_FOUR, IndexError),
    ErrorCase("two_values_into_0d", lambda fw, a: fw.index_select(a, 0, index(fw, (0, 0))), Sample("0d", (T(),)),
              RuntimeError),
)

# (self, dim, index, source)
INDEX_ADD_SAMPLES = (
    Sample("dim1_repeated", (T(3, 4), A(value=1), A(value=(0, 3, 0)), T(3, 3))),
    Sample("dim0_alpha", (T(3, 4), A(value=0), A(value=(2, 2)), T(2, 4)), {"alpha": 2}),
    Sample("negative_dim_3d", (T(2, 3, 4), A(value=-2), A(value=(1, 0)), T(2, 2, 4))),
    Sample("transposed", (T(3, 4, layout="transposed"), A(value=0), A(value=(2, 1)), T(2, 4, layout="strided"))),
    Sample("0d_index", (T(3, 4), A(value=1), A(value=2), T(3, 1))),
    Sample("empty_index", (T(3, 4), A(value=1), A(value=()), T(3, 0))),
    Sample("int32_index", (T(3, 4), A(value=0), A(value=(1, 1)), T(2, 4)), {"index_dtype": "int32"}),
    Sample("0d", (T(), A(value=0), A(value=0), T())),
)


def index_add(fw, a, dim, values, source, index_dtype="int64", **kwargs):
    return fw.index_add(a, dim, index(fw, values, index_dtype), source, **kwargs)


def index_add_in_place(fw, a, dim, values, source, index_dtype="int64", **kwargs):
    return a.index_add_(dim, index(fw, values, index_dtype), source, **kwargs)


INDEX_ADD_ERRORS = (
    ErrorCase("source_dtype_differs", lambda fw, a, s: fw.index_add(a, 1, index(fw, (0, 1)), s.double()),
              SELF_AND_SRC, RuntimeError),
    ErrorCase("index_out_of_range", lambda fw, a, s: fw.index_add(a, 1, index(fw, (0, 5)), s), SELF_AND_SRC,
              RuntimeError),
    ErrorCase("index_count_mismatch", lambda fw, a, s: fw.index_add(a, 1, index(fw, (0, 1, 2)), s), SELF_AND_SRC,
              RuntimeError),
    ErrorCase("source_shape_mismatch", lambda fw, a, s: fw.index_add(a, 0, index(fw, (0, 1, 2)), s),
              SELF_AND_SRC, RuntimeError),
    ErrorCase("2d_index", lambda fw, a, s: fw.index_add(a, 1, index(fw, ((0, 1),)), s), SELF_AND_SRC, IndexError),
)


# ---- take_along_dim, masked_select ---------------------------------------------------------------
# (input, indices, dim=): input and indices broadcast against each other except along dim
TAKE_ALONG_DIM_SAMPLES = (
    Sample("dim1", (T(3, 4), A(value=((0, 3), (2, 2), (1, 0)))), {"dim": 1}),
    Sample("broadcast_indices", (T(3, 4), A(value=((0, 3, 3),))), {"dim": 1}),
    Sample("broadcast_input", (T(1, 4), A(value=((0,), (3,), (3,)))), {"dim": 1}),
    Sample("negative_dim_wraps_indices", (T(3, 4, layout="transposed"), A(value=((-1,), (-4,), (-5,)))),
           {"dim": -1}),
    Sample("flattened", (T(3, 4), A(value=(0, 11, 5, 5)))),
    Sample("flattened_2d_indices", (T(2, 3, layout="strided"), A(value=((0, 5), (1, 1))))),
    Sample("0d_flattened", (T(), A(value=(0, 0)))),
)


def take_along_dim(fw, a, values, **kwargs):
    return fw.take_along_dim(a, index(fw, values), **kwargs)


TAKE_ALONG_DIM_ERRORS = (
    ErrorCase("int32_indices", lambda fw, a: fw.take_along_dim(a, index(fw, ((0,),), "int32"), dim=1),
              THREE_BY_FOUR, RuntimeError),
    ErrorCase("rank_mismatch", lambda fw, a: fw.take_along_dim(a, index(fw, (0,)), dim=1), THREE_BY_FOUR,
              RuntimeError),
    ErrorCase("not_broadcastable", lambda fw, a: fw.take_along_dim(a, index(fw, ((0,), (1,))), dim=1),
              THREE_BY_FOUR, RuntimeError),
    ErrorCase("flattened_out_of_range", lambda fw, a: fw.take_along_dim(a, index(fw, (12,))), THREE_BY_FOUR,
              RuntimeError),
    ErrorCase("flattened_negative", lambda fw, a: fw.take_along_dim(a, index(fw, (-1,))), THREE_BY_FOUR,
              RuntimeError),
    ErrorCase("dim_of_0d", lambda fw, a: fw.take_along_dim(a, index(fw, 0), dim=0), Sample("0d", (T(),)),
              IndexError),
)

MASKED_SELECT_SAMPLES = (
    Sample("full_mask", (T(3, 4), A(value=((True, False, True, True), (False, False, True, False),
                                          (True, True, True, False))))),
    Sample("broadcast_mask", (T(3, 4), A(value=(True, False, True, True)))),
    Sample("broadcast_input", (T(4), A(value=((True,), (False,), (True,))))),
    Sample("transposed", (T(3, 4, layout="transposed"), A(value=((True,), (False,), (True,))))),
    Sample("nothing_selected", (T(3, 4), A(value=(False,) * 4))),
    Sample("0d", (T(), A(value=True))),
)


def masked_select(fw, a, mask):
    return fw.masked_select(a, fw.tensor(mask))


MASKED_SELECT_ERRORS = (
    ErrorCase("uint8_mask", lambda fw, a: fw.masked_select(a, fw.tensor([1, 0, 1, 1], dtype=fw.uint8)),
              THREE_BY_FOUR, RuntimeError),
    ErrorCase("not_broadcastable", lambda fw, a: fw.masked_select(a, fw.tensor([True, False])), THREE_BY_FOUR,
              RuntimeError),
)


# ---- index_fill / index_copy ---------------------------------------------------------------------
# (self, dim, index, value): index_fill takes negative indices (counted from the end) and repeats
INDEX_FILL_SAMPLES = (
    Sample("dim1_repeated", (T(3, 4), A(value=1), A(value=(0, 3, 0)), Arg(scalar=True))),
    Sample("dim0_negative_index", (T(3, 4), A(value=0), A(value=(-1, 0)), Arg(scalar=True))),
    Sample("negative_dim_3d", (T(2, 3, 4), A(value=-2), A(value=(2,)), Arg(scalar=True))),
    Sample("transposed", (T(3, 4, layout="transposed"), A(value=1), A(value=(1, 2)), Arg(scalar=True))),
    Sample("strided", (T(3, 4, layout="strided"), A(value=0), A(value=(2,)), Arg(scalar=True))),
    Sample("0d_index", (T(3, 4), A(value=1), A(value=2), Arg(scalar=True))),
    Sample("empty_index", (T(3, 4), A(value=1), A(value=()), Arg(scalar=True))),
    Sample("size0_rows", (T(0, 3), A(value=1), A(value=(1,)), Arg(scalar=True))),
    Sample("0d", (T(), A(value=0), A(value=(0,)), Arg(scalar=True))),
    Sample("float_into_integers", (T(3, 4), A(value=1), A(value=(2,)), A(value=2.75)),
           only_dtypes=("uint8", "int8", "int16", "int32", "int64")),
    # a 0-d value tensor: its gradient is the sum of g over the filled slices, each counted once
    Sample("value_tensor_repeated", (T(3, 4), A(value=1), A(value=(0, 3, 0)), T())),
    Sample("value_tensor_0d_index", (T(2, 3, 4, layout="transposed"), A(value=-1), A(value=3), T())),
)


def index_fill(fw, a, dim, values, value):
    return fw.index_fill(a, dim, index(fw, values), value)


def index_fill_in_place(fw, a, dim, values, value):
    return a.index_fill_(dim, index(fw, values), value)


INDEX_FILL_ERRORS = (
    ErrorCase("index_out_of_range", lambda fw, a: fw.index_fill(a, 1, index(fw, (0, 4)), 1.0), THREE_BY_FOUR,
              IndexError),
    ErrorCase("negative_index_out_of_range", lambda fw, a: fw.index_fill(a, 1, index(fw, (-5,)), 1.0),
              THREE_BY_FOUR, IndexError),
    ErrorCase("int32_index", lambda fw, a: fw.index_fill(a, 1, index(fw, (0,), "int32"), 1.0), THREE_BY_FOUR,
              IndexError),
    ErrorCase("2d_index", lambda fw, a: fw.index_fill(a, 1, index(fw, ((0, 1),)), 1.0), THREE_BY_FOUR,
              RuntimeError),
    ErrorCase("1d_value_tensor", lambda fw, a: fw.index_fill(a, 1, index(fw, (0,)), fw.ones(2)), THREE_BY_FOUR,
              RuntimeError),
    ErrorCase("dim_out_of_range", lambda fw, a: fw.index_fill(a, 2, index(fw, (0,)), 1.0), THREE_BY_FOUR,
              IndexError),
    # torch's rule index_selects the filled slices of g for a value tensor's gradient with the indices as given
    # (RuntimeError from its dim-1 fast path, IndexError from the general one)
    ErrorCase("negative_index_value_gradient",
              lambda fw, a, v: fw.index_fill(a, 1, index(fw, (0, -1)), v).sum().backward(),
              Sample("value_requires_grad", (T(3, 4), T(requires_grad=True))), RuntimeError),
    ErrorCase("negative_index_value_gradient_dim0",
              lambda fw, a, v: fw.index_fill(a, 0, index(fw, (0, -1)), v).sum().backward(),
              Sample("value_requires_grad", (T(3, 4), T(requires_grad=True))), IndexError),
)

# (self, dim, index, source): source's slices go to the indexed ones of self
INDEX_COPY_SAMPLES = (
    Sample("dim1", (T(3, 4), A(value=1), A(value=(3, 0)), T(3, 2))),
    Sample("dim0", (T(3, 4), A(value=0), A(value=(2, 0, 1)), T(3, 4))),
    Sample("negative_dim_3d", (T(2, 3, 4), A(value=-2), A(value=(1,)), T(2, 1, 4))),
    Sample("transposed", (T(3, 4, layout="transposed"), A(value=0), A(value=(2, 1)), T(2, 4, layout="strided"))),
    Sample("offset", (T(2, 3, layout="offset"), A(value=1), A(value=(0, 2)), T(2, 2))),
    Sample("0d_index", (T(3, 4), A(value=1), A(value=2), T(3, 1))),
    Sample("empty_index", (T(3, 4), A(value=1), A(value=()), T(3, 0))),
    Sample("0d", (T(), A(value=0), A(value=0), T())),
    Sample("0d_self_vector_source", (T(), A(value=0), A(value=(0,)), T(1))),
)
# a repeated index: the last write wins; torch's rule still gives every source slice its gradient (the overwritten
# one too), so finite differences are no judge there
INDEX_COPY_REPEATED = (Sample("dim1_repeated", (T(3, 4), A(value=1), A(value=(1, 3, 1)), T(3, 3))),)


def index_copy(fw, a, dim, values, source):
    return fw.index_copy(a, dim, index(fw, values), source)


def index_copy_in_place(fw, a, dim, values, source):
    return a.index_copy_(dim, index(fw, values), source)


INDEX_COPY_ERRORS = (
    ErrorCase("index_out_of_range", lambda fw, a, s: fw.index_copy(a, 1, index(fw, (0, 4)), s), SELF_AND_SRC,
              IndexError),
    ErrorCase("negative_index", lambda fw, a, s: fw.index_copy(a, 1, index(fw, (0, -1)), s), SELF_AND_SRC,
              IndexError),
    ErrorCase("int32_index", lambda fw, a, s: fw.index_copy(a, 1, index(fw, (0, 1), "int32"), s), SELF_AND_SRC,
              RuntimeError),
    ErrorCase("2d_index", lambda fw, a, s: fw.index_copy(a, 1, index(fw, ((0, 1),)), s), SELF_AND_SRC, IndexError),
    ErrorCase("index_count_mismatch", lambda fw, a, s: fw.index_copy(a, 1, index(fw, (0, 1, 2)), s), SELF_AND_SRC,
              IndexError),
    ErrorCase("slice_shape_mismatch", lambda fw, a, s: fw.index_copy(a, 1, index(fw, (0, 1)), s[:2]),
              SELF_AND_SRC, RuntimeError),
    ErrorCase("rank_mismatch", lambda fw, a, s: fw.index_copy(a, 1, index(fw, (0, 1)), s[0]), SELF_AND_SRC,
              IndexError),
    ErrorCase("source_dtype_differs", lambda fw, a, s: fw.index_copy(a, 1, index(fw, (0, 1)), s.double()),
              SELF_AND_SRC, RuntimeError),
)


# ---- take / put: self read and written as if flattened -------------------------------------------
# (input, index): any index shape, negative indices count from the end, repeats accumulate in the gradient
TAKE_SAMPLES = (
    Sample("vector_repeated", (T(3, 4), A(value=(0, 11, 5, 5)))),
    Sample("2d_index_negative", (T(3, 4), A(value=((-1, 0), (-12, 7))))),
    Sample("transposed", (T(3, 4, layout="transposed"), A(value=(1, 4, 9)))),
    Sample("expanded", (T(3, 4, layout="expanded"), A(value=(0, 4, 8, 3)))),
    Sample("offset_3d", (T(2, 3, layout="offset"), A(value=(((5,), (0,)),)))),
    Sample("0d_index", (T(3, 4), A(value=6))),
    Sample("empty_index", (T(3, 4), A(value=()))),
    Sample("0d", (T(), A(value=(0, -1)))),
    Sample("empty_from_empty", (T(0, 3), A(value=()))),
)


def take(fw, a, values):
    return fw.take(a, index(fw, values))


TAKE_ERRORS = (
    ErrorCase("index_out_of_range", lambda fw, a: fw.take(a, index(fw, (0, 12))), THREE_BY_FOUR, IndexError),
    ErrorCase("negative_index_out_of_range", lambda fw, a: fw.take(a, index(fw, (-13,))), THREE_BY_FOUR, IndexError),
    ErrorCase("int32_index", lambda fw, a: fw.take(a, index(fw, (0,), "int32")), THREE_BY_FOUR, RuntimeError),
    ErrorCase("float_index", lambda fw, a: fw.take(a, fw.tensor([0.0])), THREE_BY_FOUR, RuntimeError),
    ErrorCase("from_empty", lambda fw, a: fw.take(a, index(fw, (0,))), Sample("empty", (T(0, 3),)), IndexError),
    ErrorCase("out_dtype_differs", lambda fw, a: fw.take(a, index(fw, (0,)), out=fw.empty(1, dtype=fw.float64)),
              THREE_BY_FOUR, RuntimeError),
)

# (self, index, source): source's elements (read flattened) go to self's flattened positions
PUT_SAMPLES = (
    Sample("vector", (T(3, 4), A(value=(0, 11, 5)), T(3))),
    Sample("2d_index_negative", (T(3, 4), A(value=((-1, 0), (-11, 7))), T(4))),
    Sample("transposed", (T(3, 4, layout="transposed"), A(value=(1, 4, 9)), T(3, 1))),
    Sample("offset_source", (T(2, 3, layout="offset"), A(value=(5, 2)), T(2, layout="strided"))),
    Sample("0d_index", (T(3, 4), A(value=6), T())),
    Sample("empty_index", (T(3, 4), A(value=()), T(0))),
    Sample("0d", (T(), A(value=(-1,)), T(1))),
)
# repeated indices: accumulate=True sums every source element into its position
PUT_ACCUMULATE_SAMPLES = PUT_SAMPLES[:4] + (
    Sample("repeated", (T(3, 4), A(value=(5, 0, 5, -7, 11)), T(5))),
    Sample("repeated_2d", (T(2, 3, layout="transposed"), A(value=((0, 0), (0, 4))), T(2, 2))),
)


def put(fw, a, values, source, **kwargs):
    return fw.put(a, index(fw, values), source, **kwargs)


def put_in_place(fw, a, values, source, **kwargs):
    return a.put_(index(fw, values), source, **kwargs)


PUT_ERRORS = (
    ErrorCase("index_out_of_range", lambda fw, a, s: fw.put(a, index(fw, (0, 12)), s[0, :2]), SELF_AND_SRC,
              IndexError),
    ErrorCase("int32_index", lambda fw, a, s: fw.put(a, index(fw, (0, 1), "int32"), s[0]), SELF_AND_SRC,
              RuntimeError),
    ErrorCase("count_mismatch", lambda fw, a, s: fw.put(a, index(fw, (0, 1, 2)), s), SELF_AND_SRC, IndexError),
    ErrorCase("source_dtype_differs", lambda fw, a, s: fw.put(a, index(fw, (0, 1)), s[0].double()), SELF_AND_SRC,
              RuntimeError),
    ErrorCase("into_empty", lambda fw, a, s: fw.put(a, index(fw, (0,)), s), Sample("empty", (T(0, 3), T(1))),
              IndexError),
    ErrorCase("accumulate_out_of_range", lambda fw, a, s: fw.put(a, index(fw, (-13, 0)), s[0], accumulate=True),
              SELF_AND_SRC, IndexError),
)


# ---- scatter_reduce ------------------------------------------------------------------------------
# (self, dim, index, src): repeated positions reduce together; positions nothing reaches keep self's value
SCATTER_REDUCE_SAMPLES = (
    Sample("dim1_repeated", (T(3, 4), A(value=1), A(value=((0, 0, 3), (1, 3, 1), (2, 2, 2))), T(3, 3))),
    Sample("dim0_partial", (T(3, 4), A(value=0), A(value=((2, 0, 2, 0), (2, 1, 0, 0))), T(2, 4))),
    Sample("negative_dim_3d", (T(2, 3, 4), A(value=-1), A(value=(((3, 3), (1, 2), (0, 0)), ((0, 3), (1, 1), (1, 0)))),
                               T(2, 3, 2))),
    Sample("transposed", (T(3, 4, layout="transposed"), A(value=1), A(value=((3, 3), (1, 2), (0, 3))),
                          T(3, 2, layout="transposed"))),
    Sample("offset", (T(3, 4, layout="offset"), A(value=0), A(value=((2, 2, 0, 2),)), T(1, 4, layout="offset"))),
    Sample("empty_index", (T(3, 4), A(value=1), A(value=((), (), ())), T(3, 0))),
    Sample("0d", (T(), A(value=0), A(value=0), T())),
)
SCATTER_REDUCE_NO_GRAD = (
    # only src's leading corner is read (a src larger than index fails in torch's backward)
    Sample("src_larger_no_grad", (T(3, 4), A(value=0), A(value=((2, 0, 2, 0),)), T(2, 5, requires_grad=False))),
)


def scatter_reduce(reduce, include_self, in_place=False):
    def call(fw, a, dim, values, src):
        if in_place:
            return a.scatter_reduce_(dim, index(fw, values), src, reduce, include_self=include_self)
        return fw.scatter_reduce(a, dim, index(fw, values), src, reduce, include_self=include_self)
    return call


SCATTER_REDUCE_ERRORS = (
    ErrorCase("bad_reduce", lambda fw, a, s: fw.scatter_reduce(a, 1, index(fw, ((0, 1),)), s, "add"), SELF_AND_SRC,
              RuntimeError),
    # torch takes "max" and "min" for amax and amin, but its backward refuses them
    ErrorCase("max_backward", lambda fw, a, s: fw.scatter_reduce(a, 1, index(fw, ((0, 1),)), s, "max").sum().backward(),
              Sample("requiring_grad", (T(3, 4, requires_grad=True), T(3, 2, requires_grad=True))), RuntimeError),
    ErrorCase("src_dtype_differs", lambda fw, a, s: fw.scatter_reduce(a, 1, index(fw, ((0, 1),)), s.double(), "sum"),
              SELF_AND_SRC, RuntimeError),
    ErrorCase("index_out_of_range", lambda fw, a, s: fw.scatter_reduce(a, 1, index(fw, ((0, 4),)), s, "amax"),
              SELF_AND_SRC, RuntimeError),
    ErrorCase("negative_index", lambda fw, a, s: fw.scatter_reduce(a, 1, index(fw, ((0, -1),)), s, "prod"),
              SELF_AND_SRC, RuntimeError),
    ErrorCase("rank_mismatch", lambda fw, a, s: fw.scatter_reduce(a, 1, index(fw, (0, 1)), s, "mean"), SELF_AND_SRC,
              RuntimeError),
    ErrorCase("float_index", lambda fw, a, s: fw.scatter_reduce(a, 1, fw.tensor([[0.0]]), s, "sum"), SELF_AND_SRC,
              RuntimeError),
    ErrorCase("src_number", lambda fw, a, s: fw.scatter_reduce(a, 1, index(fw, ((0, 1),)), 2.0, "sum"),
              SELF_AND_SRC, TypeError),
    ErrorCase("src_larger_than_index_backward",
              lambda fw, a, s: fw.scatter_reduce(a, 1, index(fw, ((0,),)), s, "sum").sum().backward(),
              Sample("src_requires_grad", (T(3, 4), T(3, 2, requires_grad=True))), RuntimeError),
)


def scatter_reduce_specs():
    specs = []
    for reduce in ("sum", "prod", "mean", "amax", "amin"):
        for include_self in (True, False):
            variant = reduce if include_self else f"{reduce}_exclude_self"
            specs += [
                OpSpec("scatter_reduce", scatter_reduce(reduce, include_self), SCATTER_REDUCE_SAMPLES, DTYPES,
                       variant=variant, inplace=scatter_reduce(reduce, include_self, in_place=True),
                       inplace_name="Tensor.scatter_reduce_",
                       errors=SCATTER_REDUCE_ERRORS if variant == "sum" else ()),
                OpSpec("scatter_reduce", scatter_reduce(reduce, include_self), SCATTER_REDUCE_NO_GRAD, DTYPES,
                       variant=f"{variant}_src_larger", grad=False),
            ]
    for name in ("max", "min"):
        specs.append(OpSpec("scatter_reduce", scatter_reduce(name, True), SCATTER_REDUCE_SAMPLES[:2], DTYPES,
                            variant=f"{name}_alias", grad=False))
    return specs


# ---- masked_scatter ------------------------------------------------------------------------------
# (self, mask, source): the mask's True positions, in row-major order, take source's first elements
MASKED_SCATTER_SAMPLES = (
    Sample("full_mask", (T(3, 4), A(value=((True, False, True, True), (False, False, True, False),
                                          (True, True, True, False))), T(8))),
    Sample("broadcast_mask", (T(3, 4), A(value=(True, False, True, True)), T(3, 4))),
    Sample("source_larger", (T(3, 4), A(value=((True,), (False,), (True,))), T(2, 6))),
    Sample("transposed", (T(3, 4, layout="transposed"), A(value=((False,), (True,), (True,))),
                          T(3, 4, layout="transposed"))),
    Sample("nothing_selected", (T(3, 4), A(value=(False,) * 4), T(2))),
    Sample("empty_source", (T(3, 4), A(value=(False,) * 4), T(0))),
    Sample("0d", (T(), A(value=True), T())),
)
# out of place only: self broadcast to the mask's shape
MASKED_SCATTER_BROADCAST_SELF = (Sample("broadcast_input", (T(4), A(value=((True,), (False,), (True,))), T(9))),)


def masked_scatter(fw, a, mask, source):
    return fw.masked_scatter(a, fw.tensor(mask), source)


def masked_scatter_in_place(fw, a, mask, source):
    return a.masked_scatter_(fw.tensor(mask), source)


MASKED_SCATTER_ERRORS = (
    ErrorCase("uint8_mask", lambda fw, a, s: fw.masked_scatter(a, fw.tensor([1, 0, 1, 1], dtype=fw.uint8), s),
              SELF_AND_SRC, RuntimeError),
    ErrorCase("source_too_small", lambda fw, a, s: fw.masked_scatter(a, fw.tensor([True, False, True, True]), s),
              SELF_AND_SRC, RuntimeError),
    ErrorCase("source_dtype_differs",
              lambda fw, a, s: fw.masked_scatter(a, fw.tensor([True, False, True, True]), s.double()), SELF_AND_SRC,
              RuntimeError),
    ErrorCase("not_broadcastable", lambda fw, a, s: fw.masked_scatter(a, fw.tensor([True, False]), s),
              SELF_AND_SRC, RuntimeError),
    ErrorCase("in_place_mask_larger", lambda fw, a, s: a.masked_scatter_(fw.ones(2, 3, 4, dtype=fw.bool), s),
              SELF_AND_SRC, RuntimeError),
)


# ---- nonzero, one_hot ----------------------------------------------------------------------------
NONZERO_SAMPLES = (Sample("matrix", (T(3, 4),)), Sample("transposed_3d", (T(2, 3, 4, layout="transposed"),)),
                   Sample("vector", (T(6),)), Sample("0d", (T(),)), Sample("empty", (T(0, 3),)))


def nonzero_as_tuple(fw, a):
    return fw.nonzero(a, as_tuple=True)


# classes drawn in the "positive" domain: 1..9 for integers; float and bool inputs are refused as in torch
ONE_HOT_SAMPLES = (Sample("vector", (T(5),)), Sample("matrix_num_classes", (T(2, 3),), {"num_classes": 12}),
                   Sample("0d", (T(),)), Sample("empty_num_classes", (T(0),), {"num_classes": 3}))


def classes(values):
    return Sample("classes", (A(value=values),))


ONE_HOT_ERRORS = (
    ErrorCase("negative_class", lambda fw, v: fw.nn.functional.one_hot(fw.tensor(v)), classes((0, -1, 1)),
              RuntimeError),
    ErrorCase("class_too_large", lambda fw, v: fw.nn.functional.one_hot(fw.tensor(v), 2), classes((0, 2, 1)),
              RuntimeError),
    ErrorCase("int32_classes", lambda fw, v: fw.nn.functional.one_hot(fw.tensor(v, dtype=fw.int32)),
              classes((0, 2)), RuntimeError),
    ErrorCase("empty_without_num_classes", lambda fw, v: fw.nn.functional.one_hot(fw.tensor(v, dtype=fw.int64)),
              classes(()), RuntimeError),
)


SPECS = [
    OpSpec("gather", gather, GATHER_SAMPLES, DTYPES, errors=GATHER_ERRORS),
    OpSpec("Tensor.gather", lambda fw, a, dim, values, index_dtype="int64": a.gather(dim, index(fw, values)),
           GATHER_SAMPLES[:2], DTYPES),
    OpSpec("scatter", scatter, SCATTER_SAMPLES, DTYPES, inplace=scatter_in_place, inplace_name="Tensor.scatter_",
           errors=SCATTER_ERRORS),
    OpSpec("Tensor.scatter", lambda fw, a, dim, values, src: a.scatter(dim, index(fw, values), src),
           SCATTER_SAMPLES[:2], DTYPES),
    OpSpec("scatter", scatter_value, SCATTER_VALUE_SAMPLES, DTYPES, variant="value",
           inplace=lambda fw, a, dim, values, value: a.scatter_(dim, index(fw, values), value=value),
           inplace_name="Tensor.scatter_"),
    OpSpec("scatter_add", scatter_add, SCATTER_ADD_SAMPLES, DTYPES, inplace=scatter_add_in_place,
           inplace_name="Tensor.scatter_add_", errors=SCATTER_ADD_ERRORS),
    OpSpec("Tensor.scatter_add", lambda fw, a, dim, values, src: a.scatter_add(dim, index(fw, values), src),
           SCATTER_ADD_SAMPLES[:1], DTYPES),
    OpSpec("index_select", index_select, INDEX_SELECT_SAMPLES, DTYPES, errors=INDEX_SELECT_ERRORS),
    OpSpec("Tensor.index_select", lambda fw, a, dim, values: a.index_select(dim, index(fw, values)),
           INDEX_SELECT_SAMPLES[:2], DTYPES),
    OpSpec("index_add", index_add, INDEX_ADD_SAMPLES, DTYPES, inplace=index_add_in_place,
           inplace_name="Tensor.index_add_", errors=INDEX_ADD_ERRORS),
    OpSpec("Tensor.index_add", lambda fw, a, dim, values, s, **kw: a.index_add(dim, index(fw, values), s, **kw),
           INDEX_ADD_SAMPLES[:2], DTYPES),
    OpSpec("index_fill", index_fill, INDEX_FILL_SAMPLES, DTYPES, inplace=index_fill_in_place,
           inplace_name="Tensor.index_fill_", errors=INDEX_FILL_ERRORS),
    OpSpec("Tensor.index_fill", lambda fw, a, dim, values, value: a.index_fill(dim, index(fw, values), value),
           INDEX_FILL_SAMPLES[:2], DTYPES),
    OpSpec("index_copy", index_copy, INDEX_COPY_SAMPLES, DTYPES, inplace=index_copy_in_place,
           inplace_name="Tensor.index_copy_", errors=INDEX_COPY_ERRORS),
    OpSpec("index_copy", index_copy, INDEX_COPY_REPEATED, DTYPES, variant="repeated_index",
           inplace=index_copy_in_place, inplace_name="Tensor.index_copy_", gradcheck=False),
    OpSpec("Tensor.index_copy", lambda fw, a, dim, values, s: a.index_copy(dim, index(fw, values), s),
           INDEX_COPY_SAMPLES[:2], DTYPES),
    OpSpec("take", take, TAKE_SAMPLES, DTYPES, errors=TAKE_ERRORS),
    OpSpec("Tensor.take", lambda fw, a, values: a.take(index(fw, values)), TAKE_SAMPLES[:2], DTYPES),
    OpSpec("put", put, PUT_SAMPLES, DTYPES, inplace=put_in_place, inplace_name="Tensor.put_", errors=PUT_ERRORS),
    OpSpec("put", lambda fw, a, values, s: put(fw, a, values, s, accumulate=True), PUT_ACCUMULATE_SAMPLES, DTYPES,
           variant="accumulate", inplace=lambda fw, a, values, s: put_in_place(fw, a, values, s, accumulate=True),
           inplace_name="Tensor.put_"),
    OpSpec("Tensor.put", lambda fw, a, values, s: a.put(index(fw, values), s), PUT_SAMPLES[:2], DTYPES),
    *scatter_reduce_specs(),
    OpSpec("Tensor.scatter_reduce", lambda fw, a, dim, values, s: a.scatter_reduce(dim, index(fw, values), s, "mean"),
           SCATTER_REDUCE_SAMPLES[:2], DTYPES),
    OpSpec("masked_scatter", masked_scatter, MASKED_SCATTER_SAMPLES, DTYPES, inplace=masked_scatter_in_place,
           inplace_name="Tensor.masked_scatter_", errors=MASKED_SCATTER_ERRORS),
    OpSpec("masked_scatter", masked_scatter, MASKED_SCATTER_BROADCAST_SELF, DTYPES, variant="broadcast_input"),
    OpSpec("Tensor.masked_scatter", lambda fw, a, mask, s: a.masked_scatter(fw.tensor(mask), s),
           MASKED_SCATTER_SAMPLES[:2], DTYPES),
    OpSpec("take_along_dim", take_along_dim, TAKE_ALONG_DIM_SAMPLES, DTYPES, errors=TAKE_ALONG_DIM_ERRORS),
    OpSpec("Tensor.take_along_dim", lambda fw, a, values, **kw: a.take_along_dim(index(fw, values), **kw),
           TAKE_ALONG_DIM_SAMPLES[:1], DTYPES),
    OpSpec("masked_select", masked_select, MASKED_SELECT_SAMPLES, DTYPES, errors=MASKED_SELECT_ERRORS),
    OpSpec("Tensor.masked_select", lambda fw, a, mask: a.masked_select(fw.tensor(mask)),
           MASKED_SELECT_SAMPLES[:2], DTYPES),
    OpSpec("nonzero", lambda fw, a: fw.nonzero(a), NONZERO_SAMPLES, DTYPES, domain="small_int", grad=False),
    OpSpec("nonzero", nonzero_as_tuple, NONZERO_SAMPLES, DTYPES, variant="as_tuple", domain="small_int",
           grad=False),
    OpSpec("Tensor.nonzero", lambda fw, a: a.nonzero(), NONZERO_SAMPLES[:1], DTYPES, domain="small_int",
           grad=False),
    OpSpec("nn.functional.one_hot", lambda fw, a, **kw: fw.nn.functional.one_hot(a, **kw), ONE_HOT_SAMPLES,
           DTYPES, domain="positive", grad=False, errors=ONE_HOT_ERRORS),
]

# ---- index_reduce: scatter_reduce along one dim (torch reduces slice by slice in the tensor's dtype) ----------------
INDEX_REDUCE_SAMPLES = tuple(s for s in INDEX_ADD_SAMPLES if "alpha" not in s.kwargs) + (
    Sample("exclude_self", (T(3, 4), A(value=1), A(value=(0, 3, 0)), T(3, 3)), {"include_self": False}),)
NO_BOOL = tuple(d for d in DTYPES if d != "bool")


def index_reduce(fw, a, dim, values, source, reduce, index_dtype="int64", **kwargs):
    return fw.index_reduce(a, dim, index(fw, values, index_dtype), source, reduce, **kwargs)


INDEX_REDUCE_ERRORS = (
    ErrorCase("sum", lambda fw, a, s: fw.index_reduce(a, 1, index(fw, (0, 1)), s, "sum"), SELF_AND_SRC, RuntimeError),
    ErrorCase("reduce_not_str", lambda fw, a, s: fw.index_reduce(a, 1, index(fw, (0, 1)), s, 3), SELF_AND_SRC,
              TypeError),
    ErrorCase("source_dtype_differs", lambda fw, a, s: fw.index_reduce(a, 1, index(fw, (0, 1)), s.double(), "prod"),
              SELF_AND_SRC, RuntimeError),
    ErrorCase("index_out_of_range", lambda fw, a, s: fw.index_reduce(a, 1, index(fw, (0, 5)), s, "amax"),
              SELF_AND_SRC, IndexError),
    ErrorCase("negative_index", lambda fw, a, s: fw.index_reduce(a, 1, index(fw, (0, -1)), s, "amax"),
              SELF_AND_SRC, IndexError),
    ErrorCase("index_count_mismatch", lambda fw, a, s: fw.index_reduce(a, 1, index(fw, (0, 1, 2)), s, "mean"),
              SELF_AND_SRC, RuntimeError),
    ErrorCase("2d_index", lambda fw, a, s: fw.index_reduce(a, 1, index(fw, ((0, 1),)), s, "prod"), SELF_AND_SRC,
              IndexError),
    ErrorCase("bool_exclude_self", lambda fw, a, s: fw.index_reduce(a, 1, index(fw, (0, 1)), s, "amin",
                                                                    include_self=False),
              SELF_AND_SRC, NotImplementedError, ("bool",)),
    ErrorCase("bool_mean", lambda fw, a, s: fw.index_reduce(a, 1, index(fw, (0, 1)), s, "mean"), SELF_AND_SRC,
              NotImplementedError, ("bool",)),
)
for _reduce in ("prod", "mean", "amax", "amin"):
    SPECS += [
        OpSpec("index_reduce", lambda fw, *args, _reduce=_reduce, **kw: index_reduce(fw, *args, _reduce, **kw),
               INDEX_REDUCE_SAMPLES, NO_BOOL if _reduce == "mean" else DTYPES, variant=_reduce,
               domain="nonzero" if _reduce == "prod" else "distinct",
               inplace=lambda fw, a, dim, values, s, _reduce=_reduce, **kw: a.index_reduce_(
                   dim, index(fw, values), s, _reduce, **kw),
               inplace_name="Tensor.index_reduce_", errors=INDEX_REDUCE_ERRORS if _reduce == "prod" else ()),
        OpSpec("Tensor.index_reduce", lambda fw, a, dim, values, s, _reduce=_reduce, **kw: a.index_reduce(
            dim, index(fw, values), s, _reduce, **kw), INDEX_REDUCE_SAMPLES[:1], ("float32",), variant=_reduce),
    ]
