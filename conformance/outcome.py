"""Running an fw function safely, and turning outputs into comparable pieces."""
import re
import time
from dataclasses import dataclass
from typing import Any

from conformance.compare import Comparison, compare_arrays, default_tolerance, worst_of
from conformance.frameworks import FLOATING, dtype_name, is_tensor, to_numpy


@dataclass
class Ran:
    """What one framework did: its value or the exception it raised, and how long it took."""
    value: Any = None
    exception: BaseException | None = None
    ms: float | None = None


def timed(function):
    start = time.perf_counter()
    try:
        value = function()
    except Exception as exception:   # CaseTimeout is a BaseException and passes through
        return Ran(None, exception, (time.perf_counter() - start) * 1e3)
    return Ran(value, None, (time.perf_counter() - start) * 1e3)


# A set of strings printed in a message ({'zeros', 'reflect'}) comes out in hash order, which changes from one
# Python process to the next; sorted, the row's detail is the same in every run.
_STRING_SET = re.compile(r"\{'[^'{}]*'(?:, '[^'{}]*')+\}")


def _sorted_sets(message):
    return _STRING_SET.sub(lambda found: "{" + ", ".join(sorted(found.group(0)[1:-1].split(", "))) + "}", message)


def exception_text(exception, limit=240):
    message = _sorted_sets(" ".join(str(exception).split()))
    if len(message) > limit:
        message = message[:limit] + "..."
    return f"{type(exception).__name__}: {message}"


def flatten_output(fw, value, path="out"):
    """[(path, value)] with tensors and Python leaves; tuples (named or not), lists and dicts unrolled."""
    if is_tensor(fw, value):
        return [(path, value)]
    if isinstance(value, dict):   # module cases return their buffers by name
        items = []
        for key in sorted(value):
            items += flatten_output(fw, value[key], f"{path}[{key!r}]")
        return items
    if isinstance(value, (tuple, list)):
        items = []
        for position, item in enumerate(value):
            items += flatten_output(fw, item, f"{path}[{position}]")
        return items or [(path, ("empty", type(value).__name__))]
    return [(path, value)]


def differentiable_outputs(fw, value):
    """{path: tensor} of floating outputs that require grad."""
    return {path: item for path, item in flatten_output(fw, value)
            if is_tensor(fw, item) and dtype_name(fw, item.dtype) in FLOATING and item.requires_grad}


@dataclass
class Tol:
    atol: float
    rtol: float
    source: str


def tolerance(spec, dtype, check):
    for override in spec.tolerances:
        if override.applies(dtype, check):
            return Tol(override.atol, override.rtol, f"spec: {override.reason}")
    atol, rtol = default_tolerance(dtype)
    return Tol(atol, rtol, "default" if dtype in FLOATING else "exact")


def compare_values(spec, check, candidate_fw, candidate_value, reference_fw, reference_value,
                   exact=False):
    """Compare two outputs leaf by leaf. -> (Comparison, Tol of the worst leaf)."""
    mine = flatten_output(candidate_fw, candidate_value)
    theirs = flatten_output(reference_fw, reference_value)
    if [p for p, _ in mine] != [p for p, _ in theirs]:
        return Comparison(False, detail=f"output structure {[p for p, _ in mine]} != torch "
                                        f"{[p for p, _ in theirs]}"), None
    results, tols = [], {}
    for (path, m), (_, t) in zip(mine, theirs):
        m_is, t_is = is_tensor(candidate_fw, m), is_tensor(reference_fw, t)
        if m_is != t_is:
            results.append((path, Comparison(False, detail=f"mtv2 gives {type(m).__name__}, "
                                                           f"torch {type(t).__name__}")))
            continue
        if not t_is:
            same = type(m) is type(t) and m == t
            results.append((path, Comparison(same, detail="" if same else f"mtv2 {m!r} != torch {t!r}")))
            continue
        t_dtype = dtype_name(reference_fw, t.dtype)
        tol = Tol(0.0, 0.0, "exact") if exact else tolerance(spec, t_dtype, check)
        tols[path] = tol
        results.append((path, compare_arrays(to_numpy(candidate_fw, m), to_numpy(reference_fw, t),
                                             dtype_name(candidate_fw, m.dtype), t_dtype,
                                             tol.atol, tol.rtol)))
    merged = worst_of(results)
    chosen = None
    if tols:
        ranked = sorted(results, key=lambda r: (r[1].ok, -(r[1].err_ratio or 0.0)))
        chosen = next((tols[p] for p, _ in ranked if p in tols), None)
    return merged, chosen
