"""nn.Linear: y = x W^T + b, initialised as torch does (kaiming_uniform_ with a=sqrt(5), bias U(+-1/sqrt(fan_in)))."""
from ... import creation
from ..functional_layers import linear
from ..parameter import Parameter
from ._default_init import reset_weight_and_bias
from .module import Module


class Linear(Module):
    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(creation.empty((out_features, in_features), dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(creation.empty(out_features, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        reset_weight_and_bias(self.weight, self.bias, bias_without_fan_in=True)

    def forward(self, input):
        return linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
