"""Run one scenario on torch and on mtv2 and compare what each observed.

A scenario is `def scenario(fw): ... return observable`, where `fw` is the `torch` or the `mtv2`
module. The observable is made comparable across frameworks: a tensor becomes its dtype name,
shape and values; a dtype, Size or device becomes its name; an exception caught with `raised()`
becomes its builtin class (torch raises builtins: RuntimeError, TypeError, IndexError...).

Set MTV2_CORE_TESTS_SECOND=torch to run torch on both sides: that checks the scenarios themselves.
"""
import importlib
import math
import os

import numpy as np
import pytest

SECOND_FRAMEWORK = os.environ.get("MTV2_CORE_TESTS_SECOND", "mtv2")

# torch.testing.assert_close's default (rtol, atol) per dtype; integers and bool compare exactly.
TOLERANCES = {
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
}

ALL_DTYPE_NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64",
                   "float16", "bfloat16", "float32", "float64"]


class Scenarios(dict):
    """name -> scenario(fw). Used as a decorator, adds a function under its own name."""

    def __call__(self, function):
        self[function.__name__] = function
        return function

    def params(self):
        return [pytest.param(function, id=name) for name, function in self.items()]


class Raised:
    """An exception, compared by its builtin class (the message is kept for the report only)."""

    def __init__(self, exception):
        self.kind = next(c.__name__ for c in type(exception).__mro__ if c.__module__ == "builtins")
        self.message = f"{type(exception).__module__}.{type(exception).__name__}: {exception}"

    def __eq__(self, other):
        return isinstance(other, Raised) and other.kind == self.kind

    def __repr__(self):
        return f"<raises {self.kind}: {self.message[:300]!r}>"


def raised(function):
    """Call `function`; the exception it raises, or the marker string when it raises nothing."""
    try:
        function()
    except Exception as exception:  # noqa: BLE001 - the class is the observable
        return Raised(exception)
    return "did not raise"


def dtype_name(dtype):
    """'torch.float32' / 'mtv2.float32' -> 'float32'."""
    return str(dtype).rsplit(".", 1)[-1]


def storage_start(tensor):
    """Address of element 0 of the tensor's storage: equal for two tensors sharing a storage."""
    return tensor.data_ptr() - tensor.storage_offset() * tensor.element_size()


def shares_storage(a, b):
    return storage_start(a) == storage_start(b)


def _is(x, fw, attribute):
    cls = getattr(fw, attribute, None)
    return isinstance(cls, type) and isinstance(x, cls)


def observe(x, fw):
    """Turn what a scenario returned into plain, framework-free values."""
    if isinstance(x, Raised):
        return x
    if _is(x, fw, "Tensor"):
        name = dtype_name(x.dtype)
        values = x.detach().tolist()
        return ("tensor", name, tuple(x.shape), values)
    if _is(x, fw, "dtype"):
        return ("dtype", dtype_name(x))
    if _is(x, fw, "Size"):
        return ("Size", tuple(int(n) for n in x))
    if _is(x, fw, "device"):
        return ("device", str(x))
    if isinstance(x, np.ndarray):
        return ("ndarray", str(x.dtype), x.shape, x.tolist())
    if x is None or isinstance(x, (bool, int, float, str)):
        return (type(x).__name__, x)
    if isinstance(x, (list, tuple)):
        return [observe(item, fw) for item in x]
    if isinstance(x, dict):
        return {key: observe(value, fw) for key, value in x.items()}
    raise TypeError(f"scenario returned a {type(x).__name__}; return plain values or tensors")


def _floats_close(expected, actual, rtol, atol):
    e = np.asarray(expected, dtype=np.float64)
    a = np.asarray(actual, dtype=np.float64)
    if e.shape != a.shape:
        return False
    nan_same = np.array_equal(np.isnan(e), np.isnan(a))
    finite = np.isfinite(e) & np.isfinite(a)
    inf_same = np.array_equal(np.where(finite, 0, e), np.where(finite, 0, a), equal_nan=True)
    e, a = e[finite], a[finite]
    close = np.all(np.abs(e - a) <= atol + rtol * np.abs(e))
    return nan_same and inf_same and bool(close)


def difference(expected, actual, path="result"):
    """The first difference between two observations, as text, or None when they match."""
    if isinstance(expected, Raised) or isinstance(actual, Raised):
        return None if expected == actual else f"{path}: torch {expected!r}, mtv2 {actual!r}"
    if isinstance(expected, tuple) and expected and expected[0] == "tensor":
        if not (isinstance(actual, tuple) and actual and actual[0] == "tensor"):
            return f"{path}: torch gives a tensor, mtv2 gives {actual!r}"
        _, e_dtype, e_shape, e_values = expected
        _, a_dtype, a_shape, a_values = actual
        if e_dtype != a_dtype:
            return f"{path}: dtype torch {e_dtype}, mtv2 {a_dtype}"
        if e_shape != a_shape:
            return f"{path}: shape torch {e_shape}, mtv2 {a_shape}"
        if e_dtype in TOLERANCES:
            ok = _floats_close(e_values, a_values, *TOLERANCES[e_dtype])
        else:
            ok = e_values == a_values
        return None if ok else f"{path}: values torch {e_values}, mtv2 {a_values}"
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{path}: length torch {len(expected)}, mtv2 {len(actual)}"
        for index, (e, a) in enumerate(zip(expected, actual)):
            found = difference(e, a, f"{path}[{index}]")
            if found:
                return found
        return None
    if isinstance(expected, dict) and isinstance(actual, dict):
        if expected.keys() != actual.keys():
            return f"{path}: keys torch {sorted(expected)}, mtv2 {sorted(actual)}"
        for key in expected:
            found = difference(expected[key], actual[key], f"{path}[{key!r}]")
            if found:
                return found
        return None
    if expected == actual or (_is_nan_float(expected) and _is_nan_float(actual)):
        if type(expected) is type(actual):
            return None
    return f"{path}: torch {expected!r}, mtv2 {actual!r}"


def _is_nan_float(x):
    return isinstance(x, tuple) and len(x) == 2 and x[0] == "float" and math.isnan(x[1])


def frameworks():
    import torch

    return torch, importlib.import_module(SECOND_FRAMEWORK)


def run(scenario, fw):
    try:
        return observe(scenario(fw), fw)
    except Exception as exception:  # noqa: BLE001 - reported as the framework's outcome
        return Raised(exception)


def assert_same(scenario):
    """Run `scenario` on torch and on mtv2; fail with the first difference between them."""
    torch, other = frameworks()
    expected = run(scenario, torch)
    # An exception escaping the scenario on torch is a broken test, not a finding about mtv2.
    assert not isinstance(expected, Raised), f"scenario broken on torch itself: {expected!r}"
    actual = run(scenario, other)
    found = difference(expected, actual)
    assert found is None, f"{found}\n  torch: {expected!r}\n  mtv2:  {actual!r}"


def strides(tensor):
    """stride(), with None for size-1 dims: their stride is never used, frameworks may differ."""
    return tuple(None if size == 1 else step for size, step in zip(tensor.shape, tensor.stride()))
