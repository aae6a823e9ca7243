"""`python -m conformance explain CASE_ID`: rerun one case in-process and show everything needed
to debug it: inputs, both outputs, the worst elements, every check's row, the gradcheck verdict,
and a reproduction to paste into a Python prompt for either framework."""
import inspect
import re
import textwrap

import numpy as np

from conformance import frameworks
from conformance import gradcheck as finite_differences
from conformance.cases import case_by_id
from conformance.checks import CaseContext
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


def reproduction(case, drawn):
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


def _show_output(label, fw, ran):
    if ran.exception:
        print(f"  {label}: raises {exception_text(ran.exception, 400)}")
        return
    for path, value in flatten_output(fw, ran.value):
        if is_tensor(fw, value):
            print(f"  {label} {path}: shape {tuple(value.shape)} dtype {dtype_name(fw, value.dtype)} "
                  f"stride {value.stride()}")
            print(textwrap.indent(np.array2string(to_numpy(fw, value), precision=6), "      "))
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
    _show_output("torch", reference, runs["torch"])
    _show_output("mtv2", candidate, runs["mtv2"])
    if not runs["torch"].exception and not runs["mtv2"].exception:
        comparison, _ = compare_values(case.spec, "forward", candidate, runs["mtv2"].value,
                                       reference, runs["torch"].value)
        print("worst elements (index, mtv2, torch, err_ratio):")
        for index, mine, theirs, ratio in comparison.worst or []:
            print(f"  {index}: {mine!r} {theirs!r} {ratio:.3g}")
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
