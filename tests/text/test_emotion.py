"""The emotion rule on lines written for this test, each labelled with its intended emotion."""

from __future__ import annotations

import pytest

from roughcut.text.emotion import EMOTIONS, emotion

LABELLED = [
    ("We won! We actually won the cup!", "joy"),
    ("I'm so proud of you, this is wonderful.", "joy"),
    ("Thank you, I love it.", "joy"),
    ("I miss her every single day.", "sadness"),
    ("He's gone. He died last night.", "sadness"),
    ("I'm sorry, I failed you.", "sadness"),
    ("I hate you! Get out of my house!", "anger"),
    ("You lied to me, you stupid liar!", "anger"),
    ("How dare you touch my things?", "anger"),
    ("I'm scared. Something is out there in the dark.", "fear"),
    ("Run! Hide, they're coming!", "fear"),
    ("Please be careful, it's dangerous.", "fear"),
    ("Wow, I did not expect that at all.", "surprise"),
    ("What? Seriously? You're here?", "surprise"),
    ("That smell is disgusting, it's rotten.", "disgust"),
    ("Ugh, this is gross.", "disgust"),
    ("The train leaves at nine.", "neutral"),
    ("Put the box on the table.", "neutral"),
    ("Is the report finished?", "neutral"),
]


def test_accuracy_on_labelled_lines():
    right = [emotion(text).category == label for text, label in LABELLED]
    assert sum(right) / len(right) >= 0.85, [t for (t, _), ok in zip(LABELLED, right, strict=True) if not ok]


@pytest.mark.parametrize(("text", "expected"), [(t, e) for t, e in LABELLED[:3]])
def test_cues_are_reported(text, expected):
    guess = emotion(text)
    assert guess.category == expected and guess.basis == "cues" and guess.cues


def test_negated_cue_is_skipped():
    assert emotion("I am happy.").category == "joy"
    assert emotion("I am not happy.").cues == ()
    assert emotion("I am not happy.").category != "joy"


def test_valence_fallback_and_arousal():
    assert emotion("This is terrible and awful news.", compound=-0.8).category in ("sadness", "disgust")
    assert emotion("Terrible. TERRIBLE.", compound=-0.8).category == "anger"
    assert emotion("The van is blue.", compound=-0.8).category == "sadness"
    assert emotion("The van is blue.", compound=0.8).category == "joy"
    assert emotion("The van is blue.").category == "neutral"
    assert emotion("You did what?!").category == "surprise"
    assert all(emotion(t).category in EMOTIONS for t, _ in LABELLED)
