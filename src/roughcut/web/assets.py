"""The files the editing room serves and makes: only the project's takes, the files roughcut made
in its output folder, thumbnails (``<output>/.web/thumbs``) and browser proxies of takes a browser
cannot play (``<output>/.web/proxies``).

A take's file names carry its ``key``: its number among every take the room has shown (so the
takes of two scenes never share a thumbnail), then its file name made safe.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

from roughcut.app.session import SESSION_FOLDER
from roughcut.edit import SceneCoverage
from roughcut.edit.coverage import TakeInfo
from roughcut.errors import RoughcutError
from roughcut.export.files import OutputDir, made_files
from roughcut.web.requests import RequestError

log = logging.getLogger(__name__)

#: Width in pixels of the thumbnails on the page.
THUMB_WIDTH = 240
#: ``progress(stage, done, total)``.
Progress = Callable[[str, int, int], None]


def safe_stem(stem: str) -> str:
    """``stem`` with anything but letters, digits, ``-`` and ``_`` made ``_`` (for file names)."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in stem)


def laid_inside(path: Path, root: Path) -> bool:
    """``path`` is below ``root`` by its name alone (``..`` folded, links not followed)."""
    folded = Path(os.path.normpath(path.absolute()))
    return folded.is_relative_to(Path(os.path.normpath(root.absolute())))


def resolves_inside(path: Path, root: Path) -> bool:
    """``path``, links followed, is below ``root`` (links followed)."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


class RoomFiles:
    """The room's files for the project at ``root`` whose output folder is ``output_dir``."""

    def __init__(self, root: Path, output_dir: Path) -> None:
        self.root = root
        self.output_dir = output_dir
        #: Browser proxies by take key.
        self.proxies: dict[int, Path] = {}
        #: Held while an export writes its files.
        self.lock = threading.Lock()

    def made(self) -> set[str]:
        """Names (relative to the output folder) of the files roughcut made there."""
        return set(made_files(self.output_dir))

    def check_takes(self, coverage: SceneCoverage) -> None:
        """Every take must lie in the project folder as laid out (a linked media folder inside it
        counts, as it does for :meth:`roughcut.project.Project.open`)."""
        for take in coverage.takes:
            if not laid_inside(take.path, self.root):
                raise RoughcutError(f"{take.path}: take lies outside the project folder {self.root}")

    def take_file(self, take: TakeInfo, key: int, index: int) -> Path:
        """The file the player gets for ``take`` (number ``index`` on the page): its proxy, or the
        take itself when it lies in the project folder."""
        if key in self.proxies:
            return self.proxies[key]
        if not laid_inside(take.path, self.root) or not take.path.is_file():
            raise RequestError(f"take number {index} is not a file inside the project", 404)
        return take.path

    def output_file(self, name: str) -> Path:
        """A file roughcut made in the output folder, by its name relative to that folder; anything
        else (``..``, absolute paths, links leading out, files the user put there) is refused."""
        parts = name.split("/")
        if not name or name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts):
            raise RequestError(f"refused path {name!r}", 403)
        path = self.output_dir / name
        if not resolves_inside(path, self.output_dir):
            raise RequestError(f"refused path {name!r}: outside the output folder", 403)
        if name not in self.made() or not path.is_file():
            raise RequestError(f"no file {name!r} made by roughcut in the output folder", 404)
        return path.resolve()

    # ------------------------------------------------------------------------------------------
    # Thumbnails

    def thumbnail(self, take: TakeInfo, key: int, frame: int) -> Path:
        """The JPEG thumbnail of ``take`` at ``frame`` (at the take's rate), made on first use."""
        from roughcut.media import save_image, thumbnail

        name = f"{SESSION_FOLDER}/thumbs/{key:03d}_{safe_stem(take.path.stem)}_{frame}_{THUMB_WIDTH}.jpg"
        path = self.output_dir / name
        if path.is_file() and name in self.made():
            return path
        image = thumbnail(take.path, seconds=Fraction(frame) / take.frame_rate, width=THUMB_WIDTH)
        out = OutputDir(self.output_dir)
        with out.writing(name) as part:
            save_image(image, part)
        return out.path(name)

    def make_thumbnails(self, jobs: list[Callable[[], object]], progress: Progress) -> None:
        """Run the thumbnail ``jobs`` on four threads, telling ``progress`` of each one done."""
        stage = "Making thumbnails"
        progress(stage, 0, len(jobs))
        done = 0
        counting = threading.Lock()

        def make(job: Callable[[], object]) -> None:
            nonlocal done
            job()
            with counting:
                done += 1
                progress(stage, done, len(jobs))

        with ThreadPoolExecutor(max_workers=4) as pool:
            for _ in pool.map(make, jobs):
                pass

    # ------------------------------------------------------------------------------------------
    # Proxies

    def make_proxies(self, takes: Iterable[tuple[int, TakeInfo]], progress: Progress) -> None:
        """H.264 proxies of the ``(key, take)`` a browser cannot play (kept while newer than their
        take); a take that cannot be made one is said in the log and left without."""
        from roughcut.errors import MediaError
        from roughcut.media import probe
        from roughcut.web.proxy import make_proxy, needs_proxy

        stage = "Making browser proxies"
        wanted = []
        for key, take in takes:
            if key in self.proxies:
                continue
            try:
                if needs_proxy(probe(take.path)):
                    wanted.append((key, take))
            except MediaError as exc:
                log.warning("%s", exc)
        for done, (key, take) in enumerate(wanted):
            progress(stage, done, len(wanted))
            name = f"{SESSION_FOLDER}/proxies/{key:03d}_{safe_stem(take.path.stem)}.mp4"
            path = self.output_dir / name
            fresh = (
                path.is_file() and name in self.made() and path.stat().st_mtime >= take.path.stat().st_mtime
            )
            if not fresh:
                try:
                    with OutputDir(self.output_dir).writing(name) as part:
                        make_proxy(take, part)
                except MediaError as exc:  # the page says the take cannot play; the rest goes on
                    log.warning("%s", exc)
                    continue
            self.proxies[key] = path.resolve()
        if wanted:
            progress(stage, len(wanted), len(wanted))
