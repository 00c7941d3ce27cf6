"""``roughcut search`` (find lines, words said, people, framing, emotion in the takes) and
``roughcut log`` (the per-take log as CSV, ALE and OTIO)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from roughcut.progress import LineConsole

console = LineConsole()


def _timecode(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes):02d}:{rest:06.3f}"


@click.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("query", default="")
@click.option("--who", default=None, help="Only lines this character speaks.")
@click.option("--seen", default=None, help="Only stretches where this character (or person id) is on screen.")
@click.option("--size", default=None, help="Only this shot size (CU, MCU, MS, ...; several with commas).")
@click.option(
    "--emotion", default=None, help="Only this emotion (joy, sadness, anger, fear, surprise, disgust)."
)
@click.option("--take", default=None, help="Only takes whose name holds this.")
@click.option("--scene", default=None, help="Only this scene (its number).")
@click.option(
    "--kind",
    type=click.Choice(["line", "said"]),
    default=None,
    help="Script lines, or words said off the script.",
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=50, show_default=True, help="At most this many hits."
)
@click.option(
    "--otio",
    "otio_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the hits as an OTIO bin.",
)
@click.option(
    "--markers", is_flag=True, help="In the bin, each take once with a marker per hit (not subclips)."
)
@click.option("--thumbnails", is_flag=True, help="Make a thumbnail per hit in the output folder.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
def search(
    directory: Path,
    query: str,
    who: str | None,
    seen: str | None,
    size: str | None,
    emotion: str | None,
    take: str | None,
    scene: str | None,
    kind: str | None,
    limit: int,
    otio_path: Path | None,
    markers: bool,
    thumbnails: bool,
    as_json: bool,
) -> None:
    """Search the takes of DIRECTORY for QUERY: script lines, words said, characters, people on
    screen, shot size, emotion, take and scene. Typos and word endings are forgiven; "quoted words"
    match as a phrase; field:value words filter (who:NORA size:CU emotion:anger take:B02 scene:1)."""
    from roughcut.app.search import ProjectSearch
    from roughcut.search.bin import hit_metadata

    found = ProjectSearch(directory)
    filters = {
        "who": who,
        "seen": seen,
        "size": size,
        "emotion": emotion,
        "take": take,
        "scene": scene,
        "kind": kind,
    }
    result = found.search(query, limit=limit, **filters)
    pictures = found.hit_thumbnails(result) if thumbnails else []
    if otio_path is not None:
        found.write_bin(result, otio_path, query=query, markers=markers)
    if as_json:
        rows = [hit_metadata(h.record, score=h.score) for h in result.hits]
        for row, picture in zip(rows, pictures, strict=False):
            row["thumbnail"] = str(picture)
        click.echo(json.dumps({"query": query, "filters": result.filters, "hits": rows}, indent=2))
        return
    widened = [
        f"{word} → {', '.join(v for v in variants if v != word)}"
        for word, variants in result.terms
        if len(variants) > 1
    ]
    if widened:
        console.print("also matching: " + "; ".join(widened))
    table = Table(title=f"{len(result.hits)} hits for {query!r}" if query else f"{len(result.hits)} hits")
    for column in ("take", "scene", "time", "line", "who", "size", "emotion", "text"):
        table.add_column(column, overflow="fold")
    for hit in result.hits:
        r = hit.record
        text = r.script if r.kind == "line" else f"(said) {r.said}"
        table.add_row(
            r.take,
            r.scene,
            f"{_timecode(r.start_s)}-{_timecode(r.end_s)}",
            r.line_id or "-",
            r.character or "-",
            r.shot_size or "-",
            r.emotion,
            text,
        )
    console.print(table)
    if pictures:
        console.print(f"thumbnails in {pictures[0].parent}")
    if otio_path is not None:
        console.print(f"wrote {otio_path}")


@click.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder (default: the project's output folder).",
)
def log(directory: Path, out_dir: Path | None) -> None:
    """Write the per-take log of DIRECTORY (scene, lines, characters, persons, shot sizes, emotion,
    words said) as takes_log.csv, .ale and .otio."""
    from roughcut.app.search import write_take_log

    for fmt, path in write_take_log(directory, out_dir=out_dir).items():
        console.print(f"{fmt}: {path}")


COMMANDS = [search, log]
