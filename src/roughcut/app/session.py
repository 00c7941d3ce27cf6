"""An interactive editing session on one project (what the editing room drives): the editor's
settings, their defaults from ``roughcut.toml``, solving a scene with them, saving them between
sessions and exporting the cut.

The settings are saved as ``<output>/.web/state.json`` so that a restarted session opens where the
editor left off. A state file roughcut did not write is never read nor overwritten: it is renamed
aside (:func:`claim_saved_settings`).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from roughcut.app.edit import deliver
from roughcut.edit import Cut, SceneCoverage, edit_scene, registry, to_timeline
from roughcut.errors import ConfigError, RoughcutError
from roughcut.export.files import OutputDir, made_files
from roughcut.project import Project

log = logging.getLogger(__name__)

#: The session's own files, inside the project's output folder.
SESSION_FOLDER = ".web"
STATE_NAME = f"{SESSION_FOLDER}/state.json"


@dataclass(frozen=True)
class Settings:
    """What the editor chose: a style, every idiom's weight, idiom parameters, the pace (a name or a
    pause scale), pinned takes (``line id → take name``, lines of any scene) and J/L cut lengths in
    frames."""

    style: str = "default"
    weights: Mapping[str, float] = field(default_factory=dict)
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    pace: str | float = "normal"
    pins: Mapping[str, str] = field(default_factory=dict)
    j_cut_frames: int = 0
    l_cut_frames: int = 0


def finite_number(value: Any, what: str) -> float:
    """``value`` as a float when it is a finite number (not a bool); else a :class:`ConfigError`."""
    import math

    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{what} must be a number (got {value!r})")
    return float(value)


def style_weights(
    styles: Mapping[str, Any], style: str, over: Mapping[str, Any] | None = None
) -> dict[str, float]:
    """Every registered idiom's weight in ``style`` (0 for those it leaves out), then ``over``."""
    if style not in styles:
        raise ConfigError(f"unknown style {style!r}; styles: {', '.join(styles)}")
    weights = dict.fromkeys(registry(), 0.0)
    weights.update(styles[style].weights)
    for name, value in (over or {}).items():
        weights[name] = finite_number(value, f"weight of idiom {name!r}")
    return weights


def style_params(styles: Mapping[str, Any], style: str) -> dict[str, dict[str, Any]]:
    """The idiom parameters ``style`` sets."""
    return {k: dict(v) for k, v in styles[style].params.items()}


def default_settings(project: Project, styles: Mapping[str, Any]) -> Settings:
    """The settings ``roughcut.toml``'s ``[edit]`` table gives (its defaults where it says nothing)."""
    config = project.config.edit
    return Settings(
        style=config.style,
        weights=style_weights(styles, config.style, config.idioms),
        params=style_params(styles, config.style),
        pace=config.pace,
    )


def solve(coverage: SceneCoverage, settings: Settings, styles: Mapping[str, Any]) -> Cut:
    """The cut of one scene with ``settings``; pins of other scenes' lines are left aside."""
    lines = {line.id for line in coverage.lines}
    return edit_scene(
        coverage,
        style=settings.style,
        weights=settings.weights,
        params=settings.params,
        pins={line: take for line, take in settings.pins.items() if line in lines},
        pace=settings.pace,
        j_cut_frames=settings.j_cut_frames,
        l_cut_frames=settings.l_cut_frames,
        styles=styles,
    )


# ---------------------------------------------------------------------------------------------
# Saved between sessions


def claim_saved_settings(out_dir: Path) -> None:
    """Make sure the settings can be saved into ``out_dir`` before anything runs. A state file
    roughcut did not write (or that changed since) is not read nor overwritten: it is renamed aside."""
    out = OutputDir(out_dir)
    try:
        out.check([STATE_NAME])
    except RoughcutError as exc:
        path = out.path(STATE_NAME)
        if path.is_symlink() or not path.is_file() or path.parent.is_symlink():
            raise
        aside = path.with_name(f"state.unused-{time.strftime('%Y%m%d-%H%M%S')}.json")
        path.rename(aside)
        log.warning("%s: saved editing state not used (%s); kept as %s", path, exc, aside.name)


def save_settings(out_dir: Path, settings: Settings, *, scene: str | None = None) -> Path:
    """Write ``settings`` (and the scene being edited) to ``<out_dir>/.web/state.json``."""
    saved = asdict(settings)
    saved["weights"] = dict(settings.weights)
    saved["pins"] = dict(settings.pins)
    if scene is not None:
        saved["scene"] = scene
    try:
        text = json.dumps(saved, indent=1, sort_keys=True, allow_nan=False)
    except ValueError:  # never reached when every number was checked on the way in
        raise ConfigError("a setting is not a finite number; not saved") from None
    return OutputDir(out_dir).write_text(STATE_NAME, text)


def _not_a_number(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def saved_settings(out_dir: Path) -> tuple[Settings, str | None] | None:
    """The settings (and scene) saved in ``out_dir``, or ``None`` when there are none or they
    cannot be read (said in the log)."""
    path = out_dir / STATE_NAME
    if not path.is_file():
        return None
    try:
        saved = json.loads(path.read_text(encoding="utf-8"), parse_constant=_not_a_number)
        settings = Settings(
            style=saved["style"],
            weights={k: float(v) for k, v in saved["weights"].items()},
            params=saved.get("params", {}),
            pace=saved.get("pace", "normal"),
            pins=dict(saved.get("pins", {})),
            j_cut_frames=int(saved.get("j_cut_frames", 0)),
            l_cut_frames=int(saved.get("l_cut_frames", 0)),
        )
        scene = saved.get("scene")
        return settings, (str(scene) if scene is not None else None)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("%s: saved editing state not used (%s)", path, exc)
        return None


# ---------------------------------------------------------------------------------------------
# Export


def export_cut(
    cut: Cut,
    coverage: SceneCoverage,
    out_dir: Path,
    formats: Iterable[str],
    *,
    sound: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """Write ``cut`` in ``formats`` into ``out_dir`` (as ``scene_<number>.*``, heard from the
    ``sound`` synced to its takes); returns each file's name relative to ``out_dir``, by format."""
    timeline = to_timeline(cut, coverage, sound=sound)
    written, _ = deliver(timeline, out_dir, list(formats), check=False)
    root = out_dir.resolve()
    return {fmt: path.resolve().relative_to(root).as_posix() for fmt, path in written.items()}


def exported_before(out_dir: Path, scene: str) -> dict[str, str]:
    """The scene's files roughcut wrote into ``out_dir`` before (by an earlier session or
    ``roughcut edit``), by format."""
    from roughcut.export import FORMATS, SUFFIXES

    made = set(made_files(out_dir))
    found = {}
    for fmt in FORMATS:
        name = f"scene_{scene}{SUFFIXES[fmt]}"
        if name in made and (out_dir / name).is_file():
            found[fmt] = name
    return found
