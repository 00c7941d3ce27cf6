"""Body motion to BVH: mediapipe pose world landmarks per frame turned into a skeleton with joint
rotations, at the take's frame rate.

The skeleton (BVH, Y up, centimetres): ``Hips`` (root, between the hip joints) with ``Spine``
(at the hips, its bone up to the shoulders' midpoint), ``Neck`` (shoulders' midpoint, bone to the
ears' midpoint), ``Head`` (ears' midpoint, bone to the nose); ``LeftShoulder``/``RightShoulder``
(children of ``Spine``) → ``…Elbow`` → ``…Wrist``; ``LeftHip``/``RightHip`` → ``…Knee`` →
``…Ankle``. Bone lengths are the take's medians, so they are fixed; each joint's rotation is the
smallest turn from its parent's frame that points its bone along the frame's bone (the hips and the
spine, with several children, are turned to fit two directions: the bone and the hip or shoulder
line). Landmarks are smoothed over time (Gaussian, ``smooth_frames``) before; frames without a
person get the nearest frame's pose.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.spatial.transform import Rotation

from roughcut.errors import MediaError, RoughcutError

# mediapipe pose landmark numbers
NOSE, L_EAR, R_EAR = 0, 7, 8
L_SHOULDER, R_SHOULDER, L_ELBOW, R_ELBOW, L_WRIST, R_WRIST = 11, 12, 13, 14, 15, 16
L_HIP, R_HIP, L_KNEE, R_KNEE, L_ANKLE, R_ANKLE = 23, 24, 25, 26, 27, 28

#: Joint → (parent, rest direction of the bone from the parent to it, unit, BVH axes).
#: Rest pose: a T-pose facing +Z, the figure's left at +X.
_REST = {
    "Spine": ("Hips", (0.0, 0.0, 0.0)),
    "Neck": ("Spine", (0.0, 1.0, 0.0)),
    "Head": ("Neck", (0.0, 1.0, 0.0)),
    "LeftShoulder": ("Spine", None),
    "LeftElbow": ("LeftShoulder", (1.0, 0.0, 0.0)),
    "LeftWrist": ("LeftElbow", (1.0, 0.0, 0.0)),
    "RightShoulder": ("Spine", None),
    "RightElbow": ("RightShoulder", (-1.0, 0.0, 0.0)),
    "RightWrist": ("RightElbow", (-1.0, 0.0, 0.0)),
    "LeftHip": ("Hips", (1.0, 0.0, 0.0)),
    "LeftKnee": ("LeftHip", (0.0, -1.0, 0.0)),
    "LeftAnkle": ("LeftKnee", (0.0, -1.0, 0.0)),
    "RightHip": ("Hips", (-1.0, 0.0, 0.0)),
    "RightKnee": ("RightHip", (0.0, -1.0, 0.0)),
    "RightAnkle": ("RightKnee", (0.0, -1.0, 0.0)),
}
#: The joints in BVH order (parents before children).
JOINTS = ("Hips", *_REST)
#: Joint → the child joint its bone points at (single-bone joints), or the end site's point.
_BONE_CHILD = {
    "Neck": "Head",
    "Head": "HeadTop",
    "LeftShoulder": "LeftElbow",
    "LeftElbow": "LeftWrist",
    "RightShoulder": "RightElbow",
    "RightElbow": "RightWrist",
    "LeftHip": "LeftKnee",
    "LeftKnee": "LeftAnkle",
    "RightHip": "RightKnee",
    "RightKnee": "RightAnkle",
}


@dataclass(frozen=True)
class Motion:
    """Joint positions per frame. ``positions``: joint name → ``(frames, 3)`` in centimetres, BVH
    axes (Y up, the figure facing +Z); ``detected``: ``(frames,)`` whether mediapipe saw a person."""

    positions: dict[str, np.ndarray]
    detected: np.ndarray
    frame_rate: Fraction


def landmarks_to_joints(world: np.ndarray) -> dict[str, np.ndarray]:
    """mediapipe world landmarks ``(frames, 33, 3)`` (metres, y down, z away from the camera) as the
    skeleton's joint points in BVH axes and centimetres; ``HeadTop`` is the nose (the head's end)."""
    p = world * np.array([100.0, -100.0, -100.0])

    def mid(a: int, b: int) -> np.ndarray:
        return (p[:, a] + p[:, b]) / 2

    hips = mid(L_HIP, R_HIP)
    return {
        "Hips": hips,
        "Spine": hips,
        "Neck": mid(L_SHOULDER, R_SHOULDER),
        "Head": mid(L_EAR, R_EAR),
        "HeadTop": p[:, NOSE],
        "LeftShoulder": p[:, L_SHOULDER],
        "LeftElbow": p[:, L_ELBOW],
        "LeftWrist": p[:, L_WRIST],
        "RightShoulder": p[:, R_SHOULDER],
        "RightElbow": p[:, R_ELBOW],
        "RightWrist": p[:, R_WRIST],
        "LeftHip": p[:, L_HIP],
        "LeftKnee": p[:, L_KNEE],
        "LeftAnkle": p[:, L_ANKLE],
        "RightHip": p[:, R_HIP],
        "RightKnee": p[:, R_KNEE],
        "RightAnkle": p[:, R_ANKLE],
    }


def track_pose(path: str | Path, *, start_frame: int = 0, end_frame: int | None = None) -> Motion:
    """mediapipe pose (``model_complexity=1``, the model that ships in the wheel) on every frame of
    ``path``; frames without a person are filled from the nearest frame that has one.

    Raises :class:`MediaError` when the take has no video, and :class:`RoughcutError` when no frame
    shows a person.
    """
    import mediapipe as mp

    from roughcut.media.frames import read_frames
    from roughcut.media.probe import probe
    from roughcut.progress import track

    path = Path(path)
    info = probe(path)
    if info.video is None:
        raise MediaError(path, "holds no video stream; no body motion to read")
    rate = Fraction(info.video.frame_rate)
    world, seen = [], []
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1, smooth_landmarks=True) as pose:
        frames = read_frames(path, start_frame=start_frame, end_frame=end_frame)
        total = (end_frame or info.video.frame_count) - start_frame if info.video.frame_count else None
        for frame in track(frames, f"Pose in {path.name}", total=total):
            result = pose.process(frame.image)
            if result.pose_world_landmarks is None:
                world.append(np.full((33, 3), np.nan))
                seen.append(False)
                continue
            world.append(np.array([(m.x, m.y, m.z) for m in result.pose_world_landmarks.landmark]))
            seen.append(True)
    detected = np.array(seen, bool)
    if not detected.any():
        raise RoughcutError(f"{path}: no person found in any frame; nothing to write")
    landmarks = _fill_gaps(np.array(world), detected)
    return Motion(positions=landmarks_to_joints(landmarks), detected=detected, frame_rate=rate)


def _fill_gaps(values: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Frames not ``known`` take the nearest known frame's values."""
    index = np.flatnonzero(known)
    nearest = index[np.abs(np.arange(len(values))[:, None] - index[None, :]).argmin(axis=1)]
    return values[nearest]


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def _swing(from_dir: np.ndarray, to_dir: np.ndarray) -> Rotation:
    """Per frame, the smallest rotation turning unit vectors ``from_dir`` onto ``to_dir``."""
    axis = np.cross(from_dir, to_dir)
    sin = np.linalg.norm(axis, axis=-1)
    cos = np.einsum("ij,ij->i", from_dir, to_dir)
    angle = np.arctan2(sin, cos)
    axis = np.where(sin[:, None] > 1e-9, axis / np.maximum(sin[:, None], 1e-12), [[1.0, 0.0, 0.0]])
    return Rotation.from_rotvec(axis * angle[:, None])


def _fit_two(primary: np.ndarray, secondary: np.ndarray, rest_primary, rest_secondary) -> Rotation:
    """Per frame, the rotation pointing ``rest_primary`` exactly along ``primary`` and turning
    ``rest_secondary`` as near ``secondary`` as that allows."""
    x = _unit(primary)
    z = _unit(np.cross(x, secondary))
    y = np.cross(z, x)
    measured = np.stack([x, y, z], axis=-1)
    rx = _unit(np.asarray(rest_primary, float))
    rz = _unit(np.cross(rx, rest_secondary))
    ry = np.cross(rz, rx)
    rest = np.stack([rx, ry, rz], axis=-1)
    return Rotation.from_matrix(measured @ rest.T)


@dataclass(frozen=True)
class Skeleton:
    """Bone offsets (cm, rest pose, from each joint's parent) and per-frame rotations."""

    offsets: dict[str, np.ndarray]
    end_sites: dict[str, np.ndarray]
    root_positions: np.ndarray
    local_rotations: dict[str, Rotation]


def solve_skeleton(positions: dict[str, np.ndarray], *, smooth_frames: float = 1.0) -> Skeleton:
    """Fixed bone lengths (the medians over the take) and each frame's joint rotations that point
    the bones along ``positions`` (joint → ``(frames, 3)`` cm), smoothed by ``smooth_frames``."""
    if smooth_frames > 0:
        positions = {
            k: gaussian_filter1d(v, smooth_frames, axis=0, mode="nearest") for k, v in positions.items()
        }

    def length(a: str, b: str) -> float:
        return float(np.median(np.linalg.norm(positions[b] - positions[a], axis=1)))

    spine = length("Spine", "Neck")
    half_shoulders = length("LeftShoulder", "RightShoulder") / 2
    half_hips = length("LeftHip", "RightHip") / 2
    offsets = {"Hips": np.zeros(3), "Spine": np.zeros(3)}
    offsets["Neck"] = np.array([0.0, spine, 0.0])
    offsets["LeftShoulder"] = np.array([half_shoulders, spine, 0.0])
    offsets["RightShoulder"] = np.array([-half_shoulders, spine, 0.0])
    offsets["LeftHip"] = np.array([half_hips, 0.0, 0.0])
    offsets["RightHip"] = np.array([-half_hips, 0.0, 0.0])
    end_sites = {}
    for joint, child in _BONE_CHILD.items():
        rest = np.array(_REST[child][1] if child in _REST else (0.0, 1.0, 0.0))
        vector = rest * length(joint, child)
        if child in _REST:
            offsets[child] = vector
        else:
            end_sites[joint] = vector
    for leaf in ("LeftWrist", "RightWrist", "LeftAnkle", "RightAnkle"):
        end_sites[leaf] = np.array(_REST[leaf][1]) * 5.0
    # Global rotations, parents first.
    hips = _fit_two(
        positions["LeftHip"] - positions["RightHip"],
        positions["Neck"] - positions["Hips"],
        (1.0, 0.0, 0.0),
        (0.0, 1.0, 0.0),
    )
    chest = _fit_two(
        positions["Neck"] - positions["Spine"],
        positions["LeftShoulder"] - positions["RightShoulder"],
        (0.0, 1.0, 0.0),
        (1.0, 0.0, 0.0),
    )
    glob: dict[str, Rotation] = {"Hips": hips, "Spine": chest}
    for joint in JOINTS[2:]:
        parent = _REST[joint][0]
        if joint not in _BONE_CHILD:
            glob[joint] = glob[parent]
            continue
        child = _BONE_CHILD[joint]
        rest_dir = _unit(np.array(offsets.get(child, end_sites.get(joint))))
        current = _unit(positions[child] - positions[joint])
        start = glob[parent].apply(np.tile(rest_dir, (len(current), 1)))
        glob[joint] = _swing(_unit(start), current) * glob[parent]
    local = {"Hips": glob["Hips"]}
    for joint in JOINTS[1:]:
        local[joint] = glob[_REST[joint][0]].inv() * glob[joint]
    return Skeleton(offsets, end_sites, positions["Hips"], local)


def _children(joint: str) -> list[str]:
    return [j for j in JOINTS[1:] if _REST[j][0] == joint]


def bvh_text(skeleton: Skeleton, frame_rate: Fraction) -> str:
    """The skeleton as BVH text (channels ``Zrotation Xrotation Yrotation``, degrees)."""
    lines: list[str] = ["HIERARCHY"]

    def fmt(v: np.ndarray) -> str:
        return " ".join(f"{x:.4f}" for x in v)

    def write(joint: str, depth: int) -> None:
        pad = "\t" * depth
        if joint == "Hips":
            lines.append("ROOT Hips")
        else:
            lines.append(f"{pad}JOINT {joint}")
        lines.append(f"{pad}{{")
        lines.append(f"{pad}\tOFFSET {fmt(skeleton.offsets[joint])}")
        if joint == "Hips":
            lines.append(f"{pad}\tCHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation")
        else:
            lines.append(f"{pad}\tCHANNELS 3 Zrotation Xrotation Yrotation")
        for child in _children(joint):
            write(child, depth + 1)
        if joint in skeleton.end_sites:
            lines.append(f"{pad}\tEnd Site")
            lines.append(f"{pad}\t{{")
            lines.append(f"{pad}\t\tOFFSET {fmt(skeleton.end_sites[joint])}")
            lines.append(f"{pad}\t}}")
        lines.append(f"{pad}}}")

    write("Hips", 0)
    frames = len(skeleton.root_positions)
    lines += ["MOTION", f"Frames: {frames}", f"Frame Time: {float(1 / frame_rate):.8f}"]
    eulers = {j: skeleton.local_rotations[j].as_euler("ZXY", degrees=True) for j in JOINTS}
    for i in range(frames):
        values = [skeleton.root_positions[i]] + [eulers[j][i] for j in JOINTS]
        lines.append(" ".join(f"{x:.4f}" for x in np.concatenate(values)))
    return "\n".join(lines) + "\n"


def take_to_bvh(
    path: str | Path,
    out: str | Path,
    *,
    start_frame: int = 0,
    end_frame: int | None = None,
    smooth_frames: float = 1.0,
    overwrite: bool = False,
) -> Motion:
    """Write the body motion of take ``path`` as BVH to ``out`` (atomically, never over the take nor a
    user's file unless ``overwrite``); returns the joint positions it was solved from."""
    from roughcut.export.files import write_file

    path, out = Path(path), Path(out)
    if out.resolve() == path.resolve():
        raise RoughcutError(f"{out}: is the input take; choose another output")
    motion = track_pose(path, start_frame=start_frame, end_frame=end_frame)
    skeleton = solve_skeleton(motion.positions, smooth_frames=smooth_frames)
    write_file(out, bvh_text(skeleton, motion.frame_rate), overwrite=overwrite)
    return motion
