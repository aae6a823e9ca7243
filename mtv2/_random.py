"""Generator and the default generator. Streams are NumPy's (PCG64), not bit-equal to torch's."""
import numpy as np


class Generator:
    """torch.Generator: a seedable random stream."""

    def __init__(self, device="cpu"):
        from ._device import device as device_type
        self.device = device_type(device)
        self._seed = 67280421310721  # torch's default seed
        self._rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed):
        self._seed = int(seed)
        self._rng = np.random.default_rng(self._seed & (2 ** 64 - 1))
        return self

    def seed(self):
        self._seed = int(np.random.SeedSequence().entropy) & (2 ** 63 - 1)
        self._rng = np.random.default_rng(self._seed)
        return self._seed

    def initial_seed(self):
        return self._seed

    def get_state(self):
        from .creation import tensor
        state = self._rng.bit_generator.state
        words = [state["state"]["state"], state["state"]["inc"], state["has_uint32"], state["uinteger"]]
        raw = b"".join(int(w).to_bytes(16, "little") for w in words)
        return tensor(list(raw), dtype=_uint8())

    def set_state(self, new_state):
        raw = bytes(int(b) for b in new_state.tolist())
        words = [int.from_bytes(raw[i:i + 16], "little") for i in range(0, 64, 16)]
        self._rng.bit_generator.state = {"bit_generator": "PCG64", "state": {"state": words[0], "inc": words[1]},
                                         "has_uint32": words[2], "uinteger": words[3]}
        return self

    @property
    def numpy(self):
        return self._rng


def _uint8():
    from ._dtype import uint8
    return uint8


default_generator = Generator()


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


def numpy_generator(generator=None):
    return (generator or default_generator).numpy
