"""The two frameworks under comparison, and the few framework-neutral helpers every check uses.

torch is the reference. The candidate is mtv2, except when the environment variable
CONFORMANCE_CANDIDATE=torch is set: then torch is compared with itself. That switch exists only for
the harness's own self-tests and development (every row must pass torch-vs-torch); run.json and
summary.md say loudly when it was used.
"""
import functools
import os

import numpy as np

DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64",
          "float16", "bfloat16", "float32", "float64")
FLOATING = ("float16", "bfloat16", "float32", "float64")
INTEGRAL = ("uint8", "int8", "int16", "int32", "int64")
SIGNED = ("int8", "int16", "int32", "int64")


def candidate_name():
    return os.environ.get("CONFORMANCE_CANDIDATE", "mtv2")


@functools.cache
def reference():
    import torch
    # One thread: no oversubscription under xdist, and reductions sum in a fixed order,
    # so every run of the same code writes the same numbers.
    torch.set_num_threads(1)
    return torch


@functools.cache
def candidate():
    """The framework under test; raises ImportError (recorded as error rows) when it cannot load."""
    if candidate_name() == "torch":
        return reference()
    import mtv2
    if not hasattr(mtv2, "tensor"):
        raise ImportError("mtv2 is importable but has no 'tensor' yet (empty package)")
    return mtv2


def dtype_name(fw, dtype):
    """'float32' for fw.float32: compares against fw's own dtype objects, never parses repr()."""
    for name in DTYPES:
        if dtype == getattr(fw, name, None):
            return name
    return str(dtype)


def is_tensor(fw, value):
    return isinstance(value, fw.Tensor)


def to_numpy(fw, tensor):
    """A private copy of the values; bfloat16 goes through float32 because torch cannot export it."""
    tensor = tensor.detach()
    if dtype_name(fw, tensor.dtype) == "bfloat16":
        tensor = tensor.float()
    # torch hands out ZeroTensors as gradients of constant zero (abs's double backward), which
    # .numpy() refuses without force=True; mtv2 need not know that keyword.
    array = tensor.numpy(force=True) if fw.__name__ == "torch" else tensor.numpy()
    return np.array(array, copy=True)


def storage_pointer(tensor):
    return tensor.untyped_storage().data_ptr()


def make_tensor(fw, array, dtype, requires_grad=False):
    """The same numpy values become a tensor of `dtype` in either framework."""
    tensor = fw.tensor(array, dtype=getattr(fw, dtype))
    if requires_grad:
        tensor.requires_grad_()
    return tensor
