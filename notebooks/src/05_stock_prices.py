# %% [markdown]
# # 05 · Stock prices: an honest forecast against the random walk
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/lstm-course/lstm-course/blob/main/notebooks/05_stock_prices.ipynb)
#
# **What you will learn**
# - why prices are non-stationary and daily returns nearly unpredictable — measured on twenty
#   years of the S&P 500, with the volatility clustering that *is* predictable;
# - how to split a market series in time and build windows without looking ahead;
# - the baselines every stock forecast must face: random walk, drift, moving average;
# - what the popular "LSTM predicts the stock price" recipe really learns, run as written and
#   run properly, and a lag diagnostic that shows which past days a forecast echoes;
# - walk-forward evaluation of return forecasts, direction accuracy against "always up", and
#   the Diebold–Mariano test — written by hand — of whether an LSTM beats the random walk,
#   with its limits for nested models.
#
# **Prerequisites:** notebook 04 (LSTMs in Keras).
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
# Search the web for "LSTM stock price prediction" and you will find the same picture again
# and again: a predicted price curve lying almost exactly on the real one. This notebook runs
# that recipe and shows what the picture hides. Then it builds a forecast that is evaluated
# honestly, and asks the only question that matters: does it beat the forecast
# *tomorrow = today*?
#
# ## 1 · Twenty years of the S&P 500
#
# The course ships daily prices of two US indexes, 1999–2018, as a checksummed snapshot, so
# everything below runs offline. (Section 7 downloads any ticker live with `yfinance`.)

# %%
import matplotlib.pyplot as plt
import numpy as np

from lstm_course import data
from lstm_course.exercises import stock_prices  # the checks of this notebook's exercises
from lstm_course.exercises.registry import solved

prices = data.load_stock("^GSPC")  # the S&P 500 index; "^IXIC" is the NASDAQ Composite
close = prices["Close"]
print(f"{len(prices):,} trading days, {prices.index[0]:%Y-%m-%d} to {prices.index[-1]:%Y-%m-%d}")
print(f"columns: {list(prices.columns)}")
print(f"first close {close.iloc[0]:,.2f}, last close {close.iloc[-1]:,.2f}")
print(f"lowest  {close.min():,.2f} on {close.idxmin():%Y-%m-%d}")
print(f"highest {close.max():,.2f} on {close.idxmax():%Y-%m-%d}")
top_2000, top_2007 = close["2000"].max(), close["2007"].max()
last_below = close[close < top_2007].index[-1]
print(f"highest close of 2000: {top_2000:,.2f}; of 2007: {top_2007:,.2f}; "
      f"last close below the 2007 top: {last_below:%Y-%m-%d}")

# %% [markdown]
# Prices are awkward to model: a move of 20 points meant 3 % in 2009 and 0.7 % in 2018.
# Forecasters work with the **log return** instead,
#
# $$r_t = \log\frac{P_t}{P_{t-1}} \approx \frac{P_t - P_{t-1}}{P_{t-1}},$$
#
# a relative change that adds up over days ($r_{t} + r_{t+1} = \log P_{t+1}/P_{t-1}$). Below:
# the price, the daily log returns, and their spread over the last 20 days (the volatility).

# %%
returns = np.log(close).diff().dropna()  # (5030,): one fewer than prices
volatility = returns.rolling(20).std() * np.sqrt(252)  # annualised, as traders quote it
by_year = (returns.groupby(returns.index.year).std() * np.sqrt(252)).sort_values()
print("calmest years:   ", ", ".join(f"{y} ({100 * v:.0f} %)" for y, v in by_year[:3].items()))
print("wildest years:   ", ", ".join(f"{y} ({100 * v:.0f} %)" for y, v in by_year[-3:].items()))

fig, axes = plt.subplots(3, 1, figsize=(8, 6.4), sharex=True)
axes[0].plot(close, lw=0.8)
axes[0].set_ylabel("index points")
axes[0].set_title("S&P 500: price, daily log return, 20-day volatility")
axes[1].plot(100 * returns, lw=0.4)
axes[1].set_ylabel("log return (%)")
axes[2].plot(100 * volatility, lw=0.8, color="C3")
axes[2].set_ylabel("volatility (%/year)")
plt.show()

# %% [markdown]
# Three things to see:
#
# - **The price is non-stationary.** It has no level it returns to: the tops of 2000 and
#   2007 (printed above) were nearly the same, and a few years after the second one the
#   index left that level behind for good. Its mean and spread depend on which years you
#   look at, so anything learned about "typical prices" in one decade is wrong in the next.
# - **Returns hover around zero**, with no visible pattern in their sign.
# - **Their size clusters.** Calm years and turbulent ones (the printout names the three of
#   each, with their annualised volatility) come in long stretches: big moves follow big
#   moves, in either direction. This is *volatility clustering*, the effect GARCH models (and
#   the `arch` package our snapshot comes from) were built for.
#
# Autocorrelation puts numbers on this. The autocorrelation at lag $k$ says how much today's
# value resembles the value $k$ days earlier. For independent, identically distributed (iid)
# noise, about 95 % of the estimates fall within $\pm 1.96/\sqrt{n}$, the grey band below.
# Returns are not iid — their size clusters — so for them the band is only a rough guide: a
# band that allows for the clustering is wider.

# %%
from lstm_course.forecast_eval import autocorrelation

r = returns.to_numpy()
lags = np.arange(1, 21)
acf_returns = autocorrelation(r, max_lag=20)
acf_size = autocorrelation(np.abs(r), max_lag=20)
band = 1.96 / np.sqrt(len(r))
acf_price = autocorrelation(close.to_numpy(), max_lag=1)[0]
print(f"lag-1 autocorrelation: price {acf_price:.4f}, return {acf_returns[0]:+.3f}, "
      f"|return| {acf_size[0]:+.3f}   (iid noise band ±{band:.3f})")
print(f"largest |autocorrelation| of returns, lags 1–20: {np.abs(acf_returns).max():.3f}")
print(f"smallest autocorrelation of |returns|, lags 1–20: {acf_size.min():.3f}")

fig, ax = plt.subplots(figsize=(8, 2.8))
ax.bar(lags - 0.2, acf_returns, width=0.4, label="return $r_t$")
ax.bar(lags + 0.2, acf_size, width=0.4, label="size of return $|r_t|$", color="C3")
ax.axhspan(-band, band, color="grey", alpha=0.2, label="iid noise band")
ax.set_xlabel("lag (trading days)")
ax.set_xticks(lags[::2])  # whole days
ax.set_ylabel("autocorrelation")
ax.set_ylim(-0.12, 0.5)
ax.legend(fontsize=9, ncol=3, loc="lower center", bbox_to_anchor=(0.5, 1.0))  # above the bars
plt.show()

assert acf_price > 0.99  # the price "remembers" its level: a random walk, not a mean
assert np.abs(acf_returns).max() < 0.1  # returns: at most faintly predictable from the past
assert acf_size.min() > 0.15  # sizes: clearly predictable (volatility clustering)

# %% [markdown]
# The sign of tomorrow's return is close to unpredictable from past returns: even the largest
# autocorrelation, squared, explains under 1 % of tomorrow's variance (the last assertion
# but one). The *size* is predictable — but a forecast of the price needs the sign. Keep
# that in mind: it decides everything that follows.
#
# ## 2 · Split in time, scale with the past only
#
# A forecast is tested on days after everything it learned from. We train on 1999–2015 and
# test on 2016–2018, and never shuffle across that line. We tune nothing on these data (the
# networks and the number of epochs are fixed in advance), so no validation period is
# needed; if you tune, carve one out of the training years, never out of the test years.
#
# Each example is a window of the last 20 closes (four trading weeks) and the next close as
# its target, made by `make_windows` from notebook 04.

# %%
from lstm_course.windows import StandardScaler, make_windows

WINDOW = 20
TEST_START = "2016-01-01"

P = close.to_numpy()
X_price, y_price = make_windows(P, WINDOW)  # (5011, 20, 1) past closes, (5011, 1) next close
target_day = close.index[WINDOW:]  # the day each example's target belongs to
is_test = target_day >= TEST_START
n_train = int(np.argmax(is_test))  # examples before this index predict days before 2016
print(f"X {X_price.shape}, y {y_price.shape}")
print(f"train: {n_train:,} examples, targets {target_day[0]:%Y-%m-%d} .. "
      f"{target_day[n_train - 1]:%Y-%m-%d}")
print(f"test:  {is_test.sum():,} examples, targets {target_day[n_train]:%Y-%m-%d} .. "
      f"{target_day[-1]:%Y-%m-%d}")

# %% [markdown]
# Neural networks like inputs of order one, so tutorials rescale the prices. A scaler fitted
# on training prices only is the honest choice (notebook 04's exercise 04.1): the mean and
# spread of the test years are the future. Look at what the test years look like through a
# scaler that only knew the past:

# %%
price_scaler = StandardScaler().fit(P[: n_train + WINDOW])  # every close the training saw
z_train = price_scaler.transform(y_price[:n_train])
z_test = price_scaler.transform(y_price[n_train:])
above = np.mean(y_price[n_train:] > P[: n_train + WINDOW].max())
print(f"training targets, standardised: {z_train.min():+.2f} .. {z_train.max():+.2f}")
print(f"test targets, standardised:     {z_test.min():+.2f} .. {z_test.max():+.2f}")
print(f"test days above the highest training close: {above:.0%}")
assert z_test.max() > z_train.max() + 1  # the test years leave the training range
assert above > 0.5

# %% [markdown]
# That is non-stationarity in one line: most test prices are higher than any price the
# model will ever see in training. Keep it in mind for section 4.
#
# ## 3 · Baselines: what "no skill" scores
#
# Before any network, the forecasts that need no learning. If prices follow a **random walk**
# — tomorrow's price is today's plus an unpredictable step — then the best forecast of
# tomorrow is today's close. That is the baseline that matters here.

# %% [markdown]
# ### Exercise 05.1 — the random walk forecast · ★ · 2 points
#
# Write `random_walk_forecast(prices, drift=0.0)`: for a NumPy array of closes
# $P_0, \dots, P_{n-1}$ in time order, return a NumPy array of the $n - 1$ forecasts for days
# $1, \dots, n-1$, each $\hat P_t = P_{t-1}\, e^{\text{drift}}$. With `drift = 0` that is
# "tomorrow = today"; a positive drift (a log return per day) adds an average rise. The
# check draws new price paths and drifts on every call.

# %%
def random_walk_forecast(prices, drift=0.0):
    """prices: (n,) closes in time order -> (n - 1,) forecasts for days 1..n-1."""
    # BEGIN SOLUTION
    prices = np.asarray(prices, dtype=float)
    return prices[:-1] * np.exp(drift)
    # END SOLUTION


# %%
stock_prices.check_random_walk(random_walk_forecast)

# %% [markdown]
# The package has the same baselines, working on windows: `persistence` (the random walk),
# `linear_trend` (extends the line from the window's first to its last close) and
# `moving_average` (the mean of the last 5 closes). Their errors on the test years, in index
# points:

# %%
from lstm_course import baselines
from lstm_course.metrics import direction_accuracy, mae, rmse

y_test = y_price[n_train:, 0]
level_baselines = {
    "random walk": baselines.persistence(X_price)[n_train:, 0],
    "linear trend (20 days)": baselines.linear_trend(X_price)[n_train:, 0],
    "moving average (5)": baselines.moving_average(X_price, k=5)[n_train:, 0],
}
print(f"{'forecast of the close':22s} {'MAE':>7s} {'RMSE':>7s}   (index points, 2016–2018)")
for name, forecast in level_baselines.items():
    print(f"{name:22s} {mae(y_test, forecast):7.2f} {rmse(y_test, forecast):7.2f}")
rw_mae = mae(y_test, level_baselines["random walk"])
print(f"the random walk misses by {rw_mae / y_test.mean():.2%} of the average test close")
assert rw_mae < mae(y_test, level_baselines["linear trend (20 days)"])
assert rw_mae < mae(y_test, level_baselines["moving average (5)"])

# %% [markdown]
# The random walk wins: its average miss is about half a percent of the index. Trend lines
# and averages do worse, because they answer with older prices.
#
# ## 4 · The viral recipe: an LSTM on price levels
#
# Here is the recipe of the popular tutorials, at a size that trains in seconds: rescale the
# closes to [0, 1] with a **min–max scaler fitted on all the data**, feed windows of 20 scaled
# closes to an LSTM, predict the next scaled close, and scale it back. Fitting the scaler on
# all the data is a leak (the test years' highest price sets the scale), but it is what the
# tutorials do. Next to it we run the same recipe **fitted properly**: the scaler sees the
# training closes only.
#
# Both train a 16-unit LSTM with Adam (learning rate 0.01) for 10 epochs on the windows up to
# 2015, from three seeds each (1, 2, 3): the table reports the mean and the range.

# %%
import keras

from lstm_course import progress  # a bar while a cell trains; off when the notebook is built


def build_lstm(seed, units=16, learning_rate=1e-3):
    """A small forecaster: (batch, WINDOW, 1) -> (batch, 1)."""
    keras.utils.set_random_seed(seed)  # same seed, same initial weights, same result
    model = keras.Sequential(
        [keras.Input((WINDOW, 1)), keras.layers.LSTM(units), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
    return model


def min_max_recipe(seed, fitted_on):
    """The tutorial recipe with a min-max scaler fitted on `fitted_on` -> test forecasts (points)."""
    low, high = fitted_on.min(), fitted_on.max()
    model = build_lstm(seed, learning_rate=1e-2)
    model.fit((X_price[:n_train] - low) / (high - low), (y_price[:n_train] - low) / (high - low),
              epochs=10, batch_size=64, verbose=0)
    scaled = model.predict((X_price[n_train:] - low) / (high - low), verbose=0)[:, 0]
    return low + scaled * (high - low)


RECIPE_SEEDS = [1, 2, 3]
recipes = {"all data (leak)": P, "training closes": P[: n_train + WINDOW]}
plan = [(name, seed) for name in recipes for seed in RECIPE_SEEDS]
forecast_of = {(name, seed): min_max_recipe(seed, recipes[name])
               for name, seed in progress.bar(plan, f"tutorial recipe, {len(plan)} models")}
recipe_forecasts = {name: [forecast_of[name, seed] for seed in RECIPE_SEEDS] for name in recipes}

# %%
# NBVAL_IGNORE_OUTPUT
recipe_mae = {name: np.array([mae(y_test, f) for f in fs]) for name, fs in recipe_forecasts.items()}
print(f"{'min-max scaler fitted on':25s} {'MAE, mean':>10s} {'min':>7s} {'max':>7s}   "
      "mean / random walk")
for name, maes in recipe_mae.items():
    print(f"{name:25s} {maes.mean():10.1f} {maes.min():7.1f} {maes.max():7.1f}   "
          f"{maes.mean() / rw_mae:.2f}")
print(f"{'(random walk)':25s} {rw_mae:10.1f}")
bias = {name: np.mean([np.mean(f - y_test) for f in fs]) for name, fs in recipe_forecasts.items()}
print("mean forecast - close, over the seeds: "
      + ", ".join(f"{name} {b:+.1f} points" for name, b in bias.items()))

# %%
for name, maes in recipe_mae.items():  # every seed, either scaler: worse than the random walk
    assert maes.min() > 1.2 * rw_mae, (name, maes, rw_mae)

# %% [markdown]
# From every seed, with either scaler, the recipe misses by more than the random walk — and
# mostly on the low side (the last line). The leak changes little here: whichever prices set
# the scale, the windows the network learns from stop at the end of 2015, so the test years'
# prices lie above every input it was trained on, and it has to extrapolate. Yet plotted over
# three years, the forecasts (seed 1) look like the viral picture:

# %%
import matplotlib.dates as mdates

test_days = target_day[n_train:]
viral = recipe_forecasts["all data (leak)"][0]  # seed 1
yesterday_close = X_price[n_train:, -1, 0]  # P_{t-1}: the random walk's forecast
zoom = slice(500, 540)  # 40 trading days around the start of 2018
fig, axes = plt.subplots(1, 2, figsize=(10.5, 3.4), layout="constrained")
axes[0].plot(test_days, y_test, lw=1, label="S&P 500 close")
axes[0].plot(test_days, viral, lw=1, label="LSTM, scaler fitted on all data")
axes[0].plot(test_days, recipe_forecasts["training closes"][0], lw=1,
             label="LSTM, scaler fitted on training closes")
axes[0].set_title("2016–2018: a near-perfect fit?")
axes[1].plot(test_days[zoom], y_test[zoom], lw=1, marker=".", label="S&P 500 close")
axes[1].plot(test_days[zoom], viral[zoom], lw=1, marker=".", label="LSTM, scaler fitted on all data")
axes[1].plot(test_days[zoom], yesterday_close[zoom], lw=0.8, ls="--", color="grey",
             label="yesterday's close (random walk)")
axes[1].set_title("40 days close up: behind and below the market")
for ax in axes:
    ax.set_ylabel("index points")
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
fig.legend(handles=[*axes[0].get_lines(), axes[1].get_lines()[2]], loc="outside lower center",
           ncol=2, fontsize=9)  # below both panels, off the data
plt.show()

# %% [markdown]
# The left plot is the one that goes viral: on the scale of three years of the index, a miss
# of a few dozen points is hard to see. The close-up shows what the forecast does: it follows the market a day or
# more *behind*, smoothed, and below it.
#
# ### The lag diagnostic
#
# Make "behind" measurable: correlate the forecast's daily *change* with the market's daily
# change $k$ days earlier, for $k = -5 \dots 5$. A forecaster with skill moves *with* the
# market, so its profile peaks at $k = 0$; a forecast that echoes the market's recent moves
# peaks at positive $k$ — the random walk, whose change today *is* the market's change
# yesterday, has a correlation of exactly 1 at $k = +1$. (Use changes, not levels: trending
# levels correlate near 1 at every small lag and hide the peak.)

# %% [markdown]
# ### Exercise 05.2 — the lag profile of a forecast · ★★ · 3 points
#
# Write `lag_profile(forecast, truth, max_lag)` for two NumPy arrays of one length $n$: for
# each $k = -K, \dots, K$ (with $K$ = `max_lag`), the correlation of `forecast[t]` with
# `truth[t - k]` over the days $t$ where both exist. Return a NumPy array of the
# $2K + 1$ correlations in the order of $k$. The check draws forecasts that echo a random
# series some days late — or early.

# %%
def lag_profile(forecast, truth, max_lag):
    """forecast, truth: (n,) -> (2 * max_lag + 1,) correlations for k = -max_lag..max_lag."""
    # BEGIN SOLUTION
    n = len(forecast)
    correlations = []
    for k in range(-max_lag, max_lag + 1):
        if k >= 0:  # forecast[t] against truth[t - k]: drop the first k forecasts
            a, b = forecast[k:], truth[: n - k]
        else:  # against a later truth: drop the last |k| forecasts
            a, b = forecast[: n + k], truth[-k:]
        correlations.append(np.corrcoef(a, b)[0, 1])
    return np.array(correlations)
    # END SOLUTION


# %%
stock_prices.check_lag_profile(lag_profile)

# %%
from lstm_course.forecast_eval import lag_correlation


def lag_profile_by_the_package(forecast, truth, max_lag):
    """The package's lag_correlation, correlations only."""
    return lag_correlation(forecast, truth, max_lag)[1]


profile = solved("05.2", lag_profile_by_the_package)
k = np.arange(-5, 6)
market_change = np.diff(y_test)
rw_profile = profile(np.diff(yesterday_close), market_change, 5)
print(f"the random walk's own profile: {rw_profile[k == 1][0]:.3f} at k = +1, "
      f"{rw_profile[k == 0][0]:+.3f} at k = 0")
assert rw_profile[k == 1][0] > 0.999  # by construction: its change today is yesterday's
recipe_profiles = {name: np.array([profile(np.diff(f), market_change, 5) for f in fs])
                   for name, fs in recipe_forecasts.items()}  # (seeds, 11) per scaler

fig, ax = plt.subplots(figsize=(8.5, 2.8), layout="constrained")
for (name, rows), offset in zip(recipe_profiles.items(), (-0.2, 0.2), strict=True):
    mean = rows.mean(axis=0)
    spread = [mean - rows.min(axis=0), rows.max(axis=0) - mean]  # whiskers: the seeds' range
    ax.bar(k + offset, mean, width=0.4, yerr=spread, capsize=2, label=f"scaler on {name}")
ax.plot(k, rw_profile, "k_", markersize=14, mew=2, label="random walk")
ax.set_xticks(k)  # whole days
ax.set_xlabel("k: forecast change at t vs market change at t - k (trading days)")
ax.set_ylabel("correlation")
ax.set_title("The recipe's forecasts echo the market's past moves (3 seeds each)")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)
plt.show()

# %%
# NBVAL_IGNORE_OUTPUT
print("k:                         " + " ".join(f"{lag:+6d}" for lag in k))
for name, rows in recipe_profiles.items():
    for seed, row in zip(RECIPE_SEEDS, rows, strict=True):
        print(f"{name:17s}, seed {seed}:  " + " ".join(f"{c:+6.2f}" for c in row))
past_close = {j: X_price[n_train:, -j, 0] if j else y_test for j in range(6)}  # P_{t-j}
miss = {j: np.mean([mae(close_j, f) for fs in recipe_forecasts.values() for f in fs])
        for j, close_j in past_close.items()}
print("mean |forecast - close of day t - j| over the six runs, points:  "
      + "  ".join(f"j = {j}: {m:.1f}" for j, m in miss.items()))

# %%
all_profiles = np.concatenate(list(recipe_profiles.values()))  # (6, 11): every run
assert np.all(np.abs(all_profiles[:, k == 0]) < 0.15)  # no run moves with the market ...
assert np.all(all_profiles[:, k > 0].max(axis=1) > 0.3)  # ... every one echoes its past
assert min(miss[j] for j in range(1, 6)) < miss[0]  # closer to a past close than to P_t

# %% [markdown]
# At $k = 0$ every run's profile is close to zero: the forecast does not move with the
# market on the day it forecasts. Its moves echo the market's moves of the days before —
# yesterday's most, then fading over a few days, because the network averages the recent
# closes. The last printed line says the same in points: the forecast lies closer to the
# close of an earlier day than to the close of the day it forecasts. The network has learned
# "about the last few closes", which is what the random walk says without any training —
# and it says it worse, because it saw no prices this high while it trained.
#
# Note what the diagnostic can and cannot show. A forecast made from past prices alone
# cannot correlate with an unpredictable move at $k = 0$, whatever it is; the profile shows
# *which* past moves it repeats. A good-looking price plot and a small error in points tell
# you nothing about skill; the question is whether a model predicts the *change*. So let us
# ask it directly.
#
# ## 5 · An LSTM on log returns, evaluated walk-forward
#
# Now the target is tomorrow's log return $r_t$, and the input the 20 returns before it, each
# standardised with a scaler fitted on the training returns. A forecast $\hat r_t$ becomes a
# price forecast $\hat P_t = P_{t-1} e^{\hat r_t}$, so we can score it in both units.
#
# Markets change, so one model trained on 1999–2015 and tested on three later years is not
# how anyone would use it. **Walk-forward** (expanding-window) evaluation refits before each
# test year on *everything before it*: fold 1 trains on the returns up to 2015 and predicts
# 2016, fold 2 trains up to 2016 and predicts 2017, fold 3 trains up to 2017 and predicts
# 2018. Every test day is predicted once, by a model that never saw it — and the scaler is
# refitted on each fold's training returns.

# %%
from lstm_course.forecast_eval import Fold

X_ret, y_ret = make_windows(r, WINDOW)  # (5010, 20, 1), (5010, 1): 20 returns -> the next
return_day = returns.index[WINDOW:]
prev_close = P[WINDOW:-1]  # P_{t-1} of each target day, to turn returns into points
year_starts = [int(np.argmax(return_day >= f"{year}-01-01")) for year in (2016, 2017, 2018)]
folds = [Fold(start, end) for start, end in zip(year_starts, [*year_starts[1:], len(X_ret)],
                                                strict=True)]  # one fold per calendar year
test_start = folds[0].train_end
for i, fold in enumerate(folds, 1):
    print(f"fold {i}: train on {fold.train_end:,} examples "
          f"(..{return_day[fold.train_end - 1]:%Y-%m-%d}), "
          f"test {return_day[fold.train_end]:%Y-%m-%d}..{return_day[fold.test_end - 1]:%Y-%m-%d}")


# %%
def walk_forward_lstm(seeds, epochs=8):
    """Refit per fold (fold i from seeds[i]); the out-of-sample return forecasts, (n_test,)."""
    forecasts = []
    plan = list(zip(seeds, folds, strict=True))
    for seed, fold in progress.bar(plan, f"walk-forward, seeds {seeds}, one model per year"):
        scaler = StandardScaler().fit(r[: fold.train_end + WINDOW])  # returns seen in training
        Xs = scaler.transform(X_ret.reshape(-1, 1)).reshape(X_ret.shape)
        ys = scaler.transform(y_ret)
        model = build_lstm(seed)
        model.fit(Xs[fold.train], ys[fold.train], epochs=epochs, batch_size=64, verbose=0)
        z = model.predict(Xs[fold.test], verbose=0)[:, 0]
        forecasts.append(scaler.inverse_transform(z, column=0))
    return np.concatenate(forecasts)


lstm_ret = walk_forward_lstm(seeds=[10, 11, 12])
r_test = y_ret[test_start:, 0]  # the actual returns of 2016–2018

# %% [markdown]
# Before any score, look at the forecasts themselves:

# %%
# NBVAL_IGNORE_OUTPUT
print(f"standard deviation of the daily returns, 2016–2018: {100 * r_test.std():.3f} %")
print(f"standard deviation of the LSTM's forecasts:          {100 * lstm_ret.std():.3f} % "
      f"(ratio {lstm_ret.std() / r_test.std():.3f})")

fig, ax = plt.subplots(figsize=(9, 2.8), layout="constrained")
ax.plot(return_day[test_start:], 100 * r_test, color="grey", lw=0.5, label="actual return")
ax.plot(return_day[test_start:], 100 * lstm_ret, color="C3", lw=1, label="LSTM forecast")
ax.set_ylabel("daily log return (%)")
ax.set_title("Walk-forward forecasts of the daily return, 2016–2018")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)
plt.show()

# %%
assert lstm_ret.std() < 0.25 * r_test.std()  # the forecasts shrink towards 0

# %% [markdown]
# The forecasts hug zero: their spread is a small fraction of the returns' spread (the
# printout gives both). Trained to minimise squared error on returns whose sign it cannot
# predict, the network does the sensible thing and predicts a number close to the average
# return on almost every day — close to the random walk's forecast of zero. Keep this in
# mind when the scores come in.
#
# A useful forecast of returns must at least call the direction. **Direction accuracy** is the
# share of days on which the forecast has the sign of the actual return. Its baseline is not
# 50 %: the market rose on most days, so "always up" is right more often than a coin.

# %% [markdown]
# ### Exercise 05.3 — direction accuracy · ★ · 2 points
#
# Write `my_direction_accuracy(actual, predicted)` for two NumPy arrays of returns of one
# length: return the share (a number between 0 and 1) of days on which `np.sign` of both
# agree, leaving out days whose actual return is exactly 0 (no direction to get right). A
# forecast of exactly 0 calls no direction, so it counts as wrong.

# %%
def my_direction_accuracy(actual, predicted):
    """actual, predicted: (n,) returns -> share of non-zero days with matching signs."""
    # BEGIN SOLUTION
    actual, predicted = np.asarray(actual), np.asarray(predicted)
    moving = actual != 0
    return float(np.mean(np.sign(predicted[moving]) == np.sign(actual[moving])))
    # END SOLUTION


# %%
stock_prices.check_direction_accuracy(my_direction_accuracy)

# %% [markdown]
# The baselines for returns: the **random walk** forecasts a return of 0 (and so makes no
# direction call); **drift** forecasts each fold's average training return (always slightly
# up); the **moving average** forecasts the mean of the last 5 returns (momentum); **always
# up** is a direction-only forecast. Errors are scored in percent (returns) and in index
# points.

# %%
def score(forecast):
    """MAE and RMSE of returns (%) and of closes (points), and direction accuracy."""
    yesterday = prev_close[test_start:]
    true_close, forecast_close = yesterday * np.exp(r_test), yesterday * np.exp(forecast)
    direction = direction_accuracy(r_test, forecast) if np.any(forecast != 0) else np.nan
    return (100 * mae(r_test, forecast), 100 * rmse(r_test, forecast),
            mae(true_close, forecast_close), rmse(true_close, forecast_close), direction)


drift_ret = np.concatenate([np.full(f.test_end - f.train_end, r[: f.train_end + WINDOW].mean())
                            for f in folds])
return_baselines = {
    "random walk (r = 0)": np.zeros_like(r_test),
    "drift (mean return)": drift_ret,
    "moving average (5)": baselines.moving_average(X_ret, k=5)[test_start:, 0],
}
header = f"{'forecast':22s} {'MAE %':>6s} {'RMSE %':>7s} {'MAE pt':>7s} {'RMSE pt':>8s} {'direction':>9s}"
print(header)
rows = {name: score(forecast) for name, forecast in return_baselines.items()}
for name, (m, s, mp, sp, d) in rows.items():
    print(f"{name:22s} {m:6.3f} {s:7.3f} {mp:7.2f} {sp:8.2f} {'—' if np.isnan(d) else f'{d:.1%}':>9s}")
always_up = direction_accuracy(r_test, np.ones_like(r_test))
print(f"{'always up':22s} {'':6s} {'':7s} {'':7s} {'':8s} {always_up:9.1%}")
assert rows["random walk (r = 0)"][1] < rows["moving average (5)"][1]
assert 0.5 < always_up < 0.6

# %%
# NBVAL_IGNORE_OUTPUT
lstm_scores = score(lstm_ret)
m, s, mp, sp, d = lstm_scores
print(header)
print(f"{'LSTM, walk-forward':22s} {m:6.3f} {s:7.3f} {mp:7.2f} {sp:8.2f} {d:9.1%}")
rw_scores = rows["random walk (r = 0)"]
print(f"RMSE relative to the random walk: {s / rw_scores[1]:.4f}")

# %%
assert abs(lstm_scores[1] / rw_scores[1] - 1) < 0.05  # RMSE within 5 % of the random walk
assert lstm_scores[4] < always_up + 0.03  # no better at direction than "always up"

# %% [markdown]
# The LSTM's errors are within a whisker of the random walk's, in returns and in points — as
# they must be for forecasts that are almost zero — and it calls the direction no better than
# "always up". Those numbers come from one training run per fold (seeds 10, 11, 12). Is the
# verdict an accident of the seeds? Two more walk-forward runs, with other seeds:

# %%
# NBVAL_IGNORE_OUTPUT
other_runs = {seeds: walk_forward_lstm(seeds=list(seeds)) for seeds in [(20, 21, 22),
                                                                       (30, 31, 32)]}
for seeds, forecast in {(10, 11, 12): lstm_ret, **other_runs}.items():
    print(f"seeds {seeds}: RMSE / random walk {score(forecast)[1] / rw_scores[1]:.4f}, "
          f"forecast spread / return spread {forecast.std() / r_test.std():.3f}")

# %%
for forecast in other_runs.values():
    assert abs(score(forecast)[1] / rw_scores[1] - 1) < 0.05
    assert forecast.std() < 0.25 * r_test.std()

# %% [markdown]
# Same picture from every seed. A single number still cannot say whether a small difference
# from the random walk is real: the next three years would give slightly different ones.
#
# ## 6 · Better, or just lucky? The Diebold–Mariano test
#
# Compare two forecasts day by day through their **loss differential**
# $d_t = e_{A,t}^2 - e_{B,t}^2$, where $e = $ actual $-$ forecast. If A and B are equally good,
# $d_t$ has mean zero. Diebold and Mariano (1995) test exactly that, with a $t$-like statistic
#
# $$\mathrm{DM} = \frac{\bar d}{\sqrt{\hat V / n}}, \qquad
#   \hat V = \hat\gamma_0 + 2 \sum_{k=1}^{h-1} \hat\gamma_k, \qquad
#   \hat\gamma_k = \frac{1}{n} \sum_{t=k+1}^{n} (d_t - \bar d)(d_{t-k} - \bar d),$$
#
# where $\hat V$ estimates the long-run variance of $d_t$: its variance $\hat\gamma_0$ plus
# *twice* each autocovariance up to lag $h - 1$ (once for lag $k$, once for lag $-k$), because
# the errors of forecasts $h$ steps ahead overlap for $h - 1$ steps. For one-step forecasts
# ($h = 1$), $\hat V$ is just the variance of $d_t$. Harvey, Leybourne and Newbold (1997)
# multiply DM by $\sqrt{(n + 1 - 2h + h(h-1)/n)/n}$ and compare it with Student's $t_{n-1}$,
# which holds its size better in samples like ours. Negative DM: A has the smaller errors.

# %% [markdown]
# ### Exercise 05.4 — the Diebold–Mariano test by hand · ★★★ · 5 points
#
# Write `dm_test(errors_a, errors_b, horizon=1)` for two NumPy arrays of forecast errors on the
# same $n$ days: return a pair `(statistic, p_value)` — the Diebold–Mariano statistic for
# squared loss, with the long-run variance above and the Harvey–Leybourne–Newbold correction,
# and its two-sided p-value from Student's $t$ with $n - 1$ degrees of freedom. For the
# $t$ distribution use `student_t_cdf(x, df)` from `lstm_course.forecast_eval` (imported
# below), which gives $P(T \le x)$. The check draws fat-tailed errors for horizons 1 to 4.

# %%
from lstm_course.forecast_eval import student_t_cdf


def dm_test(errors_a, errors_b, horizon=1):
    """errors_a, errors_b: (n,) -> (DM statistic with HLN correction, two-sided p-value)."""
    # BEGIN SOLUTION
    d = errors_a**2 - errors_b**2  # loss differential: negative where a did better
    n, h = len(d), horizon
    centred = d - d.mean()
    gammas = [np.sum(centred[k:] * centred[: n - k]) / n for k in range(h)]  # γ_0 .. γ_h-1
    long_run_variance = gammas[0] + 2 * sum(gammas[1:])
    statistic = d.mean() / np.sqrt(long_run_variance / n)
    statistic *= np.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)  # Harvey–Leybourne–Newbold
    p_value = 2 * (1 - student_t_cdf(abs(statistic), n - 1))
    return statistic, p_value
    # END SOLUTION


# %%
stock_prices.check_dm_test(dm_test)

# %% [markdown]
# First a pair with no training involved: the moving average, and drift, each against the
# random walk.

# %%
from lstm_course.forecast_eval import block_bootstrap_ci, diebold_mariano


def dm_test_by_the_package(errors_a, errors_b, horizon=1):
    """The package's diebold_mariano as (statistic, two-sided p-value)."""
    result = diebold_mariano(errors_a, errors_b, horizon=horizon)
    return result.statistic, result.p_value


test_pair = solved("05.4", dm_test_by_the_package)
e_rw = r_test - return_baselines["random walk (r = 0)"]
e_ma = r_test - return_baselines["moving average (5)"]
e_drift = r_test - drift_ret
ma_dm, ma_p = test_pair(e_ma, e_rw)
drift_dm, drift_p = test_pair(e_drift, e_rw)
print(f"moving average vs random walk: DM = {ma_dm:+.3f}, p = {ma_p:.4f}")
print(f"drift vs random walk:          DM = {drift_dm:+.3f}, p = {drift_p:.4f}")
assert ma_p < 0.01  # the moving average is significantly worse
assert drift_p > 0.1  # drift and random walk: indistinguishable

# %% [markdown]
# The test has teeth: it finds the moving average significantly worse than the random walk
# ($p < 0.01$), while drift and random walk are indistinguishable. Daily losses are fat-tailed
# and their size clusters, which strains the test's assumptions; a **block bootstrap** gives a
# second opinion that needs fewer of them. It resamples whole 20-day blocks of $d_t$ (keeping
# calm and wild weeks intact) 2,000 times and reads a 95 % interval for the mean off the
# results. We report it as a change in mean squared error, relative to the random walk's.
#
# Now the LSTM. We ask two questions: is it different (two-sided), and is it *better*
# (one-sided, alternative "less": smaller loss)?

# %%
# NBVAL_IGNORE_OUTPUT
e_lstm = r_test - lstm_ret
dm_two_sided = diebold_mariano(e_lstm, e_rw)
dm_better = diebold_mariano(e_lstm, e_rw, alternative="less")
low, high = block_bootstrap_ci(e_lstm**2 - e_rw**2, block=20, n_boot=2000, seed=0)
rw_mse = np.mean(e_rw**2)
print(f"LSTM vs random walk: {dm_two_sided}")
print(f"is the LSTM better?  p = {dm_better.p_value:.3f} (one-sided)")
print(f"change in MSE vs random walk: {100 * np.mean(e_lstm**2 - e_rw**2) / rw_mse:+.2f} %, "
      f"95 % block-bootstrap interval [{100 * low / rw_mse:+.2f} %, {100 * high / rw_mse:+.2f} %]")

# %%
assert dm_better.p_value > 0.05  # no evidence that the LSTM beats the random walk
assert low < 0 < high  # the interval includes "no difference"

# %% [markdown]
# ### A caveat: nested models
#
# The random walk is *nested* in the LSTM: an LSTM whose output weights are all zero forecasts
# a return of zero. When two nested forecasts are equally good in the population, the bigger
# model still pays for estimating parameters whose true value adds nothing, so its sample
# MSE tends to come out a little larger. The DM test then leans towards the smaller model: it
# is **conservative** for nested models (it rejects less often than its nominal level) and has
# little power to find the bigger model better. Clark and West (2007) correct for that
# estimation noise: they add the squared difference of the two forecasts back to the bigger
# model's loss,
#
# $$f_t = e_{\text{small},t}^2 - \left(e_{\text{big},t}^2 - (\hat y_{\text{small},t} - \hat y_{\text{big},t})^2\right),$$
#
# and test whether the mean of $f_t$ is positive (one-sided, against the normal distribution).
# Here the small model is the random walk ($\hat y = 0$):

# %%
# NBVAL_IGNORE_OUTPUT
from lstm_course.forecast_eval import normal_cdf

f_cw = e_rw**2 - (e_lstm**2 - (0.0 - lstm_ret) ** 2)  # (754,) adjusted loss differential
cw_statistic = f_cw.mean() / np.sqrt(f_cw.var() / len(f_cw))
cw_p = 1 - normal_cdf(cw_statistic)  # one-sided: is the LSTM better?
print(f"Clark–West: statistic {cw_statistic:+.3f}, one-sided p = {cw_p:.3f}")

# %%
assert cw_p > 0.05  # even the test built for nested models finds no edge

# %% [markdown]
# Even with the correction, there is no evidence that the LSTM forecasts returns better than
# the random walk. (With forecasts this close to zero, the correction term is tiny.)
#
# ## Conclusion: what the numbers support
#
# - **A price-level forecast that looks perfect can be worthless.** The viral recipe (an LSTM
#   on min–max scaled closes) draws a curve that hugs the index, yet from every seed, with the
#   leaky scaler or the honest one, it misses by more than the random walk; its daily moves
#   echo the market's moves of the days before and do not move with the market on the day
#   itself.
# - **On returns, the LSTM does not beat the random walk.** Walk-forward over 2016–2018, its
#   forecasts shrink to almost zero; its MAE and RMSE are within a whisker of "tomorrow =
#   today", in returns and in index points, from three sets of seeds; the Diebold–Mariano test
#   finds no significant difference and no evidence of an improvement, the bootstrap interval
#   includes zero, and so does the Clark–West test built for nested models. Its direction
#   accuracy does not beat "always up".
# - **This is the expected result, not a failure of the LSTM.** Daily index returns are
#   nearly uncorrelated with their past (section 1); whatever pattern a model could find is
#   small and traded away. Studies that report an edge for LSTMs on stocks (for example
#   Fischer & Krauss, 2018, on S&P 500 constituents) also report it fading in recent years.
#   What *is* predictable is the size of moves — volatility — a good target for your own
#   experiments.
#
# The facts these conclusions rest on are asserted in the cells above; here they are
# together, so that a change that breaks one fails loudly:

# %%
assert min(maes.min() for maes in recipe_mae.values()) > 1.2 * rw_mae  # the recipe loses ...
assert np.all(np.abs(all_profiles[:, k == 0]) < 0.15)  # ... and does not move with the market
assert rw_mae < min(mae(y_test, f) for k_, f in level_baselines.items() if k_ != "random walk")
assert ma_p < 0.01  # the test can detect a worse forecast ...
assert dm_better.p_value > 0.05 and cw_p > 0.05  # ... and finds the LSTM no better
assert abs(lstm_scores[1] / rw_scores[1] - 1) < 0.05 and lstm_scores[4] < always_up + 0.03

# %% [markdown]
# ## 7 · Your own ticker, live (optional)
#
# `load_stock(..., source="yfinance")` downloads any Yahoo Finance symbol (adjusted prices, one
# row per trading day) and keeps a copy in your cache folder, so a second run works offline.
# Without a network, or when Yahoo rate-limits you, it raises an error that says so and how to
# continue with the snapshot or a cached copy. Set `LIVE = True` to try it (the course's tests
# never touch the network).

# %%
LIVE = False  # set to True to download (needs internet)

if LIVE:
    live = data.load_stock("AAPL", start="2015-01-01", source="yfinance")
    live_returns = np.log(live["Close"]).diff().dropna()
    print(f"{len(live):,} days of AAPL, {live.index[0]:%Y-%m-%d}..{live.index[-1]:%Y-%m-%d}")
    print(f"lag-1 autocorrelation of returns: {autocorrelation(live_returns.to_numpy(), 1)[0]:+.3f}")
else:
    print("Live download skipped (LIVE = False). Downloads are cached in data.stock_cache_dir().")

# %% [markdown]
# ## What's next
#
# Notebook **06** forecasts the weather, where the past *does* predict the future: several
# inputs, several hours ahead, and a persistence baseline that an LSTM can beat. Ideas to try
# here first:
#
# - Predict tomorrow's *volatility* ($|r_t|$ or $r_t^2$) instead of the return. Section 1 says
#   it is predictable; does the LSTM beat "tomorrow's size = the 20-day average"?
# - Repeat the walk-forward test on the NASDAQ (`data.load_stock("^IXIC")`) or on a ticker
#   of your choice — and correct for trying many: with 20 tries, one $p < 0.05$ is expected by
#   chance.
#
# **References.** F. X. Diebold and R. S. Mariano, "Comparing predictive accuracy", *Journal
# of Business & Economic Statistics* 13 (1995). D. Harvey, S. Leybourne and P. Newbold,
# "Testing the equality of prediction mean squared errors", *International Journal of
# Forecasting* 13 (1997). T. E. Clark and K. D. West, "Approximately normal tests for equal
# predictive accuracy in nested models", *Journal of Econometrics* 138 (2007). T. Fischer and
# C. Krauss, "Deep learning with long short-term memory networks for financial market
# predictions", *European Journal of Operational Research* 270 (2018).

# %% [markdown]
# ## Review questions
#
# 1. Why do forecasters model log returns rather than prices, and what makes a price series
#    non-stationary?
# 2. The autocorrelation of returns is tiny, that of their size is not. What does each say
#    about what can be forecast, and why is the ±1.96/√n band only a rough guide here?
# 3. What is the random walk forecast of tomorrow's close, and why is it the baseline every
#    stock forecast must beat?
# 4. The viral recipe fits its scaler on all the data. What does that leak, and why did
#    fitting the scaler properly change so little here?
# 5. What does the lag profile of a forecast measure? Why is a correlation near zero at
#    $k = 0$ no surprise for *any* forecast made from past prices, and what does a peak at
#    $k = +1$ tell you?
# 6. How does walk-forward evaluation differ from one train/test split, and which two things
#    are refitted in every fold?
# 7. The LSTM's return forecasts were close to zero. Why does minimising squared error on
#    nearly unpredictable returns lead there, and what does it imply for its RMSE compared
#    with the random walk's?
# 8. Why is "always up", not 50 %, the baseline for direction accuracy?
# 9. In the DM statistic, why does the long-run variance add *twice* the autocovariances up
#    to lag $h - 1$, and what does the Harvey–Leybourne–Newbold correction change?
# 10. Why is the DM test conservative when one model is nested in the other, and what does
#     the Clark–West adjustment add back?
