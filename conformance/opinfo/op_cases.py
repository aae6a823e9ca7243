"""OpInfo rows (kind=opinfo): torch's own samples for every OpInfo that maps to mtv2.

One pytest test per (OpInfo, dtype): `opinfo/<full name>/<dtype>` generates the op's CPU samples for that dtype
in torch (seeded from the test id), snapshots each (portable.py: strides, offsets and storage sharing kept) and
runs every mapped variant on it. Rows (case id `opinfo/<full name>/<variant>/<sample index>/<dtype>`):
- forward, every variant: outputs, and every input after the call (in place, the mutated input and
  "returns its input"); a sample torch itself refuses is a broken case (error), except in place, where torch
  refusing (a broadcast input, a dtype the input cannot hold) is behaviour mtv2 must match; a GAUGE_FREE OpInfo
  (a decomposition unique only up to the signs of its vectors) compares after the sample's output_process_fn_grad,
  as its backward rows do, and says so in the row's detail;
- backward, floating dtypes OpInfo lists as differentiable, on the first variant (function, else method): gradients
  of every sample tensor that requires grad, random cotangents (after OpInfo's output_process_fn_grad);
- gradcheck and gradgrad, float64 only, on the first variant, where OpInfo says torch supports them (through
  OpInfo's gradcheck_wrapper);
- a random op (torch's output changes with the seed) runs after the same manual_seed in both (mtv2 draws torch's
  CPU streams); an op returning uninitialised memory (empty, empty_like, new_empty) has its forward check compare the
  outputs' shape, dtype, strides and requires_grad, and skips the others.
One more test per OpInfo, `opinfo/<full name>/other`, has the rows of its error_inputs
(`opinfo/<full name>/<variant>/error<i>/<dtype>`, check=error: torch's declared class, then mtv2 raising the
class torch raised) and a skip row for each dtype OpInfo declares that mtv2 lacks (complex, ...).
At most SAMPLE_CAP / SECONDARY_CAP samples per (OpInfo, dtype) run (torch's order); a capped group says so in every
row's detail.
"""
import itertools
import zlib

from conformance import frameworks
from conformance.checks import CheckResult
from conformance.opinfo import common, sources
from conformance.opinfo.known import apply_known, tolerances_for
from conformance.opinfo.portable import Untranslatable, materialize, require_markers, snapshot
from conformance.opinfo.translate import NotRebindable, is_identity, missing_names, rebind
from conformance.outcome import exception_text
from conformance.run import CaseTimeout, time_limit

KIND = "opinfo"
# The time budget (the whole conformance run within ~4 minutes on 2 cores): torch's sample functions give 1 to ~200
# samples; the first SAMPLE_CAP run for bool, int64, float32 and float64, the first SECONDARY_CAP for the other dtypes
# (the same code paths at other widths), and a capped group says so in every row's detail.
PRIMARY_DTYPES = ("bool", "int64", "float32", "float64")
SAMPLE_CAP = 24
SECONDARY_CAP = 8
GRADCHECK_CAP = 12         # float64 samples that also get gradcheck and gradgrad
ERROR_CAP = 40
# Decompositions torch documents as not unique: the signs of singular vectors and eigenvectors are LAPACK's choice,
# and torch's (MKL) and mtv2's (SciPy's OpenBLAS) differ on some of OpInfo's own matrices (measured: linalg.eigh 7 of
# 8, linalg.svd and svd 32 of 128 of the float32/float64 samples). Each of their samples carries the
# output_process_fn_grad torch's OpInfo compares through (|U|, |Vh|, U @ Vh, S; the eigenvalues and |V|), so their
# forward rows compare after it too. linalg.qr is not here: geqrf's Householder signs agreed on every sample.
GAUGE_FREE = {
    "linalg.svd": "the signs of U's columns and Vh's rows are LAPACK's choice",
    "svd": "the signs of U's and V's columns are LAPACK's choice",
    "linalg.eigh": "the signs of the eigenvectors are LAPACK's choice",
}


# ---- the plan (collection time: no sample is generated) ------------------------------------
def group_ids():
    """{test id: ("opinfo", full name, dtype or "other")}, in op_db order."""
    from conformance.frameworks import candidate, reference
    entries = ((op.full_name, op.supported_dtypes("cpu"), op.error_inputs_func is not None)
               for op, _ in sources.mapped_ops())
    return sources.group_ids(KIND, entries, reference(), candidate())


CASE_ID_FORM = "opinfo/<OpInfo name>/<variant>/<index>/<dtype>"


def parse_case_id(case_id):
    """opinfo/<full name>/<variant>/<index>/<dtype> -> (full name, variant label, index, dtype)."""
    return sources.parse_case_id(KIND, case_id, CASE_ID_FORM)


def group_of(case_id):
    return sources.group_of(KIND, case_id, CASE_ID_FORM)


# ---- samples ------------------------------------------------------------------------------
def sample_cap(dtype):
    return SAMPLE_CAP if dtype in PRIMARY_DTYPES else SECONDARY_CAP


def samples_for(op, dtype, torch, requires_grad):
    """torch's CPU samples of `op` at `dtype` (its sample_inputs_func, as op.sample_inputs calls it), generated under
    a seed of (op, dtype): ([SampleInput] up to the cap, whether the cap cut some off)."""
    sources.seed_everything(torch, f"{KIND}/{op.full_name}/{dtype}")
    cap = sample_cap(dtype)
    samples = list(itertools.islice(op.sample_inputs_func(op, "cpu", getattr(torch, dtype), requires_grad), cap + 1))
    return samples[:cap], len(samples) > cap


def _fn_for(fn, torch, fw, what):
    """OpInfo code (a gradcheck wrapper, output_process_fn_grad) as fw runs it."""
    if fw is torch or is_identity(fn):
        return fn
    try:
        missing = missing_names(fn, torch, fw)
        if missing:
            raise Untranslatable(f"OpInfo's {what} calls {', '.join(missing)}, which mtv2 lacks")
        return rebind(fn, torch, fw)
    except NotRebindable as reason:
        raise Untranslatable(f"OpInfo's {what} is torch-side code: {reason}") from None


def subject_for(op, variant, sample, portable, torch, spec, wrapped=False, processed=False, seed=None):
    """The Subject of one (variant, sample): the call on either framework, optionally through OpInfo's
    gradcheck_wrapper and output_process_fn_grad (gradient checks), after manual_seed(seed) when given."""
    adapt = {}
    for fw in (torch, frameworks.candidate()):
        wrapper = _fn_for(op.gradcheck_wrapper, torch, fw, "gradcheck_wrapper") if wrapped else None
        process = _fn_for(sample.output_process_fn_grad, torch, fw, "output_process_fn_grad") if processed else None
        adapt[fw] = (wrapper, process)

    def run(fw, grad=False, leaf_values=None):
        values = None if leaf_values is None else {int(n[1:]): a for n, a in leaf_values.items()}
        (value, args, kwargs), built = materialize(fw, portable, grad=grad, leaf_values=values)
        fn = variant.fn(fw, torch)
        wrapper, process = adapt[fw]
        if seed is not None:
            fw.manual_seed(seed)
        output = wrapper(fn, value, *args, **kwargs) if wrapper else fn(value, *args, **kwargs)
        output = process(output) if process else output
        leaves = {f"t{r.index}": built[r.index] for r in portable.grad_refs()} if grad else {}
        inputs = {f"t{r.index}": built[r.index] for r in portable.tensors}
        return output, leaves, inputs
    return common.Subject(run, spec, inplace=variant.label == "inplace")


# ---- rows ---------------------------------------------------------------------------------
def _variant_column(op, label, index):
    return f"{op.variant_test_name}/{label}/{index}" if op.variant_test_name else f"{label}/{index}"


def _row(op, variant, index, dtype, check, sample=None, note=""):
    case_id = f"{KIND}/{op.full_name}/{variant.label}/{index}/{dtype}"
    return common.Row(case_id, KIND, variant.name, _variant_column(op, variant.label, index), dtype, check, sample,
                      note)


def planned(op, variants, index, dtype, torch):
    """[(variant, check)] for sample `index`: see the module docstring."""
    plan = []
    gradients = dtype in sources.backward_dtypes(op, torch)
    first = next((v for v in variants if v.mtv2_fn is not None and v.label != "inplace"), None)
    for variant in variants:
        if variant.mtv2_fn is None:
            continue
        plan.append((variant, "forward"))
        if gradients and variant is first:
            plan.append((variant, "backward"))
            if dtype == "float64" and index < GRADCHECK_CAP:
                plan.append((variant, "gradcheck"))
                if op.supports_gradgrad:
                    plan.append((variant, "gradgrad"))
    return plan


def run_check(op, variant, check, sample, portable, case_id, torch, mtv2, dtype, seed=None, random=None):
    """One check of one (variant, sample) -> CheckResult (seed: a random op's, given to both before each call;
    random=UNSEEDED: values undefined, the forward check compares the outputs' layout and the others skip)."""
    if random == UNSEEDED and check != "forward":
        return UNINITIALISED
    # OpInfo's skips are about comparing values; the layout check of uninitialised memory compares none
    verdict = None if random == UNSEEDED else sources.torch_verdict(op, check, variant.label, dtype, torch)
    if verdict:
        return CheckResult("skip", verdict)
    tolerance = sources.torch_tolerance(op, dtype, torch)
    spec = common.Spec(tolerances_for(op.full_name) + ((tolerance,) if tolerance else ()), variant.name)
    try:
        subject = subject_for(op, variant, sample, portable, torch, spec, wrapped=check in ("gradcheck", "gradgrad"),
                              processed=check != "forward" or op.full_name in GAUGE_FREE, seed=seed)
    except Untranslatable as reason:
        return CheckResult("skip", str(reason))
    if check == "forward":
        return (common.forward_layout if random == UNSEEDED else common.forward)(subject, torch, mtv2)
    if check == "backward":
        return common.backward(subject, torch, mtv2, case_id)
    if check == "gradcheck":
        return common.gradcheck(subject, torch, mtv2, case_id)
    return common.gradgrad(subject, torch, mtv2, case_id)


SEEDED, UNSEEDED = "seeded", "unseeded"
# torch's functions documented to return uninitialised memory
UNINITIALISED_MEMORY = ("empty", "empty_like", "new_empty", "empty_strided", "new_empty_strided", "empty_permuted")


# Ops whose torch output can differ in the last bits between identical calls without being random: asking
# is_random would answer by chance (the two calls may agree), flipping their rows between compared and skipped.
NOT_RANDOM = {
    "linalg.lstsq": "torch's float32 gelsy (MKL) returns another last-bit solution on some calls (measured: 4 "
                    "distinct solutions in 20 identical calls of OpInfo's sample 4); compared within tolerance",
}


def is_random(variants, samples, torch):
    """Does torch's output depend on the seed? None (no), SEEDED (a random op: it repeats under one seed, and mtv2
    draws torch's streams, so both run after the same manual_seed) or UNSEEDED (it changes under one seed too:
    uninitialised memory, empty). Asked of the first samples whose output is not empty (an op is random or not; a
    degenerate sample, p=0 or an empty tensor, cannot tell), through every variant: OpInfo's function lambda may fix
    the seed itself (wrapper_set_seed: manual_seed(42) around the call) while Tensor.cauchy_ beside it draws from the
    current stream."""
    mapped = [v for v in variants if v.mtv2_fn is not None]
    if mapped[0].name.rsplit(".", 1)[-1] in UNINITIALISED_MEMORY:
        return UNSEEDED   # by name: two calls can return the same garbage (the allocator reuses a block)
    if mapped[0].name in NOT_RANDOM:
        return None
    for variant in mapped:
        for sample in samples[:3]:
            try:
                portable = snapshot(torch, (sample.input, sample.args, sample.kwargs))

                def once():
                    (value, args, kwargs), _ = materialize(torch, portable, grad=False)
                    return variant.torch_fn(value, *args, **kwargs)
                if common.outputs_differ(torch, once):
                    return UNSEEDED if common.outputs_differ(torch, once, seeds=(1, 1)) else SEEDED
            except Exception:
                continue
    return None


UNINITIALISED = CheckResult("skip", "uninitialised memory (empty): the values are undefined, so only the forward "
                                    "check runs, on the outputs' shape, dtype, strides and requires_grad")


def sample_seed(op, index):
    """The seed both frameworks are given before each call of a random op's sample."""
    return zlib.crc32(f"{op.full_name}/{index}".encode()) % 2**31


def _gauge_note(op, check, note):
    if check != "forward" or op.full_name not in GAUGE_FREE:
        return note
    gauge = f"gauge-free: compared after OpInfo's output_process_fn_grad ({GAUGE_FREE[op.full_name]})"
    return "; ".join(filter(None, (note, gauge)))


def run_sample_rows(op, variants, index, sample, dtype, torch, mtv2, note="", time_limit_seconds=60.0, only=None,
                    random=None):
    """Every planned row of one sample (only: a case id, for explain; random: is_random of the group)."""
    if random is None:
        random = is_random(variants, [sample], torch)
    seed = sample_seed(op, index) if random == SEEDED else None
    if seed is not None:
        note = "; ".join(filter(None, (note, f"seeded: manual_seed({seed}) in both before each call")))
    rows = [(_row(op, v, index, dtype, check, sample, _gauge_note(op, check, note)), v, check)
            for v, check in planned(op, variants, index, dtype, torch)]
    if only is not None:
        rows = [r for r in rows if r[0].case_id == only]
    results = []
    try:
        portable = snapshot(torch, (sample.input, sample.args, sample.kwargs))
        require_markers(portable, mtv2)
    except Untranslatable as reason:
        return [row.make(CheckResult("skip", f"the sample holds {reason}")) for row, _, _ in rows]
    try:
        with time_limit(time_limit_seconds):
            for row, variant, check in rows:
                try:
                    result = run_check(op, variant, check, sample, portable, row.case_id, torch, mtv2, dtype, seed,
                                       random)
                except CaseTimeout:
                    raise
                except Exception as exception:
                    result = CheckResult("error", f"check crashed: {exception_text(exception)}")
                for fw in (torch, mtv2):
                    fw.set_grad_enabled(True)
                results.append(apply_known(op.full_name, row.make(result), sample))
    except CaseTimeout as timeout:
        results += [row.make(CheckResult("error", str(timeout))) for row, _, _ in rows[len(results):]]
    return results


def run_group(full_name, dtype, time_limit_seconds=60.0):
    """The rows of test `opinfo/<full name>/<dtype>` (or `.../other`)."""
    torch, mtv2 = frameworks.reference(), frameworks.candidate()
    op, variants = sources.op_by_name(full_name)
    if dtype == "other":
        return _other_rows(op, variants, torch, mtv2)
    rows = [_row(op, v, "all", dtype, "forward").make(CheckResult("skip", v.missing))
            for v in variants if v.mtv2_fn is None]
    requires_grad = dtype in sources.backward_dtypes(op, torch)
    try:
        samples, capped = samples_for(op, dtype, torch, requires_grad)
    except Exception as exception:
        first = next(v for v in variants if v.mtv2_fn is not None)
        return rows + [_row(op, first, "all", dtype, "forward").make(CheckResult(
            "error", f"torch's sample_inputs raised {exception_text(exception)}"))]
    note = f"first {sample_cap(dtype)} of torch's samples run (cap per OpInfo and dtype)" if capped else ""
    random = is_random(variants, samples, torch)
    for index, sample in enumerate(samples):
        rows += run_sample_rows(op, variants, index, sample, dtype, torch, mtv2, note, time_limit_seconds,
                                random=random)
    return rows


def error_inputs_of(op, torch):
    if op.error_inputs_func is None:
        return []
    sources.seed_everything(torch, f"{KIND}/{op.full_name}/errors")
    return list(itertools.islice(op.error_inputs_func(op, "cpu"), ERROR_CAP))


def error_variant(variants):
    return next(v for v in variants if v.mtv2_fn is not None)


def error_dtype(portable):
    return portable.tensors[0].dtype if portable.tensors else "none"


def run_error(op, variant, index, error_input, torch, mtv2):
    sample = error_input.sample_input
    try:
        portable = snapshot(torch, (sample.input, sample.args, sample.kwargs))
        require_markers(portable, mtv2)
    except Untranslatable as reason:
        row = _row(op, variant, f"error{index}", "none", "error", error_input)
        return row.make(CheckResult("skip", f"the error input holds {reason}"))
    row = _row(op, variant, f"error{index}", error_dtype(portable), "error", error_input)
    verdict = sources.torch_verdict(op, "error", variant.label, "float32", torch)
    if verdict:
        return row.make(CheckResult("skip", verdict))

    def call(fw):
        (value, args, kwargs), _ = materialize(fw, portable, grad=False)
        return variant.fn(fw, torch)(value, *args, **kwargs)
    return apply_known(op.full_name, row.make(common.error(call, torch, mtv2, error_input.error_type)), error_input)


def _other_rows(op, variants, torch, mtv2):
    first = error_variant(variants)
    rows = [_row(op, first, "all", dtype, "forward").make(CheckResult("skip", sources.unsupported_reason(dtype)))
            for dtype in sources.dtype_names(torch, op.supported_dtypes("cpu")) if not sources.runnable(dtype, mtv2)]
    try:
        errors = error_inputs_of(op, torch)
    except Exception as exception:
        return rows + [_row(op, first, "error-all", "none", "error").make(CheckResult(
            "error", f"torch's error_inputs raised {exception_text(exception)}"))]
    for index, error_input in enumerate(errors):
        rows.append(run_error(op, first, index, error_input, torch, mtv2))
    return rows
