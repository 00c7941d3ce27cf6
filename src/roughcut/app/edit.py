"""Edit a project folder end to end: coverage → cut → timeline → files in the output folder.

This is what ``roughcut edit``, the editing room and the pipeline call. The coverage comes from the
project's real analysis (:func:`roughcut.app.analyze.analyze_project`: speech alignment, vision,
text; cached in the store), unless a caller passes one, as tests do with
:func:`~roughcut.edit.coverage.coverage_from_demo_truth`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import opentimelineio as otio

from roughcut.app.ingest import coverage_with_angles
from roughcut.edit.coverage import SceneCoverage
from roughcut.edit.cut import Cut
from roughcut.edit.editor import edit_scene
from roughcut.edit.multicam import switch_multicam
from roughcut.edit.styles import styles_from_config
from roughcut.edit.timeline import SyncedSound, to_timeline
from roughcut.errors import ConfigError, RoughcutError
from roughcut.project import Project


@dataclass(frozen=True)
class EditResult:
    """The cut, its timeline, the files written (by format) and what did not read back frame-exact."""

    cut: Cut
    timeline: otio.schema.Timeline
    paths: dict[str, Path]
    round_trip: dict[str, list[str]]


def resolve_pins(coverage: SceneCoverage, pins: Mapping[str, str]) -> dict[str, str]:
    """Pins with takes given by full name, file stem (``B01_nora_cu``) or a unique prefix."""
    names = [t.name for t in coverage.takes]
    resolved = {}
    for line_id, wanted in pins.items():
        if wanted in names:
            resolved[line_id] = wanted
            continue
        matches = [n for n in names if Path(n).stem == wanted] or [n for n in names if n.startswith(wanted)]
        if len(matches) != 1:
            found = "no take" if not matches else f"{len(matches)} takes"
            raise ConfigError(f"pin {line_id}={wanted}: {found} match; takes: {', '.join(names)}")
        resolved[line_id] = matches[0]
    return resolved


def synced_sound(project: Project, coverage: SceneCoverage) -> dict[str, SyncedSound]:
    """Each take of ``coverage`` matched to the project's external sound, by take name (empty when
    the project has none). Matches are cached in the store, so after ``ingest`` this decodes nothing;
    a take that matches nothing keeps its scratch sound."""
    if not project.audio:
        return {}
    from roughcut.audio.sync import group_takes_with_sound
    from roughcut.media import probe

    takes = {take.path.resolve(): take.name for take in coverage.takes if take.has_audio}
    found = {}
    for group in group_takes_with_sound(list(takes), project.audio):
        if group.sound is None or group.offset_s is None:
            continue
        info = probe(group.sound)
        found[takes[Path(group.take).resolve()]] = SyncedSound(
            path=Path(group.sound),
            offset_s=group.offset_s,
            drift_ppm=group.drift_ppm,
            duration_s=float(info.duration),
            confidence=group.confidence,
            time_of_day_s=float(info.time_of_day_s) if info.time_of_day_s is not None else None,
        )
    return found


def edit_project(
    directory: str | Path,
    *,
    style: str | None = None,
    weights: Mapping[str, Any] | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    pins: Mapping[str, str] | None = None,
    pace: str | float | None = None,
    j_cut_frames: int = 0,
    l_cut_frames: int = 0,
    out_dir: str | Path | None = None,
    formats: Iterable[str] | None = None,
    coverage: SceneCoverage | None = None,
    multicam: Mapping[str, Any] | None = None,
    burn_in: bool = True,
    scene: str | None = None,
) -> EditResult:
    """Cut one scene of the project in ``directory`` (``scene``, its number as in the script;
    default: the first dialogue scene with coverage) and write ``formats`` (default: all) into
    ``out_dir`` (default: the project's output folder) as ``scene_<number>.<suffix>``.
    ``roughcut.toml``'s ``[edit]`` table gives the defaults for ``style``, ``pace`` and idiom
    weights (``[edit.idioms]``) and defines styles (``[edit.styles.NAME]``); arguments override it.
    ``multicam`` (keyword arguments of :func:`~roughcut.edit.multicam.switch_multicam`) switches
    synchronised angles instead. :func:`edit_scenes` cuts every scene."""
    project = Project.open(directory)
    analysed = coverage is None and project.config.coverage != "truth"
    if coverage is None:
        from roughcut.app.analyze import project_coverage

        coverage = project_coverage(project.root, scene=scene)
    return _edit_coverage(
        project,
        coverage,
        style=style,
        weights=weights,
        params=params,
        pins=pins,
        pace=pace,
        j_cut_frames=j_cut_frames,
        l_cut_frames=l_cut_frames,
        out_dir=out_dir,
        formats=formats,
        multicam=multicam,
        burn_in=burn_in,
        log=analysed,
    )


def _edit_coverage(
    project: Project,
    coverage: SceneCoverage,
    *,
    style: str | None,
    weights: Mapping[str, Any] | None,
    params: Mapping[str, Mapping[str, Any]] | None,
    pins: Mapping[str, str] | None,
    pace: str | float | None,
    j_cut_frames: int,
    l_cut_frames: int,
    out_dir: str | Path | None,
    formats: Iterable[str] | None,
    multicam: Mapping[str, Any] | None,
    burn_in: bool,
    log: bool = False,
) -> EditResult:
    """Cut one scene's ``coverage`` and deliver it (see :func:`edit_project`); with ``log``, its
    timeline carries the per-take log from the cached analysis."""
    settings = project.config.edit  # roughcut.config.EDIT_DEFAULTS where roughcut.toml says nothing
    merged_weights = {**settings.idioms, **(weights or {})}
    if multicam is not None:
        cut = switch_multicam(
            coverage_with_angles(coverage),
            style=style or settings.style,
            weights=merged_weights,
            params=params,
            styles=styles_from_config(project.config),
            **multicam,
        )
    else:
        cut = edit_scene(
            coverage,
            style=style or settings.style,
            weights=merged_weights,
            params=params,
            pins=resolve_pins(coverage, pins or {}),
            pace=pace if pace is not None else settings.pace,
            j_cut_frames=j_cut_frames,
            l_cut_frames=l_cut_frames,
            styles=styles_from_config(project.config),
        )
    timeline = to_timeline(cut, coverage, sound=synced_sound(project, coverage))
    if log:  # the per-take log's fields (scene, persons, words said...) from the cached analysis
        from roughcut.app.search import log_timeline_takes

        log_timeline_takes(timeline, project)
    paths, round_trip = deliver(timeline, out_dir or project.output_dir, formats, burn_in=burn_in)
    return EditResult(cut, timeline, paths, round_trip)


def deliver(
    timeline: otio.schema.Timeline,
    out_dir: str | Path,
    formats: Iterable[str] | None = None,
    *,
    burn_in: bool = True,
    check: bool = True,
    name: str | None = None,
) -> tuple[dict[str, Path], dict[str, list[str]]]:
    """Write ``timeline`` in ``formats`` (default: every one of :data:`roughcut.export.FORMATS`)
    into ``out_dir`` as ``<name><suffix>`` (default name ``scene_<scene>``); with ``check``, read
    each timeline file back and list what is not frame-exact, by format. Returns the files written
    and those problems."""
    from roughcut.export import FORMATS, check_round_trip, write_all

    paths = write_all(timeline, out_dir, list(formats or FORMATS), burn_in=burn_in, name=name)
    return paths, (check_round_trip(timeline, paths) if check else {})


#: The stem of the sequence of all scenes' files (``sequence.otio``, ``sequence.fcp7.xml`` …).
SEQUENCE_NAME = "sequence"


@dataclass(frozen=True)
class SequenceResult:
    """The sequence of all scenes: its timeline, the files written (by format) and what did not read
    back frame-exact."""

    timeline: otio.schema.Timeline
    paths: dict[str, Path]
    round_trip: dict[str, list[str]]


@dataclass(frozen=True)
class ScenesEdit:
    """A screenplay cut scene by scene: each scene's :class:`EditResult` by its number (script
    order), the sequence of all of them (``None`` when the screenplay has one dialogue scene, or when
    one scene was asked for), the scenes left uncut with why (``"scene 3 (INT. ATTIC - NIGHT): …"``)
    and every other note for the user (takes placed by their name, or in no scene)."""

    scenes: dict[str, EditResult]
    sequence: SequenceResult | None
    uncovered: tuple[str, ...]
    notes: tuple[str, ...]
    scene_takes: dict[str, tuple[str, ...]]

    @property
    def first(self) -> EditResult:
        return next(iter(self.scenes.values()))


def edit_scenes(
    directory: str | Path,
    *,
    scene: str | None = None,
    out_dir: str | Path | None = None,
    formats: Iterable[str] | None = None,
    burn_in: bool = True,
    store: Any = None,
    scenes: Any = None,
    **options: Any,
) -> ScenesEdit:
    """Cut every dialogue scene of the project in ``directory`` (or only ``scene``, its number as
    in the script) and deliver each as ``scene_<number>.*``, then (for a screenplay of two dialogue
    scenes or more) the sequence of all of them in script order as ``sequence.*``
    (:func:`roughcut.export.sequence.sequence_timeline`; a scene not cut is among its report's
    warnings), every file in ``formats`` checked as :func:`deliver` does. ``options``
    are :func:`edit_project`'s (style, weights, params, pins, pace, J/L cuts, multicam); pins name
    lines of any scene. A scene that no take covers is not cut and is named in ``uncovered``;
    ``scenes`` (a :class:`~roughcut.app.analyze.ProjectScenes`) skips the analysis."""
    from roughcut.app.analyze import project_scenes

    project = Project.open(directory)
    found = scenes if scenes is not None else project_scenes(project.root, store=store)
    entries = [found.scene(scene)] if scene is not None else list(found.scenes)
    if scene is not None and entries[0].coverage is None:
        raise ConfigError(entries[0].note or f"{entries[0].label}: no take covers it")
    covered = [e for e in entries if e.coverage is not None]
    if not covered:
        raise ConfigError(f"{project.root}: no scene has coverage; " + "; ".join(found.notes))
    all_pins = dict(options.pop("pins", None) or {})
    held = {line.id for entry in covered for line in entry.coverage.lines}
    unknown = [line for line in all_pins if line not in held]
    if unknown:
        raise ConfigError(
            f"pin {unknown[0]}={all_pins[unknown[0]]}: no line {unknown[0]!r} in the scenes cut "
            f"({', '.join(e.number for e in covered)})"
        )
    target = out_dir or project.output_dir
    results: dict[str, EditResult] = {}
    for entry in covered:
        ids = {line.id for line in entry.coverage.lines}
        pins = {line: take for line, take in all_pins.items() if line in ids}
        results[entry.number] = _edit_coverage(
            project,
            entry.coverage,
            pins=pins,
            out_dir=target,
            formats=formats,
            burn_in=burn_in,
            log=scenes is None and project.config.coverage != "truth",
            **{**_EDIT_OPTIONS, **options},
        )
    uncovered = tuple(e.note or e.label for e in entries if e.coverage is None)
    sequence, problems = None, []
    if scene is None and len(entries) > 1:
        from roughcut.export.sequence import sequence_timeline

        try:
            timeline = sequence_timeline(
                [r.timeline for r in results.values()],
                name=f"{project.root.name} - all scenes",
                warnings=uncovered,
            )
        except RoughcutError as exc:  # scenes at different rates: each scene stands, the sequence not
            problems.append(f"no sequence of all scenes: {exc}")
        else:
            paths, round_trip = deliver(timeline, target, formats, burn_in=burn_in, name=SEQUENCE_NAME)
            sequence = SequenceResult(timeline, paths, round_trip)
    notes = tuple(n for n in found.notes if n not in uncovered) + tuple(problems)
    takes = {e.number: e.takes for e in entries}
    return ScenesEdit(results, sequence, uncovered, notes, takes)


_EDIT_OPTIONS: dict[str, Any] = {
    "style": None,
    "weights": None,
    "params": None,
    "pace": None,
    "j_cut_frames": 0,
    "l_cut_frames": 0,
    "multicam": None,
}
