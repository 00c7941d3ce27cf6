"""Multicam switching: synchronised angles of one performance, switched as an editor would.

Time is cut into steps of a quarter second on the angles' common clock. Each step scores each angle
(show whoever speaks, a short ``delay`` after the speaker changes; go wide in the silences and,
every ``wide_every_seconds``, at a change of speaker; prefer the tightest angle on the speaker), and
an exact Viterbi over (angle, frames held) states enforces the minimum shot length. The sound is one
continuous dialogue track (the chosen take's, by default the widest angle with sound).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from roughcut.edit.coverage import SceneCoverage, TakeInfo, shot_size_index
from roughcut.edit.cut import Clip, Cut, CutLine, Pace
from roughcut.edit.editor import timeline_format
from roughcut.errors import ConfigError, RoughcutError

#: Largest difference (frames) between angles' line times on the common clock still counted as sync.
SYNC_TOLERANCE = 2


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
    clock: dict[str, tuple[int, int]] = {}
    for line in coverage.lines:
        spans = []
        for take in takes:
            item = coverage.get(line.id, take.name)
            if item is not None:
                spans.append(
                    (item.start_frame + take.sync_offset_frames, item.end_frame + take.sync_offset_frames)
                )
        if not spans:
            continue
        starts = [s for s, _ in spans]
        if max(starts) - min(starts) > SYNC_TOLERANCE:
            raise RoughcutError(
                f"line {line.id} starts at clock frames {min(starts)}..{max(starts)} in different angles: "
                "these takes are separate performances, not synchronised angles (cut them without multicam)"
            )
        clock[line.id] = (int(np.median(starts)), int(np.median([e for _, e in spans])))
    return clock


def switch_multicam(
    coverage: SceneCoverage,
    *,
    angles: Sequence[str] | None = None,
    min_shot_seconds: float = 1.5,
    speaker_delay_seconds: float = 0.3,
    wide_every_seconds: float = 20.0,
    lead_seconds: float = 0.5,
    dialogue_take: str | None = None,
    cut_cost: float = 0.2,
) -> Cut:
    """Switch the synchronised ``angles`` (default: every take) of one performance into a cut.

    ``min_shot_seconds``: shortest shot; ``speaker_delay_seconds``: how long after a new speaker
    starts the picture follows; ``wide_every_seconds``: at least this often, a change of speaker goes
    to the widest angle. Raises :class:`~roughcut.errors.RoughcutError` when the takes are not
    synchronised angles.
    """
    if min_shot_seconds <= 0 or speaker_delay_seconds < 0 or wide_every_seconds <= 0:
        raise ConfigError("multicam: shot length and wide interval must be positive, the delay 0 or more")
    takes = _angles(coverage, angles)
    rate = takes[0].frame_rate
    _, width, height = timeline_format(coverage)
    clock = _line_clock(coverage, takes)
    if not clock:
        raise RoughcutError(f"scene {coverage.scene}: no line is held by the angles")
    step = max(1, round(rate / 4))
    lead = round(Fraction(lead_seconds).limit_denominator(100) * rate)
    begin = max(max(t.sync_offset_frames for t in takes), min(s for s, _ in clock.values()) - lead)
    end = min(
        min(t.sync_offset_frames + t.duration_frames for t in takes), max(e for _, e in clock.values()) + lead
    )
    n_steps = max(1, (end - begin) // step)
    end = begin + n_steps * step
    characters = coverage.all_characters()
    speaking = np.full(n_steps, -1)
    for line in coverage.lines:
        if line.id in clock:
            s, e = clock[line.id]
            speaking[max(0, (s - begin) // step) : max(0, -(-(e - begin) // step))] = characters.index(
                line.character
            )
    delay = round(speaker_delay_seconds * 4)
    wanted = np.concatenate([np.full(delay, -1), speaking[: n_steps - delay]]) if delay else speaking.copy()
    # Hold the last speaker through short pauses.
    held = wanted.copy()
    for k in range(1, n_steps):
        if held[k] < 0:
            held[k] = held[k - 1]
    size = np.array([shot_size_index(t.shot_size) for t in takes], float)
    wideness = (size - size.min()) / max(size.max() - size.min(), 1)
    shows = np.array([[c in t.characters_visible for c in characters] for t in takes])
    costs = np.zeros((n_steps, len(takes)))
    for k in range(n_steps):
        who = held[k]
        if who >= 0:
            costs[k] += np.where(shows[:, who], 0.3 * wideness, 3.0)
        if wanted[k] < 0 and speaking[k] < 0:
            costs[k] += 0.2 * (1 - wideness)
    # Go wide at a change of speaker at least every ``wide_every_seconds``.
    wide_steps = max(1, round(min_shot_seconds * 4))
    last_wide = 0
    go_wide = np.zeros(n_steps, bool)
    for k in range(1, n_steps):
        if held[k] != held[k - 1] and held[k - 1] >= 0 and (k - last_wide) >= wide_every_seconds * 4:
            costs[k : k + wide_steps] += 4.0 * (1 - wideness)
            go_wide[k : k + wide_steps] = True
            last_wide = k
    min_steps = max(1, round(min_shot_seconds * 4))
    path = _min_duration_viterbi(costs, min_steps, cut_cost)
    sound = _dialogue_take(coverage, takes, dialogue_take)
    video: list[Clip] = []
    k = 0
    while k < n_steps:
        j = k
        while j < n_steps and path[j] == path[k]:
            j += 1
        take = takes[path[k]]
        a, b = begin + k * step, begin + j * step
        if go_wide[k] and wideness[path[k]] == 1:
            reason = "wide_every"
        elif held[k] < 0 or (speaking[k] < 0 and wanted[k] < 0):
            reason = "silence"
        else:
            reason = "speaker_visible"
        video.append(
            Clip(
                take.name,
                a - take.sync_offset_frames,
                b - take.sync_offset_frames,
                a - begin,
                b - begin,
                None,
                "angle",
                reason,
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
    return Cut(
        scene=coverage.scene,
        mode="multicam",
        style="multicam",
        weights={"speaker_visible": 3.0, "wide_every": 4.0, "cut": cut_cost},
        params={
            "multicam": {
                "min_shot_seconds": min_shot_seconds,
                "speaker_delay_seconds": speaker_delay_seconds,
                "wide_every_seconds": wide_every_seconds,
                "dialogue_take": sound.name,
            }
        },
        pace=pace,
        rate=rate,
        width=width,
        height=height,
        lines=tuple(lines),
        video=tuple(video),
        audio=tuple(audio),
        cost=0.0,
        gaps=missing,
        warnings=tuple(f"line {m}: not held by the angles" for m in missing),
    )


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


def _min_duration_viterbi(costs: np.ndarray, min_steps: int, cut_cost: float) -> np.ndarray:
    """Best angle per step with every shot at least ``min_steps`` long (exact: states are
    (angle, steps held so far, capped at ``min_steps - 1``))."""
    n_steps, n_angles = costs.shape
    m = min_steps
    score = np.full((n_angles, m), np.inf)
    score[:, 0] = costs[0]
    back = np.zeros((n_steps, n_angles, m, 2), np.int64)
    for k in range(1, n_steps):
        new = np.full((n_angles, m), np.inf)
        arg = np.zeros((n_angles, m, 2), np.int64)
        # Stay: held grows (capped).
        if m > 1:
            new[:, 1:] = score[:, :-1]
            arg[:, 1:, 0] = np.arange(n_angles)[:, None]
            arg[:, 1:, 1] = np.arange(m - 1)[None, :]
        stay_full = score[:, m - 1]
        better = stay_full < new[:, m - 1]
        new[better, m - 1] = stay_full[better]
        arg[better, m - 1, 0] = np.flatnonzero(better)
        arg[better, m - 1, 1] = m - 1
        # Switch: only from a shot that has run its minimum.
        ready = score[:, m - 1]
        for b in range(n_angles):
            others = ready.copy()
            others[b] = np.inf
            a = int(others.argmin())
            value = others[a] + cut_cost
            if value < new[b, 0]:
                new[b, 0] = value
                arg[b, 0] = (a, m - 1)
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
