"""Final Draft reader: the same sample in FDX and Fountain gives the same model."""

from __future__ import annotations

from pathlib import Path

import pytest

from roughcut.script import ScriptError, parse_fdx, read_script, write_fountain
from roughcut.script.fountain import parse_fountain

DATA = Path(__file__).parent / "data"


def test_fdx_and_fountain_versions_give_the_same_model():
    fountain = read_script(DATA / "night_shift.fountain")
    fdx = read_script(DATA / "night_shift.fdx")
    assert fdx == fountain
    assert fdx.title_page == {
        "Title": "Night Shift",
        "Credit": "written by",
        "Author": "Roughcut Test Writers",
    }
    assert [line.id for line in fdx.lines] == ["7.1", "7.2", "7.3", "7.4", "7.5", "2.1"]


def test_fdx_details():
    script = read_script(DATA / "night_shift.fdx")
    odile = script.line("7.3")
    assert odile.text == "Again. Always again." and odile.markup == "Again. **Always** again."
    assert [line.dual for line in script.lines] == [False, False, False, True, True, False]
    assert script.line("7.1").parenthetical == "without looking up"
    assert script.line("7.2").extension == "O.S."
    assert script.line("7.2").source_line == 22  # the Character paragraph's line in the XML
    kinds = [e.kind for e in script.scenes[0].elements if not hasattr(e, "character")]
    assert kinds == ["action", "action", "centered", "transition"]


def test_fdx_to_fountain_round_trip():
    fdx = read_script(DATA / "night_shift.fdx")
    assert parse_fountain(write_fountain(fdx)) == fdx


def test_fdx_page_break_lyrics_and_unknown_type_warns():
    xml = """<?xml version="1.0"?>
<FinalDraft DocumentType="Script" Version="5"><Content>
<Paragraph Type="Scene Heading"><Text>INT. CHAPEL - DAY</Text></Paragraph>
<Paragraph Type="Character"><Text>CHOIR</Text></Paragraph>
<Paragraph Type="Lyrics"><Text>Hallelujah</Text></Paragraph>
<Paragraph Type="Outline 1" StartsNewPage="Yes"><Text>A beat</Text></Paragraph>
</Content></FinalDraft>"""
    script = parse_fdx(xml.encode(), source="chapel.fdx")
    assert script.lines[0].text == "Hallelujah"
    assert [e.kind for e in script.scenes[0].elements[1:]] == ["page_break", "action"]
    assert script.warnings == ("chapel.fdx:6: paragraph type 'Outline 1' read as action",)


@pytest.mark.parametrize(
    ("content", "line", "problem"),
    [
        (b"<FinalDraft><Content><Paragraph>\n<Text>oops</Paragraph></FinalDraft>", 2, "not valid XML"),
        (b"<?xml version='1.0'?>\n<html><body/></html>", 2, "not a Final Draft document"),
        (b"<FinalDraft Version='5'/>", 1, "without <Content>"),
    ],
)
def test_bad_fdx_names_file_and_line(tmp_path, content, line, problem):
    path = tmp_path / "bad.fdx"
    path.write_bytes(content)
    with pytest.raises(ScriptError) as caught:
        read_script(path)
    assert caught.value.line == line
    assert problem in str(caught.value)
    assert str(caught.value).startswith(f"{path}:{line}:")
