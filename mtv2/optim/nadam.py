"""NAdam: Adam with Nesterov momentum and a momentum schedule (momentum_decay), optionally with decoupled
weight decay (torch's single-tensor path)."""
from .. import creation
from ._fused import add_scaled, addcmul_, lerp_scalar_, scale_
from .optimizer import (Optimizer, check_betas, check_lr, check_non_negative, get_value, scalar_dtype,
                        step_under_no_grad, to_scalar)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    _capturable_tensors = "params, mu_products and state_steps"

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        check_lr(lr)
        check_non_negative(eps, "epsilon")
        check_betas(betas)
        check_non_negative(weight_decay, "weight_decay")
        check_non_negative(momentum_decay, "momentum_decay")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._setdefault_in_groups(maximize=False, foreach=None, capturable=False, differentiable=False,
                                   decoupled_weight_decay=False)
        self._scalar_slots_to_tensors("step", "mu_product")

    def _init_state(self, group, p):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = creation.tensor(0.0, dtype=scalar_dtype())
            # the running product of the momentum schedule, a 0-d tensor like step (float32: it rounds there)
            state["mu_product"] = creation.tensor(1.0, dtype=scalar_dtype())
            state["exp_avg"] = creation.zeros_like(p)
            state["exp_avg_sq"] = creation.zeros_like(p)
        return state

    @step_under_no_grad
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, eps, weight_decay = to_scalar(group["lr"]), group["eps"], group["weight_decay"]
            momentum_decay = group["momentum_decay"]
            for p, grad, state in self._grads_and_states(group):
                exp_avg, exp_avg_sq, mu_product = state["exp_avg"], state["exp_avg_sq"], state["mu_product"]
                state["step"] += 1
                step = get_value(state["step"])
                bias_correction2 = 1 - beta2 ** step
                if weight_decay != 0:
                    if group["decoupled_weight_decay"]:
                        scale_(p, 1 - lr * weight_decay)
                    else:
                        grad = add_scaled(grad, p, weight_decay)
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
                mu_product *= mu
                lerp_scalar_(exp_avg, grad, 1 - beta1)
                addcmul_(scale_(exp_avg_sq, beta2), grad, grad, value=1 - beta2)
                denom = exp_avg_sq.div(bias_correction2).sqrt().add_(eps)
                # the product read back as a Python number: the next factor multiplies in float64, as torch's
                mu_product_next = get_value(mu_product) * mu_next
                p.addcdiv_(grad, denom, value=-lr * (1.0 - mu) / (1.0 - get_value(mu_product)))
                p.addcdiv_(exp_avg, denom, value=(-lr * mu_next) / (1.0 - mu_product_next))
        return loss
