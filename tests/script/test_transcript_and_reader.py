"""Transcripts, format detection by content, and bad input: clear errors with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from roughcut.demo import LINES, fountain_script
from roughcut.errors import RoughcutError
from roughcut.script import ScriptError, detect_format, parse_transcript, read_script

DATA = Path(__file__).parent / "data"


def test_transcript_lines_extensions_parentheticals_and_scenes():
    text = (
        "[00:00:01] Nora: The telemetry came back clean.\n"
        "GRACE (V.O.): (softly) Who checked it?\n"
        "   and when?\n"
        "\n"
        "INT. HANGAR - DAY\n"
        "Dr. Okafor: We fly at dawn.\n"
    )
    script = parse_transcript(text, source="t.txt")
    assert [
        (line.id, line.character, line.extension, line.parenthetical, line.text) for line in script.lines
    ] == [
        ("0.1", "NORA", "", "", "The telemetry came back clean."),
        ("0.2", "GRACE", "V.O.", "softly", "Who checked it? and when?"),
        ("1.1", "DR. OKAFOR", "", "", "We fly at dawn."),
    ]
    assert script.scenes[1].location == "HANGAR"
    assert script.lines[2].source_line == 6


def test_transcript_of_the_demo_gives_the_demo_lines(tmp_path):
    path = tmp_path / "demo.txt"
    path.write_text("\n".join(f"{c}: {'(' + p + ') ' if p else ''}{t}" for c, p, t in LINES))
    script = read_script(path)
    assert [(line.character, line.parenthetical, line.text) for line in script.lines] == list(LINES)
    assert [line.id for line in script.lines] == [f"1.{i}" for i in range(1, 9)]


def test_detect_format_by_content_not_name(tmp_path):
    assert detect_format(fountain_script()) == "fountain"
    assert detect_format("NORA: hi\nGRACE: hello\n") == "transcript"
    assert detect_format("<?xml version='1.0'?><FinalDraft/>") == "fdx"
    assert detect_format((DATA / "every_element.fountain").read_text()) == "fountain"
    path = tmp_path / "scene.txt"
    path.write_bytes((DATA / "night_shift.fdx").read_bytes())
    assert read_script(path) == read_script(DATA / "night_shift.fountain")
    path = tmp_path / "demo.txt"
    path.write_text(fountain_script())
    assert len(read_script(path).lines) == 8


@pytest.mark.parametrize(
    ("name", "content", "line", "problem"),
    [
        ("empty.fountain", b"", 0, "empty file"),
        ("blank.fountain", b"\n \n\t\n", 0, "empty file"),
        ("image.fountain", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "binary file"),
        ("noise.txt", bytes(range(1, 32)) * 40, 0, "binary file"),
        ("scene.fdx", b"INT. HOUSE - DAY\n\nANA\nHi.\n", 1, "not valid XML"),
    ],
)
def test_bad_files_raise_script_error_with_file_and_line(tmp_path, name, content, line, problem):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ScriptError) as caught:
        read_script(path)
    error = caught.value
    assert isinstance(error, RoughcutError)
    assert (error.path, error.line) == (path, line)
    assert problem in error.problem and str(path) in str(error)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ScriptError, match="no such file"):
        read_script(tmp_path / "nope.fountain")
    with pytest.raises(ScriptError, match="is a folder"):
        read_script(tmp_path)


def test_script_without_dialogue_warns(tmp_path):
    path = tmp_path / "silent.fountain"
    path.write_text("INT. EMPTY ROOM - DAY\n\nNothing moves.\n")
    script = read_script(path)
    assert script.lines == ()
    assert script.warnings == (f"{path}: no dialogue found",)


def test_cue_without_speech_warns_with_line():
    from roughcut.script import parse_fountain

    script = parse_fountain("INT. ROOM - DAY\n\nANA\n(silent)\n\nBEN\nHi.\n", source="s.fountain")
    assert script.warnings == ("s.fountain:3: ANA has a cue but no dialogue",)


def test_windows_1252_and_utf16_text(tmp_path):
    path = tmp_path / "cafe.fountain"
    path.write_bytes("INT. CAFÉ - DAY\n\nZOË\nCafé crème, s’il vous plaît.\n".encode("cp1252"))
    script = read_script(path)
    assert script.lines[0].character == "ZOË" and script.lines[0].text == "Café crème, s’il vous plaît."
    path = tmp_path / "utf16.fountain"
    path.write_bytes("INT. CAFÉ - DAY\n\nZOË\nBonjour.\n".encode("utf-16"))
    assert read_script(path).lines[0].text == "Bonjour."
