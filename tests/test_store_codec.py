"""The store's value format: every stage's records come back equal, and a crafted or broken row
is dropped with one warning, never run and never a traceback."""

from __future__ import annotations

import base64
import logging
import math
import os
import pickle
import sqlite3
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from roughcut._codec import CodecError, decode, encode
from roughcut.store import Store, params_hash


def _round_trip(value: object) -> object:
    blob = encode(value)
    back = decode(blob)
    assert encode(back) == blob  # the format is canonical: a decoded value encodes to the same bytes
    return back


def test_plain_values_come_back_with_their_types() -> None:
    value = {
        "floats": [0.1 + 0.2, 1e-310, -0.0, 1.7976931348623157e308, 5e-324, 2.0 / 3.0],
        "ints": (0, -1, 2**80),
        "text": 'naïve — «quote» "\\ \n',
        "none": None,
        "flags": (True, False),
        "fraction": Fraction(30000, 1001),
        "nested": [(1, (2.5, "x")), []],
        "set": {1, 2},
        "frozen": frozenset({"a"}),
        "bytes": b"\x00\xff",
        "path": Path("/a/b.mp4"),
        "#not-a-tag": 1,
        (1, "tuple key"): Fraction(1, 3),
        7: "int key",
    }
    back = _round_trip(value)
    assert back == value
    assert type(back["ints"]) is tuple and type(back["nested"]) is list and type(back["nested"][0]) is tuple
    assert type(back["fraction"]) is Fraction and type(back["flags"][0]) is bool
    assert type(back["path"]) is type(Path())
    assert math.copysign(1.0, back["floats"][2]) == -1.0
    assert [x.hex() for x in back["floats"]] == [x.hex() for x in value["floats"]]  # every bit


def test_nan_infinities_and_numpy_values() -> None:
    back = _round_trip((math.nan, math.inf, -math.inf))
    assert math.isnan(back[0]) and back[1:] == (math.inf, -math.inf)
    arrays = {
        "f32": np.linspace(0, 1, 7, dtype=np.float32).reshape(7, 1),
        "i64": np.arange(-3, 3),
        "bool": np.array([True, False]),
        "empty": np.zeros((0, 3)),
        "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
    }
    back = _round_trip(arrays)
    for name, array in arrays.items():
        assert back[name].dtype == array.dtype and back[name].shape == array.shape
        assert np.array_equal(back[name], array)
    scalars = (np.float32(0.1), np.int16(-7), np.bool_(True), np.float64(1 / 3))
    back = _round_trip(scalars)
    assert [type(x) for x in back] == [type(x) for x in scalars] and back == scalars


def test_values_outside_the_format_are_refused_when_stored(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache.sqlite")
    with pytest.raises(CodecError, match="cannot be stored"):
        store.put("f", "s", 1, None, object())
    with pytest.raises(CodecError, match="pickle"):
        store.put("f", "s", 1, None, np.array([object()]))
    from dataclasses import make_dataclass

    foreign = make_dataclass("Foreign", [("x", int)])
    with pytest.raises(CodecError, match="only roughcut"):
        encode(foreign(1))


def test_sync_alignment_text_and_vision_records_come_back_equal(rng: np.random.Generator) -> None:
    """A real instance of each record a stage stores that the demo's analysis does not make."""
    from roughcut.audio.sync import find_offset

    reference = rng.standard_normal(16_000 * 4).astype(np.float32)
    other = reference[8_000 + 123 :].copy()
    result = find_offset(reference, other, 16_000)
    assert _round_trip(result) == result
    from roughcut.speech.align import LineAlignment, TakeAlignment, WordAlignment

    word = WordAlignment("Hello", 100, 4_100, 16_000, 0.83, True)
    alignment = TakeAlignment(
        "B01.mp4",
        (LineAlignment("1", "NORA", "Hello there", 100, 9_000, 16_000, 0.7, (word,), occurrence=1),),
        ("2",),
        12.5,
        Fraction(24000, 1001),
        "",
        (("hello", 100, 4_100),),
    )
    assert _round_trip(alignment) == alignment


def test_every_row_of_a_real_analysis_decodes_to_its_stage_record(analysed_demo_store: Path) -> None:
    """The demo's whole analysis (alignment, vision, text, prosody) as the store holds it."""
    import roughcut.script.analysis as text
    import roughcut.speech.align as speech
    import roughcut.vision.take as vision
    from roughcut.script.analysis import LineTextAnalysis
    from roughcut.speech.align import TakeAlignment
    from roughcut.vision.model import TakeVision

    rows = sqlite3.connect(analysed_demo_store).execute("SELECT stage, value FROM results").fetchall()
    seen: dict[str, int] = {}
    for stage, blob in rows:
        value = decode(blob)
        assert encode(value) == blob
        assert pickle.loads(pickle.dumps(value)) == value == decode(encode(value))
        seen[stage] = seen.get(stage, 0) + 1
        if isinstance(value, TakeVision):
            assert value.tracks and type(value.frame_rate) is Fraction
            assert type(value.tracks[0].samples[0].box) is tuple
        elif isinstance(value, TakeAlignment):
            assert value.lines and type(value.lines[0].words) is tuple
        elif stage == "prosody":
            assert value and all(type(v) is float for v in value.values())
        else:
            assert value and all(isinstance(v, LineTextAnalysis) for v in value.values())
    assert set(seen) == {speech.STAGE, vision.STAGE, text.STAGE, "prosody"}, seen


# ------------------------------------------------------------------------------- hostile or broken rows

MARKER = "pwned-by-the-cache"


class _Exploit:
    """Pickles to a call of ``os.system(command)``."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (self.command,))


def _crafted_payloads(marker: Path) -> dict[str, bytes]:
    command = f"touch {marker}"
    return {
        "pickle": pickle.dumps(_Exploit(command)),
        "os.system": b'RCJ1{"#dc":["os:system",{"command":"%s"}]}' % command.encode(),
        "builtins.eval": b'RCJ1{"#dc":["builtins:eval",{"source":"__import__(\'os\').system(\'%s\')"}]}'
        % command.encode(),
        "through a roughcut module": b'RCJ1{"#dc":["roughcut.store:os.system",{"command":"%s"}]}'
        % command.encode(),
        "enum outside roughcut": b'RCJ1{"#enum":["subprocess:run",["%s"]]}' % command.encode(),
        "object array": b'RCJ1{"#nd":"%s"}' % base64.b64encode(_object_array_bytes(command)),
        "not a dataclass": b'RCJ1{"#dc":["roughcut.store:Store",{"path":"x"}]}',
    }


def _object_array_bytes(command: str) -> bytes:
    import io

    buffer = io.BytesIO()
    np.save(buffer, np.array([_Exploit(command)], dtype=object), allow_pickle=True)
    return buffer.getvalue()


BROKEN: dict[str, bytes | str] = {
    "garbage": os.urandom(64),
    "empty": b"",
    "truncated": encode({"a": (1, 2, Fraction(1, 3))})[:-5],
    "unknown tag": b'RCJ1{"#frobnicate":1}',
    "tag beside fields": b'RCJ1{"#t":[1],"x":2}',
    "unknown field": b'RCJ1{"#dc":["roughcut.audio.sync:SyncResult",{"nonsense":1}]}',
    "missing module": b'RCJ1{"#dc":["roughcut.nowhere:Thing",{}]}',
    "zero denominator": b'RCJ1{"#q":[1,0]}',
    "deep nesting": b"RCJ1" + b"[" * 100_000 + b"]" * 100_000,
    "text, not bytes": "RCJ1[1]",
}


def _insert(path: Path, blob: bytes | str, fingerprint: str = "f") -> None:
    store = Store(path)
    store.get("", "", 0)  # a current file
    store.close()
    connection = sqlite3.connect(path)
    connection.execute(
        "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?)",
        (fingerprint, "vision.take", 1, params_hash(None), 0.0, blob),
    )
    connection.commit()
    connection.close()


@pytest.mark.parametrize("name", sorted(_crafted_payloads(Path("x"))))
def test_a_crafted_row_runs_nothing(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / MARKER
    payload = _crafted_payloads(marker)[name]
    with pytest.raises(CodecError):
        decode(payload)
    _insert(tmp_path / "cache.sqlite", payload)
    assert Store(tmp_path / "cache.sqlite").get("f", "vision.take", 1) is None
    assert not marker.exists()
    if name == "pickle":  # the payload is live: it is the store that refuses to run it
        pickle.loads(payload)
        assert marker.exists()


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_row_is_dropped_with_one_warning_and_computed_again(
    name: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "cache.sqlite"
    _insert(path, BROKEN[name])
    store = Store(path)
    with caplog.at_level(logging.WARNING, logger="roughcut.store"):
        value = store.cached("f", "vision.take", 1, None, lambda: ("fresh", 1))
    assert value == ("fresh", 1)
    warnings = [r.getMessage() for r in caplog.records if r.name == "roughcut.store"]
    assert len(warnings) == 1 and "\n" not in warnings[0], warnings
    assert str(path) in warnings[0] and "dropped an unreadable vision.take entry" in warnings[0]
    caplog.clear()
    assert Store(path).get("f", "vision.take", 1) == ("fresh", 1)  # stored again, read without a word
    assert not caplog.records


def test_pickled_rows_of_an_older_store_are_dropped_unread(tmp_path: Path) -> None:
    """A file of key format 1 held pickles: every row goes when it is opened, none is unpickled."""
    from roughcut.store import _SCHEMA, KEY_FORMAT

    marker = tmp_path / MARKER
    path = tmp_path / "old.sqlite"
    connection = sqlite3.connect(path)
    connection.execute(_SCHEMA)
    connection.execute("PRAGMA user_version=1")
    connection.execute(
        "INSERT INTO results VALUES (?, ?, ?, ?, ?, ?)",
        ("b2:" + "0" * 40, "vision.take", 1, params_hash(None), 0.0, _crafted_payloads(marker)["pickle"]),
    )
    connection.commit()
    connection.close()
    store = Store(path)
    assert store.info().entries == {}
    assert store.get("b2:" + "0" * 40, "vision.take", 1) is None
    assert not marker.exists()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == KEY_FORMAT == 2


def test_a_cached_problem_names_no_file_of_another_project(tmp_path: Path) -> None:
    """The same soundless take in two projects share one cache row: its problem text names no
    path, and each project shows it after its own take's name."""
    from roughcut.project import Project
    from roughcut.script.model import DialogueLine, Scene, Script
    from roughcut.speech.align import align_project
    from tests.synthetic import write_video

    mute = write_video(tmp_path / "mute.mp4", frames=12)  # no audio stream: a problem, cached
    line = DialogueLine(id="1.1", scene="1", index=1, character="NORA", text="Hello there.")
    script = Script(scenes=(Scene("1", "INT. LAB", elements=(line,)),))
    store = Store(tmp_path / "cache.sqlite")
    problems = []
    for project_name in ("first", "second"):
        folder = tmp_path / project_name
        folder.mkdir()
        (folder / "take.mp4").write_bytes(mute.read_bytes())
        alignment = align_project(Project.open(folder), script, store=store, workers=1)["take.mp4"]
        problems.append(alignment.problem)
    assert store.info().entries == {"speech.align": 1}  # the second project read the first's row
    assert problems[0] == problems[1] and problems[0]
    assert str(tmp_path) not in problems[1] and "take.mp4" not in problems[1]
