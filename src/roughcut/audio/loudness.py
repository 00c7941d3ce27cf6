"""Loudness to delivery specs: ITU-R BS.1770 / EBU R128 measurement, normalisation, true-peak limiting.

Measurements: integrated loudness (LUFS, which ATSC calls LKFS; pyloudnorm's BS.1770-4 meter),
loudness range (LU, EBU Tech 3342; FFmpeg's ebur128 filter through PyAV), true peak (dBTP, 4x
oversampled as BS.1770-4 Annex 2), and a dialogue-gated loudness: the same gated mean over only the
400 ms blocks where voice activity finds speech, the way ATSC A/85 and the streaming services
measure dialogue.

Signals are numpy float arrays in [-1, 1]: ``(n,)`` mono or ``(channels, n)``, as
:func:`roughcut.media.read_audio` returns them.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pyloudnorm
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import firwin, upfirdn

from roughcut.audio.voice import speech_sample_mask
from roughcut.errors import RoughcutError

BLOCK_S = 0.4
#: Oversampling for true peak (BS.1770-4 asks for at least 4x below 96 kHz).
TRUE_PEAK_OVERSAMPLING = 4
#: The limiter reads peaks at 16x, finer than the 4x meter, and aims this far (dB) below the ceiling,
#: so a finer meter (ffmpeg's ebur128, a 16x check) and 24-bit rounding still read at or under it.
TRUE_PEAK_MARGIN_DB = 0.1
LIMITER_OVERSAMPLING = 16
SILENCE_LUFS = -70.0


@dataclass(frozen=True)
class LoudnessPreset:
    """A delivery spec: target loudness (LUFS/LKFS), true-peak ceiling (dBTP), how it is gated."""

    name: str
    target_lufs: float
    max_true_peak_dbtp: float
    dialogue_gated: bool
    description: str


PRESETS: dict[str, LoudnessPreset] = {
    preset.name: preset
    for preset in (
        LoudnessPreset("ebu-r128", -23.0, -1.0, False, "EBU R128 broadcast: -23 LUFS, -1 dBTP"),
        LoudnessPreset("atsc-a85", -24.0, -2.0, False, "ATSC A/85 (US broadcast): -24 LKFS, -2 dBTP"),
        LoudnessPreset(
            "streaming-dialogue", -27.0, -2.0, True, "streaming, dialogue-gated: -27 LKFS on speech, -2 dBTP"
        ),
    )
}


@dataclass(frozen=True)
class LoudnessReport:
    """What :func:`measure_loudness` found. Levels in LUFS / LU / dBTP / dBFS; ``-inf`` for silence.

    ``dialogue_lufs`` is ``None`` when no speech was found; ``speech_fraction`` is the share of the
    400 ms blocks that hold speech.
    """

    integrated_lufs: float
    loudness_range_lu: float
    true_peak_dbtp: float
    sample_peak_dbfs: float
    dialogue_lufs: float | None
    speech_fraction: float
    duration_s: float

    def gated_lufs(self, dialogue_gated: bool) -> float:
        """The loudness a preset is measured by: dialogue-gated when asked and speech was found."""
        if dialogue_gated and self.dialogue_lufs is not None:
            return self.dialogue_lufs
        return self.integrated_lufs


@dataclass(frozen=True)
class NormalizeResult:
    """A normalised signal, its measurements before and after, and what was done (dB)."""

    samples: np.ndarray
    preset: LoudnessPreset
    before: LoudnessReport
    after: LoudnessReport
    gain_db: float
    limited: bool

    @property
    def error_lu(self) -> float:
        """Measured minus target loudness after normalisation (LU)."""
        return self.after.gated_lufs(self.preset.dialogue_gated) - self.preset.target_lufs


def _channels_last(samples: np.ndarray) -> np.ndarray:
    samples = np.asarray(samples, np.float64)
    if samples.ndim == 1:
        return samples
    if samples.ndim != 2:
        raise ValueError("samples must be (n,) or (channels, n)")
    if samples.shape[0] > 5:
        raise RoughcutError(
            f"{samples.shape[0]} channels: BS.1770 weights only 5; pick or mix the dialogue channels first"
        )
    return samples.T


def _to_db(value: float) -> float:
    return float(20 * np.log10(value)) if value > 0 else float("-inf")


def _oversampling_filter(factor: int = TRUE_PEAK_OVERSAMPLING) -> np.ndarray:
    """12 taps per phase interpolation filter: at 4x the 48-tap, 4-phase filter of BS.1770-4 Annex 2."""
    return firwin(_TAPS_PER_PHASE * factor, 1.0 / factor, window=("kaiser", 6.0)) * factor


_TAPS_PER_PHASE = 12


def sample_true_peaks(
    samples: np.ndarray, *, floor: float = 0.0, oversampling: int = TRUE_PEAK_OVERSAMPLING
) -> np.ndarray:
    """Per-sample true peak (linear, all channels): the largest absolute value of the
    ``oversampling`` times oversampled signal within each input sample period.

    Only stretches around samples at or above ``floor / 2`` (linear) are oversampled, since a real
    signal's inter-sample peak stays well within 6 dB of its neighbouring samples; elsewhere the
    sample's own absolute value is returned. ``floor=0`` oversamples everything.
    """
    data = np.atleast_2d(np.asarray(samples, np.float64))
    n = data.shape[-1]
    peaks = np.abs(data).max(axis=0)
    if n == 0:
        return peaks
    candidates = peaks >= floor / 2
    if not candidates.any():
        return peaks
    taps = _TAPS_PER_PHASE * oversampling
    pad = _TAPS_PER_PHASE
    edges = np.flatnonzero(np.diff(np.concatenate([[0], candidates.astype(np.int8), [0]])))
    filt = _oversampling_filter(oversampling)
    delay = (taps - 1) // 2
    merged: list[list[int]] = []
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        lo, hi = max(start - pad, 0), min(end + pad, n)
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = hi
        else:
            merged.append([lo, hi])
    for lo, hi in merged:
        over = upfirdn(filt, data[:, lo:hi], up=oversampling, axis=-1)
        over = np.abs(over[:, delay : delay + (hi - lo) * oversampling])
        over = over.reshape(data.shape[0], hi - lo, oversampling).max(axis=(0, 2))
        peaks[lo:hi] = np.maximum(peaks[lo:hi], over)
    return peaks


def true_peak(samples: np.ndarray, sample_rate: int, *, oversampling: int = TRUE_PEAK_OVERSAMPLING) -> float:
    """True peak in dBTP of ``samples`` (any rate in Hz): the highest absolute value oversampled
    ``oversampling`` times (4: BS.1770-4)."""
    data = np.atleast_2d(np.asarray(samples, np.float64))
    if data.shape[-1] == 0:
        return float("-inf")
    floor = float(np.abs(data).max())
    return _to_db(float(sample_true_peaks(data, floor=floor, oversampling=oversampling).max()))


def _gated_mean(blocks: np.ndarray) -> float:
    """BS.1770 gating over block loudnesses: absolute -70 LUFS, then relative -10 LU."""
    blocks = blocks[blocks >= SILENCE_LUFS]
    if blocks.size == 0:
        return float("-inf")
    relative = 10 * np.log10(np.mean(10 ** (blocks / 10))) - 10
    kept = blocks[blocks > relative]
    return float(10 * np.log10(np.mean(10 ** (kept / 10))))


def loudness_range(samples: np.ndarray, sample_rate: int) -> float:
    """Loudness range in LU (EBU Tech 3342) of ``samples`` (``(n,)`` or ``(channels, n)``); NaN
    below 3 s (one short-term block).

    Mono and stereo go through FFmpeg's ``ebur128`` filter (PyAV), which measures the programme as
    it is; pyloudnorm's ``loudness_range`` appends 1.5 s of silence first, which widens the range of
    short clips by a few LU (11 s of real speech: 6.4 against 4.2). Other layouts use pyloudnorm.
    """
    data = np.atleast_2d(np.asarray(samples, np.float32))
    if data.shape[-1] < 3 * sample_rate:
        return float("nan")
    if data.shape[0] > 2:
        meter = pyloudnorm.Meter(sample_rate)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return float(meter.loudness_range(data.T.astype(np.float64)))
    import av

    layout = "mono" if data.shape[0] == 1 else "stereo"
    graph = av.filter.Graph()
    source = graph.add_abuffer(format="fltp", sample_rate=sample_rate, layout=layout)
    meter_filter = graph.add("ebur128", "metadata=1")
    sink = graph.add("abuffersink")
    source.link_to(meter_filter)
    meter_filter.link_to(sink)
    graph.configure()
    metadata: dict[str, str] = {}

    def drain() -> None:
        while True:
            try:
                metadata.update(graph.pull().metadata)  # frames after the flush may carry none
            except (av.error.BlockingIOError, av.error.EOFError):
                return

    block = max(sample_rate // 10, 1)
    for start in range(0, data.shape[1], block):
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(data[:, start : start + block]), format="fltp", layout=layout
        )
        frame.sample_rate = sample_rate
        frame.pts = start
        graph.push(frame)
        drain()
    graph.push(None)
    drain()
    value = float(metadata.get("lavfi.r128.LRA", "nan"))
    return value if np.isfinite(value) else float("nan")


def measure_loudness(
    samples: np.ndarray, sample_rate: int, *, speech: np.ndarray | None = None
) -> LoudnessReport:
    """Integrated, dialogue-gated and range loudness and peaks of ``samples`` at ``sample_rate`` Hz.

    ``speech`` (optional) is a per-sample boolean speech mask; by default :mod:`roughcut.audio.voice`
    finds speech in the channels' mix. Integrated loudness and the 400 ms block loudnesses come from
    pyloudnorm's meter, the loudness range from :func:`loudness_range`. Raises
    :class:`RoughcutError` when the signal is shorter than 400 ms.
    """
    data = _channels_last(samples)
    n = data.shape[0]
    if n < round(BLOCK_S * sample_rate):
        raise RoughcutError(f"{n / sample_rate:.3f} s of audio: loudness needs at least 0.4 s")
    meter = pyloudnorm.Meter(sample_rate, block_size=BLOCK_S)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        integrated = float(meter.integrated_loudness(data))
        blocks = np.asarray(meter.blockwise_loudness, np.float64)
    if speech is None:
        mono = data if data.ndim == 1 else data.mean(axis=1)
        speech = speech_sample_mask(mono, sample_rate) if np.abs(mono).max() > 0 else np.zeros(n, bool)
    # pyloudnorm's block j spans samples [int(j * 0.1 s * rate), that + 0.4 s).
    block = round(BLOCK_S * sample_rate)
    starts = (np.arange(len(blocks)) * BLOCK_S * 0.25 * sample_rate).astype(np.int64)
    cumulative = np.concatenate([[0], np.cumsum(np.asarray(speech[:n], np.int64))])
    share = (cumulative[np.minimum(starts + block, n)] - cumulative[np.minimum(starts, n)]) / block
    speech_blocks = share >= 0.5
    dialogue = _gated_mean(blocks[speech_blocks]) if speech_blocks.any() else float("-inf")
    return LoudnessReport(
        integrated_lufs=integrated if np.isfinite(integrated) else float("-inf"),
        loudness_range_lu=loudness_range(samples, sample_rate),
        true_peak_dbtp=true_peak(samples, sample_rate),
        sample_peak_dbfs=_to_db(float(np.abs(data).max())),
        dialogue_lufs=dialogue if np.isfinite(dialogue) else None,
        speech_fraction=float(speech_blocks.mean()) if len(blocks) else 0.0,
        duration_s=n / sample_rate,
    )


def limit_true_peak(
    samples: np.ndarray,
    sample_rate: int,
    *,
    ceiling_dbtp: float = -1.0,
    lookahead_s: float = 0.005,
    release_s: float = 0.05,
    margin_db: float = TRUE_PEAK_MARGIN_DB,
) -> np.ndarray:
    """Look-ahead true-peak limiter: the signal with no true peak above ``ceiling_dbtp`` - ``margin_db``
    (dB) read at 16x, so no true-peak meter reads it above ``ceiling_dbtp``.

    The gain each sample needs is read from the 16x oversampled signal, held over ``release_s``
    seconds and smoothed over ``lookahead_s`` seconds, so the gain falls before a peak and rises
    after it without clicks. Every channel gets the same gain (the image does not move).
    """
    data = np.atleast_2d(np.asarray(samples, np.float64))
    if data.shape[-1] == 0:
        return np.asarray(samples, np.float32)
    ceiling = 10 ** ((ceiling_dbtp - margin_db) / 20)
    hold = max(3, round(release_s * sample_rate)) | 1
    smooth = max(3, min(round(lookahead_s * sample_rate), hold - 2)) | 1
    out = data
    target = ceiling
    for _ in range(8):
        peak = sample_true_peaks(out, floor=target, oversampling=LIMITER_OVERSAMPLING)
        if peak.max() <= ceiling:
            break
        needed = np.minimum(1.0, target / np.maximum(peak, 1e-12))
        # The minimum over `hold` >= `smooth` samples around each sample keeps the moving average
        # at or below what each sample needs, so the gain is down before the peak arrives.
        gain = uniform_filter1d(minimum_filter1d(needed, hold, mode="nearest"), smooth, mode="nearest")
        out = out * np.minimum(gain, needed)
        target *= 10 ** (-0.05 / 20)  # a little margin if the filtered result still overshoots
    result = out.astype(np.float32)
    return result[0] if np.asarray(samples).ndim == 1 else result


def normalize_loudness(
    samples: np.ndarray,
    sample_rate: int,
    preset: LoudnessPreset | str = "ebu-r128",
    *,
    speech: np.ndarray | None = None,
) -> NormalizeResult:
    """Gain ``samples`` to ``preset``'s target loudness and limit its true peak to the ceiling.

    Limiting lowers the loudness a little, so the gain is re-measured and corrected (up to three
    times) until the result is within 0.1 LU of the target. Raises :class:`RoughcutError` for
    silence, which no gain can bring to a target.
    """
    if isinstance(preset, str):
        if preset not in PRESETS:
            raise RoughcutError(f"unknown loudness preset {preset!r}; choose from {', '.join(PRESETS)}")
        preset = PRESETS[preset]
    data = np.asarray(samples, np.float64)
    if speech is None:
        mono = data if data.ndim == 1 else data.mean(axis=0)
        speech = (
            speech_sample_mask(mono, sample_rate) if np.abs(mono).max() > 0 else np.zeros(mono.size, bool)
        )
    before = measure_loudness(data, sample_rate, speech=speech)
    level = before.gated_lufs(preset.dialogue_gated)
    if not np.isfinite(level):
        raise RoughcutError("the audio is silent: no gain can bring it to a loudness target")
    gain_db = preset.target_lufs - level
    out, after, limited = data, before, False
    for _ in range(4):
        out = data * 10 ** (gain_db / 20)
        over = true_peak(out, sample_rate, oversampling=LIMITER_OVERSAMPLING)
        if over > preset.max_true_peak_dbtp - TRUE_PEAK_MARGIN_DB:
            out = limit_true_peak(out, sample_rate, ceiling_dbtp=preset.max_true_peak_dbtp)
            limited = True
        after = measure_loudness(out, sample_rate, speech=speech)
        error = after.gated_lufs(preset.dialogue_gated) - preset.target_lufs
        if abs(error) <= 0.1:
            break
        gain_db -= error
    return NormalizeResult(
        samples=np.asarray(out, np.float32),
        preset=preset,
        before=before,
        after=after,
        gain_db=float(gain_db),
        limited=limited,
    )
