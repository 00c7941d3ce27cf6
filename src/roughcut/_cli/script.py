"""``roughcut script``: read a screenplay, check it, break it down, analyse its lines, convert it."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from roughcut.progress import LineConsole

console = LineConsole()

_FILE = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
_OUT = click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write into (default: the output folder of the script's own folder, "
    "roughcut_out beside it). roughcut never writes over a file it did not make.",
)


def _read(file: Path):  # type: ignore[no-untyped-def]
    from roughcut.script import read_script

    script = read_script(file)
    for warning in script.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    return script


def _written(paths: list[Path]) -> None:
    for path in paths:
        console.print(f"wrote {path}", highlight=False)


def _write(file: Path, out_dir: Path | None, files: dict[str, str]) -> None:
    """Write ``files`` (name → text) into ``out_dir``, by default the output folder of the folder
    the script lies in (its ``roughcut.toml`` ``output``, else ``roughcut_out``), never the current
    folder; every name is checked before any is written."""
    from roughcut.export.files import OutputDir

    if out_dir is None:
        from roughcut.config import CONFIG_NAME, read_config
        from roughcut.project import output_folder

        folder = file.resolve().parent
        config = read_config(folder / CONFIG_NAME)
        out_dir = output_folder(folder, config)
    _written(OutputDir(out_dir).write_many(files))


@click.group()
def script() -> None:
    """Screenplays: Fountain, Final Draft (.fdx) and NAME: line transcripts."""


@script.command()
@_FILE
def check(file: Path) -> None:
    """Read FILE and say what it holds: format, scenes, lines, characters, problems."""
    from roughcut.script import detect_format

    parsed = _read(file)
    text = file.read_bytes()[:4096].decode("utf-8", errors="replace")
    console.print(
        f"{file}: {detect_format(text, file)}, {len(parsed.scenes)} scenes, {len(parsed.lines)} dialogue "
        f"lines, characters: {', '.join(parsed.characters) or 'none'}",
        highlight=False,
    )


@script.command()
@_FILE
@_OUT
def breakdown(file: Path, out_dir: Path | None) -> None:
    """Break FILE down by scene and character; print the tables, write JSON and CSVs."""
    from roughcut.script.breakdown import breakdown as break_down
    from roughcut.script.output import breakdown_json, cast_csv, scenes_csv

    result = break_down(_read(file))
    table = Table(title=f"{result.title or file.name}: {len(result.scenes)} scenes, {result.pages:.2f} pages")
    for column in (
        "scene",
        "I/E",
        "location",
        "time",
        "length",
        "characters",
        "lines",
        "words",
        "page s",
        "dlg s",
    ):
        table.add_column(
            column, justify="right" if column in ("lines", "words", "page s", "dlg s") else "left"
        )
    for s in result.scenes:
        table.add_row(
            s.number,
            s.int_ext,
            s.location,
            s.time_of_day,
            s.length,
            ", ".join(s.characters),
            str(s.dialogue_lines),
            str(s.words),
            f"{s.page_seconds:.0f}",
            f"{s.dialogue_seconds:.0f}",
        )
    console.print(table)
    cast = Table(title="cast by size")
    for column in ("character", "lines", "words", "scenes", "dlg s"):
        cast.add_column(column)
    for m in result.cast:
        cast.add_row(m.character, str(m.lines), str(m.words), str(len(m.scenes)), f"{m.dialogue_seconds:.0f}")
    console.print(cast)
    console.print(
        f"screen time: {result.page_seconds / 60:.1f} min at a page a minute, "
        f"{result.dialogue_seconds / 60:.1f} min of dialogue at {result.words_per_minute} words a minute"
    )
    stem = file.stem
    _write(
        file,
        out_dir,
        {
            f"{stem}_breakdown.json": breakdown_json(result),
            f"{stem}_scenes.csv": scenes_csv(result),
            f"{stem}_cast.csv": cast_csv(result),
        },
    )


@script.command()
@_FILE
@_OUT
def lines(file: Path, out_dir: Path | None) -> None:
    """Write the dialogue of FILE as a CSV (line id, scene, character, text) editors can read."""
    from roughcut.script.output import dialogue_csv

    parsed = _read(file)
    _write(file, out_dir, {f"{file.stem}_dialogue.csv": dialogue_csv(parsed)})


@script.command()
@_FILE
@_OUT
def fountain(file: Path, out_dir: Path | None) -> None:
    """Convert FILE (Fountain, FDX or transcript) to Fountain in the output folder."""
    from roughcut.script import write_fountain

    parsed = _read(file)
    _write(file, out_dir, {f"{file.stem}.fountain": write_fountain(parsed)})


@script.command()
@_FILE
@_OUT
def analyze(file: Path, out_dir: Path | None) -> None:
    """Per-line sentiment, intensity, emotion, language and keywords; each scene's emotional arc."""
    import json
    from dataclasses import asdict

    from roughcut.script.analysis import INTENSE, analyze_lines, emotional_arcs

    parsed = _read(file)
    analyses = analyze_lines(parsed)
    arcs = emotional_arcs(parsed, analyses)
    table = Table(title=f"{file.name}: dialogue lines")
    for column in ("line", "character", "compound", "intensity", "emotion", "lang", "keywords", "text"):
        table.add_column(column)
    for line in parsed.lines:
        a = analyses[line.id]
        mark = "[bold]" if a.intensity >= INTENSE else ""
        table.add_row(
            line.id,
            line.character,
            f"{a.compound:+.2f}",
            f"{mark}{a.intensity:.2f}",
            a.emotion,
            a.language or "-",
            ", ".join(a.keywords[:3]),
            line.text if len(line.text) <= 50 else line.text[:49] + "…",
        )
    console.print(table)
    for arc in arcs.values():
        console.print(
            f"scene {arc.scene}: peaks {', '.join(arc.peaks) or '-'}; "
            f"valleys {', '.join(arc.valleys) or '-'}; climax {arc.climax or '-'}; "
            f"mean intensity {arc.mean_intensity:.2f}",
            highlight=False,
        )
    document = {
        "source": str(file),
        "intense_threshold": INTENSE,
        "lines": [asdict(a) for a in analyses.values()],
        "arcs": [asdict(arc) for arc in arcs.values()],
    }
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    _write(file, out_dir, {f"{file.stem}_text_analysis.json": text})


COMMANDS = [script]
