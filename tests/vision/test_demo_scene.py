"""The demo scene against its ground truth: shot size, people, positions, caching, the command.

Who speaks is not tested on the demo: its faces are placed with the same mediapipe landmarks the
analysis measures, so such a test is circular. It is tested on real footage with truth the code did
not make: ``test_active_speaker.py`` (hamilton, two-person GRID scenes) and ``test_speaking_grid.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from roughcut.demo import load_truth
from roughcut.project import Project
from roughcut.store import Store
from roughcut.vision import SpokenLine, analyze_project, assign_characters
from roughcut.vision.take import STAGE, VERSION


@pytest.fixture(scope="module")
def demo(demo_project: Path, tmp_path_factory: pytest.TempPathFactory):
    project = Project.open(demo_project)
    store = Store(tmp_path_factory.mktemp("vision_store") / "store.sqlite")
    result = analyze_project(project, store=store, workers=2)
    truth = {take["file"]: take for take in load_truth(demo_project)["takes"]}
    spoken = {
        name: [
            SpokenLine(line["id"], line["character"], line["start"], line["end"]) for line in take["lines"]
        ]
        for name, take in truth.items()
    }
    return project, store, result, truth, spoken


def test_every_take_analysed(demo) -> None:
    _, _, result, truth, _ = demo
    assert not result.errors
    assert set(result.takes) == set(truth)


def test_people_and_positions(demo) -> None:
    """Shot size is not checked here: the demo's faces are placed with the landmarks the analysis
    measures them with, so it would check itself (see ``test_shot_size_real.py`` on real footage)."""
    _, _, result, truth, _ = demo
    for name, take in truth.items():
        vision = result.takes[name]
        assert vision.people == len(take["people"]), name
        assert len(vision.segments) == 1 and vision.segments[0].shot_size == vision.shot_size, name
        assert not vision.cuts and not vision.problems and not vision.soft, name
        found = sorted(vision.persons, key=lambda p: p.person_id)
        expected = sorted(take["people"], key=lambda p: p["face_center"][0])
        for person, actor in zip(found, expected, strict=True):
            assert person.screen_position == actor["screen_position"], name
            assert person.face_height == pytest.approx(actor["face_height_ratio"], rel=0.08), name
            (track,) = vision.tracks_of(person.person_id)
            x, y, w, h = track.samples[len(track.samples) // 2].box
            assert x + w / 2 == pytest.approx(actor["face_center"][0], abs=0.03), name
            assert y + h / 2 == pytest.approx(actor["face_center"][1], abs=0.05), name
            assert {s.yaw for s in track.samples} == {"frontal"}, name


def test_characters_from_faces_across_takes(demo) -> None:
    """A close-up whose actor has no line in it is named after the same face in the other takes."""
    _, _, result, _, spoken = demo
    silent = {name: [] if "grace" in name else lines for name, lines in spoken.items()}
    mapping = assign_characters(result.takes, silent)
    assert mapping["takes/C01_grace_cu.mp4:person1"] == "GRACE"


def test_override_from_config(demo) -> None:
    _, _, result, _, spoken = demo
    overrides = {"takes/A01_wide.mp4:person1": "GRACE"}
    mapping = assign_characters(result.takes, spoken, overrides=overrides)
    assert mapping["takes/A01_wide.mp4:person1"] == "GRACE"
    assert "takes/A01_wide.mp4:person2" not in mapping  # GRACE names one person per take


def test_cached_per_take(demo) -> None:
    project, store, result, _, _ = demo
    assert store.info().entries.get(STAGE) == len(project.takes)
    again = analyze_project(project, store=store, workers=1)
    assert again.takes == result.takes
    assert store.info().entries.get(STAGE) == len(project.takes)
    assert VERSION >= 1


def test_analyze_command(demo, monkeypatch: pytest.MonkeyPatch) -> None:
    """``roughcut analyze`` reads the cached vision results and prints people and shot size per take."""
    import json

    from click.testing import CliRunner

    from roughcut._cli import main

    project, store, vision, truth, _ = demo
    monkeypatch.setenv("ROUGHCUT_CACHE", str(store.path))
    result = CliRunner().invoke(main, ["-q", "analyze", str(project.root), "--no-speech", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{") :])
    assert {row["take"]: (row["people"], row["shot_size"]) for row in report["takes"]} == {
        name: (len(take["people"]), vision.takes[name].shot_size) for name, take in truth.items()
    }
    assert report["note"] == "vision only (--no-speech)" and not report["errors"]
