"""Search hits as an OpenTimelineIO bin: a subclip per hit, or each take once with a marker per hit.

Ranges are whole frames at each take's own rate (start rounded down, end rounded up), so the bin
opens frame-exact in an editing system; each item's ``metadata["roughcut"]`` carries the hit's
fields (scene, take, line, characters, persons, shot size, emotion, words said).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import opentimelineio as otio

from roughcut.search.index import SearchHit
from roughcut.search.records import SearchRecord

#: The schema of the metadata this module writes.
SCHEMA = "roughcut.search.1"


def hit_metadata(record: SearchRecord, *, score: float | None = None, query: str = "") -> dict[str, Any]:
    """A hit's fields as plain JSON values (times in frames at the take's rate and in seconds)."""
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "take": record.take,
        "scene": record.scene,
        "kind": record.kind,
        "line": record.line_id,
        "character": record.character,
        "script": record.script,
        "said": record.said,
        "characters": list(record.characters),
        "persons": list(record.persons),
        "shot_size": record.shot_size,
        "emotion": record.emotion,
        "start_frame": record.start_frame,
        "end_frame": record.end_frame,
        "frame_rate": f"{record.frame_rate.numerator}/{record.frame_rate.denominator}",
        "start_s": round(record.start_s, 4),
        "end_s": round(record.end_s, 4),
    }
    if score is not None:
        data["score"] = round(score, 4)
    if query:
        data["query"] = query
    return data


def _range(start: int, end: int, rate: float) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(
        otio.opentime.RationalTime(start, rate), otio.opentime.RationalTime(max(1, end - start), rate)
    )


def _reference(record: SearchRecord, path: Path | None) -> otio.schema.ExternalReference:
    rate = float(record.frame_rate)
    url = Path(path).resolve().as_uri() if path is not None else record.take
    available = _range(0, record.take_frames, rate) if record.take_frames else None
    return otio.schema.ExternalReference(target_url=url, available_range=available)


def _label(record: SearchRecord) -> str:
    what = record.line_id or "said"
    return f"{Path(record.take).stem} {what} {record.start_frame}"


def hits_to_bin(
    hits: Sequence[SearchHit],
    paths: Mapping[str, Path] | None = None,
    *,
    query: str = "",
    markers: bool = False,
) -> otio.schema.SerializableCollection:
    """A bin (``SerializableCollection``) of the hits: a subclip per hit (``markers`` false), or one
    clip per take holding a marker per hit. ``paths`` gives each take's file (by take name)."""
    paths = paths or {}
    name = f"search: {query}" if query else "search"
    found = otio.schema.SerializableCollection(name=name)
    found.metadata["roughcut"] = {"schema": SCHEMA, "query": query, "hits": len(hits)}
    if not markers:
        for hit in hits:
            record = hit.record
            clip = otio.schema.Clip(
                name=_label(record),
                media_reference=_reference(record, paths.get(record.take)),
                source_range=_range(record.start_frame, record.end_frame, float(record.frame_rate)),
            )
            clip.metadata["roughcut"] = hit_metadata(record, score=hit.score, query=query)
            found.append(clip)
        return found
    by_take: dict[str, otio.schema.Clip] = {}
    for hit in hits:
        record = hit.record
        clip = by_take.get(record.take)
        if clip is None:
            rate = float(record.frame_rate)
            frames = record.take_frames or record.end_frame
            clip = otio.schema.Clip(
                name=Path(record.take).stem,
                media_reference=_reference(record, paths.get(record.take)),
                source_range=_range(0, frames, rate),
            )
            clip.metadata["roughcut"] = {"schema": SCHEMA, "take": record.take, "query": query}
            by_take[record.take] = clip
            found.append(clip)
        text = record.script or record.said
        marker = otio.schema.Marker(
            name=_label(record),
            marked_range=_range(record.start_frame, record.end_frame, float(record.frame_rate)),
            color=otio.schema.MarkerColor.GREEN if record.kind == "line" else otio.schema.MarkerColor.YELLOW,
            comment=f"{record.character}: {text}" if record.character else text,
        )
        marker.metadata["roughcut"] = hit_metadata(record, score=hit.score, query=query)
        clip.markers.append(marker)
    return found
