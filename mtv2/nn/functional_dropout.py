"""torch.nn.functional.dropout and the channel-wise dropout1d/2d/3d: zero elements (or whole channels) with
probability p and scale the survivors by 1 / (1 - p); alpha_dropout and feature_alpha_dropout for SELU networks.

Composites: the output is the input times a constant mask of 0 and 1 / (1 - p), so the gradient goes through
the same mask (and double backward comes for free). The mask is drawn as torch's CPU code draws it (bernoulli_
on an empty tensor: torch's stream, value for value). The order of the checks follows torch's CPU kernel (aten's
_dropout_impl): p = 0, eval mode or an empty input hand back the input itself; p = 1 multiplies by zero
(integers included); only then is a mask drawn.
"""
import warnings

from .. import _dtype
from ..creation import empty, empty_like
from ..ops._surface import public


def _check_probability(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout_mask(input, p, generator=None):
    """0 with probability p, else 1 / (1 - p), in input's dtype (torch divides the 0/1 draws by 1 - p)."""
    return empty_like(input).bernoulli_(1.0 - p, generator=generator).div_(1.0 - p)


# SELU's alpha: alpha dropout keeps a SELU network's activations at zero mean and unit variance
_SELU_ALPHA = 1.7580993408473766


def _dropout_impl(input, p, training, inplace, feature, alpha=False):
    if p == 0.0 or not training or input.numel() == 0:
        return input  # torch hands back the input itself, not a copy
    if p == 1.0:
        return input.mul_(0) if inplace else input * 0  # integers stay integers; -x gives -0.0
    if feature and input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"dropout: result type Float can't be cast to the desired output type "
                           f"{_dtype.scalar_type_name(input.dtype)}")
    if feature:  # one draw per (batch, channel), shared along the spatial dims
        noise = empty(tuple(input.shape[:2]) + (1,) * (input.dim() - 2), dtype=input.dtype).bernoulli_(1.0 - p)
    else:
        noise = empty_like(input).bernoulli_(1.0 - p)
    if not alpha:
        noise.div_(1.0 - p)
        return input.mul_(noise) if inplace else input * noise
    # dropped elements become SELU's saturation value; an affine map (a, shift) restores mean and variance
    a = 1.0 / ((_SELU_ALPHA * _SELU_ALPHA * p + 1) * (1 - p)) ** 0.5
    shift = (noise - 1).mul_(_SELU_ALPHA * a).add_(_SELU_ALPHA * a * p)
    noise.mul_(a)
    return input.mul_(noise).add_(shift) if inplace else input * noise + shift


@public(function=False, functional=True)
def dropout(input, p=0.5, training=True, inplace=False):
    _check_probability(p)
    return _dropout_impl(input, p, training, inplace, feature=False)


def _unbatched_feature_dropout(input, p, training, inplace, batched):
    """Feature dropout of an input whose batch dimension may be missing (added, then removed, as torch does)."""
    if batched:
        return _dropout_impl(input, p, training, inplace, feature=True)
    if inplace:
        # torch's unsqueeze_(0), dropout in place, squeeze_(0) hands back the input object itself, its values
        # dropped: the same as dropping through an unsqueezed view of it
        _dropout_impl(input.unsqueeze(0), p, training, inplace=True, feature=True)
        return input
    return _dropout_impl(input.unsqueeze(0), p, training, inplace, feature=True).squeeze(0)


def _warn_unless_channel_input(name, dims, spatial_dims):
    """torch's deprecation warning for a dropout2d/3d input that is neither batched nor unbatched channel data."""
    unbatched, batched = spatial_dims + 1, spatial_dims + 2
    if dims not in (unbatched, batched):
        warnings.warn(f"{name}: Received a {dims}-D input to {name}, which is deprecated and will result in an "
                      "error in a future release. To retain the behavior and silence this warning, please use "
                      f"dropout instead. Note that {name} exists to provide channel-wise dropout on inputs with "
                      f"{spatial_dims} spatial dimensions, a channel dimension, and an optional batch dimension "
                      f"(i.e. {unbatched}D or {batched}D inputs).", stacklevel=3)   # name the caller of dropout2d/3d


@public(function=False, functional=True)
def dropout1d(input, p=0.5, training=True, inplace=False):
    _check_probability(p)
    if input.dim() not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D input. Note that "
                           "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _unbatched_feature_dropout(input, p, training, inplace, batched=input.dim() == 3)


@public(function=False, functional=True)
def dropout2d(input, p=0.5, training=True, inplace=False):
    _check_probability(p)
    dims = input.dim()
    _warn_unless_channel_input("dropout2d", dims, spatial_dims=2)
    if dims == 3:
        # torch keeps its historical reading of a 3-D input: (N, C, L), not an unbatched (C, H, W)
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please "
                      "switch to using dropout1d instead.", stacklevel=2)
    return _dropout_impl(input, p, training, inplace, feature=True)


@public(function=False, functional=True)
def dropout3d(input, p=0.5, training=True, inplace=False):
    _check_probability(p)
    dims = input.dim()
    _warn_unless_channel_input("dropout3d", dims, spatial_dims=3)
    return _unbatched_feature_dropout(input, p, training, inplace, batched=dims == 5)


@public(function=False, functional=True)
def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks: dropped elements take SELU's negative saturation value (torch's default is
    training=False)."""
    _check_probability(p)
    return _dropout_impl(input, p, training, inplace, feature=False, alpha=True)


@public(function=False, functional=True)
def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    _check_probability(p)
    return _dropout_impl(input, p, training, inplace, feature=True, alpha=True)
