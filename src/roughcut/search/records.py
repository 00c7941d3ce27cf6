"""What search finds: stretches of takes, each with everything the analysis knows about it.

A :class:`SearchRecord` is one stretch of one take: a performance of a script line (``kind``
``"line"``) or words the recogniser heard outside every line (``"said"``: ad-libs, a line not in the
script, talk between takes). :func:`records_from_analysis` makes them from the analysis results the
store holds (the script alignment with the recogniser's words, vision's persons and framing, the
text's emotion); they are plain data, so a test or a benchmark can make them without media.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from roughcut.media.span import SampleSpan

#: A silence this long (seconds) between heard words outside the script's lines starts a new record.
SAID_GAP_S = 1.0
#: How far (seconds) a heard word may lie outside a line's aligned span and still belong to the line.
LINE_EDGE_S = 0.2
#: Words spelled out beside each shot size, so a query in words finds the framing.
SHOT_SIZE_WORDS = {
    "ECU": "extreme close-up",
    "CU": "close-up",
    "MCU": "medium close-up",
    "MS": "medium shot",
    "MLS": "medium long shot cowboy",
    "LS": "long shot wide full",
    "ELS": "extreme long shot wide",
}
#: Words beside each emotion category (:data:`roughcut.text.emotion.EMOTIONS`) that people type.
EMOTION_WORDS = {
    "joy": "joy happy joyful glad",
    "sadness": "sadness sad unhappy",
    "anger": "anger angry mad",
    "fear": "fear afraid scared",
    "surprise": "surprise surprised",
    "disgust": "disgust disgusted",
    "neutral": "neutral",
}


@dataclass(frozen=True)
class SearchRecord(SampleSpan):
    """One searchable stretch of a take.

    ``start``/``end`` in samples at ``sample_rate`` Hz (end exclusive) from the take's start;
    ``frame_rate`` the take's video rate (frames per second, exact) and ``take_frames`` its length in
    frames (0 when unknown). ``script`` is the line's text (``""`` for words said outside the script),
    ``said`` the recogniser's words heard in the stretch; ``character`` who speaks (``""`` when not
    known); ``characters`` and ``persons`` who is on screen (characters by name, persons by the
    vision stage's ids); ``shot_size`` the framing during most of the stretch (``""`` unknown);
    ``emotion`` one of :data:`roughcut.text.emotion.EMOTIONS`; ``confidence`` 0-1 of the alignment.
    """

    take: str
    scene: str
    kind: str
    line_id: str
    character: str
    script: str
    said: str
    start: int
    end: int
    sample_rate: int
    frame_rate: Fraction
    take_frames: int = 0
    characters: tuple[str, ...] = ()
    persons: tuple[str, ...] = ()
    shot_size: str = ""
    emotion: str = "neutral"
    confidence: float = 1.0

    @property
    def start_frame(self) -> int:
        """First frame of the stretch (rounded down), at :attr:`frame_rate`."""
        return math.floor(Fraction(self.start, self.sample_rate) * self.frame_rate)

    @property
    def end_frame(self) -> int:
        """Frame after the stretch's last (rounded up, exclusive), at :attr:`frame_rate`."""
        return math.ceil(Fraction(self.end, self.sample_rate) * self.frame_rate)


def _scene_of_lines(script: Any) -> dict[str, str]:
    return {line.id: line.scene for line in script.lines}


def _words_in(recognised: Sequence[tuple[str, int, int]], start: int, end: int, pad: int) -> list[int]:
    """Indices of the recognised words that overlap ``[start - pad, end + pad)`` (samples): a line's
    edges come from the script alignment, the words' from the recogniser, and they differ a little."""
    return [i for i, (_, a, b) in enumerate(recognised) if a < end + pad and b > start - pad]


def _on_screen(vision: Any, start_s: float, end_s: float) -> tuple[tuple[str, ...], str]:
    """The persons whose faces are seen during ``[start_s, end_s)`` and the shot size covering most
    of it, from a take's vision (:class:`~roughcut.vision.model.TakeVision`)."""
    if vision is None:
        return (), ""
    rate = vision.frame_rate
    first, last = int(start_s * rate), int(end_s * rate) + 1
    persons = set()
    for track in vision.tracks:
        if track.person and any(first <= s.frame < last for s in track.samples):
            persons.add(track.person)
    overlap: dict[str, int] = {}
    for segment in vision.segments:
        shared = min(last, segment.end_frame) - max(first, segment.start_frame)
        if shared > 0 and segment.shot_size:
            overlap[segment.shot_size] = overlap.get(segment.shot_size, 0) + shared
    size = max(overlap, key=lambda s: overlap[s]) if overlap else (vision.shot_size or "")
    return tuple(sorted(persons)), size


def records_from_analysis(
    script: Any,
    alignments: Mapping[str, Any],
    *,
    visions: Mapping[str, Any] | None = None,
    visibility: Mapping[str, Sequence[Any]] | None = None,
    characters: Mapping[str, str] | None = None,
    text: Mapping[str, Any] | None = None,
) -> list[SearchRecord]:
    """Every line performance and every stretch of words said outside the lines, in every take.

    ``script`` is a :class:`~roughcut.script.model.Script`; ``alignments`` the
    :class:`~roughcut.speech.align.TakeAlignment` of each take (by take name), whose ``recognised``
    words are what was actually said; ``visions`` each take's
    :class:`~roughcut.vision.model.TakeVision`; ``visibility`` each take's
    :class:`~roughcut.vision.speakers.LineVisibility` rows; ``characters`` maps ``"take:personN"`` to
    a character; ``text`` each line's :class:`~roughcut.script.analysis.LineTextAnalysis`.
    A take whose alignment has a ``problem`` gives no record.
    """
    from roughcut.media.audio import ANALYSIS_RATE
    from roughcut.text.emotion import emotion

    visions, visibility = visions or {}, visibility or {}
    characters, text = characters or {}, text or {}
    scene_of = _scene_of_lines(script)
    first_scene = script.scenes[0].number if script.scenes else ""
    records: list[SearchRecord] = []
    for take, alignment in alignments.items():
        if alignment.problem:
            continue
        vision = visions.get(take)
        rate = alignment.frame_rate or (vision.frame_rate if vision is not None else Fraction(25))
        frames = vision.frame_count if vision is not None else round(alignment.duration_s * rate)
        named = {
            key.rsplit(":", 1)[1]: who for key, who in characters.items() if key.rsplit(":", 1)[0] == take
        }
        rows: dict[tuple[str, int], Any] = {}
        seen: dict[str, int] = {}
        for row in visibility.get(take, ()):
            rows[(row.line_id, seen.get(row.line_id, 0))] = row
            seen[row.line_id] = seen.get(row.line_id, 0) + 1
        recognised = [w for w in alignment.recognised if w[0].strip()]
        pad = round(LINE_EDGE_S * ANALYSIS_RATE)
        used: set[int] = set()
        scenes_here = []
        for line in alignment.lines:
            # the recogniser's words at the analysis rate; the line's span at its own rate
            start = round(Fraction(line.start * ANALYSIS_RATE, line.sample_rate))
            end = round(Fraction(line.end * ANALYSIS_RATE, line.sample_rate))
            inside = [i for i in _words_in(recognised, start, end, pad) if i not in used]
            used.update(inside)
            row = rows.get((line.line_id, line.occurrence))
            persons, size = _on_screen(vision, start / ANALYSIS_RATE, end / ANALYSIS_RATE)
            if row is not None:
                persons = tuple(sorted(set(persons) | set(row.visible_persons)))
                size = row.shot_size or size
            seen_names = tuple(sorted({named[p] for p in persons if p in named}))
            scene = scene_of.get(line.line_id, first_scene)
            scenes_here.append((start, scene))
            analysis = text.get(line.line_id)
            records.append(
                SearchRecord(
                    take=take,
                    scene=scene,
                    kind="line",
                    line_id=line.line_id,
                    character=line.character,
                    script=line.text,
                    said=" ".join(recognised[i][0].strip() for i in inside),
                    start=start,
                    end=end,
                    sample_rate=ANALYSIS_RATE,
                    frame_rate=rate,
                    take_frames=frames,
                    characters=seen_names,
                    persons=persons,
                    shot_size=size,
                    emotion=analysis.emotion if analysis is not None else emotion(line.text).category,
                    confidence=float(line.confidence),
                )
            )
        for run in _runs([i for i in range(len(recognised)) if i not in used], recognised):
            start, end = recognised[run[0]][1], recognised[run[-1]][2]
            said = " ".join(recognised[i][0].strip() for i in run)
            persons, size = _on_screen(vision, start / ANALYSIS_RATE, end / ANALYSIS_RATE)
            before = [scene for at, scene in scenes_here if at <= start]
            scene = before[-1] if before else (scenes_here[0][1] if scenes_here else first_scene)
            records.append(
                SearchRecord(
                    take=take,
                    scene=scene,
                    kind="said",
                    line_id="",
                    character="",
                    script="",
                    said=said,
                    start=start,
                    end=end,
                    sample_rate=ANALYSIS_RATE,
                    frame_rate=rate,
                    take_frames=frames,
                    characters=tuple(sorted({named[p] for p in persons if p in named})),
                    persons=persons,
                    shot_size=size,
                    emotion=emotion(said).category,
                    confidence=0.0,
                )
            )
    return records


def _runs(indices: list[int], recognised: Sequence[tuple[str, int, int]]) -> list[list[int]]:
    """Consecutive heard words (no line between them, no pause over :data:`SAID_GAP_S`) grouped."""
    from roughcut.media.audio import ANALYSIS_RATE

    runs: list[list[int]] = []
    for i in indices:
        if (
            runs
            and runs[-1][-1] == i - 1
            and recognised[i][1] - recognised[i - 1][2] <= SAID_GAP_S * ANALYSIS_RATE
        ):
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs
