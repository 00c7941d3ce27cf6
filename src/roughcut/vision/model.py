"""Records the vision stage returns (frozen dataclasses, picklable, cached in the store).

Conventions: frame numbers are native frame indices of the take (0 = first frame); times are seconds
from the first frame (printing and matching against speech only); boxes are ``(x, y, width, height)``
as fractions of the upright frame's width and height; face height is forehead-to-chin (face mesh
landmarks 10 and 152) over the frame height.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

#: Screen thirds, left to right.
SCREEN_THIRDS = ("left", "centre", "right")
#: Head yaw classes from landmarks.
YAW_CLASSES = ("frontal", "three_quarter", "profile")


@dataclass(frozen=True)
class FaceSample:
    """One face in one analysed frame.

    ``box`` in frame fractions; ``face_height`` forehead-to-chin over frame height (estimated from the
    detector's box when landmarks are missing); ``yaw`` one of :data:`YAW_CLASSES`; ``mouth_opening``
    inner-lip gap over face height and ``mouth_motion`` the change of the lips' shape since the
    track's previous sample, in face heights (both ``None`` without landmarks); ``screen_position``
    one of :data:`SCREEN_THIRDS`; ``score`` the detector's confidence (1.0 for mesh-only faces).
    """

    frame: int
    time_s: float
    box: tuple[float, float, float, float]
    face_height: float
    yaw: str
    mouth_opening: float | None
    mouth_motion: float | None
    screen_position: str
    has_landmarks: bool
    score: float


@dataclass(frozen=True)
class FaceTrack:
    """One face followed across analysed frames of a take (brief misses tolerated, not filled).

    Aligned with ``samples``: ``mouth_activity``, the lips' motion smoothed over about a third of a
    second (face heights per sample, 0 when unknown), and ``speaking``, the visual speaking decision.
    ``appearance`` is a colour descriptor of the face (it only breaks ties between people);
    ``embeddings`` the identity model's unit embeddings of the track's best few face chips
    (:mod:`roughcut.vision.identity`; empty when no chip could be aligned, e.g. profiles).
    """

    track_id: int
    samples: tuple[FaceSample, ...]
    mouth_activity: tuple[float, ...]
    speaking: tuple[bool, ...]
    appearance: tuple[float, ...]
    person: str = ""
    embeddings: tuple[tuple[float, ...], ...] = ()
    #: What decided ``speaking``: ``"light-asd"`` (the audio-visual model, scored at 25 frames a second
    #: on native ``speech_frames`` with ``speech_scores``, speaking minus silent logit),
    #: ``"light-asd+vad"`` (the model widened to Silero VAD's speech runs, the decision a model frame
    #: in ``speech_decided``; :mod:`roughcut.vision.voice_fusion`) or ``"lip-motion"`` (the fallback:
    #: no sound, face too small or too brief for the model).
    speaking_source: str = "lip-motion"
    speech_frames: tuple[int, ...] = ()
    speech_scores: tuple[float, ...] = ()
    speech_decided: tuple[bool, ...] = ()

    @property
    def start_frame(self) -> int:
        return self.samples[0].frame

    @property
    def end_frame(self) -> int:
        """Last analysed frame where the face was seen (inclusive)."""
        return self.samples[-1].frame

    @property
    def screen_position(self) -> str:
        """The third of the screen the face spends most samples in."""
        positions = [s.screen_position for s in self.samples]
        return max(SCREEN_THIRDS, key=positions.count)

    @property
    def face_height(self) -> float:
        """Median face height over frame height."""
        heights = sorted(s.face_height for s in self.samples)
        return heights[len(heights) // 2]


@dataclass(frozen=True)
class Person:
    """The face tracks of one person within a take. ``person_id`` is ``person1``, ``person2``… numbered
    left to right by mean screen position; it is the name used in ``roughcut.toml``'s ``[characters]``.
    ``embedding`` is the unit mean of its tracks' identity embeddings (empty when none has one)."""

    person_id: str
    track_ids: tuple[int, ...]
    screen_position: str
    face_height: float
    appearance: tuple[float, ...]
    frames_visible: int
    embedding: tuple[float, ...] = ()


@dataclass(frozen=True)
class ShotSegment:
    """A stretch of the take with one framing: native frames ``start_frame`` to ``end_frame`` (exclusive).

    ``note`` says what limits the faces found there (``"no face found"``, faces too small...), or
    is empty."""

    start_frame: int
    end_frame: int
    shot_size: str | None
    people: int
    note: str = ""


@dataclass(frozen=True)
class TakeVision:
    """Everything the vision stage found in one take.

    ``frame_rate`` and ``frame_count`` are the take's native ones; ``sample_frames`` the native frame
    numbers analysed (about ``analysis_fps`` per second); ``cuts`` native frame numbers where a new
    shot starts; ``fades`` those where a fade from black starts or a fade to black ends (segments
    are split at both); ``sharpness`` the median variance of the Laplacian of the analysed frames' luma
    (higher is sharper, at the analysis width), ``face_sharpness`` the same inside faces;
    ``problems`` what made the analysis partial (no faces, faces too small, rotated, odd shape).
    """

    path: str
    frame_rate: Fraction
    frame_count: int
    frame_size: tuple[int, int]
    analysis_size: tuple[int, int]
    analysis_fps: Fraction
    sample_frames: tuple[int, ...]
    tracks: tuple[FaceTrack, ...]
    persons: tuple[Person, ...]
    shot_size: str | None
    people: int
    segments: tuple[ShotSegment, ...]
    cuts: tuple[int, ...]
    sharpness: float
    face_sharpness: float | None
    soft: bool
    problems: tuple[str, ...] = field(default_factory=tuple)
    fades: tuple[int, ...] = ()

    def frame_to_seconds(self, frame: int) -> float:
        return float(Fraction(frame) / self.frame_rate)

    def seconds_to_frame(self, seconds: float) -> int:
        return int(Fraction(seconds).limit_denominator(1_000_000) * self.frame_rate)

    def tracks_of(self, person_id: str) -> tuple[FaceTrack, ...]:
        return tuple(t for t in self.tracks if t.person == person_id)
