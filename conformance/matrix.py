"""Rows -> results/: parity.csv, matrix.csv, summary.md, run.json, each written atomically.

Everything but the *_ms columns is a pure function of the rows, which are a pure function of the
code: the files come out identical with or without -n.
"""
import csv
import io
import json
import math
import os
import platform
import subprocess
import sys
from importlib import metadata

import pandas as pd

from conformance.frameworks import DTYPES
from conformance.run import COLUMNS, FAILING

# Worst first. skip ranks below pass so a name shows skip only when nothing else ran.
STATUS_ORDER = ("error", "fail", "xpass", "xfail", "pass", "skip")
NUMBER_FORMATS = {"max_abs_err": ".6g", "max_rel_err": ".6g", "err_ratio": ".6g",
                  "atol": ".3g", "rtol": ".3g", "mtv2_ms": ".3f", "torch_ms": ".3f"}


def sort_rows(rows):
    return sorted(rows, key=lambda row: (row["case_id"], row["check"]))


def _cell(column, value):
    if value is None:
        return ""
    if column in NUMBER_FORMATS:
        return "inf" if math.isinf(value) else format(value, NUMBER_FORMATS[column])
    return str(value)


def parity_csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in sort_rows(rows):
        writer.writerow([_cell(column, row[column]) for column in COLUMNS])
    return buffer.getvalue()


def matrix_csv(rows):
    """name x dtype -> the worst status over every check and variant."""
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["rank"] = frame["status"].map(STATUS_ORDER.index)
    worst = frame.groupby(["name", "dtype"])["rank"].min().map(lambda r: STATUS_ORDER[r])
    table = worst.unstack("dtype").fillna("")
    order = [d for d in DTYPES if d in table.columns] + sorted(set(table.columns) - set(DTYPES))
    return table[order].sort_index().to_csv(lineterminator="\n")


def _markdown_table(frame):
    frame = frame.reset_index()
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |",
             "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(map(str, values)) + " |" for values in frame.itertuples(index=False)]
    return "\n".join(lines)


def regressions(rows, baseline_path):
    """Rows that passed (or were expected failures) in the baseline and now fail."""
    if not os.path.exists(baseline_path):
        return None
    baseline = pd.read_csv(baseline_path, dtype=str, keep_default_na=False)
    before = {(r.case_id, r.check): r.status for r in baseline.itertuples()}
    found = []
    for row in sort_rows(rows):
        old = before.get((row["case_id"], row["check"]))
        if old is not None and old not in FAILING and row["status"] in FAILING:
            found.append((row, old))
    return found


def summary_md(rows, run_info, baseline_path, near_miss_count=15):
    frame = pd.DataFrame(rows, columns=COLUMNS)
    lines = ["# Conformance summary", ""]
    if run_info.get("candidate") != "mtv2":
        lines += [f"**Candidate was {run_info.get('candidate')}, not mtv2: a harness self-test run.**", ""]
    lines += [f"{len(frame)} rows, {frame['case_id'].nunique()} cases; "
              f"failing (fail/error/xpass): {int(frame['status'].isin(FAILING).sum())}.", ""]
    counts = frame.pivot_table(index=["kind", "check"], columns="status", values="case_id",
                               aggfunc="count", fill_value=0)
    counts = counts[[s for s in STATUS_ORDER if s in counts.columns]]
    lines += ["## Rows per kind and check", "", _markdown_table(counts), ""]
    found = regressions(rows, baseline_path)
    lines += ["## Regressions against results/baseline.csv", ""]
    if found is None:
        lines.append("No baseline.csv to compare with.")
    elif not found:
        lines.append("None.")
    else:
        lines += [f"- `{row['case_id']}` {row['check']}: {old} -> {row['status']}: {row['detail']}"
                  for row, old in found]
    near = frame[(frame["status"] == "pass") & frame["err_ratio"].notna()]
    near = near[near["err_ratio"] > 0].sort_values(["err_ratio", "case_id", "check"],
                                                   ascending=[False, True, True]).head(near_miss_count)
    lines += ["", "## Closest near-misses (passing rows with the largest err_ratio)", ""]
    lines += [f"- `{r.case_id}` {r.check}: err_ratio {r.err_ratio:.3g} (atol {r.atol:.3g}, "
              f"rtol {r.rtol:.3g}, {r.tol_source})" for r in near.itertuples()] or ["None."]
    failing = frame[frame["status"].isin(FAILING)].sort_values(["case_id", "check"])
    lines += ["", "## Failing rows", ""]
    lines += [f"- `{r.case_id}` {r.check} **{r.status}**: {r.detail}"
              for r in failing.itertuples()] or ["None."]
    return "\n".join(lines) + "\n"


def run_info(start_time, duration, candidate, arguments, repository="."):
    def version(package):
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return None
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repository, capture_output=True,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = None
    return {"mtv2_commit": commit, "candidate": candidate, "torch": version("torch"),
            "numpy": version("numpy"), "python": sys.version.split()[0],
            "platform": platform.platform(), "start_time": start_time,
            "duration_s": round(duration, 3), "pytest_arguments": arguments}


def write_atomically(files):
    """Every file to a temporary name first, then renamed: an interrupted run leaves old files."""
    temporaries = []
    for path, text in files.items():
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        temporary = f"{path}.tmp-{os.getpid()}"
        with open(temporary, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        temporaries.append((temporary, path))
    for temporary, path in temporaries:
        os.replace(temporary, path)


def write_results(rows, results_dir, info):
    baseline = os.path.join(results_dir, "baseline.csv")
    write_atomically({
        os.path.join(results_dir, "parity.csv"): parity_csv(rows),
        os.path.join(results_dir, "matrix.csv"): matrix_csv(rows),
        os.path.join(results_dir, "summary.md"): summary_md(rows, info, baseline),
        os.path.join(results_dir, "run.json"): json.dumps(info, indent=2) + "\n",
    })
