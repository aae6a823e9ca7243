"""mtv2: the PyTorch API on NumPy. Explicit re-exports only; torch's docs are the manual."""
from . import _dtype
from ._device import device, get_default_device, set_default_device
from ._dtype import (bfloat16, bool, can_cast, dtype, finfo, float16, float32, float64, get_default_dtype, iinfo,
                     int8, int16, int32, int64, promote_types, set_default_dtype, uint8)
from ._random import Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from ._size import Size
from ._tensor import Tensor
# The op families (mtv2/ops/<family>.py), each registering its ops: imported here, once, after the Tensor they all use
from .ops import import_families as _import_families
_import_families()
from .ops._registry import check_records as _check_records
_check_records()   # every op has a derivative or says why it has none
from ._layout import layout, strided  # (hf)
from ._storage import UntypedStorage  # (hf)
from ._tensor_types import (BFloat16Tensor, BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor,
                            HalfTensor, IntTensor, LongTensor, ShortTensor)  # legacy typed-tensor names (hf)
from . import autograd, nn, testing
from . import optim
from . import utils
from . import linalg
from . import special
from . import masked
from . import signal
from . import distributions
from . import random
from .serialization import load, save
from .autograd import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
                       set_grad_enabled)
from .ops._parallel import get_num_threads, set_num_threads
from .ops.conversion import contiguous_format, memory_format, preserve_format  # not functions: no @public

float = float32
double = float64
half = float16
long = int64
int = int32
short = int16
# `torch.bool` shadows the builtin inside torch too; `mtv2.bool` is the dtype.

__version__ = "2.13.0"  # the torch API version mtv2 follows


def result_type(tensor1, tensor2):
    """torch.result_type of two operands (tensors or Python scalars)."""
    from .ops._registry import promoted_dtype
    return promoted_dtype((tensor1, tensor2))


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(input):
    return input.dtype.is_floating_point


def numel(input):
    return input.numel()



# The public surface declared beside each function (@public, mtv2/ops/_surface.py): mtv2's functions here, Tensor's
# methods, in-place methods and operators on Tensor; nn.functional takes its own in nn/functional.py
from .ops import _surface  # noqa: E402
globals().update(_surface.functions())
_surface.install_methods(Tensor)

# numpy's keyword names (axis=, keepdims=, x=, x2=) wherever torch's argument parser takes them (see _numpy_aliases)
from ._numpy_aliases import accept_numpy_names as _accept_numpy_names  # noqa: E402

_accept_numpy_names(globals(), Tensor, nn.functional)
