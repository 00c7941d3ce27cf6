"""The editor's input contract: what each take shows and when each line is said in it.

This is the one thing the editor reads. Speech alignment (when is each line said in each take) and
vision (who is visible, how big, where on screen) are turned into these records by an adapter; the
demo's ``truth.json`` is turned into them by :func:`coverage_from_demo_truth`. The records are small
and stable on purpose:

* :class:`LineInfo`: a script line (id, speaker, text, emotional intensity 0..1).
* :class:`TakeInfo`: a take (file, exact frame rate, size, length in frames, framing, who is seen where).
* :class:`LineCoverage`: one line as said in one take: exact frames ``[start_frame, end_frame)`` at the
  take's rate, whether the speaker is visible, the framing during the line, speech rate (words/s).
* :class:`SceneCoverage`: all of the above for one scene; ``coverage[(line_id, take_name)]``. A
  missing key means the take does not hold that line.

Shot sizes use the ladder :data:`SHOT_SIZES`, tightest first (``ECU`` … ``ELS``).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from roughcut.errors import RoughcutError
from roughcut.vision.shot_size import SHOT_SIZES as SHOT_SIZES  # the one ladder, re-exported
from roughcut.vision.shot_size import shot_size_index as shot_size_index

SCREEN_POSITIONS = ("left", "centre", "right")


@dataclass(frozen=True)
class LineInfo:
    """One line of dialogue in script order. ``intensity`` is emotional intensity 0..1 (text sentiment)."""

    id: str
    character: str
    text: str
    intensity: float = 0.0
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class TakeInfo:
    """One take. ``frame_rate`` in frames per second (exact), ``duration_frames`` at that rate.

    ``shot_size`` is the take's usual framing; ``screen_positions`` maps each visible character to
    ``"left"``, ``"centre"`` or ``"right"``. ``sync_group`` names takes recorded together (multicam
    angles of one performance); ``sync_offset_frames`` is where this angle's frame 0 sits on the
    group's common clock (frames at this take's rate). ``sharpness`` is the picture's sharpness
    inside faces (variance of the Laplacian, :mod:`roughcut.vision.sharpness`; higher is sharper),
    ``None`` when not measured.
    """

    name: str
    path: Path
    frame_rate: Fraction
    width: int
    height: int
    duration_frames: int
    shot_size: str
    characters_visible: tuple[str, ...]
    screen_positions: Mapping[str, str] = field(default_factory=dict)
    has_audio: bool = True
    timecode: str | None = None
    sync_group: str | None = None
    sync_offset_frames: int = 0
    sharpness: float | None = None


@dataclass(frozen=True)
class LineCoverage:
    """One line as said in one take.

    ``start_frame``/``end_frame``: the speech, half-open ``[start, end)``, in frames at the take's rate.
    ``speaker_visible``: the speaker's face is in frame while speaking. ``speech_rate`` in words per
    second. ``confidence`` 0..1 of the alignment. ``arousal`` 0..1 from the voice, when measured.
    ``speaker_confidence`` 0..1: how sure the picture's speaker labels are (the face seen talking is
    the one named after the speaker), ``None`` when not measured. ``pauses``: where the line may be
    split, ``(start_frame, end_frame)`` half-open at the take's rate: silences between words, or
    zero-length sentence boundaries where only those are known.
    """

    line_id: str
    take_name: str
    start_frame: int
    end_frame: int
    speaker_visible: bool
    speaker_on_screen_position: str | None
    visible_characters: tuple[str, ...]
    shot_size: str
    confidence: float = 1.0
    speech_rate: float = 0.0
    arousal: float | None = None
    speaker_confidence: float | None = None
    pauses: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, eq=False)
class SceneCoverage:
    """Everything the editor needs about one scene. Compared and hashed by identity (it is cached)."""

    scene: str
    lines: tuple[LineInfo, ...]
    takes: tuple[TakeInfo, ...]
    coverage: Mapping[tuple[str, str], LineCoverage]
    characters: tuple[str, ...] = ()

    def take(self, name: str) -> TakeInfo:
        for take in self.takes:
            if take.name == name:
                return take
        raise RoughcutError(f"no take named {name!r}; takes: {', '.join(t.name for t in self.takes)}")

    def line(self, line_id: str) -> LineInfo:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise RoughcutError(f"no line {line_id!r} in scene {self.scene}")

    def get(self, line_id: str, take_name: str) -> LineCoverage | None:
        return self.coverage.get((line_id, take_name))

    def all_characters(self) -> tuple[str, ...]:
        """Every character who speaks or is seen, in order of first appearance."""
        names: dict[str, None] = dict.fromkeys(self.characters)
        for line in self.lines:
            names.setdefault(line.character, None)
        for take in self.takes:
            for name in take.characters_visible:
                names.setdefault(name, None)
        return tuple(names)


# ----------------------------------------------------------------------------------------------
# Text intensity


def text_intensity(text: str) -> float:
    """Emotional intensity 0..1 of a line from its text: VADER's absolute compound sentiment (which
    already counts exclamation marks, capitals and intensifiers), from :mod:`roughcut.text.sentiment`."""
    from roughcut.text.sentiment import sentiment

    return float(min(1.0, sentiment(text).intensity))


# ----------------------------------------------------------------------------------------------
# The demo's ground truth


def _frames(seconds: float, rate: Fraction, *, up: bool) -> int:
    exact = Fraction(seconds).limit_denominator(10**7) * rate
    whole = exact.numerator // exact.denominator
    return whole + 1 if up and exact != whole else whole


def load_truth(project_dir: str | Path) -> dict[str, Any]:
    """The ground truth written beside a demo project (``truth.json``, seconds), as JSON data."""
    return json.loads((Path(project_dir) / "truth.json").read_text(encoding="utf-8"))


def coverage_from_demo_truth(project_dir: str | Path) -> SceneCoverage:
    """Build the scene's coverage from a demo project's ``truth.json`` and the takes' own rates.

    Frame rate, size and length of every take come from :func:`roughcut.media.probe`; line times
    (seconds in the truth) become frames: start rounded down, end rounded up.
    """
    from roughcut.media import probe

    project_dir = Path(project_dir)
    truth_path = project_dir / "truth.json"
    if not truth_path.is_file():
        raise RoughcutError(f"{truth_path}: no truth.json (needs the demo project or real analysis)")
    truth = load_truth(project_dir)
    takes: list[TakeInfo] = []
    coverage: dict[tuple[str, str], LineCoverage] = {}
    lines: dict[str, LineInfo] = {}
    for entry in truth["takes"]:
        path = project_dir / entry["file"]
        info = probe(path)
        video = info.video
        if video is None:
            raise RoughcutError(f"{path}: has no video")
        name = Path(entry["file"]).name
        people = entry["people"]
        positions = {p["character"]: p["screen_position"] for p in people}
        visible = tuple(p["character"] for p in people)
        take = TakeInfo(
            name=name,
            path=path,
            frame_rate=video.frame_rate,
            width=video.width,
            height=video.height,
            duration_frames=video.frame_count,
            shot_size=entry["shot_size"],
            characters_visible=visible,
            screen_positions=positions,
            has_audio=info.has_audio,
            timecode=entry.get("timecode"),
        )
        takes.append(take)
        for line in entry["lines"]:
            words = tuple(w["word"] for w in line["words"])
            if line["id"] not in lines:
                lines[line["id"]] = LineInfo(
                    id=line["id"],
                    character=line["character"],
                    text=line["text"],
                    intensity=text_intensity(line["text"]),
                    words=words,
                )
            seconds = line["end"] - line["start"]
            pauses = _truth_pauses(line, take.frame_rate)
            coverage[(line["id"], name)] = LineCoverage(
                line_id=line["id"],
                take_name=name,
                start_frame=_frames(line["start"], take.frame_rate, up=False),
                end_frame=_frames(line["end"], take.frame_rate, up=True),
                speaker_visible=bool(line["speaker_visible"]),
                speaker_on_screen_position=positions.get(line["character"]),
                visible_characters=visible,
                shot_size=take.shot_size,
                confidence=1.0,
                speech_rate=len(words) / seconds if seconds > 0 else 0.0,
                pauses=pauses,
            )
    ordered = sorted(lines.values(), key=lambda line: _line_order(line.id))
    scene = str(truth.get("scene", "1"))
    return SceneCoverage(
        scene=scene,
        lines=tuple(ordered),
        takes=tuple(takes),
        coverage=coverage,
        characters=tuple(truth.get("characters", {})),
    )


def _truth_pauses(line: Mapping[str, Any], rate: Fraction) -> tuple[tuple[int, int], ...]:
    """Pauses inside a truth line: silences of 0.1 s or more between words, and the boundaries after
    words that end a sentence or clause in the text (zero length where the words touch)."""
    words = line["words"]
    tokens = line["text"].split()
    marks = len(tokens) == len(words)
    found = []
    for k, (a, b) in enumerate(itertools.pairwise(words)):
        ends_clause = marks and tokens[k][-1:] in {".", "?", "!", ",", ";", ":"}
        if b["start"] - a["end"] >= 0.1 or ends_clause:
            found.append((_frames(a["end"], rate, up=True), _frames(b["start"], rate, up=False)))
    return tuple((start, max(start, end)) for start, end in found)


def _line_order(line_id: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.\-_]", line_id))
