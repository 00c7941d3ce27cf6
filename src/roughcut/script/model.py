"""The screenplay model: a script holds scenes, a scene holds elements, dialogue lines have ids.

A dialogue line's id is ``"{scene number}.{position}"``: the scene's number (from the script, such as
``12A``, or its order from 1) and the line's 1-based position among that scene's dialogue lines.

Equality compares content only: where a thing was read from (``source``, ``source_line``) and the
reader's warnings are left out, so a Fountain and a Final Draft version of one script compare equal,
and so does a script read back after :func:`roughcut.script.write_fountain`.

``text`` is always plain (spoken words for dialogue, no emphasis markers, no notes). Where the
source had Fountain markup (``*italic*``, ``**bold**``, ``_underline_``, ``[[notes]]``, or a dialogue
block that is more than one parenthetical and a speech), ``markup`` keeps it as Fountain text so that
writing the script back loses nothing; otherwise ``markup`` is ``""``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

#: Element kinds a scene (or the script's preamble) can hold besides dialogue.
ELEMENT_KINDS = (
    "action",
    "transition",
    "centered",
    "lyric",
    "section",
    "synopsis",
    "note",
    "page_break",
)


@dataclass(frozen=True)
class DialogueLine:
    """One speech of one character: what the editor cuts between.

    ``character`` is normalised (``JOHN (V.O.)`` and ``JOHN (CONT'D)`` are ``JOHN``, upper case,
    single spaces); ``text`` is what is spoken, without parentheticals; ``parenthetical`` keeps them
    apart (several joined by ``"; "``, without the brackets); ``extension`` keeps ``V.O.``/``O.S.``
    (several joined by ``", "``; ``CONT'D`` is dropped). ``dual`` marks both speeches of a dual
    dialogue. ``source_line`` is the 1-based line number in the file.
    """

    id: str
    scene: str
    index: int
    character: str
    text: str
    parenthetical: str = ""
    extension: str = ""
    dual: bool = False
    source_line: int = field(default=0, compare=False)
    markup: str = ""

    @property
    def words(self) -> int:
        """Number of spoken words (whitespace-separated tokens with a letter or digit)."""
        return sum(1 for token in self.text.split() if any(ch.isalnum() for ch in token))


@dataclass(frozen=True)
class Element:
    """A non-dialogue element: one of :data:`ELEMENT_KINDS`.

    ``level`` is a section's depth (``#`` is 1, ``##`` is 2); 0 for other kinds.
    """

    kind: str
    text: str
    source_line: int = field(default=0, compare=False)
    markup: str = ""
    level: int = 0


@dataclass(frozen=True)
class Scene:
    """A scene: ``heading`` as written, parsed parts, and its elements and lines in script order.

    ``int_ext`` is ``"INT"``, ``"EXT"``, ``"INT/EXT"``, ``"EST"`` or ``""``; ``numbered`` says
    whether ``number`` was written in the script (``#12A#``) rather than counted. A scene with an
    empty ``heading`` holds dialogue that came before any scene heading: it is scene ``"0"`` when
    headings follow (so the headed scenes keep their numbers, counted from 1), and scene ``"1"``
    in a script without any heading (a transcript).
    """

    number: str
    heading: str
    int_ext: str = ""
    location: str = ""
    time_of_day: str = ""
    elements: tuple[Element | DialogueLine, ...] = ()
    numbered: bool = False
    source_line: int = field(default=0, compare=False)

    @cached_property
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
    """A whole screenplay: title page fields, elements before the first scene, scenes, the file it
    came from, and the reader's warnings (``"path:line: problem"``).

    ``title_page`` values are plain text (``_**TITLE**_`` is ``TITLE``); ``title_page_markup`` keeps
    the Fountain markup of the values that had emphasis or notes, by key, as ``markup`` does.
    """

    title_page: dict[str, str] = field(default_factory=dict)
    scenes: tuple[Scene, ...] = ()
    source: str = field(default="", compare=False)
    preamble: tuple[Element, ...] = ()
    warnings: tuple[str, ...] = field(default=(), compare=False)
    title_page_markup: dict[str, str] = field(default_factory=dict)

    @cached_property
    def lines(self) -> tuple[DialogueLine, ...]:
        """Every dialogue line in script order (computed once: the script is immutable)."""
        return tuple(line for scene in self.scenes for line in scene.lines)

    @cached_property
    def _lines_by_id(self) -> dict[str, DialogueLine]:
        index: dict[str, DialogueLine] = {}
        for line in self.lines:
            index.setdefault(line.id, line)
        return index

    @property
    def characters(self) -> tuple[str, ...]:
        """Every speaking character, in order of first line."""
        seen: dict[str, None] = {}
        for line in self.lines:
            seen.setdefault(line.character, None)
        return tuple(seen)

    def line(self, line_id: str) -> DialogueLine:
        """The dialogue line with id ``line_id`` (the first, should a scene number repeat)."""
        try:
            return self._lines_by_id[line_id]
        except KeyError:
            raise KeyError(line_id) from None

    def scene(self, number: str) -> Scene:
        for scene in self.scenes:
            if scene.number == number:
                return scene
        raise KeyError(number)
