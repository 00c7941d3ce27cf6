"""``roughcut align``, ``roughcut transcribe`` and ``roughcut subtitles [check]``."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import click
from rich.table import Table

from roughcut.errors import RoughcutError
from roughcut.progress import LineConsole

console = LineConsole()


def _read_script(path: Path):  # type: ignore[no-untyped-def]
    from roughcut.script import read_script

    return read_script(path)


def _open_project(folder: Path):  # type: ignore[no-untyped-def]
    from roughcut.project import Project

    project = Project.open(folder)
    if project.script is None:
        raise RoughcutError(f"{project.root}: no screenplay (.fountain, .fdx or NAME: line .txt) found")
    if not project.takes:
        raise RoughcutError(f"{project.root}: no takes (video files) found")
    return project, _read_script(project.script)


def _cell(performances: list) -> str:  # type: ignore[type-arg]
    if not performances:
        return "[dim]-[/dim]"
    parts = []
    for line in performances:
        colour = "green" if line.confidence >= 0.7 else "yellow"
        parts.append(f"[{colour}]{line.start_s:.2f}-{line.end_s:.2f}[/{colour}]")
    return "\n".join(parts)


@click.command()
@click.argument("project", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--workers", type=int, default=None, help="Processes aligning takes at once (default: one per core)."
)
def align(project: Path, workers: int | None) -> None:
    """Find where every script line is spoken in every take of PROJECT (cached in the store).

    Prints a table of lines × takes: each cell is the line's start-end in seconds (green: confident,
    yellow: doubtful; two rows when the line is said twice), '-' when the take does not hold it.
    """
    from roughcut.speech.align import align_project

    opened, script = _open_project(project)
    alignments = align_project(opened, script, workers=workers)
    table = Table(title=f"Script lines found in {len(alignments)} takes")
    table.add_column("line")
    table.add_column("who")
    for take in alignments:
        table.add_column(Path(take).name)
    for line in script.lines:
        cells = [_cell(a.performances(line.id)) for a in alignments.values()]
        table.add_row(line.id, line.character, *cells)
    console.print(table)
    for take, alignment in alignments.items():
        if alignment.problem:
            console.print(f"[yellow]{take}:[/yellow] {alignment.problem}", highlight=False)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--engine", type=click.Choice(["pocketsphinx", "whisper"]), default="pocketsphinx", show_default=True
)
@click.option(
    "--model-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="A local faster-whisper model folder.",
)
@click.option(
    "--allow-download", is_flag=True, help="Let faster-whisper download its model when none is given."
)
@click.option("--words", "show_words", is_flag=True, help="Print each word with its times.")
@click.option(
    "--subtitles",
    "subtitles_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write subtitles of the transcript (.srt or .vtt).",
)
def transcribe(
    file: Path,
    engine: str,
    model_dir: Path | None,
    allow_download: bool,
    show_words: bool,
    subtitles_out: Path | None,
) -> None:
    """Transcribe the speech in FILE (audio or video), with word timings."""
    from roughcut.media import read_audio
    from roughcut.speech.subtitles import cues_from_transcript, write_subtitles
    from roughcut.speech.transcribe import transcribe as run

    transcript = run(read_audio(file), engine=engine, model_dir=model_dir, allow_download=allow_download)
    if show_words:
        for w in transcript.words:
            console.print(f"{w.start_s:8.2f} {w.end_s:8.2f}  {w.confidence:4.2f}  {w.text}", highlight=False)
    else:
        console.print(transcript.text or "[dim](no speech found)[/dim]", highlight=False)
    spoken = transcript.spoken_language or "unknown"
    console.print(
        f"[dim]engine {engine}; spoken language: {spoken}"
        f"{' (' + transcript.language_note + ')' if transcript.language_note else ''}; "
        f"language of the text: {transcript.text_language or 'too short to tell'}[/dim]",
        highlight=False,
    )
    if subtitles_out is not None:
        console.print(f"wrote {write_subtitles(cues_from_transcript(transcript), subtitles_out)}")


class _SubtitlesGroup(click.Group):
    """``roughcut subtitles PROJECT|FILE`` makes subtitles; ``roughcut subtitles check FILE`` checks."""

    def resolve_command(self, ctx: click.Context, args: list[str]):  # type: ignore[no-untyped-def]
        if args and args[0] not in self.commands:
            args = ["make", *args]
        return super().resolve_command(ctx, args)


@click.group(cls=_SubtitlesGroup)
def subtitles() -> None:
    """Make subtitles of PROJECT (its aligned script lines, one file per take) or of a media FILE
    (its transcript): `roughcut subtitles PROJECT|FILE`; check any SRT or VTT file against the
    Netflix English rules: `roughcut subtitles check FILE`."""


def _rules(cps: float, fps: str):  # type: ignore[no-untyped-def]
    from roughcut.speech.subtitles import SubtitleRules

    try:
        rate = Fraction(fps)
    except (ValueError, ZeroDivisionError) as exc:
        raise RoughcutError(f"--fps {fps!r}: not a frame rate (such as 24000/1001 or 25)") from exc
    if rate <= 0:
        raise RoughcutError(f"--fps {fps!r}: a frame rate must be above 0 (such as 24000/1001 or 25)")
    return SubtitleRules(max_cps=cps, frame_rate=rate)


@subtitles.command("make")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["srt", "vtt"]), default="srt", show_default=True)
@click.option(
    "--cps", type=click.Choice(["17", "20"]), default="17", show_default=True, help="Reading speed limit."
)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Output file or folder.")
def make(source: Path, fmt: str, cps: str, out: Path | None) -> None:
    """Write subtitles of SOURCE: a project folder or a media file."""
    from roughcut.speech.subtitles import (
        check_cues,
        cues_from_alignment,
        cues_from_transcript,
        write_subtitles,
    )

    if source.is_dir():
        from roughcut.speech.align import align_project

        project, script = _open_project(source)
        folder = out or project.output_dir / "subtitles"
        folder.mkdir(parents=True, exist_ok=True)
        for take, alignment in align_project(project, script).items():
            if alignment.problem:
                console.print(f"[yellow]{take}:[/yellow] {alignment.problem}", highlight=False)
                continue
            rules = _rules(float(cps), str(alignment.frame_rate or Fraction(24000, 1001)))
            cues = cues_from_alignment(alignment.lines, rules)
            path = write_subtitles(cues, folder / f"{Path(take).stem}.{fmt}")
            console.print(f"{path}: {len(cues)} cues, {len(check_cues(cues, rules))} rule violations")
        return
    from roughcut.media import probe, read_audio
    from roughcut.speech.transcribe import transcribe as run

    info = probe(source)
    rate = info.video.frame_rate if info.video is not None else Fraction(24000, 1001)
    rules = _rules(float(cps), str(rate))
    cues = cues_from_transcript(run(read_audio(source)), rules)
    path = write_subtitles(cues, out or source.with_suffix(f".{fmt}"))
    console.print(f"{path}: {len(cues)} cues, {len(check_cues(cues, rules))} rule violations")


@subtitles.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--cps", type=click.Choice(["17", "20"]), default="17", show_default=True, help="Reading speed limit."
)
@click.option("--fps", default="24000/1001", show_default=True, help="Frame rate for the 2-frame gap rule.")
def check(file: Path, cps: str, fps: str) -> None:
    """Report every Netflix English timed-text rule violation in FILE (SRT or WebVTT).

    Exits with status 1 when there is any.
    """
    from roughcut.speech.subtitles import check_subtitles, read_subtitles

    cues = read_subtitles(file)
    violations = check_subtitles(file, _rules(float(cps), fps))
    for violation in violations:
        console.print(f"{file.name}: {violation}", highlight=False)
    console.print(f"{len(cues)} cues, {len(violations)} violations")
    if violations:
        raise SystemExit(1)


COMMANDS = [align, transcribe, subtitles]
