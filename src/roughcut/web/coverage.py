"""Where the editing room gets a project's coverage from: the one place to change when the real
analysis (speech alignment + vision) takes over from the demo's ground truth."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from roughcut.edit import SceneCoverage, coverage_from_demo_truth
from roughcut.errors import RoughcutError

#: ``progress(stage, done, total)``: what the loading is doing, for the page's progress bar.
ProgressCallback = Callable[[str, int, int], None]


def load_coverage(project_dir: str | Path, *, progress: ProgressCallback | None = None) -> SceneCoverage:
    """The scene coverage of the project in ``project_dir`` (what each take shows, when each line is
    said in it). For now it reads the demo's ``truth.json``; a project without one is refused with a
    clear :class:`~roughcut.errors.RoughcutError` until the analysis stages are wired in here."""
    project_dir = Path(project_dir)
    report = progress or (lambda stage, done, total: None)
    if (project_dir / "truth.json").is_file():
        report("Reading the takes", 0, 1)
        coverage = coverage_from_demo_truth(project_dir)
        report("Reading the takes", 1, 1)
        return coverage
    raise RoughcutError(
        f"{project_dir}: no analysis to edit from yet (the editing room reads the demo's truth.json "
        "until speech and vision analysis are wired in)"
    )
