"""Screenplay reading speed: parse a generated 120-page Fountain script (about 6,600 lines).

Prints the time to parse it (goal: under 0.5 s), side by side in the same run with a reference
pass that only splits the text into stripped lines (the floor of any line-based reader), the same
script as Final Draft XML, the Fountain writer, and the breakdown. Run:
``.venv/bin/python benchmarks/bench_script.py [--with-analysis]`` (the option adds the per-line text
analysis of the same script, which first loads lingua's models for tens of seconds).
"""

from __future__ import annotations

import random
import re
import sys
import time
from xml.sax.saxutils import escape

from roughcut.script import parse_fdx, parse_fountain, write_fountain
from roughcut.script.breakdown import breakdown

CHARACTERS = ("NORA", "GRACE", "TOMAS", "ODILE", "BENOIT", "MARA")
TEXT = (
    "the launch window closes at dawn and every reading is where it should be but we check it "
    "again because clean data does not mean a clean flight and nobody goes home until the light "
    "turns green over the harbour"
)
WORDS = tuple(re.findall(r"\w+", TEXT))
PLACES = ("MISSION CONTROL", "HANGAR", "ROCKY ISLAND", "BAKERY", "LAMP ROOM", "HARBOUR")
TIMES = ("DAY", "NIGHT", "DAWN", "CONTINUOUS", "LATER")


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + rng.choice((".", ".", "?", "!"))


def generate(scenes: int = 180, seed: int = 7) -> tuple[str, str]:
    """A Fountain script and the same script as FDX, deterministic for ``seed``."""
    rng = random.Random(seed)
    fountain = ["Title: Benchmark", "Author: roughcut", ""]
    fdx = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<FinalDraft DocumentType="Script" Version="5">',
        "<Content>",
    ]

    def para(kind: str, text: str, extra: str = "") -> None:
        fdx.append(f'<Paragraph Type="{kind}"{extra}><Text>{escape(text)}</Text></Paragraph>')

    for number in range(1, scenes + 1):
        heading = f"{rng.choice(('INT.', 'EXT.'))} {rng.choice(PLACES)} - {rng.choice(TIMES)}"
        fountain += [f"{heading} #{number}#", ""]
        para("Scene Heading", heading, f' Number="{number}"')
        for _ in range(rng.randint(10, 14)):
            if rng.random() < 0.3:
                action = _sentence(rng, 4, 10)
                fountain += [action, ""]
                para("Action", action)
                continue
            who = rng.choice(CHARACTERS)
            speech = _sentence(rng, 2, 6)
            fountain.append(who)
            fdx.append(f'<Paragraph Type="Character"><Text>{who}</Text></Paragraph>')
            if rng.random() < 0.2:
                fountain.append("(quietly)")
                para("Parenthetical", "(quietly)")
            fountain += [speech, ""]
            para("Dialogue", speech)
        if number % 5 == 0:
            fountain += ["CUT TO:", ""]
            para("Transition", "CUT TO:")
    fdx += ["</Content>", "</FinalDraft>"]
    return "\n".join(fountain), "\n".join(fdx)


def best_of(function, repeats: int = 5) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    fountain, fdx = generate()
    script = parse_fountain(fountain)
    result = breakdown(script)
    lines = fountain.count("\n") + 1
    print(
        f"generated script: {lines} lines, {len(script.scenes)} scenes, {len(script.lines)} dialogue lines, "
        f"{result.pages:.1f} pages by the breakdown's layout"
    )
    floor = best_of(lambda: [line.strip() for line in fountain.split("\n")])
    parse = best_of(lambda: parse_fountain(fountain))
    parse_xml = best_of(lambda: parse_fdx(fdx.encode()))
    write = best_of(lambda: write_fountain(script))
    sheet = best_of(lambda: breakdown(script))
    assert parse_fdx(fdx.encode()).scenes == script.scenes
    rows = [
        ("split into stripped lines (floor)", floor, ""),
        ("parse_fountain", parse, f"{parse / floor:6.1f}x the floor; goal < 500 ms"),
        ("parse_fdx, same script", parse_xml, f"{parse_xml / parse:6.2f}x parse_fountain"),
        ("write_fountain", write, f"{write / parse:6.2f}x parse_fountain"),
        ("breakdown", sheet, f"{sheet / parse:6.2f}x parse_fountain"),
    ]
    for label, seconds, ratio in rows:
        print(f"{label:<40} {seconds * 1000:8.1f} ms  {ratio}")
    print(f"parse_fountain throughput: {lines / parse:,.0f} lines/s")
    if "--with-analysis" in sys.argv:
        _analysis(script, parse)


def _analysis(script, parse: float) -> None:  # type: ignore[no-untyped-def]
    """Per-line text analysis of the same script, models loaded first and timed apart."""
    from roughcut.script.analysis import _analyze
    from roughcut.text.keywords import keywords
    from roughcut.text.language import COMMON_LANGUAGES, detect_language
    from roughcut.text.sentiment import sentiment

    start = time.perf_counter()
    detect_language("load the language models first")
    keywords("load yake")
    sentiment("load vader")
    load = time.perf_counter() - start
    start = time.perf_counter()
    _analyze(script, languages=COMMON_LANGUAGES, top_keywords=5)
    analyse = time.perf_counter() - start
    count = len(script.lines)
    print(f"{'load lingua (32 languages), YAKE, VADER':<40} {load * 1000:8.1f} ms")
    print(
        f"{'analyze_lines, ' + str(count) + ' lines':<40} {analyse * 1000:8.1f} ms  "
        f"{analyse / parse:6.1f}x parse_fountain; {analyse / count * 1000:.2f} ms a line"
    )


if __name__ == "__main__":
    main()
