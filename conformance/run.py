"""Run one case on both frameworks -> its rows (dicts with the parity.csv columns)."""
import signal
import threading
from contextlib import contextmanager

from conformance import frameworks
from conformance.checks import CHECKS, CaseContext, CheckResult
from conformance.inputs import draw_sample
from conformance.outcome import exception_text

COLUMNS = ("case_id", "kind", "name", "variant", "dtype", "check", "status", "max_abs_err",
           "max_rel_err", "err_ratio", "atol", "rtol", "tol_source", "mtv2_ms", "torch_ms", "detail")
FAILING = ("fail", "error", "xpass")
DEFAULT_TIME_LIMIT = 60.0
ROW_PROPERTY = "conformance_rows"   # the user_properties key that carries a case's rows


class CaseTimeout(BaseException):
    """Raised by SIGALRM; a BaseException so that no check's `except Exception` swallows it."""


@contextmanager
def time_limit(seconds):
    """SIGALRM-based limit; only the main thread can take signals (xdist workers run tests there)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return
    def expire(signum, frame):
        raise CaseTimeout(f"case exceeded its time limit of {seconds:g}s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def make_row(case, check, result):
    row = dict.fromkeys(COLUMNS)
    row.update(case_id=case.case_id, kind=case.kind, name=case.row_name(check),
               variant=case.variant, dtype=case.dtype, check=check, **vars(result))
    return apply_xfail(case, row)


def apply_xfail(case, row):
    # op and module cases carry their xfails on the spec; optim, bert and hf cases declare none
    for xfail in getattr(getattr(case, "spec", None), "xfails", ()):
        if xfail.matches(row["check"], row["dtype"], row["variant"]):
            return mark_expected_failure(row, xfail.reason, "remove the xfail")
    return row


def mark_expected_failure(row, reason, how_to_retire):
    """A declared expected failure on its row: a failing row becomes xfail, a passing one xpass (a failure that
    says `how_to_retire` the declaration), so a declaration cannot go stale."""
    if row["status"] in ("fail", "error"):
        row["status"], row["detail"] = "xfail", f"xfail: {reason} | {row['detail']}"
    elif row["status"] == "pass":
        row["status"] = "xpass"
        row["detail"] = f"unexpected pass; {how_to_retire}: {reason}"
    return row


def error_rows(case, detail, checks=None):
    """Rows for checks that never produced a result (crash, timeout, candidate missing)."""
    return [make_row(case, check, CheckResult("error", detail)) for check in checks or case.checks]


def grad_mode_leak(reference, candidate):
    """Global grad mode must be back on after every check; a framework that leaves it off would
    corrupt later, unrelated cases (and make rows depend on execution order), so reset it here."""
    leaked = [fw for fw in (reference, candidate) if not fw.is_grad_enabled()]
    for fw in leaked:
        fw.set_grad_enabled(True)
    if candidate in leaked and reference not in leaked:
        return "mtv2 left grad mode disabled after this check (torch restores it)"
    return ""


def run_case(case, time_limit_seconds=DEFAULT_TIME_LIMIT):
    """All planned checks of `case`; every planned check yields exactly one row, whatever happens."""
    try:
        reference, candidate = frameworks.reference(), frameworks.candidate()
    except Exception as exception:
        return error_rows(case, f"{frameworks.candidate_name()} failed to import: "
                                f"{exception_text(exception)}")
    rows = []
    try:
        with time_limit(time_limit_seconds):
            drawn = draw_sample(case.sample, case.dtype, case.spec.domains, case.case_id)
            context = CaseContext(case, drawn, reference, candidate)
            for check in case.checks:
                try:
                    result = CHECKS[check](context)
                except Exception as exception:   # a harness-side surprise is still a row
                    result = CheckResult("error", f"check crashed: {exception_text(exception)}")
                leak = grad_mode_leak(reference, candidate)
                if leak and result.status == "pass":
                    result = CheckResult("fail", leak, mtv2_ms=result.mtv2_ms, torch_ms=result.torch_ms)
                rows.append(make_row(case, check, result))
    except CaseTimeout as timeout:
        done = {row["check"] for row in rows}
        rows += error_rows(case, str(timeout), [c for c in case.checks if c not in done])
    except Exception as exception:
        done = {row["check"] for row in rows}
        rows += error_rows(case, f"case crashed: {exception_text(exception)}",
                           [c for c in case.checks if c not in done])
    return rows


def rows_from_results(case, results_of, time_limit_seconds):
    """Rows of a case whose checks run together (optim, bert): results_of(case) -> {check: CheckResult}. As in
    run_case, every planned check yields exactly one row, whatever happens (no framework, a crash, a timeout)."""
    try:
        frameworks.reference(), frameworks.candidate()
    except Exception as exception:
        return [make_row(case, check, CheckResult("error", f"failed to import: {exception_text(exception)}"))
                for check in case.checks]
    try:
        with time_limit(time_limit_seconds):
            results = results_of(case)
    except BaseException as exception:   # CaseTimeout included: it must become rows, not a lost test
        if isinstance(exception, (KeyboardInterrupt, SystemExit)):
            raise
        results = {check: CheckResult("error", f"case crashed: {exception_text(exception)}")
                   for check in case.checks}
    for fw in (frameworks.reference(), frameworks.candidate()):
        if not fw.is_grad_enabled():
            fw.set_grad_enabled(True)
    return [make_row(case, check, results.get(check, CheckResult("error", "the case made no result")))
            for check in case.checks]
