"""Screenplays: readers (Fountain, Final Draft, plain text), the scene and line model, breakdown."""
