"""The scene summary reel on the demo: length to the frame, whole words, script order, every format."""

from __future__ import annotations

from pathlib import Path

import pytest

from roughcut.summary import scene_reel
from roughcut.summary.reel import turning_point

from ._words import aligned_words, cut_words, truth_words

#: How far a cut may go into a word of the demo's truth: the aligner's own error at a word's edge
#: (the cut itself never enters an aligned word).
TRUTH_TOLERANCE_S = 0.06


def _check_whole_words(result, analysis, project: Path) -> None:  # type: ignore[no-untyped-def]
    truth = truth_words(project)
    for clip in result.clips:
        rate = analysis.visions[clip.take].frame_rate
        assert clip.source_in <= clip.speech_in < clip.speech_out <= clip.source_out
        assert (
            cut_words(aligned_words(analysis.alignments[clip.take]), clip.source_in, clip.source_out, rate)
            == []
        )
        intrusions = cut_words(truth[clip.take], clip.source_in, clip.source_out, rate)
        assert all(depth <= TRUTH_TOLERANCE_S for _, depth in intrusions), (clip.line_id, intrusions)


@pytest.mark.parametrize("seconds", [8, 12.5, 20])
def test_reel_is_the_length_asked_in_whole_lines(
    demo_analysis, demo_coverage, demo_project: Path, seconds
) -> None:  # type: ignore[no-untyped-def]
    result = scene_reel(demo_coverage, demo_analysis.alignments, seconds=seconds, text=demo_analysis.text)
    rate = result.rate
    assert abs(result.frames - seconds * rate) <= 1, (result.frames, float(seconds * rate), result.notes)
    assert result.frames == result.cut.duration_frames == sum(c.frames for c in result.clips)
    order = [line.id for line in demo_coverage.lines]
    ids = [c.line_id for c in result.clips]
    assert ids == sorted(ids, key=order.index) and len(set(ids)) == len(ids)
    assert len(ids) < len(order)  # a summary, not the scene
    _check_whole_words(result, demo_analysis, demo_project)
    if seconds >= 12:
        assert {c.character for c in result.clips} == {"NORA", "GRACE"}
        assert turning_point(order, demo_analysis.text) in ids


def test_reel_longer_than_the_scene_says_so(demo_analysis, demo_coverage, demo_project: Path) -> None:  # type: ignore[no-untyped-def]
    result = scene_reel(demo_coverage, demo_analysis.alignments, seconds=90, text=demo_analysis.text)
    assert [c.line_id for c in result.clips] == [line.id for line in demo_coverage.lines]
    assert result.frames < result.requested_frames
    assert any("not 90 s" in note for note in result.notes)
    _check_whole_words(result, demo_analysis, demo_project)


def test_reel_is_written_in_every_format_and_reads_back(demo_analysis, demo_coverage, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import opentimelineio as otio

    from roughcut.export import FORMATS, check_round_trip

    formats = [f for f in FORMATS if f != "mp4"]  # the preview is the trailer test's
    result = scene_reel(
        demo_coverage,
        demo_analysis.alignments,
        seconds=12,
        text=demo_analysis.text,
        out_dir=tmp_path,
        formats=formats,
    )
    assert sorted(result.paths) == sorted(formats)
    assert all(path.stat().st_size > 0 for path in result.paths.values())
    back = otio.adapters.read_from_file(str(result.paths["otio"]))
    assert back.duration().value == result.frames
    assert back.metadata["roughcut"]["summary"]["requested_frames"] == result.requested_frames
    assert {
        fmt: problems for fmt, problems in check_round_trip(result.timeline, result.paths).items() if problems
    } == {}
    subtitles = result.paths["srt"].read_text(encoding="utf-8")
    assert all(clip.text.split()[0] in subtitles for clip in result.clips)
