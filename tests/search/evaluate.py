"""Precision and recall of search on the queries of ``data/queries.toml`` (truth written by hand)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from roughcut.search.index import SearchResult

QUERIES = Path(__file__).parent / "data" / "queries.toml"
FILTERS = ("who", "seen", "size", "emotion", "take", "scene", "kind")


@dataclass(frozen=True)
class QueryScore:
    """One query: the hits found and expected (as ``TAKE:LINE`` / ``TAKE:said`` names)."""

    query: str
    filters: dict[str, str]
    found: frozenset[str]
    expected: frozenset[str]

    @property
    def right(self) -> int:
        return len(self.found & self.expected)


def take_label(take: str) -> str:
    """``takes/B01_nora_cu.mp4`` → ``B01``."""
    return Path(take).stem.split("_")[0]


def hit_names(result: SearchResult) -> frozenset[str]:
    return frozenset(
        f"{take_label(h.record.take)}:{h.record.line_id if h.record.kind == 'line' else 'said'}"
        for h in result.hits
    )


def queries(name: str) -> list[dict]:
    return tomllib.loads(QUERIES.read_text(encoding="utf-8"))[name]


def expected(entry: dict, takes: list[str]) -> frozenset[str]:
    """The expected hits' names; an item without ``:`` is a take, where any hit counts."""
    names = set()
    for item in entry["expect"]:
        if ":" not in item:
            names.add(item)
            continue
        take, line = item.split(":")
        names.update(f"{t}:{line}" for t in takes) if take == "ALL" else names.add(item)
    return frozenset(names)


def score(search, name: str) -> list[QueryScore]:  # type: ignore[no-untyped-def]
    """Run every query of the set ``name`` on ``search`` (a ProjectSearch) with no limit on hits."""
    takes = sorted({take_label(r.take) for r in search.records})
    out = []
    for entry in queries(name):
        filters = {k: entry[k] for k in FILTERS if k in entry}
        result = search.search(entry["query"], limit=None, **filters)
        wanted = expected(entry, takes)
        found = hit_names(result)
        if all(":" not in name for name in wanted):  # truth per take
            found = frozenset(name.split(":")[0] for name in found)
        out.append(QueryScore(entry["query"], filters, found, wanted))
    return out


def summary(scores: list[QueryScore]) -> tuple[float, float]:
    """Micro-averaged precision and recall over the queries."""
    right = sum(s.right for s in scores)
    found = sum(len(s.found) for s in scores)
    wanted = sum(len(s.expected) for s in scores)
    return (right / found if found else 1.0), (right / wanted if wanted else 1.0)


def report(name: str, scores: list[QueryScore]) -> str:
    precision, recall = summary(scores)
    lines = [f"{name}: {len(scores)} queries, precision {precision:.3f}, recall {recall:.3f}"]
    for s in scores:
        extra = sorted(s.found - s.expected)
        missed = sorted(s.expected - s.found)
        mark = "ok" if not extra and not missed else f"extra {extra} missed {missed}"
        lines.append(
            f"  {s.query!r} {s.filters}: {s.right}/{len(s.expected)} right, {len(s.found)} found; {mark}"
        )
    return "\n".join(lines)
