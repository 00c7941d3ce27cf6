"""Final Cut Pro 7 XML as Premiere Pro and DaVinci Resolve read it: fixes to what the ``fcp_xml``
OTIO adapter (otio-fcp-adapter 1.0.0) writes, applied to its file (see docs/interchange.md).

- Clip markers: the adapter writes them at the media's timecode (``<in>86428</in>``) while clip
  ``<in>``/``<out>`` count from the media's first frame; here markers count from the first frame too.
- ``<rate>`` is written twice in every clipitem: the second is removed.
- A clipitem's ``<duration>`` is the media's length (the adapter writes the cut's length).
- The sequence's ``<format>`` is empty: it gets the picture size, rate and pixel aspect; the sound
  format (48 kHz) is added.
- Each file says its picture size and sound (sample rate, channels), or no picture for a sound file.
- A missing line's marker (on a gap, which FCP7 XML does not hold) becomes a sequence marker.
- Timecode is drop frame or not as the takes' is (the adapter writes drop frame at every 29.97).
- Clipitems get ``<masterclipid>`` (one per file), sound clipitems ``<sourcetrack>``, and picture and
  sound of one file in sync are ``<link>``-ed as a camera's clip is.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from roughcut.export._media import Media, is_drop_frame, media_in, record_markers, timecode, timeline_size


def _sub(parent: ET.Element, tag: str, text: str | None = None, index: int | None = None) -> ET.Element:
    element = ET.Element(tag)
    element.text = text
    if index is None:
        parent.append(element)
    else:
        parent.insert(index, element)
    return element


def _rate_element(rate: Fraction) -> ET.Element:
    element = ET.Element("rate")
    ntsc = rate.denominator == 1001
    _sub(element, "timebase", str(round(rate)))
    _sub(element, "ntsc", "TRUE" if ntsc else "FALSE")
    return element


def _video_characteristics(rate: Fraction, width: int, height: int) -> ET.Element:
    chars = ET.Element("samplecharacteristics")
    chars.append(_rate_element(rate))
    _sub(chars, "width", str(width))
    _sub(chars, "height", str(height))
    _sub(chars, "anamorphic", "FALSE")
    _sub(chars, "pixelaspectratio", "square")
    _sub(chars, "fielddominance", "none")
    return chars


def _audio_characteristics(sample_rate: int) -> ET.Element:
    chars = ET.Element("samplecharacteristics")
    _sub(chars, "depth", "16")
    _sub(chars, "samplerate", str(sample_rate))
    return chars


def _file_media(file_e: ET.Element, media: Media, rate: Fraction) -> None:
    old = file_e.find("media")
    if old is not None:
        file_e.remove(old)
    media_e = _sub(file_e, "media")
    if media.has_video:
        video = _sub(media_e, "video")
        video.append(_video_characteristics(rate, media.width, media.height))
    if media.has_audio:
        audio = _sub(media_e, "audio")
        audio.append(_audio_characteristics(media.sample_rate))
        _sub(audio, "channelcount", str(media.channels))


def _link(parent: ET.Element, clip_id: str, kind: str, track: int, clip: int) -> None:
    link = _sub(parent, "link")
    _sub(link, "linkclipref", clip_id)
    _sub(link, "mediatype", kind)
    _sub(link, "trackindex", str(track))
    _sub(link, "clipindex", str(clip))


def _position(clip: otio.schema.Clip, rate: Fraction) -> tuple[str | None, int, int, float]:
    """(take, record in, record out, take frame minus record frame): two clips of one take are in
    sync when the last agrees (frames; a field recording's offset into the take taken out)."""
    meta = clip.metadata.get("roughcut", {})
    record = clip.range_in_parent()
    start = round(record.start_time.value)
    available = getattr(clip.media_reference, "available_range", None)
    origin = available.start_time.value if available is not None else 0
    take_frame = clip.source_range.start_time.value - origin
    sound = meta.get("sound")
    if sound:
        take_frame -= float(sound.get("offset_s", 0)) * float(rate)
    return meta.get("take"), start, start + round(record.duration.value), take_frame - start


def fix(path: Path, timeline: otio.schema.Timeline, rate: Fraction) -> None:
    """Rewrite the adapter's FCP7 XML at ``path`` for ``timeline`` (``rate`` frames per second)."""
    tree = ET.parse(path)
    media = media_in(timeline)
    width, height = timeline_size(timeline)
    sequence = tree.find(".//sequence")
    if sequence is None:
        return
    video = sequence.find("./media/video")
    if video is not None:
        fmt = video.find("format")
        if fmt is None:
            fmt = _sub(video, "format", index=0)
        fmt.clear()
        fmt.append(_video_characteristics(rate, width, height))
    audio = sequence.find("./media/audio")
    if audio is not None and audio.find("format") is None:
        audio_format = _sub(audio, "format", index=0)
        audio_format.append(_audio_characteristics(48000))

    # Timecode: drop frame or not as the timeline's (the adapter decides by the rate alone).
    drop = is_drop_frame(rate, timeline)
    for stamp in tree.iter("timecode"):
        frame = stamp.findtext("frame")
        if frame is None or stamp.find("string") is None:
            continue
        stamp.find("string").text = timecode(int(frame), rate, drop)
        shown = stamp.find("displayformat")
        if shown is not None:
            shown.text = "DF" if drop and rate.denominator == 1001 else "NDF"

    # Files: each full <file> once (later uses are back-references by id).
    file_urls: dict[str, str] = {}
    for file_e in sequence.iter("file"):
        url = file_e.findtext("pathurl")
        if url is None:
            continue
        file_urls[file_e.get("id", "")] = url
        if url in media:
            _file_media(file_e, media[url], rate)

    # Clipitems, track by track: (element, kind, track index, clip index, url, record in, source in).
    placed = []
    for kind in ("video", "audio"):
        for track_index, track in enumerate(sequence.findall(f"./media/{kind}/track"), start=1):
            for clip_index, item in enumerate(track.findall("clipitem"), start=1):
                file_e = item.find("file")
                url = file_urls.get(file_e.get("id", "")) if file_e is not None else None
                placed.append((item, kind, track_index, clip_index, url))
    for item, kind, _, _, url in placed:
        rates = item.findall("rate")
        for extra in rates[1:]:
            item.remove(extra)
        info = media.get(url or "")
        if info is None:
            continue
        duration = item.find("duration")
        if duration is not None:
            duration.text = str(info.frames)
        for marker in item.findall("marker"):
            for tag in ("in", "out"):
                element = marker.find(tag)
                if element is not None and element.text and int(float(element.text)) >= 0:
                    element.text = str(int(float(element.text)) - info.start_frame)
        _sub(item, "masterclipid", f"masterclip-{info.index}", index=0)
        source = _sub(item, "sourcetrack")
        _sub(source, "mediatype", kind)
        if kind == "audio":
            _sub(source, "trackindex", "1")

    # Picture and sound of one take, in sync and overlapping on the timeline, are linked.
    by_kind = {kind: [item for item in placed if item[1] == kind] for kind in ("video", "audio")}
    clips = {
        kind: [clip for track in timeline.tracks if track.kind == otio_kind for clip in track.find_clips()]
        for kind, otio_kind in (("video", "Video"), ("audio", "Audio"))
    }
    if all(len(by_kind[k]) == len(clips[k]) for k in by_kind):
        positions = {kind: [_position(clip, rate) for clip in clips[kind]] for kind in clips}
        for v, (item, kind, track_index, clip_index, _) in enumerate(by_kind["video"]):
            take, start, end, sync = positions["video"][v]
            group = [(item, kind, track_index, clip_index)]
            for a, other in enumerate(by_kind["audio"]):
                o_take, o_start, o_end, o_sync = positions["audio"][a]
                if take and o_take == take and o_start < end and o_end > start and abs(o_sync - sync) <= 1:
                    group.append(other[:4])
            if len(group) > 1:
                for member in group:
                    for linked in group:
                        _link(member[0], linked[0].get("id", ""), linked[1], linked[2], linked[3])

    # Element order as Premiere writes it: links and markers after the timing and file.
    for item, *_ in placed:
        children = list(item)
        order = {"link": 1, "marker": 2}
        children.sort(key=lambda child: order.get(child.tag, 0))
        item[:] = children

    # A missing line's marker sits on a gap, which FCP7 XML does not write: a sequence marker.
    for position, length, marker, on_gap in record_markers(timeline):
        if on_gap:
            element = _sub(sequence, "marker")
            _sub(element, "name", marker.name)
            _sub(element, "comment", marker.comment)
            _sub(element, "in", str(position))
            _sub(element, "out", str(position + length))

    ET.indent(tree, space="    ")
    text = ET.tostring(tree.getroot(), encoding="unicode")
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xmeml>\n' + text + "\n", encoding="utf-8"
    )
