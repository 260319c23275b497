"""Fuzz notebook 08's code: the clip generator, the video-folder loader, BasicMotions.

Every public function is called with one argument at a time replaced by a bad value (it
must be refused with a message naming the argument) or by another spelling of the valid
value (it must give the same result); see ``tests/fuzzing.py``. The video-folder targets
read two tiny GIF clips written once, at import, into a throwaway folder.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from fuzzing import FuzzTarget, assert_fuzz_clean
from PIL import Image

from lstm_course import video
from lstm_course.data import basicmotions, registry, video_folder

DATASETS = registry.datasets_dir()


def _clip_folder() -> Path:
    root = Path(tempfile.mkdtemp(prefix="fuzz_video_"))
    for name, start in (("a", 0), ("b", 128)):
        (root / name).mkdir()
        images = [Image.fromarray(np.full((12, 12), start + 30 * i, np.uint8)) for i in range(4)]
        images[0].save(root / name / "clip.gif", save_all=True, append_images=images[1:])
    return root


CLIPS = _clip_folder()
TOY_TS = "@dimensions 1\n@seriesLength 3\n@classLabel true a b\n@data\n1,2,3:a\n3,2,1:b\n"
SMALL = {"frames": 6, "size": 16, "noise": 0.05, "clutter": 1, "seed": 3}
# None is a valid seed (fresh randomness), so it is accepted, and such calls are not compared.
SEED_OK = {"seed": {"None"}}

TARGETS = [
    # --- the generator ------------------------------------------------------------------------
    FuzzTarget(
        video.make_clip,
        {"action": "stand_up", **SMALL},
        accept=SEED_OK,
        bad={"action": [("unknown", "fly"), ("upper case", "WALK")], "frames": [("3", 3)]},
    ),
    FuzzTarget(
        video.make_clips,
        {"per_class": 1, "actions": ("walk", "sit_down"), **SMALL},
        accept=SEED_OK,
        bad={
            "actions": [
                ("repeated", ("walk", "walk")),
                ("unknown", ("walk", "fly")),
                ("empty", ()),
            ],
            "per_class": [("zero", 0)],
        },
    ),
    FuzzTarget(
        video.make_stream,
        {"segments": 2, "actions": ("wave", "jump"), **SMALL},
        accept=SEED_OK,
        bad={"actions": [("one action", ("wave",))], "segments": [("zero", 0)]},
    ),
    FuzzTarget(
        video.clips_html,
        {"clips": [np.full((3, 8, 8, 1), 0.5), np.zeros((2, 8, 8))], "captions": ["a", "b"]},
        bad={
            "clips": [("one clip, not a list", np.zeros((3, 8, 8))), ("a frame", np.zeros((8, 8)))],
            "captions": [("a string", "ab"), ("one too few", ["a"])],
            "scale": [("zero", 0)],
            "fps": [("zero", 0)],
        },
    ),
    # --- the video-folder loader --------------------------------------------------------------
    FuzzTarget(
        video_folder.read_video,
        {"path": CLIPS / "a" / "clip.gif", "frames": 3, "size": 8},
        accept={"size": {"None"}},  # None keeps the clip's own size
        bad={
            "path": [("a folder", CLIPS), ("missing", CLIPS / "absent.mp4")],
            "frames": [("zero", 0)],
            "size": [("too small", 2)],
        },
        aliases={"path": ("is not a file",)},
    ),
    FuzzTarget(
        video_folder.load_video_folder,
        {"root": CLIPS, "frames": 3, "size": 8},
        accept={"size": {"None"}},
        bad={"root": [("a file", CLIPS / "a" / "clip.gif"), ("missing", CLIPS / "absent")]},
        aliases={"root": ("is not a folder",)},
    ),
    # --- BasicMotions -------------------------------------------------------------------------
    FuzzTarget(
        basicmotions.load_basicmotions,
        {"split": "test", "root": DATASETS},
        accept={"root": {"None"}},  # None means datasets_dir(): the same folder
        bad={
            "split": [("unknown", "valid"), ("upper case", "TRAIN")],
            "root": [("a file", DATASETS / "sp500.csv"), ("missing", DATASETS / "absent")],
        },
    ),
    FuzzTarget(
        basicmotions.parse_ts,
        {"text": TOY_TS},
        bad={"text": [("no @data", "@dimensions 1\n"), ("empty", "")]},
        aliases={"text": ("@data",)},
    ),
]

EXEMPT = {
    "data.basicmotions.BasicMotionsDataError": "an exception class: raised by the loader, "
    "never given input",
    "data.video_folder.VideoDataError": "an exception class: raised by the loader, never given "
    "input",
}


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_bad_inputs_get_clear_errors(target):
    assert_fuzz_clean(target)
