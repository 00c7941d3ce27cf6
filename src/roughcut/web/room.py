"""The editing room's one shared state per project: idiom weights, pace, pins, and the cut they give.

Every browser tab reads and changes the same :class:`EditingRoom`; each change is checked, re-solved
by :func:`roughcut.edit.edit_scene` and, when it works, bumps :attr:`EditingRoom.version` (tabs poll
it) and is saved to ``<output>/.web/state.json`` so a restarted server opens where the editor left
off. A change that does not work raises a :class:`RequestError` and leaves the state as it was.
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from roughcut.app import deliver, synced_sound
from roughcut.edit import Cut, SceneCoverage, edit_scene, registry, styles_from_config, to_timeline
from roughcut.edit.pacing import PACES
from roughcut.edit.styles import check_weight
from roughcut.errors import RoughcutError
from roughcut.export.files import OutputDir, made_files
from roughcut.project import Project
from roughcut.web.coverage import load_coverage

log = logging.getLogger(__name__)

#: Width in pixels of the thumbnails on the page.
THUMB_WIDTH = 240
#: The editing room's own files, inside the project's output folder.
WEB_FOLDER = ".web"
STATE_NAME = f"{WEB_FOLDER}/state.json"


class RequestError(RoughcutError):
    """A request the editing room cannot do; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class NotReady(RequestError):
    """The project is still being read (or failed to load)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, 503)


@dataclass(frozen=True)
class Settings:
    """What the editor chose: a style, every idiom's weight, idiom parameters, the pace (a name or a
    pause scale), pinned takes (``line id → take name``) and J/L cut lengths in frames."""

    style: str = "default"
    weights: Mapping[str, float] = field(default_factory=dict)
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    pace: str | float = "normal"
    pins: Mapping[str, str] = field(default_factory=dict)
    j_cut_frames: int = 0
    l_cut_frames: int = 0


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
        self.sound: dict = {}  # take name -> SyncedSound, found when loading
        self.coverage: SceneCoverage | None = None
        self.settings = Settings()
        self.cut: Cut | None = None
        self.exports: dict[str, str] = {}
        #: Browser proxies of takes a browser cannot play, by take number.
        self.proxies: dict[int, Path] = {}
        self._lock = threading.RLock()
        self._files_lock = threading.Lock()

    # ------------------------------------------------------------------------------------------
    # Loading

    def load(self) -> None:
        """Read the coverage, make the thumbnails, restore the saved state and solve. Failures end in
        ``status.state == "error"`` with the message, never an exception."""
        try:
            coverage = load_coverage(self.root, progress=self._progress)
            self._check_takes(coverage)
            self.coverage = coverage
            self._progress("Syncing external sound", 0, 1)
            self.sound = synced_sound(self.project, coverage)
            self._claim_state()
            self._make_proxies()
            self._make_thumbnails()
            self._find_exports()
            settings = self._restored() or self._defaults()
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

    def _claim_state(self) -> None:
        """Make sure the room can save its state before anything runs. A state file roughcut did
        not write (or that changed since) is not read nor overwritten: it is renamed aside."""
        out = OutputDir(self.output_dir)
        try:
            out.check([STATE_NAME])
        except RoughcutError as exc:
            path = out.path(STATE_NAME)
            if path.is_symlink() or not path.is_file() or path.parent.is_symlink():
                raise
            aside = path.with_name(f"state.unused-{time.strftime('%Y%m%d-%H%M%S')}.json")
            path.rename(aside)
            log.warning("%s: saved editing state not used (%s); kept as %s", path, exc, aside.name)

    def _progress(self, stage: str, done: int, total: int) -> None:
        self.status = Status("loading", stage, done, total)

    def _find_exports(self) -> None:
        """The scene's files written before (by this room or ``roughcut edit``), by format."""
        from roughcut.export import FORMATS, SUFFIXES

        assert self.coverage is not None
        made = self._made()
        for fmt in FORMATS:
            name = f"scene_{self.coverage.scene}{SUFFIXES[fmt]}"
            if name in made and (self.output_dir / name).is_file():
                self.exports[fmt] = name

    def _check_takes(self, coverage: SceneCoverage) -> None:
        """Every take must lie in the project folder as laid out (a linked media folder inside it
        counts, as it does for :meth:`Project.open`)."""
        for take in coverage.takes:
            if not self._laid_inside(take.path, self.root):
                raise RoughcutError(f"{take.path}: take lies outside the project folder {self.root}")

    def _defaults(self) -> Settings:
        config = self.project.config.edit  # roughcut.config.EDIT_DEFAULTS where roughcut.toml says nothing
        settings = Settings(
            style=config.style,
            weights=self._style_weights(config.style, config.idioms),
            params=self._style_params(config.style),
            pace=config.pace,
        )
        self._solve(settings)  # a bad roughcut.toml is said here, as the load error
        return settings

    def _style_weights(self, style: str, over: Mapping[str, Any] | None = None) -> dict[str, float]:
        if style not in self.styles:
            raise RequestError(f"unknown style {style!r}; styles: {', '.join(self.styles)}")
        weights = dict.fromkeys(registry(), 0.0)
        weights.update(self.styles[style].weights)
        for name, value in (over or {}).items():
            weights[name] = _number(value, f"weight of idiom {name!r}")
        return weights

    def _style_params(self, style: str) -> dict[str, dict[str, Any]]:
        return {k: dict(v) for k, v in self.styles[style].params.items()}

    def _restored(self) -> Settings | None:
        path = self.output_dir / STATE_NAME
        if not path.is_file():
            return None
        try:
            saved = json.loads(path.read_text(encoding="utf-8"), parse_constant=_not_a_number)
            settings = Settings(
                style=saved["style"],
                weights={k: float(v) for k, v in saved["weights"].items()},
                params=saved.get("params", {}),
                pace=saved.get("pace", "normal"),
                pins=dict(saved.get("pins", {})),
                j_cut_frames=int(saved.get("j_cut_frames", 0)),
                l_cut_frames=int(saved.get("l_cut_frames", 0)),
            )
            self._solve(settings)
            return settings
        except (ValueError, KeyError, TypeError, AttributeError, RoughcutError) as exc:
            log.warning("%s: saved editing state not used (%s)", path, exc)
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
            return edit_scene(
                self.coverage,
                style=settings.style,
                weights=settings.weights,
                params=settings.params,
                pins=settings.pins,
                pace=settings.pace,
                j_cut_frames=settings.j_cut_frames,
                l_cut_frames=settings.l_cut_frames,
                styles=self.styles,
            )
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

    def change(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """Apply a settings change and re-solve. ``request`` may hold ``style`` (resets weights and
        parameters to the style's), ``weights`` (``idiom → number``), ``params``
        (``idiom → {param: value}``), ``pace`` (name or pause scale), ``j_cut_frames``,
        ``l_cut_frames``. Returns the new :meth:`snapshot`."""
        if not isinstance(request, Mapping):
            raise RequestError("the request body must be a JSON object")
        known = {"style", "weights", "params", "pace", "j_cut_frames", "l_cut_frames"}
        unknown = set(request) - known
        if unknown:
            raise RequestError(
                f"unknown setting {', '.join(sorted(unknown))}; settings: {', '.join(sorted(known))}"
            )
        with self._lock:
            self._ready()
            settings = self.settings
            if "style" in request:
                style = request["style"]
                if not isinstance(style, str):
                    raise RequestError("style must be a style's name")
                settings = replace(
                    settings,
                    style=style,
                    weights=self._style_weights(style),
                    params=self._style_params(style),
                )
            if "weights" in request:
                weights = request["weights"]
                if not isinstance(weights, Mapping):
                    raise RequestError("weights must be an object of idiom → number")
                merged = dict(settings.weights)
                for name, value in weights.items():
                    merged[name] = check_weight(name, _number(value, f"weight of idiom {name!r}"))
                settings = replace(settings, weights=merged)
            if "params" in request:
                params = request["params"]
                if not isinstance(params, Mapping) or not all(
                    isinstance(v, Mapping) for v in params.values()
                ):
                    raise RequestError("params must be an object of idiom → {parameter: value}")
                merged_params = {k: dict(v) for k, v in settings.params.items()}
                for name, values in params.items():
                    merged_params.setdefault(name, {}).update(
                        {key: _param(name, key, value) for key, value in values.items()}
                    )
                settings = replace(settings, params=merged_params)
                # An idiom's parameters are checked when it counts; check them now even at weight 0.
                trial = {name: max(1.0, settings.weights.get(name, 0.0)) for name in params}
                self._solve(replace(settings, weights={**settings.weights, **trial}))
            if "pace" in request:
                pace = request["pace"]
                if (
                    isinstance(pace, bool)
                    or not isinstance(pace, str | int | float)
                    or (not isinstance(pace, str) and not (math.isfinite(pace) and pace > 0))
                ):
                    raise RequestError(f"pace must be {', '.join(PACES)} or a pause scale (got {pace!r})")
                settings = replace(settings, pace=pace if isinstance(pace, str) else float(pace))
            for key in ("j_cut_frames", "l_cut_frames"):
                if key in request:
                    value = request[key]
                    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 240:
                        raise RequestError(
                            f"{key} must be a whole number of frames, 0 to 240 (got {value!r})"
                        )
                    settings = replace(settings, **{key: value})
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

    def _save(self) -> None:
        settings = asdict(self.settings)
        settings["weights"] = dict(self.settings.weights)
        settings["pins"] = dict(self.settings.pins)
        try:
            text = json.dumps(settings, indent=1, sort_keys=True, allow_nan=False)
        except ValueError:  # never reached: every number is checked on the way in
            raise RequestError("a setting is not a finite number; not saved") from None
        OutputDir(self.output_dir).write_text(STATE_NAME, text)

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
            timeline = to_timeline(cut, coverage, sound=self.sound)
        with self._files_lock:
            try:
                written, _ = deliver(timeline, self.output_dir, formats, check=False)
            except RoughcutError as exc:
                raise RequestError(str(exc)) from None
        files = []
        for fmt, path in written.items():
            name = path.resolve().relative_to(self.output_dir).as_posix()
            self.exports[fmt] = name
            files.append({"format": fmt, "name": name, "url": f"/files/{name}"})
        return {"files": files}

    # ------------------------------------------------------------------------------------------
    # Files: only the project's takes and what roughcut made in the output folder

    @staticmethod
    def _laid_inside(path: Path, root: Path) -> bool:
        """``path`` is below ``root`` by its name alone (``..`` folded, links not followed)."""
        folded = Path(os.path.normpath(path.absolute()))
        return folded.is_relative_to(Path(os.path.normpath(root.absolute())))

    @staticmethod
    def _inside(path: Path, root: Path) -> bool:
        try:
            path.resolve().relative_to(root.resolve())
        except ValueError:
            return False
        return True

    def take_path(self, index: int) -> Path:
        """The file of take number ``index`` (as listed in the state)."""
        coverage, _ = self._ready()
        if not 0 <= index < len(coverage.takes):
            raise RequestError(f"no take number {index}", 404)
        if index in self.proxies:
            return self.proxies[index]
        path = coverage.takes[index].path
        if not self._laid_inside(path, self.root) or not path.is_file():
            raise RequestError(f"take number {index} is not a file inside the project", 404)
        return path

    def output_file(self, name: str) -> Path:
        """A file roughcut made in the output folder, by its name relative to that folder; anything
        else (``..``, absolute paths, links leading out, files the user put there) is refused."""
        parts = name.split("/")
        if not name or name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts):
            raise RequestError(f"refused path {name!r}", 403)
        path = self.output_dir / name
        if not self._inside(path, self.output_dir):
            raise RequestError(f"refused path {name!r}: outside the output folder", 403)
        if name not in self._made() or not path.is_file():
            raise RequestError(f"no file {name!r} made by roughcut in the output folder", 404)
        return path.resolve()

    def _made(self) -> set[str]:
        return set(made_files(self.output_dir))

    # ------------------------------------------------------------------------------------------
    # Thumbnails: cached in <output>/.web/thumbs, made once at load

    def _thumb_name(self, take_index: int, frame: int) -> str:
        assert self.coverage is not None
        stem = _safe(self.coverage.takes[take_index].path.stem)
        return f"{WEB_FOLDER}/thumbs/{take_index:03d}_{stem}_{frame}_{THUMB_WIDTH}.jpg"

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
        from roughcut.media import save_image, thumbnail

        if self.coverage is None:
            raise NotReady(self.status.error or f"still loading the project: {self.status.stage}")
        frame = self.thumb_frame(take_index, line_id)
        name = self._thumb_name(take_index, frame)
        path = self.output_dir / name
        if path.is_file() and name in self._made():
            return path
        assert self.coverage is not None
        take = self.coverage.takes[take_index]
        image = thumbnail(take.path, seconds=Fraction(frame) / take.frame_rate, width=THUMB_WIDTH)
        out = OutputDir(self.output_dir)
        with out.writing(name) as part:
            save_image(image, part)
        return out.path(name)

    def _make_proxies(self) -> None:
        """H.264 proxies of the takes a browser cannot play, in ``<output>/.web/proxies`` (kept while
        newer than their take)."""
        from roughcut.errors import MediaError
        from roughcut.media import probe
        from roughcut.web.proxy import make_proxy, needs_proxy

        assert self.coverage is not None
        takes = self.coverage.takes
        stage = "Making browser proxies"
        wanted = []
        for index, take in enumerate(takes):
            try:
                if needs_proxy(probe(take.path)):
                    wanted.append(index)
            except MediaError as exc:
                log.warning("%s", exc)
        for done, index in enumerate(wanted):
            self._progress(stage, done, len(wanted))
            take = takes[index]
            name = f"{WEB_FOLDER}/proxies/{index:03d}_{_safe(take.path.stem)}.mp4"
            path = self.output_dir / name
            fresh = (
                path.is_file() and name in self._made() and path.stat().st_mtime >= take.path.stat().st_mtime
            )
            if not fresh:
                try:
                    with OutputDir(self.output_dir).writing(name) as part:
                        make_proxy(take, part)
                except MediaError as exc:  # the page says the take cannot play; the rest goes on
                    log.warning("%s", exc)
                    continue
            self.proxies[index] = path.resolve()
        if wanted:
            self._progress(stage, len(wanted), len(wanted))

    def _make_thumbnails(self) -> None:
        assert self.coverage is not None
        coverage = self.coverage
        jobs: list[tuple[int, str | None]] = []
        for index, take in enumerate(coverage.takes):
            jobs.append((index, None))
            jobs.extend((index, line.id) for line in coverage.lines if coverage.get(line.id, take.name))
        stage = "Making thumbnails"
        self._progress(stage, 0, len(jobs))
        done = 0

        counting = threading.Lock()

        def make(job: tuple[int, str | None]) -> None:
            nonlocal done
            self.thumbnail(*job)
            with counting:
                done += 1
                self._progress(stage, done, len(jobs))

        with ThreadPoolExecutor(max_workers=4) as pool:
            for _ in pool.map(make, jobs):
                pass

    # ------------------------------------------------------------------------------------------
    # The state as the page sees it

    def status_json(self) -> dict[str, Any]:
        return {**asdict(self.status), "version": self.version}

    def snapshot(self) -> dict[str, Any]:
        """Everything the page shows, as JSON-ready data (frames at the timeline rate)."""
        with self._lock:
            coverage, cut = self._ready()
            settings = self.settings
            version = self.version
        from roughcut.export import FORMATS

        take_index = {t.name: i for i, t in enumerate(coverage.takes)}
        used: dict[str, list[str]] = {}
        for line in cut.lines:
            if line.take:
                used.setdefault(line.take, []).append(line.line_id)

        def thumb(take: str, line_id: str | None = None) -> str:
            query = f"take={take_index[take]}" + (f"&line={line_id}" if line_id else "")
            return f"/media/thumb?{query}"

        lines = []
        for line in cut.lines:
            alternatives = {a.take: a for a in line.alternatives}
            options = []
            for take in coverage.takes:
                if take.name == line.take or coverage.get(line.line_id, take.name) is None:
                    continue
                alt = alternatives.get(take.name)
                options.append(
                    {
                        "take": take.name,
                        "take_index": take_index[take.name],
                        "shot_size": take.shot_size,
                        "margin": _finite(alt.margin) if alt else None,
                        "idiom": alt.idiom if alt else "",
                        "thumb": thumb(take.name, line.line_id),
                    }
                )
            options.sort(key=lambda o: (o["margin"] is None, o["margin"] or 0.0))
            chosen = coverage.take(line.take) if line.take else None
            lines.append(
                {
                    "id": line.line_id,
                    "character": line.character,
                    "text": line.text,
                    "take": line.take,
                    "take_index": take_index.get(line.take) if line.take else None,
                    "shot_size": chosen.shot_size if chosen else None,
                    "thumb": thumb(line.take, line.line_id) if line.take else None,
                    "source_in": line.source_in,
                    "source_out": line.source_out,
                    "record_in": line.record_in,
                    "record_out": line.record_out,
                    "speech_in": line.speech_in,
                    "speech_out": line.speech_out,
                    "cost": _finite(line.cost),
                    "idiom": line.idiom,
                    "idiom_costs": {k: _finite(v) for k, v in line.idiom_costs.items()},
                    "pinned": line.pinned,
                    "reaction": line.reaction.take if line.reaction else None,
                    "options": options,
                }
            )
        takes = []
        for index, take in enumerate(coverage.takes):
            held = [line.id for line in coverage.lines if coverage.get(line.id, take.name)]
            takes.append(
                {
                    "index": index,
                    "name": take.name,
                    "url": f"/media/takes/{index}",
                    "thumb": thumb(take.name),
                    "shot_size": take.shot_size,
                    "people": [
                        {"character": c, "position": take.screen_positions.get(c, "")}
                        for c in take.characters_visible
                    ],
                    "lines": held,
                    "used_for": used.get(take.name, []),
                    "frames": take.duration_frames,
                    "frame_rate": _fraction(take.frame_rate),
                    "fps": float(take.frame_rate),
                    "width": take.width,
                    "height": take.height,
                    "timecode": take.timecode or "",
                    "proxy": index in self.proxies,
                }
            )
        idioms = [
            {
                "name": name,
                "kind": item.kind,
                "description": item.description,
                "weight": settings.weights.get(name, 0.0),
                "params": {**item.params, **settings.params.get(name, {})},
            }
            for name, item in registry().items()
        ]
        clip_fields = (
            "take",
            "source_in",
            "source_out",
            "record_in",
            "record_out",
            "line_id",
            "role",
            "idiom",
        )
        return _json_safe(
            {
                "version": version,
                "project": self.root.name,
                "scene": coverage.scene,
                "characters": list(coverage.all_characters()),
                "settings": {
                    "style": settings.style,
                    "weights": dict(settings.weights),
                    "params": {k: dict(v) for k, v in settings.params.items()},
                    "pace": settings.pace,
                    "pins": dict(settings.pins),
                    "j_cut_frames": settings.j_cut_frames,
                    "l_cut_frames": settings.l_cut_frames,
                },
                "styles": list(self.styles),
                "paces": list(PACES),
                "formats": list(FORMATS),
                "idioms": idioms,
                "cut": {
                    "frame_rate": _fraction(cut.rate),
                    "fps": float(cut.rate),
                    "width": cut.width,
                    "height": cut.height,
                    "cost": _finite(cut.cost),
                    "duration_frames": cut.duration_frames,
                    "duration_seconds": float(Fraction(cut.duration_frames) / cut.rate),
                    "shots": len(cut.shots()),
                    "mean_shot_seconds": cut.mean_shot_seconds(),
                    "pace": asdict(cut.pace),
                    "gaps": list(cut.gaps),
                    "warnings": list(cut.warnings),
                    "lines": lines,
                    "video": [
                        {**{k: getattr(c, k) for k in clip_fields}, "take_index": take_index.get(c.take)}
                        for c in cut.video
                    ],
                    "audio": [
                        {**{k: getattr(c, k) for k in clip_fields}, "take_index": take_index.get(c.take)}
                        for c in cut.audio
                    ],
                },
                "takes": takes,
                "exports": [{"format": f, "name": n, "url": f"/files/{n}"} for f, n in self.exports.items()],
            }
        )


def _safe(stem: str) -> str:
    """``stem`` with anything but letters, digits, ``-`` and ``_`` made ``_`` (for file names)."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in stem)


def _json_safe(value: Any) -> Any:
    """``value`` with every infinite or NaN float (JSON has none) as ``None``."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return value


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RequestError(f"{what} must be a number (got {value!r})")
    return float(value)


def _param(idiom: str, name: str, value: Any) -> Any:
    """An idiom parameter from the page, checked against the type of its default."""
    item = registry().get(idiom)
    if item is None:
        raise RequestError(f"unknown idiom {idiom!r}; idioms: {', '.join(sorted(registry()))}")
    if name not in item.params:
        known = ", ".join(item.params) or "none"
        raise RequestError(f"idiom {idiom!r} has no parameter {name!r}; its parameters: {known}")
    default = item.params[name]
    what = f"parameter {idiom}.{name}"
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise RequestError(f"{what} must be true or false (got {value!r})")
        return value
    if isinstance(default, int | float):
        number = _number(value, what)
        if isinstance(default, int):
            if not number.is_integer():
                raise RequestError(f"{what} must be a whole number (got {value!r})")
            return int(number)
        return number
    if isinstance(default, str) and not isinstance(value, str):
        raise RequestError(f"{what} must be text (got {value!r})")
    return value


def _not_a_number(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _fraction(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"
