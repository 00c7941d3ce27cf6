"""The result of an edit: per line the take, exact source and record frames, cost and reasons."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Any, Literal

Role = Literal["line", "reaction", "gap", "angle"]


@dataclass(frozen=True)
class Clip:
    """One piece of a track. ``source_in``/``source_out`` (exclusive) in frames of the take at its own
    rate, counted one per timeline frame (takes at another rate are conformed frame for frame);
    ``record_in``/``record_out`` in timeline frames. ``take`` is ``None`` for a gap."""

    take: str | None
    source_in: int
    source_out: int
    record_in: int
    record_out: int
    line_id: str | None
    role: Role = "line"
    idiom: str = ""

    @property
    def frames(self) -> int:
        return self.record_out - self.record_in


@dataclass(frozen=True)
class Alternative:
    """Another take for a line: the scene's best total cost if the line used it (the rest re-solved),
    how much worse that is than the chosen cut (``margin``), and the idiom that weighs most against
    it. On a pinned line the margin may be negative: then ``idiom`` is the one that prefers it. Where
    both cost the same, ``idiom`` is ``"tie: RULE"``, the tie rule that chose (sharper picture, surer
    alignment, surer speaker labels, take order). ``reaction`` is the take the alternative cuts away
    to at the line's pause (a listener reaction), ``None`` for the line shown whole."""

    take: str
    cost: float
    margin: float
    idiom: str
    reaction: str | None = None


@dataclass(frozen=True)
class CutLine:
    """One line of the cut. Frames as in :class:`Clip`; ``speech_in``/``speech_out`` are where the
    words themselves sit on the record timeline (for subtitles). ``take`` is ``None`` for a gap."""

    line_id: str
    character: str
    text: str
    take: str | None
    source_in: int
    source_out: int
    record_in: int
    record_out: int
    speech_in: int
    speech_out: int
    cost: float
    idiom: str
    idiom_costs: Mapping[str, float] = field(default_factory=dict)
    alternatives: tuple[Alternative, ...] = ()
    pinned: bool = False
    reaction: Clip | None = None

    @property
    def is_gap(self) -> bool:
        return self.take is None


@dataclass(frozen=True)
class Pace:
    """Pause handling: pauses between lines are scaled by ``pause_scale`` and kept within
    ``[min_pause, max_pause]`` frames; ``lead`` frames before the first and after the last line;
    the cut sits ``cut_fraction`` of the way through each pause; ``min_shot_seconds`` feeds the
    short-lines idiom."""

    name: str
    pause_scale: float
    min_pause: int
    max_pause: int
    lead: int
    cut_fraction: float = 0.9
    min_shot_seconds: float = 1.0


@dataclass(frozen=True)
class Cut:
    """An edited scene. ``rate`` is the timeline's frame rate; ``video``/``audio`` the track pieces
    in record order; ``gaps`` the lines no take holds; ``warnings`` what was conformed or left out."""

    scene: str
    mode: Literal["edit", "multicam"]
    style: str
    weights: Mapping[str, float]
    params: Mapping[str, Mapping[str, Any]]
    pace: Pace
    rate: Fraction
    width: int
    height: int
    lines: tuple[CutLine, ...]
    video: tuple[Clip, ...]
    audio: tuple[Clip, ...]
    cost: float
    gaps: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def duration_frames(self) -> int:
        return self.video[-1].record_out if self.video else 0

    def line(self, line_id: str) -> CutLine:
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise KeyError(line_id)

    def shots(self) -> list[Clip]:
        """Picture shots (gaps left out)."""
        return [clip for clip in self.video if clip.take is not None]

    def as_dict(self) -> dict[str, Any]:
        """The cut as plain JSON-ready data (rates as ``"24000/1001"`` strings), e.g. for the web UI."""

        def plain(value: Any) -> Any:
            if isinstance(value, Fraction):
                return f"{value.numerator}/{value.denominator}"
            if isinstance(value, dict):
                return {str(k): plain(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            return value

        return plain(asdict(self))

    def mean_shot_seconds(self) -> float:
        shots = self.shots()
        if not shots:
            return 0.0
        return float(sum(s.frames for s in shots) / len(shots) / self.rate)
