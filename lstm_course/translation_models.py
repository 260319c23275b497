"""The two Keras translators of notebook 11, packaged so a training script can rebuild them.

The notebook writes both models out in full for the number task; these builders are the same
architecture, used for the verse checkpoints (``tools/train_translation.py``) and their live
evaluation, so that the stored weights always meet the model they were trained in.

- **plain** encoder–decoder: the encoder LSTM's final state (h, c) is the *only* thing the
  decoder learns about the source;
- **attention**: the decoder also looks at every encoder output at every step through
  ``keras.layers.AdditiveAttention`` (Bahdanau's score v·tanh(W q + U k)), and the context
  vector joins the decoder state before the output layer (as in Luong et al. 2015).
"""

from __future__ import annotations

import json
import os

import numpy as np

from lstm_course._checks import check_bool, check_choice, check_int, check_number

KINDS = ("attention", "plain")


def build_translator(
    source_vocab: int,
    target_vocab: int,
    *,
    units: int = 96,
    embed: int = 48,
    attention: bool = True,
    learning_rate: float = 3e-3,
    dropout: float = 0.0,
):
    """An encoder–decoder LSTM, compiled; returns ``(model, scores_model)``.

    ``model([source (batch, S), target_in (batch, T)])`` → (batch, T, target_vocab)
    next-token probabilities; id 0 is padding on both sides (masked). ``scores_model`` gives
    the attention weights (batch, T, S) for the same inputs, or is None without attention.
    """
    import keras
    from keras import layers

    source_vocab = check_int("source_vocab", source_vocab, minimum=5)
    target_vocab = check_int("target_vocab", target_vocab, minimum=5)
    units = check_int("units", units, minimum=1, maximum=4096)
    embed = check_int("embed", embed, minimum=1, maximum=4096)
    attention = check_bool("attention", attention)
    learning_rate = check_number("learning_rate", learning_rate, minimum=0)
    dropout = check_number("dropout", dropout, minimum=0, maximum=0.9)

    source = keras.Input((None,), dtype="int32", name="source")
    target_in = keras.Input((None,), dtype="int32", name="target_in")
    x = layers.Embedding(source_vocab, embed, mask_zero=True, name="source_embed")(source)
    encoded, h, c = layers.LSTM(
        units, return_sequences=True, return_state=True, dropout=dropout, name="encoder"
    )(x)
    y = layers.Embedding(target_vocab, embed, mask_zero=True, name="target_embed")(target_in)
    decoded = layers.LSTM(units, return_sequences=True, dropout=dropout, name="decoder")(
        y, initial_state=[h, c]
    )
    scores = None
    if attention:
        context, scores = layers.AdditiveAttention(name="attention")(
            [decoded, encoded], return_attention_scores=True
        )
        decoded = layers.Concatenate(name="state_and_context")([decoded, context])
    if dropout:  # weights unchanged: a model built without dropout loads the same file
        decoded = layers.Dropout(dropout, name="dropout")(decoded)
    hidden = layers.Dense(units, activation="tanh", name="hidden")(decoded)
    probs = layers.Dense(target_vocab, activation="softmax", name="next_token")(hidden)
    model = keras.Model([source, target_in], probs, name="attention" if attention else "plain")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy"
    )
    scores_model = keras.Model([source, target_in], scores) if attention else None
    return model, scores_model


def model_step(model):
    """``step(x, y_in)`` for :func:`lstm_course.seq2seq.greedy_decode`: the model's NumPy output."""
    if not hasattr(model, "inputs") or len(model.inputs) != 2:
        raise TypeError(f"model must be a Keras model with two inputs, got {type(model).__name__}")

    import keras

    def step(x, y_in):
        return keras.ops.convert_to_numpy(model([x, y_in], training=False))

    return step


def verse_data(max_vocab: int = 2000, root=None) -> dict:
    """Tokenised Bible verses (English → Spanish), vocabularies and arrays for every split.

    Vocabularies hold the ``max_vocab`` most frequent training tokens per language (rarer
    ones become <unk>); both lengths cover the longest verse of any split.

    Returns a dict with ``source_vocab``, ``target_vocab``, ``source_len``, ``target_len``
    and, per split, ``<split>`` → (x, y_in, y_out, English texts, Spanish texts).
    """
    from lstm_course.data.bible import load_bible
    from lstm_course.seq2seq import Vocab, pair_arrays, tokenize

    max_vocab = check_int("max_vocab", max_vocab, minimum=5)
    frame = load_bible(root)
    parts = {name: frame[frame["split"] == name] for name in ("train", "validation", "test")}
    tokens = {
        name: ([tokenize(t) for t in part["en"]], [tokenize(t) for t in part["es"]])
        for name, part in parts.items()
    }
    source_vocab = Vocab.build(tokens["train"][0], max_size=max_vocab)
    target_vocab = Vocab.build(tokens["train"][1], max_size=max_vocab)
    source_len = max(len(t) for src, _ in tokens.values() for t in src)
    target_len = max(len(t) for _, tgt in tokens.values() for t in tgt) + 1
    out = {
        "source_vocab": source_vocab,
        "target_vocab": target_vocab,
        "source_len": source_len,
        "target_len": target_len,
    }
    for name, part in parts.items():
        arrays = pair_arrays(*tokens[name], source_vocab, target_vocab, source_len, target_len)
        out[name] = (*arrays, list(part["en"]), list(part["es"]))
    return out


def translate(model, data: dict, split: str, dictionary=None) -> list[str]:
    """Greedy translations (detokenised, lower case) of one split's source verses.

    With a ``dictionary`` (a :class:`~lstm_course.seq2seq.WordDictionary`; attention models
    only), each ``<unk>`` is replaced by the dictionary's translation of the source word the
    decoder attended to most at that step (:func:`~lstm_course.seq2seq.replace_unknowns`).
    """
    from lstm_course.seq2seq import detokenize, replace_unknowns, tokenize

    vocab = data["target_vocab"]
    if dictionary is None:
        ids = fast_greedy(model, data[split][0], max_len=data["target_len"], start=vocab.start,
                          end=vocab.end)  # fmt: skip
        return [detokenize(vocab.decode(row)) for row in ids]
    ids, weights = fast_greedy(model, data[split][0], max_len=data["target_len"],
                               start=vocab.start, end=vocab.end, return_attention=True)  # fmt: skip
    sources = [tokenize(text)[: data["source_len"]] for text in data[split][3]]
    return [detokenize(replace_unknowns(vocab.decode(row), src, w, dictionary))
            for row, src, w in zip(ids, sources, weights, strict=True)]  # fmt: skip


def _check_model_and_path(model, path) -> None:
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}")
    if not isinstance(path, str | os.PathLike) or not os.fspath(path).endswith(".npz"):
        raise ValueError(f"path must be a file name ending in .npz, got {path!r}")


def save_weights_npz(model, path) -> None:
    """Store a model's weights as float16 in an .npz (half the bytes of float32; no pickles).

    The file's bytes depend only on the weights (fixed zip dates), so a rerun that trains
    the same weights writes the same sha256. Scores of a checkpoint are measured on these
    rounded weights, i.e. exactly what :func:`load_weights_npz` gives back.
    """
    import io
    import zipfile

    _check_model_and_path(model, path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i, weight in enumerate(model.get_weights()):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(weight, np.float16), allow_pickle=False)
            info = zipfile.ZipInfo(f"w{i:03d}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, buffer.getvalue(), compresslevel=9)


def load_weights_npz(model, path) -> None:
    """Load :func:`save_weights_npz` weights into ``model`` (as float32); shapes are checked."""
    _check_model_and_path(model, path)
    with np.load(path, allow_pickle=False) as stored:
        weights = [stored[name].astype(np.float32) for name in sorted(stored.files)]
    expected = [tuple(w.shape) for w in model.get_weights()]
    if [w.shape for w in weights] != expected:
        raise ValueError(
            f"{path} holds weights of shapes {[w.shape for w in weights]}, the model needs "
            f"{expected}"
        )
    model.set_weights(weights)


def load_checkpoint(kind: str, data: dict | None = None, root=None):
    """The stored verse translator ``kind`` ("attention" or "plain") and its record.

    Weights (float16, ``.npz``) and record are sha256-verified
    (``datasets/translation_<kind>.*``); ``data``
    (from :func:`verse_data`, built if None) must have the vocabulary sizes it was trained
    with. Returns ``(model, scores_model, info)``; ``info["checkpoint"]`` holds the stored
    test BLEU/chrF that a live evaluation should reproduce.
    """
    from lstm_course.data.registry import DatasetError, dataset_path

    kind = check_choice("kind", kind, KINDS)
    info = json.loads(dataset_path(f"translation_{kind}.json", root=root).read_text("utf-8"))
    recipe = info["recipe"]
    data = verse_data(recipe["max_vocab"], root) if data is None else data
    sizes = {"source": len(data["source_vocab"]), "target": len(data["target_vocab"])}
    if sizes != info["vocab"]:
        raise DatasetError(
            f"the {kind} checkpoint was trained with vocabularies {info['vocab']}, but the data "
            f"gives {sizes}: rebuild it with {info['command']}"
        )
    model, scores = build_translator(sizes["source"], sizes["target"], units=recipe["units"],
                                     embed=recipe["embed"], attention=kind == "attention",
                                     dropout=recipe.get("dropout", 0.0))  # fmt: skip
    load_weights_npz(model, dataset_path(info["checkpoint"]["file"], root=root))  # float16
    return model, scores, info


def fast_greedy(model, x, *, max_len: int, start: int = 1, end: int = 2,
                return_attention: bool = False):  # fmt: skip
    """Greedy decoding one LSTM step at a time, for a model from :func:`build_translator`.

    Same output as ``greedy_decode(model_step(model), x, ...)`` — which re-runs the whole
    model on the growing prefix — but runs the encoder once and the decoder cell once per
    step, carrying (h, c): what a deployed translator does. x: (batch, source_len) ids →
    (batch, max_len) int32 ids, padded with 0 after </s>. With ``return_attention=True``
    (attention models only) also returns the attention weights of every step,
    (batch, max_len, source_len) float32, each row summing to 1 over the unpadded source.
    """
    import keras
    from keras import ops

    from lstm_course.seq2seq import _check_ids

    if not isinstance(model, keras.Model) or model.name not in KINDS:
        raise TypeError(f"model must come from build_translator, got {type(model).__name__}")
    x = _check_ids("x", x, ndim=2)
    max_len = check_int("max_len", max_len, minimum=1)
    start = check_int("start", start, minimum=0)
    end = check_int("end", end, minimum=0)
    return_attention = check_bool("return_attention", return_attention)
    if return_attention and model.name != "attention":
        raise ValueError("return_attention=True needs an attention model, got a plain one")
    layer = model.get_layer
    mask = ops.convert_to_tensor(x != 0)
    encoded, h, c = layer("encoder")(layer("source_embed")(x), mask=mask)
    token = np.full(len(x), start, dtype=np.int32)
    out = np.zeros((len(x), max_len), dtype=np.int32)
    done = np.zeros(len(x), dtype=bool)
    weights = np.zeros((len(x), max_len, x.shape[1]), dtype=np.float32)
    for t in range(max_len):
        embedded = ops.take(layer("target_embed").embeddings, token, axis=0)  # no mask needed
        state, (h, c) = layer("decoder").cell(embedded, [h, c])
        if model.name == "attention":
            context, scores = layer("attention")([state[:, None, :], encoded], mask=[None, mask],
                                                 return_attention_scores=True)  # fmt: skip
            weights[:, t] = ops.convert_to_numpy(scores)[:, 0]
            state = layer("state_and_context")([state, context[:, 0, :]])
        probs = layer("next_token")(layer("hidden")(state))
        token = ops.convert_to_numpy(ops.argmax(probs, axis=-1)).astype(np.int32)
        out[:, t] = np.where(done, 0, token)
        done |= token == end
        if done.all():
            break
    return (out, weights) if return_attention else out
