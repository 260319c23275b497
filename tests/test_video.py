"""The stick-figure clip generator: shapes, determinism, balance, true time-reversals."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_course import video
from lstm_course.video import ACTIONS, REVERSED_PAIRS, make_clip, make_clips, make_stream


def test_make_clips_shapes_dtypes_and_range():
    x, y = make_clips(3, frames=12, size=24, seed=1)
    assert x.shape == (3 * len(ACTIONS), 12, 24, 24, 1) and x.dtype == np.float32
    assert y.shape == (len(x),) and y.dtype == np.int64
    assert x.min() >= 0.0 and x.max() <= 1.0


def test_make_clips_is_balanced_and_shuffled():
    _, y = make_clips(10, seed=2)
    assert np.bincount(y, minlength=len(ACTIONS)).tolist() == [10] * len(ACTIONS)
    assert not np.array_equal(y, np.sort(y))


def test_same_seed_same_clips_other_seed_other_clips():
    a, ya = make_clips(2, seed=5)
    b, yb = make_clips(2, seed=5)
    c, _ = make_clips(2, seed=6)
    assert np.array_equal(a, b) and np.array_equal(ya, yb)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize(("forward", "backward"), REVERSED_PAIRS)
@pytest.mark.parametrize("seed", [0, 1, 123])
def test_reversed_pairs_really_are_reversals(forward, backward, seed):
    clip = make_clip(forward, seed=seed)
    assert np.array_equal(make_clip(backward, seed=seed), clip[::-1])
    assert not np.array_equal(clip, clip[::-1])  # the action is not a palindrome


def test_reversed_pairs_share_their_frame_distribution():
    """Mean brightness of each frame index: sit_down's is stand_up's backwards, not forwards."""
    x, y = make_clips(60, actions=("sit_down", "stand_up"), clutter=0, noise=0.0, seed=3)
    # pixels lit in the lower half (legs folded = more pixels low): rises when sitting down
    low = x[:, :, 20:, :, 0].sum(axis=(2, 3))
    sit, stand = low[y == 0].mean(0), low[y == 1].mean(0)
    assert sit[-1] > sit[0] and stand[0] > stand[-1]
    assert np.allclose(np.sort(sit), np.sort(stand), rtol=0.15)


def test_each_action_draws_a_figure_that_changes():
    for action in ACTIONS:
        clip = make_clip(action, noise=0.0, clutter=0, seed=4)
        lit = (clip > 0.5).sum(axis=(1, 2, 3))
        assert (lit > 15).all(), action  # a whole figure in every frame
        assert np.abs(np.diff(clip, axis=0)).sum() > 5, action  # it moves


def test_actions_subset_labels_index_the_subset():
    x, y = make_clips(2, actions=("wave", "jump"), seed=0)
    assert set(y.tolist()) == {0, 1} and len(x) == 4


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"actions": ("walk", "walk")}, ValueError, "actions must be distinct"),
        ({"actions": ()}, TypeError, "non-empty tuple"),
        ({"actions": ("fly",)}, ValueError, "actions must be one of"),
        ({"frames": 3}, ValueError, "frames must be"),
        ({"size": 8}, ValueError, "size must be"),
    ],
)
def test_make_clips_refuses_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_clips(1, **kwargs)


def test_make_stream_changes_action_at_every_segment():
    frames, labels = make_stream(6, frames=10, seed=0)
    assert frames.shape == (60, 32, 32, 1) and labels.shape == (60,)
    segments = labels[::10]
    assert (np.diff(segments) != 0).all()
    assert (labels.reshape(6, 10) == segments[:, None]).all()


def test_make_stream_is_deterministic():
    a, la = make_stream(3, seed=9)
    b, lb = make_stream(3, seed=9)
    assert np.array_equal(a, b) and np.array_equal(la, lb)


def test_make_stream_needs_two_actions():
    with pytest.raises(TypeError, match="at least two"):
        make_stream(3, actions=("walk",))


def test_module_lists_pairs_from_its_actions():
    assert all(a in video.ACTIONS and b in video.ACTIONS for a, b in REVERSED_PAIRS)


def test_clips_html_embeds_one_looping_gif_per_clip_that_decodes_to_the_frames():
    import base64
    import io
    import re

    from PIL import Image

    clip = video.make_clip("wave", frames=6, size=16, seed=1)
    html = video.clips_html([clip, clip[::-1]], ["wave", "<b>backwards</b>"], scale=2, fps=5)
    payloads = re.findall(r'src="data:image/gif;base64,([^"]+)"', html)
    assert len(payloads) == 2
    assert "&lt;b&gt;backwards&lt;/b&gt;" in html and "<b>" not in html  # captions escaped
    image = Image.open(io.BytesIO(base64.b64decode(payloads[0])))
    assert image.n_frames == 6 and image.size == (32, 32) and image.info["loop"] == 0
    image.seek(3)
    first = np.asarray(image.convert("L"), dtype=float)[::2, ::2] / 255
    assert np.abs(first - clip[3, :, :, 0]).max() <= 1 / 255 + 1e-9
