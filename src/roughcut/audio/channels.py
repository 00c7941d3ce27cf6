"""Which channels of a recording carry the dialogue, and what is wrong with the signal.

Field recorders write polyphonic files (a mix track beside each radio mic, sometimes a boom);
cameras write stereo pairs that are often one mic twice; some channels are dead. The dialogue mix
keeps the channels that hold speech, drops silent ones and duplicates, and averages the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from roughcut.audio.voice import envelope_modulation_db, speech_sample_mask

SILENT_DBFS = -70.0
#: A channel whose correlation with a kept one is above this (either polarity) is the same mic.
DUPLICATE_CORRELATION = 0.995
#: A channel needs at least this share of the best channel's speech time to count as dialogue.
SPEECH_SHARE = 0.5
#: ... and its level must move like speech's (dB spread of 10 ms energy); held tones barely move.
MIN_MODULATION_DB = 3.0
#: Samples this close to full scale (and to the signal's own peak) in runs of 3 or more are clipped.
CLIP_LEVEL = 0.999


@dataclass(frozen=True)
class SignalReport:
    """What a signal looks like: ``channels``, which were ``used`` for dialogue and why others were
    ``dropped`` (index, reason); ``clipped_runs`` (runs of 3+ samples at the ceiling) and
    ``clipped_s`` seconds of them; ``silent`` when nothing is above -70 dBFS; ``problems`` as
    sentences to show the user."""

    channels: int
    used: tuple[int, ...]
    dropped: tuple[tuple[int, str], ...]
    clipped_runs: int
    clipped_s: float
    peak_dbfs: float
    silent: bool
    problems: tuple[str, ...]


def _db(value: float) -> float:
    return float(20 * np.log10(value)) if value > 0 else float("-inf")


def clipping(samples: np.ndarray) -> tuple[int, int]:
    """``(runs, samples)`` of clipping in a 1-D signal: runs of 3 or more consecutive samples at
    the signal's peak level, when that peak is within 0.2 dB of full scale (or a hard ceiling a
    converter wrote just below it)."""
    magnitude = np.abs(np.asarray(samples, np.float64))
    if magnitude.size == 0:
        return 0, 0
    peak = float(magnitude.max())
    if peak < 10 ** (-0.2 / 20):
        return 0, 0
    at_ceiling = magnitude >= peak * CLIP_LEVEL
    edges = np.flatnonzero(np.diff(np.r_[0, at_ceiling.astype(np.int8), 0]))
    lengths = edges[1::2] - edges[::2]
    runs = lengths[lengths >= 3]
    return int(runs.size), int(runs.sum())


def dialogue_mix(samples: np.ndarray, sample_rate: int) -> tuple[np.ndarray, SignalReport]:
    """Mono dialogue from ``samples`` (``(n,)`` or ``(channels, n)``, Hz ``sample_rate``) and a report.

    Silent channels and duplicates of a kept channel (same mic, either polarity) are dropped; of the
    rest, those whose level moves like speech and that hold at least half the speech time of the
    most talkative channel are averaged (polarity aligned to the first kept one).
    """
    data = np.atleast_2d(np.asarray(samples, np.float32))
    channels = data.shape[0]
    levels = [
        _db(float(np.sqrt(np.mean(ch.astype(np.float64) ** 2)))) if ch.size else float("-inf") for ch in data
    ]
    dropped: list[tuple[int, str]] = []
    candidates = []
    for index, level in enumerate(levels):
        if level < SILENT_DBFS:
            dropped.append((index, "silent"))
            continue
        duplicate_of = None
        for kept in candidates:
            correlation = np.corrcoef(data[index], data[kept])[0, 1]
            if abs(correlation) > DUPLICATE_CORRELATION:
                duplicate_of = kept
                break
        if duplicate_of is not None:
            dropped.append((index, f"same as channel {duplicate_of + 1}"))
        else:
            candidates.append(index)
    used = candidates
    if len(candidates) > 1:
        speech = {
            i: float(speech_sample_mask(data[i], sample_rate).mean())
            if envelope_modulation_db(data[i], sample_rate) >= MIN_MODULATION_DB
            else 0.0
            for i in candidates
        }
        best = max(speech.values())
        used = [i for i in candidates if speech[i] >= SPEECH_SHARE * best and speech[i] > 0]
        dropped += [(i, "little speech") for i in candidates if i not in used]
    if used:
        first = data[used[0]].astype(np.float64)
        mix = np.zeros_like(first)
        for i in used:
            sign = 1.0 if i == used[0] or np.dot(first, data[i]) >= 0 else -1.0
            mix += sign * data[i]
        mono = (mix / len(used)).astype(np.float32)
    else:
        mono = np.zeros(data.shape[1], np.float32)
    runs, clipped = 0, 0
    for i in used or range(channels):
        r, c = clipping(data[i])
        runs, clipped = runs + r, max(clipped, c)
    peak = _db(float(np.abs(data).max())) if data.size else float("-inf")
    problems = []
    if not used:
        problems.append("silent: no channel rises above -70 dBFS")
    if runs:
        problems.append(f"clipped: {runs} runs at the ceiling, {clipped / sample_rate * 1000:.0f} ms in all")
    for index, reason in dropped:
        if reason != "silent" or used:
            problems.append(f"channel {index + 1} not used: {reason}")
    report = SignalReport(
        channels=channels,
        used=tuple(used),
        dropped=tuple(sorted(dropped)),
        clipped_runs=runs,
        clipped_s=clipped / sample_rate,
        peak_dbfs=peak,
        silent=not used,
        problems=tuple(problems),
    )
    return mono, report
