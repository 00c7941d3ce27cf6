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
#: Room tone: speech is widened by this much at each edge (seconds); pieces are joined with
#: crossfades of ``ROOM_TONE_FADE_S``.
ROOM_TONE_MARGIN_S = 0.05
ROOM_TONE_FADE_S = 0.05
#: Room tone is judged in blocks of this length (seconds); blocks more than this many dB above the
#: quietest fifth of the pauses are not room tone, and runs shorter than ``ROOM_TONE_MIN_S`` are
#: too short to loop.
ROOM_TONE_BLOCK_S = 0.05
ROOM_TONE_SPREAD_DB = 6.0
ROOM_TONE_MIN_S = 0.1


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


def balance_difference_db(target: np.ndarray, source: np.ndarray, sample_rate: int) -> float:
    """How far ``source``'s spectral balance is from ``target``'s: the mean absolute gain (dB) of the
    unclipped :func:`balance_curve` over 100 Hz - 8 kHz (0 for the same balance)."""
    freqs, p_target = long_term_spectrum(target, sample_rate)
    _, p_source = long_term_spectrum(source, sample_rate)
    ratio_db = 10 * np.log10((p_target + 1e-12) / (p_source + 1e-12))
    gains = _smooth_octaves(freqs, ratio_db, EQ_SMOOTH_OCTAVES)
    band = (freqs >= 100) & (freqs <= min(8000, sample_rate / 2))
    return float(np.mean(np.abs(gains[band] - gains[band].mean())))


def apply_curve(samples: np.ndarray, sample_rate: int, freqs: np.ndarray, gains_db: np.ndarray) -> np.ndarray:
    """``samples`` through a linear-phase FIR with the gains ``gains_db`` at ``freqs`` (Hz); no delay."""
    nyquist = sample_rate / 2
    grid = np.concatenate([[0.0], freqs[1:-1] / nyquist, [1.0]])
    amplitude = 10 ** (np.concatenate([[gains_db[0]], gains_db[1:-1], [gains_db[-1]]]) / 20)
    taps = signal.firwin2(EQ_TAPS, grid, amplitude)
    return signal.fftconvolve(samples, taps, mode="same").astype(np.float32)


def _block_db(samples: np.ndarray, block: int) -> np.ndarray:
    count = len(samples) // block
    power = np.mean(np.square(samples[: count * block].reshape(count, block), dtype=np.float64), axis=1)
    return 10 * np.log10(power + 1e-12)


def room_tone_spans(samples: np.ndarray, sample_rate: int) -> list[tuple[int, int]]:
    """The steady room tone of a take, in samples: 50 ms blocks outside speech (Silero VAD, less a
    margin at each edge) no louder than ``ROOM_TONE_SPREAD_DB`` above the quietest fifth of them
    (so breaths, clicks and coughs in the pauses are left out); joined into runs of at least
    ``ROOM_TONE_MIN_S``. The quietest blocks anywhere when the take has no such pause."""
    block = round(ROOM_TONE_BLOCK_S * sample_rate)
    margin = round(ROOM_TONE_MARGIN_S * sample_rate)
    level = _block_db(samples, block)
    if not len(level):
        return [(0, len(samples))]
    pause = np.ones(len(level), bool)
    for segment in voice_activity(samples, sample_rate):
        pause[max(0, (segment.start - margin) // block) : (segment.end + margin) // block + 1] = False
    if pause.sum() < 2:
        pause[:] = True
    quiet = pause & (level <= np.percentile(level[pause], 20) + ROOM_TONE_SPREAD_DB)
    spans, run = [], None
    for i, keep in enumerate(np.append(quiet, False)):
        if keep and run is None:
            run = i
        elif not keep and run is not None:
            if (i - run) * block >= ROOM_TONE_MIN_S * sample_rate:
                spans.append((run * block, i * block))
            run = None
    if spans:
        return spans
    return [(int(i) * block, (int(i) + 1) * block) for i in np.flatnonzero(quiet)]


def room_tone(
    samples: np.ndarray, sample_rate: int, length: int, spans: Sequence[tuple[int, int]]
) -> np.ndarray:
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
