"""The demo's analysis, read once per session for the summary tests from the store the session analysed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_analysis(demo_project: Path, analysed_demo_store: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The demo's :class:`~roughcut.app.analyze.ProjectAnalysis`, from a copy of the analysed store
    (nothing is analysed again)."""
    from roughcut.app import analyze_project
    from roughcut.project import Project
    from roughcut.store import Store

    copy = tmp_path_factory.mktemp("summary_store") / "store.sqlite"
    shutil.copy(analysed_demo_store, copy)
    store = Store(copy)
    try:
        return analyze_project(Project.open(demo_project), store=store, workers=1)
    finally:
        store.close()


@pytest.fixture(scope="session")
def demo_coverage(demo_analysis):  # type: ignore[no-untyped-def]
    from roughcut.app import scene_coverage

    return scene_coverage(demo_analysis)
