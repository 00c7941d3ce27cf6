"""Browser proxies: takes a browser cannot play (MPEG-1/2, ProRes, DNxHD, MXF, AVI…) are rendered
once to H.264 + AAC MP4 at the take's own frame rate and frame count, so the player's frame numbers
stay the take's."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from roughcut.edit import TakeInfo
from roughcut.media import MediaInfo

#: Containers and codecs Chromium, Firefox and Safari all play in ``<video>``.
BROWSER_CONTAINERS = frozenset({".mp4", ".m4v", ".webm"})
BROWSER_VIDEO = frozenset({"h264", "vp8", "vp9", "av1"})
BROWSER_AUDIO = frozenset({"aac", "mp3", "opus", "vorbis"})
#: Proxies are at most this many pixels high.
PROXY_HEIGHT = 540


def needs_proxy(info: MediaInfo) -> bool:
    """Whether a browser cannot play the file ``info`` describes as it is."""
    if info.path.suffix.lower() not in BROWSER_CONTAINERS or info.video is None:
        return True
    if info.video.codec not in BROWSER_VIDEO or info.video.rotation:
        return True
    return any(stream.codec not in BROWSER_AUDIO for stream in info.audio)


def make_proxy(take: TakeInfo, target: Path, *, height: int = PROXY_HEIGHT) -> Path:
    """Render ``take`` to ``target`` (H.264 + AAC 48 kHz mono MP4), frame for frame at its rate, at
    most ``height`` pixels high. Uses the preview renderer on a one-clip timeline."""
    from roughcut.export.preview import render_preview

    rate = float(take.frame_rate)
    whole = otio.opentime.TimeRange(
        otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(take.duration_frames, rate)
    )
    timeline = otio.schema.Timeline(name=take.name)
    fraction = Fraction(take.frame_rate)
    timeline.metadata["roughcut"] = {
        "frame_rate": f"{fraction.numerator}/{fraction.denominator}",
        "width": take.width,
        "height": take.height,
    }
    for kind in (otio.schema.TrackKind.Video, otio.schema.TrackKind.Audio):
        clip = otio.schema.Clip(
            name=take.path.stem,
            media_reference=otio.schema.ExternalReference(
                target_url=take.path.resolve().as_uri(), available_range=whole
            ),
            source_range=whole,
        )
        clip.metadata["roughcut"] = {"source_frame_rate": f"{fraction.numerator}/{fraction.denominator}"}
        track = otio.schema.Track(kind=kind)
        track.append(clip)
        timeline.tracks.append(track)
    return render_preview(timeline, target, height=min(height, take.height), burn_in=False)
