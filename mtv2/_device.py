"""mtv2.device: only the CPU exists, but device objects compare and print like torch's."""


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

    # torch.device as a context manager sets the default device of factory functions. mtv2 has the CPU only:
    # `with device("cpu")` is exact; `with device("meta")` (transformers' from_pretrained builds the model under it
    # to skip allocation) keeps allocating CPU tensors, so the model is initialised for real and then overwritten by
    # the checkpoint: the same weights, with more work. Any other device is refused.
    def __enter__(self):
        if self.type not in ("cpu", "meta"):
            check_cpu(self)
        return self

    def __exit__(self, *exc_info):
        return False

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"


def check_cpu(value):
    """Accept a device argument that names the CPU; anything else is not available on mtv2."""
    if value is None:
        return
    if device(value).type != "cpu":
        raise RuntimeError(f"mtv2 runs on the CPU only; device {value!r} is not available")
