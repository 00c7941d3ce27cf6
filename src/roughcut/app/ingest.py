"""Ingest a project: probe every take and sound file, match each take with its external sound, and
group the takes that recorded one performance (multicam angles) by their sound."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roughcut.edit.coverage import SceneCoverage
from roughcut.errors import MediaError
from roughcut.media.probe import MediaInfo, probe
from roughcut.progress import track
from roughcut.project import Project

if TYPE_CHECKING:
    from roughcut.audio.sync import Angle


@dataclass(frozen=True)
class IngestReport:
    """Probed takes and external audio, one :class:`MediaError` per file that failed, and each take
    grouped with its external sound (:class:`roughcut.audio.sync.SyncGroup`) when there is any.
    ``angles`` places every take with sound on the clock of the other angles of its performance
    (:class:`roughcut.audio.sync.Angle`), for :func:`synchronise_angles`."""

    takes: tuple[MediaInfo, ...]
    audio: tuple[MediaInfo, ...]
    errors: tuple[MediaError, ...]
    sync: tuple = ()
    angles: tuple = ()

    def angle_groups(self) -> dict[str, list[Path]]:
        """Groups of two or more takes found to be angles of one performance, by group name."""
        return _groups(self.angles)


def ingest(project: Project, *, sync: bool = True, store: Any = None) -> IngestReport:
    """Probe every take and external audio file; a bad file becomes an error entry, the rest goes on.

    With ``sync`` and external sound files in the project, each take is matched to the sound file
    that recorded it, with the offset and clock drift (cached in ``store``). With ``sync`` and two
    or more takes with sound, the takes are grouped into angles of one performance by their sound
    (:func:`roughcut.audio.sync.group_angles`, cached in ``store``).
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
    angles: tuple = ()
    with_sound = [info.path for info in takes if info.has_audio]
    if sync and with_sound and audio:
        from roughcut.audio.sync import group_takes_with_sound

        groups = tuple(group_takes_with_sound(with_sound, [info.path for info in audio], store=store))
    if sync and len(with_sound) > 1:
        from roughcut.audio.sync import group_angles

        angles = tuple(group_angles(with_sound, store=store))
    return IngestReport(tuple(takes), tuple(audio), tuple(errors), groups, angles)


def _groups(angles: Sequence[Angle]) -> dict[str, list[Path]]:
    members: dict[str, list[Path]] = {}
    for angle in angles:
        if angle.group is not None:
            members.setdefault(angle.group, []).append(Path(angle.take))
    return {name: paths for name, paths in members.items() if len(paths) > 1}


def synchronise_angles(coverage: SceneCoverage, angles: Sequence[Angle]) -> SceneCoverage:
    """``coverage`` with each take that shares its performance with another (by ``angles``, from
    :attr:`IngestReport.angles` or :func:`roughcut.audio.sync.group_angles`) given its
    ``sync_group`` and ``sync_offset_frames``: where its frame 0 falls on the group's clock, the
    sound's offset in exact frames at the take's rate, rounded to the nearest frame. Takes in no
    group, and takes already placed (with a ``sync_group``), are left as they are. This is how the
    sync stage's offsets reach the editor's multicam."""
    by_path = {Path(angle.take).resolve(): angle for angle in angles}
    grouped = {Path(p).resolve() for paths in _groups(angles).values() for p in paths}
    takes = []
    for take in coverage.takes:
        path = Path(take.path).resolve()
        angle = by_path.get(path)
        if angle is None or path not in grouped or take.sync_group is not None:
            takes.append(take)
            continue
        exact = Fraction(angle.offset_s).limit_denominator(1_000_000) * take.frame_rate
        takes.append(replace(take, sync_group=angle.group, sync_offset_frames=round(exact)))
    return replace(coverage, takes=tuple(takes))


def coverage_with_angles(coverage: SceneCoverage, *, store: Any = None) -> SceneCoverage:
    """:func:`synchronise_angles` with the angles of ``coverage``'s takes grouped by their sound
    (cached in ``store``: after ``ingest`` this decodes nothing)."""
    from roughcut.audio.sync import group_angles

    with_sound = [take.path for take in coverage.takes if take.has_audio]
    if len(with_sound) < 2:
        return coverage
    return synchronise_angles(coverage, group_angles(with_sound, store=store))
