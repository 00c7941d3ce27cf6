"""The whole job on a project folder: ingest, analyse (script, speech, vision, text), edit, deliver.

Each stage is a plain function of its own package; this module only calls them in order and
collects what they made. A take that cannot be read is reported and left out; the rest goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from roughcut.project import IngestReport, Project, ingest


@dataclass
class PipelineResult:
    """What a run made: the ingest report, the analysis, the cut, and the files written, by label."""

    project: Project
    ingest: IngestReport
    analysis: Any = None  # roughcut.analysis.ProjectAnalysis
    truth_report: Any = None  # roughcut.speech.align.TruthReport, for the demo
    edit: Any = None  # roughcut.edit.run.EditResult
    outputs: dict[str, Path] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def run_pipeline(
    directory: str | Path,
    *,
    console: Console | None = None,
    store: Any = None,
    out_dir: str | Path | None = None,
) -> PipelineResult:
    """Run every stage on the project in ``directory``; prints tables to ``console`` if given.

    The cut and its deliverables go into ``out_dir`` (default: the project's output folder).
    """
    from roughcut.analysis import analyze_project, scene_coverage
    from roughcut.edit.run import edit_project

    project = Project.open(directory)
    report = ingest(project)
    result = PipelineResult(project=project, ingest=report)
    say = console.print if console is not None else (lambda *a, **k: None)
    if console is not None:
        from roughcut._cli.project import print_ingest

        print_ingest(project, report)
    if project.script is None or not report.takes:
        result.problems.append("nothing to cut: the project needs a screenplay and at least one take")
        return result

    analysis = analyze_project(project, store=store)
    result.analysis = analysis
    result.problems += analysis.problems
    for problem in analysis.problems:
        say(f"[yellow]warning:[/yellow] {problem}", highlight=False)
    if (project.root / "truth.json").is_file():
        from roughcut.speech.align import check_against_truth

        result.truth_report = check_against_truth(analysis.alignments, project.root / "truth.json")
        say(f"alignment against the demo's ground truth: {result.truth_report.summary()}")
    if console is not None:
        _print_analysis(console, analysis)

    coverage = scene_coverage(analysis)
    edit = edit_project(project.root, coverage=coverage, out_dir=out_dir)
    result.edit = edit
    result.outputs.update(edit.paths)
    result.problems += [f"{fmt}: {error}" for fmt, errors in edit.round_trip.items() for error in errors]
    if console is not None:
        from roughcut._cli.edit import print_cut

        print_cut(edit)  # the cut, the files written and the read-back check
    return result


def _print_analysis(console: Console, analysis: Any) -> None:
    """Per take: the people seen, the framing, lines found, and the share with the speaker visible."""
    from rich.table import Table

    table = Table(title="Analysis")
    for column in ("take", "people", "shot size", "lines found", "speaker visible"):
        table.add_column(column)
    total = len(analysis.script.lines)
    for take, alignment in analysis.alignments.items():
        vision = analysis.visions.get(take)
        rows = analysis.visibility.get(take, ())
        people = sorted({c for key, c in analysis.characters.items() if key.rsplit(":", 1)[0] == take})
        found = len({line.line_id for line in alignment.lines})
        visible = sum(1 for row in rows if row.speaker_visible)
        table.add_row(
            take,
            ", ".join(people) or (str(vision.people) if vision else "-"),
            (vision.shot_size or "-") if vision else "-",
            f"{found}/{total}",
            f"{visible / len(rows):.0%}" if rows else "-",
        )
    console.print(table)
