# %% [markdown]
# # 00 · Welcome to the LSTM course
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/lstm-course/lstm-course/blob/main/notebooks/00_welcome.ipynb)
#
# **What you will learn**
# - what the course covers and in which order (the course map below);
# - how to run every notebook in JupyterLab, in Google Colab, or with conda;
# - the six equations of the LSTM cell, and what each gate is for;
# - how the exercises and their self-checks work — by writing the sigmoid yourself.
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
# $\sigma$ is the logistic sigmoid and $\odot$ multiplies element by element.
#
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
ax.plot(z, 1 / (1 + np.exp(-z)), label="σ(z): gates, a fraction in (0, 1)")
ax.plot(z, np.tanh(z), label="tanh(z): candidate, and C_t before it becomes h_t, in (−1, 1)")
ax.axhline(0, color="grey", lw=0.5)
ax.set_xlabel("z")
ax.legend(loc="upper left", fontsize=9)
ax.set_title("The two squashing functions of the LSTM cell")
plt.show()

# %% [markdown]
# ## How exercises work
#
# Each exercise is a code cell with your answer between `# BEGIN SOLUTION` and
# `# END SOLUTION`, followed by a check cell. The check computes the right answer itself and
# tells you specifically what is off — or confirms you got it. (Instructors: `make student`
# writes copies of every notebook with the solutions removed.)
#
# ### Exercise 1 — a sigmoid that never overflows
#
# Write `sigmoid(z)` for a NumPy array `z`. The textbook form `1 / (1 + np.exp(-z))`
# overflows for large negative `z` (try `np.exp(1000)`). Use the fact that
# $\sigma(z) = \frac{e^{z}}{1 + e^{z}}$ as well, and only ever call `np.exp` on numbers ≤ 0.
# Careful: `np.where(cond, a, b)` computes *both* `a` and `b` for every element before
# choosing, so it does not protect `np.exp` from large arguments — compute `np.exp(-np.abs(z))`
# once, or work on the two halves with a boolean mask.

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
# ### Exercise 2 — shapes in the course's notation
#
# Take a batch of `B = 32` sequences, `D = 10` input features and `H = 64` units. With a
# batch, each example is a row, and the forget gate becomes $f_t = \sigma([h_{t-1}, x_t] \cdot
# W_f^\top + b_f)$ — the same numbers as $W_f \cdot [h_{t-1}, x_t]$, one row per example.
# Fill in the shapes as tuples in a dict with the keys `"W_f"` (the forget gate's weights),
# `"b_f"` (its bias), `"concat"` (the stacked input `[h_{t-1}, x_t]` for the whole batch),
# `"f_t"` and `"C_t"`, e.g. `shapes = {"W_f": (rows, cols), ...}`.

# %%
# BEGIN SOLUTION
shapes = {"W_f": (64, 64 + 10), "b_f": (64,), "concat": (32, 64 + 10), "f_t": (32, 64), "C_t": (32, 64)}
# END SOLUTION

# %%
welcome.check_gate_shapes(shapes)

# %% [markdown]
# ## What's next
#
# Notebook **01** turns each of the six equations into a few lines of NumPy, checks them
# against `keras.layers.LSTM` to the sixth decimal, and wires an LSTM by hand so that you can
# watch its gates store, hold and release a value.
