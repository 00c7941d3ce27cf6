"""Word timings of a known text in 16 kHz audio: pocketsphinx forced alignment with wide beams.

Script alignment calls this per line, on the line's own stretch of audio. An optional second pass
cuts the text into phrases at the pauses the first found and aligns each phrase again on its own.
Words the dictionary cannot pronounce (and words past the point where the audio ran out) get times
shared out from their neighbours and are marked as not aligned.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from roughcut.speech import sphinx

#: Samples per sphinx frame at 16 kHz.
_HOP = sphinx.SAMPLE_RATE // sphinx.FRAME_RATE
#: A pause at least this long (sphinx frames) between two words ends a phrase.
PHRASE_GAP_FRAMES = 15
#: Audio added on each side of a phrase for its local alignment (sphinx frames).
PHRASE_PAD_FRAMES = 20
#: Probability of a pause between two words (pocketsphinx's default is 0.005): higher lets short
#: pauses separate words instead of lengthening them (39 ms against 40.5 ms mean error on the MFA set).
ALIGN_SILPROB = 0.3
#: The same in the optional phrase-by-phrase pass.
REFINE_SILPROB = 0.1
#: Other ways hesitations are said (ARPAbet), beside the dictionary's own ("uh" AH, "um" AH M): a
#: drawn-out or r-coloured "uh" taken for "AY" pushed the next word 0.6 s early on ``cold_corpus3``
#: (its mean word-boundary error 43.9 -> 31.0 ms; chosen there, the other references unchanged).
FILLER_VARIANTS = {
    "uh": ("ER", "AA", "AH AH"),
    "um": ("ER M", "M", "AH AH M", "AA M"),
    "er": ("ER ER",),
    "ah": ("AA AA",),
}
#: Acoustic score per frame mapped to confidence 0.5 (log base 1.0001; the model's typical range).
_SCORE_MID, _SCORE_SCALE = -9000.0, 2500.0


@dataclass(frozen=True)
class TimedToken:
    """A written word and where it is spoken, in samples at 16 kHz (``end`` exclusive).

    ``aligned`` is false when its time was shared out from its neighbours rather than found;
    ``acoustic`` is sphinx's acoustic fit in [0, 1] (0 where not aligned).
    """

    text: str
    start: int
    end: int
    aligned: bool
    acoustic: float


def acoustic_confidence(score_per_frame: float) -> float:
    """Map sphinx's acoustic score per frame to [0, 1] with a logistic curve."""
    return 1.0 / (1.0 + math.exp(-(score_per_frame - _SCORE_MID) / _SCORE_SCALE))


def align_words(
    samples: np.ndarray,
    words: Sequence[str],
    *,
    silprob: float = ALIGN_SILPROB,
    refine: bool = False,
    refine_silprob: float = REFINE_SILPROB,
    hesitations: bool = True,
) -> list[TimedToken]:
    """Times of each of ``words`` (as written) in 16 kHz mono ``samples``, one per word, in order.

    The pass runs with ``silprob`` (probability of a pause between two words) and falls back to
    pocketsphinx's default when that cannot reach the end of the text. ``refine=True`` adds the
    phrase-by-phrase pass (measured in ``benchmarks/bench_speech.py``; it does not pay on the MFA
    references, so it is off by default). ``hesitations`` gives "uh", "um", "er" and "ah" their other
    pronunciations (:data:`FILLER_VARIANTS`; once given, the process's decoders keep them).
    """
    keys = [sphinx.normalise_word(w) for w in words]
    usable = [i for i, k in enumerate(keys) if sphinx.pronounceable(k)]
    dictionary_words = [keys[i] for i in usable]
    if hesitations:
        _add_filler_variants(silprob)
    found = sphinx.force_align(samples, dictionary_words, silprob=silprob) if usable else []
    if len(found) < len(usable) and silprob != sphinx.DEFAULT_SILPROB:
        fallback = sphinx.force_align(samples, dictionary_words)
        found = fallback if len(fallback) > len(found) else found
    spans: dict[int, sphinx.SphinxWord] = {usable[j]: w for j, w in enumerate(found)}
    if refine and found:
        spans.update(_refine_phrases(samples, [usable[j] for j in range(len(found))], spans, refine_silprob))
    known = {
        i: TimedToken(words[i], w.start * _HOP, w.end * _HOP, True, acoustic_confidence(w.ascore_per_frame))
        for i, w in spans.items()
    }
    return fill_gaps(words, known, len(samples))


#: The longest a phone is taken to last (seconds) when judging whether a word's time is possible; a
#: hesitation ("uh", "um") may be drawn out much longer.
MAX_PHONE_S = 0.3
MAX_FILLER_S = 1.5
#: Added to every word's limit (seconds): a word's edges carry some breath and release.
WORD_SLACK_S = 0.2


def phone_count(word: str) -> int:
    """Phones in ``word`` (as written): from the pronunciation dictionary or espeak-ng's rules, else
    one per letter (over-counting keeps the limit lenient)."""
    key = sphinx.normalise_word(word)
    if not key:
        return 1
    if sphinx.pronounceable(key):
        phones = sphinx._added.get(key)
        if phones is None:
            with sphinx._lock:
                phones = sphinx._decoder("align").lookup_word(key)
        if phones:
            return len(phones.split())
    return len(key)


def longest_plausible_s(word: str) -> float:
    """The longest ``word`` can be spoken (seconds), from its phone count: past it a word's time is
    not believed (a 2.7 s "That" is a word stretched over laughter or silence)."""
    if sphinx.normalise_word(word) in FILLER_VARIANTS:
        return MAX_FILLER_S
    return WORD_SLACK_S + MAX_PHONE_S * phone_count(word)


def _add_filler_variants(silprob: float) -> None:
    """Give the aligning decoders (at ``silprob`` and at the default) the hesitation variants."""
    with sphinx._lock:
        for probability in {silprob, sphinx.DEFAULT_SILPROB}:
            decoder = sphinx._decoder("align", probability)
            for word, variants in FILLER_VARIANTS.items():
                for number, phones in enumerate(variants, 2):
                    if decoder.lookup_word(f"{word}({number})") is None:
                        decoder.add_word(f"{word}({number})", phones, True)


def _refine_phrases(
    samples: np.ndarray, order: list[int], spans: dict[int, sphinx.SphinxWord], silprob: float
) -> dict[int, sphinx.SphinxWord]:
    """Re-align each phrase (words between pauses of the global pass) on its own audio."""
    phrases: list[list[int]] = [[order[0]]]
    for prev, cur in itertools.pairwise(order):
        if spans[cur].start - spans[prev].end >= PHRASE_GAP_FRAMES:
            phrases.append([])
        phrases[-1].append(cur)
    total_frames = len(samples) // _HOP
    better: dict[int, sphinx.SphinxWord] = {}
    for n, phrase in enumerate(phrases):
        lo_limit = spans[phrases[n - 1][-1]].end if n else 0
        hi_limit = spans[phrases[n + 1][0]].start if n + 1 < len(phrases) else total_frames
        lo = max(lo_limit, spans[phrase[0]].start - PHRASE_PAD_FRAMES)
        hi = min(hi_limit, spans[phrase[-1]].end + PHRASE_PAD_FRAMES)
        local = sphinx.force_align(
            samples[lo * _HOP : hi * _HOP], [spans[i].word for i in phrase], silprob=silprob
        )
        if len(local) != len(phrase):
            continue
        for i, w in zip(phrase, local, strict=True):
            better[i] = sphinx.SphinxWord(w.word, w.start + lo, w.end + lo, w.ascore_per_frame, w.prob)
    return better


def fill_gaps(words: Sequence[str], known: dict[int, TimedToken], num_samples: int) -> list[TimedToken]:
    """Tokens for every word (samples at 16 kHz): the ``known`` ones (by word index) as they are; the
    others share out the time between their known neighbours in proportion to their length in
    letters, marked not aligned."""
    out: list[TimedToken | None] = [None] * len(words)
    for i, token in known.items():
        out[i] = token
    i = 0
    while i < len(words):
        if out[i] is not None:
            i += 1
            continue
        j = i
        while j < len(words) and out[j] is None:
            j += 1
        prev, nxt = out[i - 1] if i else None, out[j] if j < len(words) else None
        lo = prev.end if prev else (max(0, nxt.start - 8000) if nxt else 0)
        hi = nxt.start if nxt else min(num_samples, lo + 8000 * (j - i))
        if hi <= lo:  # no room between the neighbours: take a share of the previous or next word
            if prev is not None:
                lo = (prev.start + prev.end) // 2
                out[i - 1] = TimedToken(prev.text, prev.start, lo, prev.aligned, prev.acoustic)
                hi = prev.end
            elif nxt is not None:
                hi = (nxt.start + nxt.end) // 2
                out[j] = TimedToken(nxt.text, hi, nxt.end, nxt.aligned, nxt.acoustic)
                lo = nxt.start
        weights = np.array([max(1, len(words[k])) for k in range(i, j)], float)
        edges = lo + np.round(np.concatenate([[0], np.cumsum(weights)]) / weights.sum() * (hi - lo)).astype(
            int
        )
        for k in range(i, j):
            out[k] = TimedToken(words[k], int(edges[k - i]), int(edges[k - i + 1]), False, 0.0)
        i = j
    return [t for t in out if t is not None]
