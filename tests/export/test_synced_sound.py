"""Takes matched to an external recording are heard from it, cut at the same moments as the picture."""

from __future__ import annotations

import re
import shutil
from fractions import Fraction
from pathlib import Path

import numpy as np
import soundfile

from roughcut.app import edit_project
from roughcut.edit.coverage import coverage_from_demo_truth
from roughcut.edit.timeline import to_timeline
from roughcut.export.preview import SAMPLE_RATE, _sound
from roughcut.media import read_audio

LEAD_S = 2.5  # the recorder was rolling this long before the camera


def _project_with_field_recording(demo_project: Path, root: Path, rng: np.random.Generator) -> Path:
    (root / "takes").mkdir(parents=True)
    for take in (demo_project / "takes").iterdir():
        (root / "takes" / take.name).symlink_to(take)
    shutil.copy(demo_project / "truth.json", root)
    shutil.copy(demo_project / "clean_data.fountain", root)
    scratch = read_audio(root / "takes" / "B01_nora_cu.mp4", sample_rate=SAMPLE_RATE).samples
    lead = int(LEAD_S * SAMPLE_RATE)
    recording = np.concatenate([np.zeros(lead), scratch, np.zeros(SAMPLE_RATE)])
    recording += rng.normal(0, 0.002, len(recording))  # the recorder's own hiss
    (root / "sound").mkdir()
    soundfile.write(root / "sound" / "B01_field.wav", recording.astype(np.float32), SAMPLE_RATE)
    return root


def test_exports_use_the_synced_field_recording(
    demo_project: Path, tmp_path: Path, rng: np.random.Generator
) -> None:
    project = _project_with_field_recording(demo_project, tmp_path / "scene", rng)
    coverage = coverage_from_demo_truth(project)
    result = edit_project(project, formats=["otio", "fcp7", "fcpx", "edl"], coverage=coverage)
    assert result.round_trip == {"otio": [], "fcp7": [], "fcpx": [], "edl": []}
    rate = result.cut.rate
    sound_track = next(t for t in result.timeline.tracks if t.kind == "Audio")
    clips = [c for c in sound_track if hasattr(c, "media_reference")]
    field = [c for c in clips if c.metadata["roughcut"]["take"] == "B01_nora_cu.mp4"]
    scratch = [c for c in clips if c.metadata["roughcut"]["take"] != "B01_nora_cu.mp4"]
    assert field and scratch, "the demo cut uses NORA's close-up and other takes"
    for clip in field:
        placed = clip.metadata["roughcut"]["sound"]
        assert placed["file"] == "B01_field.wav"
        assert abs(placed["offset_s"] - LEAD_S) < 0.001
        assert clip.media_reference.target_url.endswith("/sound/B01_field.wav")
        # Where it starts in the recording, to the frame, in every timeline file.
        assert abs(clip.source_range.start_time.value - placed["source_in_s"] * float(rate)) <= 0.5
    for clip in scratch:
        assert clip.media_reference.target_url.endswith(".mp4") and "sound" not in clip.metadata["roughcut"]
    # The EDL's sound events name the field recording where NORA's close-up is heard.
    edl = result.paths["edl"].read_text()
    sound_events = [line for line in edl.splitlines() if re.match(r"\d{3}\s+\S+\s+A\s", line)]
    assert len(sound_events) == len(clips)
    assert edl.count("* SOURCE FILE: B01_field.wav\n") == len(field)
    reels = set(re.findall(r"\d{3}\s+(\S+)\s+A\s.*\n\* FROM CLIP NAME:\s+B01_field\n", edl))
    picture_reels = {line.split()[1] for line in edl.splitlines() if re.match(r"\d{3}\s+\S+\s+V\s", line)}
    assert reels and not reels & picture_reels, "the field recording has a reel of its own"

    # The preview plays the recording to the sample: the same sound as the camera's scratch track.
    frames = round(result.timeline.duration().value)
    with_recording = _sound(result.timeline, Fraction(rate), frames)
    with_scratch = _sound(to_timeline(result.cut, coverage), Fraction(rate), frames)
    for clip in field:
        span = sound_track.range_of_child(clip)
        a = round(Fraction(round(span.start_time.value)) / rate * SAMPLE_RATE)
        b = round(Fraction(round(span.end_time_exclusive().value)) / rate * SAMPLE_RATE)
        heard, expected = with_recording[a:b], with_scratch[a:b]
        lags = np.arange(-20, 21)
        fit = [np.dot(np.roll(heard, lag), expected) for lag in lags]
        assert lags[int(np.argmax(fit))] == 0
        residual = heard - expected
        assert np.sqrt(np.mean(residual**2)) < 0.004  # the hiss, nothing more
