"""Shot size on real footage, against framings read off the pictures (docs/shot-sizes.md shows them).

What is asserted and why:

* hamilton shot 1 (frames 0-19): ``faces/TRUTH.md`` calls it a long shot with the full figure, but
  the frame's lower edge cuts the performer just below the knees (pose: knees at 0.96 of the frame
  height, ankles beyond it at 1.2): by the convention that is a medium long shot, the "American".
  Asserted: MLS or wider (never MS or closer), the code gives MLS.
* shot 2 (20-81): a close-up of a profile, the face over half the frame height, cut by the edge:
  CU (an ECU would show only part of the face).
* shot 3 (82-210): the performer from the waist up (TRUTH.md): MS. The face alone (about 0.28 of
  the frame height near the top) would say MCU; the body landmarks place the frame bottom at the
  waist.
* GRID (11 speakers facing the camera, head and the top of the shoulders): CU or MCU, never ECU.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from roughcut.vision.shot_size import SHOT_SIZES, classify_framing, frame_bottom_from_face
from tests.vision.test_detection_real import analysed_hamilton


@pytest.fixture(scope="module")
def hamilton(media_dir: Path):
    return analysed_hamilton(media_dir)


def test_hamilton_shot_sizes(hamilton) -> None:
    sizes = [s.shot_size for s in hamilton.segments]
    assert SHOT_SIZES.index(sizes[0]) >= SHOT_SIZES.index("MLS")
    assert sizes[:3] == ["MLS", "CU", "MS"]


def test_grid_head_and_shoulders_is_a_close_up(media_dir: Path) -> None:
    """Every GRID clip, one frame a second: the largest face's framing is CU or MCU."""
    from roughcut.media import read_frames
    from roughcut.vision.faces import find_faces

    clips = sorted((media_dir / "grid").glob("*.mpg"))
    assert len(clips) == 11
    for clip in clips:
        sizes = []
        for frame in read_frames(clip, fps=1):
            faces = [f for f in find_faces(frame.image) if f.landmarks is not None]
            assert faces, clip.name
            face = max(faces, key=lambda f: f.box[3])
            height = frame.image.shape[0]
            top = float(np.nanmin(face.landmarks[:, 1])) / height
            face_height = float(np.linalg.norm(face.landmarks[10, :2] - face.landmarks[152, :2])) / height
            sizes.append(classify_framing(frame_bottom_from_face(top, face_height), face_height))
        assert set(sizes) <= {"CU", "MCU"}, (clip.name, sizes)


def test_grid_take_analysis_says_close_up(media_dir: Path) -> None:
    """The whole pipeline on one GRID clip (tracks, segments, shot size)."""
    from roughcut.vision import analyze_take

    vision = analyze_take(media_dir / "grid" / "id2_vcd_swwp2s.mpg")
    assert vision.shot_size in ("CU", "MCU") and [s.shot_size for s in vision.segments] == [vision.shot_size]
