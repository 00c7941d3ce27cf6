"""Delivery: a cut's OTIO timeline to every editing system, subtitles, a report and a preview.

:func:`write_all` writes the formats asked for into one output folder, never over a file roughcut
did not make. Timelines go through the OpenTimelineIO adapters (``.otio``, FCP7 XML, FCPXML, CMX3600
EDL, AAF, ALE), each fixed where the adapter writes what an editing system would refuse
(docs/interchange.md); the Kdenlive project (MLT XML), SRT/WebVTT, HTML report and preview MP4 are
roughcut's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import opentimelineio as otio

from roughcut.errors import ConfigError
from roughcut.export.adapters import WRITERS, read_back, timeline_rate
from roughcut.export.files import OutputDir
from roughcut.export.verify import differences

#: Every format :func:`write_all` knows, in the order it writes them.
FORMATS: tuple[str, ...] = (
    "otio",
    "fcp7",
    "fcpx",
    "edl",
    "aaf",
    "ale",
    "kdenlive",
    "srt",
    "vtt",
    "html",
    "mp4",
)
SUFFIXES = {
    **{name: spec[0] for name, spec in WRITERS.items()},
    "kdenlive": ".kdenlive",
    "srt": ".srt",
    "vtt": ".vtt",
    "html": ".html",
    "mp4": ".mp4",
}


def write_all(
    timeline: otio.schema.Timeline,
    out_dir: str | Path,
    formats: Iterable[str] = FORMATS,
    *,
    name: str | None = None,
    burn_in: bool = True,
    preview_height: int = 720,
) -> dict[str, Path]:
    """Write ``timeline`` in each of ``formats`` into ``out_dir`` as ``<name><suffix>``; returns the
    paths by format. ``name`` defaults to ``scene_<scene>``. A file roughcut did not make is never
    overwritten (:class:`~roughcut.errors.RoughcutError` naming it)."""
    formats = list(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in SUFFIXES]
    if unknown:
        raise ConfigError(f"unknown export format {', '.join(unknown)}; formats: {', '.join(FORMATS)}")
    out = OutputDir(out_dir)
    scene = timeline.metadata.get("roughcut", {}).get("scene", "1")
    stem = name or f"scene_{scene}"
    written: dict[str, Path] = {}
    out.check(stem + SUFFIXES[fmt] for fmt in formats)  # nothing is written when one name is refused
    for fmt in formats:
        filename = stem + SUFFIXES[fmt]
        if fmt == "html":
            from roughcut.export.report import write_report

            written[fmt] = write_report(timeline, out, filename)
            continue
        with out.writing(filename) as part:
            if fmt in WRITERS:
                WRITERS[fmt][1](timeline, part)
            elif fmt == "kdenlive":
                from roughcut.export.mlt import write_mlt

                write_mlt(timeline, part)
            elif fmt == "srt":
                from roughcut.export.srt import write_srt

                write_srt(timeline, part)
            elif fmt == "vtt":
                from roughcut.export.srt import write_vtt

                write_vtt(timeline, part)
            elif fmt == "mp4":
                from roughcut.export.preview import render_preview

                render_preview(timeline, part, burn_in=burn_in, height=preview_height)
        written[fmt] = out.path(filename)
    return written


def check_round_trip(timeline: otio.schema.Timeline, paths: dict[str, Path]) -> dict[str, list[str]]:
    """Read every timeline file in ``paths`` back through OTIO; per format, what is not frame-exact
    (picture and sound)."""
    rate = timeline_rate(timeline)
    report = {}
    for fmt, path in paths.items():
        if fmt not in WRITERS or fmt == "ale":
            continue
        back = read_back(path, fmt, rate)
        report[fmt] = differences(timeline, back, rate, kinds=("Video", "Audio"))
    return report


__all__ = ["FORMATS", "OutputDir", "check_round_trip", "differences", "read_back", "write_all"]
