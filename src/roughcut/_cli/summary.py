"""``roughcut summary``: contact sheets and dailies, a scene's summary reel, a trailer, keyframes."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import click

from roughcut.progress import LineConsole

console = LineConsole()
#: The formats of :data:`roughcut.export.FORMATS` (named here so the CLI starts without OTIO).
EXPORTS = ("otio", "fcp7", "fcpx", "edl", "aaf", "ale", "kdenlive", "srt", "vtt", "html", "mp4")


def _out(project_dir: Path, out: Path | None) -> Path:
    from roughcut.project import Project

    return out or Project.open(project_dir).output_dir


def _say(problems: Iterable[object]) -> None:
    for problem in problems:
        console.print(f"[yellow]warning:[/yellow] {problem}", highlight=False)


@click.group()
def summary() -> None:
    """Summaries: contact sheets, a scene's summary reel, a trailer, keyframes of footage."""


@summary.command()
@click.argument("project", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--every", type=float, default=5.0, show_default=True, help="Seconds between frames without a script."
)
@click.option("--no-speech", is_flag=True, help="Frames every --every seconds, without the script.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
def sheets(project: Path, every: float, no_speech: bool, out: Path | None) -> None:
    """Contact sheets per take and scene (PNG) and a dailies report (PDF) for PROJECT."""
    from roughcut.app.analyze import analyze_project, analyze_takes
    from roughcut.errors import RoughcutError
    from roughcut.project import Project
    from roughcut.summary import contact_sheets, sheets_from_analysis

    opened = Project.open(project)
    if not opened.takes:
        raise RoughcutError(f"{opened.root}: no takes found")
    if opened.script is not None and not no_speech:
        analysis = analyze_project(opened)
        _say(analysis.problems)
        result = sheets_from_analysis(analysis, _out(project, out), every_seconds=every)
    else:
        takes = analyze_takes(opened, speech=False, tolerant=True)
        _say(str(e) for e in takes.vision.errors)
        result = contact_sheets(
            opened.root,
            takes.vision.takes,
            _out(project, out),
            characters=takes.characters,
            every_seconds=every,
        )
    _say(result.problems)
    console.print(f"dailies report: {result.pdf} ({result.pages} pages)")
    for label, path in result.pngs.items():
        console.print(f"  {label}: {path}")


@summary.command()
@click.argument("project", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--length", "seconds", type=float, default=30.0, show_default=True, help="Seconds.")
@click.option("--scene", help="Scene number (default: the first with dialogue).")
@click.option(
    "--style", default="default", show_default=True, help="The editing style that picks each line's take."
)
@click.option("--format", "formats", multiple=True, type=click.Choice(EXPORTS), help="Export only these.")
@click.option("--no-preview", is_flag=True, help="Skip the preview MP4.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
def reel(
    project: Path,
    seconds: float,
    scene: str | None,
    style: str,
    formats: tuple[str, ...],
    no_preview: bool,
    out: Path | None,
) -> None:
    """A summary reel of a scene: its most important whole lines, cut at pauses, to --length."""
    from roughcut.app.analyze import analyze_project, scene_coverage
    from roughcut.project import Project
    from roughcut.summary import scene_reel

    analysis = analyze_project(Project.open(project))
    _say(analysis.problems)
    chosen = [f for f in (formats or EXPORTS) if not (no_preview and f == "mp4")]
    result = scene_reel(
        scene_coverage(analysis, scene),
        analysis.alignments,
        seconds=seconds,
        text=analysis.text,
        style=style,
        out_dir=_out(project, out),
        formats=chosen,
    )
    rate = result.rate
    for clip in result.clips:
        console.print(
            f"{float(clip.record_in / rate):7.2f} s  {clip.line_id:>6}  {clip.character:<10} "
            f"{float(clip.frames / rate):5.2f} s  {clip.take}  ({'; '.join(clip.reasons)})",
            highlight=False,
        )
    console.print(
        f"scene {result.scene}: {result.frames} frames = {result.seconds:.3f} s "
        f"(asked {result.requested_frames} frames)"
    )
    _say(result.notes)
    for fmt, path in result.paths.items():
        console.print(f"  {fmt}: {path}")


@summary.command()
@click.argument("project", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--length", "seconds", type=float, default=30.0, show_default=True, help="Seconds.")
@click.option("--no-preview", is_flag=True, help="Skip the preview MP4.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
def trailer(project: Path, seconds: float, no_preview: bool, out: Path | None) -> None:
    """A trailer across the scenes of PROJECT: the strongest moments, faster and faster."""
    from roughcut.app.analyze import analyze_project, scene_coverage
    from roughcut.errors import RoughcutError
    from roughcut.project import Project
    from roughcut.summary import trailer as make_trailer

    analysis = analyze_project(Project.open(project))
    _say(analysis.problems)
    coverages = []
    for scene in analysis.script.scenes:
        if not scene.lines:
            continue
        try:
            coverages.append(scene_coverage(analysis, scene.number))
        except RoughcutError as exc:
            _say([f"scene {scene.number}: {exc}"])
    result = make_trailer(
        coverages,
        analysis.alignments,
        seconds=seconds,
        out_dir=_out(project, out),
        formats=("otio",) if no_preview else ("otio", "mp4"),
    )
    for moment, length in zip(result.moments, result.clip_frames, strict=True):
        console.print(
            f"{float(length / result.rate):5.2f} s  scene {moment.scene} line {moment.line_id}  "
            f"{moment.take}  strength {moment.strength:.2f} ({'; '.join(moment.reasons)})",
            highlight=False,
        )
    console.print(f"trailer: {float(result.frames / result.rate):.3f} s (asked {seconds:g} s)")
    _say(result.notes)
    for fmt, path in result.paths.items():
        console.print(f"  {fmt}: {path}")


@summary.command()
@click.argument("video", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--per-shot", type=int, default=3, show_default=True, help="Most keyframes a shot gets.")
@click.option("--sample-fps", type=float, default=4.0, show_default=True, help="Frames sampled per second.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default beside VIDEO, roughcut_out).",
)
def keyframes(video: Path, per_shot: int, sample_fps: float, out: Path | None) -> None:
    """Keyframes of VIDEO (no script needed): a storyboard PNG and an OTIO with a marker per keyframe."""
    from roughcut.errors import ConfigError
    from roughcut.summary import vsumm_keyframes, write_keyframe_summary

    if per_shot < 1 or sample_fps <= 0:
        raise ConfigError("--per-shot must be 1 or more and --sample-fps positive")
    found = vsumm_keyframes(video, sample_fps=sample_fps, max_per_shot=per_shot)
    paths = write_keyframe_summary(found, out or video.resolve().parent / "roughcut_out")
    console.print(
        f"{len(found.keyframes)} keyframes in {len(found.shots)} shots: {', '.join(map(str, found.frames))}"
    )
    for kind, path in paths.items():
        console.print(f"  {kind}: {path}")


COMMANDS = [summary]
