"""The comparison catches every kind of mismatch and computes err_ratio as DESIGN defines it."""
import numpy as np
import pytest

from conformance.compare import compare_arrays, default_tolerance


def compare(actual, expected, dtype="float32", expected_dtype=None):
    atol, rtol = default_tolerance(expected_dtype or dtype)
    return compare_arrays(np.asarray(actual), np.asarray(expected), dtype, expected_dtype or dtype,
                          atol, rtol)


def test_identical_values_pass_with_zero_ratio():
    result = compare([1.0, 2.0], [1.0, 2.0])
    assert result.ok and result.err_ratio == 0 and result.max_abs_err == 0


def test_err_ratio_is_abs_error_over_allowed():
    # allowed = atol + rtol * |torch| = 1e-5 + 1.3e-6 * 2 = 1.26e-5
    result = compare([2.0 + 6.3e-6], [2.0])
    assert result.ok
    assert result.err_ratio == pytest.approx(6.3e-6 / (1e-5 + 1.3e-6 * 2), rel=1e-6)
    assert result.max_rel_err == pytest.approx(6.3e-6 / 2, rel=1e-6)


def test_value_mismatch_fails_and_names_the_first_index():
    result = compare([[1.0, 2.0], [3.0, 4.5]], [[1.0, 2.0], [3.0, 4.0]])
    assert not result.ok and "(1, 1)" in result.detail and "4.5" in result.detail
    assert result.err_ratio == pytest.approx(0.5 / (1e-5 + 1.3e-6 * 4))


def test_shape_mismatch_fails():
    result = compare(np.zeros((2, 3)), np.zeros((3, 2)))
    assert not result.ok and "shape" in result.detail


def test_dtype_mismatch_fails_even_with_equal_values():
    result = compare([1.0], [1.0], dtype="float64", expected_dtype="float32")
    assert not result.ok and "dtype" in result.detail


def test_nan_positions_must_match():
    assert compare([np.nan, 1.0], [np.nan, 1.0]).ok
    result = compare([np.nan, 1.0], [1.0, np.nan])
    assert not result.ok and "NaN" in result.detail


def test_infinities_must_be_equal_with_sign():
    assert compare([np.inf, -np.inf], [np.inf, -np.inf]).ok
    assert not compare([np.inf], [-np.inf]).ok
    assert not compare([1e38], [np.inf]).ok


def test_integers_and_bool_are_exact():
    assert not compare([3], [4], dtype="int64").ok
    assert compare([True, False], [True, False], dtype="bool").ok
    assert not compare([True], [False], dtype="bool").ok


def test_empty_arrays_pass():
    assert compare(np.zeros((0, 3)), np.zeros((0, 3))).ok
