"""The *_copy ops: a view's values in a fresh tensor. Every row checks aliasing against torch (a copy shares no
storage with its input), on contiguous and non-contiguous inputs."""
from conformance.frameworks import DTYPES
from conformance.inputs import Sample, T
from conformance.spec import ErrorCase, OpSpec
from conformance.specs.views import S, on_3x4


def copy_spec(name, fn, samples, errors=(), **options):
    return OpSpec(name, fn, samples, DTYPES, alias=True, errors=errors, **options)


SPECS = [
    copy_spec("alias_copy", lambda fw, a: fw.alias_copy(a), (S("matrix", (3, 4)), S("transposed", (3, 4), layout="transposed"), S("0d", ()))),
    copy_spec("detach_copy", lambda fw, a: fw.detach_copy(a), (S("matrix", (3, 4)),), grad=False),
    copy_spec("as_strided_copy", lambda fw, a, size, stride: fw.as_strided_copy(a, size, stride),
              (S("windows", (3, 4), (2, 2), (1, 2)), S("overlapping", (6,), (3, 2), (1, 1)))),
    copy_spec("diagonal_copy", lambda fw, a, *args: fw.diagonal_copy(a, *args),
              (S("main", (3, 4)), S("offset", (3, 4), 1), S("negative_dims", (2, 3, 4), -1, -1, 0),
               S("transposed", (3, 4), -1, layout="transposed"))),
    copy_spec("expand_copy", lambda fw, a, size: fw.expand_copy(a, size),
              (S("leading", (1, 4), (3, 2, 4)), S("keep", (3, 1), (-1, 5)))),
    copy_spec("narrow_copy", lambda fw, a, *args: fw.narrow_copy(a, *args),
              (S("rows", (5, 3), 0, 1, 3), S("negative_dim", (3, 5), -1, 2, 2), S("strided", (3, 4), 1, 1, 2, layout="strided"))),
    copy_spec("Tensor.narrow_copy", lambda fw, a, *args: a.narrow_copy(*args), (S("rows", (5, 3), 0, 1, 3),)),
    copy_spec("permute_copy", lambda fw, a, dims: fw.permute_copy(a, dims),
              (S("3d", (2, 3, 4), (2, 0, 1)), S("negative", (3, 4), (-1, 0)))),
    copy_spec("select_copy", lambda fw, a, dim, index: fw.select_copy(a, dim, index),
              (S("row", (3, 4), 0, 1), S("negative_index", (3, 4), 1, -1)),
              errors=(on_3x4("index_out_of_range", lambda fw, a: fw.select_copy(a, 0, 3), IndexError),)),
    copy_spec("slice_copy", lambda fw, a, *args: fw.slice_copy(a, *args),
              (S("default", (5, 3)), S("bounds", (5, 3), 0, 1, 4), S("step", (3, 7), 1, 0, 7, 2),
               S("negative_bounds", (6, 2), 0, -4, -1), S("clamped", (4, 2), 0, -10, 10)),
              errors=(on_3x4("zero_step", lambda fw, a: fw.slice_copy(a, 0, 0, 2, 0), RuntimeError),
                      on_3x4("zero_dim", lambda fw, a: fw.slice_copy(a), IndexError, shape=()))),
    copy_spec("split_copy", lambda fw, a, size, *args: fw.split_copy(a, size, *args),
              (S("uneven", (5, 2), 2), S("dim1", (2, 5), 3, 1))),
    copy_spec("split_with_sizes_copy", lambda fw, a, sizes, *args: fw.split_with_sizes_copy(a, sizes, *args),
              (S("sizes", (5, 2), [1, 4]), S("dim1", (2, 5), [2, 0, 3], 1))),
    copy_spec("squeeze_copy", lambda fw, a, *args: fw.squeeze_copy(a, *args),
              (S("all", (1, 3, 1)), S("one_dim", (1, 3, 1), 2), S("dims", (1, 3, 1), (0, 2)))),
    copy_spec("t_copy", lambda fw, a: fw.t_copy(a), (S("matrix", (3, 4)), S("vector", (3,)))),
    copy_spec("transpose_copy", lambda fw, a, d0, d1: fw.transpose_copy(a, d0, d1),
              (S("3d", (2, 3, 4), 0, 2), S("negative", (3, 4), -1, 0))),
    copy_spec("unbind_copy", lambda fw, a, *args: fw.unbind_copy(a, *args), (S("rows", (3, 4)), S("dim1", (3, 4), 1)),
              errors=(on_3x4("dim_out_of_range", lambda fw, a: fw.unbind_copy(a, 2), IndexError),)),
    copy_spec("unfold_copy", lambda fw, a, *args: fw.unfold_copy(a, *args),
              (S("windows", (7,), 0, 3, 2), S("2d", (3, 6), 1, 2, 2))),
    copy_spec("unsqueeze_copy", lambda fw, a, dim: fw.unsqueeze_copy(a, dim),
              (S("front", (3, 4), 0), S("negative", (3, 4), -1))),
    copy_spec("view_copy", lambda fw, a, size: fw.view_copy(a, size),
              (S("flat", (3, 4), (12,)), S("infer", (3, 4), (2, -1)))),
    OpSpec("view_copy", lambda fw, a: fw.view_copy(a, fw.int32), (S("as_int32", (3, 4)),), ("float32",), alias=True,
           grad=False, variant="dtype"),
    OpSpec("transpose_copy", lambda fw, a, out: fw.transpose_copy(a, 0, 1, out=out),
           (Sample("out", (T(3, 4), T(4, 3))),), ("float32",), grad=False, variant="out"),
]

# torch's view_copy reshapes: a layout a view cannot express is copied, not refused
SPECS.append(copy_spec("view_copy", lambda fw, a, size: fw.view_copy(a, size),
                       (S("transposed", (3, 4), (12,), layout="transposed"),), variant="any_layout"))
