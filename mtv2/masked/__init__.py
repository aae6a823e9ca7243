"""torch.masked: the masked reductions and normalisations of torch/masked/_ops.py on strided tensors (no
MaskedTensor: mtv2 has no tensor subclasses of that kind)."""
from ._ops import (amax, amin, argmax, argmin, cumprod, cumsum, log_softmax, logaddexp, logsumexp, mean, median, norm,
                   normalize, prod, softmax, softmin, std, sum, var)
from ._ops import _canonical_dim, _combine_input_and_mask, _input_mask, _reduction_identity  # torch names them too

__all__ = ["amax", "amin", "argmax", "argmin", "cumprod", "cumsum", "log_softmax", "logaddexp", "logsumexp", "mean",
           "median", "norm", "normalize", "prod", "softmax", "softmin", "std", "sum", "var"]
