"""The sound says when, the face says who (``vision/voice_fusion.py``).

The rules on made-up scores (widening, its bounds, two faces competing for one run), and Silero's
speech runs against truth it did not make: the word timings of ``grid/swwp2s.align`` and the
voice heard throughout ``faces/hamilton_clip.mp4``. The figures on real footage (GRID against
webrtcvad, hamilton's shots, the two-person scenes) are asserted with the model's own in
``test_speaking_grid.py`` and ``test_active_speaker.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from roughcut.media import read_audio
from roughcut.vision.active_speaker import TrackSpeech
from roughcut.vision.voice_fusion import (
    BOTH_SPEAK_SCORE,
    REACH_S,
    fuse_tracks,
    fuse_with_voice,
    voice_runs,
)
from tests.vision.test_speaking_grid import ALIGN_UNIT_S

FPS = 25


def _times(count: int) -> np.ndarray:
    return np.arange(count) / FPS


def test_a_late_start_is_widened_to_the_run_and_no_further() -> None:
    times = _times(150)  # 6 s
    scores = np.full(150, -5.0)
    scores[50:100] = 4.0  # the model: speaking 2.0-4.0 s
    runs = np.array([[1.5, 4.5]])  # the voice: 1.5-4.5 s
    (fused,) = fuse_with_voice([times], [scores], runs)
    own = TrackSpeech(np.arange(150), scores).decision()
    assert fused[38:100].all()  # from the run's start (1.52 s is the first frame inside it)
    assert not fused[:37].any()  # never before the run
    assert not fused[103:].any()  # ends with the model (its smoothing), not the run's end
    assert (fused[own]).all()  # the model's own frames stay


def test_the_widening_reaches_back_at_most_reach_s() -> None:
    times = _times(200)
    scores = np.full(200, -5.0)
    scores[150:198] = 4.0  # the model from 6.0 s on 48 of the run's 85 frames; the run from 4.5 s
    (fused,) = fuse_with_voice([times], [scores], np.array([[4.5, 7.9]]))
    first = np.flatnonzero(fused)[0]
    assert times[first] == pytest.approx(6.0 - REACH_S)
    assert fused[first:198].all()


def test_a_face_marked_on_too_little_of_a_run_keeps_the_model_verdict() -> None:
    times = _times(150)
    scores = np.full(150, -5.0)
    scores[80:90] = 4.0  # 10 of 100 frames of the run
    (fused,) = fuse_with_voice([times], [scores], np.array([[1.0, 5.0]]))
    np.testing.assert_array_equal(fused, TrackSpeech(np.arange(150), scores).decision())


def test_two_faces_seen_together_one_takes_the_run() -> None:
    times = _times(150)
    speaker = np.full(150, -5.0)
    speaker[60:120] = 3.0
    listener = np.full(150, -5.0)
    listener[40:110] = -0.3  # above the threshold (-0.5) but weaker
    fused_speaker, fused_listener = fuse_with_voice(
        [times, times], [speaker, listener], np.array([[1.0, 5.0]])
    )
    own = TrackSpeech(np.arange(150), listener).decision()
    speaker_own = TrackSpeech(np.arange(150), speaker).decision()
    np.testing.assert_array_equal(fused_listener, own)  # not widened: keeps only the model's frames
    # The speaker: widened REACH_S back from 2.4 s, but not over the listener's own frames.
    assert fused_speaker[35:42].all() and fused_speaker[60:120].all() and not fused_speaker[:35].any()
    assert not (fused_speaker & own & ~speaker_own).any()
    # Both scoring high: both speak at once, both widened.
    first, second = np.full(150, -5.0), np.full(150, -5.0)
    first[30:115] = 3.0
    second[30:115] = 3.5  # both speak at once
    assert min(first[25:125].mean(), second[25:125].mean()) >= BOTH_SPEAK_SCORE  # means over the run
    both = fuse_with_voice([times, times], [first, second], np.array([[1.0, 5.0]]))
    assert both[0][25:115].all() and both[1][25:115].all()


def test_a_quick_exchange_heard_as_one_run_keeps_each_line_to_its_face() -> None:
    """B's short line, then A's long one, 0.2 s apart: one run to the voice detector. A takes the
    run but is not widened back over B's line."""
    times = _times(130)
    a_scores, b_scores = np.full(130, -5.0), np.full(130, -5.0)
    b_scores[10:30] = 3.0  # B: 0.4-1.2 s
    a_scores[35:125] = 3.0  # A: 1.4-5.0 s
    a_fused, b_fused = fuse_with_voice([times, times], [a_scores, b_scores], np.array([[0.3, 5.1]]))
    b_own = TrackSpeech(np.arange(130), b_scores).decision()
    assert not (a_fused & b_own).any()
    assert a_fused[30:35].all()  # widened back over the gap, up to B's line
    np.testing.assert_array_equal(b_fused, b_own)


def test_faces_in_one_run_but_not_seen_together_both_take_it() -> None:
    """A run across a cut: one face before it, another after, each widened over its own part."""
    before, after = _times(60), _times(60) + 60 / FPS
    scores_before = np.r_[np.full(20, -5.0), np.full(40, 3.0)]
    scores_after = np.r_[np.full(20, -5.0), np.full(40, 3.0)]
    first, second = fuse_with_voice([before, after], [scores_before, scores_after], np.array([[0.2, 4.8]]))
    assert first[5:].all() and second[:].all()


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="one score a model frame"):
        fuse_with_voice([_times(10)], [np.zeros(9)], np.zeros((0, 2)))
    (unchanged,) = fuse_with_voice([_times(10)], [np.full(10, 2.0)], np.zeros((0, 2)))
    assert unchanged.all()  # no speech run: the model's verdict


def test_fuse_tracks_keeps_frames_and_scores() -> None:
    speech = {3: TrackSpeech(np.arange(0, 100, 2), np.r_[np.full(25, -5.0), np.full(25, 3.0)])}
    fused = fuse_tracks(speech, np.array([[0.5, 4.0]]), frame_rate=50.0)[3]
    assert fused.frames is speech[3].frames and fused.scores is speech[3].scores
    assert fused.decided is not None and fused.decided[13:].all() and not fused.decided[:12].any()


def test_silero_runs_match_the_word_timings(media_dir: Path) -> None:
    """``swwp2s.align`` (made by GRID's authors): the sentence from 0.49 s to 2.21 s."""
    sound = read_audio(media_dir / "grid" / "id2_vcd_swwp2s.mpg", sample_rate=16000).samples
    runs = voice_runs(sound, sample_rate=16000)
    rows = [r.split() for r in (media_dir / "grid" / "swwp2s.align").read_text().splitlines()]
    words = [(int(a) * ALIGN_UNIT_S, int(b) * ALIGN_UNIT_S) for a, b, w in rows if w != "sil"]
    print(f"swwp2s Silero runs {runs.round(2).tolist()}, words {words[0][0]:.2f}-{words[-1][1]:.2f} s")
    assert len(runs) == 1
    assert runs[0, 0] == pytest.approx(words[0][0], abs=0.06)
    assert runs[0, 1] == pytest.approx(words[-1][1], abs=0.15)


def test_silero_hears_the_performer_throughout_hamilton(media_dir: Path) -> None:
    """faces/TRUTH.md: the performer's voice is heard throughout (over the piano)."""
    sound = read_audio(media_dir / "faces" / "hamilton_clip.mp4", sample_rate=16000).samples
    runs = voice_runs(sound, sample_rate=16000)
    heard = sum(min(b, 9.18) - max(a, 0.0) for a, b in runs)
    assert heard / 9.18 >= 0.9
