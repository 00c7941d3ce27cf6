"""probe() on the real recordings in ../shared/media and on generated edge cases."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from roughcut.errors import MediaError
from roughcut.media import probe
from tests.synthetic import write_video


def test_grid_mpeg1_clip(media_dir: Path) -> None:
    info = probe(media_dir / "grid" / "bbaf2n.mpg")
    assert info.container == "mpeg"
    assert info.video is not None
    assert (info.video.width, info.video.height) == (360, 288)
    assert info.video.frame_rate == Fraction(25)
    assert info.video.codec == "mpeg1video"
    assert not info.video.variable_frame_rate
    assert abs(float(info.duration) - 3.0) < 0.05
    assert len(info.audio) == 1
    assert info.audio[0].codec == "mp2"
    assert info.audio[0].channels == 2


def test_ntsc_h264_has_exact_rational_rate(media_dir: Path) -> None:
    info = probe(media_dir / "video" / "testvideo.mp4")
    video = info.video
    assert video is not None
    assert video.frame_rate == Fraction(30000, 1001)
    assert (video.width, video.height) == (1280, 720)
    assert video.frame_count == 720
    assert video.duration == Fraction(720 * 1001, 30000)
    assert not video.variable_frame_rate
    assert info.audio == ()
    assert not info.has_audio


def test_audio_only_flac(media_dir: Path) -> None:
    info = probe(media_dir / "speech" / "jfk.flac")
    assert info.video is None
    assert info.audio[0].sample_rate == 44100
    assert info.audio[0].channels == 2
    assert info.duration == Fraction(11)


def test_mp3_reports_its_stream_start_time(media_dir: Path) -> None:
    """MEDIA.md: the timbl MP3s declare a stream start of about 23 ms (encoder delay)."""
    info = probe(media_dir / "sync" / "timbl_1.mp3")
    start = float(info.audio[0].start_time)
    assert 0.020 < start < 0.026


def test_23976_generated_file(tmp_path: Path) -> None:
    path = write_video(tmp_path / "ntsc.mp4", frames=48, rate=Fraction(24000, 1001), audio_seconds=2.0)
    info = probe(path)
    assert info.video.frame_rate == Fraction(24000, 1001)
    assert info.video.frame_count == 48
    assert info.has_audio and info.audio[0].sample_rate == 48000


def test_variable_frame_rate_is_detected(tmp_path: Path) -> None:
    # Frames at irregular times, as phones record: gaps of 33, 50 and 17 ms.
    steps = [33, 50, 17, 33, 33, 50, 17, 40] * 6
    pts = [0]
    for step in steps[:-1]:
        pts.append(pts[-1] + step)
    vfr = write_video(tmp_path / "vfr.mp4", frames=len(pts), pts=pts, time_base=Fraction(1, 1000))
    cfr = write_video(tmp_path / "cfr.mp4", frames=48, rate=Fraction(25))
    assert probe(vfr).video.variable_frame_rate
    assert not probe(cfr).video.variable_frame_rate


def test_rotation_and_display_size(tmp_path: Path) -> None:
    path = write_video(tmp_path / "phone.mp4", frames=4, size=(320, 240), rotation=90)
    video = probe(path).video
    assert video.rotation in (90, 270)
    assert video.display_size == (240, 320)


def test_timecode_from_metadata(demo_project: Path) -> None:
    info = probe(demo_project / "takes" / "A01_wide.mp4")
    assert info.timecode == "01:00:00:00"


def test_truncated_copy_gives_clear_error(media_dir: Path, tmp_path: Path) -> None:
    source = media_dir / "video" / "testvideo.mp4"
    broken = tmp_path / "truncated.mp4"
    data = source.read_bytes()
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(MediaError) as caught:
        probe(broken)
    assert caught.value.path == broken
    assert "truncated.mp4" in str(caught.value)


def test_garbage_and_missing_files(tmp_path: Path, rng) -> None:
    garbage = tmp_path / "take.mov"
    garbage.write_bytes(rng.integers(0, 256, 50_000, dtype="uint8").tobytes())
    with pytest.raises(MediaError, match="take.mov"):
        probe(garbage)
    with pytest.raises(MediaError, match="no such file"):
        probe(tmp_path / "missing.mp4")
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(MediaError, match="empty.mp4"):
        probe(empty)


def test_renamed_copy_probes_the_same(media_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "renamed.mpg"
    shutil.copy(media_dir / "grid" / "lbax4n.mpg", copy)
    a, b = probe(media_dir / "grid" / "lbax4n.mpg"), probe(copy)
    assert a.video == b.video and a.audio == b.audio and a.duration == b.duration


def test_media_error_survives_a_process_pool_round_trip(tmp_path: Path) -> None:
    import pickle

    error = MediaError(tmp_path / "take.mov", "truncated")
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, MediaError)
    assert (copy.path, copy.problem, str(copy)) == (error.path, error.problem, str(error))
