"""Each signal of :class:`~roughcut.edit.features.Features` and each idiom, on a scene built so that
it decides a choice: the cut changes when the signal is there (or the idiom weighs) and not otherwise,
and the explanation names what decided."""

from __future__ import annotations

import numpy as np
import pytest

from roughcut.edit import edit_scene
from roughcut.edit.coverage import SceneCoverage
from roughcut.edit.features import scene_features
from roughcut.edit.idioms import IDIOMS, idiom
from roughcut.edit.styles import Style
from tests.edit.scenes import scene

TWO = {"two": ("MS", {"ANN": "left", "BOB": "right"}), "ann_cu": ("CU", {"ANN": "centre"})}
TWO_BOB = {**TWO, "bob_cu": ("CU", {"BOB": "centre"})}
ANN_TWICE = {"ann_cu": ("CU", {"ANN": "centre"}), "ann_cu2": ("CU", {"ANN": "centre"})}


def cut_takes(coverage: SceneCoverage, weights: dict[str, float], **kwargs) -> list[str]:
    cut = edit_scene(coverage, style=Style("test", weights, kwargs.pop("params", {})), **kwargs)
    return [line.take for line in cut.lines]


def decided(coverage: SceneCoverage, weights: dict[str, float], line_id: str, **kwargs) -> tuple[str, str]:
    cut = edit_scene(coverage, style=Style("test", weights, kwargs.pop("params", {})), **kwargs)
    line = cut.line(line_id)
    return line.take, line.idiom


def why_not(coverage: SceneCoverage, weights: dict[str, float], line_id: str, take: str, **kwargs) -> str:
    """The idiom that weighs most against showing ``line_id`` from ``take`` (whole)."""
    cut = edit_scene(coverage, style=Style("test", weights, kwargs.pop("params", {})), **kwargs)
    line = cut.line(line_id)
    return next(a.idiom for a in line.alternatives if a.take == take and a.reaction is None)


# ----------------------------------------------------------------------------------------------
# Signals


def test_text_intensity_gives_the_intense_line_a_close_up_and_the_others_the_wide() -> None:
    calm_intense_calm = (("1", "ANN", 0.1, 3.0), ("2", "BOB", 0.9, 3.0), ("3", "ANN", 0.1, 3.0))
    weights = {"speaker_visible": 1.0, "intensify_emotion": 1.0}
    coverage = scene(TWO_BOB, calm_intense_calm)
    assert cut_takes(coverage, weights) == ["two", "bob_cu", "two"]
    assert decided(coverage, weights, "2")[1] == "intensify_emotion"
    assert decided(coverage, weights, "1") == ("two", "intensify_emotion")  # close-ups are reserved
    flat = scene(TWO_BOB, tuple((i, who, 0.1, s) for i, who, _, s in calm_intense_calm))
    assert cut_takes(flat, weights)[1] == "two"


def test_voice_arousal_raises_the_arc_and_intensifies_a_calm_text() -> None:
    lines = (("1", "ANN", 0.4, 3.0), ("2", "BOB", 0.4, 3.0), ("3", "ANN", 0.4, 3.0))
    loud = {("2", take): {"arousal": 1.0} for take in TWO_BOB}
    weights = {"speaker_visible": 1.0, "intensify_emotion": 1.0}
    features = scene_features(scene(TWO_BOB, lines, per_line=loud))
    assert features.arc[1] == pytest.approx(0.7) and features.arc[0] == pytest.approx(0.4)
    assert np.isnan(features.arousal[0]).all() and (features.arousal[1] == 1.0).all()
    assert cut_takes(scene(TWO_BOB, lines, per_line=loud), weights)[1] == "bob_cu"
    assert cut_takes(scene(TWO_BOB, lines), weights)[1] == "two"


def test_peaks_and_valleys_follow_the_combined_arc() -> None:
    lines = (("1", "ANN", 0.2, 3.0), ("2", "BOB", 0.2, 3.0), ("3", "ANN", 0.2, 3.0))
    peak = {("1", take): {"arousal": 1.0} for take in TWO_BOB}
    weights = {"speaker_visible": 1.0, "peaks_and_valleys": 1.0}
    assert decided(scene(TWO_BOB, lines, per_line=peak), weights, "1") == ("ann_cu", "peaks_and_valleys")
    assert cut_takes(scene(TWO_BOB, lines), weights)[0] == "two"  # a flat arc: no peak to tighten on


@pytest.mark.parametrize("field", ["confidence", "speaker_confidence"])
def test_sure_labels_prefer_the_take_whose_labels_are_sure(field: str) -> None:
    lines = (("1", "ANN", 0.1, 3.0),)
    doubtful = {("1", "ann_cu"): {field: 0.3}}
    weights = {"speaker_visible": 1.0, "sure_labels": 1.0}
    assert decided(scene(ANN_TWICE, lines, per_line=doubtful), weights, "1") == ("ann_cu2", "sure_labels")
    assert decided(scene(ANN_TWICE, lines), weights, "1") == ("ann_cu", "tie: take order")


def test_ties_are_broken_by_stated_rules_never_silently() -> None:
    lines = (("1", "ANN", 0.1, 3.0),)
    weights = {"speaker_visible": 1.0}
    sharper = scene(ANN_TWICE, lines, sharpness={"ann_cu": 40.0, "ann_cu2": 300.0})
    assert decided(sharper, weights, "1") == ("ann_cu2", "tie: sharper picture")
    surer = scene(ANN_TWICE, lines, per_line={("1", "ann_cu"): {"confidence": 0.5}})
    assert decided(surer, weights, "1") == ("ann_cu2", "tie: surer alignment")
    labels = scene(ANN_TWICE, lines, per_line={("1", "ann_cu"): {"speaker_confidence": 0.5}})
    assert decided(labels, weights, "1") == ("ann_cu2", "tie: surer speaker labels")
    cut = edit_scene(scene(ANN_TWICE, lines), style=Style("t", weights))
    assert cut.line("1").idiom == "tie: take order" and cut.cost == 0.0
    assert cut.line("1").alternatives[0].margin == 0.0


# ----------------------------------------------------------------------------------------------
# Idioms


def test_start_wide_wants_every_character_in_frame() -> None:
    takes = {"els_ann": ("ELS", {"ANN": "centre"}), **TWO}
    lines = (("1", "ANN", 0.1, 3.0), ("2", "BOB", 0.1, 3.0))
    assert decided(scene(takes, lines), {"speaker_visible": 1.0, "start_wide": 1.0}, "1") == (
        "two",
        "start_wide",
    )
    lonely = scene({"els_ann": takes["els_ann"], "ann_cu": TWO["ann_cu"]}, lines[:1])
    assert decided(lonely, {"start_wide": 1.0}, "1")[0] == "els_ann"  # nobody shows both: the widest


@pytest.mark.parametrize(("seconds", "expected"), [(0.8, "ann_cu"), (3.0, "two")])
def test_emphasize_character_takes_the_other_characters_short_lines(seconds: float, expected: str) -> None:
    lines = (("1", "ANN", 0.1, 3.0), ("2", "BOB", 0.1, seconds), ("3", "ANN", 0.1, 3.0))
    weights = {"speaker_visible": 1.0, "emphasize_character": 3.0}
    params = {"emphasize_character": {"character": "ANN"}}
    assert cut_takes(scene(TWO_BOB, lines), weights, params=params)[1] == expected
    assert why_not(scene(TWO_BOB, lines), weights, "2", "bob_cu", params=params) == "emphasize_character"
    assert decided(scene(TWO_BOB, lines), {"speaker_visible": 1.0}, "2")[0] != "ann_cu"


def test_mirror_position_answers_a_left_framing_with_a_right_one() -> None:
    takes = {
        "ann_left": ("MCU", {"ANN": "left"}),
        "bob_left": ("MCU", {"BOB": "left"}),
        "bob_right": ("MCU", {"BOB": "right"}),
    }
    lines = (("1", "ANN", 0.1, 3.0), ("2", "BOB", 0.1, 3.0))
    weights = {"speaker_visible": 1.0, "mirror_position": 1.0}
    assert cut_takes(scene(takes, lines), weights)[1] == "bob_right"
    assert why_not(scene(takes, lines), weights, "2", "bob_left") == "mirror_position"
    assert decided(scene(takes, lines), {"speaker_visible": 1.0}, "2")[0] == "bob_left"


def test_short_lines_hold_the_shot_through_a_short_line() -> None:
    lines = (("1", "ANN", 0.1, 3.0), ("2", "BOB", 0.1, 0.5), ("3", "ANN", 0.1, 3.0))
    fast = {("1", "ann_cu"): {"speech_rate": 4.0}, ("2", "bob_cu"): {"speech_rate": 4.0}}
    fast[("3", "ann_cu")] = {"speech_rate": 4.0}
    weights = {"speaker_visible": 3.0, "performance_fast": 1.0}
    coverage = scene(TWO_BOB, lines, per_line=fast)
    assert cut_takes(coverage, weights) == ["ann_cu", "bob_cu", "ann_cu"]
    assert cut_takes(coverage, {**weights, "short_lines": 2.0}) == ["two", "two", "two"]
    assert why_not(coverage, {**weights, "short_lines": 2.0}, "2", "bob_cu") == "short_lines"


LONG = (("1", "ANN", 0.1, 6.0), ("2", "BOB", 0.1, 3.0))
PAUSED = {("1", take): {"pauses": ((80, 84),)} for take in TWO_BOB}


def test_listener_reaction_is_a_choice_of_the_optimisation() -> None:
    coverage = scene(TWO_BOB, LONG, per_line=PAUSED)
    weights = {"speaker_visible": 1.0, "listener_reaction": 2.0}
    cut = edit_scene(coverage, style=Style("t", weights), pins={"2": "bob_cu"})
    line = cut.line("1")
    assert line.take in ("ann_cu", "two") and line.reaction is not None and line.reaction.take == "bob_cu"
    assert why_not(coverage, weights, "1", line.take) == "listener_reaction"
    # The cutaway starts at the pause (frame 82 of the take) and runs on into BOB's line as one shot.
    assert line.reaction.record_in == line.speech_in + 82 - 10
    shots = cut.shots()
    assert [s.take for s in shots] == [line.take, "bob_cu"] and shots[1].record_out == cut.duration_frames
    assert (
        cut.audio[0].take == line.take and cut.audio[0].record_out > line.reaction.record_in
    )  # picture only
    assert line.idiom_costs["listener_reaction"] == 0 and line.idiom_costs[
        "speaker_visible"
    ] == pytest.approx(0.5)
    assert edit_scene(coverage, style=Style("t", {"speaker_visible": 1.0})).line("1").reaction is None
    no_pause = scene(TWO_BOB, LONG)  # a line is split only at a pause
    assert edit_scene(no_pause, style=Style("t", weights)).line("1").reaction is None


def test_a_plug_in_reaction_idiom_counts() -> None:
    @idiom("test_always_cut_away", "reaction")
    def always(f):  # type: ignore[no-untyped-def]
        """Cut away on every line that can be split."""
        costs = np.zeros((*f.shape, f.shape[1]))
        diagonal = np.arange(f.shape[1])
        costs[:, diagonal, diagonal] = 1.0
        return costs

    try:
        coverage = scene(TWO_BOB, LONG, per_line=PAUSED)
        cut = edit_scene(coverage, style=Style("t", {"speaker_visible": 1.0, "test_always_cut_away": 1.0}))
        line = cut.line("1")
        assert line.reaction is not None and line.reaction.idiom == "test_always_cut_away"
        whole = {"speaker_visible": 1.0, "test_always_cut_away": 1.0}
        assert why_not(coverage, whole, "1", line.take) == "test_always_cut_away"
    finally:
        del IDIOMS["test_always_cut_away"]


@pytest.mark.parametrize(
    ("name", "takes", "lines", "per_line", "line_id", "expected", "instead"),
    [
        # The speaker is seen, not the listener.
        ("speaker_visible", TWO_BOB, (("1", "BOB", 0.1, 3.0),), {}, "1", "two", "ann_cu"),
        # The slower of two equal framings.
        (
            "performance_slow",
            ANN_TWICE,
            (("1", "ANN", 0.1, 3.0),),
            {("1", "ann_cu2"): {"speech_rate": 2.0}},
            "1",
            "ann_cu2",
            "ann_cu",
        ),
        # ANN is a close-up character (she speaks in close-ups twice): her third line stays close.
        (
            "zoom_consistent",
            {**TWO, "ann_cu2": ("CU", {"ANN": "centre"})},
            (("1", "ANN", 0.1, 3.0),),
            {},
            "1",
            "ann_cu",
            "two",
        ),
    ],
)
def test_a_line_idiom_decides(name, takes, lines, per_line, line_id, expected, instead) -> None:  # type: ignore[no-untyped-def]
    coverage = scene(takes, lines, per_line=per_line)
    weights = {name: 1.0} if name == "speaker_visible" else {"speaker_visible": 1.0, name: 1.0}
    assert cut_takes(coverage, weights)[0] == expected
    assert why_not(coverage, weights, line_id, instead) == name


def test_change_zoom_gradually_steps_through_the_sizes() -> None:
    takes = {
        "ls": ("LS", {"ANN": "left", "BOB": "right"}),
        "mls": ("MLS", {"ANN": "left", "BOB": "right"}),
        "ann_mcu": ("MCU", {"ANN": "centre"}),
    }
    lines = (("1", "ANN", 0.1, 3.0), ("2", "BOB", 0.1, 3.0), ("3", "ANN", 0.9, 3.0))
    weights = {"speaker_visible": 1.0, "start_wide": 1.0, "intensify_emotion": 1.0}
    params = {"intensify_emotion": {"reserve": 0.0}}
    assert cut_takes(scene(takes, lines), weights, params=params) == ["ls", "ls", "ann_mcu"]
    stepped = {**weights, "change_zoom_gradually": 1.0}
    assert cut_takes(scene(takes, lines), stepped, params=params) == ["ls", "mls", "ann_mcu"]
    cut = edit_scene(scene(takes, lines), style=Style("t", stepped, params))
    assert (
        cut.line("2").idiom_costs["change_zoom_gradually"]
        == 0
        < cut.line("3").idiom_costs["change_zoom_gradually"]
    )


def test_the_real_analysis_brings_every_signal_to_the_editor(demo_project, analysed_demo_store) -> None:  # type: ignore[no-untyped-def]
    from roughcut.app import analyze_project, scene_coverage
    from roughcut.project import Project
    from roughcut.store import Store

    store = Store(analysed_demo_store)
    try:
        coverage = scene_coverage(analyze_project(Project.open(demo_project), store=store))
    finally:
        store.close()
    features = scene_features(coverage)
    covered = features.covered
    assert np.isfinite(features.arousal[covered]).all() and np.isfinite(features.sharpness).all()
    assert np.isfinite(features.speaker_confidence[covered]).all()
    assert np.isfinite(features.split_seconds[covered]).mean() > 0.5  # most lines have a pause
    assert not np.allclose(features.arc, features.intensity)  # the voice moves the arc
    cut = edit_scene(coverage)
    assert not [line.line_id for line in cut.lines if line.idiom.startswith("tie")]
