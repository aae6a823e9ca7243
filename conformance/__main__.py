"""python -m conformance <command>: tools around the parity matrix.

Commands: explain CASE_ID. (`report` and `diff` belong here too; they are a later issue.)
"""
import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m conformance")
    commands = parser.add_subparsers(dest="command", required=True)
    explain = commands.add_parser("explain", help="rerun one case in-process and show why it passes or fails")
    explain.add_argument("case_id", help="e.g. op/add/broadcast_rhs/float32 (a case_id of parity.csv)")
    explain.add_argument("--extra-specs", action="append", default=[],
                         help="a Python file with more SPECS (as for pytest --extra-specs)")
    arguments = parser.parse_args(argv)
    if arguments.command == "explain":
        from conformance.explain import explain as run_explain
        run_explain(arguments.case_id, arguments.extra_specs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
