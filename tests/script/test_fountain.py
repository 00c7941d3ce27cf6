"""Fountain reader: every element of the syntax, on a sample written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from roughcut.demo import LINES, fountain_script
from roughcut.script import DialogueLine, Element, parse_fountain, read_script, write_fountain

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def every():
    return read_script(DATA / "every_element.fountain")


def test_demo_script_ids_characters_and_texts():
    script = parse_fountain(fountain_script())
    assert [line.id for line in script.lines] == [f"1.{i}" for i in range(1, 9)]
    assert [(line.character, line.parenthetical, line.text) for line in script.lines] == list(LINES)
    scene = script.scenes[0]
    assert (scene.int_ext, scene.location, scene.time_of_day, scene.number) == (
        "INT",
        "MISSION CONTROL",
        "NIGHT",
        "1",
    )
    assert script.title_page["Title"] == "Clean Data"
    assert scene.elements[-1] == Element("transition", "CUT TO:")
    assert script.warnings == ()


def test_title_page_with_indented_values(every):
    assert every.title_page["Title"] == "THE LIGHTHOUSE KEEPER'S LEDGER\na test screenplay"
    assert every.title_page_markup == {"Title": "_**THE LIGHTHOUSE KEEPER'S LEDGER**_\na test screenplay"}
    assert every.title_page["Contact"] == "tests@roughcut.invalid\nNowhere Street 1"
    assert every.title_page["Draft date"] == "2026-11-25"
    assert list(every.title_page) == ["Title", "Credit", "Author", "Source", "Draft date", "Contact"]


def test_sections_synopses_and_action_before_the_first_scene(every):
    assert every.preamble == (
        Element("section", "ACT ONE", level=1),
        Element("synopsis", "Mara finds the ledger and learns the light was never automated."),
        Element("section", "The island", level=2),
        Element("action", "FADE IN:"),
    )


def test_scene_headings_numbers_and_parts(every):
    found = [(s.number, s.numbered, s.int_ext, s.location, s.time_of_day) for s in every.scenes]
    assert found == [
        ("1", True, "EXT", "ROCKY ISLAND", "DAWN"),
        ("1A", True, "EST", "LIGHTHOUSE", "CONTINUOUS"),
        ("2", True, "INT", "LAMP ROOM", "DAY"),
        ("4", False, "INT/EXT", "BOAT", "NIGHT"),  # fourth scene, unnumbered: counted
        ("3", True, "INT/EXT", "HARBOUR CAR PARK", "LATER"),
        ("6", False, "", "FLASHBACK TO 1970", ""),  # forced with '.'
    ]
    assert every.scenes[1].heading == "EST. LIGHTHOUSE - CONTINUOUS"


def test_forced_action_and_emphasis(every):
    assert every.scenes[1].elements == (Element("action", "SHE CLIMBS.\nThe spiral stairs go up forever."),)
    action = every.scenes[0].elements[0]
    assert action.text == "Waves break on black rocks. A white lighthouse stands above them."
    assert action.markup == "Waves break on black rocks. A *white* lighthouse stands above them."


def test_inline_note_is_kept_out_of_the_text(every):
    action = every.scenes[2].elements[0]
    assert action.text == "MARA (30s), wind-burnt, opens a drawer. Inside: a ledger."
    assert "[[Check the prop list.]]" in action.markup


def test_dialogue_extensions_parentheticals_and_forced_character(every):
    lines = {line.id: line for line in every.lines}
    assert lines["1.1"].character == "MARA" and lines["1.1"].extension == "V.O."
    mara = lines["2.1"]
    assert mara.text == '"The lamp must never go dark." Never.'
    assert mara.parenthetical == "reading; beat"
    assert mara.source_line == 36
    assert (lines["2.2"].character, lines["2.2"].extension) == ("TOMAS", "O.S.")
    assert (lines["2.3"].character, lines["2.3"].extension) == ("MARA", "")  # CONT'D dropped
    assert lines["2.4"].character == "MCCLANE"  # forced with '@'
    assert lines["4.1"].parenthetical == "shouting"
    assert lines["6.1"].text == "She is not coming back, not tonight."


def test_dual_dialogue_marks_both_speeches(every):
    dual = [line.id for line in every.lines if line.dual]
    assert dual == ["2.5", "2.6"]
    assert [every.line(i).character for i in dual] == ["BRIGHT", "DIM"]


def test_lyrics_centred_transitions_page_break_note(every):
    scene2 = every.scenes[2].elements
    assert scene2[-3:] == (
        Element("lyric", "Keep the lamp and keep the flame,\nevery night the sea's the same."),
        Element("centered", "THE LIGHT TURNS"),
        Element("transition", "CUT TO:"),
    )
    last = every.scenes[-1].elements
    assert [e.kind for e in last if isinstance(e, Element)] == ["transition", "page_break", "note", "action"]
    assert last[1] == Element("transition", "FADE TO BLACK.")
    assert last[3] == Element("note", "A closing note about the ledger.")


def test_boneyard_is_dropped_but_line_numbers_hold(every):
    assert all(line.character != "GHOST" for line in every.lines)
    assert "SECRET ROOM" not in [s.location for s in every.scenes]
    assert every.scenes[-1].elements[-1].source_line == 92  # "THE END", after the boneyard


def test_ids_are_scene_number_and_position(every):
    assert [line.id for line in every.lines] == [
        "1.1",
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "2.5",
        "2.6",
        "4.1",
        "6.1",
    ]
    assert all(
        isinstance(line, DialogueLine) and line.id == f"{line.scene}.{line.index}" for line in every.lines
    )


def test_heading_followed_directly_by_dialogue_and_crlf():
    script = parse_fountain("INT. KITCHEN - DAY\r\nANA\r\nHello.\r\n\r\nBEN\r\nHi.\r\n")
    assert [(line.id, line.character, line.text) for line in script.lines] == [
        ("1.1", "ANA", "Hello."),
        ("1.2", "BEN", "Hi."),
    ]


def test_dialogue_before_any_heading_is_scene_0_and_shifts_no_scene_number():
    script = parse_fountain("ANA\nHello.\n\nINT. HALL - NIGHT\n\nBEN\nHi.\n\nEXT. YARD - DAY\n\nANA\nBye.\n")
    assert [(s.number, s.heading) for s in script.scenes] == [
        ("0", ""),
        ("1", "INT. HALL - NIGHT"),
        ("2", "EXT. YARD - DAY"),
    ]
    assert [line.id for line in script.lines] == ["0.1", "1.1", "2.1"]
    assert parse_fountain(write_fountain(script)) == script
    only_dialogue = parse_fountain("ANA\nHello.\n\nBEN\nHi.\n")  # no heading at all: scene 1
    assert [line.id for line in only_dialogue.lines] == ["1.1", "1.2"]


def test_uppercase_action_line_is_not_a_character():
    script = parse_fountain("INT. HALL - NIGHT\n\nTHE DOOR SLAMS.\n\nBEN\nWho's there?\n")
    assert script.scenes[0].elements[0] == Element("action", "THE DOOR SLAMS.")
    assert script.lines[0].character == "BEN"


def test_unclosed_boneyard_warns_with_line():
    script = parse_fountain("INT. HALL - NIGHT\n\nBEN\nHi.\n\n/* never closed\n", source="x.fountain")
    assert any(w.startswith("x.fountain:6:") and "boneyard" in w for w in script.warnings)


def test_counted_number_that_repeats_a_written_one_warns():
    script = parse_fountain(
        "INT. A - DAY #1#\n\nANA\nOne.\n\nINT. B - DAY\n\nANA\nTwo.\n\nINT. C - DAY #2#\n\nANA\nThree.\n",
        source="dup.fountain",
    )
    assert [s.number for s in script.scenes] == ["1", "2", "2"]
    assert script.warnings == ("dup.fountain:11: scene number 2 also used at line 6; line ids repeat",)
