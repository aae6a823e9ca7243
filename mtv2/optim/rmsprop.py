"""RMSprop: alpha, eps, weight decay, momentum, centered, maximize (torch's single-tensor path)."""
from .. import creation
from ._fused import add_scaled, add_scaled_, addcmul, addcmul_, lerp_scalar_
from .optimizer import Optimizer, check_lr, check_non_negative, scalar_dtype, step_under_no_grad, to_scalar

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_lr(lr)
        check_non_negative(eps, "epsilon")
        check_non_negative(momentum, "momentum")
        check_non_negative(weight_decay, "weight_decay")
        check_non_negative(alpha, "alpha")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._setdefault_in_groups(momentum=0, centered=False, foreach=None, maximize=False, differentiable=False,
                                   capturable=False)
        self._step_counts_to_tensors()

    def _init_state(self, group, p):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = creation.zeros((), dtype=scalar_dtype())
            state["square_avg"] = creation.zeros_like(p)
            if group["momentum"] > 0:
                state["momentum_buffer"] = creation.zeros_like(p)
            if group["centered"]:
                state["grad_avg"] = creation.zeros_like(p)
        return state

    @step_under_no_grad
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, alpha, eps = to_scalar(group["lr"]), group["alpha"], group["eps"]
            momentum, weight_decay = group["momentum"], group["weight_decay"]
            for p, grad, state in self._grads_and_states(group):
                square_avg = state["square_avg"]
                state["step"] += 1
                if weight_decay != 0:
                    grad = add_scaled(grad, p, weight_decay)
                addcmul_(square_avg.mul_(alpha), grad, grad, value=1 - alpha)
                if group["centered"]:
                    grad_avg = state["grad_avg"]
                    lerp_scalar_(grad_avg, grad, 1 - alpha)
                    avg = addcmul(square_avg, grad_avg, grad_avg, value=-1).sqrt_()
                else:
                    avg = square_avg.sqrt()
                avg = avg.add_(eps)
                if momentum > 0:
                    buf = state["momentum_buffer"]
                    buf.mul_(momentum).addcdiv_(grad, avg)
                    add_scaled_(p, buf, -lr)
                else:
                    p.addcdiv_(grad, avg, value=-lr)
        return loss
