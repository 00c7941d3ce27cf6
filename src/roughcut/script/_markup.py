"""Small text rules shared by the readers and the writer: Fountain emphasis and notes, character
cues, scene headings."""

from __future__ import annotations

import re

_NOTE = re.compile(r"\[\[.*?\]\]", re.DOTALL)
_EMPHASIS = (
    re.compile(r"(?<!\\)\*\*\*(?=\S)(.+?)(?<=\S)(?<!\\)\*\*\*"),
    re.compile(r"(?<!\\)\*\*(?=\S)(.+?)(?<=\S)(?<!\\)\*\*"),
    re.compile(r"(?<!\\)\*(?=\S)(.+?)(?<=\S)(?<!\\)\*"),
    re.compile(r"(?<!\\)_(?=\S)(.+?)(?<=\S)(?<!\\)_"),
)
_SPACES = re.compile(r"[ \t]+")


def strip_markup(raw: str) -> str:
    """Fountain text without notes (``[[...]]``), emphasis markers (``*``, ``**``, ``***``, ``_``)
    and escapes; runs of spaces left by removed notes collapse to one."""
    if "[[" in raw:
        raw = _NOTE.sub("", raw)
        raw = "\n".join(_SPACES.sub(" ", line).strip() for line in raw.split("\n"))
    if "*" in raw or "_" in raw:
        for pattern in _EMPHASIS:
            raw = pattern.sub(r"\1", raw)
    if "\\" in raw:
        raw = raw.replace("\\*", "*").replace("\\_", "_")
    return raw


#: Extensions that only say a speech goes on after action; they carry no meaning for the edit.
_CONTINUED = re.compile(r"^(CONT'?D|CONT\.?|CONTINUING|CONTINUED|CONT’D)$", re.IGNORECASE)
_EXTENSION = re.compile(r"\(([^)]*)\)")


def parse_character(cue: str) -> tuple[str, str]:
    """A character cue (``"john (V.O.) (CONT'D)"``) → normalised name ``"JOHN"`` and extension
    ``"V.O."`` (several joined by ``", "``; continuation marks dropped)."""
    name, _, rest = cue.partition("(")
    name = _SPACES.sub(" ", name).strip().upper()
    extensions = []
    for ext in _EXTENSION.findall("(" + rest) if rest else ():
        ext = ext.strip()
        if ext and not _CONTINUED.match(ext):
            extensions.append(ext)
    return name, ", ".join(extensions)


_HEADING_PREFIX = re.compile(
    r"^(?P<prefix>INT\.?\s*/\s*EXT|EXT\.?\s*/\s*INT|INT|EXT|EST|I\s*/\s*E|E\s*/\s*I)\.?(?:\s+|$)",
    re.IGNORECASE,
)
#: Scene heading as the Fountain 1.1 syntax recognises it without a forcing dot (INT, EXT, EST,
#: INT./EXT, INT/EXT, I/E, then a dot or a space): what the writer leaves unforced.
SPEC_HEADING = re.compile(r"^(?:INT\./EXT|INT/EXT|INT|EXT|EST|I/E)[. ]", re.IGNORECASE)
#: Scene heading as roughcut's reader recognises it without a forcing dot (also EXT/INT, E/I).
STANDARD_HEADING = re.compile(r"^(?:INT\.?/EXT|EXT\.?/INT|INT|EXT|EST|I/E|E/I)[. ]", re.IGNORECASE)
_TIME_WORDS = frozenset(
    [
        "DAY",
        "NIGHT",
        "MORNING",
        "EVENING",
        "AFTERNOON",
        "DAWN",
        "DUSK",
        "SUNRISE",
        "SUNSET",
        "NOON",
        "MIDNIGHT",
        "TWILIGHT",
        "CONTINUOUS",
        "LATER",
        "SAME",
        "MOMENTS",
        "MOMENT",
        "TIME",
        "MAGIC",
        "HOUR",
        "FLASHBACK",
        "PRESENT",
        "EARLY",
        "LATE",
        "PRE-DAWN",
        "NIGHTFALL",
        "DAYBREAK",
        "LUNCHTIME",
    ]
)
_DASH = re.compile(r"\s+[-–—]+\s+")
_LEADING_DASH = re.compile(r"^[\s.]*[-–—]+\s*")


def parse_heading(heading: str) -> tuple[str, str, str]:
    """``"INT. MISSION CONTROL - NIGHT"`` → ``("INT", "MISSION CONTROL", "NIGHT")``.

    INT/EXT is one of ``INT``, ``EXT``, ``INT/EXT`` (also for ``I/E``), ``EST`` or ``""``. The time
    of day is the last dash-separated part when it holds a time word (DAY, NIGHT, CONTINUOUS,
    LATER...); the location is the rest.
    """
    text = heading.strip()
    int_ext = ""
    match = _HEADING_PREFIX.match(text)
    if match:
        prefix = re.sub(r"[\s.]", "", match.group("prefix").upper())
        int_ext = {"INT": "INT", "EXT": "EXT", "EST": "EST"}.get(prefix, "INT/EXT")
        text = text[match.end() :]
    text = _LEADING_DASH.sub("", text)  # INT - HOUSE - DAY
    parts = _DASH.split(text.strip())
    time_of_day = ""
    if len(parts) > 1:
        last = parts[-1].strip().rstrip(".")
        if any(word in _TIME_WORDS for word in re.split(r"[\s()/,]+", last.upper())):
            time_of_day = last
            parts = parts[:-1]
    location = " - ".join(part.strip() for part in parts).strip().rstrip(".").strip()
    return int_ext, location, time_of_day
