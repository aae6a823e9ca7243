"""`python -m conformance merge DIR... [--results-dir OUT]`: the results dirs of shard runs
(`pytest conformance/ --shard K/N --results-dir DIR`) joined into the files one run writes.

The rows are read back from each shard's parity.csv and written by the same functions a run uses
(matrix.write_results), so parity.csv, matrix.csv and summary.md come out as a single run's would (the
*_ms columns are each shard's own timings). run.json records the merge: every shard's own run.json, and
a duration that is the longest shard's (shards run side by side on separate machines).
"""
import csv
import json
import os
import time

from conformance.matrix import NUMBER_FORMATS, write_results
from conformance.run import COLUMNS

TIMINGS = ("mtv2_ms", "torch_ms")


class MergeError(Exception):
    """Shards that cannot be joined: a missing parity.csv, two different rows for one (case, check)."""


def read_parity(path):
    """parity.csv -> rows as a run makes them: numbers as floats, empty cells as None."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise MergeError(f"{path}: columns {reader.fieldnames} are not parity.csv's {list(COLUMNS)}")
        rows = []
        for row in reader:
            for column in NUMBER_FORMATS:
                row[column] = float(row[column]) if row[column] != "" else None
            rows.append(row)
    return rows


def _read_info(results_dir):
    path = os.path.join(results_dir, "run.json")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def merge_rows(row_lists, names):
    """One row per (case_id, check). A case in two shards (overlapping selections) must have the same row in
    both apart from timings; anything else means the shards ran different code."""
    merged, source = {}, {}
    for rows, name in zip(row_lists, names):
        for row in rows:
            key = (row["case_id"], row["check"])
            if key in merged:
                before = {c: v for c, v in merged[key].items() if c not in TIMINGS}
                if before != {c: v for c, v in row.items() if c not in TIMINGS}:
                    raise MergeError(f"{key[0]} {key[1]}: different rows in {source[key]} and {name}")
                continue
            merged[key], source[key] = row, name
    return list(merged.values())


def merged_info(infos, names, started):
    """run.json of the merge: the shards' common facts, and each shard's own run.json under merged_from."""
    candidates = {info.get("candidate") for info in infos if info}
    if len(candidates) > 1:
        raise MergeError(f"the shards compared different candidates: {sorted(map(str, candidates))}")
    first = next((info for info in infos if info), {})
    info = {key: first.get(key) for key in ("mtv2_commit", "candidate", "torch", "numpy", "python", "platform")}
    commits = sorted({str(i.get("mtv2_commit")) for i in infos if i})
    if len(commits) > 1:
        info["mtv2_commit"] = None
        info["commits_differ"] = commits
    starts = [i["start_time"] for i in infos if i.get("start_time")]
    durations = [i["duration_s"] for i in infos if i.get("duration_s") is not None]
    info.update(start_time=min(starts) if starts else None,
                duration_s=max(durations) if durations else None,
                merged_at=started, merged_from=[dict(info_of, results_dir=name) for info_of, name in zip(infos, names)])
    return info


def merge(results_dirs, out_dir):
    """Join the shards' results; returns the number of rows written."""
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    names, row_lists, infos = [], [], []
    for results_dir in results_dirs:
        path = os.path.join(results_dir, "parity.csv")
        if not os.path.exists(path):
            raise MergeError(f"{results_dir}: no parity.csv (did that shard finish?)")
        names.append(os.path.abspath(results_dir))
        row_lists.append(read_parity(path))
        infos.append(_read_info(results_dir))
    rows = merge_rows(row_lists, names)
    write_results(rows, out_dir, merged_info(infos, names, started))
    return len(rows)


def run_merge(results_dirs, out_dir):
    try:
        count = merge(results_dirs, out_dir)
    except MergeError as problem:
        print(f"merge failed: {problem}")
        return 1
    print(f"{count} rows from {len(results_dirs)} results dirs written to {out_dir}/ "
          f"(parity.csv, matrix.csv, summary.md, run.json)")
    return 0
