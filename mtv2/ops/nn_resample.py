"""Resampling: nn.functional.interpolate (nearest, nearest-exact, linear, bilinear, bicubic, trilinear, area, and
antialiased bilinear/bicubic/lanczos) with the deprecated upsample, upsample_nearest and upsample_bilinear.

Every mode but area is separable: along each spatial axis an output position reads a few input positions ("taps")
with weights, worked out once per axis by torch's arithmetic (UpSample.h: area_pixel_compute_scale, the source
index, guard_index_and_lambda, the cubic coefficients with A = -0.75; for antialias the PIL-style filters). One op,
`upsample`, applies the taps axis by axis (the last axis innermost, as torch's nested Interpolate); its derivative
is the adjoint op `upsample_backward` (each cotangent scattered back to its taps with the weights), whose own
derivative is `upsample` again, so double backward comes by construction. Half types: torch computes in float32
(opmath) and rounds once; its forward weights are stored in the half type, its backward weights are not.
area is adaptive average pooling (nn.functional.adaptive_avg_pool1d/2d/3d). uint8 images (bilinear, bicubic) take
torch's fixed-point path, PIL's: int16 weights, each pass rounded and clamped to 0..255."""
import math
import warnings

import numpy as np

from .. import _dtype
from ._registry import op
from ._surface import public
from .nn_layers import check_tensor

_HALF = (_dtype.float16, _dtype.bfloat16)
_AXES = {3: "W", 4: "HW", 5: "DHW"}


# ================================================================ taps along one axis (torch's index arithmetic)

def _fma(a, b, c, opmath):
    """a * b + c rounded once: torch's compiled source index `scale * (i + 0.5) - 0.5` is a fused multiply-add
    (measured: the unfused value moves 1 in 40 linear weights by an ulp). float32 products are exact in float64."""
    if opmath == np.float32:
        return (np.float64(a) * np.float64(b) + np.float64(c)).astype(np.float32)
    return a * b + c   # float64: rounding the product first differs in the last bit at most; within tolerance


def _scale(in_size, out_size, align_corners, scale, opmath):
    """area_pixel_compute_scale: (in - 1) / (out - 1) with align_corners, else 1 / scale_factor when one was given
    (not in / out: the two differ in the last bits), else in / out; in torch's opmath type."""
    if align_corners:
        return opmath(in_size - 1) / opmath(out_size - 1) if out_size > 1 else opmath(0)
    if scale is not None and scale > 0:
        return opmath(1.0 / scale)
    return opmath(in_size) / opmath(out_size)


def _source_index(scale, out_size, align_corners, cubic, opmath):
    """area_pixel_compute_source_index for every output position."""
    positions = np.arange(out_size, dtype=opmath)
    if align_corners:
        return scale * positions
    index = _fma(scale, positions + opmath(0.5), opmath(-0.5), opmath)
    return index if cubic else np.maximum(index, opmath(0))


def _guard(real_index, in_size, opmath):
    """guard_index_and_lambda: the tap below (floor taken in float32: torch's floorf) and the fraction past it."""
    index = np.minimum(np.floor(real_index.astype(np.float32)).astype(np.int64), in_size - 1)
    fraction = np.clip(real_index - index.astype(opmath), opmath(0), opmath(1))
    return index, fraction


def _nearest_taps(in_size, out_size, scale, exact, opmath):
    """torch's generic kernel (HelperInterpNearest/Exact): nearest floor(i * scale), nearest-exact
    floor(max(scale * (i + 0.5) - 0.5, 0) + 0.5), in the opmath type, floored as a float32 (floorf)."""
    scale = _scale(in_size, out_size, False, scale, opmath)
    positions = np.arange(out_size, dtype=opmath)
    if exact:
        real = np.maximum(_fma(scale, positions + opmath(0.5), opmath(-0.5), opmath), 0) + opmath(0.5)
    else:
        real = scale * positions
    return np.minimum(np.floor(real.astype(np.float32)).astype(np.int64), in_size - 1)[:, None]


def _nearest_idx(in_size, out_size, scale, exact):
    """nearest_idx / nearest_exact_idx (UpSample.h), which torch's channels-last forward kernel and every nearest
    backward use: a float32 scale; nearest copies when the size is kept and halves i when it doubles (whatever the
    scale_factor), else floor(i * scale); nearest-exact floor((i + 0.5) * scale), the product in double."""
    positions = np.arange(out_size)
    if not exact and out_size == in_size:
        return positions[:, None]
    if not exact and out_size == 2 * in_size:
        return (positions >> 1)[:, None]
    scale = _scale(in_size, out_size, False, scale, np.float32)
    real = ((positions + 0.5) * np.float64(scale)).astype(np.float32) if exact else \
        positions.astype(np.float32) * scale
    return np.minimum(np.floor(real).astype(np.int64), in_size - 1)[:, None]


def _linear_taps(in_size, out_size, align_corners, scale, opmath):
    """compute_source_index_and_lambda: taps (i0, i1) and weights (1 - l, l); the identity when sizes agree."""
    if in_size == out_size:
        index = np.arange(out_size)
        return np.stack([index, index], 1), np.stack([np.ones(out_size, opmath), np.zeros(out_size, opmath)], 1)
    real = _source_index(_scale(in_size, out_size, align_corners, scale, opmath), out_size, align_corners, False,
                         opmath)
    index0, fraction = _guard(real, in_size, opmath)
    index1 = index0 + (index0 < in_size - 1)
    return np.stack([index0, index1], 1), np.stack([opmath(1) - fraction, fraction], 1)


def _cubic_weights(t, a):
    """get_cubic_upsample_coefficients: the four Keys kernel weights at distances 1 + t, t, 1 - t, 2 - t."""
    def near(x):   # cubic_convolution1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):    # cubic_convolution2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    one = t.dtype.type(1)
    return np.stack([far(t + one), near(t), near(one - t), far((one - t) + one)], 1)


def _cubic_taps(in_size, out_size, align_corners, scale, opmath):
    """HelperInterpCubic: four taps around floor(x), clamped to the input (border replication), A = -0.75."""
    real = _source_index(_scale(in_size, out_size, align_corners, scale, opmath), out_size, align_corners, True,
                         opmath)
    index, fraction = _guard(real, in_size, opmath)
    taps = np.clip(index[:, None] + np.arange(-1, 3), 0, in_size - 1)
    return taps, _cubic_weights(fraction, opmath(-0.75))


def _lanczos(x):
    """PIL's Lanczos filter: sinc(x) sinc(x / 3) over |x| < 3."""
    with np.errstate(invalid="ignore", divide="ignore"):
        pix = np.pi * x
        sinc = np.where(x == 0, 1.0, np.sin(pix) / pix)
        third = np.where(x == 0, 1.0, np.sin(pix / 3) / (pix / 3))
    return np.where(x < 3, sinc * third, 0.0)


def _antialias_taps(in_size, out_size, align_corners, scale, mode, opmath):
    """_compute_indices_min_size_weights_aa: a filter (triangle; Keys cubic with a = -0.5 as PIL; PIL's Lanczos)
    stretched by the scale when downsampling, normalised to sum 1; padded with zero weights to the widest window."""
    scale = _scale(in_size, out_size, align_corners, scale, opmath)
    interp = {"bilinear": 2, "bicubic": 4, "lanczos": 6}[mode]
    support = (interp * 0.5) * scale if scale >= 1.0 else opmath(interp * 0.5)
    width = int(math.ceil(support)) * 2 + 1
    inverse = opmath(1.0) / scale if scale >= 1.0 else opmath(1.0)
    taps = np.zeros((out_size, width), np.int64)
    weights = np.zeros((out_size, width), opmath)
    for i in range(out_size):
        center = scale * opmath(i + 0.5)
        low = max(int(center - support + 0.5), 0)
        size = min(max(min(int(center + support + 0.5), in_size) - low, 0), width)
        x = np.abs((np.arange(size) + low - center + 0.5) * inverse).astype(opmath)
        if mode == "lanczos":
            w = _lanczos(x.astype(np.float64)).astype(opmath)
        elif mode == "bicubic":
            a = opmath(-0.5)
            w = np.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1,
                         np.where(x < 2, ((a * x - 5 * a) * x + 8 * a) * x - 4 * a, 0)).astype(opmath)
        else:
            w = np.where(x < 1, 1 - x, 0).astype(opmath)
        total = opmath(0)
        for value in w:   # torch's running sum, in order
            total = opmath(total + value)
        if total != 0:
            w = w / total
        taps[i, :size], taps[i, size:] = np.arange(low, low + size), low
        weights[i, :size] = w
    return taps, weights


def _uint8_taps(in_size, out_size, align_corners, scale, mode, antialias):
    """torch's uint8 bilinear/bicubic (_compute_index_ranges_int16_weights, PIL's arithmetic): float64 weights
    (without antialias, those of taps outside the input folded onto the edge taps; the cubic's A is -0.75, with
    antialias -0.5), scaled to int16 with the most bits of precision that keep the largest under 2**15."""
    if antialias:
        taps, weights = _antialias_taps(in_size, out_size, align_corners, scale, mode, np.float64)
    else:
        cubic = mode == "bicubic"
        width = 4 if cubic else 2
        scale = _scale(in_size, out_size, align_corners, scale, np.float64)
        real = _source_index(scale, out_size, align_corners, cubic, np.float64)
        index, fraction = _guard(real, in_size, np.float64)
        support = width // 2
        taps = np.zeros((out_size, width), np.int64)
        weights = np.zeros((out_size, width), np.float64)
        a = -0.75
        for i in range(out_size):
            low = index[i] - support + 1
            first = max(low, 0)
            size = min(max(min(index[i] + support + 1, in_size) - first, 0), width)
            slot = 0
            for j in range(width):
                x = abs(float(j + 1 - support) - fraction[i])
                if cubic:
                    w = ((a + 2) * x - (a + 3)) * x * x + 1 if x < 1 else (
                        ((a * x - 5 * a) * x + 8 * a) * x - 4 * a if x < 2 else 0.0)
                else:
                    w = 1.0 - x if x < 1 else 0.0
                if low + j <= 0:
                    slot = 0
                elif low + j >= in_size - 1:
                    slot = size - 1
                weights[i, slot] += w
                slot += 1
            taps[i] = np.minimum(first + np.arange(width), in_size - 1)
    largest = weights.max() if weights.size else 0.0
    precision = 0
    while precision < 22 and int(0.5 + largest * (1 << (precision + 1))) < (1 << 15):
        precision += 1
    scaled = weights * (1 << precision)
    # torch's (int)(v +- 0.5): rounded half away from zero
    return taps, np.trunc(scaled + np.where(scaled < 0, -0.5, 0.5)).astype(np.int64), precision


# ================================================================ the op and its adjoint

def _take(array, taps, axis):
    """array gathered along `axis` at taps[:, j]: one (..., out, ...) array per tap column."""
    return [np.take(array, taps[:, j], axis=axis) for j in range(taps.shape[1])]


def _along(weights, axis, ndim):
    shape = [1] * ndim
    shape[axis] = -1
    return weights.reshape(shape)


@op("upsample", saves=("input.shape", "plan"), formula_backward=False)
def _upsample(input, plan=()):
    """plan: per spatial axis (taps, forward weights, backward weights), or None for an axis left as it is. nearest
    gathers; the others sum tap * weight in torch's order, the last axis innermost ("bilinear4" as torch's
    channels-last bilinear kernel: four products of x with h-weight * w-weight, summed in order)."""
    ndim = input.ndim
    first = ndim - len(plan)
    if input.dtype == np.uint8 and any(step is not None and step[3] == "int16" for step in plan):
        return _upsample_uint8(input, plan)
    if len(plan) == 2 and plan[0] is not None and plan[1] is not None and plan[0][3] == "bilinear4":
        (rows, row_weights, _, _), (cols, col_weights, _, _) = plan
        result = None
        for i in range(2):
            picked = np.take(input, rows[:, i], axis=-2)
            for j in range(2):
                term = np.take(picked, cols[:, j], axis=-1) * (row_weights[:, i, None] * col_weights[None, :, j])
                result = term if result is None else result + term
        return result
    result = input
    for position in reversed(range(len(plan))):
        if plan[position] is None:
            continue
        taps, weights, _, _ = plan[position]
        axis = first + position
        if weights is None:
            result = np.take(result, taps[:, 0], axis=axis)
            continue
        total = None
        for column, picked in enumerate(_take(result, taps, axis)):
            term = picked * _along(weights[:, column], axis, ndim)
            total = term if total is None else total + term
        result = total
    return result.copy() if result is input else result   # every axis kept: a copy, never the input itself


def _upsample_uint8(input, plan):
    """PIL's fixed-point passes, the last axis first: 2**(p-1) + sum(pixel * weight), shifted right by p and
    clamped to 0..255 after each pass (int16 weights, "precision" p in plan[i][2]); an axis keeping its size is
    left alone, as torch's separable kernel does."""
    result = input
    first = input.ndim - len(plan)
    for position in [len(plan) - 1] + list(range(len(plan) - 1)):
        if plan[position] is None:
            continue
        taps, weights, precision, _ = plan[position]
        axis = first + position
        total = np.full(np.take(result, taps[:, 0], axis=axis).shape, 1 << (precision - 1), np.int64)
        for column in range(taps.shape[1]):
            total += np.take(result, taps[:, column], axis=axis).astype(np.int64) * \
                _along(weights[:, column], axis, input.ndim)
        result = np.clip(total >> precision, 0, 255).astype(np.uint8)
    return result.copy() if result is input else result   # every axis kept: a copy, never the input itself


@_upsample.vjp
def _(g, input_shape, plan):
    return _upsample_backward(g, input_shape=tuple(input_shape), plan=plan)


@op("upsample_backward", saves=("plan",), formula_backward=False)
def _upsample_backward(g, input_shape=(), plan=()):
    """The adjoint: each cotangent added to its taps times the backward weights (float32 for half types, rounded
    once, as torch's accumulation buffer), axis by axis from the first."""
    ndim = g.ndim
    first = ndim - len(plan)
    result = g
    for position in range(len(plan)):
        if plan[position] is None:
            continue
        taps, _, weights, kind = plan[position]
        if kind == "nearest":   # torch's nearest backward finds its taps with nearest_idx, whatever the forward's
            taps, weights = weights, None
        axis = first + position
        moved = np.moveaxis(result, axis, 0)
        accumulated = np.zeros((input_shape[axis],) + moved.shape[1:], moved.dtype)
        for column in range(taps.shape[1]):
            share = moved if weights is None else moved * weights[:, column].reshape((-1,) + (1,) * (ndim - 1))
            np.add.at(accumulated, taps[:, column], share)
        result = np.moveaxis(accumulated, 0, axis)
    return result


@_upsample_backward.vjp
def _(gg, plan):
    return _upsample(gg, plan=plan)


# ================================================================ nn.functional.interpolate

_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
_SPATIAL = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5, "lanczos": 4}


def _is_integer(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) or \
        (hasattr(value, "is_floating_point") and not value.is_floating_point())


def _sizes(input, size, scale_factor, mode, recompute_scale_factor):
    """torch.nn.functional.interpolate's Python checks: (output sizes or None, scale factors or None)."""
    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        scales = None
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got input with spatial "
                    f"dimensions of {list(input.shape[2:])} and output size of {size}. Please provide input tensor "
                    "in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
            if not all(_is_integer(value) for value in size):
                raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                                f"Tuple[int, int, int], but got size with types {[type(v) for v in size]}")
            sizes = [int(value) for value in size]
        else:
            sizes = [int(size)] * dim
    elif scale_factor is not None:
        sizes = None
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, but got input with "
                    f"spatial dimensions of {list(input.shape[2:])} and scale_factor of shape {scale_factor}. "
                    "Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, "
                    "...,sK) format.")
            scales = [float(value) for value in scale_factor]
        else:
            scales = [float(scale_factor)] * dim
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and sizes is None:
        recompute_scale_factor = True
    if recompute_scale_factor:
        # torch computes the sizes in Python (int(size * scale), truncating) and drops the scales
        sizes = [int(input.shape[i + 2] * scales[i]) for i in range(dim)]
        scales = None
    return sizes, scales


def _check_kernel(name, input, sizes):
    """upsample_*_common_check: sizes given per axis, non-empty except for the batch, output sizes positive."""
    spatial = _AXES.get(input.dim(), "")
    if any(size == 0 for size in input.shape[1:]) or input.numel() == 0 and input.shape[0] != 0:
        raise RuntimeError(f"Non-empty {input.dim()}D data tensor expected but got a tensor with sizes "
                           f"{list(input.shape)}")
    if any(size <= 0 for size in input.shape[2:]) or any(size <= 0 for size in sizes):
        given = ", ".join(f"{axis}: {size}" for axis, size in zip(spatial, input.shape[2:]))
        wanted = ", ".join(f"{axis}: {size}" for axis, size in zip(spatial, sizes))
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({given}) output "
                           f"({wanted})")
    uint8_modes = ("nearest", "nearest-exact") + (("bilinear", "bicubic", "lanczos") if input.dim() == 4 else ())
    if input.dtype.category != _dtype.FLOATING and not (input.dtype is _dtype.uint8 and name in uint8_modes):
        kernel = {"nearest": "upsample_nearest", "nearest-exact": "upsample_nearest", "linear": "upsample_linear1d",
                  "bilinear": "upsample_bilinear2d", "bicubic": "upsample_bicubic2d",
                  "lanczos": "compute_index_ranges_weights",
                  "trilinear": "upsample_trilinear3d"}[name]
        if input.dim() == 4 and name in ("nearest", "nearest-exact", "bilinear"):
            kernel = {"bilinear": "upsample_bilinear2d_channels_last"}.get(name, "upsample_nearest2d_channels_last")
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_dtype.scalar_type_name(input.dtype)}'")


def _plan(input, mode, sizes, scales, align_corners, antialias):
    """The taps and weights of every spatial axis (None where an antialiased axis keeps its size)."""
    opmath = np.float64 if input.dtype is _dtype.float64 else np.float32
    half = input.dtype.numpy_type if input.dtype in _HALF else None
    plan = []
    for axis, out_size in enumerate(sizes):
        in_size = input.shape[axis + 2]
        scale = None if scales is None else scales[axis]
        if mode in ("nearest", "nearest-exact"):
            exact = mode == "nearest-exact"
            backward = _nearest_idx(in_size, out_size, scale, exact)
            # the forward: torch's channels-last kernel (nearest_idx) for 4-d inputs with small outputs
            # (_use_vectorized_kernel_cond_2d), its generic kernel otherwise
            forward = backward if input.dim() == 4 and sum(sizes) <= 128 else \
                _nearest_taps(in_size, out_size, scale, exact, opmath)
            plan.append((forward, None, backward, "nearest"))
            continue
        if input.dtype is _dtype.uint8:
            if in_size == out_size:
                plan.append(None)
                continue
            taps, weights, precision = _uint8_taps(in_size, out_size, align_corners, scale, mode, antialias)
            plan.append((taps, weights, precision, "int16"))
            continue
        if antialias:
            if in_size == out_size:
                plan.append(None)
                continue
            taps, weights = _antialias_taps(in_size, out_size, align_corners, scale, mode, opmath)
            plan.append((taps, weights, weights, "aa"))
            continue
        make = _cubic_taps if mode == "bicubic" else _linear_taps
        taps, weights = make(in_size, out_size, align_corners, scale, opmath)
        # torch stores the forward weights in the input's type (a half weight for half inputs), not the backward's
        forward = weights if half is None else weights.astype(half).astype(np.float32)
        if half is not None and mode != "bicubic" and in_size != out_size:
            # torch stores lambda1 in the half type and takes lambda0 = 1 - lambda1 from the rounded value
            upper = forward[:, 1]
            forward = np.stack([(np.float32(1) - upper).astype(half).astype(np.float32), upper], 1)
        # torch's bilinear kernel for small outputs (oh + ow <= 128, or 3 channels with one thread as the harness
        # runs it) is its channels-last one: opmath weights, four products
        kind = "linear"
        if mode == "bilinear" and (sum(sizes) <= 128 or input.shape[1] == 3):
            forward, kind = weights, "bilinear4"
        plan.append((taps, forward, weights, kind))
    return tuple(plan)


@public(function=False, functional=True)
def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None,
                antialias=False):
    check_tensor(input, "interpolate", "input", 1)
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | "
                             "bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    sizes, scales = _sizes(input, size, scale_factor, mode, recompute_scale_factor)
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D "
                         "tensor as input")
    dim = input.dim()
    if dim in (3, 4, 5) and mode == "area":
        from ..nn import functional
        return getattr(functional, f"adaptive_avg_pool{dim - 2}d")(input, sizes)
    if dim in (3, 4, 5) and (mode in ("nearest", "nearest-exact") or _SPATIAL.get(mode) == dim):
        if sizes is None:   # torch's compute_output_size: the double product, truncated
            sizes = [int(float(input.shape[i + 2]) * scales[i]) for i in range(dim - 2)]
        if mode == "lanczos":
            if align_corners:
                raise ValueError("Lanczos mode does not support align_corners=True")
            if not antialias:
                raise ValueError("Lanczos mode requires antialias=True")
        _check_kernel(mode, input, sizes)
        if antialias and input.dtype.category == _dtype.FLOATING and input.dtype not in (_dtype.float32,
                                                                                        _dtype.float64):
            raise NotImplementedError(f"\"compute_index_ranges_weights\" not implemented for "
                                      f"'{_dtype.scalar_type_name(input.dtype)}'")
        return _upsample(input, plan=_plan(input, mode, sizes, scales, align_corners, antialias))
    if mode in ("linear", "bilinear", "trilinear") and dim in (3, 4, 5):
        wanted = {"linear": "3D", "bilinear": "4D", "trilinear": "5D"}[mode]
        raise NotImplementedError(f"Got {dim}D input, but {mode} mode needs {wanted} input")
    raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {dim}D) for the modes: "
                              f"{_MODES} (got {mode})")


@public(function=False, functional=True)
def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


@public(function=False, functional=True)
def upsample_nearest(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


@public(function=False, functional=True)
def upsample_bilinear(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
