"""Voice activity for the sound stage only: webrtcvad, confirmed by voicing (parselmouth pitch).

webrtcvad alone calls any steady loud sound speech (noise, hum, music); speech also has voiced
stretches with a pitch, so a frame counts as speech when webrtcvad says so and a voiced frame lies
within ``VOICED_REACH_S`` seconds. The speech stage has its own, fuller detector; this small one
serves noise profiles (room tone is where nobody speaks), dialogue-gated loudness and channel
picking, and stays independent of it.
"""

from __future__ import annotations

from math import gcd

import numpy as np
import webrtcvad
from scipy.signal import resample_poly

#: Rates webrtcvad accepts (Hz).
VAD_RATES = (8000, 16000, 32000, 48000)
FRAME_S = 0.03
#: How far (seconds) a webrtcvad speech frame may lie from a voiced frame and still count as speech.
VOICED_REACH_S = 0.3


def speech_mask(
    samples: np.ndarray, sample_rate: int, *, aggressiveness: int = 2, frame_s: float = FRAME_S
) -> np.ndarray:
    """Boolean speech flag per ``frame_s`` seconds frame (10, 20 or 30 ms) of mono ``samples``,
    independent of the signal's level.

    Frame ``i`` covers samples ``[i * hop, (i + 1) * hop)`` at ``sample_rate`` Hz with
    ``hop = round(frame_s * sample_rate)``; a trailing partial frame is dropped.
    """
    samples = np.asarray(samples, np.float32)
    # webrtcvad's decisions depend on level: bring the loud end of the signal to a fixed level first,
    # so a file and a louder or quieter copy of it get the same answer.
    reference = float(np.percentile(np.abs(samples), 99.9)) if samples.size else 0.0
    if reference > 0:
        samples = samples * (0.5 / reference)
    rate = sample_rate if sample_rate in VAD_RATES else 16000
    if rate != sample_rate:
        divisor = gcd(sample_rate, rate)
        samples = resample_poly(samples, rate // divisor, sample_rate // divisor)
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    frame = round(frame_s * rate)
    vad = webrtcvad.Vad(aggressiveness)
    count = len(pcm) // frame
    flags = np.zeros(count, bool)
    for i in range(count):
        flags[i] = vad.is_speech(pcm[i * frame : (i + 1) * frame].tobytes(), rate)
    return flags


def voiced_mask(samples: np.ndarray, sample_rate: int, *, step_s: float = FRAME_S) -> np.ndarray:
    """Boolean voicing flag (a pitch between 75 and 600 Hz, parselmouth) per ``step_s`` seconds frame."""
    import parselmouth

    count = int(len(samples) // round(step_s * sample_rate))
    if count == 0:
        return np.zeros(0, bool)
    sound = parselmouth.Sound(np.asarray(samples, np.float64), sampling_frequency=sample_rate)
    pitch = sound.to_pitch(time_step=step_s, pitch_floor=75.0, pitch_ceiling=600.0)
    frequency = pitch.selected_array["frequency"]
    if frequency.size == 0:
        return np.zeros(count, bool)
    times = (np.arange(count) + 0.5) * step_s
    nearest = np.clip(np.round((times - pitch.xs()[0]) / pitch.time_step).astype(int), 0, frequency.size - 1)
    return frequency[nearest] > 0


def speech_sample_mask(
    samples: np.ndarray, sample_rate: int, *, aggressiveness: int = 2, pad_s: float = 0.0
) -> np.ndarray:
    """Boolean speech flag per sample of mono ``samples``: webrtcvad speech near voicing (see the
    module docstring), each speech run then widened by ``pad_s`` seconds."""
    samples = np.asarray(samples, np.float32)
    flags = speech_mask(samples, sample_rate, aggressiveness=aggressiveness)
    if flags.any():
        from scipy.ndimage import binary_dilation

        voiced = voiced_mask(samples, sample_rate)[: len(flags)]
        reach = max(1, round(VOICED_REACH_S / FRAME_S))
        near_voice = (
            binary_dilation(voiced, structure=np.ones(2 * reach + 1, bool)) if voiced.any() else voiced
        )
        flags = flags[: len(near_voice)] & near_voice
    hop = round(FRAME_S * sample_rate)
    mask = np.zeros(len(samples), bool)
    mask[: len(flags) * hop] = np.repeat(flags, hop)
    pad = round(pad_s * sample_rate)
    if pad > 0 and mask.any():
        from scipy.ndimage import binary_dilation

        mask = binary_dilation(mask, structure=np.ones(2 * pad + 1, bool))
    return mask


def envelope_modulation_db(samples: np.ndarray, sample_rate: int) -> float:
    """How much the level moves (dB): the spread (standard deviation) of the 10 ms log energy over
    the frames within 30 dB of the loudest. Speech rises and falls with its syllables (typically
    6-10 dB); a held tone, hum or steady noise stays within 1-2 dB."""
    hop = max(1, round(0.01 * sample_rate))
    count = len(samples) // hop
    if count < 10:
        return 0.0
    frames = np.asarray(samples[: count * hop], np.float64).reshape(count, hop)
    level = 10 * np.log10((frames**2).mean(axis=1) + 1e-20)
    active = level[level >= level.max() - 30.0]
    return float(np.std(active))
