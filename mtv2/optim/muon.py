"""Muon: momentum, then the update orthogonalised by a Newton-Schulz iteration in bfloat16 (torch's single-tensor
path, torch/optim/_muon.py). Only 2-d parameters: the iteration works on the matrix of the update."""
import math

from .. import creation
from ..ops.linalg import addmm
from .optimizer import Optimizer, step_under_no_grad, to_scalar

__all__ = ["Muon"]

# torch's defaults: the quintic's coefficients (a, b, c) and its step count
NEWTON_SCHULZ_COEFFICIENTS = (3.4445, -4.7750, 2.0315)
NEWTON_SCHULZ_STEPS = 5


def orthogonalize(update, coefficients, steps, eps):
    """X <- a X + (b X X^T + c (X X^T)^2) X, `steps` times, on the bfloat16 update scaled to unit Frobenius norm
    (the wide orientation, so X X^T is the smaller Gram matrix). Each product is one bfloat16 matmul, as torch's
    (float32 accumulation, rounded once), which is why the result equals torch's bit for bit."""
    if steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if update.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = coefficients
    tall = update.shape[0] > update.shape[1]
    x = update.bfloat16()
    x = x.T if tall else x
    x.div_(x.norm().clamp(min=eps))
    for _ in range(steps):
        gram = x @ x.T
        polynomial = addmm(gram, gram, gram, beta=b, alpha=c)
        x = addmm(x, polynomial, x, beta=a)
    return x.T if tall else x


def adjusted_lr(lr, adjust_lr_fn, shape):
    """torch's scaling of the step by the matrix's shape (A, B): 'original' sqrt(max(1, A / B)), or
    'match_rms_adamw' 0.2 sqrt(max(A, B)), AdamW's update RMS."""
    rows, columns = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        return lr * math.sqrt(max(1, rows / columns))
    if adjust_lr_fn == "match_rms_adamw":
        return lr * 0.2 * math.sqrt(max(rows, columns))
    return lr


class Muon(Optimizer):
    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=NEWTON_SCHULZ_COEFFICIENTS, eps=1e-7, ns_steps=NEWTON_SCHULZ_STEPS,
                 adjust_lr_fn=None):
        if hasattr(lr, "numel") and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ("original", "match_rms_adamw"):
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = {"lr": lr, "weight_decay": weight_decay, "momentum": momentum, "nesterov": nesterov,
                    "ns_coefficients": ns_coefficients, "eps": eps, "ns_steps": ns_steps,
                    "adjust_lr_fn": adjust_lr_fn}
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError(f"Muon only supports 2D parameters whereas we found a parameter with size: "
                                     f"{p.size()}")

    def _init_state(self, group, p):
        state = self.state[p]
        if "momentum_buffer" not in state:
            state["momentum_buffer"] = creation.zeros_like(p.grad)
        return state

    @step_under_no_grad
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, momentum = to_scalar(group["lr"]), group["momentum"]
            # torch's _init_group first: every state exists before the first update
            with_grads = [(p, self._init_state(group, p)) for p in group["params"] if p.grad is not None]
            for p, state in with_grads:
                grad = p.grad
                if grad.ndim != 2:
                    raise ValueError("Param gradient must be a 2D matrix")
                buffer = state["momentum_buffer"]
                buffer.lerp_(grad, 1 - momentum)
                update = grad.lerp(buffer, momentum) if group["nesterov"] else buffer
                update = orthogonalize(update, group["ns_coefficients"], group["ns_steps"], group["eps"])
                p.mul_(1 - lr * group["weight_decay"])
                p.add_(update, alpha=-adjusted_lr(lr, group["adjust_lr_fn"], p.shape))
        return loss
