"""Convolutions (ops/nn_conv.py, nn/modules/conv.py): nn.functional.conv2d/conv3d, conv_transpose1d/2d/3d (kind=op;
conv1d's rows are in nn_layers.py) and nn.Conv2d/Conv3d/ConvTranspose1d/2d/3d (kind=module, train and eval), beside
torch's own ModuleInfo/OpInfo samples: stride, padding, dilation and groups together, padding='same'/'valid', the
padding modes, unbatched and non-contiguous inputs, output_size, every float dtype (the functionals' half rows at
torch's own half tolerances, forward and backward: mtv2 rounds where torch's slow kernels do), and bad inputs."""
from conformance.frameworks import FLOATING
from conformance.inputs import Sample, T
from conformance.module_spec import ModuleSpec
from conformance.spec import ErrorCase, OpSpec

ALL_FLOATING = FLOATING                        # float16, bfloat16, float32, float64


def F(fw):
    return fw.nn.functional


# ================================================================ nn.functional.conv2d / conv3d

CONV2D_SAMPLES = (
    Sample("basic", (T(2, 3, 7, 6), T(4, 3, 3, 3), T(4))),
    Sample("stride2_padding1", (T(2, 3, 7, 6), T(4, 3, 3, 3), T(4)), {"stride": 2, "padding": 1}),
    Sample("per_dim_arguments", (T(2, 3, 8, 7), T(4, 3, 3, 2), T(4)),
           {"stride": (2, 1), "padding": (1, 0), "dilation": (1, 2)}),
    Sample("dilation2_padding2", (T(1, 3, 9, 8), T(2, 3, 3, 3), T(2)), {"dilation": 2, "padding": 2}),
    Sample("groups2", (T(2, 4, 6, 6), T(6, 2, 3, 3), T(6)), {"groups": 2, "padding": 1}),
    Sample("depthwise", (T(2, 4, 6, 5), T(4, 1, 3, 3), T(4)), {"groups": 4, "stride": 2}),
    Sample("same_even_kernel", (T(2, 3, 7, 6), T(4, 3, 4, 3), T(4)), {"padding": "same"}),
    Sample("same_dilated", (T(1, 3, 7, 6), T(2, 3, 3, 2), T(2)), {"padding": "same", "dilation": 2}),
    Sample("valid", (T(2, 3, 7, 6), T(4, 3, 2, 3), T(4)), {"padding": "valid"}),
    Sample("kernel1x1", (T(2, 3, 5, 4), T(4, 3, 1, 1), T(4))),
    Sample("unbatched", (T(3, 7, 6), T(4, 3, 3, 3), T(4)), {"padding": 1}),
    Sample("transposed_input", (T(2, 3, 6, 7, layout="transposed"), T(4, 3, 3, 3), T(4))),
    Sample("strided_weight", (T(2, 3, 7, 6), T(4, 3, 3, 3, layout="strided"), T(4))),
    Sample("size0_batch", (T(0, 3, 7, 6), T(4, 3, 3, 3), T(4))),
)
CONV3D_SAMPLES = (
    Sample("basic", (T(2, 2, 4, 5, 4), T(3, 2, 2, 3, 2), T(3))),
    Sample("stride_padding_dilation", (T(1, 2, 6, 5, 6), T(2, 2, 2, 2, 3), T(2)),
           {"stride": (2, 1, 2), "padding": 1, "dilation": (1, 2, 1)}),
    Sample("groups2", (T(1, 4, 4, 4, 3), T(4, 2, 2, 2, 2), T(4)), {"groups": 2}),
    Sample("same", (T(1, 2, 4, 5, 4), T(3, 2, 3, 2, 3), T(3)), {"padding": "same"}),
    Sample("unbatched", (T(2, 4, 5, 4), T(3, 2, 2, 3, 2), T(3))),
    Sample("transposed_input", (T(1, 2, 4, 4, 5, layout="transposed"), T(3, 2, 2, 2, 2), T(3))),
)
CONV_ERRORS = (
    ErrorCase("weight_rank_3", lambda fw, x, w: F(fw).conv2d(x, w), Sample("weight_3d", (T(2, 3, 7, 6), T(4, 3, 3))),
              RuntimeError),
    ErrorCase("input_rank_5", lambda fw, x, w: F(fw).conv2d(x, w), Sample("input_5d", (T(1, 2, 3, 7, 6),
                                                                                       T(4, 3, 3, 3))), RuntimeError),
    ErrorCase("input_channels", lambda fw, x, w: F(fw).conv2d(x, w), Sample("5_for_3", (T(2, 5, 7, 6),
                                                                                        T(4, 3, 3, 3))), RuntimeError),
    ErrorCase("out_channels_not_divisible_by_groups", lambda fw, x, w: F(fw).conv2d(x, w, groups=2),
              Sample("3_by_2", (T(2, 4, 7, 6), T(3, 2, 3, 3))), RuntimeError),
    ErrorCase("kernel_larger_than_padded_input", lambda fw, x, w: F(fw).conv2d(x, w, padding=1),
              Sample("5x5_kernel_2x2_input", (T(1, 3, 2, 2), T(4, 3, 5, 5))), RuntimeError),
    ErrorCase("same_with_stride", lambda fw, x, w: F(fw).conv2d(x, w, stride=2, padding="same"),
              Sample("stride2", (T(2, 3, 7, 6), T(4, 3, 3, 3))), RuntimeError),
    ErrorCase("bad_padding_string", lambda fw, x, w: F(fw).conv2d(x, w, padding="full"),
              Sample("full", (T(2, 3, 7, 6), T(4, 3, 3, 3))), RuntimeError),
    ErrorCase("negative_padding", lambda fw, x, w: F(fw).conv2d(x, w, padding=-1),
              Sample("minus1", (T(2, 3, 7, 6), T(4, 3, 3, 3))), RuntimeError),
    ErrorCase("zero_stride", lambda fw, x, w: F(fw).conv2d(x, w, stride=0),
              Sample("stride0", (T(2, 3, 7, 6), T(4, 3, 3, 3))), RuntimeError),
    ErrorCase("three_strides", lambda fw, x, w: F(fw).conv2d(x, w, stride=(1, 2, 1)),
              Sample("stride_3_values", (T(2, 3, 7, 6), T(4, 3, 3, 3))), RuntimeError),
    ErrorCase("bias_wrong_size", lambda fw, x, w, b: F(fw).conv2d(x, w, b),
              Sample("bias3_for_4", (T(2, 3, 7, 6), T(4, 3, 3, 3), T(3))), RuntimeError),
    ErrorCase("dtype_mismatch", lambda fw, x, w: F(fw).conv2d(x, w.double()),
              Sample("float_double", (T(2, 3, 7, 6), T(4, 3, 3, 3))), RuntimeError),
    ErrorCase("bool_input", lambda fw, x, w: F(fw).conv2d(x > 0, w > 0),
              Sample("bool", (T(2, 3, 7, 6), T(4, 3, 3, 3))), NotImplementedError),
    ErrorCase("list_weight", lambda fw, x: F(fw).conv2d(x, [[1.0]]), Sample("list", (T(2, 3, 7, 6),)), TypeError),
)
CONV3D_ERRORS = (
    ErrorCase("input_rank_3", lambda fw, x, w: F(fw).conv3d(x, w), Sample("input_3d", (T(2, 4, 5), T(3, 2, 2, 2, 2))),
              RuntimeError),
    ErrorCase("kernel_larger_than_input", lambda fw, x, w: F(fw).conv3d(x, w),
              Sample("depth1", (T(1, 2, 1, 4, 4), T(3, 2, 2, 2, 2))), RuntimeError),
)

FUNCTIONAL_CONV_SPECS = [
    OpSpec("nn.functional.conv2d", lambda fw, x, w, b, **kw: F(fw).conv2d(x, w, b, **kw), CONV2D_SAMPLES,
           ALL_FLOATING + ("int64",), errors=CONV_ERRORS),
    OpSpec("nn.functional.conv2d", lambda fw, x, w, **kw: F(fw).conv2d(x, w, **kw),
           (Sample("basic", (T(2, 3, 7, 6), T(4, 3, 3, 3))),
            Sample("groups2_dilation2", (T(2, 4, 7, 7), T(6, 2, 3, 3)), {"groups": 2, "dilation": 2})),
           ALL_FLOATING, variant="no_bias"),
    OpSpec("nn.functional.conv3d", lambda fw, x, w, b, **kw: F(fw).conv3d(x, w, b, **kw), CONV3D_SAMPLES,
           ALL_FLOATING, errors=CONV3D_ERRORS),
    # torch.conv1d/2d/3d are nn.functional's (the same native functions)
    *(OpSpec(name, lambda fw, x, w, b, _name=name, **kw: getattr(fw, _name)(x, w, b, **kw), samples,
             ("float32", "float64"))
      for name, samples in (("conv1d", (Sample("stride2", (T(2, 4, 9), T(3, 4, 3), T(3)), {"stride": 2}),)),
                            ("conv2d", CONV2D_SAMPLES[1:2]), ("conv3d", CONV3D_SAMPLES[:1]))),
]


# ================================================================ nn.functional.conv_transpose1d / 2d / 3d

TRANSPOSE1D_SAMPLES = (
    Sample("basic", (T(2, 4, 5), T(4, 3, 3), T(3))),
    Sample("stride2_output_padding1", (T(2, 4, 5), T(4, 3, 3), T(3)), {"stride": 2, "output_padding": 1}),
    Sample("padding_dilation", (T(2, 4, 6), T(4, 2, 3), T(2)), {"padding": 2, "dilation": 2}),
    Sample("groups2", (T(2, 4, 5), T(4, 2, 2), T(4)), {"groups": 2, "stride": 3, "output_padding": 2}),
    Sample("unbatched", (T(4, 5), T(4, 3, 3), T(3)), {"stride": 2}),
)
TRANSPOSE2D_SAMPLES = (
    Sample("basic", (T(2, 4, 4, 5), T(4, 3, 3, 3), T(3))),
    Sample("stride_output_padding", (T(2, 4, 4, 3), T(4, 2, 3, 2), T(2)),
           {"stride": (2, 3), "padding": (1, 0), "output_padding": (1, 2)}),
    Sample("dilation_output_padding", (T(1, 4, 4, 4), T(4, 2, 2, 3), T(2)), {"dilation": 2, "output_padding": 1}),
    Sample("groups2", (T(2, 4, 3, 4), T(4, 3, 3, 2), T(6)), {"groups": 2, "stride": 2, "padding": 1}),
    Sample("unbatched", (T(4, 4, 5), T(4, 3, 3, 3), T(3)), {"stride": 2}),
    Sample("transposed_input", (T(2, 4, 5, 4, layout="transposed"), T(4, 3, 2, 2), T(3))),
)
TRANSPOSE3D_SAMPLES = (
    Sample("basic", (T(1, 3, 3, 4, 3), T(3, 2, 2, 2, 2), T(2))),
    Sample("stride2_padding1_output_padding1", (T(2, 3, 3, 2, 3), T(3, 2, 3, 2, 2), T(2)),
           {"stride": 2, "padding": 1, "output_padding": 1}),
    Sample("groups_dilation", (T(1, 4, 2, 3, 3), T(4, 1, 2, 2, 2), T(2)), {"groups": 2, "dilation": (1, 2, 1)}),
    Sample("unbatched", (T(3, 3, 2, 3), T(3, 2, 2, 2, 2), T(2))),
)
TRANSPOSE_ERRORS = (
    ErrorCase("output_padding_not_smaller", lambda fw, x, w: F(fw).conv_transpose2d(x, w, stride=2, output_padding=2),
              Sample("output_padding2_stride2", (T(1, 4, 3, 3), T(4, 2, 3, 3))), RuntimeError),
    ErrorCase("output_too_small", lambda fw, x, w: F(fw).conv_transpose2d(x, w, padding=3),
              Sample("1x1_padding3", (T(1, 4, 1, 1), T(4, 2, 3, 3))), RuntimeError),
    ErrorCase("input_channels", lambda fw, x, w: F(fw).conv_transpose2d(x, w),
              Sample("3_for_4", (T(1, 3, 3, 3), T(4, 2, 3, 3))), RuntimeError),
    ErrorCase("in_channels_not_divisible_by_groups", lambda fw, x, w: F(fw).conv_transpose2d(x, w, groups=2),
              Sample("3_by_2", (T(1, 3, 3, 3), T(3, 2, 3, 3))), RuntimeError),
    ErrorCase("padding_string", lambda fw, x, w: F(fw).conv_transpose2d(x, w, padding="same"),
              Sample("same", (T(1, 4, 3, 3), T(4, 2, 3, 3))), TypeError),
    ErrorCase("input_rank_4", lambda fw, x, w: F(fw).conv_transpose1d(x, w),
              Sample("input_4d", (T(1, 4, 3, 3), T(4, 2, 3))), RuntimeError),
    ErrorCase("bias_wrong_size", lambda fw, x, w, b: F(fw).conv_transpose2d(x, w, b),
              Sample("bias3_for_2", (T(1, 4, 3, 3), T(4, 2, 3, 3), T(3))), RuntimeError),
)

FUNCTIONAL_TRANSPOSE_SPECS = [
    OpSpec("nn.functional.conv_transpose1d", lambda fw, x, w, b, **kw: F(fw).conv_transpose1d(x, w, b, **kw),
           TRANSPOSE1D_SAMPLES, ALL_FLOATING),
    OpSpec("nn.functional.conv_transpose2d", lambda fw, x, w, b, **kw: F(fw).conv_transpose2d(x, w, b, **kw),
           TRANSPOSE2D_SAMPLES, ALL_FLOATING + ("int64",), errors=TRANSPOSE_ERRORS),
    OpSpec("nn.functional.conv_transpose2d", lambda fw, x, w, **kw: F(fw).conv_transpose2d(x, w, **kw),
           (Sample("stride2", (T(2, 4, 4, 5), T(4, 3, 3, 3)), {"stride": 2}),), ALL_FLOATING, variant="no_bias"),
    OpSpec("nn.functional.conv_transpose3d", lambda fw, x, w, b, **kw: F(fw).conv_transpose3d(x, w, b, **kw),
           TRANSPOSE3D_SAMPLES, ALL_FLOATING),
    *(OpSpec(name, lambda fw, x, w, b, _name=name, **kw: getattr(fw, _name)(x, w, b, **kw), samples,
             ("float32", "float64"))
      for name, samples in (("conv_transpose1d", TRANSPOSE1D_SAMPLES[1:2]),
                            ("conv_transpose2d", TRANSPOSE2D_SAMPLES[1:2]),
                            ("conv_transpose3d", TRANSPOSE3D_SAMPLES[1:2]))),
]


# ================================================================ modules

CONV2D_MODULE_SAMPLES = (Sample("batch", (T(2, 4, 7, 6),)), Sample("unbatched", (T(4, 7, 6),)),
                         Sample("transposed", (T(2, 4, 6, 7, layout="transposed"),)))
CONV2D_MODULES = (
    ("", lambda fw: fw.nn.Conv2d(4, 6, 3)),
    ("stride2_padding1", lambda fw: fw.nn.Conv2d(4, 6, (3, 2), stride=2, padding=1)),
    ("dilation2_groups2_no_bias", lambda fw: fw.nn.Conv2d(4, 2, 3, dilation=2, groups=2, bias=False)),
    ("padding_same_even_kernel", lambda fw: fw.nn.Conv2d(4, 3, (4, 3), padding="same")),
    ("padding_valid", lambda fw: fw.nn.Conv2d(4, 3, 2, padding="valid")),
    ("padding_mode_reflect", lambda fw: fw.nn.Conv2d(4, 3, 3, padding=2, padding_mode="reflect")),
    ("padding_mode_replicate_same", lambda fw: fw.nn.Conv2d(4, 3, (2, 3), padding="same",
                                                            padding_mode="replicate")),
    ("padding_mode_circular_stride2", lambda fw: fw.nn.Conv2d(4, 3, 3, stride=2, padding=(1, 2),
                                                              padding_mode="circular")),
)
CONV3D_MODULES = (
    ("", lambda fw: fw.nn.Conv3d(2, 3, 2)),
    ("stride2_padding_mode_circular", lambda fw: fw.nn.Conv3d(2, 4, (2, 3, 2), stride=2, padding=1, groups=2,
                                                              padding_mode="circular")),
)
CONV3D_MODULE_SAMPLES = (Sample("batch", (T(2, 2, 4, 5, 4),)), Sample("unbatched", (T(2, 4, 5, 4),)))
TRANSPOSE_MODULES = (
    ("nn.ConvTranspose1d", "", lambda fw: fw.nn.ConvTranspose1d(4, 3, 3),
     (Sample("batch", (T(2, 4, 5),)), Sample("unbatched", (T(4, 5),)))),
    ("nn.ConvTranspose1d", "stride2_groups2_dilation2", lambda fw: fw.nn.ConvTranspose1d(
        4, 6, 3, stride=2, padding=1, output_padding=1, groups=2, dilation=2),
     (Sample("batch", (T(2, 4, 5),)),)),
    ("nn.ConvTranspose2d", "", lambda fw: fw.nn.ConvTranspose2d(4, 3, 3),
     (Sample("batch", (T(2, 4, 4, 5),)), Sample("unbatched", (T(4, 4, 5),)))),
    ("nn.ConvTranspose2d", "stride2_padding1_no_bias", lambda fw: fw.nn.ConvTranspose2d(
        4, 2, (3, 2), stride=2, padding=1, output_padding=1, bias=False),
     (Sample("batch", (T(2, 4, 4, 3),)),)),
    ("nn.ConvTranspose3d", "", lambda fw: fw.nn.ConvTranspose3d(3, 2, 2),
     (Sample("batch", (T(1, 3, 3, 4, 3),)), Sample("unbatched", (T(3, 3, 2, 3),)))),
)
MODULE_ERRORS = (
    ErrorCase("in_channels_not_divisible", lambda fw: fw.nn.Conv2d(4, 6, 3, groups=3), Sample("groups3", ()),
              ValueError),
    ErrorCase("same_with_stride", lambda fw: fw.nn.Conv2d(4, 6, 3, stride=2, padding="same"),
              Sample("stride2", ()), ValueError),
    ErrorCase("bad_padding_string", lambda fw: fw.nn.Conv2d(4, 6, 3, padding="full"), Sample("full", ()),
              ValueError),
    ErrorCase("bad_padding_mode", lambda fw: fw.nn.Conv3d(4, 6, 3, padding_mode="mirror"), Sample("mirror", ()),
              ValueError),
    ErrorCase("transposed_reflect", lambda fw: fw.nn.ConvTranspose2d(4, 6, 3, padding_mode="reflect"),
              Sample("reflect", ()), ValueError),
    ErrorCase("wrong_channels", lambda fw, x: fw.nn.Conv2d(4, 6, 3)(x), Sample("5_channels", (T(2, 5, 7, 6),)),
              RuntimeError),
    ErrorCase("reflect_padding_too_large", lambda fw, x: fw.nn.Conv2d(4, 6, 3, padding=4, padding_mode="reflect")(x),
              Sample("4x4", (T(2, 4, 4, 4),)), RuntimeError),
    ErrorCase("output_size_out_of_range", lambda fw, x: fw.nn.ConvTranspose2d(4, 3, 3, stride=2)(x, output_size=[5, 5]),
              Sample("5x5_from_3x3", (T(1, 4, 3, 3),)), ValueError),
    ErrorCase("output_size_length", lambda fw, x: fw.nn.ConvTranspose2d(4, 3, 3, stride=2)(x, output_size=[8]),
              Sample("one_value", (T(1, 4, 3, 3),)), ValueError),
)


def _with_output_size(module, x):
    """ConvTranspose2d(..., stride=2) asked for the larger of its two reachable output sizes."""
    return module(x, output_size=[2 * x.shape[-2] + 2, 2 * x.shape[-1] + 1])


MODULE_SPECS = [
    spec for variant, build in CONV2D_MODULES
    for spec in ModuleSpec("nn.Conv2d", build, CONV2D_MODULE_SAMPLES, ALL_FLOATING, variant=variant,
                           errors=MODULE_ERRORS if not variant else ())
] + [
    spec for variant, build in CONV3D_MODULES
    for spec in ModuleSpec("nn.Conv3d", build, CONV3D_MODULE_SAMPLES, ALL_FLOATING, variant=variant)
] + [
    spec for name, variant, build, samples in TRANSPOSE_MODULES
    for spec in ModuleSpec(name, build, samples, ALL_FLOATING, variant=variant)
] + ModuleSpec("nn.ConvTranspose2d", lambda fw: fw.nn.ConvTranspose2d(4, 3, 3, stride=2),
               (Sample("batch", (T(2, 4, 3, 4),)), Sample("unbatched", (T(4, 3, 4),))), ALL_FLOATING,
               variant="output_size", call=_with_output_size)

SPECS = FUNCTIONAL_CONV_SPECS + FUNCTIONAL_TRANSPOSE_SPECS + MODULE_SPECS
