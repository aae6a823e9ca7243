"""ASGD: SGD with a decaying step size and a running average of the iterates (`ax`) (single-tensor path)."""
from .. import creation
from ._fused import add_scaled, add_scaled_, scale_
from .optimizer import Optimizer, check_lr, check_non_negative, get_value, scalar_dtype, step_under_no_grad, to_scalar

__all__ = ["ASGD"]


class ASGD(Optimizer):
    _capturable_tensors = "params, mus, etas, and state_steps"

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        check_non_negative(weight_decay, "weight_decay")
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._setdefault_in_groups(foreach=None, maximize=False, differentiable=False, capturable=False)
        self._scalar_slots_to_tensors("step", "eta", "mu")

    def _init_state(self, group, p):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = creation.zeros((), dtype=scalar_dtype())
            state["eta"] = creation.tensor(float(to_scalar(group["lr"])), dtype=scalar_dtype())
            state["mu"] = creation.ones((), dtype=scalar_dtype())
            state["ax"] = creation.zeros_like(p)
        return state

    @step_under_no_grad
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, lambd, alpha, t0 = to_scalar(group["lr"]), group["lambd"], group["alpha"], group["t0"]
            weight_decay = group["weight_decay"]
            for p, grad, state in self._grads_and_states(group):
                eta, mu, ax = state["eta"], state["mu"], state["ax"]
                state["step"] += 1
                if weight_decay != 0:
                    grad = add_scaled(grad, p, weight_decay)
                eta_value = get_value(eta)
                scale_(p, 1 - lambd * eta_value)
                add_scaled_(p, grad, -eta_value)
                if mu.item() != 1:
                    ax.add_(p.sub(ax).mul_(mu))
                else:
                    ax.copy_(p)
                # the next step's eta and mu, rounded into their 0-d tensors (float32 unless float64 is default)
                step = get_value(state["step"])
                eta.fill_(lr / ((1 + lambd * lr * step) ** alpha))
                mu.fill_(1 / max(1, step - t0))
        return loss
