"""Line finding on real readings: the English sonnet (each verse line a line), two speakers'
spontaneous utterances with a TextGrid reference, and readings in languages without a model."""

from __future__ import annotations

import numpy as np

from roughcut.media import read_audio
from roughcut.script.model import DialogueLine
from roughcut.speech.align import align_script_to_take
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


def test_two_speakers_utterances_match_their_reference(media_dir):
    folder = media_dir / "speech" / "mfa"
    utterances = []
    for tier in ("michael", "sickmichael"):
        utterances += read_textgrid(folder / "michaelandsickmichael.TextGrid", tier)
    utterances.sort(key=lambda u: u.start_s)
    lines = _lines([u.text for u in utterances])
    alignment = align_script_to_take(lines, read_audio(folder / "michaelandsickmichael.wav"))
    assert len(alignment.lines) >= 6 and len(alignment.missing) <= 1
    errors = []
    for line, reference in zip(lines, utterances, strict=True):
        for found in alignment.performances(line.id):
            errors += [abs(found.start_s - reference.start_s), abs(found.end_s - reference.end_s)]
    assert np.median(errors) < 0.3


def test_readings_in_german_and_spanish_are_refused_plainly(media_dir):
    folder = media_dir / "speech" / "sonnets"
    for code, name in (("de", "German"), ("es", "Spanish")):
        text = [row.split("|", 1)[-1] for row in (folder / f"sonnet001_{code}.txt").read_text().splitlines()]
        alignment = align_script_to_take(
            _lines([t for t in text if t.strip()]), read_audio(folder / f"sonnet001_{code}.mp3")
        )
        assert alignment.lines == () and name in alignment.problem
