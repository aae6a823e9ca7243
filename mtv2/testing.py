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


def _as_tensor(value):
    from .creation import tensor
    return value if isinstance(value, Tensor) else tensor(value)


def assert_close(actual, expected, *, rtol=None, atol=None, equal_nan=False, check_dtype=True, msg=None):
    """Raise AssertionError unless |actual - expected| <= atol + rtol * |expected| elementwise."""
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {'rtol' if rtol is None else 'atol'}.")
    actual, expected = _as_tensor(actual), _as_tensor(expected)
    if actual.shape != expected.shape:
        raise AssertionError(msg or f"The values for attribute 'shape' do not match: {actual.shape} != {expected.shape}.")
    if check_dtype and actual.dtype is not expected.dtype:
        raise AssertionError(msg or f"The values for attribute 'dtype' do not match: {actual.dtype} != {expected.dtype}.")
    if rtol is None:
        rtol_a, atol_a = default_tolerances(actual.dtype)
        rtol_e, atol_e = default_tolerances(expected.dtype)
        rtol, atol = max(rtol_a, rtol_e), max(atol_a, atol_e)
    a = actual.detach()._data.astype(np.float64)
    e = expected.detach()._data.astype(np.float64)
    with np.errstate(invalid="ignore"):
        both_nan = np.isnan(a) & np.isnan(e) if equal_nan else np.zeros(a.shape, bool)
        same_inf = np.isinf(a) & (a == e)
        close = (np.abs(a - e) <= atol + rtol * np.abs(e)) | both_nan | same_inf
    if not np.all(close):
        mismatched = int(np.size(close) - np.count_nonzero(close))
        with np.errstate(invalid="ignore"):
            worst = float(np.nanmax(np.where(close, 0, np.abs(a - e)))) if a.size else 0.0
        raise AssertionError(msg or f"Tensor-likes are not close!\n\nMismatched elements: {mismatched} / {a.size}\n"
                                    f"Greatest absolute difference: {worst} (up to {atol} allowed)\n"
                                    f"Greatest relative difference: (up to {rtol} allowed)")
