"""``roughcut script ...`` from the command line, and the demo project's script."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

from click.testing import CliRunner

from roughcut._cli import main

DATA = Path(__file__).parent / "data"


WRITERS = {"breakdown", "lines", "fountain", "analyze"}


def run(*args: str, cwd: Path):
    """Run ``roughcut -q ARGS`` in the folder ``cwd``; its output and the files in ``cwd/roughcut_out``.
    A command that writes gets a copy of its script in ``cwd`` (its output goes beside the script)."""
    if args[0] == "script" and args[1] in WRITERS and "--out" not in args:
        copy = cwd / Path(args[2]).name
        copy.write_bytes(Path(args[2]).read_bytes())
        args = (*args[:2], str(copy), *args[3:])
    before = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, ["-q", *args], catch_exceptions=False)
    finally:
        os.chdir(before)
    out = cwd / "roughcut_out"
    files = {p.name: p.read_text() for p in out.glob("*")} if out.is_dir() else {}
    return result, files


def test_breakdown_prints_and_writes_json_and_csv(tmp_path):
    result, files = run("script", "breakdown", str(DATA / "breakdown_sample.fountain"), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "2 scenes, 1.27 pages" in result.output and "CAL" in result.output
    document = json.loads(files["breakdown_sample_breakdown.json"])
    assert [s["length"] for s in document["scenes"]] == ["2/8", "1 1/8"]
    assert [c["character"] for c in document["cast"]] == ["ANA", "BEN", "CAL"]
    assert "breakdown_sample_scenes.csv" in files and "breakdown_sample_cast.csv" in files


def test_breakdown_into_a_named_folder_and_refusal(tmp_path):
    out = tmp_path / "sheets"
    out.mkdir()
    (out / "night_shift_cast.csv").write_text("mine")
    result, _ = run("script", "breakdown", str(DATA / "night_shift.fdx"), "--out", str(out), cwd=tmp_path)
    assert result.exit_code == 1
    assert "not made by roughcut" in result.output and "Traceback" not in result.output
    assert (out / "night_shift_cast.csv").read_text() == "mine"


def test_lines_and_fountain_conversion(tmp_path):
    result, files = run("script", "lines", str(DATA / "night_shift.fdx"), cwd=tmp_path)
    assert result.exit_code == 0
    rows = list(csv.DictReader(files["night_shift_dialogue.csv"].splitlines()))
    assert [r["line_id"] for r in rows] == ["7.1", "7.2", "7.3", "7.4", "7.5", "2.1"]
    result, files = run("script", "fountain", str(DATA / "night_shift.fdx"), cwd=tmp_path)
    assert result.exit_code == 0
    assert files["night_shift.fountain"] == (DATA / "night_shift.fountain").read_text()


def test_bad_input_is_one_line_not_a_traceback(tmp_path):
    empty = tmp_path / "empty.fountain"
    empty.write_text("")
    result, _ = run("script", "check", str(empty), cwd=tmp_path)
    assert result.exit_code == 1 and "empty file" in result.output and "Traceback" not in result.output
    bad = tmp_path / "broken.fdx"
    bad.write_text("<FinalDraft>\n<Content>\n</FinalDraft>")
    result, _ = run("script", "check", str(bad), cwd=tmp_path)
    assert result.exit_code == 1 and f"{bad}:3: not valid XML" in " ".join(result.output.split())


def test_check_warns_about_a_script_without_dialogue(tmp_path):
    silent = tmp_path / "silent.fountain"
    silent.write_text("INT. ROOM - DAY\n\nNothing.\n")
    result, _ = run("script", "check", str(silent), cwd=tmp_path)
    assert result.exit_code == 0 and "no dialogue found" in result.output


def test_analyze_writes_lines_and_arcs(tmp_path):
    result, files = run("script", "analyze", str(DATA / "night_shift.fountain"), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    document = json.loads(files["night_shift_text_analysis.json"])
    assert [line["line_id"] for line in document["lines"]] == ["7.1", "7.2", "7.3", "7.4", "7.5", "2.1"]
    assert [arc["scene"] for arc in document["arcs"]] == ["7", "2"]


def test_demo_project_script_matches_its_truth(demo_project):
    """The demo scene's screenplay, found by the project, against the lines in its truth.json."""
    from roughcut.project import Project
    from roughcut.script import read_script

    project = Project.open(demo_project)
    script = read_script(project.script)
    truth = json.loads((demo_project / "truth.json").read_text())
    for take in truth["takes"]:
        assert [(line.id, line.character, line.text) for line in script.lines] == [
            (t["id"], t["character"], t["text"]) for t in take["lines"]
        ]
    assert set(script.characters) == {"NORA", "GRACE"}
