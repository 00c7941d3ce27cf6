"""Single frames: a thumbnail at a time, saved as PNG or JPEG."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image

from roughcut.errors import MediaError
from roughcut.media.container import open_media
from roughcut.media.frames import read_frames
from roughcut.media.rates import seconds_to_frame, snap_frame_rate


def thumbnail(path: str | Path, *, seconds: Fraction | float = 0, width: int = 320) -> np.ndarray:
    """The frame shown at ``seconds`` into ``path``, scaled to ``width`` pixels, as RGB uint8.

    Seeks to the keyframe before and decodes forward, so the frame is exact.
    """
    path = Path(path)
    with open_media(path) as container:
        if not container.streams.video:
            raise MediaError(path, "holds no video stream")
        stream = container.streams.video[0]
        rate = snap_frame_rate(stream.average_rate or stream.guessed_rate or stream.base_rate)
    target = seconds_to_frame(Fraction(seconds), rate)
    last = None
    for frame in read_frames(path, width=width, start_frame=target, end_frame=target + 1):
        last = frame
    if last is None:  # past the end: the last frame
        for frame in read_frames(path, width=width, start_frame=max(0, target - int(rate) * 2)):
            last = frame
    if last is None:
        raise MediaError(path, f"no frame at {float(seconds):.3f} s")
    return last.image


def save_image(image: np.ndarray, path: str | Path, *, quality: int = 85) -> Path:
    """Write an RGB uint8 array as PNG or JPEG (by suffix); returns ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(image).save(path, quality=quality)
    return path
