"""python -m conformance <command>: tools around the parity matrix.

  report                 summary in the terminal; results/dashboard.html, heatmap.png, coverage.csv
  diff OLD.csv NEW.csv   regressions, fixes, added/removed rows, err_ratio drift; exit 1 on a regression
  explain CASE_ID        rerun one case in-process and show why it passes or fails
  suite PATH [-- ARGS]   run a pytest suite under real torch and under mtv2; its kind=suite rows go to results/
  merge DIR...           join the results dirs of shard runs (pytest --shard K/N) into one run's files
"""
import argparse
import os
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m conformance", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="summary, dashboard.html, heatmap.png and coverage.csv from a run")
    report.add_argument("--results-dir", default="results", help="where parity.csv is (default: results)")
    report.add_argument("--baseline", help="the matrix to check regressions against "
                                           "(default: RESULTS_DIR/baseline.csv)")
    diff = commands.add_parser("diff", help="compare two parity.csv files; exit 1 on any regression")
    diff.add_argument("old", help="the earlier matrix, e.g. results/baseline.csv")
    diff.add_argument("new", help="the later matrix, e.g. results/parity.csv")
    diff.add_argument("--drift", type=float, default=10.0,
                      help="report rows whose err_ratio grew by more than this factor (default: 10)")
    diff.add_argument("--strict", action="store_true",
                      help="also fail when a passing row became an expected failure or a skip")
    diff.add_argument("--limit", type=int, default=50, help="lines shown per section (default: 50)")
    explain = commands.add_parser("explain", help="rerun one case in-process and show why it passes or fails")
    explain.add_argument("case_id", help="a case_id of parity.csv, of any kind: op/add/broadcast_rhs/float32, "
                                         "opinfo/add/method/3/float32, optim/AdamW/amsgrad/float32, fuzz/...")
    explain.add_argument("--extra-specs", action="append", default=[],
                         help="a Python file with more SPECS (as for pytest --extra-specs)")
    suite = commands.add_parser("suite", help="run a pytest test file or directory under torch and under mtv2 "
                                              "(the torch shim) and write its kind=suite rows into results/")
    suite.add_argument("paths", nargs="+", help="test files or directories, as given to pytest")
    suite.add_argument("--rootdir", help="the directory pytest runs in (default: the current directory)")
    suite.add_argument("--label", help="the suite's name in the case ids (default: the first path's name)")
    suite.add_argument("--results-dir", default="results", help="where parity.csv is (default: results)")
    merge = commands.add_parser("merge", help="join the results dirs of `pytest conformance/ --shard K/N "
                                              "--results-dir DIR` runs into the files a single run writes")
    merge.add_argument("dirs", nargs="+", help="the shards' results dirs")
    merge.add_argument("--results-dir", default="results", help="where the merged files go (default: results)")
    argv = sys.argv[1:] if argv is None else list(argv)
    pytest_args = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    arguments = parser.parse_args(argv)
    if arguments.command == "suite":
        from conformance.suite import run_command
        return run_command(arguments.paths, arguments.rootdir, arguments.label, pytest_args,
                           os.path.abspath(arguments.results_dir))
    if arguments.command == "report":
        from conformance.report import run_report
        return run_report(arguments.results_dir, arguments.baseline)
    if arguments.command == "merge":
        from conformance.merge import run_merge
        return run_merge(arguments.dirs, arguments.results_dir)
    if arguments.command == "diff":
        from conformance.diff import run_diff
        return run_diff(arguments.old, arguments.new, arguments.drift, arguments.strict, arguments.limit)
    from conformance.explain import explain_case
    return explain_case(arguments.case_id, arguments.extra_specs)


if __name__ == "__main__":
    sys.exit(main())
