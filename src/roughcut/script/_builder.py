"""Builds a :class:`Script` from the elements a reader finds, in order; gives line ids and numbers.

Every reader (Fountain, Final Draft, transcript) hands its findings here as Fountain markup, so the
same content gives the same model whatever the format.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from roughcut.script._markup import parse_character, parse_heading, strip_markup
from roughcut.script.model import DialogueLine, Element, Scene, Script

log = logging.getLogger("roughcut.script")


def dialogue_block(parenthetical: str, text: str) -> list[str]:
    """The Fountain lines under a character cue for one parenthetical and one speech."""
    block = [f"({parenthetical})"] if parenthetical else []
    if text:
        block.append(text)
    return block


def is_parenthetical(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("(") and stripped.endswith(")")


@dataclass
class _LineDraft:
    character: str
    extension: str
    text: str
    parenthetical: str
    markup: str
    dual: bool
    source_line: int


@dataclass
class _SceneDraft:
    heading: str
    number: str | None
    source_line: int
    items: list[Element | _LineDraft] = field(default_factory=list)
    #: holds dialogue that came before the first heading
    headless: bool = False


class ScriptBuilder:
    """Collects title page, elements, headings and speeches in order; :meth:`build` freezes them."""

    def __init__(self, source: str = "") -> None:
        self.source = source
        self.title_page: dict[str, str] = {}
        self.preamble: list[Element] = []
        self.scenes: list[_SceneDraft] = []
        self.warnings: list[str] = []

    def warn(self, line: int, problem: str) -> None:
        where = f"{self.source or '<text>'}:{line}" if line else (self.source or "<text>")
        message = f"{where}: {problem}"
        self.warnings.append(message)
        log.info(message)

    def heading(self, heading: str, number: str | None, source_line: int) -> None:
        self.scenes.append(_SceneDraft(heading.strip(), number, source_line))

    def element(self, kind: str, raw: str, source_line: int, *, level: int = 0) -> None:
        """A non-dialogue element with its Fountain ``raw`` text (emphasis and notes kept)."""
        text = strip_markup(raw)
        item = Element(kind, text, source_line, raw if raw != text else "", level)
        if self.scenes:
            self.scenes[-1].items.append(item)
        else:
            self.preamble.append(item)

    def dialogue(self, cue: str, block: list[str], source_line: int, *, dual: bool = False) -> None:
        """A character ``cue`` as written and the Fountain lines under it (parentheticals, speech).

        ``dual`` marks the second speech of a dual dialogue: the speech before it becomes the first.
        """
        character, extension = parse_character(strip_markup(cue))
        if not character:
            self.warn(source_line, f"character cue {cue!r} has no name; taken as action")
            self.element("action", "\n".join([cue, *block]), source_line)
            return
        parentheticals: list[str] = []
        speech: list[str] = []
        for raw in block:
            if is_parenthetical(raw):
                parentheticals.append(strip_markup(raw.strip()[1:-1]).strip())
            elif raw.strip():
                spoken = raw.strip()
                speech.append(spoken[1:].strip() if spoken.startswith("~") else spoken)
        text = " ".join(strip_markup(" ".join(speech)).split())
        parenthetical = "; ".join(p for p in parentheticals if p)
        raw_block = "\n".join(line if line == "  " else line.strip() for line in block)
        markup = "" if raw_block == "\n".join(dialogue_block(parenthetical, text)) else raw_block
        if not text:
            self.warn(source_line, f"{character} has a cue but no dialogue")
        if not self.scenes:
            self.scenes.append(_SceneDraft("", None, source_line, headless=True))
        items = self.scenes[-1].items
        if dual:
            previous = items[-1] if items else None
            if isinstance(previous, _LineDraft):
                previous.dual = True
            else:
                self.warn(source_line, "dual dialogue mark '^' without a speech just before it")
                dual = False
        items.append(_LineDraft(character, extension, text, parenthetical, markup, dual, source_line))

    def build(self) -> Script:
        scenes = []
        seen: dict[str, int] = {}
        order = 0
        headed = any(not draft.headless for draft in self.scenes)
        for draft in self.scenes:
            if not draft.headless or not headed:
                order += 1
            number = draft.number or str(order)  # dialogue before the first heading: scene 0
            if number in seen:
                self.warn(
                    draft.source_line,
                    f"scene number {number} also used at line {seen[number]}; line ids repeat",
                )
            seen.setdefault(number, draft.source_line)
            int_ext, location, time_of_day = parse_heading(draft.heading) if draft.heading else ("", "", "")
            elements: list[Element | DialogueLine] = []
            index = 0
            for item in draft.items:
                if isinstance(item, _LineDraft):
                    index += 1
                    item_line = DialogueLine(
                        id=f"{number}.{index}",
                        scene=number,
                        index=index,
                        character=item.character,
                        text=item.text,
                        parenthetical=item.parenthetical,
                        extension=item.extension,
                        dual=item.dual,
                        source_line=item.source_line,
                        markup=item.markup,
                    )
                    elements.append(item_line)
                else:
                    elements.append(item)
            scenes.append(
                Scene(
                    number=number,
                    heading=draft.heading,
                    int_ext=int_ext,
                    location=location,
                    time_of_day=time_of_day,
                    elements=tuple(elements),
                    numbered=draft.number is not None,
                    source_line=draft.source_line,
                )
            )
        if not any(scene.lines for scene in scenes):
            self.warn(0, "no dialogue found")
        title_page = {key: strip_markup(value) for key, value in self.title_page.items()}
        return Script(
            title_page=title_page,
            title_page_markup={k: v for k, v in self.title_page.items() if v != title_page[k]},
            scenes=tuple(scenes),
            source=self.source,
            preamble=tuple(self.preamble),
            warnings=tuple(self.warnings),
        )
