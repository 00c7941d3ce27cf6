"""The output folder: the one writer of every file roughcut makes.

Every file roughcut writes goes through :class:`OutputDir`, which

* writes atomically: into a hidden temporary file in the same folder, flushed to disk, then renamed
  over the target (a killed process or a full disk leaves the previous file whole);
* never follows a link: a link (even a dangling one) where a file or folder would go is refused, and
  nothing is ever written outside the folder;
* never overwrites a file it did not make: ``.roughcut-files`` lists each file roughcut made with the
  SHA-256 of what it wrote, so a file of the user's, or one the user changed or saved under a name
  roughcut once used, is recognised and refused;
* updates that list under a lock (``.roughcut-files.lock``), so two processes writing into one folder
  at once (``roughcut edit`` while the editing room exports) both keep their names.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import stat
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath

from roughcut.errors import RoughcutError

try:  # POSIX; elsewhere the lock is per process only
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

MANIFEST = ".roughcut-files"
LOCK = ".roughcut-files.lock"
#: The list the script commands kept before they wrote through this module (names only).
LEGACY_MANIFEST = ".roughcut-made"
_FORMAT = 2
_PART = ".rc-part-"
#: A part file untouched this long (seconds) was left by a killed writer and is removed.
STALE_PART_S = 3600.0
_thread_lock = threading.Lock()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def shown_name(path: str | Path) -> str:
    """The name a user knows ``path`` by: a part file being written (``.scene_1.rc-part-1a2b.mp4``)
    shows as the file it becomes (``scene_1.mp4``); any other name as it is."""
    name = Path(path).name
    if name.startswith(".") and _PART in name:
        stem, _, rest = name[1:].partition(_PART)
        return stem + Path(rest).suffix
    return name


def made_files(root: str | Path) -> dict[str, str | None]:
    """The files roughcut made in the output folder ``root``: name → SHA-256 of what it wrote
    (``None`` for a name listed by an older roughcut, which kept names only). Empty when there is no
    list or it cannot be read."""
    root = Path(root)
    made: dict[str, str | None] = {}
    legacy = root / LEGACY_MANIFEST
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if legacy.is_file() and not legacy.is_symlink():
            made.update(dict.fromkeys(n for n in legacy.read_text(encoding="utf-8").split("\n") if n))
    manifest = root / MANIFEST
    try:
        if manifest.is_symlink():
            return made
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return made
    if isinstance(data, list):  # roughcut before 0.2: names only
        made.update(dict.fromkeys(n for n in data if isinstance(n, str)))
    elif isinstance(data, dict) and isinstance(data.get("files"), dict):
        made.update(
            {n: h if isinstance(h, str) else None for n, h in data["files"].items() if isinstance(n, str)}
        )
    return made


class OutputDir:
    """An output folder and what roughcut made in it. Write with :meth:`write_text`,
    :meth:`write_bytes` or :meth:`writing` (for writers that take a path)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        if self.root.is_symlink() and not self.root.exists():
            raise RoughcutError(f"{self.root}: output folder is a dangling link; not followed")
        if self.root.exists() and not self.root.is_dir():
            raise RoughcutError(f"{self.root}: exists and is not a folder")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RoughcutError(f"{self.root}: cannot make the output folder ({exc.strerror})") from None
        manifest = self.root / MANIFEST
        if manifest.is_symlink() or (manifest.exists() and not manifest.is_file()):
            raise RoughcutError(f"{manifest}: not a plain file; roughcut's list of files is not followed")
        if manifest.is_file():
            try:
                json.loads(manifest.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                raise RoughcutError(
                    f"{manifest}: unreadable list of the files roughcut made; move it aside (roughcut "
                    "then treats every file already in the folder as yours and writes only new names)"
                ) from None

        self._sweep_parts()

    def _sweep_parts(self) -> None:
        """Remove what a killed writer left: its hidden part files, untouched for an hour."""
        now = time.time()
        for folder, dirs, names in os.walk(self.root):  # links to folders are not followed
            dirs[:] = [d for d in dirs if not (Path(folder) / d).is_symlink()]
            for name in names:
                if name.startswith(".") and _PART in name:
                    path = Path(folder) / name
                    with contextlib.suppress(OSError):
                        if not path.is_symlink() and now - path.lstat().st_mtime > STALE_PART_S:
                            path.unlink()

    # ------------------------------------------------------------------------------------------
    # What is there

    def made(self) -> dict[str, str | None]:
        """Name → SHA-256 of every file roughcut made here (see :func:`made_files`)."""
        return made_files(self.root)

    def path(self, name: str) -> Path:
        """The path of ``name`` (a relative name with ``/`` between folders) inside the folder; a
        name that would lead out of it is refused."""
        parts = PurePosixPath(name).parts
        if (
            not name
            or "\\" in name
            or "\x00" in name
            or name.startswith("/")
            or name.endswith("/")
            or any(p in (".", "..") for p in parts)
            or name.split("/")[-1] in (MANIFEST, LOCK, LEGACY_MANIFEST)
            or _PART in name
        ):
            raise RoughcutError(f"{self.root}: refused output name {name!r}")
        return self.root.joinpath(*parts)

    def check(self, names: Iterable[str]) -> None:
        """Raise :class:`RoughcutError` naming the first of ``names`` that roughcut may not write:
        a file it did not make (or that changed since), a link, or a folder."""
        made = self.made()
        for name in names:
            self._check_one(name, made)

    def _check_one(self, name: str, made: Mapping[str, str | None], *, overwrite: bool = False) -> Path:
        path = self.path(name)
        folder = self.root
        for part in PurePosixPath(name).parts[:-1]:
            folder = folder / part
            if folder.is_symlink():
                raise RoughcutError(f"{folder}: is a link; roughcut does not write through links")
            if folder.exists() and not folder.is_dir():
                raise RoughcutError(f"{folder}: exists and is not a folder")
        try:
            info = path.lstat()
        except FileNotFoundError:
            return path
        if stat.S_ISLNK(info.st_mode):
            raise RoughcutError(f"{path}: is a link; roughcut does not write through links")
        if not stat.S_ISREG(info.st_mode):
            raise RoughcutError(f"{path}: exists and is not a plain file; not overwritten")
        if overwrite:  # the user said so (``--force``): any plain file, still never through a link
            return path
        if name not in made:
            raise RoughcutError(f"{path}: exists and was not made by roughcut; not overwritten")
        recorded = made[name]
        if recorded is not None and recorded != _sha256(path):
            raise RoughcutError(
                f"{path}: changed since roughcut wrote it, so it is yours now; not overwritten "
                "(move or delete it to let roughcut write it again)"
            )
        return path

    # ------------------------------------------------------------------------------------------
    # Writing

    @contextlib.contextmanager
    def writing(self, name: str, *, overwrite: bool = False) -> Iterator[Path]:
        """``with out.writing("scene_1.aaf") as part: write(part)``: yields a new hidden file in the
        target's folder with the same suffix; when the block ends without an error the file replaces
        ``name`` atomically and is recorded. On an error the previous file stays as it was.
        ``overwrite`` (the user's ``--force``) lets it replace a plain file roughcut did not make."""
        path = self._check_one(name, self.made(), overwrite=overwrite)
        self._make_folders(name)
        part = path.with_name(f".{path.stem}{_PART}{secrets.token_hex(4)}{path.suffix}")
        try:
            fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
            os.close(fd)
        except OSError as exc:
            raise RoughcutError(f"{path}: cannot write ({exc.strerror})") from None
        try:
            yield part
            self._commit(name, path, part, overwrite)
        except OSError as exc:
            raise RoughcutError(
                f"{path}: cannot write ({exc.strerror or exc}); the previous file is kept"
            ) from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                part.unlink()

    def write_bytes(self, name: str, data: bytes) -> Path:
        """Write ``data`` as ``name`` (atomically, see :meth:`writing`); returns its path."""
        with self.writing(name) as part:
            part.write_bytes(data)
        return self.path(name)

    def write_text(self, name: str, text: str) -> Path:
        """Write ``text`` (UTF-8) as ``name`` (atomically, see :meth:`writing`); returns its path."""
        return self.write_bytes(name, text.encode("utf-8"))

    def write_many(self, files: Mapping[str, str]) -> list[Path]:
        """Write several texts (name → text), checking every name before writing any."""
        self.check(files)
        return [self.write_text(name, text) for name, text in files.items()]

    def _make_folders(self, name: str) -> None:
        folder = self.root
        for part in PurePosixPath(name).parts[:-1]:
            folder = folder / part
            try:
                folder.mkdir(exist_ok=True)
            except OSError as exc:
                raise RoughcutError(f"{folder}: cannot make the folder ({exc.strerror})") from None
            if folder.is_symlink() or not folder.is_dir():
                raise RoughcutError(f"{folder}: is a link or not a folder; not written through")

    def _commit(self, name: str, path: Path, part: Path, overwrite: bool = False) -> None:
        with open(part, "rb+") as handle:
            os.fsync(handle.fileno())
        digest = _sha256(part)
        with self._locked():
            made = self.made()
            self._check_one(name, made, overwrite=overwrite)  # another roughcut's write is fine
            os.replace(part, path)
            made[name] = digest
            self._save(made)
        self._sync_folder(path.parent)

    def _save(self, made: Mapping[str, str | None]) -> None:
        manifest = self.root / MANIFEST
        part = self.root / f".roughcut-files{_PART}{secrets.token_hex(4)}"
        text = json.dumps({"format": _FORMAT, "files": dict(sorted(made.items()))}, indent=1)
        part.write_text(text + "\n", encoding="utf-8")
        os.replace(part, manifest)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with _thread_lock:
            if fcntl is None:  # pragma: no cover - Windows
                yield
                return
            fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)

    @staticmethod
    def _sync_folder(folder: Path) -> None:
        with contextlib.suppress(OSError):
            fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def file_writing(path: str | Path, *, overwrite: bool = False) -> contextlib.AbstractContextManager[Path]:
    """:meth:`OutputDir.writing` for one file the user named or that goes beside the input (``--out
    FILE``, ``take.srt`` beside ``take.mp4``): ``with file_writing(path) as part: write(part)``. Its
    folder's ``.roughcut-files`` records it, so roughcut replaces it later but never a user's file."""
    path = Path(path)
    return OutputDir(path.parent).writing(path.name, overwrite=overwrite)


def write_file(path: str | Path, data: str | bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` as :func:`file_writing` does; returns ``path``."""
    with file_writing(path, overwrite=overwrite) as part:
        part.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)
