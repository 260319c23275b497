"""Train the notebook-09 checkpoint: a character LSTM on Jane Austen (truncated BPTT).

Run from the repository root (a maintainer tool; minutes to hours on a CPU):

    python -m tools.train_charlm --minutes 60            # writes datasets/austen_lstm.npz
    python -m tools.train_charlm --init A/austen_lstm.npz --lr 1e-3 --out-dir B   # continue

A continued run stores the log of the run it continued (the ``.json`` beside ``--init``) under
``"previous"``, so the stored checkpoint's log holds every stage of its training.

Every ``--save-every`` seconds the model is evaluated on a fixed validation slice and the
weights are written (float16) with the training log (time, bits per character), so a run
stopped early leaves a usable checkpoint. When the time budget is spent, the stored weights
are evaluated on the whole validation and test splits and recorded in the manifest.
Deterministic given the seed on one machine (TensorFlow's op determinism is enabled).
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

from tools.data_build import REPO_DATASETS, manifest_lock, record

COMMAND = "python -m tools.train_charlm"


def _cpu_name() -> str:
    """The CPU's model name (Linux), else the platform's machine type."""
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip() + " CPU"
    except OSError:
        pass
    return f"{platform.machine()} CPU"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--units", type=int, default=256)
    parser.add_argument("--layers", type=int, default=1)
    parser.add_argument("--embed", type=int, default=48)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=128)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--save-every", type=float, default=300.0)
    parser.add_argument("--out-dir", type=Path, default=REPO_DATASETS)
    parser.add_argument("--name", default="austen_lstm")
    parser.add_argument(
        "--init", type=Path, help="start from these weights (an earlier run's .npz) to train on"
    )
    args = parser.parse_args(argv)

    import keras
    import tensorflow as tf

    from lstm_course.charlm import (
        Vocabulary,
        bptt_batches,
        build_charlm,
        evaluate_bpc,
        load_weights_npz,
        make_train_step,
        save_weights_npz,
        zero_states,
    )
    from lstm_course.data.austen import AUSTEN_FILE, load_austen, split_text
    from lstm_course.data.registry import dataset_path, sha256_of

    keras.utils.set_random_seed(args.seed)
    tf.config.experimental.enable_op_determinism()
    text = load_austen()
    parts = split_text(text)
    vocab = Vocabulary.from_text(text)
    train = vocab.encode(parts["train"])
    val_slice = vocab.encode(parts["validation"][:50_000])
    x, y = bptt_batches(train, args.batch, args.steps)
    model = build_charlm(len(vocab), args.units, embed=args.embed, layers=args.layers)
    if args.init is not None:  # continue an earlier run (its sha256 goes into the log)
        load_weights_npz(model, args.init)
    optimizer = keras.optimizers.Adam(args.lr, clipnorm=1.0)
    train_step = make_train_step(model, optimizer)  # the notebook's step, state carried

    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    weights_path = out_dir / f"{args.name}.npz"
    log_path = out_dir / f"{args.name}.json"
    log = {
        "command": f"{COMMAND} " + " ".join(argv if argv is not None else sys.argv[1:]),
        "config": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "data": {
            "file": AUSTEN_FILE,
            "sha256": sha256_of(dataset_path(AUSTEN_FILE)),
            "train_chars": len(train),
            "vocab": vocab.chars,
        },
        "machine": f"{_cpu_name()}, {os.cpu_count()} cores (shared with other jobs, niced), "
        f"TensorFlow {tf.__version__}, Keras {keras.__version__}",
        "params": int(model.count_params()),
        "init": None
        if args.init is None
        else {"file": args.init.name, "sha256": sha256_of(args.init)},
        "curve": [],
    }
    if args.init is not None and args.init.with_suffix(".json").exists():
        # the run being continued keeps its own log, nested: charlm.training_stages reads it
        log["previous"] = json.loads(args.init.with_suffix(".json").read_text(encoding="utf-8"))
    start = time.time()
    last_save = start
    chars = 0
    epoch = 0
    done = False
    while not done:
        states = zero_states(model, args.batch)
        for k in range(len(x)):
            # linear decay to 30 % of --lr over the time budget: the stopping point is set
            # by wall time, so the log records how many characters were actually trained on
            elapsed = min(1.0, (time.time() - start) / (args.minutes * 60))
            optimizer.learning_rate.assign(args.lr * (1 - 0.7 * elapsed))
            loss, states = train_step(x[k], y[k], states)
            chars += x[k].size
            now = time.time()
            if now - last_save >= args.save_every or now - start >= args.minutes * 60:
                save_weights_npz(
                    model,
                    weights_path,
                    vocab=vocab.chars,
                    units=args.units,
                    layers=args.layers,
                    embed=args.embed,
                )
                probe = build_charlm(len(vocab), args.units, embed=args.embed, layers=args.layers)
                load_weights_npz(probe, weights_path)  # score the float16 weights as stored
                bpc = evaluate_bpc(probe, val_slice)
                log["curve"].append(
                    {
                        "seconds": round(now - start, 1),
                        "chars": chars,
                        "epoch": round(epoch + k / len(x), 3),
                        "train_loss_bits": round(float(loss) / float(np.log(2)), 4),
                        "val50k_bpc": round(bpc, 4),
                    }
                )
                log_path.write_text(json.dumps(log, indent=1) + "\n")
                print(log["curve"][-1], flush=True)
                last_save = time.time()
                done = now - start >= args.minutes * 60
                if done:
                    break
        epoch += 1
    probe = build_charlm(len(vocab), args.units, embed=args.embed, layers=args.layers)
    load_weights_npz(probe, weights_path)
    log["final"] = {
        "train_seconds": round(time.time() - start, 1),
        "train_chars": chars,
        "validation_bpc": round(evaluate_bpc(probe, vocab.encode(parts["validation"])), 4),
        "test_bpc": round(evaluate_bpc(probe, vocab.encode(parts["test"])), 4),
        "evaluation": "evaluate_bpc(streams=16, steps=256) on the float16 weights as stored",
    }
    log_path.write_text(json.dumps(log, indent=1) + "\n")
    print(log["final"], flush=True)
    with manifest_lock():
        for path, what in ((weights_path, "weights (float16)"), (log_path, "training log")):
            record(
                path,
                source=f"trained by {log['command']} on {AUSTEN_FILE}",
                license="CC0 (trained by the course)",
                description=f"character LSTM {args.layers}x{args.units} on Austen, {what}; "
                f"test {log['final']['test_bpc']} bits/char",
                rebuild=log["command"],
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
