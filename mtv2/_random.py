"""torch's CPU generator: a 32-bit Mersenne Twister (mt19937) seeded as torch seeds it, its state in torch's byte
layout, and the cached normal sample of torch's scalar Box-Muller path.

NumPy's `MT19937` is the same engine: given the key that torch's `init_genrand(seed & 0xffffffff)` produces, its
raw 32-bit outputs are torch's `random()` draws, and its full-range uint64 draws are torch's `random64()` (first
draw in the high half). Drawing goes through NumPy's C loop (no Python step per value); what each distribution
makes of the draws lives in `ops/_draws.py`.
"""
import contextlib
import os

import numpy as np

DEFAULT_SEED = 67280421310721   # torch's default_rng_seed_val: the seed of a new torch.Generator()
_STATE_WORDS = 624              # mt19937's state: 624 32-bit words

# torch's CPUGeneratorImplState, memcpy'd into the ByteTensor that get_rng_state returns (x86-64 layout, padding
# zeroed): the legacy THGenerator fields, the state words widened to 64 bits, then the float normal cache.
STATE_LAYOUT = np.dtype([
    ("initial_seed", "<u8"), ("left", "<i4"), ("seeded", "<i4"), ("next", "<u8"),
    ("state", "<u8", (_STATE_WORDS,)),
    ("normal_x", "<f8"), ("normal_y", "<f8"), ("normal_rho", "<f8"), ("normal_is_valid", "<i4"), ("pad0", "V4"),
    ("float_normal", "<f4"), ("float_normal_is_valid", "u1"), ("pad1", "V3")])
STATE_SIZE = STATE_LAYOUT.itemsize   # 5056, as torch's


def _seed_key(seed):
    """The 624 words of init_genrand(seed & 0xffffffff): NumPy's legacy RandomState seeds exactly so."""
    return np.random.RandomState(seed & 0xFFFFFFFF).get_state()[1]


def _as_seed(seed):
    """torch's manual_seed argument: an integer (or what int() takes) in [-2**63, 2**64), kept modulo 2**64."""
    if hasattr(seed, "item") and not isinstance(seed, (int, np.integer)):
        seed = seed.item()
    seed = int(seed)
    if not -2 ** 63 <= seed < 2 ** 64:
        raise ValueError("Overflow when unpacking long long")
    return seed % 2 ** 64


class Generator:
    """torch.Generator on the CPU: mt19937 with torch's seeding, draws, state bytes and normal cache."""

    def __init__(self, device="cpu"):
        from ._device import device as device_type
        self.device = device_type(device)
        self._bits = np.random.MT19937(0)
        self._numpy = np.random.Generator(self._bits)
        self.manual_seed(DEFAULT_SEED)

    # ------------------------------------------------------------ seeding and state

    def manual_seed(self, seed):
        seed = _as_seed(seed)
        self._set_engine(_seed_key(seed), pos=_STATE_WORDS, torch_next=0)
        self._initial_seed = seed
        self.next_double_normal = None   # torch's caches of the second Box-Muller value, cleared by seeding
        self.next_float_normal = None
        return self

    def seed(self):
        """Seeds from the OS's entropy, as torch's getNonDeterministicRandom (8 bytes of /dev/urandom)."""
        seed = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(seed)
        return seed

    def initial_seed(self):
        return self._initial_seed

    def get_state(self):
        from ._dtype import uint8
        from .creation import tensor
        return tensor(np.frombuffer(self.state_bytes(), np.uint8).copy(), dtype=uint8)

    def set_state(self, new_state):
        from ._tensor import Tensor
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype.name != "uint8":
            raise TypeError("RNG state must be a torch.ByteTensor")
        if new_state.numel() != STATE_SIZE:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {STATE_SIZE} but found the input RNG state "
                               f"size to be {new_state.numel()}")
        self.load_state_bytes(np.ascontiguousarray(new_state.detach()._data.reshape(-1)).tobytes())
        return self

    def state_bytes(self):
        """The generator as torch's get_rng_state bytes."""
        record = np.zeros((), STATE_LAYOUT)
        state = self._bits.state["state"]
        pos = int(state["pos"])
        record["initial_seed"] = self._initial_seed
        # torch counts `left` down to the next twist: after k draws since a twist left = 625 - k and next = k;
        # a freshly seeded engine has left 1 and next 0 (it twists at the first draw)
        record["left"] = _STATE_WORDS + 1 - pos
        record["seeded"] = 1
        record["next"] = pos if self._torch_next is None else self._torch_next
        record["state"] = state["key"]
        if self.next_double_normal is not None:
            record["normal_is_valid"] = 1
            record["normal_y"] = self.next_double_normal
        if self.next_float_normal is not None:
            record["float_normal_is_valid"] = 1
            record["float_normal"] = self.next_float_normal
        return record.tobytes()

    def load_state_bytes(self, raw):
        record = np.frombuffer(raw, STATE_LAYOUT)[0]
        left, seeded, torch_next = int(record["left"]), int(record["seeded"]), int(record["next"]) & 0xFFFFFFFF
        if not (seeded != 0 and 0 < left <= _STATE_WORDS and torch_next <= _STATE_WORDS):
            raise RuntimeError("Invalid mt19937 state")
        if left == 1:
            pos = _STATE_WORDS          # the next draw twists, wherever `next` points
        elif left + torch_next == _STATE_WORDS + 1:
            pos = torch_next
        else:
            # torch would draw state[next], state[next + 1], ... for left - 1 draws before twisting; no state torch
            # produces looks like this
            raise RuntimeError(f"mtv2 cannot resume an mt19937 state with left={left} and next={torch_next} "
                               "(torch's own states have left + next == 625)")
        self._set_engine(record["state"].astype(np.uint32), pos, torch_next)
        self._initial_seed = int(record["initial_seed"])
        self.next_double_normal = float(record["normal_y"]) if int(record["normal_is_valid"]) else None
        self.next_float_normal = (np.float32(record["float_normal"])
                                  if int(record["float_normal_is_valid"]) else None)

    def _set_engine(self, key, pos, torch_next):
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}
        # torch's `next` field while no draw has happened since seeding or set_state (the engine's position
        # tells it afterwards)
        self._torch_next = torch_next

    def get_offset(self):
        raise RuntimeError("CPU Generator does not use offset")   # an offset is the CUDA generators' (Philox) notion

    def set_offset(self, offset):
        raise RuntimeError("CPU Generator does not use offset")

    def clone_state(self):
        clone = Generator(self.device)
        clone.load_state_bytes(self.state_bytes())
        return clone

    def __reduce__(self):
        return _rebuild_generator, (str(self.device), self.state_bytes())

    # ------------------------------------------------------------ draws

    def random(self, count):
        """`count` of torch's random() draws: uint32."""
        self._torch_next = None
        return self._numpy.integers(0, 2 ** 32, size=count, dtype=np.uint32)

    def random64(self, count):
        """`count` of torch's random64() draws (two 32-bit draws each, the first in the high half): uint64."""
        self._torch_next = None
        return self._numpy.integers(0, 2 ** 64, size=count, dtype=np.uint64)


def _rebuild_generator(device, raw):
    generator = Generator(device)
    generator.load_state_bytes(raw)
    return generator


def _fresh_default():
    generator = Generator()
    generator.seed()   # torch seeds its default CPU generator from the OS's entropy when the process starts
    return generator


default_generator = _fresh_default()


def generator_or_default(generator=None):
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        raise TypeError(f"expected a torch.Generator, but got {type(generator).__name__}")
    return generator


def manual_seed(seed):
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type="cuda"):
    """torch.random.fork_rng: the CPU generator's state is restored on exit (mtv2 has no other device)."""
    if not enabled:
        yield
        return
    state = default_generator.state_bytes()
    try:
        yield
    finally:
        default_generator.load_state_bytes(state)

