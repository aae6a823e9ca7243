"""The report's logic on synthetic matrices: the pivot, diff's verdicts and exit codes, the coverage join,
and a dashboard that parses and names every case."""
import html.parser
import subprocess
import sys

import pandas as pd
import pytest

from conformance import coverage
from conformance.diff import compare, read_matrix, run_diff
from conformance.report import dashboard_html, load_parity, pivot_cells, run_report
from conformance.run import COLUMNS


def row(case_id, check, status, err_ratio=0.0, name=None, dtype="float32", detail=""):
    values = dict.fromkeys(COLUMNS, "")
    name = name or case_id.split("/")[1]
    values.update(case_id=case_id, kind="op", name=name, variant=case_id.split("/")[2], dtype=dtype,
                  check=check, status=status, err_ratio=err_ratio, atol=1e-5, rtol=1e-6, tol_source="default",
                  detail=detail)
    return values


def write(path, rows):
    pd.DataFrame(rows, columns=COLUMNS).to_csv(path, index=False)
    return str(path)


BASE = [row("op/add/a/float32", "forward", "pass", 0.1), row("op/add/a/float32", "backward", "pass", 0.001),
        row("op/mul/b/float32", "forward", "xfail", name="mul"), row("op/sub/c/float64", "forward", "fail",
                                                                      dtype="float64", detail="off by 1")]


def test_identical_matrices_pass(tmp_path, capsys):
    old = write(tmp_path / "old.csv", BASE)
    assert run_diff(old, old) == 0
    assert "0 regressions" in capsys.readouterr().out


def test_a_regression_fails_and_is_named(tmp_path, capsys):
    new = [dict(r) for r in BASE]
    new[0]["status"], new[0]["detail"] = "fail", "max abs err 3"
    assert run_diff(write(tmp_path / "old.csv", BASE), write(tmp_path / "new.csv", new)) == 1
    out = capsys.readouterr().out
    assert "REGRESSIONS (1)" in out and "op/add/a/float32 [forward] pass -> fail: max abs err 3" in out


def test_xfail_to_error_is_a_regression_and_xfail_to_pass_a_fix(tmp_path):
    new = [dict(r) for r in BASE]
    new[2]["status"] = "error"
    new[3]["status"] = "pass"
    diff = compare(read_matrix(write(tmp_path / "old.csv", BASE)), read_matrix(write(tmp_path / "new.csv", new)))
    assert [r[:4] for r in diff.regressions] == [("op/mul/b/float32", "forward", "xfail", "error")]
    assert [r[:4] for r in diff.fixes] == [("op/sub/c/float64", "forward", "fail", "pass")]


def test_hiding_a_pass_fails_only_when_strict(tmp_path):
    new = [dict(r) for r in BASE]
    new[1]["status"] = "xfail"
    old_path, new_path = write(tmp_path / "old.csv", BASE), write(tmp_path / "new.csv", new)
    assert run_diff(old_path, new_path) == 0
    assert run_diff(old_path, new_path, strict=True) == 1


def test_added_removed_and_drift(tmp_path):
    new = [dict(r) for r in BASE[1:]] + [row("op/div/d/float32", "forward", "pass")]
    new[0]["err_ratio"] = 0.5          # backward of add: 0.001 -> 0.5, a factor of 500
    diff = compare(read_matrix(write(tmp_path / "old.csv", BASE)), read_matrix(write(tmp_path / "new.csv", new)),
                   drift_factor=10)
    assert diff.added == [("op/div/d/float32", "forward", "pass")]
    assert diff.removed == [("op/add/a/float32", "forward", "pass")]
    assert [(r[0], r[1]) for r in diff.drift] == [("op/add/a/float32", "backward")]
    assert not diff.failed(strict=True)


def test_diff_command_exit_status(tmp_path):
    new = [dict(r) for r in BASE]
    new[0]["status"] = "error"
    old_path, new_path = write(tmp_path / "old.csv", BASE), write(tmp_path / "new.csv", new)
    command = [sys.executable, "-m", "conformance", "diff"]
    assert subprocess.run(command + [old_path, old_path], capture_output=True).returncode == 0
    failed = subprocess.run(command + [old_path, new_path], capture_output=True, text=True)
    assert failed.returncode == 1 and "op/add/a/float32" in failed.stdout


def test_pivot_takes_the_worst_status_and_largest_ratio(tmp_path):
    rows = [row("op/add/a/float32", "forward", "pass", 0.2), row("op/add/b/float32", "forward", "fail", 3.0),
            row("op/add/c/float32", "forward", "xfail", 0.1)]
    cells = pivot_cells(load_parity(write(tmp_path / "p.csv", rows)))
    assert cells.to_dict("records") == [{"name": "add", "check": "forward", "dtype": "float32",
                                         "status": "fail", "err_ratio": 3.0, "cases": 3}]


class _Collector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.open_tags = [], []

    def handle_starttag(self, tag, attributes):
        if tag not in ("meta", "input", "br"):
            self.open_tags.append(tag)

    def handle_endtag(self, tag):
        assert self.open_tags and self.open_tags[-1] == tag, f"</{tag}> closes {self.open_tags[-1:]}"
        self.open_tags.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_dashboard_parses_and_names_every_case(tmp_path):
    parity = load_parity(write(tmp_path / "p.csv", BASE + [row("op/<odd&name>/x/float32", "forward", "pass")]))
    table = pd.DataFrame([{"api": "add", "group": "torch", "in_mtv2": True, "has_cases": True,
                           "statuses": "pass:2"}])
    page = dashboard_html(parity, None, table, {"mtv2_commit": "abc"})
    parser = _Collector()
    parser.feed(page)
    parser.close()
    assert parser.open_tags == []
    text = "".join(parser.text)
    assert all(case_id in text for case_id in parity["case_id"])


torch = pytest.importorskip("torch")


def test_coverage_joins_torch_mtv2_and_the_matrix():
    import mtv2
    parity = pd.DataFrame([row("op/add/a/float32", "forward", "pass"), row("op/add/a/float32", "backward", "fail"),
                           row("op/Tensor.add/a/float32", "forward", "pass", name="Tensor.add")])
    table = coverage.coverage_table(torch, mtv2, parity).set_index(["api", "group"])
    assert table.loc[("add", "torch")].to_dict() == {"in_mtv2": True, "has_cases": True,
                                                     "statuses": "fail:1 pass:1"}
    assert table.loc[("Tensor.add", "Tensor"), "has_cases"]
    assert not table.loc[("nn.AdaptiveLogSoftmaxWithLoss", "nn"), "in_mtv2"]
    assert ("optim.AdamW", "bert") in table.index
    assert "Tensor.sub" in coverage.untested(table.reset_index())   # in mtv2, no rows
    assert "add" not in coverage.untested(table.reset_index())


def test_report_writes_the_three_files(tmp_path, capsys):
    write(tmp_path / "parity.csv", BASE)
    write(tmp_path / "baseline.csv", BASE)
    assert run_report(str(tmp_path)) == 0
    for name in ("dashboard.html", "heatmap.png", "coverage.csv"):
        assert (tmp_path / name).stat().st_size > 0
    assert "0 regressions" in capsys.readouterr().out
