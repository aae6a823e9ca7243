"""autograd.Function: user-defined ops with a forward and a backward written by the user."""
from . import grad_mode
from .graph import Node, SavedTensor, edge_of


class FunctionCtx:
    """The `ctx` passed to forward and backward."""

    def __init__(self):
        self._saved = ()
        self._non_differentiable = set()
        self._dirty = set()
        self.materialize_grads = True
        self.needs_input_grad = ()
        self._node = None

    def save_for_backward(self, *tensors):
        self._saved = tuple(None if t is None else SavedTensor(t) for t in tensors)

    @property
    def saved_tensors(self):
        if self._saved is None:
            raise RuntimeError("Trying to backward through the graph a second time (or directly access saved tensors "
                               "after they have already been freed). Specify retain_graph=True if you need to "
                               "backward through the graph a second time or if you need to access saved tensors "
                               "after calling backward.")
        return tuple(None if s is None else s.unpack(self._node) for s in self._saved)

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors):
        self._dirty.update(id(t) for t in tensors)

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)


class FunctionNode(Node):
    """The backward of one Function.apply call."""

    __slots__ = ("function", "ctx", "output_count", "output_meta", "_name")

    def __init__(self, function, ctx, edges, output_meta):
        super().__init__(edges)
        self.function = function
        self.ctx = ctx
        self.output_count = len(output_meta)
        self.output_meta = output_meta
        self._name = function.__name__ + "Backward"

    def name(self):
        return self._name

    def release(self):
        self.ctx._saved = None

    def apply(self, output_grads, create_graph):
        from ..creation import zeros
        if self.ctx.materialize_grads:
            output_grads = [g if g is not None else zeros(shape, dtype=dtype)
                            for g, (shape, dtype) in zip(output_grads, self.output_meta)]
        grads = self.function.backward(self.ctx, *output_grads)
        if not isinstance(grads, tuple):
            grads = (grads,)
        if len(grads) < len(self.edges):
            raise RuntimeError(f"function {self._name} returned an incorrect number of gradients (expected "
                               f"{len(self.edges)}, got {len(grads)})")
        return [g if edge is not None else None for edge, g in zip(self.edges, grads)]


class Function:
    """Subclass with static `forward(ctx, *args)` and `backward(ctx, *grads)`; call `apply`."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with grad_mode.no_grad():
            outputs = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(outputs, tuple)
        output_tuple = (outputs,) if single else outputs
        recording = grad_mode.state.enabled and any(ctx.needs_input_grad)
        if recording:
            edges = [edge_of(a) if isinstance(a, Tensor) else None for a in args]
            tensors = [o for o in output_tuple if isinstance(o, Tensor)]
            node = FunctionNode(cls, ctx, edges, [(o.shape, o.dtype) for o in tensors])
            ctx._node = node
            for output_nr, output in enumerate(tensors):
                if id(output) in ctx._non_differentiable or not output.dtype.is_floating_point:
                    continue
                if any(output is a for a in args) and id(output) not in ctx._dirty:
                    output = output.view_as(output)  # returning an input unchanged still gets a new history
                output.requires_grad = True
                output.grad_fn = node
                output._output_nr = output_nr
        return outputs
