"""Final Draft ``.fdx``: XML ``<Paragraph Type="...">`` elements under ``<Content>``.

Paragraph types read: Scene Heading (with its ``Number``), Action (centred when
``Alignment="Center"``), Character, Parenthetical, Dialogue, Transition, Lyrics, Shot, General,
New Act / End of Act (as sections); ``<DualDialogue>`` pairs; ``StartsNewPage`` as a page break;
``<Text Style="Bold+Italic+Underline">`` runs as Fountain emphasis. Script notes become Fountain
notes: a ``<ScriptNote>`` inside a paragraph (or one of the document's ``<ScriptNotes>`` whose
``Range`` starts in it, counting each paragraph's characters and one for its break) is appended to
the paragraph as ``[[note]]``, or is a note element of its own when the paragraph has no text; a
scene heading's ``<SceneProperties><Summary>`` paragraphs are synopses (``= summary``) after it.
The title page is mapped onto Fountain keys: Title (first paragraph), Credit ("written by"),
Author (the one after), Contact (the rest). Parsed with the standard library's expat, which
reads no external entities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.parsers import expat

from roughcut.script._builder import ScriptBuilder, is_parenthetical
from roughcut.script.errors import ScriptError
from roughcut.script.model import Script

_ACTION_TYPES = frozenset({"action", "general", "shot", "cast list"})
_SECTION_TYPES = frozenset({"new act", "end of act", "new episode", "act break"})
_CREDIT = re.compile(r"^(written\s+)?by\b|^screenplay\s+by\b|^story\s+by\b", re.IGNORECASE)


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_Node] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def find(self, tag: str) -> _Node | None:
        return next((c for c in self.children if c.tag == tag), None)


def _parse_xml(data: bytes | str, source: str) -> _Node:
    parser = expat.ParserCreate()
    root = _Node("", {}, 0)
    stack = [root]

    def start(tag: str, attrs: dict[str, str]) -> None:
        node = _Node(tag, attrs, parser.CurrentLineNumber)
        stack[-1].children.append(node)
        stack.append(node)

    def end(tag: str) -> None:
        stack.pop()

    def chars(data: str) -> None:
        stack[-1].text.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ScriptError(source, exc.lineno, f"not valid XML: {expat.ErrorString(exc.code)}") from exc
    except LookupError as exc:  # an XML declaration naming an encoding Python does not know
        raise ScriptError(source, 1, f"declares an unknown text encoding ({exc})") from None
    if not root.children:
        raise ScriptError(source, 1, "not XML: no root element")
    return root.children[0]


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")
        if ("*" in text or "_" in text)
        else text
    )


def _run_markup(text: str, style: str) -> str:
    styles = {s.strip().lower() for s in style.split("+")}
    core = text.strip()
    if not core:
        return text
    marked = _escape(core)
    if "italic" in styles and "bold" in styles:
        marked = f"***{marked}***"
    elif "bold" in styles:
        marked = f"**{marked}**"
    elif "italic" in styles:
        marked = f"*{marked}*"
    if "underline" in styles:
        marked = f"_{marked}_"
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return lead + marked + trail


def _paragraph_markup(paragraph: _Node) -> str:
    """The paragraph's text runs joined, with emphasis as Fountain markup."""
    parts = []
    for child in paragraph.children:
        if child.tag == "Text":
            parts.append(_run_markup("".join(child.text), child.attrs.get("Style", "")))
    return "".join(parts).replace("\r\n", "\n").replace("\r", "\n")


def _plain_text(node: _Node) -> str:
    """The text runs of every paragraph under ``node``, one paragraph a line."""
    paragraphs = []
    for child in node.children:
        if child.tag == "Paragraph":
            text = " ".join("".join(t.text) for t in child.children if t.tag == "Text").strip()
            if text:
                paragraphs.append(" ".join(text.split()))
    return "\n".join(paragraphs)


def _content_paragraphs(content: _Node) -> list[_Node]:
    """The script's paragraphs in reading order, those of dual dialogue included."""
    out = []
    for node in content.children:
        if node.tag != "Paragraph":
            continue
        dual = node.find("DualDialogue")
        if dual is None:
            out.append(node)
        else:
            out.extend(child for child in dual.children if child.tag == "Paragraph")
    return out


def _ranged_notes(root: _Node, content: _Node) -> dict[int, list[str]]:
    """The document's ``<ScriptNotes>`` by the paragraph (``id`` of its node) their ``Range`` starts in."""
    notes_node = root.find("ScriptNotes")
    if notes_node is None:
        return {}
    starts: list[tuple[int, _Node]] = []
    offset = 0
    for paragraph in _content_paragraphs(content):
        starts.append((offset, paragraph))
        offset += len(_paragraph_markup(paragraph)) + 1
    out: dict[int, list[str]] = {}
    for note in notes_node.children:
        text = _plain_text(note).replace("\n", " ")
        match = re.match(r"\s*(\d+)", note.attrs.get("Range", ""))
        if note.tag != "ScriptNote" or not text or not starts:
            continue
        start = int(match.group(1)) if match else 0
        paragraph = next((p for at, p in reversed(starts) if at <= start), starts[0][1])
        out.setdefault(id(paragraph), []).append(text)
    return out


def _title_page(root: _Node) -> dict[str, str]:
    title = root.find("TitlePage")
    content = title.find("Content") if title else None
    if content is None:
        return {}
    texts = [_paragraph_markup(p).strip() for p in content.children if p.tag == "Paragraph"]
    texts = [t for t in texts if t]
    if not texts:
        return {}
    fields = {"Title": texts[0]}
    rest = texts[1:]
    for index, text in enumerate(rest):
        if _CREDIT.match(text):
            fields["Credit"] = text
            if index + 1 < len(rest):
                fields["Author"] = rest[index + 1]
            rest = rest[index + 2 :]
            break
    if rest:
        fields["Contact"] = "\n".join(rest)
    return fields


def parse_fdx(data: bytes | str, source: str = "") -> Script:
    """Read a Final Draft ``.fdx`` document (bytes as read from the file, or text)."""
    root = _parse_xml(data, source)
    if root.tag != "FinalDraft":
        raise ScriptError(source, root.line, f"XML but not a Final Draft document (root <{root.tag}>)")
    content = root.find("Content")
    if content is None:
        raise ScriptError(source, root.line, "Final Draft document without <Content>")
    builder = ScriptBuilder(source)
    builder.title_page = _title_page(root)
    ranged = _ranged_notes(root, content)
    pending: list = []  # [cue, block, line, dual]

    def flush() -> None:
        if pending:
            cue, block, line, dual = pending
            builder.dialogue(cue, block, line, dual=dual)
            pending.clear()

    def paragraph(node: _Node, in_dual: list[int] | None = None) -> None:
        dual_node = node.find("DualDialogue")
        if dual_node is not None:
            flush()
            characters = [0]
            for child in dual_node.children:
                if child.tag == "Paragraph":
                    paragraph(child, characters)
            flush()
            return
        kind = node.attrs.get("Type", "").strip().lower()
        if node.attrs.get("StartsNewPage") == "Yes":
            flush()
            builder.element("page_break", "", node.line)
        raw = _paragraph_markup(node)
        notes = [_plain_text(n).replace("\n", " ") for n in node.children if n.tag == "ScriptNote"]
        notes = [note for note in notes + ranged.get(id(node), []) if note]
        if notes and not raw.strip() and kind != "scene heading":
            flush()
            for note in notes:
                builder.element("note", note, node.line)
            return
        if notes:
            raw = raw.rstrip() + "".join(f" [[{note}]]" for note in notes)
        if not raw.strip() and kind != "scene heading":
            return
        if kind in ("dialogue", "parenthetical", "lyrics", "lyric") and pending:
            text = raw.strip()
            if kind == "parenthetical" and not is_parenthetical(text):
                text = f"({text})"
            if kind.startswith("lyric"):
                text = "~" + text
            pending[1].extend(text.split("\n"))
            return
        flush()
        if kind == "character":
            dual = False
            if in_dual is not None:
                in_dual[0] += 1
                dual = in_dual[0] == 2
            pending.extend([raw.strip(), [], node.line, dual])
        elif kind == "scene heading":
            builder.heading(raw.strip(), node.attrs.get("Number") or None, node.line)
            properties = node.find("SceneProperties")
            summary = properties.find("Summary") if properties is not None else None
            for synopsis in _plain_text(summary).split("\n") if summary is not None else ():
                if synopsis:
                    builder.element("synopsis", synopsis, node.line)
        elif kind == "transition":
            builder.element("transition", raw.strip(), node.line)
        elif kind in ("lyrics", "lyric"):
            builder.element("lyric", raw.strip(), node.line)
        elif kind in _SECTION_TYPES:
            builder.element("section", raw.strip(), node.line, level=1)
        else:
            if kind not in _ACTION_TYPES:
                builder.warn(node.line, f"paragraph type {node.attrs.get('Type')!r} read as action")
            if node.attrs.get("Alignment", "").lower() == "center":
                builder.element("centered", raw.strip(), node.line)
            else:
                builder.element("action", raw.rstrip(), node.line)

    for node in content.children:
        if node.tag == "Paragraph":
            paragraph(node)
    flush()
    return builder.build()
