"""Each idiom's costs on a small hand-made coverage (no media: the idioms read only the coverage)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from roughcut.edit.coverage import LineCoverage, LineInfo, SceneCoverage, TakeInfo
from roughcut.edit.features import scene_features
from roughcut.edit.idioms import registry
from roughcut.errors import ConfigError

RATE = Fraction(24)
#: name, size, visible characters and their sides.
TAKES = {
    "wide": ("LS", {"ANN": "left", "BOB": "right"}),
    "two": ("MS", {"ANN": "left", "BOB": "right"}),
    "ann_cu": ("CU", {"ANN": "centre"}),
    "ann_cu2": ("CU", {"ANN": "centre"}),
    "bob_cu": ("CU", {"BOB": "centre"}),
    "flipped": ("MS", {"ANN": "right", "BOB": "left"}),
}
LINES = (("1", "ANN", 0.1, 3.0), ("2", "BOB", 0.9, 0.5), ("3", "ANN", 0.4, 2.0))


def make_coverage(rates: dict[tuple[str, str], float] | None = None) -> SceneCoverage:
    takes = tuple(
        TakeInfo(name, Path(f"/nowhere/{name}.mov"), RATE, 1920, 1080, 400, size, tuple(sides), sides)
        for name, (size, sides) in TAKES.items()
    )
    lines = tuple(LineInfo(i, who, f"line {i}", intensity, ("w",) * 6) for i, who, intensity, _ in LINES)
    coverage = {}
    for k, (line_id, who, _, seconds) in enumerate(LINES):
        for name, (size, sides) in TAKES.items():
            start = 100 * k + 10
            coverage[(line_id, name)] = LineCoverage(
                line_id,
                name,
                start,
                start + round(seconds * 24),
                who in sides,
                sides.get(who),
                tuple(sides),
                size,
                speech_rate=(rates or {}).get((line_id, name), 3.0),
            )
    return SceneCoverage("T", lines, takes, coverage)


def costs(name: str, coverage: SceneCoverage, **params) -> np.ndarray:
    return registry()[name].costs(scene_features(coverage), params)


def col(name: str) -> int:
    return list(TAKES).index(name)


def test_speaker_visible_costs_one_where_the_speaker_is_not_seen() -> None:
    c = costs("speaker_visible", make_coverage())
    assert c[0, col("bob_cu")] == 1 and c[0, col("ann_cu")] == 0 and c[0, col("two")] == 0
    assert c[1, col("ann_cu")] == 1 and c[1, col("bob_cu")] == 0


def test_start_wide_prefers_the_widest_take_on_the_first_line_only() -> None:
    c = costs("start_wide", make_coverage())
    assert c[0, col("wide")] == 0 and c[0, col("ann_cu")] == 1
    assert 0 < c[0, col("two")] < 1
    assert not c[1:].any()
    assert costs("start_wide", make_coverage(), lines=2)[1].any()


def test_avoid_jump_cuts_only_between_same_framing_of_the_same_people() -> None:
    c = costs("avoid_jump_cuts", make_coverage())
    assert c[0, col("ann_cu"), col("ann_cu2")] == 1
    assert c[0, col("ann_cu"), col("ann_cu")] == 0  # no cut
    assert c[0, col("ann_cu"), col("bob_cu")] == 0  # another person
    assert c[0, col("two"), col("flipped")] == 1  # same size, same two people
    # Staying in one take across a pause the pace would shorten cuts time out of the shot.
    pause = (100 + 10) / 24 - (10 + 3 * 24) / 24  # line 1 ends, line 2 starts (seconds)
    tight = costs("avoid_jump_cuts", make_coverage(), max_pause_seconds=pause - 0.1)
    assert tight[0, col("two"), col("two")] == 1 and c[0, col("two"), col("two")] == 0


def test_change_zoom_gradually_punishes_jumps_over_one_size() -> None:
    c = costs("change_zoom_gradually", make_coverage())
    assert c[0, col("two"), col("flipped")] == 0  # same size
    assert c[0, col("two"), col("ann_cu")] == 0.5  # MS -> CU skips MCU
    assert c[0, col("wide"), col("ann_cu")] == 1  # LS -> CU skips three sizes


def test_mirror_position_keeps_screen_sides() -> None:
    c = costs("mirror_position", make_coverage())
    assert c[0, col("two"), col("flipped")] == 1
    assert c[0, col("two"), col("wide")] == 0
    assert c[0, col("two"), col("ann_cu")] == 0  # centre is no flip


def test_short_lines_forbid_cuts_around_a_short_line() -> None:
    c = costs("short_lines", make_coverage(), min_seconds=1.0)
    # Line 2 lasts 0.5 s: cutting into it and out of it costs; staying does not.
    assert c[0, col("ann_cu"), col("bob_cu")] == 1 and c[1, col("bob_cu"), col("ann_cu")] == 1
    assert c[0, col("two"), col("two")] == 0
    assert not costs("short_lines", make_coverage(), min_seconds=0.4).any()


def test_intensify_emotion_wants_the_tightest_shot_above_the_threshold() -> None:
    c = costs("intensify_emotion", make_coverage(), threshold=0.65)
    assert c[1, col("bob_cu")] == 0 and c[1, col("wide")] == 1
    # Close-ups are reserved for the intense line: on the calm ones a tighter shot costs.
    assert c[0, col("wide")] == 0 and c[0, col("ann_cu")] == 0.2 and 0 < c[0, col("two")] < 0.2
    assert not costs("intensify_emotion", make_coverage(), reserve=0.0)[[0, 2]].any()


def test_peaks_and_valleys_follow_the_arc() -> None:
    c = costs("peaks_and_valleys", make_coverage())
    assert c[1, col("bob_cu")] < c[1, col("wide")]  # the peak: tight
    assert c[0, col("wide")] < c[0, col("ann_cu")]  # the valley: wide


def test_performance_fast_and_slow_rank_speech_rates() -> None:
    coverage = make_coverage({("1", "ann_cu"): 4.0, ("1", "ann_cu2"): 2.0})
    fast, slow = costs("performance_fast", coverage), costs("performance_slow", coverage)
    assert fast[0, col("ann_cu")] == 0 and fast[0, col("ann_cu2")] == 1
    assert slow[0, col("ann_cu2")] == 0 and slow[0, col("ann_cu")] == 1


def test_emphasize_character_shows_them_closest() -> None:
    c = costs("emphasize_character", make_coverage(), character="BOB")
    assert c[1, col("bob_cu")] == 0 and c[1, col("ann_cu")] == 1  # BOB's own line
    assert 0 < c[1, col("wide")] <= 0.5
    assert c[0, col("bob_cu")] == 0 and c[0, col("ann_cu")] == 0.5  # ANN's longer line: half as strong
    assert not costs("emphasize_character", make_coverage()).any()
    with pytest.raises(ConfigError, match="no character 'EVE'"):
        costs("emphasize_character", make_coverage(), character="EVE")


def test_zoom_consistent_keeps_each_character_at_their_usual_size() -> None:
    c = costs("zoom_consistent", make_coverage())
    # ANN speaks in LS, MS, MS, CU, CU: her usual size is MS.
    assert c[0, col("two")] == 0 < c[0, col("ann_cu")]


def test_unknown_parameter_is_named() -> None:
    with pytest.raises(ConfigError, match="no parameter threshhold"):
        costs("intensify_emotion", make_coverage(), threshhold=0.5)


def test_every_idiom_costs_lie_between_0_and_1() -> None:
    features = scene_features(make_coverage())
    for item in registry().values():
        values = item.costs(features)
        assert np.all((values >= 0) & (values <= 1)), item.name
