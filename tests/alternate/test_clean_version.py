"""Clean versions on real speech with known word timings: planted words (real words of the MFA and
GRID references put on the user's list) are replaced, and nothing else is touched, sample by sample."""

from __future__ import annotations

import numpy as np
import pytest

from roughcut.alternate.clean_version import (
    FADE_S,
    clean_samples,
    find_hits,
    normalise,
    read_word_list,
    shipped_words,
)
from roughcut.alternate.matching import room_tone, room_tone_spans
from roughcut.errors import RoughcutError
from tests.alternate.references import references, slots

#: Words planted in each reference: the second and the last but one.
PLANTED = (1, -2)


def _rms_db(x: np.ndarray) -> float:
    return 10 * np.log10(np.mean(np.square(x, dtype=np.float64)) + 1e-12)


def test_shipped_list_and_users_own(tmp_path):
    listed = shipped_words()
    assert len(listed) > 500 and "damn" in listed and "hello" not in listed
    own = tmp_path / "words.txt"
    own.write_text("# our list\nFrobnicate\nbad  word  # a phrase\n\n", encoding="utf-8")
    assert read_word_list(own) == {"frobnicate", "bad word"}
    with pytest.raises(RoughcutError, match="words.txt"):
        read_word_list(tmp_path / "missing" / "words.txt")


def test_phrases_match_consecutive_words():
    from roughcut.alternate.adr import WordSlot

    words = [WordSlot(t, i, i + 1) for i, t in enumerate(["A", "bad", "Word,", "bad", "day"])]
    assert find_hits(words, {"bad word", "day"}) == [(1, 3), (4, 5)]


@pytest.mark.parametrize("method", ["bleep", "dip"])
def test_planted_words_replaced_nothing_else_touched(media_dir, method):
    """Every occurrence of each planted word is replaced over its whole reference span; every
    sample outside the spans and their fades is bit-identical to the original."""
    for name, samples, rate, timed in references(media_dir):
        words = slots(timed, rate)
        listed = {normalise(words[i].text) for i in PLANTED}
        pauses = room_tone_spans(samples, rate)
        pauses_db = _rms_db(np.concatenate([samples[a:b] for a, b in pauses]))
        tone = room_tone(samples, rate, len(samples), pauses) if method == "dip" else None
        out, done = clean_samples(samples, rate, words, listed, method=method, tone=tone)
        expected = [w for w in words if normalise(w.text) in listed]
        assert [(r.start, r.end) for r in done] == [(w.start, w.end) for w in expected], name
        untouched = np.ones(len(samples), bool)
        for r in done:
            fade = round(FADE_S * rate)
            assert r.start - fade <= r.touched_start and r.touched_end <= r.end + fade
            untouched[r.touched_start : r.touched_end] = False
            span = out[r.start : r.end]
            original = samples[r.start : r.end]
            if method == "bleep":  # the 1 kHz tone, not the word
                spectrum = np.abs(np.fft.rfft(span))
                peak_hz = np.argmax(spectrum) * rate / len(span)
                assert abs(peak_hz - 1000) < 2 * rate / len(span), (name, r.word)
                assert abs(np.corrcoef(span, original)[0, 1]) < 0.2, (name, r.word)
            else:  # down to the room tone: no louder than the take's pauses (by the VAD) + 3 dB
                assert _rms_db(span) < pauses_db + 3, (name, r.word)
        assert np.array_equal(out[untouched], samples[untouched]), name
