"""Script-to-take alignment: which script lines each take holds, and where every line and word is.

Three steps per take:

1. **Find** (lenient): speech segments from :mod:`roughcut.audio.vad` are recognised by pocketsphinx
   with a small language model built from the scene's lines (plus slate and crew words), and every
   line is looked for in the recognised words by a local fuzzy alignment (Smith-Waterman over words,
   word similarity by rapidfuzz). A line may be found several times (a reset) or not at all (a
   pickup); slate and crew talk match no line.
2. **Align** (exact): each line found is force-aligned word by word on its own stretch of audio
   (:mod:`roughcut.speech.wordalign`: a global pass, then each phrase again on its own).
3. **Score**: a word's confidence mixes how well recognition heard it and how well the acoustic model
   fits it; words recognition did not hear (ad-libbed, changed, missed) are flagged ``matched=False``
   but keep their forced-alignment time.

Time convention: sample 0 is the first decoded audio sample, which roughcut takes to be the first
video frame. Positions are integer samples at 16 kHz; :class:`RationalTime` values come at the
take's frame rate (frames rounded to the nearest frame edge around the speech).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from roughcut.audio.vad import SILERO_ON, SILERO_WINDOW, speech_frames, speech_probability, voice_activity
from roughcut.errors import MediaError, RoughcutError
from roughcut.media.audio import ANALYSIS_RATE, Audio
from roughcut.media.span import SampleSpan
from roughcut.script.model import DialogueLine
from roughcut.speech import sphinx
from roughcut.speech.wordalign import ALIGN_SILPROB, TimedToken, align_words, fill_gaps, longest_plausible_s

if TYPE_CHECKING:
    import opentimelineio as otio

    from roughcut.project import Project
    from roughcut.script.model import Script
    from roughcut.speech.whisper import Recognition
    from roughcut.store import Store

#: Store stage name and version (bump when results change).
STAGE = "speech.align"
VERSION = 5
#: Words heard on set that belong to no script: they let recognition park slate and crew talk.
CREW_WORDS = (
    "speed rolling sound camera mark marker slate scene take action cut reset again once more "
    "from the top and back to one go please quiet settle thank you okay check going"
)
#: Word similarity (rapidfuzz ratio, 0-100) above which a recognised word counts as the script word.
WORD_MATCH = 75.0
#: A line counts as found when its best local alignment scores at least this share of a perfect one.
LINE_FOUND = 0.35
#: Audio taken around a found line for its exact alignment (seconds).
LINE_PAD_S = 0.35

_TOKEN = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


@dataclass(frozen=True)
class WordAlignment(SampleSpan):
    """A script word in a take: ``start``/``end`` in samples at ``sample_rate`` Hz (end exclusive),
    ``confidence`` in [0, 1], ``matched`` false for words recognition did not hear there."""

    text: str
    start: int
    end: int
    sample_rate: int
    confidence: float
    matched: bool


@dataclass(frozen=True)
class LineAlignment(SampleSpan):
    """One performance of a script line in a take.

    ``start``/``end`` in samples at ``sample_rate`` Hz; ``occurrence`` counts performances of the
    same line in the take from 0 (a reset gives 0 and 1); ``confidence`` in [0, 1].
    """

    line_id: str
    character: str
    text: str
    start: int
    end: int
    sample_rate: int
    confidence: float
    words: tuple[WordAlignment, ...]
    occurrence: int = 0

    def start_frame(self, frame_rate: Fraction) -> int:
        """First video frame that shows the line's first sound (frames counted from 0)."""
        return math.floor(Fraction(self.start, self.sample_rate) * frame_rate)

    def end_frame(self, frame_rate: Fraction) -> int:
        """Frame after the last one holding the line's sound (exclusive)."""
        return math.ceil(Fraction(self.end, self.sample_rate) * frame_rate)

    def start_time(self, frame_rate: Fraction) -> otio.opentime.RationalTime:
        import opentimelineio as otio

        return otio.opentime.RationalTime(self.start_frame(frame_rate), float(frame_rate))

    def end_time(self, frame_rate: Fraction) -> otio.opentime.RationalTime:
        import opentimelineio as otio

        return otio.opentime.RationalTime(self.end_frame(frame_rate), float(frame_rate))

    def time_range(self, frame_rate: Fraction) -> otio.opentime.TimeRange:
        """The line as a whole-frame OTIO ``TimeRange`` at ``frame_rate``."""
        import opentimelineio as otio

        start = self.start_frame(frame_rate)
        return otio.opentime.TimeRange(
            otio.opentime.RationalTime(start, float(frame_rate)),
            otio.opentime.RationalTime(self.end_frame(frame_rate) - start, float(frame_rate)),
        )


@dataclass(frozen=True)
class TakeAlignment:
    """The lines found in one take, in time order; ``missing`` holds ids of lines not found;
    ``frame_rate`` is the take's video rate (``None`` for audio only); ``problem`` says why nothing
    could be aligned (no audio stream, silence, an unsupported language), else ``""``."""

    take: str
    lines: tuple[LineAlignment, ...]
    missing: tuple[str, ...]
    duration_s: float
    frame_rate: Fraction | None = None
    problem: str = ""
    recognised: tuple[tuple[str, int, int], ...] = field(default=(), repr=False)

    def performances(self, line_id: str) -> list[LineAlignment]:
        return [line for line in self.lines if line.line_id == line_id]


def tokens(text: str) -> list[str]:
    """The words of ``text`` as written (punctuation dropped; hyphenated words split)."""
    return _TOKEN.findall(text)


# ---------------------------------------------------------------------------------------- finding


@dataclass(frozen=True)
class _Hit:
    line: int
    score: float
    hyp_start: int
    hyp_end: int
    similarity: tuple[float, ...]  # per line word, 0-1 (0 where not paired)
    paired: tuple[int, ...] = ()  # per line word, the recognised word it matched (-1 where none)


def _similarity_matrix(line_keys: Sequence[str], hyp_keys: Sequence[str]) -> np.ndarray:
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.process import cdist

    if not line_keys or not hyp_keys:
        return np.zeros((len(line_keys), len(hyp_keys)))
    return cdist(line_keys, hyp_keys, scorer=Levenshtein.normalized_similarity) * 100.0


def _local_alignment(sim: np.ndarray, blocked: np.ndarray) -> tuple[float, int, int, list[float], list[int]]:
    """Smith-Waterman of line words (rows) against recognised words (columns) that are not
    ``blocked``: +2 per matched word, -1 per mismatch or gap. Returns the best score, the recognised
    span ``[start, end)``, each line word's similarity (0-1) along the path and the recognised word
    it matched (-1 where none)."""
    n, m = sim.shape
    match = np.where(sim >= WORD_MATCH, 2.0, -1.0)
    match[:, blocked] = -5.0
    rows = match.tolist()
    h = [[0.0] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]
    best, best_i, best_j = 0.0, 0, 0
    for i in range(1, n + 1):
        above, here, scores, steps = h[i - 1], h[i], rows[i - 1], back[i]
        for j in range(1, m + 1):
            value, step = 0.0, 0
            diagonal = above[j - 1] + scores[j - 1]
            if diagonal > value:
                value, step = diagonal, 1
            if above[j] - 1.0 > value:
                value, step = above[j] - 1.0, 2
            if here[j - 1] - 1.0 > value:
                value, step = here[j - 1] - 1.0, 3
            here[j], steps[j] = value, step
            if value > best:
                best, best_i, best_j = value, i, j
    per_word = [0.0] * n
    paired = [-1] * n
    i, j = best_i, best_j
    while i > 0 and j > 0 and back[i][j] != 0:
        step = back[i][j]
        if step == 1:
            if sim[i - 1, j - 1] >= WORD_MATCH:
                per_word[i - 1] = float(sim[i - 1, j - 1]) / 100.0
                paired[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif step == 2:
            i -= 1
        else:
            j -= 1
    return best, j, best_j, per_word, paired


def find_lines(
    line_words: Sequence[Sequence[str]], recognised: Sequence[str], *, max_repeats: int = 4
) -> list[_Hit]:
    """Every performance of every line in the recognised words, as non-overlapping hits in time order.

    Each line is searched repeatedly (resets); the hits of all lines are then accepted best first,
    skipping any that overlaps one already accepted.
    """
    hyp_keys = [sphinx.normalise_word(w) for w in recognised]
    candidates: list[_Hit] = []
    for index, words in enumerate(line_words):
        keys = [sphinx.normalise_word(w) for w in words]
        if not keys:
            continue
        sim = _similarity_matrix(keys, hyp_keys)
        blocked = np.zeros(len(hyp_keys), bool)
        perfect = 2.0 * len(keys)
        for _ in range(max_repeats):
            if blocked.all() or not len(hyp_keys):
                break
            score, start, end, per_word, paired = _local_alignment(sim, blocked)
            needed = max(LINE_FOUND * perfect, 2.0 * min(2, len(keys)))
            if score < needed or end <= start:
                break
            candidates.append(_Hit(index, score / perfect, start, end, tuple(per_word), tuple(paired)))
            blocked[start:end] = True
    # Best evidence first: the raw alignment score (a long line well matched outweighs a short one
    # matched perfectly, which could be anywhere).
    taken = np.zeros(len(hyp_keys), bool)
    accepted = []
    for hit in sorted(candidates, key=lambda h: (-h.score * len(h.similarity), -h.score)):
        if not taken[hit.hyp_start : hit.hyp_end].any():
            taken[hit.hyp_start : hit.hyp_end] = True
            accepted.append(hit)
    accepted.sort(key=lambda h: h.hyp_start)
    return _fill_between(_short_lines_in_order(accepted, line_words), line_words, hyp_keys)


#: Lines with at most this many words ("Yes.", "Twice.") are kept only where the script order says.
SHORT_LINE_WORDS = 2


def _short_lines_in_order(hits: list[_Hit], line_words: Sequence[Sequence[str]]) -> list[_Hit]:
    """Drop hits of short lines that do not sit between the longer lines around them in the script:
    a one- or two-word line matches too easily anywhere."""
    anchors = [h for h in hits if len(line_words[h.line]) > SHORT_LINE_WORDS]
    kept = []
    for hit in hits:
        if len(line_words[hit.line]) > SHORT_LINE_WORDS:
            kept.append(hit)
            continue
        before = [a for a in anchors if a.hyp_end <= hit.hyp_start]
        after = [a for a in anchors if a.hyp_start >= hit.hyp_end]
        if (not before or before[-1].line < hit.line) and (not after or after[0].line > hit.line):
            kept.append(hit)
    return kept


def _fill_between(
    hits: list[_Hit], line_words: Sequence[Sequence[str]], hyp_keys: Sequence[str]
) -> list[_Hit]:
    """Second chance for a line recognition garbled: when the lines just before and after it in the
    script were found next to each other in the take, and the words heard between them are about as
    many as the line has, those words are taken to be the line."""
    found = {h.line for h in hits}
    out = list(hits)
    if not hits:
        return out
    # Sentinels stand for the take's start and end: a first or last line may be garbled too, but
    # there it must match the number of words more closely (slate and crew talk sit there).
    head = _Hit(-1, 0.0, 0, 0, ())
    tail = _Hit(len(line_words), 0.0, len(hyp_keys), len(hyp_keys), ())
    chain = [head, *hits, tail]
    for before, after in itertools.pairwise(chain):
        if after.line - before.line != 2 or before.line + 1 in found:
            continue
        missing = before.line + 1
        span = after.hyp_start - before.hyp_end
        low, high = (0.6, 1.6) if before is head or after is tail else (0.4, 2.5)
        if span < 1 or not low <= span / max(1, len(line_words[missing])) <= high:
            continue
        keys = [sphinx.normalise_word(w) for w in line_words[missing]]
        sim = _similarity_matrix(keys, hyp_keys[before.hyp_end : after.hyp_start])
        _, _, _, per_word, paired = _local_alignment(sim, np.zeros(span, bool))
        paired = [k + before.hyp_end if k >= 0 else -1 for k in paired]
        out.append(_Hit(missing, 0.0, before.hyp_end, after.hyp_start, tuple(per_word), tuple(paired)))
    return sorted(out, key=lambda h: h.hyp_start)


# -------------------------------------------------------------------------------------- alignment


def _lm_text(lines: Sequence[DialogueLine]) -> str:
    sentences = []
    for line in lines:
        keys = [sphinx.normalise_word(w) for w in tokens(line.text)]
        keys = [k for k in keys if sphinx.pronounceable(k)]
        if keys:
            sentences.append(" ".join(keys))
    sentences.append(CREW_WORDS)
    return "\n".join(sentences)


@dataclass(frozen=True)
class _Heard:
    """A recognised word: ``start``/``end`` in samples at 16 kHz, the recogniser's probability
    (0-1; ``None`` when it gives none)."""

    text: str
    start: int
    end: int
    probability: float | None


def _sphinx_heard(samples: np.ndarray, lm_text: str) -> list[_Heard]:
    """Words pocketsphinx recognises with the script's own language model over the speech segments of
    ``samples`` (16 kHz): the fallback when Whisper is not installed."""
    hop = sphinx.SAMPLE_RATE // sphinx.FRAME_RATE
    words: list[_Heard] = []
    for seg in voice_activity(samples, sphinx.SAMPLE_RATE, pad_s=0.15, min_gap_s=0.5):
        offset = seg.start // hop
        for w in sphinx.recognise(samples[offset * hop : seg.end], lm_text=lm_text):
            words.append(_Heard(w.word, (w.start + offset) * hop, (w.end + offset) * hop, None))
    return words


def _whisper_heard(
    samples: np.ndarray, language: str, recognition: Recognition | None, speech: np.ndarray, hop: int
) -> list[_Heard]:
    """Whisper's words (recognised here unless ``recognition`` is given), leaving out those heard
    where voice activity finds almost no speech: words Whisper makes up over music or laughter."""
    if recognition is None:
        from roughcut.speech import whisper

        recognition = whisper.recognise(samples, ANALYSIS_RATE, language=language, beam_size=1)
    out = []
    for w in recognition.words:
        start = round(w.start_s * ANALYSIS_RATE)
        end = max(start + 1, round(w.end_s * ANALYSIS_RATE))
        frames = speech[start // hop : -(-end // hop)]
        if len(frames) and frames.max() < MIN_SPEECH_PROBABILITY:
            continue
        out.append(_Heard(w.text, start, end, w.probability))
    return out


#: A recognised word is kept only when Silero's speech probability reaches this somewhere in it:
#: music and laughter stay near 0.0-0.05, a hoarse voice Silero is unsure of (``michaelandsickmichael``'s
#: second speaker) near 0.2-0.5.
MIN_SPEECH_PROBABILITY = 0.15
#: Lines whose confidence reaches this are reported as confident (see ``benchmarks/bench_speech.py``
#: for how often a confident line is wrong on the references).
CONFIDENT = 0.6
#: How far (seconds) a line edge timed by Whisper may move to meet the speech edge voice activity finds.
SNAP_S = 0.3
#: Engines that find lines in a take: Whisper's words, or pocketsphinx with the script's language model.
ANCHORS = ("whisper", "sphinx")


def _script_language(lines: Sequence[DialogueLine]) -> tuple[str, str]:
    """The script's language as ``(ISO 639-1 code, English name)``; English when unsure."""
    from roughcut.text.language import detect_language

    guess = detect_language(" ".join(line.text for line in lines))
    if guess is not None and guess.confidence > 0.5:
        return guess.code, guess.name
    return "en", "English"


def _heard_words(
    samples: np.ndarray,
    lines: Sequence[DialogueLine],
    language: tuple[str, str],
    recognition: Recognition | None,
    anchor: str,
    speech: np.ndarray,
    hop: int,
) -> tuple[list[_Heard], str]:
    """The recognised words lines are found in, and ``""`` or the problem that stopped recognition."""
    code, name = language
    if anchor not in ANCHORS:
        raise ValueError(f"unknown anchor {anchor!r}; choose one of {', '.join(ANCHORS)}")
    if anchor == "whisper" or recognition is not None:
        try:
            return _whisper_heard(samples, code, recognition, speech, hop), ""
        except (RoughcutError, ImportError) as exc:
            if code not in sphinx.SUPPORTED_LANGUAGES:
                return [], f"the script is in {name}, which only Whisper can align here, and {exc}"
    if code not in sphinx.SUPPORTED_LANGUAGES:
        return [], (
            f"the script is in {name}, and pocketsphinx only has a model for "
            f"{', '.join(sphinx.SUPPORTED_LANGUAGES)}; lines not aligned (use the Whisper anchor)"
        )
    return _sphinx_heard(samples, _lm_text(lines)), ""


def align_script_to_take(
    lines: Sequence[DialogueLine],
    audio: Audio,
    *,
    frame_rate: Fraction | None = None,
    take: str = "",
    check_language: bool = True,
    recognition: Recognition | None = None,
    anchor: str = "whisper",
    timing: str | None = None,
) -> TakeAlignment:
    """Find and time every performance of ``lines`` in a take's ``audio`` (any rate; mono or not).

    Lines are found among the words a recogniser heard (``anchor``: ``"whisper"``, falling back to
    ``"sphinx"`` when Whisper is not installed; a precomputed Whisper ``recognition`` of the same
    audio is used as it is). Each line found is then timed word by word: English by pocketsphinx
    forced alignment on the line's stretch of audio; other languages by Whisper's word times with the
    line's edges moved onto the speech edges voice activity finds. Words longer than their phones
    allow are trimmed and lose confidence. Lines not spoken are listed in ``missing``; a line said
    twice appears twice (occurrence 0, 1). A silent take, or a language nothing here can align,
    gives an alignment with no lines and a ``problem`` saying so. ``timing`` forces ``"forced"``
    (pocketsphinx, English only) or ``"whisper"`` (Whisper's word times snapped to speech edges; how
    other languages are timed, measurable on English references); ``None`` picks by language.
    """
    samples = _analysis_samples(audio)
    duration = len(samples) / ANALYSIS_RATE
    ids = tuple(line.id for line in lines)
    language = _script_language(lines) if check_language else ("en", "English")
    speech, hop = _speech_probability(samples)
    problem = ""
    silero = speech if hop == SILERO_WINDOW else None
    if not voice_activity(samples, ANALYSIS_RATE, probability=silero):
        problem = "no speech found (silent take)"
    heard: list[_Heard] = []
    if not problem:
        heard, problem = _heard_words(samples, lines, language, recognition, anchor, speech, hop)
    if problem:
        return TakeAlignment(take, (), ids, duration, frame_rate, problem)
    line_words = [tokens(line.text) for line in lines]
    hits = find_lines(line_words, [w.text for w in heard])
    runs = _speech_runs(speech, hop)
    forced = language[0] in sphinx.SUPPORTED_LANGUAGES if timing is None else timing == "forced"
    if timing == "whisper" and any(w.probability is None for w in heard):
        raise ValueError("timing='whisper' needs Whisper's words (anchor='whisper')")
    pad = round(LINE_PAD_S * ANALYSIS_RATE)
    timed_lines: list[tuple[int, tuple[WordAlignment, ...]]] = []
    for k, hit in enumerate(hits):
        floor = hits[k - 1].hyp_end if k else 0
        ceiling = hits[k + 1].hyp_start if k + 1 < len(hits) else len(heard)
        first, last = _heard_span(hit, heard, floor, ceiling)
        lo, hi = heard[first].start - pad, heard[last].end + pad
        if k:
            lo = max(lo, heard[hits[k - 1].hyp_end - 1].end)
        if k + 1 < len(hits):
            hi = min(hi, heard[hits[k + 1].hyp_start].start)
        floor_s = heard[hits[k - 1].hyp_end - 1].end if k else 0
        if timed_lines and timed_lines[-1][1]:
            floor_s = max(floor_s, timed_lines[-1][1][-1].end)
        ceiling_s = heard[hits[k + 1].hyp_start].start if k + 1 < len(hits) else len(samples)
        lo, hi = _widened(lo, hi, runs, floor_s, ceiling_s)
        lo, hi = max(0, lo), min(len(samples), hi)
        words = line_words[hit.line]
        if forced:
            timed = [_shifted(t, lo) for t in align_words(samples[lo:hi], words)]
        else:
            timed = _whisper_timed(hit, heard, words, lo, hi, speech, hop)
        probability = [heard[j].probability if j >= 0 else None for j in _pairs(hit)]
        timed_lines.append((hit.line, _scored(timed, hit.similarity, probability)))
    if forced:
        timed_lines += _unheard_lines(samples, line_words, timed_lines, runs)
    timed_lines.sort(key=lambda item: item[1][0].start if item[1] else 0)
    found: list[LineAlignment] = []
    counts: dict[str, int] = {}
    previous_end = 0
    for index, words in timed_lines:
        if not words:
            continue
        words = _after(words, previous_end)
        previous_end = words[-1].end
        line = lines[index]
        occurrence = counts.get(line.id, 0)
        counts[line.id] = occurrence + 1
        confidence = line_confidence(words)
        found.append(
            LineAlignment(
                line.id,
                line.character,
                line.text,
                words[0].start,
                words[-1].end,
                ANALYSIS_RATE,
                round(confidence, 3),
                words,
                occurrence,
            )
        )
    missing = tuple(i for i in ids if i not in counts)
    recognised = tuple((w.text, w.start, w.end) for w in heard)
    return TakeAlignment(take, tuple(found), missing, duration, frame_rate, "", recognised)


def _speech_probability(samples: np.ndarray) -> tuple[np.ndarray, int]:
    """Silero's speech probability per window of 16 kHz ``samples`` and the window in samples (1.0
    or 0.0 per webrtcvad frame when onnxruntime is missing)."""
    probability = speech_probability(samples, ANALYSIS_RATE)
    if probability is not None:
        return probability, SILERO_WINDOW
    speech, hop = speech_frames(samples, ANALYSIS_RATE, engine="webrtc")
    return speech.astype(np.float32), hop


#: Gaps (seconds) inside a run of speech that :func:`_speech_runs` bridges, and the most a line's
#: stretch of audio is widened (seconds) to take in the rest of the speech its first or last heard
#: word sits in (a hesitation Whisper leaves out, a word start it places late).
RUN_BRIDGE_S = 0.4
MAX_WIDEN_S = 1.5


def _speech_runs(
    probability: np.ndarray, hop: int, threshold: float = MIN_SPEECH_PROBABILITY
) -> list[tuple[int, int]]:
    """Stretches (samples) where Silero's probability reaches ``threshold``, gaps under
    :data:`RUN_BRIDGE_S` bridged."""
    active = np.concatenate([[0], (probability >= threshold).astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(active))
    runs: list[list[int]] = []
    for a, b in zip(edges[::2] * hop, edges[1::2] * hop, strict=True):
        if runs and a - runs[-1][1] < RUN_BRIDGE_S * ANALYSIS_RATE:
            runs[-1][1] = int(b)
        else:
            runs.append([int(a), int(b)])
    return [(a, b) for a, b in runs]


def _widened(lo: int, hi: int, runs: Sequence[tuple[int, int]], floor: int, ceiling: int) -> tuple[int, int]:
    """A line's stretch ``[lo, hi)`` (samples) widened to the edges of the speech runs its ends fall
    in, by at most :data:`MAX_WIDEN_S`, and only where that run starts (ends) between ``floor`` and
    ``ceiling`` (the neighbouring lines): a run the line shares with its neighbour is not taken in."""
    most = round(MAX_WIDEN_S * ANALYSIS_RATE)
    pad = round(0.1 * ANALYSIS_RATE)
    for a, b in runs:
        if a < lo < b and a >= floor:  # a run shared with the line before is left to it
            lo = max(floor, lo - most, a - pad, 0) if a - pad < lo else lo
        if a < hi < b and b <= ceiling:
            hi = min(ceiling, hi + most, b + pad) if b + pad > hi else hi
    return min(lo, hi), hi


def line_confidence(words: Sequence[WordAlignment]) -> float:
    """A line's confidence in [0, 1]: half the mean of its words' confidences, half the lower of its
    first and last word's (its boundaries are only as sure as the words that make them)."""
    if not words:
        return 0.0
    mean = float(np.mean([w.confidence for w in words]))
    return 0.5 * mean + 0.5 * min(words[0].confidence, words[-1].confidence)


def _after(words: tuple[WordAlignment, ...], floor: int) -> tuple[WordAlignment, ...]:
    """A line's words with any that start before ``floor`` (the previous line's end, samples)
    moved to start there, so lines never overlap."""
    out = []
    for w in words:
        start = max(w.start, floor)
        out.append(w if start == w.start else replace(w, start=start, end=max(w.end, start + 1)))
        floor = max(floor, out[-1].start)
    return tuple(out)


def _pairs(hit: _Hit) -> tuple[int, ...]:
    return hit.paired or tuple(-1 for _ in hit.similarity)


def _shifted(token: TimedToken, offset: int) -> TimedToken:
    return TimedToken(token.text, token.start + offset, token.end + offset, token.aligned, token.acoustic)


def _whisper_timed(
    hit: _Hit,
    heard: Sequence[_Heard],
    words: Sequence[str],
    lo: int,
    hi: int,
    speech: np.ndarray,
    hop: int,
) -> list[TimedToken]:
    """A line's words timed by the Whisper words they matched (others share the time between), its
    first start and last end moved to the edges of the runs of speech they sit in (within
    :data:`RUN_SNAP_S`), else onto the nearest speech edge within :data:`SNAP_S`."""
    known = {}
    for i, j in enumerate(_pairs(hit)):
        if j >= 0:
            w = heard[j]
            known[i] = TimedToken(words[i], w.start - lo, w.end - lo, True, w.probability or 0.0)
    timed = [_shifted(t, lo) for t in fill_gaps(words, known, hi - lo)]
    if not timed:
        return timed
    runs = _speech_runs(speech, hop, SILERO_ON)
    first = timed[0]
    start = _run_edge(first.start, runs, onset=True, bound=lo, limit=first.end)
    if start is None:
        start = _snap(first.start, speech, hop, onset=True, limit=first.end)
    timed[0] = TimedToken(first.text, start, first.end, first.aligned, first.acoustic)
    last = timed[-1]
    end = _run_edge(last.end, runs, onset=False, bound=hi, limit=last.start)
    if end is None:
        end = _snap(last.end, speech, hop, onset=False, limit=last.start)
    timed[-1] = TimedToken(last.text, last.start, max(end, last.start + 1), last.aligned, last.acoustic)
    return timed


#: How far (seconds) a Whisper-timed line edge may move to the edge of the run of speech it sits in.
RUN_SNAP_S = 1.0


def _run_edge(
    position: int, runs: Sequence[tuple[int, int]], *, onset: bool, bound: int, limit: int
) -> int | None:
    """The start (``onset``) or end of the run of speech ``position`` (samples) falls in (in a pause:
    of the next run's start, the last run's end), when that is within :data:`RUN_SNAP_S`, not past
    ``bound`` (the line's stretch) nor ``limit`` (the word's other edge); else ``None``."""
    reach = RUN_SNAP_S * ANALYSIS_RATE
    inside = [(a, b) for a, b in runs if (a <= position < b if onset else a < position <= b)]
    if inside:
        edge = max(inside[0][0], bound) if onset else min(inside[0][1], bound)
    else:  # in a pause: speech starts after it (ends before it)
        after = [a for a, _ in runs if a > position] if onset else [b for _, b in runs if b < position]
        if not after:
            return None
        edge = min(after) if onset else max(after)
    if abs(edge - position) <= reach and (edge < limit if onset else edge > limit):
        return int(edge)
    return None


def _snap(position: int, speech: np.ndarray, hop: int, *, onset: bool, limit: int) -> int:
    """``position`` (samples) moved to the nearest speech onset (or offset) of the voice activity
    frames within :data:`SNAP_S`, never past ``limit`` (the word's other edge); unmoved when none."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], (speech >= SILERO_ON).astype(np.int8), [0]])))
    candidates = (edges[::2] if onset else edges[1::2]) * hop
    window = SNAP_S * ANALYSIS_RATE
    near = candidates[np.abs(candidates - position) <= window]
    near = near[near < limit] if onset else near[near > limit]
    if not len(near):
        return position
    return int(near[np.argmin(np.abs(near - position))])


def _scored(
    timed: Sequence[TimedToken], similarity: Sequence[float], probability: Sequence[float | None]
) -> tuple[WordAlignment, ...]:
    """Words with their confidence (:func:`word_confidence`); a word longer than its phones allow
    is trimmed to that length on the side away from the rest of the line."""
    out = []
    last = len(timed) - 1
    for k, (t, sim, p) in enumerate(zip(timed, similarity, probability, strict=True)):
        start, end = t.start, t.end
        limit = round(longest_plausible_s(t.text) * ANALYSIS_RATE)
        plausible = end - start <= limit
        if not plausible:
            start, end = (end - limit, end) if k == 0 and last > 0 else (start, start + limit)
        confidence = word_confidence(sim, p, t.acoustic, plausible=plausible)
        out.append(WordAlignment(t.text, start, end, ANALYSIS_RATE, confidence, sim > 0))
    return tuple(out)


def word_confidence(
    similarity: float, probability: float | None, acoustic: float, *, plausible: bool
) -> float:
    """A word's confidence in [0, 1] from how closely the recogniser's word matched it
    (``similarity``, 0-1, 0 when it heard none there), the recogniser's own ``probability`` for that
    word (the similarity stands in when it gives none) and the acoustic fit of its timing
    (``acoustic``, 0-1). Words the recogniser did not hear score at most 0.3; a word stretched past
    its phones' length is halved."""
    if similarity > 0:
        heard = similarity if probability is None else probability
        confidence = 0.3 * similarity + 0.4 * heard + 0.3 * acoustic
    else:
        confidence = 0.3 * acoustic
    return round(confidence if plausible else confidence / 2, 3)


def _unheard_lines(
    samples: np.ndarray,
    line_words: Sequence[Sequence[str]],
    timed_lines: Sequence[tuple[int, tuple[WordAlignment, ...]]],
    runs: Sequence[tuple[int, int]],
) -> list[tuple[int, tuple[WordAlignment, ...]]]:
    """Lines the recogniser did not hear ("uh", a mumble) whose neighbours in the script were both
    found, one after the other: when voice activity finds speech between them
    (:func:`_speech_runs`), the line is force-aligned there and kept if every word aligns at a
    plausible length."""
    by_line = {index: words for index, words in timed_lines if words}
    out = []
    for index in range(len(line_words)):
        before, after = by_line.get(index - 1), by_line.get(index + 1)
        if index in by_line or before is None or after is None or before[-1].end >= after[0].start:
            continue
        lo, hi = before[-1].end, after[0].start
        least, pad = round(0.15 * ANALYSIS_RATE), round(0.1 * ANALYSIS_RATE)
        inside = [
            (max(lo, a - pad), min(hi, b + pad)) for a, b in runs if lo <= a and b <= hi and b - a >= least
        ]
        if not inside:
            continue
        a, b = inside[0][0], inside[-1][1]
        timed = align_words(samples[a:b], line_words[index])
        if not timed or not all(t.aligned for t in timed):
            continue
        words = _scored([_shifted(t, a) for t in timed], [0.0] * len(timed), [None] * len(timed))
        if all(w.end - w.start <= round(longest_plausible_s(w.text) * ANALYSIS_RATE) for w in words):
            out.append((index, words))
    return out


def _heard_span(hit: _Hit, heard: Sequence[_Heard], floor: int, ceiling: int) -> tuple[int, int]:
    """The recognised words a hit covers, widened over unclaimed neighbouring words (at most one more
    than the line's unheard words at that end, each within a breath of the next) so that words
    recognition got wrong at a line's start or end still get their stretch of audio."""
    heard_words = [i for i, s in enumerate(hit.similarity) if s > 0]
    lead = heard_words[0] if heard_words else 0
    trail = len(hit.similarity) - 1 - heard_words[-1] if heard_words else 0
    breath = ANALYSIS_RATE * 6 // 10
    first, last = hit.hyp_start, hit.hyp_end - 1
    while lead and first - 1 >= floor and heard[first].start - heard[first - 1].end < breath:
        first, lead = first - 1, lead - 1
    while trail and last + 1 < ceiling and heard[last + 1].start - heard[last].end < breath:
        last, trail = last + 1, trail - 1
    return first, last


def _analysis_samples(audio: Audio) -> np.ndarray:
    samples = audio.samples
    if samples.ndim == 2:
        samples = samples.mean(axis=0)
    if audio.sample_rate != ANALYSIS_RATE:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(audio.sample_rate, ANALYSIS_RATE)
        samples = resample_poly(samples, ANALYSIS_RATE // g, audio.sample_rate // g)
    return np.ascontiguousarray(samples, dtype=np.float32)


# ---------------------------------------------------------------------------------------- project


def _params(lines: Sequence[DialogueLine]) -> dict[str, Any]:
    return {
        "lines": [(line.id, line.character, line.text) for line in lines],
        "word_match": WORD_MATCH,
        "line_found": LINE_FOUND,
        "pad": LINE_PAD_S,
        "silprob": ALIGN_SILPROB,
        "anchor": "whisper",
    }


def _take_key(path: Path) -> tuple[str, Fraction | None]:
    """The take's content fingerprint and video frame rate (``None`` without video)."""
    from roughcut.media import fingerprint, probe

    info = probe(path)
    return fingerprint(path), (info.video.frame_rate if info.video is not None else None)


def _align_path(
    path: Path,
    lines: Sequence[DialogueLine],
    name: str,
    frame_rate: Fraction | None,
    recognition: Recognition | None = None,
    anchor: str = "whisper",
) -> TakeAlignment:
    """Decode and align one take (runs in a worker process); decoding trouble becomes ``problem``."""
    from roughcut.media import read_audio

    try:
        audio = read_audio(path)
    except MediaError as exc:
        # Path-free: the result is cached by content and shown after the take's name in any project.
        return TakeAlignment(name, (), tuple(line.id for line in lines), 0.0, frame_rate, exc.problem)
    return align_script_to_take(
        lines, audio, frame_rate=frame_rate, take=name, recognition=recognition, anchor=anchor
    )


def _recognised_here(path: Path, lines: Sequence[DialogueLine]) -> tuple[Recognition | None, str]:
    """Whisper's words for a take, made in this process before forked workers align it, and the
    anchor the worker should use: CTranslate2 hangs in a process forked after it has run, so forked
    workers never run Whisper themselves ("sphinx" when Whisper cannot be used here)."""
    from roughcut.media import read_audio

    try:
        audio = read_audio(path)
    except (MediaError, OSError):
        return None, "whisper"  # the worker reports the decoding trouble before any recognition
    code, _ = _script_language(lines)
    try:
        from roughcut.speech import whisper

        samples = _analysis_samples(audio)
        return whisper.recognise(samples, ANALYSIS_RATE, language=code, beam_size=1), "whisper"
    except (RoughcutError, ImportError):
        return None, "sphinx"


def align_take_file(
    path: str | Path, lines: Sequence[DialogueLine], *, name: str = "", store: Store | None = None
) -> TakeAlignment:
    """Align ``lines`` to the take at ``path``, cached in ``store`` under the file's fingerprint.

    A take without an audio stream, or that cannot be read, gives a ``TakeAlignment`` whose
    ``problem`` says the trouble (the file is its ``take``: cached by content, it names no path).
    """
    path = Path(path)
    name = name or path.name
    try:
        key, frame_rate = _take_key(path)
    except (MediaError, OSError) as exc:
        return TakeAlignment(name, (), tuple(line.id for line in lines), 0.0, None, str(exc))
    if store is None:
        return _align_path(path, lines, name, frame_rate)
    result = store.cached(
        key, STAGE, VERSION, _params(lines), lambda: _align_path(path, lines, name, frame_rate)
    )
    return _renamed(result, name)


def _renamed(result: TakeAlignment, name: str) -> TakeAlignment:
    """The same media found under another name keeps its cached alignment, under the new name."""
    from dataclasses import replace

    return result if result.take == name else replace(result, take=name)


def align_project(
    project: Project, script: Script, *, store: Store | None = None, workers: int | None = None
) -> dict[str, TakeAlignment]:
    """Align the script's dialogue lines to every take of ``project``, with a progress bar.

    Results are cached in ``store`` (the default store when ``None``) keyed by each take's content
    fingerprint and the lines' text, so a second run reads them back. Takes not cached are aligned
    in ``workers`` processes (default: one per core). Keys are take names (paths relative to the
    project folder), in the project's order. A bad take gives an entry with its ``problem``.
    """
    import os
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from multiprocessing import get_all_start_methods, get_context

    from roughcut.progress import track
    from roughcut.store import Store

    store = store if store is not None else Store()
    lines = list(script.lines)
    if not lines:
        raise RoughcutError(f"{script.source or 'the script'}: no dialogue lines to align")
    params = _params(lines)
    out: dict[str, TakeAlignment] = {}
    todo: list[tuple[Path, str, str, Fraction | None]] = []
    for take in project.takes:
        name = project.take_name(take)
        try:
            key, frame_rate = _take_key(take)
        except (MediaError, OSError) as exc:
            out[name] = TakeAlignment(name, (), tuple(line.id for line in lines), 0.0, None, str(exc))
            continue
        cached = store.get(key, STAGE, VERSION, params)
        if cached is not None:
            out[name] = _renamed(cached, name)
        else:
            todo.append((take, name, key, frame_rate))
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    if workers == 1 and todo:
        for take, name, key, frame_rate in track(todo, "Aligning script to takes"):
            out[name] = _align_path(take, lines, name, frame_rate)
            store.put(key, STAGE, VERSION, params, out[name])
    elif todo:
        # fork: workers start in milliseconds and callers need no ``__main__`` guard; the parent's
        # only other threads are the progress bar's and Whisper's, which the workers never touch.
        # Whisper runs here first, one take after another on every core (see ``_recognised_here``).
        method = "fork" if "fork" in get_all_start_methods() else "spawn"
        heard: dict[str, tuple[Recognition | None, str]] = {}
        if method == "fork":
            for take, name, _, _ in track(todo, "Recognising speech in takes"):
                heard[name] = _recognised_here(take, lines)
        with ProcessPoolExecutor(workers, mp_context=get_context(method)) as pool:
            futures = {
                pool.submit(_align_path, t, lines, n, r, *heard.get(n, (None, "whisper"))): (n, k)
                for t, n, k, r in todo
            }
            for future in track(as_completed(futures), "Aligning script to takes", total=len(futures)):
                name, key = futures[future]
                out[name] = future.result()
                store.put(key, STAGE, VERSION, params, out[name])
    return {project.take_name(t): out[project.take_name(t)] for t in project.takes}


# ------------------------------------------------------------------------------------ self-check


@dataclass(frozen=True)
class LineCheck:
    """A truth line against its alignment: boundary errors in seconds (``None`` when not found)."""

    take: str
    line_id: str
    start_error_s: float | None
    end_error_s: float | None

    @property
    def found(self) -> bool:
        return self.start_error_s is not None

    @property
    def worst_s(self) -> float:
        if self.start_error_s is None or self.end_error_s is None:
            return math.inf
        return max(abs(self.start_error_s), abs(self.end_error_s))


@dataclass(frozen=True)
class TruthReport:
    """Every truth line's check, and word-boundary errors (seconds) over all matched words."""

    lines: tuple[LineCheck, ...]
    word_errors_s: tuple[float, ...]
    tolerance_s: float

    @property
    def passed(self) -> bool:
        return all(c.worst_s <= self.tolerance_s for c in self.lines)

    @property
    def lines_within(self) -> int:
        return sum(c.worst_s <= self.tolerance_s for c in self.lines)

    def summary(self) -> str:
        words = np.asarray(self.word_errors_s)
        word_part = (
            f"; word boundaries mean {words.mean() * 1000:.0f} ms, {np.mean(words <= 0.1):.0%} within 100 ms"
            if len(words)
            else ""
        )
        return (
            f"{self.lines_within}/{len(self.lines)} lines within "
            f"{self.tolerance_s * 1000:.0f} ms of the truth{word_part}"
        )


def check_against_truth(
    alignments: Mapping[str, TakeAlignment],
    truth: Mapping[str, Any] | str | Path,
    *,
    tolerance_s: float = 0.1,
) -> TruthReport:
    """Compare alignments with a demo ``truth.json`` (its dict, or its path): per take (matched by
    ``file``), each truth line against the alignment's first performance of that line id, and each
    truth word against the aligned word of the same text in order."""
    import json

    from roughcut.speech.evaluation import TimedWord, paired_words

    if not isinstance(truth, Mapping):
        truth = json.loads(Path(truth).read_text())
    checks: list[LineCheck] = []
    word_errors: list[float] = []
    for take in truth["takes"]:
        alignment = alignments.get(take["file"]) or next(
            (a for k, a in alignments.items() if Path(k).name == Path(take["file"]).name), None
        )
        for line in take["lines"]:
            found = alignment.performances(line["id"]) if alignment else []
            if not found:
                checks.append(LineCheck(take["file"], line["id"], None, None))
                continue
            got = found[0]
            checks.append(
                LineCheck(take["file"], line["id"], got.start_s - line["start"], got.end_s - line["end"])
            )
            ref = [TimedWord(w["word"], w["start"], w["end"]) for w in line.get("words", [])]
            hyp = [TimedWord(w.text, w.start_s, w.end_s) for w in got.words]
            for r, h in paired_words(ref, hyp):
                word_errors += [abs(r.start_s - h.start_s), abs(r.end_s - h.end_s)]
    return TruthReport(tuple(checks), tuple(word_errors), tolerance_s)
