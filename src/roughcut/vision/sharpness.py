"""Sharpness of a take: variance of the Laplacian of each analysed frame's luma.

The measure grows with focus and fine detail and falls with defocus, motion blur and heavy
compression; it depends on the analysis width (fixed per project) and on the picture's content, so it
is used to compare takes of the same set-up. A take is flagged soft under ``SOFT_BELOW``.
"""

from __future__ import annotations

import numpy as np

from roughcut.media import Frame
from roughcut.vision.analyser import FrameAnalyser

#: Median Laplacian variance (8-bit luma at 640 px wide) under which a take is flagged soft.
SOFT_BELOW = 20.0


def laplacian_variance(image: np.ndarray) -> float:
    """Variance of the 3×3 Laplacian of an RGB uint8 image's luma (higher is sharper)."""
    import cv2

    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(gray, cv2.CV_32F).var())


#: Sharpness is measured on every n-th analysed frame (a median needs no more).
MEASURE_EVERY = 4


class SharpnessAnalyser(FrameAnalyser):
    """Median sharpness over the analysed frames (``post_process`` returns a float, 0 for none)."""

    def __init__(self) -> None:
        self._values: list[float] = []
        self._count = 0

    def process_frame(self, frame: Frame) -> None:
        if self._count % MEASURE_EVERY == 0:
            self._values.append(laplacian_variance(frame.image))
        self._count += 1

    def post_process(self) -> float:
        return float(np.median(self._values)) if self._values else 0.0
