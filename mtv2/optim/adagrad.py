"""Adagrad: lr_decay, weight decay, initial accumulator value, eps, maximize (single-tensor path)."""
from .. import creation
from .._tensor import Tensor
from ._fused import add_scaled, addcmul_
from .optimizer import Optimizer, get_value, scalar_dtype, step_under_no_grad, to_scalar

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
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
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("fused", None)
        for p_state in self.state.values():
            if len(p_state) != 0 and not isinstance(p_state.get("step"), Tensor):
                p_state["step"] = creation.tensor(float(p_state["step"]), dtype=scalar_dtype())

    @step_under_no_grad
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, lr_decay = to_scalar(group["lr"]), group["lr_decay"]
            weight_decay, eps = group["weight_decay"], group["eps"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self._init_state(group, p)
                step_t, state_sum = state["step"], state["sum"]
                step_t += 1
                step = get_value(step_t)
                grad = p.grad if not group["maximize"] else -p.grad
                if weight_decay != 0:
                    grad = add_scaled(grad, p, weight_decay)
                clr = lr / (1 + (step - 1) * lr_decay)
                addcmul_(state_sum, grad, grad, value=1)
                std = state_sum.sqrt().add_(eps)
                p.addcdiv_(grad, std, value=-clr)
        return loss
