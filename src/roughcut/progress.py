"""Progress bars for long work (rich, on stderr). The CLI turns them on; the library is quiet by default."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.console import Console, ConsoleDimensions
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

T = TypeVar("T")

#: Columns a table gets when the output is not a terminal (a pipe, a log file, a test's runner).
PIPE_WIDTH = 200


class LineConsole(Console):
    """roughcut's console: a message is one line, never wrapped at the terminal's width (so a long
    path never splits its words), and where the output is not a terminal, tables get at least
    :data:`PIPE_WIDTH` columns, whatever ``COLUMNS`` says. Output is then the same at any width."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("soft_wrap", True)
        super().__init__(**kwargs)  # type: ignore[arg-type]

    @property
    def size(self) -> ConsoleDimensions:
        size = super().size
        if self.is_terminal:
            return size
        return ConsoleDimensions(max(size.width, PIPE_WIDTH), size.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]


_enabled = False
console = LineConsole(stderr=True)


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


_view: Progress | None = None


@contextmanager
def view() -> Iterator[None]:
    """One progress display for a whole job: every :func:`track` inside it adds its row (a stage,
    counting takes) to the same view, which stays until the job ends. Nested views are one view."""
    global _view
    if not _enabled or _view is not None:
        yield
        return
    with new_progress() as bar:
        _view = bar
        try:
            yield
        finally:
            _view = None


def track(items: Iterable[T], description: str, *, total: int | None = None) -> Iterator[T]:
    """Iterate ``items`` with a progress bar labelled ``description`` (when enabled); inside a
    :func:`view`, as a row of that view."""
    if not _enabled:
        yield from items
        return
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    if _view is not None:
        row = _view.add_task(description, total=total)
        for item in items:
            yield item
            _view.advance(row)
        return
    with new_progress() as bar:
        task = bar.add_task(description, total=total)
        for item in items:
            yield item
            bar.advance(task)
