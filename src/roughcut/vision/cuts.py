"""Shot cuts in edited footage with PySceneDetect's adaptive detector, inside the one decode pass.

The detector sees the analysis frames, timed by their native frame numbers (so ``min_scene_len`` is
in native frames). A cut it reports lies somewhere after the previous analysed frame;
:func:`refine_cuts` decodes just that stretch at a small size and puts the cut on the native frame
where the picture changes most.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np

from roughcut.media import Frame, read_frames
from roughcut.vision.analyser import FrameAnalyser

#: Width in pixels of the frames the detector compares (PySceneDetect downscales likewise).
DETECTOR_WIDTH = 320
#: Width in pixels for the frame-exact refinement.
REFINE_WIDTH = 96
#: Shortest shot, seconds.
MIN_SHOT_S = 0.5
#: Share of the change between two analysed frames that one native frame must hold to be a cut;
#: a change spread over the frames in between is a fade, a dissolve or motion.
CUT_CONCENTRATION = 0.6


class CutAnalyser(FrameAnalyser):
    """Feeds PySceneDetect's ``AdaptiveDetector``; ``post_process`` returns ``(cut, previous)`` frame
    pairs: the analysed frame after each cut and the analysed frame before it."""

    def __init__(self, *, native_rate: Fraction) -> None:
        from scenedetect.detectors import AdaptiveDetector

        self.native_rate = native_rate
        self._detector = AdaptiveDetector(min_scene_len=max(1, round(MIN_SHOT_S * native_rate)))
        self._frames: list[int] = []
        self._cuts: list[int] = []

    def process_frame(self, frame: Frame) -> None:
        import cv2
        from scenedetect import FrameTimecode

        image = frame.image
        if image.shape[1] > DETECTOR_WIDTH:
            height = max(2, round(image.shape[0] * DETECTOR_WIDTH / image.shape[1]))
            image = cv2.resize(image, (DETECTOR_WIDTH, height), interpolation=cv2.INTER_AREA)
        bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
        timecode = FrameTimecode(frame.index, fps=self.native_rate)
        self._frames.append(frame.index)
        self._cuts.extend(int(cut.frame_num) for cut in self._detector.process_frame(timecode, bgr))

    def post_process(self) -> list[tuple[int, int]]:
        from scenedetect import FrameTimecode

        if self._frames:
            end = FrameTimecode(self._frames[-1], fps=self.native_rate)
            self._cuts.extend(int(cut.frame_num) for cut in self._detector.post_process(end))
        pairs = []
        for cut in sorted(set(self._cuts)):
            position = self._frames.index(cut) if cut in self._frames else 0
            pairs.append((cut, self._frames[position - 1] if position > 0 else cut))
        return pairs


#: Candidates closer than this (native frames) are refined in one decode (a seek decodes from the
#: keyframe before anyway).
REFINE_GROUP_FRAMES = 300


def _changes(path: str | Path, start: int, end: int) -> dict[int, float]:
    """Mean absolute difference of each native frame in ``(start, end]`` from the one before."""
    changes: dict[int, float] = {}
    last = None
    for frame in read_frames(path, width=REFINE_WIDTH, start_frame=start, end_frame=end + 1):
        image = frame.image.astype(np.int16)
        if last is not None:
            changes[frame.index] = float(np.mean(np.abs(image - last)))
        last = image
    return changes


def refine_cuts(path: str | Path, pairs: list[tuple[int, int]]) -> tuple[int, ...]:
    """Native frame number of each cut: the frame after the largest change between ``previous`` and
    ``cut`` (mean absolute difference of small RGB frames). Decodes only those stretches (from the
    keyframe before each). Candidates whose change is spread over the stretch (fades) are dropped."""
    refined = [cut for cut, previous in pairs if cut - previous <= 1]
    pending = sorted((previous, cut) for cut, previous in pairs if cut - previous > 1)
    groups: list[list[tuple[int, int]]] = []
    for window in pending:
        if groups and window[0] - groups[-1][-1][1] < REFINE_GROUP_FRAMES:
            groups[-1].append(window)
        else:
            groups.append([window])
    for group in groups:
        changes = _changes(path, group[0][0], group[-1][1])
        for previous, cut in group:
            inside = {k: v for k, v in changes.items() if previous < k <= cut}
            if not inside:
                continue
            best = max(inside, key=inside.__getitem__)
            total = sum(inside.values())
            if total > 0 and inside[best] / total >= CUT_CONCENTRATION:
                refined.append(best)
    return tuple(sorted(set(refined)))
