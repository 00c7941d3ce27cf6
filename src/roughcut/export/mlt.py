"""A Kdenlive project (MLT XML, ``.kdenlive``): the cut as Kdenlive and the MLT engine (``melt``) open it.

roughcut writes this format itself: OpenTimelineIO's Kdenlive adapter (otio-kdenlive-adapter
0.0.3) is deprecated by its authors, counts clip in/out from the media's timecode where MLT counts
from the file's first frame, writes times as rounded clock strings and every project as 1080p
(docs/interchange.md). Here every time is a whole frame number at the timeline's exact rate: one
producer per file and use (picture, or sound alone for a sound track), a playlist per track (gaps
as blanks), a tractor that plays the picture over black and mixes the sound tracks; the line
markers are Kdenlive guides at record time.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from math import gcd
from pathlib import Path

import opentimelineio as otio

from roughcut.export._media import media_in, media_url, record_markers, timeline_size
from roughcut.export.adapters import timeline_rate

#: Kdenlive guide colours' categories for the marker colours roughcut uses (0 purple … 8 green).
_CATEGORIES = {otio.schema.MarkerColor.RED: 1, otio.schema.MarkerColor.GREEN: 8}


def _property(parent: ET.Element, name: str, value: object) -> None:
    element = ET.SubElement(parent, "property", {"name": name})
    element.text = str(value)


def _guides(timeline: otio.schema.Timeline) -> list[dict]:
    return [
        {"comment": marker.name, "pos": position, "type": _CATEGORIES.get(marker.color, 0)}
        for position, _, marker, _ in record_markers(timeline)
    ]


def mlt_xml(timeline: otio.schema.Timeline) -> str:
    """The timeline as MLT XML (a Kdenlive project), frame numbers at its exact rate."""
    rate = timeline_rate(timeline)
    width, height = timeline_size(timeline)
    common = gcd(width, height)
    root = ET.Element(
        "mlt", {"LC_NUMERIC": "C", "version": "7.12.0", "title": timeline.name, "producer": "main_bin"}
    )
    ET.SubElement(
        root,
        "profile",
        {
            "description": f"{width}x{height} {float(rate):.3f} fps",
            "width": str(width),
            "height": str(height),
            "progressive": "1",
            "sample_aspect_num": "1",
            "sample_aspect_den": "1",
            "display_aspect_num": str(width // common),
            "display_aspect_den": str(height // common),
            "frame_rate_num": str(rate.numerator),
            "frame_rate_den": str(rate.denominator),
            "colorspace": "709",
        },
    )
    media = media_in(timeline)
    producers: dict[tuple[str, bool], str] = {}
    bin_entries = []

    def producer_for(clip: otio.schema.Clip, sound_only: bool) -> str:
        url = media_url(clip)
        key = (url, sound_only)
        if key not in producers:
            info = media[url]
            producer_id = f"producer{len(producers)}"
            element = ET.SubElement(
                root, "producer", {"id": producer_id, "in": "0", "out": str(max(0, info.frames - 1))}
            )
            path = info.path
            _property(element, "resource", str(path) if path is not None else url)
            _property(element, "mlt_service", "avformat-novalidate")
            _property(element, "length", info.frames)
            _property(element, "kdenlive:id", len(producers) + 2)
            _property(element, "kdenlive:clipname", Path(info.name).stem)
            if sound_only and info.has_video:
                _property(element, "video_index", -1)
            if not info.has_audio:
                _property(element, "audio_index", -1)
            producers[key] = producer_id
            bin_entries.append((producer_id, info.frames, len(producers) + 1))
        return producers[key]

    playlists = []
    for index, track in enumerate(timeline.tracks):
        sound = track.kind == otio.schema.TrackKind.Audio
        playlist = ET.Element("playlist", {"id": f"playlist{index}"})
        if sound:
            _property(playlist, "kdenlive:audio_track", 1)
        for item in track:
            length = round(item.duration().value)
            if not isinstance(item, otio.schema.Clip) or item.media_reference is None:
                ET.SubElement(playlist, "blank", {"length": str(length)})
                continue
            available = getattr(item.media_reference, "available_range", None)
            origin = round(available.start_time.value) if available is not None else 0
            first = round(item.source_range.start_time.value) - origin
            ET.SubElement(
                playlist,
                "entry",
                {"producer": producer_for(item, sound), "in": str(first), "out": str(first + length - 1)},
            )
        playlists.append((playlist, sound))

    main_bin = ET.SubElement(root, "playlist", {"id": "main_bin"})
    _property(main_bin, "kdenlive:docproperties.version", "1.1")
    _property(main_bin, "kdenlive:docproperties.guides", json.dumps(_guides(timeline)))
    _property(main_bin, "xml_retain", 1)
    for producer_id, frames, _ in bin_entries:
        ET.SubElement(main_bin, "entry", {"producer": producer_id, "in": "0", "out": str(max(0, frames - 1))})
    frames = round(timeline.duration().value)
    black = ET.SubElement(root, "producer", {"id": "black_track", "in": "0", "out": str(max(0, frames - 1))})
    _property(black, "resource", "black")
    _property(black, "mlt_service", "color")
    _property(black, "length", frames)
    for playlist, _ in playlists:
        root.append(playlist)
    tractor = ET.SubElement(root, "tractor", {"id": "maintractor", "global_feed": "1"})
    ET.SubElement(tractor, "track", {"producer": "black_track"})
    # Sound tracks below the picture, as Kdenlive orders them.
    ordered = [p for p in playlists if p[1]] + [p for p in playlists if not p[1]]
    for number, (playlist, sound) in enumerate(ordered, start=1):
        ET.SubElement(
            tractor, "track", {"producer": playlist.get("id", ""), "hide": "video" if sound else "audio"}
        )
        mix = ET.SubElement(tractor, "transition", {"id": f"mix{number}"})
        _property(mix, "a_track", 0)
        _property(mix, "b_track", number)
        _property(mix, "mlt_service", "mix")
        _property(mix, "always_active", 1)
        _property(mix, "sum", 1)
        if not sound:
            over = ET.SubElement(tractor, "transition", {"id": f"composite{number}"})
            _property(over, "a_track", 0)
            _property(over, "b_track", number)
            _property(over, "mlt_service", "qtblend")
            _property(over, "always_active", 1)
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_mlt(timeline: otio.schema.Timeline, path: Path) -> Path:
    """Write the Kdenlive project (MLT XML) of ``timeline`` to ``path``."""
    path.write_text(mlt_xml(timeline), encoding="utf-8")
    return path
