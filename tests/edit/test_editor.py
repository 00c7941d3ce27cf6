"""The editor evaluated on the demo scene and on a scene composited from real GRID recordings."""

from __future__ import annotations

import dataclasses
import itertools
import math
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest

from roughcut.edit import edit_scene, switch_multicam, to_timeline
from roughcut.edit.coverage import SceneCoverage
from roughcut.edit.cut import Cut
from roughcut.errors import ConfigError, RoughcutError

SCENES = ["demo_coverage", "grid_scene"]


@pytest.fixture(params=SCENES)
def scene(request: pytest.FixtureRequest) -> SceneCoverage:
    return request.getfixturevalue(request.param)


def jump_cuts(cut: Cut, coverage: SceneCoverage) -> list[tuple[str, str]]:
    """Adjacent shots with the same framing of the same people: two takes alike, or one take with
    time cut out between them."""
    found = []
    for a, b in itertools.pairwise(cut.shots()):
        ta, tb = coverage.take(a.take), coverage.take(b.take)
        alike = ta.shot_size == tb.shot_size and set(ta.characters_visible) == set(tb.characters_visible)
        if a.take == b.take or alike:
            found.append((a.take, b.take))
    return found


def test_speaker_visible_on_every_line_where_any_take_shows_the_speaker(scene: SceneCoverage) -> None:
    cut = edit_scene(scene)
    checked = 0
    for line in cut.lines:
        could = any(
            c.speaker_visible for (line_id, _), c in scene.coverage.items() if line_id == line.line_id
        )
        if could:
            checked += 1
            assert scene.get(line.line_id, line.take).speaker_visible, line
    assert checked == len(scene.lines)


def test_without_speaker_visible_the_cut_may_hide_the_speaker(demo_coverage: SceneCoverage) -> None:
    cut = edit_scene(
        demo_coverage,
        style="paper",
        weights={"speaker_visible": 0, "emphasize_character": 3},
        params={"emphasize_character": {"character": "GRACE"}},
    )
    hidden = [line for line in cut.lines if not demo_coverage.get(line.line_id, line.take).speaker_visible]
    assert hidden  # NORA's lines now show GRACE listening


@pytest.mark.parametrize("pace", ["tight", "normal", "relaxed"])
def test_no_jump_cuts_with_the_idiom_on(scene: SceneCoverage, pace: str) -> None:
    assert jump_cuts(edit_scene(scene, pace=pace), scene) == []


def test_tightening_a_pause_inside_one_take_is_a_jump_cut(demo_coverage: SceneCoverage) -> None:
    # The demo's pauses (0.7 s) are longer than the tight pace allows (0.5 s): staying on the wide
    # shot from line 1.1 to 1.2 would cut time out of it.
    off = edit_scene(
        demo_coverage, pace="tight", weights={"avoid_jump_cuts": 0}, pins={"1.2": "A01_wide.mp4"}
    )
    assert ("A01_wide.mp4", "A01_wide.mp4") in jump_cuts(off, demo_coverage)


def test_avoid_jump_cuts_decides_when_a_jump_cut_tempts(grid_scene: SceneCoverage) -> None:
    # ADAM says lines G.1 and G.2 in a row; T4 is his faster close-up, framed as T2.
    tempting = {"performance_fast": 5.0, "start_wide": 0.0}
    pins = {"G.1": "T2_adam_cu.mp4"}
    off = edit_scene(grid_scene, weights={**tempting, "avoid_jump_cuts": 0.0}, pins=pins)
    assert jump_cuts(off, grid_scene)
    on = edit_scene(grid_scene, weights={**tempting, "avoid_jump_cuts": 8.0}, pins=pins)
    assert jump_cuts(on, grid_scene) == []
    fast = next(a for a in on.line("G.2").alternatives if a.take == "T4_adam_cu_fast.mp4")
    assert fast.idiom == "avoid_jump_cuts"
    pinned = off.line("G.1")  # the pin costs speed: the faster take is named, and by what
    assert pinned.idiom == "pinned" and pinned.alternatives[0].take == "T4_adam_cu_fast.mp4"
    assert pinned.alternatives[0].margin < 0 and pinned.alternatives[0].idiom == "performance_fast"


def test_start_wide_puts_the_widest_take_first(scene: SceneCoverage) -> None:
    from roughcut.edit.coverage import shot_size_index

    cut = edit_scene(scene)
    first = cut.lines[0]
    widest = max(shot_size_index(scene.get(first.line_id, t.name).shot_size) for t in scene.takes)
    assert shot_size_index(scene.take(first.take).shot_size) == widest
    assert first.idiom == "start_wide"
    assert cut.video[0].take == first.take


def test_pace_changes_mean_shot_length_monotonically(scene: SceneCoverage) -> None:
    lengths = [edit_scene(scene, pace=p).mean_shot_seconds() for p in ("tight", "normal", "relaxed")]
    assert lengths[0] < lengths[1] < lengths[2]
    scaled = [edit_scene(scene, pace=p).duration_frames for p in (0.3, 0.6, 1.0, 1.5, 2.0)]
    assert scaled == sorted(scaled)


def test_pins_hold_and_alternatives_cost_exactly_what_a_pin_costs(scene: SceneCoverage) -> None:
    cut = edit_scene(scene)
    for line in cut.lines:
        for alternative in line.alternatives[:2]:
            pinned = edit_scene(scene, pins={line.line_id: alternative.take})
            assert pinned.line(line.line_id).take == alternative.take
            assert pinned.line(line.line_id).pinned and pinned.line(line.line_id).idiom == "pinned"
            assert pinned.cost == pytest.approx(alternative.cost)
            assert alternative.margin == pytest.approx(alternative.cost - cut.cost)
            assert alternative.margin >= -1e-9


def test_two_pins_hold_together(demo_coverage: SceneCoverage) -> None:
    pins = {"1.1": "C01_grace_cu.mp4", "1.4": "A01_wide.mp4"}
    cut = edit_scene(demo_coverage, pins=pins)
    assert {k: cut.line(k).take for k in pins} == pins


def test_cut_frames_are_exact_and_contiguous(scene: SceneCoverage) -> None:
    cut = edit_scene(scene, pace="tight")
    record = 0
    for clip in cut.video:
        assert clip.record_in == record and clip.frames > 0
        record = clip.record_out
        if clip.take:
            assert 0 <= clip.source_in < clip.source_out <= scene.take(clip.take).duration_frames
            assert clip.source_out - clip.source_in == clip.frames
    for line in cut.lines:
        item = scene.get(line.line_id, line.take)
        assert line.source_in <= item.start_frame and item.end_frame <= line.source_out
        assert line.speech_out - line.speech_in == item.end_frame - item.start_frame
        assert line.speech_in - line.record_in == item.start_frame - line.source_in
    assert sum(c.frames for c in cut.audio) == cut.duration_frames


def test_the_cut_falls_ninety_percent_into_the_pause(demo_coverage: SceneCoverage) -> None:
    cut = edit_scene(demo_coverage, pace=1.0, cut_fraction=0.9)
    for before, after in zip(cut.lines, cut.lines[1:], strict=False):
        if before.take == after.take:
            continue
        kept = after.speech_in - before.speech_out  # the record pause
        tail = before.record_out - before.speech_out
        assert tail == round(0.9 * kept) or abs(tail - 0.9 * kept) <= 1


def test_a_line_no_take_holds_becomes_a_marked_gap(demo_coverage: SceneCoverage) -> None:
    coverage = dict(demo_coverage.coverage)
    for take in demo_coverage.takes:
        del coverage[("1.4", take.name)]
    holey = dataclasses.replace(demo_coverage, coverage=coverage)
    cut = edit_scene(holey)
    assert cut.gaps == ("1.4",)
    assert any("1.4" in w and "gap" in w for w in cut.warnings)
    gap = cut.line("1.4")
    assert gap.is_gap and gap.record_out > gap.record_in
    assert next(c for c in cut.video if c.take is None).line_id == "1.4"
    timeline = to_timeline(cut, holey)
    gaps = [item for item in timeline.tracks[0] if isinstance(item, otio.schema.Gap)]
    assert len(gaps) == 1 and gaps[0].markers[0].name == "MISSING 1.4"
    assert [line.line_id for line in cut.lines if not line.is_gap] == [
        "1.1",
        "1.2",
        "1.3",
        "1.5",
        "1.6",
        "1.7",
        "1.8",
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weights": {"speaker_visible": -1}}, "must be 0 or more"),
        ({"weights": {"performance_fast": -2}}, "weight 'performance_slow' instead"),
        ({"weights": {"speaker_visible": float("nan")}}, "must be finite"),
        ({"weights": {"speaker_visble": 1}}, "unknown idiom 'speaker_visble'"),
        ({"weights": {"speaker_visible": "lots"}}, "must be a number"),
        ({"weights": {"speaker_visible": 1e9}}, "more than 1000"),
        (
            {
                "style": "paper",
                "weights": dict.fromkeys(
                    ("speaker_visible", "start_wide", "avoid_jump_cuts", "change_zoom_gradually"), 0
                ),
            },
            "every idiom weight is 0",
        ),
        ({"style": "hollywood"}, "unknown style 'hollywood'"),
        ({"pace": "glacial"}, "unknown pace 'glacial'"),
        ({"pace": 40.0}, "between 0.1 and 4"),
        ({"pins": {"9.9": "A01_wide.mp4"}}, "no line '9.9'"),
        ({"pins": {"1.1": "Z99.mp4"}}, "no take 'Z99.mp4'"),
        ({"j_cut_frames": 2, "l_cut_frames": 2}, "either a J cut"),
        ({"params": {"intensify_emotion": {"threshold": 0.5, "treshold": 1}}}, "no parameter treshold"),
    ],
)
def test_settings_that_make_no_sense_are_named(
    demo_coverage: SceneCoverage, kwargs: dict, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        edit_scene(demo_coverage, **kwargs)


def test_pin_to_a_take_without_the_line(demo_coverage: SceneCoverage) -> None:
    coverage = {k: v for k, v in demo_coverage.coverage.items() if k != ("1.2", "B01_nora_cu.mp4")}
    with pytest.raises(ConfigError, match="does not hold line 1.2"):
        edit_scene(dataclasses.replace(demo_coverage, coverage=coverage), pins={"1.2": "B01_nora_cu.mp4"})


@pytest.mark.parametrize(("j", "l_"), [(4, 0), (0, 4)])
def test_j_and_l_cuts_move_the_sound_cut(demo_coverage: SceneCoverage, j: int, l_: int) -> None:
    plain = edit_scene(demo_coverage)
    split = edit_scene(demo_coverage, j_cut_frames=j, l_cut_frames=l_)
    assert [c.record_in for c in split.video] == [c.record_in for c in plain.video]
    sound_cuts = [c.record_in for c in split.audio[1:]]
    picture_cuts = [c.record_in for c in split.video[1:]]
    assert sound_cuts == [p - j + l_ for p in picture_cuts]
    for clip in split.audio:  # the sound stays in sync with its own take
        assert clip.source_out - clip.source_in == clip.frames


def test_listener_reaction_cuts_away_during_long_lines(demo_coverage: SceneCoverage) -> None:
    plain = edit_scene(demo_coverage, style="reactive", weights={"listener_reaction": 0})
    assert not any(line.reaction for line in plain.lines)
    cut = edit_scene(demo_coverage, style="reactive", params={"listener_reaction": {"min_seconds": 3.5}})
    reacting = [line for line in cut.lines if line.reaction is not None]
    assert reacting
    for line in reacting:
        clip = line.reaction
        assert not demo_coverage.get(line.line_id, clip.take).speaker_visible
        assert demo_coverage.get(line.line_id, clip.take).visible_characters  # someone listens
        assert line.speech_in < clip.record_in < line.speech_out and clip.record_out == line.record_out
        assert line.idiom_costs["listener_reaction"] == 0  # scored inside the optimisation
        whole = next(a for a in line.alternatives if a.take == line.take and a.reaction is None)
        assert whole.idiom == "listener_reaction" and whole.margin > 0
    # Picture only: the sound of every line is its own take's.
    for line in cut.lines:
        heard = {c.take for c in cut.audio if c.record_in < line.speech_out and line.speech_in < c.record_out}
        assert heard == {line.take}


def test_a_different_rate_or_size_is_conformed_and_said(demo_coverage: SceneCoverage) -> None:
    takes = tuple(
        dataclasses.replace(t, frame_rate=Fraction(25), width=1920, height=1080)
        if t.name == "C01_grace_cu.mp4"
        else t
        for t in demo_coverage.takes
    )
    mixed = dataclasses.replace(demo_coverage, takes=takes)
    cut = edit_scene(mixed)
    assert cut.rate == Fraction(24000, 1001) and (cut.width, cut.height) == (1280, 720)
    text = " ".join(cut.warnings)
    assert (
        "C01_grace_cu.mp4: 25.000 fps, conformed" in text and "1920x1080, scaled to fit the 1280x720" in text
    )
    timeline = to_timeline(cut, mixed)
    clip = next(c for c in timeline.tracks[0] if c.name == "C01_grace_cu")
    assert clip.metadata["roughcut"]["conformed"] and clip.metadata["roughcut"]["source_frame_rate"] == "25/1"


def test_timeline_carries_tracks_markers_and_metadata(demo_coverage: SceneCoverage) -> None:
    cut = edit_scene(demo_coverage)
    timeline = to_timeline(cut, demo_coverage)
    video, audio = timeline.tracks
    assert video.kind == "Video" and audio.kind == "Audio"
    assert video.duration().value == cut.duration_frames == audio.duration().value
    assert math.isclose(video.duration().rate, 24000 / 1001)
    markers = [m.name for clip in video for m in clip.markers]
    assert markers == [line.line_id for line in cut.lines]
    meta = timeline.metadata["roughcut"]
    assert meta["schema"] == 1 and [line["take"] for line in meta["lines"]] == [
        line.take for line in cut.lines
    ]
    first = video[0]
    assert (
        first.metadata["roughcut"]["idiom"] == "start_wide"
        and first.metadata["roughcut"]["lines"][0] == "1.1"
    )
    # Source times count from the take's timecode (01:00:00:00 at 24 fps nominal = 86400).
    assert first.source_range.start_time.value == 86400 + cut.video[0].source_in


def test_multicam_switches_to_the_speaker_and_holds_shots(grid_scene: SceneCoverage) -> None:
    angles = ["T1_two.mp4", "T2_adam_cu.mp4", "T3_beth_cu.mp4"]
    cut = switch_multicam(
        grid_scene, angles=angles, min_shot_seconds=1.0, speaker_delay_seconds=0.25, wide_every_seconds=100
    )
    min_frames = 25
    assert all(clip.frames >= min_frames for clip in cut.video[:-1])
    assert [c.take for c in cut.audio] == ["T1_two.mp4"]  # the widest angle carries the dialogue
    delay = 8  # frames: the delay, rounded to the quarter-second steps, and one step
    shown = total = 0
    for line in cut.lines:
        for frame in range(line.speech_in + delay, line.speech_out):
            clip = next(c for c in cut.video if c.record_in <= frame < c.record_out)
            total += 1
            shown += line.character in grid_scene.take(clip.take).characters_visible
    assert shown / total >= 0.9
    cu_frames = sum(c.frames for c in cut.video if c.take != "T1_two.mp4")
    assert cu_frames > cut.duration_frames / 2  # the close-ups carry the dialogue
    often_wide = switch_multicam(grid_scene, angles=angles, min_shot_seconds=1.0, wide_every_seconds=3)
    assert sum(c.frames for c in often_wide.video if c.take == "T1_two.mp4") > sum(
        c.frames for c in cut.video if c.take == "T1_two.mp4"
    )


def test_multicam_refuses_separate_performances(demo_coverage: SceneCoverage) -> None:
    with pytest.raises(RoughcutError, match="not synchronised angles"):
        switch_multicam(demo_coverage)


def test_grid_cuts_deliver_frame_exact_at_25_fps(grid_scene: SceneCoverage, tmp_path: Path) -> None:
    from roughcut.export import check_round_trip, write_all
    from roughcut.media import probe

    angles = ["T1_two.mp4", "T2_adam_cu.mp4", "T3_beth_cu.mp4"]
    for name, cut in (
        ("edit", edit_scene(grid_scene, j_cut_frames=3)),
        ("multicam", switch_multicam(grid_scene, angles=angles, min_shot_seconds=1.0)),
    ):
        timeline = to_timeline(cut, grid_scene)
        paths = write_all(
            timeline, tmp_path, ["otio", "fcp7", "fcpx", "edl", "aaf", "mp4"], name=name, preview_height=360
        )
        assert check_round_trip(timeline, paths) == {
            fmt: [] for fmt in ("otio", "fcp7", "fcpx", "edl", "aaf")
        }
        info = probe(paths["mp4"])
        assert info.video.frame_rate == 25 and info.video.frame_count == cut.duration_frames


def test_cut_as_plain_data_for_the_web_ui(demo_coverage: SceneCoverage) -> None:
    import json

    cut = edit_scene(demo_coverage)
    data = json.loads(json.dumps(cut.as_dict()))
    assert data["rate"] == "24000/1001"
    assert [line["take"] for line in data["lines"]] == [line.take for line in cut.lines]
    assert data["lines"][0]["alternatives"][0]["take"] == cut.lines[0].alternatives[0].take
