"""Background replacement speed at 720p, against a plain decode of the same frames, in one run.

Takes the medium shot of ``faces/hamilton_clip.mp4`` (frames 82-210, a real person, waist up),
decodes it once scaled to 1280x720 and times on those frames: the segmentation model alone, the
model with the guided-filter edges, the full matte (model, edges, smoothing in time: what
``roughcut background`` uses), and the full matte with a composite over a still. Prints frames a
second for each and the ratio to a plain PyAV decode of the same frames at 720p (the floor every
render pays). The issue's goal: the full matte at 30 frames a second or more at 720p on 2 cores.

Run: ``python benchmarks/bench_picture_background.py [--repeat 2]`` (set ``ROUGHCUT_MEDIA`` when the
shared media are not at ``../shared/media``).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

#: The shared test media: $ROUGHCUT_MEDIA, else ``shared/media`` in the nearest folder above holding one.
MEDIA = Path(
    os.environ.get("ROUGHCUT_MEDIA")
    or next(
        (
            p / "shared" / "media"
            for p in Path(__file__).resolve().parents
            if (p / "shared" / "media").is_dir()
        ),
        "../shared/media",
    )
)
SIZE = (1280, 720)


def _decode(path: Path) -> tuple[list[np.ndarray], float]:
    """The medium shot at 720p, and the seconds the decode took."""
    import cv2

    from roughcut.media.frames import read_frames

    start = time.perf_counter()
    frames = []
    for frame in read_frames(path, end_frame=211):
        if frame.index >= 82:
            frames.append(cv2.resize(frame.image, SIZE, interpolation=cv2.INTER_LINEAR))
    return frames, time.perf_counter() - start


def _time(frames: list[np.ndarray], *, steady: bool, refine: bool, composite: bool, repeat: int) -> float:
    """Best frames a second over ``repeat`` runs."""
    from roughcut.picture import background as bg

    still = np.full((SIZE[1], SIZE[0], 3), (40, 120, 60), np.uint8)
    best = 0.0
    for _ in range(repeat):
        with bg.MatteMaker(steady=steady, refine=refine) as maker:
            maker(frames[0])  # the model's first call builds its interpreter
            maker.reset()
            start = time.perf_counter()
            for image in frames:
                matte = maker(image)
                if composite:
                    bg.composite(image, matte, still)
            best = max(best, len(frames) / (time.perf_counter() - start))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    path = MEDIA / "faces" / "hamilton_clip.mp4"
    if not path.is_file():
        raise SystemExit(f"{path}: not found (set ROUGHCUT_MEDIA)")
    import av

    frames, _ = _decode(path)
    # The plain decode of the same frames at 720p (scaled in YUV, converted to RGB): the reference.
    start = time.perf_counter()
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for index, frame in enumerate(container.decode(stream)):
            if index > 210:
                break
            if index >= 82:
                frame.reformat(width=SIZE[0], height=SIZE[1], format="rgb24").to_ndarray()
    decode_fps = len(frames) / (time.perf_counter() - start)
    print(f"{len(frames)} frames of {path.name} (medium shot) at {SIZE[0]}x{SIZE[1]}, {os.cpu_count()} cores")
    print(f"  plain decode to RGB 720p           {decode_fps:7.1f} fps")
    rows = (
        ("segmentation model alone", dict(steady=False, refine=False, composite=False)),
        ("model + guided-filter edges", dict(steady=False, refine=True, composite=False)),
        ("full matte (+ smoothing in time)", dict(steady=True, refine=True, composite=False)),
        ("full matte + composite", dict(steady=True, refine=True, composite=True)),
    )
    for label, options in rows:
        fps = _time(frames, repeat=args.repeat, **options)
        print(f"  {label:34s} {fps:7.1f} fps   ({decode_fps / fps:.2f}x the decode's time per frame)")
    print("goal: full matte >= 30 fps at 720p on 2 cores")


if __name__ == "__main__":
    main()
