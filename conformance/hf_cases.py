"""transformers' own models on mtv2 through the torch shim (rows of kind=hf), against the same code on real torch.

One case = one transformers class (BertModel, BertForMaskedLM, BertForSequenceClassification) x attention
implementation (eager, sdpa) x mode (train with dropout 0, eval). `run_model(torch, transformers, ...)` is
framework-agnostic: the pytest process runs it on real torch, and a subprocess runs it on mtv2 with
`import torch` answered by mtv2.compat's shim (the shim never enters a process that holds the real torch). Both
load the same weights (a safetensors file written by `safetensors.torch.save_file` on the torch side, read by
`mtv2.nn.utils.load_safetensors` on the mtv2 side) and the same numpy inputs, and return numpy arrays:

- forward: last_hidden_state, pooler_output, every hidden state, logits, loss; token_type_ids given (padded
  attention mask, MLM labels with -100) and omitted (the buffered zeros path).
- backward: every parameter gradient of the loss (BertModel: of a fixed random projection of its two outputs).
- trajectory: the loss before, and every parameter after, each of 3 torch.optim.AdamW steps.

Save/load cases (`hf/<Class>/save_load/float32`): save_pretrained then from_pretrained across the frameworks (mtv2
saves and torch loads, torch saves and mtv2 loads, mtv2 saves and loads). Each loaded model must hold the source
state dict bit for bit (every key, tied ones included) and compute what torch's from_pretrained of torch's own
files computes (forward outputs and every parameter gradient): a state dict leaves out the non-persistent buffers
(BERT's position_ids and token_type_ids) that from_pretrained rebuilds after building the model on the meta
device, so only the computation sees them.

More models (MODELS: RobertaForMaskedLM, GPT2LMHeadModel, LlamaForCausalLM, T5ForConditionalGeneration,
ViTForImageClassification), one sdpa train case each (dropout 0) from a tiny config built in code: every tensor of
the output (loss, logits, every hidden state), every parameter gradient of the loss, 3 AdamW steps, and for the
decoders a greedy cached `generate()` of GENERATE_TOKENS new tokens (token ids equal, each step's logits at the
float32 default). Their weights: transformers' seeded initialisation, then biases and norm weights drawn. A model
mtv2 cannot run yet declares what it lacks (`blocked_by`): its rows are xfail while the failure names that, xpass
once it runs.

The mtv2 side: `python -m conformance.hf_cases WORKDIR CASE_ID...` writes WORKDIR/<slug>.npz per case.
"""
import json
import os
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass

import numpy as np

from conformance.run import mark_expected_failure

CLASSES = ("BertModel", "BertForMaskedLM", "BertForSequenceClassification")
ATTENTIONS = ("eager", "sdpa")
MODES = ("train", "eval")
CHECKS = ("forward", "backward", "trajectory")
DTYPE = "float32"
CONFIG = dict(vocab_size=99, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=37,
              max_position_embeddings=64, type_vocab_size=2, hidden_dropout_prob=0.0,
              attention_probs_dropout_prob=0.0, num_labels=3, pad_token_id=0)
BATCH, SEQ_LEN = 3, 12
LENGTHS = (12, 9, 5)            # rows 2 and 3 are padded
ADAM_STEPS, LEARNING_RATE, WEIGHT_DECAY = 3, 1e-3, 0.01
SAVE_LOAD = "save_load"          # the variant of the save_pretrained / from_pretrained cases
SAVE_LOAD_CHECKS = ("mtv2_save_torch_load", "torch_save_mtv2_load", "mtv2_save_mtv2_load")


# ---- more models: a tiny config each, its inputs, and what mtv2 still lacks to run it ----------------------
GENERATE_TOKENS, PROMPT_LENGTH, PROMPT_PADDING = 5, 6, 2
HEAD = dict(vocab_size=99, num_attention_heads=4, intermediate_size=37, max_position_embeddings=64)
NO_DROPOUT = dict(hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)


def _padding_mask(lengths, length=SEQ_LEN):
    return (np.arange(length)[None, :] < np.array(lengths)[:, None]).astype(np.int64)


def _token_batch(rng, pad_id, masked_lm=False):
    """Right-padded ids (real tokens never pad_id), their mask, and labels: -100 on padding, and for a masked LM
    on the unchosen tokens too (a causal LM's labels are its ids: the model shifts them)."""
    mask = _padding_mask(LENGTHS)
    ids = np.where(mask == 1, rng.integers(3, HEAD["vocab_size"] - 1, (BATCH, SEQ_LEN)), pad_id).astype(np.int64)
    chosen = mask == 1
    if masked_lm:
        chosen = ((rng.random((BATCH, SEQ_LEN)) < 0.3) | (np.arange(SEQ_LEN) == 1)) & chosen
    return dict(input_ids=ids, attention_mask=mask, labels=np.where(chosen, ids, -100).astype(np.int64))


def _with_prompt(batch, rng, pad_id):
    """A decoder's inputs plus the prompt of its greedy generate() and its mask: two rows, the second left-padded
    by PROMPT_PADDING (as a batch is padded for generation: the new tokens follow every row's last real one)."""
    mask = (np.arange(PROMPT_LENGTH)[None, :] >= np.array([0, PROMPT_PADDING])[:, None]).astype(np.int64)
    tokens = rng.integers(3, HEAD["vocab_size"] - 1, (2, PROMPT_LENGTH))
    batch["prompt"], batch["prompt_mask"] = np.where(mask == 1, tokens, pad_id).astype(np.int64), mask
    return batch


def _seq2seq_batch(rng):
    """T5: padded encoder ids, decoder labels with -100 past each row's length (shift_right makes them pad)."""
    batch = _token_batch(rng, pad_id=0)
    del batch["labels"]
    target = rng.integers(3, HEAD["vocab_size"] - 1, (BATCH, 7))
    batch["labels"] = np.where(_padding_mask((7, 5, 3), 7) == 1, target, -100).astype(np.int64)
    return _with_prompt(batch, rng, pad_id=0)


def _image_batch(rng):
    return dict(pixel_values=rng.standard_normal((BATCH, 3, 16, 16)).astype(np.float32),
                labels=rng.integers(0, 3, BATCH).astype(np.int64))


@dataclass(frozen=True)
class HfModel:
    config_class: str
    config: dict
    inputs: object                  # numpy Generator -> {forward keyword: array}, + prompt, prompt_mask (decoders)
    generates: bool = False
    blocked_by: tuple = ()          # (what mtv2 lacks, the text its failure shows): rows xfail until it runs


MODELS = {
    "RobertaForMaskedLM": HfModel(
        "RobertaConfig", dict(HEAD, hidden_size=32, num_hidden_layers=2, pad_token_id=1, **NO_DROPOUT),
        lambda rng: _token_batch(rng, pad_id=1, masked_lm=True)),
    "GPT2LMHeadModel": HfModel(
        "GPT2Config", dict(vocab_size=99, n_positions=64, n_embd=32, n_layer=2, n_head=4, resid_pdrop=0.0,
                           embd_pdrop=0.0, attn_pdrop=0.0, bos_token_id=98, eos_token_id=98, pad_token_id=98),
        lambda rng: _with_prompt(_token_batch(rng, pad_id=98), rng, pad_id=98), generates=True),
    "LlamaForCausalLM": HfModel(     # grouped-query attention: 4 query heads share 2 key/value heads
        "LlamaConfig", dict(HEAD, hidden_size=32, num_hidden_layers=2, num_key_value_heads=2, pad_token_id=0,
                            bos_token_id=1, eos_token_id=2),
        lambda rng: _with_prompt(_token_batch(rng, pad_id=0), rng, pad_id=0), generates=True),
    "T5ForConditionalGeneration": HfModel(
        "T5Config", dict(vocab_size=99, d_model=32, d_kv=8, d_ff=37, num_layers=2, num_decoder_layers=2,
                         num_heads=4, relative_attention_num_buckets=8, relative_attention_max_distance=16,
                         dropout_rate=0.0, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0),
        _seq2seq_batch, generates=True),
    "ViTForImageClassification": HfModel(     # its patch embedding is a 4x4 stride-4 nn.Conv2d
        "ViTConfig", dict(image_size=16, patch_size=4, num_channels=3, hidden_size=32, num_hidden_layers=2,
                          num_attention_heads=4, intermediate_size=37, num_labels=3, **NO_DROPOUT),
        _image_batch),
}
MODEL_VARIANT = "sdpa_train"


def checks_of(name):
    if name in MODELS:
        return CHECKS + ("generate",) if MODELS[name].generates else CHECKS
    return CHECKS


def case_ids():
    return [f"hf/{name}/{attention}_{mode}/{DTYPE}" for name in CLASSES for attention in ATTENTIONS
            for mode in MODES] + [f"hf/{name}/{SAVE_LOAD}/{DTYPE}" for name in CLASSES] + [
            f"hf/{name}/{MODEL_VARIANT}/{DTYPE}" for name in MODELS]


def parse(case_id):
    """-> (class name, attention, mode); the save/load cases use transformers' defaults (sdpa, eval)."""
    _, name, variant, _ = case_id.split("/")
    if variant == SAVE_LOAD:
        return name, "sdpa", "eval"
    attention, mode = variant.split("_")
    return name, attention, mode


def slug(case_id):
    return case_id.replace("/", "__")


def seed_of(text):
    return zlib.crc32(text.encode())


# ---- inputs (numpy, identical for both frameworks) ---------------------------------------------
def inputs_for(case_id):
    """{input_ids, attention_mask, token_type_ids, labels, cotangents...} as numpy arrays."""
    name, _, _ = parse(case_id)
    rng = np.random.default_rng(seed_of(case_id + "#inputs"))
    if name in MODELS:
        return MODELS[name].inputs(rng)
    mask = (np.arange(SEQ_LEN)[None, :] < np.array(LENGTHS)[:, None]).astype(np.int64)
    ids = rng.integers(1, CONFIG["vocab_size"], (BATCH, SEQ_LEN)).astype(np.int64) * mask   # pad id 0
    types = (np.arange(SEQ_LEN)[None, :] >= (np.array(LENGTHS)[:, None] // 2)).astype(np.int64) * mask
    batch = dict(input_ids=ids, attention_mask=mask, token_type_ids=types)
    if name == "BertForMaskedLM":
        chosen = (rng.random((BATCH, SEQ_LEN)) < 0.3) & (mask == 1)
        chosen[:, 1] = True                      # at least one label per row
        batch["labels"] = np.where(chosen, rng.integers(1, CONFIG["vocab_size"], (BATCH, SEQ_LEN)), -100)
    elif name == "BertForSequenceClassification":
        batch["labels"] = rng.integers(0, CONFIG["num_labels"], BATCH).astype(np.int64)
    else:   # BertModel has no loss: backward and training use a fixed random projection of its outputs
        batch["cotangent_hidden"] = rng.standard_normal((BATCH, SEQ_LEN, CONFIG["hidden_size"])).astype(np.float32)
        batch["cotangent_pooled"] = rng.standard_normal((BATCH, CONFIG["hidden_size"])).astype(np.float32)
    batch["labels"] = batch.get("labels", None)
    return batch


# ---- the framework-agnostic run -------------------------------------------------------------------
def build_model(transformers, name, attention):
    if name in MODELS:
        config = getattr(transformers, MODELS[name].config_class)(**MODELS[name].config,
                                                                   attn_implementation=attention)
    else:
        config = transformers.BertConfig(**CONFIG, attn_implementation=attention)
    return getattr(transformers, name)(config)


def _tensor(torch, array):
    return torch.from_numpy(np.ascontiguousarray(array))


def _numpy(tensor):
    return tensor.detach().numpy().copy()


def _forward(torch, name, model, batch, with_types):
    if name in MODELS:   # every input of the batch; no cache (a decoder's forward would return one)
        keywords = {key: _tensor(torch, value) for key, value in batch.items() if not key.startswith("prompt")}
        if MODELS[name].generates:
            keywords["use_cache"] = False
        output = model(**keywords, output_hidden_states=True)
        return output, output.loss
    keywords = dict(attention_mask=_tensor(torch, batch["attention_mask"]), output_hidden_states=True)
    if with_types:
        keywords["token_type_ids"] = _tensor(torch, batch["token_type_ids"])
    if batch["labels"] is not None:
        keywords["labels"] = _tensor(torch, batch["labels"])
    output = model(input_ids=_tensor(torch, batch["input_ids"]), **keywords)
    if name == "BertModel":
        scalar = ((output.last_hidden_state * _tensor(torch, batch["cotangent_hidden"])).sum()
                  + (output.pooler_output * _tensor(torch, batch["cotangent_pooled"])).sum())
    else:
        scalar = output.loss
    return output, scalar


def _output_arrays(output, suffix):
    arrays = {}
    for key in ("loss", "logits", "last_hidden_state", "pooler_output"):
        value = getattr(output, key, None)
        if value is not None:
            arrays[f"forward.{key}{suffix}"] = _numpy(value)
    for index, hidden in enumerate(output.hidden_states or ()):
        arrays[f"forward.hidden_states.{index}{suffix}"] = _numpy(hidden)
    return arrays


def _generated(torch, model, batch):
    """Greedy generate() from the loaded weights, in eval mode (with its key/value cache) -> the token ids (prompt
    included) and each step's raw logits: a tiny random model's greedy tokens are often one token repeated (T5's
    tied embeddings make the start token win), so the logits are what shows each cached step computed right."""
    model.eval()
    output = model.generate(_tensor(torch, batch["prompt"]), attention_mask=_tensor(torch, batch["prompt_mask"]),
                            max_new_tokens=GENERATE_TOKENS, do_sample=False, return_dict_in_generate=True,
                            output_logits=True)
    arrays = {"generate.tokens": _numpy(output.sequences)}
    arrays.update({f"generate.logits.step{step}": _numpy(logits) for step, logits in enumerate(output.logits, 1)})
    return arrays


def run_model(torch, transformers, case_id, state_dict):
    """-> ({key: numpy array}, {check: milliseconds}) for one case, on whatever `torch` is."""
    name, attention, mode = parse(case_id)
    batch = inputs_for(case_id)
    model = build_model(transformers, name, attention)
    model.load_state_dict(state_dict, strict=True)
    results, ms = {}, {}
    if "generate" in checks_of(name):
        start = time.perf_counter()
        results.update(_generated(torch, model, batch))
        ms["generate"] = (time.perf_counter() - start) * 1e3
    model.train(mode == "train")

    start = time.perf_counter()
    results.update(_forward_arrays(torch, name, model, batch))
    ms["forward"] = (time.perf_counter() - start) * 1e3

    start = time.perf_counter()
    results.update(_gradients(torch, name, model, batch))
    ms["backward"] = (time.perf_counter() - start) * 1e3

    start = time.perf_counter()
    model.zero_grad()
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    for step in range(1, ADAM_STEPS + 1):
        optimizer.zero_grad()
        scalar = _forward(torch, name, model, batch, True)[1]
        scalar.backward()
        optimizer.step()
        results[f"trajectory.step{step}.loss"] = _numpy(scalar)
        for path, parameter in model.named_parameters():
            results[f"trajectory.step{step}.{path}"] = _numpy(parameter)
    ms["trajectory"] = (time.perf_counter() - start) * 1e3
    return results, ms


def _forward_arrays(torch, name, model, batch):
    """The outputs with token_type_ids given and omitted (the buffered zeros path), without grad; a MODELS
    entry's every output tensor (tuples by index) with its inputs as given."""
    if name in MODELS:
        with torch.no_grad():
            output = _forward(torch, name, model, batch, True)[0]
        arrays = {}
        for key, value in output.items():
            for index, tensor in enumerate(value) if isinstance(value, tuple) else ((None, value),):
                arrays[f"forward.{key}" + ("" if index is None else f".{index}")] = _numpy(tensor)
        return arrays
    with torch.no_grad():
        arrays = _output_arrays(_forward(torch, name, model, batch, True)[0], "")
        arrays.update(_output_arrays(_forward(torch, name, model, batch, False)[0], ".no_token_type_ids"))
    return arrays


def _gradients(torch, name, model, batch):
    model.zero_grad()
    _forward(torch, name, model, batch, True)[1].backward()
    return {f"backward.{path}": _numpy(parameter.grad) for path, parameter in model.named_parameters()
            if parameter.grad is not None}


def float64_gradients(torch, transformers, case_id, state_dict):
    """Real torch in float64 from the same weights: the truth both float32 gradients are measured against."""
    name, attention, mode = parse(case_id)
    batch = inputs_for(case_id)
    model = build_model(transformers, name, attention)
    model.load_state_dict(state_dict, strict=True)
    model.train(mode == "train").double()
    batch = {key: value.astype(np.float64) if isinstance(value, np.ndarray) and value.dtype.kind == "f" else value
             for key, value in batch.items()}
    return _gradients(torch, name, model, batch)


def write_weights(torch, transformers, case_id, path):
    """Real torch: transformers' own initialisation, seeded, then biases and LayerNorm weights drawn too (so their
    gradients are tested on real values), saved with safetensors.torch.save_file -> the state dict."""
    from safetensors.torch import save_file

    from bert_cases.cases import draw_biases_and_norm_weights   # the draw the bert rows use
    name, attention, _ = parse(case_id)
    generator_state = torch.random.get_rng_state()
    torch.manual_seed(seed_of(case_id + "#weights"))
    try:
        model = build_model(transformers, name, attention)
        (_draw_biases_and_norms if name in MODELS else draw_biases_and_norm_weights)(torch, model)
    finally:
        torch.random.set_rng_state(generator_state)
    # tied tensors (decoder.weight is word_embeddings.weight) share storage, which save_file refuses: clone each
    state = {key: value.detach().clone().contiguous() for key, value in model.state_dict().items()}
    save_file(state, path)
    return state


def _draw_biases_and_norms(torch, model):
    """The bert rows' draw for every model's names: biases ~ N(0, 0.05), the weights of LayerNorm and RMSNorm
    (`*norm*`, GPT-2's `ln_*`) ~ N(1, 0.1)."""
    with torch.no_grad():
        for path, parameter in model.named_parameters():
            if path.endswith("bias"):
                parameter.normal_(0.0, 0.05)
            elif parameter.dim() == 1 and ("norm" in path.lower() or "ln_" in path):
                parameter.normal_(1.0, 0.1)


# ---- the pytest side: real torch here, mtv2 in a subprocess, rows ------------------------------------
DEFAULT_TOL = (1e-5, 1.3e-6, "default")          # torch.testing.assert_close's float32 defaults
PROJECTION_BACKWARD_TOL = (
    1e-4, 1e-5,
    "BertModel only: its scalar is a random projection of all B*S*H outputs (no mean), so each gradient is a "
    "sum of thousands of O(1) terms pushed back through LayerNorm (x 1/std); torch's own float32 gradients miss "
    "its float64 ones by several times the default; each row's detail gives mtv2's and torch's figures")
KEY_BIAS_SUFFIX = ("attention.self.key.bias",    # BERT's and RoBERTa's key projection
                   "attention.k_proj.bias")       # ViT's (GPT-2's is fused with query and value; Llama, T5: no bias)
KEY_BIAS_TOL = (
    2 * LEARNING_RATE * ADAM_STEPS, 0.0,
    "attention key biases only: their true gradient is 0 (softmax is invariant to a per-query constant), so "
    "AdamW's update lr*g/(|g|+eps) is driven by float32 rounding noise (|g| ~ 1e-9, below eps) in both "
    "frameworks; bounded by 2*lr per step; the backward row checks the gradient itself")
SUBPROCESS_TIMEOUT = 240.0


@dataclass(frozen=True)
class HfCase:
    case_id: str
    checks: tuple = CHECKS
    kind: str = "hf"
    dtype: str = DTYPE

    @property
    def name(self):
        return parse(self.case_id)[0]

    @property
    def variant(self):
        return self.case_id.split("/")[2]

    def row_name(self, check):
        return self.name


def all_hf_cases():
    return [HfCase(case_id, SAVE_LOAD_CHECKS if parse_variant(case_id) == SAVE_LOAD else checks_of(parse(case_id)[0]))
            for case_id in case_ids()]


def declare_blocker(case, row):
    """A MODELS entry's `blocked_by`: its failing rows are xfail while the failure shows the named lack (another
    failure stays a failure), a passing row is xpass until the declaration goes."""
    model = MODELS.get(case.name)
    if not model or not model.blocked_by:
        return row
    reason, shown = model.blocked_by
    if row["status"] in ("fail", "error") and shown not in (row["detail"] or ""):
        row["detail"] = f"declared blocker ({reason}) is not what failed | {row['detail']}"
        return row
    return mark_expected_failure(row, reason, f"remove {case.name}'s blocked_by")


def run_all(workdir, ids=None):
    """Every case (or those of `ids`) on real torch here and on mtv2 in one shim subprocess -> {case_id: rows}."""
    import transformers
    from conformance import frameworks
    from conformance.checks import CheckResult
    from conformance.run import make_row
    torch = frameworks.reference()
    cases = [case for case in all_hf_cases() if ids is None or case.case_id in ids]
    theirs, exact = {}, {}
    for case in cases:
        base = os.path.join(workdir, slug(case.case_id))
        state = write_weights(torch, transformers, case.case_id, base + ".safetensors")
        if case.checks == SAVE_LOAD_CHECKS:
            theirs[case.case_id] = save_torch_side(torch, transformers, case.case_id, state, base)
        else:
            theirs[case.case_id] = run_model(torch, transformers, case.case_id, state)
            exact[case.case_id] = float64_gradients(torch, transformers, case.case_id, state)
    problem = _run_subprocess(workdir, [case.case_id for case in cases])
    rows = {}
    for case in cases:
        mine = problem or _read_mtv2(workdir, case.case_id)
        if isinstance(mine, str):
            results = {check: CheckResult("error", mine) for check in case.checks}
        elif case.checks == SAVE_LOAD_CHECKS:
            results = compare_save_load(case, mine, theirs[case.case_id],
                                        load_torch_side(torch, transformers, case.case_id,
                                                        os.path.join(workdir, slug(case.case_id))))
        else:
            results = compare_case(case, mine, theirs[case.case_id], exact[case.case_id])
        rows[case.case_id] = [declare_blocker(case, make_row(case, check, results[check])) for check in case.checks]
    return rows


def explain(case_id):
    """`python -m conformance explain hf/...`: rerun that case (torch here, mtv2 in the shim subprocess), print its
    rows and how to rerun either side."""
    import tempfile
    if case_id not in case_ids():
        raise KeyError(f"no hf case {case_id!r}; they are: {', '.join(case_ids())}")
    workdir = tempfile.mkdtemp(prefix="explain-hf-")
    name, attention, mode = parse(case_id)
    config_class, config = ((MODELS[name].config_class, MODELS[name].config) if name in MODELS
                            else ("BertConfig", CONFIG))
    print(f"case {case_id}: transformers.{name} ({config_class} {config}, attn_implementation={attention!r}), "
          f"{mode} mode; weights and mtv2's arrays in {workdir}")
    print("rows:")
    for row in run_all(workdir, [case_id])[case_id]:
        ratio = "" if row["err_ratio"] is None else f" err_ratio {row['err_ratio']:.3g}"
        print(f"  {row['check']:21s} {row['status']:5s}{ratio} {row['detail']}")
    script = ["import numpy as np", "import torch, transformers   # under `python -m mtv2.compat run`, torch is mtv2",
              "from conformance.hf_cases import build_model, inputs_for, _forward",
              "from safetensors.numpy import load_file",
              f"case_id = {case_id!r}",
              f"model = build_model(transformers, {name!r}, {attention!r})",
              f"state = load_file({os.path.join(workdir, slug(case_id) + '.safetensors')!r})",
              "model.load_state_dict({k: torch.tensor(v) for k, v in state.items()}, strict=True)",
              f"model.train({mode == 'train'})",
              "output, scalar = _forward(torch, model.__class__.__name__, model, inputs_for(case_id), True)",
              "scalar.backward()",
              "print(output, {n: p.grad for n, p in model.named_parameters()})"]
    print("\nreproduction (save as repro.py; `python repro.py` runs torch, `python -m mtv2.compat run repro.py` "
          "mtv2, from the repository root):\n" + "\n".join("    " + line for line in script))
    print(f"the harness's own mtv2 side: python -m conformance.hf_cases {workdir} {case_id}")
    return 0


def _run_subprocess(workdir, ids):
    """None when the subprocess ran (each case then has its .npz or .error), else why it did not."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    try:
        done = subprocess.run([sys.executable, "-m", "conformance.hf_cases", str(workdir), *ids], cwd=root,
                              env=environment, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"the mtv2 shim subprocess exceeded {SUBPROCESS_TIMEOUT:g}s"
    if done.returncode != 0:
        return f"the mtv2 shim subprocess failed (exit {done.returncode}): {done.stderr.strip()[-600:]}"
    return None


def _read_mtv2(workdir, case_id):
    base = os.path.join(workdir, slug(case_id))
    if os.path.exists(base + ".error"):   # the exception's line, then where it was raised
        with open(base + ".error") as handle:
            raised, _, where = handle.read().strip().partition("\n")
        # the innermost frame: its "File ..." line and source line (the caret lines and the repeated exception off)
        lines = [line.strip() for line in where.splitlines() if line.strip().strip("^~")]
        return f"mtv2 under the shim raised {raised[:400]} | at {' '.join(lines[-3:-1])[-400:]}"
    if not os.path.exists(base + ".npz"):
        return "the mtv2 shim subprocess wrote no results for this case"
    with np.load(base + ".npz") as arrays, open(base + ".ms.json") as handle:
        return {key: arrays[key] for key in arrays.files}, json.load(handle)


def _compare_group(check, mine, theirs, tolerance_of):
    from conformance.compare import Comparison, compare_arrays
    comparisons = []
    keys = sorted(key for key in theirs if key.startswith(check + "."))
    missing = sorted(key for key in mine if key.startswith(check + ".") and key not in theirs)
    for key in missing:
        comparisons.append((key, Comparison(False, detail=f"{key} only in mtv2")))
    for key in keys:
        if key not in mine:
            comparisons.append((key, Comparison(False, detail=f"{key} missing in mtv2")))
            continue
        atol, rtol, _ = tolerance_of(key)
        result = compare_arrays(mine[key], theirs[key], str(mine[key].dtype), str(theirs[key].dtype), atol, rtol)
        if result.detail:
            result.detail = f"{key}: {result.detail}"
        comparisons.append((key, result))
    return comparisons, keys


def _worst_ratio(values, reference, atol, rtol, prefix="backward."):
    ratios = [np.max(np.abs(values[key].astype(np.float64) - reference[key]) / (atol + rtol * np.abs(reference[key])))
              for key in reference if key.startswith(prefix) and key in values
              and values[key].shape == reference[key].shape]
    return float(max(ratios, default=0.0))


def compare_case(case, mine_run, theirs_run, exact):
    """{check: CheckResult}: mtv2's arrays against torch's, key by key."""
    from conformance.checks import CheckResult
    from conformance.compare import worst_of
    (mine, mine_ms), (theirs, theirs_ms) = mine_run, theirs_run
    backward_tol = PROJECTION_BACKWARD_TOL if case.name == "BertModel" else DEFAULT_TOL
    tolerances = {
        "forward": lambda key: DEFAULT_TOL,
        "backward": lambda key: backward_tol,
        "trajectory": lambda key: KEY_BIAS_TOL if key.endswith(KEY_BIAS_SUFFIX) else DEFAULT_TOL,
        "generate": lambda key: EXACT_TOL if key == "generate.tokens" else DEFAULT_TOL,   # ids: equal or not
    }
    row_tol = {"backward": backward_tol, "generate": EXACT_TOL}
    results = {}
    for check in case.checks:
        comparisons, keys = _compare_group(check, mine, theirs, tolerances[check])
        notes = [f"{len(keys)} arrays"]
        if check == "forward" and case.name in MODELS:
            notes.append("every output tensor: " + ", ".join(sorted(key.split(".", 1)[1] for key in keys)))
        elif check == "forward":
            notes.append("outputs with token_type_ids given and omitted: " + ", ".join(
                sorted({key.split(".", 1)[1] for key in keys if not key.endswith(".no_token_type_ids")})))
        if check == "backward":
            atol, rtol = DEFAULT_TOL[:2]
            notes.append(f"every parameter gradient; err_ratio at the float32 default: mtv2 vs torch "
                         f"{_worst_ratio(mine, theirs, atol, rtol):.3g}, vs torch float64: torch "
                         f"{_worst_ratio(theirs, exact, atol, rtol):.3g}, "
                         f"mtv2 {_worst_ratio(mine, exact, atol, rtol):.3g}")
        if check == "trajectory":
            losses = ", ".join(f"{float(theirs[f'trajectory.step{step}.loss']):.4f}"
                               for step in range(1, ADAM_STEPS + 1))
            key_bias = [(key, c) for key, c in comparisons if key.endswith(KEY_BIAS_SUFFIX)]
            notes.append(f"{ADAM_STEPS} AdamW steps (lr {LEARNING_RATE}, weight_decay {WEIGHT_DECAY}); torch "
                         f"losses {losses}")
            if key_bias:
                notes.append(f"key biases at the wider bound (worst ratio "
                             f"{max(c.err_ratio or 0.0 for _, c in key_bias):.3g}): {KEY_BIAS_TOL[2]}")
        if check == "generate":
            notes.append(f"greedy generate() of {GENERATE_TOKENS} new tokens from a {PROMPT_LENGTH}-token prompt "
                         f"(second row left-padded by {PROMPT_PADDING}) "
                         f"(eval mode, cached): token ids equal (torch's: {theirs['generate.tokens'].tolist()}), "
                         f"each step's logits at the float32 default")
        merged = worst_of(comparisons)
        tol = row_tol.get(check, DEFAULT_TOL)
        detail = "; ".join(part for part in (merged.detail, *notes) if part)
        results[check] = CheckResult("pass" if merged.ok else "fail", detail, merged.max_abs_err,
                                     merged.max_rel_err, merged.err_ratio, tol[0], tol[1], tol[2],
                                     mine_ms.get(check), theirs_ms.get(check))
    return results


# ---- save_pretrained / from_pretrained across the frameworks -------------------------------------------
# Files: <base>.torch_saved (torch's save_pretrained), <base>.mtv2_saved (mtv2's). The reference is torch's
# from_pretrained of torch's files. Arrays are keyed "<what>.state.<key>", "<what>.forward.<output>" and
# "<what>.backward.<parameter>", <what> being "source", "reference" or a check name.
EXACT_TOL = (0.0, 0.0, "exact")
LOADED_BY = {"mtv2_save_torch_load": "torch from_pretrained of mtv2's save_pretrained",
             "torch_save_mtv2_load": "mtv2 from_pretrained of torch's save_pretrained",
             "mtv2_save_mtv2_load": "mtv2 from_pretrained of mtv2's save_pretrained"}


def parse_variant(case_id):
    return case_id.split("/")[2]


def _prefixed(prefix, arrays):
    return {f"{prefix}.{key}": value for key, value in arrays.items()}


def _group(arrays, prefix):
    return {key[len(prefix) + 1:]: value for key, value in arrays.items() if key.startswith(prefix + ".")}


def _state_arrays(model):
    return {f"state.{key}": _numpy(value) for key, value in model.state_dict().items()}


def load_and_compute(torch, transformers, case_id, directory):
    """from_pretrained of `directory`, then its state dict, outputs and gradients -> (arrays, ms of the load)."""
    name, _, mode = parse(case_id)
    start = time.perf_counter()
    model = getattr(transformers, name).from_pretrained(directory)
    ms = (time.perf_counter() - start) * 1e3
    model.train(mode == "train")
    batch = inputs_for(case_id)
    arrays = _state_arrays(model)
    arrays.update(_forward_arrays(torch, name, model, batch))
    arrays.update(_gradients(torch, name, model, batch))
    return arrays, ms


def save_torch_side(torch, transformers, case_id, state, base):
    """Real torch: the model holding `state` saved with save_pretrained (for mtv2 to load), and what torch's
    from_pretrained of those files computes (the reference) -> (arrays, ms)."""
    name, attention, _ = parse(case_id)
    model = build_model(transformers, name, attention)
    model.load_state_dict(state, strict=True)
    start = time.perf_counter()
    model.save_pretrained(base + ".torch_saved")
    ms = (time.perf_counter() - start) * 1e3
    reference, _ = load_and_compute(torch, transformers, case_id, base + ".torch_saved")
    arrays = {**_prefixed("source", _state_arrays(model)), **_prefixed("reference", reference)}
    return arrays, {"torch_save_mtv2_load": ms}


def save_load_mtv2_side(torch, transformers, case_id, state, base):
    """mtv2: save_pretrained of the model holding `state` (for torch to load), and from_pretrained of torch's
    files and of its own -> (arrays, ms)."""
    name, attention, _ = parse(case_id)
    model = build_model(transformers, name, attention)
    model.load_state_dict(state, strict=True)
    start = time.perf_counter()
    model.save_pretrained(base + ".mtv2_saved")
    ms = {"mtv2_save_torch_load": (time.perf_counter() - start) * 1e3}
    arrays = {}
    for check, directory in (("torch_save_mtv2_load", base + ".torch_saved"),
                             ("mtv2_save_mtv2_load", base + ".mtv2_saved")):
        loaded, ms[check] = load_and_compute(torch, transformers, case_id, directory)
        arrays.update(_prefixed(check, loaded))
    return arrays, ms


def load_torch_side(torch, transformers, case_id, base):
    """Real torch: from_pretrained of mtv2's files -> (arrays, ms)."""
    loaded, ms = load_and_compute(torch, transformers, case_id, base + ".mtv2_saved")
    return _prefixed("mtv2_save_torch_load", loaded), ms


def compare_save_load(case, mine_run, theirs_run, torch_loaded):
    """{check: CheckResult}: each loaded model's state dict against the source's (exact), its outputs and
    gradients against the reference's (float32 tolerances, as the other hf rows)."""
    from conformance.checks import CheckResult
    from conformance.compare import worst_of
    (mine, mine_ms), (theirs, theirs_ms) = mine_run, theirs_run
    source, reference = _group(theirs, "source"), _group(theirs, "reference")
    backward_tol = PROJECTION_BACKWARD_TOL if case.name == "BertModel" else DEFAULT_TOL
    tolerances = {"state": lambda key: EXACT_TOL, "forward": lambda key: DEFAULT_TOL,
                  "backward": lambda key: backward_tol}
    # (what was loaded, mtv2's milliseconds, torch's): the save for mtv2_save_torch_load, the load otherwise
    sides = {"mtv2_save_torch_load": (_group(torch_loaded[0], "mtv2_save_torch_load"),
                                      mine_ms["mtv2_save_torch_load"], torch_loaded[1]),
             "torch_save_mtv2_load": (_group(mine, "torch_save_mtv2_load"), mine_ms["torch_save_mtv2_load"],
                                      theirs_ms["torch_save_mtv2_load"]),
             "mtv2_save_mtv2_load": (_group(mine, "mtv2_save_mtv2_load"), mine_ms["mtv2_save_mtv2_load"], None)}
    results = {}
    for check, (loaded, mtv2_ms, torch_ms) in sides.items():
        comparisons, counts = [], {}
        for group, expected in (("state", source), ("forward", reference), ("backward", reference)):
            found, keys = _compare_group(group, loaded, expected, tolerances[group])
            comparisons += found
            counts[group] = len(keys)
        merged = worst_of(comparisons)
        summary = (f"{LOADED_BY[check]}: {counts['state']} state-dict entries against the source model's (exact), "
                   f"{counts['forward']} outputs and {counts['backward']} gradients against torch's from_pretrained "
                   f"of its own save_pretrained")
        tol_source = "state dict exact; outputs at the float32 default; gradients " + (
            "too" if backward_tol is DEFAULT_TOL else f"at atol {backward_tol[0]:g}, rtol {backward_tol[1]:g}, as "
                                                      f"BertModel's backward rows (a random projection of all its "
                                                      f"outputs)")
        results[check] = CheckResult("pass" if merged.ok else "fail", "; ".join(filter(None, (merged.detail,
                                     summary))), merged.max_abs_err, merged.max_rel_err, merged.err_ratio,
                                     backward_tol[0], backward_tol[1], tol_source, mtv2_ms, torch_ms)
    return results


# ---- the mtv2 side: a subprocess under the shim ---------------------------------------------------
def run_mtv2_side(workdir, ids):
    """Under the shim: each case's weights from WORKDIR/<slug>.safetensors -> WORKDIR/<slug>.npz (or .error)."""
    import mtv2.compat
    mtv2.compat.install_torch_shim()
    import mtv2
    import torch
    import transformers
    from mtv2.nn.utils import load_safetensors
    if torch.Tensor is not mtv2.Tensor or torch.optim.AdamW is not mtv2.optim.AdamW:
        raise RuntimeError("the shim subprocess is not running on mtv2")
    for case_id in ids:
        base = os.path.join(workdir, slug(case_id))
        try:
            state = load_safetensors(base + ".safetensors")
            if parse_variant(case_id) == SAVE_LOAD:
                results, ms = save_load_mtv2_side(torch, transformers, case_id, state, base)
            else:
                results, ms = run_model(torch, transformers, case_id, state)
            np.savez(base + ".npz", **results)
            with open(base + ".ms.json", "w") as handle:
                json.dump(ms, handle)
        except Exception as exception:   # one case's failure is that case's rows, not the others'
            import traceback
            with open(base + ".error", "w") as handle:
                handle.write(f"{type(exception).__name__}: {exception}\n{traceback.format_exc()}")


if __name__ == "__main__":
    run_mtv2_side(sys.argv[1], sys.argv[2:])
