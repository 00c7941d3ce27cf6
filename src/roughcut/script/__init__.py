"""Screenplays: readers (Fountain, Final Draft, plain text), the scene and line model, breakdown."""

from roughcut.script.errors import ScriptError
from roughcut.script.fdx import parse_fdx
from roughcut.script.fountain import parse_fountain, write_fountain
from roughcut.script.model import DialogueLine, Element, Scene, Script
from roughcut.script.reader import detect_format, read_script
from roughcut.script.transcript import parse_transcript

__all__ = [
    "DialogueLine",
    "Element",
    "Scene",
    "Script",
    "ScriptError",
    "detect_format",
    "parse_fdx",
    "parse_fountain",
    "parse_transcript",
    "read_script",
    "write_fountain",
]
