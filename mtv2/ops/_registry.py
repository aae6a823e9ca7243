"""The op table and the one call path: promote dtypes -> run the NumPy kernel -> record an autograd node.

An op is a NumPy kernel registered with `@op(name, promotion=..., saves=(...))`, and its derivative right beside it
with `@the_op.vjp`. The record declares what the derivative rule receives, in order, after `g` (the output's
gradient): `saves` names, checked against the kernel's signature when the op registers,
- an operand of the kernel (the input, saved at call time) or a keyword parameter of it (the call's value, else
  its default);
- `"result"`: the op's output; or the name of one of the kernel's `extra_outputs` (something the forward computes
  anyway that spares the backward recomputing it: never differentiable);
- `"a.shape"`: operand a's shape only (nothing saved, nothing version-checked);
- for a variadic kernel (`def cat(*tensors, dim=0)`), `"tensors"`: the tuple of its operands, `"tensors.shape"`: their
  shapes.
The rule's own parameter names are free. It returns one gradient per operand (None where there is none).
Broadcasting is undone once, in OpNode.apply, never inside a rule.

Differentiability is declared too: an op has a rule (`vjp`), or says why it has none: `no_derivative()` (a floating
result whose backward raises, as torch's does), `nondifferentiable="why"` (its results are never floating: an index,
a bool mask, bitwise integers), or promotion=COMPARE (bool results by definition). `check_records()`, run once all the
families are imported, refuses an op with none of these.

Meta tensors (mtv2/_meta.py): while any exist, apply_op looks for a meta operand and hands such calls to
apply_meta, which runs the kernel on stand-ins (a view kernel on the layouts, any other on zeros laid out like the
operands) and keeps only the result's shape, dtype and strides. An op declared `fills=True` (a fill that ignores
its first operand's values: the random fills, fill, copy_from) is not run at all on meta: no allocation, no
random number drawn.

Promotion follows torch's rule (promoted_dtype, _result_dtypes) and nothing else: what it decides for a call
depends only on the operands' signatures (each tensor's dtype and whether it is 0-d, each number's type) and the
default dtype, so each op caches the rule's answer per signature (Op.type_plans, emptied by set_default_dtype)
instead of keeping a second, faster copy of the rule.

Variadic ops (cat): a kernel written `def cat(*tensors, dim=0)` takes any number of operands, all promoted
together; its rule returns one gradient per operand, in order.
"""
import inspect

import numpy as np

from .. import _dtype, _meta
from .._dtype import FLOATING, get_default_dtype, result_type_of, scalar_dtype
from .._meta import MetaArray, live as _live_meta_arrays
from ..autograd import grad_mode
from ..autograd.graph import Node, SavedTensor, _sequence, grad_accumulator

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

    def __init__(self, name, kernel, promotion, view=False, fills=False, opmath_scalars=False, saves=(),
                 extra_outputs=(), nondifferentiable=None, formula_backward=False):
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
        self.keyword_only = {p.name for p in inspect.signature(kernel).parameters.values() if p.kind == p.KEYWORD_ONLY}
        self.extra_outputs = tuple(extra_outputs)  # the kernel's outputs after the first, for the rule only
        self.nondifferentiable = nondifferentiable  # why the op's results are never floating, if they are not
        # torch's derivative is a formula of separate ops (derivatives.yaml), not a backward kernel: for a half type
        # each of them rounds to it, so the rule runs in the half type instead of float32
        self.formula_backward = formula_backward
        self.rule = None
        self.saves = saves        # what the rule receives after g (see the module docstring); checked here
        self.has_gradient = False  # set by vjp() or no_derivative()
        self.node_name = "".join(part.capitalize() for part in name.strip("_").split("_")) + "Backward0"
        # {operand signature: promotion plan}: each entry what _type_plan (the general rule) worked out on the first
        # call with that signature; emptied when the default dtype changes
        self.type_plans = _dtype.default_dependent_cache()

    @property
    def saves(self):
        return self._saves

    @saves.setter
    def saves(self, names):
        """What the rule receives after `g`; works out once where each comes from (see _save_plan), refusing a name
        the kernel does not have."""
        self._saves = tuple(names)
        self.save_plan = tuple(_save_plan(self, name) for name in self._saves)

    def vjp(self, rule):
        """Register the derivative rule: it takes g and then one parameter per declared saved value."""
        parameters = inspect.signature(rule).parameters.values()
        positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if not any(p.kind == p.VAR_POSITIONAL for p in parameters) and len(positional) != 1 + len(self.saves):
            raise TypeError(f"op {self.name}: its derivative rule takes {len(positional)} arguments, but the op saves "
                            f"{self.saves} (the rule takes g and then each of them)")
        self.rule = rule
        self.has_gradient = True
        return rule

    def no_derivative(self, torch_name=None):
        """Declare the op not differentiable: its result still records, and backward raises naming the op
        (torch's name for it, when given)."""
        def rule(g):
            raise RuntimeError(f"derivative for {torch_name or self.name} is not implemented")
        self.rule = rule
        self.has_gradient = True

    # __call__ is apply_op (assigned below it): the call path
    def __repr__(self):
        return f"<mtv2 op {self.name}>"


def op(name, promotion=SAME, view=False, fills=False, opmath_scalars=False, saves=(), extra_outputs=(),
       nondifferentiable=None, formula_backward=False):
    """Decorator: register a NumPy kernel as the op `name` (the arguments: see Op and the module docstring)."""
    def register(kernel):
        if name in OPS:
            raise ValueError(f"op {name} registered twice")
        OPS[name] = registered = Op(name, kernel, promotion, view, fills, opmath_scalars, saves, extra_outputs,
                                    nondifferentiable, formula_backward)
        return registered
    return register


def check_records():
    """Refuse an op that neither has a derivative nor says why it has none (see the module docstring): without the
    declaration its floating results would silently drop their history."""
    silent = sorted(name for name, record in OPS.items()
                    if not record.has_gradient and record.nondifferentiable is None and record.promotion != COMPARE)
    if silent:
        raise TypeError(f"ops without a derivative rule or a declaration why they have none: {', '.join(silent)}")


# ---------------------------------------------------------------- dtypes

def _signature(operand):
    """All that promotion sees of an operand: a tensor's dtype (paired with "0-d" for a 0-d tensor: it promotes only
    across categories), else the operand's type (a Python or NumPy number; None, which promotion ignores)."""
    if isinstance(operand, Tensor):
        return operand.dtype if operand._data.ndim else (operand.dtype, "0-d")
    return type(operand)

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


def _type_plan(op, operands, key):
    """The promotion plan for operands with signature `key`, from the general rule (_result_dtypes), kept in the
    op's cache: (NumPy type to compute in, result dtype, whether every operand is a tensor already stored in the
    compute type, the NumPy type a Python number is converted to first). The signature decides all four."""
    numpy_type, result_dtype, promoted_numpy_type = _result_dtypes(op, operands)
    direct = all(isinstance(x, Tensor) and x.dtype.numpy_type == numpy_type for x in operands)
    plan = (numpy_type, result_dtype, direct, numpy_type if op.opmath_scalars else promoted_numpy_type)
    op.type_plans[key] = plan
    return plan


# ---------------------------------------------------------------- the call path

def apply_op(op, *operands, **params):
    """Op.__call__, the call path: promote, run the kernel, wrap its result, record the autograd node."""
    if _live_meta_arrays.count and _has_meta_operand(operands, params):
        return apply_meta(op, operands, params)
    if op.promotion == RAW:
        arrays = [x._data if isinstance(x, Tensor) else x for x in operands]
        result_dtype = None
    else:
        # written out for two operands, the common case, to spare the per-operand calls
        if len(operands) == 2:
            a, b = operands
            key = (a.dtype if type(a) is Tensor and a._data.ndim else _signature(a),
                   b.dtype if type(b) is Tensor and b._data.ndim else _signature(b))
        else:
            key = tuple(map(_signature, operands))
        numpy_type, result_dtype, direct, scalar_type = op.type_plans.get(key) or _type_plan(op, operands, key)
        if not direct:
            arrays = [x._data if isinstance(x, Tensor) and x._data.dtype == numpy_type
                      else _as_compute_array(x, numpy_type, scalar_type) for x in operands]
        elif len(operands) == 2:
            arrays = (a._data, b._data)
        else:
            arrays = [x._data for x in operands]

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
        if len(result) != 1 + len(op.extra_outputs):
            raise TypeError(f"op {op.name}: its kernel returned {len(result)} outputs; the record declares "
                            f"{1 + len(op.extra_outputs)}")
        outputs = tuple(_wrap_output(op, r, result_dtype if i == 0 else None, operands)
                        for i, r in enumerate(result))
        differentiable = outputs[0]
    elif (type(result) is np.ndarray and result.base is None and result_dtype is not None
          and result.dtype is result_dtype.numpy_type and result.flags.num & _FRESH_FLAGS > _WRITEABLE and not op.view):
        # a fresh array of the result's dtype, writable and C- or F-contiguous: nothing for _wrap_output to do
        outputs = differentiable = Tensor._from_fresh(result, result_dtype)
    else:
        outputs = differentiable = _wrap_output(op, result, result_dtype, operands)

    if op.has_gradient and differentiable.dtype.category == FLOATING:
        for x in operands:
            if isinstance(x, Tensor) and x._requires_grad:
                if grad_mode.state.enabled:   # the thread's grad mode, read only when it matters
                    _record(op, operands, params, outputs, differentiable)
                break
    return outputs


Op.__call__ = apply_op


# numpy's flags.num bits: a result is kept as it is when it is writable and C- or F-contiguous (see _owned)
_WRITEABLE = 0x400
_FRESH_FLAGS = _WRITEABLE | 0x1 | 0x2


def _record(op, operands, params, outputs, differentiable):
    """Attach the op's node to its differentiable output (some operand requires grad)."""
    edges = [None] * len(operands)
    input_meta = [None] * len(operands)
    for i, x in enumerate(operands):
        if isinstance(x, Tensor) and x._requires_grad:
            edges[i] = (x.grad_fn, x._output_nr) if x.grad_fn is not None else (grad_accumulator(x), 0)
            input_meta[i] = (x._data.shape, x.dtype)
    differentiable.grad_fn = OpNode(op, edges, input_meta, operands, params, outputs)
    differentiable._requires_grad = True


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
    if (op.has_gradient and grad_mode.state.enabled and differentiable.dtype.category == FLOATING
            and any(isinstance(x, Tensor) and x._requires_grad for x in operands)):
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
        return apply_op(op, *[stand_in(x) for x in operands], **{k: stand_in(v) for k, v in params.items()})


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


# Where a saved value comes from (see the module docstring): worked out once per op by _save_plan
_OUT, _OUT1, _PARAM, _DEFAULT, _OPERAND, _SHAPE, _VARIADIC, _VARIADIC_SHAPES = (
    "out", "out1", "param", "default", "operand", "shape", "variadic", "variadic_shapes")
RESULT = "result"


def _save_plan(op, name):
    """(name, source, key) for one declared saved value: a keyword given in the call wins over its default; an operand
    is saved by position (key), `x.shape` keeps its shape only. A name the kernel does not have is refused here."""
    if name == RESULT:
        return name, _OUT, None
    if name in op.extra_outputs:
        if op.extra_outputs.index(name) != 0:
            raise TypeError(f"op {op.name}: only its second output can be saved, not {name!r}")
        return name, _OUT1, None
    if name in op.param_defaults:
        return name, _DEFAULT, op.param_defaults[name]
    if name in op.keyword_only:
        return name, _PARAM, None   # a keyword-only parameter without default: every call gives it
    if op.variadic and name == op.variadic:
        return name, _VARIADIC, None
    if op.variadic and name == op.variadic + ".shape":
        return name, _VARIADIC_SHAPES, None
    if name.endswith(".shape") and name[:-len(".shape")] in op.operand_names:
        return name, _SHAPE, op.operand_names.index(name[:-len(".shape")])
    if name in op.operand_names:
        return name, _OPERAND, op.operand_names.index(name)
    raise TypeError(f"op {op.name} saves {name!r}, which is not an operand, keyword, output or shape of its kernel")


class SavedOperands(tuple):
    """The operands of a variadic op, saved for its rule (unpacked one by one)."""


class OpNode(Node):
    """The backward of one op call: runs the op's rule, then undoes broadcasting and dtype promotion."""

    __slots__ = ("op", "saved", "input_meta")

    def __init__(self, op, edges, input_meta, operands, params, outputs):
        # Node.__init__ written out (the hot path)
        self.edges = edges
        self.sequence_nr = next(_sequence)
        self.tensor_pre_hooks = None
        self.retained = None
        self.op = op
        self.input_meta = input_meta  # (shape, dtype) of each operand with an edge
        saved = []
        for name, source, key in op.save_plan:
            if source is _OUT:
                saved.append(SavedTensor(outputs[0] if type(outputs) is tuple else outputs, is_output=True))
            elif source is _OUT1:   # None when this call returned a single output
                saved.append(SavedTensor(outputs[1]) if type(outputs) is tuple else None)
            elif name in params:
                saved.append(params[name])
            elif source is _DEFAULT:
                saved.append(key)
            elif source is _OPERAND:
                value = operands[key]
                saved.append(SavedTensor(value) if isinstance(value, Tensor) else value)
            elif source is _SHAPE:  # only the operand's shape: nothing saved, nothing version-checked
                operand = operands[key]
                saved.append(tuple(operand.shape) if isinstance(operand, Tensor) else ())
            elif source is _VARIADIC:
                saved.append(SavedOperands(SavedTensor(x) if isinstance(x, Tensor) else x for x in operands))
            elif source is _VARIADIC_SHAPES:
                saved.append(tuple(tuple(x.shape) if isinstance(x, Tensor) else () for x in operands))
            else:
                raise TypeError(f"{op.name}: its derivative rule's parameter {name!r} is not a keyword argument "
                                f"of this call")
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
            if isinstance(argument, Tensor):
                seen.append(argument._data)
            elif isinstance(argument, tuple):
                seen.extend(a._data for a in argument if isinstance(a, Tensor))
        results_owned = []
        for grad in results:
            if grad is None:
                results_owned.append(False)
                continue
            data = grad._data
            for other in seen:
                if np.may_share_memory(data, other):
                    results_owned.append(False)
                    break
            else:
                results_owned.append(True)
            seen.append(data)
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
        if g.dtype in _COMPUTE_TYPE and not self.op.formula_backward:
            g = g.float()  # torch's backward kernels for half types compute in float32 and round once
        dtype = g.dtype
        arguments = []
        for saved in self.saved:
            if type(saved) is SavedTensor:   # the common case, written out
                value = saved.unpack(self)
                arguments.append(value.to(dtype) if value.dtype is not dtype and value.dtype.category == FLOATING
                                 else value)
            elif type(saved) is SavedOperands:
                arguments.append(tuple(self._argument(s, dtype) for s in saved))
            else:
                arguments.append(self._argument(saved, dtype))
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
            if grad._data.shape != shape:
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
