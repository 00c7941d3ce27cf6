"""The ``roughcut`` command: a thin door that parses, calls one public function and prints.

Every module in this package (not starting with ``_``) contributes its click commands through a
``COMMANDS`` list, so each pipeline stage keeps its commands beside the others without editing this
file. Heavy libraries are imported inside the commands, so ``roughcut --help`` starts fast.
"""

from __future__ import annotations

import importlib
import pkgutil
import sqlite3
import sys

import click
from rich.markup import escape

from roughcut import __version__, progress
from roughcut.errors import RoughcutError


def error_line(message: object) -> None:
    """Print ``error: message`` on one line of stderr (never wrapped, whatever the terminal's width)."""
    progress.console.print(f"[red]error:[/red] {escape(str(message))}", highlight=False, soft_wrap=True)


class _Group(click.Group):
    """Turns roughcut's own errors, and what the system says about a file (a read-only folder, a
    full disk), into one red line and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except RoughcutError as exc:
            error_line(exc)
            sys.exit(1)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            error_line(f"{where}{exc.strerror or exc}")
            sys.exit(1)
        except sqlite3.DatabaseError as exc:  # the analysis cache: garbage, truncated or a folder
            from roughcut.store import default_store_path

            error_line(
                f"{default_store_path()}: the analysis cache cannot be read ({exc}); move it aside "
                "(roughcut makes a new one)"
            )
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="roughcut")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
def main(quiet: bool) -> None:
    """roughcut: an AI assistant editor for dialogue scenes."""
    progress.enable(not quiet)


def _register() -> None:
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("_"):
            continue
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        for command in getattr(loaded, "COMMANDS", ()):
            main.add_command(command)


_register()
