"""`python -m conformance explain opinfo/...` and `moduleinfo/...`: regenerate torch's sample of that case (same
seed as the run), show it (strides, offsets, storages), both frameworks' outputs and the worst elements, rerun the
case's rows, and print a standalone reproduction that rebuilds the sample with fw.as_strided and calls the op (or
builds the module and loads its state) on `fw`: torch or mtv2."""
import textwrap

import numpy as np

from conformance import frameworks
from conformance.explain import show_output
from conformance.frameworks import to_numpy
from conformance.inputs import NUMPY_DTYPES
from conformance.opinfo import module_cases, op_cases, sources
from conformance.opinfo.portable import Marker, TensorRef, Untranslatable, materialize, plain, snapshot
from conformance.outcome import compare_values, timed

HEADER = ["import numpy as np", "import torch as fw    # the same lines run mtv2 after: import mtv2 as fw",
          "torch = fw"]


# ---- source text of a portable sample ------------------------------------------------------
def value_source(value, prefix=""):
    """Python source of a portable value; tensors are named <prefix>t<index>."""
    if isinstance(value, TensorRef):
        return f"{prefix}t{value.index}"
    if isinstance(value, Marker):
        if value.kind == "size":
            return f"fw.Size({list(value.value)!r})"
        if value.kind == "device":
            return f"fw.device({value.value!r})"
        return f"fw.{value.value}"
    if isinstance(value, list):
        return "[" + ", ".join(value_source(v, prefix) for v in value) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(value_source(v, prefix) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {value_source(v, prefix)}" for k, v in value.items()) + "}"
    return repr(value)


def tensor_lines(portable, grad=False, prefix=""):
    """Lines building every storage (<prefix>s<n>) and every tensor (<prefix>t<i>) of the sample (grad: the ones
    torch had requiring grad are leaves requiring grad, as in the backward rows)."""
    lines = []
    for position, (array, dtype) in enumerate(portable.storages):
        numpy_dtype = np.dtype(NUMPY_DTYPES[dtype]).name
        lines.append(f"{prefix}s{position} = fw.tensor(np.array({array.tolist()!r}, dtype=np.{numpy_dtype}), "
                     f"dtype=fw.{dtype})")
    for ref in portable.tensors:
        suffix = ".detach().requires_grad_()" if grad and ref.requires_grad else ""
        lines.append(f"{prefix}t{ref.index} = fw.as_strided({prefix}s{ref.storage}, {ref.shape!r}, {ref.stride!r}, "
                     f"{ref.offset}){suffix}")
    return lines


def call_arguments(args, kwargs, prefix=""):
    return ", ".join([value_source(a, prefix) for a in args] +
                     [f"{k}={value_source(v, prefix)}" for k, v in kwargs.items()])


def sample_arguments(portable):
    """The call's arguments of an OpInfo sample: (input, *args, **kwargs)."""
    value, args, kwargs = portable.value
    return call_arguments((value,) + tuple(args), kwargs)


def _function_text(fn):
    """Source of an OpInfo lambda (the `lambda ...` expression out of its OpInfo(...) line)."""
    from conformance.explain import function_source
    try:
        return function_source(fn)
    except (OSError, TypeError, ValueError) as exception:
        return f"# source not available ({exception}); OpInfo code: {fn!r}"


def variant_call(variant, arguments):
    if variant.rebound:
        return [_function_text(variant.torch_fn), f"out = fn({arguments})"]
    if variant.name.startswith("Tensor."):
        return [f"out = fw.Tensor.{variant.name[len('Tensor.'):]}({arguments})"]
    return [f"out = fw.{variant.name}({arguments})"]


# ---- showing values ------------------------------------------------------------------------
def show_portable(torch, portable):
    for line in _portable_description(torch, portable):
        print(line)


def _portable_description(torch, portable):
    _, built = materialize(torch, portable, grad=False)
    lines = []
    for ref in portable.tensors:
        grad = ", requires grad" if ref.requires_grad else ""
        lines.append(f"  t{ref.index}: shape {list(ref.shape)} dtype {ref.dtype} stride {ref.stride} storage_offset "
                     f"{ref.offset} storage s{ref.storage} ({len(portable.storages[ref.storage][0])} elements{grad})")
        lines.append(textwrap.indent(np.array2string(to_numpy(torch, built[ref.index]), precision=6, threshold=200),
                                     "      "))
    arguments = sample_arguments(portable) if len(portable.value) == 3 else call_arguments(*portable.value)
    lines.append(f"  arguments: ({arguments})")
    return lines


def compare_runs(theirs, mine, torch, mtv2, spec):
    print("outputs:")
    show_output("torch", torch, theirs)
    show_output("mtv2", mtv2, mine)
    if theirs.exception or mine.exception:
        return
    comparison, _ = compare_values(spec, "forward", mtv2, plain(mtv2, mine.value), torch, plain(torch, theirs.value))
    print("worst elements (index, mtv2, torch, err_ratio):")
    for index, m, t, ratio in comparison.worst or []:
        print(f"  {index}: {float(m)!r} {float(t)!r} {ratio:.3g}")
    if not comparison.worst:
        print("  none: every element is identical" if comparison.ok else f"  {comparison.detail}")


def print_rows(rows):
    print("rows:")
    for row in rows:
        ratio = "" if row["err_ratio"] is None else f" err_ratio {row['err_ratio']:.3g}"
        print(f"  {row['check']:9s} {row['status']:5s}{ratio} tol {row['tol_source'] or '-'}: {row['detail']}")


def print_reproduction(lines):
    print("\nreproduction:\n" + textwrap.indent("\n".join(lines), "    "))


# ---- OpInfo --------------------------------------------------------------------------------
def explain_opinfo(case_id):
    torch, mtv2 = frameworks.reference(), frameworks.candidate()
    full_name, label, index, dtype = op_cases.parse_case_id(case_id)
    op, variants = sources.op_by_name(full_name)
    variant = next((v for v in variants if v.label == label), None)
    if variant is None:
        raise KeyError(f"OpInfo {full_name} has no {label} variant (it has {[v.label for v in variants]})")
    print(f"case {case_id}: OpInfo {full_name!r}, {label} variant {variant.name} "
          f"({'mtv2: ' + variant.missing if variant.mtv2_fn is None else 'in mtv2'}), dtype {dtype}")
    if index == "all" or variant.mtv2_fn is None:
        rows = [r for r in op_cases.run_group(full_name, op_cases.group_of(case_id).rsplit("/", 1)[1])
                if r["case_id"] == case_id]
        print_rows(rows)
        return 0
    if index.startswith("error"):
        return _explain_op_error(op, variant, int(index[len("error"):]), case_id, torch, mtv2)
    requires_grad = dtype in sources.backward_dtypes(op, torch)
    samples, capped = op_cases.samples_for(op, dtype, torch, requires_grad)
    sample = samples[int(index)]
    print(f"torch's sample {index} of {len(samples)}{' (capped)' if capped else ''} for {dtype}, generated under "
          f"seed crc32({op_cases.KIND}/{full_name}/{dtype}); sample name {sample.name!r}")
    try:
        portable = snapshot(torch, (sample.input, sample.args, sample.kwargs))
    except Untranslatable as reason:
        print(f"the sample holds {reason}: its rows are skips")
        return 0
    print("inputs:")
    show_portable(torch, portable)

    random = op_cases.is_random(variants, samples, torch)
    seed = op_cases.sample_seed(op, int(index)) if random == op_cases.SEEDED else None

    def run(fw):
        (value, args, kwargs), _ = materialize(fw, portable, grad=False)
        if seed is not None:
            fw.manual_seed(seed)
        return variant.fn(fw, torch)(value, *args, **kwargs)
    compare_runs(timed(lambda: run(torch)), timed(lambda: run(mtv2)), torch, mtv2,
                 type("Spec", (), {"tolerances": ()})())
    print_rows(op_cases.run_sample_rows(op, variants, int(index), sample, dtype, torch, mtv2, only=case_id,
                                        random=random))
    print_reproduction(HEADER + tensor_lines(portable, grad=False)
                       + ([f"fw.manual_seed({seed})"] if seed is not None else [])
                       + variant_call(variant, sample_arguments(portable)) + ["print(out)"])
    return 0


def _explain_op_error(op, variant, index, case_id, torch, mtv2):
    error_input = op_cases.error_inputs_of(op, torch)[index]
    sample = error_input.sample_input
    print(f"torch's error input {index}: OpInfo expects {error_input.error_type.__name__} matching "
          f"{error_input.error_regex!r}")
    portable = snapshot(torch, (sample.input, sample.args, sample.kwargs))
    print("inputs:")
    show_portable(torch, portable)
    print_rows([op_cases.run_error(op, variant, index, error_input, torch, mtv2)])
    print_reproduction(HEADER + tensor_lines(portable, grad=False)
                       + variant_call(variant, sample_arguments(portable)) + ["print(out)   # should raise"])
    return 0


# ---- ModuleInfo ----------------------------------------------------------------------------
def module_lines(module_sample):
    """Build the module from its constructor input (tensors ct<i>), load the state torch's module had, call it."""
    constructor, forward = module_sample.constructor, module_sample.forward
    lines = tensor_lines(constructor, prefix="c") + tensor_lines(forward)
    arguments = call_arguments(*constructor.value, prefix="c")
    lines.append(f"module = fw.nn.{module_sample.info.module_cls.__name__}({arguments}).to(fw.{module_sample.dtype})")
    lines.append(f"module.train({module_sample.mode == 'train'})")
    state = ", ".join(f"{key!r}: fw.tensor(np.array({array.tolist()!r}), dtype=fw.{dtype})"
                      for key, (array, dtype) in module_sample.state.items())
    lines += [f"module.load_state_dict({{{state}}})", f"out = module({call_arguments(*forward.value)})",
              "print(out)"]
    return lines


def explain_moduleinfo(case_id):
    torch, mtv2 = frameworks.reference(), frameworks.candidate()
    name, mode, index, dtype = module_cases.parse_case_id(case_id)
    info = sources.module_by_name(name)
    print(f"case {case_id}: ModuleInfo {name}, {mode} mode, dtype {dtype}")
    if index == "all":
        print_rows([r for r in module_cases.run_group(name, "other") if r["case_id"] == case_id])
        return 0
    if index.startswith("error"):
        error_input = module_cases.error_inputs_of(info, torch)[int(index[len("error"):])]
        print(f"torch's module error input: {error_input.error_on.name}, expects {error_input.error_type.__name__} "
              f"matching {error_input.error_regex!r}")
        print_rows([module_cases.run_error(info, int(index[len("error"):]), error_input, torch, mtv2)])
        return 0
    samples, capped = module_cases.samples_for(info, dtype, mode, torch)
    sample = samples[int(index)]
    print(f"torch's sample {index} of {len(samples)}{' (capped)' if capped else ''}: {sample.desc!r}")
    module_sample = module_cases.ModuleSample(info, sample, dtype, mode, case_id, torch, mtv2)
    print("constructor inputs:")
    show_portable(torch, module_sample.constructor)
    print("forward inputs:")
    show_portable(torch, module_sample.forward)
    subject = module_sample.subject(type("Spec", (), {"tolerances": ()})())
    compare_runs(timed(lambda: subject.run(torch)[0]), timed(lambda: subject.run(mtv2)[0]), torch, mtv2,
                 type("Spec", (), {"tolerances": ()})())
    print_rows(module_cases.run_sample_rows(info, mode, int(index), sample, dtype, torch, mtv2, only=case_id))
    print_reproduction(HEADER + module_lines(module_sample))
    return 0


def explain(case_id):
    return explain_opinfo(case_id) if case_id.startswith("opinfo/") else explain_moduleinfo(case_id)
