"""Make the project's WordPiece vocabulary: `python -m bert_cases.make_vocab` writes bert_cases/vocab.txt.

Built deterministically from the sample sentences of bert_cases/text.py, split into words exactly as BERT's
tokenizer splits them (tokenizers' BertNormalizer with lower-casing, then BertPreTokenizer):

1. the five special tokens, in BERT's order ([PAD] is id 0, the models' pad_token_id);
2. every character seen, and every character seen inside a word as a "##" continuation, so no word is [UNK];
3. the words seen at least twice, as whole tokens (most frequent first);
4. word starts and "##" word endings shared by at least two of the rarer words (e.g. "##ing", "##s").

So frequent words are single tokens and rare ones split into pieces, as in real BERT; ties are broken
alphabetically, so running the script twice writes the same file.
"""
import argparse
from collections import Counter

from bert_cases.text import PAIRS, SENTENCES, SPECIAL_TOKENS, VOCAB_PATH

WHOLE_WORD_MIN_COUNT = 2
PIECE_MIN_COUNT = 2
PIECE_LENGTHS = (2, 3, 4)


def sample_texts():
    return list(SENTENCES) + [text for pair in PAIRS for text in pair]


def words_of(texts):
    from tokenizers.normalizers import BertNormalizer
    from tokenizers.pre_tokenizers import BertPreTokenizer
    normalizer, pre_tokenizer = BertNormalizer(lowercase=True), BertPreTokenizer()
    return [word for text in texts
            for word, _ in pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(text))]


def _by_count(counter, min_count):
    return [item for item, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])) if count >= min_count]


def make_vocab(texts=None):
    words = words_of(texts or sample_texts())
    counts = Counter(words)
    characters = sorted({c for word in words for c in word})
    continuations = sorted({f"##{c}" for word in words for c in word[1:]})
    whole = _by_count(counts, WHOLE_WORD_MIN_COUNT)
    rare = [word for word in counts if counts[word] < WHOLE_WORD_MIN_COUNT]
    starts = Counter(word[:n] for word in rare for n in PIECE_LENGTHS if len(word) > n)
    endings = Counter(f"##{word[-n:]}" for word in rare for n in PIECE_LENGTHS if len(word) > n)
    tokens = list(SPECIAL_TOKENS)
    for token in characters + continuations + whole + _by_count(starts, PIECE_MIN_COUNT) + \
            _by_count(endings, PIECE_MIN_COUNT):
        if token not in tokens:
            tokens.append(token)
    return tokens


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(VOCAB_PATH))
    args = parser.parse_args(argv)
    tokens = make_vocab()
    with open(args.output, "w", encoding="utf-8") as out:
        out.write("".join(f"{token}\n" for token in tokens))
    print(f"wrote {len(tokens)} tokens to {args.output}")


if __name__ == "__main__":
    main()
