"""``roughcut adr`` and ``roughcut clean-version``: alternate versions of a line and of the cut."""

from __future__ import annotations

from pathlib import Path

import click

from roughcut.progress import LineConsole

console = LineConsole()


@click.command()
@click.argument("project", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--line", "line_id", required=True, help="The script line to replace, e.g. 1.3.")
@click.option("--text", required=True, help="The new words.")
@click.option(
    "--take", default=None, help="The take whose performance sets the timing (default: the surest)."
)
@click.option(
    "--voice-model",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A Piper voice (.onnx beside its .onnx.json) instead of espeak-ng.",
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder.")
def adr(
    project: Path, line_id: str, text: str, take: str | None, voice_model: Path | None, out: Path | None
) -> None:
    """Write a temp ADR line for LINE saying TEXT, fitted to the actor's timing in a take."""
    from roughcut.app.alternate import adr_project

    result = adr_project(project, line_id=line_id, text=text, take=take, voice_model=voice_model, out_dir=out)
    line = result.line
    errors = ", ".join(f"{e * 1000:+.0f}" for e in result.onset_errors_s)
    fitted = "word by word" if line.per_word else "to the line's span (the word counts differ)"
    console.print(f"line {result.line_id} in {result.take}: fitted {fitted}", highlight=False)
    console.print(f"stretch factors: {' '.join(f'{f:.2f}' for f in line.stretch_factors)}", highlight=False)
    console.print(f"onset errors (ms, by aligning it again): {errors}", highlight=False)
    console.print(
        f"loudness {line.loudness_lufs:.1f} LUFS (original {line.original_lufs:.1f} LUFS)", highlight=False
    )
    console.print(f"wrote {result.wav}\nwrote {result.timeline}", highlight=False)


@click.command("clean-version")
@click.argument("project", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--words",
    "words_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Your own word list (one word or phrase a line), added to the shipped one.",
)
@click.option("--no-shipped", is_flag=True, help="Use only your own list.")
@click.option(
    "--with",
    "method",
    type=click.Choice(["bleep", "dip", "take", "adr"]),
    default="bleep",
    show_default=True,
    help="What replaces each word: a 1 kHz bleep, room tone, the line from a take without it, temp ADR.",
)
@click.option("--substitute", default="darn", show_default=True, help="The word temp ADR says instead.")
@click.option("--format", "formats", multiple=True, help="Formats to write (default: every one).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder.")
def clean_version(
    project: Path,
    words_file: Path | None,
    no_shipped: bool,
    method: str,
    substitute: str,
    formats: tuple[str, ...],
    out: Path | None,
) -> None:
    """Write a clean version of PROJECT's cut: listed words replaced, a second timeline and an EDL."""
    from roughcut.app.alternate import clean_version_project

    result = clean_version_project(
        project,
        words_file=words_file,
        method=method,
        shipped=not no_shipped,
        substitute=substitute,
        out_dir=out,
        formats=formats or None,
    )
    words = sum(len(change.replacements) for change in result.changes)
    console.print(f"{words} words replaced in {len(result.changes)} clips ({result.words_listed} listed)")
    for change in result.changes:
        said = ", ".join(r.word for r in change.replacements)
        console.print(
            f"  {change.take} frames {change.record_in}-{change.record_out}: {said}", highlight=False
        )
    for note in result.notes:
        console.print(f"note: {note}", highlight=False)
    for path in [*result.paths.values(), *([result.changes_edl] if result.changes_edl else [])]:
        console.print(f"wrote {path}", highlight=False)


COMMANDS = [adr, clean_version]
