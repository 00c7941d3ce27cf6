"""The application layer: what the CLI, the editing room, the demo and the Python API all call.

* :func:`ingest` probes a project's takes and sound files and syncs them.
* :func:`analyze_project` runs every analysis (cached); :func:`scene_coverage` and
  :func:`project_coverage` turn it into the editor's input.
* :func:`edit_project` cuts a project and delivers it; :func:`deliver` writes a timeline in every
  format and checks it reads back.
* :func:`run_pipeline` does all of it in order.

It sits between the doors (``roughcut._cli``, ``roughcut.web``) and the stages (``speech``,
``vision``, ``audio``, ``text``, ``script``, ``edit``, ``export``): it imports stages, and no stage
imports it (``tests/test_layers.py``).
"""

from roughcut.app.analyze import ProjectAnalysis, analyze_project, project_coverage, scene_coverage
from roughcut.app.edit import EditResult, deliver, edit_project, resolve_pins, synced_sound
from roughcut.app.ingest import IngestReport, ingest
from roughcut.app.pipeline import PipelineResult, run_pipeline

__all__ = [
    "EditResult",
    "IngestReport",
    "PipelineResult",
    "ProjectAnalysis",
    "analyze_project",
    "deliver",
    "edit_project",
    "ingest",
    "project_coverage",
    "resolve_pins",
    "run_pipeline",
    "scene_coverage",
    "synced_sound",
]
