"""Scene heading parts, character cues and Fountain emphasis."""

from __future__ import annotations

import pytest

from roughcut.script._markup import parse_character, parse_heading, strip_markup


@pytest.mark.parametrize(
    ("heading", "parts"),
    [
        ("INT. MISSION CONTROL - NIGHT", ("INT", "MISSION CONTROL", "NIGHT")),
        ("EXT. HOUSE - KITCHEN - NIGHT", ("EXT", "HOUSE - KITCHEN", "NIGHT")),
        ("INT/EXT CAR - MOVING - DAY", ("INT/EXT", "CAR - MOVING", "DAY")),
        ("EXT./INT. PORCH – MOMENTS LATER", ("INT/EXT", "PORCH", "MOMENTS LATER")),
        ("I/E. TRAIN", ("INT/EXT", "TRAIN", "")),
        ("EST. CITY SKYLINE - DAWN", ("EST", "CITY SKYLINE", "DAWN")),
        ("int. bedroom - day", ("INT", "bedroom", "day")),
        ("INT. OFFICE - 9 AM (DAY)", ("INT", "OFFICE", "9 AM (DAY)")),
        ("INT. WAREHOUSE - EAST WING", ("INT", "WAREHOUSE - EAST WING", "")),
        ("FLASHBACK", ("", "FLASHBACK", "")),
    ],
)
def test_heading_parts(heading, parts):
    assert parse_heading(heading) == parts


@pytest.mark.parametrize(
    ("cue", "expected"),
    [
        ("JOHN", ("JOHN", "")),
        ("JOHN (V.O.)", ("JOHN", "V.O.")),
        ("JOHN (CONT'D)", ("JOHN", "")),
        ("JOHN (O.S.) (CONT’D)", ("JOHN", "O.S.")),
        ("john  smith (on the radio)", ("JOHN SMITH", "on the radio")),
        ("HANS (V.O.) (whispering)", ("HANS", "V.O., whispering")),
    ],
)
def test_character_cues(cue, expected):
    assert parse_character(cue) == expected


def test_strip_markup():
    assert strip_markup("a *b* **c** ***d*** _e_ f") == "a b c d e f"
    assert strip_markup("price \\*not\\* italic") == "price *not* italic"
    assert strip_markup("keep [[a note]] out") == "keep out"
    assert strip_markup("2 * 3 = 6") == "2 * 3 = 6"
