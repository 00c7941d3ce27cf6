"""Random models made of awkward text: write_fountain then parse_fountain gives them back."""

from __future__ import annotations

import numpy as np

from roughcut.script import parse_fountain, write_fountain
from roughcut.script._markup import parse_heading
from roughcut.script.model import DialogueLine, Element, Scene, Script

#: Texts that Fountain would read as something else unless the writer forces them.
AWKWARD = [
    "LOUD NOISES",
    "INT. NOT A HEADING",
    "> arrow",
    "~tilde",
    "# hash",
    "= equals",
    "@at",
    "!bang",
    "CUT TO:",
    "===",
    ".dot",
    "...and then",
    "(in brackets)",
    "Plain words here.",
    "EXT",
    "ok < no",
]
PLAIN = ["The door opens.", "Rain.", "She waits, then leaves.", "A long pause follows the news."]
NAMES = ["ANA", "BEN", "R2D2", "MCCLANE", "JEAN-LUC", "DR. NO", "X Æ"]


def _pick(rng: np.random.Generator, items: list[str]) -> str:
    return items[int(rng.integers(len(items)))]


def _random_script(rng: np.random.Generator) -> Script:
    scenes = []
    for order in range(1, int(rng.integers(1, 4)) + 1):
        elements: list[Element | DialogueLine] = []
        index = 0
        for _ in range(int(rng.integers(0, 8))):
            kind = _pick(
                rng,
                [
                    "action",
                    "action",
                    "dialogue",
                    "dialogue",
                    "transition",
                    "centered",
                    "lyric",
                    "note",
                    "section",
                    "synopsis",
                    "page_break",
                ],
            )
            if kind == "dialogue":
                index += 1
                dual = bool(rng.random() < 0.3)
                previous = elements[-1] if elements else None
                if dual and isinstance(previous, DialogueLine) and not previous.dual:
                    elements[-1] = DialogueLine(**{**previous.__dict__, "dual": True})
                else:
                    dual = False
                text = _pick(rng, [*PLAIN, "Hello.", "LOUD NOISES", "What?"])
                parenthetical = _pick(rng, ["", "", "beat", "quietly, to herself"])
                extension = _pick(rng, ["", "", "V.O.", "O.S.", "on the radio"])
                number = str(order)
                elements.append(
                    DialogueLine(
                        f"{number}.{index}",
                        number,
                        index,
                        _pick(rng, NAMES),
                        text,
                        parenthetical,
                        extension,
                        dual,
                    )
                )
                continue
            if kind == "action":
                lines = [_pick(rng, AWKWARD + PLAIN) for _ in range(int(rng.integers(1, 3)))]
                elements.append(Element("action", "\n".join(lines)))
            elif kind == "transition":
                elements.append(Element("transition", _pick(rng, ["CUT TO:", "Fade out.", "DISSOLVE TO:"])))
            elif kind == "centered":
                elements.append(Element("centered", _pick(rng, ["THE END", "Later", "INT. NOPE"])))
            elif kind == "lyric":
                elements.append(Element("lyric", "La la la\nla la"))
            elif kind == "section":
                elements.append(
                    Element("section", _pick(rng, ["ACT ONE", "The chase"]), level=int(rng.integers(1, 4)))
                )
            elif kind == "synopsis":
                elements.append(Element("synopsis", _pick(rng, ["She runs.", "INT. NOT A HEADING"])))
            elif kind == "page_break":
                elements.append(Element("page_break", ""))
            else:
                elements.append(Element("note", _pick(rng, ["check this", "two\nlines"])))
        heading = _pick(rng, ["INT. KITCHEN - DAY", "EXT. ROOF - NIGHT", "DREAM SEQUENCE", "I/E CAR - LATER"])
        int_ext, location, time_of_day = parse_heading(heading)
        numbered = bool(rng.random() < 0.5)
        scenes.append(
            Scene(str(order), heading, int_ext, location, time_of_day, tuple(elements), numbered=numbered)
        )
    preamble = (Element("action", "FADE IN:"), Element("section", "ACT ONE", level=1))
    title = {"Title": "Fuzz\nsecond line", "Draft date": "today"}
    return Script(title_page=title, scenes=tuple(scenes), preamble=preamble[: int(rng.integers(0, 3))])


def test_random_models_survive_a_round_trip(rng):
    for _ in range(300):
        script = _random_script(rng)
        text = write_fountain(script)
        again = parse_fountain(text)
        assert again == script, text
