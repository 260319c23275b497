# %% [markdown]
# # 09 · A character language model: bits per character against n-grams and a compressor
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/lstm-course/lstm-course/blob/main/notebooks/09_language_model.ipynb)
#
# **What you will learn**
# - to score a model of text in **bits per character** — and why that number *is* the size
#   of the compressed text;
# - the baselines that matter: character frequencies, smoothed **Kneser–Ney n-grams** up to
#   n = 7, and real compressors (`lzma`, `bz2`), alone and primed with the training text;
# - to cut a long text into windows for **truncated backpropagation through time**, carrying
#   the LSTM's state from one window to the next;
# - what one pass over the text buys (not enough — we show it), and what a checkpoint
#   trained for hours buys;
# - to **sample** text: temperature, top-k, beam search;
# - to **read** the network: find a cell that tracks something you can name.
#
# **Prerequisites:** notebook 04 (LSTMs in Keras).
#
# **Time:** about 60 minutes to study; at most 120 s to run on a laptop CPU.

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
# A language model reads text one character at a time and, before each character, says how
# likely every possible next character is. That is the whole job. It sounds modest, but a
# model that does it well has to know spelling, grammar, punctuation, who is speaking, and
# which names belong in this novel — and it can then *write*, by drawing the next character
# from its own prediction, again and again.
#
# ## 1 · Six novels, one long string
#
# The data: Jane Austen's six novels — *Sense and Sensibility*, *Pride and Prejudice*,
# *Mansfield Park*, *Emma*, *Northanger Abbey* and *Persuasion* — public domain, shipped with
# the course as a checksummed snapshot (from the Debian package of Julia Silge's
# `janeaustenr`). We split it **by position**: the first 90 % to train, the next 5 % to
# validate, the last 5 % (the end of *Persuasion*) to test. A random split of lines would let
# the model see the line before and the line after every test line — a leak.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

from lstm_course import charlm, ngram
from lstm_course.data.austen import load_austen, load_text_file, load_text_url, split_text
from lstm_course.exercises import language_model as exercises

text = load_austen()
parts = split_text(text)
vocab = charlm.Vocabulary.from_text(text)
ids = {name: vocab.encode(part) for name, part in parts.items()}
print(f"{len(text):,} characters, {len(vocab)} distinct")
for name, part in parts.items():
    print(f"{name:10s} {len(part):9,} characters")
print("alphabet:", repr(vocab.chars))
print(parts["test"][:300])

# %% [markdown]
# The alphabet is taken from the whole snapshot (81 characters): a closed set fixed before
# training, so the test text holds no character the model has never heard of. A text of your
# own may: `Vocabulary.encode` then stops and names the character, or — with
# `Vocabulary(chars, unknown="?")` and `strict=False` — maps it to a replacement you chose.
# (`load_text_file(path)` reads any UTF-8 text file and refuses binary, empty or tiny ones;
# `load_text_url(url)` does the same for a text on the web. Section 8 uses them.)
#
# ## 2 · Bits per character: what to beat
#
# A model gives the character that actually came a probability $p$. Its **surprise** is
# $-\log_2 p$ bits: 1 bit for a coin flip it called 50/50, 0 bits for a certainty it got
# right, many bits for a character it thought nearly impossible. Averaged over the test text
# this is **bits per character** (bpc). Shannon's coding theorem makes it concrete: an
# arithmetic coder driven by the model stores the text in (almost exactly) that many bits per
# character. *Modelling is compression*: a better model is a smaller file.
#
# The first baseline ignores context: every character gets its frequency in the training
# text. A uniform guess over 81 characters would cost $\log_2 81 = 6.34$ bits.

# %%
unigram = charlm.unigram_bpc(ids["train"], ids["test"], len(vocab))
print(f"uniform over {len(vocab)} characters: {np.log2(len(vocab)):.3f} bits/char")
print(f"unigram (character frequencies):  {unigram:.3f} bits/char")

# %% [markdown]
# ### Exercise 09.1 — bits per character and perplexity · ★ · 2 points
#
# Write `bits_and_perplexity(p)`: `p` is a 1-D array of the probabilities a model gave to the
# characters that actually came. Return a tuple `(bits, perplexity)`: the mean surprise in
# **bits** per character, and the per-character perplexity $2^{\text{bits}}$ (the number of
# equally likely choices that would be as surprising).


# %%
def bits_and_perplexity(p):
    """(n,) probabilities of the characters that came -> (bits per char, perplexity)."""
    # BEGIN SOLUTION
    bits = float(-np.mean(np.log2(np.asarray(p, dtype=float))))
    return bits, 2.0**bits
    # END SOLUTION


# %%
exercises.check_bits_and_perplexity(bits_and_perplexity)

# %% [markdown]
# ### Kneser–Ney n-grams
#
# An **n-gram** model predicts from the last $n-1$ characters: after `"Elizabet"` comes `h`.
# Counting alone fails: most 7-character contexts of the test text occur a few times in
# training or never, and a count of zero means probability zero — infinite surprise.
# **Kneser–Ney smoothing** (Chen & Goodman 1999) subtracts a discount $D$ from every count and
# hands the saved probability to the next shorter context, recursively down to the uniform
# distribution; the shorter contexts count in how many *different* contexts a string appears
# (so `"Weston"` is likely after any `" "`, but `"ston"` after `"We"` mostly), and the
# *modified* variant uses three discounts, for counts 1, 2 and 3 or more. The package's
# `KneserNey` packs each n-gram into one integer and counts them with `np.unique`: seconds for
# 3.6 M characters. Each model scores every test character, with the 6 characters before the
# test split as the first context.

# %%
test_ctx = np.concatenate([ids["validation"][-6:], ids["test"]])  # 6 characters of context
started = time.perf_counter()
baselines = {"unigram": unigram}
kn = {}
for order in (3, 5, 7):
    kn[order] = ngram.KneserNey(order, len(vocab)).fit(ids["train"])
    baselines[f"Kneser-Ney n={order}"] = kn[order].bits_per_char(test_ctx, start=6)
kn7m = ngram.KneserNey(7, len(vocab), modified=True).fit(ids["train"])
baselines["modified Kneser-Ney n=7"] = kn7m.bits_per_char(test_ctx, start=6)
ngram_seconds = time.perf_counter() - started
for name, bpc in baselines.items():
    print(f"{name:26s} {bpc:.3f} bits/char")

# %%
# NBVAL_IGNORE_OUTPUT
print(f"four n-gram models fitted and scored in {ngram_seconds:.0f} s")

# %% [markdown]
# Each extra character of context helps, with diminishing returns: from over 4.4 bits with
# no context to under 1.8 with six. The test text is a part of a novel the model never saw in
# training, yet six characters of context pin the next character down to about as much
# uncertainty as a choice among $2^{1.8} \approx 3.5$ equally likely characters.

# %% [markdown]
# ### Exercise 09.2 — a bigram model's bits per character · ★★★ · 5 points
#
# Before trusting a package's n-grams, build the smallest one yourself. Write
# `bigram_bpc(train_ids, test_ids, vocab_size, alpha)`: count in `train_ids` how often each
# character `b` follows each character `a`; estimate
# $P(b \mid a) = \dfrac{\text{count}(a\,b) + \alpha}{\text{count}(a\,\cdot) + \alpha V}$
# (add-$\alpha$ smoothing, $V$ = `vocab_size`); return the mean of $-\log_2 P(b \mid a)$ over
# every pair of neighbours in `test_ids` (each test character after the first, given the one
# before it). Use NumPy: the training ids are 3.6 million long.


# %%
def bigram_bpc(train_ids, test_ids, vocab_size, alpha=1.0):
    """(n,), (m,) int ids, V, alpha -> bits per character of an add-alpha bigram model."""
    # BEGIN SOLUTION
    train_ids, test_ids = np.asarray(train_ids), np.asarray(test_ids)
    counts = np.zeros((vocab_size, vocab_size))
    np.add.at(counts, (train_ids[:-1], train_ids[1:]), 1)
    p = (counts + alpha) / (counts.sum(axis=1, keepdims=True) + alpha * vocab_size)
    return float(-np.mean(np.log2(p[test_ids[:-1], test_ids[1:]])))
    # END SOLUTION


# %%
exercises.check_bigram_bpc(bigram_bpc)

# %%
from lstm_course.exercises.registry import solved

bigram = solved("09.2", ngram.bigram_bpc)(ids["train"], ids["test"], len(vocab), 1.0)
print(f"bigram, add-one: {bigram:.3f} bits/char")

# %% [markdown]
# ### Real compressors
#
# If modelling is compression, a compressor is a language model, and its file size a bits
# per character we can compare. `bz2` (Burrows–Wheeler) and `lzma` (the `xz` format: repeated
# strings plus an adaptive binary coder) know nothing of English; they learn as they read. On
# the test text **alone** they start ignorant. To give them what the n-grams had — the
# training text — we compress training text *followed by* the test text and count only the
# extra bytes: **conditional** compression. Both use their default settings. To keep this
# notebook fast they are primed with the last 1 M characters of the training text (`bz2`
# forgets beyond its 900 kB blocks anyway; `lzma` would gain a little more from all 3.6 M, at a
# minute's cost).

# %%
compressors = charlm.compressor_bpc(parts["train"], parts["test"], prime_chars=1_000_000)
baselines.update(compressors)
for name, bpc in compressors.items():
    print(f"{name:26s} {bpc:.3f} bits/char")
best_name = min(baselines, key=baselines.get)
best_ngram = baselines[best_name]
print(f"best baseline: {best_name}, {best_ngram:.3f} bits/char")
assert best_name == "modified Kneser-Ney n=7"
assert best_ngram < compressors["lzma, primed"] < compressors["lzma"]

# %% [markdown]
# The n-grams beat the general-purpose compressors comfortably — they are built for this
# kind of data, and fitted to it. The bar for the LSTM is set: **modified Kneser–Ney with
# six characters of context.**
#
# ## 3 · Feeding a long text to an LSTM: truncated BPTT
#
# An LSTM could read all 3.6 M training characters as one sequence, but backpropagation
# through time (notebook 02) would then need every activation of all 3.6 M steps. Instead we
# cut the text into `BATCH` contiguous **streams** and each stream into **windows** of
# `STEPS` characters. The model trains on window $k$ of all streams at once; its final
# state $(h, c)$ becomes the initial state for window $k+1$, so its *memory* runs on through
# the whole stream, while gradients stop at the window's edge. Here is the cut on a short
# string:

# %%
demo = vocab.encode("It is a truth universally acknowledged, that a single man in po")
x_demo, y_demo = charlm.bptt_batches(demo, batch=2, steps=8)
print("x, y shape (windows, batch, steps):", x_demo.shape)
for k in range(2):
    for b in range(2):
        print(
            f"window {k}, stream {b}: x={vocab.decode(x_demo[k, b])!r} "
            f"y={vocab.decode(y_demo[k, b])!r}"
        )

# %% [markdown]
# Stream 0 reads the start of the text, stream 1 its second half; window 1 of each stream
# continues exactly where window 0 stopped, and `y` is `x` shifted by one character. The
# model (`charlm.build_charlm`) takes the states as inputs and returns them as outputs, so the
# training loop below carries them by hand — that line *is* truncated BPTT. (Keras's
# `stateful=True` does the same inside the layer, at the price of a fixed batch size.)
#
# ## 4 · A live LSTM: one pass over the text
#
# A 1-layer LSTM with 128 units on the Austen training text, windows of 100 characters,
# 32 streams, Adam, for 960 windows — 3 M characters, most of one pass over the training text.
# Every 120 windows we measure bits per character on the first 20,000 characters of the
# validation text.

# %%
import keras

UNITS, BATCH, STEPS, WINDOWS = 128, 32, 100, 960
x_train, y_train = charlm.bptt_batches(ids["train"], BATCH, STEPS)
live = charlm.build_charlm(len(vocab), UNITS, embed=32)
train_step = charlm.make_train_step(live, keras.optimizers.Adam(4e-3, clipnorm=1.0))
live.summary(line_length=80)

# %%
# NBVAL_IGNORE_OUTPUT
curve = []
started = time.perf_counter()
states = charlm.zero_states(live, BATCH)
for k in range(WINDOWS):
    loss, states = train_step(x_train[k], y_train[k], states)  # state carried, gradient cut
    if (k + 1) % 120 == 0:
        bpc = charlm.evaluate_bpc(live, ids["validation"][:20_000])
        curve.append(((k + 1) * BATCH * STEPS, bpc))
        print(f"{(k + 1) * BATCH * STEPS:9,} characters  validation {bpc:.3f} bits/char")
live_seconds = time.perf_counter() - started
live_test = charlm.evaluate_bpc(live, ids["test"])
print(f"{live_seconds:.0f} s of training; test {live_test:.3f} bits/char")

# %%
assert curve[-1][1] < curve[0][1] - 0.5  # it learns ...
assert unigram - 1.0 > live_test > best_ngram  # ... a lot, but not enough to beat the n-grams

# %% [markdown]
# The live model learns fast — from 6.3 bits (uniform) to well under the unigram's 4.4 — but
# it has seen each training character at most once, and it does **not** beat the n-grams. That is no failure of the LSTM: the 7-gram's counts are exact statistics of 3.6 M
# characters, gathered in seconds; the LSTM has to *learn* them by gradient descent, and that
# takes many passes — the checkpoint's own training log, plotted below, shows how many. So the
# lesson needs a checkpoint.
#
# ## 5 · A checkpoint trained for hours
#
# `datasets/austen_lstm.npz` was trained by `python -m tools.train_charlm` — a 1-layer LSTM,
# 256 units, the same truncated BPTT with 64 streams of 128 characters — in stages: a first
# run, then runs that continue from the last one's weights (`--init`) at a lower learning
# rate. Its log, stored beside it, records every stage: the command, the machine, the time
# and the validation curve. The weights are stored in float16 (under 1 MB), and everything
# below evaluates exactly those weights — here on the **whole test split**.

# %%
import re

model, ck_vocab, log = charlm.load_checkpoint()
assert ck_vocab == vocab
ck_test = charlm.evaluate_bpc(model, ids["test"])
final = log["final"]
stages = charlm.training_stages(log)
print(
    f"checkpoint: {log['config']['layers']} x LSTM-{log['config']['units']}, "
    f"{log['params']:,} parameters, trained on {log['machine']}"
)
for k, stage in enumerate(stages, 1):
    command = re.sub(r"/\S*/", "", stage["command"])  # the trainer's folders, shortened
    print(
        f"stage {k}: {stage['seconds'] / 60:3.0f} min, {stage['chars'] / 1e6:4.0f} M characters, "
        f"Adam from lr {stage['lr']:g}  ({command})"
    )
trained_chars = sum(stage["chars"] for stage in stages)
print(
    f"in all {sum(stage['seconds'] for stage in stages) / 60:.0f} min, "
    f"{trained_chars / len(ids['train']):.0f} passes over the training text"
)
print(f"test bits/char, stored by the training script: {final['test_bpc']:.3f}")
print(f"test bits/char, evaluated now: {ck_test:.3f}")

# %%
assert abs(ck_test - final["test_bpc"]) < 0.01  # the stored figure is the live one
assert ck_test < best_ngram  # it beats every baseline, modified Kneser-Ney included
margin = best_ngram - ck_test
for name in ("Kneser-Ney n=7", "modified Kneser-Ney n=7", "lzma, primed"):
    print(f"{name} minus checkpoint: {baselines[name] - ck_test:+.3f} bits/char")

# %% [markdown]
# An honest result: a few hours of a 2-core CPU bought an LSTM that beats every baseline —
# but modified Kneser–Ney only **by a hair** (the margin is printed above), not the clear
# win of 0.15 bits or more the LSTM is known for. The curve below shows why: each stage
# bought less than the one before; the model is small (256 cells) and still improving
# slowly. A wider model (512 or 1,000 units, as in the papers) trained for a day, or a GPU,
# widens the gap. The n-gram's strength is also real: six characters of context, counted
# exactly over 3.6 M characters, is most of what predicts Austen's next letter. What the
# LSTM does that no 7-gram can is in sections 6 and 7.

# %%
fig, ax = plt.subplots(figsize=(8, 3.6))
seen = [c / 1e6 for c, _ in curve]
ax.plot(seen, [b for _, b in curve], "o-", label="live LSTM-128 (validation)")
stored = [point for stage in stages for point in stage["curve"]]
ax.plot(
    [p["chars"] / 1e6 for p in stored],
    [p["val50k_bpc"] for p in stored],
    ".-",
    label=f"checkpoint LSTM-{log['config']['units']} (validation, from its log)",
)
boundary = 0
for k, stage in enumerate(stages[:-1]):  # where each continued run began
    boundary += stage["chars"]
    ax.axvline(boundary / 1e6, color="C1", lw=0.6, ls=":", label="a continued run starts" if k == 0 else None)
for name, style in (
    ("unigram", ":"),
    ("Kneser-Ney n=3", "--"),
    ("lzma, primed", "-."),
    ("modified Kneser-Ney n=7", "-"),
):
    ax.axhline(baselines[name], color="gray", ls=style, lw=1)
    ax.text(seen[0], baselines[name] + 0.03, f"{name} (test)", fontsize=8, color="gray")
ax.set_xscale("log")
ax.set_xlabel("training characters seen (millions)")
ax.set_ylabel("bits per character")
ax.set_title("Learning curves against the baselines")
ax.legend(loc="upper right", fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# Where does that stand among published numbers? Corpora differ, so compare trends, not
# decimals: Graves (2013) reports 1.32 bits/char on the Penn Treebank with a 1000-unit LSTM (a
# cited figure); nanoGPT's character-level transformer reaches a validation loss of 1.47 nats
# = 2.12 bits/char on the 1 MB tiny-shakespeare (the figure in nanoGPT's README). Austen's regular prose is likely easier
# than Shakespeare's verse and spelling, and our checkpoint is small and was trained for a
# few hours on a 2-core CPU: a larger model trained longer goes lower.
#
# ## 6 · Writing: temperature, top-k and beam search
#
# To write, feed the model a *primer*, draw the next character from its prediction, feed
# that character back, and repeat. **Temperature** $T$ divides the logits before the softmax:
# $T < 1$ sharpens the distribution (safer, more repetitive), $T > 1$ flattens it (more
# surprising, more misspelt). **Top-k** draws only among the $k$ likeliest characters.

# %% [markdown]
# ### Exercise 09.3 — sampling at a temperature · ★★ · 3 points
#
# Write `tempered(logits, temperature)`: `logits` is a 1-D array of unnormalised log
# probabilities; return the probabilities $\text{softmax}(\text{logits} / T)$. It must not
# overflow for logits in the thousands.


# %%
def tempered(logits, temperature):
    """(V,) logits, T > 0 -> (V,) probabilities softmax(logits / T)."""
    # BEGIN SOLUTION
    z = np.asarray(logits, dtype=float) / temperature
    z = np.exp(z - z.max())
    return z / z.sum()
    # END SOLUTION


# %%
exercises.check_tempered_softmax(tempered)

# %% [markdown]
# Samples from the checkpoint, the live model and the modified 7-gram, from the same primer
# and seed. The n-gram gets the primer's last six characters; the LSTMs read all of it.

# %%
# NBVAL_IGNORE_OUTPUT
PRIMER = '"My dear Mr. Bennet," said his lady to him one day, "'
softmax_t = solved("09.3", charlm.softmax)


def kn_next(prefix, temperature):
    """The 7-gram as a sampler: its distribution, re-tempered."""
    return softmax_t(np.log(kn7m.distribution(np.asarray(prefix[-6:]))), temperature)


def lstm_next(net):
    sampler = charlm.LSTMSampler(net)
    return lambda prefix, temperature: sampler(prefix, temperature)


samplers = {
    "checkpoint": lstm_next(charlm.NumpyCharLM(model)),
    "live LSTM": lstm_next(charlm.NumpyCharLM(live)),
    "modified KN n=7": kn_next,
}
for temperature in (0.5, 1.0):
    for name, next_probs in samplers.items():
        sample = charlm.sample_text(next_probs, vocab, PRIMER, 160, temperature=temperature, seed=7)
        print(f"--- {name}, T = {temperature}:\n{PRIMER}{sample}\n")

# %% [markdown]
# (The live model's sample changes with the last digits of its weights, which differ between
# CPUs; the sample cells' outputs are therefore not compared.) At $T = 0.5$ the checkpoint writes
# plausible Austen-like phrases with real words and punctuation; at $T = 1$ it invents words.
# The 7-gram's words are locally right but it cannot close a quotation it opened thirty
# characters ago. Top-k and beam search trade variety for safety:

# %%
# NBVAL_IGNORE_OUTPUT
net = charlm.NumpyCharLM(model)
top3 = charlm.sample_text(lstm_next(net), vocab, PRIMER, 160, top_k=3, seed=7)
print(f"--- top-3 sampling, T = 1:\n{PRIMER}{top3}\n")
beam, beam_bits = charlm.beam_search(net, vocab, PRIMER, 80, width=5)
print(f"--- beam search, width 5 ({beam_bits / 80:.2f} bits/char):\n{PRIMER}{beam}")

# %%
assert beam_bits / 80 < 1.5  # far likelier than the test text (the samples' cells vary by CPU)

# %% [markdown]
# Beam search finds a continuation far likelier than anything we sampled — and dull: the
# likeliest text is common words in a common order. Good writing is not the most probable
# string; that is why samplers, not search, are used for generation.
#
# ## 7 · Reading a cell
#
# Each of the checkpoint's 256 cells carries one number $c_t$ from character to character.
# Do any of them track something we can name? We try three features of the text: **inside a
# quotation** (between an opening and a closing `"`; a speech that runs over several
# paragraphs reopens its quotation in each), **position in the line** (characters
# since the last newline; the novels are wrapped at about 70), and **inside a word**. On a
# validation passage we pick, for each feature, the cell whose $c_t$ correlates best with it;
# then we check that cell on a *test* passage it was not chosen on.


# %%
def features(passage: str) -> dict[str, np.ndarray]:
    """Three features per character of a passage that starts at a paragraph."""
    quotes, inside = np.zeros(len(passage)), 0
    for t, ch in enumerate(passage):
        if passage.startswith("\n\n", t):
            inside = 0  # a speech running over paragraphs reopens its quotation in each
        if ch == '"':
            inside = 1 - inside
        quotes[t] = inside
    column = np.zeros(len(passage))
    for t in range(1, len(passage)):
        column[t] = 0 if passage[t] == "\n" else column[t - 1] + 1
    word = np.array([ch.isalpha() for ch in passage], float)
    return {
        "inside quotes": quotes,
        "position in line": column,
        "inside a word": word,
    }


def paragraph_from(part: str, at: int) -> str:
    """4,000 characters of ``part`` from the first paragraph that starts at or after ``at``
    (mid-paragraph we could not tell whether a quotation is open)."""
    start = part.index("\n\n", at) + 2
    return part[start : start + 4000]


choose, check = paragraph_from(parts["validation"], 0), paragraph_from(parts["test"], 20_000)
cells_choose = net.cell_states(vocab.encode(choose))
cells_check = net.cell_states(vocab.encode(check))
found = {}
for name, feature in features(choose).items():
    r = [np.corrcoef(cells_choose[:, j], feature)[0, 1] for j in range(net.units)]
    best = int(np.nanargmax(np.abs(r)))
    r_check = np.corrcoef(cells_check[:, best], features(check)[name])[0, 1]
    found[name] = (best, r[best], r_check)

# %%
# NBVAL_IGNORE_OUTPUT
for name, (cell, r_choose, r_check) in found.items():
    print(
        f"{name:17s} cell {cell:3d}: correlation {r_choose:+.2f} where chosen, "
        f"{r_check:+.2f} on the test passage"
    )

# %%
quote_cell, _, quote_r = found["inside quotes"]
assert abs(quote_r) > 0.5  # a cell that knows whether we are inside a quotation

# %% [markdown]
# One cell follows the quotation marks. Here is its state over a stretch of the test
# passage, red for positive, blue for negative:

# %%
from IPython.display import HTML, display

shown = slice(0, 700)
display(HTML(charlm.cells_html(check[shown], cells_check[shown, quote_cell])))

# %%
fig, ax = plt.subplots(figsize=(9, 2.6))
span = np.arange(1500)
ax.plot(span, cells_check[span, quote_cell], lw=0.8, label=f"cell {quote_cell}")
ax.fill_between(
    span,
    0,
    features(check)["inside quotes"][span],
    color="orange",
    alpha=0.3,
    step="mid",
    label="inside quotes",
)
ax.set_xlabel("character of the test passage")
ax.set_ylabel("cell state $c_t$")
ax.legend(loc="upper right", fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# Nobody told the network what a quotation is. It found that a cell which flips at `"` and
# holds its value until the next `"` helps predict what comes next (inside quotes: *I*, *you*,
# question marks; outside: *said she*, *he*), and the forget gate keeps it for dozens of
# characters — the long memory that the n-gram, with its six characters, cannot have. (Most
# cells, as Karpathy, Johnson and Fei-Fei (2015) also found, track nothing this clean.)
#
# ## 8 · Your own text
#
# Everything above works on any text. Set `MY_TEXT` to a UTF-8 file of your own, or to a web
# address — `TINY_SHAKESPEARE_URL` is Karpathy's 1 MB of Shakespeare (downloading needs the
# internet; offline you get an error that says so). The cell splits the text the same way and
# scores the context-free and 5-gram baselines on it. The LSTMs above know only Austen's 81
# characters: a text with others needs its own vocabulary and a model trained on it — the
# loop of section 4, unchanged.

# %%
from lstm_course.data.austen import TINY_SHAKESPEARE_URL  # noqa: F401 (for MY_TEXT)

MY_TEXT = None  # a file name, or a URL such as TINY_SHAKESPEARE_URL
if MY_TEXT is not None:
    online = str(MY_TEXT).startswith(("http://", "https://"))
    mine = split_text((load_text_url if online else load_text_file)(MY_TEXT))
    my_vocab = charlm.Vocabulary.from_text("".join(mine.values()))
    my_ids = {name: my_vocab.encode(part) for name, part in mine.items()}
    my_unigram = charlm.unigram_bpc(my_ids["train"], my_ids["test"], len(my_vocab))
    my_kn5 = ngram.KneserNey(5, len(my_vocab)).fit(my_ids["train"])
    print(
        f"{len(my_vocab)} distinct characters; unigram {my_unigram:.3f} bits/char, "
        f"Kneser-Ney n=5 {my_kn5.bits_per_char(my_ids['test']):.3f} bits/char"
    )
    print("characters Austen never used:", sorted(set(my_vocab.chars) - set(vocab.chars)))

# %% [markdown]
# ## Review questions
#
# 1. A model gives every test character probability 1/2. What are its bits per character and
#    its perplexity? What would a file compressed with it weigh, for 200,000 characters?
# 2. Why must the test split come after the training text, rather than be random lines?
# 3. Why does Kneser–Ney count the number of *different* contexts a string follows for its
#    lower orders, instead of its frequency?
# 4. Compressing the test text alone with `lzma` costs far more bits than compressing it
#    after the training text. What is the compressor learning from the training text?
# 5. In truncated BPTT, what flows across the window boundary, and what does not? What would
#    be lost by resetting the state to zero at every window?
# 6. The live LSTM loses to a 7-gram. Name two reasons, and what it would take to win.
# 7. What does a temperature of 0.1 do to the samples? And one of 10?
# 8. Beam search maximises probability. Why does its output read worse than a sample?
# 9. The quote cell was chosen on one passage and checked on another. Why does that matter,
#    with 256 cells to choose from?
