"""Keywords of text with YAKE (yake; unsupervised, its stop-word lists ship in the wheel)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

#: lingua's ISO 639-1 codes where yake names its stop-word list differently.
_YAKE_CODES = {"cs": "cz", "nb": "no", "nn": "no"}


@dataclass(frozen=True)
class Keyword:
    """A key phrase and YAKE's score (lower is more relevant; about 0 to 1 for short texts)."""

    phrase: str
    score: float


@cache
def _extractor(language: str, top: int, max_words: int):  # type: ignore[no-untyped-def]
    import yake

    return yake.KeywordExtractor(lan=_YAKE_CODES.get(language, language), n=max_words, top=top)


def keywords(text: str, *, language: str = "en", top: int = 5, max_words: int = 3) -> tuple[Keyword, ...]:
    """Up to ``top`` key phrases of at most ``max_words`` words, most relevant first.

    ``language`` (ISO 639-1) picks YAKE's stop words; a language YAKE has no list for uses none.
    """
    if not text.strip():
        return ()
    found = _extractor(language or "en", top, max_words).extract_keywords(text)
    return tuple(Keyword(phrase, float(score)) for phrase, score in sorted(found, key=lambda k: k[1]))
