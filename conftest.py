"""pytest plugin of the conformance harness: gathers every case's rows, writes results/ once.

Each conformance test attaches its rows to its report (record_property). The controller (the only
process when -n 0; the xdist controller otherwise) collects them in pytest_runtest_logreport and,
at session end, writes results/ atomically. Workers never write. A case whose test fails without
rows (a crashed worker, a setup error) gets error rows synthesized here, so no row goes missing.
"""
import json
import os
import time
import zlib

# One BLAS thread per process: xdist already runs one process per core, and a fixed thread count
# keeps float summation order, hence every number in parity.csv, identical between runs.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

CASE_TEST = "::test_cases["


def pytest_addoption(parser):
    group = parser.getgroup("conformance")
    group.addoption("--results-dir", default="results",
                    help="where parity.csv, matrix.csv, summary.md and run.json go")
    group.addoption("--case-timeout", type=float, default=60.0,
                    help="seconds one conformance case may take before it becomes error rows")
    group.addoption("--extra-specs", action="append", default=[],
                    help="a Python file with SPECS to add to the case tables (harness self-tests)")
    group.addoption("--shard", default=None, metavar="K/N",
                    help="run only shard K of N (1 <= K <= N): the tests whose id hashes (crc32) to K - 1 "
                         "modulo N; join the shards' --results-dir with `python -m conformance merge`")


def parse_shard(text):
    """'2/4' -> (2, 4); a usage error for anything but 1 <= K <= N."""
    import pytest
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise pytest.UsageError(f"--shard takes K/N (e.g. 1/2), not {text!r}") from None
    if not 1 <= index <= count:
        raise pytest.UsageError(f"--shard {text}: K must be between 1 and N")
    return index, count


def in_shard(test_id, index, count):
    """A stable hash of the test id, never of collection order: the same tests land in the same shard on any
    machine, with any -n, and a -k selection's shards partition that selection."""
    return zlib.crc32(test_id.encode()) % count == index - 1


# The conformance tests that take minutes (the third-party suite runs two pytest processes; hf builds models; fuzz runs
# hundreds of examples) start first: with xdist handing tests out in collection order, one that starts last is a
# tail the other workers wait on. Rows do not depend on the order (inputs are seeded by the case id).
LONG_FIRST = ("conformance/test_suite.py", "conformance/test_hf.py", "conformance/test_fuzz.py",
              "conformance/test_bert.py")


def _start_rank(item):
    path = item.nodeid.split("::", 1)[0]
    return LONG_FIRST.index(path) if path in LONG_FIRST else len(LONG_FIRST)


def pytest_collection_modifyitems(config, items):
    items.sort(key=_start_rank)   # stable: the order within each rank is collection order
    shard = config.getoption("shard", None)
    if not shard:
        return
    index, count = parse_shard(shard)
    kept = [item for item in items if in_shard(item.nodeid, index, count)]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if not in_shard(item.nodeid, index, count)])
        items[:] = kept


def pytest_configure(config):
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(RowGatherer(config), "conformance-rows")


class RowGatherer:
    def __init__(self, config):
        self.config = config
        self.rows = {}            # (case_id, check) -> row
        self.start = time.time()
        self.start_text = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        self._groups = None

    def pytest_runtest_logreport(self, report):
        from conformance.run import ROW_PROPERTY
        attached = [json.loads(value) for key, value in report.user_properties if key == ROW_PROPERTY]
        for rows in attached:
            for row in rows:
                self.rows[(row["case_id"], row["check"])] = row
        if report.failed and not attached and CASE_TEST in report.nodeid:
            self._synthesize(report)
        elif report.failed and not attached and report.nodeid.startswith("conformance/") and "[" in report.nodeid:
            self._synthesize_unplanned(report)

    def _synthesize(self, report):
        from conformance.cases import all_cases, group_cases
        from conformance.run import error_rows
        if self._groups is None:
            self._groups = group_cases(all_cases(self.config.getoption("extra_specs")))
        test_id = report.nodeid.split(CASE_TEST, 1)[1][:-1]
        text = " ".join(str(report.longrepr).split())[-300:]
        for case in self._groups.get(test_id, []):
            for row in error_rows(case, f"no rows came back ({report.when}): {text}"):
                self.rows.setdefault((row["case_id"], row["check"]), row)

    def _synthesize_unplanned(self, report):
        """A failed test of another entry point (optim, bert) that brought no rows: one row says so. Its id is
        the test's parameter, which those entry points make the case-id prefix (kind/name/.../dtype)."""
        from conformance.checks import CheckResult
        from conformance.run import COLUMNS
        test_id = report.nodeid.rsplit("[", 1)[1][:-1]
        parts = test_id.split("/")
        text = " ".join(str(report.longrepr).split())[-300:]
        row = dict.fromkeys(COLUMNS)
        row.update(vars(CheckResult("error", f"no rows came back ({report.when}): {text}")))
        row.update(case_id=test_id, kind=parts[0], name=parts[1] if len(parts) > 1 else test_id,
                   variant="", dtype=parts[-1] if len(parts) > 2 else "", check="crash")
        self.rows.setdefault((row["case_id"], row["check"]), row)

    def pytest_sessionfinish(self, session):
        if not self.rows:
            return
        from conformance import frameworks, matrix
        info = matrix.run_info(self.start_text, time.time() - self.start,
                               frameworks.candidate_name(), list(self.config.invocation_params.args),
                               str(self.config.rootpath))
        if self.config.getoption("shard"):
            info["shard"] = self.config.getoption("shard")
        matrix.write_results(list(self.rows.values()), self.config.getoption("results_dir"), info)
