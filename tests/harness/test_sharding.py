"""pytest --shard K/N runs a deterministic part of the cases; `python -m conformance merge` joins the shards'
results dirs into exactly the files one run writes (rows identical apart from *_ms)."""
import json
import subprocess
import sys

import pytest

from conftest import in_shard, parse_shard
from test_results_files import ROOT, SUBSET, read_rows, run_pytest


def test_shards_partition_any_selection():
    ids = [f"conformance/test_ops.py::test_cases[op/toy{i}/float32]" for i in range(300)]
    shards = [[t for t in ids if in_shard(t, k, 3)] for k in (1, 2, 3)]
    assert sorted(sum(shards, [])) == sorted(ids) and all(len(s) > 50 for s in shards)
    # the selection does not move a test: a subset's shards are the subset of the full shards
    subset = ids[::7]
    assert [t for t in subset if in_shard(t, 2, 3)] == [t for t in shards[1] if t in subset]
    assert parse_shard("2/4") == (2, 4)
    for bad in ("0/2", "3/2", "1", "a/b"):
        with pytest.raises(pytest.UsageError):
            parse_shard(bad)


def test_two_shards_merged_equal_the_single_run(tmp_path):
    single, first, second, merged = (tmp_path / name for name in ("single", "shard1", "shard2", "merged"))
    runs = [run_pytest(single, "-n", "0", "-k", SUBSET),
            run_pytest(first, "-n", "0", "-k", SUBSET, "--shard", "1/2"),
            run_pytest(second, "-n", "2", "-k", SUBSET, "--shard", "2/2")]
    assert all(run.returncode in (0, 1) for run in runs), [run.stdout[-2000:] for run in runs]
    merge = subprocess.run([sys.executable, "-m", "conformance", "merge", str(first), str(second),
                            "--results-dir", str(merged)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert merge.returncode == 0, merge.stdout + merge.stderr
    _, single_rows = read_rows(single / "parity.csv")
    _, first_rows = read_rows(first / "parity.csv")
    _, second_rows = read_rows(second / "parity.csv")
    _, merged_rows = read_rows(merged / "parity.csv")
    assert first_rows and second_rows and not {r[0] for r in first_rows} & {r[0] for r in second_rows}
    assert len(single_rows) > 100 and merged_rows == single_rows
    for name in ("matrix.csv", "summary.md"):
        assert (merged / name).read_text() == (single / name).read_text(), name
    info = json.loads((merged / "run.json").read_text())
    assert [shard["shard"] for shard in info["merged_from"]] == ["1/2", "2/2"]
    assert info["candidate"] == "torch" and info["duration_s"] >= max(s["duration_s"] for s in info["merged_from"])


def test_merge_refuses_a_missing_shard(tmp_path):
    merge = subprocess.run([sys.executable, "-m", "conformance", "merge", str(tmp_path / "nowhere"),
                            "--results-dir", str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True,
                           timeout=120)
    assert merge.returncode == 1 and "no parity.csv" in merge.stdout
