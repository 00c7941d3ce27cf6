"""Prosody of a line: pitch (Praat via parselmouth), energy, speaking rate, pauses, and arousal.

Times are seconds on the take's audio clock (sample 0 = first decoded sample, as
:func:`roughcut.media.read_audio` returns it); ``samples`` is the whole take's mono audio and
``start_s``/``end_s`` pick the line. Words, when the alignment has them, give the speaking rate in
words per second and the pauses between words; without them the rate is counted in syllable nuclei
per second (de Jong & Wempe 2009: intensity peaks that stand out from their dips and are voiced)
and pauses are the quiet unvoiced stretches inside the line.

Arousal (0 calm .. 1 aroused) averages logistic scores of loudness, pitch height, pitch range and
speaking rate. Absolute scales serve a single line; given a :class:`ProsodyBaseline` (an actor's
typical values over their lines, :func:`speaker_baseline`) each cue is measured against that actor,
which is what comparing takes of one performance needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

import numpy as np

#: Shortest silence (seconds) counted as a pause.
MIN_PAUSE_S = 0.15
#: Without word timings a pause must be longer, since stop consonants leave short unvoiced gaps.
MIN_UNVOICED_PAUSE_S = 0.2
PITCH_FLOOR_HZ = 75.0
PITCH_CEILING_HZ = 600.0
#: Intensity for syllable nuclei is smoothed as for a 50 Hz voice (de Jong & Wempe's setting).
SYLLABLE_PITCH_HZ = 50.0


@dataclass(frozen=True)
class Pause:
    """A silence inside a line, seconds on the take's clock."""

    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class LineProsody:
    """Prosody of one line. Pitch in Hz (``None`` when nothing is voiced), range in Hz between the
    5th and 95th percentiles and in semitones; energy in dBFS (RMS of the voiced speech);
    ``speaking_rate`` in ``rate_unit`` (``"words/s"`` or ``"syllables/s"``) over the time spoken,
    pauses excluded; ``arousal`` 0..1."""

    start_s: float
    end_s: float
    pitch_mean_hz: float | None
    pitch_range_hz: float | None
    pitch_range_st: float | None
    voiced_fraction: float
    energy_db: float
    speaking_rate: float
    rate_unit: str
    pauses: tuple[Pause, ...]
    arousal: float

    @property
    def pause_s(self) -> float:
        """Total pause time in seconds."""
        return float(sum(p.duration_s for p in self.pauses))


@dataclass(frozen=True)
class ProsodyBaseline:
    """An actor's typical prosody over their lines: medians of pitch (Hz), energy (dBFS), pitch
    range (semitones) and speaking rate (in ``rate_unit``)."""

    pitch_mean_hz: float | None
    energy_db: float
    pitch_range_st: float | None
    speaking_rate: float
    rate_unit: str


@dataclass(frozen=True)
class EmotionalTone:
    """A line's tone on the circumplex: ``valence`` -1..1 (text sentiment), ``arousal`` 0..1
    (prosody), and a plain word for the quadrant."""

    valence: float | None
    arousal: float
    label: str


def _word_times(words: Sequence[Any]) -> list[tuple[float, float]]:
    """``(start, end)`` seconds of each word: tuples, mappings with ``start``/``end``, or objects."""
    times = []
    for word in words:
        if isinstance(word, Mapping):
            times.append((float(word["start"]), float(word["end"])))
        elif isinstance(word, tuple | list):
            times.append((float(word[0]), float(word[1])))
        else:
            times.append((float(word.start), float(word.end)))
    return sorted(times)


def _logistic(z: float) -> float:
    return float(1.0 / (1.0 + np.exp(-z)))


def _semitones(high: float, low: float) -> float:
    return float(12 * np.log2(high / low))


def _syllable_nuclei(intensity: Any, pitch: Any, *, threshold_db: float) -> list[float]:
    """Times (s) of syllable nuclei: intensity peaks above ``threshold_db`` dB, at least 2 dB above
    the dip before them, and voiced (de Jong & Wempe 2009)."""
    values = intensity.values[0]
    times = intensity.xs()
    peaks = [i for i in range(1, len(values) - 1) if values[i] > values[i - 1] and values[i] >= values[i + 1]]
    nuclei: list[float] = []
    last_peak = None
    for i in peaks:
        if values[i] < threshold_db:
            continue
        if last_peak is not None and values[i] - values[last_peak : i + 1].min() < 2.0:
            if values[i] > values[last_peak] and nuclei:
                nuclei.pop()  # the same syllable, and this is its true peak
            else:
                continue
        f0 = pitch.get_value_at_time(times[i])
        if f0 and np.isfinite(f0):
            nuclei.append(float(times[i]))
            last_peak = i
    return nuclei


def _unvoiced_pauses(pitch: Any, intensity: Any, *, start_s: float, end_s: float) -> list[Pause]:
    """Pauses without word timings: unvoiced stretches of at least :data:`MIN_UNVOICED_PAUSE_S`
    whose mean intensity is 4 dB or more below the voiced speech's median (fricatives are unvoiced
    too, but loud), strictly inside the line."""
    f0 = pitch.selected_array["frequency"]
    times = pitch.xs()
    if f0.size == 0 or not (f0 > 0).any():
        return []
    level = np.interp(times, intensity.xs(), intensity.values[0])
    voiced_median = float(np.median(level[f0 > 0]))
    step = float(pitch.time_step)
    edges = np.flatnonzero(np.diff(np.r_[0, (f0 <= 0).astype(np.int8), 0]))
    pauses = []
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        if a == 0 or b == len(f0) or (b - a) * step < MIN_UNVOICED_PAUSE_S:
            continue  # before the first or after the last voiced frame: not inside the line
        if float(np.mean(level[a:b])) <= voiced_median - 4.0:
            begin, end = float(times[a]) - step / 2, float(times[b - 1]) + step / 2
            pauses.append(Pause(start_s + begin, start_s + end))
    return [p for p in pauses if p.end_s <= end_s]


def line_prosody(
    samples: np.ndarray,
    sample_rate: int,
    start_s: float,
    end_s: float,
    words: Sequence[Any] | None = None,
    *,
    baseline: ProsodyBaseline | None = None,
) -> LineProsody:
    """Prosody of the line from ``start_s`` to ``end_s`` (seconds) of mono ``samples`` (``sample_rate``
    Hz). ``words`` (optional): the line's words as ``(start, end)`` seconds, mappings or objects with
    ``start``/``end``. ``baseline``: the actor's typical prosody, to score arousal against."""
    import parselmouth

    lo = max(0, round(start_s * sample_rate))
    hi = min(len(samples), round(end_s * sample_rate))
    if hi - lo < round(0.1 * sample_rate):
        raise ValueError(f"line {start_s:.3f}-{end_s:.3f} s is shorter than 0.1 s or outside the audio")
    piece = np.asarray(samples[lo:hi], np.float64)
    sound = parselmouth.Sound(piece, sampling_frequency=sample_rate)
    pitch = sound.to_pitch(time_step=0.01, pitch_floor=PITCH_FLOOR_HZ, pitch_ceiling=PITCH_CEILING_HZ)
    f0 = pitch.selected_array["frequency"]
    voiced = f0[f0 > 0]
    if voiced.size:
        # Octave errors of the tracker (halved or doubled f0) would swamp mean and range.
        centre = float(np.median(voiced))
        voiced = voiced[(voiced > centre / 1.8) & (voiced < centre * 1.8)]
    intensity = sound.to_intensity(minimum_pitch=SYLLABLE_PITCH_HZ, time_step=0.01)
    levels = intensity.values[0]
    if voiced.size >= 3:
        low, high = np.percentile(voiced, [5, 95])
        pitch_mean, pitch_range, range_st = float(voiced.mean()), float(high - low), _semitones(high, low)
    else:
        pitch_mean = pitch_range = range_st = None
    # Energy: RMS of the voiced frames (the speech, not the pauses), in dBFS.
    frame = round(0.01 * sample_rate)
    count = len(piece) // frame
    frames = piece[: count * frame].reshape(count, frame) if count else piece[None, :]
    rms = np.sqrt((frames**2).mean(axis=1))
    f0_times = pitch.xs()
    voiced_frames = np.zeros(len(rms), bool)
    for t in f0_times[f0 > 0]:
        voiced_frames[min(int(t / 0.01), len(rms) - 1)] = True
    speech_rms = rms[voiced_frames] if voiced_frames.any() else rms
    energy_db = float(20 * np.log10(np.sqrt(np.mean(speech_rms**2)) + 1e-12))
    threshold = float(np.percentile(levels, 99)) - 25.0 if levels.size else 0.0
    if words:
        times = [(s, e) for s, e in _word_times(words) if e > start_s and s < end_s]
        pauses = [
            Pause(a_end, b_start)
            for (_, a_end), (b_start, _) in pairwise(times)
            if b_start - a_end >= MIN_PAUSE_S
        ]
        spoken = (times[-1][1] - times[0][0]) - sum(p.duration_s for p in pauses) if times else 0.0
        rate, unit = (len(times) / spoken if spoken > 0 else 0.0), "words/s"
    else:
        pauses = _unvoiced_pauses(pitch, intensity, start_s=start_s, end_s=end_s)
        nuclei = _syllable_nuclei(intensity, pitch, threshold_db=max(threshold, float(np.median(levels))))
        loud = np.flatnonzero(levels >= threshold)
        spoken = (
            float(intensity.xs()[loud[-1]] - intensity.xs()[loud[0]]) - sum(p.duration_s for p in pauses)
            if loud.size
            else 0.0
        )
        rate, unit = (len(nuclei) / spoken if spoken > 0 else 0.0), "syllables/s"
    arousal = _arousal(pitch_mean, range_st, energy_db, rate, unit, baseline)
    return LineProsody(
        start_s=start_s,
        end_s=end_s,
        pitch_mean_hz=pitch_mean,
        pitch_range_hz=pitch_range,
        pitch_range_st=range_st,
        voiced_fraction=float(voiced.size / max(len(f0), 1)),
        energy_db=energy_db,
        speaking_rate=float(rate),
        rate_unit=unit,
        pauses=tuple(pauses),
        arousal=arousal,
    )


#: Absolute reference points (typical conversational speech) used without a baseline.
_TYPICAL = {"energy_db": -26.0, "pitch_range_st": 6.0, "words/s": 2.7, "syllables/s": 4.0}


def _arousal(
    pitch_mean: float | None,
    range_st: float | None,
    energy_db: float,
    rate: float,
    unit: str,
    baseline: ProsodyBaseline | None,
) -> float:
    """Mean of logistic cue scores: each cue's distance from typical, in units of a typical spread
    (6 dB energy, 3 semitones of pitch and of range, 25 % of speaking rate)."""
    scores = []
    if baseline is None:
        scores.append(_logistic((energy_db - _TYPICAL["energy_db"]) / 6.0))
        if range_st is not None:
            scores.append(_logistic((range_st - _TYPICAL["pitch_range_st"]) / 3.0))
        typical_rate = _TYPICAL[unit]
    else:
        scores.append(_logistic((energy_db - baseline.energy_db) / 6.0))
        if pitch_mean is not None and baseline.pitch_mean_hz:
            scores.append(_logistic(_semitones(pitch_mean, baseline.pitch_mean_hz) / 3.0))
        if range_st is not None and baseline.pitch_range_st is not None:
            scores.append(_logistic((range_st - baseline.pitch_range_st) / 3.0))
        typical_rate = baseline.speaking_rate if baseline.rate_unit == unit else _TYPICAL[unit]
    if rate > 0 and typical_rate > 0:
        scores.append(_logistic(np.log(rate / typical_rate) / np.log(1.25)))
    return float(np.mean(scores))


def with_baseline(line: LineProsody, baseline: ProsodyBaseline) -> LineProsody:
    """``line`` with its arousal scored against an actor's ``baseline`` (no audio needed)."""
    arousal = _arousal(
        line.pitch_mean_hz, line.pitch_range_st, line.energy_db, line.speaking_rate, line.rate_unit, baseline
    )
    return replace(line, arousal=arousal)


def speaker_baseline(lines: Sequence[LineProsody]) -> ProsodyBaseline:
    """An actor's typical prosody: medians over ``lines`` (all in one rate unit, the commoner one)."""
    if not lines:
        raise ValueError("speaker_baseline needs at least one line")
    units = [line.rate_unit for line in lines]
    unit = max(set(units), key=units.count)
    pitches = [line.pitch_mean_hz for line in lines if line.pitch_mean_hz is not None]
    ranges = [line.pitch_range_st for line in lines if line.pitch_range_st is not None]
    return ProsodyBaseline(
        pitch_mean_hz=float(np.median(pitches)) if pitches else None,
        energy_db=float(np.median([line.energy_db for line in lines])),
        pitch_range_st=float(np.median(ranges)) if ranges else None,
        speaking_rate=float(np.median([line.speaking_rate for line in lines if line.rate_unit == unit])),
        rate_unit=unit,
    )


def emotional_tone(arousal: float, compound: float | None = None) -> EmotionalTone:
    """Combine prosodic ``arousal`` (0..1) with the text's sentiment ``compound`` (-1..1, VADER's
    compound score; ``None`` when unknown) into a tone: excited, content, tense, sad, or, when the
    text is neutral or unknown, intense / neutral / subdued by arousal alone."""
    high, low = arousal >= 0.6, arousal <= 0.4
    if compound is None or abs(compound) < 0.05:
        label = "intense" if high else "subdued" if low else "neutral"
    elif compound > 0:
        label = "excited" if arousal >= 0.5 else "content"
    else:
        label = "tense" if arousal >= 0.5 else "sad"
    return EmotionalTone(valence=compound, arousal=float(arousal), label=label)
