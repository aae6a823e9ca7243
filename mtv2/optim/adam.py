"""Adam and AdamW: one algorithm; AdamW is Adam with decoupled weight decay (as in torch 2.13)."""
from .. import creation
from .._tensor import Tensor
from ..ops.elementwise import maximum
from ._fused import adam_update_, adam_update_fits, add_scaled, addcmul_, lerp_scalar_, scale_
from .optimizer import (Optimizer, check_fused, check_lr, check_non_negative, get_value, scalar_dtype,
                        step_under_no_grad, to_scalar)

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        check_lr(lr)
        check_non_negative(eps, "epsilon")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        check_non_negative(weight_decay, "weight_decay")
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")
        betas = tuple(map(to_scalar, betas))
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        check_fused(fused, differentiable, foreach)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._setdefault_in_groups(amsgrad=False, maximize=False, foreach=None, capturable=False,
                                   differentiable=False, decoupled_weight_decay=False, fused=None)
        self._step_counts_to_tensors()

    def _init_state(self, group, p):
        state = self.state[p]
        if len(state) == 0:
            # torch keeps `step` as a float32 0-d tensor on the CPU (float64 under a float64 default)
            state["step"] = creation.tensor(0.0, dtype=scalar_dtype())
            state["exp_avg"] = creation.zeros_like(p)
            state["exp_avg_sq"] = creation.zeros_like(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = creation.zeros_like(p)
        return state

    @step_under_no_grad
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            beta1, beta2 = (to_scalar(b) for b in group["betas"])
            lr, weight_decay, eps = to_scalar(group["lr"]), group["weight_decay"], group["eps"]
            for p, grad, state in self._grads_and_states(group):
                self._update(p, grad, state, group, lr, beta1, beta2, weight_decay, eps)
        return loss

    @staticmethod
    def _update(param, grad, state, group, lr, beta1, beta2, weight_decay, eps):
        # torch's _single_tensor_adam (capturable=False, differentiable=False), operation by operation,
        # so that float32 results round the same way.
        exp_avg, exp_avg_sq, step_t = state["exp_avg"], state["exp_avg_sq"], state["step"]
        step_t += 1
        step = get_value(step_t)
        # Python-float arithmetic (float64), as torch computes the bias corrections
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = bias_correction2 ** 0.5
        max_exp_avg_sq = state["max_exp_avg_sq"] if group["amsgrad"] else None
        fits = (exp_avg, exp_avg_sq) + ((max_exp_avg_sq,) if max_exp_avg_sq is not None else ())
        if adam_update_fits(param, grad, *fits):
            # the same operations block by block (the bulk of a training step's optimizer time)
            adam_update_(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, lr=lr, beta1=beta1, beta2=beta2,
                         eps=eps, weight_decay=weight_decay, decoupled=group["decoupled_weight_decay"],
                         bias_correction2_sqrt=bias_correction2_sqrt, step_size=step_size)
            return
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                scale_(param, 1 - lr * weight_decay)
            else:
                grad = add_scaled(grad, param, weight_decay)
        lerp_scalar_(exp_avg, grad, 1 - beta1)
        addcmul_(scale_(exp_avg_sq, beta2), grad, grad, value=1 - beta2)

        if max_exp_avg_sq is not None:
            max_exp_avg_sq.copy_(maximum(max_exp_avg_sq, exp_avg_sq))
            denom = (max_exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
        else:
            denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
        param.addcdiv_(exp_avg, denom, value=-step_size)


class AdamW(Adam):
    """Adam with decoupled weight decay; default weight_decay 1e-2. Loading any state keeps the flag on."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
