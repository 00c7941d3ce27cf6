"""VADER sentiment and intensity."""

from __future__ import annotations

from roughcut.text.sentiment import sentiment, word_valence


def test_sign_and_range():
    good = sentiment("This is a wonderful, beautiful day.")
    bad = sentiment("This is a horrible, ugly day.")
    flat = sentiment("The train leaves at nine.")
    assert good.compound > 0.5 and bad.compound < -0.5 and flat.compound == 0.0
    for s in (good, bad, flat):
        assert abs(s.positive + s.neutral + s.negative - 1) < 0.01
        assert s.intensity == abs(s.compound)


def test_vader_rules_raise_intensity():
    plain = sentiment("I am angry").intensity
    assert sentiment("I am angry!!!").intensity > plain
    assert sentiment("I am ANGRY").intensity > plain
    assert sentiment("I am very angry").intensity > plain


def test_negation_flips():
    assert sentiment("I am happy").compound > 0 > sentiment("I am not happy").compound


def test_word_valence():
    assert word_valence("love") > 2 and word_valence("hate") < -2 and word_valence("telemetry") == 0
