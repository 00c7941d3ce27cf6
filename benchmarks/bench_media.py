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


def best_of(runs: int, function, *args, **kwargs) -> tuple[float, float, int]:
    """Best wall time and best CPU time (this process and its decoder threads) of ``runs`` runs."""
    wall, cpu, result = float("inf"), float("inf"), 0
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function(*args, **kwargs)
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu, result


def write_long_file(path: Path, minutes: float) -> Path:
    """A 1080p 24 fps H.264 file with a moving pattern, ``minutes`` long (kept between runs)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rate = Fraction(24)
    frames = int(minutes * 60 * rate)
    width, height = 1920, 1080
    # 48 distinct YUV 4:2:0 pictures of a moving pattern, cycled: cheap to make, real to encode.
    x = np.arange(width, dtype=np.int32)[None, :]
    y = np.arange(height, dtype=np.int32)[:, None]
    pictures = []
    for k in range(48):
        luma = ((x + y + k * 8) % 256).astype(np.uint8)
        chroma = np.full((height // 2, width), 128, np.uint8)
        pictures.append(np.vstack([luma, chroma]))
    partial = path.with_suffix(".partial.mp4")
    with av.open(str(partial), "w") as out:
        stream = out.add_stream("libx264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "32"}
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(pictures[i % len(pictures)], format="yuv420p")
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
    # Interleaved rounds, best of each: a busy machine slows whichever run it hits, not one kind.
    cases = {
        "plain PyAV decode only": (plain_decode, {"rgb": False}),
        "plain PyAV decode + RGB": (plain_decode, {"rgb": True}),
        "read_frames full size (RGB)": (reader, {}),
        "read_frames 640 px": (reader, {"width": 640}),
        "read_frames 640 px, 8 fps": (reader, {"width": 640, "fps": 8}),
    }
    best: dict[str, tuple[float, float, int]] = {}
    for _ in range(3):
        for label, (function, kwargs) in cases.items():
            wall, cpu, count = best_of(1, function, path, **kwargs)
            old = best.get(label, (float("inf"), float("inf"), count))
            best[label] = (min(old[0], wall), min(old[1], cpu), count)
    n = best["plain PyAV decode only"][2]
    assert best["read_frames full size (RGB)"][2] == n
    print(f"frames: {n}   (wall = best elapsed; cpu = best CPU time of the process, all threads)")
    for label, (wall, cpu, count) in best.items():
        print(f"{label:30s} wall {wall:6.3f} s  cpu {cpu:6.3f} s  {count:5d} frames  {n / wall:6.1f} fps")
    plain_wall, plain_cpu, _ = best["plain PyAV decode + RGB"]
    for label in ("read_frames full size (RGB)", "read_frames 640 px"):
        wall, cpu, _ = best[label]
        ratios = f"wall {plain_wall / wall:.2f}, cpu {plain_cpu / cpu:.2f}"
        print(f"ratio {label} / plain decode+RGB throughput: {ratios}")
    decode_wall, decode_cpu, _ = best["plain PyAV decode only"]
    wall, cpu, _ = best["read_frames 640 px, 8 fps"]
    print(
        f"ratio read_frames 640 px 8 fps / plain decode only throughput: wall {decode_wall / wall:.2f}, "
        f"cpu {decode_cpu / cpu:.2f}"
    )
    print("goal: full-size reader >= 0.9 of the plain decode+RGB loop")

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
