"""no_upcast: float32 stays float32 inside mtv2's kernels (issue 11).

A float32 op that computes through float64 temporaries (`x.astype(np.float64)`, a NumPy float64 scalar or array
that promotes a float32 one, a float64 draw of the input's size) still gives float32 values close to torch's, so
no forward/backward row sees it; it costs the memory and the memory traffic of a float64 computation.

The measurement: a case runs once on float32 inputs and once on the same values in float64, each under
tracemalloc, which NumPy tells about every data buffer it allocates and frees (traced_call: NumPy's buffers
only, mtv2 on one intra-op thread). The peak counts above what is live before the call: the inputs, the forward
graph of a backward case and an optimizer's state are built first, and the call runs once untraced before, so
that lazy imports and caches do not count. The backward direction measures autograd.grad of the floating
outputs with a random cotangent; the optim direction one optimizer step after a first one.

What is judged is the float32 run's excess over half the float64 run's, in float32 buffers of the largest
floating input (Measurement.worst). Where every buffer scales with the item size it is 0. A buffer that does not
shrink with the dtype adds half its size: a float64 (or int64) array of the input's size adds 1, a bool mask 1/8,
and a float64 copy that the float64 run does not make (`astype(np.float64, copy=False)`) adds 2. It is taken at
the two peaks and at every line of mtv2 both runs went through alike (the same line, reached through the same
calls, the same number of times), so that a widened temporary counts where it lives even when the float64 run
peaks elsewhere with more float buffers (the int64 count in the inf-norm's gradient), and the row names the
function where the excess is largest. The ratio of the two peaks, which the detail also shows, would dilute this:
a float64 temporary in an op that holds k float32 buffers at its peak moves the ratio from 0.50 only to
(k + 2) / (2k + 2), 0.62 for k = 3, less than the 0.69 that nan_to_num reaches with the five bool masks NumPy's
nan_to_num holds.

Sizes: 64 x 510 elements (about 128 KiB in float32), every array of a case under 32768 elements, so that the
float64 arrays stay under the 256 KiB from which NumPy elides temporaries (computes in place into a temporary
operand). NumPy elides when the other operand casts safely to the temporary's dtype, and a Python float does not
cast safely to float32: at 512 x 1024 gelu's tanh form kept one float32 buffer more in float32 than in float64
(ratio 0.67, excess 1, no upcast); here it measures 0. Index arrays (targets, embedding ids, gather indices) stay
small beside the float data. The optimizer cases step a 1M-element parameter.
"""
import ctypes
import math
import os
import sys
import time
import tracemalloc
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Callable

import numpy as np

from conformance import frameworks
from conformance.checks import CheckResult
from conformance.inputs import draw, rng_for
from conformance.outcome import exception_text
from conformance.run import make_row
from conformance.spec import XFail

CHECK = "no_upcast"
DTYPE = "float32"
REFERENCE_DTYPE = "float64"
# In float32 buffers of the largest input. Calibrated on the 426 rows below: the 389 without a widened buffer measure
# 0-0.004 (315), 0.08 (2: the optimizer steps' cache-sized scratch), 0.125-0.24 (59: a bool mask, small index
# arrays), 0.25 (2), 0.375 (8: three bool masks) and 0.625 (3: five, e.g. NumPy's nan_to_num); the 37 declared in
# UPCASTS 1.0 (a float64 or int64 array of the input's size), 1.125-1.127, 2.0 and 3.0. The threshold sits in the gap.
THRESHOLD = 0.8
TOLERANCE_NOTE = (f"no_upcast: float32 run's buffers - float64 run's / 2 <= {THRESHOLD} float32 buffers of the "
                  f"largest input, at the peaks and line by line (0 when every buffer scales with the item size; a "
                  f"float64 array of the input's size adds 1)")
OPTIM_TOLERANCE_NOTE = (f"no_upcast: float32 step peak <= {THRESHOLD} float32 buffers of the parameter (the "
                        f"float64 step runs another implementation; its peak is reported, not compared)")
ROWS, COLS = 64, 510
# Shapes of ROWS * COLS elements for inputs of each rank (the last dim the long one, as in a hidden state).
SHAPES = {1: (ROWS * COLS,), 2: (ROWS, COLS), 3: (4, ROWS // 4, COLS), 4: (2, 2, ROWS // 4, COLS)}
KIB = 1024.0


# ---------------------------------------------------------------- the case table's vocabulary

@dataclass(frozen=True)
class In:
    """One input of a case: a floating tensor of the case dtype (domain as in conformance.inputs.draw), or a fixed
    int64/bool tensor (int64: indices in [0, high), every `ignore_every`-th one -100; bool: a random mask)."""
    shape: tuple
    domain: str = "real"
    dtype: str | None = None
    high: int = 2
    ignore_every: int = 0
    grad: bool = True


@dataclass(frozen=True)
class Case:
    """fn(fw, *tensors), measured forward and (grad=True) backward, in rows named `name` (torch's public name, as
    the matrix names it). ops: registry kernels it runs that its name does not resolve to (registry_coverage)."""
    name: str
    fn: Callable
    inputs: tuple
    variant: str = ""
    grad: bool = True
    ops: tuple = ()
    kind = "op"
    # the share of the float64 run's peak the float32 run may hold: half, where both run the same code
    reference_share = 0.5
    tolerance_note = TOLERANCE_NOTE

    @property
    def directions(self):
        return ("forward", "backward") if self.grad else ("forward",)

    @property
    def row_name(self):
        return self.name

    def row_variant(self, direction):
        return "-".join(filter(None, (self.variant, f"no_upcast_{direction}")))

    def case_id(self, direction):
        return f"{self.kind}/{self.name}/{self.row_variant(direction)}/{DTYPE}"

    def prepare(self, fw, dtype, arrays, direction, rng):
        """-> the call to measure, returning the tensors that must come out in `dtype`."""
        tensors = [make_input(fw, spec, array, dtype, self.grad) for spec, array in zip(self.inputs, arrays)]
        if direction == "forward":
            return lambda: _floating(fw, self.fn(fw, *tensors))
        leaves = [t for t in tensors if t.requires_grad]
        outputs = [out for out in _floating(fw, self.fn(fw, *tensors)) if out.requires_grad]
        cotangents = [fw.tensor(rng.normal(size=tuple(out.shape)), dtype=out.dtype) for out in outputs]
        return lambda: list(fw.autograd.grad(outputs, leaves, cotangents))


@dataclass(frozen=True)
class OptimCase(Case):
    """One step of optim.<name>(**options) on a parameter of `size` elements with a gradient, after a first step
    (which creates the state): the update a training loop repeats. fn is unused."""
    fn: Callable = None
    inputs: tuple = ()
    size: int = 1 << 20
    options: dict = field(default_factory=dict)
    kind = "optim"
    directions = ("step",)
    # mtv2 updates a float32 parameter block by block (mtv2/optim/_fused.py adam_update_) and a float64 one
    # operation by operation with Dekker's exact fma (about 15 parameter-sized float64 temporaries): the float64
    # step is another implementation, not a reference. The float32 step is held to its own design instead:
    # nothing of the parameter's size beyond the parameter and its state (one float64 buffer of it counts 2).
    reference_share = 0.0
    tolerance_note = OPTIM_TOLERANCE_NOTE

    def __post_init__(self):
        object.__setattr__(self, "inputs", (In((self.size,)), In((self.size,))))

    @property
    def row_name(self):
        return f"optim.{self.name}"

    def prepare(self, fw, dtype, arrays, direction, rng):
        parameter_values, gradient_values = arrays
        parameter = fw.nn.Parameter(fw.tensor(parameter_values.astype(dtype), dtype=getattr(fw, dtype)))
        parameter.grad = fw.tensor(gradient_values.astype(dtype), dtype=getattr(fw, dtype))
        optimizer = getattr(fw.optim, self.name)([parameter], **self.options)
        optimizer.step()

        def step():
            optimizer.step()
            return [parameter] + [value for state in optimizer.state.values() for value in state.values()
                                  if isinstance(value, fw.Tensor) and value.dtype.is_floating_point and value.dim()]
        return step


def make_input(fw, spec, array, dtype, grad):
    """The tensor of one input: floating ones in `dtype` (from the float32 values), fixed-dtype ones as drawn."""
    if spec.dtype:
        return fw.tensor(array, dtype=getattr(fw, spec.dtype))
    return fw.tensor(array.astype(dtype), dtype=getattr(fw, dtype), requires_grad=grad and spec.grad)


def _floating(fw, value):
    """The floating tensors in an op's output (a tensor, or a tuple such as max's (values, indices))."""
    values = value if isinstance(value, (tuple, list)) else (value,)
    return [v for v in values if isinstance(v, fw.Tensor) and v.dtype.is_floating_point]


def draw_inputs(case, rng):
    """float32 values for floating inputs (the float64 run gets the same values), fixed-dtype arrays as they are."""
    arrays = []
    for spec in case.inputs:
        if spec.dtype is None:
            arrays.append(draw(rng, spec.shape, DTYPE, spec.domain))
        elif spec.dtype == "bool":
            arrays.append(rng.random(spec.shape) < 0.5)
        else:
            values = rng.integers(0, spec.high, spec.shape).astype(spec.dtype)
            if spec.ignore_every:
                values.reshape(-1)[::spec.ignore_every] = -100
            arrays.append(values)
    return arrays


# ---------------------------------------------------------------- the measurement

class _Allocator(ctypes.Structure):
    """CPython's PyMemAllocatorEx: a context and four functions."""
    _fields_ = [("ctx", ctypes.c_void_p), ("malloc", ctypes.c_void_p), ("calloc", ctypes.c_void_p),
                ("realloc", ctypes.c_void_p), ("free", ctypes.c_void_p)]


_ALLOCATOR_DOMAINS = (0, 1, 2)   # PYMEM_DOMAIN_RAW, _MEM, _OBJ


for _function in (ctypes.pythonapi.PyMem_GetAllocator, ctypes.pythonapi.PyMem_SetAllocator):
    _function.argtypes, _function.restype = (ctypes.c_int, ctypes.POINTER(_Allocator)), None


def _allocators():
    found = [_Allocator() for _ in _ALLOCATOR_DOMAINS]
    for domain, allocator in zip(_ALLOCATOR_DOMAINS, found):
        ctypes.pythonapi.PyMem_GetAllocator(domain, ctypes.byref(allocator))
    return found


def _set_allocators(allocators):
    for domain, allocator in zip(_ALLOCATOR_DOMAINS, allocators):
        ctypes.pythonapi.PyMem_SetAllocator(domain, ctypes.byref(allocator))


@dataclass
class Trace:
    """One traced call: NumPy buffer bytes above those live at its start, at the call's peak and per source line."""
    peak: int
    lines: dict     # (stack, n) -> the peak while the n-th execution of that place ran (stack: (file, line) of
                    # the framework's frames, innermost first)
    places: dict    # stack -> "file:function" of its innermost frame, to name the place in a row
    runs: dict      # stack -> how many times it ran
    result: object
    ms: float


def traced_call(thunk, package_dir):
    """Run thunk under tracemalloc, counting NumPy's data buffers only, with the peak of every line executed in
    `package_dir` (the framework's code; what it calls elsewhere counts on its line).

    NumPy registers its data buffers with tracemalloc itself (PyTraceMalloc_Track), while tracemalloc sees Python
    objects through hooks on CPython's allocators. Those hooks are taken out again for the call, so that only
    NumPy's buffers count: the Python objects a call makes (tensors, graph nodes) vary by a few hundred bytes
    with the history of the process (free lists, dict sizes), enough to flip a rounded digit of a row. Under an
    outer tracemalloc (PYTHONTRACEMALLOC) everything stays traced and the outer tracing is left running."""
    lines, places, runs = {}, {}, {}
    current, highest = [None], [0]
    root = os.path.dirname(package_dir) + os.sep

    def tracer_of(parent, filename, function):
        """The line tracer of one frame of the framework; `parent`: the (file, line) of the framework's frames
        that called it, innermost first."""
        def on_line(frame, event, arg):
            level = tracemalloc.get_traced_memory()[1] - before
            tracemalloc.reset_peak()
            highest[0] = max(highest[0], level)
            if current[0] is not None:
                lines[current[0]] = max(lines.get(current[0], 0), level)
            if event == "return":   # what follows, up to the caller's next line, is still the caller's line
                current[0] = (parent, runs.get(parent, 0)) if parent else None
                return on_line
            # a place is a line with the calls that led to it: a helper that one dtype's run calls more often
            # (a branch on the dtype) then does not shift what its other calls are compared with
            stack = ((filename, frame.f_lineno),) + parent
            runs[stack] = runs.get(stack, 0) + 1
            current[0] = (stack, runs[stack])
            places.setdefault(stack, f"{filename}:{function}")
            return on_line
        on_line.stack = parent
        return on_line

    def on_call(frame, event, arg):
        code = frame.f_code
        if not code.co_filename.startswith(package_dir):
            return None
        caller = frame.f_back
        outer_line = getattr(caller, "f_trace", None) if caller is not None else None
        parent = ((caller.f_code.co_filename[len(root):], caller.f_lineno),) + outer_line.stack \
            if hasattr(outer_line, "stack") else ()
        return tracer_of(parent, code.co_filename[len(root):], code.co_name)

    outer = tracemalloc.is_tracing()
    plain = None if outer else _allocators()
    tracemalloc.start()
    hooked = None if outer else _allocators()
    if not outer:
        _set_allocators(plain)
    previous_tracer = sys.gettrace()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        start = time.perf_counter()
        sys.settrace(on_call)
        try:
            result = thunk()
        finally:
            sys.settrace(previous_tracer)
        elapsed = (time.perf_counter() - start) * 1e3
        peak = max(highest[0], tracemalloc.get_traced_memory()[1] - before)
        return Trace(peak, lines, places, runs, result, elapsed)
    finally:
        if not outer:
            _set_allocators(hooked)
            tracemalloc.stop()


@dataclass
class Measurement:
    float32: Trace
    float64: Trace
    unit: int           # bytes of the largest floating input in float32
    share: float        # the share of the float64 peak the float32 run may hold (Case.reference_share)

    @property
    def ratio(self):
        return self.float32.peak / self.float64.peak if self.float64.peak else math.inf

    def worst(self):
        """(excess, place): bytes the float32 run holds beyond its share of the float64 run's, in float32 buffers
        of the input's size, at the peaks or, where larger, at a place both runs went through alike (a widened
        temporary shows where it lives, also when the float64 run peaks elsewhere with more float buffers). The
        place is the innermost one of the largest excess, None when only the peaks show it."""
        peaks = (self.float32.peak - self.share * self.float64.peak) / self.unit
        found = (-math.inf, None)
        if self.share:
            for (stack, run), level in self.float32.lines.items():
                if (stack, run) in self.float64.lines and self.float32.runs[stack] == self.float64.runs[stack]:
                    excess = (level - self.share * self.float64.lines[stack, run]) / self.unit
                    if (round(excess, 9), len(stack)) > (round(found[0], 9), len(found[1] or ())):
                        found = (excess, stack)
        return found if found[0] >= peaks - 1e-9 else (peaks, None)

    def text(self):
        excess, key = self.worst()
        ratio = f"{self.ratio:.2f}" if self.float64.peak else "-"
        where = f" at {self.float32.places[key]}" if key else " at the peaks"
        return (f"peak float32 {self.float32.peak / KIB:.1f} KiB vs float64 {self.float64.peak / KIB:.1f} KiB "
                f"(ratio {ratio}); excess {excess:.2f} float32 buffers of {self.unit / KIB:.1f} KiB{where}")


@contextmanager
def _one_thread(fw):
    """The framework's intra-op threads each take their own cache-sized scratch, and when they overlap depends
    on timing: measured with one, the rows do not depend on the machine's core count or its load."""
    threads = fw.get_num_threads() if hasattr(fw, "set_num_threads") else None
    if threads is not None:
        fw.set_num_threads(1)
    try:
        yield
    finally:
        if threads is not None:
            fw.set_num_threads(threads)


def measure(case, direction, fw=None):
    """Run `case` in `direction` on float32 and on float64 inputs with the same values -> Measurement."""
    fw = fw or frameworks.candidate()
    package_dir = os.path.dirname(fw.__file__)
    case_id = case.case_id(direction)
    arrays = draw_inputs(case, rng_for(case_id))
    unit = max(array.size for array, spec in zip(arrays, case.inputs) if spec.dtype is None) * 4
    traces = {}
    # the spec domains overflow some ops on purpose (exp of large logits, cosh): their warnings are not the point
    with warnings.catch_warnings(), np.errstate(all="ignore"), _one_thread(fw):
        warnings.simplefilter("ignore")
        for dtype in (DTYPE, REFERENCE_DTYPE):
            case.prepare(fw, dtype, arrays, direction, rng_for(case_id, "cotangent"))()  # warm-up
            thunk = case.prepare(fw, dtype, arrays, direction, rng_for(case_id, "cotangent"))
            traces[dtype] = traced_call(thunk, package_dir)
            traces[dtype].result = tuple(frameworks.dtype_name(fw, v.dtype) for v in traces[dtype].result)
            del thunk
    return Measurement(traces[DTYPE], traces[REFERENCE_DTYPE], unit, case.reference_share)


# Kernels whose float32 path is code of its own rather than the float64 path at half the size: the float32 scratch
# buffers (of the input's size) it holds by design, and why. They raise the threshold by that much, so a float64
# temporary still shows (it adds at least one buffer more).
FLOAT32_SCRATCH = {
    ("nn.functional.gelu", "forward"): (2, "float32 gelu computes erf with mtv2's float32 rational function "
                                           "(mtv2/ops/_erf32.py: z^2 and the denominator, 2 float32 buffers), "
                                           "float64 with scipy's erf in place"),
}


def judge(measurement, tolerance_note=TOLERANCE_NOTE, scratch=(0, "")):
    """-> CheckResult of the no_upcast check for one measurement (scratch: FLOAT32_SCRATCH's entry)."""
    excess = round(measurement.worst()[0], 2)
    limit = THRESHOLD + scratch[0]
    if scratch[0]:
        tolerance_note = f"{tolerance_note}; + {scratch[0]} declared float32 scratch buffers: {scratch[1]}"
    # err_ratio = excess / (atol + rtol * 0), as DESIGN.md defines it, with the threshold as atol (summary.md's
    # near-miss list also reads atol and rtol beside err_ratio)
    result = dict(err_ratio=round(max(excess, 0.0) / limit, 2), atol=limit, rtol=0.0,
                  tol_source=tolerance_note, mtv2_ms=measurement.float32.ms)
    wrong = sorted(set(measurement.float32.result) - {DTYPE})
    if wrong:
        return CheckResult("fail", f"float32 inputs give {', '.join(wrong)} results | {measurement.text()}", **result)
    if excess <= limit:
        return CheckResult("pass", measurement.text(), **result)
    return CheckResult("fail", f"buffers that do not shrink with float32 (float64 or int64 temporaries): "
                               f"{measurement.text()}", **result)


def check_row(case, direction):
    """The parity row of (case, direction); an exception is an error row, a declared upcast an xfail."""
    if frameworks.candidate_name() != "mtv2":
        result = CheckResult("skip", f"no_upcast measures mtv2's NumPy buffers; the candidate is "
                                     f"{frameworks.candidate_name()}", tol_source=case.tolerance_note)
    else:
        try:
            result = judge(measure(case, direction), case.tolerance_note,
                           FLOAT32_SCRATCH.get((case.row_name, direction), (0, "")))
        except Exception as exception:
            result = CheckResult("error", f"measurement crashed: {exception_text(exception)}",
                                 tol_source=case.tolerance_note)
    reason = expected_failure(case, direction)
    row_case = SimpleNamespace(
        case_id=case.case_id(direction), kind=case.kind, variant=case.row_variant(direction), dtype=DTYPE,
        row_name=lambda check: case.row_name,
        spec=SimpleNamespace(xfails=(XFail(reason, checks=(CHECK,)),) if reason else ()))
    return make_row(row_case, CHECK, result)


# ---------------------------------------------------------------- the case table

# Spec families whose one-tensor cases are run at SHAPES: every pointwise math op, activation and reduction
# conformance has (each registry kernel among them is reached through its public name).
AUTO_FAMILIES = ("arithmetic", "elementwise", "pointwise_math", "special", "activation", "reduction", "scan_sort",
                 "statistics")
# Domains that pin ties, kinks, zeros and out-of-domain values: the main variant runs the same kernel.
SPECIAL_DOMAINS = ("halves", "small_int", "zero")
# Spec variants whose function builds (3, 4)-shaped masks: special values, as above.
SHAPE_BOUND_VARIANTS = ("minus_inf", "plus_inf", "all_minus_inf_row", "same_tensor_and_its_transpose")
# Names of those families whose results are indices or bool: no float computation to keep in float32.
NOT_FLOATING = ("argmax", "argmin", "argsort", "all", "any", "isnan", "isinf", "isposinf", "isneginf", "isfinite",
                "sort", "topk")
# torch defines no derivative for these (neither does mtv2): forward only.
NO_DERIVATIVE = ("floor_divide",)


def _spec_case(spec, tensor_count=1):
    """A Case from a spec called on `tensor_count` tensors of one shape: its first sample whose tensors are all
    contiguous, of the case dtype and of one rank 1-4, at SHAPES."""
    for sample in spec.samples:
        tensors = [(position, arg) for position, arg in enumerate(sample.args) if arg.value is None]
        if len(tensors) != tensor_count or sample.only_dtypes or "dtype" in sample.kwargs \
                or len({arg.shape for _, arg in tensors}) != 1:
            continue
        domains = [arg.domain or spec.domains[min(position, len(spec.domains) - 1)] for position, arg in tensors]
        shape = tensors[0][1].shape
        if any(arg.scalar or arg.dtype or arg.layout != "contiguous" for _, arg in tensors) \
                or len(shape) not in SHAPES or any(domain in SPECIAL_DOMAINS for domain in domains):
            continue
        values = [a.value for a in sample.args]
        positions = [position for position, _ in tensors]

        def call(fw, *xs, _fn=spec.fn, _values=values, _positions=positions, _kwargs=sample.kwargs):
            arguments = list(_values)
            for position, x in zip(_positions, xs):
                arguments[position] = x
            return _fn(fw, *arguments, **_kwargs)
        # an input the spec keeps out of the gradient (requires_grad=False: zeta's order) stays out here too
        return Case(spec.name, call, tuple(In(SHAPES[len(shape)], domain, grad=arg.requires_grad is not False)
                                           for domain, (_, arg) in zip(domains, tensors)), spec.variant,
                    grad=spec.grad and spec.name not in NO_DERIVATIVE)
    return None


def spec_cases():
    """One case per (name, variant) of AUTO_FAMILIES' specs that call a function on one tensor; and, for a name that
    HAND_CASES does not measure, on two tensors of one shape (so an op added with its specs is measured without an
    entry here)."""
    from conformance import specs
    cases = {}
    for family in AUTO_FAMILIES:
        for spec in getattr(specs, family).SPECS:
            if spec.name.startswith("Tensor.") or spec.name in NOT_FLOATING or spec.kind != "op" \
                    or spec.variant.startswith("dtype_") or spec.variant in SHAPE_BOUND_VARIANTS \
                    or not {DTYPE, REFERENCE_DTYPE} <= set(spec.dtypes):
                continue
            case = _spec_case(spec)
            if case is None and spec.name not in _HAND_CASE_NAMES:
                case = _spec_case(spec, tensor_count=2)
            if case is not None:
                cases.setdefault((case.name, case.variant), case)
    return list(cases.values())


R, C = ROWS, COLS
MATRIX = In((R, C))
NONZERO = In((R, C), "nonzero")
MASK = In((R, C), dtype="bool")
F = "nn.functional."


def _attention_softmax(fw, scores, keep):
    """BERT's eager attention: scores / sqrt(d) + (1 - mask) * finfo(dtype).min, softmax over the keys."""
    mask = keep[:, None, None, :].to(scores.dtype)
    return fw.softmax(scores / 8.0 + (1.0 - mask) * fw.finfo(scores.dtype).min, dim=-1)


def _fill(method, *args):
    """An in-place random (or constant) fill of a fresh tensor like x: x's values do not matter, its dtype does."""
    return lambda fw, x: getattr(fw.empty_like(x), method)(*args)


# Every array of a case stays under 32768 elements (see the module docstring).
HAND_CASES = (
    # binary arithmetic: tensor op tensor, op Python number, broadcasting, keyword variants
    Case("add", lambda fw, a, b: fw.add(a, b), (MATRIX, MATRIX), "tensors"),
    Case("add", lambda fw, a, b: fw.add(a, b, alpha=0.5), (MATRIX, MATRIX), "alpha"),
    Case("add", lambda fw, a, b: fw.add(a, b), (MATRIX, In((C,))), "broadcast_rhs"),
    Case("sub", lambda fw, a, b: fw.sub(a, b, alpha=2), (MATRIX, MATRIX), "alpha"),
    Case("mul", lambda fw, a, b: fw.mul(a, b), (MATRIX, MATRIX), "tensors"),
    Case("mul", lambda fw, a: fw.mul(a, 0.125), (MATRIX,), "python_float"),
    Case("div", lambda fw, a, b: fw.div(a, b), (MATRIX, NONZERO), "tensors"),
    Case("div", lambda fw, a, b: fw.div(a, b, rounding_mode="floor"), (MATRIX, NONZERO), "floor", ops=("div_floor",)),
    Case("div", lambda fw, a, b: fw.div(a, b, rounding_mode="trunc"), (MATRIX, NONZERO), "trunc", ops=("div_trunc",)),
    Case("Tensor.__truediv__", lambda fw, a: a / 8.0, (MATRIX,), "python_float"),
    Case("Tensor.__rsub__", lambda fw, a: 1.0 - a, (MATRIX,), "python_float"),
    Case("pow", lambda fw, a, b: fw.pow(a, b), (In((R, C), "base"), In((R, C), "exponent")), "tensors"),
    Case("maximum", lambda fw, a, b: fw.maximum(a, b), (In((R, C), "distinct"), MATRIX), "tensors"),
    Case("minimum", lambda fw, a, b: fw.minimum(a, b), (In((R, C), "distinct"), MATRIX), "tensors"),
    Case("atan2", lambda fw, a, b: fw.atan2(a, b), (NONZERO, NONZERO), "tensors"),
    Case("remainder", lambda fw, a, b: fw.remainder(a, b), (MATRIX, NONZERO), "tensors"),
    Case("remainder", lambda fw, a: fw.remainder(1.5, a), (NONZERO,), "scalar_dividend", grad=False,
         ops=("remainder_scalar_dividend",)),
    Case("fmod", lambda fw, a, b: fw.fmod(a, b), (MATRIX, NONZERO), "tensors"),
    Case("floor_divide", lambda fw, a, b: fw.floor_divide(a, b), (MATRIX, NONZERO), "tensors", grad=False),
    Case("where", lambda fw, c, a, b: fw.where(c, a, b), (MASK, MATRIX, MATRIX), "tensors"),
    Case("lerp", lambda fw, a, b: fw.lerp(a, b, 0.3), (MATRIX, MATRIX), "scalar_weight",
         ops=("lerp_scalar_weight",)),
    Case("lerp", lambda fw, a, b, w: fw.lerp(a, b, w), (MATRIX, MATRIX, In((R, C), "unit")), "tensor_weight"),
    Case("addcmul", lambda fw, a, b, c: fw.addcmul(a, b, c, value=0.5), (MATRIX, MATRIX, MATRIX), "value"),
    Case("addcdiv", lambda fw, a, b, c: fw.addcdiv(a, b, c, value=0.5), (MATRIX, MATRIX, NONZERO), "value"),
    Case("clamp", lambda fw, a, low, high: fw.clamp(a, low, high), (MATRIX, In((R, C), "unit"), In((C,), "above_one")),
         "tensor_bounds"),
    Case("masked_fill", lambda fw, a, m: a.masked_fill(m, -1e4), (MATRIX, MASK), "python_float"),
    # reductions along the long dim (the spec cases reduce everything or along the short one)
    Case("sum", lambda fw, a: fw.sum(a, dim=-1), (MATRIX,), "dim_last"),
    Case("amax", lambda fw, a: fw.amax(a, dim=-1), (In((R, C), "distinct"),), "dim_last"),
    Case("mean", lambda fw, a: fw.mean(a, dim=-1, keepdim=True), (MATRIX,), "dim_last"),
    Case("var", lambda fw, a: fw.var(a, dim=-1, keepdim=True), (MATRIX,), "dim_last"),
    Case("std", lambda fw, a: fw.std(a, dim=-1), (MATRIX,), "dim_last"),
    Case("prod", lambda fw, a: fw.prod(a, dim=-1), (In((R, C), "base"),), "dim_last"),
    Case("max", lambda fw, a: fw.max(a, dim=-1), (In((R, C), "distinct"),), "dim_last", ops=("max_dim",)),
    Case("min", lambda fw, a: fw.min(a, dim=-1), (In((R, C), "distinct"),), "dim_last", ops=("min_dim",)),
    Case("norm", lambda fw, a: fw.norm(a, dim=-1), (MATRIX,), "dim_last", ops=("linalg_vector_norm",)),
    Case("norm", lambda fw, a: fw.norm(a, p=float("inf"), dim=-1), (In((R, C), "distinct"),), "inf_dim_last"),
    Case("logsumexp", lambda fw, a: fw.logsumexp(a, dim=-1), (MATRIX,), "dim_last"),
    Case("cumsum", lambda fw, a: fw.cumsum(a, dim=-1), (MATRIX,), "dim_last"),
    # linear algebra: outputs of about half the inputs' size
    Case("matmul", lambda fw, a, b: fw.matmul(a, b), (In((128, 255)), In((255, 128))), "2d"),
    Case("matmul", lambda fw, q, k: fw.matmul(q, k.transpose(-1, -2)), (In((2, 2, 64, 127)), In((2, 2, 64, 127))),
         "attention_scores"),
    Case("mm", lambda fw, a, b: fw.mm(a, b), (In((128, 255)), In((255, 128)))),
    Case("bmm", lambda fw, a, b: fw.bmm(a, b), (In((4, 64, 127)), In((4, 127, 64)))),
    Case("addmm", lambda fw, c, a, b: fw.addmm(c, a, b, beta=0.5, alpha=2.0), (In((128,)), In((128, 255)),
                                                                                 In((255, 128)))),
    Case("addmv", lambda fw, c, a, b: fw.addmv(c, a, b, beta=0.5, alpha=2.0), (In((128,)), In((128, 255)),
                                                                                 In((255,)))),
    Case("baddbmm", lambda fw, c, a, b: fw.baddbmm(c, a, b, beta=0.5, alpha=2.0),
         (In((4, 64, 64)), In((4, 64, 127)), In((4, 127, 64)))),
    # factorizations (scipy's LAPACK in the input's precision) on a symmetric positive definite a a^T + n I
    Case("linalg.cholesky", lambda fw, a: fw.linalg.cholesky(a @ a.mT + 128 * fw.eye(128)), (In((128, 255)),),
         ops=("linalg_cholesky_ex",)),
    Case("cholesky", lambda fw, a: fw.cholesky(a @ a.mT + 128 * fw.eye(128)),
         (In((128, 255)),)),
    Case("linalg.solve_triangular",
         lambda fw, a, b: fw.linalg.solve_triangular(a.tril() + 64 * fw.eye(128), b, upper=False),
         (In((128, 128)), In((128, 255))), ops=("linalg_solve_triangular",)),
    # the SVD (NumPy's gesdd in the input's precision); the backward runs the U and Vh ops, a tall and a wide matrix
    # take the two branches of their rules
    Case("linalg.svdvals", lambda fw, a: fw.linalg.svdvals(a), (In((128, 64)),), "tall",
         ops=("linalg_svd", "linalg_svd_u", "linalg_svd_vh")),
    Case("linalg.matrix_norm", lambda fw, a: fw.linalg.matrix_norm(a, "nuc"), (In((64, 128)),), "nuclear_wide"),
    Case("linalg.eigvalsh", lambda fw, a: fw.linalg.eigvalsh(a + a.mT), (In((128, 128)),),
         ops=("linalg_eigh", "linalg_eigh_vectors")),
    # QR (scipy's geqrf + orgqr in the input's precision); the backward runs both factors' ops and a triangular solve
    Case("linalg.qr", lambda fw, a: fw.linalg.qr(a), (In((128, 64)),), "tall", ops=("linalg_qr_q", "linalg_qr_r")),
    Case("geqrf", lambda fw, a: fw.geqrf(a), (In((128, 64)),), "tall", grad=False, ops=("geqrf",)),
    # LU (scipy's getrf/getrs in the input's precision) on a / 64 + I; linalg.lu unpacks P (lu_pivots_to_permutation)
    Case("linalg.lu", lambda fw, a: fw.linalg.lu(a / 64 + fw.eye(128)), (In((128, 128)),),
         ops=("linalg_lu_factor_ex", "lu_pivots_to_permutation")),
    Case("linalg.lu_solve", lambda fw, a, b: fw.linalg.lu_solve(*fw.linalg.lu_factor(a / 64 + fw.eye(128)), b),
         (In((128, 128)), In((128, 255))), ops=("linalg_lu_solve",)),
    Case("linalg.ldl_solve", lambda fw, a, b: fw.linalg.ldl_solve(*fw.linalg.ldl_factor(a + a.mT), b),
         (In((128, 128)), In((128, 255))), grad=False, ops=("linalg_ldl_factor_ex", "linalg_ldl_solve")),
    # least squares (scipy's gelsy/gelsd in the input's precision); the backward is pinv(A)'s
    Case("linalg.lstsq", lambda fw, a, b: fw.linalg.lstsq(a, b).solution, (In((128, 64)), In((128, 64))), "gelsy",
         ops=("linalg_lstsq",)),
    # determinants, inverses, solves (scipy's getrf/getrs in the input's precision) on a / 64 + I, well conditioned
    Case("linalg.det", lambda fw, a: fw.linalg.det(a / 64 + fw.eye(128)), (In((128, 128)),),
         ops=("linalg_det", "linalg_inv_ex")),
    Case("linalg.slogdet", lambda fw, a: fw.linalg.slogdet(a / 64 + fw.eye(128)), (In((128, 128)),),
         ops=("linalg_slogdet", "linalg_slogdet_sign")),
    Case("linalg.inv", lambda fw, a: fw.linalg.inv(a / 64 + fw.eye(128)), (In((128, 128)),), ops=("linalg_inv_ex",)),
    Case("linalg.solve", lambda fw, a, b: fw.linalg.solve(a / 64 + fw.eye(128), b), (In((128, 128)), In((128, 255))),
         ops=("linalg_solve_ex",)),
    Case("linalg.pinv", lambda fw, a: fw.linalg.pinv(a), (In((128, 64)),), "tall", ops=("linalg_pinv",)),
    Case("cholesky_solve", lambda fw, a, b: fw.cholesky_solve(b, a.tril() / 64 + fw.eye(128)),
         (In((128, 128)), In((128, 255)))),
    Case("cholesky_inverse", lambda fw, a: fw.cholesky_inverse(a.tril() / 64 + fw.eye(128)), (In((128, 128)),)),
    # nn.functional: what a BERT training step runs
    Case(F + "linear", lambda fw, x, w, b: fw.nn.functional.linear(x, w, b), (In((2, 64, 255)), In((128, 255)),
                                                                               In((128,)))),
    Case(F + "layer_norm", lambda fw, x, w, b: fw.nn.functional.layer_norm(x, (C,), w, b, eps=1e-12),
         (In((4, 16, C)), In((C,)), In((C,)))),
    Case(F + "embedding", lambda fw, ids, w: fw.nn.functional.embedding(ids, w, padding_idx=0),
         (In((1, 64), dtype="int64", high=64), In((64, C))), "padding_idx", ops=("embedding_dense_backward",)),
    Case(F + "embedding_bag", lambda fw, ids, w: fw.nn.functional.embedding_bag(ids, w, mode="sum"),
         (In((8, 8), dtype="int64", high=64), In((64, C))), "sum", ops=("embedding_bag_dense_backward",)),
    Case(F + "ctc_loss", lambda fw, x, t: fw.nn.functional.ctc_loss(x, t, [64] * 8, [16] * 8),
         (In((64, 8, 32)), In((8, 16), dtype="int64", high=32)), ops=("ctc_loss_backward",)),
    Case(F + "dropout", lambda fw, x: fw.nn.functional.dropout(x, 0.1, training=True), (MATRIX,), "train",
         ops=("bernoulli",)),
    Case(F + "cross_entropy", lambda fw, x, t: fw.nn.functional.cross_entropy(x, t),
         (MATRIX, In((R,), dtype="int64", high=C)), ops=("log_softmax_backward", "nll_loss_backward")),
    Case(F + "cross_entropy", lambda fw, x, t: fw.nn.functional.cross_entropy(x, t, ignore_index=-100),
         (MATRIX, In((R,), dtype="int64", high=C, ignore_every=4)), "ignore_index"),
    Case(F + "cross_entropy", lambda fw, x, t: fw.nn.functional.cross_entropy(x, t, label_smoothing=0.1),
         (MATRIX, In((R,), dtype="int64", high=C)), "label_smoothing"),
    Case(F + "nll_loss", lambda fw, x, t: fw.nn.functional.nll_loss(x, t),
         (MATRIX, In((R,), dtype="int64", high=C, ignore_every=4)), ops=("nll_loss_backward",)),
    Case(F + "mse_loss", lambda fw, x, y: fw.nn.functional.mse_loss(x, y), (MATRIX, MATRIX)),
    Case(F + "l1_loss", lambda fw, x, y: fw.nn.functional.l1_loss(x, y), (MATRIX, MATRIX)),
    Case(F + "kl_div", lambda fw, x, y: fw.nn.functional.kl_div(x, fw.softmax(y, -1), reduction="batchmean"),
         (MATRIX, MATRIX), "batchmean", ops=("xlogy_self",)),
    Case(F + "binary_cross_entropy_with_logits",
         lambda fw, x, y: fw.nn.functional.binary_cross_entropy_with_logits(x, y), (MATRIX, In((R, C), "unit"))),
    Case(F + "normalize", lambda fw, x: fw.nn.functional.normalize(x, dim=-1), (MATRIX,)),
    Case(F + "batch_norm", lambda fw, x, w, b: fw.nn.functional.batch_norm(x, None, None, w, b, training=True),
         (In((C, R)), In((R,)), In((R,))), "training"),
    Case(F + "smooth_l1_loss", lambda fw, x, y: fw.nn.functional.smooth_l1_loss(x, y, beta=0.5), (MATRIX, MATRIX)),
    Case(F + "huber_loss", lambda fw, x, y: fw.nn.functional.huber_loss(x, y, delta=0.5), (MATRIX, MATRIX)),
    Case(F + "binary_cross_entropy",
         lambda fw, x, y: fw.nn.functional.binary_cross_entropy(fw.sigmoid(x), fw.sigmoid(y)),
         (MATRIX, In((R, C), grad=False)), "of_sigmoid"),
    Case(F + "scaled_dot_product_attention",
         lambda fw, q, k, v, keep: fw.nn.functional.scaled_dot_product_attention(q, k, v,
                                                                                 attn_mask=keep[:, None, None, :]),
         (In((1, 2, 120, 64)), In((1, 2, 120, 64)), In((1, 2, 120, 64)), In((1, 120), dtype="bool")), "bool_mask"),
    Case("softmax", _attention_softmax, (In((2, 2, 64, 127)), In((2, 127), dtype="bool")), "bert_eager_attention"),
    # convolutions: the forward runs `convolution` (`conv_transpose` for the transposed one), the backward the other
    # and `convolution_backward_weight`; every array under 32768 elements, the im2col columns included
    Case(F + "conv2d", lambda fw, x, w, b: fw.nn.functional.conv2d(x, w, b, padding=1),
         (In((2, 4, 20, 20)), In((8, 4, 3, 3)), In((8,))), "padding1",
         ops=("convolution", "conv_transpose", "convolution_backward_weight")),
    Case(F + "conv_transpose2d", lambda fw, x, w, b: fw.nn.functional.conv_transpose2d(x, w, b, stride=2),
         (In((2, 8, 10, 10)), In((8, 4, 3, 3)), In((4,))), "stride2",
         ops=("convolution", "conv_transpose", "convolution_backward_weight")),
    # pooling (one kernel per kind for 1, 2 and 3 spatial dims): the forward kernels and, in the backward direction,
    # their adjoints
    Case(F + "max_pool2d", lambda fw, x: fw.nn.functional.max_pool2d(x, 3, stride=2, padding=1),
         (In((2, 4, 40, 40), "distinct"),), "stride2_padding1", ops=("max_pool_with_indices", "max_pool_backward")),
    Case(F + "avg_pool2d", lambda fw, x: fw.nn.functional.avg_pool2d(x, 3, stride=2, padding=1),
         (In((2, 4, 40, 40)),), "stride2_padding1", ops=("avg_pool", "avg_pool_backward")),
    Case(F + "adaptive_avg_pool2d", lambda fw, x: fw.nn.functional.adaptive_avg_pool2d(x, (7, 5)),
         (In((2, 4, 40, 40)),), "overlapping_bins", ops=("adaptive_avg_pool", "adaptive_avg_pool_backward")),
    Case(F + "adaptive_max_pool2d", lambda fw, x: fw.nn.functional.adaptive_max_pool2d(x, (7, 5)),
         (In((2, 4, 40, 40), "distinct"),), "overlapping_bins", ops=("adaptive_max_pool",)),
    Case(F + "max_unpool2d", lambda fw, x: fw.nn.functional.max_unpool2d(
        *fw.nn.functional.max_pool2d(x, 2, return_indices=True), 2), (In((2, 4, 40, 40), "distinct"),), "kernel2",
         ops=("max_unpool",)),
    Case(F + "fractional_max_pool2d", lambda fw, x: fw.nn.functional.fractional_max_pool2d(
        x, 3, output_size=(20, 20), _random_samples=fw.full_like(x[:, :, 0, :2], 0.5)),
         (In((2, 4, 40, 40), "distinct"),), "kernel3", ops=("fractional_max_pool",)),
    # resampling: the separable upsample kernel and its adjoint
    Case(F + "interpolate", lambda fw, x: fw.nn.functional.interpolate(x, scale_factor=1.5, mode="bicubic"),
         (In((2, 4, 40, 40)),), "bicubic", ops=("upsample", "upsample_backward")),
    Case(F + "unfold", lambda fw, x: fw.nn.functional.unfold(x, 3, padding=1, stride=2), (In((2, 4, 40, 40)),),
         "kernel3_stride2", ops=("im2col", "col2im")),
    # data movement in BERT and elsewhere: copies that must keep the dtype
    Case("reshape", lambda fw, x: x.transpose(1, 2).reshape(2, 16, 1020), (In((2, 4, 16, 255)),), "transposed_copy",
         ops=("reshape_copy",)),
    Case("clone", lambda fw, x: fw.clone(x), (MATRIX,)),
    Case("Tensor.contiguous", lambda fw, x: x.t().contiguous(), (MATRIX,), "transposed"),
    Case("Tensor.copy_", lambda fw, x: fw.empty_like(x).copy_(x), (MATRIX,), ops=("copy_from",)),
    Case("cat", lambda fw, a, b: fw.cat([a, b], dim=-1), (In((R, 255)), In((R, 255))), "dim_last"),
    Case("nn.functional.pad", lambda fw, x: fw.nn.functional.pad(x, (1, 1), value=0.5), (In((R, 508)),), "constant",
         ops=("constant_pad_nd",)),
    Case("flip", lambda fw, x: fw.flip(x, (0, 1)), (MATRIX,)),
    Case("roll", lambda fw, x: fw.roll(x, 3, -1), (MATRIX,)),
    Case("Tensor.repeat", lambda fw, x: x.repeat(2, 1), (In((32, C)),)),
    Case("repeat_interleave", lambda fw, x: fw.repeat_interleave(x, 2, dim=0), (In((32, C)),)),
    Case("tril", lambda fw, x: fw.tril(x), (MATRIX,)),
    Case("triu", lambda fw, x: fw.triu(x, 1), (MATRIX,)),
    Case("gather", lambda fw, a, i: fw.gather(a, 1, i), (MATRIX, In((R, 64), dtype="int64", high=C)),
         ops=("gather_backward",)),
    Case("index_select", lambda fw, a, i: fw.index_select(a, 0, i), (MATRIX, In((R,), dtype="int64", high=R)),
         ops=("index_select_backward",)),
    Case("Tensor.__getitem__", lambda fw, a, i: a[i], (MATRIX, In((R,), dtype="int64", high=R)), "int_tensor",
         ops=("index", "index_backward")),
    Case("scatter_add", lambda fw, a, i, s: fw.scatter_add(a, 1, i, s),
         (MATRIX, In((R, 64), dtype="int64", high=C), In((R, 64)))),
    Case("index_add", lambda fw, a, i, s: fw.index_add(a, 0, i, s, alpha=0.5),
         (MATRIX, In((16,), dtype="int64", high=R), In((16, C)))),
    Case("index_put", lambda fw, a, i, v: fw.index_put(a, (i,), v, accumulate=True),
         (MATRIX, In((16,), dtype="int64", high=R), In((16, C)))),
    Case("scatter", lambda fw, a, i, s: fw.scatter(a, 1, i, s),
         (MATRIX, In((R, 64), dtype="int64", high=C), In((R, 64))), "src"),
    Case("scatter", lambda fw, a, i, s: fw.scatter(a, 1, i, s),
         (MATRIX, In((R, 64), dtype="int64", high=C), In((R, 128))), "src_larger_than_index", grad=False,
         ops=("scatter_src_larger_than_index",)),
    Case("scatter", lambda fw, a, i: fw.scatter(a, 1, i, 0.5), (MATRIX, In((R, 64), dtype="int64", high=C)),
         "value", ops=("scatter_value",)),
    Case("scatter_add", lambda fw, a, i, s: fw.scatter_add(a, 1, i, s),
         (MATRIX, In((R, 64), dtype="int64", high=C), In((R, 128))), "src_larger_than_index", grad=False,
         ops=("scatter_add_src_larger_than_index",)),
    # scatter with reduce= has no derivative in torch (forward only)
    Case("scatter", lambda fw, a, i, s: fw.scatter(a, 1, i, s, reduce="multiply"),
         (MATRIX, In((R, 64), dtype="int64", high=C), In((R, 64))), "src_reduce_multiply", grad=False,
         ops=("scatter_reduce_two",)),
    Case("scatter", lambda fw, a, i: fw.scatter(a, 1, i, 0.5, reduce="add"), (MATRIX, In((R, 64), dtype="int64", high=C)),
         "value_reduce_add", grad=False, ops=("scatter_value_reduce",)),
    Case("index_fill", lambda fw, a, i: fw.index_fill(a, 0, i, 0.5), (MATRIX, In((16,), dtype="int64", high=R))),
    Case("index_copy", lambda fw, a, i, s: fw.index_copy(a, 0, i, s),
         (MATRIX, In((16,), dtype="int64", high=R), In((16, C)))),
    Case("put", lambda fw, a, i, s: fw.put(a, i, s, accumulate=True),
         (MATRIX, In((R, 64), dtype="int64", high=R * C), In((R, 64))), "accumulate", ops=("put_accumulate",)),
    Case("masked_scatter", lambda fw, a, m, s: fw.masked_scatter(a, m, s), (MATRIX, MASK, MATRIX)),
    *(Case("scatter_reduce", lambda fw, a, i, s, _reduce=reduce: fw.scatter_reduce(a, 1, i, s, _reduce),
           (MATRIX, In((R, 64), dtype="int64", high=C), In((R, 64))), reduce)
      for reduce in ("sum", "prod", "mean", "amax")),
    Case("scatter_reduce", lambda fw, a, i, s: fw.scatter_reduce(a, 1, i, s, "mean", include_self=False),
         (MATRIX, In((R, 64), dtype="int64", high=C), In((R, 64))), "mean_exclude_self"),
    Case("scatter_reduce", lambda fw, a, i, s: fw.scatter_reduce(a, 1, i, s, "sum"),
         (MATRIX, In((R, 64), dtype="int64", high=C), In((R, 128))), "src_larger_than_index", grad=False,
         ops=("scatter_reduce_src_larger_than_index",)),
    Case("Tensor.view", lambda fw, x: x.view(C, R) * 2.0, (MATRIX,), "times_python_float", ops=("view_backward",)),
    Case("Tensor.unfold", lambda fw, x: x.unfold(1, 10, 5).sum(-1), (MATRIX,), "overlapping_windows",
         ops=("unfold_backward",)),
    # fills: random draws (nn.init, dropout) and constants, in the tensor's dtype
    Case("Tensor.uniform_", _fill("uniform_", -0.5, 0.5), (MATRIX,), grad=False),
    Case("Tensor.normal_", _fill("normal_", 0.0, 0.02), (MATRIX,), grad=False),
    Case("normal", lambda fw, mean, std: fw.normal(mean, std), (MATRIX, In((R, C), "positive")), "tensor_mean_std",
         ops=("normal_with_tensors",)),
    Case("Tensor.bernoulli_", _fill("bernoulli_", 0.9), (MATRIX,), grad=False),
    Case("Tensor.exponential_", _fill("exponential_"), (MATRIX,), grad=False),
    Case("Tensor.log_normal_", _fill("log_normal_"), (MATRIX,), grad=False),
    Case("Tensor.cauchy_", _fill("cauchy_"), (MATRIX,), grad=False),
    Case("Tensor.geometric_", _fill("geometric_", 0.5), (MATRIX,), grad=False),
    Case("Tensor.random_", _fill("random_", 0, 100), (MATRIX,), grad=False),
    Case("Tensor.fill_", _fill("fill_", 0.1), (MATRIX,), grad=False),
)
_HAND_CASE_NAMES = frozenset(case.name for case in HAND_CASES)
OPTIM_CASES = (
    OptimCase("Adam", options={"lr": 1e-3}),
    OptimCase("AdamW", options={"lr": 1e-3, "weight_decay": 0.01}),
)


def all_cases():
    """Every (case, direction) pair, in a stable order."""
    return [(case, direction) for case in spec_cases() + list(HAND_CASES) + list(OPTIM_CASES)
            for direction in case.directions]


# ---------------------------------------------------------------- measured upcasts (expected failures)

@dataclass(frozen=True)
class Upcast:
    """A buffer that does not shrink with float32, measured in an mtv2 kernel: the rows of `names` in
    `directions` (of every variant, or of `variants`) are expected failures with this reason, and an unexpected
    pass is xpass."""
    reason: str
    names: tuple
    directions: tuple = ("forward",)
    variants: tuple | None = None


def _draw(function, what):
    return (f"mtv2/ops/_draws.py {function}: {what}, as torch's kernel does per element; mtv2 works on blocks of "
            f"32K elements (ops/_draws.py BLOCK) with scratch kept per thread, so the buffers are a block's (a few "
            f"MB at most, whatever the tensor's size), not the tensor's")


UPCASTS = (
    Upcast("mtv2/ops/reduction.py _variance: `a.astype(np.float64)` copies the input to float64, and the centered "
           "values and their squares are float64 arrays too (torch accumulates in double element by element, with "
           "no float64 buffer)", ("var", "std", "var_mean", "std_mean")),
    Upcast(_draw("bernoulli_scalar", "a 64-bit draw (random64) per element whatever the dtype"),
           ("Tensor.bernoulli_", "nn.functional.dropout")),
    Upcast(_draw("normal (box_muller_blocks)", "torch's AVX2 float32 normal kernel rounds each fused multiply-add "
                 "once; mtv2 carries those chains in float64 to round them the same way"),
           ("Tensor.normal_", "normal")),
    Upcast(_draw("exponential", "computed in float64 (exponential_distribution<double>)"), ("Tensor.exponential_",)),
    Upcast("mtv2/ops/_draws.py log_normal: exp of torch's scalar Box-Muller, which computes in double; mtv2 runs it "
           "over the whole tensor at once (float64 arrays of the tensor's size)", ("Tensor.log_normal_",)),
    Upcast(_draw("cauchy", "computed in float64 (cauchy_distribution<double>)"), ("Tensor.cauchy_",)),
    Upcast(_draw("geometric", "computed in float64 (geometric_distribution<double>)"), ("Tensor.geometric_",)),
    Upcast(_draw("random_from_to", "the draws widened to int64 for `% range + from`"), ("Tensor.random_",)),
    Upcast("mtv2/ops/activation.py _rrelu_noise: rrelu in training draws one double per element <= 0, as torch's "
           "kernel does (uniform_real_distribution<double>); mtv2 draws them as one float64 array of their count "
           "(half the input here) before rounding the slopes to float32", ("nn.functional.rrelu",),
           variants=("training", "training_bounds")),
    Upcast("mtv2/ops/scan_sort.py _stable_order: kthvalue, mode and msort (sort along dim 0) select from a stable "
           "argsort of the whole input, int64 positions of the input's size (2 float32 buffers); torch selects row by "
           "row with a row-sized scratch. No float value is computed, only moved", ("kthvalue", "mode", "msort")),
    Upcast("mtv2/ops/statistics.py _cummaxmin: the int64 indices of the input's size are cummax/cummin's second "
           "result (torch's too), and gather's range check of them and the running int64 positions add about one "
           "float32 buffer more. No float value is computed, only moved", ("cummax", "cummin")),
    Upcast("mtv2/ops/statistics.py _quantile: its sort is a stable argsort of the whole input (int64 positions of the "
           "input's size, scan_sort.py _stable_order), as kthvalue's; the ranks, weights and lerp stay float32",
           ("quantile", "nanquantile")),
    Upcast("mtv2/ops/statistics.py _histc: each value's bin as an int64 array of the input's size (torch bins "
           "element by element); the bin arithmetic itself stays float32", ("histc",)),
    Upcast("mtv2/ops/statistics.py _bin_positions: histogram/histogramdd find each value's bin as int64 arrays of the "
           "input's size (the interpolated guess, its local-search window and the result; torch bins element by "
           "element); the bin arithmetic itself stays in the input's dtype", ("histogram", "histogramdd")),
    Upcast("mtv2/ops/scan_sort.py _unique_parts: the int64 sort order and inverse indices of the input's size (torch's "
           "unique sorts with an int64 index too); each value kernel recomputes them. No float value is computed, "
           "only selected", ("unique", "unique_consecutive", "Tensor.unique", "Tensor.unique_consecutive")),
    Upcast("mtv2/ops/scan_sort.py _logcumsumexp: torch's CPU kernel carries the running value in double for float32 "
           "(acc_type<float, false>), rounding each to float32; NumPy's running logaddexp does so through a float64 "
           "copy of the input and a float64 result (torch's double is one scalar)", ("logcumsumexp",),
           directions=("forward", "backward")),
    Upcast("mtv2/ops/pointwise_math.py float_power: pow of both operands converted to float64, by definition (torch's "
           "float_power returns float64 for every real input too); the float64 buffers are the result and pow's",
           ("float_power",), directions=("forward", "backward")),
)


def expected_failure(case, direction):
    """The reason a (case, direction) row is declared to fail, or None."""
    for upcast in UPCASTS:
        if case.row_name in upcast.names and direction in upcast.directions and \
                (upcast.variants is None or case.variant in upcast.variants):
            return upcast.reason
    return None


# ---------------------------------------------------------------- registry coverage

# Registry kernels run by the rows of another public name than their own (sum_to_size: the engine's sum of a
# broadcast input's gradient, in add's broadcast_rhs backward).
RUN_BY = {"histogram_bin_edges": "histogram", "gelu_backward": "nn.functional.gelu",
          "log_sigmoid": "nn.functional.logsigmoid", "max_all": "max",
          "min_all": "min", "sum_to_size": "add", "median_all": "median",
          # torch.special's functions without a torch.* name of their own
          **{op: f"special.{op}" for op in ("entr", "erfcx", "i0e", "i1", "i1e", "log_ndtr", "ndtri", "xlog1py",
                                            "zeta")}}
_NOT_FLOAT = "its result is bool or integer: no float computation to keep in float32"
_VIEW = "a view: it allocates no buffer"


def _declared_out_of_scope():
    """What the op records say: bool or integer results (declared nondifferentiable, or a comparison), and views."""
    from mtv2.ops._registry import COMPARE, OPS
    return {**{name: _NOT_FLOAT for name, record in OPS.items()
               if record.nondifferentiable or record.promotion == COMPARE},
            **{name: _VIEW for name, record in OPS.items() if record.view}}


OUT_OF_SCOPE = {
    **_declared_out_of_scope(),
    "to_copy": "a dtype conversion: the caller asks for the other dtype",
    "native_channel_shuffle": "a permutation of channels: the values are moved, not computed",
    **dict.fromkeys(("_unique2", "unique_dim", "unique_consecutive"),
                    "unique's values are a selection of the input's elements: moved, not computed"),
    "bincount_weighted": "NumPy's bincount sums weights in float64 only (a float64 buffer of bins' size, not the "
                         "input's): declared, not measured",
    "strided_scatter_gather": "as_strided's gradient, by design through int64 storage indices of the window's "
                              "size: they would dominate the measurement",
    **dict.fromkeys(("values_at_indices", "scatter_to_indices"),
                    "sort/topk's gather and its gradient: the values are moved, not computed, and the int64 "
                    "positions of the input's size would dominate the measurement"),
}


def registry_coverage(cases):
    """Registry ops that no case runs and OUT_OF_SCOPE does not excuse (empty when the table is complete), and
    OUT_OF_SCOPE/RUN_BY entries that name no registry op or no case (stale)."""
    from mtv2.ops._registry import OPS
    names = {case.name for case in cases}
    run = {op for case in cases for op in case.ops} | {op for op, name in RUN_BY.items() if name in names}
    run |= {op for op in OPS if names & {op, f"nn.functional.{op}", f"Tensor.{op}", f"Tensor.{op}_"}}
    missing = sorted(set(OPS) - run - set(OUT_OF_SCOPE))
    stale = sorted((set(OUT_OF_SCOPE) | set(RUN_BY)) - set(OPS)) + \
        sorted(op for op, name in RUN_BY.items() if name not in names)
    return missing, stale
