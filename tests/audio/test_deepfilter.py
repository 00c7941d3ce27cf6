"""DeepFilterNet3 through its C runtime: its gain on the six real noisy/clean pairs (never tuned on),
what it keeps of clean speech, its alignment to the sample at several rates, channels, its
attenuation limit and the block resampler that keeps memory flat."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import correlate, resample_poly

from roughcut.audio.clean import clean_dialogue
from roughcut.audio.deepfilter import StreamResampler, deepfilter_denoise
from roughcut.audio.metrics import si_sdr

#: Measured on the six pairs (benchmarks/bench_sound.py): mean SI-SDR gain +3.51 dB (per pair +0.83,
#: +4.98, +4.41, +2.67, +2.91, +5.28), against +1.68 for the learnt network and +1.45 for Wiener.
#: The learnt network's floor in tests/audio/test_clean.py is +1.4 dB: the default follows the
#: measurements. The brief's +5 dB is not reached on these pairs: their babble-like noise is the hard case (a
#: Wiener gain knowing the TRUE noise spectrum reaches only +2.25 dB on them).
MIN_MEAN_GAIN_DB = 3.0
#: Wideband PESQ, measured: +0.47 on the pairs (1.41 -> 1.88); clean input kept at 4.32 (issue: >= 4.2).
MIN_MEAN_PESQ_GAIN = 0.35
MIN_CLEAN_PESQ = 4.2
MIN_CLEAN_KEPT_DB = 20.0


def _lag(output: np.ndarray, reference: np.ndarray) -> int:
    """The lag (samples) at which ``output`` best matches ``reference`` (0: lined up)."""
    correlation = correlate(output, reference, "full", method="fft")
    return int(np.argmax(correlation)) - (len(reference) - 1)


def test_default_clean_up_gains_on_every_real_pair(pairs: list) -> None:
    from pesq import pesq

    gains, quality_gains = [], []
    for name, noisy, clean, rate in pairs:
        result = clean_dialogue(noisy, rate)
        quality_gains.append(pesq(rate, clean, result.samples, "wb") - pesq(rate, clean, noisy, "wb"))
        assert result.report.method == "deepfilter"
        assert len(result.samples) == len(noisy)
        gain = si_sdr(result.samples, clean) - si_sdr(noisy, clean)
        assert gain > 0.5, name  # no pair made worse
        gains.append(gain)
    assert np.mean(gains) >= MIN_MEAN_GAIN_DB
    assert np.mean(quality_gains) >= MIN_MEAN_PESQ_GAIN


def test_clean_speech_is_kept(pairs: list) -> None:
    from pesq import pesq

    qualities = []
    for name, _, clean, rate in pairs[::2]:
        cleaned = clean_dialogue(clean, rate).samples
        assert si_sdr(cleaned, clean) >= MIN_CLEAN_KEPT_DB, name
        qualities.append(pesq(rate, clean, cleaned, "wb"))
    assert np.mean(qualities) >= MIN_CLEAN_PESQ


@pytest.mark.parametrize("rate", [16000, 44100, 48000])
def test_output_lines_up_with_the_input_to_the_sample(pairs: list, rate: int) -> None:
    _, noisy, clean, native = pairs[2]
    noisy = resample_poly(noisy, rate, native).astype(np.float32)
    clean = resample_poly(clean, rate, native)
    out = deepfilter_denoise(noisy, rate)
    assert out.shape == noisy.shape
    assert _lag(out, noisy) == 0
    assert _lag(out, clean) == 0
    assert si_sdr(out, clean) > si_sdr(noisy, clean) + 3.0


def test_channels_are_cleaned_each_on_its_own(pairs: list) -> None:
    _, noisy, clean, rate = pairs[0]
    both = deepfilter_denoise(np.stack([noisy, clean]), rate)
    assert both.shape == (2, len(noisy))
    assert np.allclose(both[0], deepfilter_denoise(noisy, rate), atol=1e-4)
    assert si_sdr(both[1], clean) >= MIN_CLEAN_KEPT_DB


def test_attenuation_limit_bounds_how_far_noise_goes(rng: np.random.Generator) -> None:
    rate = 16000
    noise = (rng.normal(size=3 * rate) * 0.01).astype(np.float32)  # -40 dBFS, no speech
    level = lambda x: 10 * np.log10(np.mean(x[rate:].astype(np.float64) ** 2))  # noqa: E731
    unlimited = deepfilter_denoise(noise, rate)
    limited = deepfilter_denoise(noise, rate, attenuation_limit_db=6.0)
    assert level(noise) - level(unlimited) > 20.0
    assert level(noise) - level(limited) == pytest.approx(6.0, abs=1.5)
    with pytest.raises(ValueError, match="attenuation limit"):
        deepfilter_denoise(noise, rate, attenuation_limit_db=0.0)


def test_silence_and_empty_input() -> None:
    assert deepfilter_denoise(np.zeros(0, np.float32), 16000).shape == (0,)
    silent = deepfilter_denoise(np.zeros(8000, np.float32), 16000)
    assert silent.shape == (8000,) and np.abs(silent).max() < 1e-6


@pytest.mark.parametrize(("up", "down"), [(48000, 16000), (16000, 48000), (48000, 44100), (48000, 8000)])
def test_block_resampler_equals_resampling_whole(rng: np.random.Generator, up: int, down: int) -> None:
    x = rng.normal(size=70001)
    resampler = StreamResampler(up, down)
    pieces = [resampler.push(x[i : i + 5003]) for i in range(0, len(x), 5003)]
    streamed = np.concatenate([*pieces, resampler.finish()])
    assert np.allclose(streamed, resample_poly(x, up, down), atol=1e-9)
    assert len(resampler.buffer) < 3 * resampler.block + 2 * resampler.context  # memory stays flat
