"""Prosody: real speech with a reference alignment (MFA's acoustic_corpus, which says where it talks
fast and where slow and quieter), and the demo scene's takes (known voices and speaking rates)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from roughcut.audio.prosody import emotional_tone, line_prosody, speaker_baseline, with_baseline
from roughcut.media import read_audio

RATE = 16000
#: acoustic_corpus.TextGrid: "i'm talking pretty fast here ... who cares" and "this is me talking
#: really slow and slightly lower in intensity".
FAST = (2.49, 7.54)
SLOW = (8.6, 13.9)


def _textgrid_words(path: Path) -> list[tuple[float, float, str]]:
    """The "words" tier of a long-format Praat TextGrid: (start s, end s, text); "" is silence."""
    lines = [line.strip() for line in path.read_text().splitlines()]
    tier = lines.index('"words"')
    count = int(lines[tier + 3])
    rows = lines[tier + 4 : tier + 4 + 3 * count]
    return [(float(rows[3 * k]), float(rows[3 * k + 1]), rows[3 * k + 2].strip('"')) for k in range(count)]


@pytest.fixture(scope="module")
def corpus(media_dir: Path) -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    folder = media_dir / "speech" / "mfa"
    audio = read_audio(folder / "acoustic_corpus.wav", sample_rate=RATE)
    return audio.samples, _textgrid_words(folder / "acoustic_corpus.TextGrid")


def _span(words: list[tuple[float, float, str]], span: tuple[float, float]) -> list[tuple[float, float]]:
    return [(s, e) for s, e, text in words if text and s >= span[0] - 1e-6 and e <= span[1] + 1e-6]


def test_pauses_and_rate_from_the_alignment(corpus) -> None:
    samples, words = corpus
    line = line_prosody(samples, RATE, *SLOW, _span(words, SLOW))
    gaps = [(s, e) for s, e, text in words if not text and SLOW[0] < s and e < SLOW[1]]
    assert [(p.start_s, p.end_s) for p in line.pauses] == gaps
    spoken = SLOW[1] - SLOW[0] - sum(e - s for s, e in gaps)
    assert line.rate_unit == "words/s"
    assert line.speaking_rate == pytest.approx(len(_span(words, SLOW)) / spoken)


def test_pauses_without_words_match_the_reference_silences(corpus) -> None:
    samples, words = corpus
    span = (14.87, 22.33)
    line = line_prosody(samples, RATE, *span)
    silences = [(s, e) for s, e, text in words if not text and span[0] < s and e < span[1] and e - s >= 0.3]
    assert silences
    for s, e in silences:  # each real silence of 0.3 s or more is found, starting within 100 ms
        assert any(abs(p.start_s - s) <= 0.1 and p.end_s <= e + 0.1 for p in line.pauses), (s, e)
    assert line.pause_s < 0.6 * (span[1] - span[0])


@pytest.mark.parametrize("use_words", [True, False])
def test_fast_and_loud_speech_reads_as_more_aroused(corpus, use_words: bool) -> None:
    samples, words = corpus
    fast = line_prosody(samples, RATE, *FAST, _span(words, FAST) if use_words else None)
    slow = line_prosody(samples, RATE, *SLOW, _span(words, SLOW) if use_words else None)
    assert fast.speaking_rate > 1.4 * slow.speaking_rate
    assert fast.energy_db > slow.energy_db  # "slightly lower in intensity"
    assert fast.arousal > slow.arousal
    assert 0.0 <= slow.arousal <= 1.0 and 0.0 <= fast.arousal <= 1.0
    assert 80 < slow.pitch_mean_hz < 200  # an adult male voice


@pytest.fixture(scope="module")
def demo_takes(demo_project: Path) -> dict[str, tuple[np.ndarray, dict]]:
    truth = json.loads((demo_project / "truth.json").read_text())
    return {
        take["file"]: (read_audio(demo_project / take["file"], sample_rate=RATE).samples, take)
        for take in truth["takes"]
        if take["file"] in ("takes/B01_nora_cu.mp4", "takes/B02_nora_cu_fast.mp4")
    }


def test_demo_voices_and_rates(demo_takes) -> None:
    measured = {}
    for name, (samples, take) in demo_takes.items():
        for line in take["lines"]:
            measured[name, line["id"]] = (
                line["character"],
                line_prosody(samples, RATE, line["start"], line["end"], line["words"]),
            )
    nora = [p.pitch_mean_hz for c, p in measured.values() if c == "NORA"]
    grace = [p.pitch_mean_hz for c, p in measured.values() if c == "GRACE"]
    assert min(nora) > max(grace)  # espeak pitch 62 against 32
    normal, fast = "takes/B01_nora_cu.mp4", "takes/B02_nora_cu_fast.mp4"
    ids = [line["id"] for line in demo_takes[normal][1]["lines"]]
    for line_id in ids:  # the fast take is read at about 1.3x the words per minute
        assert measured[fast, line_id][1].speaking_rate > 1.15 * measured[normal, line_id][1].speaking_rate
    nora_lines = [p for (take, _), (c, p) in measured.items() if take == normal and c == "NORA"]
    baseline = speaker_baseline(nora_lines)
    against = [
        line_prosody(demo_takes[fast][0], RATE, line["start"], line["end"], line["words"], baseline=baseline)
        for line in demo_takes[fast][1]["lines"]
        if line["character"] == "NORA"
    ]
    usual = [
        line_prosody(
            demo_takes[normal][0], RATE, line["start"], line["end"], line["words"], baseline=baseline
        )
        for line in demo_takes[normal][1]["lines"]
        if line["character"] == "NORA"
    ]
    assert np.mean([p.arousal for p in against]) > np.mean([p.arousal for p in usual]) + 0.05
    rescored = [with_baseline(p, baseline) for p in nora_lines]
    assert [p.arousal for p in rescored] == pytest.approx([p.arousal for p in usual])


def test_emotional_tone() -> None:
    assert emotional_tone(0.8, 0.6).label == "excited"
    assert emotional_tone(0.3, 0.6).label == "content"
    assert emotional_tone(0.8, -0.7).label == "tense"
    assert emotional_tone(0.2, -0.7).label == "sad"
    assert emotional_tone(0.8, None).label == "intense"
    assert emotional_tone(0.5, 0.0).label == "neutral"
    assert emotional_tone(0.2).valence is None


def test_bad_lines() -> None:
    with pytest.raises(ValueError, match="shorter than 0.1 s"):
        line_prosody(np.zeros(RATE, np.float32), RATE, 2.0, 3.0)
    silent = line_prosody(np.zeros(RATE, np.float32), RATE, 0.0, 1.0)
    assert silent.pitch_mean_hz is None and silent.speaking_rate == 0.0
    with pytest.raises(ValueError, match="at least one line"):
        speaker_baseline([])
