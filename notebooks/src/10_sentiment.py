# ---
# jupyter:
#   jupytext:
#     formats: ipynb,src//py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 10 · Sentiment
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/lstm-course/lstm-course/blob/main/notebooks/10_sentiment.ipynb)
#
# **What you will learn**
# - a real benchmark: 10,605 movie-review sentences from Rotten Tomatoes (Pang & Lee's
#   "MR", the data of Kim 2014's table), each rated by ≥ 20 people;
# - the bag-of-words baselines that were hard to beat — logistic regression on word and
#   bigram counts, naive Bayes, NBSVM (Wang & Manning 2012) — and averaged embeddings;
# - text for Keras: `TextVectorization`, embeddings, padding and masking;
# - an LSTM and a bidirectional LSTM, measured honestly against those baselines, and on
#   sentences from Amazon, Yelp and IMDb they never saw;
# - what a bag of words *cannot* know — order — tested with minimal pairs (CheckList,
#   Ribeiro et al. 2020): "the cast is clever, but the plot is dull" against "the plot is
#   dull, but the cast is clever";
# - how to read the model: its verdict after every word of a sentence.
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
# ## 1 · The data: movie-review sentences with human ratings
#
# Each sentence carries the mean of at least 20 human ratings on −4 … +4 (Hutto & Gilbert
# 2014 re-rated Pang & Lee's sentences). Its **label** is the sign of that mean; the few
# sentences whose mean is exactly 0 have no polarity and are left out. The split into
# train, validation and test is fixed in the snapshot (about 80/10/10 %). The papers average
# 10-fold cross-validation instead: our single split is cheaper, and its test accuracy moves
# by a point or so with the split — keep that in mind when comparing.

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from lstm_course import bow_baselines as bow
from lstm_course import sentiment_probes as probes_lib
from lstm_course.data.sentiment import load_crossdomain, load_mr, mr_splits
from lstm_course.exercises import sentiment as sentiment_ex  # this notebook's checks

mr = load_mr()
parts = mr_splits(mr)
train, val, test = parts["train"], parts["validation"], parts["test"]
y_train, y_val, y_test = (p["label"].to_numpy() for p in (train, val, test))
print(f"{len(mr):,} labelled sentences ({mr.attrs['neutral']} neutral ones left out): "
      f"{(mr['label'] == 1).sum():,} positive, {(mr['label'] == 0).sum():,} negative")
print(", ".join(f"{name} {len(p):,}" for name, p in parts.items()))
for _, row in mr.iloc[[2, 9, 41]].iterrows():
    print(f"  {row['rating']:+.2f}  {row['text']}")

# %%
lengths = mr["text"].map(lambda t: len(bow.tokenize(t)))
print(f"tokens per sentence: median {lengths.median():.0f}, 95th percentile "
      f"{lengths.quantile(0.95):.0f}, longest {lengths.max()}")
fig, axes = plt.subplots(1, 2, figsize=(9, 2.8))
axes[0].hist(mr["rating"], bins=40)
axes[0].set_xlabel("mean human rating (−4 … +4)")
axes[0].set_ylabel("sentences")
axes[1].hist(lengths, bins=40, color="C2")
axes[1].set_xlabel("tokens per sentence")
axes[1].set_ylabel("sentences")
plt.show()

# %% [markdown]
# ## 2 · Baselines: what a bag of words gets
#
# A **bag of words** forgets order: a sentence becomes the set of its words (and, with
# bigrams, of its word pairs). Three classic models on it:
#
# - **logistic regression** on the bag (binary features, L2 penalty);
# - **naive Bayes**: each word votes with its log-count ratio
#   $r_w = \log\frac{p_w/\lVert p\rVert_1}{q_w/\lVert q\rVert_1}$, where $p$ and $q$ count
#   the word in positive and negative sentences (plus a smoothing $\alpha$);
# - **NBSVM** (Wang & Manning 2012): a linear SVM on the features scaled by $r$ — the
#   baseline deep models of 2014 were measured against (79.4 % on MR with bigrams, their
#   Table 3, 10-fold CV).
#
# The vocabulary comes from the training sentences only, so nothing leaks from the test set.

# %%
MAJORITY = int(y_train.mean() > 0.5)
results = {"majority class": {"test": float(np.mean(y_test == MAJORITY))}}
bow_models = {}
for ngrams in (1, 2):
    vocab = bow.build_vocabulary(train["text"], ngrams=ngrams)
    X_train, X_val, X_test = (bow.count_matrix(p["text"], vocab) for p in (train, val, test))
    logistic = bow.fit_logistic(X_train, y_train, l2=1.0)
    nbsvm = bow.fit_nbsvm(X_train, y_train)
    tag = "words" if ngrams == 1 else "words + bigrams"
    for name, model in ((f"logistic regression, {tag}", logistic),
                        (f"naive Bayes, {tag}", nbsvm.naive_bayes),
                        (f"NBSVM, {tag}", nbsvm)):
        bow_models[name] = (vocab, model)
        results[name] = {
            "validation": bow.accuracy(model.predict(X_val), y_val),
            "test": bow.accuracy(model.predict(X_test), y_test),
        }
    print(f"{tag}: {len(vocab):,} features")
print(pd.DataFrame(results).T.round(3).to_string())

# %%
nbsvm_bi = results["NBSVM, words + bigrams"]["test"]
assert nbsvm_bi > results["majority class"]["test"] + 0.2  # far above guessing
assert abs(nbsvm_bi - 0.794) < 0.03  # Wang & Manning's 79.4 %, within a split's wobble

# %% [markdown]
# NBSVM with bigrams lands near the published 79.4 % (a different split, one test set
# instead of ten folds). The words with the largest $|r|$ show what the bag relies on:

# %%
vocab_bi, nbsvm_model = bow_models["NBSVM, words + bigrams"]
words = np.array(list(vocab_bi.index))
order = np.argsort(nbsvm_model.ratio)
print("most negative:", ", ".join(words[order[:12]]))
print("most positive:", ", ".join(words[order[-12:]][::-1]))

# %% [markdown]
# ## 3 · Text for Keras: tokens, embeddings, padding and masking
#
# `keras.layers.TextVectorization` learns a vocabulary from the training sentences and turns
# each sentence into integer token ids, padded with 0 to a common length. An `Embedding`
# layer maps each id to a learned vector; with `mask_zero=True` it also tells the layers
# after it which positions are padding, so an LSTM stops at the last real word and an
# average skips the zeros.

# %%
import keras

from lstm_course import progress  # a bar while a cell trains; off when the notebook is built
import tensorflow as tf

# 10,000 tokens cover every word seen twice or more in training; 40 tokens cover about
# 98 % of the sentences whole (the printout below says how many are cut).
MAX_TOKENS, MAX_LEN = 10_000, 40
vectorize = keras.layers.TextVectorization(max_tokens=MAX_TOKENS, output_sequence_length=MAX_LEN)
vectorize.adapt(tf.constant(train["text"].to_list()))


def encode(texts) -> np.ndarray:
    """Sentences -> (n, MAX_LEN) int64 token ids, 0 = padding."""
    return vectorize(tf.constant(list(texts))).numpy()


ids_train, ids_val, ids_test = encode(train["text"]), encode(val["text"]), encode(test["text"])
print(f"vocabulary: {vectorize.vocabulary_size():,} tokens (0 = padding, 1 = unknown)")
print("'not bad at all' ->", encode(["not bad at all"])[0][:6])
print(f"sentences cut at {MAX_LEN} tokens: {(ids_train[:, -1] != 0).mean():.2%}")

# %% [markdown]
# ## 4 · Averaged embeddings, an LSTM, a bidirectional LSTM
#
# Three networks share the embedding: one **averages** the word vectors (a bag of words
# again: order cannot matter), one reads the sentence left to right with an **LSTM**, one
# reads it both ways (**bidirectional**).
#
# Each trains for at most `EPOCHS[kind]` passes over the 8,430 sentences (the LSTMs
# overfit soon after two or three; the averaged model learns more slowly but an epoch
# costs it almost nothing), is scored on the validation set after every epoch, stops as
# soon as validation accuracy falls, and keeps the weights of its best epoch. *What* the
# validation set contains matters: section 7 comes back to that.

# %%
import time

EPOCHS = {"average": 8, "lstm": 3, "bilstm": 3}  # at most; see the text above
BATCH = 128
SEED = 0  # `python -m tools.seed_runs 10 --seeds ...` re-runs this notebook with other seeds


def build_classifier(kind: str, seed: int, units: int = 48, dim: int = 64) -> keras.Model:
    """kind: "average", "lstm" or "bilstm"; (batch, MAX_LEN) ids -> P(positive)."""
    keras.utils.set_random_seed(seed)
    ids = keras.Input((None,), dtype="int64")
    x = keras.layers.Embedding(MAX_TOKENS, dim, mask_zero=True)(ids)
    x = keras.layers.Dropout(0.3)(x)
    if kind == "average":
        x = keras.layers.GlobalAveragePooling1D()(x)  # respects the mask: padding not averaged
    elif kind == "lstm":
        x = keras.layers.LSTM(units)(x)
    else:
        x = keras.layers.Bidirectional(keras.layers.LSTM(units))(x)
    x = keras.layers.Dropout(0.3)(x)
    model = keras.Model(ids, keras.layers.Dense(1, activation="sigmoid")(x))
    model.compile(keras.optimizers.Adam(3e-3), "binary_crossentropy", metrics=["accuracy"])
    return model


def train_classifier(kind: str, seed: int, ids=ids_train, labels=y_train,
                     validation=(ids_val, y_val)) -> keras.Model:
    """Fit up to EPOCHS[kind] epochs on (n, MAX_LEN) ids and (n,) 0/1 labels; keep the
    epoch with the best accuracy on ``validation`` (stop when it falls)."""
    model = build_classifier(kind, seed)
    stop = keras.callbacks.EarlyStopping(
        monitor="val_accuracy", patience=1, restore_best_weights=True
    )
    model.fit(ids, labels, validation_data=validation, epochs=EPOCHS[kind], batch_size=BATCH,
              callbacks=[stop, progress.epochs(f"{kind}, seed {seed}")], verbose=0)
    return model


def predict(model, ids) -> np.ndarray:
    """0/1 labels."""
    return (model.predict(ids, batch_size=512, verbose=0)[:, 0] > 0.5).astype(np.int64)


start = time.perf_counter()
networks = {
    "averaged embeddings": train_classifier("average", seed=SEED),
    "LSTM": train_classifier("lstm", seed=SEED),
    "bidirectional LSTM": train_classifier("bilstm", seed=SEED),
}
train_seconds = time.perf_counter() - start
for name, model in networks.items():
    results[name] = {
        "validation": bow.accuracy(predict(model, ids_val), y_val),
        "test": bow.accuracy(predict(model, ids_test), y_test),
    }

# %%
# NBVAL_IGNORE_OUTPUT
print(f"three networks trained in {train_seconds:.0f} s")
table = pd.DataFrame(results).T
print(table.round(3).to_string())
print("published (10-fold CV on MR): NBSVM-bi 79.4 % (Wang & Manning 2012); "
      "CNN-rand 76.1 %, CNN-static 81.0 % (Kim 2014)")

# %%
lstm_acc = results["LSTM"]["test"]
assert lstm_acc > results["majority class"]["test"] + 0.15  # far above guessing
assert lstm_acc > 0.70 and results["bidirectional LSTM"]["test"] > 0.70
best_bow = max(results[name]["test"] for name in bow_models)
print(f"LSTM {lstm_acc:.3f}, bidirectional {results['bidirectional LSTM']['test']:.3f}; "
      f"best bag-of-words model {best_bow:.3f}; NBSVM-bi minus LSTM "
      f"{results['NBSVM, words + bigrams']['test'] - lstm_acc:+.3f}")

# %% [markdown]
# Read the table honestly. The LSTMs are far above the majority class, but on 10 K short
# sentences, with embeddings learned from scratch, they do **not** beat the bag-of-words
# models: NBSVM with bigrams is better here, and section 9 shows it is better than the
# LSTM on every seed we stored. Why:
#
# - **data size** — the network has to learn what every word *means* from about 8,400
#   sentences (most words occur a handful of times); a bag-of-words model only has to
#   *weigh* each word, and bigrams already catch "not good";
# - **no pretrained embeddings** — Kim's CNN-static reached 81.0 % only with word vectors
#   pretrained on about 100 billion words of news; his CNN-rand, learning them from MR
#   alone as we do, reached 76.1 %, below NBSVM's 79.4 %.
#
# What an LSTM adds is not visible in this accuracy: it is order (section 6).

# %% [markdown]
# ## 5 · Other domains: Amazon, Yelp and IMDb sentences
#
# The UCI "Sentiment Labelled Sentences" (Kotzias et al. 2015) hold 500 positive and 500
# negative sentences from each of three sites. None of our models saw them.

# %%
cross = load_crossdomain()
domain_rows = {}
for name in ("NBSVM, words + bigrams", "logistic regression, words"):
    vocab, model = bow_models[name]
    domain_rows[name] = {
        d: bow.accuracy(model.predict(bow.count_matrix(g["text"], vocab)), g["label"].to_numpy())
        for d, g in cross.groupby("domain")
    }
for name, model in networks.items():
    domain_rows[name] = {
        d: bow.accuracy(predict(model, encode(g["text"])), g["label"].to_numpy())
        for d, g in cross.groupby("domain")
    }

# %%
# NBVAL_IGNORE_OUTPUT
print(pd.DataFrame(domain_rows).T.round(3).to_string())

# %%
assert all(v > 0.6 for row in domain_rows.values() for v in row.values())

# %% [markdown]
# ## 6 · Order: minimal pairs a bag of words cannot tell apart
#
# The probe set (``lstm_course.sentiment_probes``) is generated from templates with words
# whose polarity MR makes clear: **negation** ("the plot is clever" / "the plot is not
# clever"), **order** ("the cast is clever , but the plot is dull" / "the plot is dull ,
# but the cast is clever"; "it is clever , not dull" / "it is dull , not clever") and
# **intensifiers** ("clever" / "really clever", same label). In an *order* pair both
# sentences hold exactly the same words, with opposite labels: a model that sees only the
# bag gives both the same answer, so exactly one is right — 50 %, and no pair fully right.

# %%
probes = probes_lib.make_probes(per_kind=60, seed=0)
print(probes.groupby("kind")["same_bag"].mean().rename("share of pairs with the same bag"))
print(probes.iloc[[120, 121]].to_string(index=False))

probe_rows = {}
for name in ("logistic regression, words", "naive Bayes, words", "NBSVM, words + bigrams"):
    vocab, model = bow_models[name]
    report = probes_lib.probe_report(probes, model.predict(bow.count_matrix(probes["text"], vocab)))
    probe_rows[name] = report["accuracy"]
for name, model in networks.items():
    probe_rows[name] = probes_lib.probe_report(probes, predict(model, encode(probes["text"])))[
        "accuracy"
    ]

# %%
# NBVAL_IGNORE_OUTPUT
print(pd.DataFrame(probe_rows).T.round(3).to_string())

# %%
for name in ("logistic regression, words", "naive Bayes, words", "averaged embeddings"):
    assert probe_rows[name]["order"] == 0.5  # exactly chance, by construction

# %% [markdown]
# The unigram models and the averaged embeddings sit at exactly 50 % on the order pairs, as
# promised. The bigram model is not bound to 50 % ("clever ," and "dull ," are different
# bigrams) but has no reason to do better. The LSTMs *could* use order, yet trained on MR
# alone they mostly do not: MR has few sentences that turn on "but" or on a negated
# adjective, so nothing forces the network to learn those rules.
#
# ## 7 · Teaching composition with generated examples
#
# We add generated sentences in the same templates — but with **other** sentiment words
# (``TRAIN_WORDS``, disjoint from the probes' ``PROBE_WORDS``) — to the training set. If the
# network learns the *rule* ("after *but*, the second clause decides"; "*not* flips"), it
# should apply it to the probe words it only knows from movie reviews.
#
# **Which epoch to keep?** Our first version stopped on MR validation accuracy, as in
# section 4, and it failed on some seeds: MR validation peaks after an epoch or two, often
# *before* the network has picked up the negation and contrast rules — MR validation holds
# no such sentences, so it cannot see them being learned — and training stopped with the
# rules half taught. Training for a fixed number of epochs instead fixed the probes but, on
# one seed, kept an epoch that was bad on MR. So the validation set must measure what we
# are teaching *and* what we must not lose: here it is MR validation **plus** 600
# held-out generated sentences (another seed, the same `TRAIN_WORDS`, never the probes'
# words). Section 9 checks the result on five seeds.

# %%
AUGMENT = 3000
extra = probes_lib.make_augmentation(AUGMENT, seed=1)
mixed_ids = np.concatenate([ids_train, encode(extra["text"])])
mixed_labels = np.concatenate([y_train, extra["label"].to_numpy()])
held_out = probes_lib.make_augmentation(600, seed=2)  # for choosing the epoch only
mixed_validation = (
    np.concatenate([ids_val, encode(held_out["text"])]),
    np.concatenate([y_val, held_out["label"].to_numpy()]),
)
shuffle = np.random.default_rng(SEED).permutation(len(mixed_labels))
start = time.perf_counter()
augmented = train_classifier(
    "lstm", SEED, mixed_ids[shuffle], mixed_labels[shuffle], validation=mixed_validation
)
augment_seconds = time.perf_counter() - start
aug_report = probes_lib.probe_report(probes, predict(augmented, encode(probes["text"])))
aug_test = bow.accuracy(predict(augmented, ids_test), y_test)
aug_cross = {
    d: bow.accuracy(predict(augmented, encode(g["text"])), g["label"].to_numpy())
    for d, g in cross.groupby("domain")
}

# %%
# This run's headline numbers, as plain floats: `python -m tools.seed_runs 10 --seeds ...`
# executes the cells above with other seeds and stores this dict for each (section 9).
seed_metrics = {
    "mr_test": {name: results[name]["test"] for name in networks},
    "cross": {name: domain_rows[name] for name in networks},
    "probes": {name: dict(probe_rows[name]) for name in networks},
    "augmented": {
        "mr_test": aug_test,
        "cross": aug_cross,
        "probes": dict(aug_report["accuracy"]),
        "pairs_right": dict(aug_report["pairs_right"]),
    },
}

# %%
# NBVAL_IGNORE_OUTPUT
before = results["LSTM"]["test"]
print(f"trained in {augment_seconds:.0f} s")
print(f"MR test accuracy: {before:.3f} before, {aug_test:.3f} after augmentation")
print("cross-domain after: " + ", ".join(f"{d} {a:.3f}" for d, a in aug_cross.items()))
print(aug_report.round(3).to_string())

# %%
assert aug_report.loc["all", "accuracy"] >= 0.90
assert aug_report.loc["order", "accuracy"] >= 0.90  # where a bag of words is at 50 %
assert aug_test >= before - 0.01  # MR accuracy holds (within one point)

# %% [markdown]
# ## 8 · Reading the model: its verdict after each word
#
# Feed the network every prefix of a sentence and plot P(positive): the bag-of-words
# models would move word by word in the same direction whatever came before; the LSTM can
# flip at "not" and "but".

# %%
sentences = [
    "the acting is charming , but the plot is tedious .",
    "the plot is tedious , but the acting is charming .",
    "the ending is not boring .",
]
fig, axes = plt.subplots(len(sentences), 1, figsize=(8, 6))
for ax, sentence in zip(axes, sentences, strict=True):
    tokens = sentence.split()
    prefixes = [" ".join(tokens[: k + 1]) for k in range(len(tokens))]
    p = augmented.predict(encode(prefixes), verbose=0)[:, 0]
    ax.plot(p, marker="o")
    ax.axhline(0.5, color="grey", lw=0.8)
    ax.set_xticks(range(len(tokens)), tokens, fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel("P(positive)")
axes[-1].set_xlabel("prefix ending at this word")
fig.tight_layout()
plt.show()

# %% [markdown]
# And the MR sentences it still gets wrong — often sarcasm, mixed verdicts, or references a
# reader needs world knowledge for:

# %%
# NBVAL_IGNORE_OUTPUT
p_test = augmented.predict(ids_test, verbose=0)[:, 0]
wrong = np.flatnonzero((p_test > 0.5) != (y_test == 1))
confident = wrong[np.argsort(-np.abs(p_test[wrong] - 0.5))][:6]
for i in confident:
    print(f"label {y_test[i]}, P(positive) {p_test[i]:.2f}: {test['text'].iloc[i]}")

# %% [markdown]
# ## 9 · Over several seeds
#
# One seed of one split decides little. `python -m tools.seed_runs 10 --seeds 0 1 2 3 4`
# executes this notebook's cells above with each seed (only the `SEED` line changes) and
# stores each run's `seed_metrics` in `datasets/sentiment_seed_runs.json`. We read the
# stored runs here; this session's run is seed 0 again (on another machine or TensorFlow
# build its numbers can differ in the last digits).

# %%
import json

from lstm_course.data.registry import dataset_path

stored = json.loads(dataset_path("sentiment_seed_runs.json").read_text(encoding="utf-8"))
runs = {int(k): v for k, v in stored["runs"].items()}
rows = {f"{name}: MR test": [r["mr_test"][name] for r in runs.values()] for name in networks}
rows.update({
    f"{name}: probes, order": [r["probes"][name]["order"] for r in runs.values()]
    for name in networks
})
rows["LSTM + augmentation: MR test"] = [r["augmented"]["mr_test"] for r in runs.values()]
rows["LSTM + augmentation: probes, all"] = [r["augmented"]["probes"]["all"] for r in runs.values()]
rows["LSTM + augmentation: probes, order"] = [
    r["augmented"]["probes"]["order"] for r in runs.values()
]
over_seeds = pd.DataFrame(rows, index=list(runs)).T
summary = over_seeds.agg(["mean", "min", "max"], axis=1)
aug_gain = [r["augmented"]["mr_test"] - r["mr_test"]["LSTM"] for r in runs.values()]
nbsvm_bi = results["NBSVM, words + bigrams"]["test"]

# %%
# NBVAL_IGNORE_OUTPUT
print(f"stored seeds {sorted(runs)}; they took {stored['seconds']} s on {stored['machine']}")
print(summary.round(3).to_string())
print(f"NBSVM, words + bigrams (no seed to vary): {nbsvm_bi:.3f}")
print("augmented LSTM, probes all / order per seed: " + ", ".join(
    f"{k}: {r['augmented']['probes']['all']:.3f} / {r['augmented']['probes']['order']:.3f}"
    for k, r in runs.items()))
print("MR test, augmented minus plain LSTM per seed: "
      + ", ".join(f"{d:+.3f}" for d in aug_gain) + f"; mean {np.mean(aug_gain):+.3f}")

# %%
assert sorted(runs) == [0, 1, 2, 3, 4]
assert all(r["mr_test"]["LSTM"] < nbsvm_bi for r in runs.values())  # NBSVM wins every seed
assert all(r["probes"]["averaged embeddings"]["order"] == 0.5 for r in runs.values())
assert all(r["augmented"]["probes"]["all"] >= 0.90 for r in runs.values())  # every seed
assert all(r["augmented"]["probes"]["order"] >= 0.90 for r in runs.values())
assert np.mean(aug_gain) >= -0.01  # MR accuracy holds on average over the seeds

# %% [markdown]
# What holds on every stored seed (each line is an assert above):
#
# - NBSVM with bigrams beats the plain LSTM on MR test — the bag of words wins on this data
#   (compare also the averaged embeddings, a bag of words with learned vectors, with the
#   LSTM in the table's means);
# - the averaged embeddings are at exactly 50 % on the order pairs, by construction;
# - after augmentation the LSTM gets at least 90 % of all probes and of the order probes,
#   on words it never saw in a generated sentence;
# - and its MR test accuracy stays, *on average over the seeds*, within a point of the
#   plain LSTM's.
#
# The per-seed differences printed above are the fine print: single seeds move by a point
# or more either way — as does the plain LSTM's own MR accuracy across seeds. A single seed
# is not evidence; five are a little.
#
# Generated examples taught a rule that MR alone did not. They did not make the network a
# better reader of real reviews: MR holds few sentences where "but" or "not" decides.

# %% [markdown]
# ## 10 · Going further (online only): 50,000 IMDB reviews
#
# MR sentences are short and few. The classic larger benchmark is the IMDB set of Maas et
# al. (2011): 25,000 training and 25,000 test reviews, whole reviews of a few hundred words.
# No package we can install offline carries it, so the notebook does not depend on it:
# `load_imdb_live` fetches it through `keras.datasets.imdb` (about 17 MB, kept afterwards in
# `~/.keras/datasets/`) and stops with a clear `SentimentDataError` when there is no
# internet. Set `LIVE_IMDB = True` to train the same LSTM on the first 200 words of each
# review — several minutes on a CPU, and the result is yours to interpret: we state no
# number for it here.

# %%
LIVE_IMDB = False  # True: download the IMDB reviews (needs the internet) and train on them

if LIVE_IMDB:
    from lstm_course.data.sentiment import load_imdb_live

    (imdb_x, imdb_y), (imdb_x_test, imdb_y_test) = load_imdb_live(
        num_words=MAX_TOKENS, maxlen=200
    )
    imdb_model = build_classifier("lstm", seed=SEED)
    imdb_model.fit(imdb_x, imdb_y, epochs=2, batch_size=BATCH, verbose=0,
                   callbacks=[progress.epochs("LSTM on IMDB, 2 epochs")])
    imdb_acc = bow.accuracy(predict(imdb_model, imdb_x_test), imdb_y_test)
    print(f"IMDB test accuracy after 2 epochs: {imdb_acc:.3f}")

# %% [markdown]
# ## Exercises

# %% [markdown]
# ### Exercise 10.1 — the naive-Bayes log-count ratio · ★ · 2 points
#
# Write `log_count_ratio(X, y, alpha)`: `X` is a (documents, words) array of counts, `y`
# the (documents,) 0/1 labels. Return the (words,) array
# $r = \log\frac{p/\lVert p\rVert_1}{q/\lVert q\rVert_1}$, where $p = \alpha + $ the column
# sums over the positive sentences and $q = \alpha + $ those over the negative ones.

# %%
def log_count_ratio(X, y, alpha=1.0):
    """(documents, words) counts, (documents,) 0/1 labels -> (words,) log-count ratios."""
    # BEGIN SOLUTION
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    p = alpha + X[y == 1].sum(axis=0)
    q = alpha + X[y == 0].sum(axis=0)
    return np.log(p / p.sum()) - np.log(q / q.sum())
    # END SOLUTION


# %%
sentiment_ex.check_log_count_ratio(log_count_ratio)

# %% [markdown]
# ### Exercise 10.2 — pair accuracy on minimal pairs · ★★ · 2 points
#
# Write `pair_accuracy(predicted, labels, pairs)`: three (n,) arrays — 0/1 predictions,
# 0/1 labels, and each sentence's pair id (the two sentences of a pair share it; pairs are
# not necessarily neighbouring rows). Return, as a float, the share of pairs whose
# sentences are *both* predicted right.

# %%
def pair_accuracy(predicted, labels, pairs):
    """(n,) predictions, labels and pair ids -> share of pairs with every sentence right."""
    # BEGIN SOLUTION
    right = np.asarray(predicted) == np.asarray(labels)
    pairs = np.asarray(pairs)
    return float(np.mean([right[pairs == p].all() for p in np.unique(pairs)]))
    # END SOLUTION


# %%
sentiment_ex.check_pair_accuracy(pair_accuracy)

# %% [markdown]
# ### Exercise 10.3 — logistic regression on word counts, by gradient descent · ★★★ · 5 points
#
# Write `fit_logistic(X, y, l2)`: minimise the mean log-loss plus $\frac{l_2}{2}\lVert w
# \rVert^2$ (the bias $b$ is not penalised) over the weights $w$ (one per word) and $b$,
# by gradient descent from $w = 0, b = 0$. Return the pair `(w, b)`. The check accepts any
# method that reaches the minimum: the gradient's norm must fall below $10^{-4}$.
# Hint: with $e = \sigma(Xw + b) - y$, the gradient is $X^\top e / n + l_2 w$ for $w$ and
# the mean of $e$ for $b$; a safe step size is $1 / (\lVert X \rVert_2^2 / 4n + l_2)$.

# %%
def fit_logistic(X, y, l2):
    """(documents, words) counts, (documents,) 0/1 labels, l2 >= 0 -> (w (words,), b)."""
    # BEGIN SOLUTION
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    w, b = np.zeros(X.shape[1]), 0.0
    step = 1.0 / (0.25 * np.linalg.norm(X, 2) ** 2 / len(y) + l2 + 0.25)
    for _ in range(50_000):
        error = 1 / (1 + np.exp(-(X @ w + b))) - y
        grad_w, grad_b = X.T @ error / len(y) + l2 * w, error.mean()
        if np.sqrt(grad_w @ grad_w + grad_b**2) < 1e-7:
            break
        w, b = w - step * grad_w, b - step * grad_b
    return w, b
    # END SOLUTION


# %%
sentiment_ex.check_fit_logistic(fit_logistic)

# %% [markdown]
# ## Review questions
#
# 1. Why is the label the *sign* of the mean rating, and why are the sentences rated exactly
#    0 left out rather than given a label?
# 2. What does a bag of words keep of a sentence and what does it lose? Why do bigrams catch
#    "not good" but not "good, but dull"?
# 3. Why is every bag-of-words model at exactly 50 % on the order-flipped probe pairs, and
#    at 0 % of pairs fully right?
# 4. What does `mask_zero=True` change for the LSTM and for the average of embeddings?
# 5. On 10 K sentences NBSVM beats our LSTM. Give two reasons, and say what Kim (2014)
#    changed to reach 81 %.
# 6. Why do the augmentation sentences use sentiment words disjoint from the probes'? What
#    would probe accuracy measure if they shared them?
# 7. Why does a single train/test split make a one-point difference between two models
#    weak evidence, and what do the papers do instead?
# 8. Section 7 keeps the augmented LSTM's best epoch on MR validation *plus* held-out
#    generated sentences. Why would MR validation alone be the wrong criterion?
