"""mtv2.optim's bookkeeping behaves as torch.optim's: each scenario runs on both frameworks.

(Trajectories, resumption and hyperparameter errors are the conformance rows of conformance/optim_cases.py;
these scenarios pin the rest: state containers, identity, zero_grad, groups, repr, casting on load.)
"""
import pytest

from ._compare import Scenarios, assert_same, raised

scenarios = Scenarios()


def _params(fw, dtype="float32"):
    return [fw.nn.Parameter(fw.arange(6, dtype=getattr(fw, dtype)).reshape(2, 3) / 10),
            fw.nn.Parameter(fw.tensor([0.5, -1.5], dtype=getattr(fw, dtype)))]


def _grads(fw, params, scale=1.0):
    for i, p in enumerate(params):
        p.grad = fw.ones_like(p) * (i + 1) * scale


@scenarios
def parameters_stay_the_same_objects(fw):
    params = _params(fw)
    before = [id(p) for p in params]
    opt = fw.optim.AdamW(params, lr=0.1)
    _grads(fw, params)
    opt.step()
    return [[id(p) for p in opt.param_groups[0]["params"]] == before, params[0].requires_grad,
            params[0].grad_fn is None, params]


@scenarios
def state_is_a_defaultdict_keyed_by_parameter(fw):
    params = _params(fw)
    opt = fw.optim.SGD(params, lr=0.1, momentum=0.9)
    empty = (type(opt.state).__name__, len(opt.state), opt.state[params[0]], len(opt.state))
    _grads(fw, params)
    opt.step()
    return [empty, sorted(opt.state[params[1]]), opt.state[params[1]]["momentum_buffer"]]


@scenarios
def adam_step_is_a_float32_tensor(fw):
    params = _params(fw, "float64")
    opt = fw.optim.Adam(params, lr=0.1, amsgrad=True)
    _grads(fw, params)
    opt.step()
    opt.step()
    state = opt.state[params[0]]
    return [state["step"], sorted(state), state["exp_avg"].dtype]


@scenarios
def zero_grad_to_none_and_to_zero(fw):
    params = _params(fw)
    opt = fw.optim.SGD(params, lr=0.1)
    _grads(fw, params)
    opt.zero_grad(set_to_none=False)
    zeroed = [p.grad for p in params]
    opt.zero_grad()
    return [zeroed, [p.grad is None for p in params]]


@scenarios
def skipped_parameter_gets_no_state(fw):
    params = _params(fw)
    opt = fw.optim.Adam(params, lr=0.1)
    params[0].grad = fw.ones_like(params[0])
    opt.step()
    return [len(opt.state), params[0] in opt.state, params[1] in opt.state, params[1]]


@scenarios
def add_param_group_fills_defaults(fw):
    params = _params(fw)
    opt = fw.optim.Adam(params[:1], lr=0.1, betas=(0.8, 0.9))
    opt.add_param_group({"params": params[1], "lr": 0.5})
    group = opt.param_groups[1]
    return [len(opt.param_groups), group["lr"], group["betas"], sorted(group),
            raised(lambda: opt.add_param_group({"params": [params[0]]})),
            raised(lambda: opt.add_param_group([params[0]]))]


@scenarios
def named_parameters_record_names(fw):
    model = fw.nn.Linear(3, 2)
    opt = fw.optim.SGD(model.named_parameters(), lr=0.1)
    state = opt.state_dict()
    return [opt.param_groups[0]["param_names"], state["param_groups"][0]["params"],
            raised(lambda: opt.add_param_group({"params": [fw.nn.Parameter(fw.ones(1))]}))]


@scenarios
def repr_lists_group_options(fw):
    opt = fw.optim.SGD(_params(fw), lr=0.1, momentum=0.9)
    return repr(opt)


@scenarios
def closure_loss_is_returned(fw):
    params = _params(fw)
    opt = fw.optim.SGD(params, lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (params[0] ** 2).sum() + params[1].sum()
        loss.backward()
        return loss
    loss = opt.step(closure)
    return [loss, params]


@scenarios
def load_state_dict_casts_state_not_step(fw):
    source_params = _params(fw, "float64")
    source = fw.optim.Adam(source_params, lr=0.1)
    _grads(fw, source_params)
    source.step()
    target_params = _params(fw, "float32")
    target = fw.optim.Adam(target_params, lr=0.5)
    target.load_state_dict(source.state_dict())
    state = target.state[target_params[0]]
    return [state["exp_avg"].dtype, state["step"].dtype, target.param_groups[0]["lr"],
            target.param_groups[0]["params"][0] is target_params[0]]


@scenarios
def adamw_keeps_decoupled_flag_on_load(fw):
    params = _params(fw)
    adam = fw.optim.Adam(params, lr=0.1)
    adamw = fw.optim.AdamW(_params(fw), lr=0.1)
    adamw.load_state_dict(adam.state_dict())
    return [adam.param_groups[0]["decoupled_weight_decay"], adamw.param_groups[0]["decoupled_weight_decay"],
            adamw.param_groups[0]["weight_decay"]]


@scenarios
def adagrad_state_is_eager(fw):
    params = _params(fw)
    opt = fw.optim.Adagrad(params, lr=0.1, initial_accumulator_value=0.25)
    return [len(opt.state), opt.state[params[0]]["sum"], opt.state[params[0]]["step"]]


@scenarios
def bert_schedule_as_lambda_lr(fw):
    params = _params(fw)
    opt = fw.optim.AdamW(params, lr=1e-3)

    def bert(step, warmup=3, total=10):
        return step / warmup if step < warmup else max(0.0, (total - step) / (total - warmup))
    scheduler = fw.optim.lr_scheduler.LambdaLR(opt, bert)
    lrs = [scheduler.get_last_lr()]
    for _ in range(10):
        opt.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr())
    return [lrs, opt.param_groups[0]["initial_lr"], sorted(scheduler.state_dict())]


@scenarios
def scheduler_step_with_epoch_uses_closed_form(fw):
    import warnings
    opt = fw.optim.SGD(_params(fw), lr=1.0)
    scheduler = fw.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opt.step()
        scheduler.step(7)
    return [scheduler.get_last_lr(), scheduler.last_epoch]


@pytest.mark.parametrize("scenario", scenarios.params())
def test_optim(scenario):
    assert_same(scenario)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("options", [{"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1},
                                     {"lr": 0.05, "momentum": 0.5, "dampening": 0.3, "maximize": True}],
                         ids=["nesterov_weight_decay", "dampening_maximize"])
def test_sgd_matches_torch_bit_for_bit(options, dtype):
    """SGD uses only torch's fused add(alpha=...) and mul: its trajectory must equal torch's exactly, which
    pins the single rounding of mtv2.optim._fused (a second rounding drifts by an ulp within a few steps)."""
    import numpy as np
    import torch

    import mtv2
    rng = np.random.default_rng(7)
    initial = [rng.normal(size=shape).astype(dtype) for shape in ((5, 3), (17,))]
    grads = [[rng.normal(size=a.shape).astype(dtype) for a in initial] for _ in range(15)]
    finals = []
    for fw in (torch, mtv2):
        params = [fw.nn.Parameter(fw.tensor(a.copy())) for a in initial]
        opt = fw.optim.SGD(params, **options)
        for step in grads:
            for p, g in zip(params, step):
                p.grad = fw.tensor(g.copy())
            opt.step()
        finals.append([p.detach().numpy().copy() for p in params])
    for theirs, mine in zip(*finals):
        np.testing.assert_array_equal(mine, theirs)


@pytest.mark.parametrize("options", [{"lr": 0.01, "weight_decay": 0.1, "amsgrad": True},
                                     {"lr": 0.02, "betas": (0.3, 0.6), "weight_decay": 0.05, "maximize": True},
                                     {"lr": 0.01, "weight_decay": 0.0}],
                         ids=["amsgrad", "large_lerp_weight_maximize", "no_weight_decay"])
@pytest.mark.parametrize("name", ["Adam", "AdamW"])
def test_blocked_adam_update_is_bit_identical_to_op_by_op(name, options, monkeypatch):
    """Adam's blocked float32 update (mtv2.optim._fused.adam_update_) must give exactly the bits of its
    op-by-op path: several blocks, a ragged last block, each option that changes the arithmetic."""
    import numpy as np

    import mtv2
    from mtv2.ops import _parallel
    from mtv2.optim import adam
    monkeypatch.setattr(_parallel, "BLOCK", 64)
    rng = np.random.default_rng(3)
    initial = [rng.normal(size=shape).astype(np.float32) for shape in ((9, 31), (130,), ())]
    grads = [[(rng.normal(size=a.shape) * 10.0 ** rng.integers(-6, 3)).astype(np.float32) for a in initial]
             for _ in range(6)]
    finals = []
    for blocked in (True, False):
        if not blocked:
            monkeypatch.setattr(adam, "adam_update_fits", lambda *tensors: False)
        params = [mtv2.nn.Parameter(mtv2.tensor(a.copy())) for a in initial]
        opt = getattr(mtv2.optim, name)(params, **options)
        for step in grads:
            for p, g in zip(params, step):
                p.grad = mtv2.tensor(g.copy())
            opt.step()
        finals.append([t.detach().numpy().copy() for p in params
                       for t in [p] + [v for v in opt.state[p].values() if v.ndim == p.ndim]])
    for blocked, op_by_op in zip(*finals):
        np.testing.assert_array_equal(blocked, op_by_op)
