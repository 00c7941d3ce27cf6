"""Avid Log Exchange as Media Composer reads it: fixes to what the ``ale`` OTIO adapter
(otio-ale-adapter 1.1.0) writes, applied to its file (see docs/interchange.md).

- ``FPS`` is written as Python prints the rate (``23.976023976023978``); the specification allows
  ``23.976``, ``23.98``, ``24``, ``25``, ``29.97``, ``30``, ``50``, ``59.94`` and ``60``.
- ``Source File`` holds the file's whole percent-encoded URL; Avid expects the file's name.
- Timecodes are drop frame at every 29.97, also when the takes' timecode is not.

``VIDEO_FORMAT`` (from the picture size) and the ``Tape``, ``Tracks`` and ``Image Size`` columns are
given to the adapter by :func:`roughcut.export.adapters.write_ale`.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from roughcut.export._media import timecode
from roughcut.media.rates import timecode_to_frame

#: The ``FPS`` values of the ALE specification, by exact rate.
ALE_RATES = {
    Fraction(24000, 1001): "23.976",
    Fraction(24): "24",
    Fraction(25): "25",
    Fraction(30000, 1001): "29.97",
    Fraction(30): "30",
    Fraction(50): "50",
    Fraction(60000, 1001): "59.94",
    Fraction(60): "60",
}


#: The per-take log's columns (:mod:`roughcut.search.log`) the ALE of a cut adds to its own, when the
#: timeline's takes carry them (``metadata["roughcut"]["takes"][i]["log"]``).
LOG_COLUMNS = ("Scene", "Persons", "Shot Sizes", "Emotion", "Words Said")


def log_columns(take: Mapping[str, Any]) -> dict[str, str]:
    """The per-take log's columns of a take of a timeline's metadata, on one line each (an ALE cell
    holds no tab or line break); none when the take carries no log."""
    log = take.get("log") or {}
    return {name: " ".join(str(log[name]).split()) for name in LOG_COLUMNS if name in log}


def video_format(width: int, height: int) -> str:
    """The ALE ``VIDEO_FORMAT`` of a picture ``width`` × ``height`` pixels (``CUSTOM`` when it is
    none of the broadcast formats)."""
    if (width, height) in ((1920, 1080), (1440, 1080)):
        return "1080"
    if (width, height) == (1280, 720):
        return "720"
    if height in (480, 486) and width in (640, 704, 720):
        return "NTSC"
    if height == 576 and width in (704, 720, 768):
        return "PAL"
    return "CUSTOM"


def fix(path: Path, rate: Fraction, drop_frame: bool) -> None:
    """Rewrite the ``FPS`` line, the ``Source File`` column and the timecodes (drop frame or not,
    as ``drop_frame`` says; the adapter writes drop frame at every 29.97) of the ALE at ``path``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    section, columns = "", []
    for index, line in enumerate(lines):
        if line in ("Heading", "Column", "Data"):
            section = line
            continue
        if not line:
            continue
        if section == "Heading" and line.startswith("FPS\t"):
            lines[index] = f"FPS\t{ALE_RATES.get(rate, f'{float(rate):.3f}')}"
        elif section == "Column":
            columns = line.split("\t")
        elif section == "Data" and "Source File" in columns:
            values = line.split("\t")
            at = columns.index("Source File")
            url = values[at]
            if "://" in url:
                values[at] = Path(unquote(urlparse(url).path)).name
            for column in ("Start", "End", "Duration"):
                if column in columns and values[columns.index(column)]:
                    frames = timecode_to_frame(values[columns.index(column)], rate)
                    if frames is not None:
                        values[columns.index(column)] = timecode(frames, rate, drop_frame)
            lines[index] = "\t".join(values)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
