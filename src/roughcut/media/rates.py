"""Exact frame rates: rationals from the container's time base, snapped to the standard rates."""

from __future__ import annotations

from fractions import Fraction

#: Rates cameras and editing systems use. A measured rate within 0.05 % of one of these is that rate.
STANDARD_RATES: tuple[Fraction, ...] = (
    Fraction(24000, 1001),
    Fraction(24),
    Fraction(25),
    Fraction(30000, 1001),
    Fraction(30),
    Fraction(48000, 1001),
    Fraction(48),
    Fraction(50),
    Fraction(60000, 1001),
    Fraction(60),
    Fraction(100),
    Fraction(120000, 1001),
    Fraction(120),
    Fraction(15),
    Fraction(12),
)


def snap_frame_rate(rate: Fraction | float | None) -> Fraction | None:
    """Return the standard rate nearest ``rate`` (frames per second) when within 0.05 %, else ``rate``.

    ``23.976`` becomes ``Fraction(24000, 1001)``; an odd rate such as ``Fraction(2997, 125)`` that an
    edit list leaves behind becomes ``Fraction(30000, 1001)`` only if it is that close.
    """
    if rate is None or rate <= 0:
        return None
    exact = Fraction(rate).limit_denominator(1_000_000)
    for standard in STANDARD_RATES:
        if abs(exact - standard) / standard < Fraction(5, 10_000):
            return standard
    return exact.limit_denominator(1001)


def frame_to_seconds(frame: int, rate: Fraction) -> Fraction:
    """Exact start time in seconds of frame number ``frame`` at ``rate`` frames per second."""
    return Fraction(frame) / rate


def seconds_to_frame(seconds: Fraction | float, rate: Fraction) -> int:
    """Nearest frame number to ``seconds`` at ``rate`` frames per second (half rounds up)."""
    return int((Fraction(seconds) * rate + Fraction(1, 2)) // 1)


def timecode_to_frame(timecode: str, rate: Fraction) -> int | None:
    """Frame number of SMPTE ``timecode`` (``HH:MM:SS:FF``, ``;`` for drop frame) at ``rate`` frames
    per second, counted from 00:00:00:00; ``None`` when it is not a timecode at that rate."""
    import opentimelineio as otio

    try:
        return round(otio.opentime.from_timecode(timecode, float(rate)).value)
    except ValueError:
        return None
