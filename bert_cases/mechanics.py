"""The mechanics report: how BERT's attention mask and MLM loss work, with every figure taken from a run.

    python -m bert_cases.mechanics [--out results]

Builds the torch and mtv2 BertForMaskedLM (small config, the same weights, eager attention), runs one padded
MLM batch through both with hooks, and writes `<out>/bert_mechanics.md` plus two PNG heatmaps beside it:
the mask at each stage and in each layer, the output shape of every module from input_ids to the prediction
scores, which positions carry loss and gradient, and attention probabilities with and without padding.
"""
import argparse
import functools
import math
import os
import sys

import numpy as np

from bert_cases.model import BertConfig, bert, extended_attention_mask
from bert_cases.trace import as_tensors, build_models, make_batch, named_tensors, to_numpy

BATCH, SEQ = 2, 16
PADDED_ROW = 1          # make_batch pads the odd rows
SHOWN_LAYER, SHOWN_HEAD = 0, 0
MASK_PNG, ATTENTION_PNG = "bert_extended_mask.png", "bert_attention_padding.png"


# ---------------------------------------------------------------- one instrumented run per framework

def instrumented_run(fw, model, arrays):
    """Forward + backward of the MLM loss with hooks: module output shapes in order, what each self-attention
    layer does with the mask, the logits' gradient, and the attention probabilities."""
    record = dict(shapes=[], layers=[])
    handles = []

    def on_output(path, module, args, output):
        for name, tensor in named_tensors(path or "(model)", output):
            record["shapes"].append((name, type(module).__name__, tuple(tensor.shape)))

    def on_attention_input(path, module, args):
        hidden_states, attention_mask = args
        broadcastable = attention_mask[:, None, None, :].to(hidden_states.dtype)
        extended = extended_attention_mask(fw, attention_mask, hidden_states.dtype)    # what the layer adds
        record["layers"].append(dict(path=path, mask=to_numpy(attention_mask), extended=to_numpy(extended),
                                     broadcastable=to_numpy(broadcastable),
                                     module=module, hidden_states=hidden_states))

    self_attention = bert(fw).BertSelfAttention
    for path, module in model.named_modules():
        handles.append(module.register_forward_hook(functools.partial(on_output, path)))
        if isinstance(module, self_attention):
            handles.append(module.register_forward_pre_hook(functools.partial(on_attention_input, path)))
    model.eval()
    tensors = as_tensors(fw, arrays)
    try:
        output = model(**tensors)
    finally:
        for handle in handles:
            handle.remove()
    logits = output["logits"]
    logits.retain_grad()
    output["loss"].backward()
    for layer in record["layers"]:
        module = layer.pop("module")
        hidden_states = layer.pop("hidden_states")
        with fw.no_grad():
            query, key = module.heads(module.query(hidden_states)), module.heads(module.key(hidden_states))
            scores = fw.matmul(query, key.transpose(-1, -2)) / math.sqrt(module.attention_head_size)
            layer["masked_scores"] = to_numpy(scores + extended_attention_mask(fw, tensors["attention_mask"],
                                                                               scores.dtype))
        layer["probs"] = to_numpy(module.last_attention_probs)
    record.update(loss=float(output["loss"].item()), logits=to_numpy(logits), logits_grad=to_numpy(logits.grad))
    return record


def attention_probs_alone(fw, model, arrays, row, with_mask):
    """Layer SHOWN_LAYER's attention probabilities for one row run by itself: its real tokens only
    (with_mask=None), or the whole padded row with or without its attention mask."""
    real = int(arrays["attention_mask"][row].sum())
    if with_mask is None:
        inputs = {name: arrays[name][row:row + 1, :real] for name in ("input_ids", "token_type_ids")}
    else:
        inputs = {name: arrays[name][row:row + 1] for name in ("input_ids", "token_type_ids")}
        if with_mask:
            inputs["attention_mask"] = arrays["attention_mask"][row:row + 1]
    with fw.no_grad():
        model(**as_tensors(fw, inputs))
    return to_numpy(model.bert.encoder.layer[SHOWN_LAYER].attention.self.last_attention_probs)[0, SHOWN_HEAD]


# ---------------------------------------------------------------- figures

def heatmaps(out, extended, padded, alone, unmasked, real):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    minimum = float(np.finfo(np.float32).min)
    figure, axis = plt.subplots(figsize=(8, 2.4))
    image = axis.imshow(extended[:, 0, 0, :] / abs(minimum), cmap="Greys_r", vmin=-1, vmax=0, aspect="auto")
    axis.set(title=f"extended attention mask {tuple(extended.shape)}[:, 0, 0, :] / |finfo(float32).min|",
             xlabel="key position", ylabel="batch row", yticks=range(extended.shape[0]))
    figure.colorbar(image, ax=axis, label=f"x {abs(minimum):.4g}")
    figure.tight_layout()
    figure.savefig(os.path.join(out, MASK_PNG), dpi=100)
    plt.close(figure)

    figure, axes = plt.subplots(1, 3, figsize=(15, 4.8))
    panels = [(padded, f"padded row with its mask\n({real} real + {padded.shape[1] - real} [PAD])"),
              (alone, f"the same {real} real tokens alone\n(no padding)"),
              (unmasked, "padded row, no mask passed:\n[PAD] keys get attention")]
    for axis, (probs, title) in zip(axes, panels):
        image = axis.imshow(probs, cmap="viridis", vmin=0, vmax=max(p.max() for p, _ in panels))
        axis.set_title(title, fontsize=10)
        axis.set(xlabel="key position", ylabel="query position")
        axis.axvline(real - 0.5, color="red", linewidth=1) if probs.shape[1] > real else None
    figure.suptitle(f"attention probabilities, layer {SHOWN_LAYER} head {SHOWN_HEAD} (mtv2 model)")
    figure.colorbar(image, ax=axes, shrink=0.8)
    figure.savefig(os.path.join(out, ATTENTION_PNG), dpi=100)
    plt.close(figure)


# ---------------------------------------------------------------- the report

def _grid(array):
    return "\n".join("    " + " ".join(f"{value:>4}" for value in row) for row in array.tolist())


def _values(array):
    return "{" + ", ".join(f"{value:.9g}" for value in sorted(set(array.ravel().tolist()))) + "}"


def _row(*cells):
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def mask_section(arrays, runs):
    torch_run, mtv2_run = runs["torch"], runs["mtv2"]
    mask = arrays["attention_mask"]
    extended = mtv2_run["layers"][0]["extended"]
    broadcastable = mtv2_run["layers"][0]["broadcastable"]
    minimum = np.finfo(np.float32).min
    lines = ["## 1. The attention mask, stage by stage", "",
             f"Stage 1, the 2-D `attention_mask` {mask.shape} (1 = real token, 0 = [PAD]), as the model receives "
             "it:", "", _grid(mask), "",
             f"Stage 2, `attention_mask[:, None, None, :]` as float32: shape {broadcastable.shape}, values "
             f"{_values(broadcastable)} — one row per sequence, broadcast over heads (dim 1) and query positions "
             "(dim 2).", "",
             f"Stage 3, the extended additive mask `(1 - mask) * finfo(float32).min`: values "
             f"{_values(extended)} (a real token gets 0 * min = -0.0, which changes no score); its minimum "
             f"{extended.min():.9g} is finfo(float32).min "
             f"({minimum:.9g}): {bool(extended.min() == minimum)}. torch's and mtv2's extended masks are "
             f"identical: {bool(np.array_equal(torch_run['layers'][0]['extended'], extended))}. "
             f"Positions at 0: {int((extended == 0).sum())}; at the minimum: {int((extended == minimum).sum())} "
             f"(= the {int((mask == 0).sum())} [PAD] entries).", "",
             "Stage 4 and 5, in every layer: the scores plus the mask, then softmax. `max prob on [PAD]` is the "
             "largest attention probability any query gives a padded key (exactly 0: exp of ~-3.4e38 "
             "underflows); `row sums` is the range of the probability rows' sums.", "",
             _row("framework", "layer", "mask in", "extended shape", "extended min", "masked scores at [PAD]",
                  "masked scores at real keys", "max prob on [PAD]", "row sums"),
             _row(*["---"] * 9)]
    padded_keys = mask[:, None, None, :] == 0
    for name, run in runs.items():
        for layer in run["layers"]:
            scores = layer["masked_scores"]
            probs = layer["probs"]
            pad_keys = np.broadcast_to(padded_keys, scores.shape)
            sums = probs.sum(-1)
            lines.append(_row(name, layer["path"].split(".")[3], f"{layer['mask'].shape} {layer['mask'].dtype}",
                              layer["extended"].shape, f"{layer['extended'].min():.6g}",
                              f"[{scores[pad_keys].min():.6g}, {scores[pad_keys].max():.6g}]",
                              f"[{scores[~pad_keys].min():.4g}, {scores[~pad_keys].max():.4g}]",
                              f"{probs[pad_keys].max():.3g}", f"[{sums.min():.7f}, {sums.max():.7f}]"))
    return lines


def shape_section(runs):
    torch_shapes, mtv2_shapes = runs["torch"]["shapes"], runs["mtv2"]["shapes"]
    lines = ["## 2. Shapes along the MLM path", "",
             "Every module's output shape, in the order the outputs are produced (forward hooks; a child "
             "finishes before its parent). `input_ids` is the input.", "",
             _row("module path", "class", "torch shape", "mtv2 shape", "same"), _row(*["---"] * 5),
             _row("input_ids", "-", runs["input_shape"], runs["input_shape"], True)]
    for (path, class_name, shape), (mtv2_path, _, mtv2_shape) in zip(torch_shapes, mtv2_shapes):
        lines.append(_row(path, class_name, shape, mtv2_shape, path == mtv2_path and shape == mtv2_shape))
    if len(torch_shapes) != len(mtv2_shapes):
        lines.append(f"\ntorch produced {len(torch_shapes)} outputs, mtv2 {len(mtv2_shapes)}.")
    return lines


def loss_section(arrays, runs, vocab_size):
    labels = arrays["labels"]
    labelled = labels != -100
    lines = ["## 3. Which positions carry loss and gradient", "",
             "The labels are -100 (ignored) except where a token was replaced by [MASK]; the attention mask is a "
             "different thing: [MASK] positions are real tokens, attended to like any other (attention_mask at "
             f"the {int(labelled.sum())} labelled positions: {_values(arrays['attention_mask'][labelled])}).", "",
             "    labels:", _grid(labels), "",
             _row("framework", "labelled positions (labels != -100)", "positions with a nonzero logits gradient",
                  "ignored positions whose gradient is exactly 0", "loss", "loss by hand (NumPy)", "abs difference",
                  "max abs(gradient - (softmax - one_hot) / n) at labelled positions"),
             _row(*["---"] * 8)]
    for name, run in runs.items():
        logits, gradient = run["logits"].astype(np.float64), run["logits_grad"]
        carries = (gradient != 0).any(-1)
        exactly_zero = int((gradient[~labelled] == 0).all(-1).sum())
        shifted = logits - logits.max(-1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
        by_hand = float(-log_probs[labelled, labels[labelled]].mean())
        expected_gradient = np.exp(log_probs[labelled])
        expected_gradient[np.arange(expected_gradient.shape[0]), labels[labelled]] -= 1.0
        expected_gradient /= labelled.sum()
        lines.append(_row(name, int(labelled.sum()), int(carries.sum()), f"{exactly_zero} of {int((~labelled).sum())}",
                          f"{run['loss']:.7f}", f"{by_hand:.7f}", f"{abs(run['loss'] - by_hand):.2g}",
                          f"{float(np.abs(gradient[labelled] - expected_gradient).max()):.2g}"))
        run["carries_gradient"] = carries
    same = bool(np.array_equal(runs["torch"]["carries_gradient"], labelled)
                and np.array_equal(runs["mtv2"]["carries_gradient"], labelled))
    lines += ["", f"Positions with a nonzero logits gradient are exactly the labelled ones, in both frameworks: "
              f"{same}. At a labelled position the gradient row is (softmax(logits) - one_hot(label)) / n over all "
              f"{vocab_size} vocabulary entries, n = {int(labelled.sum())} labelled positions (the loss is their "
              "mean): the last column measures how closely."]
    return lines


def attention_section(probs, real, seq):
    padded, alone, unmasked = probs
    difference = float(np.abs(padded[:real, :real] - alone).max())
    leaked = float(unmasked[:, real:].sum(-1).max())
    return ["## 4. Attention with and without padding", "",
            f"Layer {SHOWN_LAYER}, head {SHOWN_HEAD}, batch row {PADDED_ROW} ({real} real tokens, "
            f"{seq - real} [PAD]), mtv2 model.", "",
            f"- padded, with its mask: the [PAD] key columns hold {float(padded[:, real:].max()):.3g} at most.",
            f"- the real tokens alone (no padding at all): max |difference| from the padded run's real block "
            f"{difference:.3g} — padding with a mask changes nothing at real positions.",
            f"- padded, without the mask: up to {leaked:.3g} of a query's attention goes to [PAD] keys.", "",
            f"![extended mask]({MASK_PNG})", "", f"![attention probabilities]({ATTENTION_PNG})"]


def write_report(out):
    import torch
    import mtv2
    os.makedirs(out, exist_ok=True)
    config = BertConfig.small(attn_implementation="eager")
    arrays = make_batch(config, BATCH, SEQ, padded_rows=[PADDED_ROW])
    torch_model, mtv2_model = build_models(config)
    runs = {"torch": instrumented_run(torch, torch_model, arrays),
            "mtv2": instrumented_run(mtv2, mtv2_model, arrays),
            "input_shape": arrays["input_ids"].shape}
    real = int(arrays["attention_mask"][PADDED_ROW].sum())
    probs = tuple(attention_probs_alone(mtv2, mtv2_model, arrays, PADDED_ROW, with_mask)
                  for with_mask in (True, None, False))
    heatmaps(out, runs["mtv2"]["layers"][0]["extended"], *probs, real)
    frameworks = {name: runs[name] for name in ("torch", "mtv2")}
    lines = ["# BERT mechanics: the attention mask and the MLM loss", "",
             f"Generated by `python -m bert_cases.mechanics` from runs of the torch {torch.__version__} and mtv2 "
             f"BertForMaskedLM (bert_cases/model.py): hidden {config.hidden_size}, {config.num_hidden_layers} layers, "
             f"{config.num_attention_heads} heads, vocabulary {config.vocab_size}, eager attention, eval mode, the "
             f"same weights; batch {BATCH} x {SEQ}, row {PADDED_ROW} padded. Every number below is computed.", ""]
    lines += mask_section(arrays, frameworks) + [""]
    lines += shape_section(runs) + [""]
    lines += loss_section(arrays, frameworks, config.vocab_size) + [""]
    lines += attention_section(probs, real, SEQ) + [""]
    path = os.path.join(out, "bert_mechanics.md")
    with open(path, "w") as report:
        report.write("\n".join(lines))
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bert_cases.mechanics", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="results", help="directory for bert_mechanics.md and its PNGs")
    options = parser.parse_args(sys.argv[1:] if argv is None else argv)
    path = write_report(options.out)
    print(f"wrote {path}, {os.path.join(options.out, MASK_PNG)}, {os.path.join(options.out, ATTENTION_PNG)}")
    return path


if __name__ == "__main__":
    main()
