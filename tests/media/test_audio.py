"""Audio decoding: 16 kHz mono float32, native rate, exact positions, codec priming removed."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from roughcut.errors import MediaError
from roughcut.media import read_audio
from tests.synthetic import write_audio, write_video


def test_analysis_rate_mono_float32(media_dir: Path) -> None:
    audio = read_audio(media_dir / "speech" / "jfk.flac")
    assert audio.sample_rate == 16000
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert audio.num_samples == 11 * 16000
    assert audio.duration == Fraction(11)
    assert 0.01 < float(np.abs(audio.samples).max()) <= 1.0


def test_native_rate_keeps_channels(media_dir: Path) -> None:
    audio = read_audio(media_dir / "speech" / "jfk.flac", sample_rate=None, mono=False)
    assert audio.sample_rate == 44100
    assert audio.samples.shape == (2, 11 * 44100)


def test_grid_video_audio_track(media_dir: Path) -> None:
    audio = read_audio(media_dir / "grid" / "bbaf2n.mpg")
    assert abs(audio.num_samples / 16000 - 2.95) < 0.06


def _click(rate: int, seconds: float, at: float) -> np.ndarray:
    signal = np.zeros(int(rate * seconds), np.float32)
    start = int(at * rate)
    signal[start : start + 48] = np.hanning(48).astype(np.float32) * 0.9
    return signal


@pytest.mark.parametrize(("codec", "suffix"), [("aac", ".m4a"), ("libmp3lame", ".mp3"), ("flac", ".flac")])
def test_codec_priming_is_removed(tmp_path: Path, codec: str, suffix: str) -> None:
    """A click written at exactly 1.000 s decodes at 1.000 s: AAC and MP3 priming samples are dropped."""
    path = write_audio(tmp_path / f"click{suffix}", _click(48000, 2.0, 1.0), rate=48000, codec=codec)
    audio = read_audio(path, sample_rate=None)
    peak = int(np.argmax(np.abs(audio.samples)))
    assert abs(peak - (48000 + 24)) <= 48, f"{codec}: click at sample {peak}"
    # The same holds at the analysis rate.
    analysis = read_audio(path)
    assert abs(int(np.argmax(np.abs(analysis.samples))) - (16000 + 8)) <= 16


def test_mp3_real_file_start_time_kept_apart(media_dir: Path) -> None:
    audio = read_audio(media_dir / "sync" / "timbl_1.mp3")
    assert 0.020 < float(audio.start_time) < 0.026
    assert abs(audio.num_samples / 16000 - 47.98) < 0.1


def test_take_without_audio_names_the_file(tmp_path: Path) -> None:
    path = write_video(tmp_path / "mos_take.mp4", frames=4)
    with pytest.raises(MediaError, match="mos_take.mp4.*no audio"):
        read_audio(path)
