"""Property-based fuzzing of every reader of user files (issue 17): Fountain, Final Draft, NAME: line
transcripts, SRT/WebVTT subtitles and ``roughcut.toml``. Whatever the bytes, a reader either reads
them or raises roughcut's own error naming the file (and, for screenplays, the line); never anything
else. Bounded (a fixed number of examples, derandomised so every run tries the same inputs)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="fuzzing needs Hypothesis (pip install hypothesis)")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from roughcut.errors import RoughcutError  # noqa: E402
from roughcut.project import Project  # noqa: E402
from roughcut.script import parse_fdx, parse_fountain, parse_transcript  # noqa: E402
from roughcut.script.errors import ScriptError  # noqa: E402
from roughcut.speech.subtitles import read_subtitles  # noqa: E402

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

#: Pieces screenplays are made of, so the fuzzer reaches past the first line.
_SCREENPLAY = st.sampled_from(
    ["INT. ", "EXT. ", "ROOM", " - DAY", "\n", "\n\n", "  \n", "NORA", "(beat)", "^", "@", "!", "~", "#",
     "=", ">", "<", "*", "_", "[[", "]]", "/*", "*/", "Title:", ":", " ", "\t", "CUT TO:", ".", "===",
     "é", "\x00", "\r", "\u2028", "NORA:", "SAM (V.O.)", "Hello."]
)  # fmt: skip
SCREENPLAY_TEXT = st.lists(_SCREENPLAY | st.text(max_size=5), max_size=60).map("".join)
_XML = st.sampled_from(
    ['<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="x-none"?>', "<FinalDraft>",
     "</FinalDraft>", "<Content>", "</Content>", '<Paragraph Type="Character">',
     '<Paragraph Type="Dialogue">', '<Paragraph Type="Scene Heading">', "</Paragraph>", "<Text>",
     '<Text Style="Bold">', "</Text>", "NORA",
     "Hello.", "&amp;", "&bogus;", "<!DOCTYPE x [<!ENTITY a 'b'>]>", "\n", "\xff", "<![CDATA[x]]>"]
)  # fmt: skip
FDX_TEXT = st.lists(_XML | st.text(max_size=4), max_size=40).map("".join)
_SUBTITLE = st.sampled_from(
    ["1", "\n", "\n\n", "00:00:01,000", " --> ", "00:00:02,500", "99:99:99,999", "WEBVTT", "00:01.000",
     "<i>", "</i>", "Hello.", "-1", "\ufeff", "\r\n"]
)  # fmt: skip
SUBTITLE_TEXT = st.lists(_SUBTITLE | st.text(max_size=4), max_size=40).map("".join)
_TOML = st.sampled_from(
    ['output = "', "../", "x", '"', "\n", "script = ", "[edit]", "style = ", "pace = ", "1", "nan", "inf",
     "[characters]", '"a:b" = "NORA"', "= ", "[", "]", "/", "coverage = ", "'''", "{", "}", "[[a]]", "."]
)  # fmt: skip
TOML_TEXT = st.lists(_TOML | st.text(max_size=3), max_size=30).map("".join)


def _names_its_file_and_line(error: ScriptError, source: str) -> None:
    assert str(error).startswith(source), error
    assert re.match(rf"{re.escape(source)}(:\d+)?: \S", str(error)), error


@FUZZ
@given(SCREENPLAY_TEXT)
def test_fountain_reader(text: str) -> None:
    try:
        parse_fountain(text, "fuzz.fountain")
    except ScriptError as error:
        _names_its_file_and_line(error, "fuzz.fountain")


@FUZZ
@given(SCREENPLAY_TEXT)
def test_transcript_reader(text: str) -> None:
    try:
        parse_transcript(text, "fuzz.txt")
    except ScriptError as error:
        _names_its_file_and_line(error, "fuzz.txt")


@FUZZ
@given(FDX_TEXT, st.sampled_from(["utf-8", "latin-1", "utf-16"]))
def test_final_draft_reader(text: str, encoding: str) -> None:
    try:
        parse_fdx(text.encode(encoding, errors="replace"), "fuzz.fdx")
    except ScriptError as error:
        _names_its_file_and_line(error, "fuzz.fdx")


@FUZZ
@given(SUBTITLE_TEXT | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_subtitle_reader(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.srt"
        path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
        try:
            read_subtitles(path)
        except RoughcutError as error:
            assert str(error).startswith(str(path)), error


@FUZZ
@given(TOML_TEXT)
def test_roughcut_toml_reader(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "project"
        root.mkdir()
        (root / "roughcut.toml").write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            project = Project.open(root)
        except RoughcutError as error:
            assert str(root) in str(error), error
            return
        assert project.output_dir.resolve().is_relative_to(root.resolve())
        assert project.output_dir != root
