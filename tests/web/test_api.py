"""The editing room's JSON API on the demo project: state against the demo's ground truth, re-solving
on every change, pins, exports read back, shared state, files and bad requests."""

from __future__ import annotations

import io
import json
import math
import os
import shutil
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest
from PIL import Image

from roughcut.demo import load_truth
from roughcut.web import EditingRoom, create_app
from tests.web.conftest import BASE_URL, JSON

FPS = Fraction(24000, 1001)


def _frames(seconds: float) -> Fraction:
    return Fraction(seconds).limit_denominator(10**7) * FPS


def _truth_lines(project: Path) -> dict[tuple[str, str], dict]:
    truth = load_truth(project)
    return {(Path(t["file"]).name, line["id"]): line for t in truth["takes"] for line in t["lines"]}


def _takes(state: dict) -> list[str]:
    return [line["take"] for line in state["cut"]["lines"]]


# ----------------------------------------------------------------------------------------------
# The page and the state


def test_page_and_its_files_are_served(shared_client) -> None:
    client = shared_client
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<script src="/static/app.js"' in page.text
    script = client.get("/static/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert "api/settings" in script.text
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")


def test_state_matches_the_demo_truth(client, web_project: Path) -> None:
    state = client.get("/api/state").json()
    truth = load_truth(web_project)
    truth_lines = _truth_lines(web_project)
    assert [line["id"] for line in state["cut"]["lines"]] == [f"1.{i}" for i in range(1, 9)]
    assert state["characters"] == ["NORA", "GRACE"]
    assert state["cut"]["frame_rate"] == "24000/1001"
    # Each line: the chosen take says it inside the clip, where the truth says, and the record
    # timeline runs on without holes.
    record = 0
    for line in state["cut"]["lines"]:
        said = truth_lines[(line["take"], line["id"])]
        assert said["text"] == line["text"] and said["character"] == line["character"]
        start, end = _frames(said["start"]), _frames(said["end"])
        assert line["source_in"] <= start and end <= line["source_out"]
        assert line["speech_in"] - line["record_in"] == math.floor(start) - line["source_in"]
        assert line["record_in"] == record
        record = line["record_out"]
    assert state["cut"]["duration_frames"] == record
    # The takes panel: shot size, people and their screen sides, and lines covered, as shot.
    panel = {take["name"]: take for take in state["takes"]}
    for shot in truth["takes"]:
        take = panel[Path(shot["file"]).name]
        assert take["shot_size"] == shot["shot_size"]
        assert take["people"] == [
            {"character": p["character"], "position": p["screen_position"]} for p in shot["people"]
        ]
        assert take["lines"] == [line["id"] for line in shot["lines"]]
        assert take["frames"] == shot["frames"]
        assert take["timecode"] == shot["timecode"]
    used = sorted(line_id for take in state["takes"] for line_id in take["used_for"])
    assert used == sorted(line["id"] for line in state["cut"]["lines"])
    # Every other take that holds a line is offered to pin, none twice, never the chosen one.
    for line in state["cut"]["lines"]:
        offered = [option["take"] for option in line["options"]]
        assert sorted(offered) == sorted(set(panel) - {line["take"]})


def test_loading_reports_its_progress(web_project: Path) -> None:
    room = EditingRoom(web_project)
    seen: list[tuple[str, int, int]] = []
    report = room._progress
    room._progress = lambda stage, done, total: (
        seen.append((stage, done, total)),
        report(stage, done, total),
    )
    assert room.status_json()["state"] == "loading"
    room.load()
    assert room.status_json()["state"] == "ready"
    stages = {stage for stage, _, _ in seen}
    assert {"Analysing the takes", "Making thumbnails"} <= stages
    thumbs = [(done, total) for stage, done, total in seen if stage == "Making thumbnails"]
    assert thumbs[-1] == (4 + 4 * 8, 4 + 4 * 8)  # a picture per take, and per take per line


def test_a_project_without_analysis_says_why(tmp_path: Path, client) -> None:
    tmp_path = tmp_path / "no_takes"
    tmp_path.mkdir()
    (tmp_path / "scene.fountain").write_text("INT. ROOM - DAY\n\nA\nHello.\n", encoding="utf-8")
    room = EditingRoom(tmp_path)
    room.load()
    status = room.status_json()
    assert status["state"] == "error" and "no takes" in status["error"]
    from starlette.testclient import TestClient

    with TestClient(create_app(tmp_path, room=room), base_url=BASE_URL) as other:
        response = other.get("/api/state")
    assert response.status_code == 503 and "no takes" in response.json()["error"]


# ----------------------------------------------------------------------------------------------
# Changes re-solve the cut


def test_a_weight_changes_the_cut(client) -> None:
    before = client.get("/api/state").json()
    assert _takes(before)[2] == "B01_nora_cu.mp4"  # a tie with the fast take, broken by order
    after = client.post("/api/settings", json={"weights": {"performance_fast": 3.0}}).json()
    assert after["version"] == before["version"] + 1
    assert after["settings"]["weights"]["performance_fast"] == 3.0
    # NORA's lines now come from the take where she speaks fastest.
    nora = [line["take"] for line in after["cut"]["lines"] if line["character"] == "NORA"][1:]
    assert nora and all(take == "B02_nora_cu_fast.mp4" for take in nora)
    assert after["cut"]["duration_frames"] < before["cut"]["duration_frames"]


def test_the_pace_changes_the_pauses(client) -> None:
    tight = client.post("/api/settings", json={"pace": "tight"}).json()
    relaxed = client.post("/api/settings", json={"pace": "relaxed"}).json()
    scaled = client.post("/api/settings", json={"pace": 2.0}).json()
    assert tight["cut"]["duration_frames"] < relaxed["cut"]["duration_frames"]
    assert relaxed["cut"]["pace"]["name"] == "relaxed" and scaled["settings"]["pace"] == 2.0

    # Pauses between the lines (record frames between one line's words and the next's) grow.
    def pauses(state: dict) -> list[int]:
        lines = state["cut"]["lines"]
        return [b["speech_in"] - a["speech_out"] for a, b in pairwise(lines)]

    assert sum(pauses(tight)) < sum(pauses(relaxed))


def test_a_style_sets_every_weight(client) -> None:
    state = client.post("/api/settings", json={"style": "paper"}).json()
    weights = state["settings"]["weights"]
    assert state["settings"]["style"] == "paper"
    assert {k for k, v in weights.items() if v} == {
        "speaker_visible",
        "start_wide",
        "avoid_jump_cuts",
        "change_zoom_gradually",
    }
    assert [i["name"] for i in state["idioms"]] == list(weights)


def test_emphasize_a_character(client) -> None:
    state = client.post(
        "/api/settings",
        json={
            "weights": {"emphasize_character": 20.0, "speaker_visible": 0.1},
            "params": {"emphasize_character": {"character": "GRACE"}},
        },
    ).json()
    assert all(take == "C01_grace_cu.mp4" for take in _takes(state)[1:])


def test_pin_a_take_and_unpin_it(client) -> None:
    before = client.get("/api/state").json()
    assert _takes(before)[3] == "C01_grace_cu.mp4"
    pinned = client.post("/api/pin", json={"line": "1.4", "take": "A01_wide.mp4"}).json()
    line = pinned["cut"]["lines"][3]
    assert line["take"] == "A01_wide.mp4" and line["pinned"]
    assert pinned["settings"]["pins"] == {"1.4": "A01_wide.mp4"}
    # The pin survives other changes, which re-solve around it.
    moved = client.post("/api/settings", json={"weights": {"intensify_emotion": 4.0}}).json()
    assert moved["cut"]["lines"][3]["take"] == "A01_wide.mp4"
    unpinned = client.post("/api/pin", json={"line": "1.4", "take": None}).json()
    assert unpinned["settings"]["pins"] == {} and not unpinned["cut"]["lines"][3]["pinned"]


def test_reset_goes_back_to_the_defaults(client) -> None:
    first = client.get("/api/state").json()
    client.post("/api/pin", json={"line": "1.2", "take": "A01_wide.mp4"})
    client.post("/api/settings", json={"weights": {"start_wide": 0.0}, "pace": "tight"})
    reset = client.post("/api/reset", json={}).json()
    assert reset["settings"] == first["settings"]
    assert _takes(reset) == _takes(first)


# ----------------------------------------------------------------------------------------------
# One shared state


def test_two_clients_see_the_same_state(room: EditingRoom) -> None:
    from starlette.testclient import TestClient

    app = create_app(room.root, room=room)
    with TestClient(app, base_url=BASE_URL) as one, TestClient(app, base_url=BASE_URL) as two:
        version = two.get("/api/status").json()["version"]
        one.post("/api/pin", json={"line": "1.6", "take": "A01_wide.mp4"})
        status = two.get("/api/status").json()
        assert status["version"] == version + 1
        assert two.get("/api/state").json()["cut"]["lines"][5]["take"] == "A01_wide.mp4"


def test_the_state_outlives_the_server(client, web_project: Path) -> None:
    client.post("/api/pin", json={"line": "1.3", "take": "B02_nora_cu_fast.mp4"})
    client.post("/api/settings", json={"weights": {"mirror_position": 0.0}, "pace": "relaxed"})
    saved = web_project / "roughcut_out" / ".web" / "state.json"
    assert json.loads(saved.read_text())["pins"] == {"1.3": "B02_nora_cu_fast.mp4"}
    again = EditingRoom(web_project)
    again.load()
    state = again.snapshot()
    assert state["settings"]["pins"] == {"1.3": "B02_nora_cu_fast.mp4"}
    assert state["settings"]["weights"]["mirror_position"] == 0.0 and state["settings"]["pace"] == "relaxed"


def test_a_broken_saved_state_is_left_aside(web_project: Path, caplog: pytest.LogCaptureFixture) -> None:
    saved = web_project / "roughcut_out" / ".web" / "state.json"
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text('{"style": "nope", "weights": {}}', encoding="utf-8")
    room = EditingRoom(web_project)
    room.load()
    assert room.status.state == "ready" and room.settings.style == "default"
    assert "saved editing state not used" in caplog.text


# ----------------------------------------------------------------------------------------------
# Export


def test_export_fcp7_xml_and_read_it_back(client, web_project: Path) -> None:
    client.post("/api/pin", json={"line": "1.4", "take": "A01_wide.mp4"})
    state = client.get("/api/state").json()
    result = client.post("/api/export", json={"formats": ["fcp7"]}).json()
    assert [f["format"] for f in result["files"]] == ["fcp7"]
    written = web_project / "roughcut_out" / result["files"][0]["name"]
    assert written.is_file()
    download = client.get(result["files"][0]["url"])
    assert download.status_code == 200 and download.content == written.read_bytes()
    timeline = otio.adapters.read_from_string(download.text, adapter_name="fcp_xml")
    video = next(t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video)
    clips = [item for item in video if isinstance(item, otio.schema.Clip)]
    expected = state["cut"]["video"]
    assert [c.name for c in clips] == [Path(e["take"]).stem for e in expected]
    timecodes = {t["name"]: t["timecode"] for t in state["takes"]}
    for clip, piece in zip(clips, expected, strict=True):
        rate = clip.source_range.start_time.rate
        assert round(rate * 1001) == 24000
        start = otio.opentime.from_timecode(timecodes[piece["take"]], rate).value
        assert round(clip.source_range.start_time.value - start) == piece["source_in"]
        assert round(clip.source_range.duration.value) == piece["source_out"] - piece["source_in"]
    assert state["cut"]["lines"][3]["take"] == "A01_wide.mp4"
    assert client.get("/api/state").json()["exports"][0]["name"] == written.name


def test_export_refuses_unknown_formats_and_user_files(client, web_project: Path) -> None:
    bad = client.post("/api/export", json={"formats": ["docx"]})
    assert bad.status_code == 400 and "docx" in bad.json()["error"]
    assert client.post("/api/export", json={"formats": []}).status_code == 400
    mine = web_project / "roughcut_out" / "scene_1.edl"
    mine.parent.mkdir(exist_ok=True)
    mine.write_text("the user's own EDL", encoding="utf-8")
    refused = client.post("/api/export", json={"formats": ["edl"]})
    assert refused.status_code == 400 and "not made by roughcut" in refused.json()["error"]
    assert mine.read_text(encoding="utf-8") == "the user's own EDL"


# ----------------------------------------------------------------------------------------------
# Media and files


def test_takes_play_with_ranges(client, web_project: Path) -> None:
    state = client.get("/api/state").json()
    take = state["takes"][1]
    data = (web_project / "takes" / take["name"]).read_bytes()
    whole = client.get(take["url"])
    assert whole.status_code == 200 and whole.headers["accept-ranges"] == "bytes"
    assert whole.content == data
    part = client.get(take["url"], headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 1000-1999/{len(data)}"
    assert part.content == data[1000:2000]
    assert client.get("/media/takes/99").status_code == 404
    assert client.get("/media/takes/-1").status_code == 404


def test_thumbnails_show_their_take(client, web_project: Path) -> None:
    from roughcut.media import thumbnail

    state = client.get("/api/state").json()
    line = state["cut"]["lines"][3]
    urls = {line["take"]: line["thumb"], **{o["take"]: o["thumb"] for o in line["options"]}}
    pictures = {}
    for take, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
        image = np.asarray(Image.open(io.BytesIO(response.content)).convert("RGB"), dtype=np.float32)
        assert image.shape == (135, 240, 3) or image.shape == (134, 240, 3)
        pictures[take] = image
    # Each served picture is nearest to a frame grabbed from its own take where it says the line.
    truth = _truth_lines(web_project)
    frames = {}
    for take in pictures:
        said = truth[(take, "1.4")]
        middle = (said["start"] + said["end"]) / 2
        frames[take] = thumbnail(web_project / "takes" / take, seconds=middle, width=240).astype(np.float32)
    for take, image in pictures.items():
        errors = {other: float(np.abs(frame - image).mean()) for other, frame in frames.items()}
        assert min(errors, key=errors.get) == take, errors
        assert errors[take] < 4.0, errors  # the same frame, give or take JPEG
    cached = list((web_project / "roughcut_out" / ".web" / "thumbs").glob("*.jpg"))
    assert len(cached) == 4 + 4 * 8
    assert client.get("/media/thumb?take=0&line=9.9").status_code == 404
    assert client.get("/media/thumb?take=x").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/files/%2e%2e/truth.json",
        "/files/..%2ftruth.json",
        "/files/%2Fetc%2Fpasswd",
        "/files/.web/..%2F..%2Ftruth.json",
        "/files/scene_1.srt",  # not made yet
        "/files/",
        "/media/takes/..%2f..%2ftruth.json",
    ],
)
def test_other_paths_are_refused(shared_client, path: str) -> None:
    response = shared_client.get(path)
    assert 400 <= response.status_code < 500
    assert "error" in response.json() and "Traceback" not in response.text


def test_raw_dot_dot_paths_are_refused(shared_room: EditingRoom) -> None:
    import httpx

    from roughcut.web import background_server

    with background_server(shared_room.root, room=shared_room) as url:
        for raw in ("/files/../truth.json", "/files/../../etc/passwd", "/static/../room.py"):
            with httpx.Client(base_url=url) as http:
                request = http.build_request("GET", url.rstrip("/") + "/")
                request.url = request.url.copy_with(raw_path=raw.encode())
                response = http.send(request)
            assert response.status_code in (400, 403, 404), raw
            assert b"Traceback" not in response.content and b"NORA" not in response.content


def test_only_files_roughcut_made_are_served(client, web_project: Path, tmp_path: Path) -> None:
    out = web_project / "roughcut_out"
    secret = tmp_path / "secret.txt"
    secret.write_text("outside", encoding="utf-8")
    os.symlink(secret, out / "link.txt")
    (out / "notes.txt").write_text("the user's", encoding="utf-8")
    manifest = out / ".roughcut-files"
    made = json.loads(manifest.read_text())
    manifest.write_text(json.dumps([*made, "link.txt", "notes.txt"]))  # even if listed
    assert client.get("/files/link.txt").status_code == 403
    manifest.write_text(json.dumps(made))
    assert client.get("/files/notes.txt").status_code == 404
    assert client.get("/files/.web/state.json").status_code == 404  # not written before a change
    client.post("/api/reset", json={})
    assert client.get("/files/.web/state.json").status_code == 200


# ----------------------------------------------------------------------------------------------
# Bad requests: a JSON error, never a crash


@pytest.mark.parametrize(
    ("url", "body", "status", "words"),
    [
        ("/api/settings", {"weights": {"speaker_visible": "abc"}}, 400, "must be a number"),
        ("/api/settings", {"weights": {"speaker_visible": True}}, 400, "must be a number"),
        ("/api/settings", {"weights": {"speaker_visible": -1}}, 400, "0 or more"),
        ("/api/settings", {"weights": {"no_such_idiom": 1}}, 400, "unknown idiom"),
        ("/api/settings", {"weights": [1, 2]}, 400, "weights must be"),
        ("/api/settings", {"pace": "glacial"}, 400, "unknown pace"),
        ("/api/settings", {"pace": 99}, 400, "pause scale"),
        ("/api/settings", {"style": "nope"}, 400, "unknown style"),
        ("/api/settings", {"colour": "red"}, 400, "unknown setting"),
        ("/api/settings", {"j_cut_frames": 4, "l_cut_frames": 4}, 400, "not both"),
        ("/api/settings", {"j_cut_frames": 2.5}, 400, "whole number"),
        ("/api/settings", {"params": {"emphasize_character": {"character": "BOB"}}}, 400, "BOB"),
        ("/api/pin", {"line": "9.9", "take": "A01_wide.mp4"}, 404, "no line"),
        ("/api/pin", {"line": "1.1", "take": "Z99.mp4"}, 404, "no take"),
        ("/api/pin", {"line": "1.1"}, 400, "give"),
        ("/api/pin", {"line": ["1.1"], "take": "A01_wide.mp4"}, 404, "no line"),
    ],
)
def test_bad_requests_get_json_errors(shared_client, url: str, body: dict, status: int, words: str) -> None:
    client = shared_client
    before = client.get("/api/state").json()
    response = client.post(url, json=body)
    assert response.status_code == status, response.text
    assert words in response.json()["error"]
    after = client.get("/api/state").json()
    assert after["version"] == before["version"] and after["settings"] == before["settings"]


def test_every_weight_zero_is_refused(shared_client) -> None:
    weights = {i["name"]: 0 for i in shared_client.get("/api/state").json()["idioms"]}
    response = shared_client.post("/api/settings", json={"weights": weights})
    assert response.status_code == 400 and "every idiom weight is 0" in response.json()["error"]


def test_malformed_requests(shared_client) -> None:
    client = shared_client
    for response in (
        client.post("/api/settings", content=b"{not json", headers=JSON),
        client.post("/api/settings", content=b"[1, 2]", headers=JSON),
        client.post("/api/settings", content=b"\xff\xfe", headers=JSON),
        client.get("/api/settings"),
        client.get("/api/nothing"),
        client.get("/static/nothing.js"),
    ):
        assert 400 <= response.status_code < 500
        assert response.headers["content-type"] == "application/json"
        assert response.json()["error"] and "Traceback" not in response.text


def test_a_bug_is_a_json_error_without_its_traceback(
    room: EditingRoom, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.web.conftest import make_client

    def broken() -> dict:
        raise ZeroDivisionError("a bug")

    room.snapshot = broken  # type: ignore[method-assign]
    with make_client(room) as client:
        response = client.get("/api/state")
    assert response.status_code == 500
    assert response.json() == {
        "error": "internal error (ZeroDivisionError); the server's log has the details"
    }
    assert "Traceback" not in response.text
    assert "ZeroDivisionError: a bug" in caplog.text  # said once, in the server's log
    caplog.clear()  # the error log is what this test expects


def test_a_linked_media_folder_is_part_of_the_project(web_project: Path, prepared_demo: Path) -> None:
    shutil.rmtree(web_project / "takes")
    (web_project / "takes").symlink_to(prepared_demo / "takes", target_is_directory=True)
    room = EditingRoom(web_project)
    room.load()
    assert room.status.state == "ready", room.status
    from tests.web.conftest import make_client

    with make_client(room) as client:
        served = client.get("/media/takes/0", headers={"Range": "bytes=0-63"})
    assert served.status_code == 206
    assert served.content == (prepared_demo / "takes" / room.coverage.takes[0].name).read_bytes()[:64]  # type: ignore[union-attr]


def test_a_take_outside_the_project_is_refused(web_project: Path, tmp_path: Path) -> None:
    truth_path = web_project / "truth.json"
    truth = json.loads(truth_path.read_text())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    moved = web_project / truth["takes"][0]["file"]
    moved.rename(elsewhere / moved.name)
    truth["takes"][0]["file"] = f"../elsewhere/{moved.name}"
    truth_path.write_text(json.dumps(truth))
    room = EditingRoom(web_project)
    room.load()
    assert room.status.state == "error" and "outside the project folder" in room.status.error


def test_files_exported_before_are_listed(client, web_project: Path) -> None:
    client.post("/api/export", json={"formats": ["srt", "edl"]})
    again = EditingRoom(web_project)
    again.load()
    listed = {f["format"]: f["name"] for f in again.snapshot()["exports"]}
    assert listed == {"edl": "scene_1.edl", "srt": "scene_1.srt"}


def test_a_change_does_not_wait_for_an_export(room: EditingRoom) -> None:
    import threading

    with room._files_lock:  # held while an export writes its files (an MP4 takes a while)
        worker = threading.Thread(target=room.change, args=({"pace": "tight"},))
        worker.start()
        worker.join(20)
        assert not worker.is_alive(), "a settings change waited for the export"
    assert room.settings.pace == "tight"
    saved = json.loads((room.output_dir / ".web" / "state.json").read_text())
    assert saved["pace"] == "tight"


def test_a_line_no_take_holds_is_a_marked_gap(gap_room: EditingRoom) -> None:
    from tests.web.conftest import make_client

    with make_client(gap_room) as client:
        state = client.get("/api/state").json()
        line = state["cut"]["lines"][4]
        assert line["id"] == "1.5" and line["take"] is None and line["options"] == []
        assert state["cut"]["gaps"] == ["1.5"]
        gaps = [clip for clip in state["cut"]["video"] if clip["take"] is None]
        assert len(gaps) == 1 and gaps[0]["record_in"] == line["record_in"]
        assert not any("1.5" in take["lines"] for take in state["takes"])
        refused = client.post("/api/pin", json={"line": "1.5", "take": "A01_wide.mp4"})
        assert refused.status_code == 400 and "does not hold" in refused.json()["error"]


def test_the_room_edits_from_the_real_analysis(demo_project: Path, demo_cache: Path, tmp_path: Path) -> None:
    """Without ``coverage = "truth"`` the room cuts from the speech and vision analysis of the takes
    (here read back from the store the demo's analysis filled), and every line shows its speaker."""
    project = tmp_path / "scene"
    shutil.copytree(demo_project, project, ignore=shutil.ignore_patterns("roughcut_out"))
    room = EditingRoom(project)
    room.load()
    assert room.status.state == "ready", room.status
    truth = load_truth(project)
    visible = {
        (t["file"], line["id"]) for t in truth["takes"] for line in t["lines"] if line["speaker_visible"]
    }
    lines = room.snapshot()["cut"]["lines"]
    assert [line["id"] for line in lines] == [f"1.{i}" for i in range(1, 9)]
    for line in lines:
        assert (line["take"], line["id"]) in visible, line
