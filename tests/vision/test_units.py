"""Shot size convention, geometry, tracking, persons and the speaking decision on made-up data."""

from __future__ import annotations

import numpy as np
import pytest

from roughcut.vision.faces import FaceTracker, Observation, merge_observations
from roughcut.vision.faces import RawTrack as Raw
from roughcut.vision.geometry import iou, screen_third, yaw_class
from roughcut.vision.model import FaceSample, FaceTrack
from roughcut.vision.persons import appearance_distance, group_tracks, make_persons
from roughcut.vision.shot_size import SHOT_SIZE_LIMITS, SHOT_SIZES, classify_shot_size
from roughcut.vision.speaking import speaking_at, speaking_mask
from roughcut.vision.take import _split_at_cuts


@pytest.mark.parametrize(
    ("ratio", "size"),
    [(0.20, "MS"), (0.42, "CU"), (0.9, "ECU"), (0.30, "MCU"), (0.125, "MLS"), (0.077, "LS"), (0.02, "ELS")],
)
def test_shot_size_convention(ratio: float, size: str) -> None:
    assert classify_shot_size(ratio) == size


def test_shot_sizes_ordered_by_limits() -> None:
    assert list(SHOT_SIZE_LIMITS) == sorted(SHOT_SIZE_LIMITS, reverse=True)
    for name, limit in zip(SHOT_SIZES, SHOT_SIZE_LIMITS, strict=False):
        assert classify_shot_size(limit) == name
        assert classify_shot_size(limit - 1e-6) != name


@pytest.mark.parametrize(
    ("bottom", "face", "size"),
    [
        (0.8, 0.5, "ECU"),  # the frame bottom inside the face
        (3.0, 0.65, "ECU"),  # a face filling the frame
        (1.7, 0.45, "CU"),  # shoulders
        (2.8, 0.3, "MCU"),  # chest
        (4.0, 0.2, "MS"),  # waist
        (7.5, 0.12, "MLS"),  # knees
        (11.0, 0.08, "LS"),  # feet in frame
        (25.0, 0.02, "ELS"),  # a small full figure
    ],
)
def test_framing_convention(bottom: float, face: float, size: str) -> None:
    from roughcut.vision.shot_size import classify_framing

    assert classify_framing(bottom, face) == size


def test_editor_uses_the_same_shot_sizes() -> None:
    from roughcut.edit.coverage import SHOT_SIZES as EDITOR_SIZES

    assert EDITOR_SIZES == SHOT_SIZES


def _pose(levels: dict[int, float], scale: float, top: float) -> list[tuple[float, float, float]]:
    """33 pose landmarks of an upright figure: landmark ``i`` at ``top + scale * level``."""
    points = [(0.5, top + 0.5 * scale, 1.0)] * 33  # the nose half a face below the forehead
    for i, level in levels.items():
        points[i] = (0.5, top + scale * level, 1.0)
    return points


def test_frame_bottom_from_pose() -> None:
    from roughcut.vision.shot_size import BODY_LEVELS, frame_bottom_from_face, frame_bottom_from_pose

    face = (0.45, 0.1, 0.1, 0.1)
    standing = _pose(BODY_LEVELS, 0.1, 0.1)
    assert frame_bottom_from_pose(standing, face) == pytest.approx(9.0)
    assert frame_bottom_from_face(0.1, 0.1) == pytest.approx(9.0)
    seated = dict(BODY_LEVELS) | {25: 4.9, 26: 4.9, 27: 8.0, 28: 8.0}  # knees forward, not down
    assert frame_bottom_from_pose(_pose(seated, 0.1, 0.1), face) == pytest.approx(9.0)
    elsewhere = _pose(BODY_LEVELS, 0.1, 0.1)
    elsewhere[0] = (0.9, 0.15, 1.0)  # the pose is another person's
    assert frame_bottom_from_pose(elsewhere, face) is None


def test_picture_distance_ignores_brightness_and_shifts() -> None:
    from roughcut.vision.cuts import normalised, picture_distance

    rng = np.random.default_rng(3)
    scene = np.clip(rng.normal(120, 40, (70, 120)), 0, 255).astype(np.float32)
    import cv2

    scene = cv2.GaussianBlur(scene, (0, 0), 2)
    a = scene[8:62, 10:106]
    brighter = np.clip(a * 1.3, 0, 255)
    moved = scene[10:64, 14:110]
    other = cv2.GaussianBlur(np.clip(rng.normal(120, 40, (54, 96)), 0, 255).astype(np.float32), (0, 0), 2)
    assert picture_distance(normalised(a), normalised(brighter)) < 0.1  # cuts: 0.5 and more
    assert picture_distance(normalised(a), normalised(moved)) < 0.1
    assert picture_distance(normalised(a), normalised(other)) > 0.5


def test_geometry() -> None:
    assert [screen_third(x) for x in (0.1, 0.5, 0.9)] == ["left", "centre", "right"]
    assert [yaw_class(a) for a in (0.05, 0.5, 0.95)] == ["frontal", "three_quarter", "profile"]
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert iou((0, 0, 10, 10), (5, 0, 10, 10)) == pytest.approx(50 / 150)
    assert iou((0, 0, 1, 1), (5, 5, 1, 1)) == 0.0


def _sample(frame: int, x: float = 0.4, landmarks: bool = True, moving: bool = False) -> FaceSample:
    return FaceSample(
        frame=frame,
        time_s=frame / 25,
        box=(x, 0.3, 0.1, 0.2),
        face_height=0.2,
        yaw="frontal",
        mouth_opening=0.02 if landmarks else None,
        mouth_motion=(0.02 if moving else 0.0) if landmarks else None,
        screen_position=screen_third(x + 0.05),
        has_landmarks=landmarks,
        score=0.9,
    )


def test_tracker_links_through_a_brief_miss_and_keeps_faces_apart() -> None:
    tracker = FaceTracker((640, 360))
    ids = []
    for k in range(10):
        obs = [Observation((100 + k, 100, 60, 80), None, None, 0.9)]
        if k != 4:  # one missed frame
            obs.append(Observation((400 - k, 100, 60, 80), None, None, 0.9))
        tracks = tracker.assign(k / 8, obs)
        for o, t in zip(obs, tracks, strict=True):
            t.samples.append(_sample(k, landmarks=False))
            t.last_box, t.last_time = o.box, k / 8
        ids.append([t.track_id for t in tracks])
    assert {i[0] for i in ids} == {1} and {i[1] for i in ids if len(i) > 1} == {2}
    assert len(ids[4]) == 1
    # Two seconds later the face is a new track.
    (late,) = tracker.assign(10 / 8 + 2.0, [Observation((100, 100, 60, 80), None, None, 0.9)])
    assert late.track_id == 3


def test_detection_covered_by_mesh_is_not_a_second_face() -> None:
    mesh = Observation((100, 100, 60, 80), np.zeros((468, 3)), None, 1.0)
    same = Observation((102, 98, 58, 84), None, np.zeros((6, 2)), 0.8)
    other = Observation((400, 100, 60, 80), None, np.zeros((6, 2)), 0.7)
    merged = merge_observations([mesh], [same, other])
    assert len(merged) == 2
    assert merged[0].score == 0.8 and merged[0].landmarks is not None
    assert merged[1] is other


def test_tracks_split_at_cuts() -> None:
    raw = Raw(track_id=1, samples=tuple(_sample(f) for f in range(0, 40, 3)), appearance=(1.0,))
    parts = _split_at_cuts([raw], [20])
    assert [p.samples[0].frame for p in parts] == [0, 21]
    assert [p.track_id for p in parts] == [1, 2]


def _track(track_id: int, frames: range, x: float, colour: list[float]) -> FaceTrack:
    samples = tuple(_sample(f, x=x) for f in frames)
    n = len(samples)
    return FaceTrack(track_id, samples, (0.0,) * n, (False,) * n, tuple(colour))


def test_persons_never_merge_faces_seen_together() -> None:
    a = _track(1, range(0, 50), 0.1, [1, 0, 0, 0])
    b = _track(2, range(0, 50), 0.7, [1, 0, 0, 0])  # same colour, same time: two people
    c = _track(3, range(60, 90), 0.12, [0.9, 0.1, 0, 0])  # a comes back after leaving
    assert appearance_distance(a.appearance, c.appearance) < 0.35
    groups = group_tracks([a, b, c])
    assert sorted(sorted(t.track_id for t in g) for g in groups) == [[1, 3], [2]]
    tracks, persons = make_persons([a, b, c])
    assert [p.person_id for p in persons] == ["person1", "person2"]
    assert persons[0].track_ids == (1, 3) and persons[0].screen_position == "left"
    assert [t.person for t in tracks] == ["person1", "person2", "person1"]


def test_speaking_mask_bridges_pauses_and_drops_twitches() -> None:
    rate = 25.0
    activity = np.zeros(100)
    activity[20:40] = 0.01  # speech
    activity[44:60] = 0.01  # after a 0.16 s pause
    activity[80:83] = 0.01  # a 0.12 s twitch
    speaking = speaking_mask(activity, sample_rate=rate)
    assert speaking[20:60].all()
    assert not speaking[:15].any() and not speaking[65:].any()


def test_speaking_at_native_frames() -> None:
    samples = tuple(_sample(f) for f in range(0, 30, 3))
    track = FaceTrack(1, samples, (0.0,) * 10, (False,) * 5 + (True,) * 5, (1.0,))
    speaking = speaking_at(track, np.arange(40))
    assert not speaking[:13].any() and speaking[14:29].all()
    assert not speaking[32:].any()  # past the track's end


def test_segments_absorb_brief_framing_blips() -> None:
    from fractions import Fraction

    from roughcut.vision.take import _segments

    rate, fps = Fraction(24), Fraction(8)
    frames = list(range(0, 240, 3))  # 10 s analysed at 8 fps
    sizes = [0.2] * 30 + [0.42] * 2 + [0.2] * 20 + [0.42] * 28  # a 0.25 s blip, then a real change
    # Faces 0.25 of the frame height from the top: frame bottom 3.75 face heights below (MS) at 0.2,
    # 1.8 (CU) at 0.42.
    samples = tuple(
        FaceSample(f, f / 24, (0.4, 0.25, 0.1, h), h, "frontal", 0.0, 0.0, "centre", True, 1.0)
        for f, h in zip(frames, sizes, strict=True)
    )
    track = FaceTrack(1, samples, (0.0,) * 80, (False,) * 80, (1.0,))
    segments = _segments(frames, [track], [], 240, rate, fps)
    assert [(s.shot_size, s.people) for s in segments] == [("MS", 1), ("CU", 1)]
    assert segments[0].start_frame == 0 and segments[-1].end_frame == 240
    assert abs(segments[1].start_frame - 156) <= 6
    split = _segments(frames, [track], [120], 240, rate, fps)
    assert [s.start_frame for s in split] == [0, 120, segments[1].start_frame]


def test_short_line_still_sees_the_face() -> None:
    from fractions import Fraction

    from roughcut.vision.model import Person, TakeVision
    from roughcut.vision.speakers import SpokenLine, line_visibility

    frames = tuple(range(0, 72, 3))
    samples = tuple(_sample(f) for f in frames)
    track = FaceTrack(1, samples, (0.0,) * 24, (True,) * 24, (1.0,), person="person1")
    person = Person("person1", (1,), "centre", 0.2, (1.0,), 24)
    vision = TakeVision(
        "x.mp4", Fraction(24), 72, (640, 360), (640, 360), Fraction(8), frames, (track,), (person,),
        "MS", 1, (), (), 100.0, None, False,
    )  # fmt: skip
    line = SpokenLine("1.1", "NORA", 1.01, 1.05)  # 40 ms: between two analysed frames
    (row,) = line_visibility({"x.mp4": vision}, {"x.mp4": [line]}, {"x.mp4:person1": "NORA"})["x.mp4"]
    assert row.speaker_visible and row.visual_speaker == "person1" and row.visible_characters == ("NORA",)


def test_bad_character_override_is_a_config_error() -> None:
    from roughcut.errors import ConfigError
    from roughcut.vision.speakers import assign_characters

    with pytest.raises(ConfigError, match="person1"):
        assign_characters({}, {}, overrides={"person1": "NORA"})
    with pytest.raises(ConfigError, match="TAKE:personN"):
        assign_characters({}, {}, overrides={"a.mp4:person1": 3})
