"""The editing room end to end in a real browser: Debian's chromium, headless, driven by Playwright, on
the demo project. Skipped, saying why, when chromium or Playwright is missing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import opentimelineio as otio
import pytest

from roughcut.web import EditingRoom, background_server
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

WAIT_MS = 20_000


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests need Python Playwright (pip install playwright; no browser download)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Room:
    """A running editing room: its address, its server-side state, and the pages opened on it."""

    def __init__(self, url: str, room: EditingRoom, browser) -> None:  # type: ignore[no-untyped-def]
        self.url, self.room, self.browser = url, room, browser
        self.errors: list[str] = []
        self.contexts: list = []

    def open(self, query: str = ""):  # type: ignore[no-untyped-def]
        context = self.browser.new_context(viewport={"width": 1400, "height": 1000})
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.goto(self.url + query)
        page.wait_for_selector("body.ready")
        return page


@pytest.fixture
def editing_room(browser, room: EditingRoom) -> Iterator[Room]:  # type: ignore[no-untyped-def]
    with background_server(room.root, room=room) as url:
        running = Room(url, room, browser)
        yield running
        for context in running.contexts:
            context.close()
    assert not running.errors, f"the page raised: {running.errors}"


def _until(condition, seconds: float = WAIT_MS / 1000) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _line(page, line_id: str):  # type: ignore[no-untyped-def]
    return page.locator(f'#script li[data-line="{line_id}"]')


def test_the_page_shows_the_scene(editing_room: Room) -> None:
    page = editing_room.open()
    cut = editing_room.room.cut
    assert cut is not None
    rows = page.locator("#script li.line")
    assert rows.count() == 8
    for line in cut.lines:
        row = _line(page, line.line_id)
        assert row.get_attribute("data-take") == line.take
        assert line.text in row.inner_text()
    # Every thumbnail on the page has loaded (chosen takes, alternatives, the takes panel).
    page.wait_for_function(
        "[...document.querySelectorAll('#script img, #takes img')]"
        ".every(img => img.complete && img.naturalWidth === 240)"
    )
    assert page.locator("#script img").count() == 8 * 4
    assert page.locator("#takes .take").count() == 4
    assert (
        "MS · NORA (left), GRACE (right)"
        in page.locator('#takes .take[data-take="A01_wide.mp4"]').inner_text()
    )
    idioms = page.locator("#idioms input[type=range]")
    assert idioms.count() == len(editing_room.room.settings.weights)
    assert page.locator('input[data-idiom="speaker_visible"]').input_value() == "3"
    # The player holds the takes and can decode them (H.264 in Debian's chromium).
    page.wait_for_function("[...document.querySelectorAll('#screen video')].every(v => v.readyState >= 2)")
    assert page.locator("#screen video.on").get_attribute("data-take") == cut.lines[0].take


def test_moving_a_slider_changes_the_cut(editing_room: Room) -> None:
    page = editing_room.open()
    assert _line(page, "1.3").get_attribute("data-take") == "B01_nora_cu.mp4"
    version = editing_room.room.version
    page.locator('input[data-idiom="performance_fast"]').fill("3")
    page.wait_for_selector('#script li[data-line="1.3"][data-take="B02_nora_cu_fast.mp4"]')
    assert editing_room.room.settings.weights["performance_fast"] == 3.0
    assert editing_room.room.version > version
    assert page.locator('output[data-idiom-value="performance_fast"]').inner_text() == "3.0"
    page.wait_for_function("document.querySelector('#facts').textContent.includes('re-solved in')")
    # The timeline strip follows: the fast take is on it now.
    assert "B02_nora_cu_fast" in page.locator("#shots").inner_text()
    # The pace control re-solves as well: tighter pauses, a shorter scene.
    before = editing_room.room.cut.duration_frames  # type: ignore[union-attr]
    page.select_option("#pace-name", "tight")
    _until(lambda: editing_room.room.settings.pace == "tight")
    page.wait_for_function(f"document.body.dataset.version === '{editing_room.room.version}'")
    assert editing_room.room.cut.duration_frames < before  # type: ignore[union-attr]
    assert page.locator("#pace-name").input_value() == "tight"


def test_pinning_a_take(editing_room: Room) -> None:
    page = editing_room.open()
    assert _line(page, "1.4").get_attribute("data-take") == "C01_grace_cu.mp4"
    _line(page, "1.4").locator('.option[data-take="A01_wide.mp4"]').click()
    page.wait_for_selector('#script li.pinned[data-line="1.4"][data-take="A01_wide.mp4"]')
    assert editing_room.room.settings.pins == {"1.4": "A01_wide.mp4"}
    assert "pinned" in _line(page, "1.4").inner_text()
    _line(page, "1.4").locator(".unpin").click()
    page.wait_for_selector('#script li[data-line="1.4"][data-take="C01_grace_cu.mp4"]:not(.pinned)')
    assert editing_room.room.settings.pins == {}


def test_export_fcp7_xml_and_read_it_back(editing_room: Room, tmp_path: Path) -> None:
    page = editing_room.open()
    _line(page, "1.2").locator('.option[data-take="C01_grace_cu.mp4"]').click()
    page.wait_for_selector('#script li.pinned[data-line="1.2"]')
    page.locator('#export-buttons button[data-format="fcp7"]').click()
    link = page.wait_for_selector('#export-files a[data-format="fcp7"]')
    assert "Wrote scene_1.fcp7.xml" in page.locator("#export-status").inner_text()
    response = page.request.get(editing_room.url.rstrip("/") + link.get_attribute("href"))
    assert response.ok
    saved = tmp_path / "scene.xml"
    saved.write_bytes(response.body())
    assert saved.read_bytes() == (editing_room.room.output_dir / "scene_1.fcp7.xml").read_bytes()
    timeline = otio.adapters.read_from_file(str(saved), adapter_name="fcp_xml")
    video = next(t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video)
    clips = [c for c in video if isinstance(c, otio.schema.Clip)]
    cut = editing_room.room.cut
    assert cut is not None and cut.line("1.2").take == "C01_grace_cu.mp4"
    assert [c.name for c in clips] == [Path(p.take).stem for p in cut.video if p.take]
    assert [round(c.source_range.duration.value) for c in clips] == [p.frames for p in cut.video if p.take]


def test_the_player_follows_the_cut(editing_room: Room) -> None:
    page = editing_room.open()
    cut = editing_room.room.cut
    assert cut is not None
    line = cut.line("1.4")
    box = page.locator("#timeline").bounding_box()
    assert box is not None
    # Click the timeline a few frames before the end of line 1.4's clip.
    at = (line.record_out - 6) / cut.duration_frames
    page.mouse.click(box["x"] + at * box["width"], box["y"] + box["height"] / 2)
    page.wait_for_function("document.body.dataset.currentLine === '1.4'")
    assert _line(page, "1.4").get_attribute("class").split().count("current") == 1
    visible = page.locator("#screen video.on")
    assert visible.get_attribute("data-take") == line.take
    position = float(visible.evaluate("v => v.currentTime")) * float(cut.rate)
    assert abs(position - (line.source_out - 6)) < 1.5  # frames, within the click's pixel
    # Play across the cut: the next line's take takes over the screen.
    page.locator("#play").click()
    page.wait_for_function("document.body.dataset.currentLine === '1.5'")
    page.wait_for_function(
        "v => document.querySelector('#screen video.on').dataset.take === v", arg=cut.line("1.5").take
    )
    page.wait_for_function("!document.querySelector('#screen video.on').paused")
    page.locator("#play").click()


def test_the_player_keeps_only_a_few_takes_loaded(editing_room: Room) -> None:
    page = editing_room.open("?videos=2")
    cut = editing_room.room.cut
    assert cut is not None
    box = page.locator("#timeline").bounding_box()
    assert box is not None
    for line in cut.lines:  # visit every line: every take of the cut comes and goes
        at = (line.speech_in + 2) / cut.duration_frames
        page.mouse.click(box["x"] + at * box["width"], box["y"] + box["height"] / 2)
        page.wait_for_function("id => document.body.dataset.currentLine === id", arg=line.line_id)
        visible = page.locator("#screen video.on")
        assert visible.get_attribute("data-take") == line.take
        assert page.locator("#screen video").count() <= 2
        page.wait_for_function("document.querySelector('#screen video.on').readyState >= 2")


def test_two_tabs_share_the_state(editing_room: Room) -> None:
    one, two = editing_room.open(), editing_room.open()
    _line(one, "1.6").locator('.option[data-take="A01_wide.mp4"]').click()
    one.wait_for_selector('#script li.pinned[data-line="1.6"]')
    # The other tab polls the state's version and shows the pin without a reload.
    two.wait_for_selector('#script li.pinned[data-line="1.6"][data-take="A01_wide.mp4"]', timeout=10_000)
    two.locator('input[data-idiom="avoid_jump_cuts"]').fill("0")
    one.wait_for_function(
        "document.querySelector('output[data-idiom-value=\"avoid_jump_cuts\"]').textContent === '0.0'",
        timeout=10_000,
    )


def test_a_project_that_cannot_open_says_why(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "scene.fountain").write_text("INT. ROOM - DAY\n\nA\nHello.\n", encoding="utf-8")
    with background_server(tmp_path) as url:
        page = browser.new_page()
        try:
            page.goto(url)
            page.wait_for_function(
                "document.querySelector('#loading-error').textContent.includes('no takes')",
                timeout=WAIT_MS,
            )
            assert page.locator("#room").is_hidden()
        finally:
            page.close()


def test_progress_shows_while_the_project_loads(browser, web_project: Path) -> None:  # type: ignore[no-untyped-def]
    for made in (web_project / "roughcut_out" / ".web" / "thumbs").glob("000_*.jpg"):
        made.unlink()  # one take's thumbnails to make again
    with background_server(web_project) as url:
        page = browser.new_page()
        try:
            page.goto(url)
            page.wait_for_function(
                "document.querySelector('#loading-stage').textContent.startsWith('Making thumbnails')",
                timeout=WAIT_MS,
                polling=50,
            )
            page.wait_for_selector("body.ready", timeout=60_000)
            assert page.locator("#loading").is_hidden()
        finally:
            page.close()


def test_a_gap_in_the_cut_shows_as_such(browser, gap_room: EditingRoom) -> None:  # type: ignore[no-untyped-def]
    with background_server(gap_room.root, room=gap_room) as url:
        running = Room(url, gap_room, browser)
        try:
            page = running.open()
            assert "no take holds this line" in _line(page, "1.5").inner_text()
            assert page.locator("#shots .shot.gap").count() == 1
            cut = gap_room.cut
            assert cut is not None
            line = cut.line("1.5")
            box = page.locator("#timeline").bounding_box()
            assert box is not None
            at = (line.record_in + line.record_out) / 2 / cut.duration_frames
            page.mouse.click(box["x"] + at * box["width"], box["y"] + box["height"] / 2)
            page.wait_for_function("document.body.dataset.currentLine === '1.5'")
            assert page.locator("#gap-card").is_visible()
            assert page.locator("#screen video.on").count() == 0
            # Playing runs through the gap into the next line's take.
            page.locator("#play").click()
            page.wait_for_function("document.body.dataset.currentLine === '1.6'")
            page.wait_for_function("document.querySelector('#screen video.on') !== null")
            assert page.locator("#gap-card").is_hidden()
        finally:
            for context in running.contexts:
                context.close()
        assert not running.errors, running.errors
