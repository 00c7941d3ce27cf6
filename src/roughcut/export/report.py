"""The HTML report of a cut: a row per line with a picture of the chosen take, the alternatives
with their extra cost and the idiom against each, and the idioms that decided."""

from __future__ import annotations

import html
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from roughcut.errors import MediaError
from roughcut.export.files import OutputDir
from roughcut.media import read_frames, save_image

THUMB_WIDTH = 240

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;background:#fafafa;color:#222}
table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.5em;vertical-align:top;text-align:left}
img{display:block;border-radius:3px}.alt img{opacity:.8}.gap{background:#fee}.muted{color:#777;font-size:.9em}
.alts{display:flex;gap:.6em}.warn{color:#a40}td:nth-child(2){min-width:16em}
"""


class _Thumbnails:
    """Thumbnails wanted for the report, made in one forward decode per take (files whose keyframes
    are far apart would otherwise decode most of a GOP per picture)."""

    def __init__(self, out: OutputDir, folder: str) -> None:
        self.out, self.folder = out, folder
        self.wanted: dict[str, tuple[dict, set[int]]] = {}

    def name(self, take: dict, frame: int) -> str:
        self.wanted.setdefault(take["name"], (take, set()))[1].add(frame)
        return f"{self.folder}/{Path(take['name']).stem}_{frame}.jpg"

    def make(self) -> set[str]:
        """Write every wanted picture; the names that failed."""
        failed = set()
        for take, frames in self.wanted.values():
            todo = sorted(f for f in frames if not (self.out.root / self.name(take, f)).exists())
            if not todo:
                continue
            try:
                for frame in read_frames(
                    take["path"], width=THUMB_WIDTH, start_frame=todo[0], end_frame=todo[-1] + 1
                ):
                    if frame.index in frames:
                        with self.out.writing(self.name(take, frame.index)) as part:
                            save_image(frame.image, part)
            except MediaError:
                failed.update(self.name(take, f) for f in todo)
        return failed


def _middle(line: dict) -> int:
    """The source frame in the middle of the line's words, in its chosen take."""
    words = (line["speech_in"] + line["speech_out"]) // 2
    return line["source_in"] + words - line["record_in"]


def report_html(timeline: otio.schema.Timeline, out: OutputDir, stem: str) -> str:
    """The report page; thumbnails are written into ``out`` under ``<stem>_thumbs/``."""
    meta = timeline.metadata.get("roughcut", {})
    takes = {t["name"]: t for t in meta.get("takes", [])}
    thumbs = _Thumbnails(out, f"{stem}_thumbs")
    rate = Fraction(meta.get("frame_rate", "24"))
    rows = []
    for line in meta.get("lines", []):
        esc = html.escape
        when = f"{float(Fraction(line['record_in']) / rate):.2f} s"
        if not line.get("take"):
            rows.append(
                f"<tr class=gap><td>{esc(line['id'])}</td>"
                f"<td><b>{esc(line['character'])}</b><br>{esc(line['text'])}</td>"
                f"<td colspan=3>no take holds this line: left as a gap at {when}</td></tr>"
            )
            continue
        take = takes.get(line["take"], {})
        image = thumbs.name(take, _middle(line)) if take else None
        picture = f"<img src='{esc(image)}' width={THUMB_WIDTH}>" if image else ""
        costs = ", ".join(
            f"{esc(k)} {v:.2f}" for k, v in sorted(line["idiom_costs"].items(), key=lambda kv: -kv[1]) if v
        )
        alts = []
        for alt in line.get("alternatives", []):
            alts.append(
                f"<div class=alt>{esc(alt['take'])}<br><span class=muted>{alt['margin']:+.2f} "
                f"({esc(alt['idiom'])})</span></div>"
            )
        pinned = " (pinned)" if line.get("pinned") else ""
        reaction = f"<br>reaction: {esc(line['reaction'])}" if line.get("reaction") else ""
        rows.append(
            f"<tr><td>{esc(line['id'])}<br><span class=muted>{when}</span></td>"
            f"<td><b>{esc(line['character'])}</b><br>{esc(line['text'])}</td>"
            f"<td>{picture}{esc(line['take'])}{pinned}{reaction}</td>"
            f"<td><b>{esc(line['idiom'])}</b><br><span class=muted>cost {line['cost']:.2f}"
            f"{': ' + costs if costs else ''}</span></td>"
            f"<td><div class=alts>{''.join(alts)}</div></td></tr>"
        )
    failed = thumbs.make()
    body = "".join(rows)
    for name in failed:
        body = body.replace(f"<img src='{html.escape(name)}'", "<img alt='no picture'")
    warnings = "".join(f"<li class=warn>{html.escape(w)}</li>" for w in meta.get("warnings", []))
    weights = ", ".join(f"{html.escape(k)} {v:g}" for k, v in meta.get("weights", {}).items() if v)
    return (
        f"<!doctype html><html><head><meta charset=utf-8><title>{html.escape(timeline.name)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{html.escape(timeline.name)}</h1>"
        f"<p>Style <b>{html.escape(str(meta.get('style')))}</b> ({weights}); "
        f"pace {html.escape(str(meta.get('pace')))}; "
        f"total cost {meta.get('cost', 0):.2f}; {float(timeline.duration().to_seconds()):.2f} s.</p>"
        f"<ul>{warnings}</ul><table><tr><th>line</th><th>dialogue</th><th>chosen take</th>"
        f"<th>decided by</th><th>alternatives (extra cost, idiom against)</th></tr>{body}</table>"
        "</body></html>"
    )


def write_report(timeline: otio.schema.Timeline, out: OutputDir, name: str) -> Path:
    return out.write_text(name, report_html(timeline, out, Path(name).name.split(".")[0]))
