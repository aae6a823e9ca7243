"""Every stand-in of the `torch` shim, in one place: names of torch that mtv2 has no real counterpart for, each
answering as torch 2.13's CPU-only build does.

A stand-in is a name that third-party torch code (transformers, safetensors, test suites) reads at import time or
probes at runtime: accelerator, compiler and distributed probes (torch.cuda.is_available(), torch.compiler
.is_compiling(), ...). The rule is that the shim behaves like torch's CPU build, never like a stub: where the CPU
wheel returns, the stand-in returns the same value; where the wheel raises, the stand-in raises the same exception
class (with torch's message); each definition says which torch behaviour it reproduces, and
tests/hf/test_stand_ins.py compares every one with the installed wheel. A torch name that is not here is absent and
reading it raises AttributeError, as any missing attribute does. Where the CPU wheel computes something mtv2 does
not implement (flex attention, torch.fx tracing, a Cholesky check, the nn layers mtv2 lacks), the stand-in exists
for imports and isinstance checks and raises NotImplementedError naming itself when used. Nothing here returns a
tensor. One deliberate difference, declared in the test: torch.distributed.is_available() is False, as in a torch
built with USE_DISTRIBUTED=0, because mtv2 has no process groups.

The tables:
- STAND_IN_MODULES: torch modules mtv2 has no counterpart for (torch.cuda, torch.compiler, ...), and
  STAND_IN_SUBMODULES: the children a stand-in package imports, as torch's own __init__ does (torch.backends.cudnn).
  torch.utils._pytree is a real implementation of torch's Python pytree, in _pytree.py.
- top_level_names(): names on `torch` itself that mtv2 does not have (extra dtypes).
- extra_attributes(): names added to a real mtv2 module, only while the shim is installed (torch.nn layer
  classes mtv2 lacks, torch.autograd.graph.save_on_cpu).
`with torch.device("meta")` is not a stand-in: mtv2 has meta tensors (mtv2/_meta.py; the context manager is in
mtv2/_device.py), so transformers' from_pretrained builds the model without data and rebuilds its non-persistent
buffers as on torch (the hf save_load rows compare what the loaded model computes).
"""
import collections
import contextlib
import enum
import sys
import types
import typing
import warnings

import ml_dtypes
import numpy as np

from .. import _dtype
from ._pytree import pytree_names
from .export_names import EXPORT_MODULES, symbolic_scalar_names


def _not_on_mtv2(what):
    """A function torch's CPU build runs but mtv2 does not implement: it raises NotImplementedError naming itself."""
    def refuse(*args, **kwargs):
        raise NotImplementedError(f"{what} is not implemented in mtv2 (a stand-in name of the torch shim)")
    refuse.__name__ = what.rsplit(".", 1)[-1]
    return refuse


def _unconstructible_class(qualified_name, exception, message):
    """A class the CPU build defines but cannot construct (torch's _dummy_type, or a constructor that needs a device):
    it serves annotations (`x: torch.cuda.Stream | None`) and isinstance checks (False for every mtv2 value);
    constructing it raises `exception(message)` as torch does."""
    module, _, name = qualified_name.rpartition(".")

    def __init__(self, *args, **kwargs):
        raise exception(message)

    return type(name, (), {"__init__": __init__, "__module__": module, "__doc__": f"{qualified_name}: {message}"})


def _compile_decorator(fn=None, recursive=True, *, reason=None):
    """torch.compiler.disable / torch._dynamo.disable in eager mode: the function runs exactly as written (torch wraps
    it to skip tracing; with nothing ever traced, mtv2 returns it as is). `@disable`, `@disable()` and
    `@disable(recursive=False)` all work."""
    if fn is None:
        return lambda inner: inner
    return fn


def _returns_its_argument(fn):
    # torch.compiler.allow_in_graph / assume_constant_result and torch.jit.unused return the function itself in eager
    return fn


def _device_index(device, device_type, optional=False):
    """torch.cuda._utils._get_device_index: an int, "cuda:1" or a device of the right type -> its index."""
    from .._device import device as torch_device
    if isinstance(device, str):
        device = torch_device(device)
    if isinstance(device, torch_device):
        if device.type != device_type:
            raise ValueError(f"Expected a {device_type} device, but got: {device}")
        index = device.index
    else:
        index = device
    if index is None and not optional:
        raise ValueError(f"Expected a torch.device with a specified index or an integer, but got:{device}")
    return index


# ---------------------------------------------------------------- torch.cuda
# torch/cuda/{__init__,memory,random}.py on the CPU wheel: no device and nothing initialised. Seeding is queued
# until CUDA initialises (never), memory counters read an empty stats dict, and whatever needs the runtime fails in
# _lazy_init with AssertionError, or reaches a torch._C binding the CPU build lacks (AttributeError).

_NO_CUDA = "Torch not compiled with CUDA enabled"


def _cuda():
    def is_available():                                 # torch: False (no CUDA device)
        return False

    def device_count():                                 # torch: 0
        return 0

    def is_initialized():                               # torch: False (never initialised)
        return False

    def is_bf16_supported(including_emulation=True):    # torch: False without CUDA
        return False

    def is_tf32_supported():                            # torch: False without CUDA
        return False

    def is_current_stream_capturing():                  # torch: RuntimeError from the CPU build's dummy binding
        raise RuntimeError("Tried to instantiate dummy base class _cuda_isCurrentStreamCapturing")

    def needs_cuda(*args, **kwargs):                    # torch: _lazy_init raises AssertionError
        raise AssertionError(_NO_CUDA)

    def manual_seed(seed):                              # torch: int(seed), then queued until CUDA initialises: None
        int(seed)

    def manual_seed_all(seed):                          # torch: same as manual_seed
        int(seed)

    def seed():                                         # torch: queued: None
        return None

    def seed_all():                                     # torch: queued: None
        return None

    def get_rng_state_all():                            # torch: one state per device: []
        return []

    def set_rng_state(new_state, device="cuda"):        # torch: clones the state (so a non-tensor raises), queues it
        new_state.clone()

    def set_rng_state_all(new_states):                  # torch: set_rng_state per state
        for state in new_states:
            set_rng_state(state)

    def empty_cache():                                  # torch: nothing cached before initialisation: None
        return None

    def counter(name):
        def read(device=None):                          # torch: memory_stats() is empty, so every counter reads 0
            return 0
        read.__name__ = name
        return read

    def renamed_counter(name, new_name):
        def read(device=None):                          # torch: FutureWarning (renamed), then the new name's 0
            warnings.warn(f"`torch.cuda.{name}` has been renamed to `torch.cuda.{new_name}`", FutureWarning,
                          stacklevel=2)
            return 0
        read.__name__ = name
        return read

    def memory_stats(device=None):                      # torch: OrderedDict() before initialisation
        return collections.OrderedDict()

    def memory_stats_as_nested_dict(device=None):       # torch: {} before initialisation
        return {}

    def missing_binding(binding):
        def call(device=None):                          # torch: the CPU build's torch._C has no such binding
            raise AttributeError(f"module 'torch._C' has no attribute '{binding}'")
        return call

    reset_peak_memory_stats = missing_binding("_cuda_resetPeakMemoryStats")

    def reset_max_memory_allocated(device=None):        # torch: FutureWarning, then reset_peak_memory_stats
        warnings.warn("torch.cuda.reset_max_memory_allocated now calls torch.cuda.reset_peak_memory_stats, which "
                      "resets /all/ peak memory stats.", FutureWarning, stacklevel=2)
        return reset_peak_memory_stats(device)

    def reset_max_memory_cached(device=None):           # torch: FutureWarning, then reset_peak_memory_stats
        warnings.warn("torch.cuda.reset_max_memory_cached now calls torch.cuda.reset_peak_memory_stats, which "
                      "resets /all/ peak memory stats.", FutureWarning, stacklevel=2)
        return reset_peak_memory_stats(device)

    def set_device(device):                             # torch: no-op below 0, else the missing _cuda_setDevice
        if _device_index(device, "cuda") >= 0:
            raise AttributeError("module 'torch._C' has no attribute '_cuda_setDevice'")

    def get_arch_list():                                # torch: [] without CUDA
        return []

    def get_gencode_flags():                            # torch: "" without CUDA
        return ""

    class device:
        """torch.cuda.device: selecting a negative index is a no-op; any other raises as the CPU build does."""

        def __init__(self, device):
            self.idx = _device_index(device, "cuda", optional=True)
            self.prev_idx = -1

        def __enter__(self):
            if self.idx < 0:                            # torch: None here fails this comparison (TypeError) too
                return None
            raise RuntimeError("PyTorch was compiled without CUDA support")

        def __exit__(self, *exc_info):
            return False

    class device_of(device):
        """torch.cuda.device_of: the device of a tensor; a CPU tensor's is -1, a no-op."""

        def __init__(self, obj):
            super().__init__(-1)

    class StreamContext:
        """torch.cuda.StreamContext: on the CPU build the current device index is -1, so entering is a no-op."""

        def __init__(self, stream):
            self.stream = stream
            self.idx = -1

        def __enter__(self):
            return None

        def __exit__(self, *exc_info):
            return None

    def stream(stream):                                 # torch: StreamContext(stream)
        return StreamContext(stream)

    def set_stream(stream):                             # torch: a no-op for None (no Stream can be made)
        if stream is None:
            return None
        raise AttributeError(f"'{type(stream).__name__}' object has no attribute 'stream_id'")

    no_stream = "torch.cuda.Stream requires CUDA support"
    names = dict(
        is_available=is_available, device_count=device_count, is_initialized=is_initialized,
        is_bf16_supported=is_bf16_supported, is_tf32_supported=is_tf32_supported,
        is_current_stream_capturing=is_current_stream_capturing,
        manual_seed=manual_seed, manual_seed_all=manual_seed_all, seed=seed, seed_all=seed_all,
        get_rng_state_all=get_rng_state_all, set_rng_state=set_rng_state, set_rng_state_all=set_rng_state_all,
        default_generators=(),                          # torch: one generator per device: ()
        empty_cache=empty_cache, memory_stats=memory_stats, memory_stats_as_nested_dict=memory_stats_as_nested_dict,
        memory_cached=renamed_counter("memory_cached", "memory_reserved"),
        max_memory_cached=renamed_counter("max_memory_cached", "max_memory_reserved"),
        reset_peak_memory_stats=reset_peak_memory_stats, reset_max_memory_allocated=reset_max_memory_allocated,
        reset_max_memory_cached=reset_max_memory_cached,
        reset_accumulated_memory_stats=missing_binding("_cuda_resetAccumulatedMemoryStats"),
        set_device=set_device, get_arch_list=get_arch_list, get_gencode_flags=get_gencode_flags,
        device=device, device_of=device_of, StreamContext=StreamContext, stream=stream, set_stream=set_stream,
        Stream=_unconstructible_class("torch.cuda.Stream", RuntimeError, no_stream),
        Event=_unconstructible_class("torch.cuda.Event", RuntimeError, "Tried to instantiate dummy base class Event"),
        CUDAGraph=_unconstructible_class("torch.cuda.CUDAGraph", RuntimeError,
                                         "Tried to instantiate dummy base class CUDAGraph"),
        # torch.cuda.graph makes its default capture Stream on construction
        graph=_unconstructible_class("torch.cuda.graph", RuntimeError, no_stream),
    )
    for name in ("memory_allocated", "max_memory_allocated", "memory_reserved", "max_memory_reserved"):
        names[name] = counter(name)
    for name in ("init", "current_device", "synchronize", "get_device_capability", "get_device_name",
                 "get_device_properties", "mem_get_info", "get_rng_state", "initial_seed", "current_stream",
                 "default_stream", "ipc_collect"):
        names[name] = needs_cuda
    return names


# ---------------------------------------------------------------- torch.xpu
# torch/xpu on the CPU wheel: the same shape as torch.cuda, with "XPU" in the messages.

_NO_XPU = "Torch not compiled with XPU enabled"


def _xpu():
    def needs_xpu(*args, **kwargs):                     # torch: _lazy_init raises AssertionError
        raise AssertionError(_NO_XPU)

    def is_current_stream_capturing():                  # torch: RuntimeError from the CPU build's dummy binding
        raise RuntimeError("Tried to instantiate dummy base class _xpu_isCurrentStreamCapturing")

    def manual_seed(seed):                              # torch: int(seed), then queued: None
        int(seed)

    def manual_seed_all(seed):                          # torch: int(seed), then queued: None
        int(seed)

    def counter(device=None):                           # torch: memory_stats() is empty, so counters read 0
        return 0

    def reset_peak_memory_stats(device=None):           # torch: the CPU build's torch._C lacks the binding
        raise AttributeError("module 'torch._C' has no attribute '_xpu_resetPeakMemoryStats'")

    class device:
        """torch.xpu.device: entering raises on the CPU build, whatever the index (its _exchange_device refuses)."""

        def __init__(self, device):
            self.idx = _device_index(device, "xpu", optional=True)

        def __enter__(self):
            raise NotImplementedError("PyTorch was compiled without XPU support")

        def __exit__(self, *exc_info):
            return False

    names = dict(
        is_available=lambda: False,                     # torch: False
        device_count=lambda: 0,                         # torch: 0
        is_initialized=lambda: False,                   # torch: False
        is_bf16_supported=lambda including_emulation=True: False,   # torch: False
        is_tf32_supported=lambda: False,                # torch: False
        is_current_stream_capturing=is_current_stream_capturing,
        manual_seed=manual_seed, manual_seed_all=manual_seed_all,
        seed=lambda: None, seed_all=lambda: None,       # torch: queued: None
        empty_cache=lambda: None,                       # torch: None before initialisation
        memory_stats=lambda device=None: collections.OrderedDict(),   # torch: OrderedDict() before initialisation
        reset_peak_memory_stats=reset_peak_memory_stats, device=device,
        get_rng_state_all=lambda: [],                   # torch: []
        default_generators=(),                          # torch: ()
    )
    for name in ("memory_allocated", "max_memory_allocated", "memory_reserved", "max_memory_reserved"):
        names[name] = counter
    for name in ("init", "current_device", "set_device", "synchronize", "get_device_capability", "get_device_name",
                 "get_device_properties", "get_rng_state", "initial_seed", "current_stream", "mem_get_info"):
        names[name] = needs_xpu
    return names


# ---------------------------------------------------------------- torch.accelerator, torch.backends, torch.version

def _accelerator():
    # torch/accelerator on the CPU wheel: no accelerator. The probes answer; everything that needs a device raises
    # RuntimeError from torch._C.
    def no_accelerator(*args, **kwargs):
        raise RuntimeError("Cannot access accelerator device when none is available.")

    def deprecated_alias(new_name):
        def call(*args, **kwargs):                      # torch: FutureWarning, then the new name's answer
            warnings.warn(f"Use `{new_name}` instead.", FutureWarning, stacklevel=2)
            return no_accelerator(*args, **kwargs)
        return call

    def set_stream(stream):                             # torch: the binding accepts only a torch.Stream (none in mtv2)
        raise TypeError("_accelerator_setStream(): incompatible function arguments. The following argument types "
                        f"are supported:\n    1. (arg0: torch.Stream) -> None\n\nInvoked with: {stream!r}")

    names = dict(current_accelerator=lambda check_available=False: None,   # torch: None (check_available or not)
                 is_available=lambda: False,                               # torch: False
                 device_count=lambda: 0,                                   # torch: 0
                 set_stream=set_stream,
                 current_device_idx=deprecated_alias("current_device_index"),
                 set_device_idx=deprecated_alias("set_device_index"))
    for name in ("current_device_index", "set_device_index", "synchronize", "current_stream", "empty_cache",
                 "memory_allocated", "max_memory_allocated", "memory_reserved", "max_memory_reserved", "memory_stats",
                 "reset_peak_memory_stats", "reset_accumulated_memory_stats", "get_memory_info",
                 "get_device_capability"):
        names[name] = no_accelerator
    return names


def _backends():
    return {}   # torch.backends is a package: its children (STAND_IN_SUBMODULES) are its attributes


def _backends_cuda():
    class cuBLASModule:
        """torch.backends.cuda.matmul: the cuBLAS switches keep torch's CPU-build defaults and can be set."""

        def __init__(self):
            self.allow_tf32 = False                     # torch: False
            self.allow_fp16_reduced_precision_reduction = True   # torch: True
            self.allow_bf16_reduced_precision_reduction = True   # torch: True

    return dict(is_built=lambda: False,                 # torch: False on the CPU wheel
                matmul=cuBLASModule())


def _backends_cudnn():
    # torch/backends/cudnn on the CPU wheel: cuDNN absent, its switches settable with torch's defaults.
    @contextlib.contextmanager
    def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False, allow_tf32=True,
              fp32_precision="none", depthwise_kernel="auto"):
        # torch: sets the switches for the block and restores them after; entering gives None
        module = sys.modules["torch.backends.cudnn"]
        names = ("enabled", "benchmark", "benchmark_limit", "deterministic", "allow_tf32")
        saved = {name: getattr(module, name) for name in names}
        for name, value in zip(names, (enabled, benchmark, benchmark_limit, deterministic, allow_tf32)):
            setattr(module, name, value)
        try:
            yield
        finally:
            for name, value in saved.items():
                setattr(module, name, value)

    return dict(is_available=lambda: False,             # torch: False (no cuDNN)
                version=lambda: None,                   # torch: None without cuDNN
                flags=flags,
                enabled=True, benchmark=False, deterministic=False, allow_tf32=True,   # torch's defaults
                benchmark_limit=None)                   # torch: None until cuDNN initialises


def _backends_mps():
    def needs_mps(*args, **kwargs):                     # torch: RuntimeError from the non-MPS build
        raise RuntimeError("Cannot execute isOnMacOSorNewer() without MPS backend.")

    return dict(is_available=lambda: False,             # torch: False off macOS
                is_built=lambda: False,                 # torch: False on the Linux wheel
                is_macos_or_newer=needs_mps, is_macos13_or_newer=needs_mps)


def _version():
    # torch.version: a CPU build has no CUDA, ROCm or XPU version; __version__ is what `torch.__version__` says.
    import mtv2
    return dict(__version__=mtv2.__version__, cuda=None, hip=None, xpu=None, debug=False,
                git_version=f"mtv2 {mtv2.__version__}")   # torch: its commit hash (a str)


# ---------------------------------------------------------------- torch.compiler, torch._dynamo, torch.jit, torch.fx
# Nothing in mtv2 is ever compiled, exported, traced or scripted: the probes answer False, as in torch's eager mode,
# and the decorators leave functions unchanged (what torch's eager mode runs).

def _compiler():
    return dict(is_compiling=lambda: False,             # torch: False outside torch.compile
                is_exporting=lambda: False,             # torch: False outside torch.export
                is_dynamo_compiling=lambda: False,      # torch: False outside dynamo
                disable=_compile_decorator, allow_in_graph=_returns_its_argument,
                assume_constant_result=_returns_its_argument,
                reset=lambda: None,                     # torch: clears compile caches: None
                cudagraph_mark_step_begin=lambda: None)  # torch: None


def _dynamo():
    return dict(is_compiling=lambda: False,             # torch: False outside torch.compile
                disable=_compile_decorator, allow_in_graph=_returns_its_argument,
                assume_constant_result=_returns_its_argument,
                mark_static_address=lambda t, guard=False: None,   # torch: a compile hint, None in eager
                mark_dynamic=lambda t, index, **options: None,     # torch: a compile hint, None in eager
                reset=lambda: None)                     # torch: None


class TransformGetItemToIndex:
    """torch._dynamo._trace_wrapped_higher_order_op.TransformGetItemToIndex: a mode that rewrites tensor indexing
    only while vmap or dynamo trace; entered in eager around plain indexing (masking_utils' vmap branch), it changes
    nothing. Entering gives the mode itself, as torch's does."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False


TransformGetItemToIndex.__module__ = "torch._dynamo._trace_wrapped_higher_order_op"


def _dynamo_trace_wrapped():
    return dict(TransformGetItemToIndex=TransformGetItemToIndex)


def _jit():
    def ignore(drop=False, **kwargs):
        # torch: `@ignore` returns the function itself; `@ignore(drop=...)` returns a decorator that does
        if callable(drop):
            return drop
        if not isinstance(drop, bool):
            raise RuntimeError(f"Argument to @torch.jit.ignore must be a bool or a function but got {drop}")
        if kwargs.pop("drop_on_export", None) or drop:   # torch: both spellings of drop are deprecated
            warnings.warn("ignore(True) has been deprecated. TorchScript will now drop the function call on "
                          "compilation. Use torch.jit.unused now. {}", FutureWarning, stacklevel=2)
        return lambda fn: fn

    return dict(is_tracing=lambda: False,               # torch: False outside torch.jit.trace
                is_scripting=lambda: False,             # torch: False outside TorchScript
                ignore=ignore, unused=_returns_its_argument,
                script_if_tracing=_returns_its_argument)   # torch: a wrapper that just calls fn when not tracing


def _fx():
    # isinstance(x, torch.fx.Proxy) is False for every mtv2 value, as for every eager torch value; mtv2 has no fx
    # graphs, so a Proxy (which wraps an fx Node) cannot be built.
    return dict(Proxy=_unconstructible_class("torch.fx.Proxy", NotImplementedError,
                                             "torch.fx is not implemented in mtv2 (a stand-in name of the torch shim)"))


# ---------------------------------------------------------------- torch.library, torch.distributed

class _CustomOp:
    """What torch.library.custom_op returns (torch's CustomOpDef): calling it runs the Python function, which in mtv2
    is made of mtv2 ops and differentiates through them."""

    def __init__(self, name, fn):
        self.name = name
        self._fn = fn

    def __call__(self, *args, **kwargs):
        return self._fn(*args, **kwargs)

    def register_fake(self, fn):
        return fn          # torch: registers a meta implementation and returns fn; mtv2 has no fake tensors

    def register_autograd(self, backward, /, *, setup_context=None):
        return None        # torch: None; mtv2 differentiates the function's own mtv2 ops

    def register_kernel(self, device_types, fn=None, /):
        return (lambda inner: inner) if fn is None else fn   # torch: a kernel for another device; mtv2 has CPU only


def _library():
    def custom_op(name, fn=None, /, *, mutates_args, device_types=None, schema=None):
        # torch: returns a CustomOpDef (or a decorator making one); transformers' MoE integration registers at import
        if fn is None:
            return lambda inner: _CustomOp(name, inner)
        return _CustomOp(name, fn)

    def register_fake(op, fn=None, /, *, lib=None, _stacklevel=1, allow_override=False):
        return (lambda inner: inner) if fn is None else fn   # torch: returns fn (or a decorator)

    def register_autograd(op, backward, /, *, setup_context=None, lib=None):
        return None                                          # torch: None

    return dict(custom_op=custom_op, register_fake=register_fake, register_autograd=register_autograd)


def _distributed():
    # mtv2 has no process groups: is_available() is False, as in a torch built with USE_DISTRIBUTED=0 (the one
    # answer that differs from the Linux wheel, declared in tests/hf/test_stand_ins.py), so transformers skips
    # every torch.distributed.* import. The other names answer as the wheel does with no process group.
    def not_initialized(group=None):
        raise ValueError("Default process group has not been initialized, please make sure to call "
                         "init_process_group.")

    return dict(is_available=lambda: False, is_initialized=lambda: False,   # torch: is_initialized() False
                get_rank=not_initialized, get_world_size=not_initialized)  # torch: ValueError


# ---------------------------------------------------------------- torch.nn.attention
# (torch.distributions is mtv2.distributions, a real package)

class BlockMask:
    """torch.nn.attention.flex_attention.BlockMask: only in annotations and isinstance checks (False for every mtv2
    tensor) on the sdpa/eager paths; flex attention itself is not implemented in mtv2."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("flex_attention's BlockMask is not implemented in mtv2")


class AuxRequest(typing.NamedTuple):
    """torch.nn.attention.flex_attention.AuxRequest: which auxiliary outputs flex_attention should return (torch's
    NamedTuple, the same fields and defaults)."""
    lse: bool = False
    max_scores: bool = False


AuxRequest.__module__ = "torch.nn.attention.flex_attention"


def _flex_attention():
    # attn_implementation="flex_attention" is the only user; the eager and sdpa paths only import these names.
    prefix = "torch.nn.attention.flex_attention."
    return dict(BlockMask=BlockMask, AuxRequest=AuxRequest,
                create_block_mask=_not_on_mtv2(prefix + "create_block_mask"),
                flex_attention=_not_on_mtv2(prefix + "flex_attention"),
                _DEFAULT_SPARSE_BLOCK_SIZE=128)          # torch: 128


class SDPBackend(enum.Enum):
    """torch.nn.attention.SDPBackend: torch's members and values (an enum that does not equal ints, as torch's)."""
    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4

    def __int__(self):
        return self.value


SDPBackend.__module__ = "torch.nn.attention"


def _nn_attention():
    @contextlib.contextmanager
    def sdpa_kernel(backends, set_priority=False):
        # torch: picks which fused kernels SDPA may use; mtv2 has one SDPA implementation, computing what torch's
        # MATH backend does, so there is nothing to pick. Entering gives {} as torch's does.
        yield {}

    return dict(SDPBackend=SDPBackend, sdpa_kernel=sdpa_kernel)


STAND_IN_MODULES = {
    "torch.compiler": _compiler,
    "torch._dynamo": _dynamo,
    "torch._dynamo._trace_wrapped_higher_order_op": _dynamo_trace_wrapped,
    "torch.library": _library,
    "torch.distributed": _distributed,
    "torch.nn.attention": _nn_attention,
    "torch.nn.attention.flex_attention": _flex_attention,
    "torch.utils._pytree": pytree_names,
    "torch.cuda": _cuda,
    "torch.xpu": _xpu,
    "torch.backends": _backends,
    "torch.backends.cuda": _backends_cuda,
    "torch.backends.cudnn": _backends_cudnn,
    "torch.backends.mps": _backends_mps,
    "torch.accelerator": _accelerator,
    "torch.version": _version,
    "torch.jit": _jit,
    "torch.fx": _fx,
}

# torch's tracing and export names (torch.ops.aten's assertion ops, torch.export, torch.onnx, FX passes, symbolic
# shapes, torch.utils._sympy): mtv2/compat/export_names.py.
STAND_IN_MODULES.update(EXPORT_MODULES)

# Children a stand-in package imports when it is imported, as torch's own __init__ does.
STAND_IN_SUBMODULES = {"torch.backends": ("cuda", "cudnn", "mps")}

# Modules that `import torch` makes attributes of torch, as torch's __init__ imports them (torch.utils is mtv2.utils).
TOP_LEVEL_MODULES = ("compiler", "_dynamo", "library", "distributed", "utils", "cuda", "xpu",
                     "backends", "accelerator", "version", "jit", "fx", "export",
                     "ops")       # torch.ops is torch's op namespace, not mtv2's internal mtv2.ops package


def build_module(name):
    module = types.ModuleType(name, f"mtv2 torch shim stand-in for {name} (see mtv2/compat/stand_ins.py)")
    module.__dict__.update(STAND_IN_MODULES[name]())
    module.__file__ = __file__
    module.__path__ = []
    return module


# ---------------------------------------------------------------- names on `torch` itself

def _storage_only_dtype(name, numpy_type, category):
    """A dtype that exists to be named (keys of safetensors' dtype tables, transformers' float8 finfo constants).
    It is outside mtv2's dtype table (ALL_DTYPES): no promotion rule or op of mtv2 is checked against torch for it;
    a tensor of it can still be allocated and hold values (a checkpoint of that dtype loads as bytes), so it is
    safe for storage, not for arithmetic. Nothing on the BERT path creates one."""
    return _dtype.dtype(name, numpy_type, category)


def top_level_names():
    names = {}
    # float8 dtypes: finfo(float8_e4m3fn).min/.max are module constants in transformers' fp8 integrations.
    for name in ("float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz"):
        names[name] = _storage_only_dtype(name, getattr(ml_dtypes, name), _dtype.FLOATING)
    # Wider unsigned and complex dtypes: keys of safetensors' dtype tables only.
    for name, numpy_type in (("uint16", np.uint16), ("uint32", np.uint32), ("uint64", np.uint64)):
        names[name] = _storage_only_dtype(name, numpy_type, _dtype.INTEGER)
    # complex64: a key of safetensors' tables; mtv2 has no complex category, FLOATING just makes it a valid dtype
    names["complex64"] = _storage_only_dtype("complex64", np.complex64, _dtype.FLOATING)
    names.update(symbolic_scalar_names())        # torch.SymInt, SymFloat, SymBool (never made by an eager run)
    return names


# ---------------------------------------------------------------- names added to real mtv2 modules

@contextlib.contextmanager
def save_on_cpu(pin_memory=False, device_type="cuda"):
    """torch.autograd.graph.save_on_cpu moves saved activations to the CPU; mtv2's already are, so it is exact."""
    yield


# nn layer classes mtv2 does not implement. transformers reads them at import (ACT2CLS maps activation names to
# ReLU6, ...) and at construction (_init_weights: isinstance(module, (nn.Conv2d, nn.LSTM, ...))).
# isinstance against them is False for every mtv2 module, which is the truth: no such layer exists in the
# model; building one raises, so a model that needs one fails loudly instead of running something else. A name
# mtv2.nn has is never stood in for (the real class wins), so the list cannot hide a layer once it lands.
# AdaptiveLogSoftmaxWithLoss is the one still absent (the others are real now); tests/hf probe the mechanism with it.
ABSENT_NN_LAYERS = ("ReLU6", "LSTM", "GRU", "RNN", "MultiheadAttention", "AdaptiveLogSoftmaxWithLoss")


def _absent_nn_layers():
    from .. import nn
    from ..nn import Module

    def build(name):
        def __init__(self, *args, **kwargs):
            raise NotImplementedError(f"torch.nn.{name} is not implemented in mtv2 (a stand-in name of the shim)")
        return type(name, (Module,), {"__init__": __init__, "__module__": "torch.nn"})

    return {name: build(name) for name in ABSENT_NN_LAYERS if not hasattr(nn, name)}


def extra_attributes(torch_name):
    if torch_name == "torch.autograd.graph":
        return dict(save_on_cpu=save_on_cpu)
    if torch_name == "torch.nn":
        return _absent_nn_layers()
    return {}
