"""Pages of labelled frames (contact sheets, storyboards) drawn with matplotlib, so that a PDF keeps
its labels as text a reader can search and copy; and the timecode a frame is labelled with."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: A page is A4 landscape, in inches.
PAGE_SIZE = (11.69, 8.27)
#: Colour of the flag over a soft-focus frame.
FLAG_COLOUR = "#d62728"


@dataclass(frozen=True)
class Tile:
    """One frame on a page: the picture (RGB uint8), its label lines (the first in bold) and the
    warnings drawn in red over it (``"SOFT"``)."""

    image: np.ndarray
    lines: tuple[str, ...]
    flags: tuple[str, ...] = field(default_factory=tuple)


def timecode(frame: int, rate: Fraction, *, start: str | None = None) -> str:
    """SMPTE timecode of native frame ``frame`` at ``rate`` frames per second, counted from the
    take's own start timecode ``start`` when it has one (drop frame at 29.97 and 59.94 unless the
    start says non-drop)."""
    import opentimelineio as otio

    from roughcut.media.rates import timecode_to_frame

    origin = (timecode_to_frame(start, rate) or 0) if start else 0
    drop = rate in (Fraction(30000, 1001), Fraction(60000, 1001)) and (start is None or ";" in start)
    value = otio.opentime.RationalTime(origin + frame, float(rate))
    return otio.opentime.to_timecode(value, float(rate), drop)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def sheet_figure(title: str, subtitle: str, tiles: Sequence[Tile], *, columns: int = 4) -> Figure:
    """A page (matplotlib ``Figure``) of ``tiles`` in a grid ``columns`` wide under ``title`` and
    ``subtitle``; each tile's label lines below its picture."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=PAGE_SIZE)
    figure.text(0.02, 0.975, title, fontsize=15, fontweight="bold", va="top")
    figure.text(0.02, 0.94, subtitle, fontsize=9, va="top", color="#444444")
    count = max(1, len(tiles))
    columns = max(1, min(columns, count))
    rows = math.ceil(count / columns)
    top, bottom, left, right = 0.90, 0.02, 0.02, 0.98
    text_lines = max((len(t.lines) for t in tiles), default=1)
    text_h = 0.018 * text_lines + 0.012
    aspect = max((t.image.shape[0] / t.image.shape[1] for t in tiles), default=9 / 16)
    cell_w = (right - left) / columns
    image_w = cell_w - 0.008
    image_h = image_w * aspect * PAGE_SIZE[0] / PAGE_SIZE[1]
    if rows * (image_h + text_h) > top - bottom:  # too tall: smaller pictures
        image_h = (top - bottom) / rows - text_h
        image_w = image_h / aspect * PAGE_SIZE[1] / PAGE_SIZE[0]
    cell_h = image_h + text_h
    chars = max(20, int(max(image_w, 0.12) * 205))
    for number, tile in enumerate(tiles):
        row, column = divmod(number, columns)
        x = left + column * cell_w
        y = top - (row + 1) * cell_h
        axes = figure.add_axes((x + 0.004, y + text_h, image_w, image_h))
        axes.imshow(tile.image)
        axes.set_axis_off()
        for index, flag in enumerate(tile.flags):
            axes.text(
                0.02,
                0.96 - 0.12 * index,
                flag,
                transform=axes.transAxes,
                va="top",
                fontsize=8,
                fontweight="bold",
                color="white",
                bbox={"facecolor": FLAG_COLOUR, "edgecolor": "none", "pad": 1.5},
            )
        for index, line in enumerate(tile.lines):
            figure.text(
                x + 0.006,
                y + text_h - 0.004 - index * 0.018,
                _clip(line, chars),
                fontsize=7.5,
                va="top",
                fontweight="bold" if index == 0 else "normal",
            )
    return figure


def cover_figure(title: str, rows: Sequence[str], images: Sequence[np.ndarray] = ()) -> Figure:
    """A cover page: ``title``, lines of text ``rows`` and a strip of ``images`` (up to six) below."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=PAGE_SIZE)
    figure.text(0.05, 0.93, title, fontsize=26, fontweight="bold", va="top")
    for index, row in enumerate(rows[:24]):
        figure.text(0.05, 0.84 - index * 0.026, _clip(row, 150), fontsize=10, va="top")
    shown = list(images)[:6]
    for index, image in enumerate(shown):
        width = 0.9 / max(1, len(shown))
        axes = figure.add_axes((0.05 + index * width, 0.03, width - 0.01, 0.2))
        axes.imshow(image)
        axes.set_axis_off()
    return figure


def save_png(figure: Figure, path: str | Path) -> None:
    """Write ``figure`` as a PNG at 100 dots per inch to ``path`` (a path the caller's
    :class:`~roughcut.export.files.OutputDir` hands out)."""
    figure.savefig(path, format="png", dpi=100, bbox_inches="tight", pad_inches=0.15)


def grab_frames(path: str | Path, frames: Sequence[int], *, width: int = 320) -> dict[int, np.ndarray]:
    """The pictures (RGB uint8, ``width`` pixels wide) of native frames ``frames`` of the video
    ``path``: one decode from the keyframe before the first wanted frame, seeking again across long
    stretches with nothing wanted."""
    from roughcut.media import read_frames

    wanted = sorted(set(frames))
    out: dict[int, np.ndarray] = {}
    groups: list[list[int]] = []
    for frame in wanted:
        if groups and frame - groups[-1][-1] < 250:
            groups[-1].append(frame)
        else:
            groups.append([frame])
    for group in groups:
        keep = set(group)
        last = None
        for decoded in read_frames(path, width=width, start_frame=group[0], end_frame=group[-1] + 1):
            last = decoded
            if decoded.index in keep:
                out[decoded.index] = decoded.image
        for frame in group:  # past the end: the last frame there is
            if frame not in out and last is not None:
                out[frame] = last.image
    return out
