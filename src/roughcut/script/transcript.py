"""Plain-text transcripts: one speech per line as ``NAME: what they say``.

A line may start with a time stamp (``[00:01:02]``, ``00:01:02.5``) and the name may carry an
extension (``NORA (V.O.): ...``); a leading ``(parenthetical)`` in the speech is kept apart. A line
that looks like a scene heading (``INT. HOUSE - DAY``) starts a new scene; any other line continues
the speech above it, or is action when no speech is open.
"""

from __future__ import annotations

import re

from roughcut.script._builder import ScriptBuilder
from roughcut.script._markup import STANDARD_HEADING
from roughcut.script.model import Script

_STAMP = r"(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]?\s+)?"
SPEECH = re.compile(
    r"^\s*" + _STAMP + r"(?P<name>[^\W\d_][\w .'’\-]{0,39}?)\s*(?P<ext>\([^)]*\))?\s*:\s+(?P<text>\S.*)$"
)
_LEADING_PAREN = re.compile(r"^(\([^)]*\))\s*(.*)$")


def parse_transcript(text: str, source: str = "") -> Script:
    """Read a ``NAME: line`` transcript. ``source`` (a path) is used in warnings."""
    builder = ScriptBuilder(source)
    text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    pending: tuple[str, list[str], int] | None = None

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            cue, block, lineno = pending
            builder.dialogue(cue, block, lineno)
            pending = None

    for lineno, line in enumerate(text.split("\n"), start=1):
        s = line.strip()
        if not s:
            flush()
            continue
        match = SPEECH.match(line)
        if match and not STANDARD_HEADING.match(s):
            flush()
            cue = match.group("name") + (" " + match.group("ext") if match.group("ext") else "")
            speech = match.group("text").strip()
            block = []
            paren = _LEADING_PAREN.match(speech)
            if paren:
                block.append(paren.group(1))
                speech = paren.group(2)
            if speech:
                block.append(speech)
            pending = (cue, block, lineno)
        elif STANDARD_HEADING.match(s):
            flush()
            builder.heading(s, None, lineno)
        elif pending is not None:
            pending[1].append(s)
        else:
            builder.element("action", s, lineno)
    flush()
    return builder.build()
