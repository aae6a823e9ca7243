"""Text for the BERT cases: sample sentences, the project's WordPiece vocabulary (bert_cases/vocab.txt, made by
`python -m bert_cases.make_vocab` from these sentences) and batches tokenized by transformers' BertTokenizerFast.

Batches are numpy int64 arrays (input_ids, token_type_ids, attention_mask), identical for both frameworks; a
case turns them into tensors with fw.tensor. [MASK] positions are chosen by a rng the caller seeds from its
case id, so every batch is deterministic.
"""
import functools
from pathlib import Path

import numpy as np

VOCAB_PATH = Path(__file__).with_name("vocab.txt")
SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
IGNORE_INDEX = -100       # CrossEntropyLoss's default ignore_index: labels of positions that carry no loss

SENTENCES = (
    "the cat sat on the mat.",
    "a dog is running in the park.",
    "she reads a book every evening before sleeping.",
    "the weather was cold and windy all week.",
    "we walked along the river to the old bridge.",
    "my brother plays the guitar in a small band.",
    "the children are playing football in the garden.",
    "he forgot his umbrella and got wet in the rain.",
    "the train to the city leaves at seven in the morning.",
    "they cooked soup with carrots, onions and potatoes.",
    "the museum opens its new exhibition on monday.",
    "birds were singing in the trees near the house.",
    "a small boat sailed slowly across the quiet lake.",
    "the teacher explained the lesson twice to the students.",
    "our neighbours painted their front door bright red.",
    "the library is closed on sundays and public holidays.",
    "after the long meeting, the students walked to the station and waited for the last train home.",
    "every summer my grandmother grows tomatoes, beans and carrots in the small garden behind her house.",
)

PAIRS = (
    ("where is the cat?", "the cat sat on the mat."),
    ("is it raining?", "he forgot his umbrella and got wet in the rain."),
    ("when does the train leave?", "the train to the city leaves at seven in the morning."),
    ("what did they cook?", "they cooked soup with carrots, onions and potatoes."),
)


@functools.cache
def tokenizer():
    """transformers' BertTokenizerFast on the project's vocabulary (lower-casing, WordPiece with ##)."""
    from transformers import BertTokenizerFast
    # transformers 5 takes the vocabulary file as `vocab` (a `vocab_file=` keyword is silently ignored and
    # leaves a tokenizer of the five special tokens only): check the size so that cannot happen unnoticed.
    tok = BertTokenizerFast(vocab=str(VOCAB_PATH), do_lower_case=True)
    expected = len(VOCAB_PATH.read_text(encoding="utf-8").splitlines())
    if tok.vocab_size != expected:
        raise RuntimeError(f"tokenizer has {tok.vocab_size} tokens, {VOCAB_PATH} has {expected}")
    return tok


def vocab_size():
    return tokenizer().vocab_size


def special_id(token):
    return tokenizer().convert_tokens_to_ids(token)


def encode(texts, seq_len, pairs=False):
    """Sentences (or (first, second) pairs) -> dict of int64 arrays of shape (len(texts), seq_len),
    padded with [PAD] and truncated (longest segment first) to seq_len."""
    tok = tokenizer()
    if pairs:
        first, second = zip(*texts)
        encoded = tok(list(first), list(second), padding="max_length", truncation="longest_first",
                      max_length=seq_len, return_token_type_ids=True, return_attention_mask=True)
    else:
        encoded = tok(list(texts), padding="max_length", truncation=True, max_length=seq_len,
                      return_token_type_ids=True, return_attention_mask=True)
    return {key: np.array(encoded[key], dtype=np.int64)
            for key in ("input_ids", "token_type_ids", "attention_mask")}


def stack(*batches):
    return {key: np.concatenate([b[key] for b in batches]) for key in batches[0]}


def padded_batch(seq_len=16):
    """Two rows with padding: a sentence pair (token_type_ids 0 then 1) and a short single sentence."""
    return stack(encode(PAIRS[:1], seq_len, pairs=True), encode(SENTENCES[:1], seq_len))


def unpadded_batch(seq_len=16):
    """Two rows without padding: a long pair and a long single sentence, both truncated to seq_len."""
    batch = stack(encode(PAIRS[2:3], seq_len, pairs=True), encode(SENTENCES[16:17], seq_len))
    if not batch["attention_mask"].all():
        raise ValueError(f"the 'unpadded' sample sentences are shorter than {seq_len} tokens")
    return batch


def training_batches(count, seq_len=16, batch_size=2):
    """`count` batches cycling through the single sentences and pairs (mixed padding)."""
    batches = []
    for i in range(count):
        single = encode([SENTENCES[(2 * i) % len(SENTENCES)]], seq_len)
        pair = encode([PAIRS[i % len(PAIRS)]], seq_len, pairs=True)
        rows = [single, pair][:batch_size]
        batches.append(stack(*rows))
    return batches


def mask_tokens(batch, rng, fraction=0.25, at_least=1):
    """BERT's MLM input: some real (non-special) tokens replaced by [MASK]; labels are the original ids there
    and IGNORE_INDEX elsewhere. -> (masked batch, labels). Every row gets at least `at_least` masks."""
    ids = batch["input_ids"]
    special = np.isin(ids, [special_id(t) for t in SPECIAL_TOKENS])
    labels = np.full_like(ids, IGNORE_INDEX)
    masked = ids.copy()
    for row in range(ids.shape[0]):
        candidates = np.flatnonzero(~special[row])
        count = max(at_least, int(round(fraction * candidates.size)))
        chosen = rng.choice(candidates, size=min(count, candidates.size), replace=False)
        labels[row, chosen] = ids[row, chosen]
        masked[row, chosen] = special_id("[MASK]")
    return dict(batch, input_ids=masked), labels
