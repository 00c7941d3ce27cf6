"""The one registry of export formats: every door lists it, and a new format is one entry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import opentimelineio as otio
import pytest

from roughcut.errors import ConfigError
from roughcut.export import SUFFIXES, write_all
from roughcut.export.formats import _REGISTRY, ExportFormat, export_formats, register_format


def write_names(timeline: otio.schema.Timeline, path: Path) -> Path:
    """A toy format: the clip names, one a line."""
    path.write_text("\n".join(clip.name for clip in timeline.find_clips()), encoding="utf-8")
    return path


def test_a_registered_format_is_written_and_offered_everywhere(tmp_path: Path) -> None:
    fmt = register_format(ExportFormat("names", ".names.txt", "Clip names", f"{__name__}:write_names"))
    try:
        assert "names" in export_formats()
        timeline = otio.schema.Timeline(name="scene")
        track = otio.schema.Track()
        timeline.tracks.append(track)
        track.append(otio.schema.Clip(name="A001"))
        paths = write_all(timeline, tmp_path, ["names"], name="scene_1")
        assert paths["names"].read_text() == "A001" and paths["names"].name == "scene_1.names.txt"
        with pytest.raises(ConfigError, match="registered twice"):
            register_format(fmt)
    finally:
        del _REGISTRY["names"]
    with pytest.raises(ConfigError, match="unknown export format names; formats: otio, fcp7"):
        write_all(otio.schema.Timeline(), tmp_path, ["names"])
    with pytest.raises(ConfigError, match="short lower-case word"):
        register_format(ExportFormat("Bad Name", ".x", "x", "m:f"))


def test_the_cli_lists_the_registry_without_loading_opentimelineio() -> None:
    code = (
        "import sys; from roughcut._cli.edit import EXPORTS; from roughcut.export.formats import FORMATS;"
        "assert EXPORTS == FORMATS, EXPORTS; print('opentimelineio' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
    assert SUFFIXES["fcp7"] == ".fcp7.xml" and list(SUFFIXES) == list(export_formats())


def test_the_rooms_labels_are_the_registrys() -> None:
    """The page names each export button as the registry labels the format (until the page reads the
    labels from the room's snapshot, this keeps the two from drifting)."""
    import re

    script = (Path(__file__).resolve().parents[2] / "src/roughcut/web/static/app.js").read_text()
    labels = re.search(r"FORMAT_LABELS = \{(.*?)\};", script, re.S).group(1)
    on_page = dict(re.findall(r'(\w+): "([^"]*)"', labels))
    assert on_page == {name: fmt.label for name, fmt in export_formats().items()}
