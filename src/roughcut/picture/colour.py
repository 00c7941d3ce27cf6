"""Colour match between takes: make a take's colour match a reference take of the same scene.

Statistics are taken in CIE L*a*b* (OpenCV, sRGB primaries and D65 white) on the faces' skin (the
inner part of each face box found by mediapipe's full-range face detector) and on the whole frame,
over up to ``STAT_FRAMES`` frames spread over each take. The transfer is Reinhard's (2001): per Lab
channel, the take's mean and standard deviation are moved to the reference's, with both taken as a
blend weighted ``SKIN_WEIGHT`` toward the skin when both takes show faces (the frame alone when not).

What an editor gets: a 33-point 3D LUT (``.cube``, Adobe/Resolve layout, red fastest) sampling the
exact transfer, an ASC CDL (``.cdl``: slope, offset and power per RGB channel and a saturation,
least-squares fit to the transfer on the take's own pixels, with its error reported) and the
rendered take, graded through that LUT by trilinear interpolation (precomputed for every 8-bit
colour, so a frame costs one table lookup).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from roughcut.errors import MediaError, RoughcutError
from roughcut.export.files import write_file
from roughcut.media.frames import read_frames
from roughcut.picture.background import default_output, fit_frame, render_take, video_info
from roughcut.progress import track

#: Frames (spread over the take) whose statistics describe it.
STAT_FRAMES = 24
#: Weight of the skin's statistics against the whole frame's when both takes show faces.
SKIN_WEIGHT = 0.7
#: A channel's standard deviation is scaled by at most this factor either way.
MAX_STD_RATIO = 2.0
LUT_SIZE = 33
#: Pixels of the take (drawn at random, fixed seed) the CDL is fitted on.
CDL_SAMPLES = 2000
#: Statistics are taken at this width (pixels).
STAT_WIDTH = 480
#: The inner part of a face box taken as skin: (left, top, right, bottom) as shares of the box.
SKIN_BOX = (0.25, 0.3, 0.75, 0.85)
#: Rec. 709 luma weights, as the ASC CDL's saturation uses them.
LUMA_709 = np.array([0.2126, 0.7152, 0.0722])


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB (uint8 0-255, or float 0-1) ``(..., 3)`` → L*a*b* float32 (L 0-100)."""
    values = rgb.astype(np.float32) * (1 / 255) if rgb.dtype == np.uint8 else rgb.astype(np.float32)
    flat = values.reshape(-1, 1, 3)
    return cv2.cvtColor(np.clip(flat, 0, 1), cv2.COLOR_RGB2Lab).reshape(rgb.shape)


def lab_to_rgb(lab: np.ndarray) -> np.ndarray:
    """L*a*b* ``(..., 3)`` → sRGB float32 0-1 (out-of-gamut values clipped)."""
    flat = lab.astype(np.float32).reshape(-1, 1, 3)
    return np.clip(cv2.cvtColor(flat, cv2.COLOR_Lab2RGB), 0, 1).reshape(lab.shape)


@dataclass(frozen=True)
class LabStats:
    """Mean and standard deviation of L*, a*, b* over ``pixels`` pixels."""

    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    pixels: int


@dataclass(frozen=True)
class ColourStats:
    """A take's colour: the whole frame's and the skin's (``None`` when no face was found)."""

    frame: LabStats
    skin: LabStats | None


def _stats(lab: np.ndarray) -> LabStats:
    mean = lab.mean(axis=0)
    std = lab.std(axis=0)
    return LabStats(tuple(float(v) for v in mean), tuple(float(v) for v in std), len(lab))


def skin_pixels(image: np.ndarray, boxes: Sequence[tuple[float, float, float, float]]) -> np.ndarray:
    """The RGB pixels ``(n, 3)`` of the inner part of each face box ``(x, y, w, h)`` (pixels)."""
    height, width = image.shape[:2]
    parts = []
    for x, y, w, h in boxes:
        x0, x1 = int(max(0, x + SKIN_BOX[0] * w)), int(min(width, x + SKIN_BOX[2] * w))
        y0, y1 = int(max(0, y + SKIN_BOX[1] * h)), int(min(height, y + SKIN_BOX[3] * h))
        if x1 > x0 and y1 > y0:
            parts.append(image[y0:y1, x0:x1].reshape(-1, 3))
    return np.concatenate(parts) if parts else np.zeros((0, 3), image.dtype)


class FaceBoxes:
    """mediapipe's full-range face detector: ``boxes(image)`` → ``[(x, y, w, h), ...]`` in pixels."""

    def __init__(self, min_score: float = 0.5) -> None:
        import mediapipe as mp

        self._model = mp.solutions.face_detection.FaceDetection(
            model_selection=1, min_detection_confidence=min_score
        )

    def boxes(self, image: np.ndarray) -> list[tuple[float, float, float, float]]:
        height, width = image.shape[:2]
        found = []
        for detection in self._model.process(np.ascontiguousarray(image)).detections or []:
            box = detection.location_data.relative_bounding_box
            found.append((box.xmin * width, box.ymin * height, box.width * width, box.height * height))
        return found

    def close(self) -> None:
        self._model.close()


def colour_statistics(images: Iterable[np.ndarray], *, faces: FaceBoxes | None = None) -> ColourStats:
    """Lab statistics of ``images`` (RGB uint8), of the whole frames and of the faces' skin."""
    own = faces is None
    faces = faces or FaceBoxes()
    frame_parts, skin_parts = [], []
    try:
        for image in images:
            step = max(1, int(np.sqrt(image.shape[0] * image.shape[1] / 20_000)))
            frame_parts.append(image[::step, ::step].reshape(-1, 3))
            skin_parts.append(skin_pixels(image, faces.boxes(image)))
    finally:
        if own:
            faces.close()
    if not frame_parts:
        raise RoughcutError("no frames to take colour statistics from")
    frame = _stats(rgb_to_lab(np.concatenate(frame_parts)))
    skin_rgb = np.concatenate(skin_parts)
    skin = _stats(rgb_to_lab(skin_rgb)) if len(skin_rgb) >= 100 else None
    return ColourStats(frame=frame, skin=skin)


def spread_frames(path: str | Path, count: int = STAT_FRAMES, *, width: int = STAT_WIDTH) -> list[np.ndarray]:
    """``count`` frames of ``path`` spread evenly over it, ``width`` pixels wide (RGB uint8)."""
    path = Path(path)
    total = video_info(path).video.frame_count or count
    every = max(1, total // count)
    images = [f.image for f in read_frames(path, width=width) if f.index % every == every // 2]
    if not images:
        raise MediaError(path, "no picture decoded")
    return images[:count]


@dataclass(frozen=True)
class ColourTransfer:
    """Per-channel Lab mean/std transfer: ``lab' = (lab - source_mean) * scale + target_mean``."""

    source_mean: tuple[float, float, float]
    target_mean: tuple[float, float, float]
    scale: tuple[float, float, float]

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        """Grade sRGB ``(..., 3)`` (uint8 or float 0-1) → float32 0-1."""
        lab = rgb_to_lab(rgb)
        lab = (lab - np.float32(self.source_mean)) * np.float32(self.scale) + np.float32(self.target_mean)
        return lab_to_rgb(lab)


def _blend(stats: ColourStats, weight: float) -> tuple[np.ndarray, np.ndarray]:
    mean, std = np.array(stats.frame.mean), np.array(stats.frame.std)
    if weight > 0 and stats.skin is not None:
        mean = weight * np.array(stats.skin.mean) + (1 - weight) * mean
        std = weight * np.array(stats.skin.std) + (1 - weight) * std
    return mean, std


def fit_transfer(
    take: ColourStats, reference: ColourStats, *, skin_weight: float = SKIN_WEIGHT
) -> ColourTransfer:
    """The transfer moving ``take``'s statistics to ``reference``'s, weighted ``skin_weight`` toward
    the skin when both have faces (else the whole frame's alone)."""
    weight = skin_weight if take.skin is not None and reference.skin is not None else 0.0
    source_mean, source_std = _blend(take, weight)
    target_mean, target_std = _blend(reference, weight)
    scale = np.clip(target_std / np.maximum(source_std, 1e-3), 1 / MAX_STD_RATIO, MAX_STD_RATIO)
    return ColourTransfer(
        tuple(float(v) for v in source_mean),
        tuple(float(v) for v in target_mean),
        tuple(float(v) for v in scale),
    )


def lut_table(transfer: ColourTransfer, size: int = LUT_SIZE) -> np.ndarray:
    """The transfer sampled on a ``size``³ grid: ``table[r, g, b]`` = output RGB (float 0-1)."""
    axis = np.linspace(0.0, 1.0, size, dtype=np.float32)
    grid = np.stack(np.meshgrid(axis, axis, axis, indexing="ij"), axis=-1)
    return transfer.apply(grid).astype(np.float32)


def cube_text(table: np.ndarray, title: str = "roughcut colour match") -> str:
    """``table[r, g, b]`` as a ``.cube`` file (``LUT_3D_SIZE``, domain 0-1, red changing fastest)."""
    size = table.shape[0]
    lines = [f'TITLE "{title}"', f"LUT_3D_SIZE {size}", "DOMAIN_MIN 0.0 0.0 0.0", "DOMAIN_MAX 1.0 1.0 1.0"]
    rows = table.transpose(2, 1, 0, 3).reshape(-1, 3)  # b slowest, then g, then r
    lines += [f"{r:.6f} {g:.6f} {b:.6f}" for r, g, b in rows]
    return "\n".join(lines) + "\n"


def apply_lut(table: np.ndarray, rgb: np.ndarray) -> np.ndarray:
    """Grade uint8 RGB ``(..., 3)`` through ``table[r, g, b]`` by trilinear interpolation → uint8."""
    size = table.shape[0]
    position = rgb.reshape(-1, 3).astype(np.float32) * ((size - 1) / 255)
    low = np.minimum(position.astype(np.int32), size - 2)
    frac = position - low
    flat = table.reshape(-1, 3)
    out = np.zeros((len(position), 3), np.float32)
    for dr in (0, 1):
        wr = frac[:, 0] if dr else 1 - frac[:, 0]
        for dg in (0, 1):
            wg = frac[:, 1] if dg else 1 - frac[:, 1]
            for db in (0, 1):
                wb = frac[:, 2] if db else 1 - frac[:, 2]
                index = ((low[:, 0] + dr) * size + low[:, 1] + dg) * size + low[:, 2] + db
                out += (wr * wg * wb)[:, None] * flat[index]
    return np.clip(out * 255 + 0.5, 0, 255).astype(np.uint8).reshape(rgb.shape)


def _axis_weights(size: int) -> np.ndarray:
    """``(256, size)`` float32: row ``v`` holds the linear-interpolation weights of level ``v`` (0-255)
    on a ``size``-point axis over 0-1, as :func:`apply_lut` computes them."""
    position = np.arange(256, dtype=np.float32) * np.float32((size - 1) / 255)
    low = np.minimum(position.astype(np.int32), size - 2)
    frac = position - low
    weights = np.zeros((256, size), np.float32)
    weights[np.arange(256), low] = 1 - frac
    weights[np.arange(256), low + 1] += frac
    return weights


def dense_lut(table: np.ndarray) -> np.ndarray:
    """Every 8-bit colour through ``table[r, g, b]`` by trilinear interpolation, precomputed:
    ``(256, 256, 256, 3)`` uint8 (48 MiB). Trilinear interpolation is separable, so this is three
    matrix products along the axes (about a second), after which grading a frame is one lookup
    (:func:`apply_dense`). Equal to :func:`apply_lut` up to float rounding (at most one level)."""
    weights = _axis_weights(table.shape[0])
    along_b = np.einsum("vk,ijkc->ijvc", weights, table.astype(np.float32))  # (n, n, 256, 3)
    along_g = np.einsum("vj,ijbc->ivbc", weights, along_b)  # (n, 256, 256, 3)
    dense = np.empty((256, 256, 256, 3), np.uint8)
    for start in range(0, 256, 32):
        slab = np.einsum("vi,igbc->vgbc", weights[start : start + 32], along_g)
        dense[start : start + 32] = np.clip(slab * 255 + 0.5, 0, 255).astype(np.uint8)
    return dense


def apply_dense(dense: np.ndarray, rgb: np.ndarray) -> np.ndarray:
    """Grade uint8 RGB ``(..., 3)`` through a :func:`dense_lut` → uint8."""
    flat = rgb.reshape(-1, 3).astype(np.int32)
    index = (flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2]
    return np.take(dense.reshape(-1, 3), index, axis=0).reshape(rgb.shape)


@dataclass(frozen=True)
class Cdl:
    """An ASC CDL: ``out = clamp(in * slope + offset) ** power`` per RGB channel (0-1), then
    saturation around Rec. 709 luma. ``rms_error`` is the fit's error against the transfer (0-1)."""

    slope: tuple[float, float, float]
    offset: tuple[float, float, float]
    power: tuple[float, float, float]
    saturation: float
    rms_error: float = 0.0

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        """Grade float RGB 0-1 ``(..., 3)`` → float 0-1 (the ASC CDL v1.2 formulas)."""
        graded = np.clip(rgb * np.array(self.slope) + np.array(self.offset), 0, 1) ** np.array(self.power)
        luma = graded @ LUMA_709
        return np.clip(luma[..., None] + self.saturation * (graded - luma[..., None]), 0, 1)

    def xml(self, name: str = "roughcut_match") -> str:
        """The CDL as an ASC ``.cdl`` document (ColorDecisionList, one ColorCorrection)."""

        def triple(values: tuple[float, float, float]) -> str:
            return " ".join(f"{v:.6f}" for v in values)

        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<ColorDecisionList xmlns="urn:ASC:CDL:v1.01">\n'
            "  <ColorDecision>\n"
            f'    <ColorCorrection id="{name}">\n'
            "      <SOPNode>\n"
            f"        <Description>roughcut colour match (fit RMS error {self.rms_error:.4f})</Description>\n"
            f"        <Slope>{triple(self.slope)}</Slope>\n"
            f"        <Offset>{triple(self.offset)}</Offset>\n"
            f"        <Power>{triple(self.power)}</Power>\n"
            "      </SOPNode>\n"
            "      <SatNode>\n"
            f"        <Saturation>{self.saturation:.6f}</Saturation>\n"
            "      </SatNode>\n"
            "    </ColorCorrection>\n"
            "  </ColorDecision>\n"
            "</ColorDecisionList>\n"
        )


def fit_cdl(transfer: ColourTransfer, samples: np.ndarray) -> Cdl:
    """The ASC CDL closest (least squares, RGB 0-1) to ``transfer`` on ``samples`` (uint8 RGB ``(n, 3)``)."""
    from scipy.optimize import least_squares

    rgb = samples.reshape(-1, 3).astype(np.float64) / 255
    target = transfer.apply(samples.reshape(-1, 3)).astype(np.float64)

    def cdl(params: np.ndarray) -> Cdl:
        return Cdl(tuple(params[0:3]), tuple(params[3:6]), tuple(params[6:9]), float(params[9]))

    def residual(params: np.ndarray) -> np.ndarray:
        return (cdl(params).apply(rgb) - target).ravel()

    start = np.array([1, 1, 1, 0, 0, 0, 1, 1, 1, 1], float)
    lower = [0.05] * 3 + [-1.0] * 3 + [0.2] * 3 + [0.0]
    upper = [8.0] * 3 + [1.0] * 3 + [5.0] * 3 + [4.0]
    fit = least_squares(residual, start, bounds=(lower, upper), max_nfev=120, tr_solver="lsmr")
    rms = float(np.sqrt(np.mean(fit.fun**2)))
    found = cdl(fit.x)
    return Cdl(found.slope, found.offset, found.power, found.saturation, rms)


@dataclass(frozen=True)
class ColourMatch:
    """What :func:`match_colour` made: the transfer, its LUT and CDL, and the files written."""

    transfer: ColourTransfer
    table: np.ndarray
    cdl: Cdl
    take: ColourStats
    reference: ColourStats
    rendered: Path | None
    cdl_path: Path | None
    cube_path: Path | None


def plan_match(
    take_images: Sequence[np.ndarray], reference_images: Sequence[np.ndarray]
) -> tuple[ColourTransfer, np.ndarray, Cdl, ColourStats, ColourStats]:
    """The transfer, LUT table and CDL that grade ``take_images`` toward ``reference_images``."""
    faces = FaceBoxes()
    try:
        take_stats = colour_statistics(take_images, faces=faces)
        reference_stats = colour_statistics(reference_images, faces=faces)
    finally:
        faces.close()
    transfer = fit_transfer(take_stats, reference_stats)
    table = lut_table(transfer)
    samples = np.concatenate([image[::7, ::7].reshape(-1, 3) for image in take_images])
    rng = np.random.default_rng(0)
    samples = samples[rng.permutation(len(samples))[:CDL_SAMPLES]]
    return transfer, table, fit_cdl(transfer, samples), take_stats, reference_stats


def match_colour(
    take: str | Path,
    reference: str | Path,
    out: str | Path | None = None,
    *,
    cdl: str | Path | None = None,
    cube: str | Path | None = None,
    render: bool = True,
    overwrite: bool = False,
) -> ColourMatch:
    """Grade ``take`` to match ``reference``: write the graded take to ``out`` (default
    ``TAKE_graded.mp4`` beside it; ``render=False`` skips it), and the ``.cdl`` and ``.cube`` when
    asked. Never writes over either input. Raises :class:`~roughcut.errors.MediaError` naming a file
    without video."""
    take, reference = Path(take), Path(reference)
    info = video_info(take)
    video_info(reference)
    transfer, table, fitted, take_stats, reference_stats = plan_match(
        spread_frames(take), spread_frames(reference)
    )
    for path in (cdl, cube):
        if path is not None and Path(path).resolve() in (take.resolve(), reference.resolve()):
            raise RoughcutError(f"{path}: is an input; roughcut never writes over its input")
    cdl_path = write_file(cdl, fitted.xml(take.stem), overwrite=overwrite) if cdl is not None else None
    cube_path = write_file(cube, cube_text(table), overwrite=overwrite) if cube is not None else None
    rendered = None
    if render:
        out = Path(out) if out is not None else default_output(take, "graded")
        if out.resolve() == reference.resolve():
            raise RoughcutError(f"{out}: is the reference take; roughcut never writes over its input")
        width, height = info.video.display_size
        size = (width - width % 2, height - height % 2)
        dense = dense_lut(table)
        pictures = (
            apply_dense(dense, fit_frame(frame.image, size))
            for frame in track(read_frames(take), f"Grading {take.name}", total=info.video.frame_count)
        )
        rendered = render_take(
            take, pictures, out, frame_rate=info.video.frame_rate, size=size, overwrite=overwrite
        )
    return ColourMatch(transfer, table, fitted, take_stats, reference_stats, rendered, cdl_path, cube_path)
