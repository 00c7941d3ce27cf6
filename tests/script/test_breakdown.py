"""Breakdown figures, checked by hand on ``data/breakdown_sample.fountain``.

Hand count (one blank line before each block; cue, parenthetical and dialogue one line each here):
scene 1: heading 1+1, action 1+1, ANA 1+1+1, BEN 1+1+1+1 = 11 lines → 11*8/55 = 1.6 → 2/8.
scene 2: heading 2, section 0, two 10-line actions 11+11, eight one-word speeches 8*3 = 24, note 0,
CAL's 21 words of "word" at 7 a 35-character line = 3 lines → 5, CUT TO: 2, ANA (whispering) 4
= 59 lines → 8.58 → 9/8 = 1 1/8. Whole script 70 lines = 1.27 pages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roughcut.demo import fountain_script
from roughcut.errors import RoughcutError
from roughcut.script import parse_fountain, read_script
from roughcut.script.breakdown import breakdown, eighths, format_eighths, wrapped_lines
from roughcut.script.output import MANIFEST, breakdown_json, cast_csv, scenes_csv, write_outputs

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def sample():
    return breakdown(read_script(DATA / "breakdown_sample.fountain"))


def test_scene_lengths_by_hand(sample):
    one, two = sample.scenes
    assert (one.layout_lines, one.eighths, one.length) == (11, 2, "2/8")
    assert (two.layout_lines, two.eighths, two.length) == (59, 9, "1 1/8")
    assert sample.layout_lines == 70
    assert sample.pages == pytest.approx(70 / 55)


def test_scene_parts_characters_and_words(sample):
    one, two = sample.scenes
    assert (one.int_ext, one.location, one.time_of_day) == ("INT", "KITCHEN", "DAY")
    assert (two.int_ext, two.location, two.time_of_day) == ("EXT", "GARDEN", "NIGHT")
    assert one.characters == ("ANA", "BEN") and two.characters == ("ANA", "BEN", "CAL")
    assert (one.dialogue_lines, one.words, two.dialogue_lines, two.words) == (2, 4, 10, 30)


def test_screen_time_estimates(sample):
    one, two = sample.scenes
    assert (one.page_seconds, two.page_seconds) == (15.0, 67.5)  # 7.5 s an eighth
    assert (one.dialogue_seconds, two.dialogue_seconds) == pytest.approx((1.6, 12.0))  # 150 words/min


def test_cast_ordered_by_size(sample):
    assert [(m.character, m.lines, m.words, m.scenes) for m in sample.cast] == [
        ("ANA", 6, 6, ("1", "2")),
        ("BEN", 5, 7, ("1", "2")),
        ("CAL", 1, 21, ("2",)),
    ]


def test_eighths_rounding_and_format():
    assert [eighths(n) for n in (0, 1, 3, 4, 55, 58, 59, 110)] == [0, 1, 1, 1, 8, 8, 9, 16]
    assert [format_eighths(n) for n in (1, 8, 11, 16)] == ["1/8", "1", "1 3/8", "2"]
    assert wrapped_lines("word " * 20, 35) == 3
    assert wrapped_lines("a\n\nb", 61) == 3


def test_outputs_json_and_csv(sample, tmp_path):
    paths = write_outputs(
        tmp_path,
        {
            "s_breakdown.json": breakdown_json(sample),
            "s_scenes.csv": scenes_csv(sample),
            "s_cast.csv": cast_csv(sample),
        },
    )
    assert [p.name for p in paths] == ["s_breakdown.json", "s_scenes.csv", "s_cast.csv"]
    document = json.loads(paths[0].read_text())
    assert document["totals"]["eighths"] == 11 and document["scenes"][1]["length"] == "1 1/8"
    assert paths[1].read_text().splitlines()[2].startswith("2,EXT,GARDEN,NIGHT,1 1/8,9,ANA BEN CAL,10,30,")
    assert paths[2].read_text().splitlines()[1:] == ["ANA,6,6,1 2,2.4", "BEN,5,7,1 2,2.8", "CAL,1,21,2,8.4"]
    # a second run may replace its own files
    write_outputs(tmp_path, {"s_cast.csv": "again\n"})
    assert (tmp_path / "s_cast.csv").read_text() == "again\n"
    assert "s_cast.csv" in (tmp_path / MANIFEST).read_text().split()


def test_never_writes_over_a_users_file(tmp_path):
    mine = tmp_path / "notes_breakdown.json"
    mine.write_text("my own notes")
    with pytest.raises(RoughcutError, match="not made by roughcut"):
        write_outputs(tmp_path, {"other.csv": "x\n", "notes_breakdown.json": "{}"})
    assert mine.read_text() == "my own notes"
    assert not (tmp_path / "other.csv").exists()  # nothing written when one file is refused


def test_demo_breakdown():
    result = breakdown(parse_fountain(fountain_script()))
    (scene,) = result.scenes
    assert (scene.int_ext, scene.location, scene.time_of_day) == ("INT", "MISSION CONTROL", "NIGHT")
    assert [(m.character, m.lines) for m in result.cast] == [("GRACE", 4), ("NORA", 4)]
    assert scene.words == sum(len(text.split()) for _, _, text in __import__("roughcut.demo").demo.LINES)


def test_dialogue_estimate_against_real_recordings(media_dir):
    """The 150 words-a-minute estimate against real speech with exact transcripts: read speech
    (LibriVox, JFK, MFA) and film dialogue with pauses and music (Night of the Living Dead)."""
    import soundfile as sf

    from roughcut.script.breakdown import WORDS_PER_MINUTE

    speech = media_dir / "speech"
    pairs = [(w, w.with_suffix(".txt")) for w in sorted((speech / "librivox").glob("*.wav"))]
    pairs += [(speech / "jfk.flac", speech / "jfk.txt")]
    pairs += [(w, w.with_suffix(".lab")) for w in sorted((speech / "mfa").glob("*.wav"))]
    pairs += [(w, w.with_suffix(".txt")) for w in sorted((speech / "notld").glob("*.wav"))]
    pairs = [(audio, text) for audio, text in pairs if text.is_file()]
    assert len(pairs) >= 20
    words = sum(len(text.read_text().split()) for _, text in pairs)
    seconds = sum(sf.info(str(audio)).duration for audio, _ in pairs)
    estimate = words * 60 / WORDS_PER_MINUTE
    assert abs(estimate - seconds) / seconds < 0.2, (estimate, seconds)
