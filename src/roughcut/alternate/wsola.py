"""Time-stretching without pitch change: WSOLA (waveform-similarity overlap-add) on numpy.

Verhelst and Roelands (ICASSP 1993): the output is built from overlapping Hann-windowed frames of
the input; each frame is taken near where a time map says it should come from, shifted within a
small tolerance to the place whose waveform best continues the frame before, so periods line up and
the pitch is kept. The time map is piecewise linear (anchors in samples), so each word of a line can
be squeezed or stretched by its own factor in one continuous pass.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Analysis frame and search tolerance (seconds): 40 ms frames, half overlap, ±10 ms search.
FRAME_S = 0.040
TOLERANCE_S = 0.010


def stretch_map(
    samples: np.ndarray,
    sample_rate: int,
    *,
    anchors_in: Sequence[int],
    anchors_out: Sequence[int],
) -> np.ndarray:
    """``samples`` (mono float32) time-warped so input sample ``anchors_in[k]`` lands on output
    sample ``anchors_out[k]`` (both increasing, in samples at ``sample_rate`` Hz); linear between
    anchors. The output has ``anchors_out[-1]`` samples."""
    x = np.asarray(samples, np.float32)
    a_in = np.asarray(anchors_in, np.float64)
    a_out = np.asarray(anchors_out, np.float64)
    if len(a_in) != len(a_out) or len(a_in) < 2 or np.any(np.diff(a_out) <= 0) or np.any(np.diff(a_in) < 0):
        raise ValueError("anchors must be two increasing sequences of the same length (at least 2)")
    frame = max(16, 2 * round(FRAME_S * sample_rate / 2))
    hop, tol = frame // 2, max(1, round(TOLERANCE_S * sample_rate))
    n_out = int(a_out[-1])
    window = np.hanning(frame + 1)[:frame].astype(np.float32)  # periodic: sums to 1 at half overlap
    pad = frame + tol
    padded = np.concatenate([np.zeros(pad, np.float32), x, np.zeros(pad + frame, np.float32)])
    out = np.zeros(n_out + 2 * frame, np.float32)
    previous = None
    for centre_out in range(0, n_out + hop, hop):
        ideal = int(np.rint(np.interp(centre_out, a_out, a_in))) + pad
        if previous is None:
            chosen = ideal
        else:
            natural = previous + hop
            template = padded[natural - hop : natural + hop]
            region = padded[ideal - tol - hop : ideal + tol + hop]
            score = np.correlate(region, template, mode="valid")
            chosen = ideal - tol + int(np.argmax(score))
        out[centre_out : centre_out + frame] += window * padded[chosen - hop : chosen + hop]
        previous = chosen
    return out[hop : hop + n_out]


def stretch(samples: np.ndarray, sample_rate: int, length: int) -> np.ndarray:
    """``samples`` stretched or squeezed uniformly to ``length`` samples, pitch kept."""
    return stretch_map(samples, sample_rate, anchors_in=[0, len(samples)], anchors_out=[0, length])
