"""Fountain 1.1 (https://fountain.io/syntax): reader and writer.

The reader knows the whole syntax: title page; scene headings (INT, EXT, EST, INT./EXT, I/E, forced
with ``.``) and scene numbers (``#12A#``); action (forced with ``!``); characters (forced with ``@``,
extensions such as ``(V.O.)``, dual dialogue ``^``); dialogue and parentheticals; lyrics (``~``);
transitions (``TO:``, forced with ``>``); centred text (``> text <``); emphasis; notes ``[[ ]]``;
boneyard ``/* */`` (dropped); sections (``#``); synopses (``=``); page breaks (``===``).

It is lenient where writers are: a scene heading, section, synopsis, page break or forced
transition may be followed directly by the next element without a blank line.
"""

from __future__ import annotations

import re

from roughcut.script._builder import ScriptBuilder, dialogue_block
from roughcut.script._markup import SPEC_HEADING, STANDARD_HEADING
from roughcut.script.model import DialogueLine, Element, Scene, Script

_PAGE_BREAK = re.compile(r"^={3,}$")
_SCENE_NUMBER = re.compile(r"\s+#([A-Za-z0-9.\-]+)#$|^#([A-Za-z0-9.\-]+)#$")
_BONEYARD = re.compile(r"/\*.*?\*/", re.DOTALL)
_TITLE_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9 '_\-]*?)\s*:(.*)$")
#: Keys of which at least one must be present for a first block of ``Key: value`` lines to be a title
#: page (so that ``FADE IN:`` at the top of a script is not taken for one).
TITLE_KEYS = frozenset(
    {
        "title",
        "credit",
        "author",
        "authors",
        "source",
        "draft date",
        "date",
        "contact",
        "copyright",
        "notes",
        "revision",
        "episode",
        "format",
    }
)


def _is_blank(line: str) -> bool:
    """Blank ends an element; a line of exactly two spaces does not (Fountain's way to keep a blank
    line inside dialogue or a note)."""
    return not line.strip() and line != "  "


def _is_upper_cue(text: str) -> bool:
    name = text.rstrip().removesuffix("^").split("(", 1)[0]
    return any(ch.isalpha() for ch in name) and name == name.upper()


def classify(line: str, next_line: str) -> str:
    """The kind of element that a non-blank ``line`` starts, given the line after it.

    One of ``page_break``, ``action``, ``character``, ``lyric``, ``section``, ``synopsis``, ``note``,
    ``centered``, ``transition``, ``heading``.
    """
    s = line.strip()
    if _PAGE_BREAK.match(s):
        return "page_break"
    if not s:  # a line of spaces only (Fountain's way to keep a blank line inside an element)
        return "action"
    first = s[0]
    if first == "!":
        return "action"
    if first == "@":
        return "character"
    if first == "~":
        return "lyric"
    if first == "#":
        return "section"
    if first == "=":
        return "synopsis"
    if s.startswith("[["):
        return "note"
    if first == ">":
        return "centered" if s.endswith("<") and len(s) > 1 else "transition"
    if first == "." and not s.startswith(".."):
        return "heading"
    if STANDARD_HEADING.match(s) or s.upper() in ("INT", "EXT", "EST", "INT/EXT", "I/E"):
        return "heading"
    if _is_upper_cue(s):
        if s.endswith("TO:"):
            return "transition"
        if not _is_blank(next_line):
            return "character"
    return "action"


def _remove_boneyard(text: str, builder: ScriptBuilder) -> str:
    if "/*" not in text:
        return text
    text = _BONEYARD.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    if "/*" in text:
        line = text[: text.index("/*")].count("\n") + 1
        builder.warn(line, "boneyard '/*' is never closed with '*/'; kept as text")
    return text


def _title_page(lines: list[str], builder: ScriptBuilder) -> int:
    """Read the title page into ``builder``; the index of the first line after it (0 if none)."""
    fields: dict[str, str] = {}
    key = None
    index = 0
    while index < len(lines) and lines[index].strip():
        line = lines[index]
        match = _TITLE_KEY.match(line)
        if match and not line[:1].isspace():
            key = match.group(1).strip()
            value = match.group(2).strip()
            fields[key] = f"{fields[key]}\n{value}" if key in fields and value else fields.get(key, value)
        elif key is not None and line[:1].isspace():
            value = line.strip()
            fields[key] = f"{fields[key]}\n{value}" if fields[key] else value
        else:
            return 0
        index += 1
    if not any(k.lower() in TITLE_KEYS for k in fields):
        return 0
    builder.title_page = fields
    return index


def parse_fountain(text: str, source: str = "") -> Script:
    """Read a Fountain screenplay. ``source`` (a path) is only used in warnings and kept on the result."""
    builder = ScriptBuilder(source)
    text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    text = _remove_boneyard(text, builder)
    lines = text.split("\n")
    count = len(lines)
    i = _title_page(lines, builder)
    while i < count:
        line = lines[i]
        if _is_blank(line):
            i += 1
            continue
        s = line.strip()
        lineno = i + 1
        kind = classify(s, lines[i + 1] if i + 1 < count else "")
        if kind == "heading":
            heading = s[1:] if s.startswith(".") else s
            number = None
            match = _SCENE_NUMBER.search(heading)
            if match:
                number = match.group(1) or match.group(2)
                heading = heading[: match.start()].rstrip()
            builder.heading(heading, number, lineno)
            i += 1
        elif kind == "page_break":
            builder.element("page_break", "", lineno)
            i += 1
        elif kind == "section":
            level = len(s) - len(s.lstrip("#"))
            builder.element("section", s[level:].strip(), lineno, level=level)
            i += 1
        elif kind == "synopsis":
            builder.element("synopsis", s[1:].strip(), lineno)
            i += 1
        elif kind == "transition":
            builder.element("transition", s[1:].strip() if s.startswith(">") else s, lineno)
            i += 1
        elif kind in ("centered", "lyric"):
            parts = []
            while i < count and not _is_blank(lines[i]):
                t = lines[i].strip()
                if kind == "centered" and not (t.startswith(">") and t.endswith("<") and len(t) > 1):
                    break
                if kind == "lyric" and not t.startswith("~"):
                    break
                parts.append(t[1:-1].strip() if kind == "centered" else t[1:].strip())
                i += 1
            builder.element(kind, "\n".join(parts), lineno)
        elif kind == "character":
            cue = s[1:] if s.startswith("@") else s
            dual = cue.endswith("^")
            if dual:
                cue = cue[:-1].rstrip()
            i += 1
            block = []
            while i < count and not _is_blank(lines[i]):
                block.append(lines[i])
                i += 1
            builder.dialogue(cue, block, lineno, dual=dual)
        else:
            block = []
            while i < count and not _is_blank(lines[i]):
                block.append(lines[i].rstrip() if lines[i] != "  " else "  ")
                i += 1
            raw = "\n".join(block)
            if kind == "note":
                inner = raw.strip()
                if inner.endswith("]]") and inner.find("]]") == len(inner) - 2:
                    builder.element("note", inner[2:-2].strip(), lineno)
                    continue
            if raw.lstrip().startswith("!"):
                raw = raw.lstrip()[1:]
            builder.element("action", raw, lineno)
    return builder.build()


# ----------------------------------------------------------------------------------------------
# Writer


def _cue(line: DialogueLine, second_of_pair: bool) -> str:
    cue = line.character + "".join(f" ({ext.strip()})" for ext in line.extension.split(",") if ext.strip())
    if classify(cue, "x") != "character" or cue.startswith("@"):
        cue = "@" + cue
    return cue + (" ^" if second_of_pair else "")


def _write_element(element: Element) -> str:
    text = element.markup or element.text
    if element.kind == "action":
        first, _, rest = text.partition("\n")
        next_line = rest.partition("\n")[0] if rest else ""
        if not first.strip() or classify(first, next_line) != "action" or first.lstrip().startswith("!"):
            return "!" + text
        return text
    if element.kind == "transition":
        if classify(text, "") == "transition" and not text.startswith(">"):
            return text
        return "> " + text
    if element.kind == "centered":
        return "\n".join(f"> {t} <" for t in text.split("\n"))
    if element.kind == "lyric":
        return "\n".join(f"~{t}" for t in text.split("\n"))
    if element.kind == "section":
        return "#" * max(element.level, 1) + " " + text
    if element.kind == "synopsis":
        return "= " + text
    if element.kind == "note":
        return f"[[{text}]]"
    if element.kind == "page_break":
        return "==="
    raise ValueError(f"unknown element kind {element.kind!r}")


def _write_heading(scene: Scene) -> str:
    """The heading, forced with ``.`` unless every Fountain reader takes it for one (so ``EXT/INT.``
    and ``E/I``, which only some readers know, are written ``.EXT/INT.``)."""
    heading = scene.heading
    if not SPEC_HEADING.match(heading) or heading.startswith("."):
        heading = "." + heading
    return heading + (f" #{scene.number}#" if scene.numbered else "")


def write_fountain(script: Script) -> str:
    """The script as Fountain text; reading it back with :func:`parse_fountain` gives an equal model."""
    blocks: list[str] = []
    if script.title_page:
        title = []
        for key, plain in script.title_page.items():
            value = script.title_page_markup.get(key, plain)
            if "\n" in value:
                title.append(f"{key}:")
                title.extend(f"    {part}" for part in value.split("\n"))
            else:
                title.append(f"{key}: {value}".rstrip())
        blocks.append("\n".join(title))
    blocks.extend(_write_element(element) for element in script.preamble)
    for scene in script.scenes:
        if scene.heading:
            blocks.append(_write_heading(scene))
        pair_open = False
        for element in scene.elements:
            if isinstance(element, DialogueLine):
                second = element.dual and pair_open
                pair_open = element.dual and not second
                block = element.markup or "\n".join(dialogue_block(element.parenthetical, element.text))
                blocks.append(_cue(element, second) + ("\n" + block if block else ""))
            else:
                pair_open = False
                blocks.append(_write_element(element))
    return "\n\n".join(blocks) + "\n"
