"""Progress bars for long work (rich, on stderr). The CLI turns them on; the library is quiet by default."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

T = TypeVar("T")

_enabled = False
console = Console(stderr=True, soft_wrap=True)  # one line per message at any width


def enable(on: bool = True) -> None:
    """Show progress bars from now on (``roughcut`` does this for every command)."""
    global _enabled
    _enabled = on


def enabled() -> bool:
    return _enabled


def new_progress() -> Progress:
    """A rich ``Progress`` with roughcut's columns, drawing on stderr (disabled when quiet)."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not _enabled,
        transient=False,
    )


def track(items: Iterable[T], description: str, *, total: int | None = None) -> Iterator[T]:
    """Iterate ``items`` with a progress bar labelled ``description`` (when enabled)."""
    if not _enabled:
        yield from items
        return
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with new_progress() as bar:
        task = bar.add_task(description, total=total)
        for item in items:
            yield item
            bar.advance(task)
