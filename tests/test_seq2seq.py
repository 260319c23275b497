"""Vocabularies, teacher forcing, greedy and beam decoding, scores and baselines (notebook 11)."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_course.seq2seq import (
    SPECIALS,
    Vocab,
    WordDictionary,
    beam_search,
    bleu_chrf,
    copy_source,
    detokenize,
    exact_match,
    greedy_decode,
    replace_unknowns,
    teacher_forcing,
    tokenize,
)


def test_tokenize_and_detokenize():
    assert tokenize("Y dijo Dios: ¿Dónde estás tú?") == [
        "y", "dijo", "dios", ":", "¿", "dónde", "estás", "tú", "?",
    ]  # fmt: skip
    assert (
        detokenize(["y", "dijo", "dios", ":", "sea", "la", "luz", "."])
        == "y dijo dios: sea la luz."
    )
    with pytest.raises(TypeError, match="text must be a str"):
        tokenize(["a"])


def test_vocab_round_trip_padding_and_unknowns():
    vocab = Vocab.build([["b", "a", "b"], ["c", "b"]])
    assert vocab.tokens == [*SPECIALS, "b", "a", "c"]
    ids = vocab.encode([["a", "b"], ["c", "zzz", "a", "b"]], length=3, ends=True)
    assert ids.dtype == np.int32 and ids.shape == (2, 3)
    assert ids.tolist() == [[5, 4, 2], [6, 3, 5]]
    assert vocab.decode(ids[0]) == ["a", "b"]
    assert vocab.decode(np.array([1, 6, 3, 2, 4])) == ["c", "<unk>"]
    assert len(Vocab.build([["a", "a", "b"]], min_count=2)) == 5
    assert len(Vocab.build([list("abcdefgh")], max_size=6)) == 6


def test_vocab_refuses_bad_input():
    with pytest.raises(TypeError, match="sentences must be a list of token lists"):
        Vocab.build("a b")
    with pytest.raises(TypeError, match="sentences\\[1\\] must be a list of str tokens"):
        Vocab.build([["a"], "b"])
    with pytest.raises(TypeError, match="only str tokens"):
        Vocab.build([["a", 3]])
    with pytest.raises(ValueError, match="tokens must start with"):
        Vocab(["a", "b"])
    vocab = Vocab.build([["a"]])
    with pytest.raises(ValueError, match="length must be an int >= 1"):
        vocab.encode([["a"]], length=0)
    with pytest.raises(ValueError, match="ids holds 9, outside"):
        vocab.decode([9])
    with pytest.raises(ValueError, match="ids must be a non-empty \\(length,\\)"):
        vocab.decode([[1]])


def test_teacher_forcing_shifts_right_by_one():
    targets = np.array([[5, 6, 2, 0], [7, 2, 0, 0]], dtype=np.int32)
    inputs, outputs = teacher_forcing(targets)
    assert inputs.tolist() == [[1, 5, 6, 2], [1, 7, 2, 0]]
    assert outputs is targets
    with pytest.raises(TypeError, match="targets must be an integer array"):
        teacher_forcing(np.zeros(3))


def _counting_step(vocab_size=6, end=2):
    """A fake decoder: predicts (last token + 1), and </s> after token 4."""

    def step(x, y_in):
        batch, t = y_in.shape
        probs = np.full((batch, t, vocab_size), 0.01)
        nxt = np.where(y_in >= 4, end, y_in + 2)
        nxt = np.where(y_in == 1, x[:, :1], nxt)  # first output: the first source id
        probs[np.arange(batch)[:, None], np.arange(t)[None], nxt] = 1.0
        return probs / probs.sum(-1, keepdims=True)

    return step


def test_greedy_decode_follows_the_argmax_and_stops_at_the_end():
    x = np.array([[3, 0], [4, 0], [5, 0]], dtype=np.int32)
    ids = greedy_decode(_counting_step(), x, max_len=5)
    assert ids.tolist() == [[3, 5, 2, 0, 0], [4, 2, 0, 0, 0], [5, 2, 0, 0, 0]]
    with pytest.raises(ValueError, match="step must return \\(batch, time, vocab\\)"):
        greedy_decode(lambda x, y: np.zeros((1, 1)), x, max_len=3)
    with pytest.raises(TypeError, match="step"):
        greedy_decode(3, x, max_len=3)


def _tree_step(x, y_in):
    """A fake decoder over a fixed tree: after <s>: 3 (0.6) or 4 (0.4); after 3: 5 (0.36),
    3 (0.34) or </s> (0.3); after 4, 5 or a repeated 3: </s> for sure."""
    batch, t = y_in.shape
    probs = np.zeros((batch, t, 6))
    for i in range(batch):
        for j in range(t):
            last, first = y_in[i, j], j == 1
            if last == 1:
                probs[i, j, [3, 4]] = [0.6, 0.4]
            elif last == 3 and first:
                probs[i, j, [5, 3, 2]] = [0.36, 0.34, 0.3]
            else:
                probs[i, j, 2] = 1.0
    return probs


def test_beam_search_finds_what_greedy_misses():
    x = np.array([[3]], dtype=np.int32)
    greedy = greedy_decode(_tree_step, x, max_len=4)[0].tolist()
    assert greedy == [3, 5, 2, 0]  # probability 0.6 * 0.36 = 0.216
    best = beam_search(_tree_step, x, beam=3, max_len=4)
    assert [ids for ids, _ in best] == [[4], [3, 5], [3, 3]]
    assert np.isclose(best[0][1], np.log(0.4)) and np.isclose(best[1][1], np.log(0.216))
    assert beam_search(_tree_step, x, beam=1, max_len=4)[0][0] == [3, 5]  # beam 1 = greedy
    with pytest.raises(ValueError, match="x must hold one sentence"):
        beam_search(_tree_step, np.zeros((2, 3), dtype=np.int32), max_len=3)


def test_exact_match_and_scores():
    assert exact_match([["a"], ["b", "c"]], [["a"], ["b"]]).tolist() == [True, False]
    with pytest.raises(ValueError, match="predicted has 1 items, reference 2"):
        exact_match([["a"]], [["a"], ["b"]])
    refs = ["Y dijo Dios: Sea la luz.", "Y fué la tarde y la mañana el día tercero."]
    perfect = bleu_chrf([r.lower() for r in refs], refs)
    assert perfect["bleu"] == pytest.approx(100) and perfect["chrf"] == pytest.approx(100)
    cased = bleu_chrf([r.lower() for r in refs], refs, lowercase=False)
    assert cased["bleu"] < 100
    assert bleu_chrf(copy_source(["And God said"]), ["Y dijo Dios"])["bleu"] < 5
    with pytest.raises(ValueError, match="as many hypotheses as references"):
        bleu_chrf(["a"], ["a", "b"])
    with pytest.raises(TypeError, match="hypotheses must be a list of str"):
        bleu_chrf("a", ["a"])


def test_word_dictionary_learns_cooccurring_words():
    src = [["god", "said"], ["god", "saw"], ["the", "light"], ["god", "the", "light"]]
    tgt = [["dios", "dijo"], ["vio", "dios"], ["la", "luz"], ["la", "luz", "dios"]]
    table = WordDictionary.fit(src, tgt)
    assert table.table["god"] == "dios"
    assert table.translate(["god", "moses"]) == ["dios", "moses"]
    with pytest.raises(ValueError, match="sources has 1 sentences, targets 2"):
        WordDictionary.fit(src[:1], tgt[:2])


def test_replace_unknowns_puts_in_the_attended_source_words_translation():
    dictionary = WordDictionary({"god": "dios", "said": "dijo"})
    source = ["and", "god", "said", "to", "moses"]
    tokens = ["y", "<unk>", "<unk>", "a", "<unk>", "."]
    weights = np.zeros((7, 6))  # one extra row and column: padding, ignored
    weights[:, 0] = 1.0
    weights[1] = [0.1, 0.2, 0.6, 0.05, 0.05, 0.0]  # looks at "said"
    weights[2] = [0.0, 0.9, 0.1, 0.0, 0.0, 0.0]  # at "god"
    weights[4] = [0.0, 0.0, 0.0, 0.2, 0.3, 0.5]  # column 5 is padding: "moses" wins
    out = replace_unknowns(tokens, source, weights, dictionary)
    assert out == ["y", "dijo", "dios", "a", "moses", "."]  # moses: not in it, copied
    assert tokens[1] == "<unk>"  # the input is left alone
    assert replace_unknowns(["y"], [], np.ones((1, 0)), dictionary) == ["y"]  # nothing to do


def test_replace_unknowns_refuses_bad_input():
    dictionary = WordDictionary({"god": "dios"})
    with pytest.raises(ValueError, match="weights must be"):
        replace_unknowns(["<unk>", "x"], ["god"], np.ones((1, 1)), dictionary)  # too few rows
    with pytest.raises(ValueError, match="weights must be"):
        replace_unknowns(["<unk>"], ["god", "x"], np.ones((1, 1)), dictionary)  # too few columns
    with pytest.raises(ValueError, match="weights must be"):
        replace_unknowns(["<unk>"], ["god"], np.array([[np.nan]]), dictionary)
    with pytest.raises(ValueError, match="source is empty"):
        replace_unknowns(["<unk>"], [], np.ones((1, 0)), dictionary)
    with pytest.raises(TypeError, match="dictionary must be a WordDictionary"):
        replace_unknowns(["<unk>"], ["god"], np.ones((1, 1)), {"god": "dios"})
