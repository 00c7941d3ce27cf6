"""The editing room's one shared state per project: the scene being edited, the editor's settings
(idiom weights, pace, pins) and the cut they give.

Every browser tab reads and changes the same :class:`EditingRoom`; each change is checked
(:mod:`roughcut.web.requests`), re-solved (:func:`roughcut.app.session.solve`) and, when it works,
bumps :attr:`EditingRoom.version` (tabs poll it) and is saved (:func:`roughcut.app.session.
save_settings`) so a restarted server opens where the editor left off. A change that does not work
raises a :class:`RequestError` and leaves the state as it was. The files it serves and makes are
:mod:`roughcut.web.assets`'; what the page sees is :func:`roughcut.web.view.room_view`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from roughcut.app import synced_sound
from roughcut.app.session import (
    STATE_NAME,
    Settings,
    claim_saved_settings,
    default_settings,
    export_cut,
    exported_before,
    save_settings,
    saved_settings,
    solve,
)
from roughcut.edit import Cut, SceneCoverage, styles_from_config
from roughcut.errors import RoughcutError
from roughcut.project import Project
from roughcut.web.assets import THUMB_WIDTH, RoomFiles
from roughcut.web.coverage import load_scenes
from roughcut.web.requests import NotReady, RequestError, changed_settings
from roughcut.web.view import room_view

log = logging.getLogger(__name__)

#: The editing room's own files, inside the project's output folder.
WEB_FOLDER = ".web"

__all__ = [
    "STATE_NAME",
    "THUMB_WIDTH",
    "WEB_FOLDER",
    "EditingRoom",
    "NotReady",
    "RequestError",
    "Settings",
    "Status",
]


@dataclass(frozen=True)
class Status:
    """Where loading stands: ``state`` is ``"loading"``, ``"ready"`` or ``"error"``; ``stage`` says
    what is being done, ``done`` of ``total`` steps."""

    state: str = "loading"
    stage: str = "Starting"
    done: int = 0
    total: int = 0
    error: str = ""


class EditingRoom:
    """One project's shared editing state. Build it, then :meth:`load` (slow: reads the takes and
    makes thumbnails) before asking for the cut."""

    def __init__(self, project_dir: str | Path) -> None:
        self.project = Project.open(project_dir)
        self.root = self.project.root
        self.output_dir = self.project.output_dir.resolve()
        self.styles = styles_from_config(self.project.config)
        self.status = Status()
        self.version = 0
        self.scenes: Any = None  # roughcut.app.analyze.ProjectScenes, found when loading
        self.sound: dict = {}  # take name -> SyncedSound, of the scene being edited
        self.coverage: SceneCoverage | None = None
        self.settings = Settings()
        self.cut: Cut | None = None
        self.exports: dict[str, str] = {}
        self.files = RoomFiles(self.root, self.output_dir)
        self._keys: dict[str, int] = {}  # take name -> its number among every scene's takes
        self._lock = threading.RLock()
        self._files_lock = self.files.lock

    @property
    def proxies(self) -> dict[int, Path]:
        """Browser proxies of the scene's takes a browser cannot play, by take number."""
        if self.coverage is None:
            return {}
        made = self.files.proxies
        return {
            index: made[self._keys[take.name]]
            for index, take in enumerate(self.coverage.takes)
            if self._keys.get(take.name) in made
        }

    # ------------------------------------------------------------------------------------------
    # Loading

    def load(self) -> None:
        """Read every scene's coverage, open the saved scene (or the first with coverage), make its
        thumbnails, restore the saved settings and solve. Failures end in ``status.state ==
        "error"`` with the message, never an exception."""
        try:
            scenes = load_scenes(self.root, progress=self._progress)
            covered = scenes.covered()
            if not covered:
                raise RoughcutError(f"{self.root}: no scene has coverage; " + "; ".join(scenes.notes))
            for coverage in covered:
                self.files.check_takes(coverage)
            self.scenes = scenes
            for coverage in covered:
                for take in coverage.takes:
                    self._keys.setdefault(take.name, len(self._keys))
            claim_saved_settings(self.output_dir)
            saved = saved_settings(self.output_dir)
            numbers = [c.scene for c in covered]
            scene = saved[1] if saved and saved[1] in numbers else numbers[0]
            self._open_scene(scene)
            self._make_thumbnails()
            settings = self._restored(saved[0]) if saved else None
            settings = settings or self._defaults()
            with self._lock:
                self.settings = settings
                self.cut = self._solve(settings)
                self.version += 1
            self.status = Status("ready", "Ready", 1, 1)
        except RoughcutError as exc:
            self.status = Status("error", "Could not open the project", error=str(exc))
        except Exception as exc:  # a bug: say so on the page, keep the server up
            log.exception("editing room: loading %s failed", self.root)
            self.status = Status("error", "Could not open the project", error=f"{type(exc).__name__}: {exc}")

    def _open_scene(self, number: str) -> None:
        """Make scene ``number`` the one edited: its coverage, synced sound, proxies and exports."""
        entry = self.scenes.scene(number)
        coverage = entry.coverage
        self._progress("Syncing external sound", 0, 1)
        sound = synced_sound(self.project, coverage)
        self.files.make_proxies(((self._keys[t.name], t) for t in coverage.takes), self._progress)
        self.coverage, self.sound = coverage, sound
        self.exports = exported_before(self.output_dir, coverage.scene)

    def _progress(self, stage: str, done: int, total: int) -> None:
        self.status = Status("loading", stage, done, total)

    def _defaults(self) -> Settings:
        try:
            settings = default_settings(self.project, self.styles)
        except RequestError:
            raise
        except RoughcutError as exc:
            raise RequestError(str(exc)) from None
        self._solve(settings)  # a bad roughcut.toml is said here, as the load error
        return settings

    def _restored(self, settings: Settings) -> Settings | None:
        try:
            self._solve(settings)
            return settings
        except RoughcutError as exc:
            log.warning("%s: saved editing state not used (%s)", self.output_dir / STATE_NAME, exc)
            return None

    # ------------------------------------------------------------------------------------------
    # Changes

    def _ready(self) -> tuple[SceneCoverage, Cut]:
        if self.status.state != "ready" or self.coverage is None or self.cut is None:
            raise NotReady(self.status.error or f"still loading the project: {self.status.stage}")
        return self.coverage, self.cut

    def _solve(self, settings: Settings) -> Cut:
        assert self.coverage is not None
        try:
            return solve(self.coverage, settings, self.styles)
        except RequestError:
            raise
        except RoughcutError as exc:
            raise RequestError(str(exc)) from None

    def _commit(self, settings: Settings) -> dict[str, Any]:
        cut = self._solve(settings)
        self.settings, self.cut = settings, cut
        self.version += 1
        self._save()
        return self.snapshot()

    def _save(self) -> None:
        try:
            save_settings(
                self.output_dir, self.settings, scene=self.coverage.scene if self.coverage else None
            )
        except RequestError:
            raise
        except RoughcutError as exc:
            raise RequestError(str(exc)) from None

    def change(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """Apply a settings change and re-solve (:func:`roughcut.web.requests.changed_settings`
        says what ``request`` may hold). Returns the new :meth:`snapshot`."""
        with self._lock:
            if isinstance(request, Mapping):
                self._ready()
            settings = changed_settings(self.settings, request, self.styles, self._solve)
            return self._commit(settings)

    def pin(self, line_id: Any, take: Any) -> dict[str, Any]:
        """Pin ``take`` on line ``line_id`` (``take=None`` unpins); the rest is re-solved around it."""
        with self._lock:
            coverage, _ = self._ready()
            if not isinstance(line_id, str) or line_id not in {line.id for line in coverage.lines}:
                raise RequestError(f"no line {line_id!r} in scene {coverage.scene}", 404)
            pins = dict(self.settings.pins)
            if take is None:
                pins.pop(line_id, None)
            else:
                if not isinstance(take, str) or take not in {t.name for t in coverage.takes}:
                    raise RequestError(
                        f"no take {take!r}; takes: {', '.join(t.name for t in coverage.takes)}", 404
                    )
                if coverage.get(line_id, take) is None:
                    raise RequestError(f"take {take!r} does not hold line {line_id}")
                pins[line_id] = take
            return self._commit(replace(self.settings, pins=pins))

    def reset(self) -> dict[str, Any]:
        """Back to the project's defaults (style, weights and pace from ``roughcut.toml``), no pins."""
        with self._lock:
            self._ready()
            return self._commit(self._defaults())

    def choose_scene(self, number: Any) -> dict[str, Any]:
        """Edit scene ``number`` (as in the script) instead, with the same settings; pins stay with
        their lines. Returns the new :meth:`snapshot`."""
        with self._lock:
            self._ready()
            if not isinstance(number, str | int) or isinstance(number, bool):
                raise RequestError('scene must be a scene\'s number, such as "2"')
            try:
                entry = self.scenes.scene(str(number))
            except RoughcutError as exc:
                raise RequestError(str(exc), 404) from None
            if entry.coverage is None:
                raise RequestError(entry.note or f"{entry.label}: no take covers it")
            before = (self.coverage, self.sound, self.exports)
            try:
                self._open_scene(entry.number)  # tabs polling the status see its progress
                self.status = Status("ready", "Ready", 1, 1)
                return self._commit(self.settings)
            except RoughcutError:
                self.coverage, self.sound, self.exports = before
                raise
            finally:
                self.status = Status("ready", "Ready", 1, 1)

    # ------------------------------------------------------------------------------------------
    # Export

    def export(self, formats: Any) -> dict[str, Any]:
        """Write the current cut in ``formats`` (names from :data:`roughcut.export.FORMATS`) into the
        project's output folder; returns ``{"files": [{format, name, url}]}``."""
        from roughcut.export import FORMATS

        if isinstance(formats, str):
            formats = [formats]
        if not isinstance(formats, list) or not formats or not all(isinstance(f, str) for f in formats):
            raise RequestError(f"formats must be a list of format names from {', '.join(FORMATS)}")
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            raise RequestError(f"unknown export format {', '.join(unknown)}; formats: {', '.join(FORMATS)}")
        with self._lock:
            coverage, cut = self._ready()
            sound = self.sound
        with self._files_lock:
            try:
                written = export_cut(cut, coverage, self.output_dir, formats, sound=sound)
            except RoughcutError as exc:
                raise RequestError(str(exc)) from None
        with self._lock:
            if self.coverage is coverage:
                self.exports.update(written)
        return {"files": [{"format": f, "name": n, "url": f"/files/{n}"} for f, n in written.items()]}

    # ------------------------------------------------------------------------------------------
    # Files: only the project's takes and what roughcut made in the output folder

    def take_path(self, index: int) -> Path:
        """The file of take number ``index`` (as listed in the state)."""
        coverage, _ = self._ready()
        if not 0 <= index < len(coverage.takes):
            raise RequestError(f"no take number {index}", 404)
        take = coverage.takes[index]
        return self.files.take_file(take, self._keys[take.name], index)

    def output_file(self, name: str) -> Path:
        """A file roughcut made in the output folder, by its name relative to that folder; anything
        else (``..``, absolute paths, links leading out, files the user put there) is refused."""
        return self.files.output_file(name)

    def thumb_frame(self, take_index: int, line_id: str | None) -> int:
        """The frame a thumbnail shows: the middle of the line's speech in the take, or of the take."""
        coverage = self.coverage
        if coverage is None or not 0 <= take_index < len(coverage.takes):
            raise RequestError(f"no take number {take_index}", 404)
        take = coverage.takes[take_index]
        if line_id is None:
            return take.duration_frames // 2
        held = coverage.get(line_id, take.name)
        if held is None:
            raise RequestError(f"take {take.name!r} does not hold line {line_id!r}", 404)
        return (held.start_frame + held.end_frame) // 2

    def thumbnail(self, take_index: int, line_id: str | None) -> Path:
        """The JPEG thumbnail of a take at a line (or the take's middle), made on first use."""
        coverage = self.coverage
        if coverage is None:
            raise NotReady(self.status.error or f"still loading the project: {self.status.stage}")
        frame = self.thumb_frame(take_index, line_id)
        take = coverage.takes[take_index]
        return self.files.thumbnail(take, self._keys[take.name], frame)

    def _make_thumbnails(self) -> None:
        """A thumbnail per take of the scene, and per take per line it holds."""
        coverage = self.coverage
        assert coverage is not None
        jobs = []
        for index, take in enumerate(coverage.takes):
            jobs.append((index, None))
            jobs.extend((index, line.id) for line in coverage.lines if coverage.get(line.id, take.name))
        self.files.make_thumbnails(
            [lambda job=job: self.thumbnail(*job) for job in jobs], lambda *step: self._progress(*step)
        )

    # ------------------------------------------------------------------------------------------
    # The state as the page sees it

    def status_json(self) -> dict[str, Any]:
        return {**asdict(self.status), "version": self.version}

    def scene_list(self) -> list[dict[str, Any]]:
        """Every dialogue scene of the project: number, heading, lines, takes, whether it has
        coverage (and why not)."""
        if self.scenes is None:
            return []
        return [
            {
                "number": entry.number,
                "heading": entry.heading,
                "lines": entry.lines,
                "takes": len(entry.takes),
                "covered": entry.coverage is not None,
                "note": entry.note,
            }
            for entry in self.scenes.scenes
        ]

    def snapshot(self) -> dict[str, Any]:
        """Everything the page shows, as JSON-ready data (frames at the timeline rate)."""
        with self._lock:
            coverage, cut = self._ready()
            settings, version, exports = self.settings, self.version, dict(self.exports)
            proxied = set(self.proxies)
        return room_view(
            project_name=self.root.name,
            version=version,
            coverage=coverage,
            cut=cut,
            settings=settings,
            styles=self.styles,
            proxied=proxied,
            exports=exports,
            scenes=self.scene_list(),
        )
