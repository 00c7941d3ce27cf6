"""Faces hidden by identity: blur or pixelate chosen persons through a whole take.

Who is chosen comes from the vision stage (:func:`roughcut.vision.take.analyze_take`): its persons
(``person1``, ``person2``… with their SFace embeddings, :mod:`roughcut.vision.identity`) are picked
by id, or by reference photographs (``like``): every person whose embedding lies within SFace's
documented threshold of the photographs' mean, the nearest one when two such persons are on screen
together (one photo is one person).

The vision stage looks at about eight frames a second. Between its samples, and for up to one
sampling interval before and after a track (never across a cut), the face's box is interpolated;
then on every frame OpenCV's YuNet detector looks again and a face it finds on the interpolated box
takes its place, so a turning or moving head is followed frame by frame. The region hidden is the
box grown by :data:`GROW` (hair, ears, chin, and the motion left between samples).

The render goes through :func:`~roughcut.picture.background.render_take` (the one atomic writer:
never over the take or a file the user made), the sound stream copied packet for packet.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from roughcut.errors import RoughcutError
from roughcut.media.frames import read_frames
from roughcut.picture.background import default_output, fit_frame, read_image, render_take, video_info
from roughcut.progress import track
from roughcut.vision.identity import SAME_PERSON_DISTANCE, cosine_distance, face_embedder, mean_embedding
from roughcut.vision.model import TakeVision

#: The hidden region: the face box grown by these shares of its width (left and right) and height
#: (above, below).
GROW = (0.3, 0.45, 0.3)
#: A YuNet face overlapping the interpolated box at least this much (IoU) replaces it.
REFINE_IOU = 0.25
#: Frames are searched by YuNet at most this wide (pixels): faces the vision stage found at its
#: 640-pixel analysis width are found again there.
REFINE_WIDTH = 640
#: Tracks of one person in one shot this close (seconds) are bridged by interpolation.
BRIDGE_S = 1.0
#: Pixelation: blocks across the hidden region's height (at least ``PIXEL_MIN`` pixels each).
PIXEL_BLOCKS = 8
PIXEL_MIN = 4
#: Blur: Gaussian sigma as a share of the hidden region's height.
BLUR_SIGMA = 0.12
STYLES = ("blur", "pixelate")

Box = tuple[float, float, float, float]


@dataclass
class RedactReport:
    """What a redaction did. ``regions`` maps a frame to the hidden rectangles in pixels
    ``(x0, y0, x1, y1)``; ``distances`` the chosen persons' embedding distance to the photographs
    (cosine, 0 same); ``refined`` the frames where YuNet's box was used."""

    path: Path | None = None
    persons: tuple[str, ...] = ()
    distances: dict[str, float] = field(default_factory=dict)
    frames: int = 0
    regions: dict[int, list[tuple[int, int, int, int]]] = field(default_factory=dict)
    refined: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def frames_redacted(self) -> int:
        return sum(1 for boxes in self.regions.values() if boxes)


def photo_embedding(paths: Sequence[str | Path]) -> np.ndarray:
    """The mean SFace embedding of the largest face in each photograph; :class:`MediaError` naming
    a file that is unreadable, :class:`RoughcutError` naming one with no face the model can embed."""
    embedder = face_embedder()
    found = []
    for path in paths:
        image = read_image(path)
        faces = embedder.detect_faces(image)
        if not faces:
            raise RoughcutError(f"{path}: no face found in the reference photograph")
        box = max(faces, key=lambda f: f[0][2] * f[0][3])[0]
        embedding = embedder.embed(image, box)
        if embedding is None:
            raise RoughcutError(f"{path}: the face in the reference photograph could not be aligned")
        found.append(embedding)
    template = mean_embedding(found)
    if template is None:
        raise RoughcutError("no reference photograph given")
    return template


def _frames_of(vision: TakeVision, person_id: str) -> set[int]:
    return {s.frame for t in vision.tracks_of(person_id) for s in t.samples}


def choose_persons(
    vision: TakeVision, *, person_ids: Sequence[str] = (), like: np.ndarray | None = None
) -> tuple[tuple[str, ...], dict[str, float]]:
    """The persons of ``vision`` to hide: those named in ``person_ids`` and those whose embedding is
    within :data:`SAME_PERSON_DISTANCE` of ``like`` (nearest first; a person seen together with one
    already chosen is someone else and is skipped). Returns the ids and the distances to ``like``.
    Raises :class:`RoughcutError` for an id the take does not have."""
    known = {p.person_id: p for p in vision.persons}
    for person_id in person_ids:
        if person_id not in known:
            names = ", ".join(sorted(known, key=lambda n: int(n[6:]) if n[6:].isdigit() else 0)) or "none"
            raise RoughcutError(f"{vision.path}: no {person_id} in this take (persons: {names})")
    chosen = list(dict.fromkeys(person_ids))
    distances: dict[str, float] = {}
    if like is not None:
        scored = sorted(
            (cosine_distance(p.embedding, like), p.person_id) for p in vision.persons if p.embedding
        )
        for distance, person_id in scored:
            distances[person_id] = distance
            if distance > SAME_PERSON_DISTANCE or person_id in chosen:
                continue
            frames = _frames_of(vision, person_id)
            if any(frames & _frames_of(vision, other) for other in chosen):
                continue
            chosen.append(person_id)
    return tuple(chosen), {k: v for k, v in distances.items() if k in chosen}


def _shot_bounds(vision: TakeVision) -> list[int]:
    return sorted({0, *vision.cuts, *vision.fades, vision.frame_count})


def predicted_boxes(vision: TakeVision, person_ids: Sequence[str]) -> dict[int, list[Box]]:
    """Per native frame, the boxes (pixels ``(x, y, w, h)`` of the take's frame) of the chosen
    persons' faces: the vision stage's samples, interpolated between them, bridged between a
    person's tracks up to :data:`BRIDGE_S` apart and held for one sampling interval past each end,
    all within the shot."""
    width, height = vision.frame_size
    bounds = _shot_bounds(vision)
    step = max(1, round(float(vision.frame_rate / vision.analysis_fps)))
    bridge = round(BRIDGE_S * float(vision.frame_rate))
    out: dict[int, list[Box]] = {}
    for person_id in person_ids:
        samples = sorted((s for t in vision.tracks_of(person_id) for s in t.samples), key=lambda s: s.frame)
        # One box per frame (two tracks of one person cannot share a frame).
        points = {s.frame: np.array(s.box) * (width, height, width, height) for s in samples}
        frames = sorted(points)
        for index, frame in enumerate(frames):
            shot = bisect.bisect_right(bounds, frame) - 1
            start, end = bounds[shot], bounds[shot + 1]
            out.setdefault(frame, []).append(tuple(points[frame]))
            following = frames[index + 1] if index + 1 < len(frames) else None
            joined = following is not None and following < end and following - frame <= max(step, bridge)
            if joined:
                for f in range(frame + 1, following):
                    t = (f - frame) / (following - frame)
                    out.setdefault(f, []).append(tuple((1 - t) * points[frame] + t * points[following]))
            else:
                for f in range(frame + 1, min(end, frame + step + 1)):
                    out.setdefault(f, []).append(tuple(points[frame]))
            previous = frames[index - 1] if index else None
            if previous is None or previous < start or frame - previous > max(step, bridge):
                for f in range(max(start, frame - step), frame):
                    out.setdefault(f, []).append(tuple(points[frame]))
    return out


def _iou(a: Box, b: Box) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def grown(box: Box, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """``box`` (pixels ``(x, y, w, h)``) grown by :data:`GROW`, as ``(x0, y0, x1, y1)`` inside a
    picture of ``size`` (width, height)."""
    x, y, w, h = box
    side, above, below = GROW
    x0, y0 = int(np.floor(x - side * w)), int(np.floor(y - above * h))
    x1, y1 = int(np.ceil(x + w * (1 + side))), int(np.ceil(y + h * (1 + below)))
    return max(0, x0), max(0, y0), min(size[0], x1), min(size[1], y1)


def hide(image: np.ndarray, region: tuple[int, int, int, int], style: str) -> None:
    """Blur or pixelate ``region`` (pixels ``(x0, y0, x1, y1)``) of ``image`` in place."""
    x0, y0, x1, y1 = region
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    patch = image[y0:y1, x0:x1]
    h, w = patch.shape[:2]
    if style == "pixelate":
        block = max(PIXEL_MIN, h // PIXEL_BLOCKS)
        small = cv2.resize(patch, (max(1, w // block), max(1, h // block)), interpolation=cv2.INTER_AREA)
        image[y0:y1, x0:x1] = cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)
    else:
        # Down, blurred and up: as strong as a Gaussian of the region's size, at a fraction of its cost.
        factor = max(1, h // 32)
        small = cv2.resize(patch, (max(1, w // factor), max(1, h // factor)), interpolation=cv2.INTER_AREA)
        small = cv2.GaussianBlur(
            small, (0, 0), max(1.0, BLUR_SIGMA * h / factor), borderType=cv2.BORDER_REFLECT
        )
        image[y0:y1, x0:x1] = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


class _Refiner:
    """YuNet on every frame (at most :data:`REFINE_WIDTH` wide): the face it finds on a predicted
    box replaces that box."""

    def __init__(self, size: tuple[int, int]) -> None:
        from roughcut.vision.faces import yunet_detector

        self._scale = min(1.0, REFINE_WIDTH / size[0])
        self._size = (round(size[0] * self._scale), round(size[1] * self._scale))
        self._detector = yunet_detector(self._size)
        self._detector.setScoreThreshold(0.6)

    def __call__(self, image: np.ndarray, boxes: Sequence[Box]) -> tuple[list[Box], int]:
        small = image if self._scale == 1.0 else cv2.resize(image, self._size, interpolation=cv2.INTER_AREA)
        _, rows = self._detector.detect(cv2.cvtColor(small, cv2.COLOR_RGB2BGR))
        found = [tuple(float(v) / self._scale for v in row[:4]) for row in rows] if rows is not None else []
        out, refined = [], 0
        for box in boxes:
            best = max(found, key=lambda f: _iou(f, box), default=None)
            if best is not None and _iou(best, box) >= REFINE_IOU:
                # The union: the detector's tight box where the face is, the prediction's extent
                # where the head moved on.
                x0, y0 = min(best[0], box[0]), min(best[1], box[1])
                x1 = max(best[0] + best[2], box[0] + box[2])
                y1 = max(best[1] + best[3], box[1] + box[3])
                out.append((x0, y0, x1 - x0, y1 - y0))
                refined += 1
            else:
                out.append(box)
        return out, refined


def redact_take(
    take: str | Path,
    out: str | Path | None = None,
    *,
    person_ids: Sequence[str] = (),
    like: Sequence[str | Path] = (),
    style: str = "blur",
    vision: TakeVision | None = None,
    store=None,
    overwrite: bool = False,
) -> RedactReport:
    """Hide the faces of the chosen persons of ``take`` (by id, or like the reference photographs
    ``like``) in every frame, blurred or pixelated (``style``), into ``out`` (default
    ``TAKE_redacted.mp4`` beside the take) with the sound copied untouched. ``vision``: the take's
    vision analysis when the caller has it (otherwise it runs, cached in ``store`` when given).

    Raises :class:`RoughcutError` naming the take when no person is chosen or found, and
    :class:`~roughcut.errors.MediaError` naming a file that cannot be read."""
    from roughcut.vision.take import DEFAULT_FPS, DEFAULT_WIDTH, STAGE, VERSION, analyze_take

    if style not in STYLES:
        raise RoughcutError(f"unknown redaction style {style!r} (one of {', '.join(STYLES)})")
    if not person_ids and not like:
        raise RoughcutError("say whom to hide: a person id (person1, person2...) or a reference photograph")
    take = Path(take)
    info = video_info(take)
    out = Path(out) if out is not None else default_output(take, "redacted")
    template = photo_embedding(like) if like else None
    if vision is None:
        if store is not None:
            from roughcut.media import fingerprint

            params = {"fps": str(DEFAULT_FPS), "width": DEFAULT_WIDTH}
            vision = store.cached(fingerprint(take), STAGE, VERSION, params, lambda: analyze_take(take))
        else:
            vision = analyze_take(take)
    chosen, distances = choose_persons(vision, person_ids=person_ids, like=template)
    if not chosen:
        nearest = min(
            (cosine_distance(p.embedding, template) for p in vision.persons if p.embedding), default=None
        )
        said = (
            f" (nearest face at distance {nearest:.2f}, over {SAME_PERSON_DISTANCE:.2f})" if nearest else ""
        )
        raise RoughcutError(f"{take}: nobody in this take looks like the reference photograph{said}")
    report = RedactReport(persons=chosen, distances=distances)
    width, height = info.video.display_size
    size = (width - width % 2, height - height % 2)
    scale = (size[0] / vision.frame_size[0], size[1] / vision.frame_size[1])
    predicted = predicted_boxes(vision, chosen)

    def pictures() -> Iterator[np.ndarray]:
        refiner = _Refiner(size)
        for frame in track(read_frames(take), f"Hiding faces in {take.name}", total=info.video.frame_count):
            image = fit_frame(frame.image, size).copy()
            boxes = [
                (x * scale[0], y * scale[1], w * scale[0], h * scale[1])
                for x, y, w, h in predicted.get(frame.index, [])
            ]
            regions: list[tuple[int, int, int, int]] = []
            if boxes:
                boxes, refined = refiner(image, boxes)
                report.refined += refined
                regions = [grown(box, size) for box in boxes]
                for region in regions:
                    hide(image, region, style)
            report.regions[frame.index] = regions
            report.frames += 1
            yield image

    report.path = render_take(
        take, pictures(), out, frame_rate=info.video.frame_rate, size=size, overwrite=overwrite
    )
    return report


def region_mask(
    regions: Mapping[int, Sequence[tuple[int, int, int, int]]], frame: int, size: tuple[int, int]
) -> np.ndarray:
    """The hidden pixels of ``frame`` as a boolean ``(height, width)`` mask (``size`` = width, height)."""
    mask = np.zeros((size[1], size[0]), bool)
    for x0, y0, x1, y1 in regions.get(frame, ()):
        mask[y0:y1, x0:x1] = True
    return mask
