"""The per-take log: one row per take with the fields search knows (scene, lines, characters, persons
on screen, shot sizes, emotion, the words said), as CSV, as ALE (Avid Log Exchange) and as an OTIO
bin whose clips carry the row in their metadata.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from roughcut.search.records import SearchRecord

#: The log's columns, in order (CSV header and ALE column names).
LOG_COLUMNS = ("Take", "Scene", "Lines", "Characters", "Persons", "Shot Sizes", "Emotion", "Words Said")
_SIZES = ("ECU", "CU", "MCU", "MS", "MLS", "LS", "ELS")


@dataclass(frozen=True)
class TakeLog:
    """One take's row: its scenes, the ids of the lines performed, who speaks, who is on screen
    (characters, then vision's person ids), the shot sizes seen (tightest first), the emotions of its
    lines (most frequent first), every word the recogniser heard (in time order); ``frame_rate`` and
    ``frames`` give its length."""

    take: str
    scenes: tuple[str, ...]
    lines: tuple[str, ...]
    characters: tuple[str, ...]
    persons: tuple[str, ...]
    shot_sizes: tuple[str, ...]
    emotions: tuple[str, ...]
    words_said: str
    frame_rate: Fraction | None = None
    frames: int = 0

    def columns(self) -> dict[str, str]:
        """The row as text, by :data:`LOG_COLUMNS` name."""
        values = (
            self.take,
            " ".join(self.scenes),
            " ".join(self.lines),
            ", ".join(self.characters),
            ", ".join(self.persons),
            " ".join(self.shot_sizes),
            " ".join(self.emotions),
            self.words_said,
        )
        return dict(zip(LOG_COLUMNS, values, strict=True))


def take_logs(records: Sequence[SearchRecord]) -> list[TakeLog]:
    """One :class:`TakeLog` per take of ``records``, in the order takes first appear."""
    by_take: dict[str, list[SearchRecord]] = {}
    for record in records:
        by_take.setdefault(record.take, []).append(record)
    logs = []
    for take, rows in by_take.items():
        rows = sorted(rows, key=lambda r: r.start)
        lines = [r for r in rows if r.kind == "line"]
        seen_characters = {c for r in rows for c in r.characters}
        persons = sorted({p for r in rows for p in r.persons})
        sizes = {r.shot_size for r in rows if r.shot_size}
        emotions = Counter(r.emotion for r in lines)
        logs.append(
            TakeLog(
                take=take,
                scenes=tuple(dict.fromkeys(r.scene for r in rows if r.scene)),
                lines=tuple(dict.fromkeys(r.line_id for r in lines)),
                characters=tuple(dict.fromkeys([*(r.character for r in lines), *sorted(seen_characters)])),
                persons=tuple(persons),
                shot_sizes=tuple(sorted(sizes, key=lambda s: _SIZES.index(s) if s in _SIZES else 99)),
                emotions=tuple(name for name, _ in emotions.most_common()),
                words_said=" ".join(r.said for r in rows if r.said),
                frame_rate=rows[0].frame_rate,
                frames=max(r.take_frames for r in rows),
            )
        )
    return logs


def log_csv(logs: Sequence[TakeLog]) -> str:
    """The log as CSV text, a header of :data:`LOG_COLUMNS` then one row per take."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LOG_COLUMNS)
    for log in logs:
        writer.writerow(log.columns().values())
    return out.getvalue()


def log_bin(
    logs: Sequence[TakeLog], paths: Mapping[str, Path] | None = None
) -> otio.schema.SerializableCollection:
    """The log as an OTIO bin: a clip per take (its whole length) whose ``metadata["roughcut"]["log"]``
    holds the row and ``metadata["ALE"]`` the same columns for the ALE adapter."""
    paths = paths or {}
    found = otio.schema.SerializableCollection(name="takes log")
    for log in logs:
        rate = float(log.frame_rate or 25)
        whole = otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(max(1, log.frames), rate)
        )
        path = paths.get(log.take)
        url = Path(path).resolve().as_uri() if path is not None else log.take
        clip = otio.schema.Clip(
            name=Path(log.take).stem,
            media_reference=otio.schema.ExternalReference(target_url=url, available_range=whole),
            source_range=whole,
        )
        columns = log.columns()
        clip.metadata["roughcut"] = {"schema": "roughcut.takelog.1", "log": columns}
        clip.metadata["ALE"] = {
            name: " ".join(value.split()) for name, value in columns.items() if name != "Take"
        }
        found.append(clip)
    return found
