"""Fixtures for the editor: the demo scene's coverage and a scene composited from GRID recordings."""

from __future__ import annotations

from pathlib import Path

import pytest

from roughcut.edit.coverage import SceneCoverage, coverage_from_demo_truth


@pytest.fixture(scope="session")
def demo_coverage(demo_project: Path) -> SceneCoverage:
    return coverage_from_demo_truth(demo_project)


@pytest.fixture(scope="session")
def grid_scene(media_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> SceneCoverage:
    from tests.edit.grid_scene import build_grid_scene

    return build_grid_scene(media_dir / "grid", tmp_path_factory.mktemp("grid_scene"))
