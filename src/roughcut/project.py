"""A project folder: a screenplay, takes (video in any subfolder), external sound, ``roughcut.toml``.

This is the one module that knows the folder layout. Everything roughcut makes goes into the output
folder (``roughcut_out`` by default); nothing the user made is ever written over.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from roughcut.config import CONFIG_NAME, Config, read_config
from roughcut.errors import ConfigError, RoughcutError

SCRIPT_SUFFIXES = (".fountain", ".spmd", ".fdx", ".txt")
VIDEO_SUFFIXES = frozenset(
    {
        ".mov",
        ".mp4",
        ".m4v",
        ".mxf",
        ".mkv",
        ".avi",
        ".mpg",
        ".mpeg",
        ".mts",
        ".m2ts",
        ".webm",
        ".dv",
    }
)
AUDIO_SUFFIXES = frozenset(
    {".wav", ".bwf", ".flac", ".aif", ".aiff", ".mp3", ".m4a", ".aac", ".ogg", ".opus"}
)

CONFIG_TEMPLATE = """\
# roughcut.toml: settings for this project. Every key is optional; delete what you do not need.

# The screenplay, relative to this folder. By default the first .fountain, .fdx or .txt found.
# script = "scene.fountain"

# Where roughcut writes everything it makes (timelines, subtitles, reports, previews).
# It never writes anywhere else in the project, and never over a file it did not make.
# output = "roughcut_out"

[analysis]
# Frames per second the vision stage looks at, and the width in pixels frames are scaled to.
# fps = 8
# width = 640

[edit]
# A named style of idioms and weights, and the pace of the cut (tight, normal, relaxed).
# style = "default"
# pace = "normal"

# [edit.idioms]
# Weights of single idioms on top of the style, e.g.
# speaker_visible = 2.0
# avoid_jump_cuts = 1.0

# [characters]
# Who is who, when the automatic mapping of faces to characters is wrong, e.g.
# "take1_wide.mp4:person1" = "GRACE"
"""


def write_config(root: str | Path) -> Path:
    """Write the commented ``roughcut.toml`` template into ``root``; never over an existing file."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    path = root / CONFIG_NAME
    try:  # created new or not at all: never over a file, never through a link
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except FileExistsError:
        raise RoughcutError(f"{path}: already exists; not overwritten") from None
    except OSError as exc:
        raise RoughcutError(f"{path}: cannot write ({exc.strerror})") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(CONFIG_TEMPLATE)
    return path


@dataclass(frozen=True)
class Project:
    """What a project folder holds. Build one with :meth:`Project.open`."""

    root: Path
    script: Path | None
    takes: tuple[Path, ...]
    audio: tuple[Path, ...]
    config: Config = field(default_factory=Config)

    @property
    def output_dir(self) -> Path:
        """Where everything roughcut makes goes (created on first use); always inside the project."""
        return output_folder(self.root, self.config)

    def take_name(self, take: Path) -> str:
        """A take's name as users see it: its path relative to the project folder."""
        return take.relative_to(self.root).as_posix()

    @classmethod
    def open(cls, root: str | Path) -> Project:
        """Find the script, takes, external audio and config under ``root``.

        Media are found in every subfolder except the output folder and hidden folders; a
        ``roughcut.toml`` ``script`` key overrides the choice of screenplay.
        """
        root = Path(root).resolve()
        if not root.is_dir():
            raise RoughcutError(f"{root}: not a folder")
        config_path = root / CONFIG_NAME
        config = read_config(config_path)
        output = output_folder(root, config)
        files = sorted(_walk(root, skip=output))
        takes = tuple(p for p in files if p.suffix.lower() in VIDEO_SUFFIXES)
        audio = tuple(p for p in files if p.suffix.lower() in AUDIO_SUFFIXES)
        script = _choose_script(root, files, config)
        return cls(root=root, script=script, takes=takes, audio=audio, config=config)


def output_folder(root: Path, config: Config) -> Path:
    """The project's output folder from ``roughcut.toml``'s ``output`` (default ``roughcut_out``).
    It must lie inside the project, by its name and after following links: a ``ConfigError``
    otherwise (an explicit ``--out`` is how to write elsewhere)."""
    value = config.output
    where = f"{root / CONFIG_NAME}: output"
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where} must be a folder name inside the project (got {value!r})")
    folded = Path(os.path.normpath(root / value))
    if not folded.is_relative_to(root) or folded == root:
        raise ConfigError(f"{where} {value!r} lies outside the project folder; use --out to write elsewhere")
    if not folded.resolve().is_relative_to(root.resolve()):  # a link leading out
        raise ConfigError(
            f"{folded}: the output folder is a link out of the project; not followed "
            "(remove the link, or use --out to write elsewhere)"
        )
    return folded


def _walk(root: Path, *, skip: Path) -> list[Path]:
    """Every file below ``root`` (following linked folders, each folder once even when links loop),
    except hidden ones and ``skip``."""
    found = []
    seen: set[tuple[int, int]] = set()
    for folder, dirs, names in os.walk(root, followlinks=True):
        here = Path(folder)
        try:
            info = here.stat()
        except OSError:
            dirs[:] = []
            continue
        if (info.st_dev, info.st_ino) in seen:  # a link back to a folder walked already
            dirs[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        dirs[:] = [d for d in dirs if not d.startswith(".") and here / d != skip]
        found.extend(here / n for n in names if not n.startswith("."))
    return found


def _choose_script(root: Path, files: list[Path], config: Config) -> Path | None:
    if config.script is not None:
        script = root / config.script
        if not script.is_file():
            raise ConfigError(f"{root / CONFIG_NAME}: script {config.script!r} not found")
        return script
    for suffix in SCRIPT_SUFFIXES:
        for path in files:
            if path.suffix.lower() == suffix and path.parent == root:
                return path
    for suffix in SCRIPT_SUFFIXES[:3]:
        for path in files:
            if path.suffix.lower() == suffix:
                return path
    return None
