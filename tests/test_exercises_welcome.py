"""Notebook 00's exercises (format v2): right answers pass on every draw, each wrong one gets
its own hint, and the stub and None are refused."""

import numpy as np
import pytest

from lstm_course.exercises import WrongAnswer, registry, welcome
from lstm_course.numpy_lstm import sigmoid

SEEDS = range(12)


def _not_implemented(*args, **kwargs):
    """What the student build leaves in a function exercise."""
    raise NotImplementedError("Exercise: write your answer here")


def test_the_three_exercises_are_declared_in_order():
    items = [registry.EXERCISES[f"00.{k}"] for k in (1, 2, 3)]
    assert [item.check for item in items] == [
        "check_sigmoid",
        "check_gate_shapes",
        "check_memory_shares",
    ]
    assert [item.difficulty for item in items] == [2, 1, 3]
    assert registry.heading(items[2]).startswith("### Exercise 00.3 — where the memory comes from")


# ----------------------------------------------------------------------------- 00.1 sigmoid


def stable_sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def masked_sigmoid(z):
    out = np.empty_like(z, dtype=float)
    positive = z >= 0
    out[positive] = 1 / (1 + np.exp(-z[positive]))
    e = np.exp(z[~positive])
    out[~positive] = e / (1 + e)
    return out


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "answer",
    [
        stable_sigmoid,
        masked_sigmoid,
        lambda z: 1 / (1 + np.exp(-np.clip(z, -500, 500))),  # clipping the argument is safe
        lambda z: stable_sigmoid(z).astype(np.float32),  # right to float32's precision
        lambda z: stable_sigmoid(z).tolist(),
    ],
    ids=["abs", "mask", "clip", "float32", "list"],
)
def test_right_sigmoids_pass_on_every_draw(answer, seed, capsys):
    welcome.check_sigmoid(answer, seed=seed)
    assert "✓ 00.1 sigmoid: correct" in capsys.readouterr().out


def test_the_confirmation_does_not_depend_on_the_draw(capsys):
    welcome.check_sigmoid(stable_sigmoid, seed=1)
    welcome.check_sigmoid(stable_sigmoid, seed=2)
    first, second = capsys.readouterr().out.splitlines()
    assert first == second


def _modifies_its_input(z):
    z[...] = stable_sigmoid(z)
    return z


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_not_implemented, "still raises NotImplementedError"),
        (lambda z: None, "forget to `return`"),
        ("sigmoid", "expected a function"),
        (lambda z: 1 / (1 + np.exp(-z)), "np.exp overflowed"),
        (
            lambda z: np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z))),
            "np.where computes both branches",
        ),
        (lambda z: np.tanh(z), "that is tanh"),
        (lambda z: stable_sigmoid(-z), r"σ\(−z\): check the sign"),
        (lambda z: stable_sigmoid(np.abs(z)), "right for z ≥ 0 only"),
        (lambda z: stable_sigmoid(-np.abs(z)), "right for z < 0 only"),
        (lambda z: stable_sigmoid(z).ravel(), "has shape"),
        (lambda z: float(stable_sigmoid(z).flat[0]), "has shape"),
        (lambda z: np.clip(stable_sigmoid(z), 1e-7, 1 - 1e-7), "differs most at index"),
        (lambda z: stable_sigmoid(z) + 1e-9 * (z == 0), "exactly 0.5"),
        (_modifies_its_input, "changed its argument z"),
        (lambda z: z.nope, "raised AttributeError"),
    ],
)
@pytest.mark.parametrize("seed", [0, 7])
def test_wrong_sigmoids_get_their_hint(answer, hint, seed):
    with pytest.raises(WrongAnswer, match=hint) as info:
        welcome.check_sigmoid(answer, seed=seed)
    assert f"check_sigmoid(…, seed={seed})" in str(info.value)  # how to repeat the draw


def test_a_hint_never_shows_the_formula():
    with pytest.raises(WrongAnswer) as info:
        welcome.check_sigmoid(lambda z: 1 / (1 + np.exp(-z)), seed=3)
    assert "1 / (1 + np.exp(-z))" not in str(info.value)


# ----------------------------------------------------------------------------- 00.2 shapes

RIGHT_SHAPES = {"W_f": (64, 74), "b_f": (64,), "concat": (32, 74), "f_t": (32, 64), "C_t": (32, 64)}
SKELETON = {"W_f": ..., "b_f": ..., "concat": ..., "f_t": ..., "C_t": ...}  # the # STUB: line


def test_gate_shapes_right_in_any_int_form(capsys):
    welcome.check_gate_shapes(RIGHT_SHAPES)
    welcome.check_gate_shapes({**RIGHT_SHAPES, "W_f": [np.int64(64), 74], "b_f": [64]})
    assert capsys.readouterr().out.count("4,800 parameters") == 2


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (SKELETON, r"W_f is still `\.\.\.`"),
        ({**RIGHT_SHAPES, "C_t": ...}, r"C_t is still `\.\.\.`"),
        (None, "shapes is None"),
        ({**RIGHT_SHAPES, "W_f": (74, 64)}, "that is W_f transposed"),
        ({**RIGHT_SHAPES, "W_f": (64, 10)}, r"not x_t alone"),
        ({**RIGHT_SHAPES, "b_f": (32, 64)}, "shared by all examples"),
        ({**RIGHT_SHAPES, "concat": (74,)}, "each of the B examples is one row"),
        ({**RIGHT_SHAPES, "concat": (32, 10)}, "side by side"),
        ({**RIGHT_SHAPES, "f_t": (64,)}, "every example gets its own gate values"),
        ({**RIGHT_SHAPES, "C_t": (32, 74)}, "same shape as h_t"),
        ({"W_f": (64, 74)}, "missing keys"),
        ([(64, 74)], "expected a dict"),
        ({**RIGHT_SHAPES, "b_f": 64}, "write b_f as a tuple of ints"),
        ({**RIGHT_SHAPES, "b_f": "(64,)"}, "write b_f as a tuple of ints"),
    ],
)
def test_gate_shapes_wrong(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        welcome.check_gate_shapes(answer)


def test_shape_hints_do_not_give_the_shape_away():
    with pytest.raises(WrongAnswer) as info:
        welcome.check_gate_shapes({**RIGHT_SHAPES, "W_f": (1, 2)})
    assert "(64, 74)" not in str(info.value)


# ----------------------------------------------------------------------------- 00.3 shares


def shares_by_loop(f, i, c_tilde, c0):
    """A learner's loop: walk back from the end, carrying the product of later gates."""
    T = len(f)
    kept = np.ones_like(c0)
    shares = np.zeros((T + 1, len(c0)))
    for t in range(T - 1, -1, -1):
        shares[t + 1] = kept * i[t] * c_tilde[t]
        kept = kept * f[t]
    shares[0] = kept * c0
    return shares


def shares_from_the_states(f, i, c_tilde, c0):
    """Another right route: run the cell forward, scaling each earlier share by f_t."""
    shares = [np.asarray(c0, dtype=float)]
    for t in range(len(f)):
        shares = [share * f[t] for share in shares] + [i[t] * c_tilde[t]]
    return np.array(shares)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "answer",
    [
        shares_by_loop,
        shares_from_the_states,
        welcome.reference_memory_shares,
        lambda *a: shares_by_loop(*a).astype(np.float32),
    ],
    ids=["loop", "forward", "reference", "float32"],
)
def test_right_shares_pass_on_every_draw(answer, seed, capsys):
    welcome.check_memory_shares(answer, seed=seed)
    assert "✓ 00.3 memory shares: correct" in capsys.readouterr().out


def test_the_shares_add_up_to_the_last_cell_state():
    rng = np.random.default_rng(0)
    f, i = sigmoid(rng.normal(size=(2, 6, 3)))
    c_tilde, c0 = np.tanh(rng.normal(size=(6, 3))), rng.normal(size=3)
    c = c0
    for t in range(6):
        c = f[t] * c + i[t] * c_tilde[t]
    np.testing.assert_allclose(welcome.reference_memory_shares(f, i, c_tilde, c0).sum(0), c)


def _own_gate_too(f, i, c_tilde, c0):
    shares = shares_by_loop(f, i, c_tilde, c0)
    shares[1:] *= f
    return shares


def _earlier_gates(f, i, c_tilde, c0):
    before = np.cumprod(np.vstack([np.ones_like(c0), f[:-1]]), axis=0)
    return np.vstack([shares_by_loop(f, i, c_tilde, c0)[:1], before * i * c_tilde])


def _cell_states(f, i, c_tilde, c0):
    states = [c0]
    for t in range(len(f)):
        states.append(f[t] * states[-1] + i[t] * c_tilde[t])
    return np.array(states)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_not_implemented, "still raises NotImplementedError"),
        (lambda *a: None, "forget to `return`"),
        (_own_gate_too, "not multiplied by its own f_t"),
        (_earlier_gates, "the ones after step t, not before"),
        (lambda f, i, c, c0: shares_by_loop(f, np.ones_like(i), c, c0), r"i_t·C~_t, not C~_t"),
        (
            lambda f, i, c, c0: np.vstack([c0, shares_by_loop(f, i, c, c0)[1:]]),
            "C_0 also passes through every forget gate",
        ),
        (lambda *a: shares_by_loop(*a)[::-1], "reverse time order"),
        (_cell_states, "those are the cell states"),
        (lambda *a: shares_by_loop(*a)[1:], "one row short"),
        (lambda *a: shares_by_loop(*a).T, "has shape"),
        (lambda *a: shares_by_loop(*a) * 1.01, "differs most"),
    ],
)
@pytest.mark.parametrize("seed", [0, 5])
def test_wrong_shares_get_their_hint(answer, hint, seed):
    with pytest.raises(WrongAnswer, match=hint):
        welcome.check_memory_shares(answer, seed=seed)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"f": np.full((3, 2), 1.5)}, ValueError, "f holds gate values"),
        ({"i": np.ones((4, 2))}, ValueError, "i must have the shape of f"),
        ({"c0": np.ones(3)}, ValueError, "c0 must have shape"),
        ({"c_tilde": "abc"}, TypeError, "c_tilde"),
    ],
)
def test_reference_refuses_bad_arguments(arguments, error, message):
    valid = {
        "f": np.full((3, 2), 0.5),
        "i": np.full((3, 2), 0.5),
        "c_tilde": np.zeros((3, 2)),
        "c0": np.ones(2),
    }
    with pytest.raises(error, match=message):
        welcome.reference_memory_shares(**{**valid, **arguments})
