"""The shim's stand-ins (mtv2/compat/stand_ins.py) answer as torch 2.13's CPU wheel does, name by name.

Each probe is an expression evaluated under the real torch and under the shim, each in a fresh subprocess (the
shim is never installed where the real torch is loaded). Its outcome, the value returned (plain values compared as
they are, other objects by their class name) or the builtin class of the exception raised, and the categories of
the warnings it emits must be the same. Every name a stand-in module defines must have a probe, so a stand-in cannot
be added without being compared. The only answers allowed to differ are declared below with their reason.
"""
import importlib
import json
import warnings

import pytest

from .test_shim import run_python

# module -> name -> probe expressions. Helpers (f, enter, P, ...) are defined by HELPERS.
PROBES = {
    "torch.cuda": {
        "is_available": ["torch.cuda.is_available()"],
        "device_count": ["torch.cuda.device_count()"],
        "is_initialized": ["torch.cuda.is_initialized()"],
        "is_bf16_supported": ["torch.cuda.is_bf16_supported()", "torch.cuda.is_bf16_supported(False)"],
        "is_tf32_supported": ["torch.cuda.is_tf32_supported()"],
        "is_current_stream_capturing": ["torch.cuda.is_current_stream_capturing()"],
        "init": ["torch.cuda.init()"],
        "manual_seed": ["torch.cuda.manual_seed(0)", "torch.cuda.manual_seed('a')"],
        "manual_seed_all": ["torch.cuda.manual_seed_all(0)", "torch.cuda.manual_seed_all('a')"],
        "seed": ["torch.cuda.seed()"],
        "seed_all": ["torch.cuda.seed_all()"],
        "initial_seed": ["torch.cuda.initial_seed()"],
        "get_rng_state": ["torch.cuda.get_rng_state()"],
        "get_rng_state_all": ["torch.cuda.get_rng_state_all()"],
        "set_rng_state": ["torch.cuda.set_rng_state(torch.get_rng_state())", "torch.cuda.set_rng_state(1)"],
        "set_rng_state_all": ["torch.cuda.set_rng_state_all([torch.get_rng_state()])"],
        "default_generators": ["torch.cuda.default_generators"],
        "empty_cache": ["torch.cuda.empty_cache()"],
        "memory_stats": ["torch.cuda.memory_stats()"],
        "memory_stats_as_nested_dict": ["torch.cuda.memory_stats_as_nested_dict()"],
        "memory_allocated": ["torch.cuda.memory_allocated()", "torch.cuda.memory_allocated(0)",
                             "torch.cuda.memory_allocated('cpu')"],
        "max_memory_allocated": ["torch.cuda.max_memory_allocated()"],
        "memory_reserved": ["torch.cuda.memory_reserved()"],
        "max_memory_reserved": ["torch.cuda.max_memory_reserved()"],
        "memory_cached": ["torch.cuda.memory_cached()"],
        "max_memory_cached": ["torch.cuda.max_memory_cached()"],
        "reset_peak_memory_stats": ["torch.cuda.reset_peak_memory_stats()"],
        "reset_max_memory_allocated": ["torch.cuda.reset_max_memory_allocated()"],
        "reset_max_memory_cached": ["torch.cuda.reset_max_memory_cached()"],
        "reset_accumulated_memory_stats": ["torch.cuda.reset_accumulated_memory_stats()"],
        "set_device": ["torch.cuda.set_device(0)", "torch.cuda.set_device(-1)", "torch.cuda.set_device('cuda:0')",
                       "torch.cuda.set_device('cpu')"],
        "current_device": ["torch.cuda.current_device()"],
        "synchronize": ["torch.cuda.synchronize()"],
        "get_device_capability": ["torch.cuda.get_device_capability()"],
        "get_device_name": ["torch.cuda.get_device_name()"],
        "get_device_properties": ["torch.cuda.get_device_properties(0)"],
        "mem_get_info": ["torch.cuda.mem_get_info()"],
        "current_stream": ["torch.cuda.current_stream()"],
        "default_stream": ["torch.cuda.default_stream()"],
        "ipc_collect": ["torch.cuda.ipc_collect()"],
        "get_arch_list": ["torch.cuda.get_arch_list()"],
        "get_gencode_flags": ["torch.cuda.get_gencode_flags()"],
        "device": ["torch.cuda.device(0)", "enter(torch.cuda.device(0))", "enter(torch.cuda.device(-1))"],
        "device_of": ["enter(torch.cuda.device_of(torch.zeros(1)))"],
        "StreamContext": ["enter(torch.cuda.StreamContext(None))"],
        "stream": ["torch.cuda.stream(None)", "enter(torch.cuda.stream(None))"],
        "set_stream": ["torch.cuda.set_stream(None)"],
        "Stream": ["torch.cuda.Stream()", "isinstance(torch.zeros(1), torch.cuda.Stream)"],
        "Event": ["torch.cuda.Event()"],
        "CUDAGraph": ["torch.cuda.CUDAGraph()"],
        "graph": ["torch.cuda.graph(None)"],
    },
    "torch.xpu": {
        "is_available": ["torch.xpu.is_available()"],
        "device_count": ["torch.xpu.device_count()"],
        "is_initialized": ["torch.xpu.is_initialized()"],
        "is_bf16_supported": ["torch.xpu.is_bf16_supported()"],
        "is_tf32_supported": ["torch.xpu.is_tf32_supported()"],
        "is_current_stream_capturing": ["torch.xpu.is_current_stream_capturing()"],
        "init": ["torch.xpu.init()"],
        "manual_seed": ["torch.xpu.manual_seed(0)", "torch.xpu.manual_seed('a')"],
        "manual_seed_all": ["torch.xpu.manual_seed_all(0)"],
        "seed": ["torch.xpu.seed()"],
        "seed_all": ["torch.xpu.seed_all()"],
        "initial_seed": ["torch.xpu.initial_seed()"],
        "get_rng_state": ["torch.xpu.get_rng_state()"],
        "get_rng_state_all": ["torch.xpu.get_rng_state_all()"],
        "default_generators": ["torch.xpu.default_generators"],
        "empty_cache": ["torch.xpu.empty_cache()"],
        "memory_stats": ["torch.xpu.memory_stats()"],
        "memory_allocated": ["torch.xpu.memory_allocated()"],
        "max_memory_allocated": ["torch.xpu.max_memory_allocated()"],
        "memory_reserved": ["torch.xpu.memory_reserved()"],
        "max_memory_reserved": ["torch.xpu.max_memory_reserved()"],
        "reset_peak_memory_stats": ["torch.xpu.reset_peak_memory_stats()"],
        "set_device": ["torch.xpu.set_device(0)"],
        "current_device": ["torch.xpu.current_device()"],
        "synchronize": ["torch.xpu.synchronize()"],
        "get_device_capability": ["torch.xpu.get_device_capability()"],
        "get_device_name": ["torch.xpu.get_device_name()"],
        "get_device_properties": ["torch.xpu.get_device_properties()"],
        "mem_get_info": ["torch.xpu.mem_get_info()"],
        "current_stream": ["torch.xpu.current_stream()"],
        "device": ["enter(torch.xpu.device(0))", "enter(torch.xpu.device(-1))"],
    },
    "torch.accelerator": {
        "current_accelerator": ["torch.accelerator.current_accelerator()",
                                "torch.accelerator.current_accelerator(check_available=True)"],
        "is_available": ["torch.accelerator.is_available()"],
        "device_count": ["torch.accelerator.device_count()"],
        **{name: [f"torch.accelerator.{name}()"] for name in (
            "current_device_index", "current_device_idx", "synchronize", "current_stream", "empty_cache",
            "memory_allocated", "max_memory_allocated", "memory_reserved", "max_memory_reserved", "memory_stats",
            "reset_peak_memory_stats", "reset_accumulated_memory_stats", "get_memory_info",
            "get_device_capability")},
        "set_device_index": ["torch.accelerator.set_device_index(0)"],
        "set_device_idx": ["torch.accelerator.set_device_idx(0)"],
        "set_stream": ["torch.accelerator.set_stream(None)"],
    },
    "torch.backends": {},
    "torch.backends.cuda": {
        "is_built": ["torch.backends.cuda.is_built()"],
        "matmul": ["torch.backends.cuda.matmul.allow_tf32", "set_and_read(torch.backends.cuda.matmul, 'allow_tf32')",
                   "torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction",
                   "torch.backends.cuda.matmul.allow_bf16_reduced_precision_reduction"],
    },
    "torch.backends.cudnn": {
        "is_available": ["torch.backends.cudnn.is_available()"],
        "version": ["torch.backends.cudnn.version()"],
        "flags": ["enter(torch.backends.cudnn.flags())", "cudnn_flags_round_trip()"],
        "enabled": ["torch.backends.cudnn.enabled"],
        "benchmark": ["torch.backends.cudnn.benchmark"],
        "deterministic": ["torch.backends.cudnn.deterministic",
                          "set_and_read(torch.backends.cudnn, 'deterministic')"],
        "allow_tf32": ["torch.backends.cudnn.allow_tf32"],
        "benchmark_limit": ["torch.backends.cudnn.benchmark_limit"],
    },
    "torch.backends.mps": {
        "is_available": ["torch.backends.mps.is_available()"],
        "is_built": ["torch.backends.mps.is_built()"],
        "is_macos_or_newer": ["torch.backends.mps.is_macos_or_newer(14, 0)"],
        "is_macos13_or_newer": ["torch.backends.mps.is_macos13_or_newer()"],
    },
    "torch.version": {
        "__version__": ["torch.version.__version__ == torch.__version__"],
        "cuda": ["torch.version.cuda"],
        "hip": ["torch.version.hip"],
        "xpu": ["torch.version.xpu"],
        "debug": ["torch.version.debug"],
        "git_version": ["isinstance(torch.version.git_version, str)"],
    },
    "torch.compiler": {
        "is_compiling": ["torch.compiler.is_compiling()"],
        "is_exporting": ["torch.compiler.is_exporting()"],
        "is_dynamo_compiling": ["torch.compiler.is_dynamo_compiling()"],
        "disable": ["torch.compiler.disable(f)(1)", "torch.compiler.disable(recursive=False)(f)(1)",
                    "torch.compiler.disable(f, recursive=False)(1)", "torch.compiler.disable()(f)(1)"],
        "allow_in_graph": ["torch.compiler.allow_in_graph(f) is f"],
        "assume_constant_result": ["torch.compiler.assume_constant_result(f) is f"],
        "reset": ["torch.compiler.reset()"],
        "cudagraph_mark_step_begin": ["torch.compiler.cudagraph_mark_step_begin()"],
    },
    "torch._dynamo": {
        "is_compiling": ["torch._dynamo.is_compiling()"],
        "disable": ["torch._dynamo.disable(f)(1)", "torch._dynamo.disable(recursive=False)(f)(1)"],
        "allow_in_graph": ["torch._dynamo.allow_in_graph(f) is f"],
        "assume_constant_result": ["torch._dynamo.assume_constant_result(f) is f"],
        "mark_static_address": ["torch._dynamo.mark_static_address(torch.zeros(2))"],
        "mark_dynamic": ["torch._dynamo.mark_dynamic(torch.zeros(2), 0)"],
        "reset": ["torch._dynamo.reset()"],
        "(absent)": ["torch._dynamo.is_exporting", "torch._dynamo.is_dynamo_compiling"],
    },
    "torch._dynamo._trace_wrapped_higher_order_op": {
        "TransformGetItemToIndex": ["enter(trace_wrapped.TransformGetItemToIndex())",
                                    "indexing_inside(trace_wrapped.TransformGetItemToIndex())"],
    },
    "torch.jit": {
        "is_tracing": ["torch.jit.is_tracing()"],
        "is_scripting": ["torch.jit.is_scripting()"],
        "ignore": ["torch.jit.ignore(f) is f", "torch.jit.ignore(drop=True)(f)(1)", "torch.jit.ignore()(f)(1)",
                   "torch.jit.ignore(1)"],
        "unused": ["torch.jit.unused(f) is f"],
        "script_if_tracing": ["torch.jit.script_if_tracing(f)(1)"],
    },
    "torch.fx": {
        "Proxy": ["isinstance(torch.zeros(1), torch.fx.Proxy)", "torch.fx.Proxy(None)"],
    },
    "torch.library": {
        "custom_op": ["torch.library.custom_op('mtv2_probe::add_one', add_one, mutates_args=())(torch.ones(2))",
                      "torch.library.custom_op('mtv2_probe::add_two', mutates_args=())(add_two)(torch.ones(2))",
                      "torch.library.custom_op('mtv2_probe::add_three', add_three, mutates_args=())"
                      ".register_fake(add_three) is add_three"],
        "register_fake": ["torch.library.register_fake('mtv2_probe::add_one', fake_add_one) is fake_add_one"],
        "register_autograd": ["torch.library.register_autograd('mtv2_probe::add_one', add_one_backward)"],
    },
    "torch.distributed": {
        "is_available": ["torch.distributed.is_available()"],
        "is_initialized": ["torch.distributed.is_initialized()"],
        "get_rank": ["torch.distributed.get_rank()"],
        "get_world_size": ["torch.distributed.get_world_size()"],
    },
    # real modules now (mtv2.distributions), probed here for what transformers calls on them
    "torch.distributions": {
        "multivariate_normal": ["torch.distributions.multivariate_normal.MultivariateNormal(torch.zeros(2), "
                                "covariance_matrix=torch.eye(2)).sample(sample_shape=(3,)).shape"],
    },
    "torch.distributions.constraints": {
        "positive_definite": ["torch.distributions.constraints.positive_definite.check(torch.eye(2))",
                              "torch.distributions.constraints.positive_definite.check(-torch.eye(2))"],
    },
    "torch.nn.attention": {
        "SDPBackend": ["torch.nn.attention.SDPBackend.MATH.value", "torch.nn.attention.SDPBackend.MATH.name",
                       "int(torch.nn.attention.SDPBackend.FLASH_ATTENTION)", "torch.nn.attention.SDPBackend.MATH == 0",
                       "list(torch.nn.attention.SDPBackend.__members__)",
                       "[member.value for member in torch.nn.attention.SDPBackend.__members__.values()]"],
        "sdpa_kernel": ["enter(torch.nn.attention.sdpa_kernel(torch.nn.attention.SDPBackend.MATH))",
                        "enter(torch.nn.attention.sdpa_kernel([torch.nn.attention.SDPBackend.MATH,"
                        " torch.nn.attention.SDPBackend.FLASH_ATTENTION], set_priority=True))"],
    },
    "torch.nn.attention.flex_attention": {
        "_DEFAULT_SPARSE_BLOCK_SIZE": ["torch.nn.attention.flex_attention._DEFAULT_SPARSE_BLOCK_SIZE"],
        "AuxRequest": ["torch.nn.attention.flex_attention.AuxRequest()",
                       "tuple(torch.nn.attention.flex_attention.AuxRequest(lse=True))",
                       "torch.nn.attention.flex_attention.AuxRequest(max_scores=True).max_scores"],
        "BlockMask": ["isinstance(torch.zeros(1), torch.nn.attention.flex_attention.BlockMask)",
                      "torch.nn.attention.flex_attention.BlockMask(1)"],
        "create_block_mask": ["torch.nn.attention.flex_attention.create_block_mask(None, 1, 1, 4, 4)"],
        "flex_attention": ["torch.nn.attention.flex_attention.flex_attention(torch.ones(1, 1, 4, 8), "
                           "torch.ones(1, 1, 4, 8), torch.ones(1, 1, 4, 8))"],
    },
    "torch.utils._pytree": {
        "register_pytree_node": ["register_twice(pytree.register_pytree_node)"],
        "_register_pytree_node": ["register_twice(pytree._register_pytree_node)"],
        "SUPPORTED_NODES": ["[kind in pytree.SUPPORTED_NODES for kind in (tuple, list, dict, collections.OrderedDict)]",
                            "type(pytree.SUPPORTED_NODES)"],
        "tree_flatten": ["pytree.tree_flatten([1, (2, 3), {'b': 4, 'a': None}])[0]",
                         "pytree.tree_flatten(P(1, [2]))[0]"],
        "tree_unflatten": ["pytree.tree_unflatten([5, 6, 7], pytree.tree_structure([1, (2, {'k': 3})]))",
                           "pytree.tree_unflatten([1], pytree.tree_structure([1, 2]))"],
        "tree_leaves": ["pytree.tree_leaves([1, None, (2,), {'b': 3, 'a': 4}, collections.OrderedDict(z=5)])",
                        "pytree.tree_leaves(collections.deque([1, [2]]))"],
        "tree_structure": ["pytree.tree_structure([1, (2, 3)]) == pytree.tree_structure([4, (5, 6)])",
                           "pytree.tree_structure([1, (2, 3)]) == pytree.tree_structure([4, [5, 6]])"],
        "TreeSpec": ["isinstance(pytree.tree_structure([1]), pytree.TreeSpec)",
                     "pytree.tree_structure([1, (2,)]).num_leaves"],
        "tree_map": ["pytree.tree_map(lambda v: v * 10, P(1, [2, 3]))",
                     "pytree.tree_map(lambda a, b: a + b, [1, (2,)], [10, (20,)])",
                     "pytree.tree_map(lambda v: v, {'a': 1, 'b': [2]})"],
        "tree_map_only": ["pytree.tree_map_only(int, lambda v: v + 1, [1, 'a', 2.0, (3,)])"],
        "_dict_flatten": ["pytree._dict_flatten({'b': 1, 'a': 2})"],
        "_dict_unflatten": ["pytree._dict_unflatten([1, 2], ['b', 'a'])"],
        "_dict_flatten_with_keys": ["[[str(key), value] for key, value in pytree._dict_flatten_with_keys({'a': 1})[0]]",
                                    "pytree._dict_flatten_with_keys({'a': 1})[1]"],
        "MappingKey": ["str(pytree.MappingKey('a'))", "pytree.MappingKey('a') == pytree.MappingKey('a')",
                       "pytree.MappingKey('a').key"],
    },
    # torch's tracing and export names (mtv2/compat/export_names.py)
    "torch.ops": {
        "aten": ["torch.ops.aten._assert_scalar(True, 'm')", "torch.ops.aten._assert_scalar.default(0, 'zero')",
                 "torch.ops.aten._assert_async(torch.tensor(1))", "torch.ops.aten._assert_async(torch.tensor(0))",
                 "torch.ops.aten._assert_async.msg(torch.tensor(0.0), 'm')",
                 "torch.ops.aten._assert_async(torch.tensor([1, 2]))", "torch.ops.aten._assert_async.overloads()",
                 "torch.ops.aten.sym_constrain_range_for_size(5, min=0, max=10)",
                 "torch.ops.aten.sym_constrain_range_for_size.default(50, min=0, max=10)",
                 "torch.ops.aten._assert_tensor_metadata(torch.zeros(2, 3), [2, 3], None, torch.float32)",
                 "torch.ops.aten._assert_tensor_metadata(torch.zeros(2, 3), [2, 4])",
                 "torch.ops.aten._assert_tensor_metadata(torch.zeros(2, 3), None, [1, 1])",
                 "torch.ops.aten._assert_tensor_metadata.default(torch.zeros(2, 3), dtype=torch.int64)",
                 "torch.ops.aten._assert_scalar.default.name()", "str(torch.ops.aten._assert_async.msg)",
                 "torch.ops.aten._assert_scalar.no_such_overload", "torch.ops.aten.no_such_op"],
    },
    "torch._prims_common": {
        "is_contiguous_or_false": ["torch._prims_common.is_contiguous_or_false(torch.zeros(2, 3))",
                                   "torch._prims_common.is_contiguous_or_false(torch.zeros(2, 3).t())"],
    },
    "torch.export": {
        "ExportedProgram": ["isinstance(torch.nn.Linear(1, 1), torch.export.ExportedProgram)"],
        "export": ["torch.export.export(torch.nn.Linear(2, 2), (torch.zeros(1, 2),))"],
    },
    "torch.onnx": {
        "ONNXProgram": ["isinstance(torch.zeros(1), torch.onnx.ONNXProgram)"],
        "export": ["torch.onnx.export(torch.nn.Linear(2, 2), (torch.zeros(1, 2),))"],
    },
    "torch.fx.passes.infra.pass_base": {
        "PassResult": ["tuple(torch.fx.passes.infra.pass_base.PassResult(None, True))",
                       "torch.fx.passes.infra.pass_base.PassResult(None, False).modified"],
    },
    "torch.fx.experimental.symbolic_shapes": {
        "guard_or_false": ["torch.fx.experimental.symbolic_shapes.guard_or_false(True)",
                           "torch.fx.experimental.symbolic_shapes.guard_or_false(0)"],
        "guard_or_true": ["torch.fx.experimental.symbolic_shapes.guard_or_true(False)"],
        "GuardOnDataDependentSymNode": [
            "issubclass(torch.fx.experimental.symbolic_shapes.GuardOnDataDependentSymNode, RuntimeError)"],
    },
    "torch.utils._sympy.numbers": {
        "IntInfinity": ["isinstance(1, torch.utils._sympy.numbers.IntInfinity)"],
        "NegativeIntInfinity": ["isinstance(1, torch.utils._sympy.numbers.NegativeIntInfinity)"],
    },
    "torch.utils._sympy.value_ranges": {
        "ValueRanges": ["torch.utils._sympy.value_ranges.ValueRanges(0, 1)"],
    },
    # names the shim adds to mtv2's own modules (stand_ins.extra_attributes)
    "torch.autograd.graph": {
        "save_on_cpu": ["enter(torch.autograd.graph.save_on_cpu())",
                        "enter(torch.autograd.graph.save_on_cpu(pin_memory=True))"],
    },
    "torch.nn": {
        "(absent layers)": ["isinstance(torch.nn.Linear(2, 2), (torch.nn.Conv2d, torch.nn.AdaptiveLogSoftmaxWithLoss, "
                            "torch.nn.GroupNorm))",
                            "torch.nn.AdaptiveLogSoftmaxWithLoss(4, 8, [2])"],
    },
}

HELPERS = '''
import collections
import importlib
pytree = importlib.import_module("torch.utils._pytree")
trace_wrapped = importlib.import_module("torch._dynamo._trace_wrapped_higher_order_op")
P = collections.namedtuple("P", "x y")

def f(x):
    return x + 1

def enter(manager):
    with manager as value:
        return value

def indexing_inside(mode):
    x = torch.arange(6).reshape(2, 3)
    with mode:
        return x[1, 2].item()

def set_and_read(owner, name):
    before = getattr(owner, name)
    setattr(owner, name, not before)
    inside = getattr(owner, name)
    setattr(owner, name, before)
    return [inside, getattr(owner, name)]

def cudnn_flags_round_trip():
    cudnn = torch.backends.cudnn
    with cudnn.flags(enabled=False, deterministic=True, allow_tf32=False):
        inside = [cudnn.enabled, cudnn.deterministic, cudnn.allow_tf32]
    return [inside, [cudnn.enabled, cudnn.deterministic, cudnn.allow_tf32]]

def register_twice(register):
    class Node:
        pass
    flatten, unflatten = (lambda node: ([], None)), (lambda values, context: Node())
    first = register(Node, flatten, unflatten)
    try:
        register(Node, flatten, unflatten)
    except Exception as exception:
        return [first, type(exception).__name__]
    return [first, "did not raise"]

def add_one(x: torch.Tensor) -> torch.Tensor:
    return x + 1

def add_two(x: torch.Tensor) -> torch.Tensor:
    return x + 2

def add_three(x: torch.Tensor) -> torch.Tensor:
    return x + 3

def fake_add_one(x):
    return torch.empty_like(x)

def add_one_backward(ctx, grad):
    return grad
'''

# Answers that differ from the Linux CPU wheel on purpose: expression -> (the shim's outcome, why).
DECLARED = {
    "torch.distributed.is_available()": (
        ["value", ["bool", False], []],
        "mtv2 has no process groups: it answers as a torch built with USE_DISTRIBUTED=0, so transformers skips "
        "its torch.distributed.* imports (torch.distributed.tensor, device_mesh, ...) that mtv2 cannot serve"),
}

# Where the CPU wheel computes something mtv2 does not implement, the stand-in raises NotImplementedError.
NOT_IMPLEMENTED = {
    "torch.export.export(torch.nn.Linear(2, 2), (torch.zeros(1, 2),))": "export needs torch's tracer; mtv2 is eager",
    "torch.onnx.export(torch.nn.Linear(2, 2), (torch.zeros(1, 2),))": "export needs torch's tracer; mtv2 is eager",
    "torch.utils._sympy.value_ranges.ValueRanges(0, 1)": "sympy value ranges exist for tracing only",
    "torch.fx.Proxy(None)": "torch.fx graphs are not in mtv2",
    "torch.nn.attention.flex_attention.BlockMask(1)": "flex attention is not in mtv2",
    "torch.nn.attention.flex_attention.create_block_mask(None, 1, 1, 4, 4)": "flex attention is not in mtv2",
    "torch.nn.attention.flex_attention.flex_attention(torch.ones(1, 1, 4, 8), torch.ones(1, 1, 4, 8), "
    "torch.ones(1, 1, 4, 8))": "flex attention is not in mtv2",
    "torch.nn.AdaptiveLogSoftmaxWithLoss(4, 8, [2])": "the layer is not in mtv2",
}

EXPRESSIONS = [expression for names in PROBES.values() for expressions in names.values() for expression in expressions]


def _observe(value):
    """A framework-free, JSON-able picture of a returned value."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return [type(value).__name__, value]
    if isinstance(value, type):
        return ["class", value.__name__]
    if isinstance(value, (list, tuple)):
        return [type(value).__name__, [_observe(item) for item in value]]
    if isinstance(value, dict):
        return [type(value).__name__, {str(key): _observe(item) for key, item in value.items()}]
    return ["object", type(value).__name__]


def _outcome(expression, namespace):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = ["value", _observe(eval(expression, namespace))]
        except Exception as exception:  # noqa: BLE001 - the class is the observable
            builtin = next(kind for kind in type(exception).__mro__ if kind.__module__ == "builtins")
            result = ["raises", builtin.__name__, f"{type(exception).__name__}: {exception}"[:200]]
    categories = sorted({warning.category.__name__ for warning in caught
                         if not issubclass(warning.category, DeprecationWarning)})
    return result + [categories]


def outcomes(torch):
    """Every probe's outcome under `torch` (the real one or the shim's)."""
    for module in PROBES:
        importlib.import_module(module)
    namespace = {"torch": torch}
    exec(HELPERS, namespace)
    return {expression: _outcome(expression, namespace) for expression in EXPRESSIONS}


def stand_in_names():
    """module -> the names each stand-in module of the installed shim defines (child modules left out)."""
    import types
    from mtv2.compat import stand_ins
    found = {}
    for module_name in stand_ins.STAND_IN_MODULES:
        module = importlib.import_module(module_name)
        found[module_name] = sorted(name for name, value in vars(module).items()
                                    if not (name.startswith("__") and name != "__version__")
                                    and not isinstance(value, types.ModuleType))
    return found


@pytest.fixture(scope="module")
def shim():
    done = run_python("""
        import json
        import mtv2.compat
        torch = mtv2.compat.install_torch_shim()
        from tests.hf.test_stand_ins import outcomes, stand_in_names
        print(json.dumps({"outcomes": outcomes(torch), "names": stand_in_names()}))
    """, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def wheel():
    # in a fresh process too: a test in this process may have imported torch.testing._internal, which switches off
    # torch.backends.cudnn's global flags (setting one then raises), and a user's torch has not
    pytest.importorskip("torch")
    done = run_python("""
        import json
        import torch
        from tests.hf.test_stand_ins import outcomes
        print(json.dumps(outcomes(torch)))
    """, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _comparable(outcome):
    return outcome[:2] + outcome[-1:] if outcome[0] == "raises" else outcome


def test_every_stand_in_name_has_a_probe(shim):
    missing = {module: sorted(set(names) - set(PROBES.get(module, {}))) for module, names in shim["names"].items()}
    missing = {module: names for module, names in missing.items() if names}
    assert not missing, f"stand-in names without a probe in PROBES (tests/hf/test_stand_ins.py): {missing}"


def test_probes_are_unique():
    assert len(EXPRESSIONS) == len(set(EXPRESSIONS))


@pytest.mark.parametrize("expression", [e for e in EXPRESSIONS if e not in DECLARED and e not in NOT_IMPLEMENTED])
def test_answers_as_the_cpu_wheel(expression, shim, wheel):
    expected, actual = wheel[expression], shim["outcomes"][expression]
    assert _comparable(actual) == _comparable(expected), f"torch: {expected}\n  shim:  {actual}"


@pytest.mark.parametrize("expression", sorted(DECLARED))
def test_declared_difference(expression, shim, wheel):
    declared, reason = DECLARED[expression]
    assert shim["outcomes"][expression] == declared, reason
    assert wheel[expression] != declared, f"no longer a difference, remove it from DECLARED: {reason}"


@pytest.mark.parametrize("expression", sorted(NOT_IMPLEMENTED))
def test_not_implemented_in_mtv2_raises(expression, shim):
    actual = shim["outcomes"][expression]
    assert actual[:2] == ["raises", "NotImplementedError"], f"{NOT_IMPLEMENTED[expression]}: {actual}"


def test_transformers_testing_utils_and_set_seed_under_the_shim():
    pytest.importorskip("transformers")
    done = run_python("""
        import mtv2.compat
        torch = mtv2.compat.install_torch_shim()
        import transformers.testing_utils as testing_utils
        from transformers import set_seed
        set_seed(0)
        print(testing_utils.backend_device_count("cuda"), testing_utils.backend_memory_allocated("cuda"),
              testing_utils.backend_max_memory_allocated("cuda"), testing_utils.backend_empty_cache("cuda"),
              testing_utils.backend_manual_seed("cuda", 0))
    """)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["0", "0", "0", "None", "None"]
