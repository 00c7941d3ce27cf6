"""Ingest a project: probe every take and sound file, and match each take with its external sound."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roughcut.errors import MediaError
from roughcut.media.probe import MediaInfo, probe
from roughcut.progress import track
from roughcut.project import Project


@dataclass(frozen=True)
class IngestReport:
    """Probed takes and external audio, one :class:`MediaError` per file that failed, and each take
    grouped with its external sound (:class:`roughcut.audio.sync.SyncGroup`) when there is any."""

    takes: tuple[MediaInfo, ...]
    audio: tuple[MediaInfo, ...]
    errors: tuple[MediaError, ...]
    sync: tuple = ()


def ingest(project: Project, *, sync: bool = True, store: Any = None) -> IngestReport:
    """Probe every take and external audio file; a bad file becomes an error entry, the rest goes on.

    With ``sync`` and external sound files in the project, each take is matched to the sound file
    that recorded it, with the offset and clock drift (cached in ``store``).
    """
    takes: list[MediaInfo] = []
    audio: list[MediaInfo] = []
    errors: list[MediaError] = []
    media = [(p, takes) for p in project.takes] + [(p, audio) for p in project.audio]
    for path, into in track(media, "Probing media"):
        try:
            into.append(probe(path))
        except MediaError as exc:
            errors.append(exc)
    groups: tuple = ()
    if sync and takes and audio:
        from roughcut.audio.sync import group_takes_with_sound

        with_sound = [info.path for info in takes if info.has_audio]
        groups = tuple(group_takes_with_sound(with_sound, [info.path for info in audio], store=store))
    return IngestReport(tuple(takes), tuple(audio), tuple(errors), groups)
