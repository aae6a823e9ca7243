"""mtv2.utils.data against torch.utils.data: datasets, samplers, DataLoader (in-process and with worker processes),
default_collate / default_convert, and the `torch` shim in a subprocess.

mtv2's random streams are not torch's yet, so shuffled orders are compared by their properties (a permutation, the
right counts, reproducible from a seeded generator within each framework), never element by element.
"""
import collections
import importlib
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

from ._compare import Scenarios, assert_same, raised

torch = pytest.importorskip("torch")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIOS = Scenarios()
WORKER_SCENARIOS = Scenarios()   # scenarios that start worker processes (slower: a few per test run)

Point = collections.namedtuple("Point", ["x", "y"])


def data(fw):
    """fw.utils.data (torch.utils.data or mtv2.utils.data)."""
    return importlib.import_module(f"{fw.__name__}.utils.data")


def collate_module(fw):
    return importlib.import_module(f"{fw.__name__}.utils.data._utils.collate")


def features(fw, rows=7):
    """A TensorDataset: rows of (float32 features [i, 10 + i], int64 label i)."""
    x = fw.stack([fw.arange(rows, dtype=fw.float32), fw.arange(10, 10 + rows, dtype=fw.float32)], 1)
    return data(fw).TensorDataset(x, fw.arange(rows))


def batches(loader):
    return [batch for batch in loader]


def labels_seen(loader):
    """The labels (second field) of every batch, flattened in order."""
    return [label for _, label_batch in loader for label in label_batch.tolist()]


def is_permutation(values, n):
    return sorted(values) == list(range(n))


class Squares:
    """A plain map-style dataset (not a Dataset subclass), as DataLoader accepts any indexable with __len__."""

    def __init__(self, n):
        self.n = n

    def __getitem__(self, index):
        if not 0 <= index < self.n:
            raise IndexError(index)
        return {"index": index, "square": float(index * index)}

    def __len__(self):
        return self.n


def stream(fw, n, with_len=True):
    """An IterableDataset subclass of fw's over range(n); it shards itself across DataLoader workers."""
    D = data(fw)

    class Stream(D.IterableDataset):
        def __iter__(self):
            info = D.get_worker_info()
            start, step = (0, 1) if info is None else (info.id, info.num_workers)
            return iter(range(start, n, step))

    if with_len:
        Stream.__len__ = lambda self: n
    return Stream()


def counting_iterable(fw, n):
    D = data(fw)

    class Counting(D.IterableDataset):
        def __iter__(self):
            return iter([fw.tensor([i, -i]) for i in range(n)])

    return Counting()


# ---------------------------------------------------------------- datasets

@SCENARIOS
def tensor_dataset(fw):
    ds = features(fw, 5)
    return [len(ds), list(ds[1]), list(ds[1:3]), type(ds[0]).__name__,
            raised(lambda: data(fw).TensorDataset(fw.zeros(3), fw.zeros(4)))]


@SCENARIOS
def concat_dataset(fw):
    D = data(fw)
    first, second = features(fw, 3), features(fw, 4)
    both = D.ConcatDataset([first, second])
    added = first + second
    return [len(both), both.cumulative_sizes, list(both[0]), list(both[3]), list(both[6]), list(both[-1]),
            list(both[-7]), raised(lambda: both[-8]), raised(lambda: both[7]), type(added).__name__, len(added),
            raised(lambda: D.ConcatDataset([])), raised(lambda: D.ConcatDataset([first, stream(fw, 3)])),
            D.ConcatDataset([range(2), range(3)])[3]]


@SCENARIOS
def chain_dataset(fw):
    D = data(fw)
    chained = D.ChainDataset([stream(fw, 3), stream(fw, 2)])
    added = stream(fw, 2) + stream(fw, 1)
    bad = D.ChainDataset([stream(fw, 2), features(fw, 2)])
    return [list(chained), len(chained), type(added).__name__, list(added), raised(lambda: list(bad)),
            raised(lambda: len(bad)), raised(lambda: len(D.ChainDataset([stream(fw, 2, with_len=False)])))]


@SCENARIOS
def stack_dataset(fw):
    D = data(fw)
    as_tuple = D.StackDataset(features(fw, 3), range(3))
    as_dict = D.StackDataset(feature=features(fw, 3), number=range(10, 13))
    nested = D.StackDataset(D.Subset(features(fw, 5), [4, 0, 2]), range(3))
    return [len(as_tuple), as_tuple[1][1], list(as_tuple[1][0]), as_dict[2]["number"], list(as_dict[2]["feature"]),
            [sample[1] for sample in as_tuple.__getitems__([2, 0])],
            [sample["number"] for sample in as_dict.__getitems__([1, 2])],
            [list(sample[0]) for sample in nested.__getitems__([0, 1])],
            raised(lambda: D.StackDataset(range(2), number=range(2))), raised(lambda: D.StackDataset()),
            raised(lambda: D.StackDataset(range(2), range(3))), raised(lambda: D.StackDataset(a=range(2), b=range(1)))]


@SCENARIOS
def subset(fw):
    D = data(fw)
    base = features(fw, 6)
    part = D.Subset(base, [5, 1, 3])

    class Batched(D.Dataset):
        def __getitem__(self, index):
            return index * 10

        def __getitems__(self, indices):
            return [("batched", index) for index in indices]

    class OnlyGetitem(D.Subset):
        def __getitem__(self, index):
            return 0

    class Both(D.Subset):
        def __getitem__(self, index):
            return 0

        def __getitems__(self, indices):
            return [0 for _ in indices]

    return [len(part), list(part[0]), list(part[-1]), part.__getitems__([0, 2])[1][1],
            D.Subset(Batched(), [7, 8, 9]).__getitems__([2, 0]), D.Subset(list("abcdef"), [4, 2])[1],
            raised(lambda: OnlyGetitem(base, [0])), len(Both(base, [0, 1])),
            [label for _, label in D.DataLoader(part, batch_size=2)]]


@SCENARIOS
def random_split_lengths_and_fractions(fw):
    D = data(fw)
    generator = fw.Generator().manual_seed(3)
    splits = D.random_split(range(10), [3, 7], generator=generator)
    thirds = D.random_split(range(10), [0.3, 0.3, 0.4], generator=fw.Generator().manual_seed(1))
    halves = D.random_split(range(5), [0.5, 0.5])
    uneven = D.random_split(range(7), [0.2, 0.2, 0.2, 0.2, 0.2])
    seen = [index for split in splits for index in split]
    again = [list(split) for split in D.random_split(range(10), [3, 7], generator=fw.Generator().manual_seed(3))]
    return [[len(split) for split in splits], is_permutation(seen, 10), type(splits[0]).__name__,
            [len(split) for split in thirds], [len(split) for split in halves], [len(split) for split in uneven],
            again == [list(split) for split in splits],
            is_permutation([index for split in thirds for index in split], 10)]


@SCENARIOS
def random_split_errors_and_warnings(fw):
    D = data(fw)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lengths = [len(split) for split in D.random_split(range(2), [0.8, 0.1, 0.1])]
    return [lengths, [str(w.message) for w in caught], raised(lambda: D.random_split(range(5), [2, 2])),
            raised(lambda: D.random_split(range(5), [1.5, -0.5])), raised(lambda: D.random_split(range(5), [6, -1]))]


@SCENARIOS
def dataset_base_classes(fw):
    D = data(fw)

    class Mine(D.Dataset):
        pass

    class Typed(D.Dataset[int]):   # generic, as users annotate it
        def __getitem__(self, index):
            return index

        def __len__(self):
            return 4

    return [raised(lambda: Mine()[0]), raised(lambda: len(Mine())), len(Typed()), Typed()[2],
            issubclass(D.IterableDataset, D.Dataset), isinstance(stream(fw, 2), collections.abc.Iterable),
            raised(lambda: iter(D.Sampler()).__next__()), raised(lambda: len(D.Sampler()))]


# ---------------------------------------------------------------- samplers

@SCENARIOS
def sequential_and_batch_samplers(fw):
    D = data(fw)
    sequential = D.SequentialSampler(range(7))
    return [list(sequential), len(sequential), list(D.BatchSampler(sequential, 3, False)),
            list(D.BatchSampler(sequential, 3, True)), len(D.BatchSampler(sequential, 3, False)),
            len(D.BatchSampler(sequential, 3, True)), list(D.BatchSampler(range(4), 2, True)),
            list(D.BatchSampler([], 2, False)), list(D.BatchSampler(iter(range(5)), 5, True)),
            raised(lambda: D.BatchSampler(sequential, 0, False)), raised(lambda: D.BatchSampler(sequential, 2.0, False)),
            raised(lambda: D.BatchSampler(sequential, True, False)), raised(lambda: D.BatchSampler(sequential, 2, 1)),
            raised(lambda: len(D.BatchSampler(iter(range(3)), 2, False)))]


@SCENARIOS
def random_sampler(fw):
    D = data(fw)
    plain = D.RandomSampler(range(10))
    twice = list(D.RandomSampler(range(10), num_samples=25))
    drawn = list(D.RandomSampler(range(6), replacement=True, num_samples=70))
    seeded = [list(D.RandomSampler(range(10), generator=fw.Generator().manual_seed(5))) for _ in range(2)]
    fw.manual_seed(11)
    first = list(D.RandomSampler(range(10)))
    fw.manual_seed(11)
    second = list(D.RandomSampler(range(10)))
    counts = collections.Counter(twice)
    return [len(plain), is_permutation(list(plain), 10), len(twice), is_permutation(twice[:10], 10),
            is_permutation(twice[10:20], 10), sorted(set(counts.values())), len(drawn), len(D.RandomSampler(
                range(6), replacement=True, num_samples=70)), all(0 <= i < 6 for i in drawn),
            all(type(i) is int for i in drawn + twice), seeded[0] == seeded[1], first == second,
            raised(lambda: D.RandomSampler(range(3), replacement=1)),
            raised(lambda: D.RandomSampler(range(3), num_samples=0)),
            raised(lambda: D.RandomSampler(range(3), num_samples=2.0)), raised(lambda: D.RandomSampler([]))]


@SCENARIOS
def random_sampler_follows_a_growing_dataset(fw):
    D = data(fw)
    items = list(range(3))
    sampler = D.RandomSampler(items)
    items.extend([3, 4])
    return [len(sampler), is_permutation(list(sampler), 5)]


@SCENARIOS
def subset_random_sampler(fw):
    D = data(fw)
    sampler = D.SubsetRandomSampler([7, 3, 9, 1])
    seeded = [list(D.SubsetRandomSampler([7, 3, 9, 1], generator=fw.Generator().manual_seed(2))) for _ in range(2)]
    return [len(sampler), sorted(sampler), seeded[0] == seeded[1], sorted(D.SubsetRandomSampler(range(3)))]


@SCENARIOS
def weighted_random_sampler(fw):
    D = data(fw)
    weights = [0.0, 1.0, 0.0, 3.0, 2.0]
    with_replacement = list(D.WeightedRandomSampler(weights, 200))
    without = list(D.WeightedRandomSampler(weights, 3, replacement=False))
    sampler = D.WeightedRandomSampler(fw.tensor([1, 2, 3]), 4)
    seeded = [list(D.WeightedRandomSampler(weights, 9, generator=fw.Generator().manual_seed(4))) for _ in range(2)]
    return [len(with_replacement), sorted(set(with_replacement)), sorted(without), sampler.weights.dtype,
            len(sampler), seeded[0] == seeded[1], all(type(i) is int for i in with_replacement),
            raised(lambda: D.WeightedRandomSampler(weights, 0)), raised(lambda: D.WeightedRandomSampler(weights, True)),
            raised(lambda: D.WeightedRandomSampler(weights, 2.0)),
            raised(lambda: D.WeightedRandomSampler(weights, 2, replacement=0)),
            raised(lambda: D.WeightedRandomSampler([[1.0, 2.0]], 2)),
            raised(lambda: list(D.WeightedRandomSampler(weights, 6, replacement=False))),
            raised(lambda: list(D.WeightedRandomSampler([0.0, 0.0], 2))),
            raised(lambda: list(D.WeightedRandomSampler([-1.0, 2.0], 2)))]


@SCENARIOS
def multinomial(fw):
    probabilities = fw.tensor([[0.0, 2.0, 0.0, 1.0], [5.0, 0.0, 0.0, 0.0]])
    fw.manual_seed(0)
    rows = fw.multinomial(probabilities, 6, replacement=True)
    distinct = fw.multinomial(fw.tensor([0.1, 0.2, 0.3, 0.4]), 4)
    method = fw.tensor([0.0, 0.0, 1.0]).multinomial(2, True)

    def bad(values, count, replacement=False):
        return raised(lambda: fw.multinomial(fw.tensor(values), count, replacement))

    return [rows.shape, rows.dtype, sorted(set(rows[0].tolist())), rows[1].tolist(), sorted(distinct.tolist()),
            method, fw.multinomial(fw.tensor([1.0, 1.0]), 1).shape, fw.multinomial(fw.zeros(0, 3), 2, True).shape,
            bad([[[1.0]]], 1), raised(lambda: fw.multinomial(fw.tensor([1, 2]), 1)), bad([1.0, 2.0], 0),
            bad([1.0, 2.0], 3), bad([0.0, 0.0], 2, True), bad([-1.0, 1.0], 2, True), bad([float("nan"), 1.0], 1),
            bad([float("inf"), 1.0], 2, True), bad([], 1), raised(lambda: fw.multinomial(fw.ones(2), 1, "yes"))]


# ---------------------------------------------------------------- DataLoader: batching and options

@SCENARIOS
def loader_batches_a_tensor_dataset(fw):
    D = data(fw)
    ds = features(fw, 7)
    return [batches(D.DataLoader(ds, batch_size=3)), batches(D.DataLoader(ds, batch_size=3, drop_last=True)),
            len(D.DataLoader(ds, batch_size=3)), len(D.DataLoader(ds, batch_size=3, drop_last=True)),
            len(D.DataLoader(ds)), batches(D.DataLoader(ds, batch_size=None))[:2],
            len(D.DataLoader(ds, batch_size=None)), batches(D.DataLoader(ds, batch_size=10))]


@SCENARIOS
def loader_collates_dicts_and_numbers(fw):
    D = data(fw)
    loader = D.DataLoader(Squares(5), batch_size=2)
    return [batches(loader), batches(D.DataLoader(list(range(5)), batch_size=2)),
            batches(D.DataLoader([1.5, 2.5, 3.5], batch_size=2)), batches(D.DataLoader(Squares(2), batch_size=None)),
            batches(D.DataLoader([np.float32(1), np.float32(2)], batch_size=2)),
            batches(D.DataLoader([np.arange(2), np.arange(2, 4)], batch_size=None)),
            batches(D.DataLoader(["a", "b", "c"], batch_size=2))]


@SCENARIOS
def loader_shuffles(fw):
    D = data(fw)
    ds = features(fw, 10)
    shuffled = D.DataLoader(ds, batch_size=4, shuffle=True)
    seeded = [labels_seen(D.DataLoader(ds, batch_size=4, shuffle=True, generator=fw.Generator().manual_seed(8)))
              for _ in range(2)]
    fw.manual_seed(21)
    first = labels_seen(D.DataLoader(ds, batch_size=4, shuffle=True))
    fw.manual_seed(21)
    second = labels_seen(D.DataLoader(ds, batch_size=4, shuffle=True))
    sizes = [label.shape for _, label in shuffled]
    return [type(shuffled.sampler).__name__, len(shuffled), sizes, is_permutation(labels_seen(shuffled), 10),
            is_permutation(labels_seen(shuffled), 10), seeded[0] == seeded[1], first == second,
            shuffled.sampler.generator is None]


@SCENARIOS
def loader_with_samplers(fw):
    D = data(fw)
    ds = features(fw, 6)
    by_sampler = D.DataLoader(ds, batch_size=2, sampler=[5, 0, 3])
    by_batches = D.DataLoader(ds, batch_sampler=[[4, 1], [2], [0, 5, 3]])
    single = D.DataLoader(ds, batch_size=None, sampler=[2, 4])
    return [batches(by_sampler), len(by_sampler), batches(by_batches), len(by_batches), by_batches.batch_size,
            by_batches.drop_last, batches(single), type(D.DataLoader(ds).sampler).__name__,
            type(D.DataLoader(ds).batch_sampler).__name__, D.DataLoader(ds, batch_size=None).batch_sampler,
            batches(D.DataLoader(ds, batch_size=4, sampler=D.SequentialSampler(ds), drop_last=True))]


@SCENARIOS
def loader_custom_collate_fn(fw):
    D = data(fw)
    ds = features(fw, 5)
    summed = D.DataLoader(ds, batch_size=2, collate_fn=lambda samples: sum(int(label) for _, label in samples))
    raw = D.DataLoader(range(3), batch_size=None, collate_fn=lambda sample: sample * 10)
    return [batches(summed), batches(raw), batches(D.DataLoader(Squares(3), batch_size=2, collate_fn=list))]


@SCENARIOS
def loader_iterable_dataset(fw):
    D = data(fw)
    loader = D.DataLoader(stream(fw, 7), batch_size=3)
    return [batches(loader), len(loader), len(D.DataLoader(stream(fw, 7), batch_size=3, drop_last=True)),
            batches(D.DataLoader(stream(fw, 7), batch_size=3, drop_last=True)),
            batches(D.DataLoader(stream(fw, 3), batch_size=None)), len(D.DataLoader(stream(fw, 3), batch_size=None)),
            batches(D.DataLoader(counting_iterable(fw, 3), batch_size=2)),
            raised(lambda: len(D.DataLoader(stream(fw, 3, with_len=False)))),
            type(loader.sampler).__name__, batches(D.DataLoader(stream(fw, 4), batch_size=2, shuffle=False))]


@SCENARIOS
def loader_warns_when_an_iterable_yields_more_than_its_len(fw):
    D = data(fw)

    class Liar(D.IterableDataset):
        def __iter__(self):
            return iter(range(5))

        def __len__(self):
            return 2

    loader = D.DataLoader(Liar(), batch_size=None)
    len(loader)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        items = batches(loader)
    return [items, len(caught), type(caught[0].message).__name__, str(caught[0].message).split(" was reported")[1]]


@SCENARIOS
def loader_option_errors(fw):
    D = data(fw)
    ds = features(fw, 4)
    loader = D.DataLoader(ds)
    attempts = {
        "iterable_shuffle": lambda: D.DataLoader(stream(fw, 3), shuffle=True),
        "iterable_sampler": lambda: D.DataLoader(stream(fw, 3), sampler=[0]),
        "iterable_batch_sampler": lambda: D.DataLoader(stream(fw, 3), batch_sampler=[[0]]),
        "sampler_and_shuffle": lambda: D.DataLoader(ds, sampler=[0, 1], shuffle=True),
        "batch_sampler_and_batch_size": lambda: D.DataLoader(ds, batch_sampler=[[0]], batch_size=2),
        "batch_sampler_and_shuffle": lambda: D.DataLoader(ds, batch_sampler=[[0]], shuffle=True),
        "batch_sampler_and_sampler": lambda: D.DataLoader(ds, batch_sampler=[[0]], sampler=[0]),
        "batch_sampler_and_drop_last": lambda: D.DataLoader(ds, batch_sampler=[[0]], drop_last=True),
        "no_batch_size_and_drop_last": lambda: D.DataLoader(ds, batch_size=None, drop_last=True),
        "negative_workers": lambda: D.DataLoader(ds, num_workers=-1),
        "negative_timeout": lambda: D.DataLoader(ds, timeout=-1),
        "prefetch_without_workers": lambda: D.DataLoader(ds, prefetch_factor=2),
        "negative_prefetch": lambda: D.DataLoader(ds, num_workers=1, prefetch_factor=-1),
        "persistent_without_workers": lambda: D.DataLoader(ds, persistent_workers=True),
        "context_without_workers": lambda: D.DataLoader(ds, multiprocessing_context="fork"),
        "unknown_context": lambda: D.DataLoader(ds, num_workers=1, multiprocessing_context="teleport"),
        "context_not_a_context": lambda: D.DataLoader(ds, num_workers=1, multiprocessing_context=3),
        "zero_batch_size": lambda: D.DataLoader(ds, batch_size=0),
        "set_batch_size": lambda: setattr(loader, "batch_size", 2),
        "set_sampler": lambda: setattr(loader, "sampler", [0]),
        "set_dataset": lambda: setattr(loader, "dataset", ds),
        "iterate_bad_index": lambda: batches(D.DataLoader(ds, sampler=[9])),
        "collate_mismatched_shapes": lambda: batches(D.DataLoader([fw.zeros(2), fw.zeros(3)], batch_size=2)),
    }
    loader.num_workers = 0   # not a frozen attribute
    return {name: raised(attempt) for name, attempt in attempts.items()}


@SCENARIOS
def loader_attributes(fw):
    D = data(fw)
    ds = features(fw, 4)
    loader = D.DataLoader(ds, batch_size=2)
    workers = D.DataLoader(ds, num_workers=1)
    iterator = iter(loader)
    return [loader.batch_size, loader.drop_last, loader.num_workers, loader.pin_memory, loader.timeout,
            loader.prefetch_factor, workers.prefetch_factor, loader.persistent_workers, loader.in_order,
            loader.collate_fn is D.default_collate, D.DataLoader(ds, batch_size=None).collate_fn is D.default_convert,
            loader.multiprocessing_context, loader._dataset_kind, D.DataLoader(stream(fw, 2))._dataset_kind,
            len(iterator), iter(iterator) is iterator, loader.generator, raised(lambda: iterator.__getstate__()),
            D.get_worker_info()]


@SCENARIOS
def loader_pin_memory_warns_on_cpu(fw):
    D = data(fw)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loader = D.DataLoader(features(fw, 3), batch_size=2, pin_memory=True)
        built = len(caught)
        result = batches(loader)
    return [built, [(type(w.message).__name__, str(w.message)) for w in caught], result]


@SCENARIOS
def loader_draws_its_base_seed_from_the_generator(fw):
    """Each iterator draws one int64 from loader.generator (torch's base seed), shuffled or not."""
    D = data(fw)
    generator = fw.Generator().manual_seed(6)
    reference = fw.Generator().manual_seed(6)
    list(D.DataLoader(range(4), generator=generator))
    fw.empty((), dtype=fw.int64).random_(generator=reference)
    return [generator.get_state().tolist() == reference.get_state().tolist()]


@SCENARIOS
def random_calls_are_torchs(fw):
    """Each sampler's indices are exactly the draws torch's makes, in the same order, from the same generator: the
    streams then match torch's as soon as mtv2's generator does."""
    D = data(fw)

    def seeded():
        return fw.Generator().manual_seed(13)

    def draws_from_default(action):
        fw.manual_seed(5)
        action()
        after_action = fw.get_rng_state()
        fw.manual_seed(5)
        return after_action

    with_replacement = list(D.RandomSampler(range(6), replacement=True, num_samples=70, generator=seeded()))
    generator = seeded()
    chunks = [fw.randint(high=6, size=(size,), dtype=fw.int64, generator=generator).tolist() for size in (32, 32, 6)]
    repeated = list(D.RandomSampler(range(4), num_samples=10, generator=seeded()))
    generator = seeded()
    permutations = [fw.randperm(4, generator=generator).tolist() for _ in range(3)]
    weights = [0.5, 2.0, 1.0]
    generator = seeded()
    split = D.random_split(range(6), [2, 4], generator=seeded())
    order = fw.randperm(6, generator=generator).tolist()
    generator = seeded()
    subset_order = [[9, 8, 7][i] for i in fw.randperm(3, generator=generator).tolist()]

    def one_int64_draw():
        fw.empty((), dtype=fw.int64).random_()

    shuffled_epoch = draws_from_default(lambda: list(D.DataLoader(range(4), shuffle=True)))
    two_draws = draws_from_default(lambda: [one_int64_draw(), one_int64_draw()])
    plain_epoch = draws_from_default(lambda: list(D.DataLoader(range(4))))
    one_draw = draws_from_default(one_int64_draw)
    return [with_replacement == sum(chunks, []), repeated == permutations[0] + permutations[1] + permutations[2][:2],
            list(D.WeightedRandomSampler(weights, 5, generator=seeded())) ==
            fw.multinomial(fw.tensor(weights, dtype=fw.float64), 5, True, generator=seeded()).tolist(),
            list(D.WeightedRandomSampler(weights, 2, replacement=False, generator=seeded())) ==
            fw.multinomial(fw.tensor(weights, dtype=fw.float64), 2, False, generator=seeded()).tolist(),
            [list(part) for part in split] == [order[:2], order[2:]],
            list(D.SubsetRandomSampler([9, 8, 7], generator=seeded())) == subset_order,
            fw.equal(shuffled_epoch, two_draws), fw.equal(plain_epoch, one_draw)]


# ---------------------------------------------------------------- default_collate / default_convert

@SCENARIOS
def collate_tensors_numbers_strings(fw):
    collate = data(fw).default_collate
    return [collate([fw.tensor([1.0, 2.0]), fw.tensor([3.0, 4.0])]), collate([fw.tensor(1), fw.tensor(2)]),
            collate([1, 2, 3]), collate([1.5, 2.5]), collate([True, False]), collate([1, True]),
            collate(["a", "b"]), [(type(b).__name__, b.decode()) for b in collate([b"x", b"y"])], collate([fw.tensor([1.0], dtype=fw.float64)] * 2),
            collate([fw.zeros(2, 3, dtype=fw.int32)] * 3).shape, collate([fw.zeros(2, dtype=fw.bool)] * 2)]


@SCENARIOS
def collate_numpy_values(fw):
    collate = data(fw).default_collate
    return [collate([np.array([1.0, 2.0], dtype=np.float32), np.array([3.0, 4.0], dtype=np.float32)]),
            collate([np.arange(3), np.arange(3)]), collate([np.float32(1.5), np.float32(2.5)]),
            collate([np.float64(1.5), np.float32(2.5)]), collate([np.int32(1), np.int32(2)]),
            collate([np.bool_(True), np.bool_(False)]), collate([np.float64(0.5), np.float64(1)]),
            collate([np.array(3.0), np.array(4.0)]), raised(lambda: collate([np.array(["a"]), np.array(["b"])])),
            raised(lambda: collate([np.array([object()])] * 2))]


@SCENARIOS
def collate_containers(fw):
    collate = data(fw).default_collate
    ordered = collate([collections.OrderedDict(a=1, b=2.0), collections.OrderedDict(a=3, b=4.0)])
    points = collate([Point(1, 2.0), Point(3, 4.0)])
    nested = collate([{"x": (1, [2.0, "s"]), "y": {"z": fw.ones(2)}}, {"x": (3, [4.0, "t"]), "y": {"z": fw.zeros(2)}}])
    return [collate([{"a": 1, "b": "u"}, {"a": 2, "b": "v"}]), type(ordered).__name__, dict(ordered),
            type(points).__name__, list(points), collate([(1, 2.0), (3, 4.0)]), collate([[1, 2], [3, 4]]),
            type(collate([(1, "a"), (2, "b")])[1]).__name__, nested,
            raised(lambda: collate([[1, 2], [3]])), raised(lambda: collate([object(), object()])),
            raised(lambda: collate([None, None])), raised(lambda: collate([{"a": 1}, {"b": 2}])),
            raised(lambda: collate([fw.zeros(2), fw.zeros(3)]))]


@SCENARIOS
def convert_values(fw):
    convert = data(fw).default_convert
    points = convert(Point(np.float32(1), 2))
    mixed = convert({"a": np.arange(2), "b": (np.float64(3.0), "s"), "c": [np.int32(4)], "d": np.array(["u"])})
    return [convert(np.arange(3)), convert(np.float32(2.5)), convert(5), convert(2.5), convert("text"),
            convert(fw.ones(2)), type(points).__name__, list(points), convert((np.arange(2), 1)), mixed["a"],
            mixed["b"], mixed["c"], type(mixed["d"]).__name__, convert([np.arange(2)]), convert(None)]


@SCENARIOS
def collate_with_a_custom_map(fw):
    C = collate_module(fw)

    def collate_text(batch, *, collate_fn_map=None):
        return "|".join(batch)

    extended = {**C.default_collate_fn_map, str: collate_text}
    samples = [{"text": "a", "n": 1}, {"text": "b", "n": 2}]
    return [C.collate(samples, collate_fn_map=extended), C.collate([(1, "x"), (2, "y")], collate_fn_map=extended),
            sorted(key.__name__ if isinstance(key, type) else "tuple" for key in C.default_collate_fn_map)]


# ---------------------------------------------------------------- worker processes

class CheckWorkerIdentity:
    """worker_init_fn: inside worker `worker_id`, get_worker_info() describes that worker (else the first batch
    fails with the AssertionError)."""

    def __init__(self, data_module):
        self.data_module = data_module

    def __call__(self, worker_id):
        info = self.data_module.get_worker_info()
        assert info is not None and info.id == worker_id and info.num_workers == 2


@WORKER_SCENARIOS
def workers_batch_in_order(fw):
    D = data(fw)
    ds = features(fw, 11)
    loader = D.DataLoader(ds, batch_size=2, num_workers=2)
    stream_loader = D.DataLoader(stream(fw, 9), batch_size=2, num_workers=2)
    return [batches(loader), len(loader), sorted(value for batch in stream_loader for value in batch.tolist()),
            batches(D.DataLoader(Squares(3), batch_size=None, num_workers=2))]


class ShapesOfWorkers:
    """A map-style dataset reporting which worker fetched each index and what that worker's info said."""

    def __init__(self, data_module):
        self.data_module = data_module

    def __getitem__(self, index):
        info = self.data_module.get_worker_info()
        return {"index": index, "num_workers": info.num_workers, "worker_in_range": 0 <= info.id < info.num_workers,
                "dataset_is_copy": info.dataset is not None, "seed_is_int": isinstance(info.seed, int)}

    def __len__(self):
        return 6


@WORKER_SCENARIOS
def workers_see_their_worker_info(fw):
    D = data(fw)
    loader = D.DataLoader(ShapesOfWorkers(D), batch_size=None, num_workers=2)
    return [batches(loader), D.get_worker_info()]


class FailsAt:
    def __init__(self, bad_index, error):
        self.bad_index, self.error = bad_index, error

    def __getitem__(self, index):
        if index == self.bad_index:
            raise self.error(f"bad index {index}")
        return index

    def __len__(self):
        return 5


@WORKER_SCENARIOS
def workers_reraise_errors(fw):
    D = data(fw)
    results = []
    for error in (ValueError, KeyError, IndexError):
        loader = D.DataLoader(FailsAt(3, error), batch_size=None, num_workers=2)
        seen = []

        def run():
            for item in loader:
                seen.append(item)

        results.append([raised(run), seen])
    return results


@WORKER_SCENARIOS
def workers_persist_between_epochs(fw):
    D = data(fw)
    loader = D.DataLoader(features(fw, 5), batch_size=2, num_workers=2, persistent_workers=True)
    first, second = labels_seen(loader), labels_seen(loader)
    shuffled = D.DataLoader(features(fw, 8), batch_size=3, num_workers=2, shuffle=True, persistent_workers=True)
    iterable = D.DataLoader(stream(fw, 5), batch_size=2, num_workers=2, persistent_workers=True)
    epochs = [sorted(value for batch in iterable for value in batch.tolist()) for _ in range(2)]
    return [first, second, is_permutation(labels_seen(shuffled), 8), is_permutation(labels_seen(shuffled), 8),
            epochs]


@WORKER_SCENARIOS
def workers_run_worker_init_fn_and_out_of_order(fw):
    D = data(fw)
    loader = D.DataLoader(range(8), batch_size=3, num_workers=2, worker_init_fn=CheckWorkerIdentity(D), in_order=False)
    return [sorted(value for batch in loader for value in batch.tolist())]


@pytest.mark.parametrize("scenario", SCENARIOS.params())
def test_data(scenario):
    assert_same(scenario)


@pytest.mark.parametrize("scenario", WORKER_SCENARIOS.params())
def test_data_with_workers(scenario):
    assert_same(scenario)


def test_worker_seeds_follow_torchs_rule():
    """A worker seeds Python's random with base_seed + id and numpy with torch's SeedSequence-derived words."""
    from torch.utils.data._utils.worker import _generate_state

    from mtv2.utils.data._utils.worker import _numpy_seed
    for base_seed, worker_id in [(0, 0), (123456789012345, 3), (2 ** 63 - 1, 7), (2 ** 32, 1)]:
        assert list(_numpy_seed(base_seed, worker_id)) == _generate_state(base_seed, worker_id)


def test_distributed_sampler():
    from torch.utils.data.distributed import DistributedSampler as TorchSampler

    from mtv2.utils.data.distributed import DistributedSampler
    for size, replicas, drop_last in [(10, 3, False), (10, 3, True), (2, 4, False), (9, 3, True)]:
        for rank in range(replicas):
            expected = TorchSampler(range(size), replicas, rank, shuffle=False, drop_last=drop_last)
            actual = DistributedSampler(range(size), replicas, rank, shuffle=False, drop_last=drop_last)
            assert list(actual) == list(expected) and len(actual) == len(expected)
    shares = [list(DistributedSampler(range(10), 2, rank, seed=4)) for rank in range(2)]
    assert sorted(shares[0] + shares[1]) == list(range(10))
    sampler = DistributedSampler(range(10), 2, 0)
    before = list(sampler)
    assert list(sampler) == before   # the permutation is seeded with seed + epoch
    sampler.set_epoch(1)
    assert sampler.epoch == 1 and len(list(sampler)) == 5
    with pytest.raises(ValueError):
        DistributedSampler(range(4), 2, 2)
    with pytest.raises(RuntimeError, match="Requires distributed package"):
        DistributedSampler(range(4))   # no process group: torch.distributed is not available in mtv2


def test_torch_utils_data_names_are_all_there():
    import torch.utils.data as torch_data

    import mtv2.utils.data as mtv2_data
    datapipes = {"DFIterDataPipe", "DataChunk", "IterDataPipe", "MapDataPipe", "argument_validation",
                 "functional_datapipe", "guaranteed_datapipes_determinism", "non_deterministic", "runtime_validation",
                 "runtime_validation_disabled"}
    assert set(torch_data.__all__) - datapipes <= set(mtv2_data.__all__)
    for name in mtv2_data.__all__:
        assert getattr(mtv2_data, name) is not None


def run_python(code, timeout=180):
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=timeout)


def test_torch_utils_data_under_the_shim():
    done = run_python("""
        import sys
        import mtv2, mtv2.compat
        mtv2.compat.install_torch_shim()
        import torch
        from torch.utils.data import DataLoader, Dataset, IterableDataset, RandomSampler, SequentialSampler
        from torch.utils.data.distributed import DistributedSampler
        from torch.utils.data._utils.collate import default_collate_fn_map
        import torch.utils.data
        assert DataLoader is mtv2.utils.data.DataLoader and torch.utils.data is mtv2.utils.data

        class Pairs(Dataset):
            def __len__(self):
                return 5
            def __getitem__(self, index):
                return {"x": torch.full((2,), float(index)), "y": index}

        seen = [batch for batch in DataLoader(Pairs(), batch_size=2, shuffle=True)]
        assert [tuple(batch["x"].shape) for batch in seen] == [(2, 2), (2, 2), (1, 2)]
        assert sorted(sum((batch["y"].tolist() for batch in seen), [])) == [0, 1, 2, 3, 4]
        assert isinstance(seen[0]["x"], torch.Tensor) and seen[0]["y"].dtype == torch.int64
        workers = [batch.tolist() for batch in DataLoader(range(5), batch_size=2, num_workers=2)]
        assert workers == [[0, 1], [2, 3], [4]], workers
        from transformers.trainer_pt_utils import DistributedSamplerWithLoop   # imports DistributedSampler
        import math, transformers
        from transformers.pipelines.pt_utils import PipelineDataset, PipelineIterator

        # a training loop over a DataLoader with transformers' default_data_collator
        config = transformers.BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                         intermediate_size=20, max_position_embeddings=16, num_labels=3)
        model = transformers.BertForSequenceClassification(config)

        class Examples(Dataset):
            ids = torch.randint(1, 50, (6, 8))
            def __len__(self):
                return 6
            def __getitem__(self, index):
                return {"input_ids": self.ids[index], "attention_mask": torch.ones(8, dtype=torch.long),
                        "labels": index % 3}

        loader = DataLoader(Examples(), batch_size=4, shuffle=True, collate_fn=transformers.default_data_collator)
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
        losses = []
        for epoch in range(2):
            for batch in loader:
                assert batch["labels"].dtype == torch.int64 and tuple(batch["input_ids"].shape)[1] == 8
                optimizer.zero_grad()
                loss = model(**batch).loss
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
        assert len(losses) == 4 and all(math.isfinite(loss) for loss in losses), losses

        # the pipelines' path: a PipelineDataset through a DataLoader, unbatched again by a PipelineIterator
        dataset = PipelineDataset(list(range(5)), lambda i: {"input_ids": torch.full((1, 4), i + 1)}, {})
        batched = DataLoader(dataset, batch_size=2,
                             collate_fn=lambda items: {"input_ids": torch.cat([x["input_ids"] for x in items])})
        outputs = list(PipelineIterator(batched, lambda b: {"logits": model(input_ids=b["input_ids"]).logits}, {},
                                        loader_batch_size=2))
        assert len(outputs) == 5 and tuple(outputs[0]["logits"].shape) == (1, 3)
        assert not any(getattr(m, "__file__", "") and "site-packages/torch/" in m.__file__
                       for m in list(sys.modules.values()))
        print("ok")
    """)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("ok")
