"""View ops: they never copy, share storage (and the version counter) with their base, and a
write through them reaches the base. Every row here checks aliasing against torch; layouts a
view cannot express (view of a transposed tensor) must raise like torch."""
from conformance.frameworks import DTYPES
from conformance.inputs import Arg, Sample, T
from conformance.spec import ErrorCase, OpSpec


def V(value):
    """A fixed Python argument (a shape, a dim)."""
    return Arg(value=value)


def view_spec(name, fn, samples, errors=(), **options):
    return OpSpec(name, fn, samples, DTYPES, alias=True, errors=errors, **options)


def S(name, shape, *values, layout="contiguous", **kwargs):
    return Sample(name, (T(*shape, layout=layout),) + tuple(V(v) for v in values), kwargs)


SPLIT_SAMPLES = (
    S("even", (6, 2), 2), S("uneven", (5, 2), 2), S("sizes_list", (3, 4), [1, 3], dim=1),
    S("sizes_tuple_with_zero", (3, 4), (0, 2, 1)), S("bigger_than_dim", (3, 4), 5),
    S("negative_dim", (2, 3, 5), 2, dim=-1), S("size_1", (3, 2), 1), S("size0_dim", (0, 3), 2),
    S("size0_dim_split_0", (0, 3), 0), S("transposed", (3, 4), 3, layout="transposed"),
    S("strided", (3, 4), [1, 3], dim=1, layout="strided"), S("expanded", (3, 4), 2, layout="expanded"),
    S("offset", (2, 3), 2, dim=1, layout="offset"))
def on_3x4(label, fn, raises, shape=(3, 4)):
    """An ErrorCase on one tensor (3x4 unless told)."""
    return ErrorCase(label, fn, Sample("x".join(map(str, shape)) or "0d", (T(*shape),)), raises)


SPLIT_ERRORS = (
    on_3x4("size_is_str", lambda fw, a: a.split("x"), TypeError),
    on_3x4("size_is_float", lambda fw, a: a.split(2.0), TypeError),
    on_3x4("sizes_hold_float", lambda fw, a: a.split([1.0, 2.0]), TypeError),
    on_3x4("negative_size", lambda fw, a: a.split(-1), RuntimeError),
    on_3x4("zero_size_nonempty_dim", lambda fw, a: a.split(0), RuntimeError),
    on_3x4("sizes_do_not_sum", lambda fw, a: a.split([1, 1]), RuntimeError),
    on_3x4("negative_section", lambda fw, a: a.split([4, -1]), RuntimeError),
    on_3x4("zero_dim", lambda fw, a: a.split(1), RuntimeError, shape=()),
    on_3x4("dim_out_of_range", lambda fw, a: a.split(2, 2), IndexError))
CHUNK_SAMPLES = (
    S("even", (6, 2), 3), S("uneven", (5, 2), 2), S("dim1", (3, 4), 2, dim=1),
    S("more_chunks_than_rows", (3, 4), 5), S("uneven_gives_fewer", (6,), 4),
    S("size0_dim", (0, 3), 3), S("size0_other_dim", (3, 0), 2), S("one_chunk", (3, 4), 1),
    S("negative_dim", (2, 5), 3, dim=-1), S("transposed", (3, 4), 2, layout="transposed"),
    S("strided", (3, 4), 2, dim=1, layout="strided"), S("expanded", (3, 4), 3, layout="expanded"))
CHUNK_ERRORS = (
    on_3x4("zero_chunks", lambda fw, a: a.chunk(0), RuntimeError),
    on_3x4("negative_chunks", lambda fw, a: a.chunk(-1), RuntimeError),
    on_3x4("float_chunks", lambda fw, a: a.chunk(2.0), TypeError),
    on_3x4("zero_dim", lambda fw, a: a.chunk(1), RuntimeError, shape=()),
    on_3x4("dim_out_of_range", lambda fw, a: a.chunk(2, 2), IndexError))

SPECS = [
    view_spec("Tensor.view", lambda fw, a, shape: a.view(shape),
              (S("to_flat", (3, 4), (12,)), S("infer_dim", (3, 4), (2, -1)),
               S("add_size1_dims", (3, 4), (1, 3, 1, 4)), S("0d_to_1", (), (1,)),
               S("size0", (0, 4), (2, 0, 2)), S("storage_offset", (2, 3), (3, 2), layout="offset"),
               # a view of the every-other-column layout is still one stride per dim: it flattens
               S("strided_to_flat", (3, 4), (12,), layout="strided")),
              errors=(ErrorCase("wrong_numel", lambda fw, a: a.view(5), Sample("3x4", (T(3, 4),)),
                                RuntimeError),
                      # torch refuses this layout: a view cannot express it
                      ErrorCase("transposed_to_flat", lambda fw, a: a.view(12),
                                Sample("transposed", (T(3, 4, layout="transposed"),)), RuntimeError, DTYPES),
                      ErrorCase("shape_is_str", lambda fw, a: a.view("x"), Sample("3x4", (T(3, 4),)),
                                TypeError))),
    # reshape is a view when it can be and a copy when it must (transposed, strided inputs).
    view_spec("Tensor.reshape", lambda fw, a, shape: a.reshape(shape),
              (S("to_flat", (3, 4), (12,)), S("infer_dim", (3, 4), (-1, 2)),
               S("transposed_copies", (3, 4), (12,), layout="transposed"),
               S("strided_copies", (3, 4), (2, 6), layout="strided"),
               S("expanded", (3, 4), (4, 3), layout="expanded")),
              errors=(ErrorCase("shape_is_str", lambda fw, a: a.reshape("x"),
                                Sample("3x4", (T(3, 4),)), TypeError),)),
    view_spec("reshape", lambda fw, a, shape: fw.reshape(a, shape),
              (S("to_flat", (3, 4), (12,)), S("transposed_copies", (3, 4), (12,), layout="transposed"))),
    view_spec("Tensor.transpose", lambda fw, a, d0, d1: a.transpose(d0, d1),
              (S("matrix", (3, 4), 0, 1), S("negative_dims", (2, 3, 4), -1, 0),
               S("same_dim", (3, 4), 1, 1), S("strided", (3, 4), 0, 1, layout="strided")),
              errors=(ErrorCase("dim_out_of_range", lambda fw, a: a.transpose(0, 2),
                                Sample("3x4", (T(3, 4),)), IndexError),)),
    view_spec("transpose", lambda fw, a: fw.transpose(a, 0, 1), (S("matrix", (3, 4)),)),
    view_spec("Tensor.t", lambda fw, a: a.t(),
              (S("matrix", (3, 4)), S("vector", (4,)), S("0d", ()),
               S("transposed", (3, 4), layout="transposed")),
              errors=(ErrorCase("3d", lambda fw, a: a.t(), Sample("2x2x2", (T(2, 2, 2),)),
                                RuntimeError),)),
    view_spec("Tensor.permute", lambda fw, a, dims: a.permute(*dims),
              (S("3d", (2, 3, 4), (2, 0, 1)), S("negative", (2, 3, 4), (-1, -3, -2)),
               S("identity", (3, 4), (0, 1)), S("offset", (2, 3), (1, 0), layout="offset")),
              errors=(ErrorCase("wrong_length", lambda fw, a: a.permute(0), Sample("3x4", (T(3, 4),)),
                                RuntimeError),
                      # found by conformance/fuzz: torch wraps and checks one dim at a time, so a duplicate
                      # before an out-of-range dim is the RuntimeError
                      ErrorCase("duplicate_before_out_of_range", lambda fw, a: a.permute(0, 0, 5),
                                Sample("2x3x4", (T(2, 3, 4),)), RuntimeError))),
    # found by conformance/fuzz: a 0-d tensor takes dim 0 and -1
    view_spec("movedim", lambda fw, a, source, destination: fw.movedim(a, source, destination),
              (S("3d", (2, 3, 4), 0, 2), S("lists", (2, 3, 4), (0, 1), (2, 0)), S("0d", (), 0, -1))),
    view_spec("Tensor.expand", lambda fw, a, shape: a.expand(*shape),
              (S("size1_dim", (3, 1), (3, 4)), S("new_leading_dims", (4,), (2, 3, 4)),
               S("keep_with_minus1", (3, 1), (-1, 5)), S("0d", (), (2, 2))),
              errors=(ErrorCase("non_singleton", lambda fw, a: a.expand(2, 4),
                                Sample("3x4", (T(3, 4),)), RuntimeError),)),
    view_spec("Tensor.expand_as", lambda fw, a, b: a.expand_as(b),
              (Sample("size1_dim", (T(3, 1), T(3, 4))), Sample("new_dims", (T(4), T(2, 3, 4))))),
    view_spec("Tensor.squeeze", lambda fw, a, *dim: a.squeeze(*dim),
              (S("all", (1, 3, 1, 4)), S("dim0", (1, 3, 1), 0), S("not_size1", (3, 4), 1),
               S("negative_dim", (3, 1), -1), S("0d", ())),
              errors=(ErrorCase("dim_out_of_range", lambda fw, a: a.squeeze(2),
                                Sample("3x4", (T(3, 4),)), IndexError),)),
    view_spec("Tensor.unsqueeze", lambda fw, a, dim: a.unsqueeze(dim),
              (S("front", (3, 4), 0), S("back", (3, 4), 2), S("negative", (3, 4), -1),
               S("0d", (), 0), S("transposed", (3, 4), 1, layout="transposed")),
              errors=(ErrorCase("dim_out_of_range", lambda fw, a: a.unsqueeze(3),
                                Sample("3x4", (T(3, 4),)), IndexError),)),
    view_spec("Tensor.flatten", lambda fw, a, *dims: a.flatten(*dims),
              (S("all", (2, 3, 4)), S("middle", (2, 3, 4, 1), 1, 2), S("0d", ()),
               S("transposed_copies", (3, 4), layout="transposed")),
              errors=(ErrorCase("dim_out_of_range", lambda fw, a: a.flatten(3),
                                Sample("3x4", (T(3, 4),)), IndexError),)),
    view_spec("Tensor.unflatten", lambda fw, a, dim, sizes: a.unflatten(dim, sizes),
              (S("split_last", (3, 4), 1, (2, 2)), S("infer", (3, 4), 1, (2, -1)),
               S("first", (6, 2), 0, (2, 3))),
              errors=(ErrorCase("bad_sizes", lambda fw, a: a.unflatten(1, (3, 3)),
                                Sample("3x4", (T(3, 4),)), RuntimeError),)),
    view_spec("Tensor.narrow", lambda fw, a, dim, start, length: a.narrow(dim, start, length),
              (S("columns", (3, 4), 1, 1, 2), S("rows", (3, 4), 0, 0, 1),
               S("negative_start", (3, 4), 1, -2, 2), S("transposed", (3, 4), 0, 1, 2, layout="transposed"),
               S("start_minus_size", (3, 4), 1, -4, 2), S("start_minus_size_dim0", (3, 4), 0, -3, 3)),
              errors=(ErrorCase("past_the_end", lambda fw, a: a.narrow(1, 3, 2),
                                Sample("3x4", (T(3, 4),)), RuntimeError),
                      ErrorCase("start_minus_size_minus_1", lambda fw, a: a.narrow(1, -5, 2),
                                Sample("3x4", (T(3, 4),)), IndexError),
                      ErrorCase("start_minus_size_minus_1_dim0", lambda fw, a: a.narrow(0, -4, 1),
                                Sample("3x4", (T(3, 4),)), IndexError),
                      # found by conformance/fuzz: start == size does not wrap to 0 (only negative starts wrap)
                      ErrorCase("start_at_end", lambda fw, a: a.narrow(0, 1, 1), Sample("1x3", (T(1, 3),)),
                                RuntimeError))),
    view_spec("narrow", lambda fw, a: fw.narrow(a, 1, 1, 2), (S("columns", (3, 4)),)),
    view_spec("Tensor.select", lambda fw, a, dim, index: a.select(dim, index),
              (S("row", (3, 4), 0, 1), S("column", (3, 4), 1, 3), S("negative_index", (3, 4), 0, -1),
               S("strided", (3, 4), 1, 1, layout="strided"),
               S("minus_size", (3, 4), 0, -3), S("minus_size_dim1", (3, 4), 1, -4)),
              errors=(ErrorCase("index_out_of_range", lambda fw, a: a.select(0, 5),
                                Sample("3x4", (T(3, 4),)), IndexError),
                      ErrorCase("minus_size_minus_1", lambda fw, a: a.select(0, -4),
                                Sample("3x4", (T(3, 4),)), IndexError),
                      ErrorCase("minus_size_minus_1_dim1", lambda fw, a: a.select(1, -5),
                                Sample("3x4", (T(3, 4),)), IndexError))),
    view_spec("Tensor.unfold", lambda fw, a, dim, size, step: a.unfold(dim, size, step),
              (S("windows", (8,), 0, 3, 2), S("matrix_rows", (3, 4), 1, 2, 1),
               S("whole_dim", (3, 4), 0, 3, 1)),
              errors=(ErrorCase("window_too_big", lambda fw, a: a.unfold(1, 5, 1),
                                Sample("3x4", (T(3, 4),)), RuntimeError),)),
    view_spec("Tensor.diagonal", lambda fw, a, **kw: a.diagonal(**kw),
              (S("main", (3, 4)), S("offset_plus1", (3, 4), offset=1),
               S("offset_minus2", (3, 4), offset=-2), S("last_dims", (2, 3, 3), dim1=1, dim2=2),
               S("transposed", (3, 4), layout="transposed")),
              errors=(ErrorCase("same_dims", lambda fw, a: a.diagonal(dim1=0, dim2=0),
                                Sample("3x4", (T(3, 4),)), RuntimeError),)),
    view_spec("diagonal", lambda fw, a: fw.diagonal(a), (S("main", (3, 4)),)),
    view_spec("Tensor.as_strided", lambda fw, a, size, stride, offset: a.as_strided(size, stride, offset),
              (S("sliding_windows", (12,), (5, 3), (2, 1), 0), S("with_offset", (12,), (2, 2), (3, 1), 4),
               S("zero_stride", (12,), (3, 4), (0, 1), 2)),
              errors=(ErrorCase("out_of_bounds", lambda fw, a: a.as_strided((5, 5), (5, 1)),
                                Sample("3x4", (T(3, 4),)), RuntimeError),)),
    # storage_offset left out: the input's own offset is kept (an "offset" layout input starts 3 elements into its
    # storage), and a given storage_offset counts from the storage's start, not from the view's
    view_spec("Tensor.as_strided", lambda fw, a, size, stride: a.as_strided(size, stride),
              (S("offset_view", (2, 3), (2, 2), (1, 2), layout="offset"),
               S("offset_view_windows", (2, 3), (3, 2), (1, 1), layout="offset"),
               S("offset_view_zero_stride", (2, 3), (2, 3), (0, 1), layout="offset")),
              variant="implicit_offset"),
    view_spec("Tensor.as_strided", lambda fw, a, size, stride, offset: a.as_strided(size, stride, offset),
              (S("offset_view_offset_3", (2, 3), (2, 2), (1, 2), 3, layout="offset"),
               S("offset_view_offset_4", (2, 3), (2, 2), (2, 1), 4, layout="offset")),
              variant="absolute_offset"),
    # reaching before the view's first element: the result reads storage the input does not cover, so torch's
    # gradient (like mtv2's) reaches only the input's elements, and finite differences of the storage disagree
    view_spec("Tensor.as_strided", lambda fw, a, size, stride, offset: a.as_strided(size, stride, offset),
              (S("offset_view_offset_0", (2, 3), (2, 2), (1, 2), 0, layout="offset"),
               S("offset_view_offset_1", (2, 3), (2, 2), (2, 1), 1, layout="offset")),
              variant="before_the_view", gradcheck=False),
    view_spec("as_strided", lambda fw, a, size, stride: fw.as_strided(a, size, stride),
              (S("offset_view", (2, 3), (2, 2), (1, 2), layout="offset"),), variant="implicit_offset"),
    view_spec("Tensor.split", lambda fw, a, size, **kw: a.split(size, **kw), SPLIT_SAMPLES, errors=SPLIT_ERRORS),
    view_spec("split", lambda fw, a, size, **kw: fw.split(a, size, **kw), SPLIT_SAMPLES[:6]),
    view_spec("split", lambda fw, a: fw.split(a, split_size_or_sections=[1, 2], dim=0),
              (S("keywords", (3, 4)),), variant="keywords"),
    view_spec("Tensor.split_with_sizes", lambda fw, a, sizes, **kw: a.split_with_sizes(sizes, **kw),
              (S("two", (3, 4), [1, 3], dim=1), S("with_empty_piece", (3, 4), (0, 3)),
               S("transposed", (3, 4), [2, 2], dim=-1, layout="transposed"))),
    view_spec("Tensor.chunk", lambda fw, a, chunks, **kw: a.chunk(chunks, **kw), CHUNK_SAMPLES,
              errors=CHUNK_ERRORS),
    view_spec("chunk", lambda fw, a, chunks, **kw: fw.chunk(a, chunks, **kw), CHUNK_SAMPLES[:5]),
    view_spec("Tensor.unbind", lambda fw, a, *dim: a.unbind(*dim),
              (S("rows", (3, 4)), S("columns", (3, 4), 1), S("negative_dim", (2, 3, 4), -2), S("vector", (4,)),
               S("size0_dim", (0, 3)), S("size0_other_dim", (2, 0)),
               S("transposed", (3, 4), 0, layout="transposed"), S("expanded", (3, 4), 0, layout="expanded"),
               S("offset", (2, 3), 1, layout="offset")),
              errors=(ErrorCase("zero_dim", lambda fw, a: a.unbind(), Sample("0d", (T(),)), IndexError),
                      ErrorCase("dim_out_of_range", lambda fw, a: a.unbind(2), Sample("3x4", (T(3, 4),)),
                                IndexError))),
    view_spec("unbind", lambda fw, a: fw.unbind(a, dim=1), (S("columns", (3, 4)),)),
]

# broadcast_to / broadcast_tensors: expand under numpy's names (views; the gradient sums back over the broadcast
# dims). broadcast_tensors returns an input already of the common shape as itself. broadcast_shapes: shapes only.
BROADCAST_TO_SAMPLES = (
    S("size1_dim", (3, 1), (3, 4)), S("new_leading_dims", (4,), (2, 3, 4)), S("keep_with_minus1", (3, 1), (-1, 5)),
    S("0d", (), (2, 2)), S("0d_to_0d", (), ()), S("same_shape", (3, 4), (3, 4)), S("list_size", (3, 1), [2, 3, 4]),
    S("size0_dim", (0, 1), (0, 3)), S("size1_to_size0", (1,), (0,)), S("transposed", (3, 1), (2, 3, 4), layout="transposed"),
    S("strided", (3, 4), (2, 3, 4), layout="strided"), S("expanded", (3, 4), (2, 3, 4), layout="expanded"),
    S("storage_offset", (2, 1, 3), (2, 4, 3), layout="offset"))
BROADCAST_TO_ERRORS = (
    on_3x4("non_singleton", lambda fw, a: fw.broadcast_to(a, (2, 4)), RuntimeError),
    on_3x4("fewer_dims", lambda fw, a: fw.broadcast_to(a, (4,)), RuntimeError),
    on_3x4("minus1_in_new_dim", lambda fw, a: fw.broadcast_to(a, (-1, 3, 4)), RuntimeError),
    on_3x4("negative_size", lambda fw, a: fw.broadcast_to(a, (3, -2)), RuntimeError, shape=(3, 1)),
    on_3x4("size0_from_2", lambda fw, a: fw.broadcast_to(a, (0,)), RuntimeError, shape=(2,)),
    on_3x4("size_is_int", lambda fw, a: fw.broadcast_to(a, 4), TypeError, shape=(1,)),
    on_3x4("size_is_str", lambda fw, a: fw.broadcast_to(a, "ab"), TypeError),
    on_3x4("size_holds_float", lambda fw, a: fw.broadcast_to(a, (3.0, 4.0)), TypeError),
    ErrorCase("input_is_list", lambda fw: fw.broadcast_to([1.0, 2.0], (2, 2)), Sample("list", ()), TypeError))
BROADCAST_TENSORS_SAMPLES = (
    Sample("broadcast_rhs", (T(2, 3, 4), T(4))), Sample("broadcast_both", (T(3, 1), T(1, 4))),
    Sample("same_shape", (T(3, 4), T(3, 4))), Sample("one_tensor", (T(3, 4),)),
    Sample("three", (T(2, 1, 4), T(3, 1), T(4))), Sample("0d_and_matrix", (T(), T(3, 4))), Sample("0d_both", (T(), T())),
    Sample("size0", (T(0, 1), T(4))), Sample("size1_and_size0", (T(1), T(0))),
    Sample("mixed_dtypes", (T(3, 1), T(4, dtype="int64"))),
    Sample("transposed", (T(3, 4, layout="transposed"), T(2, 1, 1))), Sample("strided", (T(3, 4, layout="strided"), T(3, 1))),
    Sample("expanded", (T(3, 4, layout="expanded"), T(2, 1, 4))), Sample("storage_offset", (T(2, 3, layout="offset"), T(4, 1, 1))))
NO_SHAPE = "None"   # Arg(value=None) means "draw a tensor": the spec function passes None in this one's place
BROADCAST_SHAPES_SAMPLES = tuple(Sample(name, tuple(V(shape) for shape in shapes)) for name, shapes in (
    ("two", ((3, 1), (4,))), ("three", ((2,), (3, 1), (1, 1, 1))), ("ints", (3, (1,))), ("none_skipped", (NO_SHAPE, (2,))),
    ("lists_and_size0", ([0, 1], [4])), ("empty_shapes", ((), ())), ("same", ((2, 3), (2, 3))), ("nothing", ())))
BROADCAST_SHAPES_ERRORS = tuple(
    ErrorCase(label, lambda fw, shapes=shapes: fw.broadcast_shapes(*shapes), Sample(label, ()), raises, ("int64",))
    for label, shapes, raises in (("mismatch", ((3,), (4,)), RuntimeError), ("mismatch_third", ((2,), (1,), (3,)), RuntimeError),
                                  ("negative_length", ((-1,), (4,)), ValueError),
                                  ("negative_against_non1", ((2,), (-2,)), RuntimeError),
                                  ("shape_is_float", (2.5,), RuntimeError)))

SPECS += [
    view_spec("broadcast_to", lambda fw, a, size: fw.broadcast_to(a, size), BROADCAST_TO_SAMPLES,
              errors=BROADCAST_TO_ERRORS),
    view_spec("Tensor.broadcast_to", lambda fw, a, size: a.broadcast_to(size), BROADCAST_TO_SAMPLES[:4]),
    # the method also takes the sizes unpacked, or as size=
    view_spec("Tensor.broadcast_to", lambda fw, a, size: a.broadcast_to(*size),
              (S("size1_dim", (3, 1), (3, 4)), S("one_int", (1,), (4,)), S("new_leading_dims", (4,), (2, 3, 4))),
              variant="unpacked"),
    view_spec("Tensor.broadcast_to", lambda fw, a, size: a.broadcast_to(size=size), BROADCAST_TO_SAMPLES[:2],
              variant="keyword",
              errors=(on_3x4("keyword_size_is_int", lambda fw, a: a.broadcast_to(size=4), TypeError, shape=(1,)),)),
    view_spec("broadcast_tensors", lambda fw, *tensors: fw.broadcast_tensors(*tensors), BROADCAST_TENSORS_SAMPLES,
              errors=(ErrorCase("non_broadcastable", lambda fw, a, b: fw.broadcast_tensors(a, b),
                                Sample("3_and_4", (T(3), T(4))), RuntimeError),
                      ErrorCase("non_broadcastable_third", lambda fw, a, b, c: fw.broadcast_tensors(a, b, c),
                                Sample("2_1_3", (T(2), T(1), T(3))), RuntimeError),
                      on_3x4("python_number", lambda fw, a: fw.broadcast_tensors(a, 1.0), TypeError),
                      on_3x4("list_of_tensors", lambda fw, a: fw.broadcast_tensors([a, a]), TypeError))),
    # which results are the inputs themselves (an input of the common shape), and that none is for torch's
    OpSpec("broadcast_tensors", lambda fw, *tensors: [r is t for r, t in zip(fw.broadcast_tensors(*tensors), tensors)],
           BROADCAST_TENSORS_SAMPLES[:5], ("float32",), variant="identity", grad=False),
    OpSpec("broadcast_tensors", lambda fw: fw.broadcast_tensors(), (Sample("none", ()),), ("float32",),
           variant="no_tensors", grad=False),
    # shapes are Python ints: one row per sample
    OpSpec("broadcast_shapes", lambda fw, *shapes: fw.broadcast_shapes(*(None if s == NO_SHAPE else s for s in shapes)),
           BROADCAST_SHAPES_SAMPLES, ("int64",),
           grad=False, errors=BROADCAST_SHAPES_ERRORS),
]

# numpy's axis= for dim= (mtv2/_numpy_aliases.py): the native views take it; split (torch.split, Tensor.split) and
# Tensor.unflatten are Python functions in torch and refuse it with a TypeError
SPECS += [
    view_spec("Tensor.unsqueeze", lambda fw, a, **kw: a.unsqueeze(**kw), (S("axis0", (3, 4), axis=0),
                                                                         S("axis_negative", (3, 4), axis=-1)),
              variant="numpy_names"),
    view_spec("squeeze", lambda fw, a, **kw: fw.squeeze(a, **kw), (S("axis", (3, 1, 4), axis=1),
                                                                  S("x_and_axis", (1, 3), axis=0)),
              variant="numpy_names"),
    view_spec("Tensor.chunk", lambda fw, a, chunks, **kw: a.chunk(chunks, **kw), (S("axis1", (3, 4), 2, axis=1),),
              variant="numpy_names"),
    view_spec("unbind", lambda fw, a, **kw: fw.unbind(a, **kw), (S("axis1", (3, 4), axis=1),), variant="numpy_names"),
    view_spec("Tensor.select", lambda fw, a, **kw: a.select(**kw), (S("axis_index", (3, 4), axis=1, index=2),),
              variant="numpy_names"),
    view_spec("split", lambda fw, a: fw.split(a, 2), (), variant="numpy_names",
              errors=(on_3x4("axis_refused", lambda fw, a: fw.split(a, 2, axis=1), TypeError),)),
    view_spec("Tensor.split", lambda fw, a: a.split(2), (), variant="numpy_names",
              errors=(on_3x4("axis_refused", lambda fw, a: a.split(2, axis=1), TypeError),)),
    view_spec("Tensor.unflatten", lambda fw, a: a.unflatten(1, (2, 2)), (), variant="numpy_names",
              errors=(on_3x4("axis_refused", lambda fw, a: a.unflatten(axis=1, sizes=(2, 2)), TypeError),)),
]

# ---------------------------------------------------------------- tensor_split / hsplit / vsplit / dsplit / unsafe_*
# / ravel / meshgrid: views (ravel of a non-contiguous input is a copy), aliasing checked against torch

TENSOR_SPLIT_SAMPLES = (
    S("sections_even", (6, 2), 3), S("sections_uneven", (7, 2), 3), S("more_sections_than_rows", (2, 3), 4),
    S("indices", (7, 2), [1, 4]), S("indices_tuple_dim1", (2, 7), (2, 5), dim=1),
    S("indices_out_of_order", (6,), [4, 2, 5]), S("negative_indices", (6, 2), [-4, -1]),
    S("indices_past_end", (4,), [2, 9]), S("no_indices", (4, 2), []), S("negative_dim", (2, 3, 5), 2, dim=-1),
    S("size0_dim", (0, 3), 2), S("transposed", (3, 4), 2, layout="transposed"),
    S("expanded", (3, 4), [1], dim=1, layout="expanded"))
SPLIT_ALONG_SAMPLES = {
    "hsplit": (S("sections", (3, 4), 2), S("vector", (6,), 3), S("indices", (3, 5), [1, 3]),
               S("3d", (2, 4, 3), [3]), S("transposed", (3, 4), 2, layout="transposed")),
    "vsplit": (S("sections", (4, 3), 2), S("indices", (5, 3), [2, 4]), S("3d", (4, 2, 3), 4)),
    "dsplit": (S("sections", (2, 3, 4), 2), S("indices", (2, 3, 5), [1, 2]), S("4d", (1, 2, 6, 2), 3)),
}
SPLIT_ALONG_ERRORS = {
    "hsplit": (on_3x4("not_divisible", lambda fw, a: fw.hsplit(a, 3), RuntimeError),
               on_3x4("zero_dim", lambda fw, a: fw.hsplit(a, 1), RuntimeError, shape=())),
    "vsplit": (on_3x4("not_divisible", lambda fw, a: fw.vsplit(a, 2), RuntimeError),
               on_3x4("vector", lambda fw, a: fw.vsplit(a, 1), RuntimeError, shape=(4,))),
    "dsplit": (on_3x4("matrix", lambda fw, a: fw.dsplit(a, 1), RuntimeError),),
}


def _warnings_of(call):
    """The categories of the warnings `call` raises (torch's meshgrid warns when indexing is omitted)."""
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [warning.category.__name__ for warning in caught]


SPECS += [
    view_spec("tensor_split", lambda fw, a, split, **kw: fw.tensor_split(a, split, **kw), TENSOR_SPLIT_SAMPLES,
              errors=(on_3x4("zero_sections", lambda fw, a: fw.tensor_split(a, 0), RuntimeError),
                      on_3x4("zero_dim", lambda fw, a: fw.tensor_split(a, 2), RuntimeError, shape=()),
                      on_3x4("float_tensor", lambda fw, a: fw.tensor_split(a, fw.tensor([1.0])), RuntimeError),
                      on_3x4("2d_tensor", lambda fw, a: fw.tensor_split(a, fw.tensor([[1]])), RuntimeError),
                      on_3x4("dim_out_of_range", lambda fw, a: fw.tensor_split(a, 2, 2), IndexError))),
    view_spec("tensor_split", lambda fw, a, split: fw.tensor_split(a, fw.tensor(split)),
              (S("0d_tensor_sections", (7, 2), 3), S("1d_tensor_indices", (7, 2), [2, 5])), variant="tensor"),
    view_spec("Tensor.tensor_split", lambda fw, a, split, **kw: a.tensor_split(split, **kw),
              (S("sections", (5, 2), 2, dim=1), S("indices", (5, 2), [3]))),
    view_spec("unsafe_split", lambda fw, a, size, **kw: fw.unsafe_split(a, size, **kw),
              (S("even", (6, 2), 2), S("uneven_dim1", (2, 5), 2, dim=1))),
    view_spec("unsafe_chunk", lambda fw, a, chunks, **kw: fw.unsafe_chunk(a, chunks, **kw),
              (S("uneven", (5, 2), 2), S("dim1", (2, 6), 3, dim=1))),
    view_spec("ravel", lambda fw, a: fw.ravel(a),
              (S("matrix", (3, 4)), S("0d", ()), S("transposed_copies", (3, 4), layout="transposed"),
               # flattenable by one stride, but not contiguous: torch's ravel copies
               S("strided_copies", (3, 4), layout="strided"), S("offset", (2, 3), layout="offset"))),
    view_spec("Tensor.ravel", lambda fw, a: a.ravel(), (S("matrix", (3, 4)),)),
    view_spec("meshgrid", lambda fw, *tensors, **kw: fw.meshgrid(*tensors, **kw),
              (Sample("ij", (T(3), T(2)), {"indexing": "ij"}), Sample("xy", (T(3), T(2)), {"indexing": "xy"}),
               Sample("xy_three", (T(3), T(2), T(4)), {"indexing": "xy"}), Sample("xy_one", (T(3),), {"indexing": "xy"}),
               Sample("0d", (T(), T(2)), {"indexing": "ij"}), Sample("size0", (T(0), T(2)), {"indexing": "xy"})),
              errors=(ErrorCase("2d", lambda fw, a: fw.meshgrid(a, indexing="ij"), Sample("2x2", (T(2, 2),)),
                                RuntimeError),
                      ErrorCase("bad_indexing", lambda fw, a: fw.meshgrid(a, indexing="yx"), Sample("3", (T(3),)),
                                RuntimeError),
                      ErrorCase("dtypes_differ", lambda fw, a, b: fw.meshgrid(a, b, indexing="ij"),
                                Sample("f_and_i", (T(2), T(2, dtype="int64"))), RuntimeError),
                      ErrorCase("none", lambda fw, a: fw.meshgrid(indexing="ij"), Sample("3", (T(3),)),
                                RuntimeError))),
    view_spec("meshgrid", lambda fw, a, b: fw.meshgrid([a, b], indexing="xy"), (Sample("list", (T(3), T(2))),),
              variant="list"),
    OpSpec("meshgrid", lambda fw, a, b: _warnings_of(lambda: fw.meshgrid(a, b)) + _warnings_of(
        lambda: fw.meshgrid(a, b, indexing="ij")), (Sample("warns_without_indexing", (T(3), T(2))),), ("float32",),
        grad=False, variant="warning"),
]
for _name, _samples in SPLIT_ALONG_SAMPLES.items():
    SPECS += [view_spec(_name, lambda fw, a, split, _name=_name: getattr(fw, _name)(a, split), _samples,
                        errors=SPLIT_ALONG_ERRORS[_name]),
              view_spec(f"Tensor.{_name}", lambda fw, a, split, _name=_name: getattr(a, _name)(split), _samples[:1])]
SPECS += [
    view_spec("unsafe_split_with_sizes", lambda fw, a, sizes, **kw: fw.unsafe_split_with_sizes(a, sizes, **kw),
              (S("rows", (5, 2), [2, 3]), S("dim1_with_zero", (2, 5), [0, 5], dim=1))),
    view_spec("Tensor.unsafe_split_with_sizes", lambda fw, a, sizes: a.unsafe_split_with_sizes(sizes),
              (S("rows", (5, 2), [4, 1]),)),
    view_spec("moveaxis", lambda fw, a, source, destination: fw.moveaxis(a, source, destination),
              (S("one", (2, 3, 4), 0, -1), S("several", (2, 3, 4), (0, 1), (2, 0)), S("0d", (), 0, -1))),
    view_spec("Tensor.moveaxis", lambda fw, a: a.moveaxis(1, 0), (S("matrix", (3, 4)),)),
    view_spec("adjoint", lambda fw, a: fw.adjoint(a),
              (S("matrix", (3, 4)), S("batch", (2, 3, 4)), S("transposed", (3, 4), layout="transposed")),
              errors=(on_3x4("vector", lambda fw, a: fw.adjoint(a), RuntimeError, shape=(3,)),)),
    view_spec("Tensor.adjoint", lambda fw, a: a.adjoint(), (S("matrix", (3, 4)),)),
]
# torch's overloads name the split argument: sections=, indices=, tensor_indices_or_sections=
SPECS += [
    view_spec("tensor_split", lambda fw, a, **kw: fw.tensor_split(a, **kw),
              (Sample("sections", (T(7, 2),), {"sections": 3}), Sample("indices_dim1", (T(2, 7),), {"indices": [2, 5], "dim": 1})),
              variant="keywords"),
    view_spec("tensor_split", lambda fw, a: fw.tensor_split(a, tensor_indices_or_sections=fw.tensor([1, 4])),
              (S("tensor", (6, 2)),), variant="tensor_keyword"),
    view_spec("hsplit", lambda fw, a, **kw: fw.hsplit(a, **kw),
              (Sample("sections", (T(3, 4),), {"sections": 2}), Sample("indices", (T(3, 4),), {"indices": [1]})),
              variant="keywords"),
    view_spec("Tensor.vsplit", lambda fw, a, **kw: a.vsplit(**kw), (Sample("sections", (T(4, 3),), {"sections": 2}),),
              variant="keywords"),
]
# a 0-d tensor comes back as itself (torch warns that adjoint is deprecated there, once per process)
SPECS.append(view_spec("adjoint", lambda fw, a: [_warnings_of(lambda: fw.adjoint(a)) is not None, fw.adjoint(a) is a],
                       (S("0d_is_itself", ()),), grad=False, variant="0d"))

# conjugate transposes and conjugation: mtv2's dtypes are real, where mH/H are mT/T's views and conj, conj_physical,
# resolve_conj and resolve_neg hand back the input object itself (the `is` rows check the object, not a copy)
_MATRICES = (S("matrix", (3, 4)), S("batch", (2, 3, 4)), S("transposed", (3, 4), layout="transposed"),
             S("size0", (0, 3)))
SPECS += [
    view_spec("Tensor.mH", lambda fw, a: a.mH, _MATRICES,
              errors=(on_3x4("vector", lambda fw, a: a.mH, RuntimeError, shape=(3,)),)),
    view_spec("Tensor.mT", lambda fw, a: a.mT, _MATRICES,
              errors=(on_3x4("vector", lambda fw, a: a.mT, RuntimeError, shape=(3,)),)),
    view_spec("Tensor.H", lambda fw, a: a.H, (S("matrix", (3, 4)), S("transposed", (3, 4), layout="transposed")),
              errors=(on_3x4("vector", lambda fw, a: a.H, RuntimeError, shape=(3,)),
                      on_3x4("batch", lambda fw, a: a.H, RuntimeError, shape=(2, 3, 4)))),
]
# a 0-d tensor is itself (torch warns that this is deprecated once per process: which row warns depends on the order)
for _name in ("mT", "mH", "H"):
    SPECS.append(view_spec(f"Tensor.{_name}", lambda fw, a, _name=_name: getattr(a, _name) is a,
                           (S("0d_is_itself", ()),), grad=False, variant="0d"))
for _name in ("conj", "conj_physical", "resolve_conj", "resolve_neg"):
    SPECS += [
        view_spec(_name, lambda fw, a, _name=_name: getattr(fw, _name)(a),
                  (S("matrix", (3, 4)), S("transposed", (3, 4), layout="transposed"), S("0d", ())),
                  errors=(ErrorCase("number", lambda fw, a, _name=_name: getattr(fw, _name)(3), Sample("3", (T(3),)),
                                    TypeError),)),
        view_spec(f"Tensor.{_name}", lambda fw, a, _name=_name: [getattr(a, _name)() is a, a.is_conj(), a.is_neg()],
                  (S("matrix", (3, 4)),), grad=False, variant="is_itself"),
    ]
SPECS += [
    OpSpec("conj_physical", lambda fw, a: fw.conj_physical(a, out=fw.empty(3, 4, dtype=a.dtype)), (S("out", (3, 4)),),
           DTYPES, grad=False, variant="out"),
    # in place on a real tensor: nothing changes, the version counter still moves, and a leaf requiring grad is refused
    OpSpec("Tensor.conj_physical_", lambda fw, a: [a.conj_physical_() is a, a._version],
           (S("matrix", (3, 4)),), DTYPES, grad=False,
           errors=(on_3x4("leaf_requires_grad", lambda fw, a: a.requires_grad_().conj_physical_(), RuntimeError),)),
    OpSpec("is_conj", lambda fw, a: [fw.is_conj(a), fw.is_neg(a)], (S("matrix", (3, 4)),), DTYPES, grad=False),
]
