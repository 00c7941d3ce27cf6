"""``roughcut restore`` and ``roughcut mocap``: a take in, a new file out."""

from __future__ import annotations

from pathlib import Path

import click

from roughcut.progress import LineConsole

console = LineConsole()


@click.command()
@click.argument("take", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--denoise", is_flag=True, help="Temporal denoising (motion-compensated, five frames).")
@click.option("--deflicker", is_flag=True, help="Steady each frame's luminance to its shot's trend.")
@click.option("--dust", is_flag=True, help="Remove dust and scratches seen in one frame only.")
@click.option("--stabilise", is_flag=True, help="Smooth the camera path (the clean crop is reported).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Where to write.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
def restore(
    take: Path, denoise: bool, deflicker: bool, dust: bool, stabilise: bool, out: Path | None, force: bool
) -> None:
    """Restore TAKE's picture into a new file (TAKE's name with .restored.mp4 unless --out), its
    sound copied through. Never over the take, nor over a file roughcut did not make without --force."""
    from roughcut.errors import RoughcutError
    from roughcut.picture.restore import RestoreOptions, restore_take

    if not (denoise or deflicker or dust or stabilise):
        raise RoughcutError("say what to repair: --denoise, --deflicker, --dust and/or --stabilise")
    target = out or take.with_name(f"{take.stem}.restored.mp4")
    options = RestoreOptions(denoise=denoise, deflicker=deflicker, dust=dust, stabilise=stabilise)
    report = restore_take(take, target, options, overwrite=force)
    if denoise:
        console.print(
            f"noise: {report.noise_sigma:.1f} grey levels, denoised: {report.denoised}", highlight=False
        )
    if deflicker:
        low, high = report.flicker_gain_range
        console.print(f"deflicker: gains {low:.3f} to {high:.3f}", highlight=False)
    if dust:
        console.print(
            f"dust: {report.speck_pixels} pixels filled in {report.frames_with_specks} frames",
            highlight=False,
        )
    if stabilise:
        x, y, w, h = report.crop
        console.print(
            f"stabilise: largest correction {report.max_correction_px:.1f} px; "
            f"clean crop {w}x{h} at ({x}, {y})",
            highlight=False,
        )
    for note in report.notes:
        console.print(f"note: {note}", highlight=False)
    console.print(f"wrote {target} ({report.frames} frames)")


@click.command()
@click.argument("take", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Where to write.")
@click.option("--start", "start_frame", type=click.IntRange(min=0), default=0, help="First frame.")
@click.option("--end", "end_frame", type=click.IntRange(min=1), default=None, help="Frame to stop before.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
def mocap(take: Path, out: Path | None, start_frame: int, end_frame: int | None, force: bool) -> None:
    """Body motion of the person in TAKE as a BVH skeleton (TAKE's name with .bvh unless --out), at
    the take's frame rate."""
    from roughcut.picture.mocap import take_to_bvh

    target = out or take.with_name(f"{take.stem}.bvh")
    motion = take_to_bvh(take, target, start_frame=start_frame, end_frame=end_frame, overwrite=force)
    seen = int(motion.detected.sum())
    console.print(
        f"person found in {seen} of {len(motion.detected)} frames at {float(motion.frame_rate):.3f} fps",
        highlight=False,
    )
    console.print(f"wrote {target}")


COMMANDS = [restore, mocap]
