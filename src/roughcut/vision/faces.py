"""Faces in a take: mediapipe's detectors and face mesh combined, followed across frames into tracks.

Per analysed frame the face mesh (video mode, so it follows faces from frame to frame instead of
searching again) gives landmarks. The full-range detector (faces from about 6 % of the frame height)
and the short-range one (close faces) take turns, one per analysed frame. A detection that no mesh
covers (profiles, small faces) is kept as a face without landmarks. A second detector, OpenCV's
YuNet, finds small, dim and half-hidden faces mediapipe misses (down to about 10 pixels): it runs on
the first frame of each new view and often while the view is wide or a group, rarely in a close
view. Faces are linked into tracks by box overlap and landmark distance, tolerating misses of up to
``TRACK_GAP_S`` seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from roughcut.media import Frame
from roughcut.vision.analyser import FrameAnalyser
from roughcut.vision.geometry import (
    face_height_from_landmarks,
    iou,
    mouth_opening,
    screen_third,
    yaw_from_keypoints,
    yaw_from_landmarks,
)
from roughcut.vision.identity import ChipReservoir, FaceChip, chip_quality, cut_chip
from roughcut.vision.model import FaceSample
from roughcut.vision.speaking import EYE_CORNERS, LIP_LANDMARKS, lip_motion, lip_shape

#: Faces the mesh follows at once.
MAX_FACES = 4
#: The full-range detector (faces of any size from about 6 % of the frame height) runs on even
#: analysed frames, the short-range one (close faces, within about two metres) on odd ones; the mesh
#: follows faces on every frame.
SHORT_RANGE_EVERY = 2
#: Short-range boxes lower than this (fraction of the frame height) are dropped: out of its range
#: the short-range model draws one box over neighbouring faces (measured on an audience shot).
SHORT_RANGE_MIN_HEIGHT = 0.25
#: The second detector (OpenCV's YuNet on the whole analysis frame: faces down to about 10 pixels,
#: dim and half-hidden ones that mediapipe's detectors miss) runs on the first ``NEW_VIEW_SEARCHED``
#: analysed frames of every new view, then on every ``SECOND_SEARCH_WIDE``-th while it finds faces
#: the mediapipe detectors miss or the faces in view are small (the largest under ``WIDE_VIEW_FACE``
#: of the frame height), else on every ``SECOND_SEARCH_EVERY``-th (2 s at 8 fps).
SECOND_SEARCH_WIDE = 3
SECOND_SEARCH_EVERY = 16
WIDE_VIEW_FACE = 0.2
NEW_VIEW_SEARCHED = 2
#: Lowest YuNet confidence kept: a 20-pixel patch of background scored 0.63 in
#: ``faces/groups/obama_and_biden.jpg``, a hand 0.74 in the hamilton wide shot (seen on one frame, so
#: dropped with tracks under ``MIN_TRACK_SAMPLES``); the dim face at the audience's right edge 0.66-0.81.
SECOND_MIN_SCORE = 0.65
#: Normalised picture distance between analysed frames (see :mod:`roughcut.vision.cuts`, without
#: the shift search) from which a frame starts a new view.
NEW_VIEW_DISTANCE = 0.5
#: Body landmarks (mediapipe pose) are looked for around the largest face on the second analysed
#: frame of each new view and then on every n-th, while that face is small enough for a body to show.
POSE_EVERY = 24
#: The mesh follows fewer faces once the detectors saw fewer for this many searches.
MESH_RESIZE_AFTER = 12
#: Mesh landmarks read from mediapipe (reading all 468 costs more than the geometry needs): the
#: face oval (for the box), lips, eye corners, nose tip, forehead, chin and cheek edges.
USED_LANDMARKS = tuple(
    sorted(
        {10, 21, 54, 58, 67, 93, 103, 109, 127, 132, 136, 148, 149, 150, 152, 162, 172, 176, 234, 251}
        | {284, 288, 297, 323, 332, 338, 356, 361, 365, 377, 378, 379, 389, 397, 400, 454}
        | set(LIP_LANDMARKS)
        | set(EYE_CORNERS)
        | {1, 13, 14, 82, 87, 312, 317}
    )
)
#: Lowest detector confidence kept.
MIN_DETECTION_SCORE = 0.5
#: A detection overlapping a mesh face by this much (IoU) is that face.
SAME_FACE_IOU = 0.3
#: Forehead-to-chin height over the detector box's height (measured on frontal faces with both).
DETECTOR_BOX_TO_FACE_HEIGHT = 0.95
#: A track waits this long (seconds) for its face to come back before it ends.
TRACK_GAP_S = 1.0
#: Tracks with fewer samples are dropped as spurious detections.
MIN_TRACK_SAMPLES = 3
#: Appearance descriptor: hue × saturation histogram bins of the face box.
HIST_BINS = (8, 4)
#: Sharpness inside the largest face is measured on every n-th analysed frame.
SHARPNESS_EVERY = 4
#: Appearance is sampled on every n-th sample of a track.
APPEARANCE_EVERY = 4


@dataclass
class Observation:
    """A face in one frame before tracking: box in pixels ``(x, y, w, h)``, optional landmarks."""

    box: tuple[float, float, float, float]
    landmarks: np.ndarray | None
    keypoints: np.ndarray | None
    score: float


@dataclass
class _OpenTrack:
    track_id: int
    samples: list[FaceSample] = field(default_factory=list)
    last_box: tuple[float, float, float, float] = (0, 0, 0, 0)
    last_landmarks: np.ndarray | None = None
    last_time: float = 0.0
    last_lips: np.ndarray | None = None
    appearance: list[np.ndarray] = field(default_factory=list)
    chips: ChipReservoir = field(default_factory=ChipReservoir)


@dataclass(frozen=True)
class RawTrack:
    """A finished track before speaking activity and persons are added; ``chips`` the track's best
    face chips spread over its length (for the identity embeddings, not stored)."""

    track_id: int
    samples: tuple[FaceSample, ...]
    appearance: tuple[float, ...]
    chips: tuple[FaceChip, ...] = ()


@dataclass(frozen=True)
class FaceResult:
    """What :class:`FaceAnalyser` returns: tracks and the median sharpness inside faces (or ``None``)."""

    tracks: tuple[RawTrack, ...]
    face_sharpness: float | None
    #: ``(native frame, frame bottom, face height)`` where body landmarks measured the framing: the
    #: frame bottom in face heights below the largest face's forehead (see
    #: :mod:`roughcut.vision.shot_size`) and that face's height over the frame height.
    framings: tuple[tuple[int, float, float], ...] = ()


def _box_from_landmarks(points: np.ndarray) -> tuple[float, float, float, float]:
    x0, y0 = np.nanmin(points[:, 0]), np.nanmin(points[:, 1])
    x1, y1 = np.nanmax(points[:, 0]), np.nanmax(points[:, 1])
    return float(x0), float(y0), float(x1 - x0), float(y1 - y0)


def _detections(result, width: int, height: int) -> list[Observation]:
    found = []
    for detection in result.detections or []:
        score = float(detection.score[0]) if detection.score else 0.0
        if score < MIN_DETECTION_SCORE:
            continue
        rel = detection.location_data.relative_bounding_box
        box = (rel.xmin * width, rel.ymin * height, rel.width * width, rel.height * height)
        keys = np.array([(k.x * width, k.y * height) for k in detection.location_data.relative_keypoints])
        found.append(Observation(box=box, landmarks=None, keypoints=keys, score=score))
    return found


def _same_face(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Boxes that overlap by ``SAME_FACE_IOU`` or where one lies mostly inside the other."""
    if iou(a, b) >= SAME_FACE_IOU:
        return True
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    smaller = min(a[2] * a[3], b[2] * b[3])
    return smaller > 0 and ix * iy / smaller >= 0.6


def merge_observations(meshes: list[Observation], detections: list[Observation]) -> list[Observation]:
    """Mesh faces plus the detections no mesh face covers (duplicates removed: the mesh can keep
    following a stale region over another face for a few frames after a cut).

    A mesh face takes the best score of the detections that cover it (1.0 when none does)."""
    merged: list[Observation] = []
    for mesh in sorted(meshes, key=lambda m: -m.box[2] * m.box[3]):
        if not any(_same_face(mesh.box, kept.box) for kept in merged):
            merged.append(mesh)
    kept_meshes = len(merged)
    covered: dict[int, float] = {}
    for detection in sorted(detections, key=lambda d: -d.score):
        same = [k for k, other in enumerate(merged) if _same_face(detection.box, other.box)]
        if not same:
            merged.append(detection)
            continue
        best = max(same, key=lambda k: iou(detection.box, merged[k].box))
        if best < kept_meshes:
            covered[best] = max(covered.get(best, 0.0), detection.score)
    for index, score in covered.items():
        merged[index].score = score
    return merged


def yunet_detector(size: tuple[int, int]):
    """OpenCV's YuNet face detector (the int8 model shipped in ``vision/models`` for identity, MIT)
    for pictures of ``size`` (width, height) pixels."""
    import cv2

    from roughcut.vision.identity import YUNET_MODEL

    return cv2.FaceDetectorYN.create(str(YUNET_MODEL), "", size, SECOND_MIN_SCORE)


def yunet_search(detector, image: np.ndarray) -> list[Observation]:
    """Faces in an RGB picture by YuNet (``detector`` from :func:`yunet_detector`, sized for it).
    Its five key points become mediapipe's six (eyes, nose tip, mouth centre, and the eyes again
    for the ears: yaw is then read on the eyes' span)."""
    import cv2

    _, rows = detector.detect(cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    found = []
    for row in rows if rows is not None else []:
        x, y, w, h = (float(v) for v in row[:4])
        eye_r, eye_l, nose, mouth_r, mouth_l = np.asarray(row[4:14], float).reshape(5, 2)
        keys = np.array([eye_r, eye_l, nose, (mouth_r + mouth_l) / 2, eye_r, eye_l])
        # YuNet's box runs from the brow to below the chin: square it on the face's centre like
        # mediapipe's, so sizes and overlaps compare.
        side = (w + h) / 2
        box = (x + w / 2 - side / 2, y + h / 2 - side / 2, side, side)
        found.append(Observation(box, None, keys, float(row[-1])))
    return merge_observations([], found)


class FaceTracker:
    """Links per-frame observations into tracks (Hungarian matching on box overlap and landmarks)."""

    def __init__(self, frame_size: tuple[int, int]) -> None:
        self.width, self.height = frame_size
        self.open: list[_OpenTrack] = []
        self.closed: list[_OpenTrack] = []
        self._next_id = 1

    def _cost(self, track: _OpenTrack, obs: Observation) -> float:
        overlap = iou(track.last_box, obs.box)
        tx, ty, tw, th = track.last_box
        ox, oy, ow, oh = obs.box
        size = max(th, oh, 1.0)
        distance = np.hypot(tx + tw / 2 - ox - ow / 2, ty + th / 2 - oy - oh / 2) / size
        ratio = max(th, oh) / max(min(th, oh), 1.0)
        if overlap < 0.1 and (distance > 0.6 or ratio > 1.6):
            return np.inf
        cost = (1.0 - overlap) + 0.5 * distance
        if track.last_landmarks is not None and obs.landmarks is not None:
            a = track.last_landmarks[USED_LANDMARKS, :2]
            b = obs.landmarks[USED_LANDMARKS, :2]
            cost += float(np.mean(np.linalg.norm((a - a.mean(0)) - (b - b.mean(0)), axis=1))) / size
        return cost

    def assign(self, time_s: float, observations: list[Observation]) -> list[_OpenTrack]:
        """The track each observation continues (new tracks for the unmatched ones)."""
        from scipy.optimize import linear_sum_assignment

        still_open = []
        for track in self.open:
            (still_open if time_s - track.last_time <= TRACK_GAP_S else self.closed).append(track)
        self.open = still_open
        assigned: list[_OpenTrack | None] = [None] * len(observations)
        if self.open and observations:
            costs = np.array([[self._cost(t, o) for o in observations] for t in self.open])
            finite = np.where(np.isfinite(costs), costs, 1e6)
            rows, cols = linear_sum_assignment(finite)
            for r, c in zip(rows, cols, strict=True):
                if np.isfinite(costs[r, c]):
                    assigned[c] = self.open[r]
        tracks = []
        for track in assigned:
            if track is None:
                track = _OpenTrack(track_id=self._next_id)
                self._next_id += 1
                self.open.append(track)
            tracks.append(track)
        return tracks

    def finish(self) -> list[_OpenTrack]:
        done = sorted(self.closed + self.open, key=lambda t: t.track_id)
        return [t for t in done if len(t.samples) >= MIN_TRACK_SAMPLES]


def _appearance(image: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray | None:
    """Normalised hue × saturation histogram of the inner face box (``HIST_BINS``)."""
    import cv2

    x, y, w, h = box
    x0, y0 = max(0, int(x + 0.2 * w)), max(0, int(y + 0.2 * h))
    x1, y1 = min(image.shape[1], int(x + 0.8 * w)), min(image.shape[0], int(y + 0.8 * h))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    hsv = cv2.cvtColor(np.ascontiguousarray(image[y0:y1, x0:x1]), cv2.COLOR_RGB2HSV)
    hist = cv2.calcHist([hsv], [0, 1], None, list(HIST_BINS), [0, 180, 0, 256]).ravel()
    total = hist.sum()
    return hist / total if total > 0 else None


def _laplacian_variance(image: np.ndarray, box: tuple[float, float, float, float]) -> float | None:
    import cv2

    x, y, w, h = box
    x0, y0 = max(0, int(x)), max(0, int(y))
    x1, y1 = min(image.shape[1], int(x + w)), min(image.shape[0], int(y + h))
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    gray = cv2.cvtColor(np.ascontiguousarray(image[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(gray, cv2.CV_32F).var())


class FaceAnalyser(FrameAnalyser):
    """Detects, meshes and tracks faces; ``post_process`` returns a :class:`FaceResult`."""

    def __init__(self, *, native_rate: float) -> None:
        import mediapipe as mp

        self.native_rate = native_rate
        self._mp = mp
        self._mesh_faces = 1
        self._mesh = self._new_mesh(self._mesh_faces)
        self._short = mp.solutions.face_detection.FaceDetection(
            model_selection=0, min_detection_confidence=MIN_DETECTION_SCORE
        )
        self._full = mp.solutions.face_detection.FaceDetection(
            model_selection=1, min_detection_confidence=MIN_DETECTION_SCORE
        )
        self._tracker: FaceTracker | None = None
        self._count = 0
        self._last_second = -SECOND_SEARCH_EVERY
        self._last_picture: np.ndarray | None = None
        self._second_added = False
        self._second = None
        self._second_size = (0, 0)
        self._largest_seen = 0.0
        self._view_changed = False
        self._view_start = 0
        self._pose = None
        self._last_pose = -POSE_EVERY
        self._framings: list[tuple[int, float, float]] = []
        self._recent_counts: list[int] = []
        self._face_sharpness: list[float] = []
        self._last_frame = -1

    def _new_mesh(self, faces: int):
        return self._mp.solutions.face_mesh.FaceMesh(
            static_image_mode=False,
            max_num_faces=faces,
            refine_landmarks=False,
            min_detection_confidence=0.5,
            min_tracking_confidence=0.5,
        )

    def _size_mesh(self, detected: int) -> None:
        """Let the mesh follow as many faces as the detectors see: it searches for faces itself on
        every frame where it follows fewer than its maximum, which costs as much as a detector."""
        self._recent_counts = [*self._recent_counts[-MESH_RESIZE_AFTER + 1 :], detected]
        wanted = self._mesh_faces
        if detected > self._mesh_faces:
            wanted = min(MAX_FACES, detected)
        elif len(self._recent_counts) == MESH_RESIZE_AFTER and max(self._recent_counts) < self._mesh_faces:
            wanted = max(1, max(self._recent_counts))
        if wanted != self._mesh_faces:
            self._mesh.close()
            self._mesh = self._new_mesh(wanted)
            self._mesh_faces = wanted
            self._recent_counts = []

    def _second_search(self, image: np.ndarray) -> list[Observation]:
        size = (image.shape[1], image.shape[0])
        if self._second is None or self._second_size != size:
            self._second, self._second_size = yunet_detector(size), size
        return yunet_search(self._second, image)

    def _new_view(self, image: np.ndarray) -> bool:
        """Whether ``image`` looks unlike the previous analysed frame (a cut or a big move)."""
        from roughcut.vision.cuts import normalised, small_grey

        picture = normalised(small_grey(image))
        last, self._last_picture = self._last_picture, picture
        return last is None or float(np.mean(np.abs(picture - last))) >= NEW_VIEW_DISTANCE

    def observe(self, image: np.ndarray) -> list[Observation]:
        """Every face in one RGB frame: mesh faces plus detections no mesh covers.

        The detectors alternate (full-range on even analysed frames, short-range on odd ones); the
        second detector runs on new views and then on a schedule (``SECOND_SEARCH_WIDE``,
        ``SECOND_SEARCH_EVERY``)."""
        import cv2

        height, width = image.shape[:2]
        meshes = []
        for face in self._mesh.process(image).multi_face_landmarks or []:
            points = np.full((468, 3), np.nan)
            for i in USED_LANDMARKS:
                p = face.landmark[i]
                points[i] = (p.x * width, p.y * height, p.z * width)
            meshes.append(
                Observation(box=_box_from_landmarks(points), landmarks=points, keypoints=None, score=1.0)
            )
        # The detectors' models see 128 and 192 pixels: half the analysis size loses nothing.
        small = cv2.resize(image, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
        if self._count % SHORT_RANGE_EVERY:
            detections = [
                d
                for d in _detections(self._short.process(small), width, height)
                if d.box[3] >= SHORT_RANGE_MIN_HEIGHT * height
            ]
        else:
            detections = _detections(self._full.process(small), width, height)
        since = self._count - self._last_second
        wide = self._second_added or 0 < self._largest_seen < WIDE_VIEW_FACE
        self._view_changed = self._new_view(image)
        if self._view_changed:
            self._view_start = self._count
        if (
            self._count - self._view_start < NEW_VIEW_SEARCHED
            or since >= SECOND_SEARCH_EVERY
            or (wide and since >= SECOND_SEARCH_WIDE)
        ):
            whole = merge_observations(meshes, detections)
            second = self._second_search(image)
            self._second_added = any(not any(_same_face(t.box, o.box) for o in whole) for t in second)
            detections += second
            self._last_second = self._count
        observations = merge_observations(meshes, detections)
        self._largest_seen = max((o.box[3] / height for o in observations), default=0.0)
        self._size_mesh(len(observations))
        return observations

    def _sample(self, frame: Frame, obs: Observation, track: _OpenTrack, size: tuple[int, int]) -> FaceSample:
        width, height = size
        x, y, w, h = obs.box
        opening: float | None = None
        motion: float | None = None
        lips = None
        if obs.landmarks is not None:
            face_px = face_height_from_landmarks(obs.landmarks)
            face_height = face_px / height
            yaw = yaw_from_landmarks(obs.landmarks)
            opening = mouth_opening(obs.landmarks)
            lips = lip_shape(obs.landmarks, face_px)
            if track.last_lips is not None and track.samples and track.samples[-1].frame == self._last_frame:
                motion = lip_motion(track.last_lips, lips)
        else:
            face_height = h * DETECTOR_BOX_TO_FACE_HEIGHT / height
            yaw = yaw_from_keypoints(obs.keypoints) if obs.keypoints is not None else "profile"
        track.last_lips = lips
        return FaceSample(
            frame=frame.index,
            time_s=frame.index / self.native_rate,
            box=(x / width, y / height, w / width, h / height),
            face_height=float(face_height),
            yaw=yaw,
            mouth_opening=opening,
            mouth_motion=motion,
            screen_position=screen_third((x + w / 2) / width),
            has_landmarks=obs.landmarks is not None,
            score=float(obs.score),
        )

    @staticmethod
    def _sample_appearance(
        image: np.ndarray, frame: int, time_s: float, obs: Observation, track: _OpenTrack
    ) -> None:
        """Colour on every ``APPEARANCE_EVERY``-th sample of a track; a face chip for the identity
        model when this face is the best of its stretch of the track so far (larger, more frontal,
        surer), so a track keeps a bounded number of good chips."""
        if (len(track.samples) - 1) % APPEARANCE_EVERY == 0:
            hist = _appearance(image, obs.box)
            if hist is not None:
                track.appearance.append(hist)
        quality = chip_quality(obs.box[3], track.samples[-1].yaw, obs.score)
        if track.chips.wants(time_s, quality):
            chip = cut_chip(image, obs.box, frame=frame, quality=quality)
            if chip is not None:
                track.chips.offer(time_s, chip)

    def process_frame(self, frame: Frame) -> None:
        image = frame.image
        size = (image.shape[1], image.shape[0])
        if self._tracker is None:
            self._tracker = FaceTracker(size)
        observations = self.observe(image)
        time_s = frame.index / self.native_rate
        tracks = self._tracker.assign(time_s, observations)
        for obs, track in zip(observations, tracks, strict=True):
            track.samples.append(self._sample(frame, obs, track, size))
            track.last_box, track.last_landmarks, track.last_time = obs.box, obs.landmarks, time_s
            self._sample_appearance(image, frame.index, time_s, obs, track)
        self._measure_framing(frame, observations)
        if observations and self._count % SHARPNESS_EVERY == 0:
            largest = max(observations, key=lambda o: o.box[3])
            sharp = _laplacian_variance(image, largest.box)
            if sharp is not None:
                self._face_sharpness.append(sharp)
        self._last_frame = frame.index
        self._count += 1

    def _measure_framing(self, frame: Frame, observations: list[Observation]) -> None:
        """Body landmarks around the largest face, on the schedule ``POSE_EVERY`` (new views first),
        give the frame bottom in face heights (kept in ``_framings``)."""
        from roughcut.vision.shot_size import POSE_MAX_FACE, frame_bottom_from_pose

        if not observations:
            return
        height, width = frame.image.shape[:2]
        largest = max(observations, key=lambda o: o.box[3])
        x, y, w, h = largest.box
        if h / height >= POSE_MAX_FACE:
            return
        # Not on a view's first frame: the mesh may still follow a face of the view before.
        if not (self._count - self._view_start == 1 or self._count - self._last_pose >= POSE_EVERY):
            return
        self._last_pose = self._count
        if self._pose is None:  # model_complexity 1 ships with mediapipe (0 and 2 are downloaded)
            self._pose = self._mp.solutions.pose.Pose(static_image_mode=True, model_complexity=1)
        # A column around the face down to the frame bottom: the pose model finds one person.
        x0, x1 = max(0, int(x + w / 2 - 2.5 * w)), min(width, int(x + w / 2 + 2.5 * w))
        y0 = max(0, int(y - h))
        crop = np.ascontiguousarray(frame.image[y0:, x0:x1])
        if crop.shape[0] < 16 or crop.shape[1] < 16:
            return
        result = self._pose.process(crop)
        if not result.pose_landmarks:
            return
        points = [
            ((x0 + p.x * crop.shape[1]) / width, (y0 + p.y * crop.shape[0]) / height, p.visibility)
            for p in result.pose_landmarks.landmark
        ]
        box = (x / width, y / height, w / width, h / height)
        bottom = frame_bottom_from_pose(points, box)
        if bottom is not None:
            self._framings.append((frame.index, bottom, h / height))

    def post_process(self) -> FaceResult:
        self._mesh.close()
        self._short.close()
        self._full.close()
        if self._pose is not None:
            self._pose.close()
        tracks = []
        for track in self._tracker.finish() if self._tracker else []:
            appearance = (
                np.mean(track.appearance, axis=0) if track.appearance else np.zeros(np.prod(HIST_BINS))
            )
            tracks.append(
                RawTrack(
                    track_id=track.track_id,
                    samples=tuple(track.samples),
                    appearance=tuple(float(v) for v in appearance),
                    chips=track.chips.chips(),
                )
            )
        sharpness = float(np.median(self._face_sharpness)) if self._face_sharpness else None
        return FaceResult(tracks=tuple(tracks), face_sharpness=sharpness, framings=tuple(self._framings))


def find_faces(image: np.ndarray) -> list[Observation]:
    """Every face in one RGB picture (a still): the mesh and all three detectors, merged.
    Boxes in pixels; landmarks where the mesh found the face."""
    import mediapipe as mp

    height, width = image.shape[:2]
    image = np.ascontiguousarray(image)
    with mp.solutions.face_mesh.FaceMesh(
        static_image_mode=True, max_num_faces=MAX_FACES, refine_landmarks=False
    ) as mesh:
        meshes = []
        for face in mesh.process(image).multi_face_landmarks or []:
            points = np.full((468, 3), np.nan)
            for i in USED_LANDMARKS:
                p = face.landmark[i]
                points[i] = (p.x * width, p.y * height, p.z * width)
            meshes.append(Observation(_box_from_landmarks(points), points, None, 1.0))
    with (
        mp.solutions.face_detection.FaceDetection(
            model_selection=0, min_detection_confidence=MIN_DETECTION_SCORE
        ) as short,
        mp.solutions.face_detection.FaceDetection(
            model_selection=1, min_detection_confidence=MIN_DETECTION_SCORE
        ) as full,
    ):
        detections = [
            d
            for d in _detections(short.process(image), width, height)
            if d.box[3] >= SHORT_RANGE_MIN_HEIGHT * height
        ]
        detections += _detections(full.process(image), width, height)
        detections += yunet_search(yunet_detector((width, height)), image)
    return merge_observations(meshes, detections)
