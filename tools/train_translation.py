"""Train notebook 11's verse translators (English → Spanish) and store them as checkpoints.

    python -m tools.train_translation                 # both models, EPOCHS epochs each
    python -m tools.train_translation --epochs 4      # a quick trial (not for committing)
    python -m tools.train_translation --kinds plain --max-minutes 40   # stop early (logged)

Both models are ``lstm_course.translation_models.build_translator`` (plain and attention,
``RECIPE`` below, each setting a command-line option) trained with teacher forcing on the
training verses of ``datasets/bible_en_es.tsv.gz``, deterministic given the seed
(``lstm_course.setup``). After every ``EVAL_EVERY`` epochs every 3rd validation verse is
translated greedily and scored with sacrebleu's BLEU — for the attention model after
attention-guided ``<unk>`` replacement with the word-by-word dictionary of the training pairs
(``lstm_course.seq2seq.replace_unknowns``), the way the notebook uses it; the weights of the
epoch with the best validation BLEU are kept (early stopping on validation, never on test).
Validation and test BLEU/chrF (with and without replacement) are computed once, at the end,
on the float16 weights as stored.

Written to datasets/ and recorded in the manifest:

- ``translation_<kind>.weights.npz``: the kept weights, float16 (``save_weights_npz``);
- ``translation_<kind>.json``: command, seed, data sha256, recipe, vocabulary sizes, epochs, wall
  time, machine and versions, the training log (loss and validation BLEU), and the
  validation and test BLEU / chrF that the notebook's live evaluation must reproduce.

The committed checkpoints: ``--kinds attention --epochs 60 --dropout 0.3`` and
``--kinds plain --epochs 40 --dropout 0`` (the exact commands are in their .json files).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from tools.build_beijing import manifest_lock
from tools.data_build import REPO_DATASETS, record

COMMAND = "python -m tools.train_translation"
KINDS = ("attention", "plain")
EPOCHS = 30
EVAL_EVERY = 3
VALID_STRIDE = 3  # model selection on every 3rd validation verse (434 of 1,302): decoding is slow
SEED = 0
RECIPE = {
    "units": 96,
    "embed": 48,
    "learning_rate": 3e-3,
    "batch_size": 64,
    "max_vocab": 2000,
    "dropout": 0.0,
}


def checkpoint_name(kind: str) -> str:
    return f"translation_{kind}.weights.npz"


def log_name(kind: str) -> str:
    return f"translation_{kind}.json"


def _build(kind: str, data: dict):
    import keras

    from lstm_course.translation_models import build_translator

    model, _ = build_translator(
        len(data["source_vocab"]),
        len(data["target_vocab"]),
        units=RECIPE["units"],
        embed=RECIPE["embed"],
        attention=kind == "attention",
        learning_rate=RECIPE["learning_rate"],
        dropout=RECIPE["dropout"],
    )
    model.compile(  # several batches per call: faster, the same updates
        optimizer=keras.optimizers.Adam(RECIPE["learning_rate"]),
        loss="sparse_categorical_crossentropy",
        steps_per_execution=16,
    )
    return model


def scores(model, data: dict, split: str, dictionary) -> dict:
    """BLEU/chrF of one split; for attention models also after <unk> replacement."""
    from lstm_course.seq2seq import bleu_chrf
    from lstm_course.translation_models import translate

    refs = data[split][4]
    out = {"raw": bleu_chrf(translate(model, data, split), refs)}
    if model.name == "attention":
        out["unk_replaced"] = bleu_chrf(translate(model, data, split, dictionary), refs)
    return {name: {k: round(v, 2) for k, v in score.items()} for name, score in out.items()}


def train_one(kind: str, data: dict, epochs: int, max_seconds: float, out: Path) -> dict:
    """Train, keep the best epoch, write its float16 weights to ``out``; returns the record."""
    import lstm_course
    from lstm_course.translation_models import load_weights_npz, save_weights_npz

    lstm_course.setup(SEED)
    model = _build(kind, data)
    dictionary = data["dictionary"]
    x, y_in, y_out, _, _ = data["train"]
    valid = {**data, "validation": tuple(part[::VALID_STRIDE] for part in data["validation"])}
    select = "unk_replaced" if kind == "attention" else "raw"
    log, best, best_weights = [], -1.0, None
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        history = model.fit(
            [x, y_in], y_out, batch_size=RECIPE["batch_size"], epochs=1, verbose=0, shuffle=True
        )
        entry = {"epoch": epoch, "loss": round(float(history.history["loss"][-1]), 4)}
        if epoch % EVAL_EVERY == 0 or epoch == epochs:
            score = scores(model, valid, "validation", dictionary)
            entry["valid_bleu"] = score["raw"]["bleu"]
            if kind == "attention":
                entry["valid_bleu_unk_replaced"] = score["unk_replaced"]["bleu"]
            if score[select]["bleu"] > best:
                best, best_weights = score[select]["bleu"], model.get_weights()
                entry["kept"] = True
        entry["seconds"] = round(time.perf_counter() - start, 1)
        log.append(entry)
        print(kind, entry, flush=True)
        if entry["seconds"] > max_seconds and "valid_bleu" in entry:
            break  # out of time: the log says how many epochs ran
    train_seconds = round(time.perf_counter() - start, 1)
    # a fresh, uncompiled copy holds the kept weights (no optimizer state), stored as float16;
    # every score below is measured on the stored (rounded) weights
    model.set_weights(best_weights)
    save_weights_npz(model, out)
    model = _build(kind, {**data})
    load_weights_npz(model, out)
    valid_scores = scores(model, data, "validation", dictionary)
    test_scores = scores(model, data, "test", dictionary)
    result = {
        "file": out.name,
        "storage": "float16 (.npz); scores measured on the stored weights",
        "params": int(model.count_params()),
        "kept_epoch": max(e["epoch"] for e in log if e.get("kept")),
        "selected_on": f"validation BLEU ({select}) on every {VALID_STRIDE}rd validation verse",
        "valid_bleu": valid_scores["raw"]["bleu"],
        "valid_chrf": valid_scores["raw"]["chrf"],
        "test_bleu": test_scores["raw"]["bleu"],
        "test_chrf": test_scores["raw"]["chrf"],
        "train_seconds": train_seconds,
        "log": log,
    }
    if kind == "attention":
        result["unk_replaced"] = {
            "valid_bleu": valid_scores["unk_replaced"]["bleu"],
            "valid_chrf": valid_scores["unk_replaced"]["chrf"],
            "test_bleu": test_scores["unk_replaced"]["bleu"],
            "test_chrf": test_scores["unk_replaced"]["chrf"],
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS)
    parser.add_argument("--max-minutes", type=float, default=1e9, help="stop after this long")
    parser.add_argument("--out-dir", type=Path, default=REPO_DATASETS)
    for name in ("units", "embed", "max_vocab"):
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=RECIPE[name])
    parser.add_argument("--dropout", type=float, default=RECIPE["dropout"])
    parser.add_argument("--machine", default="shared with other jobs (nice 10)",
                        help="how the machine was used, for the record")  # fmt: skip
    args = parser.parse_args(argv)
    for name in ("units", "embed", "max_vocab", "dropout"):
        RECIPE[name] = getattr(args, name)
    import keras
    import tensorflow as tf

    from lstm_course.data.registry import dataset_path, sha256_of
    from lstm_course.seq2seq import WordDictionary, tokenize
    from lstm_course.translation_models import verse_data

    data = verse_data(RECIPE["max_vocab"])
    data["dictionary"] = WordDictionary.fit(
        [tokenize(t) for t in data["train"][3]], [tokenize(t) for t in data["train"][4]]
    )
    args.out_dir.mkdir(parents=True, exist_ok=True)
    options = (f"--epochs {args.epochs} --units {RECIPE['units']} --embed {RECIPE['embed']} "
               f"--max-vocab {RECIPE['max_vocab']} --dropout {RECIPE['dropout']}")  # fmt: skip
    for kind in args.kinds:
        info = {
            "command": f"{COMMAND} --kinds {kind} {options}",
            "data": {
                "file": "bible_en_es.tsv.gz",
                "sha256": sha256_of(dataset_path("bible_en_es.tsv.gz")),
            },
            "model": "lstm_course.translation_models.build_translator",
            "attention": kind == "attention",
            "recipe": {**RECIPE, "epochs": args.epochs, "eval_every": EVAL_EVERY, "seed": SEED},
            "vocab": {"source": len(data["source_vocab"]), "target": len(data["target_vocab"])},
            "lengths": {"source": data["source_len"], "target": data["target_len"]},
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}, "
            f"{args.machine}",
            "versions": {"tensorflow": tf.__version__, "keras": keras.__version__},
            "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        }
        out = args.out_dir / checkpoint_name(kind)
        result = train_one(kind, data, args.epochs, args.max_minutes * 60, out)
        info["recipe"]["epochs_run"] = len(result["log"])
        info["checkpoint"] = result
        log_path = args.out_dir / log_name(kind)
        log_path.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        with manifest_lock():
            record(
                out,
                source=f"{info['command']} (seed {SEED}, {len(result['log'])} epochs, weights "
                f"of the epoch with the best validation BLEU: {result['kept_epoch']}); trained "
                f"on bible_en_es.tsv.gz sha256 {info['data']['sha256']}",
                license="CC0 (trained weights of the course; the verses are public domain)",
                description=f"{kind} encoder-decoder LSTM, English -> Spanish verses, "
                f"{result['params']:,} parameters (float16), test BLEU {result['test_bleu']}",
                rebuild=info["command"],
            )
            record(
                log_path,
                source=info["command"],
                license="CC0",
                description=f"recipe, training log and validation/test scores of the {kind} "
                "translation checkpoint",
                rebuild=info["command"],
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
