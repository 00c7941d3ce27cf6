"""Dialogue clean-up on the real noisy/clean pairs (SI-SDR) and on real speech with added faults."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from roughcut.audio.clean import clean_dialogue, declick, detect_hum, noise_profile, remove_hum
from roughcut.audio.metrics import si_sdr

#: Measured mean SI-SDR gain on the six pairs: +1.68 dB learnt then Wiener, +1.45 dB
#: Wiener alone (benchmarks/bench_sound.py). The issue's +5 dB goal is not reached: a Wiener gain
#: with the *true* stationary noise spectrum reaches only +2.25 dB on this babble-like noise, and
#: the learnt network, trained without recorded noise, adds little. Assert what holds.
MIN_MEAN_GAIN_DB = 1.4
MIN_CLEAN_KEPT_DB = 24.0


@pytest.mark.parametrize(("method", "min_mean_gain_db"), [("learnt", MIN_MEAN_GAIN_DB), ("wiener", 1.2)])
def test_noise_reduction_gains_si_sdr_on_real_pairs(
    pairs: list, method: str, min_mean_gain_db: float
) -> None:
    gains = []
    for _, noisy, clean, rate in pairs:
        result = clean_dialogue(noisy, rate, denoise=method)
        gains.append(si_sdr(result.samples, clean) - si_sdr(noisy, clean))
        assert result.report.method == method
    assert np.mean(gains) >= min_mean_gain_db
    assert min(gains) > 0.0  # no file made worse


@pytest.mark.parametrize("method", ["learnt", "wiener"])
def test_clean_references_are_not_degraded(pairs: list, method: str) -> None:
    for name, _, clean, rate in pairs:
        result = clean_dialogue(clean, rate, denoise=method)
        assert si_sdr(result.samples, clean) >= MIN_CLEAN_KEPT_DB, name
        assert result.report.hum.mains_hz is None, name  # no hum in these UK recordings


def _room_tone(n: int, rng: np.random.Generator, level_db: float) -> np.ndarray:
    """Air-conditioner-like noise: white noise through a gentle low-pass, at ``level_db`` dBFS RMS."""
    from scipy.signal import butter, sosfilt

    noise = sosfilt(butter(1, 1500, fs=16000, output="sos"), rng.normal(size=n))
    return (noise / np.std(noise) * 10 ** (level_db / 20)).astype(np.float32)


def test_noise_profile_comes_from_room_tone(pairs: list, rng: np.random.Generator) -> None:
    _, _, clean, rate = pairs[0]
    speech = np.concatenate([np.zeros(2 * rate, np.float32), clean, np.zeros(rate, np.float32)])
    tone = _room_tone(len(speech), rng, -45.0)
    noise, source = noise_profile(speech + tone, rate)
    assert source == "room tone"
    assert len(noise) >= 2 * rate
    level = 10 * np.log10(np.mean(noise.astype(np.float64) ** 2))
    assert abs(level - -45.0) < 1.0  # the profile is the room tone, not speech
    result = clean_dialogue(speech + tone, rate)
    assert si_sdr(result.samples, speech) > si_sdr(speech + tone, speech) + 5  # steady noise goes


@pytest.mark.parametrize("mains", [50.0, 60.0])
def test_hum_detected_and_removed(pairs: list, mains: float) -> None:
    _, _, clean, rate = pairs[1]
    t = np.arange(len(clean)) / rate
    hum = sum(0.02 / k * np.sin(2 * np.pi * mains * k * t + k) for k in (1, 2, 3, 5))
    humming = (clean + hum).astype(np.float32)
    found = detect_hum(humming, rate)
    assert found.mains_hz == mains
    assert {mains, 2 * mains, 3 * mains} <= set(found.harmonics_hz)
    removed = remove_hum(humming, rate, found)
    assert si_sdr(removed, clean) > si_sdr(humming, clean) + 3
    assert detect_hum(removed, rate).mains_hz is None


def test_declick_repairs_clicks_in_real_speech(pairs: list, rng: np.random.Generator) -> None:
    _, _, clean, rate = pairs[2]
    clicked = clean.copy()
    where = rng.choice(np.arange(rate // 10, len(clean) - rate // 10), 12, replace=False)
    for position in where:
        clicked[position : position + 3] += rng.choice([-1, 1]) * 0.3 * np.array([1.0, -0.6, 0.3])
    repaired, count = declick(clicked, rate)
    assert count >= 10
    assert si_sdr(repaired, clean) > si_sdr(clicked, clean) + 3


def test_silence_and_bad_arguments() -> None:
    result = clean_dialogue(np.zeros(16000, np.float32), 16000)
    assert "silent" in result.report.notes
    assert not result.samples.any()
    with pytest.raises(ValueError, match="mono"):
        clean_dialogue(np.zeros((2, 16000), np.float32), 16000)
    with pytest.raises(ValueError, match="unknown noise reduction"):
        clean_dialogue(np.ones(16000, np.float32) * 0.1, 16000, denoise="magic")


def test_si_sdr() -> None:
    reference = np.sin(np.arange(1000) / 7.0)
    assert si_sdr(2 * reference, reference) == float("inf")
    noisy = reference + 0.1 * np.cos(np.arange(1000) / 3.0)
    assert si_sdr(noisy, reference) == pytest.approx(
        20 * np.log10(np.std(reference) / np.std(0.1 * np.cos(np.arange(1000) / 3.0))), abs=0.5
    )


def test_steady_tone_is_kept_through_noise_reduction(pairs: list) -> None:
    """A 1 kHz line-up tone under real speech is not room tone: every mode keeps it within 0.5 dB,
    where DeepFilterNet alone would take it down by about 50 dB."""
    _, noisy, clean, rate = pairs[2]
    t = np.arange(len(clean)) / rate
    tone = (0.05 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    for method in ("deepfilter", "wiener"):
        result = clean_dialogue(noisy + tone, rate, denoise=method)
        assert result.report.tones_hz == (1000.0,), method
        kept = float(np.dot(result.samples, tone) / np.dot(tone, tone))
        assert abs(20 * np.log10(kept)) < 0.5, method
        assert si_sdr(result.samples - tone, clean) > si_sdr(noisy, clean), method  # the noise still goes


def test_no_tones_found_in_real_speech(pairs: list, media_dir: Path) -> None:
    from roughcut.audio.clean import detect_tones
    from roughcut.media import read_audio

    for name, noisy, clean, rate in pairs:
        assert detect_tones(noisy, rate) == (), name
        assert detect_tones(clean, rate) == (), name
    jfk = read_audio(media_dir / "speech" / "jfk.flac", sample_rate=None)
    assert detect_tones(jfk.samples, jfk.sample_rate) == ()
