"""Shot size from framing: where the frame's lower edge cuts the main figure's body.

Convention (docs/shot-sizes.md has pictures): ECU, part of the face fills the frame; CU, head and
shoulders; MCU, chest up; MS, waist up; MLS, knees up; LS, the full figure; ELS, the figure small in
the setting. The measure is the *frame bottom in face heights below the forehead* of the largest
face (face height = forehead to chin, mesh landmarks 10 and 152). Body levels in those units, from
figure-drawing proportions (a standing adult is about ten face heights tall): shoulders 1.7, chest
2.8, waist 4, hip joints 4.8, knees 7.5, ankles 9.7.

=====  ==========================  =========================
size   frame bottom (face heights)  where it cuts the body
=====  ==========================  =========================
ECU    under 1.1                    inside the face or chin
CU     1.1 to 2.3                   neck to shoulders
MCU    2.3 to 3.5                   chest
MS     3.5 to 5.6                   waist to hips
MLS    5.6 to 8.8                   thighs to knees
LS     8.8 and more                 below the ankles: full figure
ELS    full figure under a third of the frame height (face under ``ELS_FACE``)
=====  ==========================  =========================

A face filling ``ECU_FACE`` of the frame height or more is an ECU whatever its position. Two ways to
measure the frame bottom:

* from the face alone (:func:`frame_bottom_from_face`): ``(1 - face top) / face height``, both as
  fractions of the frame height; it assumes an upright figure below the face;
* from body landmarks (:func:`frame_bottom_from_pose`, mediapipe pose): a straight line fitted
  through the shoulders', hips', knees' and ankles' heights against their levels above (the pose
  model places landmarks beyond the frame edge too; knees and ankles only where they lie below the
  joint above, so not for a seated figure), read at the frame bottom. Used where the face
  is small enough for the body to be seen (under ``POSE_MAX_FACE``) and the pose's nose lies in the
  face's box.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from roughcut.errors import RoughcutError

#: Shot sizes from closest to widest: extreme close-up, close-up, medium close-up, medium shot,
#: medium long (cowboy), long (full figure), extreme long. The one ladder: the editor's
#: ``roughcut.edit.coverage.SHOT_SIZES`` is this one.
SHOT_SIZES: tuple[str, ...] = ("ECU", "CU", "MCU", "MS", "MLS", "LS", "ELS")
#: Other names editors use for sizes of the ladder.
SHOT_SIZE_SYNONYMS = {
    "BCU": "ECU",
    "XCU": "ECU",
    "MWS": "MLS",
    "MFS": "MLS",
    "WS": "LS",
    "FS": "LS",
    "EWS": "ELS",
    "XLS": "ELS",
    "XWS": "ELS",
}
#: Frame bottom (face heights below the forehead) from which each size but ECU starts: CU, MCU, MS,
#: MLS, LS (the midpoints between the body levels each size's frame edge sits at).
FRAME_BOTTOM_LIMITS = (1.1, 2.3, 3.5, 5.6, 8.8)
#: Face height over frame height from which a shot is an ECU wherever the face is.
ECU_FACE = 0.6
#: Face height over frame height under which a full figure is small in the setting (ELS): the
#: figure, ten face heights, then fills less than a third of the frame height.
ELS_FACE = 0.033
#: Largest face (over frame height) for which body landmarks are looked for.
POSE_MAX_FACE = 0.3
#: Body levels in face heights below the forehead of mediapipe pose landmarks: shoulders (11, 12),
#: hips (23, 24), knees (25, 26), ankles (27, 28).
BODY_LEVELS = {11: 1.7, 12: 1.7, 23: 4.8, 24: 4.8, 25: 7.5, 26: 7.5, 27: 9.7, 28: 9.7}
#: Shoulders must be seen with at least this visibility for a pose to be used.
MIN_SHOULDER_VISIBILITY = 0.5
#: Face height ratio limits of the face-size-only classification (:func:`classify_shot_size`).
SHOT_SIZE_LIMITS = (0.60, 0.36, 0.25, 0.16, 0.10, 0.05)


def classify_framing(frame_bottom: float, face_height: float) -> str:
    """Shot size for a frame bottom in face heights below the forehead and the face's height over
    the frame height."""
    if face_height >= ECU_FACE:
        return "ECU"
    size = SHOT_SIZES[sum(frame_bottom >= limit for limit in FRAME_BOTTOM_LIMITS)]
    return "ELS" if size == "LS" and face_height < ELS_FACE else size


def frame_bottom_from_face(face_top: float, face_height: float) -> float:
    """Frame bottom in face heights below the forehead, from the face's top and height (fractions
    of the frame height)."""
    return (1.0 - face_top) / max(face_height, 1e-6)


def frame_bottom_from_pose(
    landmarks: Sequence[tuple[float, float, float]], face_box: tuple[float, float, float, float]
) -> float | None:
    """Frame bottom in face heights below the forehead from mediapipe pose landmarks
    (``(x, y, visibility)`` in frame fractions, 33 of them), or ``None`` when the pose is not the
    face's (its nose outside the face box widened by half) or its shoulders are not seen."""
    x, y, w, h = face_box
    nose_x, nose_y, _ = landmarks[0]
    if not (x - w / 2 <= nose_x <= x + 1.5 * w and y - h / 2 <= nose_y <= y + 1.5 * h):
        return None
    if min(landmarks[11][2], landmarks[12][2]) < MIN_SHOULDER_VISIBILITY:
        return None
    # Shoulders and hips always; knees and ankles only while each lies below the one above it by
    # half the shoulder-to-hip distance (a seated figure's knees come forward, not down).
    chain = [(11, 12), (23, 24), (25, 26), (27, 28)]
    heights = [float(np.mean([landmarks[i][1] for i in pair])) for pair in chain]
    torso = heights[1] - heights[0]
    if torso <= 0:
        return None
    used = 2
    while used < len(chain) and heights[used] - heights[used - 1] >= torso / 2:
        used += 1
    levels = [BODY_LEVELS[pair[0]] for pair in chain[:used]]
    slope, offset = np.polyfit(levels, heights[:used], 1)
    if slope <= 0:
        return None
    return float((1.0 - offset) / slope)


def classify_shot_size(face_height_ratio: float) -> str:
    """Shot size from the largest face's height over the frame height alone (for a face whose
    place is unknown; :func:`classify_framing` is the rule)."""
    for name, limit in zip(SHOT_SIZES, SHOT_SIZE_LIMITS, strict=False):
        if face_height_ratio >= limit:
            return name
    return SHOT_SIZES[-1]


def shot_size_index(size: str) -> int:
    """Position of ``size`` on :data:`SHOT_SIZES` (0 = ``ECU``, tightest; 6 = ``ELS``, widest), any
    case, synonyms (:data:`SHOT_SIZE_SYNONYMS`) allowed; a :class:`RoughcutError` naming the ladder
    for anything else."""
    name = SHOT_SIZE_SYNONYMS.get(size.upper(), size.upper())
    try:
        return SHOT_SIZES.index(name)
    except ValueError:
        raise RoughcutError(f"unknown shot size {size!r}; use one of {', '.join(SHOT_SIZES)}") from None
