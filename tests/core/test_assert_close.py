"""mtv2.testing.assert_close passes and fails on the same pairs as torch.testing.assert_close."""
import pytest

from ._compare import assert_same, raised


def f32(fw, *values):
    return fw.tensor(list(values), dtype=fw.float32)


def typed(dtype_name, *values):
    return lambda fw: fw.tensor(list(values), dtype=getattr(fw, dtype_name))


# name -> (actual, expected, keyword arguments); actual/expected are built per framework.
PAIRS = {
    "float32_equal": (lambda fw: f32(fw, 1.0, 2.0), lambda fw: f32(fw, 1.0, 2.0), {}),
    "float32_within_rtol": (lambda fw: f32(fw, 1000.0), lambda fw: f32(fw, 1000.001), {}),
    "float32_beyond_rtol": (lambda fw: f32(fw, 1000.0), lambda fw: f32(fw, 1000.003), {}),
    "float32_within_atol": (lambda fw: f32(fw, 0.0), lambda fw: f32(fw, 9e-6), {}),
    "float32_beyond_atol": (lambda fw: f32(fw, 0.0), lambda fw: f32(fw, 1.2e-5), {}),
    "float64_within": (typed("float64", 1.0), typed("float64", 1.00000015), {}),
    "float64_beyond": (typed("float64", 1.0), typed("float64", 1.0000003), {}),
    "float16_within": (typed("float16", 1.0), typed("float16", 1.0009765625), {}),
    "float16_beyond": (typed("float16", 1.0), typed("float16", 1.001953125), {}),
    "bfloat16_within": (typed("bfloat16", 1.0), typed("bfloat16", 1.0078125), {}),
    "bfloat16_beyond": (typed("bfloat16", 1.0), typed("bfloat16", 1.03125), {}),
    "int64_equal": (typed("int64", 1, 2), typed("int64", 1, 2), {}),
    "int64_off_by_one": (typed("int64", 1, 2), typed("int64", 1, 3), {}),
    "bool_differs": (typed("bool", True), typed("bool", False), {}),
    "nan_not_equal_by_default": (lambda fw: f32(fw, float("nan")), lambda fw: f32(fw, float("nan")), {}),
    "nan_equal_nan": (lambda fw: f32(fw, float("nan")), lambda fw: f32(fw, float("nan")), {"equal_nan": True}),
    "inf_equal": (lambda fw: f32(fw, float("inf")), lambda fw: f32(fw, float("inf")), {}),
    "inf_opposite": (lambda fw: f32(fw, float("inf")), lambda fw: f32(fw, float("-inf")), {}),
    "dtype_mismatch": (lambda fw: f32(fw, 1.0), typed("float64", 1.0), {}),
    "dtype_mismatch_unchecked": (lambda fw: f32(fw, 1.0), typed("float64", 1.0), {"check_dtype": False}),
    "mixed_dtype_unchecked_uses_loosest": (typed("float16", 1.0), typed("float64", 1.0009765625),
                                           {"check_dtype": False}),
    "shape_mismatch": (lambda fw: f32(fw, 1.0, 1.0), lambda fw: fw.ones(1, 2), {}),
    "broadcastable_still_mismatch": (lambda fw: fw.ones(2), lambda fw: fw.ones(()), {}),
    "custom_tolerances_pass": (lambda fw: f32(fw, 1.0), lambda fw: f32(fw, 1.05), {"rtol": 0.0, "atol": 0.1}),
    "custom_tolerances_fail": (lambda fw: f32(fw, 1.0), lambda fw: f32(fw, 1.2), {"rtol": 0.1, "atol": 0.0}),
    "only_rtol_given": (lambda fw: f32(fw, 1.0), lambda fw: f32(fw, 1.0), {"rtol": 0.1}),
    "strides_ignored_by_default": (lambda fw: fw.ones(2, 3).t(), lambda fw: fw.ones(3, 2), {}),
    "strides_checked": (lambda fw: fw.ones(2, 3).t(), lambda fw: fw.ones(3, 2), {"check_stride": True}),
    "requires_grad_ignored": (lambda fw: fw.ones(2, requires_grad=True), lambda fw: fw.ones(2), {}),
    "sequences_of_tensors": (lambda fw: [fw.ones(2), fw.zeros(1)], lambda fw: [fw.ones(2), fw.zeros(1)], {}),
    "sequences_one_differs": (lambda fw: [fw.ones(2), fw.zeros(1)], lambda fw: (fw.ones(2), fw.ones(1)), {}),
    "sequence_length_mismatch": (lambda fw: [fw.ones(2)], lambda fw: [fw.ones(2), fw.ones(2)], {}),
    "python_floats": (lambda fw: 1.0, lambda fw: 1.0 + 1e-8, {}),
    "python_floats_differ": (lambda fw: 1.0, lambda fw: 1.001, {}),
    "tensor_vs_python_float": (lambda fw: f32(fw, 1.0), lambda fw: 1.0, {}),
    "zero_d_tensors": (lambda fw: fw.tensor(2.0), lambda fw: fw.tensor(2.0000001), {}),
    "empty_tensors": (lambda fw: fw.zeros(0), lambda fw: fw.zeros(0), {}),
}


@pytest.mark.parametrize("actual, expected, options",
                         [pytest.param(*pair, id=name) for name, pair in PAIRS.items()])
def test_assert_close_matches_torch(actual, expected, options):
    assert_same(lambda fw: [raised(lambda: fw.testing.assert_close(actual(fw), expected(fw), **options))])
