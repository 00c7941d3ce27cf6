"""An emotion category for a line of dialogue, by a documented rule over cue words and VADER.

The rule, in order:

1. Words are matched against a small cue-word list per emotion (Ekman's six: joy, sadness, anger,
   fear, surprise, disgust; see :mod:`roughcut.text._emotion_cues`), with common endings stripped.
   A cue within three words after a negation (``not``, ``never``, ``no``, ``n't``...) is skipped.
2. The emotion with the most cues wins; a tie goes to the emotion whose sign agrees with VADER's
   compound (joy and surprise positive, the others negative), then to the order above.
3. With no cue, VADER decides: compound >= 0.3 is joy; compound <= -0.3 is anger when the line is
   aroused (``!`` or a word in capitals) and sadness otherwise; ``?!`` is surprise; else neutral.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from roughcut.text.sentiment import sentiment

EMOTIONS = ("joy", "sadness", "anger", "fear", "surprise", "disgust", "neutral")
#: |compound| from which a line without cue words counts as emotional.
VALENCE_THRESHOLD = 0.3
_POSITIVE = frozenset({"joy", "surprise"})
_NEGATIONS = frozenset({"not", "no", "never", "nothing", "without", "nobody", "none", "neither", "nor"})
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_SUFFIXES = ("ing", "ed", "es", "ly", "s", "d")


@dataclass(frozen=True)
class EmotionGuess:
    """The category (one of :data:`EMOTIONS`), the cue words that chose it, and how: ``"cues"``,
    ``"valence"`` or ``"none"``."""

    category: str
    cues: tuple[str, ...] = ()
    basis: str = "none"


@cache
def _lexicon() -> tuple[dict[str, tuple[str, ...]], dict[tuple[str, str], tuple[str, ...]]]:
    from roughcut.text._emotion_cues import CUES

    words: dict[str, tuple[str, ...]] = {}
    pairs: dict[tuple[str, str], tuple[str, ...]] = {}
    for emotion, block in CUES.items():
        for cue in block.split():
            if "-" in cue:
                first, second = cue.split("-", 1)
                pairs[(first, second)] = (*pairs.get((first, second), ()), emotion)
            else:
                words[cue] = (*words.get(cue, ()), emotion)
    return words, pairs


def _lookup(word: str, words: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    if word in words:
        return words[word]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if base in words:
                return words[base]
            if base + "e" in words:
                return words[base + "e"]
            if len(base) > 3 and base[-1] == base[-2] and base[:-1] in words:
                return words[base[:-1]]
    return ()


def _negated(tokens: list[str], index: int) -> bool:
    window = tokens[max(0, index - 3) : index]
    return any(t in _NEGATIONS or t.endswith(("n't", "n’t")) for t in window)


def emotion(text: str, *, compound: float | None = None) -> EmotionGuess:
    """The emotion category of ``text`` by the rule in this module's docstring.

    ``compound`` is VADER's score for ``text`` when the caller has it already.
    """
    if compound is None:
        compound = sentiment(text).compound
    words, pairs = _lexicon()
    tokens = [t.lower().replace("’", "'") for t in _WORD.findall(text)]
    counts: dict[str, int] = {}
    cues: dict[str, list[str]] = {}
    for index, token in enumerate(tokens):
        found = pairs.get((token, tokens[index + 1]), ()) if index + 1 < len(tokens) else ()
        found = found or _lookup(token, words)
        if not found or _negated(tokens, index):
            continue
        for name in found:
            counts[name] = counts.get(name, 0) + 1
            cues.setdefault(name, []).append(token)
    if counts:
        sign_positive = compound >= 0

        def rank(name: str) -> tuple[int, int, int]:
            agrees = (name in _POSITIVE) == sign_positive
            return (-counts[name], 0 if agrees else 1, EMOTIONS.index(name))

        best = min(counts, key=rank)
        return EmotionGuess(best, tuple(cues[best]), "cues")
    if "?!" in text or "!?" in text:
        return EmotionGuess("surprise", (), "valence")
    if compound >= VALENCE_THRESHOLD:
        return EmotionGuess("joy", (), "valence")
    if compound <= -VALENCE_THRESHOLD:
        aroused = "!" in text or any(len(t) >= 2 and t.isupper() for t in _WORD.findall(text))
        return EmotionGuess("anger" if aroused else "sadness", (), "valence")
    return EmotionGuess("neutral")
