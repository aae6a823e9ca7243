"""Adadelta: step sizes from running averages of squared gradients and squared updates (single-tensor path)."""
from .. import creation
from ._fused import add_scaled, add_scaled_, addcmul_, scale_
from .optimizer import Optimizer, check_lr, check_non_negative, scalar_dtype, step_under_no_grad, to_scalar

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    _capturable_devices = ["cuda", "xpu", "hpu", "privateuseone"]   # no xla here in torch

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_non_negative(eps, "epsilon")
        check_non_negative(weight_decay, "weight_decay")
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "capturable": capturable, "foreach": foreach, "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._setdefault_in_groups(foreach=None, maximize=False, differentiable=False, capturable=False)
        self._step_counts_to_tensors()

    def _init_state(self, group, p):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = creation.zeros((), dtype=scalar_dtype())
            state["square_avg"] = creation.zeros_like(p)
            state["acc_delta"] = creation.zeros_like(p)
        return state

    @step_under_no_grad
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, rho, eps, weight_decay = to_scalar(group["lr"]), group["rho"], group["eps"], group["weight_decay"]
            for p, grad, state in self._grads_and_states(group):
                square_avg, acc_delta = state["square_avg"], state["acc_delta"]
                state["step"] += 1
                if weight_decay != 0:
                    grad = add_scaled(grad, p, weight_decay)
                addcmul_(scale_(square_avg, rho), grad, grad, value=1 - rho)
                std = square_avg.add(eps).sqrt_()
                # the update: RMS of past updates over RMS of gradients, times the gradient
                delta = acc_delta.add(eps).sqrt_().div_(std).mul_(grad)
                addcmul_(scale_(acc_delta, rho), delta, delta, value=1 - rho)
                add_scaled_(p, delta, -lr)
        return loss
