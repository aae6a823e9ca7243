"""API coverage: torch's public surface, read from the installed torch at run time, joined with mtv2 and the matrix.

One row per API, named as the matrix names it (`cat` for torch.cat, `Tensor.add`, `nn.functional.gelu`,
`nn.Linear`, `optim.AdamW`, `optim.lr_scheduler.StepLR`): whether mtv2 has it, whether the matrix has rows for
it, and the row statuses. The `bert` group is everything BERT training and HuggingFace transformers' BERT touch,
taken from ../shared/reference/transformers-bert-torch-surface.md (measured on transformers 5.23.0).
"""
import inspect
import operator

import pandas as pd

from conformance.matrix import STATUS_ORDER

# Tensor dunders that are Python operators or protocols a user calls through syntax.
OPERATOR_DUNDERS = tuple(sorted(
    {name for name in dir(operator) if name.startswith("__") and inspect.isbuiltin(getattr(operator, name))
     and name not in ("__call__", "__concat__", "__iconcat__", "__delitem__")}
    | {"__radd__", "__rsub__", "__rmul__", "__rtruediv__", "__rfloordiv__", "__rmod__", "__rpow__",
       "__rmatmul__", "__rand__", "__ror__", "__rxor__", "__rlshift__", "__rrshift__", "__bool__", "__len__",
       "__float__", "__int__", "__iter__", "__contains__", "__setitem__", "__getitem__"}))

# What BERT (bert_cases, transformers' BertModel / BertForMaskedLM / BertForSequenceClassification) and its
# AdamW training touch, per the measured reference: functions, Tensor methods and operators, nn.functional,
# nn modules and init, optim.
BERT_SURFACE = (
    "arange", "gather", "matmul", "where", "zeros", "zeros_like", "ones", "tensor", "tanh", "finfo", "cat",
    "softmax", "erf", "sqrt", "full", "empty",
    "Tensor.add", "Tensor.__add__", "Tensor.mul", "Tensor.__mul__", "Tensor.__and__", "Tensor.ge", "Tensor.__ge__",
    "Tensor.__bool__", "Tensor.__getitem__", "Tensor.__setitem__", "Tensor.all", "Tensor.contiguous",
    "Tensor.expand", "Tensor.new_ones", "Tensor.reshape", "Tensor.size", "Tensor.to", "Tensor.transpose",
    "Tensor.view", "Tensor.backward", "Tensor.lerp_", "Tensor.mul_", "Tensor.addcmul_", "Tensor.add_",
    "Tensor.div", "Tensor.sqrt", "Tensor.addcdiv_", "Tensor.item", "Tensor.is_complex", "Tensor.copy_",
    "Tensor.masked_fill", "Tensor.float", "Tensor.sum", "Tensor.mean", "Tensor.permute", "Tensor.matmul",
    "Tensor.softmax", "Tensor.detach", "Tensor.zero_", "Tensor.fill_", "Tensor.normal_", "Tensor.uniform_",
    "nn.functional.gelu", "nn.functional.scaled_dot_product_attention", "nn.functional.softmax",
    "nn.functional.dropout", "nn.functional.linear", "nn.functional.embedding", "nn.functional.layer_norm",
    "nn.functional.cross_entropy", "nn.functional.pad", "nn.functional.mish", "nn.functional.tanh",
    "nn.Embedding", "nn.LayerNorm", "nn.Dropout", "nn.Linear", "nn.Tanh", "nn.ModuleList", "nn.Identity",
    "nn.CrossEntropyLoss", "nn.BCEWithLogitsLoss", "nn.MSELoss", "nn.Module", "nn.Parameter", "nn.Buffer",
    "nn.init.normal_", "nn.init.zeros_", "nn.init.ones_", "nn.init.uniform_", "nn.init.trunc_normal_",
    "optim.AdamW", "optim.Adam", "optim.lr_scheduler.LambdaLR",
)


def _public(namespace, keep):
    return sorted(name for name in dir(namespace) if not name.startswith("_") and keep(getattr(namespace, name)))


def _is_function(value):
    return callable(value) and not inspect.isclass(value) and not inspect.ismodule(value)


def torch_surface(torch):
    """(api, group) pairs of torch's public API, from the installed package."""
    nn, functional = torch.nn, torch.nn.functional
    optim, schedulers = torch.optim, torch.optim.lr_scheduler
    # nn.functional re-exports typing and dispatch helpers; only its own functions count.
    foreign = ("typing", "torch._jit_internal", "torch.overrides", "torch._C")

    def functional_api(value):
        module = getattr(value, "__module__", "") or ""
        return _is_function(value) and not any(module == f or module.startswith(f + ".") for f in foreign) \
            and module != "torch._C"

    def subclass_of(base):
        return lambda value: inspect.isclass(value) and issubclass(value, base)

    surface = [(name, "torch") for name in _public(torch, _is_function)]
    surface += [(f"Tensor.{name}", "Tensor") for name in _public(torch.Tensor, callable)]
    surface += [(f"Tensor.{name}", "Tensor") for name in OPERATOR_DUNDERS if hasattr(torch.Tensor, name)]
    surface += [(f"nn.functional.{name}", "nn.functional") for name in _public(functional, functional_api)]
    surface += [(f"nn.{name}", "nn") for name in _public(nn, subclass_of(nn.Module))]
    surface += [(f"nn.init.{name}", "nn.init") for name in _public(nn.init, _is_function)
                if name.endswith("_") and not name.startswith("_")]
    surface += [(f"optim.{name}", "optim") for name in _public(optim, subclass_of(optim.Optimizer))]
    surface += [(f"optim.lr_scheduler.{name}", "optim.lr_scheduler") for name in _public(
        schedulers, lambda v: inspect.isclass(v) and (issubclass(v, schedulers.LRScheduler)
                                                      or v is schedulers.ReduceLROnPlateau))]
    surface += [(api, "bert") for api in BERT_SURFACE]
    return surface


def resolve(namespace, api):
    """The object `api` (matrix naming) names in a framework namespace, or None."""
    path = api.split(".")
    if path[0] not in ("Tensor", "nn", "optim"):
        path = [api]
    target = namespace
    for part in path:
        target = getattr(target, part, None)
        if target is None:
            return None
    return target


def coverage_table(torch, mtv2, parity):
    """DataFrame api, group, in_mtv2, has_cases, statuses (e.g. 'pass:40 xfail:2')."""
    statuses = {}
    if len(parity):
        counts = parity.groupby(["name", "status"]).size()
        for (name, status), count in sorted(counts.items(), key=lambda item: (item[0][0],
                                                                              STATUS_ORDER.index(item[0][1]))):
            statuses.setdefault(name, []).append(f"{status}:{count}")
    rows = [{"api": api, "group": group, "in_mtv2": resolve(mtv2, api) is not None,
             "has_cases": api in statuses, "statuses": " ".join(statuses.get(api, []))}
            for api, group in torch_surface(torch)]
    return pd.DataFrame(rows, columns=["api", "group", "in_mtv2", "has_cases", "statuses"]).drop_duplicates(
        ["api", "group"])


def coverage_summary(table):
    """Per group: APIs in torch, in mtv2, with cases (counts and percentages)."""
    grouped = table.groupby("group", sort=False).agg(torch=("api", "size"), in_mtv2=("in_mtv2", "sum"),
                                                     with_cases=("has_cases", "sum"))
    grouped["in_mtv2_%"] = (100 * grouped["in_mtv2"] / grouped["torch"]).round(1)
    grouped["with_cases_%"] = (100 * grouped["with_cases"] / grouped["torch"]).round(1)
    return grouped


def untested(table):
    """APIs mtv2 has but no matrix row covers (an mtv2 function without a conformance case)."""
    rows = table[table["in_mtv2"] & ~table["has_cases"] & (table["group"] != "bert")]
    return sorted(set(rows["api"]))
