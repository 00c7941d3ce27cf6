"""What the page may ask of the editing room, checked: the errors it is answered with and the
settings a change request gives (:func:`changed_settings`)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from roughcut.app.session import Settings, style_params, style_weights
from roughcut.edit import registry
from roughcut.edit.pacing import PACES
from roughcut.edit.styles import check_weight
from roughcut.errors import ConfigError, RoughcutError

#: The keys a settings change may hold.
SETTING_KEYS = frozenset({"style", "weights", "params", "pace", "j_cut_frames", "l_cut_frames"})


class RequestError(RoughcutError):
    """A request the editing room cannot do; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class NotReady(RequestError):
    """The project is still being read (or failed to load)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, 503)


def number(value: Any, what: str) -> float:
    """``value`` as a float when it is a finite number (not a bool); else a :class:`RequestError`."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RequestError(f"{what} must be a number (got {value!r})")
    return float(value)


def param(idiom: str, name: str, value: Any) -> Any:
    """An idiom parameter from the page, checked against the type of its default."""
    item = registry().get(idiom)
    if item is None:
        raise RequestError(f"unknown idiom {idiom!r}; idioms: {', '.join(sorted(registry()))}")
    if name not in item.params:
        known = ", ".join(item.params) or "none"
        raise RequestError(f"idiom {idiom!r} has no parameter {name!r}; its parameters: {known}")
    default = item.params[name]
    what = f"parameter {idiom}.{name}"
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise RequestError(f"{what} must be true or false (got {value!r})")
        return value
    if isinstance(default, int | float):
        checked = number(value, what)
        if isinstance(default, int):
            if not checked.is_integer():
                raise RequestError(f"{what} must be a whole number (got {value!r})")
            return int(checked)
        return checked
    if isinstance(default, str) and not isinstance(value, str):
        raise RequestError(f"{what} must be text (got {value!r})")
    return value


def changed_settings(
    settings: Settings,
    request: Any,
    styles: Mapping[str, Any],
    check: Callable[[Settings], object],
) -> Settings:
    """``settings`` with the change ``request`` holds: ``style`` (resets weights and parameters to
    the style's), ``weights`` (``idiom → number``), ``params`` (``idiom → {param: value}``), ``pace``
    (name or pause scale), ``j_cut_frames``, ``l_cut_frames``. ``check`` solves a trial (idiom
    parameters are only checked where they count). Anything wrong is a :class:`RequestError`."""
    if not isinstance(request, Mapping):
        raise RequestError("the request body must be a JSON object")
    unknown = set(request) - SETTING_KEYS
    if unknown:
        raise RequestError(
            f"unknown setting {', '.join(sorted(unknown))}; settings: {', '.join(sorted(SETTING_KEYS))}"
        )
    if "style" in request:
        style = request["style"]
        if not isinstance(style, str):
            raise RequestError("style must be a style's name")
        if style not in styles:
            raise RequestError(f"unknown style {style!r}; styles: {', '.join(styles)}")
        settings = replace(
            settings, style=style, weights=style_weights(styles, style), params=style_params(styles, style)
        )
    if "weights" in request:
        weights = request["weights"]
        if not isinstance(weights, Mapping):
            raise RequestError("weights must be an object of idiom → number")
        merged = dict(settings.weights)
        for name, value in weights.items():
            try:
                merged[name] = check_weight(name, number(value, f"weight of idiom {name!r}"))
            except ConfigError as exc:  # the check the editor and roughcut.toml make, as a request's
                raise RequestError(str(exc)) from None
        settings = replace(settings, weights=merged)
    if "params" in request:
        params = request["params"]
        if not isinstance(params, Mapping) or not all(isinstance(v, Mapping) for v in params.values()):
            raise RequestError("params must be an object of idiom → {parameter: value}")
        merged_params = {k: dict(v) for k, v in settings.params.items()}
        for name, values in params.items():
            merged_params.setdefault(name, {}).update({key: param(name, key, v) for key, v in values.items()})
        settings = replace(settings, params=merged_params)
        # An idiom's parameters are checked when it counts; check them now even at weight 0.
        trial = {name: max(1.0, settings.weights.get(name, 0.0)) for name in params}
        check(replace(settings, weights={**settings.weights, **trial}))
    if "pace" in request:
        pace = request["pace"]
        if (
            isinstance(pace, bool)
            or not isinstance(pace, str | int | float)
            or (not isinstance(pace, str) and not (math.isfinite(pace) and pace > 0))
        ):
            raise RequestError(f"pace must be {', '.join(PACES)} or a pause scale (got {pace!r})")
        settings = replace(settings, pace=pace if isinstance(pace, str) else float(pace))
    for key in ("j_cut_frames", "l_cut_frames"):
        if key in request:
            value = request[key]
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 240:
                raise RequestError(f"{key} must be a whole number of frames, 0 to 240 (got {value!r})")
            settings = replace(settings, **{key: value})
    return settings
