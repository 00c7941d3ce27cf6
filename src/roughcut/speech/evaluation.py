"""Accuracy of timings against ground truth: reference readers (Praat TextGrid, GRID ``.align``) and
word-boundary and word-error statistics. Used by the tests, the benchmarks and the demo's self-check.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Labels of reference intervals that are not words.
SILENCE_LABELS = frozenset({"", "sp", "sil", "spn", "<eps>", "<sil>"})


@dataclass(frozen=True)
class TimedWord:
    """A reference or hypothesis word with its start and end in seconds."""

    text: str
    start_s: float
    end_s: float


def read_textgrid(path: str | Path, tier: str | int = "words") -> list[TimedWord]:
    """The labelled intervals of one tier of a Praat TextGrid (by name or 1-based number), read with
    parselmouth; silence labels are left out."""
    import parselmouth
    from parselmouth.praat import call

    grid = parselmouth.read(str(path))
    if isinstance(tier, str):
        names = [call(grid, "Get tier name", i) for i in range(1, call(grid, "Get number of tiers") + 1)]
        number = names.index(tier) + 1
    else:
        number = tier
    out = []
    for i in range(1, call(grid, "Get number of intervals", number) + 1):
        label = call(grid, "Get label of interval", number, i).strip()
        if label.lower() not in SILENCE_LABELS:
            start = call(grid, "Get starting point", number, i)
            end = call(grid, "Get end point", number, i)
            out.append(TimedWord(label, float(start), float(end)))
    return out


def read_grid_align(path: str | Path, *, units_per_second: int = 25_000) -> list[TimedWord]:
    """A GRID corpus ``.align`` file (``start end word`` in 1/25000 s), silences left out."""
    out = []
    for row in Path(path).read_text().split("\n"):
        parts = row.split()
        if len(parts) == 3 and parts[2] not in SILENCE_LABELS:
            out.append(
                TimedWord(parts[2], int(parts[0]) / units_per_second, int(parts[1]) / units_per_second)
            )
    return out


def _key(text: str) -> str:
    from roughcut.speech.sphinx import normalise_word

    return normalise_word(text)


def paired_words(
    reference: Sequence[TimedWord], hypothesis: Sequence[TimedWord]
) -> list[tuple[TimedWord, TimedWord]]:
    """Reference and hypothesis words paired where their normalised texts agree in sequence order."""
    ref_keys = [_key(w.text) for w in reference]
    hyp_keys = [_key(w.text) for w in hypothesis]
    matcher = difflib.SequenceMatcher(a=ref_keys, b=hyp_keys, autojunk=False)
    pairs = []
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            pairs.append((reference[block.a + k], hypothesis[block.b + k]))
    return pairs


@dataclass(frozen=True)
class BoundaryStats:
    """Word-boundary errors in seconds: each matched word gives two (start, end)."""

    errors_s: tuple[float, ...]
    words_matched: int
    words_reference: int

    @property
    def mean_s(self) -> float:
        return float(np.mean(self.errors_s)) if self.errors_s else float("nan")

    def within(self, tolerance_s: float) -> float:
        """Share of boundaries within ``tolerance_s`` seconds of the reference."""
        return float(np.mean(np.asarray(self.errors_s) <= tolerance_s + 1e-9)) if self.errors_s else 0.0

    def summary(self) -> str:
        return (
            f"mean {self.mean_s * 1000:.1f} ms, within 20/50/100 ms: "
            f"{self.within(0.02):.0%} / {self.within(0.05):.0%} / {self.within(0.1):.0%} "
            f"({len(self.errors_s)} boundaries, {self.words_matched}/{self.words_reference} words)"
        )

    def __add__(self, other: BoundaryStats) -> BoundaryStats:
        return BoundaryStats(
            self.errors_s + other.errors_s,
            self.words_matched + other.words_matched,
            self.words_reference + other.words_reference,
        )


def boundary_errors(reference: Sequence[TimedWord], hypothesis: Sequence[TimedWord]) -> BoundaryStats:
    """Absolute start and end errors of every hypothesis word paired with its reference word."""
    errors: list[float] = []
    pairs = paired_words(reference, hypothesis)
    for ref, hyp in pairs:
        errors += [abs(ref.start_s - hyp.start_s), abs(ref.end_s - hyp.end_s)]
    return BoundaryStats(tuple(errors), len(pairs), len(reference))


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word error rate: (substitutions + deletions + insertions) / reference words, on normalised words
    (Levenshtein distance over word sequences, with rapidfuzz)."""
    from rapidfuzz.distance import Levenshtein

    ref = [k for k in (_key(w) for w in reference.split()) if k]
    hyp = [k for k in (_key(w) for w in hypothesis.split()) if k]
    if not ref:
        return float(len(hyp) > 0)
    return Levenshtein.distance(ref, hyp) / len(ref)


def speech_mask(
    intervals: Sequence[tuple[float, float]],
    duration_s: float,
    *,
    bridge_s: float = 0.3,
    frame_s: float = 0.01,
) -> np.ndarray:
    """Frames (``frame_s`` seconds each) inside any of ``intervals`` (start, end seconds), with gaps
    shorter than ``bridge_s`` between intervals counted as inside (as voice activity bridges them)."""
    merged: list[list[float]] = []
    for start, end in sorted(intervals):
        if merged and start - merged[-1][1] < bridge_s:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    mask = np.zeros(int(duration_s / frame_s), bool)
    for start, end in merged:
        mask[round(start / frame_s) : round(end / frame_s)] = True
    return mask


@dataclass(frozen=True)
class ActivityAgreement:
    """Voice activity against reference speech, counted in 10 ms frames: frames that agree, frames of
    reference speech, those of them missed, and frames called speech that are not."""

    agreeing: int
    speech: int
    missed_frames: int
    false_frames: int
    frames: int

    @property
    def agreement(self) -> float:
        """Share of all frames where the detector and the reference agree."""
        return self.agreeing / max(1, self.frames)

    @property
    def missed(self) -> float:
        """Share of reference speech the detector did not call speech."""
        return self.missed_frames / max(1, self.speech)

    @property
    def false_alarm(self) -> float:
        """Share of all frames called speech where the reference has none."""
        return self.false_frames / max(1, self.frames)

    def summary(self) -> str:
        return (
            f"agreement {self.agreement:.1%}, speech missed {self.missed:.1%}, "
            f"false alarms {self.false_alarm:.1%} ({self.frames / 100:.0f} s)"
        )

    def __add__(self, other: ActivityAgreement) -> ActivityAgreement:
        return ActivityAgreement(
            self.agreeing + other.agreeing,
            self.speech + other.speech,
            self.missed_frames + other.missed_frames,
            self.false_frames + other.false_frames,
            self.frames + other.frames,
        )


def activity_agreement(
    reference: Sequence[TimedWord],
    found: Sequence[tuple[float, float]],
    duration_s: float,
    *,
    bridge_s: float = 0.3,
) -> ActivityAgreement:
    """Frame agreement (10 ms frames) of speech stretches ``found`` (start, end seconds) with the
    ``reference`` words or utterances; both sides have gaps under ``bridge_s`` bridged."""
    truth = speech_mask([(w.start_s, w.end_s) for w in reference], duration_s, bridge_s=bridge_s)
    guess = speech_mask(found, duration_s, bridge_s=bridge_s)
    return ActivityAgreement(
        int(np.sum(truth == guess)),
        int(truth.sum()),
        int(np.sum(truth & ~guess)),
        int(np.sum(guess & ~truth)),
        len(truth),
    )
