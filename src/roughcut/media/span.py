"""Stretches of audio counted in samples, shared by speech segments, words and lines."""

from __future__ import annotations


class SampleSpan:
    """Mixin for records with ``start``/``end`` (end exclusive) in samples at ``sample_rate`` Hz."""

    start: int
    end: int
    sample_rate: int

    @property
    def start_s(self) -> float:
        """Start in seconds."""
        return self.start / self.sample_rate

    @property
    def end_s(self) -> float:
        """End in seconds."""
        return self.end / self.sample_rate
