"""Joining and repeating: cat (concat, concatenate), stack, hstack, vstack, repeat, tile,
repeat_interleave, flip, roll, masked_fill, tril/triu and nn.functional.pad (constant mode).

None of these is a view: the specs that could be mistaken for one (cat of one tensor, tile by
ones, flip of no dims, zero padding) check aliasing too, since torch returns a fresh tensor."""
from conformance.frameworks import DTYPES
from conformance.inputs import Arg, Sample, T
from conformance.spec import HALF_PRECISION_BACKWARD, ErrorCase, OpSpec

MASK = "bool"


def V(value):
    """A fixed Python argument (dims, shifts, repeats)."""
    return Arg(value=value)


def M(*shape, **options):
    """A boolean mask (values drawn at random, so both branches are taken)."""
    return T(*shape, dtype=MASK, **options)


def E(label, fn, inputs, raises, **options):
    return ErrorCase(label, fn, Sample(label, inputs), raises, **options)


# ---------------------------------------------------------------- cat / stack

CAT_SAMPLES = (
    Sample("two_dim0", (T(2, 3), T(4, 3))),
    Sample("three_dim1", (T(2, 1), T(2, 3), T(2, 2)), {"dim": 1}),
    Sample("negative_dim", (T(2, 3, 2), T(2, 3, 1)), {"dim": -1}),
    Sample("middle_dim_3d", (T(2, 3, 4), T(2, 1, 4)), {"dim": 1}),
    Sample("one_tensor", (T(3, 4),)),
    Sample("vectors", (T(3), T(1), T(5))),
    Sample("size0_piece", (T(0, 3), T(2, 3))),
    # torch skips the legacy empty tensor of shape (0,) whatever the others' shapes (its grad is empty)
    Sample("legacy_empty_skipped", (T(0), T(2, 3)), {"dim": 1}),
    Sample("all_legacy_empty", (T(0), T(0))),
    Sample("transposed", (T(3, 4, layout="transposed"), T(2, 4))),
    Sample("strided_dim1", (T(3, 4, layout="strided"), T(3, 2)), {"dim": 1}),
    Sample("expanded", (T(3, 4, layout="expanded"), T(3, 4, layout="offset"))),
    Sample("with_float64", (T(2, 3), T(2, 3, dtype="float64"))),
    Sample("with_int64", (T(2, 3), T(1, 3, dtype="int64"))),
    Sample("with_bool", (T(2, 3), T(2, 3, dtype="bool"))),
    Sample("with_float16", (T(2, 3), T(2, 3, dtype="float16"))),
    Sample("with_legacy_float64", (T(2, 3), T(0, dtype="float64"))),
)

CAT_ERRORS = (
    E("sizes_mismatch", lambda fw, a, b: fw.cat([a, b]), (T(2, 3), T(2, 4)), RuntimeError),
    E("ndim_mismatch", lambda fw, a, b: fw.cat([a, b]), (T(2, 3), T(3)), RuntimeError),
    E("zero_dim", lambda fw, a, b: fw.cat([a, b]), (T(), T()), RuntimeError),
    E("empty_list", lambda fw, a: fw.cat([]), (T(3),), ValueError),
    E("dim_out_of_range", lambda fw, a, b: fw.cat([a, b], dim=2), (T(2, 3), T(2, 3)), IndexError),
    E("negative_dim_out_of_range", lambda fw, a, b: fw.cat([a, b], dim=-3), (T(2, 3), T(2, 3)), IndexError),
    E("legacy_empty_then_bad_dim", lambda fw, a, b: fw.cat([a, b], dim=5), (T(0), T(2, 3)), IndexError),
    E("not_a_sequence", lambda fw, a: fw.cat(a), (T(2, 3),), TypeError),
    E("number_in_list", lambda fw, a: fw.cat([a, 1]), (T(2, 3),), TypeError),
    E("float_dim", lambda fw, a: fw.cat([a], dim=1.0), (T(2, 3),), TypeError),
)

STACK_SAMPLES = (
    Sample("two_dim0", (T(3, 4), T(3, 4))),
    Sample("dim_last", (T(3, 4), T(3, 4)), {"dim": 2}),
    Sample("negative_dim", (T(3, 4), T(3, 4), T(3, 4)), {"dim": -2}),
    Sample("zero_dim_tensors", (T(), T(), T())),
    Sample("one_tensor", (T(2, 3),)),
    Sample("size0", (T(0, 3), T(0, 3)), {"dim": 1}),
    Sample("transposed_and_strided", (T(3, 4, layout="transposed"), T(3, 4, layout="strided")), {"dim": 1}),
    Sample("expanded", (T(3, 4, layout="expanded"), T(3, 4))),
    Sample("with_int32", (T(2, 3), T(2, 3, dtype="int32"))),
    Sample("with_bfloat16", (T(2, 3), T(2, 3, dtype="bfloat16"))),
)

STACK_ERRORS = (
    E("unequal_shapes", lambda fw, a, b: fw.stack([a, b]), (T(2, 3), T(2, 4)), RuntimeError),
    E("empty_list", lambda fw, a: fw.stack([]), (T(3),), RuntimeError),
    E("dim_out_of_range", lambda fw, a, b: fw.stack([a, b], dim=3), (T(2, 3), T(2, 3)), IndexError),
    E("not_a_sequence", lambda fw, a: fw.stack(a), (T(2, 3),), TypeError),
)

SIDE_STACK_SAMPLES = (
    Sample("vectors", (T(3), T(2))),
    Sample("matrices", (T(2, 3), T(2, 1))),
    Sample("zero_dim", (T(), T())),
    Sample("3d", (T(2, 1, 2), T(2, 3, 2))),
    Sample("transposed", (T(3, 4, layout="transposed"), T(3, 2))),
)
VERTICAL_SAMPLES = (
    Sample("vectors", (T(3), T(3))),
    Sample("matrix_and_vector", (T(2, 3), T(3))),
    Sample("zero_dim", (T(), T())),
    Sample("3d", (T(1, 2, 2), T(3, 2, 2))),
    Sample("strided", (T(3, 4, layout="strided"), T(1, 4))),
)

SPECS = [
    OpSpec("cat", lambda fw, *tensors, **kw: fw.cat(list(tensors), **kw), CAT_SAMPLES, DTYPES, alias=True,
           errors=CAT_ERRORS),
    OpSpec("cat", lambda fw, a, b: fw.cat((a, b), dim=1), (Sample("tuple_of_tensors", (T(3, 2), T(3, 4))),),
           DTYPES, variant="tuple"),
    OpSpec("cat", lambda fw, a, b: fw.cat(tensors=[a, b], dim=0), (Sample("keywords", (T(2, 3), T(1, 3))),),
           ("float32", "float64"), variant="keywords"),
    OpSpec("concat", lambda fw, a, b: fw.concat([a, b], dim=-1), (Sample("last_dim", (T(3, 2), T(3, 4))),),
           DTYPES),
    OpSpec("concatenate", lambda fw, a, b: fw.concatenate([a, b], axis=0),
           (Sample("axis_keyword", (T(2, 3), T(1, 3))),), ("float32", "float64", "int64")),
    OpSpec("stack", lambda fw, *tensors, **kw: fw.stack(list(tensors), **kw), STACK_SAMPLES, DTYPES,
           errors=STACK_ERRORS),
    OpSpec("hstack", lambda fw, *tensors: fw.hstack(list(tensors)), SIDE_STACK_SAMPLES, DTYPES,
           errors=(E("empty_list", lambda fw, a: fw.hstack([]), (T(3),), RuntimeError),
                   E("rows_mismatch", lambda fw, a, b: fw.hstack([a, b]), (T(2, 3), T(3, 3)), RuntimeError))),
    OpSpec("vstack", lambda fw, *tensors: fw.vstack(list(tensors)), VERTICAL_SAMPLES, DTYPES,
           errors=(E("empty_list", lambda fw, a: fw.vstack([]), (T(3),), RuntimeError),
                   E("columns_mismatch", lambda fw, a, b: fw.vstack([a, b]), (T(2, 3), T(4)), RuntimeError))),
]

# ---------------------------------------------------------------- repeat / tile / repeat_interleave

REPEAT_SAMPLES = (
    Sample("rows", (T(2, 3), V((2, 1)))),
    Sample("both_dims", (T(2, 3), V((2, 3)))),
    Sample("new_leading_dims", (T(2, 3), V((2, 1, 2)))),
    Sample("vector", (T(4), V((3,)))),
    Sample("zero_dim", (T(), V((3, 2)))),
    Sample("zero_repeats", (T(2, 3), V((0, 2)))),
    Sample("ones_copy", (T(2, 3), V((1, 1)))),
    Sample("size0", (T(0, 3), V((2, 2)))),
    Sample("transposed", (T(3, 4, layout="transposed"), V((1, 2)))),
    Sample("expanded", (T(3, 4, layout="expanded"), V((2, 1)))),
    Sample("offset", (T(2, 3, layout="offset"), V((2, 2)))),
)
REPEAT_ERRORS = (
    E("fewer_repeats_than_dims", lambda fw, a: a.repeat(2), (T(2, 3),), RuntimeError),
    E("negative_repeat", lambda fw, a: a.repeat(-1, 1), (T(2, 3),), RuntimeError),
    E("float_repeat", lambda fw, a: a.repeat(2.0, 1), (T(2, 3),), TypeError),
    E("no_repeats", lambda fw, a: a.repeat(), (T(2, 3),), TypeError),
)

TILE_SAMPLES = (
    Sample("same_length", (T(2, 3), V((2, 2)))),
    Sample("fewer_dims_padded_with_ones", (T(2, 3), V((2,)))),
    Sample("more_dims", (T(2, 3), V((2, 1, 2)))),
    Sample("ones_copy", (T(2, 3), V((1, 1)))),
    Sample("empty_dims_copy", (T(2, 3), V(()))),
    Sample("zero_dim", (T(), V((2,)))),
    Sample("transposed", (T(3, 4, layout="transposed"), V((2, 1)))),
    Sample("size0", (T(0, 3), V((2, 2)))),
)

INTERLEAVE_SAMPLES = (
    Sample("int_flattened", (T(2, 3), V(2))),
    Sample("int_dim1", (T(2, 3), V(2)), {"dim": 1}),
    Sample("int_negative_dim", (T(2, 3, 2), V(3)), {"dim": -2}),
    Sample("int_zero", (T(2, 3), V(0)), {"dim": 0}),
    Sample("int_output_size", (T(2, 3), V(2)), {"dim": 0, "output_size": 4}),
    Sample("zero_dim_input", (T(), V(3))),
    Sample("size0_dim", (T(0, 3), V(2)), {"dim": 0}),
    Sample("transposed", (T(3, 4, layout="transposed"), V(2)), {"dim": 1}),
    Sample("expanded", (T(3, 4, layout="expanded"), V(2)), {"dim": 0}),
)
# repeats given as an int64 tensor (built inside the fn from fixed counts)
INTERLEAVE_TENSOR_SAMPLES = (
    Sample("per_row", (T(2, 3), V([1, 2])), {"dim": 0}),
    Sample("with_zero_count", (T(2, 3), V([1, 0, 3])), {"dim": 1}),
    Sample("flattened", (T(2, 3), V([1, 2, 1, 1, 0, 2]))),
    Sample("one_count_broadcast", (T(2, 3), V([2])), {"dim": 1}),
    Sample("zero_dim_count", (T(2, 3), V(2)), {"dim": 0}),
    Sample("strided", (T(3, 4, layout="strided"), V([2, 1, 0, 1])), {"dim": -1}),
    Sample("size0_dim", (T(0, 3), V([])), {"dim": 0}),
)
INTERLEAVE_ERRORS = (
    E("negative_int", lambda fw, a: a.repeat_interleave(-1), (T(2, 3),), RuntimeError),
    E("negative_count", lambda fw, a: a.repeat_interleave(fw.tensor([1, -2]), dim=0), (T(2, 3),), RuntimeError),
    E("counts_size_mismatch", lambda fw, a: a.repeat_interleave(fw.tensor([1, 2, 3]), dim=0), (T(2, 3),),
      RuntimeError),
    E("float_counts", lambda fw, a: a.repeat_interleave(fw.tensor([1.0, 2.0]), dim=0), (T(2, 3),),
      NotImplementedError),
    E("uint8_counts", lambda fw, a: a.repeat_interleave(fw.tensor([1, 2], dtype=fw.uint8), dim=0), (T(2, 3),),
      NotImplementedError),
    E("2d_counts", lambda fw, a: a.repeat_interleave(fw.tensor([[1, 2]]), dim=0), (T(2, 3),), RuntimeError),
    E("dim_out_of_range", lambda fw, a: a.repeat_interleave(2, dim=2), (T(2, 3),), IndexError),
    E("zero_dim_input_with_dim", lambda fw, a: a.repeat_interleave(2, dim=0), (T(),), IndexError),
    E("wrong_output_size", lambda fw, a: a.repeat_interleave(2, dim=0, output_size=5), (T(2, 3),), RuntimeError),
    E("float_repeats", lambda fw, a: a.repeat_interleave(2.0), (T(2, 3),), TypeError),
)

SPECS += [
    OpSpec("Tensor.repeat", lambda fw, a, repeats: a.repeat(*repeats), REPEAT_SAMPLES, DTYPES, alias=True,
           errors=REPEAT_ERRORS),
    OpSpec("Tensor.repeat", lambda fw, a, repeats: a.repeat(repeats), REPEAT_SAMPLES[:3], DTYPES,
           variant="sequence"),
    OpSpec("tile", lambda fw, a, dims: fw.tile(a, dims), TILE_SAMPLES, DTYPES, alias=True,
           errors=(E("negative", lambda fw, a: fw.tile(a, (-1, 2)), (T(2, 3),), RuntimeError),)),
    OpSpec("Tensor.tile", lambda fw, a, dims: a.tile(*dims), TILE_SAMPLES[:4], DTYPES),
    OpSpec("repeat_interleave", lambda fw, a, repeats, **kw: fw.repeat_interleave(a, repeats, **kw),
           INTERLEAVE_SAMPLES, DTYPES, errors=INTERLEAVE_ERRORS),
    OpSpec("Tensor.repeat_interleave", lambda fw, a, repeats, **kw: a.repeat_interleave(repeats, **kw),
           INTERLEAVE_SAMPLES[:3], DTYPES),
    OpSpec("repeat_interleave",
           lambda fw, a, counts, **kw: fw.repeat_interleave(a, fw.tensor(counts, dtype=fw.int64), **kw),
           INTERLEAVE_TENSOR_SAMPLES, DTYPES, variant="tensor_repeats"),
    OpSpec("Tensor.repeat_interleave",
           lambda fw, a, counts, **kw: a.repeat_interleave(fw.tensor(counts, dtype=fw.int32), **kw),
           INTERLEAVE_TENSOR_SAMPLES[:2], DTYPES, variant="int32_repeats"),
    # the one-argument form: the indices 0..n-1, index i repeated counts[i] times, in the counts' dtype
    OpSpec("repeat_interleave", lambda fw, counts: fw.repeat_interleave(counts),
           (Sample("counts", (T(5),)), Sample("no_counts", (T(0),))), ("int32", "int64"), variant="indices",
           domain="positive",
           errors=(E("indices_from_2d_counts", lambda fw, c: fw.repeat_interleave(c), (T(2, 2),), RuntimeError,
                     dtypes=("int64",)),
                   E("indices_from_float_counts", lambda fw, c: fw.repeat_interleave(c), (T(3),),
                     NotImplementedError))),
]

# ---------------------------------------------------------------- flip / roll

FLIP_SAMPLES = (
    Sample("dim0", (T(3, 4), V((0,)))),
    Sample("both_dims", (T(3, 4), V((0, 1)))),
    Sample("negative_dim", (T(2, 3, 4), V((-1,)))),
    Sample("list_of_dims", (T(2, 3, 4), V([0, 2]))),
    Sample("no_dims_copy", (T(3, 4), V(()))),
    Sample("zero_dim", (T(), V((0,)))),
    Sample("size0", (T(0, 3), V((0, 1)))),
    Sample("transposed", (T(3, 4, layout="transposed"), V((1,)))),
    Sample("strided", (T(3, 4, layout="strided"), V((0, 1)))),
    Sample("expanded", (T(3, 4, layout="expanded"), V((0,)))),
)
FLIP_ERRORS = (
    E("repeated_dim", lambda fw, a: fw.flip(a, (0, 0)), (T(3, 4),), RuntimeError),
    E("dim_out_of_range", lambda fw, a: fw.flip(a, (2,)), (T(3, 4),), IndexError),
    E("int_dims_to_function", lambda fw, a: fw.flip(a, 0), (T(3, 4),), TypeError),
)

ROLL_SAMPLES = (
    Sample("flattened", (T(3, 4), V(5))),
    Sample("flattened_one_tuple", (T(3, 4), V((-2,)))),
    Sample("one_dim", (T(3, 4), V(1)), {"dims": 0}),
    Sample("two_dims", (T(3, 4), V((1, -3))), {"dims": (0, 1)}),
    Sample("shift_past_size", (T(3, 4), V(-7)), {"dims": 1}),
    Sample("same_dim_twice", (T(3, 4), V((1, 1))), {"dims": (1, 1)}),
    Sample("zero_dim", (T(), V(2))),
    Sample("size0", (T(0, 3), V(1)), {"dims": 0}),
    # found by conformance/fuzz: torch returns an empty input before it looks at the dims
    Sample("size0_dim_out_of_range", (T(0, 3), V(1)), {"dims": 5}),
    Sample("transposed", (T(3, 4, layout="transposed"), V((2,))), {"dims": (-1,)}),
    Sample("strided", (T(3, 4, layout="strided"), V(1))),
    Sample("offset", (T(2, 3, layout="offset"), V(1)), {"dims": 1}),
)
ROLL_ERRORS = (
    E("shifts_dims_misaligned", lambda fw, a: fw.roll(a, (1, 2), 0), (T(3, 4),), RuntimeError),
    E("two_shifts_no_dims", lambda fw, a: fw.roll(a, (1, 2)), (T(3, 4),), RuntimeError),
    E("no_shifts", lambda fw, a: fw.roll(a, (), ()), (T(3, 4),), RuntimeError),
    E("dim_out_of_range", lambda fw, a: fw.roll(a, 1, 2), (T(3, 4),), IndexError),
    E("zero_dim_with_dim", lambda fw, a: fw.roll(a, 1, 0), (T(),), IndexError),
    E("float_shift", lambda fw, a: fw.roll(a, 1.5), (T(3, 4),), TypeError),
)

SPECS += [
    OpSpec("flip", lambda fw, a, dims: fw.flip(a, dims), FLIP_SAMPLES, DTYPES, alias=True, errors=FLIP_ERRORS),
    OpSpec("flip", lambda fw, a: fw.flip(a, dims=(0,)), (Sample("keyword", (T(3, 4),)),), ("float32", "float64"),
           variant="keyword"),
    OpSpec("Tensor.flip", lambda fw, a, dims: a.flip(*dims), FLIP_SAMPLES[:4], DTYPES),
    OpSpec("Tensor.flip", lambda fw, a, dims: a.flip(dims), FLIP_SAMPLES[:3], DTYPES, variant="sequence"),
    OpSpec("Tensor.fliplr", lambda fw, a: a.fliplr(), (Sample("matrix", (T(3, 4),)),), DTYPES,
           errors=(E("vector", lambda fw, a: a.fliplr(), (T(3),), RuntimeError),)),
    OpSpec("Tensor.flipud", lambda fw, a: a.flipud(), (Sample("matrix", (T(3, 4),)),), DTYPES,
           errors=(E("zero_dim", lambda fw, a: a.flipud(), (T(),), RuntimeError),)),
    OpSpec("roll", lambda fw, a, shifts, **kw: fw.roll(a, shifts, **kw), ROLL_SAMPLES, DTYPES,
           errors=ROLL_ERRORS),
    OpSpec("Tensor.roll", lambda fw, a, shifts, **kw: a.roll(shifts, **kw), ROLL_SAMPLES[:4], DTYPES),
]

# ---------------------------------------------------------------- masked_fill

MASKED_FILL_SAMPLES = (
    Sample("scalar_same_shape", (T(3, 4), M(3, 4), Arg(scalar=True))),
    Sample("scalar_row_mask", (T(3, 4), M(4), Arg(scalar=True))),
    Sample("scalar_column_mask", (T(3, 4), M(3, 1), Arg(scalar=True))),
    Sample("zero_dim_mask", (T(3, 4), M(), Arg(scalar=True))),
    Sample("value_tensor", (T(3, 4), M(3, 4), T())),
    Sample("value_tensor_float64", (T(3, 4), M(4), T(dtype="float64"))),
    Sample("value_tensor_int64", (T(3, 4), M(3, 4), T(dtype="int64", domain="positive"))),
    Sample("value_tensor_bool", (T(3, 4), M(3, 4), T(dtype="bool"))),
    Sample("int_value", (T(3, 4), M(3, 4), V(2))),
    Sample("zero_dim_input", (T(), M(), Arg(scalar=True))),
    Sample("size0", (T(0, 4), M(4), Arg(scalar=True))),
    Sample("transposed", (T(3, 4, layout="transposed"), M(3, 4), Arg(scalar=True))),
    Sample("strided_mask", (T(3, 4), M(3, 4, layout="strided"), Arg(scalar=True))),
    Sample("expanded_input", (T(3, 4, layout="expanded"), M(3, 4), T())),
    # out of place only: the mask broadcasts the result to a bigger shape than the input
    Sample("mask_broadcasts_input", (T(3, 4), M(2, 3, 4), Arg(scalar=True))),
    Sample("both_broadcast", (T(3, 1), M(1, 4), T())),
)
INPLACE_MASKED_FILL_SAMPLES = tuple(s for s in MASKED_FILL_SAMPLES
                                    if s.name not in ("mask_broadcasts_input", "both_broadcast", "expanded_input"))
MASKED_FILL_ERRORS = (
    E("int_mask", lambda fw, a, m: a.masked_fill(m, 1), (T(3, 4), T(3, 4, dtype="int32")), RuntimeError),
    E("uint8_mask", lambda fw, a, m: a.masked_fill(m, 1), (T(3, 4), T(4, dtype="uint8")), RuntimeError),
    E("value_with_dims", lambda fw, a, m, v: a.masked_fill(m, v), (T(3, 4), M(4), T(1)), RuntimeError),
    E("mask_not_broadcastable", lambda fw, a, m: a.masked_fill(m, 1), (T(3, 4), M(3)), RuntimeError),
    E("string_value", lambda fw, a, m: a.masked_fill(m, "a"), (T(3, 4), M(4)), TypeError),
    E("value_overflows_int8", lambda fw, a, m: a.masked_fill(m, 300), (T(3, 4), M(4)), RuntimeError,
      dtypes=("int8",)),
    E("value_overflows_uint8", lambda fw, a, m: a.masked_fill(m, -256), (T(3, 4), M(4)), RuntimeError,
      dtypes=("uint8",)),
    E("value_overflows_half", lambda fw, a, m: a.masked_fill(m, 1e6), (T(3, 4), M(4)), RuntimeError,
      dtypes=("float16",)),
    E("tensor_value_overflows_uint8", lambda fw, a, m: a.masked_fill(m, fw.tensor(300)), (T(3, 4), M(4)),
      RuntimeError, dtypes=("uint8",)),
    E("inplace_result_broadcasts", lambda fw, a, m: a.masked_fill_(m, 1.0), (T(3, 4), M(2, 3, 4)), RuntimeError),
    E("inplace_int_mask", lambda fw, a, m: a.masked_fill_(m, 1.0), (T(3, 4), T(4, dtype="int64")), RuntimeError),
)

SPECS += [
    OpSpec("Tensor.masked_fill", lambda fw, a, mask, value: a.masked_fill(mask, value), MASKED_FILL_SAMPLES,
           DTYPES, inplace=lambda fw, a, mask, value: a.masked_fill_(mask, value),
           inplace_name="Tensor.masked_fill_", inplace_samples=INPLACE_MASKED_FILL_SAMPLES,
           errors=MASKED_FILL_ERRORS),
    OpSpec("masked_fill", lambda fw, a, mask, value: fw.masked_fill(a, mask, value), MASKED_FILL_SAMPLES[:6],
           DTYPES),
    OpSpec("masked_fill", lambda fw, a, mask: fw.masked_fill(a, mask=mask, value=float("-inf")),
           (Sample("minus_inf", (T(3, 4), M(4))),), ("float16", "bfloat16", "float32", "float64"),
           variant="keywords"),
]

# ---------------------------------------------------------------- tril / triu

TRIANGLE_SAMPLES = (
    Sample("matrix", (T(3, 4),)),
    Sample("square", (T(4, 4),)),
    Sample("diagonal_plus1", (T(3, 4),), {"diagonal": 1}),
    Sample("diagonal_minus1", (T(4, 3),), {"diagonal": -1}),
    Sample("diagonal_past_end", (T(3, 4),), {"diagonal": 5}),
    Sample("diagonal_before_start", (T(3, 4),), {"diagonal": -5}),
    Sample("batched", (T(2, 3, 4),)),
    Sample("size0", (T(0, 3),)),
    Sample("transposed", (T(3, 4, layout="transposed"),)),
    Sample("strided", (T(3, 4, layout="strided"),), {"diagonal": 1}),
    Sample("offset", (T(2, 3, layout="offset"),)),
)


def triangle_spec(name):
    errors = (E("vector", lambda fw, a: getattr(fw, name)(a), (T(3),), RuntimeError),
              E("zero_dim", lambda fw, a: getattr(a, name)(), (T(),), RuntimeError),
              E("float_diagonal", lambda fw, a: getattr(fw, name)(a, 1.0), (T(3, 4),), TypeError),
              E("inplace_vector", lambda fw, a: getattr(a, name + "_")(), (T(3),), RuntimeError))
    return [
        OpSpec(f"Tensor.{name}", lambda fw, a, **kw: getattr(a, name)(**kw), TRIANGLE_SAMPLES, DTYPES,
               inplace=lambda fw, a, **kw: getattr(a, name + "_")(**kw), inplace_name=f"Tensor.{name}_",
               errors=errors),
        OpSpec(name, lambda fw, a, **kw: getattr(fw, name)(a, **kw), TRIANGLE_SAMPLES[:4], DTYPES),
        OpSpec(name, lambda fw, a: getattr(fw, name)(a, -1), (Sample("positional_diagonal", (T(3, 3),)),),
               ("float32", "float64"), variant="positional"),
    ]


SPECS += triangle_spec("tril") + triangle_spec("triu")

# ---------------------------------------------------------------- nn.functional.pad

PAD_SAMPLES = (
    Sample("last_dim", (T(2, 3), V((1, 2)))),
    Sample("two_dims", (T(3, 4), V((1, 2, 0, 1)))),
    Sample("three_dims", (T(2, 3, 4), V((1, 0, 2, 1, 1, 1)))),
    Sample("crop_one", (T(2, 3), V((-1, 1)))),
    Sample("crop_both_dims", (T(3, 4), V((-1, -2, 1, -1)))),
    Sample("crop_to_empty", (T(2, 3), V((-3, 0)))),
    Sample("zero_pads_copy", (T(2, 3), V((0, 0)))),
    Sample("empty_pads_copy", (T(2, 3), V(()))),
    Sample("list_pads", (T(2, 3), V([2, 0]))),
    Sample("fill_value", (T(2, 3), V((1, 1))), {"value": 2.5}),
    Sample("negative_fill_value", (T(2, 3), V((1, 1, 1, 0))), {"value": -3.0}),
    Sample("constant_mode_named", (T(2, 3), V((1, 1))), {"mode": "constant", "value": 1.0}),
    Sample("zero_dim", (T(), V(()))),
    Sample("size0", (T(0, 3), V((1, 1)))),
    Sample("size0_padded", (T(0, 3), V((0, 0, 1, 1)))),
    Sample("transposed", (T(3, 4, layout="transposed"), V((1, 1, 2, 0)))),
    Sample("expanded", (T(3, 4, layout="expanded"), V((1, 0)))),
    Sample("strided", (T(3, 4, layout="strided"), V((0, 2)))),
)
PAD_ERRORS = (
    E("odd_length", lambda fw, a: fw.nn.functional.pad(a, (1,)), (T(2, 3),), RuntimeError),
    E("too_long", lambda fw, a: fw.nn.functional.pad(a, (1, 1, 1, 1, 1, 1)), (T(2, 3),), RuntimeError),
    E("crop_past_size", lambda fw, a: fw.nn.functional.pad(a, (-2, -2)), (T(2, 3),), RuntimeError),
    E("crop_before_past_size", lambda fw, a: fw.nn.functional.pad(a, (-4, 2)), (T(2, 3),), RuntimeError),
    E("zero_dim_padded", lambda fw, a: fw.nn.functional.pad(a, (1, 1)), (T(),), RuntimeError),
    E("float_pad", lambda fw, a: fw.nn.functional.pad(a, (1.0, 1)), (T(2, 3),), TypeError),
    E("unknown_mode", lambda fw, a: fw.nn.functional.pad(a, (1, 1), mode="foo"), (T(2, 3),), NotImplementedError),
)

SPECS += [
    OpSpec("nn.functional.pad", lambda fw, a, pad, **kw: fw.nn.functional.pad(a, pad, **kw), PAD_SAMPLES, DTYPES,
           alias=True, errors=PAD_ERRORS),
    OpSpec("nn.functional.pad", lambda fw, a: fw.nn.functional.pad(input=a, pad=(1, 1), mode="constant", value=0),
           (Sample("keywords", (T(2, 3),)),), ("float32", "float64"), variant="keywords"),
]

# torch.constant_pad_nd: the same padding with aten's own checks and messages (F.pad's constant mode calls it)
CONSTANT_PAD_SAMPLES = tuple(Sample(s.name, s.args, {"value": s.kwargs["value"]} if "value" in s.kwargs else {})
                             for s in PAD_SAMPLES if s.name != "constant_mode_named")
SPECS += [
    OpSpec("constant_pad_nd", lambda fw, a, pad, **kw: fw.constant_pad_nd(a, pad, **kw), CONSTANT_PAD_SAMPLES, DTYPES,
           alias=True, errors=(
               E("odd_length", lambda fw, a: fw.constant_pad_nd(a, (1,)), (T(2, 3),), RuntimeError),
               E("too_long", lambda fw, a: fw.constant_pad_nd(a, (1, 1, 1, 1, 1, 1)), (T(2, 3),), RuntimeError),
               E("crop_past_size", lambda fw, a: fw.constant_pad_nd(a, (-2, -2)), (T(2, 3),), RuntimeError),
               E("crop_before_past_size", lambda fw, a: fw.constant_pad_nd(a, (-4, 2)), (T(2, 3),), RuntimeError),
               E("zero_dim_padded", lambda fw, a: fw.constant_pad_nd(a, (1, 1)), (T(),), RuntimeError),
               E("float_pad", lambda fw, a: fw.constant_pad_nd(a, (1.0, 1)), (T(2, 3),), TypeError),
               E("int_pad", lambda fw, a: fw.constant_pad_nd(a, 1), (T(2, 3),), TypeError),
               E("value_overflows_uint8", lambda fw, a: fw.constant_pad_nd(a, (1, 0), 300),
                 (T(2, 3, dtype="uint8"),), RuntimeError))),
    # a float value into an integer tensor truncates (2.5 -> 2), -1 wraps into uint8
    OpSpec("constant_pad_nd", lambda fw, a: fw.constant_pad_nd(a, (1, 1), value=2.5), (Sample("int", (T(2, 3),)),),
           ("int64", "int8"), variant="float_value"),
    OpSpec("constant_pad_nd", lambda fw, a: fw.constant_pad_nd(a, [1, 1], -1), (Sample("uint8", (T(2, 3),)),),
           ("uint8",), variant="wrapped_value"),
]

# The copying modes pad the last 1, 2 or 3 dims of a (batch,) channel, spatial... tensor: pad length 2
# takes a 2-d or 3-d input, 4 a 3-d or 4-d one, 6 a 4-d or 5-d one.
COPY_PAD_SAMPLES = (
    Sample("last_dim_2d", (T(2, 3), V((1, 2)))),
    Sample("last_dim_batched", (T(2, 3, 4), V((2, 1)))),
    Sample("two_dims_3d", (T(2, 3, 4), V((1, 1, 2, 0)))),
    Sample("two_dims_4d", (T(1, 2, 3, 3), V((0, 2, 1, 1)))),
    Sample("three_dims_4d", (T(1, 2, 3, 3), V((1, 1, 1, 0, 1, 1)))),
    Sample("crop_and_pad", (T(2, 4), V((-1, 2)))),
    Sample("zero_pads_copy", (T(2, 3), V((0, 0)))),
    Sample("value_zero_allowed", (T(2, 3), V((1, 1))), {"value": 0}),
    Sample("transposed", (T(3, 4, layout="transposed"), V((2, 1)))),
    Sample("strided", (T(2, 3, 4, layout="strided"), V((1, 1, 1, 1)))),
    Sample("expanded", (T(3, 4, layout="expanded"), V((1, 1)))),
)
COPY_PAD_ERRORS = tuple(
    E(f"{mode}_{label}", lambda fw, a, _mode=mode, _pad=pad_, _kw=kw: fw.nn.functional.pad(a, _pad, mode=_mode, **_kw),
      (T(*shape),), raises)
    for mode in ("reflect", "replicate", "circular")
    for label, shape, pad_, kw, raises in (
        ("takes_no_value", (2, 3), (1, 1), {"value": 1.0}, RuntimeError),
        ("pad_4_on_2d", (2, 3), (1, 1, 1, 1), {}, NotImplementedError),
        ("pad_2_on_1d", (3,), (1, 1), {}, NotImplementedError),
        ("pad_2_on_4d", (1, 2, 2, 2), (1, 1), {}, NotImplementedError),
        ("odd_length", (2, 3), (1,), {}, RuntimeError)))
COPY_PAD_ERRORS += (
    E("reflect_pad_not_below_size", lambda fw, a: fw.nn.functional.pad(a, (3, 0), mode="reflect"), (T(2, 3),),
      RuntimeError),
    E("reflect_empty_channel_dim", lambda fw, a: fw.nn.functional.pad(a, (1, 1), mode="reflect"), (T(0, 3),),
      RuntimeError),
    E("replicate_empty_last_dim", lambda fw, a: fw.nn.functional.pad(a, (1, 1), mode="replicate"), (T(2, 0),),
      RuntimeError),
    E("circular_wraps_twice", lambda fw, a: fw.nn.functional.pad(a, (4, 0), mode="circular"), (T(2, 3),),
      RuntimeError),
)

for _mode in ("reflect", "replicate", "circular"):
    SPECS.append(OpSpec("nn.functional.pad", lambda fw, a, pad, _mode=_mode, **kw: fw.nn.functional.pad(
        a, pad, mode=_mode, **kw), COPY_PAD_SAMPLES, DTYPES, variant=_mode, alias=True,
        errors=tuple(e for e in COPY_PAD_ERRORS if e.label.startswith(_mode))))
SPECS.append(OpSpec("nn.functional.pad", lambda fw, a: fw.nn.functional.pad(a, (2, 2), mode="circular"),
                    (Sample("batch_of_none", (T(0, 2, 3),)),), ("float64", "bool"), variant="circular_empty_batch"))

# numpy's axis= for dim= (mtv2/_numpy_aliases.py): cat, concat, concatenate and stack are native bindings in torch
NUMPY_AXIS = (Sample("axis0", (T(2, 3), T(1, 3)), {"axis": 0}), Sample("axis1", (T(3, 2), T(3, 4)), {"axis": 1}),
              Sample("axis_negative", (T(2, 3, 1), T(2, 3, 2)), {"axis": -1}),
              Sample("axis_transposed", (T(3, 4, layout="transposed"), T(3, 4)), {"axis": 1}))
SPECS += [
    OpSpec("cat", lambda fw, a, b, **kw: fw.cat([a, b], **kw), NUMPY_AXIS, DTYPES, variant="numpy_names",
           errors=(E("dim_beside_axis", lambda fw, a, b: fw.cat([a, b], dim=0, axis=0), (T(2, 3), T(1, 3)),
                     TypeError),
                   E("positional_dim_and_axis", lambda fw, a, b: fw.cat([a, b], 0, axis=0), (T(2, 3), T(1, 3)),
                     TypeError))),
    OpSpec("concat", lambda fw, a, b, **kw: fw.concat([a, b], **kw), NUMPY_AXIS[:2], ("float64", "int64"),
           variant="numpy_names"),
    OpSpec("stack", lambda fw, a, b, **kw: fw.stack([a, b], **kw),
           (Sample("axis0", (T(2, 3), T(2, 3)), {"axis": 0}), Sample("axis_last", (T(2, 3), T(2, 3)), {"axis": -1})),
           DTYPES, variant="numpy_names"),
]

# ---------------------------------------------------------------- atleast_nd / column_stack / dstack / block_diag / kron
# / cartesian_prod / combinations / rot90 (torch's OpInfo samples add their own rows: conformance/opinfo)

RANKS = (Sample("0d", (T(),)), Sample("vector", (T(3),)), Sample("matrix", (T(2, 3),)), Sample("3d", (T(2, 1, 3),)),
         Sample("transposed", (T(3, 4, layout="transposed"),)))
for _rank in (1, 2, 3):
    SPECS += [
        OpSpec(f"atleast_{_rank}d", lambda fw, a, _rank=_rank: getattr(fw, f"atleast_{_rank}d")(a), RANKS, DTYPES,
               alias=True),
        OpSpec(f"atleast_{_rank}d", lambda fw, a, b, _rank=_rank: getattr(fw, f"atleast_{_rank}d")(a, b),
               (Sample("two_tensors", (T(), T(4))),), DTYPES, alias=True, variant="several"),
        OpSpec(f"atleast_{_rank}d", lambda fw, a, b, _rank=_rank: getattr(fw, f"atleast_{_rank}d")([a, b]),
               (Sample("list", (T(2, 3), T(5))),), ("float32", "int64"), alias=True, variant="list"),
    ]
SPECS += [
    OpSpec("column_stack", lambda fw, *tensors: fw.column_stack(tensors),
           (Sample("vectors", (T(3), T(3))), Sample("0d", (T(), T())), Sample("matrix_and_vector", (T(3, 2), T(3))),
            Sample("transposed", (T(3, 4, layout="transposed"), T(3, 1)))), DTYPES, alias=True,
           errors=(E("empty_list", lambda fw, a: fw.column_stack([]), (T(3),), RuntimeError),
                   E("rows_mismatch", lambda fw, a, b: fw.column_stack([a, b]), (T(3), T(4)), RuntimeError))),
    OpSpec("dstack", lambda fw, *tensors: fw.dstack(tensors),
           (Sample("vectors", (T(3), T(3))), Sample("0d", (T(), T())), Sample("matrices", (T(2, 3), T(2, 3))),
            Sample("3d", (T(2, 3, 1), T(2, 3, 2))), Sample("mixed_dtypes", (T(2, 3), T(2, 3, dtype="float64")))),
           DTYPES, alias=True, errors=(E("empty_list", lambda fw, a: fw.dstack([]), (T(3),), RuntimeError),)),
    OpSpec("block_diag", lambda fw, *tensors: fw.block_diag(*tensors),
           (Sample("matrices", (T(2, 3), T(1, 2))), Sample("ranks", (T(), T(3), T(2, 2))),
            Sample("empty_blocks", (T(0, 2), T(2, 0), T(1, 1))), Sample("mixed_dtypes", (T(2, 2), T(1, dtype="int64"))),
            Sample("transposed", (T(3, 4, layout="transposed"), T(2, 1)))), DTYPES,
           errors=(E("3d", lambda fw, a: fw.block_diag(a), (T(2, 2, 2),), RuntimeError),)),
    OpSpec("block_diag", lambda fw: fw.block_diag(), (Sample("none", ()),), ("float32",), grad=False, variant="none"),
    OpSpec("kron", lambda fw, a, b: fw.kron(a, b),
           (Sample("matrices", (T(2, 3), T(3, 2))), Sample("ranks_differ", (T(2, 1, 2), T(3))),
            Sample("0d", (T(), T(2, 2))), Sample("size0", (T(0, 2), T(2, 2))),
            Sample("mixed_dtypes", (T(2, 2), T(2, dtype="int64"))),
            # torch refuses a transposed input (its result takes the input's layout, then a view cannot merge the
            # dims); mtv2 computes it. A strided one both compute.
            Sample("strided", (T(3, 2, layout="strided"), T(2, 2)))), DTYPES),
    OpSpec("Tensor.kron", lambda fw, a, b: a.kron(b), (Sample("matrices", (T(2, 3), T(3, 2))),), DTYPES),
    OpSpec("cartesian_prod", lambda fw, *tensors: fw.cartesian_prod(*tensors),
           (Sample("two", (T(3), T(2))), Sample("three", (T(2), T(2), T(3))), Sample("empty", (T(0), T(3))),
            Sample("one_is_itself", (T(4),))), DTYPES, alias=True,
           errors=(E("matrix", lambda fw, a, b: fw.cartesian_prod(a, b), (T(2, 2), T(2)), RuntimeError),
                   E("dtypes_differ", lambda fw, a, b: fw.cartesian_prod(a, b), (T(2), T(2, dtype="int64")),
                     RuntimeError))),
    OpSpec("combinations", lambda fw, a, **kw: fw.combinations(a, **kw),
           (Sample("pairs", (T(4),)), Sample("triples", (T(4),), {"r": 3}),
            Sample("with_replacement", (T(3),), {"with_replacement": True}),
            Sample("r1", (T(3),), {"r": 1}), Sample("r0", (T(3),), {"r": 0}), Sample("r_above_n", (T(2),), {"r": 3}),
            Sample("size0", (T(0),)),
            Sample("replacement_triples", (T(3),), {"r": 3, "with_replacement": True})), DTYPES,
           # the gradient of a repeated element is index's accumulation, which torch rounds to the half type per add
           tolerances=(HALF_PRECISION_BACKWARD,),
           errors=(E("matrix", lambda fw, a: fw.combinations(a), (T(2, 2),), RuntimeError),
                   E("negative_r", lambda fw, a: fw.combinations(a, -1), (T(3),), RuntimeError),
                   E("float_r", lambda fw, a: fw.combinations(a, 2.0), (T(3),), TypeError))),
    OpSpec("rot90", lambda fw, a, *args: fw.rot90(a, *args),
           (Sample("once", (T(3, 4),)), Sample("twice", (T(3, 4), V(2))), Sample("thrice", (T(3, 4), V(3))),
            Sample("none", (T(3, 4), V(0))), Sample("negative_k", (T(3, 4), V(-1))), Sample("k5", (T(3, 4), V(5))),
            Sample("dims", (T(2, 3, 4), V(1), V([2, 0]))), Sample("negative_dims", (T(2, 3, 4), V(1), V((-1, -2)))),
            Sample("transposed", (T(3, 4, layout="transposed"),))), DTYPES, alias=True,
           errors=(E("one_dim", lambda fw, a: fw.rot90(a, 1, [0]), (T(3, 3),), RuntimeError),
                   E("vector", lambda fw, a: fw.rot90(a), (T(3),), RuntimeError),
                   E("same_dims", lambda fw, a: fw.rot90(a, 1, [0, 0]), (T(3, 3),), RuntimeError),
                   E("dims_a_rank_apart", lambda fw, a: fw.rot90(a, 1, [0, -2]), (T(3, 3),), RuntimeError),
                   E("dim_out_of_range", lambda fw, a: fw.rot90(a, 1, [0, 2]), (T(3, 3),), IndexError))),
    OpSpec("Tensor.rot90", lambda fw, a: a.rot90(1, [1, 0]), (Sample("matrix", (T(3, 4),)),), DTYPES, alias=True),
]
SPECS += [
    OpSpec("column_stack", lambda fw, a, b, out: (fw.column_stack([a, b], out=out), out),
           (Sample("out", (T(3), T(3), T(3, 2))),), ("float32", "int64"), grad=False, variant="out"),
    OpSpec("dstack", lambda fw, a, b, out: fw.dstack([a, b], out=out) is out,
           (Sample("out", (T(2), T(2), T(1, 2, 2))),), ("float32",), grad=False, variant="out"),
    OpSpec("kron", lambda fw, a, b, out: (fw.kron(a, b, out=out), out), (Sample("out", (T(2), T(3), T(6))),),
           ("float32", "float64"), grad=False, variant="out"),
]
SPECS.append(OpSpec("kron", lambda fw, a: a, (), ("float32",), variant="errors",
                    errors=(E("other_is_int", lambda fw, a: fw.kron(a, 2), (T(2),), TypeError),)))
