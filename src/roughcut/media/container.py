"""Opening media for reading and muxing sound into an output, with roughcut's errors."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from roughcut.errors import MediaError


def open_media(path: str | Path) -> av.container.InputContainer:
    """Open ``path`` with PyAV; a file FFmpeg cannot read raises :class:`MediaError` naming it."""
    try:
        return av.open(str(path))
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise MediaError(path, f"not a readable media file ({exc.__class__.__name__}: {exc})") from exc


def encode_audio(
    out: av.container.OutputContainer, stream: av.audio.AudioStream, samples: np.ndarray, *, block: int = 1024
) -> None:
    """Encode float32 ``samples`` (``(n,)`` mono or ``(channels, n)``) into ``stream`` and flush it.

    Frames carry their exact sample position as ``pts``; the stream's rate and layout must match.
    """
    planar = samples[None, :] if samples.ndim == 1 else samples
    layout = "mono" if planar.shape[0] == 1 else stream.layout.name
    for start in range(0, planar.shape[1], block):
        chunk = np.ascontiguousarray(planar[:, start : start + block], dtype=np.float32)
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
        frame.sample_rate = stream.rate
        frame.pts = start
        out.mux(stream.encode(frame))
    out.mux(stream.encode())
