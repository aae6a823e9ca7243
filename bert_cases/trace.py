"""First-divergence tracer: the torch and mtv2 BertForMaskedLM side by side, module by module.

    python -m bert_cases.trace [--hidden 64 --intermediate 128 --layers 2 --heads 4 --batch 2 --seq 16
                                --eval|--train --attn eager|sdpa --perturb OP --seed 0]

Both models are built from the same seed, each by its own framework (construction and transformers'
initialisation; mtv2's generator is torch's, so nothing is copied), and get the same batch. In training mode
(--train) dropout is on in both, its masks drawn by each framework's generator seeded alike: the same masks. A forward hook on every module records its output, and a tensor hook on that output records the
gradient of the MLM loss flowing back into it. Each module path gets a row: forward max abs error and
err_ratio = max |mtv2 - torch| / (atol + rtol * |torch|), the same for the gradient. Every parameter's gradient
gets a row too, and the report names the first diverging one. The run ends with
`first divergence: <module path> (forward|backward)`, `first divergence: <parameter name> (parameter gradient)`,
or `first divergence: none`.

Order: forward rows in the order outputs are produced (a child finishes before its parent, so the innermost
module that goes wrong is met first); backward in the order torch's engine delivers the gradients. A backward
divergence at module M means the gradient arriving at M's output is wrong: the fault is in the backward of
whatever consumes that output (the module after M in the forward order). Parameter gradients are ordered as
torch's engine delivers them (tensor hooks on torch's parameters) and interleaved with the module gradients in
that order: a parameter gradient is computed from the gradient at its module's output, so a wrong output
gradient is met before the parameter gradients it spoils, and a parameter gradient that is wrong on its own
(a fault in a weight-gradient rule, with every output gradient right) is named by its parameter.

`--perturb OP` multiplies the result of one mtv2 op's NumPy kernel (`mtv2.ops._registry.OPS[OP].kernel`) by
(1 + 1e-3) for this run only, to show the tracer names the first module that uses the op.
"""
import argparse
import contextlib
import functools
import sys

import numpy as np

from bert_cases.model import BertConfig, bert
from conformance.compare import DEFAULT_TOLERANCE, compare_arrays

ATOL, RTOL = DEFAULT_TOLERANCE["float32"]
# A row diverges when its err_ratio exceeds 1, the float32 default, at every depth: no per-depth allowance is
# needed. Worst clean err_ratio measured (forward / backward): 0.11 / 0.05 at the small config (hidden 64,
# 2 layers); 0.18 / 0.11 at hidden 128, 12 layers; 0.43 / 0.14 at BERT-base shape (hidden 768, 12 heads,
# 12 layers, seq 32, train). A (1 + 1e-3) perturbation of one op gives err_ratio 20 .. 300.
DIVERGENCE_RATIO = 1.0
PERTURB_FACTOR = 1.0 + 1e-3
MASK_TOKEN_FRACTION = 0.25


# ---------------------------------------------------------------- the models and the batch

def build_models(config, seed=0):
    """(torch model, mtv2 model), each built from `seed` by its own framework: the same weights, nothing copied."""
    import torch
    import mtv2
    models = []
    for fw in (torch, mtv2):
        fw.manual_seed(seed)
        models.append(bert(fw).init_weights(bert(fw).BertForMaskedLM(config), config))
    return tuple(models)


def make_batch(config, batch, seq, seed=0, padded_rows=None):
    """A seeded MLM batch as NumPy arrays: random ids, the odd rows (or `padded_rows`) padded at their end, the
    second half of each row token type 1, and a quarter of the real positions (at least one per row) replaced by
    a [MASK] id (the last id of the vocabulary) whose original ids are the labels; -100 everywhere else."""
    rng = np.random.default_rng(seed)
    input_ids = rng.integers(1, config.vocab_size - 1, size=(batch, seq))
    attention_mask = np.ones((batch, seq), dtype=np.int64)
    for row in range(1, batch, 2) if padded_rows is None else padded_rows:
        attention_mask[row, max(1, seq - seq // 4 - row % 3):] = 0
    input_ids[attention_mask == 0] = config.pad_token_id
    token_type_ids = np.zeros((batch, seq), dtype=np.int64)
    token_type_ids[:, seq // 2:] = 1
    token_type_ids[attention_mask == 0] = 0
    labels = np.full((batch, seq), -100, dtype=np.int64)
    for row in range(batch):
        real = np.flatnonzero(attention_mask[row])
        chosen = rng.choice(real, size=max(1, int(len(real) * MASK_TOKEN_FRACTION)), replace=False)
        labels[row, chosen] = input_ids[row, chosen]
        input_ids[row, chosen] = config.vocab_size - 1
    return dict(input_ids=input_ids.astype(np.int64), attention_mask=attention_mask,
                token_type_ids=token_type_ids, labels=labels)


def as_tensors(fw, arrays):
    return {name: fw.tensor(array) for name, array in arrays.items()}


def to_numpy(tensor):
    return np.array(tensor.detach().numpy(), copy=True)


# ---------------------------------------------------------------- recording

def named_tensors(label, value):
    """The tensors inside a module's output, each with a name: the path, plus [key] for dicts and tuples."""
    if hasattr(value, "requires_grad") and hasattr(value, "shape"):
        return [(label, value)]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (tuple, list)):
        items = enumerate(value)
    else:
        return []
    return [found for key, item in items for found in named_tensors(f"{label}[{key}]", item)]


class Recorder:
    """Forward hooks on every module of `model`: outputs by name in production order, and (via tensor hooks on
    those outputs) the gradients arriving at them, in the order the engine delivers them. With parameters=True
    (torch's side only: mtv2's engine is what is under test), hooks on the parameters record when each
    parameter's gradient is delivered; backward_events interleaves both: ("output" | "parameter", name)."""

    def __init__(self, model, parameters=False):
        self.outputs, self.gradients = {}, {}
        self.forward_order, self.backward_order, self.backward_events = [], [], []
        self.handles = [module.register_forward_hook(functools.partial(self._record_output, path or "(model)"))
                        for path, module in model.named_modules()]
        if parameters:
            self.handles += [parameter.register_hook(functools.partial(self._record_parameter, name))
                             for name, parameter in model.named_parameters()]

    def _record_output(self, path, module, args, output):
        for name, tensor in named_tensors(path, output):
            if name in self.outputs:     # a module called more than once: one row per call
                name = f"{name}#{sum(n.split('#')[0] == name for n in self.outputs) + 1}"
            self.outputs[name] = to_numpy(tensor)
            self.forward_order.append(name)
            if tensor.requires_grad:
                tensor.register_hook(functools.partial(self._record_gradient, name))

    def _record_gradient(self, name, gradient):
        self.gradients[name] = to_numpy(gradient)
        self.backward_order.append(name)
        self.backward_events.append(("output", name))

    def _record_parameter(self, name, gradient):
        self.backward_events.append(("parameter", name))

    def remove(self):
        for handle in self.handles:
            handle.remove()


@contextlib.contextmanager
def perturbed(op_name):
    """Multiply one mtv2 op kernel's (first) result by PERTURB_FACTOR until the block ends."""
    if op_name is None:
        yield
        return
    from mtv2.ops._registry import OPS
    if op_name not in OPS:
        raise SystemExit(f"--perturb: no mtv2 op named {op_name!r}; known: {', '.join(sorted(OPS))}")
    entry = OPS[op_name]
    original = entry.kernel

    def scaled(array):
        array = np.asarray(array)
        return array * np.asarray(PERTURB_FACTOR, dtype=array.dtype)    # keeps the kernel's dtype

    @functools.wraps(original)
    def kernel(*args, **kwargs):
        result = original(*args, **kwargs)
        return (scaled(result[0]),) + result[1:] if isinstance(result, tuple) else scaled(result)

    entry.kernel = kernel
    try:
        yield
    finally:
        entry.kernel = original


def run_model(fw, model, arrays, train, seed, parameters=False):
    """Forward and backward with the recorder on; the generator seeded first, so training mode's dropout masks
    are the same draws in both frameworks."""
    recorder = Recorder(model, parameters)
    model.train(train)
    fw.manual_seed(seed + 1)
    try:
        output = model(**as_tensors(fw, arrays))
        output["loss"].backward()
    finally:
        recorder.remove()
    return recorder, output


# ---------------------------------------------------------------- comparing

def compare(mtv2_array, torch_array, atol=ATOL):
    """(max abs error, err_ratio) at float32's default tolerances; a shape mismatch counts as infinite."""
    if mtv2_array is None or torch_array is None or mtv2_array.shape != torch_array.shape:
        return float("inf"), float("inf")
    result = compare_arrays(mtv2_array, torch_array, mtv2_array.dtype.name, torch_array.dtype.name, atol, RTOL)
    if result.err_ratio is None:     # NaN/inf mismatch or a dtype mismatch
        return float("inf"), float("inf")
    return result.max_abs_err, result.err_ratio


def gradient_atol(torch_gradient):
    """atol for a gradient: ATOL times the largest |torch gradient| of that tensor. The gradients of a mean loss
    are 1e-3 .. 1e-8, where a plain atol of 1e-5 would pass any error at all; float32 rounding in a gradient
    scales with its magnitude, so atol does too (rtol is unchanged)."""
    scale = float(np.abs(torch_gradient).max()) if torch_gradient.size else 0.0
    return ATOL * scale if scale > 0 else ATOL


def trace(config, batch=2, seq=16, train=False, perturb=None, seed=0):
    """Run both models; return the rows and the first divergence (path, direction) or None."""
    import torch
    import mtv2
    torch_model, mtv2_model = build_models(config, seed)
    arrays = make_batch(config, batch, seq, seed)
    torch_record, torch_output = run_model(torch, torch_model, arrays, train, seed, parameters=True)
    with perturbed(perturb):
        mtv2_record, mtv2_output = run_model(mtv2, mtv2_model, arrays, train, seed)

    rows = {}
    for name in torch_record.forward_order:
        forward = compare(mtv2_record.outputs.get(name), torch_record.outputs[name])
        torch_gradient = torch_record.gradients.get(name)
        backward = (compare(mtv2_record.gradients.get(name), torch_gradient, gradient_atol(torch_gradient))
                    if torch_gradient is not None else None)
        rows[name] = dict(shape=torch_record.outputs[name].shape, forward=forward, backward=backward)
    delivered = [name for kind, name in torch_record.backward_events if kind == "parameter"]
    parameter_order = delivered + [name for name, _ in torch_model.named_parameters() if name not in delivered]
    parameters = _compare_parameter_gradients(torch_model, mtv2_model)
    parameters = {name: parameters[name] for name in parameter_order}
    first = next(((name, "forward") for name in torch_record.forward_order
                  if rows[name]["forward"][1] > DIVERGENCE_RATIO), None)
    if first is None:
        errors = {"output": lambda name: rows[name]["backward"][1], "parameter": lambda name: parameters[name][1]}
        direction = {"output": "backward", "parameter": "parameter gradient"}
        first = next(((name, direction[kind]) for kind, name in torch_record.backward_events
                      if errors[kind](name) > DIVERGENCE_RATIO), None)
    if first is None:   # a parameter whose gradient torch never delivered through a hook
        first = next(((name, "parameter gradient") for name in parameter_order
                      if parameters[name][1] > DIVERGENCE_RATIO), None)
    first_parameter = next((name for name in parameter_order if parameters[name][1] > DIVERGENCE_RATIO), None)
    return dict(rows=rows, first=first, parameters=parameters, first_parameter=first_parameter,
                extra_mtv2=[n for n in mtv2_record.forward_order if n not in rows])


def _compare_parameter_gradients(torch_model, mtv2_model):
    """Every parameter's gradient, against one atol for all: ATOL x the largest |torch parameter gradient|.
    (Per tensor would not do: some gradients are analytically zero, e.g. the key bias, since softmax ignores a
    shift of a whole score row, and hold only rounding noise of order 1e-12.)"""
    mtv2_parameters = dict(mtv2_model.named_parameters())
    expected = {name: to_numpy(parameter.grad) for name, parameter in torch_model.named_parameters()}
    atol = ATOL * max(float(np.abs(gradient).max()) if gradient.size else 0.0 for gradient in expected.values())
    results = {}
    for name, gradient in expected.items():
        mine = mtv2_parameters[name].grad
        results[name] = compare(None if mine is None else to_numpy(mine), gradient, atol or ATOL)
    return results


# ---------------------------------------------------------------- printing

def _ratio(value):
    return f"{value:9.3g}" if np.isfinite(value) else "      inf"


def format_report(result, config, options):
    rows = result["rows"]
    width = max(len(name) for name in rows) + 2
    lines = [f"BertForMaskedLM trace: hidden {config.hidden_size}, layers {config.num_hidden_layers}, heads "
             f"{config.num_attention_heads}, batch {options.batch}, seq {options.seq}, "
             f"{'train' if options.train else 'eval'}, attn {config.attn_implementation}"
             + (f", perturbed op: {options.perturb} (x {PERTURB_FACTOR})" if options.perturb else ""),
             *([f"dropout: hidden p={config.hidden_dropout_prob}, attention p={config.attention_probs_dropout_prob}; "
                "masks drawn by each framework's generator, seeded alike (the same draws)"]
               if options.train else []),
             f"tolerance: float32 atol {ATOL:g} rtol {RTOL:g}; a row diverges when err_ratio > "
             f"{DIVERGENCE_RATIO:g} (no per-depth allowance); gradients: atol x max|torch gradient| of the tensor "
             "(parameters: x the largest |torch parameter gradient|)",
             "",
             f"{'module path':<{width}}{'shape':<16}{'fwd max|err|':>13}{'fwd ratio':>10}"
             f"{'bwd max|err|':>14}{'bwd ratio':>10}"]
    for name, row in rows.items():
        forward_error, forward_ratio = row["forward"]
        backward = row["backward"]
        backward_text = (f"{backward[0]:14.3g}{_ratio(backward[1]):>10}" if backward is not None
                         else f"{'-':>14}{'-':>10}")
        flag = ""
        if forward_ratio > DIVERGENCE_RATIO or (backward is not None and backward[1] > DIVERGENCE_RATIO):
            flag = "  <-"
        lines.append(f"{name:<{width}}{str(tuple(row['shape'])):<16}{forward_error:13.3g}{_ratio(forward_ratio):>10}"
                     f"{backward_text}{flag}")
    lines += ["", "parameter gradients, in the order torch's engine delivers them:",
              f"{'parameter':<{width}}{'grad max|err|':>29}{'grad ratio':>10}"]
    for name, (error, ratio) in result["parameters"].items():
        flag = "  <-" if ratio > DIVERGENCE_RATIO else ""
        lines.append(f"{name:<{width}}{error:29.3g}{_ratio(ratio):>10}{flag}")
    lines.append("")
    forward_worst = max(rows.items(), key=lambda item: item[1]["forward"][1])
    with_gradient = [(name, row["backward"]) for name, row in rows.items() if row["backward"] is not None]
    backward_worst = max(with_gradient, key=lambda item: item[1][1])
    parameter_worst = max(result["parameters"].items(), key=lambda item: item[1][1])
    lines.append(f"worst forward err_ratio: {forward_worst[1]['forward'][1]:.3g} at {forward_worst[0]}")
    lines.append(f"worst backward err_ratio: {backward_worst[1][1]:.3g} at {backward_worst[0]}")
    lines.append(f"worst parameter-gradient err_ratio: {parameter_worst[1][1]:.3g} at {parameter_worst[0]}")
    lines.append(f"first diverging parameter gradient: {result['first_parameter'] or 'none'}")
    if result["extra_mtv2"]:
        lines.append(f"outputs only mtv2 produced: {', '.join(result['extra_mtv2'])}")
    first = result["first"]
    lines.append(f"first divergence: {first[0]} ({first[1]})" if first else "first divergence: none")
    return "\n".join(lines)


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bert_cases.trace", description=__doc__.split("\n\n")[0])
    parser.add_argument("--hidden", type=int, default=64, help="hidden size (default 64, the small config)")
    parser.add_argument("--intermediate", type=int,
                        help="feed-forward size (default 2 x hidden as in the small config; BERT-base has 4 x)")
    parser.add_argument("--layers", type=int, default=2, help="number of encoder layers (default 2)")
    parser.add_argument("--heads", type=int, default=4, help="attention heads (default 4)")
    parser.add_argument("--batch", type=int, default=2, help="batch size; odd rows are padded (default 2)")
    parser.add_argument("--seq", type=int, default=16, help="sequence length (default 16)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--train", dest="train", action="store_true",
                      help="training mode: dropout on, with the same masks in both frameworks")
    mode.add_argument("--eval", dest="train", action="store_false", help="evaluation mode (the default)")
    parser.add_argument("--attn", choices=("eager", "sdpa"), default="eager")
    parser.add_argument("--perturb", metavar="OP", help="an mtv2 op name (mtv2.ops._registry.OPS) to perturb")
    parser.add_argument("--seed", type=int, default=0, help="seed of the weights, the batch and dropout masks")
    return parser.parse_args(argv)


def config_from(options):
    return BertConfig.small(hidden_size=options.hidden, num_hidden_layers=options.layers,
                            num_attention_heads=options.heads,
                            intermediate_size=options.intermediate or 2 * options.hidden,
                            max_position_embeddings=max(64, options.seq), attn_implementation=options.attn,
                            attention_probs_dropout_prob=0.1)


def main(argv=None):
    options = parse_arguments(sys.argv[1:] if argv is None else argv)
    config = config_from(options)
    result = trace(config, options.batch, options.seq, options.train, options.perturb, options.seed)
    print(format_report(result, config, options))
    return result


if __name__ == "__main__":
    main()
