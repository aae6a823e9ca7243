"""What OpInfo and ModuleInfo rows share: the case record, the checks written over a `call(fw, ...)` function,
and float64 finite differences over portable samples.

A check gets a Subject: `run(fw, grad, leaf_values)` builds the sample in fw (portable.materialize) and calls the
op or module -> (output, {name: tensor} of the leaves, {name: tensor} of every input). The same Subject serves
torch and mtv2, so each check is one function for both frameworks (DESIGN contract 1).
"""
from dataclasses import dataclass, field

import numpy as np

from conformance.checks import CheckResult, builtin_class, refusal
from conformance.compare import GRADCHECK_TOLERANCE, Comparison, compare_arrays, worst_of
from conformance.frameworks import dtype_name, is_tensor, make_tensor, to_numpy
from conformance.inputs import draw, rng_for
from conformance.opinfo.portable import plain
from conformance.outcome import Tol, compare_values, differentiable_outputs, exception_text, flatten_output, timed
from conformance.run import COLUMNS

EPS = 1e-6
FULL_JACOBIAN_LIMIT = 24     # as conformance/gradcheck.py: full Jacobian up to this many input and output elements
ARBITRATE_LIMIT = 200        # finite differences name the side that is off up to this many input elements


@dataclass
class Row:
    """One planned row: its identity and the check it runs. Rows of a case share case_id."""
    case_id: str
    kind: str
    name: str
    variant: str
    dtype: str
    check: str
    sample: object = None       # torch's SampleInput / ModuleInput (the known-divergence predicates read it)
    note: str = ""              # appended to the detail (the sample cap)

    def make(self, result):
        row = dict.fromkeys(COLUMNS)
        row.update(case_id=self.case_id, kind=self.kind, name=self.name, variant=self.variant, dtype=self.dtype,
                   check=self.check, **vars(result))
        if self.note:
            row["detail"] = f"{row['detail']} | {self.note}" if row["detail"] else self.note
        return row


@dataclass
class Spec:
    """The part of an OpSpec that outcome.tolerance and compare_values read."""
    tolerances: tuple = ()
    name: str = ""


@dataclass
class Subject:
    """run(fw, grad=False, leaf_values=None) -> (output, leaves {name: tensor}, inputs {name: tensor})."""
    run: object
    spec: Spec = field(default_factory=Spec)
    inplace: bool = False       # the output must be the first input, and torch refusing is legitimate


def _raised(mine, theirs=None, what="mtv2 raised"):
    return CheckResult("error", f"{what} {exception_text(mine.exception)}", mtv2_ms=mine.ms,
                       torch_ms=theirs.ms if theirs else None)


def _from_comparison(comparison, tol, mine_ms, theirs_ms, extra=""):
    detail = "; ".join(p for p in (comparison.detail, extra) if p)
    return CheckResult("pass" if comparison.ok else "fail", detail, comparison.max_abs_err, comparison.max_rel_err,
                       comparison.err_ratio, tol.atol if tol else None, tol.rtol if tol else None,
                       tol.source if tol else "", mine_ms, theirs_ms)


def torch_refused(theirs, mine, subject, what="sample"):
    """torch raised on a sample meant to run. In place, torch refusing (a broadcast input, a result dtype the
    input cannot hold) is behaviour to match; anywhere else the sample is broken, never a 'both raise' pass."""
    if subject.inplace:
        result = refusal(theirs, mine)
        result.detail = f"in place: {result.detail}"
        return result
    return CheckResult("error", f"broken case: torch raises on this {what}: {exception_text(theirs.exception)}",
                       mtv2_ms=mine.ms if mine else None, torch_ms=theirs.ms)


# ---- forward ------------------------------------------------------------------------------
def _run_both(subject, run, torch, mtv2):
    """run(fw) timed in torch, then in mtv2: (theirs, mine, None), or with the row's CheckResult last when torch
    refused the sample (a broken case) or mtv2 raised."""
    theirs = timed(lambda: run(torch))
    mine = timed(lambda: run(mtv2))
    if theirs.exception:
        return theirs, mine, torch_refused(theirs, mine, subject)
    if mine.exception:
        return theirs, mine, _raised(mine, theirs)
    return theirs, mine, None


def forward_layout(subject, torch, mtv2):
    """The forward check of an op whose values are undefined (empty: uninitialised memory): each output's shape,
    dtype, strides and requires_grad, not its values."""
    def run(fw):
        output, _, _ = subject.run(fw)
        return [(tuple(t.shape), dtype_name(fw, t.dtype), tuple(t.stride()), bool(t.requires_grad))
                for _, t in flatten_output(fw, output) if is_tensor(fw, t)]
    theirs, mine, refused = _run_both(subject, run, torch, mtv2)
    if refused:
        return refused
    if mine.value != theirs.value:
        return CheckResult("fail", f"outputs' (shape, dtype, strides, requires_grad): torch {theirs.value}, mtv2 "
                                   f"{mine.value}", mtv2_ms=mine.ms, torch_ms=theirs.ms)
    return CheckResult("pass", "uninitialised memory: the outputs' shape, dtype, strides and requires_grad agree (the "
                               "values are undefined in both)", mtv2_ms=mine.ms, torch_ms=theirs.ms)


def forward(subject, torch, mtv2):
    def run(fw):
        output, _, inputs = subject.run(fw)
        facts = {"returns its input": output is next(iter(inputs.values()), None)} if subject.inplace else {}
        return plain(fw, output), inputs, facts
    theirs, mine, refused = _run_both(subject, run, torch, mtv2)
    if refused:
        return refused
    for fact, value in theirs.value[2].items():
        if mine.value[2][fact] != value:
            return CheckResult("fail", f"{fact}: torch {value}, mtv2 {mine.value[2][fact]}", mtv2_ms=mine.ms,
                               torch_ms=theirs.ms)
    comparison, tol = compare_values(subject.spec, "forward", mtv2, mine.value[0], torch, theirs.value[0])
    # Inputs after the call: what torch mutates (in place) mtv2 mutates, and nothing else.
    after = []
    for name, tensor in theirs.value[1].items():
        m, t = to_numpy(mtv2, mine.value[1][name]), to_numpy(torch, tensor)
        if m.dtype == t.dtype and m.shape == t.shape and np.array_equal(m, t, equal_nan=m.dtype.kind == "f"):
            continue     # the usual case, untouched on both sides: no statistics to gather
        dtype = dtype_name(torch, tensor.dtype)
        after.append((f"input {name} after the call",
                      compare_arrays(m, t, dtype_name(mtv2, mine.value[1][name].dtype), dtype,
                                     *_tol_pair(subject, dtype))))
    if after and comparison.ok:
        comparison = worst_of([("", comparison)] + after)
    return _from_comparison(comparison, tol, mine.ms, theirs.ms)


def _tol_pair(subject, dtype):
    from conformance.outcome import tolerance
    tol = tolerance(subject.spec, dtype, "forward")
    return tol.atol, tol.rtol


# ---- backward -----------------------------------------------------------------------------
def _first_order(subject, fw, cotangents=None, create_graph=False):
    """Forward with grad, then autograd.grad of the differentiable outputs: (outputs, grads, leaf names, leaves,
    cotangent tensors). cotangents: {path: (array, dtype)}, or a function of the outputs giving them (torch's run
    draws them), or None (forward only)."""
    output, leaves, _ = subject.run(fw, grad=True)
    outputs = differentiable_outputs(fw, output)
    names = sorted(leaves)
    if cotangents is None or not outputs or not names:
        return outputs, None, names, leaves, None
    if callable(cotangents):
        cotangents = cotangents(outputs)
    if sorted(cotangents) != sorted(outputs):
        return outputs, None, names, leaves, None
    tangents = [make_tensor(fw, cotangents[p][0], cotangents[p][1], requires_grad=create_graph)
                for p in sorted(outputs)]
    grads = fw.autograd.grad([outputs[p] for p in sorted(outputs)], [leaves[n] for n in names],
                             grad_outputs=tangents, allow_unused=True, create_graph=create_graph)
    return outputs, list(grads), names, leaves, tangents


def cotangents_for(case_id, torch, outputs):
    rng = rng_for(case_id, "cotangent")
    return {path: (draw(rng, tuple(outputs[path].shape), dtype_name(torch, outputs[path].dtype)),
                   dtype_name(torch, outputs[path].dtype)) for path in sorted(outputs)}


def backward(subject, torch, mtv2, case_id):
    """Gradients of every leaf under random cotangents (drawn from torch's outputs), torch's against mtv2's."""
    drawn = {}

    def cotangents(outputs):
        drawn.update(cotangents_for(case_id, torch, outputs))
        return drawn
    theirs = timed(lambda: _first_order(subject, torch, cotangents))
    if theirs.exception:
        return torch_refused(theirs, None, subject)
    their_paths = sorted(theirs.value[0])
    if not their_paths or not theirs.value[2]:
        return CheckResult("pass", "no output requires grad in torch" if not their_paths else "no input requires grad")
    mine = timed(lambda: _first_order(subject, mtv2, drawn))
    if mine.exception:
        return _raised(mine, theirs)
    my_paths = sorted(mine.value[0])
    if their_paths != my_paths:
        return CheckResult("fail", f"outputs requiring grad: mtv2 {my_paths}, torch {their_paths}",
                           mtv2_ms=mine.ms, torch_ms=theirs.ms)
    results, tols = [], []
    from conformance.outcome import tolerance
    for name, m, t in zip(theirs.value[2], mine.value[1], theirs.value[1]):
        if (m is None) != (t is None):
            results.append((f"grad {name}", Comparison(False, detail=f"grad is None only in "
                                                                     f"{'mtv2' if m is None else 'torch'}")))
        elif m is not None:
            dtype = dtype_name(torch, t.dtype)
            tol = tolerance(subject.spec, dtype, "backward")
            tols.append(tol)
            results.append((f"grad {name}", compare_arrays(to_numpy(mtv2, m), to_numpy(torch, t),
                                                           dtype_name(mtv2, m.dtype), dtype, tol.atol, tol.rtol)))
    comparison = worst_of(results)
    extra = ""
    if not comparison.ok and all(g is not None for g in mine.value[1] + theirs.value[1]):
        extra = arbitrate(subject, torch, drawn, their_paths, mine.value[1], theirs.value[1], mtv2)
    return _from_comparison(comparison, tols[0] if tols else None, mine.ms, theirs.ms, extra)


# ---- finite differences -------------------------------------------------------------------
def _leaf_arrays(fw, leaves):
    return {name: to_numpy(fw, tensor).astype(np.float64) for name, tensor in leaves.items()}


def _outputs_at(subject, fw, values, paths):
    with fw.no_grad():
        output, _, _ = subject.run(fw, leaf_values=values)
    found = dict(flatten_output(fw, output))
    return np.concatenate([to_numpy(fw, found[p]).astype(np.float64).ravel() for p in paths]) if paths \
        else np.zeros(0)


def _central(subject, fw, values, paths, name, direction):
    plus = dict(values, **{name: values[name] + EPS * direction})
    minus = dict(values, **{name: values[name] - EPS * direction})
    return (_outputs_at(subject, fw, plus, paths) - _outputs_at(subject, fw, minus, paths)) / (2 * EPS)


def numerical_vjp(subject, fw, values, paths, cotangent):
    grads = []
    for name in sorted(values):
        grad = np.zeros(values[name].size)
        for flat in range(values[name].size):
            direction = np.zeros(values[name].shape)
            direction.flat[flat] = 1.0
            grad[flat] = cotangent @ _central(subject, fw, values, paths, name, direction)
        grads.append(grad)
    return grads


def arbitrate(subject, torch, cotangents, paths, mine, theirs, mtv2):
    """Which side finite differences of torch's forward (float64) support, as a detail sentence."""
    try:
        _, leaves, _ = subject.run(torch, grad=True)
        values = _leaf_arrays(torch, leaves)
        if sum(v.size for v in values.values()) > ARBITRATE_LIMIT:
            return "finite differences not run (input too big)"
        flat = np.concatenate([cotangents[p][0].astype(np.float64).ravel() for p in paths])
        numerical = np.concatenate(numerical_vjp(subject, torch, values, paths, flat))
    except Exception as exception:
        return f"finite differences failed: {exception_text(exception)}"
    scale = np.abs(numerical).max() + 1e-12
    mine_off = np.abs(np.concatenate([to_numpy(mtv2, g).astype(np.float64).ravel() for g in mine]) - numerical).max()
    their_off = np.abs(np.concatenate([to_numpy(torch, g).astype(np.float64).ravel() for g in theirs])
                       - numerical).max()
    mine_off, their_off = mine_off / scale, their_off / scale
    who, other = ("mtv2", "torch") if mine_off > their_off else ("torch", "mtv2")
    return (f"finite differences side with {other}: {who} off by {max(mine_off, their_off):.3g} (relative), "
            f"{other} by {min(mine_off, their_off):.3g}")


def gradcheck(subject, torch, mtv2, case_id):
    """mtv2's float64 backward against central differences of mtv2's own forward (torch.autograd.gradcheck's
    eps and tolerances); the full Jacobian for small samples, else u^T J v (torch's fast mode). Leaves are
    perturbed as dense tensors."""
    probe = timed(lambda: _first_order(subject, torch))
    if probe.exception:
        return CheckResult("skip", f"torch refuses the forward: {exception_text(probe.exception)}")
    narrow = sorted({dtype_name(torch, t.dtype) for t in probe.value[0].values()} - {"float64"})
    if narrow:
        return CheckResult("skip", f"output dtype {', '.join(narrow)}: finite differences need float64")
    ran = timed(lambda: _gradcheck(subject, mtv2, case_id))
    if ran.exception:
        return _raised(ran)
    comparison, mode = ran.value
    if not comparison.ok:
        comparison.detail = f"backward disagrees with finite differences ({mode}): {comparison.detail}"
    atol, rtol = GRADCHECK_TOLERANCE
    return _from_comparison(comparison, Tol(atol, rtol, f"gradcheck, {mode}"), ran.ms, None)


def _gradcheck(subject, fw, case_id):
    _, leaves, _ = subject.run(fw, grad=True)
    values = _leaf_arrays(fw, leaves)
    output, leaves, _ = subject.run(fw, grad=True, leaf_values=values)
    outputs = differentiable_outputs(fw, output)
    paths, names = sorted(outputs), sorted(leaves)
    sizes = [outputs[p].numel() for p in paths]
    n_out, n_in = sum(sizes), sum(values[n].size for n in names)
    atol, rtol = GRADCHECK_TOLERANCE
    if n_out == 0 or n_in == 0:
        return compare_arrays(np.zeros(0), np.zeros(0), "float64", "float64", atol, rtol), "empty"

    def vjp(vector):
        pieces, start = [], 0
        for path, size in zip(paths, sizes):
            pieces.append(fw.tensor(vector[start:start + size].reshape(tuple(outputs[path].shape)),
                                    dtype=outputs[path].dtype))
            start += size
        grads = fw.autograd.grad([outputs[p] for p in paths], [leaves[n] for n in names], grad_outputs=pieces,
                                 retain_graph=True, allow_unused=True)
        return [np.zeros(values[n].size) if g is None else to_numpy(fw, g).astype(np.float64).ravel()
                for n, g in zip(names, grads)]

    if n_in <= FULL_JACOBIAN_LIMIT and n_out <= FULL_JACOBIAN_LIMIT:
        analytic = np.stack([np.concatenate(vjp(row)) for row in np.eye(n_out)])
        columns = []
        for name in names:
            for flat in range(values[name].size):
                direction = np.zeros(values[name].shape)
                direction.flat[flat] = 1.0
                columns.append(_central(subject, fw, values, paths, name, direction))
        numerical = np.stack(columns, axis=1)
        return compare_arrays(analytic, numerical, "float64", "float64", atol, rtol), "full Jacobian"
    rng = rng_for(case_id, "gradcheck")
    u = rng.normal(size=n_out)
    analytic, numerical = [], []
    for name, grad in zip(names, vjp(u)):
        v = rng.normal(size=values[name].shape)
        analytic.append(grad @ v.ravel())
        numerical.append(u @ _central(subject, fw, values, paths, name, v))
    return compare_arrays(np.array(analytic), np.array(numerical), "float64", "float64", atol, rtol), \
        "u^T J v projection"


# ---- gradgrad -----------------------------------------------------------------------------
def _second_order(subject, fw, cotangents, case_id):
    """Second derivatives of sum_i <w_i, grad_i> w.r.t. the leaves and the cotangents (as checks.py's gradgrad:
    a gradient that is None or does not require grad counts as zero)."""
    outputs, grads, names, leaves, tangents = _first_order(subject, fw, cotangents, create_graph=True)
    rng = rng_for(case_id, "gradgrad")
    weights = [draw(rng, tuple(leaves[n].shape), dtype_name(fw, leaves[n].dtype)) for n in names]
    targets = [i for i, g in enumerate(grads) if g is not None and g.requires_grad]
    wrt = [leaves[n] for n in names] + tangents
    second = [None] * len(wrt)
    if targets:
        second = fw.autograd.grad([grads[i] for i in targets], wrt, allow_unused=True,
                                  grad_outputs=[make_tensor(fw, weights[i], dtype_name(fw, grads[i].dtype))
                                                for i in targets])
    return [(np.zeros(tuple(x.shape)) if g is None else to_numpy(fw, g), dtype_name(fw, x.dtype))
            for x, g in zip(wrt, second)], names


def gradgrad(subject, torch, mtv2, case_id):
    probe = timed(lambda: _first_order(subject, torch))
    if probe.exception or not probe.value[0] or not probe.value[2]:
        return CheckResult("skip", "no differentiable output in torch")
    cotangents = cotangents_for(case_id, torch, probe.value[0])
    theirs = timed(lambda: _second_order(subject, torch, cotangents, case_id))
    if theirs.exception:
        return CheckResult("skip", f"torch has no double backward here: {exception_text(theirs.exception)}",
                           torch_ms=theirs.ms)
    mine = timed(lambda: _second_order(subject, mtv2, cotangents, case_id))
    if mine.exception:
        return _raised(mine, theirs)
    from conformance.outcome import tolerance
    results, tol = [], None
    names = theirs.value[1]
    for position, ((m, m_dtype), (t, t_dtype)) in enumerate(zip(mine.value[0], theirs.value[0])):
        label = f"d2/d{names[position]}" if position < len(names) else f"d2/dcotangent{position - len(names)}"
        tol = tol or tolerance(subject.spec, t_dtype, "gradgrad")
        results.append((label, compare_arrays(m, t, m_dtype, t_dtype, tol.atol, tol.rtol)))
    return _from_comparison(worst_of(results), tol, mine.ms, theirs.ms)


# ---- error --------------------------------------------------------------------------------
def error(call, torch, mtv2, expected):
    """call(fw) must raise: torch `expected` (torch's declared class), mtv2 the builtin class torch raised."""
    theirs, mine = timed(lambda: call(torch)), timed(lambda: call(mtv2))
    if theirs.exception is None:
        return CheckResult("skip", f"torch itself raises nothing on this error input (it returns "
                                   f"{type(theirs.value).__name__}): the declared {expected.__name__} is stale",
                           torch_ms=theirs.ms)
    if not isinstance(theirs.exception, expected):
        got = exception_text(theirs.exception) if theirs.exception else "no exception"
        return CheckResult("error", f"broken case: torch gives {got}, not the declared {expected.__name__}",
                           torch_ms=theirs.ms)
    both = f"torch {exception_text(theirs.exception)} | mtv2 " + \
           (exception_text(mine.exception) if mine.exception else "no exception")
    wanted = builtin_class(theirs.exception)
    status = "pass" if isinstance(mine.exception, wanted) else "fail"
    return CheckResult(status, both, mtv2_ms=mine.ms, torch_ms=theirs.ms)


def outputs_differ(torch, run_once, seeds=(1, 2)):
    """True when torch's outputs of run_once() under the two seeds differ: seeds (1, 2) asks whether the op is random,
    (1, 1) whether it repeats under one seed."""
    values = []
    for seed in seeds:
        torch.random.default_generator.manual_seed(seed)
        output = run_once()
        values.append([to_numpy(torch, t) for _, t in flatten_output(torch, output) if is_tensor(torch, t)])
    return any(a.shape != b.shape or not np.array_equal(a, b, equal_nan=True) for a, b in zip(*values))
