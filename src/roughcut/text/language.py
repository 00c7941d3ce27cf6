"""Language identification of text with lingua (its models ship in the wheel)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

#: Below this many letters lingua's answer is too unreliable to report.
MIN_LETTERS = 12


@dataclass(frozen=True)
class LanguageGuess:
    """An ISO 639-1 code (``"en"``), lingua's confidence in [0, 1], and the language's English name."""

    code: str
    confidence: float
    name: str


#: Languages considered by default (ISO 639-1): the ones most film and TV is made in. Loading every
#: language lingua knows costs about 10 s of CPU; these about 3 s (measured on this 2-core machine).
COMMON_LANGUAGES = (
    "en",
    "es",
    "fr",
    "de",
    "it",
    "pt",
    "nl",
    "sv",
    "da",
    "nb",
    "fi",
    "pl",
    "cs",
    "hu",
    "ro",
    "el",
    "tr",
    "ru",
    "uk",
    "ar",
    "he",
    "fa",
    "hi",
    "bn",
    "ta",
    "zh",
    "ja",
    "ko",
    "th",
    "vi",
    "id",
    "ms",
)


@cache
def _detector(codes: tuple[str, ...]):  # type: ignore[no-untyped-def]
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    isos = [getattr(IsoCode639_1, code.upper()) for code in codes]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*isos).build()


def detect_language(text: str, *, languages: tuple[str, ...] = COMMON_LANGUAGES) -> LanguageGuess | None:
    """The most likely language of ``text`` among ``languages`` (ISO 639-1 codes), or ``None`` when
    the text is too short or lingua cannot tell."""
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return None
    values = _detector(tuple(languages)).compute_language_confidence_values(text)
    if not values:
        return None
    best = values[0]
    return LanguageGuess(
        code=best.language.iso_code_639_1.name.lower(),
        confidence=float(best.value),
        name=best.language.name.title(),
    )
