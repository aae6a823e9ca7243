"""kind=suite rows (conformance/suite.py): a toy suite whose outcomes are known runs under real torch and under mtv2
(through `python -m mtv2.compat pytest`, with and without xdist), and each test id becomes the row it should."""
import csv
import os
import shutil
import subprocess
import sys

import pytest

from conformance import suite

TOY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "toy_suite")
EXPECTED = {
    "test_add": ("pass", "passes under torch and under mtv2"),
    "test_runs_on_real_torch_only": ("fail", "passes under torch, fails under mtv2: AssertionError"),
    "test_skipped": ("skip", "skipped under torch: skipped by the suite itself"),
    "test_fails_everywhere": ("skip", "fails under torch too: ValueError: fails under both frameworks"),
    "Subtests.test_with_a_skipped_subtest": ("pass", "passes under torch and under mtv2"),
}


@pytest.fixture
def toy_tree(tmp_path):
    tree = tmp_path / "toy"
    shutil.copytree(TOY, tree)
    # kept under another name here, so that collecting tests/ never loads it
    (tree / "conftest_toy.py").rename(tree / "conftest.py")
    return tree


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one_process", "xdist"])
def test_toy_suite_rows(toy_tree, tmp_path, workers):
    outcomes = suite.run_both(["suite_toy.py"], str(toy_tree), str(tmp_path), workers)
    rows = {row["name"]: row for row in suite.rows_of("toy", outcomes)}
    assert sorted(rows) == sorted(EXPECTED)
    for name, (status, detail) in EXPECTED.items():
        assert rows[name]["status"] == status, rows[name]
        assert rows[name]["detail"].startswith(detail), rows[name]
        assert rows[name]["kind"] == "suite" and rows[name]["check"] == "suite"
        assert rows[name]["case_id"].startswith("suite/toy/suite_toy.py::")


def test_a_file_that_does_not_collect_under_mtv2_fails_every_test(toy_tree, tmp_path):
    (toy_tree / "suite_toy.py").write_text("import torch\nassert 'mtv2' not in torch.__file__, 'shim'\n"
                                           "def test_one():\n    pass\n")
    rows = suite.rows_of("toy", suite.run_both(["suite_toy.py"], str(toy_tree), str(tmp_path)))
    assert [(row["name"], row["status"]) for row in rows] == [("test_one", "fail")]
    assert rows[0]["detail"].startswith("did not collect under mtv2")


def test_command_merges_rows_into_results(toy_tree, tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    (results / "parity.csv").write_text(",".join(suite.COLUMNS) + "\nop/x/float32,op,x,,float32,forward,pass"
                                        + "," * 9 + "\n")
    done = subprocess.run([sys.executable, "-m", "conformance", "suite", "suite_toy.py", "--label", "toy",
                           "--results-dir", str(results)], cwd=toy_tree, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr            # one test fails under mtv2 only
    assert "torch passes 3, mtv2 passes 2, 1 fail under mtv2 only, 2 skipped" in done.stdout
    with open(results / "parity.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["case_id"] for row in rows][0] == "op/x/float32"
    assert len(rows) == 1 + len(EXPECTED)


def test_compat_pytest_passes_options_through(toy_tree):
    done = subprocess.run([sys.executable, "-m", "mtv2.compat", "pytest", "suite_toy.py", "-k", "add", "-q",
                           "-p", "no:cacheprovider", "--junitxml", "out.xml"], cwd=toy_tree, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "1 passed, 4 deselected" in done.stdout
    assert (toy_tree / "out.xml").exists()
    done = subprocess.run([sys.executable, "-m", "mtv2.compat", "pytest", "suite_toy.py", "-x", "-q",
                           "-p", "no:cacheprovider"], cwd=toy_tree, capture_output=True, text=True)
    assert done.returncode == 1 and "stopping after 1 failures" in done.stdout


def test_explain_names_the_reproduction(capsys):
    suite.explain("suite/my-suite/tests/test_x.py::Case::test_y")
    out = capsys.readouterr().out
    assert "not one of the conformance run's suites" in out
    assert "python -m mtv2.compat pytest 'tests/test_x.py::Case::test_y'" in out
