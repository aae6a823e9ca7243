"""Rprop: per-element step sizes grown or shrunk by the sign agreement of successive gradients
(torch's single-tensor path)."""
from .. import creation
from ._fused import addcmul_
from .optimizer import Optimizer, check_lr, scalar_dtype, step_under_no_grad, to_scalar

__all__ = ["Rprop"]


class Rprop(Optimizer):
    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._setdefault_in_groups(foreach=None, maximize=False, differentiable=False, capturable=False)
        self._step_counts_to_tensors()

    def _init_state(self, group, p):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = creation.zeros((), dtype=scalar_dtype())
            state["prev"] = creation.zeros_like(p)
            state["step_size"] = creation.full_like(p, to_scalar(group["lr"]))
        return state

    @step_under_no_grad
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            etaminus, etaplus = group["etas"]
            step_size_min, step_size_max = group["step_sizes"]
            for p, grad, state in self._grads_and_states(group):
                prev, step_size = state["prev"], state["step_size"]
                state["step"] += 1
                # the factor per element: etaplus where the gradient kept its sign, etaminus where it flipped,
                # 1 where either is zero (NaN stays NaN, as torch's masked assignments leave it)
                factor = grad.mul(prev).sign()
                flipped = factor.lt(0)
                factor.masked_fill_(factor.gt(0), etaplus)
                factor.masked_fill_(flipped, etaminus)
                factor.masked_fill_(factor.eq(0), 1)
                step_size.mul_(factor).clamp_(step_size_min, step_size_max)
                # after a sign flip the step is skipped and the flip forgotten (prev = 0)
                grad = grad.clone().masked_fill_(flipped, 0)
                addcmul_(p, grad.sign(), step_size, value=-1)
                prev.copy_(grad)
        return loss
