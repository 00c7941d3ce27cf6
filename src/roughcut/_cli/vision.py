"""``roughcut analyze``: speech and vision for every take of a project, cached, with a summary."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from roughcut.progress import LineConsole

console = LineConsole()


@click.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--workers", type=int, default=None, help="Takes analysed at once (default: one per core).")
@click.option("--fps", type=float, default=None, help="Analysis frames per second (default 8).")
@click.option("--width", type=int, default=None, help="Analysis width in pixels (default 640).")
@click.option("--no-speech", is_flag=True, help="Vision only: skip the script alignment.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--ray",
    "ray_address",
    metavar="ADDRESS",
    default=None,
    help="Run the takes on a Ray cluster (auto, HOST:PORT or ray://HOST:10001; media on a shared path).",
)
def analyze(
    directory: Path,
    workers: int | None,
    fps: float | None,
    width: int | None,
    no_speech: bool,
    as_json: bool,
    ray_address: str | None,
) -> None:
    """Align the script and analyse the picture of every take in DIRECTORY (cached).

    Prints per take: people on screen, who they are (left to right), shot size, lines found and the
    share of lines whose speaker is visible. Persons are named after characters from who speaks;
    set them in roughcut.toml's [characters] ("TAKE:personN" = "CHARACTER") when that is wrong.
    """
    from roughcut.app.analyze import analyze_takes
    from roughcut.project import Project

    project = Project.open(directory)
    if not project.takes:
        from roughcut.errors import RoughcutError

        raise RoughcutError(f"{project.root}: no takes found")
    analysis = analyze_takes(
        project, workers=workers, fps=fps, width=width, speech=not no_speech, tolerant=True, ray=ray_address
    )
    alignments = analysis.alignments or None
    result, note, characters, rows = analysis.vision, analysis.note, analysis.characters, analysis.visibility
    summary = []
    for name, vision in result.takes.items():
        lines = rows.get(name, ())
        alignment = alignments.get(name) if alignments else None
        total = len(alignment.lines) + len(alignment.missing) if alignment else None
        visible = sum(r.speaker_visible for r in lines) / len(lines) if lines else None
        named = {p.person_id: characters.get(f"{name}:{p.person_id}", "?") for p in vision.persons}
        summary.append(
            {
                "take": name,
                "people": vision.people,
                "persons": named,
                "shot_size": vision.shot_size,
                "segments": len(vision.segments),
                "cuts": list(vision.cuts),
                "lines_found": len(alignment.lines) if alignment else None,
                "lines_total": total,
                "speaker_visible": visible,
                "soft": vision.soft,
                "problems": list(vision.problems)
                + ([alignment.problem] if alignment and alignment.problem else []),
            }
        )
    if as_json:
        click.echo(
            json.dumps({"takes": summary, "errors": [str(e) for e in result.errors], "note": note}, indent=2)
        )
        if not result.takes:  # every take failed: the job did nothing
            raise click.exceptions.Exit(1)
        return
    table = Table(title=f"{len(result.takes)} takes analysed in {project.root}")
    table.add_column("take", no_wrap=True, min_width=max((len(r["take"]) for r in summary), default=4))
    for column in ("people", "who", "shot size", "lines found", "speaker visible"):
        table.add_column(column)
    for row in summary:
        who = ", ".join(c if c != "?" else p for p, c in row["persons"].items()) or "-"  # left to right
        found = f"{row['lines_found']}/{row['lines_total']}" if row["lines_total"] is not None else "-"
        visible = f"{row['speaker_visible']:.0%}" if row["speaker_visible"] is not None else "-"
        size = (row["shot_size"] or "-") + (" (soft)" if row["soft"] else "")
        table.add_row(row["take"], str(row["people"]), who, size, found, visible)
    console.print(table)
    for row in summary:
        for problem in row["problems"]:
            console.print(f"[yellow]{row['take']}:[/yellow] {problem}", highlight=False)
    for error in result.errors:
        console.print(f"[red]error:[/red] {error}", highlight=False)
    if note:
        console.print(note)
    troubled = sum(bool(row["problems"]) for row in summary)
    console.print(
        f"summary: {len(result.takes)} of {len(project.takes)} takes analysed, {troubled} with problems, "
        f"{len(result.errors)} failed"
        + (" (run again to retry them: finished takes are kept)" if result.errors else ""),
        highlight=False,
    )
    if not result.takes:
        console.print(f"[red]error:[/red] no take in {project.root} could be analysed", highlight=False)
        raise click.exceptions.Exit(1)


COMMANDS = [analyze]
