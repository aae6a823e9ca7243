"""2-d pooling (ops/nn_pool.py, nn/modules/pooling.py): nn.functional.max_pool2d (values and indices),
avg_pool2d, adaptive_avg_pool2d, adaptive_max_pool2d (kind=op) and nn.MaxPool2d, AvgPool2d, AdaptiveAvgPool2d,
AdaptiveMaxPool2d (kind=module), beside torch's OpInfo/ModuleInfo samples: overlapping and strided windows, padding,
dilation, ceil_mode, count_include_pad, divisor_override, unbatched and non-contiguous inputs, every float dtype at
torch's own half tolerances (mtv2 rounds where torch's kernels do), and bad inputs. Max pooling's inputs are
distinct values, so that no window holds a tie (finite differences would straddle it)."""
from conformance.frameworks import FLOATING
from conformance.inputs import Sample, T
from conformance.module_spec import ModuleSpec
from conformance.spec import ErrorCase, OpSpec

ALL_FLOATING = FLOATING                        # float16, bfloat16, float32, float64


def F(fw):
    return fw.nn.functional


def _with_indices(fw, x, *args, **kwargs):
    return F(fw).max_pool2d(x, *args, return_indices=True, **kwargs)


MAX_SAMPLES = (
    Sample("kernel2", (T(2, 3, 6, 8),), {"kernel_size": 2}),
    Sample("kernel3_stride2_padding1", (T(2, 3, 7, 8),), {"kernel_size": 3, "stride": 2, "padding": 1}),
    Sample("overlapping_stride1", (T(1, 2, 5, 6),), {"kernel_size": (3, 2), "stride": 1}),
    Sample("dilation2_ceil_mode", (T(2, 2, 7, 8),), {"kernel_size": 2, "stride": (1, 2), "dilation": 2,
                                                     "ceil_mode": True}),
    Sample("ceil_mode_padding", (T(1, 3, 5, 5),), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    Sample("unbatched", (T(3, 6, 7),), {"kernel_size": 2}),
    Sample("transposed_input", (T(2, 3, 6, 8, layout="transposed"),), {"kernel_size": 2, "stride": 1}),
)
AVG_SAMPLES = (
    Sample("kernel2", (T(2, 3, 6, 8),), {"kernel_size": 2}),
    Sample("kernel3_stride2_padding1", (T(2, 3, 7, 8),), {"kernel_size": 3, "stride": 2, "padding": 1}),
    Sample("exclude_padding_ceil_mode", (T(2, 3, 7, 8),), {"kernel_size": 3, "stride": 2, "padding": 1,
                                                           "count_include_pad": False, "ceil_mode": True}),
    Sample("overlapping_stride1", (T(1, 2, 6, 6),), {"kernel_size": 3, "stride": 1}),
    Sample("divisor_override", (T(2, 3, 6, 7),), {"kernel_size": (2, 3), "stride": (2, 1), "divisor_override": 5}),
    Sample("unbatched", (T(3, 6, 7),), {"kernel_size": 2}),
    Sample("strided_input", (T(2, 3, 6, 8, layout="strided"),), {"kernel_size": 2}),
)
ADAPTIVE_SAMPLES = (
    Sample("overlapping_bins", (T(2, 3, 7, 8),), {"output_size": (3, 5)}),
    Sample("global", (T(2, 3, 5, 6),), {"output_size": 1}),
    Sample("none_keeps_width", (T(2, 2, 7, 5),), {"output_size": (2, None)}),
    Sample("upsampling", (T(1, 2, 3, 2),), {"output_size": (4, 5)}),
    Sample("unbatched", (T(3, 7, 6),), {"output_size": 3}),
    Sample("transposed_input", (T(2, 3, 6, 7, layout="transposed"),), {"output_size": (2, 3)}),
)
POOL_ERRORS = (
    ErrorCase("padding_over_half_kernel", lambda fw, x: F(fw).max_pool2d(x, 3, padding=2),
              Sample("kernel3_padding2", (T(2, 3, 5, 5),)), RuntimeError),
    ErrorCase("output_too_small", lambda fw, x: F(fw).max_pool2d(x, 2), Sample("1x1", (T(2, 3, 1, 1),)), RuntimeError),
    ErrorCase("stride_zero", lambda fw, x: F(fw).max_pool2d(x, 2, stride=0), Sample("stride0", (T(2, 3, 5, 5),)),
              RuntimeError),
    ErrorCase("kernel_three_values", lambda fw, x: F(fw).max_pool2d(x, (2, 2, 2)), Sample("k3", (T(2, 3, 5, 5),)),
              RuntimeError),
    ErrorCase("input_2d", lambda fw, x: F(fw).max_pool2d(x, 2), Sample("2d", (T(5, 5),)), RuntimeError),
    ErrorCase("bool_input", lambda fw, x: F(fw).max_pool2d(x > 0, 2), Sample("bool", (T(2, 3, 4, 4),)),
              NotImplementedError),
)
AVG_ERRORS = (
    ErrorCase("padding_over_half_kernel", lambda fw, x: F(fw).avg_pool2d(x, 3, padding=2),
              Sample("kernel3_padding2", (T(2, 3, 5, 5),)), RuntimeError),
    ErrorCase("divisor_zero", lambda fw, x: F(fw).avg_pool2d(x, 2, divisor_override=0),
              Sample("divisor0", (T(2, 3, 5, 5),)), RuntimeError),
    ErrorCase("output_too_small", lambda fw, x: F(fw).avg_pool2d(x, 2), Sample("1x1", (T(2, 3, 1, 1),)), RuntimeError),
)
ADAPTIVE_ERRORS = (
    ErrorCase("input_2d", lambda fw, x: F(fw).adaptive_avg_pool2d(x, 2), Sample("2d", (T(3, 4),)), RuntimeError),
    ErrorCase("output_size_three_values", lambda fw, x: F(fw).adaptive_avg_pool2d(x, (2, 2, 2)),
              Sample("three", (T(2, 3, 4, 4),)), RuntimeError),
    ErrorCase("max_input_2d", lambda fw, x: F(fw).adaptive_max_pool2d(x, 2), Sample("2d", (T(3, 4),)), RuntimeError),
    ErrorCase("integer_input", lambda fw, x: F(fw).adaptive_avg_pool2d(x.long(), 2), Sample("long", (T(2, 3, 4, 4),)),
              NotImplementedError),
)

FUNCTIONAL_SPECS = [
    OpSpec("nn.functional.max_pool2d", lambda fw, x, **kw: F(fw).max_pool2d(x, **kw), MAX_SAMPLES,
           ALL_FLOATING + ("int64",), domain="distinct", errors=POOL_ERRORS),
    OpSpec("nn.functional.max_pool2d", _with_indices, MAX_SAMPLES[:4], ALL_FLOATING, variant="return_indices",
           domain="distinct"),
    # torch.max_pool2d: the values only, stride=[] meaning the kernel size
    OpSpec("max_pool2d", lambda fw, x, **kw: fw.max_pool2d(x, **kw), MAX_SAMPLES[1:2] + (
        Sample("stride_omitted", (T(2, 3, 6, 8),), {"kernel_size": 2, "stride": []}),), ("float32", "float64"),
           domain="distinct"),
    OpSpec("nn.functional.avg_pool2d", lambda fw, x, **kw: F(fw).avg_pool2d(x, **kw), AVG_SAMPLES, ALL_FLOATING,
           errors=AVG_ERRORS),
    OpSpec("nn.functional.adaptive_avg_pool2d", lambda fw, x, **kw: F(fw).adaptive_avg_pool2d(x, **kw),
           ADAPTIVE_SAMPLES, ALL_FLOATING, errors=ADAPTIVE_ERRORS),
    OpSpec("nn.functional.adaptive_max_pool2d",
           lambda fw, x, **kw: F(fw).adaptive_max_pool2d(x, return_indices=True, **kw), ADAPTIVE_SAMPLES,
           ALL_FLOATING, domain="distinct"),
]

MODULE_SAMPLES = (Sample("batch", (T(2, 3, 7, 6),)), Sample("unbatched", (T(3, 7, 6),)))
MODULE_SPECS = [
    *ModuleSpec("nn.MaxPool2d", lambda fw: fw.nn.MaxPool2d(3, stride=2, padding=1), MODULE_SAMPLES, ALL_FLOATING,
                domain="distinct"),
    *ModuleSpec("nn.MaxPool2d", lambda fw: fw.nn.MaxPool2d(2, return_indices=True, ceil_mode=True), MODULE_SAMPLES,
                ALL_FLOATING, variant="return_indices_ceil_mode", domain="distinct"),
    *ModuleSpec("nn.AvgPool2d", lambda fw: fw.nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False),
                MODULE_SAMPLES, ALL_FLOATING),
    *ModuleSpec("nn.AdaptiveAvgPool2d", lambda fw: fw.nn.AdaptiveAvgPool2d((3, 2)), MODULE_SAMPLES, ALL_FLOATING),
    *ModuleSpec("nn.AdaptiveMaxPool2d", lambda fw: fw.nn.AdaptiveMaxPool2d((3, None), return_indices=True),
                MODULE_SAMPLES, ALL_FLOATING, domain="distinct"),
]

SPECS = FUNCTIONAL_SPECS + MODULE_SPECS
