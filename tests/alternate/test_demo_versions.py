"""``roughcut adr`` and ``roughcut clean-version`` on the demo scene, from its real analysis."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import opentimelineio as otio
from click.testing import CliRunner

from roughcut._cli import main
from roughcut.alternate.clean_version import FADE_S, normalise
from roughcut.alternate.matching import line_loudness, room_tone_spans
from roughcut.app.alternate import adr_project, clean_version_project
from roughcut.media import probe
from roughcut.media.audio import read_audio

#: Words planted in the demo's script (a user's list): "Twice." (1.3), "blind" (1.6), a phrase (1.2).
PLANTED = "# planted\ntwice\nblind\nclean data\n"


def test_temp_adr_line_on_the_demo(demo_project: Path, demo_cache: Path, tmp_path: Path) -> None:
    result = adr_project(
        demo_project, line_id="1.3", text="I did. Again. You showed me that.", take="B02", out_dir=tmp_path
    )
    line = result.line
    assert line.per_word and len(line.stretch_factors) == 7
    errors = np.abs(result.onset_errors_s)
    assert errors.mean() <= 0.05 and errors.max() <= 0.1, errors
    speech = line.samples[line.handle : line.handle + line.targets[-1].end]
    assert abs(line_loudness(speech, line.sample_rate) - line.original_lufs) <= 1.0
    # a Broadcast WAVE at the take's timecode, on a frame edge, and the timeline reading it on A2
    take, wav = probe(demo_project / result.take), probe(result.wav)
    timeline = otio.adapters.read_from_file(str(result.timeline))
    assert [t.name for t in timeline.tracks] == ["V1", "A1", "A2 ADR"]
    adr_clip = timeline.tracks[2][0]
    assert adr_clip.media_reference.target_url == result.wav.resolve().as_uri()
    rate = take.video.frame_rate
    start = adr_clip.source_range.start_time.value
    assert wav.time_of_day_s is not None
    assert abs(wav.time_of_day_s - Fraction(round(start), 1) / rate) < Fraction(1, 48_000)
    assert start >= round(take.timecode_s * rate)
    frames = adr_clip.source_range.duration.value
    assert math.isclose(float(wav.duration), frames / float(rate), abs_tol=1 / 48_000)


def test_clean_version_on_the_demo(demo_project: Path, demo_cache: Path, tmp_path: Path) -> None:
    """Every replacement method in one test, so the takes are synced with their sound only once."""
    words = tmp_path / "words.txt"
    words.write_text(PLANTED, encoding="utf-8")
    for method in ("dip", "bleep", "adr", "take"):
        _check_clean_version(demo_project, words, tmp_path / method, method)


def _check_clean_version(demo_project: Path, words: Path, out: Path, method: str) -> None:
    formats = ["otio", "srt"] if method == "dip" else ["otio"]
    result = clean_version_project(
        demo_project, words_file=words, shipped=False, method=method, out_dir=out, formats=formats
    )
    said = sorted(normalise(r.word) for change in result.changes for r in change.replacements)
    if method == "take":  # whole lines from other takes; a line no other take leaves them out of is dipped
        kinds = {r.method for change in result.changes for r in change.replacements}
        assert kinds <= {"take", "dip"} and len(said) == 3
        assert all("no other take leaves the words out" in note for note in result.notes)
        assert sum(r.method == "dip" for c in result.changes for r in c.replacements) == sum(
            note.count(".") for note in result.notes
        )
    else:
        assert said == ["blind", "clean data", "twice"]
    clean = otio.adapters.read_from_file(str(result.paths["otio"]))
    patched = [
        c for c in clean.tracks[1] if isinstance(c, otio.schema.Clip) and "clean" in c.metadata["roughcut"]
    ]
    assert len(patched) == len(result.changes) == 3
    assert result.changes_edl is not None
    assert result.changes_edl.read_text().count("SOURCE FILE: scene_1_") == 3
    if method == "dip":
        assert "twice" not in result.paths["srt"].read_text(encoding="utf-8").lower()
    # each patch is the recording it replaces, sample for sample, outside the replaced spans and fades
    for change, clip in zip(result.changes, patched, strict=True):
        patch = read_audio(change.patch, sample_rate=None)
        replaced = clip.metadata["roughcut"]["clean"]
        source = read_audio(Path(replaced["replaces"].removeprefix("file://")), sample_rate=None)
        frames = clip.source_range.start_time.value - replaced["replaces_start"]
        first = round(frames / clip.source_range.start_time.rate * source.sample_rate)
        before = source.samples[first : first + patch.num_samples]
        pauses = room_tone_spans(source.samples, source.sample_rate)
        pause_rms = _rms(np.concatenate([source.samples[a:b] for a, b in pauses]))
        untouched = np.ones(patch.num_samples, bool)
        for r in change.replacements:
            assert r.end - r.start > 0.1 * patch.sample_rate  # a whole word
            assert r.start - round(FADE_S * patch.sample_rate) <= r.touched_start
            untouched[r.touched_start : r.touched_end] = False
            new, old = patch.samples[r.start : r.end], before[r.start : r.end]
            if r.method == "dip":  # down to room tone (+ 3 dB)
                assert _rms(new) < _rms(old) / 2 and _rms(new) < 1.41 * pause_rms
            else:  # something else was laid there: not the recording's word
                assert abs(np.corrcoef(new, old)[0, 1]) < 0.5, (r.method, r.word)
        assert np.array_equal(patch.samples[untouched], before[untouched])


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))


def test_clean_version_names_a_bad_word_list(demo_project: Path, tmp_path: Path) -> None:
    empty = tmp_path / "words.txt"
    empty.write_text("# nothing\n", encoding="utf-8")
    run = CliRunner().invoke(
        main, ["clean-version", str(demo_project), "--words", str(empty), "--no-shipped"]
    )
    assert run.exit_code == 1 and "words.txt: the word list holds no words" in run.output


def test_adr_names_a_line_no_take_performs(demo_project: Path, demo_cache: Path, tmp_path: Path) -> None:
    run = CliRunner().invoke(
        main, ["adr", str(demo_project), "--line", "9.9", "--text", "Hello", "--out", str(tmp_path)]
    )
    assert run.exit_code == 1 and "line 9.9: no take performs it" in run.output
