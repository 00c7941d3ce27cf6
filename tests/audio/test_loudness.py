"""Loudness: BS.1770 reference signals, presets on real speech within ±0.5 LU, the true-peak limiter."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from roughcut.audio.loudness import (
    PRESETS,
    LoudnessPreset,
    limit_true_peak,
    loudness_range,
    measure_loudness,
    normalize_loudness,
    true_peak,
)
from roughcut.errors import RoughcutError
from roughcut.media import read_audio


def _sine(frequency: float, rate: int, seconds: float, level_db: float, phase: float = 0.0) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (10 ** (level_db / 20) * np.sin(2 * np.pi * frequency * t + phase)).astype(np.float32)


def test_bs1770_reference_tone() -> None:
    # BS.1770: a 997 Hz sine at 0 dBFS peak in one channel reads -3.01 LUFS; at -20 dBFS, -23.01.
    report = measure_loudness(_sine(997, 48000, 5, -20), 48000, speech=np.zeros(5 * 48000, bool))
    assert report.integrated_lufs == pytest.approx(-23.01, abs=0.05)
    assert report.dialogue_lufs is None
    assert report.sample_peak_dbfs == pytest.approx(-20, abs=0.01)


@pytest.mark.parametrize(("first_db", "second_db", "expected_lu"), [(-20, -30, 10.0), (-20, -15, 5.0)])
def test_loudness_range_ebu_tech_3342_cases(first_db: float, second_db: float, expected_lu: float) -> None:
    # Tech 3342 test signals 1 and 2: 20 s of 1 kHz stereo sine at one level, then 20 s at another.
    tone = np.concatenate([_sine(1000, 48000, 20, first_db), _sine(1000, 48000, 20, second_db)])
    stereo = np.stack([tone, tone])
    assert loudness_range(stereo, 48000) == pytest.approx(expected_lu, abs=0.1)  # EBU allows ±1 LU
    assert np.isnan(loudness_range(tone[: 2 * 48000], 48000))


def test_true_peak_between_samples() -> None:
    # A sine at a quarter of the rate, 45 degrees off: every sample is at -3.01 dBFS, the wave at 0.
    tone = _sine(12000, 48000, 1, 0.0, phase=np.pi / 4)
    assert 20 * np.log10(np.abs(tone).max()) == pytest.approx(-3.01, abs=0.01)
    assert true_peak(tone, 48000) == pytest.approx(0.0, abs=0.3)


@pytest.fixture(scope="module")
def speech(media_dir: Path) -> dict[str, tuple[np.ndarray, int]]:
    files = {
        "jfk": media_dir / "speech" / "jfk.flac",  # 44.1 kHz stereo
        "notld": media_dir / "speech" / "notld" / "12s_if_anything_should_try_to_break_in.wav",  # 16 kHz
    }
    decoded = {name: read_audio(path, sample_rate=None, mono=False) for name, path in files.items()}
    return {name: (a.samples, a.sample_rate) for name, a in decoded.items()}


@pytest.mark.parametrize("name", ["jfk", "notld"])
def test_loudness_range_of_real_speech(speech: dict[str, tuple[np.ndarray, int]], name: str) -> None:
    samples, rate = speech[name]
    report = measure_loudness(samples, rate)
    assert 1.0 < report.loudness_range_lu < 20.0  # measured, not NaN, for mono and stereo files
    assert report.true_peak_dbtp >= report.sample_peak_dbfs


@pytest.mark.parametrize("preset", list(PRESETS))
@pytest.mark.parametrize("name", ["jfk", "notld"])
def test_presets_on_real_speech(speech: dict[str, tuple[np.ndarray, int]], preset: str, name: str) -> None:
    samples, rate = speech[name]
    result = normalize_loudness(samples, rate, preset)
    spec = PRESETS[preset]
    assert result.samples.shape == samples.shape
    assert abs(result.after.gated_lufs(spec.dialogue_gated) - spec.target_lufs) <= 0.5
    assert result.after.true_peak_dbtp <= spec.max_true_peak_dbtp + 0.05


def test_limiter_holds_the_ceiling_and_the_target(speech: dict[str, tuple[np.ndarray, int]]) -> None:
    samples, rate = speech["jfk"]
    loud = LoudnessPreset("loud", -9.0, -1.0, False, "louder than the peaks allow")
    result = normalize_loudness(samples, rate, loud)
    assert result.limited
    assert result.before.true_peak_dbtp + result.gain_db > 0  # the plain gain would have clipped
    assert result.after.true_peak_dbtp <= -1.0 + 0.05
    assert abs(result.error_lu) <= 0.5


def test_limit_true_peak_leaves_quiet_audio_alone(speech: dict[str, tuple[np.ndarray, int]]) -> None:
    samples, rate = speech["notld"]
    limited = limit_true_peak(samples, rate, ceiling_dbtp=0.0)
    assert np.array_equal(limited, samples.astype(np.float32))


def test_dialogue_gating_ignores_loud_non_speech(media_dir: Path, rng: np.random.Generator) -> None:
    audio = read_audio(media_dir / "speech" / "jfk.flac", sample_rate=16000)
    speech_only = measure_loudness(audio.samples, 16000)
    noise = rng.normal(0, 10 ** (-26 / 20), 8 * 16000).astype(np.float32)  # 8 s of steady noise
    mixed = np.concatenate([audio.samples, noise])
    report = measure_loudness(mixed, 16000)
    assert report.dialogue_lufs is not None
    assert abs(report.dialogue_lufs - speech_only.dialogue_lufs) <= 0.5
    assert abs(report.integrated_lufs - speech_only.integrated_lufs) > 1.0
    assert report.speech_fraction < speech_only.speech_fraction


def test_bad_input_is_reported() -> None:
    with pytest.raises(RoughcutError, match="silent"):
        normalize_loudness(np.zeros(48000, np.float32), 48000, "ebu-r128")
    with pytest.raises(RoughcutError, match="0.4 s"):
        measure_loudness(np.zeros(1000, np.float32), 48000)
    with pytest.raises(RoughcutError, match="dialogue channels"):
        measure_loudness(np.zeros((8, 48000), np.float32), 48000)
    with pytest.raises(RoughcutError, match="unknown loudness preset"):
        normalize_loudness(np.ones(48000, np.float32) * 0.1, 48000, "loudest")
    report = measure_loudness(np.zeros(48000, np.float32), 48000)
    assert report.integrated_lufs == float("-inf")


@pytest.mark.parametrize("name", ["jfk", "notld"])
def test_limited_peaks_stay_under_the_ceiling_at_16x_after_24_bit_rounding(
    speech: dict[str, tuple[np.ndarray, int]], name: str, tmp_path: Path
) -> None:
    """The limiter aims TRUE_PEAK_MARGIN_DB under the ceiling at 16x, so a finer meter than BS.1770's
    4x (ffmpeg's, a 16x check) never reads the written file over it."""
    import soundfile

    from roughcut.audio.files import write_audio

    samples, rate = speech[name]
    loud = LoudnessPreset("loud", -9.0, -1.0, False, "louder than the peaks allow")
    result = normalize_loudness(samples, rate, loud)
    assert result.limited
    written, _ = soundfile.read(write_audio(tmp_path / "loud.wav", result.samples, rate), dtype="float64")
    assert true_peak(written.T, rate, oversampling=16) <= -1.0
    assert true_peak(written.T, rate, oversampling=32) <= -1.0
    assert true_peak(written.T, rate) >= -1.0 - 0.5  # and not far under it
