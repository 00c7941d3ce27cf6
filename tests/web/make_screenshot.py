"""Make the README's picture of the editing room: ``python tests/web/make_screenshot.py [OUT.png]``.

Builds (or reuses) the demo in /tmp/demo_web, serves it, pins a take, moves a slider, parks the
player on a line in Debian's chromium and saves a 256-colour PNG (under 300 KB) to
``docs/editing-room.png`` by default.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def main(out: Path) -> None:
    import shutil

    from playwright.sync_api import sync_playwright

    from roughcut.demo import build_demo
    from roughcut.web import background_server

    demo = build_demo("/tmp/demo_web")
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "clean_data"
        shutil.copytree(demo, project, ignore=shutil.ignore_patterns("roughcut_out"))
        with background_server(project) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(url)
            page.wait_for_selector("body.ready", timeout=180_000)
            page.locator('#script li[data-line="1.2"] .option[data-take="C01_grace_cu.mp4"]').click()
            page.wait_for_selector('#script li.pinned[data-line="1.2"]')
            page.locator('input[data-idiom="intensify_emotion"]').fill("1.5")
            page.wait_for_timeout(800)
            page.wait_for_function(
                "[...document.querySelectorAll('#script img, #takes img')].every(i => i.complete)"
            )
            state = page.evaluate("fetch('/api/state').then(r => r.json())")
            line = state["cut"]["lines"][1]
            box = page.locator("#timeline").bounding_box()
            at = (line["speech_in"] + 30) / state["cut"]["duration_frames"]
            page.mouse.click(box["x"] + at * box["width"], box["y"] + box["height"] / 2)
            page.wait_for_timeout(1000)
            page.mouse.move(0, 0)
            raw = Path(tmp) / "raw.png"
            page.screenshot(path=str(raw))
            browser.close()
        image = Image.open(raw).convert("RGB").quantize(colors=256, dither=Image.Dither.FLOYDSTEINBERG)
        out.parent.mkdir(parents=True, exist_ok=True)
        image.save(out, optimize=True)
    print(f"{out}: {out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "editing-room.png")
