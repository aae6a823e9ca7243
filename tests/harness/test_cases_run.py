"""Running cases in-process: a wrong op fails, a hanging case becomes error rows, xfail works."""
import types

import pytest

from conformance import frameworks
from conformance.cases import cases_of
from conformance.inputs import Sample, T
from conformance.run import run_case
from conformance.spec import OpSpec, XFail

torch = pytest.importorskip("torch")
ONE = (Sample("matrix", (T(3, 4),)),)


class WrongExpFramework(types.ModuleType):
    """torch, except that exp is 1% off: a deliberately wrong toy op, visible only in this test."""
    def __init__(self):
        super().__init__("wrong_exp_framework")

    def __getattr__(self, name):
        return getattr(torch, name)

    @staticmethod
    def exp(tensor):
        return torch.exp(tensor) * 1.01


@pytest.fixture
def wrong_candidate(monkeypatch):
    monkeypatch.setattr(frameworks, "candidate", WrongExpFramework)


def rows_of(spec):
    return {row["check"]: row for case in cases_of(spec) for row in run_case(case, 5)}


def test_wrong_toy_op_is_reported_fail(wrong_candidate):
    rows = rows_of(OpSpec("toy_exp", lambda fw, a: fw.exp(a), ONE, ("float64",)))
    assert rows["forward"]["status"] == "fail"
    assert rows["forward"]["err_ratio"] > 1
    assert rows["backward"]["status"] == "fail"
    # finite differences of torch's forward say mtv2's gradient is the wrong one
    assert "mtv2 off by" in rows["backward"]["detail"]


def test_declared_divergence_is_xfail_and_a_stale_one_is_xpass(wrong_candidate):
    declared = XFail("exp is 1% off in this toy", checks=("forward", "backward"))
    wrong = rows_of(OpSpec("toy_exp", lambda fw, a: fw.exp(a), ONE, ("float32",), xfails=(declared,)))
    assert wrong["forward"]["status"] == "xfail" and "1% off" in wrong["forward"]["detail"]
    right = rows_of(OpSpec("toy_sin", lambda fw, a: fw.sin(a), ONE, ("float32",), xfails=(declared,)))
    assert right["forward"]["status"] == "xpass"


def test_hanging_case_becomes_error_rows():
    def hang(fw, a):
        while True:
            pass
    spec = OpSpec("toy_hang", hang, ONE, ("float32",))
    rows = [row for case in cases_of(spec) for row in run_case(case, time_limit_seconds=0.5)]
    assert [row["check"] for row in rows] == list(cases_of(spec)[0].checks)
    assert all(row["status"] == "error" and "time limit" in row["detail"] for row in rows)


class RaisingExpFramework(WrongExpFramework):
    @staticmethod
    def exp(tensor):
        raise ValueError("exp is broken in this toy")


def test_raising_case_becomes_error_row(monkeypatch):
    monkeypatch.setattr(frameworks, "candidate", RaisingExpFramework)
    rows = rows_of(OpSpec("toy_exp", lambda fw, a: fw.exp(a), ONE, ("float32",)))
    assert rows["forward"]["status"] == "error" and "exp is broken" in rows["forward"]["detail"]


def test_inputs_depend_only_on_the_case_id():
    from conformance.inputs import draw_sample
    spec = OpSpec("toy", lambda fw, a: a, ONE, ("float32", "int64"))
    first = [draw_sample(c.sample, c.dtype, spec.domains, c.case_id)[0].storage for c in cases_of(spec)]
    again = [draw_sample(c.sample, c.dtype, spec.domains, c.case_id)[0].storage
             for c in reversed(cases_of(spec))][::-1]
    assert all((a == b).all() for a, b in zip(first, again))


class WrongLinearFramework(types.ModuleType):
    """torch, except that nn.Linear adds 0.01 to its output: a wrong module the module checks must catch."""
    def __init__(self):
        super().__init__("wrong_linear_framework")
        self.nn = types.SimpleNamespace(**{name: getattr(torch.nn, name) for name in dir(torch.nn)
                                           if not name.startswith("__")})

        class ShiftedLinear(torch.nn.Linear):
            def forward(self, x):
                return super().forward(x) + 0.01
        self.nn.Linear = ShiftedLinear

    def __getattr__(self, name):
        return getattr(torch, name)


def test_module_cases_compare_outputs_parameter_grads_and_state_dict(monkeypatch):
    from conformance.module_spec import ModuleSpec
    monkeypatch.setattr(frameworks, "candidate", lambda: torch)   # the harness alone, whatever mtv2 has yet
    specs = ModuleSpec("nn.Linear", lambda fw: fw.nn.Linear(3, 2), ONE[:0] + (Sample("batch", (T(2, 3),)),),
                       ("float64",), modes=("train",))
    rows = {row["check"]: row for spec in specs for case in cases_of(spec) for row in run_case(case, 30)}
    assert {check: row["status"] for check, row in rows.items()} == {
        "forward": "pass", "backward": "pass", "gradcheck": "pass", "gradgrad": "pass", "state_dict": "pass"}
    assert rows["forward"]["kind"] == "module" and rows["forward"]["case_id"] == "module/nn.Linear/train-batch/float64"
    monkeypatch.setattr(frameworks, "candidate", WrongLinearFramework)
    wrong = {row["check"]: row["status"] for spec in specs for case in cases_of(spec) for row in run_case(case, 30)}
    assert wrong["forward"] == "fail" and wrong["backward"] == "pass"   # a constant shift leaves gradients alone
