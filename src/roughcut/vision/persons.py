"""Who is who: face tracks grouped into persons within a take, and persons matched across takes.

Identity comes from the face-embedding model (:mod:`roughcut.vision.identity`): every track carries
the embeddings of its best few face chips. Within a shot, a track that takes over where another
ended (boxes overlapping, a short gap) continues it unless their embeddings say two people. Then
tracks are clustered by embedding (average linkage of cosine distances, merged while within
:data:`~roughcut.vision.identity.SAME_PERSON_DISTANCE`), across the shots of a take and, for
persons, across takes. Hard rule: two faces seen in the same frame are two people, and two persons of
one take are two people. Colour (hue × saturation of the inner face) only breaks ties between
equally close candidates. Tracks the model could not embed (profiles, faces too small to align) stay
persons of their own unless box continuity links them.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import numpy as np

from roughcut.vision.geometry import iou
from roughcut.vision.identity import SAME_PERSON_DISTANCE, mean_embedding
from roughcut.vision.model import FaceTrack, Person, TakeVision

#: Embedding distances closer than this to the best candidate are a tie that colour may break.
TIE_MARGIN = 0.02
#: Within a shot, a track starting at most this long (seconds) after another ended, where it ended
#: (box overlap at least ``CONTINUE_IOU``), continues it.
CONTINUE_GAP_S = 2.0
CONTINUE_IOU = 0.3


def appearance_distance(a: Sequence[float], b: Sequence[float]) -> float:
    """Hellinger distance between two normalised histograms (0 same, 1 disjoint)."""
    p, q = np.asarray(a, float), np.asarray(b, float)
    if p.size == 0 or q.size == 0 or p.shape != q.shape or p.sum() <= 0 or q.sum() <= 0:
        return 1.0
    p, q = p / p.sum(), q / q.sum()
    return float(np.sqrt(max(0.0, 1.0 - np.sum(np.sqrt(p * q)))))


def _cosine_matrix(templates: Sequence[np.ndarray | None]) -> np.ndarray:
    """Cosine distances between unit templates (``nan`` where either is missing)."""
    n = len(templates)
    out = np.full((n, n), np.nan)
    known = [i for i, t in enumerate(templates) if t is not None]
    if known:
        stack = np.stack([templates[i] for i in known]).astype(np.float64)
        block = 1.0 - stack @ stack.T
        out[np.ix_(known, known)] = block
    return out


def agglomerate(
    groups: list[list[int]],
    distances: np.ndarray,
    apart: np.ndarray,
    colour: Callable[[list[int], list[int]], float],
    *,
    threshold: float = SAME_PERSON_DISTANCE,
) -> list[list[int]]:
    """Average-linkage clustering of items already gathered in ``groups``.

    ``distances[i, j]`` is the embedding distance of items ``i`` and ``j`` (``nan`` when unknown);
    ``apart[i, j]`` true forbids ``i`` and ``j`` in one group. The closest pair of groups (mean of its
    known distances) merges while that is within ``threshold``; among pairs within ``TIE_MARGIN`` of
    the closest, ``colour`` (a distance between two groups) picks the one to merge.
    """
    groups = [list(g) for g in groups]
    n = distances.shape[0]
    known = ~np.isnan(distances)
    member = np.zeros((len(groups), n))
    for k, group in enumerate(groups):
        member[k, group] = 1.0
    # Between groups: sum and count of known item distances, and whether any pair is kept apart.
    sums = member @ np.where(known, distances, 0.0) @ member.T
    counts = member @ known.astype(float) @ member.T
    kept_apart = member @ apart.astype(float) @ member.T > 0
    while len(groups) > 1:
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(counts > 0, sums / counts, np.inf)
        mean[kept_apart] = np.inf
        np.fill_diagonal(mean, np.inf)
        best = float(mean.min())
        if best > threshold:
            break
        tied = np.argwhere(np.triu(mean <= min(threshold, best + TIE_MARGIN), 1))
        a, b = min(((int(i), int(j)) for i, j in tied), key=lambda p: colour(groups[p[0]], groups[p[1]]))
        groups[a] = groups[a] + groups[b]
        for matrix in (sums, counts):
            matrix[a, :] += matrix[b, :]
            matrix[:, a] += matrix[:, b]
        kept_apart[a, :] |= kept_apart[b, :]
        kept_apart[:, a] |= kept_apart[:, b]
        del groups[b]
        sums, counts, kept_apart = (np.delete(np.delete(m, b, 0), b, 1) for m in (sums, counts, kept_apart))
    return groups


def _shot(frame: int, shot_bounds: Sequence[int]) -> int:
    return bisect.bisect_right(shot_bounds, frame)


def _continuation_chains(
    tracks: Sequence[FaceTrack], shot_bounds: Sequence[int], distances: np.ndarray, apart: np.ndarray
) -> list[list[int]]:
    """Tracks linked within a shot by box overlap where one ends and the next begins (never when
    their embeddings are beyond the threshold or they are ever seen together)."""
    order = sorted(range(len(tracks)), key=lambda i: tracks[i].start_frame)
    chain_of = {i: [i] for i in order}
    tail_taken: set[int] = set()
    for j in order:
        later = tracks[j]
        best, best_overlap = None, CONTINUE_IOU
        for i in order:
            earlier = tracks[i]
            if i == j or i in tail_taken or earlier.end_frame >= later.start_frame:
                continue
            if _shot(earlier.end_frame, shot_bounds) != _shot(later.start_frame, shot_bounds):
                continue
            if later.samples[0].time_s - earlier.samples[-1].time_s > CONTINUE_GAP_S:
                continue
            if not np.isnan(distances[i, j]) and distances[i, j] > SAME_PERSON_DISTANCE:
                continue
            if apart[np.ix_(chain_of[i], chain_of[j])].any():
                continue
            overlap = iou(earlier.samples[-1].box, later.samples[0].box)
            if overlap >= best_overlap:
                best, best_overlap = i, overlap
        if best is not None:
            tail_taken.add(best)
            merged = chain_of[best] + chain_of[j]
            for k in merged:
                chain_of[k] = merged
    chains, seen = [], set()
    for i in order:
        if id(chain_of[i]) not in seen:
            seen.add(id(chain_of[i]))
            chains.append(sorted(chain_of[i]))
    return chains


def group_tracks(tracks: Sequence[FaceTrack], *, shot_bounds: Sequence[int] = ()) -> list[list[FaceTrack]]:
    """Tracks grouped into persons: continuations within a shot, then embedding clusters; never two
    tracks on screen at the same moment. ``shot_bounds`` are the native frames where shots start."""
    n = len(tracks)
    if n == 0:
        return []
    frames = [{s.frame for s in t.samples} for t in tracks]
    apart = np.array([[i != j and bool(frames[i] & frames[j]) for j in range(n)] for i in range(n)])
    distances = _cosine_matrix([mean_embedding(t.embeddings) for t in tracks])
    chains = _continuation_chains(tracks, sorted(shot_bounds), distances, apart)

    def colour(ga: list[int], gb: list[int]) -> float:
        return min(appearance_distance(tracks[i].appearance, tracks[j].appearance) for i in ga for j in gb)

    groups = agglomerate(chains, distances, apart, colour)
    return [[tracks[i] for i in sorted(g)] for g in groups]


def make_persons(
    tracks: Sequence[FaceTrack], *, shot_bounds: Sequence[int] = ()
) -> tuple[tuple[FaceTrack, ...], tuple[Person, ...]]:
    """Group ``tracks`` into persons numbered left to right; returns the tracks labelled with their
    person and the persons."""
    groups = group_tracks(tracks, shot_bounds=shot_bounds)

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
        template = mean_embedding([e for t in group for e in t.embeddings])
        persons.append(
            Person(
                person_id=person_id,
                track_ids=tuple(sorted(t.track_id for t in group)),
                screen_position=max(set(positions), key=positions.count),
                face_height=heights[len(heights) // 2],
                appearance=tuple(float(v) for v in appearance),
                frames_visible=len({s.frame for s in samples}),
                embedding=() if template is None else tuple(float(v) for v in template),
            )
        )
        for track in group:
            labelled[track.track_id] = replace(track, person=person_id)
    return tuple(labelled[t.track_id] for t in tracks), tuple(persons)


def match_across_takes(visions: Mapping[str, TakeVision]) -> dict[tuple[str, str], int]:
    """One identity number per ``(take, person_id)``: persons clustered by their embeddings, never two
    persons of the same take (colour only breaks ties; persons without an embedding stay alone).
    Numbers start at 1 in order of first appearance."""
    items = [(take, p) for take, vision in visions.items() for p in vision.persons]
    n = len(items)
    if n == 0:
        return {}
    apart = np.array([[i != j and items[i][0] == items[j][0] for j in range(n)] for i in range(n)])
    templates = [mean_embedding([p.embedding]) if p.embedding else None for _, p in items]
    distances = _cosine_matrix(templates)

    def colour(ga: list[int], gb: list[int]) -> float:
        persons = [(items[i][1], items[j][1]) for i in ga for j in gb]
        return float(np.mean([appearance_distance(a.appearance, b.appearance) for a, b in persons]))

    groups = agglomerate([[i] for i in range(n)], distances, apart, colour)
    groups.sort(key=min)
    identity = {}
    for number, group in enumerate(groups, start=1):
        for i in group:
            identity[(items[i][0], items[i][1].person_id)] = number
    return identity
