"""Decoded real recordings shared by the sound tests (decoded once per session)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from roughcut.media import read_audio


@pytest.fixture(scope="session")
def timbl(media_dir: Path) -> dict[str, np.ndarray]:
    """``timbl_1..3`` at 16 kHz mono, sample 0 = first decoded sample."""
    return {
        name: read_audio(media_dir / "sync" / f"{name}.mp3", sample_rate=16000).samples
        for name in ("timbl_1", "timbl_2", "timbl_3")
    }
