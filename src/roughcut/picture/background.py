"""Background replacement: a person matte per frame, steadied in time and refined at the edges,
composited over an image, a video or a blur of the take's own background.

The matte is mediapipe's selfie segmentation (the landscape model that ships in the wheel), run on
every frame. Two steps make it usable on a take:

* **at the edges**: OpenCV contrib's guided filter (He, Sun and Tang 2010) with the picture's luma as
  the guide snaps the model's coarse soft edge to the edges in the picture (hair, shoulders);
* **in time**, on the refined matte: each pixel follows the new matte at a rate that grows with how
  far it moved (``SETTLE`` where the model and the filter only flicker, all of it once the change
  reaches ``MOTION_FULL``), so a still person's edges stop shimmering while a moving arm is followed
  at once. Measured on the still GRID shots: the matte's frame-to-frame change about halves.

Both run at a working size at most ``WORK_WIDTH`` pixels wide; the matte is scaled up for the
composite. Writing goes through :func:`render_take`, which the colour tools share: H.264 in MP4 with
the take's sound copied through (or re-encoded to AAC where MP4 cannot carry it), written atomically
and never over the take or a file the user made.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from roughcut.errors import MediaError, RoughcutError
from roughcut.export.files import file_writing
from roughcut.media.container import encode_audio, open_media
from roughcut.media.frames import read_frames
from roughcut.media.probe import MediaInfo, probe
from roughcut.progress import track

#: The matte is made and refined at most this wide (pixels), then scaled to the picture.
WORK_WIDTH = 640
#: Share of the new matte a pixel takes per frame where the model's matte barely moved (0-1].
SETTLE = 0.25
#: A change of the model's matte this large (0-1) is taken in full at once (real motion).
MOTION_FULL = 0.35
#: Guided filter radius as a share of the working height, and its regularisation (on 0-1 values).
GUIDE_RADIUS = 1 / 45
GUIDE_EPS = 1e-3
#: The blur of ``--with blur``: Gaussian sigma as a share of the picture's width.
BLUR_SIGMA = 1 / 60
#: Sound codecs copied into MP4 as they are; others are re-encoded to AAC.
MP4_AUDIO = ("aac", "mp3", "ac3", "eac3", "alac", "opus", "flac")
AUDIO_RATE = 48_000


class MatteMaker:
    """Person mattes for the frames of one shot, one call per frame in order.

    ``maker(image)`` takes an ``(height, width, 3)`` uint8 RGB frame and returns its matte,
    ``(height, width)`` float32 in 0-1 (1 = person). ``steady`` turns the smoothing in time on,
    ``refine`` the guided filter. Call :meth:`reset` at a cut; :meth:`close` frees the model.
    """

    def __init__(self, *, steady: bool = True, refine: bool = True, work_width: int = WORK_WIDTH) -> None:
        import mediapipe as mp

        self._model = mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=1)
        self.steady = steady
        self.refine = refine
        self.work_width = work_width
        self._previous: np.ndarray | None = None

    def reset(self) -> None:
        """Forget the previous frame (a new shot starts)."""
        self._previous = None

    def close(self) -> None:
        self._model.close()

    def __enter__(self) -> MatteMaker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __call__(self, image: np.ndarray) -> np.ndarray:
        height, width = image.shape[:2]
        if width > self.work_width:
            size = (self.work_width, max(2, round(height * self.work_width / width)))
            small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        else:
            small = image
        raw = self._model.process(np.ascontiguousarray(small)).segmentation_mask
        matte = np.asarray(raw, np.float32)
        if self.refine:
            guide = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32) * (1 / 255)
            radius = max(2, round(small.shape[0] * GUIDE_RADIUS))
            matte = cv2.ximgproc.guidedFilter(guide, matte, radius, GUIDE_EPS)
            np.clip(matte, 0.0, 1.0, out=matte)
        if self.steady:
            matte = self._steady(matte)
        if matte.shape != (height, width):
            matte = cv2.resize(matte, (width, height), interpolation=cv2.INTER_LINEAR)
        return matte

    def _steady(self, raw: np.ndarray) -> np.ndarray:
        previous = self._previous
        if previous is None or previous.shape != raw.shape:
            self._previous = raw
            return raw
        change = raw - previous
        rate = np.clip(np.abs(change) * (1 / MOTION_FULL), SETTLE, 1.0)
        steady = previous + rate * change
        self._previous = steady
        return steady


def composite(image: np.ndarray, matte: np.ndarray, background: np.ndarray) -> np.ndarray:
    """``image`` over ``background`` (both ``(h, w, 3)`` uint8 RGB) through ``matte`` (0-1, ``(h, w)``)."""
    weight = np.ascontiguousarray(matte, dtype=np.float32)
    return cv2.blendLinear(image, background, weight, 1.0 - weight)


def blurred_background(image: np.ndarray, matte: np.ndarray) -> np.ndarray:
    """The take's own background, blurred, with the person taken out before blurring (a blur of
    ``image`` weighted by ``1 - matte``), so no halo of the person spreads into it."""
    height, width = image.shape[:2]
    scale = 4
    size = (max(2, width // scale), max(2, height // scale))
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    weight = 1.0 - cv2.resize(matte, size, interpolation=cv2.INTER_AREA)
    sigma = max(1.0, width * BLUR_SIGMA / scale)
    blurred = cv2.GaussianBlur(small * weight[..., None], (0, 0), sigma)
    norm = cv2.GaussianBlur(weight, (0, 0), sigma)
    filled = blurred / np.maximum(norm, 1e-3)[..., None]
    # Where the person covers everything near a pixel, fall back to the plain blur of the frame.
    plain = cv2.GaussianBlur(small, (0, 0), sigma)
    trust = np.clip(norm * 5, 0, 1)[..., None]
    out = plain + trust * (filled - plain)
    return np.clip(cv2.resize(out, (width, height), interpolation=cv2.INTER_LINEAR), 0, 255).astype(np.uint8)


def cover(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``image`` scaled to fill ``size`` (width, height) and cropped at the centre."""
    height, width = image.shape[:2]
    scale = max(size[0] / width, size[1] / height)
    w, h = max(size[0], round(width * scale)), max(size[1], round(height * scale))
    scaled = cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    x, y = (w - size[0]) // 2, (h - size[1]) // 2
    return np.ascontiguousarray(scaled[y : y + size[1], x : x + size[0]])


def read_image(path: str | Path) -> np.ndarray:
    """A still picture as ``(h, w, 3)`` uint8 RGB; :class:`MediaError` naming it when unreadable."""
    path = Path(path)
    if not path.is_file():
        raise MediaError(path, "no such file")
    data = np.fromfile(path, np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        raise MediaError(path, "not a readable image")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def _video_backgrounds(path: Path, size: tuple[int, int]) -> Iterator[np.ndarray]:
    """The frames of a background video filling ``size``, looped when it is shorter than the take."""
    while True:
        sent = 0
        for frame in read_frames(path):
            yield cover(frame.image, size)
            sent += 1
        if not sent:
            raise MediaError(path, "holds no video frames")


def fit_frame(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """A decoded frame at exactly ``size`` (width, height): the even size the output is encoded at."""
    if image.shape[1] == size[0] and image.shape[0] == size[1]:
        return image
    if image.shape[1] >= size[0] and image.shape[0] >= size[1] and image.shape[1] - size[0] < 2:
        return np.ascontiguousarray(image[: size[1], : size[0]])
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def _is_image(path: Path) -> bool:
    return path.suffix.lower() in (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")


def _check_output(take: Path, out: Path) -> None:
    if out.resolve() == take.resolve():
        raise RoughcutError(f"{out}: is the take itself; roughcut never writes over its input")


def default_output(take: Path, suffix: str) -> Path:
    """``take_suffix.mp4`` beside the take."""
    return take.with_name(f"{take.stem}_{suffix}.mp4")


def video_info(take: Path) -> MediaInfo:
    """What `probe` says of `take`; :class:`MediaError` naming it when it holds no video."""
    info = probe(take)
    if info.video is None:
        raise MediaError(take, "holds no video stream; nothing to render")
    return info


def render_take(
    take: str | Path,
    pictures: Iterable[np.ndarray],
    out: str | Path,
    *,
    frame_rate: Fraction,
    size: tuple[int, int],
    overwrite: bool = False,
    crf: int = 18,
    preset: str = "veryfast",
    threads: int = 2,
    metadata: Mapping[str, str] | None = None,
) -> Path:
    """Encode ``pictures`` (``(h, w, 3)`` uint8 RGB, ``size`` = (w, h), even) at ``frame_rate`` as
    H.264 in an MP4 at ``out``, with ``take``'s first sound stream copied through (re-encoded to AAC
    48 kHz where MP4 cannot carry its codec), with ``metadata`` as container tags (``comment``,
    ``description``...). Written atomically through
    :func:`~roughcut.export.files.file_writing`: never over the take, a link or a user's file."""
    take, out = Path(take), Path(out)
    _check_output(take, out)
    time_base = Fraction(frame_rate.denominator, frame_rate.numerator)
    with file_writing(out, overwrite=overwrite) as part, av.open(str(part), "w", format="mp4") as output:
        output.metadata.update(metadata or {})
        video = output.add_stream("libx264", rate=frame_rate)
        video.width, video.height, video.pix_fmt = size[0], size[1], "yuv420p"
        video.options = {"preset": preset, "crf": str(crf), "threads": str(threads)}
        with open_media(take) as source:
            sound = source.streams.audio[0] if source.streams.audio else None
            copy = sound is not None and sound.codec_context.name in MP4_AUDIO
            audio = output.add_stream_from_template(sound) if copy else None
            if sound is not None and not copy:
                channels = min(2, sound.codec_context.channels or 1)
                audio = output.add_stream("aac", rate=AUDIO_RATE)
                audio.layout = "stereo" if channels == 2 else "mono"
            count = 0
            for count, picture in enumerate(pictures, start=1):
                frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(picture), format="rgb24")
                frame = frame.reformat(format="yuv420p")
                frame.pts = count - 1
                frame.time_base = time_base
                output.mux(video.encode(frame))
            output.mux(video.encode())
            if not count:
                raise MediaError(take, "no picture decoded; nothing written")
            if copy:
                video_stream = source.streams.video[0]
                shift = 0
                if video_stream.start_time is not None and sound.time_base:
                    shift = round(
                        Fraction(video_stream.start_time) * video_stream.time_base / sound.time_base
                    )
                for packet in source.demux(sound):
                    if packet.dts is None or packet.size == 0:
                        continue
                    packet.pts = packet.pts - shift if packet.pts is not None else None
                    packet.dts -= shift
                    if packet.dts < 0 and (packet.pts is None or packet.pts < 0):
                        continue  # sound from before the first picture
                    packet.stream = audio
                    output.mux(packet)
        if sound is not None and not copy:
            from roughcut.media import read_audio

            samples = read_audio(take, sample_rate=AUDIO_RATE, mono=audio.layout.name == "mono").samples
            if samples.ndim == 2 and samples.shape[0] > 2:
                samples = samples[:2]
            encode_audio(output, audio, samples)
    return out


def replace_background(
    take: str | Path,
    background: str | Path,
    out: str | Path | None = None,
    *,
    overwrite: bool = False,
) -> Path:
    """Put the person of ``take`` over ``background``: an image file, a video file (looped), or
    the word ``"blur"`` (the take's own background, blurred). Writes ``out`` (default
    ``TAKE_background.mp4`` beside the take) and returns its path. Raises
    :class:`~roughcut.errors.MediaError` naming the file for a take without video or a background
    that is neither a readable image nor a video."""
    take = Path(take)
    info = video_info(take)
    width, height = info.video.display_size
    size = (width - width % 2, height - height % 2)
    out = Path(out) if out is not None else default_output(take, "background")
    _check_output(take, out)
    backgrounds: Iterator[np.ndarray] | None = None
    if str(background) != "blur":
        source = Path(background)
        if _is_image(source) or not source.is_file():
            still = cover(read_image(source), size)
            backgrounds = itertools.repeat(still)
        else:
            try:
                has_video = probe(source).video is not None
            except MediaError:
                has_video = False
            if not has_video:
                still = cover(read_image(source), size)  # raises: neither image nor video
                backgrounds = itertools.repeat(still)
            else:
                backgrounds = _video_backgrounds(source, size)

    def pictures() -> Iterator[np.ndarray]:
        with MatteMaker() as matte_maker:
            for frame in track(read_frames(take), f"Matting {take.name}", total=info.video.frame_count):
                image = fit_frame(frame.image, size)
                matte = matte_maker(image)
                behind = blurred_background(image, matte) if backgrounds is None else next(backgrounds)
                yield composite(image, matte, behind)

    return render_take(
        take, pictures(), out, frame_rate=info.video.frame_rate, size=size, overwrite=overwrite
    )
