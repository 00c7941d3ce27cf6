"""A cut as an OpenTimelineIO timeline: a picture track, a sound track, line markers, metadata.

Every time is a ``RationalTime`` with an integral frame value at the timeline's exact rate. Source
times count from the take's own timecode (``01:05:00:00`` …) when it has one, so editing systems
relink by timecode. A take at another frame rate is conformed frame for frame (said in
``Cut.warnings``). Everything roughcut knows sits under ``metadata["roughcut"]`` (``schema`` 1): on
the timeline the scene, style, weights, pace, gaps, warnings, every line with its alternatives, and
every take's analysis; on each clip its take, lines, role and deciding idiom.

Sound: a take matched to an external recording (:class:`SyncedSound`, from
:func:`roughcut.audio.sync.group_takes_with_sound`) is heard from that recording on ``A1``, cut to
the same moments as the picture; other takes are heard from their own scratch sound. Timeline
files place the recording to the nearest frame (within half a frame); the exact start, in seconds,
is kept in the clip's ``metadata["roughcut"]["sound"]``, which the preview plays to the sample.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import opentimelineio as otio

from roughcut.edit.coverage import SceneCoverage, TakeInfo
from roughcut.edit.cut import Clip, Cut
from roughcut.media.rates import timecode_to_frame

SCHEMA = 1


@dataclass(frozen=True)
class SyncedSound:
    """A take's external sound: the recording, where the take's first sample falls in it
    (``offset_s``, seconds from the recording's first sample), clock drift (ppm, as in
    :class:`roughcut.audio.sync.SyncResult`), the recording's length (seconds), the match's
    confidence (0..1) and, for a Broadcast WAVE, the time of day its first sample was recorded
    (seconds since midnight), which editing systems show as its timecode."""

    path: Path
    offset_s: float
    drift_ppm: float
    duration_s: float
    confidence: float
    time_of_day_s: float | None = None

    def seconds_in_recording(self, take_seconds: float) -> float:
        """Seconds into the recording of ``take_seconds`` seconds into the take."""
        from roughcut.audio.sync import on_reference_clock

        return on_reference_clock(take_seconds, self.offset_s, self.drift_ppm)


def _rt(frames: int, rate: float) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(frames, rate)


def _range(start: int, frames: int, rate: float) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(_rt(start, rate), _rt(frames, rate))


def timecode_frames(take: TakeInfo) -> int:
    """Frame number of the take's first frame by its timecode (0 when it has none)."""
    if not take.timecode:
        return 0
    return timecode_to_frame(take.timecode, take.frame_rate) or 0


def _references(cut: Cut, coverage: SceneCoverage, rate: float) -> dict[str, otio.schema.ExternalReference]:
    references = {}
    for take in coverage.takes:
        references[take.name] = otio.schema.ExternalReference(
            target_url=take.path.resolve().as_uri(),
            available_range=_range(timecode_frames(take), take.duration_frames, rate),
        )
        references[take.name].metadata["roughcut"] = {
            "schema": SCHEMA,
            "has_video": True,
            "has_audio": take.has_audio,
            "width": take.width,
            "height": take.height,
            "frame_rate": _fraction(take.frame_rate),
        }
    return references


def _clip(piece: Clip, cut: Cut, coverage: SceneCoverage, rate: float, lines: list[str]) -> otio.core.Item:
    if piece.take is None:
        gap = otio.schema.Gap(source_range=_range(0, piece.frames, rate))
        gap.metadata["roughcut"] = {"schema": SCHEMA, "role": "gap", "lines": lines}
        return gap
    take = coverage.take(piece.take)
    start = timecode_frames(take) + piece.source_in
    clip = otio.schema.Clip(
        name=take.path.stem,
        source_range=_range(start, piece.frames, rate),
    )
    clip.metadata["roughcut"] = {
        "schema": SCHEMA,
        "take": piece.take,
        "lines": lines,
        "role": piece.role,
        "idiom": piece.idiom,
        "source_frame_rate": f"{take.frame_rate.numerator}/{take.frame_rate.denominator}",
        "conformed": take.frame_rate != cut.rate,
    }
    return clip


def _lines_in(piece: Clip, cut: Cut) -> list[str]:
    return [
        line.line_id
        for line in cut.lines
        if line.record_in < piece.record_out and line.record_out > piece.record_in
    ]


def _sound_clip(clip: otio.schema.Clip, piece: Clip, take: TakeInfo, sound: SyncedSound, rate: float) -> None:
    """Point the sound clip ``clip`` at the take's external recording, at the same moments."""
    take_seconds = piece.source_in / take.frame_rate
    start_s = sound.seconds_in_recording(float(take_seconds))
    origin = round(sound.time_of_day_s * rate) if sound.time_of_day_s is not None else 0  # its timecode
    clip.name = sound.path.stem
    clip.source_range = _range(origin + round(start_s * rate), piece.frames, rate)
    clip.media_reference = otio.schema.ExternalReference(
        target_url=sound.path.resolve().as_uri(),
        available_range=_range(origin, round(sound.duration_s * rate), rate),
    )
    clip.media_reference.metadata["roughcut"] = {"schema": SCHEMA, "has_video": False, "has_audio": True}
    clip.metadata["roughcut"]["sound"] = {
        "file": sound.path.name,
        "source_in_s": start_s,
        "offset_s": sound.offset_s,
        "drift_ppm": sound.drift_ppm,
        "confidence": sound.confidence,
    }


def to_timeline(
    cut: Cut, coverage: SceneCoverage, *, sound: Mapping[str, SyncedSound] | None = None
) -> otio.schema.Timeline:
    """The cut as an OTIO timeline: ``V1`` picture, ``A1`` sound, a marker per line on the picture
    clip where its words start (named by line id; gaps marked red), roughcut metadata throughout.

    ``sound`` maps take names to their synced external recordings: those takes are heard from the
    recording instead of the camera's scratch sound."""
    rate = float(cut.rate)
    sound = sound or {}
    timeline = otio.schema.Timeline(name=f"Scene {cut.scene} - {cut.style}")
    timeline.global_start_time = _rt(0, rate)
    references = _references(cut, coverage, rate)
    video = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    audio = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    for track, pieces in ((video, cut.video), (audio, cut.audio)):
        for piece in pieces:
            item = _clip(piece, cut, coverage, rate, _lines_in(piece, cut))
            if isinstance(item, otio.schema.Clip):
                item.media_reference = references[piece.take].clone()
                if track is audio and piece.take in sound:
                    _sound_clip(item, piece, coverage.take(piece.take), sound[piece.take], rate)
            track.append(item)
    _mark_lines(video, cut, rate)
    timeline.tracks.append(video)
    timeline.tracks.append(audio)
    timeline.metadata["roughcut"] = _timeline_metadata(cut, coverage)
    return timeline


def _mark_lines(video: otio.schema.Track, cut: Cut, rate: float) -> None:
    items = list(video)
    pieces = list(cut.video)
    for line in cut.lines:
        for piece, item in zip(pieces, items, strict=True):
            if not piece.record_in <= line.speech_in < piece.record_out:
                continue
            offset = line.speech_in - piece.record_in
            length = max(1, min(line.speech_out, piece.record_out) - line.speech_in)
            start = item.source_range.start_time.value + offset
            name = f"MISSING {line.line_id}" if line.is_gap else line.line_id
            marker = otio.schema.Marker(
                name=name,
                marked_range=_range(round(start), length, rate),
                color=otio.schema.MarkerColor.RED if line.is_gap else otio.schema.MarkerColor.GREEN,
                comment=f"{line.character}: {line.text}",
            )
            marker.metadata["roughcut"] = {
                "schema": SCHEMA,
                "line": line.line_id,
                "take": line.take,
                "idiom": line.idiom,
            }
            item.markers.append(marker)
            break


def _fraction(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def _drop_frame(cut: Cut, coverage: SceneCoverage) -> bool:
    """Whether the timeline's timecode is drop frame: at 29.97 and 59.94 unless the takes at that
    rate have non-drop timecode (``01:00:00:00``, not ``01:00:00;00``)."""
    if cut.rate not in (Fraction(30000, 1001), Fraction(60000, 1001)):
        return False
    stamped = [t.timecode for t in coverage.takes if t.timecode and t.frame_rate == cut.rate]
    return not stamped or any(";" in stamp for stamp in stamped)


def _timeline_metadata(cut: Cut, coverage: SceneCoverage) -> dict[str, Any]:
    takes = []
    held_by: dict[str, list] = {}
    for (_, name), item in coverage.coverage.items():
        held_by.setdefault(name, []).append(item)
    order = {line.id: i for i, line in enumerate(coverage.lines)}
    for take in coverage.takes:
        held = sorted(held_by.get(take.name, []), key=lambda c: order.get(c.line_id, 0))
        rates = [c.speech_rate for c in held if c.speech_rate]
        takes.append(
            {
                "name": take.name,
                "path": str(take.path.resolve()),
                "frame_rate": _fraction(take.frame_rate),
                "width": take.width,
                "height": take.height,
                "frames": take.duration_frames,
                "timecode": take.timecode or "",
                "start_frame": timecode_frames(take),
                "shot_size": take.shot_size,
                "characters": list(take.characters_visible),
                "screen_positions": dict(take.screen_positions),
                "has_audio": take.has_audio,
                "lines": " ".join(c.line_id for c in held),
                "speaker_visible_lines": " ".join(c.line_id for c in held if c.speaker_visible),
                "words_per_second": round(sum(rates) / len(rates), 3) if rates else 0.0,
            }
        )
    lines = []
    for line in cut.lines:
        lines.append(
            {
                "id": line.line_id,
                "character": line.character,
                "text": line.text,
                "take": line.take,
                "source_in": line.source_in,
                "source_out": line.source_out,
                "record_in": line.record_in,
                "record_out": line.record_out,
                "speech_in": line.speech_in,
                "speech_out": line.speech_out,
                "cost": round(line.cost, 6),
                "idiom": line.idiom,
                "idiom_costs": {k: round(v, 6) for k, v in line.idiom_costs.items()},
                "pinned": line.pinned,
                "reaction": line.reaction.take if line.reaction else None,
                "alternatives": [
                    {
                        "take": a.take,
                        "cost": round(a.cost, 6),
                        "margin": round(a.margin, 6),
                        "idiom": a.idiom,
                        "reaction": a.reaction,
                    }
                    for a in line.alternatives
                ],
            }
        )
    return {
        "schema": SCHEMA,
        "scene": cut.scene,
        "mode": cut.mode,
        "style": cut.style,
        "weights": dict(cut.weights),
        "params": {k: dict(v) for k, v in cut.params.items()},
        "pace": cut.pace.name,
        "frame_rate": _fraction(cut.rate),
        "drop_frame": _drop_frame(cut, coverage),
        "width": cut.width,
        "height": cut.height,
        "cost": round(cut.cost, 6),
        "gaps": list(cut.gaps),
        "warnings": list(cut.warnings),
        "lines": lines,
        "takes": takes,
    }
