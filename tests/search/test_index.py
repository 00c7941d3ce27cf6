"""The index on records made by hand: stemming, typos, phrases, filters, versions, bins and the log."""

from __future__ import annotations

import sqlite3
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest

from roughcut.errors import RoughcutError
from roughcut.search import SearchIndex, SearchRecord, parse_query
from roughcut.search import index as index_module

RATE = Fraction(24000, 1001)


def record(take: str, line: str, text: str, said: str | None = None, **fields) -> SearchRecord:  # type: ignore[no-untyped-def]
    start = fields.pop("start", 16_000)
    defaults = dict(
        scene="1",
        kind="line",
        character="NORA",
        sample_rate=16_000,
        frame_rate=RATE,
        take_frames=2000,
        shot_size="CU",
        characters=("NORA",),
        persons=("person1",),
    )
    defaults.update(fields)
    return SearchRecord(
        take=take,
        line_id=line,
        script=text if defaults["kind"] == "line" else "",
        said=text if said is None else said,
        start=start,
        end=start + 48_000,
        **defaults,
    )


@pytest.fixture
def records() -> list[SearchRecord]:
    return [
        record(
            "takes/A01_wide.mov",
            "1.1",
            "The telemetry came back clean.",
            shot_size="MS",
            characters=("GRACE", "NORA"),
        ),
        record(
            "takes/A01_wide.mov", "1.2", "Who checked it?", character="GRACE", shot_size="MS", emotion="anger"
        ),
        record(
            "takes/B01_nora_cu.mov", "1.1", "The telemetry came back clean.", "The telemetry came back dirty."
        ),
        record(
            "takes/B01_nora_cu.mov",
            "",
            "",
            "Place white in J3 please.",
            kind="said",
            character="",
            start=200_000,
        ),
        record(
            "takes/C01_grace.mov",
            "2.1",
            "Readings are nominal.",
            scene="2",
            character="GRACE",
            characters=("GRACE",),
            emotion="joy",
        ),
    ]


@pytest.fixture
def found(records, tmp_path: Path):  # type: ignore[no-untyped-def]
    index = SearchIndex(tmp_path / "search.sqlite")
    key = index.load(records)
    yield lambda query="", **options: [
        (Path(h.record.take).stem.split("_")[0], h.record.line_id or h.record.kind)
        for h in index.search(key, query, limit=None, **options).hits
    ]
    index.close()


def test_words_are_stemmed_and_every_word_must_match(found) -> None:  # type: ignore[no-untyped-def]
    assert found("checking") == [("A01", "1.2")]
    assert found("reading") == [("C01", "2.1")]
    assert sorted(found("telemetry clean")) == [("A01", "1.1"), ("B01", "1.1")]
    assert found("telemetry nominal") == []


def test_what_was_said_is_searched_beside_the_script(found) -> None:  # type: ignore[no-untyped-def]
    assert found("dirty") == [("B01", "1.1")]  # said, not in the script
    assert found("three") == [("B01", "said")]  # Whisper's "J3", spelled out
    assert found("j3") == [("B01", "said")]


def test_typos_widen_to_near_words_only_when_nothing_matches(found, records, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert sorted(found("telemtry")) == [("A01", "1.1"), ("B01", "1.1")]
    assert found("chekced") == []  # two edits in a word of seven letters: too far
    assert found("cleen") != []
    assert found("whi") == []  # three letters: no typo allowed
    index = SearchIndex(tmp_path / "other.sqlite")
    key = index.load(records)
    assert index.widen(key, "telemetry") == ("telemetry",)
    assert "telemetry" in index.widen(key, "telemtry")


def test_phrases_match_words_in_order(found) -> None:  # type: ignore[no-untyped-def]
    assert sorted(found('"came back"')) == [("A01", "1.1"), ("B01", "1.1")]
    assert found('"back came"') == []


def test_filters_and_field_words(found) -> None:  # type: ignore[no-untyped-def]
    assert found(who="grace") == [("A01", "1.2"), ("C01", "2.1")]
    assert found("telemetry", seen="GRACE") == [("A01", "1.1")]
    assert sorted(found(size="CU")) == [("B01", "1.1"), ("B01", "said"), ("C01", "2.1")]
    assert found(size="MS,CU", emotion="angry") == [("A01", "1.2")]
    assert found("telemetry take:B01") == [("B01", "1.1")]
    assert found(scene="2") == [("C01", "2.1")]
    assert found(kind="said") == [("B01", "said")]
    assert found("close-up grace") == [("C01", "2.1")]  # the framing in words, who is seen
    with pytest.raises(RoughcutError, match="unknown shot size 'XX'"):
        found(size="XX")
    with pytest.raises(RoughcutError, match="unknown emotion 'bored'"):
        found(emotion="bored")


def test_parse_query() -> None:
    parsed = parse_query('Telemetry "came  back" who:NORA size:CU note:this')
    assert parsed.words == ("telemetry", "note", "this")
    assert parsed.phrases == ("came back",)
    assert parsed.filters == {"who": "NORA", "size": "CU"}


def test_a_set_is_indexed_once_and_another_version_is_made_again(records, tmp_path: Path) -> None:
    path = tmp_path / "search.sqlite"
    index = SearchIndex(path)
    key = index.load(records)
    assert index.load(records) == key
    assert index.load(records[:2]) != key
    index.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM records WHERE key=?", (key,)).fetchone()[0] == len(records)
        db.execute(f"PRAGMA user_version={index_module.VERSION + 1}")
    again = SearchIndex(path)
    assert again.search(key, "telemetry").hits == ()  # another version's file was emptied
    assert len(again.search(again.load(records), "telemetry").hits) == 2
    again.close()


def test_hits_become_an_otio_bin_of_subclips_or_markers(records, tmp_path: Path) -> None:
    from roughcut.export.files import file_writing
    from roughcut.search.bin import hits_to_bin

    index = SearchIndex(":memory:")
    key = index.load(records)
    result = index.search(key, "telemetry")
    subclips = hits_to_bin(result.hits, {}, query="telemetry")
    path = tmp_path / "hits.otio"
    with file_writing(path) as part:
        otio.adapters.write_to_file(subclips, str(part))
    back = otio.adapters.read_from_file(str(path))
    assert len(back) == 2
    for clip, hit in zip(back, result.hits, strict=True):
        assert clip.source_range.start_time.value == hit.record.start_frame == 23  # 1 s at 23.976, floor
        assert clip.source_range.duration.value == hit.record.end_frame - hit.record.start_frame == 73
        assert clip.source_range.start_time.rate == pytest.approx(24000 / 1001)
        assert clip.metadata["roughcut"]["line"] == "1.1"
    marked = hits_to_bin(index.search(key, "", take="B01").hits, markers=True)
    assert len(marked) == 1 and len(marked[0].markers) == 2
    user_file = tmp_path / "mine.otio"
    user_file.write_text("the user's")
    with pytest.raises(RoughcutError, match="mine.otio"), file_writing(user_file) as part:
        part.write_text("x")
    assert user_file.read_text() == "the user's"


def test_the_take_log_carries_the_search_fields(records, tmp_path: Path) -> None:
    from roughcut.search.log import LOG_COLUMNS, log_csv, take_logs

    logs = {log.take: log for log in take_logs(records)}
    a01 = logs["takes/A01_wide.mov"]
    assert a01.lines == ("1.1", "1.2")
    assert a01.characters == ("NORA", "GRACE")
    assert a01.shot_sizes == ("MS",)
    assert "checked" in a01.words_said
    b01 = logs["takes/B01_nora_cu.mov"]
    assert b01.words_said == "The telemetry came back dirty. Place white in J3 please."
    text = log_csv(list(logs.values()))
    assert text.splitlines()[0] == ",".join(LOG_COLUMNS)
    assert len(text.splitlines()) == 4
