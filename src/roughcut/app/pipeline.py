"""The whole job on a project folder: ingest, analyse (script, speech, vision, text), edit, deliver.

Each stage is a plain function of its own package; this module only calls them in order and
collects what they made. A take that cannot be read is reported and left out; the rest goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roughcut.app.ingest import IngestReport, ingest
from roughcut.project import Project

#: ``observe(step, value)``: told of each step as it ends, for a door to show it: ``"ingest"``
#: (the :class:`PipelineResult` so far: project and ingest report), ``"problem"`` (a line of
#: text: a take placed by its name or in no scene, a scene no take covers), ``"truth"`` (the
#: alignment checked against a demo's ground truth), ``"analysis"`` (the ``ProjectAnalysis``),
#: ``"edit"`` (each scene's ``EditResult``, in script order) and ``"sequence"`` (the
#: ``SequenceResult`` of all scenes, when two or more were cut).
Observer = Callable[[str, Any], None]


@dataclass
class PipelineResult:
    """What a run made: the ingest report, the analysis, the cut of every scene (``edit`` is the
    first scene's), the sequence of all scenes, and the files written, by label: the first scene's
    by format (``"fcp7"``), the others' as ``"scene 2 fcp7"`` and the sequence's as
    ``"sequence fcp7"``."""

    project: Project
    ingest: IngestReport
    analysis: Any = None  # roughcut.app.analyze.ProjectAnalysis
    truth_report: Any = None  # roughcut.speech.align.TruthReport, for the demo
    edit: Any = None  # roughcut.app.edit.EditResult of the first scene cut
    scenes: Any = None  # roughcut.app.edit.ScenesEdit: every scene, the sequence, what was not cut
    outputs: dict[str, Path] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def run_pipeline(
    directory: str | Path,
    *,
    observe: Observer | None = None,
    store: Any = None,
    out_dir: str | Path | None = None,
) -> PipelineResult:
    """Run every stage on the project in ``directory``, telling ``observe`` of each step.

    The cut and its deliverables go into ``out_dir`` (default: the project's output folder).
    """
    from roughcut.app.analyze import analysis_scenes, analyze_project
    from roughcut.app.edit import edit_scenes

    tell = observe or (lambda step, value: None)
    project = Project.open(directory)
    report = ingest(project)
    result = PipelineResult(project=project, ingest=report)
    tell("ingest", result)
    if project.script is None or not report.takes:
        result.problems.append("nothing to cut: the project needs a screenplay and at least one take")
        return result

    analysis = analyze_project(project, store=store)
    result.analysis = analysis
    result.problems += analysis.problems
    for problem in analysis.problems:
        tell("problem", problem)
    if (project.root / "truth.json").is_file():
        from roughcut.speech.align import check_against_truth

        result.truth_report = check_against_truth(analysis.alignments, project.root / "truth.json")
        tell("truth", result.truth_report)
    tell("analysis", analysis)

    edited = edit_scenes(project.root, scenes=analysis_scenes(analysis), out_dir=out_dir)
    result.scenes = edited
    for note in (*edited.notes, *edited.uncovered):
        result.problems.append(note)
        tell("problem", note)
    for number, edit in edited.scenes.items():
        first = result.edit is None
        result.edit = edit if first else result.edit
        label = "" if first else f"scene {number} "
        result.outputs.update({f"{label}{fmt}": path for fmt, path in edit.paths.items()})
        result.problems += [
            f"{label}{fmt}: {error}" for fmt, errors in edit.round_trip.items() for error in errors
        ]
        tell("edit", edit)
    if edited.sequence is not None:
        result.outputs.update({f"sequence {fmt}": path for fmt, path in edited.sequence.paths.items()})
        result.problems += [
            f"sequence {fmt}: {error}"
            for fmt, errors in edited.sequence.round_trip.items()
            for error in errors
        ]
        tell("sequence", edited.sequence)
    return result
