"""Film-editing idioms as costs, one small function each (after Leake et al., SIGGRAPH 2017).

An idiom scores either a *line* choice (line ``l`` shown from take ``t``: an ``[L, T]`` array) or a
*transition* (take ``s`` on line ``l`` followed by take ``t`` on line ``l + 1``: an ``[L - 1, T, T]``
array). Every cost lies in ``[0, 1]``: 0 when the idiom is satisfied, 1 when it is broken. The
optimiser multiplies each by its weight and sums. Idioms are registered by name with
:func:`idiom`; outside packages add theirs through the ``roughcut.idioms`` entry-point group (a
module that calls :func:`idiom` when imported).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, Literal

import numpy as np

from roughcut.edit.features import OFF_SCREEN, Features
from roughcut.errors import ConfigError

Kind = Literal["line", "transition", "reaction"]


@dataclass(frozen=True)
class Idiom:
    """A named idiom: its kind, cost function ``function(features, **params)`` and default parameters."""

    name: str
    kind: Kind
    function: Callable[..., np.ndarray]
    params: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""

    def costs(self, features: Features, params: Mapping[str, Any] | None = None) -> np.ndarray:
        merged = {**self.params, **(params or {})}
        unknown = set(merged) - set(self.params)
        if unknown:
            raise ConfigError(
                f"idiom {self.name!r} has no parameter {', '.join(sorted(unknown))}; "
                f"its parameters: {', '.join(self.params) or 'none'}"
            )
        return self.function(features, **merged)


IDIOMS: dict[str, Idiom] = {}


def idiom(
    name: str, kind: Kind, **params: Any
) -> Callable[[Callable[..., np.ndarray]], Callable[..., np.ndarray]]:
    """Register the decorated cost function as idiom ``name`` with default ``params``."""

    def register(function: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
        doc = (function.__doc__ or "").strip().splitlines()
        IDIOMS[name] = Idiom(name, kind, function, dict(params), doc[0] if doc else "")
        return function

    return register


_plugins_loaded = False


def registry() -> dict[str, Idiom]:
    """Every idiom by name, the built-in ones and those from ``roughcut.idioms`` entry points."""
    global _plugins_loaded
    if not _plugins_loaded:
        _plugins_loaded = True
        for entry in entry_points(group="roughcut.idioms"):
            entry.load()
    return IDIOMS


def _local_scale(values: np.ndarray, covered: np.ndarray) -> np.ndarray:
    """``values`` rescaled per line to 0..1 over the covered takes (0 where all are equal)."""
    low = np.where(covered, values, np.inf).min(axis=1, keepdims=True)
    high = np.where(covered, values, -np.inf).max(axis=1, keepdims=True)
    span = high - low
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = np.where(covered & (span > 0), (values - low) / np.where(span > 0, span, 1), 0.0)
    return np.nan_to_num(scaled)


def _cuts(features: Features) -> np.ndarray:
    """``[L - 1, T, T]`` true where the take changes (a cut)."""
    n_lines, n_takes = features.shape
    return np.broadcast_to(~np.eye(n_takes, dtype=bool), (max(n_lines - 1, 0), n_takes, n_takes))


# ----------------------------------------------------------------------------------------------
# Line idioms


@idiom("start_wide", "line", lines=1)
def start_wide(f: Features, *, lines: int = 1) -> np.ndarray:
    """Start wide: the first lines from the widest take that holds them (establishing shot)."""
    costs = np.zeros(f.shape)
    head = slice(0, max(0, int(lines)))
    wideness = _local_scale(np.nan_to_num(f.size), f.covered)
    costs[head] = 1.0 - wideness[head]
    return np.where(f.covered, costs, 0.0)


@idiom("speaker_visible", "line")
def speaker_visible(f: Features) -> np.ndarray:
    """Speaker visible: show whoever speaks the line."""
    possible = (f.speaker_visible & f.covered).any(axis=1, keepdims=True)
    return np.where(possible & ~f.speaker_visible, 1.0, 0.0)


@idiom("emphasize_character", "line", character="")
def emphasize_character(f: Features, *, character: str = "") -> np.ndarray:
    """Emphasize character X: show X as often and as close as the coverage allows."""
    if not character:
        return np.zeros(f.shape)
    if character not in f.characters:
        raise ConfigError(
            f"emphasize_character: no character {character!r} in this scene ({', '.join(f.characters)})"
        )
    bit = 1 << f.characters.index(character)
    shows = (f.visible & bit) != 0
    closeness = _local_scale(-np.nan_to_num(f.size), f.covered & shows)
    return np.where(shows, 0.5 * (1.0 - closeness), 1.0) * f.covered


@idiom("intensify_emotion", "line", threshold=0.65)
def intensify_emotion(f: Features, *, threshold: float = 0.65) -> np.ndarray:
    """Intensify emotion: the tightest available framing on lines whose intensity reaches ``threshold``."""
    closeness = _local_scale(-np.nan_to_num(f.size), f.covered)
    strong = (f.intensity >= threshold)[:, None]
    return np.where(strong & f.covered, 1.0 - closeness, 0.0)


@idiom("peaks_and_valleys", "line")
def peaks_and_valleys(f: Features) -> np.ndarray:
    """Peaks and valleys: framing follows the scene's emotional arc (tight at peaks, wide in valleys)."""
    low, high = float(f.intensity.min(initial=0)), float(f.intensity.max(initial=0))
    target = (f.intensity - low) / (high - low) if high > low else np.full(f.intensity.shape, 0.5)
    return np.where(f.covered, np.abs(f.tightness - target[:, None]), 0.0)


@idiom("performance_fast", "line")
def performance_fast(f: Features) -> np.ndarray:
    """Performance fast: the take in which the line is said fastest (words per second)."""
    return np.where(f.covered, 1.0 - _local_scale(np.nan_to_num(f.speech_rate), f.covered), 0.0)


@idiom("performance_slow", "line")
def performance_slow(f: Features) -> np.ndarray:
    """Performance slow: the take in which the line is said slowest (words per second)."""
    return np.where(f.covered, _local_scale(np.nan_to_num(f.speech_rate), f.covered), 0.0)


@idiom("zoom_consistent", "line", steps=2)
def zoom_consistent(f: Features, *, steps: int = 2) -> np.ndarray:
    """Zoom consistent: each character at one shot size through the scene (their usual size).

    A character's size is the median size of the takes that show them speaking; the cost grows by
    one ``steps``-th per step away from it.
    """
    costs = np.zeros(f.shape)
    for ci in range(len(f.characters)):
        speaking = f.speaker == ci
        shown = f.covered & f.speaker_visible & speaking[:, None]
        if not shown.any():
            continue
        usual = float(np.median(f.size[shown]))
        off = np.minimum(1.0, np.abs(np.nan_to_num(f.size) - usual) / max(int(steps), 1))
        costs[speaking] = np.where(f.covered[speaking], off[speaking], 0.0)
    return costs


# ----------------------------------------------------------------------------------------------
# Transition idioms


@idiom("avoid_jump_cuts", "transition", max_pause_seconds=float("inf"))
def avoid_jump_cuts(f: Features, *, max_pause_seconds: float = float("inf")) -> np.ndarray:
    """Avoid jump cuts: no cut between takes of the same framing on the same people, and no staying
    in one take across a pause longer than ``max_pause_seconds`` (the pace would cut time out of the
    shot: a jump in time on the same framing)."""
    same_size = f.size[:-1, :, None] == f.size[1:, None, :]
    same_people = f.visible[:-1, :, None] == f.visible[1:, None, :]
    someone = f.visible[:-1, :, None] != 0
    costs = (same_size & same_people & someone & _cuts(f)).astype(float)
    trimmed = np.nan_to_num(f.pause_after[:-1], nan=0.0) > max_pause_seconds
    diagonal = np.arange(f.shape[1])
    costs[:, diagonal, diagonal] = trimmed.astype(float)
    return costs


@idiom("change_zoom_gradually", "transition", max_step=1)
def change_zoom_gradually(f: Features, *, max_step: int = 1) -> np.ndarray:
    """Change zoom gradually: at most ``max_step`` shot-size steps per cut."""
    jump = np.abs(np.nan_to_num(f.size[:-1, :, None]) - np.nan_to_num(f.size[1:, None, :]))
    excess = np.clip(jump - max_step, 0, None) / 2.0
    return np.minimum(excess, 1.0) * _cuts(f)


@idiom("mirror_position", "transition")
def mirror_position(f: Features) -> np.ndarray:
    """Mirror position (the 180-degree rule): characters keep their screen sides across a cut."""
    before = f.position[:-1, :, None, :].astype(np.int16)
    after = f.position[1:, None, :, :].astype(np.int16)
    both = (before != OFF_SCREEN) & (after != OFF_SCREEN)
    flipped = both & (before * after < 0)
    return (flipped.any(axis=-1) & _cuts(f)).astype(float)


@idiom("short_lines", "transition", min_seconds=1.0)
def short_lines(f: Features, *, min_seconds: float = 1.0) -> np.ndarray:
    """Short lines: no cut into or out of a line shorter than ``min_seconds`` of speech."""
    short = f.speech_seconds < min_seconds
    either = (short[:-1] | short[1:]).astype(float)[:, None, None]
    return either * _cuts(f)


@idiom("listener_reaction", "reaction", min_seconds=4.0, start=0.45, end=0.8)
def listener_reaction(
    f: Features, *, min_seconds: float = 4.0, start: float = 0.45, end: float = 0.8
) -> np.ndarray:
    """Listener reaction: during lines longer than ``min_seconds``, cut away to the listener from
    ``start`` to ``end`` (fractions of the line) and back. Placed after the optimisation; the array
    is each line's benefit 0..1 (0 for short lines)."""
    if not 0 <= start < end <= 1:
        raise ConfigError(f"listener_reaction: need 0 <= start < end <= 1 (got start={start}, end={end})")
    gain = np.clip((f.speech_seconds - min_seconds) / max(min_seconds, 1e-6), 0, 1)
    return np.where(f.speech_seconds >= min_seconds, np.maximum(gain, 0.25), 0.0)
