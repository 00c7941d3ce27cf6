"""The voices temp ADR speaks with: espeak-ng (ships with roughcut) or a Piper neural voice.

A Piper voice is an ONNX model with its ``.onnx.json`` config at a path the user gives; it is loaded
with the ``piper-tts`` package's own :class:`piper.PiperVoice` (onnxruntime), never downloaded.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from roughcut.errors import RoughcutError
from roughcut.speech.synthesis import Voice, synthesize


@cache
def _piper_voice(model: Path):  # type: ignore[no-untyped-def]
    try:
        from piper import PiperVoice
    except ImportError:
        raise RoughcutError(
            f"{model}: a Piper voice needs the piper-tts package (pip install piper-tts)"
        ) from None
    config = Path(f"{model}.json")
    if not model.is_file():
        raise RoughcutError(f"{model}: no such Piper voice model")
    if not config.is_file():
        raise RoughcutError(f"{model}: its config {config.name} is missing beside it")
    try:
        return PiperVoice.load(model, config_path=config)
    except Exception as exc:  # onnxruntime and json raise their own kinds
        raise RoughcutError(f"{model}: not a usable Piper voice ({exc})") from None


def speak(
    text: str, *, voice_model: str | Path | None = None, voice: Voice | None = None
) -> tuple[np.ndarray, int]:
    """``text`` spoken by espeak-ng ``voice``, or by the Piper model at ``voice_model``; returns mono
    float32 samples and their rate (Hz)."""
    if voice_model is None:
        speech = synthesize(text, voice or Voice())
        return speech.samples, speech.sample_rate
    from piper import SynthesisConfig

    piper = _piper_voice(Path(voice_model).resolve())
    steady = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)  # no sampling: the same line every time
    chunks = [chunk.audio_float_array for chunk in piper.synthesize(text, syn_config=steady)]
    if not chunks:
        raise RoughcutError(f"{voice_model}: the voice said nothing for {text!r}")
    return np.concatenate(chunks).astype(np.float32), int(piper.config.sample_rate)
