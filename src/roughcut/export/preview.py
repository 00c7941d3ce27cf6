"""A preview of the cut as an MP4 (H.264 + AAC) rendered with PyAV, optionally with the line id and
take burnt into the picture."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import av
import numpy as np
import opentimelineio as otio
from PIL import Image, ImageDraw, ImageFont

from roughcut.errors import MediaError
from roughcut.export.adapters import timeline_rate
from roughcut.export.files import shown_name
from roughcut.media import read_audio
from roughcut.media.container import encode_audio
from roughcut.media.rates import snap_frame_rate
from roughcut.progress import new_progress

SAMPLE_RATE = 48_000


def media_path(clip: otio.schema.Clip) -> Path:
    """The local file a clip's external reference points at."""
    url = clip.media_reference.target_url
    parsed = urlparse(url)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else Path(url)


def _source_start(clip: otio.schema.Clip) -> int:
    """The clip's first frame as a frame number from the file's first frame."""
    available = clip.media_reference.available_range
    origin = available.start_time.value if available else 0
    return round(clip.source_range.start_time.value - origin)


def _source_rate(clip: otio.schema.Clip, default: Fraction) -> Fraction:
    text = clip.metadata.get("roughcut", {}).get("source_frame_rate")
    return Fraction(text) if text else default


@cache
def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # older Pillow
        return ImageFont.load_default()


def _label(text: str, height: int) -> np.ndarray:
    """``text`` as white-on-dark luma, ``height`` pixels tall."""
    font = _font(max(10, int(height * 0.7)))
    width = int(ImageDraw.Draw(Image.new("L", (1, 1))).textlength(text, font=font)) + height
    image = Image.new("L", (width, height), 24)
    ImageDraw.Draw(image).text((height // 2, height // 8), text, fill=235, font=font)
    return np.asarray(image)


def _source_frames(
    path: Path, start: int, count: int, rate: Fraction, size: tuple[int, int], threads: int
) -> Iterator[av.VideoFrame]:
    """``count`` frames of ``path`` from frame ``start``, scaled to ``size`` as yuv420p (the last
    frame repeats if the file ends early)."""
    try:
        container = av.open(str(path))
    except av.error.FFmpegError as exc:
        raise MediaError(path, f"not a readable media file ({exc})") from exc
    sent = 0
    last = None
    with container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        stream.codec_context.thread_count = threads
        time_base = stream.time_base
        origin = Fraction(stream.start_time or 0) * time_base
        native = snap_frame_rate(stream.average_rate or stream.guessed_rate) or rate
        if start > 0:
            container.seek(int((origin + Fraction(start) / native) / time_base), stream=stream, backward=True)
        index = -1
        for frame in container.decode(stream):
            index = (
                round((Fraction(frame.pts) * time_base - origin) * native)
                if frame.pts is not None
                else index + 1
            )
            if index < start:
                continue
            last = frame.reformat(width=size[0], height=size[1], format="yuv420p")
            yield last
            sent += 1
            if sent == count:
                return
    if last is None:
        raise MediaError(path, f"no frame at {start}")
    while sent < count:
        yield last
        sent += 1


def _burn(frame: av.VideoFrame, label: np.ndarray) -> av.VideoFrame:
    """Write ``label`` into the luma plane of ``frame`` in place (top left corner)."""
    plane = frame.planes[0]
    luma = np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)
    h, w = min(label.shape[0], plane.height - 8), min(label.shape[1], plane.width - 8)
    luma[8 : 8 + h, 8 : 8 + w] = label[:h, :w]
    return frame


def _sound(timeline: otio.schema.Timeline, rate: Fraction, total_frames: int) -> np.ndarray:
    """The sound track mixed to 48 kHz mono float32, sample-exact to the record frames."""
    total = round(Fraction(total_frames) / rate * SAMPLE_RATE)
    mix = np.zeros(total, np.float32)
    decoded: dict[Path, np.ndarray] = {}
    for track in timeline.tracks:
        if track.kind != otio.schema.TrackKind.Audio:
            continue
        for item in track:
            if not isinstance(item, otio.schema.Clip):
                continue
            path = media_path(item)
            if path not in decoded:
                try:
                    decoded[path] = read_audio(path, sample_rate=SAMPLE_RATE).samples
                except MediaError:
                    decoded[path] = np.zeros(0, np.float32)
            samples = decoded[path]
            record = track.range_of_child(item)
            a = round(Fraction(round(record.start_time.value)) / rate * SAMPLE_RATE)
            b = round(Fraction(round(record.end_time_exclusive().value)) / rate * SAMPLE_RATE)
            exact_s = item.metadata.get("roughcut", {}).get("sound", {}).get("source_in_s")
            if exact_s is not None:  # a synced external recording, placed to the sample
                s = round(exact_s * SAMPLE_RATE)
            else:
                s = round(Fraction(_source_start(item)) / _source_rate(item, rate) * SAMPLE_RATE)
            skip = max(0, -s)  # the recording started after this moment: silence until it does
            piece = samples[s + skip : s + (b - a)][: max(0, total - a - skip)]  # sound past the picture
            mix[a + skip : a + skip + len(piece)] += piece
        break
    return mix


def render_preview(
    timeline: otio.schema.Timeline,
    path: str | Path,
    *,
    height: int = 720,
    burn_in: bool = True,
    threads: int = 2,
    preset: str = "ultrafast",
) -> Path:
    """Render the cut's picture and sound to ``path`` (MP4, H.264 + AAC 48 kHz) at ``height`` pixels
    (width from the timeline's aspect), ``threads`` for decoding and encoding each."""
    path = Path(path)
    rate = timeline_rate(timeline)
    meta = timeline.metadata.get("roughcut", {})
    aspect = Fraction(meta.get("width", 16), meta.get("height", 9))
    size = (round(height * aspect) // 2 * 2, height // 2 * 2)
    video_track = next(t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video)
    total = round(video_track.duration().value)
    label_height = max(16, size[1] // 24)
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=rate)
        video.width, video.height, video.pix_fmt = size[0], size[1], "yuv420p"
        video.options = {"preset": preset, "crf": "23", "threads": str(threads)}
        audio = out.add_stream("aac", rate=SAMPLE_RATE)
        audio.layout = "mono"
        record = 0
        frame_time_base = Fraction(rate.denominator, rate.numerator)
        with new_progress() as bar:
            task = bar.add_task(f"Rendering {shown_name(path)}", total=total)
            for item in video_track:
                frames = round(item.duration().value)
                lines = item.metadata.get("roughcut", {}).get("lines", [])
                if isinstance(item, otio.schema.Clip):
                    text = f"{', '.join(lines)} | {item.name}"
                    source = _source_frames(
                        media_path(item), _source_start(item), frames, rate, size, threads
                    )
                else:
                    text = f"MISSING {' '.join(lines)}"
                    planes = np.full((size[1] * 3 // 2, size[0]), 128, np.uint8)
                    planes[: size[1]] = 16  # luma black, chroma neutral
                    black = av.VideoFrame.from_ndarray(planes, format="yuv420p")
                    source = (black for _ in range(frames))
                label = (
                    _label(text, label_height) if burn_in or not isinstance(item, otio.schema.Clip) else None
                )
                for frame in source:
                    picture = _burn(frame, label) if label is not None else frame
                    picture.pts = record
                    picture.time_base = frame_time_base
                    out.mux(video.encode(picture))
                    record += 1
                bar.advance(task, frames)
        out.mux(video.encode())
        mix = _sound(timeline, rate, record)
        encode_audio(out, audio, mix)
    return path
