"""FCPXML as Final Cut Pro reads it: fixes to what the ``fcpx_xml`` OTIO adapter
(otio-fcpx-xml-adapter 1.0.0) writes, applied to its file (see docs/interchange.md). The result
is valid against Apple's DTD of the version it declares (1.8).

- A clip's ``<video offset="0s">`` has no ``start``: the clip's window (its ``start``, at the media's
  timecode) falls outside the media, and Final Cut shows nothing. The media now sits at its own
  timecode inside the clip (``offset`` = ``start`` = the asset's start).
- A sound clip is a ``<clip>`` holding a ``<gap>`` holding the ``<audio>``: the gap is removed and the
  ``<audio>`` placed like the video (role ``dialogue``).
- ``<format>`` has no size or name: it gets the timeline's width and height (and each picture of
  another size its own format); sound files get no picture format.
- ``uid=""`` on the project is removed (Final Cut reads an empty uid as a uid).
- An ``<asset-clip>`` per clip is written at the document's root (browser clips, one per use):
  removed, the project alone is imported.
- A gap's markers (missing lines) start at ``0s`` while the gap's time starts at its ``start``
  (``3600s``): they are moved into the gap.
- Cameras are marked ``hasAudio="0"``: each asset says whether it has picture and sound, with its
  sound's channels and sample rate.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from roughcut.export._media import is_drop_frame, media_in, timeline_size

#: Final Cut's own names of the common formats: (height, frames per second) → name part.
_RATE_NAMES = {
    Fraction(24000, 1001): "2398",
    Fraction(24): "24",
    Fraction(25): "25",
    Fraction(30000, 1001): "2997",
    Fraction(30): "30",
    Fraction(50): "50",
    Fraction(60000, 1001): "5994",
    Fraction(60): "60",
}
_SIZE_NAMES = {(1280, 720): "720p", (1920, 1080): "1080p", (3840, 2160): "3840x2160p"}


def _format_name(width: int, height: int, rate: Fraction) -> str:
    size = _SIZE_NAMES.get((width, height), f"{width}x{height}p")
    return f"FFVideoFormat{size}{_RATE_NAMES.get(rate, '')}"


def _audio_rate(hz: int) -> str:
    return {32000: "32k", 44100: "44.1k", 48000: "48k", 88200: "88.2k", 96000: "96k"}.get(hz, "48k")


def _seconds(text: str | None) -> Fraction:
    return Fraction((text or "0s").rstrip("s"))


def _time(seconds: Fraction) -> str:
    return (
        f"{seconds.numerator}s" if seconds.denominator == 1 else f"{seconds.numerator}/{seconds.denominator}s"
    )


def fix(path: Path, timeline: otio.schema.Timeline, rate: Fraction) -> None:
    """Rewrite the adapter's FCPXML at ``path`` for ``timeline`` (``rate`` frames per second)."""
    tree = ET.parse(path)
    root = tree.getroot()
    resources = root.find("resources")
    if resources is None:
        return
    media = media_in(timeline)
    width, height = timeline_size(timeline)

    for stray in root.findall("asset-clip"):
        root.remove(stray)
    for project in root.iter("project"):
        if not project.get("uid"):
            project.attrib.pop("uid", None)

    formats = resources.findall("format")
    main = formats[0] if formats else None
    if main is not None:
        main.set("width", str(width))
        main.set("height", str(height))
        main.set("name", _format_name(width, height, rate))
    sized = {(width, height): main.get("id") if main is not None else None}
    ids = [int(e.get("id", "r0")[1:]) for e in resources if (e.get("id") or "").startswith("r")]
    next_id = max(ids, default=0) + 1

    assets = {}
    for asset in resources.findall("asset"):
        assets[asset.get("id")] = asset
        info = media.get(asset.get("src", ""))
        if info is None:
            continue
        asset.set("hasVideo", "1" if info.has_video else "0")
        asset.set("hasAudio", "1" if info.has_audio else "0")
        if info.has_audio:
            asset.set("audioSources", "1")
            asset.set("audioChannels", str(info.channels))
            asset.set("audioRate", str(info.sample_rate))
        if not info.has_video:
            asset.attrib.pop("format", None)
        elif info.width and (info.width, info.height) not in sized and main is not None:
            element = ET.Element(
                "format",
                {
                    "id": f"r{next_id}",
                    "frameDuration": main.get("frameDuration", ""),
                    "name": _format_name(info.width, info.height, rate),
                    "width": str(info.width),
                    "height": str(info.height),
                },
            )
            next_id += 1
            resources.insert(list(resources).index(main) + 1, element)
            sized[(info.width, info.height)] = element.get("id")
        if info.has_video and info.width:
            asset.set("format", sized[(info.width, info.height)] or "")
    # Resources are referenced after they are defined: formats first, then assets.
    resources[:] = sorted(resources, key=lambda e: 0 if e.tag == "format" else 1)

    for sequence in root.iter("sequence"):
        sequence.set("tcStart", "0s")
        sequence.set("tcFormat", "DF" if is_drop_frame(rate, timeline) else "NDF")
        sequence.set("audioLayout", "stereo")
        sequence.set("audioRate", "48k")

    for clip in list(root.iter("clip")):
        gap = clip.find("gap")
        if gap is not None:
            audio = gap.find("audio")
            position = list(clip).index(gap)
            clip.remove(gap)
            if audio is not None:
                audio.attrib.pop("lane", None)
                clip.insert(position, audio)
        for component in [c for c in clip if c.tag in ("video", "audio")]:
            asset = assets.get(component.get("ref"))
            if asset is None:
                continue
            start = asset.get("start", "0s")
            component.set("offset", start)
            component.set("start", start)
            component.set("duration", asset.get("duration", component.get("duration", "0s")))
            if component.tag == "audio":
                component.set("role", "dialogue")
        clip.set("tcFormat", "DF" if is_drop_frame(rate, timeline) else "NDF")

    # A gap's markers count from the gap's own start (the adapter writes them from 0s).
    for gap in root.iter("gap"):
        for marker in gap.findall("marker"):
            start = _seconds(gap.get("start")) + _seconds(marker.get("start"))
            marker.set("start", _time(start))

    ET.indent(tree, space="    ")
    text = ET.tostring(root, encoding="unicode")
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n\n' + text + "\n", encoding="utf-8"
    )
