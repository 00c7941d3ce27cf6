"""Subtitles: SRT and WebVTT cues from aligned script lines or a transcript, and a rule checker.

Cues follow the Netflix English timed-text rules (:class:`SubtitleRules`, each limit a constant
below with the section of the style guide it comes from): at most 42 characters a line and 2 lines,
at most 20 characters a second for adult programmes (17 for children's), from 5/6 s to 7 s on
screen, at least 2 frames between cues, and lines broken at natural points (after punctuation,
before a conjunction or preposition, never after an article).

Characters are counted as a viewer sees them: markup (``<i>``, ``{\\an8}``) removed, entities
(``&amp;``) decoded, text NFC-normalised, one character per grapheme cluster (a letter and its
combining accents are one).

Times are integer milliseconds (the resolution of both formats), derived from exact frame counts
when a frame rate is given.
"""

from __future__ import annotations

import bisect
import codecs
import html
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import regex

from roughcut.errors import ConfigError, RoughcutError

# Netflix Timed Text Style Guide: General Requirements
# (partnerhelp.netflixstudios.com/hc/en-us/articles/215758617), and the English (USA) Timed Text
# Style Guide (partnerhelp.netflixstudios.com/hc/en-us/articles/217350977).

#: English (USA) TTSG, "Character Limitation": 42 characters per line.
NETFLIX_MAX_LINE_CHARS = 42
#: General Requirements, "Line Treatment": 2 lines maximum.
NETFLIX_MAX_LINES = 2
#: English (USA) TTSG, "Reading Speed Limits": adult programs up to 20 characters per second.
NETFLIX_MAX_CPS_ADULT = 20
#: English (USA) TTSG, "Reading Speed Limits": children's programs up to 17 characters per second.
NETFLIX_MAX_CPS_CHILDREN = 17
#: General Requirements, "Duration": minimum 5/6 (five-sixths) of a second per subtitle event.
NETFLIX_MIN_DURATION_S = Fraction(5, 6)
#: General Requirements, "Duration": maximum 7 seconds per subtitle event.
NETFLIX_MAX_DURATION_S = Fraction(7)
#: General Requirements, "Frame Gap": 2 frames minimum (regardless of frame rate).
NETFLIX_MIN_GAP_FRAMES = 2


@dataclass(frozen=True)
class SubtitleRules:
    """Limits a cue must respect (Netflix English by default); seconds, characters, frames a second."""

    max_line_chars: int = NETFLIX_MAX_LINE_CHARS
    max_lines: int = NETFLIX_MAX_LINES
    max_cps: float = NETFLIX_MAX_CPS_ADULT
    min_duration_s: Fraction = NETFLIX_MIN_DURATION_S
    max_duration_s: Fraction = NETFLIX_MAX_DURATION_S
    min_gap_frames: int = NETFLIX_MIN_GAP_FRAMES
    frame_rate: Fraction = Fraction(24000, 1001)

    def __post_init__(self) -> None:
        for name in ("max_line_chars", "max_lines", "max_cps", "max_duration_s", "frame_rate"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"subtitle rules: {name} must be above 0, not {getattr(self, name)}")
        for name in ("min_duration_s", "min_gap_frames"):
            if getattr(self, name) < 0:
                raise ConfigError(f"subtitle rules: {name} must not be negative, not {getattr(self, name)}")

    @property
    def min_gap_ms(self) -> int:
        """The shortest gap the maker leaves between cues, milliseconds (rounded up)."""
        return math.ceil(Fraction(self.min_gap_frames) / self.frame_rate * 1000)


_OVERRIDE = re.compile(r"\{\\[^}]*\}")  # ASS/SSA override codes in SRT: {\an8}, {\i1}
_TAG = re.compile(r"<[^>\n]*>")  # HTML-like tags: <i>, </b>, <font ...>, WebVTT <v Bob>, <c.x>
_GRAPHEME = regex.compile(r"\X")


def shown_text(line: str) -> str:
    """A cue line as a viewer sees it: markup and override codes removed, entities decoded, NFC."""
    line = _TAG.sub("", _OVERRIDE.sub("", line))
    return unicodedata.normalize("NFC", html.unescape(line)).strip()


def visible_length(line: str) -> int:
    """Characters a viewer reads in ``line``: grapheme clusters of :func:`shown_text` (spaces and
    punctuation count, as Netflix counts them)."""
    return len(_GRAPHEME.findall(shown_text(line)))


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
        """Characters read, as the Netflix reading-speed rule counts them (line breaks not counted;
        see :func:`visible_length`)."""
        return sum(visible_length(line) for line in self.lines)

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
    """WebVTT text of ``cues`` (``&``, ``<`` and ``>`` in cue text escaped, as WebVTT requires)."""

    def escaped(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    blocks = [f"{_stamp(c.start_ms, '.')} --> {_stamp(c.end_ms, '.')}\n{escaped(c.text)}\n" for c in cues]
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


def decode_subtitle_bytes(raw: bytes) -> tuple[str, str]:
    """The text of a subtitle file and the encoding it was read in: a byte-order mark (UTF-8,
    UTF-16) decides; without one, UTF-16 when every other byte is NUL, else UTF-8, else
    Windows-1252 (the usual encoding of SRT files made on Windows), else Latin-1."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if raw.startswith(bom):
            return raw[len(bom) :].decode(codec, errors="replace"), codec
    head = raw[:400]
    if len(head) >= 4 and head.count(0) * 3 >= len(head):
        codec = "utf-16-be" if head[0::2].count(0) > head[1::2].count(0) else "utf-16-le"
        return raw.decode(codec, errors="replace"), codec
    for codec in ("utf-8", "cp1252"):
        try:
            return raw.decode(codec), codec
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"


def read_subtitles(path: str | Path) -> list[Cue]:
    """Cues of an SRT or WebVTT file, in file order, their lines as a viewer sees them (see
    :func:`shown_text`; lines left empty are dropped). Encodings: see :func:`decode_subtitle_bytes`."""
    path = Path(path)
    try:
        raw, _ = decode_subtitle_bytes(path.read_bytes())
    except OSError as exc:
        raise RoughcutError(f"{path}: cannot read subtitles ({exc})") from exc
    cues = []
    for block in re.split(r"\n\s*\n", raw.replace("\r\n", "\n").replace("\r", "\n").strip()):
        rows = block.split("\n")
        for k, row in enumerate(rows):
            match = _TIMING.search(row)
            if match:
                g = match.groups()
                text = [shown_text(r) for r in rows[k + 1 :]]
                cues.append(Cue(_ms(*g[:4]), _ms(*g[4:]), tuple(t for t in text if t)))
                break
    if not cues and raw.strip() and not raw.lstrip().startswith("WEBVTT"):
        raise RoughcutError(f"{path}: no subtitle cues found (not SRT or WebVTT?)")
    return cues


# --------------------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class Violation:
    """A broken rule: the cue's 1-based number in file order (0 for the file itself), the rule's
    name, what is wrong and how to fix it."""

    cue: int
    rule: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"cue {self.cue}" if self.cue else "file"
        return f"{where}: {self.rule}: {self.message}" + (f"; fix: {self.fix}" if self.fix else "")


def _clock(ms: int) -> str:
    return _stamp(ms, ".") if ms >= 0 else "-" + _stamp(-ms, ".")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def check_cues(cues: Sequence[Cue], rules: SubtitleRules = SubtitleRules()) -> list[Violation]:
    """Every violation of ``rules`` in ``cues`` (numbered in the order given), by cue then rule.

    Per cue: an end not after the start is one ``timing`` violation (no duration or speed rule is
    applied to it); ``empty`` (no visible text), ``lines``, ``line length``, ``min duration``,
    ``max duration``, ``reading speed``. Between cues, taken in order of start time: ``order`` (a
    cue starting before the one written before it), ``overlap`` (every pair on screen together,
    not only neighbours) and ``gap`` (less than ``min_gap_frames`` frames before the next cue;
    times are whole milliseconds, so a gap of 2 frames rounded down to the millisecond passes).
    """
    out: list[tuple[int, int, Violation]] = []

    def add(n: int, order: int, rule: str, message: str, fix: str) -> None:
        out.append((n, order, Violation(n, rule, message, fix)))

    min_ms = math.floor(rules.min_duration_s * 1000)
    max_ms = math.ceil(rules.max_duration_s * 1000)
    min_gap_exact = Fraction(rules.min_gap_frames) / rules.frame_rate * 1000
    min_gap_ms = math.floor(min_gap_exact)
    fps = f"{float(rules.frame_rate):.3f}".rstrip("0").rstrip(".")
    timed: list[tuple[int, int, int]] = []  # (start, end, number) of cues with a real duration
    for n, cue in enumerate(cues, 1):
        at = f"at {_clock(cue.start_ms)}"
        duration = cue.end_ms - cue.start_ms
        if duration <= 0:
            add(
                n,
                0,
                "timing",
                f"{at} ends at {_clock(cue.end_ms)}, "
                + ("the moment it starts" if duration == 0 else "before it starts")
                + ", so it is never on screen",
                "give it an end time after its start",
            )
        else:
            timed.append((cue.start_ms, cue.end_ms, n))
        lines = [line for line in cue.lines if shown_text(line)]
        if not lines:
            add(n, 1, "empty", f"{at} has no visible text", "delete the cue or give it its text")
        if len(lines) > rules.max_lines:
            add(
                n,
                2,
                "lines",
                f"{at} has {len(lines)} lines (at most {rules.max_lines})",
                "shorten the text or split it over two cues",
            )
        for k, line in enumerate(lines, 1):
            length = visible_length(line)
            if length > rules.max_line_chars:
                add(
                    n,
                    3,
                    "line length",
                    f"{at} line {k} has {length} characters (at most {rules.max_line_chars}): "
                    f"{shown_text(line)!r}",
                    "break the line at a natural point or shorten it",
                )
        if duration <= 0:
            continue
        if duration < min_ms:
            add(
                n,
                4,
                "min duration",
                f"{at} is on screen {duration} ms (at least 5/6 s = {min_ms} ms)",
                f"end it at {_clock(cue.start_ms + min_ms)} or later, or merge it with a neighbour",
            )
        if duration > max_ms:
            add(
                n,
                5,
                "max duration",
                f"{at} is on screen {duration} ms (at most {max_ms} ms)",
                f"end it by {_clock(cue.start_ms + max_ms)} or split it into two cues",
            )
        characters = sum(visible_length(line) for line in lines)
        if characters * 1000 > Fraction(rules.max_cps) * duration:
            needed = math.ceil(characters * 1000 / Fraction(rules.max_cps))
            add(
                n,
                6,
                "reading speed",
                f"{at} shows {characters} characters in {duration} ms = "
                f"{characters * 1000 / duration:.1f} characters a second (at most {rules.max_cps:g})",
                f"keep it on screen {needed} ms or more, or shorten the text",
            )
    for k in range(1, len(cues)):
        if cues[k].start_ms < cues[k - 1].start_ms:
            add(
                k + 1,
                7,
                "order",
                f"starts at {_clock(cues[k].start_ms)}, before cue {k} ({_clock(cues[k - 1].start_ms)})",
                "sort the cues by start time and number them again",
            )
    timed.sort()
    starts = [start for start, _, _ in timed]
    for i, (_, end, n) in enumerate(timed):
        for later_start, later_end, m in timed[i + 1 :]:
            if later_start >= end:
                break
            shared = min(end, later_end) - later_start
            first, second = sorted((n, m))
            add(
                first,
                8,
                "overlap",
                f"on screen together with cue {second} for {shared} ms, from {_clock(later_start)}",
                f"end the earlier of the two at least {rules.min_gap_frames} frames "
                f"({math.ceil(min_gap_exact)} ms) before {_clock(later_start)}",
            )
        following = bisect.bisect_left(starts, end)
        if following < len(timed):
            next_start, _, m = timed[following]
            gap = next_start - end
            if gap < min_gap_ms:
                add(
                    n,
                    9,
                    "gap",
                    f"ends {gap} ms before cue {m} starts at {_clock(next_start)} (at least "
                    f"{rules.min_gap_frames} frames = {float(min_gap_exact):.1f} ms at {fps} fps)",
                    f"end it at {_clock(next_start - math.ceil(min_gap_exact))} or earlier",
                )
    out.sort(key=lambda item: (item[0], item[1]))
    return [violation for _, _, violation in out]


def check_subtitles(path: str | Path, rules: SubtitleRules = SubtitleRules()) -> list[Violation]:
    """Every rule violation in the SRT or WebVTT file at ``path`` (:func:`check_cues`); a file
    without any cue is one ``empty file`` violation."""
    cues = read_subtitles(path)
    if not cues:
        return [Violation(0, "empty file", f"{Path(path).name} holds no cues", "add the subtitles")]
    return check_cues(cues, rules)


def summary(cues: int, violations: int) -> str:
    """``"3 cues, 1 rule violation"``, singular and plural right."""
    return f"{_plural(cues, 'cue')}, {_plural(violations, 'rule violation')}"
