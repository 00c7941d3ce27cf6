"""SubRip subtitles of the cut: each line's words where they sit on the record timeline."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from roughcut.export.adapters import timeline_rate


def srt_time(frame: int, rate: Fraction) -> str:
    """Record frame ``frame`` at ``rate`` as ``HH:MM:SS,mmm`` (milliseconds rounded)."""
    ms = round(Fraction(frame) / rate * 1000)
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d},{millis:03d}"


def srt_text(timeline: otio.schema.Timeline) -> str:
    """The subtitles as text: speaker and line per cue; a missing line is shown in brackets."""
    rate = timeline_rate(timeline)
    cues = []
    for line in timeline.metadata.get("roughcut", {}).get("lines", []):
        text = f"{line['character']}: {line['text']}"
        if not line.get("take"):
            text = f"[missing line {line['id']}] {text}"
        start, end = line["speech_in"], max(line["speech_out"], line["speech_in"] + 1)
        cues.append(f"{len(cues) + 1}\n{srt_time(start, rate)} --> {srt_time(end, rate)}\n{text}\n")
    return "\n".join(cues)


def write_srt(timeline: otio.schema.Timeline, path: Path) -> Path:
    path.write_text(srt_text(timeline), encoding="utf-8")
    return path
