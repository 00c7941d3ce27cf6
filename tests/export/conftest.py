"""Fixtures for delivery: the demo scene's coverage and its default cut."""

from __future__ import annotations

from pathlib import Path

import pytest

from roughcut.edit import coverage_from_demo_truth
from roughcut.edit.coverage import SceneCoverage


@pytest.fixture(scope="session")
def demo_coverage(demo_project: Path) -> SceneCoverage:
    return coverage_from_demo_truth(demo_project)
