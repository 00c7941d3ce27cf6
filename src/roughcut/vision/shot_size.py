"""Shot size from the largest face: ECU, CU, MCU, MS, MLS, LS, ELS.

Convention: the size of a shot is how many face heights (forehead to chin, mediapipe mesh landmarks
10 and 152) fit in the frame's height, with the body proportions figure drawing uses: a standing
adult is about ten face heights tall (seven and a half heads), the shoulders sit about 1.7 face heights
below the forehead, the chest about 2.8, the waist about 4, the knees about 7.5. Each size is named by
where the frame's lower edge cuts the body, with some headroom above:

=====  ==========================  ======================  =====================
size   lower edge of the frame     face heights in frame   face height / frame
=====  ==========================  ======================  =====================
ECU    inside the face             under 1.7               0.60 and more
CU     shoulders                   1.7 to 2.8              0.36 to 0.60
MCU    chest                       2.8 to 4                0.25 to 0.36
MS     waist                       4 to 6.25               0.16 to 0.25
MLS    knees (the "American")      6.25 to 10              0.10 to 0.16
LS     whole figure                10 to 20                0.05 to 0.10
ELS    figure small in the place   more than 20            under 0.05
=====  ==========================  ======================  =====================

The limits are the geometric means between neighbouring sizes' typical framings (ECU 0.83, CU 0.42,
MCU 0.30, MS 0.20, MLS 0.125, LS 0.077, ELS 0.033). The demo's wide two-shot (face 0.20 of the frame
height) is an MS and its close-ups (0.42) are CUs.
"""

from __future__ import annotations

#: Shot sizes from closest to widest.
SHOT_SIZES = ("ECU", "CU", "MCU", "MS", "MLS", "LS", "ELS")
#: Lowest face height over frame height of each size but the last (ELS is everything below LS).
SHOT_SIZE_LIMITS = (0.60, 0.36, 0.25, 0.16, 0.10, 0.05)


def classify_shot_size(face_height_ratio: float) -> str:
    """Shot size name for the largest face's forehead-to-chin height over the frame height."""
    for name, limit in zip(SHOT_SIZES, SHOT_SIZE_LIMITS, strict=False):
        if face_height_ratio >= limit:
            return name
    return SHOT_SIZES[-1]


def shot_size_index(name: str) -> int:
    """0 for ECU up to 6 for ELS (for "closer than" comparisons)."""
    return SHOT_SIZES.index(name)
