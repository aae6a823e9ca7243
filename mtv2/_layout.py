"""torch.layout: every mtv2 tensor is dense and strided (no sparse or mkldnn layouts)."""


class layout:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_layout_by_name, (self.name,))


strided = layout("strided")


def _layout_by_name(name):
    return {"strided": strided}[name]
