"""Small hand-made scenes for the editor: each built so that one signal or idiom decides a choice.

The idioms read only the coverage, so no media is needed: takes point nowhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from roughcut.edit.coverage import LineCoverage, LineInfo, SceneCoverage, TakeInfo

RATE = Fraction(24)


def scene(
    takes: Mapping[str, tuple[str, Mapping[str, str]]],
    lines: tuple[tuple[str, str, float, float], ...],
    *,
    per_line: Mapping[tuple[str, str], Mapping[str, Any]] | None = None,
    sharpness: Mapping[str, float] | None = None,
) -> SceneCoverage:
    """A scene: ``takes`` name → (shot size, {character: side}); ``lines`` (id, speaker, text
    intensity 0..1, seconds of speech, at most 7), 200 frames apart in every take; ``per_line`` sets
    :class:`LineCoverage` fields of one (line, take); ``sharpness`` per take."""
    infos = tuple(
        TakeInfo(
            name,
            Path(f"/nowhere/{name}.mov"),
            RATE,
            1920,
            1080,
            200 * len(lines) + 200,
            size,
            tuple(sides),
            dict(sides),
            sharpness=(sharpness or {}).get(name),
        )
        for name, (size, sides) in takes.items()
    )
    line_infos = tuple(
        LineInfo(line_id, who, f"line {line_id}", intensity, ("w",) * 6)
        for line_id, who, intensity, _ in lines
    )
    coverage = {}
    for k, (line_id, who, _, seconds) in enumerate(lines):
        for name, (size, sides) in takes.items():
            start = 200 * k + 10
            fields: dict[str, Any] = {
                "line_id": line_id,
                "take_name": name,
                "start_frame": start,
                "end_frame": start + round(seconds * 24),
                "speaker_visible": who in sides,
                "speaker_on_screen_position": sides.get(who),
                "visible_characters": tuple(sides),
                "shot_size": size,
                "speech_rate": 3.0,
            }
            fields.update((per_line or {}).get((line_id, name), {}))
            coverage[(line_id, name)] = LineCoverage(**fields)
    return SceneCoverage("S", line_infos, infos, coverage)
