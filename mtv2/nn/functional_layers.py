"""torch.nn.functional for the layers: linear, conv1d and normalize, composites of mtv2 ops (autograd comes from the
ops they are made of). embedding, layer_norm and batch_norm live with the ops (mtv2/ops/nn_layers.py)."""
import warnings

from .. import _dtype
from ..autograd import grad_mode
from ..ops._surface import public
from ..ops.joining import pad
from ..ops.linalg import addmm, matmul, mm
from ..ops.nn_layers import check_tensor


# ================================================================ linear

@public(function=False, functional=True)
def linear(input, weight, bias=None):
    """torch.nn.functional.linear: input @ weight.T + bias, through addmm on the input flattened to 2-D."""
    check_tensor(input, "linear", "input", 1)
    check_tensor(weight, "linear", "weight", 2)
    if bias is not None:
        check_tensor(bias, "linear", "bias", 3)
    if weight.ndim != 2 or input.ndim == 0:
        # torch falls back to matmul (a vector weight gives a dot product per row)
        output = matmul(input, weight.t())
        return output if bias is None else output + bias
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_dtype.c_type_name(input.dtype)} != "
                           f"{_dtype.c_type_name(weight.dtype)}")
    rows = input.reshape(-1, input.shape[-1]) if input.ndim != 2 else input
    # torch multiplies the batch dims flattened (its error names the flattened shapes: 6x5 and 4x3)
    output = mm(rows, weight.t()) if bias is None else addmm(bias, rows, weight.t())
    return output.reshape(*input.shape[:-1], weight.shape[0]) if input.ndim != 2 else output


# ================================================================ conv1d

def _single(value, name):
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of 1 values to match the "
                               f"convolution dimensions, but got {name}={list(value)}")
        return value[0]
    return value


def _conv1d_padding(padding, kernel_span, stride):
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0
        if padding != "same":
            raise ValueError(f"Invalid padding string '{padding}', should be one of {{'valid', 'same'}}")
        if stride != 1:
            raise ValueError("padding='same' is not supported for strided convolutions")
        total = kernel_span - 1
        if total % 2:
            warnings.warn("Using padding='same' with even kernel lengths and odd dilation may require a zero-padded "
                          "copy of the input be created", UserWarning, stacklevel=3)
        return total // 2, total - total // 2   # torch pads the extra element on the right
    padding = _single(padding, "padding")
    if padding < 0:
        raise RuntimeError("negative padding is not supported")
    return padding, padding


@public(function=False, functional=True)
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """torch.nn.functional.conv1d as sliding windows (an unfold view) multiplied by the kernel, group by group."""
    check_tensor(input, "conv1d", "input", 1)
    check_tensor(weight, "conv1d", "weight", 2)
    stride, dilation = _single(stride, "stride"), _single(dilation, "dilation")
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: "
                           f"{list(input.shape)}")
    if stride <= 0:
        raise RuntimeError("non-positive stride is not supported")
    if dilation <= 0:
        raise RuntimeError("dilation should be greater than zero")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if weight.ndim < 3:
        raise RuntimeError("weight should have at least three dimensions")
    batched = input.ndim == 3
    x = input if batched else input.unsqueeze(0)
    out_channels, group_in_channels, kernel_size = weight.shape
    if x.shape[1] != group_in_channels * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
                           f"{list(x.shape)} to have {group_in_channels * groups} channels, but got {x.shape[1]} "
                           f"channels instead")
    if out_channels % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [{list(weight.shape)}] instead")   # torch's doubled brackets
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != out_channels):
        raise RuntimeError(f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with "
                           f"{out_channels} elements, but got bias of size {list(bias.shape)} instead")
    if input.dtype is not weight.dtype or (bias is not None and bias.dtype is not input.dtype):
        raise RuntimeError(f"Input type ({_dtype_title(input)}) and weight type ({_dtype_title(weight)}) should be "
                           f"the same or input should be a MKLDNN tensor and weight is a dense tensor" if
                           input.dtype is not weight.dtype else
                           f"Input type ({_dtype_title(input)}) and bias type ({_dtype_title(bias)}) should be the "
                           f"same")
    kernel_span = dilation * (kernel_size - 1) + 1
    left, right = _conv1d_padding(padding, kernel_span, stride)
    padded_length = x.shape[2] + left + right
    if padded_length < kernel_span:
        raise RuntimeError(f"Calculated padded input size per channel: ({padded_length}). Kernel size: "
                           f"({kernel_span}). Kernel size can't be greater than actual input size")
    # Half types: the windows' products are summed and the bias added in float32, rounded once (as torch's kernel);
    # rounding the sum before adding the bias would lose digits where the bias cancels it.
    half = input.dtype in (_dtype.float16, _dtype.bfloat16)
    if half:
        x, weight, bias = x.float(), weight.float(), None if bias is None else bias.float()
    if left or right:
        x = pad(x, (left, right))
    batch = x.shape[0]
    windows = x.unfold(2, kernel_span, stride)[..., ::dilation]          # (N, C_in, L_out, K)
    length = windows.shape[2]
    # (N, G, L_out, C_in/G * K) @ (G, C_in/G * K, C_out/G) -> (N, G, L_out, C_out/G)
    windows = windows.reshape(batch, groups, group_in_channels, length, kernel_size).permute(0, 1, 3, 2, 4)
    windows = windows.reshape(batch, groups, length, group_in_channels * kernel_size)
    kernels = weight.reshape(groups, out_channels // groups, group_in_channels * kernel_size).transpose(1, 2)
    output = matmul(windows, kernels).permute(0, 1, 3, 2).reshape(batch, out_channels, length)
    if bias is not None:
        output = output + bias.reshape(out_channels, 1)
    if half:
        output = output.to(input.dtype)
    return output if batched else output.squeeze(0)


def _dtype_title(tensor):
    return f"torch.{_dtype.scalar_type_name(tensor.dtype)}Tensor"


# ================================================================ normalize

@public(function=False, functional=True)
def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """torch.nn.functional.normalize: input divided by its p-norm along dim (at least eps)."""
    # torch calls input.norm: a non-tensor raises AttributeError
    denominator = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    result = input / denominator
    if out is not None:
        with grad_mode.no_grad():
            out.copy_(result)
        return out
    return result
