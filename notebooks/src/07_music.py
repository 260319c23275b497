# %% [markdown]
# # 07 · Music: Bach chorales, scored like the papers score them, and heard
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/lstm-course/lstm-course/blob/main/notebooks/07_music.ipynb)
#
# **What you will learn**
# - to read polyphonic music as a piano roll: 88 keys, one row per quarter note, four voices;
# - the number the literature reports for it — the negative log-likelihood per frame — and
#   what "no skill" scores: a coin per key, each key's frequency, "repeat the last chord",
#   and a logistic model of the last chord;
# - an LSTM that predicts the next chord as 88 independent coins, trained on whole chorales,
#   compared with Chung et al.'s and Boulanger-Lewandowski et al.'s published numbers;
# - what transposing every piece to C, and transposing at random, do to that number;
# - to compose: prime the model with a real opening, sample with a temperature, listen to
#   the result in the notebook and save it as a MIDI file;
# - a melody model (one soprano note at a time) against bigrams and trigrams.
#
# **Prerequisites:** notebook 04 (LSTMs in Keras).
#
# **Time:** about 45 minutes to study; at most 120 s to run on a laptop CPU.

# %%
# Setup: in Colab, install the course package first; everywhere, seed and quiet everything.
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q",
         "lstm_course @ git+https://github.com/lstm-course/lstm-course"],
        check=True,
    )

import lstm_course

lstm_course.setup()

# %% [markdown]
# "Composing melodies based on previous notes" is one of the classic uses of LSTMs. Tutorials
# usually train on a handful of MIDI files, print no number, and play the result through a
# synthesiser you must install. Here the data is the standard benchmark's own source, the
# model is scored exactly as the papers score it, and the sound is made with a few lines of
# NumPy.
#
# ## 1 · Bach's chorales as piano rolls
#
# Johann Sebastian Bach harmonised some 370 Lutheran hymn tunes for four voices: soprano,
# alto, tenor and bass. Their encodings by Margaret Greentree ship with the `music21` package,
# and in 2012 Boulanger-Lewandowski, Bengio and Vincent turned them into a benchmark, **JSB
# Chorales**: every chorale transposed to C major or C minor, sampled once per quarter note,
# as a **piano roll** — a 0/1 matrix with one row per time step (a *frame*) and one column
# per piano key.
#
# The course ships a snapshot made the same way from music21's corpus (so nothing needs
# installing): 350 distinct harmonisations with repeats written out, split into training,
# validation and test chorales **by tune**, so that no test melody was heard in training.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lstm_course import data
from lstm_course.data.chorales import load_chorales

chorales = load_chorales(key="C", step="quarter")  # {"train": [...], "valid": [...], "test": [...]}
originals = load_chorales(key="original", step="quarter")  # the same pieces in Bach's keys
train, valid, test = ([c.roll for c in chorales[name]] for name in ("train", "valid", "test"))
for name, pieces in chorales.items():
    tunes = len({c.tune for c in pieces})
    print(f"{name:5s}: {len(pieces):3d} chorales, {tunes:3d} tunes, "
          f"{sum(len(c.roll) for c in pieces):6,d} frames (quarter notes)")
shared = {c.tune for c in chorales["train"]} & {c.tune for c in chorales["test"]}
print(f"tunes in both train and test: {len(shared)}")
piece = next(c for c in chorales["test"] if c.bwv == "269")
print(piece)

# %% [markdown]
# Each chorale is a `Chorale` with its roll, melody, title, BWV number and key. Here is the
# first chorale of Riemenschneider's collection, *Aus meines Herzens Grunde* (BWV 269), in
# Bach's key and transposed to C. Each horizontal bar is a note; the four voices stack up.

# %%
NOTE_NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]


def show_roll(ax, roll, title, low=36, high=84, start=0):
    """Draw a (frames, 88) roll as bars, keys low..high (MIDI), x in quarter notes."""
    ax.imshow(roll[:, low - 21 : high - 21 + 1].T, aspect="auto", origin="lower",
              cmap="Greys", interpolation="nearest",
              extent=(start - 0.5, start + len(roll) - 0.5, low - 0.5, high + 0.5))
    ticks = [m for m in range(low, high + 1) if m % 12 == 0]  # every C
    ax.set_yticks(ticks, [f"C{m // 12 - 1}" for m in ticks])
    ax.set_ylabel("key (pitch)")
    ax.set_title(title, fontsize=10)


original = next(c for c in originals["test"] if c.bwv == "269")
fig, axes = plt.subplots(1, 2, figsize=(10, 3.2), sharey=True)
show_roll(axes[0], original.roll, f"BWV 269 as written ({original.original_key})")
show_roll(axes[1], piece.roll, f"transposed {piece.transposed:+d} semitones to C")
for ax in axes:
    ax.set_xlabel("time (quarter notes)")
plt.show()
print(f"{len(piece.roll)} frames; notes per frame: {np.bincount(piece.roll.sum(1).astype(int))}")

# %% [markdown]
# ### What the data looks like
#
# Before any model, the statistics a model will have to learn: how many keys sound at once,
# which keys are used at all, and how the original keys are spread.

# %%
everything = [c for pieces in originals.values() for c in pieces]
frames_all = np.vstack([c.roll for c in everything])
per_frame = np.bincount(frames_all.sum(axis=1).astype(int), minlength=5)
used = np.flatnonzero(frames_all.any(axis=0)) + 21
lengths = np.array([len(c.roll) for c in everything])
keys = [c.original_key for c in everything]
modes = {mode: sum(k.endswith(mode) for k in keys) for mode in ("major", "minor")}
print(f"{len(frames_all):,} frames; keys sounding per frame: "
      + ", ".join(f"{n}: {count / len(frames_all):.1%}" for n, count in enumerate(per_frame)))
print(f"keys used: MIDI {used.min()}..{used.max()} ({len(used)} of the 88), "
      f"{frames_all.mean() * 88:.2f} keys on per frame on average")
print(f"chorale length: median {np.median(lengths):.0f} frames, {lengths.min()}..{lengths.max()}")
print(f"original keys: {modes['major']} major, {modes['minor']} minor")

tonics = [k.split()[0] for k in keys]
fig, axes = plt.subplots(1, 2, figsize=(10, 2.8))
axes[0].bar(range(5), per_frame / len(frames_all))
axes[0].set_xlabel("keys sounding in a frame")
axes[0].set_ylabel("share of frames")
names = ["C", "C#", "D", "E-", "E", "F", "F#", "G", "A-", "A", "B-", "B"]
axes[1].bar(names, [tonics.count(n) for n in names], color="C1")
axes[1].set_xlabel("tonic of the original key (music21's analysis)")
axes[1].set_ylabel("chorales")
plt.show()

# %% [markdown]
# Almost every frame has four keys down — one per voice — and the few with fewer are rests
# or two voices on one key. Fewer than half of the 88 keys are ever used. Bach wrote in many
# keys; transposing to C removes that variety, so a model does not have to learn every
# progression twelve times.
#
# ### Listen
#
# The package's synthesiser (`lstm_course.synth`) turns a roll into sound: each note is a sum
# of three harmonics with a soft attack and decay, summed with NumPy. No system synthesiser,
# no soundfont. Here is the opening of BWV 269 as the model will see it: one chord per
# quarter note, so the passing eighth notes are gone.

# %%
# NBVAL_IGNORE_OUTPUT
from IPython.display import Audio, display

from lstm_course.synth import synthesize

RATE = 6000  # samples per second: small enough to keep the notebook light
display(Audio(synthesize(original.roll[:24], step_seconds=0.42, sample_rate=RATE), rate=RATE))

# %% [markdown]
# ## 2 · How the papers score a model: NLL per frame
#
# A model of piano rolls says, for the next frame, how likely each key is to sound:
# $p_{t,k} = P(x_{t,k} = 1 \mid x_{<t})$. Treating the 88 keys as independent coins given
# the past, the probability of the frame that really came is a product of 88 factors, and its
# **negative log-likelihood** is a sum:
#
# $$\text{NLL}_t = -\sum_{k=1}^{88} \Big[x_{t,k} \ln p_{t,k} + (1 - x_{t,k}) \ln (1 - p_{t,k})\Big].$$
#
# Papers report its **mean over all test frames**, in nats (natural log). Lower is better;
# it counts every key of every frame, including the 84 that stay silent. Every model below
# predicts every frame of every test chorale from the frames before it — the first frame
# from a silent frame before the piece.

# %%
def nll_per_frame(rolls, probabilities):
    """rolls, probabilities: lists of (frames, 88) -> mean over frames of the summed key NLL."""
    total = frames = 0
    for x, p in zip(rolls, probabilities, strict=True):
        p = np.clip(p, 1e-7, 1 - 1e-7)  # a probability of exactly 0 would cost infinity
        total -= np.sum(x * np.log(p) + (1 - x) * np.log(1 - p))
        frames += len(x)
    return total / frames


coin = nll_per_frame(test, [np.full(x.shape, 0.5) for x in test])
print(f"a fair coin per key: {coin:.2f} nats per frame (88 ln 2 = {88 * np.log(2):.2f})")

# %% [markdown]
# A coin per key is a poor guess: only about 4 of the 88 keys sound in a frame. Knowing **each key's
# frequency** in the training chorales already helps a lot, with no memory of the past at
# all:

# %%
from lstm_course import music_baselines as mb

key_rates = mb.per_key_probabilities(train)  # (88,): share of training frames with the key on
per_key = nll_per_frame(test, [np.broadcast_to(key_rates, x.shape) for x in test])
print(f"per-key frequency: {per_key:.2f} nats per frame")
print("most frequent keys: " + ", ".join(
    f"{NOTE_NAMES[(k + 21) % 12]}{(k + 21) // 12 - 1} {key_rates[k]:.0%}"
    for k in np.argsort(key_rates)[::-1][:5]))
assert per_key < coin / 4

# %% [markdown]
# Music changes slowly: most keys that sound now will sound in the next frame, most that are
# silent will stay silent. The next baseline has one frame of memory per key: each key
# **repeats its previous state**, with a learned chance of switching. For each key it needs
# two numbers, learned by counting in the training chorales.

# %% [markdown]
# ### Exercise 07.1 — repeat the previous frame, with learned flips · ★★ · 3 points
#
# Write `fit_flips(rolls)`: given a list of training rolls, each of shape (frames, 88) with
# 0/1 values, return an array of shape **(88, 2)** where, for key k,
#
# - `[k, 0]` = P(key k is on | it was off in the frame before),
# - `[k, 1]` = P(key k is on | it was on in the frame before).
#
# Count transitions **within each piece**; the first frame of a piece follows a silent frame
# (all keys off). Smooth the counts with add-one (Laplace) smoothing, so a key never seen
# on is unlikely, not impossible: P(on | before) = (times on + 1) / (times before + 2).

# %%
def fit_flips(rolls):
    """rolls: list of (frames, 88) 0/1 arrays -> (88, 2): P(on | off before), P(on | on before)."""
    # BEGIN SOLUTION
    counts = np.zeros((88, 2, 2))  # key, state before, state now
    for roll in rolls:
        before = np.vstack([np.zeros((1, 88)), roll[:-1]])  # silence before the first frame
        for was in (0, 1):
            for now in (0, 1):
                counts[:, was, now] += ((before == was) & (roll == now)).sum(axis=0)
    return (counts[:, :, 1] + 1) / (counts.sum(axis=2) + 2)
    # END SOLUTION


# %%
from lstm_course.exercises import music

music.check_fit_flips(fit_flips)

# %% [markdown]
# The third baseline has one frame of memory **across keys**: a logistic regression of each
# key on the whole previous frame, $p_t = \sigma(x_{t-1} W + b)$ with 88 × 88 weights, so a
# chord can make other keys likely (the fifth above, the leading tone's resolution). It is
# fitted by L-BFGS (`mb.fit_logistic`), with a weak L2 penalty (`l2=1e-4`) picked on the
# validation chorales. All three baselines, on both versions of the data:

# %%
from lstm_course.exercises.registry import solved

flips_from = solved("07.1", mb.flip_probabilities)  # your fit_flips once it passes


def baseline_scores(pieces):
    """Test NLL per frame of each baseline, trained on pieces["train"]."""
    train_rolls = [c.roll for c in pieces["train"]]
    test_rolls = [c.roll for c in pieces["test"]]
    rates = mb.per_key_probabilities(train_rolls)
    flips = flips_from(train_rolls)
    weights, bias = mb.fit_logistic(train_rolls, l2=1e-4)
    return {
        "fair coin per key": nll_per_frame(test_rolls, [np.full(x.shape, 0.5) for x in test_rolls]),
        "per-key frequency": nll_per_frame(test_rolls, [np.broadcast_to(rates, x.shape) for x in test_rolls]),
        "repeat, learned flips": nll_per_frame(test_rolls, [mb.flip_predictions(x, flips) for x in test_rolls]),
        "logistic on last frame": nll_per_frame(test_rolls, [mb.logistic_predictions(x, weights, bias) for x in test_rolls]),
    }


scores = {"in C": baseline_scores(chorales), "original keys": baseline_scores(originals)}
print(f"{'test NLL per frame (nats)':26s} {'in C':>8s} {'original':>9s}")
for name in scores["in C"]:
    print(f"{name:26s} {scores['in C'][name]:8.2f} {scores['original keys'][name]:9.2f}")
logistic = scores["in C"]["logistic on last frame"]
flip = scores["in C"]["repeat, learned flips"]
assert logistic < flip < per_key < coin
assert all(scores["in C"][n] <= scores["original keys"][n] + 0.01 for n in scores["in C"])

# %% [markdown]
# Each step of memory pays: the flip model beats key frequencies, and the logistic model,
# which sees the whole last chord, beats them both by a wide margin — on this benchmark it
# already rivals the tanh RNN that Chung et al. (2014) report (9.10). **It is the baseline to
# beat.** Transposing to C helps every model that knows which keys are which; a coin per key
# does not care.
#
# ## 3 · An LSTM that predicts the next chord
#
# The model reads the previous frame (88 inputs, 0/1) and outputs 88 logits; a sigmoid turns
# each into the probability of its key — 88 independent coins, whose cost is exactly the
# NLL above (Keras calls it binary cross-entropy; summed over keys it is our NLL per frame).
# It trains on **whole chorales**: pieces of similar length are batched together and padded
# at the end, and the padding gets weight 0 in the loss
# (`lstm_course.music_models`). The LSTM has 128 units, dropout 0.3, Adam with learning rate
# 3 · 10⁻³, batches of 8 chorales.

# %%
from lstm_course.music_models import build_frame_lstm, fit_on_pieces, predict_on_pieces

model = build_frame_lstm(units=128, dropout=0.3, learning_rate=3e-3, seed=0)
print(f"{model.count_params():,} parameters: "
      + ", ".join(f"{layer.name} {layer.count_params():,}" for layer in model.layers))

# %% [markdown]
# ### A short run, live
#
# Twenty epochs (passes over the 209 training chorales) fit in this notebook's time budget.
# We score the validation chorales after every epoch:

# %%
# NBVAL_IGNORE_OUTPUT
LIVE_EPOCHS = 20
history = fit_on_pieces(model, train, epochs=LIVE_EPOCHS, batch_size=8, seed=0, validation=valid,
                        bar_label="frame LSTM")  # a bar while it trains; none in the build
live_valid = history["valid_nll"][-1]
print(f"{LIVE_EPOCHS} epochs in {history['seconds'][-1]:.0f} s: validation NLL {live_valid:.2f} "
      f"per frame (logistic baseline on test: {logistic:.2f})")

# %% [markdown]
# Twenty epochs are not enough: the validation NLL is still well above the logistic
# baseline's level, and the curve is still falling.
# So the course ships a **checkpoint**: the same model, same seed, same recipe, trained for
# 100 epochs by one documented command (`python -m tools.train_chorales`), with its training
# log. The live run above is the first fifth of that run; on the machine that made the
# checkpoint it repeats it exactly (TensorFlow's deterministic ops), elsewhere up to rounding.

# %%
import json

log = json.loads(data.dataset_path("chorales_lstm.json").read_text(encoding="utf-8"))
stored = log["checkpoint"]["log"]
stored_curve = [row["valid_nll"] for row in stored]
print(f"checkpoint: {log['recipe']['epochs']} epochs, seed {log['recipe']['seed']}, "
      f"{log['checkpoint']['train_seconds']:.0f} s of training on {log['machine']['cpu_count']} cores")
print(f"made by `{log['command']}` from {log['data']['file']} (sha256 {log['data']['sha256'][:12]}…)")

fig, ax = plt.subplots(figsize=(7, 3))
ax.plot(range(1, len(stored_curve) + 1), stored_curve, label="checkpoint's training log")
ax.plot(range(1, LIVE_EPOCHS + 1), history["valid_nll"], "o", ms=3, label="live run")
ax.axhline(logistic, color="C3", ls="--", lw=1, label="logistic baseline (test)")
ax.set_xlabel("epoch")
ax.set_ylabel("validation NLL per frame")
ax.set_ylim(8, 12)
ax.legend()
plt.show()

# %%
assert abs(live_valid - stored_curve[LIVE_EPOCHS - 1]) < 0.1, "the live run should retrace the log"
assert live_valid < scores["in C"]["repeat, learned flips"]

# %% [markdown]
# (The spike in the stored log is a burst of large gradients — notebook 03's exploding
# gradients — that Adam recovers from within a few epochs; clipping the gradient norm would
# smooth it.)
#
# ### The checkpoint, evaluated live
#
# The weights are loaded into a fresh copy of the model and scored here, on the test
# chorales, with the `nll_per_frame` of section 2:

# %%
# NBVAL_IGNORE_OUTPUT
trained = build_frame_lstm(units=128, dropout=0.3, compile=False)  # to predict, not train
trained.load_weights(data.dataset_path("chorales_lstm.weights.h5"))
lstm_nll = nll_per_frame(test, predict_on_pieces(trained, test))

rows = [(name, value, "") for name, value in scores["in C"].items()]
rows += [("LSTM-128, checkpoint (100 epochs)", lstm_nll, "")]
rows += [  # published figures on the real JSB split: a different split, compare trends only
    ("tanh RNN", 9.10, "Chung et al. 2014, JSB"),
    ("RNN", 8.71, "Boulanger-Lewandowski et al. 2012, JSB"),
    ("LSTM", 8.67, "Chung et al. 2014, JSB"),
    ("GRU", 8.54, "Chung et al. 2014, JSB"),
]
print(f"{'model':34s} {'test NLL':>9s}  source")
for name, value, source in rows:
    print(f"{name:34s} {value:9.2f}  {source or 'this notebook, music21 chorales in C'}")

# %%
assert lstm_nll < logistic - 0.2  # beats every baseline, the logistic model clearly
assert lstm_nll <= 8.67  # ... and Chung et al.'s LSTM figure on JSB
assert abs(lstm_nll - log["checkpoint"]["test_nll"]) < 0.01  # the stored log tells the truth

# %% [markdown]
# The LSTM beats every baseline, and lands in the range the papers report. Keep the
# comparison honest, though: our test set is not JSB's. It is split **by tune** (JSB splits
# by chorale, so a test melody may have been heard in training, harmonised differently),
# it has 350 pieces instead of 382, and the keys come from music21's key analysis. Compare
# trends — a logistic model near the tanh RNN, LSTMs well below it — not second decimals.
#
# ### What key normalisation and augmentation do
#
# Is transposing to C worth it? And if you keep Bach's keys, does it help to transpose each
# training chorale at random (by up to ±6 semitones, new every epoch), so the model sees every
# progression in every key? Training all three versions takes longer than this notebook may
# run, so the same command trained each with three seeds and stored the test NLL (a stored
# full run, not computed here; the checkpoint is the `C` run with seed 0):

# %%
runs = log["comparison"]["test_nll"]
labels = {"original": "Bach's keys", "original+transpose": "Bach's keys, random transposition",
          "C": "all in C (as JSB)"}
print(f"{'LSTM-128, 100 epochs':36s} {'test NLL, seeds 0/1/2':>24s} {'mean':>6s}")
means = {}
for setting in ("original", "original+transpose", "C"):
    values = [runs[setting][seed]["test_nll"] for seed in sorted(runs[setting])]
    means[setting] = np.mean(values)
    print(f"{labels[setting]:36s} {' / '.join(f'{v:.2f}' for v in values):>24s} {means[setting]:6.2f}")
assert means["C"] < means["original"] < means["original+transpose"]

# %% [markdown]
# Putting every chorale in C gives the LSTM the same head start it gave the baselines: a V–I
# cadence is the same pattern of keys in every piece, so each training chorale teaches more.
# Random transposition, the usual fix when keys must be kept, *hurts* here: every seed is
# worse than without it. It shows the model each progression in every key, but the same 128
# units and 100 epochs must now cover twelve times as many patterns, and the test chorales
# are still in Bach's keys, which the augmented model saw only a twelfth of the time.
# Augmentation pays when a model overfits; this one, at this length of training, does not
# yet. Normalising the key is the cheaper way to the same invariance.
#
# ## 4 · Compose, and listen
#
# A model that predicts the next frame can write music: give it the opening of a chorale
# (the *primer*), draw the next frame from its probabilities, feed that frame back, and go on.
# A **temperature** T controls how adventurous the draws are. For a softmax over many
# choices you divide the logits by T; here each key is its own coin, so divide each key's
# **log-odds** by T: $p_T = \sigma(\operatorname{logit}(p) / T)$. T < 1 makes likely keys
# likelier and unlikely ones rarer (safe, repetitive music), T > 1 pushes every key towards
# a fair coin (noise).

# %% [markdown]
# ### Exercise 07.2 — temperature for Bernoulli outputs · ★★ · 2 points
#
# Write `tempered(probabilities, temperature)`: for an array of probabilities of any shape
# (values in [0, 1], possibly exactly 0 or 1) and a temperature T > 0, return the array of
# the same shape with each probability's log-odds divided by T, passed back through the
# sigmoid: $\sigma(\ln\frac{p}{1-p} / T)$. A probability of exactly 0 or 1 must come back
# as (close to) 0 or 1 — not `nan`.

# %%
def tempered(probabilities, temperature):
    """probabilities: any shape, in [0, 1]; temperature > 0 -> same shape, tempered."""
    # BEGIN SOLUTION
    p = np.clip(probabilities, 1e-12, 1 - 1e-12)  # keep the log-odds finite
    return 1 / (1 + np.exp(-np.log(p / (1 - p)) / temperature))
    # END SOLUTION


# %%
music.check_tempered(tempered)

# %%
from lstm_course.sampling import generate, tempered_probabilities

temper = solved("07.2", tempered_probabilities)  # your tempered once it passes
p = np.array([0.02, 0.3, 0.5, 0.9])
for T in (0.5, 1.0, 2.0):
    print(f"T = {T}: " + "  ".join(f"{x:.3f}" for x in temper(p, T)))

# %% [markdown]
# ### Exercise 07.3 — continue a piece · ★★★ · 5 points
#
# Write the generation loop, `continue_piece(step, primer, steps, temperature, rng)`:
#
# - `step(frame, state)` is the model, one frame at a time: it takes a frame of shape (88,)
#   (0/1) and the state it returned last time (`None` on the first call), and returns
#   `(probabilities, state)`, the (88,) probabilities of the **next** frame and its new state;
# - `primer` (frames, 88): feed **every** primer frame to the model, in order, carrying the
#   state; the probabilities after the last primer frame give the first new frame;
# - then, `steps` times: temper the probabilities with `temper(p, temperature)` (your 07.2),
#   switch each key on independently when a uniform random number from `rng`
#   (`rng.random(88)`) falls below its tempered probability, and feed that 0/1 frame back;
# - return the `steps` new frames only, an array of shape (steps, 88) of 0s and 1s.

# %%
def continue_piece(step, primer, steps, temperature, rng):
    """step: (frame, state) -> (probabilities, state); primer (frames, 88) -> (steps, 88)."""
    # BEGIN SOLUTION
    state = None
    for frame in primer:  # warm up the model's memory on the real opening
        p, state = step(frame, state)
    frames = []
    for _ in range(steps):
        frame = (rng.random(88) < temper(p, temperature)).astype(float)  # 88 coins
        frames.append(frame)
        p, state = step(frame, state)  # the sample becomes the next input
    return np.array(frames)
    # END SOLUTION


# %%
music.check_continue_piece(continue_piece)

# %% [markdown]
# The generation loop needs the model one frame at a time, carrying its state between calls.
# That is notebook 01's `lstm_step`, with the trained Keras weights converted by
# `params_from_keras`, and the output layer written out:

# %%
from lstm_course.numpy_lstm import lstm_step
from lstm_course.numpy_params import params_from_keras

lstm_layer, output_layer = trained.layers[0], trained.layers[-1]
params = params_from_keras(lstm_layer)
W_out, b_out = output_layer.get_weights()
units = lstm_layer.units


def frame_step(frame, state):
    """The trained model in NumPy: one frame (88,) in, next-frame probabilities (88,) out."""
    h, c = state if state is not None else (np.zeros((1, units)), np.zeros((1, units)))
    h, c = lstm_step(frame[None, :], h, c, params)
    return 1 / (1 + np.exp(-(h @ W_out + b_out)))[0], (h, c)


state, numpy_probabilities = None, []
for frame in np.vstack([np.zeros((1, 88)), piece.roll[:-1]]):
    p_next, state = frame_step(frame, state)
    numpy_probabilities.append(p_next)
keras_probabilities = predict_on_pieces(trained, [piece.roll])[0]
gap = np.abs(np.array(numpy_probabilities) - keras_probabilities).max()
assert gap < 1e-4, gap
print("the NumPy step gives Keras's probabilities for every frame of BWV 269")

# %% [markdown]
# Now compose: prime with the first 8 quarter notes (two bars) of BWV 269, a test chorale the
# model never saw, then let it write 24 more at temperature 0.8. The random generator is
# seeded, so the piece is the same every run (on one machine).

# %%
# NBVAL_IGNORE_OUTPUT
compose = solved("07.3", lambda step, primer, steps, temperature, rng: generate(
    step, primer, steps, temperature=temperature, seed=rng))
PRIMER, NEW = 8, 24
primer = piece.roll[:PRIMER]
composed = compose(frame_step, primer, NEW, 0.8, np.random.default_rng(7))
real_next = piece.roll[PRIMER : PRIMER + NEW]
composed_nll = nll_per_frame([piece.roll[: PRIMER + NEW]], [keras_probabilities[: PRIMER + NEW]])
print(f"keys per frame: composed {composed.sum(1).mean():.1f}, Bach {real_next.sum(1).mean():.1f}")
print(f"distinct chords: composed {len({tuple(f) for f in composed})}, Bach {len({tuple(f) for f in real_next})}")

fig, axes = plt.subplots(1, 2, figsize=(10, 3.2), sharey=True)
show_roll(axes[0], piece.roll[: PRIMER + NEW], "BWV 269: Bach's continuation")
show_roll(axes[1], np.vstack([primer, composed]), "the LSTM's continuation (T = 0.8)")
for ax in axes:
    ax.axvline(PRIMER - 0.5, color="C3", lw=1)
    ax.set_xlabel("time (quarter notes); primer left of the red line")
plt.show()

# %%
assert 2.5 <= composed.sum(1).mean() <= 5.5  # about four voices, as in the chorales
assert composed.shape == (NEW, 88)

# %% [markdown]
# Compare the two rolls and the printed counts: the LSTM's continuation often has fewer than
# four keys per frame, and it changes chord more often than Bach. Each key is drawn on its
# own, so nothing makes exactly four keys sound together, or makes a voice move as a whole —
# the weakness Boulanger-Lewandowski et al. (2012) removed by replacing the 88 independent
# coins with one joint distribution over the whole frame (RNN-RBM, RNN-NADE).
#
# Listen to the primer and the continuation, then Bach's own:

# %%
# NBVAL_IGNORE_OUTPUT
display(Audio(synthesize(np.vstack([primer, composed]), step_seconds=0.42, sample_rate=RATE), rate=RATE))
display(Audio(synthesize(piece.roll[: PRIMER + NEW], step_seconds=0.42, sample_rate=RATE), rate=RATE))

# %% [markdown]
# To keep it, save it as a standard MIDI file that any notation program or synthesiser
# opens; `read_midi` reads it back (and reads your own MIDI files into piano rolls:
# try one). Here it goes to a temporary folder; give `write_midi` any path you like.

# %%
import tempfile
from pathlib import Path

from lstm_course.midi import read_midi, write_midi

with tempfile.TemporaryDirectory() as folder:
    path = write_midi(np.vstack([primer, composed]), Path(folder) / "lstm_chorale.mid",
                      steps_per_quarter=1, tempo_bpm=72)
    back = read_midi(path, steps_per_quarter=1)
same = np.array_equal(back, np.vstack([primer, composed])[: len(back)])
print(f"wrote {path.name} and read it back: {'the same notes' if same else 'DIFFERENT notes'}")
assert same

# %% [markdown]
# ## 5 · A melody model
#
# A single line is a different problem: one note at a time, so a **softmax** over the
# possible next events replaces the 88 coins. We take the soprano (the hymn tune) of each
# chorale at quarter-note steps and write each step as one token: *rest*, *hold* (the note
# goes on) or *a new note of pitch p*. The model is scored by accuracy (is the most likely
# token the right one?) and NLL per step, against n-gram models that count which token
# followed the previous one or two.

# %%
from lstm_course.data.chorales import melody_roll, melody_tokens, melody_vocabulary
from lstm_course.music_models import build_token_lstm

soprano = np.concatenate([c.soprano[c.soprano > 0] for pieces in chorales.values() for c in pieces])
LOW, HIGH = int(soprano.min()), int(soprano.max())
V = melody_vocabulary(LOW, HIGH)
tokens = {name: [melody_tokens(c, LOW, HIGH) for c in pieces] for name, pieces in chorales.items()}
print(f"soprano range MIDI {LOW}..{HIGH}: {V} tokens (start, rest, hold, {HIGH - LOW + 1} pitches)")
print(f"BWV 269's first 12 tokens: {tokens['test'][chorales['test'].index(piece)][:12].tolist()}")


def melody_scores(probabilities, sequences):
    """(NLL per step in nats, accuracy of the most likely token)."""
    steps = np.concatenate(sequences)
    p = np.vstack(probabilities)
    return -np.mean(np.log(p[np.arange(len(steps)), steps])), np.mean(p.argmax(1) == steps)


ngram = {}
for order, name in ((1, "unigram"), (2, "bigram"), (3, "trigram")):
    # the smoothing constant is chosen on the validation melodies
    alpha = min((0.01, 0.1, 1.0), key=lambda a: melody_scores(mb.ngram_probabilities(
        tokens["train"], tokens["valid"], order=order, vocabulary=V, alpha=a), tokens["valid"])[0])
    ngram[name] = melody_scores(mb.ngram_probabilities(
        tokens["train"], tokens["test"], order=order, vocabulary=V, alpha=alpha), tokens["test"])
    print(f"{name:8s} (alpha {alpha:4}): NLL {ngram[name][0]:.3f} per step, accuracy {ngram[name][1]:.1%}")

# %% [markdown]
# Two tokens of context guess right more often than one, but their NLL is no better: many
# two-token contexts are seen too rarely to count reliably. The LSTM reads the whole melody so
# far (an embedding of 16 numbers per token, 64 units), trained for 14 epochs:

# %%
# NBVAL_IGNORE_OUTPUT
melody_model = build_token_lstm(V, units=64, embedding=16, dropout=0.2, learning_rate=1e-2, seed=0)
melody_history = fit_on_pieces(melody_model, tokens["train"], epochs=14, batch_size=8, seed=0,
                               bar_label="melody LSTM")
melody_nll, melody_accuracy = melody_scores(predict_on_pieces(melody_model, tokens["test"]), tokens["test"])
print(f"melody LSTM ({melody_history['seconds'][-1]:.0f} s): NLL {melody_nll:.3f} per step, "
      f"accuracy {melody_accuracy:.1%}  (trigram: {ngram['trigram'][0]:.3f}, {ngram['trigram'][1]:.1%})")

# %%
assert melody_nll < min(nll for nll, _ in ngram.values()) - 0.1
assert melody_accuracy > max(accuracy for _, accuracy in ngram.values())

# %% [markdown]
# The LSTM beats every n-gram on both counts: it knows where in the phrase it is, which one
# or two tokens of context cannot tell. Here is a melody it writes from the first two bars of BWV
# 269's tune, sampled at temperature 0.8 from its softmax:

# %%
# NBVAL_IGNORE_OUTPUT
opening = tokens["test"][chorales["test"].index(piece)][:PRIMER]
melody_rng = np.random.default_rng(3)
melody = list(opening)
for _ in range(NEW):
    x = np.array([[0] + melody], dtype=np.int32)  # START, then the melody so far
    logits = melody_model.predict_on_batch(x)[0, -1].astype(np.float64) / 0.8
    p = np.exp(logits - logits.max())
    p[0] = 0  # START is never an output
    melody.append(int(melody_rng.choice(V, p=p / p.sum())))
print("tokens:", melody[PRIMER:])
display(Audio(synthesize(melody_roll(melody, LOW), step_seconds=0.42, sample_rate=RATE), rate=RATE))

# %% [markdown]
# ## What's next
#
# Notebook 09 trains a language model on characters, where the same ideas return: a softmax
# over the next symbol, a temperature for sampling, bits per character as the honest score,
# and n-grams as the baseline to beat.
#
# ## Review questions
#
# 1. Why does a fair coin per key cost exactly 88 ln 2 nats per frame, and why is it a poor
#    baseline for chorales?
# 2. The NLL per frame sums over all 88 keys. Which keys contribute most of it for a good
#    model — the four that sound, or the 84 that are silent? Why?
# 3. What does the "repeat the previous frame" baseline know that the per-key baseline does
#    not, and what does the logistic baseline know on top of that?
# 4. Why does each model predict the first frame of a piece from a silent frame, and what
#    would change if the first frame were left out of the score?
# 5. Our split keeps every tune within one of train, validation and test. What could go
#    wrong with a split by chorale, and which direction would it move the test NLL?
# 6. Transposing every chorale to C lowers the NLL of the LSTM and of the logistic model,
#    but not of the fair coin. Explain.
# 7. For 88 independent keys, why divide the log-odds by the temperature instead of raising
#    each probability to the power 1/T?
# 8. In the generation loop, what goes wrong if the model's state is reset at every step, or
#    if the probabilities (instead of the sampled frame) are fed back?
# 9. The melody model predicts "hold" very often. How does that affect its accuracy, and why
#    is the NLL per step a fairer score?
