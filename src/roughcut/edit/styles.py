"""Named editing styles: idioms with weights and parameters. Users add theirs in ``roughcut.toml``::

[edit.styles.intimate]
base = "default"            # optional: start from another style
intensify_emotion = 3.0     # idiom = weight
emphasize_character = 1.0
[edit.styles.intimate.params]
emphasize_character = { character = "GRACE" }
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from roughcut.config import Config
from roughcut.edit.idioms import registry
from roughcut.errors import ConfigError


@dataclass(frozen=True)
class Style:
    """Idiom weights (``name → weight ≥ 0``) and idiom parameters (``name → {param: value}``)."""

    name: str
    weights: Mapping[str, float]
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


_DEFAULT = {
    "speaker_visible": 3.0,
    "start_wide": 2.0,
    "avoid_jump_cuts": 2.0,
    "mirror_position": 1.5,
    "change_zoom_gradually": 0.5,
    "zoom_consistent": 0.3,
    "short_lines": 1.0,
    "intensify_emotion": 0.5,
    "sure_labels": 0.5,
}

STYLES: dict[str, Style] = {
    "default": Style("default", _DEFAULT),
    # The idioms of Leake et al.'s examples: speaker visible, start wide, no jump cuts, gradual zoom.
    "paper": Style(
        "paper",
        {"speaker_visible": 1.0, "start_wide": 1.0, "avoid_jump_cuts": 1.0, "change_zoom_gradually": 1.0},
    ),
    "dramatic": Style(
        "dramatic", {**_DEFAULT, "intensify_emotion": 2.5, "peaks_and_valleys": 1.5, "zoom_consistent": 0.0}
    ),
    "fast": Style("fast", {**_DEFAULT, "performance_fast": 2.0}),
    "slow": Style("slow", {**_DEFAULT, "performance_slow": 2.0}),
    "reactive": Style("reactive", {**_DEFAULT, "listener_reaction": 3.0}),
    "wide": Style(
        "wide", {**_DEFAULT, "start_wide": 3.0, "speaker_visible": 1.5}, {"start_wide": {"lines": 2}}
    ),
}


def check_weight(name: str, value: Any) -> float:
    """``value`` as a weight for idiom ``name``; a clear :class:`ConfigError` when it makes no sense."""
    idioms = registry()
    if name not in idioms:
        raise ConfigError(f"unknown idiom {name!r}; idioms: {', '.join(sorted(idioms))}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"weight of idiom {name!r} must be a number (got {value!r})") from None
    if not math.isfinite(value):
        raise ConfigError(f"weight of idiom {name!r} must be finite (got {value})")
    if value < 0:
        opposite = {"performance_fast": "performance_slow", "performance_slow": "performance_fast"}.get(name)
        hint = f"; to prefer the opposite, weight {opposite!r} instead" if opposite else "; 0 turns it off"
        raise ConfigError(f"weight of idiom {name!r} must be 0 or more (got {value}){hint}")
    if value > 1000:
        raise ConfigError(f"weight of idiom {name!r} is {value}: more than 1000 makes every other idiom moot")
    return float(value)


def styles_from_config(config: Config | Mapping[str, Any]) -> dict[str, Style]:
    """The built-in styles plus those under ``[edit.styles.NAME]`` in a project's config (a
    :class:`~roughcut.config.Config` or the raw TOML tables)."""
    found = dict(STYLES)
    if isinstance(config, Config):
        tables: Any = config.edit.styles
    else:
        tables = config.get("edit", {}).get("styles", {})
    if not isinstance(tables, Mapping):
        raise ConfigError("roughcut.toml: [edit.styles] must be a table of styles")
    pending = dict(tables)
    for _ in range(len(pending) + 1):
        for name, table in list(pending.items()):
            if not isinstance(table, Mapping):
                raise ConfigError(f"roughcut.toml: [edit.styles.{name}] must be a table")
            base_name = table.get("base", "default")
            if base_name in pending and base_name != name:
                continue
            if base_name not in found:
                raise ConfigError(f"roughcut.toml: style {name!r} is based on unknown style {base_name!r}")
            base = found[base_name]
            weights = dict(base.weights)
            params = {k: dict(v) for k, v in base.params.items()}
            for key, value in table.items():
                if key == "base":
                    continue
                if key == "params":
                    for idiom_name, values in value.items():
                        check_weight(idiom_name, 0)
                        params.setdefault(idiom_name, {}).update(values)
                    continue
                weights[key] = check_weight(key, value)
            found[name] = Style(name, weights, params)
            del pending[name]
    if pending:
        raise ConfigError(f"roughcut.toml: styles based on each other in a circle: {', '.join(pending)}")
    return found


def resolve_style(
    style: str | Style,
    weights: Mapping[str, Any] | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    styles: Mapping[str, Style] | None = None,
) -> Style:
    """The style named ``style`` with single ``weights`` and ``params`` laid over it, checked."""
    if isinstance(style, str):
        table = styles or STYLES
        if style not in table:
            raise ConfigError(f"unknown style {style!r}; styles: {', '.join(sorted(table))}")
        base = table[style]
    else:
        base = style
    merged = {name: check_weight(name, value) for name, value in base.weights.items()}
    for name, value in (weights or {}).items():
        merged[name] = check_weight(name, value)
    merged_params = {k: dict(v) for k, v in base.params.items()}
    for name, values in (params or {}).items():
        check_weight(name, 0)
        merged_params.setdefault(name, {}).update(values)
    if not any(merged.values()):
        raise ConfigError("every idiom weight is 0: there is nothing to choose takes by")
    return Style(base.name, merged, merged_params)
