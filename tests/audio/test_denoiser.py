"""The learnt dialogue denoiser: its shipped weights, its loading code, and its figures on the real
noisy/clean pairs (never seen in training: ``training/train_dialogue_denoiser.py``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.signal import resample_poly

from roughcut.audio.denoiser import DEFAULT_MODEL, istft, learnt_denoise, load_denoiser, stft
from roughcut.audio.metrics import si_sdr

#: Mean SI-SDR gain of the network alone on the six pairs: measured +1.16 dB (benchmarks/bench_sound.py);
#: the issue's goal of +5 dB is not reached (see the module docstring of roughcut.audio.denoiser).
MIN_MEAN_GAIN_DB = 0.9
MIN_CLEAN_KEPT_DB = 24.0


def test_shipped_model_gains_si_sdr_and_intelligibility_on_real_pairs(pairs: list) -> None:
    from pystoi import stoi

    gains, stoi_gains = [], []
    for name, noisy, clean, rate in pairs:
        cleaned = learnt_denoise(noisy, rate)
        assert cleaned.shape == noisy.shape and cleaned.dtype == np.float32
        gains.append(si_sdr(cleaned, clean) - si_sdr(noisy, clean))
        stoi_gains.append(stoi(clean, cleaned, rate) - stoi(clean, noisy, rate))
        assert gains[-1] > 0.0, name  # no file made worse
    assert np.mean(gains) >= MIN_MEAN_GAIN_DB
    assert np.mean(stoi_gains) > -0.005  # intelligibility kept while the noise goes


def test_shipped_model_keeps_clean_references(pairs: list) -> None:
    for name, _, clean, rate in pairs:
        cleaned = learnt_denoise(clean, rate)
        assert si_sdr(cleaned, clean) >= MIN_CLEAN_KEPT_DB, name
        level_db = 20 * np.log10(np.std(cleaned) / np.std(clean))
        assert abs(level_db) < 2.0, name  # measured: down 0.6-1.5 dB (loudness is set afterwards)


def test_other_sample_rates_are_resampled_and_keep_their_highs(pairs: list, rng: np.random.Generator) -> None:
    _, noisy, clean, rate = pairs[2]
    gain_16k = si_sdr(learnt_denoise(noisy, rate), clean) - si_sdr(noisy, clean)
    noisy_48k = resample_poly(noisy, 3, 1).astype(np.float32)
    clean_48k = resample_poly(clean, 3, 1).astype(np.float32)
    cleaned = learnt_denoise(noisy_48k, 48000)
    assert cleaned.shape == noisy_48k.shape
    gain_48k = si_sdr(cleaned, clean_48k) - si_sdr(noisy_48k, clean_48k)
    assert abs(gain_48k - gain_16k) < 1.0
    # Sound above the model's 8 kHz band is passed through (turned down with the frame), not lost.
    air = np.sin(2 * np.pi * 12000 * np.arange(len(clean_48k)) / 48000) * 0.05 * (np.abs(clean_48k) > 0.01)
    with_air = learnt_denoise((clean_48k + air).astype(np.float32), 48000)
    spectrum = np.abs(np.fft.rfft(with_air))
    frequencies = np.fft.rfftfreq(len(with_air), 1 / 48000)
    band = (frequencies > 11900) & (frequencies < 12100)
    assert spectrum[band].max() > 0.3 * np.abs(np.fft.rfft(air))[band].max()


def test_strength_blends_towards_no_change(pairs: list) -> None:
    _, noisy, _, rate = pairs[3]
    assert np.allclose(learnt_denoise(noisy, rate, strength=0.0), noisy, atol=1e-5)
    full = learnt_denoise(noisy, rate)
    half = learnt_denoise(noisy, rate, strength=0.5)
    assert np.std(full) < np.std(half) < np.std(noisy)


def test_stft_inverts_exactly(rng: np.random.Generator) -> None:
    x = rng.normal(size=16000 + 77)
    assert np.allclose(istft(stft(x), len(x)), x, atol=1e-10)


def test_a_retrained_model_loads_from_its_path(tmp_path: Path, pairs: list) -> None:
    shipped = load_denoiser()
    assert shipped.note and DEFAULT_MODEL.is_file()
    path = tmp_path / "retrained.npz"
    np.savez(path, note=np.array("retrained here"), **shipped.weights)
    retrained = load_denoiser(path)
    assert retrained.note == "retrained here"
    _, noisy, _, rate = pairs[0]
    assert np.array_equal(learnt_denoise(noisy, rate, model=retrained), learnt_denoise(noisy, rate))


def test_bad_model_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere.npz"):
        load_denoiser(tmp_path / "nowhere.npz")
    other = tmp_path / "other.npz"
    np.savez(other, weights=np.zeros(3))
    with pytest.raises(ValueError, match=r"other\.npz: not a dialogue denoiser model \(missing inp\.weight"):
        load_denoiser(other)
