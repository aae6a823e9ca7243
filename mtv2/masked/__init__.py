"""torch.masked: the masked reductions and normalisations of torch/masked/_ops.py on strided tensors (no
MaskedTensor: mtv2 has no tensor subclasses of that kind)."""
from ._ops import (amax, amin, argmax, argmin, cumprod, cumsum, log_softmax, logaddexp, logsumexp, mean, median, norm,
                   normalize, prod, softmax, softmin, std, sum, var)
# torch.masked names these helpers too (OpInfo's gradient wrappers call _output_mask and _input_mask)
from ._ops import _canonical_dim, _combine_input_and_mask, _input_mask, _output_mask, _reduction_identity

__all__ = ["amax", "amin", "argmax", "argmin", "cumprod", "cumsum", "log_softmax", "logaddexp", "logsumexp", "mean",
           "median", "norm", "normalize", "prod", "softmax", "softmin", "std", "sum", "var"]
