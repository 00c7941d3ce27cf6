"""Contact sheets and the dailies report: a grid of frames per take and per scene, each labelled.

A take's sheet shows the frame where each aligned line starts (every ``every_seconds`` seconds in a
take without script lines), labelled with its timecode (from the take's own timecode when it has
one), the line and its character, the shot size and the people on screen, and a red ``SOFT`` flag
where the frame's sharpness (variance of the Laplacian of its luma at 640 pixels wide,
:func:`roughcut.vision.sharpness.laplacian_variance`) is under
:data:`~roughcut.vision.sharpness.SOFT_BELOW`. A scene's sheet shows each of its lines once, from
the take that holds it with the best alignment. The dailies report is one PDF: a cover page per
scene (heading, cast, takes, lines) followed by a page per take (more when a take holds more than
``per_page`` frames), its labels kept as text. Pictures are drawn by matplotlib; every file goes
through :class:`~roughcut.export.files.OutputDir` (never over a file roughcut did not make).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from roughcut.errors import RoughcutError
from roughcut.summary._pages import Tile, cover_figure, grab_frames, save_png, sheet_figure, timecode

#: Width in pixels at which a frame's sharpness is measured (the width ``SOFT_BELOW`` is set for).
SHARPNESS_WIDTH = 640
#: Width in pixels of a frame on a sheet.
TILE_WIDTH = 320


@dataclass(frozen=True)
class Moment:
    """One frame on a sheet: the take, native frame, its labels and whether it is soft.

    ``sharpness`` is the variance of the Laplacian of the frame's luma at 640 pixels wide."""

    take: str
    frame: int
    timecode: str
    line_id: str | None
    character: str | None
    text: str
    shot_size: str | None
    people: tuple[str, ...] | int
    sharpness: float
    soft: bool

    def labels(self) -> tuple[str, ...]:
        """The label lines under the frame: timecode and line, character and text, framing."""
        head = f"{self.timecode}  {self.line_id}" if self.line_id else self.timecode
        who = f"{self.character}: {self.text}" if self.character else self.text or "(no line)"
        people = ", ".join(self.people) if isinstance(self.people, tuple) else f"{self.people} people"
        framing = f"{self.shot_size or 'size ?'} · {people or 'nobody'} · sharpness {self.sharpness:.0f}"
        return (head, who, framing)


@dataclass
class SheetsResult:
    """What :func:`contact_sheets` wrote: the PDF report, its page count, the PNG sheets by take or
    ``"scene N"``, the moments by take, and what could not be read (one line each)."""

    pdf: Path | None
    pages: int
    pngs: dict[str, Path] = field(default_factory=dict)
    moments: dict[str, list[Moment]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _segment_at(vision: Any, frame: int) -> Any:
    for segment in getattr(vision, "segments", ()):
        if segment.start_frame <= frame < segment.end_frame:
            return segment
    return None


def _persons_shown(vision: Any, frame: int, characters: Mapping[str, str], take: str) -> tuple[str, ...]:
    """Characters (or ``personN``) whose face tracks are seen around ``frame``."""
    names = []
    step = max(1, round(float(vision.frame_rate / vision.analysis_fps))) if vision.analysis_fps else 1
    for person in vision.persons:
        for track in vision.tracks:
            if track.track_id in person.track_ids and any(
                abs(s.frame - frame) <= 2 * step for s in track.samples
            ):
                names.append(characters.get(f"{take}:{person.person_id}", person.person_id))
                break
    return tuple(dict.fromkeys(names))


def take_moments(
    take: str,
    path: Path,
    vision: Any,
    *,
    alignment: Any = None,
    characters: Mapping[str, str] | None = None,
    visibility: Sequence[Any] = (),
    every_seconds: float = 5.0,
    keep: dict[tuple[str, int], np.ndarray] | None = None,
) -> list[Moment]:
    """The frames of one take's sheet (see the module notes), measured and labelled.

    ``vision`` is the take's :class:`~roughcut.vision.model.TakeVision`, ``alignment`` its
    :class:`~roughcut.speech.align.TakeAlignment` (``None`` or empty: a frame every
    ``every_seconds`` seconds), ``characters`` maps ``"take:personN"`` to characters,
    ``visibility`` holds the take's :class:`~roughcut.vision.speakers.LineVisibility` rows;
    ``keep`` (when given) receives each frame's picture at ``TILE_WIDTH``, by ``(take, frame)``."""
    from roughcut.media import probe
    from roughcut.vision.sharpness import SOFT_BELOW, laplacian_variance

    characters = characters or {}
    rate: Fraction = vision.frame_rate
    start_tc = probe(path).timecode
    rows = {(row.line_id, round(row.start_s, 2)): row for row in visibility}
    wanted: list[tuple[int, Any]] = []
    lines = [] if alignment is None or getattr(alignment, "problem", "") else list(alignment.lines)
    for line in sorted(lines, key=lambda a: a.start):
        wanted.append(
            (min(vision.frame_count - 1, math.floor(Fraction(line.start, line.sample_rate) * rate)), line)
        )
    if not wanted:
        step = max(1, round(every_seconds * rate))
        wanted = [(frame, None) for frame in range(0, vision.frame_count, step)]
    pictures = grab_frames(path, [frame for frame, _ in wanted], width=SHARPNESS_WIDTH)
    moments = []
    for frame, line in wanted:
        picture = pictures.get(frame)
        if picture is None:
            continue
        sharpness = laplacian_variance(picture)
        if keep is not None:
            keep[(take, frame)] = _small(picture)
        segment = _segment_at(vision, frame)
        row = rows.get((line.line_id, round(line.start_s, 2))) if line is not None else None
        if row is not None:
            size, people = row.shot_size, tuple(row.visible_characters) or row.people
        else:
            shown = _persons_shown(vision, frame, characters, take)
            size = segment.shot_size if segment else vision.shot_size
            people = shown or (segment.people if segment else 0)
        moments.append(
            Moment(
                take=take,
                frame=frame,
                timecode=timecode(frame, rate, start=start_tc),
                line_id=line.line_id if line is not None else None,
                character=line.character if line is not None else None,
                text=line.text if line is not None else "",
                shot_size=size,
                people=people,
                sharpness=sharpness,
                soft=sharpness < SOFT_BELOW,
            )
        )
    return moments


def _small(image: np.ndarray) -> np.ndarray:
    import cv2

    height = round(image.shape[0] * TILE_WIDTH / image.shape[1])
    return cv2.resize(image, (TILE_WIDTH, height), interpolation=cv2.INTER_AREA)


def _tiles(moments: Sequence[Moment], pictures: Mapping[tuple[str, int], np.ndarray]) -> list[Tile]:
    return [
        Tile(pictures[(m.take, m.frame)], m.labels(), ("SOFT",) if m.soft else ())
        for m in moments
        if (m.take, m.frame) in pictures
    ]


def _stem(take: str, used: set[str]) -> str:
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in Path(take).stem) or "take"
    name, number = stem, 2
    while name in used:
        name, number = f"{stem}_{number}", number + 1
    used.add(name)
    return name


def contact_sheets(
    root: str | Path,
    visions: Mapping[str, Any],
    out_dir: str | Path,
    *,
    alignments: Mapping[str, Any] | None = None,
    characters: Mapping[str, str] | None = None,
    visibility: Mapping[str, Sequence[Any]] | None = None,
    script: Any = None,
    every_seconds: float = 5.0,
    columns: int = 4,
    per_page: int = 16,
    name: str = "dailies",
) -> SheetsResult:
    """Write the contact sheets and the dailies report of the takes ``visions`` (take name, relative
    to the project folder ``root`` → :class:`~roughcut.vision.model.TakeVision`) into ``out_dir``.

    With ``alignments`` (take → :class:`~roughcut.speech.align.TakeAlignment`) a take's frames are
    its lines' starts, labelled from ``characters`` and ``visibility`` (as in
    :class:`roughcut.app.analyze.ProjectAnalysis`); without, a frame every ``every_seconds``
    seconds. With ``script`` (:class:`~roughcut.script.model.Script`) the report has a cover page
    per scene before its takes, and a sheet per scene. Writes ``<name>.pdf`` and
    ``<name>/<take>.png`` (and ``<name>/scene_<N>.png``); a take that cannot be read is a line in
    ``problems`` and the rest goes on."""
    from matplotlib.backends.backend_pdf import PdfPages

    from roughcut.export.files import OutputDir

    if every_seconds <= 0:
        raise RoughcutError(f"every {every_seconds} s: expected a positive number of seconds")
    root = Path(root)
    alignments = alignments or {}
    visibility = visibility or {}
    result = SheetsResult(pdf=None, pages=0)
    pictures: dict[tuple[str, int], np.ndarray] = {}
    for take, vision in visions.items():
        try:
            moments = take_moments(
                take,
                root / take,
                vision,
                alignment=alignments.get(take),
                characters=characters,
                visibility=visibility.get(take, ()),
                every_seconds=every_seconds,
                keep=pictures,
            )
        except RoughcutError as exc:
            result.problems.append(f"{take}: {exc}")
            continue
        except Exception as exc:  # a file that breaks the decoder costs only its own sheet
            result.problems.append(f"{root / take}: cannot be read ({type(exc).__name__}: {exc})")
            continue
        result.moments[take] = moments
    if not result.moments:
        raise RoughcutError(
            f"{root}: no take could be read for a contact sheet; " + "; ".join(result.problems)
        )

    # Order: each scene's cover, then the takes holding its lines; then the takes without lines.
    groups: list[tuple[Any, list[str]]] = []
    placed: set[str] = set()
    scenes = [s for s in script.scenes if s.lines] if script is not None else []
    for scene in scenes:
        ids = {line.id for line in scene.lines}
        takes = [
            t for t, ms in result.moments.items() if t not in placed and any(m.line_id in ids for m in ms)
        ]
        placed.update(takes)
        groups.append((scene, takes))
    rest = [t for t in result.moments if t not in placed]
    if rest:
        groups.append((None, rest))

    out = OutputDir(out_dir)
    used: set[str] = set()
    stems = {take: _stem(take, used) for take in result.moments}
    pdf_name = f"{name}.pdf"
    names = [pdf_name, *(f"{name}/{stems[t]}.png" for t in result.moments)]
    names += [f"{name}/scene_{scene.number}.png" for scene, _ in groups if scene is not None]
    out.check(names)
    with out.writing(pdf_name) as part, PdfPages(part) as pdf:
        pdf.infodict()["Title"] = f"Dailies: {root.name}"
        pdf.infodict()["Creator"] = "roughcut"
        for scene, takes in groups:
            if scene is not None:
                cover, sheet = _scene_pages(scene, takes, result.moments, pictures, columns)
                pdf.savefig(cover)
                result.pages += 1
                png = f"{name}/scene_{scene.number}.png"
                with out.writing(png) as png_part:
                    save_png(sheet, png_part)
                result.pngs[f"scene {scene.number}"] = out.path(png)
            for take in takes:
                moments = result.moments[take]
                tiles = _tiles(moments, pictures)
                pages = max(1, math.ceil(len(tiles) / per_page))
                soft = sum(m.soft for m in moments)
                vision = visions[take]
                for page in range(pages):
                    part_tiles = tiles[page * per_page : (page + 1) * per_page]
                    title = f"{take}" + (f"  ({page + 1}/{pages})" if pages > 1 else "")
                    subtitle = (
                        f"{len(moments)} frames · {vision.frame_count} frames at "
                        f"{float(vision.frame_rate):.3f} fps · usual framing {vision.shot_size or '?'} · "
                        f"{soft} soft" + (f" · scene {scene.number}" if scene is not None else "")
                    )
                    figure = sheet_figure(title, subtitle, part_tiles, columns=columns)
                    pdf.savefig(figure)
                    result.pages += 1
                    if page == 0:
                        png = f"{name}/{stems[take]}.png"
                        with out.writing(png) as png_part:
                            save_png(sheet_figure(title, subtitle, tiles, columns=columns), png_part)
                        result.pngs[take] = out.path(png)
    result.pdf = out.path(pdf_name)
    return result


def _scene_pages(
    scene: Any,
    takes: list[str],
    moments: Mapping[str, list[Moment]],
    pictures: Mapping[tuple[str, int], np.ndarray],
    columns: int,
) -> tuple[Any, Any]:
    """The cover page of ``scene`` and its sheet: each line once, from the take that shows it best
    (sharp, its speaker on screen, the tightest framing; the first of ``takes`` on a tie)."""
    from roughcut.edit.coverage import SHOT_SIZES, shot_size_index

    def rank(moment: Moment) -> tuple[bool, bool, int]:
        seen = isinstance(moment.people, tuple) and moment.character in moment.people
        size = shot_size_index(moment.shot_size) if moment.shot_size else len(SHOT_SIZES)
        return (moment.soft, not seen, size)

    best: dict[str, Moment] = {}
    for take in takes:
        for moment in moments[take]:
            if moment.line_id is None:
                continue
            held = best.get(moment.line_id)
            if held is None or rank(moment) < rank(held):
                best[moment.line_id] = moment
    ordered = [best[line.id] for line in scene.lines if line.id in best]
    rows = [
        f"Cast: {', '.join(scene.characters)}",
        f"{len(scene.lines)} lines, {len(ordered)} found in the takes; {len(takes)} takes:",
    ]
    for take in takes:
        held = [m for m in moments[take] if m.line_id]
        soft = sum(m.soft for m in held)
        rows.append(f"    {take}: {len(held)} lines" + (f", {soft} soft" if soft else ""))
    missing = [line.id for line in scene.lines if line.id not in best]
    if missing:
        rows.append(f"Not found in any take: {', '.join(missing)}")
    rows.append("Lines:")
    rows += [f"    {line.id}  {line.character}: {line.text}" for line in scene.lines]
    strip = [
        pictures[(t, moments[t][0].frame)]
        for t in takes
        if moments[t] and (t, moments[t][0].frame) in pictures
    ]
    heading = scene.heading or "(no heading)"
    cover = cover_figure(f"Scene {scene.number}: {heading}", rows, strip)
    sheet = sheet_figure(
        f"Scene {scene.number}: {heading}",
        "each line once, from the take that shows it best: sharp, the speaker seen, the tightest framing",
        _tiles(ordered, pictures),
        columns=columns,
    )
    return cover, sheet


def sheets_from_analysis(analysis: Any, out_dir: str | Path, **options: Any) -> SheetsResult:
    """:func:`contact_sheets` of a project's analysis (a :class:`roughcut.app.analyze.ProjectAnalysis`:
    its takes, alignments, characters, visibility and script). ``options`` as there."""
    return contact_sheets(
        analysis.project.root,
        analysis.visions,
        out_dir,
        alignments=analysis.alignments,
        characters=analysis.characters,
        visibility=analysis.visibility,
        script=analysis.script,
        **options,
    )
