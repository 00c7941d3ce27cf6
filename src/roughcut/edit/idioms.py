"""Film-editing idioms as costs, one small function each (after Leake et al., SIGGRAPH 2017).

An idiom scores a *line* choice (line ``l`` shown from take ``t``: an ``[L, T]`` array), a
*transition* (take ``s`` on line ``l`` followed by take ``t`` on line ``l + 1``: an ``[L - 1, T, T]``
array) or a *reaction* (line ``l`` heard and first seen from take ``s``, cut away at its pause to
take ``r`` for the rest of it: an ``[L, T, T]`` array whose diagonal ``[l, t, t]`` scores showing the
line from ``t`` whole). Every cost lies in ``[0, 1]``: 0 when the idiom is satisfied, 1 when it is
broken. The optimiser multiplies each by its weight and sums; a line split at its pause is scored by
the line idioms over its two parts in proportion to their length (``judges="picture"``) or by the
take heard (``judges="sound"``), and the cut inside it by the transition idioms. Idioms are
registered by name with :func:`idiom` in one registry (:data:`IDIOMS`); outside packages add theirs
through the ``roughcut.idioms`` entry-point group (a module that calls :func:`idiom` when imported).
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
Judges = Literal["picture", "sound"]


@dataclass(frozen=True)
class Idiom:
    """A named idiom: its kind, cost function ``function(features, **params)`` and default parameters."""

    name: str
    kind: Kind
    function: Callable[..., np.ndarray]
    params: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    judges: Judges = "picture"

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
    name: str, kind: Kind, *, judges: Judges = "picture", **params: Any
) -> Callable[[Callable[..., np.ndarray]], Callable[..., np.ndarray]]:
    """Register the decorated cost function as idiom ``name`` with default ``params``. A line idiom
    ``judges`` the picture (a split line is scored over both parts) or the sound (the take heard)."""

    def register(function: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
        doc = (function.__doc__ or "").strip().splitlines()
        IDIOMS[name] = Idiom(name, kind, function, dict(params), doc[0] if doc else "", judges)
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
    """Start wide: the first lines from the widest take that shows every character who speaks in the
    scene (the establishing shot). A take missing someone costs 1 while another shows everyone (those
    cost 0 for the widest to 0.5 for the tightest); where none does, the cost is the share of
    characters missing and the framing's closeness, half each."""
    costs = np.zeros(f.shape)
    head = slice(0, max(0, int(lines)))
    everyone = f.speaking_characters
    full = f.covered & ((f.visible & everyone) == everyone)
    shown = np.vectorize(lambda mask: (int(mask) & everyone).bit_count(), otypes=[float])(f.visible) / max(
        everyone.bit_count(), 1
    )
    sizes = np.nan_to_num(f.size)
    widest = np.where(full, sizes, -np.inf).max(axis=1, keepdims=True)
    tightest = np.where(full, sizes, np.inf).min(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        wideness_full = np.where(widest > tightest, (sizes - tightest) / (widest - tightest), 1.0)
    wideness = _local_scale(np.nan_to_num(f.size), f.covered)
    some_full = full.any(axis=1, keepdims=True)
    partial = 0.5 * (1.0 - shown) + 0.5 * (1.0 - wideness)
    line_costs = np.where(some_full, np.where(full, 0.5 * (1.0 - wideness_full), 1.0), partial)
    costs[head] = line_costs[head]
    return np.where(f.covered, costs, 0.0)


@idiom("speaker_visible", "line")
def speaker_visible(f: Features) -> np.ndarray:
    """Speaker visible: show whoever speaks the line."""
    possible = (f.speaker_visible & f.covered).any(axis=1, keepdims=True)
    return np.where(possible & ~f.speaker_visible, 1.0, 0.0)


@idiom("emphasize_character", "line", character="", short_seconds=1.5)
def emphasize_character(f: Features, *, character: str = "", short_seconds: float = 1.5) -> np.ndarray:
    """Emphasize character X: more screen time and closer shots for X, on X's lines and during the
    other characters' short lines (under ``short_seconds`` of speech: a reaction of X); on the
    others' longer lines, a shot that also holds X is preferred at half the strength.

    Where X is shown the cost is half their distance from the closest shot of X the line has (0 for
    the closest); where X is not shown, 1 (0.5 on the others' longer lines)."""
    if not character:
        return np.zeros(f.shape)
    if character not in f.characters:
        raise ConfigError(
            f"emphasize_character: no character {character!r} in this scene ({', '.join(f.characters)})"
        )
    index = f.characters.index(character)
    shows = (f.visible & (1 << index)) != 0
    closeness = _local_scale(-np.nan_to_num(f.size), f.covered & shows)
    own = f.speaker == index
    short = f.speech_seconds < short_seconds
    strength = np.where(own | short, 1.0, 0.5)[:, None]
    return strength * np.where(shows, 0.5 * (1.0 - closeness), 1.0) * f.covered


@idiom("intensify_emotion", "line", threshold=0.65, reserve=0.2)
def intensify_emotion(f: Features, *, threshold: float = 0.65, reserve: float = 0.2) -> np.ndarray:
    """Intensify emotion: close-ups are kept for the intense lines. On a line whose emotional arc
    (text intensity and voice arousal, :attr:`Features.arc`) reaches ``threshold`` the tightest
    framing costs 0 and the widest 1; on the other lines a tighter framing costs up to ``reserve``
    (the tightest)."""
    if not 0 <= reserve <= 1:
        raise ConfigError(f"intensify_emotion: reserve must be between 0 and 1 (got {reserve})")
    closeness = _local_scale(-np.nan_to_num(f.size), f.covered)
    strong = (f.arc >= threshold)[:, None]
    return np.where(f.covered, np.where(strong, 1.0 - closeness, reserve * closeness), 0.0)


@idiom("peaks_and_valleys", "line")
def peaks_and_valleys(f: Features) -> np.ndarray:
    """Peaks and valleys: framing follows the scene's emotional arc (text intensity and voice arousal,
    :attr:`Features.arc`): tight at its peaks, wide in its valleys."""
    low, high = (float(f.arc.min()), float(f.arc.max())) if f.arc.size else (0.0, 0.0)
    target = (f.arc - low) / (high - low) if high > low else np.full(f.arc.shape, 0.5)
    return np.where(f.covered, np.abs(f.tightness - target[:, None]), 0.0)


@idiom("performance_fast", "line", judges="sound")
def performance_fast(f: Features) -> np.ndarray:
    """Performance fast: the take in which the line is said fastest (words per second)."""
    return np.where(f.covered, 1.0 - _local_scale(np.nan_to_num(f.speech_rate), f.covered), 0.0)


@idiom("performance_slow", "line", judges="sound")
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


@idiom("sure_labels", "line")
def sure_labels(f: Features) -> np.ndarray:
    """Sure labels: prefer takes whose labels are sure: the line's alignment (when it is said, that
    it is this line) times the picture's speaker labels (who is seen talking). The cost is one minus
    that product; a label not measured counts as sure."""
    sure = np.clip(np.nan_to_num(f.confidence, nan=1.0), 0, 1) * np.clip(
        np.nan_to_num(f.speaker_confidence, nan=1.0), 0, 1
    )
    return np.where(f.covered, 1.0 - sure, 0.0)


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
    """Mirror position: across a cut, each character keeps their side of the frame (the 180-degree
    rule), and in a shot/reverse shot (the two shots share nobody) the second framing mirrors the
    first: people framed left are answered by people framed right. Either broken costs 1; a centred
    framing neither keeps nor breaks it."""
    before = f.position[:-1, :, None, :].astype(np.int16)
    after = f.position[1:, None, :, :].astype(np.int16)
    seen_before, seen_after = before != OFF_SCREEN, after != OFF_SCREEN
    flipped = (seen_before & seen_after & (before * after < 0)).any(axis=-1)
    shared = (seen_before & seen_after).any(axis=-1)
    side_before = _side(before, seen_before)
    side_after = _side(after, seen_after)
    unmirrored = ~shared & (side_before != 0) & (side_before == side_after)
    return ((flipped | unmirrored) & _cuts(f)).astype(float)


def _side(position: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """-1 when everyone seen is framed left, 1 when right, 0 otherwise (centred, mixed or nobody)."""
    left = (seen & (position < 0)).any(axis=-1)
    right = (seen & (position > 0)).any(axis=-1)
    centre = (seen & (position == 0)).any(axis=-1)
    return np.where(left & ~right & ~centre, -1, np.where(right & ~left & ~centre, 1, 0))


@idiom("short_lines", "transition", min_seconds=1.0)
def short_lines(f: Features, *, min_seconds: float = 1.0) -> np.ndarray:
    """Short lines: no cut into or out of a line shorter than ``min_seconds`` of speech."""
    short = f.speech_seconds < min_seconds
    either = (short[:-1] | short[1:]).astype(float)[:, None, None]
    return either * _cuts(f)


@idiom("listener_reaction", "reaction", min_seconds=4.0)
def listener_reaction(f: Features, *, min_seconds: float = 4.0) -> np.ndarray:
    """Listener reaction: a line of ``min_seconds`` of speech or more is split at its pause and its
    second part shows the listener (a take that shows someone, not the speaker). Showing such a line
    whole costs from 0.5 (at ``min_seconds``) to 1 (at twice that); a cutaway to a take that shows
    no listener costs 1; shorter lines cost nothing either way."""
    if min_seconds <= 0:
        raise ConfigError(f"listener_reaction: min_seconds must be more than 0 (got {min_seconds})")
    n_lines, n_takes = f.shape
    long = f.speech_seconds >= min_seconds
    want = np.where(long, np.clip(f.speech_seconds / (2 * min_seconds), 0.5, 1.0), 0.0)
    listener = f.covered & ~f.speaker_visible & (f.visible != 0)
    costs = np.where(listener[:, None, :], 0.0, 1.0) * long[:, None, None]
    costs = np.broadcast_to(costs, (n_lines, n_takes, n_takes)).copy()
    diagonal = np.arange(n_takes)
    costs[:, diagonal, diagonal] = want[:, None]
    return costs
