"""nn.InstanceNorm1d/2d/3d: each sample's channels normalized over their spatial dims (F.instance_norm); no affine
parameters and no running statistics unless asked. They share BatchNorm's parameters and buffers (torch's
_NormBase) and differ in the ranks they accept: one without the batch dim runs as a batch of one."""
import warnings

from ...ops.nn_layers import instance_norm
from .batchnorm import _BatchNorm


class _InstanceNorm(_BatchNorm):
    no_batch_dim = None     # the rank of an unbatched input

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, device=None,
                 dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def _check_input_dim(self, input):
        if input.dim() not in (self.no_batch_dim, self.no_batch_dim + 1):
            # torch's message, prefixed with the module's name (as BatchNorm1d's)
            raise ValueError(f"{type(self).__name__}: expected {self.no_batch_dim}D or {self.no_batch_dim + 1}D input "
                             f"(got {input.dim()}D input)")

    def _apply_instance_norm(self, input):
        return instance_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                             self.training or not self.track_running_stats,
                             self.momentum if self.momentum is not None else 0.0, self.eps)

    def forward(self, input):
        self._check_input_dim(input)
        feature_dim = input.dim() - self.no_batch_dim
        if input.size(feature_dim) != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={feature_dim} to match num_features "
                                 f"({self.num_features}), but got: {input.size(feature_dim)}.")
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. You can silence this "
                          "warning by not passing in num_features, which is not used because affine=False",
                          stacklevel=2)
        if input.dim() == self.no_batch_dim:
            return self._apply_instance_norm(input.unsqueeze(0)).squeeze(0)
        return self._apply_instance_norm(input)


class InstanceNorm1d(_InstanceNorm):
    no_batch_dim = 2


class InstanceNorm2d(_InstanceNorm):
    no_batch_dim = 3


class InstanceNorm3d(_InstanceNorm):
    no_batch_dim = 4
