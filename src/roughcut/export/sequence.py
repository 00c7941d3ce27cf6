"""A sequence of scenes: the scenes' timelines one after the other, as one timeline that every writer
of :func:`roughcut.export.write_all` takes as it takes a scene's."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import opentimelineio as otio

from roughcut.errors import RoughcutError
from roughcut.export.adapters import timeline_rate

_FRAME_FIELDS = ("record_in", "record_out", "speech_in", "speech_out")


def sequence_timeline(
    timelines: Sequence[otio.schema.Timeline], *, name: str = "Sequence", warnings: Sequence[str] = ()
) -> otio.schema.Timeline:
    """The scenes' ``timelines`` (each from :func:`roughcut.edit.to_timeline`) joined in the order
    given: each track of a kind continues the same track of the scene before, a scene's shorter
    track padded with a gap so that every scene starts on every track at once. The lines' record
    frames move with their scene; ``metadata["roughcut"]["scenes"]`` says where each scene starts
    and how long it is (frames at the sequence's rate); ``warnings`` (a scene not cut, say) join the
    scenes' own, which the report lists. All scenes must share one frame rate."""
    if not timelines:
        raise RoughcutError("a sequence needs at least one scene")
    rates = {str(timeline_rate(t)) for t in timelines}
    if len(rates) > 1:
        raise RoughcutError(
            f"the scenes have different frame rates ({', '.join(sorted(rates))}): no one sequence"
        )
    rate = float(timeline_rate(timelines[0]))
    first = timelines[0].metadata.get("roughcut", {})
    sequence = otio.schema.Timeline(name=name)
    sequence.global_start_time = otio.opentime.RationalTime(0, rate)
    kinds = [(t.kind, t.name) for t in timelines[0].tracks]
    tracks = [otio.schema.Track(name=track_name, kind=kind) for kind, track_name in kinds]
    meta: dict[str, Any] = {
        **copy.deepcopy(dict(first)),
        "scene": "sequence",
        "scenes": [],
        "lines": [],
        "takes": [],
        "gaps": [],
        "warnings": list(warnings),
        "cost": 0.0,
    }
    taken: set[str] = set()
    at = 0
    for timeline in timelines:
        scene_meta = timeline.metadata.get("roughcut", {})
        length = max((round(t.duration().value) for t in timeline.tracks), default=0)
        for index, (target, (kind, _)) in enumerate(zip(tracks, kinds, strict=True)):
            own = list(timeline.tracks)
            source = own[index] if index < len(own) and own[index].kind == kind else None
            used = 0
            if source is not None:
                for item in source:
                    target.append(item.clone())
                used = round(source.duration().value)
            if used < length:
                target.append(otio.schema.Gap(source_range=_range(0, length - used, rate)))
        scene = str(scene_meta.get("scene", ""))
        meta["scenes"].append({"scene": scene, "record_in": at, "frames": length, "name": timeline.name})
        for line in scene_meta.get("lines", []):
            moved = copy.deepcopy(dict(line))
            for key in _FRAME_FIELDS:
                if key in moved:
                    moved[key] = int(moved[key]) + at
            meta["lines"].append(moved)
        for take in scene_meta.get("takes", []):
            if take.get("path") not in taken:
                taken.add(take.get("path"))
                meta["takes"].append(copy.deepcopy(dict(take)))
        meta["gaps"] += list(scene_meta.get("gaps", []))
        meta["warnings"] += [f"scene {scene}: {w}" for w in scene_meta.get("warnings", [])]
        meta["cost"] += float(scene_meta.get("cost", 0.0))
        meta["drop_frame"] = bool(meta.get("drop_frame")) or bool(scene_meta.get("drop_frame"))
        at += length
    for track in tracks:
        sequence.tracks.append(track)
    sequence.metadata["roughcut"] = meta
    return sequence


def _range(start: int, frames: int, rate: float) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(
        otio.opentime.RationalTime(start, rate), otio.opentime.RationalTime(frames, rate)
    )
