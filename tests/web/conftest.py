"""The editing room's fixtures: private copies of the demo project (the room writes into a project's
output folder), a loaded room, an API client, and Debian's chromium through Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from roughcut.web import EditingRoom, create_app

#: Debian's chromium; ROUGHCUT_CHROMIUM points the browser tests at another Chromium build.
CHROMIUM = Path(os.environ.get("ROUGHCUT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def prepared_demo(demo_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project copied once, with the room's thumbnails already made in its output folder."""
    base = tmp_path_factory.mktemp("web") / "demo"
    shutil.copytree(demo_project, base, ignore=shutil.ignore_patterns("roughcut_out"))
    # The room's behaviour is under test here, on the demo's ground truth; the room on the real
    # analysis is tested in test_api.py::test_the_room_edits_from_the_real_analysis.
    (base / "roughcut.toml").write_text('coverage = "truth"\n')
    room = EditingRoom(base)
    room.load()
    assert room.status.state == "ready", room.status
    return base


def _loaded(project: Path) -> EditingRoom:
    room = EditingRoom(project)
    room.load()
    assert room.status.state == "ready", room.status
    return room


#: The address test clients play the room at: the room refuses any other Host (DNS rebinding).
BASE_URL = "http://127.0.0.1:8765"
#: The one content type the room accepts changes in.
JSON = {"Content-Type": "application/json"}


def make_client(room: EditingRoom):  # type: ignore[no-untyped-def]
    """A Starlette test client on the room's app (unhandled errors come back as 500s), sending
    ``Host: 127.0.0.1:8765`` as a browser on the room's page does."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    return TestClient(create_app(room.root, room=room), raise_server_exceptions=False, base_url=BASE_URL)


@pytest.fixture
def web_project(prepared_demo: Path, tmp_path: Path) -> Path:
    """A private copy of the prepared demo project for one test."""
    target = tmp_path / "scene"
    shutil.copytree(prepared_demo, target, symlinks=True)
    return target


@pytest.fixture
def room(web_project: Path) -> EditingRoom:
    return _loaded(web_project)


@pytest.fixture
def client(room: EditingRoom) -> Iterator:
    with make_client(room) as client:
        yield client


@pytest.fixture(scope="module")
def shared_room(prepared_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> EditingRoom:
    """One room for a module's tests that change nothing (or check that nothing changed)."""
    target = tmp_path_factory.mktemp("shared") / "scene"
    shutil.copytree(prepared_demo, target, symlinks=True)
    return _loaded(target)


@pytest.fixture(scope="module")
def shared_client(shared_room: EditingRoom) -> Iterator:
    with make_client(shared_room) as client:
        yield client


@pytest.fixture
def gap_room(web_project: Path, monkeypatch: pytest.MonkeyPatch) -> EditingRoom:
    """The demo with line 1.5 in no take (as when alignment cannot find it): the cut has a gap."""
    from dataclasses import replace

    from roughcut.edit import SceneCoverage
    from roughcut.web import room as room_module

    real = room_module.load_scenes

    def without_1_5(project_dir, **kwargs):  # type: ignore[no-untyped-def]
        found = real(project_dir, **kwargs)
        full = found.scenes[0].coverage
        kept = {key: value for key, value in full.coverage.items() if key[0] != "1.5"}
        holey = SceneCoverage(full.scene, full.lines, full.takes, kept, full.characters)
        return replace(found, scenes=(replace(found.scenes[0], coverage=holey),))

    monkeypatch.setattr(room_module, "load_scenes", without_1_5)
    return _loaded(web_project)
