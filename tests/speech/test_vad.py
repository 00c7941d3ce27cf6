"""Voice activity on generated bursts in room tone and on a real GRID recording."""

from __future__ import annotations

import numpy as np
import pytest

from roughcut.media import read_audio
from roughcut.speech.evaluation import read_grid_align
from roughcut.speech.vad import voice_activity
from tests.speech.conftest import speak


@pytest.mark.parametrize("engine", ["webrtc", "energy"])
def test_speech_found_between_room_tone(engine, rng):
    first, second = speak("Every reading is where it should be."), speak("Who checked it?")
    tone = rng.normal(0, 0.003, 16000 * 2).astype(np.float32)  # two seconds of room tone
    samples = np.concatenate([tone, first.samples, tone, second.samples, tone])
    segments = voice_activity(samples, 16000, engine=engine)
    assert len(segments) == 2
    voiced = [np.flatnonzero(np.abs(x.samples) > 0.02) for x in (first, second)]
    starts = [32000 + voiced[0][0], 64000 + first.samples.size + voiced[1][0]]
    for segment, start in zip(segments, starts, strict=True):
        assert abs(segment.start - start) / 16000 < 0.1
        assert segment.sample_rate == 16000 and segment.end > segment.start


def test_rates_other_than_16k_give_positions_at_that_rate():
    speech = speak("Then check it a third time.")
    from scipy.signal import resample_poly

    at48 = resample_poly(speech.samples, 3, 1).astype(np.float32)
    at16 = voice_activity(speech.samples, 16000)
    at48k = voice_activity(at48, 48000)
    assert len(at16) == len(at48k) == 1
    assert abs(at48k[0].start_s - at16[0].start_s) < 0.01
    assert at48k[0].sample_rate == 48000


def test_silence_and_room_tone_hold_no_speech(rng):
    assert voice_activity(np.zeros(16000, np.float32), 16000) == []
    hum = (0.05 * np.sin(2 * np.pi * 60 * np.arange(48000) / 16000)).astype(np.float32)
    assert voice_activity(hum + rng.normal(0, 0.01, 48000).astype(np.float32), 16000) == []


def test_grid_sentence_matches_its_word_timings(media_dir):
    audio = read_audio(media_dir / "grid" / "id2_vcd_swwp2s.mpg")
    words = read_grid_align(media_dir / "grid" / "swwp2s.align")
    segments = voice_activity(audio.samples, audio.sample_rate)
    assert len(segments) == 1
    assert abs(segments[0].start_s - words[0].start_s) < 0.1
    assert abs(segments[0].end_s - words[-1].end_s) < 0.2
