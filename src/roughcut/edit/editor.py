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
from roughcut.edit.features import Features, scene_features
from roughcut.edit.idioms import registry
from roughcut.edit.optimise import Solution, viterbi
from roughcut.edit.pacing import Span, place, resolve_pace
from roughcut.edit.styles import Style, resolve_style
from roughcut.errors import ConfigError, RoughcutError

#: How many alternatives each line lists.
ALTERNATIVES = 3
#: Margins below this count as a tie.
TIE = 1e-9


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
    line_results: dict[int, tuple[float, str, dict[str, float], tuple[Alternative, ...]]] = {}
    total = 0.0
    if len(keep):
        unary, free = model.unary(pins, features, keep)
        solution = viterbi(unary, model.pairwise, free=free)
        total = solution.cost
        for k, line_index in enumerate(keep):
            takes_per_line[line_index] = features.take_names[solution.path[k]]
        line_results = _explain(model, solution, features, keep, pins)
    warnings = list(_conform_warnings(coverage, takes_per_line, rate, width, height))
    warnings.extend(f"line {g}: no take holds it; left as a marked gap" for g in gaps)
    return _assemble(
        coverage,
        features,
        chosen_style,
        pace_settings,
        takes_per_line,
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

_COSTS: weakref.WeakKeyDictionary[SceneCoverage, dict[tuple, np.ndarray]] = weakref.WeakKeyDictionary()


def _idiom_costs(
    coverage: SceneCoverage, features: Features, name: str, params: Mapping[str, Any]
) -> np.ndarray:
    cache = _COSTS.setdefault(coverage, {})
    key = (name, tuple(sorted((k, repr(v)) for k, v in params.items())))
    if key not in cache:
        cache[key] = registry()[name].costs(features, params)
    return cache[key]


@dataclass
class _Model:
    """Weighted cost arrays of the kept (covered) lines, per idiom and summed."""

    line_terms: dict[str, np.ndarray]  # name → weighted [K, T]
    transition_terms: dict[str, np.ndarray]  # name → weighted [K - 1, T, T]
    reaction: tuple[float, np.ndarray, dict[str, Any]] | None  # weight, benefit [K], params
    base_unary: np.ndarray
    pairwise: np.ndarray
    covered: np.ndarray

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
        line_terms: dict[str, np.ndarray] = {}
        transition_terms: dict[str, np.ndarray] = {}
        reaction = None
        # Transitions between kept lines: where a gap splits the chain, the pair is not adjacent in
        # the script, so transition idioms are evaluated on the kept lines' own features.
        sub = _subset(coverage, features, keep)
        for name, weight in style.weights.items():
            if weight == 0:
                continue
            params = dict(style.params.get(name, {}))
            if name == "short_lines" and "min_seconds" not in params:
                params["min_seconds"] = pace.min_shot_seconds
            if name == "avoid_jump_cuts" and "max_pause_seconds" not in params:
                params["max_pause_seconds"] = pace.max_pause / float(rate)
            item = idioms[name]
            if item.kind == "line":
                line_terms[name] = weight * _idiom_costs(coverage, features, name, params)[keep]
            elif item.kind == "transition":
                transition_terms[name] = weight * _idiom_costs(coverage, sub, name, params)
            else:
                reaction = (weight, _idiom_costs(coverage, features, name, params)[keep], params)
        n = len(keep)
        covered = features.covered[keep]
        base = np.zeros((n, n_takes))
        for term in line_terms.values():
            base += term
        base[~covered] = np.inf
        pairwise = np.zeros((max(n - 1, 0), n_takes, n_takes))
        for term in transition_terms.values():
            pairwise += term
        return cls(line_terms, transition_terms, reaction, base, pairwise, covered)

    def unary(
        self, pins: Mapping[str, str], features: Features, keep: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        pinned = self.base_unary.copy()
        for k, line_index in enumerate(keep):
            take = pins.get(features.line_ids[line_index])
            if take is not None:
                column = features.take_names.index(take)
                saved = pinned[k, column]
                pinned[k] = np.inf
                pinned[k, column] = saved
        return pinned, self.base_unary

    def path_terms(self, paths: np.ndarray) -> dict[str, np.ndarray]:
        """Weighted cost of each idiom along each path of ``paths`` ``[P, K]`` → ``name → [P]``."""
        rows = np.arange(paths.shape[1])
        out = {name: term[rows[None, :], paths].sum(axis=1) for name, term in self.line_terms.items()}
        for name, term in self.transition_terms.items():
            out[name] = term[rows[None, :-1], paths[:, :-1], paths[:, 1:]].sum(axis=1)
        return out


_SUBSETS: weakref.WeakKeyDictionary[SceneCoverage, dict[tuple, Features]] = weakref.WeakKeyDictionary()


def _subset(coverage: SceneCoverage, features: Features, keep: np.ndarray) -> Features:
    """``features`` restricted to the lines ``keep`` (the same object when nothing is left out)."""
    if len(keep) == len(features.line_ids):
        return features
    cache = _SUBSETS.setdefault(coverage, {})
    key = tuple(keep.tolist())
    if key not in cache:
        fields = {}
        for name in Features.__dataclass_fields__:
            value = getattr(features, name)
            if name == "line_ids":
                value = tuple(value[i] for i in keep)
            elif isinstance(value, np.ndarray):
                value = value[keep]
            fields[name] = value
        cache[key] = Features(**fields)
    return cache[key]


def _explain(
    model: _Model, solution: Solution, features: Features, keep: np.ndarray, pins: Mapping[str, str]
) -> dict[int, tuple[float, str, dict[str, float], tuple[Alternative, ...]]]:
    """Per kept line: its own cost, the deciding idiom, its cost per idiom, and the alternatives.

    An alternative's idiom is found by re-solving the scene with the line forced to it (exactly, from
    the Viterbi pointers) and comparing the two cuts idiom by idiom.
    """
    path = solution.path
    n = len(path)
    marginals = solution.marginals
    order = np.argsort(
        np.where(np.arange(marginals.shape[1])[None, :] == path[:, None], np.inf, marginals), axis=1
    )
    wanted: list[tuple[int, int]] = []
    for k in range(n):
        for t in order[k, :ALTERNATIVES]:
            if t != path[k] and np.isfinite(marginals[k, t]):
                wanted.append((k, int(t)))
    if wanted:
        lines, takes = np.array(wanted).T
        terms = model.path_terms(solution.paths_through(lines, takes))
    best_terms = model.path_terms(path[None, :])
    per_line: dict[int, list[Alternative]] = {}
    for p, (k, take) in enumerate(wanted):
        diffs = {name: float(terms[name][p] - best_terms[name][0]) for name in terms}
        margin = float(marginals[k, take] - solution.cost)
        if not diffs or abs(margin) <= TIE:
            deciding = "tie"
        elif margin > 0:  # the idiom that weighs most against the alternative
            deciding = max(diffs, key=lambda name: diffs[name])
        else:  # a pinned line: the idiom that would have preferred the alternative
            deciding = min(diffs, key=lambda name: diffs[name])
        alternative = Alternative(features.take_names[take], float(marginals[k, take]), margin, deciding)
        per_line.setdefault(k, []).append(alternative)
    results = {}
    for k in range(n):
        chosen = int(path[k])
        own = {name: float(term[k, chosen]) for name, term in model.line_terms.items()}
        if k > 0:
            for name, term in model.transition_terms.items():
                own[name] = float(term[k - 1, path[k - 1], chosen])
        alternatives = tuple(per_line.get(k, ()))
        line_id = features.line_ids[keep[k]]
        if line_id in pins:
            idiom = "pinned"
        elif not alternatives:
            idiom = "only take"
        else:
            idiom = alternatives[0].idiom
        results[int(keep[k])] = (float(sum(own.values())), idiom, own, alternatives)
    return results


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
    reactions = _reactions(coverage, features, style, takes, spans, pace)
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
        reaction = reactions.get(i)
        if reaction is not None:
            cut_a = reaction.record_in - record
            cut_b = reaction.record_out - record
            video.append(
                Clip(take, source_in, source_in + cut_a, record, reaction.record_in, line.id, "line", idiom)
            )
            video.append(reaction)
            video.append(
                Clip(
                    take,
                    source_in + cut_b,
                    source_out,
                    reaction.record_out,
                    record + length,
                    line.id,
                    "line",
                    idiom,
                )
            )
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


def _merge(clips: list[Clip]) -> list[Clip]:
    """Join pieces that continue the same take without a jump (one shot, no through edit)."""
    merged: list[Clip] = []
    for clip in clips:
        last = merged[-1] if merged else None
        if (
            last is not None
            and clip.take is not None
            and last.take == clip.take
            and last.role == clip.role
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
                last.role,
                last.idiom,
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


def _reactions(
    coverage: SceneCoverage,
    features: Features,
    style: Style,
    takes: list[str | None],
    spans: list[Span | None],
    pace: Pace,
) -> dict[int, Clip]:
    """Listener reactions placed into long lines (picture only), where the idiom outweighs showing
    the speaker for that stretch. Record positions are filled in relative to each line's clip."""
    weight = style.weights.get("listener_reaction", 0.0)
    if not weight:
        return {}
    params = {**registry()["listener_reaction"].params, **style.params.get("listener_reaction", {})}
    benefit = registry()["listener_reaction"].costs(features, params)
    start, end = float(params["start"]), float(params["end"])
    speaker_weight = style.weights.get("speaker_visible", 0.0)
    out: dict[int, Clip] = {}
    record = 0
    rate = timeline_format(coverage)[0]
    min_frames = round(Fraction(pace.min_shot_seconds).limit_denominator(100) * rate)
    for i, (line, take, span) in enumerate(zip(coverage.lines, takes, spans, strict=True)):
        if take is None or span is None:
            record += _gap_frames(max(1, len(line.words) or len(line.text.split())), rate)
            continue
        item = coverage.coverage[(line.id, take)]
        length = item.end_frame - item.start_frame + span.head + span.tail
        line_start = record + span.head
        record += length
        if weight * benefit[i] <= speaker_weight * (end - start) * 0.5 or not item.speaker_visible:
            continue
        a = round(start * (item.end_frame - item.start_frame))
        b = round(end * (item.end_frame - item.start_frame))
        if b - a < min_frames:
            continue
        best = None
        for ti, other in enumerate(features.take_names):
            held = coverage.get(line.id, other)
            if other == take or held is None or held.speaker_visible or not held.visible_characters:
                continue
            key = (features.size[i, ti], ti)
            if best is None or key < best[0]:
                best = (key, other, held)
        if best is None:
            continue
        _, other, held = best
        r_in = held.start_frame + round(start * (held.end_frame - held.start_frame))
        r_in = max(0, min(r_in, coverage.take(other).duration_frames - (b - a)))
        out[i] = Clip(
            other,
            r_in,
            r_in + b - a,
            line_start + a,
            line_start + b,
            line.id,
            "reaction",
            "listener_reaction",
        )
    return out
