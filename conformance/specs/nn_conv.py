"""Convolutions, pooling and resampling (ops/nn_conv.py): hand-written cases beside torch's ModuleInfo/OpInfo samples."""

SPECS = []
