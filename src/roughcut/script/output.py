"""Files the script commands make: breakdown JSON and CSVs, the dialogue CSV, Fountain.

Everything is written into one output folder, and never over a file roughcut did not make: the
folder keeps a list of the files roughcut wrote there (:data:`MANIFEST`), and a file that exists
and is not on the list stops the whole write before anything is written.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from roughcut.errors import RoughcutError
from roughcut.script.breakdown import Breakdown
from roughcut.script.model import Script

MANIFEST = ".roughcut-made"


def dialogue_csv(script: Script) -> str:
    """The dialogue as CSV, one row per line: ``line_id, scene, character, extension,
    parenthetical, text, words``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["line_id", "scene", "character", "extension", "parenthetical", "text", "words"])
    for line in script.lines:
        writer.writerow(
            [line.id, line.scene, line.character, line.extension, line.parenthetical, line.text, line.words]
        )
    return out.getvalue()


def scenes_csv(result: Breakdown) -> str:
    """One row per scene of a breakdown; ``length`` in eighths as breakdown sheets write it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "scene",
            "int_ext",
            "location",
            "time_of_day",
            "length",
            "eighths",
            "characters",
            "dialogue_lines",
            "words",
            "page_seconds",
            "dialogue_seconds",
            "heading",
        ]
    )
    for s in result.scenes:
        writer.writerow(
            [
                s.number,
                s.int_ext,
                s.location,
                s.time_of_day,
                s.length,
                s.eighths,
                " ".join(s.characters),
                s.dialogue_lines,
                s.words,
                f"{s.page_seconds:.1f}",
                f"{s.dialogue_seconds:.1f}",
                s.heading,
            ]
        )
    return out.getvalue()


def cast_csv(result: Breakdown) -> str:
    """One row per speaking character, largest part first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["character", "lines", "words", "scenes", "dialogue_seconds"])
    for member in result.cast:
        writer.writerow(
            [
                member.character,
                member.lines,
                member.words,
                " ".join(member.scenes),
                f"{member.dialogue_seconds:.1f}",
            ]
        )
    return out.getvalue()


def breakdown_json(result: Breakdown) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"


def write_outputs(out_dir: str | Path, files: dict[str, str]) -> list[Path]:
    """Write ``files`` (name → text) into ``out_dir``; raise :class:`RoughcutError` naming the first
    file that exists and that roughcut did not make, before writing anything."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise RoughcutError(f"{out_dir}: exists and is not a folder")
    manifest = out_dir / MANIFEST
    made = set(manifest.read_text(encoding="utf-8").split("\n")) if manifest.is_file() else set()
    for name in files:
        if Path(name).name != name or name == MANIFEST:
            raise ValueError(f"output name {name!r} must be a plain file name")
        path = out_dir / name
        if path.exists() and name not in made:
            raise RoughcutError(f"{path}: exists and was not made by roughcut; not overwritten")
    out_dir.mkdir(parents=True, exist_ok=True)
    made.update(files)
    manifest.write_text("\n".join(sorted(n for n in made if n)) + "\n", encoding="utf-8")
    written = []
    for name, text in files.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
