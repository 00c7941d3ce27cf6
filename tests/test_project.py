"""The project folder: finding script and takes, config, ingest with a bad file among good ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from roughcut.app import ingest
from roughcut.config import Config, read_config, read_toml
from roughcut.errors import ConfigError, RoughcutError
from roughcut.project import CONFIG_NAME, Project, write_config


def _project_with_grid(media_dir: Path, root: Path, count: int = 3) -> Path:
    (root / "day1" / "cam_a").mkdir(parents=True)
    for clip in sorted((media_dir / "grid").glob("*.mpg"))[:count]:
        shutil.copy(clip, root / "day1" / "cam_a" / clip.name)
    (root / "scene.fountain").write_text("INT. ROOM - DAY\n\nANNA\nHello.\n")
    return root


def test_open_finds_script_takes_and_sound(media_dir: Path, tmp_path: Path) -> None:
    root = _project_with_grid(media_dir, tmp_path / "proj")
    (root / "sound").mkdir()
    shutil.copy(media_dir / "speech" / "jfk.flac", root / "sound" / "jfk.flac")
    project = Project.open(root)
    assert project.script == root.resolve() / "scene.fountain"
    assert len(project.takes) == 3
    assert [p.name for p in project.audio] == ["jfk.flac"]
    assert project.take_name(project.takes[0]).startswith("day1/cam_a/")


def test_output_folder_and_hidden_files_are_not_takes(media_dir: Path, tmp_path: Path) -> None:
    root = _project_with_grid(media_dir, tmp_path / "proj", count=1)
    (root / "roughcut_out").mkdir()
    shutil.copy(media_dir / "grid" / "bbaf2n.mpg", root / "roughcut_out" / "preview.mpg")
    (root / ".trash").mkdir()
    shutil.copy(media_dir / "grid" / "bbaf2n.mpg", root / ".trash" / "old.mpg")
    assert len(Project.open(root).takes) == 1


def test_grid_folder_ingests_eleven_takes(media_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "grid").symlink_to(media_dir / "grid")
    report = ingest(Project.open(root))
    assert len(report.takes) == 11
    assert not report.errors


def test_corrupt_take_is_reported_and_the_rest_goes_on(media_dir: Path, tmp_path: Path) -> None:
    root = _project_with_grid(media_dir, tmp_path / "proj", count=2)
    data = (media_dir / "video" / "testvideo.mp4").read_bytes()
    (root / "day1" / "cam_a" / "broken.mp4").write_bytes(data[: len(data) // 3])
    report = ingest(Project.open(root))
    assert len(report.takes) == 2
    assert len(report.errors) == 1
    assert report.errors[0].path.name == "broken.mp4"


def test_init_writes_commented_config_once(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    text = path.read_text()
    assert text.startswith("#") and "[analysis]" in text
    assert read_toml(path) == {"analysis": {}, "edit": {}}
    assert read_config(path) == Config()
    with pytest.raises(RoughcutError, match="already exists"):
        write_config(tmp_path)
    assert path.read_text() == text


def test_config_errors_name_the_file(tmp_path: Path) -> None:
    (tmp_path / CONFIG_NAME).write_text("script = \n")
    with pytest.raises(ConfigError, match=CONFIG_NAME):
        Project.open(tmp_path)
    (tmp_path / CONFIG_NAME).write_text('script = "missing.fountain"\n')
    with pytest.raises(ConfigError, match="missing.fountain"):
        Project.open(tmp_path)


def test_config_chooses_script_and_output(tmp_path: Path) -> None:
    (tmp_path / "a.fountain").write_text("x")
    (tmp_path / "b.fdx").write_text("x")
    (tmp_path / CONFIG_NAME).write_text('script = "b.fdx"\noutput = "cuts"\n')
    project = Project.open(tmp_path)
    assert project.script.name == "b.fdx"
    assert project.output_dir == tmp_path.resolve() / "cuts"


def test_ingest_groups_takes_with_their_external_sound(media_dir: Path, tmp_path: Path, rng) -> None:
    """A field recorder that started 1.5 s before camera: the take is matched to it at +1.5 s."""
    import numpy as np
    import soundfile

    from roughcut.media import read_audio

    root = _project_with_grid(media_dir, tmp_path / "proj", count=2)
    take = sorted((root / "day1" / "cam_a").glob("*.mpg"))[0]
    camera = read_audio(take, sample_rate=48000).samples
    lead = rng.normal(0, 1e-3, int(1.5 * 48000)).astype(np.float32)
    (root / "sound").mkdir()
    soundfile.write(root / "sound" / "recorder_01.wav", np.concatenate([lead, camera, lead]), 48000)
    report = ingest(Project.open(root))
    groups = {g.take.name: g for g in report.sync}
    assert len(groups) == 2
    matched = groups[take.name]
    assert matched.sound is not None and matched.sound.name == "recorder_01.wav"
    assert abs(matched.offset_s - 1.5) < 0.002
    other = next(g for name, g in groups.items() if name != take.name)
    assert other.sound is None
