"""`python -m conformance explain CASE_ID`: rerun one case in-process and show everything needed
to debug it: inputs, both outputs, the worst elements, every check's row, the gradcheck verdict,
and a reproduction to paste into a Python prompt for either framework."""
import inspect
import textwrap

import numpy as np

from conformance import frameworks
from conformance import gradcheck as finite_differences
from conformance.cases import case_by_id
from conformance.frameworks import FLOATING, dtype_name, is_tensor, to_numpy
from conformance.inputs import NUMPY_DTYPES, build, draw_sample, layout_source
from conformance.outcome import compare_values, exception_text, flatten_output, timed
from conformance.run import run_case


def _value_source(value):
    if callable(value) and hasattr(value, "__name__"):
        module = {"_operator": "operator"}.get(value.__module__, value.__module__)
        return f"{module}.{value.__name__}"
    return repr(value)


def _lambda_text(source):
    """The `lambda ...` expression inside a source line, up to its end at bracket depth 0."""
    start = source.index("lambda")
    head, _ = _split_lambda(source[start:])
    depth = 0
    for position in range(start + len(head) + 1, len(source)):
        char = source[position]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                return source[start:position]
            depth -= 1
        elif char == "," and depth == 0:
            return source[start:position]
    return source[start:].rstrip()


def function_source(fn):
    """Source defining `fn` as a standalone function (closure variables and defaults inlined)."""
    lines = []
    closure = inspect.getclosurevars(fn).nonlocals
    lines += [f"{name} = {_value_source(value)}" for name, value in closure.items()]
    source = textwrap.dedent(inspect.getsource(fn))
    if fn.__name__ != "<lambda>":
        return "\n".join(lines + [source.rstrip(), f"fn = {fn.__name__}"])
    text = _lambda_text(source)
    head, body = _split_lambda(text)
    parameters = []
    for parameter in inspect.signature(fn).parameters.values():
        if parameter.default is inspect.Parameter.empty:
            parameters.append(str(parameter).split("=")[0])
        else:
            parameters.append(f"{parameter.name}={_value_source(parameter.default)}")
    return "\n".join(lines + [f"fn = lambda {', '.join(parameters)}:{body}"])


def _split_lambda(text):
    depth = 0
    for position, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == ":" and depth == 0:
            return text[:position], text[position + 1:]
    return text, ""


def _input_lines(drawn, names, explicit_grad=False):
    lines = []
    for name, item in zip(names, drawn):
        if not item.is_tensor:
            lines.append(f"{name} = {_value_source(item.storage)}")
            continue
        numpy_dtype = np.dtype(NUMPY_DTYPES[item.dtype]).name
        line = (f"{name} = fw.tensor(np.array({item.storage.tolist()!r}, dtype=np.{numpy_dtype}), "
                f"dtype=fw.{item.dtype})")
        wanted = item.arg.requires_grad is True if explicit_grad else item.arg.requires_grad is not False
        if item.dtype in FLOATING and wanted:
            line += ".requires_grad_()"
        lines.append(line + layout_source(item.arg.layout, item.arg.shape))
    return lines


def module_reproduction(case, drawn):
    """A module case (module_spec.py): build the layer, put the drawn parameters in its slots, call it."""
    closure = inspect.getclosurevars(case.spec.fn).nonlocals
    names = [f"x{i}" for i in range(len(drawn))]
    count = closure["input_count"]
    kwargs = ", ".join(f"{k}={_value_source(v)}" for k, v in case.sample.kwargs.items())
    inputs = ", ".join(names[:count] + ([kwargs] if kwargs else []))
    lines = ["import numpy as np", "import torch as fw    # the same lines run mtv2 after: import mtv2 as fw",
             function_source(closure["build"]).replace("fn = ", "build = ", 1)]
    if closure["call"] is not None:
        lines.append(function_source(closure["call"]).replace("fn = ", "call = ", 1))
    lines += _input_lines(drawn, names)
    floating = next((item.dtype for item in drawn if item.is_tensor and item.dtype in FLOATING), None)
    lines += ["module = build(fw)" + (f".to(fw.{floating})" if floating else ""),
              f"module.train({closure['mode'] == 'train'})",
              f"for name, value in zip({closure['parameter_names']!r}, [{', '.join(names[count:])}]):",
              "    owner, _, key = name.rpartition('.')",
              "    module.get_submodule(owner)._parameters[key] = value   # the drawn parameters, as the case does",
              f"out = {'call(module, ' if closure['call'] is not None else 'module('}{inputs})",
              "print(out, dict(module.named_buffers()))"]
    return "\n".join(lines)


def reproduction(case, drawn):
    if case.kind == "module" and not case.error and "parameter_names" in inspect.getclosurevars(case.spec.fn).nonlocals:
        return module_reproduction(case, drawn)
    fn = case.error.fn if case.error else case.spec.fn
    names = [f"x{i}" for i in range(len(drawn))]
    kwargs = case.sample.kwargs
    call = ", ".join(["fw"] + names + [f"{k}={_value_source(v)}" for k, v in kwargs.items()])
    return "\n".join(["import operator", "import numpy as np",
                      "import torch as fw    # the same lines run mtv2 after: import mtv2 as fw",
                      function_source(fn)] + _input_lines(drawn, names, bool(case.error)) +
                     [f"out = fn({call})", "print(out)"])


def _describe_inputs(reference, drawn):
    inputs, _ = build(reference, drawn)
    for position, (item, value) in enumerate(zip(drawn, inputs)):
        if item.is_tensor:
            print(f"  x{position}: shape {tuple(value.shape)} dtype {item.dtype} layout "
                  f"{item.arg.layout} stride {value.stride()} storage_offset {value.storage_offset()}")
            print(textwrap.indent(np.array2string(to_numpy(reference, value), precision=6), "      "))
        else:
            print(f"  x{position}: Python value {item.storage!r}")


def show_output(label, fw, ran):
    """One framework's output (or what it raised), tensor by tensor; long tensors summarised by NumPy beyond 200
    elements (an OpInfo sample can hold thousands)."""
    if ran.exception:
        print(f"  {label}: raises {exception_text(ran.exception, 400)}")
        return
    for path, value in flatten_output(fw, ran.value):
        if is_tensor(fw, value):
            print(f"  {label} {path}: shape {list(value.shape)} dtype {dtype_name(fw, value.dtype)} "
                  f"stride {value.stride()}")
            print(textwrap.indent(np.array2string(to_numpy(fw, value), precision=6, threshold=200), "      "))
        else:
            print(f"  {label} {path}: {value!r}")


def explain(case_id, extra_spec_files=()):
    case = case_by_id(case_id, extra_spec_files)
    reference, candidate = frameworks.reference(), frameworks.candidate()
    drawn = draw_sample(case.sample, case.dtype, case.spec.domains, case.case_id)
    print(f"case {case.case_id}: {case.spec.name} variant {case.variant} dtype {case.dtype} "
          f"(candidate: {frameworks.candidate_name()})")
    print(f"kwargs: {case.sample.kwargs}\ninputs:")
    _describe_inputs(reference, drawn)

    fn = case.error.fn if case.error else case.spec.fn
    runs = {}
    for label, fw in (("torch", reference), ("mtv2", candidate)):
        runs[label] = timed(lambda: fn(fw, *build(fw, drawn, grad="explicit")[0], **case.sample.kwargs))
    print("outputs:")
    show_output("torch", reference, runs["torch"])
    show_output("mtv2", candidate, runs["mtv2"])
    if not runs["torch"].exception and not runs["mtv2"].exception:
        comparison, _ = compare_values(case.spec, "forward", candidate, runs["mtv2"].value,
                                       reference, runs["torch"].value)
        print("worst elements (index, mtv2, torch, err_ratio):")
        for index, mine, theirs, ratio in comparison.worst or []:
            print(f"  {index}: {float(mine)!r} {float(theirs)!r} {ratio:.3g}")
        if not comparison.worst:
            print("  none: every element is identical" if comparison.ok else f"  {comparison.detail}")

    print("rows:")
    for row in run_case(case):
        ratio = "" if row["err_ratio"] is None else f" err_ratio {row['err_ratio']:.3g}"
        print(f"  {row['check']:9s} {row['status']:5s}{ratio} {row['detail']}")

    if "gradcheck" in case.checks or ("backward" in case.checks and case.spec.gradcheck):
        ran = timed(lambda: finite_differences.gradcheck(candidate, case, drawn))
        if ran.exception:
            print(f"gradcheck: mtv2 raised {exception_text(ran.exception)}")
        else:
            comparison, mode = ran.value
            verdict = "agrees with" if comparison.ok else "DISAGREES with"
            print(f"gradcheck ({mode}, float64): mtv2's backward {verdict} central differences "
                  f"(err_ratio {comparison.err_ratio:.3g}) {comparison.detail}")
    print("\nreproduction:\n" + textwrap.indent(reproduction(case, drawn), "    "))


# ---- every kind ---------------------------------------------------------------------------
def explain_bert(case_id):
    """bert/...: rerun the case's checks and print its rows; for a layer or model class, the tracer command that
    finds the first diverging module of a comparable run."""
    from bert_cases.cases import all_bert_cases, run_bert_case
    case = next((c for c in all_bert_cases() if c.case_id == case_id), None)
    if case is None:
        raise KeyError(f"no bert case {case_id!r}; list them with: pytest conformance/test_bert.py --collect-only -q")
    print(f"case {case_id}: {case.name} variant {case.variant} options {case.options or '-'}")
    print("rows:")
    for row in run_bert_case(case):
        ratio = "" if row["err_ratio"] is None else f" err_ratio {row['err_ratio']:.3g}"
        print(f"  {row['check']:10s} {row['status']:5s}{ratio} {row['detail']}")
    lines = ["from bert_cases.cases import all_bert_cases, run_bert_case",
             f"case = next(c for c in all_bert_cases() if c.case_id == {case_id!r})",
             "for row in run_bert_case(case):", "    print(row)"]
    print("\nreproduction:\n" + "\n".join("    " + line for line in lines))
    options = case.options
    if options.get("size") in ("small", "base"):
        size = "" if options["size"] == "small" else " --hidden 768 --heads 12 --intermediate 3072 --layers 1"
        attention = " --attn sdpa" if options.get("attention") == "sdpa" else ""
        print(f"module by module (the first diverging module, forward and backward):\n"
              f"    python -m bert_cases.trace --train{size}{attention}")
    return 0


def _explainer(kind):
    """The explain function of each kind of case id (its first path component)."""
    if kind in ("opinfo", "moduleinfo"):
        from conformance.opinfo.explain import explain as explain_sample
        return explain_sample
    if kind == "optim":
        from conformance.optim_checks import explain as explain_optim
        return explain_optim
    if kind == "bert":
        return explain_bert
    if kind == "hf":
        from conformance.hf_cases import explain as explain_hf
        return explain_hf
    if kind == "fuzz":
        from conformance.fuzz.harness import explain as explain_fuzz
        return explain_fuzz
    if kind == "suite":
        from conformance.suite import explain as explain_suite
        return explain_suite
    if kind == "rng":
        from conformance.rng_cases import explain as explain_rng
        return explain_rng
    return None


def explain_case(case_id, extra_spec_files=()):
    """`python -m conformance explain CASE_ID` for any kind: op and module cases here, the others beside their
    own case code. -> exit status (2: no such case)."""
    kind = case_id.split("/", 1)[0]
    try:
        explainer = _explainer(kind)
        if explainer is None:
            explain(case_id, extra_spec_files)
            return 0
        return explainer(case_id) or 0
    except KeyError as unknown:
        print(unknown.args[0] if unknown.args else f"no case {case_id!r}")
        return 2
