"""The reel's and the trailer's mechanics on records made here: cut points, length, order, reasons."""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import pytest

from roughcut.edit.coverage import LineCoverage, LineInfo, SceneCoverage, TakeInfo
from roughcut.speech.align import LineAlignment, TakeAlignment, WordAlignment
from roughcut.summary.reel import LineWindow, line_window, share_frames
from roughcut.summary.trailer import moment_strength, trailer

RATE = Fraction(25)
SR = 16000


def _line(line_id: str, character: str, words: list[tuple[str, float, float]]) -> LineAlignment:
    timed = tuple(WordAlignment(t, round(s * SR), round(e * SR), SR, 1.0, True) for t, s, e in words)
    return LineAlignment(
        line_id, character, " ".join(t for t, _, _ in words), timed[0].start, timed[-1].end, SR, 1.0, timed
    )


def test_window_stops_at_the_neighbouring_words() -> None:
    # words of the line at 2.00-2.50 s; the word before ends at 1.01 s (inside frame 25), the next
    # starts at 2.99 s (inside frame 74)
    take = TakeAlignment(
        "t",
        (
            _line("1", "A", [("before", 0.5, 1.01)]),
            _line("2", "B", [("one", 2.0, 2.2), ("two", 2.25, 2.5)]),
            _line("3", "A", [("after", 2.99, 3.4)]),
        ),
        (),
        4.0,
    )
    window = line_window(take, "2", RATE, 100)
    assert (window.speech_in, window.speech_out) == (50, 63)
    assert (window.earliest, window.latest) == (26, 74)  # first frame after 1.01 s; frame 74 starts at 2.96 s
    assert line_window(take, "9", RATE, 100) is None
    tight = line_window(take, "2", RATE, 100, max_pause_s=0.2)
    assert (tight.earliest, tight.latest) == (45, 68)


@pytest.mark.parametrize("target", [30, 41, 60, 1000])
def test_frames_are_shared_to_the_exact_length(target: int) -> None:
    windows = [LineWindow("a", "t", 10, 20, 0, 25, ()), LineWindow("b", "t", 50, 58, 48, 70, ())]
    cuts = share_frames(windows, target)
    total = sum(b - a for a, b in cuts)
    most = sum(w.longest() for w in windows)
    assert total == max(min(target, most), sum(w.shortest() for w in windows))
    for (a, b), w in zip(cuts, windows, strict=True):
        assert w.earliest <= a <= w.speech_in and w.speech_out <= b <= w.latest


def test_questions_reveals_and_close_ups_make_a_moment_strong() -> None:
    plain, _, _ = moment_strength("We go at dawn.", 0.2, 0.5, "LS")
    question, _, reasons = moment_strength("Who checked it?", 0.2, 0.5, "LS")
    reveal, _, why = moment_strength("I never told you the truth.", 0.2, 0.5, "LS")
    close, _, _ = moment_strength("We go at dawn.", 0.2, 0.5, "CU")
    assert plain < question and plain < reveal and plain < close
    assert "a question" in reasons and "a reveal (never, told, truth)" in why


def _scene(number: str, lines: list[tuple[str, str, str, float, float]], take: TakeInfo) -> tuple:
    infos, coverage, aligned = [], {}, []
    for line_id, character, text, start, end in lines:
        infos.append(LineInfo(line_id, character, text, intensity=0.5))
        coverage[(line_id, take.name)] = LineCoverage(
            line_id, take.name, int(start * RATE), int(end * RATE) + 1, True, "centre", (character,), "CU"
        )
        words = text.split()
        step = (end - start) / len(words)
        aligned.append(
            _line(
                line_id,
                character,
                [(w, start + i * step, start + (i + 1) * step - 0.02) for i, w in enumerate(words)],
            )
        )
    scene = SceneCoverage(number, tuple(infos), (take,), coverage)
    return scene, TakeAlignment(take.name, tuple(aligned), (), float(take.duration_frames / RATE))


def test_trailer_across_two_scenes() -> None:
    def take(name: str) -> TakeInfo:
        return TakeInfo(name, Path(f"/nowhere/{name}.mp4"), RATE, 640, 360, 1000, "CU", ("A", "B"))

    one, first = _scene(
        "1",
        [("1.1", "A", "we go at dawn today", 1, 3), ("1.2", "B", "who checked the numbers twice", 5, 8.5)],
        take("s1"),
    )
    two, second = _scene(
        "2",
        [("2.1", "A", "i never told you the truth about her", 2, 6), ("2.2", "B", "fine", 8, 8.6)],
        take("s2"),
    )
    result = trailer([one, two], {"s1": first, "s2": second}, seconds=9)
    assert result.frames <= result.requested_frames == 225
    assert {m.scene for m in result.moments} == {"1", "2"}
    assert result.moments[-1].line_id == "2.1"  # the reveal is the strongest: it closes the trailer
    lengths = result.clip_frames
    assert all(a >= b for a, b in itertools.pairwise(lengths[:-1]))
    assert result.timeline.metadata["roughcut"]["summary"]["kind"] == "trailer"
