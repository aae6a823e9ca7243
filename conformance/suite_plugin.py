"""pytest plugin loaded (with -p) into both runs of a third-party suite: writes one JSON outcome per test id.

It is imported under real torch and under the mtv2 shim alike, so it imports neither. pytest's junit XML
cannot tell a passing test with skipped subtests from a skipped one; the reports can, so they are read here:
a test fails when any of its phases or subtests fails, passes when its call passed, and is skipped otherwise.
Collection errors are kept per file: the tests of a file that did not collect never report at all.
"""
import json
import os

RANK = {"skipped": 0, "passed": 1, "failed": 2}


def pytest_addoption(parser):
    parser.addoption("--suite-report", default=None, help="where to write the per-test outcomes (JSON)")


def pytest_configure(config):
    path = config.getoption("suite_report")
    if path and not hasattr(config, "workerinput"):     # the controller (or the only process) gathers
        config.pluginmanager.register(OutcomeGatherer(path), "suite-outcomes")


def first_line(report):
    text = str(report.longrepr) if report.longrepr is not None else ""
    if report.skipped and isinstance(report.longrepr, tuple):      # (file, line, "Skipped: reason")
        text = report.longrepr[2].removeprefix("Skipped: ")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # a failure's longrepr ends with "path:line: ExceptionClass" after the "E   ..." lines; the first E line says most
    errors = [line[1:].strip() for line in lines if line.startswith("E ")]
    return (errors[0] if errors else lines[-1] if lines else "")[:400]


class OutcomeGatherer:
    def __init__(self, path):
        self.path = path
        self.tests = {}             # nodeid -> {"outcome", "detail", "seconds"}
        self.collect_errors = {}    # file -> first line of the error

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors[report.nodeid or "."] = first_line(report)

    def pytest_runtest_logreport(self, report):
        entry = self.tests.setdefault(report.nodeid, {"outcome": None, "detail": "", "seconds": 0.0})
        entry["seconds"] += report.duration
        subtest = type(report).__name__ == "SubtestReport"
        outcome = report.outcome
        if report.when != "call" and outcome == "passed":
            return                                       # a setup or teardown that passed says nothing
        if subtest and outcome == "passed":
            return                                       # a passing subtest neither passes nor skips the test
        if subtest and outcome == "skipped" and entry["outcome"] is not None:
            return
        if entry["outcome"] is None or RANK[outcome] > RANK[entry["outcome"]]:
            entry["outcome"], entry["detail"] = outcome, first_line(report)

    def pytest_sessionfinish(self, session):
        tests = {nodeid: entry for nodeid, entry in self.tests.items() if entry["outcome"] is not None}
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        with open(self.path, "w", encoding="utf-8") as handle:
            json.dump({"tests": tests, "collect_errors": self.collect_errors,
                       "exitstatus": int(session.exitstatus)}, handle, indent=1, sort_keys=True)
