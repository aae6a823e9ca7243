"""SGD with momentum, dampening, Nesterov, weight decay and maximize (torch's single-tensor path)."""
from ._fused import add_scaled, add_scaled_
from .optimizer import Optimizer, step_under_no_grad, to_scalar

__all__ = ["SGD"]


class SGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach,
                    "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._setdefault_in_groups(nesterov=False, maximize=False, foreach=None, differentiable=False, fused=False)

    def _init_state(self, group, p):
        # torch's SGD keeps state (the momentum buffer) only when there is momentum
        return self.state[p] if group["momentum"] != 0 else None

    @step_under_no_grad
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = to_scalar(group["lr"])
            momentum, weight_decay = group["momentum"], group["weight_decay"]
            for p, grad, state in self._grads_and_states(group):
                if weight_decay != 0:
                    grad = add_scaled(grad, p, weight_decay)
                if momentum != 0:
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        # the first step's buffer is the gradient itself, undampened (as torch)
                        buf = grad.detach().clone()
                        state["momentum_buffer"] = buf
                    else:
                        add_scaled_(buf.mul_(momentum), grad, 1 - group["dampening"])
                    grad = add_scaled(grad, buf, momentum) if group["nesterov"] else buf
                add_scaled_(p, grad, -lr)
        return loss
