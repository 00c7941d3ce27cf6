"""The trailer on the demo: strongest moments, shots that shorten, a preview and the reasons."""

from __future__ import annotations

import itertools
from pathlib import Path

from roughcut.summary import trailer

from ._words import aligned_words, cut_words


def test_trailer_accelerates_ends_strong_and_explains(demo_analysis, demo_coverage, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from roughcut.media import probe

    result = trailer([demo_coverage], demo_analysis.alignments, seconds=15, out_dir=tmp_path)
    lengths = result.clip_frames
    assert len(result.moments) >= 3
    assert result.frames == sum(lengths) <= result.requested_frames
    assert all(a >= b for a, b in itertools.pairwise(lengths[:-1]))  # the button aside
    assert result.moments[-1].strength == max(m.strength for m in result.moments)
    # close-ups are preferred: every moment is in the tightest take that shows its speaker
    assert all(m.shot_size in ("CU", "MCU", "ECU") for m in result.moments)
    for moment, (a, b) in zip(result.moments, result.cuts, strict=True):
        rate = demo_analysis.visions[moment.take].frame_rate
        assert cut_words(aligned_words(demo_analysis.alignments[moment.take]), a, b, rate) == []
    video = probe(result.paths["mp4"]).video
    assert abs(video.frame_count - result.frames) <= 1
    page = result.paths["html"].read_text(encoding="utf-8")
    for moment in result.moments:
        assert moment.line_id in page and moment.reasons[0] in page
    assert "the button" in page
