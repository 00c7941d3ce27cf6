"""Speed-up per added Ray worker on this machine, against one worker, in one run.

A local Ray cluster (:class:`roughcut.app.executors.LocalRayCluster`: a head that only schedules,
then worker nodes of one CPU each, added one at a time up to the cores at hand) analyses the same
takes (vision, every take a task; the real GRID clips, repeated to ``--takes``) with a fresh store
each time. Each count first runs one take per worker to warm the workers (imports, models), then
the batch is timed. Printed per count: wall seconds, speed-up over one worker, and efficiency
(speed-up / workers; the goal is >= 0.8 of linear up to the cores at hand). The local process pool
at the same counts is the reference (``--local``).

On a shared machine other processes' load takes cores away: the load average is printed beside.

Run: ``python benchmarks/bench_cluster.py [--workers N] [--takes 8] [--local]`` (set
``ROUGHCUT_MEDIA`` when the shared media are not at ``../shared/media``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from roughcut.app.executors import LocalPool, LocalRayCluster, RayExecutor
from roughcut.project import Project
from roughcut.store import Store
from roughcut.vision import analyze_project

ROOT = Path(__file__).resolve().parents[1]
MEDIA = Path(
    os.environ.get("ROUGHCUT_MEDIA")
    or next(
        (p / "shared" / "media" for p in ROOT.parents if (p / "shared" / "media").is_dir()),
        Path("shared/media"),
    )
)


def shoot(folder: Path, takes: int) -> Path:
    """``takes`` GRID clips in two scene folders (the 11 clips again when more are asked for;
    a repeat gets one byte appended so its fingerprint, and its task, is its own)."""
    clips = sorted((MEDIA / "grid").glob("*.mpg"))
    for k in range(takes):
        scene = folder / f"scene{k % 2 + 1}"
        scene.mkdir(parents=True, exist_ok=True)
        target = scene / f"take{k + 1:03d}.mpg"
        shutil.copy(clips[k % len(clips)], target)
        if k >= len(clips):
            with target.open("ab") as out:
                out.write(bytes([k % 256]))
    return folder


def timed_run(project: Project, executor, store_path: Path) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Wall seconds of the vision analysis of every take on ``executor``, into a fresh store, and
    the machine's load average (1 minute) at its end."""
    store_path.unlink(missing_ok=True)
    start = time.perf_counter()
    result = analyze_project(project, store=Store(store_path), executor=executor)
    seconds = time.perf_counter() - start
    if result.errors:
        raise SystemExit(f"takes failed: {[str(e) for e in result.errors]}")
    return seconds, os.getloadavg()[0]


def report(label: str, counts: list[int], runs: list[tuple[float, float]]) -> None:
    print(label)
    for workers, (wall, load) in zip(counts, runs, strict=True):
        speedup = runs[0][0] / wall
        print(
            f"  {workers} worker{'s' if workers > 1 else ' '}: {wall:6.1f} s | speed-up {speedup:4.2f}x | "
            f"efficiency {speedup / workers:4.2f} of linear | load average {load:.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    parser.add_argument("--workers", type=int, default=cores, help="the most workers (default: the cores)")
    parser.add_argument("--takes", type=int, default=8)
    parser.add_argument("--local", action="store_true", help="also the local process pool at each count")
    args = parser.parse_args()
    counts = list(range(1, args.workers + 1))
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        project = Project.open(shoot(folder / "shoot", args.takes))
        warm = Project.open(shoot(folder / "warm", max(counts)))
        print(f"{args.takes} takes (GRID, 3 s, 360x288), vision only, {cores} cores here")
        seconds = []
        with LocalRayCluster(folder / "logs", python_path=(str(ROOT / "src"),)) as cluster:
            cluster.start(head_cpus=0)
            executor = RayExecutor(cluster.address)
            try:
                for workers in counts:
                    cluster.add_worker(cpus=1)
                    while executor.cluster_cpus() < workers:
                        time.sleep(0.2)
                    timed_run(warm, executor, folder / "warm.sqlite")
                    seconds.append(timed_run(project, executor, folder / "store.sqlite"))
            finally:
                executor.shutdown()
        report("Ray, a head and one-CPU worker nodes on 127.0.0.1:", counts, seconds)
        if args.local:
            local = []
            for workers in counts:
                with LocalPool(workers) as pool:
                    timed_run(warm, pool, folder / "warm.sqlite")
                    local.append(timed_run(project, pool, folder / "store.sqlite"))
            report("local process pool (reference):", counts, local)


if __name__ == "__main__":
    main()
