"""Line finding on real readings: the English sonnet (each verse line a line), two speakers'
spontaneous utterances with a TextGrid reference, and the German and Spanish readings.

Tuning and reporting: the constants of ``speech/align.py`` that widen a line's stretch of audio to
Silero's speech runs (``MIN_SPEECH_PROBABILITY``, ``RUN_BRIDGE_S``, ``MAX_WIDEN_S``) and the
unheard-line pass were chosen on ``michaelandsickmichael`` (the one two-speaker reference); the
sonnets, the demo scene (``test_align.py``) and the word references (``test_accuracy.py``) were not
looked at while choosing them.
"""

from __future__ import annotations

import numpy as np
import pytest

from roughcut.media import read_audio
from roughcut.script.model import DialogueLine
from roughcut.speech.align import CONFIDENT, align_script_to_take
from roughcut.speech.evaluation import read_textgrid


def _lines(texts: list[str], who: str = "READER") -> list[DialogueLine]:
    return [DialogueLine(f"1.{i}", "1", i, who, text) for i, text in enumerate(texts, 1)]


def test_every_verse_line_of_the_sonnet_is_found_in_order(media_dir):
    folder = media_dir / "speech" / "sonnets"
    verse = [v for v in (folder / "sonnet001_en.plain.txt").read_text().splitlines() if v.strip()]
    verse = [v for v in verse if len(v.split()) > 1]  # the title line "1" is not read as a line
    alignment = align_script_to_take(_lines(verse), read_audio(folder / "sonnet001_en.mp3"))
    assert [a.line_id for a in alignment.lines] == [f"1.{i}" for i in range(1, 15)]
    starts = [a.start_s for a in alignment.lines]
    ends = [a.end_s for a in alignment.lines]
    assert all(e <= s for e, s in zip(ends, starts[1:], strict=False))  # lines do not overlap
    assert starts[0] > 0 and ends[-1] <= alignment.duration_s
    assert np.mean([a.confidence for a in alignment.lines]) > 0.5


@pytest.fixture(scope="module")
def two_speakers(media_dir):  # type: ignore[no-untyped-def]
    """``michaelandsickmichael`` (stereo, one speaker a channel), its seven utterances as lines."""
    from roughcut.speech import whisper

    folder = media_dir / "speech" / "mfa"
    utterances = []
    for tier in ("michael", "sickmichael"):
        utterances += read_textgrid(folder / "michaelandsickmichael.TextGrid", tier)
    utterances.sort(key=lambda u: u.start_s)
    audio = read_audio(folder / "michaelandsickmichael.wav")
    recognition = whisper.recognise(audio.samples, audio.sample_rate, language="en", beam_size=1)
    return _lines([u.text for u in utterances]), utterances, audio, recognition


def _line_errors(alignment, lines, utterances) -> list[float]:  # type: ignore[no-untyped-def]
    errors = []
    for line, reference in zip(lines, utterances, strict=True):
        for found in alignment.performances(line.id):
            errors += [abs(found.start_s - reference.start_s), abs(found.end_s - reference.end_s)]
    return errors


def test_two_speakers_every_utterance_found_within_100ms_median(two_speakers):
    """Measured: 7/7 lines (the lone "uh" line too, found in the speech between its neighbours),
    median boundary error 17 ms, 12 of 14 boundaries within 100 ms; the sick speaker's first "uh"
    is too faint for Silero and unheard by Whisper, so that line starts 1.7 s late."""
    lines, utterances, audio, recognition = two_speakers
    alignment = align_script_to_take(lines, audio, recognition=recognition)
    assert alignment.missing == () and len(alignment.lines) == len(lines) == 7
    errors = _line_errors(alignment, lines, utterances)
    assert np.median(errors) <= 0.1, errors
    assert np.mean(np.asarray(errors) <= 0.1) >= 0.75, errors
    # Calibration: every line marked confident is right to 250 ms at both ends, and the one line
    # that is not (1.4: its first "uh" placed 1.7 s late) is not marked confident.
    wrong = []
    for line, reference in zip(lines, utterances, strict=True):
        (found,) = alignment.performances(line.id)
        worst = max(abs(found.start_s - reference.start_s), abs(found.end_s - reference.end_s))
        if worst > 0.25:
            wrong.append(line.id)
            assert found.confidence < CONFIDENT, (line.id, worst, found.confidence)
    assert wrong == ["1.4"]
    uh = next(a for a in alignment.lines if a.text == "uh")
    assert uh.confidence < CONFIDENT and not uh.words[0].matched


def test_whisper_timing_on_the_two_speakers_bounds_what_other_languages_get(two_speakers):
    """German and Spanish lines are timed by Whisper's words, their edges moved to the edges of
    Silero's runs of speech; the same timing on this English reference shows what that is worth.
    Measured: 6 of 7 lines (the unheard "uh" needs forced alignment), median boundary error 84 ms,
    mean 206 ms, against 17 ms and 139 ms with forced alignment. (On the MFA word references cut
    into 16 lines at their pauses, not used to choose it: median 102 ms, half within 100 ms.)"""
    lines, utterances, audio, recognition = two_speakers
    alignment = align_script_to_take(lines, audio, recognition=recognition, timing="whisper")
    assert len(alignment.missing) <= 1
    errors = _line_errors(alignment, lines, utterances)
    assert np.median(errors) <= 0.15 and np.mean(errors) <= 0.3, errors


@pytest.mark.parametrize("code", ["de", "es"])
def test_german_and_spanish_readings_are_aligned_in_order(media_dir, code):
    """Every text line of the German and Spanish readings is found, in order, without overlaps;
    each line's edges sit on Silero's speech edges or within Whisper's word times."""
    folder = media_dir / "speech" / "sonnets"
    text = [row.split("|", 1)[-1] for row in (folder / f"sonnet001_{code}.txt").read_text().splitlines()]
    lines = _lines([t for t in text if t.strip()])
    alignment = align_script_to_take(lines, read_audio(folder / f"sonnet001_{code}.mp3"))
    assert alignment.problem == ""
    found = [a.line_id for a in alignment.lines]
    assert len(found) >= 0.9 * len(lines)
    assert found == sorted(found, key=lambda i: int(i.split(".")[1]))
    for before, after in zip(alignment.lines, alignment.lines[1:], strict=False):
        assert before.end <= after.start
    assert np.mean([a.confidence for a in alignment.lines]) > 0.6


def test_a_language_without_a_model_is_refused_naming_it(media_dir):
    folder = media_dir / "speech" / "sonnets"
    text = [row.split("|", 1)[-1] for row in (folder / "sonnet001_de.txt").read_text().splitlines()]
    audio = read_audio(folder / "sonnet001_de.mp3")
    alignment = align_script_to_take(_lines([t for t in text if t.strip()]), audio, anchor="sphinx")
    assert alignment.lines == () and "German" in alignment.problem and "en" in alignment.problem
