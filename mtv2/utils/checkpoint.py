"""torch.utils.checkpoint: activation checkpointing. A checkpointed segment keeps none of its activations; its
backward runs the segment again (from the RNG state of the forward, so dropout masks repeat) and differentiates the
recomputed graph.

Two variants, as in torch:
- use_reentrant=True: an autograd.Function. The forward runs under no_grad; the backward recomputes with detached
  inputs and runs a backward of its own, which accumulates into the `.grad` of parameters used inside.
- use_reentrant=False: torch replaces the saved tensors of the segment's graph with placeholders (saved-tensor
  hooks) that recompute when unpacked. mtv2 records the segment once (so the outputs require grad exactly when
  torch's do, whichever tensors the function reaches: inputs, kwargs, parameters) and then replaces the segment's
  graph by one CheckpointBackward node whose edges are the segment's edges to the rest of the graph; its backward
  recomputes and differentiates down to those edges only. It hands on each gradient reaching an edge separately,
  in the order the uncheckpointed graph would deliver them, so they are summed in the same order: gradients are
  bit-identical to the uncheckpointed run.
Divergence: torch recomputes only when a saved tensor of the segment is needed; mtv2 recomputes whenever a gradient
reaches the segment's outputs (same values; only a segment that saves nothing, like a pure sum, differs in calls).
"""
import contextlib
import warnings

from .._random import get_rng_state, set_rng_state
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.engine import is_checkpoint_valid, run_backward
from ..autograd.function import Function
from ..autograd.graph import AccumulateGrad, Node, SavedTensor, sequence_mark

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "CheckpointFunction", "check_backward_validity",
           "detach_variable", "noop_context_fn", "set_checkpoint_early_stop", "set_checkpoint_debug_enabled"]

_ALLOWED_DETERMINISM_CHECKS = ["default", "none"]


class CheckpointError(RuntimeError):
    pass


def noop_context_fn():
    return contextlib.nullcontext(), contextlib.nullcontext()


def detach_variable(inputs):
    if not isinstance(inputs, tuple):
        raise RuntimeError(f"Only tuple of tensors is supported. Got Unsupported input type: {type(inputs).__name__}")
    detached = []
    for value in inputs:
        if isinstance(value, Tensor):
            copy = value.detach()
            copy.requires_grad = value.requires_grad
            value = copy
        detached.append(value)
    return tuple(detached)


def check_backward_validity(inputs):
    if not any(value.requires_grad for value in inputs if isinstance(value, Tensor)):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=2)


@contextlib.contextmanager
def set_checkpoint_early_stop(enable):
    """torch stops a recomputation once it has every tensor it needs; mtv2 recomputes whole segments, which gives the
    same values, so the switch has nothing to change."""
    yield


@contextlib.contextmanager
def set_checkpoint_debug_enabled(enabled):
    """Debug mode only adds operator traces to torch's recomputation-mismatch errors."""
    yield


@contextlib.contextmanager
def _rng_of_forward(state):
    """Run with the RNG as it was when the forward started, then put the stream back (torch.random.fork_rng)."""
    if state is None:
        yield
        return
    outside = get_rng_state()
    set_rng_state(state)
    try:
        yield
    finally:
        set_rng_state(outside)


# ---------------------------------------------------------------- use_reentrant=True

class CheckpointFunction(Function):
    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        check_backward_validity(args)
        ctx.run_function = run_function
        ctx.fwd_cpu_state = get_rng_state() if preserve_rng_state else None
        # non-tensor inputs are kept as they are; tensors are saved (version-checked) and filled in at backward
        ctx.inputs = [None if isinstance(value, Tensor) else value for value in args]
        ctx.tensor_indices = [index for index, value in enumerate(args) if isinstance(value, Tensor)]
        ctx.save_for_backward(*(value for value in args if isinstance(value, Tensor)))
        with grad_mode.no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx, *grad_outputs):
        if not is_checkpoint_valid():
            raise RuntimeError(
                "When use_reentrant=True, torch.utils.checkpoint is incompatible with .grad() or passing an `inputs` "
                "parameter to .backward(). To resolve this error, you can either set use_reentrant=False, or call "
                ".backward() without passing the `inputs` argument.")
        inputs = list(ctx.inputs)
        for index, tensor in zip(ctx.tensor_indices, ctx.saved_tensors):
            inputs[index] = tensor
        with _rng_of_forward(ctx.fwd_cpu_state):
            detached_inputs = detach_variable(tuple(inputs))
            with grad_mode.enable_grad():
                outputs = ctx.run_function(*detached_inputs)
        if isinstance(outputs, Tensor):
            outputs = (outputs,)
        # the node has one gradient per tensor output (autograd.Function's outputs), in order
        tensor_outputs = [value for value in outputs if isinstance(value, Tensor)]
        pairs = [(output, grad) for output, grad in zip(tensor_outputs, grad_outputs) if output.requires_grad]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        from ..autograd import backward
        backward([output for output, _ in pairs], [grad for _, grad in pairs])
        grads = tuple(value.grad if isinstance(value, Tensor) else None for value in detached_inputs)
        return (None, None) + grads


# ---------------------------------------------------------------- use_reentrant=False

def _tensors_in(value, found=None):
    """The tensors of a function's result, in order: tuples, lists and dicts (ModelOutput) are walked."""
    found = [] if found is None else found
    if isinstance(value, Tensor):
        found.append(value)
    elif isinstance(value, (tuple, list)):
        for item in value:
            _tensors_in(item, found)
    elif isinstance(value, dict):
        for item in value.values():
            _tensors_in(item, found)
    return found


class _Recomputation:
    """What the backward needs to run the segment again: the function, its inputs and the forward's RNG state."""

    def __init__(self, function, args, kwargs, rng_state, context):
        self.function = function
        # tensor inputs are saved like any saved tensor: writing to one in place before backward is caught
        self.args = [SavedTensor(value) if isinstance(value, Tensor) else value for value in args]
        self.kwargs = {key: SavedTensor(value) if isinstance(value, Tensor) else value for key, value in kwargs.items()}
        self.rng_state = rng_state
        self.context = context

    def run(self, node):
        def unpack(value):
            return value.unpack(node) if isinstance(value, SavedTensor) else value
        args = [unpack(value) for value in self.args]
        kwargs = {key: unpack(value) for key, value in self.kwargs.items()}
        with _rng_of_forward(self.rng_state), grad_mode.enable_grad(), self.context:
            return self.function(*args, **kwargs)


class CheckpointBackward(Node):
    """The backward of a segment checkpointed with use_reentrant=False (see the module docstring).

    edges: one per edge of the recorded segment into the rest of the graph (a boundary edge used k times appears
    k times), ordered as the uncheckpointed backward would deliver their gradients. output_positions: where, among
    the tensors of the function's result, each output of this node is."""

    __slots__ = ("recomputation", "output_positions", "output_count")

    def __init__(self, edges, recomputation, output_positions):
        super().__init__(edges)
        self.recomputation = recomputation
        self.output_positions = output_positions
        self.output_count = len(output_positions)

    def release(self):
        self.recomputation = None

    def apply(self, output_grads, create_graph):
        if self.recomputation is None:
            raise RuntimeError("Trying to backward through the graph a second time (or directly access saved tensors "
                               "after they have already been freed). Specify retain_graph=True if you need to "
                               "backward through the graph a second time or if you need to access saved tensors "
                               "after calling backward.")
        recomputed = _tensors_in(self.recomputation.run(self))
        roots, grads = [], []
        for position, grad in zip(self.output_positions, output_grads):
            tensor = recomputed[position] if position < len(recomputed) else None
            if grad is not None and tensor is not None and tensor.requires_grad:
                roots.append(tensor)
                grads.append(grad)
        arrivals = {}
        if roots:
            boundary = {node for node, _ in self.edges}
            arrivals = run_backward(roots, grads, retain_graph=create_graph, create_graph=create_graph,
                                    boundary=boundary)
        return _hand_on(self.edges, arrivals)


def _hand_on(edges, arrivals):
    """One gradient per edge: the i-th occurrence of an edge gets the i-th gradient that reached it (a recomputation
    that delivers more than the forward recorded adds the extra ones into the last occurrence)."""
    occurrences = {}
    for edge in edges:
        occurrences[edge] = occurrences.get(edge, 0) + 1
    taken = {}
    result = []
    for edge in edges:
        arrived = arrivals.get(edge, ())
        index = taken[edge] = taken.get(edge, -1) + 1
        if index == occurrences[edge] - 1 and len(arrived) > index + 1:
            grad = arrived[index]
            for extra in arrived[index + 1:]:
                grad = grad + extra
        else:
            grad = arrived[index] if index < len(arrived) else None
        result.append(grad)
    return result


def _is_in_segment(node, mark):
    return node is not None and not isinstance(node, AccumulateGrad) and node.sequence_nr > mark


def _replace_segment(outputs, mark, recomputation):
    """Give the segment's outputs one CheckpointBackward in place of the graph recorded since `mark`."""
    tensors = _tensors_in(outputs)
    positions = [index for index, tensor in enumerate(tensors) if _is_in_segment(tensor.grad_fn, mark)]
    if not positions:
        return
    segment = set()
    stack = [tensors[index].grad_fn for index in positions]
    while stack:
        node = stack.pop()
        if node in segment:
            continue
        segment.add(node)
        stack.extend(edge[0] for edge in node.edges if edge is not None and _is_in_segment(edge[0], mark))
    # the engine runs nodes from the highest sequence_nr down, each node's edges in order
    edges = [edge for node in sorted(segment, key=lambda n: -n.sequence_nr) for edge in node.edges
             if edge is not None and edge[0] not in segment]
    node = CheckpointBackward(edges, recomputation, [])
    for index in positions:
        tensor = tensors[index]
        if not _is_in_segment(tensor.grad_fn, mark):
            continue   # the same tensor returned twice: already an output of the node
        tensor.grad_fn = node
        tensor._output_nr = len(node.output_positions)
        node.output_positions.append(index)
    node.output_count = len(node.output_positions)


def _checkpoint_without_reentrant(function, preserve_rng_state, context_fn, determinism_check, debug, args, kwargs):
    if debug and context_fn is not noop_context_fn:
        raise ValueError("debug=True is incompatible with non-default context_fn")
    if determinism_check not in _ALLOWED_DETERMINISM_CHECKS:
        raise ValueError(f"determinism_check should be one of {_ALLOWED_DETERMINISM_CHECKS}, but got "
                         f"{determinism_check}")
    forward_context, recompute_context = context_fn()
    if not grad_mode.is_grad_enabled():
        return function(*args, **kwargs)   # nothing is recorded, so nothing will be recomputed
    rng_state = get_rng_state() if preserve_rng_state else None
    recomputation = _Recomputation(function, args, kwargs, rng_state, recompute_context)
    mark = sequence_mark()
    with forward_context:
        outputs = function(*args, **kwargs)
    _replace_segment(outputs, mark, recomputation)
    return outputs


# ---------------------------------------------------------------- the public functions

def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn, determinism_check="default",
               debug=False, early_stop=True, **kwargs):
    """Run `function(*args, **kwargs)` without keeping its activations; the backward recomputes them."""
    if use_reentrant is None:
        # torch 2.13 still warns (the documented exception has not come) and takes the reentrant variant
        warnings.warn(
            "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in PyTorch "
            "2.9, calling checkpoint without use_reentrant will raise an exception. use_reentrant=False is "
            "recommended, but if you need to preserve the current default behavior, you can pass "
            "use_reentrant=True. Refer to docs for more details on the differences between the two variants.",
            stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        return CheckpointFunction.apply(function, preserve, *args)
    return _checkpoint_without_reentrant(function, preserve, context_fn, determinism_check, debug, args, kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Checkpoint every segment of a sequential model but the last (which the backward needs right away)."""
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be passed explicitly. "
            "In version 2.9 we will raise an exception if use_reentrant is not passed. use_reentrant=False is "
            "recommended, but if you need to preserve the current default behavior, you can pass "
            "use_reentrant=True. Refer to docs for more details on the differences between the two variants.",
            stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))

    def run_function(start, end, functions):
        def forward(input):
            for index in range(start, end + 1):
                input = functions[index](input)
            return input
        return forward

    from ..nn import Sequential
    if isinstance(functions, Sequential):
        functions = list(functions.children())
    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run_function(start, end, functions), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return run_function(end + 1, len(functions) - 1, functions)(input)
