# %% [markdown]
# # 00 · Welcome to the LSTM course
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/lstm-course/lstm-course/blob/main/notebooks/00_welcome.ipynb)
#
# **What you will learn**
# - what the course covers and in which order (the course map below);
# - how to run every notebook in JupyterLab, in Google Colab, or with conda;
# - the six equations of the LSTM cell, what each gate is for, and the cell drawn as a diagram;
# - how the exercises and their self-checks work — by writing the sigmoid yourself;
# - where an LSTM's memory comes from: the share of each past step in today's cell state.
#
# **Prerequisites:** none beyond Python and NumPy; the chain rule from calculus helps later on.
#
# **Time:** about 20 minutes to study; under a minute to run on a laptop CPU.

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
# Every notebook starts with that cell. `lstm_course.setup()` seeds Python, NumPy and Keras,
# asks TensorFlow for deterministic kernels and silences its start-up chatter, so that the
# numbers you see are the numbers the course's tests check.
#
# ## How to run the course
#
# | where | how |
# |---|---|
# | **JupyterLab, your machine** | `make lab` in a checkout: it creates `.venv`, installs the pinned versions from `constraints.txt`, and opens JupyterLab on `notebooks/`. Only `python3` (3.10 or newer) is needed. |
# | **Google Colab** | click the badge at the top of any notebook. The first cell installs the package; Colab's own TensorFlow is kept. |
# | **conda** | `conda env create -f environment.yml`, `conda activate lstm-course`, then `jupyter lab notebooks/`. |
#
# Nothing needs a GPU or the internet: every dataset is a small, checksummed snapshot shipped
# with the package, and live sources (such as `yfinance`) are an option, not a requirement.
#
# ## Check your environment
#
# The versions below differ from machine to machine, so the tests do not compare this cell's
# output; the assertion after it checks what matters.

# %%
# NBVAL_IGNORE_OUTPUT
import os
import platform

import keras
import numpy as np
import tensorflow as tf

versions = {
    "python": platform.python_version(),
    "lstm_course": lstm_course.__version__,
    "numpy": np.__version__,
    "tensorflow": tf.__version__,
    "keras": keras.__version__,
}
for name, version in versions.items():
    print(f"{name:12s} {version}")
gpus = tf.config.list_physical_devices("GPU")
print(f"{'CPU cores':12s} {os.cpu_count()}")
print(f"{'GPUs':12s} {len(gpus)} (the course never needs one)")

# %%
assert int(keras.__version__.split(".")[0]) == 3, "the course is written for Keras 3"
assert sys.version_info >= (3, 10), "the course needs Python 3.10 or newer"

# %% [markdown]
# ## The course map
#
# Each notebook tells one story, trains on real or realistically generated data, compares
# with named baselines, and asserts its headline result — so you can trust the numbers.

# %%
from IPython.display import Markdown

from lstm_course.course import course_map_markdown

Markdown(course_map_markdown())

# %% [markdown]
# ## The data is on your disk already
#
# Datasets come through `lstm_course.data`, never through paths you type. Each snapshot is
# listed in a manifest with its SHA-256 hash, and is checked every time it is loaded: a file
# that was changed or corrupted raises an error that names it.

# %%
from lstm_course import data

for name, entry in data.load_manifest().items():
    print(f"{name:22s} {entry['bytes']:>9,} bytes  sha256 {entry['sha256'][:12]}…  {entry['license']}")
verified = data.verify_all()
print(f"{len(verified)} snapshot(s) verified")

# %% [markdown]
# ## The LSTM cell in six equations
#
# An LSTM reads a sequence $x_1, x_2, \dots$ one step at a time. It carries two vectors from
# step to step: the **cell state** $C_t$, a memory that is changed only by multiplying and
# adding, and the **hidden state** $h_t$, what the cell shows to the outside. At each step,
# every gate looks at the same thing — the previous hidden state stacked on the new input,
# $[h_{t-1}, x_t]$ — through its own weights $W$ and bias $b$:
#
# $$
# \begin{aligned}
# f_t &= \sigma\left(W_f \cdot [h_{t-1}, x_t] + b_f\right) && \text{forget gate}\\
# i_t &= \sigma\left(W_i \cdot [h_{t-1}, x_t] + b_i\right) && \text{input gate}\\
# \tilde{C}_t &= \tanh\left(W_C \cdot [h_{t-1}, x_t] + b_C\right) && \text{candidate values}\\
# C_t &= f_t \odot C_{t-1} + i_t \odot \tilde{C}_t && \text{new cell state}\\
# o_t &= \sigma\left(W_o \cdot [h_{t-1}, x_t] + b_o\right) && \text{output gate}\\
# h_t &= o_t \odot \tanh(C_t) && \text{new hidden state}
# \end{aligned}
# $$
#
# $\sigma$ is the logistic sigmoid and $\odot$ multiplies element by element. The same six
# equations as a picture: the memory $C$ runs along the top, changed only by $\times f_t$
# and $+\, i_t \odot \tilde{C}_t$; the four gate layers sit below it, all fed by
# $[h_{t-1}, x_t]$; on the right, $o_t \times \tanh(C_t)$ leaves as $h_t$.

# %%
from lstm_course import plots

plots.lstm_cell_diagram(title="One LSTM cell: the six equations")

# %% [markdown]
# - **Forget gate $f_t$.** A number between 0 and 1 for every memory cell: how much of the
#   old memory $C_{t-1}$ to keep. 1 keeps everything, 0 wipes it. This is the gate that lets
#   an LSTM remember across hundreds of steps: when $f_t \approx 1$ the memory, and the
#   gradient flowing back through it, pass unchanged (notebook 03 measures this).
# - **Input gate $i_t$.** Again between 0 and 1: how much of the new candidate to write into
#   memory. It lets the cell ignore inputs that do not matter.
# - **Candidate $\tilde{C}_t$.** What *could* be written, squashed by $\tanh$ into $(-1, 1)$
#   so it can push the memory up or down. It is a proposal; the input gate decides how much
#   of it lands.
# - **Cell state $C_t$.** The update itself: keep a fraction of the old memory, add a
#   fraction of the candidate. Only multiplication by gates and addition — no squashing —
#   which is why information (and gradient) can survive many steps.
# - **Output gate $o_t$.** Between 0 and 1: how much of the memory to reveal now. A cell
#   can hold a value for a long time and only show it when it becomes useful.
# - **Hidden state $h_t$.** The memory squashed into $(-1, 1)$ and filtered by the output
#   gate. It is the LSTM's output at step $t$ and feeds every gate at step $t+1$.
#
# Gates use $\sigma$ because they are *fractions*: a value in $(0, 1)$ that multiplies
# something. The candidate $\tilde{C}_t$, and the memory $C_t$ on its way out to $h_t$, pass
# through $\tanh$ because they carry *signed values*.

# %%
import matplotlib.pyplot as plt

z = np.linspace(-6, 6, 241)
fig, ax = plt.subplots(figsize=(7, 2.8))
ax.plot(z, 1 / (1 + np.exp(-z)), label="σ(z): the gates, a fraction in (0, 1)")
ax.plot(z, np.tanh(z), label="tanh(z): the candidate, and C_t on its way to h_t, in (−1, 1)")
ax.axhline(0, color="grey", lw=0.5)
ax.set_xlabel("pre-activation z")
ax.set_ylabel("activation")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
ax.set_title("The two squashing functions of the LSTM cell")
plt.show()

# %% [markdown]
# ## How exercises work
#
# Each exercise has a heading with its id, its difficulty (★ a few lines, ★★ some thought,
# ★★★ a substantial piece of code) and its points; a prompt; a code cell with your answer
# between `# BEGIN SOLUTION` and `# END SOLUTION`; and a check cell. The check computes
# the right answer itself on **fresh random inputs every time you run it** — other shapes,
# other values — so an answer has to be right in general, not for one example. It tells
# you specifically what is off, or confirms you got it. When a check fails, its message
# ends with a call such as `check_sigmoid(…, seed=123)`: pass that `seed=` to repeat exactly
# the inputs that failed while you debug.
#
# Cells further down that need an exercise's answer use yours once its check has passed,
# and the course's own answer (with a one-line note) until then, so the rest of a notebook
# always runs. (Instructors: `make student` writes copies of every notebook with the
# solutions removed.)

# %% [markdown]
# ### Exercise 00.1 — a sigmoid that never overflows · ★★ · 2 points
#
# Write `sigmoid(z)` for a NumPy array `z` of any shape; return an array of the same shape
# and leave `z` itself unchanged. The textbook form `1 / (1 + np.exp(-z))` overflows for
# large negative `z` (try `np.exp(1000)`). Use the fact that
# $\sigma(z) = \frac{e^{z}}{1 + e^{z}}$ as well, and only ever call `np.exp` on numbers ≤ 0.
# Careful: `np.where(cond, a, b)` computes *both* `a` and `b` for every element before
# choosing, so it does not protect `np.exp` from large arguments. σ(0) must be exactly 0.5.

# %%
def sigmoid(z):
    """Logistic sigmoid, elementwise. z: any shape -> same shape, values in (0, 1)."""
    # BEGIN SOLUTION
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # always ≤ 1: never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    # END SOLUTION


# %%
from lstm_course.exercises import welcome

welcome.check_sigmoid(sigmoid)

# %% [markdown]
# ### Exercise 00.2 — shapes in the course's notation · ★ · 1 point
#
# Take a batch of `B = 32` sequences, `D = 10` input features and `H = 64` units. With a
# batch, each example is a row, and the forget gate becomes $f_t = \sigma([h_{t-1}, x_t] \cdot
# W_f^\top + b_f)$ — the same numbers as $W_f \cdot [h_{t-1}, x_t]$, one row per example.
# Replace each `...` in the dict `shapes` by a shape, written as a tuple of ints: `"W_f"`
# (the forget gate's weights), `"b_f"` (its bias), `"concat"` (the stacked input
# $[h_{t-1}, x_t]$ for the whole batch), `"f_t"` and `"C_t"`.

# %%
# BEGIN SOLUTION
# STUB: shapes = {"W_f": ..., "b_f": ..., "concat": ..., "f_t": ..., "C_t": ...}
shapes = {"W_f": (64, 64 + 10), "b_f": (64,), "concat": (32, 64 + 10), "f_t": (32, 64), "C_t": (32, 64)}
# END SOLUTION

# %%
welcome.check_gate_shapes(shapes)

# %% [markdown]
# ## Where the memory comes from
#
# The cell state is built by one rule, $C_t = f_t \odot C_{t-1} + i_t \odot \tilde{C}_t$.
# Apply it twice, starting from $C_0$:
#
# $$
# C_2 = f_2 \odot \big(f_1 \odot C_0 + i_1 \odot \tilde{C}_1\big) + i_2 \odot \tilde{C}_2
#     = \underbrace{f_2 f_1 C_0}_{\text{left of } C_0}
#     + \underbrace{f_2\, i_1 \tilde{C}_1}_{\text{left of step 1's write}}
#     + \underbrace{i_2 \tilde{C}_2}_{\text{step 2's write}}
# $$
#
# (every product elementwise). So the memory at any step is a sum: what is left of the
# initial memory, plus what is left of every write $i_t \odot \tilde{C}_t$ since. The forget
# gates decide how much of each survives — and therefore how far back an LSTM remembers.

# %% [markdown]
# ### Exercise 00.3 — where the memory comes from · ★★★ · 4 points
#
# Write `memory_shares(f, i, c_tilde, c0)`. Its inputs are what a cell computed over $T$
# steps for $H$ units: `f`, `i` and `c_tilde`, each of shape (T, H), where row `t - 1` holds
# step $t$ (Python counts from 0, the equations from 1), and the initial memory `c0` (H,).
# Return `shares` of shape (T + 1, H): row 0 is what is left of $C_0$ in $C_T$, and row $t$
# is what is left of step $t$'s write. The rows must add up to $C_T$:
# `shares.sum(axis=0)` equals the last cell state. First write $C_3$ out by hand; then a loop
# that walks backwards through time, carrying a product, is one way; `np.cumprod` another.

# %%
def memory_shares(f, i, c_tilde, c0):
    """Each step's share of C_T. f, i, c_tilde: (T, H); c0: (H,) -> shares (T + 1, H)."""
    # BEGIN SOLUTION
    T, H = f.shape
    shares = np.empty((T + 1, H))
    kept = np.ones(H)  # the product of the forget gates after the step we are at
    for t in range(T - 1, -1, -1):  # from the last step back to the first
        shares[t + 1] = kept * i[t] * c_tilde[t]  # step t+1's write, shrunk by the later gates
        kept = kept * f[t]
    shares[0] = kept * c0  # C_0 passes through every forget gate
    return shares
    # END SOLUTION


# %%
welcome.check_memory_shares(memory_shares)

# %% [markdown]
# Now use it on two cells that see the same 40 candidate values, with input gates of 0.5.
# The first cell's forget gates hover around σ(0) = 0.5, the second's around σ(4): how
# much of each write is still in $C_{40}$? Dividing a step's share by its write
# $i_t \tilde{C}_t$ leaves the fraction that survived: the product of the later forget gates.

# %%
from lstm_course import numpy_lstm
from lstm_course.exercises.registry import solved

# your functions once their checks have passed; until then the course's own
sigmoid = solved("00.1", numpy_lstm.sigmoid)
memory_shares = solved("00.3", welcome.reference_memory_shares)

rng = np.random.default_rng(0)
T = 40
c_tilde = np.tanh(rng.normal(size=(T, 1)))  # what each step proposes to write
i = np.full((T, 1), 0.5)
c0 = np.zeros(1)
noise = rng.normal(scale=0.5, size=(T, 1))
cells = {"forget gates ≈ σ(0)": sigmoid(0.0 + noise), "forget gates ≈ σ(4)": sigmoid(4.0 + noise)}
survived = {}
for label, f in cells.items():
    shares = memory_shares(f, i, c_tilde, c0)
    c_T = c0
    for t in range(T):  # the cell state by the rule itself, to compare with the sum
        c_T = f[t] * c_T + i[t] * c_tilde[t]
    assert np.allclose(shares.sum(axis=0), c_T, rtol=0, atol=1e-12)
    survived[label] = shares[1:, 0] / (i[:, 0] * c_tilde[:, 0])
    print(f"{label}: mean f = {f.mean():.3f}; a write 5 steps before the end keeps "
          f"{survived[label][-6]:.1%} of its size, 30 steps before {survived[label][-31]:.2e}")

# %%
steps_before_end = np.arange(T - 1, -1, -1)
fig, ax = plt.subplots(figsize=(7, 3))
for label, fraction in survived.items():
    ax.semilogy(steps_before_end, fraction, "o-", ms=3, label=label)
ax.set_xlabel("steps before the end (0 = the last step's write)")
ax.set_ylabel("fraction of the write\nstill in $C_T$")
ax.invert_xaxis()
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
ax.set_title("How far back the memory reaches")
plt.show()

# %% [markdown]
# With forget gates near 0.5 the memory is made of the last few writes only; near σ(4) a
# write from dozens of steps ago still counts. An LSTM *learns* its forget gates, step by
# step and input by input, so it can hold one thing for a long time and drop another at once.
# Notebook 03 shows that the gradient travels back along the same products — which is why
# LSTMs can learn long time lags at all.
#
# ## What's next
#
# Notebook **01** turns each of the six equations into a few lines of NumPy, checks them
# against `keras.layers.LSTM` to float32 round-off, and wires an LSTM by hand so that you can
# watch its gates store, hold and release a value.

# %% [markdown]
# ## Review questions
#
# 1. Which two vectors does an LSTM carry from one step to the next, and which of them does
#    the next layer see?
# 2. Why do the three gates use σ while the candidate $\tilde{C}_t$ uses tanh?
# 3. What happens to the memory when $f_t = 1$ and $i_t = 0$? When $f_t = 0$ and $i_t = 1$?
# 4. For one example with D inputs and H units, what are the shapes of $W_f$,
#    $[h_{t-1}, x_t]$ and $f_t$? What changes with a batch of B examples?
# 5. Why does `1 / (1 + np.exp(-z))` fail for z = −1000, and why doesn't wrapping it in
#    `np.where` help?
# 6. Every forget gate of a cell equals 0.9. Using your `memory_shares`, what fraction of a
#    write is left 10 steps later? And 50 steps later?
# 7. Nothing on the path from $C_{t-1}$ to $C_t$ squashes the memory or multiplies it by a
#    weight matrix. Why does that matter for remembering over many steps?
# 8. How does the course make sure that a dataset on your disk is the one its results were
#    computed from?
# 9. Why does every check draw fresh random inputs, and how do you repeat the inputs of a
#    check that failed?
