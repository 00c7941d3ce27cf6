"""Tiny generated media for tests of mechanics (real recordings come from ../shared/media)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from roughcut.media.container import encode_audio


def write_video(
    path: Path,
    *,
    frames: int = 48,
    rate: Fraction = Fraction(24000, 1001),
    size: tuple[int, int] = (320, 240),
    pts: Sequence[int] | None = None,
    time_base: Fraction | None = None,
    rotation: int = 0,
    audio_seconds: float | None = None,
    codec: str = "libx264",
) -> Path:
    """Write a test video whose frame ``i`` shows its number as grey level ``(i * 5) % 256`` and a
    white marker square in its top-left corner. ``pts`` (in ``time_base`` units) makes it VFR."""
    width, height = size
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if codec == "libx264":
            stream.options = {"preset": "ultrafast", "crf": "18"}
        if time_base is not None:
            stream.codec_context.time_base = time_base
            stream.time_base = time_base
        if rotation:
            stream.set_display_rotation(rotation)
        audio = None
        if audio_seconds:
            audio = out.add_stream("aac", rate=48000)
            audio.layout = "mono"
        for i in range(frames):
            image = np.full((height, width, 3), (i * 5) % 256, np.uint8)
            image[4:36, 4:36] = 255
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = pts[i] if pts is not None else i
            if time_base is not None:
                frame.time_base = time_base
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
        if audio is not None:
            encode_audio(out, audio, tone(audio_seconds, 48000))
    return path


def tone(seconds: float, rate: int, *, frequency: float = 440.0, level: float = 0.25) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def write_audio(path: Path, samples: np.ndarray, *, rate: int = 48000, codec: str = "aac") -> Path:
    """Encode mono float32 ``samples`` at ``rate`` Hz with ``codec`` (container from the suffix)."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = "mono"
        encode_audio(out, stream, samples)
    return path


def write_take(
    path: Path,
    frames: Sequence[np.ndarray],
    samples: np.ndarray,
    *,
    sample_rate: int,
    frame_rate: Fraction,
    options: dict[str, str] | None = None,
) -> Path:
    """Write RGB ``frames`` (H.264, ``frame_rate`` per second, x264 ``options``) and mono ``samples``
    (AAC at ``sample_rate`` Hz) to the MP4 ``path``: a take made from real pictures and sound."""
    height, width = frames[0].shape[:2]
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=frame_rate)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"preset": "ultrafast", **(options or {})}
        audio = out.add_stream("aac", rate=sample_rate)
        audio.layout = "mono"
        for i, image in enumerate(frames):
            picture = av.VideoFrame.from_ndarray(image, format="rgb24")
            picture.pts = i
            out.mux(video.encode(picture))
        out.mux(video.encode())
        samples = np.asarray(samples, np.float32)
        for k in range(0, len(samples), 1024):
            chunk = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(samples[None, k : k + 1024]), format="fltp", layout="mono"
            )
            chunk.sample_rate = sample_rate
            chunk.pts = k
            out.mux(audio.encode(chunk))
        out.mux(audio.encode())
    return path
