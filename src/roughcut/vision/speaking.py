"""Visual speaking activity: is this face talking, from the motion of its lips.

The signal is the change of the lips' shape between consecutive samples (40 inner and outer lip
landmarks relative to the eyes, in face heights) plus the change of the inner-lip gap, smoothed over
``WINDOW_S``. Talking keeps the lips moving at syllable rate; a face that only holds its mouth open,
or nods, does not. A stretch is speaking where the smoothed motion exceeds ``THRESHOLD`` (hysteresis
down to ``THRESHOLD_LOW``); gaps shorter than ``BRIDGE_S`` are bridged and bursts shorter than
``MIN_SPEECH_S`` dropped. Tuned on the GRID clips at 25 frames per second (see the tests).
"""

from __future__ import annotations

import numpy as np

#: Inner and outer lip landmarks of the face mesh.
INNER_LIPS = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 415, 310, 311, 312, 13, 82, 81, 80, 191)
OUTER_LIPS = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185)
LIP_LANDMARKS = (*INNER_LIPS, *OUTER_LIPS)
#: Outer eye corners: the reference the lips are measured from (head motion cancels out).
EYE_CORNERS = (33, 263)
#: Smoothing window of the lip motion, seconds.
WINDOW_S = 0.36
#: Smoothed lip motion (face heights per sample at 25 fps) that starts and sustains speaking.
THRESHOLD = 0.005
THRESHOLD_LOW = 0.005
#: Pauses shorter than this inside speech count as speech, seconds.
BRIDGE_S = 0.4
#: Bursts of motion shorter than this are not speech, seconds.
MIN_SPEECH_S = 0.3
#: The analysis rate the thresholds were tuned at; motion per sample at a lower rate ``r`` is scaled by
#: ``(r / REFERENCE_FPS) ** RATE_EXPONENT`` (lips move further between samples further apart, but
#: less than in proportion: tuned on GRID at 8 and 12.5 frames per second).
REFERENCE_FPS = 25.0
RATE_EXPONENT = 0.75


def lip_shape(points: np.ndarray, face_height: float) -> np.ndarray:
    """The lips' landmarks relative to the eye corners' midpoint, in face heights (``(40, 2)``)."""
    reference = points[list(EYE_CORNERS), :2].mean(axis=0)
    return (points[list(LIP_LANDMARKS), :2] - reference) / max(face_height, 1e-6)


def lip_motion(previous: np.ndarray, current: np.ndarray) -> float:
    """Root-mean-square displacement between two lip shapes (face heights)."""
    return float(np.sqrt(np.mean(np.sum((current - previous) ** 2, axis=1))))


def mouth_activity(motion: np.ndarray, opening: np.ndarray, *, sample_rate: float) -> np.ndarray:
    """Smoothed lip motion per sample, at the reference rate's scale.

    ``motion`` (lip-shape change since the previous sample) and ``opening`` (inner-lip gap), both in
    face heights with NaN where unknown; ``sample_rate`` in samples per second. Returns ``(n,)``.
    """
    from scipy.ndimage import uniform_filter1d

    motion = np.nan_to_num(np.asarray(motion, dtype=float), nan=0.0)
    opening = np.asarray(opening, dtype=float)
    filled = _fill_nan(opening)
    gap_change = np.abs(np.diff(filled, prepend=filled[:1])) if len(filled) else filled
    # Motion between samples further apart is larger: compare per reference-rate step.
    per_step = (motion + gap_change) * min(1.0, sample_rate / REFERENCE_FPS) ** RATE_EXPONENT
    window = max(1, round(WINDOW_S * sample_rate))
    return uniform_filter1d(per_step, window, mode="nearest") if len(per_step) else per_step


def _fill_nan(values: np.ndarray) -> np.ndarray:
    known = ~np.isnan(values)
    if not known.any():
        return np.zeros_like(values)
    index = np.arange(len(values))
    return np.interp(index, index[known], values[known])


def speaking_mask(activity: np.ndarray, *, sample_rate: float) -> np.ndarray:
    """Speaking decision per sample from :func:`mouth_activity` (hysteresis, bridging, min length)."""
    from scipy.ndimage import binary_closing, binary_opening, label

    activity = np.asarray(activity, dtype=float)
    if not len(activity):
        return np.zeros(0, bool)
    above = activity > THRESHOLD_LOW
    labels, count = label(above)
    speaking = np.zeros(len(activity), bool)
    for k in range(1, count + 1):
        part = labels == k
        if activity[part].max() > THRESHOLD:
            speaking |= part
    bridge = round(BRIDGE_S * sample_rate)
    if bridge > 1:
        speaking = binary_closing(np.pad(speaking, bridge), np.ones(bridge))[bridge:-bridge]
    shortest = round(MIN_SPEECH_S * sample_rate)
    if shortest > 1:
        speaking = binary_opening(np.pad(speaking, shortest), np.ones(shortest))[shortest:-shortest]
    return speaking


def speaking_at(track, frames: np.ndarray) -> np.ndarray:
    """The track's speaking decision at native ``frames``: Light-ASD's (widened to the voice heard
    where ``speech_decided`` is set) at its nearest model frame (25 a second) where it decided, else
    each frame takes its nearest analysed sample's lip-motion decision, if that is no further than
    the track's usual spacing between samples (else not speaking)."""
    frames = np.asarray(frames)
    if getattr(track, "speaking_source", "").startswith("light-asd") and track.speech_frames:
        from roughcut.vision.active_speaker import TrackSpeech

        decided = getattr(track, "speech_decided", ())
        speech = TrackSpeech(
            frames=np.array(track.speech_frames),
            scores=np.array(track.speech_scores),
            decided=np.array(decided, bool) if decided else None,
        )
        return speech.at(frames)
    sampled = np.array([s.frame for s in track.samples])
    decisions = np.array(track.speaking, bool)
    if not len(sampled):
        return np.zeros(len(frames), bool)
    after = np.clip(np.searchsorted(sampled, frames), 0, len(sampled) - 1)
    before = np.clip(after - 1, 0, len(sampled) - 1)
    nearest = np.where(np.abs(sampled[before] - frames) <= np.abs(sampled[after] - frames), before, after)
    spacing = float(np.median(np.diff(sampled))) if len(sampled) > 1 else 1.0
    close = np.abs(sampled[nearest] - frames) <= spacing
    return decisions[nearest] & close
