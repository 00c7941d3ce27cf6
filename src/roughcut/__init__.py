"""roughcut: an AI assistant editor for dialogue scenes.

The pipeline is four stages of plain functions over plain data::

    ingest (project, media) -> analyse (speech, vision, audio, text) -> decide (edit) -> deliver (export)

Each stage lives in its own subpackage; the CLI (``roughcut``), the web UI and this Python API are
thin doors onto the same functions.
"""

from roughcut.errors import MediaError, RoughcutError

__version__ = "0.1.0"
__all__ = ["MediaError", "RoughcutError", "__version__"]
