"""A full-text index of :class:`~roughcut.search.records.SearchRecord`, in SQLite FTS5.

The index lives in ``search.sqlite`` beside the analysis store (``store.sqlite``, see
:mod:`roughcut.store`): nothing to start, and a file that can be deleted at any time (it is made again
from the cached analysis). A set of records is loaded once under a key, the hash of the records and
:data:`VERSION`, so the same analysis is indexed once and a changed one gets a new set; the sets not
used lately are dropped (:data:`KEEP_SETS`).

Words are stemmed by FTS5's ``porter`` tokenizer (``checked`` finds ``check``, ``readings`` finds
``reading``). A query word that matches nothing is widened to the indexed words within a small edit
distance (rapidfuzz's Levenshtein: one edit for words of 4-7 letters, two from 8), so ``telemtry`` finds
``telemetry``. Every word of a query must match (in any field); ``"a phrase"`` matches words in order;
``field:value`` words filter (see :data:`FILTERS`).
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, field
from fractions import Fraction
from pathlib import Path

from roughcut.errors import RoughcutError
from roughcut.search.records import EMOTION_WORDS, SHOT_SIZE_WORDS, SearchRecord
from roughcut.store import _retry_while_locked, default_store_path, params_hash

#: The index file's format and what a record holds (SQLite ``user_version``): bump it when either
#: changes; a file of another version is emptied and made again.
VERSION = 1
#: How many record sets (projects, or versions of one project's analysis) the file keeps.
KEEP_SETS = 16
#: The name of the index file, beside the analysis store.
FILE_NAME = "search.sqlite"
#: The ``field:value`` words a query may hold, and the option of :func:`SearchIndex.search` each sets.
FILTERS = {
    "who": "who",
    "seen": "seen",
    "size": "size",
    "emotion": "emotion",
    "take": "take",
    "scene": "scene",
    "kind": "kind",
}
#: Relative weight of a match in each indexed field (FTS5 ``bm25``), in :data:`_COLUMNS` order.
_WEIGHTS = (1.0, 1.0, 2.0, 1.0, 1.0, 1.0, 0.5, 0.5)
_COLUMNS = ("script", "said", "speaker", "seen", "framing", "feeling", "take", "scene")
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS sets (key TEXT PRIMARY KEY, used REAL NOT NULL, size INTEGER NOT NULL)",
    """CREATE TABLE IF NOT EXISTS records (
        id INTEGER PRIMARY KEY, key TEXT NOT NULL, take TEXT, scene TEXT, kind TEXT, line_id TEXT,
        character TEXT, script TEXT, said TEXT, start INTEGER, "end" INTEGER, sample_rate INTEGER,
        frame_rate TEXT, take_frames INTEGER, characters TEXT, persons TEXT, shot_size TEXT,
        emotion TEXT, confidence REAL)""",
    "CREATE INDEX IF NOT EXISTS records_by_key ON records(key, take, start)",
    "CREATE TABLE IF NOT EXISTS vocab (key TEXT NOT NULL, term TEXT NOT NULL, PRIMARY KEY (key, term))"
    " WITHOUT ROWID",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5({', '.join(_COLUMNS)}, "
    "tokenize='porter unicode61 remove_diacritics 2')",
)
_WORD = re.compile(r"[^\W_]+")
_QUERY = re.compile(r'"([^"]*)"|(\w+):("[^"]*"|\S+)|(\S+)')


def default_index_path() -> Path:
    """``search.sqlite`` in the folder of the analysis store (:func:`roughcut.store.default_store_path`)."""
    return default_store_path().with_name(FILE_NAME)


def allowed_edits(word: str) -> int:
    """Edits (Levenshtein) a query word may be from an indexed word: 0 up to 3 letters, 1 up to 7, 2."""
    return 0 if len(word) <= 3 else 1 if len(word) <= 7 else 2


@dataclass(frozen=True)
class SearchHit:
    """A record that matched, with its ``score`` (higher is better; 0 when only filters were given)."""

    record: SearchRecord
    score: float


@dataclass(frozen=True)
class SearchResult:
    """The hits, best first, and the query as run: ``terms`` each query word with the indexed words it
    was widened to (typos), ``filters`` the filters applied."""

    hits: tuple[SearchHit, ...]
    terms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    filters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedQuery:
    """A query split into free words, ``"phrases"`` and ``field:value`` filters."""

    words: tuple[str, ...]
    phrases: tuple[str, ...]
    filters: dict[str, str]


def parse_query(query: str) -> ParsedQuery:
    """Split ``query``: ``"quoted phrases"``, ``field:value`` filters (fields of :data:`FILTERS`;
    another ``word:word`` is two words) and words (letters and digits, lower-cased)."""
    words: list[str] = []
    phrases: list[str] = []
    filters: dict[str, str] = {}
    for phrase, name, value, rest in _QUERY.findall(query):
        if phrase:
            tokens = _WORD.findall(phrase.lower())
            if len(tokens) > 1:
                phrases.append(" ".join(tokens))
            else:
                words += tokens
        elif name and name.lower() in FILTERS:
            filters[FILTERS[name.lower()]] = value.strip('"')
        else:
            words += _WORD.findall((f"{name}:{value}" if name else rest).lower())
    return ParsedQuery(tuple(dict.fromkeys(words)), tuple(phrases), filters)


def _tabbed(names: Iterable[str]) -> str:
    return "\t" + "\t".join(names) + "\t" if names else ""


def _document(record: SearchRecord) -> tuple[str, ...]:
    """The indexed text of a record, one string per column of :data:`_COLUMNS`."""
    framing = f"{record.shot_size} {SHOT_SIZE_WORDS.get(record.shot_size, '')}".strip()
    seen = " ".join((*record.characters, *record.persons))
    stem = Path(record.take).stem
    return (
        _with_numbers(record.script),
        _with_numbers(record.said),
        record.character,
        seen,
        framing,
        EMOTION_WORDS.get(record.emotion, record.emotion),
        f"take {stem}",
        f"scene {record.scene}",
    )


def _with_numbers(text: str) -> str:
    """``text`` and, when it holds digits, its words with the numbers spelled out (Whisper writes
    "J3" for "j three"), so both forms are found."""
    if not any(ch.isdigit() for ch in text):
        return text
    from roughcut.speech.transcribe import normalise_text

    return f"{text} {normalise_text(text)}"


def _emotion_name(value: str) -> str:
    value = value.strip().lower()
    for name, words in EMOTION_WORDS.items():
        if value == name or value in words.split():
            return name
    raise RoughcutError(f"unknown emotion {value!r}; use one of {', '.join(EMOTION_WORDS)}")


def _size_name(value: str) -> str:
    from roughcut.edit.coverage import SHOT_SIZES, shot_size_index

    return SHOT_SIZES[shot_size_index(value.strip())]


class SearchIndex:
    """The index file (``path``; default :func:`default_index_path`; ``":memory:"`` for one held in
    memory). One connection per thread; writers in several processes are serialised by SQLite."""

    def __init__(self, path: str | Path | None = None, *, timeout: float = 60.0) -> None:
        self.path = path if path == ":memory:" else Path(path) if path else default_index_path()
        self.timeout = timeout
        self._local = threading.local()
        self._shared: sqlite3.Connection | None = None
        self._vocab: dict[str, tuple[str, ...]] = {}

    # ------------------------------------------------------------------------------- connection

    def _connect(self) -> sqlite3.Connection:
        if self.path == ":memory:":  # one database: shared by the threads, used one at a time
            if self._shared is None:
                self._shared = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
                self._prepare(self._shared)
            return self._shared
        connection = getattr(self._local, "connection", None)
        if connection is None:
            path = Path(self.path)
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=self.timeout, isolation_level=None)
            try:
                _retry_while_locked(lambda: self._prepare(connection), self.timeout)
            except BaseException:
                connection.close()
                raise
            self._local.connection = connection
        return connection

    @staticmethod
    def _prepare(connection: sqlite3.Connection) -> None:
        """WAL mode, the tables, and a fresh start when the file holds another :data:`VERSION`."""
        if connection.execute("PRAGMA journal_mode").fetchone()[0].lower() not in ("wal", "memory"):
            connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        if connection.execute("PRAGMA user_version").fetchone()[0] != VERSION:
            connection.execute("BEGIN IMMEDIATE")
            try:
                if connection.execute("PRAGMA user_version").fetchone()[0] != VERSION:
                    for table in ("records_fts", "vocab", "records", "sets"):
                        connection.execute(f"DROP TABLE IF EXISTS {table}")
                    for statement in _SCHEMA:
                        connection.execute(statement)
                    connection.execute(f"PRAGMA user_version={VERSION}")
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise

    def _execute(self, sql: str, args: Sequence[object] = ()) -> sqlite3.Cursor:
        return _retry_while_locked(lambda: self._connect().execute(sql, args), self.timeout)

    def close(self) -> None:
        """Close this thread's connection (and the in-memory database)."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
        if self._shared is not None:
            self._shared.close()
            self._shared = None

    # ---------------------------------------------------------------------------------- loading

    @staticmethod
    def key_of(records: Sequence[SearchRecord]) -> str:
        """The key a set of records is indexed under: a hash of :data:`VERSION` and every field."""
        return params_hash([VERSION, [astuple(r) for r in records]])

    def load(self, records: Sequence[SearchRecord]) -> str:
        """Index ``records`` (unless the same set is indexed already) and return their key."""
        key = self.key_of(records)
        if self._execute("UPDATE sets SET used=? WHERE key=?", (time.time(), key)).rowcount:
            return key

        def insert() -> None:
            connection = self._connect()
            connection.execute("BEGIN IMMEDIATE")
            try:
                if connection.execute("SELECT 1 FROM sets WHERE key=?", (key,)).fetchone() is None:
                    self._insert(connection, key, records)
                    self._prune(connection)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise

        _retry_while_locked(insert, self.timeout)
        return key

    @staticmethod
    def _insert(connection: sqlite3.Connection, key: str, records: Sequence[SearchRecord]) -> None:
        vocab: set[str] = set()
        for record in records:
            cursor = connection.execute(
                "INSERT INTO records VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    record.take,
                    record.scene,
                    record.kind,
                    record.line_id,
                    record.character,
                    record.script,
                    record.said,
                    record.start,
                    record.end,
                    record.sample_rate,
                    f"{record.frame_rate.numerator}/{record.frame_rate.denominator}",
                    record.take_frames,
                    _tabbed(record.characters),
                    _tabbed(record.persons),
                    record.shot_size,
                    record.emotion,
                    record.confidence,
                ),
            )
            document = _document(record)
            connection.execute(
                f"INSERT INTO records_fts(rowid, {', '.join(_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (cursor.lastrowid, *document),
            )
            vocab.update(_WORD.findall(" ".join(document).lower()))
        connection.executemany("INSERT INTO vocab VALUES (?, ?)", [(key, term) for term in sorted(vocab)])
        connection.execute("INSERT INTO sets VALUES (?, ?, ?)", (key, time.time(), len(records)))

    @staticmethod
    def _prune(connection: sqlite3.Connection) -> None:
        old = [
            row[0]
            for row in connection.execute(
                "SELECT key FROM sets ORDER BY used DESC LIMIT -1 OFFSET ?", (KEEP_SETS,)
            )
        ]
        for key in old:
            connection.execute(
                "DELETE FROM records_fts WHERE rowid IN (SELECT id FROM records WHERE key=?)", (key,)
            )
            for table in ("records", "vocab", "sets"):
                connection.execute(f"DELETE FROM {table} WHERE key=?", (key,))

    # --------------------------------------------------------------------------------- querying

    def vocabulary(self, key: str) -> tuple[str, ...]:
        """Every word indexed in the set ``key`` (lower case, unstemmed)."""
        if key not in self._vocab:
            rows = self._execute("SELECT term FROM vocab WHERE key=?", (key,)).fetchall()
            self._vocab[key] = tuple(row[0] for row in rows)
        return self._vocab[key]

    def _matches(self, key: str, term: str) -> bool:
        sql = (
            "SELECT 1 FROM records WHERE records.key = ? AND records.id IN "
            "(SELECT rowid FROM records_fts WHERE records_fts MATCH ?) LIMIT 1"
        )
        return self._execute(sql, (key, f'"{term}"')).fetchone() is not None

    def widen(self, key: str, word: str) -> tuple[str, ...]:
        """``word`` and, when it matches nothing indexed, the indexed words :func:`allowed_edits` away."""
        edits = allowed_edits(word)
        if not edits or self._matches(key, word):
            return (word,)
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        found = process.extract(
            word, self.vocabulary(key), scorer=Levenshtein.distance, score_cutoff=edits, limit=8
        )
        return (word, *sorted({term for term, _, _ in found} - {word}))

    def search(
        self,
        key: str,
        query: str = "",
        *,
        who: str | None = None,
        seen: str | None = None,
        size: str | None = None,
        emotion: str | None = None,
        take: str | None = None,
        scene: str | None = None,
        kind: str | None = None,
        limit: int | None = 50,
    ) -> SearchResult:
        """The records of set ``key`` matching ``query`` and the filters, best first.

        ``who``: the speaking character; ``seen``: a character or person on screen; ``size``: a shot
        size (``CU``, or several: ``CU,MCU``); ``emotion``: an emotion (``anger`` or ``angry``; several
        with commas); ``take``: part of a take's name; ``scene``: a scene number; ``kind``: ``line``
        (script lines) or ``said`` (words heard outside them). ``field:value`` words in ``query`` set
        the same filters. ``limit`` (``None``: all) caps the hits.
        """
        parsed = parse_query(query)
        options = {"who": who, "seen": seen, "size": size, "emotion": emotion, "take": take, "scene": scene}
        options["kind"] = kind
        filters = {name: value for name, value in {**options, **parsed.filters}.items() if value}
        where, args = ["records.key = ?"], [key]
        for name, value in filters.items():
            clause, values = self._filter(name, value)
            where.append(clause)
            args += values
        terms = tuple((word, self.widen(key, word)) for word in parsed.words)
        groups = [" OR ".join(f'"{t}"' for t in variants) for _, variants in terms]
        groups += [f'"{phrase}"' for phrase in parsed.phrases]
        tail = f" LIMIT {int(limit)}" if limit is not None else ""
        if groups:
            match = " AND ".join(f"({g})" for g in groups)
            weights = ", ".join(str(w) for w in _WEIGHTS)
            sql = (
                f"SELECT records.*, bm25(records_fts, {weights}) AS rank FROM records_fts "
                f"JOIN records ON records.id = records_fts.rowid WHERE records_fts MATCH ? AND "
                f"{' AND '.join(where)} ORDER BY rank, records.take, records.start{tail}"
            )
            rows = self._execute(sql, [match, *args]).fetchall()
        else:
            sql = f"SELECT records.*, 0.0 FROM records WHERE {' AND '.join(where)} ORDER BY take, start{tail}"
            rows = self._execute(sql, args).fetchall()
        hits = tuple(SearchHit(_record(row), -float(row[-1]) if row[-1] else 0.0) for row in rows)
        return SearchResult(hits, terms, filters)

    @staticmethod
    def _filter(name: str, value: str) -> tuple[str, list[str]]:
        """A ``WHERE`` clause and its arguments for one filter."""
        if name == "who":
            return "records.character = ? COLLATE NOCASE", [value.strip()]
        if name == "seen":
            needle = f"\t{value.strip().lower()}\t"
            return "(instr(lower(records.characters), ?) > 0 OR instr(lower(records.persons), ?) > 0)", [
                needle,
                needle,
            ]
        if name in ("size", "emotion"):
            names = [
                (_size_name if name == "size" else _emotion_name)(v) for v in value.split(",") if v.strip()
            ]
            if not names:
                raise RoughcutError(f"{name}: give a value (got {value!r})")
            column = "shot_size" if name == "size" else "emotion"
            return f"records.{column} IN ({', '.join('?' * len(names))})", names
        if name == "take":
            return "instr(lower(records.take), ?) > 0", [value.strip().lower()]
        if name == "scene":
            return "records.scene = ? COLLATE NOCASE", [value.strip()]
        if name == "kind":
            if value not in ("line", "said"):
                raise RoughcutError(
                    f"unknown kind {value!r}; use line (script lines) or said (words off the script)"
                )
            return "records.kind = ?", [value]
        raise RoughcutError(f"unknown filter {name!r}; filters: {', '.join(FILTERS)}")


def _record(row: Sequence) -> SearchRecord:
    (
        _,
        _,
        take,
        scene,
        kind,
        line_id,
        character,
        script,
        said,
        start,
        end,
        sample_rate,
        frame_rate,
        take_frames,
        characters,
        persons,
        shot_size,
        emotion,
        confidence,
        _,
    ) = row
    return SearchRecord(
        take=take,
        scene=scene,
        kind=kind,
        line_id=line_id,
        character=character,
        script=script,
        said=said,
        start=start,
        end=end,
        sample_rate=sample_rate,
        frame_rate=Fraction(frame_rate),
        take_frames=take_frames,
        characters=tuple(n for n in characters.split("\t") if n),
        persons=tuple(n for n in persons.split("\t") if n),
        shot_size=shot_size,
        emotion=emotion,
        confidence=confidence,
    )
