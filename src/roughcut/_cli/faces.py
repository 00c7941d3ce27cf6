"""``roughcut redact``: hide chosen persons' faces in a take (and the disclosed synthetic-face tools)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from roughcut.progress import LineConsole

console = LineConsole()
F = TypeVar("F", bound=Callable[..., object])


@click.command()
@click.argument("take", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--person",
    "person_ids",
    multiple=True,
    help="A person of the take by the vision stage's id (person1, person2...); repeatable.",
)
@click.option(
    "--like",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A photograph of the person to hide (repeatable: several photos of one person).",
)
@click.option("--blur", "style", flag_value="blur", default=True, help="Blur the faces (the default).")
@click.option("--pixelate", "style", flag_value="pixelate", help="Pixelate the faces.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Output MP4 (default TAKE_redacted.mp4)."
)
@click.option(
    "--force", is_flag=True, help="Replace an existing output file even if roughcut did not make it."
)
def redact(
    take: Path, person_ids: tuple[str, ...], like: tuple[Path, ...], style: str, out: Path | None, force: bool
) -> None:
    """Blur or pixelate chosen persons' faces through TAKE, into a new file with the sound untouched."""
    from roughcut.picture.redact import redact_take
    from roughcut.store import Store

    report = redact_take(
        take, out, person_ids=person_ids, like=like, style=style, store=Store(), overwrite=force
    )
    for person in report.persons:
        distance = report.distances.get(person)
        said = f" (distance {distance:.2f} to the photograph)" if distance is not None else ""
        console.print(f"hid {person}{said}", highlight=False)
    done = {"blur": "blurred", "pixelate": "pixelated"}[style]
    console.print(f"{report.frames_redacted} of {report.frames} frames {done}", highlight=False)
    console.print(f"wrote {report.path}", highlight=False)


def _synthetic_options(person_help: str) -> Callable[[F], F]:
    """The options both synthetic-face commands take: the consent flag, who (``--person``, with
    ``person_help``, or ``--like`` photographs), ``--out`` and ``--force``."""
    options = (
        click.option(
            "--i-understand-this-is-synthetic",
            "consent",
            is_flag=True,
            help="Required: the render shows a face that was never filmed (labelled SYNTHETIC, disclosed).",
        ),
        click.option("--person", "person_ids", multiple=True, help=person_help),
        click.option("--like", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Output MP4."),
        click.option("--force", is_flag=True, help="Replace an existing output file."),
    )

    def apply(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


def _disclose(report) -> None:
    console.print(report.disclosure, highlight=False)
    console.print(
        f"{report.faces} faces changed in {report.frames} frames, each labelled SYNTHETIC", highlight=False
    )
    console.print(f"wrote {report.path}", highlight=False)


@click.command("replace-face")
@click.argument("take", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("portrait", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_synthetic_options("The person to replace (person1...).")
def replace_face(
    take: Path,
    portrait: Path,
    consent: bool,
    person_ids: tuple[str, ...],
    like: tuple[Path, ...],
    out: Path | None,
    force: bool,
) -> None:
    """SYNTHETIC: replace a person's face in TAKE with the face in PORTRAIT (labelled, disclosed)."""
    from roughcut.picture.face_swap import replace_face as run
    from roughcut.store import Store

    report = run(
        take, portrait, out, consent=consent, person_ids=person_ids, like=like, store=Store(), overwrite=force
    )
    _disclose(report)


@click.command("retime-lips")
@click.argument("take", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("line", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--text", required=True, help="The words the LINE recording says.")
@click.option(
    "--at", "start_s", type=float, default=0.0, show_default=True, help="Where in TAKE the line starts (s)."
)
@_synthetic_options("The person whose mouth moves (person1...).")
def retime_lips(
    take: Path,
    line: Path,
    text: str,
    start_s: float,
    consent: bool,
    person_ids: tuple[str, ...],
    like: tuple[Path, ...],
    out: Path | None,
    force: bool,
) -> None:
    """SYNTHETIC: move a person's mouth in TAKE to the visemes of LINE (a temp ADR recording)."""
    from roughcut.picture.face_swap import retime_lips as run
    from roughcut.store import Store

    report = run(
        take,
        line,
        text,
        out,
        start_s=start_s,
        consent=consent,
        person_ids=person_ids,
        like=like,
        store=Store(),
        overwrite=force,
    )
    _disclose(report)


COMMANDS = [redact, replace_face, retime_lips]
