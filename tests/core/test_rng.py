"""mtv2's generator is torch's CPU generator: raw mt19937 draws, seeding, get/set_rng_state bytes (moved across the
two frameworks both ways), the cached normal, and each distribution kernel of mtv2/ops/_draws.py against the
values torch 2.13's CPU kernels write, bit for bit. The public ops built on them are compared in
conformance/test_rng.py (kind=rng rows).
"""
import pickle

import ml_dtypes
import numpy as np
import pytest
import torch

import mtv2
from mtv2.ops import _draws

NUMPY_TYPE = {torch.float32: np.float32, torch.float64: np.float64, torch.float16: np.float16,
              torch.bfloat16: ml_dtypes.bfloat16, torch.int64: np.int64, torch.int32: np.int32, torch.int16: np.int16,
              torch.int8: np.int8, torch.uint8: np.uint8, torch.bool: np.bool_}
FLOATS = (torch.float32, torch.float64, torch.float16, torch.bfloat16)


def as_numpy(tensor):
    if tensor.dtype == torch.bfloat16:
        return tensor.float().numpy().astype(ml_dtypes.bfloat16)
    return tensor.numpy()


def assert_bitwise_equal(mine, theirs):
    mine, theirs = np.asarray(mine), np.asarray(theirs)
    assert (mine.dtype, mine.shape) == (theirs.dtype, theirs.shape)
    if mine.dtype.kind == "f" or mine.dtype.name == "bfloat16":
        mine, theirs = mine.view(f"u{mine.dtype.itemsize}"), theirs.view(f"u{theirs.dtype.itemsize}")
    differ = np.nonzero(mine != theirs)[0]
    assert differ.size == 0, f"{differ.size} of {mine.size} differ, first at {differ[:5]}"


def state_of(generator):
    return bytes(generator.get_state().numpy()) if isinstance(generator, torch.Generator) else \
        generator.state_bytes()


def in_step(torch_draw, mtv2_draw, seed=1):
    """Both draws from generators seeded alike: the values, then the generators' states, must agree."""
    theirs, ours = torch.Generator().manual_seed(seed), mtv2.Generator().manual_seed(seed)
    assert_bitwise_equal(mtv2_draw(ours), as_numpy(torch_draw(theirs)))
    assert state_of(ours) == state_of(theirs)


# ---------------------------------------------------------------- the generator

@pytest.mark.parametrize("seed", [0, 1, 123, 2 ** 32 - 1, 2 ** 32 + 5, 2 ** 63, 2 ** 64 - 1, -1, -2 ** 63])
def test_seeding_gives_torchs_state_and_stream(seed):
    torch.manual_seed(seed)
    mtv2.manual_seed(seed)
    assert bytes(mtv2.get_rng_state().numpy()) == bytes(torch.get_rng_state().numpy())
    assert mtv2.initial_seed() == torch.initial_seed()
    # randint below 2**28 is one 32-bit draw modulo the range
    words = mtv2.default_generator.random(2000)
    assert_bitwise_equal(words.astype(np.int64) % 2 ** 27, torch.randint(0, 2 ** 27, (2000,)).numpy())
    assert bytes(mtv2.get_rng_state().numpy()) == bytes(torch.get_rng_state().numpy())


def test_seed_bounds_and_types():
    for bad in (2 ** 64, -2 ** 63 - 1):
        with pytest.raises(ValueError):
            torch.manual_seed(bad)
        with pytest.raises(ValueError):
            mtv2.manual_seed(bad)
    for seed in (np.int64(5), 7.9, True, "3"):
        torch.manual_seed(seed)
        mtv2.manual_seed(seed)
        assert mtv2.initial_seed() == torch.initial_seed()


def test_a_new_generator_has_torchs_default_seed():
    assert mtv2.Generator().initial_seed() == torch.Generator().initial_seed()
    assert mtv2.Generator().state_bytes() == state_of(torch.Generator())


def test_seed_draws_a_fresh_64_bit_seed():
    generator = mtv2.Generator()
    seeds = {generator.seed() for _ in range(4)}
    assert len(seeds) == 4 and generator.initial_seed() in seeds
    assert generator.state_bytes() == state_of(torch.Generator().manual_seed(generator.initial_seed()))


@pytest.mark.parametrize("draws", [0, 1, 623, 624, 625, 1247, 1248, 5000])
def test_state_moves_across_frameworks(draws):
    """After any number of draws (a twist boundary included) a state saved by one framework continues in the
    other."""
    theirs = torch.Generator().manual_seed(42)
    torch.randint(0, 100, (draws,), generator=theirs)
    ours = mtv2.Generator()
    ours.set_state(mtv2.tensor(theirs.get_state().numpy()))
    assert ours.state_bytes() == state_of(theirs)
    assert_bitwise_equal(ours.random(1000).astype(np.int64) % 100,
                         torch.randint(0, 100, (1000,), generator=theirs).numpy())
    mine = mtv2.Generator().manual_seed(7)
    mine.random(draws)
    back = torch.Generator()
    back.set_state(torch.from_numpy(mine.get_state().numpy()))
    assert state_of(back) == mine.state_bytes()
    assert_bitwise_equal(mine.random(1000).astype(np.int64) % 100,
                         torch.randint(0, 100, (1000,), generator=back).numpy())


def test_cached_normal_travels_with_the_state():
    theirs = torch.Generator().manual_seed(3)
    torch.empty(3).normal_(generator=theirs)          # scalar Box-Muller: 3 values leave one cached
    ours = mtv2.Generator()
    ours.set_state(mtv2.tensor(theirs.get_state().numpy()))
    assert ours.next_double_normal is not None
    assert_bitwise_equal(_draws.scalar_normal(ours, 5, 0.0, 1.0).astype(np.float32),
                         torch.empty(5).normal_(generator=theirs).numpy())
    assert ours.state_bytes() == state_of(theirs)
    ours.manual_seed(3)
    assert ours.next_double_normal is None


def test_set_state_refuses_what_torch_refuses():
    good = mtv2.get_rng_state()
    for fw, state in ((torch, torch.get_rng_state()), (mtv2, good)):
        with pytest.raises(TypeError):
            fw.set_rng_state(state.to(fw.int64))
        with pytest.raises(RuntimeError):
            fw.set_rng_state(state[:10])
        with pytest.raises(TypeError):
            fw.set_rng_state([1, 2])
        broken = state.clone()
        broken[8:12] = 0   # left = 0
        with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
            fw.set_rng_state(broken)


def test_offset_is_refused_on_the_cpu():
    for generator in (torch.Generator(), mtv2.Generator()):
        for call in (lambda: generator.get_offset(), lambda: generator.set_offset(1)):
            with pytest.raises(RuntimeError, match="CPU Generator does not use offset"):
                call()


def test_generator_pickles_and_clones():
    generator = mtv2.Generator().manual_seed(11)
    generator.random(10)
    for copy in (pickle.loads(pickle.dumps(generator)), generator.clone_state()):
        assert copy.state_bytes() == generator.state_bytes()
        assert_bitwise_equal(copy.random(5), generator.clone_state().random(5))


def test_fork_rng_restores_the_default_stream():
    for fw in (torch, mtv2):
        fw.manual_seed(5)
        with fw.random.fork_rng():
            fw.manual_seed(99)
            fw.rand(10)
        with fw.random.fork_rng(enabled=False):
            pass
    assert bytes(mtv2.get_rng_state().numpy()) == bytes(torch.get_rng_state().numpy())


# ---------------------------------------------------------------- the kernels of ops/_draws.py

SIZES = (1, 7, 15, 16, 17, 100, 1000, 4099)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("count", SIZES)
def test_normal_blocks_and_scalar_path(dtype, count):
    for mean, std in ((0.0, 1.0), (0.5, 2.0), (0.0, 0.02)):
        in_step(lambda g: torch.empty(count, dtype=dtype).normal_(mean, std, generator=g),
                lambda g: _draws.normal(g, count, NUMPY_TYPE[dtype], mean, std, contiguous=True))
    # a non-contiguous tensor takes the scalar path whatever its size
    in_step(lambda g: torch.empty(3, count, dtype=dtype).t().normal_(generator=g).t().reshape(-1),
            lambda g: _draws.normal(g, 3 * count, NUMPY_TYPE[dtype], 0.0, 1.0, contiguous=False))


def test_float32_normal_on_many_blocks():
    """The AVX2 kernel's polynomials over a million values (mean 0 and not, std 1 and not)."""
    for mean, std in ((0.0, 1.0), (0.0, 0.02), (-2.0, 3.5)):
        in_step(lambda g: torch.empty(1 << 20).normal_(mean, std, generator=g),
                lambda g: _draws.normal(g, 1 << 20, np.float32, mean, std, contiguous=True))


def test_avx2_log_and_sincos_need_no_double_rounding_search():
    """_normal_avx2 skips the search for double roundings in the fused steps of log256 and sincos256: over every
    input they can get (1 - k / 2**24 and 2 pi k / 2**24 for each k < 2**24) the search changes no value."""
    from mtv2.ops import _normal_avx2
    chunk = 1 << 20
    scratch = _normal_avx2._Scratch(chunk)
    for start in range(0, 1 << 24, chunk):
        k = np.arange(start, start + chunk, dtype=np.uint32)
        u1 = (np.uint32(1 << 24) - k).astype(np.float32) * np.float32(2.0 ** -24)
        theta = k.astype(np.float32) * np.float32(2.0 ** -24) * np.float32(2 * np.pi)
        searched = [_normal_avx2.log256(u1, scratch, check=True).copy()]
        searched += [a.copy() for a in _normal_avx2.sincos256(theta, scratch, check=True)]
        skipped = [_normal_avx2.log256(u1, scratch)] + list(_normal_avx2.sincos256(theta, scratch))
        for mine, theirs in zip(skipped, searched):
            assert_bitwise_equal(mine, theirs)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("low, high", [(0, 1), (-2, 3), (0.1, 0.7), (-1e-3, 1e-3), (1000.5, 1000.75), (-3.3, 1.7e3)])
def test_uniform(dtype, low, high):
    in_step(lambda g: torch.empty(20000, dtype=dtype).uniform_(low, high, generator=g),
            lambda g: _draws.uniform(g, 20000, NUMPY_TYPE[dtype], low, high))


@pytest.mark.parametrize("dtype", (torch.float32, torch.float64, torch.bfloat16), ids=str)
def test_uniform_whose_float64_sum_can_round_twice(dtype):
    """A range whose u * (high - low) + low is not always exact in float64: the float32 kernel looks for double
    roundings."""
    in_step(lambda g: torch.empty(20000, dtype=dtype).uniform_(-1e-30, 1e38, generator=g),
            lambda g: _draws.uniform(g, 20000, NUMPY_TYPE[dtype], -1e-30, 1e38))


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_continuous_distributions(dtype):
    as_dtype = NUMPY_TYPE[dtype]
    for count in (5, 1000):
        in_step(lambda g: torch.empty(count, dtype=dtype).exponential_(1.5, generator=g),
                lambda g: _draws.exponential(g, count, 1.5, as_dtype))
        in_step(lambda g: torch.empty(count, dtype=dtype).geometric_(0.3, generator=g),
                lambda g: _draws.geometric(g, count, 0.3, as_dtype))
        in_step(lambda g: torch.empty(count, dtype=dtype).log_normal_(0.2, 0.5, generator=g),
                lambda g: _draws.log_normal(g, count, 0.2, 0.5, as_dtype))
        in_step(lambda g: torch.empty(count, dtype=dtype).cauchy_(0.2, 0.5, generator=g),
                lambda g: _draws.cauchy(g, count, 0.2, 0.5, as_dtype))
        in_step(lambda g: torch.empty(count, dtype=dtype).bernoulli_(0.3, generator=g),
                lambda g: _draws.bernoulli_scalar(g, count, 0.3).astype(as_dtype))


@pytest.mark.parametrize("dtype", (torch.float32, torch.float64), ids=str)
def test_bernoulli_with_probability_tensor(dtype):
    probabilities = np.random.default_rng(0).random(1000).astype(NUMPY_TYPE[dtype])
    in_step(lambda g: torch.bernoulli(torch.from_numpy(probabilities), generator=g),
            lambda g: _draws.bernoulli_tensor(g, probabilities).astype(NUMPY_TYPE[dtype]))


@pytest.mark.parametrize("dtype", list(NUMPY_TYPE), ids=str)
def test_random_without_bounds(dtype):
    in_step(lambda g: torch.empty(500, dtype=dtype).random_(generator=g),
            lambda g: _draws.random_default(g, 500, NUMPY_TYPE[dtype]))


@pytest.mark.parametrize("low, high", [(0, 10), (-5, 5), (0, 2 ** 28 - 1), (0, 2 ** 28), (0, 2 ** 31), (0, 2 ** 32),
                                       (-2 ** 40, 2 ** 40)])
def test_randint_ranges(low, high):
    """Below 2**28 one 32-bit draw per value, from 2**28 up one random64."""
    in_step(lambda g: torch.randint(low, high, (500,), generator=g),
            lambda g: _draws.random_from_to(g, 500, high - low, low, np.int64))


def test_random_over_all_int64():
    in_step(lambda g: torch.empty(300, dtype=torch.int64).random_(-2 ** 63, None, generator=g),
            lambda g: _draws.random_full_range(g, 300, np.int64))


@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 1000, 100000])
def test_randperm(n):
    in_step(lambda g: torch.randperm(n, generator=g), lambda g: _draws.randperm(g, n))
