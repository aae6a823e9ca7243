"""The op table and the one call path: promote dtypes -> run the NumPy kernel -> record an autograd node.

An op is a NumPy kernel registered with `@op(name, promotion=...)`, and its derivative right beside it
with `@the_op.vjp`. The derivative rule is written with mtv2 ops, so it is differentiable itself. Its
parameters name what it needs: `g` (the output's gradient) first, then any of the kernel's operand
names (the inputs, saved at call time), `out` (the result), `out1` (a kernel's second, non-differentiable
output: something the forward computes anyway that spares the backward recomputing it), or a keyword parameter
of the kernel. `a_shape` asks for operand a's shape only. It returns one gradient per operand (None where there is none). Broadcasting is undone once, in
OpNode.apply, never inside a rule.

Meta tensors (mtv2/_meta.py): while any exist, apply_op looks for a meta operand and hands such calls to
apply_meta, which runs the kernel on stand-ins (a view kernel on the layouts, any other on zeros laid out like the
operands) and keeps only the result's shape, dtype and strides. An op declared `fills=True` (a fill that ignores
its first operand's values: the random fills, fill, copy_from) is not run at all on meta: no allocation, no
random number drawn.

Variadic ops (cat): a kernel written `def cat(*tensors, dim=0)` takes any number of operands, all promoted
together. Its rule's parameter `tensors` receives the tuple of those operands (`tensors_shape`: the tuple of
their shapes), and it returns one gradient per operand, in order.
"""
import inspect

import numpy as np

from .. import _dtype, _meta
from .._dtype import FLOATING, get_default_dtype, result_type_of, scalar_dtype
from .._meta import MetaArray, live as _live_meta_arrays
from ..autograd import grad_mode
from ..autograd.graph import Node, SavedTensor, edge_of

# Promotion modes: how operand dtypes become the dtype the kernel computes in and the result's dtype.
SAME = "same"          # every operand converted to the promoted dtype; the result has it too
TO_FLOAT = "float"     # like SAME, but integer and bool results become the default float dtype
COMPARE = "compare"    # computed in the promoted dtype, the result is bool
RAW = "raw"            # the kernel gets the operands' arrays unconverted and decides the result dtype

# Half types are computed in float32 and rounded once at the end, as torch's CPU kernels do.
_COMPUTE_TYPE = {_dtype.float16: np.dtype(np.float32), _dtype.bfloat16: np.dtype(np.float32)}

OPS = {}


class Op:
    """One primitive: a NumPy kernel, its promotion mode and (optionally) its derivative rule."""

    def __init__(self, name, kernel, promotion, view=False, fills=False, opmath_scalars=False):
        self.name = name
        self.kernel = kernel
        self.promotion = promotion
        self.view = view  # the kernel returns a NumPy view of its first operand; the result aliases it
        self.fills = fills  # the result has the first operand's shape and dtype, whatever its values (meta: not run)
        # a Python number beside half tensors goes to the kernel as a float32, not rounded to half first (torch's
        # mul and div kernels read a CPU scalar as their float opmath value)
        self.opmath_scalars = opmath_scalars
        self.operand_names = [p.name for p in inspect.signature(kernel).parameters.values()
                              if p.kind == p.POSITIONAL_OR_KEYWORD and p.default is p.empty]
        # the name of a `*tensors` parameter: every operand goes into it (see the module docstring)
        self.variadic = next((p.name for p in inspect.signature(kernel).parameters.values()
                              if p.kind == p.VAR_POSITIONAL), None)
        self.param_defaults = {p.name: p.default for p in inspect.signature(kernel).parameters.values()
                               if p.default is not p.empty}
        self.rule = None
        self.rule_arguments = ()
        self.has_gradient = False  # set by vjp() or no_derivative()
        self.node_name = "".join(part.capitalize() for part in name.strip("_").split("_")) + "Backward0"

    def vjp(self, rule):
        """Register the derivative rule; its parameter names say what the op saves for backward."""
        self.rule = rule
        self.rule_arguments = tuple(inspect.signature(rule).parameters)[1:]
        self.has_gradient = True
        return rule

    def no_derivative(self, torch_name=None):
        """Declare the op not differentiable: its result still records, and backward raises naming the op
        (torch's name for it, when given)."""
        def rule(g):
            raise RuntimeError(f"derivative for {torch_name or self.name} is not implemented")
        self.rule = rule
        self.has_gradient = True

    def __call__(self, *operands, **params):
        return apply_op(self, operands, params)

    def __repr__(self):
        return f"<mtv2 op {self.name}>"


def op(name, promotion=SAME, view=False, fills=False, opmath_scalars=False):
    """Decorator: register a NumPy kernel as the op `name`."""
    def register(kernel):
        if name in OPS:
            raise ValueError(f"op {name} registered twice")
        OPS[name] = registered = Op(name, kernel, promotion, view, fills, opmath_scalars)
        return registered
    return register


# ---------------------------------------------------------------- dtypes

def promoted_dtype(operands):
    """torch.result_type over tensors and Python scalars (None operands are ignored)."""
    dimensioned, zero_dim, scalars = [], [], []
    for operand in operands:
        if isinstance(operand, Tensor):
            (dimensioned if operand._data.ndim else zero_dim).append(operand.dtype)
        elif operand is not None:
            scalars.append(scalar_dtype(operand))
    return result_type_of(dimensioned, zero_dim, scalars)


def compute_numpy_type(dtype):
    return _COMPUTE_TYPE.get(dtype, dtype.numpy_type)


def _as_compute_array(operand, numpy_type, result_numpy_type):
    if isinstance(operand, Tensor):
        return operand._data.astype(numpy_type, copy=False)
    if operand is None:
        return None
    if numpy_type.kind == "f":
        if result_numpy_type != numpy_type:
            # torch first casts a wrapped scalar to the common dtype (e.g. float16), then computes in float32
            return np.asarray(operand, dtype=result_numpy_type).astype(numpy_type)
        return operand  # NumPy keeps a Python float "weak", so float32 + 0.1 stays float32 as in torch
    # Wraps like torch's scalar conversion (int8 tensor + 1000 wraps 1000 to int8)
    return np.asarray(operand).astype(numpy_type)


def _result_dtypes(op, operands):
    """(NumPy type to compute in, dtype of the result) for the op's promotion mode."""
    try:
        dtype = promoted_dtype(operands)
    except TypeError:
        bad = next(x for x in operands if not isinstance(x, (Tensor, int, float, bool, np.number, np.bool_)))
        raise TypeError(f"{op.name}(): argument must be Tensor or a number, not {type(bad).__name__}") from None
    if op.promotion == TO_FLOAT and dtype.category != FLOATING:
        dtype = get_default_dtype()
    result = _dtype.bool if op.promotion == COMPARE else dtype
    return compute_numpy_type(dtype), result, dtype.numpy_type


# ---------------------------------------------------------------- the call path

def _fast_dtypes(op, operands):
    """The common case without torch's full promotion walk: every operand a tensor of one dtype, or a Python
    int/float beside floating tensors (a wrapped number never changes a floating tensor's dtype). None when
    the full rule is needed."""
    dtype = None
    for x in operands:
        if type(x) is Tensor or isinstance(x, Tensor):
            if dtype is None:
                dtype = x.dtype
            elif x.dtype is not dtype:
                return None
        elif type(x) is not float and type(x) is not int:
            return None
    if dtype is None or (dtype.category != FLOATING and len(operands) > 1 and
                         any(not isinstance(x, Tensor) for x in operands)):
        return None
    cached = _FAST_TYPES.get((op.promotion, dtype))
    if cached is None:
        if op.promotion == TO_FLOAT and dtype.category != FLOATING:
            return None  # follows the default dtype, which can change: not cached
        result = _dtype.bool if op.promotion == COMPARE else dtype
        cached = _FAST_TYPES[(op.promotion, dtype)] = (compute_numpy_type(dtype), result, dtype.numpy_type)
    return cached


_FAST_TYPES = {}


def apply_op(op, operands, params):
    if _live_meta_arrays.count and _has_meta_operand(operands, params):
        return apply_meta(op, operands, params)
    if op.promotion == RAW:
        arrays = [x._data if isinstance(x, Tensor) else x for x in operands]
        result_dtype = None
    else:
        types = _fast_dtypes(op, operands) or _result_dtypes(op, operands)
        numpy_type, result_dtype, promoted_numpy_type = types
        arrays = [x._data if isinstance(x, Tensor) and x._data.dtype == numpy_type
                  else _as_compute_array(x, numpy_type, numpy_type if op.opmath_scalars else promoted_numpy_type)
                  for x in operands]

    try:
        result = op.kernel(*arrays, **params)
    except ValueError as error:
        if "broadcast" not in str(error):
            raise
        shapes = " and ".join(str(list(x.shape)) for x in operands if isinstance(x, Tensor))
        raise RuntimeError(f"{op.name}: the shapes of its operands ({shapes}) cannot be broadcast together: "
                           f"the size of tensor a must match the size of tensor b at each non-singleton "
                           f"dimension") from None
    if type(result) is tuple:
        outputs = tuple(_wrap_output(op, r, result_dtype if i == 0 else None, operands)
                        for i, r in enumerate(result))
        differentiable = outputs[0]
    else:
        outputs = differentiable = _wrap_output(op, result, result_dtype, operands)

    if op.has_gradient and grad_mode.state.enabled and differentiable.dtype.category == FLOATING:
        _record(op, operands, params, outputs, differentiable)
    return outputs


def _record(op, operands, params, outputs, differentiable):
    """Attach the op's node to its differentiable output when an operand requires grad."""
    edges = None
    for i, x in enumerate(operands):
        if isinstance(x, Tensor) and x._requires_grad:
            if edges is None:
                edges = [None] * len(operands)
            edges[i] = edge_of(x)
    if edges is not None:
        node = OpNode(op, edges, operands, params, outputs)
        differentiable._requires_grad = True
        differentiable.grad_fn = node


def _wrap_output(op, array, dtype, operands):
    if type(array) is not np.ndarray:
        array = np.asarray(array)
    if dtype is not None and array.dtype != dtype.numpy_type:
        array = array.astype(dtype.numpy_type)
    if op.view:
        base = operands[0]
        return Tensor._make_view(array, base)
    return Tensor._from_fresh(_owned(array, operands), dtype)


def _owned(array, operands):
    """A result that is dense, writable and shares no memory with the inputs (a non-view op copies)."""
    if array.base is not None or not array.flags.writeable:
        shares = any(isinstance(x, Tensor) and np.may_share_memory(array, x._data) for x in operands)
        if shares or not array.flags.writeable or not (array.flags.c_contiguous or array.flags.f_contiguous):
            return np.array(array, order="K" if array.flags.f_contiguous else "C")
    elif not (array.flags.c_contiguous or array.flags.f_contiguous):
        return np.ascontiguousarray(array)
    return array


# ---------------------------------------------------------------- meta operands

# ops whose result's shape depends on the data, which a meta tensor does not have (torch has no meta kernel)
_DATA_DEPENDENT = {"nonzero"}


def _has_meta_operand(operands, params):
    return any(type(x._data if isinstance(x, Tensor) else x) is MetaArray
               for x in (*operands, *params.values()))


def apply_meta(op, operands, params):
    """The op on meta operands: a meta result with the shape, dtype and strides of the CPU result, and its
    autograd node (backward on meta tensors gives meta gradients, as in torch)."""
    if op.name in _DATA_DEPENDENT:
        raise NotImplementedError(f"{op.name}: the shape of its result depends on the data, and a meta tensor has "
                                  f"none")
    if op.promotion != RAW:
        _check_one_device(operands)
    if op.fills:
        first = operands[0]
        outputs = _meta.empty_tensor(first.shape, first.dtype)
    else:
        results = _run_on_stand_ins(op, operands, params)
        if type(results) is tuple:
            outputs = tuple(_as_meta(op, result, operands) for result in results)
        else:
            outputs = _as_meta(op, results, operands)
    differentiable = outputs[0] if type(outputs) is tuple else outputs
    if op.has_gradient and grad_mode.state.enabled and differentiable.dtype.category == FLOATING:
        _record(op, operands, params, outputs, differentiable)
    return outputs


def _run_on_stand_ins(op, operands, params):
    """The op's CPU result on stand-ins of its meta operands. A view kernel, which only computes strides, gets
    their layouts; any other kernel gets zeros laid out like them, or ones when it rejects zeros (an integer
    divisor): a meta tensor has no values for it to reject. An error raised with both is the op's own."""
    if op.view:
        return _run_with(op, operands, params, None)
    try:
        return _run_with(op, operands, params, 0)
    except Exception as error:  # noqa: BLE001 - retried with ones; re-raised if they fail too
        try:
            return _run_with(op, operands, params, 1)
        except Exception:  # noqa: BLE001
            raise error from None


def _run_with(op, operands, params, fill):
    def stand_in(value):
        if isinstance(value, Tensor) and type(value._data) is MetaArray:
            return Tensor._from_fresh(_stand_in_array(value._data, fill), value.dtype)
        return _stand_in_array(value, fill) if type(value) is MetaArray else value
    with grad_mode.no_grad(), np.errstate(all="ignore"):
        return apply_op(op, [stand_in(x) for x in operands], {k: stand_in(v) for k, v in params.items()})


def _stand_in_array(array, fill):
    # a view's layout keeps the layout's address, so a view of it stays comparable with its storage's layout
    return array.layout if fill is None else _meta.stand_in(array, fill)


def _as_meta(op, result, operands):
    """The meta tensor with the stand-in result's layout: a view of operands[0] for a view op."""
    if op.view:
        return Tensor._make_view(MetaArray(result._data), operands[0])
    return Tensor._from_fresh(_meta.array_like(result._data), result.dtype)


def _check_one_device(operands):
    """torch's rule for ops that combine their operands: one device, where a CPU 0-d tensor counts as a number."""
    expected = None
    for x in operands:
        if isinstance(x, Tensor) and not (x.ndim == 0 and not x.is_meta):
            if expected is None:
                expected = x.device
            elif x.device != expected:
                raise RuntimeError(f"Tensor on device {x.device} is not on the expected device {expected}!")


class SavedOperands(tuple):
    """The operands of a variadic op, saved for its rule (unpacked one by one)."""


class OpNode(Node):
    """The backward of one op call: runs the op's rule, then undoes broadcasting and dtype promotion."""

    __slots__ = ("op", "saved", "input_meta")

    def __init__(self, op, edges, operands, params, outputs):
        super().__init__(edges)
        self.op = op
        self.input_meta = [(x.shape, x.dtype) if isinstance(x, Tensor) else None for x in operands]
        saved = []
        for name in op.rule_arguments:
            if name == "out":
                saved.append(SavedTensor(outputs[0] if type(outputs) is tuple else outputs, is_output=True))
            elif name == "out1":   # None when this call returned a single output
                saved.append(SavedTensor(outputs[1]) if type(outputs) is tuple else None)
            elif name in params:
                saved.append(params[name])
            elif name in op.param_defaults:
                saved.append(op.param_defaults[name])
            elif name == op.variadic:
                saved.append(SavedOperands(SavedTensor(x) if isinstance(x, Tensor) else x for x in operands))
            elif op.variadic and name == op.variadic + "_shape":
                saved.append(tuple(tuple(x.shape) if isinstance(x, Tensor) else () for x in operands))
            elif name.endswith("_shape"):  # only the operand's shape: nothing saved, nothing version-checked
                operand = operands[op.operand_names.index(name[:-len("_shape")])]
                saved.append(tuple(operand.shape) if isinstance(operand, Tensor) else ())
            else:
                value = operands[op.operand_names.index(name)]
                saved.append(SavedTensor(value) if isinstance(value, Tensor) else value)
        self.saved = saved

    def name(self):
        return self.op.node_name

    def release(self):
        self.saved = None

    def apply(self, output_grads, create_graph):
        return self._gradients(output_grads)[0]

    def apply_owned(self, output_grads, create_graph, owned=False):
        results, arguments = self._gradients(output_grads)
        if create_graph:
            return results, [False] * len(results)
        # A gradient the rule computed afresh is the engine's to keep, and so is a view of an incoming gradient
        # the engine owned (this node consumes it); one that shares memory with a gradient the engine does not
        # own, with a saved tensor or with another result is not.
        seen = [] if owned else [output_grads[0]._data]
        for argument in arguments:
            seen.extend(a._data for a in (argument if isinstance(argument, tuple) else (argument,))
                        if isinstance(a, Tensor))
        results_owned = []
        for grad in results:
            results_owned.append(grad is not None and not any(np.may_share_memory(grad._data, other)
                                                              for other in seen))
            if grad is not None:
                seen.append(grad._data)
        return results, results_owned

    def _gradients(self, output_grads):
        """(the input gradients, the arguments the rule was given)."""
        if self.saved is None:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved tensors after "
                "they have already been freed). Saved intermediate values of the graph are freed when you call "
                ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
                "graph a second time or if you need to access saved tensors after calling backward.")
        g = output_grads[0]
        result_dtype = g.dtype
        if g.dtype in _COMPUTE_TYPE:
            g = g.float()  # torch's backward kernels for half types compute in float32 and round once
        arguments = [tuple(self._argument(s, g.dtype) for s in saved) if isinstance(saved, SavedOperands)
                     else self._argument(saved, g.dtype) for saved in self.saved]
        grads = self.op.rule(g, *arguments)
        if not isinstance(grads, tuple):
            grads = (grads,)
        results = []
        for edge, grad, meta in zip(self.edges, grads, self.input_meta):
            if edge is None or grad is None:
                results.append(None)
                continue
            shape, dtype = meta
            if grad.dtype is not result_dtype:
                grad = grad.to(result_dtype)  # torch reduces and rounds in the result dtype, then casts
            if grad.shape != shape:
                grad = grad.sum_to_size(shape)
            if grad.dtype is not dtype:
                grad = grad.to(dtype)
            results.append(grad)
        return results, arguments

    def _argument(self, saved, dtype):
        """A saved value for the rule; tensors are promoted to the result's dtype, as torch's formulas see them."""
        value = saved.unpack(self) if isinstance(saved, SavedTensor) else saved
        if isinstance(value, Tensor) and value.dtype.is_floating_point and value.dtype is not dtype:
            return value.to(dtype)
        return value


from .._tensor import Tensor  # noqa: E402  (Tensor's methods call ops; ops need Tensor: import last)
