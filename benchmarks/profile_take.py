"""Where the time of one take's analysis goes: cProfile of the vision pass and of the full analysis
(speech alignment + vision + prosody) of a 720p take, printed as shares of the run, with the plain
decode of the same file measured in the same run as the reference.

Time spent in native code that releases the GIL on another thread (the decode thread, the
speaker model's thread, mediapipe's graph) shows up as the waiting function (``lock.acquire``,
``wait_until_idle``); CPU seconds are printed beside the wall seconds for that reason.

Run: ``python benchmarks/profile_take.py [TAKE.mp4] [--script SCRIPT] [--top 15]`` (default: the
demo's two-shot ``A01_wide.mp4`` and its screenplay, built into ``$TMPDIR/roughcut-bench-demo``).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import tempfile
import time
from collections import defaultdict
from pathlib import Path


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def plain_decode(path: Path) -> None:
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for _ in container.decode(stream):
            pass


def profiled(label: str, call, reference: tuple[float, float], top: int) -> None:  # type: ignore[no-untyped-def]
    profile = cProfile.Profile()
    start, cpu = time.perf_counter(), cpu_seconds()
    profile.runcall(call)
    wall, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    print(
        f"{label}: wall {wall:.2f} s ({wall / reference[0]:.1f}x the plain decode), "
        f"CPU {cpu:.2f} s ({cpu / reference[1]:.1f}x)"
    )
    stats = pstats.Stats(profile)
    total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]  # type: ignore[attr-defined]
    for (file, line, function), (_, calls, own, cumulative, _) in rows:
        where = f"{Path(file).parent.name}/{Path(file).name}:{line}" if line else "(native)"
        print(
            f"  {own / total:5.1%} own {own:6.2f} s  cum {cumulative:6.2f} s  {calls:6d} calls  "
            f"{function}  {where}"
        )
    by_module: dict[str, float] = defaultdict(float)
    for (file, _, _), value in stats.stats.items():  # type: ignore[attr-defined]
        module = "/".join(Path(file).parts[-2:]) if file.endswith(".py") else "native (GIL held)"
        by_module[module] += value[2]
    shares = sorted(by_module.items(), key=lambda kv: kv[1], reverse=True)[:8]
    print("  by file: " + ", ".join(f"{name} {seconds / total:.0%}" for name, seconds in shares))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("take", nargs="?", type=Path)
    parser.add_argument("--script", type=Path)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    take, script = args.take, args.script
    if take is None:
        from roughcut.demo import build_demo

        demo = build_demo(Path(tempfile.gettempdir()) / "roughcut-bench-demo")
        take, script = demo / "takes" / "A01_wide.mp4", next(demo.glob("*.fountain"))
    from roughcut.media import probe
    from roughcut.vision import analyze_take

    info = probe(take)
    seconds = float(info.duration)
    print(f"{take.name}: {info.video.width}x{info.video.height}, {seconds:.1f} s")
    analyze_take(take)  # imports and models loaded once, outside the measurement
    start, cpu = time.perf_counter(), cpu_seconds()
    plain_decode(take)
    reference = (time.perf_counter() - start, cpu_seconds() - cpu)
    print(f"plain decode: wall {reference[0]:.2f} s, CPU {reference[1]:.2f} s")
    profiled("vision (analyze_take)", lambda: analyze_take(take), reference, args.top)
    if script is None:
        return
    from roughcut.script import read_script
    from roughcut.speech.align import align_take_file

    lines = list(read_script(script).lines)
    align_take_file(take, lines[:1])  # Whisper and pocketsphinx loaded outside the measurement

    def full() -> None:
        from roughcut.audio.prosody import line_prosody
        from roughcut.media import read_audio

        alignment = align_take_file(take, lines)
        analyze_take(take)
        audio = read_audio(take)
        for line in alignment.lines:
            line_prosody(audio.samples, audio.sample_rate, line.start_s, line.end_s)

    start = time.perf_counter()
    profiled("full analysis (alignment + vision + prosody)", full, reference, args.top)
    print(f"  real time: {seconds / (time.perf_counter() - start):.2f}x (goal >= 4x)")


if __name__ == "__main__":
    main()
