"""Sync between recordings of one event: offset, clock drift and confidence by GCC-PHAT.

Sign convention (used everywhere in roughcut): **sample ``n`` of ``other`` lines up with sample
``n + offset_samples`` of ``reference``**, i.e. ``offset_s`` is where ``other``'s first sample falls on
``reference``'s clock. A positive offset means ``other`` started after ``reference``; a negative one
means it started before. Both clocks count from each file's first decoded sample (codec priming
removed, container start times ignored; see :mod:`roughcut.media.audio`).

Drift: a recorder whose clock runs fast writes more samples per real second. ``drift_ppm`` is the
slope of the offset along ``other``: ``other``'s time ``t`` (seconds) falls at reference time
``offset_s + t * (1 + drift_ppm * 1e-6)``. A copy stretched to 1.0001x its length gives about −100 ppm;
:func:`correct_drift` resamples ``other`` onto the reference's clock.

Method: a coarse generalised cross-correlation with phase transform (GCC-PHAT, Knapp & Carter 1976)
over the whole signals, band-limited to speech, finds the lag; short windows along ``other`` are then
correlated again near that lag, and a robust straight-line fit through their lags gives the offset at
``other``'s start and the drift. Confidence combines how far the coarse peak stands above the next
best one in the windows that agree with the fitted line and the share of voiced windows that do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import gcd
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from scipy.signal import resample_poly

from roughcut.errors import MediaError
from roughcut.progress import track

if TYPE_CHECKING:
    from roughcut.store import Store

#: Rate (Hz) of the coarse whole-signal search; the window refinement runs at the caller's rate.
COARSE_RATE = 8000
#: Correlation band (Hz): speech, above rumble and below the codec cut-offs of camera sound.
BAND_HZ = (100.0, 3800.0)
#: Confidence under which a take is left without external sound.
MIN_CONFIDENCE = 0.5
#: Timecode and waveform offsets further apart than this (seconds, about a frame) disagree.
TIMECODE_TOLERANCE_S = 0.042


@dataclass(frozen=True)
class SyncResult:
    """Where ``other`` sits on ``reference``'s clock (see the module docstring for the signs).

    ``offset_s`` in seconds (sub-sample precision); ``offset_samples`` the same, rounded, at
    ``sample_rate`` Hz; ``drift_ppm`` parts per million; ``confidence`` 0..1; ``peak_ratio`` next-best
    over best peak of the whole-signal correlation (near 0: one clear match, near 1: none);
    ``windows`` how many voiced windows were looked at, ``inliers`` how many agreed with the fitted
    line to within 1 ms.
    """

    offset_s: float
    offset_samples: int
    sample_rate: int
    drift_ppm: float
    confidence: float
    peak_ratio: float
    windows: int
    inliers: int

    def reference_time(self, other_time_s: float) -> float:
        """Seconds on ``reference``'s clock of ``other_time_s`` seconds on ``other``'s clock."""
        return on_reference_clock(other_time_s, self.offset_s, self.drift_ppm)


def on_reference_clock(other_time_s: float, offset_s: float, drift_ppm: float) -> float:
    """Seconds on the reference's clock of ``other_time_s`` seconds on the other recording's clock,
    given the other's start on the reference (``offset_s``, seconds) and the drift (ppm)."""
    return offset_s + other_time_s * (1.0 + drift_ppm * 1e-6)


@dataclass(frozen=True)
class SyncGroup:
    """A take and its external sound: ``sound`` is ``None`` when no confident match was found.

    ``offset_s`` is where the take's first audio sample falls in the sound file (seconds from the
    sound file's first decoded sample; negative when the take started before the recorder), and
    ``offset_samples`` the same at ``sound_rate`` Hz, the sound file's own rate. ``drift_ppm`` and
    ``confidence`` as in :class:`SyncResult`; ``problem`` says why a take could not be matched.
    ``timecode_offset_s`` is the offset the two files' timecodes give (seconds), when both have
    one: it agrees with ``offset_s`` when the recorder was jam-synced with the camera.
    """

    take: Path
    sound: Path | None
    offset_s: float | None
    offset_samples: int | None
    sound_rate: int | None
    drift_ppm: float
    confidence: float
    problem: str | None = None
    timecode_offset_s: float | None = None

    def timecode_agrees(self, tolerance_s: float = TIMECODE_TOLERANCE_S) -> bool | None:
        """Whether the timecodes put the take where its sound does (within ``tolerance_s``
        seconds); ``None`` when unmatched or when a file has no timecode."""
        if self.offset_s is None or self.timecode_offset_s is None:
            return None
        return abs(self.offset_s - self.timecode_offset_s) <= tolerance_s


def gcc_phat(
    reference: np.ndarray,
    other: np.ndarray,
    sample_rate: int,
    *,
    band_hz: tuple[float, float] = BAND_HZ,
) -> tuple[np.ndarray, int]:
    """Cross-correlation of two 1-D signals whitened by the phase transform, within ``band_hz`` (Hz).

    Returns ``(correlation, zero_index)``: ``correlation[zero_index + k]`` scores the lag ``k``
    (samples) at which ``other[n]`` lines up with ``reference[n + k]``; lags run from
    ``-len(other) + 1`` to ``len(reference) - 1``.
    """
    n = 1 << int(np.ceil(np.log2(max(len(reference) + len(other), 2))))
    spectrum = np.fft.rfft(reference, n) * np.conj(np.fft.rfft(other, n))
    freqs = np.fft.rfftfreq(n, 1.0 / sample_rate)
    magnitude = np.abs(spectrum)
    in_band = (freqs >= band_hz[0]) & (freqs <= band_hz[1]) & (magnitude > magnitude.max() * 1e-9)
    weights = np.zeros_like(magnitude)
    weights[in_band] = 1.0 / magnitude[in_band]
    circular = np.fft.irfft(spectrum * weights, n)
    # Unwrap: negative lags sit at the end of the circular result.
    correlation = np.concatenate([circular[n - len(other) + 1 :], circular[: len(reference)]])
    return correlation, len(other) - 1


def _peak(correlation: np.ndarray, exclude: int) -> tuple[float, float]:
    """Sub-sample index of the highest peak (parabolic fit) and next-best-peak / peak ratio.

    The next best peak is searched outside ``exclude`` samples either side of the main one.
    """
    k = int(np.argmax(correlation))
    top = float(correlation[k])
    position = float(k)
    if 0 < k < len(correlation) - 1:
        y0, y1, y2 = correlation[k - 1], correlation[k], correlation[k + 1]
        curvature = y0 - 2 * y1 + y2
        if curvature < 0:
            position += 0.5 * float(y0 - y2) / float(curvature)
    rest = correlation.copy()
    rest[max(0, k - exclude) : k + exclude + 1] = -np.inf
    second = float(rest.max()) if np.isfinite(rest).any() else 0.0
    ratio = max(second, 0.0) / top if top > 0 else 1.0
    return position, ratio


def _resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target:
        return samples
    divisor = gcd(rate, target)
    return resample_poly(samples, target // divisor, rate // divisor).astype(np.float32)


def _coarse_lag(reference: np.ndarray, other: np.ndarray, sample_rate: int) -> tuple[float, float]:
    """Coarse lag in seconds and the next-best/peak ratio, on the whole signals at ``COARSE_RATE``."""
    rate = min(sample_rate, COARSE_RATE)
    ref = _resample(reference, sample_rate, rate)
    oth = _resample(other, sample_rate, rate)
    band = (BAND_HZ[0], min(BAND_HZ[1], 0.475 * rate))
    correlation, zero = gcc_phat(ref, oth, rate, band_hz=band)
    position, ratio = _peak(correlation, exclude=max(2, rate // 100))
    return (position - zero) / rate, ratio


def _window_lags(
    reference: np.ndarray,
    other: np.ndarray,
    sample_rate: int,
    coarse_s: float,
    *,
    window_s: float,
    search_s: float,
) -> tuple[list[tuple[float, float, float]], int]:
    """``(other time s, lag s, next-best/peak ratio)`` for each voiced window of ``other`` whose peak
    is clear, and the number of voiced windows looked at."""
    window = round(window_s * sample_rate)
    search = round(search_s * sample_rate)
    coarse = round(coarse_s * sample_rate)
    hop = max(window // 2, 1)
    level = np.sqrt(np.mean(other.astype(np.float64) ** 2)) + 1e-12
    found = []
    voiced = 0
    for start in range(0, max(len(other) - window, 0) + 1, hop):
        piece = other[start : start + window]
        if np.sqrt(np.mean(piece.astype(np.float64) ** 2)) < 0.1 * level:
            continue  # a pause: nothing to line up
        ref_start = start + coarse - search
        lo, hi = max(ref_start, 0), min(ref_start + len(piece) + 2 * search, len(reference))
        if hi - lo < len(piece) // 2:
            continue  # this window falls outside the reference
        voiced += 1
        segment = reference[lo:hi]
        correlation, zero = gcc_phat(segment, piece, sample_rate)
        # Only lags near the coarse one: segment offset (lo - start) plus lag within ±search.
        base = lo - start
        lags = np.arange(len(correlation)) - zero + base
        near = np.abs(lags - coarse) <= search
        if near.sum() < 3:
            continue
        sub = correlation[near]
        position, ratio = _peak(sub, exclude=max(2, sample_rate // 1000))
        if ratio > 0.7:
            continue
        lag = lags[near][0] + position
        found.append(((start + len(piece) / 2) / sample_rate, lag / sample_rate, ratio))
    return found, voiced


def _fit_line(
    points: list[tuple[float, float, float]], tolerance_s: float
) -> tuple[float, float, np.ndarray]:
    """Robust ``lag = intercept + slope * t`` fit; returns ``(intercept, slope, inlier mask)``."""
    t = np.array([p[0] for p in points])
    lag = np.array([p[1] for p in points])
    inliers = np.abs(lag - np.median(lag)) <= max(tolerance_s * 20, 0.02)
    intercept, slope = float(np.median(lag)), 0.0
    for _ in range(4):
        if inliers.sum() >= 3 and np.ptp(t[inliers]) > 0:
            slope, intercept = (float(v) for v in np.polyfit(t[inliers], lag[inliers], 1))
        elif inliers.any():
            intercept, slope = float(np.median(lag[inliers])), 0.0
        inliers = np.abs(lag - (intercept + slope * t)) <= tolerance_s
    return intercept, slope, inliers


def find_offset(
    reference: np.ndarray,
    other: np.ndarray,
    sample_rate: int,
    *,
    window_s: float = 4.0,
    max_drift_ppm: float = 300.0,
) -> SyncResult:
    """Offset, drift and confidence of ``other`` against ``reference`` (1-D float arrays, same Hz).

    ``sample_rate`` in Hz; ``window_s`` seconds per refinement window; ``max_drift_ppm`` the largest
    clock drift searched for. Signs as in the module docstring: ``other[n]`` ~ ``reference[n +
    offset_samples]``.
    """
    reference = np.asarray(reference, np.float32)
    other = np.asarray(other, np.float32)
    if reference.ndim != 1 or other.ndim != 1:
        raise ValueError("find_offset takes mono 1-D arrays")
    if len(reference) == 0 or len(other) == 0:
        raise ValueError("find_offset needs non-empty signals")
    coarse_s, peak_ratio = _coarse_lag(reference, other, sample_rate)
    duration = len(other) / sample_rate
    search_s = 0.02 + max_drift_ppm * 1e-6 * duration
    window_s = min(window_s, duration)
    points, voiced = _window_lags(
        reference, other, sample_rate, coarse_s, window_s=window_s, search_s=search_s
    )
    intercept, slope, confidence, inliers = coarse_s, 0.0, 0.0, 0
    if points:
        intercept, slope, mask = _fit_line(points, tolerance_s=0.001)
        inliers = int(mask.sum())
        if inliers < 3:
            slope = 0.0  # too few windows to tell drift from noise
            if inliers:
                intercept = float(np.median([p[1] for p, keep in zip(points, mask, strict=True) if keep]))
        if inliers:
            clarity = 1.0 - float(np.median([p[2] for p, keep in zip(points, mask, strict=True) if keep]))
            confidence = float(np.clip(inliers / max(voiced, 1) * clarity, 0.0, 1.0))
    return SyncResult(
        offset_s=intercept,
        offset_samples=round(intercept * sample_rate),
        sample_rate=sample_rate,
        drift_ppm=slope * 1e6,
        confidence=confidence,
        peak_ratio=peak_ratio,
        windows=voiced,
        inliers=inliers,
    )


def correct_drift(other: np.ndarray, drift_ppm: float, *, max_denominator: int = 20000) -> np.ndarray:
    """``other`` resampled onto the reference's clock, so that its sample ``n`` falls at reference
    time ``offset_s + n / rate`` with no drift left (``drift_ppm`` from :class:`SyncResult`).

    The ratio ``1 + drift_ppm * 1e-6`` is taken as a fraction with a denominator up to
    ``max_denominator`` (20000 resolves 0.05 ppm) and applied by polyphase resampling.
    """
    ratio = Fraction(1 + drift_ppm * 1e-6).limit_denominator(max_denominator)
    if ratio == 1:
        return np.asarray(other, np.float32)
    # Fewer output samples when the other clock ran fast (drift < 0): length * ratio.
    return resample_poly(np.asarray(other, np.float64), ratio.numerator, ratio.denominator).astype(np.float32)


def _load(path: Path) -> np.ndarray:
    """Analysis-rate mono samples of ``path``; MediaError when it has no usable sound."""
    from roughcut.media.audio import ANALYSIS_RATE, read_audio

    audio = read_audio(path, sample_rate=ANALYSIS_RATE, mono=True)
    if audio.num_samples < ANALYSIS_RATE // 2:
        raise MediaError(path, "audio shorter than 0.5 s: nothing to sync")
    if float(np.sqrt(np.mean(audio.samples.astype(np.float64) ** 2))) < 10 ** (-70 / 20):
        raise MediaError(path, "audio is silent: nothing to sync")
    return audio.samples


def _clock(path: Path) -> tuple[int, Fraction | None]:
    """The file's native sample rate (Hz) and its start by timecode (seconds since midnight)."""
    from roughcut.media.probe import probe

    info = probe(path)
    if not info.audio:
        raise MediaError(path, "has no audio stream")
    return info.audio[0].sample_rate, info.timecode_s


#: Bump when find_offset's results change, so cached ones are recomputed.
SYNC_VERSION = 1


def _cached_offset(
    store: Store,
    reference: tuple[Path, str],
    other: tuple[Path, str],
    samples_of: Callable[[Path], np.ndarray],
) -> SyncResult:
    """:func:`find_offset` of ``other`` against ``reference`` (each ``(path, fingerprint)``), at the
    analysis rate, cached in ``store`` per pair of fingerprints."""
    from roughcut.media.audio import ANALYSIS_RATE

    return store.cached(
        f"{reference[1]}:{other[1]}",
        "audio.sync",
        SYNC_VERSION,
        {"rate": ANALYSIS_RATE},
        lambda: find_offset(samples_of(reference[0]), samples_of(other[0]), ANALYSIS_RATE),
    )


class _Samples:
    """Analysis-rate samples by path, each file decoded once (its failure remembered too)."""

    def __init__(self) -> None:
        self._decoded: dict[Path, np.ndarray | MediaError] = {}

    def __call__(self, path: Path) -> np.ndarray:
        if path not in self._decoded:
            try:
                self._decoded[path] = _load(path)
            except MediaError as exc:
                self._decoded[path] = exc
        value = self._decoded[path]
        if isinstance(value, MediaError):
            raise value
        return value

    def forget(self, path: Path) -> None:
        """Free ``path``'s samples."""
        self._decoded.pop(path, None)


def group_takes_with_sound(
    take_paths: Sequence[str | Path],
    sound_paths: Sequence[str | Path],
    *,
    min_confidence: float = MIN_CONFIDENCE,
    store: Store | None = None,
) -> list[SyncGroup]:
    """Match every take with the external sound file it was recorded beside, one group per take.

    Each take's sound is compared with each sound file (the sound file is the reference); the most
    confident match at or above ``min_confidence`` wins. Results are cached in ``store`` (the
    default store) per pair of content fingerprints, so a second ingest decodes nothing.
    Unreadable or silent files are reported in ``problem`` and the batch goes on.
    """
    from roughcut.media.fingerprint import fingerprint
    from roughcut.store import Store

    store = store or Store()
    samples_of = _Samples()

    sounds: dict[Path, tuple[str, int, Fraction | None]] = {}
    sound_problems: list[str] = []
    for path in map(Path, sound_paths):
        try:
            sounds[path] = (fingerprint(path), *_clock(path))
        except (MediaError, OSError) as exc:
            sound_problems.append(str(exc))
    groups = []
    for take in track([Path(p) for p in take_paths], "Syncing takes with sound"):
        try:
            take_key = fingerprint(take)
            take_timecode = _clock(take)[1]
        except (MediaError, OSError) as exc:
            problem = exc.problem if isinstance(exc, MediaError) else str(exc)
            groups.append(SyncGroup(take, None, None, None, None, 0.0, 0.0, problem))
            continue
        best: tuple[Path, SyncResult] | None = None
        problem = None
        for path, (sound_key, _rate, _timecode) in sounds.items():
            try:
                result = _cached_offset(store, (path, sound_key), (take, take_key), samples_of)
            except MediaError as exc:
                if exc.path == take:
                    problem = exc.problem
                    break
                sound_problems.append(str(exc))
                continue
            if best is None or result.confidence > best[1].confidence:
                best = (path, result)
        samples_of.forget(take)  # sounds stay decoded for the next take; takes do not
        if problem is None and (best is None or best[1].confidence < min_confidence):
            problem = "no external sound matches" if sounds else "no readable external sound"
            if sound_problems and best is None:
                problem += f" ({'; '.join(dict.fromkeys(sound_problems))})"
        if problem is not None:
            confidence = best[1].confidence if best else 0.0
            groups.append(SyncGroup(take, None, None, None, None, 0.0, confidence, problem))
            continue
        path, result = best
        _, rate, sound_timecode = sounds[path]
        by_timecode = None
        if take_timecode is not None and sound_timecode is not None:
            by_timecode = float(take_timecode - sound_timecode)
        groups.append(
            SyncGroup(
                take=take,
                sound=path,
                offset_s=result.offset_s,
                offset_samples=round(result.offset_s * rate),
                sound_rate=rate,
                drift_ppm=result.drift_ppm,
                confidence=result.confidence,
                timecode_offset_s=by_timecode,
            )
        )
    return groups


@dataclass(frozen=True)
class Angle:
    """One take placed on the common clock of the angles that recorded the same performance.

    ``group`` names the group (its reference take's path); ``offset_s`` is where this take's
    first audio sample falls on the reference take's clock (seconds, 0 for the reference; negative
    when this angle started first), found from the sound alone; ``drift_ppm`` and ``confidence`` as
    in :class:`SyncResult`. A take whose sound could not be read has ``group`` ``None`` and says why
    in ``problem``. A take's picture is taken to start with its sound (same container start).
    """

    take: Path
    group: str | None
    offset_s: float
    drift_ppm: float = 0.0
    confidence: float = 1.0
    problem: str | None = None


def group_angles(
    take_paths: Sequence[str | Path],
    *,
    min_confidence: float = MIN_CONFIDENCE,
    store: Store | None = None,
) -> list[Angle]:
    """Group takes that recorded one performance (multicam angles) by their sound, with offsets.

    The longest take opens the first group; each further take (longest first) joins the first
    group whose reference it matches with at least ``min_confidence`` (its offset on that
    reference's clock by :func:`find_offset`), else it opens a group of its own. Results are cached
    in ``store`` per pair of fingerprints, like :func:`group_takes_with_sound`. A take alone in its
    group was matched by none. Unreadable or silent takes come back with a ``problem``; the rest
    goes on. Returned in the order of ``take_paths``.
    """
    from roughcut.media.fingerprint import fingerprint
    from roughcut.media.probe import probe
    from roughcut.store import Store

    store = store or Store()
    samples_of = _Samples()
    found: dict[Path, Angle] = {}
    usable: list[tuple[float, Path, str]] = []
    for take in map(Path, take_paths):
        try:
            info = probe(take)
            if not info.audio:
                raise MediaError(take, "has no audio stream")
            usable.append((float(info.duration), take, fingerprint(take)))
        except (MediaError, OSError) as exc:
            problem = exc.problem if isinstance(exc, MediaError) else str(exc)
            found[take] = Angle(take, None, 0.0, confidence=0.0, problem=problem)
    references: list[tuple[Path, str]] = []
    for _duration, take, key in track(
        sorted(usable, key=lambda item: -item[0]), "Grouping angles by their sound"
    ):
        placed = None
        try:
            for ref_path, ref_key in references:
                try:
                    result = _cached_offset(store, (ref_path, ref_key), (take, key), samples_of)
                except MediaError as exc:
                    if exc.path == take:
                        raise
                    continue  # the reference's own problem was reported when it was placed
                if result.confidence >= min_confidence:
                    placed = Angle(take, str(ref_path), result.offset_s, result.drift_ppm, result.confidence)
                    samples_of.forget(take)  # references stay decoded for the next take; others do not
                    break
            if placed is None:
                samples_of(take)  # a take that opens a group must have usable sound
                references.append((take, key))
                placed = Angle(take, str(take), 0.0)
        except MediaError as exc:
            placed = Angle(take, None, 0.0, confidence=0.0, problem=exc.problem)
        found[take] = placed
    return [found[Path(p)] for p in take_paths]
