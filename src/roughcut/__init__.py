"""roughcut: an AI assistant editor for dialogue scenes.

The pipeline is four stages of plain functions over plain data::

    ingest (project, media) -> analyse (speech, vision, audio, text) -> decide (edit) -> deliver (export)

Each stage lives in its own subpackage; :mod:`roughcut.app` calls them in order (``ingest``,
``analyze_project``, ``edit_project``, ``deliver``, ``run_pipeline``), and the CLI (``roughcut``),
the web UI and the Python API are thin doors onto it. ``docs/developers.md`` maps the house.
"""

from roughcut.errors import MediaError, RoughcutError

__version__ = "0.1.0"
__all__ = ["MediaError", "RoughcutError", "__version__"]
