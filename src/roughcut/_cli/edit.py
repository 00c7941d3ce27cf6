"""``roughcut edit``: cut every dialogue scene (or one, ``--scene N``) by editing idioms and deliver
each, plus the sequence of all scenes, to every editing system."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from roughcut.errors import ConfigError
from roughcut.export.formats import export_formats
from roughcut.progress import LineConsole

console = LineConsole()
EXPORTS = tuple(export_formats())  # the one registry of formats (it imports no OTIO)


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, item = value.partition("=")
        if not sep or not key or not item:
            raise ConfigError(f"{option} {value!r}: expected NAME=VALUE")
        pairs[key.strip()] = item.strip()
    return pairs


def _params(values: tuple[str, ...]) -> dict[str, dict[str, object]]:
    """``IDIOM.NAME=VALUE`` options as idiom parameters, each of the type of its default."""
    from roughcut.edit import registry

    params: dict[str, dict[str, object]] = {}
    for key, value in _pairs(values, "--param").items():
        idiom, dot, name = key.partition(".")
        if not dot:
            raise ConfigError(f"--param {key}={value}: expected IDIOM.PARAMETER=VALUE")
        item = registry().get(idiom)
        if item is None:
            raise ConfigError(
                f"--param {key}={value}: unknown idiom {idiom!r}; idioms: {', '.join(registry())}"
            )
        if name not in item.params:
            known = ", ".join(item.params) or "none"
            raise ConfigError(
                f"--param {key}={value}: idiom {idiom!r} has no parameter {name!r}; its parameters: {known}"
            )
        params.setdefault(idiom, {})[name] = _typed(value, item.params[name], f"--param {key}={value}")
    return params


def _typed(value: str, default: object, where: str) -> object:
    """``value`` read as the type of ``default`` (a finite number, true/false or text)."""
    import math

    if isinstance(default, bool):
        if value.lower() in ("true", "yes", "1", "false", "no", "0"):
            return value.lower() in ("true", "yes", "1")
        raise ConfigError(f"{where}: expected true or false")
    if isinstance(default, int | float):
        try:
            number = int(value) if isinstance(default, int) else float(value)
        except ValueError:
            kind = "a whole number" if isinstance(default, int) else "a number"
            raise ConfigError(f"{where}: expected {kind}") from None
        if math.isnan(number) or (math.isinf(number) and not math.isinf(default)):
            raise ConfigError(f"{where}: expected a finite number")
        return number
    return value


def _pace(value: str | None) -> str | float | None:
    if value is None:
        return None
    try:
        scale = float(value)
    except ValueError:
        return value
    import math

    if not math.isfinite(scale) or scale <= 0:
        raise ConfigError(f"--pace {value}: expected tight, normal, relaxed or a positive pause scale")
    return scale


@click.command()
@click.argument("project", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--scene", help="Cut only this scene (its number as in the script, e.g. 2 or 12A).")
@click.option(
    "--style",
    help="A named style (default, paper, dramatic, fast, slow, reactive, wide, or roughcut.toml's).",
)
@click.option(
    "--idiom",
    "idioms",
    multiple=True,
    metavar="NAME=WEIGHT",
    help="Weight of one idiom, e.g. speaker_visible=2.",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="IDIOM.NAME=VALUE",
    help="e.g. emphasize_character.character=NORA.",
)
@click.option("--pace", help="tight, normal, relaxed, or a pause scale such as 0.8.")
@click.option(
    "--pin", "pins", multiple=True, metavar="LINE=TAKE", help="Keep TAKE for LINE, e.g. 1.3=B01_nora_cu."
)
@click.option(
    "--j-cut", type=int, default=0, show_default=True, help="Frames the incoming sound leads each cut."
)
@click.option(
    "--l-cut", type=int, default=0, show_default=True, help="Frames the outgoing sound trails each cut."
)
@click.option(
    "--format", "formats", multiple=True, type=click.Choice(EXPORTS), help="Export only these (repeatable)."
)
@click.option("--no-preview", is_flag=True, help="Skip the preview MP4.")
@click.option("--no-burn-in", is_flag=True, help="Preview without line ids and take names in the picture.")
@click.option("--multicam", is_flag=True, help="Switch synchronised angles of one performance instead.")
@click.option(
    "--angle", "angles", multiple=True, metavar="TAKE", help="Multicam: an angle to use (default all)."
)
@click.option("--min-shot", type=float, default=1.5, show_default=True, help="Multicam: shortest shot, s.")
@click.option(
    "--wide-every", type=float, default=20.0, show_default=True, help="Multicam: go wide this often, s."
)
@click.option(
    "--speaker-delay",
    type=float,
    default=0.3,
    show_default=True,
    help="Multicam: delay after a new speaker, s.",
)
@click.option("--dialogue-take", help="Multicam: the angle whose sound is the dialogue (default the widest).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default PROJECT/roughcut_out).",
)
def edit(  # type: ignore[no-untyped-def]
    project,
    scene,
    style,
    idioms,
    params,
    pace,
    pins,
    j_cut,
    l_cut,
    formats,
    no_preview,
    no_burn_in,
    multicam,
    angles,
    min_shot,
    wide_every,
    speaker_delay,
    dialogue_take,
    out,
) -> None:
    """Cut every dialogue scene in PROJECT (or only --scene N) and write timelines, subtitles, a
    report and a preview per scene, and the sequence of all scenes in script order."""
    from roughcut.app import edit_scenes

    chosen = list(formats or EXPORTS)
    if no_preview and "mp4" in chosen:
        chosen.remove("mp4")
    result = edit_scenes(
        project,
        scene=scene,
        style=style,
        weights=_pairs(idioms, "--idiom"),
        params=_params(params),
        pins=_pairs(pins, "--pin"),
        pace=_pace(pace),
        j_cut_frames=j_cut,
        l_cut_frames=l_cut,
        out_dir=out,
        formats=chosen,
        burn_in=not no_burn_in,
        multicam=(
            {
                "angles": list(angles) or None,
                "min_shot_seconds": min_shot,
                "wide_every_seconds": wide_every,
                "speaker_delay_seconds": speaker_delay,
                "dialogue_take": dialogue_take,
            }
            if multicam
            else None
        ),
    )
    print_scenes(result)
    if scene is None:
        _say_takes_left_out(project, result)


def print_scenes(result) -> None:  # type: ignore[no-untyped-def]
    """Every scene's cut (:func:`print_cut`), the scenes not cut and why, notes on where takes were
    placed, and the sequence's files."""
    for edit in result.scenes.values():
        print_cut(edit)
    for note in result.notes:
        console.print(f"[yellow]note:[/yellow] {note}", highlight=False)
    for uncovered in result.uncovered:
        console.print(f"[yellow]warning:[/yellow] {uncovered}", highlight=False)
    if result.sequence is not None:
        console.print(f"Sequence of scenes {', '.join(result.scenes)}:")
        print_files(result.sequence)


def _say_takes_left_out(project_dir: Path, result) -> None:  # type: ignore[no-untyped-def]
    """A warning per take of the project that is in no scene's cut coverage (it could not be read,
    or no scene's lines were found in it)."""
    from roughcut.project import Project

    project = Project.open(project_dir)
    used = {
        Path(t["path"]).resolve()
        for edit in result.scenes.values()
        for t in edit.timeline.metadata.get("roughcut", {}).get("takes", [])
    }
    for take in project.takes:
        if take.resolve() not in used:
            console.print(
                f"[yellow]warning:[/yellow] {project.take_name(take)}: left out of the cut (it could not "
                "be read or analysed, or holds no scene's lines; `roughcut analyze` says why)",
                highlight=False,
            )


def print_cut(result) -> None:  # type: ignore[no-untyped-def]
    """The cut as a table, its warnings, the files written and the read-back check."""
    cut = result.cut
    table = Table(title=f"Scene {cut.scene}: style {cut.style}, pace {cut.pace.name}")
    for column in ("line", "who", "take", "record in", "decided by", "next best"):
        table.add_column(column)
    for line in cut.lines:
        seconds = f"{float(line.record_in / cut.rate):.2f} s"
        best = line.alternatives[0] if line.alternatives else None
        alternative = f"{best.take} (+{best.margin:.2f}, {best.idiom})" if best else "-"
        take = (line.take or "[red]GAP[/red]") + (" (pinned)" if line.pinned else "")
        table.add_row(line.line_id, line.character, take, seconds, line.idiom, alternative)
    console.print(table)
    console.print(
        f"{len(cut.shots())} shots, mean {cut.mean_shot_seconds():.2f} s, total cost {cut.cost:.2f}"
    )
    for warning in cut.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    print_files(result)


def print_files(result) -> None:  # type: ignore[no-untyped-def]
    """The files written and the read-back check of an ``EditResult`` or ``SequenceResult``."""
    for fmt, path in result.paths.items():
        console.print(f"  {fmt}: {path}")
    for fmt, problems in result.round_trip.items():
        if problems:
            console.print(f"[red]{fmt} does not read back frame-exact:[/red] {problems[0]}", highlight=False)
    exact = [fmt for fmt, problems in result.round_trip.items() if not problems]
    if exact:
        console.print(f"read back frame-exact through OpenTimelineIO: {', '.join(exact)}")


COMMANDS = [edit]
