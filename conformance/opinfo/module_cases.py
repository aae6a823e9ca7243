"""ModuleInfo rows (kind=moduleinfo): torch's own module samples for every ModuleInfo whose class mtv2.nn has.

One pytest test per (module, dtype), `moduleinfo/nn.<Name>/<dtype>`: torch's module_inputs_func is called under a
seed of the test id, in train mode and, where ModuleInfo says the modes differ, in eval mode too. For each sample
the torch module is built from its constructor input (seeded), its state_dict snapshotted, and both frameworks
build the module, load that state (load_state_dict of the same arrays) and run the forward input (portable.py:
strides, offsets and sharing kept). A lazy module (LazyConv2d) has no state before its first forward: both frameworks
build it after the same seed and that forward initialises it in each (mtv2's generator reproduces torch's stream). Rows (`moduleinfo/nn.<Name>/<train|eval>/<sample index>/<dtype>`):
- forward: the output and the module's buffers after the call (running statistics);
- backward (floating dtypes): gradients of the inputs that require grad and of every parameter, random cotangents;
- gradcheck and gradgrad (float64, first mode, the first GRADCHECK_CAP samples; gradgrad where ModuleInfo says
  torch supports it): inputs and parameters perturbed as dense tensors.
A random module (torch's output changes with the seed: dropout in train mode) gets skip rows.
`moduleinfo/nn.<Name>/other` has the rows of module_error_inputs (check=error; constructing or calling, as the
ModuleInfo says) and a skip row per dtype mtv2 lacks.
"""
import itertools

from conformance import frameworks
from conformance.checks import CheckResult
from conformance.frameworks import FLOATING, dtype_name, to_numpy
from conformance.opinfo import common, sources
from conformance.opinfo.known import apply_known, tolerances_for
from conformance.opinfo.portable import Untranslatable, materialize, require_markers, snapshot
from conformance.outcome import exception_text
from conformance.run import CaseTimeout, time_limit

KIND = "moduleinfo"
SAMPLE_CAP = 16
GRADCHECK_CAP = 6
ERROR_CAP = 40


def _name(info):
    return f"nn.{info.module_cls.__name__}"


def group_ids():
    """{test id: ("moduleinfo", name, dtype or "other")}, in module_db order."""
    entries = ((_name(info), info.supported_dtypes("cpu"), info.module_error_inputs_func is not None)
               for info in sources.mapped_modules())
    return sources.group_ids(KIND, entries, frameworks.reference(), frameworks.candidate())


CASE_ID_FORM = "moduleinfo/nn.<Name>/<train|eval>/<index>/<dtype>"


def parse_case_id(case_id):
    return sources.parse_case_id(KIND, case_id, CASE_ID_FORM)


def group_of(case_id):
    return sources.group_of(KIND, case_id, CASE_ID_FORM)


def modes_of(info):
    return ("train", "eval") if info.train_and_eval_differ else ("train",)


def samples_for(info, dtype, mode, torch):
    sources.seed_everything(torch, f"{KIND}/{_name(info)}/{mode}/{dtype}")
    samples = info.module_inputs_func(info, device="cpu", dtype=getattr(torch, dtype), requires_grad=dtype in FLOATING,
                                      training=mode == "train")
    samples = [s for s in samples if s.forward_input is not None]
    return samples[:SAMPLE_CAP], len(samples) > SAMPLE_CAP


# ---- one sample ---------------------------------------------------------------------------
class ModuleSample:
    """A ModuleInput made portable: constructor and forward inputs, and the torch module's initial state."""

    def __init__(self, info, sample, dtype, mode, seed_text, torch, mtv2):
        self.info, self.sample, self.dtype, self.mode, self.seed_text = info, sample, dtype, mode, seed_text
        constructor, forward = sample.constructor_input, sample.forward_input
        self.constructor = snapshot(torch, (constructor.args, constructor.kwargs))
        self.forward = snapshot(torch, (forward.args, forward.kwargs))
        require_markers(self.constructor, mtv2)
        require_markers(self.forward, mtv2)
        module = self.build(torch)
        if not info.is_lazy:
            # a lazy module has no state before its first forward: both frameworks initialise it there, each drawing
            # from its generator seeded alike in build (mtv2's reproduces torch's stream)
            self.state = {key: (to_numpy(torch, value), dtype_name(torch, value.dtype))
                          for key, value in module.state_dict().items()}

    def build(self, fw):
        """The module in fw, in the sample's dtype and mode (torch's own initialisation, seeded)."""
        torch = frameworks.reference()
        (args, kwargs), _ = materialize(fw, self.constructor, grad=False)
        sources.seed_everything(torch, self.seed_text)
        if self.info.is_lazy and fw is not torch:
            fw.manual_seed(sources.seed_of(self.seed_text))
        cls = getattr(fw.nn, self.info.module_cls.__name__)
        module = cls(*args, **kwargs).to(getattr(fw, self.dtype))
        module.train(self.mode == "train")
        return module

    def module(self, fw):
        module = self.build(fw)
        if hasattr(self, "state"):
            module.load_state_dict({key: fw.tensor(array, dtype=getattr(fw, dtype))
                                    for key, (array, dtype) in self.state.items()})
        return module

    def subject(self, spec):
        def run(fw, grad=False, leaf_values=None):
            module = self.module(fw)
            values = {int(n[1:]): a for n, a in (leaf_values or {}).items() if n.startswith("t")}
            (args, kwargs), built = materialize(fw, self.forward, grad=grad, leaf_values=values or None)
            leaves = {f"t{r.index}": built[r.index] for r in self.forward.grad_refs()} if grad else {}
            for name, parameter in module.named_parameters():
                if leaf_values is not None and f"param.{name}" in leaf_values:
                    owner, _, key = name.rpartition(".")
                    parameter = fw.tensor(leaf_values[f"param.{name}"], dtype=parameter.dtype).requires_grad_()
                    module.get_submodule(owner)._parameters[key] = parameter
                if grad:
                    leaves[f"param.{name}"] = parameter
            output = module(*args, **kwargs)
            buffers = {name: buffer for name, buffer in module.named_buffers()}
            inputs = {f"t{r.index}": built[r.index] for r in self.forward.tensors}
            return ((output, buffers) if buffers else output), leaves, inputs
        return common.Subject(run, spec)


# ---- rows ---------------------------------------------------------------------------------
def _row(info, mode, index, dtype, check, sample=None, note=""):
    return common.Row(f"{KIND}/{_name(info)}/{mode}/{index}/{dtype}", KIND, _name(info), f"{mode}/{index}", dtype,
                      check, sample, note)


def planned(info, mode, index, dtype):
    checks = ["forward"]
    if dtype in FLOATING:
        checks.append("backward")
        if dtype == "float64" and mode == modes_of(info)[0] and index < GRADCHECK_CAP:
            checks.append("gradcheck")
            if info.supports_gradgrad:
                checks.append("gradgrad")
    return checks


def run_check(info, module_sample, check, case_id, torch, mtv2):
    params = {"training": module_sample.mode == "train", "dtype": getattr(torch, module_sample.dtype)}
    verdict = sources.torch_verdict(info, check, None, module_sample.dtype, torch, sources.MODULE_TORCH_TESTS,
                                    params)
    if verdict:
        return CheckResult("skip", verdict)
    subject = module_sample.subject(common.Spec(tolerances_for(_name(info)), _name(info)))
    if check == "forward":
        return common.forward(subject, torch, mtv2)
    if check == "backward":
        return common.backward(subject, torch, mtv2, case_id)
    if check == "gradcheck":
        return common.gradcheck(subject, torch, mtv2, case_id)
    return common.gradgrad(subject, torch, mtv2, case_id)


def run_sample_rows(info, mode, index, sample, dtype, torch, mtv2, note="", time_limit_seconds=60.0, only=None):
    rows = [_row(info, mode, index, dtype, check, sample, note) for check in planned(info, mode, index, dtype)]
    if only is not None:
        rows = [r for r in rows if r.case_id == only]
    try:
        module_sample = ModuleSample(info, sample, dtype, mode, rows[0].case_id if rows else "", torch, mtv2)
    except Untranslatable as reason:
        return [row.make(CheckResult("skip", f"the sample holds {reason}")) for row in rows]
    except Exception as exception:
        return [row.make(CheckResult("error", f"broken case: torch cannot build the module: "
                                              f"{exception_text(exception)}")) for row in rows]
    def once():
        module = module_sample.module(torch)
        (args, kwargs), _ = materialize(torch, module_sample.forward, grad=False)
        return module(*args, **kwargs)
    try:
        random = common.outputs_differ(torch, once)
    except Exception:
        random = False
    if random:
        return [row.make(CheckResult("skip", "random module: torch's output changes with the seed, and ModuleInfo "
                                             "rows do not seed construction and forward alike yet (kind=rng and "
                                             "kind=module rows compare seeded modules)")) for row in rows]
    results = []
    try:
        with time_limit(time_limit_seconds):
            for row in rows:
                try:
                    result = run_check(info, module_sample, row.check, row.case_id, torch, mtv2)
                except CaseTimeout:
                    raise
                except Exception as exception:
                    result = CheckResult("error", f"check crashed: {exception_text(exception)}")
                for fw in (torch, mtv2):
                    fw.set_grad_enabled(True)
                results.append(apply_known(_name(info), row.make(result), sample))
    except CaseTimeout as timeout:
        results += [row.make(CheckResult("error", str(timeout))) for row in rows[len(results):]]
    return results


def run_group(name, dtype, time_limit_seconds=60.0):
    torch, mtv2 = frameworks.reference(), frameworks.candidate()
    info = sources.module_by_name(name)
    if dtype == "other":
        return _other_rows(info, torch, mtv2)
    rows = []
    for mode in modes_of(info):
        try:
            samples, capped = samples_for(info, dtype, mode, torch)
        except Exception as exception:
            rows.append(_row(info, mode, "all", dtype, "forward").make(CheckResult(
                "error", f"torch's module_inputs_func raised {exception_text(exception)}")))
            continue
        note = f"first {SAMPLE_CAP} of torch's samples run (cap per ModuleInfo, mode and dtype)" if capped else ""
        for index, sample in enumerate(samples):
            rows += run_sample_rows(info, mode, index, sample, dtype, torch, mtv2, note, time_limit_seconds)
    return rows


# ---- error inputs -------------------------------------------------------------------------
def error_inputs_of(info, torch):
    if info.module_error_inputs_func is None:
        return []
    sources.seed_everything(torch, f"{KIND}/{_name(info)}/errors")
    return list(itertools.islice(info.module_error_inputs_func(info, device="cpu", dtype=torch.float32,
                                                               requires_grad=False, training=True), ERROR_CAP))


def run_error(info, index, error_input, torch, mtv2):
    sample = error_input.module_error_input
    row = _row(info, "train", f"error{index}", "float32", "error", error_input)
    try:
        constructor = snapshot(torch, (sample.constructor_input.args, sample.constructor_input.kwargs))
        forward = snapshot(torch, (sample.forward_input.args, sample.forward_input.kwargs)) \
            if sample.forward_input is not None else None
        require_markers(constructor, mtv2)
        if forward:
            require_markers(forward, mtv2)
    except Untranslatable as reason:
        return row.make(CheckResult("skip", f"the error input holds {reason}"))
    construction = error_input.error_on.name == "CONSTRUCTION_ERROR"

    def call(fw):
        (args, kwargs), _ = materialize(fw, constructor, grad=False)
        module = getattr(fw.nn, info.module_cls.__name__)(*args, **kwargs)
        if construction:
            return module
        (args, kwargs), _ = materialize(fw, forward, grad=False)
        return module.to(fw.float32)(*args, **kwargs)
    params = {"training": True, "dtype": torch.float32}
    verdict = sources.torch_verdict(info, "error", None, "float32", torch, sources.MODULE_TORCH_TESTS, params)
    if verdict:
        return row.make(CheckResult("skip", verdict))
    return apply_known(_name(info), row.make(common.error(call, torch, mtv2, error_input.error_type)), error_input)


def _other_rows(info, torch, mtv2):
    rows = [_row(info, "train", "all", dtype, "forward").make(CheckResult("skip", sources.unsupported_reason(dtype)))
            for dtype in sources.dtype_names(torch, info.supported_dtypes("cpu")) if not sources.runnable(dtype, mtv2)]
    try:
        errors = error_inputs_of(info, torch)
    except Exception as exception:
        return rows + [_row(info, "train", "error-all", "none", "error").make(CheckResult(
            "error", f"torch's module_error_inputs_func raised {exception_text(exception)}"))]
    for index, error_input in enumerate(errors):
        rows.append(run_error(info, index, error_input, torch, mtv2))
    return rows
