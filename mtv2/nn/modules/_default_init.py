"""The default initialisation torch gives Linear and the convolutions (their reset_parameters)."""
import math

from .. import init


def reset_weight_and_bias(weight, bias, *, bias_without_fan_in):
    """kaiming_uniform_ with a=sqrt(5), which makes the weight bound 1/sqrt(fan_in), and a bias from
    U(+-1/sqrt(fan_in)). With no fan-in, torch's Linear draws its bias from U(0, 0) (bias_without_fan_in=True)
    while its convolutions leave the bias as created (False)."""
    init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is None:
        return
    fan_in, _ = init._calculate_fan_in_and_fan_out(weight)
    if fan_in != 0:
        bound = 1 / math.sqrt(fan_in)
        init.uniform_(bias, -bound, bound)
    elif bias_without_fan_in:
        init.uniform_(bias, 0, 0)
