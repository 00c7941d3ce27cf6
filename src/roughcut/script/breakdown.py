"""Script breakdown: scenes with INT/EXT, location, time of day, length in eighths of a page, who is
in them, lines and words per character, estimated screen time, the cast ordered by size.

Page length is measured by laying the script out as a typewritten screenplay page: Courier 12 pt
(10 characters an inch, 6 lines an inch) with :data:`LINES_PER_PAGE` = 55 lines of text a page.
Each element is wrapped to its usual width in characters (:data:`WIDTHS`: scene heading, action,
transition and centred text 61; character cue 38; parenthetical 25; dialogue and lyrics 35) and
preceded by one blank line, except parentheticals and dialogue, which sit right under their cue.
Sections, synopses and notes are not printed and take no space; the title page is not counted;
page breaks, (MORE)/(CONT'D) and widow rules are ignored. A scene's length is its heading and
everything up to the next heading, in eighths of a page rounded to the nearest eighth, at least
1/8 (the industry's convention).

Dialogue before the first scene heading is scene ``0`` (see :class:`~roughcut.script.model.Scene`):
it has a row, and its lines, words and page length count in the totals, but it is not counted among
the scenes, so the number of scenes is the number of headings and no scene number shifts.

Screen time is estimated twice: a page a minute (7.5 s an eighth), and from the dialogue alone at
:data:`WORDS_PER_MINUTE` = 150 spoken words a minute.
"""

from __future__ import annotations

import textwrap
from dataclasses import asdict, dataclass

from roughcut.script.model import DialogueLine, Element, Scene, Script

LINES_PER_PAGE = 55
WORDS_PER_MINUTE = 150
#: Element widths in characters of 12 pt Courier (tenths of an inch).
WIDTHS = {
    "heading": 61,
    "action": 61,
    "transition": 61,
    "centered": 61,
    "character": 38,
    "parenthetical": 25,
    "dialogue": 35,
    "lyric": 35,
}
_UNPRINTED = frozenset({"section", "synopsis", "note", "page_break"})


def wrapped_lines(text: str, width: int) -> int:
    """Lines ``text`` takes when each of its own lines is word-wrapped at ``width`` characters."""
    return sum(max(1, len(textwrap.wrap(part, width))) for part in text.split("\n"))


def dialogue_layout_lines(line: DialogueLine) -> int:
    """Lines of one speech: a blank line, the cue, its parenthetical(s) and the speech."""
    count = 2
    for parenthetical in line.parenthetical.split("; ") if line.parenthetical else ():
        count += wrapped_lines(f"({parenthetical})", WIDTHS["parenthetical"])
    if line.text:
        count += wrapped_lines(line.text, WIDTHS["dialogue"])
    return count


def element_layout_lines(element: Element) -> int:
    """Lines a non-dialogue element takes on the page, with the blank line before it."""
    if element.kind in _UNPRINTED:
        return 0
    return 1 + wrapped_lines(element.text, WIDTHS.get(element.kind, WIDTHS["action"]))


def scene_layout_lines(scene: Scene) -> int:
    """Lines a scene takes on the page: the heading (with a blank line before) and its elements."""
    total = 1 + wrapped_lines(scene.heading, WIDTHS["heading"]) if scene.heading else 0
    for element in scene.elements:
        if isinstance(element, DialogueLine):
            total += dialogue_layout_lines(element)
        else:
            total += element_layout_lines(element)
    return total


def eighths(layout_lines: int, lines_per_page: int = LINES_PER_PAGE) -> int:
    """Page eighths for a count of lines: nearest eighth (halves up), at least 1 when any line."""
    if layout_lines <= 0:
        return 0
    return max(1, (layout_lines * 16 + lines_per_page) // (2 * lines_per_page))


def format_eighths(count: int) -> str:
    """``11`` → ``"1 3/8"``; ``4`` → ``"4/8"``; ``16`` → ``"2"`` (the way breakdown sheets write it)."""
    pages, rest = divmod(count, 8)
    if not rest:
        return str(pages)
    return f"{pages} {rest}/8" if pages else f"{rest}/8"


@dataclass(frozen=True)
class SceneBreakdown:
    """One scene's row of the breakdown. Seconds are estimates (see the module docstring)."""

    number: str
    heading: str
    int_ext: str
    location: str
    time_of_day: str
    layout_lines: int
    eighths: int
    characters: tuple[str, ...]
    dialogue_lines: int
    words: int
    page_seconds: float
    dialogue_seconds: float

    @property
    def length(self) -> str:
        return format_eighths(self.eighths)


@dataclass(frozen=True)
class CastMember:
    """A speaking character: dialogue lines, spoken words, scene numbers they speak in."""

    character: str
    lines: int
    words: int
    scenes: tuple[str, ...]
    dialogue_seconds: float


@dataclass(frozen=True)
class Breakdown:
    """The breakdown of a whole script; ``cast`` is ordered by size (lines, then words, then name)."""

    source: str
    title: str
    scenes: tuple[SceneBreakdown, ...]
    cast: tuple[CastMember, ...]
    layout_lines: int
    lines_per_page: int
    words_per_minute: int

    @property
    def pages(self) -> float:
        """Length of the whole script in pages (from its laid-out lines, not the rounded eighths)."""
        return self.layout_lines / self.lines_per_page

    @property
    def eighths(self) -> int:
        return sum(scene.eighths for scene in self.scenes)

    @property
    def page_seconds(self) -> float:
        return self.pages * 60.0

    @property
    def dialogue_seconds(self) -> float:
        return sum(scene.dialogue_seconds for scene in self.scenes)

    def to_dict(self) -> dict:
        """A JSON-able dict: totals, scenes (with ``length`` as written on breakdown sheets), cast."""
        scenes = []
        for scene in self.scenes:
            row = asdict(scene)
            row["characters"] = list(scene.characters)
            row["length"] = scene.length
            scenes.append(row)
        return {
            "source": self.source,
            "title": self.title,
            "method": {
                "lines_per_page": self.lines_per_page,
                "words_per_minute": self.words_per_minute,
                "widths": WIDTHS,
            },
            "totals": {
                "scenes": sum(1 for s in self.scenes if s.heading) or len(self.scenes),
                "pages": round(self.pages, 3),
                "eighths": self.eighths,
                "page_seconds": round(self.page_seconds, 1),
                "dialogue_seconds": round(self.dialogue_seconds, 1),
                "dialogue_lines": sum(s.dialogue_lines for s in self.scenes),
                "words": sum(s.words for s in self.scenes),
            },
            "scenes": scenes,
            "cast": [asdict(member) | {"scenes": list(member.scenes)} for member in self.cast],
        }


def breakdown(
    script: Script, *, lines_per_page: int = LINES_PER_PAGE, words_per_minute: int = WORDS_PER_MINUTE
) -> Breakdown:
    """Break ``script`` down by scene and by character (method in the module docstring)."""
    rows = []
    total_lines = sum(element_layout_lines(e) for e in script.preamble)
    cast: dict[str, dict] = {}
    for scene in script.scenes:
        layout = scene_layout_lines(scene)
        total_lines += layout
        count = eighths(layout, lines_per_page)
        words = 0
        for line in scene.lines:
            words += line.words
            member = cast.setdefault(line.character, {"lines": 0, "words": 0, "scenes": {}})
            member["lines"] += 1
            member["words"] += line.words
            member["scenes"].setdefault(scene.number, None)
        rows.append(
            SceneBreakdown(
                number=scene.number,
                heading=scene.heading,
                int_ext=scene.int_ext,
                location=scene.location,
                time_of_day=scene.time_of_day,
                layout_lines=layout,
                eighths=count,
                characters=scene.characters,
                dialogue_lines=len(scene.lines),
                words=words,
                page_seconds=count * 60.0 / 8,
                dialogue_seconds=words * 60.0 / words_per_minute,
            )
        )
    members = [
        CastMember(name, m["lines"], m["words"], tuple(m["scenes"]), m["words"] * 60.0 / words_per_minute)
        for name, m in cast.items()
    ]
    members.sort(key=lambda m: (-m.lines, -m.words, m.character))
    return Breakdown(
        source=script.source,
        title=script.title_page.get("Title", script.title_page.get("title", "")),
        scenes=tuple(rows),
        cast=tuple(members),
        layout_lines=total_lines,
        lines_per_page=lines_per_page,
        words_per_minute=words_per_minute,
    )
