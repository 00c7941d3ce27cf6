"""Who is who and who speaks: persons named after script characters, and per spoken line who speaks,
whether the speaker is on screen, the shot size and who else is visible.

The lines come as :class:`SpokenLine` intervals (from the speech alignment: the voice says whose
line is heard when). The person whose face the speaker decision (``FaceTrack.speaking``, from the
active speaker model or lip motion, whichever decided) marks as speaking while a character's lines
are heard, and not while the other characters' lines are, is that character. Only lines during which
the person is on screen (``VISIBLE_SHARE`` of the line's frames) count for or against them, so a
person is never named after lines spoken while they were off screen. Persons who never speak in a
take inherit a name from the same face (by the identity model's embeddings) in other takes
(:func:`~roughcut.vision.persons.match_across_takes`). ``roughcut.toml`` overrides any mapping
(``[characters]`` with keys ``"TAKE:personN"``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from roughcut.errors import ConfigError
from roughcut.vision.model import TakeVision
from roughcut.vision.persons import match_across_takes

#: Speaking during a character's lines minus speaking during the others' lines that names a person.
MIN_EVIDENCE = 0.15
#: Share of a line's analysed frames a person must be seen in to count as visible during it (and for
#: the line to count as evidence of who they are).
VISIBLE_SHARE = 0.5
#: Share of a line's seen frames marked speaking that makes a visible person its visual speaker.
VISUAL_SPEAKER_SHARE = 0.3


@dataclass(frozen=True)
class SpokenLine:
    """A line of dialogue heard in a take: script line id, character, start and end in seconds."""

    line_id: str
    character: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class LineVisibility:
    """One spoken line in one take, as the picture shows it.

    ``speaker_person`` is the person named after the line's character in this take (``None`` when
    none is); ``speaker_visible`` whether the speaker is on screen during most of the line;
    ``visual_speaker`` the visible person whose lips move most during the line (``None`` when no
    lips move); ``shot_size`` and ``people`` the framing during most of the line.
    """

    take: str
    line_id: str
    character: str
    start_s: float
    end_s: float
    speaker_person: str | None
    speaker_visible: bool
    visual_speaker: str | None
    shot_size: str | None
    people: int
    visible_persons: tuple[str, ...]
    visible_characters: tuple[str, ...]


def person_key(take: str, person_id: str) -> str:
    """The name of a person in ``roughcut.toml``: ``"takes/A01_wide.mp4:person1"``."""
    return f"{take}:{person_id}"


def _line_frames(vision: TakeVision, line: SpokenLine) -> list[int]:
    """The analysed frames during the line (the nearest one for a line shorter than their spacing)."""
    start, end = vision.seconds_to_frame(line.start_s), vision.seconds_to_frame(line.end_s)
    inside = [f for f in vision.sample_frames if start <= f < end]
    if inside or not vision.sample_frames:
        return inside
    middle = (start + end) / 2
    return [min(vision.sample_frames, key=lambda f: abs(f - middle))]


def _person_during(vision: TakeVision, person_id: str, frames: Sequence[int]) -> tuple[float, float | None]:
    """Share of ``frames`` the person is seen in, and share of those where their face is marked
    speaking (``None`` when not seen at all)."""
    wanted = set(frames)
    seen: set[int] = set()
    talking: set[int] = set()
    for track in vision.tracks_of(person_id):
        for sample, speaking in zip(track.samples, track.speaking, strict=True):
            if sample.frame in wanted:
                seen.add(sample.frame)
                if speaking:
                    talking.add(sample.frame)
    share = len(seen) / len(frames) if frames else 0.0
    return min(1.0, share), (len(talking) / len(seen) if seen else None)


def speaking_evidence(vision: TakeVision, lines: Sequence[SpokenLine]) -> dict[tuple[str, str], float]:
    """For each (person, character) of a take: how much more the person's face is marked speaking
    during the character's lines than during the other characters' lines (shares of frames, -1 to
    1). Only lines during which the person is on screen count."""
    per_line = {}
    for line in lines:
        frames = _line_frames(vision, line)
        for person in vision.persons:
            share, talking = _person_during(vision, person.person_id, frames)
            if talking is not None and share >= VISIBLE_SHARE:
                per_line.setdefault(person.person_id, []).append((line.character, talking))
    evidence = {}
    characters = sorted({line.character for line in lines})
    for person_id, values in per_line.items():
        for character in characters:
            own = [v for c, v in values if c == character]
            other = [v for c, v in values if c != character]
            if own:
                evidence[(person_id, character)] = float(np.mean(own)) - (
                    float(np.mean(other)) if other else 0.0
                )
    return evidence


def assign_characters(
    visions: Mapping[str, TakeVision],
    spoken: Mapping[str, Sequence[SpokenLine]],
    *,
    overrides: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Name persons after characters: ``{"TAKE:personN": "CHARACTER"}``.

    ``visions`` and ``spoken`` are keyed by take name; ``overrides`` (``project.config["characters"]``)
    wins over everything found. Within a take each character names at most one person.
    """
    from scipy.optimize import linear_sum_assignment

    mapping: dict[str, str] = {}
    strength: dict[str, float] = {}
    for take, vision in visions.items():
        lines = spoken.get(take, ())
        evidence = speaking_evidence(vision, lines)
        persons = sorted({p for p, _ in evidence})
        characters = sorted({c for _, c in evidence})
        if not persons or not characters:
            continue
        scores = np.array([[evidence.get((p, c), -1.0) for c in characters] for p in persons])
        rows, cols = linear_sum_assignment(-scores)
        for r, c in zip(rows, cols, strict=True):
            if scores[r, c] >= MIN_EVIDENCE:
                key = person_key(take, persons[r])
                mapping[key], strength[key] = characters[c], float(scores[r, c])
    # Persons not named from their own take inherit the name their face carries in other takes.
    identities = match_across_takes(visions)
    votes: dict[int, dict[str, float]] = {}
    for (take, person_id), identity in identities.items():
        key = person_key(take, person_id)
        if key in mapping:
            votes.setdefault(identity, {}).setdefault(mapping[key], 0.0)
            votes[identity][mapping[key]] += strength[key]
    for (take, person_id), identity in identities.items():
        key = person_key(take, person_id)
        if key in mapping or identity not in votes:
            continue
        character = max(votes[identity], key=votes[identity].__getitem__)
        taken = {v for k, v in mapping.items() if k.startswith(f"{take}:")}
        if character not in taken:
            mapping[key] = character
    for key, character in (overrides or {}).items():
        if ":" not in key or not isinstance(character, str) or not character:
            raise ConfigError(f'[characters] {key!r} = {character!r}: expected "TAKE:personN" = "CHARACTER"')
        take = key.rsplit(":", 1)[0]
        for other in [k for k, v in mapping.items() if v == character and k.startswith(f"{take}:")]:
            del mapping[other]
        mapping[key] = character
    return mapping


def _framing(vision: TakeVision, start: int, end: int) -> tuple[str | None, int]:
    best, overlap = None, -1
    for segment in vision.segments:
        shared = min(end, segment.end_frame) - max(start, segment.start_frame)
        if shared > overlap:
            best, overlap = segment, shared
    return (best.shot_size, best.people) if best else (None, 0)


def line_visibility(
    visions: Mapping[str, TakeVision],
    spoken: Mapping[str, Sequence[SpokenLine]],
    characters: Mapping[str, str],
) -> dict[str, tuple[LineVisibility, ...]]:
    """For each take and spoken line: who speaks, whether the speaker is on screen, the shot size and
    who is visible. ``characters`` is :func:`assign_characters`' mapping."""
    out: dict[str, tuple[LineVisibility, ...]] = {}
    for take, vision in visions.items():
        named = {k.rsplit(":", 1)[1]: v for k, v in characters.items() if k.rsplit(":", 1)[0] == take}
        rows = []
        for line in spoken.get(take, ()):
            frames = _line_frames(vision, line)
            visible, talking = [], {}
            for person in vision.persons:
                share, moving = _person_during(vision, person.person_id, frames)
                if share >= VISIBLE_SHARE:
                    visible.append(person.person_id)
                    if moving is not None:
                        talking[person.person_id] = moving
            visual = max(talking, key=talking.__getitem__) if talking else None
            if visual is not None and talking[visual] < VISUAL_SPEAKER_SHARE:
                visual = None
            speaker = next((p for p, c in named.items() if c == line.character), None)
            if speaker is None and visual is not None and visual not in named:
                speaker = visual  # an unnamed face talking while the line is heard
            start, end = vision.seconds_to_frame(line.start_s), vision.seconds_to_frame(line.end_s)
            shot_size, people = _framing(vision, start, max(end, start + 1))
            rows.append(
                LineVisibility(
                    take=take,
                    line_id=line.line_id,
                    character=line.character,
                    start_s=line.start_s,
                    end_s=line.end_s,
                    speaker_person=speaker,
                    speaker_visible=speaker is not None and speaker in visible,
                    visual_speaker=visual,
                    shot_size=shot_size,
                    people=people,
                    visible_persons=tuple(visible),
                    visible_characters=tuple(sorted({named[p] for p in visible if p in named})),
                )
            )
        out[take] = tuple(rows)
    return out
