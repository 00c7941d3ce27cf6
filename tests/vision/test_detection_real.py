"""Faces at every size and cuts on real footage, against truth this code did not make.

Faces come from mediapipe's face mesh and its short- and full-range detectors, with OpenCV's YuNet
as the second detector on new views and in wide or group views.

``faces/TRUTH.md``: ``hamilton_clip.mp4`` cuts at native frames 20, 82 and 211 and none at 271 (a
false cut PySceneDetect's adaptive detector reports); shot 1 (0-19) a long shot of the stage with
the performer standing at the right and the pianist tiny at the left edge; shot 2 (20-81) a profile
close-up in the right half with a blurred audience behind; shot 3 (82-210) one performer; shot 4
(211-274) an audience of five or more. ``faces/groups``: who stands where.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest

from roughcut.vision import TakeVision, analyze_take

SHOTS = ((0, 20), (20, 82), (82, 211), (211, 275))


@functools.cache
def analysed_hamilton(media_dir: Path) -> TakeVision:
    """One analysis of the hamilton clip per test process (shared with ``test_shot_size_real``)."""
    return analyze_take(media_dir / "faces" / "hamilton_clip.mp4")


@pytest.fixture(scope="module")
def hamilton(media_dir: Path) -> TakeVision:
    return analysed_hamilton(media_dir)


def _faces_in(vision: TakeVision, start: int, end: int) -> list[list]:
    """Per track with samples in native frames ``[start, end)``: those samples."""
    found = [[s for s in t.samples if start <= s.frame < end] for t in vision.tracks]
    return [samples for samples in found if samples]


def test_hamilton_cuts_frame_exact(hamilton: TakeVision) -> None:
    assert hamilton.cuts == (20, 82, 211)  # found at 8 fps, placed on the native frame
    assert 271 not in hamilton.cuts and hamilton.fades == ()
    assert [(s.start_frame, s.end_frame) for s in hamilton.segments] == list(SHOTS)


def test_hamilton_faces_per_shot(hamilton: TakeVision) -> None:
    wide, close, medium = (_faces_in(hamilton, *shot) for shot in SHOTS[:3])
    # Shot 1: the performer (right, about 12 % of the frame height) and the pianist (left edge,
    # about 8 %, found by the second detector only).
    centres = sorted(np.median([s.box[0] + s.box[2] / 2 for s in samples]) for samples in wide)
    assert len(wide) == 2 and centres[0] < 0.15 and centres[1] > 0.75
    # Shot 2: the profile close-up in the right half (the largest face), blurred faces behind.
    largest = max(close, key=lambda samples: max(s.face_height for s in samples))
    assert np.median([s.box[0] + s.box[2] / 2 for s in largest]) > 0.5
    assert max(s.face_height for s in largest) > 0.4
    # Shot 3: one performer, with landmarks, on nearly every analysed frame.
    assert len(medium) == 1 and sum(s.has_landmarks for s in medium[0]) >= 0.9 * len(medium[0])
    people = [s.people for s in hamilton.segments]  # faces in view at once (the most common count)
    assert people[0] == 2 and people[1] >= 1 and people[2] == 1 and people[3] >= 5


def test_reaction_shot_five_faces(hamilton: TakeVision) -> None:
    """The audience: five or more faces, among them the dim half-hidden one at the right edge
    (found by the second detector, YuNet)."""
    audience = _faces_in(hamilton, *SHOTS[3])
    assert len(audience) >= 5
    centres = [np.median([s.box[0] + s.box[2] / 2 for s in samples]) for samples in audience]
    assert max(centres) > 0.9 and min(centres) < 0.15  # the right edge; the man at the left


def test_segments_say_what_limits_the_faces(hamilton: TakeVision) -> None:
    notes = [s.note for s in hamilton.segments]
    assert "landmarks" in notes[0] and "landmarks" in notes[1]  # small faces; a profile
    assert notes[2] == ""
    assert any(p.startswith("frames 0-19: ") for p in hamilton.problems)
    assert any(p.startswith("frames 20-81: ") for p in hamilton.problems)


def _rgb(path: Path) -> np.ndarray:
    import cv2

    return cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)


@pytest.mark.parametrize(
    ("photo", "expected"),
    [
        # biden left, obama right, and a child lower right with the face turned down
        ("obama_and_biden.jpg", [(0.0, 0.5), (0.5, 1.0), (0.75, 1.0)]),
        ("kit_harington_with_rose_leslie.jpg", [(0.0, 0.5), (0.5, 1.0)]),
        ("two_people.jpg", [(0.0, 0.5), (0.5, 1.0)]),  # folded arms are not a face
    ],
)
def test_group_photos(media_dir: Path, photo: str, expected: list[tuple[float, float]]) -> None:
    from roughcut.vision.faces import find_faces

    image = _rgb(media_dir / "faces" / "groups" / photo)
    faces = find_faces(image)
    assert len(faces) == len(expected)
    centres = sorted((f.box[0] + f.box[2] / 2) / image.shape[1] for f in faces)
    for centre, (low, high) in zip(centres, sorted(expected), strict=True):
        assert low <= centre <= high
