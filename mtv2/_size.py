"""mtv2.Size: the tuple subclass that Tensor.size() and Tensor.shape return."""


class Size(tuple):
    def numel(self):
        count = 1
        for extent in self:
            count *= extent
        return count

    def __getitem__(self, item):
        result = tuple.__getitem__(self, item)
        return Size(result) if isinstance(item, slice) else result

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __repr__(self):
        return f"torch.Size([{', '.join(str(s) for s in self)}])"
