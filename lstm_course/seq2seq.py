"""Plumbing for sequence-to-sequence translation: vocabularies, arrays, decoding, scores.

    src = Vocab.build(pairs_en)                  # token lists -> ids, with <pad> <s> </s> <unk>
    x = src.encode(sentences, length=12)         # (batch, 12) int32, 0-padded
    dec_in, dec_out = teacher_forcing(tgt.encode(targets, length=13, ends=True), tgt)
    ids = greedy_decode(step, x, max_len=14, start=tgt.start, end=tgt.end)
    best = beam_search(step, x[:1], beam=4, max_len=14, start=tgt.start, end=tgt.end)

``step(x, y_in)`` is any function returning next-token probabilities of shape
(batch, len(y_in[0]), vocab) for the decoder inputs ``y_in`` — a Keras model called on
``[x, y_in]`` is one. Because the decoder only looks back, decoding simply grows ``y_in``
one token at a time and re-runs the model; for the short sequences here that costs little
and needs no separate inference model.

Scores: :func:`exact_match` (whole output right), :func:`bleu_chrf` (sacrebleu's corpus
BLEU and chrF, the standard implementations) and two baselines, :func:`copy_source` and
:class:`WordDictionary` (a word-by-word dictionary learned from the training pairs).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from lstm_course._checks import check_bool, check_callable, check_int, describe

PAD, START, END, UNK = "<pad>", "<s>", "</s>", "<unk>"
SPECIALS = (PAD, START, END, UNK)
_WORD = re.compile(r"\w+|[^\w\s]")


def tokenize(text: str) -> list[str]:
    """Lower-case words and single punctuation marks: "Dijo: ¿Dónde?" → dijo : ¿ dónde ?"""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {describe(text)}")
    return _WORD.findall(text.lower())


def detokenize(tokens: Sequence[str]) -> str:
    """Join tokens with spaces, no space before , . ; : ! ? (inverse of tokenize, mostly)."""
    (tokens,) = _check_sentences("tokens", [tokens])
    text = " ".join(tokens)
    return re.sub(r" ([,.;:!?)])", r"\1", text)


def _check_sentences(name: str, sentences) -> list[list[str]]:
    if isinstance(sentences, str) or not isinstance(sentences, Sequence):
        raise TypeError(f"{name} must be a list of token lists, got {describe(sentences)}")
    out = []
    for i, tokens in enumerate(sentences):
        if isinstance(tokens, str) or not isinstance(tokens, Sequence | np.ndarray):
            raise TypeError(f"{name}[{i}] must be a list of str tokens, got {describe(tokens)}")
        tokens = list(tokens)
        if not all(isinstance(t, str) for t in tokens):
            raise TypeError(f"{name}[{i}] must hold only str tokens, got {tokens[:5]!r}")
        out.append(tokens)
    return out


def _check_texts(name: str, value) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list of str sentences, got {describe(value)}")
    if not all(isinstance(t, str) for t in value):
        raise TypeError(f"{name} must hold only str sentences, got {describe(list(value)[:3])}")
    return list(value)


def _check_ids(name: str, value, ndim: int) -> np.ndarray:
    """A non-empty array of non-negative integer ids with ``ndim`` axes."""
    array = np.asarray(value) if not isinstance(value, str | dict) and value is not None else None
    if array is None or array.dtype.kind not in "iu":
        raise TypeError(f"{name} must be an integer array of token ids, got {describe(value)}")
    if array.ndim != ndim or array.size == 0 or (array < 0).any():
        shape = "(batch, length)" if ndim == 2 else "(length,)"
        raise ValueError(
            f"{name} must be a non-empty {shape} array of ids >= 0, got {describe(array)}"
        )
    return array


class Vocab:
    """Token ↔ id table; ids 0-3 are <pad>, <s>, </s>, <unk>."""

    def __init__(self, tokens: Sequence[str]):
        if isinstance(tokens, str) or not isinstance(tokens, Sequence):
            raise TypeError(f"tokens must be a list of str, got {describe(tokens)}")
        tokens = list(tokens)
        if not all(isinstance(t, str) for t in tokens):
            raise TypeError(f"tokens must hold only str, got {tokens[:6]!r}")
        if tokens[: len(SPECIALS)] != list(SPECIALS) or len(set(tokens)) != len(tokens):
            raise ValueError(
                f"tokens must start with {list(SPECIALS)} and hold no duplicate, got "
                f"{tokens[:6]!r}..."
            )
        self.tokens = tokens
        self.index = {t: i for i, t in enumerate(tokens)}
        self.pad, self.start, self.end, self.unk = range(4)

    def __eq__(self, other) -> bool:
        return isinstance(other, Vocab) and other.tokens == self.tokens

    def __repr__(self) -> str:
        return f"Vocab({len(self.tokens)} tokens: {self.tokens[4:9]}...)"

    @classmethod
    def build(cls, sentences, *, min_count: int = 1, max_size: int | None = None) -> Vocab:
        """The vocabulary of token lists: most frequent first, ties alphabetical."""
        sentences = _check_sentences("sentences", sentences)
        min_count = check_int("min_count", min_count, minimum=1)
        counts = Counter(t for s in sentences for t in s if t not in SPECIALS)
        ranked = sorted((t for t, c in counts.items() if c >= min_count),
                        key=lambda t: (-counts[t], t))  # fmt: skip
        if max_size is not None:
            ranked = ranked[: check_int("max_size", max_size, minimum=5) - len(SPECIALS)]
        return cls(list(SPECIALS) + ranked)

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, sentences, length: int, *, ends: bool = False) -> np.ndarray:
        """Token lists → (batch, length) int32 ids, 0-padded on the right.

        Unknown tokens become <unk>; ``ends=True`` appends </s>. Longer sentences are cut.
        """
        sentences = _check_sentences("sentences", sentences)
        length = check_int("length", length, minimum=1)
        ends = check_bool("ends", ends)
        out = np.zeros((len(sentences), length), dtype=np.int32)
        for row, tokens in enumerate(sentences):
            ids = [self.index.get(t, self.unk) for t in tokens] + ([self.end] if ends else [])
            out[row, : min(len(ids), length)] = ids[:length]
        return out

    def decode(self, ids) -> list[str]:
        """One row of ids → tokens, stopping at </s> or <pad>, skipping <s>."""
        ids = _check_ids("ids", ids, ndim=1)
        tokens = []
        for i in ids.tolist():
            if not 0 <= i < len(self.tokens):
                raise ValueError(
                    f"ids holds {i}, outside the vocabulary's ids 0..{len(self.tokens) - 1}"
                )
            if i in (self.end, self.pad):
                break
            if i != self.start:
                tokens.append(self.tokens[i])
        return tokens


def teacher_forcing(targets: np.ndarray, start: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Decoder inputs and outputs for teacher forcing.

    ``targets`` (batch, T) holds the target ids ending in </s> then padding; the decoder
    reads ``[<s>, y1, ..., y_{T-1}]`` and must predict ``[y1, ..., y_T]`` — at each step it
    sees the *true* previous token, not its own guess.
    """
    targets = _check_ids("targets", targets, ndim=2)
    start = check_int("start", start, minimum=0)
    inputs = np.zeros_like(targets)
    inputs[:, 0] = start
    inputs[:, 1:] = targets[:, :-1]
    return inputs, targets


def pair_arrays(sources, targets, source_vocab: Vocab, target_vocab: Vocab, source_len: int,
                target_len: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Token-list pairs → ``(x, y_in, y_out)`` for teacher forcing.

    x: (n, source_len) source ids; y_out: (n, target_len) target ids ending in </s>;
    y_in: y_out shifted right behind <s>. All int32, 0-padded on the right.
    """
    for name, vocab in (("source_vocab", source_vocab), ("target_vocab", target_vocab)):
        if not isinstance(vocab, Vocab):
            raise TypeError(f"{name} must be a Vocab, got {describe(vocab)}")
    sources = _check_sentences("sources", sources)
    targets = _check_sentences("targets", targets)
    source_len = check_int("source_len", source_len, minimum=1)
    target_len = check_int("target_len", target_len, minimum=1)
    if len(sources) != len(targets):
        raise ValueError(f"sources has {len(sources)} sentences, targets {len(targets)}")
    x = source_vocab.encode(sources, source_len)
    y_in, y_out = teacher_forcing(target_vocab.encode(targets, target_len, ends=True),
                                  target_vocab.start)  # fmt: skip
    return x, y_in, y_out


def _probs(step, x, y_in) -> np.ndarray:
    probs = np.asarray(step(x, y_in))
    if probs.ndim != 3 or probs.shape[:2] != y_in.shape:
        raise ValueError(
            f"step must return (batch, time, vocab) = ({y_in.shape[0]}, {y_in.shape[1]}, V) "
            f"probabilities, got {describe(probs)}"
        )
    return probs


def greedy_decode(step: Callable, x: np.ndarray, *, max_len: int, start: int = 1,
                  end: int = 2) -> np.ndarray:  # fmt: skip
    """Greedy decoding: at each step keep the most probable next token.

    Args:
        step: ``step(x, y_in) -> (batch, t, vocab)`` next-token probabilities.
        x: (batch, source_len) encoder inputs.
        max_len: how many tokens to generate at most.

    Returns:
        (batch, max_len) int32 ids; after </s> a row holds only </s> and padding.
    """
    check_callable("step", step)
    max_len = check_int("max_len", max_len, minimum=1)
    x = _check_ids("x", x, ndim=2)
    start = check_int("start", start, minimum=0)
    end = check_int("end", end, minimum=0)
    y = np.zeros((len(x), max_len + 1), dtype=np.int32)
    y[:, 0] = start
    done = np.zeros(len(x), dtype=bool)
    for t in range(max_len):
        probs = _probs(step, x, y[:, : t + 1])
        nxt = probs[:, t].argmax(axis=-1).astype(np.int32)
        y[:, t + 1] = np.where(done, 0, nxt)
        done |= nxt == end
        if done.all():
            break
    return y[:, 1:]


def beam_search(step: Callable, x: np.ndarray, *, beam: int = 4, max_len: int, start: int = 1,
                end: int = 2) -> list[tuple[list[int], float]]:  # fmt: skip
    """Beam search for ONE source sentence ``x`` (shape (1, source_len)).

    Keeps the ``beam`` most probable prefixes (sum of log-probabilities) at each step; a
    prefix that produced </s> is finished. Returns the finished hypotheses, best first, as
    (ids without <s> and </s>, log-probability); the best of beam=1 is the greedy output.
    """
    check_callable("step", step)
    beam = check_int("beam", beam, minimum=1, maximum=64)
    max_len = check_int("max_len", max_len, minimum=1)
    x = _check_ids("x", x, ndim=2)
    start = check_int("start", start, minimum=0)
    end = check_int("end", end, minimum=0)
    if len(x) != 1:
        raise ValueError(f"x must hold one sentence, shape (1, source_len), got {describe(x)}")
    alive = [([start], 0.0)]
    finished: list[tuple[list[int], float]] = []
    for t in range(max_len):
        y_in = np.array([ids for ids, _ in alive], dtype=np.int32)
        probs = _probs(step, np.repeat(x, len(alive), axis=0), y_in)[:, t]
        logp = np.log(np.clip(probs, 1e-12, None))
        candidates = [(ids + [k], score + float(logp[i, k]))
                      for i, (ids, score) in enumerate(alive)
                      for k in np.argsort(-logp[i])[:beam].tolist()]  # fmt: skip
        candidates.sort(key=lambda c: -c[1])
        alive = []
        for ids, score in candidates:
            if ids[-1] == end:
                finished.append((ids[1:-1], score))
            elif len(alive) < beam:
                alive.append((ids, score))
            if len(alive) == beam:
                break
        finished.sort(key=lambda c: -c[1])
        # log-probabilities only fall as a prefix grows: once `beam` finished hypotheses
        # beat the best live prefix, no live prefix can enter the top `beam`
        if not alive or (len(finished) >= beam and finished[beam - 1][1] >= alive[0][1]):
            break
    finished += [(ids[1:], score) for ids, score in alive] if not finished else []
    return sorted(finished, key=lambda c: -c[1])[:beam]


def exact_match(predicted, reference) -> np.ndarray:
    """(n,) bool: whether each predicted token list equals its reference exactly."""
    predicted = _check_sentences("predicted", predicted)
    reference = _check_sentences("reference", reference)
    if len(predicted) != len(reference):
        raise ValueError(f"predicted has {len(predicted)} items, reference {len(reference)}")
    return np.array([p == r for p, r in zip(predicted, reference, strict=True)], dtype=bool)


def bleu_chrf(
    hypotheses: Sequence[str], references: Sequence[str], *, lowercase: bool = True
) -> dict[str, float]:
    """Corpus BLEU and chrF (sacrebleu, 0-100) of detokenised sentences.

    sacrebleu's defaults (13a tokenisation, BLEU up to 4-grams, chrF on character 6-grams)
    except ``lowercase``: the models here write lower case, so both sides are compared
    lower-cased by default.
    """
    hypotheses = _check_texts("hypotheses", hypotheses)
    references = _check_texts("references", references)
    if len(hypotheses) != len(references) or not hypotheses:
        raise ValueError(
            f"need as many hypotheses as references (>= 1), got {len(hypotheses)} and "
            f"{len(references)}"
        )
    lowercase = check_bool("lowercase", lowercase)
    from sacrebleu.metrics import BLEU, CHRF

    hyps, refs = list(hypotheses), [list(references)]
    return {
        "bleu": float(BLEU(lowercase=lowercase).corpus_score(hyps, refs).score),
        "chrf": float(CHRF(lowercase=lowercase).corpus_score(hyps, refs).score),
    }


def copy_source(sources: Sequence[str]) -> list[str]:
    """The copy baseline: the "translation" is the source sentence itself."""
    return _check_texts("sources", sources)


class WordDictionary:
    """A word-by-word dictionary learned from sentence pairs (the dictionary baseline).

    Each source word maps to the target word with the highest Dice coefficient
    2·c(s, t) / (c(s) + c(t)) over the training pairs (c counts the pairs in which the
    words occur), among target words seen with it at least ``min_pairs`` times. Source
    words without an entry are copied (names often are the same in both languages).
    """

    def __init__(self, table: dict[str, str]):
        if not isinstance(table, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in table.items()
        ):
            raise TypeError(f"table must be a dict of str -> str, got {describe(table)}")
        self.table = dict(table)

    def __eq__(self, other) -> bool:
        return isinstance(other, WordDictionary) and other.table == self.table

    def __repr__(self) -> str:
        return f"WordDictionary({len(self.table)} entries)"

    @classmethod
    def fit(cls, sources, targets, *, min_pairs: int = 2) -> WordDictionary:
        sources = _check_sentences("sources", sources)
        targets = _check_sentences("targets", targets)
        if len(sources) != len(targets):
            raise ValueError(f"sources has {len(sources)} sentences, targets {len(targets)}")
        min_pairs = check_int("min_pairs", min_pairs, minimum=1)
        c_src, c_tgt, joint = Counter(), Counter(), Counter()
        for s, t in zip(sources, targets, strict=True):
            s_set, t_set = set(s), set(t)
            c_src.update(s_set)
            c_tgt.update(t_set)
            joint.update((a, b) for a in s_set for b in t_set)
        best: dict[str, tuple[float, str]] = {}
        for (a, b), c in joint.items():
            if c < min_pairs:
                continue
            dice = 2 * c / (c_src[a] + c_tgt[b])
            if a not in best or (dice, b) > best[a]:
                best[a] = (dice, b)
        return cls({a: b for a, (_, b) in best.items()})

    def translate(self, tokens: Sequence[str]) -> list[str]:
        """Replace each token by its entry (or keep it when the dictionary has none)."""
        (tokens,) = _check_sentences("tokens", [tokens])
        return [self.table.get(t, t) for t in tokens]


def replace_unknowns(tokens: Sequence[str], source: Sequence[str], weights,
                     dictionary: WordDictionary) -> list[str]:  # fmt: skip
    """Attention-guided ``<unk>`` replacement (Luong et al. 2015; Jean et al. 2015).

    ``tokens`` is one decoded output, ``source`` the source tokens it came from, and
    ``weights`` (≥ len(tokens), ≥ len(source)) the attention weights of the decoding steps:
    row t says where the decoder looked while it wrote ``tokens[t]``; columns beyond the
    source (padding) are ignored. Every ``<unk>`` becomes the dictionary's translation of the
    source token with the largest weight in its row — the dictionary copies words it lacks,
    which is right for most names. Other tokens are kept.
    """
    (tokens,) = _check_sentences("tokens", [tokens])
    (source,) = _check_sentences("source", [source])
    if not isinstance(dictionary, WordDictionary):
        raise TypeError(f"dictionary must be a WordDictionary, got {describe(dictionary)}")
    try:
        weights = None if isinstance(weights, str | dict) else np.asarray(weights, dtype=float)
    except (TypeError, ValueError):
        weights = None
    if (weights is None or weights.ndim != 2 or weights.shape[0] < len(tokens)
            or weights.shape[1] < len(source) or not np.isfinite(weights).all()):  # fmt: skip
        raise ValueError(
            f"weights must be a finite (>= {len(tokens)}, >= {len(source)}) array of attention "
            f"weights (output steps, source tokens), got {describe(weights)}"
        )
    if UNK in tokens and not source:
        raise ValueError("source is empty: there is no source word to put in for <unk>")
    out = []
    for t, token in enumerate(tokens):
        if token == UNK:
            token = dictionary.translate([source[int(np.argmax(weights[t, : len(source)]))]])[0]
        out.append(token)
    return out
