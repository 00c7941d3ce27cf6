"""Restoration of old or damaged footage: deflicker, stabilisation, dust and scratch removal, temporal
denoising.

Two passes over a take. The first looks at a small grey picture of every frame: its mean luminance
(for deflicker) and the camera's motion from the frame before, measured on the background: the
people are matted out (mediapipe's selfie segmentation) and features tracked with
``goodFeaturesToTrack`` + ``calcOpticalFlowPyrLK`` (a similarity fitted by
``estimateAffinePartial2D``), or ECC on the background, whichever fits it (:func:`measure_motion`);
frames that repeat the one before are found there too. The second streams the full frames
through, in this order:

1. **deflicker**: each frame's luminance scaled to the trend of its shot (log mean luminance smoothed
   over about a second with a Gaussian, split where the level jumps, as at a cut), so exposure
   changes that last (a fade, a cloud) stay and those of one frame go;
2. **stabilise**: each frame warped from its camera path to the smoothed path (a Gaussian of
   ``smooth_s`` seconds over translation and rotation, ends reflected so a pan runs on, repeated
   frames kept repeats, :func:`camera_corrections`); the border left uncovered is filled from the
   picture's edge and the rectangle with only real picture in every frame is reported (``crop``);
3. **dust**: a pixel is a speck when it is far, with the same sign, from both neighbouring frames
   (each brought onto this frame by DIS optical flow computed on median-filtered pictures, so the
   speck does not pull the flow) while those two agree; specks are filled with the neighbours' mean;
4. **denoise**: motion-compensated temporal averaging over five frames (each neighbour brought onto
   the frame by DIS optical flow, weighted down where it still differs, see :func:`temporal_denoise`),
   its tolerance from the noise measured in the take (Immerkaer's estimate); below
   :data:`NOISE_FLOOR` grey levels the picture is left alone, so clean footage is not softened.

Arrays are ``(height, width, 3)`` uint8 RGB. Nothing here writes over the input file.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
from scipy.ndimage import gaussian_filter1d

from roughcut.errors import MediaError

#: Noise (grey levels, 0-255) below which the denoiser does nothing: compressed camera footage
#: measures 0.5-1.5 here.
NOISE_FLOOR = 2.5
#: A change of mean luminance this large between frames (natural log, about 35 %) starts a new
#: segment for deflicker (a cut or a flash).
DEFLICKER_JUMP = 0.3
#: Sound codecs an MP4 holds as they are (others are encoded to AAC).
_MP4_AUDIO = {"aac", "mp3", "mp2", "ac3", "eac3", "alac", "opus", "flac"}
#: Frames each side the denoiser averages.
DENOISE_RADIUS = 2
#: Width (pixels) of the grey pictures the first pass measures on.
ANALYSIS_WIDTH = 480


@dataclass(frozen=True)
class RestoreOptions:
    """Which repairs to make. ``smooth_s``: the camera path's smoothing (seconds, Gaussian sigma);
    ``flicker_s``: the luminance trend's (seconds)."""

    denoise: bool = False
    deflicker: bool = False
    dust: bool = False
    stabilise: bool = False
    smooth_s: float = 0.3
    flicker_s: float = 0.25


@dataclass
class RestoreReport:
    """What a restoration did. ``crop`` is ``(x, y, width, height)`` in output pixels: the part of
    every frame that holds real picture after stabilisation (the whole frame without it)."""

    frames: int = 0
    noise_sigma: float = 0.0
    denoised: bool = False
    flicker_gain_range: tuple[float, float] = (1.0, 1.0)
    speck_pixels: int = 0
    frames_with_specks: int = 0
    max_correction_px: float = 0.0
    crop: tuple[int, int, int, int] = (0, 0, 0, 0)
    notes: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------------------
# First pass: measurements on small grey pictures


def grey_small(image: np.ndarray, width: int = ANALYSIS_WIDTH) -> np.ndarray:
    """An RGB frame as grey uint8, ``width`` pixels wide at most (area averaged)."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    if grey.shape[1] > width:
        height = round(grey.shape[0] * width / grey.shape[1])
        grey = cv2.resize(grey, (width, height), interpolation=cv2.INTER_AREA)
    return grey


#: Person matte values at least this high are the subject, not the background (0-1).
PERSON_MATTE = 0.3
#: The person's region grows by this share of the picture's width before features are taken
#: outside it (a moving arm or microphone at the matte's edge).
PERSON_MARGIN = 0.03
#: Under this many background features the whole picture is tracked instead.
MIN_BACKGROUND_FEATURES = 12
#: ECC refinement: iterations and the smallest correlation that counts as a match.
ECC_ITERATIONS = 30
ECC_MIN_CORRELATION = 0.6
#: A frame whose whole picture follows the camera's motion this much better than the take's median
#: (and within ``REPEAT_MAX`` grey levels) repeats the one before.
REPEAT_SHARE = 0.35
REPEAT_MAX = 1.5
#: A motion candidate (background features, ECC) replaces the one before only when it leaves at most
#: this share of its residual on the background.
ECC_GAIN = 0.8


def background_mask(image: np.ndarray, matte: np.ndarray | None) -> np.ndarray | None:
    """Where the camera's motion may be measured in ``image`` (``uint8`` 255 = background, at the
    picture's size): outside the people of ``matte`` (0-1, any size), grown by
    :data:`PERSON_MARGIN`. ``None`` when there is no matte or it leaves too little background."""
    if matte is None:
        return None
    height, width = image.shape[:2]
    if matte.shape != (height, width):
        matte = cv2.resize(matte, (width, height), interpolation=cv2.INTER_LINEAR)
    mask = np.where(matte < PERSON_MATTE, 255, 0).astype(np.uint8)
    grow = max(3, round(PERSON_MARGIN * width) | 1)
    mask = cv2.erode(mask, np.ones((grow, grow), np.uint8))
    return mask if mask.mean() > 255 * 0.1 else None


def _ecc(previous: np.ndarray, current: np.ndarray, matrix: np.ndarray, mask: np.ndarray | None):
    """``matrix`` (previous → current, 2 × 3) refined by ECC (Evangelidis and Psarakis 2008) on the
    pixels of ``mask``, as a rotation and translation; ``None`` when it does not converge."""
    warp = matrix.astype(np.float32)
    # Keep the features' estimate as a rigid motion (ECC's Euclidean model has no scale).
    scale = float(np.hypot(warp[0, 0], warp[1, 0])) or 1.0
    warp[:, :2] /= scale
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, ECC_ITERATIONS, 1e-4)
    try:
        source, target = previous.astype(np.float32), current.astype(np.float32)
        rho, warp = cv2.findTransformECC(source, target, warp, cv2.MOTION_EUCLIDEAN, criteria, mask, 5)
    except cv2.error:
        return None
    return warp if rho >= ECC_MIN_CORRELATION else None


def _residual(previous: np.ndarray, current: np.ndarray, matrix: np.ndarray, mask: np.ndarray) -> float:
    """Mean absolute grey difference between ``current`` and ``previous`` moved by ``matrix``
    (previous → current), inside ``mask``."""
    height, width = current.shape[:2]
    moved = cv2.warpAffine(previous, matrix.astype(np.float32), (width, height), flags=cv2.INTER_LINEAR)
    inside = cv2.warpAffine(mask, matrix.astype(np.float32), (width, height), flags=cv2.INTER_NEAREST) > 0
    if not inside.any():
        return float("inf")
    return float(np.abs(moved[inside].astype(np.float32) - current[inside]).mean())


def _tracked_motion(previous: np.ndarray, current: np.ndarray, mask: np.ndarray | None) -> np.ndarray | None:
    """The similarity (2 × 3, previous → current) of features tracked by Lucas-Kanade and fitted by
    RANSAC, taken inside ``mask`` (or anywhere); ``None`` when too few hold (a cut, or nothing to
    hold on to)."""
    if mask is None:
        corners = cv2.goodFeaturesToTrack(
            previous, maxCorners=300, qualityLevel=0.01, minDistance=8, blockSize=7
        )
        least = 8
    else:
        corners = cv2.goodFeaturesToTrack(
            previous, maxCorners=300, qualityLevel=0.005, minDistance=6, blockSize=7, mask=mask
        )
        least = MIN_BACKGROUND_FEATURES
    if corners is None or len(corners) < least:
        return None
    moved, status, _ = cv2.calcOpticalFlowPyrLK(
        previous, current, corners, None, winSize=(21, 21), maxLevel=3
    )
    good = status.ravel() == 1
    if good.sum() < 8:
        return None
    matrix, inliers = cv2.estimateAffinePartial2D(
        corners[good], moved[good], method=cv2.RANSAC, ransacReprojThreshold=2.0
    )
    if matrix is None or inliers is None or inliers.mean() < 0.5 or good.mean() < 0.5:
        return None
    return matrix


def _whole_residual(previous: np.ndarray, current: np.ndarray, motion: tuple[float, float, float]) -> float:
    """Mean absolute grey difference of the whole picture after ``previous`` is moved by ``motion``
    (centre shift in pixels, rotation in radians) onto ``current``."""
    dx, dy, angle = motion
    height, width = current.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -float(np.degrees(angle)), 1.0)
    matrix[:, 2] += (dx, dy)
    moved = cv2.warpAffine(
        previous, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    margin = (slice(height // 20, height - height // 20), slice(width // 20, width - width // 20))
    return float(np.abs(moved[margin].astype(np.float32) - current[margin]).mean())


def repeated_frames(residuals: np.ndarray) -> list[int]:
    """Frames that repeat the one before (``residuals[i]`` is frame ``i``'s whole-picture residual
    after the camera's motion, ``inf`` where unmeasured): those under :data:`REPEAT_SHARE` of the
    take's median and under :data:`REPEAT_MAX` grey levels."""
    finite = residuals[np.isfinite(residuals)]
    if len(finite) < 5:
        return []
    limit = min(REPEAT_MAX, REPEAT_SHARE * float(np.median(finite)))
    return [int(i) for i in np.flatnonzero(residuals < limit)]


def frame_motion(
    previous: np.ndarray, current: np.ndarray, *, mask: np.ndarray | None = None
) -> tuple[float, float, float]:
    """:func:`measure_motion`, zeros where it cannot be found."""
    found = measure_motion(previous, current, mask=mask)
    return found if found is not None else (0.0, 0.0, 0.0)


def measure_motion(
    previous: np.ndarray, current: np.ndarray, *, mask: np.ndarray | None = None
) -> tuple[float, float, float] | None:
    """The camera's motion from ``previous`` to ``current`` (grey uint8): how far the picture's
    centre moved ``(dx, dy)`` in pixels and its rotation in radians; ``None`` when it cannot be
    found (a cut, or nothing to hold on to).

    Features anywhere in the picture (Lucas-Kanade, a RANSAC similarity) measure it. With a
    background ``mask`` (:func:`background_mask`: the people taken out) two more candidates are
    tried: the features of the background alone, and that motion refined by ECC on the whole
    background (which holds on plain backdrops with few corners, a curtain's folds); a candidate
    replaces the current one where it matches the background clearly better (its residual at most
    :data:`ECC_GAIN` of the other's), so a person moving in front of the camera is not read as the
    camera moving, while a still speaker before a plain backdrop keeps the whole picture's estimate."""
    matrix = _tracked_motion(previous, current, None)
    if mask is not None:
        background = _tracked_motion(previous, current, mask)
        candidates = [background] if background is not None else []
        start = background if background is not None else matrix
        if start is not None:
            refined = _ecc(previous, current, start, mask)
            if refined is not None:
                candidates.append(refined)
        for candidate in candidates:
            if matrix is None or _residual(previous, current, candidate, mask) < ECC_GAIN * _residual(
                previous, current, matrix, mask
            ):
                matrix = candidate
    if matrix is None:
        return None
    centre = np.array([previous.shape[1] / 2, previous.shape[0] / 2])
    shift = matrix[:, :2] @ centre + matrix[:, 2] - centre
    return float(shift[0]), float(shift[1]), float(np.arctan2(matrix[1, 0], matrix[0, 0]))


def flicker_gains(means: np.ndarray, *, sigma_frames: float) -> np.ndarray:
    """Gain per frame that brings each frame's mean luminance ``means`` to its segment's smooth trend
    (Gaussian of ``sigma_frames`` over log luminance; segments split at jumps of
    :data:`DEFLICKER_JUMP`)."""
    log_mean = np.log(np.maximum(np.asarray(means, float), 1.0))
    gains = np.ones(len(log_mean))
    # A jump is a cut only if the level stays there: flicker jumps and comes back.
    steps = np.diff(log_mean)
    cuts = [0]
    for i, step in enumerate(steps, start=1):
        after = log_mean[i : i + 3].mean()
        before = log_mean[max(0, i - 3) : i].mean()
        if abs(step) > DEFLICKER_JUMP and abs(after - before) > DEFLICKER_JUMP:
            cuts.append(i)
    cuts.append(len(log_mean))
    for start, end in itertools.pairwise(cuts):
        piece = log_mean[start:end]
        if len(piece) < 3:
            continue
        # A median first, so a single bright frame does not lift its neighbours' trend.
        from scipy.signal import medfilt

        robust = medfilt(piece, 5) if len(piece) >= 5 else piece
        trend = gaussian_filter1d(robust, sigma_frames, mode="nearest")
        gains[start:end] = np.exp(trend - piece)
    return gains


def smooth_path(path: np.ndarray, sigma_frames: float) -> np.ndarray:
    """A camera path ``(n, k)`` smoothed by a Gaussian of ``sigma_frames``, its ends padded by point
    reflection about a straight line fitted to the first (last) ``sigma_frames`` frames, so a steady
    pan or drift stays as it is to the last frame instead of being bent toward a standstill, and the
    end frame's own shake does not pin the path."""
    n = len(path)
    if n < 3:
        return path.copy()
    pad = min(n - 1, int(np.ceil(4 * sigma_frames)))
    span = min(n, max(3, round(sigma_frames)))
    steps = np.arange(span, dtype=float)

    def anchor(piece: np.ndarray) -> np.ndarray:
        _slope, intercept = np.polyfit(steps, piece, 1)
        return intercept  # the line's value at the piece's first frame

    first, last = anchor(path[:span]), anchor(path[::-1][:span])
    before = 2 * first - path[pad:0:-1]
    after = 2 * last - path[-2 : -pad - 2 : -1]
    padded = np.concatenate([before, path, after])
    return gaussian_filter1d(padded, sigma_frames, axis=0, mode="nearest")[pad : pad + n]


def camera_corrections(
    motions: np.ndarray,
    *,
    sigma_frames: float,
    cuts: Iterable[int] | None = None,
    repeats: Iterable[int] = (),
) -> np.ndarray:
    """Per frame ``(dx, dy, angle)``: the move from the camera path (the sum of ``motions``,
    ``(n, 3)`` with the first row for frame 0 ignored) to its smoothed path (:func:`smooth_path`).
    The path starts again at ``cuts`` (frames whose motion could not be measured); without them, at
    every all-zero row. ``repeats`` are frames that repeat the one before (a frame-rate conversion):
    the path is smoothed over the other frames and a repeat is put where the frame it repeats goes,
    so it stays a repeat instead of being moved onto the pan's smooth line."""
    motions = np.asarray(motions, float).copy()
    if len(motions) == 0:
        return motions.reshape(0, 3)
    motions[0] = 0.0
    if cuts is None:
        cuts = np.flatnonzero(~motions[1:].any(axis=1)) + 1
    repeated = np.zeros(len(motions), bool)
    repeated[[r for r in repeats if 0 < r < len(motions)]] = True
    breaks = [0, *(int(c) for c in cuts), len(motions)]
    out = np.zeros_like(motions)
    for start, end in itertools.pairwise(sorted(set(breaks))):
        if end <= start:
            continue
        path = np.cumsum(motions[start:end], axis=0) - motions[start]
        keep = ~repeated[start:end]
        keep[0] = True
        smooth = np.empty_like(path)
        smooth[keep] = smooth_path(path[keep], sigma_frames * float(keep.mean()))
        for i in np.flatnonzero(~keep):
            smooth[i] = smooth[i - 1]  # shown where the frame it repeats is shown
        out[start:end] = smooth - path
    return out


def noise_sigma(images: Iterable[np.ndarray]) -> float:
    """Median noise (grey levels, 0-255) of a few frames: Immerkaer's estimate (a Laplacian-difference
    mask that cancels smooth picture, *Fast noise variance estimation*, CVIU 1996)."""
    mask = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    values = []
    for image in images:
        grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
        response = np.abs(cv2.filter2D(grey, -1, mask)[1:-1, 1:-1])
        values.append(float(np.sqrt(np.pi / 2) * response.mean() / 6))
    return float(np.median(values)) if values else 0.0


# ----------------------------------------------------------------------------------------------
# Second pass: the repairs, streamed


def _warp(image: np.ndarray, correction: np.ndarray, scale: float) -> np.ndarray:
    dx, dy, angle = correction
    if abs(dx) * scale < 0.05 and abs(dy) * scale < 0.05 and abs(angle) < 1e-4:
        return image
    height, width = image.shape[:2]
    # ``angle`` turns +x towards +y (as :func:`frame_motion` measures); OpenCV's angle turns the other way.
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -float(np.degrees(angle)), 1.0)
    matrix[:, 2] += (dx * scale, dy * scale)
    return cv2.warpAffine(
        image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def _crop(corrections: np.ndarray, scale: float, width: int, height: int) -> tuple[int, int, int, int]:
    """The rectangle that every warped frame fills with real picture."""
    if len(corrections) == 0:
        return 0, 0, width, height
    dx, dy, angle = (np.abs(corrections[:, i]) for i in range(3))
    margin_x = int(
        np.ceil((dx * scale + np.abs(np.sin(angle)) * height / 2 + (1 - np.cos(angle)) * width / 2).max())
    )
    margin_y = int(
        np.ceil((dy * scale + np.abs(np.sin(angle)) * width / 2 + (1 - np.cos(angle)) * height / 2).max())
    )
    margin_x, margin_y = min(margin_x, width // 4), min(margin_y, height // 4)
    return margin_x, margin_y, width - 2 * margin_x, height - 2 * margin_y


def _windows(items: Iterable[np.ndarray]) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``(previous, current, next)`` for every item; at the ends the missing neighbour is the other."""
    iterator = iter(items)
    try:
        first = next(iterator)
    except StopIteration:
        return
    previous, current = None, first
    for following in iterator:
        yield (previous if previous is not None else following), current, following
        previous, current = current, following
    yield (
        (previous if previous is not None else current),
        current,
        (previous if previous is not None else current),
    )


def _windows_of(items: Iterable[np.ndarray], radius: int) -> Iterator[list[np.ndarray]]:
    """``2 * radius + 1`` frames centred on each item; at the ends only the frames there are,
    the centre's index then shifted (the centre is always at ``radius`` after padding with it)."""
    buffer: list[np.ndarray] = []
    iterator = iter(items)
    done = False
    index = 0
    while True:
        while not done and len(buffer) < index + radius + 1:
            try:
                buffer.append(next(iterator))
            except StopIteration:
                done = True
        if index >= len(buffer):
            return
        lo = max(0, index - radius)
        window = buffer[lo : index + radius + 1]
        centre = index - lo
        # Pad with the centre itself (skipped by the averaging) so the centre sits at ``radius``.
        yield (
            [window[centre]] * (radius - centre)
            + window
            + [window[centre]] * (2 * radius + 1 - (radius - centre) - len(window))
        )
        index += 1
        if lo > 0:
            buffer.pop(0)
            index -= 1


_DIS = None


#: Optical flow is computed at most this wide (pixels) and scaled up: a third of the cost at 720p.
FLOW_WIDTH = 640


def _flow(to_grey: np.ndarray, from_grey: np.ndarray) -> np.ndarray:
    """Per pixel of ``to_grey``, where it lies in ``from_grey`` (DIS optical flow, pixels)."""
    global _DIS
    if _DIS is None:
        _DIS = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    height, width = to_grey.shape[:2]
    if width <= FLOW_WIDTH:
        return _DIS.calc(to_grey, from_grey, None)
    small = (FLOW_WIDTH, round(height * FLOW_WIDTH / width))
    flow = _DIS.calc(
        cv2.resize(to_grey, small, interpolation=cv2.INTER_AREA),
        cv2.resize(from_grey, small, interpolation=cv2.INTER_AREA),
        None,
    )
    return cv2.resize(flow, (width, height), interpolation=cv2.INTER_LINEAR) * np.float32(width / small[0])


def _bring(image: np.ndarray, flow: np.ndarray) -> np.ndarray:
    height, width = flow.shape[:2]
    grid_x, grid_y = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    return cv2.remap(
        image, grid_x + flow[..., 0], grid_y + flow[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def remove_specks(
    previous: np.ndarray, current: np.ndarray, following: np.ndarray, *, threshold: float = 30.0
) -> tuple[np.ndarray, np.ndarray]:
    """``current`` with its short-lived specks filled from its neighbours; returns (image, mask).

    A speck pixel differs from both motion-compensated neighbours by more than ``threshold`` grey
    levels with the same sign, while the neighbours agree within ``threshold``.
    """
    greys = [cv2.cvtColor(x, cv2.COLOR_RGB2GRAY) for x in (previous, current, following)]
    smooth = [cv2.medianBlur(g, 7) for g in greys]
    brought_prev = _bring(previous, _flow(smooth[1], smooth[0]))
    brought_next = _bring(following, _flow(smooth[1], smooth[2]))
    grey_now = greys[1].astype(np.float32)
    grey_prev = cv2.cvtColor(brought_prev, cv2.COLOR_RGB2GRAY).astype(np.float32)
    grey_next = cv2.cvtColor(brought_next, cv2.COLOR_RGB2GRAY).astype(np.float32)
    to_prev, to_next = grey_now - grey_prev, grey_now - grey_next
    mask = (
        (np.abs(to_prev) > threshold)
        & (np.abs(to_next) > threshold)
        & (np.sign(to_prev) == np.sign(to_next))
        & (np.abs(grey_prev - grey_next) < threshold)
    ).astype(np.uint8)
    if not mask.any():
        return current, mask.astype(bool)
    mask = cv2.dilate(mask, np.ones((5, 5), np.uint8)).astype(bool)
    fill = ((brought_prev.astype(np.uint16) + brought_next) // 2).astype(np.uint8)
    out = current.copy()
    out[mask] = fill[mask]
    return out, mask


def temporal_denoise(
    window: list[np.ndarray], centre: int, sigma: float, *, tolerance: float = 3.0
) -> np.ndarray:
    """Motion-compensated temporal average: each frame of ``window`` brought onto ``window[centre]``
    by DIS optical flow (on blurred grey pictures) and averaged with a per-pixel weight that falls
    off where it differs from the centre by more than ``tolerance`` times the noise ``sigma`` (grey
    levels), so what moved or was occluded is not blended."""
    greys = [cv2.GaussianBlur(cv2.cvtColor(x, cv2.COLOR_RGB2GRAY), (0, 0), 1.5) for x in window]
    current = window[centre].astype(np.float32)
    total = current.copy()
    weights = np.ones(current.shape[:2], np.float32)
    scale = tolerance * sigma
    for j, other in enumerate(window):
        if j == centre or other is window[centre]:
            continue
        brought = _bring(other, _flow(greys[centre], greys[j])).astype(np.float32)
        difference = cv2.GaussianBlur(np.abs(brought - current).mean(-1), (0, 0), 2.0)
        weight = np.exp(-((difference / scale) ** 2))
        total += brought * weight[..., None]
        weights += weight
    return np.clip(total / weights[..., None] + 0.5, 0, 255).astype(np.uint8)


def restore_stream(
    frames: Iterable[np.ndarray],
    options: RestoreOptions,
    *,
    gains: np.ndarray | None = None,
    corrections: np.ndarray | None = None,
    correction_scale: float = 1.0,
    noise: float = 0.0,
    report: RestoreReport | None = None,
) -> Iterator[np.ndarray]:
    """The second pass: restored frames in order, from the first pass's ``gains`` (per frame),
    ``corrections`` (per frame, in analysis pixels times ``correction_scale``) and ``noise`` (grey
    levels). Holds three frames at a time."""
    report = report if report is not None else RestoreReport()

    def steadied() -> Iterator[np.ndarray]:
        for index, image in enumerate(frames):
            if options.deflicker and gains is not None and len(gains):
                gain = gains[min(index, len(gains) - 1)]
                if abs(gain - 1.0) > 1e-3:
                    image = np.clip(image.astype(np.float32) * np.float32(gain), 0, 255).astype(np.uint8)
            if options.stabilise and corrections is not None and len(corrections):
                image = _warp(image, corrections[min(index, len(corrections) - 1)], correction_scale)
            yield image

    stage: Iterable[np.ndarray] = steadied()
    if options.dust:
        speck_threshold = max(24.0, 4.0 * noise)

        def cleaned(source: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
            for previous, current, following in _windows(source):
                image, mask = remove_specks(previous, current, following, threshold=speck_threshold)
                count = int(mask.sum())
                report.speck_pixels += count
                report.frames_with_specks += count > 0
                yield image

        stage = cleaned(stage)
    if options.denoise and noise >= NOISE_FLOOR:
        strength = float(noise)
        report.denoised = True

        def denoised(source: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
            for window in _windows_of(source, DENOISE_RADIUS):
                yield temporal_denoise(window, DENOISE_RADIUS, strength)

        stage = denoised(stage)
    for image in stage:
        report.frames += 1
        yield image


def _first_pass(
    images: Iterable[np.ndarray], options: RestoreOptions, rate: float
) -> tuple[np.ndarray, np.ndarray]:
    """Flicker gains and camera corrections from the small RGB pictures of every frame (at most
    :data:`ANALYSIS_WIDTH` wide); with ``stabilise`` the people are matted out (mediapipe's
    selfie segmentation) so only the background measures the camera."""
    means, motions, cuts, residuals = [], [], [], []
    previous = previous_mask = None
    matte_maker = None
    if options.stabilise:
        from roughcut.picture.background import MatteMaker

        matte_maker = MatteMaker(steady=False, refine=False)
    try:
        for image in images:
            grey = grey_small(image)
            means.append(float(grey.mean()))
            if matte_maker is None:
                continue
            found = measure_motion(previous, grey, mask=previous_mask) if previous is not None else None
            if found is None and previous is not None:
                cuts.append(len(motions))  # a cut, or nothing to hold on to: the path starts again
            # How well the whole picture, people included, follows the camera's motion: a repeated
            # frame follows it almost exactly, a new one does not (people move).
            residuals.append(_whole_residual(previous, grey, found) if found is not None else np.inf)
            motions.append(found if found is not None else (0.0, 0.0, 0.0))
            small = image if image.shape[:2] == grey.shape else cv2.resize(image, grey.shape[::-1])
            previous, previous_mask = grey, background_mask(grey, matte_maker(small))
    finally:
        if matte_maker is not None:
            matte_maker.close()
    gains = flicker_gains(np.array(means), sigma_frames=max(1.0, options.flicker_s * rate))
    corrections = (
        camera_corrections(
            np.array(motions),
            sigma_frames=max(1.0, options.smooth_s * rate),
            cuts=cuts,
            repeats=repeated_frames(np.array(residuals)),
        )
        if options.stabilise
        else np.zeros((len(means), 3))
    )
    return gains, corrections


def _fill_report(
    report: RestoreReport,
    options: RestoreOptions,
    gains: np.ndarray,
    corrections: np.ndarray,
    scale: float,
    size: tuple[int, int],
) -> None:
    if options.deflicker and len(gains):
        report.flicker_gain_range = (float(gains.min()), float(gains.max()))
    width, height = size
    if options.stabilise and len(corrections):
        report.max_correction_px = float(np.abs(corrections[:, :2]).max() * scale)
        report.crop = _crop(corrections, scale, width, height)
    else:
        report.crop = (0, 0, width, height)


def restore_frames(
    frames: np.ndarray, options: RestoreOptions, *, rate: float = 25.0
) -> tuple[np.ndarray, RestoreReport]:
    """Restore a clip held in memory, ``(n, height, width, 3)`` uint8 RGB at ``rate`` frames a second."""
    report = RestoreReport()
    scale = frames.shape[2] / analysis_width(frames.shape[2]) if len(frames) else 1.0
    gains, corrections = _first_pass(frames, options, rate)
    report.noise_sigma = noise_sigma(frames[:: max(1, len(frames) // 5)][:5]) if options.denoise else 0.0
    _fill_report(report, options, gains, corrections, scale, (frames.shape[2], frames.shape[1]))
    out = np.stack(
        list(
            restore_stream(
                frames,
                options,
                gains=gains,
                corrections=corrections,
                correction_scale=scale,
                noise=report.noise_sigma,
                report=report,
            )
        )
    )
    return out, report


def restore_take(
    path: str | Path, out: str | Path, options: RestoreOptions, *, overwrite: bool = False
) -> RestoreReport:
    """Restore the video of take ``path`` into a new file ``out`` (H.264 MP4 or the container its
    suffix names), its sound copied through unchanged. Never writes over ``path``; ``out`` is written
    atomically and never over a user's file unless ``overwrite``.

    Raises :class:`MediaError` naming the file when it has no video or cannot be decoded.
    """
    import av

    from roughcut.errors import RoughcutError
    from roughcut.export.files import file_writing
    from roughcut.media.container import open_media
    from roughcut.media.frames import read_frames
    from roughcut.media.probe import probe
    from roughcut.progress import track

    path, out = Path(path), Path(out)
    if out.resolve() == path.resolve():
        raise RoughcutError(f"{out}: is the input take; choose another output")
    info = probe(path)
    if info.video is None:
        raise MediaError(path, "holds no video stream; nothing to restore")
    video = info.video
    rate = Fraction(video.frame_rate)
    total = video.frame_count or None
    report = RestoreReport()
    gains = np.ones(0)
    corrections = np.zeros((0, 3))
    scale = 1.0
    if options.deflicker or options.stabilise:
        smalls = (
            frame.image
            for frame in track(read_frames(path, width=ANALYSIS_WIDTH), f"Measuring {path.name}", total=total)
        )
        gains, corrections = _first_pass(smalls, options, float(rate))
        width, height = video.display_size
        scale = width / analysis_width(width)
        _fill_report(report, options, gains, corrections, scale, video.display_size)
    else:
        report.crop = (0, 0, *video.display_size)
    if options.denoise:
        samples = [f.image for i, f in zip(range(60), read_frames(path), strict=False) if i % 12 == 0]
        report.noise_sigma = noise_sigma(samples)
        if report.noise_sigma < NOISE_FLOOR:
            report.notes.append(
                f"noise {report.noise_sigma:.1f} grey levels is below {NOISE_FLOOR}: not denoised"
            )

    def images() -> Iterator[np.ndarray]:
        count = 0
        for frame in read_frames(path):
            count += 1
            yield frame.image
        if count == 0:
            raise MediaError(path, "no frame could be decoded")

    with file_writing(out, overwrite=overwrite) as part, open_media(path) as source:
        container_format = "mp4" if out.suffix.lower() in (".mp4", ".m4v", "") else None
        with av.open(str(part), "w", format=container_format or out.suffix.lstrip(".").lower()) as sink:
            width, height = video.display_size
            stream = sink.add_stream("libx264", rate=rate)
            stream.width, stream.height, stream.pix_fmt = width // 2 * 2, height // 2 * 2, "yuv420p"
            stream.options = {"preset": "medium", "crf": "16"}
            audio_in = source.streams.audio[0] if source.streams.audio else None
            copy_audio = audio_in is not None and (
                container_format != "mp4" or audio_in.codec_context.name in _MP4_AUDIO
            )
            audio_out = None
            if audio_in is not None:
                audio_out = sink.add_stream_from_template(audio_in) if copy_audio else sink.add_stream("aac")
                if not copy_audio:  # e.g. PCM, which MP4 cannot hold: AAC at the same rate and layout
                    audio_out.rate, audio_out.layout = audio_in.rate, audio_in.layout.name
            restored = restore_stream(
                images(),
                options,
                gains=gains,
                corrections=corrections,
                correction_scale=scale,
                noise=report.noise_sigma,
                report=report,
            )
            time_base = Fraction(rate.denominator, rate.numerator)
            for index, image in enumerate(track(restored, f"Restoring {path.name}", total=total)):
                frame = av.VideoFrame.from_ndarray(
                    np.ascontiguousarray(image[: stream.height, : stream.width]), format="rgb24"
                )
                frame.pts, frame.time_base = index, time_base
                sink.mux(stream.encode(frame))
            sink.mux(stream.encode())
            if audio_in is not None and audio_out is not None and copy_audio:
                for packet in source.demux(audio_in):
                    if packet.dts is None:
                        continue
                    packet.stream = audio_out
                    sink.mux(packet)
            elif audio_in is not None and audio_out is not None:
                resampler = av.AudioResampler(format="fltp", layout=audio_in.layout.name, rate=audio_in.rate)
                for decoded in source.decode(audio_in):
                    for piece in resampler.resample(decoded):
                        piece.pts = None
                        sink.mux(audio_out.encode(piece))
                sink.mux(audio_out.encode())
    return report


def analysis_width(width: int) -> int:
    """The width of the first pass's grey pictures for a ``width``-pixel take."""
    return min(width, ANALYSIS_WIDTH)
