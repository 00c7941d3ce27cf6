"""``read_script``: open a screenplay file and pick its reader by content."""

from __future__ import annotations

from pathlib import Path

from roughcut.script.errors import ScriptError
from roughcut.script.model import Script

#: Share of non-blank lines (title-page keys aside) that must read ``NAME: text`` for a transcript.
TRANSCRIPT_SHARE = 0.5


def _decode(data: bytes, path: Path) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ScriptError(path, 0, "not text: bad UTF-16") from exc
    head = data[:8192]
    if b"\x00" in head:
        line = head[: head.index(b"\x00")].count(b"\n") + 1
        raise ScriptError(path, line, "binary file, not a screenplay (NUL byte)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:8192]) // 100):
        raise ScriptError(path, 0, "binary file, not a screenplay (control characters)")
    return text


def detect_format(text: str, path: str | Path = "") -> str:
    """``"fdx"``, ``"transcript"`` or ``"fountain"``, from the text (the file suffix only breaks ties)."""
    from roughcut.script.fountain import TITLE_KEYS
    from roughcut.script.transcript import SPEECH

    head = text.lstrip("\ufeff \t\r\n")[:200]
    if head.startswith("<") or Path(path).suffix.lower() == ".fdx":
        return "fdx"
    speeches = others = 0
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        match = SPEECH.match(line)
        if match and match.group("name").strip().lower() in TITLE_KEYS:
            continue
        if match:
            speeches += 1
        else:
            others += 1
    if speeches and speeches >= TRANSCRIPT_SHARE * (speeches + others):
        return "transcript"
    return "fountain"


def read_script(path: str | Path) -> Script:
    """Read a screenplay: Fountain, Final Draft (``.fdx``) or a ``NAME: line`` transcript, told apart
    by content. Raises :class:`ScriptError` (file and line) for a missing, empty, binary or malformed
    file; softer problems (no dialogue, a cue without speech) come back in ``Script.warnings``."""
    from roughcut.script.fdx import parse_fdx
    from roughcut.script.fountain import parse_fountain
    from roughcut.script.transcript import parse_transcript

    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ScriptError(path, 0, "no such file") from exc
    except IsADirectoryError as exc:
        raise ScriptError(path, 0, "is a folder, not a screenplay") from exc
    except OSError as exc:
        raise ScriptError(path, 0, f"cannot read: {exc.strerror}") from exc
    if not data.strip():
        raise ScriptError(path, 0, "empty file")
    text = _decode(data, path)
    if not text.strip():
        raise ScriptError(path, 0, "empty file")
    kind = detect_format(text, path)
    if kind == "fdx":
        return parse_fdx(data, source=str(path))
    if kind == "transcript":
        return parse_transcript(text, source=str(path))
    return parse_fountain(text, source=str(path))
