# %% [markdown]
# # 04 · LSTMs in Keras
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/lstm-course/lstm-course/blob/main/notebooks/04_keras_lstm.ipynb)
#
# **What you will learn**
# - the five-line Keras LSTM that most tutorials start from, trained on real Seattle weather,
#   and whether it beats the forecast "tomorrow's maximum = today's maximum" — over several
#   seeds, and against a dense network and a linear model that read the same windows;
# - the Keras 3 way to write it (`keras.Input`), and why `input_shape=` now warns;
# - the anatomy of `keras.layers.LSTM`: the (batch, timesteps, features) convention,
#   `return_sequences`, `return_state`, stacking, `Bidirectional`, `Masking` for sequences of
#   different lengths, stateful streaming — and the trained weights run through notebook
#   01's NumPy LSTM;
# - what `fit` does, by writing its training loop yourself with `tf.GradientTape`;
# - what an LSTM costs, measured: parameters and seconds per epoch against SimpleRNN and GRU;
# - overfitting on a small dataset, measured, and five ways to fight it, compared in a table;
# - saving and loading a model so that it predicts exactly as before.
#
# **Prerequisites:** notebook 01 (the LSTM cell in NumPy, and the six equations it builds on).
#
# **Time:** about 60 minutes to study; about a minute to run on a laptop CPU.

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
# ## 1 · The data: four years of Seattle weather
#
# NOAA daily observations for Seattle, 2012–2015 (a snapshot shipped with the package): maximum
# and minimum temperature (°C), precipitation (mm) and wind speed (m/s). The task of this
# notebook: from the last week of weather, predict **tomorrow's maximum temperature**.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lstm_course.data import load_seattle_weather
from lstm_course.exercises import keras_lstm  # the checks of this notebook's exercises

weather = load_seattle_weather()
FEATURES = ["temp_max", "temp_min", "precipitation", "wind"]  # column 0 is the target
frame = weather[FEATURES]
print(f"{len(frame):,} days, {frame.index[0]:%d %b %Y} to {frame.index[-1]:%d %b %Y}")
print(frame.describe().loc[["mean", "std", "min", "max"]].round(1).to_string())

# %% [markdown]
# Three rules keep the evaluation honest, and the package's `lstm_course.windows` enforces
# them:
#
# 1. **Split by time.** Train on the oldest 70 %, tune on the next 15 % (validation), and
#    report on the newest 15 % (test). Shuffling days before splitting would let the model
#    train on the day after a test day.
# 2. **Fit the scaler on the training part only.** LSTMs train best on inputs of order 1, so
#    each column is standardised — with the mean and standard deviation of the *training*
#    years, applied unchanged to the later ones. Statistics of the whole series would tell
#    the model how warm 2015 turned out to be.
# 3. **Window each part on its own.** `make_windows` turns a series into (past week →
#    tomorrow) examples, and never puts a target inside its own input window. Windowing
#    each split separately means no training example reaches into the validation days.

# %%
from lstm_course.windows import StandardScaler, chronological_split, make_windows

parts = dict(zip(["train", "validation", "test"], chronological_split(frame), strict=True))
for name, part in parts.items():
    print(f"{name:10s} {part.index[0]:%d %b %Y} – {part.index[-1]:%d %b %Y}  {len(part):4d} days")

scaler = StandardScaler().fit(parts["train"].to_numpy())  # training statistics only
train, val, test = (scaler.transform(part.to_numpy()) for part in parts.values())

WINDOW = 7  # one week in, tomorrow's maximum out
X_train, y_train = make_windows(train, WINDOW)  # X: (examples, 7, 4), y: (examples, 1)
X_val, y_val = make_windows(val, WINDOW)
X_test, y_test = make_windows(test, WINDOW)
for name, (X, y) in {"train": (X_train, y_train), "validation": (X_val, y_val),
                     "test": (X_test, y_test)}.items():
    print(f"{name:10s} X {X.shape}  y {y.shape}")

# %%
fig, ax = plt.subplots()
for (name, part), colour in zip(parts.items(), ["C0", "C1", "C3"], strict=True):
    ax.plot(part.index, part["temp_max"], color=colour, lw=0.8, label=name)
ax.set_ylabel("daily maximum (°C)")
ax.set_title("Seattle daily maximum temperature, split by time")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)  # beside the plot, off the data
plt.show()


# %% [markdown]
# Every model in the course must beat a named baseline. For daily weather the natural one
# is **persistence**: tomorrow's maximum will be today's. Predictions and targets live in
# standardised units; `to_celsius` undoes the scaling of the target column so that errors
# read in °C.

# %%
from lstm_course import baselines, metrics


def to_celsius(standardised):
    """Standardised temp_max, any shape -> °C, with the training mean and std."""
    return scaler.inverse_transform(standardised, column=0)


y_test_c = to_celsius(y_test[:, 0])  # (examples,)
persistence_c = to_celsius(baselines.persistence(X_test)[:, 0])
persistence_mae = metrics.mae(y_test_c, persistence_c)
print(f"persistence, test MAE: {persistence_mae:.2f} °C")

# %% [markdown]
# ### Exercise 04.1 — scale with the past only · ★ · 2 points
#
# Write `standardise_splits(train, val, test)` for three NumPy arrays of shape
# (time, features), in time order: return a tuple of three arrays of the same shapes, each
# column standardised with the mean and standard deviation of the **training** part — with
# NumPy, not the package's scaler. The check draws new series, with drifting levels, on
# every call.

# %%
def standardise_splits(train, val, test):
    """Three (time, features) arrays -> the same three, scaled by train's mean and std."""
    # BEGIN SOLUTION
    mean, std = train.mean(axis=0), train.std(axis=0)
    return tuple((part - mean) / std for part in (train, val, test))
    # END SOLUTION


# %%
keras_lstm.check_standardise_splits(standardise_splits)

# %% [markdown]
# ## 2 · The first model, as most tutorials write it
#
# Here is the Keras snippet that opens most LSTM tutorials (`Sequential`, `LSTM(50)` with
# `input_shape=`, `Dense(1)`, Adam, 50 epochs), unchanged except for two things:
# `verbose=0` with the course's progress bar in its place (Keras's own bar prints a line for
# each of the 50 epochs; `progress.epochs` fills one line as the epochs pass, and the
# notebook build turns it off, so the stored output has none), and a `with` block that
# records the warnings Keras gives while the model is built, so that we can print them
# below. `timesteps` and `features` come from our windows: 7 days of 4 measurements.

# %%
import warnings

from keras.layers import LSTM, Dense
from keras.models import Sequential

from lstm_course import progress

timesteps, features = X_train.shape[1], X_train.shape[2]

with warnings.catch_warnings(record=True) as caught:  # record, to print them below
    warnings.simplefilter("always")
    model = Sequential()
    model.add(LSTM(50, input_shape=(timesteps, features)))
    model.add(Dense(1))
model.compile(optimizer='adam', loss='mean_squared_error')
history = model.fit(X_train, y_train, epochs=50, batch_size=32, verbose=0,
                    callbacks=[progress.epochs("first LSTM, 50 epochs")])

for warning in caught:
    print(f"{warning.category.__name__}: {warning.message}")

# %% [markdown]
# It trains — but Keras warned about `input_shape`.
#
# In Keras 2 every layer accepted `input_shape`, and the first layer of a `Sequential` used
# it to build the model. Keras 3 separates the two jobs: layers compute, and a
# `keras.Input` declares what comes in. The old argument still works, for old code's sake,
# but warns. The Keras 3 form, the one the rest of the course uses:

# %%
import keras
from keras import layers


def first_lstm(timesteps, features, units=50):
    """The snippet's model, Keras 3 style: (batch, timesteps, features) -> (batch, 1)."""
    model = keras.Sequential([
        keras.Input(shape=(timesteps, features)),  # one example's shape; the batch stays open
        layers.LSTM(units),
        layers.Dense(1),
    ])
    model.compile(optimizer="adam", loss="mean_squared_error")
    return model


keras3_model = first_lstm(timesteps, features)
keras3_model.set_weights(model.get_weights())  # same layers, so the trained weights fit
same = np.array_equal(model.predict(X_test, verbose=0), keras3_model.predict(X_test, verbose=0))
print(f"parameters: {model.count_params():,} (snippet) and {keras3_model.count_params():,} "
      f"(Keras 3 form); identical predictions: {same}")

# %% [markdown]
# ### Does it beat persistence?
#
# The trained weights differ in their last digits from one kind of CPU to another, so the
# tests do not compare the next cell's printout; the cell after it asserts the result.

# %%
# NBVAL_IGNORE_OUTPUT
lstm_c = to_celsius(model.predict(X_test, verbose=0)[:, 0])
lstm_mae = metrics.mae(y_test_c, lstm_c)
print(f"test MAE  persistence {persistence_mae:.2f} °C   LSTM {lstm_mae:.2f} °C   "
      f"ratio {lstm_mae / persistence_mae:.3f}")
print(f"final training loss (standardised MSE): {history.history['loss'][-1]:.3f}")

# %%
assert lstm_mae < persistence_mae, "the LSTM should beat 'tomorrow = today' on the test days"

# %% [markdown]
# ### One run is an anecdote: seeds, and models without recurrence
#
# That number comes from one draw of the initial weights. Train the same snippet from other
# seeds and it changes — so a claim about "the LSTM" must hold for several seeds. And
# beating persistence does not show that the *recurrence* helps: any model that reads the
# whole week might do as well. Two models read the same windows flattened into
# 7 × 4 = 28 numbers, with no notion of order in time:
#
# - a **linear regression** fitted by least squares (no seed: one exact solution);
# - a **dense network** (an MLP): 28 inputs → 50 ReLU units → 1, trained with exactly the
#   snippet's recipe (Adam, mean squared error, 50 epochs, batches of 32).
#
# Each network is trained from three seeds (1, 2, 3) in this notebook's run; the table
# reports the mean and the range.

# %%
flat_train = X_train.reshape(len(X_train), -1)  # (examples, 28): the week, order erased
flat_test = X_test.reshape(len(X_test), -1)
with_bias = np.hstack([flat_train, np.ones((len(flat_train), 1))])  # a column for the intercept
coefficients, *_ = np.linalg.lstsq(with_bias, y_train[:, 0], rcond=None)
linear_c = to_celsius(np.hstack([flat_test, np.ones((len(flat_test), 1))]) @ coefficients)
linear_mae = metrics.mae(y_test_c, linear_c)
print(f"test MAE  persistence {persistence_mae:.2f} °C   linear regression {linear_mae:.2f} °C")


# %%
def dense_model(hidden=50):
    """The week flattened, one hidden ReLU layer: (batch, 7, 4) -> (batch, 1), no recurrence."""
    model = keras.Sequential([
        keras.Input(shape=(timesteps, features)),
        layers.Flatten(),  # (batch, 28): which number came from which day is just a position
        layers.Dense(hidden, activation="relu"),
        layers.Dense(1),
    ])
    model.compile(optimizer="adam", loss="mean_squared_error")
    return model


SEEDS = [1, 2, 3]
test_maes = {"LSTM": [], "dense": []}
test_predictions = {"LSTM": [], "dense": []}  # °C, one array per seed
builders = {"LSTM": lambda: first_lstm(timesteps, features), "dense": dense_model}
plan = [(seed, name) for seed in SEEDS for name in builders]
for seed, name in progress.bar(plan, f"{len(plan)} models, 50 epochs each"):
    keras.utils.set_random_seed(seed)  # the seed draws the initial weights and batches
    network = builders[name]()
    network.fit(X_train, y_train, epochs=50, batch_size=32, verbose=0)
    predicted_c = to_celsius(network.predict(X_test, verbose=0)[:, 0])
    test_predictions[name].append(predicted_c)
    test_maes[name].append(metrics.mae(y_test_c, predicted_c))
sizes = {"LSTM": first_lstm(timesteps, features).count_params(),
         "dense": dense_model().count_params()}
print(f"parameters: LSTM {sizes['LSTM']:,}, dense {sizes['dense']:,}, linear {with_bias.shape[1]}")

# %%
# NBVAL_IGNORE_OUTPUT
print(f"{'test MAE (°C)':24s} {'mean':>6s} {'min':>6s} {'max':>6s}   mean / persistence")
rows = {"persistence": [persistence_mae], "linear regression": [linear_mae],
        **{f"{name} (seeds {SEEDS[0]}–{SEEDS[-1]})": maes for name, maes in test_maes.items()}}
for name, maes in rows.items():
    print(f"{name:24s} {np.mean(maes):6.2f} {min(maes):6.2f} {max(maes):6.2f}   "
          f"{np.mean(maes) / persistence_mae:.3f}")

# %%
lstm_ratios = np.array(test_maes["LSTM"]) / persistence_mae
assert lstm_ratios.max() < 1.0, "the LSTM should beat persistence from every seed"
assert lstm_ratios.mean() < 0.97, lstm_ratios
assert np.mean(test_maes["LSTM"]) < 0.97 * np.mean(test_maes["dense"]), test_maes
assert np.mean(test_maes["LSTM"]) < 0.99 * linear_mae, (test_maes, linear_mae)
assert np.mean(test_maes["dense"]) > 0.98 * persistence_mae, test_maes  # no better on average

# %% [markdown]
# Read the table from the top. The linear model, one fixed weight for each of the 28
# numbers, barely moves away from persistence. The dense network, trained exactly like the
# LSTM, is no better than persistence on average: it may combine the 28 numbers in any way,
# and nothing in its design says that Monday's temperature and Tuesday's are the same kind
# of number. The LSTM beats persistence from every seed, and beats both models that read
# the same numbers without recurrence. What it has that they lack is the recurrence: it
# reads the week one day at a time with the *same* weights for every day, which is a strong
# assumption about how a week's weather is built — and here a useful one. The margin is
# small: day-to-day weather is hard to predict from one station's last week, and 50 epochs
# with no validation set is a guess, not a choice (section 6 shows what too much training
# does to little data). Notebook 06 returns to weather with multi-step forecasts.
#
# Over the whole test period the forecasts' lines lie on top of each other; the top panel
# zooms in on ten weeks, and the bottom one shows each forecast's error averaged over the
# four weeks up to each day (the networks' errors also averaged over their three seeds).

# %%
days = parts["test"].index[WINDOW:]  # the date of each test target
zoom = slice(60, 130)  # ten weeks in the middle of the test period
fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 5.6), sharex=False, layout="constrained")
top.plot(days[zoom], y_test_c[zoom], color="black", lw=1.2, marker=".", label="observed")
top.plot(days[zoom], persistence_c[zoom], color="grey", lw=0.9, ls="--", label="persistence")
top.plot(days[zoom], lstm_c[zoom], color="C3", lw=1.2, label="LSTM (the snippet)")
top.set_ylabel("daily maximum (°C)")
top.set_title("Ten test weeks: tomorrow's maximum, observed and forecast")
top.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)
rolling = {
    "persistence": (np.abs(persistence_c - y_test_c), "grey"),
    "linear regression": (np.abs(linear_c - y_test_c), "C0"),
    "dense, 3 seeds": (np.mean([np.abs(p - y_test_c) for p in test_predictions["dense"]], 0), "C1"),
    "LSTM, 3 seeds": (np.mean([np.abs(p - y_test_c) for p in test_predictions["LSTM"]], 0), "C3"),
}
for name, (errors, colour) in rolling.items():
    smooth = np.convolve(errors, np.ones(28) / 28, mode="valid")  # mean of the 28 days up to t
    bottom.plot(days[27:], smooth, color=colour, lw=1.2, label=name)
bottom.set_ylabel("absolute error (°C),\n28-day mean")
bottom.set_title("Test period: how far each forecast misses")
bottom.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)
plt.show()

# %% [markdown]
# ## 3 · Anatomy of `keras.layers.LSTM`
#
# **The shape convention.** Every recurrent layer in Keras reads a 3-D array
# **(batch, timesteps, features)**: a batch of sequences, each a list of time steps, each
# step a vector of features. Our windows are already in that shape. By default the layer
# runs through all the steps and returns only the **last hidden state** $h_T$.

# %%
keras.utils.set_random_seed(0)  # fresh layers below start from the same weights every run
batch = X_test[:8].astype("float32")  # (batch=8, timesteps=7, features=4)

lstm = layers.LSTM(16)
print(f"input {batch.shape} -> LSTM(16) -> {tuple(lstm(batch).shape)}")

both = layers.LSTM(16, return_sequences=True, return_state=True)
sequence, h_last, c_last = both(batch)
print(f"return_sequences=True : {tuple(sequence.shape)}, one h_t per step")
print(f"return_state=True     : h_T {tuple(h_last.shape)}, c_T {tuple(c_last.shape)}")
print(f"the last step of the sequence is h_T: {np.allclose(sequence[:, -1], h_last)}")

# %% [markdown]
# - **`return_sequences=True`** gives every $h_t$, not just the last: what a layer above
#   needs, and what a model that labels every time step outputs.
# - **`return_state=True`** also returns the final $h_T$ and the final cell state $C_T$ — the
#   memory, otherwise hidden. Encoder–decoder models (notebook 11) pass them on as the
#   decoder's `initial_state`.
#
# **Stacking.** A second LSTM reads the first one's hidden states as its sequence, so every
# layer but the last must return sequences. Forgetting it is the most common Keras error
# with LSTMs:

# %%
import re

stacked = keras.Sequential([
    keras.Input(shape=(timesteps, features)),
    layers.LSTM(32, return_sequences=True),  # hands all 7 hidden states up
    layers.LSTM(16),  # reads them as its input sequence
    layers.Dense(1),
])
shape = batch.shape
for layer in stacked.layers:
    shape = layer.compute_output_shape(shape)
    print(f"{type(layer).__name__:6s} -> {shape}")

try:
    keras.Sequential([keras.Input(shape=(timesteps, features)), layers.LSTM(32), layers.LSTM(16)])
except ValueError as err:
    print("without return_sequences: ValueError,",
          re.search(r"expected ndim=\d, found ndim=\d", str(err)).group())

# %% [markdown]
# **Bidirectional.** `Bidirectional` runs a second LSTM backwards over the sequence and joins
# the two outputs, so each step sees what came before *and* after it: twice the parameters,
# twice the output width. Reading a past week backwards is fine for a forecast, but the
# backward pass needs the whole window before it can start, so it cannot stream; it shines
# when the whole sequence is there at once, like a sentence (notebook 10).

# %%
bidirectional = layers.Bidirectional(layers.LSTM(16, return_sequences=True))
print(f"Bidirectional(LSTM(16)) -> {tuple(bidirectional(batch).shape)}, "
      f"{bidirectional.count_params():,} parameters = 2 × {lstm.count_params():,}")

# %% [markdown]
# **Masking: sequences of different lengths.** A batch is one array, so shorter sequences
# are padded — here with zeros at the end — and a `Masking` layer marks the padded steps.
# The LSTM then skips them and carries its state past them unchanged, so a padded sequence
# gives exactly the output of the unpadded one. Without the mask, the zeros are read as
# (very average) weather.

# %%
lengths = [7, 4, 2]
sequences = [X_test[row, -n:] for row, n in enumerate(lengths)]  # the last n days of 3 windows
padded = keras.utils.pad_sequences(sequences, padding="post", dtype="float32")  # (3, 7, 4)
print(f"padded batch {padded.shape}; zero steps per row: {(padded == 0).all(axis=2).sum(axis=1)}")

masked = keras.Sequential([
    keras.Input(shape=(None, features)),  # None: any number of time steps
    layers.Masking(mask_value=0.0),
    layers.LSTM(16),
])
inner_lstm = masked.layers[-1]
with_mask, without_mask = np.asarray(masked(padded)), np.asarray(inner_lstm(padded))
for row, sequence in enumerate(sequences):
    alone = np.asarray(inner_lstm(sequence[None].astype("float32")))[0]  # real days only
    print(f"length {len(sequence)}: masked == unpadded "
          f"{np.allclose(with_mask[row], alone, atol=1e-6)}, "
          f"unmasked == unpadded {np.allclose(without_mask[row], alone, atol=1e-6)}")

# %% [markdown]
# `padding="post"` puts the zeros after each sequence. `pad_sequences` pads in front by
# default (`"pre"`, a habit from text models). On a CPU the mask handles both, but on a GPU
# Keras's fast cuDNN kernel accepts only masks that pad at the end (section 5).
#
# **Stateful streaming.** In production, days arrive one at a time. A layer built with
# `stateful=True` keeps its $h$ and $C$ between calls instead of starting from zeros, so we
# can feed the trained model one day per call and get, after the seventh day, exactly the
# forecast it makes from the whole window. A stateful model needs a fixed batch size
# (`batch_shape`): one series here.

# %%
stream = keras.Sequential([
    keras.Input(batch_shape=(1, 1, features)),  # one series, one day per call
    layers.LSTM(50, stateful=True),  # keeps h and C between calls
    layers.Dense(1),
])
stream.set_weights(model.get_weights())  # the trained snippet's weights

window = X_test[:1].astype("float32")  # (1, 7, 4)
stream.layers[0].reset_state()  # h = C = 0, as at the start of every training window
for day in range(WINDOW):
    forecast = np.asarray(stream(window[:, day : day + 1]))  # (1, 1): the forecast so far
whole = model.predict(window, verbose=0)
print(f"day by day == whole window: {np.allclose(forecast, whole, atol=1e-5)}")

# %% [markdown]
# Two cautions. Call `reset_state()` between independent sequences, or the last one's
# memory leaks into the next. And this model was trained on 7-day windows that start from
# zero state; streaming it through months of days without a reset asks it to do something
# it never learned. To train on one long stream, train statefully too (a stateful layer,
# `shuffle=False`, consecutive batches that continue each other) — or pass the state
# explicitly with `return_state=True` and `initial_state=`.
#
# ### The weights are notebook 01's weights
#
# As notebook 01 showed, an `LSTM` layer stores three arrays: `kernel` for $x_t$,
# `recurrent_kernel` for $h_{t-1}$, and `bias`. The four gates sit side by side in each, in
# Keras's order **i, f, c, o**, and transposed, because Keras computes
# `x @ kernel + h @ recurrent_kernel + bias`. The package's `params_from_keras` turns them
# into notebook 01's form, one $W_g$ per gate acting on $[h_{t-1}, x_t]$.

# %%
from lstm_course.numpy_lstm import lstm_forward, params_from_keras

kernel, recurrent_kernel, bias = model.layers[0].get_weights()
print(f"kernel {kernel.shape}: x_t -> 4 gates;  recurrent_kernel {recurrent_kernel.shape}: "
      f"h_t-1 -> 4 gates;  bias {bias.shape}")

params = params_from_keras(model.layers[0])  # notebook 01's form: W (4H, H + D), b (4H,)
W_f, b_f = params.gate("f")
print(f"course form: W {params.W.shape} in blocks f, i, C~, o; W_f {W_f.shape} "
      f"multiplies [h_t-1, x_t]")

# %% [markdown]
# With the weights in the course's form, notebook 01's NumPy LSTM (`lstm_forward`) runs the
# trained layer over a window, and the Dense layer on top is one weighted sum of $h_T$:
# the whole forecast, without Keras.

# %%
_, (h_T, c_T) = lstm_forward(window.astype(np.float64), params)  # h_T: (1, 50)
dense_kernel, dense_bias = model.layers[1].get_weights()  # (50, 1), (1,)
numpy_forecast = h_T @ dense_kernel + dense_bias  # (1, 1)
print(f"NumPy forecast == Keras forecast: {np.allclose(numpy_forecast, whole, atol=1e-5)}")

units = 50
fresh = layers.LSTM(units)
fresh.build((None, timesteps, features))
init_bias = fresh.get_weights()[2]
print("a fresh layer's bias, per Keras block:", ", ".join(
    f"b_{gate} = {init_bias[k * units:(k + 1) * units].mean():.0f}"
    for k, gate in enumerate("ifco")))

# %% [markdown]
# A fresh layer starts with $b_f = 1$ (`unit_forget_bias=True`): the forget gate begins
# mostly open, $\sigma(1) \approx 0.73$, so memory and gradients survive from the first
# update on — the initialisation Jozefowicz et al. (2015) recommend.

# %% [markdown]
# ### Exercise 04.2 — the shapes an LSTM layer returns and stores · ★ · 2 points
#
# A batch of 32 sequences of 10 steps with 3 features goes into `LSTM(8)`. Work out — on
# paper, without running a layer — the shapes, and write them as a **dict** named
# `layer_shapes` whose values are tuples of ints (for `state`, a list of three tuples):
#
# - `"last"`: the layer's default output;
# - `"sequences"`: the output with `return_sequences=True`;
# - `"state"`: the three arrays returned with `return_state=True`;
# - `"bidirectional"`: the output of `Bidirectional(LSTM(8, return_sequences=True))`;
# - `"kernel"`, `"recurrent_kernel"`, `"bias"`: the three stored weight arrays.

# %%
# BEGIN SOLUTION
# STUB: layer_shapes = {"last": ..., "sequences": ..., "state": ..., "bidirectional": ...,
# STUB:                 "kernel": ..., "recurrent_kernel": ..., "bias": ...}
layer_shapes = {
    "last": (32, 8),
    "sequences": (32, 10, 8),
    "state": [(32, 8), (32, 8), (32, 8)],
    "bidirectional": (32, 10, 16),
    "kernel": (3, 32),
    "recurrent_kernel": (8, 32),
    "bias": (32,),
}
# END SOLUTION

# %%
keras_lstm.check_layer_shapes(layer_shapes)

# %% [markdown]
# ### Exercise 04.3 — padding by hand · ★★ · 3 points
#
# Write `pad_right(sequences, length)`: given a list of NumPy arrays of shape
# (T_i, features) with every T_i ≤ `length`, return one float32 array of shape
# (len(sequences), length, features) in which each sequence starts its row and zeros fill
# the rest — what `pad_sequences(..., padding="post")` did above.

# %%
def pad_right(sequences, length):
    """List of (T_i, D) arrays -> (len(sequences), length, D), zeros after each sequence."""
    # BEGIN SOLUTION
    batch = np.zeros((len(sequences), length, sequences[0].shape[1]), dtype="float32")
    for row, sequence in enumerate(sequences):
        batch[row, : len(sequence)] = sequence
    return batch
    # END SOLUTION


# %%
keras_lstm.check_pad_right(pad_right)

# %% [markdown]
# ## 4 · Inside `fit`: the training loop
#
# `model.fit` hides a loop that notebook 02 wrote in NumPy: for each mini-batch, run the
# model forward, measure the loss, get the gradient of the loss with respect to every
# weight by backpropagation through time, and let the optimizer change the weights. In
# TensorFlow the backward pass comes from a `tf.GradientTape`: every operation run inside a
# `with tf.GradientTape() as tape:` block is recorded, and `tape.gradient(loss, variables)`
# runs the record backwards. `optimizer.apply_gradients(zip(gradients, variables))` then
# takes one step (Adam's, SGD's, …) and keeps the optimizer's own state, such as Adam's
# running averages.
#
# What `fit` prints as an epoch's `loss` is not the loss of the final weights: it is the
# average, over the epoch's examples, of the loss of each batch, each computed just before
# that batch's update.

# %% [markdown]
# ### Exercise 04.4 — the training loop inside fit · ★★★ · 5 points
#
# Write `train_one_epoch(model, optimizer, X, y, batch_size)`: one epoch of mini-batch
# training of a Keras `model` (not compiled) on float32 arrays `X` (examples, timesteps,
# features) and `y` (examples, 1), with the mean squared error as the loss. Take the batches
# in order, without shuffling — `X[0:batch_size]`, then the next `batch_size` examples, and
# so on; the last batch may be smaller — and for each one compute the loss of
# `model(X_batch, training=True)` under a `tf.GradientTape`, take its gradients with respect
# to `model.trainable_variables` and apply them with `optimizer`. Return the epoch's loss
# exactly as `fit` reports it, as a float.
#
# The check builds small random LSTMs and data sets (batch sizes, optimizers and learning
# rates vary), runs your loop on one copy and `model.fit(X, y, batch_size=batch_size,
# epochs=1, shuffle=False)` on an identical copy, and compares the weights after the epoch
# and the reported loss.

# %%
import tensorflow as tf


def train_one_epoch(model, optimizer, X, y, batch_size):
    """One epoch over (X, y) in order: X (n, T, D), y (n, 1) float32 -> the mean loss, as fit's."""
    # BEGIN SOLUTION
    loss_sum = 0.0
    for start in range(0, len(X), batch_size):
        X_batch, y_batch = X[start : start + batch_size], y[start : start + batch_size]
        with tf.GradientTape() as tape:  # records the forward pass ...
            predictions = model(X_batch, training=True)
            loss = keras.ops.mean(keras.ops.square(y_batch - predictions))
        gradients = tape.gradient(loss, model.trainable_variables)  # ... and runs it backwards
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        loss_sum += float(loss) * len(X_batch)  # the last batch may be smaller: weigh by size
    return loss_sum / len(X)
    # END SOLUTION


# %%
keras_lstm.check_train_one_epoch(train_one_epoch)

# %% [markdown]
# Everything else `fit` offers — epochs, shuffling, validation data, callbacks, a compiled
# (`tf.function`) step for speed — is bookkeeping around this loop. Writing it yourself is
# how custom training works in Keras: a loss that `compile` cannot express, two models
# trained together, or gradients you want to inspect or clip (notebook 02) before the step.
#
# ## 5 · What an LSTM costs
#
# The issue with LSTMs most often named is that they are complex and slow to train. Both
# can be measured. A recurrent layer with $H$ units reading $D$ features has, per block of
# weights, an input matrix ($D \times H$), a recurrent matrix ($H \times H$) and a bias:
#
# | layer | blocks | parameters |
# |---|---|---|
# | SimpleRNN | 1: $h_t = \tanh(W[h_{t-1}, x_t] + b)$ | $H(D + H + 1)$ |
# | GRU | 3: update, reset, candidate | $3H(D + H + 2)$ — Keras's default `reset_after=True` keeps a second bias |
# | LSTM | 4: i, f, $\tilde C$, o | $4H(D + H + 1)$ |

# %%
def recurrent_params(kind, units, features):
    """Parameters of one Keras recurrent layer, from the formulas above."""
    blocks = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}[kind]
    biases = 2 if kind == "GRU" else 1
    return blocks * units * (features + units + biases)


KINDS = ["SimpleRNN", "GRU", "LSTM"]
H = 64
print(f"{'layer':10s} {'formula':>8s} {'Keras':>8s} {'vs SimpleRNN':>13s}")
for kind in KINDS:
    layer = getattr(layers, kind)(H)
    layer.build((None, timesteps, features))
    counted = layer.count_params()
    assert counted == recurrent_params(kind, H, features)
    ratio = counted / recurrent_params("SimpleRNN", H, features)
    print(f"{kind:10s} {recurrent_params(kind, H, features):8,d} {counted:8,d} {ratio:12.2f}×")

# %% [markdown]
# Per step an LSTM does four matrix products where a SimpleRNN does one, so we expect it to
# be slower — but by how much depends on everything else an epoch does. We time one epoch
# of each layer ($H = 64$) on the same training data, with windows of four weeks so that the
# recurrence dominates. `lstm_course.training.seconds_per_epoch` skips a warm-up epoch (which
# traces the model) and reports the median of three.

# %%
# NBVAL_IGNORE_OUTPUT
from lstm_course.training import seconds_per_epoch

X_month, y_month = make_windows(train, 28)  # (examples, 28, 4): the same training days
seconds = {}
for kind in KINDS:
    keras.utils.set_random_seed(0)
    timed = keras.Sequential([keras.Input(shape=(28, features)), getattr(layers, kind)(H),
                              layers.Dense(1)])
    timed.compile(optimizer="adam", loss="mean_squared_error")
    seconds[kind] = seconds_per_epoch(timed, X_month, y_month, epochs=3, batch_size=32)
for kind in KINDS:
    print(f"{kind:10s} {seconds[kind]:.3f} s per epoch   "
          f"{seconds[kind] / seconds['SimpleRNN']:.2f}× SimpleRNN")

# %%
assert all(0 < s < 30 for s in seconds.values()), seconds
# four times the parameters, but less than four times the time: part of a step does not grow
assert seconds["LSTM"] < 4 * seconds["SimpleRNN"], seconds

# %% [markdown]
# The LSTM has about four times the SimpleRNN's parameters; compare that with the ratio of
# their times in the printout. Part of every step is overhead that does not grow with the
# gates (running the loop, moving memory), so the time ratio is usually well below the
# parameter ratio. Fewer parameters do not guarantee speed either: on a CPU Keras's GRU step
# is a longer chain of small operations than the LSTM's one fused product — compare the GRU's
# line with the LSTM's. These times depend on the machine, the TensorFlow build and its
# settings; measure on your own hardware before choosing a layer for speed.
#
# **On a GPU**, Keras runs `LSTM` and `GRU` with NVIDIA's fused cuDNN kernels, which are
# several times faster than the step-by-step loop — but only with the default settings:
# `activation="tanh"`, `recurrent_activation="sigmoid"`, `recurrent_dropout=0`,
# `unroll=False`, `use_bias=True`, and for GRU `reset_after=True`. Change one of them
# (recurrent dropout, in section 6, is the usual culprit) and Keras quietly runs the slow
# generic loop instead; `use_cudnn=True` turns that quiet fallback into an error, so you
# notice. Masks are different: before it calls cuDNN, Keras's TensorFlow backend asserts
# that every row of the mask is right-padded (real steps first, then padding) and that no
# row is all padding — in `fit` or `predict` a left-padded batch stops with an error that
# says so, and `use_cudnn=False` is the way out. (That is what Keras 3's source does:
# `keras/src/layers/rnn/lstm.py` and `keras/src/backend/tensorflow/rnn.py`. This notebook
# runs on a CPU, where no cuDNN kernel exists.)
#
# ## 6 · Overfitting, measured
#
# An LSTM has many parameters; given few examples it memorises them. To see it, keep only
# every eighth window of the training years (`stride=8`): 127 separate weeks from three
# years, instead of 1,016 overlapping ones. The model is bigger than the first one (64
# units, 17,729 parameters: about 140 per example) and learns ten times faster
# than Adam's default, so that overfitting shows within 40 epochs and the notebook stays
# quick.

# %%
X_small, y_small = make_windows(train, WINDOW, stride=8)  # (127, 7, 4): every 8th window
EPOCHS = 40


def lstm_regressor(units=64, **lstm_options):
    """Input (7, 4) -> LSTM(units, **lstm_options) -> Dense(1), with Adam at 0.01."""
    keras.utils.set_random_seed(0)  # every variant starts from the same random state
    model = keras.Sequential([
        keras.Input(shape=(WINDOW, features)),
        layers.LSTM(units, **lstm_options),
        layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mean_squared_error")
    return model


overfit = lstm_regressor()
print(f"{len(X_small)} training examples, {overfit.count_params():,} parameters")
curves = overfit.fit(X_small, y_small, epochs=EPOCHS, batch_size=32, verbose=0,
                     validation_data=(X_val, y_val),
                     callbacks=[progress.epochs("64 units, no remedy")]).history

# %%
fig, ax = plt.subplots()
ax.plot(curves["loss"], label="training loss")
ax.plot(curves["val_loss"], label="validation loss")
ax.axhline(metrics.mse(y_val, baselines.persistence(X_val)), color="grey", ls="--",
           lw=0.8, label="persistence, validation")
ax.set_xlabel("epoch")
ax.set_ylabel("MSE (standardised)")
ax.set_ylim(0, 0.5)
ax.set_title(f"{len(X_small)} examples, {overfit.count_params():,} parameters: the curves part")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)  # beside the plot
plt.show()

# %%
# NBVAL_IGNORE_OUTPUT
best_epoch = int(np.argmin(curves["val_loss"]))
print(f"training loss  {curves['loss'][0]:.3f} -> {curves['loss'][-1]:.3f}")
print(f"validation     lowest {min(curves['val_loss']):.3f} at epoch {best_epoch + 1}, "
      f"then {curves['val_loss'][-1]:.3f} at epoch {EPOCHS}")

# %%
assert curves["loss"][-1] < 0.5 * curves["val_loss"][-1], "training loss should fall far below"
assert curves["val_loss"][-1] > 1.05 * min(curves["val_loss"]), "validation should turn up"

# %% [markdown]
# The training loss keeps falling; the validation loss stops improving within a few epochs
# and then climbs: the model is learning the 127 weeks, not the weather. Five remedies, each
# trained from the same start for the same 40 epochs:
#
# - **dropout** — while training, zero a random 20 % of the *input features* $x_t$ as they
#   enter the gates;
# - **recurrent dropout** — zero a random 30 % of the *hidden state* $h_{t-1}$ as it enters
#   the gates. In Keras 3 both masks are drawn once per sequence (and batch) and reused at
#   every time step — the variational dropout of Gal & Ghahramani (2016). The two differ in
#   *what* they drop, not in how often the mask changes;
# - **L2** — add $\lambda \sum w^2$ for the input and recurrent weights to the loss, so large
#   weights must earn their keep;
# - **early stopping** — watch the validation loss, stop after 8 epochs without
#   improvement, and go back to the best weights (`restore_best_weights=True`; without it
#   you keep the last, worse ones);
# - **a smaller model** — 4 units instead of 64.

# %%
# NBVAL_IGNORE_OUTPUT
import pandas as pd


def scores(model, epochs_run):
    """One row of the table: size, training length, and errors on train and validation."""
    val_pred = model.predict(X_val, verbose=0)
    return {
        "parameters": model.count_params(),
        "epochs": epochs_run,
        "train MSE": metrics.mse(y_small, model.predict(X_small, verbose=0)),
        "val MSE": metrics.mse(y_val, val_pred),  # without the L2 penalty: comparable
        "val MAE °C": metrics.mae(to_celsius(y_val), to_celsius(val_pred)),
    }


early_stopping = keras.callbacks.EarlyStopping(patience=8, restore_best_weights=True)
l2 = keras.regularizers.L2(3e-3)
remedies = {  # name: (LSTM options, fit callbacks)
    "dropout 0.2": ({"dropout": 0.2}, []),
    "recurrent dropout 0.3": ({"recurrent_dropout": 0.3}, []),
    "L2 3e-3": ({"kernel_regularizer": l2, "recurrent_regularizer": l2}, []),
    "early stopping": ({}, [early_stopping]),
    "4 units": ({"units": 4}, []),
}
rows = {"none": scores(overfit, EPOCHS)}  # the model trained above
for name, (options, callbacks) in remedies.items():
    candidate = lstm_regressor(**options)
    run = candidate.fit(X_small, y_small, epochs=EPOCHS, batch_size=32, verbose=0,
                        validation_data=(X_val, y_val) if callbacks else None,
                        callbacks=[*callbacks, progress.epochs(name)])
    rows[name] = scores(candidate, len(run.history["loss"]))
persistence_val = baselines.persistence(X_val)
rows["(persistence)"] = {
    "parameters": 0, "epochs": 0,
    "train MSE": metrics.mse(y_small, baselines.persistence(X_small)),
    "val MSE": metrics.mse(y_val, persistence_val),
    "val MAE °C": metrics.mae(to_celsius(y_val), to_celsius(persistence_val)),
}
table = pd.DataFrame(rows).T
print(table.to_string(float_format=lambda v: f"{v:.3f}", formatters={
    "parameters": "{:,.0f}".format, "epochs": "{:.0f}".format}))

# %%
unregularised = table.loc["none", "val MSE"]
regularised = table.drop(["none", "(persistence)"])
best = regularised["val MSE"].idxmin()
assert table.loc[best, "val MSE"] < 0.9 * unregularised, table
assert table.loc["none", "train MSE"] < regularised["train MSE"].min(), "none fits train best"

# %% [markdown]
# Every remedy narrows the gap between training and validation error, and the best of them
# cuts the validation error clearly. But compare the last row (the dashed line in the
# plot): on 127 examples even the best regularised LSTM only comes close to persistence on
# the validation days. The model of section 2, with eight times the examples, beat it.
# Regularisation limits the damage of small data; it does not replace data. (Choosing the winner by validation loss also makes
# that loss optimistic: a final claim belongs on the untouched test set, as in section 2.)
#
# ## 7 · Saving and loading
#
# Keras 3 saves a whole model — architecture, weights, optimizer state — in one `.keras`
# file (a zip archive), or the weights alone in a `.weights.h5` file, which you load into a
# model you have built with the same code — for predictions, left uncompiled (the file
# also carries the optimizer's state, which a compiled but untrained model would skip with
# a warning). Both must give back exactly the same predictions. (The files go to a
# temporary folder, deleted at the end of the cell.)

# %%
import tempfile
import zipfile
from pathlib import Path

with tempfile.TemporaryDirectory() as folder:
    model_file = Path(folder) / "first_lstm.keras"
    weights_file = Path(folder) / "first_lstm.weights.h5"
    model.save(model_file)
    model.save_weights(weights_file)
    print(f"{model_file.name} holds {sorted(zipfile.ZipFile(model_file).namelist())}")

    reloaded = keras.models.load_model(model_file)  # compiled, optimizer state included
    rebuilt = keras.Sequential([  # the same architecture from code, with fresh weights ...
        keras.Input(shape=(timesteps, features)), layers.LSTM(50), layers.Dense(1)])
    rebuilt.load_weights(weights_file)  # ... replaced by the saved ones

expected = model.predict(X_test, verbose=0)
for name, copy in {"load_model(.keras)": reloaded, "load_weights(.weights.h5)": rebuilt}.items():
    same = np.array_equal(copy.predict(X_test, verbose=0), expected)
    print(f"{name:26s} identical predictions: {same}")

# %% [markdown]
# ## What's next
#
# You have built, dissected, measured and regularised an LSTM in Keras. Notebook **05**
# applies it to stock prices, where the honest baseline — the random walk — is very hard to
# beat; notebook **06** returns to weather with several inputs and multi-step forecasts.

# %% [markdown]
# ## Review questions
#
# 1. Why must the scaler's mean and standard deviation come from the training years only,
#    and what would the model learn from statistics of the whole series?
# 2. The snippet beat persistence. Why is one training run not enough to claim that "the
#    LSTM beats persistence", and what did this notebook do instead?
# 3. The dense network and the linear model read the same 28 numbers as the LSTM. What does
#    the LSTM assume about the week that they do not, and how did that show in the table?
# 4. For a batch of shape (64, 30, 5) going into `LSTM(16, return_sequences=True,
#    return_state=True)`, what are the shapes of the three outputs, and of the layer's
#    `kernel`, `recurrent_kernel` and `bias`?
# 5. Why does a stack of two LSTM layers fail without `return_sequences=True` on the first,
#    and what does the error say?
# 6. What does a `Masking` layer change in the LSTM's computation for a padded step, and
#    why does it matter on a GPU whether the zeros come before or after the sequence?
# 7. In your training loop, why must the loss be computed inside the `GradientTape` block,
#    and why is the loss `fit` reports for an epoch not the loss of the weights at its end?
# 8. An LSTM has four times the parameters of a SimpleRNN with the same units. Which parts
#    of an epoch's time do not grow with the number of gates, and what does that predict
#    for the ratio of their times?
# 9. In Keras 3, what is the difference between `dropout` and `recurrent_dropout` — and
#    what is *not* different about how their masks are drawn?
# 10. Early stopping chose its epoch on the validation set. Why is its validation loss then
#     an optimistic estimate, and where does an honest final number come from?
