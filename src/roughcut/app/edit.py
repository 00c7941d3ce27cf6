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
from roughcut.errors import ConfigError
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
) -> EditResult:
    """Cut the project in ``directory`` and write ``formats`` (default: all) into ``out_dir``
    (default: the project's output folder). ``roughcut.toml``'s ``[edit]`` table gives the defaults
    for ``style``, ``pace`` and idiom weights (``[edit.idioms]``) and defines styles
    (``[edit.styles.NAME]``); arguments override it. ``multicam`` (keyword arguments of
    :func:`~roughcut.edit.multicam.switch_multicam`) switches synchronised angles instead."""
    project = Project.open(directory)
    settings = project.config.edit  # roughcut.config.EDIT_DEFAULTS where roughcut.toml says nothing
    analysed = coverage is None and project.config.coverage != "truth"
    if coverage is None:
        from roughcut.app.analyze import project_coverage

        coverage = project_coverage(project.root)
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
    if analysed:  # the per-take log's fields (scene, persons, words said...) from the cached analysis
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
) -> tuple[dict[str, Path], dict[str, list[str]]]:
    """Write ``timeline`` in ``formats`` (default: every one of :data:`roughcut.export.FORMATS`)
    into ``out_dir``; with ``check``, read each timeline file back and list what is not
    frame-exact, by format. Returns the files written and those problems."""
    from roughcut.export import FORMATS, check_round_trip, write_all

    paths = write_all(timeline, out_dir, list(formats or FORMATS), burn_in=burn_in)
    return paths, (check_round_trip(timeline, paths) if check else {})
