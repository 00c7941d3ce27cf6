"""Multicam: angles grouped by their sound at ingest, switched by the idioms on exact steps.

The real-footage test crops two framings out of one real recording (``faces/hamilton_clip.mp4``,
29.97 fps), the close one starting a known number of frames later, and checks that ``ingest`` finds
that offset from the sound alone and that the cut shows both angles at the same moment of the
performance, picture against picture.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from math import floor
from pathlib import Path

import cv2
import numpy as np
import pytest

from roughcut.app.ingest import ingest, synchronise_angles
from roughcut.edit import switch_multicam
from roughcut.edit.coverage import LineCoverage, LineInfo, SceneCoverage, TakeInfo
from roughcut.errors import ConfigError, RoughcutError
from roughcut.media import probe, read_audio, read_frames
from roughcut.project import Project
from roughcut.store import Store
from tests.synthetic import write_take

NTSC = Fraction(30000, 1001)
#: The close angle starts this many frames (1.5015 s) after the wide one.
LATE_FRAMES = 45
#: ... and stops this many frames before it.
EARLY_END = 20
#: The close framing of the 640x360 clip: ``(x, y, width, height)``, scaled up 2x.
CROP = (160, 0, 320, 180)


def _write_angles(
    clip: Path, out: Path, late_frames: int = LATE_FRAMES, early_end: int = EARLY_END
) -> tuple[Path, Path]:
    """The wide angle (the whole frame) and a close one (the middle half, scaled up 2x) of ``clip``,
    the close one starting ``late_frames`` later and stopping ``early_end`` frames earlier."""
    sound = read_audio(clip, sample_rate=None, mono=True)
    rate = sound.sample_rate
    fps = probe(clip).video.frame_rate
    frames = [f.image for f in read_frames(clip)]
    height, width = frames[0].shape[:2]
    x, y, w, h = width // 4, 0, width // 2, height // 2
    close = [cv2.resize(f[y : y + h, x : x + w], (width, height)) for f in frames]
    wide_path, close_path = out / "A_wide.mp4", out / "B_close.mp4"
    write_take(wide_path, frames, sound.samples, sample_rate=rate, frame_rate=fps, options={"crf": "20"})
    end = len(frames) - early_end
    samples = sound.samples[round(late_frames / fps * rate) : round(end / fps * rate)]
    write_take(
        close_path, close[late_frames:end], samples, sample_rate=rate, frame_rate=fps, options={"crf": "20"}
    )
    return wide_path, close_path


@pytest.mark.parametrize(
    ("clip", "late"), [("id2_vcd_swwp2s.mpg", 12), ("lbax4n.mpg", 7), ("brbk7n.mpg", 19)]
)
def test_two_framings_of_a_grid_sentence_are_found_one_performance(
    media_dir: Path, tmp_path: Path, clip: str, late: int
) -> None:
    """A 3 s GRID sentence (25 fps): the close framing, started ``late`` frames later and stopped
    10 frames early, is placed on the wide one's clock from the sound within half a frame."""
    from roughcut.audio.sync import group_angles

    wide, close = _write_angles(media_dir / "grid" / clip, tmp_path, late, 10)
    found = group_angles([wide, close], store=Store(tmp_path / "store.sqlite"))
    assert found[0].group == found[1].group == str(wide)
    error_s = found[1].offset_s - late / 25
    print(f"{clip}: offset error {error_s * 1e6:+.1f} us ({error_s * 25:+.4f} frames)")
    assert abs(error_s) < 0.5 / 25


def _take(name: str, path: Path, size: str, people: tuple[str, ...], frames: int, **extra) -> TakeInfo:
    positions = (
        {c: "centre" for c in people}
        if len(people) == 1
        else dict(zip(people, ("left", "right"), strict=False))
    )
    return TakeInfo(name, path, NTSC, 640, 360, frames, size, people, positions, **extra)


def _scene(takes: list[TakeInfo], lines: list[tuple[str, str, Fraction, Fraction]]) -> SceneCoverage:
    """Coverage of ``lines`` ``(id, character, start s, end s on the common clock)`` in every take,
    each take's frames counted from its own start (``sync_offset_frames`` as the truth has it)."""
    items = {}
    for line_id, character, start, end in lines:
        for take in takes:
            a = floor(start * NTSC) - take.sync_offset_frames
            b = floor(end * NTSC) - take.sync_offset_frames
            items[(line_id, take.name)] = LineCoverage(
                line_id,
                take.name,
                a,
                b,
                character in take.characters_visible,
                take.screen_positions.get(character),
                take.characters_visible,
                take.shot_size,
                speech_rate=2.5,
            )
    infos = tuple(LineInfo(i, c, f"line {i}") for i, c, _, _ in lines)
    return SceneCoverage("M", infos, tuple(takes), items, ("ANNA", "BEN"))


def test_ingest_finds_the_offset_of_two_framings_of_one_real_recording(
    media_dir: Path, tmp_path: Path
) -> None:
    root = tmp_path / "project"
    (root / "takes").mkdir(parents=True)
    wide, close = _write_angles(media_dir / "faces" / "hamilton_clip.mp4", root / "takes")
    (root / "takes" / "other.mpg").symlink_to(media_dir / "grid" / "bbaf2n.mpg")  # another performance
    report = ingest(Project.open(root), store=Store(tmp_path / "store.sqlite"))
    angles = {Path(a.take).name: a for a in report.angles}
    assert set(angles) == {"A_wide.mp4", "B_close.mp4", "other.mpg"}
    assert angles["A_wide.mp4"].group == angles["B_close.mp4"].group != angles["other.mpg"].group
    assert [sorted(p.name for p in paths) for paths in report.angle_groups().values()] == [
        ["A_wide.mp4", "B_close.mp4"]
    ]
    truth_s = LATE_FRAMES / NTSC
    error_s = angles["B_close.mp4"].offset_s - (angles["A_wide.mp4"].offset_s + float(truth_s))
    print(f"hamilton close angle: offset error {error_s * 1e6:+.1f} us ({error_s * float(NTSC):+.4f} frames)")
    assert abs(error_s) < 0.5 / float(NTSC)  # within half a frame: rounds to the true frame

    people_wide, people_close = ("ANNA", "BEN"), ("ANNA",)
    n_wide = 275
    unsynced = [
        _take("A_wide.mp4", wide, "LS", people_wide, n_wide),
        _take("B_close.mp4", close, "MS", people_close, n_wide - LATE_FRAMES - EARLY_END),
    ]
    scene = synchronise_angles(_scene(unsynced, []), report.angles)
    offsets = {t.name: t.sync_offset_frames for t in scene.takes}
    assert offsets["B_close.mp4"] - offsets["A_wide.mp4"] == LATE_FRAMES
    # The lines, timed in each angle on its own clock (as an alignment of each take would find them).
    lines = [
        ("1", "ANNA", Fraction(2), Fraction(7, 2)),
        ("2", "ANNA", Fraction(4), Fraction(11, 2)),
        ("3", "ANNA", Fraction(6), Fraction(15, 2)),
    ]
    timed = _scene([unsynced[0], replace(unsynced[1], sync_offset_frames=LATE_FRAMES)], lines)
    synced = synchronise_angles(replace(timed, takes=tuple(unsynced)), report.angles)
    cut = switch_multicam(synced, min_shot_seconds=1.0)
    used = {clip.take for clip in cut.video}
    assert used == {"A_wide.mp4", "B_close.mp4"}, cut.video
    assert cut.video[0].take == "A_wide.mp4" and cut.video[0].idiom == "start_wide"

    # In sync, picture against picture: each frame of the close angle in the cut is the crop of the
    # wide angle's frame at the same moment, better than one frame either side.
    small = {name: [_grey(f.image) for f in read_frames(path)] for name, path in (("A", wide), ("B", close))}
    x, y, w, h = CROP
    cropped = [_grey(cv2.resize(f.image[y : y + h, x : x + w], (640, 360))) for f in read_frames(wide)]
    # Every clip sits on the one clock: its source frame plus its angle's offset, less its place in
    # the cut, is the clock frame where the cut begins.
    assert len({c.source_in + offsets[c.take] - c.record_in for c in cut.video}) == 1
    for clip in cut.video:
        if clip.take != "B_close.mp4":
            continue
        errors = {}
        for shift in (-1, 0, 1):
            diffs = [
                np.abs(small["B"][f] - cropped[f + LATE_FRAMES + shift]).mean()
                for f in range(clip.source_in, clip.source_out)
                if 0 <= f + LATE_FRAMES + shift < len(cropped) and f < len(small["B"])
            ]
            errors[shift] = float(np.mean(diffs))
        print(f"close clip {clip.source_in}-{clip.source_out}: picture error by shift {errors}")
        assert errors[0] < min(errors[-1], errors[1])

    # The same through the application layer: edit_project groups the angles by their sound itself,
    # and the 29.97 fps timelines read back frame-exact.
    from roughcut.app import edit_project

    result = edit_project(
        root,
        coverage=replace(timed, takes=tuple(unsynced)),
        multicam={"min_shot_seconds": 1.0},
        formats=["otio", "fcp7", "edl"],
        out_dir=tmp_path / "out",
    )
    assert [(c.take, c.source_in, c.record_in) for c in result.cut.video] == [
        (c.take, c.source_in, c.record_in) for c in cut.video
    ]
    assert result.round_trip == {"otio": [], "fcp7": [], "edl": []}


def _grey(image: np.ndarray) -> np.ndarray:
    return cv2.resize(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), (160, 90)).astype(np.float32)


def _three_angles() -> list[TakeInfo]:
    """A two-shot and a close-up of each of ANNA and BEN, started at different times (29.97 fps)."""
    return [
        _take("two.mp4", Path("two.mp4"), "MS", ("ANNA", "BEN"), 4000, sync_group="g"),
        _take(
            "anna_cu.mp4", Path("anna_cu.mp4"), "CU", ("ANNA",), 4000, sync_group="g", sync_offset_frames=137
        ),
        _take("ben_cu.mp4", Path("ben_cu.mp4"), "CU", ("BEN",), 4200, sync_group="g", sync_offset_frames=-61),
    ]


#: Alternating lines on the common clock (seconds), long enough to switch on.
LINES = [
    (str(i + 1), ("ANNA", "BEN")[i % 2], Fraction(5) + 3 * i, Fraction(5) + 3 * i + Fraction(5, 2))
    for i in range(30)
]


def test_angles_started_at_different_times_switch_on_exact_quarter_seconds() -> None:
    scene = _scene(_three_angles(), LINES)
    cut = switch_multicam(scene, min_shot_seconds=1.5, speaker_delay_seconds=0.3, wide_every_seconds=1000)
    offsets = {t.name: t.sync_offset_frames for t in scene.takes}
    begin = {c.source_in + offsets[c.take] - c.record_in for c in cut.video}
    assert len(begin) == 1  # every angle on the one clock
    (begin,) = begin
    # Cuts fall on exact quarter seconds of the clock (floor(k * rate / 4)), never drifting: after
    # 95 s, round(rate / 4) = 7-frame steps would be 7 % (200 frames) early.
    for clip in cut.video:
        k = round(clip.record_in * 4 / NTSC)
        assert clip.record_in == floor(k * NTSC / 4), clip
    # The shortest shot: 1.5 s less at most one frame (44 frames at 29.97; 7-frame steps gave 42).
    assert min(c.frames for c in cut.video[:-1]) >= 44
    # The picture follows the speaker within the delay and one step; the close-ups carry the lines.
    late = round(Fraction(3, 10) * NTSC) + 8
    shown = total = 0
    for line in cut.lines:
        for frame in range(line.speech_in + late, line.speech_out):
            clip = next(c for c in cut.video if c.record_in <= frame < c.record_out)
            shown += clip.take == ("anna_cu.mp4" if line.character == "ANNA" else "ben_cu.mp4")
            total += 1
    assert shown / total > 0.95
    assert cut.video[0].take == "two.mp4"  # start wide
    assert cut.audio[0].take == "two.mp4" and cut.audio[0].source_in == begin - offsets["two.mp4"]


def test_multicam_follows_the_style_and_its_weights() -> None:
    scene = _scene(_three_angles(), LINES[:12])

    def frames_of(cut, take: str) -> int:  # type: ignore[no-untyped-def]
        return sum(c.frames for c in cut.video if c.take == take)

    plain = switch_multicam(scene)
    assert plain.style == "default" and plain.weights["speaker_visible"] == 3.0
    # The room's slider: emphasize ANNA, and her close-up holds even while BEN speaks.
    anna = switch_multicam(
        scene,
        weights={"emphasize_character": 8.0},
        params={"emphasize_character": {"character": "ANNA"}},
        closer=0,
    )
    # (the idiom as the paper has it: her close-up on her lines and BEN's short ones; on BEN's longer
    # lines any shot that holds her, the two-shot too, at half strength)
    assert frames_of(anna, "anna_cu.mp4") > frames_of(plain, "anna_cu.mp4") + 100
    assert frames_of(anna, "ben_cu.mp4") < frames_of(plain, "ben_cu.mp4")
    assert {c.idiom for c in anna.video if c.take == "anna_cu.mp4"} >= {"emphasize_character"}
    # No start-wide weight: the opening is no longer the two-shot.
    assert switch_multicam(scene, weights={"start_wide": 0}).video[0].take != "two.mp4"
    # Re-establishing: going wide every 5 s shows the two-shot more than every 1000 s.
    often = switch_multicam(scene, wide_every_seconds=5)
    assert frames_of(often, "two.mp4") > frames_of(plain, "two.mp4")
    # A style by name, and the errors the dialogue editor gives.
    assert switch_multicam(scene, style="paper").style == "paper"
    with pytest.raises(ConfigError, match="unknown idiom"):
        switch_multicam(scene, weights={"speaker_visable": 1.0})
    with pytest.raises(ConfigError, match="unknown style"):
        switch_multicam(scene, style="fastest")
    # Angles that share no time with the lines on their clock are refused, by name (BEN's close-up
    # stopped before the first line).
    apart = [replace(t, duration_frames=50) if t.name == "ben_cu.mp4" else t for t in scene.takes]
    with pytest.raises(RoughcutError, match="share no time"):
        switch_multicam(replace(scene, takes=tuple(apart)), angles=["two.mp4", "ben_cu.mp4"])
