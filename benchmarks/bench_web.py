"""Editing room benchmark: the round trip of a change, measured side by side in one run.

A browser change (move a slider, pin a take) is an HTTP POST that re-solves the cut and returns the
whole new state. Measured over real HTTP on 127.0.0.1 against the same work done in-process:

1. ``edit_scene`` alone (the solve) and ``snapshot`` alone (the state as JSON data);
2. POST /api/settings (a weight change) and POST /api/pin, end to end (goal: well under 1 s);
3. GET /api/state and GET /api/status (what tabs poll);
4. a thumbnail served from the cache against one made from the take;
5. in Debian's chromium (when there): a slider moved to the new cut drawn on the page.

Run: ``.venv/bin/python benchmarks/bench_web.py [PROJECT]`` (default: the demo, built in /tmp/demo_web).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from roughcut.edit import edit_scene
from roughcut.web import EditingRoom, background_server

ROUNDS = 30


def timed(function: Callable[[int], object], rounds: int = ROUNDS) -> tuple[float, float]:
    """Median and 95th percentile wall time of ``function(i)`` in milliseconds."""
    function(0)  # warm
    times = []
    for i in range(rounds):
        start = time.perf_counter()
        function(i)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


def browser_round_trip(url: str) -> tuple[float, float] | None:
    """Median and p95 ms from moving a slider to the page showing the re-solved cut, in chromium."""
    chromium = Path("/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("(no Playwright: the in-browser round trip is not measured)")
        return None
    if not chromium.exists():
        print(f"(no chromium at {chromium}: the in-browser round trip is not measured)")
        return None
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=args)
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("body.ready", timeout=120_000)
        slider = page.locator('input[data-idiom="intensify_emotion"]')

        def move(i: int) -> None:
            version = page.evaluate("document.body.dataset.version")
            slider.fill(str(1 + i % 4))
            page.wait_for_function(f"document.body.dataset.version !== '{version}'", polling="raf")

        result = timed(move, rounds=15)
        browser.close()
    return result


def main(project: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / project.name
        shutil.copytree(project, copy, ignore=shutil.ignore_patterns("roughcut_out"))
        room = EditingRoom(copy)
        start = time.perf_counter()
        room.load()
        load_s = time.perf_counter() - start
        assert room.status.state == "ready", room.status
        coverage = room.coverage
        assert coverage is not None
        settings = room.settings
        lines = [line.id for line in coverage.lines]
        takes = [t.name for t in coverage.takes]
        print(f"project: {project} ({len(lines)} lines x {len(takes)} takes); first load {load_s:.1f} s")

        def solve(i: int) -> object:
            weights = {**settings.weights, "intensify_emotion": 0.5 + (i % 5)}
            return edit_scene(coverage, style=settings.style, weights=weights, pace=settings.pace)

        rows: list[tuple[str, float, float]] = [
            ("edit_scene (solve only)", *timed(solve)),
            ("snapshot (state as data)", *timed(lambda i: room.snapshot())),
        ]
        with background_server(copy, room=room) as url, httpx.Client(base_url=url, timeout=30) as http:

            def weight(i: int) -> object:
                body = {"weights": {"intensify_emotion": 0.5 + (i % 5)}}
                return http.post("/api/settings", json=body).raise_for_status()

            def pin(i: int) -> object:
                line = lines[i % len(lines)]
                options = [t for t in takes if coverage.get(line, t) is not None]
                body = {"line": line, "take": options[i % len(options)] if i % 2 else None}
                return http.post("/api/pin", json=body).raise_for_status()

            rows += [
                ("POST /api/settings (weight)", *timed(weight)),
                ("POST /api/pin", *timed(pin)),
                ("GET /api/state", *timed(lambda i: http.get("/api/state").raise_for_status())),
                ("GET /api/status (poll)", *timed(lambda i: http.get("/api/status").raise_for_status())),
                ("GET thumbnail (cached)", *timed(lambda i: http.get("/media/thumb?take=0&line=1.1"))),
            ]
            size = len(http.get("/api/state").content)
            in_browser = browser_round_trip(url)
            if in_browser:
                rows.append(("slider -> new cut on the page (chromium)", *in_browser))
            for made in (room.output_dir / ".web" / "thumbs").glob("*.jpg"):
                made.unlink()
            first_thumb = timed(
                lambda i: http.get(f"/media/thumb?take={i % len(takes)}"), rounds=len(takes) - 1
            )
            rows.append(("GET thumbnail (made from the take)", *first_thumb))
    solve_ms = rows[0][1]
    print(f"\n{'what':38} {'median ms':>10} {'p95 ms':>9} {'x solve':>8}")
    for name, median, p95 in rows:
        print(f"{name:38} {median:10.1f} {p95:9.1f} {median / solve_ms:8.1f}")
    settings_ms = max(row[2] for row in rows if row[0].startswith(("POST /api/settings", "slider")))
    print(f"\nstate JSON: {size / 1024:.0f} KB")
    print(
        f"a slider change, end to end (p95): {settings_ms:.0f} ms -> goal < 1000 ms: "
        f"{'met' if settings_ms < 1000 else 'NOT met'}"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1:
        target = Path(sys.argv[1])
    else:
        from roughcut.demo import build_demo

        target = build_demo("/tmp/demo_web")
    main(target)
