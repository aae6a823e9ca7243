"""The whole pipeline in a subprocess: results/ is identical across worker counts, and a crashing
or hanging case becomes error rows while the run goes on. torch stands in as the candidate
(CONFORMANCE_CANDIDATE=torch) so these tests do not depend on the state of mtv2."""
import csv
import os
import pathlib
import subprocess
import sys

import pytest

pytest.importorskip("xdist")
ROOT = pathlib.Path(__file__).resolve().parents[2]
TOY_SPECS = pathlib.Path(__file__).with_name("toy_specs.py")
SUBSET = "Tensor.view or (Tensor.mean and float32)"


def run_pytest(results_dir, *arguments):
    environment = dict(os.environ, CONFORMANCE_CANDIDATE="torch")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:warnings",
                           str(ROOT / "conformance" / "test_ops.py"), "--results-dir", str(results_dir),
                           *arguments], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=300)


def read_rows(path, drop=("mtv2_ms", "torch_ms")):
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        columns = [c for c in reader.fieldnames if c not in drop]
        return reader.fieldnames, [tuple(row[c] for c in columns) for row in reader]


def test_rows_identical_with_and_without_workers(tmp_path):
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    first = run_pytest(serial, "-n", "0", "-k", SUBSET)
    second = run_pytest(parallel, "-n", "2", "-k", SUBSET)
    assert first.returncode in (0, 1) and second.returncode in (0, 1), first.stdout + second.stdout
    columns, serial_rows = read_rows(serial / "parity.csv")
    _, parallel_rows = read_rows(parallel / "parity.csv")
    assert columns == ["case_id", "kind", "name", "variant", "dtype", "check", "status",
                       "max_abs_err", "max_rel_err", "err_ratio", "atol", "rtol", "tol_source",
                       "mtv2_ms", "torch_ms", "detail"]
    assert len(serial_rows) > 100 and serial_rows == parallel_rows
    assert serial_rows == sorted(serial_rows, key=lambda row: (row[0], row[5]))
    assert (serial / "matrix.csv").read_text() == (parallel / "matrix.csv").read_text()
    assert {"run.json", "summary.md"} <= {p.name for p in serial.iterdir()}
    assert not [p for p in serial.iterdir() if ".tmp-" in p.name]


def test_crashing_and_hanging_cases_become_error_rows(tmp_path):
    result = run_pytest(tmp_path, "-n", "2", "--extra-specs", str(TOY_SPECS), "--case-timeout", "1",
                        "-k", "toy_")
    assert result.returncode == 1, result.stdout
    _, rows = read_rows(tmp_path / "parity.csv", drop=())
    by_case = {(row[0], row[5]): (row[6], row[-1]) for row in rows}
    status, detail = by_case[("op/toy_crash/vector/float32", "forward")]
    assert status == "error" and "crashed" in detail
    status, detail = by_case[("op/toy_hang/vector/float32", "forward")]
    assert status == "error" and "time limit" in detail
    assert by_case[("op/toy_fine/vector/float32", "forward")][0] == "pass"
