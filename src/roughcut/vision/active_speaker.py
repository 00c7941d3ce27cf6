"""Active speaker detection with Light-ASD: is this face speaking the words heard, per frame.

Light-ASD (Liao et al., CVPR 2023, MIT licence; trained on AVA-ActiveSpeaker) runs here with
onnxruntime from ``models/light_asd_int8.onnx`` (converted by ``training/convert_light_asd.py``; the
visual convolutions in int8: 1.5x less CPU than float, GRID accuracy unchanged). Its inputs are
prepared as the authors prepare them: 13 MFCCs of 16 kHz sound at 100 frames a second (25 ms
windows, 10 ms steps, python_speech_features' recipe, on 16-bit sample values) and grayscale
112x112 face crops at 25 frames a second, 4 MFCC frames to a video frame. The crop is
the authors': around a face box of half-size ``s`` (half its longer side), a square of side
``2 (1 + CROP_SCALE) s`` reaching ``s`` above the box centre, of which the central half is kept.

Face boxes come from the analysis pass (about 8 per second); a second, light decode reads the
luma plane of every frame where a track is large enough, interpolates its box there, crops, and
scores the track in windows of at most ``WINDOW_FRAMES`` as soon as they fill, so memory stays
flat however long the take. Where the model cannot run (no sound, faces smaller than
``MIN_FACE_PX`` pixels, tracks shorter than ``MIN_FRAMES``) the caller falls back to lip motion.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import numpy as np

#: The converted model, shipped with its licence (``models/LICENSE-light-asd.txt``).
MODEL_PATH = Path(__file__).resolve().parent / "models" / "light_asd_int8.onnx"
#: Video frames per second, MFCC frames per second and MFCC frames per video frame the model expects.
MODEL_FPS = 25
MFCC_FPS = 100
MFCC_PER_FRAME = MFCC_FPS // MODEL_FPS
#: MFCC parameters (python_speech_features' defaults, as the authors call it): 16 kHz sound,
#: 25 ms windows every 10 ms, 512-point FFT, 26 mel filters, 13 coefficients, pre-emphasis 0.97,
#: cepstral lifter 22, the first coefficient replaced by the log frame energy.
SAMPLE_RATE = 16000
WIN_SAMPLES = 400
STEP_SAMPLES = 160
N_FFT = 512
N_FILTERS = 26
N_MFCC = 13
PREEMPHASIS = 0.97
CEP_LIFTER = 22
#: Face crop side (pixels) and the authors' crop scale (``cropScale``).
CROP_PX = 112
CROP_SCALE = 0.40
#: Faces whose box is shorter than this (native pixels, median over the track) are left to lip motion.
MIN_FACE_PX = 32
#: Tracks spanning fewer model frames than this (0.4 s) are left to lip motion.
MIN_FRAMES = 10
#: Longest window the model scores at once (model frames, 6 s); a track is cut into equal windows.
WINDOW_FRAMES = 150
#: Windows at most waiting for the model (scored on a worker thread while the decode goes on).
PENDING_WINDOWS = 2
#: Scores are averaged over this many model frames (the authors' demo: 5) before the threshold.
SMOOTH_FRAMES = 5
#: Model frames further than this (seconds) from any voice heard are not scored: nobody speaks there.
VOICE_MARGIN_S = 0.5
#: The score given to frames without a voice (far below any threshold).
NO_VOICE_SCORE = -10.0
#: Speaking where the smoothed score (speaking minus silent logit) exceeds this: tuned on the first
#: half of the GRID clips (see ``tests/vision/test_active_speaker.py``).
THRESHOLD = -0.5


def _hz_to_mel(hz: np.ndarray | float) -> np.ndarray:
    return 2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    return 700.0 * (10.0 ** (np.asarray(mel) / 2595.0) - 1.0)


@lru_cache(maxsize=1)
def _mel_filters() -> np.ndarray:
    """Triangular mel filters ``(N_FILTERS, N_FFT // 2 + 1)`` on whole FFT bins, 0 Hz to Nyquist."""
    mels = np.linspace(_hz_to_mel(0.0), _hz_to_mel(SAMPLE_RATE / 2), N_FILTERS + 2)
    bins = np.floor((N_FFT + 1) * _mel_to_hz(mels) / SAMPLE_RATE).astype(int)
    filters = np.zeros((N_FILTERS, N_FFT // 2 + 1))
    for j in range(N_FILTERS):
        low, centre, high = bins[j], bins[j + 1], bins[j + 2]
        rising = np.arange(low, centre)
        filters[j, rising] = (rising - low) / (centre - low)
        falling = np.arange(centre, high)
        filters[j, falling] = (high - falling) / (high - centre)
    return filters


def mfcc(samples: np.ndarray, *, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """13 MFCCs a 10 ms step of mono sound ``samples`` (``(n,)`` at 16 kHz, 16-bit sample values,
    i.e. full scale 32768). Returns ``(frames, 13)``, frames ``1 + ceil((n - 400) / 160)`` (at least 1),
    the last one zero-padded, as python_speech_features computes them."""
    from scipy.fft import dct

    if sample_rate != SAMPLE_RATE:
        raise ValueError(f"MFCCs are computed at {SAMPLE_RATE} Hz, not {sample_rate}")
    signal = np.asarray(samples, dtype=np.float64)
    if not len(signal):
        signal = np.zeros(1)
    signal = np.append(signal[0], signal[1:] - PREEMPHASIS * signal[:-1])
    frames = 1 if len(signal) <= WIN_SAMPLES else 1 + int(np.ceil((len(signal) - WIN_SAMPLES) / STEP_SAMPLES))
    padded = np.zeros((frames - 1) * STEP_SAMPLES + WIN_SAMPLES)
    padded[: len(signal)] = signal
    starts = np.arange(frames)[:, None] * STEP_SAMPLES
    windows = padded[starts + np.arange(WIN_SAMPLES)]
    power = np.abs(np.fft.rfft(windows, N_FFT)) ** 2 / N_FFT
    eps = np.finfo(float).eps
    energy = power.sum(axis=1)
    energy[energy == 0] = eps
    filtered = power @ _mel_filters().T
    filtered[filtered == 0] = eps
    coefficients = dct(np.log(filtered), type=2, axis=1, norm="ortho")[:, :N_MFCC]
    coefficients *= 1 + (CEP_LIFTER / 2) * np.sin(np.pi * np.arange(N_MFCC) / CEP_LIFTER)
    coefficients[:, 0] = np.log(energy)
    return coefficients


def crop_face(
    luma: np.ndarray,
    box: tuple[float, float, float, float],
    *,
    full_range: bool = True,
    aspect: float = 1.0,
) -> np.ndarray:
    """The model's face crop from a luma picture ``(h, w)`` uint8: ``box`` ``(x, y, w, h)`` in pixels
    of that picture, ``aspect`` the displayed width of a pixel over its height. Outside the picture
    is grey (110, the authors' padding). Returns ``(112, 112)`` uint8, gray levels 0-255
    (``full_range=False``: the luma is video range 16-235 and is stretched)."""
    import cv2

    x, y, w, h = box
    half = max(w * aspect, h) / 2  # display pixels (as tall as stored ones)
    side = (1 + CROP_SCALE) * half  # the central half of the authors' square of side 2 (1 + scale) half
    centre_x, centre_y = x + w / 2, y + h / 2 + CROP_SCALE * half
    size_y, size_x = max(1, round(side)), max(1, round(side / aspect))
    left, top = round(centre_x - size_x / 2), round(centre_y - size_y / 2)
    rows, cols = luma.shape
    inside = luma[max(top, 0) : min(top + size_y, rows), max(left, 0) : min(left + size_x, cols)]
    if inside.shape != (size_y, size_x):
        canvas = np.full((size_y, size_x), 110 if full_range else 110 * 219 // 255 + 16, np.uint8)
        canvas[
            max(-top, 0) : max(-top, 0) + inside.shape[0], max(-left, 0) : max(-left, 0) + inside.shape[1]
        ] = inside
        inside = canvas
    shrink = size_y > CROP_PX
    crop = cv2.resize(
        inside, (CROP_PX, CROP_PX), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
    )
    if not full_range:
        crop = np.clip((crop.astype(np.float32) - 16) * (255 / 219), 0, 255).astype(np.uint8)
    return crop


@lru_cache(maxsize=1)
def _session():
    import onnxruntime

    options = onnxruntime.SessionOptions()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    # One thread on two cores or fewer: the model already runs beside the decode (and the identity
    # embeddings) on its own thread, and a second intra-op thread there cost about 15 % more CPU of
    # the whole vision pass for no gain in wall time (``benchmarks/bench_vision.py``).
    options.intra_op_num_threads = 1 if cores <= 2 else min(cores, 4)
    options.inter_op_num_threads = 1
    # Idle threads sleep instead of spinning: on a loaded machine spinning costs a fifth more CPU.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(str(MODEL_PATH), options, providers=["CPUExecutionProvider"])


def model_scores(features: np.ndarray, crops: np.ndarray) -> np.ndarray:
    """Light-ASD's score a frame: speaking minus silent logit (> 0: more likely speaking).

    ``features`` ``(4 T, 13)`` MFCCs and ``crops`` ``(T, 112, 112)`` gray levels, both at the model's
    rates (100 and 25 per second) and starting together. Returns ``(T,)``.
    """
    frames = len(crops)
    features = np.asarray(features, np.float32)
    if len(features) < MFCC_PER_FRAME * frames:  # sound ending early: repeat its last frame
        pad = MFCC_PER_FRAME * frames - len(features)
        features = (
            np.concatenate([features, np.repeat(features[-1:], pad, axis=0)])
            if len(features)
            else np.zeros((MFCC_PER_FRAME * frames, N_MFCC), np.float32)
        )
    (logits,) = _session().run(
        None,
        {"audio": features[None, : MFCC_PER_FRAME * frames], "video": np.asarray(crops, np.float32)[None]},
    )
    return logits[0, :, 1] - logits[0, :, 0]


def smoothed_decision(scores: np.ndarray, *, threshold: float = THRESHOLD) -> np.ndarray:
    """Speaking per model frame: the score averaged over ``SMOOTH_FRAMES`` above ``threshold``."""
    from scipy.ndimage import uniform_filter1d

    scores = np.asarray(scores, float)
    if not len(scores):
        return np.zeros(0, bool)
    return uniform_filter1d(scores, SMOOTH_FRAMES, mode="nearest") > threshold


@dataclass(frozen=True)
class TrackSpeech:
    """Light-ASD's verdict on one face track: native ``frames`` (one a model frame, at 25 a second,
    ascending) and the model's ``scores`` there (speaking minus silent logit); ``decided``, when
    set, the final speaking decision a model frame (the model widened to the speech heard,
    :mod:`roughcut.vision.voice_fusion`) instead of the scores above a threshold."""

    frames: np.ndarray
    scores: np.ndarray
    decided: np.ndarray | None = None

    def decision(self, *, threshold: float = THRESHOLD) -> np.ndarray:
        """Speaking a model frame: ``decided`` when set (``threshold`` then unused), else the
        smoothed scores above ``threshold``."""
        if self.decided is not None:
            return np.asarray(self.decided, bool)
        return smoothed_decision(self.scores, threshold=threshold)

    def at(self, native_frames: np.ndarray, *, threshold: float = THRESHOLD) -> np.ndarray:
        """Speaking at ``native_frames`` (nearest model frame; outside the track: not speaking)."""
        native_frames = np.asarray(native_frames)
        decision = self.decision(threshold=threshold)
        if not len(self.frames):
            return np.zeros(len(native_frames), bool)
        if len(self.frames) == 1:
            k = np.zeros(len(native_frames), int)
        else:
            right = np.clip(np.searchsorted(self.frames, native_frames), 1, len(self.frames) - 1)
            left_nearer = np.abs(self.frames[right - 1] - native_frames) <= np.abs(
                self.frames[right] - native_frames
            )
            k = np.where(left_nearer, right - 1, right)
        spacing = float(np.median(np.diff(self.frames))) if len(self.frames) > 1 else 1.0
        inside = (native_frames >= self.frames[0] - spacing) & (native_frames <= self.frames[-1] + spacing)
        return decision[k] & inside


@dataclass
class _Plan:
    """One track's model frames: native frame to read for each, the interpolated boxes (fractions)."""

    track_id: int
    native: np.ndarray
    boxes: np.ndarray
    times: np.ndarray
    crops: list
    scores: list
    #: Windows ``(start, end)`` of model frames to score (inside stretches with a voice), in order,
    #: and those model frames one by one.
    windows: list = field(default_factory=list)
    scored: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    done: int = 0
    count: int = 0


def _append(plan: _Plan, crop: np.ndarray | None, flush) -> None:
    plan.crops.append(crop if crop is not None else np.full((CROP_PX, CROP_PX), 110, np.uint8))
    plan.count += 1
    flush(plan)


def _plan(track, frame_rate: Fraction, frame_count: int) -> _Plan:
    """Model frames at 25 a second across the track's span (half a sample spacing beyond its ends),
    each with the nearest native frame and the box interpolated between the track's samples."""
    frames = np.array([s.frame for s in track.samples], float)
    boxes = np.array([s.box for s in track.samples], float)
    rate = float(frame_rate)
    spacing = float(np.median(np.diff(frames))) if len(frames) > 1 else 1.0
    start_s = max(0.0, (frames[0] - spacing / 2) / rate)
    end_s = min((frame_count - 0.5) / rate, (frames[-1] + spacing / 2 + 0.5) / rate)
    times = start_s + np.arange(max(0, int(np.floor((end_s - start_s) * MODEL_FPS)) + 1)) / MODEL_FPS
    native = np.clip(np.round(times * rate).astype(int), 0, frame_count - 1)
    position = times * rate
    interpolated = np.stack([np.interp(position, frames, boxes[:, k]) for k in range(4)], axis=1)
    return _Plan(track.track_id, native, interpolated, times, [], [])


def _windows(length: int, offset: int = 0) -> list[tuple[int, int]]:
    """``length`` model frames from ``offset`` cut into equal windows of at most ``WINDOW_FRAMES``."""
    count = max(1, -(-length // WINDOW_FRAMES))
    edges = np.linspace(0, length, count + 1).round().astype(int) + offset
    return [(int(a), int(b)) for a, b in itertools.pairwise(edges) if b > a]


def voice_activity(sound: np.ndarray) -> np.ndarray:
    """Whether a voice may be heard within ``VOICE_MARGIN_S``, a 30 ms step of 16 kHz ``sound``
    (full scale 1.0): webrtcvad, lenient (aggressiveness 1). Returns ``(steps,)`` bool."""
    import webrtcvad
    from scipy.ndimage import binary_dilation

    step = SAMPLE_RATE * 3 // 100
    pcm = (np.clip(np.asarray(sound), -1, 1) * 32767).astype("<i2")
    detector = webrtcvad.Vad(1)
    flags = np.array(
        [
            detector.is_speech(pcm[i : i + step].tobytes(), SAMPLE_RATE)
            for i in range(0, len(pcm) - step + 1, step)
        ],
        bool,
    )
    margin = round(VOICE_MARGIN_S / 0.03)
    return binary_dilation(flags, np.ones(2 * margin + 1, bool)) if len(flags) else flags


def score_tracks(
    path: str | Path,
    tracks: list,
    *,
    frame_rate: Fraction,
    frame_count: int,
    frame_size: tuple[int, int],
    sound: np.ndarray,
) -> dict[int, TrackSpeech]:
    """Light-ASD scores for the face ``tracks`` of the take at ``path`` (a second decode, every frame
    where a scored track is, luma plane only).

    ``tracks`` are face tracks with ``samples`` (boxes in frame fractions of the upright picture of
    ``frame_size`` display pixels), already filtered to those the model can judge (see
    :func:`can_score`); ``sound`` the take's mono sound at 16 kHz, full scale 1.0, starting with the
    first frame. Only stretches of a track within ``VOICE_MARGIN_S`` of a voice (:func:`voice_activity`)
    are decoded and scored; the rest get ``NO_VOICE_SCORE``. Returns ``{track_id: TrackSpeech}``.
    """
    from scipy.ndimage import label

    from roughcut.media.container import open_media

    if not tracks:
        return {}
    features = mfcc(np.asarray(sound, np.float64) * 32768)
    plans = [_plan(t, frame_rate, frame_count) for t in tracks]
    plans = [p for p in plans if len(p.native) >= MIN_FRAMES]
    voiced = voice_activity(sound)
    for plan in plans:
        steps = np.clip((plan.times / 0.03).astype(int), 0, max(len(voiced) - 1, 0))
        runs, count = label(voiced[steps] if len(voiced) else np.zeros(len(steps), bool))
        for k in range(1, count + 1):
            where = np.flatnonzero(runs == k)
            if len(where) >= MIN_FRAMES:
                plan.windows += _windows(len(where), int(where[0]))
        plan.scored = np.array([k for a, b in plan.windows for k in range(a, b)], int)
    busy = [p for p in plans if len(p.scored)]
    if not busy:
        return {p.track_id: TrackSpeech(p.native, np.full(len(p.native), NO_VOICE_SCORE)) for p in plans}
    first = min(int(p.native[p.scored[0]]) for p in busy)
    last = max(int(p.native[p.scored[-1]]) for p in busy)

    # The model scores full windows on a worker thread while the decode goes on (onnxruntime
    # releases the GIL): at most ``PENDING_WINDOWS`` wait, so memory stays flat.
    worker = ThreadPoolExecutor(max_workers=1)
    pending: deque[Future] = deque()

    def flush(plan: _Plan) -> None:
        while plan.done < len(plan.windows):
            start, end = plan.windows[plan.done]
            if len(plan.crops) < end - start:
                return
            offset = round(plan.times[start] * MFCC_FPS)
            chunk = features[offset : offset + (end - start) * MFCC_PER_FRAME]
            while len(pending) >= PENDING_WINDOWS:
                pending.popleft().result()
            job = worker.submit(model_scores, chunk, np.stack(plan.crops[: end - start]))
            pending.append(job)
            plan.scores.append(job)
            del plan.crops[: end - start]
            plan.done += 1

    display_w, display_h = frame_size
    with worker, open_media(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        time_base = stream.time_base
        origin = Fraction(stream.start_time or 0) * time_base
        if first > 0:
            target = int((origin + Fraction(first) / frame_rate) / time_base)
            container.seek(target, stream=stream, backward=True, any_frame=False)
        last_index = -1
        rotation = None
        for frame in container.decode(stream):
            index = (
                last_index + 1
                if frame.pts is None
                else int((Fraction(frame.pts) * time_base - origin) * frame_rate + Fraction(1, 2))
            )
            last_index = index
            if index > last:
                break
            due = [p for p in busy if p.count < len(p.scored) and p.native[p.scored[p.count]] <= index]
            if not due:
                continue
            if rotation is None:
                rotation = round(frame.rotation or 0) % 360
            plane = frame.planes[0]
            luma = np.frombuffer(plane, np.uint8).reshape(frame.height, plane.line_size)[:, : frame.width]
            if rotation:
                luma = np.rot90(luma, k=rotation // 90)
            # Video range (16-235) unless the stream says full range (AVCOL_RANGE_JPEG, 2) or yuvj.
            full_range = frame.format.name.startswith("yuvj") or int(frame.color_range or 0) == 2
            rows, cols = luma.shape
            aspect = (display_w / max(display_h, 1)) / (cols / max(rows, 1))  # a pixel's shown width
            for plan in due:
                # Every model frame up to this one (two when a native frame serves two; one the
                # decoder lost is cropped from this frame).
                while plan.count < len(plan.scored) and plan.native[plan.scored[plan.count]] <= index:
                    x, y, w, h = plan.boxes[plan.scored[plan.count]]
                    box = (x * cols, y * rows, w * cols, h * rows)
                    _append(plan, crop_face(luma, box, full_range=full_range, aspect=aspect), flush)
        for plan in plans:
            while plan.count < len(plan.scored):  # the file ended early: the last crop repeats
                _append(plan, plan.crops[-1] if plan.crops else None, flush)
    out = {}
    for plan in plans:
        scores = np.full(len(plan.native), NO_VOICE_SCORE)
        for (a, b), found in zip(plan.windows, plan.scores, strict=True):
            scores[a:b] = found.result()
        out[plan.track_id] = TrackSpeech(frames=plan.native, scores=scores)
    return out


def can_score(track, frame_height: int) -> bool:
    """Whether Light-ASD can judge ``track``: its median face box at least ``MIN_FACE_PX`` tall."""
    heights = sorted(s.box[3] for s in track.samples)
    return bool(heights) and heights[len(heights) // 2] * frame_height >= MIN_FACE_PX


def decide_speakers(
    path: str | Path,
    tracks: list,
    *,
    frame_rate: Fraction,
    frame_count: int,
    frame_size: tuple[int, int],
) -> tuple[list, list[str]]:
    """``tracks`` (face tracks already decided by lip motion) with Light-ASD's decision wherever it
    can run, and the problems that kept it from running (a take without sound: all lip motion).

    A track the model judged gets ``speaking_source="light-asd"``, its 25 fps ``speech_frames`` and
    ``speech_scores``, and ``speaking`` per analysed sample from the model; the others keep lip
    motion (``speaking_source="lip-motion"``). Where Silero VAD can run, the model's verdicts are
    widened to the speech runs it hears (:mod:`roughcut.vision.voice_fusion`):
    ``speaking_source="light-asd+vad"`` and the final decision per model frame in ``speech_decided``.
    """
    from dataclasses import replace

    from roughcut.errors import MediaError
    from roughcut.media import read_audio

    if not tracks:
        return list(tracks), []
    judged = [t for t in tracks if can_score(t, frame_size[1])]
    problems = []
    if len(judged) < len(tracks):
        problems.append(
            f"{len(tracks) - len(judged)} of {len(tracks)} face tracks smaller than {MIN_FACE_PX} px: "
            "speaking from lip motion there"
        )
    if not judged:
        return list(tracks), problems
    try:
        sound = read_audio(path, sample_rate=SAMPLE_RATE).samples
    except MediaError as exc:
        return list(tracks), [
            *problems,
            f"no usable sound ({exc.problem}): speaking from lip motion, not the model",
        ]
    speech = score_tracks(
        path, judged, frame_rate=frame_rate, frame_count=frame_count, frame_size=frame_size, sound=sound
    )
    # The sound says when, the face says who: widen the verdicts to the speech runs Silero hears.
    from roughcut.vision.voice_fusion import fuse_tracks, voice_runs

    runs = voice_runs(sound, sample_rate=SAMPLE_RATE) if speech else None
    if runs is not None:
        speech = fuse_tracks(speech, runs, frame_rate=float(frame_rate))
    out = []
    for track in tracks:
        verdict = speech.get(track.track_id)
        if verdict is None:
            out.append(track)
            continue
        at_samples = verdict.at(np.array([s.frame for s in track.samples]))
        out.append(
            replace(
                track,
                speaking=tuple(bool(v) for v in at_samples),
                speaking_source="light-asd" if verdict.decided is None else "light-asd+vad",
                speech_frames=tuple(int(f) for f in verdict.frames),
                speech_scores=tuple(round(float(v), 3) for v in verdict.scores),
                speech_decided=() if verdict.decided is None else tuple(bool(v) for v in verdict.decided),
            )
        )
    return out, problems
