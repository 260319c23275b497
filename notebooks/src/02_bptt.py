# %% [markdown]
# # 02 · Backpropagation through time, by hand
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/lstm-course/lstm-course/blob/main/notebooks/02_bptt.ipynb)
#
# **What you will learn**
# - how the loss gradient flows backwards through the six LSTM equations, one at a time;
# - the BPTT time loop itself: $\delta h$ and $\delta C$ carried from step to step, the
#   weight gradients summed over time — and the same loop for the vanilla RNN, written by you;
# - why the cell path $\delta C_{t-1} = \delta C_t \odot f_t + \dots$ is the heart of the LSTM;
# - how to prove a backward pass correct with finite differences — and find a bug with them;
# - how to train the NumPy LSTM with Adam and gradient clipping, and that it learns like Keras;
# - what makes hand-written NumPy fast, and how it compares with TensorFlow on your machine.
#
# **Prerequisites:** notebook 01 (the forward pass, `LSTMParams`); the chain rule.
#
# **Time:** about 75 minutes to study; under a minute to run.

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
# Many texts, and our code, call the candidate $g_t = \tilde{C}_t$ ("g" for the tanh
# *gate*): one letter, like the other three.
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
# **3. Cell update, from $C_t = f_t \odot C_{t-1} + i_t \odot g_t$:**
# $\quad \delta f_t = \delta C_t \odot C_{t-1}$, $\;\delta i_t = \delta C_t \odot g_t$,
# $\;\delta g_t = \delta C_t \odot i_t$, and what flows on to step $t-1$ along the cell:
# $$\boxed{\delta C_{t-1}^{\text{next}} = \delta C_t \odot f_t}$$
#
# **4. Through the activations** ($\sigma' = \sigma(1 - \sigma)$, $\tanh' = 1 - \tanh^2$):
# $\quad \delta z_f = \delta f_t \odot f_t(1 - f_t)$, $\;\delta z_i = \delta i_t \odot i_t(1 - i_t)$,
# $\;\delta z_C = \delta g_t \odot (1 - g_t^2)$, $\;\delta z_o = \delta o_t \odot o_t(1 - o_t)$.
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
# derivative. Along this path, $\delta C_t$ reaches $C_{t-k}$ multiplied by $\prod f$ over
# the $k$ steps in between; with forget gates near 1 that product stays near 1 for many
# steps. In a vanilla RNN the only path multiplies by $W_{hh}^\top \operatorname{diag}(1 -
# h^2)$ at every step, and shrinks or explodes geometrically. Notebook 03 measures both.

# %%
import numpy as np

from lstm_course.exercises import bptt  # the checks of this notebook's exercises
from lstm_course.exercises.registry import solved

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ### Exercise 02.1 — the forget gate's pre-activation gradient · ★ · 1 point
#
# Write `d_forget_preactivation(dc, c_prev, f)`: given $\delta C_t$ (`dc`), $C_{t-1}$
# (`c_prev`) and $f_t$ (`f`), all arrays of shape (B, H), return $\delta z_f$, shape (B, H).
# Use steps 3 and 4 above.

# %%
def d_forget_preactivation(dc, c_prev, f):
    """δz_f from δC_t, C_{t-1} and f_t, all (B, H) -> (B, H)."""
    # BEGIN SOLUTION
    return dc * c_prev * f * (1.0 - f)
    # END SOLUTION


# %%
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
    f, i, g, o, c = step["f"], step["i"], step["c_tilde"], step["o"], step["c"]  # g = C~
    tanh_c = np.tanh(c)
    do = dh * tanh_c  # 2. h = o * tanh(C)
    dc = dc_next + dh * o * (1.0 - tanh_c**2)
    df, di, dg = dc * step["c_prev"], dc * g, dc * i  # 3. C = f * C_prev + i * g
    dc_prev = dc * f
    dz = np.concatenate([df * f * (1 - f), di * i * (1 - i),  # 4. through σ and tanh
                         dg * (1 - g**2), do * o * (1 - o)], axis=1)  # (B, 4H)
    hx = np.concatenate([step["h_prev"], step["x"]], axis=1)  # (B, H + D)
    d_hx = dz @ W  # 5. into [h_{t-1}, x_t]
    hidden = dh.shape[1]
    return dz.T @ hx, dz.sum(axis=0), d_hx[:, hidden:], d_hx[:, :hidden], dc_prev


# %% [markdown]
# ## The time loop
#
# Backpropagation *through time* is this step run from $t = T$ down to $1$. Two gradients
# travel backwards from step to step: $\delta h^{\text{next}}$, which step $t+1$ sent through
# its gates' recurrent weights, and $\delta C^{\text{next}}$, which it sent along the cell
# path. At each step the output's own gradient joins $\delta h^{\text{next}}$ (equation 1),
# and the step's weight gradients are added to the running totals. The forward pass runs
# first and keeps every step's gates and states (notebook 01's `return_cache=True`), because
# the backward pass needs them all.

# %%
from lstm_course.numpy_lstm import LSTMParams, init_lstm_params, lstm_backward, lstm_forward


def lstm_bptt(x, params, dh_seq, h0=None, c0=None, dh_T=None, dc_T=None):
    """Backpropagation through time: the loop that carries δh and δC backwards.

    x (B, T, D); params: LSTMParams with W (4H, H + D), b (4H,); dh_seq (B, T, H): the loss's
    direct gradient on each output h_t; h0, c0 (B, H): the initial states (None: zeros);
    dh_T, dc_T (B, H): extra gradients reaching the final states (None: zeros).
    Returns dx (B, T, D), LSTMParams(dW, db), dh0 (B, H), dc0 (B, H).
    """
    B, T, _ = x.shape
    H = params.b.shape[0] // 4
    h0 = np.zeros((B, H)) if h0 is None else h0
    c0 = np.zeros((B, H)) if c0 is None else c0
    _, _, cache = lstm_forward(x, params, h0, c0, return_cache=True)  # every step's values
    dW, db, dx = np.zeros_like(params.W), np.zeros_like(params.b), np.zeros_like(x)
    dh_next = np.zeros((B, H)) if dh_T is None else dh_T  # what arrives from after the end
    dc_next = np.zeros((B, H)) if dc_T is None else dc_T
    for t in reversed(range(T)):  # t = T-1, ..., 1, 0
        step = dict(x=x[:, t], f=cache.f[:, t], i=cache.i[:, t], c_tilde=cache.c_tilde[:, t],
                    o=cache.o[:, t], c=cache.c[:, t],
                    h_prev=h0 if t == 0 else cache.h[:, t - 1],
                    c_prev=c0 if t == 0 else cache.c[:, t - 1])
        dh = dh_seq[:, t] + dh_next  # 1. from the output at t, and from step t+1
        dW_t, db_t, dx[:, t], dh_next, dc_next = lstm_step_backward(dh, dc_next, step, params.W)
        dW += dW_t  # the same weights at every step: their gradients add up
        db += db_t
    return dx, LSTMParams(dW, db), dh_next, dc_next  # after step 0: the gradients of h0, c0


# %% [markdown]
# The package's `lstm_backward` computes the same thing, rearranged for speed (the end of
# this notebook says how). As notebook 01 did for the forward pass, we check the package
# against the loop we just wrote — with random initial states and final-state gradients, so
# every input of the loop counts. They must agree up to float64 round-off:

# %%
rng = np.random.default_rng(0)
B, T, D, H = 3, 7, 2, 4
params = init_lstm_params(D, H, seed=1)
x = rng.normal(size=(B, T, D))
dh_seq = rng.normal(size=(B, T, H))
h0, c0 = rng.normal(size=(B, H)), rng.normal(size=(B, H))
dh_T, dc_T = rng.normal(size=(B, H)), rng.normal(size=(B, H))
dx, grads, dh0, dc0 = lstm_bptt(x, params, dh_seq, h0, c0, dh_T, dc_T)
package = lstm_backward(x, params, dh_seq, h0=h0, c0=c0, dh_T=dh_T, dc_T=dc_T, full=True)
for label, mine, theirs in [("dx", dx, package.dx), ("dW", grads.W, package.grads.W),
                            ("db", grads.b, package.grads.b), ("dh0", dh0, package.dh0),
                            ("dc0", dc0, package.dc0)]:
    assert np.allclose(mine, theirs, rtol=0, atol=1e-12), label
print(f"lstm_backward == the loop above for dx, dW, db, dh0, dc0 (B={B}, T={T}, D={D}, H={H})")

# %% [markdown]
# The unrolled graph shows the two streams the loop carries. $\delta C$ runs back along the
# top, multiplied by $f$ at each step; $\delta h$ runs back along the bottom, through the
# gates' recurrent weights $W_h$ and the derivatives of σ and tanh. At every step the two
# streams exchange: $\delta h_t$ feeds $\delta C_t$ (equation 2), and $\delta C_t$ feeds
# the gates and so $\delta h_{t-1}$ (equations 3–5). Each output adds its own $\delta h$.

# %%
from lstm_course import plots

plots.unrolled_diagram(steps=4, gradients=True,
                       title="BPTT: δC along the cell path, δh through the gates")

# %% [markdown]
# ### Exercise 02.2 — BPTT for the vanilla RNN · ★★★ · 5 points
#
# Notebook 03 measures how gradients fade in a vanilla RNN, whose one equation is
# $h_t = \tanh(z_t)$ with $z_t = W \cdot [h_{t-1}, x_t] + b$, $W$ of shape (H, H + D).
# Its backward pass is yours to write, as a time loop like `lstm_bptt`: derive the step
# (one path only: $\delta h$), then loop backwards, carrying $\delta h$ from step to step
# and summing the weight gradients.
#
# Write `rnn_bptt(x, params, dh_seq, h0)`:
# - inputs: `x` (B, T, D); `params` an `RNNParams` with `W` (H, H + D) and `b` (H,);
#   `dh_seq` (B, T, H), the loss's direct gradient on each output $h_t$; `h0` (B, H), the
#   initial state;
# - returns the tuple `(dx, dW, db, dh0)` of arrays shaped (B, T, D), (H, H + D), (H,), (B, H).
#
# You may run the forward pass with `rnn_forward(x, params, h0)`, which returns
# `(h_seq, h_T)` with `h_seq` of shape (B, T, H). The check compares your loop with the
# package's `rnn_backward` on random sizes, weights and initial states.

# %%
from lstm_course.numpy_lstm import rnn_forward


def rnn_bptt(x, params, dh_seq, h0):
    """BPTT for h_t = tanh(W·[h_{t-1}, x_t] + b).

    x (B, T, D), params RNNParams(W (H, H + D), b (H,)), dh_seq (B, T, H), h0 (B, H)
    -> dx (B, T, D), dW (H, H + D), db (H,), dh0 (B, H).
    """
    # BEGIN SOLUTION
    W, b = params
    B, T, D = x.shape
    H = W.shape[0]
    h_seq, _ = rnn_forward(x, params, h0)
    dx, dW, db = np.zeros_like(x), np.zeros_like(W), np.zeros_like(b)
    dh_next = np.zeros((B, H))  # nothing arrives from after the last step
    for t in reversed(range(T)):
        h_prev = h0 if t == 0 else h_seq[:, t - 1]
        dh = dh_seq[:, t] + dh_next  # from the output at t, and from step t+1
        dz = dh * (1.0 - h_seq[:, t] ** 2)  # through tanh: tanh'(z_t) = 1 - h_t²
        dW += dz.T @ np.concatenate([h_prev, x[:, t]], axis=1)  # summed over steps
        db += dz.sum(axis=0)
        d_hx = dz @ W  # into [h_{t-1}, x_t]
        dx[:, t] = d_hx[:, H:]
        dh_next = d_hx[:, :H]
    return dx, dW, db, dh_next
    # END SOLUTION


# %%
bptt.check_rnn_bptt(rnn_bptt)

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
# correct backward pass scores far below $10^{-7}$. But a block whose gradients are tiny
# next to $S$ can score above $10^{-7}$ from round-off alone: "above $10^{-7}$ means a bug"
# is false for it. The **round-off floor**, `round_off_floor(S)`, is the gradient size at
# which round-off alone would score $10^{-7}$, times a safety factor of 10; entries smaller
# than that are judged against the floor instead of their own size. Then the rule of thumb
# holds: a correct gradient scores below $10^{-7}$; a bug changes a gradient by about its
# own size and scores $10^{-3}$ or, usually, close to 1 — round-off never does. We check
# **every block** of our loop's gradients — each gate's weights and biases, the inputs, and
# both initial states — on a small LSTM.
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
params = LSTMParams(base.W + rng.normal(scale=0.3, size=base.W.shape),
                    base.b + rng.normal(scale=0.3, size=base.b.shape))
h0, c0 = rng.normal(size=(B, H)), rng.normal(size=(B, H))
weights_out = rng.normal(size=(B, T, H))  # L = Σ weights_out ⊙ h_seq + Σ u_h ⊙ h_T + Σ u_c ⊙ C_T
u_h, u_c = rng.normal(size=(B, H)), rng.normal(size=(B, H))


def loss():
    h_seq, (h_T, c_T) = lstm_forward(x, params, h0, c0)
    return float(np.sum(weights_out * h_seq) + np.sum(u_h * h_T) + np.sum(u_c * c_T))


h_seq, (h_T, c_T) = lstm_forward(x, params, h0, c0)
loss_scale = np.sum(np.abs(weights_out * h_seq)) + np.sum(np.abs(u_h * h_T)) + np.sum(np.abs(u_c * c_T))
floor = round_off_floor(loss_scale)  # S = the size of the terms the loss adds up
dx, grads, dh0, dc0 = lstm_bptt(x, params, weights_out, h0, c0, dh_T=u_h, dc_T=u_c)  # our loop
numeric_W = numerical_gradient(loss, params.W)
numeric_b = numerical_gradient(loss, params.b)
errors = {}
for k, gate in enumerate(["f", "i", "C~", "o"]):
    rows = slice(k * H, (k + 1) * H)
    errors[f"W_{gate}"] = relative_error(grads.W[rows], numeric_W[rows], floor=floor)
    errors[f"b_{gate}"] = relative_error(grads.b[rows], numeric_b[rows], floor=floor)
errors["x"] = relative_error(dx, numerical_gradient(loss, x), floor=floor)
errors["h0"] = relative_error(dh0, numerical_gradient(loss, h0), floor=floor)
errors["c0"] = relative_error(dc0, numerical_gradient(loss, c0), floor=floor)

# %%
# NBVAL_IGNORE_OUTPUT
print(f"S = {loss_scale:.1f}, round-off floor {floor:.1e}")
for name, error in errors.items():
    print(f"{name:5s} relative error {error:.1e}")

# %%
assert max(errors.values()) <= 1e-7
print(f"all {len(errors)} blocks of lstm_bptt agree with finite differences (relative error <= 1e-7)")

# %% [markdown]
# ### Exercise 02.3 — find the planted bug by gradient checking · ★★ · 3 points
#
# A gradient check also says *where* a derivation went wrong. Write
# `find_bug(backward, x, params, dh_seq)`:
# - `backward(x, params, dh_seq)` returns `(dx, grads)` like `lstm_backward`, for zero
#   initial states and no final-state gradients — but one of the four gate blocks of
#   `grads.W` was derived with a slip;
# - return the pair `(errors, suspect)`: `errors`, an array of 4 relative errors, one per
#   gate block of $\delta W$ (rows `k*H:(k+1)*H` for k = 0, 1, 2, 3: f, i, C̃, o), between
#   `backward`'s $\delta W$ and a finite-difference gradient of the loss it differentiates,
#   $L = \sum_t \text{dh\_seq}_t \odot h_t$ with `h0 = c0 = None`, with respect to
#   `params.W`; and `suspect`, the index (an int, 0–3) of the block that disagrees.
#
# Use `numerical_gradient` (it perturbs `params.W` in place, so your loss must read
# `params.W`) and `relative_error`. Each time the check runs it plants the slip in a
# random block, on random sizes: the answer can only be measured.

# %%
def find_bug(backward, x, params, dh_seq):
    """backward(x, params, dh_seq) -> (dx, grads). Returns errors (4,), one per gate block of
    dW (f, i, C~, o), and the index of the block that disagrees."""
    # BEGIN SOLUTION
    _, grads = backward(x, params, dh_seq)

    def loss_outputs_only():  # the loss backward differentiates: zero initial states
        return float(np.sum(dh_seq * lstm_forward(x, params)[0]))

    numeric = numerical_gradient(loss_outputs_only, params.W)
    H = params.b.shape[0] // 4
    errors = np.array([relative_error(grads.W[k * H:(k + 1) * H], numeric[k * H:(k + 1) * H])
                       for k in range(4)])
    return errors, int(np.argmax(errors))
    # END SOLUTION


# %%
bptt.check_find_the_bug(find_bug)

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
# its gradient with respect to $h_t$ is the $\delta h_t$ that starts BPTT. (From here on we
# call the package's `lstm_backward`: the same result as `lstm_bptt`, faster.)

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
# ### Exercise 02.4 — gradient clipping by global norm · ★★ · 2 points
#
# An occasional huge gradient (notebook 03 shows where they come from) can throw training
# off in one step. **Clipping by global norm** rescales *all* gradient arrays by one factor
# when their combined norm $\sqrt{\sum_k \|g_k\|^2}$ exceeds `max_norm`, keeping the
# direction of the update.
#
# Write `clip_by_global_norm(grads, max_norm)`: `grads` is a list of arrays of any shapes,
# `max_norm` a positive number; return a new list of arrays (same shapes, same order), all
# scaled by one common factor so that their global norm is at most `max_norm`. Gradients
# whose global norm is already within `max_norm` come back unchanged; leave the input arrays
# alone. The check tries several arrays of random shapes, with `max_norm` below, above, far
# below and far above their norm.

# %%
def clip_by_global_norm(grads, max_norm):
    """grads: list of arrays -> list of arrays with global norm at most max_norm."""
    # BEGIN SOLUTION
    total = np.sqrt(sum(float(np.sum(g**2)) for g in grads))
    scale = min(1.0, max_norm / total) if total > 0 else 1.0
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


# %% [markdown]
# The training loop: 12 epochs, each a fresh shuffle of the training windows cut into
# batches of 32; for each batch, the loss and its gradients, clipped to a global norm of 1,
# then one Adam step. It uses your `clip_by_global_norm` once exercise 02.4 passes (until
# then, the package's).

# %%
clip = solved("02.4", bptt.reference_clip_by_global_norm)
H_model, batch_size, epochs = 16, 32, 12
init = init_lstm_params(1, H_model, seed=7)
initial_readout = np.random.default_rng(7).normal(scale=0.3, size=(H_model, 1))
model = {"lstm": LSTMParams(init.W.copy(), init.b.copy()), "V": initial_readout.copy(), "b_out": np.zeros(1)}
optimizer = Adam(flatten(model), lr=1e-2)

order = np.random.default_rng(0)
batches = []  # the windows of each step, in order: Keras will get the very same batches
for _epoch in range(epochs):
    shuffled = order.permutation(len(x_train))  # a new order every epoch
    for start in range(0, len(x_train), batch_size):
        batches.append(shuffled[start:start + batch_size])

numpy_curve = []
for indices in batches:
    batch_loss, grads = loss_and_grads(model, x_train[indices], y_train[indices])
    optimizer.step(flatten(model), clip(flatten(grads), 1.0))
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


def keras_step(indices):
    """One Adam step of the Keras model on these windows; returns this batch's loss."""
    keras_model.reset_metrics()  # else Keras 3.13 (Colab's) returns the mean of all calls so far
    return float(keras_model.train_on_batch(x_train[indices], y_train[indices]))


keras_curve = [keras_step(idx) for idx in batches]
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
ax.set_ylabel("training MSE, all 50 steps\n(mean of 10 batches)")
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
fig.tight_layout()
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
# **Why does the training loss sit above the test MSE?** Not because the test windows are
# easier. The training loss is the MSE over *all* 50 steps of each window, the first 10
# included, where the model has seen too little of the waves to know their phase; the
# test MSE skips those warm-up steps. (And it is recorded batch by batch while the weights
# still change.) Measured with the final weights, step by step:

# %%
# NBVAL_IGNORE_OUTPUT
train_error_by_step = np.mean((predict(model, x_train) - y_train) ** 2, axis=(0, 2))  # (T,)
warmup_mse, scored_mse = train_error_by_step[:warmup].mean(), train_error_by_step[warmup:].mean()
print(f"training windows, final weights: MSE over all {T_train} steps "
      f"{train_error_by_step.mean():.4f} = first {warmup} steps {warmup_mse:.4f} "
      f"and steps {warmup + 1}-{T_train} {scored_mse:.4f}")
print(f"test windows, steps {warmup + 1}-{T_train}: {numpy_test_mse:.4f}")

y_hat_test = predict(model, x_test)
fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
axes[0].semilogy(np.arange(1, T_train + 1), train_error_by_step, ".-", label="training windows")
axes[0].axvspan(0.5, warmup + 0.5, color="grey", alpha=0.15, label="warm-up (not scored)")
axes[0].axhline(0.01, color="black", lw=0.8, label="noise floor")
axes[0].set_xlabel("step in the window")
axes[0].set_ylabel("MSE at that step")
axes[0].set_title("Error by position in the window")
axes[0].legend(fontsize=8, loc="upper right")
window = 0
steps_in_window = np.arange(1, T_train + 1)
axes[1].plot(steps_in_window, y_test[window, :, 0], ".", color="black", ms=4, label="truth (next value)")
axes[1].plot(steps_in_window, y_hat_test[window, :, 0], label="NumPy LSTM")
axes[1].plot(steps_in_window, x_test[window, :, 0], ":", color="grey", label="persistence")
axes[1].axvspan(0.5, warmup + 0.5, color="grey", alpha=0.15)
axes[1].set_xlabel("step in the window")
axes[1].set_ylabel("value")
axes[1].set_title("First test window: predictions and truth")
axes[1].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
fig.tight_layout()
plt.show()

# %%
assert warmup_mse > 2 * scored_mse, "the warm-up steps should be the hard ones"
assert 0.67 < scored_mse / numpy_test_mse < 1.5, "after the warm-up, training and test agree"
print("the warm-up steps, which the test MSE skips, lift the training loss above the test MSE")

# %% [markdown]
# The left panel shows where the extra training error lives: the first steps of each
# window, before the model has seen enough of the signal; after them the error levels off
# near the test MSE. The right
# panel shows one test window: within a few steps the LSTM locks onto the two waves and
# tracks the truth to within the noise, while persistence lags one step behind.
#
# ## How fast is hand-written NumPy?
#
# Finally, speed: forward plus backward of our NumPy LSTM against a compiled
# (`tf.function`) forward-plus-gradient of `keras.layers.LSTM` on the same shapes, in
# float32, on this machine's CPU. `lstm_course.bench` times Keras in a process of its own in
# TensorFlow's **default configuration** (oneDNN's kernels on, one thread per core), and
# again on **one thread**, the number NumPy uses here. `python -m lstm_course.bench` runs
# the same comparison from a shell, with more repeats.

# %%
# NBVAL_IGNORE_OUTPUT
from lstm_course import bench

timings = bench.compare_shapes(bench.DEFAULT_SHAPES, repeats=3)
for timing in timings:
    print(timing)

# %%
# A guard against a pathological slowdown, not a claim: the ratios depend on the machine
# and on what else it is running.
assert all(t.numpy_s > 0 and t.keras_s > 0 for t in timings), "both implementations ran"
assert all(t.ratio < 10 for t in timings), "NumPy should stay within 10x of Keras"
print("both ran at both shapes; NumPy within 10x of Keras in its default configuration")

# %% [markdown]
# Read the ratios in your printout: NumPy's time over Keras's, so above 1 Keras is faster.
# The default configuration may use every core while NumPy uses one; the one-thread row
# compares like with like. The last column compares NumPy's rate of floating-point work in
# its matrix products with one large matrix product on one thread of the same machine — the
# most its BLAS can deliver per core. The gap between the two is the price of everything
# that is not one large product. What makes the NumPy version as fast as it is:
#
# - **one fused matrix product per step** for all four gates, `[h, x] · Wᵀ`, instead of one
#   per gate and per input;
# - **the input half of every step in one product before the loop** — only $h_{t-1} W_h^\top$
#   is truly sequential;
# - **one `tanh` for all four gates** (σ(z) = (1 + tanh(z/2))/2, with the halving folded into
#   the weights), **time-major preallocated buffers** so each step's slice is contiguous, and
#   in-place operations;
# - in the backward pass, **every factor that does not depend on the flowing gradient**
#   (σ′, tanh′, …) is computed for all steps at once, and $\delta W$, $\delta x$ are one large
#   product each after the loop — `lstm_bptt` above does all of this step by step instead.
#
# What bounds it: each step still pays Python's and NumPy's per-call overhead for each of
# its dozen or so operations, on small (B, H) arrays that keep the matrix products far from
# their peak rate. TensorFlow fuses the step's elementwise work into fewer kernels, and with
# oneDNN uses kernels tuned for this CPU; on a GPU, cuDNN fuses the whole recurrence.
#
# ## Summary
#
# - BPTT is the chain rule applied to the six equations in reverse: a loop from the last
#   step to the first that carries $\delta h$ and $\delta C$ backwards and sums the weight
#   gradients over time. The vanilla RNN's loop carries $\delta h$ alone.
# - The cell path multiplies the gradient only by $f_t$: this is why LSTMs remember.
# - Finite differences in float64 verify every block and localise a bug: relative error with
#   a floor for round-off, below $10^{-7}$ when right, $10^{-3}$ or more when wrong.
# - Our NumPy LSTM, with Adam and clipping, trains step for step like Keras; its training
#   loss includes the warm-up steps that the test MSE skips.
#
# **Next:** notebook 03 measures gradients through time in a vanilla RNN and an LSTM — the
# vanishing gradient problem — and runs the classic long-time-lag experiments.

# %% [markdown]
# ## Review questions
#
# 1. In `lstm_bptt`, which two gradients travel from step $t+1$ to step $t$, and through
#    which forward equations did each one come?
# 2. Why are $\delta W$ and $\delta b$ *summed* over the time steps, while $\delta x_t$ is
#    computed once for each step?
# 3. Along the cell path, what multiplies the gradient from $C_t$ back to $C_{t-1}$? What
#    multiplies it along a vanilla RNN's only path, and why does the difference matter for
#    long sequences?
# 4. Why does the backward pass need the forward pass's values of every step, and what does
#    that cost in memory for a sequence of length $T$?
# 5. A central finite difference with $\varepsilon = 10^{-6}$ is accurate to about
#    $10^{-10} S$ on every entry. Why can a correct gradient block still score a relative
#    error above $10^{-7}$, and what does the round-off floor do about it?
# 6. In exercise 02.3, what would the four block errors look like if your finite-difference
#    loss included initial states or final-state terms that `backward` did not see?
# 7. What does clipping by global norm preserve that clipping each array on its own does
#    not? When does it change nothing at all?
# 8. The NumPy and the Keras LSTM start from the same weights and see the same batches.
#    Why do their loss curves coincide at first and drift apart later?
# 9. Why does the training loss of this notebook's model sit above its test MSE, although
#    the model does not overfit?
