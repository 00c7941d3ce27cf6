"""Sync against the ground truth in ../shared/media/sync (MEDIA.md): offsets, drift, confidence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile
from scipy.signal import resample_poly

from roughcut.audio.sync import MIN_CONFIDENCE, correct_drift, find_offset, gcc_phat, group_takes_with_sound
from roughcut.media import read_audio

RATE = 16000


def test_timbl_2_offset_within_1_ms(timbl: dict[str, np.ndarray]) -> None:
    result = find_offset(timbl["timbl_1"], timbl["timbl_2"], RATE)
    assert abs(result.offset_s - 12.254) <= 0.001
    assert result.offset_samples == round(12.254 * RATE) or abs(result.offset_samples - 12.254 * RATE) <= 1
    assert abs(result.drift_ppm) < 5
    assert result.confidence > 0.9


def test_timbl_3_with_noise_within_10_ms(timbl: dict[str, np.ndarray]) -> None:
    result = find_offset(timbl["timbl_1"], timbl["timbl_3"], RATE)
    assert abs(result.offset_s - 12.23) <= 0.010
    assert result.confidence > 0.8


def test_sign_convention_reverses_with_the_arguments(timbl: dict[str, np.ndarray]) -> None:
    forward = find_offset(timbl["timbl_1"], timbl["timbl_2"], RATE)
    backward = find_offset(timbl["timbl_2"], timbl["timbl_1"], RATE)
    assert abs(backward.offset_s + forward.offset_s) <= 0.001
    # other[n] lines up with reference[n + offset_samples]
    n = 5 * RATE
    piece = timbl["timbl_2"][n : n + 400]
    aligned = timbl["timbl_1"][n + forward.offset_samples : n + forward.offset_samples + 400]
    assert np.corrcoef(piece, aligned)[0, 1] > 0.95


def test_drift_of_a_copy_resampled_by_1_0001(timbl: dict[str, np.ndarray]) -> None:
    # A recorder whose clock runs 100 ppm fast writes 1.0001x as many samples for the same sound.
    stretched = resample_poly(timbl["timbl_2"], 10001, 10000).astype(np.float32)
    result = find_offset(timbl["timbl_1"], stretched, RATE)
    expected_ppm = (1 / 1.0001 - 1) * 1e6  # reference seconds per stretched second, minus one
    assert abs(result.drift_ppm - expected_ppm) < 5
    assert abs(result.offset_s - 12.254) <= 0.001
    # With the drift the line holds at the far end too: 35 s in, 3.5 ms of accumulated drift.
    end = len(stretched) / RATE - 1
    assert abs(result.reference_time(end) - (12.254 + end / 1.0001)) <= 0.001
    assert result.confidence > MIN_CONFIDENCE


def test_unrelated_recordings_are_not_confident(media_dir: Path, timbl: dict[str, np.ndarray]) -> None:
    other = read_audio(media_dir / "sync" / "r4_excerpt.ogg", sample_rate=RATE).samples
    result = find_offset(timbl["timbl_1"], other, RATE)
    assert result.confidence < MIN_CONFIDENCE


def test_gcc_phat_lag_of_a_shifted_signal(rng: np.random.Generator) -> None:
    reference = rng.normal(size=4000).astype(np.float32)
    other = reference[300:2300]
    correlation, zero = gcc_phat(reference, other, 8000, band_hz=(0, 4000))
    assert int(np.argmax(correlation)) - zero == 300


def test_find_offset_rejects_bad_arrays() -> None:
    with pytest.raises(ValueError, match="mono"):
        find_offset(np.zeros((2, 100)), np.zeros(100), RATE)
    with pytest.raises(ValueError, match="non-empty"):
        find_offset(np.zeros(100), np.zeros(0), RATE)


def _write(path: Path, samples: np.ndarray, rate: int) -> Path:
    soundfile.write(path, samples, rate, subtype="PCM_24")
    return path


def test_group_takes_with_sound(tmp_path: Path, media_dir: Path, timbl: dict[str, np.ndarray]) -> None:
    """Camera 'takes' (pieces of timbl_1 and of an unrelated recording) against one field recorder
    file at 48 kHz stereo; the unrelated take stays unmatched, a silent one is reported."""
    recorder = read_audio(media_dir / "sync" / "timbl_1.mp3", sample_rate=48000, mono=False).samples
    sound = _write(tmp_path / "recorder.wav", recorder.T, 48000)
    other_sound = _write(
        tmp_path / "other_day.wav",
        read_audio(media_dir / "sync" / "r4_excerpt2.ogg", sample_rate=44100).samples,
        44100,
    )
    cam_a = _write(tmp_path / "cam_a.wav", timbl["timbl_3"][: 20 * RATE], RATE)  # noisy camera mic
    cam_b = _write(tmp_path / "cam_b.wav", timbl["timbl_1"][30 * RATE : 45 * RATE] * 0.3, RATE)
    r4 = read_audio(media_dir / "sync" / "r4_excerpt.ogg", sample_rate=RATE).samples
    unrelated = _write(tmp_path / "cam_c.wav", r4, RATE)
    silent = _write(tmp_path / "cam_d.wav", np.zeros(RATE * 2, np.float32), RATE)
    found = group_takes_with_sound([cam_a, cam_b, unrelated, silent], [sound, other_sound])
    groups = {group.take.name: group for group in found}
    assert groups["cam_a.wav"].sound == sound
    assert abs(groups["cam_a.wav"].offset_s - 12.23) <= 0.010
    assert groups["cam_a.wav"].sound_rate == 48000
    assert abs(groups["cam_a.wav"].offset_samples - 12.23 * 48000) <= 480
    assert groups["cam_b.wav"].sound == sound
    assert abs(groups["cam_b.wav"].offset_s - 30.0) <= 0.001
    assert groups["cam_c.wav"].sound is None and groups["cam_c.wav"].offset_s is None
    assert groups["cam_d.wav"].sound is None and "silent" in groups["cam_d.wav"].problem


def test_drift_corrected_copy_lines_up_end_to_end(timbl: dict[str, np.ndarray]) -> None:
    stretched = resample_poly(timbl["timbl_2"], 10001, 10000).astype(np.float32)
    measured = find_offset(timbl["timbl_1"], stretched, RATE)
    corrected = correct_drift(stretched, measured.drift_ppm)
    assert abs(len(corrected) - len(timbl["timbl_2"])) <= 2
    again = find_offset(timbl["timbl_1"], corrected, RATE)
    assert abs(again.drift_ppm) < 2
    assert abs(again.offset_s - 12.254) <= 0.001


def test_group_results_are_cached(tmp_path: Path, timbl: dict[str, np.ndarray]) -> None:
    from roughcut.store import Store

    sound = _write(tmp_path / "recorder.wav", timbl["timbl_1"], RATE)
    take = _write(tmp_path / "take.wav", timbl["timbl_2"][: 10 * RATE], RATE)
    store = Store(tmp_path / "cache.sqlite")
    (first,) = group_takes_with_sound([take], [sound], store=store)
    assert store.info().entries == {"audio.sync": 1}
    renamed = take.rename(tmp_path / "take_renamed.wav")
    (second,) = group_takes_with_sound([renamed], [sound], store=store)
    assert store.info().entries == {"audio.sync": 1}  # same content: found in the cache
    assert second.offset_s == first.offset_s and abs(first.offset_s - 12.254) <= 0.001


def test_group_angles_by_their_sound(tmp_path: Path, media_dir: Path) -> None:
    """timbl_2 and timbl_3 are timbl_1 started 12.254 s and 12.23 s later: one performance; JFK and a
    GRID sentence are others; a file without sound is reported and the rest goes on."""
    from roughcut.audio.sync import group_angles
    from roughcut.store import Store

    sync = media_dir / "sync"
    silent = tmp_path / "broken.wav"
    silent.write_bytes(b"not a wave file")
    paths = [
        sync / "timbl_2.mp3",
        media_dir / "speech" / "jfk.flac",
        sync / "timbl_1.mp3",
        silent,
        sync / "timbl_3.mp3",
        media_dir / "grid" / "bbaf2n.mpg",
    ]
    angles = group_angles(paths, store=Store(tmp_path / "cache.sqlite"))
    assert [a.take for a in angles] == paths
    by_name = {a.take.name: a for a in angles}
    reference = by_name["timbl_1.mp3"]  # the longest of the three opens the group
    assert reference.group == str(sync / "timbl_1.mp3") and reference.offset_s == 0
    assert by_name["timbl_2.mp3"].group == by_name["timbl_3.mp3"].group == reference.group
    assert abs(by_name["timbl_2.mp3"].offset_s - 12.254) <= 0.001
    assert abs(by_name["timbl_3.mp3"].offset_s - 12.23) <= 0.010
    others = [by_name[n].group for n in ("jfk.flac", "bbaf2n.mpg")]
    assert None not in others and len({*others, reference.group}) == 3
    assert by_name["broken.wav"].group is None and by_name["broken.wav"].problem
