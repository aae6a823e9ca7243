"""Adamax: Adam with the infinity norm in place of the second moment (torch's single-tensor path)."""
from .. import creation
from ..ops.elementwise import maximum
from ._fused import add_scaled, lerp_scalar_
from .optimizer import (Optimizer, check_betas, check_lr, check_non_negative, get_value, scalar_dtype,
                        step_under_no_grad, to_scalar)

__all__ = ["Adamax"]


class Adamax(Optimizer):
    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        check_non_negative(eps, "epsilon")
        check_betas(betas)
        check_non_negative(weight_decay, "weight_decay")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._setdefault_in_groups(foreach=None, maximize=False, differentiable=False, capturable=False)
        self._step_counts_to_tensors()

    def _init_state(self, group, p):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = creation.tensor(0.0, dtype=scalar_dtype())
            state["exp_avg"] = creation.zeros_like(p)
            state["exp_inf"] = creation.zeros_like(p)
        return state

    @step_under_no_grad
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, eps, weight_decay = to_scalar(group["lr"]), group["eps"], group["weight_decay"]
            for p, grad, state in self._grads_and_states(group):
                exp_avg, exp_inf, step_t = state["exp_avg"], state["exp_inf"], state["step"]
                step_t += 1
                if weight_decay != 0:
                    grad = add_scaled(grad, p, weight_decay)
                lerp_scalar_(exp_avg, grad, 1 - beta1)
                # the decayed infinity norm: max(beta2 * u, |g| + eps), eps inside the max as torch has it
                exp_inf.copy_(maximum(exp_inf.mul_(beta2), grad.abs().add_(eps)))
                clr = lr / (1 - beta1 ** get_value(step_t))
                p.addcdiv_(exp_avg, exp_inf, value=-clr)
        return loss
