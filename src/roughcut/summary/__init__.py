"""Summaries of what was shot: contact sheets and dailies, a scene's summary reel, a trailer, keyframes.

* :func:`contact_sheets` / :func:`sheets_from_analysis`: a grid of labelled frames per take and per
  scene (PNG) and a dailies report (PDF, a cover page per scene, a page per take).
* :func:`scene_reel`: a scene cut to a requested length from its most important whole lines.
* :func:`trailer`: the strongest moments across scenes, with accelerating pacing, a preview and an
  HTML page explaining each choice.
* :func:`vsumm_keyframes` / :func:`write_keyframe_summary`: keyframes of footage without a script
  (VSUMM per shot), as a storyboard and an OTIO with markers; :func:`evaluate_keyframes` scores
  them against hand-marked keyframes.

A stage above ``export``: it reads the analysis the application layer hands it
(:class:`roughcut.app.analyze.ProjectAnalysis`, :class:`~roughcut.edit.coverage.SceneCoverage`)
and writes through ``export``'s one writer.
"""

from roughcut.summary.keyframes import (
    KeyframeScore,
    KeyframeSummary,
    evaluate_keyframes,
    read_truth,
    uniform_keyframes,
    vsumm_keyframes,
    write_keyframe_summary,
)
from roughcut.summary.reel import ReelResult, line_importance, line_window, scene_reel
from roughcut.summary.sheets import SheetsResult, contact_sheets, sheets_from_analysis
from roughcut.summary.trailer import TrailerResult, trailer

__all__ = [
    "KeyframeScore",
    "KeyframeSummary",
    "ReelResult",
    "SheetsResult",
    "TrailerResult",
    "contact_sheets",
    "evaluate_keyframes",
    "line_importance",
    "line_window",
    "read_truth",
    "scene_reel",
    "sheets_from_analysis",
    "trailer",
    "uniform_keyframes",
    "vsumm_keyframes",
    "write_keyframe_summary",
]
