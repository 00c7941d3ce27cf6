"""pocketsphinx 5 (CMU Sphinx) behind three calls: word lookup, forced alignment, recognition.

Audio in is 16 kHz mono float32; times out are integer sphinx frames at :data:`FRAME_RATE` frames per
second (frame ``i`` covers ``[i, i + 1) / FRAME_RATE`` seconds). The US English acoustic model, its
pronunciation dictionary and its general language model ship in the pocketsphinx wheel.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import tempfile
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, lru_cache

import numpy as np

from roughcut.errors import RoughcutError

#: Sample rate (Hz) of the acoustic model.
SAMPLE_RATE = 16_000
#: Sphinx analysis frames per second.
FRAME_RATE = 100
#: Beams wide enough for forced alignment of long texts without losing the path.
ALIGN_BEAMS = {"beam": 1e-100, "wbeam": 1e-80, "pbeam": 1e-100}
#: Languages the shipped acoustic model can align or recognise (ISO 639-1).
SUPPORTED_LANGUAGES = ("en",)

#: Audio (16 kHz samples) that sets the feature state before each utterance.
WARM_SAMPLES = SAMPLE_RATE
#: pocketsphinx's default probability of a silence between two words.
DEFAULT_SILPROB = 0.005

_FILLERS = frozenset({"<s>", "</s>", "<sil>", "[NOISE]", "[SPEECH]", "[BREATH]", "[COUGH]", "[LAUGH]"})
_lock = threading.Lock()


@dataclass(frozen=True)
class SphinxWord:
    """A word as sphinx reports it: dictionary ``word``, first and last-plus-one ``start``/``end``
    frames, acoustic score per frame (log base 1.0001, higher is better) and ``prob``, the word's
    posterior probability (0-1) in the recognition lattice, ``None`` where no lattice was searched
    (forced alignment, script-biased recognition): then its confidence is unknown."""

    word: str
    start: int
    end: int
    ascore_per_frame: float
    prob: float | None = None

    def seconds(self) -> tuple[float, float]:
        return self.start / FRAME_RATE, self.end / FRAME_RATE


def to_pcm16(samples: np.ndarray) -> bytes:
    """float32 samples in [-1, 1] → little-endian 16-bit PCM bytes."""
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


@cache
def _decoder(kind: str, silprob: float = DEFAULT_SILPROB):  # type: ignore[no-untyped-def]
    """A process-wide decoder per ``kind`` ("align" or "recognise") and silence insertion probability;
    calls are serialised by a lock. ``bestpath`` is off: the lattice rescoring it adds reorders
    alignment segments."""
    try:
        from pocketsphinx import Decoder
    except ImportError as exc:  # pragma: no cover - a hard dependency
        raise RoughcutError("pocketsphinx is not installed; `pip install pocketsphinx`") from exc
    if kind == "align":
        return Decoder(lm=None, loglevel="FATAL", bestpath=False, silprob=silprob, **ALIGN_BEAMS)
    return Decoder(loglevel="FATAL", silprob=silprob)


def normalise_word(token: str) -> str:
    """A written word as the dictionary spells it: lower case, accents and outer punctuation removed,
    inner apostrophes kept (``"Feed'st,"`` → ``"feed'st"``)."""
    text = unicodedata.normalize("NFKD", token)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[^a-z0-9']+", "", text)
    return text.strip("'")


@cache
def pronounceable(word: str) -> bool:
    """Whether ``word`` (normalised) can be aligned: it is in the pronunciation dictionary, or
    espeak-ng gives a pronunciation that is then added to it (names, invented words, numbers)."""
    if not word:
        return False
    with _lock:
        decoder = _decoder("align")
        if decoder.lookup_word(word) is not None:
            return True
    from roughcut.speech.pronounce import guess_pronunciation

    phones = guess_pronunciation(word)
    if phones is None:
        return False
    _added[word] = phones
    return True


#: Words added to the dictionary (word → ARPAbet phones), given to every decoder that aligns them.
_added: dict[str, str] = {}


def _ensure_words(decoder, words: Sequence[str]) -> None:  # type: ignore[no-untyped-def]
    for word in words:
        if word in _added and decoder.lookup_word(word) is None:
            decoder.add_word(word, _added[word], False)


def _reset_normalisation(decoder, pcm: bytes) -> None:  # type: ignore[no-untyped-def]
    """Start every utterance from feature state (noise estimate) learnt on the first
    ``WARM_SAMPLES`` of its own audio, so that a result depends on its audio alone, not on what the
    process decoded before."""
    decoder.reinit_feat()
    decoder.start_utt()
    decoder.process_raw(pcm[: 2 * WARM_SAMPLES], no_search=True, full_utt=True)
    decoder.end_utt()


def _segments(decoder, offset: int = 0, *, posterior: bool = False) -> list[SphinxWord]:  # type: ignore[no-untyped-def]
    """The decoder's segments; with ``posterior``, each word's lattice posterior (pocketsphinx's
    ``Segment.prob`` is already a linear probability, 0-1) as ``prob``, else ``None``."""
    out = []
    for seg in decoder.seg() or ():
        frames = max(1, seg.end_frame + 1 - seg.start_frame)
        out.append(
            SphinxWord(
                word=seg.word,
                start=seg.start_frame + offset,
                end=seg.end_frame + 1 + offset,
                ascore_per_frame=seg.ascore / frames,
                prob=min(1.0, max(0.0, float(seg.prob))) if posterior else None,
            )
        )
    return out


def _decode(decoder, samples: np.ndarray, *, posterior: bool = False) -> list:
    """Run ``decoder`` over 16 kHz ``samples`` as one utterance; its segments without fillers
    (``posterior``: with each word's lattice posterior, for a decoder that searches a lattice)."""
    pcm = to_pcm16(samples)
    _reset_normalisation(decoder, pcm)
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()
    return [w for w in _segments(decoder, posterior=posterior) if w.word not in _FILLERS]


def force_align(
    samples: np.ndarray, words: Sequence[str], *, silprob: float = DEFAULT_SILPROB
) -> list[SphinxWord]:
    """Forced alignment of ``words`` (dictionary words, in order) over 16 kHz ``samples``.

    Returns one :class:`SphinxWord` per word aligned, in order, silences and fillers left out. When
    sphinx cannot reach the end of the text (the audio stops before the words do) the result is the
    prefix it did align, possibly empty. ``silprob`` is the probability of an optional silence
    between two words: higher values let short pauses separate words instead of lengthening them.
    """
    if not words:
        return []
    with _lock:
        decoder = _decoder("align", silprob)
        _ensure_words(decoder, words)
        decoder.set_align_text(" ".join(words))
        found = _decode(decoder, samples)
    out = []
    for word, seg in zip(words, found, strict=False):
        if _strip_variant(seg.word) != word:
            break
        out.append(SphinxWord(word, seg.start, seg.end, seg.ascore_per_frame, seg.prob))
    return out


def recognise(samples: np.ndarray, *, lm_text: str | None = None) -> list[SphinxWord]:
    """Recognise 16 kHz ``samples``: words with their frames, fillers and silences left out.

    ``lm_text`` (one sentence per line, dictionary words) replaces the general English language
    model by a small trigram model built from it, with a dictionary of just its words: recognition
    is then biased strongly towards those sentences (the lenient first pass of script alignment).
    Each word's ``prob`` is its lattice posterior with the general model, ``None`` with ``lm_text``
    (that decoder searches no lattice).
    """
    with _lock:
        decoder = _decoder("recognise") if lm_text is None else _script_decoder(lm_text)
        found = _decode(decoder, samples, posterior=lm_text is None)
    return [
        SphinxWord(_strip_variant(w.word), w.start, w.end, w.ascore_per_frame, w.prob)
        for w in found
        if not w.word.startswith("[")
    ]


@lru_cache(maxsize=4)
def _script_decoder(lm_text: str):  # type: ignore[no-untyped-def]
    """A decoder whose language model and dictionary hold only the words of ``lm_text``.

    Loading a small model into the general decoder costs seconds (the search is rebuilt over the
    whole dictionary); a decoder of its own starts in milliseconds. No lattice rescoring:
    this pass only has to find lines, and the exact times come from forced alignment.
    """
    from pocketsphinx import Decoder

    lookup = _decoder("align")
    _ensure_words(lookup, lm_text.split())
    words = sorted({w for w in lm_text.split() if lookup.lookup_word(w)})
    with _temporary_file(".dict") as handle:
        for word in words:
            handle.write(f"{word} {lookup.lookup_word(word)}\n")
    return Decoder(lm=_lm_file(lm_text), dict=handle.name, loglevel="FATAL", bestpath=False)


def _strip_variant(word: str) -> str:
    """``"read(2)"`` → ``"read"``."""
    return word.split("(", 1)[0]


@cache
def _lm_file(text: str) -> str:
    """Build an ARPA trigram model from ``text`` with pocketsphinx's own builder; returns its path."""
    from io import StringIO

    from pocketsphinx.lm import ArpaBoLM

    model = ArpaBoLM(text=text, add_start=True, case="lower")
    model.compute()
    out = StringIO()
    model.write(out)
    with _temporary_file(".lm") as handle:
        handle.write(out.getvalue())
    return handle.name


_temporary: list[str] = []


def _temporary_file(suffix: str):  # type: ignore[no-untyped-def]
    """A named temporary file for pocketsphinx to read (it takes paths), removed when Python exits."""
    handle = tempfile.NamedTemporaryFile("w", suffix=suffix, delete=False, prefix="roughcut-")  # noqa: SIM115
    if not _temporary:
        atexit.register(_remove_temporary)
    _temporary.append(handle.name)
    return handle


def _remove_temporary() -> None:
    for name in _temporary:
        with contextlib.suppress(OSError):
            os.unlink(name)


def frames_to_seconds(frames: int) -> Fraction:
    """Sphinx frames → exact seconds."""
    return Fraction(frames, FRAME_RATE)
