"""Synthetic video: seeded clips of stick figures performing actions (grayscale, small).

    x, y = make_clips(40, seed=0)          # (320, 20, 32, 32, 1) float32 in [0, 1], (320,) int
    ACTIONS[y[0]]                          # "walk"
    clip = make_clip("sit_down", seed=7)   # (20, 32, 32, 1)
    frames, labels = make_stream(12, seed=1)   # actions one after another, a label per frame

No labelled video can be reached offline, so the course draws its own. Each clip is one
articulated stick figure (head, torso, two-segment arms and legs) seen from the side, with
random position, height, limb proportions, facing direction, speed and phase, over a static
background of random line "clutter", with Gaussian pixel noise in every frame.

The point of the set: two pairs of classes are **time-reversals** of each other
(:data:`REVERSED_PAIRS`: sit down / stand up, raise arms / lower arms). A reversed action's
clip is the forward action's clip — drawn with the same random numbers — played backwards,
so the two classes have exactly the same distribution of single frames, and of bags of
frames: only the order of frames tells them apart. ``make_clip(b, seed=s)`` equals
``make_clip(a, seed=s)[::-1]`` for every pair ``(a, b)`` and seed ``s``.
"""

from __future__ import annotations

import numpy as np

from lstm_course._checks import (
    as_float_array,
    check_choice,
    check_int,
    check_number,
    check_seed,
    check_size,
)

ACTIONS = ("walk", "run", "jump", "wave", "sit_down", "stand_up", "raise_arms", "lower_arms")
REVERSED_PAIRS = (("sit_down", "stand_up"), ("raise_arms", "lower_arms"))
_REVERSE_OF = {b: a for a, b in REVERSED_PAIRS}
_SEGMENT_SAMPLES = 24  # points drawn along each limb


def _progress(rng, t: np.ndarray) -> np.ndarray:
    """A ramp 0 -> 1 starting at a random time, lasting a random share of the clip."""
    frames = len(t)
    start = rng.uniform(0.0, 0.3) * frames
    length = rng.uniform(0.45, 0.65) * frames
    s = np.clip((t - start) / length, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * s)  # smooth start and stop


def _pose(action: str, rng, t: np.ndarray) -> dict[str, np.ndarray]:
    """Joint angles (radians from straight down, + = forward) and body motion per frame."""
    n = len(t)
    zero = np.zeros(n)
    phase = rng.uniform(0, 2 * np.pi)
    pose = {
        "lean": zero.copy(),
        "thigh_l": zero.copy(),
        "thigh_r": zero.copy(),
        "knee_l": zero.copy(),
        "knee_r": zero.copy(),
        "arm_l": zero.copy() + 0.1,
        "arm_r": zero.copy() - 0.1,
        "elbow_l": zero.copy() + 0.2,
        "elbow_r": zero.copy() + 0.2,
        "dx": zero.copy(),
        "lift": zero.copy(),
    }
    if action in ("walk", "run"):
        running = action == "run"
        freq = rng.uniform(0.10, 0.14) if running else rng.uniform(0.06, 0.09)
        phi = 2 * np.pi * freq * t + phase
        swing = rng.uniform(0.7, 0.9) if running else rng.uniform(0.4, 0.5)
        pose["thigh_l"], pose["thigh_r"] = swing * np.sin(phi), -swing * np.sin(phi)
        bend = 1.2 if running else 0.5
        pose["knee_l"] = -bend * np.maximum(0, np.sin(phi - 1.0))
        pose["knee_r"] = -bend * np.maximum(0, -np.sin(phi - 1.0))
        pose["arm_l"], pose["arm_r"] = -0.7 * swing * np.sin(phi), 0.7 * swing * np.sin(phi)
        elbow = 1.4 if running else 0.3
        pose["elbow_l"] = pose["elbow_r"] = zero + elbow
        pose["lean"] = zero + (0.25 if running else 0.05)
        pose["dx"] = (rng.uniform(0.7, 1.0) if running else rng.uniform(0.3, 0.45)) * t
        if running:
            pose["lift"] = 0.06 * np.abs(np.sin(phi))
    elif action == "jump":
        freq = rng.uniform(0.07, 0.1)
        up = np.sin(2 * np.pi * freq * t + phase)
        pose["lift"] = rng.uniform(0.15, 0.25) * np.maximum(0, up)
        crouch = np.maximum(0, -up)
        pose["thigh_l"] = pose["thigh_r"] = 0.9 * crouch
        pose["knee_l"] = pose["knee_r"] = -1.6 * crouch
        pose["lean"] = 0.3 * crouch
        pose["arm_l"] = pose["arm_r"] = 1.2 + 1.2 * up
    elif action == "wave":
        freq = rng.uniform(0.12, 0.18)
        pose["arm_r"] = zero + rng.uniform(2.4, 2.8)
        pose["elbow_r"] = 0.6 * np.sin(2 * np.pi * freq * t + phase)
    elif action == "sit_down":
        s = _progress(rng, t)
        pose["thigh_l"] = pose["thigh_r"] = 1.5 * s
        pose["knee_l"] = pose["knee_r"] = -1.5 * s
        pose["lean"] = 0.35 * s
        pose["arm_l"] = pose["arm_r"] = 0.1 + 0.8 * s
    elif action == "raise_arms":
        s = _progress(rng, t)
        pose["arm_l"] = 0.1 + (np.pi - 0.2) * s
        pose["arm_r"] = -0.1 + (np.pi - 0.0) * s
        pose["elbow_l"] = pose["elbow_r"] = 0.2 * (1 - s)
    else:  # pragma: no cover - guarded by make_clip
        raise ValueError(action)
    return pose


def _segments(pose, rng, size: int, frames: int) -> np.ndarray:
    """(frames, segments, 2 ends, 2 coords [x, y]) in pixels, y pointing down."""
    height = rng.uniform(0.5, 0.75) * size
    scale = rng.uniform(0.85, 1.15, size=4)  # torso, arms, thighs, shins
    torso, upper_arm, lower_arm = (
        0.32 * height * scale[0],
        0.17 * height * scale[1],
        0.15 * height * scale[1],
    )
    thigh, shin = 0.25 * height * scale[2], 0.25 * height * scale[3]
    facing = rng.choice([-1.0, 1.0])

    def limb(base, a1, a2, l1, l2):
        # angle from straight down; + turns towards the facing direction; y up here
        j1 = base + l1 * np.stack([facing * np.sin(a1), -np.cos(a1)], axis=-1)
        j2 = j1 + l2 * np.stack([facing * np.sin(a1 + a2), -np.cos(a1 + a2)], axis=-1)
        return j1, j2

    hip = np.zeros((frames, 2))
    lean = pose["lean"]
    neck = hip + torso * np.stack([facing * np.sin(lean), np.cos(lean)], axis=-1)
    knee_l, foot_l = limb(hip, pose["thigh_l"], pose["knee_l"], thigh, shin)
    knee_r, foot_r = limb(hip, pose["thigh_r"], pose["knee_r"], thigh, shin)
    elbow_l, hand_l = limb(neck, pose["arm_l"], pose["elbow_l"], upper_arm, lower_arm)
    elbow_r, hand_r = limb(neck, pose["arm_r"], pose["elbow_r"], upper_arm, lower_arm)
    # feet on the ground (plus the jump's lift), figure moving along x
    lowest = np.minimum(foot_l[:, 1], foot_r[:, 1])
    ground = rng.uniform(0.88, 0.96) * size
    travel = facing * pose["dx"] * size / 32  # pixels at size 32
    start = rng.uniform(0.3, 0.7) * size - (travel[-1] - travel[0]) / 2
    shift = np.stack([start + travel, -lowest + pose["lift"] * height], axis=-1)[:, None, :]
    ends = np.stack(
        [
            np.stack([hip, neck], 1),
            np.stack([hip, knee_l], 1),
            np.stack([knee_l, foot_l], 1),
            np.stack([hip, knee_r], 1),
            np.stack([knee_r, foot_r], 1),
            np.stack([neck, elbow_l], 1),
            np.stack([elbow_l, hand_l], 1),
            np.stack([neck, elbow_r], 1),
            np.stack([elbow_r, hand_r], 1),
        ],
        axis=1,
    )  # (frames, 9, 2, 2)
    ends = ends + shift[:, :, None, :]
    ends[..., 1] = ground - ends[..., 1]  # y down, ground line at row `ground`
    head_r = 0.08 * height
    head = neck + head_r * np.stack([facing * np.sin(lean), np.cos(lean)], axis=-1)
    head = head + shift[:, 0, :]
    head[:, 1] = ground - head[:, 1]
    return ends, head, head_r


def _draw(canvas: np.ndarray, xs: np.ndarray, ys: np.ndarray, value: float) -> None:
    """Set the pixels nearest to points (xs, ys) in ``canvas`` (frames, size, size)."""
    size = canvas.shape[-1]
    frame = np.broadcast_to(np.arange(canvas.shape[0])[:, None], xs.shape)
    col, row = np.rint(xs).astype(int), np.rint(ys).astype(int)
    inside = (col >= 0) & (col < size) & (row >= 0) & (row < size)
    canvas[frame[inside], row[inside], col[inside]] = value


def _render(action: str, rng, frames: int, size: int, noise: float, clutter: int) -> np.ndarray:
    t = np.arange(frames, dtype=np.float64)
    pose = _pose(action, rng, t)
    ends, head, head_r = _segments(pose, rng, size, frames)
    canvas = np.zeros((frames, size, size), dtype=np.float32)
    # static clutter: random faint lines, the same in every frame
    for _ in range(clutter):
        a, b = rng.uniform(0, size, 2), rng.uniform(0, size, 2)
        w = np.linspace(0, 1, 2 * size)
        _draw(
            canvas,
            np.tile(a[0] + w * (b[0] - a[0]), (frames, 1)),
            np.tile(a[1] + w * (b[1] - a[1]), (frames, 1)),
            rng.uniform(0.25, 0.5),
        )
    w = np.linspace(0, 1, _SEGMENT_SAMPLES)
    points = ends[:, :, :1, :] + w[None, None, :, None] * (ends[:, :, 1:, :] - ends[:, :, :1, :])
    _draw(canvas, points[..., 0].reshape(frames, -1), points[..., 1].reshape(frames, -1), 1.0)
    angle = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    _draw(canvas, head[:, :1] + head_r * np.cos(angle), head[:, 1:] + head_r * np.sin(angle), 1.0)
    canvas += rng.normal(0.0, noise, canvas.shape).astype(np.float32)
    return np.clip(canvas, 0.0, 1.0)[..., None]


def make_clip(
    action: str,
    *,
    frames: int = 20,
    size: int = 32,
    noise: float = 0.05,
    clutter: int = 3,
    seed: int | None = 0,
) -> np.ndarray:
    """One clip of ``action`` (one of :data:`ACTIONS`).

    Args:
        action: what the figure does; a reversed action (e.g. ``"stand_up"``) is its pair's
            clip drawn with the same seed, played backwards.
        frames: clip length (4..200).
        size: frame height and width in pixels (16..128).
        noise: standard deviation of the Gaussian pixel noise (0..0.5).
        clutter: number of faint static background lines (0..20).
        seed: seed of the clip's random numbers (pose, position, noise); None: fresh.

    Returns:
        (frames, size, size, 1) float32 in [0, 1].
    """
    action = check_choice("action", action, ACTIONS)
    frames = check_int("frames", frames, minimum=4, maximum=200)
    size = check_int("size", size, minimum=16, maximum=128)
    noise = check_number("noise", noise, minimum=0.0, maximum=0.5)
    clutter = check_int("clutter", clutter, minimum=0, maximum=20)
    rng = np.random.default_rng(check_seed("seed", seed))
    if action in _REVERSE_OF:
        return _render(_REVERSE_OF[action], rng, frames, size, noise, clutter)[::-1].copy()
    return _render(action, rng, frames, size, noise, clutter)


def make_clips(
    per_class: int,
    *,
    actions=ACTIONS,
    frames: int = 20,
    size: int = 32,
    noise: float = 0.05,
    clutter: int = 3,
    seed: int | None = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """A balanced, shuffled set: ``per_class`` clips of each action.

    Args:
        per_class: clips per action (1..5000).
        actions: the classes, a tuple of distinct names from :data:`ACTIONS`; label ``k``
            means ``actions[k]``.
        frames, size, noise, clutter: as in :func:`make_clip`.
        seed: seed of the whole set (each clip gets its own seed drawn from it).

    Returns:
        x (n, frames, size, size, 1) float32 in [0, 1] and y (n,) int64, n = per_class * classes.
    """
    per_class = check_int("per_class", per_class, minimum=1, maximum=5000)
    if not isinstance(actions, (tuple, list)) or not actions:
        raise TypeError(
            f"actions must be a non-empty tuple of names from {ACTIONS}, got {actions!r}"
        )
    actions = tuple(check_choice("actions", a, ACTIONS) for a in actions)
    if len(set(actions)) != len(actions):
        raise ValueError(f"actions must be distinct, got {actions}")
    frames = check_int("frames", frames, minimum=4, maximum=200)
    size = check_int("size", size, minimum=16, maximum=128)
    check_size("the clips", per_class * len(actions) * frames * size * size)
    rng = np.random.default_rng(check_seed("seed", seed))
    labels = rng.permutation(np.repeat(np.arange(len(actions)), per_class))
    seeds = rng.integers(0, 2**32 - 1, size=len(labels))
    x = np.stack(
        [
            make_clip(
                actions[k], frames=frames, size=size, noise=noise, clutter=clutter, seed=int(s)
            )
            for k, s in zip(labels, seeds, strict=True)
        ]
    )
    return x, labels.astype(np.int64)


def make_stream(
    segments: int,
    *,
    actions=ACTIONS,
    frames: int = 20,
    size: int = 32,
    noise: float = 0.05,
    clutter: int = 3,
    seed: int | None = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """A long stream: ``segments`` clips of random actions one after another.

    Consecutive segments always differ in action, so every boundary is a change to detect.

    Returns:
        frames (segments * frames, size, size, 1) float32 and labels (segments * frames,) int64,
        the index into ``actions`` of the action each frame belongs to.
    """
    segments = check_int("segments", segments, minimum=1, maximum=1000)
    if not isinstance(actions, (tuple, list)) or len(actions) < 2:
        raise TypeError(
            f"actions must be a tuple of at least two names from {ACTIONS}, got {actions!r}"
        )
    actions = tuple(check_choice("actions", a, ACTIONS) for a in actions)
    rng = np.random.default_rng(check_seed("seed", seed))
    order: list[int] = []
    for _ in range(segments):
        choices = [k for k in range(len(actions)) if not order or k != order[-1]]
        order.append(int(rng.choice(choices)))
    clips = [
        make_clip(
            actions[k],
            frames=frames,
            size=size,
            noise=noise,
            clutter=clutter,
            seed=int(rng.integers(0, 2**32 - 1)),
        )
        for k in order
    ]
    return np.concatenate(clips), np.repeat(np.array(order, dtype=np.int64), frames)


def clips_html(clips, captions, *, scale: int = 3, fps: int = 8) -> str:
    """Clips side by side as looping GIF animations, in an HTML snippet for a notebook.

    Args:
        clips: a sequence of clips, each (frames, height, width, 1) or (frames, height,
            width), values in [0, 1].
        captions: one caption per clip (shown under it, HTML-escaped).
        scale: each pixel becomes scale x scale pixels (1..8), so 32-pixel frames are visible.
        fps: frames per second (1..50).

    Returns:
        HTML (a string) with one ``<img>`` per clip, the GIFs embedded as base64; show it with
        ``IPython.display.HTML``. GIF compresses flat areas well and noise badly: a 20-frame
        32 x 32 clip at scale 3 takes a few KB without pixel noise and over 50 KB with it.
    """
    import base64  # noqa: PLC0415 - only this helper needs them
    import html  # noqa: PLC0415
    import io  # noqa: PLC0415

    from PIL import Image  # noqa: PLC0415

    scale = check_int("scale", scale, minimum=1, maximum=8)
    fps = check_int("fps", fps, minimum=1, maximum=50)
    if isinstance(captions, str) or not isinstance(captions, (list, tuple)):
        raise TypeError(f"captions must be a list of strings, got {type(captions).__name__}")
    if not isinstance(clips, (list, tuple)) and not (
        isinstance(clips, np.ndarray) and clips.ndim in (4, 5)
    ):
        raise TypeError(
            f"clips must be a list of (frames, height, width[, 1]) arrays, got {clips!r:.60}"
        )
    if len(clips) != len(captions) or not len(clips):
        raise ValueError(
            f"clips and captions must be non-empty and of equal length, got {len(clips)} clips "
            f"and {len(captions)} captions"
        )
    cells = []
    for k, (clip, caption) in enumerate(zip(clips, captions, strict=True)):
        frames = as_float_array(f"clips[{k}]", clip)
        if frames.ndim == 4 and frames.shape[-1] == 1:
            frames = frames[..., 0]
        if frames.ndim != 3 or min(frames.shape) < 1:
            raise ValueError(
                f"clips[{k}] must have shape (frames, height, width[, 1]), got {np.shape(clip)}"
            )
        if not np.all(np.isfinite(frames)):
            raise ValueError(f"clips[{k}] must be finite, got NaN or infinity")
        pixels = (np.clip(frames, 0.0, 1.0) * 255).round().astype(np.uint8)
        pixels = pixels.repeat(scale, axis=1).repeat(scale, axis=2)
        images = [Image.fromarray(frame) for frame in pixels]
        buffer = io.BytesIO()
        images[0].save(
            buffer,
            format="GIF",
            save_all=True,
            append_images=images[1:],
            duration=round(1000 / fps),
            loop=0,
        )
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        cells.append(
            '<figure style="display:inline-block;margin:0 12px;text-align:center">'
            f'<img src="data:image/gif;base64,{data}" alt="{html.escape(str(caption))}">'
            f"<figcaption>{html.escape(str(caption))}</figcaption></figure>"
        )
    return "<div>" + "".join(cells) + "</div>"
