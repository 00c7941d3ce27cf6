"""Frame-exact comparison of a timeline with what an editing-system file reads back as."""

from __future__ import annotations

from fractions import Fraction

import opentimelineio as otio

from roughcut.media.rates import snap_frame_rate

Row = tuple[str, int, int, int]


def _frames(time: otio.opentime.RationalTime, rate: Fraction) -> Fraction:
    """``time`` in frames at ``rate``; exact when ``time``'s own rate is ``rate`` (snapped)."""
    own = snap_frame_rate(time.rate) or Fraction(time.rate)
    return Fraction(time.value).limit_denominator(1000) * rate / own


def track_rows(track: otio.schema.Track, rate: Fraction) -> list[Row]:
    """``(name, source start, duration, record start)`` per clip, frames at ``rate``; gaps skipped."""
    rows = []
    for item in track:
        if not isinstance(item, otio.schema.Clip):
            continue
        source = item.source_range
        record = track.range_of_child(item).start_time
        values = [_frames(source.start_time, rate), _frames(source.duration, rate), _frames(record, rate)]
        rows.append((item.name, *(int(v) if v.denominator == 1 else float(v) for v in values)))
    return rows


def differences(
    original: otio.schema.Timeline,
    back: otio.schema.Timeline,
    rate: Fraction,
    *,
    kinds: tuple[str, ...] = ("Video", "Audio"),
) -> list[str]:
    """What differs, clip by clip, between the first track of each kind in ``original`` and ``back``
    (empty when every clip has the same source in, duration and record in, to the frame)."""
    problems = []
    for kind in kinds:
        mine = [t for t in original.tracks if t.kind == kind]
        theirs = [t for t in back.tracks if t.kind == kind]
        if not mine:
            continue
        if not theirs:
            problems.append(f"no {kind} track read back")
            continue
        a, b = track_rows(mine[0], rate), track_rows(theirs[0], rate)
        if len(a) != len(b):
            problems.append(f"{kind}: {len(a)} clips written, {len(b)} read back")
        for k, (x, y) in enumerate(zip(a, b, strict=False)):
            if x[1:] != y[1:]:
                problems.append(f"{kind} clip {k + 1}: wrote {x[1:]}, read {y[1:]}")
    return problems
