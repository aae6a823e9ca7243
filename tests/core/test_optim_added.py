"""The optimizers, schedulers and clipping functions added after the first five behave as torch's where the
conformance rows do not look (conformance/optim_cases.py has their trajectories, resumption and errors):
option names, state containers and dtypes, L-BFGS's bookkeeping, scheduler state dicts, warnings."""
import warnings

import pytest

from ._compare import Scenarios, assert_same, raised

scenarios = Scenarios()

NEW_OPTIMIZERS = ("Adamax", "NAdam", "RAdam", "Adadelta", "Rprop", "ASGD", "Adafactor", "LBFGS")


def _params(fw, dtype="float32"):
    return [fw.nn.Parameter(fw.arange(6, dtype=getattr(fw, dtype)).reshape(2, 3) / 10 - 0.2),
            fw.nn.Parameter(fw.tensor([0.5, -1.5], dtype=getattr(fw, dtype)))]


def _grads(fw, params, scale=1.0):
    for i, p in enumerate(params):
        p.grad = (fw.ones_like(p) * (i + 1) - p) * scale


def _quadratic_closure(fw, opt, params):
    def closure():
        opt.zero_grad()
        loss = sum(((p - 1) ** 2).sum() for p in params)
        loss.backward()
        return loss
    return closure


@scenarios
def defaults_name_every_option(fw):
    return {name: sorted(getattr(fw.optim, name)(_params(fw)).defaults) for name in NEW_OPTIMIZERS}


@scenarios
def state_slots_and_their_dtypes(fw):
    observed = {}
    for name in NEW_OPTIMIZERS[:-1]:
        params = _params(fw, "float64")
        opt = getattr(fw.optim, name)(params)
        _grads(fw, params)
        opt.step()
        observed[name] = {slot: (value.dtype, tuple(value.shape)) for slot, value in opt.state[params[0]].items()}
    return observed


@scenarios
def nadam_and_asgd_scalars_take_the_parameter_dtype_on_load(fw):
    params = _params(fw, "float64")
    observed = []
    for name in ("NAdam", "ASGD"):
        source = getattr(fw.optim, name)(params)
        _grads(fw, params)
        source.step()
        target = getattr(fw.optim, name)(params)
        target.load_state_dict(source.state_dict())
        observed.append({slot: value.dtype for slot, value in target.state[params[0]].items()})
    return observed


@scenarios
def rprop_step_sizes_start_at_lr(fw):
    params = _params(fw)
    opt = fw.optim.Rprop(params, lr=0.03)
    _grads(fw, params)
    opt.step()
    _grads(fw, params, -1.0)   # every sign flips: the step is skipped and prev forgotten
    opt.step()
    state = opt.state[params[1]]
    return [state["step_size"], state["prev"], params[1]]


@scenarios
def lbfgs_state_lives_on_the_first_parameter(fw):
    params = _params(fw)
    opt = fw.optim.LBFGS(params, max_iter=3, history_size=2)
    loss = opt.step(_quadratic_closure(fw, opt, params))
    state = opt.state[params[0]]
    return [len(opt.state), sorted(state), state["func_evals"], state["n_iter"], len(state["old_dirs"]),
            type(state["t"]).__name__, loss, sorted(opt.state_dict()["state"])]


@scenarios
def lbfgs_returns_at_once_when_already_optimal(fw):
    params = [fw.nn.Parameter(fw.ones(3))]
    opt = fw.optim.LBFGS(params)
    loss = opt.step(_quadratic_closure(fw, opt, params))
    return [loss, dict(opt.state[params[0]]), params]


@scenarios
def lbfgs_needs_a_closure_and_one_group(fw):
    params = _params(fw)
    opt = fw.optim.LBFGS(params)
    return [raised(lambda: opt.step()),
            raised(lambda: fw.optim.LBFGS([{"params": params[:1]}, {"params": params[1:]}]))]


@scenarios
def reduce_lr_on_plateau_leaves_groups_alone_until_it_reduces(fw):
    opt = fw.optim.SGD(_params(fw), lr=1.0)
    scheduler = fw.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.5, cooldown=1)
    lrs = []
    for metric in (3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 1.0):
        scheduler.step(metric)
        lrs.append(scheduler.get_last_lr())
    return [lrs, sorted(opt.param_groups[0]), sorted(scheduler.state_dict()), scheduler.best,
            scheduler.in_cooldown]


@scenarios
def cyclic_lr_saves_no_function_but_an_objects_dict(fw):
    class Scale:
        def __init__(self):
            self.base = 0.5

        def __call__(self, x):
            return self.base ** x
    opt = fw.optim.SGD(_params(fw), lr=0.1, momentum=0.9)
    with_function = fw.optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=2, scale_fn=lambda x: 1.0)
    with_object = fw.optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=2, scale_fn=Scale())
    return [with_function.state_dict()["_scale_fn_custom"], with_object.state_dict()["_scale_fn_custom"],
            "_scale_fn_ref" in with_function.state_dict(), opt.param_groups[0]["momentum"]]


@scenarios
def warm_restarts_take_fractional_epochs(fw):
    opt = fw.optim.SGD(_params(fw), lr=1.0)
    scheduler = fw.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2, eta_min=0.1)
    observed = []
    for epoch in (0.5, 1.5, 2.25, 5.75, 13.0):
        scheduler.step(epoch)
        observed.append((scheduler.get_last_lr(), scheduler.T_cur, scheduler.T_i, scheduler.last_epoch))
    return observed


@scenarios
def chained_scheduler_composes_and_nests_its_state(fw):
    opt = fw.optim.SGD(_params(fw), lr=1.0)
    s = fw.optim.lr_scheduler
    chained = s.ChainedScheduler([s.ConstantLR(opt, factor=0.5, total_iters=2), s.ExponentialLR(opt, gamma=0.9)])
    lrs = [chained.get_last_lr()]
    for _ in range(4):
        opt.step()
        chained.step()
        lrs.append(chained.get_last_lr())
    state = chained.state_dict()
    return [lrs, sorted(state), [sorted(inner) for inner in state["_schedulers"]]]


@scenarios
def clip_grad_norm_returns_zero_without_gradients(fw):
    params = _params(fw)
    return [fw.nn.utils.clip_grad_norm_(params, 1.0), fw.nn.utils.get_total_norm([])]


@scenarios
def clip_grad_warnings(fw):
    params = _params(fw)
    _grads(fw, params)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fw.nn.utils.clip_grad_norm_((p for p in []), 1.0)
        norm = fw.nn.utils.clip_grad_norm(params, 1.0)
    return [[w.category.__name__ for w in caught], norm, [p.grad for p in params]]


@scenarios
def clip_grad_norm_scales_only_above_max_norm(fw):
    params = _params(fw)
    _grads(fw, params, 1e-3)
    small = [fw.nn.utils.clip_grad_norm_(params, 1.0), [p.grad.clone() for p in params]]
    _grads(fw, params, 10.0)
    large = [fw.nn.utils.clip_grad_norm_(params, 1.0, norm_type="inf"), [p.grad for p in params]]
    return [small, large, fw.nn.utils.get_total_norm([p.grad for p in params])]


@scenarios
def averaged_model_wraps_a_copy(fw):
    model = fw.nn.Linear(2, 2)
    averaged = fw.optim.swa_utils.AveragedModel(model)
    with fw.no_grad():
        model.weight.fill_(1.0)
    averaged.update_parameters(model)
    with fw.no_grad():
        model.weight.fill_(3.0)
    averaged.update_parameters(model)
    x = fw.ones(1, 2)
    return [sorted(averaged.state_dict()), averaged.n_averaged, averaged.module.weight,
            averaged.module is not model, averaged(x).shape]


@scenarios
def swalr_state_dict_leaves_out_the_function(fw):
    opt = fw.optim.SGD(_params(fw), lr=0.1)
    scheduler = fw.optim.swa_utils.SWALR(opt, swa_lr=0.01, anneal_epochs=3, anneal_strategy="linear")
    lrs = []
    for _ in range(5):
        opt.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr())
    return [lrs, sorted(scheduler.state_dict()), opt.param_groups[0]["swa_lr"]]


@pytest.mark.parametrize("scenario", scenarios.params())
def test_optim_added(scenario):
    assert_same(scenario)
