"""Keyframe summaries (VSUMM per shot) against keyframes marked by hand, beside uniform sampling.

For each video marked in ``tests/summary/data/keyframes_truth.json`` (``video/testvideo.mp4`` and
``faces/hamilton_clip.mp4`` from ``../shared/media``) it prints precision, recall and F-score of
VSUMM at several sampling rates and of uniform sampling with the same number of keyframes, matched
as the VSUMM paper does (same hand-marked shot, colour histograms within L1 0.5), and the time
VSUMM takes as a ratio of a plain decode of the same file at the same width in the same run.

Run: ``.venv/bin/python benchmarks/bench_summary.py`` (``ROUGHCUT_MEDIA`` names the media folder).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from roughcut.media import read_frames
from roughcut.summary.keyframes import (
    SAMPLE_WIDTH,
    evaluate_keyframes,
    frame_histograms,
    read_truth,
    uniform_keyframes,
    vsumm_keyframes,
)

ROOT = Path(__file__).resolve().parents[1]
MEDIA = Path(os.environ.get("ROUGHCUT_MEDIA", ROOT.parent / "shared" / "media"))
TRUTH = ROOT / "tests" / "summary" / "data" / "keyframes_truth.json"


def main() -> int:
    if not MEDIA.is_dir():
        print(f"real media not found at {MEDIA} (set ROUGHCUT_MEDIA)")
        return 0
    totals: dict[str, list[float]] = {}
    print(
        f"{'video':28} {'method':16} {'found':>5} {'marked':>6} {'P':>5} {'R':>5} {'F':>5} "
        f"{'time/decode':>11}"
    )
    for name, truth in read_truth(TRUTH).items():
        path = MEDIA / name
        start = time.perf_counter()
        decoded = sum(1 for _ in read_frames(path, width=SAMPLE_WIDTH))
        decode_s = time.perf_counter() - start
        for fps in (1.0, 2.0, 4.0):
            start = time.perf_counter()
            found = vsumm_keyframes(path, sample_fps=fps)
            ratio = (time.perf_counter() - start) / decode_s
            uniform = uniform_keyframes(found.frame_count, len(found.keyframes))
            features = frame_histograms(path, [*found.frames, *uniform, *truth.keyframes])
            for method, frames, timing in (
                (f"VSUMM {fps:g} fps", found.frames, f"{ratio:11.2f}"),
                (f"uniform as {fps:g}", uniform, ""),
            ):
                score = evaluate_keyframes(frames, truth, features)
                totals.setdefault(method, []).append(score.f_score)
                print(
                    f"{name:28} {method:16} {score.found:5d} {score.marked:6d} {score.precision:5.2f} "
                    f"{score.recall:5.2f} {score.f_score:5.2f} {timing}"
                )
        print(f"{'':28} (plain decode of {decoded} frames at {SAMPLE_WIDTH} px: {decode_s:.2f} s)")
    print("mean F-score: " + ", ".join(f"{method} {sum(v) / len(v):.3f}" for method, v in totals.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
