"""Delivery: a cut's OTIO timeline to every editing system, subtitles, a report and a preview.

The formats are one registry (:mod:`roughcut.export.formats`: name, suffix, label, writer, reader).
:func:`write_all` writes the formats asked for into one output folder, never over a file roughcut
did not make. Timelines go through the OpenTimelineIO adapters (``.otio``, FCP7 XML, FCPXML, CMX3600
EDL, AAF, ALE), each fixed where the adapter writes what an editing system would refuse
(docs/interchange.md); the Kdenlive project (MLT XML), SRT/WebVTT, HTML report and preview MP4 are
roughcut's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roughcut.errors import ConfigError
from roughcut.export.formats import FORMATS, ExportFormat, export_format, export_formats, register_format

if TYPE_CHECKING:
    import opentimelineio as otio

    from roughcut.export.files import OutputDir

#: Each format's file suffix, by name (from :func:`~roughcut.export.formats.export_formats`).
SUFFIXES: dict[str, str] = {name: fmt.suffix for name, fmt in export_formats().items()}


def write_all(
    timeline: otio.schema.Timeline,
    out_dir: str | Path,
    formats: Iterable[str] | None = None,
    *,
    name: str | None = None,
    burn_in: bool = True,
    preview_height: int = 720,
) -> dict[str, Path]:
    """Write ``timeline`` in each of ``formats`` (default: every registered one) into ``out_dir`` as
    ``<name><suffix>``; returns the paths by format. ``name`` defaults to ``scene_<scene>``. A file
    roughcut did not make is never overwritten (:class:`~roughcut.errors.RoughcutError` naming it).
    ``burn_in`` and ``preview_height`` go to the writers that take them (the preview)."""
    from roughcut.export.files import OutputDir

    registry = export_formats()
    names = list(dict.fromkeys(registry if formats is None else formats))
    unknown = [f for f in names if f not in registry]
    if unknown:
        raise ConfigError(f"unknown export format {', '.join(unknown)}; formats: {', '.join(registry)}")
    chosen = [registry[f] for f in names]
    options = {"burn_in": burn_in, "height": preview_height}
    out = OutputDir(out_dir)
    scene = timeline.metadata.get("roughcut", {}).get("scene", "1")
    stem = name or f"scene_{scene}"
    written: dict[str, Path] = {}
    out.check(stem + fmt.suffix for fmt in chosen)  # nothing is written when one name is refused
    for fmt in chosen:
        filename = stem + fmt.suffix
        writer = fmt.load_writer()
        if fmt.into_folder:
            written[fmt.name] = writer(timeline, out, filename)
            continue
        with out.writing(filename) as part:
            writer(timeline, part, **{key: options[key] for key in fmt.options})
        written[fmt.name] = out.path(filename)
    return written


def check_round_trip(timeline: otio.schema.Timeline, paths: dict[str, Path]) -> dict[str, list[str]]:
    """Read every timeline file in ``paths`` back through OTIO; per format, what is not frame-exact
    (picture and sound)."""
    from roughcut.export.adapters import read_back, timeline_rate
    from roughcut.export.verify import differences

    rate = timeline_rate(timeline)
    registry = export_formats()
    report = {}
    for fmt, path in paths.items():
        if fmt not in registry or not registry[fmt].timeline:
            continue
        back = read_back(path, fmt, rate)
        report[fmt] = differences(timeline, back, rate, kinds=("Video", "Audio"))
    return report


_LAZY = {
    "OutputDir": "roughcut.export.files",
    "differences": "roughcut.export.verify",
    "read_back": "roughcut.export.adapters",
}


def __getattr__(name: str) -> Any:
    """The names that need OpenTimelineIO, imported on first use (the registry does not)."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FORMATS",
    "SUFFIXES",
    "ExportFormat",
    "OutputDir",
    "check_round_trip",
    "differences",
    "export_format",
    "export_formats",
    "read_back",
    "register_format",
    "write_all",
]
