"""Synthetic faces, always disclosed: a person's face replaced by a portrait, and a mouth re-timed
to a new line.

Both make pictures that never happened, so both are made only when asked for by name
(``consent=True``, the CLI's ``--i-understand-this-is-synthetic``), and every frame they write
carries a visible ``SYNTHETIC`` label burned into the picture, the file carries the disclosure in its
container metadata (``comment`` and ``description``), and the report repeats it.

* **Face replacement** (:func:`replace_face`): mediapipe's face mesh (468 landmarks, the model in
  the wheel) on the portrait and on the chosen person's face in every frame (a crop around the box
  the vision stage and :mod:`roughcut.picture.redact` follow); the portrait is warped triangle by
  triangle (a Delaunay triangulation of its landmarks, one affine map a triangle) onto the frame's
  landmarks and blended in by Poisson editing (``cv2.seamlessClone``) inside the face's outline.
* **Lip re-timing** (:func:`retime_lips`): the words of a line (a temp ADR WAV and its text) are
  aligned by the speech stage (pocketsphinx), each word's phones (espeak-ng, ARPAbet) share its span
  equally and map to visemes (mouth opening and width); on every frame of the take from ``start_s``
  the lower lip and jaw landmarks and the mouth corners are moved toward the viseme's shape and the
  face is warped piecewise-affinely from the old landmarks to the new.

Limits (``docs/alternate-faces.md``): no teeth or tongue are made (an opened mouth shows stretched
lips and the dark inside it), profiles and faces under about 60 pixels are left as they are, the
portrait's lighting is only matched by the blend, and phones are spread evenly inside each word.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from roughcut.errors import RoughcutError
from roughcut.media.frames import read_frames
from roughcut.picture.background import default_output, fit_frame, read_image, render_take, video_info
from roughcut.picture.redact import choose_persons, photo_embedding, predicted_boxes
from roughcut.progress import track
from roughcut.vision.model import TakeVision

#: The visible label burned into every synthetic frame, and the metadata disclosure.
SYNTHETIC_LABEL = "SYNTHETIC"
DISCLOSURE = (
    "SYNTHETIC: this video contains {what} made by roughcut (https://github.com/roughcut); "
    "it does not show what was filmed."
)
#: The flag that asks for a synthetic render by name.
CONSENT_FLAG = "--i-understand-this-is-synthetic"
#: Faces smaller than this (pixels, box height) are left as they are.
MIN_FACE_PX = 60
#: The crop the face mesh looks at: the face box grown by this share of its size on every side.
MESH_MARGIN = 0.6

#: Mouth shape per viseme: (opening, width), opening the inner lips' gap over face height, width
#: the mouth corners' distance relative to the face's own at rest (1.0).
VISEMES = {
    "closed": (0.0, 1.0),  # P B M
    "lip_teeth": (0.02, 1.0),  # F V
    "open": (0.16, 1.05),  # AA AE AH AY AW
    "mid": (0.09, 1.05),  # EH EY ER IH
    "spread": (0.05, 1.12),  # IY Y S Z T D N L TH DH
    "round": (0.08, 0.8),  # OW UW W OY AO UH R
    "back": (0.07, 1.0),  # K G NG HH
    "postalveolar": (0.05, 0.88),  # CH JH SH ZH
    "rest": (0.0, 1.0),  # silence
}
_PHONE_VISEME = {
    **dict.fromkeys(("P", "B", "M"), "closed"),
    **dict.fromkeys(("F", "V"), "lip_teeth"),
    **dict.fromkeys(("AA", "AE", "AH", "AY", "AW"), "open"),
    **dict.fromkeys(("EH", "EY", "ER", "IH"), "mid"),
    **dict.fromkeys(("IY", "Y", "S", "Z", "T", "D", "N", "L", "TH", "DH"), "spread"),
    **dict.fromkeys(("OW", "UW", "W", "OY", "AO", "UH", "R"), "round"),
    **dict.fromkeys(("K", "G", "NG", "HH"), "back"),
    **dict.fromkeys(("CH", "JH", "SH", "ZH"), "postalveolar"),
}
#: Face mesh landmarks: inner lips (upper 13, lower 14), mouth corners (61, 291), chin (152),
#: forehead (10).
UPPER_INNER, LOWER_INNER, LEFT_CORNER, RIGHT_CORNER, CHIN, FOREHEAD = 13, 14, 61, 291, 152, 10
#: The inner lips' outline, corner to corner along the upper lip and back along the lower.
INNER_LIPS = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95]
#: The colour (RGB) an opened mouth's inside is shaded with.
MOUTH_INSIDE = (45, 18, 18)


@dataclass
class SyntheticReport:
    """What a synthetic render did, with its disclosure. ``faces`` counts the frames changed."""

    path: Path | None = None
    disclosure: str = ""
    persons: tuple[str, ...] = ()
    frames: int = 0
    faces: int = 0
    visemes: list[tuple[float, float, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def require_consent(consent: bool) -> None:
    """Refuse, with the reason, unless the user asked for a synthetic render by name."""
    if not consent:
        raise RoughcutError(
            "this makes a synthetic face (pictures that were never filmed); roughcut makes one only "
            f"when asked by name: add {CONSENT_FLAG}. The render is labelled SYNTHETIC on every frame "
            "and in its metadata."
        )


def burn_label(image: np.ndarray) -> None:
    """Burn the visible :data:`SYNTHETIC_LABEL` into the top left of ``image`` (RGB) in place."""
    height = image.shape[0]
    scale = max(0.7, height / 600)
    thickness = max(2, round(2 * scale))
    (w, h), base = cv2.getTextSize(SYNTHETIC_LABEL, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    pad = round(6 * scale)
    cv2.rectangle(image, (0, 0), (w + 2 * pad, h + base + 2 * pad), (0, 0, 0), -1)
    cv2.putText(
        image,
        SYNTHETIC_LABEL,
        (pad, h + pad),
        cv2.FONT_HERSHEY_SIMPLEX,
        scale,
        (255, 255, 255),
        thickness,
        cv2.LINE_AA,
    )


@functools.cache
def _mesh(static: bool = True):
    import mediapipe as mp

    return mp.solutions.face_mesh.FaceMesh(static_image_mode=static, max_num_faces=1, refine_landmarks=False)


def landmarks(image: np.ndarray, box: tuple[float, float, float, float] | None = None) -> np.ndarray | None:
    """The 468 face mesh landmarks (pixels ``(468, 2)`` of ``image``) of the face at ``box`` (pixels
    ``(x, y, w, h)``; the whole picture when ``None``), or ``None`` when the mesh finds no face."""
    height, width = image.shape[:2]
    x0, y0, x1, y1 = 0, 0, width, height
    if box is not None:
        x, y, w, h = box
        x0, y0 = max(0, int(x - MESH_MARGIN * w)), max(0, int(y - MESH_MARGIN * h))
        x1, y1 = min(width, int(x + w * (1 + MESH_MARGIN))), min(height, int(y + h * (1 + MESH_MARGIN)))
        if x1 - x0 < 16 or y1 - y0 < 16:
            return None
    crop = np.ascontiguousarray(image[y0:y1, x0:x1])
    result = _mesh().process(crop)
    if not result.multi_face_landmarks:
        return None
    points = np.array([(p.x, p.y) for p in result.multi_face_landmarks[0].landmark[:468]], np.float32)
    return points * (x1 - x0, y1 - y0) + (x0, y0)


def triangles(points: np.ndarray) -> np.ndarray:
    """A Delaunay triangulation of ``points`` (``(n, 2)``): ``(m, 3)`` vertex indices."""
    from scipy.spatial import Delaunay

    return Delaunay(points).simplices


def warp_triangles(
    source: np.ndarray,
    source_points: np.ndarray,
    target_points: np.ndarray,
    faces: np.ndarray,
    size: tuple[int, int],
    base: np.ndarray | None = None,
) -> np.ndarray:
    """``source`` warped piecewise-affinely so each triangle of ``source_points`` lands on the same
    triangle of ``target_points``; a picture of ``size`` (width, height), ``base`` (or black) outside
    the triangles."""
    # The bounding rectangles run one pixel past each triangle so rounding leaves no gap.
    out = base.copy() if base is not None else np.zeros((size[1], size[0], source.shape[2]), source.dtype)
    for tri in faces:
        src, dst = source_points[tri].astype(np.float32), target_points[tri].astype(np.float32)
        x, y, w, h = cv2.boundingRect(dst)
        w, h = w + 1, h + 1
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(size[0], x + w), min(size[1], y + h)
        if x1 <= x0 or y1 <= y0:
            continue
        matrix = cv2.getAffineTransform(src, (dst - (x0, y0)).astype(np.float32))
        patch = cv2.warpAffine(
            source, matrix, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101
        )
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        corners = np.round(dst - (x0, y0)).astype(np.int32)
        cv2.fillConvexPoly(mask, corners, 1)
        cv2.polylines(mask, [corners], True, 1)  # shared edges covered: no pixel left black between
        region = out[y0:y1, x0:x1]
        region[mask > 0] = patch[mask > 0]
    return out


def _hull_mask(points: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    mask = np.zeros((size[1], size[0]), np.uint8)
    cv2.fillConvexPoly(mask, cv2.convexHull(np.round(points).astype(np.int32)), 255)
    return mask


def swap_face(
    image: np.ndarray,
    face_points: np.ndarray,
    portrait: np.ndarray,
    portrait_points: np.ndarray,
    faces: np.ndarray,
) -> np.ndarray:
    """``image`` with the face at ``face_points`` replaced by ``portrait``'s (landmarks
    ``portrait_points``, triangulated as ``faces``), blended by ``cv2.seamlessClone``."""
    height, width = image.shape[:2]
    warped = warp_triangles(portrait, portrait_points, face_points, faces, (width, height))
    mask = _hull_mask(face_points, (width, height))
    mask = cv2.erode(mask, np.ones((5, 5), np.uint8))
    ys, xs = np.nonzero(mask)
    if len(xs) < 50:
        return image
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    if x0 < 1 or y0 < 1 or x1 >= width - 1 or y1 >= height - 1:
        return image  # seamlessClone needs the face inside the frame
    centre = (int((x0 + x1 + 1) // 2), int((y0 + y1 + 1) // 2))
    return cv2.seamlessClone(warped, image, mask, centre, cv2.NORMAL_CLONE)


def _pick(vision: TakeVision, person_ids: Sequence[str], like: Sequence[str | Path]) -> tuple[str, ...]:
    if not person_ids and not like:
        if not vision.persons:
            raise RoughcutError(f"{vision.path}: no face found in this take")
        return (max(vision.persons, key=lambda p: p.frames_visible).person_id,)
    template = photo_embedding(like) if like else None
    chosen, _ = choose_persons(vision, person_ids=person_ids, like=template)
    if not chosen:
        raise RoughcutError(f"{vision.path}: nobody in this take looks like the reference photograph")
    return chosen


def _vision(take: Path, vision: TakeVision | None, store) -> TakeVision:
    from roughcut.vision.take import DEFAULT_FPS, DEFAULT_WIDTH, STAGE, VERSION, analyze_take

    if vision is not None:
        return vision
    if store is None:
        return analyze_take(take)
    from roughcut.media import fingerprint

    params = {"fps": str(DEFAULT_FPS), "width": DEFAULT_WIDTH}
    return store.cached(fingerprint(take), STAGE, VERSION, params, lambda: analyze_take(take))


def _render(
    take: Path,
    out: Path | None,
    suffix: str,
    what: str,
    change,
    *,
    person_ids: Sequence[str],
    like: Sequence[str | Path],
    vision: TakeVision | None,
    store,
    overwrite: bool,
    report: SyntheticReport,
) -> SyntheticReport:
    info = video_info(take)
    out = Path(out) if out is not None else default_output(take, suffix)
    vision = _vision(take, vision, store)
    chosen = _pick(vision, person_ids, like)
    report.persons = chosen
    report.disclosure = DISCLOSURE.format(what=what)
    width, height = info.video.display_size
    size = (width - width % 2, height - height % 2)
    scale = (size[0] / vision.frame_size[0], size[1] / vision.frame_size[1])
    predicted = predicted_boxes(vision, chosen)

    def pictures() -> Iterator[np.ndarray]:
        for frame in track(read_frames(take), f"Synthesising {take.name}", total=info.video.frame_count):
            image = fit_frame(frame.image, size).copy()
            for x, y, w, h in predicted.get(frame.index, []):
                box = (x * scale[0], y * scale[1], w * scale[0], h * scale[1])
                if box[3] < MIN_FACE_PX:
                    continue
                points = landmarks(image, box)
                if points is None:
                    continue
                changed = change(image, points, frame.index / float(info.video.frame_rate))
                if changed is not None:
                    image = changed
                    report.faces += 1
            burn_label(image)
            report.frames += 1
            yield image

    metadata = {"comment": report.disclosure, "description": report.disclosure}
    report.path = render_take(
        take,
        pictures(),
        out,
        frame_rate=info.video.frame_rate,
        size=size,
        overwrite=overwrite,
        metadata=metadata,
    )
    return report


def replace_face(
    take: str | Path,
    portrait: str | Path,
    out: str | Path | None = None,
    *,
    consent: bool = False,
    person_ids: Sequence[str] = (),
    like: Sequence[str | Path] = (),
    vision: TakeVision | None = None,
    store=None,
    overwrite: bool = False,
) -> SyntheticReport:
    """Replace the chosen person's face in ``take`` (by id, like photographs, or else the person seen
    longest) with the face in ``portrait``, into ``out`` (default ``TAKE_synthetic_face.mp4``),
    labelled and disclosed. Refuses unless ``consent``; :class:`RoughcutError` naming the portrait
    when it shows no face the mesh can read."""
    require_consent(consent)
    take, portrait = Path(take), Path(portrait)
    picture = read_image(portrait)
    portrait_points = landmarks(picture)
    if portrait_points is None:
        raise RoughcutError(f"{portrait}: no face the face mesh can read in the portrait")
    faces = triangles(portrait_points)
    report = SyntheticReport()

    def change(image: np.ndarray, points: np.ndarray, _time_s: float) -> np.ndarray:
        return swap_face(image, points, picture, portrait_points, faces)

    return _render(
        take, out, "synthetic_face", f"a face replaced by the portrait {portrait.name}", change,
        person_ids=person_ids, like=like, vision=vision, store=store, overwrite=overwrite, report=report,
    )  # fmt: skip


def visemes_of_words(words: Sequence[tuple[str, float, float]]) -> list[tuple[float, float, str]]:
    """Visemes ``(start_s, end_s, name)`` of timed words ``(word, start_s, end_s)``: each word's
    phones (espeak-ng, ARPAbet) share its span equally."""
    from roughcut.speech.pronounce import guess_pronunciation

    out = []
    for word, start, end in words:
        phones = (guess_pronunciation(word) or "").split()
        if not phones or end <= start:
            continue
        step = (end - start) / len(phones)
        for i, phone in enumerate(phones):
            out.append(
                (start + i * step, start + (i + 1) * step, _PHONE_VISEME.get(phone.rstrip("012"), "mid"))
            )
    return out


def align_line(line: str | Path, text: str) -> list[tuple[str, float, float]]:
    """The words of ``text`` timed in the recording ``line`` (seconds) by the speech stage's forced
    alignment; :class:`RoughcutError` naming the file when none can be aligned."""
    from roughcut.media import read_audio
    from roughcut.speech.sphinx import force_align, normalise_word

    samples = read_audio(line, sample_rate=16_000, mono=True).samples
    words = [w for w in (normalise_word(t) for t in text.split()) if w]
    aligned = force_align(samples, words)
    if not aligned:
        raise RoughcutError(f"{line}: none of the words of the line could be aligned to it")
    return [(w.word, *w.seconds()) for w in aligned]


def viseme_at(visemes: Sequence[tuple[float, float, str]], time_s: float) -> tuple[float, float]:
    """The target (opening, width) at ``time_s``: the viseme there, eased into from the one before
    over the first third of its span; ``rest`` outside the line."""
    for index, (start, end, name) in enumerate(visemes):
        if start <= time_s < end:
            target = np.array(VISEMES[name])
            before = np.array(VISEMES[visemes[index - 1][2]] if index else VISEMES["rest"])
            t = min(1.0, (time_s - start) / max(1e-6, (end - start) / 3))
            return tuple(before + t * (target - before))
    return VISEMES["rest"]


def reshape_mouth(image: np.ndarray, points: np.ndarray, opening: float, width: float) -> np.ndarray:
    """``image`` with the mouth of the face at ``points`` (468 landmarks, pixels) moved toward an
    inner-lip gap of ``opening`` face heights and a corner distance ``width`` times its own: the
    lower lip and jaw move down (fading toward the chin), the corners in or out; the face is warped
    piecewise-affinely from the old landmarks to the new, inside its outline."""
    face_height = float(np.linalg.norm(points[CHIN] - points[FOREHEAD]))
    if face_height < MIN_FACE_PX / 2:
        return image
    down = points[CHIN] - points[FOREHEAD]
    down /= np.linalg.norm(down)
    gap = float((points[LOWER_INNER] - points[UPPER_INNER]) @ down)
    drop = opening * face_height - gap
    moved = points.copy()
    lip_y = float(points[LOWER_INNER] @ down)
    chin_y = float(points[CHIN] @ down)
    along = points @ down
    # Points between the lower inner lip and the chin move down, fully at the lip, half at the chin.
    lower = (along >= lip_y - 0.01 * face_height) & (along <= chin_y + 0.02 * face_height)
    centre_x = (points[LEFT_CORNER] + points[RIGHT_CORNER]) / 2
    near_mouth = np.linalg.norm(points - centre_x, axis=1) < 0.45 * face_height
    share = np.clip(1.0 - 0.5 * (along - lip_y) / max(1.0, chin_y - lip_y), 0.5, 1.0)
    moved[lower & near_mouth] += (drop * share[lower & near_mouth])[:, None] * down
    # The corners and the lip points beside them in or out along the mouth's line.
    across = points[RIGHT_CORNER] - points[LEFT_CORNER]
    half = float(np.linalg.norm(across)) / 2
    across /= max(1e-6, 2 * half)
    offset = (points - centre_x) @ across
    lips = np.linalg.norm(points - centre_x, axis=1) < 1.1 * half
    moved[lips] += ((width - 1.0) * offset[lips])[:, None] * across
    height_px, width_px = image.shape[:2]
    hull = cv2.convexHull(np.round(points).astype(np.int32)).reshape(-1, 2)
    anchors = np.vstack([points, hull.astype(np.float32)])
    targets = np.vstack([moved, hull.astype(np.float32)])
    faces = triangles(anchors)
    warped = warp_triangles(image, anchors, targets, faces, (width_px, height_px), base=image)
    if drop > 0:
        # No teeth or tongue are made: the opened mouth's inside is shaded dark, as it is on film.
        inner = np.round(moved[INNER_LIPS]).astype(np.int32)
        shade = np.zeros((height_px, width_px), np.uint8)
        cv2.fillPoly(shade, [inner], 255)
        shade = (
            cv2.GaussianBlur(shade, (0, 0), max(1.0, face_height / 120)).astype(np.float32)[..., None] / 255
        )
        warped = (warped * (1 - shade) + np.array(MOUTH_INSIDE, np.float32) * shade).astype(np.uint8)
    return warped


def retime_lips(
    take: str | Path,
    line: str | Path,
    text: str,
    out: str | Path | None = None,
    *,
    start_s: float = 0.0,
    consent: bool = False,
    person_ids: Sequence[str] = (),
    like: Sequence[str | Path] = (),
    vision: TakeVision | None = None,
    store=None,
    overwrite: bool = False,
) -> SyntheticReport:
    """Re-time the chosen person's mouth in ``take`` to the line ``line`` (a recording, e.g. a temp
    ADR WAV) saying ``text``, the line starting ``start_s`` seconds into the take; into ``out``
    (default ``TAKE_synthetic_lips.mp4``), labelled and disclosed. Refuses unless ``consent``."""
    require_consent(consent)
    take = Path(take)
    words = [(w, s + start_s, e + start_s) for w, s, e in align_line(line, text)]
    visemes = visemes_of_words(words)
    report = SyntheticReport(visemes=visemes)

    def change(image: np.ndarray, points: np.ndarray, time_s: float) -> np.ndarray | None:
        if not visemes or time_s < visemes[0][0] - 0.1 or time_s > visemes[-1][1] + 0.1:
            return None
        opening, width = viseme_at(visemes, time_s)
        return reshape_mouth(image, points, opening, width)

    return _render(
        take, out, "synthetic_lips", f"a mouth re-timed to the line {Path(line).name!s} ({text!r})", change,
        person_ids=person_ids, like=like, vision=vision, store=store, overwrite=overwrite, report=report,
    )  # fmt: skip
