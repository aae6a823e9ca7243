"""Tensor.__repr__ prints what torch prints, for the shapes and values people look at."""
import pytest

from ._compare import Scenarios, assert_same

scenarios = Scenarios()


@scenarios
def small_values(fw):
    return [repr(fw.tensor([1.0, -2.5, 3.25])), repr(fw.tensor([[1, 2], [30, -4]])), repr(fw.tensor([True, False])),
            repr(fw.tensor(2.5)), repr(fw.tensor(7)), repr(fw.tensor([0.1, 0.2], dtype=fw.float64)),
            repr(fw.tensor([1.5], dtype=fw.float16)), repr(fw.tensor([1.5], dtype=fw.bfloat16)),
            repr(fw.tensor([3], dtype=fw.int32)), repr(fw.tensor([3], dtype=fw.uint8))]


@scenarios
def empty_tensors_name_their_dtype(fw):
    return [repr(fw.tensor([], dtype=fw.int64)), repr(fw.zeros(0, 3)), repr(fw.zeros(0, dtype=fw.bool)),
            repr(fw.zeros(2, 0, dtype=fw.int64)), repr(fw.zeros(0, dtype=fw.float64)), repr(fw.ones(3)[3:])]


@scenarios
def magnitudes_and_special_values(fw):
    return [repr(fw.tensor([1e-8, 1.0])), repr(fw.tensor([1e10, 1.0])), repr(fw.tensor([float("nan"), float("inf"),
                                                                                        -float("inf"), 1.0])),
            repr(fw.tensor([100.0, 2.0])), repr(fw.tensor([0.0, -0.0]))]


@scenarios
def autograd_suffixes(fw):
    leaf = fw.ones(2, requires_grad=True)
    return [repr(leaf), repr(leaf * 2), repr((leaf * 2).sum())]


@scenarios
def summarized(fw):
    return [repr(fw.arange(2000.0)), repr(fw.arange(3000).reshape(30, 100))]


@pytest.mark.parametrize("scenario", scenarios.params())
def test_format(scenario):
    assert_same(scenario)
