"""Two parity matrices compared row by row (case_id, check): what regressed, what got fixed, what came and went.

`python -m conformance diff OLD.csv NEW.csv` prints the result and exits 1 on any regression, so CI can hold a
run against the committed results/baseline.csv. A regression is a row that was healthy (pass, xfail or skip)
and now fails (fail, error, xpass). With --strict, a row that passed and is now declared an expected failure
or skipped counts too: that is a mismatch being hidden, and has to be accepted by refreshing the baseline.
"""
from dataclasses import dataclass, field

import pandas as pd

from conformance.run import FAILING

KEY = ["case_id", "check"]


def read_matrix(path):
    """parity.csv as a DataFrame of strings (err_ratio as float), indexed by (case_id, check)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [column for column in KEY + ["status", "err_ratio"] if column not in frame.columns]
    if missing:
        raise ValueError(f"{path} is not a parity matrix: no column {', '.join(missing)}")
    frame["err_ratio"] = pd.to_numeric(frame["err_ratio"].replace("", "nan"), errors="coerce")
    frame = frame.set_index(KEY)
    if not frame.index.is_unique:
        raise ValueError(f"{path}: duplicate (case_id, check) rows")
    return frame


@dataclass
class MatrixDiff:
    regressions: list = field(default_factory=list)   # (case_id, check, old status, new status, detail)
    hidden: list = field(default_factory=list)        # pass -> xfail/skip
    fixes: list = field(default_factory=list)         # failing -> pass, or xfail -> pass (a declared bug gone)
    added: list = field(default_factory=list)         # (case_id, check, status)
    removed: list = field(default_factory=list)       # (case_id, check, status)
    drift: list = field(default_factory=list)         # (case_id, check, old err_ratio, new err_ratio)

    def failed(self, strict=False):
        return bool(self.regressions or (strict and self.hidden))


def compare(old, new, drift_factor=10.0, drift_floor=0.01):
    """Row-by-row comparison of two matrices (from read_matrix).

    err_ratio drift: a row whose err_ratio grew by more than drift_factor and now exceeds drift_floor
    (tiny ratios move by orders of magnitude with summation order and mean nothing)."""
    result = MatrixDiff()
    both = old[["status", "err_ratio"]].merge(new[["status", "err_ratio", "detail"]], how="inner",
                                              left_index=True, right_index=True,
                                              suffixes=("_old", "_new")).sort_index()
    for (case_id, check), row in zip(both.index, both.itertuples(index=False)):
        transition = (case_id, check, row.status_old, row.status_new, row.detail)
        if row.status_old not in FAILING and row.status_new in FAILING:
            result.regressions.append(transition)
        elif row.status_old == "pass" and row.status_new in ("xfail", "skip"):
            result.hidden.append(transition)
        elif row.status_old != row.status_new and row.status_new == "pass":
            result.fixes.append(transition[:4] + ("",))
        if row.err_ratio_new > drift_floor and row.err_ratio_new > drift_factor * row.err_ratio_old:
            result.drift.append((case_id, check, row.err_ratio_old, row.err_ratio_new))  # NaN compares False
    result.added = [(*key, new.loc[key, "status"]) for key in new.index.difference(old.index).sort_values()]
    result.removed = [(*key, old.loc[key, "status"]) for key in old.index.difference(new.index).sort_values()]
    return result


def format_diff(diff, old_name, new_name, limit=50):
    """The diff as text, most important first; long lists are cut at `limit` lines each."""
    lines = [f"diff {old_name} -> {new_name}: {len(diff.regressions)} regressions, {len(diff.hidden)} newly "
             f"hidden (pass -> xfail/skip), {len(diff.fixes)} fixes, {len(diff.added)} rows added, "
             f"{len(diff.removed)} removed, {len(diff.drift)} with err_ratio drift"]

    def section(title, entries, render):
        if not entries:
            return
        lines.append(f"\n{title} ({len(entries)}):")
        lines.extend("  " + render(entry) for entry in entries[:limit])
        if len(entries) > limit:
            lines.append(f"  ... and {len(entries) - limit} more")

    transition = lambda e: f"{e[0]} [{e[1]}] {e[2]} -> {e[3]}" + (f": {e[4]}" if e[4] else "")
    section("REGRESSIONS", diff.regressions, transition)
    section("Newly hidden (passed before; now declared xfail or skipped)", diff.hidden, transition)
    section("Fixes", diff.fixes, transition)
    section("err_ratio drift", diff.drift, lambda e: f"{e[0]} [{e[1]}] err_ratio {e[2]:.3g} -> {e[3]:.3g}")
    section("Added", diff.added, lambda e: f"{e[0]} [{e[1]}] {e[2]}")
    section("Removed", diff.removed, lambda e: f"{e[0]} [{e[1]}] (was {e[2]})")
    return "\n".join(lines)


def run_diff(old_path, new_path, drift_factor=10.0, strict=False, limit=50):
    """The CLI: prints the diff; the exit status is 1 when something regressed."""
    diff = compare(read_matrix(old_path), read_matrix(new_path), drift_factor)
    print(format_diff(diff, old_path, new_path, limit))
    return 1 if diff.failed(strict) else 0
