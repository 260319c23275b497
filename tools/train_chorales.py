"""Train notebook 07's checkpoint and the key/augmentation comparison, and store both.

    python -m tools.train_chorales               # checkpoint + comparison (about 15 min on 2 cores)
    python -m tools.train_chorales --checkpoint  # the checkpoint only (its seed-0 run)

Everything trains the same frame LSTM (``lstm_course.music_models.build_frame_lstm``:
LSTM-128, dropout 0.3, Adam) on the training chorales of ``datasets/bach_chorales.npz``,
whole pieces in batches of 8, for ``EPOCHS`` epochs, deterministic given its seed (TensorFlow's
deterministic ops, set by ``lstm_course.setup``), and scores the test chorales by their NLL
per frame. Three data settings, each with the seeds in ``SEEDS``:

- ``C``: every chorale transposed to C major / C minor (as JSB Chorales is);
- ``original``: Bach's keys;
- ``original+transpose``: Bach's keys, each training piece moved by a random shift in
  [-6, +6] semitones every epoch (augmentation), scored on the original-key test pieces.

Written to datasets/ and recorded in the manifest:

- ``chorales_lstm.weights.h5``: the weights of the ``C`` run with seed 0 after the last epoch;
- ``chorales_lstm.json``: how it was made (command, seed, data sha256, epochs, wall time,
  machine, versions), its training log (validation NLL per epoch), its test NLL, and the
  comparison's test NLL for every setting and seed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from tools.data_build import REPO_DATASETS, manifest_lock, record

COMMAND = "python -m tools.train_chorales"
CHECKPOINT = "chorales_lstm.weights.h5"
LOG = "chorales_lstm.json"
SETTINGS = {"C": ("C", 0), "original": ("original", 0), "original+transpose": ("original", 6)}
SEEDS = (0, 1, 2)
EPOCHS = 100
RECIPE = {"units": 128, "dropout": 0.3, "learning_rate": 3e-3, "batch_size": 8}


def train_one(setting: str, seed: int, *, log_every_epoch: bool = False):
    """Train one run; returns (model, record with valid/test NLL, seconds, log)."""
    import lstm_course
    from lstm_course.data.chorales import load_chorales
    from lstm_course.music_models import (
        build_frame_lstm,
        fit_on_pieces,
        predict_on_pieces,
        sequence_nll,
    )

    lstm_course.setup(seed)
    key, max_transpose = SETTINGS[setting]
    data = load_chorales(key=key)
    train, valid, test = ([c.roll for c in data[name]] for name in ("train", "valid", "test"))
    model = build_frame_lstm(
        units=RECIPE["units"],
        dropout=RECIPE["dropout"],
        learning_rate=RECIPE["learning_rate"],
        seed=seed,
    )
    history = fit_on_pieces(
        model,
        train,
        epochs=EPOCHS,
        batch_size=RECIPE["batch_size"],
        seed=seed,
        max_transpose=max_transpose,
        validation=valid if log_every_epoch else None,
    )
    result = {
        "valid_nll": round(sequence_nll(valid, predict_on_pieces(model, valid)), 4),
        "test_nll": round(sequence_nll(test, predict_on_pieces(model, test)), 4),
        "train_seconds": round(history["seconds"][-1], 1),
    }
    if log_every_epoch:
        result["log"] = [
            {"epoch": i + 1, "seconds": round(s, 1), "valid_nll": round(v, 4)}
            for i, (s, v) in enumerate(zip(history["seconds"], history["valid_nll"], strict=True))
        ]
    print(
        f"  {setting:20s} seed {seed}: test NLL {result['test_nll']:.3f} "
        f"({result['train_seconds']:.0f} s)",
        flush=True,
    )
    return model, result


def save_weights_only(model, path: Path) -> None:
    """Save the model's weights without its optimizer's state (a third of the size)."""
    from lstm_course.music_models import build_frame_lstm

    bare = build_frame_lstm(units=RECIPE["units"], dropout=RECIPE["dropout"], compile=False)
    bare.set_weights(model.get_weights())
    bare.save_weights(path)


def _machine() -> dict:
    import keras
    import numpy as np
    import tensorflow as tf

    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--checkpoint", action="store_true", help="train the checkpoint only")
    parser.add_argument("--out", type=Path, default=REPO_DATASETS, help="folder to write into")
    args = parser.parse_args(argv)
    from lstm_course.data.chorales import CHORALES_FILE
    from lstm_course.data.registry import load_manifest

    started = time.perf_counter()
    data_sha = load_manifest()[CHORALES_FILE]["sha256"]
    print(f"training the checkpoint: C, seed 0, {EPOCHS} epochs", flush=True)
    model, checkpoint = train_one("C", 0, log_every_epoch=True)
    weights = args.out / CHECKPOINT
    save_weights_only(model, weights)
    comparison = {"C": {"0": {k: v for k, v in checkpoint.items() if k != "log"}}}
    if not args.checkpoint:
        for setting in SETTINGS:
            for seed in SEEDS:
                if setting == "C" and seed == 0:
                    continue  # the checkpoint's own run
                _, result = train_one(setting, seed)
                comparison.setdefault(setting, {})[str(seed)] = result
    log = {
        "command": COMMAND + (" --checkpoint" if args.checkpoint else ""),
        "data": {"file": CHORALES_FILE, "sha256": data_sha},
        "model": "lstm_course.music_models.build_frame_lstm",
        "recipe": {**RECIPE, "epochs": EPOCHS, "seed": 0, "key": "C", "max_transpose": 0},
        "checkpoint": {"file": CHECKPOINT, **checkpoint},
        "comparison": {
            "settings": {name: {"key": k, "max_transpose": t} for name, (k, t) in SETTINGS.items()},
            "test_nll": comparison,
        },
        "wall_seconds": round(time.perf_counter() - started, 1),
        "machine": _machine(),
    }
    log_path = args.out / LOG
    log_path.write_text(json.dumps(log, indent=2) + "\n", encoding="utf-8")
    source = (
        f"trained by `{log['command']}` on {CHORALES_FILE} (sha256 {data_sha[:12]}…), seed 0, "
        f"{EPOCHS} epochs, {checkpoint['train_seconds']:.0f} s on {os.cpu_count()} CPU cores"
    )
    with manifest_lock():
        record(
            weights,
            source=source,
            license="MIT, as the course (trained on the chorales snapshot: see its entry)",
            description=f"Keras weights of notebook 07's frame LSTM-{RECIPE['units']} "
            f"(key C): test NLL {checkpoint['test_nll']:.3f} per frame",
            rebuild=COMMAND,
        )
        record(
            log_path,
            source=source + "; plus the key/augmentation comparison runs",
            license="MIT, as the course",
            description="provenance, training log and test NLL of chorales_lstm.weights.h5, "
            "and the test NLL of every comparison run (settings × seeds)",
            rebuild=COMMAND,
        )
    print(f"wrote {weights} and {log_path} in {log['wall_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
