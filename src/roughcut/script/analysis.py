"""Per-line text analysis of a script's dialogue and the emotional arc of each scene.

Each line gets VADER sentiment and intensity, an emotion category (:mod:`roughcut.text.emotion`),
its language (lingua) and keywords (YAKE). The arc of a scene is its lines' valence in order, smoothed
over three lines, with its peaks and valleys: these feed the "intensify emotion" and "peaks and
valleys" idioms of the editor.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from roughcut.progress import track
from roughcut.script.model import Script
from roughcut.text.emotion import emotion
from roughcut.text.keywords import keywords
from roughcut.text.language import COMMON_LANGUAGES, detect_language
from roughcut.text.sentiment import sentiment

if TYPE_CHECKING:
    from roughcut.store import Store

#: Cache stage name and version of the text analysis (bump the version when its output changes).
STAGE = "script.text_analysis"
VERSION = 1

#: Intensity from which a line counts as emotionally intense (Leake et al. 2017 use 0.65).
INTENSE = 0.65
#: How far (in compound units) a line's valence must stand out from its surroundings to be a peak or
#: a valley of its scene's arc (the topographic prominence of ``scipy.signal.find_peaks``).
PROMINENCE = 0.3


@dataclass(frozen=True)
class LineTextAnalysis:
    """What the text of one dialogue line says.

    ``compound`` is VADER's compound score in [-1, 1]; ``positive``/``neutral``/``negative`` its
    shares in [0, 1]; ``intensity`` = ``abs(compound)`` in [0, 1]; ``emotion`` one of
    :data:`roughcut.text.emotion.EMOTIONS`; ``language`` an ISO 639-1 code (``""`` unknown) with
    ``language_confidence`` lingua's confidence for this line, 0.0 when the line is too short and
    the language is the script's; ``keywords`` the line's key phrases, most relevant first.
    """

    line_id: str
    compound: float
    positive: float
    neutral: float
    negative: float
    intensity: float
    emotion: str
    emotion_cues: tuple[str, ...]
    language: str
    language_confidence: float
    keywords: tuple[str, ...]

    @property
    def intense(self) -> bool:
        """Whether ``intensity`` reaches :data:`INTENSE`."""
        return self.intensity >= INTENSE


def script_language(script: Script, *, languages: tuple[str, ...] = COMMON_LANGUAGES) -> str:
    """The language of all the script's dialogue together (ISO 639-1), ``""`` when unknown."""
    text = " ".join(line.text for line in script.lines)[:4000]
    guess = detect_language(text, languages=languages)
    return guess.code if guess else ""


def dialogue_fingerprint(script: Script) -> str:
    """A hash of the script's dialogue (line ids and texts): the cache key of its text analysis."""
    text = json.dumps([[line.id, line.text] for line in script.lines], ensure_ascii=False)
    return "dialogue:" + hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def analyze_lines(
    script: Script,
    *,
    languages: tuple[str, ...] = COMMON_LANGUAGES,
    top_keywords: int = 5,
    store: Store | None = None,
) -> dict[str, LineTextAnalysis]:
    """Analyse every dialogue line of ``script``; keyed by line id, in script order.

    Results are cached in ``store`` (the default store when ``None``) under a hash of the dialogue,
    so a second run loads no model.
    """
    from roughcut.store import Store

    store = store if store is not None else Store()
    params = {"languages": list(languages), "top_keywords": top_keywords}
    return store.cached(
        dialogue_fingerprint(script),
        STAGE,
        VERSION,
        params,
        lambda: _analyze(script, languages=languages, top_keywords=top_keywords),
    )


def _analyze(script: Script, *, languages: tuple[str, ...], top_keywords: int) -> dict[str, LineTextAnalysis]:
    fallback = script_language(script, languages=languages)
    result: dict[str, LineTextAnalysis] = {}
    for line in track(script.lines, "Analysing dialogue"):
        scores = sentiment(line.text)
        guess = detect_language(line.text, languages=languages)
        language = guess.code if guess else fallback
        feeling = emotion(line.text, compound=scores.compound)
        phrases = keywords(line.text, language=language or "en", top=top_keywords)
        result[line.id] = LineTextAnalysis(
            line_id=line.id,
            compound=scores.compound,
            positive=scores.positive,
            neutral=scores.neutral,
            negative=scores.negative,
            intensity=scores.intensity,
            emotion=feeling.category,
            emotion_cues=feeling.cues,
            language=language,
            language_confidence=guess.confidence if guess else 0.0,
            keywords=tuple(k.phrase for k in phrases),
        )
    return result


@dataclass(frozen=True)
class SceneArc:
    """The emotional arc of one scene, one value per dialogue line in order.

    ``valence`` is each line's compound score in [-1, 1]; ``smoothed`` its centred moving average
    over three lines (two at the ends), for display; ``intensity`` each line's intensity in [0, 1].
    ``peaks`` and ``valleys`` are the ids of lines whose valence is a local maximum or minimum that
    stands out by at least :data:`PROMINENCE` (neutral taken beyond the scene's first and last line).
    ``climax`` is the id of the most intense line (the first of equals), ``""`` when no line has
    any intensity.
    """

    scene: str
    line_ids: tuple[str, ...]
    valence: tuple[float, ...]
    smoothed: tuple[float, ...]
    intensity: tuple[float, ...]
    peaks: tuple[str, ...]
    valleys: tuple[str, ...]
    climax: str
    mean_valence: float
    mean_intensity: float


def _smooth(values: list[float]) -> list[float]:
    out = []
    for i in range(len(values)):
        window = values[max(0, i - 1) : i + 2]
        out.append(sum(window) / len(window))
    return out


def _extrema(values: list[float], sign: int) -> list[int]:
    """Indices of peaks (sign 1) or valleys (sign -1) of ``values`` that stand out by at least
    :data:`PROMINENCE`, with neutral (0) beyond both ends."""
    if not values:
        return []
    from scipy.signal import find_peaks

    padded = np.concatenate([[0.0], sign * np.asarray(values, dtype=np.float64), [0.0]])
    found, _ = find_peaks(padded, prominence=PROMINENCE)
    return [int(i) - 1 for i in found]


def scene_arc(scene_number: str, line_ids: list[str], analyses: dict[str, LineTextAnalysis]) -> SceneArc:
    """The arc of the lines ``line_ids`` of one scene from their analyses."""
    valence = [analyses[i].compound for i in line_ids]
    intensity = [analyses[i].intensity for i in line_ids]
    smoothed = _smooth(valence)
    count = len(line_ids)
    strongest = max(range(count), key=lambda i: (intensity[i], -i)) if count else -1
    climax = line_ids[strongest] if count and intensity[strongest] > 0 else ""
    return SceneArc(
        scene=scene_number,
        line_ids=tuple(line_ids),
        valence=tuple(valence),
        smoothed=tuple(smoothed),
        intensity=tuple(intensity),
        peaks=tuple(line_ids[i] for i in _extrema(valence, 1)),
        valleys=tuple(line_ids[i] for i in _extrema(valence, -1)),
        climax=climax,
        mean_valence=sum(valence) / count if count else 0.0,
        mean_intensity=sum(intensity) / count if count else 0.0,
    )


def emotional_arcs(
    script: Script, analyses: dict[str, LineTextAnalysis] | None = None
) -> dict[str, SceneArc]:
    """The emotional arc of every scene, keyed by scene number (``analyses`` computed if not given)."""
    if analyses is None:
        analyses = analyze_lines(script)
    return {
        scene.number: scene_arc(scene.number, [line.id for line in scene.lines], analyses)
        for scene in script.scenes
    }
