"""Sliding blocks (ops/nn_fold.py, nn/modules/fold.py): nn.functional.unfold (im2col) and fold (col2im) with
kernel size, dilation, padding and stride, overlapping and disjoint blocks, unbatched and non-contiguous inputs,
every float dtype and bool; nn.Unfold and nn.Fold (kind=module); torch's checks as error cases."""
from conformance.frameworks import FLOATING
from conformance.inputs import Sample, T
from conformance.module_spec import ModuleSpec
from conformance.spec import ErrorCase, OpSpec

ALL_FLOATING = FLOATING                        # float16, bfloat16, float32, float64


def F(fw):
    return fw.nn.functional


UNFOLD_SAMPLES = (
    Sample("kernel2", (T(2, 3, 5, 6),), {"kernel_size": 2}),
    Sample("kernel3_padding1_stride2", (T(2, 2, 6, 7),), {"kernel_size": 3, "padding": 1, "stride": 2}),
    Sample("dilation2_rectangular", (T(1, 2, 7, 6),), {"kernel_size": (2, 3), "dilation": (2, 1)}),
    Sample("stride_over_kernel", (T(2, 2, 7, 7),), {"kernel_size": 2, "stride": 3}),
    Sample("unbatched", (T(3, 5, 4),), {"kernel_size": (3, 2), "padding": (1, 0)}),
    Sample("zero_batch", (T(0, 3, 4, 4),), {"kernel_size": 2}),
    Sample("transposed_input", (T(2, 3, 6, 5, layout="transposed"),), {"kernel_size": 2, "stride": 1}),
)
# fold's inputs: (N, C*kh*kw, L) with L the block count of output_size
FOLD_SAMPLES = (
    Sample("overlapping_kernel2", (T(2, 12, 20),), {"output_size": (5, 6), "kernel_size": 2}),
    Sample("kernel3_padding1_stride2", (T(2, 18, 12),), {"output_size": (6, 7), "kernel_size": 3, "padding": 1,
                                                         "stride": 2}),
    Sample("dilation2_rectangular", (T(1, 12, 20),), {"output_size": (7, 6), "kernel_size": (2, 3),
                                                      "dilation": (2, 1)}),
    Sample("disjoint_blocks", (T(2, 8, 4),), {"output_size": (4, 4), "kernel_size": 2, "stride": 2}),
    Sample("unbatched", (T(18, 15),), {"output_size": (5, 4), "kernel_size": (3, 2), "padding": (1, 0)}),
    Sample("transposed_input", (T(2, 12, 20, layout="transposed"),), {"output_size": (5, 6), "kernel_size": 2}),
)
UNFOLD_ERRORS = (
    ErrorCase("2d_input", lambda fw, x: F(fw).unfold(x, 2), Sample("2d", (T(3, 4),)), IndexError),
    ErrorCase("5d_input", lambda fw, x: F(fw).unfold(x, 2), Sample("5d", (T(1, 2, 3, 4, 5),)), RuntimeError),
    ErrorCase("kernel_three_values", lambda fw, x: F(fw).unfold(x, (2, 2, 2)), Sample("4d", (T(2, 3, 5, 6),)),
              RuntimeError),
    ErrorCase("kernel_zero", lambda fw, x: F(fw).unfold(x, 0), Sample("4d", (T(2, 3, 5, 6),)), RuntimeError),
    ErrorCase("kernel_too_large", lambda fw, x: F(fw).unfold(x, 7), Sample("4d", (T(2, 3, 5, 6),)), RuntimeError),
    ErrorCase("negative_padding", lambda fw, x: F(fw).unfold(x, 2, padding=-1), Sample("4d", (T(2, 3, 5, 6),)),
              RuntimeError),
    ErrorCase("integer_input", lambda fw, x: F(fw).unfold(x.long(), 2), Sample("4d", (T(2, 3, 5, 6),)),
              NotImplementedError),
)
FOLD_ERRORS = (
    ErrorCase("channels_not_divisible", lambda fw, x: F(fw).fold(x, (5, 6), 2), Sample("11ch", (T(2, 11, 20),)),
              RuntimeError),
    ErrorCase("wrong_block_count", lambda fw, x: F(fw).fold(x, (5, 6), 2), Sample("19blocks", (T(2, 12, 19),)),
              RuntimeError),
    ErrorCase("1d_input", lambda fw, x: F(fw).fold(x, (5, 6), 2), Sample("1d", (T(3),)), RuntimeError),
    ErrorCase("4d_input", lambda fw, x: F(fw).fold(x, (5, 6), 2), Sample("4d", (T(2, 12, 20, 1),)), RuntimeError),
    ErrorCase("stride_zero", lambda fw, x: F(fw).fold(x, (5, 6), 2, stride=0), Sample("3d", (T(2, 12, 20),)),
              RuntimeError),
    ErrorCase("integer_input", lambda fw, x: F(fw).fold(x.long(), (5, 6), 2), Sample("3d", (T(2, 12, 20),)),
              NotImplementedError),
)

FUNCTIONAL_SPECS = [
    OpSpec("nn.functional.unfold", lambda fw, x, **kw: F(fw).unfold(x, **kw), UNFOLD_SAMPLES, ALL_FLOATING,
           errors=UNFOLD_ERRORS),
    OpSpec("nn.functional.unfold", lambda fw, x, **kw: F(fw).unfold(x > 0, **kw), UNFOLD_SAMPLES[:2], ("float32",),
           variant="bool", grad=False),
    OpSpec("nn.functional.fold", lambda fw, x, **kw: F(fw).fold(x, **kw), FOLD_SAMPLES, ALL_FLOATING,
           errors=FOLD_ERRORS),
    OpSpec("nn.functional.fold", lambda fw, x, **kw: F(fw).fold(x > 0, **kw), FOLD_SAMPLES[:2], ("float32",),
           variant="bool", grad=False),
]

MODULE_SPECS = [
    *ModuleSpec("nn.Unfold", lambda fw: fw.nn.Unfold(kernel_size=(2, 3), dilation=1, padding=1, stride=2),
                (Sample("batch", (T(2, 3, 5, 6),)), Sample("unbatched", (T(3, 5, 6),))), ALL_FLOATING),
    *ModuleSpec("nn.Fold", lambda fw: fw.nn.Fold(output_size=(5, 6), kernel_size=2),
                (Sample("batch", (T(2, 12, 20),)), Sample("unbatched", (T(12, 20),))), ALL_FLOATING),
]

SPECS = FUNCTIONAL_SPECS + MODULE_SPECS
