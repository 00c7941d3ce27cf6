"""The one registry of export formats: name, file suffix, label, writer and how it is read back.

Everything that lists formats (``roughcut edit --format``, the editing room's export buttons,
:func:`roughcut.export.write_all`, the round-trip check) reads :func:`export_formats`. This module
imports no OpenTimelineIO, so the CLI can offer the formats without loading it.

Adding a format is one entry: write ``writer(timeline, path, **options) -> Path`` somewhere and
register it, here for a built-in format or from another package::

    from roughcut.export.formats import ExportFormat, register_format

    register_format(ExportFormat("otioz", ".otioz", "OTIOZ bundle", "my_package.bundle:write_otioz"))

Outside packages register theirs from a module named in the ``roughcut.export_formats``
entry-point group (loaded on first use, like the ``roughcut.idioms`` group).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from roughcut.errors import ConfigError

#: Keyword options :func:`roughcut.export.write_all` can pass to a writer that declares them.
WRITER_OPTIONS = ("burn_in", "height")


@dataclass(frozen=True)
class ExportFormat:
    """One export format.

    ``name``: what users type (``--format edl``); ``suffix``: the file's ending after the scene's
    stem (``.fcp7.xml``); ``label``: what the editing room's button says; ``writer``:
    ``"module:function"``, called as ``function(timeline, path, **options)`` and returning the path
    (with ``into_folder``, as ``function(timeline, out_dir, filename)`` for writers that add files
    beside their own, such as the report's thumbnails); ``options``: which of
    :data:`WRITER_OPTIONS` it takes. ``reader``: the OpenTimelineIO adapter that reads the file back
    (``None`` for files that are not timelines); ``timeline``: whether the read-back timeline is
    checked frame-exact against the cut (a log such as the ALE is read but not compared).
    """

    name: str
    suffix: str
    label: str
    writer: str
    reader: str | None = None
    timeline: bool = False
    options: tuple[str, ...] = ()
    into_folder: bool = False

    def load_writer(self) -> Callable[..., Any]:
        """The writer function (its module imported now)."""
        module, _, function = self.writer.partition(":")
        return getattr(importlib.import_module(module), function)


_REGISTRY: dict[str, ExportFormat] = {}


def register_format(fmt: ExportFormat) -> ExportFormat:
    """Add ``fmt`` to the registry (after the built-in ones, in the order registered). A name that
    is taken, or that is not a short lower-case word, is a :class:`ConfigError`."""
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,15}", fmt.name):
        raise ConfigError(f"export format name {fmt.name!r}: use a short lower-case word")
    if fmt.name in _REGISTRY:
        raise ConfigError(f"export format {fmt.name!r} is registered twice")
    unknown = set(fmt.options) - set(WRITER_OPTIONS)
    if unknown:
        raise ConfigError(f"export format {fmt.name!r}: no writer option {', '.join(sorted(unknown))}")
    if ":" not in fmt.writer:
        raise ConfigError(f"export format {fmt.name!r}: writer must be 'module:function'")
    _REGISTRY[fmt.name] = fmt
    return fmt


_ADAPTERS = "roughcut.export.adapters"
for _fmt in (
    ExportFormat("otio", ".otio", "OTIO", f"{_ADAPTERS}:write_otio", "otio_json", True),
    ExportFormat("fcp7", ".fcp7.xml", "FCP7 XML", f"{_ADAPTERS}:write_fcp7", "fcp_xml", True),
    ExportFormat("fcpx", ".fcpxml", "FCPXML", f"{_ADAPTERS}:write_fcpx", "fcpx_xml", True),
    ExportFormat("edl", ".edl", "EDL", f"{_ADAPTERS}:write_edl", "cmx_3600", True),
    ExportFormat("aaf", ".aaf", "AAF", f"{_ADAPTERS}:write_aaf", "AAF", True),
    ExportFormat("ale", ".ale", "ALE", f"{_ADAPTERS}:write_ale", "ale"),
    ExportFormat("kdenlive", ".kdenlive", "Kdenlive", "roughcut.export.mlt:write_mlt"),
    ExportFormat("srt", ".srt", "SRT", "roughcut.export.srt:write_srt"),
    ExportFormat("vtt", ".vtt", "WebVTT", "roughcut.export.srt:write_vtt"),
    ExportFormat("html", ".html", "Report", "roughcut.export.report:write_report", into_folder=True),
    ExportFormat(
        "mp4", ".mp4", "Preview MP4", "roughcut.export.preview:render_preview", options=WRITER_OPTIONS
    ),
):
    register_format(_fmt)

_plugins_loaded = False


def export_formats() -> dict[str, ExportFormat]:
    """Every export format by name, in the order :func:`roughcut.export.write_all` writes them: the
    built-in ones, then those of ``roughcut.export_formats`` entry points."""
    global _plugins_loaded
    if not _plugins_loaded:
        _plugins_loaded = True
        for entry in entry_points(group="roughcut.export_formats"):
            entry.load()
    return _REGISTRY


def export_format(name: str) -> ExportFormat:
    """The format called ``name``; a :class:`ConfigError` listing the formats when there is none."""
    formats = export_formats()
    if name not in formats:
        raise ConfigError(f"unknown export format {name}; formats: {', '.join(formats)}")
    return formats[name]


#: The built-in formats' names, in the order they are written.
FORMATS: tuple[str, ...] = tuple(_REGISTRY)
