"""Clean versions (broadcast, airline): words from a list found in a line's aligned words and
replaced by a bleep, a dip to room tone, or other sound laid over exactly their span.

The shipped list is better-profanity's ``profanity_wordlist.txt`` (MIT, from the PyPI package
``better-profanity``); the user's own list is a text file, one word or phrase per line (``#`` starts
a comment). Words are compared lower-case without punctuation. Every sample outside a replaced span
and its fades (:data:`FADE_S` each side) is left exactly as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from roughcut.alternate.adr import WordSlot
from roughcut.errors import RoughcutError

#: Crossfade into and out of each replacement (seconds), outside the word's own span.
FADE_S = 0.010
#: The bleep: a 1 kHz sine at this peak level (dBFS).
BLEEP_HZ = 1000.0
BLEEP_DBFS = -12.0
METHODS = ("bleep", "dip", "take", "adr")

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


@dataclass(frozen=True)
class Replacement:
    """One word replaced: its span (samples, end exclusive) and the span touched, fades included."""

    word: str
    start: int
    end: int
    touched_start: int
    touched_end: int
    method: str


def normalise(text: str) -> str:
    """A word as lists compare it: lower case, letters and inner apostrophes only."""
    return " ".join(_WORD.findall(text.lower().replace("\u2019", "'")))


def shipped_words() -> frozenset[str]:
    """better-profanity's maintained word list (MIT), normalised."""
    text = resources.files("better_profanity").joinpath("profanity_wordlist.txt").read_text("utf-8")
    return frozenset(w for w in map(normalise, text.splitlines()) if w)


def read_word_list(path: str | Path) -> frozenset[str]:
    """A user's word list: one word or phrase per line, ``#`` comments; raises naming the file."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RoughcutError(f"{path}: cannot read the word list ({exc})") from None
    words = frozenset(w for w in (normalise(line.split("#", 1)[0]) for line in text.splitlines()) if w)
    if not words:
        raise RoughcutError(f"{path}: the word list holds no words")
    return words


def find_hits(words: Sequence[WordSlot], listed: Iterable[str]) -> list[tuple[int, int]]:
    """Runs of ``words`` (first index, last index + 1) that say an entry of ``listed`` (a phrase of
    several words matches consecutive words)."""
    phrases = {tuple(p.split()) for p in map(normalise, listed) if p}
    keys = [normalise(w.text) for w in words]
    hits = []
    i = 0
    while i < len(keys):
        length = max((len(p) for p in phrases if tuple(keys[i : i + len(p)]) == p), default=0)
        if length:
            hits.append((i, i + length))
            i += length
        else:
            i += 1
    return hits


def bleep(length: int, sample_rate: int) -> np.ndarray:
    """``length`` samples of the 1 kHz bleep."""
    t = np.arange(length) / sample_rate
    return (10 ** (BLEEP_DBFS / 20) * np.sin(2 * np.pi * BLEEP_HZ * t)).astype(np.float32)


def lay_over(
    samples: np.ndarray, start: int, end: int, replacement: np.ndarray, fade: int
) -> tuple[int, int]:
    """Put ``replacement`` (``end - start + 2 * fade`` samples, aligned so its sample ``fade`` is
    ``start``) in place of ``samples[start:end]`` in place, with equal-power crossfades of ``fade``
    samples outside the span; returns the span touched (clipped to the signal)."""
    lo, hi = max(0, start - fade), min(len(samples), end + fade)
    piece = replacement[lo - (start - fade) : len(replacement) - ((end + fade) - hi)]
    weight = np.ones(hi - lo, np.float32)
    if fade:
        ramp = np.sin(np.linspace(0, np.pi / 2, fade + 2, dtype=np.float32)[1:-1])
        head, tail = start - lo, hi - end
        weight[:head] = ramp[fade - head :]
        weight[len(weight) - tail :] = ramp[::-1][:tail]
    old = samples[lo:hi].copy()
    samples[lo:hi] = weight * piece + np.sqrt(np.clip(1 - weight**2, 0, 1)) * old
    return lo, hi


def clean_samples(
    samples: np.ndarray,
    sample_rate: int,
    words: Sequence[WordSlot],
    listed: Iterable[str],
    *,
    method: str = "bleep",
    tone: np.ndarray | None = None,
    other: np.ndarray | None = None,
) -> tuple[np.ndarray, list[Replacement]]:
    """A copy of mono ``samples`` with every listed word of ``words`` replaced by ``method``:
    ``"bleep"``, ``"dip"`` (to ``tone``, room tone as long as ``samples``; silence without it), or
    ``"take"``/``"adr"`` (the same samples of ``other``, a sound laid out on the same clock)."""
    if method not in METHODS:
        raise RoughcutError(f"unknown replacement {method!r}; choose one of {', '.join(METHODS)}")
    if method in ("take", "adr") and other is None:
        raise RoughcutError(f"replacing by {method} needs the other sound")
    out = np.array(samples, np.float32, copy=True)
    fade = round(FADE_S * sample_rate)
    done = []
    for first, last in find_hits(words, listed):
        start, end = words[first].start, words[last - 1].end
        lo, hi = start - fade, end + fade
        if method == "bleep":
            piece = bleep(hi - lo, sample_rate)
        else:
            source = {"dip": tone, "take": other, "adr": other}[method]
            piece = np.zeros(hi - lo, np.float32)
            if source is not None:
                a, b = max(0, lo), min(len(source), hi)
                piece[a - lo : b - lo] = source[a:b]
        touched = lay_over(out, start, end, piece, fade)
        text = " ".join(w.text for w in words[first:last])
        done.append(Replacement(text, start, end, *touched, method))
    return out, done


def masked_text(text: str, listed: Iterable[str], substitute: str | None = None) -> str:
    """``text`` (a subtitle, a marker's comment) with every listed word or phrase shown as its first
    letter and dashes (``d---``), or as ``substitute`` when one is given."""
    found = [WordSlot(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    out = text
    for first, last in reversed(find_hits(found, listed)):
        start, end = found[first].start, found[last - 1].end
        shown = substitute if substitute is not None else text[start] + "-" * (end - start - 1)
        out = out[:start] + shown + out[end:]
    return out
