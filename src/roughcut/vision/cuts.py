"""Shot cuts in edited footage: found inside the one decode pass, then made frame-exact and checked.

A cut must be *large* (the picture changes its structure, not only its brightness or position) and
*concentrated* (the change happens between two native frames, not spread over several). Pictures are
compared as small grey images normalised to zero mean and unit contrast (a brightness flicker or a
gain change moves nothing), after the best shift of up to ``MAX_SHIFT`` of the width (a pan or a
handheld move lines up again). The analysis pass proposes candidates between analysed frames and
keeps the small grey pictures of every native frame around them (the pass decodes every frame);
:func:`refine_cuts` looks at those stretches at native rate and keeps a cut on the native frame
where the change happens if that one step is large (``CUT_DISTANCE``), holds most of the stretch's
change (``CUT_CONCENTRATION``) and the picture after it does not return to the one before it (a
one-frame flash is not a cut).

Black: a change into or out of black (mean luma under ``BLACK_LUMA``) is a boundary too, on the first
frame at the black level (to black) or the first frame brighter than the black before it (from black).
It is a cut when one frame holds most of the luma change, else a *fade*, reported apart from cuts
(``TakeVision.fades``): an editor reads a fade as a transition, not as a cut. Dissolves between two
pictures are neither (no single frame holds them, and nothing is black).

Tuned on ``faces/hamilton_clip.mp4`` (cuts at distance 0.70-0.79, everything else 0.31 or less),
checked on ``video/testvideo.mp4`` (cuts 0.83 and 0.85, everything else 0.19 or less).
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import numpy as np

from roughcut.media import Frame, read_frames
from roughcut.vision.analyser import FrameAnalyser

#: Width in pixels of the small grey pictures compared (analysis pass and refinement alike).
COMPARE_WIDTH = 96
#: Largest shift tried when lining two pictures up, as a fraction of the width (half that vertically).
MAX_SHIFT = 0.065
#: Picture distance (mean absolute difference of contrast-normalised luma after the best shift)
#: between analysed frames above which the stretch between them is searched for a cut.
CANDIDATE_DISTANCE = 0.4
#: Picture distance between two native frames that a cut must reach.
CUT_DISTANCE = 0.5
#: Share of the stretch's change that the cut's one step must hold (the rest is motion, a fade...).
CUT_CONCENTRATION = 0.5
#: Mean luma (0-255) under which a picture is black.
BLACK_LUMA = 8.0
#: Luma levels (0-255) above the black level at which a fade in from black starts or a fade to
#: black ends.
FADE_STEP = 0.75
#: Frames decoded either side of a candidate stretch to find the black level a fade leaves or reaches.
FADE_TAIL = 8
#: Contrast floor (luma levels) added to the standard deviation when normalising (keeps noise in
#: near-flat pictures from looking like structure).
CONTRAST_FLOOR = 4.0


def small_grey(image: np.ndarray) -> np.ndarray:
    """``image`` (RGB uint8) as a ``COMPARE_WIDTH``-wide float32 luma picture (0-255)."""
    import cv2

    height = max(2, round(image.shape[0] * COMPARE_WIDTH / image.shape[1]))
    if image.shape[1] != COMPARE_WIDTH:
        image = cv2.resize(image, (COMPARE_WIDTH, height), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)


def normalised(grey: np.ndarray) -> np.ndarray:
    """Luma with zero mean and unit contrast (standard deviation plus ``CONTRAST_FLOOR``)."""
    return (grey - grey.mean()) / (grey.std() + CONTRAST_FLOOR)


def picture_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference of two normalised pictures at their best relative shift (up to
    ``MAX_SHIFT`` of the width across, half that up and down): 0 for the same picture, moved or
    not; about 0.7-0.9 across a cut; under 0.3 within a shot."""
    height, width = a.shape
    reach_x = max(1, round(MAX_SHIFT * width))
    reach_y = max(1, reach_x // 2)
    best = np.inf
    for dy in range(-reach_y, reach_y + 1):
        for dx in range(-reach_x, reach_x + 1):
            part_a = a[max(0, dy) : height + min(0, dy), max(0, dx) : width + min(0, dx)]
            part_b = b[max(0, -dy) : height + min(0, -dy), max(0, -dx) : width + min(0, -dx)]
            best = min(best, float(np.mean(np.abs(part_a - part_b))))
    return best


def _is_black(grey: np.ndarray) -> bool:
    return float(grey.mean()) < BLACK_LUMA


class CutAnalyser(FrameAnalyser):
    """Proposes cuts between analysed frames; ``post_process`` returns ``(cut, previous)`` pairs: the
    analysed frame after each candidate stretch and the analysed frame before it."""

    def __init__(self, *, native_rate: Fraction) -> None:
        self.native_rate = native_rate
        self._last: tuple[int, np.ndarray, bool] | None = None
        self._pairs: list[tuple[int, int]] = []
        #: Small grey pictures of the native frames around the candidates (from ``Frame.between``,
        #: for :func:`refine_cuts` without a second decode), the recent ones, and the last frame seen.
        self.greys: dict[int, np.ndarray] = {}
        self._recent: dict[int, np.ndarray] = {}
        self._wanted: list[tuple[int, int]] = []
        self.seen_until = -1

    def _keep_between(self, frame: Frame) -> None:
        for index, grey in frame.between:
            self._recent[index] = grey
            if any(low <= index <= high for low, high in self._wanted):
                self.greys[index] = grey
            self.seen_until = max(self.seen_until, index)
        self._wanted = [w for w in self._wanted if w[1] > frame.index]
        for index in [k for k in self._recent if k < frame.index - RECENT_FRAMES]:
            del self._recent[index]

    def _want(self, previous: int, cut: int) -> None:
        """Keep the frames a refinement of ``(previous, cut]`` may look at (see :func:`_cut_in`)."""
        low, high = previous - FADE_TAIL - 3, cut + FADE_TAIL + 3
        self._wanted.append((low, high))
        self.greys.update({k: g for k, g in self._recent.items() if low <= k <= high})

    def process_frame(self, frame: Frame) -> None:
        if frame.between:
            self._keep_between(frame)
        grey = small_grey(frame.image)
        black = _is_black(grey)
        picture = normalised(grey)
        if self._last is not None:
            index, last, last_black = self._last
            # The unshifted distance bounds the shifted one from above: most frames stop there.
            if black != last_black or (
                not black
                and float(np.mean(np.abs(last - picture))) >= CANDIDATE_DISTANCE
                and picture_distance(last, picture) >= CANDIDATE_DISTANCE
            ):
                self._pairs.append((frame.index, index))
                if frame.between:
                    self._want(index, frame.index)
        self._last = (frame.index, picture, black)

    def post_process(self) -> list[tuple[int, int]]:
        return list(self._pairs)


#: Recent native frames a :class:`CutAnalyser` keeps (small grey pictures) for the candidates it
#: finds: more than the frames between two analysed frames plus ``FADE_TAIL``.
RECENT_FRAMES = 64
#: Candidates closer than this (native frames) are refined in one decode (each decode starts at the
#: keyframe before its first frame; farther apart, decoding the frames between costs more than a
#: second seek: 1.54 s against 1.99 s with 300 on ``video/testvideo.mp4``, 0.75 against 0.94 s on
#: the hamilton clip at 720p).
REFINE_GROUP_FRAMES = 32


def _greys(path: str | Path, start: int, end: int) -> dict[int, np.ndarray]:
    """Small grey pictures of native frames ``start`` to ``end`` (inclusive), as the pass hands them
    (``read_frames``' ``between_width``)."""
    frames = read_frames(
        path, width=COMPARE_WIDTH, start_frame=max(0, start), end_frame=end + 1, between_width=COMPARE_WIDTH
    )
    return {index: grey for frame in frames for index, grey in frame.between}


def _luma(greys: dict[int, np.ndarray], frames: list[int]) -> list[float]:
    return [float(greys[k].mean()) for k in frames]


def _black_boundary(greys: dict[int, np.ndarray], previous: int, cut: int) -> tuple[int, str]:
    """Where a change into or out of black around ``(previous, cut]`` happens, and whether it is a
    ``"cut"`` (its one frame holds ``CUT_CONCENTRATION`` of the luma change two frames either side)
    or a ``"fade"``. Looks up to ``FADE_TAIL`` frames beyond the stretch for the black level."""
    frames = sorted(greys)
    luma = dict(zip(frames, _luma(greys, frames), strict=True))
    if not _is_black(greys[previous]):  # into black: the first frame at the black level
        after = [k for k in frames if previous < k <= cut + FADE_TAIL]
        level = min(luma[k] for k in after)
        boundary = next(k for k in after if luma[k] <= level + FADE_STEP)
    else:  # out of black: the frame after the last one at the black level
        before = [k for k in frames if previous - FADE_TAIL <= k <= cut]
        level = min(luma[k] for k in before if k <= previous)
        boundary = max(k for k in before if luma[k] <= level + FADE_STEP) + 1
    step = abs(luma[boundary] - luma.get(boundary - 1, luma[boundary]))
    span = abs(luma.get(boundary + 2, luma[boundary]) - luma.get(boundary - 3, luma[boundary]))
    return boundary, "cut" if span > 0 and step >= CUT_CONCENTRATION * span else "fade"


def _cut_in(greys: dict[int, np.ndarray], previous: int, cut: int) -> tuple[int, str] | None:
    """The native frame in ``(previous, cut]`` where a cut (``"cut"``) or a fade into or out of
    black (``"fade"``) starts, or ``None``."""
    frames = [k for k in sorted(greys) if previous <= k <= cut]
    if len(frames) < 2:
        return None
    if _is_black(greys[frames[0]]) != _is_black(greys[frames[-1]]):
        return _black_boundary(greys, previous, cut)
    if _is_black(greys[frames[0]]):
        return None
    pictures = {k: normalised(greys[k]) for k in greys}
    steps = {b: picture_distance(pictures[a], pictures[b]) for a, b in itertools.pairwise(frames)}
    best = max(steps, key=steps.__getitem__)
    if steps[best] < CUT_DISTANCE or steps[best] < CUT_CONCENTRATION * sum(steps.values()):
        return None
    # A one-frame flash (or one frame of another picture) returns to where it was: into it, the
    # frame after it matches the one before; out of it, the frame after matches two before.
    for a, b in ((best - 1, best + 1), (best - 2, best)):
        if a in pictures and b in pictures and picture_distance(pictures[a], pictures[b]) < CUT_DISTANCE:
            return None
    return best, "cut"


def refine_cuts(
    path: str | Path,
    pairs: list[tuple[int, int]],
    *,
    greys: dict[int, np.ndarray] | None = None,
    seen_until: int = -1,
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Native frame numbers of the confirmed cuts, and of the fades into or out of black, among the
    candidate ``(cut, previous)`` stretches.

    Decodes each stretch (plus ``FADE_TAIL`` frames either side, from the keyframe before)
    at ``COMPARE_WIDTH`` and keeps the stretch's cut when it is large, concentrated on one frame and
    no one-frame flash (see the module notes). A fade is placed on its first frame out of black
    (fade in) or its first frame at the black level (fade out). ``greys`` (from
    :class:`CutAnalyser` fed ``Frame.between``), complete up to native frame ``seen_until``, stand
    in for the decode of every stretch that ends by then."""
    pending = sorted((previous, cut) for cut, previous in pairs)
    groups: list[list[tuple[int, int]]] = []
    for window in pending:
        if groups and window[0] - groups[-1][-1][1] < REFINE_GROUP_FRAMES:
            groups[-1].append(window)
        else:
            groups.append([window])
    found: dict[str, set[int]] = {"cut": set(), "fade": set()}
    for group in groups:
        start, end = max(0, group[0][0] - FADE_TAIL), group[-1][1] + FADE_TAIL
        if greys is not None and end <= seen_until:
            found_greys = {k: g for k, g in greys.items() if start <= k <= end}
        else:
            found_greys = _greys(path, start, end)
        for previous, cut in group:
            if previous not in found_greys:
                continue
            result = _cut_in(found_greys, previous, cut)
            if result is not None and result[0] > 0:
                found[result[1]].add(result[0])
    return tuple(sorted(found["cut"])), tuple(sorted(found["fade"]))
