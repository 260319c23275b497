# %% [markdown]
# # 01 · The LSTM cell, gate by gate, in NumPy
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/lstm-course/lstm-course/blob/main/notebooks/01_lstm_cell_numpy.ipynb)
#
# **What you will learn**
# - what each of the six LSTM equations computes, with the shape of every term, and where
#   it sits in the cell's diagram;
# - why the gates use σ and the candidate uses tanh;
# - how to turn the equations into a time step, a loop over a sequence, and one fused
#   matrix product for all four gates — by writing the layer yourself;
# - how Keras stores the same weights (`kernel`, `recurrent_kernel`, `bias`, gate order
#   i, f, c, o) — and proof that our NumPy LSTM computes what `keras.layers.LSTM` does, to
#   float32 round-off;
# - how many parameters an LSTM layer has, and why;
# - how the gates *store, hold, release and erase* a value, in an LSTM wired by hand;
# - the LSTM's relatives: the GRU (checked against `keras.layers.GRU`), peepholes and
#   coupled gates.
#
# **Prerequisites:** notebook 00 (the six equations); NumPy matrix products.
#
# **Time:** about 60 minutes to study; under a minute to run.

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
# ## Notation and a first example
#
# We follow one LSTM layer with **D** input features and **H** units (memory cells). At step
# $t$ it receives $x_t$ (length D) and the previous hidden state $h_{t-1}$ (length H), and
# every gate looks at the two stacked: $[h_{t-1}, x_t]$, a vector of length $H + D$.
# So every gate's weight matrix is $H \times (H + D)$ and its bias has length $H$.
#
# To follow the numbers by hand we take **D = 2** and **H = 2**, with small rounded weights.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lstm_course import plots

np.set_printoptions(precision=4, suppress=True)
H, D = 2, 2
rng = np.random.default_rng(1)


def random_gate_weights():
    """A gate's (W (H, H + D), b (H,)), rounded to one decimal so it can be followed by hand."""
    return np.round(rng.normal(scale=0.6, size=(H, H + D)), 1), np.round(rng.normal(scale=0.3, size=H), 1)


W_f, b_f = random_gate_weights()
W_i, b_i = random_gate_weights()
W_C, b_C = random_gate_weights()
W_o, b_o = random_gate_weights()

h_prev = np.array([0.5, -0.3])  # h_{t-1}, length H
c_prev = np.array([0.8, -1.2])  # C_{t-1}, length H
x_t = np.array([1.0, 2.0])  # x_t, length D
hx = np.concatenate([h_prev, x_t])  # [h_{t-1}, x_t], length H + D
print("[h_{t-1}, x_t] =", hx)
print("W_f =\n", W_f, "\nb_f =", b_f)

# %% [markdown]
# ## 1 · The forget gate $f_t = \sigma(W_f \cdot [h_{t-1}, x_t] + b_f)$

# %%
plots.lstm_cell_diagram(highlight="forget", title="The forget gate scales the old memory")

# %% [markdown]
# **What it means.** One number per memory cell, between 0 and 1: the fraction of the old
# memory $C_{t-1}$ that survives this step. $f_t = 1$ keeps it all; $f_t = 0$ erases it. In
# the diagram it is the σ box on the left, and the × on the memory line above it.
#
# **Why σ.** A gate *multiplies* something, so it must be a fraction. The logistic sigmoid
# $\sigma(z) = 1 / (1 + e^{-z})$ maps any real number into $(0, 1)$ and is smooth, so the
# network can learn how much to keep by gradient descent. (A hard 0/1 switch would have no
# gradient.)
#
# **Shapes.** $W_f$ is (H, H+D) = (2, 4); $[h_{t-1}, x_t]$ is (4,); the product, $b_f$ and
# $f_t$ are (2,).
#
# We write σ through tanh, $\sigma(z) = \tfrac12(1 + \tanh(z/2))$ — the same function, and it
# never overflows (notebook 00's exercise solved the same problem another way).

# %%
def sigmoid(z):
    """Logistic sigmoid, elementwise, overflow-free: σ(z) = (1 + tanh(z/2)) / 2."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def forget_gate(W_f, b_f, h_prev, x_t):
    """f_t = σ(W_f·[h_{t-1}, x_t] + b_f). W_f: (H, H+D), b_f: (H,), h_prev: (H,), x_t: (D,) -> (H,)."""
    return sigmoid(W_f @ np.concatenate([h_prev, x_t]) + b_f)


# %% [markdown]
# By hand: the pre-activation is the dot product of each row of $W_f$ with
# $[h_{t-1}, x_t]$, plus the bias.

# %%
z_f = W_f @ hx + b_f
for row in range(H):
    terms = " + ".join(f"({w:+.1f})({v:+.1f})" for w, v in zip(W_f[row], hx, strict=True))
    print(f"z_f[{row}] = {terms} + ({b_f[row]:+.1f}) = {z_f[row]:+.4f}  ->  σ = {sigmoid(z_f[row]):.4f}")
f_t = forget_gate(W_f, b_f, h_prev, x_t)
assert np.allclose(f_t, sigmoid(z_f))

# %% [markdown]
# ## 2 · The input gate $i_t = \sigma(W_i \cdot [h_{t-1}, x_t] + b_i)$

# %%
plots.lstm_cell_diagram(highlight="input", title="The input gate decides how much to write")

# %% [markdown]
# **What it means.** How much of this step's candidate to *write* into memory, per cell.
# With $i_t \approx 0$ the cell ignores the current input entirely — which is how an LSTM
# skips irrelevant steps. Same form as the forget gate, with its own weights: a fraction, so σ.

# %%
def input_gate(W_i, b_i, h_prev, x_t):
    """i_t = σ(W_i·[h_{t-1}, x_t] + b_i) -> (H,)."""
    return sigmoid(W_i @ np.concatenate([h_prev, x_t]) + b_i)


i_t = input_gate(W_i, b_i, h_prev, x_t)
print("i_t =", i_t)

# %% [markdown]
# ## 3 · The candidate $\tilde{C}_t = \tanh(W_C \cdot [h_{t-1}, x_t] + b_C)$

# %%
plots.lstm_cell_diagram(highlight="candidate", title="The candidate proposes what to write")

# %% [markdown]
# **What it means.** The new content the cell *could* write. It must be able to push the
# memory up *or* down, so it is signed.
#
# **Why tanh.** tanh maps into $(-1, 1)$: signed, centred on zero, and bounded. The term
# written into memory, $i_t \odot \tilde{C}_t$, is therefore smaller than 1 in size, so
# $|C_t| \le |C_{t-1}| + 1$: a single input cannot blow the memory up.

# %%
def candidate(W_C, b_C, h_prev, x_t):
    """C~_t = tanh(W_C·[h_{t-1}, x_t] + b_C) -> (H,), values in (-1, 1)."""
    return np.tanh(W_C @ np.concatenate([h_prev, x_t]) + b_C)


c_tilde = candidate(W_C, b_C, h_prev, x_t)
print("C~_t =", c_tilde)

# %% [markdown]
# ## 4 · The cell state $C_t = f_t \odot C_{t-1} + i_t \odot \tilde{C}_t$

# %%
plots.lstm_cell_diagram(highlight="cell_state", title="The cell state: multiply, then add")

# %% [markdown]
# **What it means.** The memory update: keep a fraction of the old memory, add a fraction
# of the candidate. $\odot$ is elementwise: each memory cell has its own gates.
#
# **Why it matters.** No weight matrix and no squashing sit on the path from $C_{t-1}$ to
# $C_t$ — only the multiplication by $f_t$. When $f_t \approx 1$, memory (and, in notebook 03,
# the gradient) passes through many steps almost unchanged. This path is the LSTM's answer to
# the vanishing gradient problem.

# %%
def cell_state(f_t, c_prev, i_t, c_tilde):
    """C_t = f_t * C_{t-1} + i_t * C~_t, all (H,)."""
    return f_t * c_prev + i_t * c_tilde


c_t = cell_state(f_t, c_prev, i_t, c_tilde)
for k in range(H):
    print(f"C_t[{k}] = {f_t[k]:.4f}·({c_prev[k]:+.1f}) + {i_t[k]:.4f}·({c_tilde[k]:+.4f})"
          f" = {f_t[k] * c_prev[k]:+.4f} {i_t[k] * c_tilde[k]:+.4f} = {c_t[k]:+.4f}")

# %% [markdown]
# ## 5 · The output gate $o_t = \sigma(W_o \cdot [h_{t-1}, x_t] + b_o)$

# %%
plots.lstm_cell_diagram(highlight="output", title="The output gate decides how much to show")

# %% [markdown]
# **What it means.** How much of each memory cell to *show* at this step. A cell can hold a
# value for a long time while $o_t \approx 0$ hides it, and reveal it when it becomes useful.

# %%
def output_gate(W_o, b_o, h_prev, x_t):
    """o_t = σ(W_o·[h_{t-1}, x_t] + b_o) -> (H,)."""
    return sigmoid(W_o @ np.concatenate([h_prev, x_t]) + b_o)


o_t = output_gate(W_o, b_o, h_prev, x_t)
print("o_t =", o_t)

# %% [markdown]
# ## 6 · The hidden state $h_t = o_t \odot \tanh(C_t)$

# %%
plots.lstm_cell_diagram(highlight="hidden", title="The hidden state: the memory, squashed and gated")

# %% [markdown]
# **What it means.** The cell's output at step $t$: the memory squashed into $(-1, 1)$ by
# tanh, then filtered by the output gate. It goes to the next layer *and* into every gate at
# step $t + 1$. Because $|o_t| < 1$ and $|\tanh| < 1$, always $|h_t| < 1$.

# %%
def hidden_state(o_t, c_t):
    """h_t = o_t * tanh(C_t), (H,)."""
    return o_t * np.tanh(c_t)


h_t = hidden_state(o_t, c_t)
print("h_t =", h_t)
assert np.all(np.abs(h_t) < 1)

# %% [markdown]
# ## One time step, then a sequence
#
# The six equations in order make one step. Keeping the weights in a dictionary keeps the
# signature short.

# %%
weights = {"W_f": W_f, "b_f": b_f, "W_i": W_i, "b_i": b_i,
           "W_C": W_C, "b_C": b_C, "W_o": W_o, "b_o": b_o}


def lstm_step(x_t, h_prev, c_prev, w):
    """One LSTM step for one example: x_t (D,), h_prev (H,), c_prev (H,) -> h_t (H,), C_t (H,)."""
    f = forget_gate(w["W_f"], w["b_f"], h_prev, x_t)
    i = input_gate(w["W_i"], w["b_i"], h_prev, x_t)
    c_hat = candidate(w["W_C"], w["b_C"], h_prev, x_t)
    c = cell_state(f, c_prev, i, c_hat)
    o = output_gate(w["W_o"], w["b_o"], h_prev, x_t)
    return hidden_state(o, c), c


def lstm_sequence(xs, w, h0, c0):
    """Run lstm_step over a sequence: xs (T, D) -> hs (T, H), and the final (h_T, C_T)."""
    h, c, hs = h0, c0, []
    for x in xs:
        h, c = lstm_step(x, h, c, w)
        hs.append(h)
    return np.array(hs), (h, c)


xs = np.round(rng.normal(size=(5, D)), 2)  # a sequence of T = 5 inputs
hs, (h_T, c_T) = lstm_sequence(xs, weights, h0=np.zeros(H), c0=np.zeros(H))
print("h_1..h_5 =\n", hs)
print("C_5 =", c_T)

# %% [markdown]
# ## The vectorised form: four gates, one matrix product
#
# All four gates multiply the *same* vector $[h_{t-1}, x_t]$. Stack their matrices into one
# $W$ of shape $(4H, H + D)$ — rows $W_f, W_i, W_C, W_o$, in that order — and one product
# gives all four pre-activations. A batch of B sequences is handled by stacking examples as
# rows: $[h, x]$ becomes (B, H + D) and the product becomes $[h, x] \cdot W^\top$, shape
# (B, 4H), whose column blocks are the pre-activations of f, i, C~ and o. One large product
# is much faster than four small ones.
#
# The first H columns of $W$ multiply $h_{t-1}$ and the last D multiply $x_t$; we call these
# two parts $W_h$ (4H, H) and $W_x$ (4H, D), so $W = [W_h \mid W_x]$. The package keeps such
# a pair as `LSTMParams(W, b)`; `W, b = params` unpacks it.

# %% [markdown]
# ### Exercise 01.1 — one LSTM layer, fused, over a batch · ★★★ · 4 points
#
# Write `lstm_layer(x, params, h0, c0)`: run the LSTM over a batch of sequences `x` of shape
# (B, T, D), starting from the states `h0` and `c0`, each (B, H), with `params =
# LSTMParams(W, b)`, `W` (4H, H + D) with the blocks f, i, C~, o from the top and `b` (4H,).
# Use **one** matrix product per time step for all four gates. Return
# `(h_seq, (h_T, C_T))`: every step's output `h_seq` (B, T, H), then the last step's
# hidden state and cell state, each (B, H). Use `sigmoid` from above. The check runs your
# layer on random sizes, weights and initial states.

# %%
def lstm_layer(x, params, h0, c0):
    """One LSTM layer, one product per step.

    x (B, T, D); params = LSTMParams(W (4H, H + D), blocks f, i, C~, o; b (4H,));
    h0, c0 (B, H) -> (h_seq (B, T, H), (h_T (B, H), C_T (B, H))).
    """
    # BEGIN SOLUTION
    W, b = params
    hidden = W.shape[0] // 4
    h, c, h_seq = h0, c0, []
    for t in range(x.shape[1]):
        z = np.concatenate([h, x[:, t]], axis=1) @ W.T + b  # (B, 4H): all gates at once
        f, i, o = sigmoid(z[:, :hidden]), sigmoid(z[:, hidden:2 * hidden]), sigmoid(z[:, 3 * hidden:])
        c = f * c + i * np.tanh(z[:, 2 * hidden:3 * hidden])
        h = o * np.tanh(c)
        h_seq.append(h)
    return np.stack(h_seq, axis=1), (h, c)
    # END SOLUTION


# %%
from lstm_course.exercises import lstm_cell_numpy

lstm_cell_numpy.check_lstm_layer(lstm_layer)

# %% [markdown]
# The fused layer and the gate-by-gate loop compute the same numbers. The cell below uses
# your `lstm_layer` once its check has passed — and until then the package's
# `lstm_course.numpy_lstm.lstm_forward`, which has the same signature.

# %%
from lstm_course.exercises.registry import solved
from lstm_course.numpy_lstm import LSTMParams, lstm_forward, params_from_keras, params_to_keras

lstm_layer = solved("01.1", lstm_forward)

W = np.concatenate([W_f, W_i, W_C, W_o])  # (4H, H + D) = (8, 4)
b = np.concatenate([b_f, b_i, b_C, b_o])  # (4H,) = (8,)
batch = np.round(rng.normal(size=(3, 5, D)), 2)  # B = 3 sequences of T = 5 steps
zeros = np.zeros((3, H))
fused, _ = lstm_layer(batch, LSTMParams(W, b), zeros, zeros)
looped = np.stack([lstm_sequence(seq, weights, np.zeros(H), np.zeros(H))[0] for seq in batch])
print(f"W {W.shape}, b {b.shape}, batch {batch.shape} -> h_seq {np.shape(fused)}")
assert np.allclose(fused, looped, rtol=0, atol=1e-12)
print("fused and gate-by-gate agree to 1e-12 (float64 round-off only)")

# %% [markdown]
# The package's `lstm_course.numpy_lstm.lstm_forward` is this same function, with input
# checks, float32 support and speed-ups that notebook 02 explains (the main one: the input
# part of every step, $x_t \cdot W_x^\top$, is computed for all $t$ in a single product
# before the loop). Beside it, `lstm_course.numpy_lstm.lstm_step` is the six equations
# written out as above, one step for a batch; the package's tests check the fast loop
# against it. With `return_cache=True`, `lstm_forward` also returns what it computed at
# every step — the gates `cache.f`, `cache.i`, `cache.o`, the candidate `cache.c_tilde`, the
# cell `cache.c`, each (B, T, H) — which we use below to watch the gates work.
#
# *Names:* the candidate $\tilde{C}_t$ is `c_tilde` in code (`c_hat` inside `lstm_step`), and
# its block is called `"c"` wherever the four blocks are named by one letter: f, i, c, o.

# %%
h_pkg, _ = lstm_forward(batch, LSTMParams(W, b))
assert np.allclose(h_pkg, looped, rtol=0, atol=1e-12)
print("package and notebook agree to 1e-12")

# %% [markdown]
# ## How Keras stores the same weights
#
# `keras.layers.LSTM` keeps three arrays, split by what they multiply and transposed, because
# it computes with examples as rows: `x_t @ kernel + h_{t-1} @ recurrent_kernel + bias`.
#
# | Keras | shape | multiplies | course form |
# |---|---|---|---|
# | `kernel` | (D, 4H) | $x_t$ | the last D columns of each $W_g$, transposed |
# | `recurrent_kernel` | (H, 4H) | $h_{t-1}$ | the first H columns of each $W_g$, transposed |
# | `bias` | (4H,) | — | the four $b_g$ |
#
# Each array holds the four gates as four blocks of H columns — but in the order
# **i, f, c, o**, not the course's f, i, C~, o.

# %%
import keras

units, features, T = 4, 3, 6
layer = keras.layers.LSTM(units, return_sequences=True, return_state=True)
x_k = np.random.default_rng(0).normal(size=(2, T, features)).astype("float32")
layer(x_k)  # calling the layer once builds its weights
kernel, recurrent_kernel, bias = layer.get_weights()
print(f"kernel {kernel.shape}, recurrent_kernel {recurrent_kernel.shape}, bias {bias.shape}")

# %% [markdown]
# ### Exercise 01.2 — a gate's block in Keras's arrays · ★★ · 2 points
#
# Write `keras_gate(kernel, recurrent_kernel, bias, gate)`: for `gate` one of `"f"`, `"i"`,
# `"c"`, `"o"`, return that gate's weights in the course's form, `(W_g, b_g)`: `W_g` of shape
# (H, H + D), which multiplies $[h_{t-1}, x_t]$, and `b_g` of shape (H,). The check asks for
# all four gates, from random Keras arrays of random sizes.

# %%
def keras_gate(kernel, recurrent_kernel, bias, gate):
    """Keras LSTM arrays and a gate name ('f', 'i', 'c' or 'o') -> (W_g (H, H + D), b_g (H,))."""
    # BEGIN SOLUTION
    hidden = recurrent_kernel.shape[0]
    k = "ifco".index(gate)  # Keras's order of the blocks
    block = slice(k * hidden, (k + 1) * hidden)
    W_g = np.concatenate([recurrent_kernel[:, block].T, kernel[:, block].T], axis=1)
    return W_g, bias[block]
    # END SOLUTION


# %%
lstm_cell_numpy.check_keras_gate(keras_gate)

# %% [markdown]
# The package's `params_from_keras` does this for all four gates and stacks them in the
# course's order. Your `keras_gate` (or, until its check passes, the package) reads the
# forget gate of the layer above: Keras starts its bias at 1 (`unit_forget_bias=True`), so a
# fresh LSTM begins by keeping most of its memory.

# %%
def keras_gate_by_the_package(kernel, recurrent_kernel, bias, gate):
    """The reference: convert all of Keras's arrays, then take one gate."""
    return params_from_keras([kernel, recurrent_kernel, bias]).gate(gate)


keras_gate = solved("01.2", keras_gate_by_the_package)
params = params_from_keras(layer)
for gate in "fico":
    W_g, b_g = keras_gate(kernel, recurrent_kernel, bias, gate)
    assert np.array_equal(W_g, params.gate(gate)[0]) and np.array_equal(b_g, params.gate(gate)[1])
print(f"b_f = {keras_gate(kernel, recurrent_kernel, bias, 'f')[1]}, "
      f"b_i = {keras_gate(kernel, recurrent_kernel, bias, 'i')[1]}")

# %% [markdown]
# ## Proof: NumPy equals Keras
#
# Same weights, same inputs: the full output sequence (`return_sequences=True`), the final
# states (`return_state=True`), and a run that starts from a non-zero initial state. Keras
# computes in float32, where one rounding step is about $6 \cdot 10^{-8}$; we ask for
# agreement within $10^{-6}$. The exact differences depend on your CPU's arithmetic, so the
# tests check the assertion below rather than the printed digits.

# %%
# NBVAL_IGNORE_OUTPUT
h0 = np.random.default_rng(1).normal(size=(2, units)).astype("float32")
c0 = np.random.default_rng(2).normal(size=(2, units)).astype("float32")
differences = {}
for label, initial in [("zero initial state", None), ("non-zero initial state", [h0, c0])]:
    seq_k, h_k, c_k = (np.asarray(a) for a in layer(x_k, initial_state=initial))
    seq_np, (h_np, c_np) = lstm_forward(x_k, params, *(initial or []))
    differences[f"h_seq, {label}"] = np.abs(seq_k - seq_np).max()
    differences[f"h_T, {label}"] = np.abs(h_k - h_np).max()
    differences[f"C_T, {label}"] = np.abs(c_k - c_np).max()
for label, diff in differences.items():
    print(f"max |keras - numpy|  {label:28s} {diff:.1e}")

# %%
assert seq_np.dtype == np.float32
assert max(differences.values()) <= 1e-6
print(f"all {len(differences)} comparisons agree within 1e-6 in float32")

# %% [markdown]
# And the other way: weights made in NumPy, loaded into a Keras layer with
# `params_to_keras`, give the same outputs.

# %%
from lstm_course.numpy_lstm import init_lstm_params

numpy_params = init_lstm_params(features, units, seed=5, dtype=np.float32)
fresh = keras.layers.LSTM(units, return_sequences=True)
fresh.build((None, T, features))
fresh.set_weights(params_to_keras(numpy_params))
diff = np.abs(np.asarray(fresh(x_k)) - lstm_forward(x_k, numpy_params)[0]).max()
assert diff <= 1e-6
print("NumPy weights -> Keras layer: outputs agree within 1e-6")

# %% [markdown]
# ## Counting parameters
#
# Everything an LSTM layer learns sits in $W$ and $b$. How many numbers is that?

# %% [markdown]
# ### Exercise 01.3 — the parameter count · ★ · 1 point
#
# Write `lstm_param_count(D, H)`: the number of trainable parameters of an LSTM layer with
# D input features and H units, from the shapes of $W$ and $b$ above (an int).

# %%
def lstm_param_count(D, H):
    """Trainable parameters of an LSTM layer with D input features and H units."""
    # BEGIN SOLUTION
    return 4 * (H * (H + D) + H)
    # END SOLUTION


# %%
lstm_cell_numpy.check_param_count(lstm_param_count)

# %% [markdown]
# Each of the four blocks has a weight matrix $H \times (H + D)$ and a bias of length $H$:
#
# $$\text{parameters} = 4\,\big(H\,(H + D) + H\big).$$
#
# Each block costs as much as a whole vanilla RNN layer — the candidate block *is* one — so
# an LSTM has four times its parameters and does about four times its work per step. Keras
# counts the same:

# %%
def count_by_the_package(D, H):
    """The reference: the sizes of the package's initialised W and b, added up."""
    return sum(array.size for array in init_lstm_params(D, H, seed=0))


lstm_param_count = solved("01.3", count_by_the_package)
for D_, H_ in [(1, 50), (3, 50), (32, 128)]:
    counted = keras.layers.LSTM(H_)
    counted.build((None, 10, D_))
    print(f"D={D_:3d}, H={H_:4d}: lstm_param_count {lstm_param_count(D_, H_):7,}   "
          f"Keras count_params() {counted.count_params():7,}")
    assert lstm_param_count(D_, H_) == counted.count_params()

# %% [markdown]
# ## Watching the gates work: an LSTM wired by hand
#
# No training: we choose the weights so that one memory cell (H = 1) does a job you can read
# off its gates. The input at each step is
# $x_t = [\text{value}, \text{write}, \text{read}, \text{erase}]$:
#
# - **write = 1**: store tanh(`value`) (and forget what was stored before);
# - **read = 1**: show the stored memory on $h_t$, as tanh(memory) — for value 0.8 that is
#   tanh(tanh(0.8)), a fixed, increasing function of the value that a layer on top could
#   invert;
# - **erase = 1**: wipe the memory — not wired yet: that is exercise 01.4;
# - otherwise: random distractor values arrive and must be ignored.
#
# The weights, with a large gain $k = 20$ so that the gates saturate at ≈0 or ≈1:
#
# | gate | pre-activation | effect |
# |---|---|---|
# | forget | $10 - k \cdot \text{write}$ | ≈1 (hold) except at a write, where ≈0 (clear) |
# | input | $k \cdot \text{write} - 10$ | ≈1 only at a write |
# | candidate | $1 \cdot \text{value}$ | tanh(value), the thing stored |
# | output | $k \cdot \text{read} - 10$ | ≈1 only at a read |
#
# All recurrent weights are zero: this cell needs only its memory, not $h_{t-1}$.

# %%
gain = 20.0
# columns of each row: [h_{t-1} | value, write, read, erase]; rows in the course order f, i, C~, o
W_hand = np.array([
    [0.0, 0.0, -gain, 0.0, 0.0],  # forget: drops to 0 on write
    [0.0, 0.0, gain, 0.0, 0.0],  # input: opens on write
    [0.0, 1.0, 0.0, 0.0, 0.0],  # candidate: the value
    [0.0, 0.0, 0.0, gain, 0.0],  # output: opens on read
])
b_hand = np.array([10.0, -10.0, 0.0, -10.0])
hand = LSTMParams(W_hand, b_hand)

T_hand, write_step, first_read, erase_step, second_read, stored_value = 60, 8, 30, 38, 50, 0.8
x_hand = np.zeros((1, T_hand, 4))
x_hand[0, :, 0] = np.random.default_rng(3).uniform(-1, 1, T_hand)  # distractors
x_hand[0, write_step, :2] = [stored_value, 1.0]
x_hand[0, [first_read, second_read], 2] = 1.0
x_hand[0, erase_step, 3] = 1.0
h_hand, _, trace = lstm_forward(x_hand, hand, return_cache=True)

held = trace.c[0, write_step:second_read, 0]
shown = {step: h_hand[0, step, 0] for step in (first_read, second_read)}
print(f"stored at t={write_step}: C = tanh({stored_value}) = {trace.c[0, write_step, 0]:.4f}")
print(f"held through {second_read - write_step - 1} steps of distractors (and an erase "
      f"nothing listens to yet): C ranges {held.min():.4f} .. {held.max():.4f}")
print(f"read at t={first_read} and t={second_read}: h = o·tanh(C) = {shown[first_read]:.4f}, "
      f"{shown[second_read]:.4f}; elsewhere "
      f"|h| <= {np.abs(np.delete(h_hand[0, :, 0], [first_read, second_read])).max():.4f}")

# %%
steps = np.arange(T_hand)
fig, axes = plt.subplots(4, 1, figsize=(8.5, 6.4), sharex=True)
axes[0].plot(steps, x_hand[0, :, 0], ".", color="grey", label="value (distractors)")
axes[0].stem([write_step], [stored_value], linefmt="C0-", markerfmt="C0o", basefmt=" ", label="write")
for step in (first_read, second_read):
    axes[0].axvline(step, color="C3", ls="--", label="read" if step == first_read else None)
axes[0].axvline(erase_step, color="k", ls=":", label="erase (not wired)")
axes[0].set_ylabel("input")
for gate, name, color in [(trace.f, "f", "C0"), (trace.i, "i", "C1"), (trace.o, "o", "C3")]:
    axes[1].plot(steps, gate[0, :, 0], color=color, label=f"{name}_t")
axes[1].set_ylabel("gates")
axes[2].plot(steps, trace.c[0, :, 0], color="C2", label="C_t (memory)")
axes[2].set_ylabel("cell state")
axes[3].plot(steps, h_hand[0, :, 0], color="C4", label="h_t (output)")
axes[3].set_ylabel("hidden state")
axes[3].set_xlabel("time step t")
for ax in axes:
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
fig.suptitle(f"Write at t={write_step}, hold through distractors, read at t={first_read} "
             f"and t={second_read}")
fig.tight_layout()
plt.show()

# %%
assert abs(trace.c[0, write_step, 0] - np.tanh(stored_value)) < 1e-3
assert np.ptp(held) < 1e-2  # the memory holds through the distractors and the erase
for step in (first_read, second_read):
    assert abs(h_hand[0, step, 0] - np.tanh(np.tanh(stored_value))) < 1e-2

# %% [markdown]
# Read the plot from top to bottom: the **input gate** (orange) opens only at the write;
# the **forget gate** (blue) sits at ≈1 — holding — except for the instant of the write,
# where it clears the old content; the **memory** $C_t$ steps to tanh(0.8) and stays flat
# while the distractor values go by; the **output gate** (red) opens only at the reads, and
# only then does $h_t$ show the stored memory. The erase at t = 38 changes nothing: no
# weight listens to it. A trained LSTM can learn weights like these.

# %% [markdown]
# ### Exercise 01.4 — forget on command · ★★ · 2 points
#
# Make the erase input work: change what you need in `W_erasing` or `b_erasing` (copies of
# `W_hand` and `b_hand`) so that erase = 1 wipes the memory — from the erase until the next
# write, $C_t$ stays below 5% of what was stored, and a read shows ≈ 0 — while writes,
# holds and reads keep working as before. The check runs your cell on fresh random
# sequences: a write, a read, an erase, a read, a new write and a read, at random times,
# with distractors in between. Think about which gate multiplies $C_{t-1}$, and what its
# value must be at the erase.

# %%
W_erasing, b_erasing = W_hand.copy(), b_hand.copy()
# BEGIN SOLUTION
# STUB: ...  # change entries of W_erasing or b_erasing here
W_erasing[0, 4] = -gain  # erase = 1 closes the forget gate: C_{t-1} is multiplied by ≈ 0
# END SOLUTION
erasing = LSTMParams(W_erasing, b_erasing)

# %%
lstm_cell_numpy.check_erase(erasing)

# %% [markdown]
# ## The LSTM's relatives
#
# Later notebooks compare the LSTM with the **GRU**, the gated recurrent unit of Cho et al.
# (2014). It has no separate cell state: $h_t$ is both the memory and the output, and two
# gates do the work of three. In the course's notation:
#
# $$
# \begin{aligned}
# z_t &= \sigma\left(W_z \cdot [h_{t-1}, x_t] + b_z\right) && \text{update gate}\\
# r_t &= \sigma\left(W_r \cdot [h_{t-1}, x_t] + b_r\right) && \text{reset gate}\\
# \tilde{h}_t &= \tanh\left(W_h \cdot [r_t \odot h_{t-1}, x_t] + b_h\right) && \text{candidate}\\
# h_t &= z_t \odot h_{t-1} + (1 - z_t) \odot \tilde{h}_t && \text{new hidden state}
# \end{aligned}
# $$
#
# The update gate plays the forget gate and the input gate at once: it keeps the fraction
# $z_t$ of the old state and writes $1 - z_t$ of the candidate. The reset gate lets the
# candidate ignore the old state. (Some papers swap the roles of $z_t$ and $1 - z_t$; this is
# Keras's convention.)
#
# **Keras's variant.** `keras.layers.GRU` uses `reset_after=True` by default: it applies the
# reset gate *after* the recurrent product, and gives that product a bias of its own,
# $\tilde{h}_t = \tanh\big(W_{hx} \cdot x_t + b_{hx} + r_t \odot (W_{hh} \cdot h_{t-1} +
# b_{hh})\big)$, where $W_h = [W_{hh} \mid W_{hx}]$. Its `bias` therefore has shape (2, 3H):
# the input biases and the recurrent biases, each in the block order z, r, h.
#
# Two changes to the LSTM itself, one line each:
#
# - **Peepholes** (Gers & Schmidhuber, 2000): the gates also look at the memory, e.g.
#   $f_t = \sigma(W_f \cdot [h_{t-1}, x_t] + p_f \odot C_{t-1} + b_f)$ (the same for $i_t$;
#   $o_t$ looks at $C_t$), so a cell can time its gates by what it holds.
# - **Coupled gates** (the "CIFG" variant): $i_t = 1 - f_t$, so a cell writes exactly as much
#   as it forgets — one gate fewer, like the GRU's update gate.
#
# Greff et al. (2017, "LSTM: A Search Space Odyssey") compared these and other variants on
# speech, handwriting and music, and found that neither coupling the gates nor removing the
# peepholes hurt much; the forget gate and the output activation mattered most.
#
# A NumPy GRU step in the course's notation, with Keras's `reset_after` candidate, checked
# against `keras.layers.GRU` on the same weights:

# %%
def gru_step(x_t, h_prev, gru):
    """One GRU step, Keras's variant: x_t (B, D), h_prev (B, H) -> h_t (B, H).

    gru: W_z, W_r, W_h (H, H + D), stacked [recurrent | input] like the LSTM's, and b_z,
    b_r, b_h, b_hh (H,) — b_hh is the candidate's recurrent bias (reset_after=True).
    """
    hidden = h_prev.shape[1]
    hx = np.concatenate([h_prev, x_t], axis=1)
    z = sigmoid(hx @ gru["W_z"].T + gru["b_z"])  # update gate: how much of h_{t-1} to keep
    r = sigmoid(hx @ gru["W_r"].T + gru["b_r"])  # reset gate: how much of h_{t-1} to consult
    W_hh, W_hx = gru["W_h"][:, :hidden], gru["W_h"][:, hidden:]
    h_tilde = np.tanh(x_t @ W_hx.T + gru["b_h"] + r * (h_prev @ W_hh.T + gru["b_hh"]))
    return z * h_prev + (1 - z) * h_tilde


def gru_from_keras(kernel, recurrent_kernel, bias):
    """Keras GRU arrays (blocks z, r, h; bias (2, 3H)) -> the dict gru_step takes."""
    hidden = recurrent_kernel.shape[0]
    gru = {}
    for k, name in enumerate("zrh"):
        block = slice(k * hidden, (k + 1) * hidden)
        gru[f"W_{name}"] = np.concatenate([recurrent_kernel[:, block].T, kernel[:, block].T], axis=1)
        gru[f"b_{name}"] = bias[0, block] + (bias[1, block] if name != "h" else 0.0)
    gru["b_hh"] = bias[1, 2 * hidden:]
    return gru


gru_layer = keras.layers.GRU(units, return_sequences=True)
gru_layer.build((None, T, features))
kernel_g, recurrent_g, bias_g = gru_layer.get_weights()
# Keras starts every bias at 0: give them random values so the check covers them too
bias_g = np.random.default_rng(4).normal(scale=0.5, size=bias_g.shape).astype("float32")
gru_layer.set_weights([kernel_g, recurrent_g, bias_g])
gru = gru_from_keras(kernel_g, recurrent_g, bias_g)

h, gru_seq = np.zeros((2, units), dtype="float32"), []
for t in range(T):
    h = gru_step(x_k[:, t], h, gru)
    gru_seq.append(h)
gru_diff = np.abs(np.asarray(gru_layer(x_k)) - np.stack(gru_seq, axis=1)).max()
print(f"kernel {kernel_g.shape}, recurrent_kernel {recurrent_g.shape}, bias {bias_g.shape}")
assert gru_diff <= 1e-6
print("GRU: NumPy and keras.layers.GRU agree within 1e-6 over all 6 steps")

# %% [markdown]
# Three blocks instead of four, and one extra bias vector in Keras's variant: a GRU layer
# has $3\,(H(H + D) + 2H)$ parameters in Keras, about three quarters of an LSTM's.

# %%
for D_, H_ in [(3, 50), (32, 128)]:
    counts = {}
    for name, kind in [("LSTM", keras.layers.LSTM), ("GRU", keras.layers.GRU)]:
        counted = kind(H_)
        counted.build((None, 10, D_))
        counts[name] = counted.count_params()
    assert counts["GRU"] == 3 * (H_ * (H_ + D_) + 2 * H_)
    print(f"D={D_:3d}, H={H_:4d}: LSTM {counts['LSTM']:7,}   GRU {counts['GRU']:7,}   "
          f"GRU / LSTM = {counts['GRU'] / counts['LSTM']:.3f}")

# %% [markdown]
# ## Summary
#
# - Every gate is $\text{activation}(W_g \cdot [h_{t-1}, x_t] + b_g)$ with $W_g$ of shape
#   (H, H + D); σ for the three gates (fractions), tanh for the candidate (signed values).
# - The cell update $C_t = f_t \odot C_{t-1} + i_t \odot \tilde{C}_t$ has no weight matrix
#   on the memory path: with $f_t \approx 1$ memory persists, and $f_t \approx 0$ erases it.
# - Stacking the four gates gives one (4H, H + D) matrix and one product per step.
# - Keras stores the same numbers as `kernel` (D, 4H), `recurrent_kernel` (H, 4H) and `bias`
#   (4H,), gate order i, f, c, o; our NumPy LSTM matches it to float32 precision.
# - An LSTM layer has $4(H(H + D) + H)$ parameters; a GRU, with three blocks, about 3/4 of that.
#
# **Next:** notebook 02 derives the gradient of every equation — backpropagation through
# time — checks it numerically, and trains this NumPy LSTM.

# %% [markdown]
# ## Review questions
#
# 1. For a batch of B examples, what are the shapes of $[h_{t-1}, x_t]$, of the fused $W$ and
#    of the product $[h_{t-1}, x_t] \cdot W^\top$? Which columns of the product belong to the
#    input gate?
# 2. Why is one (4H, H + D) product per step faster than four (H, H + D) products?
# 3. In which order does Keras store its four blocks? If you read Keras's arrays in the
#    course's order, which gates come out wrong and which by luck right?
# 4. Why is Keras's `kernel` (D, 4H) rather than (4H, D), and why is $W_g$ stacked with the
#    recurrent part first?
# 5. Where does $4(H(H + D) + H)$ come from? How many parameters does an LSTM with D = 3 and
#    H = 50 have, and why does a GRU of the same size have fewer?
# 6. In the hand-wired cell, what are $f_t$, $i_t$ and $o_t$ (≈0 or ≈1) at a write, while
#    holding, and at a read? Why must the forget gate close at a write?
# 7. Why would wiring the erase input to the output gate not make the cell forget?
# 8. Why is $|h_t| < 1$ always, while $|C_t|$ can grow beyond 1? By how much at most per step?
# 9. Which GRU gate does the job of the LSTM's forget gate, and what does the GRU lack that
#    the LSTM has?
# 10. What does Keras's `reset_after=True` change in the GRU's candidate, and why does its
#     `bias` have shape (2, 3H)?
