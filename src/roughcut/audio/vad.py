"""Voice activity: where speech is in a recording, with Silero VAD (a small neural network that
ships inside roughcut, run by onnxruntime), webrtcvad, or an energy detector.

Silero judges 32 ms windows (512 samples at 16 kHz) with a recurrent network trained on real
speech, music and noise, so music beds and laughter are mostly not taken for speech; webrtcvad and
the energy detector judge 30 ms frames by their spectrum and level. Runs of speech frames are
smoothed (short gaps bridged, short blips dropped) and padded, so room tone, clicks and breaths
between lines do not split or make segments.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

import numpy as np

from roughcut.media.span import SampleSpan

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
#: Silero VAD (MIT, github.com/snakers4/silero-vad v6.2.3, the batched "sequence" export of the 16 kHz
#: model from the ``silero-vad`` wheel); see docs/models.md for its size and SHA-256.
SILERO_MODEL = Path(__file__).parent / "models" / "silero_vad_16k_sequence.onnx"
#: Silero's window and the samples of the previous window it sees as context (16 kHz).
SILERO_WINDOW = 512
SILERO_CONTEXT = 64
#: A window becomes speech at this probability and stays speech until it drops below the second
#: (Silero's own hysteresis defaults).
SILERO_ON, SILERO_OFF = 0.5, 0.35
#: Windows per onnxruntime call (about 16 s of audio; the network's state is carried between calls).
_SILERO_BLOCK = 512
ENGINES = ("silero", "webrtc", "energy")


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
    engine: str = "silero",
    aggressiveness: int = 2,
    min_gap_s: float = MIN_GAP_S,
    min_speech_s: float = MIN_SPEECH_S,
    pad_s: float = PAD_S,
    probability: np.ndarray | None = None,
) -> list[SpeechSegment]:
    """Speech segments of mono ``samples`` (float32 in [-1, 1]) at ``sample_rate`` Hz.

    ``engine`` is ``"silero"`` (the shipped Silero network, 32 ms windows; falls back to webrtcvad
    when onnxruntime is not installed), ``"webrtc"`` (webrtcvad, ``aggressiveness`` 0-3; falls back
    to the energy detector when webrtcvad is not installed) or ``"energy"`` (frames
    ``ENERGY_MARGIN_DB`` above the room tone). Segment positions are in samples at ``sample_rate``.
    ``probability`` takes Silero's probabilities already computed for ``samples``
    (:func:`speech_probability`) instead of running the network again.
    """
    if probability is not None and engine == "silero":
        speech, hop = _hysteresis(probability, SILERO_ON, SILERO_OFF), SILERO_WINDOW
    else:
        speech, hop = speech_frames(samples, sample_rate, engine=engine, aggressiveness=aggressiveness)
    if not len(speech):
        return []
    return _segments(speech, hop, sample_rate, len(samples), min_gap_s, min_speech_s, pad_s)


def speech_frames(
    samples: np.ndarray, sample_rate: int, *, engine: str = "silero", aggressiveness: int = 2
) -> tuple[np.ndarray, int]:
    """Per-frame speech decisions of mono ``samples`` at ``sample_rate`` Hz, before smoothing.

    Returns a boolean array (one per frame) and the frame hop in samples at 16 kHz (512 for Silero,
    480 for webrtcvad and the energy detector); frame ``i`` covers ``[i * hop, (i + 1) * hop)``.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown voice activity engine {engine!r}; choose one of {', '.join(ENGINES)}")
    samples = np.asarray(samples, dtype=np.float32)
    if samples.ndim != 1:
        raise ValueError(f"voice_activity needs mono samples, got shape {samples.shape}")
    audio16 = _resample(samples, sample_rate, VAD_RATE)
    if engine == "silero":
        probability = speech_probability(audio16, VAD_RATE)
        if probability is not None:
            return _hysteresis(probability, SILERO_ON, SILERO_OFF), SILERO_WINDOW
        engine = "webrtc"
    hop = VAD_RATE * FRAME_MS // 1000
    count = len(audio16) // hop
    if count == 0:
        return np.zeros(0, bool), hop
    frames = audio16[: count * hop].reshape(count, hop)
    speech = _webrtc_frames(frames, aggressiveness) if engine == "webrtc" else None
    if speech is None:
        speech = _energy_frames(frames)
    return speech, hop


def speech_probability(samples: np.ndarray, sample_rate: int) -> np.ndarray | None:
    """Silero's speech probability (0-1) per 32 ms window (512 samples at 16 kHz) of mono
    ``samples`` at ``sample_rate`` Hz; ``None`` when onnxruntime is not installed.

    The last window is zero-padded; the network's recurrent state runs through the whole recording.
    """
    session = _silero_session()
    if session is None:
        return None
    audio = _resample(np.asarray(samples, dtype=np.float32), sample_rate, VAD_RATE)
    count = -(-len(audio) // SILERO_WINDOW)
    if count == 0:
        return np.zeros(0, np.float32)
    frames = np.zeros((count, SILERO_WINDOW), np.float32)
    frames.reshape(-1)[: len(audio)] = audio
    context = np.zeros((count, SILERO_CONTEXT), np.float32)
    context[1:] = frames[:-1, -SILERO_CONTEXT:]
    windows = np.concatenate([context, frames], axis=1)
    hidden = np.zeros((1, 1, 128), np.float32)
    cell = np.zeros((1, 1, 128), np.float32)
    out = []
    for first in range(0, count, _SILERO_BLOCK):
        block = windows[first : first + _SILERO_BLOCK]
        probability, hidden, cell = session.run(
            ["speech_probs", "hn", "cn"], {"input": block, "h": hidden, "c": cell}
        )
        out.append(probability.reshape(-1))
    return np.concatenate(out).astype(np.float32)


@cache
def _silero_session():  # type: ignore[no-untyped-def]
    """One onnxruntime session on one thread per process (``None`` without onnxruntime)."""
    try:
        import onnxruntime
    except ImportError:
        return None
    options = onnxruntime.SessionOptions()
    options.inter_op_num_threads = 1
    options.intra_op_num_threads = 1
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(
        str(SILERO_MODEL), sess_options=options, providers=["CPUExecutionProvider"]
    )


def _hysteresis(probability: np.ndarray, on: float, off: float) -> np.ndarray:
    """Speech from ``on`` upwards until the probability falls below ``off``."""
    speech = np.zeros(len(probability), bool)
    active = False
    for i, p in enumerate(probability.tolist()):
        active = p >= on if not active else p >= off
        speech[i] = active
    return speech


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
    edges = np.flatnonzero(np.diff(np.concatenate([[0], np.asarray(speech).astype(np.int8), [0]])))
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
