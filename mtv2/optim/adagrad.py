"""Adagrad: lr_decay, weight decay, initial accumulator value, eps, maximize (single-tensor path)."""
from .. import creation
from .._tensor import Tensor
from ._fused import add_scaled, addcmul_
from .optimizer import (Optimizer, check_fused, check_lr, check_non_negative, get_value, scalar_dtype,
                        step_under_no_grad, to_scalar)

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_lr(lr)
        check_non_negative(lr_decay, "lr_decay")
        check_non_negative(weight_decay, "weight_decay")
        check_non_negative(initial_accumulator_value, "initial_accumulator_value")
        check_non_negative(eps, "epsilon")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        check_fused(fused, differentiable, foreach)
        # unlike the other optimizers, torch's Adagrad creates its state eagerly, in the constructor
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(group, p)

    def _init_state(self, group, p):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = creation.tensor(0.0, dtype=scalar_dtype())
            state["sum"] = creation.full_like(p, group["initial_accumulator_value"])
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        self._setdefault_in_groups(foreach=None, maximize=False, differentiable=False, fused=None)
        # unlike Adam and RMSprop (and as torch's Adagrad), every state is converted, not only the groups'
        for p_state in self.state.values():
            if len(p_state) != 0 and not isinstance(p_state.get("step"), Tensor):
                p_state["step"] = creation.tensor(float(p_state["step"]), dtype=scalar_dtype())

    @step_under_no_grad
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, lr_decay = to_scalar(group["lr"]), group["lr_decay"]
            weight_decay, eps = group["weight_decay"], group["eps"]
            for p, grad, state in self._grads_and_states(group):
                step_t, state_sum = state["step"], state["sum"]
                step_t += 1
                step = get_value(step_t)
                if weight_decay != 0:
                    grad = add_scaled(grad, p, weight_decay)
                clr = lr / (1 + (step - 1) * lr_decay)
                addcmul_(state_sum, grad, grad, value=1)
                std = state_sum.sqrt().add_(eps)
                p.addcdiv_(grad, std, value=-clr)
        return loss
