# %% [markdown]
# # 02 · Backpropagation through time, by hand
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/lstm-course/lstm-course/blob/main/notebooks/02_bptt.ipynb)
#
# **What you will learn**
# - how the loss gradient flows backwards through the six LSTM equations, one at a time;
# - why the cell path $\delta C_{t-1} = \delta C_t \odot f_t + \dots$ is the heart of the LSTM;
# - how to prove a backward pass correct with finite differences — and find a bug with them;
# - how to train the NumPy LSTM with Adam and gradient clipping, and that it learns like Keras;
# - what makes hand-written NumPy fast, and how close it gets to TensorFlow.
#
# **Prerequisites:** notebook 01 (the forward pass, `LSTMParams`); the chain rule.
#
# **Time:** about 75 minutes to study; under a minute and a half to run.

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
# ## What we are differentiating
#
# An LSTM reads $x_1 \dots x_T$ and produces $h_1 \dots h_T$; some loss $L$ depends on the
# outputs. Whatever the loss, backpropagation starts from its *direct* gradient with respect
# to each output, $\partial L / \partial h_t \big|_{\text{out}}$ (for a loss on the last step
# only, all but the one at $T$ are zero). Our job is to turn those into gradients for every
# weight, every input $x_t$, and the initial states.
#
# Notation: $\delta v = \partial L / \partial v$, shaped like $v$. With a batch, every vector
# becomes a matrix with one row per example. The forward pass of one step, from notebook 01,
# with $z$ the gate pre-activations:
#
# $$
# z_g = W_g \cdot [h_{t-1}, x_t] + b_g, \quad
# f_t = \sigma(z_f),\; i_t = \sigma(z_i),\; \tilde{C}_t = \tanh(z_C),\; o_t = \sigma(z_o),
# \quad C_t = f_t \odot C_{t-1} + i_t \odot \tilde{C}_t, \quad h_t = o_t \odot \tanh(C_t).
# $$
#
# ## The backward pass, one equation at a time
#
# We walk the forward equations in reverse. Two quantities arrive at step $t$ from the
# future: $\delta h_t^{\text{next}}$ (through the gates of step $t+1$) and
# $\delta C_t^{\text{next}}$ (through the cell path of step $t+1$).
#
# **1. Hidden state.** $h_t$ feeds the loss at $t$ and step $t+1$, so its *total* gradient is
# $\quad \delta h_t = \frac{\partial L}{\partial h_t}\Big|_{\text{out}} + \delta h_t^{\text{next}}$.
#
# **2. Output gate and cell, from $h_t = o_t \odot \tanh(C_t)$:**
# $\quad \delta o_t = \delta h_t \odot \tanh(C_t)$, and
# $\quad \delta C_t = \delta C_t^{\text{next}} + \delta h_t \odot o_t \odot (1 - \tanh^2 C_t)$.
#
# **3. Cell update, from $C_t = f_t \odot C_{t-1} + i_t \odot \tilde{C}_t$:**
# $\quad \delta f_t = \delta C_t \odot C_{t-1}$, $\;\delta i_t = \delta C_t \odot \tilde{C}_t$,
# $\;\delta \tilde{C}_t = \delta C_t \odot i_t$, and what flows on to step $t-1$ along the cell:
# $$\boxed{\delta C_{t-1}^{\text{next}} = \delta C_t \odot f_t}$$
#
# **4. Through the activations** ($\sigma' = \sigma(1 - \sigma)$, $\tanh' = 1 - \tanh^2$):
# $\quad \delta z_f = \delta f_t \odot f_t(1 - f_t)$, $\;\delta z_i = \delta i_t \odot i_t(1 - i_t)$,
# $\;\delta z_C = \delta \tilde{C}_t \odot (1 - \tilde{C}_t^2)$, $\;\delta z_o = \delta o_t \odot o_t(1 - o_t)$.
#
# **5. Into the weights and the stacked input**, from $z_g = W_g \cdot [h_{t-1}, x_t] + b_g$:
# $\quad \delta W_g \mathrel{+}= \delta z_g \, [h_{t-1}, x_t]^\top$, $\;\delta b_g \mathrel{+}= \delta z_g$,
# $\;\delta [h_{t-1}, x_t] = \sum_g W_g^\top \delta z_g$ — whose first H entries are
# $\delta h_{t-1}^{\text{next}}$ and last D entries are $\delta x_t$. (Below, $W_h$ means the
# first H columns of the stacked $W$ — the part that multiplies $h_{t-1}$; for a vanilla RNN
# the same matrix is often written $W_{hh}$.)
#
# The weight gradients *accumulate* over time: the same $W$ is used at every step.
#
# These are written for one example, with column vectors. In code each example is a row of
# a (B, ·) matrix, so $\delta z_g [h_{t-1}, x_t]^\top$ summed over the batch becomes
# `dz.T @ hx`, and $\sum_g W_g^\top \delta z_g$ becomes `dz @ W`.
#
# **Why the cell path matters.** Look at the boxed line of step 3: from $C_t$ back to
# $C_{t-1}$ the gradient is only multiplied by $f_t$ — no weight matrix, no squashing
# derivative. Over many steps, $\delta C_t$ is multiplied by $\prod_k f_k$; with forget gates
# near 1 it survives hundreds of steps. In a vanilla RNN the same path multiplies by
# $W_{hh}^\top \operatorname{diag}(1 - h^2)$ at every step, and shrinks or explodes
# geometrically. Notebook 03 measures both.

# %% [markdown]
# ### Exercise 1 — the forget gate's pre-activation gradient
#
# Given $\delta C_t$, $C_{t-1}$ and $f_t$ (all shaped (B, H)), return $\delta z_f$.

# %%
import numpy as np

np.set_printoptions(precision=4, suppress=True)


def d_forget_preactivation(dc, c_prev, f):
    """δz_f from δC_t, C_{t-1} and f_t, all (B, H) -> (B, H)."""
    # BEGIN SOLUTION
    return dc * c_prev * f * (1.0 - f)
    # END SOLUTION


# %%
from lstm_course.exercises import bptt

bptt.check_forget_preactivation_grad(d_forget_preactivation)

# %% [markdown]
# ## One step backward, in code
#
# Here are steps 2–5 as one function. It receives what the forward pass of that step saw and
# computed, and the two gradients arriving from the future.

# %%
def lstm_step_backward(dh, dc_next, step, W):
    """Backward through one LSTM step, for a batch.

    dh: (B, H) total gradient reaching h_t; dc_next: (B, H) gradient reaching C_t from step t+1;
    step: dict of the forward values x (B, D), h_prev, c_prev, f, i, c_tilde, o, c (B, H);
    W: (4H, H + D), blocks f, i, C~, o.
    Returns dW (4H, H + D), db (4H,), dx (B, D), dh_prev (B, H), dc_prev (B, H).
    """
    f, i, g, o, c = step["f"], step["i"], step["c_tilde"], step["o"], step["c"]
    tanh_c = np.tanh(c)
    do = dh * tanh_c  # 2. h = o * tanh(C)
    dc = dc_next + dh * o * (1.0 - tanh_c**2)
    df, di, dg = dc * step["c_prev"], dc * g, dc * i  # 3. C = f * C_prev + i * C~
    dc_prev = dc * f
    dz = np.concatenate([df * f * (1 - f), di * i * (1 - i),  # 4. through σ and tanh
                         dg * (1 - g**2), do * o * (1 - o)], axis=1)  # (B, 4H)
    hx = np.concatenate([step["h_prev"], step["x"]], axis=1)  # (B, H + D)
    d_hx = dz @ W  # 5. into [h_{t-1}, x_t]
    hidden = dh.shape[1]
    return dz.T @ hx, dz.sum(axis=0), d_hx[:, hidden:], d_hx[:, :hidden], dc_prev


# %% [markdown]
# The package's `lstm_backward` runs this step from $t = T$ down to $1$ (with the
# non-sequential parts moved out of the loop for speed — see the end of this notebook). For a
# one-step sequence the two must agree, up to float64 round-off:

# %%
from lstm_course.numpy_lstm import LSTMParams, init_lstm_params, lstm_backward, lstm_forward

rng = np.random.default_rng(0)
B, D, H = 3, 2, 4
params = init_lstm_params(D, H, seed=1)
x1 = rng.normal(size=(B, 1, D))
h0, c0 = rng.normal(size=(B, H)), rng.normal(size=(B, H))
_, _, cache = lstm_forward(x1, params, h0, c0, return_cache=True)
step = dict(f=cache.f[:, 0], i=cache.i[:, 0], c_tilde=cache.c_tilde[:, 0], o=cache.o[:, 0],
            c=cache.c[:, 0], x=x1[:, 0], h_prev=h0, c_prev=c0)  # the cache: (B, T, H) arrays
dh = rng.normal(size=(B, H))
dW, db, dx, dh_prev, dc_prev = lstm_step_backward(dh, np.zeros((B, H)), step, params.W)
package = lstm_backward(x1, params, dh[:, None], h0=h0, c0=c0, full=True)
for label, mine, theirs in [("dW", dW, package.grads.W), ("db", db, package.grads.b),
                            ("dx", dx, package.dx[:, 0]), ("dh0", dh_prev, package.dh0),
                            ("dc0", dc_prev, package.dc0)]:
    assert np.allclose(mine, theirs, rtol=0, atol=1e-12), label
print("one step backward == package for dW, db, dx, dh0, dc0")

# %% [markdown]
# ## Is it right? The gradient check
#
# A derivation can be wrong in a way no test of the forward pass would notice. The remedy is
# to compare with the definition of a derivative, by **central finite differences**:
#
# $$\frac{\partial L}{\partial \theta_k} \approx \frac{L(\theta + \varepsilon e_k) - L(\theta - \varepsilon e_k)}{2\varepsilon}$$
#
# with a truncation error of $O(\varepsilon^2)$, negligible at $\varepsilon = 10^{-6}$. The
# error that matters is **round-off**. Each loss value is rounded to about $u \cdot S$, where
# $u \approx 1.1 \cdot 10^{-16}$ is float64's unit round-off and $S$ the size of the terms the
# loss adds up; dividing the difference of two losses by $2\varepsilon$ magnifies that to
# about $u S / \varepsilon \approx 10^{-10} S$ — on *every* entry, however small its gradient.
#
# We compare with `relative_error(a, n, floor=...)` $= \max|a - n| / (\max(|a| + |n|) +
# \text{floor})$. Without the floor this is scale-free, and for gradients of ordinary size a
# correct backward pass scores about $10^{-9}$ or below. But a block whose gradients are
# tiny next to $S$ can score above $10^{-7}$ from round-off alone: "above $10^{-7}$ means a
# bug" is false for it. The **round-off floor**, `round_off_floor(S)`, is the gradient size at
# which round-off alone would score $10^{-7}$, times a safety factor of 10 (about $0.011\,S$);
# entries smaller than that are judged against the floor instead of their own size. Then the
# rule of thumb holds: a correct gradient scores below $10^{-7}$; a bug changes a gradient by
# about its own size and scores $10^{-3}$ or, usually, close to 1 — round-off never does.
# We check **every block** — each gate's weights and biases, the inputs, and both initial
# states — on a small LSTM.
#
# The test loss is $L = \sum_t \text{weights\_out}_t \odot h_t + u_h \odot h_T + u_c \odot C_T$
# with random weights: it is linear in the outputs, so $\partial L/\partial h_t|_{\text{out}}$
# is exactly `weights_out[:, t]` (our `dh_seq`), and $u_h$, $u_c$ are the gradients reaching
# the final states (`dh_T`, `dc_T`). Random weights make every path through the cell count.

# %%
from lstm_course.gradcheck import numerical_gradient, relative_error, round_off_floor

B, T, D, H = 2, 6, 3, 4
x = rng.normal(size=(B, T, D))
base = init_lstm_params(D, H, seed=2)
params = LSTMParams(base.W + rng.normal(scale=0.3, size=base.W.shape), base.b + rng.normal(scale=0.3, size=base.b.shape))
h0, c0 = rng.normal(size=(B, H)), rng.normal(size=(B, H))
weights_out = rng.normal(size=(B, T, H))  # L = Σ weights_out ⊙ h_seq + Σ u_h ⊙ h_T + Σ u_c ⊙ C_T
u_h, u_c = rng.normal(size=(B, H)), rng.normal(size=(B, H))


def loss():
    h_seq, (h_T, c_T) = lstm_forward(x, params, h0, c0)
    return float(np.sum(weights_out * h_seq) + np.sum(u_h * h_T) + np.sum(u_c * c_T))


h_seq, (h_T, c_T) = lstm_forward(x, params, h0, c0)
loss_scale = np.sum(np.abs(weights_out * h_seq)) + np.sum(np.abs(u_h * h_T)) + np.sum(np.abs(u_c * c_T))
floor = round_off_floor(loss_scale)  # S = the size of the terms the loss adds up
analytic = lstm_backward(x, params, weights_out, h0=h0, c0=c0, dh_T=u_h, dc_T=u_c, full=True)
numeric_W = numerical_gradient(loss, params.W)
numeric_b = numerical_gradient(loss, params.b)
errors = {}
for k, gate in enumerate(["f", "i", "C~", "o"]):
    rows = slice(k * H, (k + 1) * H)
    errors[f"W_{gate}"] = relative_error(analytic.grads.W[rows], numeric_W[rows], floor=floor)
    errors[f"b_{gate}"] = relative_error(analytic.grads.b[rows], numeric_b[rows], floor=floor)
errors["x"] = relative_error(analytic.dx, numerical_gradient(loss, x), floor=floor)
errors["h0"] = relative_error(analytic.dh0, numerical_gradient(loss, h0), floor=floor)
errors["c0"] = relative_error(analytic.dc0, numerical_gradient(loss, c0), floor=floor)

# %%
# NBVAL_IGNORE_OUTPUT
print(f"S = {loss_scale:.1f}, round-off floor {floor:.1e}")
for name, error in errors.items():
    print(f"{name:5s} relative error {error:.1e}")

# %%
assert max(errors.values()) <= 1e-7
print(f"all {len(errors)} blocks agree with finite differences (relative error <= 1e-7)")

# %% [markdown]
# ### Exercise 2 — find the planted bug
#
# `bptt.buggy_lstm_backward(x, params, dh_seq)` returns `(dx, grads)` like `lstm_backward`,
# for zero initial states and no final-state gradients — but one gate's weight gradient was
# derived with a slip. Find which block ('f', 'i', 'c' or 'o') is wrong: finite-difference the
# matching loss, $L = \sum_t \text{weights\_out}_t \odot h_t$ with `h0 = c0 = None`, with
# respect to `params.W`, and compare block by block. (Not `numeric_W` from above: that loss
# had non-zero initial states and final-state terms.)

# %%
_, buggy_grads = bptt.buggy_lstm_backward(x, params, weights_out)
# BEGIN SOLUTION
# the buggy function sees no final-state gradients, so compare against a matching numeric W
def loss_outputs_only():
    return float(np.sum(weights_out * lstm_forward(x, params, h0=None, c0=None)[0]))


numeric_plain = numerical_gradient(loss_outputs_only, params.W)
block_errors = {gate: relative_error(buggy_grads.W[k * H:(k + 1) * H], numeric_plain[k * H:(k + 1) * H])
                for k, gate in enumerate("fico")}
suspect = max(block_errors, key=block_errors.get)
# END SOLUTION

# %%
bptt.check_planted_bug(suspect)

# %% [markdown]
# ## Cross-check with TensorFlow
#
# Finite differences prove the maths; TensorFlow's automatic differentiation, on a
# `keras.layers.LSTM` holding the same weights (converted with `params_to_keras`), proves we
# match the framework. In float32 we ask for agreement within $10^{-5}$.

# %%
import keras
import tensorflow as tf

from lstm_course.numpy_lstm import params_to_keras

x32, up32 = x.astype("float32"), weights_out.astype("float32")
params32 = LSTMParams(params.W.astype("float32"), params.b.astype("float32"))
layer = keras.layers.LSTM(H, return_sequences=True)
layer.build((None, T, D))
layer.set_weights(params_to_keras(params32))
x_tf = tf.constant(x32)
with tf.GradientTape() as tape:
    tape.watch(x_tf)
    tf_loss = tf.reduce_sum(layer(x_tf) * up32)
tf_grads = tape.gradient(tf_loss, [x_tf, *layer.trainable_weights])
dx_np, grads_np = lstm_backward(x32, params32, up32)
tape_diffs = {name: float(np.abs(mine - theirs.numpy()).max())
              for name, mine, theirs in zip(["x", "kernel", "recurrent_kernel", "bias"],
                                            [dx_np, *params_to_keras(grads_np)], tf_grads, strict=True)}

# %%
# NBVAL_IGNORE_OUTPUT
for name, diff in tape_diffs.items():
    print(f"max |numpy - GradientTape|  d{name:17s} {diff:.1e}")

# %%
assert max(tape_diffs.values()) <= 1e-5
print("NumPy BPTT == tf.GradientTape within 1e-5 (float32) for dx, kernel, recurrent_kernel, bias")

# %% [markdown]
# ## Training the NumPy LSTM
#
# Now the gradients earn their keep. **Task:** next-step prediction of a noisy signal made of
# two sine waves (periods 25 and 9 steps) plus Gaussian noise of standard deviation 0.1. At
# every step the model sees the signal so far and predicts the next value. Because the
# noise is unpredictable, no model can get below an MSE of $0.1^2 = 0.01$ — the *noise floor*.
# The baseline is **persistence**: predict that the next value equals the current one.
#
# The series is split in time: the first 70% trains, the last 30% tests. Test windows are
# scored from their 11th step on: in the first few steps the model has not yet seen enough
# of the waves to know where it is, which says nothing about what it has learned.

# %%
from lstm_course.windows import chronological_split, make_windows

steps = np.arange(4000)
signal = np.sin(2 * np.pi * steps / 25) + 0.5 * np.sin(2 * np.pi * steps / 9 + 1.0)
series = signal + 0.1 * np.random.default_rng(42).normal(size=steps.size)
train_series, _, test_series = chronological_split(series, (0.7, 0.0, 0.3))
T_train = 50
# windows of T+1 values: inputs are the first T, targets the same values shifted by one step
train_windows, _ = make_windows(train_series, window=T_train + 1, horizon=1, stride=5)
test_windows, _ = make_windows(test_series, window=T_train + 1, horizon=1, stride=T_train)
x_train, y_train = train_windows[:, :-1], train_windows[:, 1:]
x_test, y_test = test_windows[:, :-1], test_windows[:, 1:]
warmup = 10  # steps of context before a prediction is scored


def test_mse(y_hat):
    """MSE on the test windows after the warm-up steps. y_hat: (B, T, 1)."""
    return float(np.mean((y_hat[:, warmup:] - y_test[:, warmup:]) ** 2))


persistence_mse = test_mse(x_test)  # persistence: the next value equals the current one
print(f"train {x_train.shape}, test {x_test.shape}  (sequences, steps, features)")
print(f"test MSE: persistence {persistence_mse:.4f}, noise floor 0.0100")

# %% [markdown]
# The model: the NumPy LSTM with 16 units, then a linear read-out $\hat{y}_t = h_t V + b_{\text{out}}$,
# trained on the mean squared error over all steps. The read-out's gradients are two lines;
# its gradient with respect to $h_t$ is the $\delta h_t$ that starts BPTT.

# %%
def predict(model, x):
    """model: dict with lstm (LSTMParams), V (H, 1), b_out (1,). x (B, T, 1) -> y_hat (B, T, 1)."""
    h_seq, _ = lstm_forward(x, model["lstm"])
    return h_seq @ model["V"] + model["b_out"]


def loss_and_grads(model, x, y):
    """MSE over every step, and its gradient for each array of the model (same keys)."""
    h_seq, _, cache = lstm_forward(x, model["lstm"], return_cache=True)
    error = h_seq @ model["V"] + model["b_out"] - y  # (B, T, 1)
    d_y_hat = 2.0 * error / error.size
    dh_seq = d_y_hat @ model["V"].T  # (B, T, H): where BPTT starts
    _, lstm_grads = lstm_backward(x, model["lstm"], dh_seq, cache=cache)
    grads = {"lstm": lstm_grads,
             "V": h_seq.reshape(-1, h_seq.shape[-1]).T @ d_y_hat.reshape(-1, 1),
             "b_out": d_y_hat.sum(axis=(0, 1))}
    return float(np.mean(error**2)), grads


# %% [markdown]
# ### Exercise 3 — gradient clipping by global norm
#
# An occasional huge gradient (notebook 03 shows where they come from) can throw training
# off in one step. **Clipping by global norm** rescales *all* gradient arrays by one factor
# when their combined norm $\sqrt{\sum_k \|g_k\|^2}$ exceeds `max_norm`, keeping the
# direction of the update. Write it; return new arrays, leave the inputs alone.

# %%
def clip_by_global_norm(grads, max_norm):
    """grads: list of arrays -> list of arrays with global norm at most max_norm."""
    # BEGIN SOLUTION
    total = np.sqrt(sum(float(np.sum(g**2)) for g in grads))
    scale = min(1.0, max_norm / (total + 1e-12))
    return [g * scale for g in grads]
    # END SOLUTION


# %%
bptt.check_clip_by_global_norm(clip_by_global_norm)

# %% [markdown]
# **Adam** keeps a running mean $m$ and mean square $v$ of each gradient and steps by
# $\text{lr} \cdot \hat{m} / (\sqrt{\hat{v}} + \epsilon)$, where the hats undo the bias of
# starting from zero. Ten lines. (Keras adds $\epsilon$ to $\sqrt{v}$ before the bias
# correction rather than after; with $\epsilon = 10^{-7}$ the difference is invisible here.)

# %%
def flatten(model):
    """The model's arrays in a fixed order: W, b of the LSTM, then V, b_out."""
    return [model["lstm"].W, model["lstm"].b, model["V"], model["b_out"]]


class Adam:
    def __init__(self, arrays, lr=1e-2, beta1=0.9, beta2=0.999, eps=1e-7):
        self.lr, self.beta1, self.beta2, self.eps, self.t = lr, beta1, beta2, eps, 0
        self.m = [np.zeros_like(a) for a in arrays]
        self.v = [np.zeros_like(a) for a in arrays]

    def step(self, arrays, grads):
        """Update each array in place with its gradient."""
        self.t += 1
        for a, g, m, v in zip(arrays, grads, self.m, self.v, strict=True):
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g**2 - v)
            m_hat, v_hat = m / (1 - self.beta1**self.t), v / (1 - self.beta2**self.t)
            a -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


# %%
H_model, batch_size, epochs = 16, 32, 12
init = init_lstm_params(1, H_model, seed=7)
initial_readout = np.random.default_rng(7).normal(scale=0.3, size=(H_model, 1))
model = {"lstm": LSTMParams(init.W.copy(), init.b.copy()), "V": initial_readout.copy(), "b_out": np.zeros(1)}
optimizer = Adam(flatten(model), lr=1e-2)
order = np.random.default_rng(0)
batches = [perm[k:k + batch_size] for perm in (order.permutation(len(x_train)) for _ in range(epochs))
           for k in range(0, len(x_train), batch_size)]
numpy_curve = []
for indices in batches:
    batch_loss, grads = loss_and_grads(model, x_train[indices], y_train[indices])
    clipped = clip_by_global_norm(flatten(grads), max_norm=1.0)
    optimizer.step(flatten(model), clipped)
    numpy_curve.append(batch_loss)
numpy_test_mse = test_mse(predict(model, x_test))
print(f"{len(batches)} Adam steps of batch {batch_size}")

# %% [markdown]
# The same architecture in Keras, starting from **the same weights**, trained on **the same
# batches in the same order** with Keras's Adam and `global_clipnorm=1.0`. If our gradients
# are right, the two loss curves should lie on top of each other.

# %%
keras_model = keras.Sequential([keras.Input((None, 1)),
                                keras.layers.LSTM(H_model, return_sequences=True),
                                keras.layers.Dense(1)])
keras_model.layers[0].set_weights(params_to_keras(init))
keras_model.layers[1].set_weights([initial_readout, np.zeros(1)])
keras_model.compile(optimizer=keras.optimizers.Adam(1e-2, global_clipnorm=1.0), loss="mse")
keras_curve = [float(keras_model.train_on_batch(x_train[idx], y_train[idx])) for idx in batches]
keras_test_mse = test_mse(keras_model.predict(x_test, verbose=0))

# %%
import matplotlib.pyplot as plt


def smooth(values, k=10):
    return np.convolve(values, np.ones(k) / k, mode="valid")


fig, ax = plt.subplots(figsize=(8, 3.2))
ax.plot(smooth(numpy_curve), label="NumPy LSTM (our BPTT + our Adam)")
ax.plot(smooth(keras_curve), "--", label="Keras LSTM, same start, same batches")
ax.axhline(persistence_mse, color="grey", ls=":", label="persistence (test)")
ax.axhline(0.01, color="black", lw=0.8, label="noise floor")
ax.set_yscale("log")
ax.set_xlabel("Adam step")
ax.set_ylabel("training MSE (smoothed)")
ax.legend(fontsize=8)
plt.show()

# %%
# NBVAL_IGNORE_OUTPUT
print(f"test MSE   NumPy LSTM {numpy_test_mse:.4f}   Keras LSTM {keras_test_mse:.4f}   "
      f"persistence {persistence_mse:.4f}   noise floor 0.0100")
print(f"final training loss (mean of last 20 steps): NumPy {np.mean(numpy_curve[-20:]):.4f}, "
      f"Keras {np.mean(keras_curve[-20:]):.4f}")

# %%
assert numpy_test_mse < 0.3 * persistence_mse, "the NumPy LSTM must clearly beat persistence"
assert numpy_test_mse < 0.03, "and come near the noise floor of 0.01"
assert 0.67 < numpy_test_mse / keras_test_mse < 1.5, "NumPy and Keras training should be comparable"
print("the NumPy LSTM beats persistence more than 3x over and trains like Keras")

# %% [markdown]
# Both learn the same thing at the same pace: the curves coincide for the first steps and
# stay together, because the gradients are the same. They drift apart slowly — Keras
# computes in float32 and we in float64, and tiny differences compound over hundreds of
# updates.
#
# ## How fast is hand-written NumPy?
#
# Finally, speed: forward plus backward of our NumPy LSTM against a compiled
# (`tf.function`) forward-plus-gradient of `keras.layers.LSTM` on the same shapes, in float32,
# on this machine's CPU. `python -m lstm_course.bench` runs the same comparison from a shell.

# %%
# NBVAL_IGNORE_OUTPUT
from lstm_course.bench import compare

timings = [compare(64, 100, 32, 128, repeats=3), compare(64, 100, 64, 256, repeats=3)]
for timing in timings:
    print(timing)

# %%
# A guard against a pathological slowdown, not the claim: the ratio depends on the machine
# and on what else it is running (see the README for figures on the reference CPU).
assert all(0 < t.ratio < 30 for t in timings)

# %% [markdown]
# The ratio is NumPy's time over TensorFlow's: below 1, NumPy is faster. The README gives
# the figures measured on the course's 2-core reference CPU. At the larger shape the matrix
# products dominate and the per-step overhead of Python matters less, so NumPy gains ground
# — on a CPU, TensorFlow's LSTM has no special kernel, and both end up in similar BLAS-class
# matrix products. What makes the NumPy version fast:
#
# - **one fused matrix product per step** for all four gates, `[h, x] · Wᵀ`, instead of eight
#   small ones;
# - **the input half of every step in one product before the loop** — only $h_{t-1} W_h^\top$
#   is truly sequential;
# - **one `tanh` for all four gates** (σ(z) = (1 + tanh(z/2))/2, with the halving folded into
#   the weights), **time-major preallocated buffers** so each step's slice is contiguous, and
#   in-place operations;
# - in the backward pass, **every factor that does not depend on the flowing gradient**
#   (σ′, tanh′, …) is computed for all steps at once, and $\delta W$, $\delta x$ are one large
#   product each after the loop.
#
# What bounds it: each step still pays Python's and NumPy's per-call overhead (a few µs for
# each of ~15 operations) on small (B, H) arrays, and the matrix products run at the BLAS
# library's speed — the same BLAS-class kernels TensorFlow uses. TensorFlow fuses the step's
# elementwise work into fewer kernels; on a GPU, cuDNN fuses the whole recurrence.
#
# ## Summary
#
# - BPTT is the chain rule applied to the six equations in reverse, accumulating weight
#   gradients over time.
# - The cell path multiplies the gradient only by $f_t$: this is why LSTMs remember.
# - Finite differences in float64 verify every block and localise a bug: relative error with
#   a floor for round-off, below $10^{-7}$ when right, $10^{-3}$ or more when wrong.
# - Our NumPy LSTM, with Adam and clipping, trains step for step like Keras.
#
# **Next:** notebook 03 measures gradients through time in a vanilla RNN and an LSTM — the
# vanishing gradient problem — and runs the classic long-time-lag experiments.
