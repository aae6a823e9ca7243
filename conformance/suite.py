"""Third-party test suites as matrix rows (kind=suite): a suite runs under real torch and under mtv2.

    python -m conformance suite PATH [PATH ...] [--rootdir DIR] [--label NAME] [-- PYTEST ARGS]

runs pytest on PATH twice, at the same time: `python -m pytest` (real torch) and `python -m mtv2.compat pytest`
(mtv2 as torch), each with conformance/suite_plugin.py writing one outcome per test id. One row per test id:
- pass:  it passes under mtv2 (and under torch);
- fail:  it passes under torch and fails, errors or is skipped under mtv2 (the first error line in detail);
- skip:  torch skips it (torch's reason) or torch fails it too, so there is nothing to compare.
The rows go into results/ (parity.csv keeps every other row; the suite's old rows are replaced), so
`python -m conformance report` shows them. The conformance run itself runs the suites of SUITES
(conformance/test_suite.py): transformers' BERT test module from ../shared/transformers-tests.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

from conformance.checks import CheckResult
from conformance.run import COLUMNS

PLUGIN = "conformance.suite_plugin"
CHECK = "suite"
RUN_TIMEOUT = 3600.0
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}   # nothing is ever fetched from a hub
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---------------------------------------------------------------- running pytest twice

def _command(framework, targets, report, pytest_args):
    runner = ["-m", "pytest"] if framework == "torch" else ["-m", "mtv2.compat", "pytest"]
    return [sys.executable, *runner, *targets, "-p", PLUGIN, f"--suite-report={report}", "-p", "no:cacheprovider",
            "-q", "-o", "addopts=", *pytest_args]


def run_both(targets, rootdir, workdir, pytest_args=(), environment=None, timeout=RUN_TIMEOUT):
    """{framework: outcomes} after running the suite under both frameworks side by side."""
    environment = dict(os.environ, **(environment or {}))
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, environment.get("PYTHONPATH")]))
    processes, outcomes = {}, {}
    for framework in ("torch", "mtv2"):
        report = os.path.join(workdir, f"{framework}.json")
        log = open(os.path.join(workdir, f"{framework}.log"), "w")
        processes[framework] = (report, log, time.time(), subprocess.Popen(
            _command(framework, targets, report, pytest_args), cwd=rootdir, env=environment,
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL))
    for framework, (report, log, start, process) in processes.items():
        try:
            process.wait(timeout=max(1.0, timeout - (time.time() - start)))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        outcomes[framework] = _read_outcomes(report, log.name, process.returncode)
    return outcomes


def _read_outcomes(report, log_path, returncode):
    if os.path.exists(report):
        with open(report, encoding="utf-8") as handle:
            return json.load(handle)
    with open(log_path, encoding="utf-8", errors="replace") as handle:
        tail = " ".join(handle.read().split())[-400:]
    return {"tests": {}, "collect_errors": {".": f"pytest exited {returncode} without a report: {tail}"},
            "exitstatus": returncode}


# ---------------------------------------------------------------- outcomes -> rows

def test_name(nodeid):
    """`path.py::Class::test_x[param]` -> `Class.test_x[param]`: the test's class and function."""
    return ".".join(nodeid.split("::")[1:]) or nodeid


def _missing_detail(nodeid, outcomes):
    """Why a test that torch ran has no outcome under mtv2: its file did not collect, or the run died."""
    errors = outcomes["collect_errors"]
    for location, text in errors.items():
        if location == "." or nodeid.startswith(location):
            return f"did not collect under mtv2: {text}"
    return f"did not run under mtv2 (pytest exit status {outcomes['exitstatus']})"


def compare(nodeid, theirs, mine_outcomes):
    """The row's status and detail for one test id from torch's outcome and mtv2's."""
    if theirs["outcome"] == "skipped":
        return CheckResult("skip", f"skipped under torch: {theirs['detail']}")
    if theirs["outcome"] == "failed":
        return CheckResult("skip", f"fails under torch too: {theirs['detail']}")
    mine = mine_outcomes["tests"].get(nodeid)
    if mine is None:
        return CheckResult("fail", _missing_detail(nodeid, mine_outcomes))
    if mine["outcome"] == "passed":
        return CheckResult("pass", "passes under torch and under mtv2")
    if mine["outcome"] == "skipped":
        return CheckResult("fail", f"passes under torch, skipped under mtv2: {mine['detail']}")
    return CheckResult("fail", f"passes under torch, fails under mtv2: {mine['detail']}")


def rows_of(label, outcomes):
    theirs_tests, mine = outcomes["torch"]["tests"], outcomes["mtv2"]
    rows = []
    for nodeid in sorted(theirs_tests):
        theirs = theirs_tests[nodeid]
        row = dict.fromkeys(COLUMNS)
        row.update(case_id=f"suite/{label}/{nodeid}", kind="suite", name=test_name(nodeid),
                   variant=nodeid.split("::")[0], dtype="", check=CHECK, **vars(compare(nodeid, theirs, mine)))
        row["torch_ms"] = round(theirs["seconds"] * 1000, 3)
        if nodeid in mine["tests"]:
            row["mtv2_ms"] = round(mine["tests"][nodeid]["seconds"] * 1000, 3)
        rows.append(row)
    if not theirs_tests:                       # torch itself ran nothing: one row says so, never an empty pass
        row = dict.fromkeys(COLUMNS)
        errors = "; ".join(f"{k}: {v}" for k, v in outcomes["torch"]["collect_errors"].items())
        row.update(case_id=f"suite/{label}", kind="suite", name=label, variant="", dtype="", check=CHECK,
                   **vars(CheckResult("error", f"no test ran under torch: {errors or 'nothing collected'}")))
        rows.append(row)
    return rows


def counts(rows):
    tally = {"pass": 0, "fail": 0, "skip": 0, "error": 0}
    for row in rows:
        tally[row["status"]] = tally.get(row["status"], 0) + 1
    return tally


# ---------------------------------------------------------------- the suites the conformance run includes

def _link_installed_transformers(tree):
    # test_pipeline_mixin.py imports <root>/src/transformers: the installed package stands there (the tree's README)
    import importlib.util
    package = os.path.dirname(importlib.util.find_spec("transformers").origin)
    os.makedirs(os.path.join(tree, "src"), exist_ok=True)
    link = os.path.join(tree, "src", "transformers")
    if not os.path.lexists(link):
        os.symlink(package, link)


@dataclass(frozen=True)
class Suite:
    label: str
    source: str                  # a directory, copied to a writable place before each run
    targets: tuple               # paths inside it
    prepare: object = None       # tree -> None, after the copy
    environment: dict = field(default_factory=dict)


SHARED_TESTS = os.path.join(os.path.dirname(ROOT), "shared", "transformers-tests")
SUITES = {suite.label: suite for suite in (
    Suite("transformers-bert", SHARED_TESTS, ("tests/models/bert/test_modeling_bert.py",),
          _link_installed_transformers, OFFLINE),
)}


def _copy_tree(suite, tree):
    shutil.copytree(suite.source, tree, symlinks=True)
    for directory, _, files in os.walk(tree):
        for name in files + [""]:
            path = os.path.join(directory, name)
            if not os.path.islink(path):
                os.chmod(path, os.stat(path).st_mode | 0o200)
    if suite.prepare:
        suite.prepare(tree)


def run_suite(suite, workdir):
    """Copy the suite's tree (the shared copy is read-only and the tests write), run it twice -> rows."""
    tree = os.path.join(workdir, "tree")
    _copy_tree(suite, tree)
    outcomes = run_both(list(suite.targets), tree, workdir, environment=suite.environment)
    return rows_of(suite.label, outcomes)


# ---------------------------------------------------------------- the command

def merge_into_results(rows, results_dir, label):
    """parity.csv keeps its other rows; this suite's earlier rows are replaced by these."""
    from conformance import matrix
    from conformance.merge import read_parity
    path = os.path.join(results_dir, "parity.csv")
    prefix = f"suite/{label}"
    kept = [row for row in (read_parity(path) if os.path.exists(path) else [])
            if not (row["case_id"] == prefix or row["case_id"].startswith(prefix + "/"))]
    info = matrix.run_info(time.strftime("%Y-%m-%dT%H:%M:%S%z"), 0.0, "mtv2", ["suite", label], ROOT)
    matrix.write_results(kept + rows, results_dir, info)


def run_command(paths, rootdir, label, pytest_args, results_dir):
    rootdir = os.path.abspath(rootdir or os.getcwd())
    label = label or os.path.basename(os.path.normpath(paths[0])).removesuffix(".py")
    workdir = tempfile.mkdtemp(prefix=f"suite-{label}-")
    targets = [os.path.relpath(os.path.abspath(path), rootdir) for path in paths]
    outcomes = run_both(targets, rootdir, workdir, pytest_args, OFFLINE)
    rows = rows_of(label, outcomes)
    merge_into_results(rows, results_dir, label)
    tally = counts(rows)
    for row in rows:
        if row["status"] in ("fail", "error"):
            print(f"{row['status']:5} {row['name']}: {row['detail']}")
    print(f"suite {label}: {len(rows)} test ids; torch passes {tally['pass'] + tally['fail']}, "
          f"mtv2 passes {tally['pass']}, {tally['fail']} fail under mtv2 only, {tally['skip']} skipped "
          f"(by torch, or failing under torch too); rows in {results_dir}/parity.csv; logs in {workdir}")
    return 1 if tally["fail"] or tally["error"] else 0


# ---------------------------------------------------------------- explain

def explain(case_id):
    """`python -m conformance explain suite/LABEL/NODEID`: rerun that one test under both frameworks."""
    _, label, nodeid = case_id.split("/", 2)
    if label not in SUITES:
        print(f"{label} is not one of the conformance run's suites ({', '.join(SUITES)}); from the directory you ran "
              f"`python -m conformance suite` in, reproduce it with:")
        rootdir = "."
    else:
        workdir = tempfile.mkdtemp(prefix=f"explain-{label}-")
        chosen = SUITES[label]
        rootdir = os.path.join(workdir, "tree")
        rows = rows_of(label, _run_one(chosen, nodeid, workdir))
        for row in rows:
            print(f"{row['case_id']}\n  status {row['status']}: {row['detail']}\n"
                  f"  torch {row['torch_ms']} ms, mtv2 {row['mtv2_ms']} ms; logs in {workdir}")
        print("reproduction (in a writable copy of the suite's tree, e.g. the one above):")
    environment = " ".join(f"{key}={value}" for key, value in OFFLINE.items())
    print(f"    cd {rootdir}\n    {environment} python -m pytest '{nodeid}' -p no:cacheprovider          # real torch\n"
          f"    {environment} python -m mtv2.compat pytest '{nodeid}' -p no:cacheprovider   # mtv2 as torch")
    return 0


def _run_one(chosen, nodeid, workdir):
    tree = os.path.join(workdir, "tree")
    _copy_tree(chosen, tree)
    return run_both([nodeid], tree, workdir, environment=chosen.environment)
