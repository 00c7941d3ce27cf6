"""Reading a file's dialogue at its own rate, and writing processed sound without overwriting."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import soundfile

from roughcut.audio.channels import SignalReport, dialogue_mix
from roughcut.errors import MediaError, RoughcutError
from roughcut.media.audio import read_audio
from roughcut.media.probe import probe


@dataclass(frozen=True)
class Dialogue:
    """A file's dialogue: mono float32 ``samples`` at the file's own ``sample_rate`` (Hz), and what
    :func:`~roughcut.audio.channels.dialogue_mix` found."""

    path: Path
    samples: np.ndarray
    sample_rate: int
    report: SignalReport
    #: The file's recorded start time of day (seconds since midnight; Broadcast WAVE), if any.
    time_of_day_s: Fraction | None = None


def read_dialogue(path: str | Path, *, channels: tuple[int, ...] | None = None) -> Dialogue:
    """Decode ``path`` at its native rate and mix its dialogue channels to mono.

    ``channels`` (1-based) picks them by hand; otherwise they are chosen as
    :func:`~roughcut.audio.channels.dialogue_mix` says. Raises :class:`MediaError` naming the file
    when it cannot be read or a picked channel does not exist.
    """
    path = Path(path)
    audio = read_audio(path, sample_rate=None, mono=False)
    data = np.atleast_2d(audio.samples)
    if channels:
        missing = [c for c in channels if not 1 <= c <= data.shape[0]]
        if missing:
            raise MediaError(path, f"has {data.shape[0]} channels; no channel {missing[0]}")
        data = data[[c - 1 for c in channels]]
    mono, report = dialogue_mix(data, audio.sample_rate)
    return Dialogue(path, mono, audio.sample_rate, report, probe(path).time_of_day_s)


def write_audio(
    path: str | Path,
    samples: np.ndarray,
    sample_rate: int,
    *,
    force: bool = False,
    time_of_day_s: Fraction | float | None = None,
) -> Path:
    """Write ``samples`` (``(n,)`` or ``(channels, n)``, float in [-1, 1]) as 24-bit PCM WAV.

    With ``time_of_day_s`` (seconds since midnight) the file is a Broadcast WAVE whose ``bext``
    time reference says when its first sample was recorded, as a field recorder's does: editing
    systems show it as the file's timecode. Refuses (:class:`RoughcutError`) to replace an
    existing file unless ``force``.
    """
    path = Path(path)
    if path.exists() and not force:
        raise RoughcutError(f"{path}: already exists; not overwritten (use --force)")
    path.parent.mkdir(parents=True, exist_ok=True)
    data = np.clip(np.asarray(samples, np.float32), -1.0, 1.0)
    if time_of_day_s is None:
        soundfile.write(path, data.T if data.ndim == 2 else data, sample_rate, subtype="PCM_24", format="WAV")
    else:
        _write_broadcast_wave(path, np.atleast_2d(data), sample_rate, round(time_of_day_s * sample_rate))
    return path


def _write_broadcast_wave(path: Path, data: np.ndarray, sample_rate: int, time_reference: int) -> None:
    """24-bit PCM WAV with a ``bext`` chunk (FFmpeg's WAV muxer through PyAV); ``data`` is
    ``(channels, n)``; ``time_reference`` in samples since midnight."""
    import av

    layout = av.AudioLayout(f"{data.shape[0]}c").name  # "mono", "stereo", ... for 1, 2, ... channels
    with av.open(str(path), "w", format="wav", options={"write_bext": "1"}) as out:
        out.metadata["time_reference"] = str(time_reference)
        stream = out.add_stream("pcm_s24le", rate=sample_rate, layout=layout)
        for start in range(0, data.shape[1], sample_rate):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(data[:, start : start + sample_rate]),
                format="fltp",
                layout=layout,
            )
            frame.sample_rate = sample_rate
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
