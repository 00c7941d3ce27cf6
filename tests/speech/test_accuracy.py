"""Word boundaries against reference alignments made by people and by MFA (real recordings)."""

from __future__ import annotations

import numpy as np
import pytest

from roughcut.media import read_audio
from roughcut.speech.evaluation import TimedWord, boundary_errors, read_grid_align, read_textgrid
from roughcut.speech.wordalign import align_words


def _timed(tokens) -> list[TimedWord]:  # type: ignore[no-untyped-def]
    return [TimedWord(t.text, t.start / 16000, t.end / 16000) for t in tokens]


def test_grid_word_boundaries(media_dir):
    audio = read_audio(media_dir / "grid" / "id2_vcd_swwp2s.mpg")
    reference = read_grid_align(media_dir / "grid" / "swwp2s.align")
    stats = boundary_errors(reference, _timed(align_words(audio.samples, [w.text for w in reference])))
    assert stats.words_matched == len(reference) == 6
    assert stats.mean_s < 0.04 and stats.within(0.1) == 1.0


@pytest.mark.parametrize(("name", "max_mean", "min_within_100"), [("acoustic_corpus", 0.035, 0.92)])
def test_mfa_word_boundaries(media_dir, name, max_mean, min_within_100):
    """Spontaneous speech with fillers and a word the dictionary lacks (``yknow``)."""
    folder = media_dir / "speech" / "mfa"
    reference = [w for w in read_textgrid(folder / f"{name}.TextGrid") if not w.text.startswith(("<", "["))]
    audio = read_audio(folder / f"{name}.wav")
    tokens = align_words(audio.samples, [w.text for w in reference])
    assert [t.text for t in tokens] == [w.text for w in reference]
    assert all(t.aligned for t in tokens)  # "yknow" pronounced by espeak-ng's rules
    stats = boundary_errors(reference, _timed(tokens))
    assert stats.words_matched == len(reference)
    assert stats.mean_s < max_mean, stats.summary()
    assert stats.within(0.1) >= min_within_100, stats.summary()


def test_words_outside_the_dictionary_are_pronounced_or_given_time_between_neighbours():
    from roughcut.speech.pronounce import guess_pronunciation
    from tests.speech.conftest import speak

    assert guess_pronunciation("zorblax") == "Z AO R B L AE K S"
    audio = speak("The zorblax telemetry came back clean.")
    words = ["The", "zorblax", "telemetry", "came", "back", "clean", "@@"]
    tokens = align_words(audio.samples, words)
    assert [t.aligned for t in tokens] == [True] * 6 + [False]
    starts = np.array([t.start for t in tokens])
    assert np.all(np.diff(starts[:6]) > 0)
    assert tokens[0].end <= tokens[1].start < tokens[1].end <= tokens[2].start
    assert tokens[5].end <= tokens[6].start < tokens[6].end <= audio.samples.size  # "@@": after "clean"
