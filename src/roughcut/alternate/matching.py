"""Making new sound sit in a take: its loudness, its spectral balance, and the take's room tone."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import signal

from roughcut.audio.loudness import measure_loudness
from roughcut.audio.vad import voice_activity

#: Long-term spectra: Welch segments (seconds); the EQ is smoothed over this many octaves and held
#: within ±``EQ_LIMIT_DB``; its FIR has ``EQ_TAPS`` taps (linear phase, odd).
SPECTRUM_SEGMENT_S = 0.032
EQ_SMOOTH_OCTAVES = 1 / 3
EQ_LIMIT_DB = 12.0
EQ_TAPS = 511
#: Room tone: the take's pauses lose this much at each edge (seconds) and are joined with
#: crossfades of ``ROOM_TONE_FADE_S``.
ROOM_TONE_MARGIN_S = 0.05
ROOM_TONE_FADE_S = 0.05


def line_loudness(samples: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness (LUFS, ITU-R BS.1770 by pyloudnorm) of a line's samples (≥ 0.4 s)."""
    return measure_loudness(samples, sample_rate, speech=np.ones(len(samples), bool)).integrated_lufs


def long_term_spectrum(samples: np.ndarray, sample_rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Frequencies (Hz) and power spectral density (Welch) of mono ``samples``."""
    segment = min(len(samples), round(SPECTRUM_SEGMENT_S * sample_rate))
    return signal.welch(samples, sample_rate, nperseg=segment)


def _smooth_octaves(freqs: np.ndarray, values_db: np.ndarray, octaves: float) -> np.ndarray:
    out = np.empty_like(values_db)
    for i, f in enumerate(freqs):
        lo, hi = f * 2 ** (-octaves / 2), f * 2 ** (octaves / 2)
        band = (freqs >= lo) & (freqs <= hi)
        out[i] = values_db[band].mean() if band.any() else values_db[i]
    return out


def balance_curve(target: np.ndarray, source: np.ndarray, sample_rate: int) -> tuple[np.ndarray, np.ndarray]:
    """A smooth EQ (frequencies in Hz, gains in dB) that gives ``source``'s long-term spectrum the
    shape of ``target``'s; the overall level is left to the loudness match (mean gain 0 dB over
    100 Hz - 8 kHz)."""
    freqs, p_target = long_term_spectrum(target, sample_rate)
    _, p_source = long_term_spectrum(source, sample_rate)
    floor = 1e-12
    ratio_db = 10 * np.log10((p_target + floor) / (p_source + floor))
    gains = _smooth_octaves(freqs, ratio_db, EQ_SMOOTH_OCTAVES)
    speech_band = (freqs >= 100) & (freqs <= min(8000, sample_rate / 2))
    gains -= gains[speech_band].mean() if speech_band.any() else 0.0
    return freqs, np.clip(gains, -EQ_LIMIT_DB, EQ_LIMIT_DB)


def apply_curve(samples: np.ndarray, sample_rate: int, freqs: np.ndarray, gains_db: np.ndarray) -> np.ndarray:
    """``samples`` through a linear-phase FIR with the gains ``gains_db`` at ``freqs`` (Hz); no delay."""
    nyquist = sample_rate / 2
    grid = np.concatenate([[0.0], freqs[1:-1] / nyquist, [1.0]])
    amplitude = 10 ** (np.concatenate([[gains_db[0]], gains_db[1:-1], [gains_db[-1]]]) / 20)
    taps = signal.firwin2(EQ_TAPS, grid, amplitude)
    return signal.fftconvolve(samples, taps, mode="same").astype(np.float32)


def room_tone_spans(samples: np.ndarray, sample_rate: int) -> list[tuple[int, int]]:
    """The stretches of a take with no speech (Silero VAD), less a margin at each edge, in samples;
    the quietest tenth of 50 ms blocks when the take has no pause."""
    speech = voice_activity(samples, sample_rate)
    margin = round(ROOM_TONE_MARGIN_S * sample_rate)
    edges = [0] + [x for s in speech for x in (s.start, s.end)] + [len(samples)]
    spans = [(a + margin, b - margin) for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a > 2 * margin + margin]
    if spans:
        return spans
    block = round(0.05 * sample_rate)
    count = len(samples) // block
    if count == 0:
        return [(0, len(samples))]
    rms = np.sqrt(np.mean(samples[: count * block].reshape(count, block) ** 2, axis=1))
    quiet = np.argsort(rms)[: max(1, count // 10)]
    return [(int(i) * block, (int(i) + 1) * block) for i in sorted(quiet)]


def room_tone(samples: np.ndarray, sample_rate: int, length: int, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """``length`` samples of the take's own room tone: its pauses ``spans`` joined end to end (and
    again from the first when they run out) with equal-power crossfades."""
    pieces = [samples[a:b] for a, b in spans if b > a]
    if not pieces or length <= 0:
        return np.zeros(max(0, length), np.float32)
    fade = round(ROOM_TONE_FADE_S * sample_rate)
    out = np.zeros(0, np.float32)
    k = 0
    while len(out) < length:
        piece = np.asarray(pieces[k % len(pieces)], np.float32)
        k += 1
        f = min(fade, len(piece) // 2, len(out))
        if f > 0:
            ramp = np.sin(np.linspace(0, np.pi / 2, f, dtype=np.float32))
            out[-f:] = out[-f:] * ramp[::-1] + piece[:f] * ramp
            piece = piece[f:]
        out = np.concatenate([out, piece])
        if k > 10_000:  # pauses of a few samples only
            break
    return np.resize(out, length).astype(np.float32)
