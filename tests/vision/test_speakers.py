"""Characters from voice and face: who is named after whom, on made-up takes whose truth is set
by construction (who is on screen when, whose face is marked speaking, whose lines are heard)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from roughcut.vision.model import FaceSample, FaceTrack, Person, TakeVision
from roughcut.vision.speakers import SpokenLine, assign_characters, line_visibility

RATE = Fraction(24)
#: Analysed frames: every third native frame of a 10 s take (8 a second).
FRAMES = tuple(range(0, 240, 3))


def _sample(frame: int, x: float) -> FaceSample:
    return FaceSample(
        frame=frame, time_s=frame / 24, box=(x, 0.2, 0.1, 0.2), face_height=0.2, yaw="frontal",
        mouth_opening=0.0, mouth_motion=0.0, screen_position="left" if x < 0.33 else "right",
        has_landmarks=True, score=0.9,
    )  # fmt: skip


def _track(track_id: int, person: str, seen_s: tuple[float, float], speaking_s, x: float) -> FaceTrack:
    """A face on screen from ``seen_s[0]`` to ``seen_s[1]`` seconds, marked speaking inside any of
    the ``speaking_s`` intervals (seconds)."""
    frames = [f for f in FRAMES if seen_s[0] <= f / 24 < seen_s[1]]
    speaking = tuple(any(a <= f / 24 < b for a, b in speaking_s) for f in frames)
    n = len(frames)
    return FaceTrack(
        track_id, tuple(_sample(f, x) for f in frames), (0.0,) * n, speaking, (1.0, 0.0), person=person
    )


def _vision(tracks: list[FaceTrack], embeddings: dict[str, np.ndarray] | None = None) -> TakeVision:
    persons = []
    for person_id in sorted({t.person for t in tracks}):
        own = [t for t in tracks if t.person == person_id]
        embedding = (embeddings or {}).get(person_id)
        persons.append(
            Person(
                person_id, tuple(t.track_id for t in own), own[0].screen_position, 0.2, (1.0, 0.0),
                sum(len(t.samples) for t in own),
                embedding=() if embedding is None else tuple(float(v) for v in embedding),
            )
        )  # fmt: skip
    return TakeVision(
        "take.mp4", RATE, 240, (640, 360), (640, 360), Fraction(8), FRAMES, tuple(tracks), tuple(persons),
        "MS", len(persons), (), (), 100.0, None, False,
    )  # fmt: skip


#: NORA speaks 0-2 s and 4-6 s, SAM 2-4 s and 6-8 s.
LINES = [
    SpokenLine("1", "NORA", 0.0, 2.0),
    SpokenLine("2", "SAM", 2.0, 4.0),
    SpokenLine("3", "NORA", 4.0, 6.0),
    SpokenLine("4", "SAM", 6.0, 8.0),
]


def test_the_face_marked_speaking_during_a_characters_lines_is_that_character() -> None:
    left = _track(1, "person1", (0, 10), [(0, 2), (4, 6)], 0.1)
    right = _track(2, "person2", (0, 10), [(2, 4), (6, 8)], 0.7)
    mapping = assign_characters({"A": _vision([left, right])}, {"A": LINES})
    assert mapping == {"A:person1": "NORA", "A:person2": "SAM"}
    rows = line_visibility({"A": _vision([left, right])}, {"A": LINES}, mapping)["A"]
    assert [r.visual_speaker for r in rows] == ["person1", "person2", "person1", "person2"]
    assert all(r.speaker_visible for r in rows)


def test_a_person_is_never_named_after_lines_heard_while_off_screen() -> None:
    # person1 is on screen only during SAM's lines and keeps still; NORA's lines are heard while
    # they are off screen, and their face is "marked speaking" only where no line is heard.
    listener = _track(1, "person1", (2, 4), [], 0.1)
    also = _track(3, "person1", (6, 10), [(8, 10)], 0.1)
    # person2 is glimpsed on 25 % of NORA's first line while marked speaking: not enough to count.
    glimpse = _track(2, "person2", (1.5, 2.0), [(1.5, 2.0)], 0.7)
    mapping = assign_characters({"A": _vision([listener, also, glimpse])}, {"A": LINES})
    assert mapping == {}


def test_the_characters_override_wins() -> None:
    left = _track(1, "person1", (0, 10), [(0, 2), (4, 6)], 0.1)
    right = _track(2, "person2", (0, 10), [(2, 4), (6, 8)], 0.7)
    mapping = assign_characters({"A": _vision([left, right])}, {"A": LINES}, overrides={"A:person2": "NORA"})
    assert mapping == {"A:person2": "NORA"}  # person1 lost NORA to the override; SAM is unsure now


def test_a_silent_take_inherits_names_by_face() -> None:
    rng = np.random.default_rng(7)
    nora, sam, stranger = (v / np.linalg.norm(v) for v in rng.normal(size=(3, 128)))
    a = _vision(
        [
            _track(1, "person1", (0, 10), [(0, 2), (4, 6)], 0.1),
            _track(2, "person2", (0, 10), [(2, 4), (6, 8)], 0.7),
        ],
        {"person1": nora, "person2": sam},
    )
    # Take B: the same two faces swapped left and right plus a stranger, nobody's lines heard.
    b = _vision(
        [
            _track(1, "person1", (0, 10), [], 0.1),
            _track(2, "person2", (0, 10), [], 0.5),
            _track(3, "person3", (0, 10), [], 0.8),
        ],
        {"person1": sam + 0.02 * rng.normal(size=128), "person2": nora, "person3": stranger},
    )
    mapping = assign_characters({"A": a, "B": b}, {"A": LINES, "B": []})
    assert mapping["B:person1"] == "SAM" and mapping["B:person2"] == "NORA"
    assert "B:person3" not in mapping
