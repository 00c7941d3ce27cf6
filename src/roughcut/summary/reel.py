"""A scene's summary reel: whole lines chosen by importance, cut at pauses, to a requested length.

Each line of the scene is said in the take the editor chose for it (:func:`roughcut.edit.edit_scene`,
the idioms' Viterbi cut) and scored by importance (:func:`line_importance`): its emotional intensity
(the text's), the voice's arousal in that take, an emotion other than neutral, the scene's emotional
climax and its turning point (where the smoothed valence changes most, see
:func:`roughcut.script.analysis.scene_arc`). The turning point, each character's best line and the
climax are taken first, then the rest by score, while their shortest clips still fit the request.

A line's clip holds all its words and is cut inside the pauses either side of it (:func:`line_window`):
never before the end of the word before it in the take, never after the start of the next, so no
word is cut in half. The pauses (at most ``max_pause_s`` a side) are then shared out so that the reel
is exactly the requested number of frames long when the chosen lines' pauses allow; the lines stay
in script order. The reel is a :class:`~roughcut.edit.cut.Cut`, turned into a timeline by
:func:`roughcut.edit.timeline.to_timeline` and written by :func:`roughcut.export.write_all` (the
formats ``roughcut edit`` writes).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from roughcut.edit.coverage import LineInfo, SceneCoverage
from roughcut.edit.cut import Clip, Cut, CutLine, Pace
from roughcut.errors import ConfigError, RoughcutError

#: Frames of pause kept at least either side of a line's words, when the pause is that long.
MIN_HANDLE_FRAMES = 2
#: Pause kept at most either side of a line (seconds).
MAX_PAUSE_S = 1.5
#: Weights of a line's importance: text intensity, voice arousal, an emotion other than neutral,
#: the scene's climax, its turning point.
WEIGHTS = {"intensity": 0.4, "arousal": 0.3, "emotion": 0.15, "climax": 0.5, "turning point": 0.5}


@dataclass(frozen=True)
class LineWindow:
    """Where a line may be cut in a take, in the take's native frames (end exclusive):
    ``speech_in``/``speech_out`` hold its words (start rounded down, end rounded up); the clip may
    start anywhere in ``[earliest, speech_in]`` and end anywhere in ``[speech_out, latest]``
    without touching another word. ``words`` are the line's words as ``(text, start_s, end_s)``."""

    line_id: str
    take: str
    speech_in: int
    speech_out: int
    earliest: int
    latest: int
    words: tuple[tuple[str, float, float], ...]

    def shortest(self, handle: int = MIN_HANDLE_FRAMES) -> int:
        """Frames of the shortest clip: the words and up to ``handle`` frames of pause a side."""
        return (
            (self.speech_out - self.speech_in)
            + min(handle, self.speech_in - self.earliest)
            + min(handle, self.latest - self.speech_out)
        )

    def longest(self) -> int:
        return self.latest - self.earliest


def _performance(alignment: Any, line_id: str) -> Any:
    """The line's best-aligned performance in the take (as the coverage uses it)."""
    found = [a for a in alignment.lines if a.line_id == line_id]
    return max(found, key=lambda a: (a.confidence, -a.occurrence)) if found else None


def take_words(alignment: Any) -> list[tuple[str, float, float]]:
    """Every word heard in a take, ``(text, start_s, end_s)`` in time order: the script words of
    every aligned performance, and the recogniser's words that overlap none of them (ad-libs; the
    recogniser's own timing of a script word is coarser than the alignment's and is not used)."""
    words = [(w.text, w.start_s, w.end_s) for line in alignment.lines for w in line.words]
    spans = sorted((s, e) for _, s, e in words)
    rate = alignment.lines[0].sample_rate if alignment.lines else 16000
    for text, start, end in getattr(alignment, "recognised", ()):
        a, b = start / rate, end / rate
        if not any(s < b and a < e for s, e in spans):
            words.append((text, a, b))
    return sorted(words, key=lambda w: (w[1], w[2]))


def line_window(
    alignment: Any, line_id: str, rate: Fraction, frame_count: int, *, max_pause_s: float = MAX_PAUSE_S
) -> LineWindow | None:
    """Where ``line_id`` may be cut in the take of ``alignment`` (a
    :class:`~roughcut.speech.align.TakeAlignment`) at ``rate`` frames per second, ``frame_count``
    frames long; ``None`` when the take does not hold the line. Pauses are kept to ``max_pause_s``
    seconds a side. Where the words before or after leave no whole frame of pause, the clip is cut
    on the frame that holds the boundary (the words' own start or end frame)."""
    performance = _performance(alignment, line_id)
    if performance is None or not performance.words:
        return None
    own = {(w.start_s, w.end_s) for w in performance.words}
    first = min(w.start_s for w in performance.words)
    last = max(w.end_s for w in performance.words)
    speech_in = math.floor(Fraction(first).limit_denominator(10**7) * rate)
    speech_out = min(frame_count, math.ceil(Fraction(last).limit_denominator(10**7) * rate))
    others = [w for w in take_words(alignment) if (w[1], w[2]) not in own]
    before = max((end for _, start, end in others if end <= first + 1e-6 and start < first), default=0.0)
    after = min((start for _, start, end in others if start >= last - 1e-6 and end > last), default=math.inf)
    pause = round(max_pause_s * rate)
    earliest = math.ceil(Fraction(before).limit_denominator(10**7) * rate)
    earliest = min(speech_in, max(earliest, speech_in - pause, 0))
    latest = frame_count if math.isinf(after) else math.floor(Fraction(after).limit_denominator(10**7) * rate)
    latest = max(speech_out, min(latest, speech_out + pause, frame_count))
    words = tuple((w.text, w.start_s, w.end_s) for w in performance.words)
    return LineWindow(line_id, alignment.take, speech_in, speech_out, earliest, latest, words)


def turning_point(line_ids: Sequence[str], text: Mapping[str, Any]) -> str:
    """The line where the scene turns: the largest change of the smoothed valence (VADER compound,
    :func:`roughcut.script.analysis.scene_arc`) from the line before; ``""`` for under two lines."""
    from roughcut.script.analysis import scene_arc

    known = [i for i in line_ids if i in text]
    if len(known) < 2:
        return ""
    arc = scene_arc("", known, dict(text))
    steps = [abs(b - a) for a, b in zip(arc.smoothed, arc.smoothed[1:], strict=False)]
    return known[1 + max(range(len(steps)), key=steps.__getitem__)] if steps else ""


@dataclass(frozen=True)
class Importance:
    """A line's importance (a weighted sum, see :data:`WEIGHTS`) and its parts, with the reasons
    in words."""

    line_id: str
    score: float
    parts: Mapping[str, float]
    reasons: tuple[str, ...]


def line_importance(
    coverage: SceneCoverage, takes: Mapping[str, str], text: Mapping[str, Any] | None = None
) -> dict[str, Importance]:
    """Importance of each line of ``coverage`` said in ``takes`` (line id → take): intensity 0..1
    (``LineInfo.intensity``), arousal 0..1 of the voice in that take (0.5 when not measured), an
    emotion other than neutral (``text``: line id → :class:`~roughcut.script.analysis.LineTextAnalysis`),
    the scene's climax (most intense line) and turning point."""
    from roughcut.script.analysis import scene_arc

    text = text or {}
    ids = [line.id for line in coverage.lines]
    known = [i for i in ids if i in text]
    climax = scene_arc(coverage.scene, known, dict(text)).climax if known else ""
    turn = turning_point(ids, text)
    out = {}
    for line in coverage.lines:
        take = takes.get(line.id)
        held = coverage.get(line.id, take) if take else None
        arousal = held.arousal if held is not None and held.arousal is not None else 0.5
        emotion = getattr(text.get(line.id), "emotion", "neutral")
        parts = {
            "intensity": line.intensity,
            "arousal": arousal,
            "emotion": 0.0 if emotion == "neutral" else 1.0,
            "climax": 1.0 if line.id == climax else 0.0,
            "turning point": 1.0 if line.id == turn else 0.0,
        }
        reasons = [f"intensity {line.intensity:.2f}", f"arousal {arousal:.2f}"]
        if emotion != "neutral":
            reasons.append(f"emotion {emotion}")
        if line.id == climax:
            reasons.append("the scene's climax")
        if line.id == turn:
            reasons.append("the turning point")
        score = sum(WEIGHTS[k] * v for k, v in parts.items())
        out[line.id] = Importance(line.id, score, parts, tuple(reasons))
    return out


def share_frames(
    windows: Sequence[LineWindow], target: int, *, handle: int = MIN_HANDLE_FRAMES
) -> list[tuple[int, int]]:
    """Cut points ``(source_in, source_out)`` of each window so the clips last ``target`` frames in
    all when their pauses allow (else as close as they allow): each clip starts with its shortest
    form, then the frames still wanted are shared out one at a time, round robin, after then before
    each line's words, within its window."""
    cuts = []
    for w in windows:
        cuts.append(
            [
                w.speech_in - min(handle, w.speech_in - w.earliest),
                w.speech_out + min(handle, w.latest - w.speech_out),
            ]
        )
    total = sum(b - a for a, b in cuts)
    grew = True
    while total < target and grew:
        grew = False
        for w, cut in zip(windows, cuts, strict=True):
            for side in (1, 0):
                if total >= target:
                    break
                if side == 1 and cut[1] < w.latest:
                    cut[1] += 1
                elif side == 0 and cut[0] > w.earliest:
                    cut[0] -= 1
                else:
                    continue
                total += 1
                grew = True
    return [(a, b) for a, b in cuts]


@dataclass(frozen=True)
class ReelClip:
    """One line in a reel: its take, clip and words in the take's frames (end exclusive), its
    place on the reel (``record_in``, timeline frames) and why it was chosen."""

    line_id: str
    character: str
    text: str
    take: str
    source_in: int
    source_out: int
    speech_in: int
    speech_out: int
    record_in: int
    score: float
    reasons: tuple[str, ...]

    @property
    def frames(self) -> int:
        return self.source_out - self.source_in


@dataclass
class ReelResult:
    """A summary reel: the clips in order, its length and the length asked for (frames at
    ``rate``), the cut and timeline, the files written by format, and notes (why it is shorter or
    longer than asked, lines no take holds)."""

    scene: str
    rate: Fraction
    requested_frames: int
    frames: int
    clips: list[ReelClip]
    cut: Cut
    timeline: Any
    paths: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return float(self.frames / self.rate)


def build_cut(
    scene: str,
    chosen: Sequence[tuple[LineInfo, LineWindow, tuple[int, int]]],
    coverage: SceneCoverage,
    *,
    style: str,
    warnings: Iterable[str] = (),
) -> Cut:
    """A :class:`~roughcut.edit.cut.Cut` of the clips ``chosen`` (line, its window, its cut points)
    laid end to end, each clip's picture and sound from the same take and frames."""
    from roughcut.edit.editor import timeline_format

    rate, width, height = timeline_format(coverage)
    lines, pieces = [], []
    record = 0
    for info, window, (source_in, source_out) in chosen:
        frames = source_out - source_in
        lines.append(
            CutLine(
                line_id=info.id,
                character=info.character,
                text=info.text,
                take=window.take,
                source_in=source_in,
                source_out=source_out,
                record_in=record,
                record_out=record + frames,
                speech_in=record + window.speech_in - source_in,
                speech_out=record + window.speech_out - source_in,
                cost=0.0,
                idiom=style,
            )
        )
        pieces.append(
            Clip(window.take, source_in, source_out, record, record + frames, info.id, "line", style)
        )
        record += frames
    return Cut(
        scene=scene,
        mode="edit",
        style=style,
        weights={},
        params={},
        pace=Pace(name=style, pause_scale=1.0, min_pause=0, max_pause=0, lead=0),
        rate=rate,
        width=width,
        height=height,
        lines=tuple(lines),
        video=tuple(pieces),
        audio=tuple(pieces),
        cost=0.0,
        warnings=tuple(warnings),
    )


def summary_timeline(
    cut: Cut, coverage: SceneCoverage, name: str, kind: str, requested_frames: int, choices: list[dict]
) -> Any:
    """The OTIO timeline of a summary ``cut`` (:func:`roughcut.edit.timeline.to_timeline`) named
    ``name``, with ``metadata["roughcut"]["summary"]``: its ``kind``, the frames asked for and made,
    and the ``choices`` with their reasons."""
    from roughcut.edit.timeline import to_timeline

    timeline = to_timeline(cut, coverage)
    timeline.name = name
    timeline.metadata["roughcut"]["summary"] = {
        "kind": kind,
        "requested_frames": requested_frames,
        "frames": cut.duration_frames,
        "choices": choices,
    }
    return timeline


def scene_reel(
    coverage: SceneCoverage,
    alignments: Mapping[str, Any],
    *,
    seconds: float = 30.0,
    text: Mapping[str, Any] | None = None,
    out_dir: str | Path | None = None,
    formats: Iterable[str] | None = None,
    style: str = "default",
    max_pause_s: float = MAX_PAUSE_S,
    burn_in: bool = True,
) -> ReelResult:
    """A summary reel of the scene ``coverage`` about ``seconds`` seconds long (see the module notes).

    ``alignments`` (take → :class:`~roughcut.speech.align.TakeAlignment`) give the words, ``text``
    (line id → :class:`~roughcut.script.analysis.LineTextAnalysis`) the emotions; ``style`` is the
    editing style that chooses each line's take. With ``out_dir`` the reel is written there as
    ``scene_<N>_summary.<ext>`` in ``formats`` (default: every format of
    :data:`roughcut.export.FORMATS`). The length is exact to the frame when the chosen lines' pauses
    allow; ``notes`` say when they do not."""
    from roughcut.edit.editor import edit_scene, timeline_format

    if not math.isfinite(seconds) or seconds <= 0:
        raise ConfigError(f"reel length {seconds} s: expected a positive number of seconds")
    rate, _, _ = timeline_format(coverage)
    target = round(Fraction(seconds).limit_denominator(10**6) * rate)
    cut = edit_scene(coverage, style=style)
    takes = {line.line_id: line.take for line in cut.lines if line.take}
    notes = [f"line {line_id}: no take holds it" for line_id in cut.gaps]
    windows: dict[str, LineWindow] = {}
    for line_id, take in takes.items():
        alignment = alignments.get(take)
        info = coverage.take(take)
        window = (
            line_window(alignment, line_id, info.frame_rate, info.duration_frames, max_pause_s=max_pause_s)
            if alignment is not None
            else None
        )
        if window is None:
            notes.append(f"line {line_id}: no word alignment in {take}; left out")
            continue
        windows[line_id] = window
    if not windows:
        raise RoughcutError(f"scene {coverage.scene}: no line with aligned words to make a reel of")
    importance = line_importance(coverage, takes, text)
    order = sorted(windows, key=lambda i: -importance[i].score)
    first: list[str] = []
    first += [i for i in order if importance[i].parts["turning point"]]
    by_character: dict[str, str] = {}
    for line_id in order:
        by_character.setdefault(coverage.line(line_id).character, line_id)
    first += [i for i in by_character.values() if i not in first]
    first += [i for i in order if importance[i].parts["climax"] and i not in first]
    chosen: list[str] = []
    used = 0
    for line_id in [*first, *(i for i in order if i not in first)]:
        need = windows[line_id].shortest()
        if used + need <= target:
            chosen.append(line_id)
            used += need
    if not chosen:  # not even one line fits: the most important one alone
        chosen = [order[0]]
        notes.append(
            f"the request ({seconds:g} s) is shorter than any line; the reel holds line {order[0]} alone"
        )
    script_order = [line.id for line in coverage.lines]
    chosen.sort(key=script_order.index)
    picked = [windows[i] for i in chosen]
    cuts = share_frames(picked, target)
    total = sum(b - a for a, b in cuts)
    if total < target:
        notes.append(
            f"{float(total / rate):.2f} s, not {seconds:g} s: the chosen lines and their pauses "
            f"(at most {max_pause_s:g} s a side) hold no more, and no other whole line fits"
        )
    elif total > target:
        notes.append(f"{float(total / rate):.2f} s, longer than the {seconds:g} s asked for")
    reel = build_cut(
        coverage.scene,
        [(coverage.line(w.line_id), w, c) for w, c in zip(picked, cuts, strict=True)],
        coverage,
        style="summary",
        warnings=notes,
    )
    clips = []
    for cut_line, window in zip(reel.lines, picked, strict=True):
        clips.append(
            ReelClip(
                line_id=cut_line.line_id,
                character=cut_line.character,
                text=cut_line.text,
                take=window.take,
                source_in=cut_line.source_in,
                source_out=cut_line.source_out,
                speech_in=window.speech_in,
                speech_out=window.speech_out,
                record_in=cut_line.record_in,
                score=importance[cut_line.line_id].score,
                reasons=importance[cut_line.line_id].reasons,
            )
        )
    choices = [{"line": c.line_id, "score": round(c.score, 4), "reasons": list(c.reasons)} for c in clips]
    timeline = summary_timeline(
        reel, coverage, f"Scene {coverage.scene} - summary {seconds:g} s", "scene reel", target, choices
    )
    result = ReelResult(coverage.scene, rate, target, total, clips, reel, timeline, notes=notes)
    if out_dir is not None:
        from roughcut.export import FORMATS, write_all

        result.paths = write_all(
            timeline,
            out_dir,
            list(formats or FORMATS),
            name=f"scene_{coverage.scene}_summary",
            burn_in=burn_in,
        )
    return result
