"""``roughcut search``, ``roughcut log`` and the room's search box, on a copy of the analysed demo."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import opentimelineio as otio
import pytest
from click.testing import CliRunner
from PIL import Image

from roughcut._cli import main


@pytest.fixture
def demo_copy(demo_project: Path, demo_cache: Path, tmp_path: Path) -> Path:
    """A private copy of the demo (commands write into its output folder), its analysis cached."""
    target = tmp_path / "scene"
    shutil.copytree(demo_project, target, ignore=shutil.ignore_patterns("roughcut_out"))
    return target


def test_search_prints_hits_writes_a_bin_and_thumbnails(demo_copy: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    bin_path = tmp_path / "telemetry.otio"
    args = [
        "--quiet",
        "search",
        str(demo_copy),
        "telemtry",
        "--otio",
        str(bin_path),
        "--thumbnails",
        "--json",
    ]
    result = runner.invoke(main, args, terminal_width=200)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert sorted(Path(h["take"]).stem for h in answer["hits"]) == [
        "A01_wide",
        "B01_nora_cu",
        "B02_nora_cu_fast",
        "C01_grace_cu",
    ]
    assert {h["line"] for h in answer["hits"]} == {"1.1"}
    for hit in answer["hits"]:
        with Image.open(hit["thumbnail"]) as picture:
            assert picture.format == "JPEG" and picture.width == 240
    back = otio.adapters.read_from_file(str(bin_path))
    assert [c.metadata["roughcut"]["line"] for c in back] == ["1.1"] * 4
    for clip, hit in zip(back, answer["hits"], strict=True):
        assert clip.source_range.start_time.value == hit["start_frame"]
        assert Path(clip.media_reference.target_url.removeprefix("file://")).name == Path(hit["take"]).name
    table = runner.invoke(
        main, ["--quiet", "search", str(demo_copy), "", "--who", "GRACE", "--size", "CU"], terminal_width=200
    )
    assert table.exit_code == 0, table.output
    assert "12 hits" in table.output  # GRACE's four lines in the three close-up takes
    bad = runner.invoke(
        main, ["--quiet", "search", str(demo_copy), "x", "--size", "huge"], terminal_width=200
    )
    assert bad.exit_code == 1 and "unknown shot size 'huge'" in bad.output


def test_log_writes_csv_ale_and_otio_with_the_search_fields(demo_copy: Path) -> None:
    result = CliRunner().invoke(main, ["--quiet", "log", str(demo_copy)], terminal_width=200)
    assert result.exit_code == 0, result.output
    out = demo_copy / "roughcut_out"
    rows = list(csv.DictReader((out / "takes_log.csv").open(encoding="utf-8")))
    assert len(rows) == 4
    by_take = {Path(r["Take"]).stem: r for r in rows}
    assert by_take["A01_wide"]["Shot Sizes"] == "MS"
    assert by_take["A01_wide"]["Persons"] and "GRACE" in by_take["A01_wide"]["Characters"]
    assert by_take["C01_grace_cu"]["Lines"] == "1.1 1.2 1.3 1.4 1.5 1.6 1.7 1.8"
    assert "telemetry" in by_take["B01_nora_cu"]["Words Said"].lower()
    ale = otio.adapters.read_from_file(str(out / "takes_log.ale"), adapter_name="ale")
    columns = {clip.name: clip.metadata["ALE"] for clip in ale}
    assert columns["A01_wide"]["Shot Sizes"] == "MS"
    assert "telemetry" in columns["B01_nora_cu"]["Words Said"].lower()
    logged = otio.adapters.read_from_file(str(out / "takes_log.otio"))
    assert logged[0].metadata["roughcut"]["log"]["Scene"] == "1"


def test_the_room_answers_searches_with_thumbnails(demo_copy: Path) -> None:
    from starlette.testclient import TestClient

    from roughcut.web import EditingRoom, create_app

    app = create_app(demo_copy, room=EditingRoom(demo_copy))
    client = TestClient(app, raise_server_exceptions=False, base_url="http://127.0.0.1:8765")
    answer = client.get("/api/search", params={"q": "blind who:GRACE"})
    assert answer.status_code == 200, answer.text
    hits = answer.json()["hits"]
    assert len(hits) == 4 and {h["line"] for h in hits} == {"1.6"}
    picture = client.get(hits[0]["thumb"])
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/jpeg"
    assert client.get("/api/search", params={"q": "x", "size": "huge"}).status_code == 400
    assert (
        client.get("/media/search-thumb", params={"take": "../etc/passwd", "frame": "1"}).status_code == 404
    )
    assert client.get("/api/search", params={"q": "x"}, headers={"Host": "evil.example"}).status_code == 403


def test_the_cut_s_ale_and_otio_carry_the_take_log(demo_copy: Path) -> None:
    """``roughcut edit`` on the analysed project: each take of the ALE and of the OTIO metadata holds
    the log's fields beside the cut's own columns."""
    from roughcut.app import edit_project

    result = edit_project(demo_copy, formats=["otio", "ale"])
    ale = otio.adapters.read_from_file(str(result.paths["ale"]), adapter_name="ale", fps=24000 / 1001)
    columns = {clip.name: clip.metadata["ALE"] for clip in ale}
    assert columns["A01_wide"]["Shot Sizes"] == "MS" and columns["A01_wide"]["Scene"] == "1"
    assert "telemetry" in columns["C01_grace_cu"]["Words Said"].lower()
    assert columns["B01_nora_cu"]["Shot Size"] == "CU"  # the cut's own columns stay
    cut = otio.adapters.read_from_file(str(result.paths["otio"]))
    logs = {t["name"]: t["log"] for t in cut.metadata["roughcut"]["takes"]}
    assert logs["takes/B02_nora_cu_fast.mp4"]["Lines"] == "1.1 1.2 1.3 1.4 1.5 1.6 1.7 1.8"
