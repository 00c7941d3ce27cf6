"""The output folder: roughcut writes only there, and never over a file it did not make.

Every file roughcut writes is listed in ``.roughcut-files`` inside the folder; a file of the same
name that is not on that list belongs to the user and is refused.
"""

from __future__ import annotations

import json
from pathlib import Path

from roughcut.errors import RoughcutError

MANIFEST = ".roughcut-files"


class OutputDir:
    """An output folder and the names roughcut made in it."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        manifest = self.root / MANIFEST
        self._made: set[str] = set()
        if manifest.exists():
            try:
                self._made = set(json.loads(manifest.read_text(encoding="utf-8")))
            except (ValueError, TypeError):
                raise RoughcutError(f"{manifest}: unreadable list of files roughcut made") from None

    def claim(self, name: str) -> Path:
        """The path for ``name`` (relative to the folder), refused when a file roughcut did not make is
        there already. The claim is recorded at once."""
        path = self.root / name
        if path.exists() and name not in self._made:
            raise RoughcutError(f"{path}: exists and was not made by roughcut; not overwritten")
        path.parent.mkdir(parents=True, exist_ok=True)
        self._made.add(name)
        (self.root / MANIFEST).write_text(json.dumps(sorted(self._made), indent=1), encoding="utf-8")
        return path
