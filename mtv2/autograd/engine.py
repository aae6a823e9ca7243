"""The backward engine: iterative topological execution of the recorded graph (no recursion)."""
import heapq

import numpy as np

from . import grad_mode
from .graph import AccumulateGrad, edge_of, grad_accumulator, is_dense


def _collect_graph(root_nodes, boundary=()):
    """Every node reachable from the roots without entering `boundary`, with how many edges point at each
    (iterative DFS)."""
    dependencies = {}
    seen = set()
    stack = list(root_nodes)
    for node in root_nodes:
        seen.add(node)
    while stack:
        node = stack.pop()
        for edge in node.edges:
            if edge is None or edge[0] in boundary:
                continue
            child = edge[0]
            dependencies[child] = dependencies.get(child, 0) + 1
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen, dependencies


def _nodes_leading_to(targets, nodes):
    """The nodes from which some target node is reachable (only they need to run for autograd.grad)."""
    parents = {}
    for node in nodes:
        for edge in node.edges:
            if edge is not None:
                parents.setdefault(edge[0], []).append(node)
    needed = set(targets)
    stack = list(targets)
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in needed:
                needed.add(parent)
                stack.append(parent)
    return needed


def _accumulate(buffer, node, output_nr, grad, width, owned, create_graph):
    """Add `grad` into the node's input buffer; a slot holds (gradient, whether the engine owns its memory)."""
    slots = buffer.get(node)
    if slots is None:
        slots = buffer[node] = [None] * width
    held = slots[output_nr]
    if held is None:
        slots[output_nr] = (grad, owned)
        return
    total, total_owned = held
    if create_graph:
        slots[output_nr] = (total + grad, False)
        return
    if not total_owned and owned:
        total, grad = grad, total
    if (owned or total_owned) and _summable_in_place(total, grad):
        np.add(total._data, grad._data, out=total._data)   # into a buffer no one else sees: no new array
        slots[output_nr] = (total, True)
    else:
        slots[output_nr] = (total + grad, True)


def _summable_in_place(total, grad):
    return (total.shape == grad.shape and total.dtype is grad.dtype and total._data.flags.writeable
            and is_dense(total._data))


def _output_count(node):
    return getattr(node, "output_count", 1)


class _EngineState:
    __slots__ = ("checkpoint_valid",)

    def __init__(self):
        self.checkpoint_valid = True


state = _EngineState()


def is_checkpoint_valid():
    """torch.autograd._is_checkpoint_valid: False inside autograd.grad or backward(inputs=...), whose gradients a
    reentrant checkpoint's inner backward (which accumulates into .grad) cannot deliver."""
    return state.checkpoint_valid


def run_backward(outputs, output_grads, retain_graph, create_graph, inputs=None, accumulate=True, boundary=None):
    """Propagate `output_grads` from `outputs` back through the graph.

    With `accumulate`, leaves get their gradients added into `.grad` (Tensor.backward). Without it
    (autograd.grad), the gradients reaching `inputs` are returned and no `.grad` is touched.

    With `boundary` (a set of nodes; checkpoint's recomputed segment), the walk stops at those nodes: they neither
    run nor are released, and what is returned is {(node, output_nr): [gradient, ...]}, each gradient that reached
    that edge, unsummed and in arrival order, so the caller can hand them on to be summed in the order an
    uncheckpointed run sums them.
    """
    previous_valid = state.checkpoint_valid
    state.checkpoint_valid = inputs is None
    try:
        return _run_backward(outputs, output_grads, retain_graph, create_graph, inputs, accumulate, boundary)
    finally:
        state.checkpoint_valid = previous_valid


def _run_backward(outputs, output_grads, retain_graph, create_graph, inputs, accumulate, boundary):
    roots = []
    for output in outputs:
        edge = edge_of(output)
        if edge is None:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        roots.append(edge)

    # Where gradients are captured: (node, output_nr) of each input
    capture_at = {}
    if inputs is not None:
        for position, tensor in enumerate(inputs):
            if not tensor.requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            edge = (grad_accumulator(tensor), 0) if tensor.grad_fn is None else (tensor.grad_fn, tensor._output_nr)
            capture_at.setdefault(edge, []).append(position)
    captured = [None] * (len(inputs) if inputs is not None else 0)

    arrivals = {}
    stops = boundary is not None
    if stops:
        for (node, output_nr), grad in zip(roots, output_grads):
            if node in boundary:
                arrivals.setdefault((node, output_nr), []).append(grad)
        output_grads = [grad for (node, _), grad in zip(roots, output_grads) if node not in boundary]
        roots = [root for root in roots if root[0] not in boundary]
    else:
        boundary = ()
    root_nodes = list(dict.fromkeys(node for node, _ in roots))
    nodes, dependencies = _collect_graph(root_nodes, boundary)
    needed = None
    if not accumulate or inputs is not None:
        needed = _nodes_leading_to({node for node, _ in capture_at}, nodes)

    buffer = {}
    with grad_mode.set_grad_enabled(create_graph):
        for (node, output_nr), grad in zip(roots, output_grads):
            _accumulate(buffer, node, output_nr, grad, _output_count(node), False, create_graph)

        ready = [(-node.sequence_nr, id(node), node) for node in root_nodes if dependencies.get(node, 0) == 0]
        heapq.heapify(ready)
        while ready:
            node = heapq.heappop(ready)[2]
            slots = buffer.pop(node, None) or [None] * _output_count(node)
            grads = [slot[0] if slot is not None else None for slot in slots]
            owned = all(slot[1] for slot in slots if slot is not None)
            if node.tensor_pre_hooks or node.retained:
                grads, owned = _run_tensor_hooks(node, grads), False   # a hook may keep what it was given
            for output_nr, grad in enumerate(grads):
                for position in capture_at.get((node, output_nr), ()):
                    captured[position] = grad
                    owned = False   # handed to the caller: never summed into or kept as .grad

            run = needed is None or node in needed
            if isinstance(node, AccumulateGrad):
                run = run and accumulate and (inputs is None or (node, 0) in capture_at)
            input_grads, input_owned = [], []
            if run and any(g is not None for g in grads):
                if isinstance(node, AccumulateGrad):
                    node.apply(grads, create_graph, owned=owned)
                else:
                    input_grads, input_owned = node.apply_owned(grads, create_graph, owned)
            if not retain_graph:
                node.release()

            for edge, grad, grad_owned in zip(node.edges, input_grads, input_owned):
                if edge is None or grad is None:
                    continue
                child, child_nr = edge
                if child in boundary:
                    arrivals.setdefault(edge, []).append(grad)
                    continue
                _accumulate(buffer, child, child_nr, grad, _output_count(child), grad_owned, create_graph)
            for edge in node.edges:
                if edge is None or edge[0] in boundary:
                    continue
                child = edge[0]
                dependencies[child] -= 1
                if dependencies[child] == 0:
                    heapq.heappush(ready, (-child.sequence_nr, id(child), child))
    return arrivals if stops else captured


def _run_tensor_hooks(node, grads):
    """Hooks registered with Tensor.register_hook on this node's outputs, then retain_grad()."""
    if node.tensor_pre_hooks:
        grads = list(grads)
        for output_nr, hooks in node.tensor_pre_hooks.items():
            for hook in hooks:
                if grads[output_nr] is None:
                    continue
                replaced = hook(grads[output_nr])
                if replaced is not None:
                    grads[output_nr] = replaced
    if node.retained:
        for output_nr, tensor_ref in node.retained.items():
            tensor = tensor_ref()
            grad = grads[output_nr]
            if tensor is None or grad is None:
                continue
            if tensor.grad is None:
                # torch keeps a contiguous copy (recorded under create_graph)
                tensor.grad = (grad if grad_mode.is_grad_enabled() else grad.detach()).clone(
                    memory_format=_contiguous_format())
            else:
                tensor.grad = tensor.grad + grad
    return grads


def _contiguous_format():
    from ..ops.conversion import contiguous_format   # ops import autograd: looked up when first needed
    return contiguous_format
