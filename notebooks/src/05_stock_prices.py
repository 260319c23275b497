# %% [markdown]
# # 05 · Stock prices: an honest forecast against the random walk
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/lstm-course/lstm-course/blob/main/notebooks/05_stock_prices.ipynb)
#
# **What you will learn**
# - why prices are non-stationary and daily returns nearly unpredictable — measured on twenty
#   years of the S&P 500, with the volatility clustering that *is* predictable;
# - how to split a market series in time, fit a scaler on the past only, and build windows;
# - the baselines every stock forecast must face: random walk, drift, moving average;
# - the lag diagnostic that exposes a beautiful price forecast as yesterday's price;
# - walk-forward evaluation, direction accuracy against "always up", and a Diebold–Mariano
#   test of whether an LSTM really beats the random walk.
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
# and again: a predicted price curve lying almost exactly on the real one. This notebook builds
# that picture — and then shows what it is: yesterday's price, shifted by one day. Then it
# builds a forecast that is evaluated honestly, and asks the only question that matters: does
# it beat the forecast *tomorrow = today*?
#
# ## 1 · Twenty years of the S&P 500
#
# The course ships daily prices of two US indexes, 1999–2018, as a checksummed snapshot, so
# everything below runs offline. (Section 7 downloads any ticker live with `yfinance`.)

# %%
import matplotlib.pyplot as plt
import numpy as np

from lstm_course import data

prices = data.load_stock("^GSPC")  # the S&P 500 index; "^IXIC" is the NASDAQ Composite
close = prices["Close"]
print(f"{len(prices):,} trading days, {prices.index[0]:%Y-%m-%d} to {prices.index[-1]:%Y-%m-%d}")
print(f"columns: {list(prices.columns)}")
print(f"first close {close.iloc[0]:,.2f}, last close {close.iloc[-1]:,.2f}")
print(f"lowest  {close.min():,.2f} on {close.idxmin():%Y-%m-%d}")
print(f"highest {close.max():,.2f} on {close.idxmax():%Y-%m-%d}")

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
# - **The price is non-stationary.** It has no level it returns to: about 1,550 was the top
#   in 2000 and again in 2007, yet after April 2013 the index never closed that low again. Its
#   mean and spread depend on which years you look at, so anything learned about "typical
#   prices" in one decade is wrong in the next.
# - **Returns hover around zero**, with no visible pattern in their sign.
# - **Their size clusters.** Calm years (2004–06, 2017) and turbulent ones (2002, 2008, 2011)
#   come in long stretches: big moves follow big moves, in either direction. This is
#   *volatility clustering*, the effect GARCH models (and the `arch` package our snapshot comes
#   from) were built for.
#
# Autocorrelation puts numbers on this. The autocorrelation at lag $k$ says how much today's
# value resembles the value $k$ days earlier; for pure noise, 95 % of the estimates fall
# within $\pm 1.96/\sqrt{n}$.

# %%
from lstm_course.forecast_eval import autocorrelation

r = returns.to_numpy()
lags = np.arange(1, 21)
acf_returns = autocorrelation(r, max_lag=20)
acf_size = autocorrelation(np.abs(r), max_lag=20)
band = 1.96 / np.sqrt(len(r))
acf_price = autocorrelation(close.to_numpy(), max_lag=1)[0]
print(f"lag-1 autocorrelation: price {acf_price:.4f}, return {acf_returns[0]:+.3f}, "
      f"|return| {acf_size[0]:+.3f}   (noise band ±{band:.3f})")
print(f"largest |autocorrelation| of returns, lags 1–20: {np.abs(acf_returns).max():.3f}")
print(f"smallest autocorrelation of |returns|, lags 1–20: {acf_size.min():.3f}")

fig, ax = plt.subplots(figsize=(8, 2.8))
ax.bar(lags - 0.2, acf_returns, width=0.4, label="return $r_t$")
ax.bar(lags + 0.2, acf_size, width=0.4, label="size of return $|r_t|$", color="C3")
ax.axhspan(-band, band, color="grey", alpha=0.2, label="noise band")
ax.set_xlabel("lag (trading days)")
ax.set_ylabel("autocorrelation")
ax.set_ylim(-0.12, 0.5)
ax.legend(fontsize=9, ncol=3, loc="upper center")
plt.show()

assert acf_price > 0.99  # the price "remembers" its level: a random walk, not a mean
assert np.abs(acf_returns).max() < 0.1  # returns: at most faintly predictable from the past
assert acf_size.min() > 0.15  # sizes: clearly predictable (volatility clustering)

# %% [markdown]
# The sign of tomorrow's return is close to unpredictable from past returns: even the largest
# autocorrelation, −0.07 at lag 1, explains under 0.5 % of tomorrow's variance ($0.07^2$). The
# *size* is predictable — but a forecast of the price needs the sign. Keep that in mind: it
# decides everything that follows.
#
# ## 2 · Split in time, scale with the past only
#
# A forecast is tested on days after everything it learned from. We train on 1999–2015 and
# test on 2016–2018, and never shuffle across that line. We tune nothing on these data (the
# network and the number of epochs are fixed in advance), so no validation period is needed;
# if you tune, carve one out of the training years, never out of the test years.
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
# Neural networks like inputs around zero with unit spread, so tutorials standardise the
# prices. The scaler must be fitted on training prices only: the mean and spread of the test
# years are the future. Look at what the test years look like through a scaler that only knew
# the past:

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
# ### Exercise 1 — find the leak
#
# This scaler, common in tutorials, leaks the future into training:
#
# ```python
# def scale(series, train_end):
#     return (series - series.mean()) / series.std()
# ```
#
# `series.mean()` averages over the test days too, so even the scaled *training* values
# depend on prices the model should not know yet. Write `scale_without_leak(series, train_end)`
# that standardises the whole series (same shape) with the mean and standard deviation of
# `series[:train_end]` only.

# %%
def scale_without_leak(series, train_end):
    """series: (time,) numbers -> (time,), standardised with statistics of series[:train_end]."""
    # BEGIN SOLUTION
    train = series[:train_end]
    return (series - train.mean()) / train.std()
    # END SOLUTION


# %%
from lstm_course.exercises import stock_prices

stock_prices.check_scale_without_leak(scale_without_leak)

# %% [markdown]
# ## 3 · Baselines: what "no skill" scores
#
# Before any network, the forecasts that need no learning. If prices follow a **random walk**
# — tomorrow's price is today's plus an unpredictable step — then the best forecast of
# tomorrow is today's close. That is the baseline that matters here.
#
# ### Exercise 2 — the random walk forecast
#
# Write `random_walk_forecast(prices, drift=0.0)`: for closes $P_0, \dots, P_{n-1}$, return the
# $n - 1$ forecasts for days $1, \dots, n-1$, each $\hat P_t = P_{t-1}\, e^{\text{drift}}$. With
# `drift = 0` that is "tomorrow = today"; a positive drift (a log return per day) adds the
# market's average rise.

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
# `moving_average` (the mean of the last 5 closes). Their errors on the test years, in index points:

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
assert rw_mae < mae(y_test, level_baselines["linear trend (20 days)"])
assert rw_mae < mae(y_test, level_baselines["moving average (5)"])

# %% [markdown]
# The random walk wins: an average miss of about 13 points on an index near 2,500, or half a
# percent. Trend lines and averages do worse, because they answer with old prices.
#
# ## 4 · An LSTM on price levels
#
# ### First try: the tutorial recipe
#
# Standardise the closes with the training scaler, feed 20 of them to a small LSTM, predict the
# next one.

# %%
import keras


def build_lstm(seed, units=16):
    """A small forecaster: (batch, WINDOW, 1) -> (batch, 1)."""
    keras.utils.set_random_seed(seed)  # same seed, same initial weights, same result
    model = keras.Sequential(
        [keras.Input((WINDOW, 1)), keras.layers.LSTM(units), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    return model


Xz = price_scaler.transform(X_price.reshape(-1, 1)).reshape(X_price.shape)  # same scaler
yz = price_scaler.transform(y_price)
tutorial_model = build_lstm(seed=1)
tutorial_model.fit(Xz[:n_train], yz[:n_train], epochs=10, batch_size=64, verbose=0)
tutorial_pred = price_scaler.inverse_transform(
    tutorial_model.predict(Xz[n_train:], verbose=0)[:, 0], column=0
)

# %%
# NBVAL_IGNORE_OUTPUT
tutorial_mae = mae(y_test, tutorial_pred)
print(f"tutorial LSTM: MAE {tutorial_mae:,.1f} points (random walk: {rw_mae:.1f}); "
      f"highest forecast {tutorial_pred.max():,.0f}, lowest test close {y_test.min():,.0f}")

# %%
assert tutorial_mae > 5 * rw_mae  # far worse than the random walk

# %%
test_days = target_day[n_train:]
fig, ax = plt.subplots()
ax.plot(test_days, y_test, lw=1, label="S&P 500 close")
ax.plot(test_days, tutorial_pred, lw=1, label="LSTM, standardised prices")
ax.set_ylabel("index points")
ax.set_title("The tutorial LSTM cannot leave the range it was trained on")
ax.legend(fontsize=9)
plt.show()

# %% [markdown]
# The network saturates: its tanh units have never seen inputs this far from the training
# mean, so its forecasts stall near the top of the range it was trained on while the index
# climbs away. Tutorials hide this by fitting the scaler on *all* the data — the leak of
# exercise 1, which hands the network the future's price range.
#
# ### Second try: prices relative to the last close
#
# An honest fix is to describe each window by where its closes stand relative to the window's
# last close, in percent, and predict tomorrow's close the same way: $\hat P_t = P_{t-1}\,(1
# + \hat y_t / 100)$. The network still outputs a price level, but it no longer needs to know
# where the index stands.

# %%
last_close = X_price[:, -1, 0]  # P_{t-1} for each example
X_rel = 100 * (X_price[:, :, 0] / last_close[:, None] - 1)  # (5011, 20): % from last close
y_rel = 100 * (y_price[:, 0] / last_close - 1)  # (5011,): tomorrow's % change

level_model = build_lstm(seed=2)
level_model.fit(X_rel[:n_train, :, None], y_rel[:n_train], epochs=10, batch_size=64, verbose=0)
rel_pred = level_model.predict(X_rel[n_train:, :, None], verbose=0)[:, 0]  # % change
level_pred = last_close[n_train:] * (1 + rel_pred / 100)  # back to index points

# %%
import matplotlib.dates as mdates

zoom = slice(500, 540)  # 40 trading days around the start of 2018
fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
for ax, part in zip(axes, (slice(None), zoom), strict=True):
    ax.plot(test_days[part], y_test[part], lw=1, marker="." if part == zoom else None,
            label="S&P 500 close")
    ax.plot(test_days[part], level_pred[part], lw=1, marker="." if part == zoom else None,
            label="LSTM forecast")
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
axes[0].set_title("2016–2018: a perfect fit?")
axes[1].set_title("40 days close up: one day late")
axes[0].legend(fontsize=9)
plt.show()

# %%
# NBVAL_IGNORE_OUTPUT
level_mae = mae(y_test, level_pred)
move_forecast = np.mean(np.abs(level_pred - last_close[n_train:]))
move_actual = np.mean(np.abs(y_test - last_close[n_train:]))
print(f"LSTM on levels: MAE {level_mae:.2f} points, random walk {rw_mae:.2f} "
      f"(ratio {level_mae / rw_mae:.3f})")
print(f"mean |forecast - yesterday's close| {move_forecast:.2f} points; "
      f"the market's mean daily move {move_actual:.2f} points")

# %%
assert abs(level_mae / rw_mae - 1) < 0.1  # as good as the random walk, not clearly better
assert move_forecast < 0.3 * move_actual  # it barely moves away from yesterday's close

# %% [markdown]
# The left plot is the one that goes viral. The right one shows the trick: the forecast is
# the true curve moved one day to the right. The LSTM has learned that yesterday's close is a
# very good guess — which is true, and which is the random walk.
#
# ### The lag diagnostic
#
# Make the copying measurable: correlate the forecast's daily *change* with the market's daily
# change $k$ days earlier, for $k = -5 \dots 5$. A forecaster with skill moves *with* the
# market, peaking at $k = 0$; a copier moves one day after it, peaking at $k = +1$. (Use
# changes, not levels: trending levels correlate near 1 at every small lag and hide the peak.)

# %%
from lstm_course.forecast_eval import lag_correlation

lag, corr = lag_correlation(np.diff(level_pred), np.diff(y_test), max_lag=5)
peak_lag = int(lag[np.argmax(corr)])
_, rw_corr = lag_correlation(np.diff(last_close[n_train:]), np.diff(y_test), max_lag=5)
print(f"the random walk's own forecast: correlation {rw_corr[lag == 1][0]:.3f} at k = +1, "
      f"{rw_corr[lag == 0][0]:+.3f} at k = 0")
assert rw_corr[lag == 1][0] > 0.999  # by construction: its change today is yesterday's

fig, ax = plt.subplots(figsize=(7, 2.6))
ax.bar(lag, corr, color=["C3" if k == peak_lag else "C0" for k in lag])
ax.set_xlabel("k: forecast change at t vs market change at t - k")
ax.set_ylabel("correlation")
ax.set_title("The forecast moves one day after the market")
plt.show()

# %%
# NBVAL_IGNORE_OUTPUT
for k, c in zip(lag, corr, strict=True):
    print(f"k = {k:+d}: {c:+.3f}" + ("   <- peak" if k == peak_lag else ""))

# %%
assert peak_lag == 1, "the forecast should track the market one day late"
assert corr[lag == 1][0] > 0.9 and abs(corr[lag == 0][0]) < 0.2

# %% [markdown]
# A correlation near 1 at $k = +1$ and near 0 at $k = 0$: the forecast's move today is the
# market's move yesterday — the random walk's own profile, printed above. A good-looking
# price plot and a small error in points tell you nothing; the question is whether a model
# predicts the *change*. So let us ask it directly.
#
# ## 5 · An LSTM on log returns, evaluated walk-forward
#
# Now the target is tomorrow's log return $r_t$, and the input the 20 returns before it, each
# standardised with a scaler fitted on the training returns. A forecast $\hat r_t$ becomes a
# price forecast $\hat P_t = P_{t-1} e^{\hat r_t}$, so we can score it in both units.
#
# Markets change, so one model trained on 1999–2015 and tested on three later years is not
# how anyone would use it. **Walk-forward** (expanding-window) evaluation refits before each
# test year on *everything before it*: fold 1 trains on 1999–2015 and predicts 2016, fold 2
# trains on 1999–2016 and predicts 2017, and so on. Every test day is predicted once, by a
# model that never saw it — and the scaler is refitted on each fold's training returns.

# %%
from lstm_course.forecast_eval import walk_forward_folds

X_ret, y_ret = make_windows(r, WINDOW)  # (5010, 20, 1), (5010, 1): 20 returns -> the next
return_day = returns.index[WINDOW:]
prev_close = P[WINDOW:-1]  # P_{t-1} of each target day, to turn returns into points
test_start = int(np.argmax(return_day >= TEST_START))
folds = walk_forward_folds(len(X_ret), test_start, n_folds=3)
for i, fold in enumerate(folds, 1):
    print(f"fold {i}: train on {fold.train_end:,} examples "
          f"(..{return_day[fold.train_end - 1]:%Y-%m-%d}), "
          f"test {return_day[fold.train_end]:%Y-%m-%d}..{return_day[fold.test_end - 1]:%Y-%m-%d}")


# %%
def walk_forward_lstm(epochs=8):
    """Refit per fold; returns the out-of-sample return forecasts, (n_test,)."""
    forecasts = []
    for i, fold in enumerate(folds):
        scaler = StandardScaler().fit(r[: fold.train_end + WINDOW])  # returns seen in training
        Xs = scaler.transform(X_ret.reshape(-1, 1)).reshape(X_ret.shape)
        ys = scaler.transform(y_ret)
        model = build_lstm(seed=10 + i)
        model.fit(Xs[fold.train], ys[fold.train], epochs=epochs, batch_size=64, verbose=0)
        z = model.predict(Xs[fold.test], verbose=0)[:, 0]
        forecasts.append(scaler.inverse_transform(z, column=0))
    return np.concatenate(forecasts)


lstm_ret = walk_forward_lstm()
r_test = y_ret[test_start:, 0]  # the actual returns of 2016–2018

# %% [markdown]
# A useful forecast of returns must at least call the direction. **Direction accuracy** is the
# share of days on which the forecast has the sign of the actual return. Its baseline is not
# 50 %: the market rose on most days, so "always up" is right more often than a coin.
#
# ### Exercise 3 — direction accuracy
#
# Write `direction_accuracy(actual, predicted)` for two arrays of returns: the share (0–1) of
# days on which `np.sign` of both agree, leaving out days whose actual return is exactly 0 (no
# direction to get right). A forecast of exactly 0 calls no direction, so it counts as wrong.

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
# The LSTM's errors are within a whisker of the random walk's, in returns and in points, and
# it calls the direction no better than "always up". Is the small difference real? A single
# number cannot say: the next three years would give slightly different ones.
#
# ## 6 · Better, or just lucky? The Diebold–Mariano test
#
# Compare two forecasts day by day through their **loss differential**
# $d_t = e_{A,t}^2 - e_{B,t}^2$, where $e = $ actual $-$ forecast. If A and B are equally good,
# $d_t$ has mean zero. Diebold and Mariano (1995) test exactly that, with a $t$-like statistic
#
# $$\mathrm{DM} = \frac{\bar d}{\sqrt{\hat\sigma_d^2 / n}},$$
#
# where $\hat\sigma_d^2$ is the variance of $d_t$ (for forecasts more than one step ahead it
# also adds the autocovariances up to lag $h-1$). Harvey, Leybourne and Newbold (1997) scale it
# by $\sqrt{(n + 1 - 2h + h(h-1)/n)/n}$ and compare it with Student's $t_{n-1}$, which holds its
# size better in samples like ours. Negative DM: A has the smaller errors.
#
# First by hand, for a pair with no training involved — the moving average against the random
# walk — then with `diebold_mariano` from the package, which must agree:

# %%
from lstm_course.forecast_eval import block_bootstrap_ci, diebold_mariano, student_t_cdf

e_rw = r_test - return_baselines["random walk (r = 0)"]
e_ma = r_test - return_baselines["moving average (5)"]
d = e_ma**2 - e_rw**2  # (754,) loss differential, positive where MA did worse
n = len(d)
h = 1  # one-day-ahead forecasts
dm = d.mean() / np.sqrt(d.var() / n)
dm_hln = dm * np.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
p_by_hand = 2 * (1 - student_t_cdf(abs(dm_hln), n - 1))
ma_test = diebold_mariano(e_ma, e_rw)
print(f"by hand:     DM = {dm_hln:+.3f}, p = {p_by_hand:.4f}")
print(f"package:     {ma_test}")
drift_test = diebold_mariano(r_test - drift_ret, e_rw)
print(f"drift vs RW: {drift_test}")
assert np.isclose(dm_hln, ma_test.statistic) and np.isclose(p_by_hand, ma_test.p_value)
assert ma_test.p_value < 0.01  # the moving average is significantly worse
assert drift_test.p_value > 0.1  # drift and random walk: indistinguishable

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
# ## Conclusion: what the numbers support
#
# - **A price-level forecast that looks perfect can be worthless.** Our LSTM on price levels
#   scored like the random walk and its daily changes correlate with the market's changes
#   *one day earlier* (peak at lag +1): it learned to copy yesterday's close. The tutorial
#   version with a standardised price could not even reach the test years' prices.
# - **On returns, the LSTM does not beat the random walk.** Walk-forward over 2016–2018, its
#   MAE and RMSE are within a fraction of a percent of "tomorrow = today", in returns and in
#   index points; the Diebold–Mariano test finds no significant difference and no evidence of
#   an improvement, and the bootstrap interval includes zero. Its direction accuracy does not
#   beat "always up".
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
assert peak_lag == 1  # the lag diagnostic: the level forecast copies yesterday
assert rw_mae < min(mae(y_test, f) for k, f in level_baselines.items() if k != "random walk")
assert ma_test.p_value < 0.01  # the test can detect a worse forecast ...
assert dm_better.p_value > 0.05  # ... and finds the LSTM no better than the random walk
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
# inputs, several days ahead, and a persistence baseline that an LSTM can beat. Ideas to try
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
# Forecasting* 13 (1997). T. Fischer and C. Krauss, "Deep learning with long short-term memory
# networks for financial market predictions", *European Journal of Operational Research* 270
# (2018).
