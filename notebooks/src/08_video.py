# %% [markdown]
# # 08 · Video
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/lstm-course/lstm-course/blob/main/notebooks/08_video.ipynb)
#
# **What you will learn**
# - why recognising an action means remembering how frames change — shown on actions that are
#   **time-reversals** of each other (sit down / stand up), where no single frame and no bag of
#   frames can tell them apart;
# - four video classifiers, measured on the same clips: a single-frame CNN, an order-blind
#   model (CNN features averaged over time), a TimeDistributed CNN + LSTM, and ConvLSTM2D —
#   their accuracy overall and on the reversed pairs, parameters and seconds per epoch;
# - online recognition: the LSTM run frame by frame over a live stream, and how many frames
#   it needs after the action changes;
# - next-frame prediction with ConvLSTM2D against "copy the last frame", and the future leak
#   of a Conv3D with `"same"` padding over time;
# - the same recurrent classifier on real smart-watch activity recordings (BasicMotions).
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
# ## 1 · The data: stick figures that act
#
# No labelled video can be reached offline, so the package draws its own:
# `lstm_course.video.make_clips` renders short grayscale clips (20 frames of 32 × 32 pixels)
# of a stick figure that walks, runs, jumps, waves, sits down, stands up, raises or lowers
# its arms — with random position, height, limb proportions, facing direction, speed and
# phase, over faint random background lines, with pixel noise in every frame.
#
# Two pairs of classes are **time-reversals** of each other: a "stand up" clip is a
# "sit down" clip played backwards (drawn with the same random numbers), and likewise
# "lower arms" and "raise arms". The two classes of a pair therefore have exactly the same
# single frames, in the same proportions: only their **order** tells them apart.

# %%
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers

from lstm_course import progress  # a bar while a cell trains; off when the notebook is built
from lstm_course.exercises import video as exercises  # the checks of this notebook's exercises
from lstm_course.exercises.registry import solved
from lstm_course.video import ACTIONS, REVERSED_PAIRS, make_clip, make_clips, make_stream

SEED = 0
x_train, y_train = make_clips(100, seed=SEED)       # 800 clips, 100 per action
x_test, y_test = make_clips(30, seed=SEED + 1000)   # 240 fresh clips
FRAMES, SIZE = x_train.shape[1], x_train.shape[2]
PAIR_CLASSES = [ACTIONS.index(a) for pair in REVERSED_PAIRS for a in pair]
in_pairs = np.isin(y_test, PAIR_CLASSES)
print(f"train {x_train.shape}, test {x_test.shape}; {len(ACTIONS)} actions: {', '.join(ACTIONS)}")
print(f"reversed pairs: {REVERSED_PAIRS}; {in_pairs.sum()} test clips belong to them")

# %%
sit = make_clip("sit_down", seed=7)
stand = make_clip("stand_up", seed=7)
print(f"stand_up clip == sit_down clip reversed in time: {np.array_equal(stand, sit[::-1])}")
fig, axes = plt.subplots(len(ACTIONS), 10, figsize=(10, 8.4))
for row, action in enumerate(ACTIONS):
    clip = make_clip(action, seed=20 + row)
    for col in range(10):
        ax = axes[row, col]
        ax.imshow(clip[2 * col, :, :, 0], cmap="gray", vmin=0, vmax=1)
        ax.set_xticks([]), ax.set_yticks([])
        if col == 0:
            ax.set_ylabel(action, fontsize=8)
        if row == len(ACTIONS) - 1:
            ax.set_xlabel(f"frame {2 * col}", fontsize=8)
fig.suptitle("One clip per action (every second frame)")
plt.show()

# %% [markdown]
# Watch a reversed pair move. The two animations on the left are the same drawing played in
# opposite directions; so are the two on the right. Any single frame you pause on appears in
# both clips of its pair. (Drawn without the pixel noise: noise would make the animations
# more than ten times larger in this notebook's file, and it is not what you want to look at.)

# %%
from IPython.display import HTML

from lstm_course.video import clips_html

pair_clips = [make_clip(action, seed=7, noise=0.0) for pair in REVERSED_PAIRS for action in pair]
HTML(clips_html(pair_clips, [action for pair in REVERSED_PAIRS for action in pair]))

# %% [markdown]
# ## 2 · Four classifiers
#
# All four read the same 20-frame clips and end in a softmax over the 8 actions:
#
# - **(a) single frame**: a small CNN sees only the middle frame;
# - **(b) order-blind**: the same CNN on every frame (`TimeDistributed`), its features
#   *averaged over time* — it sees every frame but not their order;
# - **(c) CNN + LSTM**: the same per-frame CNN, its features read in order by an LSTM;
# - **(d) ConvLSTM2D**: one strided convolution per frame, then an LSTM whose gates are
#   convolutions, so its state is itself an image (16 feature maps of 7 × 7).
#
# Prediction: (a) and (b) must fail on the reversed pairs whatever their training, because
# their input is the same for both classes of a pair. (c) and (d) can succeed.

# %% [markdown]
# ### Exercise 08.1 — a bag of frames · ★ · 1 point
#
# Model (b) turns per-frame features into one vector per clip by averaging them over time.
# Write `bag_of_frames(features)`: `features` is a NumPy array of shape
# `(batch, frames, features)`; return the `(batch, features)` array of their means over the
# frames. Then convince yourself that shuffling the frames of a clip leaves its bag unchanged.

# %%
def bag_of_frames(features):
    """(batch, frames, features) -> (batch, features): the mean over frames."""
    # BEGIN SOLUTION
    return np.mean(features, axis=1)
    # END SOLUTION


# %%
exercises.check_bag_of_frames(bag_of_frames)

# %%
CLASSES = len(ACTIONS)


def frame_cnn() -> keras.Sequential:
    """(32, 32, 1) frame -> 32 features: two strided convolutions and a dense layer."""
    return keras.Sequential(
        [
            keras.Input((SIZE, SIZE, 1)),
            layers.Conv2D(8, 3, strides=2, activation="relu"),
            layers.Conv2D(16, 3, strides=2, activation="relu"),
            layers.Flatten(),
            layers.Dense(32, activation="relu"),
        ]
    )


def single_frame_model() -> keras.Model:
    clips = keras.Input((FRAMES, SIZE, SIZE, 1))
    middle = layers.Lambda(lambda v: v[:, FRAMES // 2])(clips)
    return keras.Model(clips, layers.Dense(CLASSES, activation="softmax")(frame_cnn()(middle)))


def order_blind_model() -> keras.Model:
    clips = keras.Input((FRAMES, SIZE, SIZE, 1))
    features = layers.TimeDistributed(frame_cnn())(clips)
    mean = layers.GlobalAveragePooling1D()(features)  # a bag of frames: order is lost here
    return keras.Model(clips, layers.Dense(CLASSES, activation="softmax")(mean))


def cnn_lstm_model() -> keras.Model:
    clips = keras.Input((FRAMES, SIZE, SIZE, 1))
    features = layers.TimeDistributed(frame_cnn(), name="frame_cnn")(clips)
    state = layers.LSTM(32, name="lstm")(features)
    return keras.Model(clips, layers.Dense(CLASSES, activation="softmax", name="head")(state))


def conv_lstm_model() -> keras.Model:
    clips = keras.Input((FRAMES, SIZE, SIZE, 1))
    # one strided convolution per frame first: 15 x 15 maps, 4x less work for every gate
    small = layers.TimeDistributed(layers.Conv2D(8, 3, strides=2, activation="relu"))(clips)
    state = layers.ConvLSTM2D(16, 3, strides=2)(small)
    return keras.Model(clips, layers.Dense(CLASSES, activation="softmax")(layers.Flatten()(state)))


BUILDERS = {
    "single frame": (single_frame_model, 20),
    "order-blind": (order_blind_model, 12),
    "CNN + LSTM": (cnn_lstm_model, 30),
    "ConvLSTM2D": (conv_lstm_model, 20),
}

# %%
# NBVAL_IGNORE_OUTPUT
models, results = {}, {}
for name, (build, epochs) in BUILDERS.items():
    keras.utils.set_random_seed(SEED)
    model = build()
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy")
    start = time.perf_counter()
    model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=0,
              callbacks=[progress.epochs(name)])  # a bar while it trains; none in the build
    seconds = (time.perf_counter() - start) / epochs
    predicted = model.predict(x_test, verbose=0).argmax(axis=1)
    models[name] = model
    results[name] = {
        "parameters": model.count_params(),
        "s/epoch": seconds,
        "train accuracy": float((model.predict(x_train, verbose=0).argmax(axis=1) == y_train).mean()),
        "accuracy": float((predicted == y_test).mean()),
        "reversed pairs": float((predicted[in_pairs] == y_test[in_pairs]).mean()),
        "predicted": predicted,
    }
    r = results[name]
    print(
        f"{name:13s} {r['parameters']:7,d} parameters  {r['s/epoch']:5.2f} s/epoch  train "
        f"{r['train accuracy']:.3f}  test {r['accuracy']:.3f}  reversed pairs {r['reversed pairs']:.3f}"
    )

# %%
for name in ("CNN + LSTM", "ConvLSTM2D"):
    assert results[name]["accuracy"] >= 0.9, (name, results[name]["accuracy"])
for name in ("single frame", "order-blind"):
    assert results[name]["reversed pairs"] <= 0.6, (name, results[name]["reversed pairs"])
assert results["CNN + LSTM"]["reversed pairs"] >= 0.9, results["CNN + LSTM"]["reversed pairs"]
blind = results["order-blind"]
assert blind["train accuracy"] >= blind["accuracy"] + 0.2, blind  # it memorises (see below)

# %% [markdown]
# The confusion matrices show *where* the order-blind models go wrong. Inside each reversed
# pair (the two 2 × 2 blocks at the bottom right) they can only guess, as predicted. They also
# mix up the arm actions — wave, raise arms, lower arms — with one another: waving passes
# through the same arm poses as raising and lowering, so a bag of those poses says little.
# And compare its accuracy on the *training* clips with the test clips above: far higher,
# because what it cannot learn from the frames it memorises, clip by clip (each training clip
# has its own figure, position and clutter). The two temporal models keep both kinds of
# action apart.

# %%
fig, axes = plt.subplots(1, 4, figsize=(16, 4.4))
for ax, (name, r) in zip(axes, results.items(), strict=True):
    counts = np.zeros((CLASSES, CLASSES), dtype=int)
    np.add.at(counts, (y_test, r["predicted"]), 1)
    ax.imshow(counts, cmap="Blues")
    ax.set_xticks(range(CLASSES), ACTIONS, rotation=90, fontsize=7)
    ax.set_yticks(range(CLASSES), ACTIONS if ax is axes[0] else [], fontsize=7)
    ax.set_xlabel("predicted action")
    ax.set_title(name)
axes[0].set_ylabel("true action")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 3 · Online recognition: frame by frame over a live stream
#
# A deployed recogniser does not get neat 20-frame clips: frames arrive one at a time and
# the action changes whenever it likes. The CNN + LSTM trained above can run that way
# unchanged: copy its weights into a model whose LSTM returns its output **at every frame**
# (`return_sequences=True`), and feed the whole stream. The LSTM's state is carried from
# frame to frame, so the prediction at frame *t* uses frames 0 … *t* only — exactly what a
# frame-by-frame loop with a carried state computes.

# %%
stream, stream_labels = make_stream(12, seed=SEED + 2000)
trained = models["CNN + LSTM"]
frames_in = keras.Input((None, SIZE, SIZE, 1))
features = layers.TimeDistributed(frame_cnn())(frames_in)
per_frame = layers.LSTM(32, return_sequences=True)(features)
online = keras.Model(frames_in, layers.Dense(CLASSES, activation="softmax")(per_frame))
online.set_weights(trained.get_weights())
running = online.predict(stream[None], verbose=0)[0].argmax(axis=1)

# frame by frame with a carried state, for the first frames: the same predictions
cell_features = online.layers[1](stream[None, :FRAMES])
lstm_layer, head = online.layers[2], online.layers[3]
h = c = np.zeros((1, 32), dtype="float32")
stepwise = []
for t in range(FRAMES):
    out, (h, c) = lstm_layer.cell(cell_features[:, t], (h, c))
    stepwise.append(int(np.argmax(head(out))))
print(f"frame-by-frame loop agrees with the sequence call on the first {FRAMES} frames: "
      f"{stepwise == running[:FRAMES].tolist()}")

# %% [markdown]
# ### Exercise 08.2 — frames needed after a change of action · ★★ · 2 points
#
# Write `change_delays(predicted, true, horizon)`: `predicted` and `true` are `(frames,)`
# integer arrays of actions, one per frame of a stream. For every frame where `true`
# changes (not the stream's first frame), count the frames until `predicted` first equals
# the new action — 0 if it is right at the first frame of the new action — searching only
# the `horizon` frames from that change on; a change not recognised within them counts as
# `horizon`. Return the delays, one per change, in order (a list or an array of ints).

# %%
def change_delays(predicted, true, horizon):
    """Recognition delay after each change of ``true`` (see the prompt)."""
    # BEGIN SOLUTION
    delays = []
    for start in np.flatnonzero(np.diff(true)) + 1:
        right = np.flatnonzero(predicted[start : start + horizon] == true[start])
        delays.append(int(right[0]) if len(right) else horizon)
    return delays
    # END SOLUTION


# %%
exercises.check_change_delays(change_delays)

# %%
measure_delays = solved("08.2", exercises.reference_change_delays)
clip_delays = [int(d) for d in measure_delays(running, stream_labels, FRAMES)]
clip_accuracy = float((running == stream_labels).mean())

# %% [markdown]
# This classifier was trained on 20-frame clips that start from an empty state and are judged
# at their last frame only; nothing taught it to *let go* of an action. A recogniser meant for
# streams is trained on streams: per-frame labels (`return_sequences=True`) on long
# concatenations of actions, cut into sequences whose starts do not line up with the changes.
# We fine-tune the online model (starting from the clip classifier's weights) that way, on
# training streams drawn with other seeds than the test stream.

# %%
train_stream, train_stream_labels = make_stream(240, seed=SEED + 5000)  # 4,800 frames
LENGTH = 50  # 2.5 actions per sequence: changes fall anywhere inside it
cut = len(train_stream) // LENGTH * LENGTH
stream_x = train_stream[:cut].reshape(-1, LENGTH, SIZE, SIZE, 1)
stream_y = train_stream_labels[:cut].reshape(-1, LENGTH)
online.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
online.fit(stream_x, stream_y, epochs=15, batch_size=8, verbose=0,
           callbacks=[progress.epochs("online model, fine-tuning")])
running_stream = online.predict(stream[None], verbose=0)[0].argmax(axis=1)
stream_delays = [int(d) for d in measure_delays(running_stream, stream_labels, FRAMES)]
stream_accuracy = float((running_stream == stream_labels).mean())

fig, axes = plt.subplots(2, 1, figsize=(12, 5.6), sharex=True)
for ax, predicted, title in [
    (axes[0], running, "trained on clips only"),
    (axes[1], running_stream, "fine-tuned on training streams"),
]:
    ax.step(np.arange(len(stream_labels)), stream_labels, where="post", label="true action",
            lw=3, alpha=0.4)
    ax.plot(predicted, ".", ms=4, label="LSTM's running prediction")
    ax.set_yticks(range(CLASSES), ACTIONS, fontsize=8)
    ax.set_ylabel("action")
    ax.set_title(f"Online recognition over 12 actions in a row: {title}")
axes[0].legend(loc="upper right", fontsize=8)
axes[1].set_xlabel("frame of the stream")
fig.tight_layout()
plt.show()

# %%
# NBVAL_IGNORE_OUTPUT
for name, accuracy, delays in [
    ("trained on clips", clip_accuracy, clip_delays),
    ("fine-tuned on streams", stream_accuracy, stream_delays),
]:
    print(f"{name:22s} frames correct {accuracy:.3f}; frames needed after each change "
          f"{delays} (median {np.median(delays):.0f})")

# %%
assert stream_accuracy >= clip_accuracy + 0.1, (stream_accuracy, clip_accuracy)
assert np.median(stream_delays) <= 0.75 * FRAMES, stream_delays  # it switches within a clip

# %% [markdown]
# Read the two lines above honestly: fine-tuning on streams makes the recogniser switch
# sooner and get more frames right, but it is still wrong on a large share of the frames.
# Some of that is unavoidable: at the first frames of a new action nobody can know it yet,
# and the first frames of "sit down" and "stand up" differ only in which way the figure is
# about to move. The rest is a small model fine-tuned for seconds on 4,800 frames. A
# recogniser for real streams would be trained on streams from the start, with more data,
# and judged by its delay and its false switches, not only by the share of frames it gets
# right.

# %% [markdown]
# ## 4 · Next-frame prediction with ConvLSTM2D
#
# A ConvLSTM2D with `return_sequences=True` reads frames 0 … *t* and outputs a state image at
# every step; a 3 × 3 convolution on each state image predicts frame *t* + 1. The baseline
# is "copy the last frame". We measure the mean squared error and SSIM (structural
# similarity, 1 = identical) of the predictions of frames 1 … 19.
#
# The ConvLSTM2D predicts the *change* from the last frame, added to it: its output layer
# starts at zero, so training starts from the baseline and must learn to improve on it.
#
# **The future leak.** The keras-io next-frame example stacks ConvLSTM2D layers and ends with
# `Conv3D(kernel_size=(3, 3, 3), padding="same")`: a kernel 3 frames deep with "same"
# padding mixes the state at *t* + 1 into the output at *t* — and the state at *t* + 1 has
# read frame *t* + 1, the very frame to be predicted. Our head is a per-frame 2-D convolution,
# so the output at *t* depends on frames 0 … *t* only. Exercise 08.3 builds the tool that
# proves it: change one input frame at a time and see which outputs move.

# %%
clean_train, _ = make_clips(16, frames=10, seed=SEED + 3000)  # 128 clips of 10 frames
clean_test, _ = make_clips(5, frames=10, seed=SEED + 4000)
keras.utils.set_random_seed(SEED)
frames_in = keras.Input((None, SIZE, SIZE, 1))
state = layers.ConvLSTM2D(8, 3, padding="same", return_sequences=True)(frames_in)
# predict the *change* from the last frame; a zero-initialised head starts as copy-last-frame
change = layers.TimeDistributed(layers.Conv2D(1, 3, padding="same", kernel_initializer="zeros"))(state)
next_frame = layers.Add()([frames_in, change])
predictor = keras.Model(frames_in, next_frame)
predictor.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mse")
start = time.perf_counter()
predictor.fit(clean_train[:, :-1], clean_train[:, 1:], epochs=6, batch_size=16, verbose=0,
              callbacks=[progress.epochs("next-frame ConvLSTM")])
next_seconds = time.perf_counter() - start

# %%
import tensorflow as tf

predicted_frames = np.clip(predictor.predict(clean_test[:, :-1], verbose=0), 0.0, 1.0)
target, last = clean_test[:, 1:], clean_test[:, :-1]
mse_model = float(np.mean((predicted_frames - target) ** 2))
mse_copy = float(np.mean((last - target) ** 2))
flat = lambda v: v.reshape(-1, SIZE, SIZE, 1)  # noqa: E731
ssim_model = float(tf.reduce_mean(tf.image.ssim(flat(predicted_frames), flat(target), 1.0)))
ssim_copy = float(tf.reduce_mean(tf.image.ssim(flat(last), flat(target), 1.0)))


# %% [markdown]
# ### Exercise 08.3 — which input frames move which outputs · ★★★ · 4 points
#
# A model's claim to be causal can be *measured*. Write `influence(predict, frames)`:
# `predict` maps a NumPy array of `T` frames (`frames`, shape `(T, ...)`) to an array of
# `T` outputs (shape `(T, ...)`); return a `(T, T)` array of 0/1 (or booleans) whose entry
# `[t, s]` is 1 exactly when changing input frame `s` (say, adding 1 to all its pixels)
# changes output `t` at all. Each probe must change one frame only. A causal model gives a
# lower-triangular matrix; a 1 above the diagonal is a future leak.

# %%
def influence(predict, frames):
    """(T, T) 0/1 matrix: [t, s] = 1 when input frame s moves output t."""
    # BEGIN SOLUTION
    base = np.asarray(predict(frames))
    table = np.zeros((len(frames), len(frames)), dtype=int)
    for s in range(len(frames)):
        probe = np.array(frames, dtype=np.float64)
        probe[s] += 1.0
        moved = np.abs(np.asarray(predict(probe)) - base).reshape(len(frames), -1).max(axis=1)
        table[:, s] = moved > 0
    return table
    # END SOLUTION


# %%
exercises.check_influence(influence)

# %% [markdown]
# Now measure our predictor, and a Conv3D with a 3-frame kernel and `"same"` padding (the
# keras-io example's last layer; untrained weights suffice to see which frames it reads).

# %%
measure_influence = solved("08.3", exercises.reference_influence)
leaky = keras.Sequential([keras.Input((None, SIZE, SIZE, 1)), layers.Conv3D(1, 3, padding="same")])
sample = clean_test[0, :8]
ours = measure_influence(lambda f: predictor.predict(f[None], verbose=0)[0], sample)
conv3d = measure_influence(lambda f: leaky.predict(f[None], verbose=0)[0], sample)
print("ConvLSTM2D predictor: entries above the diagonal (future frames it reads):",
      int(np.triu(ours, 1).sum()))
print("Conv3D, 'same' padding: entries above the diagonal:", int(np.triu(conv3d, 1).sum()))
print(conv3d)

# %%
# NBVAL_IGNORE_OUTPUT
print(f"next-frame MSE: ConvLSTM2D {mse_model:.4f}, copy-last-frame {mse_copy:.4f}")
print(f"next-frame SSIM: ConvLSTM2D {ssim_model:.3f}, copy-last-frame {ssim_copy:.3f}")
print(f"training: {next_seconds:.1f} s")

# %%
assert np.triu(ours, 1).sum() == 0 and np.triu(conv3d, 1).sum() == len(sample) - 1  # leak found
assert mse_model < mse_copy, (mse_model, mse_copy)

# %% [markdown]
# Compare the two SSIM values printed above with the two MSEs. A lower MSE need not mean a
# better-looking frame: much of the error of "copy the last frame" is the pixel noise of two
# frames, which a model lowers by predicting a smoother image — while SSIM rewards edges in
# the right place, and a small model trained for seconds moves the limbs only roughly.

# %%
fig, axes = plt.subplots(3, 8, figsize=(10, 4.2))
for col in range(8):
    t = col + 1
    for row, (image, label) in enumerate(
        [(target[0, t], "true next"), (predicted_frames[0, t], "ConvLSTM2D"), (last[0, t], "copy last")]
    ):
        axes[row, col].imshow(image[:, :, 0], cmap="gray", vmin=0, vmax=1)
        axes[row, col].set_xticks([]), axes[row, col].set_yticks([])
        if col == 0:
            axes[row, col].set_ylabel(label, fontsize=8)
    axes[2, col].set_xlabel(f"frame {t + 1}", fontsize=8)
fig.suptitle("Predicting the next frame")
plt.show()

# %% [markdown]
# ## 5 · Real activity streams: BasicMotions
#
# Does the idea carry to real recordings? BasicMotions (UEA archive, shipped by the `aeon`
# package) holds 80 ten-second recordings of a smart watch's accelerometer and gyroscope
# (6 channels at 10 Hz) while four students stood, walked, ran and played badminton. Here
# each "frame" is 6 numbers instead of an image, so the LSTM reads them directly.

# %%
from lstm_course.data.basicmotions import load_basicmotions

bm_train, bm_y_train, bm_classes = load_basicmotions("train")
bm_test, bm_y_test, _ = load_basicmotions("test")
mean, std = bm_train.mean(axis=(0, 1)), bm_train.std(axis=(0, 1))  # training statistics only
bm_train, bm_test = (bm_train - mean) / std, (bm_test - mean) / std
print(f"train {bm_train.shape}, test {bm_test.shape}, classes {bm_classes}")

keras.utils.set_random_seed(SEED)
bm_model = keras.Sequential(
    [keras.Input(bm_train.shape[1:]), layers.LSTM(32), layers.Dense(len(bm_classes), activation="softmax")]
)
bm_model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy")
bm_model.fit(bm_train, bm_y_train, epochs=150, batch_size=8, verbose=0,
             callbacks=[progress.epochs("BasicMotions LSTM")])
bm_accuracy = float((bm_model.predict(bm_test, verbose=0).argmax(axis=1) == bm_y_test).mean())

# %% [markdown]
# Before crediting the LSTM with understanding motion, the baseline this notebook taught you
# to ask for: an **order-blind** one. Summarise each recording by the mean and the standard
# deviation of each of its 6 channels (12 numbers that ignore the order of the 100 steps) and
# give each test recording the label of its nearest training recording. And a probe: shuffle
# the time steps of every test recording and ask the trained LSTM again.

# %%
def channel_summary(recordings):
    """(n, steps, channels) -> (n, 2 * channels): each channel's mean and standard deviation."""
    return np.concatenate([recordings.mean(axis=1), recordings.std(axis=1)], axis=1)


train_summary, test_summary = channel_summary(bm_train), channel_summary(bm_test)
distances = ((test_summary[:, None, :] - train_summary[None, :, :]) ** 2).sum(axis=2)
nearest_accuracy = float((bm_y_train[distances.argmin(axis=1)] == bm_y_test).mean())
shuffled = bm_test[:, np.random.default_rng(SEED).permutation(bm_test.shape[1])]
bm_shuffled_accuracy = float(
    (bm_model.predict(shuffled, verbose=0).argmax(axis=1) == bm_y_test).mean()
)

# %%
# NBVAL_IGNORE_OUTPUT
print(f"BasicMotions test accuracy ({len(bm_y_test)} recordings, chance {1 / len(bm_classes):.2f}):")
print(f"  LSTM                                   {bm_accuracy:.3f}")
print(f"  LSTM, time steps of each test shuffled {bm_shuffled_accuracy:.3f}")
print(f"  nearest neighbour on channel mean/std  {nearest_accuracy:.3f}")

# %%
assert bm_accuracy >= 0.8, bm_accuracy
assert nearest_accuracy >= bm_accuracy, (nearest_accuracy, bm_accuracy)  # what the text says

# %% [markdown]
# The honest reading: **on BasicMotions the order-blind baseline is at least as good as the
# LSTM**, and shuffling time costs the LSTM little. Standing, walking, running and badminton
# differ in *how much* the watch moves, which twelve averages capture; nothing here needs the
# order of the steps. That is why the stick-figure clips were built with time-reversed pairs:
# a data set where order is the *only* clue is the fair test of a sequence model. With real
# video, look for classes like that (opening vs closing a door, UCF101's "push-ups" played
# backwards) before claiming that an LSTM's memory is what wins.

# %% [markdown]
# ## 6 · How much does the seed matter?
#
# Every trained number above comes from one seed (`SEED = 0`), because the notebook must run
# in two minutes. The same code was run with other seeds by one command,
# `python -m tools.seed_runs 08 --seeds 0 1 2 3 4`, which executes this notebook with only the
# `SEED` line changed and stores this dictionary for each run in
# `datasets/video_seed_runs.json`:

# %%
seed_metrics = {
    "accuracy": {name: round(r["accuracy"], 4) for name, r in results.items()},
    "reversed_pairs": {name: round(r["reversed pairs"], 4) for name, r in results.items()},
    "stream_accuracy": {"clips": round(clip_accuracy, 4), "streams": round(stream_accuracy, 4)},
    "stream_delays": {"clips": clip_delays, "streams": stream_delays},
    "next_frame_mse": {"ConvLSTM2D": round(mse_model, 5), "copy last": round(mse_copy, 5)},
    "next_frame_ssim": {"ConvLSTM2D": round(ssim_model, 4), "copy last": round(ssim_copy, 4)},
    "basicmotions": {
        "LSTM": bm_accuracy,
        "LSTM, shuffled time": bm_shuffled_accuracy,
        "nearest neighbour": nearest_accuracy,
    },
}

# %%
import json

from lstm_course.data import dataset_path

stored = json.loads(dataset_path("video_seed_runs.json").read_text(encoding="utf-8"))
runs = stored["runs"]
print(f"stored: `{stored['command']}`: seeds {', '.join(runs)}")
print(f"{'test accuracy':15s}" + "".join(f"{name:>15s}" for name in results))
for key, label in [("accuracy", "overall"), ("reversed_pairs", "reversed pairs")]:
    cells = []
    for name in results:
        values = [run[key][name] for run in runs.values()]
        cells.append(f"{min(values):.2f} .. {max(values):.2f}")
    print(f"{label:15s}" + "".join(f"{cell:>15s}" for cell in cells))
for run_seed, run in runs.items():
    delays = run["stream_delays"]["streams"]
    print(f"seed {run_seed}: stream frames correct {run['stream_accuracy']['clips']:.2f} -> "
          f"{run['stream_accuracy']['streams']:.2f} after fine-tuning, median delay "
          f"{np.median(delays):.0f} frames; next-frame MSE {run['next_frame_mse']['ConvLSTM2D']:.4f}"
          f" vs {run['next_frame_mse']['copy last']:.4f}; BasicMotions LSTM "
          f"{run['basicmotions']['LSTM']:.3f}, nearest neighbour "
          f"{run['basicmotions']['nearest neighbour']:.3f}")

# %%
for run in runs.values():  # what the text claims must hold for every stored seed
    assert min(run["accuracy"]["CNN + LSTM"], run["accuracy"]["ConvLSTM2D"]) >= 0.9
    assert max(run["reversed_pairs"]["single frame"], run["reversed_pairs"]["order-blind"]) <= 0.6
    assert run["reversed_pairs"]["CNN + LSTM"] >= 0.9
    assert run["stream_accuracy"]["streams"] >= run["stream_accuracy"]["clips"] + 0.1
    assert run["next_frame_mse"]["ConvLSTM2D"] < run["next_frame_mse"]["copy last"]
    assert run["basicmotions"]["nearest neighbour"] >= run["basicmotions"]["LSTM"]

# %% [markdown]
# ## Review questions
#
# 1. Why can no model that sees one frame, or the average of all frames, separate "sit down"
#    from "stand up" in this data set? What exactly would it have to see?
# 2. What accuracy on the reversed pairs would you expect of such a model if it is otherwise
#    perfect, and why?
# 3. The CNN inside (b) and (c) is the same. Where does (c) keep the order that (b) throws away?
# 4. How does a ConvLSTM2D's state differ from an LSTM's state after a TimeDistributed CNN?
# 5. Why does running the clip classifier with `return_sequences=True` give the same predictions
#    as a loop that carries `(h, c)` from frame to frame?
# 6. After a change of action, what delays the online prediction? What in training could shorten it?
# 7. Why does a Conv3D with kernel depth 3 and `"same"` padding let a next-frame model see the
#    future, and how does the probe in section 4 detect it?
# 8. An order-blind nearest neighbour matches the LSTM on BasicMotions. What does that say about
#    the data set, and what kind of real activity data would make the LSTM necessary? Why is a
#    test set of 40 recordings small (how wide is the uncertainty of an accuracy on 40)?
