"""Who a face is: OpenCV's SFace face-embedding model on chips aligned by its own five-point detector.

A face found by the tracker (any detector's box) is cut out with a margin (a :class:`FaceChip`);
YuNet, the detector SFace was trained with, finds the eyes, nose tip and mouth corners in the chip,
``FaceRecognizerSF.alignCrop`` warps them onto SFace's 112 × 112 template, and SFace returns a
128-number embedding. Two faces whose embeddings have a cosine similarity of at least
:data:`SAME_PERSON_COSINE` are one person (OpenCV's documented threshold for SFace).

Both models ship in ``vision/models`` (SFace Apache-2.0, YuNet MIT; sources, sizes and SHA-256 in
``docs/models.md``); nothing is downloaded. Chosen over dlib's ResNet (``face_recognition_models``)
by the comparison in ``docs/models.md``: both separate every pair of ``faces/identities``, but only
SFace recognises the three-quarter faces of a real reaction shot.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Where the shipped models are.
MODEL_DIR = Path(__file__).parent / "models"
SFACE_MODEL = MODEL_DIR / "face_recognition_sface_2021dec_int8bq.onnx"
YUNET_MODEL = MODEL_DIR / "face_detection_yunet_2023mar_int8bq.onnx"
#: Cosine similarity from which two embeddings are one person: OpenCV's documented threshold for
#: SFace (``FaceRecognizerSF``, tuned by its authors on LFW). Not tuned on our test media.
SAME_PERSON_COSINE = 0.363
#: The same threshold as a cosine distance (``1 - similarity``; 0 identical, 2 opposite).
SAME_PERSON_DISTANCE = 1.0 - SAME_PERSON_COSINE
#: Embedding length.
EMBEDDING_SIZE = 128
#: A chip is the face box grown by this share of its size on every side.
CHIP_MARGIN = 0.5
#: Chips are scaled so that the face box is at most this tall (pixels): SFace sees 112.
CHIP_FACE_PX = 112
#: Lowest YuNet confidence for the landmarks inside a chip (a face is known to be there).
LANDMARK_SCORE = 0.5
#: Whole pictures searched by :func:`detect_faces` are scaled to at most this long side (pixels).
DETECT_MAX_SIDE = 1024
#: Detection confidence kept by :func:`detect_faces`.
DETECT_SCORE = 0.7
#: Weight of a head pose class in a chip's quality (frontal faces embed best).
YAW_QUALITY = {"frontal": 1.0, "three_quarter": 0.7, "profile": 0.2}


@dataclass(frozen=True)
class FaceChip:
    """A face cut out of one analysed frame with a margin, ready to embed.

    ``image`` RGB uint8; ``box`` the face box inside it in pixels ``(x, y, w, h)``; ``frame`` the
    native frame number; ``quality`` larger for larger, frontal, sharper, surer faces (unitless).
    """

    frame: int
    quality: float
    image: np.ndarray
    box: tuple[float, float, float, float]


def chip_quality(face_px: float, yaw: str, score: float) -> float:
    """Quality of a face for embedding from its box height (pixels), yaw class and detector score:
    size counts up to SFace's 112 pixels."""
    return min(face_px, CHIP_FACE_PX) / CHIP_FACE_PX * YAW_QUALITY.get(yaw, 0.2) * max(score, 0.1)


def cut_chip(
    image: np.ndarray, box: tuple[float, float, float, float], *, frame: int, quality: float
) -> FaceChip | None:
    """The chip of the face at ``box`` (pixels ``(x, y, w, h)``) in an RGB frame; ``None`` when the box
    is empty or outside the frame. The chip's quality is ``quality`` times its sharpness term."""
    import cv2

    x, y, w, h = box
    if w < 4 or h < 4:
        return None
    height, width = image.shape[:2]
    x0, y0 = max(0, int(x - CHIP_MARGIN * w)), max(0, int(y - CHIP_MARGIN * h))
    x1, y1 = min(width, int(x + w * (1 + CHIP_MARGIN))), min(height, int(y + h * (1 + CHIP_MARGIN)))
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    crop = image[y0:y1, x0:x1]
    scale = min(1.0, CHIP_FACE_PX / h)
    if scale < 1.0:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    crop = np.ascontiguousarray(crop)
    gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    # Variance of the Laplacian, saturating: a blurred chip counts less, a sharp one no more than 1.
    sharp = float(cv2.Laplacian(gray, cv2.CV_32F).var())
    sharpness = 0.3 + 0.7 * min(1.0, sharp / 200.0)
    inner = ((x - x0) * scale, (y - y0) * scale, w * scale, h * scale)
    return FaceChip(frame=frame, quality=quality * sharpness, image=crop, box=inner)


class ChipReservoir:
    """The best chips of one track, spread over its length, in bounded memory.

    Keeps the best chip of every window of ``window_s`` seconds; when more than ``capacity`` are
    kept the window doubles (the best chip of each merged window stays), so a track of any length
    keeps between ``capacity / 2`` and ``capacity`` chips, and a later split at a cut still finds
    chips on both sides.
    """

    def __init__(self, *, window_s: float = 1.0, capacity: int = 24) -> None:
        self.window_s = window_s
        self.capacity = capacity
        self._best: dict[int, tuple[float, FaceChip | None]] = {}

    def wants(self, time_s: float, quality: float) -> bool:
        """Whether a chip of ``quality`` at ``time_s`` would be kept (cut it only then)."""
        held = self._best.get(int(time_s // self.window_s))
        return held is None or quality > held[0]

    def offer(self, time_s: float, chip: FaceChip) -> None:
        slot = int(time_s // self.window_s)
        held = self._best.get(slot)
        if held is None or chip.quality > held[0]:
            self._best[slot] = (chip.quality, chip)
        while len(self._best) > self.capacity:
            self.window_s *= 2
            merged: dict[int, tuple[float, FaceChip | None]] = {}
            for old, item in self._best.items():
                new = old // 2
                if new not in merged or item[0] > merged[new][0]:
                    merged[new] = item
            self._best = merged

    def chips(self) -> tuple[FaceChip, ...]:
        """The kept chips in frame order."""
        return tuple(sorted((c for _, c in self._best.values() if c is not None), key=lambda c: c.frame))


def best_chips(chips: Sequence[FaceChip], count: int) -> list[FaceChip]:
    """The ``count`` best chips (by quality), in frame order."""
    return sorted(sorted(chips, key=lambda c: -c.quality)[:count], key=lambda c: c.frame)


class FaceEmbedder:
    """SFace embeddings of faces aligned by YuNet's five landmarks (both OpenCV DNN, CPU)."""

    def __init__(self) -> None:
        import cv2

        for model in (SFACE_MODEL, YUNET_MODEL):
            if not model.is_file():
                raise FileNotFoundError(f"{model}: face model missing from the installed package")
        self._cv2 = cv2
        self._recognizer = cv2.FaceRecognizerSF.create(str(SFACE_MODEL), "")
        self._detector = cv2.FaceDetectorYN.create(str(YUNET_MODEL), "", (320, 320), LANDMARK_SCORE)
        self._lock = threading.Lock()

    def _detect(self, bgr: np.ndarray, score: float) -> np.ndarray:
        """YuNet rows ``[x, y, w, h, 5 × (x, y), score]`` for a BGR picture."""
        self._detector.setInputSize((bgr.shape[1], bgr.shape[0]))
        self._detector.setScoreThreshold(score)
        _, found = self._detector.detect(bgr)
        return found if found is not None else np.zeros((0, 15), np.float32)

    def embed_chip(self, chip: FaceChip) -> np.ndarray | None:
        """The unit-length embedding (``(128,)`` float32) of the face in ``chip``; ``None`` when YuNet
        finds no face overlapping its box (a profile or a face too small to align)."""
        from roughcut.vision.geometry import iou

        bgr = np.ascontiguousarray(chip.image[:, :, ::-1])
        with self._lock:
            found = self._detect(bgr, LANDMARK_SCORE)
            if not len(found):
                return None
            overlaps = [iou(tuple(row[:4]), chip.box) for row in found]
            best = int(np.argmax(overlaps))
            if overlaps[best] < 0.2:
                return None
            aligned = self._recognizer.alignCrop(bgr, found[best])
            feature = self._recognizer.feature(aligned).reshape(-1).astype(np.float32)
        norm = float(np.linalg.norm(feature))
        return feature / norm if norm > 0 else None

    def embed(self, image: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray | None:
        """The embedding of the face at ``box`` (pixels ``(x, y, w, h)``) in an RGB picture."""
        chip = cut_chip(image, box, frame=0, quality=1.0)
        return self.embed_chip(chip) if chip is not None else None

    def detect_faces(self, image: np.ndarray) -> list[tuple[tuple[float, float, float, float], float]]:
        """Faces in a still RGB picture with YuNet: ``[(box in pixels (x, y, w, h), score), ...]``,
        left to right (for photographs given as references; takes use the tracker's faces)."""
        scale = min(1.0, DETECT_MAX_SIDE / max(image.shape[:2]))
        small = image
        if scale < 1.0:
            small = self._cv2.resize(image, None, fx=scale, fy=scale, interpolation=self._cv2.INTER_AREA)
        bgr = np.ascontiguousarray(small[:, :, ::-1])
        with self._lock:
            found = self._detect(bgr, DETECT_SCORE)
        faces = [(tuple(float(v) / scale for v in r[:4]), float(r[14])) for r in found]
        return sorted(faces, key=lambda f: f[0][0])


@functools.cache
def face_embedder() -> FaceEmbedder:
    """The process's one :class:`FaceEmbedder` (the models load once)."""
    return FaceEmbedder()


def cosine_distance(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> float:
    """``1 -`` cosine similarity of two embeddings (0 same direction, 2 opposite)."""
    u, v = np.asarray(a, np.float64), np.asarray(b, np.float64)
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    if nu == 0 or nv == 0:
        return 2.0
    return float(1.0 - u @ v / (nu * nv))


def mean_embedding(embeddings: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray | None:
    """The unit-length mean of unit embeddings (a person's template); ``None`` for none."""
    if len(embeddings) == 0:
        return None
    mean = np.mean(np.asarray(embeddings, np.float64), axis=0)
    norm = np.linalg.norm(mean)
    return (mean / norm).astype(np.float32) if norm > 0 else None


def identify(
    embedding: Sequence[float] | np.ndarray, gallery: Mapping[str, Sequence[Sequence[float]]]
) -> tuple[str | None, float]:
    """The name in ``gallery`` (name → reference embeddings) nearest to ``embedding`` (by the
    distance to each name's mean) and that distance; the name is ``None`` beyond
    :data:`SAME_PERSON_DISTANCE` (an unknown face)."""
    best, distance = None, np.inf
    for name, references in gallery.items():
        template = mean_embedding(references)
        if template is None:
            continue
        d = cosine_distance(embedding, template)
        if d < distance:
            best, distance = name, d
    return (best if distance <= SAME_PERSON_DISTANCE else None), float(distance)


#: Chips embedded per track at most (the best by quality): bounds the model's cost per face track.
CHIPS_PER_TRACK = 3
#: Two chips of a track this close (cosine distance) are enough: no third is embedded.
CHIPS_AGREE = 0.25


def track_embeddings(
    chips: Sequence[FaceChip], *, count: int = CHIPS_PER_TRACK
) -> tuple[tuple[float, ...], ...]:
    """Embeddings of the best of a track's chips that the model could align (float tuples,
    picklable): two, or up to ``count`` when the first two disagree (beyond ``CHIPS_AGREE``); the
    next-best chips stand in for chips that could not be aligned."""
    embedder = face_embedder()
    out: list[np.ndarray] = []
    for chip in sorted(chips, key=lambda c: -c.quality)[: 2 * count]:
        embedding = embedder.embed_chip(chip)
        if embedding is None:
            continue
        out.append(embedding)
        if len(out) == count or (len(out) == 2 and cosine_distance(out[0], out[1]) <= CHIPS_AGREE):
            break
    return tuple(tuple(float(v) for v in e) for e in out)
