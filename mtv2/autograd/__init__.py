"""mtv2.autograd: backward, grad, grad modes and custom Functions."""
from .. import _dtype
from .engine import run_backward
from .function import Function, FunctionCtx
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
                        set_grad_enabled)
from .graph import Node

__all__ = ["backward", "grad", "Function", "FunctionCtx", "no_grad", "enable_grad", "set_grad_enabled",
           "inference_mode", "is_grad_enabled", "is_inference_mode_enabled", "Node"]


def _as_tuple(value):
    if value is None:
        return None
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _initial_grads(outputs, grad_outputs):
    from ..creation import ones_like
    grads = []
    for position, output in enumerate(outputs):
        given = grad_outputs[position] if grad_outputs is not None else None
        if given is None:
            if output.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not output.dtype.is_floating_point:
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got "
                                   f"{output.dtype}")
            given = ones_like(output)
        elif given.shape != output.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{position}] has a shape of {given.shape} and "
                               f"output[{position}] has a shape of {output.shape}.")
        grads.append(given)
    return grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate gradients of `tensors` into the `.grad` of the leaves (or of `inputs` only)."""
    outputs = _as_tuple(tensors)
    grads = _initial_grads(outputs, _as_tuple(grad_tensors))
    if retain_graph is None:
        retain_graph = create_graph
    inputs = _as_tuple(inputs)
    if inputs is not None and len(inputs) == 0:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of `outputs` with respect to `inputs`, without touching any `.grad`."""
    outputs = _as_tuple(outputs)
    inputs_tuple = _as_tuple(inputs)
    grads = _initial_grads(outputs, _as_tuple(grad_outputs))
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    results = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs_tuple, accumulate=False)
    final = []
    for position, (tensor, result) in enumerate(zip(inputs_tuple, results)):
        if result is None:
            if materialize_grads:
                from ..creation import zeros_like
                result = zeros_like(tensor)
            elif not allow_unused:
                raise RuntimeError("One of the differentiated Tensors appears to not have been used in the graph. "
                                   "Set allow_unused=True if this is the desired behavior.")
        final.append(result)
    return tuple(final)
