"""Objective measures of a processed signal against its clean reference."""

from __future__ import annotations

import numpy as np


def si_sdr(estimate: np.ndarray, reference: np.ndarray) -> float:
    """Scale-invariant signal-to-distortion ratio in dB (Le Roux et al., ICASSP 2019).

    Both 1-D and sample-aligned; the longer one is cut to the shorter. Higher is better; ``inf``
    when ``estimate`` is a scaled copy of ``reference``.
    """
    n = min(len(estimate), len(reference))
    estimate = np.asarray(estimate[:n], np.float64) - np.mean(estimate[:n])
    reference = np.asarray(reference[:n], np.float64) - np.mean(reference[:n])
    energy = float(np.dot(reference, reference))
    if energy == 0:
        raise ValueError("si_sdr needs a reference that is not silent")
    target = np.dot(estimate, reference) / energy * reference
    error = estimate - target
    error_energy = float(np.dot(error, error))
    if error_energy == 0:
        return float("inf")
    return float(10 * np.log10(np.dot(target, target) / error_energy))
