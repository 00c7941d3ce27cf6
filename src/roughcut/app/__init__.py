"""The application layer: what the CLI, the editing room, the demo and the Python API all call.

* :func:`ingest` probes a project's takes and sound files and syncs them.
* :func:`analyze_project` runs every analysis (cached); :func:`match_takes_to_scenes` places each
  take in a scene; :func:`scene_coverage`, :func:`project_scenes` and :func:`project_coverage` turn
  it into the editor's input, one :class:`~roughcut.edit.coverage.SceneCoverage` per scene.
* :func:`edit_scenes` cuts every scene (or one) and delivers each plus the sequence of all;
  :func:`edit_project` cuts one scene; :func:`deliver` writes a timeline in every format and checks
  it reads back.
* :func:`run_pipeline` does all of it in order.

It sits between the doors (``roughcut._cli``, ``roughcut.web``) and the stages (``speech``,
``vision``, ``audio``, ``text``, ``script``, ``edit``, ``export``): it imports stages, and no stage
imports it (``tests/test_layers.py``).
"""

from roughcut.app.analyze import (
    ProjectAnalysis,
    ProjectScenes,
    SceneEntry,
    analysis_scenes,
    analyze_project,
    project_coverage,
    project_scenes,
    scene_coverage,
)
from roughcut.app.edit import (
    EditResult,
    ScenesEdit,
    SequenceResult,
    deliver,
    edit_project,
    edit_scenes,
    resolve_pins,
    synced_sound,
)
from roughcut.app.ingest import IngestReport, ingest
from roughcut.app.pipeline import PipelineResult, run_pipeline
from roughcut.app.scenes import SceneMatch, match_takes_to_scenes, scene_hint

__all__ = [
    "EditResult",
    "IngestReport",
    "PipelineResult",
    "ProjectAnalysis",
    "ProjectScenes",
    "SceneEntry",
    "SceneMatch",
    "ScenesEdit",
    "SequenceResult",
    "analysis_scenes",
    "analyze_project",
    "deliver",
    "edit_project",
    "edit_scenes",
    "ingest",
    "match_takes_to_scenes",
    "project_coverage",
    "project_scenes",
    "resolve_pins",
    "run_pipeline",
    "scene_coverage",
    "scene_hint",
    "synced_sound",
]
