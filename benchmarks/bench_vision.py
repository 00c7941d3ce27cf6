"""Vision analysis speed and memory against a plain PyAV decode of the same file, in one run.

Prints, for a 720p take: the plain decode's wall time (every frame decoded, nothing converted: the
floor, as fast as the ffmpeg binary here), the analysis decode alone (the same decode plus scaling
and RGB conversion of the kept frames), and the full vision analysis, with their ratios to the plain
decode; peak memory of the analysis for the take and for a take four times as long (memory must stay
flat); and wall time for the project's takes analysed one at a time and in parallel.

First, on real footage with sound (``faces/hamilton_clip.mp4`` scaled to 1280x720 in a temporary
folder): plain decode, analysis decode, full analysis without and with the speaker model
(Light-ASD), wall and CPU seconds and their ratios to the plain decode. The demo's figures follow
with ``--with-demo`` or a demo folder.

``--stages`` adds the cost of each stage (the pass, the cut refinement, the speaker model with its
decode, the identity embeddings) run one after another, against the plain decode.

Run: ``python benchmarks/bench_vision.py [DEMO_DIR] [--cores 2] [--with-demo] [--stages]`` (set
``ROUGHCUT_MEDIA`` when the shared media are not at ``../shared/media``).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import tempfile
import time
from fractions import Fraction
from pathlib import Path

#: The shared test media: $ROUGHCUT_MEDIA, else ``shared/media`` in the nearest folder above holding one.
MEDIA = Path(
    os.environ.get("ROUGHCUT_MEDIA")
    or next(
        (
            p / "shared" / "media"
            for p in Path(__file__).resolve().parents
            if (p / "shared" / "media").is_dir()
        ),
        Path("shared/media"),
    )
)


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


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child(task: str, path: str, fps: float, width: int, cores: list[int], out) -> None:
    os.sched_setaffinity(0, cores)
    import av  # noqa: F401  (imports are not what is measured)

    if task != "plain":
        import mediapipe  # noqa: F401
        import scenedetect  # noqa: F401

        import roughcut.vision  # noqa: F401
        from roughcut.vision import active_speaker

        active_speaker._session()  # loading the models is start-up, not analysis
        from roughcut.vision.identity import face_embedder

        face_embedder()
        # Modules the analysis imports on first use (once per process, as the models load once).
        import scipy.fft
        import scipy.ndimage
        import scipy.optimize  # noqa: F401
        import webrtcvad  # noqa: F401
    if task == "no-speaker-model":
        # The registry resolves "roughcut.vision.active_speaker:decide_speakers" on first use.
        active_speaker.decide_speakers = lambda path, tracks, **_: (list(tracks), [])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, cpu = time.perf_counter(), _cpu_seconds()
    if task == "plain":
        plain_decode(Path(path))
    elif task == "decode":
        analysis_decode(Path(path), fps, width)
    else:
        full_analysis(Path(path), fps, width)
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.send((seconds, before / 1024, peak / 1024, cpu))


def _stages_child(path: str, fps: float, width: int, cores: list[int], out) -> None:
    """The analysis of ``path`` stage by stage, one after another (no overlap), in this process."""
    os.sched_setaffinity(0, cores)
    from roughcut.media import probe, read_frames
    from roughcut.vision import active_speaker, identity, take
    from roughcut.vision.analyser import run_pass
    from roughcut.vision.cuts import COMPARE_WIDTH, CutAnalyser, refine_cuts
    from roughcut.vision.faces import FaceAnalyser
    from roughcut.vision.sharpness import SharpnessAnalyser

    active_speaker._session()
    identity.face_embedder()
    if len(cores) < getattr(take, "OPENCV_THREADS_FROM_CORES", 0):  # as analyze_take runs it
        import cv2

        cv2.setNumThreads(1)
    import scipy.ndimage
    import scipy.optimize  # noqa: F401

    info = probe(path)
    rate = info.video.frame_rate
    rows = []

    def stage(label, run):
        start, cpu = time.perf_counter(), _cpu_seconds()
        result = run()
        rows.append((label, time.perf_counter() - start, _cpu_seconds() - cpu))
        return result

    def frames():
        return read_frames(path, width=width, fps=fps, between_width=COMPARE_WIDTH)

    stage("plain decode", lambda: plain_decode(Path(path)))
    stage("pass decode alone (thinned RGB + every frame small)", lambda: sum(1 for _ in frames()))
    faces = FaceAnalyser(native_rate=float(rate))
    model_frames = [0, 0.0]
    score = active_speaker.model_scores

    def timed_score(features, crops):
        start = time.perf_counter()
        result = score(features, crops)
        model_frames[0] += len(crops)
        model_frames[1] += time.perf_counter() - start
        return result

    active_speaker.model_scores = timed_score
    cuts = CutAnalyser(native_rate=rate)
    pairs, _, found = stage(
        "pass: decode + faces, pose, cuts, sharpness",
        lambda: run_pass(frames(), [cuts, SharpnessAnalyser(), faces]),
    )
    bounds = stage(
        "cut refinement", lambda: refine_cuts(path, pairs, greys=cuts.greys, seen_until=cuts.seen_until)
    )
    raw = take._split_at_cuts(found.tracks, tuple(sorted({*bounds[0], *bounds[1]})))
    tracks = [take._speaking(r, float(fps)) for r in raw]
    stage(
        "speaker: sound, MFCC, voice, decode, crops, Light-ASD",
        lambda: active_speaker.decide_speakers(
            path,
            tracks,
            frame_rate=rate,
            frame_count=info.video.frame_count,
            frame_size=info.video.display_size,
        ),
    )
    embedded = stage("identity: SFace embeddings", lambda: [identity.track_embeddings(r.chips) for r in raw])
    rows.append((f"  of the speaker: Light-ASD model, {model_frames[0]} face frames", model_frames[1], None))
    rows.append((f"  ({sum(len(e) for e in embedded)} embeddings of {len(raw)} tracks)", 0.0, None))
    out.send(rows)


def stages(path: Path, fps: float, width: int, cores: list[int]) -> None:
    """Prints the cost of each stage of the analysis of ``path`` against the plain decode."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_stages_child, args=(str(path), fps, width, cores, send))
    process.start()
    rows = receive.recv()
    process.join()
    plain_wall, plain_cpu = rows[0][1], rows[0][2]
    print(f"stages of the analysis of {path.name}, one after another (model time: wall, on its thread):")
    for label, wall, cpu in rows:
        line = f"  {label:56s} wall {wall:5.2f} s ({wall / plain_wall:5.2f}x)" if wall else f"  {label}"
        print(line + (f" | CPU {cpu:5.2f} s ({cpu / plain_cpu:5.2f}x)" if cpu is not None else ""))


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
    """``path``'s video and sound copied ``times`` times end to end (packets remuxed, not
    re-encoded), so the longer take is analysed the same way (the speaker model needs the sound)."""
    import av

    with av.open(str(path)) as source, av.open(str(out), "w") as target:
        streams = [source.streams.video[0], *source.streams.audio[:1]]
        copies = {stream.index: target.add_stream_from_template(stream) for stream in streams}
        packets: dict[int, list] = {s.index: [] for s in streams}
        for packet in source.demux(*streams):  # one pass: a second demux would start at the end
            if packet.dts is not None:
                packets[packet.stream.index].append(packet)
        # Every stream's copies start at the same time: the longest stream's span, in seconds.
        span_s = max(
            (max(p.pts for p in found) - min(p.pts for p in found) + found[-1].duration) * stream.time_base
            for stream in streams
            if (found := packets[stream.index])
        )
        for k in range(times):
            for stream in streams:
                for packet in packets[stream.index]:
                    if k:  # one span later than the last copy (muxing may have changed the time base)
                        shift = round(span_s / packet.time_base)
                        packet.pts += shift
                        packet.dts += shift
                    packet.stream = copies[stream.index]
                    target.mux(packet)
    return out


def scaled_take(source: Path, out: Path, height: int = 720) -> Path:
    """``source`` (video and sound) re-encoded at ``height`` lines (x264, CRF 18; sound as AAC), the
    way a 720p camera file would be: the analysis scales it down, the plain decode decodes it all."""
    import av

    with av.open(str(source)) as src, av.open(str(out), "w") as dst:
        in_video, in_audio = src.streams.video[0], src.streams.audio[0]
        width = round(in_video.width * height / in_video.height / 2) * 2
        video = dst.add_stream("libx264", rate=in_video.average_rate)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"crf": "18", "preset": "veryfast"}
        audio = dst.add_stream("aac", rate=in_audio.rate, layout=in_audio.layout.name)
        pictures = samples = 0
        for frame in src.decode(in_video, in_audio):
            if isinstance(frame, av.VideoFrame):
                picture = frame.reformat(width=width, height=height, format="yuv420p")
                picture.pts, picture.time_base = pictures, 1 / Fraction(in_video.average_rate)
                pictures += 1
                dst.mux(video.encode(picture))
            else:
                frame.pts, frame.time_base = samples, Fraction(1, in_audio.rate)
                samples += frame.samples
                dst.mux(audio.encode(frame))
        dst.mux(video.encode())
        dst.mux(audio.encode())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("demo", nargs="?", type=Path, help="a built demo project (default: build one)")
    parser.add_argument("--cores", type=int, default=2, help="CPU cores the measurement may use")
    parser.add_argument("--fps", type=float, default=8)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the fastest counts")
    parser.add_argument("--skip-parallel", action="store_true")
    parser.add_argument("--media", type=Path, default=MEDIA, help="the shared test media (hamilton_clip.mp4)")
    parser.add_argument("--with-demo", action="store_true", help="also the demo's takes, memory, parallel")
    parser.add_argument("--stages", action="store_true", help="also the cost of each stage of the analysis")
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0))[: args.cores]
    print(f"{len(cores)} cores, analysis at {args.fps:g} fps, {args.width} px wide")
    with tempfile.TemporaryDirectory() as folder:
        take = scaled_take(args.media / "faces" / "hamilton_clip.mp4", Path(folder) / "hamilton_720p.mp4")
        tasks = ("plain", "decode", "no-speaker-model", "full")
        runs: dict[str, list] = {task: [] for task in tasks}
        for _ in range(args.repeat):  # interleaved, so load on a shared machine hits all alike
            for task, found in runs.items():
                found.append(measure_once(task, take, args.fps, args.width, cores))
        best = {task: min(runs[task], key=lambda r: r[0]) for task in tasks}
        cpu = {task: min(r[3] for r in runs[task]) for task in tasks}
        plain = best["plain"]
        print(
            f"hamilton_clip.mp4 scaled to 1280x720 (275 frames, 29.97 fps, sound), fastest of {args.repeat}:"
        )
        for task in tasks:
            print(
                f"  {task:17s} wall {best[task][0]:6.2f} s ({best[task][0] / plain[0]:5.2f}x plain decode) | "
                f"CPU {cpu[task]:6.2f} s ({cpu[task] / cpu['plain']:5.2f}x)"
            )
        if args.stages:
            stages(take, args.fps, args.width, cores)
    if not (args.demo or args.with_demo):
        return
    from roughcut.demo import build_demo

    demo = args.demo or build_demo(Path(tempfile.mkdtemp()) / "demo")
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
