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
#: text), ``"truth"`` (the alignment checked against a demo's ground truth), ``"analysis"`` (the
#: ``ProjectAnalysis``) and ``"edit"`` (the ``EditResult``).
Observer = Callable[[str, Any], None]


@dataclass
class PipelineResult:
    """What a run made: the ingest report, the analysis, the cut, and the files written, by label."""

    project: Project
    ingest: IngestReport
    analysis: Any = None  # roughcut.app.analyze.ProjectAnalysis
    truth_report: Any = None  # roughcut.speech.align.TruthReport, for the demo
    edit: Any = None  # roughcut.app.edit.EditResult
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
    from roughcut.app.analyze import analyze_project, scene_coverage
    from roughcut.app.edit import edit_project

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

    coverage = scene_coverage(analysis)
    edit = edit_project(project.root, coverage=coverage, out_dir=out_dir)
    result.edit = edit
    result.outputs.update(edit.paths)
    result.problems += [f"{fmt}: {error}" for fmt, errors in edit.round_trip.items() for error in errors]
    tell("edit", edit)
    return result
