"""mtv2.testing.assert_close with torch's default tolerances per dtype."""
import numpy as np

from . import _dtype
from ._tensor import Tensor

# torch.testing's defaults: (rtol, atol); integers and bool compare exactly
DEFAULT_TOLERANCES = {
    _dtype.float16: (1e-3, 1e-5), _dtype.bfloat16: (1.6e-2, 1e-5),
    _dtype.float32: (1.3e-6, 1e-5), _dtype.float64: (1e-7, 1e-7),
}


def default_tolerances(dtype):
    return DEFAULT_TOLERANCES.get(dtype, (0.0, 0.0))


def assert_close(actual, expected, *, rtol=None, atol=None, equal_nan=False, check_device=True, check_dtype=True,
                 check_layout=True, check_stride=False, msg=None):
    """Raise AssertionError unless |actual - expected| <= atol + rtol * |expected| elementwise (torch's rule)."""
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                         f"{'rtol' if rtol is None else 'atol'}.")
    options = dict(rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype, check_stride=check_stride,
                   msg=msg)
    if isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
        if len(actual) != len(expected):
            raise AssertionError(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}")
        for position, (a, e) in enumerate(zip(actual, expected)):
            try:
                assert_close(a, e, **options)
            except AssertionError as error:
                raise AssertionError(f"{error}\n\nThe failure occurred for item [{position}]") from None
        return
    if isinstance(actual, dict) and isinstance(expected, dict):
        if set(actual) != set(expected):
            raise AssertionError(f"The keys of the mappings do not match: {sorted(actual)} != {sorted(expected)}")
        for key in actual:
            assert_close(actual[key], expected[key], **options)
        return
    if isinstance(actual, Tensor) != isinstance(expected, Tensor):
        raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}.")
    if not isinstance(actual, Tensor):
        from .creation import tensor
        actual, expected = tensor(actual), tensor(expected)
        check_dtype = False
    _compare_tensors(actual, expected, rtol, atol, equal_nan, check_dtype, check_stride, msg)


def _compare_tensors(actual, expected, rtol, atol, equal_nan, check_dtype, check_stride, msg):
    if actual.shape != expected.shape:
        raise AssertionError(msg or f"The values for attribute 'shape' do not match: {actual.shape} != {expected.shape}.")
    if check_dtype and actual.dtype is not expected.dtype:
        raise AssertionError(msg or f"The values for attribute 'dtype' do not match: {actual.dtype} != {expected.dtype}.")
    if check_stride and actual.stride() != expected.stride():
        raise AssertionError(msg or f"The values for attribute 'stride()' do not match: {actual.stride()} != "
                                    f"{expected.stride()}.")
    if rtol is None:
        rtol_a, atol_a = default_tolerances(actual.dtype)
        rtol_e, atol_e = default_tolerances(expected.dtype)
        rtol, atol = max(rtol_a, rtol_e), max(atol_a, atol_e)
    a = actual.detach()._data.astype(np.float64)
    e = expected.detach()._data.astype(np.float64)
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(a) & np.isfinite(e)
        close = np.where(finite, np.abs(a - e) <= atol + rtol * np.abs(e), a == e)  # non-finite: exactly equal
        if equal_nan:
            close |= np.isnan(a) & np.isnan(e)
    if not np.all(close):
        mismatched = int(np.size(close) - np.count_nonzero(close))
        with np.errstate(invalid="ignore"):
            worst = float(np.nanmax(np.where(close, 0, np.abs(a - e)))) if a.size else 0.0
        raise AssertionError(msg or f"Tensor-likes are not close!\n\nMismatched elements: {mismatched} / {a.size}\n"
                                    f"Greatest absolute difference: {worst} (up to {atol} allowed)\n"
                                    f"(up to {rtol} relative allowed)")
