"""VSUMM keyframes against keyframes marked by hand, compared with uniform sampling in the same run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from roughcut.summary.keyframes import (
    KeyframeTruth,
    colour_histogram,
    evaluate_keyframes,
    frame_histograms,
    read_truth,
    shots_from_bounds,
    uniform_keyframes,
    vsumm_keyframes,
    write_keyframe_summary,
)

TRUTH = Path(__file__).parent / "data" / "keyframes_truth.json"
#: The least mean F-score VSUMM must reach over both videos (it scores 1.0 on each today; uniform
#: sampling 1.0 and 0.75).
MIN_MEAN_F = 0.85


@pytest.fixture(scope="module")
def scored(media_dir: Path) -> dict:
    """Per marked video: the VSUMM summary and the scores of VSUMM and of uniform sampling."""
    out = {}
    for name, truth in read_truth(TRUTH).items():
        path = media_dir / name
        found = vsumm_keyframes(path)
        uniform = uniform_keyframes(found.frame_count, len(found.keyframes))
        features = frame_histograms(path, [*found.frames, *uniform, *truth.keyframes])
        out[name] = (
            found,
            evaluate_keyframes(found.frames, truth, features),
            evaluate_keyframes(uniform, truth, features),
        )
    return out


def test_vsumm_beats_uniform_sampling_on_every_marked_video(scored: dict) -> None:
    for name, (_, vsumm, uniform) in scored.items():
        assert vsumm.f_score >= uniform.f_score, (name, vsumm, uniform)
    mean = sum(v.f_score for _, v, _ in scored.values()) / len(scored)
    assert mean >= MIN_MEAN_F, {n: (v.f_score, u.f_score) for n, (_, v, u) in scored.items()}


def test_hamilton_shots_come_from_the_cut_detector(scored: dict) -> None:
    found = scored["faces/hamilton_clip.mp4"][0]
    assert [(s.start_frame, s.end_frame) for s in found.shots] == [(0, 20), (20, 82), (82, 211), (211, 275)]
    # one keyframe in each shot: no shot is left out, none is doubled
    assert sorted(k.shot for k in found.keyframes) == [0, 1, 2, 3]


def test_black_stretches_get_no_keyframe(scored: dict) -> None:
    found = scored["video/testvideo.mp4"][0]
    truth = read_truth(TRUTH)["video/testvideo.mp4"]
    black = [(s, e) for s, e, k in truth.shots if k is None]
    assert found.keyframes
    assert not [k.frame for k in found.keyframes if any(s <= k.frame < e for s, e in black)]


def test_storyboard_and_markers_are_written(scored: dict, tmp_path: Path) -> None:
    import opentimelineio as otio
    from PIL import Image

    found = scored["faces/hamilton_clip.mp4"][0]
    paths = write_keyframe_summary(found, tmp_path)
    with Image.open(paths["storyboard"]) as image:
        assert image.width > 600 and image.height > 150
    timeline = otio.adapters.read_from_file(str(paths["otio"]))
    (clip,) = list(timeline.tracks[0])
    assert [round(m.marked_range.start_time.value) for m in clip.markers] == list(found.frames)
    assert clip.source_range.duration.value == found.frame_count
    with pytest.raises(Exception, match="not made by roughcut|not overwritten"):
        (tmp_path / "mine_storyboard.png").write_bytes(b"a user's file")
        write_keyframe_summary(found, tmp_path, name="mine")


def test_scoring_counts_each_keyframe_once() -> None:
    truth = KeyframeTruth("v", ((0, 10, 5), (10, 20, None), (20, 40, 30)))
    red, blue = np.zeros(20), np.zeros(20)
    red[0], blue[10] = 1.0, 1.0
    features = {2: red, 5: red, 6: red, 15: red, 30: blue, 35: blue, 25: red}
    score = evaluate_keyframes([2, 6, 15, 25, 35], truth, features)
    # 2 and 6 both match 5 (one counts); 15 is in a shot with nothing marked; 25 looks unlike 30
    assert (score.found, score.marked, score.matched) == (5, 2, 2)
    assert score.precision == pytest.approx(0.4) and score.recall == 1.0
    assert uniform_keyframes(100, 4) == (12, 37, 62, 87)
    assert [(s.start_frame, s.end_frame) for s in shots_from_bounds([0, 30, 30, 99, 200], 100)] == [
        (0, 30),
        (30, 99),
        (99, 100),
    ]


def test_grey_pictures_still_have_a_feature(rng: np.random.Generator) -> None:
    grey = np.full((20, 30, 3), 128, np.uint8)
    feature = colour_histogram(grey)
    assert feature.sum() == pytest.approx(1.0) and feature[16:].sum() == pytest.approx(1.0)
    noise = rng.integers(0, 256, (20, 30, 3), dtype=np.uint8)
    assert colour_histogram(noise)[:16].sum() > 0.5
