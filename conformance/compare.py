"""The tolerance policy and error statistics: is mtv2's value torch's value?

Tolerances are torch.testing.assert_close's defaults per dtype; integers and bool are exact.
err_ratio = max over elements of |mtv2 - torch| / (atol + rtol * |torch|): pass means <= 1, and a
row passing at 0.98 is a visible near-miss.
"""
from dataclasses import dataclass

import numpy as np

# torch.testing.assert_close defaults (rtol, atol) -> stored here as (atol, rtol).
DEFAULT_TOLERANCE = {"float16": (1e-5, 1e-3), "bfloat16": (1e-5, 1.6e-2),
                     "float32": (1e-5, 1.3e-6), "float64": (1e-7, 1e-7)}
GRADCHECK_TOLERANCE = (1e-5, 1e-3)   # torch.autograd.gradcheck's atol, rtol


def default_tolerance(dtype):
    return DEFAULT_TOLERANCE.get(dtype, (0.0, 0.0))


@dataclass
class Comparison:
    ok: bool
    max_abs_err: float | None = None
    max_rel_err: float | None = None
    err_ratio: float | None = None
    detail: str = ""
    worst: list | None = None       # [(index, mtv2, torch, ratio)] largest ratios first


def _fmt(value):
    return f"{value:.9g}" if isinstance(value, (float, np.floating)) else repr(value)


def _index(flat_index, shape):
    return tuple(int(i) for i in np.unravel_index(flat_index, shape)) if shape else ()


def compare_arrays(actual, expected, actual_dtype, expected_dtype, atol, rtol, worst_count=5,
                   names=("mtv2", "torch")):
    """Compare mtv2's array with torch's (both numpy copies), with the dtypes as names."""
    mine, theirs = names
    if actual.shape != expected.shape:
        return Comparison(False, detail=f"shape {tuple(actual.shape)} != {theirs} {tuple(expected.shape)}")
    if actual_dtype != expected_dtype:
        return Comparison(False, detail=f"dtype {actual_dtype} != {theirs} {expected_dtype}")
    if actual.size == 0:
        return Comparison(True, 0.0, 0.0, 0.0)
    a = actual.astype(np.float64).ravel()
    e = expected.astype(np.float64).ravel()
    shape = expected.shape

    nan_a, nan_e = np.isnan(a), np.isnan(e)
    if (nan_a != nan_e).any():
        at = int(np.flatnonzero(nan_a != nan_e)[0])
        side = mine if nan_a[at] else theirs
        return Comparison(False, detail=f"NaN at {_index(at, shape)} only in {side}: "
                                        f"{mine}={_fmt(a[at])} {theirs}={_fmt(e[at])}")
    inf_a, inf_e = np.isinf(a), np.isinf(e)
    inf_mismatch = (inf_a | inf_e) & ~(a == e)
    if inf_mismatch.any():
        at = int(np.flatnonzero(inf_mismatch)[0])
        return Comparison(False, detail=f"infinity mismatch at {_index(at, shape)}: "
                                        f"{mine}={_fmt(a[at])} {theirs}={_fmt(e[at])}")

    finite = ~(nan_e | inf_e)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        abs_err = np.where(finite, np.abs(a - e), 0.0)
        rel_err = np.where(finite & (e != 0), abs_err / np.abs(e), np.where(abs_err > 0, np.inf, 0.0))
        allowed = atol + rtol * np.abs(e)
        ratio = np.where(abs_err == 0, 0.0, np.where(allowed > 0, abs_err / allowed, np.inf))
    err_ratio = float(ratio.max())
    order = _largest_first(ratio, worst_count)
    worst = [(_index(i, shape), a[i], e[i], float(ratio[i])) for i in order if ratio[i] > 0]
    result = Comparison(err_ratio <= 1.0, float(abs_err.max()), float(rel_err.max()), err_ratio,
                        worst=worst)
    if not result.ok:
        bad = np.flatnonzero(ratio > 1.0)
        at = int(bad[0])
        result.detail = (f"{bad.size}/{a.size} elements differ; first at {_index(at, shape)}: "
                         f"{mine}={_fmt(a[at])} {theirs}={_fmt(e[at])} (err_ratio {err_ratio:.3g})")
    return result


def _largest_first(values, count):
    """Indices of the `count` largest values, largest first, ties by index: what a stable argsort of -values
    gives, without sorting a BERT-sized array (a partition finds the threshold in linear time)."""
    if values.size > count:
        threshold = np.partition(values, values.size - count)[values.size - count]
        above = np.flatnonzero(values > threshold)
        ties = np.flatnonzero(values == threshold)[:count - above.size]
        indices = np.concatenate([above, ties])
    else:
        indices = np.arange(values.size)
    return indices[np.lexsort((indices, -values[indices]))]


def worst_of(comparisons):
    """One Comparison for a row made of several (outputs, gradients): the first failure, else the
    largest err_ratio; the paths say where."""
    failing = [(path, c) for path, c in comparisons if not c.ok]
    if failing:
        path, chosen = failing[0]
        merged = Comparison(False, chosen.max_abs_err, chosen.max_rel_err, chosen.err_ratio,
                            f"{path}: {chosen.detail}" if path else chosen.detail, chosen.worst)
    else:
        ratios = [c.err_ratio or 0.0 for _, c in comparisons]
        merged = Comparison(True, 0.0, 0.0, 0.0) if not comparisons else \
            comparisons[int(np.argmax(ratios))][1]
    numeric = [c for _, c in comparisons if c.max_abs_err is not None]
    if numeric and merged.ok:
        merged = Comparison(True, max(c.max_abs_err for c in numeric),
                            max(c.max_rel_err for c in numeric),
                            max(c.err_ratio for c in numeric), "", merged.worst)
    return merged
