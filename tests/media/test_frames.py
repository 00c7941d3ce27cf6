"""Streaming frames: exact indices and times, analysis size and rate, rotation, seeking."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from roughcut.errors import MediaError
from roughcut.media import read_frames
from roughcut.media.frames import analysis_size
from tests.synthetic import write_video


def test_frame_n_is_exactly_n_over_rate(tmp_path: Path) -> None:
    rate = Fraction(24000, 1001)
    path = write_video(tmp_path / "ntsc.mp4", frames=60, rate=rate)
    frames = list(read_frames(path))
    assert [f.index for f in frames] == list(range(60))
    for frame in frames:
        assert frame.time.value == frame.index
        assert frame.time.rate == pytest.approx(float(rate), abs=0)
        # Grey level encodes the frame number written: the decoder returned frame n at index n.
        assert abs(int(frame.image[120, 160, 0]) - (frame.index * 5) % 256) <= 3


def test_real_ntsc_file_indices_match_timestamps(media_dir: Path) -> None:
    frames = list(read_frames(media_dir / "video" / "testvideo.mp4", width=160, end_frame=120))
    assert [f.index for f in frames] == list(range(120))
    # 29.97: frame 30 starts at exactly 1.001 s.
    assert frames[30].time.value == 30 and frames[30].time.to_seconds() == pytest.approx(1.001, abs=1e-9)


def test_analysis_size_and_rate(media_dir: Path) -> None:
    frames = list(read_frames(media_dir / "video" / "testvideo.mp4", width=640, fps=8, end_frame=300))
    assert all(f.image.shape == (360, 640, 3) and f.image.dtype == np.uint8 for f in frames)
    # 300 frames at 29.97 fps are 10.01 s: about 8 frames a second are kept.
    assert 78 <= len(frames) <= 82
    gaps = np.diff([f.index for f in frames])
    assert set(gaps) <= {3, 4}


def test_analysis_size_keeps_aspect_and_even_numbers() -> None:
    assert analysis_size(1920, 1080, target_width=640) == (640, 360)
    assert analysis_size(360, 288, target_width=641) == (640, 512)
    # Anamorphic PAL DV: 720x576 with SAR 64/45 displays as 1024x576.
    assert analysis_size(720, 576, target_width=None, sample_aspect_ratio=Fraction(64, 45)) == (1024, 576)


def test_seek_to_a_frame_is_exact(tmp_path: Path) -> None:
    path = write_video(tmp_path / "seek.mp4", frames=120, rate=Fraction(25))
    frames = list(read_frames(path, start_frame=77, end_frame=80))
    assert [f.index for f in frames] == [77, 78, 79]
    assert abs(int(frames[0].image[120, 160, 0]) - (77 * 5) % 256) <= 3


def test_rotated_phone_footage_comes_out_upright(tmp_path: Path) -> None:
    path = write_video(tmp_path / "phone.mp4", frames=2, size=(320, 240), rotation=90)
    upright = next(read_frames(path))
    stored = next(read_frames(path, upright=False))
    assert stored.image.shape == (240, 320, 3)
    assert upright.image.shape == (320, 240, 3)
    # The white marker square moved from the stored top-left corner to another corner.
    assert stored.image[10:30, 10:30].mean() > 200
    assert upright.image[10:30, 10:30].mean() < 200


def test_memory_is_one_frame_at_a_time(media_dir: Path) -> None:
    frames = read_frames(media_dir / "video" / "testvideo.mp4", width=320)
    first = next(frames)
    second = next(frames)
    assert first.image is not second.image and first.index + 1 == second.index
    frames.close()


def test_audio_only_file_has_no_frames(media_dir: Path) -> None:
    with pytest.raises(MediaError, match="no video"):
        next(read_frames(media_dir / "speech" / "jfk.flac"))


def test_skipping_non_reference_frames_keeps_one_exact_frame_per_interval(demo_project: Path) -> None:
    take = demo_project / "takes" / "A01_wide.mp4"
    full = list(read_frames(take, width=160, fps=8, end_frame=240))
    fast = list(read_frames(take, width=160, fps=8, end_frame=240, skip_nonreference=True))
    assert len(fast) == len(full) == 80
    rate = Fraction(24000, 1001)
    for a, b in zip(full, fast, strict=True):
        # Same analysis interval, at most one native frame later, and still the frame its index says.
        assert a.index * 8 // rate == b.index * 8 // rate
        assert 0 <= b.index - a.index <= 1
        exact = next(read_frames(take, width=160, start_frame=b.index, end_frame=b.index + 1))
        assert np.array_equal(exact.image, b.image)


def test_reading_from_a_frame_gives_the_frames_a_whole_read_gives(media_dir: Path) -> None:
    # GRID's MPEG-1 program streams seek by bytes and land after their target (even a seek to 0
    # lands on frame 12): a read from frame N must still start at N with N's picture.
    for path in [*sorted((media_dir / "grid").glob("*.mpg"))[:3], media_dir / "video" / "testvideo.mp4"]:
        whole = {f.index: f.image.astype(np.int16) for f in read_frames(path, width=64, end_frame=80)}
        for start in (1, 13, 40, 70):  # GRID clips hold 75 frames
            part = list(read_frames(path, width=64, start_frame=start, end_frame=start + 3))
            assert [f.index for f in part] == [start, start + 1, start + 2], (path.name, start)
            for frame in part:
                assert np.abs(frame.image.astype(np.int16) - whole[frame.index]).mean() < 1.0, path.name
        assert list(read_frames(path, width=64, start_frame=100_000)) == []  # past the end: nothing
