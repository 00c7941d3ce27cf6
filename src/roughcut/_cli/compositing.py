"""``roughcut background`` and ``roughcut grade``: picture tools that read a take and write a new file."""

from __future__ import annotations

from pathlib import Path

import click

from roughcut.progress import LineConsole

console = LineConsole()


@click.command()
@click.argument("take", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--with",
    "background",
    required=True,
    help="An image file, a video file (looped) or the word 'blur' (the take's own background, blurred).",
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Output MP4 (default TAKE_background.mp4)."
)
@click.option(
    "--force", is_flag=True, help="Replace an existing output file even if roughcut did not make it."
)
def background(take: Path, background: str, out: Path | None, force: bool) -> None:
    """Put the person in TAKE over a new background (a matte per frame, steadied and edge-refined)."""
    from roughcut.picture.background import replace_background

    written = replace_background(take, background, out, overwrite=force)
    console.print(f"wrote {written}", highlight=False)


@click.command()
@click.argument("take", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--match",
    "reference",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The reference take whose colour TAKE should match.",
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Graded MP4 (default TAKE_graded.mp4)."
)
@click.option(
    "--cdl", type=click.Path(dir_okay=False, path_type=Path), help="Also write the grade as an ASC CDL."
)
@click.option(
    "--cube",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the grade as a 33-point .cube LUT.",
)
@click.option("--no-render", is_flag=True, help="Write only the CDL and LUT, not the graded take.")
@click.option(
    "--force", is_flag=True, help="Replace existing output files even if roughcut did not make them."
)
def grade(
    take: Path,
    reference: Path,
    out: Path | None,
    cdl: Path | None,
    cube: Path | None,
    no_render: bool,
    force: bool,
) -> None:
    """Match TAKE's colour to a reference take of the same scene (faces' skin and whole frame, in Lab)."""
    from roughcut.picture.colour import match_colour

    result = match_colour(take, reference, out, cdl=cdl, cube=cube, render=not no_render, overwrite=force)
    if result.take.skin is None or result.reference.skin is None:
        console.print("no faces in both takes: matched on the whole frame only", highlight=False)
    console.print(f"CDL fit RMS error {result.cdl.rms_error * 255:.1f} (0-255 scale)", highlight=False)
    for path in (result.rendered, result.cdl_path, result.cube_path):
        if path is not None:
            console.print(f"wrote {path}", highlight=False)


COMMANDS = [background, grade]
