"""Where the cuts fall: inside the pause between lines, and how long the pauses are (the pace)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from roughcut.edit.coverage import LineCoverage, SceneCoverage
from roughcut.edit.cut import Pace
from roughcut.errors import ConfigError

#: Named paces: (pause scale, shortest pause s, longest pause s, lead-in/out s, shortest shot s).
PACES: dict[str, tuple[float, float, float, float, float]] = {
    "tight": (0.5, 0.08, 0.5, 0.25, 0.8),
    "normal": (1.0, 0.12, 1.5, 0.5, 1.0),
    "relaxed": (1.5, 0.25, 3.0, 1.0, 1.5),
}


def resolve_pace(pace: str | float, rate: Fraction, *, cut_fraction: float = 0.9) -> Pace:
    """A :class:`Pace` in frames at ``rate``: ``"tight"``, ``"normal"``, ``"relaxed"`` or a pause
    scale factor (``0.5`` halves the pauses, ``2`` doubles them, within 0.1..4)."""
    if not 0.0 <= cut_fraction <= 1.0:
        raise ConfigError(f"cut fraction must be between 0 and 1 of the pause (got {cut_fraction})")
    if isinstance(pace, str):
        try:
            scale, low, high, lead, min_shot = PACES[pace]
        except KeyError:
            try:
                return resolve_pace(float(pace), rate, cut_fraction=cut_fraction)
            except ValueError:
                raise ConfigError(
                    f"unknown pace {pace!r}; use {', '.join(PACES)} or a number such as 0.8"
                ) from None
        name = pace
    else:
        scale = float(pace)
        if not 0.1 <= scale <= 4.0:
            raise ConfigError(f"pace {pace} makes no sense: a pause scale must be between 0.1 and 4")
        low, high, lead, min_shot = 0.12 * min(scale, 1.0), 1.5 * scale, 0.5 * scale, 1.0
        name = f"{scale:g}"

    def frames(seconds: float) -> int:
        return max(0, round(Fraction(seconds).limit_denominator(1000) * rate))

    return Pace(
        name=name,
        pause_scale=scale,
        min_pause=frames(low),
        max_pause=max(frames(high), frames(low)),
        lead=frames(lead),
        cut_fraction=cut_fraction,
        min_shot_seconds=min_shot,
    )


@dataclass(frozen=True)
class Span:
    """A placed line's frames in its take: ``[start - head, end + tail)`` holds the speech
    ``[start, end)`` and the part of the pauses around it that the cut keeps."""

    head: int
    tail: int


def _room(
    coverage: SceneCoverage, line_ids: list[str], index: int, take: str
) -> tuple[int, int, int | None, int | None]:
    """Frames free before and after line ``index`` in ``take`` (up to the neighbouring lines or the
    take's ends), and the neighbouring lines' end/start frames when the take holds them."""
    item = coverage.coverage[(line_ids[index], take)]
    before_end = None
    for k in range(index - 1, -1, -1):
        other = coverage.coverage.get((line_ids[k], take))
        if other is not None:
            before_end = other.end_frame
            break
    after_start = None
    for k in range(index + 1, len(line_ids)):
        other = coverage.coverage.get((line_ids[k], take))
        if other is not None:
            after_start = other.start_frame
            break
    duration = coverage.take(take).duration_frames
    head = item.start_frame - (before_end if before_end is not None else 0)
    tail = (after_start if after_start is not None else duration) - item.end_frame
    return max(0, head), max(0, tail), before_end, after_start


def place(
    coverage: SceneCoverage, line_ids: list[str], takes: list[str | None], pace: Pace
) -> list[Span | None]:
    """Head and tail frames around each line's speech; ``None`` for lines without a take (gaps).

    Between two lines the record pause is the pace's scale of the natural pause (the outgoing take's
    pause weighted by the cut fraction, the incoming take's by the rest), kept within the pace's
    bounds and the material there is; the cut falls ``cut_fraction`` of the way through it. Two lines
    in a row from one take stay one continuous shot unless the pause there is longer than allowed.
    """
    n = len(line_ids)
    rooms = [
        _room(coverage, line_ids, i, take) if take is not None else (0, 0, None, None)
        for i, take in enumerate(takes)
    ]
    heads = [0] * n
    tails = [0] * n
    f = pace.cut_fraction
    for i in range(n):
        if takes[i] is None:
            continue
        previous = next((k for k in range(i - 1, -1, -1) if takes[k] is not None), None)
        if previous is None or previous != i - 1:
            heads[i] = min(pace.lead, rooms[i][0])
        if previous is not None and previous != i - 1:  # a gap before this line
            tails[previous] = min(pace.lead, rooms[previous][1])
    for i in range(n - 1):
        s, t = takes[i], takes[i + 1]
        if s is None or t is None:
            continue
        out_item: LineCoverage = coverage.coverage[(line_ids[i], s)]
        in_item: LineCoverage = coverage.coverage[(line_ids[i + 1], t)]
        tail_room, head_room = rooms[i][1], rooms[i + 1][0]
        pause_out = _pause(coverage, line_ids[i], line_ids[i + 1], s, tail_room, pace.max_pause)
        pause_in = _pause(coverage, line_ids[i], line_ids[i + 1], t, head_room, pace.max_pause)
        if s == t and in_item.start_frame >= out_item.end_frame:
            natural = in_item.start_frame - out_item.end_frame
            if natural <= pace.max_pause:
                tails[i] = natural  # continuous: one shot, nothing removed
                continue
            wanted = _clamp(round(pace.pause_scale * natural), pace)
        else:
            natural = f * pause_out + (1 - f) * pause_in
            wanted = _clamp(round(pace.pause_scale * natural), pace)
        tail = min(round(f * wanted), tail_room)
        head = min(wanted - tail, head_room)
        tail = min(wanted - head, tail_room)
        tails[i], heads[i + 1] = max(0, tail), max(0, head)
    last = max((k for k in range(n) if takes[k] is not None), default=None)
    if last is not None:
        tails[last] = min(pace.lead, rooms[last][1])
    return [Span(heads[i], tails[i]) if takes[i] is not None else None for i in range(n)]


def _pause(coverage: SceneCoverage, before: str, after: str, take: str, room: int, cap: int) -> int:
    """The pause between two lines as said in ``take``; the free ``room`` (at most ``cap``) when the
    take lacks one of them."""
    a, b = coverage.coverage.get((before, take)), coverage.coverage.get((after, take))
    if a is not None and b is not None:
        return max(0, b.start_frame - a.end_frame)
    return min(room, cap)


def _clamp(frames: int, pace: Pace) -> int:
    return max(pace.min_pause, min(pace.max_pause, frames))
