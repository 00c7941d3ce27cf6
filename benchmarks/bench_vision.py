"""Vision analysis speed and memory against a plain PyAV decode of the same file, in one run.

Prints, for a 720p take: the plain decode's wall time (every frame decoded, nothing converted: the
floor, as fast as the ffmpeg binary here), the analysis decode alone (the same decode plus scaling
and RGB conversion of the kept frames), and the full vision analysis, with their ratios to the plain
decode; peak memory of the analysis for the take and for a take four times as long (memory must stay
flat); and wall time for the project's takes analysed one at a time and in parallel.

Run: ``python benchmarks/bench_vision.py [DEMO_DIR] [--cores 2]`` (builds the demo in a temporary
folder when no folder is given).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import tempfile
import time
from pathlib import Path


def plain_decode(path: Path) -> int:
    """Decode every frame with PyAV, convert nothing; returns the frame count."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        return sum(1 for _ in container.decode(stream))


def analysis_decode(path: Path, fps: float, width: int) -> int:
    from roughcut.media import read_frames

    return sum(1 for _ in read_frames(path, width=width, fps=fps))


def full_analysis(path: Path, fps: float, width: int) -> int:
    from roughcut.vision import analyze_take

    return len(analyze_take(path, fps=fps, width=width).sample_frames)


def _child(task: str, path: str, fps: float, width: int, cores: list[int], out) -> None:
    os.sched_setaffinity(0, cores)
    import av  # noqa: F401  (imports are not what is measured)

    if task != "plain":
        import mediapipe  # noqa: F401
        import scenedetect  # noqa: F401

        import roughcut.vision  # noqa: F401
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if task == "plain":
        plain_decode(Path(path))
    elif task == "decode":
        analysis_decode(Path(path), fps, width)
    else:
        full_analysis(Path(path), fps, width)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.send((seconds, before / 1024, peak / 1024))


def measure_once(
    task: str, path: Path, fps: float, width: int, cores: list[int]
) -> tuple[float, float, float]:
    """Wall seconds, RSS before and peak RSS (MiB) of ``task`` in a fresh process pinned to ``cores``."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(task, str(path), fps, width, cores, send))
    process.start()
    result = receive.recv()
    process.join()
    return result


def measure(
    task: str, path: Path, fps: float, width: int, cores: list[int], repeat: int = 1
) -> tuple[float, float, float]:
    """The fastest of ``repeat`` runs (a shared machine's load only ever adds time)."""
    return min((measure_once(task, path, fps, width, cores) for _ in range(repeat)), key=lambda r: r[0])


def repeat_take(path: Path, times: int, out: Path) -> Path:
    """``path``'s video stream copied ``times`` times end to end (packets remuxed, not re-encoded)."""
    import av

    with av.open(str(path)) as source, av.open(str(out), "w") as target:
        stream = source.streams.video[0]
        copy = target.add_stream_from_template(stream)
        packets = [p for p in source.demux(stream) if p.dts is not None]
        span = max(p.pts for p in packets) - min(p.pts for p in packets) + packets[1].duration
        for k in range(times):
            for packet in packets:
                packet.pts += span if k else 0
                packet.dts += span if k else 0
                packet.stream = copy
                target.mux(packet)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("demo", nargs="?", type=Path, help="a built demo project (default: build one)")
    parser.add_argument("--cores", type=int, default=2, help="CPU cores the measurement may use")
    parser.add_argument("--fps", type=float, default=8)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the fastest counts")
    parser.add_argument("--skip-parallel", action="store_true")
    args = parser.parse_args()
    from roughcut.demo import build_demo

    demo = args.demo or build_demo(Path(tempfile.mkdtemp()) / "demo")
    cores = sorted(os.sched_getaffinity(0))[: args.cores]
    print(f"{len(cores)} cores, analysis at {args.fps:g} fps, {args.width} px wide")
    for name in ("A01_wide.mp4", "B01_nora_cu.mp4"):
        take = Path(demo) / "takes" / name
        runs: dict[str, list] = {"plain": [], "decode": [], "full": []}
        for _ in range(args.repeat):  # interleaved, so load on a shared machine hits all alike
            for task, found in runs.items():
                found.append(measure_once(task, take, args.fps, args.width, cores))
        plain, decode, full = (min(runs[task], key=lambda r: r[0]) for task in ("plain", "decode", "full"))
        print(
            f"{name} (1280x720): plain decode {plain[0]:.2f} s | analysis decode {decode[0]:.2f} s "
            f"({decode[0] / plain[0]:.2f}x) | full vision {full[0]:.2f} s "
            f"({full[0] / plain[0]:.2f}x the plain decode)"
        )
    with tempfile.TemporaryDirectory() as folder:
        take = Path(demo) / "takes" / "A01_wide.mp4"
        long_take = repeat_take(take, 4, Path(folder) / "long.mp4")
        short = measure("full", take, args.fps, args.width, cores)
        long = measure("full", long_take, args.fps, args.width, cores)
        print(
            f"memory: peak RSS {short[2]:.0f} MiB for the take "
            f"({short[2] - short[1]:.0f} MiB over start-up), "
            f"{long[2]:.0f} MiB for it four times as long ({long[2] - long[1]:.0f} MiB over start-up); "
            f"time {long[0] / short[0]:.2f}x for 4x the frames"
        )
    if not args.skip_parallel:
        from roughcut.project import Project
        from roughcut.store import Store
        from roughcut.vision import analyze_project

        project = Project.open(demo)
        timings = {}
        for workers in (1, len(cores)):
            with tempfile.TemporaryDirectory() as folder:
                start = time.perf_counter()
                analyze_project(project, store=Store(Path(folder) / "s.sqlite"), workers=workers)
                timings[workers] = time.perf_counter() - start
        print(
            f"{len(project.takes)} takes: {timings[1]:.1f} s one at a time, {timings[len(cores)]:.1f} s on "
            f"{len(cores)} processes ({timings[1] / timings[len(cores)]:.2f}x faster)"
        )


if __name__ == "__main__":
    main()
