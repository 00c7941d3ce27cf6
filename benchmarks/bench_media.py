"""Media layer benchmarks, measured side by side in one run.

1. The streaming frame reader at full size against a plain PyAV decode loop of the same file that
   also converts every frame to RGB (goal: throughput ratio >= 0.9), and against decode alone.
2. The reader at 640 px analysis width, every frame and thinned to 8 fps (reported).
3. Peak memory (RSS) while streaming a generated 10-minute 1080p file, against a 1-minute one
   (goal: < 400 MB, and flat in the file's length).

Run: ``.venv/bin/python benchmarks/bench_media.py [VIDEO]`` (default: the real 720p H.264 clip in
``../shared/media/video/testvideo.mp4``, else a demo take).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from roughcut.media import read_frames

ROOT = Path(__file__).resolve().parents[1]
LONG_DIR = Path(tempfile.gettempdir()) / "roughcut-bench"


def plain_decode(path: Path, *, rgb: bool) -> int:
    count = 0
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            if rgb:
                frame.to_ndarray(format="rgb24")
            count += 1
    return count


def reader(path: Path, **kwargs) -> int:
    return sum(1 for _ in read_frames(path, **kwargs))


def best_of(runs: int, function, *args, **kwargs) -> tuple[float, int]:
    best, result = float("inf"), 0
    for _ in range(runs):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return best, result


def write_long_file(path: Path, minutes: float) -> Path:
    """A 1080p 24 fps H.264 file with a moving pattern, ``minutes`` long (kept between runs)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rate = Fraction(24)
    frames = int(minutes * 60 * rate)
    width, height = 1920, 1080
    x = np.linspace(0, 255, width, dtype=np.float32)[None, :]
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None]
    partial = path.with_suffix(".partial.mp4")
    with av.open(str(partial), "w") as out:
        stream = out.add_stream("libx264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "30"}
        for i in range(frames):
            luma = ((x + y + i * 4) % 256).astype(np.uint8)
            image = np.repeat(luma[:, :, None], 3, axis=2)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    partial.rename(path)
    return path


_MEMORY_PROBE = """
import resource, sys
from roughcut.media import read_frames
width = None if sys.argv[2] == "full" else int(sys.argv[2])
count = sum(1 for _ in read_frames(sys.argv[1], width=width))
print(count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""
_BASELINE = """
import resource
import roughcut.media
print(0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def peak_rss_mb(code: str, *args: str) -> tuple[int, int]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    frames, megabytes = done.stdout.split()
    return int(frames), int(megabytes)


def main() -> None:
    default = ROOT.parent / "shared" / "media" / "video" / "testvideo.mp4"
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    print(f"file: {path}")
    decode_only, n = best_of(3, plain_decode, path, rgb=False)
    plain_rgb, _ = best_of(3, plain_decode, path, rgb=True)
    full, m = best_of(3, reader, path)
    assert m == n, (m, n)
    analysis, _ = best_of(3, reader, path, width=640)
    analysis_8, kept = best_of(3, reader, path, width=640, fps=8)
    print(f"frames: {n}")
    print(f"plain PyAV decode only          {decode_only:7.3f} s  {n / decode_only:7.1f} fps")
    print(f"plain PyAV decode + RGB         {plain_rgb:7.3f} s  {n / plain_rgb:7.1f} fps")
    print(f"read_frames full size (RGB)     {full:7.3f} s  {n / full:7.1f} fps")
    print(f"read_frames 640 px              {analysis:7.3f} s  {n / analysis:7.1f} fps")
    print(f"read_frames 640 px, 8 fps       {analysis_8:7.3f} s  ({kept} frames kept)")
    print(f"ratio full-size reader / plain decode+RGB throughput: {plain_rgb / full:.2f} (goal >= 0.9)")
    print(f"ratio 640 px reader / plain decode+RGB throughput:   {plain_rgb / analysis:.2f}")
    print(f"ratio 640 px 8 fps reader / plain decode only:        {decode_only / analysis_8:.2f}")

    print("\npeak memory while streaming generated 1080p H.264 (a process each):")
    short = write_long_file(LONG_DIR / "pattern_1min_1080p.mp4", 1)
    long = write_long_file(LONG_DIR / "pattern_10min_1080p.mp4", 10)
    _, baseline = peak_rss_mb(_BASELINE)
    print(f"  import only                      {baseline:5d} MB")
    for label, file in (("1 min", short), ("10 min", long)):
        for width in ("full", "640"):
            frames, megabytes = peak_rss_mb(_MEMORY_PROBE, str(file), width)
            print(f"  {label:6s} {width:>4s} px ({frames:5d} frames)  {megabytes:5d} MB  (goal < 400 MB)")


if __name__ == "__main__":
    main()
