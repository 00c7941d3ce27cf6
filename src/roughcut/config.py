"""``roughcut.toml`` read once into a typed, validated :class:`Config` (frozen dataclasses per table).

Every key is checked: an unknown one is an error naming the nearest valid key
(``roughcut.toml: [edit] unknown key 'stlye' (did you mean 'style'?)``), a value of the wrong type
an error naming the key and what it should be. :data:`EDIT_DEFAULTS` is the one place that holds
the ``[edit]`` defaults: ``roughcut edit``, the editing room and the Python API all start from it.
What a value means further down (an idiom's name, a style's tables) is checked by the stage that
knows it (:func:`roughcut.edit.styles.styles_from_config`, :func:`roughcut.edit.edit_scene`).
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

from roughcut.errors import ConfigError

CONFIG_NAME = "roughcut.toml"
DEFAULT_OUTPUT = "roughcut_out"
#: Where a project's coverage comes from: its analysis, or a ``truth.json`` logged by hand.
COVERAGE_SOURCES = ("analysis", "truth")


def _frozen(mapping: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class AnalysisConfig:
    """``[analysis]``: frames per second the vision stage looks at and the width frames are scaled
    to, in pixels; ``None`` leaves the stage's own default (8 fps, 640 px)."""

    fps: float | None = None
    width: int | None = None


@dataclass(frozen=True)
class ClusterConfig:
    """``[cluster]``: where analysis tasks run. ``address`` is a Ray cluster (``auto``: the one
    running on this machine; ``HOST:PORT`` or ``ray://HOST:10001``), ``None`` the local process pool;
    ``retries`` is how often a failed task runs again before it is reported by take."""

    address: str | None = None
    retries: int = 2


@dataclass(frozen=True)
class EditConfig:
    """``[edit]``: the style, the pace (``tight``, ``normal``, ``relaxed`` or a pause scale), idiom
    weights on top of the style (``[edit.idioms]``) and the project's own styles
    (``[edit.styles.NAME]``, raw tables checked by :func:`roughcut.edit.styles.styles_from_config`)."""

    style: str = "default"
    pace: str | float = "normal"
    idioms: Mapping[str, float] = field(default_factory=_frozen)
    styles: Mapping[str, Any] = field(default_factory=_frozen)


#: The ``[edit]`` defaults, the one object every door starts from.
EDIT_DEFAULTS = EditConfig()


@dataclass(frozen=True)
class Config:
    """A whole ``roughcut.toml``. ``script`` and ``output`` are paths relative to the project;
    ``characters`` maps ``"TAKE:personN"`` to a character's name; ``coverage`` is one of
    :data:`COVERAGE_SOURCES`; ``cluster`` says where analysis tasks run."""

    script: str | None = None
    output: str = DEFAULT_OUTPUT
    coverage: str = "analysis"
    analysis: AnalysisConfig = AnalysisConfig()
    edit: EditConfig = EDIT_DEFAULTS
    characters: Mapping[str, str] = field(default_factory=_frozen)
    cluster: ClusterConfig = ClusterConfig()


def _unknown(where: str, key: str, known: list[str]) -> ConfigError:
    near = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean {near[0]!r}?)" if near else f" (keys: {', '.join(known)})"
    return ConfigError(f"{where} unknown key {key!r}{hint}")


def _table(data: Any, where: str, known: list[str]) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where} must be a table")
    for key in data:
        if key not in known:
            raise _unknown(where, key, known)
    return data


def _number(value: Any, where: str, *, whole: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{where} = {value!r}: expected a {'whole ' if whole else ''}number")
    if whole and not isinstance(value, int):
        raise ConfigError(f"{where} = {value!r}: expected a whole number")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where} = {value!r}: expected text")
    return value


def parse_config(data: Mapping[str, Any], source: str = CONFIG_NAME) -> Config:
    """``data`` (a parsed ``roughcut.toml``) as a :class:`Config`; ``source`` names the file in errors."""
    top = _table(data, f"{source}:", [f.name for f in fields(Config)])
    analysis = _table(
        top.get("analysis", {}), f"{source}: [analysis]", [f.name for f in fields(AnalysisConfig)]
    )
    edit = _table(top.get("edit", {}), f"{source}: [edit]", [f.name for f in fields(EditConfig)])
    cluster = _table(top.get("cluster", {}), f"{source}: [cluster]", [f.name for f in fields(ClusterConfig)])
    retries = cluster.get("retries", ClusterConfig.retries)
    if _number(retries, f"{source}: [cluster] retries", whole=True) < 0:
        raise ConfigError(f"{source}: [cluster] retries = {retries!r}: expected 0 or more")
    coverage = _text(top.get("coverage", "analysis"), f"{source}: coverage")
    if coverage not in COVERAGE_SOURCES:
        raise ConfigError(f'{source}: coverage = {coverage!r}; use "analysis" or "truth"')
    pace = edit.get("pace", EDIT_DEFAULTS.pace)
    if not isinstance(pace, str):
        pace = _number(pace, f"{source}: [edit] pace")
        if pace <= 0:
            raise ConfigError(f"{source}: [edit] pace = {pace!r}: expected a name or a positive pause scale")
    idioms = edit.get("idioms", {})
    if not isinstance(idioms, Mapping):
        raise ConfigError(f"{source}: [edit.idioms] must be a table of idiom = weight")
    styles = edit.get("styles", {})
    if not isinstance(styles, Mapping):
        raise ConfigError(f"{source}: [edit.styles] must be a table of styles")
    characters = top.get("characters", {})
    if not isinstance(characters, Mapping):
        raise ConfigError(f'{source}: [characters] must be a table of "TAKE:personN" = "CHARACTER"')
    fps = analysis.get("fps")
    width = analysis.get("width")
    if "script" in top:
        _text(top["script"], f"{source}: script")
    return Config(
        script=top.get("script"),
        output=top.get("output", DEFAULT_OUTPUT),  # checked with the folder by project.output_folder
        coverage=coverage,
        analysis=AnalysisConfig(
            fps=None if fps is None else _number(fps, f"{source}: [analysis] fps"),
            width=None if width is None else int(_number(width, f"{source}: [analysis] width", whole=True)),
        ),
        edit=EditConfig(
            style=_text(edit.get("style", EDIT_DEFAULTS.style), f"{source}: [edit] style"),
            pace=pace,
            idioms=_frozen({k: _number(v, f"{source}: [edit.idioms] {k}") for k, v in idioms.items()}),
            styles=_frozen(styles),
        )
        if edit
        else EDIT_DEFAULTS,
        characters=_frozen({k: _text(v, f"{source}: [characters] {k!r}") for k, v in characters.items()}),
        cluster=ClusterConfig(
            address=_text(cluster["address"], f"{source}: [cluster] address") or None
            if "address" in cluster
            else None,
            retries=retries,
        ),
    )


def read_toml(path: str | Path) -> dict[str, Any]:
    """A ``roughcut.toml`` as raw TOML; a syntax error becomes a :class:`ConfigError` naming file and line."""
    path = Path(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text") from exc


def read_config(path: str | Path) -> Config:
    """Read and check the ``roughcut.toml`` at ``path`` (a missing file is the defaults)."""
    path = Path(path)
    if not path.exists():
        return Config()
    return parse_config(read_toml(path), str(path))
