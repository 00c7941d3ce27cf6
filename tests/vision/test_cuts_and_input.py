"""Shot cuts on real edited footage, sharpness, and bad input handled and reported."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from roughcut.errors import MediaError
from roughcut.media import thumbnail
from roughcut.project import Project
from roughcut.store import Store
from roughcut.vision import analyze_project, analyze_take
from roughcut.vision.sharpness import laplacian_variance
from tests.synthetic import write_video


def write_frames(path: Path, images: list[np.ndarray], rate: Fraction = Fraction(24)) -> Path:
    """Encode RGB frames as H.264."""
    height, width = images[0].shape[:2]
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "18"}
        for image in images:
            out.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        out.mux(stream.encode())
    return path


def test_cuts_in_edited_footage(media_dir: Path) -> None:
    """PySceneDetect's reference [30, 180, 394]: hard cuts in from black at 30 and to black at 180,
    and at 394 the first frame of a fade in from black, which we report as a fade (with the fade in
    at 211 that the reference misses, and the fades to black ending at 360 and 693)."""
    video = media_dir / "video" / "testvideo.mp4"
    expected = json.loads((media_dir / "video" / "testvideo.cuts.content.json").read_text())["cuts"]
    vision = analyze_take(video)
    assert list(vision.cuts) == expected[:2]  # native frames at 29.97 fps, found at 8 fps
    assert expected[2] in vision.fades
    assert vision.fades == (211, 360, 394, 693)
    assert vision.frame_rate == Fraction(30000, 1001)
    assert any("no face found" in p for p in vision.problems)
    assert vision.shot_size is None and vision.people == 0
    starts = [s.start_frame for s in vision.segments]
    assert set(expected) <= set(starts)  # segments split at cuts and fades


def _cuts_of(path: Path, fps: float | None = 8) -> tuple[tuple[int, ...], tuple[int, ...]]:
    from roughcut.media import read_frames
    from roughcut.vision.cuts import CutAnalyser, refine_cuts

    analyser = CutAnalyser(native_rate=Fraction(24))
    for frame in read_frames(path, width=640, fps=fps):
        analyser.process_frame(frame)
    return refine_cuts(path, analyser.post_process())


@pytest.fixture(scope="module")
def hamilton_shot(media_dir: Path) -> list[np.ndarray]:
    """Native frames 100-171 of the hamilton clip's medium shot (handheld, the performer moving),
    then frame 240 of its audience shot."""
    from roughcut.media import read_frames

    path = media_dir / "faces" / "hamilton_clip.mp4"
    frames = [f.image for f in read_frames(path, width=640, start_frame=100, end_frame=172)]
    return [*frames, next(read_frames(path, width=640, start_frame=240, end_frame=241)).image]


@pytest.mark.parametrize("fps", [8, None])
def test_brightness_flicker_is_no_cut(hamilton_shot: list[np.ndarray], tmp_path: Path, fps) -> None:
    """Luma scaled by 1.3 on one frame (and on three frames in a row) within one real shot."""
    images = [f.copy() for f in hamilton_shot[:-1]]
    for k in (20, 45, 46, 47):
        images[k] = np.clip(images[k].astype(np.float32) * 1.3, 0, 255).astype(np.uint8)
    cuts, fades = _cuts_of(write_frames(tmp_path / "flicker.mp4", images), fps)
    assert cuts == () and fades == ()


@pytest.mark.parametrize("fps", [8, None])
def test_pan_is_no_cut_but_a_real_cut_is(hamilton_shot: list[np.ndarray], tmp_path: Path, fps) -> None:
    """A pan (a 480x270 window moving 8 px a frame across a real frame of the audience shot, then
    back at 16 px) then a hard cut to the real medium shot at frame 30."""
    import cv2

    still = hamilton_shot[-1]
    steps = [*range(0, 160, 8), *range(160, 0, -16)]
    pan = [cv2.resize(still[45:315, x : x + 480], (640, 360)) for x in steps]
    images = pan + hamilton_shot[:32]
    cuts, fades = _cuts_of(write_frames(tmp_path / "pan.mp4", images), fps)
    assert cuts == (30,) and fades == ()


def test_soft_take_flagged(demo_project: Path, tmp_path: Path) -> None:
    import cv2

    frame = thumbnail(demo_project / "takes" / "B01_nora_cu.mp4", seconds=5.0, width=640)
    sharp = write_frames(tmp_path / "sharp.mp4", [frame] * 12)
    soft = write_frames(tmp_path / "soft.mp4", [cv2.GaussianBlur(frame, (0, 0), 4)] * 12)
    sharp_vision, soft_vision = analyze_take(sharp), analyze_take(soft)
    assert laplacian_variance(cv2.GaussianBlur(frame, (0, 0), 4)) < laplacian_variance(frame) / 4
    assert soft_vision.sharpness < sharp_vision.sharpness / 4
    assert soft_vision.soft and not sharp_vision.soft


def test_small_faces_found_and_reported(demo_project: Path, tmp_path: Path) -> None:
    """The wide two-shot shrunk to a quarter in a corner: faces 5 % of the frame height, too small
    for the whole-frame detectors and the mesh; the tiled search finds both."""
    import cv2

    frame = thumbnail(demo_project / "takes" / "A01_wide.mp4", seconds=5.0, width=1280)
    canvas = np.zeros((720, 1280, 3), np.uint8)
    canvas[40:220, 60:380] = cv2.resize(frame, (320, 180), interpolation=cv2.INTER_AREA)
    vision = analyze_take(write_frames(tmp_path / "tiny.mp4", [canvas] * 72))
    assert vision.people == 2
    assert vision.shot_size in ("LS", "ELS")
    assert [p.screen_position for p in vision.persons] == ["left", "left"]
    assert any("too small for landmarks" in p for p in vision.problems)


def test_rotated_phone_footage(tmp_path: Path) -> None:
    video = write_video(tmp_path / "phone.mp4", frames=24, size=(320, 240), rotation=90)
    vision = analyze_take(video)
    assert vision.frame_size == (240, 320)
    assert vision.analysis_size[0] < vision.analysis_size[1]
    assert any(p.startswith("rotated") for p in vision.problems)


def test_extreme_aspect_ratio(tmp_path: Path) -> None:
    video = write_video(tmp_path / "strip.mp4", frames=24, size=(640, 32))
    vision = analyze_take(video)
    assert any("extreme aspect ratio" in p for p in vision.problems)
    assert any("too small to search" in p for p in vision.problems)
    assert vision.tracks == ()


def test_broken_take_does_not_stop_the_others(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "takes").mkdir(parents=True)
    write_video(root / "takes" / "good.mp4", frames=24)
    (root / "takes" / "broken.mp4").write_bytes(b"not a video at all" * 100)
    with pytest.raises(MediaError, match="broken.mp4"):
        analyze_take(root / "takes" / "broken.mp4")
    result = analyze_project(Project.open(root), store=Store(tmp_path / "store.sqlite"), workers=2)
    assert list(result.takes) == ["takes/good.mp4"]
    assert len(result.errors) == 1 and "broken.mp4" in str(result.errors[0])


def test_segments_follow_framing_changes(demo_project: Path, tmp_path: Path) -> None:
    """An edited take: 3 s of the wide two-shot cut to 3 s of a close-up."""
    from roughcut.media import read_frames

    takes = demo_project / "takes"
    wide = [f.image for f in read_frames(takes / "A01_wide.mp4", width=640, end_frame=72)]
    close = [f.image for f in read_frames(takes / "C01_grace_cu.mp4", width=640, end_frame=72)]
    edited = write_frames(tmp_path / "edited.mp4", wide + close, rate=Fraction(24000, 1001))
    vision = analyze_take(edited)
    assert vision.cuts == (72,)
    assert [(s.start_frame, s.end_frame, s.shot_size, s.people) for s in vision.segments] == [
        (0, 72, "MS", 2),
        (72, 144, "CU", 1),
    ]
    assert all(t.end_frame < 72 or t.start_frame >= 72 for t in vision.tracks)  # no face across the cut


def test_bad_analysis_settings_are_config_errors(tmp_path: Path) -> None:
    from roughcut.errors import ConfigError

    root = tmp_path / "project"
    (root / "takes").mkdir(parents=True)
    write_video(root / "takes" / "a.mp4", frames=4)
    (root / "roughcut.toml").write_text('[analysis]\nfps = "fast"\n')
    with pytest.raises(ConfigError, match="fps"):
        analyze_project(Project.open(root), store=Store(tmp_path / "s.sqlite"))
    (root / "roughcut.toml").write_text("[analysis]\nwidth = 0\n")
    with pytest.raises(ConfigError, match="width"):
        analyze_project(Project.open(root), store=Store(tmp_path / "s.sqlite"))
