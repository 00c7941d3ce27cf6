"""The editing room's view model: everything the page shows, as JSON-ready data (frames at the
timeline rate; no infinite or NaN number, which JSON has not)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from fractions import Fraction
from typing import Any
from urllib.parse import quote

from roughcut.app.session import Settings
from roughcut.edit import Cut, SceneCoverage, registry
from roughcut.edit.pacing import PACES

#: The fields of a cut's clip the page's timeline and player read.
CLIP_FIELDS = ("take", "source_in", "source_out", "record_in", "record_out", "line_id", "role", "idiom")


class _Urls:
    """Addresses of a scene's takes and thumbnails. Take numbers are the scene's: the scene in the
    address keeps a browser's cache of one scene's take 0 apart from another's."""

    def __init__(self, coverage: SceneCoverage) -> None:
        self.index = {t.name: i for i, t in enumerate(coverage.takes)}
        self.scene = quote(coverage.scene)

    def take(self, index: int) -> str:
        return f"/media/takes/{index}?scene={self.scene}"

    def thumb(self, take: str, line_id: str | None = None) -> str:
        line = f"&line={quote(line_id)}" if line_id else ""
        return f"/media/thumb?take={self.index[take]}{line}&scene={self.scene}"


def room_view(
    *,
    project_name: str,
    version: int,
    coverage: SceneCoverage,
    cut: Cut,
    settings: Settings,
    styles: Iterable[str],
    proxied: set[int],
    exports: Mapping[str, str],
    scenes: Iterable[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The page's state: the scene's cut line by line with each line's other takes, the takes
    (numbered as on the page; ``proxied`` are those the browser plays from a proxy), the idioms
    with their weights, the settings, the files ``exports`` (by format) and the project's
    ``scenes`` (each ``{number, heading, lines, takes, covered, note}``)."""
    from roughcut.export import FORMATS

    urls = _Urls(coverage)
    return _json_safe(
        {
            "version": version,
            "project": project_name,
            "scene": coverage.scene,
            "scenes": list(scenes),
            "characters": list(coverage.all_characters()),
            "settings": settings_view(settings),
            "styles": list(styles),
            "paces": list(PACES),
            "formats": list(FORMATS),
            "idioms": idioms_view(settings),
            "cut": cut_view(cut, coverage, urls),
            "takes": takes_view(cut, coverage, urls, proxied),
            "exports": [{"format": f, "name": n, "url": f"/files/{n}"} for f, n in exports.items()],
        }
    )


def settings_view(settings: Settings) -> dict[str, Any]:
    """The editor's settings as JSON data."""
    return {
        "style": settings.style,
        "weights": dict(settings.weights),
        "params": {k: dict(v) for k, v in settings.params.items()},
        "pace": settings.pace,
        "pins": dict(settings.pins),
        "j_cut_frames": settings.j_cut_frames,
        "l_cut_frames": settings.l_cut_frames,
    }


def idioms_view(settings: Settings) -> list[dict[str, Any]]:
    """Every registered idiom: kind, description, weight and parameters as ``settings`` has them."""
    return [
        {
            "name": name,
            "kind": item.kind,
            "description": item.description,
            "weight": settings.weights.get(name, 0.0),
            "params": {**item.params, **settings.params.get(name, {})},
        }
        for name, item in registry().items()
    ]


def cut_view(cut: Cut, coverage: SceneCoverage, urls: _Urls) -> dict[str, Any]:
    """The cut: its facts, every line (:func:`line_view`) and its picture and sound clips."""

    def clips(pieces: Iterable[Any]) -> list[dict[str, Any]]:
        return [
            {**{k: getattr(c, k) for k in CLIP_FIELDS}, "take_index": urls.index.get(c.take)} for c in pieces
        ]

    return {
        "frame_rate": _fraction(cut.rate),
        "fps": float(cut.rate),
        "width": cut.width,
        "height": cut.height,
        "cost": _finite(cut.cost),
        "duration_frames": cut.duration_frames,
        "duration_seconds": float(Fraction(cut.duration_frames) / cut.rate),
        "shots": len(cut.shots()),
        "mean_shot_seconds": cut.mean_shot_seconds(),
        "pace": asdict(cut.pace),
        "gaps": list(cut.gaps),
        "warnings": list(cut.warnings),
        "lines": [line_view(line, coverage, urls) for line in cut.lines],
        "video": clips(cut.video),
        "audio": clips(cut.audio),
    }


def line_view(line: Any, coverage: SceneCoverage, urls: _Urls) -> dict[str, Any]:
    """One line of the cut (a ``roughcut.edit.cut.CutLine``): the take chosen, why, and the other
    takes that hold it, best first, with how much each would cost more."""
    alternatives = {a.take: a for a in line.alternatives}
    options = []
    for take in coverage.takes:
        if take.name == line.take or coverage.get(line.line_id, take.name) is None:
            continue
        alt = alternatives.get(take.name)
        options.append(
            {
                "take": take.name,
                "take_index": urls.index[take.name],
                "shot_size": take.shot_size,
                "margin": _finite(alt.margin) if alt else None,
                "idiom": alt.idiom if alt else "",
                "thumb": urls.thumb(take.name, line.line_id),
            }
        )
    options.sort(key=lambda o: (o["margin"] is None, o["margin"] or 0.0))
    chosen = coverage.take(line.take) if line.take else None
    return {
        "id": line.line_id,
        "character": line.character,
        "text": line.text,
        "take": line.take,
        "take_index": urls.index.get(line.take) if line.take else None,
        "shot_size": chosen.shot_size if chosen else None,
        "thumb": urls.thumb(line.take, line.line_id) if line.take else None,
        "source_in": line.source_in,
        "source_out": line.source_out,
        "record_in": line.record_in,
        "record_out": line.record_out,
        "speech_in": line.speech_in,
        "speech_out": line.speech_out,
        "cost": _finite(line.cost),
        "idiom": line.idiom,
        "idiom_costs": {k: _finite(v) for k, v in line.idiom_costs.items()},
        "pinned": line.pinned,
        "reaction": line.reaction.take if line.reaction else None,
        "options": options,
    }


def takes_view(cut: Cut, coverage: SceneCoverage, urls: _Urls, proxied: set[int]) -> list[dict[str, Any]]:
    """The scene's takes as the page numbers them: who is seen where, the lines each holds and
    those the cut uses it for, its format, and whether the browser plays it from a proxy."""
    used: dict[str, list[str]] = {}
    for line in cut.lines:
        if line.take:
            used.setdefault(line.take, []).append(line.line_id)
    takes = []
    for index, take in enumerate(coverage.takes):
        takes.append(
            {
                "index": index,
                "name": take.name,
                "url": urls.take(index),
                "thumb": urls.thumb(take.name),
                "shot_size": take.shot_size,
                "people": [
                    {"character": c, "position": take.screen_positions.get(c, "")}
                    for c in take.characters_visible
                ],
                "lines": [line.id for line in coverage.lines if coverage.get(line.id, take.name)],
                "used_for": used.get(take.name, []),
                "frames": take.duration_frames,
                "frame_rate": _fraction(take.frame_rate),
                "fps": float(take.frame_rate),
                "width": take.width,
                "height": take.height,
                "timecode": take.timecode or "",
                "proxy": index in proxied,
            }
        )
    return takes


def _json_safe(value: Any) -> Any:
    """``value`` with every infinite or NaN float (JSON has none) as ``None``."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return value


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _fraction(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"
