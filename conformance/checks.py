"""The checks of DESIGN contract 2, one function each: (case context) -> CheckResult.

A rule shared by all of them: where torch raises, mtv2 must raise the same class (torch refusing a
dtype or a layout is behaviour to match, not a reason to skip).
"""
from dataclasses import dataclass

import numpy as np

from conformance import gradcheck as finite_differences
from conformance.compare import GRADCHECK_TOLERANCE, Comparison, compare_arrays, worst_of
from conformance.frameworks import FLOATING, dtype_name, is_tensor, make_tensor, storage_pointer, to_numpy
from conformance.inputs import build, draw, rng_for, seed_of
from conformance.outcome import (Tol, compare_values, differentiable_outputs, exception_text,
                                 flatten_output, timed, tolerance)
from conformance.validity import broken_detail


@dataclass
class CheckResult:
    status: str
    detail: str = ""
    max_abs_err: float | None = None
    max_rel_err: float | None = None
    err_ratio: float | None = None
    atol: float | None = None
    rtol: float | None = None
    tol_source: str = ""
    mtv2_ms: float | None = None
    torch_ms: float | None = None


@dataclass
class CaseContext:
    case: object
    drawn: list
    reference: object
    candidate: object

    def call(self, fw, inputs):
        return self.case.spec.fn(fw, *inputs, **self.case.sample.kwargs)


def builtin_class(exception):
    """torch raises its own subclasses (torch._C._LinAlgError); the class to match is the builtin."""
    return next(c for c in type(exception).__mro__ if c.__module__ == "builtins")


def _from_comparison(comparison, tol, mtv2_ms, torch_ms, extra=""):
    detail = "; ".join(part for part in (comparison.detail, extra) if part)
    return CheckResult("pass" if comparison.ok else "fail", detail, comparison.max_abs_err,
                       comparison.max_rel_err, comparison.err_ratio,
                       tol.atol if tol else None, tol.rtol if tol else None,
                       tol.source if tol else "", mtv2_ms, torch_ms)


def refusal(torch_ran, mtv2_ran):
    """torch raised: pass when mtv2 raises the same class."""
    expected = builtin_class(torch_ran.exception)
    if mtv2_ran.exception is None:
        status, detail = "fail", f"torch raises {exception_text(torch_ran.exception)}; mtv2 does not"
    elif isinstance(mtv2_ran.exception, expected):
        status, detail = "pass", f"both raise; torch {exception_text(torch_ran.exception, 120)}"
    else:
        status = "fail"
        detail = (f"torch raises {exception_text(torch_ran.exception)}; "
                  f"mtv2 raises {exception_text(mtv2_ran.exception)}")
    return CheckResult(status, detail, mtv2_ms=mtv2_ran.ms, torch_ms=torch_ran.ms)


def _raised(mtv2_ran, torch_ran=None, what="mtv2 raised"):
    return CheckResult("error", f"{what} {exception_text(mtv2_ran.exception)}",
                       mtv2_ms=mtv2_ran.ms, torch_ms=torch_ran.ms if torch_ran else None)


def broken_sample(ctx, exception, mtv2_ms=None, torch_ms=None):
    """A fail row when torch rejects this case's sample in every dtype it runs in (conformance/validity.py):
    a spec mistake, never a "both raise" pass. None when the sample runs in torch somewhere."""
    detail = broken_detail(ctx.case, ctx.reference, exception)
    return CheckResult("fail", detail, mtv2_ms=mtv2_ms, torch_ms=torch_ms) if detail else None


def _on_both(ctx, run):
    """run(fw) timed on torch, then on mtv2: (mine, theirs, verdict). verdict is the row when either raised
    (torch refusing decides the check by exception class; mtv2 alone raising is an error); else None."""
    theirs = timed(lambda: run(ctx.reference))
    mine = timed(lambda: run(ctx.candidate))
    if theirs.exception:
        return mine, theirs, broken_sample(ctx, theirs.exception, mine.ms, theirs.ms) or refusal(theirs, mine)
    if mine.exception:
        return mine, theirs, _raised(mine, theirs)
    return mine, theirs, None


# ---- forward ------------------------------------------------------------------------------
def check_forward(ctx):
    mine, theirs, verdict = _on_both(ctx, lambda fw: ctx.call(fw, build(fw, ctx.drawn)[0]))
    if verdict:
        return verdict
    comparison, tol = compare_values(ctx.case.spec, "forward", ctx.candidate, mine.value,
                                     ctx.reference, theirs.value)
    return _from_comparison(comparison, tol, mine.ms, theirs.ms)


# ---- backward -----------------------------------------------------------------------------
def _grad_leaves(storages, drawn):
    return [storages[i] for i in finite_differences.grad_positions(drawn)]


def _first_order(fw, ctx, cotangents, create_graph=False):
    """Forward with grad, then autograd.grad of the differentiable outputs: (outputs, grads, leaves)."""
    inputs, storages = build(fw, ctx.drawn, grad=True)
    outputs = differentiable_outputs(fw, ctx.call(fw, inputs))
    leaves = _grad_leaves(storages, ctx.drawn)
    if cotangents is None:       # only asked which outputs are differentiable
        return outputs, None, leaves, None
    tangent_tensors = [make_tensor(fw, cotangents[p][0], cotangents[p][1],
                                   requires_grad=create_graph) for p in sorted(outputs)]
    grads = fw.autograd.grad([outputs[p] for p in sorted(outputs)], leaves,
                             grad_outputs=tangent_tensors, allow_unused=True,
                             create_graph=create_graph)
    return outputs, list(grads), leaves, tangent_tensors


def _cotangents(ctx, outputs):
    rng = rng_for(ctx.case.case_id, "cotangent")
    cotangents = {}
    for path in sorted(outputs):
        dtype = dtype_name(ctx.reference, outputs[path].dtype)
        cotangents[path] = (draw(rng, tuple(outputs[path].shape), dtype), dtype)
    return cotangents


def _compare_grads(ctx, check, mine, theirs, names):
    results = []
    for name, m, t in zip(names, mine, theirs):
        if (m is None) != (t is None):
            side = "mtv2" if m is None else "torch"
            results.append((name, Comparison(False, detail=f"grad is None only in {side}")))
        elif m is not None:
            dtype = dtype_name(ctx.reference, t.dtype)
            tol = tolerance(ctx.case.spec, dtype, check)
            comparison = compare_arrays(to_numpy(ctx.candidate, m), to_numpy(ctx.reference, t),
                                        dtype_name(ctx.candidate, m.dtype), dtype, tol.atol, tol.rtol)
            results.append((name, comparison))
    merged = worst_of(results)
    tols = [tolerance(ctx.case.spec, dtype_name(ctx.reference, t.dtype), check)
            for t in theirs if t is not None]
    return merged, (tols[0] if tols else None)


def check_backward(ctx):
    mine, theirs, verdict = _on_both(ctx, lambda fw: _first_order(fw, ctx, None))
    if verdict:
        return verdict
    their_paths, my_paths = sorted(theirs.value[0]), sorted(mine.value[0])
    if their_paths != my_paths:
        return CheckResult("fail", f"outputs requiring grad: mtv2 {my_paths}, torch {their_paths}")
    if not their_paths:
        return CheckResult("pass", "no output requires grad, on either side")
    cotangents = _cotangents(ctx, theirs.value[0])
    mine, theirs, verdict = _on_both(ctx, lambda fw: _first_order(fw, ctx, cotangents))
    if verdict:
        return verdict
    names = [f"grad[{i}]" for i in finite_differences.grad_positions(ctx.drawn)]
    comparison, tol = _compare_grads(ctx, "backward", mine.value[1], theirs.value[1], names)
    extra = ""
    if not comparison.ok and all(g is not None for g in mine.value[1] + theirs.value[1]):
        flat = np.concatenate([cotangents[p][0].astype(np.float64).ravel() for p in their_paths])
        as_flat = lambda fw, grads: [to_numpy(fw, g).astype(np.float64).ravel() for g in grads]
        try:
            extra = finite_differences.arbitrate(
                ctx.reference, ctx.case, ctx.drawn, their_paths, flat,
                as_flat(ctx.candidate, mine.value[1]), as_flat(ctx.reference, theirs.value[1]))
        except Exception as exception:
            extra = f"finite differences failed: {exception_text(exception)}"
    return _from_comparison(comparison, tol, mine.ms, theirs.ms, extra)


# ---- gradcheck and gradgrad ---------------------------------------------------------------
def check_gradcheck(ctx):
    probe = timed(lambda: _first_order(ctx.reference, ctx, None))
    if probe.exception:
        return broken_sample(ctx, probe.exception) or \
            CheckResult("skip", f"torch refuses the forward: {exception_text(probe.exception)}")
    narrow = sorted({dtype_name(ctx.reference, t.dtype) for t in probe.value[0].values()} - {"float64"})
    if narrow:
        # Central differences need float64 outputs: through a cast to float32 they measure rounding.
        return CheckResult("skip", f"output dtype {', '.join(narrow)}: finite differences need float64")
    mine = timed(lambda: finite_differences.gradcheck(ctx.candidate, ctx.case, ctx.drawn))
    if mine.exception:
        return _raised(mine)
    comparison, mode = mine.value
    atol, rtol = GRADCHECK_TOLERANCE
    if not comparison.ok:
        comparison.detail = f"backward disagrees with finite differences ({mode}): {comparison.detail}"
    return _from_comparison(comparison, Tol(atol, rtol, f"gradcheck, {mode}"), mine.ms, None)


def _second_order(fw, ctx, cotangents):
    """Second derivatives of sum_i <w_i, grad_i> w.r.t. the inputs and the cotangents, as
    (numpy array, dtype) pairs. A gradient that does not require grad, or a None, counts as zero:
    torch returns constant zeros in some places (floor division) and None in others (relu''),
    and which one is an implementation detail, not behaviour."""
    outputs, grads, leaves, tangents = _first_order(fw, ctx, cotangents, create_graph=True)
    rng = rng_for(ctx.case.case_id, "gradgrad")
    # One weight per input position, drawn whether or not its gradient exists: same stream both sides.
    weights = [draw(rng, tuple(leaf.shape), dtype_name(fw, leaf.dtype)) for leaf in leaves]
    targets = [i for i, g in enumerate(grads) if g is not None and g.requires_grad]
    wrt = leaves + tangents
    second = [None] * len(wrt)
    if targets:
        second = fw.autograd.grad(
            [grads[i] for i in targets], wrt, allow_unused=True,
            grad_outputs=[make_tensor(fw, weights[i], dtype_name(fw, grads[i].dtype)) for i in targets])
    return [(np.zeros(tuple(x.shape)) if g is None else to_numpy(fw, g), dtype_name(fw, x.dtype))
            for x, g in zip(wrt, second)]


def check_gradgrad(ctx):
    probe = timed(lambda: _first_order(ctx.reference, ctx, None))
    if probe.exception and broken_sample(ctx, probe.exception):
        return broken_sample(ctx, probe.exception)
    if probe.exception or not probe.value[0]:
        return CheckResult("skip", "no differentiable output in torch")
    cotangents = _cotangents(ctx, probe.value[0])
    theirs = timed(lambda: _second_order(ctx.reference, ctx, cotangents))
    if theirs.exception:
        return CheckResult("skip", f"torch has no double backward here: "
                                   f"{exception_text(theirs.exception)}", torch_ms=theirs.ms)
    mine = timed(lambda: _second_order(ctx.candidate, ctx, cotangents))
    if mine.exception:
        return _raised(mine, theirs)
    n_leaves = len(finite_differences.grad_positions(ctx.drawn))
    results, tol = [], None
    for position, ((m, m_dtype), (t, t_dtype)) in enumerate(zip(mine.value, theirs.value)):
        name = f"d2/dinput{position}" if position < n_leaves else f"d2/dcotangent{position - n_leaves}"
        tol = tol or tolerance(ctx.case.spec, t_dtype, "gradgrad")
        results.append((name, compare_arrays(m, t, m_dtype, t_dtype, tol.atol, tol.rtol)))
    return _from_comparison(worst_of(results), tol, mine.ms, theirs.ms)


# ---- alias and inplace --------------------------------------------------------------------
def _marker(shape, dtype):
    """Distinct, exactly representable values to write through a view."""
    count = int(np.prod(shape, dtype=np.int64))
    values = np.arange(count).reshape(shape)
    if dtype == "bool":
        return values % 2 == 0
    return (values % 50 + (100 if dtype != "uint8" else 50)).astype(np.float64 if dtype in FLOATING else np.int64)


def _overlapping(tensor):
    return any(s == 0 and n > 1 for s, n in zip(tensor.stride(), tensor.shape))


def _alias_run(fw, ctx):
    inputs, storages = build(fw, ctx.drawn)
    tensors = [(p, t) for p, t in flatten_output(fw, ctx.call(fw, inputs)) if is_tensor(fw, t)]
    pointers = {storage_pointer(s) for s in storages if s is not None and s.numel() > 0}
    shares = {p: storage_pointer(t) in pointers for p, t in tensors if t.numel() > 0}
    for path, tensor in tensors:
        # Writing into a stride-0 view is refused by torch; write into the inputs and read it instead.
        targets = [s for s in storages if s is not None] if _overlapping(tensor) else [tensor]
        for target in targets:
            dtype = dtype_name(fw, target.dtype)
            target.copy_(make_tensor(fw, _marker(tuple(target.shape), dtype), dtype))
    after = [(f"input{i}", s) for i, s in enumerate(storages) if s is not None] + tensors
    return shares, after


def _after_comparison(ctx, mine, theirs):
    results = []
    for (path, m), (_, t) in zip(mine, theirs):
        results.append((f"{path} after the write", compare_arrays(
            to_numpy(ctx.candidate, m), to_numpy(ctx.reference, t),
            dtype_name(ctx.candidate, m.dtype), dtype_name(ctx.reference, t.dtype), 0.0, 0.0)))
    return worst_of(results)


def check_alias(ctx):
    mine, theirs, verdict = _on_both(ctx, lambda fw: _alias_run(fw, ctx))
    if verdict:
        return verdict
    for path, shared in theirs.value[0].items():
        if mine.value[0].get(path) != shared:
            says = "shares" if shared else "does not share"
            return CheckResult("fail", f"{path}: torch's {says} storage with an input, mtv2's "
                                       f"{'does not' if shared else 'does'}", mtv2_ms=mine.ms,
                               torch_ms=theirs.ms)
    comparison = _after_comparison(ctx, mine.value[1], theirs.value[1])
    return _from_comparison(comparison, Tol(0.0, 0.0, "exact"), mine.ms, theirs.ms)


def _inplace_run(fw, ctx):
    inputs, storages = build(fw, ctx.drawn)
    target = inputs[0]
    version = target._version
    result = ctx.case.spec.inplace(fw, *inputs, **ctx.case.sample.kwargs)
    facts = {"returns self": result is target, "bumps _version": target._version > version}
    after = [("result", result)] + [(f"input{i}", t) for i, t in enumerate(inputs) if is_tensor(fw, t)] \
        + [(f"storage{i}", s) for i, s in enumerate(storages) if s is not None]
    return facts, after


def check_inplace(ctx):
    mine, theirs, verdict = _on_both(ctx, lambda fw: _inplace_run(fw, ctx))
    if verdict:
        return verdict
    for fact, value in theirs.value[0].items():
        if mine.value[0][fact] != value:
            return CheckResult("fail", f"{fact}: torch {value}, mtv2 {mine.value[0][fact]}",
                               mtv2_ms=mine.ms, torch_ms=theirs.ms)
    results, tols = [], []
    for (path, m), (_, t) in zip(mine.value[1], theirs.value[1]):
        dtype = dtype_name(ctx.reference, t.dtype)
        tol = tolerance(ctx.case.spec, dtype, "inplace")
        tols.append(tol)
        results.append((path, compare_arrays(to_numpy(ctx.candidate, m), to_numpy(ctx.reference, t),
                                             dtype_name(ctx.candidate, m.dtype), dtype,
                                             tol.atol, tol.rtol)))
    return _from_comparison(worst_of(results), tols[0], mine.ms, theirs.ms)


# ---- error --------------------------------------------------------------------------------
STOP_WORDS = {"tensor", "tensors", "expected", "which", "should", "given", "there", "being",
              "argument", "arguments", "input", "received", "object"}


def names_the_op(message, op_name, torch_message):
    """Lenient: the op's name, or enough of the key words of torch's own message."""
    message = message.lower()
    token = op_name.rsplit(".", 1)[-1].strip("_").lower()
    if token and token in message:
        return True
    words = {w for w in "".join(c if c.isalpha() else " " for c in torch_message.lower()).split()
             if len(w) >= 5 and w not in STOP_WORDS}
    return bool(words) and sum(w in message for w in words) >= min(3, (len(words) + 1) // 2)


def check_error(ctx):
    error = ctx.case.error
    def run(fw):
        return timed(lambda: error.fn(fw, *build(fw, ctx.drawn, grad="explicit")[0],
                                      **error.sample.kwargs))
    theirs, mine = run(ctx.reference), run(ctx.candidate)
    if not isinstance(theirs.exception, error.raises):
        got = exception_text(theirs.exception) if theirs.exception else "no exception"
        return CheckResult("error", f"spec is wrong: torch gives {got}, not {error.raises.__name__}")
    both = f"torch {exception_text(theirs.exception)} | mtv2 " + \
           (exception_text(mine.exception) if mine.exception else "no exception")
    if not isinstance(mine.exception, error.raises):
        return CheckResult("fail", both, mtv2_ms=mine.ms, torch_ms=theirs.ms)
    if not names_the_op(str(mine.exception), ctx.case.spec.name, str(theirs.exception)):
        return CheckResult("fail", f"message does not name the op: {both}",
                           mtv2_ms=mine.ms, torch_ms=theirs.ms)
    return CheckResult("pass", both, mtv2_ms=mine.ms, torch_ms=theirs.ms)


# ---- state_dict (module cases) -----------------------------------------------------------
def _converted_state(source_fw, target_fw, state):
    """A state dict's tensors rebuilt in the other framework from their values (dtype kept)."""
    return {key: make_tensor(target_fw, to_numpy(source_fw, value), dtype_name(source_fw, value.dtype))
            for key, value in state.items()}


def check_state_dict(ctx):
    """torch module -> state_dict -> mtv2 module (strict load) -> state_dict -> fresh torch module: exact."""
    torch, mtv2 = ctx.reference, ctx.candidate
    build, dtype = ctx.case.spec.roundtrip, ctx.case.dtype

    def round_trip():
        torch.manual_seed(seed_of(ctx.case.case_id))
        original = build(torch).to(getattr(torch, dtype))
        state = original.state_dict()
        mine = build(mtv2).to(getattr(mtv2, dtype))
        mine.load_state_dict(_converted_state(torch, mtv2, state))
        back = mine.state_dict()
        fresh = build(torch).to(getattr(torch, dtype))
        fresh.load_state_dict(_converted_state(mtv2, torch, back))
        return list(state), list(back), state, fresh.state_dict()

    ran = timed(round_trip)
    if ran.exception:
        return _raised(ran)
    torch_keys, mtv2_keys, before, after = ran.value
    if torch_keys != mtv2_keys:
        return CheckResult("fail", f"state_dict keys: mtv2 {mtv2_keys}, torch {torch_keys}", mtv2_ms=ran.ms)
    results = [(key, compare_arrays(to_numpy(torch, after[key]), to_numpy(torch, before[key]),
                                    dtype_name(torch, after[key].dtype), dtype_name(torch, before[key].dtype),
                                    0.0, 0.0)) for key in torch_keys]
    return _from_comparison(worst_of(results) if results else Comparison(True), Tol(0.0, 0.0, "exact"), ran.ms,
                            None)


CHECKS = {"forward": check_forward, "backward": check_backward, "gradcheck": check_gradcheck,
          "gradgrad": check_gradgrad, "alias": check_alias, "inplace": check_inplace,
          "error": check_error, "state_dict": check_state_dict}
