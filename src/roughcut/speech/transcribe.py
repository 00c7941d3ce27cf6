"""Transcription of material without a script, with word timings and honest confidence.

Two engines behind one call:

* ``"whisper"`` (default): OpenAI Whisper base through faster-whisper, installed with roughcut and
  run offline (:mod:`roughcut.speech.whisper`); about a hundred languages, the spoken language
  identified from the audio, a probability per word. ``model=PATH`` loads any local CTranslate2
  Whisper folder instead.
* ``"sphinx"`` (``"pocketsphinx"``): the fallback, US English only; each speech segment is recognised
  with the general English model in the pocketsphinx wheel, and each word's confidence is its
  lattice posterior.

:func:`normalise_text` is the one normalisation used to score transcripts (word error rate).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from roughcut.errors import RoughcutError
from roughcut.media.audio import ANALYSIS_RATE, Audio
from roughcut.media.span import SampleSpan

#: Engines by name; the first is the default.
ENGINES = ("whisper", "sphinx")
_ALIASES = {"pocketsphinx": "sphinx", "whisper": "whisper", "sphinx": "sphinx"}
DEFAULT_ENGINE = "whisper"


@dataclass(frozen=True)
class TranscribedWord(SampleSpan):
    """A recognised word: ``start``/``end`` in samples at ``sample_rate`` Hz; ``confidence`` 0-1
    (Whisper's word probability, or pocketsphinx's lattice posterior), ``None`` when unknown."""

    text: str
    start: int
    end: int
    sample_rate: int
    confidence: float | None


@dataclass(frozen=True)
class Transcript:
    """Words in time order and what is known of the language.

    ``spoken_language`` is the ISO 639-1 code spoken (``None`` when the engine cannot identify it;
    ``language_note`` then says so) and ``language_probability`` the engine's probability for it (0-1);
    ``text_language`` is lingua's reading of the transcript's text (``None`` when too short to tell).
    ``segments`` are the engine's sentence-like runs as ``(start_s, end_s, text)`` with punctuation
    (empty for pocketsphinx).
    """

    engine: str
    words: tuple[TranscribedWord, ...]
    duration_s: float
    spoken_language: str | None = None
    language_note: str = ""
    text_language: str | None = None
    language_probability: float | None = None
    model: str = ""
    segments: tuple[tuple[float, float, str], ...] = ()

    @property
    def text(self) -> str:
        if self.segments:
            return " ".join(text for _, _, text in self.segments if text).strip()
        return " ".join(w.text for w in self.words)


def engine_name(engine: str) -> str:
    """The canonical engine name for ``engine`` (``"pocketsphinx"`` → ``"sphinx"``)."""
    try:
        return _ALIASES[engine.lower()]
    except KeyError:
        raise RoughcutError(
            f"unknown transcription engine {engine!r}; choose one of {', '.join(ENGINES)}"
        ) from None


def transcribe(
    audio: Audio,
    engine: str = DEFAULT_ENGINE,
    *,
    model: str | Path | None = None,
    language: str | None = None,
    initial_prompt: str | None = None,
    fallback: bool = False,
) -> Transcript:
    """Transcribe ``audio`` (any rate, mono or not) with ``engine``; word timings either way.

    ``model`` (whisper only) is a packaged model's name or a local CTranslate2 Whisper folder;
    ``language`` an ISO 639-1 code, ``None`` to identify it from the audio (whisper) or to assume
    English (sphinx, which knows nothing else and says so). ``initial_prompt`` primes Whisper with
    expected words (names, a script). With ``fallback``, when the packaged Whisper model cannot be
    loaded (its packages missing or damaged) English audio is transcribed by pocketsphinx instead
    and ``language_note`` says why.
    """
    name = engine_name(engine)
    if name == "whisper" and fallback and model is None and language in (None, "en"):
        from roughcut.speech import whisper

        try:
            whisper.load_model()
        except RoughcutError as exc:
            sphinx = transcribe(audio, "sphinx", language=language)
            note = f"Whisper unavailable ({exc}); pocketsphinx used instead, assuming English"
            return replace(sphinx, language_note=note)
    samples = _mono_16k(audio)
    duration_s = len(samples) / ANALYSIS_RATE
    if name == "sphinx":
        if model is not None:
            raise RoughcutError("--model is for the whisper engine; pocketsphinx has one English model")
        if language not in (None, "en"):
            raise RoughcutError(
                f"pocketsphinx only has a US English model; it cannot transcribe {language!r} "
                "(use the whisper engine)"
            )
        words = _pocketsphinx_words(samples)
        note = (
            "pocketsphinx cannot identify the spoken language (its only model is US English); "
            "the transcript assumes English"
        )
        text = " ".join(w.text for w in words)
        return Transcript(name, tuple(words), duration_s, None, note, _text_language(text), None, "en-us")
    from roughcut.speech import whisper

    heard = whisper.recognise(
        samples, ANALYSIS_RATE, language=language, model=model, initial_prompt=initial_prompt
    )
    words = tuple(
        TranscribedWord(
            w.text,
            round(w.start_s * ANALYSIS_RATE),
            max(round(w.end_s * ANALYSIS_RATE), round(w.start_s * ANALYSIS_RATE) + 1),
            ANALYSIS_RATE,
            round(w.probability, 3),
        )
        for w in heard.words
    )
    segments = tuple((s.start_s, s.end_s, s.text) for s in heard.segments)
    note = "given by the caller" if language else "identified from the audio by Whisper"
    text = " ".join(t for _, _, t in segments)
    return Transcript(
        name,
        words,
        duration_s,
        heard.language or None,
        note,
        _text_language(text),
        round(heard.language_probability, 3),
        heard.model,
        segments,
    )


def _mono_16k(audio: Audio) -> np.ndarray:
    from roughcut.speech.whisper import to_whisper_samples

    return to_whisper_samples(audio.samples, audio.sample_rate)


def _text_language(text: str) -> str | None:
    from roughcut.text.language import detect_language

    guess = detect_language(text)
    return guess.code if guess else None


def _pocketsphinx_words(samples: np.ndarray) -> list[TranscribedWord]:
    from roughcut.audio.vad import voice_activity
    from roughcut.speech import sphinx

    hop = sphinx.SAMPLE_RATE // sphinx.FRAME_RATE
    out: list[TranscribedWord] = []
    for seg in voice_activity(samples, ANALYSIS_RATE, pad_s=0.15, min_gap_s=0.5):
        offset = seg.start // hop * hop
        for w in sphinx.recognise(samples[offset : seg.end]):
            out.append(
                TranscribedWord(
                    w.word,
                    offset + w.start * hop,
                    offset + w.end * hop,
                    ANALYSIS_RATE,
                    None if w.prob is None else round(min(1.0, max(0.0, w.prob)), 3),
                )
            )
    return out


def spoken_language_support(engine: str) -> str:
    """Whether ``engine`` can tell which language is spoken, in one plain sentence."""
    if engine_name(engine) == "whisper":
        return "whisper identifies the spoken language itself"
    return (
        "pocketsphinx cannot identify the spoken language: it only has a US English model, "
        "so roughcut does not guess"
    )


# ----------------------------------------------------------------------------------- normalising

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORDINAL = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}
#: Spoken forms of common English abbreviations (after case folding, without the full stop).
_ABBREVIATIONS = {
    "mr": "mister",
    "mrs": "missus",
    "ms": "miss",
    "dr": "doctor",
    "st": "saint",
    "vs": "versus",
    "ok": "okay",
    "gonna": "going to",
    "wanna": "want to",
    "'em": "them",
    "em": "them",
}


def number_words(number: int) -> str:
    """An integer 0 ≤ n < 10¹² in English words (``1968`` → ``"one thousand nine hundred sixty eight"``)."""
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS[tens] + (f" {_ONES[ones]}" if ones else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {number_words(rest)}" if rest else "")
    for size, word in ((10**9, "billion"), (10**6, "million"), (1000, "thousand")):
        if number >= size:
            high, rest = divmod(number, size)
            return f"{number_words(high)} {word}" + (f" {number_words(rest)}" if rest else "")
    raise ValueError(number)  # pragma: no cover


def _ordinal_words(number: int) -> str:
    words = number_words(number).split()
    last = words[-1]
    if last in _ORDINAL:
        words[-1] = _ORDINAL[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def _spell_number(match: re.Match[str]) -> str:
    digits, suffix = match.group(1).replace(",", ""), (match.group(2) or "").lower()
    if len(digits) > 12:
        return " ".join(_ONES[int(d)] for d in digits)
    number = int(digits)
    if suffix in ("st", "nd", "rd", "th"):
        return f" {_ordinal_words(number)} "
    if suffix == "%":
        return f" {number_words(number)} percent "
    return f" {number_words(number)} "


def normalise_text(text: str, language: str = "en") -> str:
    """``text`` as lower-case words for scoring a transcript (word error rate).

    Case folded; accents removed; punctuation and hyphens become spaces (inner apostrophes kept).
    For English (``language="en"``) numbers in digits are spelled out (``10`` → ``ten``, ``3rd`` →
    ``third``, ``25%`` → ``twenty five percent``, ``1968`` → ``one thousand nine hundred sixty
    eight``) and a few abbreviations and spoken forms made standard (``Mr.`` → ``mister``,
    ``gonna`` → ``going to``, ``'em`` → ``them``); other languages keep their digits and words.
    Used for both the reference and the hypothesis, so the two are scored alike.
    """
    english = language == "en"
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    if english:
        text = re.sub(r"(\d[\d,]*\d|\d)(st|nd|rd|th|%)?", _spell_number, text)
    words = []
    for raw in re.split(r"[\s\-\u2013\u2014/]+", text):
        word = re.sub(r"[^a-z0-9']+", "", raw)
        if word.startswith("'") and word not in _ABBREVIATIONS:
            word = word.strip("'")
        word = word.rstrip("'")
        if word:
            words.append(_ABBREVIATIONS.get(word, word) if english else word)
    return " ".join(words)


def word_error_rate(reference: str, hypothesis: str, language: str = "en") -> float:
    """Word error rate of ``hypothesis`` against ``reference`` after :func:`normalise_text` in
    ``language``: (substitutions + deletions + insertions) / reference words."""
    from roughcut.speech.evaluation import word_error_rate as plain

    return plain(normalise_text(reference, language), normalise_text(hypothesis, language))
