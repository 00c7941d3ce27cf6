"""Per-line text analysis and scene arcs: on the demo, on real multilingual text, on known patterns."""

from __future__ import annotations

import pytest

from roughcut.demo import fountain_script
from roughcut.script import parse_fountain, parse_transcript
from roughcut.script.analysis import INTENSE, analyze_lines, emotional_arcs, scene_arc
from roughcut.text.emotion import EMOTIONS
from roughcut.text.sentiment import sentiment

#: Fewer languages than the default load faster; the lines below are among them.
LANGUAGES = ("en", "de", "es", "fr", "it", "pt", "nl")


@pytest.fixture(scope="module")
def demo():
    script = parse_fountain(fountain_script())
    return script, analyze_lines(script, languages=LANGUAGES)


def test_every_demo_line_is_analysed(demo):
    script, analyses = demo
    assert list(analyses) == [f"1.{i}" for i in range(1, 9)]
    for line in script.lines:
        a = analyses[line.id]
        assert a.compound == sentiment(line.text).compound
        assert a.intensity == pytest.approx(abs(a.compound))
        assert 0 <= a.intensity <= 1 and -1 <= a.compound <= 1
        assert a.emotion in EMOTIONS
        assert a.language == "en"
    assert analyses["1.5"].emotion == "sadness" and analyses["1.5"].emotion_cues == ("lose",)
    assert "telemetry" in analyses["1.1"].keywords
    assert any(k == "fly blind" for k in analyses["1.6"].keywords)


def test_demo_arc(demo):
    script, analyses = demo
    arc = emotional_arcs(script, analyses)["1"]
    assert arc.line_ids == tuple(analyses)
    assert arc.climax == "1.6"  # "we lose a lot more than a season": VADER -0.66
    assert analyses["1.6"].intense and analyses["1.6"].intensity >= INTENSE
    assert arc.valleys == ("1.6",) and arc.peaks == ("1.1",)
    assert arc.smoothed[0] == pytest.approx((arc.valence[0] + arc.valence[1]) / 2)


def test_language_of_real_multilingual_lines(media_dir):
    """Lines of real texts read in English, German and Spanish (LibriVox) → their language."""
    folder = media_dir / "speech" / "sonnets"
    expected = {}
    rows = []
    for code in ("en", "de", "es"):
        for row in (folder / f"sonnet001_{code}.txt").read_text(encoding="utf-8").splitlines():
            verse = row.split("|", 1)[-1].strip()
            if sum(ch.isalpha() for ch in verse) >= 25:
                rows.append(f"READER: {verse}")
                expected[len(rows)] = code
    script = parse_transcript("\n".join(rows))
    analyses = analyze_lines(script, languages=LANGUAGES)
    found = {line.index: analyses[line.id].language for line in script.lines}
    right = sum(found[i] == code for i, code in expected.items())
    assert len(expected) >= 30
    assert right / len(expected) >= 0.9, found


def test_short_line_takes_the_scripts_language():
    script = parse_transcript(
        "ANA: Je ne sais pas ce que tu veux dire par là, vraiment.\n"
        "BEN: Oui.\n"
        "ANA: Nous partirons demain matin avant le lever du soleil.\n"
    )
    analyses = analyze_lines(script, languages=LANGUAGES)
    assert analyses["1.2"].language == "fr" and analyses["1.2"].language_confidence == 0.0
    assert analyses["1.1"].language == "fr" and analyses["1.1"].language_confidence > 0.5


def test_arc_peaks_valleys_on_a_known_pattern():
    script = parse_transcript(
        "\n".join(
            [
                "A: It is a normal day.",
                "B: I love you, this is wonderful and beautiful!",
                "A: Yes, it is great, I am so happy.",
                "B: It is a normal day.",
                "A: I hate this, it is terrible, awful and disgusting.",
                "B: It is a normal day.",
            ]
        )
    )
    arc = emotional_arcs(script, analyze_lines(script, languages=LANGUAGES))["1"]
    assert arc.valence[1] > 0.8 and arc.valence[4] < -0.8
    assert arc.peaks == ("1.2",)
    assert arc.valleys == ("1.5",)
    assert arc.climax in ("1.2", "1.5")


def test_arc_of_a_scene_without_lines():
    arc = scene_arc("9", [], {})
    assert arc.line_ids == () and arc.climax == "" and arc.peaks == () and arc.mean_intensity == 0.0


def test_flat_scene_has_no_climax():
    script = parse_transcript("A: The train leaves at nine.\nB: Put the box on the table.\n")
    arc = emotional_arcs(script, analyze_lines(script, languages=LANGUAGES))["1"]
    assert arc.intensity == (0.0, 0.0) and arc.climax == "" and arc.peaks == arc.valleys == ()


def test_analysis_is_cached_by_dialogue(tmp_path, monkeypatch):
    from roughcut.script import analysis
    from roughcut.store import Store

    store = Store(tmp_path / "cache.sqlite")
    script = parse_fountain(fountain_script())
    first = analyze_lines(script, languages=LANGUAGES, store=store)

    def fail(*args, **kwargs):
        raise AssertionError("analysed again instead of using the cache")

    monkeypatch.setattr(analysis, "_analyze", fail)
    assert analyze_lines(script, languages=LANGUAGES, store=store) == first
    changed = parse_fountain(fountain_script().replace("Twice.", "Three times."))
    with pytest.raises(AssertionError, match="analysed again"):
        analyze_lines(changed, languages=LANGUAGES, store=store)
