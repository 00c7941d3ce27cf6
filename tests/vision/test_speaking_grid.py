"""Who speaks on the GRID corpus (Light-ASD; lip motion, the fallback) against the speech heard."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from roughcut.media import read_audio
from roughcut.vision import analyze_take
from roughcut.vision.speaking import speaking_at, speaking_mask

#: GRID video rate (frames per second) and the units of its ``.align`` files (seconds per unit).
GRID_FPS = 25
#: A frame this far (dB) below the clip's median level of speech is as quiet as its silence.
QUIET_DB = 15.0
ALIGN_UNIT_S = 1 / 25000


def vad_speech_per_frame(path: Path, frames: int) -> np.ndarray:
    """webrtcvad (aggressiveness 2, 30 ms frames) on the clip's 16 kHz audio, read at each video
    frame's centre: the reference the issue's baselines (75 % and 63.5 %) were measured against."""
    import webrtcvad

    samples = read_audio(path).samples
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    vad, step = webrtcvad.Vad(2), 480
    flags = np.array(
        [vad.is_speech(pcm[i : i + step].tobytes(), 16000) for i in range(0, len(pcm) - step + 1, step)]
    )
    centres = (np.arange(frames) + 0.5) / GRID_FPS
    return flags[np.minimum((centres / 0.030).astype(int), len(flags) - 1)]


def align_speech_per_frame(path: Path, frames: int) -> np.ndarray:
    """Word intervals of a GRID ``.align`` file ('sil' is silence) at each video frame's centre."""
    centres = (np.arange(frames) + 0.5) / GRID_FPS
    speech = np.zeros(frames, bool)
    for row in path.read_text().split("\n"):
        parts = row.split()
        if len(parts) == 3 and parts[2] != "sil":
            start, end = int(parts[0]) * ALIGN_UNIT_S, int(parts[1]) * ALIGN_UNIT_S
            speech |= (centres >= start) & (centres < end)
    return speech


def sound_level_per_frame(path: Path, frames: int) -> np.ndarray:
    """RMS level (dB full scale) of the clip's 16 kHz sound over each 40 ms video frame."""
    samples = read_audio(path, sample_rate=16000).samples
    step = 16000 // GRID_FPS
    padded = np.zeros(frames * step)
    padded[: min(len(samples), len(padded))] = samples[: len(padded)]
    return 10 * np.log10(np.mean(padded.reshape(frames, step) ** 2, axis=1) + 1e-12)


def visual_speaking(vision) -> tuple[np.ndarray, np.ndarray]:
    """Per native frame: the decision of the take (the speaker model) and the lip-motion fallback's
    decision on the same face."""
    assert vision.tracks, f"no face found in {vision.path}"
    speaker = max(vision.tracks, key=lambda t: len(t.samples))
    frames = np.arange(vision.frame_count)
    activity = np.array(speaker.mouth_activity)
    known = np.array([s.mouth_opening is not None for s in speaker.samples])
    lips = speaking_mask(activity, sample_rate=float(vision.analysis_fps)) & known
    lip_track = replace(speaker, speaking=tuple(bool(v) for v in lips), speaking_source="lip-motion")
    return speaking_at(speaker, frames), speaking_at(lip_track, frames)


@pytest.fixture(scope="module")
def grid_clips(media_dir: Path) -> list[Path]:
    clips = sorted((media_dir / "grid").glob("*.mpg"))
    assert len(clips) == 11
    return clips


@pytest.fixture(scope="module")
def grid_vision(grid_clips: list[Path]) -> dict[str, object]:
    """Every GRID clip analysed as a take is by default (8 analysed frames a second)."""
    return {clip.name: analyze_take(clip) for clip in grid_clips}


def test_speaking_matches_voice_activity_on_grid(grid_clips: list[Path], grid_vision) -> None:
    """Light-ASD widened to Silero's speech runs against webrtcvad per frame. The model's threshold
    and the fusion's constants were tuned on the first six clips (sorted by name); the last five
    are held out and asserted apart. The errors left are nearly all frames webrtcvad calls speech
    while the sound is at the level of the silence around the sentence (breath, lip noise), where
    Silero hears nothing (41 of the 55 wrong frames; asserted: 70 % or more)."""
    model, alone, lips, always = [], [], [], []
    wrong = quiet_misses = 0
    for clip in grid_clips:
        vision = grid_vision[clip.name]
        assert {t.speaking_source for t in vision.tracks if len(t.samples) > 8} == {"light-asd+vad"}
        predicted, lip_motion = visual_speaking(vision)
        heard = vad_speech_per_frame(clip, vision.frame_count)
        model.append(np.mean(predicted == heard))
        speaker = max(vision.tracks, key=lambda t: len(t.samples))
        alone.append(
            np.mean(speaking_at(replace(speaker, speech_decided=()), np.arange(len(heard))) == heard)
        )
        lips.append(np.mean(lip_motion == heard))
        always.append(np.mean(heard))
        level = sound_level_per_frame(clip, len(heard))
        wrong += int(np.sum(predicted != heard))
        quiet_misses += int(np.sum(heard & ~predicted & (level < np.median(level[heard]) - QUIET_DB)))
    tuned, held_out = float(np.mean(model[:6])), float(np.mean(model[6:]))
    print(
        f"GRID speaking frame accuracy vs webrtcvad, Light-ASD + Silero: {np.mean(model):.1%} over 11 "
        f"clips (tuning six {tuned:.1%}, held-out five {held_out:.1%}, worst clip {min(model):.1%}); "
        f"Light-ASD alone {np.mean(alone):.1%} (tuning {np.mean(alone[:6]):.1%}, held-out "
        f"{np.mean(alone[6:]):.1%}); lip motion at 8 fps {np.mean(lips):.1%}, "
        f"always speaking {np.mean(always):.1%}; of {wrong} wrong frames, {quiet_misses} are speech "
        f"to webrtcvad where the sound is {QUIET_DB:.0f} dB or more below the clip's speech"
    )
    assert float(np.mean(always)) == pytest.approx(0.635, abs=0.01)  # the reference point
    assert held_out >= 0.92  # Light-ASD alone: 91.5 %
    assert tuned >= 0.94
    assert float(np.mean(model)) >= 0.93  # the goal, 95 %, is not reached
    assert min(model) >= 0.83
    assert held_out >= float(np.mean(alone[6:])) and tuned >= float(np.mean(alone[:6]))
    assert float(np.mean(model)) >= float(np.mean(lips)) + 0.02
    assert quiet_misses >= 0.7 * wrong


def test_speaking_matches_word_alignment(grid_vision, media_dir: Path) -> None:
    vision = grid_vision["id2_vcd_swwp2s.mpg"]
    predicted, _ = visual_speaking(vision)
    words = align_speech_per_frame(media_dir / "grid" / "swwp2s.align", vision.frame_count)
    accuracy = float(np.mean(predicted == words))
    print(f"swwp2s speaking frame accuracy vs .align: {accuracy:.1%}")
    assert accuracy >= 0.90
