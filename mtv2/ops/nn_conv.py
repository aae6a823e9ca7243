"""Convolutions, pooling and resampling (nn.functional.conv*, *_pool*, interpolate, pixel_shuffle, fold/unfold),
each op's derivative beside it."""
