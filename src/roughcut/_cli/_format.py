"""Small formatting helpers shared by the commands (seconds, rates, sizes)."""

from __future__ import annotations

from fractions import Fraction


def format_rate(rate: Fraction | None) -> str:
    """``Fraction(24000, 1001)`` → ``"23.976"``; whole rates without decimals."""
    if rate is None:
        return "-"
    if rate.denominator == 1:
        return str(rate.numerator)
    return f"{float(rate):.3f}".rstrip("0").rstrip(".")


def format_duration(seconds: Fraction | float) -> str:
    """Seconds as ``m:ss.mmm`` (or ``h:mm:ss.mmm``)."""
    total = float(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{int(hours)}:{int(minutes):02d}:{secs:06.3f}"
    return f"{int(minutes)}:{secs:06.3f}"


def format_bytes(size: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"
