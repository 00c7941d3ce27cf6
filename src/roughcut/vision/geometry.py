"""Face geometry from mediapipe landmarks: face height, head yaw class, mouth opening, screen third.

Landmark numbers are those of mediapipe's 468-point face mesh (``FACEMESH`` canonical model) and of
its face detector's six key points (right eye, left eye, nose tip, mouth, right ear, left ear).
"""

from __future__ import annotations

import numpy as np

#: Mesh landmarks: top of the forehead and the chin (face height, as the demo's ground truth uses).
FOREHEAD, CHIN = 10, 152
#: Mesh landmarks at the outer edges of the face (cheeks, viewer's left and right) and the nose tip.
CHEEK_LEFT, CHEEK_RIGHT, NOSE_TIP = 234, 454, 1
#: Inner-lip pairs (upper, lower) averaged for the mouth opening: centre and either side of it.
INNER_LIP_PAIRS = ((13, 14), (82, 87), (312, 317))
#: Detector key points used for yaw: nose tip, right ear tragion, left ear tragion.
KEY_NOSE, KEY_EAR_RIGHT, KEY_EAR_LEFT = 2, 4, 5

#: Yaw asymmetry limits: ``|2r - 1|`` where ``r`` is where the nose tip sits between the two sides of
#: the face (0.5 = centred). Below the first it is frontal (about ±20°), below the second three-quarter
#: (about ±55°), above it profile.
YAW_LIMITS = (0.3, 0.7)


def face_height_from_landmarks(points: np.ndarray) -> float:
    """Forehead-to-chin distance in the units of ``points`` (``(468, 2+)`` pixel coordinates)."""
    return float(np.linalg.norm(points[FOREHEAD, :2] - points[CHIN, :2]))


def yaw_class(asymmetry: float) -> str:
    """``frontal``, ``three_quarter`` or ``profile`` from a nose asymmetry in [0, 1]."""
    if asymmetry < YAW_LIMITS[0]:
        return "frontal"
    if asymmetry < YAW_LIMITS[1]:
        return "three_quarter"
    return "profile"


def _asymmetry(left: float, right: float, nose: float) -> float:
    span = right - left
    if abs(span) < 1e-6:
        return 1.0
    where = (nose - left) / span
    return float(min(1.0, abs(2.0 * where - 1.0)))


def yaw_from_landmarks(points: np.ndarray) -> str:
    """Yaw class from the nose tip's place between the cheek edges of a mesh."""
    return yaw_class(_asymmetry(points[CHEEK_LEFT, 0], points[CHEEK_RIGHT, 0], points[NOSE_TIP, 0]))


def yaw_from_keypoints(keypoints: np.ndarray) -> str:
    """Yaw class from the nose tip's place between the ear tragions of a detection (``(6, 2)``)."""
    return yaw_class(
        _asymmetry(keypoints[KEY_EAR_RIGHT, 0], keypoints[KEY_EAR_LEFT, 0], keypoints[KEY_NOSE, 0])
    )


def mouth_opening(points: np.ndarray) -> float:
    """Mean inner-lip gap over face height (dimensionless; about 0 closed, 0.1 and more wide open)."""
    height = face_height_from_landmarks(points)
    if height <= 0:
        return 0.0
    gaps = [np.linalg.norm(points[a, :2] - points[b, :2]) for a, b in INNER_LIP_PAIRS]
    return float(np.mean(gaps) / height)


def screen_third(center_x: float) -> str:
    """``left``, ``centre`` or ``right`` for a horizontal position given as a fraction of the width."""
    if center_x < 1 / 3:
        return "left"
    if center_x > 2 / 3:
        return "right"
    return "centre"


def iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Intersection over union of two ``(x, y, w, h)`` boxes."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0
