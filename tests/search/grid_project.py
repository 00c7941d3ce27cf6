"""A real project made of GRID recordings (../shared/media/grid): one take per speaker, a screenplay
of their sentences in two scenes, with one take off the script and one line the actor changed.

Takes (links to the real clips, six different speakers):

* scene 1: ``bbaf2n`` ALICE "bin blue at f two now", ``brbk7n`` BRUNO "bin red by k seven now",
  ``lbax4n`` CARMEN, whose line the script gives as "lay blue at x four" (she adds "now");
* scene 2: ``pwij3p`` DANIEL "place white in j three please", ``sbwe5n`` EMMA "set blue with e five
  now";
* ``swiz3n`` (a sixth speaker saying "set white in z three now") is in no scene: everything heard in
  it is said off the script.

The sentences are GRID's own transcripts (``transcripts.tsv``), so what each take holds is known
without running roughcut.
"""

from __future__ import annotations

from pathlib import Path

#: take stem → (character, scene, the line as the script gives it); ``None``: not in the script.
CAST = {
    "bbaf2n": ("ALICE", "1", "Bin blue at F two now."),
    "brbk7n": ("BRUNO", "1", "Bin red by K seven now."),
    "lbax4n": ("CARMEN", "1", "Lay blue at X four."),
    "pwij3p": ("DANIEL", "2", "Place white in J three please."),
    "sbwe5n": ("EMMA", "2", "Set blue with E five now."),
    "swiz3n": None,
}


def fountain() -> str:
    """The screenplay: two numbered scenes of the lines in :data:`CAST`."""
    out = ["Title: Grid Calls", "", ""]
    for scene, heading in (("1", "INT. CALL CENTRE - DAY"), ("2", "INT. CALL CENTRE - NIGHT")):
        out += [f"{heading} #{scene}#", "", "The operators read out their codes.", ""]
        for who in CAST.values():
            if who and who[1] == scene:
                out += [who[0], who[2], ""]
    return "\n".join(out)


def build_grid_project(grid: Path, out: Path) -> Path:
    """Make the project in ``out``: ``takes/<stem>.mpg`` linked to the real clips, ``grid.fountain``."""
    (out / "takes").mkdir(parents=True, exist_ok=True)
    for stem in CAST:
        link = out / "takes" / f"{stem}.mpg"
        if not link.exists():
            link.symlink_to((grid / f"{stem}.mpg").resolve())
    (out / "grid.fountain").write_text(fountain(), encoding="utf-8")
    return out
