"""Fixtures for the speech tests: the demo scene's lines and truth, and synthesised speech."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from roughcut.media import Audio
from roughcut.script.model import DialogueLine


@pytest.fixture(scope="session")
def demo_lines() -> list[DialogueLine]:
    """The demo scene's eight dialogue lines, built directly from the demo's own text."""
    from roughcut.demo import LINES

    return [
        DialogueLine(id=f"1.{i}", scene="1", index=i, character=who, text=text)
        for i, (who, _, text) in enumerate(LINES, 1)
    ]


@pytest.fixture(scope="session")
def demo_truth(demo_project: Path) -> dict:
    return json.loads((demo_project / "truth.json").read_text())


def speak(text: str, *, voice: str = "en-us", rate: int = 160, pad_s: float = 0.5) -> Audio:
    """``text`` spoken by espeak-ng at 16 kHz with ``pad_s`` of quiet room tone around it."""
    from fractions import Fraction

    from scipy.signal import resample_poly

    from roughcut.speech.synthesis import Voice, synthesize

    speech = synthesize(text, Voice(name=voice, rate=rate))
    samples = resample_poly(speech.samples, 16000, speech.sample_rate).astype(np.float32)
    pad = np.zeros(int(pad_s * 16000), np.float32)
    out = np.concatenate([pad, samples, pad])
    out += np.random.default_rng(7).normal(0, 0.002, len(out)).astype(np.float32)
    return Audio(out, 16000, Fraction(0))


def join(*parts: Audio, gap_s: float = 0.6) -> Audio:
    """Audio clips one after another with ``gap_s`` of quiet between them (all at 16 kHz)."""
    from fractions import Fraction

    gap = np.random.default_rng(8).normal(0, 0.002, int(gap_s * 16000)).astype(np.float32)
    pieces = []
    for part in parts:
        pieces += [part.samples, gap]
    return Audio(np.concatenate(pieces[:-1]), 16000, Fraction(0))


def write_take(path: Path, audio: Audio, *, rate: Fraction | None = None) -> Path:
    """A small video take (grey frames at 24000/1001 fps) carrying ``audio`` as 48 kHz AAC."""
    from fractions import Fraction

    import av
    from scipy.signal import resample_poly

    from roughcut.media.container import encode_audio

    rate = rate or Fraction(24000, 1001)
    samples = resample_poly(audio.samples, 3, 1).astype(np.float32)
    frames = int(audio.samples.size / 16000 * rate) + 1
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=rate)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        video.options = {"preset": "ultrafast"}
        sound = out.add_stream("aac", rate=48000)
        sound.layout = "mono"
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), 128, np.uint8), format="rgb24")
            frame.pts = i
            out.mux(video.encode(frame))
        out.mux(video.encode())
        encode_audio(out, sound, samples)
    return path
