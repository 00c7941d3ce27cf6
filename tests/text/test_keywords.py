"""YAKE keywords."""

from __future__ import annotations

from roughcut.text.keywords import keywords


def test_content_words_not_stop_words():
    found = keywords("The launch window closes at dawn, so check the telemetry again.", top=10)
    phrases = [k.phrase.lower() for k in found]
    assert any("telemetry" in p for p in phrases) and any("launch window" in p for p in phrases)
    assert not {"the", "at", "so"} & set(phrases)
    assert [k.score for k in found] == sorted(k.score for k in found)


def test_top_and_max_words():
    found = keywords("Grace watches Nora check the telemetry screen in mission control.", top=3, max_words=1)
    assert 1 <= len(found) <= 3 and all(" " not in k.phrase for k in found)


def test_other_languages_and_empty():
    found = keywords("Der Kapitän verlässt das brennende Schiff als letzter.", language="de")
    assert any("Kapitän" in k.phrase or "Schiff" in k.phrase for k in found)
    assert not any(k.phrase.lower() in ("der", "das", "als") for k in found)
    assert keywords("   ") == ()
    assert keywords("Dobrý den, kapitáne.", language="cs")  # yake calls Czech "cz"
