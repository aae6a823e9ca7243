"""torch.nn.init: fill a tensor in place (under no_grad) and return it. Formulas, defaults and errors as torch's;
the random streams are mtv2's own (see mtv2/_random.py), so values match torch's distributions, not its draws."""
import math
import warnings

import numpy as np
from scipy import special

from .. import _dtype
from .._random import numpy_generator
from ..autograd import no_grad
from ..creation import tensor as _tensor

_LINEAR_NONLINEARITIES = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                          "conv_transpose3d")


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity (torch's table)."""
    if nonlinearity in _LINEAR_NONLINEARITIES or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            negative_slope = param  # True/False would pass an int check, torch refuses them
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4  # torch's choice for self-normalizing networks
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    """(fan_in, fan_out): dim 1 and dim 0 times the receptive field (the product of the dims after 1)."""
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive_field_size = 1
    for size in tensor.shape[2:]:
        receptive_field_size *= size
    return tensor.shape[1] * receptive_field_size, tensor.shape[0] * receptive_field_size


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _refuse_non_floating(tensor, kernel):
    if not tensor.dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_dtype.scalar_type_name(tensor.dtype)}\'')


def _write(tensor, values):
    """Copy NumPy values into tensor without recording history."""
    with no_grad():
        tensor.copy_(_tensor(np.array(values, order="C"), dtype=tensor.dtype))
    return tensor


# ---------------------------------------------------------------- plain fills

def uniform_(tensor, a=0.0, b=1.0, generator=None):
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Normal(mean, std) restricted to [a, b], drawn by inverting the normal CDF on the allowed interval."""
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values "
                      "may be incorrect.", stacklevel=2)
    if tensor.numel() > 0:  # torch draws with normal_, which checks the dtype of non-empty tensors only
        _refuse_non_floating(tensor, "normal_kernel_cpu")
    low_cdf = special.ndtr((a - mean) / std)
    high_cdf = special.ndtr((b - mean) / std)
    uniforms = numpy_generator(generator).uniform(2 * low_cdf - 1, 2 * high_cdf - 1, tuple(tensor.shape))
    values = special.erfinv(uniforms) * (std * math.sqrt(2.0)) + mean
    return _write(tensor, np.clip(values, a, b))


def constant_(tensor, val):
    with no_grad():
        return tensor.fill_(val)


def ones_(tensor):
    return constant_(tensor, 1.0)


def zeros_(tensor):
    with no_grad():
        return tensor.zero_()


def eye_(tensor):
    """The identity in a 2-D tensor (ones on the main diagonal of a rectangle)."""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _write(tensor, np.eye(*tensor.shape))


def dirac_(tensor, groups=1):
    """A Dirac delta in a 3-, 4- or 5-D conv weight: each group's output channels pass their input through."""
    dimensions = tensor.dim()
    if dimensions not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tuple(tensor.shape)
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_channels_per_group = sizes[0] // groups
    values = np.zeros(sizes)
    centre = tuple(size // 2 for size in sizes[2:])
    for group in range(groups):
        for channel in range(min(out_channels_per_group, sizes[1])):
            values[(group * out_channels_per_group + channel, channel) + centre] = 1
    return _write(tensor, values)


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """A 2-D tensor drawn from Normal(0, std) with ceil(sparsity * rows) zeros in each column."""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, columns = tensor.shape
    zeros_per_column = math.ceil(sparsity * rows)
    rng = numpy_generator(generator)
    values = rng.normal(0.0, std, (rows, columns))
    for column in range(columns):
        values[rng.permutation(rows)[:zeros_per_column], column] = 0
    if tensor.numel() > 0:  # torch fills with normal_, which checks the dtype of non-empty tensors only
        _refuse_non_floating(tensor, "normal_kernel_cpu")
    return _write(tensor, values)


# ---------------------------------------------------------------- scaled by the fans

def xavier_uniform_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std  # a uniform on [-bound, bound] has this std
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor, a, mode, nonlinearity):
    fan = _calculate_correct_fan(tensor, mode)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def orthogonal_(tensor, gain=1, generator=None):
    """A (semi-)orthogonal matrix over dims (0, rest), from the QR decomposition of a normal draw."""
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor  # nothing to fill
    _refuse_non_floating(tensor, "normal_kernel_cpu")
    if tensor.dtype.itemsize == 2:  # no half QR on CPU
        raise NotImplementedError(f'"geqrf_cpu" not implemented for \'{_dtype.scalar_type_name(tensor.dtype)}\'')
    rows = tensor.shape[0]
    columns = tensor.numel() // rows
    flattened = numpy_generator(generator).standard_normal((rows, columns))
    if rows < columns:
        flattened = flattened.T
    q, r = np.linalg.qr(flattened)
    # fix the signs so the result is uniformly distributed (QR leaves them to the algorithm)
    q = q * np.sign(np.diagonal(r))
    if rows < columns:
        q = q.T
    return _write(tensor, (q * gain).reshape(tuple(tensor.shape)))
