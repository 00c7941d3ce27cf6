"""Which takes belong to which scene: by the script lines the alignment found in each take, with
the slate, folder or file name (``sc2_tk3.mov``, ``scene 2/``, ``S02T03``) as a hint.

A take belongs to the scene whose lines it holds most of (each line found counts its words times
the alignment's confidence). The name decides only where the lines do not: a take in which no line
of the script was heard, or one whose evidence for the named scene is at least half its best. A
screenplay with one dialogue scene takes every take. A take that no line and no name places is
left out and said so (:attr:`SceneMatch.note`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from roughcut.script.model import Script

#: A scene named in a path part: ``scene 2``, ``scene_12A``, ``sc2_tk3``, ``Sc.4``, ``S02T03``,
#: ``scn-7``. The number is group 1.
SCENE_IN_NAME = re.compile(
    r"(?:^|[^a-z0-9])(?:scene|scn|sc|s)[\s._-]*0*(\d+[a-z]?)(?=$|[^a-z0-9]|t\d|tk|take)",
    re.IGNORECASE,
)
#: A named scene wins over the lines when its evidence is at least this share of the best scene's.
HINT_SHARE = 0.5


@dataclass(frozen=True)
class SceneMatch:
    """Where one take was placed: ``scene`` (a scene number as in the script, ``None`` when
    nowhere), ``evidence`` per scene (words of its lines found in the take × the alignment's
    confidence), the scene its name gives (``hint``), ``by`` (``"lines"``, ``"name"``,
    ``"only scene"`` or ``""``) and a ``note`` for the user when the lines and the name disagree or
    nothing places the take."""

    take: str
    scene: str | None
    evidence: Mapping[str, float] = field(default_factory=dict)
    hint: str | None = None
    by: str = ""
    note: str = ""


def scene_number_key(number: str) -> str:
    """A scene number as compared: ``"02"`` and ``"2"`` name one scene, and so do ``"12a"`` and
    ``"12A"``."""
    return str(number).strip().lstrip("0").upper() or "0"


def scene_hint(take_name: str, scene_numbers: Iterable[str]) -> str | None:
    """The scene a take's path names (the file name first, then its folders, innermost first), if
    it is one of ``scene_numbers`` (compared without leading zeros, case-insensitively)."""
    known = {scene_number_key(number): number for number in scene_numbers}
    parts = PurePosixPath(take_name.replace("\\", "/")).parts
    for part in reversed(parts):
        stem = PurePosixPath(part).stem if part == parts[-1] else part
        for found in SCENE_IN_NAME.finditer(stem):
            number = scene_number_key(found.group(1))
            if number in known:
                return known[number]
    return None


def scene_evidence(script: Script, alignment) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Per scene number, the words of its lines found in a take (``roughcut.speech.align.
    TakeAlignment``) weighted by each line's alignment confidence (0..1); a line said twice counts
    once, at its best."""
    scene_of = {line.id: line.scene for line in script.lines}
    best: dict[str, float] = {}
    for performance in alignment.lines:
        if performance.line_id in scene_of:
            words = max(1, len(performance.words))
            score = words * float(performance.confidence)
            best[performance.line_id] = max(best.get(performance.line_id, 0.0), score)
    evidence: dict[str, float] = {}
    for line_id, score in best.items():
        scene = scene_of[line_id]
        evidence[scene] = evidence.get(scene, 0.0) + score
    return evidence


def match_takes_to_scenes(script: Script, alignments: Mapping[str, object]) -> dict[str, SceneMatch]:
    """Place every take of ``alignments`` (take name → ``TakeAlignment``) in one dialogue scene of
    ``script`` (see the module's docstring); a take whose alignment has a ``problem`` is placed by
    its name only."""
    scenes = [scene.number for scene in script.scenes if scene.lines]
    out: dict[str, SceneMatch] = {}
    for take, alignment in alignments.items():
        hint = scene_hint(take, scenes)
        if len(scenes) == 1:
            out[take] = SceneMatch(take, scenes[0], {}, hint, "only scene")
            continue
        evidence = {} if getattr(alignment, "problem", "") else scene_evidence(script, alignment)
        out[take] = _placed(take, evidence, hint)
    return out


def _placed(take: str, evidence: dict[str, float], hint: str | None) -> SceneMatch:
    if not evidence or max(evidence.values()) <= 0:
        if hint is not None:
            return SceneMatch(
                take, hint, evidence, hint, "name", f"{take}: no script line heard; scene {hint} by its name"
            )
        return SceneMatch(
            take,
            None,
            evidence,
            None,
            "",
            f"{take}: no script line heard and no scene in its name; in no scene",
        )
    best = max(evidence, key=lambda scene: evidence[scene])
    if hint is None or hint == best:
        return SceneMatch(take, best, evidence, hint, "lines")
    if evidence.get(hint, 0.0) >= HINT_SHARE * evidence[best]:
        return SceneMatch(take, hint, evidence, hint, "name")
    return SceneMatch(
        take,
        best,
        evidence,
        hint,
        "lines",
        f"{take}: its name says scene {hint}, but it holds scene {best}'s lines; placed in scene {best}",
    )


def takes_by_scene(matches: Mapping[str, SceneMatch]) -> dict[str, list[str]]:
    """Scene number → its takes' names, in the order of ``matches``."""
    out: dict[str, list[str]] = {}
    for take, match in matches.items():
        if match.scene is not None:
            out.setdefault(match.scene, []).append(take)
    return out
