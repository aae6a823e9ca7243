"""Weights in and out: state dicts between torch-like frameworks, mtv2 and safetensors files.

mtv2 never imports torch: a torch tensor is read through its public `.detach().cpu().numpy()` (bfloat16, which
NumPy cannot hold natively, through float32, which holds every bfloat16 value exactly), and anything else through
`__array__`. Files are written and read with `safetensors.numpy`; bfloat16 travels as ml_dtypes' bfloat16, so a
file is byte-compatible with `safetensors.torch`.
"""
from collections import OrderedDict

import ml_dtypes
import numpy as np

from ..._tensor import Tensor
from ...creation import tensor as _tensor


def _torch_like_array(value):
    """The values of a torch-like tensor (anything with .detach()) as a NumPy array of the same dtype."""
    value = value.detach()
    if hasattr(value, "cpu"):
        value = value.cpu()
    if str(value.dtype).endswith("bfloat16"):
        # NumPy has no bfloat16: widen exactly to float32, then narrow to ml_dtypes' bfloat16 (no rounding)
        return np.asarray(value.float().numpy()).astype(ml_dtypes.bfloat16)
    return np.asarray(value.numpy())


def as_numpy(value):
    """A private NumPy copy of one state dict entry: an mtv2 tensor, a torch-like tensor, or an array-like."""
    if isinstance(value, Tensor):
        return np.array(value.detach().numpy(), copy=True)
    if hasattr(value, "detach"):
        return np.array(_torch_like_array(value), copy=True)
    if hasattr(value, "__array__") or isinstance(value, (list, tuple, int, float, bool)):
        return np.array(value, copy=True)
    raise TypeError(f"state dict values must be tensors or arrays, got {type(value).__name__}")


def to_numpy_state_dict(state_dict):
    """{name: NumPy array} of any state dict (mtv2's, torch's, or of arrays), in the same order."""
    return OrderedDict((name, as_numpy(value)) for name, value in state_dict.items())


def to_mtv2_state_dict(state_dict):
    """{name: mtv2 Tensor} of any state dict (torch's, mtv2's, or of arrays), dtypes kept."""
    return OrderedDict((name, _tensor(np.array(array, order="C"))) for name, array in
                       to_numpy_state_dict(state_dict).items())


def load_torch_state_dict(module, state_dict, strict=True):
    """Load a torch (or any torch-like) state dict into an mtv2 module; returns load_state_dict's result."""
    return module.load_state_dict(to_mtv2_state_dict(state_dict), strict=strict)


def save_safetensors(state_dict, path, metadata=None):
    """Write a state dict (mtv2's, torch's, or of arrays) to a safetensors file."""
    from safetensors.numpy import save_file
    arrays = {name: np.array(array, order="C") for name, array in to_numpy_state_dict(state_dict).items()}
    save_file(arrays, str(path), metadata=metadata)


def load_safetensors(path):
    """Read a safetensors file into {name: mtv2 Tensor} (the file's order of names is not kept: sorted)."""
    from safetensors.numpy import load_file
    arrays = load_file(str(path))
    return OrderedDict((name, _tensor(np.array(arrays[name], order="C"))) for name in sorted(arrays))
