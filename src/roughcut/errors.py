"""The one error root of roughcut, and the errors that name a file and its problem."""

from __future__ import annotations

from pathlib import Path


class RoughcutError(Exception):
    """Base of every error roughcut raises on purpose (bad input, bad settings)."""


class MediaError(RoughcutError):
    """A media file that cannot be read: missing, corrupt, truncated or unsupported.

    The message always names the file, so a batch job can print it on one line and go on.
    """

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # Rebuilt from its two arguments, so it crosses process pools intact.
        return (type(self), (self.path, self.problem))


class ConfigError(RoughcutError):
    """A setting in ``roughcut.toml`` or on the command line that makes no sense."""
