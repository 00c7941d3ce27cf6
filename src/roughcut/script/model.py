"""The screenplay model: a script holds scenes, a scene holds elements, dialogue lines have ids.

A dialogue line's id is ``"{scene number}.{position}"``: the scene's number (from the script, such as
``12A``, or its order from 1) and the line's 1-based position among that scene's dialogue lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DialogueLine:
    """One speech of one character: what the editor cuts between.

    ``character`` is normalised (``JOHN (V.O.)`` and ``JOHN (CONT'D)`` are ``JOHN``); ``text`` is what
    is spoken, without parentheticals; ``parenthetical`` keeps them apart; ``extension`` keeps
    ``V.O.``/``O.S.``. ``source_line`` is the 1-based line number in the file.
    """

    id: str
    scene: str
    index: int
    character: str
    text: str
    parenthetical: str = ""
    extension: str = ""
    dual: bool = False
    source_line: int = 0


@dataclass(frozen=True)
class Element:
    """A non-dialogue element: action, transition, centred text, lyric, section, synopsis, note..."""

    kind: str
    text: str
    source_line: int = 0


@dataclass(frozen=True)
class Scene:
    """A scene: ``heading`` as written, parsed parts, and its elements and lines in script order."""

    number: str
    heading: str
    int_ext: str = ""
    location: str = ""
    time_of_day: str = ""
    elements: tuple[Element | DialogueLine, ...] = ()

    @property
    def lines(self) -> tuple[DialogueLine, ...]:
        return tuple(e for e in self.elements if isinstance(e, DialogueLine))

    @property
    def characters(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for line in self.lines:
            seen.setdefault(line.character, None)
        return tuple(seen)


@dataclass(frozen=True)
class Script:
    """A whole screenplay: title page fields, scenes, and the file it came from."""

    title_page: dict[str, str] = field(default_factory=dict)
    scenes: tuple[Scene, ...] = ()
    source: str = ""

    @property
    def lines(self) -> tuple[DialogueLine, ...]:
        return tuple(line for scene in self.scenes for line in scene.lines)

    def line(self, line_id: str) -> DialogueLine:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise KeyError(line_id)
