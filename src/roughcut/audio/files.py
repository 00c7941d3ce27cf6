"""Reading a file's dialogue at its own rate, and writing processed sound without overwriting."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from roughcut.audio.channels import SignalReport, dialogue_mix
from roughcut.errors import MediaError, RoughcutError
from roughcut.media.audio import read_audio


@dataclass(frozen=True)
class Dialogue:
    """A file's dialogue: mono float32 ``samples`` at the file's own ``sample_rate`` (Hz), and what
    :func:`~roughcut.audio.channels.dialogue_mix` found."""

    path: Path
    samples: np.ndarray
    sample_rate: int
    report: SignalReport


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
    return Dialogue(path, mono, audio.sample_rate, report)


def write_audio(path: str | Path, samples: np.ndarray, sample_rate: int, *, force: bool = False) -> Path:
    """Write ``samples`` (``(n,)`` or ``(channels, n)``, float in [-1, 1]) as 24-bit PCM WAV.

    Refuses (:class:`RoughcutError`) to replace an existing file unless ``force``.
    """
    path = Path(path)
    if path.exists() and not force:
        raise RoughcutError(f"{path}: already exists; not overwritten (use --force)")
    path.parent.mkdir(parents=True, exist_ok=True)
    data = np.clip(np.asarray(samples, np.float32), -1.0, 1.0)
    soundfile.write(path, data.T if data.ndim == 2 else data, sample_rate, subtype="PCM_24", format="WAV")
    return path
