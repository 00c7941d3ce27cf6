"""Decoded real recordings shared by the sound tests (decoded once per session)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from roughcut.media import read_audio


@pytest.fixture(scope="session")
def timbl(media_dir: Path) -> dict[str, np.ndarray]:
    """``timbl_1..3`` at 16 kHz mono, sample 0 = first decoded sample."""
    return {
        name: read_audio(media_dir / "sync" / f"{name}.mp3", sample_rate=16000).samples
        for name in ("timbl_1", "timbl_2", "timbl_3")
    }


@pytest.fixture(scope="session")
def pairs(media_dir: Path) -> list[tuple[str, np.ndarray, np.ndarray, int]]:
    """The six real noisy/clean pairs: ``(name, noisy, clean, sample_rate)``, float32 mono."""
    found = []
    for noisy in sorted((media_dir / "noisy" / "noisy").glob("*.wav")):
        x, rate = soundfile.read(noisy, dtype="float32")
        clean, _ = soundfile.read(media_dir / "noisy" / "clean" / noisy.name, dtype="float32")
        found.append((noisy.name, x, clean, rate))
    assert len(found) == 6
    return found
