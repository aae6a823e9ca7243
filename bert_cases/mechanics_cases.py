"""BERT mechanics cases (rows of kind=bert, name mechanics.<what>): how the attention mask is built and applied,
token types, [MASK] tokens and the MLM loss, sequences at max_position_embeddings.

Each case is a probe(fw, module, case) -> (values, claims): the claims [(statement, holds)] must hold in mtv2
AND in torch (a claim torch breaks is a wrong claim and fails the row too); the values {name: numpy array or
plain value} behind them are compared between the frameworks. Modules come from bert_cases.cases.model_pair
(seeded torch weights copied into mtv2), small configuration, dropout 0.
"""
import math

import numpy as np

from bert_cases import text
from bert_cases.cases import (ATOL, BATCH, DEFAULT_TOL, EXACT_TOL, RTOL, SEQ_LEN, BertCase, _raised_result,
                              compare, compare_leaves, mlm_forward, model_pair, result_of, small_config)
from bert_cases.model import extended_attention_mask
from conformance import frameworks
from conformance.frameworks import to_numpy
from conformance.inputs import rng_for, seed_of
from conformance.outcome import timed

F32_MIN = float(np.finfo(np.float32).min)


def run_mechanics_case(case):
    torch, mtv2 = frameworks.reference(), frameworks.candidate()
    options = case.options
    models = model_pair(options["model"], small_config(options.get("attention", "eager")),
                        seed_of(f"{case.case_id}#weights"))
    ran = {fw: timed(lambda fw=fw: options["probe"](fw, models[fw].train(), case)) for fw in (torch, mtv2)}
    check = case.checks[0]
    if ran[torch].exception or ran[mtv2].exception:
        return {check: _raised_result(ran[mtv2], ran[torch])}
    (mine, mine_claims), (theirs, their_claims) = ran[mtv2].value, ran[torch].value
    problems = [f"torch breaks the claim '{claim}'" for claim, holds in their_claims if not holds]
    problems += [f"mtv2 breaks the claim '{claim}'" for claim, holds in mine_claims if not holds]
    exact = options.get("exact", ())
    comparisons = compare_leaves(sorted(mine.items()), sorted(theirs.items()), DEFAULT_TOL)
    comparisons = [(path, compare(mine[path], theirs[path], EXACT_TOL) if path in exact else comparison)
                   for path, comparison in comparisons]
    held = sum(mine_holds and their_holds for (_, mine_holds), (_, their_holds) in zip(mine_claims, their_claims))
    note = f"{held} of {len(their_claims)} claims hold in both; {', '.join(sorted(theirs))} compared"
    return {check: result_of(comparisons, DEFAULT_TOL, ran[mtv2].ms, ran[torch].ms, note=note, problems=problems)}


def mechanics_case(what, model, probe, check="forward", variant="small_padded_eager", **options):
    return BertCase(f"mechanics.{what}", variant, (check,), run_mechanics_case,
                    options=dict(model=model, probe=probe, **options))


def set_attention(module, implementation):
    for sub in module.modules():
        if hasattr(sub, "attn_implementation"):
            sub.attn_implementation = implementation
    return module


def close(a, b, atol=ATOL, rtol=RTOL):
    return a.shape == b.shape and bool(np.all(np.abs(a.astype(np.float64) - b) <= atol + rtol * np.abs(b)))


def log_softmax64(logits):
    shifted = logits.astype(np.float64) - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def hidden_input(case, rows=BATCH, seq=SEQ_LEN, width=64):
    return rng_for(case.case_id, "hidden").standard_normal((rows, seq, width)).astype(np.float32)


def probe_extended_mask(fw, attention, case):
    mask = text.padded_batch(SEQ_LEN)["attention_mask"]
    extended = to_numpy(fw, extended_attention_mask(fw, fw.tensor(mask), fw.float32))
    expected = ((1 - mask) * np.float32(F32_MIN)).astype(np.float32)[:, None, None, :]
    hidden = fw.tensor(hidden_input(case))
    output = attention(hidden, fw.tensor(mask))
    probs = to_numpy(fw, attention.last_attention_probs)
    with fw.no_grad():   # the scores by hand, in the same framework: q k^T / sqrt(d) + extended mask
        query, key = attention.heads(attention.query(hidden)), attention.heads(attention.key(hidden))
        scores = fw.matmul(query, key.transpose(-1, -2)) / math.sqrt(attention.attention_head_size)
        by_hand = to_numpy(fw, fw.nn.functional.softmax(scores + fw.tensor(extended), dim=-1))
    padded_keys = np.broadcast_to(mask[:, None, None, :] == 0, probs.shape)
    claims = [("the extended mask has shape (batch, 1, 1, key)", extended.shape == (BATCH, 1, 1, SEQ_LEN)),
              ("extended mask == (1 - mask) * finfo(float32).min, bit for bit", np.array_equal(extended, expected)),
              ("softmax(scores + extended mask) computed by hand == the layer's attention probabilities",
               np.array_equal(by_hand, probs)),
              ("attention probabilities at padded keys are exactly 0", bool(np.all(probs[padded_keys] == 0))),
              ("attention probabilities sum to 1 over the keys",
               close(probs.sum(-1), np.ones(probs.shape[:-1]), 1e-6, 0))]
    return {"extended_mask": extended, "attention_probs": probs, "output": to_numpy(fw, output)}, claims


def probe_sdpa_bool_mask(fw, attention, case):
    mask = text.padded_batch(SEQ_LEN)["attention_mask"]
    hidden = fw.tensor(hidden_input(case))
    eager = to_numpy(fw, set_attention(attention, "eager")(hidden, fw.tensor(mask)))
    sdpa = to_numpy(fw, set_attention(attention, "sdpa")(hidden, fw.tensor(mask)))
    bool_mask = to_numpy(fw, fw.tensor(mask)[:, None, None, :].to(fw.bool))
    extended = to_numpy(fw, extended_attention_mask(fw, fw.tensor(mask), fw.float32))
    claims = [("the boolean sdpa mask is True exactly where the extended mask is 0",
               np.array_equal(bool_mask, extended == 0)),
              ("eager (extended mask added to scores) == sdpa (boolean mask) within float32 tolerance",
               close(eager, sdpa))]
    return {"eager": eager, "sdpa": sdpa, "bool_mask": bool_mask}, claims


def probe_unpadded_mask(fw, model, case):
    batch = text.unpadded_batch(SEQ_LEN)
    ids, types, mask = (fw.tensor(batch[k]) for k in ("input_ids", "token_type_ids", "attention_mask"))
    extended = to_numpy(fw, extended_attention_mask(fw, mask, fw.float32))
    values, claims = {"extended_mask": extended}, [("an unpadded batch's extended mask is all zeros",
                                                    bool(np.all(extended == 0)))]
    for attention in ("eager", "sdpa"):
        set_attention(model, attention)
        with_mask = model(ids, mask, types)
        no_mask = model(ids, None, types)
        for key in ("last_hidden_state", "pooler_output"):
            a, b = to_numpy(fw, with_mask[key]), to_numpy(fw, no_mask[key])
            values[f"{attention}.{key}"] = a
            if attention == "eager":   # adding zeros to the scores changes nothing, bit for bit
                claims.append((f"eager {key} with the all-ones mask == with no mask, bit for bit",
                               np.array_equal(a, b)))
            else:
                claims.append((f"sdpa {key} with the all-True mask == with no mask", close(a, b)))
    return values, claims


def probe_padding_invariance(fw, model, case):
    batch = text.padded_batch(SEQ_LEN)
    mask = batch["attention_mask"]
    rng = rng_for(case.case_id, "pad tokens")
    changed = {key: value.copy() for key, value in batch.items()}
    pads = mask == 0
    changed["input_ids"][pads] = rng.integers(5, text.vocab_size(), int(pads.sum()))
    changed["token_type_ids"][pads] = 1
    real = int(mask[1].sum())
    alone = {key: value[1:, :real] for key, value in batch.items()}

    def run(b):
        out = model(*(fw.tensor(b[k]) for k in ("input_ids", "attention_mask", "token_type_ids")))
        return to_numpy(fw, out["last_hidden_state"]), to_numpy(fw, out["pooler_output"])

    values, claims = {}, []
    for attention in ("eager", "sdpa"):
        set_attention(model, attention)
        hidden, pooled = run(batch)
        (hidden_changed, pooled_changed), (hidden_alone, pooled_alone) = run(changed), run(alone)
        values.update({f"{attention}.last_hidden_state": hidden, f"{attention}.pooler_output": pooled,
                       f"{attention}.unpadded_alone": hidden_alone})
        claims += [(f"{attention}: other tokens at padded positions leave real positions' outputs unchanged",
                    close(hidden_changed[mask == 1], hidden[mask == 1]) and close(pooled_changed, pooled)),
                   (f"{attention}: the padded row's real positions == the same sentence run alone without padding",
                    close(hidden[1, :real], hidden_alone[0]) and close(pooled[1], pooled_alone[0]))]
    return values, claims


def probe_fully_padded_row(fw, attention, case):
    mask = text.padded_batch(SEQ_LEN)["attention_mask"].copy()
    mask[1] = 0
    hidden = fw.tensor(hidden_input(case))
    eager = to_numpy(fw, set_attention(attention, "eager")(hidden, fw.tensor(mask)))
    probs = to_numpy(fw, attention.last_attention_probs)
    sdpa = to_numpy(fw, set_attention(attention, "sdpa")(hidden, fw.tensor(mask)))
    with fw.no_grad():
        value = attention.heads(attention.value(hidden))          # (batch, heads, seq, head)
        mean_value = to_numpy(fw, value.mean(dim=2, keepdim=True).expand(value.shape).transpose(1, 2)
                              .reshape(hidden.shape))
    claims = [("eager: every score of the fully padded row is finfo.min + score == finfo.min, so softmax is "
               "uniform (1/seq)", close(probs[1], np.full(probs[1].shape, 1.0 / SEQ_LEN), 1e-7, 0)),
              ("eager: the fully padded row's output is the mean of the values", close(eager[1], mean_value[1])),
              ("sdpa: torch's safe softmax gives a fully masked row all-zero output, not NaN",
               bool(np.all(sdpa[1] == 0))),
              ("the other row is unaffected: eager == sdpa there", close(eager[0], sdpa[0]))]
    return {"eager": eager, "sdpa": sdpa, "eager_probs": probs}, claims


def probe_token_type_ids(fw, embeddings, case):
    batch = text.padded_batch(SEQ_LEN)
    ids, types = batch["input_ids"], batch["token_type_ids"]
    sep = text.special_id("[SEP]")
    first_sep = int(np.flatnonzero(ids[0] == sep)[0])
    out = to_numpy(fw, embeddings(fw.tensor(ids), fw.tensor(types)))
    zeros = to_numpy(fw, embeddings(fw.tensor(ids), fw.tensor(np.zeros_like(types))))
    omitted = to_numpy(fw, embeddings(fw.tensor(ids), None))
    weights = {name: to_numpy(fw, p).astype(np.float64) for name, p in embeddings.named_parameters()}
    summed = (weights["word_embeddings.weight"][ids] + weights["token_type_embeddings.weight"][types]
              + weights["position_embeddings.weight"][np.arange(SEQ_LEN)])
    normed = (summed - summed.mean(-1, keepdims=True)) / np.sqrt(summed.var(-1, keepdims=True) + 1e-12)
    by_hand = normed * weights["LayerNorm.weight"] + weights["LayerNorm.bias"]
    segment_b = types == 1
    claims = [("pair row: token_type_ids are 0 through the first [SEP] and 1 after it",
               bool(np.all(types[0, :first_sep + 1] == 0) and np.all(types[0, first_sep + 1:] == 1))),
              ("single-sentence row: token_type_ids all 0", bool(np.all(types[1] == 0))),
              ("token_type_ids omitted == all zeros, bit for bit", np.array_equal(omitted, zeros)),
              ("segment A positions are unchanged by the pair's token types, bit for bit",
               np.array_equal(out[~segment_b], zeros[~segment_b])),
              ("every segment B position is changed by its token type",
               bool(np.all(np.any(out[segment_b] != zeros[segment_b], -1)))),
              ("LayerNorm(word + token_type + position embeddings) by hand (float64) == the output",
               close(out, by_hand))]
    return {"embeddings": out, "embeddings_zero_types": zeros, "token_type_ids": types}, claims


def masked_batch(case, fraction=0.25):
    return text.mask_tokens(text.padded_batch(SEQ_LEN), rng_for(case.case_id, "mlm"), fraction)


def hand_mlm_loss(logits, labels):
    counted = labels != text.IGNORE_INDEX
    log_probs = log_softmax64(logits[counted])
    return -log_probs[np.arange(log_probs.shape[0]), labels[counted]].mean()


def probe_multiple_masks(fw, model, case):
    batch, labels = masked_batch(case, fraction=0.4)
    is_mask = batch["input_ids"] == text.special_id("[MASK]")
    out = mlm_forward(fw, model, batch, labels)
    logits, loss = to_numpy(fw, out["logits"]), to_numpy(fw, out["loss"])
    without_labels = to_numpy(fw, mlm_forward(fw, model, batch, None)["logits"])
    claims = [("every row has at least 3 [MASK] tokens", bool(np.all(is_mask.sum(1) >= 3))),
              ("labels are set (!= -100) exactly at the [MASK] positions",
               np.array_equal(labels != text.IGNORE_INDEX, is_mask)),
              ("the logits do not depend on the labels, bit for bit", np.array_equal(logits, without_labels)),
              ("the loss is the mean cross-entropy over all [MASK] positions, by hand (float64)",
               close(loss, np.array(hand_mlm_loss(logits, labels))))]
    return {"logits": logits, "loss": loss}, claims


def probe_mask_visible(fw, model, case):
    batch, labels = masked_batch(case)
    ids, mask = batch["input_ids"], batch["attention_mask"]
    is_mask = ids == text.special_id("[MASK]")
    logits = to_numpy(fw, mlm_forward(fw, model, batch, labels)["logits"])
    probs = [to_numpy(fw, layer.attention.self.last_attention_probs) for layer in model.bert.encoder.layer]
    row, column = map(int, np.argwhere(is_mask)[0])
    other = dict(batch, input_ids=ids.copy())
    other["input_ids"][row, column] = text.special_id("[UNK]")
    other_logits = to_numpy(fw, mlm_forward(fw, model, other, labels)["logits"])
    elsewhere = (mask[row] == 1) & (np.arange(SEQ_LEN) != column)
    claims = [("the attention mask is 1 at every [MASK] position (masking for MLM is not attention masking)",
               bool(np.all(mask[is_mask] == 1))),
              ("in every layer, every real query attends to every [MASK] key with probability > 0",
               all(bool(np.all(p[b, :, mask[b] == 1, k] > 0)) for p in probs for b, k in np.argwhere(is_mask))),
              ("the token at a [MASK] position changes the logits at the row's other positions",
               bool(np.all(np.any(other_logits[row, elsewhere] != logits[row, elsewhere], -1))))]
    values = {f"layer{i}.attention_probs": p for i, p in enumerate(probs)}
    values["logits"] = logits
    return values, claims


def probe_mlm_loss_ignore(fw, model, case):
    batch, labels = masked_batch(case)
    out = mlm_forward(fw, model, batch, labels)
    grad, = fw.autograd.grad(out["loss"], out["logits"])
    logits, loss, grad = to_numpy(fw, out["logits"]), to_numpy(fw, out["loss"]), to_numpy(fw, grad)
    counted = labels != text.IGNORE_INDEX
    hand_grad = np.zeros(logits.shape)
    hand_grad[counted] = np.exp(log_softmax64(logits[counted]))
    hand_grad[counted, labels[counted]] -= 1.0
    hand_grad /= counted.sum()
    claims = [("the loss == mean cross-entropy over the labels != -100 only, by hand (float64)",
               close(loss, np.array(hand_mlm_loss(logits, labels)))),
              ("the logits' gradient is exactly 0 at every position with label -100",
               bool(np.all(grad[~counted] == 0))),
              ("the logits' gradient is nonzero at every labelled position",
               bool(np.all(np.any(grad[counted] != 0, -1)))),
              ("the logits' gradient == (softmax - one_hot) / number of labels, by hand (float64)",
               close(grad, hand_grad))]
    return {"loss": loss, "logits_grad": grad}, claims


def probe_all_labels_ignored(fw, model, case):
    batch, labels = masked_batch(case)
    labels = np.full_like(labels, text.IGNORE_INDEX)
    out = mlm_forward(fw, model, batch, labels)
    grads = fw.autograd.grad(out["loss"], [out["logits"], model.bert.embeddings.word_embeddings.weight])
    loss, logits_grad, word_grad = to_numpy(fw, out["loss"]), to_numpy(fw, grads[0]), to_numpy(fw, grads[1])
    claims = [("the loss is NaN (torch's mean over zero counted positions: 0/0)", bool(np.isnan(loss))),
              ("the logits' gradient is all zeros (not NaN)", bool(np.all(logits_grad == 0))),
              ("the (tied) word embeddings' gradient is all zeros", bool(np.all(word_grad == 0)))]
    return {"loss": loss, "logits_grad": logits_grad}, claims


def probe_max_position(fw, model, case):
    limit = model.config.max_position_embeddings
    batch = text.encode([(text.SENTENCES[16], text.SENTENCES[17])], limit, pairs=True)
    batch, labels = text.mask_tokens(batch, rng_for(case.case_id, "mlm"))
    out = mlm_forward(fw, model, batch, labels)
    longer = {key: np.concatenate([value, value[:, -1:]], axis=1) for key, value in batch.items()}
    try:
        mlm_forward(fw, model, longer, None)
        refusal = "no exception"
    except Exception as exception:
        refusal = next(c for c in type(exception).__mro__ if c.__module__ == "builtins").__name__
    claims = [(f"the pair fills all {limit} positions without padding", bool(np.all(batch["attention_mask"] == 1))),
              (f"logits have shape (1, {limit}, vocab)", tuple(out["logits"].shape) == (1, limit, text.vocab_size())),
              ("the loss is finite", bool(np.isfinite(to_numpy(fw, out["loss"])))),
              (f"{limit + 1} tokens are refused (no position embedding for them)", refusal != "no exception")]
    return {"logits": to_numpy(fw, out["logits"]), "loss": to_numpy(fw, out["loss"]),
            f"exception_at_{limit + 1}": refusal}, claims


def mechanics_cases():
    return [
        mechanics_case("extended_mask", "BertSelfAttention", probe_extended_mask),
        mechanics_case("sdpa_bool_mask", "BertSelfAttention", probe_sdpa_bool_mask),
        mechanics_case("unpadded_mask", "BertModel", probe_unpadded_mask, variant="small_unpadded"),
        mechanics_case("padding_invariance", "BertModel", probe_padding_invariance, variant="small_padded"),
        mechanics_case("fully_padded_row", "BertSelfAttention", probe_fully_padded_row, variant="small_padded"),
        mechanics_case("token_type_ids", "BertEmbeddings", probe_token_type_ids, variant="small_pair",
                       exact=("token_type_ids",)),
        mechanics_case("multiple_masks", "BertForMaskedLM", probe_multiple_masks),
        mechanics_case("mask_visible", "BertForMaskedLM", probe_mask_visible),
        mechanics_case("mlm_loss_ignore_index", "BertForMaskedLM", probe_mlm_loss_ignore, check="backward"),
        mechanics_case("all_labels_ignored", "BertForMaskedLM", probe_all_labels_ignored, check="backward"),
        mechanics_case("max_position_embeddings", "BertForMaskedLM", probe_max_position,
                       variant="small_seq64_eager"),
    ]
