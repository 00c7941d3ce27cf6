"""``roughcut edit`` on the demo project."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from roughcut._cli import main


def test_edit_writes_the_cut_and_checks_it(demo_project: Path, demo_cache: Path, tmp_path: Path) -> None:
    out = tmp_path / "cut"
    args = [
        "-q",
        "edit",
        str(demo_project),
        "--out",
        str(out),
        "--pace",
        "tight",
        "--idiom",
        "speaker_visible=2",
    ]
    args += [
        "--pin",
        "1.3=B02_nora_cu_fast",
        "--format",
        "fcp7",
        "--format",
        "fcpx",
        "--format",
        "edl",
        "--format",
        "srt",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "scene_1.edl",
        "scene_1.fcp7.xml",
        "scene_1.fcpxml",
        "scene_1.srt",
    ]
    assert "read back frame-exact through OpenTimelineIO: fcp7, fcpx, edl" in result.output
    assert "(pinned)" in result.output
    assert "pace tight" in result.output


def test_edit_names_a_bad_setting_in_one_line(demo_project: Path, demo_cache: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["-q", "edit", str(demo_project), "--out", str(tmp_path), "--idiom", "speaker_visible=-3"]
    )
    assert result.exit_code == 1
    assert "weight of idiom 'speaker_visible' must be 0 or more (got -3.0)" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(
        main, ["-q", "edit", str(demo_project), "--out", str(tmp_path), "--pin", "1.3=Z"]
    )
    assert result.exit_code == 1 and "pin 1.3=Z: no take match" in result.output


def test_the_cli_and_the_room_offer_every_export_format() -> None:
    """``roughcut edit --format`` and the room's export labels know every format the exporter writes."""
    import re

    from roughcut._cli.edit import EXPORTS
    from roughcut.export import FORMATS

    assert EXPORTS == FORMATS
    script = (Path(__file__).resolve().parents[2] / "src/roughcut/web/static/app.js").read_text()
    labels = re.search(r"FORMAT_LABELS = \{(.*?)\};", script, re.S).group(1)
    assert set(re.findall(r"(\w+):", labels)) == set(FORMATS)
