"""Resampling (ops/nn_resample.py, nn/modules/upsampling.py): nn.functional.interpolate in every mode (nearest,
nearest-exact, linear, bilinear, bicubic, trilinear, area, antialiased bilinear/bicubic, lanczos), by size and by
scale_factor (torch's 1 / scale source arithmetic), align_corners both ways, recompute_scale_factor, down- and
upsampling, non-contiguous inputs, every float dtype, uint8 images; the deprecated upsample wrappers; nn.Upsample,
UpsamplingNearest2d, UpsamplingBilinear2d (kind=module); and torch's argument checks as error cases."""
from conformance.frameworks import FLOATING
from conformance.inputs import Sample, T
from conformance.module_spec import ModuleSpec
from conformance.spec import ErrorCase, OpSpec

ALL_FLOATING = FLOATING                        # float16, bfloat16, float32, float64
SPATIAL = {3: (T(2, 3, 5),), 4: (T(2, 3, 4, 5),), 5: (T(1, 2, 3, 4, 3),)}
TRANSPOSED = {3: (T(2, 3, 5, layout="transposed"),), 4: (T(2, 3, 4, 5, layout="transposed"),),
              5: (T(1, 2, 3, 4, 3, layout="transposed"),)}


def F(fw):
    return fw.nn.functional


def _interpolate(fw, x, **kwargs):
    return F(fw).interpolate(x, **kwargs)


def _samples(ndim, interpolating):
    """Sizes and scale factors up and down along each axis; align_corners both ways for the interpolating modes."""
    n = ndim - 2
    cases = [("size_up", {"size": (7, 9, 5)[:n]}), ("size_down", {"size": (3, 2, 2)[:n]}),
             ("size_int", {"size": 6}),
             ("scale_up", {"scale_factor": (1.7, 2.0, 2.5)[:n]}), ("scale_down", {"scale_factor": 0.6}),
             ("scale_recomputed", {"scale_factor": 1.3, "recompute_scale_factor": True}),
             ("same_size", {"size": tuple(SPATIAL[ndim][0].shape[2:])})]
    samples = []
    for name, kwargs in cases:
        for corners in ((False, True) if interpolating else (None,)):
            extra = {} if corners is None else {"align_corners": corners}
            suffix = "" if corners is None else ("_align_corners" if corners else "")
            samples.append(Sample(f"{n}d_{name}{suffix}", SPATIAL[ndim], {**kwargs, **extra}))
    corners = {"align_corners": False} if interpolating else {}
    samples.append(Sample(f"{n}d_transposed_input", TRANSPOSED[ndim],
                          {"scale_factor": 2.0 if n == 1 else 1.5, **corners}))
    return tuple(samples)


INTERPOLATE_ERRORS = (
    ErrorCase("size_and_scale", lambda fw, x: F(fw).interpolate(x, size=3, scale_factor=2.0),
              Sample("4d", (T(1, 2, 3, 3),)), ValueError),
    ErrorCase("neither_size_nor_scale", lambda fw, x: F(fw).interpolate(x), Sample("4d", (T(1, 2, 3, 3),)),
              ValueError),
    ErrorCase("size_length", lambda fw, x: F(fw).interpolate(x, size=(3, 4, 5)), Sample("4d", (T(1, 2, 3, 3),)),
              ValueError),
    ErrorCase("float_size", lambda fw, x: F(fw).interpolate(x, size=(3.5, 4)), Sample("4d", (T(1, 2, 3, 3),)),
              TypeError),
    ErrorCase("scale_length", lambda fw, x: F(fw).interpolate(x, scale_factor=(2.0,)), Sample("4d", (T(1, 2, 3, 3),)),
              ValueError),
    ErrorCase("align_corners_nearest", lambda fw, x: F(fw).interpolate(x, size=4, align_corners=True),
              Sample("4d", (T(1, 2, 3, 3),)), ValueError),
    ErrorCase("recompute_with_size", lambda fw, x: F(fw).interpolate(x, size=4, recompute_scale_factor=True),
              Sample("4d", (T(1, 2, 3, 3),)), ValueError),
    ErrorCase("antialias_nearest", lambda fw, x: F(fw).interpolate(x, size=4, antialias=True),
              Sample("4d", (T(1, 2, 3, 3),)), ValueError),
    ErrorCase("output_size_zero", lambda fw, x: F(fw).interpolate(x, size=(0, 3)), Sample("4d", (T(1, 2, 3, 3),)),
              RuntimeError),
    ErrorCase("negative_scale", lambda fw, x: F(fw).interpolate(x, scale_factor=-1.0), Sample("4d", (T(1, 2, 3, 3),)),
              RuntimeError),
    ErrorCase("empty_channels", lambda fw, x: F(fw).interpolate(x, size=4), Sample("4d", (T(1, 0, 3, 3),)),
              RuntimeError),
    ErrorCase("2d_input", lambda fw, x: F(fw).interpolate(x, size=4), Sample("2d", (T(2, 3),)), NotImplementedError),
    ErrorCase("bilinear_on_3d", lambda fw, x: F(fw).interpolate(x, size=4, mode="bilinear"),
              Sample("3d", (T(1, 2, 3),)), NotImplementedError),
    ErrorCase("linear_on_4d", lambda fw, x: F(fw).interpolate(x, size=4, mode="linear"),
              Sample("4d", (T(1, 2, 3, 3),)), NotImplementedError),
    ErrorCase("unknown_mode", lambda fw, x: F(fw).interpolate(x, size=4, mode="cubic"),
              Sample("4d", (T(1, 2, 3, 3),)), NotImplementedError),
    ErrorCase("integer_bilinear", lambda fw, x: F(fw).interpolate(x.int(), size=4, mode="bilinear"),
              Sample("4d", (T(1, 2, 3, 3),)), NotImplementedError),
    ErrorCase("lanczos_without_antialias", lambda fw, x: F(fw).interpolate(x, size=2, mode="lanczos"),
              Sample("4d", (T(1, 2, 3, 3),)), ValueError),
    ErrorCase("lanczos_align_corners",
              lambda fw, x: F(fw).interpolate(x, size=2, mode="lanczos", antialias=True, align_corners=True),
              Sample("4d", (T(1, 2, 3, 3),)), ValueError),
    ErrorCase("lanczos_on_3d", lambda fw, x: F(fw).interpolate(x, size=2, mode="lanczos"),
              Sample("3d", (T(1, 2, 3),)), NotImplementedError),
    ErrorCase("half_antialias", lambda fw, x: F(fw).interpolate(x.half(), size=2, mode="bilinear", antialias=True),
              Sample("4d", (T(1, 2, 3, 3),)), NotImplementedError),
)

FUNCTIONAL_SPECS = [
    OpSpec("nn.functional.interpolate", lambda fw, x, **kw: _interpolate(fw, x, mode="nearest", **kw),
           _samples(3, False) + _samples(4, False) + _samples(5, False), ALL_FLOATING, variant="nearest",
           errors=INTERPOLATE_ERRORS),
    OpSpec("nn.functional.interpolate", lambda fw, x, **kw: _interpolate(fw, x, mode="nearest", **kw),
           (Sample("uint8", (T(2, 3, 4, 5, dtype="uint8"),), {"size": (7, 3)}),), ("float32",),
           variant="nearest_uint8", grad=False),
    # uint8 bilinear/bicubic: torch's fixed-point (PIL) arithmetic, bit for bit
    OpSpec("nn.functional.interpolate", lambda fw, x, **kw: _interpolate(fw, x, **kw),
           tuple(Sample(f"{mode}{'_antialias' if antialias else ''}_{name}", (T(2, channels, 5, 6, dtype="uint8"),),
                        {"mode": mode, "antialias": antialias, "align_corners": corners, **size})
                 for mode in ("bilinear", "bicubic") for antialias in (False, True)
                 for name, size, corners, channels in (("size_up", {"size": (7, 9)}, False, 3),
                                                       ("scale_down", {"scale_factor": (0.6, 0.5)}, True, 5),
                                                       ("mixed", {"size": (3, 11)}, False, 1))),
           ("float32",), variant="uint8", grad=False),
    OpSpec("nn.functional.interpolate", lambda fw, x, **kw: _interpolate(fw, x, mode="nearest-exact", **kw),
           _samples(3, False) + _samples(4, False) + _samples(5, False), ALL_FLOATING, variant="nearest-exact"),
    OpSpec("nn.functional.interpolate", lambda fw, x, **kw: _interpolate(fw, x, mode="linear", **kw),
           _samples(3, True), ALL_FLOATING, variant="linear"),
    OpSpec("nn.functional.interpolate", lambda fw, x, **kw: _interpolate(fw, x, mode="bilinear", **kw),
           _samples(4, True), ALL_FLOATING, variant="bilinear"),
    OpSpec("nn.functional.interpolate", lambda fw, x, **kw: _interpolate(fw, x, mode="bicubic", **kw),
           _samples(4, True), ALL_FLOATING, variant="bicubic"),
    OpSpec("nn.functional.interpolate", lambda fw, x, **kw: _interpolate(fw, x, mode="trilinear", **kw),
           _samples(5, True), ALL_FLOATING, variant="trilinear"),
    OpSpec("nn.functional.interpolate",
           lambda fw, x, **kw: _interpolate(fw, x, mode="bilinear", antialias=True, **kw),
           _samples(4, True), ("float32", "float64"), variant="bilinear_antialias"),
    OpSpec("nn.functional.interpolate",
           lambda fw, x, **kw: _interpolate(fw, x, mode="bicubic", antialias=True, **kw),
           _samples(4, True), ("float32", "float64"), variant="bicubic_antialias"),
    OpSpec("nn.functional.interpolate",
           lambda fw, x, **kw: _interpolate(fw, x, mode="lanczos", antialias=True, **kw),
           tuple(sample for sample in _samples(4, False)), ("float32", "float64"), variant="lanczos"),
    OpSpec("nn.functional.interpolate",
           lambda fw, x, **kw: _interpolate(fw, x, mode="lanczos", antialias=True, **kw),
           (Sample("uint8_down", (T(2, 3, 9, 8, dtype="uint8"),), {"size": (4, 5)}),
            Sample("uint8_up", (T(1, 4, 5, 6, dtype="uint8"),), {"scale_factor": (1.7, 2.2)})),
           ("float32",), variant="lanczos_uint8", grad=False),
    OpSpec("nn.functional.interpolate", lambda fw, x, **kw: _interpolate(fw, x, mode="area", **kw),
           (Sample("size_down", SPATIAL[4], {"size": (3, 2)}), Sample("scale_down", SPATIAL[4], {"scale_factor": 0.5}),
            Sample("size_up", SPATIAL[4], {"size": (6, 7)}), Sample("transposed_input", TRANSPOSED[4], {"size": 3}),
            Sample("1d_size_down", SPATIAL[3], {"size": 3}), Sample("1d_scale_down", SPATIAL[3], {"scale_factor": 0.5}),
            Sample("3d_size_down", SPATIAL[5], {"size": (2, 3, 2)}),
            Sample("3d_scale", SPATIAL[5], {"scale_factor": (0.7, 1.5, 0.5)})),
           ALL_FLOATING, variant="area"),
    OpSpec("nn.functional.upsample", lambda fw, x, **kw: F(fw).upsample(x, **kw),
           (Sample("bilinear", SPATIAL[4], {"scale_factor": 2, "mode": "bilinear"}),
            Sample("nearest", SPATIAL[3], {"size": 8})), ("float32", "float64")),
    OpSpec("nn.functional.upsample_nearest", lambda fw, x, **kw: F(fw).upsample_nearest(x, **kw),
           (Sample("size", SPATIAL[4], {"size": (5, 7)}), Sample("scale", SPATIAL[5], {"scale_factor": 2})),
           ("float32", "float64")),
    OpSpec("nn.functional.upsample_bilinear", lambda fw, x, **kw: F(fw).upsample_bilinear(x, **kw),
           (Sample("size", SPATIAL[4], {"size": (5, 7)}), Sample("scale", SPATIAL[4], {"scale_factor": 2})),
           ("float32", "float64")),
]

MODULE_SAMPLES = (Sample("batch", (T(2, 3, 4, 5),)), Sample("transposed", (T(2, 3, 4, 5, layout="transposed"),)))
MODULE_SPECS = [
    *ModuleSpec("nn.Upsample", lambda fw: fw.nn.Upsample(scale_factor=2), MODULE_SAMPLES, ALL_FLOATING),
    *ModuleSpec("nn.Upsample", lambda fw: fw.nn.Upsample(size=(7, 3), mode="bicubic", align_corners=True),
                MODULE_SAMPLES, ALL_FLOATING, variant="bicubic_size"),
    *ModuleSpec("nn.Upsample", lambda fw: fw.nn.Upsample(scale_factor=(1.5, 0.5), mode="bilinear"), MODULE_SAMPLES,
                ALL_FLOATING, variant="bilinear_scale"),
    *ModuleSpec("nn.UpsamplingNearest2d", lambda fw: fw.nn.UpsamplingNearest2d(size=(6, 9)), MODULE_SAMPLES,
                ALL_FLOATING),
    *ModuleSpec("nn.UpsamplingBilinear2d", lambda fw: fw.nn.UpsamplingBilinear2d(scale_factor=2), MODULE_SAMPLES,
                ALL_FLOATING),
]

SPECS = FUNCTIONAL_SPECS + MODULE_SPECS
