"""Real video from a folder of class-named folders, as UCF101 is laid out.

    x, y, classes = load_video_folder("UCF101/train", frames=20, size=32)
    # x: (videos, 20, 32, 32, 1) float32 in [0, 1]; y: (videos,) int64; classes: folder names

Layout: ``root/<class name>/<clip>.mp4|.avi|.gif`` (other files are ignored; classes are the
sub-folders, sorted by name, so label ``k`` is ``classes[k]``). Every clip is decoded with
PyAV (``pip install av``: its wheels bundle FFmpeg, so no system package is needed), turned
to grayscale, resized to ``size`` x ``size`` (stretched: the aspect ratio is not kept) and
sampled to ``frames`` frames evenly spread over the clip (a clip with fewer frames repeats
some). With ``size=None`` frames keep their own size, and every clip must then share it.

Refused with :class:`VideoDataError`, naming the folder or file and what was expected:
a missing root, a root without class folders, a class folder without clips, a file that
cannot be decoded or holds no frames, a clip whose frames change size, and (``size=None``)
clips of different sizes.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from lstm_course._checks import check_int, check_path
from lstm_course.data.registry import DatasetError

EXTENSIONS = (".mp4", ".avi", ".gif")


class VideoDataError(DatasetError):
    """A video folder or file breaks the loader's promises; the message names which and how."""


def _decode(path: Path) -> list[np.ndarray]:
    """Every frame of ``path`` as a (height, width) uint8 gray array."""
    try:
        import av
    except ImportError:  # pragma: no cover - av is a runtime dependency
        raise ImportError("reading video needs PyAV: pip install av") from None
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise VideoDataError(f"{path} holds no video stream")
            images = [f.to_ndarray(format="gray") for f in container.decode(video=0)]
    except VideoDataError:
        raise
    except (av.FFmpegError, OSError, ValueError) as err:
        raise VideoDataError(f"{path} cannot be decoded as video: {err}") from None
    if not images:
        raise VideoDataError(f"{path} decodes to no frames")
    shapes = {image.shape for image in images}
    if len(shapes) > 1:
        raise VideoDataError(
            f"{path}: frames change size within the clip ({sorted(shapes)}); expected one size"
        )
    return images


def _resize(image: np.ndarray, size: int) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.fromarray(image).resize((size, size), Image.BILINEAR))


def read_video(path, *, frames: int = 20, size: int | None = 32) -> np.ndarray:
    """One clip: (frames, size, size, 1) float32 in [0, 1] (see the module docstring)."""
    path = Path(check_path("path", path))
    frames = check_int("frames", frames, minimum=1, maximum=10_000)
    if size is not None:
        size = check_int("size", size, minimum=4, maximum=1024)
    if not path.is_file():
        raise VideoDataError(f"{path} is not a file; expected a video ({', '.join(EXTENSIONS)})")
    images = _decode(path)
    picks = np.rint(np.linspace(0, len(images) - 1, frames)).astype(int)
    chosen = [images[i] if size is None else _resize(images[i], size) for i in picks]
    return (np.stack(chosen).astype(np.float32) / 255.0)[..., None]


def load_video_folder(
    root: str | os.PathLike, *, frames: int = 20, size: int | None = 32
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Every clip under ``root/<class>/``, decoded, grayscale, resized and sampled.

    Args:
        root: folder of class folders.
        frames: frames per clip, spread evenly over it (1..10000).
        size: side of the square frames in pixels (4..1024); None keeps the clips' own size,
            which must then be the same for all.

    Returns:
        ``(x, y, classes)``: x (videos, frames, size, size, 1) float32 in [0, 1], y int64
        labels, classes the sorted class-folder names.
    """
    root = Path(check_path("root", root))
    frames = check_int("frames", frames, minimum=1, maximum=10_000)
    if size is not None:
        size = check_int("size", size, minimum=4, maximum=1024)
    if not root.is_dir():
        raise VideoDataError(f"{root} is not a folder; expected a folder of class folders")
    classes = tuple(sorted(p.name for p in root.iterdir() if p.is_dir()))
    if not classes:
        raise VideoDataError(
            f"{root} has no class folders; expected {root}/<class name>/<clip>"
            f"{'|'.join(EXTENSIONS)}"
        )
    clips, labels, first = [], [], None
    for label, name in enumerate(classes):
        files = sorted(
            p for p in (root / name).iterdir() if p.is_file() and p.suffix.lower() in EXTENSIONS
        )
        if not files:
            raise VideoDataError(
                f"class folder {root / name} holds no clips; expected files ending in "
                f"{', '.join(EXTENSIONS)}"
            )
        for path in files:
            clip = read_video(path, frames=frames, size=size)
            if first is None:
                first = (path, clip.shape)
            elif clip.shape != first[1]:
                raise VideoDataError(
                    f"{path} has frames of {clip.shape[1]}x{clip.shape[2]} pixels but "
                    f"{first[0]} has {first[1][1]}x{first[1][2]}; pass size=N to resize all"
                )
            clips.append(clip)
            labels.append(label)
    return np.stack(clips), np.array(labels, dtype=np.int64), classes
