"""roughcut.toml read into a typed config: unknown keys named with the nearest valid one, wrong types
refused, and one object holding the [edit] defaults that every door starts from."""

from __future__ import annotations

from pathlib import Path

import pytest

from roughcut.config import CONFIG_NAME, EDIT_DEFAULTS, Config, EditConfig, parse_config, read_config
from roughcut.errors import ConfigError
from roughcut.project import Project


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[edit]\nstlye = "fast"\n', "[edit] unknown key 'stlye' (did you mean 'style'?)"),
        ("[analysis]\nfsp = 12\n", "[analysis] unknown key 'fsp' (did you mean 'fps'?)"),
        ('outptu = "cuts"\n', "unknown key 'outptu' (did you mean 'output'?)"),
        ("[edti]\nstyle = 1\n", "unknown key 'edti' (did you mean 'edit'?)"),
        (
            "zzz = 1\n",
            "unknown key 'zzz' (keys: script, output, coverage, analysis, edit, characters, cluster)",
        ),
    ],
)
def test_an_unknown_key_is_named_with_the_nearest_valid_one(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / CONFIG_NAME).write_text(toml)
    with pytest.raises(ConfigError) as caught:
        Project.open(tmp_path)
    assert str(caught.value) == f"{tmp_path / CONFIG_NAME}: {message}"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[edit]\nstyle = 3\n", r"\[edit\] style = 3: expected text"),
        ("[edit]\npace = true\n", r"\[edit\] pace = True: expected a number"),
        ("[edit]\npace = -1\n", r"\[edit\] pace = -1: expected a name or a positive pause scale"),
        ('[edit.idioms]\nspeaker_visible = "lots"\n', r"\[edit.idioms\] speaker_visible = 'lots'"),
        ('[analysis]\nfps = "fast"\n', r"\[analysis\] fps = 'fast': expected a number"),
        ("[analysis]\nwidth = 640.5\n", r"\[analysis\] width = 640.5: expected a whole number"),
        ("[characters]\n'a.mp4:person1' = 2\n", r"\[characters\] 'a.mp4:person1' = 2: expected text"),
        ('coverage = "guess"\n', 'coverage = \'guess\'; use "analysis" or "truth"'),
        ("edit = 3\n", r"\[edit\] must be a table"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / CONFIG_NAME
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        read_config(path)


def test_settings_are_typed_and_frozen() -> None:
    config = parse_config(
        {
            "output": "cuts",
            "analysis": {"fps": 12, "width": 480},
            "edit": {"style": "fast", "pace": 0.8, "idioms": {"speaker_visible": 2}},
            "characters": {"a.mp4:person1": "NORA"},
        }
    )
    assert (config.output, config.analysis.fps, config.analysis.width) == ("cuts", 12, 480)
    assert (config.edit.style, config.edit.pace, dict(config.edit.idioms)) == (
        "fast",
        0.8,
        {"speaker_visible": 2},
    )
    assert config.characters["a.mp4:person1"] == "NORA"
    with pytest.raises(AttributeError):
        config.edit.style = "slow"  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.edit.idioms["speaker_visible"] = 3  # type: ignore[index]


def test_the_edit_defaults_are_one_object(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A project without [edit] holds EDIT_DEFAULTS itself, and the room starts from what it holds."""
    assert Config().edit is EDIT_DEFAULTS
    assert parse_config({}).edit is EDIT_DEFAULTS
    assert Project.open(tmp_path).config.edit is EDIT_DEFAULTS
    assert (EDIT_DEFAULTS.style, EDIT_DEFAULTS.pace, dict(EDIT_DEFAULTS.idioms)) == ("default", "normal", {})
    # The room's defaults and `roughcut edit`'s both read project.config.edit: change the one
    # object and both follow.
    import roughcut.web.room as room_module

    changed = EditConfig(style="fast", pace="tight")
    room = room_module.EditingRoom(tmp_path)
    object.__setattr__(room.project.config, "edit", changed)
    monkeypatch.setattr(room, "_solve", lambda settings: None)
    settings = room._defaults()
    assert (settings.style, settings.pace) == ("fast", "tight")


def test_the_cluster_table_is_checked():
    from roughcut.config import ClusterConfig, parse_config
    from roughcut.errors import ConfigError

    assert parse_config({}).cluster == ClusterConfig(address=None, retries=2)
    assert parse_config({"cluster": {"address": "auto", "retries": 0}}).cluster == ClusterConfig("auto", 0)
    for bad, said in (
        ({"adress": "auto"}, "did you mean 'address'"),
        ({"address": 6379}, "expected text"),
        ({"retries": -1}, "expected 0 or more"),
        ({"retries": 1.5}, "expected a whole number"),
    ):
        with pytest.raises(ConfigError, match=said):
            parse_config({"cluster": bad})
