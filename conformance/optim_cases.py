"""Optimizer and learning-rate scheduler cases (kind=optim): the case table and how one case runs.

An optimizer case builds the same parameters (several shapes; the case dtype, or float32 and float64
mixed) in torch and mtv2, feeds both the same seeded gradient sequence for STEPS steps; two rows:

- trajectory: after every step, every parameter, every state slot (step, exp_avg, momentum_buffer, ...)
  and every numeric group option (lr, betas, momentum) equal torch's within the dtype's tolerance; the
  row's err_ratio is the worst over all steps, its detail the first diverging step, parameter and slot.
- resume: mtv2's state dict has torch's layout; saved at step RESUME_AT and loaded into a fresh mtv2
  optimizer it continues exactly like the uninterrupted mtv2 run; torch's state dict at that step,
  converted tensor by tensor, loaded into a fresh mtv2 optimizer continues like torch.

Scheduler cases step an optimizer and its scheduler SCHEDULER_STEPS times and compare get_last_lr()
and the group options after every step (trajectory), and resume from both frameworks' state dicts
(resume). Error cases (check=error) pass when mtv2 raises the exception class torch raises.
Every input is drawn from numpy.random.default_rng(crc32(case id)): rows are deterministic.
"""
import copy
import types
from dataclasses import dataclass, field

import numpy as np

from conformance import frameworks
from conformance.checks import CheckResult, builtin_class
from conformance.compare import Comparison, compare_arrays, default_tolerance
from conformance.outcome import exception_text, timed
from conformance.run import make_row, time_limit

STEPS = 20
RESUME_AT = 10
SCHEDULER_STEPS = 30
SCHEDULER_RESUME_AT = 15
PARAMETER_SHAPES = ((4, 3), (7,), (2, 3, 5), ())
DTYPES = ("float32", "float64")
# Learning rates, momenta and betas are Python floats computed by the same formulas in the same order on
# both sides: they must be equal exactly (a closed form standing in for torch's recursive one shows here).
LR_TOLERANCE = (0.0, 0.0)


# ---- the case table -----------------------------------------------------------------------
@dataclass(frozen=True)
class OptimCase:
    """One row set. `groups`: per-group options (each group takes the next `sizes[i]` parameters);
    `skip`: (step, parameter) pairs whose gradient is None at that step (torch skips those)."""
    optimizer: str
    variant: str
    dtype: str
    options: dict = field(default_factory=dict)
    groups: tuple = ()
    skip: frozenset = frozenset()
    scheduler: object = None          # fw, optimizer -> scheduler, for scheduler cases
    scheduler_name: str = ""
    error: object = None              # fw -> anything that should raise, for error cases
    mixed: bool = False               # parameters 1 and 3 in float64, the others in the case dtype
    closed_form: bool = False         # schedulers: step(epoch), torch's closed form, instead of step()
    seed_check: bool = False          # the seed's nn.Linear + AdamW loop
    kind: str = "optim"

    @property
    def name(self):
        return f"optim.lr_scheduler.{self.scheduler_name}" if self.scheduler_name else f"optim.{self.optimizer}"

    @property
    def case_id(self):
        what = f"lr_scheduler.{self.scheduler_name}" if self.scheduler_name else self.optimizer
        return f"optim/{what}/{self.variant}/{self.dtype}"

    @property
    def group_id(self):
        if self.error is not None:
            return "optim/errors"
        what = f"lr_scheduler.{self.scheduler_name}" if self.scheduler_name else self.optimizer
        return f"optim/{what}/{self.dtype}"

    @property
    def checks(self):
        if self.error is not None:
            return ("error",)
        if self.seed_check:
            return ("trajectory",)
        return ("trajectory", "resume")

    # make_row reads these two
    def row_name(self, check):
        return self.name

    @property
    def spec(self):
        return _NO_XFAILS


_NO_XFAILS = types.SimpleNamespace(xfails=())   # no optim case declares an expected failure

TWO_GROUPS = (2, 2)   # parameters 0, 1 in group 0; 2, 3 in group 1
EVERY_THIRD_STEP_NO_GRAD = frozenset({(s, 3) for s in range(0, STEPS, 3)} | {(5, 0)})

OPTIMIZER_VARIANTS = {
    "SGD": [
        ("plain", {"lr": 0.1}, ()),
        ("momentum", {"lr": 0.05, "momentum": 0.9}, ()),
        ("dampening", {"lr": 0.05, "momentum": 0.9, "dampening": 0.5}, ()),
        ("nesterov_weight_decay", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}, ()),
        ("maximize", {"lr": 0.05, "momentum": 0.5, "maximize": True, "weight_decay": 0.1}, ()),
        ("groups", {"lr": 0.1}, ({"momentum": 0.9, "nesterov": True},
                                 {"lr": 0.01, "momentum": 0.5, "dampening": 0.2, "weight_decay": 0.1})),
        ("missing_grads", {"lr": 0.05, "momentum": 0.9}, ()),
    ],
    "Adam": [
        ("default", {"lr": 1e-2}, ()),
        ("betas_eps", {"lr": 1e-2, "betas": (0.8, 0.99), "eps": 1e-6}, ()),
        ("weight_decay", {"lr": 1e-2, "weight_decay": 0.1}, ()),
        ("amsgrad", {"lr": 1e-2, "amsgrad": True}, ()),
        ("maximize_amsgrad_weight_decay", {"lr": 1e-2, "maximize": True, "amsgrad": True, "weight_decay": 0.05}, ()),
        ("groups", {"lr": 1e-2}, ({"amsgrad": True}, {"lr": 1e-3, "betas": (0.5, 0.9), "weight_decay": 0.05})),
        ("missing_grads", {"lr": 1e-2, "amsgrad": True}, ()),
    ],
    "AdamW": [
        ("default", {"lr": 1e-2}, ()),
        ("betas_eps", {"lr": 1e-2, "betas": (0.8, 0.99), "eps": 1e-6}, ()),
        ("weight_decay_amsgrad", {"lr": 1e-2, "weight_decay": 0.1, "amsgrad": True}, ()),
        ("no_weight_decay", {"lr": 1e-2, "weight_decay": 0.0}, ()),
        ("maximize", {"lr": 1e-2, "maximize": True}, ()),
        ("groups", {"lr": 1e-2}, ({"weight_decay": 0.2}, {"lr": 3e-3, "amsgrad": True, "betas": (0.7, 0.95)})),
        ("missing_grads", {"lr": 1e-2}, ()),
    ],
    "RMSprop": [
        ("default", {"lr": 1e-2}, ()),
        ("alpha_eps", {"lr": 1e-2, "alpha": 0.9, "eps": 1e-6}, ()),
        ("momentum", {"lr": 1e-2, "momentum": 0.9}, ()),
        ("centered", {"lr": 1e-2, "centered": True}, ()),
        ("centered_momentum_weight_decay", {"lr": 1e-2, "centered": True, "momentum": 0.5, "weight_decay": 0.1}, ()),
        ("maximize", {"lr": 1e-2, "maximize": True, "momentum": 0.3}, ()),
        ("groups", {"lr": 1e-2}, ({"centered": True}, {"lr": 1e-3, "momentum": 0.9, "alpha": 0.95})),
    ],
    "Adagrad": [
        ("default", {"lr": 1e-1}, ()),
        ("lr_decay", {"lr": 1e-1, "lr_decay": 0.05}, ()),
        ("initial_accumulator_value", {"lr": 1e-1, "initial_accumulator_value": 0.5}, ()),
        ("weight_decay_eps", {"lr": 1e-1, "weight_decay": 0.1, "eps": 1e-6}, ()),
        ("maximize", {"lr": 1e-1, "maximize": True, "lr_decay": 0.01}, ()),
        ("groups", {"lr": 1e-1}, ({"lr_decay": 0.1}, {"lr": 1e-2, "weight_decay": 0.05})),
        ("missing_grads", {"lr": 1e-1}, ()),
    ],
}


# float32 and float64 parameters in one optimizer (state follows each parameter's dtype)
MIXED_DTYPE_VARIANTS = [
    ("SGD", "mixed_float64", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01}),
    ("Adam", "mixed_float64", {"lr": 1e-2, "amsgrad": True}),
    ("AdamW", "mixed_float64", {"lr": 1e-2, "weight_decay": 0.1}),
    ("RMSprop", "mixed_float64", {"lr": 1e-2, "centered": True, "momentum": 0.5}),
    ("Adagrad", "mixed_float64", {"lr": 1e-1, "lr_decay": 0.01}),
]


def _bert_schedule(warmup, total):
    """BERT's schedule as a LambdaLR factor: linear warm-up, then linear decay to zero."""
    def factor(step):
        if step < warmup:
            return step / max(1, warmup)
        return max(0.0, (total - step) / max(1, total - warmup))
    return factor


def _sequential_linear_cosine(fw, opt):
    warmup = fw.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=5)
    cosine = fw.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=25, eta_min=1e-4)
    return fw.optim.lr_scheduler.SequentialLR(opt, [warmup, cosine], milestones=[5])


def _sequential_three(fw, opt):
    s = fw.optim.lr_scheduler
    return s.SequentialLR(opt, [s.ConstantLR(opt, factor=0.5, total_iters=4), s.ExponentialLR(opt, gamma=0.9),
                                s.StepLR(opt, step_size=4, gamma=0.5)], milestones=[6, 18])


# (scheduler class, variant, optimizer, optimizer options, build)
SCHEDULER_VARIANTS = [
    ("LambdaLR", "bert_warmup_decay", "AdamW", {"lr": 1e-3},
     lambda fw, o: fw.optim.lr_scheduler.LambdaLR(o, _bert_schedule(6, 30))),
    ("LambdaLR", "per_group_lambdas", "SGD", {"lr": 0.1},
     lambda fw, o: fw.optim.lr_scheduler.LambdaLR(o, [lambda e: 0.95 ** e, _bert_schedule(4, 30)])),
    ("StepLR", "step7_gamma0.5", "SGD", {"lr": 0.1},
     lambda fw, o: fw.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.5)),
    ("MultiStepLR", "repeated_milestone", "Adam", {"lr": 1e-2},
     lambda fw, o: fw.optim.lr_scheduler.MultiStepLR(o, milestones=[5, 12, 12, 20], gamma=0.3)),
    ("ExponentialLR", "gamma0.9", "SGD", {"lr": 0.1},
     lambda fw, o: fw.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)),
    ("LinearLR", "warmup", "Adam", {"lr": 1e-2},
     lambda fw, o: fw.optim.lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=8)),
    ("LinearLR", "decay", "SGD", {"lr": 0.1},
     lambda fw, o: fw.optim.lr_scheduler.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=20)),
    ("CosineAnnealingLR", "restart_branch", "SGD", {"lr": 0.1},
     lambda fw, o: fw.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=1e-3)),
    ("CosineAnnealingLR", "eta_min0", "AdamW", {"lr": 1e-3},
     lambda fw, o: fw.optim.lr_scheduler.CosineAnnealingLR(o, T_max=30)),
    ("OneCycleLR", "cos_sgd_momentum", "SGD", {"lr": 0.1, "momentum": 0.9},
     lambda fw, o: fw.optim.lr_scheduler.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=SCHEDULER_STEPS)),
    ("OneCycleLR", "linear_three_phase_adam_betas", "Adam", {"lr": 1e-3},
     lambda fw, o: fw.optim.lr_scheduler.OneCycleLR(o, max_lr=0.01, total_steps=SCHEDULER_STEPS,
                                                    anneal_strategy="linear", three_phase=True)),
    ("OneCycleLR", "epochs_no_cycle_momentum", "AdamW", {"lr": 1e-3},
     lambda fw, o: fw.optim.lr_scheduler.OneCycleLR(o, max_lr=0.02, epochs=6, steps_per_epoch=5, pct_start=0.25,
                                                    cycle_momentum=False, div_factor=10.0)),
    ("ConstantLR", "factor0.5", "SGD", {"lr": 0.1},
     lambda fw, o: fw.optim.lr_scheduler.ConstantLR(o, factor=0.5, total_iters=6)),
    ("MultiplicativeLR", "per_epoch_factor", "Adam", {"lr": 1e-2},
     lambda fw, o: fw.optim.lr_scheduler.MultiplicativeLR(o, lambda e: 0.97 if e % 2 else 0.9)),
    ("SequentialLR", "linear_then_cosine", "AdamW", {"lr": 1e-3}, _sequential_linear_cosine),
    ("SequentialLR", "constant_exponential_step", "SGD", {"lr": 0.1}, _sequential_three),
]


# step(epoch): torch warns that the argument is deprecated and uses the closed form from base_lrs
CLOSED_FORM_VARIANTS = [
    ("StepLR", "closed_form_epochs", "SGD", {"lr": 0.1},
     lambda fw, o: fw.optim.lr_scheduler.StepLR(o, step_size=4, gamma=0.7)),
    ("MultiStepLR", "closed_form_epochs", "SGD", {"lr": 0.1},
     lambda fw, o: fw.optim.lr_scheduler.MultiStepLR(o, milestones=[3, 9, 9, 20], gamma=0.5)),
    ("ExponentialLR", "closed_form_epochs", "Adam", {"lr": 1e-2},
     lambda fw, o: fw.optim.lr_scheduler.ExponentialLR(o, gamma=0.93)),
    ("LinearLR", "closed_form_epochs", "SGD", {"lr": 0.1},
     lambda fw, o: fw.optim.lr_scheduler.LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=12)),
    ("CosineAnnealingLR", "closed_form_epochs", "SGD", {"lr": 0.1},
     lambda fw, o: fw.optim.lr_scheduler.CosineAnnealingLR(o, T_max=8, eta_min=1e-3)),
    ("ConstantLR", "closed_form_epochs", "SGD", {"lr": 0.1},
     lambda fw, o: fw.optim.lr_scheduler.ConstantLR(o, factor=0.25, total_iters=7)),
]


def _params(fw, count=2, requires_grad=True):
    return [fw.nn.Parameter(fw.ones(3)) for _ in range(count)]


def _non_leaf(fw):
    leaf = fw.ones(3, requires_grad=True)
    return [leaf * 2]


def _load_mismatch(fw, groups):
    params = _params(fw, 3)
    source = fw.optim.SGD([{"params": params[:2]}, {"params": params[2:]}], lr=0.1)
    target = fw.optim.SGD(groups(params), lr=0.1)
    target.load_state_dict(source.state_dict())


def _scheduler_on(fw, build, optimizer="SGD", options=None):
    opt = getattr(fw.optim, optimizer)(_params(fw), **(options or {"lr": 0.1}))
    return build(fw, opt)


def _one_cycle_past_end(fw):
    opt = fw.optim.SGD(_params(fw), lr=0.1, momentum=0.9)
    scheduler = fw.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=3)
    for _ in range(4):
        opt.step()
        scheduler.step()


ERROR_CASES = [
    ("SGD", "negative_lr", lambda fw: fw.optim.SGD(_params(fw), lr=-0.1)),
    ("SGD", "negative_momentum", lambda fw: fw.optim.SGD(_params(fw), lr=0.1, momentum=-0.5)),
    ("SGD", "negative_weight_decay", lambda fw: fw.optim.SGD(_params(fw), lr=0.1, weight_decay=-1e-2)),
    ("SGD", "nesterov_without_momentum", lambda fw: fw.optim.SGD(_params(fw), lr=0.1, nesterov=True)),
    ("SGD", "nesterov_with_dampening",
     lambda fw: fw.optim.SGD(_params(fw), lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)),
    ("Adam", "negative_lr", lambda fw: fw.optim.Adam(_params(fw), lr=-1e-3)),
    ("Adam", "negative_eps", lambda fw: fw.optim.Adam(_params(fw), eps=-1e-8)),
    ("Adam", "beta1_one", lambda fw: fw.optim.Adam(_params(fw), betas=(1.0, 0.999))),
    ("Adam", "beta2_negative", lambda fw: fw.optim.Adam(_params(fw), betas=(0.9, -0.1))),
    ("Adam", "negative_weight_decay", lambda fw: fw.optim.Adam(_params(fw), weight_decay=-0.1)),
    ("Adam", "betas_mixed_types", lambda fw: fw.optim.Adam(_params(fw), betas=(0.9, 1))),
    ("AdamW", "beta1_above_one", lambda fw: fw.optim.AdamW(_params(fw), betas=(1.5, 0.999))),
    ("AdamW", "negative_weight_decay", lambda fw: fw.optim.AdamW(_params(fw), weight_decay=-1e-2)),
    ("RMSprop", "negative_alpha", lambda fw: fw.optim.RMSprop(_params(fw), alpha=-0.5)),
    ("RMSprop", "negative_momentum", lambda fw: fw.optim.RMSprop(_params(fw), momentum=-0.5)),
    ("RMSprop", "negative_eps", lambda fw: fw.optim.RMSprop(_params(fw), eps=-1.0)),
    ("Adagrad", "negative_lr_decay", lambda fw: fw.optim.Adagrad(_params(fw), lr_decay=-0.1)),
    ("Adagrad", "negative_initial_accumulator_value",
     lambda fw: fw.optim.Adagrad(_params(fw), initial_accumulator_value=-1.0)),
    ("Optimizer", "empty_parameter_list", lambda fw: fw.optim.SGD([], lr=0.1)),
    ("Optimizer", "tensor_as_params", lambda fw: fw.optim.SGD(fw.nn.Parameter(fw.ones(3)), lr=0.1)),
    ("Optimizer", "group_params_set", lambda fw: fw.optim.SGD([{"params": set(_params(fw))}], lr=0.1)),
    ("Optimizer", "parameter_in_two_groups",
     lambda fw: (lambda p: fw.optim.SGD([{"params": p}, {"params": p[:1]}], lr=0.1))(_params(fw))),
    ("Optimizer", "non_tensor_param", lambda fw: fw.optim.SGD([1.0, 2.0], lr=0.1)),
    ("Optimizer", "non_leaf_param", lambda fw: fw.optim.SGD(_non_leaf(fw), lr=0.1)),
    ("Optimizer", "load_state_dict_group_count", lambda fw: _load_mismatch(fw, lambda p: p)),
    ("Optimizer", "load_state_dict_group_size",
     lambda fw: _load_mismatch(fw, lambda p: [{"params": p[:1]}, {"params": p[1:]}])),
    ("lr_scheduler.LinearLR", "zero_start_factor",
     lambda fw: _scheduler_on(fw, lambda f, o: f.optim.lr_scheduler.LinearLR(o, start_factor=0.0))),
    ("lr_scheduler.LinearLR", "end_factor_above_one",
     lambda fw: _scheduler_on(fw, lambda f, o: f.optim.lr_scheduler.LinearLR(o, end_factor=1.5))),
    ("lr_scheduler.LambdaLR", "wrong_lambda_count",
     lambda fw: _scheduler_on(fw, lambda f, o: f.optim.lr_scheduler.LambdaLR(o, [lambda e: 1.0] * 3))),
    ("lr_scheduler.StepLR", "not_an_optimizer", lambda fw: fw.optim.lr_scheduler.StepLR(object(), step_size=2)),
    ("lr_scheduler.OneCycleLR", "no_total_steps",
     lambda fw: _scheduler_on(fw, lambda f, o: f.optim.lr_scheduler.OneCycleLR(o, max_lr=0.1))),
    ("lr_scheduler.OneCycleLR", "pct_start_above_one",
     lambda fw: _scheduler_on(fw, lambda f, o: f.optim.lr_scheduler.OneCycleLR(o, 0.1, total_steps=10,
                                                                               pct_start=1.5))),
    ("lr_scheduler.OneCycleLR", "bad_anneal_strategy",
     lambda fw: _scheduler_on(fw, lambda f, o: f.optim.lr_scheduler.OneCycleLR(o, 0.1, total_steps=10,
                                                                               anneal_strategy="step"))),
    ("lr_scheduler.OneCycleLR", "cycle_momentum_without_momentum",
     lambda fw: _scheduler_on(fw, lambda f, o: f.optim.lr_scheduler.OneCycleLR(o, 0.1, total_steps=10),
                              "Adagrad", {"lr": 0.1})),
    ("lr_scheduler.OneCycleLR", "max_lr_list_length",
     lambda fw: _scheduler_on(fw, lambda f, o: f.optim.lr_scheduler.OneCycleLR(o, [0.1, 0.2], total_steps=10))),
    ("lr_scheduler.OneCycleLR", "stepped_past_total_steps", _one_cycle_past_end),
    ("lr_scheduler.SequentialLR", "milestone_count",
     lambda fw: _scheduler_on(fw, lambda f, o: f.optim.lr_scheduler.SequentialLR(
         o, [f.optim.lr_scheduler.StepLR(o, 2), f.optim.lr_scheduler.ExponentialLR(o, 0.9)], milestones=[2, 4]))),
]


def all_optim_cases():
    cases = []
    for optimizer, variants in OPTIMIZER_VARIANTS.items():
        for dtype in DTYPES:
            for variant, options, groups in variants:
                skip = EVERY_THIRD_STEP_NO_GRAD if variant == "missing_grads" else frozenset()
                cases.append(OptimCase(optimizer, variant, dtype, options, groups, skip))
    for optimizer, variant, options in MIXED_DTYPE_VARIANTS:
        cases.append(OptimCase(optimizer, variant, "float32", options, mixed=True))
    cases.append(OptimCase("AdamW", "seed_linear", "float32", {"lr": 0.001}, seed_check=True))
    for scheduler_name, variant, optimizer, options, build in SCHEDULER_VARIANTS:
        cases.append(OptimCase(optimizer, variant, "float64", options, scheduler=build,
                               scheduler_name=scheduler_name))
    for scheduler_name, variant, optimizer, options, build in CLOSED_FORM_VARIANTS:
        cases.append(OptimCase(optimizer, variant, "float64", options, scheduler=build,
                               scheduler_name=scheduler_name, closed_form=True))
    for what, variant, error in ERROR_CASES:
        optimizer, _, scheduler_name = what.partition("lr_scheduler.")
        cases.append(OptimCase(optimizer.rstrip(".") or "SGD", variant, "float32", error=error,
                               scheduler_name=scheduler_name))
    return cases


def grouped_optim_cases():
    groups = {}
    for case in all_optim_cases():
        groups.setdefault(case.group_id, []).append(case)
    return groups


# ---- building both sides ------------------------------------------------------------------
def _rng(case, purpose):
    from conformance.inputs import rng_for
    return rng_for(case.case_id, purpose)


def parameter_dtypes(case):
    return [("float64" if case.mixed and i % 2 else case.dtype) for i in range(len(PARAMETER_SHAPES))]


def initial_values(case):
    rng = _rng(case, "params")
    return [rng.normal(0, 1, shape).astype(dtype) for shape, dtype in zip(PARAMETER_SHAPES, parameter_dtypes(case))]


def gradient_sequence(case, steps=STEPS):
    """grads[step][i]: an array, or None where the case leaves that parameter without a gradient."""
    rng = _rng(case, "grads")
    sequence = []
    for step in range(steps):
        row = [rng.normal(0, 1, shape).astype(dtype) for shape, dtype in zip(PARAMETER_SHAPES, parameter_dtypes(case))]
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


def snapshot(fw, opt, params):
    """{(what, index, slot): numpy array or a Python value} of everything that must equal torch's."""
    taken = {}
    for i, p in enumerate(params):
        taken[("param", i, "")] = (frameworks.to_numpy(fw, p), frameworks.dtype_name(fw, p.dtype))
        for slot, value in sorted(opt.state.get(p, {}).items()):
            if isinstance(value, fw.Tensor):
                taken[("state", i, slot)] = (frameworks.to_numpy(fw, value), frameworks.dtype_name(fw, value.dtype))
            else:
                taken[("state", i, slot)] = value
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


def compare_snapshots(mine, theirs, dtype):
    """[(label, Comparison)] for every entry; a missing or extra slot is a failed comparison."""
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
            atol, rtol = default_tolerance(b[1])
            results.append((label, compare_arrays(a[0], b[0], a[1], b[1], atol, rtol)))
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

    def __init__(self, tolerance_dtype):
        self.atol, self.rtol = default_tolerance(tolerance_dtype)
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
                               "default", mtv2_ms, torch_ms)
        worst = self.worst or Comparison(True, 0.0, 0.0, 0.0)
        detail = f"{summary}; {self.compared} comparisons"
        if worst.err_ratio:
            detail += f"; worst at {self.worst_at}"
        return CheckResult("pass", detail, worst.max_abs_err, worst.max_rel_err, worst.err_ratio, self.atol,
                           self.rtol, "default", mtv2_ms, torch_ms)


# ---- optimizer runs -----------------------------------------------------------------------
def run_steps(fw, case, params, opt, grads, start, stop, record):
    for step in range(start, stop):
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


def check_trajectory(ctx):
    if ctx.theirs.exception:
        return CheckResult("error", f"torch raised {exception_text(ctx.theirs.exception)}")
    if ctx.mine.exception:
        return CheckResult("error", f"mtv2 raised {exception_text(ctx.mine.exception)}",
                           mtv2_ms=ctx.mine.ms, torch_ms=ctx.theirs.ms)
    trajectory = Trajectory(ctx.case.dtype)
    for step, (mine, theirs) in enumerate(zip(ctx.mine.value[0], ctx.theirs.value[0]), 1):
        trajectory.add(step, compare_snapshots(mine, theirs, ctx.case.dtype))
    return trajectory.result(f"{STEPS} steps", ctx.mine.ms, ctx.theirs.ms)


def check_resume(ctx):
    if ctx.theirs.exception or ctx.mine.exception:
        return CheckResult("error", "a full run raised; see the trajectory row")
    case, torch, mtv2 = ctx.case, ctx.torch, ctx.mtv2
    mine_full, mine_saved = ctx.mine.value
    theirs_full, theirs_saved = ctx.theirs.value
    problems = _layout_differences(mine_saved["state_dict"], theirs_saved["state_dict"])
    if problems:
        return CheckResult("fail", "state_dict layout: " + "; ".join(problems))
    trajectory = Trajectory(case.dtype)
    # 1. mtv2's own state dict, loaded into a fresh mtv2 optimizer, continues like the uninterrupted run
    own = timed(lambda: resumed_run(mtv2, case, ctx.grads, mine_saved["params"],
                                    convert_value(mine_saved["state_dict"], mtv2, mtv2)))
    if own.exception:
        return CheckResult("error", f"mtv2 resume raised {exception_text(own.exception)}", mtv2_ms=own.ms)
    for step, (resumed, full) in enumerate(zip(own.value, mine_full[RESUME_AT:]), RESUME_AT + 1):
        trajectory.add(step, [(f"own resume: {label}", c) for label, c in compare_snapshots(resumed, full, case.dtype)])
    # 2. torch's state dict, converted, loaded into mtv2, continues like torch
    from_torch = timed(lambda: resumed_run(mtv2, case, ctx.grads, theirs_saved["params"],
                                           convert_value(theirs_saved["state_dict"], torch, mtv2)))
    if from_torch.exception:
        return CheckResult("error", f"mtv2 loading torch's state dict raised {exception_text(from_torch.exception)}",
                           mtv2_ms=from_torch.ms)
    for step, (resumed, full) in enumerate(zip(from_torch.value, theirs_full[RESUME_AT:]), RESUME_AT + 1):
        trajectory.add(step, [(f"torch state dict: {label}", c)
                              for label, c in compare_snapshots(resumed, full, case.dtype)])
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
    taken = {("last_lr", i, ""): lr for i, lr in enumerate(scheduler.get_last_lr())}
    for g, group in enumerate(opt.param_groups):
        for key in ("lr", "initial_lr", "momentum", "betas", "max_lr", "min_lr"):
            if key in group:
                taken[("group", g, key)] = group[key]
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
            if case.closed_form:
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
    if ctx.theirs.exception:
        return CheckResult("error", f"torch raised {exception_text(ctx.theirs.exception)}")
    if ctx.mine.exception:
        return CheckResult("error", f"mtv2 raised {exception_text(ctx.mine.exception)}",
                           mtv2_ms=ctx.mine.ms, torch_ms=ctx.theirs.ms)
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


# ---- errors -------------------------------------------------------------------------------
def check_error(case):
    theirs = timed(lambda: case.error(frameworks.reference()))
    mine = timed(lambda: case.error(frameworks.candidate()))
    if theirs.exception is None:
        return CheckResult("error", "torch does not raise: the error case is wrong", mtv2_ms=mine.ms,
                           torch_ms=theirs.ms)
    expected = builtin_class(theirs.exception)
    if mine.exception is None:
        status, detail = "fail", f"torch raises {exception_text(theirs.exception)}; mtv2 does not"
    elif isinstance(mine.exception, expected):
        status, detail = "pass", f"both raise; torch {exception_text(theirs.exception, 120)}"
    else:
        status = "fail"
        detail = f"torch raises {exception_text(theirs.exception)}; mtv2 raises {exception_text(mine.exception)}"
    return CheckResult(status, detail, mtv2_ms=mine.ms, torch_ms=theirs.ms)


# ---- one case -> rows ---------------------------------------------------------------------
def _results(case):
    if case.error is not None:
        return {"error": check_error(case)}
    if case.seed_check:
        return {"trajectory": check_seed(case)}
    if case.scheduler is not None:
        ctx = SchedulerContext(case)
        return {"trajectory": check_scheduler_trajectory(ctx), "resume": check_scheduler_resume(ctx)}
    ctx = OptimContext(case)
    return {"trajectory": check_trajectory(ctx), "resume": check_resume(ctx)}


def run_optim_case(case, time_limit_seconds=60.0):
    """Every planned check yields exactly one row, whatever happens."""
    try:
        frameworks.reference(), frameworks.candidate()
    except Exception as exception:
        return [make_row(case, check, CheckResult("error", f"failed to import: {exception_text(exception)}"))
                for check in case.checks]
    try:
        with time_limit(time_limit_seconds):
            results = _results(case)
    except BaseException as exception:   # CaseTimeout included: it must become rows, not a lost test
        if isinstance(exception, (KeyboardInterrupt, SystemExit)):
            raise
        results = {check: CheckResult("error", f"case crashed: {exception_text(exception)}") for check in case.checks}
    rows = [make_row(case, check, results[check]) for check in case.checks]
    for fw in (frameworks.reference(), frameworks.candidate()):
        if not fw.is_grad_enabled():
            fw.set_grad_enabled(True)
    return rows
