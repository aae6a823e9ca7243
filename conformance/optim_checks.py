"""How one optimizer or scheduler case runs on both frameworks and becomes rows (the table: optim_cases.py)."""
import copy

import numpy as np

from conformance import frameworks
from conformance.checks import CheckResult, refusal
from conformance.compare import Comparison, compare_arrays, default_tolerance
from conformance.optim_cases import (LR_TOLERANCE, RESUME_AT, SCHEDULER_RESUME_AT, SCHEDULER_STEPS,
                                     STEPS, TWO_GROUPS)
from conformance.outcome import exception_text, timed
from conformance.run import mark_expected_failure, rows_from_results


# ---- building both sides ------------------------------------------------------------------
def _rng(case, purpose):
    from conformance.inputs import rng_for
    return rng_for(case.case_id, purpose)


def parameter_dtypes(case):
    return [("float64" if case.mixed and i % 2 else case.dtype) for i in range(len(case.shapes))]


def initial_values(case):
    rng = _rng(case, "params")
    return [rng.normal(0, 1, shape).astype(dtype) for shape, dtype in zip(case.shapes, parameter_dtypes(case))]


def gradient_sequence(case, steps=STEPS):
    """grads[step][i]: an array, or None where the case leaves that parameter without a gradient."""
    rng = _rng(case, "grads")
    sequence = []
    for step in range(steps):
        row = [rng.normal(0, 1, shape).astype(dtype) for shape, dtype in zip(case.shapes, parameter_dtypes(case))]
        sequence.append([None if (step, i) in case.skip else g for i, g in enumerate(row)])
    return sequence


def make_params(fw, arrays):
    """Parameters of the arrays' dtypes (float32 or float64), the same values in either framework."""
    return [fw.nn.Parameter(fw.tensor(a.copy(), dtype=getattr(fw, str(a.dtype)))) for a in arrays]


def make_optimizer(fw, case, params):
    cls = getattr(fw.optim, case.optimizer)
    if not case.groups:
        return cls(params, **case.options)
    groups, start = [], 0
    for size, options in zip(TWO_GROUPS, case.groups):
        groups.append({"params": params[start:start + size], **options})
        start += size
    return cls(groups, **case.options)


def set_grads(fw, params, grads):
    for p, g in zip(params, grads):
        p.grad = None if g is None else fw.tensor(g.copy(), dtype=getattr(fw, str(g.dtype)))


def convert_value(value, source, target):
    """A state dict (or any nested value) of `source` with every tensor re-made in `target`."""
    if isinstance(value, source.Tensor):
        array = frameworks.to_numpy(source, value)
        return target.tensor(array, dtype=getattr(target, frameworks.dtype_name(source, value.dtype)))
    if isinstance(value, dict):
        return {k: convert_value(v, source, target) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(convert_value(v, source, target) for v in value)
    return copy.deepcopy(value)


def _numeric_option(value):
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, tuple) and all(_numeric_option(v) for v in value)


def _state_entries(fw, slot, value, dtype):
    """(slot label, value) pairs of one state slot: a tensor as (array, dtype name); a list (L-BFGS's history)
    item by item; a Python float (L-BFGS's prev_loss) as an array compared at the parameter's tolerance,
    under its own label so that a float where torch has a tensor is a difference; anything else as is."""
    if isinstance(value, fw.Tensor):
        return [(slot, (frameworks.to_numpy(fw, value), frameworks.dtype_name(fw, value.dtype)))]
    if isinstance(value, list):
        return [(f"{slot}[{k}]{label[len(slot):]}", entry) for k, item in enumerate(value)
                for label, entry in _state_entries(fw, slot, item, dtype)]
    if isinstance(value, float):
        return [(f"{slot} (Python float)", (np.asarray(value), dtype))]
    return [(slot, value)]


def snapshot(fw, opt, params):
    """{(what, index, slot): numpy array or a Python value} of everything that must equal torch's."""
    taken = {}
    for i, p in enumerate(params):
        dtype = frameworks.dtype_name(fw, p.dtype)
        taken[("param", i, "")] = (frameworks.to_numpy(fw, p), dtype)
        for slot, value in sorted(opt.state.get(p, {}).items()):
            for label, entry in _state_entries(fw, slot, value, dtype):
                taken[("state", i, label)] = entry
    for g, group in enumerate(opt.param_groups):
        for key, value in sorted(group.items()):
            if key != "params" and _numeric_option(value):
                taken[("group", g, key)] = value
    return taken


def _label(key):
    what, index, slot = key
    if what == "param":
        return f"param {index}"
    if what == "state":
        return f"param {index} state[{slot!r}]"
    if what == "group":
        return f"group {index} {slot}"
    return f"{what} {index}" if not slot else f"{what} {index} {slot}"


def compare_snapshots(mine, theirs, dtype, tolerance=None):
    """[(label, Comparison)] for every entry; a missing or extra slot is a failed comparison. Arrays are compared
    at their dtype's default tolerance, or at `tolerance` (atol, rtol) where the case declares one."""
    results = []
    for key in sorted(set(mine) | set(theirs), key=repr):
        label = _label(key)
        if key not in mine or key not in theirs:
            side = "mtv2" if key in mine else "torch"
            results.append((label, Comparison(False, detail=f"only {side} has it")))
            continue
        a, b = mine[key], theirs[key]
        if isinstance(a, tuple) and len(a) == 2 and isinstance(a[0], np.ndarray):
            if not (isinstance(b, tuple) and len(b) == 2 and isinstance(b[0], np.ndarray)):
                results.append((label, Comparison(False, detail=f"mtv2 has a tensor, torch {b!r}")))
                continue
            atol, rtol = tolerance or default_tolerance(b[1])
            results.append((label, compare_arrays(a[0], b[0], a[1], b[1], atol, rtol)))
        elif a is None or b is None:
            results.append((label, Comparison(a is b, detail="" if a is b else f"mtv2 {a!r} != torch {b!r}")))
        else:
            results.append((label, _compare_numbers(a, b)))
    return results


def _compare_numbers(a, b):
    flat_a, flat_b = np.ravel(np.asarray(a, dtype=np.float64)), np.ravel(np.asarray(b, dtype=np.float64))
    if flat_a.shape != flat_b.shape or type(a) is not type(b):
        return Comparison(False, detail=f"mtv2 {a!r} != torch {b!r}")
    atol, rtol = LR_TOLERANCE
    comparison = compare_arrays(flat_a, flat_b, "float64", "float64", atol, rtol)
    if not comparison.ok:
        comparison.detail = f"mtv2 {a!r} != torch {b!r} (Python numbers must be equal exactly)"
    return comparison


class Trajectory:
    """Accumulates per-step comparisons into one row: worst err_ratio, first divergence."""

    def __init__(self, tolerance_dtype, case=None):
        declared = getattr(case, "tolerance", None)
        self.atol, self.rtol = declared or default_tolerance(tolerance_dtype)
        self.tol_source = f"declared: {case.tolerance_reason}" if declared else "default"
        self.worst = None
        self.worst_at = ""
        self.first_failure = None
        self.compared = 0

    def add(self, step, comparisons):
        for label, comparison in comparisons:
            self.compared += 1
            where = f"step {step}, {label}"
            if not comparison.ok and self.first_failure is None:
                self.first_failure = (where, comparison)
            ratio = comparison.err_ratio
            if comparison.ok and ratio is not None and (self.worst is None or ratio > (self.worst.err_ratio or 0)):
                self.worst, self.worst_at = comparison, where

    def result(self, summary, mtv2_ms=None, torch_ms=None):
        if self.first_failure is not None:
            where, comparison = self.first_failure
            return CheckResult("fail", f"first divergence at {where}: {comparison.detail}", comparison.max_abs_err,
                               comparison.max_rel_err, comparison.err_ratio, self.atol, self.rtol,
                               self.tol_source, mtv2_ms, torch_ms)
        worst = self.worst or Comparison(True, 0.0, 0.0, 0.0)
        detail = f"{summary}; {self.compared} comparisons"
        if worst.err_ratio:
            detail += f"; worst at {self.worst_at}"
        return CheckResult("pass", detail, worst.max_abs_err, worst.max_rel_err, worst.err_ratio, self.atol,
                           self.rtol, self.tol_source, mtv2_ms, torch_ms)


# ---- optimizer runs -----------------------------------------------------------------------
def objective_weights(case):
    """The closure cases' objective: per parameter, curvatures w in [0.1, 10]."""
    rng = _rng(case, "objective")
    return [np.exp(rng.uniform(np.log(0.1), np.log(10), shape)).astype(dtype)
            for shape, dtype in zip(case.shapes, parameter_dtypes(case))]


def objective(fw, params, weights):
    """sum(w p^2 + 0.1 p^4): convex (rounding differences shrink instead of growing, as in Rosenbrock's valley),
    conditioned 1:100 so that L-BFGS needs dozens of iterations, with an elementwise gradient (no reduction in it
    to round differently) and its minimum at 0, where float32 keeps its relative precision (a minimum at c != 0
    has p - c cancel, and the last iterations then amplify the frameworks' different dot-product roundings)."""
    total = 0
    for p, weight in zip(params, weights):
        total = total + (fw.tensor(weight) * p ** 2).sum() + 0.1 * (p ** 4).sum()
    return total


def run_steps(fw, case, params, opt, grads, start, stop, record):
    if case.closure:
        weights = objective_weights(case)

        def closure():
            opt.zero_grad()
            loss = objective(fw, params, weights)
            loss.backward()
            return loss
    for step in range(start, stop):
        if case.closure:
            loss = opt.step(closure)
            taken = snapshot(fw, opt, params)
            taken[("loss", 0, "")] = (frameworks.to_numpy(fw, loss.detach()), frameworks.dtype_name(fw, loss.dtype))
            record(step + 1, taken)
            continue
        set_grads(fw, params, grads[step])
        opt.step()
        opt.zero_grad()
        record(step + 1, snapshot(fw, opt, params))


def full_run(fw, case, grads):
    params = make_params(fw, initial_values(case))
    opt = make_optimizer(fw, case, params)
    snapshots = []
    saved = {}

    def record(step, taken):
        snapshots.append(taken)
        if step == RESUME_AT:
            saved["state_dict"] = copy.deepcopy(convert_value(opt.state_dict(), fw, fw))
            saved["params"] = [frameworks.to_numpy(fw, p) for p in params]
    run_steps(fw, case, params, opt, grads, 0, STEPS, record)
    return snapshots, saved


def resumed_run(fw, case, grads, param_arrays, state_dict):
    params = make_params(fw, param_arrays)
    opt = make_optimizer(fw, case, params)
    opt.load_state_dict(state_dict)
    snapshots = []
    run_steps(fw, case, params, opt, grads, RESUME_AT, STEPS, lambda step, taken: snapshots.append(taken))
    return snapshots


def _layout_differences(mine, theirs):
    """Where mtv2's state dict is not laid out as torch's: ids, slot names, group options."""
    problems = []
    if sorted(mine["state"]) != sorted(theirs["state"]):
        problems.append(f"state ids {sorted(mine['state'])} != torch {sorted(theirs['state'])}")
    for key in theirs["state"]:
        if key in mine["state"] and sorted(mine["state"][key]) != sorted(theirs["state"][key]):
            problems.append(f"state[{key}] slots {sorted(mine['state'][key])} != torch {sorted(theirs['state'][key])}")
    if len(mine["param_groups"]) != len(theirs["param_groups"]):
        problems.append("different number of param_groups")
    for index, (a, b) in enumerate(zip(mine["param_groups"], theirs["param_groups"])):
        if a != b:
            keys = sorted(set(a) | set(b))
            differing = [k for k in keys if a.get(k, "<missing>") != b.get(k, "<missing>")]
            problems.append(f"param_groups[{index}] differs in {differing}: mtv2 "
                            f"{ {k: a.get(k, '<missing>') for k in differing} } torch "
                            f"{ {k: b.get(k, '<missing>') for k in differing} }")
    return problems


class OptimContext:
    """Both frameworks' uninterrupted runs, made once and shared by the case's checks."""

    def __init__(self, case):
        self.case = case
        self.torch, self.mtv2 = frameworks.reference(), frameworks.candidate()
        self.grads = gradient_sequence(case)
        self.theirs = timed(lambda: full_run(self.torch, case, self.grads))
        self.mine = timed(lambda: full_run(self.mtv2, case, self.grads))


def _raised(ctx):
    """The error row when either framework's run raised (a case that raises is a row, not a lost run)."""
    if ctx.theirs.exception:
        return CheckResult("error", f"torch raised {exception_text(ctx.theirs.exception)}")
    if ctx.mine.exception:
        return CheckResult("error", f"mtv2 raised {exception_text(ctx.mine.exception)}",
                           mtv2_ms=ctx.mine.ms, torch_ms=ctx.theirs.ms)
    return None


def check_trajectory(ctx):
    if _raised(ctx):
        return _raised(ctx)
    trajectory = Trajectory(ctx.case.dtype, ctx.case)
    for step, (mine, theirs) in enumerate(zip(ctx.mine.value[0], ctx.theirs.value[0]), 1):
        trajectory.add(step, compare_snapshots(mine, theirs, ctx.case.dtype, ctx.case.tolerance))
    return trajectory.result(f"{STEPS} steps", ctx.mine.ms, ctx.theirs.ms)


def check_resume(ctx):
    if ctx.theirs.exception or ctx.mine.exception:
        return CheckResult("error", "a full run raised; see the trajectory row")
    case, torch, mtv2 = ctx.case, ctx.torch, ctx.mtv2
    mine_saved = ctx.mine.value[1]
    theirs_saved = ctx.theirs.value[1]
    problems = _layout_differences(mine_saved["state_dict"], theirs_saved["state_dict"])
    if problems:
        return CheckResult("fail", "state_dict layout: " + "; ".join(problems))
    trajectory = Trajectory(case.dtype, case)
    # The reference is torch resumed from its own state dict, not its uninterrupted run: loading casts floating
    # state to the parameter's dtype, so NAdam's mu_product or ASGD's eta (float32 0-d slots) become float64
    # beside a float64 parameter. For the other optimizers the two runs are the same.
    theirs_resumed = timed(lambda: resumed_run(torch, case, ctx.grads, theirs_saved["params"],
                                               convert_value(theirs_saved["state_dict"], torch, torch)))
    if theirs_resumed.exception:
        return CheckResult("error", f"torch resume raised {exception_text(theirs_resumed.exception)}")
    # 1. mtv2's own state dict, loaded into a fresh mtv2 optimizer, continues as torch's does
    own = timed(lambda: resumed_run(mtv2, case, ctx.grads, mine_saved["params"],
                                    convert_value(mine_saved["state_dict"], mtv2, mtv2)))
    if own.exception:
        return CheckResult("error", f"mtv2 resume raised {exception_text(own.exception)}", mtv2_ms=own.ms)
    for step, (resumed, full) in enumerate(zip(own.value, theirs_resumed.value), RESUME_AT + 1):
        trajectory.add(step, [(f"own resume: {label}", c)
                              for label, c in compare_snapshots(resumed, full, case.dtype, case.tolerance)])
    # 2. torch's state dict, converted, loaded into mtv2, continues like torch
    from_torch = timed(lambda: resumed_run(mtv2, case, ctx.grads, theirs_saved["params"],
                                           convert_value(theirs_saved["state_dict"], torch, mtv2)))
    if from_torch.exception:
        return CheckResult("error", f"mtv2 loading torch's state dict raised {exception_text(from_torch.exception)}",
                           mtv2_ms=from_torch.ms)
    for step, (resumed, full) in enumerate(zip(from_torch.value, theirs_resumed.value), RESUME_AT + 1):
        trajectory.add(step, [(f"torch state dict: {label}", c)
                              for label, c in compare_snapshots(resumed, full, case.dtype, case.tolerance)])
    return trajectory.result(f"resumed at step {RESUME_AT} from mtv2's and from torch's state dict",
                             own.ms + from_torch.ms, None)


# ---- the seed's own loop ------------------------------------------------------------------
def seed_loop(fw, case, weight, bias, inputs, targets):
    model = fw.nn.Linear(10, 2)
    with fw.no_grad():
        model.weight.copy_(fw.tensor(weight))
        model.bias.copy_(fw.tensor(bias))
    opt = fw.optim.AdamW(model.parameters(), lr=0.001)
    history = []
    for x, y in zip(inputs, targets):
        output = model(fw.tensor(x))
        loss = ((output - fw.tensor(y)) ** 2).mean()
        loss.backward()
        opt.step()
        opt.zero_grad()
        taken = snapshot(fw, opt, [model.weight, model.bias])
        taken[("loss", 0, "")] = (frameworks.to_numpy(fw, loss.detach()), "float32")
        history.append(taken)
    return history


def check_seed(case):
    rng = _rng(case, "seed")
    weight = rng.uniform(-0.3, 0.3, (2, 10)).astype(np.float32)
    bias = rng.uniform(-0.3, 0.3, (2,)).astype(np.float32)
    inputs = [rng.normal(0, 1, (8, 10)).astype(np.float32) for _ in range(10)]
    targets = [rng.normal(0, 1, (8, 2)).astype(np.float32) for _ in range(10)]
    theirs = timed(lambda: seed_loop(frameworks.reference(), case, weight, bias, inputs, targets))
    mine = timed(lambda: seed_loop(frameworks.candidate(), case, weight, bias, inputs, targets))
    if theirs.exception:
        return CheckResult("error", f"torch raised {exception_text(theirs.exception)}")
    if mine.exception:
        return CheckResult("error", f"mtv2 raised {exception_text(mine.exception)}", mtv2_ms=mine.ms,
                           torch_ms=theirs.ms)
    trajectory = Trajectory("float32")
    for step, (a, b) in enumerate(zip(mine.value, theirs.value), 1):
        trajectory.add(step, compare_snapshots(a, b, "float32"))
    return trajectory.result("nn.Linear(10, 2) + AdamW(lr=0.001), 10 steps of forward/backward/step/zero_grad",
                             mine.ms, theirs.ms)


# ---- schedulers ---------------------------------------------------------------------------
def _scheduler_setup(fw, case):
    params = make_params(fw, initial_values(case))
    groups = [{"params": params[:2]}, {"params": params[2:], "lr": case.options["lr"] * 0.5}]
    opt = getattr(fw.optim, case.optimizer)(groups, **case.options)
    return params, opt, case.scheduler(fw, opt)


def _scheduler_snapshot(fw, opt, scheduler):
    """get_last_lr, the group options schedulers set, and the scheduler's own counters (last_epoch, T_cur,
    best, num_bad_epochs, ...: the numbers at the top of its state dict)."""
    taken = {("last_lr", i, ""): lr for i, lr in enumerate(scheduler.get_last_lr())}
    for g, group in enumerate(opt.param_groups):
        for key in ("lr", "initial_lr", "momentum", "betas", "max_lr", "min_lr", "max_momentum", "base_momentum"):
            if key in group:
                taken[("group", g, key)] = group[key]
    for key, value in scheduler.state_dict().items():
        if _numeric_option(value):
            taken[("scheduler", 0, key)] = value
    return taken


def scheduler_run(fw, case, start=0, state=None):
    """Steps optimizer and scheduler; from `start` after loading `state` (optimizer, scheduler dicts)."""
    import warnings
    params, opt, scheduler = _scheduler_setup(fw, case)
    if state is not None:
        scheduler.load_state_dict(copy.deepcopy(state[1]))
        opt.load_state_dict(state[0])
    snapshots, saved = [_scheduler_snapshot(fw, opt, scheduler)] if state is None else [], None
    for step in range(start, SCHEDULER_STEPS):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            opt.step()
            if case.metrics is not None:     # ReduceLROnPlateau: step(metric)
                scheduler.step(case.metrics[step])
            elif case.closed_form:
                scheduler.step(step + 1)
            else:
                scheduler.step()
        snapshots.append(_scheduler_snapshot(fw, opt, scheduler))
        if step + 1 == SCHEDULER_RESUME_AT and state is None:
            # a scheduler state dict holds Python values (nested dicts for SequentialLR)
            saved = (convert_value(opt.state_dict(), fw, fw), copy.deepcopy(scheduler.state_dict()))
    return snapshots, saved


def _scheduler_layout(mine, theirs):
    def keys(state):
        nested = state.get("_schedulers")
        own = sorted(k for k in state)
        return own, [keys(s) for s in nested] if nested else None
    return [] if keys(mine) == keys(theirs) else [f"scheduler state_dict keys {keys(mine)} != torch {keys(theirs)}"]


class SchedulerContext:
    def __init__(self, case):
        self.case = case
        self.torch, self.mtv2 = frameworks.reference(), frameworks.candidate()
        self.theirs = timed(lambda: scheduler_run(self.torch, case))
        self.mine = timed(lambda: scheduler_run(self.mtv2, case))


def check_scheduler_trajectory(ctx):
    if _raised(ctx):
        return _raised(ctx)
    trajectory = Trajectory("float64")
    for step, (mine, theirs) in enumerate(zip(ctx.mine.value[0], ctx.theirs.value[0])):
        trajectory.add(step, compare_snapshots(mine, theirs, "float64"))
    return trajectory.result(f"construction + {SCHEDULER_STEPS} steps, get_last_lr and group options",
                             ctx.mine.ms, ctx.theirs.ms)


def check_scheduler_resume(ctx):
    if ctx.theirs.exception or ctx.mine.exception:
        return CheckResult("error", "a full run raised; see the trajectory row")
    case = ctx.case
    mine_full, mine_saved = ctx.mine.value
    theirs_full, theirs_saved = ctx.theirs.value
    problems = _scheduler_layout(mine_saved[1], theirs_saved[1])
    problems += _layout_differences(mine_saved[0], theirs_saved[0])
    if problems:
        return CheckResult("fail", "state_dict layout: " + "; ".join(problems))
    trajectory = Trajectory("float64")
    own = timed(lambda: scheduler_run(ctx.mtv2, case, SCHEDULER_RESUME_AT, mine_saved))
    if own.exception:
        return CheckResult("error", f"mtv2 resume raised {exception_text(own.exception)}")
    for step, (a, b) in enumerate(zip(own.value[0], mine_full[SCHEDULER_RESUME_AT + 1:]), SCHEDULER_RESUME_AT + 1):
        trajectory.add(step, [(f"own resume: {label}", c) for label, c in compare_snapshots(a, b, "float64")])
    converted = (convert_value(theirs_saved[0], ctx.torch, ctx.mtv2), theirs_saved[1])
    from_torch = timed(lambda: scheduler_run(ctx.mtv2, case, SCHEDULER_RESUME_AT, converted))
    if from_torch.exception:
        return CheckResult("error", f"mtv2 loading torch's state dicts raised {exception_text(from_torch.exception)}")
    for step, (a, b) in enumerate(zip(from_torch.value[0], theirs_full[SCHEDULER_RESUME_AT + 1:]),
                                  SCHEDULER_RESUME_AT + 1):
        trajectory.add(step, [(f"torch state dicts: {label}", c) for label, c in compare_snapshots(a, b, "float64")])
    return trajectory.result(f"resumed at step {SCHEDULER_RESUME_AT} from mtv2's and from torch's state dicts",
                             own.ms + from_torch.ms, None)


# ---- gradient clipping --------------------------------------------------------------------
def clip_run(fw, case):
    """[snapshot per draw]: the gradients after the case's clipping call and the value it returned."""
    from conformance.optim_cases import CLIP_DRAWS
    taken_per_draw = []
    params = make_params(fw, initial_values(case))
    for draw, grads in enumerate(gradient_sequence(case, CLIP_DRAWS)):
        scale = 10.0 ** (draw - 2)    # 0.01x .. 10x: both under and over max_norm
        set_grads(fw, params, [None if g is None else g * np.asarray(scale, g.dtype) for g in grads])
        result = case.clip(fw, params)
        taken = {("grad", i, ""): (frameworks.to_numpy(fw, p.grad), frameworks.dtype_name(fw, p.grad.dtype))
                 for i, p in enumerate(params) if p.grad is not None}
        if isinstance(result, fw.Tensor):
            taken[("returned", 0, "")] = (frameworks.to_numpy(fw, result), frameworks.dtype_name(fw, result.dtype))
        else:
            taken[("returned", 0, "")] = result
        taken_per_draw.append(taken)
    return taken_per_draw


def check_clip(case):
    theirs = timed(lambda: clip_run(frameworks.reference(), case))
    mine = timed(lambda: clip_run(frameworks.candidate(), case))
    if theirs.exception:
        return CheckResult("error", f"torch raised {exception_text(theirs.exception)}")
    if mine.exception:
        return CheckResult("error", f"mtv2 raised {exception_text(mine.exception)}", mtv2_ms=mine.ms,
                           torch_ms=theirs.ms)
    trajectory = Trajectory(case.dtype)
    for draw, (a, b) in enumerate(zip(mine.value, theirs.value), 1):
        trajectory.add(draw, compare_snapshots(a, b, case.dtype))
    return trajectory.result("gradients after clipping and the returned value, gradients scaled 0.01x to 10x",
                             mine.ms, theirs.ms)


# ---- weight averaging ---------------------------------------------------------------------
def _module_entries(fw, prefix, module):
    """{(prefix, 0, name): (array, dtype)} for every parameter and buffer of a module."""
    named = list(module.named_parameters()) + list(module.named_buffers())
    return {(prefix, 0, name): (frameworks.to_numpy(fw, t.detach()), frameworks.dtype_name(fw, t.dtype))
            for name, t in named}


def averaging_run(fw, case):
    """[snapshot per update_parameters call, then after update_bn and an eval-mode forward]."""
    from conformance.optim_cases import AVERAGING_UPDATES
    rng = _rng(case, "averaging")
    model = fw.nn.Sequential(fw.nn.Linear(4, 3), fw.nn.BatchNorm1d(3)).to(getattr(fw, case.dtype))
    averaged = case.averaging(fw, model)
    snapshots = []
    for _ in range(AVERAGING_UPDATES):
        with fw.no_grad():   # the model "trains": new weights and statistics, drawn from the case's seed
            for _, t in list(model.named_parameters()) + list(model.named_buffers()):
                if t.is_floating_point():
                    t.copy_(fw.tensor(rng.normal(1, 0.5, tuple(t.shape)).astype(case.dtype)))
                else:
                    t.add_(int(rng.integers(1, 4)))
        averaged.update_parameters(model)
        snapshots.append(_module_entries(fw, "averaged", averaged))
    batches = [fw.tensor(rng.normal(0, 1, (8, 4)).astype(case.dtype)) for _ in range(3)]
    fw.optim.swa_utils.update_bn(batches, averaged)
    averaged.eval()
    with fw.no_grad():
        output = averaged(batches[0])
    taken = _module_entries(fw, "after update_bn", averaged)
    taken[("eval output", 0, "")] = (frameworks.to_numpy(fw, output), frameworks.dtype_name(fw, output.dtype))
    snapshots.append(taken)
    return snapshots


def check_averaged(case):
    theirs = timed(lambda: averaging_run(frameworks.reference(), case))
    mine = timed(lambda: averaging_run(frameworks.candidate(), case))
    if theirs.exception:
        return CheckResult("error", f"torch raised {exception_text(theirs.exception)}")
    if mine.exception:
        return CheckResult("error", f"mtv2 raised {exception_text(mine.exception)}", mtv2_ms=mine.ms,
                           torch_ms=theirs.ms)
    trajectory = Trajectory(case.dtype)
    for update, (a, b) in enumerate(zip(mine.value, theirs.value), 1):
        trajectory.add(update, compare_snapshots(a, b, case.dtype))
    return trajectory.result("the averaged copy's parameters and buffers after each update_parameters, after "
                             "update_bn, and its eval-mode output", mine.ms, theirs.ms)


# ---- errors -------------------------------------------------------------------------------
def check_error(case):
    theirs = timed(lambda: case.error(frameworks.reference()))
    mine = timed(lambda: case.error(frameworks.candidate()))
    if theirs.exception is None:
        return CheckResult("error", "torch does not raise: the error case is wrong", mtv2_ms=mine.ms,
                           torch_ms=theirs.ms)
    return refusal(theirs, mine)


# ---- one case -> rows ---------------------------------------------------------------------
def _results(case):
    if case.error is not None:
        return {"error": check_error(case)}
    if case.seed_check:
        return {"trajectory": check_seed(case)}
    if case.clip is not None:
        return {"clipped": check_clip(case)}
    if case.averaging is not None:
        return {"averaged": check_averaged(case)}
    if case.scheduler is not None:
        ctx = SchedulerContext(case)
        return {"trajectory": check_scheduler_trajectory(ctx), "resume": check_scheduler_resume(ctx)}
    ctx = OptimContext(case)
    if case.trajectory_only:
        return {"trajectory": check_trajectory(ctx)}
    return {"trajectory": check_trajectory(ctx), "resume": check_resume(ctx)}


def run_optim_case(case, time_limit_seconds=60.0):
    """Every planned check yields exactly one row, whatever happens; the case's declared xfails mark theirs."""
    rows = rows_from_results(case, _results, time_limit_seconds)
    for row in rows:
        for xfail in case.xfails:
            if xfail.matches(row["check"], row["dtype"], row["variant"]):
                mark_expected_failure(row, xfail.reason, "remove the xfail")
                break
    return rows


# ---- explain ------------------------------------------------------------------------------
def _optimizer_source(case):
    """The constructor call of the case's optimizer, as Python source over `params`."""
    options = ", ".join(f"{key}={value!r}" for key, value in case.options.items())
    if not case.groups:
        return f"opt = fw.optim.{case.optimizer}(params{', ' + options if options else ''})"
    groups, start = [], 0
    for size, group in zip(TWO_GROUPS, case.groups):
        extra = "".join(f", {key!r}: {value!r}" for key, value in group.items())
        groups.append(f"{{'params': params[{start}:{start + size}]{extra}}}")
        start += size
    return f"opt = fw.optim.{case.optimizer}([{', '.join(groups)}]{', ' + options if options else ''})"


def explain(case_id):
    """`python -m conformance explain optim/...`: rerun the case, show every step's worst difference, and print a
    reproduction (the case's parameters and gradients come from its seed through the harness's helpers)."""
    from conformance.optim_cases import all_optim_cases
    case = next((c for c in all_optim_cases() if c.case_id == case_id), None)
    if case is None:
        raise KeyError(f"no optim case {case_id!r}; list them with: pytest conformance/test_optim.py --collect-only -q")
    print(f"case {case_id}: {case.name} options {case.options} groups {case.groups or '-'} dtype {case.dtype}"
          f"{' (float64 parameters 1 and 3)' if case.mixed else ''}")
    rows = run_optim_case(case)
    print("rows:")
    for row in rows:
        ratio = "" if row["err_ratio"] is None else f" err_ratio {row['err_ratio']:.3g}"
        print(f"  {row['check']:10s} {row['status']:5s}{ratio} {row['detail']}")
    header = ["import numpy as np", "import torch as fw    # the same lines run mtv2 after: import mtv2 as fw",
              "from conformance.optim_cases import all_optim_cases",
              f"case = next(c for c in all_optim_cases() if c.case_id == {case_id!r})"]
    if case.averaging is not None:
        print("\nreproduction:\n" + "\n".join("    " + line for line in header + [
            "from conformance.optim_checks import averaging_run", "print(averaging_run(fw, case))"]))
        return 0
    if case.error is not None or case.scheduler is not None or case.seed_check or case.clip is not None:
        what = ("case.error(fw)   # torch and mtv2 must raise the same class" if case.error is not None else
                "from conformance.optim_checks import scheduler_run\nsnapshots, _ = scheduler_run(fw, case)\n"
                "print(snapshots)" if case.scheduler is not None else
                "from conformance.optim_checks import clip_run\nprint(clip_run(fw, case))" if case.clip is not None
                else "from conformance.optim_checks import check_seed\nprint(check_seed(case))")
        print("\nreproduction:\n" + "\n".join("    " + line for line in header + what.split("\n")))
        return 0
    torch, mtv2 = frameworks.reference(), frameworks.candidate()
    grads = gradient_sequence(case)
    theirs, mine = full_run(torch, case, grads)[0], full_run(mtv2, case, grads)[0]
    print("per step (worst err_ratio over parameters, state slots and options; where):")
    for step, (a, b) in enumerate(zip(mine, theirs), 1):
        results = compare_snapshots(a, b, case.dtype, case.tolerance)
        label, worst = max(results, key=lambda r: (not r[1].ok, r[1].err_ratio or 0.0))
        flag = "" if worst.ok else "  <- differs: " + worst.detail
        print(f"  step {step:2d}: {worst.err_ratio or 0.0:.3g} at {label}{flag}")
    if case.closure:
        loop = ["from conformance.optim_checks import objective, objective_weights",
                "weights = objective_weights(case)", "def closure():", "    opt.zero_grad()",
                "    loss = objective(fw, params, weights)", "    loss.backward()", "    return loss",
                f"for step in range(1, {STEPS + 1}):", "    loss = opt.step(closure)",
                "    print(step, float(loss), [p.detach().numpy() for p in params])"]
    else:
        loop = ["for step, grads in enumerate(gradient_sequence(case), 1):   # None: no gradient that step",
                "    set_grads(fw, params, grads)", "    opt.step()", "    opt.zero_grad()",
                "    print(step, [p.detach().numpy() for p in params])"]
    lines = header + ["from conformance.optim_checks import gradient_sequence, initial_values, make_params, set_grads",
                      "params = make_params(fw, initial_values(case))   # the case's seeded parameters",
                      _optimizer_source(case)] + loop + ["print(opt.state_dict())"]
    print("\nreproduction:\n" + "\n".join("    " + line for line in lines))
    return 0
