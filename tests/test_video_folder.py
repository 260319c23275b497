"""The real-video folder loader, on small clips the tests write (mp4, avi, gif)."""

from __future__ import annotations

import av
import numpy as np
import pytest
from PIL import Image

from lstm_course.data.video_folder import VideoDataError, load_video_folder, read_video


def ramp(frames: int = 12, height: int = 48, width: int = 64) -> np.ndarray:
    """Frames whose brightness rises from black to white: the order is easy to check."""
    levels = np.linspace(0, 255, frames)[:, None, None]
    return (levels * np.ones((frames, height, width))).astype(np.uint8)


def write_video(path, frames: np.ndarray) -> None:
    if path.suffix == ".gif":
        images = [Image.fromarray(f) for f in frames]
        images[0].save(path, save_all=True, append_images=images[1:], duration=100, loop=0)
        return
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = frames.shape[2], frames.shape[1], "yuv420p"
        for image in frames:
            rgb = np.repeat(image[..., None], 3, axis=-1)
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "jump").mkdir()
    (tmp_path / "clap").mkdir()
    write_video(tmp_path / "jump" / "a.mp4", ramp())
    write_video(tmp_path / "clap" / "b.avi", ramp())
    write_video(tmp_path / "clap" / "c.gif", ramp())
    (tmp_path / "clap" / "notes.txt").write_text("not a clip")
    return tmp_path


@pytest.mark.parametrize("suffix", [".mp4", ".avi", ".gif"])
def test_read_video_samples_resizes_and_scales(tmp_path, suffix):
    path = tmp_path / f"clip{suffix}"
    write_video(path, ramp())
    clip = read_video(path, frames=6, size=16)
    assert clip.shape == (6, 16, 16, 1) and clip.dtype == np.float32
    middle = clip[:, 8, 8, 0]
    assert middle[0] < 0.05 and middle[-1] > 0.95 and (np.diff(middle) > 0).all()


def test_read_video_repeats_frames_of_a_short_clip(tmp_path):
    write_video(tmp_path / "short.gif", ramp(frames=3))
    clip = read_video(tmp_path / "short.gif", frames=7, size=8)
    assert clip.shape == (7, 8, 8, 1)
    assert len(np.unique(clip[:, 4, 4, 0].round(2))) == 3


def test_read_video_keeps_the_size_when_asked(tmp_path):
    write_video(tmp_path / "c.gif", ramp(height=20, width=30))
    assert read_video(tmp_path / "c.gif", frames=4, size=None).shape == (4, 20, 30, 1)


def test_load_video_folder_labels_by_sorted_folder(folder):
    x, y, classes = load_video_folder(folder, frames=5, size=16)
    assert classes == ("clap", "jump")
    assert x.shape == (3, 5, 16, 16, 1) and y.tolist() == [0, 0, 1]


def test_an_unreadable_file_is_named(folder):
    (folder / "jump" / "broken.mp4").write_bytes(b"this is not a video")
    with pytest.raises(VideoDataError, match=r"broken.mp4 cannot be decoded as video"):
        load_video_folder(folder)


def test_an_empty_class_folder_is_named(folder):
    (folder / "wave").mkdir()
    with pytest.raises(VideoDataError, match=r"wave holds no clips; expected files ending in"):
        load_video_folder(folder)


def test_a_root_without_class_folders_is_refused(tmp_path):
    with pytest.raises(VideoDataError, match="has no class folders"):
        load_video_folder(tmp_path)


def test_a_missing_root_is_refused(tmp_path):
    with pytest.raises(VideoDataError, match="is not a folder"):
        load_video_folder(tmp_path / "absent")


def test_mixed_sizes_are_refused_without_resizing(folder):
    write_video(folder / "jump" / "big.gif", ramp(height=20, width=30))
    with pytest.raises(VideoDataError, match=r"big.gif has frames of 20x30 pixels but .* 48x64"):
        load_video_folder(folder, size=None)
    assert load_video_folder(folder, size=12)[0].shape == (4, 20, 12, 12, 1)


def test_a_file_named_like_a_folder_is_not_a_clip(tmp_path):
    with pytest.raises(VideoDataError, match="is not a file"):
        read_video(tmp_path)
