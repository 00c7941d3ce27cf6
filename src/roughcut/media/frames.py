"""Streaming RGB frames at an analysis size and rate, with exact times."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import opentimelineio as otio

from roughcut.errors import MediaError
from roughcut.media.container import open_media
from roughcut.media.rates import snap_frame_rate


def _keep_frame_buffers_in_the_heap() -> None:
    """Let freed frames' memory be reused instead of returned to the system (glibc only).

    An RGB frame is megabytes; glibc serves blocks that large with ``mmap`` and unmaps them when
    freed, so while a consumer holds the previous frame every new one costs hundreds of page faults:
    measured here, a third of the reader's time at 720p. Raising the mmap and trim thresholds (to
    sizes above a 4K RGB frame) keeps those blocks in the heap for the next frame.
    """
    import ctypes
    import ctypes.util
    import platform

    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3
        libc.mallopt(m_mmap_threshold, 32 * 1024 * 1024)
        libc.mallopt(m_trim_threshold, 64 * 1024 * 1024)
    except (OSError, AttributeError):
        pass


_keep_frame_buffers_in_the_heap()


@dataclass(frozen=True)
class Frame:
    """One decoded frame.

    ``index`` is the frame number in the take at its native rate (0 = first frame), ``time`` the
    exact ``RationalTime(index, rate)``, ``image`` an ``(height, width, 3)`` uint8 RGB array.
    """

    index: int
    time: otio.opentime.RationalTime
    image: np.ndarray
    #: With ``read_frames(..., between_width=...)``: every native frame decoded since the previous
    #: kept frame up to this one, ``(index, small grey picture)`` (see :func:`small_grey_picture`;
    #: else empty).
    between: tuple[tuple[int, np.ndarray], ...] = ()


def analysis_size(
    width: int,
    height: int,
    *,
    target_width: int | None,
    sample_aspect_ratio: Fraction = Fraction(1),
) -> tuple[int, int]:
    """Size in pixels (even numbers) to scale a ``width``×``height`` picture to ``target_width``.

    The height follows the display aspect ratio (square pixels out). ``None`` keeps the stored
    width and corrects only the sample aspect ratio.
    """
    display_width = width * sample_aspect_ratio
    out_width = int(target_width) if target_width else round(display_width)
    out_height = round(Fraction(height) * out_width / display_width)
    return max(2, out_width - out_width % 2), max(2, out_height - out_height % 2)


def _interval(index: int, native: Fraction, wanted: Fraction | None) -> int:
    """Number of the analysis interval of ``1/wanted`` seconds that native frame ``index`` falls in."""
    if wanted is None or wanted >= native:
        return index
    return int(index * wanted // native)


#: Pixel formats whose first plane is 8-bit luma (read directly by :func:`small_grey_picture`).
_LUMA_8BIT = ("yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12", "gray")


def small_grey_picture(frame: av.VideoFrame, size: tuple[int, int]) -> np.ndarray:
    """A decoded frame's luma at ``size`` (width, height; stored orientation), full range 0-255,
    ``float32``: averaged down from the luma plane (area interpolation, several times cheaper than
    scaling and converting the colour picture), video range (16-235) stretched unless the stream
    says full range. Other pixel formats go through a small RGB picture (ITU-R BT.601 weights)."""
    import cv2

    width, height = size
    if frame.format.name in _LUMA_8BIT:
        plane = frame.planes[0]
        luma = np.frombuffer(plane, np.uint8).reshape(frame.height, plane.line_size)[:, : frame.width]
        # First by the largest power of two that divides the picture and leaves twice the width (a
        # box average, OpenCV's fast path), then to the size: half the time of one uneven step.
        factor = 1
        while not (luma.shape[1] % (2 * factor) or luma.shape[0] % (2 * factor)) and (
            luma.shape[1] // (2 * factor) >= 2 * width
        ):
            factor *= 2
        if factor > 1:
            luma = cv2.resize(
                luma, (luma.shape[1] // factor, luma.shape[0] // factor), interpolation=cv2.INTER_AREA
            )
        grey = cv2.resize(luma, (width, height), interpolation=cv2.INTER_AREA).astype(np.float32)
        full_range = frame.format.name.startswith("yuvj") or int(frame.color_range or 0) == 2
        if not full_range and frame.format.name != "gray":
            grey = np.clip((grey - 16) * (255 / 219), 0, 255)
        return grey
    small = (
        frame.reformat(width=width, height=height)
        if (width, height) != (frame.width, frame.height)
        else frame
    )
    return cv2.cvtColor(small.to_ndarray(format="rgb24"), cv2.COLOR_RGB2GRAY).astype(np.float32)


def _decode_from(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    start_frame: int,
    rate: Fraction,
    origin: Fraction,
    index_of: Callable[[av.VideoFrame, int], int],
    from_start: Callable[[], Iterator[av.VideoFrame]],
) -> Iterator[av.VideoFrame]:
    """Decoded frames of ``stream`` from at or before ``start_frame``. A seek lands on the keyframe
    before its target in most containers, but in some (MPEG program streams, seeking by bytes) it
    lands after: then it seeks a second earlier, then two, ..., then decodes the file from its start
    (``from_start``, a fresh opening: such a file cannot seek back to its first frame either)."""
    back = Fraction(0)
    while start_frame > 0:
        target = origin + Fraction(start_frame) / rate - back
        if target <= origin:
            yield from from_start()
            return
        container.seek(int(target / stream.time_base), stream=stream, backward=True, any_frame=False)
        decoded = container.decode(stream)
        first = next(decoded, None)
        if first is not None and index_of(first, -1) <= start_frame:
            yield first
            yield from decoded
            return
        back = max(Fraction(1), back * 2)
    yield from container.decode(stream)


def read_frames(
    path: str | Path,
    *,
    width: int | None = None,
    fps: Fraction | float | None = None,
    start_frame: int = 0,
    end_frame: int | None = None,
    upright: bool = True,
    threads: int = 0,
    skip_nonreference: bool = False,
    between_width: int | None = None,
) -> Iterator[Frame]:
    """Yield frames of ``path`` scaled to ``width`` pixels and thinned to about ``fps`` per second.

    Scaling (in YUV) and conversion to RGB happen at the analysis size, and only for the frames
    kept. Memory stays flat: one frame at a time. ``start_frame`` and ``end_frame`` (exclusive)
    are native frame numbers; decoding seeks to the keyframe before ``start_frame``. ``upright``
    applies the stream's display rotation. ``threads=0`` lets FFmpeg pick a thread count.
    The first decoded frame of each interval of ``1/fps`` seconds is kept. ``skip_nonreference``
    (useful when thinning to half the rate or less) tells the decoder not to decode frames no other
    frame depends on (B-frames): about half the decoding work on typical camera and x264 files;
    the kept frames then lie up to one frame off the interval starts, still with exact indices.
    ``between_width`` (pixels) also makes a small grey picture of every decoded frame, kept or not,
    that wide (:func:`small_grey_picture`) and hands them with the next kept frame
    (``Frame.between``): one decode for a frame-exact look at every frame (cut refinement) and the
    thinned analysis frames.
    Raises :class:`~roughcut.errors.MediaError` when the file cannot be decoded.
    """
    path = Path(path)

    def video_of(container: av.container.InputContainer) -> av.video.stream.VideoStream:
        if not container.streams.video:
            raise MediaError(path, "holds no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        if threads:
            stream.codec_context.thread_count = threads
        if skip_nonreference:
            stream.codec_context.skip_frame = "NONREF"
        return stream

    def from_start() -> Iterator[av.VideoFrame]:
        with open_media(path) as fresh:
            yield from fresh.decode(video_of(fresh))

    with open_media(path) as container:
        stream = video_of(container)
        rate = snap_frame_rate(stream.average_rate or stream.guessed_rate or stream.base_rate)
        if rate is None:
            raise MediaError(path, "video stream has no frame rate")
        wanted = snap_frame_rate(fps) if fps else None
        time_base = stream.time_base
        origin = Fraction(stream.start_time or 0) * time_base
        sar = Fraction(stream.sample_aspect_ratio or 1)
        stored_w, stored_h = stream.codec_context.width, stream.codec_context.height
        upright_size = analysis_size(stored_w, stored_h, target_width=width, sample_aspect_ratio=sar)
        # Turned a quarter: ``width`` is the upright picture's, which is the stored picture's height.
        turned_size = analysis_size(stored_h, round(stored_w * sar), target_width=width)
        small_upright = analysis_size(stored_w, stored_h, target_width=between_width, sample_aspect_ratio=sar)
        small_turned = analysis_size(stored_h, round(stored_w * sar), target_width=between_width)
        between: list[tuple[int, np.ndarray]] = []

        def index_of(frame: av.VideoFrame, previous: int) -> int:
            if frame.pts is None:
                return previous + 1
            return int((Fraction(frame.pts) * time_base - origin) * rate + Fraction(1, 2))

        last_index = -1
        last_interval = -1
        rotation: int | None = None
        try:
            frames = _decode_from(container, stream, start_frame, rate, origin, index_of, from_start)
            for frame in frames:
                index = index_of(frame, last_index)
                last_index = index
                if index < start_frame:
                    continue
                if end_frame is not None and index >= end_frame:
                    break
                if rotation is None:  # the display matrix is the stream's: read it once
                    rotation = round(frame.rotation or 0) % 360 if upright else 0
                if between_width:
                    w, h = small_upright if rotation % 180 == 0 else small_turned[::-1]
                    small_image = small_grey_picture(frame, (w, h))
                    if rotation:
                        small_image = np.ascontiguousarray(np.rot90(small_image, k=rotation // 90))
                    between.append((index, small_image))
                interval = _interval(index, rate, wanted)
                if interval == last_interval:
                    continue
                last_interval = interval
                # Scale in stored orientation to the size that is right once turned upright.
                w, h = upright_size if rotation % 180 == 0 else turned_size[::-1]
                if (w, h) != (frame.width, frame.height):
                    # Scaling the YUV planes first and converting the small picture to RGB is about
                    # twice as fast as swscale's combined scale-and-convert path (measured here).
                    frame = frame.reformat(width=w, height=h)
                image = frame.to_ndarray(format="rgb24")
                if rotation:
                    image = np.ascontiguousarray(np.rot90(image, k=rotation // 90))
                yield Frame(
                    index=index,
                    time=otio.opentime.RationalTime(index, float(rate)),
                    image=image,
                    between=tuple(between),
                )
                between = []
        except av.error.FFmpegError as exc:
            raise MediaError(path, f"decoding failed after frame {last_index} ({exc})") from exc
