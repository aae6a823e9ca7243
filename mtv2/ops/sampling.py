"""multinomial: category indices drawn from rows of (unnormalized) probabilities.

The draws follow torch's CPU kernel call for call on mtv2's generator (torch's streams), so the indices are
torch's: without replacement (or for a single sample) one exponential_ fill and the top `num_samples` of p / q (the
Gumbel-max trick, exponentiated); with replacement one float64 uniform per sample, row by row, looked up in the
row's normalized cumulative distribution.
"""
import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ._surface import public

_MAX_CATEGORIES = 2 ** 24   # torch: the largest count of categories a float32 index still tells apart


@public(method=True)
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """torch.multinomial: int64 indices of shape (num_samples,) or (rows, num_samples); not differentiable."""
    if not isinstance(input, Tensor):
        raise TypeError(f"multinomial(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if not isinstance(replacement, bool):
        raise TypeError(f"multinomial(): argument 'replacement' (position 3) must be bool, not "
                        f"{type(replacement).__name__}")
    num_samples = _sample_count(num_samples)
    if out is not None and out.dtype is not _dtype.int64:
        raise RuntimeError(f"multinomial expects Long tensor out, got: {_dtype.scalar_type_name(out.dtype)}")
    if input.ndim not in (1, 2):
        raise RuntimeError(f"multinomial: prob_dist must be 1 or 2 dim, got a {input.ndim}-dim input of shape "
                           f"{list(input.shape)}")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{_dtype.scalar_type_name(input.dtype)}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    categories = input.shape[-1]
    if not replacement and num_samples > categories:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if categories > _MAX_CATEGORIES:
        raise RuntimeError("number of categories cannot exceed 2^24")
    shape = (num_samples,) if input.ndim == 1 else (input.shape[0], num_samples)
    probabilities = input.detach()
    if int(np.prod(shape)) == 0:
        result = _empty_indices(shape)
    elif not replacement or num_samples == 1:
        result = _sample_by_exponential_race(probabilities, num_samples, generator)
    else:
        result = _sample_with_replacement(probabilities, num_samples, generator)
    if out is not None:
        if tuple(out.shape) != shape:   # torch would resize `out`; mtv2 tensors do not resize in place yet
            raise RuntimeError(f"multinomial: out has shape {list(out.shape)}, expected {list(shape)}")
        return out.copy_(result)
    return result


def _sample_count(num_samples):
    """torch's int argument: a Python or NumPy integer, or an integer tensor of one element; never a bool."""
    if isinstance(num_samples, Tensor) and num_samples.numel() == 1 and not num_samples.dtype.is_floating_point \
            and num_samples.dtype is not _dtype.bool:
        return int(num_samples.item())
    if isinstance(num_samples, (bool, np.bool_)) or not isinstance(num_samples, (int, np.integer)):
        raise TypeError(f"multinomial(): argument 'num_samples' (position 2) must be int, not "
                        f"{type(num_samples).__name__}")
    return int(num_samples)


def _empty_indices(shape):
    from ..creation import empty
    return empty(shape, dtype=_dtype.int64)


def _sample_by_exponential_race(probabilities, num_samples, generator):
    """argmax / top-k of p / q with q ~ Exp(1): each row's categories race, the fastest win (no repeats)."""
    from ..creation import empty_like
    from .reduction import argmax
    from .scan_sort import topk
    values = probabilities._data
    if values.size == 0:   # torch checks through aminmax, which refuses an empty dimension
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                           "identity.")
    if not (values.max() < np.inf and values.min() >= 0):   # NaN fails both comparisons, as in torch
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if np.any(values.sum(axis=-1) == 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    race = probabilities / empty_like(probabilities).exponential_(1, generator=generator)
    if num_samples == 1:
        return argmax(race, dim=-1, keepdim=True)
    return topk(race, num_samples).indices


def _sample_with_replacement(probabilities, num_samples, generator):
    """One float64 uniform per sample, row after row, placed in the row's cumulative distribution."""
    from ..creation import empty, tensor
    rows = probabilities._data.reshape(-1, probabilities.shape[-1]).astype(np.float64)
    for row in rows:
        # torch's kernel meets the entries in order, testing `>= 0` before finiteness (so NaN reports as "< 0"),
        # and a row's sum only after all its entries
        negative, infinite = ~(row >= 0), ~np.isfinite(row)
        if negative.any() and (not infinite.any() or negative.argmax() <= infinite.argmax()):
            raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
        if infinite.any():
            raise RuntimeError("invalid multinomial distribution (encountering probability entry = infinity or NaN)")
        if not row.sum() > 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    uniforms = empty((rows.shape[0], num_samples), dtype=_dtype.float64).uniform_(0, 1, generator=generator)._data
    indices = np.empty((rows.shape[0], num_samples), dtype=np.int64)
    # torch accumulates in the input's dtype (float for half and bfloat16), one entry after the other, and divides by
    # that running sum
    accumulate = np.float64 if probabilities.dtype is _dtype.float64 else np.float32
    for i, row in enumerate(probabilities._data.reshape(rows.shape)):
        cumulative = np.cumsum(row, dtype=accumulate)
        cumulative /= cumulative[-1]
        cumulative[-1] = 1.0   # rounding must not leave the last category unreachable
        # the first category whose cumulative probability reaches the draw: torch's binary search
        indices[i] = np.searchsorted(cumulative, uniforms[i], side="left")
    shape = (num_samples,) if probabilities.ndim == 1 else (probabilities.shape[0], num_samples)
    return tensor(indices.reshape(shape), dtype=_dtype.int64)
