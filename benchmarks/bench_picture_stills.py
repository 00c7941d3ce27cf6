"""Before/after stills of every picture tool, for ``docs/picture-tools.md`` and
``docs/alternate-faces.md``, with the figure each still shows printed beside it.

Each still is a small PNG (panels 320 pixels wide, side by side, captioned): background, restore
(dust and grain; shake), colour match, mocap, redaction, face replacement and lip re-timing. The
real media come from ``$ROUGHCUT_MEDIA`` (``../shared/media``); the synthetic stills are labelled
SYNTHETIC as every such render is.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/bench_picture_stills.py [--out docs]``
"""

from __future__ import annotations

import argparse
import os
import tempfile
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np

from roughcut.media.frames import read_frames

ROOT = Path(__file__).resolve().parents[1]
MEDIA = Path(os.environ.get("ROUGHCUT_MEDIA", ROOT.parent / "shared" / "media"))
HAMILTON = MEDIA / "faces" / "hamilton_clip.mp4"
PANEL = 256


def _panel(image: np.ndarray, caption: str) -> np.ndarray:
    height = round(image.shape[0] * PANEL / image.shape[1])
    out = cv2.resize(image, (PANEL, height), interpolation=cv2.INTER_AREA)
    cv2.rectangle(out, (0, height - 18), (PANEL, height), (0, 0, 0), -1)
    cv2.putText(
        out, caption, (4, height - 5), cv2.FONT_HERSHEY_SIMPLEX, 0.36, (255, 255, 255), 1, cv2.LINE_AA
    )
    return out


def _write(path: Path, *panels: tuple[np.ndarray, str]) -> None:
    from PIL import Image

    row = np.hstack([_panel(image, caption) for image, caption in panels])
    # 256 colours (dithered) keep the stills small in the repository.
    Image.fromarray(row).quantize(256).save(path, optimize=True)
    print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")


def _frames(path: Path, start: int, end: int, width: int | None = None) -> np.ndarray:
    return np.stack([f.image for f in read_frames(path, start_frame=start, end_frame=end, width=width)])


def background(out: Path) -> None:
    from roughcut.picture.background import MatteMaker, blurred_background, composite

    image = _frames(HAMILTON, 150, 151)[0]
    with MatteMaker() as matte_maker:
        matte = matte_maker(image)
    blurred = composite(image, matte, blurred_background(image, matte))
    matte_rgb = np.repeat((matte * 255).astype(np.uint8)[..., None], 3, axis=2)
    _write(out / "picture-background.png", (image, "take"), (matte_rgb, "matte"), (blurred, "--with blur"))


def restore(out: Path) -> None:
    from roughcut.picture import damage
    from roughcut.picture.restore import RestoreOptions, restore_frames

    rng = np.random.default_rng(20261125)
    clean = _frames(HAMILTON, 82, 112, width=320)
    dusty, _ = damage.add_dust(clean, rng)
    noisy = damage.add_grain(dusty, rng, sigma=12.0)
    restored, report = restore_frames(noisy, RestoreOptions(dust=True, denoise=True), rate=29.97)
    middle = 15
    _write(
        out / "picture-restore.png",
        (clean[middle], "clean"),
        (noisy[middle], "dust + grain added"),
        (restored[middle], f"--dust --denoise ({report.frames_with_specks} frames)"),
    )
    shaken, _ = damage.add_shake(clean, rng, sigma_px=3.0, sigma_deg=0.4)
    steady, report = restore_frames(shaken, RestoreOptions(stabilise=True), rate=29.97)
    before, after = damage.shake_of(shaken, clean), damage.shake_of(steady, clean)
    print(f"restore: hamilton medium shake {before:.2f} -> {after:.2f} px")

    # Frame differences show the shake: the mean of |frame - next| over the clip.
    def jitter(frames: np.ndarray) -> np.ndarray:
        diff = np.abs(np.diff(frames.astype(np.int16), axis=0)).mean(axis=0)
        return np.clip(diff * 4, 0, 255).astype(np.uint8)

    _write(
        out / "picture-stabilise.png",
        (jitter(clean), "clean: frame-to-frame change"),
        (jitter(shaken), f"shake added ({before:.1f} px)"),
        (jitter(steady), f"--stabilise ({after:.1f} px)"),
    )


def colour(out: Path) -> None:
    from roughcut.picture.colour import apply_lut, plan_match

    frames = [f.image for f in read_frames(MEDIA / "grid" / "bbaf2n.mpg")][::3]
    reference, truth = frames[: len(frames) // 2], frames[len(frames) // 2 :]
    rgb = np.array(truth, np.float64) / 255
    graded = np.clip(rgb * (1.15, 1.0, 0.82) + (0.02, 0.0, -0.02), 0, 1) ** np.array((0.9, 1.0, 1.1))
    take = list(np.round(graded * 255).astype(np.uint8))
    _transfer, table, _cdl, _a, _b = plan_match(take, reference)
    index = len(take) // 2
    _write(
        out / "picture-colour.png",
        (reference[0], "reference take"),
        (take[index], "other take (warm CDL)"),
        (apply_lut(table, take[index]), "grade --match"),
    )


def mocap(out: Path) -> None:
    from roughcut.picture.mocap import _REST, track_pose

    image = _frames(HAMILTON, 10, 11)[0]
    motion = track_pose(HAMILTON, start_frame=10, end_frame=11)
    canvas = np.full((360, 640, 3), 255, np.uint8)
    points = {name: value[0] for name, value in motion.positions.items()}
    xs = np.array([p[0] for p in points.values()])
    ys = np.array([p[1] for p in points.values()])
    scale = 300 / max(1.0, float(ys.max() - ys.min()))

    def at(p: np.ndarray) -> tuple[int, int]:
        return int(320 + (p[0] - xs.mean()) * scale), int(330 - (p[1] - ys.min()) * scale)

    bones = [(parent, joint) for joint, (parent, _) in _REST.items()] + [("Head", "HeadTop")]
    for parent, joint in bones:
        cv2.line(canvas, at(points[parent]), at(points[joint]), (30, 60, 200), 3)
    for p in points.values():
        cv2.circle(canvas, at(p), 4, (200, 30, 30), -1)
    _write(
        out / "picture-mocap.png",
        (image, "long shot, frame 10"),
        (canvas, "skeleton joints, cm (front view)"),
    )


def faces(out: Path) -> None:
    import soundfile
    from skimage import data

    from roughcut.picture.background import render_take
    from roughcut.picture.face_swap import replace_face, retime_lips
    from roughcut.picture.redact import redact_take
    from roughcut.speech.synthesis import synthesize

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        frames = [f.image for f in read_frames(HAMILTON, start_frame=150, end_frame=174)]
        take = render_take(
            HAMILTON, iter(frames), folder / "take.mp4", frame_rate=Fraction(2997, 100), size=(640, 360)
        )
        photos = sorted((MEDIA / "faces" / "identities" / "lin_manuel_miranda").iterdir())
        hidden = redact_take(take, folder / "blur.mp4", like=photos, style="blur")
        pixel = redact_take(take, folder / "pixel.mp4", like=photos, style="pixelate")
        portrait = folder / "astronaut.png"
        cv2.imwrite(str(portrait), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
        swapped = replace_face(take, portrait, folder / "face.mp4", consent=True)
        speech = synthesize("we hold these truths")
        soundfile.write(folder / "line.wav", speech.samples, speech.sample_rate)
        lips = retime_lips(
            take, folder / "line.wav", "we hold these truths", folder / "lips.mp4", consent=True
        )
        shown = {name: [f.image for f in read_frames(r.path)] for name, r in
                 (("blur", hidden), ("pixel", pixel), ("face", swapped), ("lips", lips))}  # fmt: skip
        _write(
            out / "faces-redact.png",
            (frames[8], "take"),
            (shown["blur"][8], "redact --like PHOTO --blur"),
            (shown["pixel"][8], "--pixelate"),
        )
        _write(
            out / "faces-replace.png",
            (data.astronaut()[0:288], "portrait (public domain)"),
            (frames[8], "take"),
            (shown["face"][8], "replace-face (SYNTHETIC)"),
        )
        crop = (slice(0, 200), slice(0, 356))  # the label stays in the picture
        _write(
            out / "faces-lips.png",
            *[
                (shown["lips"][i][crop], f"frame {i}: {_viseme(lips.visemes, i / 29.97)}")
                for i in (2, 6, 9, 12)
            ],
        )
        print(f"faces: {hidden.frames_redacted} frames hidden; {swapped.faces} faces; {lips.faces} mouths")


def _viseme(visemes, time_s: float) -> str:
    return next((name for start, end, name in visemes if start <= time_s < end), "rest")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    tools = {"background": background, "restore": restore, "colour": colour, "mocap": mocap, "faces": faces}
    for name, tool in tools.items():
        if args.only is None or name in args.only:
            tool(args.out)


if __name__ == "__main__":
    main()
