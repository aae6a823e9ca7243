"""The recorded graph: nodes (one per differentiable op call), saved tensors with version checks, leaves."""
import itertools
import weakref

import numpy as np

from . import grad_mode

_sequence = itertools.count()


def sequence_mark():
    """A number below the sequence_nr of every node created from now on, above that of every node before."""
    return next(_sequence)


class SavedTensor:
    """A tensor kept for backward, with the version it had then, so a later in-place write is caught."""

    __slots__ = ("tensor", "version", "is_output")

    def __init__(self, tensor, is_output=False):
        if tensor._inference:
            raise RuntimeError("Inference tensors cannot be saved for backward. To work around you can make a clone "
                               "to get a normal tensor and use it in autograd.")
        if is_output:
            # Keep the data, not the tensor object: the output points at this node, so holding it
            # would make a reference cycle. Unpacking re-attaches it to the node (see unpack).
            tensor = tensor._alias_without_history()
        self.tensor = tensor
        self.version = tensor._version_counter.value
        self.is_output = is_output

    def unpack(self, node):
        tensor = self.tensor
        if tensor._version_counter.value != self.version:
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an inplace "
                f"operation: [{tensor.type()} {list(tensor.shape)}], which is output 0 of {node.name()}, "
                f"is at version {tensor._version_counter.value}; expected version {self.version} instead. "
                "Hint: the backtrace further above can point at the operation that failed to compute its "
                "gradient.")
        if self.is_output:
            tensor = tensor._alias_without_history()
            tensor._requires_grad = True   # a recorded output is floating: nothing for the setter to check
            tensor.grad_fn = node
        return tensor


class Node:
    """A backward function: takes the gradients of its outputs, returns those of its inputs (edges)."""

    __slots__ = ("edges", "sequence_nr", "tensor_pre_hooks", "retained", "__weakref__")

    def __init__(self, edges):
        self.edges = edges  # per input: (node, output_nr) or None when no gradient flows there
        self.sequence_nr = next(_sequence)
        self.tensor_pre_hooks = None  # {output_nr: [hook, ...]} from Tensor.register_hook
        self.retained = None  # {output_nr: weakref to a tensor that called retain_grad()}

    @property
    def next_functions(self):
        return tuple(edge if edge is not None else (None, 0) for edge in self.edges)

    def name(self):
        return type(self).__name__

    def apply(self, output_grads, create_graph):
        raise NotImplementedError

    def apply_owned(self, output_grads, create_graph, owned=False):
        """apply(), plus for each input gradient whether the engine owns its memory outright (nothing else,
        not even another gradient, refers to it), which lets it be summed into or kept as `.grad` without a
        copy. `owned`: whether the engine owns output_grads. Nodes that cannot tell claim nothing."""
        grads = self.apply(output_grads, create_graph)
        return grads, [False] * len(grads)

    def release(self):
        """Free saved tensors after a backward without retain_graph."""

    def add_tensor_pre_hook(self, output_nr, hook):
        hooks = self.tensor_pre_hooks = self.tensor_pre_hooks or {}
        hooks.setdefault(output_nr, []).append(hook)
        return _RemovableHandle(hooks[output_nr], hook)

    def __repr__(self):
        return f"<{self.name()} object at {id(self):#x}>"


class AccumulateGrad(Node):
    """The node of a leaf that requires grad: adds incoming gradients into `leaf.grad`."""

    __slots__ = ("variable",)

    def __init__(self, variable):
        # Node.__init__ written out: a leaf's accumulator is made anew whenever the graph holding the last one died
        self.edges = []
        self.sequence_nr = next(_sequence)
        self.tensor_pre_hooks = None
        self.retained = None
        self.variable = variable

    def apply(self, output_grads, create_graph, owned=False):
        leaf = self.variable
        grad = output_grads[0]
        for hook in leaf._leaf_hooks or ():
            owned = False   # the hook may keep the gradient it was given
            replaced = hook(grad)
            if replaced is not None:
                grad = replaced
        if leaf.grad is None:
            # torch keeps the incoming gradient itself when no one else refers to it and it is laid out like the
            # leaf; otherwise a copy in the leaf's layout (its "gradient layout contract"), recorded under
            # create_graph
            if owned and not create_graph and _same_layout(grad._data, leaf._data):
                leaf.grad = grad._alias_without_history()
            else:
                leaf.grad = _copy_in_layout_of(grad, leaf)
        elif create_graph or leaf.grad.requires_grad:
            leaf.grad = leaf.grad + grad
        else:
            leaf.grad.add_(grad)
        return []


def _same_layout(grad, variable):
    """torch's obeys_layout_contract for dense variables: equal strides wherever the extent is not 1."""
    if grad.shape != variable.shape:
        return False
    return all(extent == 1 and g != 0 or g == v
               for extent, g, v in zip(grad.shape, grad.strides, variable.strides))


def _copy_in_layout_of(grad, leaf):
    """A copy of grad with the leaf's strides when the leaf is dense, else contiguous (torch's
    clone_obey_contract); recorded as a copy under create_graph."""
    from .._tensor import Tensor
    data = leaf._data
    # order="K" keeps a dense array's stride order exactly
    buffer = np.empty_like(data, order="K") if is_dense(data) else np.empty(data.shape, data.dtype)
    target = Tensor._from_fresh(buffer, grad.dtype)
    if grad_mode.state.enabled:
        return target.copy_(grad)
    np.copyto(buffer, grad._data)
    return target


def is_dense(array):
    """Non-overlapping and dense: the elements fill a block of memory with no gaps, in some dim order."""
    expected = array.itemsize
    for stride, extent in sorted((abs(s), e) for e, s in zip(array.shape, array.strides) if e != 1):
        if stride != expected:
            return False
        expected *= extent
    return True


def grad_accumulator(leaf):
    """The one AccumulateGrad of a leaf (held weakly by the leaf, strongly by the graph)."""
    reference = leaf._grad_accumulator
    node = reference() if reference is not None else None
    if node is None:
        node = AccumulateGrad(leaf)
        leaf._grad_accumulator = weakref.ref(node)
    return node


def edge_of(tensor):
    """Where the gradient of `tensor` goes: its grad_fn's output, or its leaf accumulator."""
    if not tensor.requires_grad:
        return None
    if tensor.grad_fn is not None:
        return (tensor.grad_fn, tensor._output_nr)
    return (grad_accumulator(tensor), 0)


class _RemovableHandle:
    def __init__(self, hooks, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self):
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)
