"""The sound says when, the face says who: Light-ASD's per-frame verdicts widened to the speech runs
a voice activity detector hears.

Light-ASD finds the speaker reliably but its verdict dips and starts late here and there inside
speech (the performer of ``faces/hamilton_clip.mp4``: 5 % of his medium shot missed). Silero VAD
(:mod:`roughcut.audio.vad`) hears where speech starts and stops but not who speaks. Here, for each
speech run and each face track visible in it:

- a track the model marks speaking on at least ``RUN_SHARE`` of its model frames inside the run
  speaks from the run's start to the model's last speaking frame in it (to the run's end with
  ``TO_RUN_END``), never past the run's edges and never more than ``REACH_S`` before the model's
  first speaking frame in it;
- where two tracks that qualify are seen at the same time in the run, the one with the higher mean
  model score there takes it; the other keeps only the model's own frames, unless its mean score
  is ``BOTH_SPEAK_SCORE`` or more (both speak at once); and a face is never widened over frames
  where another face seen then is marked speaking by the model and it is not (quick exchanges
  that the voice detector hears as one run);
- elsewhere (outside every run, or a run a track does not qualify for) the model's verdict stands.

Numpy in, numpy out: times in seconds, scores as Light-ASD gives them (speaking minus silent logit,
25 a second). The constants were chosen on the first six GRID clips (sorted by name) against
webrtcvad, a different detector from Silero: ``TO_RUN_END`` off won there (94.2 against 93.1 %);
``RUN_SHARE`` (flat from 0.05 to 0.9) and ``REACH_S`` (flat from 0.2 to 2 s) change nothing on GRID,
so they sit mid-plateau. See ``tests/vision/test_voice_fusion.py`` and ``docs/models.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from roughcut.vision.active_speaker import MODEL_FPS, THRESHOLD, smoothed_decision

#: A track speaks over a speech run where the model marks it speaking on at least this share of its
#: model frames inside the run.
RUN_SHARE = 0.5
#: The widened decision reaches at most this far (seconds) before the model's first speaking frame
#: in the run.
REACH_S = 1.0
#: Whether the widened decision runs on to the run's end (else it ends with the model's last
#: speaking frame in the run).
TO_RUN_END = False
#: Padding (seconds) of Silero's speech runs at both ends.
RUN_PAD_S = 0.05
#: A track must be seen on at least this many model frames (0.2 s at 25 a second) of a run to take it.
MIN_RUN_FRAMES = 5
#: Two tracks seen together in a run both take it only when the second's mean score is this high too.
BOTH_SPEAK_SCORE = 0.0


def speech_runs(segments: Sequence, *, sample_rate: int) -> np.ndarray:
    """``(k, 2)`` start and end seconds of speech ``segments`` (anything with ``start`` and ``end``
    in samples at ``sample_rate`` Hz, e.g. :class:`roughcut.audio.vad.SpeechSegment`)."""
    runs = np.array([(s.start, s.end) for s in segments], float).reshape(-1, 2)
    return runs / float(sample_rate)


def fuse_with_voice(
    times: Sequence[np.ndarray],
    scores: Sequence[np.ndarray],
    runs: np.ndarray,
    *,
    threshold: float = THRESHOLD,
    run_share: float = RUN_SHARE,
    reach_s: float = REACH_S,
    both_speak_score: float = BOTH_SPEAK_SCORE,
    to_run_end: bool = TO_RUN_END,
) -> list[np.ndarray]:
    """Speaking per model frame of each face track, the model's verdict widened to the speech runs.

    ``times[i]`` ``(T_i,)`` seconds of track ``i``'s model frames (ascending), ``scores[i]``
    ``(T_i,)`` Light-ASD's scores there, ``runs`` ``(k, 2)`` speech runs as start and end seconds
    (:func:`speech_runs`). The model's own decision is ``scores`` smoothed and above ``threshold``
    (:func:`~roughcut.vision.active_speaker.smoothed_decision`). Returns one ``(T_i,)`` bool array
    a track.
    """
    times = [np.asarray(t, float) for t in times]
    scores = [np.asarray(s, float) for s in scores]
    if len(times) != len(scores) or any(len(t) != len(s) for t, s in zip(times, scores, strict=True)):
        raise ValueError("every track needs one score a model frame")
    own = [smoothed_decision(s, threshold=threshold) for s in scores]
    fused = [d.copy() for d in own]
    for start, end in np.asarray(runs, float).reshape(-1, 2):
        candidates = []
        present = [i for i, t in enumerate(times) if len(t) and t[0] < end and t[-1] >= start]
        for i in present:
            t, decided = times[i], own[i]
            inside = (t >= start) & (t < end)
            if inside.sum() < MIN_RUN_FRAMES or decided[inside].mean() < run_share:
                continue
            candidates.append((float(scores[i][inside].mean()), i, inside))
        taken: list[np.ndarray] = []
        for mean_score, i, inside in sorted(candidates, key=lambda c: -c[0]):
            span = times[i][inside]
            seen_together = any(span[0] <= other[-1] and other[0] <= span[-1] for other in taken)
            if seen_together and mean_score < both_speak_score:
                continue
            speaking = np.flatnonzero(inside & own[i])
            if not len(speaking):
                continue
            first, last = times[i][speaking[0]], times[i][speaking[-1]]
            widened = inside & (times[i] >= first - reach_s)
            if not to_run_end:
                widened &= times[i] <= last
            # Never over another face's own speaking frames where this face's are silent.
            for j in present:
                if j != i:
                    widened &= ~(_nearest(times[j], own[j], times[i]) & ~own[i])
            fused[i] |= widened
            taken.append(span)
    return fused


def _nearest(times: np.ndarray, values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``values`` (bool, at ascending ``times`` seconds) at the nearest of ``times`` to each of
    ``at`` when it lies within one model frame (0.04 s), else ``False``."""
    if not len(times):
        return np.zeros(len(at), bool)
    right = np.clip(np.searchsorted(times, at), 0, len(times) - 1)
    left = np.clip(right - 1, 0, len(times) - 1)
    nearest = np.where(np.abs(times[left] - at) <= np.abs(times[right] - at), left, right)
    return values[nearest] & (np.abs(times[nearest] - at) <= 1 / MODEL_FPS)


def voice_runs(sound: np.ndarray, *, sample_rate: int) -> np.ndarray | None:
    """Silero VAD's speech runs ``(k, 2)`` (start and end seconds) in mono ``sound`` (full scale
    1.0) at ``sample_rate`` Hz, smoothed as the speech stage smooths them; ``None`` when Silero
    cannot run (no onnxruntime)."""
    from roughcut.audio.vad import speech_probability, voice_activity

    probability = speech_probability(np.asarray(sound, np.float32), sample_rate)
    if probability is None:
        return None
    segments = voice_activity(sound, sample_rate, engine="silero", probability=probability, pad_s=RUN_PAD_S)
    return speech_runs(segments, sample_rate=sample_rate)


def fuse_tracks(speech: dict, runs: np.ndarray, *, frame_rate: float) -> dict:
    """:func:`fuse_with_voice` on Light-ASD's verdicts ``{track_id: TrackSpeech}`` (native frames at
    ``frame_rate`` frames a second); returns them with ``decided`` set to the widened decision."""
    from dataclasses import replace

    ids = list(speech)
    fused = fuse_with_voice(
        [np.asarray(speech[i].frames, float) / frame_rate for i in ids],
        [speech[i].scores for i in ids],
        runs,
    )
    return {i: replace(speech[i], decided=d) for i, d in zip(ids, fused, strict=True)}
