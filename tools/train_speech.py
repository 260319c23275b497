"""Train notebook 12's checkpoints: a BiLSTM + CTC digit recogniser and its CNN baseline.

Run from the repository root (a maintainer tool; about 25 min on 2 busy CPU cores):

    python -m tools.train_speech                # both models, the same data and updates
    python -m tools.train_speech --epochs 2     # a quick smoke run (writes to --out-dir)
    python -m tools.train_speech --ablation     # 3 BiLSTM variants, metrics only (~9 min quiet)

Both models see the same strings: every epoch composes ``STRINGS`` fresh digit strings from
the training voices of ``spoken_digits_espeak.npz`` (seed = epoch), with the composer's
augmentation (gaps, gain, noise, speed). They get the same number of Adam updates and about
the same number of parameters (~90k vs ~81k). Weights go to ``datasets/speech_*.weights.h5``;
``datasets/speech_training.json`` keeps the log (loss per epoch, validation digit error rate,
wall time, machine) and the test metrics the notebook re-computes live.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from lstm_course import speech as sp
from lstm_course import speech_models
from lstm_course.data.digits import SYNTH_FILE, load_digits, load_human_digits
from lstm_course.data.registry import sha256_of
from tools.data_build import REPO_DATASETS, manifest_lock, record

COMMAND = "python -m tools.train_speech"
STRINGS = 2000  # fresh training strings per epoch
EPOCHS = 20
MAX_DIGITS = 5
SEED = 0
BATCH = 64
EVAL = {"test": (600, 101), "val": (300, 102), "human": (300, 103)}  # n strings, seed


NO_AUGMENTATION = {"speed": (1.0, 1.0), "gain_db": (0.0, 0.0), "snr_db": (200.0, 200.0)}
ABLATIONS = {  # name: (compose keyword arguments, normalise features)
    "no augmentation": (NO_AUGMENTATION, True),
    "no feature normalisation": ({}, False),
    "slower speech too (speed 0.65-1.2)": ({"speed": (0.65, 1.2)}, True),
}


def evaluation_sets(normalise: bool = True) -> dict[str, tuple]:
    """The fixed evaluation strings (features, lengths, text) the notebook also builds."""
    sources = {"test": load_digits("test"), "val": load_digits("val"), "human": load_human_digits()}
    sets = {}
    for name, (n, seed) in EVAL.items():
        audio, text = sp.evaluation_set(sources[name], n, seed)
        x, lengths = sp.features(audio, normalise=normalise)
        sets[name] = (x, lengths, text)
    return sets


def evaluate(model, data) -> dict[str, float]:
    x, lengths, text = data
    probs = speech_models.predict_probs(model, x, lengths)
    greedy = sp.greedy_decode(probs, lengths)
    return {
        "der": round(sp.digit_error_rate(text, greedy), 4),
        "string_accuracy": round(sp.string_accuracy(text, greedy), 4),
    }


def train(
    name: str, epochs: int, sets: dict, train_clips, compose_args=None, normalise=True
) -> tuple[object, dict]:
    import keras

    keras.utils.set_random_seed(SEED)
    model = speech_models.bilstm_ctc() if name == "bilstm" else speech_models.cnn_ctc()
    log = {"params": model.count_params(), "loss": [], "val_der": []}
    start = time.time()
    for epoch in range(epochs):
        audio, text = sp.compose(
            train_clips,
            STRINGS,
            np.random.default_rng(epoch),
            max_digits=MAX_DIGITS,
            **(compose_args or {}),
        )
        x, lengths = sp.features(audio, normalise=normalise)
        labels, label_lengths = sp.encode_labels(text)
        rate = 3e-3 if epoch < epochs * 2 // 3 else 1e-3
        (loss,) = speech_models.train_ctc(
            model,
            x,
            lengths,
            labels,
            label_lengths,
            epochs=1,
            batch_size=BATCH,
            learning_rate=rate,
            seed=epoch,
        )
        log["loss"].append(round(loss, 4))
        log["val_der"].append(evaluate(model, sets["val"])["der"])
        print(
            f"{name} epoch {epoch + 1}: loss {loss:.3f}, val DER {log['val_der'][-1]:.3f}",
            flush=True,
        )
    log["wall_seconds"] = round(time.time() - start, 1)
    log["metrics"] = {k: evaluate(model, v) for k, v in sets.items()}
    return model, log


def ablation(epochs: int, out_dir: Path) -> int:
    """BiLSTMs trained like the checkpoint but with one ingredient removed (or, last, a wider
    speed perturbation that imitates slower speakers); metrics only, no weights."""
    train_clips = load_digits("train")
    out = {"command": f"{COMMAND} --ablation", "epochs": epochs, "seed": SEED, "models": {}}
    for name, (compose_args, normalise) in ABLATIONS.items():
        sets = evaluation_sets(normalise)
        _, log = train("bilstm", epochs, sets, train_clips, compose_args, normalise)
        out["models"][name] = log
        path = out_dir / "speech_ablation.json"
        path.write_text(json.dumps(out, indent=1) + "\n")
    with manifest_lock():
        record(
            path,
            source=f"written by {COMMAND} --ablation",
            license="CC0",
            description="notebook 12: BiLSTM + CTC trained without augmentation, without "
            "feature normalisation, or with a wider speed range (same data, seed and updates "
            "as the checkpoint); metrics",
            rebuild=f"{COMMAND} --ablation",
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--out-dir", type=Path, default=REPO_DATASETS)
    parser.add_argument(
        "--ablation", action="store_true", help="train BiLSTMs without augmentation / normalisation"
    )
    args = parser.parse_args(argv)
    from lstm_course import setup

    setup(seed=SEED)
    if args.ablation:
        return ablation(args.epochs, Path(args.out_dir))
    sets = evaluation_sets()
    train_clips = load_digits("train")
    out = {
        "command": COMMAND,
        "data": {SYNTH_FILE: sha256_of(REPO_DATASETS / SYNTH_FILE)},
        "epochs": args.epochs,
        "strings_per_epoch": STRINGS,
        "seed": SEED,
        "machine": f"{platform.machine()} {platform.processor() or ''} {os.cpu_count()} cores".strip(),
        "evaluation": {k: {"strings": n, "seed": s} for k, (n, s) in EVAL.items()},
        "models": {},
    }
    for name in ("bilstm", "cnn"):
        model, log = train(name, args.epochs, sets, train_clips)
        path = Path(args.out_dir) / f"speech_{name}.weights.h5"
        model.save_weights(path)
        out["models"][name] = log
        (Path(args.out_dir) / "speech_training.json").write_text(json.dumps(out, indent=1) + "\n")
        with manifest_lock():
            record(
                path,
                source=f"trained by {COMMAND} (seed {SEED}, {args.epochs} epochs of {STRINGS} "
                f"composed strings, {log['wall_seconds']:.0f} s) on {SYNTH_FILE}",
                license="CC0 (weights trained by the course)",
                description=f"notebook 12's {name} + CTC digit recogniser, {log['params']:,} "
                f"parameters; test DER {log['metrics']['test']['der']}, human DER "
                f"{log['metrics']['human']['der']}",
                rebuild=COMMAND,
            )
    with manifest_lock():
        record(
            Path(args.out_dir) / "speech_training.json",
            source=f"written by {COMMAND}",
            license="CC0",
            description="notebook 12's checkpoint training log and stored metrics",
            rebuild=COMMAND,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
