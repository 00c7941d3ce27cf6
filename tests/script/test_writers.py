"""Writers: Fountain out with round trips, and the dialogue CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from roughcut.demo import fountain_script
from roughcut.script import parse_fountain, parse_transcript, read_script, write_fountain
from roughcut.script.model import DialogueLine, Element, Scene, Script
from roughcut.script.output import dialogue_csv

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    "name", ["every_element.fountain", "night_shift.fountain", "breakdown_sample.fountain"]
)
def test_round_trip_gives_the_same_model(name):
    script = read_script(DATA / name)
    text = write_fountain(script)
    again = parse_fountain(text)
    assert again == script
    assert again.warnings == ()
    assert write_fountain(again) == text  # and writing is stable


def test_demo_round_trip_is_textually_the_demo():
    script = parse_fountain(fountain_script())
    assert write_fountain(script).replace("> CUT TO:", "CUT TO:") == fountain_script().replace(
        "> CUT TO:", "CUT TO:"
    )
    assert parse_fountain(write_fountain(script)) == script


def test_writer_forces_what_would_read_otherwise():
    """Elements built in code that Fountain would misread get their forcing marks."""
    script = Script(
        scenes=(
            Scene(
                number="1",
                heading="THE VOID",
                location="THE VOID",
                numbered=True,
                elements=(
                    Element("action", "LOUD NOISES\nare heard."),
                    DialogueLine("1.1", "1", 1, "R2", "Beep."),
                    DialogueLine("1.2", "1", 2, "ANA", "The end.", extension="V.O., whispered"),
                    Element("transition", "Slow fade"),
                    Element("centered", "INTERMISSION"),
                    Element("action", "!important"),
                ),
            ),
        )
    )
    text = write_fountain(script)
    assert ".THE VOID #1#" in text and "!LOUD NOISES" in text and "> Slow fade" in text
    assert "ANA (V.O.) (whispered)" in text
    assert parse_fountain(text) == script


def test_transcript_to_fountain_round_trip():
    script = parse_transcript("ANA: Hello there.\nBEN (O.S.): (distant) Hi!\n")
    assert parse_fountain(write_fountain(script)) == script


def test_dialogue_csv():
    script = read_script(DATA / "night_shift.fountain")
    rows = list(csv.DictReader(io.StringIO(dialogue_csv(script))))
    assert [r["line_id"] for r in rows] == [line.id for line in script.lines]
    assert rows[0] == {
        "line_id": "7.1",
        "scene": "7",
        "character": "ODILE",
        "extension": "",
        "parenthetical": "without looking up",
        "text": "You're late.",
        "words": "2",
    }
    assert rows[2]["text"] == "Again. Always again."  # plain text, no emphasis marks
