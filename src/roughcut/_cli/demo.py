"""``roughcut demo``: build the offline demo scene and run the pipeline on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from roughcut.progress import LineConsole

console = LineConsole()


@click.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path), default="roughcut-demo")
@click.option("--rebuild", is_flag=True, help="Shoot the scene again even if OUT holds it already.")
def demo(out: Path, rebuild: bool) -> None:
    """Build the demo scene into OUT (default ./roughcut-demo) and run roughcut on it."""
    from roughcut.app import run_pipeline
    from roughcut.demo import build_demo

    console.print(f"Building the demo scene in {out} (offline)...")
    build_demo(out, rebuild=rebuild)
    result = run_pipeline(out, observe=show_step)
    console.print(f"\n[bold]Demo project:[/bold] {out.resolve()}")
    if result.truth_report is not None and not result.truth_report.passed:
        console.print("[yellow]warning:[/yellow] the alignment missed the demo's ground truth (see above)")
    console.print(f"\nEdit it in your browser: roughcut serve {out}")


def show_step(step: str, value: Any) -> None:
    """Print one step of :func:`roughcut.app.run_pipeline` as it ends (its ``observe``)."""
    from roughcut._cli.edit import print_cut
    from roughcut._cli.project import print_ingest

    if step == "ingest":
        print_ingest(value.project, value.ingest)
    elif step == "problem":
        console.print(f"[yellow]warning:[/yellow] {value}", highlight=False)
    elif step == "truth":
        console.print(f"alignment against the demo's ground truth: {value.summary()}")
    elif step == "analysis":
        _print_analysis(value)
    elif step == "edit":
        print_cut(value)  # the cut, the files written and the read-back check


def _print_analysis(analysis: Any) -> None:
    """Per take: the people seen, the framing, lines found, and the share with the speaker visible."""
    from rich.table import Table

    table = Table(title="Analysis")
    for column in ("take", "people", "shot size", "lines found", "speaker visible"):
        table.add_column(column)
    total = len(analysis.script.lines)
    for take, alignment in analysis.alignments.items():
        vision = analysis.visions.get(take)
        rows = analysis.visibility.get(take, ())
        people = sorted({c for key, c in analysis.characters.items() if key.rsplit(":", 1)[0] == take})
        found = len({line.line_id for line in alignment.lines})
        visible = sum(1 for row in rows if row.speaker_visible)
        table.add_row(
            take,
            ", ".join(people) or (str(vision.people) if vision else "-"),
            (vision.shot_size or "-") if vision else "-",
            f"{found}/{total}",
            f"{visible / len(rows):.0%}" if rows else "-",
        )
    console.print(table)


COMMANDS = [demo]
