"""Character language models: vocabulary, truncated-BPTT batches, a stateful Keras LSTM,
bits per character, and sampling (temperature, top-k, beam search).

    vocab = Vocabulary.from_text(train)             # sorted distinct characters
    ids = vocab.encode(text)                        # (n,) int32
    x, y = bptt_batches(ids, batch=32, steps=100)   # (windows, batch, steps) each
    model = build_charlm(len(vocab), units=256)     # logits and final states
    bpc = evaluate_bpc(model, ids)                  # bits per character, state carried

The package carries the plumbing; the notebook shows the ideas (why windows are carried
across, why bits per character is a compressed size, what temperature does).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lstm_course._checks import as_float_array, check_array, check_int, check_number, describe

LN2 = math.log(2.0)


# --- characters <-> ids -----------------------------------------------------------------


def _check_ids_array(
    name: str, ids, *, vocab_size: int | None = None, min_length: int = 1
) -> np.ndarray:
    """A 1-D array of integer ids (``(n,)`` int64), each in ``[0, vocab_size)``.

    Floats are refused even when whole (an id is a label, not a measurement).
    """
    raw = as_float_array(name, ids, dtype=None)
    if not np.issubdtype(raw.dtype, np.integer):
        raise TypeError(f"{name} must hold integer ids, got dtype {raw.dtype}")
    if raw.ndim != 1:
        raise ValueError(f"{name} must be 1-D (n,), got shape {raw.shape}")
    if len(raw) < min_length:
        raise ValueError(f"{name} must hold at least {min_length} ids, got {len(raw)}")
    if raw.size and (raw.min() < 0 or (vocab_size is not None and raw.max() >= vocab_size)):
        top = "" if vocab_size is None else f", {vocab_size - 1}"
        raise ValueError(f"{name} must be in [0{top}], got {raw.min()}..{raw.max()}")
    return raw.astype(np.int64)


@dataclass(frozen=True)
class Vocabulary:
    """An alphabet: ``chars[i]`` is the character of id ``i``.

    ``unknown`` (optional) is a character of the alphabet that characters outside it are
    mapped to by :meth:`encode` when ``strict=False``; with ``strict=True`` (default) an
    unseen character raises a ``ValueError`` naming it and where it occurs.
    """

    chars: str
    unknown: str | None = None

    def __post_init__(self):
        if not isinstance(self.chars, str) or not self.chars:
            raise ValueError(f"chars must be a non-empty str, got {describe(self.chars)}")
        if len(set(self.chars)) != len(self.chars):
            raise ValueError("chars must not repeat a character")
        if self.unknown is not None and (
            not isinstance(self.unknown, str)
            or len(self.unknown) != 1
            or self.unknown not in self.chars
        ):
            raise ValueError(f"unknown must be one character of the alphabet, got {self.unknown!r}")

    @classmethod
    def from_text(cls, text: str, unknown: str | None = None) -> Vocabulary:
        """The sorted distinct characters of ``text`` (plus ``unknown`` if given)."""
        if not isinstance(text, str) or not text:
            raise ValueError(f"text must be a non-empty str, got {describe(text)}")
        chars = set(text) | ({unknown} if unknown else set())
        return cls("".join(sorted(chars)), unknown)

    def __len__(self) -> int:
        return len(self.chars)

    @property
    def index(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.chars)}

    def encode(self, text: str, *, strict: bool = True) -> np.ndarray:
        """``text`` as an ``(len(text),)`` int32 array of ids."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {describe(text)}")
        index = self.index
        unseen = sorted(set(text) - set(index))
        if unseen:
            if strict or self.unknown is None:
                where = text.index(unseen[0])
                raise ValueError(
                    f"text has {len(unseen)} character(s) outside the vocabulary of "
                    f"{len(self)}: {''.join(unseen[:10])!r} (first at position {where}); "
                    "use a Vocabulary with unknown=<char> and strict=False to map them"
                )
            fallback = index[self.unknown]
            return np.fromiter((index.get(c, fallback) for c in text), np.int32, len(text))
        return np.fromiter((index[c] for c in text), np.int32, len(text))

    def decode(self, ids) -> str:
        """Ids (any int sequence) back to text."""
        ids = _check_ids_array("ids", ids, vocab_size=len(self))
        return "".join(self.chars[i] for i in ids)


# --- truncated BPTT batches -------------------------------------------------------------


def bptt_batches(ids, batch: int, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut a long id sequence into ``batch`` parallel streams and windows of ``steps``.

    Stream ``b`` is the ``b``-th contiguous slice of the text, so window ``k + 1`` of stream
    ``b`` continues window ``k``: a model that carries its state from one window to the next
    sees each stream as one long text (truncated BPTT: gradients stop at window edges,
    the state does not).

    Returns:
        ``x, y`` of shape ``(windows, batch, steps)``; ``y`` is ``x`` shifted by one
        character. The tail that does not fill a whole window is dropped.
    """
    ids = _check_ids_array("ids", ids, min_length=2)
    batch = check_int("batch", batch, minimum=1)
    steps = check_int("steps", steps, minimum=1)
    per_stream = (len(ids) - 1) // batch
    windows = per_stream // steps
    if windows < 1:
        raise ValueError(
            f"ids: {len(ids)} are too few for batch={batch} streams of steps={steps}: "
            f"need at least {batch * steps + 1}"
        )
    used = windows * steps
    starts = np.arange(batch) * per_stream
    cols = starts[:, None] + np.arange(used)[None, :]  # (batch, used)
    x = ids[cols].reshape(batch, windows, steps).transpose(1, 0, 2)
    y = ids[cols + 1].reshape(batch, windows, steps).transpose(1, 0, 2)
    return x.astype(np.int32), y.astype(np.int32)


# --- bits per character -------------------------------------------------------------------


def nats_to_bits(nats: float) -> float:
    """A log-loss in nats as bits (divide by ln 2)."""
    return float(check_number("nats", nats)) / LN2


def bits_per_char(probabilities) -> float:
    """Mean ``-log2 p`` of the probabilities a model gave the characters that came."""
    p = check_array("probabilities", probabilities, ndim=1, shape_text="(n,)")
    if np.any(p <= 0) or np.any(p > 1):
        raise ValueError("probabilities must be finite and in (0, 1]")
    return float(-np.mean(np.log2(p)))


def unigram_bpc(train_ids, test_ids, vocab_size: int, alpha: float = 1.0) -> float:
    """Bits per character of add-``alpha`` character frequencies from the training ids."""
    vocab_size = check_int("vocab_size", vocab_size, minimum=1)
    train_ids = _check_ids_array("train_ids", train_ids, vocab_size=vocab_size)
    test_ids = _check_ids_array("test_ids", test_ids, vocab_size=vocab_size)
    alpha = check_number("alpha", alpha, minimum=0.0)
    counts = np.bincount(train_ids, minlength=vocab_size).astype(float) + alpha
    if np.any(counts[test_ids] == 0):
        raise ValueError("alpha=0 gives a test character probability 0: use alpha > 0")
    p = counts / counts.sum()
    return bits_per_char(p[test_ids])


# --- the Keras model ------------------------------------------------------------------------


def build_charlm(vocab_size: int, units: int = 256, *, embed: int = 32, layers: int = 1):
    """A character LSTM whose states go in and come out, so windows can be chained.

    Inputs: ids ``(batch, steps)`` and, per layer, ``h`` and ``c`` of shape
    ``(batch, units)``. Outputs: logits ``(batch, steps, vocab_size)``, then each layer's
    final ``h`` and ``c``. Keras's ``stateful=True`` does the same with a fixed batch size;
    passing states explicitly lets one model train with 64 streams and sample with 1.
    """
    import keras

    vocab_size = check_int("vocab_size", vocab_size, minimum=2)
    units = check_int("units", units, minimum=1)
    embed = check_int("embed", embed, minimum=1)
    layers = check_int("layers", layers, minimum=1, maximum=4)
    ids = keras.Input((None,), dtype="int32", name="ids")
    states = [keras.Input((units,), name=f"{k}{i}") for i in range(layers) for k in "hc"]
    x = keras.layers.Embedding(vocab_size, embed, name="embed")(ids)
    finals = []
    for i in range(layers):
        x, h, c = keras.layers.LSTM(
            units, return_sequences=True, return_state=True, name=f"lstm{i}"
        )(x, initial_state=states[2 * i : 2 * i + 2])
        finals += [h, c]
    logits = keras.layers.Dense(vocab_size, name="logits")(x)
    return keras.Model([ids, *states], [logits, *finals], name=f"charlm_{layers}x{units}")


def zero_states(model, batch: int) -> list[np.ndarray]:
    """Zero ``h`` and ``c`` for every layer of a :func:`build_charlm` model."""
    return [np.zeros((batch, int(s.shape[-1])), np.float32) for s in model.inputs[1:]]


def evaluate_bpc(model, ids, *, streams: int = 16, steps: int = 256) -> float:
    """Bits per character over ``ids[1:]`` given ``ids[:-1]``, state carried across windows.

    The text is cut into ``streams`` contiguous pieces evaluated side by side (each starts
    from a zero state, so a few characters at each piece's start are predicted blind), and
    every character after the first of each piece is scored exactly once, including the
    tail that does not fill a window.
    """
    ids = np.asarray(ids)
    streams = check_int("streams", streams, minimum=1)
    steps = check_int("steps", steps, minimum=1)
    if ids.ndim != 1 or len(ids) < 2 * streams:
        raise ValueError(f"ids must be 1-D with at least {2 * streams} ids, got {describe(ids)}")
    length = len(ids) // streams
    pieces = ids[: length * streams].reshape(streams, length)
    rest = ids[length * streams - 1 :]  # the leftover tail, scored as one more stream
    total, count = _score(model, pieces, steps)
    if len(rest) > 1:
        t, n = _score(model, rest[None, :], steps)
        total, count = total + t, count + n
    return total / count / LN2


def _score(model, pieces: np.ndarray, steps: int) -> tuple[float, int]:
    """Summed nats and count of next-character predictions over ``(streams, length)``."""
    states = zero_states(model, len(pieces))
    call = _compiled(model)
    total, count = 0.0, 0
    for start in range(0, pieces.shape[1] - 1, steps):
        x = pieces[:, start : start + steps]
        y = pieces[:, start + 1 : start + steps + 1]
        x = x[:, : y.shape[1]]
        out = call([x, *states])
        logits, states = np.asarray(out[0], np.float64), [np.asarray(s) for s in out[1:]]
        logz = np.log(np.exp(logits - logits.max(-1, keepdims=True)).sum(-1)) + logits.max(-1)
        picked = np.take_along_axis(logits, y[..., None], -1)[..., 0]
        total += float((logz - picked).sum())
        count += y.size
    return total, count


def _compiled(model):
    """``model`` as one compiled graph (eager Keras LSTMs step in Python: 10x slower)."""
    import tensorflow as tf

    if getattr(model, "_charlm_call", None) is None:
        model._charlm_call = tf.function(
            lambda inputs: model(inputs, training=False), reduce_retracing=True
        )
    return model._charlm_call


def save_weights_npz(model, path, **meta) -> None:
    """Store the weights as float16 (half the bytes; evaluation uses exactly these)."""
    arrays = {f"w{i}": w.astype(np.float16) for i, w in enumerate(model.get_weights())}
    config = {k: np.asarray(v) for k, v in meta.items()}
    np.savez_compressed(path, **arrays, **config)


def load_weights_npz(model, path) -> dict:
    """Load :func:`save_weights_npz` weights into ``model`` (as float32); returns the metadata."""
    with np.load(path, allow_pickle=False) as data:
        weights = [data[f"w{i}"].astype(np.float32) for i in range(len(model.get_weights()))]
        meta = {
            k: data[k].item() if data[k].ndim == 0 else data[k]
            for k in data.files
            if not k.startswith("w") or not k[1:].isdigit()
        }
    model.set_weights(weights)
    return meta


def make_train_step(model, optimizer):
    """A compiled ``step(x, y, states) -> (loss_nats, new_states)`` for one BPTT window.

    Gradients flow only inside the window (``x``, ``y``: ``(batch, steps)``); the returned
    states are plain tensors, so feeding them to the next call carries the memory across
    windows without backpropagating into the past (truncated BPTT).
    """
    import keras
    import tensorflow as tf

    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def step(x, y, states):
        with tf.GradientTape() as tape:
            out = model([x, *states], training=True)
            loss = loss_fn(y, out[0])
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=False))
        return loss, out[1:]

    return step


# --- the same network in NumPy: fast single steps, and the cell states ---------------------


class NumpyCharLM:
    """A :func:`build_charlm` model's weights run in NumPy, one character at a time.

    Keras keeps the gates in the order input, forget, candidate, output; ``step`` returns
    the logits and, per layer, ``(h, c)`` so the notebook can read the cells.
    """

    def __init__(self, model):
        weights = model.get_weights()
        self.embedding = weights[0].astype(np.float64)
        self.layers = [
            tuple(w.astype(np.float64) for w in weights[1 + 3 * i : 4 + 3 * i])
            for i in range((len(weights) - 3) // 3)
        ]
        self.dense = (weights[-2].astype(np.float64), weights[-1].astype(np.float64))
        self.units = self.layers[0][1].shape[0]

    def zero_state(self, batch: int = 1) -> list[tuple[np.ndarray, np.ndarray]]:
        return [(np.zeros((batch, self.units)), np.zeros((batch, self.units))) for _ in self.layers]

    def step(self, ids, state):
        """ids ``(batch,)`` -> logits ``(batch, vocab)``, new state (list of (h, c))."""
        x = self.embedding[np.asarray(ids)]
        new = []
        for (kernel, recurrent, bias), (h, c) in zip(self.layers, state, strict=False):
            z = x @ kernel + h @ recurrent + bias
            i, f, g, o = np.split(z, 4, axis=-1)
            c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
            h = _sigmoid(o) * np.tanh(c)
            new.append((h, c))
            x = h
        return x @ self.dense[0] + self.dense[1], new

    def cell_states(self, ids, layer: int = 0) -> np.ndarray:
        """The cell state ``c_t`` after each character: ``(len(ids), units)``."""
        state = self.zero_state(1)
        cells = np.empty((len(ids), self.units))
        for t, i in enumerate(np.asarray(ids)):
            _, state = self.step([i], state)
            cells[t] = state[layer][1][0]
        return cells


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # stable for large |z|


def softmax(logits, temperature: float = 1.0) -> np.ndarray:
    """``softmax(logits / temperature)`` of ``(V,)`` logits, without overflow."""
    temperature = check_number("temperature", temperature, minimum=0.0, exclusive_minimum=True)
    z = check_array("logits", logits, ndim=1, shape_text="(V,)") / temperature
    z = np.exp(z - z.max(-1, keepdims=True))
    return z / z.sum(-1, keepdims=True)


def sample_text(
    next_probs,
    vocab: Vocabulary,
    primer: str,
    length: int,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    seed: int = 0,
) -> str:
    """Draw ``length`` characters after ``primer``.

    ``next_probs(prefix_ids, temperature)`` must return the next-character distribution
    ``(vocab,)``; with ``top_k`` only the k likeliest characters keep their probability
    (renormalised). Deterministic given ``seed``.
    """
    length = check_int("length", length, minimum=0)
    rng = np.random.default_rng(seed)
    ids = list(vocab.encode(primer))
    for _ in range(length):
        p = np.asarray(next_probs(ids, temperature), np.float64)
        if top_k is not None:
            keep = np.argsort(p)[::-1][: check_int("top_k", top_k, minimum=1)]
            kept = np.zeros_like(p)
            kept[keep] = p[keep]
            p = kept
        ids.append(int(rng.choice(len(p), p=p / p.sum())))
    return vocab.decode(ids[len(primer) :])


class LSTMSampler:
    """``next_probs`` for :func:`sample_text` from a :class:`NumpyCharLM`, state cached."""

    def __init__(self, net: NumpyCharLM):
        self.net, self.state, self.fed, self.logits = net, None, 0, None

    def __call__(self, ids, temperature: float = 1.0):
        if self.state is None or self.fed > len(ids):
            self.state, self.fed = self.net.zero_state(1), 0
        for i in ids[self.fed :]:  # feed only the characters not seen yet
            self.logits, self.state = self.net.step([i], self.state)
        self.fed = len(ids)
        return softmax(self.logits[0], temperature)


def beam_search(
    net: NumpyCharLM, vocab: Vocabulary, primer: str, length: int, width: int = 5
) -> tuple[str, float]:
    """The likeliest continuation found keeping ``width`` candidates; (text, bits)."""
    length = check_int("length", length, minimum=1)
    width = check_int("width", width, minimum=1)
    logits, state = None, net.zero_state(1)
    for i in vocab.encode(primer):
        logits, state = net.step([i], state)
    beams = [([], 0.0, logits[0], state)]
    for _ in range(length):
        candidates = []
        for ids, score, lg, st in beams:
            logp = np.log(softmax(lg))
            for j in np.argsort(logp)[::-1][:width]:
                candidates.append((ids + [int(j)], score + logp[j], st))
        candidates.sort(key=lambda c: -c[1])
        beams = []
        for ids, score, st in candidates[:width]:
            lg, st = net.step([ids[-1]], st)
            beams.append((ids, score, lg[0], st))
    best = beams[0]
    return vocab.decode(best[0]), float(-best[1] / LN2)


# --- the stored checkpoint and reading its cells ------------------------------------------

CHECKPOINT = "austen_lstm"


def training_stages(log: dict) -> list[dict]:
    """Every stage of a checkpoint's training, oldest first.

    A continued run (``tools/train_charlm.py --init``) nests the log of the run it continued
    under ``"previous"``. Each stage comes back as ``{"command", "lr", "seconds", "chars",
    "curve"}`` with its curve's ``seconds`` and ``chars`` counted from the start of the
    first stage, so the stages plot as one line. A stage stopped before its time budget has
    no ``"final"``; its weights are its last periodic save, the curve's last point.
    """
    if not isinstance(log, dict) or "curve" not in log:
        raise TypeError(f"log must be a training log (a dict with a 'curve'), got {describe(log)}")
    chain = []
    while log is not None:
        chain.append(log)
        log = log.get("previous")
    stages, seconds, chars = [], 0.0, 0
    for entry in reversed(chain):
        last = entry.get("final") or {
            "train_seconds": entry["curve"][-1]["seconds"],
            "train_chars": entry["curve"][-1]["chars"],
        }
        curve = [
            {**point, "seconds": point["seconds"] + seconds, "chars": point["chars"] + chars}
            for point in entry["curve"]
        ]
        stages.append(
            {
                "command": entry["command"],
                "lr": entry["config"]["lr"],
                "seconds": last["train_seconds"],
                "chars": last["train_chars"],
                "curve": curve,
            }
        )
        seconds += last["train_seconds"]
        chars += last["train_chars"]
    return stages


def load_checkpoint(name: str = CHECKPOINT, *, root=None):
    """The trained checkpoint: ``(model, vocab, log)``, both files sha256-verified.

    ``log`` is the training log written by ``tools/train_charlm.py`` (command, machine,
    the validation curve, and the full-split figures in ``log["final"]``).
    """
    import json

    from lstm_course.data.registry import dataset_path

    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {describe(name)}")
    weights = dataset_path(f"{name}.npz", root=root)
    log = json.loads(dataset_path(f"{name}.json", root=root).read_text(encoding="utf-8"))
    config = log["config"]
    vocab = Vocabulary(log["data"]["vocab"])
    model = build_charlm(
        len(vocab), config["units"], embed=config["embed"], layers=config["layers"]
    )
    load_weights_npz(model, weights)
    return model, vocab, log


def cells_html(text: str, values, *, scale: float | None = None) -> str:
    """``text`` as HTML, each character's background coloured by ``values`` ``(len(text),)``.

    Blue for negative, red for positive (``scale`` maps to full colour; default the
    largest ``|value|``); newlines are kept as line breaks.
    """
    import html

    values = check_array("values", values, ndim=1, shape_text="(len(text),)", min_size=0)
    if not isinstance(text, str) or values.shape != (len(text),):
        raise ValueError(
            f"values must have shape (len(text),) = ({len(text) if isinstance(text, str) else '?'},), "
            f"got {describe(values)}"
        )
    scale = float(np.max(np.abs(values))) or 1.0 if scale is None else float(scale)
    spans = []
    for ch, v in zip(text, np.clip(values / scale, -1, 1), strict=False):
        r, g, b = (
            (255, int(255 * (1 - v)), int(255 * (1 - v)))
            if v > 0
            else (int(255 * (1 + v)), int(255 * (1 + v)), 255)
        )
        shown = "<br>" if ch == "\n" else html.escape(ch).replace(" ", "&nbsp;")
        spans.append(f'<span style="background:rgb({r},{g},{b})">{shown}</span>')
    return '<div style="font-family:monospace;line-height:1.5">' + "".join(spans) + "</div>"


# --- compressors as language models ---------------------------------------------------------


def compressor_bpc(train: str, test: str, *, prime_chars: int = 1_000_000) -> dict[str, float]:
    """Bits per character of ``bz2`` and ``lzma`` (default settings) on ``test``.

    ``"bz2"``/``"lzma"``: the compressed size of the test text alone, in bits, divided by
    its length. ``"... primed"``: the extra bits the test text costs when compressed after
    the last ``prime_chars`` characters of ``train`` (conditional compression), i.e.
    ``size(prime + test) - size(prime)``.
    """
    import bz2
    import lzma

    for name, value in (("train", train), ("test", test)):
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} must be a non-empty str, got {describe(value)}")
    prime_chars = check_int("prime_chars", prime_chars, minimum=0)
    data = test.encode("utf-8")
    prime = train[len(train) - prime_chars :].encode("utf-8") if prime_chars else b""
    out = {}
    for name, compress in (("bz2", bz2.compress), ("lzma", lzma.compress)):
        out[name] = 8 * len(compress(data)) / len(test)
        if prime:
            extra = len(compress(prime + data)) - len(compress(prime))
            out[f"{name}, primed"] = 8 * extra / len(test)
    return out
