"""Screenplay findings: FDX notes and scene summaries read as their Fountain twin reads them,
dialogue before the first heading shifts no scene number, headings other readers only know when
forced, title page emphasis, ``INT - HOUSE - DAY``; each with a round trip through Fountain."""

from __future__ import annotations

import pytest

from roughcut.script import parse_fdx, parse_fountain, write_fountain
from roughcut.script._markup import parse_heading
from roughcut.script.breakdown import breakdown
from roughcut.script.model import Element

FDX = """<?xml version="1.0" encoding="UTF-8"?>
<FinalDraft DocumentType="Script" Version="4"><Content>
<Paragraph Type="Scene Heading"><SceneProperties Length="1/8" Page="1" Title="">
<Summary><Paragraph><Text>Mara finds the ledger.</Text></Paragraph></Summary></SceneProperties>
<Text>INT. LIGHTHOUSE - NIGHT</Text></Paragraph>
<Paragraph Type="Action"><ScriptNote><Paragraph><Text>needs a prop</Text></Paragraph></ScriptNote>
<Text>A ledger on the table.</Text></Paragraph>
<Paragraph Type="Action">
<ScriptNote><Paragraph><Text>check the tide tables</Text></Paragraph></ScriptNote></Paragraph>
<Paragraph Type="Character"><Text>MARA</Text></Paragraph>
<Paragraph Type="Dialogue"><Text>Who wrote this?</Text></Paragraph>
<Paragraph Type="Action"><Text>She turns the page.</Text></Paragraph>
</Content>
<ScriptNotes><ScriptNote Range="73,77">
<Paragraph><Text>slower here</Text></Paragraph></ScriptNote></ScriptNotes>
</FinalDraft>"""

FOUNTAIN = """INT. LIGHTHOUSE - NIGHT

= Mara finds the ledger.

A ledger on the table. [[needs a prop]]

[[check the tide tables]]

MARA
Who wrote this?

She turns the page. [[slower here]]
"""


def test_fdx_notes_and_summary_give_the_fountain_twins_model():
    fdx = parse_fdx(FDX.encode(), source="twin.fdx")
    fountain = parse_fountain(FOUNTAIN)
    assert fdx == fountain
    elements = fdx.scenes[0].elements
    assert elements[0] == Element("synopsis", "Mara finds the ledger.")
    assert elements[1].text == "A ledger on the table." and elements[1].markup.endswith("[[needs a prop]]")
    assert elements[2] == Element("note", "check the tide tables")
    assert elements[4].markup == "She turns the page. [[slower here]]"  # placed by its Range: "turns"
    assert parse_fountain(write_fountain(fdx)) == fdx


def test_dialogue_before_the_first_heading_is_scene_0():
    text = "MARA (V.O.)\nEvery keeper keeps a ledger.\n\nINT. LIGHTHOUSE - NIGHT\n\nMARA\nHello?\n"
    text += "\nEXT. CLIFF - DAY\n\nTOM\nDown here!\n"
    script = parse_fountain(text)
    assert [scene.number for scene in script.scenes] == ["0", "1", "2"]
    assert [line.id for line in script.lines] == ["0.1", "1.1", "2.1"]
    totals = breakdown(script).to_dict()["totals"]
    assert totals["scenes"] == 2 and totals["dialogue_lines"] == 3  # the headings; every line
    assert parse_fountain(write_fountain(script)) == script


@pytest.mark.parametrize(
    ("heading", "int_ext", "location", "forced"),
    [
        ("EXT/INT. CAR - DAY", "INT/EXT", "CAR", True),
        ("E/I CAR - DAY", "INT/EXT", "CAR", True),
        ("I/E. CAR - DAY", "INT/EXT", "CAR", False),
        ("INT./EXT. CAR - DAY", "INT/EXT", "CAR", False),
        ("INT/EXT CAR - DAY", "INT/EXT", "CAR", False),
        ("INT. CAR - DAY", "INT", "CAR", False),
    ],
)
def test_headings_round_trip_and_are_forced_where_fountain_does_not_know_them(
    heading, int_ext, location, forced
):
    script = parse_fountain(f"{heading}\n\nTOM\nGo.\n")
    scene = script.scenes[0]
    assert (scene.heading, scene.int_ext, scene.location, scene.time_of_day) == (
        heading,
        int_ext,
        location,
        "DAY",
    )
    written = write_fountain(script)
    assert written.startswith("." + heading if forced else heading)
    assert parse_fountain(written) == script


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("INT - HOUSE - DAY", ("INT", "HOUSE", "DAY")),
        ("EXT. - HOUSE - NIGHT", ("EXT", "HOUSE", "NIGHT")),
        ("INT. HOUSE - KITCHEN - DAY", ("INT", "HOUSE - KITCHEN", "DAY")),
        ("INT. X-RAY ROOM - DAY", ("INT", "X-RAY ROOM", "DAY")),
    ],
)
def test_heading_parts(heading, expected):
    assert parse_heading(heading) == expected


def test_title_page_emphasis_is_plain_in_the_model_and_kept_for_writing():
    script = parse_fountain("Title: _**THE LEDGER**_\nAuthor: Ann *Keeper*\n\nINT. ROOM - DAY\n\nTOM\nHi.\n")
    assert script.title_page == {"Title": "THE LEDGER", "Author": "Ann Keeper"}
    assert script.title_page_markup == {"Title": "_**THE LEDGER**_", "Author": "Ann *Keeper*"}
    written = write_fountain(script)
    assert written.startswith("Title: _**THE LEDGER**_\nAuthor: Ann *Keeper*\n")
    assert parse_fountain(written) == script
    fdx = parse_fdx(
        b'<FinalDraft><Content><Paragraph Type="Scene Heading"><Text>INT. ROOM - DAY</Text></Paragraph>'
        b'<Paragraph Type="Character"><Text>TOM</Text></Paragraph><Paragraph Type="Dialogue"><Text>Hi.'
        b"</Text></Paragraph></Content><TitlePage><Content><Paragraph>"
        b'<Text Style="Bold+Underline">THE LEDGER</Text></Paragraph></Content></TitlePage></FinalDraft>'
    )
    assert fdx.title_page == {"Title": "THE LEDGER"} and fdx.title_page_markup == {
        "Title": "_**THE LEDGER**_"
    }
