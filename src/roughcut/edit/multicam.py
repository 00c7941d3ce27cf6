"""Multicam switching: synchronised angles of one performance, switched by the editing idioms.

The angles run together on one clock (each take's ``sync_offset_frames``, which
:func:`roughcut.app.ingest.synchronise_angles` sets from the sound). The clock is cut into steps of
exactly a quarter second (``rate / 4`` frames as a fraction: step ``k`` starts at frame
``floor(k * rate / 4)``, so 29.97 fps never drifts). Each line is on screen from its start plus
``speaker_delay_seconds`` until the next one is; a step is scored by the *same idioms, style and
weights* as the dialogue editor (:mod:`roughcut.edit.idioms`, :mod:`roughcut.edit.styles`), each
line's cost spread over its steps so that a line weighs what it weighs in :func:`edit_scene`. A
cut between angles costs the transition idioms (between two lines at a line change, within the line
otherwise) plus ``cut_cost``. At a change of speaker, at least every ``wide_every_seconds``, the
start-wide idiom asks again for the widest angle (re-establishing, for one shortest shot). Where the
idioms leave a tie, the tighter angle wins. An exact Viterbi over (angle, steps held) enforces the
shortest shot. The sound is one continuous dialogue track (by default the widest angle with sound).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from fractions import Fraction
from math import ceil
from typing import Any

import numpy as np

from roughcut.edit.coverage import LineCoverage, LineInfo, SceneCoverage, TakeInfo, shot_size_index
from roughcut.edit.cut import Clip, Cut, CutLine, Pace
from roughcut.edit.editor import timeline_format
from roughcut.edit.features import scene_features
from roughcut.edit.idioms import registry
from roughcut.edit.styles import Style, resolve_style
from roughcut.errors import ConfigError, RoughcutError

#: Largest difference (frames) between angles' line times on the common clock still counted as sync,
#: for angles no sync stage has grouped.
SYNC_TOLERANCE = 2
#: The same, in seconds, for angles grouped by their sound (line times then come from separate
#: alignments of each angle, which disagree by their own error, not by the sync).
GROUPED_TOLERANCE_S = Fraction(1, 4)
#: Steps per second of the switching grid.
STEPS_PER_SECOND = 4
#: Weight of the tie-break toward the tighter angle (per line, far below any idiom weight).
TIGHTER_ON_TIE = 1e-3


def _angles(coverage: SceneCoverage, names: Sequence[str] | None) -> list[TakeInfo]:
    takes = [coverage.take(n) for n in names] if names else list(coverage.takes)
    if len(takes) < 2:
        raise ConfigError("multicam needs at least two angles")
    groups = {t.sync_group for t in takes}
    if len(groups) > 1:
        raise RoughcutError(
            f"angles belong to different sync groups ({', '.join(map(str, groups))}); not one performance"
        )
    rates = {t.frame_rate for t in takes}
    if len(rates) > 1:
        raise RoughcutError("multicam angles must share one frame rate; conform them first")
    return takes


def _line_clock(coverage: SceneCoverage, takes: list[TakeInfo]) -> dict[str, tuple[int, int]]:
    """Each line's speech ``[start, end)`` on the common clock; raises if the angles disagree."""
    rate = takes[0].frame_rate
    grouped = takes[0].sync_group is not None
    tolerance = max(SYNC_TOLERANCE, int(GROUPED_TOLERANCE_S * rate)) if grouped else SYNC_TOLERANCE
    clock: dict[str, tuple[int, int]] = {}
    for line in coverage.lines:
        spans = []
        for take in takes:
            item = coverage.get(line.id, take.name)
            if item is not None and item.end_frame > item.start_frame:
                spans.append(
                    (item.start_frame + take.sync_offset_frames, item.end_frame + take.sync_offset_frames)
                )
        if not spans:
            continue
        starts = [s for s, _ in spans]
        if max(starts) - min(starts) > tolerance:
            raise RoughcutError(
                f"line {line.id} starts at clock frames {min(starts)}..{max(starts)} in different angles: "
                "these takes are separate performances, not synchronised angles (cut them without multicam)"
            )
        clock[line.id] = (int(np.median(starts)), int(np.median([e for _, e in spans])))
    return clock


def _angle_coverage(
    coverage: SceneCoverage, takes: list[TakeInfo], clock: Mapping[str, tuple[int, int]]
) -> SceneCoverage:
    """The scene as the angles see it: the held lines, every angle holding each of them (the
    performance is one; an angle whose alignment missed a line still shows it, framed as usual)."""
    lines = [line for line in coverage.lines if line.id in clock]
    items: dict[tuple[str, str], LineCoverage] = {}
    for line in lines:
        found = [coverage.get(line.id, t.name) for t in takes]
        rates = [item.speech_rate for item in found if item is not None]
        start, end = clock[line.id]
        for take, item in zip(takes, found, strict=True):
            if item is None or item.end_frame <= item.start_frame:
                visible = line.character in take.characters_visible
                item = LineCoverage(
                    line_id=line.id,
                    take_name=take.name,
                    start_frame=start - take.sync_offset_frames,
                    end_frame=end - take.sync_offset_frames,
                    speaker_visible=visible,
                    speaker_on_screen_position=take.screen_positions.get(line.character) if visible else None,
                    visible_characters=take.characters_visible,
                    shot_size=take.shot_size,
                    speech_rate=float(np.median(rates)) if rates else 0.0,
                )
            items[(line.id, take.name)] = item
    return SceneCoverage(coverage.scene, tuple(lines), tuple(takes), items, coverage.characters)


def _doubled(scene: SceneCoverage) -> SceneCoverage:
    """Each line twice in a row (``ID~1``, ``ID~2``): transitions from the first copy to the second
    score a cut inside the line, from a second copy to the next first one a cut between lines."""
    lines: list[LineInfo] = []
    items: dict[tuple[str, str], LineCoverage] = {}
    for line in scene.lines:
        for half in ("~1", "~2"):
            lines.append(replace(line, id=line.id + half))
            for take in scene.takes:
                item = scene.coverage[(line.id, take.name)]
                items[(line.id + half, take.name)] = replace(item, line_id=line.id + half)
    return SceneCoverage(scene.scene, tuple(lines), scene.takes, items, scene.characters)


def _idiom_params(style: Style, name: str, min_shot_seconds: float) -> dict[str, Any]:
    params = dict(style.params.get(name, {}))
    if name == "short_lines" and "min_seconds" not in params:
        params["min_seconds"] = min_shot_seconds  # as the dialogue editor does with its pace
    return params  # avoid_jump_cuts keeps its default: multicam takes no time out of a shot


def switch_multicam(
    coverage: SceneCoverage,
    *,
    angles: Sequence[str] | None = None,
    style: str | Style = "default",
    weights: Mapping[str, float] | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    styles: Mapping[str, Style] | None = None,
    min_shot_seconds: float = 1.5,
    speaker_delay_seconds: float = 0.3,
    wide_every_seconds: float = 20.0,
    lead_seconds: float = 0.5,
    dialogue_take: str | None = None,
    cut_cost: float = 0.2,
    closer: float = 1.0,
) -> Cut:
    """Switch the synchronised ``angles`` (default: every take) of one performance into a cut.

    ``style``, ``weights``, ``params`` and ``styles`` choose the idioms and their weights exactly as
    in :func:`~roughcut.edit.editor.edit_scene` (the editing room's sliders). ``min_shot_seconds``:
    shortest shot (a whole number of quarter-second steps, so at most one frame shorter);
    ``speaker_delay_seconds``: how long after a line starts the picture follows it;
    ``wide_every_seconds``: at least this often, a change of speaker re-establishes on the widest
    angle (weighted as ``start_wide``); ``lead_seconds``: picture before the first line and after
    the last; ``cut_cost``: the price of any cut; ``closer``: the weight of the
    emphasize-character idiom applied to each line's own speaker (a multicam follows whoever speaks,
    as close as the angles allow; 0 leaves the framing to the style alone). Raises
    :class:`~roughcut.errors.RoughcutError` when the takes are not synchronised angles.
    """
    if min_shot_seconds <= 0 or speaker_delay_seconds < 0 or wide_every_seconds <= 0:
        raise ConfigError("multicam: shot length and wide interval must be positive, the delay 0 or more")
    if cut_cost < 0 or closer < 0:
        raise ConfigError("multicam: the cut cost and the closer weight must be 0 or more")
    chosen = resolve_style(style, weights, params, styles=styles)
    takes = _angles(coverage, angles)
    rate = takes[0].frame_rate
    _, width, height = timeline_format(coverage)
    clock = _line_clock(coverage, takes)
    if not clock:
        raise RoughcutError(f"scene {coverage.scene}: no line is held by the angles")
    scene = _angle_coverage(coverage, takes, clock)
    starts = np.array([clock[line.id][0] for line in scene.lines])
    lead = round(Fraction(lead_seconds).limit_denominator(1000) * rate)
    delay = round(Fraction(speaker_delay_seconds).limit_denominator(1000) * rate)
    begin = max(max(t.sync_offset_frames for t in takes), int(starts.min()) - lead)
    end = min(
        min(t.sync_offset_frames + t.duration_frames for t in takes), max(e for _, e in clock.values()) + lead
    )
    if end <= begin:
        raise RoughcutError(
            f"scene {coverage.scene}: the angles {', '.join(t.name for t in takes)} share no time with "
            "the lines on their common clock (check their sync offsets)"
        )
    # Exact quarter-second steps: boundary k at floor(k * rate / 4) frames after ``begin``.
    step = rate / STEPS_PER_SECOND
    n_steps = max(1, int((end - begin) / step))
    bounds = np.array([begin + int(k * step) for k in range(n_steps + 1)], np.int64)
    end = int(bounds[-1])
    # The line on screen at each step: the last one whose start (plus the delay) has come.
    owner = np.clip(np.searchsorted(starts + delay, bounds[:-1], side="right") - 1, 0, len(starts) - 1)
    steps_of = np.bincount(owner, minlength=len(starts)).astype(float)
    min_steps = max(1, ceil(min_shot_seconds * STEPS_PER_SECOND - 1e-9))

    features = scene_features(scene)
    doubled = scene_features(_doubled(scene))
    idioms = registry()
    n_angles = len(takes)
    share = 1.0 / np.maximum(steps_of[owner], 1.0)[:, None]  # a line's cost spread over its steps
    terms: dict[str, np.ndarray] = {}
    pairs = np.zeros((2 * len(starts) - 1, n_angles, n_angles))
    for name, weight in chosen.weights.items():
        item = idioms[name]
        if weight == 0 or item.kind not in ("line", "transition"):
            continue  # reactions: a listener's shot is whichever angle shows them, by the line idioms
        idiom_params = _idiom_params(chosen, name, min_shot_seconds)
        if item.kind == "line":
            terms[name] = weight * item.costs(features, idiom_params)[owner] * share
        else:
            pairs += weight * item.costs(doubled, idiom_params)
    # Re-establish: at a change of speaker, at least every ``wide_every_seconds``, ask start_wide's
    # question again for one shortest shot.
    wide_weight = chosen.weights.get("start_wide", 0.0)
    if wide_weight:
        be_wide = _be_wide(features, chosen)
        again = np.zeros((n_steps, n_angles))
        speaker = features.speaker[owner]
        every = wide_every_seconds * STEPS_PER_SECOND
        last_wide = 0
        for k in range(1, n_steps):
            if speaker[k] != speaker[k - 1] and k - last_wide >= every:
                again[k : k + min_steps] += wide_weight * be_wide[owner[k]] / min_steps
                last_wide = k
        terms["start_wide"] = terms.get("start_wide", 0) + again
    if closer:
        terms["closer_on_speaker"] = closer * _closer_on_speaker(features)[owner] * share
    terms["tighter_on_tie"] = TIGHTER_ON_TIE * (1.0 - features.tightness[owner]) * share
    costs = sum(terms.values())
    # The cut at step k (from step k - 1): inside a line, or from one line to the next.
    pair_index = np.where(owner[1:] == owner[:-1], 2 * owner[1:], 2 * owner[1:] - 1)
    pair_index = np.clip(pair_index, 0, len(pairs) - 1)
    switch = pairs + cut_cost * (1 - np.eye(n_angles))[None]
    path = _min_duration_viterbi(costs, min_steps, switch, pair_index)

    sound = _dialogue_take(coverage, takes, dialogue_take)
    video: list[Clip] = []
    k = 0
    while k < n_steps:
        j = k
        while j < n_steps and path[j] == path[k]:
            j += 1
        take = takes[path[k]]
        a, b = int(bounds[k]), int(bounds[j])
        video.append(
            Clip(
                take.name,
                a - take.sync_offset_frames,
                b - take.sync_offset_frames,
                a - begin,
                b - begin,
                None,
                "angle",
                _deciding_idiom(terms, path[k], k, j),
            )
        )
        k = j
    audio = [
        Clip(
            sound.name,
            begin - sound.sync_offset_frames,
            end - sound.sync_offset_frames,
            0,
            end - begin,
            None,
            "angle",
            "dialogue",
        )
    ]
    lines = []
    for line in coverage.lines:
        if line.id not in clock:
            continue
        s, e = clock[line.id]
        middle = (s + e) // 2 - begin
        shown = next((c for c in video if c.record_in <= middle < c.record_out), video[-1])
        offset = coverage.take(shown.take).sync_offset_frames
        lines.append(
            CutLine(
                line.id,
                line.character,
                line.text,
                shown.take,
                s - offset,
                e - offset,
                s - begin,
                e - begin,
                s - begin,
                e - begin,
                0.0,
                shown.idiom,
            )
        )
    missing = tuple(line.id for line in coverage.lines if line.id not in clock)
    pace = Pace("multicam", 1.0, 0, 0, lead, 0.9, min_shot_seconds)
    total = float(sum(costs[k, path[k]] for k in range(n_steps)))
    total += float(sum(switch[pair_index[k - 1], path[k - 1], path[k]] for k in range(1, n_steps)))
    return Cut(
        scene=coverage.scene,
        mode="multicam",
        style=chosen.name,
        weights={**chosen.weights, "cut": cut_cost},
        params={
            **{name: dict(values) for name, values in chosen.params.items()},
            "multicam": {
                "min_shot_seconds": min_shot_seconds,
                "speaker_delay_seconds": speaker_delay_seconds,
                "wide_every_seconds": wide_every_seconds,
                "dialogue_take": sound.name,
            },
        },
        pace=pace,
        rate=rate,
        width=width,
        height=height,
        lines=tuple(lines),
        video=tuple(video),
        audio=tuple(audio),
        cost=total,
        gaps=missing,
        warnings=tuple(f"line {m}: not held by the angles" for m in missing),
    )


def _be_wide(features: Any, style: Style) -> np.ndarray:
    """``[L, T]`` start_wide's cost as if every line opened the scene (0 on the widest angle)."""
    item = registry()["start_wide"]
    params = {**style.params.get("start_wide", {}), "lines": len(features.line_ids)}
    try:
        return item.costs(features, params)
    except ConfigError:  # a start_wide without a ``lines`` parameter: wideness alone
        return features.tightness * features.covered


def _closer_on_speaker(features: Any) -> np.ndarray:
    """``[L, T]`` the emphasize-character idiom for each line's own speaker."""
    item = registry()["emphasize_character"]
    costs = np.zeros(features.shape)
    for index, character in enumerate(features.characters):
        speaks = features.speaker == index
        if speaks.any():
            costs[speaks] = item.costs(features, {"character": character})[speaks]
    return costs


def _deciding_idiom(terms: Mapping[str, np.ndarray], angle: int, k: int, j: int) -> str:
    """The idiom that most favours ``angle`` over the others during steps ``[k, j)``."""
    best, gain = "tie", 0.0
    for name, term in terms.items():
        block = term[k:j]
        others = np.delete(block, angle, axis=1)
        saving = float((others.mean(axis=1) - block[:, angle]).sum()) if others.size else 0.0
        if saving > gain + 1e-12:
            best, gain = name, saving
    return best


def _dialogue_take(coverage: SceneCoverage, takes: list[TakeInfo], name: str | None) -> TakeInfo:
    if name is not None:
        take = coverage.take(name)
        if take not in takes:
            raise ConfigError(f"dialogue take {name!r} is not one of the angles")
        if not take.has_audio:
            raise ConfigError(f"dialogue take {name!r} has no sound")
        return take
    with_sound = [t for t in takes if t.has_audio] or takes
    return max(with_sound, key=lambda t: shot_size_index(t.shot_size))


def _min_duration_viterbi(
    costs: np.ndarray, min_steps: int, switch: np.ndarray, pair_index: np.ndarray
) -> np.ndarray:
    """Best angle per step with every shot at least ``min_steps`` long (exact: states are
    (angle, steps held so far, capped at ``min_steps - 1``)). ``costs`` ``[K, A]``; going from step
    ``k - 1`` on angle ``a`` to step ``k`` on angle ``b`` costs ``switch[pair_index[k - 1], a, b]``."""
    n_steps, n_angles = costs.shape
    m = min_steps
    score = np.full((n_angles, m), np.inf)
    score[:, 0] = costs[0]
    back = np.zeros((n_steps, n_angles, m, 2), np.int64)
    for k in range(1, n_steps):
        cost = switch[pair_index[k - 1]]
        stay = np.diag(cost)
        new = np.full((n_angles, m), np.inf)
        arg = np.zeros((n_angles, m, 2), np.int64)
        # Stay: held grows (capped).
        if m > 1:
            new[:, 1:] = score[:, :-1] + stay[:, None]
            arg[:, 1:, 0] = np.arange(n_angles)[:, None]
            arg[:, 1:, 1] = np.arange(m - 1)[None, :]
        stay_full = score[:, m - 1] + stay
        better = stay_full < new[:, m - 1]
        new[better, m - 1] = stay_full[better]
        arg[better, m - 1, 0] = np.flatnonzero(better)
        arg[better, m - 1, 1] = m - 1
        # Switch: only from a shot that has run its minimum.
        into = score[:, m - 1][:, None] + cost
        np.fill_diagonal(into, np.inf)
        source = into.argmin(axis=0)
        value = into[source, np.arange(n_angles)]
        better = value < new[:, 0]
        new[better, 0] = value[better]
        arg[better, 0, 0] = source[better]
        arg[better, 0, 1] = m - 1
        score = new + costs[k][:, None]
        back[k] = arg
    # A last shot may be shorter only if the whole cut is.
    final = score[:, m - 1] if np.isfinite(score[:, m - 1]).any() else score.min(axis=1)
    a = int(final.argmin())
    d = m - 1 if np.isfinite(score[a, m - 1]) else int(score[a].argmin())
    path = np.empty(n_steps, np.int64)
    for k in range(n_steps - 1, -1, -1):
        path[k] = a
        if k:
            a, d = back[k, a, d]
    return path
