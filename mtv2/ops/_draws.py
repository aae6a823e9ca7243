"""torch's CPU distribution kernels on mtv2's Generator, vectorised: each function takes a Generator and a count and
returns the values torch's serial kernel writes, in the order it writes them (`fill_order` maps that order onto a
strided output). Sources: ATen's DistributionsHelper.h, TransformationHelper.h, native/cpu/DistributionTemplates.h
and TensorFactories.cpp, with every detail checked against torch 2.13's CPU wheel (tests/core/test_rng.py).

Draws: `random()` is one 32-bit word, `random64()` two (the first in the high half). A float32 uniform keeps the low
24 bits of a word, u = (w & (2**24 - 1)) / 2**24; a float64 uniform the low 53 bits of a random64. Half and bfloat16
kernels compute in float32 (torch's opmath type) and round at the end.
"""
import functools
import math
from fractions import Fraction

import numpy as np

from ._fma import Fma32, fma32, fma64
from ._normal_avx2 import BoxMuller
from ._parallel import over_ranges

_FLOAT_MASK = np.uint32((1 << 24) - 1)
_DOUBLE_MASK = np.uint64((1 << 53) - 1)

# Draws and transforms go block by block: the temporaries (float64 for a float32 fill, the raw words) stay the size
# of a block, in cache, whatever the tensor's size. The draws stay in torch's order.
BLOCK = 1 << 15


def _blockwise(count, dtype, fill_block, block=BLOCK):
    """An array of `count` values of `dtype`, filled by fill_block(n) block after block, in order."""
    out = np.empty(count, dtype)
    for start in range(0, count, block):
        stop = min(count, start + block)
        out[start:stop] = fill_block(stop - start)
    return out


def uniform_float(generator, count):
    """float32 uniforms in [0, 1): one 32-bit draw each."""
    return _to_uniform(generator.random(count), double=False)


def uniform_double(generator, count):
    """float64 uniforms in [0, 1): one random64 draw each."""
    return _to_uniform(generator.random64(count), double=True)


def _to_uniform(words, double):
    if double:
        return (words & _DOUBLE_MASK).astype(np.float64) * 2.0 ** -53
    uniforms = (words & _FLOAT_MASK).astype(np.float32)
    uniforms *= np.float32(2.0 ** -24)
    return uniforms


def _transform_draws(generator, count, double, make_transform, row=1, block=BLOCK):
    """The values of `count` draws (random64 if double, else random), block by block: make_transform(rows) gives a
    transform(words, out) for blocks of up to `rows` rows of `row` words, which writes each block's float values
    over its own raw words (float32 over uint32, float64 over uint64): no other buffer of the tensor's size. The
    draws are made first, in order; the arithmetic is shared among the threads (one transform, with its scratch
    arrays, per thread)."""
    words = generator.random64(count) if double else generator.random(count)
    out = words.view(np.float64 if double else np.float32)
    words, rows = words.reshape(-1, row), out.reshape(-1, row)
    rows_per_block = max(1, block // row)

    def blocks(first, stop):
        transform = make_transform(min(rows_per_block, rows.shape[0]))
        for start in range(first * rows_per_block, min(stop * rows_per_block, rows.shape[0]), rows_per_block):
            part = slice(start, start + rows_per_block)
            transform(words[part], rows[part])
    over_ranges(blocks, -(-rows.shape[0] // rows_per_block), cost_per_item=block)
    return out


def _on_uniforms(function, double):
    """A make_transform for _transform_draws from function(uniforms) -> values."""
    def transform(words, out):
        out[...] = function(_to_uniform(words, double))
    return lambda rows: transform


def _computes_in_double(dtype):
    return np.dtype(dtype) == np.float64


# ---------------------------------------------------------------- uniform_

def uniform(generator, count, dtype, low, high):
    """Tensor.uniform_(low, high): u * (high - low) + low fused (rounded once) in the opmath type; a value that
    rounds up to `high` in the tensor's dtype becomes `low`, so the range stays [low, high)."""
    if _computes_in_double(dtype):
        low_, high_ = np.float64(low), np.float64(high)
        values = _transform_draws(generator, count, True, _on_uniforms(lambda u: fma64(u, high - low, low), True))
        values[values == high_] = low_
        return values
    low32, high32 = np.float32(low), np.float32(high)
    scale, check, may_reach_high = _uniform_float_plan(float(low32), float(high32), np.dtype(dtype))
    values = _transform_draws(generator, count, False, lambda rows: _UniformFloat(rows, scale, low32, check))
    values = values.astype(dtype, copy=False)
    if may_reach_high:
        values[values == high32.astype(dtype)] = low32.astype(dtype)
    return values


@functools.lru_cache(maxsize=256)
def _uniform_float_plan(low, high, dtype):
    """For float32 bounds: the scale of the draws' 24 bits, whether the kernel must look for double roundings, and
    whether a value can round up to `high` in `dtype` (the same for every call with these bounds; cached because
    the exact arithmetic deciding it costs more than a small tensor's fill)."""
    low32, span32 = np.float32(low), np.float32(high) - np.float32(low)
    # u * span with u = k / 2**24 is k * (span / 2**24): a scaling by a power of two, exact in float64
    scale = np.float64(span32) * 2.0 ** -24
    check = not _scaled_sum_is_exact(scale, low32)
    # rounding is monotonic: no value reaches `high` when the largest possible one (k = 2**24 - 1) stays below it
    largest = fma32(np.float64(_FLOAT_MASK), scale, low32).astype(dtype)
    return scale, check, bool(not largest < np.float32(high).astype(dtype))


class _UniformFloat:
    """The float32 uniform_ transform of a block of draws: (w & 0xffffff) * scale + low rounded once to float32."""

    def __init__(self, rows, scale, low, check):
        self.scale, self.low, self.check = scale, np.float64(low), check
        self.masked = np.empty(rows, np.uint32)
        self.wide = np.empty(rows, np.float64)
        self.fma = Fma32(rows)

    def __call__(self, words, out):
        words, out = words.reshape(-1), out.reshape(-1)
        masked = self.masked[:words.shape[0]]
        np.bitwise_and(words, _FLOAT_MASK, out=masked)
        self.fma(masked, self.scale, self.low, out=self.wide[:words.shape[0]], check=self.check, single=out)


def _scaled_sum_is_exact(scale, low):
    """Whether k * scale + low is exact in float64 for every k in [0, 2**24): then rounding it to float32 is the
    single rounding of a fused multiply-add, with no double rounding to look for. Every term is an integer multiple
    of the lowest bit of scale or of low, so the sum is exact while its magnitude stays below 2**53 of those."""
    terms = [Fraction(float(x)) for x in (scale, low) if x != 0]
    if not terms:
        return True
    lowest_bit = min(Fraction(x.numerator & -x.numerator, x.denominator) for x in terms)   # denominators: 2**n
    largest = max(abs(Fraction(float(low))), abs(Fraction(float(low)) + ((1 << 24) - 1) * Fraction(float(scale))))
    return largest < lowest_bit * 2 ** 53


# ---------------------------------------------------------------- normal_

def normal(generator, count, dtype, mean, std, contiguous):
    """Tensor.normal_(mean, std): torch's block kernel for a contiguous tensor of 16 or more elements, otherwise its
    scalar Box-Muller (which also serves, and refills, the generator's cached normal)."""
    if count < 16 or not contiguous:
        return cast_doubles(scalar_normal(generator, count, mean, std), dtype)
    double = _computes_in_double(dtype)
    if double:
        make_transform = _on_uniforms(lambda uniforms: _box_muller_double_blocks(uniforms, mean, std), True)
    else:   # half/bfloat16: through float32
        def make_transform(rows):
            return BoxMuller(mean, std, rows)
    covered = count // 16 * 16
    values = _transform_draws(generator, covered, double, make_transform, row=16)
    if count % 16:
        values = np.concatenate([values, np.empty(count - covered, values.dtype)])
        draw = generator.random64 if double else generator.random
        # float and double fill the whole tensor with uniforms first, so the uniforms of the partial last block are
        # drawn (and then overwritten); half and bfloat16 draw block by block and never draw them
        if np.dtype(dtype).itemsize >= 4:
            draw(count - covered)
        # torch draws 16 more uniforms and transforms them into the last 16 places, overwriting the end of the last
        # full block
        make_transform(1)(draw(16).reshape(1, 16), values[count - 16:].reshape(1, 16))
    return values.astype(dtype, copy=False)


def _box_muller_double_blocks(uniforms, mean, std):
    """normal_fill_16<double>: glibc's log, cos and sin (NumPy's float64 ones give the same values), the affine step
    fused."""
    radius = np.sqrt(-2.0 * np.log(1.0 - uniforms[:, :8]))
    theta = (2.0 * math.pi) * uniforms[:, 8:]
    out = np.empty_like(uniforms)
    out[:, :8] = fma64(radius * np.cos(theta), std, mean)
    out[:, 8:] = fma64(radius * np.sin(theta), std, mean)
    return out


def scalar_normal(generator, count, mean, std):
    """at::normal_distribution<double>, one value at a time in torch: float64 values.

    Each pair of random64 draws (u1, u2) gives r cos(theta) and r sin(theta) with r = sqrt(-2 log1p(-u2)) and
    theta = 2 pi u1; the sine is cached in the generator and is the next value asked for, in this call or a later
    one."""
    start = 1 if count and generator.next_double_normal is not None else 0
    pairs = (count - start + 1) // 2

    def pairs_block(n):
        uniforms = uniform_double(generator, n)     # n is even: n / 2 pairs
        radius = np.sqrt(-2.0 * np.log1p(-uniforms[1::2]))
        theta = 2.0 * math.pi * uniforms[0::2]
        normals = np.empty(n)
        normals[0::2] = radius * np.cos(theta)
        normals[1::2] = radius * np.sin(theta)
        return normals
    normals = _blockwise(2 * pairs, np.float64, pairs_block)
    values = np.empty(count, np.float64)
    if start:
        values[0] = generator.next_double_normal
        generator.next_double_normal = None
    if (count - start) % 2:
        generator.next_double_normal = float(normals[-1])
    values[start:] = normals[:count - start]
    return fma64(values, std, mean)


def _via_float(dtype):
    """torch converts a double to half or bfloat16 through float."""
    dtype = np.dtype(dtype)
    return np.float32 if dtype.itemsize == 2 and (dtype.kind == "f" or dtype.name == "bfloat16") else dtype


# ---------------------------------------------------------------- bernoulli

def bernoulli_scalar(generator, count, p):
    """bernoulli_(p) for a number p: u < p with a float64 uniform (one random64) per element. u = k / 2**53 < p
    exactly when the integer k < p * 2**53 (a power-of-two scaling, exact), so the comparison stays in integers."""
    threshold = np.uint64(min(math.ceil(p * 2.0 ** 53), 1 << 53))
    return _blockwise(count, np.bool_, lambda n: (generator.random64(n) & _DOUBLE_MASK) < threshold)


def bernoulli_tensor(generator, probabilities):
    """bernoulli_(p_tensor) / torch.bernoulli: `probabilities` holds each element's p in fill order. float64
    probabilities are compared with float64 uniforms (random64 each); float32 ones with float32 uniforms (one
    32-bit draw each)."""
    flat = probabilities.reshape(-1)
    double = flat.dtype == np.float64
    position = [0]

    def block(n):
        start = position[0]
        position[0] += n
        if double:
            return uniform_double(generator, n) < flat[start:start + n]
        return uniform_float(generator, n) < flat[start:start + n].astype(np.float32, copy=False)
    return _blockwise(flat.size, np.bool_, block)


# ---------------------------------------------------------------- random_, randint

# from this range up torch draws random64 (a 32-bit draw modulo a range near 2**32 would skew; the wheel's
# threshold, measured; ATen's source keeps 2**32 only under an internal build flag)
_RANDOM64_FROM_RANGE = 1 << 28


def random_from_to(generator, count, range_, base, dtype):
    """random_(from, to) and randint: (draw % range) + from, in int64 before the cast to the tensor's dtype."""
    wide = range_ >= _RANDOM64_FROM_RANGE
    modulus, offset = (np.uint64 if wide else np.uint32)(range_), np.uint64(base % (1 << 64))

    def block(n):
        words = generator.random64(n) if wide else generator.random(n)
        # (offset + base) wraps in uint64 and is read as int64, as torch's static_cast<int64_t> does
        return cast_integers(((words % modulus).astype(np.uint64) + offset).view(np.int64), dtype)
    return _blockwise(count, dtype, block)


def random_full_range(generator, count, dtype):
    """random_(from=-2**63, to=None): every int64 is possible: random64 read as int64."""
    return _blockwise(count, dtype, lambda n: cast_integers(generator.random64(n).view(np.int64), dtype))


def random_default(generator, count, dtype):
    """random_() with no bounds: integers in [0, 2**mantissa] for a floating dtype, [0, max] for an integer one,
    0/1 (the low bit) for bool."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return _blockwise(count, dtype, lambda n: (generator.random(n) & np.uint32(1)).astype(np.bool_))
    wide = dtype in (np.int64, np.float64)
    if dtype.kind == "f" or dtype.name == "bfloat16":
        modulus = (1 << {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}[dtype.name]) + 1
    else:
        modulus = int(np.iinfo(dtype).max) + 1
    modulus = (np.uint64 if wide else np.uint32)(modulus)

    def block(n):
        words = generator.random64(n) if wide else generator.random(n)
        return cast_integers((words % modulus).astype(np.int64), dtype)
    return _blockwise(count, dtype, block)


def cast_integers(values, dtype):
    """static_cast<scalar_t>(int64_t): two's complement truncation for narrower integers, rounding for floats."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return values != 0
    if dtype.kind in "iu":
        return values.astype(dtype)   # NumPy's integer cast truncates to the low bits, as C's does
    return values.astype(_via_float(dtype)).astype(dtype)


def cast_doubles(values, dtype):
    """static_cast<scalar_t>(double): half and bfloat16 through float, integers truncated, bool = nonzero."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return values != 0
    return values.astype(_via_float(dtype), copy=False).astype(dtype, copy=False)


# ---------------------------------------------------------------- exponential_, geometric_, log_normal_, cauchy_
# each computes in float64 and casts to the tensor's dtype

def exponential(generator, count, lambd, dtype=np.float64):
    """exponential_(lambd): -1/lambd * log1p(-u)."""
    return _blockwise(count, dtype, lambda n: cast_doubles(
        (-1.0 / lambd) * np.log1p(-uniform_double(generator, n)), dtype))


def geometric(generator, count, p, dtype=np.float64):
    """geometric_(p): ceil(log(u) / log1p(-p))."""
    return _blockwise(count, dtype, lambda n: cast_doubles(
        np.ceil(np.log(uniform_double(generator, n)) / math.log1p(-p)), dtype))


def log_normal(generator, count, mean, std, dtype=np.float64):
    """log_normal_(mean, std): exp of the scalar normal (which shares the generator's cached normal)."""
    return cast_doubles(np.exp(scalar_normal(generator, count, mean, std)), dtype)


def cauchy(generator, count, median, sigma, dtype=np.float64):
    """cauchy_(median, sigma): median + sigma * tan(pi * (u - 0.5))."""
    return _blockwise(count, dtype, lambda n: cast_doubles(
        median + sigma * np.tan(math.pi * (uniform_double(generator, n) - 0.5)), dtype))


# ---------------------------------------------------------------- randperm

_SHUFFLE_LIMIT = 0xFFFFFFFF // 20   # torch's Fisher-Yates with 32-bit draws stops below this n


def randperm(generator, n):
    """torch's randperm for n < 214,748,364: start from 0..n-1 and for i = 0..n-2 swap positions i and
    i + random() % (n - i). Computed without a loop over the swaps: position i ends holding what stood at its target
    t_i = i + z_i just before step i, which is the value the last earlier swap into t_i carried there (or t_i itself
    if none did); the value a step carries is, likewise, what the last earlier swap into its own position brought,
    a chain that pointer jumping resolves in log2(n) vectorised passes."""
    if n >= _SHUFFLE_LIMIT:
        raise NotImplementedError(f"randperm: n={n} takes torch's 64-bit inside-out shuffle, which mtv2 does not "
                                  f"implement (n < {_SHUFFLE_LIMIT} is supported)")
    if n <= 1:
        return np.arange(n, dtype=np.int64)
    steps = np.arange(n - 1, dtype=np.int64)
    targets = steps + (generator.random(n - 1) % np.arange(n, 1, -1, dtype=np.uint32)).astype(np.int64)
    # carried[i]: the value at position i just before step i (what step i moves to its target)
    previous_into = _last_earlier_swap_into(targets, n)         # per position: the last step k < i with t_k == i
    carried = np.where(previous_into >= 0, previous_into, np.arange(n))
    while True:   # follow the chain to a position no earlier swap reached: its own index is the value
        jumped = carried[carried]
        if np.array_equal(jumped, carried):
            break
        carried = jumped
    # the value at t_i before step i: carried by the previous step with the same target, else t_i's original value
    order = np.lexsort((steps, targets))
    earlier_same_target = np.full(n - 1, -1, dtype=np.int64)
    same = targets[order[1:]] == targets[order[:-1]]
    earlier_same_target[order[1:][same]] = order[:-1][same]
    result = np.empty(n, dtype=np.int64)
    moved = np.where(earlier_same_target >= 0, carried[np.maximum(earlier_same_target, 0)], targets)
    result[:n - 1] = np.where(targets == steps, carried[:n - 1], moved)
    result[n - 1] = carried[n - 1]
    return result


def _last_earlier_swap_into(targets, n):
    """For each position i, the last step k < i whose target is i (-1 if none)."""
    steps = np.arange(targets.size)
    earlier = targets != steps            # step i's swap into i itself happens at step i, not before it
    last = np.full(n, -1, dtype=np.int64)
    # the first occurrence of each target among the steps taken backwards is its last swap
    backwards_targets, backwards_steps = targets[earlier][::-1], steps[earlier][::-1]
    reached, first = np.unique(backwards_targets, return_index=True)
    last[reached] = backwards_steps[first]
    return last
