"""Alternate versions of a project: a temp ADR line (``roughcut adr``) and a clean version of the
cut (``roughcut clean-version``), written into the project's output folder through its one writer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

import numpy as np
import opentimelineio as otio

from roughcut.alternate.adr import AdrLine, WordSlot, onset_errors, temp_adr
from roughcut.alternate.clean_version import (
    Replacement,
    clean_samples,
    find_hits,
    masked_text,
    read_word_list,
    shipped_words,
)
from roughcut.alternate.matching import room_tone, room_tone_spans
from roughcut.alternate.wsola import stretch
from roughcut.errors import MediaError, RoughcutError
from roughcut.project import Project

#: The aligner's rate (Hz): word positions in alignments are samples at this rate.
ALIGN_RATE = 16_000


@dataclass(frozen=True)
class AdrResult:
    """A temp ADR line written: its Broadcast WAVE and timeline, the take and line it replaces, and
    the measured onset errors (seconds, by aligning the written line again)."""

    wav: Path
    timeline: Path
    take: str
    line_id: str
    line: AdrLine
    onset_errors_s: tuple[float, ...]


@dataclass(frozen=True)
class CleanChange:
    """One audio clip of the cut with words replaced: where (timeline frames), its patch file, what."""

    record_in: int
    record_out: int
    take: str
    patch: Path
    replacements: tuple[Replacement, ...]
    note: str = ""


@dataclass(frozen=True)
class CleanResult:
    """The clean version's files by format, the EDL of the changes, the changes, how many words were
    listed, and notes (lines dipped for want of another take, recordings that could not be read)."""

    paths: dict[str, Path]
    changes_edl: Path | None
    changes: tuple[CleanChange, ...]
    words_listed: int
    notes: tuple[str, ...] = field(default=())


# ------------------------------------------------------------------------------------------ shared


def _alignments(project: Project) -> dict:
    from roughcut.script import read_script
    from roughcut.speech.align import align_project

    if project.script is None:
        raise RoughcutError(f"{project.root}: no screenplay found")
    return align_project(project, read_script(project.script))


def _take_named(names: Sequence[str], wanted: str) -> str:
    matches = [n for n in names if n == wanted] or [n for n in names if Path(n).stem == wanted]
    matches = matches or [n for n in names if Path(n).stem.startswith(wanted)]
    if len(matches) != 1:
        raise RoughcutError(f"take {wanted!r}: {len(matches) or 'no'} takes match; takes: {', '.join(names)}")
    return matches[0]


def _slots(words: Iterable, rate: int, shift_s: float = 0.0, clock=None) -> list[WordSlot]:  # type: ignore[no-untyped-def]
    """Aligned words (16 kHz take samples) as slots in samples at ``rate`` of a sound whose sample 0
    is ``shift_s`` seconds into it on the clock ``clock`` maps take seconds to (identity if None)."""
    out = []
    for w in words:
        a, b = w.start / ALIGN_RATE, w.end / ALIGN_RATE
        if clock is not None:
            a, b = clock(a), clock(b)
        out.append(WordSlot(w.text, round((a - shift_s) * rate), round((b - shift_s) * rate)))
    return out


def _write_wav(out, name: str, samples: np.ndarray, rate: int, time_of_day_s: float | None) -> Path:  # type: ignore[no-untyped-def]
    from roughcut.audio.files import write_audio

    with out.writing(name) as part:
        write_audio(part, samples, rate, force=True, time_of_day_s=time_of_day_s)
    return out.path(name)


def _range(start: int, frames: int, rate: float) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(
        otio.opentime.RationalTime(start, rate), otio.opentime.RationalTime(frames, rate)
    )


# --------------------------------------------------------------------------------------- temp ADR


def adr_project(
    directory: str | Path,
    *,
    line_id: str,
    text: str,
    take: str | None = None,
    voice_model: str | Path | None = None,
    out_dir: str | Path | None = None,
) -> AdrResult:
    """A temp ADR line for ``line_id`` saying ``text``, fitted to its performance in ``take`` (by
    default the take that performs the line most surely), written as ``adr/LINE_TAKE.wav`` (a
    Broadcast WAVE at the take's timecode, room tone handles included) and ``adr/LINE_TAKE.otio``
    (the take on V1/A1, the ADR line on its own track A2)."""
    from roughcut.export import write_all
    from roughcut.export.files import OutputDir
    from roughcut.media import probe
    from roughcut.media.audio import read_audio

    project = Project.open(directory)
    alignments = _alignments(project)
    performing = [n for n, a in alignments.items() if a.performances(line_id)]
    if not performing:
        raise RoughcutError(f"line {line_id}: no take performs it (lines are numbered scene.line, e.g. 1.3)")
    if take is None:
        name = max(performing, key=lambda n: max(p.confidence for p in alignments[n].performances(line_id)))
    else:
        name = _take_named(list(alignments), take)
        if name not in performing:
            raise RoughcutError(f"{name}: does not perform line {line_id}")
    performance = max(alignments[name].performances(line_id), key=lambda p: p.confidence)
    path = project.root / name
    audio = read_audio(path, sample_rate=None)
    rate = audio.sample_rate
    line = temp_adr(audio.samples, rate, _slots(performance.words, rate), text, voice_model=voice_model)
    info = probe(path)
    fps = info.video.frame_rate if info.video is not None and info.video.frame_rate else Fraction(25)
    origin_s = info.timecode_s or Fraction(0)
    first = _slots(performance.words, rate)[0].start - line.handle  # take sample of the WAV's first
    start_frame = max(0, math.ceil(Fraction(first, rate) * fps))  # the WAV is trimmed to frame edges
    skip = round(Fraction(start_frame, fps) * rate) - first
    frames = math.floor(Fraction(len(line.samples) - skip, rate) * fps)
    samples = line.samples[skip : skip + round(Fraction(frames, fps) * rate)]
    stem = f"adr/{line_id}_{Path(name).stem}"
    out = OutputDir(out_dir or project.output_dir)
    out.check([f"{stem}.wav", f"{stem}.otio"])
    wav = _write_wav(out, f"{stem}.wav", samples, rate, float(origin_s + Fraction(start_frame, fps)))
    timeline = _adr_timeline(path, wav, fps, round(origin_s * fps) + start_frame, frames, line_id, text)
    written = write_all(timeline, out.root, ["otio"], name=stem)
    return AdrResult(wav, written["otio"], name, line_id, line, tuple(onset_errors(line)))


def _adr_timeline(
    take: Path, wav: Path, fps: Fraction, start: int, frames: int, line_id: str, text: str
) -> otio.schema.Timeline:
    """The take over the ADR line's frames on V1 and A1, the ADR line on A2 (frames at ``fps``, the
    take's timecode ``start``)."""
    rate = float(fps)
    timeline = otio.schema.Timeline(name=f"Temp ADR {line_id}")
    timeline.global_start_time = otio.opentime.RationalTime(0, rate)
    for name, kind, media in (
        ("V1", otio.schema.TrackKind.Video, take),
        ("A1", otio.schema.TrackKind.Audio, take),
        ("A2 ADR", otio.schema.TrackKind.Audio, wav),
    ):
        clip = otio.schema.Clip(name=media.stem, source_range=_range(start, frames, rate))
        clip.media_reference = otio.schema.ExternalReference(
            target_url=media.resolve().as_uri(), available_range=_range(start, frames, rate)
        )
        clip.metadata["roughcut"] = {
            "line": line_id,
            "adr": media == wav,
            "text": text if media == wav else "",
        }
        timeline.tracks.append(otio.schema.Track(name=name, kind=kind, children=[clip]))
    timeline.metadata["roughcut"] = {"scene": line_id.split(".")[0], "adr": {"line": line_id, "text": text}}
    return timeline


# ---------------------------------------------------------------------------------- clean version


def listed_words(words_file: str | Path | None = None, *, shipped: bool = True) -> frozenset[str]:
    """The words a clean version removes: the shipped list and the user's ``words_file``."""
    listed = shipped_words() if shipped else frozenset()
    if words_file is not None:
        listed |= read_word_list(words_file)
    if not listed:
        raise RoughcutError("no words to remove: give --words FILE or keep the shipped list")
    return listed


def _cut_timeline(project: Project, coverage) -> tuple:  # type: ignore[no-untyped-def]
    """The project's cut as ``roughcut edit`` makes it by default: the cut, its timeline, its sound."""
    from roughcut.app.edit import synced_sound
    from roughcut.edit.editor import edit_scene
    from roughcut.edit.styles import styles_from_config
    from roughcut.edit.timeline import to_timeline

    settings = project.config.edit
    cut = edit_scene(
        coverage,
        style=settings.style,
        weights=dict(settings.idioms),
        pace=settings.pace,
        styles=styles_from_config(project.config),
    )
    sound = synced_sound(project, coverage)
    return cut, to_timeline(cut, coverage, sound=sound), sound


def clean_version_project(
    directory: str | Path,
    *,
    words_file: str | Path | None = None,
    method: str = "bleep",
    shipped: bool = True,
    substitute: str = "darn",
    out_dir: str | Path | None = None,
    formats: Iterable[str] | None = None,
    coverage=None,  # type: ignore[no-untyped-def]
) -> CleanResult:
    """The project's cut with every listed word it says replaced by ``method`` (``bleep``, ``dip``,
    ``take``: the line from another take that does not say it, ``adr``: the line re-spoken with
    ``substitute`` in its place), written as a second timeline ``scene_N_clean`` in ``formats``
    (default every format ``roughcut edit`` writes), with patched sound in ``clean/`` and an EDL of
    the changes (``scene_N_clean_changes.edl``)."""
    from roughcut.app.analyze import project_coverage
    from roughcut.export import FORMATS, write_all
    from roughcut.export.files import OutputDir

    project = Project.open(directory)
    listed = listed_words(words_file, shipped=shipped)
    coverage = coverage if coverage is not None else project_coverage(project.root)
    cut, timeline, sound = _cut_timeline(project, coverage)
    alignments = _alignments(project)
    clean = timeline.deepcopy()
    clean.name = f"{timeline.name} - clean"
    audio_track = next(t for t in clean.tracks if t.kind == otio.schema.TrackKind.Audio)
    out = OutputDir(out_dir or project.output_dir)
    scene = clean.metadata.get("roughcut", {}).get("scene", "1")
    rate = float(cut.rate)
    changes, notes, media = [], [], {}
    for number, (piece, item) in enumerate(zip(cut.audio, list(audio_track), strict=True)):
        if piece.take is None or not isinstance(item, otio.schema.Clip):
            continue
        try:
            change = _clean_clip(
                piece, item, cut, coverage, alignments, sound, listed, method, substitute, media
            )
        except MediaError as exc:  # one unreadable recording: the rest of the cut is still cleaned
            notes.append(f"{exc}; its clip at frame {piece.record_in} is left as it was")
            continue
        if change is None:
            continue
        samples, rate_hz, done, note = change
        name = f"clean/scene_{scene}_{number:03d}_{Path(piece.take).stem}.wav"
        start = round(item.source_range.start_time.value)
        patch = _write_wav(out, name, samples, rate_hz, start / rate)
        replaced = item.media_reference
        item.media_reference = otio.schema.ExternalReference(
            target_url=patch.resolve().as_uri(), available_range=item.source_range
        )
        item.media_reference.metadata["roughcut"] = {"has_video": False, "has_audio": True}
        item.metadata["roughcut"]["clean"] = {
            "method": method,
            "words": [r.word for r in done],
            "note": note,
            # what the patch replaces: the file and its first frame (timecode) there
            "replaces": replaced.target_url,
            "replaces_start": replaced.available_range.start_time.value,
        }
        changes.append(CleanChange(piece.record_in, piece.record_out, piece.take, patch, tuple(done), note))
        notes += [note] if note else []
    _mask_words(clean, listed, substitute if method == "adr" else None)
    paths = write_all(clean, out.root, list(formats or FORMATS), name=f"scene_{scene}_clean")
    edl = None
    if changes:
        edl = write_all(
            _changes_timeline(clean, audio_track), out.root, ["edl"], name=f"scene_{scene}_clean_changes"
        )["edl"]
    return CleanResult(paths, edl, tuple(changes), len(listed), tuple(notes))


def _mask_words(timeline: otio.schema.Timeline, listed: frozenset[str], substitute: str | None) -> None:
    """The listed words masked in the timeline's line texts (subtitles) and marker comments."""
    for line in timeline.metadata.get("roughcut", {}).get("lines", []):
        line["text"] = masked_text(line["text"], listed, substitute)
    for track in timeline.tracks:
        for item in track:
            for marker in getattr(item, "markers", []):
                marker.comment = masked_text(marker.comment, listed, substitute)


def _changes_timeline(clean: otio.schema.Timeline, audio: otio.schema.Track) -> otio.schema.Timeline:
    """Only the patched sound clips of ``clean``, at their record times (gaps between)."""
    changes = otio.schema.Timeline(name=f"{clean.name} - changes")
    changes.global_start_time = clean.global_start_time
    changes.metadata["roughcut"] = dict(clean.metadata.get("roughcut", {}))
    track = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    for item in audio:
        if isinstance(item, otio.schema.Clip) and "clean" in item.metadata.get("roughcut", {}):
            track.append(item.clone())
        else:
            track.append(
                otio.schema.Gap(source_range=_range(0, round(item.duration().value), item.duration().rate))
            )
    changes.tracks.append(track)
    return changes


def _clean_clip(piece, item, cut, coverage, alignments, sound, listed, method, substitute, media):  # type: ignore[no-untyped-def]
    """The clip's sound with its listed words replaced, or ``None`` when it says none of them."""
    from roughcut.media.audio import read_audio

    take = coverage.take(piece.take)
    synced = sound.get(piece.take)
    clock = synced.seconds_in_recording if synced is not None else None
    path = synced.path if synced is not None else take.path
    if path not in media:
        samples = read_audio(path, sample_rate=None)
        spans = room_tone_spans(samples.samples, samples.sample_rate) if method != "bleep" else []
        media[path] = (samples, spans)
    audio, tone_spans = media[path]
    take_in_s = float(Fraction(piece.source_in) / take.frame_rate)
    # the clip plays its media from its source frame (on the media's timecode): the patch starts there
    media_frame = item.source_range.start_time.value - item.media_reference.available_range.start_time.value
    first = round(Fraction(round(media_frame)) / cut.rate * audio.sample_rate)
    start_s = first / audio.sample_rate
    length = round(Fraction(piece.frames) / cut.rate * audio.sample_rate)
    segment = np.zeros(length, np.float32)
    available = audio.samples[max(0, first) : first + length]
    segment[max(0, -first) : max(0, -first) + len(available)] = available
    alignment = alignments.get(piece.take)
    if alignment is None:
        return None
    performances = [
        p
        for p in alignment.lines
        if p.start < (piece.source_in + piece.frames) / take.frame_rate * ALIGN_RATE
    ]
    performances = [p for p in performances if p.end > take_in_s * ALIGN_RATE]
    words = _inside(
        [w for p in performances for w in _slots(p.words, audio.sample_rate, start_s, clock)], length
    )
    if not find_hits(words, listed):
        return None
    rate = audio.sample_rate
    tone = room_tone(audio.samples, rate, length, tone_spans) if method != "bleep" else None
    if method == "dip" or method == "bleep":
        out, done = clean_samples(segment, rate, words, listed, method=method, tone=tone)
        return out, rate, done, ""
    if method == "adr":
        other = _adr_under(
            audio.samples, first, length, rate, performances, listed, substitute, clock, tone_spans
        )
        out, done = clean_samples(segment, rate, words, listed, method="adr", other=other)
        return out, rate, done, ""
    other, replaced = _other_take_under(
        segment, rate, performances, alignments, piece.take, listed, start_s, clock, coverage, sound
    )
    other_take = [p for p in performances if p.line_id in replaced]
    spans = [  # one token per line replaced whole, named by its id
        WordSlot(f"line{p.line_id.replace('.', 'x')}", s.start, s.end)
        for p in other_take
        for s in _slots([p], rate, start_s, clock)
    ]
    out, done = clean_samples(segment, rate, spans, {s.text for s in spans}, method="take", other=other)
    named = {f"line{i.replace('.', 'x')}": f"line {i} from {t}" for i, t in replaced.items()}
    done = [replace(r, word=named.get(r.word, r.word)) for r in done]
    rest = [
        w for p in performances if p.line_id not in replaced for w in _slots(p.words, rate, start_s, clock)
    ]
    out, dipped = clean_samples(out, rate, _inside(rest, length), listed, method="dip", tone=tone)
    missing = sorted(
        {p.line_id for p in performances if p.line_id not in replaced and _says(p.words, listed)}
    )
    note = (
        f"line {', '.join(missing)}: no other take leaves the words out; dipped to room tone"
        if missing
        else ""
    )
    return out, rate, done + dipped, note


def _inside(words: Sequence[WordSlot], length: int) -> list[WordSlot]:
    """The words heard in a segment of ``length`` samples, cut to it (a word across a cut is
    replaced where the clip plays it)."""
    return [
        replace(w, start=max(0, w.start), end=min(length, w.end))
        for w in words
        if w.end > 0 and w.start < length
    ]


def _says(words: Iterable, listed: Iterable[str]) -> bool:  # type: ignore[no-untyped-def]
    return bool(find_hits([WordSlot(w.text, 0, 1) for w in words], listed))


def _leaves_out(alignment, performance, listed: Iterable[str]) -> bool:  # type: ignore[no-untyped-def]
    """Whether a performance leaves every listed word out: recognition heard none of them in its
    span, and none of its script words is one that recognition matched there."""
    heard = [
        WordSlot(t, a, b) for t, a, b in alignment.recognised if performance.start <= a < performance.end
    ]
    matched = [w for w in performance.words if w.matched]
    return not find_hits(heard, listed) and not _says(matched, listed)


def _adr_under(recording, first, length, rate, performances, listed, substitute, clock, tone_spans):  # type: ignore[no-untyped-def]
    """A sound on the clock of ``recording[first:first + length]`` holding, for each line that says
    a listed word, a temp ADR of the line with ``substitute`` in place of each listed word or phrase
    (fitted word by word to the performance in ``recording``)."""
    other = np.zeros(length, np.float32)
    for p in performances:
        words = _slots(p.words, rate, 0.0, clock)
        hits = find_hits(words, listed)
        if not hits:
            continue
        merged, i = [], 0
        for a, b in [*hits, (len(words), len(words))]:
            merged += words[i:a]
            if a < len(words):
                merged.append(WordSlot(substitute, words[a].start, words[b - 1].end))
            i = b
        line = temp_adr(recording, rate, merged, " ".join(w.text for w in merged), tone_spans=tone_spans)
        at = merged[0].start - line.handle - first
        lo, hi = max(0, at), min(length, at + len(line.samples))
        if hi > lo:
            other[lo:hi] = line.samples[lo - at : hi - at]
    return other


def _other_take_under(segment, rate, performances, alignments, take, listed, start_s, clock, coverage, sound):  # type: ignore[no-untyped-def]
    """A sound on the segment's clock holding, for each line that says a listed word, the same line
    from another take that does not say one (its best performance, stretched to the line's span),
    and the lines so replaced (id → the take they now come from)."""
    from roughcut.media.audio import read_audio

    other = np.zeros(len(segment), np.float32)
    replaced: dict[str, str] = {}
    for p in performances:
        if not _says(p.words, listed):
            continue
        clean = [
            (n, q)
            for n, a in alignments.items()
            if n != take
            for q in a.performances(p.line_id)
            if _leaves_out(a, q, listed)
        ]
        span = _slots([p], rate, start_s, clock)[0]
        if not clean:
            continue
        name, q = max(clean, key=lambda c: c[1].confidence)
        synced = sound.get(name)
        path = synced.path if synced is not None else coverage.take(name).path
        source = read_audio(path, sample_rate=rate).samples
        a_s, b_s = q.start / ALIGN_RATE, q.end / ALIGN_RATE
        if synced is not None:
            a_s, b_s = synced.seconds_in_recording(a_s), synced.seconds_in_recording(b_s)
        line = source[round(a_s * rate) : round(b_s * rate)]
        lo, hi = max(0, span.start), min(len(other), span.end)
        other[lo:hi] = stretch(line, rate, span.end - span.start)[lo - span.start : hi - span.start]
        replaced[p.line_id] = name
    return other, replaced
