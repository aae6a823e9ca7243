"""The torch shim's names from torch's tracing and export machinery: torch.ops.aten's runtime assertions, symbolic
scalars, torch.export / torch.onnx / FX passes / symbolic shapes / torch.utils._sympy.

mtv2 runs eagerly only: nothing is ever traced, so no symbolic value ever exists. transformers' exporters read
these names at import (its test_modeling_common imports them through tests/exporters/test_export.py); the export
tests themselves need torch.export with executorch/onnx installed and skip without them, under torch as here.
Functions whose eager answer is exact are real (guard_or_false(b) is bool(b) for a plain bool, the assertion ops
assert); what needs a tracer is a class that cannot be constructed or a function that raises NotImplementedError.
"""
from collections import namedtuple

from .. import _dtype

# ---------------------------------------------------------------- torch.ops.aten: the runtime assertion ops


def _assert_scalar(condition, assert_msg):
    if not condition:
        raise RuntimeError(assert_msg)


def _assert_async(tensor, assert_msg=None):
    if tensor.numel() != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    if not tensor.item():
        raise RuntimeError(assert_msg or "Expected Tensor with single nonzero value, but got zero")


def _sym_constrain_range_for_size(size, *, min=None, max=None):
    if (min is not None and size < min) or (max is not None and size > max):
        raise RuntimeError(f"Invalid value range for {size} between [{min}, {max}].")


def _assert_tensor_metadata(a, size=None, stride=None, dtype=None, *, device=None, layout=None):
    if size is not None and list(a.shape) != list(size):
        raise RuntimeError(f"Tensor sizes mismatch! Expected: {list(size)}, Got: {list(a.shape)}")
    if stride is not None and list(a.stride()) != list(stride):
        raise RuntimeError(f"Tensor strides mismatch! Expected: {list(stride)}, Got: {list(a.stride())}")
    if dtype is not None and a.dtype != dtype:
        raise RuntimeError(f"Tensor dtype mismatch! Expected: {_dtype.scalar_type_name(dtype)}, "
                           f"Got: {_dtype.c_type_name(a.dtype)}")
    if device is not None and a.device != device:
        raise RuntimeError(f"Tensor device mismatch! Expected: {device}, Got: {a.device}")


class OpOverload:
    """torch.ops.aten.<op>.<overload>: one signature of an op, callable."""

    def __init__(self, packet, overload, function):
        self.overloadpacket, self._overloadname, self._function = packet, overload, function

    def __call__(self, *args, **kwargs):
        return self._function(*args, **kwargs)

    def name(self):
        return f"aten::{self.overloadpacket._name}" + ("" if self._overloadname == "default"
                                                       else f".{self._overloadname}")

    def __repr__(self):
        return f"<OpOverload(op='aten.{self.overloadpacket._name}', overload='{self._overloadname}')>"

    def __str__(self):
        return f"aten.{self.overloadpacket._name}.{self._overloadname}"


class OpOverloadPacket:
    """torch.ops.aten.<op>: its overloads as attributes; calling it calls the op."""

    def __init__(self, name, overloads):
        self._name = name
        self._overloads = {overload: OpOverload(self, overload, function) for overload, function in overloads.items()}

    def __getattr__(self, overload):
        if overload.startswith("__"):
            raise AttributeError(overload)
        try:
            return self._overloads[overload]
        except KeyError:
            raise AttributeError(f"The underlying op of 'aten.{self._name}' has no overload name "
                                 f"'{overload}'") from None

    def overloads(self):
        return list(self._overloads)

    def __call__(self, *args, **kwargs):
        return self._overloads["default"](*args, **kwargs)

    def __repr__(self):
        return f"<OpOverloadPacket(op='aten.{self._name}')>"


# The aten ops mtv2 serves through torch.ops. Everything else raises AttributeError, as torch does for an op it
# lacks: mtv2's own ops are called through the torch.* functions, whose signatures are not aten's.
ATEN_OPS = {
    "_assert_scalar": {"default": _assert_scalar},
    "_assert_async": {"default": _assert_async, "msg": _assert_async},
    "_assert_tensor_metadata": {"default": _assert_tensor_metadata},
    "sym_constrain_range_for_size": {"default": _sym_constrain_range_for_size},
}


class OpNamespace:
    """torch.ops.aten."""

    def __init__(self, name, ops):
        self._name = name
        self._packets = {op: OpOverloadPacket(op, overloads) for op, overloads in ops.items()}

    def __getattr__(self, op):
        if op.startswith("__"):
            raise AttributeError(op)
        try:
            return self._packets[op]
        except KeyError:
            raise AttributeError(f"'_OpNamespace' '{self._name}' object has no attribute '{op}'") from None


def torch_ops_names():
    return dict(aten=OpNamespace("aten", ATEN_OPS))


# ---------------------------------------------------------------- symbolic values (never made by an eager run)

def _symbolic_class(name):
    def __init__(self, node):
        raise NotImplementedError(f"torch.{name} wraps a symbolic node of a tracer; mtv2 never traces")
    return type(name, (), {"__init__": __init__, "__module__": "torch",
                           "__doc__": f"torch.{name}: isinstance(value, torch.{name}) is False for every value "
                                      "of an eager run, in torch as in mtv2"})


def symbolic_scalar_names():
    return {name: _symbolic_class(name) for name in ("SymInt", "SymFloat", "SymBool")}


class GuardOnDataDependentSymNode(RuntimeError):
    """torch raises it when a tracer must branch on a data-dependent size; an eager run never does."""


def _guard_or(value, default):
    # torch's _guard_or: a plain bool is its own guard, anything else but a SymBool (which mtv2 never makes) is refused
    if not isinstance(value, bool):
        raise AssertionError(f"Expected bool, got {type(value)}")
    return value


def symbolic_shapes_names():
    return dict(guard_or_false=lambda value: _guard_or(value, False),
                guard_or_true=lambda value: _guard_or(value, True),
                GuardOnDataDependentSymNode=GuardOnDataDependentSymNode)


def prims_common_names():
    # torch's is_contiguous_or_false answers False only when contiguity depends on unbacked symbols: eagerly, exact
    return dict(is_contiguous_or_false=lambda a: a.is_contiguous())


# ---------------------------------------------------------------- export, onnx, FX passes, sympy value ranges

def _needs_tracer(qualified_name):
    module, _, name = qualified_name.rpartition(".")

    def __init__(self, *args, **kwargs):
        raise NotImplementedError(f"{qualified_name} needs torch's tracer; mtv2 runs eagerly only")

    return type(name, (), {"__init__": __init__, "__module__": module, "__doc__": f"{qualified_name} (export only)"})


def _refuse(qualified_name):
    def refuse(*args, **kwargs):
        raise NotImplementedError(f"{qualified_name} needs torch's tracer; mtv2 runs eagerly only")
    refuse.__name__ = qualified_name.rsplit(".", 1)[-1]
    return refuse


def export_names():
    return dict(ExportedProgram=_needs_tracer("torch.export.ExportedProgram"), export=_refuse("torch.export.export"))


def onnx_names():
    return dict(ONNXProgram=_needs_tracer("torch.onnx.ONNXProgram"), export=_refuse("torch.onnx.export"))


def fx_pass_base_names():
    # torch's PassResult is this named tuple; without torch.fx graphs nothing ever returns one
    return dict(PassResult=namedtuple("PassResult", ["graph_module", "modified"]))


def sympy_numbers_names():
    return dict(IntInfinity=_needs_tracer("torch.utils._sympy.numbers.IntInfinity"),
                NegativeIntInfinity=_needs_tracer("torch.utils._sympy.numbers.NegativeIntInfinity"))


def sympy_value_ranges_names():
    return dict(ValueRanges=_needs_tracer("torch.utils._sympy.value_ranges.ValueRanges"))


def _empty():
    return {}


# torch module -> its names; packages with no names of their own are listed so their children import.
EXPORT_MODULES = {
    "torch.ops": torch_ops_names,
    "torch._prims_common": prims_common_names,
    "torch.export": export_names,
    "torch.onnx": onnx_names,
    "torch.fx.passes": _empty,
    "torch.fx.passes.infra": _empty,
    "torch.fx.passes.infra.pass_base": fx_pass_base_names,
    "torch.fx.experimental": _empty,
    "torch.fx.experimental.symbolic_shapes": symbolic_shapes_names,
    "torch.utils._sympy": _empty,
    "torch.utils._sympy.numbers": sympy_numbers_names,
    "torch.utils._sympy.value_ranges": sympy_value_ranges_names,
}
