"""Temp ADR: new words spoken by a synthetic voice, fitted to the timing of the line they replace.

1. The new text is spoken (:mod:`roughcut.alternate.voices`) and its words found in the synthetic
   audio by roughcut's own forced aligner (:func:`roughcut.speech.wordalign.align_words`).
2. When the new line has as many words as the old one, each word is stretched or squeezed onto the
   old word's slot; otherwise the whole line onto the old line's span. One WSOLA pass per phrase
   (:mod:`roughcut.alternate.wsola`) keeps the pitch; the actor's pauses stay pauses.
3. The result takes the old line's spectral balance (a smooth EQ from long-term spectra) and its
   loudness (BS.1770, over the line with room tone), and lies on the take's own room tone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
from scipy import signal

from roughcut.alternate.matching import apply_curve, balance_curve, line_loudness, room_tone, room_tone_spans
from roughcut.alternate.voices import speak
from roughcut.alternate.wsola import stretch_map
from roughcut.errors import RoughcutError
from roughcut.speech.align import tokens
from roughcut.speech.wordalign import align_words

#: The aligner's rate (Hz).
ALIGN_RATE = 16_000
#: A pause of the actor at least this long (seconds) between two words stays silent in the ADR.
PAUSE_S = 0.08
#: Fades at the edges of each phrase of the ADR (seconds).
EDGE_FADE_S = 0.004
#: Room tone before and after the line in the ADR file (seconds): handles for the editor.
HANDLE_S = 0.5
#: Loudness is matched within this many LU (a few passes of gain, since room tone adds to it).
LOUDNESS_TOLERANCE_LU = 0.2


@dataclass(frozen=True)
class WordSlot:
    """A word and where it is, in samples at the sound's rate (``end`` exclusive)."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class AdrLine:
    """A temp ADR line: mono float32 ``samples`` at ``sample_rate`` Hz, holding ``handle`` samples of
    room tone before the line's first target sample; ``targets`` (relative to the line's start) the
    slots the new words were fitted to (one slot for the whole line when the word counts differ);
    ``stretch_factors`` output length / synthetic length per slot; loudness of the new and the
    original line in LUFS."""

    samples: np.ndarray
    sample_rate: int
    handle: int
    text: str
    targets: tuple[WordSlot, ...]
    per_word: bool
    stretch_factors: tuple[float, ...]
    loudness_lufs: float
    original_lufs: float


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """``samples`` from ``rate`` to ``target`` Hz (polyphase)."""
    if rate == target:
        return np.asarray(samples, np.float32)
    ratio = Fraction(target, rate)
    return signal.resample_poly(samples, ratio.numerator, ratio.denominator).astype(np.float32)


def word_spans(samples: np.ndarray, sample_rate: int, words: Sequence[str]) -> list[WordSlot]:
    """Where each of ``words`` is spoken in ``samples`` (forced alignment at 16 kHz), in samples at
    ``sample_rate``."""
    found = align_words(resample(samples, sample_rate, ALIGN_RATE), list(words))
    scale = Fraction(sample_rate, ALIGN_RATE)
    return [WordSlot(t.text, round(t.start * scale), round(t.end * scale)) for t in found]


def _phrases(targets: Sequence[WordSlot], sample_rate: int) -> list[list[int]]:
    """Indices of the target words grouped into phrases split at the actor's pauses."""
    pause = PAUSE_S * sample_rate
    groups = [[0]]
    for i in range(1, len(targets)):
        if targets[i].start - targets[i - 1].end >= pause:
            groups.append([])
        groups[-1].append(i)
    return groups


def _anchors(source: Sequence[WordSlot], targets: Sequence[WordSlot]) -> tuple[list[int], list[int]]:
    a_in, a_out = [], []
    for s, t in zip(source, targets, strict=True):
        for x, y in ((s.start, t.start), (s.end, t.end)):
            if a_out and y <= a_out[-1]:  # words that touch: the next word's start wins
                a_in.pop()
                a_out.pop()
            x = max(x, a_in[-1]) if a_in else x
            a_in.append(x)
            a_out.append(y)
    return a_in, a_out


def _faded(samples: np.ndarray, fade: int) -> np.ndarray:
    fade = min(fade, len(samples) // 2)
    if fade > 0:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        samples[:fade] *= ramp
        samples[-fade:] *= ramp[::-1]
    return samples


def fit_to_slots(
    samples: np.ndarray, sample_rate: int, source: Sequence[WordSlot], targets: Sequence[WordSlot]
) -> tuple[np.ndarray, tuple[float, ...]]:
    """The synthetic ``samples`` with each ``source`` slot moved and stretched onto its ``targets``
    slot (same count; targets relative to the line's start, which is ``targets[0].start``). Returns
    the line (``targets[-1].end - targets[0].start`` samples) and output/input length per slot."""
    origin = targets[0].start
    line = np.zeros(targets[-1].end - origin, np.float32)
    fade = round(EDGE_FADE_S * sample_rate)
    for group in _phrases(targets, sample_rate):
        src = [source[i] for i in group]
        dst = [targets[i] for i in group]
        begin = src[0].start
        a_in, a_out = _anchors(
            [WordSlot(s.text, s.start - begin, s.end - begin) for s in src],
            [WordSlot(t.text, t.start - dst[0].start, t.end - dst[0].start) for t in dst],
        )
        piece = stretch_map(samples[begin : src[-1].end], sample_rate, anchors_in=a_in, anchors_out=a_out)
        at = dst[0].start - origin
        line[at : at + len(piece)] += _faded(piece, fade)
    factors = tuple((t.end - t.start) / max(1, s.end - s.start) for s, t in zip(source, targets, strict=True))
    return line, factors


def _matched_level(speech: np.ndarray, tone: np.ndarray, sample_rate: int, target_lufs: float) -> np.ndarray:
    """``speech`` scaled so speech plus ``tone`` (same length) measures ``target_lufs``."""
    gain = 10 ** ((target_lufs - line_loudness(speech, sample_rate)) / 20)
    for _ in range(4):
        measured = line_loudness(gain * speech + tone, sample_rate)
        if not np.isfinite(measured) or abs(measured - target_lufs) <= LOUDNESS_TOLERANCE_LU:
            break
        gain *= 10 ** ((target_lufs - measured) / 20)
    return (gain * speech).astype(np.float32)


def temp_adr(
    take: np.ndarray,
    sample_rate: int,
    line_words: Sequence[WordSlot],
    text: str,
    *,
    voice_model: str | Path | None = None,
    tone_spans: Sequence[tuple[int, int]] | None = None,
) -> AdrLine:
    """A temp ADR line saying ``text`` in place of the line whose words ``line_words`` (samples at
    ``sample_rate``) are spoken in the mono ``take``, fitted to their timing and matched to the
    take's sound. ``voice_model``: a Piper voice (``.onnx`` with its ``.onnx.json``), else espeak-ng.
    ``tone_spans``: the take's room tone (:func:`~roughcut.alternate.matching.room_tone_spans`) when
    already found.
    """
    new_words = tokens(text)
    if not new_words:
        raise RoughcutError(f"the new line {text!r} has no words")
    if not line_words:
        raise RoughcutError("the original line has no timed words")
    synthetic, synthetic_rate = speak(text, voice_model=voice_model)
    synthetic = resample(synthetic, synthetic_rate, sample_rate)
    found = word_spans(synthetic, sample_rate, new_words)
    start, end = line_words[0].start, line_words[-1].end
    per_word = len(new_words) == len(line_words)
    if per_word:
        source, targets = found, list(line_words)
    else:
        source = [WordSlot(text, found[0].start, found[-1].end)]
        targets = [WordSlot(" ".join(w.text for w in line_words), start, end)]
    speech, factors = fit_to_slots(synthetic, sample_rate, source, targets)
    original = take[start:end]
    speech = apply_curve(speech, sample_rate, *balance_curve(original, speech, sample_rate))
    handle = round(HANDLE_S * sample_rate)
    spans = tone_spans if tone_spans is not None else room_tone_spans(take, sample_rate)
    tone = room_tone(take, sample_rate, len(speech) + 2 * handle, spans)
    original_lufs = line_loudness(original, sample_rate)
    speech = _matched_level(speech, tone[handle : handle + len(speech)], sample_rate, original_lufs)
    out = tone.copy()
    out[handle : handle + len(speech)] += speech
    relative = tuple(WordSlot(t.text, t.start - start, t.end - start) for t in targets)
    return AdrLine(
        samples=out,
        sample_rate=sample_rate,
        handle=handle,
        text=text,
        targets=relative,
        per_word=per_word,
        stretch_factors=factors,
        loudness_lufs=line_loudness(out[handle : handle + len(speech)], sample_rate),
        original_lufs=original_lufs,
    )


def onset_errors(line: AdrLine) -> list[float]:
    """How far (seconds, signed: late is positive) each new word starts from its target, found by
    aligning the finished ADR line again; one value per word when fitted word by word, else the
    line's first onset and last offset."""
    words = tokens(line.text)
    found = word_spans(line.samples, line.sample_rate, words)
    if line.per_word:
        return [
            (f.start - line.handle - t.start) / line.sample_rate
            for f, t in zip(found, line.targets, strict=True)
        ]
    slot = line.targets[0]
    return [
        (found[0].start - line.handle - slot.start) / line.sample_rate,
        (found[-1].end - line.handle - slot.end) / line.sample_rate,
    ]
