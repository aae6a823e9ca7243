"""BERT conformance cases (rows of kind=bert): layer parity, proof against transformers, mechanics, training.

- Layer cases (`bert/<Class>/<size>_<mask>_<attention>/float32`, name = the class): the class built in torch
  (seeded weights), its state dict copied into the mtv2 build by `load_torch_weights`, both run on the same
  inputs with dropout 0 in train mode. `forward` compares every output; `backward` compares the gradient of
  every float input and of EVERY parameter (by name) under a random cotangent on every float output.
- Proof rows (`bert/<Class>/vs_transformers[_sdpa]/float32`): transformers' own BertModel / BertForMaskedLM /
  BertForSequenceClassification (small BertConfig, no hub) and bert_cases' torch build loaded with its state
  dict give the same outputs and gradients: torch against torch, so the model really is BERT. The
  `mtv2_vs_transformers[_sdpa]` rows load transformers' weights into the mtv2 build and compare with it directly.
- Mechanics rows (`bert/mechanics.<what>/.../float32`, bert_cases/mechanics_cases.py): a claim about BERT's mask
  and MLM-loss mechanics, checked in mtv2 AND in torch, with the values behind it compared between frameworks.
- Training rows: AdamW steps of MLM in both frameworks from the same weights (check `trajectory`), with dropout off
  and with dropout on (the models built from the same seed in each framework, the masks drawn by the seeded
  generators, which are torch's in mtv2 too).
- Seeded-weights rows (`bert/BertForMaskedLM/seeded_weights*`): the model built from the same seed in both
  frameworks, nothing copied, has the same weights bit for bit.
- A text row (`bert/text.BertTokenizerFast/...`): the shipped vocabulary and the tokenizer give BERT's format.

Inputs are text: batches of the sample sentences tokenized with the project's WordPiece vocabulary
(bert_cases/text.py). Everything random is drawn from numpy.random.default_rng(crc32(case id)) or from a torch
generator seeded with it, so every row but the timings is identical between runs.
"""
import copy
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from bert_cases import text
from bert_cases.model import BertConfig, bert
from conformance import frameworks
from conformance.checks import CheckResult
from conformance.compare import Comparison, compare_arrays, default_tolerance, worst_of
from conformance.frameworks import make_tensor, to_numpy
from conformance.inputs import rng_for, seed_of
from conformance.outcome import differentiable_outputs, exception_text, flatten_output, timed
from conformance.run import rows_from_results

DTYPE = "float32"
BATCH, SEQ_LEN = 2, 16
ATOL, RTOL = default_tolerance(DTYPE)
DEFAULT_TOL = (ATOL, RTOL, "default")
LAYER_NORM_BACKWARD_TOL = (
    1e-4, 1e-5,
    "widened for gradients through LayerNorm, whose backward amplifies float32 rounding (x 1/std, summed over "
    "batch*seq): torch's own float32 gradients miss its float64 ones by up to 5x the default (BertForMaskedLM "
    "4.98; mtv2 1.54); each row's detail gives both figures")
EXACT_TOL = (0.0, 0.0, "exact")

MASKED_CLASSES = ("BertSelfAttention", "BertAttention", "BertLayer", "BertEncoder", "BertModel",
                  "BertForMaskedLM", "BertForSequenceClassification")
UNMASKED_CLASSES = ("BertEmbeddings", "BertSelfOutput", "BertIntermediate", "BertOutput", "BertPooler",
                    "BertPredictionHeadTransform", "BertLMPredictionHead", "BertOnlyMLMHead")
BASE_CLASSES = ("BertSelfAttention", "BertLayer")
WITHOUT_LAYER_NORM = ("BertSelfAttention", "BertIntermediate", "BertPooler")
HF_CLASSES = ("BertModel", "BertForMaskedLM", "BertForSequenceClassification")
TRAIN_STEPS = 10


# ---- the case ------------------------------------------------------------------------------
@dataclass(frozen=True)
class BertCase:
    name: str                       # the class (BertLayer) or mechanics.<what>
    variant: str
    checks: tuple
    run: Callable                   # (case) -> {check: CheckResult}
    dtype: str = DTYPE
    kind: str = "bert"
    options: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def case_id(self):
        return f"bert/{self.name}/{self.variant}/{self.dtype}"

    def row_name(self, check):
        return self.name


def run_bert_case(case, time_limit_seconds=120.0):
    """Every planned check yields exactly one row, whatever happens."""
    return rows_from_results(case, case.run, time_limit_seconds)


# ---- models: configurations, seeded torch weights, the one converter -------------------------
def small_config(attention="eager", **overrides):
    """The seed's small configuration (hidden 64, 4 heads, 2 layers) over the project's vocabulary, dropout 0."""
    values = dict(vocab_size=text.vocab_size(), hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
                  attn_implementation=attention)
    values.update(overrides)
    return BertConfig.small(**values)


def base_config(attention="eager"):
    """BERT-base's layer shape (hidden 768, 12 heads, intermediate 3072), one layer, dropout 0."""
    return BertConfig(vocab_size=text.vocab_size(), num_hidden_layers=1, max_position_embeddings=64,
                      hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, attn_implementation=attention)


def build_torch(name, config, seed):
    """bert_cases' torch class `name` with transformers' initialisation from a seeded generator; biases and
    LayerNorm parameters are then drawn too (not left at 0/1), so their gradients are tested on real values."""
    torch = frameworks.reference()
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        module = bert(torch).init_weights(getattr(bert(torch), name)(config), config)
        draw_biases_and_norm_weights(torch, module)
    return module


def draw_biases_and_norm_weights(torch, model):
    """Biases ~ N(0, 0.05) and LayerNorm weights ~ N(1, 0.1) from torch's current generator, instead of the
    initial 0 and 1, so that gradients through them are compared on real values."""
    with torch.no_grad():
        for path, parameter in model.named_parameters():
            if path.endswith("bias"):
                parameter.normal_(0.0, 0.05)
            elif path.endswith("LayerNorm.weight"):
                parameter.normal_(1.0, 0.1)


def load_torch_weights(mtv2_module, torch_module):
    """The one converter: torch's state dict, tensor by tensor, into the mtv2 module (strict, same keys)."""
    torch, mtv2 = frameworks.reference(), frameworks.candidate()
    state = {key: make_tensor(mtv2, to_numpy(torch, value), frameworks.dtype_name(torch, value.dtype))
             for key, value in torch_module.state_dict().items()}
    mtv2_module.load_state_dict(state)
    return mtv2_module


def model_pair(name, config, seed):
    """{framework: module}: the seeded torch build and the mtv2 build holding the same weights."""
    torch, mtv2 = frameworks.reference(), frameworks.candidate()
    torch_module = build_torch(name, config, seed)
    mtv2_module = load_torch_weights(getattr(bert(mtv2), name)(config), torch_module)
    return {torch: torch_module, mtv2: mtv2_module}


# ---- inputs ----------------------------------------------------------------------------------
def batch_for(padded):
    return text.padded_batch(SEQ_LEN) if padded else text.unpadded_batch(SEQ_LEN)


def layer_inputs(name, config, batch, rng):
    """(positional, keyword) numpy inputs of class `name`: token batches for the models and embeddings,
    random hidden states (float32) for the inner layers; the attention mask is always the batch's."""
    ids, types, mask = batch["input_ids"], batch["token_type_ids"], batch["attention_mask"]
    rows, seq = ids.shape

    def hidden(width=config.hidden_size):
        return rng.standard_normal((rows, seq, width)).astype(np.float32)

    if name == "BertEmbeddings":
        return [ids, types], {}
    if name in ("BertSelfAttention", "BertAttention", "BertLayer"):
        return [hidden(), mask], {}
    if name == "BertEncoder":
        return [hidden(), mask], {"output_hidden_states": True}
    if name == "BertSelfOutput":
        return [hidden(), hidden()], {}
    if name == "BertOutput":
        return [hidden(config.intermediate_size), hidden()], {}
    if name == "BertModel":
        return [ids], {"attention_mask": mask, "token_type_ids": types}
    if name == "BertForMaskedLM":
        masked, labels = text.mask_tokens(batch, rng)
        return [masked["input_ids"]], {"attention_mask": mask, "token_type_ids": types, "labels": labels}
    if name == "BertForSequenceClassification":
        labels = rng.integers(0, config.num_labels, rows).astype(np.int64)
        return [ids], {"attention_mask": mask, "token_type_ids": types, "labels": labels}
    return [hidden()], {}


def to_tensor(fw, value, grad=False, dtype=DTYPE):
    """numpy -> fw tensor (float arrays become `dtype` and may require grad); other values pass unchanged."""
    if not isinstance(value, np.ndarray):
        return value
    floating = value.dtype.kind == "f"
    return make_tensor(fw, value, dtype if floating else "int64", requires_grad=grad and floating)


def call(fw, module, positional, keywords, grad=False, dtype=DTYPE):
    """-> (output, float input tensors). With grad, float inputs require grad."""
    args = [to_tensor(fw, value, grad, dtype) for value in positional]
    kwargs = {key: to_tensor(fw, value, grad, dtype) for key, value in keywords.items()}
    leaves = [a for a in args if isinstance(a, fw.Tensor) and a.requires_grad]
    return module(*args, **kwargs), leaves


# ---- comparing -------------------------------------------------------------------------------
def compare(mine, theirs, tol=DEFAULT_TOL, names=("mtv2", "torch")):
    """mtv2's numpy value against torch's; strings, bools and None compare by equality."""
    if isinstance(theirs, np.ndarray) and isinstance(mine, np.ndarray):
        return compare_arrays(mine, theirs, str(mine.dtype), str(theirs.dtype), tol[0], tol[1], names=names)
    same = type(mine) is type(theirs) and mine == theirs
    return Comparison(bool(same), detail="" if same else f"{names[0]} {mine!r} != {names[1]} {theirs!r}")


def result_of(comparisons, tol, mine_ms=None, theirs_ms=None, note="", problems=()):
    """One row from [(path, Comparison)], plus claims that failed (`problems`)."""
    merged = worst_of(comparisons)
    ok = merged.ok and not problems
    detail = "; ".join(part for part in (*problems, merged.detail, note) if part)
    return CheckResult("pass" if ok else "fail", detail, merged.max_abs_err, merged.max_rel_err, merged.err_ratio,
                       tol[0], tol[1], tol[2], mine_ms, theirs_ms)


def numpy_leaves(fw, value):
    """[(path, numpy array or plain value)] of a module's output."""
    return [(path, to_numpy(fw, leaf) if isinstance(leaf, fw.Tensor) else leaf)
            for path, leaf in flatten_output(fw, value)]


def compare_leaves(mine, theirs, tol, names=("mtv2", "torch")):
    if [p for p, _ in mine] != [p for p, _ in theirs]:
        return [("out", Comparison(False, detail=f"outputs {[p for p, _ in mine]} != {names[1]} "
                                                 f"{[p for p, _ in theirs]}"))]
    return [(path, compare(m, t, tol, names)) for (path, m), (_, t) in zip(mine, theirs)]


# ---- layer cases -----------------------------------------------------------------------------
def _gradients(fw, module, positional, keywords, cotangent_rng_state, dtype=DTYPE):
    """Forward with grad, then autograd.grad of every float output under random cotangents (drawn in
    numpy from the case id, identical for both frameworks) -> {path: numpy gradient or None}."""
    output, leaves = call(fw, module, positional, keywords, grad=True, dtype=dtype)
    outputs = differentiable_outputs(fw, output)
    rng = np.random.default_rng(cotangent_rng_state)
    paths = sorted(outputs)
    cotangents = [make_tensor(fw, rng.standard_normal(tuple(outputs[p].shape)).astype(np.float32), dtype)
                  for p in paths]
    named = list(module.named_parameters())
    targets = leaves + [parameter for _, parameter in named]
    grads = fw.autograd.grad([outputs[p] for p in paths], targets, grad_outputs=cotangents, allow_unused=True)
    names = [f"input[{i}]" for i in range(len(leaves))] + [f"param.{path}" for path, _ in named]
    return {name: None if g is None else to_numpy(fw, g) for name, g in zip(names, grads)}, paths


def run_layer_case(case):
    options = case.options
    config = (base_config if options["size"] == "base" else small_config)(options["attention"])
    models = model_pair(case.name, config, seed_of(f"{case.case_id}#weights"))
    for module in models.values():
        module.train()            # dropout probabilities are 0: the train-mode path, deterministic
    positional, keywords = layer_inputs(case.name, config, batch_for(options["padded"]),
                                        rng_for(case.case_id))
    backward_tol = DEFAULT_TOL if case.name in WITHOUT_LAYER_NORM else LAYER_NORM_BACKWARD_TOL
    return {"forward": _layer_forward(models, positional, keywords),
            "backward": _layer_backward(case, models, positional, keywords, backward_tol)}


def _layer_forward(models, positional, keywords, tol=DEFAULT_TOL):
    torch, mtv2 = frameworks.reference(), frameworks.candidate()
    ran = {fw: timed(lambda fw=fw: numpy_leaves(fw, call(fw, models[fw], positional, keywords)[0]))
           for fw in (torch, mtv2)}
    if ran[torch].exception or ran[mtv2].exception:
        return _raised_result(ran[mtv2], ran[torch])
    comparisons = compare_leaves(ran[mtv2].value, ran[torch].value, tol)
    return result_of(comparisons, tol, ran[mtv2].ms, ran[torch].ms, note=f"{len(comparisons)} outputs")


def _layer_backward(case, models, positional, keywords, tol):
    torch, mtv2 = frameworks.reference(), frameworks.candidate()
    cotangent_seed = seed_of(f"{case.case_id}#cotangent")
    ran = {fw: timed(lambda fw=fw: _gradients(fw, models[fw], positional, keywords, cotangent_seed))
           for fw in (torch, mtv2)}
    if ran[torch].exception or ran[mtv2].exception:
        return _raised_result(ran[mtv2], ran[torch])
    (mine, mine_outputs), (theirs, their_outputs) = ran[mtv2].value, ran[torch].value
    comparisons = [] if mine_outputs == their_outputs else \
        [("outputs", Comparison(False, detail=f"differentiable outputs {mine_outputs} != torch {their_outputs}"))]
    for name in theirs:
        if name not in mine:
            comparisons.append((name, Comparison(False, detail="missing in mtv2")))
        elif (mine[name] is None) != (theirs[name] is None):
            side = "mtv2" if mine[name] is None else "torch"
            comparisons.append((name, Comparison(False, detail=f"gradient None in {side} only")))
        elif theirs[name] is not None:
            comparisons.append((name, compare(mine[name], theirs[name], tol)))
    parameters = sum(name.startswith("param.") for name in theirs)
    note = (f"{len(theirs) - parameters} input and {parameters} parameter gradients, cotangents on "
            f"{len(their_outputs)} outputs")
    if tol is not DEFAULT_TOL:
        # Keep drift visible and say who is closer to the truth: the worst ratios at the float32 default
        # tolerance of mtv2 against torch, and of each against torch's float64 gradients (the same weights).
        exact = _gradients(torch, copy.deepcopy(models[torch]).double(), positional, keywords, cotangent_seed,
                           "float64")[0]
        note += (f"; err_ratio at the float32 default: mtv2 vs torch {_worst_ratio(mine, theirs):.3g}, "
                 f"vs torch float64: torch {_worst_ratio(theirs, exact):.3g}, mtv2 {_worst_ratio(mine, exact):.3g}")
    return result_of(comparisons, tol, ran[mtv2].ms, ran[torch].ms, note=note)


def _worst_ratio(gradients, reference):
    """max over common gradients of |g - ref| / (atol + rtol |ref|) at the float32 default tolerance."""
    ratios = [np.max(np.abs(gradients[n].astype(np.float64) - reference[n]) / (ATOL + RTOL * np.abs(reference[n])))
              for n in reference if reference[n] is not None and gradients.get(n) is not None
              and gradients[n].shape == reference[n].shape]
    return float(max(ratios, default=0.0))


def _raised_result(mine, theirs):
    if theirs.exception:
        return CheckResult("error", f"torch raised {exception_text(theirs.exception)}",
                           mtv2_ms=mine.ms, torch_ms=theirs.ms)
    return CheckResult("error", f"mtv2 raised {exception_text(mine.exception)}", mtv2_ms=mine.ms, torch_ms=theirs.ms)


def layer_cases():
    cases = []
    for name in MASKED_CLASSES + UNMASKED_CLASSES:
        sizes = ("small", "base") if name in BASE_CLASSES else ("small",)
        for size in sizes:
            if name in UNMASKED_CLASSES:
                settings = [(True, "eager", f"{size}")]
            else:
                settings = [(padded, attention, f"{size}_{'padded' if padded else 'unpadded'}_{attention}")
                            for attention in ("eager", "sdpa") for padded in (True, False)]
            for padded, attention, variant in settings:
                cases.append(BertCase(name, variant, ("forward", "backward"), run_layer_case,
                                      options=dict(size=size, padded=padded, attention=attention)))
    return cases



def mlm_forward(fw, model, batch, labels):
    return model(fw.tensor(batch["input_ids"]), fw.tensor(batch["attention_mask"]), fw.tensor(batch["token_type_ids"]),
                 None if labels is None else fw.tensor(labels))


# ---- proof against transformers ---------------------------------------------------------------
HF_OUTPUTS = {"BertModel": ("last_hidden_state", "pooler_output"), "BertForMaskedLM": ("loss", "logits"),
              "BertForSequenceClassification": ("loss", "logits")}
HF_NAMES = ("bert_cases", "transformers")


def transformers_config(config):
    import transformers
    return transformers.BertConfig(
        vocab_size=config.vocab_size, hidden_size=config.hidden_size, num_hidden_layers=config.num_hidden_layers,
        num_attention_heads=config.num_attention_heads, intermediate_size=config.intermediate_size,
        hidden_act=config.hidden_act, hidden_dropout_prob=config.hidden_dropout_prob,
        attention_probs_dropout_prob=config.attention_probs_dropout_prob,
        max_position_embeddings=config.max_position_embeddings, type_vocab_size=config.type_vocab_size,
        layer_norm_eps=config.layer_norm_eps, pad_token_id=config.pad_token_id, num_labels=config.num_labels,
        attn_implementation=config.attn_implementation)


def _transformers_outputs(name, module, positional, keywords):
    torch = frameworks.reference()
    kwargs = {key: to_tensor(torch, value) for key, value in keywords.items()}
    output = module(input_ids=to_tensor(torch, positional[0]), **kwargs)
    return {key: output[key] for key in HF_OUTPUTS[name]}


def _ours_outputs(fw, name, module, positional, keywords):
    output, _ = call(fw, module, positional, keywords)
    return {key: output[key] for key in HF_OUTPUTS[name]}


def _parameter_gradients(fw, outputs, module, rng_seed):
    rng = np.random.default_rng(rng_seed)
    keys = sorted(outputs)
    cotangents = [make_tensor(fw, rng.standard_normal(tuple(outputs[k].shape)).astype(np.float32), DTYPE)
                  for k in keys]
    named = list(module.named_parameters())
    grads = fw.autograd.grad([outputs[k] for k in keys], [p for _, p in named], grad_outputs=cotangents,
                             allow_unused=True)
    return {path: None if g is None else to_numpy(fw, g) for (path, _), g in zip(named, grads)}


def seeded_transformers_model(name, config, seed):
    """transformers' own class `name` with its own initialisation, seeded; biases and LayerNorm parameters are
    then drawn too, as in build_torch."""
    import transformers
    torch = frameworks.reference()
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = getattr(transformers, name)(transformers_config(config))
        draw_biases_and_norm_weights(torch, model)
    return model.eval()


def run_transformers_case(case):
    """transformers' model and bert_cases' model (built on torch, or on mtv2) loaded with its state dict:
    the same outputs and the same parameter gradients. On torch this is torch against torch: the proof that
    bert_cases' model is BERT; on mtv2 it is mtv2 running transformers' weights end to end."""
    import transformers
    torch, mtv2 = frameworks.reference(), frameworks.candidate()
    fw = mtv2 if case.options["framework"] == "mtv2" else torch
    config = small_config(case.options["attention"])
    theirs = seeded_transformers_model(case.name, config, seed_of(f"{case.case_id}#weights"))
    ours = getattr(bert(fw), case.name)(config)
    if fw is torch:
        ours.load_state_dict(theirs.state_dict())
        names, backward_tol = HF_NAMES, DEFAULT_TOL
    else:
        load_torch_weights(ours, theirs)
        names, backward_tol = ("mtv2", "transformers"), LAYER_NORM_BACKWARD_TOL
    ours.eval()
    positional, keywords = layer_inputs(case.name, config, batch_for(padded=True), rng_for(case.case_id))
    note = (f"{'torch vs torch: bert_cases' if fw is torch else 'mtv2'} (mtv2_ms column) against transformers "
            f"{transformers.__version__} (torch_ms column)")
    results = {}

    mine = timed(lambda: _ours_outputs(fw, case.name, ours, positional, keywords))
    ref = timed(lambda: _transformers_outputs(case.name, theirs, positional, keywords))
    if mine.exception or ref.exception:
        return {check: _raised_result(mine, ref) for check in case.checks}
    comparisons = [(key, compare(to_numpy(fw, mine.value[key]), to_numpy(torch, ref.value[key]), DEFAULT_TOL, names))
                   for key in HF_OUTPUTS[case.name]]
    results["forward"] = result_of(comparisons, DEFAULT_TOL, mine.ms, ref.ms,
                                   note=f"{', '.join(HF_OUTPUTS[case.name])}; {note}")

    seed = seed_of(f"{case.case_id}#cotangent")
    mine = timed(lambda: _parameter_gradients(fw, _ours_outputs(fw, case.name, ours, positional, keywords), ours, seed))
    ref = timed(lambda: _parameter_gradients(
        torch, _transformers_outputs(case.name, theirs, positional, keywords), theirs, seed))
    if mine.exception or ref.exception:
        results["backward"] = _raised_result(mine, ref)
        return results
    comparisons = []
    differing = sorted(set(mine.value) ^ set(ref.value))
    if differing:
        comparisons.append(("parameters", Comparison(False, detail=f"parameter names differ: {differing}")))
    for path in sorted(set(mine.value) & set(ref.value)):
        m, t = mine.value[path], ref.value[path]
        if (m is None) != (t is None):
            comparisons.append((path, Comparison(False, detail="gradient None on one side only")))
        elif t is not None:
            comparisons.append((path, compare(m, t, backward_tol, names)))
    results["backward"] = result_of(comparisons, backward_tol, mine.ms, ref.ms,
                                    note=f"{len(comparisons)} parameter gradients; {note}")
    return results


def transformers_cases():
    return [BertCase(name, f"{'mtv2_' if framework == 'mtv2' else ''}vs_transformers"
                           f"{'' if attention == 'eager' else '_sdpa'}",
                     ("forward", "backward"), run_transformers_case,
                     options=dict(attention=attention, framework=framework))
            for name in HF_CLASSES for framework in ("torch", "mtv2") for attention in ("eager", "sdpa")]


# ---- training --------------------------------------------------------------------------------
LEARNING_RATE, WEIGHT_DECAY = 1e-3, 0.01


def training_batches(case, count=TRAIN_STEPS):
    rng = rng_for(case.case_id, "mlm")
    return [text.mask_tokens(batch, rng) for batch in text.training_batches(count, SEQ_LEN)]


def train(fw, model, batches):
    """AdamW steps of MLM, one per batch -> [(loss before the step, {parameter: value after the step})]."""
    optimizer = fw.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    model.train()
    trajectory = []
    for batch, labels in batches:
        optimizer.zero_grad()
        loss = mlm_forward(fw, model, batch, labels)["loss"]
        loss.backward()
        optimizer.step()
        trajectory.append((to_numpy(fw, loss), {name: to_numpy(fw, p) for name, p in model.named_parameters()}))
    return trajectory


def run_training_parity(case):
    """The same weights and batches, dropout 0: the loss at every step and every parameter after every step
    within float32 tolerance of torch; the row's err_ratio is the worst over the steps, its detail the first
    diverging step."""
    torch, mtv2 = frameworks.reference(), frameworks.candidate()
    models = model_pair("BertForMaskedLM", small_config(), seed_of(f"{case.case_id}#weights"))
    batches = training_batches(case)
    ran = {fw: timed(lambda fw=fw: train(fw, models[fw], batches)) for fw in (torch, mtv2)}
    return _trajectory_rows(ran, torch, mtv2, lambda theirs: (
        f"{len(batches)} AdamW steps (lr {LEARNING_RATE}, weight_decay {WEIGHT_DECAY}), {len(theirs[0][1])} parameters"))


def _trajectory_rows(ran, torch, mtv2, describe):
    """The trajectory row of two training runs: the loss and every parameter after every step; the note is
    describe(torch's trajectory) and torch's losses."""
    if ran[torch].exception or ran[mtv2].exception:
        return {"trajectory": _raised_result(ran[mtv2], ran[torch])}
    comparisons = []
    for step, (mine_step, their_step) in enumerate(zip(ran[mtv2].value, ran[torch].value)):
        (mine_loss, mine_params), (their_loss, their_params) = mine_step, their_step
        comparisons.append((f"step {step + 1} loss", compare(mine_loss, their_loss)))
        comparisons += [(f"step {step + 1} {name}", compare(mine_params.get(name), value))
                        for name, value in their_params.items()]
    losses = ", ".join(f"{float(loss):.4f}" for loss, _ in ran[torch].value)
    note = f"{describe(ran[torch].value)}; torch losses {losses}"
    return {"trajectory": result_of(comparisons, DEFAULT_TOL, ran[mtv2].ms, ran[torch].ms, note=note)}


def build_from_seed(fw, name, config, seed):
    """bert_cases' class `name` built in fw from `seed` alone: construction (default init), transformers'
    initialisation, then the drawn biases and LayerNorm weights, all from fw's generator. mtv2's generator being
    torch's, the two frameworks' builds hold the same weights without any copying."""
    saved = fw.get_rng_state()
    try:
        fw.manual_seed(seed)
        module = bert(fw).init_weights(getattr(bert(fw), name)(config), config)
        draw_biases_and_norm_weights(fw, module)
        return module, bytes(np.asarray(to_numpy(fw, fw.get_rng_state())))
    finally:
        fw.set_rng_state(saved)


def run_seeded_weights(case):
    """The model built from the same seed in torch and in mtv2 (nothing copied): every parameter and buffer equal
    bit for bit, and the generators left in the same state."""
    torch, mtv2 = frameworks.reference(), frameworks.candidate()
    config = base_config() if case.options.get("base") else small_config()
    seed = seed_of(f"{case.case_id}#weights")
    ran = {fw: timed(lambda fw=fw: build_from_seed(fw, "BertForMaskedLM", config, seed)) for fw in (torch, mtv2)}
    if ran[torch].exception or ran[mtv2].exception:
        return {"forward": _raised_result(ran[mtv2], ran[torch])}
    (theirs, their_state), (mine, my_state) = ran[torch].value, ran[mtv2].value
    mine_state_dict = mine.state_dict()
    comparisons = [(name, compare(to_numpy(mtv2, mine_state_dict[name]) if name in mine_state_dict else None,
                                  to_numpy(torch, value), EXACT_TOL))
                   for name, value in theirs.state_dict().items()]
    problems = [] if my_state == their_state else ["the generators' states differ after the build"]
    note = (f"{len(comparisons)} tensors, {sum(p.numel() for p in theirs.parameters())} parameters, built from seed "
            f"{seed} in each framework (hidden {config.hidden_size}, {config.num_hidden_layers} layers)")
    return {"forward": result_of(comparisons, EXACT_TOL, ran[mtv2].ms, ran[torch].ms, note=note, problems=problems)}


def run_training_with_dropout(case):
    """Both models built from the same seed (no copying), dropout 0.1 on (hidden and attention), the generators
    seeded alike before training: the masks are the same draws in both frameworks, so the losses and every
    parameter after every AdamW step agree within float32 tolerance, as with dropout off."""
    torch, mtv2 = frameworks.reference(), frameworks.candidate()
    config = small_config(hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1,
                          attention=case.options.get("attention", "eager"))
    seed = seed_of(f"{case.case_id}#weights")
    models = {fw: build_from_seed(fw, "BertForMaskedLM", config, seed)[0] for fw in (torch, mtv2)}
    batches = training_batches(case)

    def train_seeded(fw):
        saved = fw.get_rng_state()
        try:
            fw.manual_seed(seed_of(f"{case.case_id}#dropout"))
            return train(fw, models[fw], batches)
        finally:
            fw.set_rng_state(saved)
    ran = {fw: timed(lambda fw=fw: train_seeded(fw)) for fw in (torch, mtv2)}
    return _trajectory_rows(ran, torch, mtv2, lambda theirs: (
        f"dropout 0.1 on, masks from the seeded generators; {len(batches)} AdamW steps (lr {LEARNING_RATE}, "
        f"weight_decay {WEIGHT_DECAY})"))


def training_cases():
    return [BertCase("BertForMaskedLM", "train_adamw_10_steps", ("trajectory",), run_training_parity),
            BertCase("BertForMaskedLM", "train_adamw_10_steps_dropout", ("trajectory",), run_training_with_dropout),
            BertCase("BertForMaskedLM", "train_adamw_10_steps_dropout_sdpa", ("trajectory",),
                     run_training_with_dropout, options={"attention": "sdpa"}),
            BertCase("BertForMaskedLM", "seeded_weights", ("forward",), run_seeded_weights),
            BertCase("BertForMaskedLM", "seeded_weights_base_layer", ("forward",), run_seeded_weights,
                     options={"base": True})]

# ---- text ----------------------------------------------------------------------------------
def run_text_case(case):
    """The project's vocabulary and transformers' tokenizer give BERT's input format (no framework involved:
    these are the batches every other case feeds both frameworks)."""
    from bert_cases.make_vocab import make_vocab
    tok = text.tokenizer()
    shipped = text.VOCAB_PATH.read_text(encoding="utf-8").splitlines()
    ids = {token: text.special_id(token) for token in text.SPECIAL_TOKENS}
    cls, sep, pad = ids["[CLS]"], ids["[SEP]"], ids["[PAD]"]
    tokens = [tok.tokenize(sentence) for sentence in text.SENTENCES]
    single = text.encode(text.SENTENCES[:1], SEQ_LEN)
    pair = text.encode(text.PAIRS[:1], SEQ_LEN, pairs=True)
    length = int(single["attention_mask"][0].sum())
    seps = np.flatnonzero(pair["input_ids"][0] == sep)
    batches = [text.padded_batch(SEQ_LEN), text.unpadded_batch(SEQ_LEN)] + text.training_batches(TRAIN_STEPS, SEQ_LEN)
    claims = [
        ("bert_cases/vocab.txt is what `python -m bert_cases.make_vocab` writes", shipped == make_vocab()),
        ("[PAD] [UNK] [CLS] [SEP] [MASK] are ids 0-4; [PAD] is the models' pad_token_id",
         list(ids.values()) == [0, 1, 2, 3, 4] and tok.pad_token_id == BertConfig.pad_token_id == 0),
        ("no sample sentence has an [UNK] token", all("[UNK]" not in t for t in tokens)),
        ("rare words are split into ##-continued WordPiece pieces",
         any(t.startswith("##") for ts in tokens for t in ts)),
        ("a single sentence is [CLS] ... [SEP] then [PAD], attention_mask 1 exactly before the padding",
         single["input_ids"][0, 0] == cls and single["input_ids"][0, length - 1] == sep
         and bool(np.all(single["input_ids"][0, length:] == pad))
         and np.array_equal(single["attention_mask"][0] == 1, single["input_ids"][0] != pad)),
        ("a pair is [CLS] A [SEP] B [SEP] with token_type_ids 0 through the first [SEP], 1 after",
         pair["input_ids"][0, 0] == cls and len(seps) == 2
         and bool(np.all(pair["token_type_ids"][0, :seps[0] + 1] == 0))
         and bool(np.all(pair["token_type_ids"][0, seps[0] + 1:seps[1] + 1] == 1))),
        ("every batch has ids below the small config's vocab_size",
         all(int(b["input_ids"].max()) < small_config().vocab_size for b in batches)),
    ]
    problems = [f"claim broken: '{claim}'" for claim, holds in claims if not holds]
    detail = "; ".join(problems or [f"{len(claims)} claims hold; vocabulary of {len(shipped)} tokens"])
    return {"forward": CheckResult("fail" if problems else "pass", detail, tol_source="exact")}


def text_cases():
    return [BertCase("text.BertTokenizerFast", "project_wordpiece_vocab", ("forward",), run_text_case, dtype="int64")]


# ---- the case table --------------------------------------------------------------------------
def all_bert_cases():
    from bert_cases.mechanics_cases import mechanics_cases   # it builds on this module's helpers
    return text_cases() + layer_cases() + transformers_cases() + mechanics_cases() + training_cases()
