"""The dialogue-scene editor: idioms scored as costs, an exact Viterbi over lines × takes, cut
points inside the pauses, multicam switching, and the OpenTimelineIO timeline.

* :func:`edit_scene` cuts a :class:`SceneCoverage` into a :class:`Cut`.
* :func:`switch_multicam` switches synchronised angles of one performance.
* :func:`to_timeline` turns a cut into an ``otio.schema.Timeline``.
* :func:`coverage_from_demo_truth` builds the input contract from the demo's ``truth.json``.
"""

from roughcut.edit.coverage import (
    SHOT_SIZES,
    LineCoverage,
    LineInfo,
    SceneCoverage,
    TakeInfo,
    coverage_from_demo_truth,
    shot_size_index,
)
from roughcut.edit.cut import Alternative, Clip, Cut, CutLine, Pace
from roughcut.edit.editor import edit_scene
from roughcut.edit.idioms import IDIOMS, Idiom, idiom, registry
from roughcut.edit.multicam import switch_multicam
from roughcut.edit.styles import STYLES, Style, resolve_style, styles_from_config
from roughcut.edit.timeline import to_timeline

__all__ = [
    "IDIOMS",
    "SHOT_SIZES",
    "STYLES",
    "Alternative",
    "Clip",
    "Cut",
    "CutLine",
    "Idiom",
    "LineCoverage",
    "LineInfo",
    "Pace",
    "SceneCoverage",
    "Style",
    "TakeInfo",
    "coverage_from_demo_truth",
    "edit_scene",
    "idiom",
    "registry",
    "resolve_style",
    "shot_size_index",
    "styles_from_config",
    "switch_multicam",
    "to_timeline",
]
