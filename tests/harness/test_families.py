"""One family vocabulary ([registry]): the spec of an op is found by the file name of its kernel, so every op family
mtv2/ops/<family>.py has its case table conformance/specs/<family>.py, and every case table names an op family or
one of the declared groupings below."""
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]

# op families whose rows live elsewhere, with where
ROWS_ELSEWHERE = {
    "inplace": "the write-back of every op_ form: each op's spec carries its in-place rows",
    "random_fill": "the random fills: kind=rng rows (conformance/rng_cases.py), after the same manual_seed",
    "strided": "as_strided and its scatter/gather derivative: a view, specified with the views (specs/views.py)",
}
# case tables that are not one op family: groupings by what a user calls
TABLES_OF_THEIR_OWN = {
    "arithmetic": "add/sub/mul/div/pow/remainder: kernels in ops/elementwise.py and ops/pointwise_math.py",
    "comparison": "eq/lt/.../maximum/isclose: kernels in ops/elementwise.py",
    "operators": "Python operators on tensors: the Tensor dunder methods over every family",
    "nn_attention": "scaled_dot_product_attention and dropout: composites in mtv2/nn",
    "nn_containers": "Sequential, ModuleList, ...: module rows",
    "nn_init": "nn.init: mtv2/nn/init.py",
    "masked": "torch.masked: composites in mtv2/masked/_ops.py",
    "nn_recurrent": "RNN/LSTM/GRU and their cells: module rows; composites in mtv2/nn/functional_recurrent.py",
}


def _names(folder):
    return {path.stem for path in (ROOT / folder).glob("*.py") if not path.stem.startswith("_")}


def test_every_op_family_has_its_case_table():
    missing = _names("mtv2/ops") - _names("conformance/specs") - set(ROWS_ELSEWHERE)
    assert not missing, f"op families without conformance/specs/<family>.py: {sorted(missing)}"


def test_every_case_table_names_an_op_family_or_says_what_it_groups():
    unexplained = _names("conformance/specs") - _names("mtv2/ops") - set(TABLES_OF_THEIR_OWN)
    assert not unexplained, f"case tables that name no op family: {sorted(unexplained)}"


def test_the_declared_exceptions_are_not_stale():
    assert set(ROWS_ELSEWHERE) <= _names("mtv2/ops") and not set(ROWS_ELSEWHERE) & _names("conformance/specs")
    assert set(TABLES_OF_THEIR_OWN) <= _names("conformance/specs")
    assert not set(TABLES_OF_THEIR_OWN) & _names("mtv2/ops")
