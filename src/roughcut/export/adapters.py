"""Timelines to editing systems through the OpenTimelineIO adapters, and back for checking.

One small writer per format, each registered in :mod:`roughcut.export.formats`; each returns the
file it wrote. ``read_back`` reads any of them
through the same adapters at the timeline's exact rate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from urllib.parse import unquote, urlparse

import opentimelineio as otio

from roughcut.errors import ConfigError
from roughcut.export import _ale, _fcpx_exact
from roughcut.export._media import is_drop_frame, timecode
from roughcut.media.rates import timecode_to_frame

#: Longest reel name in an EDL (CMX3600 as Avid writes it).
REEL_LENGTH = 8
#: Longest line in an EDL (CMX3600).
EDL_COLUMNS = 80


def timeline_rate(timeline: otio.schema.Timeline) -> Fraction:
    """The timeline's exact frame rate (from roughcut's metadata, else its first clip's rate)."""
    text = timeline.metadata.get("roughcut", {}).get("frame_rate")
    if text:
        return Fraction(text)
    from roughcut.media.rates import snap_frame_rate

    for clip in timeline.find_clips():
        return snap_frame_rate(clip.source_range.duration.rate) or Fraction(24)
    return Fraction(24)


def write_otio(timeline: otio.schema.Timeline, path: Path) -> Path:
    """OpenTimelineIO's own JSON (``.otio``): everything, metadata included."""
    otio.adapters.write_to_file(timeline, str(path), adapter_name="otio_json")
    return path


def write_fcp7(timeline: otio.schema.Timeline, path: Path) -> Path:
    """Final Cut Pro 7 XML (``.xml``): opens in Premiere Pro and DaVinci Resolve."""
    from roughcut.export import _fcp7

    otio.adapters.write_to_file(timeline, str(path), adapter_name="fcp_xml")
    _fcp7.fix(path, timeline, timeline_rate(timeline))
    return path


def write_fcpx(timeline: otio.schema.Timeline, path: Path) -> Path:
    """FCPXML (``.fcpxml``) for Final Cut Pro (adapter time arithmetic made exact)."""
    from roughcut.export import _fcpx

    _fcpx_exact.apply()
    otio.adapters.write_to_file(timeline, str(path), adapter_name="fcpx_xml")
    _fcpx.fix(path, timeline, timeline_rate(timeline))
    return path


def write_edl(timeline: otio.schema.Timeline, path: Path) -> Path:
    """CMX3600 EDL (``.edl``): picture events (``V``) and sound events (``A``, channel 1) in record
    order, line markers as ``LOC`` comments on the picture events.

    Each track's events come from the OpenTimelineIO adapter's own writer; a sound event names the
    file it is heard from (the take, or its synced field recording), so a conform relinks both.
    """
    from otio_cmx3600_adapter.cmx_3600 import EDLWriter

    rate = float(timeline_rate(timeline))
    picture = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video][:1]
    sound = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Audio][:1]
    tracks = otio.schema.Stack(children=[track.clone() for track in picture + sound])
    clips = [clip for track in tracks for clip in track if isinstance(clip, otio.schema.Clip)]
    takes = [Path(take["path"]).as_uri() for take in timeline.metadata.get("roughcut", {}).get("takes", [])]
    reels = edl_reel_names([*takes, *(_media_url(clip) for clip in clips)])  # the ALE's tapes too
    for clip in clips:
        clip.metadata.setdefault("cmx_3600", {})["reel"] = reels[_media_url(clip)]
    writer = EDLWriter(tracks=tracks, rate=rate, style="avid")
    events = [
        event
        for index in range(len(tracks))
        for event in _edl_events(writer.get_content_for_track_at_index(index, title=None))
    ]
    events.sort(key=lambda event: (event[0], event[1]))
    exact = timeline_rate(timeline)
    lines = [f"TITLE: {timeline.name}"[:EDL_COLUMNS], ""] if timeline.name else []
    drop = is_drop_frame(exact, timeline)
    lines += [f"FCM: {'DROP FRAME' if drop else 'NON-DROP FRAME'}", ""]
    for number, (_, _, block) in enumerate(events, start=1):
        lines.extend(_edl_block(re.sub(r"^\d+", f"{number:03d}", block), exact, drop))
    path.write_text("\n".join(lines) + "\n")
    return path


def _edl_block(block: str, rate: Fraction, drop: bool) -> list[str]:
    """One event's lines as Avid writes them: timecode drop frame or not as the timeline's (the
    adapter writes drop frame at every 29.97), ``LOC`` at record timecode (the adapter writes the
    source's), the file named by ``SOURCE FILE`` (the adapter's ``FROM CLIP`` holds its whole URL),
    every line within 80 columns."""
    event, *comments = block.splitlines()
    fields = list(re.finditer(r"\S+", event))[-4:]  # source in, out, record in, out
    frames = [timecode_to_frame(field.group(), rate) or 0 for field in fields]
    source_in, record_in = frames[0], frames[2]
    head = event[: fields[0].start()]
    event = head + " ".join(timecode(f, rate, drop) for f in frames)
    lines = [event]
    for comment in comments:
        if comment.startswith("* FROM CLIP:"):
            url = comment.split(":", 1)[1].strip()
            comment = f"* SOURCE FILE: {Path(unquote(urlparse(url).path)).name if '://' in url else url}"
        elif comment.startswith("* LOC:"):
            match = re.match(r"\* LOC: (\S+)(.*)", comment)
            if match:
                at = (timecode_to_frame(match.group(1), rate) or 0) - source_in + record_in
                comment = f"* LOC: {timecode(at, rate, drop)}{match.group(2)}"
        lines.append(comment[:EDL_COLUMNS])
    return lines


def _media_url(clip: otio.schema.Clip) -> str:
    return getattr(clip.media_reference, "target_url", None) or clip.name


def edl_reel_names(urls: Iterable[str]) -> dict[str, str]:
    """A distinct EDL reel name per media file, in order of first use: the file's stem in letters
    and digits, cut to 8 characters; when another file has that name already, its last characters
    become a number (``B01norac``, then ``B01nora2``). A take and its field recording, or two takes
    that differ only after 8 characters, so never share a reel."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for url in urls:
        if url in names:
            continue
        stem = Path(unquote(urlparse(url).path)).stem if "://" in url else Path(url).stem
        base = re.sub(r"[^A-Za-z0-9]", "", stem)[:REEL_LENGTH] or "AX"
        name, number = base, 1
        while name in taken:
            number += 1
            name = base[: REEL_LENGTH - len(str(number))] + str(number)
        names[url] = name
        taken.add(name)
    return names


def _edl_events(content: str) -> list[tuple[str, int, str]]:
    """Split one track's EDL text into events: (record in timecode, 0 for picture / 1 for sound,
    the event's lines)."""
    events: list[tuple[str, int, str]] = []
    for line in content.splitlines():
        if re.match(r"\d{3,}\s", line):
            fields = line.split()
            channel = fields[2]
            events.append((fields[-2], 0 if channel == "V" else 1, line))
        elif line.strip() and events:
            record_in, order, block = events[-1]
            events[-1] = (record_in, order, block + "\n" + line)
    return events


def write_aaf(timeline: otio.schema.Timeline, path: Path) -> Path:
    """AAF (``.aaf``) for Avid Media Composer."""
    from roughcut.export import _aaf

    prepared = _aaf.prepare(timeline)
    otio.adapters.write_to_file(prepared, str(path), adapter_name="AAF", use_empty_mob_ids=True)
    _aaf.fix(path, timeline, timeline_rate(timeline))
    return path


def _ale_columns(take: dict, used: dict[str, list[str]], tape: str) -> dict[str, str]:
    return {
        "Tape": tape,
        "Tracks": "VA1" if take.get("has_audio", True) else "V",
        "Shot Size": take["shot_size"],
        "Characters": ", ".join(take["characters"]),
        "Screen Positions": ", ".join(f"{k}={v}" for k, v in take["screen_positions"].items()),
        "Lines": take["lines"],
        "Speaker Visible Lines": take["speaker_visible_lines"],
        "Words Per Second": f"{take['words_per_second']:.2f}",
        "Used For Lines": " ".join(used.get(take["name"], [])),
        "Frame Rate": take["frame_rate"],
        "Image Size": f"{take['width']}x{take['height']}",
        **_ale.log_columns(take),
    }


def write_ale(timeline: otio.schema.Timeline, path: Path) -> Path:
    """Avid Log Exchange (``.ale``): a log of every take with roughcut's analysis as columns; its
    ``Tape`` is the take's EDL reel name."""
    from roughcut.export import _ale
    from roughcut.export._media import timeline_size

    meta = timeline.metadata.get("roughcut", {})
    exact = timeline_rate(timeline)
    rate = float(exact)
    used: dict[str, list[str]] = {}
    for line in meta.get("lines", []):
        if line.get("take"):
            used.setdefault(line["take"], []).append(line["id"])
    takes = meta.get("takes", [])
    tapes = edl_reel_names(Path(take["path"]).as_uri() for take in takes)
    log = otio.schema.SerializableCollection(name=f"{timeline.name} takes")
    for take in takes:
        available = otio.opentime.TimeRange(
            otio.opentime.RationalTime(take["start_frame"], rate),
            otio.opentime.RationalTime(take["frames"], rate),
        )
        url = Path(take["path"]).as_uri()
        clip = otio.schema.Clip(
            name=Path(take["name"]).stem,
            media_reference=otio.schema.ExternalReference(target_url=url, available_range=available),
            source_range=available,
        )
        clip.metadata["ALE"] = _ale_columns(take, used, tapes[url])
        log.append(clip)
    width, height = timeline_size(timeline)
    otio.adapters.write_to_file(
        log, str(path), adapter_name="ale", fps=rate, video_format=_ale.video_format(width, height)
    )
    _ale.fix(path, exact, is_drop_frame(exact, timeline))
    return path


#: Format name → (file suffix, writer, adapter name for reading back).
def read_back(path: str | Path, fmt: str, rate: Fraction) -> otio.core.SerializableObject:
    """Read a file written in export format ``fmt`` (one with a ``reader`` in
    :mod:`roughcut.export.formats`) through its OTIO adapter (``rate`` in frames per second for the
    formats that do not store it)."""
    from roughcut.export.formats import export_format

    adapter = export_format(fmt).reader
    if adapter is None:
        raise ConfigError(f"export format {fmt!r} is not a timeline OpenTimelineIO can read back")
    kwargs: dict = {}
    if fmt == "edl":
        kwargs["rate"] = float(rate)
    elif fmt == "ale":
        kwargs["fps"] = float(rate)
    elif fmt == "fcpx":
        _fcpx_exact.apply()
    return otio.adapters.read_from_file(str(path), adapter_name=adapter, **kwargs)
