"""RAdam: Adam with the variance of the adaptive learning rate rectified (plain momentum SGD while the
variance estimate is unreliable), optionally with decoupled weight decay (torch's single-tensor path)."""
from .. import creation
from ._fused import add_scaled, addcmul_, lerp_scalar_, scale_
from .optimizer import (Optimizer, check_betas, check_lr, check_non_negative, get_value, scalar_dtype,
                        step_under_no_grad, to_scalar)

__all__ = ["RAdam"]


class RAdam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        check_lr(lr)
        check_non_negative(eps, "epsilon")
        check_betas(betas)
        check_non_negative(weight_decay, "weight_decay")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable, "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._setdefault_in_groups(foreach=None, maximize=False, differentiable=False, decoupled_weight_decay=False,
                                   capturable=False)
        self._step_counts_to_tensors()

    def _init_state(self, group, p):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = creation.tensor(0.0, dtype=scalar_dtype())
            state["exp_avg"] = creation.zeros_like(p)
            state["exp_avg_sq"] = creation.zeros_like(p)
        return state

    @step_under_no_grad
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, eps, weight_decay = to_scalar(group["lr"]), group["eps"], group["weight_decay"]
            for p, grad, state in self._grads_and_states(group):
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                state["step"] += 1
                step = get_value(state["step"])
                if weight_decay != 0:
                    if group["decoupled_weight_decay"]:
                        scale_(p, 1 - lr * weight_decay)
                    else:
                        grad = add_scaled(grad, p, weight_decay)
                lerp_scalar_(exp_avg, grad, 1 - beta1)
                addcmul_(scale_(exp_avg_sq, beta2), grad, grad, value=1 - beta2)
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                update = exp_avg / bias_correction1 * lr
                # rho: the length of the approximated simple moving average; above 5 the variance is tractable
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
                if rho_t > 5.0:
                    adaptive_lr = (bias_correction2 ** 0.5) / exp_avg_sq.sqrt().add_(eps)
                    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                    update = update * adaptive_lr * rect
                p.sub_(update)
        return loss
