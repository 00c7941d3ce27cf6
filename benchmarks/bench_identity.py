"""Face-embedding models side by side on real faces: the shipped SFace and dlib's ResNet.

Prints, for each model, on ``faces/identities`` (13 photographs of 5 people, every pair: 78): the
same/different accuracy at the model's documented threshold; the accuracy at a threshold tuned on
one half of the pairs and reported on the other (both ways); the largest same-person and smallest
different-person distances; and the embedding time per face (landmarks + network, median, ms). On
the reaction shot of ``faces/hamilton_clip.mp4`` (frames 214-274, every 6th): how many of the
frames' faces nearest to ``identities/obama`` are within the model's threshold.

dlib runs only where ``dlib`` (``pip install dlib-bin``) and ``face_recognition_models`` are
installed; it is not a dependency of roughcut. Each model aligns its faces its own way: SFace with
YuNet's five points (``FaceRecognizerSF.alignCrop``), dlib with its 5-point shape predictor in the
box of its HOG detector (portraits) or of YuNet (video frames, where HOG finds no three-quarter face).

Run: ``python benchmarks/bench_identity.py [MEDIA_DIR]`` (default ``../shared/media``).
"""

from __future__ import annotations

import importlib.util
import itertools
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from roughcut.vision.identity import SAME_PERSON_DISTANCE, cosine_distance, face_embedder

#: dlib's documented threshold: Euclidean distance 0.6 between descriptors (99.38 % on LFW).
DLIB_THRESHOLD = 0.6


def _picture(path: Path) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(path).convert("RGB"))


class SFace:
    name = "SFace int8bq + YuNet (shipped)"
    threshold = SAME_PERSON_DISTANCE

    def box(self, image: np.ndarray):
        faces = face_embedder().detect_faces(image)
        return max(faces, key=lambda f: f[1])[0] if faces else None

    def embed(self, image: np.ndarray, box) -> np.ndarray | None:
        return face_embedder().embed(image, box)

    @staticmethod
    def distance(a: np.ndarray, b: np.ndarray) -> float:
        return cosine_distance(a, b)


class DlibResNet:
    name = "dlib ResNet v1 + 5-point shape predictor"
    threshold = DLIB_THRESHOLD

    def __init__(self) -> None:
        import dlib

        spec = importlib.util.find_spec("face_recognition_models")
        models = Path(spec.submodule_search_locations[0]) / "models"
        self._dlib = dlib
        self._hog = dlib.get_frontal_face_detector()
        self._shape = dlib.shape_predictor(str(models / "shape_predictor_5_face_landmarks.dat"))
        self._net = dlib.face_recognition_model_v1(str(models / "dlib_face_recognition_resnet_model_v1.dat"))

    def box(self, image: np.ndarray):
        found = self._hog(image, 1)
        if not len(found):
            return None
        r = max(found, key=lambda r: r.area())
        return (r.left(), r.top(), r.width(), r.height())

    def embed(self, image: np.ndarray, box) -> np.ndarray | None:
        x, y, w, h = box
        rect = self._dlib.rectangle(int(x), int(y), int(x + w), int(y + h))
        shape = self._shape(image, rect)
        return np.array(self._net.compute_face_descriptor(image, shape, 0), np.float32)

    @staticmethod
    def distance(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.linalg.norm(a - b))


def _tuned_accuracy(distances: np.ndarray, same: np.ndarray) -> float:
    """Mean accuracy over the two halves of the pairs, each at the threshold best on the other."""
    halves = (np.arange(len(same)) % 2 == 0, np.arange(len(same)) % 2 == 1)
    scores = []
    for tune, test in (halves, halves[::-1]):
        candidates = np.sort(distances[tune])
        cuts = (candidates[:-1] + candidates[1:]) / 2
        best = max(cuts, key=lambda c: np.mean((distances[tune] <= c) == same[tune]))
        scores.append(np.mean((distances[test] <= best) == same[test]))
    return float(np.mean(scores))


def _reaction_shot(media: Path) -> list[tuple[np.ndarray, list]]:
    import av

    frames = []
    with av.open(str(media / "faces" / "hamilton_clip.mp4")) as container:
        for index, frame in enumerate(container.decode(video=0)):
            if 214 <= index <= 274 and (index - 214) % 6 == 0:
                image = frame.to_ndarray(format="rgb24")
                frames.append((image, [b for b, _ in face_embedder().detect_faces(image)]))
    return frames


def main(media: Path) -> None:
    models: list = [SFace()]
    try:
        models.append(DlibResNet())
    except ImportError as exc:
        print(f"dlib not measured ({exc}); pip install dlib-bin face-recognition-models")
    photos = sorted((media / "faces" / "identities").glob("*/*"))
    reaction = _reaction_shot(media)
    for model in models:
        names, embeddings, times = [], [], []
        for path in photos:
            image = _picture(path)
            box = model.box(image)
            if box is None:
                print(f"  {model.name}: no face in {path.name}")
                continue
            model.embed(image, box)
            start = time.perf_counter()
            embeddings.append(model.embed(image, box))
            times.append(time.perf_counter() - start)
            names.append(path.parent.name)
        pairs = list(itertools.combinations(range(len(names)), 2))
        distances = np.array([model.distance(embeddings[i], embeddings[j]) for i, j in pairs])
        same = np.array([names[i] == names[j] for i, j in pairs])
        accuracy = np.mean((distances <= model.threshold) == same)
        obama = [e for n, e in zip(names, embeddings, strict=True) if n == "obama"]
        hits = 0
        for image, boxes in reaction:
            found = [e for e in (model.embed(image, b) for b in boxes) if e is not None]
            nearest = min((min(model.distance(e, o) for o in obama) for e in found), default=np.inf)
            hits += nearest <= model.threshold
        print(f"{model.name}:")
        tuned = _tuned_accuracy(distances, same)
        print(f"  identities: {len(pairs)} pairs ({same.sum()} same), threshold {model.threshold:.3f}")
        print(
            f"  accuracy at documented threshold {accuracy:.1%}; tuned on one half, on the other {tuned:.1%}"
        )
        largest, smallest = distances[same].max(), distances[~same].min()
        print(f"  largest same-person distance {largest:.3f}, smallest different {smallest:.3f}")
        print(f"  embedding time per face {statistics.median(times) * 1000:.1f} ms (median of {len(times)})")
        print(f"  hamilton reaction shot: obama found within threshold in {hits} of {len(reaction)} frames")


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared" / "media")
