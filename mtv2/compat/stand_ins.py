"""Every inert stand-in of the `torch` shim, in one place, each with the reason it is safe.

A stand-in is a name that third-party torch code (transformers, safetensors) reads at import time or probes at
runtime but that never computes anything a model's forward, backward or optimizer step depends on. Everything
on the compute path is real mtv2 code; nothing here returns a tensor. A stand-in that is reached on a path
mtv2 cannot serve raises NotImplementedError naming itself, rather than pretending.

The three tables:
- STAND_IN_MODULES: torch modules mtv2 has no counterpart for (torch.compiler, torch.distributed, ...).
- top_level_names(): names on `torch` itself that mtv2 does not have (extra dtypes).
- extra_attributes(): names added to a real mtv2 module, only while the shim is installed (torch.nn layer
  classes mtv2 lacks, torch.autograd.graph.save_on_cpu).
One behaviour outside this file is of the same kind and is listed here so the list stays complete:
- `with torch.device("meta")` (mtv2/_device.py): mtv2 has no meta tensors, so factories inside keep allocating
  CPU memory; transformers' from_pretrained then initialises the weights for real before the checkpoint
  overwrites them (same weights, more work; checked by the hf save_load rows).
"""
import contextlib
import types

import ml_dtypes
import numpy as np

from .. import _dtype


def _identity_decorator(fn=None, **options):
    """`@deco`, `@deco()` and `@deco(recursive=False)` all give back the function unchanged."""
    if fn is None:
        return lambda inner: inner
    return fn


def _false(*args, **kwargs):
    return False


def _zero(*args, **kwargs):
    return 0


def _none(*args, **kwargs):
    return None


def _not_on_mtv2(what):
    def refuse(*args, **kwargs):
        raise NotImplementedError(f"{what} is an import-time stand-in under the mtv2 torch shim; mtv2 cannot run it")
    refuse.__name__ = what.rsplit(".", 1)[-1]
    return refuse


def _annotation_class(qualified_name, doc):
    """A class that exists for annotations (`x: torch.cuda.Stream | None`) and isinstance checks (always False:
    mtv2 never makes one); constructing it raises."""
    module, _, name = qualified_name.rpartition(".")

    def __init__(self, *args, **kwargs):
        raise NotImplementedError(f"{qualified_name} is an import-time stand-in under the mtv2 torch shim")

    return type(name, (), {"__init__": __init__, "__doc__": doc, "__module__": module})


class _ConstraintStandIn:
    """torch.distributions.constraints.<name>: modeling_utils imports the module; only the mean-resizing path of
    resize_token_embeddings calls `positive_definite.check`, which mtv2 (no Cholesky) refuses."""

    def __init__(self, name):
        self.name = name

    def check(self, value):
        raise NotImplementedError(f"torch.distributions.constraints.{self.name}.check is not available on mtv2")


class _Namespace:
    """A plain attribute bag for nested probe namespaces (torch.backends.cuda.matmul)."""

    def __init__(self, **attributes):
        self.__dict__.update(attributes)


# ---------------------------------------------------------------- stand-in modules
# name -> () -> {attribute: value}. Packages: every stand-in module gets a __path__, so its children import.

def _compiler():
    # mtv2 has no compiler: nothing is ever being compiled or exported, and compile-control decorators have
    # nothing to control, so they return the function itself (transformers calls is_compiling() per ModelOutput).
    return dict(is_compiling=_false, is_exporting=_false, is_dynamo_compiling=_false, disable=_identity_decorator,
                allow_in_graph=_identity_decorator, assume_constant_result=_identity_decorator)


def _dynamo():
    # The same decorators under their torch._dynamo names (transformers' kernels integrations apply them at import);
    # mark_static_address is a compile hint for CUDA graphs, meaningless without a compiler.
    return dict(_compiler(), mark_static_address=_none)


@contextlib.contextmanager
def _transform_getitem_to_index():
    # masking_utils enters it only around its torch.vmap branch (custom mask functions), which mtv2 never takes;
    # as a context manager that changes nothing it is exact for plain indexing.
    yield


def _dynamo_trace_wrapped():
    return dict(TransformGetItemToIndex=_transform_getitem_to_index)


def _library():
    # transformers' MoE integration registers custom ops at import; BERT never calls them (torch.ops is absent,
    # so a call would fail loudly). Registration keeps the Python function and does nothing else.
    def custom_op(name, fn=None, /, *, mutates_args=(), device_types=None, schema=None):
        return (lambda inner: inner) if fn is None else fn

    def register_fake(op, fn=None, /, *, lib=None, _stacklevel=1, allow_override=False):
        return (lambda inner: inner) if fn is None else fn

    def register_autograd(op, backward, /, *, setup_context=None, lib=None):
        return None

    return dict(custom_op=custom_op, register_fake=register_fake, register_autograd=register_autograd)


def _distributed():
    # is_available() False makes transformers skip every distributed import; one process, no process group.
    return dict(is_available=_false, is_initialized=_false, get_world_size=lambda *a, **k: 1,
                get_rank=_zero)


def _distributions():
    return {}


def _constraints():
    return dict(positive_definite=_ConstraintStandIn("positive_definite"))


class BlockMask:
    """torch.nn.attention.flex_attention.BlockMask: only in annotations and isinstance checks (False for every mtv2
    tensor) on the sdpa/eager paths; flex attention itself is not in mtv2."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("flex_attention's BlockMask is not available on mtv2")


def _flex_attention():
    # attn_implementation="flex_attention" is the only user; the eager and sdpa paths only import these names.
    prefix = "torch.nn.attention.flex_attention."
    return dict(BlockMask=BlockMask, create_block_mask=_not_on_mtv2(prefix + "create_block_mask"),
                flex_attention=_not_on_mtv2(prefix + "flex_attention"),
                AuxRequest=_annotation_class("torch.nn.attention.flex_attention.AuxRequest", "flex_attention"),
                _DEFAULT_SPARSE_BLOCK_SIZE=128)


def _nn_attention():
    # SDPBackend / sdpa_kernel pick a fused CUDA kernel; mtv2 has one SDPA implementation, so the choice is moot.
    class SDPBackend:
        ERROR, MATH, FLASH_ATTENTION, EFFICIENT_ATTENTION, CUDNN_ATTENTION, OVERRIDEABLE = range(-1, 5)

    @contextlib.contextmanager
    def sdpa_kernel(backends=None, set_priority=False):
        yield

    return dict(SDPBackend=SDPBackend, sdpa_kernel=sdpa_kernel)


def _utils():
    return {}


def _pytree():
    # transformers registers every ModelOutput as a pytree node for torch.compile/export flattening; mtv2 has no
    # transform that flattens pytrees, so the registration has nothing to inform.
    def register_pytree_node(cls, flatten_fn, unflatten_fn, *, serialized_type_name=None, to_dumpable_context=None,
                             from_dumpable_context=None, flatten_with_keys_fn=None):
        return None

    return dict(register_pytree_node=register_pytree_node, _register_pytree_node=register_pytree_node,
                _dict_flatten_with_keys=_not_on_mtv2("torch.utils._pytree._dict_flatten_with_keys"),
                tree_map=_not_on_mtv2("torch.utils._pytree.tree_map"))


def _checkpoint():
    # Activation checkpointing trades memory for recomputation; calling the function directly gives the same
    # values and gradients (it only keeps the activations), so it is exact, just not memory-saving.
    def checkpoint(function, *args, use_reentrant=None, context_fn=None, determinism_check="default",
                   debug=False, preserve_rng_state=True, **kwargs):
        return function(*args, **kwargs)

    return dict(checkpoint=checkpoint)


def _cuda():
    # CPU only: every probe says "no CUDA"; the classes exist for annotations (transformers' cache/graph code).
    names = {name: _annotation_class(f"torch.cuda.{name}", "CUDA only") for name in
             ("Stream", "Event", "CUDAGraph", "StreamContext", "graph")}
    return dict(names, is_available=_false, device_count=_zero, is_current_stream_capturing=_false,
                is_bf16_supported=_false, is_initialized=_false, empty_cache=_none, synchronize=_none)


def _xpu():
    return dict(is_available=_false, device_count=_zero, is_current_stream_capturing=_false,
                is_bf16_supported=_false, empty_cache=_none, synchronize=_none)


def _backends():
    # Availability probes and TF32 switches of accelerator backends mtv2 does not have.
    return dict(mps=_Namespace(is_available=_false, is_built=_false, is_macos_or_newer=_false),
                cuda=_Namespace(matmul=_Namespace(allow_tf32=False), is_built=_false),
                cudnn=_Namespace(allow_tf32=False, is_available=_false, enabled=False, deterministic=False))


def _accelerator():
    # No accelerator: current_accelerator() is None exactly as torch's on a CPU-only build.
    return dict(current_accelerator=_none, is_available=_false, device_count=_zero)


def _version():
    # The version mtv2 follows; no CUDA/ROCm build.
    return dict(__version__="2.13.0", cuda=None, hip=None, git_version="mtv2", debug=False)


def _jit():
    # No TorchScript: nothing is ever traced or scripted (sdpa_attention reads is_tracing() every call).
    return dict(is_tracing=_false, is_scripting=_false, ignore=_identity_decorator, unused=_identity_decorator)


def _fx():
    # isinstance(x, torch.fx.Proxy) is False for every mtv2 value, as for an eager torch run.
    return dict(Proxy=_annotation_class("torch.fx.Proxy", "torch.fx tracing proxy"))


STAND_IN_MODULES = {
    "torch.compiler": _compiler,
    "torch._dynamo": _dynamo,
    "torch._dynamo._trace_wrapped_higher_order_op": _dynamo_trace_wrapped,
    "torch.library": _library,
    "torch.distributed": _distributed,
    "torch.distributions": _distributions,
    "torch.distributions.constraints": _constraints,
    "torch.nn.attention": _nn_attention,
    "torch.nn.attention.flex_attention": _flex_attention,
    "torch.utils": _utils,
    "torch.utils._pytree": _pytree,
    "torch.utils.checkpoint": _checkpoint,
    "torch.cuda": _cuda,
    "torch.xpu": _xpu,
    "torch.backends": _backends,
    "torch.accelerator": _accelerator,
    "torch.version": _version,
    "torch.jit": _jit,
    "torch.fx": _fx,
}

# Stand-in modules that `import torch` makes attributes of torch, as torch's __init__ imports them.
TOP_LEVEL_MODULES = ("compiler", "_dynamo", "library", "distributed", "distributions", "utils", "cuda", "xpu",
                     "backends", "accelerator", "version", "jit", "fx")


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
    return names


# ---------------------------------------------------------------- names added to real mtv2 modules

@contextlib.contextmanager
def save_on_cpu(pin_memory=False, device_type="cuda"):
    """torch.autograd.graph.save_on_cpu moves saved activations to the CPU; mtv2's already are, so it is exact."""
    yield


# nn layer classes mtv2 does not implement. transformers reads them at import (ACT2CLS maps activation names to
# Hardswish, PReLU, ReLU6) and at construction (_init_weights: isinstance(module, (nn.Conv2d, nn.LSTM, ...))).
# isinstance against them is False for every mtv2 module, which is the truth: no such layer exists in the
# model; building one raises, so a model that needs one fails loudly instead of running something else.
ABSENT_NN_LAYERS = ("Hardswish", "PReLU", "ReLU6", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
                    "ConvTranspose3d", "LSTM", "GRU", "RNN", "MultiheadAttention", "GroupNorm", "BatchNorm2d",
                    "BatchNorm3d", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "RMSNorm")


def _absent_nn_layers():
    from ..nn import Module

    def build(name):
        def __init__(self, *args, **kwargs):
            raise NotImplementedError(f"torch.nn.{name} is not implemented in mtv2 (a stand-in name of the shim)")
        return type(name, (Module,), {"__init__": __init__, "__module__": "torch.nn"})

    return {name: build(name) for name in ABSENT_NN_LAYERS}


def extra_attributes(torch_name):
    if torch_name == "torch.autograd.graph":
        return dict(save_on_cpu=save_on_cpu)
    if torch_name == "torch.nn":
        return _absent_nn_layers()
    return {}
