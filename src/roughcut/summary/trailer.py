"""A trailer cut across scenes: the strongest moments, shots that get shorter, every choice explained.

Every line of every scene is a candidate, said in the take that shows it best for a trailer: the
tightest framing where the speaker is seen (a close-up over a wide shot), among takes whose
alignment is confident. Its strength (:func:`moment_strength`) weighs the text's emotional
intensity, the voice's arousal, how close the shot is, and whether the line is a question or a
reveal (:data:`REVEAL_WORDS`). The strongest moments are taken while their shortest clips fit the
requested length; then they are ordered so the pacing accelerates: the longest clips first, each
shorter than the one before, and the strongest moment of all last (the button). Pauses kept around
the words shrink along the trailer (from :data:`FIRST_PAUSE_S` a side on the first clip to two frames
on the last), never cutting a word (:func:`roughcut.summary.reel.line_window`).

Written as a timeline (``trailer.otio`` and any format of :data:`roughcut.export.FORMATS`), a
preview MP4 (:func:`roughcut.export.preview.render_preview` through :func:`roughcut.export.write_all`)
and an HTML page that gives the reason for every moment (``trailer.html``).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from roughcut.edit.coverage import SceneCoverage, shot_size_index
from roughcut.errors import ConfigError, RoughcutError
from roughcut.summary.reel import MIN_HANDLE_FRAMES, LineWindow, build_cut, line_window, summary_timeline

#: Weights of a moment's strength: text intensity, voice arousal, closeness of the shot, a question,
#: a reveal.
WEIGHTS = {"intensity": 0.35, "arousal": 0.3, "close-up": 0.2, "question": 0.15, "reveal": 0.15}
#: Words that make a line a reveal (a confession, a secret, a truth told, a refusal for ever).
REVEAL_WORDS = frozenset(
    {
        "truth",
        "secret",
        "lied",
        "lie",
        "never",
        "always",
        "knew",
        "know",
        "confess",
        "promise",
        "told",
        "tell",
        "mistake",
        "nobody",
        "everything",
        "dead",
    }
)
#: Pause kept a side of the first clip's words (seconds); it shrinks to two frames by the last clip.
FIRST_PAUSE_S = 0.6
#: Least alignment confidence for a take to show a line in the trailer.
MIN_CONFIDENCE = 0.5
_WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class Moment:
    """A candidate line: scene, line, take, its window in the take, its strength and the parts and
    reasons behind it."""

    scene: str
    line_id: str
    character: str
    text: str
    take: str
    shot_size: str
    window: LineWindow
    strength: float
    parts: Mapping[str, float]
    reasons: tuple[str, ...]


def closeness(shot_size: str) -> float:
    """1 for an extreme close-up or close-up, falling to 0 for an extreme long shot."""
    return max(0.0, min(1.0, (6 - shot_size_index(shot_size)) / 5))


def moment_strength(
    text: str, intensity: float, arousal: float | None, shot_size: str
) -> tuple[float, dict[str, float], list[str]]:
    """The strength of a line said in a take (weighted by :data:`WEIGHTS`), its parts and reasons:
    ``intensity`` 0..1 of the text, ``arousal`` 0..1 of the voice (0.5 when not measured), the
    closeness of ``shot_size``, a question (``?``) and a reveal (a word of :data:`REVEAL_WORDS`)."""
    words = set(_WORD.findall(text.lower().replace("’", "'")))
    reveal = sorted(words & REVEAL_WORDS)
    parts = {
        "intensity": intensity,
        "arousal": 0.5 if arousal is None else arousal,
        "close-up": closeness(shot_size),
        "question": 1.0 if "?" in text else 0.0,
        "reveal": 1.0 if reveal else 0.0,
    }
    reasons = [f"intensity {intensity:.2f}", f"arousal {parts['arousal']:.2f}", f"{shot_size} shot"]
    if parts["question"]:
        reasons.append("a question")
    if reveal:
        reasons.append(f"a reveal ({', '.join(reveal)})")
    return sum(WEIGHTS[k] * v for k, v in parts.items()), parts, reasons


def candidates(coverages: Sequence[SceneCoverage], alignments: Mapping[str, Any]) -> list[Moment]:
    """Every line of ``coverages`` as a trailer moment, in the take that frames it tightest with the
    speaker seen (then the most confident), among takes aligned with confidence at least
    :data:`MIN_CONFIDENCE` (any take when none is)."""
    found = []
    for coverage in coverages:
        for line in coverage.lines:
            held = [c for c in (coverage.get(line.id, t.name) for t in coverage.takes) if c is not None]
            if not held:
                continue
            sure = [c for c in held if c.confidence >= MIN_CONFIDENCE] or held
            best = min(
                sure, key=lambda c: (not c.speaker_visible, shot_size_index(c.shot_size), -c.confidence)
            )
            take = coverage.take(best.take_name)
            alignment = alignments.get(best.take_name)
            window = (
                line_window(alignment, line.id, take.frame_rate, take.duration_frames) if alignment else None
            )
            if window is None:
                continue
            strength, parts, reasons = moment_strength(
                line.text, line.intensity, best.arousal, best.shot_size
            )
            found.append(
                Moment(
                    coverage.scene,
                    line.id,
                    line.character,
                    line.text,
                    best.take_name,
                    best.shot_size,
                    window,
                    strength,
                    parts,
                    tuple(reasons),
                )
            )
    return found


@dataclass
class TrailerResult:
    """A trailer: its moments in order with their cut points (take frames), its length and the
    length asked for (timeline frames at ``rate``), the timeline, the files written, and notes."""

    rate: Fraction
    requested_frames: int
    frames: int
    moments: list[Moment]
    cuts: list[tuple[int, int]]
    timeline: Any
    paths: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def clip_frames(self) -> list[int]:
        return [b - a for a, b in self.cuts]


def _merged(coverages: Sequence[SceneCoverage]) -> SceneCoverage:
    takes, coverage, lines = {}, {}, {}
    for one in coverages:
        takes.update({t.name: t for t in one.takes})
        coverage.update(one.coverage)
        lines.update({line.id: line for line in one.lines})
    characters = tuple(dict.fromkeys(c for one in coverages for c in one.all_characters()))
    return SceneCoverage("trailer", tuple(lines.values()), tuple(takes.values()), coverage, characters)


def _cut_points(window: LineWindow, pause: int) -> tuple[int, int]:
    before = min(max(pause, MIN_HANDLE_FRAMES), window.speech_in - window.earliest)
    after = min(max(pause, MIN_HANDLE_FRAMES), window.latest - window.speech_out)
    return window.speech_in - before, window.speech_out + after


def trailer(
    coverages: Sequence[SceneCoverage],
    alignments: Mapping[str, Any],
    *,
    seconds: float = 30.0,
    out_dir: str | Path | None = None,
    formats: Iterable[str] = ("otio", "mp4"),
    name: str = "trailer",
    burn_in: bool = True,
) -> TrailerResult:
    """A trailer about ``seconds`` seconds long from the scenes ``coverages`` (see the module notes);
    ``alignments`` (take → :class:`~roughcut.speech.align.TakeAlignment`) give the words. With
    ``out_dir``, writes ``<name>.<ext>`` in ``formats`` (default the OTIO timeline and the preview
    MP4) and ``<name>.html``, the reasons, there."""
    from roughcut.edit.editor import timeline_format

    if not math.isfinite(seconds) or seconds <= 0:
        raise ConfigError(f"trailer length {seconds} s: expected a positive number of seconds")
    if not coverages:
        raise RoughcutError("no scene to make a trailer from")
    merged = _merged(coverages)
    rate, _, _ = timeline_format(merged)
    target = round(Fraction(seconds).limit_denominator(10**6) * rate)
    pool = sorted(candidates(coverages, alignments), key=lambda m: -m.strength)
    if not pool:
        raise RoughcutError("no line with aligned words in any scene: nothing for a trailer")
    chosen: list[Moment] = []
    used = 0
    for moment in pool:
        need = moment.window.shortest()
        if used + need <= target:
            chosen.append(moment)
            used += need
    notes = []
    if not chosen:
        chosen = [pool[0]]
        notes.append(f"the request ({seconds:g} s) is shorter than any line; the strongest one alone")
    button = max(chosen, key=lambda m: m.strength)
    rest = sorted((m for m in chosen if m is not button), key=lambda m: -m.window.shortest())
    ordered = [*rest, button]
    # Pauses shrink along the trailer, but never past what the request leaves room for.
    first_pause = round(FIRST_PAUSE_S * rate)
    room = target - used
    cuts: list[tuple[int, int]] = []
    for index, moment in enumerate(ordered):
        share = 1 - index / max(1, len(ordered) - 1)
        pause = round(first_pause * share)
        a, b = _cut_points(moment.window, MIN_HANDLE_FRAMES)
        wanted_a, wanted_b = _cut_points(moment.window, pause)
        extra = min(room, (a - wanted_a) + (wanted_b - b))
        if cuts and index < len(ordered) - 1:  # never longer than the clip before (the button aside)
            extra = max(0, min(extra, (cuts[-1][1] - cuts[-1][0]) - (b - a)))
        grow_after = min(extra // 2 + extra % 2, wanted_b - b)
        grow_before = min(extra - grow_after, a - wanted_a)
        room -= grow_before + grow_after
        cuts.append((a - grow_before, b + grow_after))
    total = sum(b - a for a, b in cuts)
    chosen_cut = build_cut(
        "trailer",
        [(merged.line(m.line_id), m.window, c) for m, c in zip(ordered, cuts, strict=True)],
        merged,
        style="trailer",
        warnings=notes,
    )
    choices = [
        {
            "scene": m.scene,
            "line": m.line_id,
            "take": m.take,
            "strength": round(m.strength, 4),
            "reasons": list(m.reasons),
        }
        for m in ordered
    ]
    timeline = summary_timeline(chosen_cut, merged, f"Trailer {seconds:g} s", "trailer", target, choices)
    result = TrailerResult(rate, target, total, ordered, cuts, timeline, notes=notes)
    if out_dir is not None:
        from roughcut.export import write_all
        from roughcut.export.files import OutputDir

        out = OutputDir(out_dir)
        out.check([f"{name}.html"])
        result.paths = write_all(timeline, out.root, list(formats), name=name, burn_in=burn_in)
        result.paths["html"] = out.write_text(f"{name}.html", trailer_html(result, pool))
    return result


def trailer_html(result: TrailerResult, pool: Sequence[Moment] = ()) -> str:
    """The trailer's report: a row per moment (where it sits, its length, scene, line, take and
    framing, its strength and why it was chosen and placed there), then the strongest lines left
    out."""
    rate = result.rate
    rows = []
    record = 0
    last = len(result.moments) - 1
    for index, (moment, (a, b)) in enumerate(zip(result.moments, result.cuts, strict=True)):
        place = (
            "last: the strongest moment, the button"
            if index == last
            else ("first: the longest clip" if index == 0 else "shorter than the clip before it")
        )
        rows.append(
            "<tr>"
            f"<td>{index + 1}</td><td>{float(record / rate):.2f}</td><td>{float((b - a) / rate):.2f}</td>"
            f"<td>{html.escape(moment.scene)}</td><td>{html.escape(moment.line_id)}</td>"
            f"<td>{html.escape(moment.character)}</td><td>{html.escape(moment.text)}</td>"
            f"<td>{html.escape(moment.take)} ({html.escape(moment.shot_size)})</td>"
            f"<td>{moment.strength:.2f}</td><td>{html.escape('; '.join(moment.reasons))}</td>"
            f"<td>{place}</td></tr>"
        )
        record += b - a
    used = {(m.scene, m.line_id) for m in result.moments}
    left = [m for m in pool if (m.scene, m.line_id) not in used][:10]
    left_rows = "".join(
        f"<tr><td>{html.escape(m.scene)}</td><td>{html.escape(m.line_id)}</td><td>{html.escape(m.text)}</td>"
        f"<td>{m.strength:.2f}</td><td>{float(m.window.shortest() / rate):.2f} s: no room left</td></tr>"
        for m in left
    )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes)
    weights = ", ".join(f"{k} {v:g}" for k, v in WEIGHTS.items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Trailer</title>
<style>body{{font:14px system-ui,sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}}th{{background:#eee}}</style>
</head><body>
<h1>Trailer: {float(result.frames / rate):.2f} s of {float(result.requested_frames / rate):.2f} s asked</h1>
<p>{len(result.moments)} moments. Strength = {weights} (each part 0..1). The strongest moments that fit
were taken; they run longest first so the cuts come faster, and the strongest of all closes the
trailer. Pauses around the words shrink from {FIRST_PAUSE_S:g} s a side to two frames; no word is cut.</p>
<ul>{notes}</ul>
<table><tr><th>#</th><th>at (s)</th><th>length (s)</th><th>scene</th><th>line</th><th>who</th><th>text</th>
<th>take (framing)</th><th>strength</th><th>why chosen</th><th>why here</th></tr>
{"".join(rows)}</table>
<h2>Strongest lines left out</h2>
<table><tr><th>scene</th><th>line</th><th>text</th><th>strength</th><th>why not</th></tr>{left_rows}</table>
</body></html>
"""
