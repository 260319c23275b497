"""Checks for notebook 03 (the vanishing gradient problem), format v2: fresh random inputs each call.

03.1 the Pascanu bound after k steps · 03.2 the per-step factor of a gradient curve ·
03.3 a forget bias that remembers for n steps · 03.4 trace the memory of the first value.

Also here, the package's references that the notebook falls back on (``registry.solved``)
while an exercise is unsolved: :func:`reference_gradient_bound`,
:func:`reference_per_step_factor`, :func:`reference_forget_bias` and
:func:`reference_first_value_correlation`.
"""

from __future__ import annotations

import math

import numpy as np

from lstm_course import _checks  # imported as a module: this module's check_* are exercises
from lstm_course.exercises import (
    WrongAnswer,
    as_number,
    call_answer,
    compare_arrays,
    passed,
)
from lstm_course.exercises.registry import exercise
from lstm_course.gradient_flow import rnn_gradient_norms
from lstm_course.numpy_lstm import init_rnn_params, sigmoid
from lstm_course.tasks import adding_problem

__all__ = [
    "check_gradient_bound",
    "check_per_step_factor",
    "check_forget_bias",
    "check_first_value_correlation",
    "reference_gradient_bound",
    "reference_per_step_factor",
    "reference_forget_bias",
    "reference_first_value_correlation",
]


def _close(a: float, b: float, rel: float = 1e-6) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-300)


# ----------------------------------------------------------------------------- 03.1 the bound

BOUND = "03.1 gradient bound"


def reference_gradient_bound(W_hh, k) -> float:
    """The package's answer to 03.1: σ_max(W_hh)^k, Pascanu's bound on ‖∂h_T/∂h_(T−k)‖.

    W_hh: (H, H) recurrent weights; k: steps, an int >= 0.
    """
    W_hh = _checks.check_array("W_hh", W_hh, ndim=2, shape_text="(H, H)")
    if W_hh.shape[0] != W_hh.shape[1]:
        raise ValueError(f"W_hh must be square, (H, H), got shape {W_hh.shape}")
    k = _checks.check_int("k", k, minimum=0)
    return float(np.linalg.norm(W_hh, 2)) ** k


def _bound_readings(W: np.ndarray, k: int) -> dict[str, float]:
    """Wrong readings of 'the bound after k steps', each with its hint."""
    sigma = float(np.linalg.norm(W, 2))
    power = (
        "to the power k. The bound needs the largest singular value, the most any vector can "
        "be stretched: np.linalg.norm(W_hh, 2)"
    )
    return {
        f"that is the largest |eigenvalue| (the spectral radius) {power}": float(
            np.max(np.abs(np.linalg.eigvals(W)))
        )
        ** k,
        f"that is the Frobenius norm {power}": float(np.linalg.norm(W)) ** k,
        f"that is the largest entry {power}": float(np.max(np.abs(W))) ** k,
        f"that is the largest column sum (the 1-norm) {power}": float(np.linalg.norm(W, 1)) ** k,
        f"that is the largest row sum (the ∞-norm) {power}": float(np.linalg.norm(W, np.inf)) ** k,
        "k steps multiply k factors, each at most σ_max: raise it to the power k": sigma,
        "k steps multiply k factors (σ_max^k), they do not add up (k·σ_max)": sigma * k,
        "one factor too many: from h_(T−k) to h_T there are k steps, so σ_max^k": sigma ** (k + 1),
        "one factor too few: from h_(T−k) to h_T there are k steps, so σ_max^k": sigma ** (k - 1),
    }


@exercise(
    "03.1",
    "the Pascanu bound after k steps",
    points=1,
    difficulty=1,
    assesses="bounding a product of k step Jacobians by σ_max(W_hh)^k: the largest singular "
    "value, not the spectral radius or another norm",
)
def check_gradient_bound(gradient_bound, rng: np.random.Generator) -> None:
    """``gradient_bound(W_hh, k)`` on a random non-normal matrix and three random k."""
    n = int(rng.integers(3, 9))
    # non-normal: its spectral radius, singular values and other norms all differ
    W = rng.normal(scale=rng.uniform(0.15, 0.45), size=(n, n))
    sigma = float(np.linalg.norm(W, 2))
    for k in (int(rng.integers(2, 6)), int(rng.integers(6, 15)), int(rng.integers(20, 60))):
        got = call_answer(BOUND, gradient_bound, W.copy(), k)
        got = as_number(BOUND, got, f"the bound for k={k}")
        if _close(got, sigma**k):
            continue
        for hint, value in _bound_readings(W, k).items():
            if _close(got, value):
                raise WrongAnswer(BOUND, hint)
        raise WrongAnswer(
            BOUND, f"for a {n}×{n} W_hh and k={k} your bound {got:.6g} is not σ_max(W_hh)^k"
        )
    # With no input (tanh' = 1) and W_hh = 0.9 × orthogonal the bound is exact: the same
    # numbers on every call, whatever the draw.
    params = init_rnn_params(1, 16, seed=0, recurrent_scale=0.9)
    measured = rnn_gradient_norms(np.zeros((1, 41, 1)), params)[0]
    predicted = as_number(
        BOUND, call_answer(BOUND, gradient_bound, params.W[:, :16].copy(), 40), "the bound"
    )
    passed(
        BOUND,
        f"With no input (tanh' = 1) and W_hh = 0.9 × orthogonal it is exact: "
        f"predicted {predicted:.4g}, measured {measured:.4g} after 40 steps.",
    )


# ----------------------------------------------------------------------------- 03.2 the factor

FACTOR = "03.2 per-step factor"


def reference_per_step_factor(steps_back, norms) -> float:
    """The package's answer to 03.2: the factor per step of a gradient curve.

    steps_back, norms: (n,) the steps between each point and the loss (not all equal), and
    the gradient norms there (> 0). Returns exp(slope) of the least-squares line through
    (steps_back, ln norms).
    """
    steps_back = _checks.check_series("steps_back", steps_back)
    norms = _checks.check_series("norms", norms)
    if norms.shape != steps_back.shape:
        raise ValueError(
            f"norms must have the shape of steps_back, {steps_back.shape}, got {norms.shape}"
        )
    if np.min(norms) <= 0:
        raise ValueError(f"norms must be > 0 (their logarithm is fitted), got {np.min(norms):g}")
    if np.ptp(steps_back) == 0:
        raise ValueError("steps_back must hold at least two different steps to fit a slope")
    slope = np.polyfit(steps_back, np.log(norms), 1)[0]
    return float(np.exp(slope))


def _factor_mistakes(steps: np.ndarray, norms: np.ndarray) -> dict[str, float]:
    """Typical wrong factors for one curve, each with its hint."""
    slope = np.polyfit(steps, np.log(norms), 1)[0]
    ends = np.argmin(steps), np.argmax(steps)
    span = steps[ends[1]] - steps[ends[0]]
    ordered = norms[np.argsort(steps)]
    return {
        "that is the slope of ln ‖·‖; the per-step factor is its exponential, exp(slope)": slope,
        "that is the slope of log10 ‖·‖; the per-step factor is 10**slope": slope / math.log(10),
        "mixed logarithms: the slope of ln ‖·‖ gives the factor exp(slope), the slope of "
        "log10 ‖·‖ gives 10**slope": 10.0**slope,
        "that is the factor per step *towards* the loss; the question asks per step back "
        "(as steps_back grows): invert it": math.exp(-slope),
        "that uses only the two ends of the curve; fit a line through every point (least "
        "squares): a noisy curve's ends can sit far off the line": (norms[ends[1]] / norms[ends[0]])
        ** (1.0 / span),
        "averaging the ratios of neighbouring points lets the noise dominate; fit a straight "
        "line through ln ‖·‖ instead": float(np.mean(ordered[1:] / ordered[:-1]))
        ** (1.0 / float(np.mean(np.diff(np.sort(steps))))),
        "the curve need not start at 1 nor at step 0: fit the slope of the line rather than "
        "taking a root of one value": float(norms[ends[1]]) ** (1.0 / max(steps[ends[1]], 1)),
        "fit the *logarithm* of the norms: exponential decay is a straight line only on a log "
        "scale": float(np.polyfit(steps, norms, 1)[0]),
    }


def _rnn_curve(rng: np.random.Generator):
    """A tanh RNN's ‖∂L/∂h_t‖ for small inputs and a random scale, in notebook order."""
    H, T = int(rng.integers(8, 33)), int(rng.integers(60, 151))
    scale = float(rng.uniform(0.5, 0.95))
    params = init_rnn_params(1, H, seed=int(rng.integers(2**31)), recurrent_scale=scale)
    x = 0.02 * rng.normal(size=(4, T, 1))  # small inputs: tanh' ≈ 1, the factor ≈ the scale
    return np.arange(T)[::-1].astype(float), rnn_gradient_norms(x, params), scale


def _noisy_curve(rng: np.random.Generator):
    """A geometric curve with log-normal noise, a random start, length, order and amplitude."""
    n = int(rng.integers(20, 121))
    factor = float(rng.choice([rng.uniform(0.3, 0.95), rng.uniform(1.05, 1.6)]))
    steps = int(rng.integers(0, 20)) + np.arange(n, dtype=float)
    if rng.random() < 0.5:
        steps = steps[::-1].copy()
    amplitude = 10.0 ** rng.uniform(-3, 3)
    noise = rng.normal(scale=rng.uniform(0.2, 0.6), size=n)
    return steps, amplitude * factor**steps * np.exp(noise), factor


@exercise(
    "03.2",
    "the per-step factor of a gradient curve",
    points=2,
    difficulty=2,
    assesses="reading exponential decay as a straight line on a log scale: the least-squares "
    "slope of ln ‖∂L/∂h_t‖ against steps back, and its exponential",
)
def check_per_step_factor(per_step_factor, rng: np.random.Generator) -> None:
    """``per_step_factor(steps_back, norms)`` on a measured RNN curve and two noisy ones."""
    curves = [_rnn_curve(rng), _noisy_curve(rng), _noisy_curve(rng)]
    for steps, norms, truth in (curves[k] for k in rng.permutation(3)):
        got = call_answer(FACTOR, per_step_factor, steps.copy(), norms.copy())
        got = as_number(FACTOR, got, "the factor")
        expected = reference_per_step_factor(steps, norms)
        if _close(got, expected, rel=1e-6):
            continue
        for hint, value in _factor_mistakes(steps, norms).items():
            if _close(got, value, rel=1e-6):
                raise WrongAnswer(FACTOR, hint)
        raise WrongAnswer(
            FACTOR,
            f"on a curve of {len(steps)} points made with a factor near {truth:.2f} your "
            f"estimate is {got:.4g}: fit ln ‖·‖ = a + s·steps_back by least squares, "
            "then the factor is exp(s)",
        )
    passed(
        FACTOR, "exp(slope of the least-squares line through ln ‖∂L/∂h_t‖): the factor per step."
    )


# ----------------------------------------------------------------------------- 03.3 the bias

BIAS = "03.3 forget bias"


def _forget_bias(steps: float, keep: float) -> float:
    """The smallest b with σ(b)^steps >= keep: b = logit(keep^(1/steps))."""
    f = keep ** (1.0 / steps)
    return math.log(f / (1.0 - f))


def reference_forget_bias(steps, keep) -> float:
    """The package's answer to 03.3: the smallest b_f with σ(b_f)^steps >= keep.

    steps: an int >= 1; keep: the fraction to keep, in (0, 1).
    """
    steps = _checks.check_int("steps", steps, minimum=1)
    keep = _checks.check_number("keep", keep, minimum=0.0, exclusive_minimum=True)
    if keep >= 1.0:
        raise ValueError(f"keep must be a fraction in (0, 1), got {keep!r}")
    return _forget_bias(steps, keep)


def _logit(p: float) -> float:
    """log(p / (1 − p)), or nan where it is undefined (p at or beyond 0 or 1)."""
    return math.log(p / (1.0 - p)) if 0.0 < p < 1.0 else math.nan


def _bias_mistakes(steps: int, keep: float) -> dict[str, float]:
    """Typical wrong biases, each with its hint (nan where a slip gives no number)."""
    f = keep ** (1.0 / steps)
    return {
        "that is the forget gate's value f = keep^(1/steps); the bias is the pre-activation "
        "that gives it, σ⁻¹(f) = log(f / (1 − f))": f,
        "the sign is flipped: a gate near 1 needs a large positive b": -_logit(f),
        "log(f) is not σ⁻¹(f): the inverse of the sigmoid is log(f / (1 − f))": math.log(f),
        "that keeps `keep` after one step, not after `steps`: take the steps-th root of keep "
        "first": _logit(keep),
        "the gate is applied `steps` times, so f^steps = keep gives f = keep^(1/steps), not "
        "keep^steps": _logit(keep**steps),
        "f^steps = keep is solved by a root, f = keep^(1/steps), not by dividing keep by steps": (
            _logit(keep / steps)
        ),
    }


@exercise(
    "03.3",
    "a forget bias that remembers for n steps",
    points=2,
    difficulty=2,
    assesses="inverting σ: the bias b_f = log(f / (1 − f)) whose constant gate f keeps the "
    "fraction `keep` after `steps` steps, f = keep^(1/steps)",
)
def check_forget_bias(forget_bias_for, rng: np.random.Generator) -> None:
    """``forget_bias_for(steps, keep)`` for four random memories."""
    for _ in range(4):
        steps = int(round(10 ** rng.uniform(0.5, 3.3)))  # 3 to 2,000 steps
        keep = float(rng.uniform(0.05, 0.95))
        got = call_answer(BIAS, forget_bias_for, steps, keep)
        got = as_number(BIAS, got, f"the bias for {steps} steps")
        if _close(got, _forget_bias(steps, keep), rel=1e-6):
            continue
        for hint, value in _bias_mistakes(steps, keep).items():
            if math.isfinite(value) and _close(got, value, rel=1e-6):
                raise WrongAnswer(BIAS, hint)
        kept = float(sigmoid(got)) ** steps
        raise WrongAnswer(
            BIAS,
            f"for steps={steps}, keep={keep:.3f}: a constant gate σ(b) with your b = {got:.4g} "
            f"keeps σ(b)^{steps} = {kept:.3g} of the memory, not {keep:.3f}",
        )
    b = _forget_bias(100, 0.5)
    passed(
        BIAS,
        f"b_f = {b:.2f} gives f = σ(b_f) = {float(sigmoid(b)):.4f}: half the memory survives "
        f"100 steps. Keras's default b_f = 1 keeps σ(1)^100 = {float(sigmoid(1.0)) ** 100:.1e}.",
    )


# ----------------------------------------------------------------------------- 03.4 the trace

TRACE = "03.4 trace the memory"


def _first_marked(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each sequence's first marked step and its value. x (B, T, 2) -> (B,) ints, (B,) floats."""
    first = np.argmax(x[:, :, 1] > 0.5, axis=1)
    return first, x[np.arange(len(x)), first, 0]


def _correlation(c_seq: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Pearson correlation over the batch of every (t, unit) with target (B,) -> (T, H).

    0 where the unit (or the target) does not vary across the batch.
    """
    c = c_seq - c_seq.mean(axis=0)
    v = target - target.mean()
    covariance = np.einsum("b,bth->th", v, c)
    scale = np.sqrt(np.sum(v**2) * np.sum(c**2, axis=0))
    safe = np.where(scale > 0, scale, 1.0)
    return np.where(scale > 0, covariance / safe, 0.0)


def reference_first_value_correlation(c_seq, x) -> np.ndarray:
    """The package's answer to 03.4: the correlation over the batch, at every step and for
    every unit, between the cell state and the sequence's first marked value.

    c_seq (B, T, H) cell states; x (B, T, 2) adding-problem inputs -> (T, H) in [−1, 1],
    0 where a unit does not vary across the batch.
    """
    c_seq = _checks.check_array("c_seq", c_seq, ndim=3, shape_text="(B, T, H)")
    x = _checks.check_array("x", x, ndim=3, shape_text="(B, T, 2)")
    if x.shape[2] != 2 or x.shape[:2] != c_seq.shape[:2]:
        raise ValueError(
            f"x must have shape (B, T, 2) = {(*c_seq.shape[:2], 2)} to match c_seq, got {x.shape}"
        )
    if not np.all(np.any(x[:, :, 1] > 0.5, axis=1)):
        raise ValueError("x must mark a step in every sequence (x[:, :, 1] == 1 somewhere)")
    _, value = _first_marked(x)
    return _correlation(c_seq, value)


def _trace_draw(rng: np.random.Generator):
    """Adding-problem inputs and cell states of planted units: the carrier of the first value
    (either sign), the running sum, the marker's position, the current input, a dead unit
    (exactly 0) and loud noise; the units' order is random.
    """
    B, T, H = int(rng.integers(60, 151)), 2 * int(rng.integers(5, 13)), int(rng.integers(6, 10))
    x, _ = adding_problem(B, T, seed=int(rng.integers(2**31)))
    x = x.astype(np.float64)
    first, v1 = _first_marked(x)
    second = T - 1 - np.argmax(x[:, ::-1, 1] > 0.5, axis=1)
    v2 = x[np.arange(B), second, 0]
    steps = np.arange(T)
    seen_first = steps[None] >= first[:, None]  # (B, T)
    seen_second = steps[None] >= second[:, None]
    quiet = 0.05 * rng.normal(size=(B, T))
    units = [
        rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 2.0) * v1[:, None] * seen_first + quiet,
        0.8 * (v1[:, None] * seen_first + v2[:, None] * seen_second) + quiet,
        seen_first + 0.0,
        x[:, :, 0],
        np.zeros((B, T)),
    ]
    units += [rng.normal(scale=rng.uniform(0.5, 3.0), size=(B, T)) for _ in range(H - len(units))]
    order = rng.permutation(H)
    return np.stack([units[k] for k in order], axis=2), x


def _trace_mistakes(c_seq: np.ndarray, x: np.ndarray) -> dict[str, np.ndarray]:
    """(T, H) answers of typical slips, each with its hint."""
    B = len(x)
    _, v1 = _first_marked(x)
    second = x.shape[1] - 1 - np.argmax(x[:, ::-1, 1] > 0.5, axis=1)
    v2 = x[np.arange(B), second, 0]
    first, _ = _first_marked(x)
    corr = _correlation(c_seq, v1)
    c = c_seq - c_seq.mean(axis=0)
    cov = np.einsum("b,bth->th", v1 - v1.mean(), c)
    current = np.stack(
        [_correlation(c_seq[:, t : t + 1], x[:, t, 0])[0] for t in range(x.shape[1])]
    )
    return {
        "that correlates with the *second* marked value; the first marked value is at each "
        "sequence's first marker": _correlation(c_seq, v2),
        "that is the covariance: divide by both standard deviations to get a correlation in "
        "[−1, 1]": cov / B,
        "that is the covariance with B − 1: divide by both standard deviations to get a "
        "correlation in [−1, 1]": cov / (B - 1),
        "keep the sign: a unit may hold the value as −v (its output weights flip it back)": (
            np.abs(corr)
        ),
        "that is the squared correlation (R²); return the correlation itself, with its sign": (
            corr**2
        ),
        "that correlates with the value arriving at step t; correlate with the sequence's "
        "first *marked* value, the one to remember": current,
        "that correlates with the value at step 0; the first *marked* value sits at each "
        "sequence's first marker (x[:, :, 1] == 1)": _correlation(c_seq, x[:, 0, 0]),
        "that correlates with *where* the first marker is; correlate with the value it "
        "marks": _correlation(c_seq, first.astype(np.float64)),
    }


@exercise(
    "03.4",
    "trace the memory of the first value",
    points=4,
    difficulty=3,
    assesses="locating each sequence's first marked value and measuring, per step and unit, "
    "the Pearson correlation over the batch with the cell state (vectorised, signed, "
    "0 for units that never vary)",
)
def check_first_value_correlation(first_value_correlation, rng: np.random.Generator) -> None:
    """``first_value_correlation(c_seq, x)`` -> (T, H) on planted cell states, twice."""
    for _ in range(2):
        c_seq, x = _trace_draw(rng)
        (B, T, H) = c_seq.shape
        got = call_answer(TRACE, first_value_correlation, c_seq.copy(), x.copy())
        expected = reference_first_value_correlation(c_seq, x)
        shape = np.shape(got) if isinstance(got, np.ndarray) else None
        if shape == (H, T) and H != T:
            raise WrongAnswer(TRACE, "the result is transposed: one row per step, (T, H)")
        if shape == (B, H) and B != T:
            raise WrongAnswer(
                TRACE, "correlate across the batch at each step (result (T, H)), not over time"
            )
        flat = np.all(c_seq == c_seq[:1], axis=0)  # (T, H): the unit does not vary at step t
        if shape == (T, H) and got.dtype.kind == "f" and np.isnan(got[flat]).any():
            raise WrongAnswer(
                TRACE,
                "where a unit does not vary across the batch it has no correlation with anything: "
                "return 0 there, not nan (check the standard deviation before dividing)",
            )
        compare_arrays(
            TRACE,
            got,
            expected,
            what=f"the correlations for B={B}, T={T}, H={H}",
            rtol=1e-6,
            atol=1e-8,
            mistakes=_trace_mistakes(c_seq, x),
        )
    passed(
        TRACE, "Signed correlations over the batch, at every step and unit, 0 where nothing varies."
    )
