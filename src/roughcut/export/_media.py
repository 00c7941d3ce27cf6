"""What every editing-system writer needs to know about the media a timeline uses.

One :class:`Media` per file (by URL), from the timeline's media references: where it starts (its
timecode, frames at the timeline rate), how long it is, whether it has picture and sound, its
picture size, its sound's sample rate and channels: from the media reference's roughcut metadata,
and what that does not say from the file's header.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import opentimelineio as otio

#: Sample rate assumed for a file that cannot be read (Hz).
DEFAULT_SAMPLE_RATE = 48000


@dataclass(frozen=True)
class Media:
    """One media file. ``start_frame``/``frames``: its timecode start and length, frames at the
    timeline rate; ``width``/``height`` in pixels (0 for sound only); ``sample_rate`` in Hz."""

    url: str
    name: str
    start_frame: int
    frames: int
    has_video: bool
    has_audio: bool
    width: int
    height: int
    sample_rate: int
    channels: int
    index: int

    @property
    def path(self) -> Path | None:
        """The local file, when the URL is a ``file:`` URL."""
        parsed = urlparse(self.url)
        return Path(unquote(parsed.path)) if parsed.scheme in ("file", "") else None


def media_url(clip: otio.schema.Clip) -> str:
    """The clip's media URL (its name when it has no external reference)."""
    return getattr(clip.media_reference, "target_url", None) or clip.name


def _probed(path: Path | None) -> dict:
    """What the file's header says (empty when it cannot be read)."""
    if path is None or not path.is_file():
        return {}
    return dict(_header(str(path), path.stat().st_mtime_ns))


@lru_cache(maxsize=256)
def _header(path: str, mtime_ns: int) -> tuple:
    from roughcut.errors import RoughcutError
    from roughcut.media import probe

    try:
        info = probe(path)
    except RoughcutError:
        return ()
    found: dict = {"has_video": info.video is not None, "has_audio": bool(info.audio)}
    if info.video is not None:
        found.update(width=info.video.width, height=info.video.height)
    if info.audio:
        found.update(sample_rate=info.audio[0].sample_rate, channels=info.audio[0].channels)
    return tuple(found.items())


def timeline_size(timeline: otio.schema.Timeline) -> tuple[int, int]:
    """The timeline's picture size in pixels (from roughcut's metadata, else its first picture's)."""
    meta = timeline.metadata.get("roughcut", {})
    if meta.get("width") and meta.get("height"):
        return int(meta["width"]), int(meta["height"])
    for media in media_in(timeline).values():
        if media.has_video and media.width:
            return media.width, media.height
    return 1920, 1080


def media_in(timeline: otio.schema.Timeline | otio.schema.Stack) -> dict[str, Media]:
    """Every media file the timeline's clips use, by URL, in order of first use."""
    found: dict[str, Media] = {}
    tracks = timeline.tracks if isinstance(timeline, otio.schema.Timeline) else timeline
    for track in tracks:
        for clip in track.find_clips():
            url = media_url(clip)
            if url in found:
                continue
            ref = clip.media_reference
            meta = ref.metadata.get("roughcut", {}) if ref is not None else {}
            available = getattr(ref, "available_range", None) or clip.source_range
            path = Path(unquote(urlparse(url).path)) if url.startswith("file:") else None
            wanted = {"has_video", "has_audio", "width", "sample_rate"}
            if not wanted <= set(meta):  # what the timeline does not say, the file's header does
                meta = {**_probed(path), **meta}
            has_video = bool(meta.get("has_video", track.kind == otio.schema.TrackKind.Video))
            has_audio = bool(meta.get("has_audio", True))
            rate = int(meta.get("sample_rate", DEFAULT_SAMPLE_RATE))
            channels = int(meta.get("channels", 1))
            found[url] = Media(
                url=url,
                name=Path(unquote(urlparse(url).path)).name or clip.name,
                start_frame=round(available.start_time.value),
                frames=round(available.duration.value),
                has_video=has_video,
                has_audio=has_audio,
                width=int(meta.get("width", 0)) if has_video else 0,
                height=int(meta.get("height", 0)) if has_video else 0,
                sample_rate=rate,
                channels=channels,
                index=len(found) + 1,
            )
    return found


def record_markers(timeline: otio.schema.Timeline) -> list[tuple[int, int, otio.schema.Marker, bool]]:
    """The picture track's markers at record time: (record frame, length in frames, the marker,
    whether it sits on a gap), in record order; clips' and gaps' (a missing line) alike."""
    found = []
    for track in timeline.tracks:
        if track.kind != otio.schema.TrackKind.Video:
            continue
        for item in track:
            if not isinstance(item, otio.schema.Clip | otio.schema.Gap):
                continue
            record = item.range_in_parent().start_time.value
            for marker in item.markers:
                offset = marker.marked_range.start_time.value - item.source_range.start_time.value
                length = max(1, round(marker.marked_range.duration.value))
                found.append((round(record + offset), length, marker, isinstance(item, otio.schema.Gap)))
        break
    return sorted(found, key=lambda entry: entry[0])


#: Rates at which timecode may be drop frame.
DROP_FRAME_RATES = (Fraction(30000, 1001), Fraction(60000, 1001))


def is_drop_frame(rate: Fraction, timeline: otio.schema.Timeline | None = None) -> bool:
    """Whether the timeline's timecode at ``rate`` is drop frame: roughcut's metadata says
    (``drop_frame``, from its takes' timecode), else drop frame at 29.97 and 59.94."""
    if rate not in DROP_FRAME_RATES:
        return False
    if timeline is not None:
        said = timeline.metadata.get("roughcut", {}).get("drop_frame")
        if said is not None:
            return bool(said)
    return True


def timecode(frames: int, rate: Fraction, drop_frame: bool) -> str:
    """SMPTE timecode of frame number ``frames`` at ``rate`` (``;`` before the frames when drop
    frame)."""
    return otio.opentime.to_timecode(
        otio.opentime.RationalTime(frames, float(rate)), float(rate), drop_frame and rate in DROP_FRAME_RATES
    )
