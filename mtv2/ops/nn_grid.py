"""Spatial transformers: nn.functional.affine_grid and grid_sample (bilinear, nearest, bicubic; zeros, border and
reflection padding; 4-d and 5-d), written from differentiable mtv2 ops (no rules of their own).

grid_sample follows torch's GridSampler.h: the grid's [-1, 1] coordinates are unnormalized to pixel positions
(with or without align_corners), mapped by the padding mode (clipped, or reflected then clipped), and the input is
read at the integer corners around each position (gathered; a corner outside the input reads 0) with weights that
are functions of the position. The positions carry the gradient to the grid, the gathers to the input, and both
compose again for double backward. affine_grid is torch's base grid (linspace, scaled by (n - 1) / n without
align_corners) times theta transposed, one bmm."""
import warnings

from .. import _dtype
from ._surface import public
from .nn_layers import check_tensor

_MODES = ("bilinear", "nearest", "bicubic")
_PADDINGS = ("zeros", "border", "reflection")
_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                  "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                  "grid_sample for details.")


# ================================================================ affine_grid

def _base_axis(theta, steps, align_corners):
    """linspace_from_neg_one: -1..1 over `steps` points, times (steps - 1) / steps without align_corners."""
    from ..creation import linspace, zeros
    if steps <= 1:
        return zeros(steps, dtype=theta.dtype)
    line = linspace(-1, 1, steps, dtype=theta.dtype)
    return line if align_corners else line * (steps - 1) / steps


@public(function=False, functional=True)
def affine_grid(theta, size, align_corners=None):
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = list(size)
    if len(size) == 4:
        if theta.dim() != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. Got "
                             f"{theta.shape}.")
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or theta.shape[-2] != 3 or theta.shape[-1] != 4:
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {size}. Got "
                             f"{theta.shape}.")
        spatial = size[-3:]
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.")
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation of "
                      "affine_grid for details.", stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    from ..creation import ones
    from .joining import stack
    n = size[0]
    axes = [_base_axis(theta, steps, align_corners) for steps in spatial]     # (D,) H, W
    shape = tuple(spatial)
    # the base grid's last axis holds x (along W), y (along H), [z (along D)], 1
    columns = []
    for position in reversed(range(len(spatial))):
        view = [1] * len(spatial)
        view[position] = spatial[position]
        columns.append(axes[position].reshape(view).expand(*shape))
    columns.append(ones(shape, dtype=theta.dtype))
    base = stack(columns, -1).reshape(1, -1, len(spatial) + 1).expand(n, -1, -1)
    return base.bmm(theta.transpose(1, 2)).reshape(n, *shape, len(spatial))


# ================================================================ grid_sample

def _unnormalize(coordinate, size, align_corners):
    """grid_sampler_unnormalize: [-1, 1] to pixel positions (corner pixels' centres, or their outer edges)."""
    if align_corners:
        return (coordinate + 1) / 2 * (size - 1)
    return ((coordinate + 1) * size - 1) / 2


def _clip(coordinate, size):
    return coordinate.clamp(0, size - 1)


def _reflect(coordinate, twice_low, twice_high):
    """reflect_coordinates: fold the position into [low, high] by reflecting at the ends."""
    from .elementwise import where
    if twice_low == twice_high:
        return coordinate * 0
    low = twice_low / 2
    span = (twice_high - twice_low) / 2
    distance = (coordinate - low).abs()
    extra = distance.fmod(span)
    flips = (distance / span).floor().detach()
    return where(flips.fmod(2) == 0, extra + low, span - extra + low)


def _position(coordinate, size, padding_mode, align_corners):
    """grid_sampler_compute_source_index: unnormalize, then the padding mode's mapping."""
    return _pad_position(_unnormalize(coordinate, size, align_corners), size, padding_mode, align_corners)


def _pad_position(position, size, padding_mode, align_corners):
    """compute_coordinates: border clips; reflection reflects about the corner pixels' centres (align_corners) or
    their outer edges, then clips."""
    if padding_mode == "border":
        return _clip(position, size)
    if padding_mode == "reflection":
        reflected = _reflect(position, 0, 2 * (size - 1)) if align_corners else _reflect(position, -1, 2 * size - 1)
        return _clip(reflected, size)
    return position


def _gather(input, corner, sizes):
    """input (N, C, *sizes) at integer positions corner (one (N, *grid) tensor per spatial axis, slowest first):
    (N, C, *grid), 0 where a position lies outside the input."""
    from .elementwise import where
    n, c = input.shape[:2]
    inside = None
    flat = None
    for position, size in zip(corner, sizes):
        ok = (position >= 0) & (position <= size - 1)
        inside = ok if inside is None else inside & ok
        index = position.clamp(0, size - 1).long()
        flat = index if flat is None else flat * size + index
    grid_shape = flat.shape[1:]
    index = flat.reshape(n, 1, -1).expand(n, c, -1)
    values = input.reshape(n, c, -1).gather(2, index).reshape(n, c, *grid_shape)
    return where(inside.unsqueeze(1), values, 0)


def _cubic_coefficients(t):
    """get_cubic_upsample_coefficients with A = -0.75, as tensors of t (the weights of x-1, x, x+1, x+2)."""
    a = -0.75

    def near(x):
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return far(t + 1), near(t), near(1 - t), far(2 - t)


def _check(input, grid, mode):
    check_tensor(input, "grid_sampler", "input", 1)
    check_tensor(grid, "grid_sampler", "grid", 2)
    if input.dtype is not grid.dtype:
        raise RuntimeError(f"grid_sampler(): expected input and grid to have same dtype, but input has "
                           f"{input.dtype} and grid has {grid.dtype}")
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got input with "
                           f"sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if grid.shape[-1] != input.dim() - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {input.dim() - 2} in last dimension, but got "
                           f"grid with sizes {list(grid.shape)}")
    for axis in range(2, input.dim()):
        if input.shape[axis] <= 0:
            raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial dimensions, but input has "
                               f"sizes {list(input.shape)} with dimension {axis} being empty")
    if input.dim() == 4:
        if grid.dim() != 4:
            raise RuntimeError(f"grid_sampler(): expected 4D input and grid with same number of dimensions, but got "
                               f"input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    elif input.dim() != 5 or grid.dim() != 5:
        raise RuntimeError(f"grid_sampler(): expected 5D input and grid with same number of dimensions, but got "
                           f"input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    elif mode == "bicubic":
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if input.dtype.category != _dtype.FLOATING:
        kernel = "grid_sampler_2d_cpu" if input.dim() == 4 else "grid_sampler_3d_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_dtype.scalar_type_name(input.dtype)}'")


@public(function=False, functional=True)
def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    if mode not in _MODES:
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but "
                         f"got: '{mode}'")
    if padding_mode not in _PADDINGS:
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    _check(input, grid, mode)
    sizes = tuple(input.shape[2:])                                      # (D,) H, W
    # the grid's last axis is x, y[, z]: reversed, one coordinate per input axis, slowest first
    coordinates = [grid[..., axis] for axis in reversed(range(len(sizes)))]
    if mode == "bicubic":
        return _bicubic(input, coordinates, sizes, padding_mode, align_corners)
    positions = [_position(c, size, padding_mode, align_corners) for c, size in zip(coordinates, sizes)]
    if mode == "nearest":
        # round half to even (torch's nearbyint); torch gives the grid a zero gradient, not none: a weight of 1
        # that depends on it
        unit = sum(p * 0 for p in positions) + 1
        return _gather(input, [p.detach().round() for p in positions], sizes) * unit.unsqueeze(1)
    lows = [p.detach().floor() for p in positions]
    result = None
    # corners in torch's order (nw, ne, sw, se, then the far plane's): the last axis varies fastest
    for corner in range(2 ** len(sizes)):
        offsets = [(corner >> (len(sizes) - 1 - axis)) & 1 for axis in range(len(sizes))]
        weight = None
        # the factors multiplied x first, then y, then z (torch's order: it rounds each product in a half type)
        for offset, low, position in reversed(list(zip(offsets, lows, positions))):
            # the weight of the corner above is position - low, of the one below (low + 1) - position
            factor = position - low if offset else (low + 1) - position
            weight = factor if weight is None else weight * factor
        values = _gather(input, [low + offset for low, offset in zip(lows, offsets)], sizes)
        term = values * weight.unsqueeze(1)
        result = term if result is None else result + term
    return result


def _bicubic(input, coordinates, sizes, padding_mode, align_corners):
    """Keys cubic convolution over the 4 x 4 pixels around each position; the pixels' own positions go through the
    padding mode (torch's get_value_bounded), the fractions t (ungathered) carry the grid's gradient."""
    (y, x), (height, width) = [_unnormalize(c, s, align_corners) for c, s in zip(coordinates, sizes)], sizes
    y_low, x_low = y.detach().floor(), x.detach().floor()
    x_weights = _cubic_coefficients(x - x_low)
    y_weights = _cubic_coefficients(y - y_low)
    result = None
    for i in range(4):
        row_position = _pad_position(y_low + (i - 1), height, padding_mode, align_corners).detach()
        row = None
        for j in range(4):
            col_position = _pad_position(x_low + (j - 1), width, padding_mode, align_corners).detach()
            # torch truncates the mapped position to an integer pixel before its bounds check
            values = _gather(input, [_truncate(row_position), _truncate(col_position)], sizes)
            term = values * x_weights[j].unsqueeze(1)
            row = term if row is None else row + term
        term = row * y_weights[i].unsqueeze(1)
        result = term if result is None else result + term
    return result


def _truncate(position):
    """static_cast<int64_t>: towards zero (a position in (-1, 0) reads pixel 0)."""
    return position.trunc()
