"""Errors of the screenplay readers: they name the file, the line and the problem."""

from __future__ import annotations

from pathlib import Path

from roughcut.errors import RoughcutError


class ScriptError(RoughcutError):
    """A screenplay that cannot be read: missing, empty, binary, malformed XML, no scenes.

    ``line`` is the 1-based line number of the problem in the file, or 0 when it concerns the whole
    file. The message reads ``path:line: problem`` (``path: problem`` when ``line`` is 0).
    """

    def __init__(self, path: str | Path, line: int, problem: str) -> None:
        self.path = Path(path) if path else Path("<text>")
        self.line = line
        self.problem = problem
        where = f"{self.path}:{line}" if line else f"{self.path}"
        super().__init__(f"{where}: {problem}")
