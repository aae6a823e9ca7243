"""Adaptive and fractional pooling (ops/nn_pool_adaptive.py, nn/modules/pooling.py): nn.functional.adaptive_avg_pool1d/
2d/3d, adaptive_max_pool1d/2d/3d (values and indices), fractional_max_pool2d/3d (kind=op) and their layers
(kind=module), beside torch's OpInfo/ModuleInfo samples: overlapping bins, upsampling, None sizes, unbatched and
non-contiguous inputs, every float dtype (torch's 3-d average sums in the half type, mtv2 too), bad inputs. Fractional
pooling's random intervals come from explicit `_random_samples` or from torch's default generator, seeded alike in
both frameworks. Max pooling's inputs are distinct values, so that no window holds a tie."""
from conformance.frameworks import FLOATING
from conformance.inputs import Sample, T
from conformance.module_spec import ModuleSpec
from conformance.spec import ErrorCase, OpSpec

ALL_FLOATING = FLOATING                        # float16, bfloat16, float32, float64


def F(fw):
    return fw.nn.functional


ADAPTIVE_SAMPLES = (
    Sample("overlapping_bins", (T(2, 3, 7, 8),), {"output_size": (3, 5)}),
    Sample("global", (T(2, 3, 5, 6),), {"output_size": 1}),
    Sample("none_keeps_width", (T(2, 2, 7, 5),), {"output_size": (2, None)}),
    Sample("upsampling", (T(1, 2, 3, 2),), {"output_size": (4, 5)}),
    Sample("unbatched", (T(3, 7, 6),), {"output_size": 3}),
    Sample("transposed_input", (T(2, 3, 6, 7, layout="transposed"),), {"output_size": (2, 3)}),
)
ADAPTIVE1D_SAMPLES = (
    Sample("overlapping_bins", (T(2, 3, 7),), {"output_size": 3}),
    Sample("global", (T(2, 3, 6),), {"output_size": (1,)}),
    Sample("upsampling", (T(1, 2, 3),), {"output_size": 5}),
    Sample("unbatched", (T(3, 8),), {"output_size": 3}),
    Sample("transposed_input", (T(2, 3, 7, layout="transposed"),), {"output_size": 4}),
)
ADAPTIVE3D_SAMPLES = (
    Sample("overlapping_bins", (T(1, 2, 5, 7, 6),), {"output_size": (2, 3, 4)}),
    Sample("global", (T(2, 2, 3, 4, 5),), {"output_size": 1}),
    Sample("none_keeps_depth", (T(1, 2, 4, 5, 6),), {"output_size": (None, 2, 3)}),
    Sample("upsampling", (T(1, 2, 2, 3, 2),), {"output_size": (3, 4, 3)}),
    Sample("unbatched", (T(2, 5, 6, 7),), {"output_size": 3}),
    Sample("strided_input", (T(1, 2, 4, 6, 6, layout="strided"),), {"output_size": (2, 2, 3)}),
)
ADAPTIVE_ERRORS = (
    ErrorCase("input_2d", lambda fw, x: F(fw).adaptive_avg_pool2d(x, 2), Sample("2d", (T(3, 4),)), RuntimeError),
    ErrorCase("output_size_three_values", lambda fw, x: F(fw).adaptive_avg_pool2d(x, (2, 2, 2)),
              Sample("three", (T(2, 3, 4, 4),)), RuntimeError),
    ErrorCase("max_input_2d", lambda fw, x: F(fw).adaptive_max_pool2d(x, 2), Sample("2d", (T(3, 4),)), RuntimeError),
    ErrorCase("integer_input", lambda fw, x: F(fw).adaptive_avg_pool2d(x.long(), 2), Sample("long", (T(2, 3, 4, 4),)),
              NotImplementedError),
)
ADAPTIVE_ND_ERRORS = (
    ErrorCase("1d_input_4d", lambda fw, x: F(fw).adaptive_avg_pool1d(x, 2), Sample("4d", (T(1, 2, 3, 4),)),
              RuntimeError),
    ErrorCase("1d_output_size_two_values", lambda fw, x: F(fw).adaptive_max_pool1d(x, (2, 2)),
              Sample("two", (T(2, 3, 6),)), RuntimeError),
    ErrorCase("1d_negative_output_size", lambda fw, x: F(fw).adaptive_avg_pool1d(x, -1), Sample("neg", (T(2, 3, 6),)),
              RuntimeError),
    ErrorCase("1d_integer_input", lambda fw, x: F(fw).adaptive_max_pool1d(x.long(), 2),
              Sample("long", (T(2, 3, 6),)), NotImplementedError),
    ErrorCase("3d_input_3d", lambda fw, x: F(fw).adaptive_avg_pool3d(x, 2), Sample("3d", (T(3, 4, 5),)), RuntimeError),
    ErrorCase("3d_max_input_3d", lambda fw, x: F(fw).adaptive_max_pool3d(x, 2), Sample("3d", (T(3, 4, 5),)),
              RuntimeError),
    ErrorCase("3d_output_size_two_values", lambda fw, x: F(fw).adaptive_avg_pool3d(x, (2, 2)),
              Sample("two", (T(1, 2, 3, 4, 5),)), RuntimeError),
    ErrorCase("3d_output_size_four_values", lambda fw, x: F(fw).adaptive_max_pool3d(x, (2, 2, 2, 2)),
              Sample("four", (T(1, 2, 3, 4, 5),)), RuntimeError),
    ErrorCase("3d_negative_output_size", lambda fw, x: F(fw).adaptive_max_pool3d(x, (2, -1, 2)),
              Sample("neg", (T(1, 2, 3, 4, 5),)), RuntimeError),
    ErrorCase("3d_empty_channels", lambda fw, x: F(fw).adaptive_avg_pool3d(x[:, :0], 2),
              Sample("c0", (T(2, 3, 3, 3, 3),)), RuntimeError),
    ErrorCase("3d_integer_input", lambda fw, x: F(fw).adaptive_avg_pool3d(x.long(), 2),
              Sample("long", (T(1, 2, 3, 4, 5),)), NotImplementedError),
)

# fractional max pooling: fixed samples per (batch, channel, dim), in (0, 1) like torch.rand's
SAMPLES_2D = [[[0.1, 0.7], [0.45, 0.05], [0.9, 0.35]], [[0.6, 0.2], [0.3, 0.8], [0.55, 0.95]]]
SAMPLES_3D = [[[0.1, 0.7, 0.4], [0.45, 0.05, 0.8]], [[0.6, 0.2, 0.95], [0.3, 0.8, 0.15]]]


def _fractional(dims, seeded):
    """fractional_max_pool{dims}d with indices; its samples fixed, or drawn by the seeded default generator."""
    def pool(fw, x, **kwargs):
        if seeded:
            fw.manual_seed(5)
        else:
            samples = SAMPLES_2D if dims == 2 else SAMPLES_3D
            kwargs["_random_samples"] = fw.tensor(samples, dtype=x.dtype)[:x.shape[0] if x.dim() == dims + 2 else 1]
        return getattr(F(fw), f"fractional_max_pool{dims}d")(x, return_indices=True, **kwargs)
    return pool


FRACTIONAL2D_SAMPLES = (
    Sample("kernel2_output5", (T(2, 3, 9, 11),), {"kernel_size": 2, "output_size": 5}),
    Sample("kernel3_output_4x6", (T(2, 3, 10, 12),), {"kernel_size": (3, 2), "output_size": (4, 6)}),
    Sample("output_ratio", (T(2, 3, 10, 8),), {"kernel_size": 2, "output_ratio": (0.5, 0.75)}),
    Sample("output1", (T(2, 3, 5, 5),), {"kernel_size": 2, "output_size": 1}),
    Sample("unbatched", (T(3, 9, 7),), {"kernel_size": 2, "output_size": (4, 3)}),
    Sample("transposed_input", (T(2, 3, 8, 9, layout="transposed"),), {"kernel_size": 2, "output_size": 4}),
)
FRACTIONAL3D_SAMPLES = (
    Sample("kernel2_output3", (T(2, 2, 6, 7, 8),), {"kernel_size": 2, "output_size": 3}),
    Sample("kernel_232_output_ratio", (T(2, 2, 8, 9, 6),), {"kernel_size": (2, 3, 2), "output_ratio": 0.5}),
    Sample("unbatched", (T(2, 6, 5, 7),), {"kernel_size": 2, "output_size": (3, 2, 4)}),
)
FRACTIONAL_ERRORS = (
    ErrorCase("no_output_size", lambda fw, x: F(fw).fractional_max_pool2d(x, 2), Sample("none", (T(2, 3, 8, 8),)),
              ValueError),
    ErrorCase("pool_too_large", lambda fw, x: F(fw).fractional_max_pool2d(x, 4, output_size=6),
              Sample("k4_out6", (T(2, 3, 8, 8),)), RuntimeError),
    ErrorCase("samples_dtype", lambda fw, x: F(fw).fractional_max_pool2d(
        x, 2, output_size=3, _random_samples=fw.full((2, 3, 2), 0.5, dtype=fw.float64)),
              Sample("float64_samples", (T(2, 3, 8, 8),)), RuntimeError),
    ErrorCase("samples_three_per_plane", lambda fw, x: F(fw).fractional_max_pool2d(
        x, 2, output_size=3, _random_samples=fw.full((2, 3, 3), 0.5)), Sample("three", (T(2, 3, 8, 8),)),
              RuntimeError),
    ErrorCase("kernel_three_values", lambda fw, x: F(fw).fractional_max_pool2d(x, (2, 2, 2), output_size=3),
              Sample("k3", (T(2, 3, 8, 8),)), RuntimeError),
    ErrorCase("input_2d", lambda fw, x: F(fw).fractional_max_pool2d(x, 2, output_size=3), Sample("2d", (T(8, 8),)),
              IndexError),
    ErrorCase("3d_pool_too_large", lambda fw, x: F(fw).fractional_max_pool3d(x, 4, output_size=6),
              Sample("k4_out6", (T(1, 2, 8, 8, 8),)), RuntimeError),
    ErrorCase("3d_bool_input", lambda fw, x: F(fw).fractional_max_pool3d(x > 0, 2, output_size=3),
              Sample("bool", (T(1, 2, 8, 8, 8),)), NotImplementedError),
)

FUNCTIONAL_SPECS = [
    OpSpec("nn.functional.adaptive_avg_pool2d", lambda fw, x, **kw: F(fw).adaptive_avg_pool2d(x, **kw),
           ADAPTIVE_SAMPLES, ALL_FLOATING, errors=ADAPTIVE_ERRORS),
    OpSpec("nn.functional.adaptive_max_pool2d",
           lambda fw, x, **kw: F(fw).adaptive_max_pool2d(x, return_indices=True, **kw), ADAPTIVE_SAMPLES,
           ALL_FLOATING, domain="distinct"),
    OpSpec("nn.functional.adaptive_avg_pool1d", lambda fw, x, **kw: F(fw).adaptive_avg_pool1d(x, **kw),
           ADAPTIVE1D_SAMPLES, ALL_FLOATING, errors=ADAPTIVE_ND_ERRORS),
    OpSpec("nn.functional.adaptive_max_pool1d",
           lambda fw, x, **kw: F(fw).adaptive_max_pool1d(x, return_indices=True, **kw), ADAPTIVE1D_SAMPLES,
           ALL_FLOATING, domain="distinct"),
    OpSpec("nn.functional.adaptive_avg_pool3d", lambda fw, x, **kw: F(fw).adaptive_avg_pool3d(x, **kw),
           ADAPTIVE3D_SAMPLES, ALL_FLOATING),
    OpSpec("nn.functional.adaptive_max_pool3d",
           lambda fw, x, **kw: F(fw).adaptive_max_pool3d(x, return_indices=True, **kw), ADAPTIVE3D_SAMPLES,
           ALL_FLOATING, domain="distinct"),
    # torch.adaptive_avg_pool1d / adaptive_max_pool1d (the latter always with indices)
    OpSpec("adaptive_avg_pool1d", lambda fw, x, **kw: fw.adaptive_avg_pool1d(x, **kw), ADAPTIVE1D_SAMPLES[:1],
           ("float32", "float64")),
    OpSpec("adaptive_max_pool1d", lambda fw, x, **kw: fw.adaptive_max_pool1d(x, **kw), ADAPTIVE1D_SAMPLES[:1],
           ("float32", "float64"), domain="distinct"),
    OpSpec("nn.functional.fractional_max_pool2d", _fractional(2, seeded=False), FRACTIONAL2D_SAMPLES, ALL_FLOATING,
           domain="distinct", errors=FRACTIONAL_ERRORS),
    OpSpec("nn.functional.fractional_max_pool2d", _fractional(2, seeded=True), FRACTIONAL2D_SAMPLES[:3],
           ALL_FLOATING, variant="drawn_samples", domain="distinct"),
    OpSpec("nn.functional.fractional_max_pool3d", _fractional(3, seeded=False), FRACTIONAL3D_SAMPLES, ALL_FLOATING,
           domain="distinct"),
    OpSpec("nn.functional.fractional_max_pool3d", _fractional(3, seeded=True), FRACTIONAL3D_SAMPLES, ALL_FLOATING,
           variant="drawn_samples", domain="distinct"),
]

MODULE_SAMPLES = (Sample("batch", (T(2, 3, 7, 6),)), Sample("unbatched", (T(3, 7, 6),)))
MODULE_SAMPLES_1D = (Sample("batch", (T(2, 3, 9),)), Sample("unbatched", (T(3, 9),)))
MODULE_SAMPLES_3D = (Sample("batch", (T(2, 2, 5, 6, 7),)), Sample("unbatched", (T(2, 5, 6, 7),)))


def _seeded(layer, *args, **kwargs):
    """A fractional pooling layer without samples draws them when it runs, from the default generator: seeded alike
    in both frameworks as the layer is built (the harness runs it right after)."""
    def build(fw):
        fw.manual_seed(5)
        return getattr(fw.nn, layer)(*args, **kwargs)
    return build


MODULE_SPECS = [
    *ModuleSpec("nn.AdaptiveAvgPool2d", lambda fw: fw.nn.AdaptiveAvgPool2d((3, 2)), MODULE_SAMPLES, ALL_FLOATING),
    *ModuleSpec("nn.AdaptiveMaxPool2d", lambda fw: fw.nn.AdaptiveMaxPool2d((3, None), return_indices=True),
                MODULE_SAMPLES, ALL_FLOATING, domain="distinct"),
    *ModuleSpec("nn.AdaptiveAvgPool1d", lambda fw: fw.nn.AdaptiveAvgPool1d(4), MODULE_SAMPLES_1D, ALL_FLOATING),
    *ModuleSpec("nn.AdaptiveMaxPool1d", lambda fw: fw.nn.AdaptiveMaxPool1d(4, return_indices=True), MODULE_SAMPLES_1D,
                ALL_FLOATING, domain="distinct"),
    *ModuleSpec("nn.AdaptiveAvgPool3d", lambda fw: fw.nn.AdaptiveAvgPool3d((3, None, 2)), MODULE_SAMPLES_3D,
                ALL_FLOATING),
    *ModuleSpec("nn.AdaptiveMaxPool3d", lambda fw: fw.nn.AdaptiveMaxPool3d(2), MODULE_SAMPLES_3D, ALL_FLOATING,
                domain="distinct"),
    *ModuleSpec("nn.FractionalMaxPool2d", _seeded("FractionalMaxPool2d", 2, output_ratio=0.5, return_indices=True),
                MODULE_SAMPLES, ALL_FLOATING, domain="distinct"),
    *ModuleSpec("nn.FractionalMaxPool3d", _seeded("FractionalMaxPool3d", 2, output_size=(3, 2, 3)),
                MODULE_SAMPLES_3D, ALL_FLOATING, domain="distinct"),
]

SPECS = FUNCTIONAL_SPECS + MODULE_SPECS
