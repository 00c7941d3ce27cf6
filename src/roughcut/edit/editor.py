"""``edit_scene``: idioms → costs → Viterbi → cut points → a :class:`~roughcut.edit.cut.Cut`."""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from roughcut.edit.coverage import SceneCoverage
from roughcut.edit.cut import Alternative, Clip, Cut, CutLine, Pace
from roughcut.edit.features import Features, scene_features, select_lines, split_frame
from roughcut.edit.idioms import registry
from roughcut.edit.optimise import Solution, viterbi
from roughcut.edit.pacing import Span, place, resolve_pace
from roughcut.edit.styles import Style, resolve_style
from roughcut.errors import ConfigError, RoughcutError

#: How many alternatives each line lists.
ALTERNATIVES = 3
#: Margins below this count as a tie (broken by :data:`TIE_RULES`, and said so).
TIE = 1e-7


def edit_scene(
    coverage: SceneCoverage,
    *,
    style: str | Style = "default",
    weights: Mapping[str, float] | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    pins: Mapping[str, str] | None = None,
    pace: str | float = "normal",
    j_cut_frames: int = 0,
    l_cut_frames: int = 0,
    cut_fraction: float = 0.9,
    styles: Mapping[str, Style] | None = None,
) -> Cut:
    """Cut ``coverage`` by the idioms of ``style`` (weights and parameters laid over it).

    ``pins`` holds ``line_id → take_name`` choices the optimiser must keep; the rest is re-solved
    around them. ``pace`` scales the pauses (``"tight"``, ``"normal"``, ``"relaxed"`` or a factor);
    the cut falls ``cut_fraction`` of the way through each pause. ``j_cut_frames`` lets the incoming
    sound lead the picture cut, ``l_cut_frames`` lets the outgoing sound trail it (one or the other).
    Lines no take holds become marked gaps, listed in ``Cut.gaps``. Raises
    :class:`~roughcut.errors.ConfigError` for settings that make no sense.
    """
    chosen_style = resolve_style(style, weights, params, styles=styles)
    if j_cut_frames and l_cut_frames:
        raise ConfigError("give either a J cut (sound leads) or an L cut (sound trails), not both")
    if j_cut_frames < 0 or l_cut_frames < 0:
        raise ConfigError("J and L cut lengths are frames, 0 or more")
    if not coverage.takes:
        raise RoughcutError(f"scene {coverage.scene}: no takes to cut from")
    rate, width, height = timeline_format(coverage)
    pace_settings = resolve_pace(pace, rate, cut_fraction=cut_fraction)
    features = scene_features(coverage)
    pins = dict(pins or {})
    _check_pins(coverage, features, pins)

    keep = np.flatnonzero(features.covered.any(axis=1))
    gaps = tuple(features.line_ids[i] for i in range(len(features.line_ids)) if i not in set(keep.tolist()))
    model = _Model.build(coverage, features, keep, chosen_style, pace_settings, rate)
    takes_per_line: list[str | None] = [None] * len(features.line_ids)
    cutaways: dict[int, str] = {}
    line_results: dict[int, tuple[float, str, dict[str, float], tuple[Alternative, ...]]] = {}
    total = 0.0
    if len(keep):
        unary, free = model.unary(pins, features, keep)
        solution = viterbi(unary, model.pairwise, free=free)
        for k, line_index in enumerate(keep):
            state = solution.path[k]
            takes_per_line[line_index] = features.take_names[model.main[k, state]]
            if model.reaction[k, state] >= 0:
                cutaways[int(line_index)] = features.take_names[model.reaction[k, state]]
        total, line_results = _explain(model, solution, features, keep, pins)
    warnings = list(_conform_warnings(coverage, takes_per_line, rate, width, height))
    warnings.extend(f"line {g}: no take holds it; left as a marked gap" for g in gaps)
    return _assemble(
        coverage,
        features,
        chosen_style,
        pace_settings,
        takes_per_line,
        (cutaways, model.reaction_idioms[0] if model.reaction_idioms else ""),
        line_results,
        pins,
        total,
        gaps,
        tuple(warnings),
        (rate, width, height),
        j_cut_frames,
        l_cut_frames,
    )


def timeline_format(coverage: SceneCoverage) -> tuple[Fraction, int, int]:
    """The timeline's rate and size: those most takes share (the first take's on a tie)."""
    counts = Counter((t.frame_rate, t.width, t.height) for t in coverage.takes)
    best = max(counts.values())
    for take in coverage.takes:
        if counts[(take.frame_rate, take.width, take.height)] == best:
            return take.frame_rate, take.width, take.height
    raise AssertionError("unreachable")


def _check_pins(coverage: SceneCoverage, features: Features, pins: Mapping[str, str]) -> None:
    for line_id, take in pins.items():
        if line_id not in features.line_ids:
            raise ConfigError(
                f"pin {line_id}={take}: no line {line_id!r} (lines: {', '.join(features.line_ids)})"
            )
        if take not in features.take_names:
            raise ConfigError(
                f"pin {line_id}={take}: no take {take!r} (takes: {', '.join(features.take_names)})"
            )
        if coverage.get(line_id, take) is None:
            raise ConfigError(f"pin {line_id}={take}: take {take!r} does not hold line {line_id}")


# ----------------------------------------------------------------------------------------------
# The cost model (cached per coverage, idiom and parameters: a re-edit only re-weights and solves)
#
# A line's *state* is the take it is heard and first seen from, and optionally a take it cuts away to
# at its pause for the rest of it (a listener reaction). States ``0 .. T - 1`` show the line whole
# from take ``t``; state ``T + p`` is the split pair ``pairs[p] = (s, r)``. Split states exist only
# while a reaction idiom has weight.

_COSTS: weakref.WeakKeyDictionary[SceneCoverage, dict[tuple, np.ndarray]] = weakref.WeakKeyDictionary()


def _idiom_costs(
    coverage: SceneCoverage, features: Features, name: str, params: Mapping[str, Any], part: str = "scene"
) -> np.ndarray:
    """Idiom ``name``'s costs over ``features`` (``part`` names which lines: the whole scene, the kept
    lines or each kept line against itself), cached per coverage."""
    cache = _COSTS.setdefault(coverage, {})
    key = (name, part, tuple(sorted((k, repr(v)) for k, v in params.items())))
    if key not in cache:
        cache[key] = registry()[name].costs(features, params)
    return cache[key]


#: Cutaways considered per line, per take (the cheapest by their own costs; more would only grow
#: the chain with choices the cut never takes).
SPLITS_PER_TAKE = 2
#: Sharpness ratio that counts as a sharper picture when breaking ties (the measure's own noise
#: between two framings of one shot is a few per cent).
SHARPER = 1.25
#: The rules that break a tie between equally good takes, in order (see :func:`_tie_keys`).
TIE_RULES = ("sharper picture", "surer alignment", "surer speaker labels", "take order")


def _tie_keys(features: Features) -> np.ndarray:
    """``[L, T, 4]`` sort keys of every take on every line, smaller is better, one per tie rule: the
    sharper picture (face sharpness, in steps of :data:`SHARPER`: a smaller difference is noise), the
    surer alignment (the performance says the scripted words),
    the surer speaker labels, then the order the takes come in (said as such, never silently)."""
    n_lines, n_takes = features.shape
    with np.errstate(divide="ignore", invalid="ignore"):
        steps = -np.floor(np.log(features.sharpness) / np.log(SHARPER))
    sharp = np.broadcast_to(
        np.nan_to_num(steps, nan=np.inf, posinf=np.inf, neginf=np.inf), (n_lines, n_takes)
    )
    alignment = -np.nan_to_num(features.confidence, nan=0.0)
    labels = -np.nan_to_num(features.speaker_confidence, nan=1.0)
    order = np.broadcast_to(np.arange(n_takes, dtype=float), (n_lines, n_takes))
    return np.stack([sharp, np.round(alignment, 6), np.round(labels, 6), order], axis=-1)


def _tie_rank(keys: np.ndarray, covered: np.ndarray) -> np.ndarray:
    """``[L, T]`` rank 0..1 of each take by the tie rules among the takes that hold the line."""
    n_lines, n_takes = covered.shape
    rank = np.zeros((n_lines, n_takes))
    for k in range(n_lines):
        order = sorted(range(n_takes), key=lambda t: tuple(keys[k, t]))
        for position, t in enumerate(order):
            rank[k, t] = position / max(n_takes, 1)
    return rank


@dataclass
class _Model:
    """Weighted cost arrays of the kept (covered) lines over their states, per idiom and summed."""

    n_takes: int
    main: np.ndarray  # [K, S] the take each line's state is heard (and first seen) from
    reaction: np.ndarray  # [K, S] the take it cuts away to, -1 for none
    state_terms: dict[str, np.ndarray]  # name → weighted [K, S] (line and reaction idioms, cuts inside lines)
    transition_terms: dict[str, np.ndarray]  # name → weighted [K - 1, T, T] between takes
    reaction_idioms: tuple[str, ...]
    tie: np.ndarray  # [K, S] tie-break costs, each below TIE / (2 (K + 1))
    tie_keys: np.ndarray  # [K, T, 4]
    base_unary: np.ndarray  # [K, S], inf where a state is not possible
    pairwise: np.ndarray  # [K - 1, S, S]

    @property
    def exit(self) -> np.ndarray:
        """[K, S] the take on screen at the end of each state's line."""
        return np.where(self.reaction >= 0, self.reaction, self.main)

    @classmethod
    def build(
        cls,
        coverage: SceneCoverage,
        features: Features,
        keep: np.ndarray,
        style: Style,
        pace: Pace,
        rate: Fraction,
    ) -> _Model:
        idioms = registry()
        n_takes = len(features.take_names)
        n = len(keep)
        covered = features.covered[keep]
        line_costs: dict[str, np.ndarray] = {}
        reaction_costs: dict[str, np.ndarray] = {}
        transition_terms: dict[str, np.ndarray] = {}
        inner_costs: dict[str, np.ndarray] = {}
        # Transitions between kept lines: where a gap splits the chain, the pair is not adjacent in
        # the script, so transition idioms are evaluated on the kept lines' own features.
        sub = features if n == len(features.line_ids) else select_lines(features, keep)
        active = {name: w for name, w in style.weights.items() if w != 0}
        reacting = any(idioms[name].kind == "reaction" for name in active)
        doubled = select_lines(features, np.repeat(keep, 2), pauses=False) if reacting and n else None
        for name, weight in active.items():
            params = dict(style.params.get(name, {}))
            if name == "short_lines" and "min_seconds" not in params:
                params["min_seconds"] = pace.min_shot_seconds
            if name == "avoid_jump_cuts" and "max_pause_seconds" not in params:
                params["max_pause_seconds"] = pace.max_pause / float(rate)
            item = idioms[name]
            if item.kind == "line":
                line_costs[name] = weight * _idiom_costs(coverage, features, name, params)[keep]
            elif item.kind == "transition":
                transition_terms[name] = weight * _idiom_costs(coverage, sub, name, params, "kept")
                if doubled is not None:
                    inner_costs[name] = weight * _idiom_costs(coverage, doubled, name, params, "inner")[0::2]
            else:
                reaction_costs[name] = weight * _idiom_costs(coverage, features, name, params)[keep]
        # Every choice of a line as a pair (s, r): heard from s and cut away at its pause to r (a take
        # not showing the speaker), r == s for the line shown whole.
        diagonal = np.arange(n_takes)
        possible = np.zeros((n, n_takes, n_takes), bool)
        after = np.zeros((n, n_takes))  # share of the line after the pause, in the take heard
        if reacting and n:
            split = features.split_seconds[keep]
            length = features.line_seconds[keep]
            shortest = pace.min_shot_seconds
            with np.errstate(invalid="ignore"):
                splittable = covered & (split >= shortest) & (length - split >= shortest)
                after = np.where(splittable, (length - split) / np.where(length > 0, length, 1), 0.0)
            away = covered & ~features.speaker_visible[keep] & (features.visible[keep] != 0)
            possible = splittable[:, :, None] & away[:, None, :]
            possible[:, diagonal, diagonal] = False
        pair_terms: dict[str, np.ndarray] = {}
        for name, term in line_costs.items():
            heard = np.broadcast_to(term[:, :, None], (n, n_takes, n_takes))
            if idioms[name].judges == "picture":
                share = after[:, :, None]
                pair_terms[name] = (1 - share) * heard + share * term[:, None, :]
            else:
                pair_terms[name] = heard.copy()
        for name, term in reaction_costs.items():
            pair_terms[name] = term.copy()
        for name, term in inner_costs.items():
            inner = term.copy()
            inner[:, diagonal, diagonal] = 0.0
            pair_terms[name] = pair_terms.get(name, 0) + inner
        pair_total = sum(pair_terms.values(), np.zeros((n, n_takes, n_takes)))
        # States per line: the T takes shown whole (state t = take t), then its cheapest cutaways (at
        # most SPLITS_PER_TAKE per take, so the chain stays small with many takes).
        wanted = [np.argwhere(possible[k]) for k in range(n)]
        wanted = [
            pairs[
                np.argsort(pair_total[k, pairs[:, 0], pairs[:, 1]], kind="stable")[
                    : SPLITS_PER_TAKE * n_takes
                ]
            ]
            for k, pairs in enumerate(wanted)
        ]
        width = n_takes + max((len(pairs) for pairs in wanted), default=0)
        main = np.zeros((n, width), np.int64)
        reaction = np.full((n, width), -1, np.int64)
        allowed = np.zeros((n, width), bool)
        main[:, :n_takes] = diagonal
        allowed[:, :n_takes] = covered
        for k, pairs in enumerate(wanted):
            main[k, n_takes : n_takes + len(pairs)] = pairs[:, 0]
            reaction[k, n_takes : n_takes + len(pairs)] = pairs[:, 1]
            allowed[k, n_takes : n_takes + len(pairs)] = True
        rows = np.arange(n)[:, None]
        shown = np.where(reaction >= 0, reaction, main)
        state_terms = {name: term[rows, main, shown] for name, term in pair_terms.items()}
        base = pair_total[rows, main, shown]
        keys = _tie_keys(features)[keep]
        rank = _tie_rank(keys, covered)
        step = TIE / (2 * (n + 1))
        tie = step * (rank[rows, main] + np.where(reaction >= 0, rank[rows, shown], 0.0) / 2) / 1.5
        base = np.where(allowed, base + tie, np.inf)
        pairwise = np.zeros((max(n - 1, 0), n_takes, n_takes))
        for term in transition_terms.values():
            pairwise += term
        pairwise = pairwise[np.arange(max(n - 1, 0))[:, None, None], shown[:-1, :, None], main[1:, None, :]]
        return cls(
            n_takes,
            main,
            reaction,
            state_terms,
            transition_terms,
            tuple(reaction_costs),
            tie,
            keys,
            base,
            pairwise,
        )

    def unary(
        self, pins: Mapping[str, str], features: Features, keep: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        pinned = self.base_unary.copy()
        for k, line_index in enumerate(keep):
            take = pins.get(features.line_ids[line_index])
            if take is not None:
                pinned[k, self.main[k] != features.take_names.index(take)] = np.inf
        return pinned, self.base_unary

    def path_terms(self, paths: np.ndarray) -> dict[str, np.ndarray]:
        """Weighted cost of each idiom along each path of states ``paths`` ``[P, K]`` → ``name → [P]``."""
        rows = np.arange(paths.shape[1])
        out = {name: term[rows[None, :], paths].sum(axis=1) for name, term in self.state_terms.items()}
        exit_take = self.exit[rows[None, :-1], paths[:, :-1]]
        entry = self.main[rows[None, 1:], paths[:, 1:]]
        for name, term in self.transition_terms.items():
            out[name] = out.get(name, 0) + term[rows[None, :-1], exit_take, entry].sum(axis=1)
        return out

    def tie_cost(self, paths: np.ndarray) -> np.ndarray:
        """The tie-break part of each path's cost ``[P]``."""
        return self.tie[np.arange(paths.shape[1])[None, :], paths].sum(axis=1)

    def tie_rule(self, k: int, chosen: int, other: int) -> str:
        """Which tie rule prefers state ``chosen`` over ``other`` on kept line ``k``."""
        main, reaction = self.main[k], self.reaction[k]
        for a, b in ((main[chosen], main[other]), (reaction[chosen], reaction[other])):
            if a == b:
                continue
            if a < 0 or b < 0:
                break
            for rule, x, y in zip(TIE_RULES, self.tie_keys[k, a], self.tie_keys[k, b], strict=True):
                if x != y:
                    return f"tie: {rule}"
        return "tie: take order"


def _explain(
    model: _Model, solution: Solution, features: Features, keep: np.ndarray, pins: Mapping[str, str]
) -> tuple[float, dict[int, tuple[float, str, dict[str, float], tuple[Alternative, ...]]]]:
    """The cut's cost (tie-breaks left out) and per kept line: its own cost, the deciding idiom, its
    cost per idiom, and the alternatives.

    An alternative's idiom is found by re-solving the scene with the line forced to it (exactly, from
    the Viterbi pointers) and comparing the two cuts idiom by idiom; where they cost the same, the tie
    rule that chose (:data:`TIE_RULES`) is named.
    """
    path = solution.path
    n = len(path)
    marginals = solution.marginals
    names = features.take_names
    best_tie = float(model.tie_cost(path[None, :])[0])
    total = solution.cost - best_tie
    order = np.argsort(
        np.where(np.arange(marginals.shape[1])[None, :] == path[:, None], np.inf, marginals),
        axis=1,
        kind="stable",
    )
    wanted: list[tuple[int, int]] = []
    for k in range(n):
        for state in order[k, :ALTERNATIVES]:
            if state != path[k] and np.isfinite(marginals[k, state]):
                wanted.append((k, int(state)))
    per_line: dict[int, list[Alternative]] = {}
    best_terms = model.path_terms(path[None, :])
    if wanted:
        lines, states = np.array(wanted).T
        paths = solution.paths_through(lines, states)
        terms = model.path_terms(paths)
        ties = model.tie_cost(paths)
        for p, (k, state) in enumerate(wanted):
            diffs = {name: float(terms[name][p] - best_terms[name][0]) for name in terms}
            cost = float(marginals[k, state] - ties[p])
            margin = cost - total
            if not diffs or abs(margin) <= TIE:
                deciding = model.tie_rule(k, int(path[k]), state) if margin >= -TIE else "tie"
            elif margin > 0:  # the idiom that weighs most against the alternative
                deciding = max(diffs, key=lambda name: diffs[name])
            else:  # a pinned line: the idiom that would have preferred the alternative
                deciding = min(diffs, key=lambda name: diffs[name])
            cut_away = int(model.reaction[k, state])
            alternative = Alternative(
                names[model.main[k, state]],
                cost,
                margin,
                deciding,
                names[cut_away] if cut_away >= 0 else None,
            )
            per_line.setdefault(k, []).append(alternative)
    results = {}
    for k in range(n):
        chosen = int(path[k])
        own = {name: float(term[k, chosen]) for name, term in model.state_terms.items()}
        if k > 0:
            before = int(model.exit[k - 1, path[k - 1]])
            for name, term in model.transition_terms.items():
                own[name] = own.get(name, 0.0) + float(term[k - 1, before, model.main[k, chosen]])
        alternatives = tuple(per_line.get(k, ()))
        line_id = features.line_ids[keep[k]]
        if line_id in pins:
            idiom = "pinned"
        elif not alternatives:
            idiom = "only take"
        else:
            idiom = alternatives[0].idiom
        results[int(keep[k])] = (float(sum(own.values())), idiom, own, alternatives)
    return total, results


def _conform_warnings(
    coverage: SceneCoverage, takes: list[str | None], rate: Fraction, width: int, height: int
):
    for name in dict.fromkeys(t for t in takes if t is not None):
        take = coverage.take(name)
        if take.frame_rate != rate:
            change = float(rate / take.frame_rate - 1) * 100
            speed = "faster" if change > 0 else "slower"
            yield (
                f"take {name}: {float(take.frame_rate):.3f} fps, conformed frame for frame to the "
                f"{float(rate):.3f} fps timeline (plays {abs(change):.1f} % {speed})"
            )
        if (take.width, take.height) != (width, height):
            yield f"take {name}: {take.width}x{take.height}, scaled to fit the {width}x{height} timeline"


# ----------------------------------------------------------------------------------------------
# Assembly: spans → clips on the record timeline


def _gap_frames(text_words: int, rate: Fraction) -> int:
    """Length of a missing line: its words at 2.5 words per second, at least one second."""
    return max(int(rate), round(Fraction(text_words, 1) / Fraction(5, 2) * rate))


def _assemble(
    coverage: SceneCoverage,
    features: Features,
    style: Style,
    pace: Pace,
    takes: list[str | None],
    cutaways: tuple[dict[int, str], str],
    results: dict[int, tuple[float, str, dict[str, float], tuple[Alternative, ...]]],
    pins: Mapping[str, str],
    total: float,
    gaps: tuple[str, ...],
    warnings: tuple[str, ...],
    fmt: tuple[Fraction, int, int],
    j_cut: int,
    l_cut: int,
) -> Cut:
    rate, width, height = fmt
    line_ids = list(features.line_ids)
    spans = place(coverage, line_ids, takes, pace)
    lines: list[CutLine] = []
    video: list[Clip] = []
    audio: list[Clip] = []
    record = 0
    for i, (line, take, span) in enumerate(zip(coverage.lines, takes, spans, strict=True)):
        if take is None or span is None:
            n = _gap_frames(max(1, len(line.words) or len(line.text.split())), rate)
            gap = Clip(None, 0, n, record, record + n, line.id, "gap", "missing")
            video.append(gap)
            audio.append(gap)
            lines.append(
                CutLine(
                    line.id,
                    line.character,
                    line.text,
                    None,
                    0,
                    n,
                    record,
                    record + n,
                    record,
                    record + n,
                    0.0,
                    "missing",
                )
            )
            record += n
            continue
        item = coverage.coverage[(line.id, take)]
        source_in, source_out = item.start_frame - span.head, item.end_frame + span.tail
        length = source_out - source_in
        own_cost, idiom, own, alternatives = results[i]
        clip = Clip(take, source_in, source_out, record, record + length, line.id, "line", idiom)
        reaction = None
        if i in cutaways[0]:
            reaction = _cutaway(coverage, line_ids, takes, spans, i, cutaways[0][i], record, cutaways[1])
        if reaction is not None:
            cut_a = reaction.record_in - record
            video.append(
                Clip(take, source_in, source_in + cut_a, record, reaction.record_in, line.id, "line", idiom)
            )
            video.append(reaction)
        else:
            video.append(clip)
        audio.append(clip)
        lines.append(
            CutLine(
                line_id=line.id,
                character=line.character,
                text=line.text,
                take=take,
                source_in=source_in,
                source_out=source_out,
                record_in=record,
                record_out=record + length,
                speech_in=record + span.head,
                speech_out=record + span.head + (item.end_frame - item.start_frame),
                cost=own_cost,
                idiom=idiom,
                idiom_costs=own,
                alternatives=alternatives,
                pinned=line.id in pins,
                reaction=reaction,
            )
        )
        record += length
    video_track = _merge(video)
    audio_track = _shift_sound(_merge(audio), coverage, j_cut, l_cut)
    return Cut(
        scene=coverage.scene,
        mode="edit",
        style=style.name,
        weights=dict(style.weights),
        params={k: dict(v) for k, v in style.params.items()},
        pace=pace,
        rate=rate,
        width=width,
        height=height,
        lines=tuple(lines),
        video=tuple(video_track),
        audio=tuple(audio_track),
        cost=total,
        gaps=gaps,
        warnings=warnings,
    )


def _cutaway(
    coverage: SceneCoverage,
    line_ids: list[str],
    takes: list[str | None],
    spans: list[Span | None],
    index: int,
    other: str,
    record: int,
    idiom: str,
) -> Clip | None:
    """The listener's picture from ``other`` over the second part of line ``index`` (from its pause to
    the end of its clip), ``record`` being where the line's clip starts on the timeline. When the next
    line is shown from ``other`` too, the cutaway is the footage just before it, so the two make one
    continuous shot; otherwise the same moment of the line in ``other``."""
    take, span = takes[index], spans[index]
    item = coverage.coverage[(line_ids[index], take)]
    split = split_frame(item)
    if take is None or span is None or split is None:
        return None
    cut_at = span.head + split - item.start_frame
    length = span.head + item.end_frame - item.start_frame + span.tail - cut_at
    duration = coverage.take(other).duration_frames
    source_in = None
    after = index + 1
    if after < len(takes) and takes[after] == other and spans[after] is not None:
        source_out = coverage.coverage[(line_ids[after], other)].start_frame - spans[after].head
        if length <= source_out <= duration:
            source_in = source_out - length
    if source_in is None:
        held = coverage.coverage[(line_ids[index], other)]
        share = (split - item.start_frame) / max(item.end_frame - item.start_frame, 1)
        source_in = held.start_frame + round(share * (held.end_frame - held.start_frame))
        source_in = max(0, min(source_in, duration - length))
    if length <= 0 or source_in < 0:
        return None
    return Clip(
        other,
        source_in,
        source_in + length,
        record + cut_at,
        record + cut_at + length,
        line_ids[index],
        "reaction",
        idiom,
    )


def _merge(clips: list[Clip]) -> list[Clip]:
    """Join pieces that continue the same take without a jump (one shot, no through edit); a cutaway
    that runs on into the listener's own line becomes part of that line's shot."""
    merged: list[Clip] = []
    for clip in clips:
        last = merged[-1] if merged else None
        if (
            last is not None
            and clip.take is not None
            and last.take == clip.take
            and (last.role == clip.role or (last.role, clip.role) == ("reaction", "line"))
            and last.source_out == clip.source_in
            and last.record_out == clip.record_in
        ):
            merged[-1] = Clip(
                last.take,
                last.source_in,
                clip.source_out,
                last.record_in,
                clip.record_out,
                last.line_id,
                clip.role,
                last.idiom if last.role == clip.role else clip.idiom,
            )
        else:
            merged.append(clip)
    return merged


def _shift_sound(clips: list[Clip], coverage: SceneCoverage, j_cut: int, l_cut: int) -> list[Clip]:
    """Move each sound cut ``j_cut`` frames before (J) or ``l_cut`` frames after (L) the picture cut,
    as far as the material and the neighbouring clips allow."""
    shift = l_cut - j_cut
    if not shift:
        return clips
    out = list(clips)
    for k in range(len(out) - 1):
        a, b = out[k], out[k + 1]
        if a.take is None or b.take is None:
            continue
        if shift > 0:  # L: the outgoing sound runs on
            room = min(coverage.take(a.take).duration_frames - a.source_out, b.frames - 1)
        else:  # J: the incoming sound starts early
            room = min(b.source_in, a.frames - 1)
        step = max(0, min(abs(shift), room)) * (1 if shift > 0 else -1)
        if not step:
            continue
        out[k] = Clip(
            a.take,
            a.source_in,
            a.source_out + step,
            a.record_in,
            a.record_out + step,
            a.line_id,
            a.role,
            a.idiom,
        )
        out[k + 1] = Clip(
            b.take,
            b.source_in + step,
            b.source_out,
            b.record_in + step,
            b.record_out,
            b.line_id,
            b.role,
            b.idiom,
        )
    return out
