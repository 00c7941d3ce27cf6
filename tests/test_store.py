"""The analysis store: hits, misses, keys, and several processes writing at once."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from roughcut.store import Store, _retry_while_locked, default_store_path


def test_hit_and_miss(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache.sqlite")
    calls = []

    def compute() -> dict:
        calls.append(1)
        return {"faces": np.arange(5)}

    first = store.cached("abc", "vision", 1, {"fps": 8}, compute)
    second = store.cached("abc", "vision", 1, {"fps": 8}, compute)
    assert len(calls) == 1
    assert np.array_equal(first["faces"], second["faces"])
    # Another parameter, stage version or fingerprint is a miss.
    assert store.get("abc", "vision", 1, {"fps": 4}) is None
    assert store.get("abc", "vision", 2, {"fps": 8}) is None
    assert store.get("abd", "vision", 1, {"fps": 8}) is None
    # Parameter order does not matter.
    store.put("abc", "speech", 1, {"a": 1, "b": 2}, "value")
    assert store.get("abc", "speech", 1, {"b": 2, "a": 1}) == "value"


def test_info_and_clear(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache.sqlite")
    for i in range(3):
        store.put(f"f{i}", "vision", 1, None, i)
    store.put("f0", "speech", 1, None, "x")
    info = store.info()
    assert info.entries == {"vision": 3, "speech": 1}
    assert info.size_bytes > 0
    assert store.clear("speech") == 1
    assert store.info().entries == {"vision": 3}
    assert store.clear() == 3
    assert store.info().entries == {}


def test_default_path_follows_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ROUGHCUT_CACHE", str(tmp_path / "x.sqlite"))
    assert default_store_path() == tmp_path / "x.sqlite"


def _run_at_once(target, path: str, *, workers: int, count: int) -> list[int | None]:  # type: ignore[no-untyped-def]
    """Start ``workers`` spawned processes running ``target(path, worker, count)``; their exit codes."""
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=target, args=(path, w, count)) for w in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    return [process.exitcode for process in processes]


def _writer(path: str, worker: int, count: int) -> None:
    store = Store(path)
    for i in range(count):
        store.put(f"take{worker}-{i}", "vision", 1, {"i": i}, {"worker": worker, "payload": "x" * 2000})
        store.get(f"take{worker}-{i}", "vision", 1, {"i": i})


def test_two_processes_writing_at_once(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite")
    Store(path).info()  # create the file first, as a running job would have
    assert _run_at_once(_writer, path, workers=2, count=150) == [0, 0]
    store = Store(path)
    assert store.info().entries == {"vision": 300}
    assert store.get("take1-149", "vision", 1, {"i": 149})["worker"] == 1


def test_locked_moments_are_waited_out_and_other_errors_are_not() -> None:
    calls = []

    def locked_twice() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise sqlite3.OperationalError("database is locked")
        return "done"

    assert _retry_while_locked(locked_twice, timeout=5.0) == "done"
    assert len(calls) == 3

    def broken() -> None:
        calls.append(1)
        raise sqlite3.OperationalError("no such table: results")

    calls.clear()
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        _retry_while_locked(broken, timeout=5.0)
    assert len(calls) == 1

    def always_locked() -> None:
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(sqlite3.OperationalError, match="locked"):
        _retry_while_locked(always_locked, timeout=0.05)


def _open_put_close(path: str, worker: int, count: int) -> None:
    for i in range(count):
        store = Store(path)  # a fresh connection each time: the moment the WAL index is opened
        store.put(f"take{worker}-{i}", "speech", 1, None, i)
        store.close()


def test_many_processes_opening_and_closing_at_once(tmp_path: Path) -> None:
    path = str(tmp_path / "churn.sqlite")
    assert _run_at_once(_open_put_close, path, workers=4, count=60) == [0, 0, 0, 0]
    assert Store(path).info().entries == {"speech": 240}


def test_entries_of_the_old_key_format_are_dropped(tmp_path: Path) -> None:
    """A store written before fingerprints hashed every byte (SQLite user_version 0) keeps none of
    its entries: a sampled-chunk key could stand for two different files."""
    import sqlite3

    from roughcut.store import _SCHEMA, KEY_FORMAT

    path = tmp_path / "old.sqlite"
    connection = sqlite3.connect(path)
    connection.execute(_SCHEMA)
    connection.execute(
        "INSERT INTO results VALUES (?, ?, ?, ?, ?, ?)",
        ("0123456789abcdef0123456789abcdef", "audio.sync", 1, "x", 0.0, b"stale"),
    )
    connection.commit()
    connection.close()
    store = Store(path)
    assert store.info().entries == {}
    store.put("b2:" + "0" * 40, "audio.sync", 1, None, "fresh")
    store.close()
    reopened = Store(path)
    assert reopened.get("b2:" + "0" * 40, "audio.sync", 1) == "fresh"  # a current file keeps its entries
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == KEY_FORMAT
