"""`python -m conformance explain CASE_ID` for a case id of every kind of the matrix: it reruns the case, prints its
rows and a reproduction; where the reproduction is standalone code (op, module, opinfo, moduleinfo), that code runs
under torch and, with `import mtv2 as fw`, under mtv2. Cheap cases are chosen (the hf case runs its shim subprocess,
the suite case a toy suite, the fuzz case a small budget)."""
import dataclasses
import os

import pytest

from conformance.__main__ import main

TOY_SUITE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "toy_suite")


def explain(capsys, case_id):
    status = main(["explain", case_id])
    out = capsys.readouterr().out
    assert status == 0, out
    assert case_id.split("/", 1)[1].split("/", 1)[0] in out, out
    return out


def reproduction(out):
    """The indented block after 'reproduction:', as code."""
    block = out.split("\nreproduction:\n", 1)[1]
    lines = []
    for line in block.split("\n"):
        if not line.startswith("    "):
            break
        lines.append(line[4:])
    return "\n".join(lines)


def run_both(code):
    """Run a reproduction under torch and under mtv2 -> the two `out` values."""
    outputs = []
    for header in ("import torch as fw", "import mtv2 as fw"):
        namespace = {}
        exec(code.replace("import torch as fw", header, 1), namespace)
        outputs.append(namespace["out"])
    return outputs


@pytest.mark.parametrize("case_id", ["op/add/broadcast_rhs/float32", "module/nn.Linear/train-batch/float32",
                                     "opinfo/add/method/3/float32", "opinfo/sum_to_size/method/2/float32",
                                     "moduleinfo/nn.Linear/train/1/float64"])
def test_standalone_reproductions_run_on_both_frameworks(capsys, case_id):
    out = explain(capsys, case_id)
    assert "rows:" in out and "forward" in out
    torch_out, mtv2_out = run_both(reproduction(out))
    assert tuple(torch_out.shape) == tuple(mtv2_out.shape)


def test_opinfo_error_input(capsys):
    out = explain(capsys, "opinfo/movedim/function/error2/float32")
    assert "error" in out and "torch RuntimeError" in out and "should raise" in out


def test_opinfo_row_of_a_missing_dtype(capsys):
    out = explain(capsys, "opinfo/add/function/all/complex64")
    assert "complex" in out and "skip" in out


def test_optim(capsys):
    out = explain(capsys, "optim/SGD/momentum/float32")
    assert "trajectory" in out and "resume" in out and "step 20" in out
    assert "fw.optim.SGD(params, lr=0.05, momentum=0.9)" in reproduction(out)


def test_optim_error(capsys):
    out = explain(capsys, "optim/SGD/negative_lr/float32")
    assert "error" in out and "case.error(fw)" in out


def test_bert(capsys):
    out = explain(capsys, "bert/BertPooler/small/float32")
    assert "forward" in out and "backward" in out and "python -m bert_cases.trace" in out


def test_fuzz(capsys, monkeypatch):
    import conformance.fuzz as fuzz
    small = [dataclasses.replace(p, max_examples=5) for p in fuzz.PROPERTIES]
    monkeypatch.setattr(fuzz, "PROPERTIES", small)
    out = explain(capsys, small[0].case_id)
    assert "5 derandomized examples" in out and "run_property(prop)" in out


def test_hf(capsys):
    out = explain(capsys, "hf/BertForSequenceClassification/eager_eval/float32")
    assert "forward" in out and "trajectory" in out and "python -m mtv2.compat run repro.py" in out


def test_suite(capsys, monkeypatch, tmp_path):
    from conformance import suite

    def prepare(tree):
        os.rename(os.path.join(tree, "conftest_toy.py"), os.path.join(tree, "conftest.py"))
    toy = suite.Suite("toy", TOY_SUITE, ("suite_toy.py",), prepare)
    monkeypatch.setitem(suite.SUITES, "toy", toy)
    out = explain(capsys, "suite/toy/suite_toy.py::test_add")
    assert "status pass" in out and "python -m mtv2.compat pytest 'suite_toy.py::test_add'" in out


def test_an_unknown_case_id_says_so(capsys):
    assert main(["explain", "optim/NoSuchOptimizer/plain/float32"]) == 2
    assert "no optim case" in capsys.readouterr().out
