"""Voice activity on generated bursts in room tone, on generated music, and against the word and
utterance timings of every real reference recording (Silero against webrtcvad)."""

from __future__ import annotations

import numpy as np
import pytest

from roughcut.audio.vad import voice_activity
from roughcut.media import read_audio
from roughcut.speech.evaluation import read_grid_align
from tests.speech.conftest import speak


@pytest.mark.parametrize("engine", ["silero", "webrtc", "energy"])
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


def chords(rng: np.random.Generator, seconds: int = 8) -> np.ndarray:
    """Struck harmonic chords (a root, its major third and fifth, six partials each), two a second."""
    t = np.arange(8000) / 16000
    notes = [220, 247, 262, 294, 330, 349, 392, 440]
    bars = []
    for _ in range(seconds * 2):
        root = notes[rng.integers(len(notes))]
        chord = sum(
            0.6**h * np.sin(2 * np.pi * root * ratio * (h + 1) * t)
            for h in range(6)
            for ratio in (1, 1.26, 1.5)
        )
        bars.append(0.1 * np.exp(-3 * t) * chord)
    return (np.concatenate(bars) + rng.normal(0, 0.003, seconds * 16000)).astype(np.float32)


def test_music_is_not_speech_for_silero(rng):
    music = chords(rng)
    share = {
        engine: sum(s.end - s.start for s in voice_activity(music, 16000, engine=engine)) / music.size
        for engine in ("silero", "webrtc")
    }
    assert share["silero"] < 0.1, share
    assert share["webrtc"] > 0.5, share  # the spectral detector takes harmonic chords for a voice


def test_silero_probabilities_come_per_32ms_window():
    from roughcut.audio.vad import speech_probability

    speech = speak("Every reading is where it should be.")
    probability = speech_probability(speech.samples, 16000)
    assert probability is not None and len(probability) == -(-speech.samples.size // 512)
    assert probability.max() > 0.9 and probability[:5].max() < 0.3  # half a second of room tone first


def _activity_references(media_dir):  # type: ignore[no-untyped-def]
    """Every reference with timings: the MFA word tiers and utterance tiers, and GRID's word file."""
    from roughcut.speech.evaluation import read_textgrid

    folder = media_dir / "speech" / "mfa"
    out = []
    for grid in sorted(folder.glob("*.TextGrid")):
        audio_path = next(p for p in (grid.with_suffix(".wav"), grid.with_suffix(".flac")) if p.exists())
        if grid.stem == "michaelandsickmichael":
            reference = read_textgrid(grid, "michael") + read_textgrid(grid, "sickmichael")
        else:
            reference = read_textgrid(grid, 1)
        out.append((grid.stem, audio_path, reference))
    out.append(
        (
            "swwp2s",
            media_dir / "grid" / "id2_vcd_swwp2s.mpg",
            read_grid_align(media_dir / "grid" / "swwp2s.align"),
        )
    )
    return out


def test_silero_agrees_with_every_reference_better_than_webrtcvad(media_dir):
    """Frame agreement (10 ms) with the reference speech over all seven timed references (no
    threshold was tuned on them: Silero runs at its own defaults). Measured: Silero 87 %, webrtcvad
    74 %; Silero misses 11 % of the reference speech (webrtcvad misses most on the sick speaker's
    quiet speech)."""
    from roughcut.speech.evaluation import activity_agreement

    totals = {}
    for name, path, reference in _activity_references(media_dir):
        audio = read_audio(path)
        samples = audio.samples if audio.samples.ndim == 1 else audio.samples.mean(axis=0)
        duration = samples.size / audio.sample_rate
        for engine in ("silero", "webrtc"):
            found = [
                (s.start_s, s.end_s)
                for s in voice_activity(samples, audio.sample_rate, engine=engine, pad_s=0)
            ]
            agreement = activity_agreement(reference, found, duration)
            totals[engine] = agreement if engine not in totals else totals[engine] + agreement
            if engine == "silero":
                assert agreement.agreement > 0.75, (name, agreement.summary())
    assert totals["silero"].agreement > 0.85, totals["silero"].summary()
    assert totals["silero"].agreement > totals["webrtc"].agreement + 0.08
    assert totals["silero"].missed < 0.15 and totals["silero"].false_alarm < 0.05
