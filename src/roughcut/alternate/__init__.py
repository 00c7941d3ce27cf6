"""Alternate versions of a cut: temp ADR fitted to an actor's timing, and clean versions."""
