"""Whether a clip cuts a word in half: against the word alignment and against the demo's truth."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path


def aligned_words(alignment) -> list[tuple[str, float, float]]:  # type: ignore[no-untyped-def]
    """Every script word of every performance aligned in a take, ``(text, start_s, end_s)``."""
    return [(w.text, w.start_s, w.end_s) for line in alignment.lines for w in line.words]


def truth_words(project: Path) -> dict[str, list[tuple[str, float, float]]]:
    """The demo's own word timings per take (``truth.json``, made when the scene was synthesised)."""
    truth = json.loads((project / "truth.json").read_text(encoding="utf-8"))
    return {
        take["file"]: [(w["word"], w["start"], w["end"]) for line in take["lines"] for w in line["words"]]
        for take in truth["takes"]
    }


def cut_words(
    words: list[tuple[str, float, float]], source_in: int, source_out: int, rate: Fraction
) -> list[tuple[str, float]]:
    """The words a clip ``[source_in, source_out)`` (take frames) cuts in half, each with how far
    the cut goes into it (seconds)."""
    cuts = [float(source_in / rate), float(source_out / rate)]
    return [
        (text, min(cut - start, end - cut)) for text, start, end in words for cut in cuts if start < cut < end
    ]
