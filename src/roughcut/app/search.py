"""Search a project's takes, and log them: what ``roughcut search``, ``roughcut log`` and the editing
room's search box call.

:class:`ProjectSearch` indexes a project once (its analysis, cached in the store, turned into
:class:`~roughcut.search.records.SearchRecord`) and answers many queries; :func:`search_project` is
one query. Hits become an OTIO bin (:meth:`ProjectSearch.write_bin`) and thumbnails
(:meth:`ProjectSearch.thumbnail`); :func:`write_take_log` writes the per-take log with the same fields.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from roughcut.project import Project
from roughcut.search.index import FILE_NAME, SearchIndex, SearchResult
from roughcut.search.records import SearchRecord, records_from_analysis
from roughcut.store import Store

#: Where thumbnails of hits go, inside the project's output folder.
THUMB_FOLDER = ".search/thumbs"
#: Width in pixels of a hit's thumbnail.
THUMB_WIDTH = 240


def project_records(
    project: Project, *, store: Store | None = None, workers: int | None = None
) -> list[SearchRecord]:
    """The search records of every take of ``project`` from its analysis (run now unless cached)."""
    from roughcut.app.analyze import analyze_project

    analysis = analyze_project(project, store=store, workers=workers)
    return records_from_analysis(
        analysis.script,
        analysis.alignments,
        visions=analysis.visions,
        visibility=analysis.visibility,
        characters=analysis.characters,
        text=analysis.text,
    )


class ProjectSearch:
    """One project's records, indexed once, to ask many queries.

    ``records`` may be given (a test's, or generated ones); by default they come from the project's
    analysis (:func:`project_records`, cached in ``store``). ``index`` defaults to the index file
    beside the store.
    """

    def __init__(
        self,
        directory: str | Path,
        *,
        store: Store | None = None,
        index: SearchIndex | None = None,
        records: Sequence[SearchRecord] | None = None,
    ) -> None:
        self.project = Project.open(directory)
        if records is None:
            records = project_records(self.project, store=store)
        self.records = list(records)
        if index is None:
            index = SearchIndex(Path(store.path).with_name(FILE_NAME)) if store is not None else SearchIndex()
        self.index = index
        self.key = index.load(self.records)
        self.paths = {self.project.take_name(t): t for t in self.project.takes}

    def search(self, query: str = "", *, limit: int | None = 50, **filters: Any) -> SearchResult:
        """Hits for ``query`` and ``filters`` (see :meth:`roughcut.search.SearchIndex.search`)."""
        return self.index.search(self.key, query, limit=limit, **filters)

    def write_bin(
        self, result: SearchResult, path: str | Path, *, query: str = "", markers: bool = False
    ) -> Path:
        """Write the hits as an OTIO bin (subclips, or markers on each take) to ``path``, through the
        one writer (:mod:`roughcut.export.files`: atomic, never over a file roughcut did not make)."""
        import opentimelineio as otio

        from roughcut.export.files import file_writing
        from roughcut.search.bin import hits_to_bin

        collection = hits_to_bin(result.hits, self.paths, query=query, markers=markers)
        with file_writing(path) as part:
            otio.adapters.write_to_file(collection, str(part), adapter_name="otio_json")
        return Path(path)

    def thumbnail(self, take: str, frame: int) -> Path:
        """The JPEG thumbnail of ``take`` at ``frame`` (at the take's rate), made on first use in the
        project's output folder."""
        from roughcut.errors import RoughcutError
        from roughcut.export.files import OutputDir
        from roughcut.media import save_image, thumbnail

        if take not in self.paths:
            raise RoughcutError(f"no take named {take!r} in {self.project.root}")
        rate = next((r.frame_rate for r in self.records if r.take == take), Fraction(25))
        digest = hashlib.blake2b(take.encode(), digest_size=4).hexdigest()
        name = f"{THUMB_FOLDER}/{Path(take).stem}_{digest}_{int(frame)}_{THUMB_WIDTH}.jpg"
        out = OutputDir(self.project.output_dir)
        if name in out.made() and out.path(name).is_file():
            return out.path(name)
        image = thumbnail(self.paths[take], seconds=Fraction(int(frame)) / rate, width=THUMB_WIDTH)
        with out.writing(name) as part:
            save_image(image, part)
        return out.path(name)

    def hit_thumbnails(self, result: SearchResult) -> list[Path]:
        """A thumbnail per hit, at the middle frame of its range."""
        return [
            self.thumbnail(h.record.take, (h.record.start_frame + h.record.end_frame) // 2)
            for h in result.hits
        ]


def search_project(
    directory: str | Path,
    query: str = "",
    *,
    store: Store | None = None,
    limit: int | None = 50,
    **filters: Any,
) -> SearchResult:
    """Search the project in ``directory`` for ``query`` (one query: index, ask, done)."""
    return ProjectSearch(directory, store=store).search(query, limit=limit, **filters)


def write_take_log(
    directory: str | Path,
    *,
    out_dir: str | Path | None = None,
    store: Store | None = None,
    records: Sequence[SearchRecord] | None = None,
    name: str = "takes_log",
) -> dict[str, Path]:
    """Write the per-take log of the project in ``directory`` as ``<name>.csv``, ``.ale`` and
    ``.otio`` into ``out_dir`` (default: the project's output folder). Returns the paths by format."""
    import opentimelineio as otio

    from roughcut.export import _ale
    from roughcut.export.files import OutputDir
    from roughcut.search.log import log_bin, log_csv, take_logs

    project = Project.open(directory)
    if records is None:
        records = project_records(project, store=store)
    logs = take_logs(records)
    paths = {project.take_name(t): t for t in project.takes}
    out = OutputDir(out_dir or project.output_dir)
    written = {"csv": out.write_text(f"{name}.csv", log_csv(logs))}
    collection = log_bin(logs, paths)
    with out.writing(f"{name}.otio") as part:
        otio.adapters.write_to_file(collection, str(part), adapter_name="otio_json")
    written["otio"] = out.path(f"{name}.otio")
    rate = Fraction(logs[0].frame_rate) if logs and logs[0].frame_rate else Fraction(25)
    with out.writing(f"{name}.ale") as part:
        otio.adapters.write_to_file(collection, str(part), adapter_name="ale", fps=float(rate))
        _ale.fix(part, rate, drop_frame=False)
    written["ale"] = out.path(f"{name}.ale")
    return written


def log_timeline_takes(timeline: Any, project: Project, *, store: Store | None = None) -> None:
    """Add the per-take log (:class:`~roughcut.search.log.TakeLog` columns: scene, lines, characters,
    persons, shot sizes, emotion, words said) to each take of a cut's timeline metadata
    (``metadata["roughcut"]["takes"][i]["log"]``), from the project's analysis (cached); the cut's
    ALE and OTIO then carry it."""
    from roughcut.search.log import take_logs

    logs = {log.take: log.columns() for log in take_logs(project_records(project, store=store))}
    meta = timeline.metadata.get("roughcut", {})
    takes = list(meta.get("takes", []))
    for take in takes:
        if take["name"] in logs:
            take["log"] = {k: v for k, v in logs[take["name"]].items() if k != "Take"}
    meta["takes"] = takes
    timeline.metadata["roughcut"] = meta
