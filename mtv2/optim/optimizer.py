"""Optimizer: parameter groups, per-parameter state and state dicts in torch's layout.

A torch optimizer's state dict (its tensors converted to mtv2) loads here and continues identically:
parameters are identified by their position over all groups, `state` maps those integer ids to dicts
of tensors, and `param_groups` carries every option plus the list of ids.
"""
import functools
import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from copy import deepcopy
from itertools import chain

from .. import _dtype, creation
from .._tensor import Tensor
from ..autograd import enable_grad, no_grad

__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    """Singleton marking a default that every parameter group must supply."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _typename(value):
    """torch.typename: 'torch.FloatTensor'-like names for tensors, the qualified class name otherwise."""
    if isinstance(value, Tensor):
        return f"torch.{_dtype_title(value.dtype)}Tensor"
    module = type(value).__module__
    name = type(value).__qualname__
    return name if module in ("builtins", "__builtin__", None) else f"{module}.{name}"


def _dtype_title(dtype):
    try:
        return _dtype.scalar_type_name(str(dtype).replace("torch.", ""))
    except KeyError:
        return str(dtype)


def scalar_dtype():
    """torch's _get_scalar_dtype: `step` counters are float64 only under a float64 default dtype."""
    return _dtype.float64 if _dtype.get_default_dtype() == _dtype.float64 else _dtype.float32


def get_value(x):
    """A 0-d tensor step as a Python number (torch's _get_value outside compilation)."""
    return x.item() if isinstance(x, Tensor) else x


def to_scalar(x):
    """torch's _to_scalar: a 1-element tensor hyperparameter becomes a Python number."""
    if isinstance(x, Tensor) and x.numel() == 1:
        return x.item()
    return x


def check_lr(lr):
    """The learning-rate checks of Adam, Adagrad and RMSprop (torch's SGD has its own, which lets NaN through)."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def check_non_negative(value, name):
    """torch's `if not 0.0 <= value` check, which also refuses NaN."""
    if not 0.0 <= value:
        raise ValueError(f"Invalid {name} value: {value}")


def check_betas(betas):
    """The beta checks of Adam and its relatives (Adamax, NAdam, RAdam): each in [0, 1)."""
    for index, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {index}: {beta}")


def check_fused(fused, differentiable, foreach):
    """The flag combinations torch refuses for `fused=True` (checked after the groups are built, as torch)."""
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


class Optimizer:
    """Base class of every optimizer: param_groups, state, zero_grad, state_dict, load_state_dict."""

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors "
                            "or dicts, but got " + _typename(params))
        # torch keys state by the parameter object itself; a defaultdict so `self.state[p]` creates it
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("_optimizer_step_pre_hooks", OrderedDict())
        self.__dict__.setdefault("_optimizer_step_post_hooks", OrderedDict())
        self.defaults.setdefault("differentiable", False)

    def __repr__(self):
        text = self.__class__.__name__ + " ("
        for index, group in enumerate(self.param_groups):
            text += f"\nParameter Group {index}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    # ---- parameter groups -----------------------------------------------------------------
    def add_param_group(self, param_group):
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the "
                            "ordering of tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group["params"] = list(params)

        # (name, tensor) pairs, as named_parameters() yields them, record the names
        tensors, names = [], []
        for param in param_group["params"]:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. "
                                 "Some param names are missing")
            param_group["param_names"] = names

        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(param))
            if not self.defaults.get("differentiable", None) and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required optimization "
                                 f"parameter {name}")
            param_group.setdefault(name, default)

        params = param_group["params"]
        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, "
                          "this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more "
                          "information", stacklevel=3)

        seen = set()
        for group in self.param_groups:
            seen.update(set(group["params"]))
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not seen.isdisjoint(set(param_group["params"])):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if p.grad.grad_fn is not None:
                        p.grad.detach_()
                    else:
                        p.grad.requires_grad_(False)
                    p.grad.zero_()

    def step(self, closure=None):
        raise NotImplementedError

    def _init_state(self, group, p):
        """The parameter's state, filled on first use by each optimizer (torch's _init_group)."""
        return self.state[p]

    # capturable=True keeps the step on the parameter's device for CUDA graphs; torch refuses it on the CPU when
    # the step starts (the tensors its message names and its device list vary by optimizer)
    _capturable_tensors = "params and state_steps"
    _capturable_devices = ["cuda", "xpu", "hpu", "privateuseone", "xla"]

    def _grads_and_states(self, group):
        """(parameter, gradient, state) for each parameter of the group that has a gradient, the gradient
        negated under `maximize`; parameters without a gradient are skipped and get no state, as in torch.
        Every state is created before the first update, as torch's _init_group does."""
        with_grads = [(p, self._init_state(group, p)) for p in group["params"] if p.grad is not None]
        if with_grads and group.get("capturable"):
            raise AssertionError(f"If capturable=True, {self._capturable_tensors} must be on supported devices: "
                                 f"{self._capturable_devices}.")
        for p, state in with_grads:
            yield p, (p.grad if not group["maximize"] else -p.grad), state

    def _setdefault_in_groups(self, **options):
        """Options missing from an older checkpoint's groups take these values (each __setstate__)."""
        for group in self.param_groups:
            for name, value in options.items():
                group.setdefault(name, value)

    def _step_counts_to_tensors(self):
        """Old checkpoints hold `step` as a Python number; torch turns it into a 0-d tensor."""
        for group in self.param_groups:
            for p in group["params"]:
                p_state = self.state.get(p, [])
                if len(p_state) != 0 and not isinstance(p_state["step"], Tensor):
                    p_state["step"] = creation.tensor(float(p_state["step"]), dtype=scalar_dtype())

    def _scalar_slots_to_tensors(self, *slots):
        """Old checkpoints hold these 0-d slots (NAdam's mu_product, ASGD's eta and mu) as Python numbers."""
        for group in self.param_groups:
            for p in group["params"]:
                p_state = self.state.get(p, [])
                for slot in slots:
                    if len(p_state) != 0 and not isinstance(p_state[slot], Tensor):
                        p_state[slot] = creation.tensor(float(p_state[slot]), dtype=scalar_dtype())

    def _closure_loss(self, closure):
        if closure is None:
            return None
        with enable_grad():
            return closure()

    # ---- state dicts ----------------------------------------------------------------------
    def state_dict(self):
        """{'state': {id: {slot: tensor}}, 'param_groups': [{options..., 'params': [ids]}]}.

        Ids are positions over all groups in order, as torch numbers them; the tensors are the live
        state (torch does not copy them either)."""
        mapping = {}
        start = 0

        def pack_group(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            mapping.update({id(p): i for i, p in enumerate(group["params"], start) if id(p) not in mapping})
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": packed_state, "param_groups": param_groups}

    @staticmethod
    def _process_value_according_to_param_policy(param, value, param_id, param_groups, key=None):
        # torch casts floating state to the parameter's dtype, but never `step` (pytorch#74424)
        # unless the group is fused or capturable, where step lives in float32 beside the parameter.
        fused = capturable = False
        for group in param_groups:
            if param_id in group["params"]:
                fused = group.get("fused", False)
                capturable = group.get("capturable", False)
                break
        if key == "step":
            return value.to(dtype=_dtype.float32) if (capturable or fused) else value
        if param.is_floating_point():
            return value.to(dtype=param.dtype)
        return value

    def load_state_dict(self, state_dict):
        state_dict = state_dict.copy()
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size "
                             "of optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))

        def cast(param, value, param_id, key=None):
            if isinstance(value, Tensor):
                return Optimizer._process_value_according_to_param_policy(
                    param, value, param_id, state_dict["param_groups"], key)
            if isinstance(value, dict):
                return {k: cast(param, v, param_id, key=k) for k, v in value.items()}
            if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
                return type(value)(cast(param, v, param_id) for v in value)
            return value

        state = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in id_map:
                param = id_map[key]
                state[param] = cast(param, value, key)
            else:
                state[key] = value

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})


def step_under_no_grad(step):
    """Decorator for `step`: updates are not recorded by autograd (torch's _use_grad_for_differentiable
    with differentiable=False)."""
    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        with no_grad():
            return step(self, *args, **kwargs)
    return wrapper
