"""Shared fixtures: the real recordings in ../shared/media, the demo project, a seeded rng."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
MEDIA = Path(os.environ.get("ROUGHCUT_MEDIA", ROOT.parent / "shared" / "media"))


@pytest.fixture(scope="session")
def media_dir() -> Path:
    """The real test recordings; tests needing them are skipped when the folder is absent."""
    if not MEDIA.is_dir():
        pytest.skip(f"real test media not found at {MEDIA} (set ROUGHCUT_MEDIA)")
    return MEDIA


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built-in demo scene, built once per test session (or taken from $ROUGHCUT_TEST_DEMO)."""
    from roughcut.demo import build_demo

    target = os.environ.get("ROUGHCUT_TEST_DEMO")
    out = Path(target) if target else tmp_path_factory.mktemp("demo") / "scene"
    return build_demo(out)


@pytest.fixture(scope="session")
def analysed_demo_store(demo_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file holding the demo's real analysis (alignment, vision, text, prosody), made once."""
    from roughcut.app import analyze_project
    from roughcut.project import Project
    from roughcut.store import Store

    path = tmp_path_factory.mktemp("analysed") / "store.sqlite"
    store = Store(path)
    analyze_project(Project.open(demo_project), store=store)
    store.close()
    return path


@pytest.fixture
def demo_cache(analysed_demo_store: Path, isolated_store: Path) -> Path:
    """This test's store, seeded with the demo's analysis so commands on the demo need not redo it."""
    import shutil

    shutil.copy(analysed_demo_store, isolated_store)
    return isolated_store


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261125)


@pytest.fixture(autouse=True)
def isolated_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own analysis store, so no test sees another's cache."""
    path = tmp_path / "store.sqlite"
    monkeypatch.setenv("ROUGHCUT_CACHE", str(path))
    return path


@pytest.fixture(autouse=True)
def no_error_logs(caplog: pytest.LogCaptureFixture):
    """A test fails when roughcut logs at ERROR or above."""
    yield
    errors = [
        r for r in caplog.get_records("call") if r.levelno >= logging.ERROR and r.name.startswith("roughcut")
    ]
    assert not errors, f"roughcut logged errors: {[r.getMessage() for r in errors]}"
