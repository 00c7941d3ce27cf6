"""Dailies as a batch: the local pool retries a task whose worker died, a run resumes where an
interrupted one stopped (nothing cached is computed again, a take that died is), and a run killed
mid-way leaves the store whole."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from roughcut.app.executors import LocalPool
from roughcut.project import Project
from roughcut.store import Store
from roughcut.vision import take as vision_take
from tests.synthetic import write_video

ROOT = Path(__file__).resolve().parents[1]


def _dies_once(marker: str) -> int:
    """Kills its own worker process the first time (leaving ``marker``), returns its pid after."""
    if not os.path.exists(marker):
        Path(marker).touch()
        os._exit(3)
    return os.getpid()


def _always_raises(text: str) -> None:
    raise ValueError(text)


def test_local_pool_retries_a_task_whose_worker_died(tmp_path: Path):
    with LocalPool(2, retries=1) as pool:
        assert pool.submit(_dies_once, str(tmp_path / "marker")).result(timeout=120) != os.getpid()
        with pytest.raises(ValueError, match="still failing"):
            pool.submit(_always_raises, "still failing").result(timeout=120)
    with LocalPool(1, retries=2) as inline:  # one worker: a thread of this process, retried alike
        calls = []

        def flaky() -> str:
            calls.append(1)
            if len(calls) < 3:
                raise RuntimeError("not yet")
            return "done"

        assert inline.submit(flaky).result() == "done" and len(calls) == 3


def _shoot(root: Path, takes: int, frames: int = 48) -> Path:
    """A shoot of ``takes`` generated takes (each its own length, so its own content) in two scene
    folders."""
    for k in range(takes):
        folder = root / f"scene{k % 2 + 1}"
        folder.mkdir(parents=True, exist_ok=True)
        write_video(folder / f"take{k + 1}.mp4", frames=frames + k, size=(160, 120))
    return root


def test_a_run_resumes_computing_only_what_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    project = Project.open(_shoot(tmp_path / "shoot", 3))
    store = Store(tmp_path / "store.sqlite")
    real = vision_take.analyze_take
    computed: list[str] = []

    def dies_on_take2(path, **kwargs):
        computed.append(Path(path).name)
        if Path(path).name == "take2.mp4":
            raise RuntimeError("worker lost")  # not a media problem: nothing is stored
        return real(path, **kwargs)

    monkeypatch.setattr(vision_take, "analyze_take", dies_on_take2)
    first = vision_take.analyze_project(project, store=store, executor=LocalPool(1, retries=1))
    assert sorted(first.takes) == ["scene1/take1.mp4", "scene1/take3.mp4"]  # scene2 holds take2
    (error,) = first.errors
    assert "take2.mp4" in str(error) and "worker lost" in str(error)
    assert computed.count("take2.mp4") == 2  # tried, retried, then reported by take
    assert store.info().entries == {"vision": 2}

    computed.clear()
    monkeypatch.setattr(
        vision_take, "analyze_take", lambda path, **kw: computed.append(path) or real(path, **kw)
    )
    again = vision_take.analyze_project(project, store=store, executor=LocalPool(1))
    assert [Path(p).name for p in computed] == ["take2.mp4"]  # the cached two are read back
    assert not again.errors and len(again.takes) == 3
    for name, vision in first.takes.items():
        assert again.takes[name] == vision


def test_a_killed_run_leaves_no_half_entry(tmp_path: Path):
    shoot = _shoot(tmp_path / "shoot", 4, frames=240)
    cache = tmp_path / "store.sqlite"
    env = dict(os.environ, ROUGHCUT_CACHE=str(cache), PYTHONPATH=str(ROOT / "src"))
    command = [
        sys.executable,
        "-m",
        "roughcut._cli",
        "-q",
        "analyze",
        str(shoot),
        "--no-speech",
        "--workers",
        "1",
    ]
    run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    stored = 0
    while run.poll() is None and time.monotonic() < deadline:
        if cache.exists():
            try:
                with sqlite3.connect(cache, timeout=1) as probe:
                    stored = probe.execute("SELECT COUNT(*) FROM results").fetchone()[0]
            except sqlite3.OperationalError:
                stored = 0
        if stored:
            run.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    run.wait(timeout=30)
    assert stored, f"the run ended before it stored a take: {run.stderr.read().decode()[-2000:]}"
    store = Store(cache)
    assert store._execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = store._execute("SELECT fingerprint, stage, version, params_hash, value FROM results").fetchall()
    assert rows and all(stage == "vision" for _, stage, *_ in rows)
    assert len(rows) < 4, "the run was not stopped mid-way"
    from roughcut._codec import decode

    for *_, value in rows:
        assert decode(value).frame_count in (240, 241, 242, 243)  # every row whole
    # The next run does only the rest.
    finished = vision_take.analyze_project(Project.open(shoot), store=store, executor=LocalPool(1))
    assert len(finished.takes) == 4 and not finished.errors
    assert store.info().entries == {"vision": 4}
