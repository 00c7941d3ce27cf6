"""Forward kinematics of a BVH file read by the PyPI ``bvh`` parser (not roughcut's writer)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation


def joint_positions(path: Path) -> dict[str, np.ndarray]:
    """Joint name → ``(frames, 3)`` world positions, from the file's offsets and channels."""
    from bvh import Bvh

    mocap = Bvh(path.read_text())
    names = mocap.get_joints_names()
    frames = mocap.nframes
    glob_rot: dict[str, Rotation] = {}
    glob_pos: dict[str, np.ndarray] = {}
    for name in names:
        offset = np.array(mocap.joint_offset(name), float)
        channels = mocap.joint_channels(name)
        values = np.array(mocap.frames_joint_channels(name, channels), float).reshape(frames, len(channels))
        rotation_channels = [c for c in channels if c.endswith("rotation")]
        order = "".join(c[0] for c in rotation_channels)
        angles = values[:, [channels.index(c) for c in rotation_channels]]
        local = Rotation.from_euler(order.upper(), angles, degrees=True)
        parent = mocap.joint_parent(name)
        if parent is None:
            position_channels = [channels.index(c) for c in ("Xposition", "Yposition", "Zposition")]
            glob_pos[name] = offset + values[:, position_channels]
            glob_rot[name] = local
        else:
            glob_pos[name] = glob_pos[parent.name] + glob_rot[parent.name].apply(np.tile(offset, (frames, 1)))
            glob_rot[name] = glob_rot[parent.name] * local
    return glob_pos
