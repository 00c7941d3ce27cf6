"""The analysis store: a SQLite cache of stage results, safe with several processes at once.

Results are keyed by ``(fingerprint, stage, version, params_hash)``: the media's content fingerprint
(so a renamed take still hits), the stage's name and version (bump it when its output changes) and a
hash of the parameters that shaped the result. Values are data, never code: tagged JSON
(:mod:`roughcut._codec`) that decodes only to plain values, numpy arrays and roughcut's own
dataclasses. A row that does not decode is dropped with one warning and computed again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from roughcut._codec import CodecError, decode, encode

T = TypeVar("T")

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    fingerprint TEXT NOT NULL,
    stage TEXT NOT NULL,
    version INTEGER NOT NULL,
    params_hash TEXT NOT NULL,
    created REAL NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (fingerprint, stage, version, params_hash)
)
"""


def default_store_path() -> Path:
    """``$ROUGHCUT_CACHE`` if set, else ``$XDG_CACHE_HOME/roughcut/store.sqlite`` (``~/.cache``)."""
    if os.environ.get("ROUGHCUT_CACHE"):
        return Path(os.environ["ROUGHCUT_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "roughcut" / "store.sqlite"


def params_hash(params: Any) -> str:
    """Stable hash of JSON-able parameters (dict order does not matter)."""
    text = json.dumps(params, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


@dataclass(frozen=True)
class StoreInfo:
    """What :meth:`Store.info` reports: entries per stage and the file's size in bytes."""

    path: Path
    entries: dict[str, int]
    size_bytes: int


#: The key format of the file (SQLite ``user_version``). 1: media fingerprints hash every byte
#: (``roughcut.media.fingerprint``); entries from before it, keyed by sampled-chunk fingerprints that
#: two different files could share, are dropped when an older file is opened. 2: values are tagged
#: JSON (:mod:`roughcut._codec`), never pickles: the pickled rows of older files are dropped unread.
KEY_FORMAT = 2


def _prepare(connection: sqlite3.Connection) -> None:
    """Put the file in WAL mode (once: the mode persists in the file), create the table, and drop
    the entries of an older key format."""
    if connection.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(_SCHEMA)
    if connection.execute("PRAGMA user_version").fetchone()[0] < KEY_FORMAT:
        connection.execute("BEGIN IMMEDIATE")
        try:
            if connection.execute("PRAGMA user_version").fetchone()[0] < KEY_FORMAT:
                connection.execute("DELETE FROM results")
                connection.execute(f"PRAGMA user_version={KEY_FORMAT}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise


def _retry_while_locked(statement: Callable[[], T], timeout: float) -> T:
    """Run ``statement``, retrying for up to ``timeout`` seconds while the database is locked.

    SQLite's busy timeout covers ordinary lock waits, but in WAL mode a connection that meets
    another one opening or recovering the WAL index gets "database is locked" at once; those
    moments last milliseconds, so a short back-off is enough.
    """
    deadline = time.monotonic() + timeout
    pause = 0.005
    while True:
        try:
            return statement()
        except sqlite3.OperationalError as error:
            message = str(error).lower()
            if ("locked" not in message and "busy" not in message) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.25)


class Store:
    """A SQLite file in WAL mode; one connection per process, opened lazily.

    Writers in several processes are serialised by SQLite's lock with a generous busy timeout.
    """

    def __init__(self, path: str | Path | None = None, *, timeout: float = 60.0) -> None:
        self.path = Path(path) if path else default_store_path()
        self.timeout = timeout
        self._connection: sqlite3.Connection | None = None
        self._pid = -1

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            try:
                _retry_while_locked(lambda: _prepare(connection), self.timeout)
            except BaseException:
                connection.close()
                raise
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    def _execute(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        """Run one statement, retrying while another process holds a lock SQLite won't wait on."""
        return _retry_while_locked(lambda: self._connect().execute(sql, args), self.timeout)

    def get(self, fingerprint: str, stage: str, version: int, params: Any = None) -> Any | None:
        """The stored value, or ``None`` on a miss. A row that does not decode (garbage, truncated,
        an old pickle, a type outside roughcut) is deleted with one warning and counts as a miss."""
        key = (fingerprint, stage, version, params_hash(params))
        row = self._execute(
            "SELECT value FROM results WHERE fingerprint=? AND stage=? AND version=? AND params_hash=?", key
        ).fetchone()
        if row is None:
            return None
        try:
            return decode(row[0])
        except CodecError as exc:
            log.warning(
                "%s: dropped an unreadable %s entry of the analysis cache (%s)", self.path, stage, exc
            )
            self._execute(  # only the row read: another process may have written a good one since
                "DELETE FROM results WHERE fingerprint=? AND stage=? AND version=? AND params_hash=? "
                "AND value=?",
                (*key, row[0]),
            )
            return None

    def put(self, fingerprint: str, stage: str, version: int, params: Any, value: Any) -> None:
        """Store ``value`` (see :mod:`roughcut._codec` for what it may hold), replacing an older
        value under the same key."""
        blob = encode(value)
        self._execute(
            "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?)",
            (fingerprint, stage, version, params_hash(params), time.time(), blob),
        )

    def cached(self, fingerprint: str, stage: str, version: int, params: Any, compute: Callable[[], T]) -> T:
        """Return the stored value, or run ``compute()``, store and return its result."""
        value = self.get(fingerprint, stage, version, params)
        if value is None:
            value = compute()
            self.put(fingerprint, stage, version, params, value)
        return value

    def info(self) -> StoreInfo:
        """Entries per stage and the store's size on disk in bytes (main file and WAL)."""
        if not self.path.exists():
            return StoreInfo(self.path, {}, 0)
        rows = self._execute("SELECT stage, COUNT(*) FROM results GROUP BY stage").fetchall()
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*"))
        return StoreInfo(self.path, dict(rows), size)

    def clear(self, stage: str | None = None) -> int:
        """Delete every entry (or those of ``stage``); returns how many were deleted."""
        if not self.path.exists():
            return 0
        if stage:
            cursor = self._execute("DELETE FROM results WHERE stage=?", (stage,))
        else:
            cursor = self._execute("DELETE FROM results")
        self._execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._execute("VACUUM")
        return cursor.rowcount

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
