"""nn.ChannelShuffle: the channels split into groups and interleaved (F.channel_shuffle)."""
from ...ops.nn_layers import channel_shuffle
from .module import Module


class ChannelShuffle(Module):
    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, input):
        return channel_shuffle(input, self.groups)

    def extra_repr(self):
        return f"groups={self.groups}"
