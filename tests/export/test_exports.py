"""Every export of a cut, read back through OpenTimelineIO, frame-exact at the common rates."""

from __future__ import annotations

import dataclasses
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest

from roughcut.edit import edit_scene, to_timeline
from roughcut.edit.coverage import SceneCoverage
from roughcut.errors import ConfigError, RoughcutError
from roughcut.export import check_round_trip, read_back, write_all

TIMELINES = ("otio", "fcp7", "fcpx", "edl", "aaf")


def _rerated(coverage: SceneCoverage, rate: Fraction) -> SceneCoverage:
    takes = tuple(dataclasses.replace(t, frame_rate=rate) for t in coverage.takes)
    return dataclasses.replace(coverage, takes=takes)


@pytest.mark.parametrize("rate", [Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001)])
def test_every_timeline_format_reads_back_frame_exact(
    demo_coverage: SceneCoverage, rate: Fraction, tmp_path: Path
) -> None:
    coverage = _rerated(demo_coverage, rate)
    cut = edit_scene(
        coverage, l_cut_frames=3, style="reactive", params={"listener_reaction": {"min_seconds": 3.5}}
    )
    timeline = to_timeline(cut, coverage)
    paths = write_all(timeline, tmp_path, [*TIMELINES, "ale"])
    assert set(paths) == {*TIMELINES, "ale"}
    report = check_round_trip(timeline, paths)
    assert report == {fmt: [] for fmt in TIMELINES}
    # The checker itself notices a one-frame slip.
    slipped = timeline.clone()
    clip = slipped.tracks[0][1]
    clip.source_range = otio.opentime.TimeRange(
        clip.source_range.start_time + otio.opentime.RationalTime(1, float(rate)), clip.source_range.duration
    )
    from roughcut.export.verify import differences

    assert differences(timeline, slipped, rate)


def test_ale_logs_every_take_with_analysis_columns(demo_coverage: SceneCoverage, tmp_path: Path) -> None:
    cut = edit_scene(demo_coverage)
    timeline = to_timeline(cut, demo_coverage)
    path = write_all(timeline, tmp_path, ["ale"])["ale"]
    log = read_back(path, "ale", cut.rate)
    clips = list(log.find_clips())
    assert [c.name for c in clips] == [Path(t.name).stem for t in demo_coverage.takes]
    wide = clips[0]
    columns = wide.metadata["ALE"]
    assert columns["Shot Size"] == "MS" and columns["Characters"] == "NORA, GRACE"
    assert columns["Lines"].split() == [line.id for line in demo_coverage.lines]
    used = [line.line_id for line in cut.lines if line.take == "A01_wide.mp4"]
    assert columns["Used For Lines"].split() == used
    take = demo_coverage.takes[0]
    assert wide.source_range.duration.value == take.duration_frames
    assert wide.source_range.start_time.value == 86400  # 01:00:00:00


def test_srt_of_the_cut_keeps_the_timed_text_rules(demo_coverage: SceneCoverage, tmp_path: Path) -> None:
    from roughcut.speech.subtitles import check_subtitles, read_subtitles

    cut = edit_scene(demo_coverage, pace="tight")
    path = write_all(to_timeline(cut, demo_coverage), tmp_path, ["srt"])["srt"]
    assert check_subtitles(path) == []
    cues = read_subtitles(path)
    # Every word of the script, in order, and each cue inside the speech of one line of the cut.
    shown = " ".join(" ".join(cue.lines) for cue in cues).split()
    assert shown == " ".join(line.text for line in cut.lines).split()
    spans = [(1000 * line.speech_in / cut.rate, 1000 * line.speech_out / cut.rate) for line in cut.lines]
    for cue in cues:
        assert any(start - 1 <= cue.start_ms < end for start, end in spans), cue
    assert abs(cues[0].start_ms - spans[0][0]) <= 1


def test_html_report_has_a_row_per_line_with_pictures(demo_coverage: SceneCoverage, tmp_path: Path) -> None:
    cut = edit_scene(demo_coverage)
    path = write_all(to_timeline(cut, demo_coverage), tmp_path, ["html"])["html"]
    page = path.read_text()
    rows = re.findall(r"<tr><td>([\d.]+)<br>", page)
    assert rows == [line.line_id for line in cut.lines]
    images = re.findall(r"<img src='([^']+)'", page)
    assert len(images) >= len(cut.lines)
    for image in images:
        assert (tmp_path / image).stat().st_size > 1000
    assert "start_wide" in page and "speaker_visible" in page


def test_never_writes_over_a_file_roughcut_did_not_make(demo_coverage: SceneCoverage, tmp_path: Path) -> None:
    timeline = to_timeline(edit_scene(demo_coverage), demo_coverage)
    mine = tmp_path / "scene_1.edl"
    mine.write_text("the editor's own EDL")
    with pytest.raises(RoughcutError, match="scene_1.edl: exists and was not made by roughcut"):
        write_all(timeline, tmp_path, ["edl"])
    assert mine.read_text() == "the editor's own EDL"
    first = write_all(timeline, tmp_path, ["otio"])["otio"]
    again = write_all(timeline, tmp_path, ["otio"])["otio"]  # its own file: rewritten
    assert first == again and first.exists()
    with pytest.raises(ConfigError, match="unknown export format mov"):
        write_all(timeline, tmp_path, ["mov"])


def test_preview_renders_the_cut_frame_exact_with_burn_in(
    demo_coverage: SceneCoverage, tmp_path: Path
) -> None:
    from roughcut.media import probe, read_audio, read_frames

    cut = edit_scene(demo_coverage)
    timeline = to_timeline(cut, demo_coverage)
    for track in timeline.tracks:  # the first three shots are enough
        while len(track) > 3:
            del track[-1]
    frames = round(timeline.tracks[0].duration().value)
    paths = write_all(timeline, tmp_path, ["mp4"], preview_height=360)
    info = probe(paths["mp4"])
    assert info.video.frame_rate == Fraction(24000, 1001) and info.video.frame_count == frames
    assert (info.video.width, info.video.height) == (640, 360)
    # The picture at the start of shot 2 is the chosen take's frame there.
    second = cut.video[1]
    out = next(
        read_frames(paths["mp4"], start_frame=second.record_in + 2, end_frame=second.record_in + 3)
    ).image
    source = next(
        read_frames(
            demo_coverage.take(second.take).path,
            width=640,
            start_frame=second.source_in + 2,
            end_frame=second.source_in + 3,
        )
    ).image
    other = next(
        read_frames(
            demo_coverage.take("A01_wide.mp4").path,
            width=640,
            start_frame=second.source_in + 2,
            end_frame=second.source_in + 3,
        )
    ).image
    body = slice(60, 360)
    error = np.abs(out[body].astype(int) - source[body]).mean()
    assert error < 6 < np.abs(out[body].astype(int) - other[body]).mean()
    assert np.abs(out[10:22, 10:100].astype(int) - source[10:22, 10:100]).mean() > 20  # the burnt-in label
    # The sound is the chosen take's, in sync: compare line 1.2's first second.
    line = cut.lines[1]
    rendered = read_audio(paths["mp4"]).samples
    original = read_audio(demo_coverage.take(line.take).path).samples
    a = round(line.speech_in / cut.rate * 16000)
    item = demo_coverage.get(line.line_id, line.take)
    b = round(item.start_frame / demo_coverage.take(line.take).frame_rate * 16000)
    x, y = rendered[a : a + 16000], original[b : b + 16000]
    assert np.corrcoef(x, y)[0, 1] > 0.9


def test_edl_reel_names_are_distinct_per_file() -> None:
    from roughcut.export.adapters import edl_reel_names

    urls = [
        "file:///shoot/takes/B01_nora_cu.mp4",
        "file:///shoot/sound/B01_nora_cu.wav",  # the take's field recording: same stem
        "file:///shoot/takes/B01_nora_cu_alt.mp4",  # differs only after 8 characters
        "file:///shoot/takes/B01_nora_cu.mp4",  # used again: the same reel
        "file:///shoot/takes/A%2001%20wide.mov",
    ]
    names = edl_reel_names(urls)
    assert names == {
        urls[0]: "B01norac",
        urls[1]: "B01nora2",
        urls[2]: "B01nora3",
        urls[4]: "A01wide",
    }


def test_an_edl_of_more_than_999_events_reads_back(tmp_path: Path) -> None:
    from roughcut.export.adapters import write_edl

    rate = 24
    timeline = otio.schema.Timeline(name="long")
    timeline.metadata["roughcut"] = {"frame_rate": "24"}
    for kind in (otio.schema.TrackKind.Video, otio.schema.TrackKind.Audio):
        track = otio.schema.Track(name="V1" if kind == "Video" else "A1", kind=kind)
        for k in range(1005):  # more than 999 events on each track
            track.append(
                otio.schema.Clip(
                    name=f"take{k % 7}",
                    media_reference=otio.schema.ExternalReference(
                        target_url=f"file:///shoot/take{k % 7}.mov"
                    ),
                    source_range=otio.opentime.TimeRange(
                        otio.opentime.RationalTime(100 + 3 * k, rate),
                        otio.opentime.RationalTime(2 + k % 3, rate),
                    ),
                )
            )
        timeline.tracks.append(track)
    path = write_edl(timeline, tmp_path / "long.edl")
    numbers = [int(line.split()[0]) for line in path.read_text().splitlines() if re.match(r"\d+\s", line)]
    assert numbers == list(range(1, 2011))
    back = read_back(path, "edl", Fraction(rate))
    from roughcut.export.verify import differences

    assert differences(timeline, back, Fraction(rate)) == []


def test_a_quote_in_a_take_name_writes_and_reads_back_in_every_format(tmp_path: Path) -> None:
    """``nora's take.mp4``: the FCPXML adapter looked assets up by XPath predicates, which a quote
    breaks; and media without timecode whose first event's source in equals its record in got its
    timecodes written twice in the EDL. Every timeline format now writes and reads back frame-exact."""
    from roughcut.export import export_formats

    rate = 24
    timeline = otio.schema.Timeline(name="scene")
    track = otio.schema.Track(kind=otio.schema.TrackKind.Video)
    timeline.tracks.append(track)
    for start, name in ((0, "nora's take"), (30, 'ben "wide"')):
        media = otio.schema.ExternalReference(
            target_url=(tmp_path / f"{name}.mp4").as_uri(),
            available_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(100, rate)
            ),
        )
        track.append(
            otio.schema.Clip(
                name=name,
                media_reference=media,
                source_range=otio.opentime.TimeRange(
                    otio.opentime.RationalTime(start, rate), otio.opentime.RationalTime(48, rate)
                ),
            )
        )
    formats = [name for name, fmt in export_formats().items() if fmt.timeline]
    paths = write_all(timeline, tmp_path / "out", formats)
    assert set(paths) == set(formats)
    assert check_round_trip(timeline, paths) == {fmt: [] for fmt in formats}
