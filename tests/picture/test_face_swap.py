"""Synthetic faces, disclosed: face replacement and lip re-timing on a real medium shot.

The take is 24 frames of the medium shot of ``faces/hamilton_clip.mp4`` (frames 150-173,
lin_manuel_miranda frontal). The portrait is scikit-image's ``astronaut`` (Eileen Collins, a NASA
photograph in the public domain, shipped in the wheel). Measured with models the rendering does not
use to place the face: SFace (the identity model) says whose face the render shows; the label, the
metadata and the refusal without the flag are checked as the user meets them.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
import pytest

SOURCE = "faces/hamilton_clip.mp4"
PHOTOS = "faces/identities/lin_manuel_miranda"
LINE_TEXT = "we hold these truths"


@pytest.fixture(scope="module")
def scene(media_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    import soundfile
    from skimage import data

    from roughcut.media import fingerprint
    from roughcut.media.frames import read_frames
    from roughcut.picture.background import render_take
    from roughcut.speech.synthesis import synthesize
    from roughcut.store import Store
    from roughcut.vision.take import DEFAULT_FPS, DEFAULT_WIDTH, STAGE, VERSION, analyze_take

    folder = tmp_path_factory.mktemp("synthetic")
    frames = [f.image for f in read_frames(media_dir / SOURCE, start_frame=150, end_frame=174)]
    take = render_take(
        media_dir / SOURCE, iter(frames), folder / "take.mp4", frame_rate=Fraction(2997, 100), size=(640, 360)
    )
    portrait = folder / "astronaut.png"
    cv2.imwrite(str(portrait), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    speech = synthesize(LINE_TEXT)
    line = folder / "line.wav"
    soundfile.write(line, speech.samples, speech.sample_rate)
    # Cached as the commands cache it, so the CLI test below finds it.
    store = Store(folder / "store.sqlite")
    params = {"fps": str(DEFAULT_FPS), "width": DEFAULT_WIDTH}
    vision = store.cached(fingerprint(take), STAGE, VERSION, params, lambda: analyze_take(take))
    store.close()
    return take, portrait, line, vision, folder


def _frames(path: Path) -> list[np.ndarray]:
    from roughcut.media.frames import read_frames

    return [f.image for f in read_frames(path)]


def _identity(image: np.ndarray) -> np.ndarray | None:
    from roughcut.vision.identity import face_embedder

    embedder = face_embedder()
    faces = embedder.detect_faces(image)
    if not faces:
        return None
    return embedder.embed(image, max(faces, key=lambda f: f[0][2] * f[0][3])[0])


def _is_labelled(image: np.ndarray) -> bool:
    """The label's black box with white letters at the top left."""
    corner = cv2.cvtColor(image[:24, :100], cv2.COLOR_RGB2GRAY)
    return float((corner < 40).mean()) > 0.5 and float((corner > 200).mean()) > 0.05


def _tags(path: Path) -> dict[str, str]:
    import av

    with av.open(str(path)) as container:
        return dict(container.metadata)


def test_face_replacement_shows_the_portraits_face_labelled_and_disclosed(media_dir: Path, scene) -> None:
    from roughcut.picture.face_swap import replace_face
    from roughcut.picture.redact import photo_embedding
    from roughcut.vision.identity import cosine_distance

    take, portrait, _, vision, folder = scene
    report = replace_face(take, portrait, folder / "face.mp4", consent=True, vision=vision)
    original, made = _frames(take), _frames(report.path)
    performer = photo_embedding(sorted((media_dir / PHOTOS).iterdir()))
    astronaut = photo_embedding([portrait])
    became, checked = 0, 0
    for before, after in list(zip(original, made, strict=True))[::4]:
        was, now = _identity(before), _identity(after)
        if was is None or now is None:
            continue
        checked += 1
        became += cosine_distance(now, astronaut) < cosine_distance(now, performer)
        assert cosine_distance(was, performer) < cosine_distance(was, astronaut)  # the source is him
    print(
        f"{report.faces} of {report.frames} frames changed; "
        f"SFace calls {became} of {checked} sampled faces the portrait's"
    )
    assert report.faces >= 0.9 * report.frames
    assert checked >= 4 and became >= 0.75 * checked
    assert all(_is_labelled(image) for image in made) and not _is_labelled(original[0])
    tags = _tags(report.path)
    assert tags.get("comment", "").startswith("SYNTHETIC") and "SYNTHETIC" in report.disclosure


def test_lips_follow_the_lines_visemes(scene) -> None:
    from roughcut.picture.face_swap import (
        CHIN,
        FOREHEAD,
        LOWER_INNER,
        UPPER_INNER,
        landmarks,
        retime_lips,
        viseme_at,
    )

    take, _, line, vision, folder = scene
    report = retime_lips(take, line, LINE_TEXT, folder / "lips.mp4", start_s=0.0, consent=True, vision=vision)
    original, made = _frames(take), _frames(report.path)
    rate = 29.97
    openings: dict[str, list[float]] = {"original": [], "re-timed": []}
    targets = []
    for index, (before, after) in enumerate(zip(original, made, strict=True)):
        time_s = index / rate
        if not report.visemes or time_s > report.visemes[-1][1]:
            continue
        measured = {}
        for name, image in (("original", before), ("re-timed", after)):
            points = landmarks(image, None)
            if points is not None:
                height = np.linalg.norm(points[CHIN] - points[FOREHEAD])
                measured[name] = np.linalg.norm(points[LOWER_INNER] - points[UPPER_INNER]) / height
        if len(measured) == 2:
            targets.append(viseme_at(report.visemes, time_s)[0])
            for name, value in measured.items():
                openings[name].append(float(value))
    target = np.array(targets)
    # Timing is the claim: the mouth's opening rises and falls with the line's visemes.
    follows = {name: float(np.corrcoef(values, target)[0, 1]) for name, values in openings.items()}
    off = {name: float(np.mean(np.abs(np.array(values) - target))) for name, values in openings.items()}
    print(
        f"{len(report.visemes)} visemes over {len(target)} frames; correlation of the mouth's opening with "
        f"the visemes' {follows['original']:.2f} -> {follows['re-timed']:.2f}; off its target by "
        f"{off['original']:.3f} -> {off['re-timed']:.3f} face heights"
    )
    assert len(target) >= 8
    assert follows["re-timed"] >= 0.6 and follows["re-timed"] > follows["original"]
    assert off["re-timed"] < off["original"]
    assert all(_is_labelled(image) for image in made)
    assert _tags(report.path).get("comment", "").startswith("SYNTHETIC")


def test_cli_refuses_without_the_flag_and_names_it(scene) -> None:
    from click.testing import CliRunner

    from roughcut._cli import main

    take, portrait, line, _, folder = scene
    for args in (
        ["replace-face", str(take), str(portrait)],
        ["retime-lips", str(take), str(line), "--text", LINE_TEXT],
    ):
        out = folder / "refused.mp4"
        result = CliRunner().invoke(main, ["-q", *args, "--out", str(out)])
        assert result.exit_code == 1
        assert "--i-understand-this-is-synthetic" in result.output
        assert not out.exists()


def test_cli_replaces_a_face_when_asked_by_name(scene, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from roughcut._cli import main

    take, portrait, _, _, folder = scene
    monkeypatch.setenv("ROUGHCUT_CACHE", str(folder / "store.sqlite"))
    out = folder / "cli_face.mp4"
    result = CliRunner().invoke(
        main,
        [
            "-q",
            "replace-face",
            str(take),
            str(portrait),
            "--i-understand-this-is-synthetic",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("SYNTHETIC") and "labelled SYNTHETIC" in result.output
    assert _tags(out)["comment"].startswith("SYNTHETIC")
