"""De-reverb for dialogue recorded in a room: weighted prediction error (WPE).

WPE (Nakatani et al. 2010; Yoshioka & Nakatani 2012) predicts each STFT bin's late reverberation
from the frames a few tens of milliseconds before it and subtracts it, weighting frames by the
inverse of the speech's own power; the direct sound and early reflections stay. It runs here through
``nara_wpe`` (Drude et al. 2018, MIT) on one channel, in about 32 ms frames every 8 ms at any rate.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import istft, stft

#: Frame and hop (s) of the STFT WPE works on.
FRAME_S = 0.032
HOP_S = 0.008
#: Prediction taps and guard delay, in frames: late reverberation from 24 ms to 184 ms back is removed.
TAPS = 20
DELAY = 3
ITERATIONS = 3


def wpe_dereverb(
    samples: np.ndarray,
    sample_rate: int,
    *,
    taps: int = TAPS,
    delay: int = DELAY,
    iterations: int = ITERATIONS,
) -> np.ndarray:
    """Remove late reverberation from mono ``samples`` at ``sample_rate`` (Hz) with WPE.

    ``taps`` and ``delay`` are in frames of :data:`HOP_S` seconds. Returns float32 samples of the
    input's length, lined up with it.
    """
    from nara_wpe.wpe import wpe_v8

    x = np.asarray(samples, np.float64)
    if len(x) == 0 or not np.any(x):
        return x.astype(np.float32)
    size = 1 << round(np.log2(FRAME_S * sample_rate))
    hop = max(1, round(HOP_S * sample_rate))
    hop = size // max(1, round(size / hop))
    _, _, spectrum = stft(x, sample_rate, nperseg=size, noverlap=size - hop)
    # nara_wpe wants (frequency, channel, time).
    dry = wpe_v8(spectrum[:, None, :], taps=taps, delay=delay, iterations=iterations, statistics_mode="full")
    _, out = istft(dry[:, 0, :], sample_rate, nperseg=size, noverlap=size - hop)
    out = out[: len(x)]
    return np.pad(out, (0, len(x) - len(out))).astype(np.float32)
