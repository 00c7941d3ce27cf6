"""The subtitle checker against the Netflix English timed-text rules: planted violations of every
rule beside clean cases on the edge of each limit, characters counted as a viewer sees them, all
pairs of cues checked in time order, encodings, and the messages (cue, rule, fix)."""

from __future__ import annotations

import unicodedata
from collections import Counter
from fractions import Fraction

import pytest
from click.testing import CliRunner

from roughcut._cli import main
from roughcut.errors import RoughcutError
from roughcut.speech.subtitles import (
    NETFLIX_MAX_CPS_ADULT,
    NETFLIX_MAX_CPS_CHILDREN,
    NETFLIX_MAX_DURATION_S,
    NETFLIX_MAX_LINE_CHARS,
    NETFLIX_MAX_LINES,
    NETFLIX_MIN_DURATION_S,
    NETFLIX_MIN_GAP_FRAMES,
    Cue,
    SubtitleRules,
    check_cues,
    check_subtitles,
    read_subtitles,
    summary,
    visible_length,
)

FORTY = "Forty characters of dialogue, all right?"  # 40 visible characters
FORTY_TWO = "Forty-two characters of dialogue, alright?"
NFD = unicodedata.normalize("NFD", "Élodie, Émile et Zoë écoutent l'été là.")

#: (start ms, end ms, text, rules it breaks): every cue in its own 10 s slot unless it is planted
#: against a neighbour.
PLANTED: list[tuple[int, int, str, list[str]]] = [
    (1000, 3000, "Hello there.", []),
    (10000, 14000, "This line is much longer than forty-two characters.", ["line length"]),
    (20000, 24000, "One,\ntwo,\nthree.", ["lines"]),
    (30000, 30500, "Hi.", ["min duration"]),
    (40000, 47500, "Long.", ["max duration"]),
    (50000, 51000, "Twenty-five characters!!!", ["reading speed"]),
    (60000, 62000, FORTY, []),  # exactly 20 characters a second
    (70000, 73000, FORTY_TWO, []),  # exactly 42 characters
    (80000, 80833, "Yes.", []),  # 5/6 s to the millisecond
    (90000, 97000, "Seven seconds.", []),  # exactly 7 s
    (100000, 103000, "Tom &amp; Jerry &amp; Spike &amp; Tyke run far.", []),  # 43 written, 35 seen
    (110000, 112000, "{\\an8}" + FORTY, []),  # override code: 46 written, 40 seen
    (120000, 123000, NFD, []),  # decomposed accents: one character each
    (130000, 129000, "Backwards.", ["timing"]),  # one violation, not a duration and a speed
    (140000, 140000, "Zero.", ["timing"]),
    (150000, 152000, "", ["empty"]),
    (160000, 162000, "<i></i>", ["empty"]),
    (170000, 172000, "{\\an8}", ["empty"]),
    (180000, 182000, "First.", ["gap"]),  # 50 ms before the next
    (182050, 184000, "Second.", []),
    (190000, 192000, "Two frames.", []),  # an 83 ms gap: 2 frames at 23.976, to the ms
    (192083, 194000, "Apart.", []),
    (200000, 202000, "One frame", ["gap"]),  # 82 ms
    (202082, 204000, "too close.", []),
    (210000, 212000, "Touching", ["gap"]),  # 0 ms
    (212000, 214000, "cues.", []),
    (220000, 223000, "Overlapping", ["overlap"]),
    (222000, 224000, "its neighbour.", []),
    (230000, 236000, "A long cue over two others.", ["overlap", "overlap"]),  # not only the next
    (232000, 233000, "Inside.", []),
    (234000, 235000, "Also inside.", []),
    (250000, 252000, "Later.", []),
    (245000, 247000, "Written after, shown before.", ["order"]),  # out of order, no overlap
    (
        260000,
        260500,
        "Three lines and\nthis second line is far too long for the screen\nand fast.",
        ["lines", "line length", "min duration", "reading speed"],
    ),
    (270000, 270832, "No.", ["min duration"]),  # 1 ms short
    (280000, 287001, "Too long.", ["max duration"]),  # 1 ms long
    (290000, 292000, FORTY + "!", ["reading speed"]),  # 41 characters in 2 s
    (300000, 303000, "1\n2\n3\n4", ["lines"]),
    (310000, 313000, "Short line.\n<i>" + FORTY_TWO + "!</i>", ["line length"]),  # line 2, tags not seen
    (320000, 325000, "Holds another.", ["overlap"]),
    (321000, 322000, "Held.", []),
    (330000, 332000, "&nbsp;", ["empty"]),
    (340000, 339000, "Backwards and far too long for one line of subtitles.", ["timing", "line length"]),
    (350000, 352000, "Fine.", []),
    (349000, 350500, "x", ["order"]),  # and an overlap, on "Fine."
    (360000, 362000, "Café &amp; crème.", []),
    (365000, 366000, "Ça, c’est la fête d’été à Noël, où ça?", ["reading speed"]),  # 38 a second
    (367000, 369500, "<i>Forty-three characters of dialogue, right?!</i>", ["line length", "gap"]),
    (369550, 371000, "Too close again.", []),
    (375000, 377000, "Last.", []),
]


def _srt(cues: list[tuple[int, int, str, list[str]]]) -> str:
    def stamp(ms: int) -> str:
        return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"

    return "\n".join(f"{n}\n{stamp(a)} --> {stamp(b)}\n{text}\n" for n, (a, b, text, _) in enumerate(cues, 1))


def test_the_rules_are_the_netflix_english_rules():
    rules = SubtitleRules()
    assert (rules.max_line_chars, rules.max_lines) == (NETFLIX_MAX_LINE_CHARS, NETFLIX_MAX_LINES) == (42, 2)
    assert rules.max_cps == NETFLIX_MAX_CPS_ADULT == 20 and NETFLIX_MAX_CPS_CHILDREN == 17
    assert (rules.min_duration_s, rules.max_duration_s) == (NETFLIX_MIN_DURATION_S, NETFLIX_MAX_DURATION_S)
    assert Fraction(5, 6) == NETFLIX_MIN_DURATION_S and NETFLIX_MAX_DURATION_S == 7
    assert rules.min_gap_frames == NETFLIX_MIN_GAP_FRAMES == 2


def test_every_planted_violation_is_found_and_nothing_else(tmp_path):
    assert len(FORTY) == 40 and len(FORTY_TWO) == 42
    assert len(NFD) > 42 and len(unicodedata.normalize("NFC", NFD)) <= 42  # planted as meant
    path = tmp_path / "planted.srt"
    path.write_text(_srt(PLANTED), encoding="utf-8")
    expected = Counter((n, rule) for n, (_, _, _, rules) in enumerate(PLANTED, 1) for rule in rules)
    # the out-of-order "x" overlaps "Fine.": reported once, on the cue written first
    expected[(next(n for n, cue in enumerate(PLANTED, 1) if cue[2] == "Fine."), "overlap")] += 1
    assert sum(expected.values()) >= 33
    found = Counter((v.cue, v.rule) for v in check_subtitles(path))
    assert found - expected == Counter(), "false alarms"
    assert expected - found == Counter(), "missed"
    assert {rule for _, rule in expected} == {
        "line length", "lines", "min duration", "max duration", "reading speed", "timing", "empty",
        "gap", "overlap", "order",
    }  # fmt: skip


def test_characters_are_counted_as_seen():
    assert visible_length("Tom &amp; Jerry") == len("Tom & Jerry")
    assert visible_length("{\\an8}<i>Hi</i>") == 2
    assert visible_length(unicodedata.normalize("NFD", "Café")) == 4
    assert visible_length("ok 👍🏽") == 4  # an emoji with its skin tone is one character


def test_messages_name_the_cue_the_rule_and_the_fix(tmp_path):
    path = tmp_path / "few.srt"
    path.write_text(_srt([(1000, 3000, "Fine.", []), (5000, 4000, "Backwards.", [])]), encoding="utf-8")
    (violation,) = check_subtitles(path)
    text = str(violation)
    assert text.startswith("cue 2: timing: at 00:00:05.000 ends at 00:00:04.000, before it starts")
    assert "fix: give it an end time after its start" in text
    assert "inf" not in text and "-1000" not in text
    gap = check_cues([Cue(0, 2000, ("A.",)), Cue(2050, 4000, ("B.",))])[0]
    assert str(gap) == (
        "cue 1: gap: ends 50 ms before cue 2 starts at 00:00:02.050 (at least 2 frames = 83.4 ms at "
        "23.976 fps); fix: end it at 00:00:01.966 or earlier"
    )
    fast = check_cues([Cue(0, 1000, ("Twenty-five characters!!!",))])[0]
    assert "25 characters in 1000 ms" in str(fast) and "fix: keep it on screen 1250 ms or more" in str(fast)


def test_children_programmes_read_at_17_characters_a_second():
    cue = Cue(0, 2000, ("Thirty-six characters of dialogue!!",))
    assert check_cues([cue]) == []
    assert [v.rule for v in check_cues([cue], SubtitleRules(max_cps=NETFLIX_MAX_CPS_CHILDREN))] == [
        "reading speed"
    ]


@pytest.mark.parametrize(
    ("rate", "passes", "fails"),
    [
        (Fraction(24000, 1001), 83, 82),
        (Fraction(25), 80, 79),
        (Fraction(30000, 1001), 66, 65),
        (Fraction(24), 83, 82),
    ],
)
def test_the_gap_is_two_frames_at_every_rate(rate, passes, fails):
    rules = SubtitleRules(frame_rate=rate)
    for gap, broken in ((passes, False), (fails, True)):
        cues = [Cue(0, 2000, ("A.",)), Cue(2000 + gap, 4000, ("B.",))]
        assert bool(check_cues(cues, rules)) is broken, (rate, gap)


@pytest.mark.parametrize("name", ["frame_rate", "max_cps"])
@pytest.mark.parametrize("value", [0, -24])
def test_a_rate_that_is_not_above_zero_is_refused(name, value):
    with pytest.raises(RoughcutError, match=name):
        SubtitleRules(**{name: value})


@pytest.mark.parametrize("fps", ["0", "-24", "abc", "1/0"])
def test_cli_refuses_a_bad_frame_rate(tmp_path, fps):
    path = tmp_path / "ok.srt"
    path.write_text(_srt([(1000, 3000, "Fine.", [])]), encoding="utf-8")
    result = CliRunner().invoke(main, ["-q", "subtitles", "check", str(path), f"--fps={fps}"])
    assert result.exit_code == 1 and f"--fps {fps!r}" in result.output
    assert "must be above 0" in result.output or "not a frame rate" in result.output
    assert not isinstance(result.exception, ZeroDivisionError)


def test_cli_reads_23_976_as_24000_over_1001(tmp_path):
    path = tmp_path / "gap.srt"
    path.write_text(_srt([(0, 2000, "A.", []), (2083, 4000, "B.", [])]), encoding="utf-8")
    result = CliRunner().invoke(main, ["-q", "subtitles", "check", str(path), "--fps", "23.976"])
    assert result.exit_code == 0, result.output
    assert "2 cues, 0 rule violations" in result.output


@pytest.mark.parametrize("text", ["", "\n\n", "WEBVTT\n\n", "WEBVTT\n\nNOTE nothing here\n"])
def test_a_file_without_cues_fails(tmp_path, text):
    path = tmp_path / ("empty.vtt" if text.startswith("WEBVTT") else "empty.srt")
    path.write_text(text, encoding="utf-8")
    assert [v.rule for v in check_subtitles(path)] == ["empty file"]
    result = CliRunner().invoke(main, ["-q", "subtitles", "check", str(path)])
    assert (
        result.exit_code == 1
        and "file: empty file" in result.output
        and "0 cues, 1 rule violation" in result.output
    )


def test_an_empty_cue_fails_the_cli(tmp_path):
    path = tmp_path / "blank.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:03,000\n\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["-q", "subtitles", "check", str(path)])
    assert result.exit_code == 1 and "cue 1: empty" in result.output


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_windows_and_utf16_files_are_read(tmp_path, encoding):
    text = "1\r\n00:00:01,000 --> 00:00:03,000\r\n“Café”, she said – twice.\r\n"
    path = tmp_path / f"{encoding}.srt"
    path.write_bytes(text.encode(encoding))
    (cue,) = read_subtitles(path)
    assert cue.lines == ("“Café”, she said – twice.",)
    assert check_subtitles(path) == []


def test_summary_says_singular_and_plural():
    assert summary(1, 1) == "1 cue, 1 rule violation"
    assert summary(3, 0) == "3 cues, 0 rule violations"


def test_made_subtitles_list_their_violations(capsys):
    from roughcut._cli.speech import _report_made

    cues = [Cue(0, 500, ("Hi.",))]
    _report_made("out.srt", cues, check_cues(cues))
    printed = capsys.readouterr().out
    assert "out.srt: 1 cue, 1 rule violation" in printed
    assert "cue 1: min duration: at 00:00:00.000 is on screen 500 ms" in printed


def test_webvtt_text_is_escaped_and_read_back_by_webvtt_py(tmp_path):
    import html

    import webvtt

    from roughcut.speech.subtitles import write_subtitles

    cues = [Cue(1000, 3000, ("Fish & chips <3",)), Cue(3500, 5000, ("a > b",))]
    path = write_subtitles(cues, tmp_path / "escaped.vtt")
    assert "Fish &amp; chips &lt;3" in path.read_text(encoding="utf-8")
    # webvtt-py hands back the cue payload as written (entities not decoded)
    assert [html.unescape(caption.text) for caption in webvtt.read(str(path))] == ["Fish & chips <3", "a > b"]
    assert read_subtitles(path) == cues
