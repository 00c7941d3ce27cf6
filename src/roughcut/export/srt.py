"""SubRip and WebVTT subtitles of the cut: each line's words where they sit on the record timeline."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from roughcut.export.adapters import timeline_rate


@dataclass(frozen=True)
class _Word:
    start_s: float
    end_s: float


@dataclass(frozen=True)
class _CutLine:
    """A line as it sits on the record timeline, in the shape the subtitle maker reads."""

    start: float
    text: str
    words: tuple[_Word, ...]


def _cut_line(text: str, start_s: float, end_s: float) -> _CutLine:
    """The line's spoken words spread over its speech on the record timeline, by their letters
    (the cut keeps each line's speech span, not every word's)."""
    from roughcut.speech.align import tokens

    spoken = tokens(text) or [text]
    letters = sum(len(t) for t in spoken)
    words, at = [], start_s
    for token in spoken:
        length = (end_s - start_s) * len(token) / letters
        words.append(_Word(at, at + length))
        at += length
    return _CutLine(start_s, text, tuple(words))


def cut_cues(timeline: otio.schema.Timeline) -> list:
    """The cut's subtitle cues (:class:`roughcut.speech.subtitles.Cue`), as :func:`srt_text` shows them."""
    from roughcut.speech.subtitles import SubtitleRules, cues_from_alignment

    rate = timeline_rate(timeline)
    lines = []
    for line in timeline.metadata.get("roughcut", {}).get("lines", []):
        text = line["text"] if line.get("take") else f"[missing line {line['id']}] {line['text']}"
        start, end = line["speech_in"], max(line["speech_out"], line["speech_in"] + 1)
        lines.append(_cut_line(text, float(Fraction(start) / rate), float(Fraction(end) / rate)))
    return cues_from_alignment(lines, SubtitleRules(frame_rate=rate))


def srt_text(timeline: otio.schema.Timeline) -> str:
    """The cut's subtitles, made to the Netflix English timed-text rules of
    :mod:`roughcut.speech.subtitles` (42 characters a line, 2 lines, 17 characters a second, 5/6 to
    7 s, 2 frames between cues) from each line's script words; a missing line is shown in brackets."""
    from roughcut.speech.subtitles import srt_text as cues_text

    return cues_text(cut_cues(timeline))


def vtt_text(timeline: otio.schema.Timeline) -> str:
    """The cut's subtitles as WebVTT: the same cues as :func:`srt_text`."""
    from roughcut.speech.subtitles import vtt_text as cues_text

    return cues_text(cut_cues(timeline))


def write_srt(timeline: otio.schema.Timeline, path: Path) -> Path:
    """Write the cut's SubRip subtitles to ``path``."""
    path.write_text(srt_text(timeline), encoding="utf-8")
    return path


def write_vtt(timeline: otio.schema.Timeline, path: Path) -> Path:
    """Write the cut's WebVTT subtitles to ``path``."""
    path.write_text(vtt_text(timeline), encoding="utf-8")
    return path
