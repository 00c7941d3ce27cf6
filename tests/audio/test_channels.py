"""Picking the dialogue channels and spotting clipping and silence, on real speech."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from roughcut.audio.channels import clipping, dialogue_mix
from roughcut.media import read_audio

RATE = 16000


@pytest.fixture(scope="module")
def speech(media_dir: Path) -> np.ndarray:
    return read_audio(media_dir / "speech" / "jfk.flac", sample_rate=RATE).samples


def test_stereo_of_one_mic_is_one_channel(media_dir: Path) -> None:
    audio = read_audio(media_dir / "speech" / "jfk.flac", sample_rate=RATE, mono=False)
    mono, report = dialogue_mix(audio.samples, RATE)
    assert report.channels == 2 and report.used == (0,)
    assert report.dropped == ((1, "same as channel 1"),)
    assert np.allclose(mono, audio.samples[0])


def test_polyphonic_recorder_file(speech: np.ndarray, rng: np.random.Generator) -> None:
    t = np.arange(len(speech)) / RATE
    chord = 0.1 * (np.sin(2 * np.pi * 220 * t) + np.sin(2 * np.pi * 277 * t) + np.sin(2 * np.pi * 330 * t))
    other_mic = np.roll(speech, 40) * 0.5 + rng.normal(0, 0.003, len(speech))  # a second mic, farther off
    poly = np.stack([speech, -speech, np.zeros_like(speech), chord, other_mic]).astype(np.float32)
    mono, report = dialogue_mix(poly, RATE)
    assert report.used == (0, 4)
    reasons = dict(report.dropped)
    assert reasons == {1: "same as channel 1", 2: "silent", 3: "little speech"}
    assert np.corrcoef(mono, speech)[0, 1] > 0.8
    assert not report.silent and report.clipped_runs == 0


def test_clipping_and_silence(speech: np.ndarray) -> None:
    assert clipping(speech) == (0, 0)
    clipped = np.clip(speech * 6, -1.0, 1.0)
    runs, samples = clipping(clipped)
    assert runs > 10 and samples > 3 * runs
    _, report = dialogue_mix(clipped, RATE)
    assert any(p.startswith("clipped") for p in report.problems)
    mono, silent = dialogue_mix(np.zeros((2, RATE), np.float32), RATE)
    assert silent.silent and silent.used == () and not mono.any()
    assert silent.problems[0].startswith("silent")
