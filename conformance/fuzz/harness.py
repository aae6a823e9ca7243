"""Running one drawn example on both frameworks, comparing (forward or backward), and turning a whole
hypothesis run of a property into one parity row."""
import os
import time
import warnings
import zlib
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Callable

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import HypothesisException

from conformance import frameworks
from conformance.checks import CheckResult, builtin_class
from conformance.compare import compare_arrays, default_tolerance, worst_of
from conformance.fuzz.strategies import TensorInput, build
from conformance.outcome import compare_values, differentiable_outputs, exception_text
from conformance.run import COLUMNS

DEEP_FACTOR = int(os.environ.get("MTV2_FUZZ_DEEP", "0") or 0)   # e.g. MTV2_FUZZ_DEEP=20: 20x the budget
STRICT = SimpleNamespace(tolerances=())                           # compare_values' spec: default tolerances


class Mismatch(AssertionError):
    """mtv2 and torch disagree on one example; the message is the reproduction."""


@dataclass
class Stats:
    examples: int = 0
    worst_ratio: float = 0.0
    worst: object = None            # the Comparison with the largest err_ratio
    worst_tolerance: tuple = (None, None)   # its (atol, rtol)


STATS = Stats()


def _note(comparison, atol, rtol):
    if comparison.err_ratio is not None and comparison.err_ratio >= STATS.worst_ratio:
        STATS.worst_ratio, STATS.worst, STATS.worst_tolerance = comparison.err_ratio, comparison, (atol, rtol)


def describe(label, args, kwargs=None):
    text = ", ".join(repr(a) for a in args)
    if kwargs:
        text += ", " + ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    return f"{label}({text})"


def _run(fw, fn, args, kwargs):
    try:
        return fn(fw, *build(fw, list(args)), **(kwargs or {})), None
    except Exception as exception:
        return None, exception


def _exception_parity(label, mine_error, theirs_error):
    """True when one side raised (and parity holds); raises Mismatch when it does not."""
    if theirs_error is None and mine_error is None:
        return False
    if theirs_error is None:
        raise Mismatch(f"{label}: mtv2 raises {exception_text(mine_error)}; torch does not")
    if mine_error is None:
        raise Mismatch(f"{label}: torch raises {exception_text(theirs_error)}; mtv2 does not")
    if not isinstance(mine_error, builtin_class(theirs_error)):
        raise Mismatch(f"{label}: torch raises {exception_text(theirs_error)}; "
                       f"mtv2 raises {exception_text(mine_error)}")
    return True


def check_forward(label, fn, args, kwargs=None, signed_zeros=False):
    """fn(fw, *built args, **kwargs) on both: same exception class, or the same outputs (contract 2 forward).
    signed_zeros: where both give exactly zero, the sign must agree too (IEEE corner properties)."""
    torch, mtv2 = frameworks.reference(), frameworks.candidate()
    label = describe(label, args, kwargs)
    theirs, theirs_error = _run(torch, fn, args, kwargs)
    mine, mine_error = _run(mtv2, fn, args, kwargs)
    if _exception_parity(label, mine_error, theirs_error):
        return None
    comparison, tol = compare_values(STRICT, "forward", mtv2, mine, torch, theirs)
    if not comparison.ok:
        raise Mismatch(f"{label}: {comparison.detail}")
    if signed_zeros:
        _compare_zero_signs(label, mtv2, mine, torch, theirs)
    if tol is not None:
        _note(comparison, tol.atol, tol.rtol)
    return mine, theirs


def _compare_zero_signs(label, mtv2, mine, torch, theirs):
    if not (isinstance(mine, mtv2.Tensor) and isinstance(theirs, torch.Tensor)):
        return
    if not theirs.dtype.is_floating_point:
        return
    a = frameworks.to_numpy(mtv2, mine).astype(np.float64)
    e = frameworks.to_numpy(torch, theirs).astype(np.float64)
    both_zero = (a == 0) & (e == 0)
    differ = both_zero & (np.signbit(a) != np.signbit(e))
    if differ.any():
        at = tuple(int(i) for i in np.argwhere(differ)[0])
        raise Mismatch(f"{label}: sign of zero differs at {at}: mtv2={a[at]!r} torch={e[at]!r}")


def _gradients(fw, fn, args, kwargs, cotangent_seed):
    inputs, leaves = [], []
    for a in args:
        if isinstance(a, TensorInput):
            view, leaf = a.build(fw, grad=True)
            inputs.append(view)
            leaves.append(leaf if a.requires_grad else None)
        else:
            inputs.append(a)
            leaves.append(None)
    outputs = differentiable_outputs(fw, fn(fw, *inputs, **(kwargs or {})))
    wanted = [leaf for leaf in leaves if leaf is not None]
    if not outputs or not wanted:
        return None
    rng = np.random.default_rng(cotangent_seed)
    cotangents = [frameworks.make_tensor(fw, rng.normal(0, 1, tuple(outputs[p].shape)).astype(np.float32),
                                         frameworks.dtype_name(fw, outputs[p].dtype)) for p in sorted(outputs)]
    grads = fw.autograd.grad([outputs[p] for p in sorted(outputs)], wanted, grad_outputs=cotangents,
                             allow_unused=True)
    return list(grads)


def check_backward(label, fn, args, kwargs=None, tolerance=None):
    """Gradients of every requires_grad TensorInput for a random cotangent: same as torch's (contract 2
    backward). Forward exceptions must match by class; tolerance (atol, rtol) overrides the default."""
    torch, mtv2 = frameworks.reference(), frameworks.candidate()
    label = describe(label, args, kwargs)
    seed = zlib.crc32(label.encode())   # the cotangent depends on the example only, never on the run order
    theirs, theirs_error = _guarded(lambda: _gradients(torch, fn, args, kwargs, seed))
    mine, mine_error = _guarded(lambda: _gradients(mtv2, fn, args, kwargs, seed))
    if _exception_parity(label, mine_error, theirs_error):
        return
    if (mine is None) != (theirs is None):
        raise Mismatch(f"{label}: differentiable outputs: mtv2 {mine is not None}, torch {theirs is not None}")
    results, tolerances = [], []
    for position, (m, t) in enumerate(zip(mine or [], theirs or [])):
        if (m is None) != (t is None):
            raise Mismatch(f"{label}: grad[{position}] is None only in {'mtv2' if m is None else 'torch'}")
        if m is None:
            continue
        dtype = frameworks.dtype_name(torch, t.dtype)
        atol, rtol = tolerance or default_tolerance(dtype)
        tolerances.append((atol, rtol))
        results.append((f"grad[{position}]", compare_arrays(
            frameworks.to_numpy(mtv2, m), frameworks.to_numpy(torch, t),
            frameworks.dtype_name(mtv2, m.dtype), dtype, atol, rtol)))
    comparison = worst_of(results)
    if not comparison.ok:
        raise Mismatch(f"{label}: {comparison.detail}")
    if tolerances:
        worst = max(range(len(results)), key=lambda i: results[i][1].err_ratio or 0.0)
        _note(comparison, *tolerances[worst])


def _guarded(function):
    try:
        return function(), None
    except Exception as exception:
        return None, exception


# ---- a property and its row ---------------------------------------------------------------
@dataclass(frozen=True)
class Property:
    name: str                 # fuzz.binary_promotion
    check: str                # forward or backward
    strategy: object          # draws one example
    body: Callable            # body(example): raises Mismatch on a divergence
    max_examples: int = 150
    dtype: str = "mixed"
    tolerance_note: str = ""  # why a tolerance other than the default is used, if one is

    @property
    def case_id(self):
        return f"fuzz/{self.name}/-/{self.dtype}"


def budget(prop):
    return prop.max_examples * max(DEEP_FACTOR, 1)


def run_property(prop):
    """Run the property under hypothesis -> its one parity row."""
    global STATS
    STATS = Stats()

    def one_example(example):
        STATS.examples += 1
        prop.body(example)

    test = settings(derandomize=True, max_examples=budget(prop), deadline=None, database=None,
                    report_multiple_bugs=False, print_blob=False,
                    suppress_health_check=list(HealthCheck))(given(prop.strategy)(one_example))
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            # the inputs are meant to overflow, divide by zero and reduce nothing: both frameworks' warnings say so
            warnings.simplefilter("ignore")
            test()
        result = CheckResult("pass", f"{STATS.examples} examples passed (budget {budget(prop)})")
    except Mismatch as mismatch:
        result = CheckResult("fail", f"after {STATS.examples} examples (incl. shrinking), minimal "
                                     f"counterexample: {' '.join(str(mismatch).split())[:1500]}")
    except (Exception, HypothesisException) as exception:
        result = CheckResult("error", f"after {STATS.examples} examples: {exception_text(exception, 1500)}")
    elapsed = (time.perf_counter() - start) * 1e3
    row = dict.fromkeys(COLUMNS)
    worst = STATS.worst
    row.update(vars(result))
    row.update(case_id=prop.case_id, kind="fuzz", name=prop.name, variant="", dtype=prop.dtype,
               check=prop.check, mtv2_ms=round(elapsed, 3),
               tol_source=prop.tolerance_note or "default (per output dtype)")
    if worst is not None and result.status == "pass":
        row.update(max_abs_err=worst.max_abs_err, max_rel_err=worst.max_rel_err, err_ratio=worst.err_ratio,
                   atol=STATS.worst_tolerance[0], rtol=STATS.worst_tolerance[1])
    return row


# ---- explain ------------------------------------------------------------------------------
def explain(case_id):
    """`python -m conformance explain fuzz/...`: rerun the property (derandomized: the same examples as the
    matrix run) and print its row, the minimal counterexample when it fails, and how to rerun it."""
    from conformance.fuzz import PROPERTIES
    prop = next((p for p in PROPERTIES if p.case_id == case_id), None)
    if prop is None:
        raise KeyError(f"no fuzz case {case_id!r}; they are: {', '.join(p.case_id for p in PROPERTIES)}")
    body = " ".join((prop.body.__doc__ or "").split())
    print(f"case {case_id}: property {prop.name} ({prop.check}), {budget(prop)} derandomized examples"
          f"{': ' + body if body else ''}")
    row = run_property(prop)
    ratio = "" if row["err_ratio"] is None else f" err_ratio {row['err_ratio']:.3g}"
    print(f"row:\n  {row['check']:8s} {row['status']:5s}{ratio} {row['detail']}")
    if row["status"] == "fail":
        print("the counterexample above is the reproduction: label(args) names the op and each drawn input "
              "(TensorInput: values, dtype, layout)")
    lines = ["from conformance.fuzz import PROPERTIES", "from conformance.fuzz.harness import run_property",
             f"prop = next(p for p in PROPERTIES if p.case_id == {case_id!r})",
             "print(run_property(prop))   # MTV2_FUZZ_DEEP=20 in the environment: 20x the examples"]
    print("\nreproduction:\n" + "\n".join("    " + line for line in lines))
    return 0
