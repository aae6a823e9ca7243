"""mtv2.device: the CPU and the meta device (shapes without data); other device types are named, never used.

torch.device as a context manager sets the default device of factory functions (torch.empty, zeros, arange,
tensor, ...; not *_like, which follow their input, and not ops on existing tensors): `with device("meta")`
makes them build meta tensors, which is how transformers' from_pretrained constructs a model before loading its
weights (mtv2/_meta.py). Any device but the CPU and meta is refused.
"""


class device:
    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        if ":" in type:
            type, _, number = type.partition(":")
            index = int(number)
        if type not in ("cpu", "meta", "cuda", "mps", "xpu"):
            raise RuntimeError(f"Expected one of cpu, cuda, xpu, mps, meta device type at start of device "
                               f"string: {type}")
        self.type = type
        self.index = index

    def __eq__(self, other):
        # torch compares devices with devices only: device('cpu') == 'cpu' is False
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __enter__(self):
        check_available(self)
        _defaults.append(self)
        return self

    def __exit__(self, *exc_info):
        _defaults.pop()
        return False

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"


CPU = device("cpu")
META = device("meta")

# the default device of factories: set_default_device's at the bottom, one entry per `with device(...)` above it
_defaults = [CPU]


def get_default_device():
    return _defaults[-1]


def set_default_device(value):
    """torch.set_default_device (None restores the CPU)."""
    value = CPU if value is None else device(value)
    check_available(value)
    _defaults[0] = value


def check_available(value):
    """Accept a device argument that names the CPU or meta; anything else is not available on mtv2."""
    if value is not None and device(value).type not in ("cpu", "meta"):
        raise RuntimeError(f"mtv2 runs on the CPU (and meta) only; device {value!r} is not available")


def is_meta_target(value):
    """Whether a factory given device=`value` makes a meta tensor (None: the default device decides)."""
    if value is None:
        return _defaults[-1] is META or _defaults[-1].type == "meta"
    if value is CPU or value is META:   # Tensor.device's objects: the common case, without parsing
        return value is META
    check_available(value)
    return device(value).type == "meta"
