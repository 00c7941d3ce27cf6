"""A documented model of film damage, added to clean footage so the clean footage is the truth.

Used by the tests and ``benchmarks/bench_picture_restore.py`` to measure :mod:`roughcut.picture.restore`.
Every function takes ``(frames, height, width, 3)`` uint8 RGB and a seeded ``numpy`` generator, and
returns the damaged frames (uint8) plus what it did, so a measurement knows where the damage is.

* **grain**: Gaussian noise of ``sigma`` grey levels (0-255) per pixel and channel, independent from
  frame to frame, mostly luminance (the three channels share 80 % of it), as film grain looks.
* **flicker**: every frame's brightness multiplied by ``1 + depth * u`` with ``u`` uniform in [-1, 1],
  independent per frame (a shutter or exposure flicker; ``depth=0.08`` is ±8 %).
* **dust**: ``per_frame`` specks a frame, each a filled ellipse of 1.5-``max_radius`` pixels, dark or
  bright (dirt or a hole in the emulsion), seen in one frame only; the mask is returned.
* **scratches**: with probability ``probability`` a frame gets a vertical line 1-2 pixels wide at a
  random column, bright, for that frame only; included in the same mask as dust.
* **shake**: each frame shifted by a random translation (Gaussian, ``sigma_px`` pixels) and rotated
  (Gaussian, ``sigma_deg`` degrees) about its centre, independent per frame (a loose gate or a
  hand-held camera's jitter); borders replicated; the per-frame ``(dx, dy, angle_deg)`` are returned.
"""

from __future__ import annotations

import cv2
import numpy as np


def add_grain(frames: np.ndarray, rng: np.random.Generator, *, sigma: float = 12.0) -> np.ndarray:
    """Film grain: ``sigma`` grey levels of noise, 80 % shared by the channels (see module)."""
    shape = frames.shape
    common = rng.standard_normal((*shape[:-1], 1), dtype=np.float32)
    own = rng.standard_normal(shape, dtype=np.float32)
    noise = sigma * (0.8 * common + 0.6 * own)
    return np.clip(frames.astype(np.float32) + noise, 0, 255).round().astype(np.uint8)


def add_flicker(
    frames: np.ndarray, rng: np.random.Generator, *, depth: float = 0.08
) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame brightness gains ``1 + depth * U(-1, 1)``; returns (frames, gains)."""
    gains = 1.0 + depth * rng.uniform(-1.0, 1.0, len(frames))
    out = frames.astype(np.float32) * gains[:, None, None, None].astype(np.float32)
    return np.clip(out, 0, 255).round().astype(np.uint8), gains


def add_dust(
    frames: np.ndarray,
    rng: np.random.Generator,
    *,
    per_frame: int = 12,
    max_radius: float = 4.0,
    scratch_probability: float = 0.3,
) -> tuple[np.ndarray, np.ndarray]:
    """Specks and scratches seen in one frame each; returns (frames, mask of damaged pixels)."""
    out = frames.copy()
    mask = np.zeros(frames.shape[:3], bool)
    n, height, width = frames.shape[:3]
    for i in range(n):
        layer = np.zeros((height, width), np.uint8)
        values = np.zeros((height, width), np.uint8)
        for _ in range(per_frame):
            centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
            axes = (max(1, round(rng.uniform(1.5, max_radius))), max(1, round(rng.uniform(1.5, max_radius))))
            value = int(rng.integers(0, 40)) if rng.random() < 0.6 else int(rng.integers(215, 256))
            cv2.ellipse(layer, centre, axes, float(rng.uniform(0, 180)), 0, 360, 1, -1)
            cv2.ellipse(values, centre, axes, float(rng.uniform(0, 180)), 0, 360, value, -1)
        if rng.random() < scratch_probability:
            x = int(rng.integers(2, width - 2))
            thick = int(rng.integers(1, 3))
            layer[:, x : x + thick] = 1
            values[:, x : x + thick] = int(rng.integers(200, 256))
        hit = layer.astype(bool)
        out[i][hit] = values[hit][:, None]
        mask[i] = hit
    return out, mask


def add_shake(
    frames: np.ndarray, rng: np.random.Generator, *, sigma_px: float = 4.0, sigma_deg: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """Random per-frame translation and rotation; returns (frames, ``(n, 3)`` dx, dy px, angle deg)."""
    n, height, width = frames.shape[:3]
    motion = np.stack(
        [rng.normal(0, sigma_px, n), rng.normal(0, sigma_px, n), rng.normal(0, sigma_deg, n)], axis=1
    )
    out = np.empty_like(frames)
    for i, (dx, dy, angle) in enumerate(motion):
        matrix = cv2.getRotationMatrix2D((width / 2, height / 2), float(angle), 1.0)
        matrix[:, 2] += (dx, dy)
        out[i] = cv2.warpAffine(frames[i], matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)
    return out, motion


# ----------------------------------------------------------------------------------------------
# Measures against the clean original (the truth)


def luminance_flicker(frames: np.ndarray, original: np.ndarray) -> float:
    """Mean frame-to-frame change of ``log(mean luminance / original's)``: the flicker left, as a
    fraction (0.05 = 5 %); the original's own changes (fades, motion) cancel out."""
    ratio = np.log(frames.reshape(len(frames), -1).mean(1) / original.reshape(len(original), -1).mean(1))
    return float(np.abs(np.diff(ratio)).mean())


def specks_removed(
    damaged: np.ndarray,
    restored: np.ndarray,
    original: np.ndarray,
    mask: np.ndarray,
    *,
    tolerance: float = 20.0,
) -> tuple[int, int]:
    """(specks removed, specks visible): a speck (a connected part of ``mask`` in one frame) is
    visible when its pixels differ from the original by 30 grey levels or more on average, and
    removed when afterwards they differ by less than ``tolerance``."""
    removed = visible = 0
    for i in range(len(original)):
        count, labels = cv2.connectedComponents(mask[i].astype(np.uint8))
        before = np.abs(damaged[i].astype(np.int16) - original[i]).mean(-1)
        after = np.abs(restored[i].astype(np.int16) - original[i]).mean(-1)
        for label in range(1, count):
            where = labels == label
            if before[where].mean() < 30:
                continue
            visible += 1
            removed += after[where].mean() < tolerance
    return removed, visible


def shake_of(frames: np.ndarray, original: np.ndarray, *, smooth_frames: float = 5.0) -> float:
    """The jitter of ``frames`` against the original (pixels, RMS): each frame's displacement
    (centre shift plus rotation at the picture's half diagonal) from its original, less that
    displacement's slow trend (a Gaussian of ``smooth_frames``), which stabilisation may keep."""
    from scipy.ndimage import gaussian_filter1d

    height, width = original.shape[1:3]
    centre = np.array([width / 2, height / 2])
    radius = float(np.hypot(width, height) / 2)
    motion = []
    for source, moved in zip(original, frames, strict=True):
        a = cv2.cvtColor(source, cv2.COLOR_RGB2GRAY)
        b = cv2.cvtColor(moved, cv2.COLOR_RGB2GRAY)
        corners = cv2.goodFeaturesToTrack(a, maxCorners=300, qualityLevel=0.01, minDistance=8)
        tracked, status, _ = cv2.calcOpticalFlowPyrLK(a, b, corners, None, winSize=(21, 21), maxLevel=3)
        good = status.ravel() == 1
        matrix, _ = cv2.estimateAffinePartial2D(corners[good], tracked[good], method=cv2.RANSAC)
        shift = matrix[:, :2] @ centre + matrix[:, 2] - centre
        motion.append((shift[0], shift[1], np.arctan2(matrix[1, 0], matrix[0, 0]) * radius))
    motion = np.array(motion)
    jitter = motion - gaussian_filter1d(motion, smooth_frames, axis=0, mode="nearest")
    return float(np.sqrt((jitter**2).sum(1).mean()))
