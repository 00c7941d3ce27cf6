"""Vision: faces, landmarks, who is on screen and who speaks, shot size, shot cuts, sharpness.

One decode pass per take (:func:`analyze_take`) feeds every per-frame analysis through the
:class:`~roughcut.vision.analyser.FrameAnalyser` interface; :func:`analyze_project` caches each take
in the store and runs takes in parallel. mediapipe is imported only when faces are analysed.
"""

from roughcut.vision.model import FaceSample, FaceTrack, Person, ShotSegment, TakeVision
from roughcut.vision.shot_size import SHOT_SIZES, classify_shot_size
from roughcut.vision.speakers import LineVisibility, SpokenLine, assign_characters, line_visibility
from roughcut.vision.take import ProjectVision, analyze_project, analyze_take

__all__ = [
    "SHOT_SIZES",
    "FaceSample",
    "FaceTrack",
    "LineVisibility",
    "Person",
    "ProjectVision",
    "ShotSegment",
    "SpokenLine",
    "TakeVision",
    "analyze_project",
    "analyze_take",
    "assign_characters",
    "classify_shot_size",
    "line_visibility",
]
