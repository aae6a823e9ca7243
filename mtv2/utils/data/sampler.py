"""torch.utils.data.sampler: the orders in which a DataLoader visits a map-style dataset.

The random samplers make the same random calls as torch's, in the same order (a seed drawn with random_(), a fresh
Generator, then randperm / randint / multinomial), so their streams become torch's once mtv2's generator does.
"""
import itertools
import typing

from ... import _dtype
from ..._random import Generator
from ...creation import as_tensor, empty, randint, randperm
from ...ops.sampling import multinomial

__all__ = ["BatchSampler", "RandomSampler", "Sampler", "SequentialSampler", "SubsetRandomSampler",
           "WeightedRandomSampler"]

_T_co = typing.TypeVar("_T_co", covariant=True)

_DRAW_CHUNK = 32   # RandomSampler with replacement draws its indices 32 at a time, as torch's does


class Sampler(typing.Generic[_T_co]):
    """Base class: subclasses define __iter__ over indices (or lists of indices) and may define __len__."""

    def __iter__(self):
        raise NotImplementedError

    # No default __len__, for the reason given on Dataset.


class SequentialSampler(Sampler[int]):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


def _fresh_seed():
    """torch's way to seed a private generator: one int64 random_() draw from the default generator."""
    return int(empty((), dtype=_dtype.int64).random_().item())


class RandomSampler(Sampler[int]):
    """A random permutation (repeated and cut to num_samples), or num_samples draws with replacement."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")

    @property
    def num_samples(self):
        # read at each use: the dataset may grow or shrink between epochs
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        size = len(self.data_source)
        generator = self.generator
        if generator is None:
            generator = Generator()
            generator.manual_seed(_fresh_seed())
        count = self.num_samples
        if self.replacement:
            for chunk in [_DRAW_CHUNK] * (count // _DRAW_CHUNK) + [count % _DRAW_CHUNK]:
                yield from randint(high=size, size=(chunk,), dtype=_dtype.int64, generator=generator).tolist()
        else:
            for _ in range(count // size):
                yield from randperm(size, generator=generator).tolist()
            # torch draws this last permutation even when nothing of it is kept
            yield from randperm(size, generator=generator).tolist()[:count % size]

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """The given indices in a random order (a fresh permutation each epoch)."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for position in randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[position]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    """num_samples indices of range(len(weights)) drawn with probabilities proportional to the weights."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        weights = as_tensor(weights, dtype=_dtype.float64)
        if weights.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape {tuple(weights.shape)}")
        self.weights = weights
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        drawn = multinomial(self.weights, self.num_samples, self.replacement, generator=self.generator)
        yield from iter(drawn.tolist())

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler[typing.List[int]]):
    """Groups another sampler's indices into lists of batch_size (the last one shorter unless drop_last)."""

    def __init__(self, sampler, batch_size, drop_last):
        # no isinstance check on `sampler`: anything iterable works, including objects with only __getitem__
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        indices = iter(self.sampler)
        while True:
            batch = list(itertools.islice(indices, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield batch

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
