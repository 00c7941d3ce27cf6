"""``roughcut cache info`` and ``roughcut cache clear``."""

from __future__ import annotations

from pathlib import Path

import click

from roughcut._cli._format import format_bytes
from roughcut.progress import LineConsole

console = LineConsole()
_store_option = click.option(
    "--store",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Store file (default: $ROUGHCUT_CACHE or ~/.cache/roughcut/store.sqlite).",
)


@click.group()
def cache() -> None:
    """The analysis cache."""


@cache.command()
@_store_option
def info(store: Path | None) -> None:
    """Entries per analysis stage and the cache's size."""
    from roughcut.store import Store

    report = Store(store).info()
    console.print(f"{report.path} ({format_bytes(report.size_bytes)})")
    if not report.entries:
        console.print("empty")
    for stage, count in sorted(report.entries.items()):
        console.print(f"  {stage}: {count}")


@cache.command()
@_store_option
@click.option("--stage", default=None, help="Only this stage's results.")
def clear(store: Path | None, stage: str | None) -> None:
    """Delete cached analysis results."""
    from roughcut.store import Store

    removed = Store(store).clear(stage)
    console.print(f"removed {removed} entries")


COMMANDS = [cache]
