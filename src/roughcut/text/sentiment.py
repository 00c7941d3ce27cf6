"""Sentiment of text with VADER (vaderSentiment; its lexicon ships in the wheel)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Sentiment:
    """VADER's scores: ``compound`` in [-1, 1] (normalised sum of word valences, after VADER's rules
    for negation, intensifiers, capitals, ``!`` and ``but``) and the shares of positive, neutral and
    negative text in [0, 1] (summing to 1)."""

    compound: float
    positive: float
    neutral: float
    negative: float

    @property
    def intensity(self) -> float:
        """Emotional intensity in [0, 1]: the strength of the feeling whatever its sign,
        ``abs(compound)``."""
        return abs(self.compound)


@cache
def _analyser():  # type: ignore[no-untyped-def]
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def sentiment(text: str) -> Sentiment:
    """VADER sentiment of ``text`` (English; other languages score mostly neutral)."""
    scores = _analyser().polarity_scores(text)
    return Sentiment(
        compound=float(scores["compound"]),
        positive=float(scores["pos"]),
        neutral=float(scores["neu"]),
        negative=float(scores["neg"]),
    )


def word_valence(word: str) -> float:
    """VADER's lexicon valence of one word (about -4 to 4; 0 when not in the lexicon)."""
    return float(_analyser().lexicon.get(word.lower(), 0.0))
