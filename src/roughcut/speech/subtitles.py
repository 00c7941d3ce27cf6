"""Subtitles: SRT and WebVTT cues from aligned script lines or a transcript, and a rule checker.

Cues follow the Netflix English timed-text rules (:class:`SubtitleRules`): at most 42 characters a
line and 2 lines, at most 17 characters a second for adult programmes (20 as an option), from 5/6 s
to 7 s on screen, at least 2 frames between cues, and lines broken at natural points (after
punctuation, before a conjunction or preposition, never after an article).

Times are integer milliseconds (the resolution of both formats), derived from exact frame counts
when a frame rate is given.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from roughcut.errors import RoughcutError


@dataclass(frozen=True)
class SubtitleRules:
    """Limits a cue must respect; seconds and characters."""

    max_line_chars: int = 42
    max_lines: int = 2
    max_cps: float = 17.0
    min_duration_s: Fraction = Fraction(5, 6)
    max_duration_s: Fraction = Fraction(7)
    min_gap_frames: int = 2
    frame_rate: Fraction = Fraction(24000, 1001)

    @property
    def min_gap_ms(self) -> int:
        return math.ceil(Fraction(self.min_gap_frames) / self.frame_rate * 1000)


@dataclass(frozen=True)
class Cue:
    """A subtitle: ``start_ms``/``end_ms`` in milliseconds and its text lines."""

    start_ms: int
    end_ms: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def duration_s(self) -> float:
        return (self.end_ms - self.start_ms) / 1000

    @property
    def characters(self) -> int:
        """Characters read, as the Netflix reading-speed rule counts them (line breaks not counted)."""
        return sum(len(line) for line in self.lines)

    @property
    def cps(self) -> float:
        return self.characters / self.duration_s if self.end_ms > self.start_ms else math.inf


@dataclass(frozen=True)
class TimedText:
    """A displayed word (with its punctuation) and its time in seconds; ``sentence_end`` after ``.?!``."""

    text: str
    start_s: float
    end_s: float


# ------------------------------------------------------------------------------------ line breaks

_BREAK_BEFORE = frozenset(
    {
        *("and", "but", "or", "nor", "so", "yet", "because", "although", "though", "while", "when"),
        *("where", "which", "who", "whom", "whose", "that", "if", "unless", "until", "to", "of", "in"),
        *("on", "at", "for", "with", "from", "by", "about", "into", "over", "after", "before", "than"),
        "as",
    }
)
_NO_BREAK_AFTER = frozenset(
    {"a", "an", "the", "my", "your", "his", "her", "its", "our", "their", "this", "these", "those"}
)


def break_lines(text: str, rules: SubtitleRules = SubtitleRules()) -> tuple[str, ...]:
    """``text`` as one line if it fits, else two lines broken at the most natural point.

    Candidate points are scored: a break after punctuation is best, before a conjunction or
    preposition good, after an article or possessive forbidden; among equals the more even split
    wins, and a bottom-heavy pyramid is preferred to a top-heavy one.
    """
    words = text.split()
    if len(text) <= rules.max_line_chars or len(words) < 2:
        return (text,)
    best: tuple[float, int] | None = None
    for i in range(1, len(words)):
        top, bottom = " ".join(words[:i]), " ".join(words[i:])
        over = max(0, len(top) - rules.max_line_chars) + max(0, len(bottom) - rules.max_line_chars)
        cost = over * 100.0 + abs(len(top) - len(bottom)) * 0.5
        cost += 0.0 if len(bottom) >= len(top) else 2.0
        previous = words[i - 1]
        if previous[-1] in ".,;:!?\u2014-":
            cost -= 30.0 if previous[-1] in ".!?" else 20.0
        elif words[i].lower().strip("\"'") in _BREAK_BEFORE:
            cost -= 10.0
        if previous.lower().strip("\"'") in _NO_BREAK_AFTER:
            cost += 50.0
        if best is None or cost < best[0]:
            best = (cost, i)
    assert best is not None
    return (" ".join(words[: best[1]]), " ".join(words[best[1] :]))


# ----------------------------------------------------------------------------------------- making


def _chunks(words: Sequence[TimedText], rules: SubtitleRules) -> list[list[TimedText]]:
    """Group words into cue-sized runs: a cue ends at a sentence end, at a pause over 0.7 s, or
    before it would exceed two full lines or the longest duration."""
    capacity = rules.max_line_chars * rules.max_lines
    chunks: list[list[TimedText]] = []
    current: list[TimedText] = []
    for word in words:
        if current:
            text = " ".join(w.text for w in [*current, word])
            broken = break_lines(text, rules)
            too_long = (
                len(text) > capacity - 4
                or len(broken) > rules.max_lines
                or any(len(line) > rules.max_line_chars for line in broken)
            )
            too_slow = word.end_s - current[0].start_s > float(rules.max_duration_s)
            pause = word.start_s - current[-1].end_s > 0.7
            if too_long or too_slow or pause:
                chunks.append(current)
                current = []
        current.append(word)
        if word.text[-1:] in ".?!" and len(" ".join(w.text for w in current)) > 20:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    return _merge_fast(chunks, rules)


def _merge_fast(chunks: list[list[TimedText]], rules: SubtitleRules) -> list[list[TimedText]]:
    """Join a chunk spoken too fast to read with the next one when the two fit in one cue."""
    out: list[list[TimedText]] = []
    for chunk in chunks:
        if out:
            last = out[-1]
            spoken = max(chunk[-1].end_s - last[0].start_s, 1e-3)
            text = " ".join(w.text for w in [*last, *chunk])
            last_speed = len(" ".join(w.text for w in last)) / max(chunk[0].start_s - last[0].start_s, 1e-3)
            fits = len(break_lines(text, rules)) <= rules.max_lines and all(
                len(line) <= rules.max_line_chars for line in break_lines(text, rules)
            )
            if last_speed > rules.max_cps and fits and spoken <= float(rules.max_duration_s):
                out[-1] = [*last, *chunk]
                continue
        out.append(chunk)
    return out


def _to_ms(seconds: float, rate: Fraction, *, up: bool) -> int:
    """Seconds → milliseconds on a frame edge of ``rate`` (rounded down, or up with ``up``)."""
    frames = Fraction(seconds).limit_denominator(1_000_000) * rate
    frame = math.ceil(frames) if up else math.floor(frames)
    return round(Fraction(frame) / rate * 1000)


def make_cues(words: Sequence[TimedText], rules: SubtitleRules = SubtitleRules()) -> list[Cue]:
    """Cues from timed words in time order, grouped and timed to the rules (see :func:`time_cues`)."""
    return time_cues(_chunks(sorted(words, key=lambda w: w.start_s), rules), rules)


def time_cues(chunks: Sequence[Sequence[TimedText]], rules: SubtitleRules = SubtitleRules()) -> list[Cue]:
    """One cue per group of words, every cue within the rules.

    A cue starts at its first word (on a frame edge) and stays up long enough to be read at
    ``max_cps`` and at least ``min_duration_s``, never past ``max_duration_s``, and ends
    ``min_gap_frames`` before the next cue where it can. When speech is faster than it can be read,
    the next cue waits for this one (it starts on the first frame edge after the gap): cues then
    lag the voice until a pause lets them catch up, rather than break the reading-speed rule
    (:func:`cue_lag_ms` measures by how much).
    """
    gap = rules.min_gap_ms
    max_ms = int(rules.max_duration_s * 1000)
    spoken = []
    for chunk in chunks:
        lines = break_lines(" ".join(w.text for w in chunk), rules)
        start = _to_ms(chunk[0].start_s, rules.frame_rate, up=False)
        end = _to_ms(chunk[-1].end_s, rules.frame_rate, up=True)
        needed = max(float(rules.min_duration_s), sum(len(line) for line in lines) / rules.max_cps)
        spoken.append((start, end, math.ceil(needed * 1000), lines))
    cues: list[Cue] = []
    for k, (start, end, needed_ms, lines) in enumerate(spoken):
        if cues and start < cues[-1].end_ms + gap:
            start = _to_ms((cues[-1].end_ms + gap) / 1000, rules.frame_rate, up=True)
        shortest = _to_ms((start + needed_ms) / 1000, rules.frame_rate, up=True)
        if shortest - start > max_ms:  # a frame edge past the longest duration: use the exact ms
            shortest = start + needed_ms
        end = min(max(end, shortest), start + max_ms)
        if k + 1 < len(spoken):
            end = min(end, max(shortest, spoken[k + 1][0] - gap))
        cues.append(Cue(start, end, lines))
    return cues


def chunk_words(words: Sequence[TimedText], rules: SubtitleRules = SubtitleRules()) -> list[list[TimedText]]:
    """Timed words (in time order) grouped into cue-sized runs, as :func:`make_cues` groups them."""
    return _chunks(sorted(words, key=lambda w: w.start_s), rules)


def cue_lag_ms(cues: Sequence[Cue], chunks: Sequence[Sequence[TimedText]]) -> list[int]:
    """How late (ms) each cue appears after its first word is spoken (0 when on time)."""
    return [
        max(0, cue.start_ms - round(chunk[0].start_s * 1000)) for cue, chunk in zip(cues, chunks, strict=True)
    ]


def display_words(text: str, times: Sequence[tuple[float, float]]) -> list[TimedText]:
    """The words of ``text`` as written (split on spaces, punctuation kept) with times from
    ``times``, one ``(start_s, end_s)`` per spoken token of :func:`roughcut.speech.align.tokens`."""
    from roughcut.speech.align import tokens

    out = []
    k = 0
    for shown in text.split():
        count = len(tokens(shown))
        if count == 0:  # a dash or an ellipsis: attach to the previous word
            if out:
                out[-1] = TimedText(f"{out[-1].text} {shown}", out[-1].start_s, out[-1].end_s)
            continue
        span = times[k : k + count]
        if not span:
            break
        out.append(TimedText(shown, span[0][0], span[-1][1]))
        k += count
    return out


def cues_from_alignment(lines: Iterable, rules: SubtitleRules = SubtitleRules()) -> list[Cue]:
    """Cues from :class:`~roughcut.speech.align.LineAlignment` records, with the script's exact
    words (punctuation included) at their aligned times. No cue holds words of two lines."""
    chunks: list[list[TimedText]] = []
    for line in sorted(lines, key=lambda a: a.start):
        chunks += _chunks(display_words(line.text, [(w.start_s, w.end_s) for w in line.words]), rules)
    return time_cues(chunks, rules)


#: A line whose share of script words heard in the take is below this is shown as it was heard.
MIN_LINE_AGREEMENT = 0.5
#: Recognised words this close (seconds) to a found line belong to it, not to an ad-lib.
ADLIB_MARGIN_S = 0.25


def speech_stretches(samples, sample_rate: int) -> list[tuple[float, float]]:  # type: ignore[no-untyped-def]
    """``(start_s, end_s)`` of the speech in ``samples`` (``(n,)`` or ``(channels, n)`` at
    ``sample_rate`` Hz), from voice activity with pauses of 0.2 s and more kept apart."""
    import numpy as np

    from roughcut.audio.vad import voice_activity

    mono = np.asarray(samples, dtype=np.float32)
    if mono.ndim == 2:
        mono = mono.mean(axis=0)
    return [(seg.start_s, seg.end_s) for seg in voice_activity(mono, sample_rate, min_gap_s=0.2)]


def snap_to_speech(words: Sequence[TimedText], speech: Sequence[tuple[float, float]]) -> list[TimedText]:
    """``words`` whose start or end falls in a pause moved onto the edge of the speech inside them.

    ``speech`` holds ``(start_s, end_s)`` stretches of speech (voice activity). Recognisers time
    words to a few tenths of a second and often start one in the silence before it; a cue must not
    appear before the voice does. A word overlapping no speech is kept as it is.
    """
    out = []
    for word in words:
        inside = [(lo, hi) for lo, hi in speech if lo < word.end_s and hi > word.start_s]
        if not inside:
            out.append(word)
            continue
        start = max(word.start_s, inside[0][0])
        end = min(word.end_s, inside[-1][1])
        out.append(TimedText(word.text, start, max(end, start + 0.01)))
    return out


def _recognised_words(alignment) -> list[TimedText]:  # type: ignore[no-untyped-def]
    """The words the recogniser heard in a take (``TakeAlignment.recognised``), in seconds."""
    from roughcut.media.audio import ANALYSIS_RATE

    return [
        TimedText(text, start / ANALYSIS_RATE, end / ANALYSIS_RATE)
        for text, start, end in alignment.recognised
        if text.strip()
    ]


def cues_from_take(  # type: ignore[no-untyped-def]
    alignment, rules: SubtitleRules = SubtitleRules(), *, speech: Sequence[tuple[float, float]] = ()
) -> list[Cue]:
    """Cues of one take (a :class:`~roughcut.speech.align.TakeAlignment`): what was said, when.

    Where the performance follows the script, cues show the script's exact words at their aligned
    times (as :func:`cues_from_alignment`). Where the take and the script disagree, the recogniser's
    words and timing are used: a line of which fewer than :data:`MIN_LINE_AGREEMENT` of the words
    were heard is shown as heard, and words heard outside every found line (ad-libs, lines not in
    the script) get cues of their own. No cue mixes two lines or a line and an ad-lib. ``speech``
    (``(start_s, end_s)`` stretches from voice activity) moves recognised words' edges off pauses
    (:func:`snap_to_speech`).
    """
    heard = snap_to_speech(_recognised_words(alignment), speech)
    chunks: list[list[TimedText]] = []
    spans: list[tuple[float, float]] = []
    for line in sorted(alignment.lines, key=lambda a: a.start):
        spans.append((line.start_s - ADLIB_MARGIN_S, line.end_s + ADLIB_MARGIN_S))
        agreement = sum(w.matched for w in line.words) / max(1, len(line.words))
        inside = [w for w in heard if line.start_s <= (w.start_s + w.end_s) / 2 <= line.end_s]
        if agreement < MIN_LINE_AGREEMENT and inside:
            chunks += _chunks(inside, rules)
        else:
            chunks += _chunks(display_words(line.text, [(w.start_s, w.end_s) for w in line.words]), rules)
    adlib: list[TimedText] = []
    for word in heard:
        middle = (word.start_s + word.end_s) / 2
        if any(lo <= middle <= hi for lo, hi in spans):
            if adlib:
                chunks += _chunks(adlib, rules)
                adlib = []
            continue
        adlib.append(word)
    if adlib:
        chunks += _chunks(adlib, rules)
    chunks.sort(key=lambda chunk: chunk[0].start_s)
    return time_cues(chunks, rules)


def cues_from_transcript(  # type: ignore[no-untyped-def]
    transcript, rules: SubtitleRules = SubtitleRules(), *, speech: Sequence[tuple[float, float]] = ()
) -> list[Cue]:
    """Cues from a :class:`~roughcut.speech.transcribe.Transcript` (its words as recognised, with
    Whisper's punctuation); ``speech`` as in :func:`cues_from_take`."""
    words = [TimedText(w.text, w.start_s, w.end_s) for w in transcript.words]
    return make_cues(snap_to_speech(words, speech), rules)


# -------------------------------------------------------------------------------- writing, reading


def _stamp(ms: int, sep: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{sep}{millis:03d}"


def srt_text(cues: Sequence[Cue]) -> str:
    blocks = [
        f"{n}\n{_stamp(c.start_ms, ',')} --> {_stamp(c.end_ms, ',')}\n{c.text}\n"
        for n, c in enumerate(cues, 1)
    ]
    return "\n".join(blocks)


def vtt_text(cues: Sequence[Cue]) -> str:
    blocks = [f"{_stamp(c.start_ms, '.')} --> {_stamp(c.end_ms, '.')}\n{c.text}\n" for c in cues]
    return "WEBVTT\n\n" + "\n".join(blocks)


def write_subtitles(cues: Sequence[Cue], path: str | Path) -> Path:
    """Write ``cues`` as SRT or WebVTT, chosen by the suffix (``.srt`` / ``.vtt``)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".srt", ".vtt"):
        raise RoughcutError(f"{path}: subtitles are written as .srt or .vtt")
    path.write_text(srt_text(cues) if suffix == ".srt" else vtt_text(cues), encoding="utf-8")
    return path


_TIMING = re.compile(
    r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{3})\s*-->\s*(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{3})"
)


def _ms(h: str | None, m: str, s: str, f: str) -> int:
    return ((int(h or 0) * 60 + int(m)) * 60 + int(s)) * 1000 + int(f)


def read_subtitles(path: str | Path) -> list[Cue]:
    """Cues of an SRT or WebVTT file (tags such as ``<i>`` stripped from the text)."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RoughcutError(f"{path}: cannot read subtitles ({exc})") from exc
    cues = []
    for block in re.split(r"\n\s*\n", raw.replace("\r\n", "\n").strip()):
        rows = block.split("\n")
        for k, row in enumerate(rows):
            match = _TIMING.search(row)
            if match:
                g = match.groups()
                text = [re.sub(r"<[^>]+>", "", r).strip() for r in rows[k + 1 :]]
                cues.append(Cue(_ms(*g[:4]), _ms(*g[4:]), tuple(t for t in text if t)))
                break
    if not cues and raw.strip() and not raw.lstrip().startswith("WEBVTT"):
        raise RoughcutError(f"{path}: no subtitle cues found (not SRT or WebVTT?)")
    return cues


# --------------------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class Violation:
    """A broken rule: the cue's 1-based number, the rule's name and what is wrong."""

    cue: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"cue {self.cue}: {self.rule}: {self.message}"


def check_cues(cues: Sequence[Cue], rules: SubtitleRules = SubtitleRules()) -> list[Violation]:
    """Every violation of ``rules`` in ``cues``, in cue order."""
    out: list[Violation] = []
    min_ms = math.floor(rules.min_duration_s * 1000)
    max_ms = math.ceil(rules.max_duration_s * 1000)
    for n, cue in enumerate(cues, 1):
        if len(cue.lines) > rules.max_lines:
            out.append(Violation(n, "lines", f"{len(cue.lines)} lines (at most {rules.max_lines})"))
        for line in cue.lines:
            if len(line) > rules.max_line_chars:
                out.append(
                    Violation(
                        n, "line length", f"{len(line)} characters (at most {rules.max_line_chars}): {line!r}"
                    )
                )
        duration = cue.end_ms - cue.start_ms
        if duration < min_ms:
            out.append(Violation(n, "min duration", f"{duration} ms on screen (at least {min_ms} ms)"))
        if duration > max_ms:
            out.append(Violation(n, "max duration", f"{duration} ms on screen (at most {max_ms} ms)"))
        if cue.cps > rules.max_cps + 1e-9:
            out.append(
                Violation(
                    n, "reading speed", f"{cue.cps:.1f} characters a second (at most {rules.max_cps:g})"
                )
            )
        if n < len(cues):
            gap = cues[n].start_ms - cue.end_ms
            if gap < 0:
                out.append(Violation(n, "overlap", f"overlaps the next cue by {-gap} ms"))
            elif gap < rules.min_gap_ms:
                out.append(
                    Violation(
                        n,
                        "gap",
                        f"{gap} ms before the next cue (at least {rules.min_gap_frames} frames = "
                        f"{rules.min_gap_ms} ms)",
                    )
                )
    return out


def check_subtitles(path: str | Path, rules: SubtitleRules = SubtitleRules()) -> list[Violation]:
    """Every rule violation in the SRT or WebVTT file at ``path``."""
    return check_cues(read_subtitles(path), rules)
