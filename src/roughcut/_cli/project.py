"""``roughcut init`` and ``roughcut ingest``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from roughcut._cli._format import format_duration, format_rate
from roughcut.progress import LineConsole

console = LineConsole()


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
def init(directory: Path) -> None:
    """Write a commented roughcut.toml into DIRECTORY (never over an existing one)."""
    from roughcut.project import write_config

    path = write_config(directory)
    console.print(f"wrote {path}")


@click.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def ingest(directory: Path) -> None:
    """Probe every take and sound file in a project folder and list them."""
    from roughcut.app import ingest as ingest_project
    from roughcut.project import Project

    project = Project.open(directory)
    report = ingest_project(project)
    print_ingest(project, report)
    if not report.takes:
        raise click.exceptions.Exit(1)


def print_ingest(project, report) -> None:
    """Print the takes table, the sound files and one line per file that failed."""
    table = Table(title=f"{len(report.takes)} takes in {project.root}")
    names = [project.take_name(info.path) for info in report.takes]
    table.add_column("take", no_wrap=True, min_width=max(map(len, names), default=4))
    for column in ("duration", "fps", "resolution", "audio", "timecode"):
        table.add_column(column)
    for info in report.takes:
        video = info.video
        audio = ", ".join(f"{a.channels} ch {a.sample_rate / 1000:g} kHz" for a in info.audio) or "none"
        fps = format_rate(video.frame_rate) if video else "-"
        if video and video.variable_frame_rate:
            fps += " (VFR)"
        size = f"{video.width}x{video.height}" if video else "-"
        if video and video.rotation:
            size += f" rot {video.rotation}"
        table.add_row(
            names[report.takes.index(info)],
            format_duration(info.duration),
            fps,
            size,
            audio,
            info.timecode or "-",
        )
    console.print(table)
    for group in report.sync:
        take = project.take_name(group.take)
        if group.sound is None:
            console.print(f"{take}: no external sound matched ({group.problem or 'no confident match'})")
        else:
            drift = f", drift {group.drift_ppm:+.1f} ppm" if abs(group.drift_ppm) >= 1 else ""
            timecode = ", timecode agrees" if group.timecode_agrees() else ""
            console.print(
                f"{take}: synced to {project.take_name(group.sound)} at {group.offset_s:+.3f} s"
                f" (confidence {group.confidence:.2f}{drift}{timecode})"
            )
            if group.timecode_agrees() is False:
                console.print(
                    f"[yellow]warning:[/yellow] {take}: the timecodes put it at "
                    f"{group.timecode_offset_s:+.3f} s in its sound; the recorder was not jam-synced with"
                    " the camera (the sound's own match is used)",
                    highlight=False,
                )
    offsets = {angle.take: angle.offset_s for angle in report.angles}
    for paths in report.angle_groups().values() if offsets else ():
        console.print(
            "angles of one performance: "
            + ", ".join(f"{project.take_name(p)} at {offsets[p]:+.3f} s" for p in paths)
        )
    if report.audio:
        console.print(
            f"{len(report.audio)} sound files: " + ", ".join(project.take_name(a.path) for a in report.audio)
        )
    if project.script:
        console.print(f"script: {project.take_name(project.script)}")
    else:
        console.print("[yellow]warning:[/yellow] no screenplay (.fountain, .fdx, .txt) found")
    for error in report.errors:
        console.print(f"[red]error:[/red] {error}", highlight=False)


COMMANDS = [init, ingest]
