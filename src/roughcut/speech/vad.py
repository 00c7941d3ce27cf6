"""Voice activity: where speech is in a recording, with webrtcvad at 16 kHz and an energy fallback.

Both detectors judge 30 ms frames; runs of speech frames are smoothed (short gaps bridged, short
blips dropped) and padded, so room tone, clicks and breaths between lines do not split or make
segments.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from roughcut.speech.span import SampleSpan

#: webrtcvad accepts 8, 16, 32 and 48 kHz; roughcut analyses at 16 kHz.
VAD_RATE = 16_000
FRAME_MS = 30
#: Gaps shorter than this inside speech are bridged (seconds).
MIN_GAP_S = 0.3
#: Segments shorter than this are dropped (seconds).
MIN_SPEECH_S = 0.12
#: Padding added to each end of a segment (seconds), within the recording.
PAD_S = 0.05
#: Energy detector: a frame is speech when it is this many dB above the room tone (10th percentile).
ENERGY_MARGIN_DB = 12.0


@dataclass(frozen=True)
class SpeechSegment(SampleSpan):
    """A stretch of speech: ``start``/``end`` in samples at ``sample_rate`` Hz (end exclusive)."""

    start: int
    end: int
    sample_rate: int

    @property
    def duration(self) -> Fraction:
        """Length in exact seconds."""
        return Fraction(self.end - self.start, self.sample_rate)


def voice_activity(
    samples: np.ndarray,
    sample_rate: int,
    *,
    engine: str = "webrtc",
    aggressiveness: int = 2,
    min_gap_s: float = MIN_GAP_S,
    min_speech_s: float = MIN_SPEECH_S,
    pad_s: float = PAD_S,
) -> list[SpeechSegment]:
    """Speech segments of mono ``samples`` (float32 in [-1, 1]) at ``sample_rate`` Hz.

    ``engine`` is ``"webrtc"`` (webrtcvad, ``aggressiveness`` 0-3; falls back to the energy
    detector when webrtcvad is not installed) or ``"energy"`` (frames ``ENERGY_MARGIN_DB`` above the
    room tone). Segment positions are in samples at ``sample_rate``.
    """
    samples = np.asarray(samples, dtype=np.float32)
    if samples.ndim != 1:
        raise ValueError(f"voice_activity needs mono samples, got shape {samples.shape}")
    audio16 = _resample(samples, sample_rate, VAD_RATE)
    hop = VAD_RATE * FRAME_MS // 1000
    count = len(audio16) // hop
    if count == 0:
        return []
    frames = audio16[: count * hop].reshape(count, hop)
    speech = None
    if engine == "webrtc":
        speech = _webrtc_frames(frames, aggressiveness)
    if speech is None:
        speech = _energy_frames(frames)
    return _segments(speech, hop, sample_rate, len(samples), min_gap_s, min_speech_s, pad_s)


def _resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target:
        return samples
    from math import gcd

    from scipy.signal import resample_poly

    g = gcd(rate, target)
    return resample_poly(samples, target // g, rate // g).astype(np.float32)


def _webrtc_frames(frames: np.ndarray, aggressiveness: int) -> np.ndarray | None:
    try:
        import webrtcvad
    except ImportError:
        return None
    vad = webrtcvad.Vad(aggressiveness)
    pcm = (np.clip(frames, -1, 1) * 32767).astype("<i2")
    # webrtcvad also fires on steady loud room tone; require some energy above the floor as well.
    loud = _energy_frames(frames, margin_db=6.0)
    return np.array([vad.is_speech(row.tobytes(), VAD_RATE) for row in pcm]) & loud


def _energy_frames(frames: np.ndarray, margin_db: float = ENERGY_MARGIN_DB) -> np.ndarray:
    energy = 10 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-12)
    floor = np.percentile(energy, 10)
    return (energy > floor + margin_db) & (energy > -70.0)


def _segments(
    speech: np.ndarray,
    hop: int,
    rate: int,
    total: int,
    min_gap_s: float,
    min_speech_s: float,
    pad_s: float,
) -> list[SpeechSegment]:
    """Runs of speech frames → segments in samples at ``rate``, gaps bridged, blips dropped, padded."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], speech.astype(np.int8), [0]])))
    runs = [[int(a), int(b)] for a, b in zip(edges[::2], edges[1::2], strict=True)]
    frame_s = hop / VAD_RATE
    merged: list[list[int]] = []
    for run in runs:
        if merged and (run[0] - merged[-1][1]) * frame_s < min_gap_s:
            merged[-1][1] = run[1]
        else:
            merged.append(run)
    out = []
    pad = round(pad_s * rate)
    for a, b in merged:
        if (b - a) * frame_s < min_speech_s:
            continue
        start = max(0, a * hop * rate // VAD_RATE - pad)
        end = min(total, b * hop * rate // VAD_RATE + pad)
        if out and start <= out[-1].end:
            out[-1] = SpeechSegment(out[-1].start, end, rate)
        else:
            out.append(SpeechSegment(start, end, rate))
    return out
