"""Body motion to BVH on real footage, read back by parsers that are not roughcut's.

The only full figure in the shared media is the long shot of ``faces/hamilton_clip.mp4`` (frames
0-19, the performer standing, small in the frame); GRID shows heads and shoulders only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from roughcut.picture.mocap import JOINTS, take_to_bvh
from tests.picture.bvh_check import joint_positions

BONES = [
    ("Spine", "Neck"),
    ("Neck", "Head"),
    ("LeftShoulder", "LeftElbow"),
    ("LeftElbow", "LeftWrist"),
    ("RightShoulder", "RightElbow"),
    ("RightElbow", "RightWrist"),
    ("LeftHip", "LeftKnee"),
    ("LeftKnee", "LeftAnkle"),
    ("RightHip", "RightKnee"),
    ("RightKnee", "RightAnkle"),
    ("LeftHip", "RightHip"),
    ("LeftShoulder", "RightShoulder"),
]


@pytest.fixture(scope="module")
def long_shot_bvh(media_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("mocap") / "hamilton_long.bvh"
    motion = take_to_bvh(media_dir / "faces" / "hamilton_clip.mp4", out, start_frame=0, end_frame=20)
    return out, motion


def test_bvh_read_back_has_fixed_bones_and_reproduces_the_landmarks(long_shot_bvh) -> None:
    path, motion = long_shot_bvh
    assert motion.detected.sum() >= 18  # the performer is found in the long shot
    positions = joint_positions(path)  # the PyPI ``bvh`` parser, forward kinematics in the test
    assert set(JOINTS) <= set(positions)
    for a, b in BONES:
        lengths = np.linalg.norm(positions[b] - positions[a], axis=1)
        assert lengths.max() <= 1.02 * lengths.min(), (a, b, lengths.min(), lengths.max())
        measured = np.median(np.linalg.norm(motion.positions[b] - motion.positions[a], axis=1))
        assert abs(np.median(lengths) - measured) <= 0.1 * measured + 1.0  # cm
    errors = {j: float(np.linalg.norm(positions[j] - motion.positions[j], axis=1).mean()) for j in JOINTS}
    mean_error = float(np.mean(list(errors.values())))
    print(
        f"hamilton long shot: mean joint error {mean_error:.2f} cm, worst {max(errors, key=errors.get)} "
        f"{max(errors.values()):.2f} cm, over {len(motion.detected)} frames"
    )
    assert mean_error < 3.0
    assert max(errors.values()) < 8.0


def test_bvh_frame_rate_and_frame_count(long_shot_bvh) -> None:
    from bvh import Bvh

    path, _ = long_shot_bvh
    mocap = Bvh(path.read_text())
    assert mocap.nframes == 20
    assert mocap.frame_time == pytest.approx(100 / 2997, abs=1e-6)


def test_blender_imports_the_bvh(long_shot_bvh) -> None:
    bpy = pytest.importorskip(
        "bpy", reason="Blender's bpy wheel (about 370 MB, Python 3.11 only) is not installed here"
    )
    path, _ = long_shot_bvh
    bpy.ops.wm.read_factory_settings(use_empty=True)
    bpy.ops.import_anim.bvh(filepath=str(path), update_scene_fps=True, update_scene_duration=True)
    armature = next(o for o in bpy.context.scene.objects if o.type == "ARMATURE")
    assert {b.name for b in armature.data.bones} >= set(JOINTS)
    assert tuple(armature.animation_data.action.frame_range) == (1.0, 20.0)
    # Blender's own reader agrees with the ``bvh`` parser's forward kinematics (its axes are Z up).
    ours = joint_positions(path)
    for frame in (1, 10, 20):
        bpy.context.scene.frame_set(frame)
        for joint in ("LeftWrist", "RightAnkle", "Head"):
            x, y, z = armature.matrix_world @ armature.pose.bones[joint].head
            assert np.allclose((x, z, -y), ours[joint][frame - 1], atol=0.5), (joint, frame)


def test_cli_mocap_refuses_a_take_without_video(media_dir: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from roughcut._cli import main

    result = CliRunner().invoke(
        main, ["-q", "mocap", str(media_dir / "speech" / "jfk.flac"), "--out", str(tmp_path / "x.bvh")]
    )
    assert result.exit_code == 1
    assert "jfk.flac" in result.output and "no video" in result.output
    assert not (tmp_path / "x.bvh").exists()


def test_cli_mocap_writes_beside_and_never_over_the_take(media_dir: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from roughcut._cli import main

    take = media_dir / "faces" / "hamilton_clip.mp4"
    out = tmp_path / "long.bvh"
    result = CliRunner().invoke(main, ["-q", "mocap", str(take), "--end", "6", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("HIERARCHY")
    again = CliRunner().invoke(main, ["-q", "mocap", str(take), "--end", "6", "--out", str(take)])
    assert again.exit_code == 1 and "input take" in again.output
