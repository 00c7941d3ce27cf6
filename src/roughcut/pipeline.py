"""The whole job on a project folder: ingest, then each stage that exists, then delivery.

Stages add themselves here as they arrive (speech alignment, vision, the edit, exports).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from roughcut.project import IngestReport, Project, ingest


@dataclass
class PipelineResult:
    """What a run made: the ingest report and the files written, by label."""

    project: Project
    ingest: IngestReport
    outputs: dict[str, Path] = field(default_factory=dict)


def run_pipeline(directory: str | Path, *, console: Console | None = None) -> PipelineResult:
    """Run every stage on the project in ``directory``; prints progress to ``console`` if given."""
    project = Project.open(directory)
    report = ingest(project)
    if console is not None:
        from roughcut._cli.project import print_ingest

        print_ingest(project, report)
    return PipelineResult(project=project, ingest=report)
