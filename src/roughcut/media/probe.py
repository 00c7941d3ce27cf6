"""What a media file holds: container, streams, exact rates, duration, rotation, timecode."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from roughcut.errors import MediaError
from roughcut.media.container import open_media
from roughcut.media.rates import frame_to_seconds, snap_frame_rate, timecode_to_frame

#: Packets read (demux only, no decode) to decide whether a stream's frame rate is variable.
VFR_PACKETS = 600


@dataclass(frozen=True)
class VideoStreamInfo:
    """One video stream. Times are exact seconds as ``Fraction``; rates are frames per second."""

    index: int
    codec: str
    width: int
    height: int
    frame_rate: Fraction
    time_base: Fraction
    start_time: Fraction
    duration: Fraction
    frame_count: int
    variable_frame_rate: bool
    rotation: int
    sample_aspect_ratio: Fraction
    pixel_format: str

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height in square pixels, after sample aspect ratio and rotation."""
        width = round(self.width * self.sample_aspect_ratio)
        if self.rotation % 180:
            return self.height, width
        return width, self.height


@dataclass(frozen=True)
class AudioStreamInfo:
    """One audio stream. ``start_time`` is the first sample's time in seconds in the container."""

    index: int
    codec: str
    sample_rate: int
    channels: int
    layout: str
    start_time: Fraction
    duration: Fraction


@dataclass(frozen=True)
class MediaInfo:
    """What :func:`probe` found in one file."""

    path: Path
    container: str
    size_bytes: int
    duration: Fraction
    video: VideoStreamInfo | None
    audio: tuple[AudioStreamInfo, ...]
    timecode: str | None
    #: A Broadcast WAVE file's start as time of day (seconds since midnight, exact), from its
    #: ``bext`` time reference; what an editing system shows as the sound file's timecode.
    time_of_day_s: Fraction | None = None

    @property
    def has_video(self) -> bool:
        return self.video is not None

    @property
    def timecode_s(self) -> Fraction | None:
        """When the recording started by its own clock, in seconds since midnight: a Broadcast
        WAVE's time reference, else the video's start timecode at its frame rate; ``None`` when
        the file has neither."""
        if self.time_of_day_s is not None:
            return self.time_of_day_s
        if self.timecode and self.video is not None and self.video.frame_rate:
            frame = timecode_to_frame(self.timecode, self.video.frame_rate)
            return frame_to_seconds(frame, self.video.frame_rate) if frame is not None else None
        return None

    @property
    def has_audio(self) -> bool:
        return bool(self.audio)


def _seconds(value: int | None, time_base: Fraction | None) -> Fraction:
    if value is None or time_base is None:
        return Fraction(0)
    return Fraction(value) * time_base


def _is_variable_rate(container: av.container.InputContainer, stream: av.video.VideoStream) -> bool:
    """True when packet timestamps of ``stream`` are not evenly spaced (demuxes ``VFR_PACKETS``)."""
    stamps = []
    for packet in container.demux(stream):
        if packet.pts is not None:
            stamps.append(packet.pts)
        if len(stamps) >= VFR_PACKETS:
            break
    stamps.sort()
    if len(stamps) >= VFR_PACKETS:
        # Packets come in decode order: with B-frames the last few presentation times of a partial
        # read are still missing. Drop a reorder window's worth so no false gap is seen.
        stamps = stamps[:-32]
    if len(stamps) < 3:
        return False
    steps = [b - a for a, b in itertools.pairwise(stamps) if b > a]
    if not steps:
        return False
    steps.sort()
    typical = steps[len(steps) // 2]
    # Containers round timestamps to their time base: allow one tick of jitter.
    return any(abs(step - typical) > max(1, typical // 50) for step in steps[:-1])


def _timecode(container: av.container.InputContainer) -> str | None:
    for metadata in [container.metadata, *(s.metadata for s in container.streams)]:
        value = metadata.get("timecode")
        if value:
            return value
    return None


def _time_of_day(container: av.container.InputContainer) -> Fraction | None:
    """The ``bext`` chunk's time reference (samples since midnight) in seconds, if there is one."""
    samples = container.metadata.get("time_reference")
    if not samples or not container.streams.audio:
        return None
    try:
        return Fraction(int(samples), container.streams.audio[0].codec_context.sample_rate)
    except (ValueError, ZeroDivisionError):
        return None


def _truncation(path: Path, stream: av.stream.Stream) -> str | None:
    """Name the problem when the container's index points past the end of the file."""
    entries = getattr(stream, "index_entries", None)
    if not entries:
        return None
    size = os.path.getsize(path)
    last = entries[len(entries) - 1]
    if last.pos >= 0 and last.pos + last.size > size:
        return f"truncated: its index expects {last.pos + last.size} bytes but the file has {size}"
    return None


def probe(path: str | Path) -> MediaInfo:
    """Read the container and streams of ``path`` and decode its first video frame.

    Raises :class:`~roughcut.errors.MediaError` naming the file for a missing, corrupt, truncated or
    unsupported file. Frame rates are exact rationals (``24000/1001``, never ``23.976``).
    """
    path = Path(path)
    if not path.is_file():
        raise MediaError(path, "no such file")
    with open_media(path) as container:
        if not container.streams.video and not container.streams.audio:
            raise MediaError(path, "holds no video or audio stream")
        container_duration = Fraction(container.duration, av.time_base) if container.duration else Fraction(0)
        video = None
        if container.streams.video:
            video = _probe_video(path, container, container_duration)
        audio = tuple(
            AudioStreamInfo(
                index=stream.index,
                codec=stream.codec_context.name,
                sample_rate=stream.codec_context.sample_rate,
                channels=stream.codec_context.channels,
                layout=stream.codec_context.layout.name,
                start_time=_seconds(stream.start_time, stream.time_base),
                duration=_seconds(stream.duration, stream.time_base) or container_duration,
            )
            for stream in container.streams.audio
        )
        duration = container_duration or max(
            [video.duration if video else Fraction(0), *(a.duration for a in audio)]
        )
        return MediaInfo(
            path=path,
            container=container.format.name,
            size_bytes=path.stat().st_size,
            duration=duration,
            video=video,
            audio=audio,
            timecode=_timecode(container),
            time_of_day_s=_time_of_day(container),
        )


def _probe_video(
    path: Path, container: av.container.InputContainer, container_duration: Fraction
) -> VideoStreamInfo:
    stream = container.streams.video[0]
    problem = _truncation(path, stream)
    if problem:
        raise MediaError(path, problem)
    rate = snap_frame_rate(stream.average_rate or stream.guessed_rate or stream.base_rate)
    if rate is None:
        raise MediaError(path, "video stream has no frame rate")
    duration = _seconds(stream.duration, stream.time_base) or container_duration
    rotation = 0
    pixel_format = stream.codec_context.pix_fmt or "unknown"
    try:
        for frame in container.decode(stream):
            rotation = round(frame.rotation or 0) % 360
            pixel_format = frame.format.name
            break
        else:
            raise MediaError(path, "video stream holds no decodable frame")
        container.seek(0)
        variable = _is_variable_rate(container, stream)
    except av.error.FFmpegError as exc:
        raise MediaError(path, f"video does not decode ({exc})") from exc
    sar = stream.sample_aspect_ratio or Fraction(1)
    frame_count = stream.frames or int(duration * rate + Fraction(1, 2))
    if stream.frames and not variable:
        # Containers round the stream's duration (edit lists, B-frame delay); the frames are exact.
        duration = Fraction(stream.frames) / rate
    return VideoStreamInfo(
        index=stream.index,
        codec=stream.codec_context.name,
        width=stream.codec_context.width,
        height=stream.codec_context.height,
        frame_rate=rate,
        time_base=stream.time_base,
        start_time=_seconds(stream.start_time, stream.time_base),
        duration=duration,
        frame_count=frame_count,
        variable_frame_rate=variable,
        rotation=rotation,
        sample_aspect_ratio=Fraction(sar),
        pixel_format=pixel_format,
    )
