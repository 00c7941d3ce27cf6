"""No other web page can drive the editing room (issue 17): the room answers only to its own Host
(DNS rebinding is refused), takes changes only as JSON from its own origin, and a bad value is a 4xx
JSON error. Played against the app, against the real server on its port, and (when chromium is here)
from a hostile page in a real browser."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from roughcut.web import EditingRoom, background_server
from roughcut.web.app import _Guard
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, JSON


def _scope(method: str = "GET", path: str = "/api/state", port: int = 8765, **headers: str) -> dict:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "server": ("127.0.0.1", port),
        "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
    }


@pytest.mark.parametrize(
    ("scope", "status"),
    [
        (_scope(host="127.0.0.1:8765"), None),
        (_scope(host="localhost:8765"), None),
        (_scope(host="[::1]:8765"), None),
        (_scope(host="evil.example:8765"), 403),  # DNS rebinding: another name for 127.0.0.1
        (_scope(host="127.0.0.1:8766"), 403),  # another port
        (_scope(host="127.0.0.1"), 403),
        (_scope(host="127.0.0.1:8765.evil.example"), 403),
        (_scope(), 403),  # no Host at all
        (_scope(path="/media/takes/0", host="rebound.example:8765"), 403),
        (_scope(path="/files/scene_1.edl", host="127.0.0.1:8765", sec_fetch_site="cross-site"), 403),
        (_scope("POST", "/api/reset", host="127.0.0.1:8765", content_type="text/plain"), 415),
        (_scope("POST", "/api/reset", host="127.0.0.1:8765"), 415),
        (
            _scope(
                "POST", "/api/reset", host="127.0.0.1:8765", content_type="application/x-www-form-urlencoded"
            ),
            415,
        ),
        (_scope("POST", "/api/reset", host="127.0.0.1:8765", content_type="application/json"), None),
        (
            _scope(
                "POST", "/api/reset", host="127.0.0.1:8765", content_type="application/json; charset=utf-8"
            ),
            None,
        ),
        (
            _scope(
                "POST",
                "/api/reset",
                host="127.0.0.1:8765",
                content_type="application/json",
                origin="http://127.0.0.1:8765",
            ),
            None,
        ),
        (
            _scope(
                "POST",
                "/api/reset",
                host="127.0.0.1:8765",
                content_type="application/json",
                origin="http://evil.example",
            ),
            403,
        ),
        (
            _scope(
                "POST", "/api/reset", host="127.0.0.1:8765", content_type="application/json", origin="null"
            ),
            403,
        ),
        (
            _scope(
                "POST",
                "/api/reset",
                host="127.0.0.1:8765",
                content_type="application/json",
                content_length="9999999",
            ),
            413,
        ),
    ],
)
def test_the_guard(scope: dict, status: int | None) -> None:
    problem = _Guard.problem(scope)
    assert (problem[0] if problem else None) == status, problem


def test_a_page_of_another_origin_changes_nothing(shared_client) -> None:
    client = shared_client
    before = client.get("/api/state").json()
    attempts = [
        # a simple cross-origin request needs no preflight: text/plain, a form, or no type at all
        client.post("/api/settings", content=b'{"pace": "tight"}', headers={"Content-Type": "text/plain"}),
        client.post(
            "/api/reset", content=b"a=b", headers={"Content-Type": "application/x-www-form-urlencoded"}
        ),
        client.post("/api/pin", content=b'{"line": "1.1", "take": "A01_wide.mp4"}'),
        client.post(
            "/api/export",
            json={"formats": ["edl"]},
            headers={"Origin": "http://evil.example"},
        ),
        client.post("/api/settings", json={"pace": "tight"}, headers={"Host": "evil.example:8765"}),
    ]
    for response in attempts:
        assert response.status_code in (403, 415), response.text
        assert response.json()["error"].startswith(("refused", "a change must be sent as JSON"))
    after = client.get("/api/state").json()
    assert after["version"] == before["version"] and after["settings"] == before["settings"]
    assert after["exports"] == before["exports"]
    for url in ("/api/state", "/media/takes/0", "/media/thumb?take=0", "/", "/files/.web/state.json"):
        rebound = client.get(url, headers={"Host": "evil.example:8765"})
        assert rebound.status_code == 403 and b"NORA" not in rebound.content, url


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"params": {"short_lines": {"min_seconds": "abc"}}}, "must be a number"),
        ({"params": {"start_wide": {"lines": 1.5}}}, "must be a whole number"),
        ({"params": {"emphasize_character": {"character": 3}}}, "must be text"),
        ({"params": {"short_lines": {"nope": 1}}}, "has no parameter 'nope'"),
        ({"params": {"nope": {"x": 1}}}, "unknown idiom 'nope'"),
        ({"pace": -1}, "pace must be"),
        ({"pace": 0}, "pace must be"),
    ],
)
def test_a_wrong_value_is_a_clear_400(shared_client, body: dict, words: str) -> None:
    before = shared_client.get("/api/state").json()
    response = shared_client.post("/api/settings", json=body)
    assert response.status_code == 400 and words in response.json()["error"], response.text
    assert shared_client.get("/api/state").json()["version"] == before["version"]


def test_what_json_does_not_allow_is_a_clear_400(shared_client) -> None:
    for raw, words in (
        (b'{"weights": {"start_wide": NaN}}', "not valid JSON"),
        (b'{"pace": Infinity}', "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ):
        response = shared_client.post("/api/settings", content=raw, headers=JSON)
        assert response.status_code == 400 and words in response.json()["error"], response.text
    for take in ("²", "٣", "1" * 30, "-1"):
        response = shared_client.get(f"/media/thumb?take={take}")
        assert response.status_code == 404 and "whole number" in response.json()["error"]


def test_a_state_saved_with_nan_is_not_used(web_project, caplog: pytest.LogCaptureFixture) -> None:
    from roughcut.export.files import OutputDir

    text = json.dumps({"style": "default", "weights": {"start_wide": float("nan")}})
    OutputDir(web_project / "roughcut_out").write_text(".web/state.json", text)  # as an old room did
    room = EditingRoom(web_project)
    room.load()
    assert room.status.state == "ready" and "saved editing state not used" in caplog.text
    room.change({"pace": "tight"})
    saved = (web_project / "roughcut_out" / ".web" / "state.json").read_text()
    assert "NaN" not in saved and json.loads(saved)["pace"] == "tight"


def test_the_real_server_answers_only_to_its_own_name_and_port(shared_room: EditingRoom) -> None:
    with background_server(shared_room.root, room=shared_room) as url:
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        with httpx.Client(base_url=url, timeout=30) as http:
            assert http.get("/api/status").status_code == 200
            assert http.get("/api/status", headers={"Host": f"localhost:{port}"}).status_code == 200
            for host in (f"evil.example:{port}", f"127.0.0.1:{port + 1}", "127.0.0.1"):
                refused = http.get("/api/state", headers={"Host": host})
                assert refused.status_code == 403 and "is not this editing room" in refused.json()["error"], (
                    host
                )
            hostile = http.post(
                "/api/settings",
                content=b'{"pace": "tight"}',
                headers={"Content-Type": "text/plain", "Origin": "http://evil.example"},
            )
            assert hostile.status_code == 403
            same = http.post("/api/settings", json={}, headers={"Origin": f"http://127.0.0.1:{port}"})
            assert same.status_code == 200, same.text


# ----------------------------------------------------------------------------------------------
# A hostile page in a real browser


HOSTILE_PAGE = """<!doctype html><html><body><form id=f method=POST enctype=text/plain></form><script>
const room = new URLSearchParams(location.search).get("room");
window.results = [];
async function attempt(name, run) {
  try {
    const r = await run();
    window.results.push([name, r && r.type === "opaque" ? "opaque" : String(r && r.status)]);
  } catch (e) {
    window.results.push([name, "blocked"]);
  }
}
(async () => {
  const body = JSON.stringify({pace: "tight", weights: {start_wide: 9}});
  await attempt("text/plain", () => fetch(room + "/api/settings", {method: "POST", mode: "no-cors",
      headers: {"Content-Type": "text/plain"}, body}));
  await attempt("json", () => fetch(room + "/api/settings", {method: "POST",
      headers: {"Content-Type": "application/json"}, body}));
  await attempt("no type", () => fetch(room + "/api/reset", {method: "POST", mode: "no-cors", body}));
  await attempt("read state", () => fetch(room + "/api/state").then(r => r.json()));
  const form = document.getElementById("f");
  form.action = room + "/api/export";
  form.target = "sink";
  const sink = document.createElement("iframe"); sink.name = "sink"; document.body.append(sink);
  form.submit();
  await new Promise(r => setTimeout(r, 500));
  window.done = true;
})();
</script></body></html>"""


@pytest.fixture
def hostile_site() -> Iterator[str]:
    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = HOSTILE_PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.browser
def test_a_hostile_page_and_a_rebound_name_cannot_drive_the_room(
    room: EditingRoom, hostile_site: str
) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests need Python Playwright (pip install playwright; no browser download)")
    before = (room.version, room.settings)
    # evil.example resolves to 127.0.0.1, as a rebinding DNS server would make it.
    args = [*CHROMIUM_ARGS, "--host-resolver-rules=MAP evil.example 127.0.0.1"]
    with background_server(room.root, room=room) as url, sync_playwright() as playwright:
        port = url.rstrip("/").rsplit(":", 1)[1]
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        try:
            page = browser.new_page()
            page.set_default_timeout(20_000)
            for room_url in (url.rstrip("/"), f"http://evil.example:{port}"):
                page.goto(f"{hostile_site}/?room={room_url}")
                page.wait_for_function("window.done === true")
                results = dict(page.evaluate("window.results"))
                assert results["json"] == "blocked" and results["read state"] == "blocked", results
            # The rebound name, opened as a page of its own, gets nothing of the project.
            response = page.goto(f"http://evil.example:{port}/api/state")
            assert response is not None and response.status == 403
            assert "NORA" not in page.content()
        finally:
            browser.close()
    assert (room.version, room.settings) == before
    assert not room.exports and not list(room.output_dir.glob("scene_1.*"))
