"""Transcription: pocketsphinx word error rate on real speech (a sanity bound: the figures are in
the benchmark), whisper's clear errors when its package or model is missing, language honesty."""

from __future__ import annotations

import sys
import types

import pytest

from roughcut.errors import RoughcutError
from roughcut.media import read_audio
from roughcut.speech.evaluation import word_error_rate
from roughcut.speech.transcribe import load_whisper_model, spoken_language_support, transcribe


def test_pocketsphinx_transcribes_with_word_timings(media_dir):
    folder = media_dir / "speech" / "librivox"
    audio = read_audio(folder / "goforward.wav")
    transcript = transcribe(audio)
    reference = (folder / "goforward.txt").read_text()
    assert word_error_rate(reference, transcript.text) <= 0.25
    assert transcript.spoken_language is None and "cannot identify" in transcript.language_note
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts) and all(w.end > w.start for w in transcript.words)
    assert 0 < transcript.words[0].start_s < transcript.words[-1].end_s <= transcript.duration_s


def test_pocketsphinx_word_error_rate_on_jfk_is_sane(media_dir):
    audio = read_audio(media_dir / "speech" / "jfk.flac")
    transcript = transcribe(audio)
    assert word_error_rate((media_dir / "speech" / "jfk.txt").read_text(), transcript.text) < 0.6
    assert transcript.text_language == "en"


def test_word_error_rate():
    assert word_error_rate("go forward ten meters", "go forward ten meters") == 0
    assert word_error_rate("Go forward, ten meters.", "go for ward ten meters") == 0.5


def test_whisper_without_its_package_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "faster_whisper", None)
    with pytest.raises(RoughcutError, match=r"roughcut\[whisper\]"):
        load_whisper_model(None, allow_download=False)


def test_whisper_model_folder_is_checked_and_downloads_need_a_flag(monkeypatch, tmp_path):
    loaded = []
    fake = types.ModuleType("faster_whisper")
    fake.WhisperModel = lambda *a, **k: loaded.append((a, k)) or "model"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "faster_whisper", fake)
    with pytest.raises(RoughcutError, match="no model.bin"):
        load_whisper_model(tmp_path, allow_download=False)
    with pytest.raises(RoughcutError, match="--allow-download"):
        load_whisper_model(None, allow_download=False)
    (tmp_path / "model.bin").write_bytes(b"")
    assert load_whisper_model(tmp_path, allow_download=False) == "model"
    assert loaded[-1][0] == (str(tmp_path),) and loaded[-1][1]["local_files_only"] is True
    assert not loaded[:-1]


def test_unknown_engine_is_refused():
    from fractions import Fraction

    import numpy as np

    from roughcut.media import Audio

    with pytest.raises(RoughcutError, match="unknown transcription engine"):
        transcribe(Audio(np.zeros(1600, np.float32), 16000, Fraction(0)), engine="kaldi")


def test_spoken_language_support_is_stated_plainly():
    assert "cannot identify" in spoken_language_support("pocketsphinx")
    assert "identifies" in spoken_language_support("whisper")
