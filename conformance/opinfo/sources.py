"""torch's OpInfo and ModuleInfo databases, read once per process, and what of them maps to mtv2.

An OpInfo maps when one of its variants exists in mtv2:
- function: op.op is torch's object at the path `name`, `aten_name` or an alias's name (torch.add,
  torch.nn.functional.relu): mtv2's object at the same path;
- method / inplace: torch.Tensor.<n> -> mtv2.Tensor.<n> (Tensor.add, Tensor.add_);
- an OpInfo lambda (`lambda x, *a: x.sum_to_size(*a)`) is its own code with `torch` bound to mtv2 (translate.py),
  used when no method of the same name covers it.
A variant torch has and mtv2 lacks (or a lambda that reaches torch-side helpers) becomes a skip row saying so.
A ModuleInfo maps when mtv2.nn has the class of the same name.

OpInfo's own verdicts are read from its `skips` and `decorators` (DecorateInfo active on CPU for the dtype):
- the test standing for each check is in TORCH_TESTS (forward and backward: TestCommon.test_noncontiguous_samples,
  which runs the op and its gradient on every sample; gradcheck/gradgrad: TestBwdGradients; error:
  TestCommon.test_errors); a unittest.skip there (for gradcheck, gradgrad and error also an expectedFailure:
  torch's own check fails) makes the row a skip whose detail quotes it. An expectedFailure on
  test_noncontiguous_samples is ignored: it compares torch with itself on a non-contiguous copy, which says
  nothing about this comparison.
- toleranceOverride / precisionOverride active for the forward tests widen the tolerance (tol_source says so).
"""
import functools
import types
import zlib

from conformance.frameworks import DTYPES, FLOATING
from conformance.spec import Tolerance

TORCH_TESTS = {
    "forward": (("TestCommon", "test_noncontiguous_samples"),),
    "backward": (("TestCommon", "test_noncontiguous_samples"),),
    "gradcheck": {"function": ("TestBwdGradients", "test_fn_grad"), "method": ("TestBwdGradients", "test_method_grad"),
                  "inplace": ("TestBwdGradients", "test_inplace_grad")},
    "gradgrad": {"function": ("TestBwdGradients", "test_fn_gradgrad"),
                 "method": ("TestBwdGradients", "test_method_gradgrad"),
                 "inplace": ("TestBwdGradients", "test_inplace_gradgrad")},
    "error": (("TestCommon", "test_errors"),),
}
MODULE_TORCH_TESTS = {"forward": (("TestModule", "test_forward"),), "backward": (("TestModule", "test_grad"),),
                      "gradcheck": (("TestModule", "test_grad"),), "gradgrad": (("TestModule", "test_gradgrad"),),
                      "error": (("TestModule", "test_errors"),)}


def seed_of(text):
    """torch's sample generation is seeded with this before every call: samples depend on the case, never on
    the order of execution, -n or -k."""
    return zlib.crc32(text.encode()) & 0x7FFFFFFF


def seed_everything(torch, text):
    import random

    import numpy as np
    seed = seed_of(text)
    torch.random.default_generator.manual_seed(seed)   # torch.manual_seed also seeds every accelerator: 3 ms
    random.seed(seed)
    np.random.seed(seed)


@functools.cache
def op_db():
    from torch.testing._internal.common_methods_invocations import op_db as ops
    return tuple(ops)


@functools.cache
def module_db():
    from torch.testing._internal.common_modules import module_db as modules
    return tuple(modules)


def _resolve(root, path):
    value = root
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


# ---- variants -----------------------------------------------------------------------------
class Variant:
    """One way of calling an OpInfo's op: label (function, method, inplace), torch's public name, both callables.
    `missing` says why mtv2 has none (then mtv2_fn is None)."""

    def __init__(self, label, name, torch_fn, mtv2_fn=None, missing="", rebound=False):
        self.label, self.name, self.torch_fn, self.mtv2_fn = label, name, torch_fn, mtv2_fn
        self.missing, self.rebound = missing, rebound

    def fn(self, fw, torch):
        return self.torch_fn if fw is torch else self.mtv2_fn


def _tensor_attribute_name(torch, fn):
    name = getattr(fn, "__name__", None)
    return name if name and getattr(torch.Tensor, name, None) is fn else None


def _variant(label, fn, op, torch, mtv2):
    from conformance.opinfo.translate import NotRebindable, missing_names, rebind
    attribute = _tensor_attribute_name(torch, fn)
    if attribute:
        label = "method" if label == "function" else label
        mine = getattr(mtv2.Tensor, attribute, None)
        return Variant(label, f"Tensor.{attribute}", fn, mine, "" if mine else f"mtv2 has no Tensor.{attribute}")
    for path in [op.name, op.aten_name] + [alias.name for alias in op.aliases]:
        if path and _resolve(torch, path) is fn:
            mine = _resolve(mtv2, path)
            mine = mine if callable(mine) and not isinstance(mine, types.ModuleType) else None
            return Variant(label, path, fn, mine, "" if mine else f"mtv2 has no {path}")
    name = {"function": op.name, "method": f"Tensor.{op.name}", "inplace": f"Tensor.{op.name}_"}[label]
    try:
        rebound = rebind(fn, torch, mtv2)
        missing = missing_names(fn, torch, mtv2)
        if missing:
            return Variant(label, name, fn, None, f"mtv2 has no {', '.join(missing)} (which OpInfo's code calls)")
        return Variant(label, name, fn, rebound, rebound=True)
    except NotRebindable as reason:
        return Variant(label, name, fn, None, f"OpInfo calls it through code mtv2 cannot run: {reason}")


def variants_of(op, torch, mtv2):
    """The op's distinct variants, each resolved in mtv2 (or with the reason it is missing)."""
    seen, variants = [], []
    for label, fn in (("function", op.op), ("method", op.method_variant), ("inplace", op.inplace_variant)):
        if fn is None or any(fn is other for other in seen):
            continue
        seen.append(fn)
        variants.append(_variant(label, fn, op, torch, mtv2))
    named = {v.name for v in variants if not v.rebound and v.mtv2_fn is not None}
    # A lambda standing for a method mtv2 runs by name adds nothing (lambda x: x.float() beside Tensor.float).
    return [v for v in variants if not (v.rebound and v.label == "function" and f"Tensor.{op.name}" in named)]


@functools.cache
def mapped_ops():
    """[(OpInfo, [Variant])] for every OpInfo with at least one variant mtv2 has."""
    from conformance.frameworks import candidate, reference
    torch, mtv2 = reference(), candidate()
    mapped = []
    for op in op_db():
        variants = variants_of(op, torch, mtv2)
        if any(v.mtv2_fn is not None for v in variants):
            mapped.append((op, variants))
    return mapped


def op_by_name(full_name):
    for op, variants in mapped_ops():
        if op.full_name == full_name:
            return op, variants
    raise KeyError(f"no OpInfo {full_name!r} maps to mtv2")


@functools.cache
def mapped_modules():
    """[ModuleInfo] whose class mtv2.nn has."""
    from conformance.frameworks import candidate
    mtv2 = candidate()
    return [info for info in module_db() if hasattr(mtv2.nn, info.module_cls.__name__)]


def module_by_name(name):
    for info in mapped_modules():
        if f"nn.{info.module_cls.__name__}" == name:
            return info
    raise KeyError(f"no ModuleInfo {name!r} maps to mtv2")


# ---- dtypes -------------------------------------------------------------------------------
def dtype_names(torch, dtypes):
    """Names in DTYPES order (mtv2's), then the others sorted (complex, uint16, ... become skip rows)."""
    names = {str(d).rsplit(".", 1)[-1] for d in dtypes}
    return [d for d in DTYPES if d in names] + sorted(names - set(DTYPES))


def runnable(dtype, mtv2):
    return dtype in DTYPES and hasattr(mtv2, dtype)


def unsupported_reason(dtype):
    if dtype.startswith("complex"):
        return f"{dtype}: mtv2 has no complex dtypes yet"
    return f"{dtype}: mtv2 has no such dtype"


def backward_dtypes(op, torch):
    if not op.supports_autograd:
        return set()
    return set(dtype_names(torch, op.supported_backward_dtypes("cpu"))) & set(FLOATING)


# ---- OpInfo's own skips and tolerances ----------------------------------------------------
def _skip_reason(decorator):
    """'unittest.skip: <reason>' / 'expectedFailure' / None for a decorator that is neither."""
    qualname = getattr(decorator, "__qualname__", "")
    if qualname == "expectedFailure":
        return "expectedFailure"
    if qualname.startswith("skip.<locals>") and decorator.__closure__:
        reasons = [c.cell_contents for c in decorator.__closure__ if isinstance(c.cell_contents, str)]
        return f"unittest.skip({reasons[0]!r})" if reasons else "unittest.skip"
    return None


def _decorate_infos(info):
    return [d for d in list(getattr(info, "skips", ())) + list(info.decorators) if hasattr(d, "is_active")]


def torch_verdict(info, check, label, dtype, torch, tests=TORCH_TESTS, params=None):
    """OpInfo's (ModuleInfo's) skip or expected failure for this check, None when it declares none: the row's skip
    detail. params: the test's parameters some DecorateInfo test (ModuleInfo's `training`)."""
    wanted = tests[check]
    pairs = (wanted[label],) if isinstance(wanted, dict) else wanted
    torch_dtype = getattr(torch, dtype, None)
    for decorate in _decorate_infos(info):
        for cls_name, test_name in pairs:
            if not decorate.is_active(cls_name, test_name, "cpu", torch_dtype, params or {}):
                continue
            for decorator in decorate.decorators:
                reason = _skip_reason(decorator)
                if reason and (reason != "expectedFailure" or check in ("gradcheck", "gradgrad", "error")):
                    where = f"{cls_name}.{test_name}"
                    return f"OpInfo declares {reason} for {where} on CPU {dtype}"
    return None


def torch_tolerance(info, dtype, torch, tests=TORCH_TESTS):
    """The widest toleranceOverride/precisionOverride OpInfo declares for the forward tests on CPU at this dtype,
    as a Tolerance for the forward and backward checks (None: the default table)."""
    torch_dtype = getattr(torch, dtype, None)
    found = []
    candidates = [(None, d) for d in info.decorators if not hasattr(d, "is_active")]
    for decorate in _decorate_infos(info):
        for cls_name, test_name in tests["forward"]:
            if decorate.is_active(cls_name, test_name, "cpu", torch_dtype, {}):
                candidates += [(f"{cls_name}.{test_name}", d) for d in decorate.decorators]
                break
    for where, decorator in candidates:
        table = getattr(decorator, "d", None)
        if not isinstance(table, dict) or torch_dtype not in table:
            continue
        value = table[torch_dtype]
        if type(decorator).__name__ == "toleranceOverride":
            found.append((value.atol, value.rtol, f"toleranceOverride({where or 'all tests'})"))
        elif type(decorator).__name__ == "precisionOverride":
            found.append((value, 0.0, f"precisionOverride({where or 'all tests'})"))
    if not found:
        return None
    from conformance.compare import default_tolerance
    atol, rtol = default_tolerance(dtype)
    atol, rtol = max([atol] + [f[0] for f in found]), max([rtol] + [f[1] for f in found])
    return Tolerance(atol, rtol, "OpInfo " + ", ".join(f[2] for f in found), dtypes=(dtype,),
                     checks=("forward", "backward"))


def parse_case_id(kind, case_id, form):
    """<kind>/<source name>/<variant or mode>/<index>/<dtype> -> its four parts; `form` names them in the error."""
    parts = case_id.split("/")
    if len(parts) != 5 or parts[0] != kind:
        raise KeyError(f"not a {kind} case id: {case_id!r} ({form})")
    return parts[1], parts[2], parts[3], parts[4]


def group_of(kind, case_id, form):
    """The test id that writes this case's rows: one per (source, dtype); error inputs and dtypes outside
    mtv2's table go to <kind>/<source>/other."""
    name, _, index, dtype = parse_case_id(kind, case_id, form)
    other = index.startswith("error") or dtype not in DTYPES
    return f"{kind}/{name}/{'other' if other else dtype}"


def group_ids(kind, entries, torch, mtv2):
    """{test id: (kind, name, dtype or "other")} for entries (name, torch's CPU dtypes, has error inputs): one test
    per dtype mtv2 can run, and <kind>/<name>/other for error inputs and dtypes mtv2 lacks."""
    groups = {}
    for name, supported, has_error_inputs in entries:
        dtypes = dtype_names(torch, supported)
        for dtype in dtypes:
            if runnable(dtype, mtv2):
                groups[f"{kind}/{name}/{dtype}"] = (kind, name, dtype)
        if has_error_inputs or not all(runnable(d, mtv2) for d in dtypes):
            groups[f"{kind}/{name}/other"] = (kind, name, "other")
    return groups

