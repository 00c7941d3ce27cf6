"""Vision analysis of a take (one decode pass) and of every take of a project (cached, in parallel)."""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import numpy as np

from roughcut.errors import ConfigError, MediaError, RoughcutError
from roughcut.media import Frame, fingerprint, probe, read_frames
from roughcut.media.rates import snap_frame_rate
from roughcut.progress import track
from roughcut.vision.analyser import FrameAnalyser, face_analyser, run_pass, speaker_analyser
from roughcut.vision.cuts import COMPARE_WIDTH, CutAnalyser, refine_cuts
from roughcut.vision.faces import RawTrack
from roughcut.vision.identity import track_embeddings
from roughcut.vision.model import FaceTrack, ShotSegment, TakeVision
from roughcut.vision.persons import make_persons
from roughcut.vision.sharpness import SOFT_BELOW, SharpnessAnalyser
from roughcut.vision.shot_size import classify_framing, frame_bottom_from_face
from roughcut.vision.speaking import mouth_activity, speaking_mask

#: Store stage name and version (bump the version when results change).
STAGE = "vision"
VERSION = 9
#: Defaults: analysis frames per second and width in pixels.
DEFAULT_FPS = 8
DEFAULT_WIDTH = 640
#: Framing changes shorter than this (seconds) are not segments of their own.
MIN_SEGMENT_S = 1.0
#: A body measurement of the framing holds for faces up to this factor larger or smaller than the
#: face it was made on (a zoom or another framing beyond that).
SAME_FRAMING = 1.3
#: Faces smaller than this (face height over frame height) are too small for landmarks.
SMALL_FACE = 0.04
#: Faces without landmarks smaller than this (face height over frame height) are called too small for
#: landmarks rather than profiles.
SMALL_FOR_LANDMARKS = 0.08
#: Width over height beyond which (either way) a picture is reported as extreme.
EXTREME_ASPECT = 3.0
#: Analysis pictures less tall than this (pixels) are not searched for faces.
MIN_FACE_SEARCH_HEIGHT = 48
#: On fewer cores than this OpenCV runs single-threaded during the analysis (see ``_opencv_threads``).
OPENCV_THREADS_FROM_CORES = 3


class _Frames(FrameAnalyser):
    """Records which native frames were analysed and their size."""

    def __init__(self) -> None:
        self.frames: list[int] = []
        self.size = (0, 0)

    def process_frame(self, frame: Frame) -> None:
        self.frames.append(frame.index)
        self.size = (frame.image.shape[1], frame.image.shape[0])

    def post_process(self) -> tuple[tuple[int, ...], tuple[int, int]]:
        return tuple(self.frames), self.size


def _split_at_cuts(tracks: Sequence[RawTrack], cuts: Sequence[int]) -> list[RawTrack]:
    """A face cannot continue across a cut: split tracks there (new ids for the later parts)."""
    if not cuts:
        return list(tracks)
    next_id = max((t.track_id for t in tracks), default=0) + 1
    out = []
    for raw in tracks:
        parts: list[list] = [[]]
        bounds = iter(sorted(c for c in cuts if raw.samples[0].frame < c <= raw.samples[-1].frame))
        bound = next(bounds, None)
        for sample in raw.samples:
            while bound is not None and sample.frame >= bound:
                parts.append([])
                bound = next(bounds, None)
            parts[-1].append(sample)
        parts = [p for p in parts if p]
        for k, part in enumerate(parts):
            track_id = raw.track_id if k == 0 else next_id
            next_id += k > 0
            chips = tuple(c for c in raw.chips if part[0].frame <= c.frame <= part[-1].frame)
            out.append(
                RawTrack(track_id=track_id, samples=tuple(part), appearance=raw.appearance, chips=chips)
            )
    return out


def _speaking(raw: RawTrack, sample_rate: float) -> FaceTrack:
    motion = np.array([np.nan if s.mouth_motion is None else s.mouth_motion for s in raw.samples])
    opening = np.array([np.nan if s.mouth_opening is None else s.mouth_opening for s in raw.samples])
    activity = mouth_activity(motion, opening, sample_rate=sample_rate)
    known = ~np.isnan(opening)
    speaking = speaking_mask(activity, sample_rate=sample_rate) & known
    return FaceTrack(
        track_id=raw.track_id,
        samples=raw.samples,
        mouth_activity=tuple(float(v) for v in activity),
        speaking=tuple(bool(v) for v in speaking),
        appearance=raw.appearance,
    )


def _mode_filter(labels: list, width: int) -> list:
    """Each label replaced by the most common one in a centred window of ``width`` samples."""
    half = width // 2
    out = []
    for k in range(len(labels)):
        window = labels[max(0, k - half) : k + half + 1]
        out.append(max(window, key=lambda v: (window.count(v), v == labels[k])))
    return out


def _segments(
    sample_frames: Sequence[int],
    tracks: Sequence[FaceTrack],
    cuts: Sequence[int],
    frame_count: int,
    rate: Fraction,
    analysis_fps: Fraction,
    framings: Sequence[tuple[int, float, float]] = (),
) -> tuple[ShotSegment, ...]:
    """Stretches of one shot size (largest face) and people count: shots split at cuts, labels
    smoothed over ``MIN_SEGMENT_S``, runs shorter than that merged into their longer neighbour.

    The shot size of a frame comes from the frame bottom in face heights below the largest face's
    forehead (:mod:`~roughcut.vision.shot_size`): measured by body landmarks (``framings``, the
    nearest measurement in the same shot) where there are some, else from the face's place."""
    if not sample_frames:
        return ()
    largest: dict[int, tuple[float, float]] = {}  # frame: (face height, face top)
    count: dict[int, int] = {}
    analysed = np.asarray(sample_frames)
    for t in tracks:
        # A face is present from its track's first to last sample (brief misses included), at the
        # size of its latest sample.
        seen = np.array([s.frame for s in t.samples])
        inside = analysed[(analysed >= seen[0]) & (analysed <= seen[-1])]
        latest = np.searchsorted(seen, inside, side="right") - 1
        for frame, k in zip(inside.tolist(), latest.tolist(), strict=True):
            sample = t.samples[k]
            largest[frame] = max(largest.get(frame, (0.0, 0.0)), (sample.face_height, sample.box[1]))
            count[frame] = count.get(frame, 0) + 1
    bounds = [0, *sorted(c for c in cuts if 0 < c < frame_count), frame_count]
    window = max(1, round(MIN_SEGMENT_S * analysis_fps)) | 1
    shortest = MIN_SEGMENT_S * rate
    segments: list[ShotSegment] = []
    for start, end in itertools.pairwise(bounds):
        frames = [f for f in sample_frames if start <= f < end]
        if not frames:
            segments.append(ShotSegment(start, end, None, 0, "no face found"))
            continue
        measured = [m for m in framings if start <= m[0] < end]
        labels = [(_shot_size_at(f, largest, measured), count.get(f, 0)) for f in frames]
        labels = _mode_filter(labels, window)
        runs: list[list] = []  # [label, first frame]
        for frame, label in zip(frames, labels, strict=True):
            if not runs or runs[-1][0] != label:
                runs.append([label, frame])
        runs[0][1] = start
        ends = [r[1] for r in runs[1:]] + [end]
        while len(runs) > 1:
            lengths = [e - r[1] for r, e in zip(runs, ends, strict=True)]
            k = min(range(len(runs)), key=lengths.__getitem__)
            if lengths[k] >= shortest:
                break
            if k == 0 or (k + 1 < len(runs) and lengths[k + 1] > lengths[k - 1]):
                runs[k + 1][1] = runs[k][1]  # into the next run
            else:
                ends[k - 1] = ends[k]  # into the previous run
            del runs[k], ends[k]
            merged_runs, merged_ends = [runs[0]], [ends[0]]
            for run, run_end in zip(runs[1:], ends[1:], strict=True):
                if run[0] == merged_runs[-1][0]:
                    merged_ends[-1] = run_end
                else:
                    merged_runs.append(run)
                    merged_ends.append(run_end)
            runs, ends = merged_runs, merged_ends
        for (label, first), last in zip(runs, ends, strict=True):
            segments.append(ShotSegment(first, last, label[0], label[1], _segment_note(tracks, first, last)))
    return tuple(segments)


def _segment_problems(segments: Sequence[ShotSegment], tracks: Sequence[FaceTrack]) -> list[str]:
    """The segments' notes with their frames (none when the take has no face at all: said once)."""
    if not tracks:
        return []
    return [f"frames {s.start_frame}-{s.end_frame - 1}: {s.note}" for s in segments if s.note]


def _shot_size_at(
    frame: int, largest: dict[int, tuple[float, float]], measured: Sequence[tuple[int, float, float]]
) -> str | None:
    """Shot size at an analysed frame from its largest face ``(height, top)`` and the body
    measurements ``(frame, frame bottom, face height)`` of its shot: the nearest one made on a face
    of about this size (within ``SAME_FRAMING``), else the face's place."""
    if frame not in largest:
        return None
    height, top = largest[frame]
    alike = [m for m in measured if 1 / SAME_FRAMING <= m[2] / max(height, 1e-6) <= SAME_FRAMING]
    if not alike:
        return classify_framing(frame_bottom_from_face(top, height), height)
    return classify_framing(min(alike, key=lambda m: abs(m[0] - frame))[1], height)


def _segment_note(tracks: Sequence[FaceTrack], start: int, end: int) -> str:
    """What limits the faces found in native frames ``start`` to ``end`` (exclusive), or ``""``."""
    samples = [s for t in tracks for s in t.samples if start <= s.frame < end]
    if not samples:
        return "no face found"
    largest = max(s.face_height for s in samples)
    if largest < SMALL_FACE:
        return f"faces too small (largest {largest:.0%} of the frame height): shot size only"
    if any(s.has_landmarks for s in samples):
        return ""
    heights = sorted(s.face_height for s in samples)
    if heights[len(heights) // 2] < SMALL_FOR_LANDMARKS:
        return f"faces too small for landmarks (largest {largest:.0%} of the frame height)"
    return f"no face with landmarks (profiles? largest {largest:.0%} of the frame height)"


def _problems(info, analysis_size: tuple[int, int], tracks: Sequence[FaceTrack], searched: bool) -> list[str]:
    problems = []
    video = info.video
    if video.rotation:
        problems.append(f"rotated {video.rotation}° by its display matrix: analysed upright")
    width, height = video.display_size
    if max(width / max(height, 1), height / max(width, 1)) > EXTREME_ASPECT:
        problems.append(f"extreme aspect ratio {width}x{height}: faces may be missed")
    if not searched:
        problems.append(
            f"analysis picture {analysis_size[0]}x{analysis_size[1]} too small to search for faces"
        )
    elif not tracks:
        problems.append("no face found (an insert or a cutaway?)")
    else:
        largest = max(t.face_height for t in tracks)
        samples = [s for t in tracks for s in t.samples]
        bare = [s for s in samples if not s.has_landmarks]
        if largest < SMALL_FACE:
            problems.append(f"faces too small (largest {largest:.0%} of the frame height): shot size only")
        elif len(bare) > len(samples) / 2:
            heights = sorted(s.face_height for s in bare)
            if heights[len(heights) // 2] < SMALL_FOR_LANDMARKS:
                problems.append(
                    f"faces too small for landmarks (largest {largest:.0%} of the frame height): "
                    "shot size and people only, speaking unknown"
                )
            else:
                problems.append(
                    f"{len(bare) / len(samples):.0%} of faces without landmarks (profiles?): "
                    "speaking unknown there"
                )
    return problems


@contextmanager
def _opencv_threads(count: int) -> Iterator[None]:
    """OpenCV's own thread pool (resizing, YuNet, SFace) at ``count`` threads for the block, then
    as it was. The analysis already keeps the cores busy with the decode, mediapipe's graphs and the
    speaker model on their own threads: on two cores OpenCV's pool only adds hand-offs (measured:
    the vision pass about 15 % less CPU single-threaded, the wall time unchanged)."""
    import cv2

    before = cv2.getNumThreads()
    cv2.setNumThreads(count)
    try:
        yield
    finally:
        cv2.setNumThreads(before)


def analyze_take(
    path: str | Path, *, fps: float | Fraction | None = DEFAULT_FPS, width: int | None = DEFAULT_WIDTH
) -> TakeVision:
    """Faces, persons, speaking, shot size, cuts and sharpness of one take, in one decode pass.

    ``fps`` is the analysis rate in frames per second (``None``: every frame), ``width`` the analysis
    width in pixels (``None``: stored width). Raises :class:`~roughcut.errors.MediaError` for a file
    that cannot be decoded; problems that only limit the analysis go into ``TakeVision.problems``.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if cores > OPENCV_THREADS_FROM_CORES:
        return _analyze_take(Path(path), fps=fps, width=width)
    with _opencv_threads(1):
        return _analyze_take(Path(path), fps=fps, width=width)


def _analyze_take(path: Path, *, fps: float | Fraction | None, width: int | None) -> TakeVision:
    info = probe(path)
    if info.video is None:
        raise MediaError(path, "holds no video stream")
    rate = info.video.frame_rate
    analysis_fps = rate if fps is None else min(rate, snap_frame_rate(Fraction(fps)) or rate)
    display_w, display_h = info.video.display_size
    predicted_height = display_h * (width or display_w) / max(display_w, 1)
    searched = predicted_height >= MIN_FACE_SEARCH_HEIGHT and (width or display_w) >= MIN_FACE_SEARCH_HEIGHT
    frames_seen = _Frames()
    cut_analyser = CutAnalyser(native_rate=rate)
    analysers: list[FrameAnalyser] = [frames_seen, cut_analyser, SharpnessAnalyser()]
    if searched:
        analysers.append(face_analyser()(native_rate=float(rate)))
    # Every frame is decoded once: the thinned analysis frames, and every frame small and grey for
    # the cut analyser to refine its candidates without a second decode.
    results = run_pass(read_frames(path, width=width, fps=fps, between_width=COMPARE_WIDTH), analysers)
    (sample_frames, analysis_size), cut_pairs, sharpness = results[:3]
    face_result = results[3] if searched else None
    if not sample_frames:
        raise MediaError(path, "no video frame could be decoded")
    cuts, fades = refine_cuts(path, cut_pairs, greys=cut_analyser.greys, seen_until=cut_analyser.seen_until)
    shot_bounds = tuple(sorted({*cuts, *fades}))
    raw_tracks = _split_at_cuts(face_result.tracks if face_result else (), shot_bounds)
    tracks = [_speaking(raw, float(analysis_fps)) for raw in raw_tracks]
    # Identity: the best few face chips of every track (after the split at cuts) embedded once, on
    # a worker thread while the speaker model runs (both release the GIL).
    with ThreadPoolExecutor(max_workers=1) as worker:
        embedded = worker.submit(lambda: {raw.track_id: track_embeddings(raw.chips) for raw in raw_tracks})
        # Who speaks: Light-ASD on 25 fps face crops and the sound, lip motion where it cannot run.
        tracks, speaking_problems = speaker_analyser()(
            path,
            tracks,
            frame_rate=rate,
            frame_count=max(info.video.frame_count, sample_frames[-1] + 1),
            frame_size=(display_w, display_h),
        )
        embeddings = embedded.result()
    tracks = [replace(track, embeddings=embeddings.get(track.track_id, ())) for track in tracks]
    tracks, persons = make_persons(tracks, shot_bounds=shot_bounds)
    frame_count = max(info.video.frame_count, sample_frames[-1] + 1)
    framings = face_result.framings if face_result else ()
    segments = _segments(sample_frames, tracks, shot_bounds, frame_count, rate, analysis_fps, framings)
    weights: dict[str | None, int] = {}
    for segment in segments:
        weights[segment.shot_size] = (
            weights.get(segment.shot_size, 0) + segment.end_frame - segment.start_frame
        )
    sized = {k: v for k, v in weights.items() if k}
    shot_size = max(sized, key=sized.__getitem__) if sized else None
    people_frames: dict[int, int] = {}
    for segment in segments:
        people_frames[segment.people] = (
            people_frames.get(segment.people, 0) + segment.end_frame - segment.start_frame
        )
    people = max(people_frames, key=people_frames.__getitem__) if people_frames else 0
    face_sharpness = face_result.face_sharpness if face_result else None
    return TakeVision(
        path=str(path),
        frame_rate=rate,
        frame_count=frame_count,
        frame_size=(display_w, display_h),
        analysis_size=analysis_size,
        analysis_fps=analysis_fps,
        sample_frames=sample_frames,
        tracks=tuple(tracks),
        persons=persons,
        shot_size=shot_size,
        people=people,
        segments=segments,
        cuts=cuts,
        fades=fades,
        sharpness=sharpness,
        face_sharpness=face_sharpness,
        soft=sharpness < SOFT_BELOW,
        problems=tuple(_problems(info, analysis_size, tracks, searched))
        + tuple(speaking_problems)
        + tuple(_segment_problems(segments, tracks)),
    )


@dataclass(frozen=True)
class ProjectVision:
    """Vision of every take that could be read, by take name, and one error per take that could not."""

    takes: dict[str, TakeVision]
    errors: tuple[RoughcutError, ...]


def _analyze_one(path: str, fps, width) -> TakeVision:
    return analyze_take(path, fps=fps, width=width)


def analyze_project(
    project,
    *,
    store=None,
    workers: int | None = None,
    fps=None,
    width=None,
    executor: Executor | None = None,
) -> ProjectVision:
    """:func:`analyze_take` for every take of ``project`` (a :class:`~roughcut.project.Project`).

    Results are cached in ``store`` (a :class:`~roughcut.store.Store`; the default store when
    ``None``) by the take's fingerprint and the analysis parameters, each as soon as it is made (an
    interrupted run keeps what it finished); missing takes run in a process pool of ``workers``
    processes (default: the number of cores), or on ``executor`` when one is given (any
    :class:`concurrent.futures.Executor`: ``roughcut.app.executors`` has a local pool and Ray; the
    results come back here and go into the store). ``fps`` and ``width`` default to the project's
    ``[analysis]`` settings, else 8 and 640. A take that fails becomes an entry of ``errors``; the
    rest go on.
    """
    from roughcut.store import Store

    store = store if store is not None else Store()
    settings = project.config.analysis  # a roughcut.config.AnalysisConfig
    fps = fps if fps is not None else settings.fps if settings.fps is not None else DEFAULT_FPS
    width = width if width is not None else settings.width if settings.width is not None else DEFAULT_WIDTH
    if not isinstance(fps, int | float | Fraction) or isinstance(fps, bool) or fps <= 0:
        raise ConfigError(f"[analysis] fps = {fps!r}: expected a positive number of frames per second")
    if not isinstance(width, int) or isinstance(width, bool) or width < 16:
        raise ConfigError(f"[analysis] width = {width!r}: expected a width in pixels (16 or more)")
    params = {"fps": str(fps), "width": width}
    results: dict[str, TakeVision] = {}
    errors: list[RoughcutError] = []
    missing: list[tuple[str, Path, str]] = []
    for take in project.takes:
        name = project.take_name(take)
        try:
            key = fingerprint(take)
        except OSError as exc:
            errors.append(MediaError(take, f"cannot be read ({exc.strerror or exc})"))
            continue
        cached = store.get(key, STAGE, VERSION, params)
        if cached is not None:
            results[name] = replace(cached, path=str(take))
        else:
            missing.append((name, take, key))
    # One take on this machine runs here: starting a worker process would cost more than it saves.
    if missing and executor is not None and (len(missing) > 1 or getattr(executor, "remote", True)):
        # Largest files (the longest takes) first, so no long take starts last and runs alone.
        missing.sort(key=lambda m: -m[1].stat().st_size)
        futures = {
            executor.submit(_run_safely, take, fps, width): (name, take, key) for name, take, key in missing
        }
        for future in track(as_completed(futures), "Analysing faces and shots", total=len(futures)):
            name, take, key = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # failed after the executor's retries: reported by take
                outcome = MediaError(take, f"vision analysis failed ({type(exc).__name__}: {exc})")
            _collect(store, params, results, errors, name, key, outcome)
    elif missing:
        workers = workers or os.cpu_count() or 1
        if workers <= 1 or len(missing) == 1:
            outcomes = ((name, take, key, _run_safely(take, fps, width)) for name, take, key in missing)
            for name, _take, key, outcome in track(outcomes, "Analysing faces and shots", total=len(missing)):
                _collect(store, params, results, errors, name, key, outcome)
        else:
            # mediapipe's graphs run threads: workers are spawned, never forked from a parent that
            # may hold them.
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=min(workers, len(missing)), mp_context=context) as pool:
                futures = {
                    pool.submit(_run_safely, take, fps, width): (name, take, key)
                    for name, take, key in missing
                }
                for future in track(as_completed(futures), "Analysing faces and shots", total=len(futures)):
                    name, take, key = futures[future]
                    try:
                        outcome = future.result()
                    except Exception as exc:  # a worker that died takes only its take down
                        outcome = MediaError(take, f"vision analysis failed ({type(exc).__name__}: {exc})")
                    _collect(store, params, results, errors, name, key, outcome)
    ordered = {
        project.take_name(t): results[project.take_name(t)]
        for t in project.takes
        if project.take_name(t) in results
    }
    return ProjectVision(takes=ordered, errors=tuple(errors))


@dataclass(frozen=True)
class _Failure:
    """A take's error as it crosses the process boundary (``MediaError`` does not unpickle)."""

    path: str
    problem: str
    media: bool

    def error(self) -> RoughcutError:
        return MediaError(self.path, self.problem) if self.media else RoughcutError(self.problem)


def _run_safely(path: Path, fps, width) -> TakeVision | _Failure:
    try:
        return analyze_take(path, fps=fps, width=width)
    except MediaError as exc:
        return _Failure(str(exc.path), exc.problem, True)
    except RoughcutError as exc:
        return _Failure(str(path), str(exc), False)


def _collect(store, params, results, errors, name: str, key: str, outcome) -> None:
    if isinstance(outcome, _Failure):
        outcome = outcome.error()
    if isinstance(outcome, RoughcutError):
        errors.append(outcome)
        return
    store.put(key, STAGE, VERSION, params, outcome)
    results[name] = outcome
