"""The analysis store's value format against pickle, on a real take's vision record.

The store keeps values as tagged JSON (:mod:`roughcut._codec`) so that a cache row can never run
code; this measures what that costs against pickle, which it replaced: encode and decode times
(best of ``RUNS``), their ratios, and the sizes, for the :class:`~roughcut.vision.model.TakeVision`
of one real take (its analysis is itself cached in a bench store, so only the first run analyses).

Run: ``.venv/bin/python benchmarks/bench_store.py [VIDEO]`` (default: the real Hamilton clip in
``../shared/media/faces/hamilton_clip.mp4``, or under ``$ROUGHCUT_MEDIA``).
"""

from __future__ import annotations

import os
import pickle
import sys
import tempfile
import time
import zlib
from pathlib import Path

from roughcut._codec import decode, encode
from roughcut.media import fingerprint
from roughcut.store import Store
from roughcut.vision.take import STAGE, VERSION, analyze_take

ROOT = Path(__file__).resolve().parents[1]
MEDIA = Path(os.environ.get("ROUGHCUT_MEDIA", ROOT.parent / "shared" / "media"))
RUNS = 20


def best_of(runs: int, function, *args) -> float:  # type: ignore[no-untyped-def]
    """Best wall time of ``runs`` calls, in seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        function(*args)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    video = Path(sys.argv[1]) if len(sys.argv) > 1 else MEDIA / "faces" / "hamilton_clip.mp4"
    store = Store(Path(tempfile.gettempdir()) / "roughcut-bench" / "bench_store.sqlite")
    params = {"fps": "8", "width": 640}
    key = fingerprint(video)
    vision, analysis_s = store.get(key, STAGE, VERSION, params), None
    if vision is None:
        start = time.perf_counter()
        vision = analyze_take(video, fps=8, width=640)
        analysis_s = time.perf_counter() - start
        store.put(key, STAGE, VERSION, params, vision)
    samples = sum(len(t.samples) for t in vision.tracks)
    print(
        f"{video.name}: {len(vision.tracks)} face tracks, {samples} face samples, "
        f"{len(vision.sample_frames)} frames"
    )

    blob, pickled = encode(vision), pickle.dumps(vision, protocol=pickle.HIGHEST_PROTOCOL)
    assert decode(blob) == vision == pickle.loads(pickled)
    rows = [
        (
            "encode",
            best_of(RUNS, encode, vision),
            best_of(RUNS, pickle.dumps, vision, pickle.HIGHEST_PROTOCOL),
        ),
        ("decode", best_of(RUNS, decode, blob), best_of(RUNS, pickle.loads, pickled)),
    ]
    print(f"{'':8}{'codec ms':>10}{'pickle ms':>11}{'ratio':>8}")
    for name, codec_s, pickle_s in rows:
        print(f"{name:8}{codec_s * 1e3:10.2f}{pickle_s * 1e3:11.2f}{codec_s / pickle_s:8.1f}x")
    print(
        f"size    codec {len(blob) / 1024:.1f} KiB, pickle {len(pickled) / 1024:.1f} KiB "
        f"(ratio {len(blob) / len(pickled):.2f}); "
        f"zlib-compressed codec {len(zlib.compress(blob)) / 1024:.1f} KiB"
    )
    if analysis_s is not None:  # first run only: the analysis a cache hit saves
        print(f"the analysis took {analysis_s:.1f} s: decoding is {rows[1][1] / analysis_s:.1e} of it")


if __name__ == "__main__":
    main()
