"""Adafactor: second moments kept factored (a row and a column average) for matrices, updates scaled by the
parameter's RMS and clipped by their own RMS (torch 2.13's Adafactor, its single-tensor path)."""
from .. import _dtype, creation
from .._tensor import Tensor
from ..ops.reduction import vector_norm
from ._fused import add_scaled_, lerp_scalar_, scale_
from .optimizer import Optimizer, scalar_dtype, step_under_no_grad, to_scalar

__all__ = ["Adafactor"]


class Adafactor(Optimizer):
    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *,
                 foreach=None, maximize=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = {"lr": lr, "beta2_decay": beta2_decay, "eps": eps, "d": d, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._setdefault_in_groups(foreach=None)
        self._step_counts_to_tensors()

    def _init_state(self, group, p):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = creation.tensor(0.0, dtype=scalar_dtype())
            if p.grad.dim() > 1:
                # the factored second moment: one value per row and one per column (of the last two dims)
                state["row_var"] = creation.zeros(tuple(p.grad.shape[:-1]) + (1,), dtype=p.grad.dtype)
                state["col_var"] = creation.zeros(tuple(p.grad.shape[:-2]) + (1, p.grad.shape[-1]),
                                                  dtype=p.grad.dtype)
            else:
                state["variance"] = creation.zeros_like(p.grad)
        return state

    @step_under_no_grad
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, d, weight_decay = to_scalar(group["lr"]), group["d"], group["weight_decay"]
            beta2_decay = group["beta2_decay"]
            eps1, eps2 = group["eps"]
            for p, grad, state in self._grads_and_states(group):
                if p.is_complex():
                    raise RuntimeError("Adafactor does not support complex parameters")
                if eps1 is None:
                    # torch sets this once per group, from the first parameter stepped: it stays for the others
                    eps1 = _dtype.finfo(p.dtype).eps
                state["step"] += 1
                step = state["step"].item()
                one_minus_beta2_t = step ** beta2_decay
                rho_t = min(lr, 1 / (step ** 0.5))
                # the step is relative to the parameter's RMS (at least eps2)
                alpha = max(eps2, vector_norm(p, 2).item() / (p.numel() ** 0.5)) * rho_t
                if weight_decay != 0:
                    scale_(p, 1 - lr * weight_decay)
                if grad.dim() > 1:
                    row_var, col_var = state["row_var"], state["col_var"]
                    row_mean = vector_norm(grad, 2, dim=-1, keepdim=True).square_().div_(grad.size(-1))
                    lerp_scalar_(row_var, row_mean, one_minus_beta2_t)
                    col_mean = vector_norm(grad, 2, dim=-2, keepdim=True).square_().div_(grad.size(-2))
                    lerp_scalar_(col_var, col_mean, one_minus_beta2_t)
                    var_estimate = row_var @ col_var
                    var_estimate.div_(row_var.mean(dim=-2, keepdim=True).clamp_(min=eps1))
                else:
                    variance = state["variance"]
                    lerp_scalar_(variance, grad * grad, one_minus_beta2_t)
                    var_estimate = variance.clone()
                update = var_estimate.clamp_(min=eps1 * eps1).rsqrt_()
                update.mul_(grad)
                # the update is clipped to RMS d
                denom = max(1.0, vector_norm(update, 2).item() / ((update.numel() ** 0.5) * d))
                add_scaled_(p, update, -alpha / denom)
        return loss
