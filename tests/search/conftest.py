"""Search fixtures: the demo and a real GRID project, each analysed once and indexed."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_search(demo_project: Path, analysed_demo_store: Path):  # type: ignore[no-untyped-def]
    """The demo's search, from its real analysis (the session's analysed store)."""
    from roughcut.app.search import ProjectSearch
    from roughcut.store import Store

    return ProjectSearch(demo_project, store=Store(analysed_demo_store))


@pytest.fixture(scope="session")
def grid_search(media_dir: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The GRID project of :mod:`tests.search.grid_project`, analysed (Whisper, vision) and indexed."""
    from roughcut.app.search import ProjectSearch
    from roughcut.store import Store
    from tests.search.grid_project import build_grid_project

    base = tmp_path_factory.mktemp("grid_search")
    project = build_grid_project(media_dir / "grid", base / "project")
    return ProjectSearch(project, store=Store(base / "store.sqlite"))
