"""A learnt dialogue denoiser: a small convolutional mask network, run in numpy.

The network (about 10 k weights, shipped in ``models/dialogue_denoiser.npz``) reads three maps
over frequency and time of 16 kHz speech (512-point STFT, 128-sample hop: 32 ms frames every
8 ms): the log power against the recording's mean level, against each bin's noise floor (its
20th-percentile level over the whole recording, a minimum-statistics estimate), and the bin's
frequency. Small 2-D convolutions shared by every bin, which see 6 bins and 16 frames (128 ms)
either side, give each bin of each frame a gain in [0, 1]. It is trained on speech mixed with
noise made in ``training/train_dialogue_denoiser.py`` (which says what it saw), for SI-SDR and
for closeness to the ideal mask; unlike a noise profile it can follow noise that changes.

Weights load from the package by default, or from any ``.npz`` of the same layout (a retrained
model): nothing is downloaded. Inference needs only numpy and scipy.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

#: The network's sample rate (Hz); other rates are resampled to it and back.
MODEL_RATE = 16000
N_FFT = 512
HOP = 128
DEFAULT_MODEL = Path(__file__).with_name("models") / "dialogue_denoiser.npz"
#: Dilations of the convolution blocks, and the quantile taken as each bin's noise floor.
DILATIONS = (1, 2, 4, 8)
FLOOR_QUANTILE = 0.2
#: Frequency bins per matrix product in the convolutions (small blocks keep the copies in cache).
_BINS_PER_BLOCK = 8
_REQUIRED = (
    "inp.weight",
    "inp.bias",
    "out.weight",
    "out.bias",
    *(f"blocks.{block}.{kind}" for block in range(len(DILATIONS)) for kind in ("weight", "bias")),
)


@dataclass(frozen=True)
class DenoiserModel:
    """The weights of one trained network, as numpy arrays named as in the PyTorch module."""

    weights: dict[str, np.ndarray]
    note: str = ""


def load_denoiser(path: str | Path | None = None) -> DenoiserModel:
    """Load denoiser weights from ``path`` (the shipped model when ``None``).

    Raises ``FileNotFoundError`` naming the path, or ``ValueError`` naming the missing arrays.
    """
    path = Path(path) if path is not None else DEFAULT_MODEL
    return _load(path.resolve())


@lru_cache(maxsize=4)
def _load(path: Path) -> DenoiserModel:
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no denoiser model there")
    with np.load(path, allow_pickle=False) as archive:
        weights = {name: archive[name].astype(np.float32) for name in archive.files if name != "note"}
        note = str(archive["note"]) if "note" in archive.files else ""
    missing = [name for name in _REQUIRED if name not in weights]
    if missing:
        raise ValueError(f"{path}: not a dialogue denoiser model (missing {', '.join(missing)})")
    return DenoiserModel(weights, note)


def _window() -> np.ndarray:
    """The periodic Hann window of ``N_FFT`` samples."""
    return (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float64)


def stft(samples: np.ndarray) -> np.ndarray:
    """Complex spectrum (bins x frames) of the network: frames centred on every ``HOP``-th sample,
    the signal zero-padded by half a frame at each end (PyTorch's ``center=True``)."""
    padded = np.pad(np.asarray(samples, np.float64), N_FFT // 2)
    count = 1 + len(samples) // HOP
    index = np.arange(N_FFT)[None, :] + HOP * np.arange(count)[:, None]
    padded = np.pad(padded, (0, max(0, index[-1, -1] + 1 - len(padded))))
    return np.fft.rfft(padded[index] * _window(), axis=1).T


def istft(spectrum: np.ndarray, length: int) -> np.ndarray:
    """Inverse of :func:`stft`: windowed overlap-add, divided by the summed squared window."""
    frames = np.fft.irfft(spectrum.T, N_FFT, axis=1) * _window()
    total = N_FFT + HOP * (len(frames) - 1)
    out = np.zeros(total)
    norm = np.zeros(total)
    squared = _window() ** 2
    for k, frame in enumerate(frames):
        out[k * HOP : k * HOP + N_FFT] += frame
        norm[k * HOP : k * HOP + N_FFT] += squared
    out = out / np.where(norm > 1e-11, norm, 1.0)
    out = out[N_FFT // 2 : N_FFT // 2 + length]
    return np.pad(out, (0, length - len(out)))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _conv2d(
    x: np.ndarray, weight: np.ndarray, bias: np.ndarray, dilation: tuple[int, int] = (1, 1)
) -> np.ndarray:
    """PyTorch ``Conv2d`` with "same" zero padding, channels last: ``x`` (bins x frames x
    channels), ``weight`` (out x in x bin taps x frame taps) as PyTorch stores it.

    Every tap's shifted window is laid side by side (im2col) for a few bins at a time, so each
    block is one matrix product; that keeps the copies small and the products wide.
    """
    out_channels, in_channels, taps_f, taps_t = weight.shape
    reach_f, reach_t = dilation[0] * (taps_f // 2), dilation[1] * (taps_t // 2)
    bins, frames, _ = x.shape
    padded = np.pad(x, ((reach_f, reach_f), (reach_t, reach_t), (0, 0)))
    kernel = weight.transpose(2, 3, 1, 0).reshape(taps_f * taps_t * in_channels, out_channels)
    out = np.empty((bins, frames, out_channels), np.float32)
    for first in range(0, bins, _BINS_PER_BLOCK):
        last = min(bins, first + _BINS_PER_BLOCK)
        columns = np.concatenate(
            [
                padded[
                    first + i * dilation[0] : last + i * dilation[0],
                    j * dilation[1] : j * dilation[1] + frames,
                ]
                for i in range(taps_f)
                for j in range(taps_t)
            ],
            axis=2,
        )
        out[first:last] = (columns.reshape(-1, columns.shape[2]) @ kernel).reshape(last - first, frames, -1)
    out += bias
    return out


def denoise_mask(spectrum: np.ndarray, model: DenoiserModel) -> np.ndarray:
    """The network's gain in [0, 1] for every bin and frame of ``spectrum`` (bins x frames)."""
    weights = model.weights
    power = np.log(np.abs(spectrum) ** 2 + 1e-9)
    floor = np.quantile(power, FLOOR_QUANTILE, axis=1, keepdims=True)
    frequency = np.broadcast_to(np.linspace(0, 1, power.shape[0])[:, None], power.shape)
    features = np.stack([(power - power.mean()) / 5.0, (power - floor) / 5.0, frequency], axis=2)
    hidden = np.maximum(_conv2d(features.astype(np.float32), weights["inp.weight"], weights["inp.bias"]), 0.0)
    for block, dilation in enumerate(DILATIONS):
        step = _conv2d(
            hidden, weights[f"blocks.{block}.weight"], weights[f"blocks.{block}.bias"], (1, dilation)
        )
        hidden = hidden + np.maximum(step, 0.0)
    return _sigmoid(_conv2d(hidden, weights["out.weight"], weights["out.bias"]))[..., 0]


def learnt_denoise(
    samples: np.ndarray, sample_rate: int, *, model: DenoiserModel | None = None, strength: float = 1.0
) -> np.ndarray:
    """Reduce noise in mono ``samples`` at ``sample_rate`` (Hz) with the learnt mask network.

    ``strength`` in [0, 1] blends the network's gain with no change (1: the full gain). Sound above
    8 kHz, which the network does not see, is kept and turned down by each frame's mean gain.
    """
    model = model or load_denoiser()
    x = np.asarray(samples, np.float64)
    if len(x) == 0:
        return x.astype(np.float32)
    at_model_rate = x if sample_rate == MODEL_RATE else resample_poly(x, MODEL_RATE, sample_rate)
    spectrum = stft(at_model_rate)
    gain = denoise_mask(spectrum, model)
    gain = 1.0 - strength * (1.0 - gain)
    cleaned = istft(spectrum * gain, len(at_model_rate))
    if sample_rate == MODEL_RATE:
        return cleaned.astype(np.float32)
    out = resample_poly(cleaned, sample_rate, MODEL_RATE)[: len(x)]
    out = np.pad(out, (0, len(x) - len(out)))
    if sample_rate > MODEL_RATE:
        # What lies above the model's band, gated by the frame gain of the band below.
        highs = x - resample_poly(at_model_rate, sample_rate, MODEL_RATE)[: len(x)]
        position = np.arange(len(x)) * MODEL_RATE / sample_rate  # in model-rate samples
        out += highs * np.interp(position, HOP * np.arange(gain.shape[1]), gain.mean(axis=0))
    return out.astype(np.float32)
