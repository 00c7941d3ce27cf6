"""Search speed on a project of 500 takes of generated records (goal: a query under 50 ms).

Each take holds 12 script lines of a generated screenplay (4 characters, 3 scenes, words drawn from a
seeded vocabulary of 2,400 words) and 2 stretches said off the script, with shot sizes, persons and
emotions: 7,000 records. The index is built once; each query kind is then run many times and its
median printed, in milliseconds and as a ratio against a reference run in the same process: the same
words looked for by a plain scan of every record in Python (substring tests, no stemming, no typos).

    PYTHONPATH=src python benchmarks/bench_search.py [--takes 500]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

from roughcut.search import SearchIndex, SearchRecord

CHARACTERS = ("NORA", "GRACE", "ADAM", "BETH")
SIZES = ("CU", "MCU", "MS", "LS")
EMOTIONS = ("joy", "sadness", "anger", "fear", "surprise", "disgust", "neutral")
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "der", "pel", "tran", "qui", "mor", "zen", "bal")


def vocabulary(rng: np.random.Generator, size: int = 2400) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES, size=int(rng.integers(2, 4)))))
    return sorted(words)


def generated_records(takes: int, seed: int = 500) -> list[SearchRecord]:
    """``takes`` takes of 12 lines and 2 off-script stretches each (see the module's docstring)."""
    rng = np.random.default_rng(seed)
    words = vocabulary(rng)
    lines = [" ".join(rng.choice(words, size=int(rng.integers(5, 14)))) for _ in range(36)]
    records = []
    rate = Fraction(24000, 1001)
    for t in range(takes):
        take = f"day{t // 50 + 1}/T{t:03d}_{CHARACTERS[t % 4].lower()}_{SIZES[t % 4].lower()}.mov"
        scene = str(t % 3 + 1)
        seen = (CHARACTERS[t % 4],) if t % 4 else CHARACTERS[:2]
        at = 16_000
        for k in range(12):
            index = (int(scene) - 1) * 12 + k
            length = int(rng.integers(2, 6)) * 16_000
            said = lines[index].split()
            if rng.random() < 0.2:  # an actor changes a word
                said[int(rng.integers(len(said)))] = str(rng.choice(words))
            records.append(
                SearchRecord(
                    take=take,
                    scene=scene,
                    kind="line",
                    line_id=f"{scene}.{k + 1}",
                    character=CHARACTERS[k % 4],
                    script=lines[index],
                    said=" ".join(said),
                    start=at,
                    end=at + length,
                    sample_rate=16_000,
                    frame_rate=rate,
                    take_frames=2400,
                    characters=seen,
                    persons=tuple(f"person{i + 1}" for i in range(len(seen))),
                    shot_size=SIZES[t % 4],
                    emotion=EMOTIONS[index % 7],
                )
            )
            at += length + 8_000
        for _ in range(2):
            records.append(
                SearchRecord(
                    take=take,
                    scene=scene,
                    kind="said",
                    line_id="",
                    character="",
                    script="",
                    said=" ".join(rng.choice(words, size=6)),
                    start=at,
                    end=at + 32_000,
                    sample_rate=16_000,
                    frame_rate=rate,
                    take_frames=2400,
                    shot_size=SIZES[t % 4],
                )
            )
            at += 40_000
    return records


def _median_ms(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--takes", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    records = generated_records(args.takes)
    with tempfile.TemporaryDirectory() as folder:
        index = SearchIndex(Path(folder) / "search.sqlite")
        start = time.perf_counter()
        key = index.load(records)
        build_s = time.perf_counter() - start
        sample = records[5]
        word = sample.script.split()[2]
        typo = word[:-1] + ("a" if word[-1] != "a" else "e")
        phrase = " ".join(sample.script.split()[1:3])
        queries = {
            "one word": dict(query=word),
            "a typo": dict(query=typo),
            "two words": dict(query=f"{word} {sample.script.split()[-1]}"),
            "a phrase": dict(query=f'"{phrase}"'),
            "word + filters": dict(query=word, who=sample.character, size=sample.shot_size),
            "filters only": dict(query="", seen="GRACE", size="CU", emotion="anger"),
            "a name (most records)": dict(query="nora"),
        }
        print(f"{len(records)} records in {args.takes} takes; index built in {build_s * 1000:.0f} ms")
        print(f"{'query':24} {'hits':>6} {'ms (50 hits)':>13} {'ms (all)':>9} {'scan ms':>8} {'ratio':>6}")
        worst = 0.0
        for label, options in queries.items():
            hits = len(index.search(key, limit=None, **options).hits)
            limited = _median_ms(lambda o=options: index.search(key, **o), args.repeats)
            whole = _median_ms(lambda o=options: index.search(key, limit=None, **o), args.repeats)
            needle = options["query"].strip('"').lower()

            def scan(needle: str = needle) -> list[SearchRecord]:
                return [r for r in records if needle in f"{r.script} {r.said} {r.character} {r.take}".lower()]

            reference = _median_ms(scan, max(3, args.repeats // 5))
            worst = max(worst, limited)
            ratio = limited / reference
            print(f"{label:24} {hits:6d} {limited:13.2f} {whole:9.2f} {reference:8.2f} {ratio:6.2f}")
        print(f"slowest query (50 hits): {worst:.2f} ms (goal: under 50 ms)")
        index.close()


if __name__ == "__main__":
    main()
