"""Where the editing room gets a project's scenes and their coverage from: the application's
:func:`roughcut.app.project_scenes` (the real analysis, or a ``truth.json``), with progress."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from roughcut.edit import SceneCoverage

#: ``progress(stage, done, total)``: what the loading is doing, for the page's progress bar.
ProgressCallback = Callable[[str, int, int], None]


def load_scenes(project_dir: str | Path, *, progress: ProgressCallback | None = None) -> Any:
    """Every dialogue scene of the project in ``project_dir`` with its coverage (a
    :class:`roughcut.app.ProjectScenes`): the project's analysis (speech alignment, vision, text;
    cached in the store, so a project ``roughcut demo`` or ``roughcut analyze`` has seen opens at
    once), or its ``truth.json`` where ``roughcut.toml`` says ``coverage = "truth"``."""
    from roughcut.app import project_scenes

    report = progress or (lambda stage, done, total: None)
    report("Analysing the takes", 0, 1)
    scenes = project_scenes(Path(project_dir))
    report("Analysing the takes", 1, 1)
    return scenes


def load_coverage(project_dir: str | Path, *, progress: ProgressCallback | None = None) -> SceneCoverage:
    """The first covered scene's coverage (what each take shows, when each line is said in it), as
    :func:`load_scenes` finds it."""
    from roughcut.errors import RoughcutError

    scenes = load_scenes(project_dir, progress=progress)
    covered = scenes.covered()
    if not covered:
        raise RoughcutError(f"{project_dir}: no scene has coverage; " + "; ".join(scenes.notes))
    return covered[0]
