"""The coverage as numpy arrays over lines × takes, built once per scene and shared by every idiom."""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from roughcut.edit.coverage import SCREEN_POSITIONS, SHOT_SIZES, SceneCoverage, shot_size_index

#: Position code of a character not in frame.
OFF_SCREEN = 9


@dataclass(frozen=True, eq=False)
class Features:
    """Arrays over ``L`` lines (script order) and ``T`` takes (coverage order).

    ``size``: shot size index (0 = ECU … 6 = ELS) per (line, take), ``nan`` where not covered.
    ``tightness``: 1 for the tightest size available in the scene, 0 for the widest.
    ``visible``: bit mask of visible characters per (line, take) (bit ``c`` = ``characters[c]``).
    ``position``: per (line, take, character) -1 left, 0 centre, 1 right, :data:`OFF_SCREEN`.
    ``speech_seconds``: median length of each line's speech over the takes that hold it.
    ``speech_rate``: words per second per (line, take), ``nan`` where not covered.
    ``pause_after``: seconds from the end of line ``l`` to the start of line ``l + 1`` in each take,
    ``nan`` where the take lacks one of them.
    """

    line_ids: tuple[str, ...]
    take_names: tuple[str, ...]
    characters: tuple[str, ...]
    covered: np.ndarray  # bool [L, T]
    size: np.ndarray  # float [L, T]
    tightness: np.ndarray  # float [L, T]
    speaker: np.ndarray  # int [L]
    speaker_visible: np.ndarray  # bool [L, T]
    visible: np.ndarray  # int64 [L, T]
    position: np.ndarray  # int8 [L, T, C]
    speech_seconds: np.ndarray  # float [L]
    speech_rate: np.ndarray  # float [L, T]
    intensity: np.ndarray  # float [L]
    confidence: np.ndarray  # float [L, T]
    pause_after: np.ndarray  # float [L, T]

    @property
    def shape(self) -> tuple[int, int]:
        return self.covered.shape


_CACHE: weakref.WeakKeyDictionary[SceneCoverage, Features] = weakref.WeakKeyDictionary()


def scene_features(coverage: SceneCoverage) -> Features:
    """The arrays of ``coverage``, built once per coverage object and cached while it lives."""
    cached = _CACHE.get(coverage)
    if cached is None:
        cached = _build(coverage)
        _CACHE[coverage] = cached
    return cached


def _build(coverage: SceneCoverage) -> Features:
    lines, takes = coverage.lines, coverage.takes
    characters = coverage.all_characters()
    char_index = {c: i for i, c in enumerate(characters)}
    n_lines, n_takes, n_chars = len(lines), len(takes), len(characters)
    covered = np.zeros((n_lines, n_takes), bool)
    size = np.full((n_lines, n_takes), np.nan)
    speaker_visible = np.zeros((n_lines, n_takes), bool)
    visible = np.zeros((n_lines, n_takes), np.int64)
    position = np.full((n_lines, n_takes, n_chars), OFF_SCREEN, np.int8)
    speech_rate = np.full((n_lines, n_takes), np.nan)
    confidence = np.zeros((n_lines, n_takes))
    seconds = np.full((n_lines, n_takes), np.nan)
    code = {name: k - 1 for k, name in enumerate(SCREEN_POSITIONS)}
    for li, line in enumerate(lines):
        for ti, take in enumerate(takes):
            item = coverage.coverage.get((line.id, take.name))
            if item is None or item.end_frame <= item.start_frame:
                continue
            covered[li, ti] = True
            size[li, ti] = shot_size_index(item.shot_size)
            speaker_visible[li, ti] = item.speaker_visible
            for name in item.visible_characters:
                ci = char_index[name]
                visible[li, ti] |= 1 << ci
                where = item.speaker_on_screen_position if name == line.character else None
                where = where or take.screen_positions.get(name)
                if where in code:
                    position[li, ti, ci] = code[where]
            speech_rate[li, ti] = item.speech_rate
            confidence[li, ti] = item.confidence
            seconds[li, ti] = float((item.end_frame - item.start_frame) / take.frame_rate)
    sizes = size[covered]
    low, high = (sizes.min(), sizes.max()) if sizes.size else (0.0, float(len(SHOT_SIZES) - 1))
    span = max(high - low, 1.0)
    tightness = np.where(covered, (high - size) / span, 0.0)
    pause_after = np.full((n_lines, n_takes), np.nan)
    for li in range(n_lines - 1):
        for ti, take in enumerate(takes):
            a = coverage.coverage.get((lines[li].id, take.name))
            b = coverage.coverage.get((lines[li + 1].id, take.name))
            if a is not None and b is not None:
                pause_after[li, ti] = float((b.start_frame - a.end_frame) / take.frame_rate)
    speech_seconds = np.array(
        [float(np.median(row[ok])) if ok.any() else 0.0 for row, ok in zip(seconds, covered, strict=True)]
    )
    return Features(
        line_ids=tuple(line.id for line in lines),
        take_names=tuple(take.name for take in takes),
        characters=characters,
        covered=covered,
        size=size,
        tightness=tightness,
        speaker=np.array([char_index[line.character] for line in lines], np.int64),
        speaker_visible=speaker_visible,
        visible=visible,
        position=position,
        speech_seconds=speech_seconds,
        speech_rate=speech_rate,
        intensity=np.array([float(line.intensity) for line in lines]),
        confidence=confidence,
        pause_after=pause_after,
    )
