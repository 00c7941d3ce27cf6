"""Who is who: face tracks grouped into persons within a take, and persons matched across takes.

Features: the colour of the inner face (hue × saturation histogram, which carries skin tone, make-up
and lighting) and, within a take, time: two tracks seen at the same moment are two people. Limits:
no identity model is used (mediapipe ships none), so two people of similar colouring under the same
light can be merged across takes, and one person under very different light (day and night set-ups)
can be split; the mapping to characters (from who speaks which lines) and the ``[characters]``
override in ``roughcut.toml`` settle what colour cannot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from roughcut.vision.model import FaceTrack, Person, TakeVision

#: Hellinger distance between appearance histograms under which two tracks may be one person.
SAME_PERSON_DISTANCE = 0.35


def _merge_closest(groups: list[list], distance) -> None:
    """Agglomerate ``groups`` in place: merge the closest pair while it is within
    ``SAME_PERSON_DISTANCE`` (``distance`` of two groups; ``inf`` forbids a merge)."""
    while len(groups) > 1:
        best, pair = np.inf, None
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                d = distance(groups[i], groups[j])
                if d < best:
                    best, pair = d, (i, j)
        if pair is None or best > SAME_PERSON_DISTANCE:
            return
        i, j = pair
        groups[i] = groups[i] + groups.pop(j)


def appearance_distance(a: Sequence[float], b: Sequence[float]) -> float:
    """Hellinger distance between two normalised histograms (0 same, 1 disjoint)."""
    p, q = np.asarray(a, float), np.asarray(b, float)
    if p.sum() <= 0 or q.sum() <= 0:
        return 1.0
    p, q = p / p.sum(), q / q.sum()
    return float(np.sqrt(max(0.0, 1.0 - np.sum(np.sqrt(p * q)))))


def _overlap(a: FaceTrack, b: FaceTrack) -> bool:
    frames_a = {s.frame for s in a.samples}
    return any(s.frame in frames_a for s in b.samples)


def group_tracks(tracks: Sequence[FaceTrack]) -> list[list[FaceTrack]]:
    """Tracks grouped into persons: greedy merging of the closest appearances, never two tracks
    that are on screen at the same moment."""
    groups: list[list[FaceTrack]] = [[t] for t in tracks]

    def distance(g: list[FaceTrack], h: list[FaceTrack]) -> float:
        if any(_overlap(a, b) for a in g for b in h):
            return np.inf
        return min(appearance_distance(a.appearance, b.appearance) for a in g for b in h)

    _merge_closest(groups, distance)
    return groups


def make_persons(tracks: Sequence[FaceTrack]) -> tuple[tuple[FaceTrack, ...], tuple[Person, ...]]:
    """Group ``tracks`` into persons numbered left to right; returns the tracks labelled with their
    person and the persons."""
    from dataclasses import replace

    groups = group_tracks(tracks)

    def centre(group: list[FaceTrack]) -> float:
        xs = [s.box[0] + s.box[2] / 2 for t in group for s in t.samples]
        return float(np.mean(xs))

    groups.sort(key=centre)
    labelled: dict[int, FaceTrack] = {}
    persons = []
    for number, group in enumerate(groups, start=1):
        person_id = f"person{number}"
        samples = [s for t in group for s in t.samples]
        weights = np.array([len(t.samples) for t in group], float)
        appearance = np.average(np.array([t.appearance for t in group]), axis=0, weights=weights)
        positions = [s.screen_position for s in samples]
        heights = sorted(s.face_height for s in samples)
        persons.append(
            Person(
                person_id=person_id,
                track_ids=tuple(sorted(t.track_id for t in group)),
                screen_position=max(set(positions), key=positions.count),
                face_height=heights[len(heights) // 2],
                appearance=tuple(float(v) for v in appearance),
                frames_visible=len({s.frame for s in samples}),
            )
        )
        for track in group:
            labelled[track.track_id] = replace(track, person=person_id)
    return tuple(labelled[t.track_id] for t in tracks), tuple(persons)


def match_across_takes(visions: Mapping[str, TakeVision]) -> dict[tuple[str, str], int]:
    """One identity number per ``(take, person_id)``: greedy merging by appearance, never two persons
    of the same take. Numbers start at 1 in order of first appearance."""
    items = [(take, p) for take, vision in visions.items() for p in vision.persons]
    groups: list[list[int]] = [[i] for i in range(len(items))]

    def distance(g: list[int], h: list[int]) -> float:
        if {items[i][0] for i in g} & {items[j][0] for j in h}:
            return np.inf
        return float(
            np.mean(
                [appearance_distance(items[i][1].appearance, items[j][1].appearance) for i in g for j in h]
            )
        )

    _merge_closest(groups, distance)
    groups.sort(key=min)
    identity = {}
    for number, group in enumerate(groups, start=1):
        for i in group:
            identity[(items[i][0], items[i][1].person_id)] = number
    return identity
