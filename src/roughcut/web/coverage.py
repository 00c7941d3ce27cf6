"""Where the editing room gets a project's coverage from: the one place to change when the real
analysis (speech alignment + vision) takes over from the demo's ground truth."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from roughcut.edit import SceneCoverage

#: ``progress(stage, done, total)``: what the loading is doing, for the page's progress bar.
ProgressCallback = Callable[[str, int, int], None]


def load_coverage(project_dir: str | Path, *, progress: ProgressCallback | None = None) -> SceneCoverage:
    """The scene coverage of the project in ``project_dir`` (what each take shows, when each line is
    said in it): the project's analysis (speech alignment, vision, text; cached in the store, so a
    project ``roughcut demo`` or ``roughcut analyze`` has seen opens at once), or its ``truth.json``
    where ``roughcut.toml`` says ``coverage = "truth"``."""
    from roughcut.app import project_coverage

    report = progress or (lambda stage, done, total: None)
    report("Analysing the takes", 0, 1)
    coverage = project_coverage(Path(project_dir))
    report("Analysing the takes", 1, 1)
    return coverage
