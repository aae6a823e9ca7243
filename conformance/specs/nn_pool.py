"""Pooling over 1, 2 and 3 spatial dims (ops/nn_pool.py, nn/modules/pooling.py): nn.functional.max_pool1d/2d/3d
(values and indices), avg_pool1d/2d/3d, lp_pool1d/2d/3d, max_unpool1d/2d/3d (kind=op) and their layers (kind=module),
beside torch's OpInfo/ModuleInfo samples: overlapping and strided windows, padding, dilation, ceil_mode,
count_include_pad, divisor_override, unbatched and non-contiguous inputs, every float dtype at torch's own half
tolerances (mtv2 rounds where torch's kernels do), and bad inputs. Max pooling's inputs are distinct values, so that
no window holds a tie (finite differences would straddle it). Adaptive and fractional pooling: nn_pool_adaptive.py."""
import numpy as np

from conformance.frameworks import FLOATING
from conformance.inputs import Sample, T
from conformance.module_spec import ModuleSpec
from conformance.spec import HALF_PRECISION_BACKWARD, ErrorCase, OpSpec, Tolerance

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
MAX1D_SAMPLES = (
    Sample("kernel2", (T(2, 3, 9),), {"kernel_size": 2}),
    Sample("kernel3_stride2_padding1", (T(2, 3, 10),), {"kernel_size": 3, "stride": 2, "padding": 1}),
    Sample("dilation2_ceil_mode", (T(2, 2, 11),), {"kernel_size": 2, "stride": 2, "dilation": 2, "ceil_mode": True}),
    Sample("unbatched", (T(3, 8),), {"kernel_size": (3,), "stride": (1,)}),
    Sample("transposed_input", (T(2, 3, 8, layout="transposed"),), {"kernel_size": 2, "stride": 1}),
)
MAX3D_SAMPLES = (
    Sample("kernel2", (T(2, 2, 4, 5, 6),), {"kernel_size": 2}),
    Sample("kernel3_stride2_padding1", (T(1, 2, 5, 6, 7),), {"kernel_size": 3, "stride": 2, "padding": 1}),
    Sample("anisotropic_dilation_ceil_mode", (T(1, 2, 5, 7, 6),), {"kernel_size": (2, 3, 2), "stride": (1, 2, 2),
                                                                  "dilation": (2, 1, 1), "ceil_mode": True}),
    Sample("unbatched", (T(2, 4, 5, 6),), {"kernel_size": 2, "stride": 1}),
    Sample("strided_input", (T(1, 2, 4, 6, 6, layout="strided"),), {"kernel_size": 2}),
)
AVG1D_SAMPLES = (
    Sample("kernel2", (T(2, 3, 9),), {"kernel_size": 2}),
    Sample("kernel3_stride2_padding1", (T(2, 3, 10),), {"kernel_size": 3, "stride": 2, "padding": 1}),
    Sample("exclude_padding_ceil_mode", (T(2, 3, 10),), {"kernel_size": 3, "stride": 2, "padding": 1,
                                                         "count_include_pad": False, "ceil_mode": True}),
    Sample("unbatched", (T(3, 8),), {"kernel_size": (3,), "stride": (1,)}),
    Sample("transposed_input", (T(2, 3, 8, layout="transposed"),), {"kernel_size": 2, "stride": 1}),
)
AVG3D_SAMPLES = (
    Sample("kernel2", (T(2, 2, 4, 5, 6),), {"kernel_size": 2}),
    Sample("kernel3_stride2_padding1", (T(1, 2, 5, 6, 7),), {"kernel_size": 3, "stride": 2, "padding": 1}),
    Sample("exclude_padding_ceil_mode", (T(1, 2, 5, 6, 7),), {"kernel_size": 3, "stride": 2, "padding": 1,
                                                              "count_include_pad": False, "ceil_mode": True}),
    Sample("divisor_override", (T(1, 2, 4, 5, 6),), {"kernel_size": (2, 3, 2), "stride": (2, 1, 2),
                                                     "divisor_override": 5}),
    Sample("unbatched", (T(2, 4, 5, 6),), {"kernel_size": 2, "stride": 1}),
    Sample("strided_input", (T(1, 2, 4, 6, 6, layout="strided"),), {"kernel_size": 2}),
)
NN_ERRORS = (
    ErrorCase("max1d_padding_over_half_kernel", lambda fw, x: F(fw).max_pool1d(x, 3, padding=2),
              Sample("kernel3_padding2", (T(2, 3, 8),)), RuntimeError),
    ErrorCase("max1d_kernel_two_values", lambda fw, x: F(fw).max_pool1d(x, (2, 2)), Sample("k2", (T(2, 3, 8),)),
              RuntimeError),
    ErrorCase("max1d_input_4d", lambda fw, x: F(fw).max_pool1d(x, 2), Sample("4d", (T(1, 2, 3, 4),)), RuntimeError),
    ErrorCase("max1d_output_too_small", lambda fw, x: F(fw).max_pool1d(x, 3), Sample("w2", (T(2, 3, 2),)),
              RuntimeError),
    ErrorCase("max1d_integer_input", lambda fw, x: F(fw).max_pool1d(x.long(), 2), Sample("long", (T(2, 3, 8),)),
              NotImplementedError),
    ErrorCase("max1d_indices_kernel_two_values", lambda fw, x: F(fw).max_pool1d(x, (2, 2), return_indices=True),
              Sample("k2", (T(2, 3, 8),)), RuntimeError),
    ErrorCase("max3d_padding_over_half_kernel", lambda fw, x: F(fw).max_pool3d(x, 3, padding=2),
              Sample("kernel3_padding2", (T(1, 2, 5, 5, 5),)), RuntimeError),
    ErrorCase("max3d_input_3d", lambda fw, x: F(fw).max_pool3d(x, 2), Sample("3d", (T(3, 4, 4),)), RuntimeError),
    ErrorCase("max3d_kernel_two_values", lambda fw, x: F(fw).max_pool3d(x, (2, 2)), Sample("k2", (T(1, 2, 4, 4, 4),)),
              RuntimeError),
    ErrorCase("max3d_output_too_small", lambda fw, x: F(fw).max_pool3d(x, 2), Sample("1x1x1", (T(1, 2, 1, 1, 1),)),
              RuntimeError),
    ErrorCase("max3d_bool_input", lambda fw, x: F(fw).max_pool3d(x > 0, 2), Sample("bool", (T(1, 2, 4, 4, 4),)),
              NotImplementedError),
    ErrorCase("avg1d_input_4d", lambda fw, x: F(fw).avg_pool1d(x, 2), Sample("4d", (T(1, 2, 3, 4),)), RuntimeError),
    ErrorCase("avg1d_padding_over_half_kernel", lambda fw, x: F(fw).avg_pool1d(x, 3, padding=2),
              Sample("kernel3_padding2", (T(2, 3, 8),)), RuntimeError),
    ErrorCase("avg3d_input_smaller_than_kernel", lambda fw, x: F(fw).avg_pool3d(x, 3, padding=1),
              Sample("depth2_kernel3", (T(1, 2, 2, 5, 5),)), RuntimeError),
    ErrorCase("avg3d_divisor_zero", lambda fw, x: F(fw).avg_pool3d(x, 2, divisor_override=0),
              Sample("divisor0", (T(1, 2, 4, 4, 4),)), RuntimeError),
    ErrorCase("avg3d_half_input", lambda fw, x: F(fw).avg_pool3d(x.half(), 2), Sample("half", (T(1, 2, 4, 4, 4),)),
              NotImplementedError),
)

# lp_pool: torch's composite of pow, avg_pool, sign, relu, abs, mul and pow; positive inputs keep every window's power
# sum away from 0, where the root's derivative is infinite
LP_SAMPLES = (
    Sample("p2_kernel3_stride2", (T(2, 3, 10),), {"norm_type": 2, "kernel_size": 3, "stride": 2}, ("1d",)),
    Sample("p1.5_ceil_mode", (T(2, 3, 9),), {"norm_type": 1.5, "kernel_size": 2, "ceil_mode": True}, ("1d",)),
)
LP_POWER_BACKWARD = (Tolerance(atol=2e-2, rtol=0.1, reason="half-precision backward of the composite's pow (pow is in "
                               "HALF_BACKWARD_WIDENED): torch rounds its derivative's intermediates to the half type, "
                               "mtv2 rounds once", dtypes=("float16", "bfloat16"), checks=("backward",)),)


def _lp_samples(dims):
    shapes = {1: ((2, 3, 10), (3, 9)), 2: ((2, 3, 7, 8), (3, 6, 7)), 3: ((1, 2, 5, 6, 7), (2, 4, 5, 6))}[dims]
    return (Sample("p2_kernel3_stride2", (T(*shapes[0], domain="positive"),),
                   {"norm_type": 2, "kernel_size": 3, "stride": 2}),
            Sample("p1.5_ceil_mode", (T(*shapes[0], domain="positive"),),
                   {"norm_type": 1.5, "kernel_size": 2, "ceil_mode": True}),
            Sample("p3_unbatched", (T(*shapes[1], domain="positive"),), {"norm_type": 3, "kernel_size": 2,
                                                                          "stride": 1}),
            Sample("p_inf", (T(*shapes[0]),), {"norm_type": float("inf"), "kernel_size": 2}))


def _unpool(dims):
    """max_pool with indices, then max_unpool back to the input's size (the default or an explicit output_size):
    the gradient runs through the unpooling's gather and the pooling's scatter. Windows do not overlap: where two
    share a maximum, unpooling keeps one write but its derivative (torch's too) gathers for both, which finite
    differences refute."""
    def unpool(fw, x, kernel_size, stride=None, padding=0, output_size=None):
        pool, unpool = getattr(F(fw), f"max_pool{dims}d"), getattr(F(fw), f"max_unpool{dims}d")
        values, indices = pool(x, kernel_size, stride, padding, return_indices=True)
        return unpool(values * 2, indices, kernel_size, stride, padding, output_size=output_size)
    return unpool


UNPOOL_SAMPLES = {
    1: (Sample("kernel2", (T(2, 3, 8),), {"kernel_size": 2}),
        Sample("kernel3_output_size", (T(2, 3, 11),), {"kernel_size": 3, "output_size": [10]}),
        Sample("unbatched", (T(3, 8),), {"kernel_size": 2})),
    2: (Sample("kernel2", (T(2, 3, 6, 8),), {"kernel_size": 2}),
        Sample("kernel3_padding1", (T(1, 2, 7, 8),), {"kernel_size": 3, "padding": 1, "output_size": (7, 8)}),
        Sample("unbatched", (T(3, 6, 8),), {"kernel_size": 2}),
        Sample("transposed_input", (T(2, 3, 6, 8, layout="transposed"),), {"kernel_size": 2})),
    3: (Sample("kernel2", (T(1, 2, 4, 6, 6),), {"kernel_size": 2}),
        Sample("kernel2_output_size", (T(1, 2, 5, 6, 7),), {"kernel_size": 2, "output_size": (1, 2, 5, 6, 7)}),
        Sample("unbatched", (T(2, 4, 4, 6),), {"kernel_size": 2})),
}
def _unpool_indices(shape, dims):
    """Valid indices for a kernel-2 unpooling of `shape`: each element at one position of its window in the doubled
    output, a fixed choice per element (the same in both frameworks)."""
    choice = np.random.default_rng(0).integers(0, 2, (dims, *shape))
    spatial = shape[-dims:]
    flat = np.zeros(shape, np.int64)
    for axis in range(dims):
        along = (2 * np.arange(spatial[axis])).reshape([-1 if d == axis else 1 for d in range(dims)])
        flat += (along + choice[axis]) * int(np.prod([2 * n for n in spatial[axis + 1:]]))
    return flat


def _unpool_call(dims):
    return lambda module, x: module(x, x.new_tensor(_unpool_indices(tuple(x.shape), dims)).long())


UNPOOL_ERRORS = (
    ErrorCase("indices_int32", lambda fw, x: F(fw).max_unpool2d(x, fw.zeros(x.shape, dtype=fw.int32), 2),
              Sample("int32", (T(2, 3, 4, 4),)), RuntimeError),
    ErrorCase("index_out_of_range", lambda fw, x: F(fw).max_unpool2d(x, fw.full(x.shape, 100), 2),
              Sample("index100", (T(2, 3, 4, 4),)), RuntimeError),
    ErrorCase("indices_shape", lambda fw, x: F(fw).max_unpool2d(x, fw.zeros((2, 3, 4, 3), dtype=fw.int64), 2),
              Sample("shape", (T(2, 3, 4, 4),)), RuntimeError),
    ErrorCase("input_2d", lambda fw, x: F(fw).max_unpool2d(x, fw.zeros(x.shape, dtype=fw.int64), 2),
              Sample("2d", (T(4, 4),)), RuntimeError),
    ErrorCase("output_size_out_of_range", lambda fw, x: F(fw).max_unpool1d(x, fw.zeros(x.shape, dtype=fw.int64), 2,
                                                                          output_size=[20]),
              Sample("20", (T(3, 4),)), ValueError),
    ErrorCase("integer_input", lambda fw, x: F(fw).max_unpool2d(x.long(), fw.zeros(x.shape, dtype=fw.int64), 2),
              Sample("long", (T(2, 3, 4, 4),)), NotImplementedError),
    ErrorCase("3d_index_out_of_range", lambda fw, x: F(fw).max_unpool3d(x, fw.full(x.shape, 1000), 2),
              Sample("index1000", (T(1, 2, 4, 4, 4),)), RuntimeError),
    ErrorCase("3d_input_3d", lambda fw, x: F(fw).max_unpool3d(x, fw.zeros(x.shape, dtype=fw.int64), 2),
              Sample("3d", (T(3, 4, 4),)), RuntimeError),
    ErrorCase("3d_stride_zero", lambda fw, x: F(fw).max_unpool3d(x, fw.zeros(x.shape, dtype=fw.int64), 2, stride=0),
              Sample("stride0", (T(1, 2, 4, 4, 4),)), RuntimeError),
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
    OpSpec("nn.functional.max_pool1d", lambda fw, x, **kw: F(fw).max_pool1d(x, **kw), MAX1D_SAMPLES, ALL_FLOATING,
           domain="distinct", errors=NN_ERRORS),
    OpSpec("nn.functional.max_pool1d", lambda fw, x, **kw: F(fw).max_pool1d(x, return_indices=True, **kw),
           MAX1D_SAMPLES, ALL_FLOATING + ("int64",), variant="return_indices", domain="distinct"),
    OpSpec("nn.functional.max_pool3d", lambda fw, x, **kw: F(fw).max_pool3d(x, **kw), MAX3D_SAMPLES,
           ALL_FLOATING + ("int64",), domain="distinct"),
    OpSpec("nn.functional.max_pool3d", lambda fw, x, **kw: F(fw).max_pool3d(x, return_indices=True, **kw),
           MAX3D_SAMPLES[:3], ALL_FLOATING, variant="return_indices", domain="distinct"),
    OpSpec("nn.functional.avg_pool1d", lambda fw, x, **kw: F(fw).avg_pool1d(x, **kw), AVG1D_SAMPLES,
           ALL_FLOATING + ("int64",)),
    # torch's avg_pool3d has no half kernel on CPU: those rows check that both refuse
    OpSpec("nn.functional.avg_pool3d", lambda fw, x, **kw: F(fw).avg_pool3d(x, **kw), AVG3D_SAMPLES,
           ALL_FLOATING + ("int64",)),
    # torch.max_pool1d / max_pool3d / avg_pool1d / max_pool1d_with_indices: stride=[] meaning the kernel size
    OpSpec("max_pool1d", lambda fw, x, **kw: fw.max_pool1d(x, **kw), MAX1D_SAMPLES[1:2] + (
        Sample("stride_omitted", (T(2, 3, 9),), {"kernel_size": 2, "stride": []}),), ("float32", "float64"),
           domain="distinct"),
    OpSpec("max_pool1d_with_indices", lambda fw, x, **kw: fw.max_pool1d_with_indices(x, **kw), MAX1D_SAMPLES[1:2],
           ("float32", "float64"), domain="distinct"),
    OpSpec("max_pool3d", lambda fw, x, **kw: fw.max_pool3d(x, **kw), MAX3D_SAMPLES[1:2], ("float32", "float64"),
           domain="distinct"),
    OpSpec("avg_pool1d", lambda fw, x, **kw: fw.avg_pool1d(x, **kw), AVG1D_SAMPLES[1:2], ("float32", "float64")),
    *(OpSpec(f"nn.functional.lp_pool{dims}d", lambda fw, x, dims=dims, **kw: getattr(F(fw), f"lp_pool{dims}d")(x, **kw),
             _lp_samples(dims), ALL_FLOATING, domain="distinct", tolerances=LP_POWER_BACKWARD) for dims in (1, 2, 3)),
    *(OpSpec(f"nn.functional.max_unpool{dims}d", _unpool(dims), UNPOOL_SAMPLES[dims], ALL_FLOATING, domain="distinct",
             errors=UNPOOL_ERRORS if dims == 2 else ()) for dims in (1, 2, 3)),
]

MODULE_SAMPLES = (Sample("batch", (T(2, 3, 7, 6),)), Sample("unbatched", (T(3, 7, 6),)))
MODULE_SAMPLES_1D = (Sample("batch", (T(2, 3, 9),)), Sample("unbatched", (T(3, 9),)))
MODULE_SAMPLES_3D = (Sample("batch", (T(2, 2, 5, 6, 7),)), Sample("unbatched", (T(2, 5, 6, 7),)))
MODULE_SPECS = [
    *ModuleSpec("nn.MaxPool2d", lambda fw: fw.nn.MaxPool2d(3, stride=2, padding=1), MODULE_SAMPLES, ALL_FLOATING,
                domain="distinct"),
    *ModuleSpec("nn.MaxPool2d", lambda fw: fw.nn.MaxPool2d(2, return_indices=True, ceil_mode=True), MODULE_SAMPLES,
                ALL_FLOATING, variant="return_indices_ceil_mode", domain="distinct"),
    *ModuleSpec("nn.AvgPool2d", lambda fw: fw.nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False),
                MODULE_SAMPLES, ALL_FLOATING),
    *ModuleSpec("nn.MaxPool1d", lambda fw: fw.nn.MaxPool1d(3, stride=2, padding=1, return_indices=True),
                MODULE_SAMPLES_1D, ALL_FLOATING, domain="distinct"),
    *ModuleSpec("nn.MaxPool3d", lambda fw: fw.nn.MaxPool3d(2, stride=(1, 2, 2), ceil_mode=True), MODULE_SAMPLES_3D,
                ALL_FLOATING, domain="distinct"),
    *ModuleSpec("nn.AvgPool1d", lambda fw: fw.nn.AvgPool1d(3, stride=2, padding=1, count_include_pad=False),
                MODULE_SAMPLES_1D, ALL_FLOATING),
    *ModuleSpec("nn.AvgPool3d", lambda fw: fw.nn.AvgPool3d(3, stride=2, padding=1, divisor_override=4),
                MODULE_SAMPLES_3D, ("float32", "float64")),
    *ModuleSpec("nn.LPPool1d", lambda fw: fw.nn.LPPool1d(2, 3, stride=2), MODULE_SAMPLES_1D, ALL_FLOATING,
                domain="positive", tolerances=LP_POWER_BACKWARD),
    *ModuleSpec("nn.LPPool2d", lambda fw: fw.nn.LPPool2d(1.5, (2, 3), ceil_mode=True), MODULE_SAMPLES, ALL_FLOATING,
                domain="positive", tolerances=LP_POWER_BACKWARD),
    *ModuleSpec("nn.LPPool3d", lambda fw: fw.nn.LPPool3d(2, 2, stride=1), MODULE_SAMPLES_3D, ALL_FLOATING,
                domain="positive", tolerances=LP_POWER_BACKWARD),
    *(spec for dims, samples in ((1, MODULE_SAMPLES_1D), (2, MODULE_SAMPLES), (3, MODULE_SAMPLES_3D))
      for spec in ModuleSpec(f"nn.MaxUnpool{dims}d", lambda fw, dims=dims: getattr(fw.nn, f"MaxUnpool{dims}d")(2),
                             samples, ALL_FLOATING, call=_unpool_call(dims))),
]

SPECS = FUNCTIONAL_SPECS + MODULE_SPECS
