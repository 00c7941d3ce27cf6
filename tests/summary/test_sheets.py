"""Contact sheets and the dailies PDF, opened again: pages, labels, timecodes (demo and real footage)."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest

from roughcut.summary import contact_sheets, sheets_from_analysis

pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 (the dev extra) reads the PDF back")

TIMECODE = re.compile(r"\d\d:\d\d:\d\d[:;]\d\d")


def _pages(path: Path) -> list[str]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def _seconds(timecode: str, rate: Fraction, start: str = "00:00:00:00") -> float:
    def frames(tc: str) -> int:
        h, m, s, f = (int(x) for x in re.split("[:;]", tc))
        return ((h * 60 + m) * 60 + s) * round(rate) + f

    return float((frames(timecode) - frames(start)) / rate)


def test_demo_dailies_has_a_cover_and_a_page_per_take(
    demo_analysis, demo_project: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    result = sheets_from_analysis(demo_analysis, tmp_path)
    truth = json.loads((demo_project / "truth.json").read_text(encoding="utf-8"))
    pages = _pages(result.pdf)
    assert result.pages == len(pages) == 1 + len(truth["takes"])
    assert "Scene 1" in pages[0] and "MISSION CONTROL" in pages[0]
    assert sorted(page.split("\r\n")[0].split("\n")[0] for page in pages[1:]) == sorted(
        t["file"] for t in truth["takes"]
    )
    for take in truth["takes"]:
        (page,) = [p for p in pages[1:] if p.startswith(take["file"])]
        rate = Fraction(truth["frame_rate"]).limit_denominator(1001)
        found = [_seconds(tc, rate, take["timecode"]) for tc in TIMECODE.findall(page)]
        assert len(found) == len(take["lines"])
        for line, seconds in zip(take["lines"], found, strict=True):
            assert abs(seconds - line["start"]) < 0.25, (take["file"], line["id"], seconds, line["start"])
            assert line["id"] in page and f"{line['character']}:" in page
        assert "SOFT" not in page  # the demo is sharp
    assert set(result.pngs) == {"scene 1", *(t["file"] for t in truth["takes"])}
    # the take page renders to a picture holding its frames (not a blank page)
    import numpy as np

    document = pdfium.PdfDocument(str(result.pdf))
    try:
        picture = np.asarray(document[1].render(scale=0.5).to_pil().convert("L"), dtype=np.float32)
    finally:
        document.close()
    assert picture.shape[1] > picture.shape[0] > 250 and (picture < 128).mean() > 0.2


def test_real_footage_without_a_script(media_dir: Path, tmp_path: Path) -> None:
    """faces/hamilton_clip.mp4, a frame a second, labelled with what faces/TRUTH.md says is there."""
    from roughcut.app.analyze import analyze_takes
    from roughcut.project import Project

    project = tmp_path / "hamilton"
    project.mkdir()
    (project / "hamilton_clip.mp4").symlink_to(media_dir / "faces" / "hamilton_clip.mp4")
    (project / "roughcut.toml").write_text("[analysis]\nfps = 4\n", encoding="utf-8")
    opened = Project.open(project)
    takes = analyze_takes(opened, speech=False, workers=1)
    result = contact_sheets(opened.root, takes.vision.takes, tmp_path / "out", every_seconds=1.0)
    (page,) = _pages(result.pdf)
    moments = result.moments["hamilton_clip.mp4"]
    assert [m.frame for m in moments] == [round(i * Fraction(30000, 1001)) for i in range(10)]
    assert [tc for tc in TIMECODE.findall(page)] == [m.timecode for m in moments]
    assert moments[3].timecode == "00:00:03;00"
    # TRUTH.md: frames 20-81 a close-up, 82-210 a medium shot, 211-274 the audience (5 or more people)
    # (the profile close-up reads as a medium close-up: the face's height is what is measured)
    assert {m.shot_size for m in moments if 20 <= m.frame < 82} <= {"ECU", "CU", "MCU"}
    assert {m.shot_size for m in moments if 82 <= m.frame < 211} <= {"MS", "MCU"}
    assert all(len(m.people) >= 5 for m in moments if m.frame >= 211)
