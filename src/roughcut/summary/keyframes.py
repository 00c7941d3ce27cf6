"""Keyframe summary of footage without a script (archive, B-roll): the VSUMM method, per shot.

VSUMM (de Avila, Lopes, da Luz, Araújo, *VSUMM: A mechanism designed to produce static video
summaries*, Pattern Recognition Letters 32, 2011), here:

1. Frames are sampled at ``sample_fps`` (the paper: one a second) in the one decode pass that also
   runs the cut detector of :mod:`roughcut.vision.cuts` (cuts and fades into or out of black split
   the footage into shots).
2. Each sampled frame's feature is a colour histogram: 16 hue bins (the paper's) over the pixels with
   colour, plus 4 brightness bins for the grey ones (so a grey picture still has a feature),
   normalised to sum 1.
3. Meaningless frames are dropped: black (mean luma under :data:`BLACK_LUMA`) and flat ones (luma
   spread under :data:`FLAT_LUMA_STD`), as the paper drops monochrome frames; so are the frames of a
   fade (darker than :data:`FADE_FRACTION` of the shot's usual brightness).
4. Per shot, k-means on the features; ``k`` grows from 1 while every pair of centroids stays more
   than :data:`SPLIT_DISTANCE` apart (L1) and every cluster holds at least ``min_cluster_seconds``
   of frames, up to ``max_per_shot``. The keyframe of a cluster is its frame nearest the centroid.

:func:`uniform_keyframes` is the baseline (the same number of frames, evenly spaced) and
:func:`evaluate_keyframes` scores either against hand-marked keyframes the way the VSUMM paper
does (a keyframe matches a hand-marked one of the same shot whose colour histogram lies within
:data:`MATCH_DISTANCE`, L1; each one matched once), as precision, recall and F-score.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from roughcut.errors import RoughcutError
from roughcut.media import Frame, probe, read_frames
from roughcut.vision.analyser import FrameAnalyser, run_pass
from roughcut.vision.cuts import COMPARE_WIDTH, CutAnalyser, refine_cuts

#: Hue bins of the colour feature (VSUMM's 16) and brightness bins for pixels without colour.
HUE_BINS = 16
GREY_BINS = 4
#: Saturation and value (0-255) under which a pixel counts as grey (its hue means nothing).
GREY_SATURATION = 40
GREY_VALUE = 30
#: Mean luma (0-255) under which a frame is black, and luma spread under which it is flat.
BLACK_LUMA = 12.0
FLAT_LUMA_STD = 4.0
#: Frames of a shot darker than this fraction of its usual brightness (75th percentile of mean
#: luma) are a fade in or out, not what the shot shows: they are not clustered.
FADE_FRACTION = 0.75
#: L1 distance between cluster centroids (histograms summing to 1; 0..2) above which a shot is split
#: into one more cluster.
SPLIT_DISTANCE = 0.5
#: L1 distance of two colour histograms under which two keyframes show the same thing (VSUMM's
#: evaluation threshold, 0.5).
MATCH_DISTANCE = 0.5
#: Width in pixels of the sampled frames.
SAMPLE_WIDTH = 160


def colour_histogram(image: np.ndarray) -> np.ndarray:
    """The VSUMM colour feature of an RGB uint8 image: ``HUE_BINS`` hue bins over coloured pixels and
    ``GREY_BINS`` brightness bins over grey ones, normalised to sum 1 (float64, ``HUE_BINS +
    GREY_BINS`` long)."""
    import cv2

    hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV).reshape(-1, 3)  # hue 0-179
    grey = (hsv[:, 1] < GREY_SATURATION) | (hsv[:, 2] < GREY_VALUE)
    hue = np.bincount((hsv[~grey, 0].astype(np.int64) * HUE_BINS) // 180, minlength=HUE_BINS)
    value = np.bincount((hsv[grey, 2].astype(np.int64) * GREY_BINS) // 256, minlength=GREY_BINS)
    feature = np.concatenate([hue, value]).astype(np.float64)
    return feature / max(feature.sum(), 1.0)


def histogram_distance(a: np.ndarray, b: np.ndarray) -> float:
    """L1 (Manhattan) distance of two normalised histograms, 0 (same) to 2 (disjoint)."""
    return float(np.abs(np.asarray(a) - np.asarray(b)).sum())


@dataclass(frozen=True)
class Shot:
    """Native frames ``[start_frame, end_frame)`` between two cuts (or fades) of the footage."""

    start_frame: int
    end_frame: int


@dataclass(frozen=True)
class Keyframe:
    """A representative frame: native frame number, seconds from the first frame, the shot it
    stands for (index into :attr:`KeyframeSummary.shots`) and how many sampled frames its cluster
    holds."""

    frame: int
    seconds: float
    shot: int
    cluster_frames: int


@dataclass(frozen=True)
class KeyframeSummary:
    """The keyframes of ``path`` (in time order), its shots, its exact frame rate (frames per second),
    its length in frames, and the features of the sampled frames (native frame → histogram)."""

    path: Path
    frame_rate: Fraction
    frame_count: int
    shots: tuple[Shot, ...]
    keyframes: tuple[Keyframe, ...]
    features: dict[int, np.ndarray]
    dropped: tuple[int, ...] = ()  # sampled frames left out as black or flat

    @property
    def frames(self) -> tuple[int, ...]:
        return tuple(k.frame for k in self.keyframes)


class _Features(FrameAnalyser):
    """Colour histogram and luma mean/spread of every analysed frame."""

    def __init__(self) -> None:
        self.features: dict[int, np.ndarray] = {}
        self.luma: dict[int, tuple[float, float]] = {}

    def process_frame(self, frame: Frame) -> None:
        self.features[frame.index] = colour_histogram(frame.image)
        luma = frame.image.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
        self.luma[frame.index] = (float(luma.mean()), float(luma.std()))

    def post_process(self) -> tuple[dict[int, np.ndarray], dict[int, tuple[float, float]]]:
        return self.features, self.luma


def shots_from_bounds(bounds: Sequence[int], frame_count: int) -> tuple[Shot, ...]:
    """The shots between the cut (and fade) frames ``bounds`` of footage ``frame_count`` frames long."""
    edges = [0, *sorted({b for b in bounds if 0 < b < frame_count}), frame_count]
    return tuple(Shot(a, b) for a, b in itertools.pairwise(edges) if b > a)


def _kmeans(points: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """k-means (scipy's, k-means++ start, seeded): centroids and labels."""
    from scipy.cluster.vq import kmeans2

    if k == 1:
        return points.mean(axis=0, keepdims=True), np.zeros(len(points), dtype=int)
    centroids, labels = kmeans2(points, k, minit="++", seed=seed, iter=30)
    return centroids, labels


def _clusters(points: np.ndarray, *, max_k: int, min_size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    best = _kmeans(points, 1, seed)
    for k in range(2, max_k + 1):
        if len(points) < k * min_size:
            break
        centroids, labels = _kmeans(points, k, seed)
        sizes = np.bincount(labels, minlength=k)
        apart = min(histogram_distance(centroids[i], centroids[j]) for i in range(k) for j in range(i + 1, k))
        if sizes.min() < min_size or apart <= SPLIT_DISTANCE:
            break
        best = (centroids, labels)
    return best


def vsumm_keyframes(
    path: str | Path,
    *,
    sample_fps: float = 4.0,
    max_per_shot: int = 3,
    min_cluster_seconds: float = 1.0,
    seed: int = 0,
) -> KeyframeSummary:
    """Keyframes of the video ``path`` by VSUMM per shot (see the module notes).

    ``sample_fps``: frames sampled per second (one decode pass at ``SAMPLE_WIDTH`` pixels, which also
    finds the cuts). ``max_per_shot``: most keyframes a shot gets; ``min_cluster_seconds``: the least
    footage (seconds) a cluster must hold to become a keyframe of its own. Shots with only black or
    flat frames get none. Raises :class:`~roughcut.errors.MediaError` for a file without video.
    """
    path = Path(path)
    info = probe(path)
    if info.video is None:
        raise RoughcutError(f"{path}: holds no video stream")
    rate = info.video.frame_rate
    cut_analyser = CutAnalyser(native_rate=rate)
    features = _Features()
    frames = read_frames(path, width=SAMPLE_WIDTH, fps=sample_fps, between_width=COMPARE_WIDTH)
    pairs, (histograms, luma) = run_pass(frames, [cut_analyser, features])
    if not histograms:
        raise RoughcutError(f"{path}: no video frame could be decoded")
    frame_count = max(info.video.frame_count, max(histograms) + 1)
    cuts, fades = refine_cuts(path, pairs, greys=cut_analyser.greys, seen_until=cut_analyser.seen_until)
    shots = shots_from_bounds([*cuts, *fades], frame_count)
    dropped = tuple(i for i, (mean, spread) in luma.items() if mean < BLACK_LUMA or spread < FLAT_LUMA_STD)
    kept = sorted(set(histograms) - set(dropped))
    min_size = max(1, round(min_cluster_seconds * min(sample_fps, float(rate))))
    keyframes: list[Keyframe] = []
    for number, shot in enumerate(shots):
        members = [i for i in kept if shot.start_frame <= i < shot.end_frame]
        if not members:
            continue
        usual = float(np.percentile([luma[i][0] for i in members], 75))
        members = [i for i in members if luma[i][0] >= FADE_FRACTION * usual]  # fades are transitions
        points = np.stack([histograms[i] for i in members])
        centroids, labels = _clusters(points, max_k=max_per_shot, min_size=min_size, seed=seed)
        for cluster, centroid in enumerate(centroids):
            inside = np.flatnonzero(labels == cluster)
            if not len(inside):
                continue
            nearest = inside[np.argmin(np.abs(points[inside] - centroid).sum(axis=1))]
            frame = members[int(nearest)]
            keyframes.append(Keyframe(frame, float(Fraction(frame) / rate), number, len(inside)))
    keyframes.sort(key=lambda k: k.frame)
    return KeyframeSummary(path, rate, frame_count, shots, tuple(keyframes), dict(histograms), dropped)


def uniform_keyframes(frame_count: int, count: int) -> tuple[int, ...]:
    """``count`` frames evenly spaced over ``frame_count`` frames (the middle of each equal part):
    the baseline VSUMM is compared with."""
    if count <= 0 or frame_count <= 0:
        return ()
    return tuple(int((2 * i + 1) * frame_count // (2 * count)) for i in range(count))


# ----------------------------------------------------------------------------------------------
# Evaluation against hand-marked keyframes


@dataclass(frozen=True)
class KeyframeTruth:
    """Hand-marked keyframes of one video: per shot its native frame range ``[start, end)`` and the
    chosen keyframe (``None`` for a shot with nothing to see, such as black)."""

    video: str
    shots: tuple[tuple[int, int, int | None], ...]
    how: str = ""

    @property
    def keyframes(self) -> tuple[int, ...]:
        return tuple(k for _, _, k in self.shots if k is not None)

    def shot_of(self, frame: int) -> int | None:
        for number, (start, end, _) in enumerate(self.shots):
            if start <= frame < end:
                return number
        return None


def read_truth(path: str | Path) -> dict[str, KeyframeTruth]:
    """Hand-marked keyframes from a JSON file: ``{"videos": {name: {"shots": [[start, end,
    keyframe or null], ...], "how": text}}}`` (native frames, ``end`` exclusive)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {
            name: KeyframeTruth(
                name,
                tuple((int(s), int(e), None if k is None else int(k)) for s, e, k in entry["shots"]),
                entry.get("how", ""),
            )
            for name, entry in data["videos"].items()
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RoughcutError(f"{path}: not a keyframe truth file ({exc})") from None


@dataclass(frozen=True)
class KeyframeScore:
    """Keyframes found, hand-marked, matched one to one; precision, recall and F-score (0..1)."""

    found: int
    marked: int
    matched: int

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.marked if self.marked else 0.0

    @property
    def f_score(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def frame_histograms(path: str | Path, frames: Sequence[int]) -> dict[int, np.ndarray]:
    """The colour feature (:func:`colour_histogram`) of each of ``frames`` (native numbers) of
    ``path``, in one decode at ``SAMPLE_WIDTH`` pixels."""
    wanted = set(frames)
    if not wanted:
        return {}
    out = {}
    for frame in read_frames(path, width=SAMPLE_WIDTH, start_frame=min(wanted), end_frame=max(wanted) + 1):
        if frame.index in wanted:
            out[frame.index] = colour_histogram(frame.image)
    return out


def evaluate_keyframes(
    frames: Sequence[int],
    truth: KeyframeTruth,
    features: dict[int, np.ndarray],
    *,
    max_distance: float = MATCH_DISTANCE,
) -> KeyframeScore:
    """Score keyframes ``frames`` against ``truth``: a keyframe matches a hand-marked keyframe of the
    same hand-marked shot whose colour histogram (``features``, frame → histogram, holding both)
    lies within ``max_distance`` (L1); each keyframe and each hand-marked one is matched at most
    once (the closest pairs first)."""
    marked = truth.keyframes
    pairs = []
    for found in frames:
        shot = truth.shot_of(found)
        for mark in marked:
            if shot is None or truth.shot_of(mark) != shot:
                continue
            distance = histogram_distance(features[found], features[mark])
            if distance <= max_distance:
                pairs.append((distance, found, mark))
    used_found: set[int] = set()
    used_mark: set[int] = set()
    for _, found, mark in sorted(pairs):
        if found not in used_found and mark not in used_mark:
            used_found.add(found)
            used_mark.add(mark)
    return KeyframeScore(found=len(frames), marked=len(marked), matched=len(used_mark))


# ----------------------------------------------------------------------------------------------
# Storyboard and timeline


def keyframe_timeline(summary: KeyframeSummary) -> Any:
    """An OTIO timeline of the whole video on ``V1`` with a marker (one frame long) at each keyframe,
    named by its timecode, its shot's frame range in the marker's ``metadata["roughcut"]``."""
    import opentimelineio as otio

    rate = float(summary.frame_rate)
    whole = otio.opentime.TimeRange(
        otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(summary.frame_count, rate)
    )
    clip = otio.schema.Clip(
        name=summary.path.stem,
        media_reference=otio.schema.ExternalReference(
            target_url=summary.path.resolve().as_uri(), available_range=whole
        ),
        source_range=whole,
    )
    from roughcut.summary._pages import timecode

    for number, key in enumerate(summary.keyframes, 1):
        shot = summary.shots[key.shot]
        marker = otio.schema.Marker(
            name=f"keyframe {number} {timecode(key.frame, summary.frame_rate)}",
            marked_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(key.frame, rate), otio.opentime.RationalTime(1, rate)
            ),
            color=otio.schema.MarkerColor.CYAN,
            comment=f"shot {key.shot + 1}: frames {shot.start_frame}-{shot.end_frame - 1}",
        )
        marker.metadata["roughcut"] = {
            "frame": key.frame,
            "shot": key.shot + 1,
            "shot_frames": [shot.start_frame, shot.end_frame],
            "cluster_frames": key.cluster_frames,
        }
        clip.markers.append(marker)
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    track.append(clip)
    timeline = otio.schema.Timeline(name=f"Keyframes of {summary.path.name}")
    timeline.global_start_time = otio.opentime.RationalTime(0, rate)
    timeline.tracks.append(track)
    timeline.metadata["roughcut"] = {
        "summary": "keyframes",
        "method": "VSUMM per shot",
        "frame_rate": f"{summary.frame_rate.numerator}/{summary.frame_rate.denominator}",
        "shots": [[s.start_frame, s.end_frame] for s in summary.shots],
        "keyframes": list(summary.frames),
    }
    return timeline


def write_keyframe_summary(
    summary: KeyframeSummary, out_dir: str | Path, *, name: str | None = None, columns: int = 4
) -> dict[str, Path]:
    """Write the storyboard (``<name>_storyboard.png``: the keyframes in a grid, each labelled with its
    timecode, frame and shot) and the timeline with a marker per keyframe (``<name>_keyframes.otio``)
    into ``out_dir``, through its one writer (never over a file roughcut did not make). ``name``
    defaults to the video's file stem. Returns the paths by kind (``"storyboard"``, ``"otio"``)."""
    from roughcut.export import write_all
    from roughcut.export.files import OutputDir
    from roughcut.summary._pages import Tile, grab_frames, save_png, sheet_figure, timecode

    stem = name or summary.path.stem
    out = OutputDir(out_dir)
    out.check([f"{stem}_storyboard.png", f"{stem}_keyframes.otio"])
    pictures = grab_frames(summary.path, summary.frames)
    tiles = []
    for number, key in enumerate(summary.keyframes, 1):
        shot = summary.shots[key.shot]
        tiles.append(
            Tile(
                pictures[key.frame],
                (
                    f"{number}. {timecode(key.frame, summary.frame_rate)}  frame {key.frame}",
                    f"shot {key.shot + 1}: frames {shot.start_frame}-{shot.end_frame - 1}",
                ),
            )
        )
    figure = sheet_figure(
        f"Keyframes: {summary.path.name}",
        f"{len(summary.keyframes)} keyframes, {len(summary.shots)} shots (VSUMM per shot), "
        f"{summary.frame_count} frames at {float(summary.frame_rate):.3f} fps",
        tiles,
        columns=columns,
    )
    with out.writing(f"{stem}_storyboard.png") as part:
        save_png(figure, part)
    paths = {"storyboard": out.path(f"{stem}_storyboard.png")}
    paths["otio"] = write_all(keyframe_timeline(summary), out.root, ["otio"], name=f"{stem}_keyframes")[
        "otio"
    ]
    return paths
