"""Transcription of material without a script, with word timings.

Two engines behind one call:

* ``"pocketsphinx"`` (default, offline, US English): each speech segment is recognised with the
  general English language model shipped in the wheel.
* ``"whisper"`` (optional extra ``roughcut[whisper]``): faster-whisper loading a local CTranslate2
  model directory; it downloads a model only when the caller allows it. Whisper also tells which
  language is spoken; pocketsphinx cannot, and the transcript says so rather than guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from roughcut.errors import RoughcutError
from roughcut.media.audio import ANALYSIS_RATE, Audio
from roughcut.speech.span import SampleSpan

ENGINES = ("pocketsphinx", "whisper")
#: Model faster-whisper fetches when a download is allowed and no directory is given.
WHISPER_DEFAULT_MODEL = "small"


@dataclass(frozen=True)
class TranscribedWord(SampleSpan):
    """A recognised word: ``start``/``end`` in samples at ``sample_rate`` Hz, ``confidence`` 0-1."""

    text: str
    start: int
    end: int
    sample_rate: int
    confidence: float


@dataclass(frozen=True)
class Transcript:
    """Words in time order and what is known of the language.

    ``spoken_language`` is the ISO 639-1 code the engine heard (``None`` when the engine cannot
    identify spoken language; ``language_note`` then says so); ``text_language`` is lingua's reading
    of the transcript's text (``None`` when too short to tell).
    """

    engine: str
    words: tuple[TranscribedWord, ...]
    duration_s: float
    spoken_language: str | None = None
    language_note: str = ""
    text_language: str | None = None

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def transcribe(
    audio: Audio,
    engine: str = "pocketsphinx",
    model_dir: str | Path | None = None,
    allow_download: bool = False,
) -> Transcript:
    """Transcribe ``audio`` (any rate, mono or not) with ``engine``; word timings either way.

    ``model_dir`` is a local faster-whisper (CTranslate2) model folder; without one, whisper
    downloads :data:`WHISPER_DEFAULT_MODEL` only when ``allow_download`` is true.
    """
    from roughcut.speech.align import _analysis_samples

    samples = _analysis_samples(audio)
    if engine == "pocketsphinx":
        words = _pocketsphinx_words(samples)
        spoken, note = (
            None,
            "pocketsphinx cannot identify the spoken language (its only model is US English); "
            "the transcript assumes English",
        )
    elif engine == "whisper":
        words, spoken = _whisper_words(samples, model_dir, allow_download)
        note = ""
    else:
        raise RoughcutError(f"unknown transcription engine {engine!r}; choose one of {', '.join(ENGINES)}")
    text_language = _text_language(" ".join(w.text for w in words))
    return Transcript(engine, tuple(words), len(samples) / ANALYSIS_RATE, spoken, note, text_language)


def _text_language(text: str) -> str | None:
    from roughcut.text.language import detect_language

    guess = detect_language(text)
    return guess.code if guess else None


def _pocketsphinx_words(samples: np.ndarray) -> list[TranscribedWord]:
    from roughcut.speech import sphinx
    from roughcut.speech.vad import voice_activity

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
                    round(min(1.0, max(0.0, w.prob)), 3),
                )
            )
    return out


def load_whisper_model(model_dir: str | Path | None, allow_download: bool):  # type: ignore[no-untyped-def]
    """A faster-whisper ``WhisperModel`` from a local folder, or downloaded when allowed.

    Raises :class:`RoughcutError` with what to do when the package or the model is missing.
    """
    try:
        from faster_whisper import WhisperModel
    except ImportError as exc:
        raise RoughcutError(
            "the whisper engine needs faster-whisper: pip install 'roughcut[whisper]'"
        ) from exc
    if model_dir is not None:
        folder = Path(model_dir)
        if not (folder / "model.bin").is_file():
            raise RoughcutError(f"{folder}: not a faster-whisper model folder (no model.bin)")
        return WhisperModel(str(folder), device="cpu", compute_type="int8", local_files_only=True)
    if not allow_download:
        raise RoughcutError(
            "whisper needs a local model folder (--model-dir DIR); pass --allow-download to let "
            f"faster-whisper download the {WHISPER_DEFAULT_MODEL!r} model"
        )
    return WhisperModel(WHISPER_DEFAULT_MODEL, device="cpu", compute_type="int8")


def _whisper_words(
    samples: np.ndarray, model_dir: str | Path | None, allow_download: bool
) -> tuple[list[TranscribedWord], str | None]:
    model = load_whisper_model(model_dir, allow_download)
    segments, info = model.transcribe(samples, word_timestamps=True)
    out = []
    for segment in segments:
        for w in segment.words or ():
            out.append(
                TranscribedWord(
                    w.word.strip(),
                    round(w.start * ANALYSIS_RATE),
                    round(w.end * ANALYSIS_RATE),
                    ANALYSIS_RATE,
                    round(float(w.probability), 3),
                )
            )
    return out, getattr(info, "language", None)


def spoken_language_support(engine: str) -> str:
    """Whether ``engine`` can tell which language is spoken, in one plain sentence."""
    if engine == "whisper":
        return "whisper identifies the spoken language itself"
    return (
        "pocketsphinx cannot identify the spoken language: it only has a US English model, "
        "so roughcut does not guess"
    )
