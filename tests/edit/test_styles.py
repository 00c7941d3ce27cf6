"""Styles: the built-in ones, user styles from roughcut.toml, and a project edited end to end."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from roughcut.app import edit_project
from roughcut.edit.coverage import coverage_from_demo_truth
from roughcut.edit.styles import STYLES, resolve_style, styles_from_config
from roughcut.errors import ConfigError

TOML = """
[edit]
style = "intimate"
pace = "tight"

[edit.idioms]
mirror_position = 2.5

[edit.styles.intimate]
base = "dramatic"
emphasize_character = 4.0
speaker_visible = 0.5

[edit.styles.intimate.params]
emphasize_character = { character = "GRACE" }
"""


def test_builtin_styles_resolve() -> None:
    for name in STYLES:
        style = resolve_style(name)
        assert style.weights and all(w >= 0 for w in style.weights.values())


def test_user_styles_build_on_others() -> None:
    import tomllib

    styles = styles_from_config(tomllib.loads(TOML))
    intimate = styles["intimate"]
    assert intimate.weights["emphasize_character"] == 4.0
    assert intimate.weights["intensify_emotion"] == STYLES["dramatic"].weights["intensify_emotion"]
    assert intimate.params["emphasize_character"] == {"character": "GRACE"}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"edit": {"styles": {"a": {"base": "b"}, "b": {"base": "a"}}}}, "in a circle"),
        ({"edit": {"styles": {"a": {"base": "nope"}}}}, "unknown style 'nope'"),
        ({"edit": {"styles": {"a": {"speaker_visible": -1}}}}, "must be 0 or more"),
        ({"edit": {"styles": {"a": {"zoom": 1}}}}, "unknown idiom 'zoom'"),
    ],
)
def test_bad_user_styles_are_named(config: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        styles_from_config(config)


def test_edit_project_follows_roughcut_toml(demo_project: Path, tmp_path: Path) -> None:
    project = tmp_path / "scene"
    (project / "takes").mkdir(parents=True)
    for take in (demo_project / "takes").iterdir():
        (project / "takes" / take.name).symlink_to(take)
    shutil.copy(demo_project / "truth.json", project)
    shutil.copy(demo_project / "clean_data.fountain", project)
    (project / "roughcut.toml").write_text(TOML)
    # The idioms and styles are under test here, so the coverage is the demo's ground truth.
    result = edit_project(project, formats=["fcp7", "srt"], coverage=coverage_from_demo_truth(project))
    cut = result.cut
    assert cut.style == "intimate" and cut.pace.name == "tight"
    assert cut.weights["mirror_position"] == 2.5
    shown = [line.take for line in cut.lines]
    assert all(take in ("C01_grace_cu.mp4", "A01_wide.mp4") for take in shown)  # GRACE emphasised
    assert result.paths["fcp7"].parent == project / "roughcut_out"
    assert result.round_trip == {"fcp7": []}
