"""The analyse stage of a project: script, speech alignment, vision and text, joined into coverage.

:func:`analyze_project` runs every analysis a project needs (each cached in the store by the media's
fingerprint) and :func:`scene_coverage` turns the results into the editor's input,
:class:`~roughcut.edit.coverage.SceneCoverage`: for each take and line, exact frames, who speaks and
whether they are seen, the framing, the pace and the voice's arousal.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from roughcut.app.scenes import scene_number_key
from roughcut.edit.coverage import LineCoverage, LineInfo, SceneCoverage, TakeInfo
from roughcut.errors import RoughcutError
from roughcut.media import probe
from roughcut.project import Project
from roughcut.script.model import Scene, Script
from roughcut.store import Store


@dataclass
class ProjectAnalysis:
    """Everything analysed about a project, keyed by take name (path relative to the project)."""

    project: Project
    script: Script
    alignments: dict  # take -> roughcut.speech.align.TakeAlignment
    visions: dict  # take -> roughcut.vision.model.TakeVision
    characters: dict[str, str]  # "take:personN" -> character
    visibility: dict  # take -> tuple[roughcut.vision.speakers.LineVisibility, ...]
    text: dict  # line id -> roughcut.script.analysis.LineTextAnalysis
    arousal: dict[tuple[str, str], float] = field(default_factory=dict)  # (line id, take) -> 0..1
    problems: list[str] = field(default_factory=list)


@dataclass
class TakesAnalysis:
    """Speech and vision of every take: alignments (empty when speech did not run, ``note`` says
    why), vision (:class:`~roughcut.vision.take.ProjectVision`), the ``"take:personN" → character``
    mapping and per take the lines' visibility."""

    alignments: dict  # take -> roughcut.speech.align.TakeAlignment
    vision: Any  # roughcut.vision.take.ProjectVision
    characters: dict[str, str]
    visibility: dict  # take -> tuple[roughcut.vision.speakers.LineVisibility, ...]
    note: str = ""


def analyze_takes(
    project: Project,
    *,
    store: Store | None = None,
    workers: int | None = None,
    fps: float | None = None,
    width: int | None = None,
    script: Script | None = None,
    speech: bool = True,
    tolerant: bool = False,
    ray: str | None = None,
) -> TakesAnalysis:
    """Align ``script`` (default: the project's) to every take and analyse faces and who speaks.

    ``fps`` and ``width`` default to ``roughcut.toml``'s ``[analysis]``. Without ``speech`` or a
    screenplay, vision only; with ``tolerant``, a speech stage that cannot run (not installed, or
    failing) leaves vision only too, with the reason in ``note``, instead of raising. Takes run in
    the local process pool, or on the Ray cluster at ``ray`` (default: ``[cluster] address``);
    see :mod:`roughcut.app.executors`.
    """
    from roughcut import progress
    from roughcut.app.executors import align_project_on, open_executor
    from roughcut.vision import analyze_project as analyze_vision
    from roughcut.vision.speakers import SpokenLine, assign_characters, line_visibility

    store = store if store is not None else Store()
    cluster = project.config.cluster
    executor = open_executor(ray or cluster.address, workers=workers, retries=cluster.retries)
    with progress.view(), executor:
        alignments, note = {}, ""
        if not speech:
            note = "vision only (--no-speech)"
        elif script is None and project.script is None:
            note = "no screenplay in the project: vision only"
        else:
            remote = align_project_on(executor) if executor.remote else None
            alignments, note = _align(project, script, store, tolerant=tolerant, align=remote)
        vision = analyze_vision(
            project, store=store, workers=workers, fps=fps, width=width, executor=executor
        )
    spoken = {
        take: [SpokenLine(line.line_id, line.character, line.start_s, line.end_s) for line in a.lines]
        for take, a in alignments.items()
    }
    characters = assign_characters(vision.takes, spoken, overrides=project.config.characters)
    visibility = line_visibility(vision.takes, spoken, characters)
    return TakesAnalysis(alignments, vision, characters, visibility, note)


def _align(
    project: Project, script: Script | None, store: Store, *, tolerant: bool, align: Any = None
) -> tuple[dict, str]:
    """Script alignment per take (by ``align``, default ``align_project``), or (with ``tolerant``)
    nothing and why it could not run."""
    try:
        from roughcut.speech.align import align_project
    except ImportError as exc:
        if not tolerant:
            raise
        return {}, f"speech alignment not available ({exc}): vision only"
    if script is None:
        from roughcut.script import read_script

        script = read_script(project.script)
    try:
        return (align or align_project)(project, script, store=store), ""
    except RoughcutError:
        raise
    except Exception as exc:  # the speech stage's own failure must not cost the vision results
        if not tolerant:
            raise
        return {}, f"speech alignment failed ({type(exc).__name__}: {exc}): vision only"


def analyze_project(
    project: Project, *, store: Store | None = None, workers: int | None = None
) -> ProjectAnalysis:
    """Read the script, align it to every take, analyse faces and voices; cached in ``store``.

    A take that cannot be read becomes a line in ``problems``; the rest goes on.
    """
    from roughcut.script import read_script
    from roughcut.script.analysis import analyze_lines

    if project.script is None:
        raise RoughcutError(f"{project.root}: no screenplay (.fountain, .fdx or NAME: line .txt) found")
    if not project.takes:
        raise RoughcutError(f"{project.root}: no takes (video files) found")
    store = store if store is not None else Store()
    script = read_script(project.script)
    takes = analyze_takes(project, store=store, workers=workers, script=script)
    alignments, vision = takes.alignments, takes.vision
    problems = [f"{take}: {a.problem}" for take, a in alignments.items() if a.problem]
    said = "\n".join(problems)  # a file both stages failed to read is said once
    problems += [str(error) for error in vision.errors if str(error) not in said]
    characters, visibility = takes.characters, takes.visibility
    text = analyze_lines(script, store=store)
    arousal = _arousal(project, alignments, store)
    return ProjectAnalysis(
        project=project,
        script=script,
        alignments=alignments,
        visions=dict(vision.takes),
        characters=characters,
        visibility=visibility,
        text=text,
        arousal=arousal,
        problems=problems,
    )


def _arousal(project: Project, alignments: dict, store: Store) -> dict[tuple[str, str], float]:
    """The voice's arousal (0..1, pitch and energy against the speaker's own range) per line and take."""
    from roughcut.audio.prosody import line_prosody
    from roughcut.media import fingerprint, read_audio

    out: dict[tuple[str, str], float] = {}
    for take, alignment in alignments.items():
        if alignment.problem or not alignment.lines:
            continue
        path = project.root / take
        key = [(a.line_id, a.start, a.end) for a in alignment.lines]

        def compute(path: Path = path, alignment=alignment) -> dict[str, float]:
            audio = read_audio(path)
            values = {}
            for line in alignment.lines:
                if line.occurrence:
                    continue
                words = [(w.start_s, w.end_s) for w in line.words]
                prosody = line_prosody(
                    audio.samples, audio.sample_rate, line.start_s, line.end_s, words=words
                )
                values[line.line_id] = float(prosody.arousal)
            return values

        values = store.cached(fingerprint(path), "prosody", 1, key, compute)
        out.update({(line_id, take): value for line_id, value in values.items()})
    return out


def _best_performance(alignment, line_id: str):
    performances = [a for a in alignment.lines if a.line_id == line_id]
    return max(performances, key=lambda a: (a.confidence, -a.occurrence)) if performances else None


def _speaker_confidence(row) -> float | None:
    """How far the picture's two speaker labels agree (0..1): the person named after the speaker and
    the face seen talking (1 agree, 0.5 no lips seen moving on a shown speaker, 0 another face talks)."""
    if row is None:
        return None
    if row.visual_speaker is None:
        return 0.5 if row.speaker_visible else 1.0
    return 1.0 if row.visual_speaker == row.speaker_person else 0.0


def scene_coverage(
    analysis: ProjectAnalysis, scene: str | None = None, *, take_names: Iterable[str] | None = None
) -> SceneCoverage:
    """The editor's input for ``scene`` (its number as in the script; default: the first scene with
    dialogue that has takes) from the takes named ``take_names`` (default: those :func:`~roughcut.app.scenes.
    match_takes_to_scenes` places in it).

    Each take's framing is the shot size vision found most often while the scene's lines are said;
    its people are the characters mapped to the persons it shows. A line's coverage in a take comes
    from its best-aligned performance; frames are exact at the take's rate (start rounded down, end
    rounded up). An unknown scene is an error that lists the scenes with dialogue.
    """
    from roughcut.app.scenes import match_takes_to_scenes, takes_by_scene

    scenes = [s for s in analysis.script.scenes if s.lines]
    if not scenes:
        raise RoughcutError(f"{analysis.script.source or 'the script'}: no dialogue")
    placed = takes_by_scene(match_takes_to_scenes(analysis.script, analysis.alignments))
    if scene is None:
        chosen = next((s for s in scenes if placed.get(s.number)), scenes[0])
    else:
        chosen = _dialogue_scene(analysis.script, scene)
    wanted = set(placed.get(chosen.number, []) if take_names is None else take_names)
    line_ids = {line.id for line in chosen.lines}
    lines = tuple(
        LineInfo(
            id=line.id,
            character=line.character,
            text=line.text,
            intensity=analysis.text[line.id].intensity if line.id in analysis.text else 0.0,
            words=tuple(line.text.split()),
        )
        for line in chosen.lines
    )
    takes: list[TakeInfo] = []
    coverage: dict[tuple[str, str], LineCoverage] = {}
    for take, alignment in analysis.alignments.items():
        vision = analysis.visions.get(take)
        if vision is None or alignment.problem or take not in wanted:
            continue
        rows = {row.line_id: row for row in analysis.visibility.get(take, ()) if row.line_id in line_ids}
        named = {
            key.rsplit(":", 1)[1]: character
            for key, character in analysis.characters.items()
            if key.rsplit(":", 1)[0] == take
        }
        positions = {named[p.person_id]: p.screen_position for p in vision.persons if p.person_id in named}
        sizes = Counter(row.shot_size for row in rows.values() if row.shot_size)
        shot_size = sizes.most_common(1)[0][0] if sizes else (vision.shot_size or "LS")
        info = probe(analysis.project.root / take)
        rate = vision.frame_rate
        takes.append(
            TakeInfo(
                name=take,
                path=analysis.project.root / take,
                frame_rate=rate,
                width=vision.frame_size[0],
                height=vision.frame_size[1],
                duration_frames=vision.frame_count,
                shot_size=shot_size,
                characters_visible=tuple(sorted(positions)),
                screen_positions=positions,
                has_audio=info.has_audio,
                timecode=info.timecode,
                sharpness=vision.face_sharpness if vision.face_sharpness is not None else vision.sharpness,
            )
        )
        for line_id in line_ids:
            performance = _best_performance(alignment, line_id)
            if performance is None:
                continue
            row = rows.get(line_id)
            seconds = max(performance.end_s - performance.start_s, 1e-3)
            coverage[(line_id, take)] = LineCoverage(
                line_id=line_id,
                take_name=take,
                start_frame=math.floor(Fraction(performance.start, performance.sample_rate) * rate),
                end_frame=math.ceil(Fraction(performance.end, performance.sample_rate) * rate),
                speaker_visible=bool(row and row.speaker_visible),
                speaker_on_screen_position=positions.get(performance.character),
                visible_characters=row.visible_characters if row else tuple(sorted(positions)),
                shot_size=(row.shot_size if row and row.shot_size else shot_size),
                confidence=float(performance.confidence),
                speech_rate=len(performance.words) / seconds,
                arousal=analysis.arousal.get((line_id, take)),
                speaker_confidence=_speaker_confidence(row),
                pauses=tuple(
                    (
                        math.ceil(Fraction(a.end_s).limit_denominator(10**6) * rate),
                        math.floor(Fraction(b.start_s).limit_denominator(10**6) * rate),
                    )
                    for a, b in zip(performance.words, performance.words[1:], strict=False)
                    if b.start_s - a.end_s >= 0.1
                ),
            )
    if not takes:
        said = "; ".join(analysis.problems)
        raise RoughcutError(
            f"{analysis.project.root}: no take covers {scene_label(chosen)}" + (f"; {said}" if said else "")
        )
    return SceneCoverage(
        scene=chosen.number,
        lines=lines,
        takes=tuple(takes),
        coverage=coverage,
        characters=chosen.characters,
    )


def scene_label(scene: Scene) -> str:
    """``scene 2 (EXT. GARDEN - NIGHT)``: a scene by its number and heading, for messages."""
    return f"scene {scene.number}" + (f" ({scene.heading})" if scene.heading else "")


def _dialogue_scene(script: Script, number: str) -> Scene:
    """The scene numbered ``number`` (as in the script, ``12A``; leading zeros and case aside) if it
    has dialogue; else an error listing the scenes that do."""
    scenes = [s for s in script.scenes if s.lines]
    for scene in scenes:
        if scene_number_key(scene.number) == scene_number_key(number):
            return scene
    where = script.source or "the script"
    raise RoughcutError(
        f"{where}: no scene {number!r} with dialogue; scenes: {', '.join(s.number for s in scenes) or 'none'}"
    )


@dataclass(frozen=True)
class SceneEntry:
    """A dialogue scene of the screenplay and what covers it: its ``takes`` (names) and their
    ``coverage`` (``None`` when no take holds any of its lines; ``note`` says why)."""

    number: str
    heading: str
    lines: int
    takes: tuple[str, ...]
    coverage: SceneCoverage | None
    note: str = ""

    @property
    def label(self) -> str:
        return f"scene {self.number}" + (f" ({self.heading})" if self.heading else "")


@dataclass(frozen=True)
class ProjectScenes:
    """Every dialogue scene of a project in script order with its coverage, where each take was
    placed (:class:`~roughcut.app.scenes.SceneMatch`, by take) and notes for the user (takes placed
    by name or in no scene, scenes without coverage)."""

    scenes: tuple[SceneEntry, ...]
    matches: Mapping[str, Any]
    notes: tuple[str, ...] = ()

    def covered(self) -> list[SceneCoverage]:
        """The coverage of every scene that has some, in script order."""
        return [entry.coverage for entry in self.scenes if entry.coverage is not None]

    def uncovered(self) -> list[SceneEntry]:
        return [entry for entry in self.scenes if entry.coverage is None]

    def scene(self, number: str) -> SceneEntry:
        """The scene numbered ``number`` (as in the script); an error listing the numbers else."""
        for entry in self.scenes:
            if scene_number_key(entry.number) == scene_number_key(number):
                return entry
        raise RoughcutError(
            f"no scene {number!r} with dialogue; scenes: {', '.join(e.number for e in self.scenes) or 'none'}"
        )


def analysis_scenes(analysis: ProjectAnalysis) -> ProjectScenes:
    """Every dialogue scene of ``analysis``'s script with the coverage of the takes placed in it."""
    from roughcut.app.scenes import match_takes_to_scenes, takes_by_scene

    matches = match_takes_to_scenes(analysis.script, analysis.alignments)
    placed = takes_by_scene(matches)
    notes = [match.note for match in matches.values() if match.note]
    entries = []
    for scene in analysis.script.scenes:
        if not scene.lines:
            continue
        names = tuple(placed.get(scene.number, ()))
        coverage, note = None, ""
        if not names:
            held = "its line" if len(scene.lines) == 1 else f"any of its {len(scene.lines)} lines"
            note = f"{scene_label(scene)}: no take holds {held}; not cut"
        else:
            try:
                coverage = scene_coverage(analysis, scene.number, take_names=names)
            except RoughcutError as exc:
                note = f"{scene_label(scene)}: not cut ({exc})"
            if coverage is not None and not coverage.coverage:
                coverage = None
                note = f"{scene_label(scene)}: its takes ({', '.join(names)}) hold none of its lines; not cut"
        if note:
            notes.append(note)
        entries.append(SceneEntry(scene.number, scene.heading, len(scene.lines), names, coverage, note))
    if not entries:
        raise RoughcutError(f"{analysis.script.source or 'the script'}: no dialogue")
    return ProjectScenes(tuple(entries), matches, tuple(notes))


def project_scenes(directory: str | Path, *, store: Store | None = None) -> ProjectScenes:
    """Analyse the project in ``directory`` (cached) and return every dialogue scene's coverage.

    A project whose ``roughcut.toml`` says ``coverage = "truth"`` has the one scene of its
    ``truth.json`` (the demo's ground truth, or coverage logged by hand), without analysing the takes.
    """
    project = Project.open(directory)
    if project.config.coverage == "truth":  # roughcut.config checked it is "analysis" or "truth"
        from roughcut.edit.coverage import coverage_from_demo_truth

        coverage = coverage_from_demo_truth(project.root)
        heading = ""
        if project.script is not None:
            from roughcut.script import read_script

            script = read_script(project.script)
            heading = next((s.heading for s in script.scenes if s.number == coverage.scene), "")
        entry = SceneEntry(
            coverage.scene, heading, len(coverage.lines), tuple(t.name for t in coverage.takes), coverage
        )
        return ProjectScenes((entry,), {})
    return analysis_scenes(analyze_project(project, store=store))


def project_coverage(
    directory: str | Path, *, store: Store | None = None, scene: str | None = None
) -> SceneCoverage:
    """The coverage of one scene of the project in ``directory`` (its number as in the script;
    default: the first dialogue scene with coverage), analysed as :func:`project_scenes` does."""
    scenes = project_scenes(directory, store=store)
    if scene is not None:
        entry = scenes.scene(scene)
        if entry.coverage is None:
            raise RoughcutError(entry.note or f"{entry.label}: no coverage")
        return entry.coverage
    covered = scenes.covered()
    if not covered:
        raise RoughcutError(f"{Path(directory)}: no scene has coverage; " + "; ".join(scenes.notes))
    return covered[0]
