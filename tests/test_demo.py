"""The demo scene's ground truth agrees with its media."""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from roughcut.demo import LINES, TAKES, build_demo, load_truth
from roughcut.errors import RoughcutError
from roughcut.media import probe, read_audio, thumbnail


def test_takes_match_their_truth(demo_project: Path) -> None:
    truth = load_truth(demo_project)
    assert truth["frame_rate"] == "24000/1001"
    assert len(truth["takes"]) == len(TAKES) >= 3
    sizes = {take["shot_size"] for take in truth["takes"]}
    assert {"MS", "CU"} <= sizes
    performances = {take["performance"] for take in truth["takes"]}
    assert len(performances) >= 2
    for take in truth["takes"]:
        info = probe(demo_project / take["file"])
        assert info.video.frame_rate == Fraction(24000, 1001)
        assert info.video.frame_count == take["frames"]
        assert (info.video.width, info.video.height) == tuple(truth["frame_size"])
        assert info.has_audio
        assert abs(float(info.audio[0].duration) - take["duration"]) < 0.1
        assert [line["id"] for line in take["lines"]] == [f"1.{i}" for i in range(1, len(LINES) + 1)]


def test_speech_is_where_the_truth_says(demo_project: Path) -> None:
    truth = load_truth(demo_project)
    for take in truth["takes"]:
        samples = read_audio(demo_project / take["file"]).samples

        def level(a: float, b: float, samples: np.ndarray = samples) -> float:
            return float(np.sqrt(np.mean(samples[int(a * 16000) : int(b * 16000)] ** 2)))

        lines = take["lines"]
        for line in lines:
            assert line["end"] > line["start"]
            assert level(line["start"], line["end"]) > 0.02, (take["file"], line["id"])
        for before, after in itertools.pairwise(lines):
            gap = (before["end"] + 0.02, after["start"] - 0.02)
            assert gap[1] > gap[0]
            assert level(*gap) < 0.003, (take["file"], before["id"], "pause is not quiet")
        # Room tone before the first line.
        assert level(0.05, lines[0]["start"] - 0.05) < 0.003


def test_faster_performance_is_faster(demo_project: Path) -> None:
    truth = {t["file"].split("/")[1]: t for t in load_truth(demo_project)["takes"]}
    normal, fast = truth["B01_nora_cu.mp4"], truth["B02_nora_cu_fast.mp4"]
    for a, b in zip(normal["lines"], fast["lines"], strict=True):
        assert b["end"] - b["start"] < a["end"] - a["start"]
    pause = lambda take, i: take["lines"][i]["start"] - take["lines"][i - 1]["end"]  # noqa: E731
    assert pause(fast, 4) > pause(normal, 4) + 1.0


def test_words_lie_inside_their_lines(demo_project: Path) -> None:
    for take in load_truth(demo_project)["takes"]:
        for line in take["lines"]:
            words = line["words"]
            assert len(words) == len(line["text"].split())
            starts = [w["start"] for w in words]
            assert starts == sorted(starts)
            assert line["start"] - 0.01 <= starts[0] and words[-1]["end"] <= line["end"] + 0.01


def test_speaker_mouth_moves_only_when_speaking(demo_project: Path) -> None:
    """In a close-up the mouth moves during the actor's own lines, not during the other's."""
    truth = load_truth(demo_project)
    take = next(t for t in truth["takes"] if t["file"].endswith("C01_grace_cu.mp4"))
    person = take["people"][0]
    x, y, w, h = person["face_box"]
    mouth = (slice(y + h // 2, y + h), slice(x, x + w))

    def motion(line: dict) -> float:
        times = np.linspace(line["start"] + 0.1, line["end"] - 0.1, 6)
        crops = [
            thumbnail(demo_project / take["file"], seconds=t, width=1280)[mouth].astype(float) for t in times
        ]
        return float(np.mean([np.abs(a - b).mean() for a, b in itertools.pairwise(crops)]))

    grace = [motion(line) for line in take["lines"] if line["character"] == "GRACE"][:2]
    nora = [motion(line) for line in take["lines"] if line["character"] == "NORA"][:2]
    assert min(grace) > 3 * max(nora) + 0.5


def test_demo_is_not_built_over_a_users_folder(tmp_path: Path) -> None:
    (tmp_path / "my_film").mkdir()
    keep = tmp_path / "my_film" / "notes.txt"
    keep.write_text("mine")
    with pytest.raises(RoughcutError, match="not a roughcut demo"):
        build_demo(tmp_path / "my_film")
    assert keep.read_text() == "mine"


def test_existing_demo_is_reused(demo_project: Path) -> None:
    stamp = (demo_project / "truth.json").stat().st_mtime_ns
    assert build_demo(demo_project) == demo_project
    assert (demo_project / "truth.json").stat().st_mtime_ns == stamp
