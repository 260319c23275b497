"""lstm_course.progress: bars when a person runs a notebook, nothing in builds and tests."""

from __future__ import annotations

import nbformat
import numpy as np
import pytest

from lstm_course import progress
from tools import notebooks as nt


@pytest.fixture
def bars_on(monkeypatch):
    monkeypatch.setenv(progress.ENV, "1")


@pytest.fixture
def bars_off(monkeypatch):
    monkeypatch.setenv(progress.ENV, "0")


def test_bars_are_on_unless_the_environment_turns_them_off(monkeypatch):
    monkeypatch.delenv(progress.ENV, raising=False)
    assert progress.enabled()
    monkeypatch.setenv(progress.ENV, "0")
    assert not progress.enabled()


def test_the_tests_themselves_run_with_bars_off():
    """conftest.py turns bars off for every kernel the tests start (nbval, student copies)."""
    assert not progress.enabled()


@pytest.mark.parametrize("value", ["yes", "off", "2", ""])
def test_a_bad_setting_names_what_it_accepts(monkeypatch, value):
    monkeypatch.setenv(progress.ENV, value)
    with pytest.raises(ValueError, match=r"LSTM_COURSE_PROGRESS must be '0'.*'1'.*got"):
        progress.enabled()


def test_bar_yields_the_items_and_draws_one_line(bars_on, capsys):
    assert list(progress.bar(range(4), "four runs")) == [0, 1, 2, 3]
    drawn = capsys.readouterr()
    assert "four runs" in drawn.out and "4/4" in drawn.out and drawn.err == ""


def test_bar_takes_a_total_for_a_generator(bars_on, capsys):
    assert list(progress.bar((x * x for x in range(3)), "squares", total=3)) == [0, 1, 4]
    assert "3/3" in capsys.readouterr().out


def test_bar_draws_nothing_when_off(bars_off, capsys):
    assert list(progress.bar(["a", "b"], "two runs")) == ["a", "b"]
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((5, "runs"), {}, TypeError, "items must be an iterable.*got int"),
        (([1], 3), {}, TypeError, "description must be a str"),
        (([1], ""), {}, ValueError, "description must be a non-empty single line"),
        (([1], "runs"), {"total": -1}, ValueError, "total must be an int >= 0, got -1"),
        (([1], "runs"), {"total": 2.5}, ValueError, "total must be an int >= 0, got 2.5"),
    ],
)
def test_bar_refuses_bad_input(bars_on, args, kwargs, error, message):
    with pytest.raises(error, match=message):
        progress.bar(*args, **kwargs)


def _tiny_model():
    import keras

    model = keras.Sequential([keras.Input((3, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)])
    model.compile("adam", "mse")
    return model


def test_epochs_draws_one_bar_over_the_epochs_with_the_loss(bars_on, capsys):
    x, y = np.zeros((8, 3, 1), "float32"), np.zeros((8, 1), "float32")
    _tiny_model().fit(x, y, epochs=3, verbose=0, callbacks=[progress.epochs("tiny LSTM")])
    out = capsys.readouterr().out
    assert "tiny LSTM" in out and "3/3" in out and "loss=" in out


def test_epochs_draws_nothing_when_off(bars_off, capsys):
    import keras

    callback = progress.epochs("tiny LSTM")
    assert isinstance(callback, keras.callbacks.Callback)
    x, y = np.zeros((8, 3, 1), "float32"), np.zeros((8, 1), "float32")
    _tiny_model().fit(x, y, epochs=2, verbose=0, callbacks=[callback])
    assert capsys.readouterr().out == ""


def test_epochs_refuses_a_bad_description():
    with pytest.raises(TypeError, match="description must be a str, got None"):
        progress.epochs(None)


def test_the_notebook_check_finds_a_stored_bar():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("for run in progress.bar(runs, 'runs'): ...")
    cell.outputs = [
        nbformat.v4.new_output("stream", text="runs:  50%|#####     | 2/4 [00:03<00:03, 1.5s/run]")
    ]
    nb.cells = [cell]
    assert nt.progress_problems(nb) == [f"progress bar in the output of: {cell.source!r}"]
    cell.outputs = [nbformat.v4.new_output("stream", text="32/32 ━━━━━━━━━━ 1s 12ms/step")]
    assert len(nt.progress_problems(nb)) == 1
    cell.outputs = [nbformat.v4.new_output("stream", text="accuracy 2/4 [in 3 s]")]
    assert nt.progress_problems(nb) == []
